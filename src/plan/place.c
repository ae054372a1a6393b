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
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "plan/plan_int.h"

#define STEP 15 /* minutes between candidate departure times */

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

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int32_t day_get(const dd__daycount *d, int32_t day)
{
    return day >= 0 && (size_t)day < d->n ? d->v[day] : 0;
}

static bool day_grow(dd__daycount *d, int32_t day, int32_t by)
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

static bool day_inc(dd__daycount *d, int32_t day)
{
    return day_add(d, day, 1);
}

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

/* ---- clearance caps: a schedule of steps, daily and weekly ---- */

/* The daily cap a step allows when the run's cap (`now`: the scenario's
 * daily_cap, relaxed or moved by a variant or the host) is not the one the
 * schedule was read with (`base`); see dd_clearance_terms. */
static int32_t moved_cap(int32_t step, int32_t now, int32_t base)
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
static const dd_cap_step *step_on(const dd_cap_step *v, size_t n, int32_t day)
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

static capset capset_of(const dd_cap_step *v, size_t n, int32_t base, int32_t now)
{
    capset c = {v, n, base, now, false};
    for (size_t i = 0; i < n; i++)
        if (v[i].weekly >= 0)
            c.weekly = true;
    return c;
}

static int32_t daily_on(const capset *c, int32_t day)
{
    if (c->n == 0)
        return c->now;
    const dd_cap_step *at = step_on(c->v, c->n, day);
    return at ? moved_cap(at->daily, c->now, c->base) : 0;
}

static int32_t weekly_on(const capset *c, int32_t day)
{
    const dd_cap_step *at = step_on(c->v, c->n, day);
    return at ? at->weekly : 0;
}

/* Day number 0 = Monday of host day `day`. */
static int32_t weekday(const dd__state *st, int32_t day)
{
    int64_t d = st->day0_unix + day + 3; /* 1970-01-01 was a Thursday */
    return (int32_t)(d - floor_div(d, 7) * 7);
}

/* True if one more clearance on `day` keeps the count under every cap:
 * that day's daily cap, and the weekly cap in force on each day whose
 * window (the 7 days ending on it, or its calendar week up to it) holds
 * `day`. */
static bool week_room(const dd__state *st, const capset *c, const dd__daycount *cnt, int32_t day);

static inline bool cap_room(const dd__state *st, const capset *c, const dd__daycount *cnt,
                            int32_t day)
{
    int32_t d = daily_on(c, day);
    if (d >= 0 && day_get(cnt, day) >= d)
        return false;
    return !c->weekly || week_room(st, c, cnt, day);
}

