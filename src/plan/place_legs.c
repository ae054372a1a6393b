/* SPDX-License-Identifier: MIT */
/*
 * Legs inside the country (issue 18; place_int.h's sortie placement): a
 * site with a via site sends its loads on a leg to it and an onward sortie
 * out from there, on the same tail. Here: the onward sortie found for a
 * leg, the limits the two share, both booked; and an onward sortie placed
 * alone for a leg already flown (an incremental re-plan's).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan/place_int.h"

#define STEP DD__PLACE_STEP

/* ---- legs inside the country (issue 18) ---- */

#define WAIT_MAX (6 * 60) /* the longest an onward sortie waits past the transfer */

static int32_t site_minutes(const dd_scenario *s, int32_t a, int32_t from, int32_t to)
{
    const dd_site *x = &s->sites[from], *y = &s->sites[to];
    return dd__flight_minutes(dd_distance_m(x->lat, x->lon, y->lat, y->lon),
                              s->aircraft[a].cruise_mps);
}

/* May the onward sortie leave the via site rv->site at d, landing at
 * o->land: its day's caps (the leg counted in the country's), blackout,
 * the permitted hours and the airfield's, its ramp from the landing, a
 * hub that takes it. 1 yes (o->hub and the rest set), 0 no, -1 never. */
static int onward_at(dd__state *st, const dd__request *rv, const dd_loadplan *lp,
                     const capset *site_caps, const capset *country_caps, dd_time d, onward *o)
{
    const dd_scenario *s = st->s;
    const dd_site *x = &s->sites[rv->site];
    int32_t day = dd__state_day(st, d);
    if (caps_shut(country_caps, day) || caps_shut(site_caps, day))
        return -1;
    if (blackout(s, day) || !cap_room(st, country_caps, &st->country, day) ||
        !cap_room(st, site_caps, &st->site_day[rv->site], day))
        return 0;
    int32_t lm = dd__state_local_minute(st, d, x->tz_offset);
    if (!dd__in_hours(s->agreement.clearance.hours, lm) || !dd__in_hours(x->hours, lm))
        return 0;
    dd_time full, next;
    if (!dd__state_mog_ok(st, rv->site, s->aircraft[rv->aircraft].klass, o->land, d, &full))
        return 0;
    int32_t h = dd__pick_hub(st, rv, lp, d, day, &next, &o->rt);
    if (h < 0)
        return next == INT64_MAX ? -1 : 0;
    o->hub = h;
    o->dep = d;
    o->out_min = o->rt.out_min;
    return 1;
}

/* The onward sortie of a leg leaving rq->site at t: the first departure
 * from the via site after the landing, the via_transfer and the ground
 * time that the via site and a hub allow, at most WAIT_MAX later. 1 found,
 * 0 none (a later leg may do), -1 never, -2 out of memory. */
int dd__plan_onward(dd__state *st, const dd__request *rq, const dd_loadplan *lp, dd_time t,
                    onward *o)
{
    const dd_scenario *s = st->s;
    const dd__terms *tm = st->terms;
    const dd_site *r = &s->sites[rq->site];
    const dd_clearance_terms *ct = &s->agreement.clearance;
    int32_t v = r->via;
    const dd_site *x = &s->sites[v];
    /* a class the via site lists with a count, or its explicit total */
    int32_t cap = mog_class(x, s->aircraft[rq->aircraft].klass);
    if (cap < 0)
        cap = x->mog_total;
    if (tm->site_cap[v] == 0 || cap <= 0)
        return -1; /* the via site takes no clearance, or no aircraft of this class */
    o->via = v;
    o->land = t + site_minutes(s, rq->aircraft, rq->site, v);
    if (!dd__in_hours(x->hours, dd__state_local_minute(st, o->land, x->tz_offset)))
        return 0;
    dd_time g = s->aircraft[rq->aircraft].ground_time;
    dd_time first = o->land + (r->via_transfer > g ? r->via_transfer : g);
    if (st->onward.from > first) {
        if (st->onward.from - first > WAIT_MAX)
            return 0; /* a later leg waits less at the via site */
        first = st->onward.from;
    }
    first = (first + STEP - 1) / STEP * STEP;
    capset site_caps = capset_of(x->caps, x->n_caps, x->caps_base, tm->site_cap[v]);
    capset country_caps = capset_of(ct->caps, ct->n_caps, ct->caps_base, tm->country_cap);
    dd__request rv = *rq;
    rv.site = v;
    int32_t day = dd__state_day(st, t);
    if (!day_add(&st->country, day, 1)) /* the leg's own clearance */
        return -2;
    int ok = 0;
    for (dd_time d = first; d <= first + WAIT_MAX && ok == 0; d += STEP)
        if (st->onward.keep_to == 0 || d <= st->onward.keep_to || d >= st->onward.anew)
            ok = onward_at(st, &rv, lp, &site_caps, &country_caps, d, o);
    (void)day_add(&st->country, day, -1); /* giving back never allocates */
    return ok;
}

