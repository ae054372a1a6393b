/* SPDX-License-Identifier: MIT */
/*
 * Incremental re-planning (issue 19): the re-planner of plan.h
 * (dd_replanner) run on the states of one execution in time order, keeping
 * what a disruption does not move: the simulation's default policy
 * (`--replan incremental`, docs/sim.md), and the full re-plan under the
 * same rules that checks it (`--replan full`). dd_replanner_run places
 * the whole plan afresh: the simulation's `--replan afresh`, and
 * tracking's re-plan.
 *
 * Ownership and threads as dd_replanner: one per thread; a run does not
 * allocate once the working memory has grown to the plan's size (the
 * tails' timelines, and the kept state's interval lists, grow with what
 * is placed again; dd_replanner_reset starts them over).
 */
#ifndef DRAWDOWN_REPLAN_H
#define DRAWDOWN_REPLAN_H

#include <drawdown/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Incremental re-planning (docs/sim.md): the same contract as
 * dd_replanner_run, for the states of one execution in time order (the
 * simulation's re-plans within a replication: a sortie that has left
 * keeps its departure and load in every later state). The run keeps the last
 * run's placement (the base plan before the first) of every sortie that
 * still fits it — not overdue, inside the window it holds, its load
 * ready, its airfield open — and places the others again as
 * dd_replanner_run does, among the kept ones (booked as placed: caps,
 * ramp, crews, tail hours, hubs) and in the gaps of the tails' timelines
 * of kept sorties; an overdue sortie's ready load first takes the
 * earliest kept slot of its airfield and type whose load is not ready
 * yet (that load goes to the overdue sortie). The placement state is kept
 * from one run to the next and brought up to the new state (what left
 * since, what moves), which gives the same re-plans as rebuilding it.
 * With nothing left to keep, or much to move, it is a full run. Every run
 * of a state with keep_clearances, with other caps than the last run's or
 * before its `now` is a full one. dd_replanner_reset forgets the last
 * placement: call it when a new execution starts (each replication), so
 * that a run depends only on the execution's own states.
 */
dd_status dd_replanner_run_incremental(dd_replanner *r, const dd_exec_state *x,
                                       dd_replan_sortie *out);
void dd_replanner_reset(dd_replanner *r);

/*
 * The full re-plan under the same rules (docs/sim.md): the same contract
 * and order of states as dd_replanner_run_incremental, but every sortie on
 * the ground is placed again through the planner's placement and checked
 * there, none kept on trust. A sortie that can keep its last placement (as
 * the incremental run decides it) keeps its load and is placed first, in
 * the order of those placements, at its last departure on its last tail,
 * else on another tail then, else within its day; the others after, as
 * dd_replanner_run places them. When much moves (the incremental run's
 * limits) the run is dd_replanner_run's: the whole plan placed afresh. It
 * checks what the incremental run's kept state takes as given: the two
 * should give the same estimates (tests/test_sim.c).
 */
dd_status dd_replanner_run_full(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out);

/* What the runs of a replanner did (since dd_replanner_new). */
typedef struct dd_replan_stats {
    uint64_t runs;   /* full and incremental */
    uint64_t full;   /* runs that placed every sortie on the ground */
    uint64_t placed; /* sorties placed, summed over the runs and their tries */
    uint64_t kept;   /* sorties kept as placed by the incremental runs */
    uint64_t grown;  /* unused (0): an incremental run no longer moves its day D */
} dd_replan_stats;
void dd_replanner_stats(const dd_replanner *r, dd_replan_stats *out);

#ifdef __cplusplus
}
#endif
#endif
