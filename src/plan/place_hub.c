/* SPDX-License-Identifier: MIT */
/*
 * The hubs a placed sortie flies to and the routes there (place_int.h's
 * sortie placement): a hub's ramp, the overflight clearances a route needs,
 * the en-route fuel stops (one, or a chain of two) a load too heavy for the
 * direct hop flies through, and the hub's people per day. dd__pick_hub is
 * place()'s choice of hub per departure when the hubs vary.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan/place_int.h"

#define STEP DD__PLACE_STEP

/* ---- hubs: their ramps and the overflight clearances of their routes ---- */

/* Does one more aircraft on the ground at hub h over [a, d) keep within
 * its MOG? */
static bool hub_ok(const dd__state *st, int32_t h, dd_time a, dd_time d)
{
    const dd_hub *x = &st->s->hubs[h];
    dd_time free_at;
    return x->mog < 0 || dd__ivset_fits(st->s, &st->hub_ramp[h], a, d, 1, x->mog, &free_at);
}

dd_status dd__state_book_hub(dd__state *st, const dd_sortie *so, dd_time ground)
{
    const dd_clearance_terms *c = &st->s->agreement.clearance;
    int32_t day = dd__state_day(st, so->departure);
    for (size_t k = 0; k < c->n_overflight; k++)
        if (needs_country(st->s, so->ferry_from, so->hub, so->stop, so->stop2, (int32_t)k) &&
            !day_add(&st->over_day[k], day, 1))
            return DD_ENOMEM;
    if (so->stop > 0 && st->s->stops[so->stop - 1].mog >= 0 &&
        dd__ivset_add(st->s, &st->stop_ramp[so->stop - 1], so->stop_arrival,
                      so->stop_departure > so->stop_arrival ? so->stop_departure
                                                            : so->stop_arrival + 1,
                      1) != DD_OK)
        return DD_ENOMEM;
    if (so->stop2 > 0 && st->s->stops[so->stop2 - 1].mog >= 0 &&
        dd__ivset_add(st->s, &st->stop_ramp[so->stop2 - 1], so->stop2_arrival,
                      so->stop2_departure > so->stop2_arrival ? so->stop2_departure
                                                              : so->stop2_arrival + 1,
                      1) != DD_OK)
        return DD_ENOMEM;
    int32_t h = so->hub;
    if (h < 0 || st->s->hubs[h].mog < 0)
        return DD_OK; /* a leg inside the country lands at no hub */
    return dd__ivset_add(st->s, &st->hub_ramp[h], so->arrival,
                         so->arrival + (ground > 0 ? ground : 1), 1);
}

int32_t dd__hub_pax_left(const dd__state *st, int32_t hub, int32_t day)
{
    int32_t cap = hub >= 0 ? st->terms->hub_people[hub] : -1;
    if (cap < 0)
        return INT32_MAX;
    int32_t left = cap - day_get(&st->hub_pax[hub], day);
    return left > 0 ? left : 0;
}

dd_status dd__hub_pax_add(dd__state *st, int32_t hub, int32_t day, int32_t n)
{
    if (hub < 0 || st->terms->hub_people[hub] < 0)
        return DD_OK;
    return day_add(&st->hub_pax[hub], day, n) ? DD_OK : DD_ENOMEM;
}

void dd__hub_pax_reset(dd__state *st)
{
    for (size_t h = 0; h < st->s->n_hubs; h++)
        if (st->hub_pax[h].v)
            memset(st->hub_pax[h].v, 0, st->hub_pax[h].n * sizeof *st->hub_pax[h].v);
}

/* The weight kept for a sensitive load's escort on an onward sortie (the
 * load was built with the seat kept for its own site's distance). */
static double escort_kg(const dd_scenario *s, const dd_loadplan *lp, const dd__request *rq)
{
    const dd_load *l = &lp->loads[rq->load];
    return l->site != rq->site && l->sensitive ? s->passenger_kg : 0;
}

static int32_t hop_minutes(const dd_scenario *s, int32_t a, double lat0, double lon0,
                           double lat1, double lon1)
{
    return dd__flight_minutes(dd_distance_m(lat0, lon0, lat1, lon1), s->aircraft[a].cruise_mps);
}

