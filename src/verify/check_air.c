/* SPDX-License-Identifier: MIT */
/*
 * The air side of a plan: clearance requests (one per sortie, filing time
 * and lead, opening date, validity window, blackout days, permitted hours
 * at the airfield, daily caps per airfield and country-wide counted by
 * host-country day and weekly caps by rolling or calendar week, each as in
 * force on its day by the scenario's schedule of caps, and each request's
 * rank), tail itineraries (tails
 * available, no overlap, ferry origin, ground and flight times, airfield
 * operating hours) and ramp space (MOG per class and in total, less
 * third-party reservations, by a sweep over ground intervals).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

/* ---- clearances ---- */

typedef struct creq {
    int32_t clr;    /* clearance index */
    int32_t sortie; /* sortie index */
    int32_t site;
    int32_t day;
    dd_time dep;
} creq;

/* The requests in the order of a site's caps, and of the country's. */
static const dd__key by_site_day[] = {DD__KEY(creq, site), DD__KEY(creq, day),
                                      DD__KEY(creq, dep), DD__KEY(creq, sortie), DD__KEY_END};
static const dd__key by_day[] = {DD__KEY(creq, day), DD__KEY(creq, dep), DD__KEY(creq, sortie),
                                 DD__KEY_END};

/* "1, 2, 3" of the sorties in q[0..n), shortened past 8. */
static void list_sorties(const vctx *c, const creq *q, size_t n, char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && off + 24 < size; i++) {
        if (i == 8) {
            snprintf(buf + off, size - off, ", ...");
            break;
        }
        int w = snprintf(buf + off, size - off, "%s%lld", i ? ", " : "",
                         (long long)c->p->sorties[q[i].sortie].id);
        off += w > 0 ? (size_t)w : 0;
    }
}

/* The caps of the agreement or of one airfield as the scenario states
 * them (read here, apart from the planner's reading): a schedule of steps
 * (none before the first), or daily_cap alone. When daily_cap is not the
 * value the schedule was read with (a variant moved it), every step's
 * daily cap moves with it (scenario.h, dd_clearance_terms). */
typedef struct vcaps {
    const dd_cap_step *v;
    size_t n;
    int32_t base, now;
} vcaps;

static vcaps caps_of(const dd_scenario *s, int32_t site)
{
    if (site >= 0) {
        const dd_site *x = &s->sites[site];
        return (vcaps){x->caps, x->n_caps, x->caps_base, x->daily_cap};
    }
    const dd_clearance_terms *ct = &s->agreement.clearance;
    return (vcaps){ct->caps, ct->n_caps, ct->caps_base, ct->daily_cap};
}

/* Index of the step in force on `day`, -1 before the first. */
static ptrdiff_t vstep(const vcaps *k, int32_t day)
{
    ptrdiff_t at = -1;
    for (size_t i = 0; i < k->n; i++)
        if (k->v[i].day <= day)
            at = (ptrdiff_t)i;
    return at;
}

static int32_t vdaily(const vcaps *k, int32_t day)
{
    if (k->n == 0)
        return k->now;
    ptrdiff_t i = vstep(k, day);
    if (i < 0)
        return 0;
    int32_t d = k->v[i].daily;
    if (k->now == k->base)
        return d;
    if (k->now < 0)
        return -1;
    if (k->base < 0)
        return d >= 0 && d < k->now ? d : k->now;
    if (d < 0)
        return -1;
    int64_t m = (int64_t)d + k->now - k->base;
    return m > 0 ? (int32_t)m : 0;
}

static int32_t vweekly(const vcaps *k, int32_t day)
{
    ptrdiff_t i = vstep(k, day);
    return i < 0 ? -1 : k->v[i].weekly; /* before the first step the daily 0 says it */
}

/* " in force from 2024-06-07" or " before the first step, 2024-06-07"
 * for a schedule written in the scenario; "" otherwise. */
static void step_note(const vctx *c, const vcaps *k, int32_t day, char *buf, size_t size)
{
    buf[0] = '\0';
    if (k->n == 0 || (k->n == 1 && k->v[0].day == INT32_MIN))
        return;
    ptrdiff_t i = vstep(k, day);
    char d[16];
    dd__vf_date(c, i < 0 ? k->v[0].day : k->v[i].day, d, sizeof d);
    if (i < 0)
        snprintf(buf, size, " (none before the first step, %s)", d);
    else if (k->v[i].day != INT32_MIN)
        snprintf(buf, size, " in force from %s", d);
}

/* Monday = 0 for host day `day`. */
static int32_t vweekday(const dd_scenario *s, int32_t day)
{
    int64_t m = s->epoch_unix / 60 - (s->epoch_unix % 60 < 0) + s->agreement.tz_offset;
    int64_t d0 = m / 1440 - (m % 1440 < 0);
    int64_t w = (d0 + day + 3) % 7; /* 1970-01-01 was a Thursday */
    return (int32_t)(w < 0 ? w + 7 : w);
}

/* Are the requests q[0..n) all of recorded sorties (history)? */
static bool all_recorded(const vctx *c, const creq *q, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!c->p->sorties[q[k].sortie].recorded)
            return false;
    return n > 0;
}

/* The weekly caps over groups of `q` (sorted by site when site_level, then
 * day): for every day e, the clearances of the 7 days ending on e (rolling)
 * or of e's calendar week up to e are at most the weekly cap in force on
 * e. One violation per window that breaks it, the next looked for a week
 * later. */
