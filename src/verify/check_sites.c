/* SPDX-License-Identifier: MIT */
/*
 * Who is where, over time. A sweep per site over departures and augmentee
 * arrivals keeps the people present by role: after each instant at which
 * someone leaves or arrives, while the site is open (before its last
 * departure), security present must be at least max(floor, ⌈ratio ×
 * everyone else⌉), and after the last departure nobody may be left. A
 * sweep over the whole country does the same for the in-country ceiling.
 * Per site and host-country day, people leaving (military and commercial)
 * stay within exit processing, and commercial passengers within the seats
 * of the services running that day.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

typedef struct pev {
    dd_time t;
    int32_t site;
    int32_t group;
    int64_t delta;  /* people: negative leaving, positive arriving */
    int32_t sortie; /* index, or -1 */
} pev;

static const dd__key by_site_time[] = {DD__KEY(pev, site), DD__KEY(pev, t),
                                       DD__KEY(pev, sortie), DD__KEY_END};

/* The events: every exit; every augmentee entering (ferried parts at the
 * ferry's block-in, the rest at their arrival time or the epoch). */
static pev *build_events(vctx *c, size_t *n_out)
{
    const dd_scenario *s = c->s;
    size_t n = c->n_exits + c->n_ferried + s->n_people;
    pev *ev = malloc((n ? n : 1) * sizeof *ev);
    int64_t *ferried = calloc(s->n_people ? s->n_people : 1, sizeof *ferried);
    if (!ev || !ferried) {
        free(ev);
        free(ferried);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < c->n_exits; i++) {
        const vexit *e = &c->exits[i];
        ev[m++] = (pev){e->t, e->site, e->group, -e->count, e->sortie};
    }
    for (size_t i = 0; i < c->n_ferried; i++) {
        const vferried *f = &c->ferried[i];
        if (s->people[f->group].role != DD_ROLE_AUGMENTEE)
            continue;
        ferried[f->group] += f->count;
        ev[m++] = (pev){f->t > 0 ? f->t : 0, c->p->sorties[f->sortie].site, f->group, f->count,
                        f->sortie};
    }
    for (size_t g = 0; g < s->n_people; g++) {
        const dd_people *gr = &s->people[g];
        if (gr->role != DD_ROLE_AUGMENTEE || ferried[g] >= gr->count)
            continue;
        dd_time t = dd__vf_entry(c, (int32_t)g);
        if (t == DD_TIME_NONE || t < 0)
            t = 0;
        ev[m++] = (pev){t, gr->site, (int32_t)g, gr->count - ferried[g], -1};
    }
    free(ferried);
    *n_out = m;
    return ev;
}

static void security_terms(const vctx *c, int32_t site, int32_t *floor_out, double *ratio_out)
{
    const dd_site *x = &c->s->sites[site];
    *floor_out = x->security_floor >= 0 ? x->security_floor : c->s->agreement.security.floor;
    *ratio_out = x->security_ratio >= 0 ? x->security_ratio : c->s->agreement.security.ratio;
}

