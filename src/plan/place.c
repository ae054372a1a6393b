/* SPDX-License-Identifier: MIT */
/*
 * Sortie placement: a serial schedule generation for airlift. Each request
 * (a load of one type at one site, ready at some time) takes the earliest
 * departure at which every limit holds: a tail of its type can ferry in
 * from where it is and turn on the ground; the ramp has room for its class
 * and in total (MOG less third-party reservations) for the whole ground
 * time; the day's clearance count is below the airfield's and the
 * country's daily caps in force that day, and the counts of the weeks
 * that hold the day below the weekly caps; the day is no blackout; the departure falls in the
 * permitted hours and the airfield's operating hours; the clearance could
 * have been filed the lead time before (and not before the epoch, nor
 * before clearances open); where the type limits them, a crew (two for a
 * sortie past the basic duty day) is free of duty and rest over the
 * sortie's duty, and the tail's flying stays within its utilisation.
 *
 * This file is the placement loop and the limits it checks at every
 * candidate departure; the state it keeps (made, cleared, taken back out)
 * is in place_state.c, the hubs and the routes to them in place_hub.c, the
 * legs inside the country in place_legs.c, what they share in place_int.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "plan/place_int.h"

#define STEP DD__PLACE_STEP

int32_t dd__flight_minutes(double dist_m, double cruise_mps)
{
    if (cruise_mps <= 0)
        return 0;
    return (int32_t)ceil(dist_m / cruise_mps / 60.0 - 1e-9);
}

double dd__hub_distance(const dd_scenario *s, int32_t site, int32_t hub)
{
    return dd_distance_m(s->sites[site].lat, s->sites[site].lon, s->hubs[hub].lat,
                         s->hubs[hub].lon);
}

/* Tail k flies over [from, to] only if the type has k+1 tails throughout. */
static bool tail_ok(const dd_aircraft *a, int32_t k, int32_t extra, dd_time from, dd_time to)
{
    int32_t at = 0; /* dd_aircraft_tails_at(a, from), in the same pass */
    for (size_t i = 0; i < a->n_tails; i++) {
        if (a->tails[i].from <= from)
            at = a->tails[i].count;
        else if (a->tails[i].from <= to && a->tails[i].count + extra <= k)
            return false;
    }
    return at + extra > k;
}

/* tail_ok for tail k of type a, through tails_since's times when the
 * type has them */
static bool tail_free(const dd__state *st, int32_t a, int32_t k, dd_time from, dd_time to)
{
    const dd_time *since = st->tail_since[a];
    if (since)
        return from >= since[k];
    return tail_ok(&st->s->aircraft[a], k, st->terms->extra_tails[a], from, to);
}

/* Minutes a day both the airfield and the clearances allow departures. */
double dd__open_minutes(const dd_scenario *s, int32_t site)
{
    dd_hours h[2] = {s->sites[site].hours, s->agreement.clearance.hours};
    double most = 1440;
    for (int i = 0; i < 2; i++) {
        if (h[i].open == 0 && h[i].close >= 1440)
            continue;
        double len = h[i].open < h[i].close ? h[i].close - h[i].open
                                            : 1440 - h[i].open + h[i].close;
        if (len < most)
            most = len;
    }
    return most > 0 ? most : 1;
}

/* ---- the departures a ramp is known not to take (st->mog_span) ---- */

/* The end of the span of list v (n long) holding t, or t when none. */
static dd_time span_end(const struct dd__span *v, size_t n, dd_time t)
{
    size_t i = span_after(v, n, t);
    return i < n && v[i].lo <= t ? v[i].hi : t;
}

/* [lo, hi) into the list *vp (*np long, *capp held), merged with the
 * spans it touches. DD_ENOMEM. */
static dd_status span_add(struct dd__span **vp, size_t *np, size_t *capp, dd_time lo, dd_time hi)
{
    size_t n = *np;
    struct dd__span *v = *vp;
    size_t i = span_after(v, n, lo - 1), j = i; /* (a span ending at lo touches) */
    while (j < n && v[j].lo <= hi) {
        lo = v[j].lo < lo ? v[j].lo : lo;
        hi = v[j].hi > hi ? v[j].hi : hi;
        j++;
    }
    if (j == i) { /* one more */
        v = dd__grow(v, capp, n + 1, 16, sizeof *v);
        if (!v)
            return DD_ENOMEM;
        *vp = v;
        memmove(v + i + 1, v + i, (n - i) * sizeof *v);
        *np = n + 1;
    } else if (j > i + 1) { /* several merged into v[i] */
        memmove(v + i + 1, v + j, (n - j) * sizeof *v);
        *np = n - (j - i - 1);
    }
    v[i] = (struct dd__span){lo, hi};
    return DD_OK;
}

/* The end of the known-full span holding departure t of type a at
 * `site`, or t when none does. */
static dd_time mog_known(const dd__state *st, int32_t site, int32_t a, dd_time t)
{
    size_t k = (size_t)site * st->s->n_aircraft + (size_t)a;
    return span_end(st->mog_span[k], st->n_mog_span[k], t);
}

