/* SPDX-License-Identifier: MIT */
/*
 * Tests for the packing engine (include/drawdown/pack.h). Every packing the
 * engine returns is verified by check_packing() below, which shares no code
 * with the engine: each item in exactly one bin, bins numbered densely,
 * every capacity respected, no two conflicting classes in a bin, and at
 * least the lower bound. Optima of tiny instances come from an exhaustive
 * search written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <drawdown/pack.h>

#include "base/rng.h"

/* ---- independent checker ---- */

static int classes_clash(const dd_pack_problem *p, uint32_t a, uint32_t b)
{
    for (unsigned c = 0; c < 32; c++) {
        if (!(a >> c & 1u))
            continue;
        for (unsigned c2 = 0; c2 < 32; c2++)
            if ((b >> c2 & 1u) &&
                ((p->conflict[c] >> c2 & 1u) || (p->conflict[c2] >> c & 1u)))
                return 1;
    }
    return 0;
}

static void check_packing(const dd_pack_problem *p, const dd_pack_result *r)
{
    size_t n = p->n_items, nd = p->n_dims;
    assert_true(r->n_bins <= n);
    if (n > 0)
        assert_non_null(r->bin_of);
    assert_true(r->n_bins >= r->bounds.lower_bound);
    int64_t *load = calloc(r->n_bins * nd + 1, sizeof *load);
    size_t *count = calloc(r->n_bins + 1, sizeof *count);
    assert_non_null(load);
    assert_non_null(count);
    for (size_t i = 0; i < n; i++) {
        assert_true(r->bin_of[i] < r->n_bins);
        count[r->bin_of[i]]++;
        for (size_t d = 0; d < nd; d++)
            load[r->bin_of[i] * nd + d] += p->size[i * nd + d];
    }
    for (size_t b = 0; b < r->n_bins; b++) {
        assert_true(count[b] > 0);
        for (size_t d = 0; d < nd; d++)
            assert_true(load[b * nd + d] <= p->capacity[d]);
    }
    if (p->klass && p->conflict)
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if (r->bin_of[i] == r->bin_of[j])
                    assert_false(classes_clash(p, p->klass[i], p->klass[j]));
    free(load);
    free(count);
}

/* Exhaustive optimum of a tiny 1..4-D instance without conflicts. */
static size_t brute_rec(const dd_pack_problem *p, size_t i, int64_t *load,
                        size_t used, size_t best)
{
    size_t nd = p->n_dims;
    if (used >= best)
        return best;
    if (i == p->n_items)
        return used;
    for (size_t b = 0; b <= used && b < best; b++) {
        size_t d = 0;
        while (d < nd && load[b * nd + d] + p->size[i * nd + d] <= p->capacity[d])
            d++;
        if (d < nd)
            continue;
        for (d = 0; d < nd; d++)
            load[b * nd + d] += p->size[i * nd + d];
        size_t r = brute_rec(p, i + 1, load, b == used ? used + 1 : used, best);
        if (r < best)
            best = r;
        for (d = 0; d < nd; d++)
            load[b * nd + d] -= p->size[i * nd + d];
    }
    return best;
}

static size_t brute_optimum(const dd_pack_problem *p)
{
    int64_t load[16 * 4] = {0};
    return brute_rec(p, 0, load, 0, p->n_items + 1);
}

static dd_pack_options budget(uint64_t iterations)
{
    dd_pack_options o;
    dd_pack_options_init(&o);
    o.time_limit_s = 0;
    o.max_iterations = iterations;
    return o;
}

/* ---- unit tests ---- */

