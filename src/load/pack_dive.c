/* SPDX-License-Identifier: MIT */
/*
 * Diving on the Gilmore-Gomory LP with limited backtracking (docs/pack.md,
 * "Diving with limited backtracking"): fix patterns of the LP solution and
 * solve the LP of what is left again, until every item is packed or the
 * residual LP shows that the target cannot be met. While a path may still
 * branch, one copy of one pattern is fixed per node, the largest value
 * first; below that, every pattern with value >= 1 at once (as many copies
 * as its whole value), else the one of largest value. This is the
 * residual-rounding diving of column-generation codes (e.g. Belov &
 * Scheithauer 2006, "A branch-and-cut-and-price algorithm for
 * one-dimensional stock cutting and two-dimensional two-stage cutting",
 * EJOR 171).
 *
 * Backtracking follows the limited discrepancy search of Sadykov,
 * Vanderbeck, Pessoa, Tahiri & Uchoa 2019 ("Primal heuristics for
 * branch and price: the assets of diving methods", INFORMS J. Computing
 * 31): at a node where one pattern is fixed, the alternatives fix the
 * next candidates instead, and the candidates already tried are
 * put on a tabu list for the whole subtree: they may still be used by the
 * LP (so pricing needs no change) but are never fixed again there. The
 * number of such discrepancies on a path and the depth at which they may
 * be taken are limited.
 *
 * At every node whose residual LP leaves a gap below one bin, the exact
 * cover of pack_exact.c is tried on the residual items with the
 * residual's integer duals: a small residual has few patterns of small
 * reduced cost, so it either completes the packing or proves (when no
 * item has zero dual) that none exists below this node, which cuts the
 * dive short and lets it backtrack early. A costly failure is not
 * repeated on the path until the residual has shrunk.
 *
 * Re-solving keeps the basis (dual simplex, then column generation); a
 * backtrack only sets the demands of the node again. Patterns are kept as
 * copies (the LP pool is purged and renumbered during deeper solves) and
 * the tabu list holds hashes of their contents.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "load/pack_int.h"

/* LP values at least this close to an integer count as that integer. */
#define EPS_X 1e-6
/* The residual LP value is trusted up to this (numerical noise). */
#define EPS_Z 1e-3
/* Alternatives per branching node, discrepancies per path, and the
 * branching depth (nodes fixing one pattern) they may be taken in. */
#define LDS_WIDTH 2
#define LDS_DISCREPANCIES 3
#define LDS_DEPTH 16
/* Exact cover on residual problems: pattern and node limits per call. */
#define RES_PATTERNS 5000
#define RES_NODES 5000
#define RES_FREE_NODES 5000
#define RES_MAX_FREE 400
/* After a failure costing more than RES_CHEAP nodes, the next try waits
 * until RES_SKIP_ITEMS more items are packed. */
#define RES_CHEAP 1000
#define RES_SKIP_ITEMS 8

/* A pattern copied out of the LP pool: (type, count) pairs. */
typedef struct dpat {
    size_t nz;
    uint32_t idx[64];
    int32_t val[64];
    uint64_t key;
} dpat;

typedef struct dv {
    dd__pack_lp *lp;
    size_t m, target;
    const int64_t *d, *w;
    int64_t cap;
    dd__pack_budget *bud;
    uint64_t max_pivots, pivots0;
    int64_t *res;
    size_t *first;
    uint32_t *copy_bin;
    size_t fixed;
    int64_t slack; /* room the fixed bins may still leave unused */
    uint64_t *tabu;
    size_t n_tabu, tabu_cap;
    /* residual exact cover */
    int64_t *P, *kmax;
    uint32_t *xbin;
    uint64_t exact_work;
    int stop; /* budget out */
} dv;

