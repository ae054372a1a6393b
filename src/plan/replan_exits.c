/* SPDX-License-Identifier: MIT */
/*
 * A re-plan's people leaving: the sites' exit processing a day and a
 * clock hour (exit_per_day, exit_per_hour) and the destinations' people
 * a day (people_per_day). The counts of a placement (those that left,
 * those placed, the commercial flights), the checks that a placement
 * keeps them (placing again on the next day with room, handing loads
 * over only when the counts hold), and what an incremental run keeps of
 * them from one run to the next (replan.c places; this file counts).
 */
#include <stdlib.h>
#include <string.h>

#include "plan/replan_int.h"

/* Exit processing (exit_per_day) and the hubs' people a day
 * (people_per_day): the people each load carries, when a site or a hub
 * limits them (else r->pax stays NULL and a re-plan places as before). */
dd_status dd__replan_exits_init(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    bool any = false;
    for (size_t i = 0; i < s->n_sites; i++)
        any |= (s->sites[i].exit_per_day >= 0 ? s->sites[i].exit_per_day
                                               : s->agreement.personnel.exit_per_day) >= 0;
    for (size_t h = 0; h < s->n_hubs; h++)
        any |= s->hubs[h].people_per_day >= 0;
    for (size_t i = 0; i < s->n_sites; i++)
        any |= dd_site_exit_per_hour(s, (int32_t)i) >= 0;
    if (!any)
        return DD_OK;
    r->pax = calloc(r->n ? r->n : 1, sizeof *r->pax);
    size_t np = 2 * s->n_sites + s->n_hubs; /* the sites' days, the hubs', the sites' hours */
    r->exit_day = calloc(np ? np : 1, sizeof *r->exit_day);
    r->exit_n = calloc(np ? np : 1, sizeof *r->exit_n);
    r->exit_max = calloc(np ? np : 1, sizeof *r->exit_max);
    r->exit_lim = calloc(np ? np : 1, 1);
    r->fix_dep = malloc((r->n ? r->n : 1) * sizeof *r->fix_dep);
    r->fix_car = malloc((r->n ? r->n : 1) * sizeof *r->fix_car);
    r->fix_todo = malloc((r->n ? r->n : 1) * sizeof *r->fix_todo);
    r->exit_lo = malloc((np ? np : 1) * sizeof *r->exit_lo);
    r->exit_hi = malloc((np ? np : 1) * sizeof *r->exit_hi);
    r->exit_ppl = malloc((r->n ? r->n : 1) * sizeof *r->exit_ppl);
    r->ppl_bits = calloc(r->n / 64 + 1, sizeof *r->ppl_bits);
    r->ppl_rank = malloc((r->n / 64 + 1) * sizeof *r->ppl_rank);
    r->ppl_pax = malloc((r->n ? r->n : 1) * sizeof *r->ppl_pax);
    if (!r->fix_todo || !r->ppl_bits || !r->ppl_rank || !r->ppl_pax || !r->pax || !r->exit_day ||
        !r->exit_n || !r->exit_max || !r->exit_lim || !r->fix_dep || !r->fix_car || !r->exit_lo ||
        !r->exit_hi || !r->exit_ppl)
        return DD_ENOMEM;
    int32_t np_loads = 0; /* (the loads with people so far) */
    for (size_t f = 0; f < r->n; f++) {
        for (size_t k = 0; k < r->base->sorties[f].n_pax; k++)
            r->pax[f] += r->base->sorties[f].pax[k].count;
        if (f % 64 == 0)
            r->ppl_rank[f / 64] = np_loads;
        if (r->pax[f] > 0) {
            r->ppl_bits[f / 64] |= (uint64_t)1 << (f % 64);
            r->ppl_pax[np_loads++] = r->pax[f];
        }
    }
    return DD_OK;
}

/* n more people leaving `site` on host day `day` (a day before the epoch
 * is not counted: nothing leaves then); a `site` from n_sites on is hub
 * site - n_sites, its people landing that day. */
