/* SPDX-License-Identifier: MIT */
/*
 * The Gilmore-Gomory linear relaxation of 1-D bin packing, by column
 * generation (docs/pack.md, "LP bound"). Rows are the distinct item sizes
 * (types) with their demands d; a column is a pattern a (a_t copies of type
 * t, sum a_t w_t <= C); minimise the number of patterns used,
 *   min sum x_p  s.t.  sum_p a_tp x_p >= d_t,  x >= 0.
 * The restricted master is solved by a revised primal simplex with an
 * explicit dense basis inverse (rows are at most a few hundred), surplus
 * columns for the >= rows and Dantzig pricing over the pool; new patterns
 * come from a bounded knapsack over the duals solved by dynamic
 * programming over the capacity. Each pricing round adds, for every type t,
 * the best pattern whose largest item is t (one table pass), which cuts the
 * number of rounds by an order of magnitude against one column per round.
 * A change of demands (diving) keeps the basis, which stays dual feasible,
 * and restores primal feasibility by dual simplex pivots.
 *
 * The bound is made rigorous by rounding the duals down to integers P_t
 * (scaled by 2^SCALE_BITS) and computing V, the largest P-value of a
 * pattern, exactly with integer dynamic programming: every pattern has
 * value <= V, so ceil(sum d_t P_t / V) bins are needed (any packing is a
 * set of patterns). Floating-point error can only weaken the bound.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "load/pack_int.h"

/* Reduced costs below -EPS_RC price a column in. */
#define EPS_RC 1e-9
/* Pivot elements smaller than this are ignored in ratio tests. */
#define EPS_PIV 1e-9
#define EPS_DUAL 1e-7
/* Right-hand-side perturbation against degeneracy (see compute_xb). */
#define PERTURB 1e-6
/* Rebuild the inverse from the basis columns this often (pivots). */
#define REINVERT_EVERY 256
/* Integer duals: P_t = floor(pi_t * 2^SCALE_BITS). */
#define SCALE_BITS 24
/* Pivots one solve may take (a guard for runs bounded by iterations
 * only, where the clock does not stop a stalling simplex). */
#define PIVOTS_PER_ROW 500
#define PIVOTS_EXTRA 50000
/* The pool is purged of columns with reduced cost > PURGE_RC when it
 * holds more than PURGE_AT * rows + 1000 columns. */
#define PURGE_AT 2
#define PURGE_RC 0.01
#define PURGE_EXTRA 300
/* Partial pricing: columns kept from a full scan of the pool. */
#define CAND_MAX 48

struct dd__pack_lp {
    size_t m;
    const int64_t *w; /* type sizes, decreasing */
    int64_t *d;       /* demands (current right-hand side) */
    int64_t cap;
    /* column pool, compressed rows per column */
    size_t n_cols, cols_cap, nnz, nnz_cap;
    size_t *cbeg;
    uint32_t *cidx;
    int32_t *cval;
    uint32_t *basic; /* per pool column: 1 + its basis position, or 0 */
    uint8_t *improper; /* per pool column: needs more copies than demanded */
    /* basis: head[r] = pool column, or -1 - i for the surplus of row i */
    long *head;
    uint8_t *sbasic; /* per row: its surplus is basic */
    double *binv;    /* m * m, row r = basis position r */
    double *xb, *pi, *u, *rho;
    uint32_t *cand; /* partial pricing candidates */
    uint32_t *nzi;  /* m: nonzero positions of a row (eliminate()) */
    double *dj, *alpha; /* dual simplex: reduced costs, pivot row */
    size_t dj_cap;
    unsigned since_reinvert;
    /* knapsack pricing: types split into chunks of 1, 2, 4... copies */
    size_t n_chunks; /* most chunks the original demands need */
    uint32_t *ch_type, *ch_qty;
    double *dp;
    uint8_t *take; /* n_chunks * (cap + 1) */
    int32_t *pat;  /* m, scratch pattern */
    uint64_t pivots, rounds;
    uint64_t pivot_cap; /* of the current solve */
    double value;
};

size_t dd__pack_lp_n_cols(const dd__pack_lp *lp) { return lp->n_cols; }
uint64_t dd__pack_lp_pivots(const dd__pack_lp *lp) { return lp->pivots; }
double dd__pack_lp_value(const dd__pack_lp *lp) { return lp->value; }
const double *dd__pack_lp_duals(const dd__pack_lp *lp) { return lp->pi; }

