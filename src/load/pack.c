/* SPDX-License-Identifier: MIT */
/*
 * Public entry of the packing engine: validates a dd_pack_problem, builds
 * the internal instance (items sorted by decreasing scalar weight, class
 * conflicts folded into one mask per item), runs the bounds and the
 * constructive heuristics, then the search: the two local searches in
 * turn, and for 1-D instances without conflicts an LP phase (bound,
 * reduced-cost exact cover, diving) in between; maps the best packing
 * back to the caller's item order. See docs/pack.md.
 */
#include <drawdown/pack.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/sort.h"
#include "load/pack_int.h"

/* Scalar weights of multi-dimensional items: fractions of 2^28 per dim. */
#define W_SHIFT 28
/* 1-D capacities up to this are used as scalar weights directly. */
#define W_DIRECT ((int64_t)1 << 30)
/* Best-fit decreasing is O(n * bins); only below this many items. */
#define BFD_MAX_ITEMS 20000
/* MBS' costs up to n * 4000 search nodes plus O(n * bins). */
#define MBS_MAX_ITEMS 5000
/* Above this many items only one local search runs (see search()). */
#define ALTERNATE_MAX_ITEMS 20000
/* LP phase: after this share of the search budget, for at most LP_SHARE
 * of what is left; instances up to these sizes (types, knapsack table). */
#define LP_AFTER 0.05
#define LP_SHARE 0.8
#define LP_MAX_ITEMS 20000
#define LP_MAX_TYPES 600
#define LP_MAX_TABLE 3.2e7
/* Runs bounded by moves only: no LP phase below LP_MIN_MOVES moves left,
 * else LP_WORK_PER_MOVE search nodes (and dive pivots) per move left. */
#define LP_MIN_MOVES 1000
#define LP_WORK_PER_MOVE 100
/* Exact cover limits (pack_exact.c), for its run after the dive. */
#define EXACT_MAX_PATTERNS 100000
#define EXACT_MAX_FREE 400
#define EXACT_NODES 1000000
#define EXACT_FREE_NODES 20000
/* The search stops this fraction of the time limit early (at most 50 ms). */
#define DEADLINE_MARGIN 0.02


int dd__pack_budget_out(dd__pack_budget *b)
{
    if (b->max_iter && b->iter >= b->max_iter)
        return 1;
    if (b->deadline > 0 && dd__mono_s() >= b->deadline)
        return 1;
    return 0;
}

void dd_pack_options_init(dd_pack_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->time_limit_s = 1.0;
}

void dd_pack_result_init(dd_pack_result *r)
{
    memset(r, 0, sizeof *r);
    r->bad_item = SIZE_MAX;
}

void dd_pack_result_fini(dd_pack_result *r)
{
    if (!r)
        return;
    free(r->bin_of);
    dd_pack_result_init(r);
}

bool dd__pack_rank_sort(dd__pack_rank *r, size_t n)
{
    static const dd__key largest_first[] = {DD__KEY_BY(dd__pack_rank, v, DD__DESC),
                                            DD__KEY(dd__pack_rank, i), DD__KEY_END};
    return dd__sort(r, n, sizeof *r, largest_first);
}

/* Validate p; on an oversized item set *bad (if bad != NULL). */
static dd_status validate(const dd_pack_problem *p, size_t *bad)
{
    if (!p || p->n_dims < 1 || p->n_dims > DD_PACK_MAX_DIMS || !p->capacity)
        return DD_EARG;
    if (p->n_items > DD_PACK_MAX_ITEMS || (p->n_items && !p->size))
        return DD_EARG;
    for (unsigned d = 0; d < p->n_dims; d++)
        if (p->capacity[d] < 1 || p->capacity[d] > DD_PACK_MAX_CAPACITY)
            return DD_EARG;
    for (size_t i = 0; i < p->n_items; i++) {
        for (unsigned d = 0; d < p->n_dims; d++) {
            int64_t s = p->size[i * p->n_dims + d];
            if (s < 0 || s > p->capacity[d]) {
                if (bad)
                    *bad = i;
                return DD_EINPUT;
            }
        }
    }
    return DD_OK;
}

