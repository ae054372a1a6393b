/* SPDX-License-Identifier: MIT */
/*
 * Hubs and the routes to them (docs/verify.md): a destination's ramp
 * (`destinations[].mog`, kind `mog`) and the overflight clearances of the
 * countries a sortie's routes cross (kind `overflight`), re-derived from
 * the scenario and the sorties' stated times.
 *
 * Ramp: each sortie's aircraft is on the ground at its destination from
 * block-in for its type's ground time; at every instant those are at most
 * the hub's MOG.
 *
 * Throughput (`destinations[].people_per_day`, kind `hub_people`): the
 * passengers of the sorties landing at a hub, per host-country day of
 * block-in, are at most the hub's people a day.
 *
 * Overflight: a sortie ferried from one hub and flying out to another
 * needs a clearance from each country either route crosses
 * (`destinations[].overflies`), each counted once: filed at least the
 * country's lead time before departure and not before the epoch; per
 * country and host-country day of departure at most its daily cap. When
 * the request states its overflight clearances, it lists exactly those
 * countries, each filed in time.
 */
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

typedef struct hub_ctx {
    int32_t h;
} hub_ctx;

static void hub_over(vctx *c, const void *ctx, dd_time at, int64_t busy, int32_t sortie)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    int32_t h = ((const hub_ctx *)ctx)->h;
    const dd_hub *hub = &s->hubs[h];
    char when[32], list[200];
    size_t off = 0, k = 0;
    list[0] = '\0';
    for (size_t i = 0; i < p->n_sorties && off + 24 < sizeof list; i++) {
        const vsortie *x = &p->sorties[i];
        dd_time g = s->aircraft[x->type].ground_time;
        if (x->dest != h || x->arr > at || x->arr + (g > 0 ? g : 1) <= at)
            continue;
        int w = snprintf(list + off, sizeof list - off, "%s%lld", k++ ? ", " : "",
                         (long long)x->id);
        off += w > 0 ? (size_t)w : 0;
    }
    const vsortie *x = &p->sorties[sortie];
    dd__vf_time(c, at, when, sizeof when);
    dd__vf_add(c, DD_V_MOG, T_NONE, x->id, NULL, x->site, dd_scenario_day(s, at), x->line, x->col,
               "hub %s at %s: %lld aircraft on the ground after block-in (sortie%s %s); the "
               "hub's MOG is %d",
               hub->id, when, (long long)busy, k == 1 ? "" : "s", list, hub->mog);
}

/* ev: room for two events per sortie. */
static void check_hub_ramp(vctx *c, int32_t h, void *scratch)
{
    vev *ev = scratch;
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    size_t n = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        if (x->dest != h)
            continue;
        dd_time g = s->aircraft[x->type].ground_time;
        ev[n++] = (vev){x->arr, 1, (int32_t)i};
        ev[n++] = (vev){x->arr + (g > 0 ? g : 1), -1, (int32_t)i};
    }
    hub_ctx hc = {h};
    dd__vf_sweep(c, ev, n, s->hubs[h].mog, hub_over, &hc);
}

static bool on_route(const dd_hub *h, int32_t k)
{
    for (size_t i = 0; i < h->n_overflies; i++)
        if (h->overflies[i] == k)
            return true;
    return false;
}

/* Is country k on either route of sortie x, or its en-route stops'? */
static bool needs(const vctx *c, const vsortie *x, int32_t k)
{
    const dd_scenario *s = c->s;
    return (x->dest >= 0 && on_route(&s->hubs[x->dest], k)) ||
           (x->ferry_from >= 0 && on_route(&s->hubs[x->ferry_from], k)) ||
           (x->stop >= 0 && s->stops[x->stop].country == k) ||
           (x->stop2 >= 0 && s->stops[x->stop2].country == k);
}

typedef struct oday {
    int32_t day;
    int32_t sortie;
} oday;

static const dd__key by_oday[] = {DD__KEY(oday, day), DD__KEY(oday, sortie), DD__KEY_END};