void dd__pack_lp_free(dd__pack_lp *lp)
{
    if (!lp)
        return;
    free(lp->d);
    free(lp->cbeg);
    free(lp->cidx);
    free(lp->cval);
    free(lp->basic);
    free(lp->improper);
    free(lp->head);
    free(lp->sbasic);
    free(lp->binv);
    free(lp->xb);
    free(lp->pi);
    free(lp->u);
    free(lp->rho);
    free(lp->cand);
    free(lp->nzi);
    free(lp->dj);
    free(lp->alpha);
    free(lp->ch_type);
    free(lp->ch_qty);
    free(lp->dp);
    free(lp->take);
    free(lp->pat);
    free(lp);
}

/* Most copies of type t that one bin can hold, given demand dt. */
static int64_t max_copies(const dd__pack_lp *lp, size_t t, int64_t dt)
{
    int64_t k = lp->w[t] > 0 ? lp->cap / lp->w[t] : dt;
    return k < dt ? k : dt;
}

/* *p reallocated to n elements of `elem` bytes; false, *p unchanged, when
 * out of memory. The arrays that grow together each have their capacity
 * raised only once all of them have grown. */
static bool resize(void **p, size_t n, size_t elem)
{
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    return true;
}

static int grow_pool(dd__pack_lp *lp, size_t add_nnz)
{
    if (lp->n_cols + 1 >= lp->cols_cap) {
        size_t nc = lp->cols_cap ? 2 * lp->cols_cap : 256;
        if (!resize((void **)&lp->cbeg, nc + 1, sizeof *lp->cbeg) ||
            !resize((void **)&lp->basic, nc, sizeof *lp->basic) ||
            !resize((void **)&lp->improper, nc, sizeof *lp->improper))
            return -1;
        lp->cols_cap = nc;
    }
    if (lp->nnz + add_nnz > lp->nnz_cap) {
        size_t nn = 2 * (lp->nnz + add_nnz);
        if (!resize((void **)&lp->cidx, nn, sizeof *lp->cidx) ||
            !resize((void **)&lp->cval, nn, sizeof *lp->cval))
            return -1;
        lp->nnz_cap = nn;
    }
    return 0;
}

/*
 * A pattern holding more copies of a type than its demand is "improper":
 * no packing of the (residual) items uses it, so it may not enter the
 * basis (the LP over proper patterns is a valid and stronger relaxation;
 * pricing only makes proper ones). Improper columns already in the basis
 * stay until they leave; the dual simplex falls back on the improper ones
 * only when no proper column can restore feasibility.
 */
static uint8_t is_improper(const dd__pack_lp *lp, size_t j)
{
    for (size_t e = lp->cbeg[j]; e < lp->cbeg[j + 1]; e++)
        if (lp->cval[e] > lp->d[lp->cidx[e]])
            return 1;
    return 0;
}

/* Add the pattern a[0..m) (dense) to the pool; returns its index or -1. */
static long add_column(dd__pack_lp *lp, const int32_t *a)
{
    size_t k = 0;
    for (size_t t = 0; t < lp->m; t++)
        k += a[t] != 0;
    if (grow_pool(lp, k) != 0)
        return -1;
    size_t j = lp->n_cols++;
    lp->cbeg[j] = lp->nnz;
    for (size_t t = 0; t < lp->m; t++) {
        if (a[t]) {
            lp->cidx[lp->nnz] = (uint32_t)t;
            lp->cval[lp->nnz] = a[t];
            lp->nnz++;
        }
    }
    lp->cbeg[j + 1] = lp->nnz;
    lp->basic[j] = 0;
    lp->improper[j] = is_improper(lp, j);
    return (long)j;
}

long dd__pack_lp_add_pattern(dd__pack_lp *lp, const int32_t *a)
{
    return add_column(lp, a);
}

/* u = B^-1 a_q (q a pool column or a surplus). */
static void ftran(dd__pack_lp *lp, long q, double *u)
{
    size_t m = lp->m;
    if (q < 0) {
        size_t i = (size_t)(-1 - q);
        for (size_t r = 0; r < m; r++)
            u[r] = -lp->binv[r * m + i];
        return;
    }
    memset(u, 0, m * sizeof *u);
    for (size_t e = lp->cbeg[q]; e < lp->cbeg[q + 1]; e++) {
        size_t i = lp->cidx[e];
        double v = lp->cval[e];
        for (size_t r = 0; r < m; r++)
            u[r] += lp->binv[r * m + i] * v;
    }
}

