/* SPDX-License-Identifier: MIT */
/*
 * One replication: a discrete-event simulation of the plan's execution.
 * Events are clearance decisions and departure attempts, kept in a binary
 * queue ordered by (time, sequence). An attempt checks, in order: the
 * clearance (approved, inside its window; expired -> re-filed), the load's
 * readiness (task durations sampled), airfield closures (a Poisson process
 * per site), permitted and operating hours, blackout days, the day's caps,
 * a free tail (tails are a pool per type), ramp space (total MOG less
 * third-party reservations) and finally an abort draw. A failed check
 * schedules the next attempt at the earliest time that check could pass,
 * and charges the wait to that limit. With the re-plan policy, when a
 * disruption invalidates the plan (a denial, a late decision, an expiry,
 * an abort, a closure), the planner re-plans from the current state
 * (dd_replanner_run: loads matched to the clearances held, every sortie
 * still on the ground placed again under the plan's limits), at most once
 * per disruptions.replan; sorties that cannot keep their clearance file a
 * new request for the day the planner found. Exit processing is applied after the flights: each
 * site's people leave in time order, at most the day's capacity (times a
 * sampled factor) per day, the rest the next day.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <drawdown/replan.h>

#include "sim/sim_int.h"

enum { REQ_PENDING, REQ_APPROVED };
enum { EV_DECISION, EV_TRY };

typedef struct event {
    dd_time t;
    uint32_t seq;
    uint16_t kind;
    uint16_t gen; /* the flight's request generation when pushed */
    size_t f;
} event;

typedef dd__sim_window closure;

/* Events whose times share their high bits with the last one popped
 * down to bit b-1 (bk[b], b > 0), or at its time (bk[0]). */
typedef struct ev_bucket {
    event *v;
    size_t n, cap;
} ev_bucket;
#define N_BUCKETS 65

/* A flight's state in a replication: what an event or a re-plan's input
 * reads of it, in one cache line. With an array per field, an event
 * missed the cache in most of them (58,000 flights on the theater); what
 * each re-plan passes over for every flight on the ground, or every
 * event reads first, stays in small arrays of its own (the scratch's). */
typedef struct flight_state {
    dd_time departed;          /* DD_TIME_NONE: on the ground */
    dd_time target;            /* the departure its request asks for */
    dd_time win_from, win_to;  /* the window approved */
    dd_time ready;             /* load f's readiness (the flight's own: job) */
    int32_t site;              /* the model's, here for a decision */
    int32_t held_tail;         /* an aborted tail kept for it, or -1 */
    int32_t flew_tail;         /* once left: its tail (a leg's onward sortie flies it on) */
    int32_t req_day;           /* the day of its request, or -1 */
    uint8_t status;            /* REQ_* */
    uint8_t dirty_on;          /* in the dirty list */
} flight_state;
_Static_assert(sizeof(flight_state) <= 64, "a flight's state fits one cache line");

struct dd__sim_scratch {
    size_t n_flights;
    flight_state *fs; /* per flight, 64-byte aligned */
    /* per flight, apart for the re-plan's pass over the flights on the
     * ground (23,000 on the theater at each re-plan): the load it
     * carries, and whether it left (fs[f].departed != DD_TIME_NONE) */
    int32_t *job;
    uint8_t *gone;
    /* per flight, bumped at each re-filing: older events are stale (apart,
     * 2 bytes a flight, so that a stale event's check seldom misses the
     * cache: a third of the events popped on the theater) */
    uint16_t *gen;
    /* where each flight lands now (a re-plan may send it elsewhere) and
     * its flight minutes there, written by each re-plan */
    int32_t *hub_now;
    dd_time *fly_now;
    int32_t *tail_flown; /* per flight once left: its tail (fs[].flew_tail, flat) */
    dd_time *task_end, *task_shift, *grp_rel;
    dd_time *tail_free;
    int32_t *tail_hub;
    size_t *tail_off;
    /* re-planning through the planner */
    dd_replanner *rp;
    dd_exec_sortie *xs;
    dd_replan_sortie *ro;
    dd_sim_replan_fn on_replan; /* (dd_sim_options.on_replan) */
    void *on_replan_user;
    uint64_t rep; /* the replication running */
    dd_time *site_open;
    int32_t *site_cap;
    /* the flights still on the ground, by index (a superset: the re-plan
     * drops those that left) */
    size_t *live;
    size_t n_live;
    size_t *refl; /* a re-plan's flights to re-file, in the order of live */
    /* the flights whose xs entry the next re-plan fills again: those whose
     * state changed since the last one (touch) and those holding an
     * aborted tail, whose free time moves their ready (fs[f].dirty_on:
     * in the list) */
    size_t *dirty;
    size_t n_dirty;
    /* per destination, the closure a re-plan is told about
     * (DD_TIME_NONE: open) */
    dd_time *hub_from, *hub_to;
    const dd_time **tf_of;  /* per type: its tails in tail_free */
    const int32_t **th_of;  /* per type: its tails in tail_hub */
    int32_t *site_req, *country_req, *site_dep, *country_dep;
    closure *closures;
    size_t *n_closures;
    size_t max_closures;
    closure *susp; /* per site, max_closures: clearance suspensions */
    size_t *n_susp;
    closure *hub_cl; /* per destination, max_closures: its closures */
    size_t *n_hub_cl;
    dd_time *ground_from, *ground_to;
    size_t *n_ground;
    /* the event queue: a radix heap (below) */
    ev_bucket bk[N_BUCKETS];
    size_t head0; /* bk[0]'s next event */
    uint64_t last; /* the key of the last event popped (its time: last_t) */
    dd_time last_t;
    size_t n_heap;
    uint32_t seq;
    dd__sim_crews *crews; /* each crew's rest and fall-outs */
    /* exit processing */
    dd_time *ex_t;
    int32_t *ex_n, *ex_site;
    size_t *ex_idx;
    size_t cap_ex;
};

/* ---- distributions ---------------------------------------------------- */