/* The cabin load type a carries from site to hub h through stop k: the
 * smaller of its two hops'. */
static double stop_acl(const dd_scenario *s, int32_t a, int32_t site, int32_t h, size_t k)
{
    const dd_site *x = &s->sites[site];
    const dd_stop *p = &s->stops[k];
    const dd_hub *y = &s->hubs[h];
    const dd_aircraft *ac = &s->aircraft[a];
    return floor(fmin(dd_aircraft_acl(ac, dd_distance_m(x->lat, x->lon, p->lat, p->lon)),
                      dd_aircraft_acl(ac, dd_distance_m(p->lat, p->lon, y->lat, y->lon))));
}

/* Type a's cabin load between two positions. */
static double hop_acl(const dd_aircraft *ac, double lat0, double lon0, double lat1, double lon1)
{
    return dd_aircraft_acl(ac, dd_distance_m(lat0, lon0, lat1, lon1));
}

/* The cabin load type a carries from site to hub h through stops k then
 * j: the smallest of its three hops'. */
static double chain_acl(const dd_scenario *s, int32_t a, int32_t site, int32_t h, size_t k,
                        size_t j)
{
    const dd_site *x = &s->sites[site];
    const dd_stop *p = &s->stops[k], *q = &s->stops[j];
    const dd_hub *y = &s->hubs[h];
    const dd_aircraft *ac = &s->aircraft[a];
    return floor(fmin(hop_acl(ac, x->lat, x->lon, p->lat, p->lon),
                      fmin(hop_acl(ac, p->lat, p->lon, q->lat, q->lon),
                           hop_acl(ac, q->lat, q->lon, y->lat, y->lon))));
}

/* The cabin load of a route through one stop or a chain of two. */
double dd__place_route_acl(const dd_scenario *s, int32_t a, int32_t site, int32_t h,
                           const route *rt)
{
    if (rt->stop2 > 0)
        return chain_acl(s, a, site, h, (size_t)rt->stop - 1, (size_t)rt->stop2 - 1);
    return stop_acl(s, a, site, h, (size_t)rt->stop - 1);
}

/* The weight rq's sortie takes to hub h: its load (and an escort kept on
 * an onward sortie), or, people only, as many seats as the best way
 * there carries. */
static double need_kg(const dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                      int32_t h)
{
    const dd_scenario *s = st->s;
    if (rq->load >= 0)
        return lp->loads[rq->load].weight_kg + escort_kg(s, lp, rq);
    int32_t k;
    double most = floor(dd_route_acl(s, rq->aircraft, rq->site, h, &k));
    double full = s->aircraft[rq->aircraft].seats * s->passenger_kg;
    return full < most ? full : most;
}

/* The first time from t on inside stop p's operating hours. */
static dd_time stop_open_at(const dd__state *st, const dd_stop *p, dd_time t)
{
    int32_t m = dd__state_local_minute(st, t, p->tz_offset);
    if (dd__in_hours(p->hours, m))
        return t;
    return t + (p->hours.open - m + 1440) % 1440;
}

/* An aircraft landing at stop k at `land` (departure t): inside its
 * hours, off again its ground time later (or, when the stop is closed
 * then, when it opens), with room on its ramp all that while, its
 * country's clearance had for a departure at t. True with *off set; else
 * *next (when earlier) the next departure worth trying. */
static bool stop_visit(const dd__state *st, size_t k, int32_t ground, dd_time t, dd_time land,
                       int32_t day, dd_time *off, dd_time *next)
{
    const dd_scenario *s = st->s;
    const dd_stop *p = &s->stops[k];
    dd_time n = INT64_MIN, free_at, open = stop_open_at(st, p, land);
    if (open != land) { /* closed when it would land: land when it opens */
        n = t + (open - land);
        n = (n + STEP - 1) / STEP * STEP;
    }
    *off = stop_open_at(st, p, land + ground);
    if (p->mog >= 0 &&
        !dd__ivset_fits(s, &st->stop_ramp[k], land, *off > land ? *off : land + 1, 1, p->mog,
                        &free_at) &&
        n < t + STEP)
        n = t + STEP;
    if (p->country >= 0 && !over_ok(st, -1, -1, (int32_t)k + 1, 0, t, day, &n) && n < t + STEP)
        n = t + STEP;
    if (n == INT64_MIN)
        return true;
    *next = n < *next ? n : *next;
    return false;
}