/*
 * x_B = B^-1 (d + e): the right-hand side is perturbed by a tiny fixed
 * amount per row, which keeps the highly degenerate cutting-stock LP from
 * stalling (especially once diving has zeroed many demands). The duals do
 * not depend on the right-hand side; the value is computed from the duals
 * and the true demands.
 */
static double pert_of(size_t i)
{
    uint64_t h = (i + 1) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return (double)(1 + h % 97) / 97.0;
}

static void compute_xb(dd__pack_lp *lp)
{
    size_t m = lp->m;
    for (size_t r = 0; r < m; r++) {
        const double *br = lp->binv + r * m;
        double s = 0;
        for (size_t i = 0; i < m; i++)
            s += br[i] * ((double)lp->d[i] + PERTURB * pert_of(i));
        lp->xb[r] = s;
    }
}

static void compute_pi(dd__pack_lp *lp)
{
    size_t m = lp->m;
    memset(lp->pi, 0, m * sizeof *lp->pi);
    for (size_t r = 0; r < m; r++) {
        if (lp->head[r] < 0)
            continue; /* surplus columns cost 0 */
        const double *br = lp->binv + r * m;
        for (size_t i = 0; i < m; i++)
            lp->pi[i] += br[i];
    }
}

/* Column q enters position r (r < m), or leaves the basis (r = m). */
static void set_basic(dd__pack_lp *lp, long q, size_t r)
{
    if (q < 0)
        lp->sbasic[-1 - q] = r < lp->m;
    else
        lp->basic[q] = r < lp->m ? (uint32_t)r + 1 : 0;
}

static void eliminate(dd__pack_lp *lp, size_t r, const double *u);

/*
 * Rebuild B^-1 from the basis columns in product form: start from the
 * all-surplus basis (B = -I) and pivot each pattern of the basis in, at
 * the position of a surplus that is not in the basis, with the largest
 * pivot element. Cheap because patterns are sparse. -1 if singular.
 */
static int reinvert(dd__pack_lp *lp)
{
    size_t m = lp->m;
    double *inv = lp->binv, *u = lp->u;
    long *want = malloc(m * sizeof *want);
    if (!want)
        return -1;
    memcpy(want, lp->head, m * sizeof *want);
    memset(lp->sbasic, 0, m);
    for (size_t j = 0; j < lp->n_cols; j++)
        lp->basic[j] = 0;
    uint8_t *keep = lp->sbasic; /* surpluses that stay: not replaceable */
    for (size_t r = 0; r < m; r++)
        if (want[r] < 0)
            keep[-1 - want[r]] = 1;
    memset(inv, 0, m * m * sizeof *inv);
    for (size_t i = 0; i < m; i++) {
        inv[i * m + i] = -1;
        lp->head[i] = -1 - (long)i;
    }
    for (size_t x = 0; x < m; x++) {
        long q = want[x];
        if (q < 0)
            continue;
        ftran(lp, q, u);
        size_t r = m;
        double best = 1e-9;
        for (size_t k = 0; k < m; k++) {
            if (lp->head[k] >= 0 || keep[-1 - lp->head[k]])
                continue;
            if (fabs(u[k]) > best) {
                best = fabs(u[k]);
                r = k;
            }
        }
        if (r == m) {
            free(want);
            return -1;
        }
        eliminate(lp, r, u);
        lp->head[r] = q;
    }
    free(want);
    for (size_t r = 0; r < m; r++)
        set_basic(lp, lp->head[r], r);
    lp->since_reinvert = 0;
    compute_xb(lp);
    compute_pi(lp);
    return 0;
}

/* Reduced cost of pool column j. */
static double rc_of(const dd__pack_lp *lp, size_t j)
{
    double s = 1;
    for (size_t e = lp->cbeg[j]; e < lp->cbeg[j + 1]; e++)
        s -= lp->pi[lp->cidx[e]] * lp->cval[e];
    return s;
}

/*
 * The elimination step of a pivot on B^-1: row r divided by u[r], then
 * subtracted u[k] times from every other row k. Rows of the inverse are
 * often sparse (surplus columns in the basis, zeroed demands in a dive),
 * so the update runs over the nonzeros of row r when they are few.
 */