static dd_status inst_build(const dd_pack_problem *p, dd__pack_inst *in)
{
    size_t n = p->n_items;
    unsigned nd = p->n_dims;
    memset(in, 0, sizeof *in);
    dd__arena_init(&in->arena, 0);
    in->n = n;
    in->nd = nd;
    for (unsigned d = 0; d < nd; d++)
        in->cap[d] = p->capacity[d];
    int direct = nd == 1 && p->capacity[0] <= W_DIRECT;
    in->wcap = direct ? p->capacity[0] : (int64_t)nd << W_SHIFT;

    size_t nn = n ? n : 1;
    dd__pack_rank *keys = malloc(nn * sizeof *keys);
    in->size = dd__arena_array(&in->arena, nn * nd, sizeof *in->size);
    in->w = dd__arena_array(&in->arena, nn, sizeof *in->w);
    in->orig = dd__arena_array(&in->arena, nn, sizeof *in->orig);
    if (!keys || !in->size || !in->w || !in->orig)
        goto fail_nomem;
    for (size_t i = 0; i < n; i++) {
        const int64_t *s = p->size + i * nd;
        int64_t w = 0;
        if (direct)
            w = s[0];
        else
            for (unsigned d = 0; d < nd; d++)
                w += (int64_t)(((__int128)s[d] << W_SHIFT) / p->capacity[d]);
        keys[i] = (dd__pack_rank){w, (uint32_t)i};
    }
    if (!dd__pack_rank_sort(keys, n)) /* heaviest first */
        goto fail_nomem;
    for (size_t i = 0; i < n; i++) {
        in->w[i] = keys[i].v;
        in->orig[i] = keys[i].i;
        memcpy(in->size + i * nd, p->size + (size_t)keys[i].i * nd,
               nd * sizeof *in->size);
    }

    if (p->klass && p->conflict) {
        uint32_t sym[32];
        uint32_t any = 0;
        for (unsigned c = 0; c < 32; c++)
            sym[c] = p->conflict[c];
        for (unsigned c = 0; c < 32; c++)
            for (unsigned c2 = 0; c2 < 32; c2++)
                if (p->conflict[c2] >> c & 1u)
                    sym[c] |= 1u << c2;
        for (unsigned c = 0; c < 32; c++)
            any |= sym[c];
        if (any) {
            in->klass = dd__arena_array(&in->arena, nn, sizeof *in->klass);
            in->conf = dd__arena_array(&in->arena, nn, sizeof *in->conf);
            if (!in->klass || !in->conf)
                goto fail_nomem;
            for (size_t i = 0; i < n; i++) {
                uint32_t k = p->klass[in->orig[i]], cf = 0;
                for (unsigned c = 0; c < 32; c++)
                    if (k >> c & 1u)
                        cf |= sym[c];
                in->klass[i] = k;
                in->conf[i] = cf;
            }
        }
    }
    free(keys);
    return DD_OK;

fail_nomem:
    free(keys);
    dd__arena_fini(&in->arena);
    return DD_ENOMEM;
}

dd_status dd_pack_lower_bounds(const dd_pack_problem *p, dd_pack_bounds *out)
{
    if (!out)
        return DD_EARG;
    memset(out, 0, sizeof *out);
    dd_status st = validate(p, NULL);
    if (st != DD_OK)
        return st;
    dd__pack_inst in;
    st = inst_build(p, &in);
    if (st != DD_OK)
        return st;
    st = dd__pack_bounds(&in, out);
    dd__arena_fini(&in.arena);
    return st;
}

/* Renumber bins by first appearance in caller order; returns bin count. */
static size_t canonical_bins(uint32_t *bin_of, size_t n, size_t n_bins,
                             uint32_t *map)
{
    for (size_t b = 0; b < n_bins; b++)
        map[b] = DD__PACK_NONE;
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t b = bin_of[i];
        if (map[b] == DD__PACK_NONE)
            map[b] = next++;
        bin_of[i] = map[b];
    }
    return next;
}

/*
 * The budget's fraction `f` from now, in time or iterations; at least one
 * iteration when the budget counts them (max_iter 0 would mean "no
 * limit": a run bounded by iterations only would never stop).
 */
static dd__pack_budget budget_part(const dd__pack_budget *b, double t_start,
                                   uint64_t it_start, double f)
{
    dd__pack_budget sub = *b;
    if (b->deadline > 0)
        sub.deadline = t_start + (b->deadline - t_start) * f;
    if (b->max_iter > 0) {
        uint64_t share = (uint64_t)((double)(b->max_iter - it_start) * f);
        sub.max_iter = it_start + (share > 0 ? share : 1);
    }
    return sub;
}

