/* SPDX-License-Identifier: MIT */
/* Private to src/plan: the terms a planning run uses (the scenario's, or
 * relaxed ones), the placement state, and the stages. */
#ifndef DD_PLAN_INT_H
#define DD_PLAN_INT_H

#include "base/arena.h"
#include "base/rng.h"
#include <drawdown/plan.h>

/* Terms that relaxations may change; everything else is read from the
 * scenario. */
typedef struct dd__terms {
    dd_arena mem;          /* the arrays below */
    int32_t country_cap;   /* -1 none */
    int32_t *site_cap;     /* per site, -1 none */
    int32_t *exit_per_day; /* per site, -1 none */
    int32_t *extra_tails;  /* per aircraft type */
    int32_t *extra_mog;    /* per site: spots added to its total and each
                            * class it takes (a relaxation) */
    int32_t *hub_people;   /* per hub: people a day it takes, -1 none */
    dd_time lead_time;
} dd__terms;

/* A growable per-day counter (days may run past the deadline). */
typedef struct dd__daycount {
    int32_t *v;
    size_t n;
} dd__daycount;

typedef struct dd__ground {
    dd_time from, to;
    int32_t klass;
} dd__ground;

typedef struct dd__tail {
    int32_t hub;
    dd_time free_at;
} dd__tail;

/* Weighted intervals (klass holds the weight), indexed by the host days
 * each overlaps: the busy times of a pool (a type's crews, a hub's ramp). */
typedef struct dd__ivset {
    dd__ground *v;
    size_t n, cap;
    struct dd__bucket {
        int32_t *idx;
        size_t n, cap;
    } *day;
    size_t n_day;
} dd__ivset;

/* One request to place: a cargo load, or a people-only sortie. */
typedef struct dd__request {
    int32_t site;
    int32_t aircraft;
    int32_t load;   /* index into the loadplan, or -1 */
    dd_time ready;
    double key;     /* placement order */
    dd_time latest; /* no departure after this (INT64_MAX: none) */
} dd__request;