static void eliminate(dd__pack_lp *lp, size_t r, const double *u)
{
    size_t m = lp->m, nz = 0;
    double *br = lp->binv + r * m;
    double iv = 1.0 / u[r];
    uint32_t *nzi = lp->nzi;
    for (size_t i = 0; i < m; i++) {
        br[i] *= iv;
        if (br[i] != 0)
            nzi[nz++] = (uint32_t)i;
    }
    int sparse = nz * 3 < m;
    for (size_t k = 0; k < m; k++) {
        if (k == r || u[k] == 0)
            continue;
        double f = u[k];
        double *bk = lp->binv + k * m;
        if (sparse)
            for (size_t x = 0; x < nz; x++)
                bk[nzi[x]] -= f * br[nzi[x]];
        else
            for (size_t i = 0; i < m; i++)
                bk[i] -= f * br[i];
    }
}

/* Pivot q into position r (u = B^-1 a_q, rcq = reduced cost of q). */
static int pivot(dd__pack_lp *lp, long q, size_t r, double rcq)
{
    size_t m = lp->m;
    double *u = lp->u;
    double th = lp->xb[r] / u[r];
    for (size_t k = 0; k < m; k++)
        lp->xb[k] -= th * u[k];
    lp->xb[r] = th;
    double *br = lp->binv + r * m;
    eliminate(lp, r, u);
    for (size_t i = 0; i < m; i++)
        lp->pi[i] += rcq * br[i];
    set_basic(lp, lp->head[r], m);
    lp->head[r] = q;
    set_basic(lp, q, r);
    lp->pivots++;
    if (++lp->since_reinvert >= REINVERT_EVERY)
        return reinvert(lp);
    return 0;
}

/* ---- pricing ---- */

static int setup_chunks(dd__pack_lp *lp)
{
    size_t m = lp->m, k = 0;
    for (size_t t = 0; t < m; t++) {
        for (int64_t left = max_copies(lp, t, lp->d[t]) - 1, q = 1; left > 0; q *= 2) {
            left -= q < left ? q : left;
            k++;
        }
        k++;
    }
    lp->ch_type = malloc((k + 1) * sizeof *lp->ch_type);
    lp->ch_qty = malloc((k + 1) * sizeof *lp->ch_qty);
    lp->take = malloc((k ? k : 1) * (size_t)(lp->cap + 1));
    lp->dp = malloc((size_t)(lp->cap + 1) * sizeof *lp->dp);
    if (!lp->ch_type || !lp->ch_qty || !lp->take || !lp->dp)
        return -1;
    lp->n_chunks = k;
    return 0;
}

/*
 * One pricing round over the current duals and demands. Types join a
 * knapsack table smallest first, each split into chunks of 1, 2, 4...
 * copies up to its current demand (so the table is exact for the residual
 * problem of a dive). Every pattern has a largest type t: when all copies
 * of t but one have joined, "one t plus the best completion" is read off
 * the table, and joins the pool if its reduced cost is < -EPS_RC. Returns
 * the number added, -1 on allocation failure; *best_out = the largest
 * pattern value seen, which is the maximum of pi.a over all patterns.
 */
static long price(dd__pack_lp *lp, double *best_out)
{
    size_t m = lp->m, C = (size_t)lp->cap, nk = 0;
    double *dp = lp->dp;
    for (size_t c = 0; c <= C; c++)
        dp[c] = 0;
    long added = 0;
    double best = 0;
    for (size_t t = m; t-- > 0;) {
        double vt = lp->pi[t];
        int64_t copies = max_copies(lp, t, lp->d[t]);
        if (vt <= 0 || copies <= 0)
            continue;
        /* all copies of t but one join the table first, so that the
         * candidate "one t plus the best completion" may hold several t */
        for (int pass = 0; pass < 2; pass++) {
            int64_t left = pass == 0 ? copies - 1 : 1;
            for (int64_t q = 1; left > 0 && nk < lp->n_chunks; q *= 2) {
                int64_t take = q < left ? q : left;
                left -= take;
                uint8_t *row = lp->take + nk * (C + 1);
                size_t ww = (size_t)(lp->w[t] * take);
                double v = vt * (double)take;
                memset(row, 0, C + 1);
                for (size_t c = C; c >= ww; c--) {
                    if (dp[c - ww] + v > dp[c]) {
                        dp[c] = dp[c - ww] + v;
                        row[c] = 1;
                    }
                    if (c == 0)
                        break;
                }
                lp->ch_type[nk] = (uint32_t)t;
                lp->ch_qty[nk] = (uint32_t)take;
                nk++;
            }
            if (pass == 1)
                break;
            /* candidate: one copy of t plus the best completion */
            size_t room = C - (size_t)lp->w[t];
            double v = vt + dp[room];
            if (v > best)
                best = v;
            if (v <= 1 + EPS_RC)
                continue;
            memset(lp->pat, 0, m * sizeof *lp->pat);
            lp->pat[t] = 1;
            size_t c = room;
            for (size_t k = nk; k-- > 0;) {
                if (lp->take[k * (C + 1) + c]) {
                    lp->pat[lp->ch_type[k]] += (int32_t)lp->ch_qty[k];
                    c -= (size_t)lp->w[lp->ch_type[k]] * lp->ch_qty[k];
                }
            }
            if (add_column(lp, lp->pat) < 0)
                return -1;
            added++;
        }
    }
    *best_out = best;
    return added;
}