static void check_stated(vctx *c, const vsortie *x, const vclearance *r)
{
    const dd_clearance_terms *ct = &c->s->agreement.clearance;
    char a[32], b[32];
    for (size_t k = 0; k < ct->n_overflight; k++) {
        const dd_overflight *o = &ct->overflight[k];
        const struct vover *v = NULL;
        for (size_t q = 0; q < r->n_over && !v; q++)
            if (r->over[q].country == (int32_t)k)
                v = &r->over[q];
        bool need = needs(c, x, (int32_t)k);
        if (need && !v) {
            dd__vf_add(c, DD_V_OVERFLIGHT, T_NONE, x->id, NULL, x->site, -1, r->line, r->col,
                       "clearance %lld: sortie %lld crosses %s, but its request lists no "
                       "overflight clearance of it",
                       (long long)r->id, (long long)x->id, o->country);
        } else if (!need && v) {
            dd__vf_add(c, DD_V_OVERFLIGHT, T_NONE, x->id, NULL, x->site, -1, v->line, v->col,
                       "clearance %lld lists an overflight clearance of %s, which sortie %lld's "
                       "routes do not cross",
                       (long long)r->id, o->country, (long long)x->id);
        } else if (v && (v->file_by < 0 || x->dep - v->file_by < o->lead_time)) {
            dd__vf_time(c, v->file_by, a, sizeof a);
            dd__vf_dur(o->lead_time, b, sizeof b);
            if (v->file_by < 0)
                dd__vf_add(c, DD_V_OVERFLIGHT, T_NONE, x->id, NULL, x->site, -1, v->line,
                           v->col,
                           "clearance %lld: the overflight clearance of %s is filed by %s, "
                           "before the epoch",
                           (long long)r->id, o->country, a);
            else
                dd__vf_add(c, DD_V_OVERFLIGHT, T_NONE, x->id, NULL, x->site, -1, v->line,
                           v->col,
                           "clearance %lld: the overflight clearance of %s is filed by %s, "
                           "less than its lead time of %s before sortie %lld leaves",
                           (long long)r->id, o->country, a, b, (long long)x->id);
        }
    }
}

static void check_overflight(vctx *c)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    oday *d = malloc((p->n_sorties ? p->n_sorties : 1) * sizeof *d);
    const vclearance **req = calloc(p->n_sorties ? p->n_sorties : 1, sizeof *req);
    if (!d || !req) {
        free(d);
        free(req);
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < p->n_clearances; i++) {
        const vclearance *r = &p->clearances[i];
        if (r->sortie >= 0 && (size_t)r->sortie < p->n_sorties)
            req[r->sortie] = r;
    }
    char a[32], b[32], day[16];
    for (size_t k = 0; k < ct->n_overflight; k++) {
        const dd_overflight *o = &ct->overflight[k];
        size_t n = 0;
        for (size_t i = 0; i < p->n_sorties; i++) {
            const vsortie *x = &p->sorties[i];
            if (!needs(c, x, (int32_t)k))
                continue;
            d[n++] = (oday){dd_scenario_day(s, x->dep), (int32_t)i};
            if (x->dep < o->lead_time) {
                dd__vf_dur(x->dep, a, sizeof a);
                dd__vf_dur(o->lead_time, b, sizeof b);
                dd__vf_add(c, DD_V_OVERFLIGHT, T_NONE, x->id, NULL, x->site,
                           dd_scenario_day(s, x->dep), x->line, x->col,
                           "sortie %lld leaves %s after the epoch and crosses %s, whose "
                           "overflight clearance takes %s",
                           (long long)x->id, a, o->country, b);
            }
        }
        if (o->daily_cap < 0)
            continue;
        dd__vf_sort(c, d, n, sizeof *d, by_oday);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && d[j].day == d[i].day)
                j++;
            if ((int64_t)(j - i) > o->daily_cap) {
                const vsortie *x = &p->sorties[d[i + (size_t)o->daily_cap].sortie];
                dd__vf_date(c, d[i].day, day, sizeof day);
                dd__vf_add(c, DD_V_OVERFLIGHT, T_NONE, x->id, NULL, x->site,
                           d[i].day, x->line, x->col,
                           "%s on %s: %zu sorties cross it; its daily cap is %d", o->country,
                           day, j - i, o->daily_cap);
            }
            i = j;
        }
    }
    for (size_t i = 0; i < p->n_sorties; i++)
        if (req[i] && req[i]->over_stated > 0)
            check_stated(c, &p->sorties[i], req[i]);
    free(d);
    free(req);
}