static dd_status exits_add(dd_replanner *r, int32_t site, int32_t day, int32_t n)
{
    if (day < 0 || n == 0)
        return DD_OK;
    size_t d = (size_t)day;
    if (d >= r->exit_n[site]) {
        size_t m = d + 64;
        int32_t *v = realloc(r->exit_day[site], m * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        memset(v + r->exit_n[site], 0, (m - r->exit_n[site]) * sizeof *v);
        r->exit_day[site] = v;
        r->exit_n[site] = m;
    }
    r->exit_day[site][d] += n;
    if (r->exit_day[site][d] > r->exit_max[site])
        r->exit_max[site] = r->exit_day[site][d];
    return DD_OK;
}


static int32_t exits_on(const dd_replanner *r, int32_t site, int32_t day)
{
    return day >= 0 && (size_t)day < r->exit_n[site] ? r->exit_day[site][day] : 0;
}

/* Do n more people leaving `site` on `day` keep within its exit
 * processing? (A load above it alone goes on a day nobody else leaves.) */
static int32_t day_cap(const dd_replanner *r, int32_t place)
{
    const dd_scenario *s = r->base->scenario;
    int32_t ns = (int32_t)s->n_sites, nh = (int32_t)s->n_hubs;
    if (place < ns)
        return r->terms.exit_per_day[place];
    return place < ns + nh ? r->terms.hub_people[place - ns]
                           : dd_site_exit_per_hour(s, place - ns - nh);
}

/* Might n more people at `place` find a full day (or hour)? Not when its
 * busiest so far takes them: then the placement needs no probe. */
static bool may_fill(const dd_replanner *r, int32_t place, int32_t n)
{
    int32_t cap = day_cap(r, place);
    return cap >= 0 && r->exit_max[place] + n > cap;
}

/* The index of `site`'s clock hours among the counters. */
static int32_t hours_of(const dd_replanner *r, int32_t site)
{
    return (int32_t)(r->base->scenario->n_sites + r->base->scenario->n_hubs) + site;
}

static int32_t hour_of(const dd_scenario *s, dd_time t)
{
    int64_t h = dd_scenario_hour(s, t);
    return h > INT32_MAX ? INT32_MAX : h < INT32_MIN ? INT32_MIN : (int32_t)h;
}

/* The start of the clock hour after t's (dd_scenario_hour's hours). */
static dd_time next_hour(const dd_scenario *s, dd_time t)
{
    int64_t m = s->epoch_unix / 60 + s->agreement.tz_offset;
    return (dd_scenario_hour(s, t) + 1) * 60 - ((m % 60) + 60) % 60;
}

/* n people leaving `site` at t: its day's and its clock hour's count. */
static dd_status site_exit(dd_replanner *r, int32_t site, dd_time t, int32_t n)
{
    const dd_scenario *s = r->base->scenario;
    int32_t hs = hours_of(r, site);
    if (n == 0)
        return DD_OK;
    dd_status rc = r->exit_lim[site] ? exits_add(r, site, dd__state_day(&r->st, t), n) : DD_OK;
    return rc == DD_OK && r->exit_lim[hs] ? exits_add(r, hs, hour_of(s, t), n) : rc;
}


static bool exits_room(const dd_replanner *r, int32_t site, int32_t day, int32_t n)
{
    int32_t cap = day_cap(r, site), used = exits_on(r, site, day);
    return cap < 0 || n == 0 || used + n <= cap || (n > cap && used == 0);
}

/* Do n more people leaving `site` at t keep within its exit processing,
 * by the day and by the clock hour? */
static bool site_room(const dd_replanner *r, int32_t site, dd_time t, int32_t n)
{
    const dd_scenario *s = r->base->scenario;
    return exits_room(r, site, dd__state_day(&r->st, t), n) &&
           exits_room(r, hours_of(r, site), hour_of(s, t), n);
}

/* Sortie f's people landing at its hub (an onward sortie lands its leg's;
 * a leg lands at the via site), as it left or is placed (out). */
static bool hub_landing(const dd_replanner *r, const dd_exec_state *x,
                        const dd_replan_sortie *out, size_t f, int32_t *hub, dd_time *arr,
                        int32_t *pax)
{
    const dd_exec_sortie *e = &x->sorties[f];
    if (r->b_kind[f] == DD_SORTIE_LEG)
        return false;
    const dd_sortie *b = &r->base->sorties[f];
    size_t g = r->b_kind[f] == DD_SORTIE_ONWARD ? (size_t)b->link : f; /* whose load */
    int32_t c = x->sorties[g].departed != DD_TIME_NONE ? x->sorties[g].carries : out[g].carries;
    if (e->departed != DD_TIME_NONE) {
        *hub = b->hub;
        *arr = e->departed + (b->arrival - b->departure);
    } else {
        *hub = out[f].hub;
        *arr = out[f].arrival;
    }
    *pax = c >= 0 ? r->pax[c] : 0;
    return *hub >= 0 && *arr != DD_TIME_NONE && *pax > 0 &&
           (e->departed != DD_TIME_NONE || out[f].departure != DD_TIME_NONE);
}

static dd_status hub_add(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                         size_t f)
{
    int32_t h, pax;
    dd_time arr;
    if (!r->hub_lim || !hub_landing(r, x, out, f, &h, &arr, &pax))
        return DD_OK;
    const dd_scenario *s = r->base->scenario;
    return exits_add(r, (int32_t)s->n_sites + h, dd__state_day(&r->st, arr), pax);
}

/* Does a sortie placed land at a hub on a day it takes more people than
 * its people a day? (After dd__replan_exits_count.) */
static bool hubs_broken(const dd_replanner *r, const dd_exec_state *x,
                        const dd_replan_sortie *out)
{
    const dd_scenario *s = r->base->scenario;
    for (size_t i = 0; i < r->n_undep; i++) { /* (what left is not placed) */
        size_t f = r->undep[i];
        /* (on the ground: it lands where and when out says, if at all;
         * looked at further only on a day over the cap) */
        if (x->sorties[f].departed != DD_TIME_NONE || out[f].hub < 0 ||
            out[f].arrival == DD_TIME_NONE)
            continue;
        int32_t at = (int32_t)s->n_sites + out[f].hub;
        int32_t cap = day_cap(r, at), used = exits_on(r, at, dd__state_day(&r->st, out[f].arrival));
        if (cap < 0 || used <= cap)
            continue;
        int32_t h, pax;
        dd_time arr;
        if (hub_landing(r, x, out, f, &h, &arr, &pax) && !(pax > cap && used == pax))
            return true;
    }
    return false;
}

/* One count the run's placements do not change: kept in r->fix (as
 * exits_add would count it: none before the epoch, none of nobody). */
static dd_status fix_add(dd_replanner *r, int32_t at, int32_t when, int32_t n)
{
    if (when < 0 || n == 0)
        return DD_OK;
    if (n < 0)
        r->fix_ok = false; /* (a count taken back: dd__replan_exits_count counts in order) */
    if (r->n_fix == r->cap_fix) {
        size_t m = r->cap_fix ? 2 * r->cap_fix : 64;
        int32_t *v = realloc(r->fix, 3 * m * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        r->fix = v;
        r->cap_fix = m;
    }
    int32_t *e = r->fix + 3 * r->n_fix++;
    e[0] = at;
    e[1] = when;
    e[2] = n;
    return DD_OK;
}

/* n people leaving `site` at t, into r->fix (site_exit's counts). */
static dd_status fix_exit(dd_replanner *r, int32_t site, dd_time t, int32_t n)
{
    int32_t hs = hours_of(r, site);
    dd_status rc = r->exit_lim[site] ? fix_add(r, site, dd__state_day(&r->st, t), n) : DD_OK;
    return rc == DD_OK && r->exit_lim[hs] ? fix_add(r, hs, hour_of(r->base->scenario, t), n)
                                          : rc;
}

/* Does sortie f's count not depend on a placement? (It left, and so did
 * the leg whose load it carries on.) */
static bool fixed_sortie(const dd_replanner *r, const dd_exec_state *x, size_t f)
{
    return x->sorties[f].departed != DD_TIME_NONE &&
           (r->b_kind[f] != DD_SORTIE_ONWARD ||
            x->sorties[r->base->sorties[f].link].departed != DD_TIME_NONE);
}

/* Sortie f that left, into r->fix. */
static dd_status fix_sortie(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                            size_t f)
{
    const dd_exec_sortie *e = &x->sorties[f];
    r->fix_dep[f] = e->departed;
    r->fix_car[f] = e->carries;
    if (e->carries < 0)
        return DD_OK;
    dd_status rc = fix_exit(r, r->base->sorties[f].site, e->departed, r->pax[e->carries]);
    int32_t h, pax;
    dd_time arr;
    if (rc == DD_OK && r->hub_lim && hub_landing(r, x, out, f, &h, &arr, &pax))
        rc = fix_add(r, (int32_t)r->base->scenario->n_sites + h, dd__state_day(&r->st, arr), pax);
    return rc;
}

/* r->fix anew: the commercial flights, the sorties that left. */
static dd_status fix_count(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    dd_status rc = DD_OK;
    r->n_fix = 0;
    r->fix_ok = true;
    for (size_t k = 0; k < p->n_movements && rc == DD_OK; k++)
        if (p->movements[k].sortie < 0)
            rc = fix_exit(r, s->people[p->movements[k].people].site, p->movements[k].departure,
                          p->movements[k].count);
    r->n_todo = 0;
    for (size_t f = 0; f < r->n && rc == DD_OK; f++) {
        r->fix_dep[f] = DD_TIME_NONE;
        if (fixed_sortie(r, x, f))
            rc = fix_sortie(r, x, out, f);
        if (r->fix_dep[f] == DD_TIME_NONE)
            r->fix_todo[r->n_todo++] = f;
    }
    if (rc != DD_OK)
        r->fix_ok = false;
    return rc;
}

/* r->fix brought up to x: the sorties that left since added, counted
 * anew on any other change. False when it cannot be kept. */
static bool fix_update(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    if (r->fix_ok && r->fix_run == r->stats.runs)
        return true; /* brought up to this run's x already */
    r->fix_run = r->stats.runs;
    size_t nt = 0;
    for (size_t f = 0; f < r->n && r->fix_ok; f++) {
        /* (the most: still on the ground, or counted as it left) */
        const dd_exec_sortie *e = &x->sorties[f];
        if (e->departed != r->fix_dep[f] ||
            (e->departed != DD_TIME_NONE &&
             (e->carries != r->fix_car[f] || r->b_kind[f] == DD_SORTIE_ONWARD))) {
            bool now = fixed_sortie(r, x, f);
            if (r->fix_dep[f] == DD_TIME_NONE) {
                if (now && fix_sortie(r, x, out, f) != DD_OK)
                    r->fix_ok = false;
            } else if (!now || r->fix_dep[f] != x->sorties[f].departed ||
                       r->fix_car[f] != x->sorties[f].carries) {
                r->fix_ok = false;
            }
        }
        if (r->fix_dep[f] == DD_TIME_NONE)
            r->fix_todo[nt++] = f;
    }
    r->n_todo = nt;
    return r->fix_ok || (fix_count(r, x, out) == DD_OK && r->fix_ok);
}

/* fix_update for an incremental run, whose states are those of one
 * execution in time order (a sortie that left stays as it left): only
 * the sorties fix does not hold (r->fix_todo) are looked at. With legs,
 * or when a sortie fix holds is on the ground again, as fix_update. */
static bool fix_update_left(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    if (!r->fix_ok || r->has_legs || r->fix_run == r->stats.runs)
        return fix_update(r, x, out);
    r->fix_run = r->stats.runs;
    size_t nt = 0, u = 0; /* (r->undep: those on the ground, in index order) */
    for (size_t j = 0; j < r->n_todo && r->fix_ok; j++) {
        size_t f = r->fix_todo[j]; /* (no legs: fixed_sortie is "it left") */
        while (u < r->n_undep && r->undep[u] < f)
            u++;
        if (u < r->n_undep && r->undep[u] == f)
            r->fix_todo[nt++] = f;
        else if (fix_sortie(r, x, out, f) != DD_OK)
            r->fix_ok = false;
    }
    /* (those on the ground are among the nt, so all of them when as many) */
    if (r->fix_ok && nt == r->n_undep) {
        r->n_todo = nt;
        return true;
    }
    return fix_count(r, x, out) == DD_OK && r->fix_ok;
}

/* Before a count: the counters limited now, all at zero. */
static void exits_reset(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    r->hub_lim = false;
    for (size_t i = 0; i < 2 * s->n_sites + s->n_hubs; i++) {
        r->exit_lim[i] = day_cap(r, (int32_t)i) >= 0;
        r->hub_lim |= r->exit_lim[i] && i >= s->n_sites && i < s->n_sites + s->n_hubs;
        if (r->exit_n[i])
            memset(r->exit_day[i], 0, r->exit_n[i] * sizeof *r->exit_day[i]);
        r->exit_max[i] = 0;
    }
}

/* Sortie f's people (c's, leaving at d) into the counts. */
static dd_status exits_sortie(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                              size_t f, dd_time d, int32_t c)
{
    dd_status rc = site_exit(r, r->b_site[f], d, r->pax[c]);
    return rc == DD_OK ? hub_add(r, x, out, f) : rc;
}

/* A count's end: what fix holds (fixed: fix_update's answer), else the
 * commercial flights (the sorties that left are counted with the rest). */
static dd_status exits_finish(dd_replanner *r, bool fixed, dd_status rc)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    if (fixed) {
        for (size_t i = 0; i < r->n_fix && rc == DD_OK; i++)
            rc = exits_add(r, r->fix[3 * i], r->fix[3 * i + 1], r->fix[3 * i + 2]);
    } else {
        for (size_t k = 0; k < p->n_movements && rc == DD_OK; k++)
            if (p->movements[k].sortie < 0)
                rc = site_exit(r, s->people[p->movements[k].people].site,
                               p->movements[k].departure, p->movements[k].count);
    }
    r->exits_live = rc == DD_OK;
    return rc;
}

/* The people leaving each site each day in a placement so far: those that
 * left, those placed (out), the commercial flights (the first and the last
 * kept from run to run in r->fix, fix_update). */
dd_status dd__replan_exits_count(dd_replanner *r, const dd_exec_state *x,
                                 const dd_replan_sortie *out)
{
    dd_status rc = DD_OK;
    exits_reset(r);
    bool fixed = fix_update(r, x, out);
    /* with no legs, what fix does not hold is what is on the ground */
    bool few = fixed && !r->has_legs;
    size_t nf = few ? r->n_undep : r->n;
    for (size_t i = 0; i < nf && rc == DD_OK; i++) {
        size_t f = few ? r->undep[i] : i;
        if (fixed && r->fix_dep[f] != DD_TIME_NONE) /* (fix_update: it is fixed_sortie) */
            continue;
        const dd_exec_sortie *e = &x->sorties[f];
        dd_time d = e->departed;
        int32_t c = e->carries;
        if (d == DD_TIME_NONE) {
            d = out[f].departure;
            c = out[f].carries;
        }
        /* (nobody aboard: nothing to count, unless an onward sortie
         * lands its leg's people) */
        if (d == DD_TIME_NONE || c < 0 || (r->pax[c] == 0 && r->b_kind[f] != DD_SORTIE_ONWARD))
            continue;
        rc = exits_sortie(r, x, out, f, d, c);
    }
    return exits_finish(r, fixed, rc);
}

/* The start of clock hour h (dd_scenario_hour's hours). */
static dd_time hour_start(const dd_scenario *s, int64_t h)
{
    int64_t m = s->epoch_unix / 60 + s->agreement.tz_offset;
    return h * 60 - ((m % 60) + 60) % 60;
}

/* After a count: per counter, the times from the start of its first day
 * (or hour) over its cap to the end of its last (r->exit_lo/exit_hi; an
 * empty span when none is over). A count that only goes down since stays
 * inside them. Does any counter hold more than its cap? (Its exit_max only
 * bounds them.) */
static bool exits_spans(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    size_t nd = s->n_sites + s->n_hubs; /* (the counters by the day) */
    bool any = false;
    for (size_t i = 0; i < nd + s->n_sites; i++) {
        int32_t cap = day_cap(r, (int32_t)i);
        int64_t lo = -1, hi = -1;
        for (size_t d = 0; cap >= 0 && r->exit_max[i] > cap && d < r->exit_n[i]; d++)
            if (r->exit_day[i][d] > cap) {
                lo = lo < 0 ? (int64_t)d : lo;
                hi = (int64_t)d;
            }
        r->exit_lo[i] = INT64_MAX;
        r->exit_hi[i] = INT64_MIN;
        if (lo < 0)
            continue;
        any = true;
        r->exit_lo[i] = i < nd ? dd__state_day_start(&r->st, (int32_t)lo) : hour_start(s, lo);
        r->exit_hi[i] =
            i < nd ? dd__state_day_start(&r->st, (int32_t)hi + 1) : hour_start(s, hi + 1);
    }
    return any;
}

/* Might people leaving `site` at t find its day or its hour over the cap
 * (inside exits_spans's spans)? */
static inline bool site_spans(const dd_replanner *r, int32_t site, dd_time t)
{
    int32_t hs = hours_of(r, site);
    return (t >= r->exit_lo[site] && t < r->exit_hi[site]) ||
           (t >= r->exit_lo[hs] && t < r->exit_hi[hs]);
}

/* Is a hub's day over its cap (exits_spans)? */
static bool hubs_spans(const dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    bool any = false;
    for (size_t h = 0; h < s->n_hubs; h++)
        any |= r->exit_lo[s->n_sites + h] != INT64_MAX;
    return any;
}

/* Does a placement (out), its people counted (dd__replan_exits_count), let more
 * people leave a site a day or an hour, or land at a hub a day, than it
 * takes? */
static bool exits_over(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    const dd_scenario *s = r->base->scenario;
    /* none over when no counter has been over */
    if (!exits_spans(r))
        return false;
    if (hubs_spans(r) && hubs_broken(r, x, out))
        return true;
    for (size_t i = 0; i < r->n_undep; i++) {
        size_t f = r->undep[i];
        int32_t site = r->b_site[f];
        /* (a site with no span first: its sorties' placements not read) */
        if ((r->exit_lo[site] == INT64_MAX && r->exit_lo[hours_of(r, site)] == INT64_MAX) ||
            out[f].departure == DD_TIME_NONE || !site_spans(r, site, out[f].departure) ||
            x->sorties[f].departed != DD_TIME_NONE || out[f].carries < 0)
            continue;
        int32_t at[2] = {site, hours_of(r, site)};
        for (int k = 0; k < 2; k++) {
            int32_t cap = day_cap(r, at[k]);
            if (cap < 0)
                continue;
            int32_t when = k == 0 ? dd__state_day(&r->st, out[f].departure)
                                  : hour_of(s, out[f].departure);
            int32_t used = exits_on(r, at[k], when), pax;
            if (used > cap && (pax = r->pax[out[f].carries]) > 0 && !(pax > cap && used == pax))
                return true;
        }
    }
    return false;
}

bool dd__replan_exits_broken(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    if (!r->pax)
        return false;
    if ((!r->exits_live || r->no_live) && dd__replan_exits_count(r, x, out) != DD_OK)
        return true; /* (out of memory: the full run finds it again) */
    return exits_over(r, x, out);
}

/* Is sortie f's count (pax people, placed as out[f]) over a cap of its
 * site's day or hour or its hub's day? (A load above a cap alone is not.) */
static bool kept_over(const dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                      size_t f, int32_t pax)
{
    const dd_scenario *s = r->base->scenario;
    int32_t site = r->base->sorties[f].site;
    int32_t at[3] = {site, hours_of(r, site), -1};
    int32_t when[3] = {dd__state_day(&r->st, out[f].departure), hour_of(s, out[f].departure), 0};
    int32_t h, hp;
    dd_time arr;
    if (r->hub_lim && hub_landing(r, x, out, f, &h, &arr, &hp)) {
        at[2] = (int32_t)s->n_sites + h;
        when[2] = dd__state_day(&r->st, arr);
    }
    for (int k = 0; k < 3; k++) {
        if (at[k] < 0 || !r->exit_lim[at[k]])
            continue;
        int32_t cap = day_cap(r, at[k]), used = exits_on(r, at[k], when[k]);
        if (cap >= 0 && used > cap && !(pax > cap && used == pax))
            return true;
    }
    return false;
}

/* dd__replan_exits_count for exits_unkeep's out: its kept sorties with
 * people, the k at r->ground[r->exit_ppl[0..k)], in place of the sorties on the
 * ground (the others placed nowhere) when those are all of them and fix
 * holds the rest. */
static dd_status exits_count_kept(dd_replanner *r, const dd_exec_state *x,
                                  const dd_replan_sortie *out, size_t m, size_t k)
{
    /* (with no legs, the sorties on the ground are those not yet left) */
    if (r->has_legs || m != r->n_undep)
        return dd__replan_exits_count(r, x, out);
    exits_reset(r);
    bool fixed = fix_update_left(r, x, out);
    if (!fixed) /* (out of memory) */
        return dd__replan_exits_count(r, x, out);
    dd_status rc = DD_OK;
    for (size_t j = 0; j < k && rc == DD_OK; j++) {
        const dd__replan_ppl *e = &r->exit_ppl[j];
        rc = site_exit(r, e->site, e->departure, e->pax);
        if (rc == DD_OK)
            rc = hub_add(r, x, out, e->f);
    }
    return exits_finish(r, fixed, rc);
}

size_t dd__replan_exits_unkeep(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                               size_t m)
{
    if (!r->pax)
        return 0;
    size_t k = 0; /* the kept sorties placed with people aboard */
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        out[f] = (dd_replan_sortie){-1, DD_TIME_NONE, -1, false, -1, -1, DD_TIME_NONE};
        if (!r->keep[f])
            continue;
        const dd__replan_pv *so = &r->pv[f];
        int32_t c = x->sorties[r->src[f]].carries;
        out[f].carries = c;
        out[f].departure = so->departure;
        out[f].hub = so->hub;
        out[f].arrival = so->arrival;
        uint64_t w = c >= 0 ? r->ppl_bits[c / 64] : 0, below = 0;
        if (c >= 0)
            below = ((uint64_t)1 << (c % 64)) - 1;
        if (so->departure != DD_TIME_NONE && (w & (below + 1))) {
            /* (r->pax[c] from the small array of loads with people) */
            int32_t pax = r->ppl_pax[r->ppl_rank[c / 64] + __builtin_popcountll(w & below)];
            r->exit_ppl[k++] = (dd__replan_ppl){f, so->departure, r->b_site[f], pax};
        }
    }
    if (exits_count_kept(r, x, out, m, k) != DD_OK)
        return 0; /* (out of memory: the run's own count finds it again) */
    bool any = exits_spans(r), hubs = any && hubs_spans(r);
    size_t moved = 0;
    /* the latest first (a sortie outside the spans is over no cap: the
     * counts only go down here) */
    for (size_t j = k; any && j-- > 0 && r->exits_live;) {
        const dd__replan_ppl *e = &r->exit_ppl[j];
        size_t f = e->f;
        if (!hubs && !site_spans(r, e->site, e->departure))
            continue;
        if (!kept_over(r, x, out, f, e->pax))
            continue;
        r->keep[f] = 0;
        moved++;
        dd__replan_exits_drop(r, x, out, f);
    }
    return moved;
}

