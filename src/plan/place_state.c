/* SPDX-License-Identifier: MIT */
/*
 * The placement's state (dd__state, place_int.h's sortie placement): made
 * from a scenario and its terms (what does not change over a run: the hubs
 * in order of distance from each site, the ferry minutes, when each tail
 * first flies), cleared between runs, freed; the ramp memo switched on and
 * off; and a booking taken back out again, as an incremental re-plan does
 * with the sorties it no longer keeps (dd__state_unhold, the inverse of
 * place.c's dd__state_hold).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan/place_int.h"

/* ---- the state: made, cleared, freed ---- */

/* Weighted interval sets (crews, hub ramps): see ivset_fits. */
static void ivset_clear(dd__ivset *x)
{
    x->n = 0;
    for (size_t d = 0; d < x->n_day; d++)
        x->day[d].n = 0;
}

static void ivset_fini(dd__ivset *x)
{
    for (size_t d = 0; d < x->n_day; d++)
        free(x->day[d].idx);
    free(x->day);
    free(x->v);
    memset(x, 0, sizeof *x);
}

static int32_t nearest_hub(const dd_scenario *s, int32_t site)
{
    int32_t best = 0;
    double bd = INFINITY;
    for (size_t h = 0; h < s->n_hubs; h++) {
        double d = dd__hub_distance(s, site, (int32_t)h);
        if (d < bd) {
            bd = d;
            best = (int32_t)h;
        }
    }
    return best;
}

/* The hubs by distance from a site, nearest first (ties: lower index). */
static void order_hubs(const dd_scenario *s, int32_t site, int32_t *out)
{
    size_t n = s->n_hubs;
    for (size_t h = 0; h < n; h++)
        out[h] = (int32_t)h;
    for (size_t i = 1; i < n; i++) { /* insertion: a handful of hubs */
        int32_t v = out[i];
        double dv = dd__hub_distance(s, site, v);
        size_t j = i;
        while (j > 0 && dd__hub_distance(s, site, out[j - 1]) > dv) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = v;
    }
}

/* First time at which a type has at least k+1 tails, or DD_TIME_NONE. */
static dd_time tail_from(const dd_aircraft *a, int32_t k, int32_t extra)
{
    for (size_t i = 0; i < a->n_tails; i++)
        if (a->tails[i].count + extra > k)
            return a->tails[i].from > 0 ? a->tails[i].from : 0;
    return DD_TIME_NONE;
}

/* When the tails table never takes a tail away (its steps in order of
 * time, counts never falling), tail k flies over [from, to] exactly when
 * from is at or after the first step that gives the type k+1 tails: that
 * time, per tail of type a, into since[] (INT64_MIN: always; INT64_MAX:
 * never). false: the table takes tails away (tail_ok decides). */
static bool tails_since(const dd_aircraft *a, int32_t extra, int32_t n, dd_time *since)
{
    for (size_t i = 0; i < a->n_tails; i++)
        if (a->tails[i].count < (i ? a->tails[i - 1].count : 0) ||
            (i && a->tails[i].from < a->tails[i - 1].from))
            return false;
    for (int32_t k = 0; k < n; k++) {
        since[k] = extra > k ? INT64_MIN : INT64_MAX;
        for (size_t i = 0; i < a->n_tails && since[k] == INT64_MAX; i++)
            if (a->tails[i].count + extra > k)
                since[k] = a->tails[i].from;
    }
    return true;
}

/* Every tail at its type's home, free from when the tails table first
 * gives the type that many. */
static void reset_tails(dd__state *st)
{
    const dd_scenario *s = st->s;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        const dd_aircraft *t = &s->aircraft[a];
        for (int32_t k = 0; k < st->n_tails[a]; k++) {
            dd_time f = tail_from(t, k, st->terms->extra_tails[a]);
            st->tails[a][k].hub = t->home;
            st->tails[a][k].free_at = f == DD_TIME_NONE ? INT64_MAX / 4 : f;
        }
    }
    dd__state_tails_moved(st, -1);
}