static uint64_t pat_key(const uint32_t *idx, const int32_t *val, size_t nz)
{
    uint64_t h = 0x243f6a8885a308d3ULL;
    for (size_t e = 0; e < nz; e++) {
        h ^= (uint64_t)idx[e] * 0x9e3779b97f4a7c15ULL + (uint32_t)val[e];
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    return h;
}

static int is_tabu(const dv *s, uint64_t key)
{
    for (size_t k = 0; k < s->n_tabu; k++)
        if (s->tabu[k] == key)
            return 1;
    return 0;
}

static int push_tabu(dv *s, uint64_t key)
{
    uint64_t *nt = dd__grow(s->tabu, &s->tabu_cap, s->n_tabu, 64, sizeof *nt);
    if (!nt)
        return -1;
    s->tabu = nt;
    s->tabu[s->n_tabu++] = key;
    return 0;
}

/* Can one more copy of the pattern be taken from the demands res? */
static int fits(const int64_t *res, const uint32_t *idx, const int32_t *val, size_t nz)
{
    for (size_t e = 0; e < nz; e++)
        if (res[idx[e]] < val[e])
            return 0;
    return 1;
}

/*
 * Room a bin of this pattern leaves unused. Over the bins of a packing in
 * at most `target` bins these sum to at most target * cap - total weight
 * (the slack), so no pattern leaving more than what is left of the slack
 * may be fixed: on Hard28 the slack is a few dozen units of 1,000.
 */
static int64_t waste(const dv *s, const uint32_t *idx, const int32_t *val, size_t nz)
{
    int64_t r = s->cap;
    for (size_t e = 0; e < nz; e++)
        r -= s->w[idx[e]] * val[e];
    return r;
}

/* Can one more copy of the pattern be fixed? */
static int can_fix(const dv *s, const uint32_t *idx, const int32_t *val, size_t nz)
{
    return fits(s->res, idx, val, nz) && waste(s, idx, val, nz) <= s->slack;
}

/* Take one copy of the pattern as the next bin: record its items' bins. */
static void take_copy(dv *s, const uint32_t *idx, const int32_t *val, size_t nz)
{
    s->slack -= waste(s, idx, val, nz);
    uint32_t bin = (uint32_t)s->fixed++;
    for (size_t e = 0; e < nz; e++) {
        size_t t = idx[e];
        for (int32_t c = 0; c < val[e]; c++) {
            /* copies of type t are handed out in order */
            size_t used = (size_t)(s->d[t] - s->res[t]);
            s->copy_bin[s->first[t] + used] = bin;
            s->res[t]--;
        }
    }
}

/* Work for runs bounded by iterations: pivots, and the node limit of
 * every residual exact cover tried (an upper bound of its nodes). */
static int out_of_work(dv *s)
{
    if (dd__pack_budget_out(s->bud) ||
        (s->max_pivots &&
         dd__pack_lp_pivots(s->lp) - s->pivots0 + s->exact_work > s->max_pivots))
        s->stop = 1;
    return s->stop;
}

/*
 * The exact cover on the residual items into target - fixed bins.
 * Returns 1 when it packed them (copy_bin completed), 0 when it proved
 * there is no such packing, 2 when it gave up, -1 out of memory.
 */
static int try_exact(dv *s, uint64_t *spent_out)
{
    *spent_out = 0;
    size_t m = s->m, bins = s->target - s->fixed;
    int64_t V;
    size_t lb = dd__pack_lp_int_duals(s->lp, NULL, s->P, s->kmax, &V);
    if (V <= 0)
        return 2;
    if (lb > bins)
        return 0;
    __int128 sum = 0;
    for (size_t t = 0; t < m; t++)
        sum += (__int128)s->res[t] * s->P[t];
    __int128 gap = (__int128)bins * V - sum;
    if (gap < 0)
        return 0;
    if (gap > V)
        return 2;
    dd__pack_lp_sol sol;
    if (dd__pack_lp_sol_take(s->lp, &sol) != DD_OK)
        return -1;
    uint64_t spent = 0;
    dd__pack_exact_in ein = {m, s->w, s->res, s->cap, s->P, s->kmax, V, (int64_t)gap, bins,
                             &sol, RES_PATTERNS, RES_MAX_FREE, RES_NODES, RES_FREE_NODES,
                             &spent};
    int r = dd__pack_exact(&ein, s->bud, s->xbin);
    dd__pack_lp_sol_fini(&sol);
    s->exact_work += spent;
    *spent_out = spent;
    if (r != 1)
        return r;
    /* residual copy c of type t is global copy d[t] - res[t] + c */
    size_t off = 0;
    for (size_t t = 0; t < m; t++) {
        size_t used = (size_t)(s->d[t] - s->res[t]);
        for (int64_t c = 0; c < s->res[t]; c++)
            s->copy_bin[s->first[t] + used + (size_t)c] = (uint32_t)s->fixed + s->xbin[off + (size_t)c];
        off += (size_t)s->res[t];
    }
    return 1;
}

static int resolve(dv *s)
{
    dd__pack_lp_set_demand(s->lp, s->res);
    return dd__pack_lp_solve(s->lp, s->bud);
}

/*
 * Without alternatives: every pattern with value >= 1 at once (as many
 * copies as its whole value), else one copy of the one of largest value.
 * Returns 1 when something was fixed, 0 when nothing could be.
 */
static int fix_greedy(dv *s)
{
    size_t nc = dd__pack_lp_n_cols(s->lp), best = nc;
    double bx = 0;
    int took = 0;
    for (size_t j = 0; j < nc; j++) {
        double x = dd__pack_lp_x(s->lp, j);
        if (x <= EPS_X)
            continue;
        const uint32_t *idx;
        const int32_t *val;
        size_t nz = dd__pack_lp_pattern(s->lp, j, &idx, &val);
        if (s->n_tabu && is_tabu(s, pat_key(idx, val, nz)))
            continue;
        if (x < 1 - EPS_X) {
            if (x > bx && can_fix(s, idx, val, nz)) {
                bx = x;
                best = j;
            }
            continue;
        }
        for (double c = x; c >= 1 - EPS_X && can_fix(s, idx, val, nz); c -= 1) {
            take_copy(s, idx, val, nz);
            took = 1;
        }
    }
    if (!took && best < nc) {
        const uint32_t *idx;
        const int32_t *val;
        size_t nz = dd__pack_lp_pattern(s->lp, best, &idx, &val);
        take_copy(s, idx, val, nz);
        took = 1;
    }
    return took;
}

/*
 * A node and, without alternatives, the path below it: the LP is solved
 * for s->res. `depth` counts branching nodes above, `disc` the
 * discrepancies still allowed; only branching nodes recurse, so the
 * recursion is at most LDS_DEPTH deep. Returns 1 when every item is packed
 * within the target, 0 otherwise, -1 out of memory. Leaves s->res and
 * s->fixed changed: the caller restores them.
 */
static int node(dv *s, unsigned depth, unsigned disc, int64_t exact_at)
{
    size_t m = s->m;
    for (;;) {
        int64_t left = 0;
        for (size_t t = 0; t < m; t++)
            left += s->res[t];
        if (left == 0)
            return s->fixed <= s->target;
        double z = dd__pack_lp_value(s->lp);
        if ((double)s->fixed + ceil(z - EPS_Z) > (double)s->target || out_of_work(s))
            return 0;
        /* a costly failure of the exact cover is not repeated until the
         * residual is RES_SKIP_ITEMS items smaller */
        if (left <= exact_at) {
            uint64_t spent;
            int ex = try_exact(s, &spent);
            if (ex != 2)
                return ex; /* packed (1), refuted (0), out of memory */
            if (spent > RES_CHEAP)
                exact_at = left - RES_SKIP_ITEMS;
        }
        if (disc > 0 && depth < LDS_DEPTH)
            break;
        if (!fix_greedy(s) || s->fixed > s->target || resolve(s) != 0)
            return 0;
    }

    /* branching: one copy of one of the patterns of largest value */
    size_t nc = dd__pack_lp_n_cols(s->lp);
    dpat cand[LDS_WIDTH];
    double cx[LDS_WIDTH];
    size_t n_cand = 0;
    for (size_t j = 0; j < nc; j++) {
        double x = dd__pack_lp_x(s->lp, j);
        if (x <= EPS_X || (n_cand == LDS_WIDTH && x <= cx[n_cand - 1]))
            continue;
        const uint32_t *idx;
        const int32_t *val;
        size_t nz = dd__pack_lp_pattern(s->lp, j, &idx, &val);
        if (nz > 64 || !can_fix(s, idx, val, nz))
            continue;
        uint64_t key = pat_key(idx, val, nz);
        if (s->n_tabu && is_tabu(s, key))
            continue;
        size_t k = n_cand < LDS_WIDTH ? n_cand++ : LDS_WIDTH - 1;
        while (k > 0 && cx[k - 1] < x) {
            cand[k] = cand[k - 1];
            cx[k] = cx[k - 1];
            k--;
        }
        cand[k].nz = nz;
        memcpy(cand[k].idx, idx, nz * sizeof *idx);
        memcpy(cand[k].val, val, nz * sizeof *val);
        cand[k].key = key;
        cx[k] = x;
    }
    if (n_cand == 0)
        return 0;
    int64_t *saved = malloc(m * sizeof *saved);
    if (!saved)
        return -1;
    memcpy(saved, s->res, m * sizeof *saved);
    size_t fixed0 = s->fixed, tabu0 = s->n_tabu;
    int64_t slack0 = s->slack;
    int result = 0;
    for (size_t k = 0; k < n_cand && result == 0; k++) {
        if (k > 0) {
            if (out_of_work(s))
                break;
            memcpy(s->res, saved, m * sizeof *saved);
            s->fixed = fixed0;
            s->slack = slack0;
            if (push_tabu(s, cand[k - 1].key) != 0) {
                result = -1;
                break;
            }
        }
        take_copy(s, cand[k].idx, cand[k].val, cand[k].nz);
        if (s->fixed > s->target)
            continue;
        if (resolve(s) != 0)
            continue;
        result = node(s, depth + 1, disc - (k > 0), exact_at);
    }
    s->n_tabu = tabu0;
    free(saved);
    return result;
}

int dd__pack_dive(dd__pack_lp *lp, size_t m, const int64_t *w, const int64_t *d,
                  int64_t cap, size_t target, dd__pack_budget *bud, uint64_t max_pivots,
                  uint32_t *copy_bin)
{
    dv s = {.lp = lp, .m = m, .target = target, .d = d, .w = w, .cap = cap, .bud = bud,
            .max_pivots = max_pivots, .pivots0 = dd__pack_lp_pivots(lp), .copy_bin = copy_bin};
    size_t mm = m ? m : 1, n = 0;
    for (size_t t = 0; t < m; t++)
        n += (size_t)d[t];
    s.res = malloc(mm * sizeof *s.res);
    s.first = malloc((m + 1) * sizeof *s.first);
    s.P = malloc(mm * sizeof *s.P);
    s.kmax = malloc(((size_t)cap + 1) * sizeof *s.kmax);
    s.xbin = malloc((n ? n : 1) * sizeof *s.xbin);
    int result = -1;
    if (!s.res || !s.first || !s.P || !s.kmax || !s.xbin)
        goto done;
    memcpy(s.res, d, m * sizeof *s.res);
    s.slack = (int64_t)target * cap;
    for (size_t t = 0; t < m; t++)
        s.slack -= w[t] * d[t];
    s.first[0] = 0;
    for (size_t t = 0; t < m; t++)
        s.first[t + 1] = s.first[t] + (size_t)d[t];
    result = node(&s, 0, LDS_DISCREPANCIES, INT64_MAX);
done:
    free(s.res);
    free(s.first);
    free(s.P);
    free(s.kmax);
    free(s.xbin);
    free(s.tabu);
    return result;
}