typedef struct hub_day {
    int32_t day;
    int32_t sortie; /* index */
    int64_t pax;
} hub_day;

static const dd__key by_hub_day[] = {DD__KEY(hub_day, day), DD__KEY(hub_day, sortie),
                                     DD__KEY_END};

/* The people landing at hub h each host day, against its people a day. */
/* v: room for one record per sortie. */
static void check_hub_people(vctx *c, int32_t h, void *scratch)
{
    hub_day *v = scratch;
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    const dd_hub *hub = &s->hubs[h];
    size_t n = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        /* an onward sortie lands its leg's people */
        const vsortie *on = x->leg >= 0 ? &p->sorties[x->leg] : x;
        int64_t pax = 0;
        for (size_t k = 0; k < on->n_pax; k++)
            pax += on->pax[k].count;
        if (x->dest == h && pax > 0)
            v[n++] = (hub_day){dd_scenario_day(s, x->arr), (int32_t)i, pax};
    }
    dd__vf_sort(c, v, n, sizeof *v, by_hub_day);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int64_t sum = 0;
        for (; j < n && v[j].day == v[i].day; j++)
            sum += v[j].pax;
        if (sum > hub->people_per_day) {
            char d[16], list[160];
            dd__vf_date(c, v[i].day, d, sizeof d);
            size_t off = 0;
            list[0] = '\0';
            for (size_t k = i; k < j && off + 24 < sizeof list; k++)
                off += (size_t)snprintf(list + off, sizeof list - off, "%s%lld",
                                        k > i ? ", " : "", (long long)p->sorties[v[k].sortie].id);
            if (off + 24 >= sizeof list)
                snprintf(list + off, sizeof list - off, ", ...");
            const vsortie *x = &p->sorties[v[j - 1].sortie];
            dd__vf_add(c, DD_V_HUB_PEOPLE, T_NONE, x->id, NULL, x->site, v[i].day, x->line,
                       x->col,
                       "%s on %s: %lld people land, above the hub's %d a day (sortie%s %s)",
                       hub->id, d, (long long)sum, hub->people_per_day, j - i > 1 ? "s" : "",
                       list);
        }
        i = j;
    }
}

static bool has_ramp(const dd_hub *h)
{
    return h->mog >= 0;
}

static bool has_people(const dd_hub *h)
{
    return h->people_per_day >= 0;
}

void dd__vf_check_hubs(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    if (p->n_sorties == 0)
        return;
    /* each limit of a hub, checked with one scratch array for all hubs */
    static const struct {
        bool (*has)(const dd_hub *);
        void (*check)(vctx *, int32_t, void *);
        size_t per_sortie; /* bytes of scratch */
    } limits[] = {{has_ramp, check_hub_ramp, 2 * sizeof(vev)},
                  {has_people, check_hub_people, sizeof(hub_day)}};
    for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
        size_t h = 0;
        while (h < s->n_hubs && !limits[k].has(&s->hubs[h]))
            h++;
        if (h == s->n_hubs)
            continue;
        void *scratch = malloc(p->n_sorties * limits[k].per_sortie);
        if (!scratch) {
            c->oom = true;
            return;
        }
        for (; h < s->n_hubs; h++)
            if (limits[k].has(&s->hubs[h]))
                limits[k].check(c, (int32_t)h, scratch);
        free(scratch);
    }
    if (s->agreement.clearance.n_overflight > 0)
        check_overflight(c);
}