dd_status dd__state_init(dd__state *st, const dd_scenario *s, const dd__terms *terms)
{
    memset(st, 0, sizeof *st);
    st->s = s;
    st->terms = terms;
    st->day0_unix = floor_div(floor_div(s->epoch_unix, 60) + s->agreement.tz_offset, 1440);
    st->epoch_utc_min = dd__mod_day(floor_div(s->epoch_unix, 60));
    st->epoch_host_min = dd__mod_day(floor_div(s->epoch_unix, 60) + s->agreement.tz_offset);
    size_t ns = s->n_sites ? s->n_sites : 1, na = s->n_aircraft ? s->n_aircraft : 1;
    st->hub_of_site = calloc(ns, sizeof *st->hub_of_site);
    st->tails = calloc(na, sizeof *st->tails);
    st->n_tails = calloc(na, sizeof *st->n_tails);
    st->ground = calloc(ns, sizeof *st->ground);
    st->n_ground = calloc(ns, sizeof *st->n_ground);
    st->cap_ground = calloc(ns, sizeof *st->cap_ground);
    st->site_day = calloc(ns, sizeof *st->site_day);
    st->bucket = calloc(ns, sizeof *st->bucket);
    st->n_bucket = calloc(ns, sizeof *st->n_bucket);
    if (!st->bucket || !st->n_bucket)
        return DD_ENOMEM;
    if (!st->hub_of_site || !st->tails || !st->n_tails || !st->ground || !st->n_ground ||
        !st->cap_ground || !st->site_day)
        return DD_ENOMEM;
    for (size_t i = 0; i < s->n_sites; i++)
        st->hub_of_site[i] = s->n_hubs ? nearest_hub(s, (int32_t)i) : -1;
    size_t nh = s->n_hubs ? s->n_hubs : 1;
    st->ferry_min = malloc(na * ns * nh * sizeof *st->ferry_min);
    st->hub_acl = malloc(na * ns * nh * sizeof *st->hub_acl);
    st->hours_wait = calloc(na * ns, sizeof *st->hours_wait);
    st->tail_since = calloc(na, sizeof *st->tail_since);
    if (!st->ferry_min || !st->hub_acl || !st->hours_wait || !st->tail_since)
        return DD_ENOMEM;
    for (size_t a = 0; a < s->n_aircraft; a++)
        for (size_t i = 0; i < s->n_sites; i++)
            for (size_t h = 0; h < s->n_hubs; h++) {
                double dist = dd__hub_distance(s, (int32_t)i, (int32_t)h);
                st->ferry_min[(a * ns + i) * nh + h] =
                    dd__flight_minutes(dist, s->aircraft[a].cruise_mps);
                st->hub_acl[(a * ns + i) * nh + h] = floor(dd_aircraft_acl(&s->aircraft[a], dist));
            }
    for (size_t a = 0; a < s->n_aircraft; a++) {
        int32_t most = dd_aircraft_tails_max(&s->aircraft[a]) + terms->extra_tails[a];
        st->n_tails[a] = most;
        st->tails[a] = calloc(most ? (size_t)most : 1, sizeof **st->tails);
        st->tail_since[a] = malloc((most ? (size_t)most : 1) * sizeof **st->tail_since);
        if (!st->tails[a] || !st->tail_since[a])
            return DD_ENOMEM;
        if (!tails_since(&s->aircraft[a], terms->extra_tails[a], most, st->tail_since[a])) {
            free(st->tail_since[a]);
            st->tail_since[a] = NULL;
        }
    }
    st->hub_order = malloc(ns * nh * sizeof *st->hub_order);
    st->hub_ramp = calloc(nh, sizeof *st->hub_ramp);
    size_t no = s->agreement.clearance.n_overflight;
    st->over_day = calloc(no ? no : 1, sizeof *st->over_day);
    st->hub_pax = calloc(nh ? nh : 1, sizeof *st->hub_pax);
    st->stop_ramp = calloc(s->n_stops ? s->n_stops : 1, sizeof *st->stop_ramp);
    if (!st->hub_order || !st->hub_ramp || !st->over_day || !st->hub_pax || !st->stop_ramp)
        return DD_ENOMEM;
    for (size_t i = 0; i < s->n_sites; i++)
        order_hubs(s, (int32_t)i, st->hub_order + i * nh);
    st->crew = calloc(na, sizeof *st->crew);
    st->fly = calloc(na, sizeof *st->fly);
    if (!st->crew || !st->fly)
        return DD_ENOMEM;
    for (size_t a = 0; a < s->n_aircraft; a++)
        if (s->aircraft[a].utilisation > 0) {
            st->fly[a] = calloc(st->n_tails[a] ? (size_t)st->n_tails[a] : 1, sizeof **st->fly);
            if (!st->fly[a])
                return DD_ENOMEM;
        }
    reset_tails(st);
    return dd__tailix_init(st);
}