/* Sweep one site's events ev[0..n) (by time). */
static void sweep_site(vctx *c, int32_t site, const pev *ev, size_t n, int64_t *present,
                       bool *warned)
{
    const dd_scenario *s = c->s;
    const dd_site *x = &s->sites[site];
    int64_t by_role[DD_ROLE_COUNT] = {0};
    for (size_t g = 0; g < s->n_people; g++)
        if (s->people[g].site == site) {
            present[g] = s->people[g].role == DD_ROLE_AUGMENTEE ? 0 : s->people[g].count;
            by_role[s->people[g].role] += present[g];
        }
    int32_t fl;
    double ratio;
    security_terms(c, site, &fl, &ratio);
    dd_time closure = c->site_closure[site];
    char when[32];
    for (size_t e = 0; e < n;) {
        dd_time t = ev[e].t;
        int32_t trigger = -1;
        for (; e < n && ev[e].t == t; e++) {
            int32_t g = ev[e].group;
            const dd_people *gr = &s->people[g];
            present[g] += ev[e].delta;
            by_role[gr->role] += ev[e].delta;
            if (ev[e].delta < 0 && trigger < 0)
                trigger = ev[e].sortie;
            if (present[g] < 0 && gr->role == DD_ROLE_AUGMENTEE && !warned[g]) {
                warned[g] = true;
                dd__vf_time(c, t, when, sizeof when);
                dd__vf_add(c, DD_V_RELEASE, T_NONE,
                           ev[e].sortie >= 0 ? c->p->sorties[ev[e].sortie].id : 0, gr->id, site,
                           dd_scenario_day(s, t), 0, 0,
                           "group %s: by %s more leave %s than have arrived", gr->id, when,
                           x->id);
            }
        }
        if (closure == DD_TIME_NONE || t >= closure)
            continue;
        int64_t sec = by_role[DD_ROLE_SECURITY];
        int64_t others = by_role[DD_ROLE_OPERATIONS] + by_role[DD_ROLE_SUPPORT] +
                         by_role[DD_ROLE_AUGMENTEE];
        int64_t need = (int64_t)ceil(ratio * (double)others - 1e-9);
        if (need < fl)
            need = fl;
        if (fl <= 0 && ratio <= 0)
            continue;
        dd__vf_time(c, t, when, sizeof when);
        char after[64];
        if (trigger >= 0)
            snprintf(after, sizeof after, " (sortie %lld)", (long long)c->p->sorties[trigger].id);
        else
            after[0] = '\0';
        dd__vf_worst(c, T_SECURITY, (double)(sec - need),
                     "least margin: %s at %s, %lld security for %lld required", x->id, when,
                     (long long)sec, (long long)need);
        if (sec < need)
            dd__vf_add(c, DD_V_SECURITY, T_SECURITY,
                       trigger >= 0 ? c->p->sorties[trigger].id : 0, NULL, site,
                       dd_scenario_day(s, t), 0, 0,
                       "%s after %s%s: %lld security for %lld others; the terms need %lld "
                       "(floor %d, ratio %g)",
                       x->id, when, after, (long long)sec, (long long)others, (long long)need,
                       fl, ratio);
    }
    int64_t left = 0;
    for (int r = 0; r < DD_ROLE_COUNT; r++)
        left += by_role[r];
    if (left > 0 && closure != DD_TIME_NONE) {
        dd__vf_time(c, closure, when, sizeof when);
        dd__vf_add(c, DD_V_SECURITY, T_NONE, 0, NULL, site, dd_scenario_day(s, closure), 0,
                   0, "%s: its last departure (%s) leaves %lld %s behind", x->id, when,
                   (long long)left, left == 1 ? "person" : "people");
    }
}

static const dd__key by_time[] = {DD__KEY(pev, t), DD__KEY(pev, site), DD__KEY_END};

typedef struct ceil_state {
    int32_t ceiling;
    int64_t present;
    bool over;
} ceil_state;

static void ceiling_at(vctx *c, ceil_state *st, dd_time t)
{
    char when[32];
    dd__vf_time(c, t, when, sizeof when);
    dd__vf_worst(c, T_CEILING, (double)(st->ceiling - st->present), "peak %lld of %d at %s",
                 (long long)st->present, st->ceiling, when);
    bool bad = st->present > st->ceiling;
    if (bad && !st->over)
        dd__vf_add(c, DD_V_CEILING, T_CEILING, 0, NULL, -1, dd_scenario_day(c->s, t), 0, 0,
                   "%s: %lld people in the country, above the ceiling of %d", when,
                   (long long)st->present, st->ceiling);
    st->over = bad;
}

static void check_ceiling(vctx *c, pev *ev, size_t n)
{
    const dd_scenario *s = c->s;
    ceil_state st = {s->agreement.personnel.ceiling, 0, false};
    if (st.ceiling < 0)
        return;
    dd__vf_sort(c, ev, n, sizeof *ev, by_time);
    for (size_t g = 0; g < s->n_people; g++)
        if (s->people[g].role != DD_ROLE_AUGMENTEE)
            st.present += s->people[g].count;
    /* the start, then after each instant */
    ceiling_at(c, &st, 0);
    for (size_t e = 0; e < n;) {
        dd_time t = ev[e].t;
        for (; e < n && ev[e].t == t; e++)
            st.present += ev[e].delta;
        ceiling_at(c, &st, t);
    }
}

/* ---- per site and day: exit processing and commercial seats ---- */