/*
 * LP phase for 1-D instances without conflicts (docs/pack.md): the
 * Gilmore-Gomory bound by column generation (pack_lp.c) and, when the LP
 * was solved and the bound is below the packing, a dive with limited
 * backtracking (pack_dive.c), then an exact cover over the patterns of
 * small reduced cost (pack_exact.c). `work` (0: none) caps search nodes
 * and dive work when the clock does not. Raises bounds->lp and
 * bounds->lower_bound (by one more when the exact cover refutes the LP
 * bound); replaces sol by a packing in fewer bins if found.
 */
static dd_status lp_phase(const dd__pack_inst *in, dd__pack_budget *budget,
                          uint64_t work, uint32_t *sol, size_t *n_bins,
                          dd_pack_bounds *bounds)
{
    if (in->nd != 1 || in->klass || in->wcap != in->cap[0] || in->n == 0 ||
        in->n > LP_MAX_ITEMS)
        return DD_OK;
    size_t n = in->n, m = 0;
    int64_t cap = in->cap[0];
    int64_t *w = malloc(n * sizeof *w), *d = malloc(n * sizeof *d);
    int64_t *P = NULL, *kmax = NULL;
    uint32_t *copy_bin = NULL, *map = NULL;
    dd__pack_lp *lp = NULL;
    dd__pack_lp_sol lpsol = {0};
    dd_status st = DD_ENOMEM;
    if (!w || !d)
        goto done;
    for (size_t i = 0; i < n; i++) { /* sizes are decreasing */
        if (m > 0 && w[m - 1] == in->size[i]) {
            d[m - 1]++;
        } else {
            w[m] = in->size[i];
            d[m++] = 1;
        }
    }
    /* the knapsack table is (chunks of copies) x (capacity + 1) bytes */
    double table = 0;
    for (size_t t = 0; t < m; t++) {
        int64_t k = w[t] > 0 ? cap / w[t] : d[t];
        k = k < d[t] ? k : d[t];
        for (int64_t q = 1; q <= k; q *= 2)
            table += (double)cap + 1;
    }
    st = DD_OK;
    if (m > LP_MAX_TYPES || table > LP_MAX_TABLE)
        goto done;
    st = DD_ENOMEM;
    lp = dd__pack_lp_new(m, w, d, cap);
    P = malloc(m * sizeof *P);
    kmax = malloc(((size_t)cap + 1) * sizeof *kmax);
    if (!lp || !P || !kmax)
        goto done;
    int solved = dd__pack_lp_solve(lp, budget);
    if (solved < 0 && dd__pack_lp_value(lp) == 0) {
        st = DD_OK; /* numerical failure: no bound */
        goto done;
    }
    int64_t V;
    size_t lb = dd__pack_lp_int_duals(lp, NULL, P, kmax, &V);
    bounds->lp = lb;
    if (lb > bounds->lower_bound)
        bounds->lower_bound = lb;
    st = DD_OK;
    size_t target = bounds->lower_bound;
    if (solved != 0 || *n_bins <= target || dd__pack_budget_out(budget))
        goto done;
    __int128 sum = 0;
    for (size_t t = 0; t < m; t++)
        sum += (__int128)d[t] * P[t];
    __int128 gap = (__int128)target * V - sum;
    if (gap < 0 || gap > V)
        goto done;
    st = dd__pack_lp_sol_take(lp, &lpsol);
    if (st != DD_OK)
        goto done;
    dd__pack_exact_in ein = {m, w, d, cap, P, kmax, V, (int64_t)gap, target, &lpsol,
                             EXACT_MAX_PATTERNS, EXACT_MAX_FREE,
                             work && work < EXACT_NODES ? work : EXACT_NODES,
                             work && work < EXACT_FREE_NODES ? work : EXACT_FREE_NODES,
                             NULL};
    copy_bin = malloc(n * sizeof *copy_bin);
    map = malloc((target + 1) * sizeof *map);
    if (!copy_bin || !map) {
        st = DD_ENOMEM;
        goto done;
    }
    /* The dive first: it copes with items of zero dual, which the exact
     * cover packs last and blindly, and its root tries the exact cover
     * with small limits. Then the exact cover with the full limits, which
     * may also refute the bound. */
    int found = dd__pack_dive(lp, m, w, d, cap, target, budget, work, copy_bin);
    int refuted = 0;
    if (found == 0 && !dd__pack_budget_out(budget)) {
        found = dd__pack_exact(&ein, budget, copy_bin);
        refuted = found == 0; /* a complete search found nothing */
    }
    if (found < 0) {
        st = DD_ENOMEM;
        goto done;
    }
    if (refuted) {
        /* no packing in `target` bins: the bound rises by one */
        bounds->lower_bound = target + 1;
        if (bounds->lower_bound > budget->target)
            budget->target = bounds->lower_bound;
    }
    if (found == 1) {
        /* copies of a type are consecutive items; bins renumbered densely */
        for (size_t b = 0; b <= target; b++)
            map[b] = DD__PACK_NONE;
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t b = copy_bin[i];
            if (map[b] == DD__PACK_NONE)
                map[b] = (uint32_t)used++;
            sol[i] = map[b];
        }
        *n_bins = used;
    }