static void test_hand_optimum(void **state)
{
    (void)state;
    const int64_t w[] = {6, 4, 5, 5, 3, 7, 2, 8, 1, 9};
    const int64_t cap = 10;
    dd_pack_problem p = {10, 1, w, &cap, NULL, NULL};
    dd_pack_options o = budget(10000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_int_equal(r.n_bins, 5);
    assert_int_equal(r.bounds.lower_bound, 5);
    assert_true(r.optimal);
    dd_pack_result_fini(&r);
    assert_null(r.bin_of);
}

/* FFD and BFD need 4 bins here, the optimum is 3. */
static void test_beats_ffd(void **state)
{
    (void)state;
    /* 13+7, 9+7+4, 9+5+3+3 fill three bins exactly; FFD and BFD open 4 */
    const int64_t w[] = {3, 7, 5, 13, 7, 3, 4, 9, 9};
    const int64_t cap = 20;
    dd_pack_problem p = {9, 1, w, &cap, NULL, NULL};
    dd_pack_options o = budget(20000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_int_equal(r.bounds.lower_bound, 3);
    assert_true(r.initial_bins >= 3 && r.initial_bins <= 4); /* MBS' finds 3 */
    assert_int_equal(r.n_bins, 3);
    dd_pack_result_fini(&r);
}

static void test_l2_bound(void **state)
{
    (void)state;
    /* L1 = ceil(315/100) = 4; L2 (K = 35) = 3 + ceil(105/100) = 5 = opt */
    const int64_t w[] = {70, 35, 70, 35, 70, 35};
    const int64_t cap = 100;
    dd_pack_problem p = {6, 1, w, &cap, NULL, NULL};
    dd_pack_bounds b;
    assert_int_equal(dd_pack_lower_bounds(&p, &b), DD_OK);
    assert_int_equal(b.l1[0], 4);
    assert_int_equal(b.l2[0], 5);
    assert_int_equal(b.lower_bound, 5);
    /* all items > C/2: L2 = n */
    const int64_t big[] = {51, 51, 51, 51};
    dd_pack_problem q = {4, 1, big, &cap, NULL, NULL};
    assert_int_equal(dd_pack_lower_bounds(&q, &b), DD_OK);
    assert_int_equal(b.l1[0], 3);
    assert_int_equal(b.l2[0], 4);
    /* 3 items of 60 leave 40 each; 6 of 30 need 180 - 3*40 = 60 more:
     * L2 = 3 + 1 = 4 = opt */
    const int64_t mix[] = {60, 60, 60, 30, 30, 30, 30, 30, 30};
    dd_pack_problem m = {9, 1, mix, &cap, NULL, NULL};
    assert_int_equal(dd_pack_lower_bounds(&m, &b), DD_OK);
    assert_int_equal(b.l2[0], 4);
    dd_pack_options o = budget(1000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&m, &o, &r), DD_OK);
    check_packing(&m, &r);
    assert_int_equal(r.n_bins, 4);
    assert_true(r.optimal);
    dd_pack_result_fini(&r);
}

static void test_empty(void **state)
{
    (void)state;
    const int64_t cap = 10;
    dd_pack_problem p = {0, 1, NULL, &cap, NULL, NULL};
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, NULL, &r), DD_OK);
    assert_int_equal(r.n_bins, 0);
    assert_int_equal(r.bounds.lower_bound, 0);
    dd_pack_result_fini(&r);
}

