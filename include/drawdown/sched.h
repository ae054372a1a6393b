/* SPDX-License-Identifier: MIT */
/*
 * The scheduling engine: a general resource-constrained project scheduler
 * (RCPSP) for base-closure tasks and sorties. Pure computation: no file I/O,
 * no printing, no global state.
 *
 * Model. Activities have integer durations on a time grid (e.g. minutes),
 * an optional release date (start >= release) and an optional deadline
 * (finish <= deadline, soft: violations are minimised and reported).
 * Finish-to-start precedences carry a minimum lag:
 *     start(succ) >= start(pred) + duration(pred) + lag,
 * where lag may be negative down to -min(duration(pred), duration(succ))
 * (the successor may overlap its predecessor but neither start nor finish
 * before it). Renewable resources have a capacity that is a step function
 * of time (operating hours, blackout days, third-party reservations); an
 * activity uses a fixed amount of each resource for its whole duration.
 * Time starts at 0; the objective is the makespan (latest finish).
 *
 * Usage: build a dd_sched_problem with the dd_sched_add_* / set_* calls,
 * then call dd_sched_solve (any number of times, with different options) and
 * read the dd_sched_result.
 *
 * Ownership and threads: a dd_sched_problem is created by
 * dd_sched_problem_new and freed by dd_sched_problem_free; the builder calls
 * copy their arguments. A problem is not modified by dd_sched_solve or
 * dd_sched_bounds, so one `const dd_sched_problem *` may be solved from
 * several threads at once; building it is one thread at a time.
 */
#ifndef DRAWDOWN_SCHED_H
#define DRAWDOWN_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <drawdown/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "no deadline" / "no activity" markers */
#define DD_SCHED_NO_DEADLINE INT64_MAX
#define DD_SCHED_NONE SIZE_MAX

typedef struct dd_sched_problem dd_sched_problem;

/* One breakpoint of a capacity step function: from `time` on (until the
 * next breakpoint) the capacity is `capacity`. */
typedef struct dd_sched_step {
    int64_t time;
    int64_t capacity;
} dd_sched_step;

/* A new, empty problem in *out (free with dd_sched_problem_free). */
dd_status dd_sched_problem_new(dd_sched_problem **out);
/* Free a problem; NULL is a no-op. */
void dd_sched_problem_free(dd_sched_problem *p);

/* Add a renewable resource of constant capacity >= 0; its id (0, 1, ...)
 * in *id_out. */
dd_status dd_sched_add_resource(dd_sched_problem *p, int64_t capacity,
                                size_t *id_out);
/*
 * Replace resource `res`'s capacity by a step function: `steps` sorted by
 * strictly increasing time >= 0, capacities >= 0; the capacity before
 * steps[0].time is 0 and the last step holds forever. Copied.
 * DD_EARG on unsorted or negative entries.
 */
dd_status dd_sched_set_capacity(dd_sched_problem *p, size_t res,
                                const dd_sched_step *steps, size_t n_steps);

/* Add an activity of duration >= 0; its id (0, 1, ...) in *id_out. */
dd_status dd_sched_add_activity(dd_sched_problem *p, int64_t duration,
                                size_t *id_out);
/* Earliest start (>= 0; default 0). */
dd_status dd_sched_set_release(dd_sched_problem *p, size_t act, int64_t release);
/* Latest wished finish (default DD_SCHED_NO_DEADLINE). */
dd_status dd_sched_set_deadline(dd_sched_problem *p, size_t act,
                                int64_t deadline);
/* Activity `act` uses `amount` >= 0 of resource `res` while it runs. */
dd_status dd_sched_set_demand(dd_sched_problem *p, size_t act, size_t res,
                              int64_t amount);
/* start(succ) >= finish(pred) + min_lag (see the model above). */
dd_status dd_sched_add_precedence(dd_sched_problem *p, size_t pred, size_t succ,
                                  int64_t min_lag);

size_t dd_sched_n_activities(const dd_sched_problem *p);
size_t dd_sched_n_resources(const dd_sched_problem *p);

/*
 * Check the problem. DD_EINPUT with *bad_out set to the offending activity
 * when: the precedence graph has a cycle (an activity on it), a lag is below
 * its allowed minimum, or an activity's demand never fits in any window of
 * its duration (capacity too small forever). DD_ELIMIT when the time-indexed
 * horizon would be too large. bad_out may be NULL; it is set to
 * DD_SCHED_NONE on success.
 */
