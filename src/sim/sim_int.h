/* SPDX-License-Identifier: MIT */
/*
 * The simulator's private pieces: the flight table derived once from the
 * plan (shared read-only by the workers), a worker's scratch, and the
 * outcome of one replication.
 */
#ifndef DD_SIM_INT_H
#define DD_SIM_INT_H

#include "base/arena.h"
#include "base/rng.h"
#include <drawdown/sim.h>

/* One planned sortie, as the simulator executes it. What an event reads
 * comes first, in 48 bytes: the table is 9 MB on the theater, and an
 * event's flight is rarely in the cache. */
typedef struct dd__sim_flight {
    int32_t site, aircraft;
    dd_sortie_kind kind; /* the plan's sortie's, and its link */
    int32_t link;
    dd_time dep;        /* planned departure */
    dd_time position;   /* ferry departure to site departure */
    dd_time ground;     /* on the ramp before departure */
    dd_time fly;        /* departure to arrival at the destination */
    dd_time file_by, win_from, win_to; /* the planned request */
    double cargo_kg;
    int32_t pax;
    size_t first_row, n_rows;   /* cargo rows aboard, in rows[] */
    size_t first_grp, n_grp;    /* people groups aboard, in grps[] */
    size_t first_rdy, n_rdy;    /* its rows' readiness by task, in rdy[] */
} dd__sim_flight;

/* The latest planned ready time of a flight's cargo rows released by one
 * task (-1: by none), rows ready at the epoch left out: a replication's
 * readiness adds the task's sampled shift to `at` once for all of them
 * (max(a + d, b + d) = max(a, b) + d), where a pass over the rows read
 * 1M of them at random on the theater (docs/sim.md). */
typedef struct dd__sim_ready {
    int32_t task;
    dd_time at;
} dd__sim_ready;

typedef struct dd__sim_model {
    dd_arena mem; /* the arrays below */
    const dd_plan *plan;
    const dd_scenario *s;
    size_t n_flights;
    dd__sim_flight *flights;
    int32_t *rows, *grps;
    dd__sim_ready *rdy;
    dd_time horizon;     /* events after this are dropped */
    int32_t n_days;      /* days counted for caps (0 .. n_days-1) */
    int32_t *max_tails;  /* per type */
    double total_cargo_kg;
    int64_t total_pax;
    /* commercial movements: people, count, planned time, site */
    size_t n_comm;
    const dd_movement **comm;
} dd__sim_model;

/* What one replication produced. */
typedef struct dd__sim_outcome {
    dd_time completion; /* DD_TIME_NONE: not finished within the horizon */
    uint64_t milestones; /* bit m: milestone m met */
    float delay[DD_SIM_CAUSE_COUNT]; /* hours */
    uint32_t denials, aborts, closures, replans;
    bool all_terms; /* deadline, milestones and sites' closing dates */
} dd__sim_outcome;

typedef struct dd__sim_scratch dd__sim_scratch;

dd_status dd__sim_model_init(dd__sim_model *m, const dd_plan *plan);
void dd__sim_model_fini(dd__sim_model *m);

dd__sim_scratch *dd__sim_scratch_new(const dd__sim_model *m);
void dd__sim_scratch_free(dd__sim_scratch *w);

/* How a replication meets disruptions: follow the plan, or re-plan
 * incrementally or in full (dd_sim_options). */
typedef enum dd__sim_policy {
    DD__SIM_FOLLOW,
    DD__SIM_REPLAN_INCREMENTAL,
    DD__SIM_REPLAN_FULL,
    DD__SIM_REPLAN_AFRESH
} dd__sim_policy;

/* Plans of fewer sorties re-plan in full under the incremental policy:
 * on the Niger example (55) the incremental run took 1.3 times the full
 * one's time (bench/simbench). */
#define DD__SIM_INCREMENTAL_MIN 128

/* After each re-plan: fn(user, rep, ...) (dd_sim_options.on_replan). */
void dd__sim_scratch_on_replan(dd__sim_scratch *w, dd_sim_replan_fn fn, void *user);