static void test_errors(void **state)
{
    (void)state;
    const int64_t w[] = {3, 11, 2, 12};
    const int64_t cap = 10, zero = 0;
    dd_pack_result r;
    dd_pack_result_init(&r);
    dd_pack_problem p = {4, 1, w, &cap, NULL, NULL};
    assert_int_equal(dd_pack_solve(&p, NULL, &r), DD_EINPUT);
    assert_int_equal(r.bad_item, 1);
    assert_null(r.bin_of);
    assert_int_equal(r.n_bins, 0);
    const int64_t neg[] = {3, -1};
    dd_pack_problem pn = {2, 1, neg, &cap, NULL, NULL};
    assert_int_equal(dd_pack_solve(&pn, NULL, &r), DD_EINPUT);
    assert_int_equal(r.bad_item, 1);
    /* second dimension too large */
    const int64_t v[] = {1, 1, 2, 7};
    const int64_t caps[] = {5, 5};
    dd_pack_problem pv = {2, 2, v, caps, NULL, NULL};
    assert_int_equal(dd_pack_solve(&pv, NULL, &r), DD_EINPUT);
    assert_int_equal(r.bad_item, 1);
    dd_pack_problem pa = {2, 0, w, &cap, NULL, NULL};
    assert_int_equal(dd_pack_solve(&pa, NULL, &r), DD_EARG);
    pa.n_dims = 5;
    assert_int_equal(dd_pack_solve(&pa, NULL, &r), DD_EARG);
    dd_pack_problem pz = {1, 1, w, &zero, NULL, NULL};
    assert_int_equal(dd_pack_solve(&pz, NULL, &r), DD_EARG);
    assert_int_equal(dd_pack_solve(NULL, NULL, &r), DD_EARG);
    assert_int_equal(dd_pack_solve(&p, NULL, NULL), DD_EARG);
    dd_pack_bounds b;
    assert_int_equal(dd_pack_lower_bounds(&p, &b), DD_EINPUT);
    dd_pack_result_fini(&r);
}

static void test_conflicts(void **state)
{
    (void)state;
    /* 12 small items: classes 0 (hazard), 1 (passengers), 2 (alone) */
    int64_t w[12];
    uint32_t k[12];
    for (int i = 0; i < 12; i++) {
        w[i] = 1 + i % 3;
        k[i] = 1u << (i % 3);
    }
    uint32_t conflict[32] = {0};
    conflict[0] = 1u << 1; /* hazard vs passengers (one side only given) */
    conflict[2] = 1u << 2; /* two class-2 items never together */
    const int64_t cap = 100;
    dd_pack_problem p = {12, 1, w, &cap, k, conflict};
    dd_pack_options o = budget(2000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    /* 4 class-2 items need 4 bins (clique bound); 4 suffice */
    assert_int_equal(r.bounds.clique, 4);
    assert_int_equal(r.bounds.lower_bound, 4);
    assert_int_equal(r.n_bins, 4);
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 12; j++)
            if (k[i] == 1u && k[j] == 2u)
                assert_int_not_equal(r.bin_of[i], r.bin_of[j]);
    /* without a conflict table, classes are ignored: one bin */
    p.conflict = NULL;
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    assert_int_equal(r.n_bins, 1);
    dd_pack_result_fini(&r);
}