void dd__replan_exits_drop(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t f)
{
    if (!r->pax || out[f].departure == DD_TIME_NONE || out[f].carries < 0)
        return;
    int32_t pax = r->pax[out[f].carries], h, hp;
    dd_time arr;
    bool hub = r->hub_lim && hub_landing(r, x, out, f, &h, &arr, &hp);
    if (site_exit(r, r->base->sorties[f].site, out[f].departure, -pax) != DD_OK ||
        (hub && exits_add(r, (int32_t)r->base->scenario->n_sites + h, dd__state_day(&r->st, arr),
                          -hp) != DD_OK))
        r->exits_live = false; /* (out of memory: counted again) */
    out[f].departure = DD_TIME_NONE;
}

/* A placement's check (dd__place_checked) of the sortie found for n
 * people at `site`: INT64_MIN when its day, its clock hour (and, with
 * hubs, its hub's day) take them, else the next time worth trying. */
typedef struct room_check {
    const dd_replanner *r;
    int32_t site, pax;
    bool hubs;
} room_check;

static dd_time room_next(void *ctx, const dd_sortie *q)
{
    const room_check *k = ctx;
    const dd_replanner *r = k->r;
    const dd_scenario *s = r->base->scenario;
    int32_t ns = (int32_t)s->n_sites;
    int32_t day = dd_scenario_day(s, q->departure), arr = dd_scenario_day(s, q->arrival);
    dd_time next = INT64_MIN;
    if (!exits_room(r, k->site, day, k->pax))
        next = dd_scenario_day_start(s, day + 1);
    else if (!site_room(r, k->site, q->departure, k->pax)) /* its clock hour is full */
        next = next_hour(s, q->departure);
    if (k->hubs && q->hub >= 0 && !exits_room(r, ns + q->hub, arr, k->pax))
        next = dd__later(next, q->departure + (dd_scenario_day_start(s, arr + 1) - q->arrival));
    return next;
}