typedef struct dd__state {
    const dd_scenario *s;
    const dd__terms *terms;
    int32_t *hub_of_site;  /* nearest destination */
    int32_t *ferry_min;    /* per type, site, hub: flight minutes (n_sites × n_hubs each) */
    double *hub_acl;       /* per type, site, hub: floor(dd_aircraft_acl) direct */
    int16_t **hours_wait;  /* per type, site: place.c's hours_wait, NULL until used */
    dd_time **tail_since;  /* per type: place_state.c's tails_since, NULL: tail_ok decides */
    dd__tail **tails;      /* per type: array of tails; written through
                            * dd__state_set_tail, or followed by
                            * dd__state_tails_moved */
    struct dd__tailix *tix; /* per type: its tails in pick_tail's order (tailix.c) */
    int32_t *n_tails;      /* per type: tails in the array */
    dd__ground **ground;   /* per site */
    size_t *n_ground, *cap_ground;
    /* per site, per host day: the ground intervals overlapping that day */
    struct dd__bucket **bucket;
    size_t *n_bucket;
    dd__daycount country;
    dd__daycount *site_day; /* per site */
    int64_t day0_unix;      /* host day 0 in days since 1970-01-01 (for weekdays) */
    /* the epoch's host-country minute of day and its UTC minute of day
     * (0..1439): host days and local minutes without re-deriving them
     * from epoch_unix at every candidate time (dd__state_day) */
    int32_t epoch_host_min, epoch_utc_min;
    /* crews and utilisation (types that limit them): per type, the crews'
     * busy intervals (duty and rest, weighted by the crews taken), and per
     * type and tail the flying minutes per host day */
    dd__ivset *crew;
    dd__daycount **fly; /* per type: per tail */
    /* hubs (issue 18): per site the hubs by distance (n_hubs each); per
     * hub its ramp (ground intervals after block-in); per overflight
     * country the sorties per host day */
    int32_t *hub_order;
    dd__ivset *hub_ramp;
    dd__daycount *over_day;
    /* per hub: passengers landing per host day of block-in (booked by
     * the people's seating, people.c; destinations[].people_per_day) */
    dd__daycount *hub_pax;
    /* per en-route fuel stop: its ramp (landing to take-off) */
    dd__ivset *stop_ramp;
    /* a re-plan's closed destinations (dd_exec_state), NULL: none */
    const dd_time *hub_closed_from, *hub_closed_to;
    /* the sorties placed */
    dd_sortie *sorties;
    size_t n_sorties, cap_sorties;
    /* An incremental re-plan's tails' timelines (replan_inc.c), else
     * NULL: tail k of type a as the placement sees it for a ground time
     * from `arr` and a departure at `dep` to `hub` (out_min there),
     * written over *view (st->tails[a][k] on entry): free from where its
     * gap starts, or, when the tail is not back in time for the sortie
     * after that gap, from where its next gap starts (so not by arr).
     * keep[0]: the view stays the same for a later arr (dep = arr + the
     * ground time, the same hub and out_min) up to before keep[0]; from
     * there on it is free no sooner than keep[1]. */
    void (*tail_view)(void *ctx, int32_t a, int32_t k, dd_time arr, dd_time dep, int32_t hub,
                      int32_t out_min, dd__tail *view, dd_time keep[2]);
    void *tail_view_ctx;
    /* 0, or 1 + the only tail a placement may take (a full re-plan's
     * sortie tried on its own tail first: replan.c) */
    int32_t pin;
    /* NULL, or per site and type (site * n_aircraft + type): departures
     * whose ground time the ramp (MOG) is known not to take, as sorted
     * disjoint [lo, hi) ranges (dd__state_mog_memo). Bookings only fill
     * the ramp, so a range stays true until a ground time is taken out
     * (dd__state_unhold) or the state cleared. */
    struct dd__span {
        dd_time lo, hi;
    } **mog_span;
    size_t *n_mog_span, *cap_mog_span;
    /* the same for every check of a placement with tail_view and one hub
     * (so the same for every request of a site and type): departures a
     * search found none in, until anything is taken out of the state
     * (dd__state_forget_none) */
    struct dd__span **none_span;
    size_t *n_none_span, *cap_none_span;
    bool none_stale; /* to forget before they are read next */
    /* with tail_view and one hub a request, per site and type (2 ×
     * view_lb_n apart), per tail: [from, to), ground times starting in
     * which its view cannot reach the site (from the view's keep), kept
     * as none_span is; NULL: not kept */
    dd_time *view_lb;
    size_t view_lb_n;
    /* a re-plan's bounds on the onward sortie of the next leg placed
     * (legs inside the country): it leaves from `from`, up to `keep_to`
     * (the end of the window its request holds) or from `anew` on (a new
     * request's lead time from now); keep_to 0: no gap; all 0: none */
    struct {
        dd_time from, keep_to, anew;
    } onward;
} dd__state;

/* Remember which departures the ramp turned away (st->mog_span), so that
 * later placements on a packed ramp skip them at once: a re-plan places a
 * sortie again weeks into a plan whose ramps are full (replan_inc.c); and
 * keep st->view_lb for the tails' views. The placements found are the
 * same (`on` false: neither kept, as a planner's state). DD_ENOMEM. */
dd_status dd__state_mog_memo(dd__state *st, bool on);

/* Forget st->none_span and st->view_lb: the state changed other than
 * by bookings. */
void dd__state_forget_none(dd__state *st);

/* t - floor(t / 1440) * 1440 and floor(t / 1440), for t of either sign */
static inline int32_t dd__mod_day(int64_t t)
{
    int64_t r = t % 1440;
    return (int32_t)(r < 0 ? r + 1440 : r);
}

static inline int32_t dd__div_day(int64_t t)
{
    int64_t q = t / 1440;
    return (int32_t)(t % 1440 < 0 ? q - 1 : q);
}

/* dd_scenario_day, dd_scenario_day_start and dd__local_minute of the
 * state's scenario, from the offsets dd__state_init derived once. */
static inline int32_t dd__state_day(const dd__state *st, dd_time t)
{
    return dd__div_day(t + st->epoch_host_min);
}

static inline dd_time dd__state_day_start(const dd__state *st, int32_t day)
{
    return (dd_time)day * 1440 - st->epoch_host_min;
}