/* Departures [lo, hi) of type a at `site` known full. DD_ENOMEM. */
static dd_status mog_learn(dd__state *st, int32_t site, int32_t a, dd_time lo, dd_time hi)
{
    size_t k = (size_t)site * st->s->n_aircraft + (size_t)a;
    return span_add(&st->mog_span[k], &st->n_mog_span[k], &st->cap_mog_span[k], lo, hi);
}

/* Does one more aircraft of `klass` on the ground over [a, d) keep within
 * the MOG? On failure *full gets the latest moment of [a, d) at which the
 * ramp is full: aircraft are only ever added, so the ramp stays full then,
 * and no ground time that includes it can fit. */
static bool mog_ok(const dd__state *st, int32_t site, int32_t klass, dd_time a, dd_time d,
                   dd_time *full)
{
    *full = a;
    const dd_site *x = &st->s->sites[site];
    int32_t cap_c = mog_class(x, klass);
    int32_t cap_t = dd_site_mog_total(x);
    if (cap_c < 0)
        cap_c = cap_t;
    int32_t more = st->terms->extra_mog ? st->terms->extra_mog[site] : 0;
    if (more > 0 && cap_c > 0) { /* a relaxation: spots added */
        cap_c += more;
        cap_t += more;
    }
    /* check at the start of the interval and at every arrival or
     * reservation start inside it */
    const dd__ground *all_g = st->ground[site];
    /* the intervals that overlap [a, d), found through the day buckets:
     * never more than the MOG allows */
    dd__ground g[256];
    int32_t gi[256];
    size_t n = 0;
    int32_t d0 = dd__state_day(st, a), d1 = dd__state_day(st, d - 1);
    for (int32_t day = d0 < 0 ? 0 : d0; day <= d1; day++) {
        if ((size_t)day >= st->n_bucket[site])
            break;
        const struct dd__bucket *b = &st->bucket[site][day];
        for (size_t k = 0; k < b->n; k++) {
            int32_t i = b->idx[k];
            if (!(all_g[i].from < d && all_g[i].to > a))
                continue;
            bool seen = false;
            for (size_t q = 0; q < n && !seen; q++)
                seen = gi[q] == i;
            if (seen)
                continue;
            if (n == sizeof g / sizeof *g)
                return false;
            gi[n] = i;
            g[n++] = all_g[i];
        }
    }
    if (cap_c < 1)
        return false;
    if (x->n_reservations == 0 && (int64_t)n + 1 <= cap_c && (int64_t)n + 1 <= cap_t)
        return true; /* (every overlap at once leaves room) */
    /* the count peaks at a or at an overlapping arrival or reservation */
    bool ok = true;
    for (size_t p = 0; p <= n + x->n_reservations; p++) {
        dd_time t = a;
        if (p > 0 && p <= n)
            t = g[p - 1].from;
        else if (p > n)
            t = x->reservations[p - n - 1].from;
        if (t < a || t >= d)
            continue;
        int32_t same = 0, all = 0;
        for (size_t i = 0; i < n; i++)
            if (g[i].from <= t && t < g[i].to) {
                all++;
                if (g[i].klass == klass)
                    same++;
            }
        if (same + 1 > cap_c || all + 1 > cap_t - dd_site_reserved_at(x, t)) {
            ok = false;
            if (t > *full)
                *full = t;
        }
    }
    if (ok)
        return true;
    /* full at *full: so until the first ground time or reservation there
     * ends (a ground time starting before that would still hold it, or
     * share the spot) */
    dd_time end = INT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (g[i].from <= *full && *full < g[i].to && g[i].to < end)
            end = g[i].to;
    for (size_t i = 0; i < x->n_reservations; i++)
        if (x->reservations[i].from <= *full && *full < x->reservations[i].to &&
            x->reservations[i].to < end)
            end = x->reservations[i].to;
    if (end != INT64_MAX && end - 1 > *full)
        *full = end - 1;
    return false;
}

bool dd__state_mog_ok(const dd__state *st, int32_t site, int32_t klass, dd_time a, dd_time d,
                      dd_time *full)
{
    return mog_ok(st, site, klass, a, d, full);
}

/* Index gidx, an interval over host days d0..d1, into those days'
 * buckets. */
static dd_status bucket_add(struct dd__bucket **bv, size_t *n_bv, int32_t gidx, int32_t d0,
                            int32_t d1)
{
    if (d0 < 0)
        d0 = 0;
    for (int32_t day = d0; day <= d1; day++) {
        if ((size_t)day >= *n_bv) {
            size_t nb = *n_bv ? *n_bv : 64;
            while (nb <= (size_t)day)
                nb *= 2;
            struct dd__bucket *v = realloc(*bv, nb * sizeof *v);
            if (!v)
                return DD_ENOMEM;
            memset(v + *n_bv, 0, (nb - *n_bv) * sizeof *v);
            *bv = v;
            *n_bv = nb;
        }
        struct dd__bucket *b = &(*bv)[day];
        int32_t *v = dd__grow(b->idx, &b->cap, b->n, 8, sizeof *v);
        if (!v)
            return DD_ENOMEM;
        b->idx = v;
        b->idx[b->n++] = gidx;
    }
    return DD_OK;
}

static dd_status add_to_buckets(dd__state *st, int32_t site, int32_t gidx, dd_time a, dd_time d)
{
    return bucket_add(&st->bucket[site], &st->n_bucket[site], gidx, dd__state_day(st, a),
                      dd__state_day(st, d - 1));
}