/* ---- simplex ---- */

/*
 * Dual simplex pivots until x_B >= 0 (after a change of demands). The
 * pool's surplus-free columns keep the problem feasible, so this ends
 * unless the budget or numerical trouble stops it. Returns 0 when primal
 * feasible, 1 out of budget, -1 on failure.
 */
static int dual_phase(dd__pack_lp *lp, dd__pack_budget *bud)
{
    size_t m = lp->m, nc = lp->n_cols;
    /* reduced costs of the pool, kept up to date across dual pivots,
     * and the pivot row; surpluses after the pool columns */
    if (lp->dj_cap < nc + m) {
        size_t cap = 2 * (nc + m);
        if (!resize((void **)&lp->dj, cap, sizeof *lp->dj) ||
            !resize((void **)&lp->alpha, cap, sizeof *lp->alpha))
            return -1;
        lp->dj_cap = cap;
    }
    double *dj = lp->dj, *alpha = lp->alpha;
    int have_dj = 0, all = 0; /* all: improper columns may enter too */
    for (;;) {
        size_t r = m;
        double worst = -1e-9;
        for (size_t k = 0; k < m; k++) {
            if (lp->xb[k] < worst) {
                worst = lp->xb[k];
                r = k;
            }
        }
        if (r == m)
            return 0;
        if (((lp->pivots & 63) == 0 && bud && dd__pack_budget_out(bud)) ||
            lp->pivots >= lp->pivot_cap)
            return 1;
        if (!have_dj) {
            for (size_t j = 0; j < nc; j++)
                dj[j] = lp->basic[j] ? 0 : rc_of(lp, j);
            for (size_t i = 0; i < m; i++)
                dj[nc + i] = lp->sbasic[i] ? 0 : lp->pi[i];
            have_dj = 1;
        }
        const double *rho = lp->binv + r * m;
        /* pivot row; ratio test with a tolerance: among the near-minimal
         * ratios the largest pivot element (Harris), for a
         * well-conditioned basis */
        double best = 0;
        int found = 0;
        for (size_t j = 0; j < nc + m; j++) {
            double al = 0;
            if (j < nc) {
                if (!lp->basic[j] && (all || !lp->improper[j]))
                    for (size_t e = lp->cbeg[j]; e < lp->cbeg[j + 1]; e++)
                        al += rho[lp->cidx[e]] * lp->cval[e];
            } else if (!lp->sbasic[j - nc]) {
                al = -rho[j - nc]; /* surplus column -e_i */
            }
            alpha[j] = al;
            if (al >= -EPS_DUAL)
                continue;
            double d = dj[j] > 0 ? dj[j] : 0;
            double ratio = d / -al;
            if (!found || ratio < best) {
                found = 1;
                best = ratio;
            }
        }
        if (!found) {
            if (all)
                return -1;
            all = 1; /* improper columns kept no reduced costs: afresh */
            have_dj = 0;
            continue;
        }
        double limit = best + 1e-9, best_al = 0;
        size_t qj = 0;
        for (size_t j = 0; j < nc + m; j++) {
            double al = alpha[j];
            if (al >= -EPS_DUAL)
                continue;
            double d = dj[j] > 0 ? dj[j] : 0;
            if (d / -al <= limit && -al > best_al) {
                best_al = -al;
                qj = j;
            }
        }
        long q = qj < nc ? (long)qj : -1 - (long)(qj - nc);
        double rcq = dj[qj];
        ftran(lp, q, lp->u);
        if (fabs(lp->u[r]) < EPS_PIV)
            return -1;
        long leaving = lp->head[r];
        unsigned before = lp->since_reinvert;
        if (pivot(lp, q, r, rcq) != 0)
            return -1;
        if (lp->since_reinvert < before) {
            have_dj = 0; /* reinverted: start afresh */
            continue;
        }
        /* d_j -= theta alpha_j with theta = d_q / alpha_q */
        double theta = rcq / alpha[qj];
        for (size_t j = 0; j < nc + m; j++)
            if (alpha[j] != 0)
                dj[j] -= theta * alpha[j];
        dj[qj] = 0;
        size_t lj = leaving >= 0 ? (size_t)leaving : nc + (size_t)(-1 - leaving);
        dj[lj] = -theta;
    }
}