static void mog_memo_free(dd__state *st);

void dd__state_clear(dd__state *st)
{
    const dd_scenario *s = st->s;
    reset_tails(st);
    if (st->n_mog_span)
        memset(st->n_mog_span, 0, s->n_sites * s->n_aircraft * sizeof *st->n_mog_span);
    dd__state_forget_none(st);
    for (size_t i = 0; i < s->n_sites; i++) {
        st->n_ground[i] = 0;
        for (size_t d = 0; d < st->n_bucket[i]; d++)
            st->bucket[i][d].n = 0;
        if (st->site_day[i].v)
            memset(st->site_day[i].v, 0, st->site_day[i].n * sizeof *st->site_day[i].v);
    }
    if (st->country.v)
        memset(st->country.v, 0, st->country.n * sizeof *st->country.v);
    for (size_t h = 0; h < s->n_hubs; h++)
        ivset_clear(&st->hub_ramp[h]);
    for (size_t k = 0; k < s->n_stops; k++)
        ivset_clear(&st->stop_ramp[k]);
    for (size_t k = 0; k < s->agreement.clearance.n_overflight; k++)
        if (st->over_day[k].v)
            memset(st->over_day[k].v, 0, st->over_day[k].n * sizeof *st->over_day[k].v);
    dd__hub_pax_reset(st);
    for (size_t a = 0; a < s->n_aircraft; a++) {
        ivset_clear(&st->crew[a]);
        for (int32_t k = 0; st->fly[a] && k < st->n_tails[a]; k++)
            if (st->fly[a][k].v)
                memset(st->fly[a][k].v, 0, st->fly[a][k].n * sizeof *st->fly[a][k].v);
    }
    st->n_sorties = 0;
}