static inline int32_t dd__state_local_minute(const dd__state *st, dd_time t, int32_t tz)
{
    return dd__mod_day(st->epoch_utc_min + t + tz);
}

int32_t dd__flight_minutes(double dist_m, double cruise_mps);
/* Minutes a day both the airfield's and the clearances' hours allow
 * departures (1,440 when both are open all day). */
double dd__open_minutes(const dd_scenario *s, int32_t site);
double dd__hub_distance(const dd_scenario *s, int32_t site, int32_t hub);
/* Is local minute of day `minute` (0..1439) within the hours h? */
static inline bool dd__in_hours(dd_hours h, int32_t minute)
{
    if (h.open == 0 && h.close >= 1440)
        return true;
    if (h.open < h.close)
        return minute >= h.open && minute < h.close;
    return minute >= h.open || minute < h.close; /* spans midnight */
}

dd_status dd__terms_init(dd__terms *t, const dd_scenario *s);
void dd__terms_fini(dd__terms *t);

dd_status dd__state_init(dd__state *st, const dd_scenario *s, const dd__terms *terms);
/* Back to the state after init (no sortie placed), keeping the memory. */
void dd__state_clear(dd__state *st);
void dd__state_fini(dd__state *st);
/* Place one request at its earliest feasible departure; the sortie is
 * appended to st->sorties. DD_EINFEASIBLE when no tail can ever fly it,
 * or not by rq->latest (nothing is changed then). */
dd_status dd__place(dd__state *st, const dd__request *rq, const dd_loadplan *lp);
/* The departure dd__place would give rq, into *t_out, changing nothing. */
dd_status dd__place_probe(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                          dd_time *t_out);
/* The sortie dd__place would make of rq (its tail, hub, times; no load
 * figures), into *out, changing nothing. */
dd_status dd__place_probe_sortie(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                                 dd_sortie *out);
/* dd__place, showing the sortie it would make (as dd__place_probe_sortie)
 * to check first: INT64_MIN books it (*next_out INT64_MIN); any other
 * time changes nothing and goes to *next_out (the caller's next ready
 * time, say). One search where a probe then a placement take two. */
typedef dd_time (*dd__place_check)(void *ctx, const dd_sortie *so);
dd_status dd__place_checked(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                            dd__place_check check, void *ctx, dd_time *next_out);

/* Hub throughput (destinations[].people_per_day): passengers hub `hub`
 * may still take on host day `day` (INT32_MAX: no limit); book n more
 * (n < 0 gives them back; DD_ENOMEM); forget them all. People-only
 * requests (load -1) go only to a hub that takes people that day. */
int32_t dd__hub_pax_left(const dd__state *st, int32_t hub, int32_t day);
dd_status dd__hub_pax_add(dd__state *st, int32_t hub, int32_t day, int32_t n);
void dd__hub_pax_reset(dd__state *st);

/* People: assign every group to sorties and commercial seats, adding
 * people-only sorties where needed. Fills p->movements and pax. */
dd_status dd__assign_people(dd_plan *p, dd__state *st, const dd__terms *terms);

/* Book a sortie that has already flown against its type's crews (when
 * `crews`: not when the state of each crew is known, below) and its
 * tail's utilisation (a re-plan's departed sorties), and its route (its
 * hub's and its en-route fuel stop's ramps, its overflight and stop
 * clearances), as dd__place books the sorties it places. DD_ENOMEM. */
dd_status dd__state_book_flown(dd__state *st, const dd_sortie *so, bool crews);

/* One crew of type a busy (on duty, resting, fallen out) over [from, to):
 * a re-plan's crews as they are (dd_exec_state.crew_free). DD_ENOMEM. */
dd_status dd__state_book_crew_busy(dd__state *st, int32_t a, dd_time from, dd_time to);

/* A leg inside the country and its onward sortie that have both flown
 * (a re-plan's): their crews as one duty, the tail's flying, the onward
 * sortie's route, as dd__place books them. DD_ENOMEM. */
dd_status dd__state_book_flown_leg(dd__state *st, const dd_sortie *leg, const dd_sortie *on,
                                   bool crews);