/* A leg whose ferry comes from hub `from` and its onward sortie to hub
 * `to` (through the stops of rt), leaving on host days d_leg and d_on:
 * each was checked against the overflight caps alone; on one day a
 * country both routes cross counts twice. */
static bool legs_over_ok(const dd__state *st, int32_t from, int32_t to, const route *rt,
                         int32_t d_leg, int32_t d_on)
{
    const dd_clearance_terms *c = &st->s->agreement.clearance;
    if (d_leg != d_on)
        return true;
    for (size_t k = 0; k < c->n_overflight; k++) {
        int32_t n = dd__hub_crosses(st->s, from, (int32_t)k) +
                    needs_country(st->s, -1, to, rt->stop, rt->stop2, (int32_t)k);
        if (n == 2 && c->overflight[k].daily_cap >= 0 &&
            day_get(&st->over_day[k], d_leg) + 2 > c->overflight[k].daily_cap)
            return false;
    }
    return true;
}

/* Does tail k of type a keep within its utilisation with a leg of m_leg
 * flying minutes (its ferry and the leg) leaving on host day d_leg and
 * its onward sortie of m_on leaving on d_on (d_on >= d_leg), in every
 * window that holds either day? */
static bool legs_fly_ok(const dd__state *st, int32_t a, int32_t k, int32_t d_leg, int64_t m_leg,
                        int32_t d_on, int64_t m_on)
{
    const dd_aircraft *ac = &st->s->aircraft[a];
    if (ac->utilisation <= 0)
        return true;
    int32_t w = ac->utilisation_days;
    int64_t cap = (int64_t)w * ac->utilisation;
    for (int32_t e = d_leg; e < d_on + w; e++) {
        int32_t lo = e - w + 1;
        int64_t sum =
            (lo <= d_leg && d_leg <= e ? m_leg : 0) + (lo <= d_on && d_on <= e ? m_on : 0);
        for (int32_t i = lo; i <= e; i++)
            sum += day_get(&st->fly[a][k], i);
        if (sum > cap)
            return false;
    }
    return true;
}

/* The limits a leg and its onward sortie share, for tail `best` leaving
 * the remote site at t: the overflight caps
 * and the tail's utilisation when both count on the same days. */
bool dd__legs_ok(const dd__state *st, const dd__request *rq, const onward *on, int32_t best,
                 dd_time t)
{
    int32_t from = st->tails[rq->aircraft][best].hub;
    int32_t d_leg = dd__state_day(st, t), d_on = dd__state_day(st, on->dep);
    int64_t m_leg = (on->land - t) + ferry_minutes(st, rq->aircraft, rq->site, from);
    return legs_over_ok(st, from, on->hub, &on->rt, d_leg, d_on) &&
           legs_fly_ok(st, rq->aircraft, best, d_leg, m_leg, d_on, on->out_min);
}

/* Book a leg and its onward sortie's crews (one duty from the leg's ferry
 * to the onward landing, then rest; two when the aircraft stands at the
 * via site a crew's rest and its ground time: the crew rests there) and
 * the tail's flying (each on the host day it leaves). */
static dd_status book_leg_crew(dd__state *st, const dd_sortie *leg, const dd_sortie *on,
                               bool crews)
{
    const dd_aircraft *ac = &st->s->aircraft[leg->aircraft];
    int32_t a = leg->aircraft;
    if (ac->utilisation > 0 &&
        (!day_add(&st->fly[a][leg->tail], dd__state_day(st, leg->departure),
                  (int32_t)((leg->arrival - leg->departure) +
                            (leg->arrival_at_site - leg->ferry_departure))) ||
         !day_add(&st->fly[a][leg->tail], dd__state_day(st, on->departure),
                  (int32_t)(on->arrival - on->departure))))
        return DD_ENOMEM;
    if (ac->crews < 0 || !crews)
        return DD_OK;
    /* one duty, or two when the crew rests at the via site (an onward
     * sortie a re-plan moves a day on) */
    dd_time from = leg->ferry_departure, split = on->departure - ac->ground_time;
    if (split - leg->arrival >= ac->crew_rest) {
        int32_t need = dd_aircraft_crews_for(ac, leg->arrival - from);
        dd_time to = leg->arrival + ac->crew_rest;
        if (dd__ivset_add(st->s, &st->crew[a], from, to > from ? to : from + 1,
                          need < 1 ? 2 : need) != DD_OK)
            return DD_ENOMEM;
        from = split;
    }
    int32_t need = dd_aircraft_crews_for(ac, on->arrival - from);
    if (need < 1)
        need = 2;
    dd_time to = on->arrival + ac->crew_rest;
    return dd__ivset_add(st->s, &st->crew[a], from, to > from ? to : from + 1, need);
}