/* ---- weighted interval sets (crews, hub ramps) ---- */

static dd_status ivset_add(const dd_scenario *s, dd__ivset *x, dd_time from, dd_time to,
                           int32_t weight)
{
    dd__ground *v = dd__grow(x->v, &x->cap, x->n, 16, sizeof *v);
    if (!v)
        return DD_ENOMEM;
    x->v = v;
    int32_t idx = (int32_t)x->n;
    x->v[x->n++] = (dd__ground){from, to, weight};
    return bucket_add(&x->day, &x->n_day, idx, dd_scenario_day(s, from), dd_scenario_day(s, to - 1));
}

/* Does `add` more weight over [a, d) keep the set's weight within `cap` at
 * every moment? The weight peaks at a or where an interval starts inside.
 * On failure *free_at gets the earliest end of the intervals at a full
 * moment (after a): intervals are only ever added, so no start before it
 * fits (INT64_MAX: none known). */
static bool ivset_fits(const dd_scenario *s, const dd__ivset *x, dd_time a, dd_time d,
                       int64_t add, int64_t cap, dd_time *free_at)
{
    *free_at = INT64_MAX;
    if (add > cap)
        return false;
    int32_t d0 = dd_scenario_day(s, a), d1 = dd_scenario_day(s, d - 1);
    if (d0 < 0)
        d0 = 0;
    int32_t m[512];
    size_t n = 0;
    for (int32_t day = d0; day <= d1 && (size_t)day < x->n_day; day++) {
        const struct dd__bucket *b = &x->day[day];
        for (size_t k = 0; k < b->n; k++) {
            const dd__ground *g = &x->v[b->idx[k]];
            int32_t first = dd_scenario_day(s, g->from);
            if (first < d0)
                first = d0;
            if (first != day || !(g->from < d && g->to > a))
                continue; /* seen in an earlier bucket, or not overlapping */
            if (n == sizeof m / sizeof *m)
                return false; /* more than the scratch holds: call it full */
            m[n++] = b->idx[k];
        }
    }
    bool ok = true;
    for (size_t p = 0; p <= n; p++) {
        dd_time t = p == 0 ? a : x->v[m[p - 1]].from;
        if (t < a || t >= d)
            continue;
        int64_t busy = 0;
        dd_time soonest = INT64_MAX;
        for (size_t i = 0; i < n; i++) {
            const dd__ground *g = &x->v[m[i]];
            if (g->from <= t && t < g->to) {
                busy += g->klass;
                soonest = g->to < soonest ? g->to : soonest;
            }
        }
        if (busy + add > cap) {
            ok = false;
            if (soonest > a && soonest < *free_at)
                *free_at = soonest;
        }
    }
    return ok;
}

dd_status dd__ivset_add(const dd_scenario *s, dd__ivset *x, dd_time from, dd_time to,
                        int32_t weight)
{
    return ivset_add(s, x, from, to, weight);
}

bool dd__ivset_fits(const dd_scenario *s, const dd__ivset *x, dd_time a, dd_time d, int64_t add,
                    int64_t cap, dd_time *free_at)
{
    return ivset_fits(s, x, a, d, add, cap, free_at);
}

/* ---- crews and utilisation ---- */

/* Do `need` more crews of type `a` over [from, to) keep within its crews?
 * On failure *free_at as ivset_fits says. */
static bool crew_ok(const dd__state *st, int32_t a, int32_t need, dd_time from, dd_time to,
                    dd_time *free_at)
{
    const dd_aircraft *ac = &st->s->aircraft[a];
    *free_at = INT64_MAX;
    if (ac->crews < 0)
        return true;
    return ivset_fits(st->s, &st->crew[a], from, to, need, ac->crews, free_at);
}

/* Does one more sortie of `minutes` flying on host day `day` keep tail k
 * of type a within its utilisation, in every window that holds the day? */
static bool fly_ok(const dd__state *st, int32_t a, int32_t k, int32_t day, int64_t minutes)
{
    const dd_aircraft *ac = &st->s->aircraft[a];
    if (ac->utilisation <= 0)
        return true;
    int32_t w = ac->utilisation_days;
    int64_t cap = (int64_t)w * ac->utilisation;
    for (int32_t e = day; e < day + w; e++) {
        int64_t sum = minutes;
        for (int32_t i = e - w + 1; i <= e; i++)
            sum += day_get(&st->fly[a][k], i);
        if (sum > cap)
            return false;
    }
    return true;
}

/* Book a sortie's tail's flying against its utilisation. */
static dd_status book_fly(dd__state *st, const dd_sortie *so)
{
    const dd_aircraft *ac = &st->s->aircraft[so->aircraft];
    int32_t a = so->aircraft;
    if (ac->utilisation > 0 && so->tail >= 0 && so->tail < st->n_tails[a] &&
        !day_add(&st->fly[a][so->tail], dd__state_day(st, so->departure),
                 (int32_t)((so->arrival - so->departure) +
                           (so->arrival_at_site - so->ferry_departure))))
        return DD_ENOMEM;
    return DD_OK;
}

