/* SPDX-License-Identifier: MIT */
/*
 * The packing engine (module `load`): vector bin packing with conflicts.
 *
 * Items have up to DD_PACK_MAX_DIMS integer sizes (e.g. weight, pallet
 * positions, seats, floor length); bins are identical with one capacity per
 * dimension. Optionally each item carries a class bitmask and the problem a
 * table of classes that may not share a bin (hazard class vs passengers).
 * dd_pack_solve() returns an assignment of items to bins that respects every
 * capacity and every conflict, the number of bins, and lower bounds that say
 * how far that number can be from the optimum.
 *
 * Method (docs/pack.md): first-fit decreasing over a segment tree (any n,
 * O(n log n) in practice), best-fit decreasing and minimum bin slack for
 * moderate n, then two local searches in turn that remove one bin at a
 * time until the lower bound or the budget: a consistent neighbourhood
 * search (Buljubasic & Vasquez 2016) and a fixed-m tabu search over
 * overloaded packings. For 1-D problems without conflicts the
 * Gilmore-Gomory linear relaxation is solved by column generation: its
 * bound, diving on the LP with limited backtracking and an exact search
 * among the patterns of small reduced cost close most of the remaining
 * gaps. Lower bounds: ceil(sum/capacity) and Martello-Toth L2 in each
 * dimension, a clique bound on pairwise incompatible items (capacity or
 * conflict), and in 1-D the LP bound (one more when the exact search
 * refutes it).
 *
 * Pure computation: no I/O, no global state. Calls on distinct results are
 * thread-safe; the problem is only read. Deterministic for a given seed and
 * iteration budget; a time limit may cut the search at a machine-dependent
 * point (the result is still a valid packing).
 */
#ifndef DRAWDOWN_PACK_H
#define DRAWDOWN_PACK_H

#include <stddef.h>
#include <stdint.h>

#include <drawdown/base.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DD_PACK_MAX_DIMS 4
/* Largest capacity accepted in any dimension (sizes are 0..capacity). */
#define DD_PACK_MAX_CAPACITY ((int64_t)1 << 40)
/* Bin numbers in dd_pack_result.bin_of are < this; n_items must be too. */
#define DD_PACK_MAX_ITEMS ((size_t)UINT32_MAX - 1)

/*
 * A problem, borrowed for the duration of the call only (nothing is kept).
 *   size      n_items * n_dims, row-major: size[i*n_dims + d] >= 0.
 *   capacity  n_dims values, 1..DD_PACK_MAX_CAPACITY.
 *   klass     n_items class bitmasks (bit c = item is of class c; an item
 *             may carry several classes), or NULL for no conflicts.
 *   conflict  32 masks: conflict[c] = classes that may not share a bin with
 *             class c; or NULL. The table is symmetrised (c conflicts with
 *             c' if either row says so). Bit c in conflict[c] means two
 *             items of class c may not share a bin. Ignored when klass is
 *             NULL.
 */
typedef struct dd_pack_problem {
    size_t n_items;
    unsigned n_dims;
    const int64_t *size;
    const int64_t *capacity;
    const uint32_t *klass;
    const uint32_t *conflict;
} dd_pack_problem;

/*
 * Search budget. dd_pack_options_init() gives: seed 1, time_limit_s 1.0,
 * max_iterations 0.
 *   time_limit_s    wall-clock limit for the whole call; <= 0: none. The
 *                   constructive phase always completes.
 *   max_iterations  local-search moves; 0: none. Use this (with
 *                   time_limit_s <= 0) for reproducible runs. The 1-D
 *                   LP phase counts no moves; it is bounded by its own
 *                   limits (simplex pivots, search nodes), so such runs
 *                   stay reproducible and finite.
 *   If both are "none", only the constructive heuristics run.
 *   target_bins     stop as soon as a packing with at most this many bins
 *                   is found (0: stop only at the lower bound). For
 *                   benchmarks that know the optimum.
 */
typedef struct dd_pack_options {
    uint64_t seed;
    double time_limit_s;
    uint64_t max_iterations;
    size_t target_bins;
} dd_pack_options;

void dd_pack_options_init(dd_pack_options *o);

/*
 * Lower bounds on the number of bins. Each is valid alone; lower_bound is
 * their maximum, or lp + 1 when dd_pack_solve's exact search over the
 * patterns of small reduced cost proved that no packing in lp bins
 * exists. l1[d] = ceil(sum of sizes / capacity) in dimension d,
 * l2[d] = Martello & Toth (1990) L2 in dimension d, clique = size of a
 * set of items no two of which fit together (capacity in some dimension or
 * a class conflict), found greedily (0 when n is too large to try).
 * lp = the Gilmore-Gomory linear relaxation rounded up (column generation,
 * made rigorous with integer duals): 1-D problems without conflicts only,
 * computed by dd_pack_solve when the other bounds do not already match the
 * packing and the budget allows; 0 otherwise (dd_pack_lower_bounds never
 * computes it).
 */
typedef struct dd_pack_bounds {
    size_t lower_bound;
    size_t l1[DD_PACK_MAX_DIMS];
    size_t l2[DD_PACK_MAX_DIMS];
    size_t clique;
    size_t lp;
} dd_pack_bounds;

/*
 * A solution. Caller-owned struct: dd_pack_result_init before the first
 * solve, dd_pack_result_fini to free bin_of (a result may be reused by
 * several solves; each frees the previous bin_of).
 *   bin_of        n_items bin numbers, 0..n_bins-1, in the caller's item
 *                 order; every bin number in that range is used.
 *   initial_bins  bins of the best constructive heuristic.
 *   optimal       1 when n_bins == bounds.lower_bound (proven optimal).
 *   bad_item      on DD_EINPUT, the first item that is larger than the
 *                 capacity in some dimension or has a negative size;
 *                 SIZE_MAX otherwise.
 *   iterations    local-search moves made; seconds = wall time of the call.
 */
typedef struct dd_pack_result {
    size_t n_bins;
    uint32_t *bin_of;
    dd_pack_bounds bounds;
    size_t initial_bins;
    int optimal;
    size_t bad_item;
    uint64_t iterations;
    double seconds;
} dd_pack_result;

void dd_pack_result_init(dd_pack_result *r);
void dd_pack_result_fini(dd_pack_result *r);

/*
 * Pack the items. Returns DD_OK with a feasible packing in *out;
 * DD_EARG for a NULL pointer, n_dims outside 1..DD_PACK_MAX_DIMS, a
 * capacity outside 1..DD_PACK_MAX_CAPACITY, or too many items;
 * DD_EINPUT when an item does not fit an empty bin (out->bad_item names
 * it); DD_ENOMEM. On failure out->bin_of is NULL and n_bins 0.
 * o may be NULL (defaults).
 */
dd_status dd_pack_solve(const dd_pack_problem *p, const dd_pack_options *o,
                        dd_pack_result *out);

/* Lower bounds only (same validation as dd_pack_solve, bad_item not given). */
dd_status dd_pack_lower_bounds(const dd_pack_problem *p, dd_pack_bounds *out);

#ifdef __cplusplus
}
#endif
#endif