static void purge(dd__pack_lp *lp);

/*
 * Primal simplex with column generation to optimality. Returns 0 at the
 * optimum, 1 out of budget, -1 on failure (allocation or numerics).
 */
static int primal_cg(dd__pack_lp *lp, dd__pack_budget *bud)
{
    size_t m = lp->m;
    size_t n_cand = 0;
    uint32_t *cand = lp->cand;
    for (;;) {
        if (((lp->pivots & 31) == 0 && bud && dd__pack_budget_out(bud)) ||
            lp->pivots >= lp->pivot_cap)
            return 1;
        long q = 0;
        int found = 0;
        double best = -EPS_RC;
        for (size_t i = 0; i < m; i++) {
            if (!lp->sbasic[i] && lp->pi[i] < best) {
                best = lp->pi[i];
                q = -1 - (long)i;
                found = 1;
            }
        }
        /* partial pricing: the candidates of the last full scan first */
        size_t keep = 0;
        for (size_t x = 0; x < n_cand; x++) {
            size_t j = cand[x];
            if (lp->basic[j] || lp->improper[j])
                continue;
            double rc = rc_of(lp, j);
            if (rc >= -EPS_RC)
                continue;
            cand[keep++] = (uint32_t)j;
            if (rc < best) {
                best = rc;
                q = (long)j;
                found = 1;
            }
        }
        n_cand = keep;
        if (!found) {
            /* full scan: keep the CAND_MAX most negative as candidates
             * (their reduced costs kept beside them; wi = the least
             * negative one, replaced first) */
            double crc[CAND_MAX];
            size_t wi = 0;
            n_cand = 0;
            for (size_t j = 0; j < lp->n_cols; j++) {
                if (lp->basic[j] || lp->improper[j])
                    continue;
                double rc = rc_of(lp, j);
                if (rc >= -EPS_RC)
                    continue;
                if (rc < best) {
                    best = rc;
                    q = (long)j;
                    found = 1;
                }
                if (n_cand < CAND_MAX) {
                    crc[n_cand] = rc;
                    cand[n_cand++] = (uint32_t)j;
                    if (rc > crc[wi])
                        wi = n_cand - 1;
                } else if (rc < crc[wi]) {
                    crc[wi] = rc;
                    cand[wi] = (uint32_t)j;
                    for (size_t x = 0; x < n_cand; x++)
                        if (crc[x] > crc[wi])
                            wi = x;
                }
            }
        }
        if (!found) {
            double top;
            if (lp->n_cols > PURGE_AT * m + PURGE_EXTRA) {
                purge(lp); /* pool scans are most of a solve's work */
                n_cand = 0;
            }
            size_t before = lp->n_cols;
            long added = price(lp, &top);
            lp->rounds++;
            if (added < 0)
                return -1;
            for (size_t j = before; j < lp->n_cols; j++) {
                double rc = rc_of(lp, j);
                if (rc >= -EPS_RC)
                    continue;
                if (n_cand < CAND_MAX)
                    cand[n_cand++] = (uint32_t)j;
                if (rc < best) {
                    best = rc;
                    q = (long)j;
                    found = 1;
                }
            }
            if (!found)
                break;
        }
        ftran(lp, q, lp->u);
        size_t r = m;
        double th = 0, bu = 0;
        for (size_t k = 0; k < m; k++) {
            double uk = lp->u[k];
            if (uk <= EPS_PIV)
                continue;
            double t = fmax(lp->xb[k], 0) / uk;
            if (r == m || t < th - 1e-12 || (t < th + 1e-12 && uk > bu)) {
                r = k;
                th = t;
                bu = uk;
            }
        }
        if (r == m)
            return -1; /* unbounded: numerical trouble */
        if (pivot(lp, q, r, best) != 0)
            return -1;
    }
    /* dual objective with the true demands (duals are feasible here) */
    double z = 0;
    for (size_t i = 0; i < m; i++)
        z += (double)lp->d[i] * (lp->pi[i] > 0 ? lp->pi[i] : 0);
    lp->value = z;
    return 0;
}