/* dd__place for slot f carrying load c, on a day its site's exit
 * processing can take the load's people: each departure the placement
 * finds on a full day is tried again from the next day (an incremental
 * run's in the tails' gaps). DD_EINFEASIBLE when that leaves the window. */
dd_status dd__replan_place_req(dd_replanner *r, dd__request *rq, size_t f, int32_t c)
{
    dd__state *st = &r->st;
    const dd_scenario *s = r->base->scenario;
    int32_t site = r->base->sorties[f].site, ns = (int32_t)s->n_sites;
    bool hubs = false; /* (a leg lands at the via site: its onward sortie at a hub) */
    bool check = r->pax && r->pax[c] > 0;
    for (size_t h = 0; check && h < s->n_hubs; h++)
        hubs |= r->base->sorties[f].kind == DD_SORTIE_OUT &&
                may_fill(r, ns + (int32_t)h, r->pax[c]);
    check = check && (may_fill(r, site, r->pax[c]) || may_fill(r, hours_of(r, site), r->pax[c]) ||
                      hubs);
    room_check chk = {r, site, check ? r->pax[c] : 0, hubs};
    if (r->hold)
        return dd__replan_place_gap(r, rq, check ? room_next : NULL, &chk);
    if (!check)
        return dd__place(st, rq, r->base->loads);
    for (int k = 0; k < 366; k++) {
        dd_time next;
        dd_status rc = dd__place_checked(st, rq, r->base->loads, room_next, &chk, &next);
        if (rc != DD_OK || next == INT64_MIN)
            return rc; /* (booked, or none) */
        if (next > rq->latest)
            return DD_EINFEASIBLE;
        rq->ready = next;
    }
    return dd__place(st, rq, r->base->loads);
}