done:
    dd__pack_lp_sol_fini(&lpsol);
    dd__pack_lp_free(lp);
    free(w);
    free(d);
    free(P);
    free(kmax);
    free(copy_bin);
    free(map);
    return st;
}

/*
 * The local searches in turn, in slices that grow geometrically (time or
 * iterations, whichever the budget counts): the consistent neighbourhood
 * search and the fixed-m tabu search each solve instances the other is
 * slow on, and neither knows beforehand which kind it faces.
 */
static dd_status alternate(const dd__pack_inst *in, uint64_t seed, size_t lb,
                           dd__pack_budget *budget, uint32_t *sol, size_t *n_bins,
                           unsigned *round)
{
    double slice_s = 0.01 * (double)(1u << (*round < 20 ? *round / 2 : 10));
    uint64_t slice_it = budget->max_iter / 20;
    slice_it = slice_it < 100 ? 100 : slice_it > 2000 ? 2000 : slice_it;
    if (budget->deadline <= 0 && budget->max_iter == 0)
        return DD_OK; /* no budget: never loop unbounded */
    for (; *n_bins > budget->target; ++*round) {
        if (dd__pack_budget_out(budget))
            break;
        dd__pack_budget sub = *budget;
        double now = dd__mono_s();
        if (sub.deadline > 0 && now + slice_s < sub.deadline)
            sub.deadline = now + slice_s;
        if (sub.max_iter == 0 || sub.iter + slice_it < sub.max_iter)
            sub.max_iter = sub.iter + slice_it;
        if (budget->deadline > 0 && budget->max_iter == 0)
            sub.max_iter = 0;
        uint64_t s2 = seed + *round;
        dd_status st = *round % 2 == 0
                           ? dd__pack_cns(in, s2, lb, &sub, sol, n_bins)
                           : dd__pack_ls(in, s2, budget->target, &sub, sol, n_bins);
        budget->iter = sub.iter;
        if (st != DD_OK)
            return st;
        if (*round % 2 == 1) {
            slice_s *= 1.6;
            slice_it += slice_it / 2;
        }
    }
    return DD_OK;
}

/*
 * Local search for a first share of the budget, then (1-D) the LP phase,
 * then local search again towards the possibly raised bound.
 */
static dd_status search(const dd__pack_inst *in, uint64_t seed, dd__pack_budget *budget,
                        uint32_t *sol, size_t *n_bins, dd_pack_bounds *bounds)
{
    /* Each slice rebuilds its search state in O(n); on large instances
     * the consistent neighbourhood search runs alone (on windows of bins). */
    if (in->n > ALTERNATE_MAX_ITEMS)
        return dd__pack_cns(in, seed, bounds->lower_bound, budget, sol, n_bins);
    double t0 = dd__mono_s();
    uint64_t it0 = budget->iter;
    unsigned round = 0;
    dd__pack_budget first = budget_part(budget, t0, it0, LP_AFTER);
    dd_status st = alternate(in, seed, bounds->lower_bound, &first, sol, n_bins, &round);
    budget->iter = first.iter;
    if (st != DD_OK || *n_bins <= budget->target || dd__pack_budget_out(budget))
        return st;
    /* Runs bounded by moves only: the LP phase (which makes no moves) gets
     * work in proportion (search nodes, dive pivots), none when small. */
    uint64_t work = 0;
    if (budget->deadline <= 0) {
        uint64_t left = budget->max_iter - budget->iter;
        if (left < LP_MIN_MOVES)
            return alternate(in, seed, bounds->lower_bound, budget, sol, n_bins, &round);
        work = left * LP_WORK_PER_MOVE;
    }
    dd__pack_budget lpb = budget_part(budget, dd__mono_s(), budget->iter, LP_SHARE);
    st = lp_phase(in, &lpb, work, sol, n_bins, bounds);
    if (st != DD_OK)
        return st;
    if (bounds->lower_bound > budget->target)
        budget->target = bounds->lower_bound;
    return alternate(in, seed, bounds->lower_bound, budget, sol, n_bins, &round);
}