dd__pack_lp *dd__pack_lp_new(size_t m, const int64_t *w, const int64_t *d,
                             int64_t cap)
{
    dd__pack_lp *lp = calloc(1, sizeof *lp);
    if (!lp)
        return NULL;
    lp->m = m;
    lp->w = w;
    lp->cap = cap;
    size_t mm = m ? m : 1;
    lp->d = malloc(mm * sizeof *lp->d);
    lp->head = malloc(mm * sizeof *lp->head);
    lp->sbasic = calloc(mm, 1);
    lp->binv = malloc(mm * mm * sizeof *lp->binv);
    lp->xb = malloc(mm * sizeof *lp->xb);
    lp->pi = malloc(mm * sizeof *lp->pi);
    lp->u = malloc(mm * sizeof *lp->u);
    lp->rho = malloc(mm * sizeof *lp->rho);
    lp->pat = malloc(mm * sizeof *lp->pat);
    lp->cand = malloc(CAND_MAX * sizeof *lp->cand);
    lp->nzi = malloc(mm * sizeof *lp->nzi);
    if (!lp->d || !lp->head || !lp->sbasic || !lp->binv || !lp->xb || !lp->pi ||
        !lp->u || !lp->rho || !lp->pat || !lp->cand || !lp->nzi)
        goto fail;
    memcpy(lp->d, d, m * sizeof *lp->d);
    if (setup_chunks(lp) != 0)
        goto fail;
    /* initial basis: one single-type pattern per row */
    for (size_t t = 0; t < m; t++) {
        memset(lp->pat, 0, m * sizeof *lp->pat);
        int64_t k = max_copies(lp, t, d[t]);
        lp->pat[t] = (int32_t)(k > 0 ? k : 1);
        long j = add_column(lp, lp->pat);
        if (j < 0)
            goto fail;
        lp->head[t] = j;
        lp->basic[j] = (uint32_t)t + 1;
    }
    if (reinvert(lp) != 0)
        goto fail;
    return lp;
fail:
    dd__pack_lp_free(lp);
    return NULL;
}

/*
 * Drop pool columns that price far out (reduced cost > PURGE_RC), keeping
 * the basis and the single-type columns, so that pricing and dual ratio
 * tests stay cheap over a long dive.
 */
static void purge(dd__pack_lp *lp)
{
    size_t nc = lp->n_cols, out = 0, nnz = 0;
    long *map = malloc(nc * sizeof *map);
    if (!map)
        return;
    for (size_t j = 0; j < nc; j++) {
        int keep = j < lp->m || lp->basic[j] || rc_of(lp, j) < PURGE_RC;
        map[j] = keep ? (long)out : -1;
        if (!keep)
            continue;
        size_t b = lp->cbeg[j], e = lp->cbeg[j + 1];
        lp->cbeg[out] = nnz;
        memmove(lp->cidx + nnz, lp->cidx + b, (e - b) * sizeof *lp->cidx);
        memmove(lp->cval + nnz, lp->cval + b, (e - b) * sizeof *lp->cval);
        nnz += e - b;
        lp->basic[out] = lp->basic[j];
        lp->improper[out] = lp->improper[j];
        out++;
    }
    lp->cbeg[out] = nnz;
    lp->n_cols = out;
    lp->nnz = nnz;
    for (size_t r = 0; r < lp->m; r++)
        if (lp->head[r] >= 0)
            lp->head[r] = map[lp->head[r]];
    free(map);
}

int dd__pack_lp_solve(dd__pack_lp *lp, dd__pack_budget *bud)
{
    lp->pivot_cap = lp->pivots + PIVOTS_PER_ROW * lp->m + PIVOTS_EXTRA;
    if (lp->n_cols > PURGE_AT * lp->m + PURGE_EXTRA)
        purge(lp);
    if (lp->m == 0) {
        lp->value = 0;
        return 0;
    }
    int st = dual_phase(lp, bud);
    if (st != 0)
        return st;
    return primal_cg(lp, bud);
}

int dd__pack_lp_set_demand(dd__pack_lp *lp, const int64_t *d)
{
    memcpy(lp->d, d, lp->m * sizeof *lp->d);
    for (size_t j = 0; j < lp->n_cols; j++)
        lp->improper[j] = is_improper(lp, j);
    compute_xb(lp);
    return 0;
}