void dd__state_fini(dd__state *st)
{
    const dd_scenario *s = st->s;
    if (!s)
        return;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        if (st->tails)
            free(st->tails[a]);
        if (st->crew)
            ivset_fini(&st->crew[a]);
        for (int32_t k = 0; st->fly && st->fly[a] && k < st->n_tails[a]; k++)
            free(st->fly[a][k].v);
        if (st->fly)
            free(st->fly[a]);
    }
    for (size_t i = 0; i < s->n_sites; i++) {
        if (st->bucket && st->bucket[i]) {
            for (size_t d = 0; d < st->n_bucket[i]; d++)
                free(st->bucket[i][d].idx);
            free(st->bucket[i]);
        }
        if (st->ground)
            free(st->ground[i]);
        if (st->site_day)
            free(st->site_day[i].v);
    }
    dd__tailix_fini(st);
    free(st->tails);
    free(st->n_tails);
    mog_memo_free(st);
    for (size_t h = 0; st->hub_ramp && h < s->n_hubs; h++)
        ivset_fini(&st->hub_ramp[h]);
    for (size_t k = 0; st->stop_ramp && k < s->n_stops; k++)
        ivset_fini(&st->stop_ramp[k]);
    free(st->stop_ramp);
    for (size_t k = 0; st->over_day && k < s->agreement.clearance.n_overflight; k++)
        free(st->over_day[k].v);
    for (size_t h = 0; st->hub_pax && h < s->n_hubs; h++)
        free(st->hub_pax[h].v);
    free(st->hub_order);
    free(st->hub_ramp);
    free(st->over_day);
    free(st->hub_pax);
    free(st->crew);
    free(st->fly);
    free(st->ground);
    free(st->n_ground);
    free(st->cap_ground);
    free(st->site_day);
    free(st->bucket);
    free(st->n_bucket);
    free(st->country.v);
    free(st->hub_of_site);
    free(st->ferry_min);
    free(st->hub_acl);
    if (st->hours_wait)
        for (size_t i = 0; i < st->s->n_aircraft * st->s->n_sites; i++)
            free(st->hours_wait[i]);
    free(st->hours_wait);
    if (st->tail_since)
        for (size_t a = 0; a < st->s->n_aircraft; a++)
            free(st->tail_since[a]);
    free(st->tail_since);
    /* sorties are handed to the plan, which frees them */
    memset(st, 0, sizeof *st);
}

/* ---- the departures a ramp is known not to take: the memo made and freed ---- */

static void mog_memo_free(dd__state *st)
{
    for (size_t k = 0; st->mog_span && k < st->s->n_sites * st->s->n_aircraft; k++)
        free(st->mog_span[k]);
    for (size_t k = 0; st->none_span && k < st->s->n_sites * st->s->n_aircraft; k++)
        free(st->none_span[k]);
    free(st->mog_span);
    free(st->none_span);
    free(st->view_lb);
    free(st->n_mog_span);
    free(st->cap_mog_span);
    free(st->n_none_span);
    free(st->cap_none_span);
    st->mog_span = st->none_span = NULL;
    st->view_lb = NULL;
    st->n_mog_span = st->cap_mog_span = st->n_none_span = st->cap_none_span = NULL;
}

dd_status dd__state_mog_memo(dd__state *st, bool on)
{
    size_t n = st->s->n_sites * st->s->n_aircraft;
    if (!on)
        mog_memo_free(st);
    if (!on || st->mog_span || n == 0)
        return DD_OK;
    st->mog_span = calloc(n, sizeof *st->mog_span);
    st->n_mog_span = calloc(n, sizeof *st->n_mog_span);
    st->cap_mog_span = calloc(n, sizeof *st->cap_mog_span);
    st->none_span = calloc(n, sizeof *st->none_span);
    st->n_none_span = calloc(n, sizeof *st->n_none_span);
    st->cap_none_span = calloc(n, sizeof *st->cap_none_span);
    if (!st->none_span || !st->n_none_span || !st->cap_none_span)
        return DD_ENOMEM;
    int32_t most = 1;
    for (size_t a = 0; a < st->s->n_aircraft; a++)
        most = st->n_tails[a] > most ? st->n_tails[a] : most;
    st->view_lb_n = (size_t)most;
    st->view_lb = malloc(2 * n * (size_t)most * sizeof *st->view_lb);
    if (st->view_lb)
        dd__state_forget_none(st);
    return st->mog_span && st->n_mog_span && st->cap_mog_span && st->view_lb ? DD_OK
                                                                              : DD_ENOMEM;
}

void dd__state_forget_none(dd__state *st)
{
    st->none_stale = false;
    size_t n = st->s->n_sites * st->s->n_aircraft;
    if (st->n_none_span)
        memset(st->n_none_span, 0, n * sizeof *st->n_none_span);
    for (size_t i = 0; st->view_lb && i < 2 * n * st->view_lb_n; i++)
        st->view_lb[i] = INT64_MIN;
}