dd_status dd__state_book_crew_busy(dd__state *st, int32_t a, dd_time from, dd_time to)
{
    if (st->s->aircraft[a].crews < 0 || to <= from)
        return DD_OK;
    return ivset_add(st->s, &st->crew[a], from, to, 1);
}

/* Book a sortie's crews (from its ferry's take-off to the end of the
 * crew's rest) and its tail's flying. */
static dd_status book_crew(dd__state *st, const dd_sortie *so)
{
    const dd_aircraft *ac = &st->s->aircraft[so->aircraft];
    int32_t a = so->aircraft;
    if (book_fly(st, so) != DD_OK)
        return DD_ENOMEM;
    if (ac->crews < 0)
        return DD_OK;
    int32_t need = dd_aircraft_crews_for(ac, so->arrival - so->ferry_departure);
    if (need < 1)
        need = 2; /* flown already: book it as the most it can take */
    dd_time from = so->ferry_departure, to = so->arrival + ac->crew_rest;
    return ivset_add(st->s, &st->crew[a], from, to > from ? to : from + 1, need);
}

dd_status dd__state_book_flown(dd__state *st, const dd_sortie *so, bool crews)
{
    if ((crews ? book_crew(st, so) : book_fly(st, so)) != DD_OK)
        return DD_ENOMEM;
    /* its route: a sortie still in the air (or on its stop's ramp) holds
     * the ramps it lands on, and its clearances count on their day */
    if (so->hub >= 0 && route_books(st->s))
        return dd__state_book_hub(st, so, st->s->aircraft[so->aircraft].ground_time);
    return DD_OK;
}

dd_status dd__state_count_day(dd__state *st, int32_t site, int32_t day)
{
    if (!day_inc(&st->country, day) || !day_inc(&st->site_day[site], day))
        return DD_ENOMEM;
    return DD_OK;
}

/* One more aircraft of `klass` on the ground at `site` over [a, d), and
 * one more clearance on host day `day` there and in the country. */
static dd_status book_ground(dd__state *st, int32_t site, int32_t day, dd_time a, dd_time d,
                             int32_t klass)
{
    dd__ground *gv = dd__grow(st->ground[site], &st->cap_ground[site], st->n_ground[site], 16,
                              sizeof *gv);
    if (!gv)
        return DD_ENOMEM;
    st->ground[site] = gv;
    if (!day_inc(&st->country, day) || !day_inc(&st->site_day[site], day))
        return DD_ENOMEM;
    int32_t gidx = (int32_t)st->n_ground[site];
    gv[st->n_ground[site]++] = (dd__ground){a, d, klass};
    return add_to_buckets(st, site, gidx, a, d);
}

dd_status dd__state_book_ground(dd__state *st, int32_t site, int32_t day, dd_time a, dd_time d,
                                int32_t klass)
{
    return book_ground(st, site, day, a, d, klass);
}

dd_status dd__state_hold(dd__state *st, const dd_sortie *so)
{
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[so->aircraft];
    int32_t day = dd__state_day(st, so->departure);
    if (book_ground(st, so->site, day, so->arrival_at_site, so->departure, ac->klass) != DD_OK)
        return DD_ENOMEM;
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_crew(st, so) != DD_OK)
        return DD_ENOMEM;
    if (route_books(s) && so->hub >= 0 && dd__state_book_hub(st, so, ac->ground_time) != DD_OK)
        return DD_ENOMEM;
    return DD_OK;
}

/* What place() does with the departure it finds: with no hook, books
 * it; with probe set, describes it there and books nothing; with check
 * set, books it when check says INT64_MIN, else keeps check's answer in
 * next and books nothing. */
typedef struct place_hook {
    dd_sortie *probe;
    dd__place_check check;
    void *ctx;
    dd_time next;
} place_hook;

static dd_status place(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                       place_hook *hk);

dd_status dd__place(dd__state *st, const dd__request *rq, const dd_loadplan *lp)
{
    return place(st, rq, lp, NULL);
}

dd_status dd__place_checked(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                            dd__place_check check, void *ctx, dd_time *next_out)
{
    place_hook hk = {NULL, check, ctx, INT64_MIN};
    dd_status rc = place(st, rq, lp, &hk);
    *next_out = rc == DD_OK ? hk.next : INT64_MIN;
    return rc;
}

dd_status dd__place_probe(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                          dd_time *t_out)
{
    dd_sortie so;
    place_hook hk = {&so, NULL, NULL, INT64_MIN};
    dd_status rc = place(st, rq, lp, &hk);
    if (rc == DD_OK)
        *t_out = so.departure;
    return rc;
}

dd_status dd__place_probe_sortie(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                                 dd_sortie *out)
{
    place_hook hk = {out, NULL, NULL, INT64_MIN};
    return place(st, rq, lp, &hk);
}

/* The first departure worth trying: the load ready, the lead time, the
 * clearances open, a ground time after the epoch; on the step. */
static dd_time first_try(const dd__state *st, const dd__request *rq, const dd_aircraft *ac)
{
    const dd__terms *tm = st->terms;
    dd_time g = ac->ground_time;
    dd_time t = rq->ready == DD_TIME_NONE ? 0 : rq->ready;
    if (t < tm->lead_time)
        t = tm->lead_time;
    if (t < st->s->agreement.clearance.opens)
        t = st->s->agreement.clearance.opens;
    if (t < g)
        t = g;
    return (t + STEP - 1) / STEP * STEP;
}

