/* SPDX-License-Identifier: MIT */
/*
 * Private to the packing engine (src/load/pack*.c). The public entry point
 * (pack.c) validates a dd_pack_problem and turns it into a dd__pack_inst:
 * items sorted by decreasing scalar weight, conflicts folded into one mask
 * per item. The constructive heuristics (pack_greedy.c), the bounds
 * (pack_bound.c) and the local search (pack_cns.c) work on that instance in
 * its internal item order; pack.c maps the result back.
 */
#ifndef DD_LOAD_PACK_INT_H
#define DD_LOAD_PACK_INT_H

#include <stddef.h>
#include <stdint.h>

#include <drawdown/pack.h>

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
} dd__pack_inst;

/* Monotonic clock in seconds. */
double dd__pack_now(void);

/* Budget shared by the phases of one solve. */
typedef struct dd__pack_budget {
    double deadline;   /* absolute dd__pack_now() time; 0: none */
    uint64_t max_iter; /* 0: none */
    uint64_t iter;
    size_t target;     /* stop at <= target bins */
} dd__pack_budget;

/* True when the budget is spent (reads the clock: call per move, not per
 * evaluation). */
int dd__pack_budget_out(dd__pack_budget *b);

/* Lower bounds on the instance (in internal order). */
dd_status dd__pack_bounds(const dd__pack_inst *in, dd_pack_bounds *out);

/*
 * First-fit decreasing in internal order (items are already sorted), over
 * a segment tree of bin residuals: bin_of[n] receives bin numbers,
 * returns the number of bins via *n_bins_out.
 */
dd_status dd__pack_ffd(const dd__pack_inst *in, uint32_t *bin_of,
                       size_t *n_bins_out);
/* Best-fit decreasing, O(n * bins): for moderate n only. */
dd_status dd__pack_bfd(const dd__pack_inst *in, uint32_t *bin_of,
                       size_t *n_bins_out);

/* Minimum bin slack (MBS'), about n * 4000 search nodes: moderate n. */
dd_status dd__pack_mbs(const dd__pack_inst *in, uint32_t *bin_of,
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

#endif