static void check_weekly(vctx *c, const creq *q, size_t n, bool site_level)
{
    const dd_scenario *s = c->s;
    bool cal = s->agreement.clearance.calendar_week;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && (!site_level || q[j].site == q[i].site))
            j++;
        vcaps k = caps_of(s, site_level ? q[i].site : -1);
        bool any = false;
        for (size_t t = 0; t < k.n; t++)
            any |= k.v[t].weekly >= 0;
        if (!any) {
            i = j;
            continue;
        }
        int term = site_level ? T_CAP_SITE : T_CAP_COUNTRY;
        int32_t first = q[i].day, last = q[j - 1].day + 6;
        for (int32_t e = first; e <= last; e++) {
            int32_t w = vweekly(&k, e);
            if (w < 0)
                continue;
            int32_t lo = cal ? e - vweekday(s, e) : e - 6;
            size_t a = i, cnt = 0;
            while (a < j && q[a].day < lo)
                a++;
            for (size_t b = a; b < j && q[b].day <= e; b++)
                cnt++;
            if (cnt == 0)
                continue;
            char d0[16], d1[16], note[64], list[160];
            dd__vf_date(c, lo, d0, sizeof d0);
            dd__vf_date(c, e, d1, sizeof d1);
            step_note(c, &k, e, note, sizeof note);
            /* a week of recorded sorties alone over its cap: history */
            c->fact = (int64_t)cnt > w && all_recorded(c, q + a, cnt);
            if (site_level)
                dd__vf_worst(c, term, (double)w - (double)cnt,
                             "busiest week: %s %s to %s, %zu of %d", s->sites[q[i].site].id, d0,
                             d1, cnt, w);
            else
                dd__vf_worst(c, term, (double)w - (double)cnt, "busiest week: %s to %s, %zu of %d",
                             d0, d1, cnt, w);
            if ((int64_t)cnt <= w) {
                c->fact = false;
                continue;
            }
            list_sorties(c, q + a, cnt, list, sizeof list);
            const creq *over = &q[a + (size_t)w];
            const vclearance *r = &c->p->clearances[over->clr];
            if (site_level)
                dd__vf_add(c, DD_V_CAP_SITE, term, c->p->sorties[over->sortie].id, NULL,
                           over->site, over->day, r->line, r->col,
                           "%s, %s to %s: %zu clearance%s, above the airfield's weekly cap of "
                           "%d%s (sortie%s %s)",
                           s->sites[q[i].site].id, d0, d1, cnt, cnt == 1 ? "" : "s", w, note,
                           cnt == 1 ? "" : "s", list);
            else
                dd__vf_add(c, DD_V_CAP_COUNTRY, term, c->p->sorties[over->sortie].id, NULL,
                           -1, over->day, r->line, r->col,
                           "%s to %s: %zu clearance%s in the country, above the weekly cap of "
                           "%d%s (sortie%s %s)",
                           d0, d1, cnt, cnt == 1 ? "" : "s", w, note, cnt == 1 ? "" : "s", list);
            c->fact = false;
            e += 6; /* the next window that holds none of these days' excess */
        }
        i = j;
    }
}

/* Per day groups of `q` (sorted): caps and ranks. site_level: per airfield. */
static void check_caps(vctx *c, creq *q, size_t n, bool site_level)
{
    const dd_scenario *s = c->s;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && q[j].day == q[i].day && (!site_level || q[j].site == q[i].site))
            j++;
        size_t cnt = j - i;
        /* ranks: the k-th departure of the day is request k */
        for (size_t k = i; k < j; k++) {
            const vclearance *r = &c->p->clearances[q[k].clr];
            int64_t stated = site_level ? r->count_site : r->count_country;
            if (stated != (int64_t)(k - i + 1)) {
                char d[16];
                dd__vf_date(c, q[k].day, d, sizeof d);
                dd__vf_add(c, DD_V_CLEARANCE, T_NONE, c->p->sorties[q[k].sortie].id, NULL,
                           q[k].site, q[k].day, r->line, r->col,
                           "clearance %lld (sortie %lld): %s %lld, but it is request %zu %s%s "
                           "on %s",
                           (long long)r->id, (long long)c->p->sorties[q[k].sortie].id,
                           site_level ? "count_site" : "count_country", (long long)stated,
                           k - i + 1, site_level ? "at " : "in the country",
                           site_level ? s->sites[q[k].site].id : "", d);
            }
        }
        vcaps k = caps_of(s, site_level ? q[i].site : -1);
        int32_t cap = vdaily(&k, q[i].day);
        if (cap >= 0) {
            char d[16], list[160], note[64];
            dd__vf_date(c, q[i].day, d, sizeof d);
            step_note(c, &k, q[i].day, note, sizeof note);
            int term = site_level ? T_CAP_SITE : T_CAP_COUNTRY;
            /* a day of recorded sorties alone over its cap: history */
            c->fact = (int64_t)cnt > cap && all_recorded(c, q + i, cnt);
            if (site_level)
                dd__vf_worst(c, term, (double)cap - (double)cnt, "busiest: %s on %s, %zu of %d",
                             s->sites[q[i].site].id, d, cnt, cap);
            else
                dd__vf_worst(c, term, (double)cap - (double)cnt, "busiest: %s, %zu of %d", d,
                             cnt, cap);
            if ((int64_t)cnt > cap) {
                list_sorties(c, q + i, cnt, list, sizeof list);
                const creq *over = &q[i + (size_t)cap];
                const vclearance *r = &c->p->clearances[over->clr];
                if (site_level)
                    dd__vf_add(c, DD_V_CAP_SITE, term, c->p->sorties[over->sortie].id, NULL,
                               over->site, over->day, r->line, r->col,
                               "%s on %s: %zu clearance%s, above the airfield's daily cap of "
                               "%d%s (sortie%s %s)",
                               s->sites[q[i].site].id, d, cnt, cnt == 1 ? "" : "s", cap, note,
                               cnt == 1 ? "" : "s", list);
                else
                    dd__vf_add(c, DD_V_CAP_COUNTRY, term, c->p->sorties[over->sortie].id, NULL,
                               -1, over->day, r->line, r->col,
                               "%s: %zu clearance%s in the country, above the daily cap of "
                               "%d%s (sortie%s %s)",
                               d, cnt, cnt == 1 ? "" : "s", cap, note, cnt == 1 ? "" : "s", list);
            }
            c->fact = false;
        }
        i = j;
    }
}