typedef struct sd {
    int32_t site, day;
    int64_t count;
    int32_t commercial; /* index for commercial passengers, else -1 */
} sd;

static const dd__key by_site_day[] = {DD__KEY(sd, site), DD__KEY(sd, day), DD__KEY_END};

/* The end of the run of v[i]'s site and day (or hour) from i, and the
 * people it counts. */
static size_t run_end(const sd *v, size_t n, size_t i, int64_t *cnt)
{
    size_t j = i;
    *cnt = 0;
    for (; j < n && v[j].site == v[i].site && v[j].day == v[i].day; j++)
        *cnt += v[j].count;
    return j;
}

static void check_exits(vctx *c, sd *v)
{
    const dd_scenario *s = c->s;
    size_t n = 0;
    for (size_t i = 0; i < c->n_exits; i++)
        v[n++] = (sd){c->exits[i].site, dd_scenario_day(s, c->exits[i].t), c->exits[i].count, -1};
    dd__vf_sort(c, v, n, sizeof *v, by_site_day);
    for (size_t i = 0, j; i < n; i = j) {
        int64_t cnt;
        j = run_end(v, n, i, &cnt);
        const dd_site *x = &s->sites[v[i].site];
        int32_t cap = x->exit_per_day >= 0 ? x->exit_per_day : s->agreement.personnel.exit_per_day;
        if (cap >= 0) {
            char d[16];
            dd__vf_date(c, v[i].day, d, sizeof d);
            dd__vf_worst(c, T_EXIT, (double)(cap - cnt), "busiest: %s on %s, %lld of %d", x->id, d,
                         (long long)cnt, cap);
            if (cnt > cap)
                dd__vf_add(c, DD_V_EXIT_PROCESSING, T_EXIT, 0, NULL, v[i].site, v[i].day, 0, 0,
                           "%s on %s: %lld people leave; exit processing takes %d a day", x->id,
                           d, (long long)cnt, cap);
        }
    }
}

/* Exits per site and clock hour (host-country time, by the hour of
 * departure) against exit_per_hour; v as check_exits's (day holds the
 * hour's index from the epoch's hour, which fits: hours are few), sorted
 * the same way. */
static void check_exits_hourly(vctx *c, sd *v)
{
    const dd_scenario *s = c->s;
    bool any = s->agreement.personnel.exit_per_hour >= 0;
    for (size_t j = 0; j < s->n_sites; j++)
        any |= s->sites[j].exit_per_hour >= 0;
    if (!any)
        return;
    size_t n = 0;
    for (size_t i = 0; i < c->n_exits; i++) {
        int64_t h = dd_scenario_hour(s, c->exits[i].t);
        v[n++] = (sd){c->exits[i].site, h > INT32_MAX ? INT32_MAX : (int32_t)h,
                      c->exits[i].count, -1};
    }
    dd__vf_sort(c, v, n, sizeof *v, by_site_day);
    int64_t a = ((s->epoch_unix / 60 + s->agreement.tz_offset) % 60 + 60) % 60;
    for (size_t i = 0, j; i < n; i = j) {
        int64_t cnt;
        j = run_end(v, n, i, &cnt);
        const dd_site *x = &s->sites[v[i].site];
        int32_t cap = x->exit_per_hour >= 0 ? x->exit_per_hour
                                            : s->agreement.personnel.exit_per_hour;
        if (cap >= 0) {
            dd_time t0 = (dd_time)v[i].day * 60 - a;
            char d[16], hm[8];
            dd__vf_date(c, dd_scenario_day(s, t0), d, sizeof d);
            dd__vf_local_hm(t0, s, s->agreement.tz_offset, hm, sizeof hm);
            dd__vf_worst(c, T_EXIT, (double)(cap - cnt), "busiest hour: %s on %s at %s, %lld of %d",
                         x->id, d, hm, (long long)cnt, cap);
            if (cnt > cap)
                dd__vf_add(c, DD_V_EXIT_PROCESSING, T_EXIT, 0, NULL, v[i].site,
                           dd_scenario_day(s, t0), 0, 0,
                           "%s on %s in the hour from %s: %lld people leave; exit processing "
                           "takes %d an hour",
                           x->id, d, hm, (long long)cnt, cap);
        }
    }
}