dd_status dd_sched_validate(const dd_sched_problem *p, size_t *bad_out);

typedef enum dd_sched_method {
    DD_SCHED_METHOD_RULE, /* one schedule from a priority rule (+ FBI) */
    DD_SCHED_METHOD_GA    /* genetic algorithm with FBI (default) */
} dd_sched_method;

typedef enum dd_sched_rule {
    DD_SCHED_RULE_LFT,  /* latest finish time (CPM) */
    DD_SCHED_RULE_LST,  /* latest start time */
    DD_SCHED_RULE_EST,  /* earliest start time */
    DD_SCHED_RULE_MTS,  /* most total successors */
    DD_SCHED_RULE_GRPW, /* greatest rank positional weight */
    DD_SCHED_RULE_MSLK, /* minimum slack */
    DD_SCHED_RULE_SPT,  /* shortest processing time */
    DD_SCHED_RULE_COUNT
} dd_sched_rule;

typedef enum dd_sched_sgs {
    DD_SCHED_SGS_SERIAL,  /* serial schedule generation (active schedules) */
    DD_SCHED_SGS_PARALLEL /* parallel (non-delay schedules) */
} dd_sched_sgs;

typedef enum dd_sched_deadlines {
    /* minimise total tardiness first, then the makespan (default) */
    DD_SCHED_DEADLINES_MINIMISE,
    /* minimise the makespan only; violations are still reported */
    DD_SCHED_DEADLINES_REPORT
} dd_sched_deadlines;

typedef struct dd_sched_options {
    dd_sched_method method;
    dd_sched_rule rule;         /* METHOD_RULE */
    dd_sched_sgs sgs;           /* METHOD_RULE */
    int justify;                /* METHOD_RULE: apply FBI after the rule */
    dd_sched_deadlines deadlines;
    /* Budget for METHOD_GA: schedules generated (each SGS pass counts one,
     * forward and backward passes of FBI each count one), and/or seconds
     * of wall time; 0 = unlimited for that one. Both 0: 5,000 schedules. */
    uint64_t max_schedules;
    double time_limit;
    uint64_t seed;       /* same seed, same budget in schedules: same result */
    size_t population;   /* initial GA population (it shrinks to a fifth
                            as the budget is used); 0 = chosen from the
                            budget and the number of activities */
} dd_sched_options;

/* Defaults: GA, 5,000 schedules, seed 1, deadlines minimised. */
void dd_sched_options_default(dd_sched_options *opt);

/* Lower bounds on the makespan (in the problem's time unit). */
typedef struct dd_sched_bounds {
    int64_t critical_path; /* longest path with release dates and lags */
    int64_t resource;      /* max of energy per resource and a disjunctive
                              (LB3-like) bound; >= 0 */
    int64_t best;          /* max of the above */
} dd_sched_bounds;

dd_status dd_sched_compute_bounds(const dd_sched_problem *p,
                                  dd_sched_bounds *out, size_t *bad_out);

/* The outcome of dd_sched_solve. Caller-owned: dd_sched_result_init before
 * use, dd_sched_result_fini after; `start` is owned by the result. */
typedef struct dd_sched_result {
    size_t n_activities;
    int64_t *start;      /* start time per activity */
    int64_t makespan;
    int64_t tardiness;   /* sum over activities of max(0, finish - deadline) */
    size_t n_late;       /* activities finishing after their deadline */
    dd_sched_bounds bounds;
    uint64_t n_schedules; /* schedules generated */
    double seconds;       /* wall time of the solve */
} dd_sched_result;

void dd_sched_result_init(dd_sched_result *r);
void dd_sched_result_fini(dd_sched_result *r);

/*
 * Schedule the problem. On DD_OK `res` holds a schedule that satisfies every
 * precedence, lag, release date and resource limit (deadlines may be
 * violated: see tardiness/n_late). Input errors as in dd_sched_validate
 * (with *bad_out). DD_EINFEASIBLE when no schedule was found (only possible
 * when some capacity drops below a demand for good, e.g. a resource that
 * closes). Deterministic for a seed when bounded by schedules only.
 */
dd_status dd_sched_solve(const dd_sched_problem *p, const dd_sched_options *opt,
                         dd_sched_result *res, size_t *bad_out);

#ifdef __cplusplus
}
#endif
#endif