/* The request's contents, when the plan states them, against its sortie:
 * the call sign (the type's prefix and the sortie's number, 3 digits at
 * least), the route (airfield to destination, ICAO), the passengers
 * aboard, the hazard classes of the cargo aboard, and weapons (security
 * personnel aboard are armed). */
static void check_contents(vctx *c, const vclearance *r, const vsortie *x)
{
    const dd_scenario *s = c->s;
    long long rid = (long long)r->id, sid = (long long)x->id;
    int32_t day = dd_scenario_day(s, x->dep);
    const dd_aircraft *ac = &s->aircraft[x->type];
    /* an onward sortie carries its leg's load */
    const vsortie *ld = x->leg >= 0 ? &c->p->sorties[x->leg] : x;
    if (r->call_sign) {
        char want[32];
        snprintf(want, sizeof want, "%.7s%03lld",
                 ac->call_sign && *ac->call_sign ? ac->call_sign : ac->id, sid);
        if (strcmp(r->call_sign, want) != 0)
            dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                       "clearance %lld: call sign %s, but sortie %lld of type %s is %s", rid,
                       r->call_sign, sid, ac->id, want);
    }
    if (r->route) {
        char want[64];
        double lat, lon;
        const char *to, *icao;
        dd__vf_dest_pos(s, x, &lat, &lon, &to, &icao);
        if (x->stop >= 0 && x->stop2 >= 0) /* through a chain of two stops */
            snprintf(want, sizeof want, "%s-%s-%s-%s", s->sites[x->site].icao,
                     s->stops[x->stop].icao, s->stops[x->stop2].icao, icao);
        else if (x->stop >= 0) /* through an en-route fuel stop */
            snprintf(want, sizeof want, "%s-%s-%s", s->sites[x->site].icao,
                     s->stops[x->stop].icao, icao);
        else
            snprintf(want, sizeof want, "%s-%s", s->sites[x->site].icao, icao);
        if (strcmp(r->route, want) != 0)
            dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                       "clearance %lld: route %s, but sortie %lld flies %s", rid, r->route, sid,
                       want);
    }
    int64_t pax = 0;
    bool armed = false;
    for (size_t k = 0; k < ld->n_pax; k++) {
        pax += ld->pax[k].count;
        if (ld->pax[k].count > 0 && ld->pax[k].ref >= 0 &&
            s->people[ld->pax[k].ref].role == DD_ROLE_SECURITY)
            armed = true;
    }
    if (r->passengers >= 0 && r->passengers != pax)
        dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                   "clearance %lld: %lld passengers stated, sortie %lld carries %lld", rid,
                   (long long)r->passengers, sid, (long long)pax);
    if (r->weapons >= 0 && (r->weapons == 1) != armed)
        dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                   "clearance %lld: weapons %s stated, but sortie %lld carries %s", rid,
                   r->weapons ? "aboard" : "none", sid,
                   armed ? "security personnel (armed)" : "no security personnel");
    if (r->hazards_stated > 0) {
        uint32_t h = 0;
        for (size_t k = 0; k < ld->n_bulky; k++)
            if (ld->bulky[k].ref >= 0 && s->cargo[ld->bulky[k].ref].hazard >= 0 &&
                s->cargo[ld->bulky[k].ref].hazard < 32)
                h |= (uint32_t)1 << s->cargo[ld->bulky[k].ref].hazard;
        for (size_t k = 0; k < ld->n_pallets; k++)
            for (size_t q = 0; q < ld->pallets[k].n_pieces; q++) {
                int32_t ref = ld->pallets[k].pieces[q].ref;
                if (ref >= 0 && s->cargo[ref].hazard >= 0 && s->cargo[ref].hazard < 32)
                    h |= (uint32_t)1 << s->cargo[ref].hazard;
            }
        if (h != r->hazards) {
            uint32_t diff = h ^ r->hazards;
            size_t k = 0;
            while (k < 32 && !(diff >> k & 1))
                k++;
            dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                       "clearance %lld: hazard class %s %s, but sortie %lld %s it", rid,
                       s->hazard.classes[k], h >> k & 1 ? "not stated" : "stated", sid,
                       h >> k & 1 ? "carries" : "does not carry");
        }
    }
}