static double normal(dd_rng *r)
{
    /* Box-Muller; one draw per call keeps the stream simple */
    double u1 = dd_rng_double(r), u2 = dd_rng_double(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double dd__sim_sample(const dd_dist *d, dd_rng *r, double dflt)
{
    switch (d->kind) {
    case DD_DIST_NONE:
        return dflt;
    case DD_DIST_FIXED:
        return d->a;
    case DD_DIST_UNIFORM:
        return d->a + (d->b - d->a) * dd_rng_double(r);
    case DD_DIST_TRIANGULAR: {
        double u = dd_rng_double(r), lo = d->a, mo = d->b, hi = d->c;
        if (hi <= lo)
            return lo;
        double fc = (mo - lo) / (hi - lo);
        if (u < fc)
            return lo + sqrt(u * (hi - lo) * (mo - lo));
        return hi - sqrt((1 - u) * (hi - lo) * (hi - mo));
    }
    case DD_DIST_LOGNORMAL:
        return d->a * exp(d->b * normal(r));
    case DD_DIST_EMPIRICAL: {
        double u = dd_rng_double(r);
        for (size_t i = 0; i < d->n; i++)
            if (u < d->cum[i])
                return d->values[i];
        return d->values[d->n - 1];
    }
    }
    return dflt;
}

/* ---- scratch ------------------------------------------------------------ */

#define ALLOC(p, n)                                                            \
    do {                                                                       \
        (p) = calloc((n) > 0 ? (n) : 1, sizeof *(p));                              \
        if (!(p))                                                              \
            goto fail;                                                         \
    } while (0)

dd__sim_scratch *dd__sim_scratch_new(const dd__sim_model *m)
{
    const dd_scenario *s = m->s;
    size_t nf = m->n_flights, ns = s->n_sites, nd = (size_t)m->n_days;
    dd__sim_scratch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->n_flights = nf;
    w->fs = aligned_alloc(64, (nf > 0 ? nf : 1) * sizeof *w->fs);
    if (!w->fs)
        goto fail;
    memset(w->fs, 0, (nf > 0 ? nf : 1) * sizeof *w->fs);
    ALLOC(w->job, nf);
    ALLOC(w->gone, nf);
    ALLOC(w->gen, nf);
    ALLOC(w->hub_now, nf);
    ALLOC(w->fly_now, nf);
    ALLOC(w->tail_flown, nf);
    ALLOC(w->task_end, s->n_tasks);
    ALLOC(w->task_shift, s->n_tasks);
    ALLOC(w->grp_rel, s->n_people);
    ALLOC(w->tail_off, s->n_aircraft + 1);
    for (size_t a = 0; a < s->n_aircraft; a++)
        w->tail_off[a + 1] = w->tail_off[a] + (size_t)m->max_tails[a];
    ALLOC(w->tail_free, w->tail_off[s->n_aircraft]);
    ALLOC(w->tail_hub, w->tail_off[s->n_aircraft]);
    ALLOC(w->xs, nf);
    ALLOC(w->ro, nf);
    ALLOC(w->site_open, ns);
    ALLOC(w->site_cap, ns);
    ALLOC(w->live, nf);
    ALLOC(w->refl, nf);
    ALLOC(w->dirty, nf);
    ALLOC(w->hub_from, s->n_hubs ? s->n_hubs : 1);
    ALLOC(w->hub_to, s->n_hubs ? s->n_hubs : 1);
    ALLOC(w->tf_of, s->n_aircraft);
    ALLOC(w->th_of, s->n_aircraft);
    for (size_t a = 0; a < s->n_aircraft; a++) {
        w->tf_of[a] = &w->tail_free[w->tail_off[a]];
        w->th_of[a] = &w->tail_hub[w->tail_off[a]];
    }
    if (dd_replanner_new(m->plan, &w->rp) != DD_OK)
        goto fail;
    w->crews = dd__sim_crews_new(s, nf);
    if (!w->crews)
        goto fail;
    ALLOC(w->site_req, ns * nd);
    ALLOC(w->site_dep, ns * nd);
    ALLOC(w->country_req, nd);
    ALLOC(w->country_dep, nd);
    w->max_closures = DD__SIM_MAX_WINDOWS;
    ALLOC(w->closures, ns * w->max_closures);
    ALLOC(w->n_closures, ns);
    ALLOC(w->susp, ns * w->max_closures);
    ALLOC(w->n_susp, ns);
    ALLOC(w->hub_cl, (s->n_hubs ? s->n_hubs : 1) * w->max_closures);
    ALLOC(w->n_hub_cl, s->n_hubs ? s->n_hubs : 1);
    ALLOC(w->ground_from, ns * nf);
    ALLOC(w->ground_to, ns * nf);
    ALLOC(w->n_ground, ns);
    for (size_t b = 0; b < N_BUCKETS; b++) {
        w->bk[b].cap = 64;
        ALLOC(w->bk[b].v, w->bk[b].cap);
    }
    w->cap_ex = nf + m->n_comm;
    ALLOC(w->ex_t, w->cap_ex);
    ALLOC(w->ex_n, w->cap_ex);
    ALLOC(w->ex_site, w->cap_ex);
    ALLOC(w->ex_idx, w->cap_ex);
    return w;
fail:
    dd__sim_scratch_free(w);
    return NULL;
}

void dd__sim_scratch_on_replan(dd__sim_scratch *w, dd_sim_replan_fn fn, void *user)
{
    w->on_replan = fn;
    w->on_replan_user = user;
}

void dd__sim_scratch_free(dd__sim_scratch *w)
{
    if (!w)
        return;
    void *ptrs[] = {w->fs,         w->job,        w->gone,  w->gen,  w->hub_now, w->fly_now,
                    w->tail_flown, w->task_end,   w->task_shift,  w->grp_rel,
                    w->tail_off,   w->tail_free,  w->site_req,   w->site_dep,    w->country_req,
                    w->country_dep, w->closures,  w->n_closures, w->susp, w->n_susp,
                    w->hub_cl,     w->n_hub_cl,   w->ground_from, w->ground_to,
                    w->n_ground,   w->ex_t,       w->ex_n,        w->ex_site,
                    w->ex_idx,     w->hub_from,    w->hub_to,
                    w->live,       w->refl,       w->dirty};
    for (size_t i = 0; i < sizeof ptrs / sizeof *ptrs; i++)
        free(ptrs[i]);
    free(w->tail_hub);
    for (size_t b = 0; b < N_BUCKETS; b++)
        free(w->bk[b].v);
    free(w->xs);
    free(w->ro);
    free(w->site_open);
    free(w->site_cap);
    free((void *)w->tf_of);
    free((void *)w->th_of);
    dd_replanner_free(w->rp);
    dd__sim_crews_free(w->crews);
    free(w);
}

/* ---- event queue --------------------------------------------------------- */

/* A radix heap (Ahuja, Mehlhorn, Orlin and Tarjan 1990): the simulation
 * never schedules an event before the one being handled, so the queue is
 * monotone and an event is filed by the highest bit in which its time
 * differs from the last popped; a pop that finds bk[0] spent empties the
 * lowest bucket with events into the lower ones. Pushes and most pops
 * touch the ends of arrays, where the binary heap it replaced sifted
 * through 4 MB of events on the theater (180,000 at the most, a third
 * stale). Ties of time pop in order of their sequence: bk[0] is sorted
 * when filled, and later pushes at its time come after. The order of the
 * pops is the binary heap's, (time, sequence). */

static uint64_t ev_key(dd_time t)
{
    return (uint64_t)t ^ (UINT64_C(1) << 63); /* signed order as unsigned */
}

/* The bit length of x: 0 for 0, 64 for one with the top bit set. */
static size_t bit_len(uint64_t x)
{
#if defined(__GNUC__)
    return x ? 64 - (size_t)__builtin_clzll(x) : 0;
#else
    size_t n = 0;
    for (unsigned sh = 32; sh > 0; sh /= 2)
        if (x >> sh) {
            x >>= sh;
            n += sh;
        }
    return n + (size_t)x;
#endif
}

static bool bucket_add(ev_bucket *b, const event *e)
{
    if (b->n == b->cap) {
        size_t cap = b->cap * 2;
        event *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return false;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = *e;
    return true;
}

static bool push(dd__sim_scratch *w, dd_time t, uint16_t kind, size_t f)
{
    /* (never earlier than the event being handled; should one be, it
     * goes now, so that the queue stays sound) */
    uint64_t k = ev_key(t);
    if (k < w->last)
        k = w->last, t = w->last_t;
    event e = {t, w->seq++, kind, w->gen[f], f};
    if (!bucket_add(&w->bk[bit_len(k ^ w->last)], &e))
        return false;
    w->n_heap++;
    return true;
}

/* bk[0] spent (and n_heap > 0): the lowest bucket with events gives the
 * next time, and its events go down to the buckets they fall in from it
 * (one that finds no memory is lost, as a push's). */
static void refill(dd__sim_scratch *w)
{
    w->bk[0].n = w->head0 = 0;
    size_t i = 1;
    while (i < N_BUCKETS - 1 && w->bk[i].n == 0)
        i++;
    ev_bucket *b = &w->bk[i];
    if (b->n == 0) { /* (none left: the count is spent) */
        w->n_heap = 0;
        return;
    }
    size_t mi = 0;
    for (size_t j = 1; j < b->n; j++)
        if (ev_key(b->v[j].t) < ev_key(b->v[mi].t))
            mi = j;
    uint64_t m = ev_key(b->v[mi].t);
    w->last = m;
    w->last_t = b->v[mi].t;
    for (size_t j = 0; j < b->n; j++) /* (each to a lower bucket than b) */
        if (!bucket_add(&w->bk[bit_len(ev_key(b->v[j].t) ^ m)], &b->v[j]))
            w->n_heap--;
    b->n = 0;
    ev_bucket *z = &w->bk[0];
    for (size_t j = 1; j < z->n; j++) { /* by sequence: mostly in order */
        event e = z->v[j];
        size_t q = j;
        for (; q > 0 && z->v[q - 1].seq > e.seq; q--)
            z->v[q] = z->v[q - 1];
        z->v[q] = e;
    }
}

/* The next event into *e; false when there is none. */
static bool pop(dd__sim_scratch *w, event *e)
{
    while (w->head0 == w->bk[0].n) {
        if (w->n_heap == 0)
            return false;
        refill(w);
    }
    w->n_heap--;
    *e = w->bk[0].v[w->head0++];
    return true;
}

/* ---- the replication --------------------------------------------------- */

typedef struct ctx {
    const dd__sim_model *m;
    const dd_scenario *s;
    const dd_disruptions *dz;
    dd__sim_scratch *w;
    const dd_sim_knobs *k;
    dd_rng rng;
    dd__sim_outcome *out;
    dd__sim_policy policy;
    bool invalid;
    dd_time next_replan;
} ctx;

static int32_t day_of(const ctx *c, dd_time t)
{
    int32_t d = dd_scenario_day(c->s, t);
    if (d < 0)
        return 0;
    return d >= c->m->n_days ? c->m->n_days - 1 : d;
}

static int32_t cap_site(const ctx *c, int32_t site)
{
    int32_t v = c->s->sites[site].daily_cap;
    if (v < 0)
        return INT32_MAX;
    v += c->k->cap_delta;
    return v < 1 ? 1 : v;
}

static int32_t cap_country(const ctx *c)
{
    int32_t v = c->s->agreement.clearance.daily_cap;
    if (v < 0)
        return INT32_MAX;
    v += c->k->cap_delta;
    return v < 1 ? 1 : v;
}

static double denial_p(const ctx *c, int32_t site)
{
    if (!c->dz->present)
        return 0;
    double p = c->dz->sites[site].denial >= 0 ? c->dz->sites[site].denial : c->dz->denial;
    p += c->k->denial_add;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

static dd_time decision_delay(ctx *c, int32_t site)
{
    double dflt = (double)c->s->agreement.clearance.decision_time;
    double v = dflt;
    if (c->dz->present) {
        const dd_dist *d = c->dz->sites[site].decision.kind != DD_DIST_NONE
                               ? &c->dz->sites[site].decision
                               : &c->dz->decision;
        v = dd__sim_sample(d, &c->rng, dflt);
    }
    v *= c->k->decision_scale;
    return v < 0 ? 0 : (dd_time)llround(v);
}

/* Flight f's state changed (its request, window, load, tail or
 * departure): the next re-plan tells the planner again. */
static void touch(dd__sim_scratch *w, size_t f)
{
    if (!w->fs[f].dirty_on) {
        w->fs[f].dirty_on = 1;
        w->dirty[w->n_dirty++] = f;
    }
}

static void charge(ctx *c, dd_sim_cause cause, size_t f, dd_time from, dd_time to)
{
    dd_time planned = c->m->flights[f].dep;
    if (from < planned)
        from = planned;
    if (to > from)
        c->out->delay[cause] += (float)((double)(to - from) / 60.0);
}

/* File a request at time t for flight f: the first day at or after
 * t + lead time (and `want`, when not DD_TIME_NONE) with room under both
 * caps, for a departure at `want` if that day is kept. */
static void refile_for(ctx *c, size_t f, dd_time t, dd_time want)
{
    dd__sim_scratch *w = c->w;
    const dd__sim_flight *fl = &c->m->flights[f];
    int32_t site = fl->site, nd = c->m->n_days;
    int32_t old = w->fs[f].req_day;
    if (old >= 0) {
        w->site_req[(size_t)site * (size_t)nd + (size_t)old]--;
        w->country_req[old]--;
    }
    dd_time earliest = t + c->s->agreement.clearance.lead_time;
    if (want != DD_TIME_NONE && want > earliest)
        earliest = want;
    int32_t d = day_of(c, earliest);
    while (d < nd - 1 && (w->site_req[(size_t)site * (size_t)nd + (size_t)d] >= cap_site(c, site) ||
                          w->country_req[d] >= cap_country(c)))
        d++;
    w->fs[f].req_day = d;
    w->site_req[(size_t)site * (size_t)nd + (size_t)d]++;
    w->country_req[d]++;
    dd_time ds = dd_scenario_day_start(c->s, d);
    w->fs[f].target = earliest > ds ? earliest : ds;
    w->fs[f].status = REQ_PENDING;
    w->fs[f].held_tail = -1;
    touch(w, f);
    dd__sim_crews_release(w->crews, c->s, f, fl->aircraft, t);
    w->gen[f]++;
    /* at least an hour, so that a certain denial cannot loop in place */
    dd_time dl = decision_delay(c, site);
    push(w, t + (dl < 60 ? 60 : dl), EV_DECISION, f);
    c->invalid = true;
}

static void refile(ctx *c, size_t f, dd_time t)
{
    refile_for(c, f, t, DD_TIME_NONE);
}

/* Local minute of the day of t (minutes since the epoch, which need not
 * be a UTC midnight); tz folds in the epoch's UTC minute and the offset. */
static int64_t local_minute(dd_time t, int64_t tz)
{
    return ((t + tz) % DD_MINUTES_PER_DAY + DD_MINUTES_PER_DAY) % DD_MINUTES_PER_DAY;
}

static bool in_hours(dd_hours h, dd_time t, int64_t tz)
{
    if (h.open == 0 && h.close >= DD_MINUTES_PER_DAY)
        return true;
    int64_t mm = local_minute(t, tz);
    if (h.open <= h.close)
        return mm >= h.open && mm < h.close;
    return mm >= h.open || mm < h.close;
}

static dd_time next_open(dd_hours h, dd_time t, int64_t tz)
{
    int64_t mm = local_minute(t, tz);
    int64_t dt = ((int64_t)h.open - mm + DD_MINUTES_PER_DAY) % DD_MINUTES_PER_DAY;
    return t + (dt ? dt : 15);
}

static bool blackout(const ctx *c, int32_t day)
{
    const dd_clearance_terms *ct = &c->s->agreement.clearance;
    size_t lo = 0, hi = ct->n_blackout;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ct->blackout[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ct->n_blackout && ct->blackout[lo] == day;
}

/* The window of w[0..n) that t is in, or NULL. */
static const closure *window_at(const closure *w, size_t n, dd_time t)
{
    for (size_t i = 0; i < n; i++)
        if (w[i].from <= t && t < w[i].to)
            return &w[i];
    return NULL;
}

static const closure *closed_at(const ctx *c, int32_t site, dd_time t)
{
    return window_at(&c->w->closures[(size_t)site * c->w->max_closures],
                     c->w->n_closures[site], t);
}

/* The destinations' closures a re-plan at `now` knows of: the one each
 * is in, or the next to begin within a day (a sortie leaving now lands
 * within a day). */
static void hubs_closed(ctx *c, dd_time now)
{
    dd__sim_scratch *w = c->w;
    for (size_t h = 0; h < c->s->n_hubs; h++) {
        w->hub_from[h] = w->hub_to[h] = DD_TIME_NONE;
        const closure *v = &w->hub_cl[h * w->max_closures];
        for (size_t i = 0; i < w->n_hub_cl[h]; i++)
            if (v[i].to > now && v[i].from < now + DD_MINUTES_PER_DAY) {
                w->hub_from[h] = v[i].from;
                w->hub_to[h] = v[i].to;
                break;
            }
    }
}

/* The execution state of flight f as a re-plan is told it. */
static void exec_sortie(const ctx *c, size_t f, dd_exec_sortie *e)
{
    const dd__sim_scratch *w = c->w;
    e->departed = w->fs[f].departed;
    e->carries = (int32_t)w->job[f];
    e->ready = w->fs[w->job[f]].ready;
    if (w->fs[f].status == REQ_APPROVED) {
        e->window_from = w->fs[f].win_from;
        e->window_to = w->fs[f].win_to;
    } else {
        e->window_from = w->fs[f].target - 60;
        e->window_to = w->fs[f].target - 60 + c->s->agreement.clearance.validity;
    }
    /* an aborted aircraft held for the sortie: the load waits for it */
    if (w->fs[f].held_tail >= 0) {
        const dd__sim_flight *fl = &c->m->flights[f];
        dd_time tf = w->tail_free[w->tail_off[fl->aircraft] + (size_t)w->fs[f].held_tail] +
                     fl->position;
        if (tf > e->ready && tf < INT64_MAX / 8) /* (not one waiting at a via site) */
            e->ready = tf;
    }
}

/* Re-plan through the planner (dd_replanner_run): the loads still on the
 * ground are matched to the clearances held or asked for and placed again
 * from now, with the tails, caps and closures as they are. A sortie that
 * keeps its clearance goes on as it was; one that cannot keep it files a
 * new request now for the day the planner found. */
static void replan(ctx *c, dd_time now)
{
    dd__sim_scratch *w = c->w;
    const dd__sim_model *m = c->m;
    const dd_scenario *s = c->s;
    size_t nf = m->n_flights;
    c->out->replans++;
    /* the entries that may have changed since the last re-plan; the
     * others are as they were filled then (a re-plan at each event would
     * otherwise pass over every flight: 58,000 on the theater) */
    size_t n_held = 0;
    for (size_t k = 0; k < w->n_dirty; k++) {
        size_t f = w->dirty[k];
        exec_sortie(c, f, &w->xs[f]);
        if (w->fs[f].held_tail >= 0)
            w->dirty[n_held++] = f; /* (its tail's free time moves) */
        else
            w->fs[f].dirty_on = 0;
    }
    w->n_dirty = n_held;
    for (size_t si = 0; si < s->n_sites; si++) {
        const closure *cl = closed_at(c, (int32_t)si, now);
        w->site_open[si] = cl ? cl->to : DD_TIME_NONE;
    }
    hubs_closed(c, now);
    /* the caps this replication enforces (the sensitivity moves them) */
    for (size_t si = 0; si < s->n_sites; si++) {
        int32_t v = cap_site(c, (int32_t)si);
        w->site_cap[si] = v == INT32_MAX ? -1 : v;
    }
    int32_t country = cap_country(c);
    country = country == INT32_MAX ? -1 : country;
    bool crew_out;
    const dd_time *const *crew_free = dd__sim_crews_state(w->crews, now, &crew_out);
    dd_exec_state x = {.now = now,
                       .sorties = w->xs,
                       .site_open = w->site_open,
                       .tail_free = w->tf_of,
                       .tail_hub = w->th_of,
                       .site_cap = w->site_cap,
                       .country_cap = &country,
                       .hub_closed_from = w->hub_from,
                       .hub_closed_to = w->hub_to,
                       .crew_free = crew_free,
                       .flew_tail = w->tail_flown,
                       .flew_hub = w->hub_now,
                       .flew_minutes = w->fly_now};
    /* a small plan is placed again in full: the incremental run's
     * bookkeeping costs more than it saves there (docs/sim.md); so is a
     * state with a crew fallen out, which the kept placements did not
     * count on */
    bool afresh = c->policy == DD__SIM_REPLAN_AFRESH || nf < DD__SIM_INCREMENTAL_MIN || crew_out;
    dd_status rc = afresh ? dd_replanner_run(w->rp, &x, w->ro)
                   : c->policy == DD__SIM_REPLAN_FULL
                       ? dd_replanner_run_full(w->rp, &x, w->ro)
                       : dd_replanner_run_incremental(w->rp, &x, w->ro);
    /* the state handed over is always one the re-planner takes (a load
     * carried twice, DD_EARG, is this code's error: the tests run with
     * assertions on) */
    assert(rc == DD_OK || rc == DD_ENOMEM);
    if (rc != DD_OK)
        return; /* out of memory: go on with the plan as it stands */
    if (w->on_replan)
        w->on_replan(w->on_replan_user, w->rep, w->rp, &x, w->ro);
    /* withdraw the requests to be replaced first, so that a new request
     * does not find its day taken by one that is about to move; give each
     * the destination the re-plan chose (refile_for reads none) */
    size_t nd = (size_t)m->n_days, ng = 0, nr = 0;
    for (size_t k = 0; k < w->n_live; k++) {
        size_t f = w->live[k];
        if (w->gone[f])
            continue;
        w->live[ng++] = f;
        const dd_replan_sortie *o = &w->ro[f];
        if (w->job[f] != o->carries) {
            w->job[f] = o->carries;
            touch(w, f);
        }
        if (o->departure == DD_TIME_NONE)
            continue;
        if (o->hub >= 0) {
            w->hub_now[f] = o->hub;
            w->fly_now[f] = o->arrival - o->departure;
        }
        if (o->keeps_clearance)
            continue;
        w->refl[nr++] = f;
        if (w->fs[f].req_day < 0)
            continue;
        w->site_req[(size_t)w->fs[f].site * nd + (size_t)w->fs[f].req_day]--;
        w->country_req[w->fs[f].req_day]--;
        w->fs[f].req_day = -1;
    }
    w->n_live = ng;
    /* then, in the same order, each re-filed (a second pass over those
     * alone: over all the flights on the ground, it read the re-plan's
     * output twice, 23,000 entries at each re-plan on the theater) */
    for (size_t i = 0; i < nr; i++) {
        size_t f = w->refl[i];
        const dd_replan_sortie *o = &w->ro[f];
        if (w->fs[f].status == REQ_APPROVED)
            charge(c, DD_SIM_CLEARANCE, f, now, o->departure);
        w->fs[f].held_tail = -1;
        refile_for(c, f, now, o->departure); /* (touches f) */
    }
}

/* Its crews, rested and not fallen out when the duty begins (the ferry's
 * take-off): DD_TIME_NONE when they are there (in crew), else when to
 * try again (past the horizon: never). */
static dd_time crews_wait(ctx *c, size_t f, dd_time t, int32_t crew[2])
{
    const dd__sim_flight *fl = &c->m->flights[f];
    dd_time at;
    if (dd__sim_crews_pick(c->w->crews, c->s, f, fl->aircraft, t, t - fl->position,
                           t + c->w->fly_now[f], crew, &at) >= 0)
        return DD_TIME_NONE;
    c->invalid = true;
    return at >= c->m->horizon ? c->m->horizon + 1 : at + fl->position;
}

/* When onward sortie f may leave, its leg having left: the leg's landing
 * at the via site plus the remote site's via_transfer and the ground
 * time. */
static dd_time onward_ready(const ctx *c, size_t f)
{
    const dd__sim_flight *so = &c->m->flights[f];
    size_t l = (size_t)so->link;
    const dd_site *r = &c->s->sites[c->m->flights[l].site];
    dd_time g = c->s->aircraft[so->aircraft].ground_time;
    return c->w->fs[l].departed + c->w->fly_now[l] + (r->via_transfer > g ? r->via_transfer : g);
}

/* A tail of flight f's type free to ferry in for a departure at t (an
 * onward sortie's: its leg's, on the ground at the via site); -1 with
 * *next the next try when none is. */
static int32_t free_tail(ctx *c, size_t f, dd_time t, dd_time *next)
{
    dd__sim_scratch *w = c->w;
    const dd__sim_model *m = c->m;
    const dd__sim_flight *fl = &m->flights[f];
    int32_t tail = -1;
    dd_time need = t - fl->position;
    int32_t avail = dd_aircraft_tails_at(&c->s->aircraft[fl->aircraft], need);
    dd_time *tf = &w->tail_free[w->tail_off[fl->aircraft]];
    if (fl->kind == DD_SORTIE_ONWARD)
        return w->fs[fl->link].flew_tail; /* on the ground here since its leg landed */
    if (w->fs[f].held_tail >= 0 && tf[w->fs[f].held_tail] >= INT64_MAX / 8)
        w->fs[f].held_tail = -1, touch(w, f); /* another flight took it on a leg: wait for any */
    if (w->fs[f].held_tail >= 0) {
        tail = w->fs[f].held_tail;
        if (tf[tail] > need)
            tail = -1, *next = tf[w->fs[f].held_tail] + fl->position;
    } else {
        dd_time best = DD_TIME_NONE;
        for (int32_t i = 0; i < avail && i < m->max_tails[fl->aircraft]; i++) {
            if (tf[i] <= need)
                return i;
            if (best == DD_TIME_NONE || tf[i] < best)
                best = tf[i];
        }
        /* (a tail at a via site is free once its onward sortie leaves:
         * try again in an hour) */
        *next = best == DD_TIME_NONE || best >= INT64_MAX / 8 ? t + 60 : best + fl->position;
    }
    if (tail < 0 && *next <= t)
        *next = t + 15;
    return tail;
}

/* The ramp: each site's ground times [ground_from, ground_to) of the
 * flights that left, kept in order of ground_to (their departure). Events
 * pop in time order, so a departure is appended at the end; the insertion
 * keeps the order should one ever come earlier. */
static void ramp_add(dd__sim_scratch *w, int32_t site, dd_time from, dd_time to)
{
    size_t base = (size_t)site * w->n_flights, i = w->n_ground[site]++;
    dd_time *gf = &w->ground_from[base], *gt = &w->ground_to[base];
    for (; i > 0 && gt[i - 1] > to; i--) {
        gf[i] = gf[i - 1];
        gt[i] = gt[i - 1];
    }
    gf[i] = from;
    gt[i] = to;
}

/* How many of the site's flights were on its ramp at some time of
 * [from, t): ground_from < t and ground_to > from. The ones with
 * ground_to > from are found by a binary search (they are the last ones),
 * so that an attempt costs the flights of the last ground time, not every
 * flight that left the site (docs/sim.md). */
static size_t ramp_busy(const dd__sim_scratch *w, int32_t site, dd_time from, dd_time t)
{
    size_t base = (size_t)site * w->n_flights, n = w->n_ground[site];
    const dd_time *gf = &w->ground_from[base], *gt = &w->ground_to[base];
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gt[mid] <= from)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t busy = 0;
    for (size_t i = lo; i < n; i++)
        if (gf[i] < t)
            busy++;
    return busy;
}

static void try_depart(ctx *c, size_t f, dd_time t)
{
    dd__sim_scratch *w = c->w;
    const dd__sim_model *m = c->m;
    const dd__sim_flight *fl = &m->flights[f];
    const dd_site *st = &c->s->sites[fl->site];
    if (w->fs[f].departed != DD_TIME_NONE || w->fs[f].status != REQ_APPROVED)
        return;
    if (t > w->fs[f].win_to) {
        charge(c, DD_SIM_CLEARANCE, f, t, t + c->s->agreement.clearance.lead_time);
        refile(c, f, t);
        return;
    }
    dd_time next = DD_TIME_NONE;
    dd_sim_cause cause = DD_SIM_HOURS;
    dd_time ready = w->fs[w->job[f]].ready;
    if (fl->kind == DD_SORTIE_ONWARD) {
        if (w->fs[fl->link].departed == DD_TIME_NONE)
            return; /* tried again when its leg leaves (depart) */
        ready = ready > onward_ready(c, f) ? ready : onward_ready(c, f);
    }
    if (t < w->fs[f].win_from) {
        next = w->fs[f].win_from;
        cause = DD_SIM_CLEARANCE;
    } else if (ready > t) {
        next = ready;
        cause = DD_SIM_TASKS;
    }
    if (next == DD_TIME_NONE) {
        const closure *cl = closed_at(c, fl->site, t);
        if (cl) {
            next = cl->to;
            cause = DD_SIM_CLOSURE;
            c->invalid = true;
        }
    }
    if (next == DD_TIME_NONE && w->hub_now[f] >= 0) { /* no landing at a closed destination */
        int32_t hub = w->hub_now[f];
        const closure *cl = window_at(&w->hub_cl[(size_t)hub * w->max_closures],
                                      w->n_hub_cl[hub], t + w->fly_now[f]);
        if (cl) {
            next = cl->to - w->fly_now[f];
            cause = DD_SIM_CLOSURE;
            c->invalid = true;
            /* a re-plan may send it to another destination: try again
             * at the next one when that is sooner than the reopening */
            dd_time rp = c->next_replan > t + 15 ? c->next_replan : t + 15;
            if (c->policy != DD__SIM_FOLLOW && rp < next)
                next = rp;
        }
    }
    if (next == DD_TIME_NONE) {
        int64_t tz = (c->s->epoch_unix / 60) % DD_MINUTES_PER_DAY + st->tz_offset;
        if (!in_hours(c->s->agreement.clearance.hours, t, tz))
            next = next_open(c->s->agreement.clearance.hours, t, tz);
        else if (!in_hours(st->hours, t, tz))
            next = next_open(st->hours, t, tz);
        else if (blackout(c, dd_scenario_day(c->s, t)))
            next = dd_scenario_day_start(c->s, dd_scenario_day(c->s, t) + 1);
    }
    int32_t day = day_of(c, t);
    size_t sd = (size_t)fl->site * (size_t)m->n_days + (size_t)day;
    if (next == DD_TIME_NONE &&
        (w->site_dep[sd] >= cap_site(c, fl->site) || w->country_dep[day] >= cap_country(c))) {
        next = dd_scenario_day_start(c->s, dd_scenario_day(c->s, t) + 1);
        cause = DD_SIM_CAP;
    }
    int32_t tail = -1;
    if (next == DD_TIME_NONE) {
        tail = free_tail(c, f, t, &next);
        if (tail < 0)
            cause = DD_SIM_FLEET;
    }
    int32_t crew[2] = {-1, -1};
    dd_time duty_from = t - fl->position, duty_to = t + w->fly_now[f];
    if (next == DD_TIME_NONE && (next = crews_wait(c, f, t, crew)) != DD_TIME_NONE)
        cause = DD_SIM_CREWS;
    if (next == DD_TIME_NONE) {
        size_t busy = ramp_busy(w, fl->site, t - fl->ground, t);
        if ((int64_t)busy >= (int64_t)dd_site_mog_total(st) - dd_site_reserved_at(st, t)) {
            next = t + 15;
            cause = DD_SIM_MOG;
        }
    }
    if (next == DD_TIME_NONE && c->dz->present) {
        const dd_aircraft_disruption *ad = &c->dz->aircraft[fl->aircraft];
        double p = ad->abort * c->k->abort_scale;
        if (p > 0 && dd_rng_double(&c->rng) < p) {
            dd_time d = (dd_time)llround(dd__sim_sample(&ad->delay, &c->rng, 0));
            if (d < 15)
                d = 15;
            c->out->aborts++;
            if (fl->kind != DD_SORTIE_ONWARD) { /* (that one stays with its leg's tail) */
                w->tail_free[w->tail_off[fl->aircraft] + (size_t)tail] = t + d - fl->position;
                w->fs[f].held_tail = tail;
                touch(w, f);
            }
            dd__sim_crews_take(w->crews, c->s, f, fl->aircraft, crew, duty_from, t, duty_to,
                               true);
            next = t + d;
            cause = DD_SIM_ABORT;
            c->invalid = true;
        }
    }
    if (next != DD_TIME_NONE) {
        if (next <= t)
            next = t + 15;
        charge(c, cause, f, t, next);
        if (next <= m->horizon)
            push(w, next, EV_TRY, f);
        return;
    }
    /* depart */
    dd__sim_crews_take(w->crews, c->s, f, fl->aircraft, crew, duty_from, t, duty_to, false);
    w->fs[f].departed = t;
    w->gone[f] = 1;
    touch(w, f);
    w->fs[f].flew_tail = w->tail_flown[f] = tail;
    w->site_dep[sd]++;
    w->country_dep[day]++;
    if (fl->kind == DD_SORTIE_LEG) {
        /* the tail waits at the via site for its onward sortie */
        w->tail_free[w->tail_off[fl->aircraft] + (size_t)tail] = INT64_MAX / 4;
        dd_time on = onward_ready(c, (size_t)fl->link);
        on = on > w->fs[fl->link].target ? on : w->fs[fl->link].target;
        if (on <= m->horizon)
            push(w, on, EV_TRY, (size_t)fl->link);
    } else {
        w->tail_free[w->tail_off[fl->aircraft] + (size_t)tail] =
            t + w->fly_now[f] + c->s->aircraft[fl->aircraft].ground_time;
        w->tail_hub[w->tail_off[fl->aircraft] + (size_t)tail] = w->hub_now[f];
    }
    ramp_add(w, fl->site, t - fl->ground, t);
}

static void decide(ctx *c, size_t f, dd_time t)
{
    dd__sim_scratch *w = c->w;
    int32_t site = w->fs[f].site; /* (the flight table's line left unread) */
    const closure *sp = window_at(&w->susp[(size_t)site * w->max_closures],
                                  w->n_susp[site], t);
    if (sp) { /* the host decides nothing until the suspension ends */
        charge(c, DD_SIM_CLEARANCE, f, t, sp->to);
        push(w, sp->to, EV_DECISION, f);
        c->invalid = true;
        return;
    }
    double p = denial_p(c, site);
    if (p > 0 && dd_rng_double(&c->rng) < p) {
        c->out->denials++;
        refile(c, f, t);
        return;
    }
    w->fs[f].status = REQ_APPROVED;
    dd_time from = w->fs[f].target - 60;
    if (from < t) {
        from = t;
        if (t > w->fs[f].target)
            c->invalid = true;
    }
    w->fs[f].win_from = from;
    w->fs[f].win_to = from + c->s->agreement.clearance.validity;
    touch(w, f);
    dd_time at = w->fs[f].target > from ? w->fs[f].target : from;
    push(w, at, EV_TRY, f);
}

size_t dd__sim_windows(dd_rng *rng, double rate, const dd_dist *dur, dd_time horizon,
                       dd__sim_window *out, size_t max)
{
    size_t n = 0;
    if (!(rate > 0))
        return 0;
    double tday = 0, end = (double)horizon / DD_MINUTES_PER_DAY;
    for (;;) {
        double u = dd_rng_double(rng);
        tday += -log(1.0 - u) / rate;
        if (tday > end || n >= max)
            break;
        dd_time from = (dd_time)(tday * DD_MINUTES_PER_DAY);
        dd_time len = (dd_time)llround(dd__sim_sample(dur, rng, 0));
        if (len <= 0)
            continue;
        out[n++] = (closure){from, from + len};
    }
    return n;
}

static size_t sample_windows(ctx *c, double rate, const dd_dist *dur, closure *out, size_t max)
{
    return dd__sim_windows(&c->rng, rate, dur, c->m->horizon, out, max);
}

/* Each airfield's closures, its clearance suspensions, the destinations'
 * closures. */
static void sample_closures(ctx *c)
{
    dd__sim_scratch *w = c->w;
    const dd_disruptions *dz = c->dz;
    size_t ns = c->s->n_sites, max = w->max_closures;
    for (size_t si = 0; si < ns; si++) {
        w->n_closures[si] = 0;
        if (!dz->present)
            continue;
        const dd_site_disruption *sd = &dz->sites[si];
        double rate = (sd->closure_rate >= 0 ? sd->closure_rate : dz->closure_rate) *
                      c->k->closure_scale;
        const dd_dist *dur = sd->closure_duration.kind != DD_DIST_NONE ? &sd->closure_duration
                                                                        : &dz->closure_duration;
        w->n_closures[si] = sample_windows(c, rate, dur, &w->closures[si * max], max);
    }
    for (size_t si = 0; si < ns; si++) {
        w->n_susp[si] = 0;
        if (!dz->present)
            continue;
        const dd_site_disruption *sd = &dz->sites[si];
        double rate = sd->suspension_rate >= 0 ? sd->suspension_rate : dz->suspension_rate;
        const dd_dist *dur = sd->suspension_duration.kind != DD_DIST_NONE
                                 ? &sd->suspension_duration
                                 : &dz->suspension_duration;
        w->n_susp[si] = sample_windows(c, rate, dur, &w->susp[si * max], max);
    }
    for (size_t h = 0; h < c->s->n_hubs; h++) {
        const dd_hub_disruption *hd = dz->present && dz->hubs ? &dz->hubs[h] : NULL;
        w->n_hub_cl[h] = hd ? sample_windows(c, hd->closure_rate * c->k->closure_scale,
                                             &hd->closure_duration, &w->hub_cl[h * max], max)
                            : 0;
    }
}

/* Task durations, cargo and people release, each load's readiness. */
static void sample_ready(ctx *c)
{
    dd__sim_scratch *w = c->w;
    const dd_scenario *s = c->s;
    const dd_plan *p = c->m->plan;
    bool tasks = c->dz->present && c->dz->task_factor.kind != DD_DIST_NONE;
    /* tasks in order of planned start: predecessors come first */
    for (size_t i = 0; i < s->n_tasks; i++)
        w->task_shift[i] = 0;
    if (tasks) {
        /* tasks form a DAG: relax starts until stable (Bellman-Ford style) */
        for (size_t i = 0; i < s->n_tasks; i++) {
            double f = dd__sim_sample(&c->dz->task_factor, &c->rng, 1);
            w->task_end[i] = (dd_time)llround((double)s->tasks[i].duration * (f < 0 ? 0 : f));
        }
        dd_time *dur = w->task_end; /* sampled durations, then ends */
        dd_time *start = w->task_shift;
        for (size_t i = 0; i < s->n_tasks; i++)
            start[i] = p->tasks[i].start;
        for (int pass = 0; pass < 64; pass++) {
            bool changed = false;
            for (size_t i = 0; i < s->n_tasks; i++) {
                const dd_task *tk = &s->tasks[i];
                dd_time st = p->tasks[i].start;
                for (size_t k = 0; k < tk->n_pred; k++) {
                    size_t q = (size_t)tk->pred[k];
                    dd_time e = start[q] + dur[q] + tk->pred_lag[k];
                    if (e > st)
                        st = e;
                }
                if (st != start[i]) {
                    start[i] = st;
                    changed = true;
                }
            }
            if (!changed)
                break;
        }
        for (size_t i = 0; i < s->n_tasks; i++)
            w->task_shift[i] = start[i] + dur[i] - p->tasks[i].end;
    }
    for (size_t g = 0; g < s->n_people; g++) {
        dd_time r = p->released[g];
        int32_t tb = s->people[g].released_by;
        if (r != DD_TIME_NONE && tb >= 0)
            r += w->task_shift[tb];
        w->grp_rel[g] = r;
    }
    dd_time lead = s->agreement.personnel.manifest_lead;
    for (size_t f = 0; f < c->m->n_flights; f++) {
        const dd__sim_flight *fl = &c->m->flights[f];
        dd_time ready = INT64_MIN / 2;
        for (size_t i = 0; i < fl->n_rdy; i++) { /* (by task: dd__sim_ready) */
            const dd__sim_ready *g = &c->m->rdy[fl->first_rdy + i];
            dd_time t = g->at;
            if (g->task >= 0)
                t += w->task_shift[g->task];
            if (t > ready)
                ready = t;
        }
        for (size_t i = 0; i < fl->n_grp; i++) {
            int32_t g = c->m->grps[fl->first_grp + i];
            if (w->grp_rel[g] != DD_TIME_NONE && w->grp_rel[g] + lead > ready)
                ready = w->grp_rel[g] + lead;
        }
        w->fs[f].ready = ready;
    }
}

/* Exit processing after the flights: each site's people leave in time
 * order, at most the day's capacity (times a sampled factor) a day; the
 * rest leave the next day with room, at midday. Raises site_close and
 * returns the completion. */
static dd_time process_exits(ctx *c, dd_time *site_close)
{
    dd__sim_scratch *w = c->w;
    const dd__sim_model *m = c->m;
    const dd_scenario *s = c->s;
    size_t n = 0;
    for (size_t f = 0; f < m->n_flights; f++) {
        size_t j = (size_t)w->job[f];
        if (m->flights[j].pax > 0) {
            w->ex_t[n] = w->fs[f].departed;
            w->ex_n[n] = m->flights[j].pax;
            w->ex_site[n] = m->flights[f].site;
            n++;
        }
    }
    for (size_t i = 0; i < m->n_comm; i++) {
        const dd_movement *mv = m->comm[i];
        dd_time t = mv->departure, r = w->grp_rel[mv->people];
        if (r != DD_TIME_NONE && r > t)
            t = dd_scenario_day_start(s, dd_scenario_day(s, r) + 1) + 12 * 60;
        w->ex_t[n] = t;
        w->ex_n[n] = mv->count;
        w->ex_site[n] = s->people[mv->people].site;
        n++;
    }
    for (size_t i = 0; i < n; i++)
        w->ex_idx[i] = i;
    for (size_t i = 1; i < n; i++) { /* nearly sorted already */
        size_t x = w->ex_idx[i], j = i;
        while (j > 0 && w->ex_t[w->ex_idx[j - 1]] > w->ex_t[x]) {
            w->ex_idx[j] = w->ex_idx[j - 1];
            j--;
        }
        w->ex_idx[j] = x;
    }
    dd_time completion = DD_TIME_NONE;
    for (size_t si = 0; si < s->n_sites; si++) {
        int32_t cap = s->sites[si].exit_per_day >= 0 ? s->sites[si].exit_per_day
                                                       : s->agreement.personnel.exit_per_day;
        const dd_dist *fd = NULL;
        if (c->dz->present)
            fd = c->dz->sites[si].exit_factor.kind != DD_DIST_NONE ? &c->dz->sites[si].exit_factor
                                                                   : &c->dz->exit_factor;
        int32_t cur = INT32_MIN, used = 0, today = 0;
        for (size_t k = 0; k < n; k++) {
            size_t i = w->ex_idx[k];
            dd_time t = w->ex_t[i];
            if (w->ex_site[i] != (int32_t)si || t == DD_TIME_NONE)
                continue;
            if (cap < 0) {
                if (t > site_close[si])
                    site_close[si] = t;
                continue;
            }
            int32_t d = dd_scenario_day(s, t), left = w->ex_n[i];
            while (left > 0) {
                if (d > cur || used >= today) {
                    cur = d > cur ? d : cur + 1;
                    double fct = fd ? dd__sim_sample(fd, &c->rng, 1) : 1;
                    today = (int32_t)floor(cap * fct);
                    if (today < 1)
                        today = 1;
                    used = 0;
                }
                int32_t take = left < today - used ? left : today - used;
                used += take;
                left -= take;
                dd_time at = cur == d ? t : dd_scenario_day_start(s, cur) + 12 * 60;
                if (at > t)
                    c->out->delay[DD_SIM_PROCESSING] += (float)((double)(at - t) / 60.0);
                if (at > site_close[si])
                    site_close[si] = at;
            }
        }
        if (site_close[si] > completion)
            completion = site_close[si];
    }
    return completion;
}

static void milestones(ctx *c)
{
    const dd__sim_model *m = c->m;
    const dd_scenario *s = c->s;
    dd__sim_scratch *w = c->w;
    for (size_t mi = 0; mi < s->agreement.n_milestones && mi < 64; mi++) {
        const dd_milestone *ms = &s->agreement.milestones[mi];
        double kg = 0, tot_kg = 0;
        int64_t pax = 0, tot_pax = 0;
        for (size_t f = 0; f < m->n_flights; f++) {
            const dd__sim_flight *jf = &m->flights[w->job[f]];
            if (ms->site >= 0 && m->flights[f].site != ms->site)
                continue;
            tot_kg += jf->cargo_kg;
            tot_pax += jf->pax;
            /* what a leg carries leaves the country on its onward sortie */
            const dd__sim_flight *so = &m->flights[f];
            dd_time out = so->kind == DD_SORTIE_LEG ? w->fs[so->link].departed : w->fs[f].departed;
            if (out != DD_TIME_NONE && out <= ms->at) {
                kg += jf->cargo_kg;
                pax += jf->pax;
            }
        }
        for (size_t i = 0; i < m->n_comm; i++) {
            const dd_movement *mv = m->comm[i];
            if (ms->site >= 0 && s->people[mv->people].site != ms->site)
                continue;
            tot_pax += mv->count;
            dd_time t = mv->departure, r = w->grp_rel[mv->people];
            if (r != DD_TIME_NONE && r > t)
                t = r;
            if (t <= ms->at)
                pax += mv->count;
        }
        bool ok = true;
        if (ms->cargo_fraction >= 0 && tot_kg > 0)
            ok = ok && kg >= ms->cargo_fraction * tot_kg - 1e-6;
        if (ms->personnel_fraction >= 0 && tot_pax > 0)
            ok = ok && (double)pax >= ms->personnel_fraction * (double)tot_pax - 1e-9;
        if (ok)
            c->out->milestones |= (uint64_t)1 << mi;
    }
}

void dd__sim_replicate(const dd__sim_model *m, dd__sim_scratch *w, const dd_sim_knobs *k,
                       dd__sim_policy policy, uint64_t seed, uint64_t rep,
                       dd__sim_outcome *out, dd_time *site_close)
{
    const dd_scenario *s = m->s;
    ctx c = {.m = m, .s = s, .dz = &s->disruptions, .w = w, .k = k, .out = out,
             .policy = policy};
    dd_rng_seed(&c.rng, seed, rep);
    memset(out, 0, sizeof *out);
    size_t nf = m->n_flights, ns = s->n_sites, nd = (size_t)m->n_days;
    memset(w->site_req, 0, ns * nd * sizeof *w->site_req);
    memset(w->site_dep, 0, ns * nd * sizeof *w->site_dep);
    memset(w->country_req, 0, nd * sizeof *w->country_req);
    memset(w->country_dep, 0, nd * sizeof *w->country_dep);
    memset(w->n_ground, 0, ns * sizeof *w->n_ground);
    for (size_t i = 0; i < w->tail_off[s->n_aircraft]; i++)
        w->tail_free[i] = INT64_MIN / 4;
    for (size_t a = 0; a < s->n_aircraft; a++)
        for (size_t i = w->tail_off[a]; i < w->tail_off[a + 1]; i++)
            w->tail_hub[i] = s->aircraft[a].home;
    for (size_t b = 0; b < N_BUCKETS; b++)
        w->bk[b].n = 0;
    w->n_heap = w->head0 = 0;
    w->last = 0;
    w->last_t = INT64_MIN;
    w->seq = 0;
    w->n_live = w->n_dirty = nf;
    dd_replanner_reset(w->rp); /* the last placement is this replication's own */
    w->rep = rep;
    sample_closures(&c);
    sample_ready(&c);
    /* the crews' fall-outs (no draw at a rate of 0); out of memory: none */
    dd__sim_crews_reset(w->crews, s, nf, &c.rng, m->horizon);
    for (size_t f = 0; f < nf; f++) {
        const dd__sim_flight *fl = &m->flights[f];
        w->job[f] = (int32_t)f;
        w->live[f] = w->dirty[f] = f;
        w->fs[f].dirty_on = 1;
        w->gen[f] = 0;
        w->fs[f].departed = DD_TIME_NONE;
        w->gone[f] = 0;
        w->fs[f].site = fl->site;
        w->fs[f].held_tail = w->fs[f].flew_tail = -1;
        w->hub_now[f] = m->plan->sorties[f].hub;
        w->fly_now[f] = fl->fly;
        w->fs[f].status = REQ_PENDING;
        w->fs[f].target = fl->dep;
        int32_t d = day_of(&c, fl->dep);
        w->fs[f].req_day = d;
        w->site_req[(size_t)fl->site * nd + (size_t)d]++;
        w->country_req[d]++;
        push(w, fl->file_by + decision_delay(&c, fl->site), EV_DECISION, f);
    }
    c.next_replan = INT64_MIN;
    dd_time every = s->disruptions.present ? s->disruptions.replan_every : DD_MINUTES_PER_DAY;
    event e;
    while (pop(w, &e)) {
        if (e.t > m->horizon)
            break;
        if (c.policy != DD__SIM_FOLLOW && c.invalid && e.t >= c.next_replan) {
            replan(&c, e.t);
            c.invalid = false;
            c.next_replan = e.t + every;
        }
        if (e.gen != w->gen[e.f])
            continue; /* superseded by a re-filing */
        if (e.kind == EV_DECISION)
            decide(&c, e.f, e.t);
        else
            try_depart(&c, e.f, e.t);
    }
    bool all = true;
    for (size_t si = 0; si < ns; si++)
        site_close[si] = DD_TIME_NONE;
    for (size_t f = 0; f < nf; f++) {
        if (w->fs[f].departed == DD_TIME_NONE) {
            all = false;
            continue;
        }
        int32_t si = m->flights[f].site;
        if (site_close[si] == DD_TIME_NONE || w->fs[f].departed > site_close[si])
            site_close[si] = w->fs[f].departed;
    }
    for (size_t si = 0; si < ns; si++)
        if (site_close[si] == DD_TIME_NONE)
            site_close[si] = INT64_MIN;
    dd_time completion = process_exits(&c, site_close);
    for (size_t si = 0; si < ns; si++)
        if (site_close[si] == INT64_MIN)
            site_close[si] = DD_TIME_NONE;
    milestones(&c);
    /* closures that happened while the site was still open */
    for (size_t si = 0; si < ns; si++)
        for (size_t i = 0; i < w->n_closures[si]; i++)
            if (site_close[si] != DD_TIME_NONE && w->closures[si * w->max_closures + i].from <= site_close[si])
                out->closures++;
    /* every term: the deadline, each milestone, each site's closing date */
    bool terms = all && completion != DD_TIME_NONE && completion <= s->agreement.deadline;
    for (size_t mi = 0; mi < s->agreement.n_milestones && mi < 64; mi++)
        terms = terms && (out->milestones >> mi & 1);
    for (size_t si = 0; si < ns; si++)
        if (s->sites[si].close_by != DD_TIME_NONE && site_close[si] != DD_TIME_NONE &&
            site_close[si] > s->sites[si].close_by)
            terms = false;
    out->all_terms = terms;
    out->completion = all && completion != INT64_MIN ? completion : DD_TIME_NONE;
}
