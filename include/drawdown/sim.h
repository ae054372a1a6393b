/* SPDX-License-Identifier: MIT */
/*
 * Risk simulation (`drawdown simulate`): Monte Carlo replications that
 * execute a plan through simulated time while the scenario's disruption
 * model (`disruptions:`, docs/format.md) delays and denies clearances,
 * aborts aircraft, closes airfields, slows exit processing and stretches
 * ground tasks. Each replication is a small discrete-event simulation
 * (clearance decisions, departure attempts, closures); with the re-plan
 * policy the planner re-plans from the state of execution (at most once
 * per `replan` period) when a disruption invalidates the plan:
 * incrementally (what the disruption moves; the default), or in full.
 * docs/sim.md describes the model, its limits and the output.
 *
 * Reproducible: replication i draws from its own stream
 * dd_rng_seed(seed, i), so results do not depend on the thread count.
 *
 * Plans with legs inside the country (sites with via) and through
 * en-route fuel stops are simulated and re-planned (docs/sim.md).
 *
 * Ownership: dd_sim_run allocates *out, freed with dd_sim_result_free. The
 * result borrows the plan (and its scenario), which must outlive it. The
 * plan is only read, also by the worker threads.
 */
#ifndef DRAWDOWN_SIM_H
#define DRAWDOWN_SIM_H

#include <drawdown/cluster.h>
#include <drawdown/plan.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Why a departure was later than planned (delay is charged to the limit
 * that held a flight back, minute by minute). */
#define DD_SIM_CAUSE_MAP(X)                                                    \
    X(CLEARANCE, "clearance")  /* decision late, denied or expired */          \
    X(CAP, "daily_cap")        /* the day's clearance cap already used */      \
    X(FLEET, "fleet")          /* no tail free */                              \
    X(MOG, "mog")              /* ramp full */                                 \
    X(CLOSURE, "closure")      /* airfield closed */                           \
    X(HOURS, "hours")          /* outside permitted hours or blackout */       \
    X(TASKS, "tasks")          /* load not ready: ground tasks ran late */     \
    X(ABORT, "abort")          /* aircraft abort */                            \
    X(PROCESSING, "processing") /* exit processing could not keep up */ \
    X(CREWS, "crews")          /* no crew rested: duty, rest or fallen out */

typedef enum dd_sim_cause {
#define DD_SIM_CAUSE_ENUM(name, text) DD_SIM_##name,
    DD_SIM_CAUSE_MAP(DD_SIM_CAUSE_ENUM)
#undef DD_SIM_CAUSE_ENUM
        DD_SIM_CAUSE_COUNT
} dd_sim_cause;

const char *dd_sim_cause_name(dd_sim_cause c);

/* Scales applied to the disruption model (the sensitivity table moves
 * these). Neutral: 1, 1, 1, 1, 0 and denial_add 0. */
typedef struct dd_sim_knobs {
    double decision_scale; /* multiplies sampled decision delays */
    double denial_add;     /* added to denial probabilities (clamped to [0, 1]) */
    double abort_scale;    /* multiplies abort probabilities */
    double closure_scale;  /* multiplies closure rates */
    int32_t cap_delta;     /* added to the daily clearance caps */
} dd_sim_knobs;

typedef void (*dd_sim_progress_fn)(uint64_t done, uint64_t total, void *user);

/* After each re-plan a replication makes: the replication's number, the
 * re-planner, the state of execution it re-planned and what it gave
 * (dd_replanner_plan makes the plan of them). For checking: the tests
 * and bench/replancheck pass every re-plan to the independent verifier.
 * Called from the worker threads, several at once; the sensitivity
 * batches' replications are counted from 0 again. */
typedef void (*dd_sim_replan_fn)(void *user, uint64_t replication, const dd_replanner *r,
                                 const dd_exec_state *x, const dd_replan_sortie *out);