static void test_vector(void **state)
{
    (void)state;
    /* 2-D: (weight, positions); pairs fill both dimensions exactly */
    const int64_t s[] = {6, 1, 5, 5, 4, 9, 5, 5, 9, 2, 1, 8, 3, 3, 7, 7};
    const int64_t cap[] = {10, 10};
    dd_pack_problem p = {8, 2, s, cap, NULL, NULL};
    dd_pack_options o = budget(20000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_int_equal(r.bounds.l1[0], 4);
    assert_int_equal(r.n_bins, 4);
    assert_true(r.optimal);
    /* 4-D, each item fills one dimension: all fit one bin */
    const int64_t e[] = {10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 10};
    const int64_t cap4[] = {10, 10, 10, 10};
    dd_pack_problem q = {4, 4, e, cap4, NULL, NULL};
    assert_int_equal(dd_pack_solve(&q, &o, &r), DD_OK);
    check_packing(&q, &r);
    assert_int_equal(r.n_bins, 1);
    dd_pack_result_fini(&r);
}

/* ---- generated instances ---- */

typedef struct gen {
    size_t n;
    unsigned nd;
    int64_t size[400 * 4];
    int64_t cap[4];
    uint32_t klass[400];
    uint32_t conflict[32];
} gen;

static void generate(gen *g, dd_rng *rng, size_t n, unsigned nd, int conflicts)
{
    g->n = n;
    g->nd = nd;
    for (unsigned d = 0; d < nd; d++)
        g->cap[d] = 10 + (int64_t)dd_rng_below(rng, 1000);
    for (size_t i = 0; i < n; i++) {
        for (unsigned d = 0; d < nd; d++)
            g->size[i * nd + d] = (int64_t)dd_rng_below(rng, (uint64_t)g->cap[d] / 2 + 1) +
                                  (dd_rng_below(rng, 4) == 0
                                       ? (int64_t)dd_rng_below(rng, (uint64_t)g->cap[d] / 2)
                                       : 0);
        g->klass[i] = 1u << dd_rng_below(rng, 4);
    }
    memset(g->conflict, 0, sizeof g->conflict);
    if (conflicts)
        for (unsigned c = 0; c < 4; c++)
            g->conflict[c] = (uint32_t)dd_rng_below(rng, 16);
}

static dd_pack_problem as_problem(const gen *g, int conflicts)
{
    dd_pack_problem p = {g->n, g->nd, g->size, g->cap, conflicts ? g->klass : NULL,
                         conflicts ? g->conflict : NULL};
    return p;
}

static void test_tiny_exact(void **state)
{
    (void)state;
    dd_rng rng;
    dd_rng_seed(&rng, 42, 1);
    gen *g = malloc(sizeof *g);
    assert_non_null(g);
    dd_pack_result r;
    dd_pack_result_init(&r);
    for (int t = 0; t < 100; t++) {
        generate(g, &rng, 3 + dd_rng_below(&rng, 8), 1 + (unsigned)dd_rng_below(&rng, 3), 0);
        dd_pack_problem p = as_problem(g, 0);
        dd_pack_options o = budget(3000);
        o.seed = (uint64_t)t;
        assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
        check_packing(&p, &r);
        size_t opt = brute_optimum(&p);
        assert_true(r.bounds.lower_bound <= opt);
        assert_int_equal(r.n_bins, opt);
    }
    dd_pack_result_fini(&r);
    free(g);
}

static void test_property_random(void **state)
{
    (void)state;
    dd_rng rng;
    dd_rng_seed(&rng, 7, 2);
    gen *g = malloc(sizeof *g);
    assert_non_null(g);
    dd_pack_result r;
    dd_pack_result_init(&r);
    for (int t = 0; t < 60; t++) {
        int conflicts = t % 2;
        generate(g, &rng, 1 + dd_rng_below(&rng, 300), 1 + (unsigned)dd_rng_below(&rng, 4),
                 conflicts);
        dd_pack_problem p = as_problem(g, conflicts);
        dd_pack_options o = budget(300);
        o.seed = (uint64_t)t;
        assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
        check_packing(&p, &r);
        assert_true(r.n_bins <= r.initial_bins);
    }
    dd_pack_result_fini(&r);
    free(g);
}

static void test_deterministic(void **state)
{
    (void)state;
    dd_rng rng;
    dd_rng_seed(&rng, 99, 3);
    gen *g = malloc(sizeof *g);
    assert_non_null(g);
    generate(g, &rng, 400, 2, 1);
    dd_pack_problem p = as_problem(g, 1);
    dd_pack_options o = budget(3000);
    o.seed = 5;
    dd_pack_result a, b;
    dd_pack_result_init(&a);
    dd_pack_result_init(&b);
    assert_int_equal(dd_pack_solve(&p, &o, &a), DD_OK);
    assert_int_equal(dd_pack_solve(&p, &o, &b), DD_OK);
    check_packing(&p, &a);
    assert_int_equal(a.n_bins, b.n_bins);
    assert_int_equal(a.iterations, b.iterations);
    assert_memory_equal(a.bin_of, b.bin_of, p.n_items * sizeof *a.bin_of);
    dd_pack_result_fini(&a);
    dd_pack_result_fini(&b);
    free(g);
}

/*
 * Seven items of 34 in bins of 100: at most two per bin, so 4 bins, but
 * L1 = L2 = 3. The LP relaxation (patterns of at most two items) is 3.5,
 * so the LP bound proves the packing optimal.
 */
static void test_lp_bound(void **state)
{
    (void)state;
    const int64_t w[] = {34, 34, 34, 34, 34, 34, 34};
    const int64_t cap = 100;
    dd_pack_problem p = {7, 1, w, &cap, NULL, NULL};
    dd_pack_bounds b;
    assert_int_equal(dd_pack_lower_bounds(&p, &b), DD_OK);
    assert_int_equal(b.l2[0], 3);
    assert_int_equal(b.lp, 0); /* never computed here */
    dd_pack_options o = budget(5000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_int_equal(r.n_bins, 4);
    assert_int_equal(r.bounds.lp, 4);
    assert_int_equal(r.bounds.lower_bound, 4);
    assert_true(r.optimal);
    assert_true(r.iterations < 5000); /* stopped at the bound */
    dd_pack_result_fini(&r);
}

/*
 * Hard28 instance BPP13 (Schoenfield 2002, via BPPLIB): 180 items, the
 * optimum 67 equals the LP bound (66.9996 rounded up) but the L2 bound is
 * 67 too while every decreasing heuristic needs 68 or more. A few
 * hundred local-search moves do not find 67; the LP phase (reduced-cost
 * exact cover) does, deterministically.
 */
static void test_lp_exact(void **state)
{
    (void)state;
    static const int64_t w[] = {
        698, 691, 690, 689, 686, 681, 676, 675, 674, 666, 662, 660, 653, 652, 651,
        651, 649, 641, 636, 635, 634, 629, 628, 628, 626, 624, 621, 621, 621, 620,
        616, 611, 610, 603, 602, 600, 600, 596, 596, 590, 587, 585, 578, 577, 572,
        569, 566, 561, 559, 555, 548, 545, 541, 539, 538, 534, 534, 532, 531, 529,
        527, 521, 519, 499, 497, 496, 495, 495, 483, 480, 478, 475, 471, 461, 460,
        459, 458, 444, 435, 432, 426, 423, 423, 420, 414, 414, 411, 392, 392, 391,
        390, 386, 385, 381, 378, 376, 365, 353, 341, 335, 332, 331, 325, 317, 316,
        315, 304, 303, 300, 298, 297, 292, 292, 282, 281, 268, 262, 251, 246, 230,
        227, 216, 214, 201, 201, 197, 194, 190, 189, 188, 183, 181, 179, 176, 173,
        169, 169, 168, 167, 160, 159, 156, 151, 144, 130, 128, 126, 124, 122, 110,
        107, 100, 96, 96, 95, 88, 85, 85, 84, 83, 79, 79, 79, 76, 73, 72, 69, 65,
        62, 56, 55, 51, 47, 36, 36, 32, 30, 29, 28, 1};
    const int64_t cap = 1000;
    dd_pack_problem p = {sizeof w / sizeof *w, 1, w, &cap, NULL, NULL};
    dd_pack_options o = budget(2000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_true(r.initial_bins > 67);
    assert_int_equal(r.bounds.lp, 67);
    assert_int_equal(r.n_bins, 67);
    assert_true(r.optimal);
    dd_pack_result_fini(&r);
}

/*
 * An instance whose optimum (10) is one above its LP bound and its L2
 * bound (9): a brute-force search (outside the engine) finds no packing in
 * 9 bins. The exact search over the patterns of small reduced cost is
 * complete here, so it refutes 9 and the lower bound rises to 10: the
 * packing found is proven optimal, within a move budget.
 */
static void test_lp_refuted(void **state)
{
    (void)state;
    static const int64_t w[] = {566, 535, 252, 546, 486, 318, 210, 573, 573, 215, 330,
                                486, 379, 447, 583, 340, 511, 419, 228, 241, 509};
    const int64_t cap = 1000;
    dd_pack_problem p = {sizeof w / sizeof *w, 1, w, &cap, NULL, NULL};
    dd_pack_options o = budget(3000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_int_equal(r.bounds.l2[0], 9);
    assert_int_equal(r.bounds.lp, 9);
    assert_int_equal(r.bounds.lower_bound, 10);
    assert_int_equal(r.n_bins, 10);
    assert_true(r.optimal);
    dd_pack_result_fini(&r);
}

/*
 * Falkenauer-style triplets: every bin of the optimum holds three items
 * that fill it exactly, which the decreasing heuristics miss; the local
 * searches must find the exact fills.
 */
static void test_triplets(void **state)
{
    (void)state;
    enum { BINS = 34 };
    int64_t w[3 * BINS];
    const int64_t cap = 1000;
    dd_rng rng;
    dd_rng_seed(&rng, 11, 5);
    for (size_t b = 0; b < BINS; b++) {
        int64_t a = 380 + (int64_t)dd_rng_below(&rng, 111);
        int64_t lo = 1000 - a - 499 > 251 ? 1000 - a - 499 : 251;
        int64_t hi = 1000 - a - 251 < 499 ? 1000 - a - 251 : 499;
        int64_t c = lo + (int64_t)dd_rng_below(&rng, (uint64_t)(hi - lo + 1));
        w[3 * b] = a;
        w[3 * b + 1] = c;
        w[3 * b + 2] = 1000 - a - c;
    }
    for (size_t i = 3 * BINS; i-- > 1;) { /* shuffle */
        size_t j = (size_t)dd_rng_below(&rng, i + 1);
        int64_t t = w[i];
        w[i] = w[j];
        w[j] = t;
    }
    dd_pack_problem p = {3 * BINS, 1, w, &cap, NULL, NULL};
    dd_pack_options o = budget(2000000);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_true(r.initial_bins > BINS);
    assert_int_equal(r.n_bins, BINS);
    assert_true(r.optimal);
    dd_pack_result_fini(&r);
}

/*
 * Tiny iteration budgets (as the load planner gives per site) must end:
 * a share of 10 moves rounded down to 0 once meant "no limit".
 */
static void test_tiny_budgets(void **state)
{
    (void)state;
    dd_rng rng;
    dd_rng_seed(&rng, 5, 6);
    gen *g = malloc(sizeof *g);
    assert_non_null(g);
    dd_pack_result r;
    dd_pack_result_init(&r);
    for (int t = 0; t < 40; t++) {
        generate(g, &rng, 50 + dd_rng_below(&rng, 200), 1 + (unsigned)(t % 3), t % 2);
        dd_pack_problem p = as_problem(g, t % 2);
        dd_pack_options o = budget(1 + (uint64_t)(t % 12));
        assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
        check_packing(&p, &r);
        assert_true(r.iterations <= o.max_iterations);
    }
    dd_pack_result_fini(&r);
    free(g);
}

/* Constructive phase only on a larger instance (no search budget). */
static void test_large_constructive(void **state)
{
    (void)state;
    size_t n = 20000;
    int64_t *s = malloc(n * 4 * sizeof *s);
    assert_non_null(s);
    dd_rng rng;
    dd_rng_seed(&rng, 3, 4);
    const int64_t cap[] = {1000, 40, 100, 500};
    for (size_t i = 0; i < n * 4; i++)
        s[i] = 1 + (int64_t)dd_rng_below(&rng, (uint64_t)cap[i % 4] * 2 / 5);
    dd_pack_problem p = {n, 4, s, cap, NULL, NULL};
    dd_pack_options o = budget(0);
    dd_pack_result r;
    dd_pack_result_init(&r);
    assert_int_equal(dd_pack_solve(&p, &o, &r), DD_OK);
    check_packing(&p, &r);
    assert_int_equal(r.iterations, 0);
    dd_pack_result_fini(&r);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_optimum),
        cmocka_unit_test(test_beats_ffd),
        cmocka_unit_test(test_l2_bound),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_vector),
        cmocka_unit_test(test_tiny_exact),
        cmocka_unit_test(test_property_random),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_lp_bound),
        cmocka_unit_test(test_lp_exact),
        cmocka_unit_test(test_lp_refuted),
        cmocka_unit_test(test_triplets),
        cmocka_unit_test(test_tiny_budgets),
        cmocka_unit_test(test_large_constructive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