/* The leg (tail `best`, on the ground at its site from a, leaving at t)
 * and its onward sortie `on`, placed: both ramps, both days' caps, the
 * tail, its crews, the routes' overflights and the hub's ramp booked. */
dd_status dd__commit_leg(dd__state *st, const dd__request *rq, const dd_loadplan *lp, int32_t best,
                         const onward *on, dd_time a, dd_time t, int32_t day)
{
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    const dd__tail *tl = &st->tails[rq->aircraft][best];
    dd_sortie *sv = dd__grow(st->sorties, &st->cap_sorties, st->n_sorties + 1, 64, sizeof *sv);
    if (!sv)
        return DD_ENOMEM;
    st->sorties = sv;
    if (dd__state_book_ground(st, rq->site, day, a, t, ac->klass) != DD_OK ||
        dd__state_book_ground(st, on->via, dd__state_day(st, on->dep), on->land, on->dep,
                              ac->klass) != DD_OK)
        return DD_ENOMEM;
    int32_t i = (int32_t)st->n_sorties;
    dd_sortie *leg = &sv[i], *out = &sv[i + 1];
    memset(leg, 0, 2 * sizeof *leg);
    st->n_sorties += 2;
    *leg = (dd_sortie){.aircraft = rq->aircraft, .tail = best, .site = rq->site, .hub = -1,
                       .ferry_from = tl->hub,
                       .ferry_departure = a - ferry_minutes(st, rq->aircraft, rq->site, tl->hub),
                       .arrival_at_site = a, .departure = t, .arrival = on->land,
                       .clearance = -1, .load = rq->load, .kind = DD_SORTIE_LEG,
                       .to_site = on->via, .link = i + 1};
    const dd_site *r = &s->sites[rq->site], *v = &s->sites[on->via];
    leg->acl_kg = floor(dd_aircraft_acl(ac, dd_distance_m(r->lat, r->lon, v->lat, v->lon)));
    set_load(leg, rq, lp, ac);
    *out = (dd_sortie){.aircraft = rq->aircraft, .tail = best, .site = on->via, .hub = on->hub,
                       .ferry_from = -1, .ferry_departure = on->land,
                       .arrival_at_site = on->land, .departure = on->dep,
                       .arrival = on->dep + on->out_min, .clearance = -1, .load = -1,
                       .kind = DD_SORTIE_ONWARD, .to_site = -1, .link = i};
    out->acl_kg = floor(dd_aircraft_acl(ac, dd__hub_distance(s, on->via, on->hub)));
    set_stop(out, &on->rt); /* through en-route fuel stops */
    if (on->rt.stop > 0)
        out->acl_kg = dd__place_route_acl(s, rq->aircraft, on->via, on->hub, &on->rt);
    dd__state_set_tail(st, rq->aircraft, best, on->hub, out->arrival + ac->ground_time);
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_leg_crew(st, leg, out, true) != DD_OK)
        return DD_ENOMEM;
    if (dd__state_book_hub(st, leg, ac->ground_time) != DD_OK ||
        dd__state_book_hub(st, out, ac->ground_time) != DD_OK)
        return DD_ENOMEM;
    return DD_OK;
}

bool dd__hubs_vary(const dd__state *st, const dd__request *rq)
{
    const dd_scenario *s = st->s;
    bool v = s->agreement.clearance.n_overflight > 0 || s->n_stops > 0 || st->hub_closed_to;
    for (size_t h = 0; h < s->n_hubs && !v; h++)
        v = s->hubs[h].mog >= 0 || st->terms->hub_people[h] == 0 ||
            (rq->load < 0 && st->terms->hub_people[h] >= 0);
    return v;
}