/* cap_room's weekly caps. */
static bool week_room(const dd__state *st, const capset *c, const dd__daycount *cnt, int32_t day)
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
static bool caps_shut(const capset *c, int32_t day)
{
    if (c->n == 0)
        return c->now == 0;
    const dd_cap_step *last = &c->v[c->n - 1];
    return day >= last->day && (moved_cap(last->daily, c->now, c->base) == 0 || last->weekly == 0);
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

/* tail_ok for tail k of type a, through tails_since's times when the
 * type has them */
static bool tail_free(const dd__state *st, int32_t a, int32_t k, dd_time from, dd_time to)
{
    const dd_time *since = st->tail_since[a];
    if (since)
        return from >= since[k];
    return tail_ok(&st->s->aircraft[a], k, st->terms->extra_tails[a], from, to);
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

static int32_t mog_class(const dd_site *x, int32_t klass)
{
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == klass)
            return x->mog[k].count;
    return -1; /* not listed */
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

/* Does one more aircraft of `klass` on the ground over [a, d) keep within
 * the MOG? On failure *full gets the latest moment of [a, d) at which the
 * ramp is full: aircraft are only ever added, so the ramp stays full then,
 * and no ground time that includes it can fit. */
/* ---- the departures a ramp is known not to take (st->mog_span) ---- */

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

/* The first span of list v (n long) whose hi is after t. */
static size_t span_after(const struct dd__span *v, size_t n, dd_time t)
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

void dd__state_forget_none(dd__state *st)
{
    st->none_stale = false;
    size_t n = st->s->n_sites * st->s->n_aircraft;
    if (st->n_none_span)
        memset(st->n_none_span, 0, n * sizeof *st->n_none_span);
    for (size_t i = 0; st->view_lb && i < 2 * n * st->view_lb_n; i++)
        st->view_lb[i] = INT64_MIN;
}

/* A ground time [from, to) taken off `site`'s ramp: the departures whose
 * ground time overlaps it are no longer known full. */
static void mog_forget(dd__state *st, int32_t site, dd_time from, dd_time to)
{
    const dd_scenario *s = st->s;
    for (size_t a = 0; st->mog_span && a < s->n_aircraft; a++) {
        size_t k = (size_t)site * s->n_aircraft + a, n = st->n_mog_span[k];
        struct dd__span *v = st->mog_span[k];
        dd_time lo = from + 1, hi = to + s->aircraft[a].ground_time; /* departures t: t - g < to, t > from */
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

/* The flight minutes of type a from site to each hub */
static const int32_t *ferry_row(const dd__state *st, int32_t a, int32_t site)
{
    size_t ns = st->s->n_sites ? st->s->n_sites : 1, nh = st->s->n_hubs ? st->s->n_hubs : 1;
    return &st->ferry_min[((size_t)a * ns + (size_t)site) * nh];
}

static int32_t ferry_minutes(const dd__state *st, int32_t a, int32_t site, int32_t hub)
{
    return ferry_row(st, a, site)[hub];
}

/* floor(dd_aircraft_acl) of type a flying direct from site to hub */
static double hub_acl(const dd__state *st, int32_t a, int32_t site, int32_t hub)
{
    size_t ns = st->s->n_sites ? st->s->n_sites : 1, nh = st->s->n_hubs ? st->s->n_hubs : 1;
    return st->hub_acl[((size_t)a * ns + (size_t)site) * nh + (size_t)hub];
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

/* ---- hubs: their ramps and the overflight clearances of their routes ---- */

/* Does one more aircraft on the ground at hub h over [a, d) keep within
 * its MOG? */
static bool hub_ok(const dd__state *st, int32_t h, dd_time a, dd_time d)
{
    const dd_hub *x = &st->s->hubs[h];
    dd_time free_at;
    return x->mog < 0 || ivset_fits(st->s, &st->hub_ramp[h], a, d, 1, x->mog, &free_at);
}

/* Does the route of a sortie ferried from hub `from`, on to hub `to`,
 * through stops `stop` and `stop2` (1-based, 0: none) need country k's
 * clearance? (the countries its routes cross, and those a landing at its
 * stops needs) */
static bool needs_country(const dd_scenario *s, int32_t from, int32_t to, int32_t stop,
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
static bool over_ok(const dd__state *st, int32_t from, int32_t to, int32_t stop, int32_t stop2,
                    dd_time t, int32_t day, dd_time *next)
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

static dd_status book_hub(dd__state *st, const dd_sortie *so, dd_time ground)
{
    const dd_clearance_terms *c = &st->s->agreement.clearance;
    int32_t day = dd__state_day(st, so->departure);
    for (size_t k = 0; k < c->n_overflight; k++)
        if (needs_country(st->s, so->ferry_from, so->hub, so->stop, so->stop2, (int32_t)k) &&
            !day_add(&st->over_day[k], day, 1))
            return DD_ENOMEM;
    if (so->stop > 0 && st->s->stops[so->stop - 1].mog >= 0 &&
        ivset_add(st->s, &st->stop_ramp[so->stop - 1], so->stop_arrival,
                  so->stop_departure > so->stop_arrival ? so->stop_departure
                                                        : so->stop_arrival + 1,
                  1) != DD_OK)
        return DD_ENOMEM;
    if (so->stop2 > 0 && st->s->stops[so->stop2 - 1].mog >= 0 &&
        ivset_add(st->s, &st->stop_ramp[so->stop2 - 1], so->stop2_arrival,
                  so->stop2_departure > so->stop2_arrival ? so->stop2_departure
                                                          : so->stop2_arrival + 1,
                  1) != DD_OK)
        return DD_ENOMEM;
    int32_t h = so->hub;
    if (h < 0 || st->s->hubs[h].mog < 0)
        return DD_OK; /* a leg inside the country lands at no hub */
    return ivset_add(st->s, &st->hub_ramp[h], so->arrival, so->arrival + (ground > 0 ? ground : 1),
                     1);
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
static double route_acl(const dd_scenario *s, int32_t a, int32_t site, int32_t h,
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
    if (p->mog >= 0 && !ivset_fits(s, &st->stop_ramp[k], land, *off > land ? *off : land + 1, 1,
                                   p->mog, &free_at) &&
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
static int32_t pick_hub(const dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                        dd_time t, int32_t day, dd_time *next, route *rt)
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

/* Does a sortie's route book anything beyond its site: overflight
 * clearances, a hub's ramp, an en-route fuel stop's ramp and clearance? */
static bool route_books(const dd_scenario *s)
{
    bool v = s->agreement.clearance.n_overflight > 0 || s->n_stops > 0;
    for (size_t h = 0; h < s->n_hubs && !v; h++)
        v = s->hubs[h].mog >= 0;
    return v;
}

dd_status dd__state_book_flown(dd__state *st, const dd_sortie *so, bool crews)
{
    if ((crews ? book_crew(st, so) : book_fly(st, so)) != DD_OK)
        return DD_ENOMEM;
    /* its route: a sortie still in the air (or on its stop's ramp) holds
     * the ramps it lands on, and its clearances count on their day */
    if (so->hub >= 0 && route_books(st->s))
        return book_hub(st, so, st->s->aircraft[so->aircraft].ground_time);
    return DD_OK;
}

static bool blackout(const dd_scenario *s, int32_t day)
{
    const dd_clearance_terms *c = &s->agreement.clearance;
    for (size_t i = 0; i < c->n_blackout; i++)
        if (c->blackout[i] == day)
            return true;
    return false;
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

dd_status dd__state_hold(dd__state *st, const dd_sortie *so)
{
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[so->aircraft];
    int32_t day = dd__state_day(st, so->departure);
    if (book_ground(st, so->site, day, so->arrival_at_site, so->departure, ac->klass) != DD_OK)
        return DD_ENOMEM;
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_crew(st, so) != DD_OK)
        return DD_ENOMEM;
    if (route_books(s) && so->hub >= 0 && book_hub(st, so, ac->ground_time) != DD_OK)
        return DD_ENOMEM;
    return DD_OK;
}

/* ---- taking a booking back out (an incremental re-plan's kept state) ---- */

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
    if (!view && dd__tailix_ready(st, rq->aircraft)) {
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

/* A sortie's en-route fuel stops, as its route says. */
static void set_stop(dd_sortie *so, const route *rt)
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
static void set_load(dd_sortie *so, const dd__request *rq, const dd_loadplan *lp,
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
        so->acl_kg = route_acl(s, rq->aircraft, rq->site, hub, rt);
    set_load(so, rq, lp, ac);
    dd__state_set_tail(st, rq->aircraft, best, hub, so->arrival + ac->ground_time);
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_crew(st, so) != DD_OK)
        return DD_ENOMEM;
    if (hubs_vary && book_hub(st, so, ac->ground_time) != DD_OK)
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

/* ---- legs inside the country (issue 18) ---- */

/* A leg's onward sortie: the via site, the hub it flies to and the
 * minutes there (through en-route fuel stops when rt says so), the leg's
 * landing at the via site and the onward departure. */
typedef struct onward {
    int32_t via, hub, out_min;
    dd_time land, dep;
    route rt;
} onward;

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
    if (!mog_ok(st, rv->site, s->aircraft[rv->aircraft].klass, o->land, d, &full))
        return 0;
    int32_t h = pick_hub(st, rv, lp, d, day, &next, &o->rt);
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
static int plan_onward(dd__state *st, const dd__request *rq, const dd_loadplan *lp, dd_time t,
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
        int64_t sum = (lo <= d_leg && d_leg <= e ? m_leg : 0) + (lo <= d_on && d_on <= e ? m_on : 0);
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
static bool legs_ok(const dd__state *st, const dd__request *rq, const onward *on, int32_t best,
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
        if (ivset_add(st->s, &st->crew[a], from, to > from ? to : from + 1,
                      need < 1 ? 2 : need) != DD_OK)
            return DD_ENOMEM;
        from = split;
    }
    int32_t need = dd_aircraft_crews_for(ac, on->arrival - from);
    if (need < 1)
        need = 2;
    dd_time to = on->arrival + ac->crew_rest;
    return ivset_add(st->s, &st->crew[a], from, to > from ? to : from + 1, need);
}

/* The leg (tail `best`, on the ground at its site from a, leaving at t)
 * and its onward sortie `on`, placed: both ramps, both days' caps, the
 * tail, its crews, the routes' overflights and the hub's ramp booked. */
static dd_status commit_leg(dd__state *st, const dd__request *rq, const dd_loadplan *lp,
                            int32_t best, const onward *on, dd_time a, dd_time t, int32_t day)
{
    const dd_scenario *s = st->s;
    const dd_aircraft *ac = &s->aircraft[rq->aircraft];
    const dd__tail *tl = &st->tails[rq->aircraft][best];
    dd_sortie *sv = dd__grow(st->sorties, &st->cap_sorties, st->n_sorties + 1, 64, sizeof *sv);
    if (!sv)
        return DD_ENOMEM;
    st->sorties = sv;
    if (book_ground(st, rq->site, day, a, t, ac->klass) != DD_OK ||
        book_ground(st, on->via, dd__state_day(st, on->dep), on->land, on->dep, ac->klass) !=
            DD_OK)
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
        out->acl_kg = route_acl(s, rq->aircraft, on->via, on->hub, &on->rt);
    dd__state_set_tail(st, rq->aircraft, best, on->hub, out->arrival + ac->ground_time);
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_leg_crew(st, leg, out, true) != DD_OK)
        return DD_ENOMEM;
    if (book_hub(st, leg, ac->ground_time) != DD_OK ||
        book_hub(st, out, ac->ground_time) != DD_OK)
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
    if (route_books(st->s) && book_hub(st, on, ac->ground_time) != DD_OK)
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
    if (book_ground(st, rq->site, dd_scenario_day(s, o.dep), o.land, o.dep, ac->klass) != DD_OK)
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
        out->acl_kg = route_acl(s, rq->aircraft, rq->site, o.hub, &o.rt);
    dd__state_set_tail(st, rq->aircraft, leg->tail, o.hub, out->arrival + g);
    if ((ac->crews >= 0 || ac->utilisation > 0) && book_leg_crew(st, leg, out, true) != DD_OK)
        return DD_ENOMEM;
    return book_hub(st, out, g);
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
            int found = plan_onward(st, rq, lp, t, &on);
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
            hub = pick_hub(st, rq, lp, t, day, &next, &rt);
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
        if (x->via >= 0 && !legs_ok(st, rq, &on, tp.best, t)) {
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
            return commit_leg(st, rq, lp, tp.best, &on, a, t, day);
        return commit_sortie(st, rq, lp, tp.best, hub, a, t, day, &rt, hubs_vary);
    }
    return DD_EINFEASIBLE;
}