/* The rules of one request for its sortie. */
static void check_request(vctx *c, const vclearance *r, const vsortie *x)
{
    const dd_scenario *s = c->s;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    const dd_site *site = &s->sites[x->site];
    long long rid = (long long)r->id, sid = (long long)x->id;
    int32_t day = dd_scenario_day(s, x->dep);
    char a[32], b[32], d1[16], d2[16], u[32], w[32];
    if (r->site != x->site)
        dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                   "clearance %lld: site %s, but sortie %lld leaves %s", rid,
                   s->sites[r->site].id, sid, site->id);
    if (strcmp(r->airfield, site->icao) != 0)
        dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                   "clearance %lld: airfield %s, but %s is %s", rid, r->airfield, site->id,
                   site->icao);
    if (r->day != day) {
        dd__vf_date(c, r->day, d1, sizeof d1);
        dd__vf_date(c, day, d2, sizeof d2);
        dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, day, r->line, r->col,
                   "clearance %lld: date %s, but sortie %lld departs on %s (host-country day)",
                   rid, d1, sid, d2);
    }
    /* filing: within the plan, and the lead time before departure */
    dd_time lead = x->dep - r->file_by;
    dd__vf_dur(lead, u, sizeof u);
    dd__vf_worst(c, T_CLEARANCE_LEAD, (double)lead, "shortest %s", u);
    dd__vf_time(c, r->file_by, a, sizeof a);
    if (r->file_by < 0) {
        dd__vf_time(c, 0, b, sizeof b);
        dd__vf_add(c, DD_V_CLEARANCE, T_CLEARANCE_LEAD, x->id, NULL, x->site, day, r->line,
                   r->col, "clearance %lld (sortie %lld): filed by %s, before the epoch %s", rid,
                   sid, a, b);
    }
    if (lead < ct->lead_time) {
        dd__vf_dur(ct->lead_time, w, sizeof w);
        dd__vf_add(c, DD_V_CLEARANCE, T_CLEARANCE_LEAD, x->id, NULL, x->site, day, r->line,
                   r->col,
                   "clearance %lld (sortie %lld): filed by %s, %s before departure; the lead "
                   "time is %s",
                   rid, sid, a, u, w);
    }
    /* clearances open */
    dd__vf_time(c, x->dep, a, sizeof a);
    dd__vf_dur(x->dep - ct->opens, u, sizeof u);
    dd__vf_worst(c, T_CLEARANCE_OPENS, (double)(x->dep - ct->opens), "first departure %s", a);
    if (x->dep < ct->opens) {
        dd__vf_time(c, ct->opens, b, sizeof b);
        dd__vf_add(c, DD_V_CLEARANCE, T_CLEARANCE_OPENS, x->id, NULL, x->site, day, r->line,
                   r->col, "sortie %lld departs %s, before clearances open at %s", sid, a, b);
    }
    /* the window: the validity's length, and the departure inside it */
    dd__vf_time(c, r->wfrom, b, sizeof b);
    char e[32];
    dd__vf_time(c, r->wto, e, sizeof e);
    if (r->wto - r->wfrom != ct->validity) {
        dd__vf_dur(r->wto - r->wfrom, u, sizeof u);
        dd__vf_dur(ct->validity, w, sizeof w);
        dd__vf_add(c, DD_V_CLEARANCE, T_CLEARANCE_VALIDITY, x->id, NULL, x->site, day, r->line,
                   r->col,
                   "clearance %lld (sortie %lld): window %s to %s is %s long; the validity is %s",
                   rid, sid, b, e, u, w);
    }
    dd__vf_dur(r->wto - x->dep, u, sizeof u);
    dd__vf_worst(c, T_CLEARANCE_VALIDITY, (double)(r->wto - x->dep),
                 "least time left in a window: %s", u);
    if (x->dep < r->wfrom || x->dep >= r->wto)
        dd__vf_add(c, DD_V_CLEARANCE, T_CLEARANCE_VALIDITY, x->id, NULL, x->site, day, r->line,
                   r->col,
                   "clearance %lld (sortie %lld): departure %s is outside its window %s to %s",
                   rid, sid, a, b, e);
    /* blackout days, counted on the departure's host-country day */
    for (size_t k = 0; k < ct->n_blackout; k++)
        if (ct->blackout[k] == day) {
            dd__vf_date(c, day, d2, sizeof d2);
            dd__vf_add(c, DD_V_BLACKOUT, T_BLACKOUT, x->id, NULL, x->site, day, x->line, x->col,
                       "sortie %lld departs %s on %s, a blackout day", sid, site->id, d2);
            dd__vf_worst(c, T_BLACKOUT, 0, "sortie %lld on %s", sid, d2);
        }
    /* permitted hours in the airfield's local time */
    int32_t mod = dd__vf_local_mod(s, x->dep, site->tz_offset);
    dd_hours h = ct->hours;
    if (!(h.open == 0 && h.close >= DD_MINUTES_PER_DAY)) {
        char hm[8];
        dd__vf_local_hm(x->dep, s, site->tz_offset, hm, sizeof hm);
        char hours[16];
        snprintf(hours, sizeof hours, "%02d:%02d-%02d:%02d", h.open / 60, h.open % 60,
                 h.close / 60, h.close % 60);
        bool in = dd__vf_in_hours(h, mod);
        /* distance to the nearer edge of the window, for the worst figure */
        int32_t from_open = (mod - h.open + DD_MINUTES_PER_DAY) % DD_MINUTES_PER_DAY;
        int32_t to_close = (h.close - mod + DD_MINUTES_PER_DAY) % DD_MINUTES_PER_DAY;
        int32_t edge = in ? (from_open < to_close ? from_open : to_close) : -1;
        dd__vf_worst(c, T_HOURS, edge, "closest to the edge: sortie %lld at %s local", sid, hm);
        if (!in)
            dd__vf_add(c, DD_V_HOURS, T_HOURS, x->id, NULL, x->site, day, x->line, x->col,
                       "sortie %lld departs %s at %s local, outside the permitted hours %s", sid,
                       site->id, hm, hours);
    }
}

