/* SPDX-License-Identifier: MIT */
/*
 * What-if sweeps (`drawdown sweep SCENARIO --vary NAME=A..B[:STEP] ...`,
 * docs/sweep.md): every combination of the varied parameters
 * (include/drawdown/override.h) is planned — and simulated when
 * replications > 0 — on threads and MPI ranks through the simulation's
 * work farm. Each combination is a pure function of the scenario, its
 * values, the options and the seed, so the table is the same for any
 * number of threads or ranks.
 *
 * Ownership: an axis owns its values (dd_sweep_axis_fini). dd_sweep_run
 * allocates *out (dd_sweep_result_free); the result borrows the scenario
 * and the axes, which must outlive it.
 */
#ifndef DRAWDOWN_SWEEP_H
#define DRAWDOWN_SWEEP_H

#include <drawdown/override.h>
#include <drawdown/plan.h>
#include <drawdown/sim.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DD_SWEEP_MAX_AXES 8
#define DD_SWEEP_MAX_VALUES DD_PARAM_MAX_VALUES
#define DD_SWEEP_MAX_COMBINATIONS 100000

typedef struct dd_sweep_axis {
    dd_param param;
    size_t n_values;
    int64_t *values; /* owned */
} dd_sweep_axis;

/* dd_param_range_parse into an axis (include/drawdown/override.h). */
dd_status dd_sweep_axis_parse(const dd_scenario *s, const char *arg, const char *where,
                              uint32_t number, dd_diags *diags, dd_sweep_axis *out);
void dd_sweep_axis_fini(dd_sweep_axis *a);

typedef struct dd_sweep_options {
    uint64_t seed;               /* of each plan and simulation (default 1) */
    dd_plan_objective objective; /* default DD_OBJ_MARGIN */
    uint64_t replications;       /* per combination; 0: plan only (default) */
    int threads;                 /* <= 0: one per online core */
    dd_cluster *cluster;         /* NULL: this process alone */
    dd_sim_progress_fn progress; /* from the calling thread; may be NULL */
    void *progress_user;
} dd_sweep_options;

void dd_sweep_options_init(dd_sweep_options *o);

typedef struct dd_sweep_row {
    size_t idx[DD_SWEEP_MAX_AXES]; /* the value of each axis */
    dd_status status;  /* DD_OK, or why no plan could be made */
    bool met;          /* the plan meets every term (deadline, closing dates,
                        * milestones, people's terms) with everything out */
    dd_time completion; /* last departure */
    dd_time margin;     /* on the tightest term; negative when late */
    int32_t sorties;
    dd_binding binding;
    dd_sim_prob p_deadline, p_all_terms; /* n == 0 when not simulated */
} dd_sweep_row;

typedef struct dd_sweep_result {
    const dd_scenario *scenario;
    size_t n_axes;
    const dd_sweep_axis *axes;
    size_t n_rows; /* every combination, the first axis slowest */
    dd_sweep_row *rows;
    uint64_t replications, seed;
    int threads, ranks;
    double seconds;
} dd_sweep_result;

/* Run the sweep. DD_EARG for no axes, too many, or more than
 * DD_SWEEP_MAX_COMBINATIONS; DD_ENOMEM; DD_EIO between ranks. With a
 * cluster, only rank 0's *out holds the rows. */
dd_status dd_sweep_run(const dd_scenario *s, const dd_sweep_axis *axes, size_t n_axes,
                       const dd_sweep_options *o, dd_sweep_result **out);
void dd_sweep_result_free(dd_sweep_result *r);

/* The table: CSV (one row per combination, a header), JSON (docs/sweep.md)
 * and text. Only the JSON's "threads", "ranks" and "seconds" depend on
 * how it ran. */
dd_status dd_sweep_write_csv(const dd_sweep_result *r, FILE *f);
dd_status dd_sweep_write_json(const dd_sweep_result *r, const char *scenario_path, FILE *f);
dd_status dd_sweep_write_text(const dd_sweep_result *r, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
