/* SPDX-License-Identifier: MIT */
/* Private to the sortie placement (place.c, the placement loop;
 * place_state.c, the state made, cleared and taken back out; place_hub.c,
 * the hubs and the routes to them; place_legs.c, the legs inside the
 * country): the small helpers and types they share. The helpers stay
 * static (static inline where they were so in place.c): the placement loop
 * calls several of them millions of times per replication and must keep
 * them inlined. What crosses the files as a call is named dd__; nothing
 * here is thread-safe beyond dd__state's own rule (one thread at a time). */
#ifndef DD_PLACE_INT_H
#define DD_PLACE_INT_H

#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

#define DD__PLACE_STEP 15 /* minutes between candidate departure times */

/* A helper that was static (not inline) in place.c: still static, so that
 * the compiler inlines it where it did before, and unused in some files. */
#define DD__PLACE_STATIC static __attribute__((unused))

/* ---- counts per host day ---- */

DD__PLACE_STATIC int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

DD__PLACE_STATIC int32_t day_get(const dd__daycount *d, int32_t day)
{
    return day >= 0 && (size_t)day < d->n ? d->v[day] : 0;
}

DD__PLACE_STATIC bool day_grow(dd__daycount *d, int32_t day, int32_t by)
{
    if (day < 0)
        return true;
    if ((size_t)day >= d->n) {
        size_t n = d->n ? d->n : 64;
        while (n <= (size_t)day)
            n *= 2;
        int32_t *v = realloc(d->v, n * sizeof *v);
        if (!v)
            return false;
        memset(v + d->n, 0, (n - d->n) * sizeof *v);
        d->v = v;
        d->n = n;
    }
    d->v[day] += by;
    return true;
}

/* (the common case inline: a day already held) */
static inline bool day_add(dd__daycount *d, int32_t day, int32_t by)
{
    if (day >= 0 && (size_t)day < d->n) {
        d->v[day] += by;
        return true;
    }
    return day_grow(d, day, by);
}

DD__PLACE_STATIC bool day_inc(dd__daycount *d, int32_t day)
{
    return day_add(d, day, 1);
}

/* ---- clearance caps: a schedule of steps, daily and weekly ---- */

/* The daily cap a step allows when the run's cap (`now`: the scenario's
 * daily_cap, relaxed or moved by a variant or the host) is not the one the
 * schedule was read with (`base`); see dd_clearance_terms. */
DD__PLACE_STATIC int32_t moved_cap(int32_t step, int32_t now, int32_t base)
{
    if (now == base)
        return step;
    if (now < 0)
        return -1;
    if (base < 0)
        return step < 0 || step > now ? now : step;
    if (step < 0)
        return -1;
    int64_t v = (int64_t)step + now - base;
    return v < 0 ? 0 : (int32_t)v;
}

/* The step in force on `day`: NULL before the first one. */
DD__PLACE_STATIC const dd_cap_step *step_on(const dd_cap_step *v, size_t n, int32_t day)
{
    const dd_cap_step *at = NULL;
    for (size_t i = 0; i < n && v[i].day <= day; i++)
        at = &v[i];
    return at;
}

typedef struct capset {
    const dd_cap_step *v;
    size_t n;
    int32_t base, now; /* see moved_cap */
    bool weekly;       /* some step has a weekly cap */
} capset;

DD__PLACE_STATIC capset capset_of(const dd_cap_step *v, size_t n, int32_t base, int32_t now)
{
    capset c = {v, n, base, now, false};
    for (size_t i = 0; i < n; i++)
        if (v[i].weekly >= 0)
            c.weekly = true;
    return c;
}

DD__PLACE_STATIC int32_t daily_on(const capset *c, int32_t day)
{
    if (c->n == 0)
        return c->now;
    const dd_cap_step *at = step_on(c->v, c->n, day);
    return at ? moved_cap(at->daily, c->now, c->base) : 0;
}

DD__PLACE_STATIC int32_t weekly_on(const capset *c, int32_t day)
{
    const dd_cap_step *at = step_on(c->v, c->n, day);
    return at ? at->weekly : 0;
}

/* Day number 0 = Monday of host day `day`. */
DD__PLACE_STATIC int32_t weekday(const dd__state *st, int32_t day)
{
    int64_t d = st->day0_unix + day + 3; /* 1970-01-01 was a Thursday */
    return (int32_t)(d - floor_div(d, 7) * 7);
}

/* True if one more clearance on `day` keeps the count under every cap:
 * that day's daily cap, and the weekly cap in force on each day whose
 * window (the 7 days ending on it, or its calendar week up to it) holds
 * `day`. */