dd_status dd__state_book_flown_leg(dd__state *st, const dd_sortie *leg, const dd_sortie *on,
                                   bool crews)
{
    const dd_aircraft *ac = &st->s->aircraft[leg->aircraft];
    if ((ac->crews >= 0 || ac->utilisation > 0) && leg->tail >= 0 &&
        leg->tail < st->n_tails[leg->aircraft] && book_leg_crew(st, leg, on, crews) != DD_OK)
        return DD_ENOMEM;
    if (route_books(st->s) && dd__state_book_hub(st, on, ac->ground_time) != DD_OK)
        return DD_ENOMEM;
    return DD_OK;
}

/* Can the crew of `leg` fly its onward sortie leaving at d and landing
 * at `arr`: one duty from the leg's ferry within the duty day, or a rest
 * at the via site between them (book_leg_crew)? */
static bool onward_duty_ok(const dd__state *st, const dd_sortie *leg, dd_time d, dd_time arr)
{
    const dd_aircraft *ac = &st->s->aircraft[leg->aircraft];
    return ac->crews < 0 || d - ac->ground_time - leg->arrival >= ac->crew_rest ||
           dd_aircraft_crews_for(ac, arr - leg->ferry_departure) >= 1;
}

/* The first departure of a stranded onward sortie (below) from t on that
 * its crew can fly: 1 found (o set), -1 never. */
static int onward_first(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                        const dd_sortie *leg, dd_time t, onward *o)
{
    const dd_scenario *s = st->s;
    const dd__terms *tm = st->terms;
    const dd_site *x = &s->sites[rq->site];
    const dd_clearance_terms *ct = &s->agreement.clearance;
    capset site_caps = capset_of(x->caps, x->n_caps, x->caps_base, tm->site_cap[rq->site]);
    capset country_caps = capset_of(ct->caps, ct->n_caps, ct->caps_base, tm->country_cap);
    for (int iter = 0; iter < 200000 && t <= rq->latest; iter++, t += STEP) {
        int ok = onward_at(st, rq, lp, &site_caps, &country_caps, t, o);
        if (ok < 0 || (ok > 0 && onward_duty_ok(st, leg, t, t + o->out_min)))
            return ok;
    }
    return -1;
}

dd_status dd__place_onward(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                           const dd_sortie *leg)
{
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    const dd_site *r = &s->sites[leg->site];
    if (st->terms->site_cap[rq->site] == 0 || st->terms->country_cap == 0 || leg->tail < 0 ||
        leg->tail >= st->n_tails[rq->aircraft])
        return DD_EINFEASIBLE;
    dd_time g = ac->ground_time;
    onward o = {.via = rq->site, .land = leg->arrival};
    dd_time t = o.land + (r->via_transfer > g ? r->via_transfer : g);
    if (rq->ready != DD_TIME_NONE && rq->ready > t)
        t = rq->ready;
    t = (t + STEP - 1) / STEP * STEP;
    if (onward_first(st, rq, lp, leg, t, &o) < 0)
        return DD_EINFEASIBLE;
    dd_sortie *sv = dd__grow(st->sorties, &st->cap_sorties, st->n_sorties, 64, sizeof *sv);
    if (!sv)
        return DD_ENOMEM;
    st->sorties = sv;
    if (dd__state_book_ground(st, rq->site, dd_scenario_day(s, o.dep), o.land, o.dep, ac->klass) !=
        DD_OK)
        return DD_ENOMEM;
    dd_sortie *out = &sv[st->n_sorties++];
    *out = (dd_sortie){.aircraft = rq->aircraft, .tail = leg->tail, .site = rq->site,
                       .hub = o.hub, .ferry_from = -1, .ferry_departure = o.land,
                       .arrival_at_site = o.land, .departure = o.dep,
                       .arrival = o.dep + o.out_min, .clearance = -1, .load = -1,
                       .kind = DD_SORTIE_ONWARD, .to_site = -1, .link = -1};
    out->acl_kg = floor(dd_aircraft_acl(ac, dd__hub_distance(s, rq->site, o.hub)));
    set_stop(out, &o.rt); /* through en-route fuel stops */
    if (o.rt.stop > 0)
        out->acl_kg = dd__place_route_acl(s, rq->aircraft, rq->site, o.hub, &o.rt);
    dd__state_set_tail(st, rq->aircraft, leg->tail, o.hub, out->arrival + g);
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_leg_crew(st, leg, out, true) != DD_OK)
        return DD_ENOMEM;
    return dd__state_book_hub(st, out, g);
}