/* Slot f placed (so) with load c: its people leave (and its onward
 * sortie's, at the via site). */
dd_status dd__replan_exits_placed(dd_replanner *r, const dd_exec_state *x,
                              const dd_replan_sortie *out, size_t f, int32_t c, const dd_sortie *so)
{
    const dd_sortie *b = &r->base->sorties[f];
    dd_status rc = site_exit(r, so->site, so->departure, r->pax[c]);
    if (rc == DD_OK && b->kind == DD_SORTIE_LEG && out[b->link].carries >= 0)
        rc = site_exit(r, r->base->sorties[b->link].site, out[b->link].departure,
                       r->pax[out[b->link].carries]);
    if (rc == DD_OK)
        rc = hub_add(r, x, out, b->kind == DD_SORTIE_LEG ? (size_t)b->link : f);
    return rc;
}

/* Placed slot f's load, `was` people, now `now`: the counts of its site's
 * day and hour and of its hub's day (its onward sortie's, for a leg) as
 * dd__replan_exits_count would make them. */
static dd_status exits_move(dd_replanner *r, const dd_replan_sortie *out, size_t f, int32_t was,
                            int32_t now)
{
    const dd_sortie *b = &r->base->sorties[f];
    if (was == now)
        return DD_OK;
    dd_status rc = site_exit(r, b->site, out[f].departure, -was);
    if (rc == DD_OK)
        rc = site_exit(r, b->site, out[f].departure, now);
    size_t h = b->kind == DD_SORTIE_LEG ? (size_t)b->link : f; /* who lands at a hub */
    if (rc != DD_OK || !r->hub_lim || out[h].hub < 0 || out[h].arrival == DD_TIME_NONE ||
        out[h].departure == DD_TIME_NONE)
        return rc;
    const dd_scenario *s = r->base->scenario;
    return exits_add(r, (int32_t)s->n_sites + out[h].hub, dd__state_day(&r->st, out[h].arrival),
                     now - was);
}