/* A chain of two stops, k then j, for a departure at t from rq->site to
 * hub h: each stop visited as stop_visit says (the second landing after
 * the first take-off); true with *r set, else *next as stop_visit says. */
static bool chain_visit(const dd__state *st, const dd__request *rq, int32_t h, size_t k,
                        size_t j, dd_time t, int32_t day, route *r, dd_time *next)
{
    const dd_scenario *s = st->s;
    const dd_site *x = &s->sites[rq->site];
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    const dd_stop *p = &s->stops[k], *q = &s->stops[j];
    *r = (route){(int32_t)k + 1, hop_minutes(s, rq->aircraft, x->lat, x->lon, p->lat, p->lon),
                 (int32_t)dd_stop_ground(p, ac), 0, (int32_t)j + 1,
                 hop_minutes(s, rq->aircraft, p->lat, p->lon, q->lat, q->lon),
                 (int32_t)dd_stop_ground(q, ac), 0};
    int32_t hop3 = hop_minutes(s, rq->aircraft, q->lat, q->lon, s->hubs[h].lat, s->hubs[h].lon);
    r->least = r->hop1 + r->ground + r->hop2 + r->ground2 + hop3;
    dd_time land = t + r->hop1, off, off2, n = INT64_MAX;
    if (!stop_visit(st, k, r->ground, t, land, day, &off, next))
        return false;
    dd_time land2 = off + r->hop2;
    if (!stop_visit(st, j, r->ground2, t, land2, day, &off2, &n)) {
        /* the second stop: closed or full then; try again a step later
         * (the first stop's hours move the second landing by more) */
        n = n > t + STEP ? t + STEP : n;
        *next = n < *next ? n : *next;
        return false;
    }
    r->ground = (int32_t)(off - land);
    r->ground2 = (int32_t)(off2 - land2);
    r->out_min = (int32_t)(off2 - t) + hop3;
    return true;
}

/* When no one stop's hops carry need kg from rq->site to hub h: the
 * chain of two stops that gets there first (as pick_stop); 0 when none
 * now. */
static int32_t pick_chain(const dd__state *st, const dd__request *rq, int32_t h, double need,
                          dd_time t, int32_t day, route *rt, dd_time *next)
{
    const dd_scenario *s = st->s;
    int32_t best = 0, best_min = INT32_MAX, least = INT32_MAX;
    for (size_t k = 0; k < s->n_stops; k++)
        for (size_t j = 0; j < s->n_stops; j++) {
            route r;
            if (j == k || chain_acl(s, rq->aircraft, rq->site, h, k, j) < need)
                continue;
            bool ok = chain_visit(st, rq, h, k, j, t, day, &r, next);
            least = r.least < least ? r.least : least;
            if (!ok || r.out_min >= best_min)
                continue;
            best = r.stop;
            best_min = r.out_min;
            *rt = r;
        }
    rt->least = least;
    return best;
}

/* The stop a departure at t from rq->site to hub h lands at, carrying
 * need kg: the first to get there of those whose hops carry it, open
 * when it lands and takes off, whose ramp has room and whose country
 * clears it; 0 when none now (*next: the next departure worth trying,
 * INT64_MAX when none ever carries it). */