/* Of the tails that can be at the site by a (on the ground from a,
 * leaving at t), the one that can be there last (ties: lowest number): it
 * idles least, and the tails free earlier stay free for sorties placed
 * later but flying earlier. soonest: when the first busy tail can be
 * there; crew_next: the next departure worth trying when crews, hours or
 * the ferry's overflights alone turn the tails away. */
typedef struct tail_pick {
    int32_t best;
    dd_time soonest, crew_next;
} tail_pick;

/* What pick_tail asks of every tail: a departure at t to hub (-1: a
 * leg's), on the ground from a, out_min flying out by route rt. */
typedef struct pick_ask {
    const dd__request *rq;
    dd_time a, t;
    int32_t day, hub, out_min;
    const route *rt;
} pick_ask;

/* Can tail k, at hub `from` and fm minutes' ferry from the site, fly
 * q's departure as far as the ferry's overflights, its crews and its
 * hours go? When not, tp->crew_next lowered to a later departure worth
 * trying. */
static bool tail_can(const dd__state *st, const pick_ask *q, int32_t k, int32_t from, int32_t fm,
                     tail_pick *tp)
{
    const dd_aircraft *ac = &st->s->aircraft[q->rq->aircraft];
    const route *rt = q->rt;
    dd_time t = q->t, ferry_dep = q->a - fm;
    dd_time on = INT64_MIN;
    if (st->s->agreement.clearance.n_overflight > 0 &&
        !over_ok(st, from, q->hub, rt->stop, rt->stop2, t, q->day, &on)) {
        /* the ferry's route: its countries' caps, or lead times */
        tp->crew_next = on < tp->crew_next ? on : tp->crew_next;
        return false;
    }
    if (ac->crews < 0 && ac->utilisation <= 0)
        return true;
    int64_t fly = (int64_t)fm + q->out_min;
    int32_t need = dd_aircraft_crews_for(ac, t + q->out_min - ferry_dep);
    if (need < 1 || (ac->crews >= 0 && need > ac->crews) ||
        (ac->utilisation > 0 && fly > (int64_t)ac->utilisation_days * ac->utilisation)) {
        /* never, from this tail's hub, by this route; through a stop, a
         * later departure may take a faster way (another stop, or this
         * one without waiting for its hours) */
        if (rt->stop > 0 && rt->out_min > rt->least && t + STEP < tp->crew_next)
            tp->crew_next = t + STEP;
        return false;
    }
    if (!fly_ok(st, q->rq->aircraft, k, q->day, fly)) {
        dd_time nd = dd__state_day_start(st, q->day + 1);
        tp->crew_next = nd < tp->crew_next ? nd : tp->crew_next;
        return false;
    }
    dd_time free_at;
    if (!crew_ok(st, q->rq->aircraft, need, ferry_dep, t + q->out_min + ac->crew_rest,
                 &free_at)) {
        dd_time nt = free_at == INT64_MAX ? t + STEP : t + (free_at - ferry_dep);
        tp->crew_next = nt < tp->crew_next ? nt : tp->crew_next;
        return false;
    }
    return true;
}

/* pick_tail with the tails as they are (no views): the tails that can be
 * at the site by a, from the one there last (tailix.c), the first that
 * can fly taken. The same tail as looking at all of them: the best is
 * the one with the greatest reach of those that pass, and when none does
 * every tail is looked at, so that soonest and crew_next (read only then)
 * come out the same. */
static void pick_tail_ix(dd__state *st, const pick_ask *q, tail_pick *tp)
{
    int32_t ty = q->rq->aircraft;
    const int32_t *fm_to = ferry_row(st, ty, q->rq->site);
    const dd_time *since = st->tail_since[ty];
    dd_time ferry_to = q->t + q->out_min;
    tp->best = -1;
    tp->soonest = tp->crew_next = INT64_MAX;
    dd__tailix_open(st, ty, fm_to, q->a, &tp->soonest);
    for (int32_t k; (k = dd__tailix_next(st, ty, fm_to)) >= 0;) {
        int32_t from = st->tails[ty][k].hub, fm = fm_to[from];
        dd_time ferry_dep = q->a - fm;
        if (since ? ferry_dep < since[k] : !tail_free(st, ty, k, ferry_dep, ferry_to))
            continue;
        if (tail_can(st, q, k, from, fm, tp)) {
            tp->best = k;
            return;
        }
    }
}