/* Step 4: slot r->cont[i] handed the load of r->slot[i] (i < k), unless
 * that lets more people leave a site a day than its exit processing takes
 * (the loads with people would move to other days): then the loads stay
 * as placed (but for tracking, whose security element must leave last).
 * (r->latest, read no more once placed, keeps the loads given before.) */
void dd__replan_hand_over(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                          size_t k)
{
    bool moved = false; /* people handed to another slot */
    for (size_t i = 0; i < k; i++) {
        size_t f = r->cont[i];
        r->latest[f] = r->give[f];
        r->give[f] = (int32_t)r->slot[i];
        out[f].carries = x->sorties[r->slot[i]].carries;
        moved |= r->pax && r->pax[x->sorties[r->latest[f]].carries] != r->pax[out[f].carries];
    }
    if (!moved || x->keep_clearances)
        return; /* (tracking's keeps the security last) */
    /* the counts so far are the placement's (dd__replan_exits_count's, then
     * dd__replan_exits_placed's): moved by the people handed over */
    dd_status rc = DD_OK;
    for (size_t i = 0; i < k && rc == DD_OK; i++) {
        size_t f = r->cont[i];
        rc = exits_move(r, out, f, r->pax[x->sorties[r->latest[f]].carries],
                        r->pax[out[f].carries]);
    }
    if (rc != DD_OK)
        r->exits_live = false;
    if (rc == DD_OK ? !exits_over(r, x, out) : !dd__replan_exits_broken(r, x, out))
        return;
    for (size_t i = 0; i < k; i++) {
        size_t f = r->cont[i];
        r->give[f] = (int32_t)r->latest[f];
        out[f].carries = x->sorties[r->give[f]].carries;
    }
    r->exits_live = false; /* (the counts are the loads handed over) */
}