/* The onward sortie of a leg that has flown (`leg`, as flown: its tail,
 * its landing at the via site) and whose onward sortie has not: placed
 * alone from the via site rq->site on the leg's tail, at the first
 * departure from the landing plus the remote site's via_transfer (and
 * the ground time), rq->ready, up to rq->latest, that the via site's
 * caps, hours and ramp and a destination allow; rq->load is what the leg
 * carries. The leg's crew flies on (one duty, booked here with the leg's
 * flying); the tail is free after it. Appended to st->sorties
 * (DD_SORTIE_ONWARD, link -1). DD_EINFEASIBLE: none; DD_ENOMEM. */
dd_status dd__place_onward(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                           const dd_sortie *leg);

/* Count a sortie that has already left on day `day` of `site` against
 * the daily caps. */
dd_status dd__state_count_day(dd__state *st, int32_t site, int32_t day);

/* Book a placed sortie that is kept as it is (an incremental re-plan's):
 * the day's caps, its ground time on the ramp, its crews and tail's
 * flying, its hub's ramp and overflights, as dd__place would, without
 * looking for room and without moving the tails' frontier (st->tails) or
 * appending to st->sorties. DD_ENOMEM. */
dd_status dd__state_hold(dd__state *st, const dd_sortie *so);
/* A booking of dd__state_hold (or of dd__place) taken back out: the
 * day's caps, the ground time on the ramp, the crews and the tail's
 * flying, the hub's and stop's ramps and the overflights, so that the
 * state is as if the sortie had never been booked. `so` must be the
 * sortie as it was booked (same times, tail, ferry, hub, stop). The
 * incremental re-plan keeps its state from one run to the next this way
 * (replan_inc.c). */
void dd__state_unhold(dd__state *st, const dd_sortie *so);
/* Do a and b book the same (dd__state_hold): times, hub, stop, and the
 * tail and ferry where they are booked (crews, tail hours, overflights). */
bool dd__state_same_hold(const dd__state *st, const dd_sortie *a, const dd_sortie *b);
/* Is the hub of rq's sorties chosen per departure (hubs with a ramp
 * limit, routes that need overflight clearances, en-route fuel stops, a
 * closed destination, hubs that take no people or, for people only, a
 * limited number), rather than the site's nearest (st->hub_of_site)? */
bool dd__hubs_vary(const dd__state *st, const dd__request *rq);
/* Every tail back at its type's home, free from when the tails table
 * first gives the type that many (as dd__state_clear leaves them),
 * nothing else changed. */
void dd__state_reset_tails(dd__state *st);

/* The tails of each type in pick_tail's order (tailix.c): per hub, by
 * free_at (then k, descending). dd__tailix_init allocates it for a state
 * whose tails are allocated (DD_ENOMEM), dd__tailix_fini frees it. */
dd_status dd__tailix_init(dd__state *st);
void dd__tailix_fini(dd__state *st);
/* Tail k of type a to `hub`, free from free_at, its type's order kept. */
void dd__state_set_tail(dd__state *st, int32_t a, int32_t k, int32_t hub, dd_time free_at);
/* st->tails[a] (every type's: a < 0) written other than through
 * dd__state_set_tail: its order is sorted again when next read. */
void dd__state_tails_moved(dd__state *st, int32_t a);
/* Is type a's order worth a walk now: false while it is stale and has
 * been asked for only a few times since (the caller looks at every tail
 * instead); otherwise sorted again when stale, true. */
bool dd__tailix_ready(dd__state *st, int32_t a);
/* A walk over the tails of type a that can be at a site by `arr` (free_at
 * + fm_to[hub] <= arr, fm_to: the ferry minutes from each hub): _open
 * starts it and lowers *soonest to the least free_at + fm_to[hub] past
 * arr; _next gives them by that sum, latest first (ties: lowest k), -1
 * after the last. One walk at a time per state. */
void dd__tailix_open(dd__state *st, int32_t a, const int32_t *fm_to, dd_time arr,
                     dd_time *soonest);
int32_t dd__tailix_next(dd__state *st, int32_t a, const int32_t *fm_to);

/* The fleet mix (mix.c): per site, the share of the cargo the second type
 * can also take that should go to it (divert, n_sites), from the loads
 * with none (lp0) and all (lp1) of it diverted; *useful_out when a site
 * gains clearly. DD_ENOMEM. */
