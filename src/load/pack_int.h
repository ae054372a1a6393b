/* SPDX-License-Identifier: MIT */
/*
 * Private to the packing engine (src/load/pack*.c). The public entry point
 * (pack.c) validates a dd_pack_problem and turns it into a dd__pack_inst:
 * items sorted by decreasing scalar weight, conflicts folded into one mask
 * per item. The constructive heuristics (pack_greedy.c), the bounds
 * (pack_bound.c), the local searches (pack_cns.c, pack_ls.c) and, for 1-D
 * instances, the LP (pack_lp.c), the reduced-cost exact cover
 * (pack_exact.c) and diving (pack_dive.c) work on that instance in its
 * internal item order; pack.c maps the result back. Nothing here keeps
 * state between calls; every function is single-threaded on its own data.
 */
#ifndef DD_LOAD_PACK_INT_H
#define DD_LOAD_PACK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drawdown/pack.h>

#include "base/clock.h"
#include "base/arena.h"

#define DD__PACK_NONE UINT32_MAX

typedef struct dd__pack_inst {
    size_t n;
    unsigned nd;
    int64_t cap[DD_PACK_MAX_DIMS];
    int64_t *size;   /* n*nd, internal order (decreasing w) */
    int64_t *w;      /* scalar weight: size if 1-D, else sum of fractions */
    int64_t wcap;    /* scalar weight of a full bin */
    uint32_t *orig;  /* internal index -> caller index */
    uint32_t *klass; /* NULL when there are no conflicts */
    uint32_t *conf;  /* classes item i may not share a bin with */
    dd_arena arena;  /* the arrays above: dd__arena_fini frees them */
} dd__pack_inst;

/* Monotonic clock in seconds. */

/* Items in bins (pack_bins.c), for the local searches: bin[i] is item i's
 * bin or DD__PACK_NONE, each bin's items a list from head[] through
 * next[]/prev[], with its count, load (bin * nd + d) and scalar weight.
 * The arrays live in the arena given to init. */
typedef struct dd__pack_bins {
    const dd__pack_inst *in;
    uint32_t *bin;
    uint32_t *head, *next, *prev;
    uint32_t *cnt;
    int64_t *load;
    int64_t *wload;
} dd__pack_bins;

/* Room for in->n items in n_bins bins, all empty; false when out of memory. */
bool dd__pack_bins_init(dd__pack_bins *b, const dd__pack_inst *in, size_t n_bins, dd_arena *a);
/* Bins [0, n_bins) emptied (their items' bin[] is left as it was). */
void dd__pack_bins_clear(dd__pack_bins *b, size_t n_bins);
/* Item i (in no bin) into bin `bin`. */
void dd__pack_bins_put(dd__pack_bins *b, uint32_t bin, uint32_t i);
/* Item i out of its bin; returns that bin. */
uint32_t dd__pack_bins_take(dd__pack_bins *b, uint32_t i);

/* A value and the index of what it measures: items by weight, patterns by
 * reduced cost or room. */
typedef struct dd__pack_rank {
    int64_t v;
    uint32_t i;
} dd__pack_rank;

/* Sort r[0..n): the largest value first, then by index; false when out of
 * memory. */
bool dd__pack_rank_sort(dd__pack_rank *r, size_t n);

/* Budget shared by the phases of one solve. */
typedef struct dd__pack_budget {
    double deadline;   /* absolute dd__mono_s() time; 0: none */
    uint64_t max_iter; /* 0: none */
    uint64_t iter;
    size_t target;     /* stop at <= target bins */
} dd__pack_budget;

/* True when the budget is spent (reads the clock: call per move, not per
 * evaluation). */
int dd__pack_budget_out(dd__pack_budget *b);

/* Does item i fit a bin holding `load` (nd values) and the classes `mask`:
 * room in every dimension, and no class it conflicts with? */
static inline bool dd__pack_fits(const dd__pack_inst *in, const int64_t *load, uint32_t mask,
                                 size_t i)
{
    const int64_t *s = in->size + i * in->nd;
    for (unsigned d = 0; d < in->nd; d++)
        if (load[d] + s[d] > in->cap[d])
            return false;
    return !(in->klass && (mask & in->conf[i]));
}

/* Lower bounds on the instance (in internal order). */
dd_status dd__pack_bounds(const dd__pack_inst *in, dd_pack_bounds *out);

/* The constructive rules (pack_greedy.c), in internal order (items are
 * already sorted). */
typedef enum dd__pack_rule {
    /* first-fit decreasing over a segment tree of bin residuals */
    DD__PACK_FFD,
    /* best-fit decreasing, O(n * bins): for moderate n only */
    DD__PACK_BFD,
    /* minimum bin slack (MBS'), about n * 4000 search nodes: moderate n */
    DD__PACK_MBS,
} dd__pack_rule;

/* Pack by `rule`: bin_of[n] receives bin numbers, *n_bins_out the number
 * of bins (0 for no items). */
dd_status dd__pack_greedy(const dd__pack_inst *in, dd__pack_rule rule, uint32_t *bin_of,
                          size_t *n_bins_out);

/*
 * Consistent neighbourhood search: improve the packing in bin_of (n_bins
 * bins, feasible) towards lb bins within the budget. Updates bin_of and
 * *n_bins in place when it finds fewer bins.
 */
dd_status dd__pack_cns(const dd__pack_inst *in, uint64_t seed, size_t lb,
                       dd__pack_budget *budget, uint32_t *bin_of,
                       size_t *n_bins);