static void pick_tail(dd__state *st, const dd__request *rq, dd_time a, dd_time t, int32_t day,
                      int32_t hub, const route *rt, int32_t out_min, dd_time *lb,
                      tail_pick *tp)
{
    const dd_scenario *s = st->s;
    pick_ask q = {rq, a, t, day, hub, out_min, rt};
    void (*view)(void *, int32_t, int32_t, dd_time, dd_time, int32_t, int32_t, dd__tail *,
                 dd_time *) = st->tail_view;
    if (!view && !st->pin && dd__tailix_ready(st, rq->aircraft)) {
        pick_tail_ix(st, &q, tp);
        return;
    }
    const int32_t *fm_to = ferry_row(st, rq->aircraft, rq->site);
    dd_time best_reach = INT64_MIN;
    tp->best = -1;
    tp->soonest = tp->crew_next = INT64_MAX;
    /* (read once for all the tails: tail_free's and the views) */
    const dd_time *since = st->tail_since[rq->aircraft];
    const dd__tail *tails = st->tails[rq->aircraft];
    dd_time keep[2];
    int32_t fm_lo = INT32_MAX; /* (the least ferry in, from any hub) */
    for (size_t h = 0; lb && h < s->n_hubs; h++)
        fm_lo = fm_to[h] < fm_lo ? fm_to[h] : fm_lo;
    for (int32_t k = 0, n_k = st->n_tails[rq->aircraft]; k < n_k; k++) {
        const dd__tail *tl = &tails[k];
        dd__tail tv;
        if (st->pin && k != st->pin - 1)
            continue;
        if (lb && lb[2 * k] <= a && a < lb[2 * k + 1]) {
            /* its view cannot reach the site by a */
            if (lb[2 * k + 1] < tp->soonest)
                tp->soonest = lb[2 * k + 1];
            continue;
        }
        if (view) { /* an incremental re-plan's timelines */
            tv = *tl;
            view(st->tail_view_ctx, rq->aircraft, k, a, t, hub, out_min, &tv, keep);
            tl = &tv;
        }
        if (tl->free_at >= INT64_MAX / 8)
            continue;
        int32_t fm = fm_to[tl->hub];
        dd_time reach = tl->free_at + fm;
        if (reach > a) {
            if (reach < tp->soonest)
                tp->soonest = reach;
            if (lb) { /* by reach while the view holds, then no sooner than keep[1] */
                dd_time later = keep[1] >= INT64_MAX / 8 ? INT64_MAX / 4 : keep[1] + fm_lo;
                dd_time b = keep[0] > later ? keep[0] : later;
                lb[2 * k] = a;
                lb[2 * k + 1] = reach < b ? reach : b;
            }
            continue;
        }
        dd_time ferry_dep = a - fm;
        if (since ? ferry_dep < since[k]
                  : !tail_free(st, rq->aircraft, k, ferry_dep, t + out_min))
            continue;
        if (reach <= best_reach || !tail_can(st, &q, k, tl->hub, fm, tp))
            continue;
        best_reach = reach;
        tp->best = k;
    }
}

/* No tail for a departure at t (on the ground from a): the next one worth
 * trying, or INT64_MAX when none ever will. */
static dd_time after_no_tail(const dd_aircraft *ac, const tail_pick *tp, dd_time a)
{
    dd_time g = ac->ground_time, t;
    if (tp->crew_next != INT64_MAX) {
        /* a tail is there but its crews or its hours are spent */
        t = tp->soonest != INT64_MAX && tp->soonest + g < tp->crew_next ? tp->soonest + g
                                                                          : tp->crew_next;
    } else if (tp->soonest == INT64_MAX) {
        /* no tail now; a later step in the tails table may bring one */
        dd_time next = INT64_MAX;
        for (size_t i = 0; i < ac->n_tails; i++)
            if (ac->tails[i].from > a && ac->tails[i].from < next)
                next = ac->tails[i].from;
        if (next == INT64_MAX)
            return INT64_MAX;
        t = next + g + 1;
    } else {
        t = tp->soonest + g;
    }
    return (t + STEP - 1) / STEP * STEP;
}

/* The sortie placed: tail `best`, to `hub`, on the ground from a, leaving
 * at t; the day's caps, the ramp, the tail, its crews and the hub's ramp
 * booked. */
static dd_status commit_sortie(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                               int32_t best, int32_t hub, dd_time a, dd_time t, int32_t day,
                               const route *rt, bool hubs_vary)
{
    int32_t out_min = rt->out_min;
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    const dd__tail *tl = &st->tails[rq->aircraft][best];
    int32_t fm = ferry_minutes(st, rq->aircraft, rq->site, tl->hub);
    dd_sortie *sv = dd__grow(st->sorties, &st->cap_sorties, st->n_sorties, 64, sizeof *sv);
    if (!sv)
        return DD_ENOMEM;
    st->sorties = sv;
    if (book_ground(st, rq->site, day, a, t, ac->klass) != DD_OK)
        return DD_ENOMEM;
    dd_sortie *so = &st->sorties[st->n_sorties++];
    memset(so, 0, sizeof *so);
    so->aircraft = rq->aircraft;
    so->tail = best;
    so->site = rq->site;
    so->hub = hub;
    so->ferry_from = tl->hub;
    so->ferry_departure = a - fm;
    so->arrival_at_site = a;
    so->departure = t;
    so->arrival = t + out_min;
    so->clearance = -1;
    so->load = rq->load;
    so->acl_kg = hub_acl(st, rq->aircraft, rq->site, hub);
    set_stop(so, rt);
    if (rt->stop > 0)
        so->acl_kg = dd__place_route_acl(s, rq->aircraft, rq->site, hub, rt);
    set_load(so, rq, lp, ac);
    dd__state_set_tail(st, rq->aircraft, best, hub, so->arrival + ac->ground_time);
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_crew(st, so) != DD_OK)
        return DD_ENOMEM;
    if (hubs_vary && dd__state_book_hub(st, so, ac->ground_time) != DD_OK)
        return DD_ENOMEM;
    return DD_OK;
}