/* Run replication `rep`; site_close gets n_sites last departures. */
void dd__sim_replicate(const dd__sim_model *m, dd__sim_scratch *w, const dd_sim_knobs *k,
                       dd__sim_policy policy, uint64_t seed, uint64_t rep, dd__sim_outcome *out,
                       dd_time *site_close);

/* Sample a distribution (minutes or a factor). */
double dd__sim_sample(const dd_dist *d, dd_rng *r, double dflt);

/* A time something is closed, suspended or out: [from, to). */
typedef struct dd__sim_window {
    dd_time from, to;
} dd__sim_window;

/* The most windows one process draws in a replication. */
#define DD__SIM_MAX_WINDOWS 512

/* A Poisson process of `rate` windows a day from time 0 to `horizon`,
 * each as long as a draw of dur, into out[0..max) in time order of their
 * start; their count. No draw when rate is 0. */
size_t dd__sim_windows(dd_rng *rng, double rate, const dd_dist *dur, dd_time horizon,
                       dd__sim_window *out, size_t max);

/* The executor's crews (crews.c): per type with limited crews, each
 * crew's rest as flown and its fall-outs (disruptions.crews). One per
 * worker, with its scratch. */
typedef struct dd__sim_crews dd__sim_crews;
dd__sim_crews *dd__sim_crews_new(const dd_scenario *s, size_t n_flights);
void dd__sim_crews_free(dd__sim_crews *c);
/* A replication's start: every crew rested, its fall-outs drawn from rng
 * (none at a rate of 0). DD_ENOMEM. */
dd_status dd__sim_crews_reset(dd__sim_crews *c, const dd_scenario *s, size_t n_flights,
                              dd_rng *rng, dd_time horizon);
/* The crews flight f of type a would take for a duty from `start` to
 * `end`, tried at t: the crews its aborted aircraft holds while their
 * duty day allows (else they are relieved at t and rest), or the first
 * rested ones; into pick (-1 for none), their count (0: the type's crews
 * are not limited), or -1 with *next the duty start at which they would
 * be (INT64_MAX: never). */
int32_t dd__sim_crews_pick(dd__sim_crews *c, const dd_scenario *s, size_t f, int32_t a,
                           dd_time t, dd_time start, dd_time end, int32_t pick[2],
                           dd_time *next);
/* The picked crews fly (rest from `end`), or, `aborted`, stay with the
 * aircraft (their duty goes on from when it began). */
void dd__sim_crews_take(dd__sim_crews *c, const dd_scenario *s, size_t f, int32_t a,
                        const int32_t pick[2], dd_time start, dd_time t, dd_time end,
                        bool aborted);
/* Flight f lets its crews go at t (its request filed anew): they rest. */
void dd__sim_crews_release(dd__sim_crews *c, const dd_scenario *s, size_t f, int32_t a,
                           dd_time t);
/* When each crew is free as a re-plan at `now` is told it
 * (dd_exec_state.crew_free; NULL: no type's crews are limited);
 * *out_now: a crew is fallen out now. Valid until the next call. */
const dd_time *const *dd__sim_crews_state(dd__sim_crews *c, dd_time now, bool *out_now);

/* A probability with its interval, as the result and sweep files write it:
 * {"p": .., "lo": .., "hi": .., "hits": .., "n": ..}. */
/* hits of n as a probability with its Wilson 95 % interval */
dd_sim_prob dd__sim_wilson(uint64_t hits, uint64_t n);

struct dd_jw;
/* A probability with its interval as a one-line member of the object being
 * written. */
void dd__sim_jw_prob(struct dd_jw *w, const char *key, const dd_sim_prob *p);
/* The simulation's and the sweep's JSON: its head (format, scenario,
 * replications, seed) and its tail (threads, ranks, seconds: the fields
 * that differ between runs of one seed), the end of the document. */
void dd__sim_jw_open(struct dd_jw *w, FILE *f, const char *format, const char *scenario_path,
                     uint64_t replications, uint64_t seed);
dd_status dd__sim_jw_close(struct dd_jw *w, int threads, int ranks, double seconds);

#endif