void dd__vf_check_clearances(vctx *c)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    /* one request per sortie, each naming the other */
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        const vclearance *r = &p->clearances[c->sortie_clearance[i]];
        if ((size_t)r->sortie != i)
            dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                       "sortie %lld names clearance %lld, which is for sortie %lld",
                       (long long)x->id, (long long)r->id,
                       (long long)p->sorties[r->sortie].id);
    }
    for (size_t k = 0; k < p->n_clearances; k++) {
        const vclearance *r = &p->clearances[k];
        const vsortie *x = &p->sorties[r->sortie];
        if (x->clearance_id != r->id && (size_t)p->clearances[x->clearance_id - 1].sortie ==
                                            (size_t)r->sortie)
            dd__vf_add(c, DD_V_CLEARANCE, T_NONE, x->id, NULL, x->site, -1, r->line, r->col,
                       "clearance %lld is for sortie %lld, which has clearance %lld",
                       (long long)r->id, (long long)x->id, (long long)x->clearance_id);
    }
    /* the rules of each sortie's own request */
    creq *q = malloc((p->n_sorties ? p->n_sorties : 1) * sizeof *q);
    if (!q) {
        c->oom = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        int32_t k = c->sortie_clearance[i];
        if ((size_t)p->clearances[k].sortie != i)
            continue;
        /* a recorded sortie's own request: what happened */
        c->fact = dd__vf_history(c, (int32_t)i, -1);
        check_request(c, &p->clearances[k], x);
        check_contents(c, &p->clearances[k], x);
        c->fact = false;
        q[n++] = (creq){k, (int32_t)i, x->site, dd_scenario_day(s, x->dep), x->dep};
    }
    if (c->terms[T_BLACKOUT].applies && !c->terms[T_BLACKOUT].have_worst)
        dd__vf_worst(c, T_BLACKOUT, 1, "no departure on the %zu blackout day%s",
                     s->agreement.clearance.n_blackout,
                     s->agreement.clearance.n_blackout == 1 ? "" : "s");
    dd__vf_sort(c, q, n, sizeof *q, by_site_day);
    check_caps(c, q, n, true);
    check_weekly(c, q, n, true);
    dd__vf_sort(c, q, n, sizeof *q, by_day);
    check_caps(c, q, n, false);
    check_weekly(c, q, n, false);
    free(q);
}

/* ---- itineraries ---- */

static int32_t tails_at(const dd_aircraft *a, dd_time t)
{
    int32_t n = 0;
    for (size_t i = 0; i < a->n_tails; i++)
        if (a->tails[i].from <= t)
            n = a->tails[i].count;
    return n;
}

/* Fewest tails over [from, to). */
static int32_t tails_min(const dd_aircraft *a, dd_time from, dd_time to)
{
    int32_t m = tails_at(a, from);
    for (size_t i = 0; i < a->n_tails; i++)
        if (a->tails[i].from > from && a->tails[i].from < to && a->tails[i].count < m)
            m = a->tails[i].count;
    return m;
}

/* A sortie's place in its tail's itinerary. */
typedef struct tkey {
    int32_t type;
    int64_t tail;
    dd_time ferry_dep;
    int64_t id;
    int32_t sortie;
} tkey;

static const dd__key by_tail[] = {DD__KEY(tkey, type), DD__KEY(tkey, tail),
                                  DD__KEY(tkey, ferry_dep), DD__KEY(tkey, id), DD__KEY_END};

static void check_leg(vctx *c, const vsortie *x, const char *what, const char *from,
                      const char *to, dd_time took, double dist, double cruise)
{
    dd_time want = dd__vf_flight_min(dist, cruise);
    if (took < want - VF_FLIGHT_TOL || took > want + VF_FLIGHT_TOL) {
        char a[32], b[32];
        dd__vf_dur(took, a, sizeof a);
        dd__vf_dur(want, b, sizeof b);
        dd__vf_add(c, DD_V_ITINERARY, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: %s %s to %s takes %s; the flight time is %s (%.0f km)",
                   (long long)x->id, what, from, to, a, b, dist / 1000);
    }
}

static void check_hours(vctx *c, const vsortie *x, dd_time t, const char *verb)
{
    const dd_site *site = &c->s->sites[x->site];
    if (dd__vf_in_hours(site->hours, dd__vf_local_mod(c->s, t, site->tz_offset)))
        return;
    char hm[8];
    dd__vf_local_hm(t, c->s, site->tz_offset, hm, sizeof hm);
    dd__vf_add(c, DD_V_AIRFIELD_HOURS, T_NONE, x->id, NULL, x->site, dd_scenario_day(c->s, t),
               x->line, x->col,
               "sortie %lld %s %s at %s local, outside its operating hours %02d:%02d-%02d:%02d",
               (long long)x->id, verb, site->id, hm, site->hours.open / 60,
               site->hours.open % 60, site->hours.close / 60, site->hours.close % 60);
}