/* ---- taking a booking back out (an incremental re-plan's kept state) ---- */

/* A ground time [from, to) taken off `site`'s ramp: the departures whose
 * ground time overlaps it are no longer known full. */
static void mog_forget(dd__state *st, int32_t site, dd_time from, dd_time to)
{
    const dd_scenario *s = st->s;
    for (size_t a = 0; st->mog_span && a < s->n_aircraft; a++) {
        size_t k = (size_t)site * s->n_aircraft + a, n = st->n_mog_span[k];
        struct dd__span *v = st->mog_span[k];
        dd_time lo = from + 1,
                hi = to + s->aircraft[a].ground_time; /* departures t: t - g < to, t > from */
        size_t i = span_after(v, n, lo), j = i;
        while (j < n && v[j].lo < hi)
            j++;
        if (j == i)
            continue;
        /* v[i .. j) overlap [lo, hi): keep what lies outside it */
        struct dd__span head = v[i], tail = v[j - 1];
        size_t m = 0;
        struct dd__span keep[2];
        if (head.lo < lo)
            keep[m++] = (struct dd__span){head.lo, lo};
        if (tail.hi > hi)
            keep[m++] = (struct dd__span){hi, tail.hi};
        if (m > j - i && n == st->cap_mog_span[k])
            m = 1; /* one span split in two, no room: its tail forgotten too */
        memmove(v + i + m, v + j, (n - j) * sizeof *v);
        memcpy(v + i, keep, m * sizeof *v);
        st->n_mog_span[k] = n - (j - i) + m;
    }
}

/* Index idx out of the buckets of the days [d0, d1] (clamped to the
 * buckets there are). */
static void bucket_remove(struct dd__bucket *bv, size_t n_bv, int32_t idx, int32_t d0, int32_t d1)
{
    for (int32_t day = d0 < 0 ? 0 : d0; day <= d1 && (size_t)day < n_bv; day++) {
        struct dd__bucket *b = &bv[day];
        for (size_t k = 0; k < b->n; k++)
            if (b->idx[k] == idx) {
                b->idx[k] = b->idx[--b->n];
                break;
            }
    }
}

/* The interval [from, to) of weight (or class) w out of the intervals v
 * indexed by day buckets: the first live one equal to it in the bucket of
 * its first day is taken out of every bucket and left dead in v (nothing
 * reads v but through the buckets). An interval before day 0 is in no
 * bucket and never seen: nothing to do. */
static void interval_remove(const dd_scenario *s, dd__ground *v, struct dd__bucket *bv,
                            size_t n_bv, dd_time from, dd_time to, int32_t w)
{
    int32_t d0 = dd_scenario_day(s, from), d1 = dd_scenario_day(s, to - 1);
    int32_t first = d0 < 0 ? 0 : d0;
    if (first > d1 || (size_t)first >= n_bv)
        return;
    const struct dd__bucket *b = &bv[first];
    for (size_t k = 0; k < b->n; k++) {
        dd__ground *g = &v[b->idx[k]];
        if (g->from == from && g->to == to && g->klass == w) {
            int32_t idx = b->idx[k];
            bucket_remove(bv, n_bv, idx, d0, d1);
            g->from = g->to = INT64_MIN;
            return;
        }
    }
}

static void ivset_remove(const dd_scenario *s, dd__ivset *x, dd_time from, dd_time to,
                         int32_t weight)
{
    interval_remove(s, x->v, x->day, x->n_day, from, to, weight);
}

/* book_crew undone. */
static void unbook_crew(dd__state *st, const dd_sortie *so)
{
    const dd_aircraft *ac = &st->s->aircraft[so->aircraft];
    int32_t a = so->aircraft;
    if (ac->utilisation > 0 && so->tail >= 0 && so->tail < st->n_tails[a])
        day_add(&st->fly[a][so->tail], dd_scenario_day(st->s, so->departure),
                -(int32_t)((so->arrival - so->departure) +
                           (so->arrival_at_site - so->ferry_departure)));
    if (ac->crews < 0)
        return;
    int32_t need = dd_aircraft_crews_for(ac, so->arrival - so->ferry_departure);
    if (need < 1)
        need = 2;
    dd_time from = so->ferry_departure, to = so->arrival + ac->crew_rest;
    ivset_remove(st->s, &st->crew[a], from, to > from ? to : from + 1, need);
}