/* ---- augmentees flown in late, on commercial seats planned before ---- */

/* What leaves `site` in p (military and commercial) on host day `day`,
 * in the clock hour of `noon`, and on the commercial flight at `noon`. */
typedef struct site_exits {
    int64_t day, hour, seated;
} site_exits;

static site_exits exits_at(const dd_plan *p, int32_t site, int32_t day, dd_time noon)
{
    const dd_scenario *s = p->scenario;
    int64_t hour = dd_scenario_hour(s, noon);
    site_exits e = {0, 0, 0};
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        if (s->people[mv->people].site != site || mv->departure == DD_TIME_NONE)
            continue;
        e.day += dd_scenario_day(s, mv->departure) == day ? mv->count : 0;
        e.hour += dd_scenario_hour(s, mv->departure) == hour ? mv->count : 0;
        e.seated += mv->sortie < 0 && mv->departure == noon ? mv->count : 0;
    }
    return e;
}

/* The commercial seats of `site` on host day d and when that flight
 * leaves, noon local (as people.c's commercial departures); 0: none. */
static int64_t seats_on(const dd_scenario *s, int32_t site, int32_t d, dd_time *noon)
{
    *noon = dd_scenario_day_start(s, d) + 720 -
            (s->sites[site].tz_offset - s->agreement.tz_offset);
    int64_t seats = 0;
    for (size_t k = 0; k < s->n_commercial; k++) {
        const dd_commercial *c = &s->commercial[k];
        dd_time to = c->to == DD_TIME_NONE ? s->agreement.deadline : c->to;
        dd_time from = c->from > 0 ? c->from : 0;
        if (c->site == site && c->seats_per_day > 0 && *noon >= from && *noon < to)
            seats += c->seats_per_day;
    }
    return seats;
}