DD__PLACE_STATIC bool week_room(const dd__state *st, const capset *c, const dd__daycount *cnt,
                                int32_t day);

static inline bool cap_room(const dd__state *st, const capset *c, const dd__daycount *cnt,
                            int32_t day)
{
    int32_t d = daily_on(c, day);
    if (d >= 0 && day_get(cnt, day) >= d)
        return false;
    return !c->weekly || week_room(st, c, cnt, day);
}

/* cap_room's weekly caps. */
DD__PLACE_STATIC bool week_room(const dd__state *st, const capset *c, const dd__daycount *cnt,
                                int32_t day)
{
    bool cal = st->s->agreement.clearance.calendar_week;
    int32_t last = cal ? day + 6 - weekday(st, day) : day + 6;
    for (int32_t e = day; e <= last; e++) {
        int32_t w = weekly_on(c, e);
        if (w < 0)
            continue;
        int32_t lo = cal ? e - weekday(st, e) : e - 6;
        int64_t k = 1;
        for (int32_t i = lo; i <= e; i++)
            k += day_get(cnt, i);
        if (k > w)
            return false;
    }
    return true;
}

/* True if no clearance is possible on any day from `day` on (the last
 * step allows none). */
DD__PLACE_STATIC bool caps_shut(const capset *c, int32_t day)
{
    if (c->n == 0)
        return c->now == 0;
    const dd_cap_step *last = &c->v[c->n - 1];
    return day >= last->day && (moved_cap(last->daily, c->now, c->base) == 0 || last->weekly == 0);
}

/* ---- ramps, ferries and routes ---- */

DD__PLACE_STATIC int32_t mog_class(const dd_site *x, int32_t klass)
{
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == klass)
            return x->mog[k].count;
    return -1; /* not listed */
}

/* The first span of list v (n long) whose hi is after t. */
DD__PLACE_STATIC size_t span_after(const struct dd__span *v, size_t n, dd_time t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].hi <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The flight minutes of type a from site to each hub */
DD__PLACE_STATIC const int32_t *ferry_row(const dd__state *st, int32_t a, int32_t site)
{
    size_t ns = st->s->n_sites ? st->s->n_sites : 1, nh = st->s->n_hubs ? st->s->n_hubs : 1;
    return &st->ferry_min[((size_t)a * ns + (size_t)site) * nh];
}

DD__PLACE_STATIC int32_t ferry_minutes(const dd__state *st, int32_t a, int32_t site, int32_t hub)
{
    return ferry_row(st, a, site)[hub];
}

/* floor(dd_aircraft_acl) of type a flying direct from site to hub */
DD__PLACE_STATIC double hub_acl(const dd__state *st, int32_t a, int32_t site, int32_t hub)
{
    size_t ns = st->s->n_sites ? st->s->n_sites : 1, nh = st->s->n_hubs ? st->s->n_hubs : 1;
    return st->hub_acl[((size_t)a * ns + (size_t)site) * nh + (size_t)hub];
}

/* How a sortie flies from its site to its hub: direct (stop 0) or
 * through en-route fuel stop `stop` (1-based), landing there hop1
 * minutes after departure and off again `ground` minutes later; out_min
 * minutes from departure to block-in at the hub. A chain: then on to
 * stop `stop2` (0: none), landing hop2 minutes after leaving the first
 * and off again ground2 minutes later. least: the minutes of the
 * fastest way through stops that carries the load, open or not (a
 * departure that flies another, or waits for hours, may do better later). */
typedef struct route {
    int32_t stop, hop1, ground, out_min;
    int32_t stop2, hop2, ground2, least;
} route;

/* Does the route of a sortie ferried from hub `from`, on to hub `to`,
 * through stops `stop` and `stop2` (1-based, 0: none) need country k's
 * clearance? (the countries its routes cross, and those a landing at its
 * stops needs) */
DD__PLACE_STATIC bool needs_country(const dd_scenario *s, int32_t from, int32_t to, int32_t stop,
                                    int32_t stop2, int32_t k)
{
    return dd__hub_crosses(s, to, k) || dd__hub_crosses(s, from, k) ||
           (stop > 0 && s->stops[stop - 1].country == k) ||
           (stop2 > 0 && s->stops[stop2 - 1].country == k);
}

/* The overflight clearances a sortie ferried from hub `from` to a site and
 * on to hub `to` (through `stop`) needs (each country once): filed each
 * country's lead time before departure t, not before the epoch, and
 * within its daily cap on the departure's host day. */