double dd__pack_lp_x(const dd__pack_lp *lp, size_t j)
{
    return lp->basic[j] ? lp->xb[lp->basic[j] - 1] : 0;
}

size_t dd__pack_lp_pattern(const dd__pack_lp *lp, size_t j, const uint32_t **idx,
                           const int32_t **val)
{
    *idx = lp->cidx + lp->cbeg[j];
    *val = lp->cval + lp->cbeg[j];
    return lp->cbeg[j + 1] - lp->cbeg[j];
}

/*
 * Rigorous bound from the current duals: integer duals P (clipped at 0,
 * scaled), V = max P-value of a pattern by exact DP (demands of the
 * original problem bound the copies), LB = ceil(sum d P / V). Also returns
 * P and, per capacity c, the largest P-value fitting in c (kmax[0..cap]),
 * which the exact search uses to prune. Returns 0 when not computable.
 */
size_t dd__pack_lp_int_duals(const dd__pack_lp *lp, const double *pi, int64_t *P,
                             int64_t *kmax, int64_t *V_out)
{
    size_t m = lp->m, C = (size_t)lp->cap;
    if (!pi)
        pi = lp->pi;
    for (size_t t = 0; t < m; t++) {
        double v = pi[t] > 0 ? pi[t] : 0;
        P[t] = (int64_t)floor(v * (double)((int64_t)1 << SCALE_BITS));
    }
    for (size_t c = 0; c <= C; c++)
        kmax[c] = 0;
    for (size_t t = 0; t < m; t++) {
        if (P[t] <= 0)
            continue;
        int64_t left = max_copies(lp, t, lp->d[t]);
        for (int64_t q = 1; left > 0; q *= 2) {
            int64_t take = q < left ? q : left;
            left -= take;
            size_t ww = (size_t)(lp->w[t] * take);
            int64_t v = P[t] * take;
            for (size_t c = C; c >= ww; c--) {
                if (kmax[c - ww] + v > kmax[c])
                    kmax[c] = kmax[c - ww] + v;
                if (c == 0)
                    break;
            }
        }
    }
    for (size_t c = 1; c <= C; c++)
        if (kmax[c - 1] > kmax[c])
            kmax[c] = kmax[c - 1];
    int64_t V = kmax[C];
    *V_out = V;
    if (V <= 0)
        return 0;
    __int128 sum = 0;
    for (size_t t = 0; t < m; t++)
        sum += (__int128)lp->d[t] * P[t];
    return (size_t)((sum + V - 1) / V);
}

void dd__pack_lp_sol_fini(dd__pack_lp_sol *sol)
{
    free(sol->x);
    free(sol->beg);
    free(sol->idx);
    free(sol->val);
    memset(sol, 0, sizeof *sol);
}

dd_status dd__pack_lp_sol_take(const dd__pack_lp *lp, dd__pack_lp_sol *out)
{
    memset(out, 0, sizeof *out);
    size_t n = 0, nnz = 0;
    for (size_t r = 0; r < lp->m; r++) {
        long q = lp->head[r];
        if (q >= 0 && lp->xb[r] > 1e-9) {
            n++;
            nnz += lp->cbeg[q + 1] - lp->cbeg[q];
        }
    }
    out->x = malloc((n ? n : 1) * sizeof *out->x);
    out->beg = malloc((n + 1) * sizeof *out->beg);
    out->idx = malloc((nnz ? nnz : 1) * sizeof *out->idx);
    out->val = malloc((nnz ? nnz : 1) * sizeof *out->val);
    if (!out->x || !out->beg || !out->idx || !out->val) {
        dd__pack_lp_sol_fini(out);
        return DD_ENOMEM;
    }
    out->beg[0] = 0;
    for (size_t r = 0; r < lp->m; r++) {
        long q = lp->head[r];
        if (q < 0 || lp->xb[r] <= 1e-9)
            continue;
        size_t k = out->n++, e0 = out->beg[k];
        out->x[k] = lp->xb[r];
        size_t len = lp->cbeg[q + 1] - lp->cbeg[q];
        memcpy(out->idx + e0, lp->cidx + lp->cbeg[q], len * sizeof *out->idx);
        memcpy(out->val + e0, lp->cval + lp->cbeg[q], len * sizeof *out->val);
        out->beg[k + 1] = e0 + len;
    }
    return DD_OK;
}
