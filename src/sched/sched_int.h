/* SPDX-License-Identifier: MIT */
/*
 * Internals of the scheduling engine (src/sched/ only).
 *
 * A dd_sched_problem (the builder, problem.c) is compiled into a
 * dd__sched_inst: int32 times on a grid scaled by the gcd of all durations,
 * lags, release dates and capacity breakpoints; CSR successor/predecessor
 * lists; the nonzero demands of each activity; a topological order; and the
 * capacity of every resource in every time slot up to a safe horizon H
 * (time-major: cap[t * n_res + r]). The schedule generation schemes
 * (sgs.c) work on a per-thread dd__sched_ws holding the remaining capacity
 * profile, so an instance is read-only once compiled.
 */
#ifndef DD_SCHED_INT_H
#define DD_SCHED_INT_H

#include <drawdown/sched.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/rng.h"

#define DD__SCHED_INF INT32_MAX

struct dd_sched_problem {
    size_t n_act, cap_act;
    int64_t *dur, *rel, *dl;
    size_t n_res, cap_res;
    int64_t *res_cap;        /* constant capacity when no steps */
    dd_sched_step **steps;   /* per resource: NULL or owned array */
    size_t *n_steps;
    size_t n_dem, cap_dem;   /* demand triplets; later ones override */
    size_t *dem_act, *dem_res;
    int64_t *dem_q;
    size_t n_prec, cap_prec;
    size_t *prec_from, *prec_to;
    int64_t *prec_lag;
};

typedef struct dd__sched_inst {
    dd_arena arena;
    int32_t n, nres;
    int64_t unit; /* external time = internal time * unit */
    int32_t *dur, *rel, *dl; /* dl = DD__SCHED_INF when none (floored) */
    int32_t *lps;            /* latest start at which the activity fits
                                alone; DD__SCHED_INF when it fits forever */
    int32_t *succ_off, *succ, *succ_lag;
    int32_t *pred_off, *pred, *pred_lag;
    int32_t *dem_off, *dem_res, *dem_q;
    int32_t *topo, *rank; /* topological order and position in it */
    int32_t H;            /* time slots [0, H) covered by cap */
    int32_t *cap;         /* H * nres */
    int32_t *cap_max;     /* per resource, max over time */
    int32_t *es;          /* CPM earliest starts (release, lags) */
    int32_t cp;           /* critical-path length: max es + dur */
    int has_deadlines;
    int varying;          /* some capacity is not constant */
} dd__sched_inst;

dd_status dd__sched_compile(const dd_sched_problem *p, dd__sched_inst *in,
                            size_t *bad_out);
void dd__sched_inst_fini(dd__sched_inst *in);

/* Per-thread scratch for the SGS, every array in its arena. */
typedef struct dd__sched_ws {
    const dd__sched_inst *in;
    dd_arena arena;
    int32_t *avail;         /* H * nres remaining capacity */
    int32_t dirty_lo, dirty_hi; /* slots where avail may differ from cap */
    int32_t *head, *next;   /* time buckets for sorting */
    int32_t *tmp_start;     /* n */
    int32_t *tmp_start2;    /* n */
    int32_t *tmp_list;      /* n */
    int32_t *par_left, *par_est, *par_el, *par_e, *par_dirty; /* n each,
                                                                 for PAS */
    uint64_t n_sched;       /* schedules generated so far */
} dd__sched_ws;

dd_status dd__sched_ws_init(dd__sched_ws *ws, const dd__sched_inst *in);
void dd__sched_ws_fini(dd__sched_ws *ws);

/*
 * Serial SGS, forward: schedule `list` (precedence-feasible) each at its
 * earliest precedence- and resource-feasible start. Fills start[]; returns
 * the makespan, or -1 when an activity found no window (a capacity closing
 * for good). Counts one schedule.
 */
int32_t dd__sgs_forward(dd__sched_ws *ws, const int32_t *list, int32_t *start);
/*
 * Serial SGS, backward: `list` in reverse precedence order (successors
 * first); each activity finishes as late as possible but by T (and by its
 * deadline when `keep_dl` and the activity met it in `old`). Returns the
 * earliest start, or -1 on failure. Counts one schedule.
 */
int32_t dd__sgs_backward(dd__sched_ws *ws, const int32_t *list, int32_t T,
                         const int32_t *old, int keep_dl, int32_t *start);
/*
 * Parameterised active schedules, priorities lower first: delta 0 gives
 * the parallel SGS (non-delay schedules), a large delta the serial SGS.
 * Forward, or backward in a mirrored frame (time-invariant instances only:
 * then start gets a right-justified schedule shifted to 0). Returns the
 * makespan or -1. Counts one schedule.
 */
int32_t dd__sgs_pas(dd__sched_ws *ws, const int64_t *prio, int32_t delta,
                    int mirror, int32_t *start);

/* Activities sorted by start (ties: topological rank) into list. */
void dd__sched_sort_by_start(dd__sched_ws *ws, const int32_t *start,
                             int32_t *list);
/* Activities sorted by decreasing finish (ties: reverse rank). */
void dd__sched_sort_by_finish_desc(dd__sched_ws *ws, const int32_t *start,
                                   int32_t *list);
/*
 * Forward-backward improvement (Valls, Ballestin & Quintanilla 2005): given
 * a schedule `start`, right-justify then left-justify, `iters` times or
 * until no gain; on return start holds the improved schedule and list (if
 * not NULL) the activities by start time. Returns the makespan. Counts two
 * schedules per iteration.
 */
int32_t dd__sched_fbi(dd__sched_ws *ws, int32_t *start, int32_t *list,
                      int iters, int keep_dl);

/* Makespan and total tardiness of a schedule (internal units). */
int32_t dd__sched_makespan(const dd__sched_inst *in, const int32_t *start);
int64_t dd__sched_tardiness(const dd__sched_inst *in, const int32_t *start);

/* Priority values (lower = first) for a rule; prio has n entries. */
void dd__sched_rule_prio(const dd__sched_inst *in, dd_sched_rule rule,
                         const int32_t *lf, int64_t *prio);
/* Latest finish times by backward CPM from ub, capped by deadlines. */
void dd__sched_latest_finish(const dd__sched_inst *in, int32_t ub, int32_t *lf);
/* A precedence-feasible list choosing the eligible activity of least prio. */
void dd__sched_list_from_prio(const dd__sched_inst *in, const int64_t *prio,
                              int32_t *list, int32_t *scratch);
/* Regret-based biased random sampling (Kolisch & Drexl 1996) over prio. */
void dd__sched_list_rbrs(const dd__sched_inst *in, const int64_t *prio,
                         dd_rng *rng, int32_t *list, int32_t *scratch);

/* Lower bounds, internal units. Returns DD_ENOMEM on failure. */
dd_status dd__sched_bounds(const dd__sched_inst *in, int32_t *cp_out,
                           int32_t *res_out);

/* The GA: best schedule found into best_start, returns its cost. */
typedef struct dd__sched_ga_cfg {
    uint64_t max_schedules;
    double time_limit;
    uint64_t seed;
    size_t population;
    int minimise_tardiness;
    int32_t lower_bound; /* stop when reached (makespan, no tardiness) */
} dd__sched_ga_cfg;

dd_status dd__sched_ga(dd__sched_ws *ws, const dd__sched_ga_cfg *cfg,
                       int32_t *best_start);


#endif