/* A sortie's ferry in: from where its tail is (its home, or where its
 * previous sortie landed), after the turn, and its flight time. */
static void ferry_in(vctx *c, const vsortie *x, const vsortie *prev, bool alone)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    const dd_site *site = &s->sites[x->site];
    long long sid = (long long)x->id;
    char a[32], b[32], u[32], w[32];
    if (prev && prev->to_site >= 0) {
        dd__vf_add(c, DD_V_ITINERARY, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: %s tail %lld ferries from %s, but it is at %s, where leg %lld "
                   "landed",
                   sid, t->id, (long long)x->tail, s->hubs[x->ferry_from].id,
                   s->sites[prev->to_site].id, (long long)prev->id);
    } else {
        int32_t at = prev ? prev->dest : t->home;
        if (x->ferry_from != at)
            dd__vf_add(c, DD_V_ITINERARY, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                       "sortie %lld: %s tail %lld ferries from %s, but it is at %s (%s)", sid,
                       t->id, (long long)x->tail, s->hubs[x->ferry_from].id, s->hubs[at].id,
                       prev ? "where its previous sortie landed" : "its home");
    }
    if (!prev && x->ferry_dep < 0) {
        dd__vf_time(c, x->ferry_dep, a, sizeof a);
        dd__vf_add(c, DD_V_ITINERARY, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: the ferry leaves %s at %s, before the epoch", sid,
                   s->hubs[x->ferry_from].id, a);
    }
    if (prev && x->ferry_dep < prev->arr) {
        dd__vf_time(c, x->ferry_dep, a, sizeof a);
        dd__vf_time(c, prev->arr, b, sizeof b);
        dd__vf_add(c, DD_V_TAIL, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: %s tail %lld leaves at %s while still flying sortie %lld "
                   "(lands %s)",
                   sid, t->id, (long long)x->tail, a, (long long)prev->id, b);
    } else if (prev && prev->dest >= 0 && x->ferry_dep - prev->arr < t->ground_time) {
        dd__vf_dur(x->ferry_dep - prev->arr, u, sizeof u);
        dd__vf_dur(t->ground_time, w, sizeof w);
        dd__vf_add(c, DD_V_ITINERARY, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: %s tail %lld turns at %s in %s after sortie %lld; the "
                   "ground time is %s",
                   sid, t->id, (long long)x->tail, s->hubs[prev->dest].id, u,
                   (long long)prev->id, w);
    }
    c->fact = alone;
    const dd_hub *from = &s->hubs[x->ferry_from];
    check_leg(c, x, "the ferry", from->id, site->id, x->ferry_arr - x->ferry_dep,
              dd__vf_distance(from->lat, from->lon, site->lat, site->lon), t->cruise_mps);
    if (x->ferry_arr != x->at_site) {
        dd__vf_time(c, x->ferry_arr, a, sizeof a);
        dd__vf_time(c, x->at_site, b, sizeof b);
        dd__vf_add(c, DD_V_ITINERARY, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: the ferry arrives %s, but arrival_at_site is %s", sid, a, b);
    }
}

/* An onward sortie's tail comes straight from its leg (check_legs.c
 * checks the place and times). */
static void onward_from(vctx *c, const vsortie *x, const vsortie *prev)
{
    const vsortie *l = &c->p->sorties[x->leg];
    if (prev == l || l->type != x->type || l->tail != x->tail)
        return;
    const dd_aircraft *t = &c->s->aircraft[x->type];
    char pv[32];
    if (prev)
        snprintf(pv, sizeof pv, "sortie %lld", (long long)prev->id);
    dd__vf_add(c, DD_V_TAIL, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
               "sortie %lld: %s tail %lld continues leg %lld, but its previous sortie is %s",
               (long long)x->id, t->id, (long long)x->tail, (long long)l->id,
               prev ? pv : "none");
}