void dd__replan_late_commercial(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    dd_time last = s->agreement.deadline; /* (the services' last day) */
    for (size_t k = 0; k < s->n_commercial; k++)
        if (s->commercial[k].to != DD_TIME_NONE && s->commercial[k].to > last)
            last = s->commercial[k].to;
    for (size_t m = 0; m < p->n_movements; m++) {
        dd_movement *mv = &p->movements[m];
        const dd_people *g = &s->people[mv->people];
        dd_time in = p->arrived[mv->people];
        if (mv->sortie >= 0 || g->role != DD_ROLE_AUGMENTEE || in == DD_TIME_NONE ||
            mv->departure >= in)
            continue;
        int32_t site = g->site;
        int32_t per_day = s->sites[site].exit_per_day >= 0 ? s->sites[site].exit_per_day
                                                           : s->agreement.personnel.exit_per_day;
        int32_t per_hour = dd_site_exit_per_hour(s, site);
        mv->departure = DD_TIME_NONE; /* (not counted where it was) */
        for (int32_t d = dd_scenario_day(s, in); dd_scenario_day_start(s, d) <= last; d++) {
            dd_time noon;
            int64_t seats = seats_on(s, site, d, &noon);
            if (seats == 0 || noon < in)
                continue;
            site_exits e = exits_at(p, site, d, noon);
            if (e.seated + mv->count > seats || (per_day >= 0 && e.day + mv->count > per_day) ||
                (per_hour >= 0 && e.hour + mv->count > per_hour))
                continue;
            mv->departure = noon;
            break;
        }
        if (mv->departure == DD_TIME_NONE)
            mv->count = 0; /* no flight with room: they stay (taken out below) */
        else
            mv->day = dd_scenario_day(s, mv->departure);
    }
    size_t k = 0;
    for (size_t m = 0; m < p->n_movements; m++)
        if (p->movements[m].count > 0)
            p->movements[k++] = p->movements[m];
    p->n_movements = k;
}