static int32_t pick_stop(const dd__state *st, const dd__request *rq, int32_t h, double need,
                         dd_time t, int32_t day, route *rt, dd_time *next)
{
    const dd_scenario *s = st->s;
    const dd_site *x = &s->sites[rq->site];
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    int32_t best = 0, best_min = INT32_MAX, least = INT32_MAX;
    bool carries = false;
    for (size_t k = 0; k < s->n_stops; k++) {
        const dd_stop *p = &s->stops[k];
        if (stop_acl(s, rq->aircraft, rq->site, h, k) < need)
            continue;
        carries = true;
        route r = {(int32_t)k + 1, hop_minutes(s, rq->aircraft, x->lat, x->lon, p->lat, p->lon),
                   (int32_t)dd_stop_ground(p, ac), 0, 0, 0, 0, 0};
        dd_time land = t + r.hop1, off;
        int32_t hop2 = hop_minutes(s, rq->aircraft, p->lat, p->lon, s->hubs[h].lat,
                                   s->hubs[h].lon);
        if (r.hop1 + r.ground + hop2 < least)
            least = r.hop1 + r.ground + hop2;
        if (r.hop1 + r.ground + hop2 >= best_min)
            continue; /* the hours only make it later */
        if (!stop_visit(st, k, r.ground, t, land, day, &off, next))
            continue;
        r.ground = (int32_t)(off - land);
        r.out_min = r.hop1 + r.ground + hop2;
        if (r.out_min >= best_min)
            continue;
        best = r.stop;
        best_min = r.out_min;
        *rt = r;
    }
    if (!carries) /* none alone: a chain of two */
        return pick_chain(st, rq, h, need, t, day, rt, next);
    rt->least = least;
    return best;
}

/* The hub a departure at t flies to: the nearest one with room on its
 * ramp, whose cabin load at that distance still takes the load (or,
 * with rt, through an en-route fuel stop: *rt says how), and whose
 * route's overflight clearances could be had (for a ferry from `from`,
 * -1: not yet known); -1 when none. */
int32_t dd__pick_hub(const dd__state *st, const dd__request *rq, const dd_loadplan *lp, dd_time t,
                     int32_t day, dd_time *next, route *rt)
{
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    size_t nh = s->n_hubs;
    const int32_t *order = st->hub_order + (size_t)rq->site * nh;
    bool stops = rt && s->n_stops > 0;
    *next = INT64_MAX; /* the earliest departure worth trying next */
    for (size_t i = 0; i < nh; i++) {
        int32_t h = order[i];
        /* a hub that takes no aircraft; one that takes no people, for
         * people only or a load that needs an escort aboard */
        if (s->hubs[h].mog == 0 ||
            (st->terms->hub_people[h] == 0 &&
             (rq->load < 0 || lp->loads[rq->load].sensitive)))
            continue;
        if (rt)
            *rt = (route){0, 0, 0, ferry_minutes(st, rq->aircraft, rq->site, h), 0, 0, 0, 0};
        /* the load was built for its site's nearest hub (direct, when
         * there are no stops); an onward sortie (from the via site)
         * checks every hub */
        if ((rq->load >= 0 && (i > 0 || stops || lp->loads[rq->load].site != rq->site)) ||
            (rq->load < 0 && stops)) {
            double need = need_kg(st, rq, lp, h);
            if (hub_acl(st, rq->aircraft, rq->site, h) < need) {
                dd_time n = INT64_MAX;
                if (!stops || !pick_stop(st, rq, h, need, t, day, rt, &n)) {
                    *next = n < *next ? n : *next;
                    continue;
                }
            }
        }
        int32_t out_min = rt ? rt->out_min : ferry_minutes(st, rq->aircraft, rq->site, h);
        dd_time arr = t + out_min;
        dd_time n = INT64_MIN;
        bool ok = over_ok(st, -1, h, rt ? rt->stop : 0, rt ? rt->stop2 : 0, t, day, &n);
        if (rq->load < 0 && dd__hub_pax_left(st, h, dd__state_day(st, arr)) <= 0) {
            /* people only, and the hub has taken its people that day:
             * land the next day */
            ok = false;
            dd_time nd = dd__state_day_start(st, dd__state_day(st, arr) + 1) - (arr - t);
            if (nd > n)
                n = nd;
        }
        if (!hub_ok(st, h, arr, arr + ac->ground_time)) {
            ok = false;
            if (n < t + STEP)
                n = t + STEP;
        }
        if (st->hub_closed_to && st->hub_closed_to[h] != DD_TIME_NONE &&
            arr >= st->hub_closed_from[h] && arr < st->hub_closed_to[h]) {
            /* closed when it would land: after it opens, or elsewhere */
            ok = false;
            if (n < st->hub_closed_to[h] - (arr - t))
                n = st->hub_closed_to[h] - (arr - t);
        }
        if (ok)
            return h;
        if (n < *next)
            *next = n;
    }
    return -1;
}