/* book_hub undone. */
static void unbook_hub(dd__state *st, const dd_sortie *so, dd_time ground)
{
    const dd_clearance_terms *c = &st->s->agreement.clearance;
    int32_t day = dd__state_day(st, so->departure);
    for (size_t k = 0; k < c->n_overflight; k++)
        if (needs_country(st->s, so->ferry_from, so->hub, so->stop, so->stop2, (int32_t)k))
            day_add(&st->over_day[k], day, -1);
    if (so->stop > 0 && st->s->stops[so->stop - 1].mog >= 0)
        ivset_remove(st->s, &st->stop_ramp[so->stop - 1], so->stop_arrival,
                     so->stop_departure > so->stop_arrival ? so->stop_departure
                                                           : so->stop_arrival + 1,
                     1);
    if (so->stop2 > 0 && st->s->stops[so->stop2 - 1].mog >= 0)
        ivset_remove(st->s, &st->stop_ramp[so->stop2 - 1], so->stop2_arrival,
                     so->stop2_departure > so->stop2_arrival ? so->stop2_departure
                                                             : so->stop2_arrival + 1,
                     1);
    int32_t h = so->hub;
    if (h >= 0 && st->s->hubs[h].mog >= 0)
        ivset_remove(st->s, &st->hub_ramp[h], so->arrival,
                     so->arrival + (ground > 0 ? ground : 1), 1);
}

void dd__state_unhold(dd__state *st, const dd_sortie *so)
{
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[so->aircraft];
    int32_t day = dd_scenario_day(s, so->departure), site = so->site;
    /* day_add only lowers counts that exist: never fails */
    day_add(&st->country, day, -1);
    day_add(&st->site_day[site], day, -1);
    interval_remove(s, st->ground[site], st->bucket[site], st->n_bucket[site],
                    so->arrival_at_site, so->departure, ac->klass);
    mog_forget(st, site, so->arrival_at_site, so->departure);
    st->none_stale = true; /* (its caps' days, its tail: anywhere; forgotten
                            * at the next search that reads them) */
    if (ac->crews >= 0 || ac->utilisation > 0)
        unbook_crew(st, so);
    if (route_books(s) && so->hub >= 0)
        unbook_hub(st, so, ac->ground_time);
}

bool dd__state_same_hold(const dd__state *st, const dd_sortie *a, const dd_sortie *b)
{
    const dd_aircraft *ac = &st->s->aircraft[a->aircraft];
    /* the tail and the ferry are booked only for crews, tail hours and
     * the ferry's overflights */
    bool ferry = ac->crews >= 0 || ac->utilisation > 0 ||
                 st->s->agreement.clearance.n_overflight > 0;
    return a->site == b->site && a->aircraft == b->aircraft && a->hub == b->hub &&
           a->stop == b->stop && a->arrival_at_site == b->arrival_at_site &&
           a->departure == b->departure && a->arrival == b->arrival &&
           (!ferry || (a->tail == b->tail && a->ferry_from == b->ferry_from &&
                       a->ferry_departure == b->ferry_departure)) &&
           (a->stop <= 0 || (a->stop_arrival == b->stop_arrival &&
                             a->stop_departure == b->stop_departure)) &&
           a->stop2 == b->stop2 &&
           (a->stop2 <= 0 || (a->stop2_arrival == b->stop2_arrival &&
                              a->stop2_departure == b->stop2_departure));
}

void dd__state_reset_tails(dd__state *st)
{
    reset_tails(st);
}