#define PLACE_ITER 200000 /* candidate departures place() tries at most */

/* For type a at the site: per local minute of day, the minutes (a
 * multiple of STEP) to the first departure minute, stepping by STEP, that
 * the clearances' hours and the airfield's allow, with the ground time
 * before it in the airfield's hours too; -1: none. Made on first use,
 * kept with the state (NULL: out of memory). */
static const int16_t *hours_wait(dd__state *st, int32_t a, int32_t site)
{
    const dd_scenario *s = st->s;
    int16_t **slot = &st->hours_wait[(size_t)a * s->n_sites + (size_t)site];
    if (*slot)
        return *slot;
    int16_t *w = malloc(1440 * sizeof *w);
    if (!w)
        return NULL;
    const dd_site *x = &s->sites[site];
    const dd_hours ch = s->agreement.clearance.hours;
    int32_t g = dd__mod_day(s->aircraft[a].ground_time);
    for (int32_t m = 0; m < 1440; m++)
        w[m] = -1;
    /* twice round the day, latest minute first: the second round carries
     * what lies past midnight back to the minutes before it */
    for (int round = 0; round < 2; round++)
        for (int32_t m = 1439; m >= 0; m--) {
            int32_t lg = m - g < 0 ? m - g + 1440 : m - g;
            int16_t next = w[(m + STEP) % 1440];
            if (dd__in_hours(ch, m) && dd__in_hours(x->hours, m) && dd__in_hours(x->hours, lg))
                w[m] = 0;
            else if (next >= 0 && next + STEP < 1440)
                w[m] = (int16_t)(next + STEP);
        }
    *slot = w;
    return w;
}

/* The earliest departure from t on that the day's caps, blackouts and
 * hours allow for the site: t itself, or 0 with *t set to the next to
 * try (-1: never). 1 sets *day_out to t's host day. The caps and the
 * blackout hold for the whole day, so the hours (`wait`, hours_wait's)
 * are skipped here to the first departure they allow that day, up to the
 * day's end or rq->latest, each STEP counted in *iter as place() counts
 * its tries: the departure and the tries place() would reach one STEP at
 * a time. */
static int day_and_hours_ok(const dd__state *st, const dd__request *rq, const capset *site_caps,
                            const capset *country_caps, const int16_t *wait, dd_time *t,
                            int32_t *day_out, int *iter)
{
    const dd_scenario *s = st->s;
    const dd_site *x = &s->sites[rq->site];
    int32_t day = dd__state_day(st, *t);
    if (caps_shut(country_caps, day) || caps_shut(site_caps, day))
        return -1;
    if (blackout(s, day) || !cap_room(st, country_caps, &st->country, day) ||
        !cap_room(st, site_caps, &st->site_day[rq->site], day)) {
        *t = dd__state_day_start(st, day + 1);
        return 0;
    }
    int16_t w = wait[dd__state_local_minute(st, *t, x->tz_offset)];
    if (w != 0) {
        /* the first step that stops place(): past the day's end (t is
         * inside the day), past rq->latest (t is not), its last try */
        dd_time end = dd__state_day_start(st, day + 1);
        int64_t stop = (end - *t + STEP - 1) / STEP;
        if (rq->latest < end && (rq->latest - *t) / STEP + 1 < stop)
            stop = (rq->latest - *t) / STEP + 1;
        if (PLACE_ITER - *iter < stop)
            stop = PLACE_ITER - *iter;
        if (w < 0 || w / STEP >= stop) {
            *t += stop * STEP;
            *iter += (int)stop - 1;
            return 0; /* place() counts this step and tries again */
        }
        *t += w;
        *iter += w / STEP;
    }
    *day_out = day;
    return 1;
}

/* The sortie place() found (tail k leaving t, landing at hub), as a
 * probe describes it. */
static dd_sortie probe_of(dd__state *st, const dd__request *rq, int32_t k, dd_time a, dd_time t,
                          int32_t hub, int32_t out_min, const route *rt)
{
    dd__tail tv = st->tails[rq->aircraft][k];
    dd_time keep[2];
    if (st->tail_view)
        st->tail_view(st->tail_view_ctx, rq->aircraft, k, a, t, hub, out_min, &tv, keep);
    dd_sortie so = {.aircraft = rq->aircraft, .tail = k, .site = rq->site, .hub = hub,
                    .ferry_from = tv.hub,
                    .ferry_departure = a - ferry_minutes(st, rq->aircraft, rq->site, tv.hub),
                    .arrival_at_site = a, .departure = t, .arrival = t + out_min,
                    .clearance = -1, .load = rq->load};
    set_stop(&so, rt);
    return so;
}