/* Noon local (the site's offset) of host-country day `day`'s date. */
static dd_time noon_local(const vctx *c, int32_t site, int32_t day)
{
    const dd_scenario *s = c->s;
    int64_t epoch_min = s->epoch_unix / 60;
    int64_t local = epoch_min + dd_scenario_day_start(s, day) + s->agreement.tz_offset;
    int64_t days = local / DD_MINUTES_PER_DAY - (local % DD_MINUTES_PER_DAY < 0);
    return days * DD_MINUTES_PER_DAY + 720 - s->sites[site].tz_offset - epoch_min;
}

static void check_commercial(vctx *c, sd *v)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    size_t n = 0;
    for (size_t i = 0; i < p->n_commercial; i++) {
        const vcommercial *x = &p->commercial[i];
        int64_t cnt = 0;
        for (size_t k = 0; k < x->n_pax; k++)
            cnt += x->pax[k].count;
        v[n++] = (sd){x->site, x->day, cnt, (int32_t)i};
        char d[16], a[32], b[32];
        dd__vf_date(c, x->day, d, sizeof d);
        dd__vf_time(c, x->dep, a, sizeof a);
        int32_t day = dd_scenario_day(s, x->dep);
        dd_time noon = noon_local(c, x->site, x->day);
        if (day != x->day) {
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, x->site, x->day, x->line, x->col,
                       "commercial flight from %s on %s: it departs %s, on another day",
                       s->sites[x->site].id, d, a);
        } else if (x->dep != noon) {
            dd__vf_time(c, noon, b, sizeof b);
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, x->site, x->day, x->line, x->col,
                       "commercial flight from %s on %s: it departs %s, not at noon local (%s)",
                       s->sites[x->site].id, d, a, b);
        }
    }
    dd__vf_sort(c, v, n, sizeof *v, by_site_day);
    for (size_t i = 0, j; i < n; i = j) {
        int64_t cnt;
        j = run_end(v, n, i, &cnt);
        const vcommercial *x = &p->commercial[v[i].commercial];
        int64_t seats = 0;
        bool runs = false;
        for (size_t k = 0; k < s->n_commercial; k++) {
            const dd_commercial *cm = &s->commercial[k];
            /* a service without an end runs to the deadline */
            dd_time to = cm->to != DD_TIME_NONE ? cm->to : s->agreement.deadline;
            if (cm->site == v[i].site && cm->from <= x->dep && x->dep < to) {
                seats += cm->seats_per_day;
                runs = true;
            }
        }
        char d[16];
        dd__vf_date(c, v[i].day, d, sizeof d);
        if (!runs)
            dd__vf_add(c, DD_V_COMMERCIAL, T_NONE, 0, NULL, v[i].site, v[i].day, x->line,
                       x->col, "%s on %s: %lld people on commercial flights, but no service runs "
                       "then",
                       s->sites[v[i].site].id, d, (long long)cnt);
        else if (cnt > seats)
            dd__vf_add(c, DD_V_COMMERCIAL, T_NONE, 0, NULL, v[i].site, v[i].day, x->line,
                       x->col, "%s on %s: %lld people on commercial flights, %lld seats that day",
                       s->sites[v[i].site].id, d, (long long)cnt, (long long)seats);
    }
}

void dd__vf_check_sites(vctx *c)
{
    const dd_scenario *s = c->s;
    size_t n = 0;
    pev *ev = build_events(c, &n);
    int64_t *present = calloc(s->n_people ? s->n_people : 1, sizeof *present);
    bool *warned = calloc(s->n_people ? s->n_people : 1, sizeof *warned);
    size_t nsd = c->n_exits > c->p->n_commercial ? c->n_exits : c->p->n_commercial;
    sd *v = malloc((nsd ? nsd : 1) * sizeof *v);
    if (!ev || !present || !warned || !v) {
        c->oom = true;
        goto done;
    }
    dd__vf_sort(c, ev, n, sizeof *ev, by_site_time);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ev[j].site == ev[i].site)
            j++;
        sweep_site(c, ev[i].site, ev + i, j - i, present, warned);
        i = j;
    }
    check_ceiling(c, ev, n);
    check_exits(c, v);
    check_exits_hourly(c, v);
    check_commercial(c, v);
done:
    free(ev);
    free(present);
    free(warned);
    free(v);
}