dd_status dd_pack_solve(const dd_pack_problem *p, const dd_pack_options *o,
                        dd_pack_result *out)
{
    if (!out)
        return DD_EARG;
    double t0 = dd__mono_s();
    free(out->bin_of);
    dd_pack_result_init(out);
    dd_pack_options defaults;
    if (!o) {
        dd_pack_options_init(&defaults);
        o = &defaults;
    }
    dd_status st = validate(p, &out->bad_item);
    if (st != DD_OK)
        return st;

    dd__pack_inst in;
    uint32_t *sol = NULL, *alt = NULL;
    st = inst_build(p, &in);
    if (st != DD_OK)
        return st;
    size_t n = in.n, nn = n ? n : 1;
    sol = malloc(nn * sizeof *sol);
    alt = malloc(nn * sizeof *alt);
    if (!sol || !alt)
        goto fail_nomem;
    st = dd__pack_bounds(&in, &out->bounds);
    if (st != DD_OK)
        goto fail;
    size_t lb = out->bounds.lower_bound;

    size_t n_bins = 0, alt_bins = 0;
    st = dd__pack_greedy(&in, DD__PACK_FFD, sol, &n_bins);
    if (st != DD_OK)
        goto fail;
    /* best fit, then minimum bin slack, while above the bound: the better
     * packing is kept */
    static const struct {
        dd__pack_rule rule;
        size_t max_items;
    } next[] = {{DD__PACK_BFD, BFD_MAX_ITEMS}, {DD__PACK_MBS, MBS_MAX_ITEMS}};
    for (size_t h = 0; h < sizeof next / sizeof next[0]; h++) {
        if (n_bins <= lb || n > next[h].max_items)
            continue;
        st = dd__pack_greedy(&in, next[h].rule, alt, &alt_bins);
        if (st != DD_OK)
            goto fail;
        if (alt_bins < n_bins) {
            uint32_t *t = sol;
            sol = alt;
            alt = t;
            n_bins = alt_bins;
        }
    }
    out->initial_bins = n_bins;

    dd__pack_budget budget = {0};
    /* Stop a little early: the caller's limit covers the whole call, and on
     * a busy machine the process may lose the processor for a few ms
     * between two looks at the clock. */
    if (o->time_limit_s > 0) {
        double margin = o->time_limit_s * DEADLINE_MARGIN;
        budget.deadline = t0 + o->time_limit_s - (margin < 0.05 ? margin : 0.05);
    }
    budget.max_iter = o->max_iterations;
    budget.target = o->target_bins > lb ? o->target_bins : lb;
    if (n_bins > budget.target && (budget.deadline > 0 || budget.max_iter > 0)) {
        st = search(&in, o->seed, &budget, sol, &n_bins, &out->bounds);
        if (st != DD_OK)
            goto fail;
    }
    out->iterations = budget.iter;

    out->bin_of = malloc(nn * sizeof *out->bin_of);
    if (!out->bin_of)
        goto fail_nomem;
    for (size_t i = 0; i < n; i++)
        out->bin_of[in.orig[i]] = sol[i];
    out->n_bins = canonical_bins(out->bin_of, n, n_bins, alt);
    out->optimal = out->n_bins == out->bounds.lower_bound;
    free(sol);
    free(alt);
    dd__arena_fini(&in.arena);
    out->seconds = dd__mono_s() - t0;
    return DD_OK;

fail_nomem:
    st = DD_ENOMEM;
fail:
    free(sol);
    free(alt);
    dd__arena_fini(&in.arena);
    out->n_bins = 0;
    return st;
}