static dd_status place(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                       place_hook *hk)
{
    const dd_scenario *s = st->s;
    const dd__terms *tm = st->terms;
    const dd_site *x = &s->sites[rq->site];
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    const dd_clearance_terms *ct = &s->agreement.clearance;
    int32_t hub = st->hub_of_site[rq->site];
    if (hub < 0 || st->n_tails[rq->aircraft] == 0)
        return DD_EINFEASIBLE;
    capset site_caps = capset_of(x->caps, x->n_caps, x->caps_base, tm->site_cap[rq->site]);
    capset country_caps = capset_of(ct->caps, ct->n_caps, ct->caps_base, tm->country_cap);
    if (tm->site_cap[rq->site] == 0 || tm->country_cap == 0)
        return DD_EINFEASIBLE;
    int32_t out_min = ferry_minutes(st, rq->aircraft, rq->site, hub);
    route rt = {0, 0, 0, out_min, 0, 0, 0, 0};
    /* hubs with a ramp limit, routes that need overflight clearances, or
     * en-route fuel stops: the hub is chosen per departure (else: the
     * nearest) */
    bool hubs_vary = dd__hubs_vary(st, rq);
    dd_time g = ac->ground_time;
    dd_time t = first_try(st, rq, ac);
    const int16_t *wait = hours_wait(st, rq->aircraft, rq->site);
    if (!wait)
        return DD_ENOMEM;
    /* with the tails' views and one hub: each tail's bound (pick_tail),
     * the same for every request of the site and type, kept through the
     * run until the state frees anything (bookings only fill timelines) */
    size_t nk = (size_t)rq->site * s->n_aircraft + (size_t)rq->aircraft;
    dd_time *lb = st->tail_view && st->view_lb && !hubs_vary && x->via < 0
                      ? st->view_lb + 2 * nk * st->view_lb_n
                      : NULL;
    if (lb && st->none_stale)
        dd__state_forget_none(st);
    /* and the departures earlier searches of the site and type found none
     * in, skipped (lb's placements only) */
    dd_time t0 = t;
    for (int iter = 0; iter < PLACE_ITER; iter++) {
        if (lb)
            t = span_end(st->none_span[nk], st->n_none_span[nk], t);
        if (t > rq->latest)
            return DD_EINFEASIBLE;
        int32_t day;
        int ok = day_and_hours_ok(st, rq, &site_caps, &country_caps, wait, &t, &day, &iter);
        if (ok < 0)
            return DD_EINFEASIBLE;
        if (!ok)
            continue;
        dd_time a = t - g;
        /* the ramp first: it does not depend on the tail */
        dd_time full;
        if (st->mog_span) { /* known full already */
            dd_time past = mog_known(st, rq->site, rq->aircraft, t);
            if (past > t) {
                t = (past + STEP - 1) / STEP * STEP;
                continue;
            }
        }
        if (!mog_ok(st, rq->site, ac->klass, a, t, &full)) {
            /* the next ground time that starts after the full moment
             * (every departure before it holds that moment, or shares
             * the ramp with what holds it: mog_ok) */
            if (st->mog_span && mog_learn(st, rq->site, rq->aircraft, t, full + 1 + g) != DD_OK)
                return DD_ENOMEM;
            dd_time next = full + 1 + g;
            next = (next + STEP - 1) / STEP * STEP;
            t = next > t ? next : t + STEP;
            continue;
        }
        onward on = {0};
        if (x->via >= 0) {
            /* a leg to the via site and the onward sortie out from there */
            int found = dd__plan_onward(st, rq, lp, t, &on);
            if (found == -2)
                return DD_ENOMEM;
            if (found < 0)
                return DD_EINFEASIBLE;
            if (found == 0) {
                t += STEP;
                continue;
            }
            hub = on.hub;
            out_min = (int32_t)(on.dep + on.out_min - t);
        } else if (hubs_vary) {
            dd_time next;
            hub = dd__pick_hub(st, rq, lp, t, day, &next, &rt);
            if (hub < 0) {
                if (next == INT64_MAX)
                    return DD_EINFEASIBLE; /* no hub ever takes it */
                t = next > t ? next : t + STEP;
                t = (t + STEP - 1) / STEP * STEP;
                continue;
            }
            out_min = rt.out_min;
        }
        tail_pick tp;
        pick_tail(st, rq, a, t, day, x->via >= 0 ? -1 : hub, &rt, out_min, lb, &tp);
        if (tp.best < 0) {
            t = after_no_tail(ac, &tp, a);
            if (t == INT64_MAX)
                return DD_EINFEASIBLE;
            continue;
        }
        if (x->via >= 0 && !dd__legs_ok(st, rq, &on, tp.best, t)) {
            t += STEP;
            continue;
        }
        if (lb && t > t0 &&
            span_add(&st->none_span[nk], &st->n_none_span[nk], &st->cap_none_span[nk], t0, t) !=
                DD_OK)
            return DD_ENOMEM;
        if (hk && hk->probe) {
            *hk->probe = probe_of(st, rq, tp.best, a, t, hub, out_min, &rt);
            return DD_OK;
        }
        if (hk && hk->check) {
            dd_sortie so = probe_of(st, rq, tp.best, a, t, hub, out_min, &rt);
            hk->next = hk->check(hk->ctx, &so);
            if (hk->next != INT64_MIN)
                return DD_OK; /* not taken: nothing booked */
        }
        if (x->via >= 0)
            return dd__commit_leg(st, rq, lp, tp.best, &on, a, t, day);
        return commit_sortie(st, rq, lp, tp.best, hub, a, t, day, &rt, hubs_vary);
    }
    return DD_EINFEASIBLE;
}