dd_status dd__fleet_mix(const dd_scenario *s, const dd__terms *t, const dd_loadplan *lp0,
                        const dd_loadplan *lp1, double *divert, bool *useful_out);

/* An empty plan with its per-scenario arrays allocated, or NULL. */
dd_plan *dd__plan_new(const dd_scenario *s);
/* The margin on the plan's tightest term (deadline, closing dates,
 * milestones) and its name. */
dd_time dd__tightest_term(const dd_plan *p, char *name, size_t n);

/* Figures after placement: per-site days, milestones, verdict. */
dd_status dd__plan_figures(dd_plan *p, const dd__terms *terms);

/* Crews and utilisation as the binding limit (crews.c): a site with
 * something left that no type may fly from within its crews' duty day or
 * its utilisation; a type's crews or tails busy most of the last week.
 * Each sets binding and binding_detail and returns true, or returns
 * false. */
bool dd__crew_shut_out(dd_plan *p);
bool dd__crew_busy(dd_plan *p);
/* Does the route to hub `hub` (-1: none) cross overflight country k
 * (request.c)? */
bool dd__hub_crosses(const dd_scenario *s, int32_t hub, int32_t k);
/* Where a sortie flies: its destination's id, or a leg's site's. */
const char *dd__sortie_to(const dd_scenario *s, const dd_sortie *so);
/* A clearance request's route, "DRRN-ETAR" or through its fuel stops
 * "DRRN-LERT-ETAR", "DRRN-DAAT-LERT-ETAR". */
void dd__clearance_route(const dd_clearance_info *ci, char *buf, size_t size);
/* Does every route out cross country k (every sortie needs its
 * clearance)? */
bool dd__all_routes_cross(const dd_scenario *s, int32_t k);

/* A country's overflight clearances full on at least half of the last
 * week's days (crews.c); sets the binding as above. */
bool dd__overflight_full(dd_plan *p);
/* A hub's people a day (destinations[].people_per_day) taken on at least
 * half of the last week's days: the binding is set (DD_BIND_HUB_PEOPLE)
 * and true. */
bool dd__hub_full(dd_plan *p, const dd__terms *terms);

/* The people terms of the finished plan (terms.c): sets terms_broken and
 * broken_term. */
dd_status dd__plan_people_terms(dd_plan *p);

/* The sorties lower bound (bounds.c), one home for check and plan. Per
 * site: the distance to the nearest hub, the tonnage to ship, 463L pallet
 * equivalents, floor length in floors of the best usable type, and the
 * people who need military seats beyond the commercial seats. */
typedef struct dd_sorties_dims {
    double dist_m, ship_kg, pallet_equiv, floor_m, seats_need;
} dd_sorties_dims;
bool dd__type_uses_site(const dd_aircraft *a, const dd_site *x);
/* Distance to the nearest destination (0 with none). */
double dd__nearest_hub_m(const dd_scenario *s, const dd_site *x);
/* The most type a carries out of site: to its nearest destination, direct
 * or through an en-route fuel stop, as the loads are built (bounds.c). */
double dd__site_acl(const dd_scenario *s, int32_t a, int32_t site);
double dd__cargo_pallet_equiv(const dd_cargo *x);
double dd__cargo_floor_share(const dd_scenario *s, const dd_cargo *x);
void dd__sorties_dims(const dd_scenario *s, dd_sorties_dims *dims);
/* The plan's lower bounds (bounds.c): sorties_lb, completion_lb with its
 * binding and detail. */
dd_status dd__plan_bounds(dd_plan *p, const dd__terms *terms);
/* site_lb[n_sites]; binding[n_sites] (may be NULL) names the dimension. */
dd_status dd__sorties_bound(const dd_scenario *s, const dd_sorties_dims *dims, int64_t *site_lb,
                            const char **binding);

/* A commercial movement (index m) keyed by site and host day: the plan
 * file and the terms check both sort them so (qsort comparator). */
typedef struct dd__com_key {
    int32_t site, day;
    size_t m;
} dd__com_key;
int dd__cmp_com(const void *a, const void *b);

#endif