/*
 * Fixed-m tabu search over overloaded packings (pack_ls.c): improve the
 * packing in bin_of (n_bins bins, feasible) towards `goal` bins within the
 * budget. Updates bin_of and *n_bins in place when it finds fewer bins.
 */
dd_status dd__pack_ls(const dd__pack_inst *in, uint64_t seed, size_t goal,
                      dd__pack_budget *budget, uint32_t *bin_of,
                      size_t *n_bins);

/*
 * The Gilmore-Gomory LP of a 1-D instance by column generation
 * (pack_lp.c). Types t = 0..m-1 are the distinct sizes w[t] (decreasing,
 * borrowed for the LP's life) with demands d[t] (copied). Single-threaded;
 * dd__pack_lp_free(NULL) is a no-op. Solve returns 0 at the optimum, 1
 * when the budget ran out, -1 on failure (allocation or numerics); the
 * duals and primal values are then those of the last basis.
 */
typedef struct dd__pack_lp dd__pack_lp;
dd__pack_lp *dd__pack_lp_new(size_t m, const int64_t *w, const int64_t *d,
                             int64_t cap);
void dd__pack_lp_free(dd__pack_lp *lp);
int dd__pack_lp_solve(dd__pack_lp *lp, dd__pack_budget *budget);
/* New demands (e.g. after fixing patterns); solve again afterwards. */
int dd__pack_lp_set_demand(dd__pack_lp *lp, const int64_t *d);
/* Add a pattern (dense, m counts) to the pool; its index or -1. */
long dd__pack_lp_add_pattern(dd__pack_lp *lp, const int32_t *a);
double dd__pack_lp_value(const dd__pack_lp *lp);
const double *dd__pack_lp_duals(const dd__pack_lp *lp);
size_t dd__pack_lp_n_cols(const dd__pack_lp *lp);
uint64_t dd__pack_lp_pivots(const dd__pack_lp *lp);
/* Primal value of pool column j (0 when nonbasic). */
double dd__pack_lp_x(const dd__pack_lp *lp, size_t j);
/* Pool column j as (type, count) pairs; returns their number. */
size_t dd__pack_lp_pattern(const dd__pack_lp *lp, size_t j, const uint32_t **idx,
                           const int32_t **val);
/*
 * Integer duals P[m] from the duals pi (NULL: the current ones), kmax[0..cap] = largest
 * P-value of a pattern within each capacity, *V_out = kmax[cap]; returns
 * the rigorous bound ceil(sum d P / V), 0 if V = 0.
 */
size_t dd__pack_lp_int_duals(const dd__pack_lp *lp, const double *pi, int64_t *P,
                             int64_t *kmax, int64_t *V_out);

/*
 * Exact cover over the patterns of reduced cost <= gap (pack_exact.c):
 * look for a packing of the types (sizes w decreasing, demands d) into at
 * most m_target bins, every bin a pattern of reduced cost
 * V - sum P <= gap, free items (P = 0) packed last. Limits: at most
 * max_patterns patterns (else give up), node_limit search nodes,
 * free_node_limit nodes per packing of the free items, max_free free
 * items. On success returns 1 and copy_bin[first(t) + c] = bin of copy c
 * of type t (first(t) = d[0] + ... + d[t-1]), bins 0..m_target-1 (some
 * may be unused); 0 when the search was complete and found nothing (no
 * such packing exists: no free items, no limit hit); 2 when it gave up
 * or failed without proof; -1 out of memory.
 */
/* A copy of the LP's solution: columns with x > 0 as (type, count) lists. */
typedef struct dd__pack_lp_sol {
    size_t n;
    double *x;
    size_t *beg; /* n + 1 */
    uint32_t *idx;
    int32_t *val;
} dd__pack_lp_sol;
/* Fill *out (caller frees with dd__pack_lp_sol_fini); DD_ENOMEM. */
dd_status dd__pack_lp_sol_take(const dd__pack_lp *lp, dd__pack_lp_sol *out);
void dd__pack_lp_sol_fini(dd__pack_lp_sol *sol);

typedef struct dd__pack_exact_in {
    size_t m;
    const int64_t *w, *d;
    int64_t cap;
    const int64_t *P, *kmax; /* kmax[0..cap] */
    int64_t V, gap;
    size_t m_target;
    const dd__pack_lp_sol *lp_sol; /* orders patterns by LP value; or NULL */
    size_t max_patterns, max_free;
    uint64_t node_limit, free_node_limit;
    uint64_t *work_out; /* or NULL: search and enumeration nodes spent */
} dd__pack_exact_in;
int dd__pack_exact(const dd__pack_exact_in *in, dd__pack_budget *budget,
                   uint32_t *copy_bin);

/*
 * Diving on the LP with limited backtracking (pack_dive.c): lp solved for
 * the demands d (m types of sizes w, capacity cap); fixes LP patterns and
 * re-solves, trying the exact cover on residual problems, until all items
 * are packed into at most target bins (returns 1, copy_bin as for
 * dd__pack_exact) or every path allowed is refuted (0), or the budget or
 * max_pivots (0: none) runs out; -1 out of memory. Changes the LP's
 * demands.
 */
int dd__pack_dive(dd__pack_lp *lp, size_t m, const int64_t *w, const int64_t *d,
                  int64_t cap, size_t target, dd__pack_budget *budget,
                  uint64_t max_pivots, uint32_t *copy_bin);

#endif