DD__PLACE_STATIC bool over_ok(const dd__state *st, int32_t from, int32_t to, int32_t stop,
                              int32_t stop2, dd_time t, int32_t day, dd_time *next)
{
    const dd_clearance_terms *c = &st->s->agreement.clearance;
    bool ok = true;
    for (size_t k = 0; k < c->n_overflight; k++) {
        if (!needs_country(st->s, from, to, stop, stop2, (int32_t)k))
            continue;
        dd_time n = INT64_MIN;
        if (t < c->overflight[k].lead_time)
            n = c->overflight[k].lead_time;
        else if (c->overflight[k].daily_cap >= 0 &&
                 day_get(&st->over_day[k], day) >= c->overflight[k].daily_cap)
            n = dd__state_day_start(st, day + 1);
        if (n != INT64_MIN) {
            ok = false;
            if (n > *next) /* every country must allow it */
                *next = n;
        }
    }
    return ok;
}

/* Does a sortie's route book anything beyond its site: overflight
 * clearances, a hub's ramp, an en-route fuel stop's ramp and clearance? */
DD__PLACE_STATIC bool route_books(const dd_scenario *s)
{
    bool v = s->agreement.clearance.n_overflight > 0 || s->n_stops > 0;
    for (size_t h = 0; h < s->n_hubs && !v; h++)
        v = s->hubs[h].mog >= 0;
    return v;
}

DD__PLACE_STATIC bool blackout(const dd_scenario *s, int32_t day)
{
    const dd_clearance_terms *c = &s->agreement.clearance;
    for (size_t i = 0; i < c->n_blackout; i++)
        if (c->blackout[i] == day)
            return true;
    return false;
}

/* A sortie's en-route fuel stops, as its route says. */
DD__PLACE_STATIC void set_stop(dd_sortie *so, const route *rt)
{
    so->stop = rt->stop;
    so->stop2 = rt->stop > 0 ? rt->stop2 : 0;
    if (rt->stop > 0) {
        so->stop_arrival = so->departure + rt->hop1;
        so->stop_departure = so->stop_arrival + rt->ground;
    }
    if (so->stop2 > 0) {
        so->stop2_arrival = so->stop_departure + rt->hop2;
        so->stop2_departure = so->stop2_arrival + rt->ground2;
    }
}

/* A placed sortie's load figures: its load's, or a people-only sortie's
 * seats. */
DD__PLACE_STATIC void set_load(dd_sortie *so, const dd__request *rq, const dd_loadplan *lp,
                               const dd_aircraft *ac)
{
    if (rq->load >= 0) {
        const dd_load *l = &lp->loads[rq->load];
        so->weight_kg = l->weight_kg;
        so->floor_m = l->floor_m;
        so->seats = l->seats;
    } else {
        so->seats = ac->seats;
    }
}

/* A leg's onward sortie: the via site, the hub it flies to and the
 * minutes there (through en-route fuel stops when rt says so), the leg's
 * landing at the via site and the onward departure. */
typedef struct onward {
    int32_t via, hub, out_min;
    dd_time land, dep;
    route rt;
} onward;

/* ---- what crosses the files ---- */

/* place.c: mog_ok, book_ground, ivset_add and ivset_fits, for the other files
 * (the placement loop keeps calling its own static ones). */
bool dd__state_mog_ok(const dd__state *st, int32_t site, int32_t klass, dd_time a, dd_time d,
                      dd_time *full);
dd_status dd__state_book_ground(dd__state *st, int32_t site, int32_t day, dd_time a, dd_time d,
                                int32_t klass);
dd_status dd__ivset_add(const dd_scenario *s, dd__ivset *x, dd_time from, dd_time to,
                        int32_t weight);
bool dd__ivset_fits(const dd_scenario *s, const dd__ivset *x, dd_time a, dd_time d, int64_t add,
                    int64_t cap, dd_time *free_at);

/* place_hub.c */
int32_t dd__pick_hub(const dd__state *st, const dd__request *rq, const dd_loadplan *lp, dd_time t,
                     int32_t day, dd_time *next, route *rt);
dd_status dd__state_book_hub(dd__state *st, const dd_sortie *so, dd_time ground);
double dd__place_route_acl(const dd_scenario *s, int32_t a, int32_t site, int32_t h,
                           const route *rt);

/* place_legs.c */
int dd__plan_onward(dd__state *st, const dd__request *rq, const dd_loadplan *lp, dd_time t,
                    onward *o);
bool dd__legs_ok(const dd__state *st, const dd__request *rq, const onward *on, int32_t best,
                 dd_time t);
dd_status dd__commit_leg(dd__state *st, const dd__request *rq, const dd_loadplan *lp, int32_t best,
                         const onward *on, dd_time a, dd_time t, int32_t day);

#endif
