/* SPDX-License-Identifier: MIT */
/*
 * Diving on the Gilmore-Gomory LP (docs/pack.md, "LP and reduced-cost
 * search"): fix patterns of the LP solution one step at a time and solve
 * the LP of what is left again, until every item is packed or the LP of
 * the rest shows that the target cannot be met any more. Every pattern
 * with value >= 1 is fixed at once (as many copies as its whole value);
 * otherwise the one of largest value. This is the residual-rounding
 * diving of column-generation codes (e.g. Belov & Scheithauer 2006, "A
 * branch-and-cut-and-price algorithm for one-dimensional stock cutting
 * and two-dimensional two-stage cutting", EJOR 171), without backtracking.
 * Re-solving keeps the basis (dual simplex, then column generation), so a
 * step costs a few hundred pivots. It complements the exact cover of
 * pack_exact.c: when the duals leave many items at (nearly) zero, the
 * re-solved LPs still price those items in the smaller residual problems.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "load/pack_int.h"

/* LP values at least this close to an integer count as that integer. */
#define EPS_X 1e-6
/* The residual LP value is trusted up to this (numerical noise). */
#define EPS_Z 1e-3

/* Can one more copy of pool column j be taken from the demands res? */
static int fits(const dd__pack_lp *lp, size_t j, const int64_t *res)
{
    const uint32_t *idx;
    const int32_t *val;
    size_t nz = dd__pack_lp_pattern(lp, j, &idx, &val);
    for (size_t e = 0; e < nz; e++)
        if (res[idx[e]] < val[e])
            return 0;
    return 1;
}

/* Take one copy of column j as bin `bin`: record its items' bins. */
static void take_copy(const dd__pack_lp *lp, size_t j, int64_t *res, uint32_t bin,
                      uint32_t *copy_bin, const size_t *first, const int64_t *d)
{
    const uint32_t *idx;
    const int32_t *val;
    size_t nz = dd__pack_lp_pattern(lp, j, &idx, &val);
    for (size_t e = 0; e < nz; e++) {
        size_t t = idx[e];
        for (int32_t c = 0; c < val[e]; c++) {
            /* copies of type t are handed out in order */
            size_t used = (size_t)(d[t] - res[t]);
            copy_bin[first[t] + used] = bin;
            res[t]--;
        }
    }
}

int dd__pack_dive(dd__pack_lp *lp, size_t m, const int64_t *d, size_t target,
                  dd__pack_budget *bud, uint64_t max_pivots, uint32_t *copy_bin)
{
    uint64_t pivots0 = dd__pack_lp_pivots(lp);
    int64_t *res = malloc((m ? m : 1) * sizeof *res);
    size_t *first = malloc((m + 1) * sizeof *first);
    if (!res || !first) {
        free(res);
        free(first);
        return -1;
    }
    memcpy(res, d, m * sizeof *res);
    first[0] = 0;
    for (size_t t = 0; t < m; t++)
        first[t + 1] = first[t] + (size_t)d[t];
    size_t fixed = 0;
    int result = 0;
    for (;;) {
        int64_t left = 0;
        for (size_t t = 0; t < m; t++)
            left += res[t];
        if (left == 0) {
            result = fixed <= target;
            break;
        }
        double z = dd__pack_lp_value(lp);
        if ((double)fixed + ceil(z - EPS_Z) > (double)target || dd__pack_budget_out(bud) ||
            (max_pivots && dd__pack_lp_pivots(lp) - pivots0 > max_pivots))
            break;
        size_t nc = dd__pack_lp_n_cols(lp), best = nc;
        double bx = 0;
        int took = 0;
        for (size_t j = 0; j < nc; j++) {
            double x = dd__pack_lp_x(lp, j);
            if (x < 1 - EPS_X) {
                if (x > bx && fits(lp, j, res)) {
                    bx = x;
                    best = j;
                }
                continue;
            }
            for (double c = x; c >= 1 - EPS_X && fits(lp, j, res); c -= 1) {
                take_copy(lp, j, res, (uint32_t)fixed++, copy_bin, first, d);
                took = 1;
            }
        }
        if (!took) {
            if (best == nc)
                break;
            take_copy(lp, best, res, (uint32_t)fixed++, copy_bin, first, d);
        }
        if (fixed > target)
            break;
        dd__pack_lp_set_demand(lp, res);
        if (dd__pack_lp_solve(lp, bud) != 0)
            break;
    }
    free(res);
    free(first);
    return result;
}