void dd__vf_check_itineraries(vctx *c)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    tkey *ord = malloc((p->n_sorties ? p->n_sorties : 1) * sizeof *ord);
    if (!ord) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        ord[i] = (tkey){x->type, x->tail, x->ferry_dep, x->id, (int32_t)i};
    }
    dd__vf_sort(c, ord, p->n_sorties, sizeof *ord, by_tail);
    char a[32], b[32], u[32], w[32];
    for (size_t k = 0; k < p->n_sorties; k++) {
        const vsortie *x = &p->sorties[ord[k].sortie];
        const vsortie *prev = k > 0 && ord[k - 1].type == x->type && ord[k - 1].tail == x->tail
                                  ? &p->sorties[ord[k - 1].sortie]
                                  : NULL;
        const dd_aircraft *t = &s->aircraft[x->type];
        const dd_site *site = &s->sites[x->site];
        long long sid = (long long)x->id;
        /* between two recorded sorties, or of one alone: history */
        bool alone = dd__vf_history(c, ord[k].sortie, -1);
        bool pair = prev && dd__vf_history(c, ord[k].sortie, ord[k - 1].sortie);
        c->fact = alone;
        /* the tail exists over the whole span */
        int32_t avail = tails_min(t, x->ferry_dep, x->arr);
        if (x->tail > avail) {
            dd__vf_time(c, x->ferry_dep, a, sizeof a);
            dd__vf_time(c, x->arr, b, sizeof b);
            dd__vf_add(c, DD_V_TAIL, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                       "sortie %lld: %s tail %lld flies from %s to %s, but the type has %d "
                       "tail%s then",
                       sid, t->id, (long long)x->tail, a, b, avail, avail == 1 ? "" : "s");
        }
        /* where the tail is, and when it may leave: history between two
         * recorded sorties; the ferry itself, of the recorded one alone */
        c->fact = prev ? pair : alone;
        if (x->leg >= 0)
            onward_from(c, x, prev);
        else
            ferry_in(c, x, prev, alone);
        c->fact = alone;
        /* the leg out, block-in, ground time */
        double lat, lon;
        const char *to, *icao;
        dd__vf_dest_pos(s, x, &lat, &lon, &to, &icao);
        if (x->stop >= 0) {
            /* two hops through an en-route fuel stop (check_stops.c: its
             * ground time, ramp and clearance) */
            const dd_stop *st = &s->stops[x->stop];
            check_leg(c, x, "the hop", site->id, st->id, x->stop_arr - x->dep,
                      dd__vf_distance(site->lat, site->lon, st->lat, st->lon), t->cruise_mps);
            if (x->stop2 >= 0) { /* a chain: on to the second stop */
                const dd_stop *s2 = &s->stops[x->stop2];
                check_leg(c, x, "the hop", st->id, s2->id, x->stop2_arr - x->stop_dep,
                          dd__vf_distance(st->lat, st->lon, s2->lat, s2->lon), t->cruise_mps);
                st = s2;
            }
            check_leg(c, x, "the hop", st->id, to,
                      x->arr - (x->stop2 >= 0 ? x->stop2_dep : x->stop_dep),
                      dd__vf_distance(st->lat, st->lon, lat, lon), t->cruise_mps);
        } else {
            check_leg(c, x, "the leg", site->id, to, x->arr - x->dep,
                      dd__vf_distance(site->lat, site->lon, lat, lon), t->cruise_mps);
        }
        if (x->dep - x->at_site < t->ground_time) {
            dd__vf_dur(x->dep - x->at_site, u, sizeof u);
            dd__vf_dur(t->ground_time, w, sizeof w);
            dd__vf_add(c, DD_V_ITINERARY, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                       "sortie %lld: %s on the ground at %s; the %s needs %s", sid, u, site->id,
                       t->id, w);
        }
        check_hours(c, x, x->at_site, "lands at");
        check_hours(c, x, x->dep, "leaves");
        c->fact = false;
    }
    free(ord);
}

/* ---- MOG ---- */

typedef struct gev {
    dd_time t;
    int delta;      /* +1 block-in, -1 wheels-up; reservations: +-slots */
    int32_t klass;  /* -1 for a reservation */
    int32_t sortie; /* index, or -1 */
} gev;

/* In time; at one instant, leaving frees the slot first. */
static const dd__key by_time[] = {DD__KEY(gev, t), DD__KEY_BY(gev, delta, DD__NEG_FIRST),
                                  DD__KEY(gev, sortie), DD__KEY_END};

/* May type a use site at all? A class listed with a count, else a total. */
static bool may_use(const dd_site *x, int32_t klass)
{
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == klass)
            return x->mog[k].count > 0;
    return x->mog_total > 0;
}

/* Sorties of `klass` (or any, -1) on the ground at site at t. */
static void on_ground(const vctx *c, int32_t site, int32_t klass, dd_time t, char *buf,
                      size_t size)
{
    size_t off = 0, n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->p->n_sorties && off + 24 < size; i++) {
        const vsortie *x = &c->p->sorties[i];
        if (x->site != site || x->at_site > t || x->dep <= t ||
            (klass >= 0 && c->s->aircraft[x->type].klass != klass))
            continue;
        int w = snprintf(buf + off, size - off, "%s%lld", n++ ? ", " : "", (long long)x->id);
        off += w > 0 ? (size_t)w : 0;
    }
}

/* A site's ramp while the sweep runs: per class (and the total, at index
 * n_classes) the aircraft on the ground, those of planned sorties among
 * them, and the episode over the MOG it is in: 0 none, 1 one reported as
 * a fact of the recorded history (every aircraft on the ground recorded),
 * 2 one reported as a violation. An episode of history is reported again,
 * as a violation, once a planned sortie is on the ground in it. */
typedef struct ramp {
    int64_t *cls, *planned;
    unsigned char *over;
    int64_t reserved;
} ramp;

