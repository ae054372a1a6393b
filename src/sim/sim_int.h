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

/* One planned sortie, as the simulator executes it. */
typedef struct dd__sim_flight {
    int32_t site, aircraft;
    dd_time dep;        /* planned departure */
    dd_time position;   /* ferry departure to site departure */
    dd_time ground;     /* on the ramp before departure */
    dd_time fly;        /* departure to arrival at the destination */
    dd_time file_by, win_from, win_to; /* the planned request */
    double cargo_kg;
    int32_t pax;
    size_t first_row, n_rows;   /* cargo rows aboard, in rows[] */
    size_t first_grp, n_grp;    /* people groups aboard, in grps[] */
} dd__sim_flight;

typedef struct dd__sim_model {
    dd_arena mem; /* the arrays below */
    const dd_plan *plan;
    const dd_scenario *s;
    size_t n_flights;
    dd__sim_flight *flights;
    int32_t *rows, *grps;
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
    DD__SIM_REPLAN_FULL
} dd__sim_policy;

/* Plans of fewer sorties re-plan in full under the incremental policy:
 * on the Niger example (55) the incremental run took 1.3 times the full
 * one's time (bench/simbench). */
#define DD__SIM_INCREMENTAL_MIN 128

/* Run replication `rep`; site_close gets n_sites last departures. */
void dd__sim_replicate(const dd__sim_model *m, dd__sim_scratch *w, const dd_sim_knobs *k,
                       dd__sim_policy policy, uint64_t seed, uint64_t rep, dd__sim_outcome *out,
                       dd_time *site_close);

/* Sample a distribution (minutes or a factor). */
double dd__sim_sample(const dd_dist *d, dd_rng *r, double dflt);

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