typedef struct dd_sim_options {
    uint64_t replications; /* default 1000 */
    uint64_t seed;         /* default 1 */
    int threads;           /* <= 0: one per online core */
    bool replan;           /* default true */
    /* with replan: a re-plan places again what a disruption moves
     * (dd_replanner_run_incremental, docs/sim.md) instead of every sortie
     * still on the ground under the same rules (dd_replanner_run_full).
     * Default true (a plan under 128 sorties is re-placed afresh either
     * way). */
    bool replan_incremental;
    /* with replan (and not replan_incremental): every re-plan places the
     * whole plan afresh, by the day each sortie can go (dd_replanner_run):
     * on a packed plan it re-files about half the requests held at every
     * re-plan (docs/sim.md). Default false. */
    bool replan_afresh;
    bool sensitivity;      /* compute the tornado table (default true) */
    uint64_t sensitivity_replications; /* per moved input; 0: replications / 4 */
    dd_sim_knobs knobs;
    /* Called from the calling thread about ten times a second while the
     * replications run (never from a worker); may be NULL. */
    dd_sim_progress_fn progress;
    void *progress_user;
    /* Called after each re-plan (dd_sim_replan_fn); may be NULL. */
    dd_sim_replan_fn on_replan;
    void *on_replan_user;
    /* Ranks of an MPI job sharing the replications (dd_cluster_start);
     * NULL: this process alone. Every rank calls dd_sim_run with the same
     * plan and options; rank 0 hands out chunks of replications and gets
     * the whole result (docs/scale.md). */
    dd_cluster *cluster;
    /* A folder (made when missing) where each finished chunk of
     * replications is written atomically; a later run with the same plan,
     * disruption model, seed and policy reads them back and computes only
     * the rest. NULL: none. */
    const char *checkpoint_dir;
} dd_sim_options;

void dd_sim_options_init(dd_sim_options *o);

/* A probability estimated from `hits` of `n` with its Wilson 95% interval
 * (Wilson 1927). */
typedef struct dd_sim_prob {
    uint64_t hits, n;
    double p, lo, hi;
} dd_sim_prob;

typedef struct dd_sim_site_result {
    dd_time p10, p50, p90; /* last departure from the site */
    dd_sim_prob p_close_by; /* closed by its close_by (or the deadline) */
} dd_sim_site_result;

typedef struct dd_sim_sens {
    const char *input;   /* "decision_delay", "denial", "abort", "closure_rate", "daily_cap" */
    const char *low_text, *high_text; /* how the input was moved */
    double p_low, p_high; /* P(deadline) with the input moved down / up */
    double swing;         /* |p_high - p_low| */
    double all_low, all_high; /* P(every term) likewise */
    double all_swing;
} dd_sim_sens;

typedef struct dd_sim_result {
    const dd_plan *plan;
    uint64_t replications, seed;
    int threads;
    bool replan, replan_incremental, replan_afresh;
    dd_sim_prob p_deadline; /* everything out by the agreement's deadline */
    dd_sim_prob p_all_terms; /* and every milestone and site closing date met */
    size_t n_milestones;
    dd_sim_prob *p_milestone;
    dd_time p10, p50, p90, min, max; /* completion; DD_TIME_NONE if never */
    uint64_t never; /* replications that did not finish within the horizon */
    size_t n_bins;
    dd_time hist_from, bin_width; /* completion histogram over days */
    uint64_t *hist;
    dd_sim_site_result *sites; /* n_sites */
    uint64_t binds[DD_SIM_CAUSE_COUNT];     /* replications where it held most */
    double delay_hours[DD_SIM_CAUSE_COUNT]; /* delay summed over the sorties of a
                                             * replication (sortie-hours), mean
                                             * over replications */
    double mean_denials, mean_aborts, mean_closures, mean_replans;
    size_t n_sens;
    dd_sim_sens sens[8]; /* sorted by swing, largest first */
    /* how it ran (the JSON's "threads", "ranks", "seconds"; not results) */
    int ranks;          /* MPI ranks (1: this process alone) */
    uint64_t resumed;   /* replications read back from the checkpoint */
    double seconds;
} dd_sim_result;

/*
 * Run the replications of `plan` (built for its scenario) under the
 * scenario's disruption model. Returns DD_OK and *out; DD_EARG for bad
 * options; DD_EIO when the checkpoint folder cannot be used or a message
 * between ranks fails; DD_ENOMEM. Uses o->threads threads (joined before
 * returning). With o->cluster, only rank 0's *out holds the results (the
 * other ranks' holds how it ran: replications, seed, threads, ranks).
 */
dd_status dd_sim_run(const dd_plan *plan, const dd_sim_options *o, dd_sim_result **out);
void dd_sim_result_free(dd_sim_result *r);

/* Human summary and the JSON document of docs/sim.md. */
dd_status dd_sim_write_text(const dd_sim_result *r, FILE *f);
dd_status dd_sim_write_json(const dd_sim_result *r, const char *scenario_path, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