/* Class k (n_classes: the total) over its limit at t, or not any more. */
static void ramp_state(vctx *c, ramp *g, int32_t site, size_t k, bool bad, dd_time t,
                       int64_t trig_id)
{
    const dd_scenario *s = c->s;
    const dd_site *x = &s->sites[site];
    bool total = k == s->n_classes;
    unsigned char now = !bad ? 0 : g->planned[k] == 0 && g->cls[k] > 0 ? 1 : 2;
    if (now <= g->over[k]) {
        if (!bad)
            g->over[k] = 0;
        return;
    }
    g->over[k] = now;
    char when[32], list[200];
    dd__vf_time(c, t, when, sizeof when);
    on_ground(c, site, total ? -1 : (int32_t)k, t, list, sizeof list);
    c->fact = now == 1;
    if (total) {
        int32_t cap = x->mog_total;
        if (cap < 0) {
            cap = 0;
            for (size_t m = 0; m < x->n_mog; m++)
                cap += x->mog[m].count;
        }
        dd__vf_add(c, DD_V_MOG, T_NONE, trig_id, NULL, site, dd_scenario_day(s, t), 0, 0,
                   "%s at %s: %lld aircraft on the ground (sorties %s) and %lld slot%s "
                   "reserved; the MOG is %d",
                   x->id, when, (long long)g->cls[k], list, (long long)g->reserved,
                   g->reserved == 1 ? "" : "s", cap);
    } else {
        int32_t cap = 0;
        for (size_t m = 0; m < x->n_mog; m++)
            if ((size_t)x->mog[m].klass == k)
                cap = x->mog[m].count;
        dd__vf_add(c, DD_V_MOG, T_NONE, trig_id, NULL, site, dd_scenario_day(s, t), 0, 0,
                   "%s at %s: %lld %s on the ground (sorties %s); the %s MOG is %d", x->id,
                   when, (long long)g->cls[k], s->classes[k], list, s->classes[k], cap);
    }
    c->fact = false;
}

/* One site's sweep over its events ev[0..n), sorted. */
static void sweep_ramp(vctx *c, int32_t j, const gev *ev, size_t n, ramp *g)
{
    const dd_scenario *s = c->s;
    const dd_site *site = &s->sites[j];
    int32_t total_cap = site->mog_total;
    if (total_cap < 0) {
        total_cap = 0;
        for (size_t k = 0; k < site->n_mog; k++)
            total_cap += site->mog[k].count;
    }
    size_t nc = s->n_classes;
    memset(g->cls, 0, (nc + 1) * sizeof *g->cls);
    memset(g->planned, 0, (nc + 1) * sizeof *g->planned);
    memset(g->over, 0, nc + 1);
    g->reserved = 0;
    for (size_t e = 0; e < n;) {
        dd_time t = ev[e].t;
        int32_t trigger = -1;
        for (; e < n && ev[e].t == t; e++) {
            if (ev[e].klass < 0) {
                g->reserved += ev[e].delta;
                continue;
            }
            bool planned = !c->p->sorties[ev[e].sortie].recorded;
            g->cls[ev[e].klass] += ev[e].delta;
            g->cls[nc] += ev[e].delta;
            g->planned[ev[e].klass] += planned ? ev[e].delta : 0;
            g->planned[nc] += planned ? ev[e].delta : 0;
            if (ev[e].delta > 0)
                trigger = ev[e].sortie;
        }
        int64_t trig_id = trigger >= 0 ? c->p->sorties[trigger].id : 0;
        ramp_state(c, g, j, nc, g->cls[nc] > 0 && g->cls[nc] + g->reserved > total_cap, t,
                   trig_id);
        /* per class: reservations are generic ramp slots and count
         * against the total only */
        for (size_t k = 0; k < site->n_mog; k++) {
            int32_t kl = site->mog[k].klass;
            ramp_state(c, g, j, (size_t)kl, g->cls[kl] > site->mog[k].count, t, trig_id);
        }
    }
}

void dd__vf_check_mog(vctx *c)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        const dd_aircraft *t = &s->aircraft[x->type];
        c->fact = dd__vf_history(c, (int32_t)i, -1);
        if (!may_use(&s->sites[x->site], t->klass))
            dd__vf_add(c, DD_V_MOG, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                       "sortie %lld: the %s (class %s) may not use %s: no MOG for its class",
                       (long long)x->id, t->id, s->classes[t->klass], s->sites[x->site].id);
        c->fact = false;
    }
    size_t n_ev = 2 * p->n_sorties;
    for (size_t j = 0; j < s->n_sites; j++)
        n_ev += 2 * s->sites[j].n_reservations;
    gev *ev = malloc((n_ev ? n_ev : 1) * sizeof *ev);
    ramp g = {calloc(s->n_classes + 1, sizeof *g.cls),
              calloc(s->n_classes + 1, sizeof *g.planned), calloc(s->n_classes + 1, 1), 0};
    if (!ev || !g.cls || !g.planned || !g.over) {
        c->oom = true;
        goto done;
    }
    for (size_t j = 0; j < s->n_sites; j++) {
        const dd_site *site = &s->sites[j];
        size_t n = 0;
        for (size_t i = 0; i < p->n_sorties; i++) {
            const vsortie *x = &p->sorties[i];
            if ((size_t)x->site != j || x->dep <= x->at_site)
                continue;
            int32_t k = s->aircraft[x->type].klass;
            ev[n++] = (gev){x->at_site, 1, k, (int32_t)i};
            ev[n++] = (gev){x->dep, -1, k, (int32_t)i};
        }
        if (n == 0)
            continue;
        for (size_t r = 0; r < site->n_reservations; r++) {
            const dd_reservation *rv = &site->reservations[r];
            ev[n++] = (gev){rv->from, rv->slots, -1, -1};
            ev[n++] = (gev){rv->to, -rv->slots, -1, -1};
        }
        dd__vf_sort(c, ev, n, sizeof *ev, by_time);
        sweep_ramp(c, (int32_t)j, ev, n, &g);
    }
done:
    free(ev);
    free(g.cls);
    free(g.planned);
    free(g.over);
}
