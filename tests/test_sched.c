/* SPDX-License-Identifier: MIT */
/*
 * Tests for src/sched. Every schedule the engine returns is verified by
 * check(), written here and sharing no code with the engine: precedence with
 * lags, release dates, resource limits under time-varying capacity. Small
 * random instances are solved to optimality by brute force (every activity
 * list through a naive serial SGS of this file: the active schedules contain
 * an optimum) and the GA must reach that optimum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

#define MAXN 160
#define MAXR 4
#define MAXS 8
#define MAXM 1024

/* The test's own copy of an instance. */
typedef struct tinst {
    int n, R;
    int64_t dur[MAXN], rel[MAXN], dl[MAXN];
    int64_t req[MAXN][MAXR];
    int n_steps[MAXR]; /* 0: constant cap0 */
    int64_t cap0[MAXR];
    int64_t st_t[MAXR][MAXS], st_c[MAXR][MAXS];
    int m;
    int from[MAXM], to[MAXM];
    int64_t lag[MAXM];
} tinst;

static void tinst_clear(tinst *x)
{
    memset(x, 0, sizeof *x);
    for (int j = 0; j < MAXN; j++)
        x->dl[j] = DD_SCHED_NO_DEADLINE;
}

static int64_t cap_at(const tinst *x, int r, int64_t t)
{
    if (!x->n_steps[r])
        return x->cap0[r];
    int64_t c = 0;
    for (int k = 0; k < x->n_steps[r] && x->st_t[r][k] <= t; k++)
        c = x->st_c[r][k];
    return c;
}

static dd_sched_problem *build(const tinst *x)
{
    dd_sched_problem *p = NULL;
    assert_int_equal(dd_sched_problem_new(&p), DD_OK);
    for (int r = 0; r < x->R; r++) {
        size_t id;
        assert_int_equal(dd_sched_add_resource(p, x->cap0[r], &id), DD_OK);
        assert_int_equal(id, (size_t)r);
        if (x->n_steps[r]) {
            dd_sched_step st[MAXS];
            for (int k = 0; k < x->n_steps[r]; k++) {
                st[k].time = x->st_t[r][k];
                st[k].capacity = x->st_c[r][k];
            }
            assert_int_equal(dd_sched_set_capacity(p, (size_t)r, st,
                                                   (size_t)x->n_steps[r]),
                             DD_OK);
        }
    }
    for (int j = 0; j < x->n; j++) {
        size_t id;
        assert_int_equal(dd_sched_add_activity(p, x->dur[j], &id), DD_OK);
        assert_int_equal(id, (size_t)j);
        if (x->rel[j])
            assert_int_equal(dd_sched_set_release(p, id, x->rel[j]), DD_OK);
        if (x->dl[j] != DD_SCHED_NO_DEADLINE)
            assert_int_equal(dd_sched_set_deadline(p, id, x->dl[j]), DD_OK);
        for (int r = 0; r < x->R; r++)
            if (x->req[j][r])
                assert_int_equal(dd_sched_set_demand(p, id, (size_t)r,
                                                     x->req[j][r]),
                                 DD_OK);
    }
    for (int e = 0; e < x->m; e++)
        assert_int_equal(dd_sched_add_precedence(p, (size_t)x->from[e],
                                                 (size_t)x->to[e], x->lag[e]),
                         DD_OK);
    return p;
}

/* Independent feasibility check; returns the makespan or -1. */
static int64_t check(const tinst *x, const int64_t *start)
{
    int64_t ms = 0;
    for (int j = 0; j < x->n; j++) {
        if (start[j] < 0 || start[j] < x->rel[j]) {
            print_error("activity %d starts at %lld before its release\n", j,
                        (long long)start[j]);
            return -1;
        }
        if (start[j] + x->dur[j] > ms)
            ms = start[j] + x->dur[j];
    }
    for (int e = 0; e < x->m; e++) {
        int a = x->from[e], b = x->to[e];
        if (start[b] < start[a] + x->dur[a] + x->lag[e]) {
            print_error("precedence %d -> %d (lag %lld) violated\n", a, b,
                        (long long)x->lag[e]);
            return -1;
        }
    }
    /* usage only rises at starts and capacity only falls at breakpoints */
    for (int r = 0; r < x->R; r++) {
        int64_t pts[MAXN + MAXS];
        int np = 0;
        for (int j = 0; j < x->n; j++)
            pts[np++] = start[j];
        for (int k = 0; k < x->n_steps[r]; k++)
            pts[np++] = x->st_t[r][k];
        for (int i = 0; i < np; i++) {
            int64_t t = pts[i], use = 0;
            for (int j = 0; j < x->n; j++)
                if (start[j] <= t && t < start[j] + x->dur[j])
                    use += x->req[j][r];
            if (use > cap_at(x, r, t)) {
                print_error("resource %d over capacity at %lld: %lld > %lld\n",
                            r, (long long)t, (long long)use,
                            (long long)cap_at(x, r, t));
                return -1;
            }
        }
    }
    return ms;
}

static int64_t solve_checked(const tinst *x, const dd_sched_options *o,
                             dd_sched_result *res)
{
    dd_sched_problem *p = build(x);
    size_t bad = 0;
    assert_int_equal(dd_sched_solve(p, o, res, &bad), DD_OK);
    assert_int_equal(res->n_activities, (size_t)x->n);
    int64_t ms = check(x, res->start);
    assert_true(ms >= 0);
    assert_int_equal(ms, res->makespan);
    assert_true(res->bounds.critical_path <= ms);
    assert_true(res->bounds.best <= ms);
    dd_sched_problem_free(p);
    return ms;
}

/* ---- brute force: every activity list through a naive serial SGS ---- */

static int64_t naive_ssgs(const tinst *x, const int *perm, int64_t *start)
{
    int64_t ms = 0;
    for (int i = 0; i < x->n; i++) {
        int j = perm[i];
        int64_t t = x->rel[j];
        for (int e = 0; e < x->m; e++)
            if (x->to[e] == j) {
                int a = x->from[e];
                if (start[a] + x->dur[a] + x->lag[e] > t)
                    t = start[a] + x->dur[a] + x->lag[e];
            }
        for (;; t++) {
            int ok = 1;
            for (int64_t s = t; s < t + x->dur[j] && ok; s++)
                for (int r = 0; r < x->R && ok; r++) {
                    int64_t use = x->req[j][r];
                    for (int k = 0; k < i; k++) {
                        int b = perm[k];
                        if (start[b] <= s && s < start[b] + x->dur[b])
                            use += x->req[b][r];
                    }
                    ok = use <= cap_at(x, r, s);
                }
            if (ok)
                break;
        }
        start[j] = t;
        if (t + x->dur[j] > ms)
            ms = t + x->dur[j];
    }
    return ms;
}

static int64_t brute_best;

static void brute_rec(const tinst *x, int *perm, int k, int *used)
{
    if (k == x->n) {
        int64_t st[MAXN];
        int64_t ms = naive_ssgs(x, perm, st);
        if (ms < brute_best)
            brute_best = ms;
        return;
    }
    for (int j = 0; j < x->n; j++) {
        if (used[j])
            continue;
        int ok = 1;
        for (int e = 0; e < x->m && ok; e++)
            if (x->to[e] == j && !used[x->from[e]])
                ok = 0;
        if (!ok)
            continue;
        used[j] = 1;
        perm[k] = j;
        brute_rec(x, perm, k + 1, used);
        used[j] = 0;
    }
}

static int64_t brute_force(const tinst *x)
{
    int perm[MAXN] = {0}, used[MAXN] = {0};
    brute_best = INT64_MAX;
    brute_rec(x, perm, 0, used);
    return brute_best;
}

/* lags: 0 none, 1 in [0, 2], 2 in [-min(durations), 2] with some zero
 * durations (overlapping successors) */
static void random_instance(tinst *x, dd_rng *rng, int n, int varying,
                            int releases, int lags)
{
    tinst_clear(x);
    x->n = n;
    x->R = 2;
    for (int r = 0; r < x->R; r++) {
        x->cap0[r] = 3 + (int64_t)dd_rng_below(rng, 2);
        if (varying) {
            /* a blackout and a reduced window, then the base capacity */
            int64_t t1 = 1 + (int64_t)dd_rng_below(rng, 3);
            x->n_steps[r] = 3;
            x->st_t[r][0] = 0;
            x->st_c[r][0] = x->cap0[r];
            x->st_t[r][1] = t1;
            x->st_c[r][1] = (int64_t)dd_rng_below(rng, 2) * 2;
            x->st_t[r][2] = t1 + 1 + (int64_t)dd_rng_below(rng, 3);
            x->st_c[r][2] = x->cap0[r];
        }
    }
    for (int j = 0; j < n; j++) {
        x->dur[j] = 1 + (int64_t)dd_rng_below(rng, 4);
        if (lags == 2 && dd_rng_below(rng, 5) == 0)
            x->dur[j] = 0;
        for (int r = 0; r < x->R; r++)
            x->req[j][r] = (int64_t)dd_rng_below(rng, 4);
        if (releases)
            x->rel[j] = (int64_t)dd_rng_below(rng, 4);
        for (int i = 0; i < j; i++)
            if (dd_rng_below(rng, 100) < 25 && x->m < MAXM) {
                x->from[x->m] = i;
                x->to[x->m] = j;
                x->lag[x->m] = lags ? (int64_t)dd_rng_below(rng, 3) : 0;
                if (lags == 2) {
                    int64_t lim = x->dur[i] < x->dur[j] ? x->dur[i] : x->dur[j];
                    x->lag[x->m] = (int64_t)dd_rng_below(rng, (uint64_t)lim + 3) - lim;
                }
                x->m++;
            }
    }
}

static void test_known_optimum(void **state)
{
    (void)state;
    /* cap 2; A(3,1) B(3,1) C(2,2) D(2,1); A -> D. C runs alone, A, B, D
     * need 8 units in 4 slots with D after A: impossible, so 7. */
    tinst x;
    tinst_clear(&x);
    x.n = 4;
    x.R = 1;
    x.cap0[0] = 2;
    int64_t d[] = {3, 3, 2, 2}, q[] = {1, 1, 2, 1};
    for (int j = 0; j < 4; j++) {
        x.dur[j] = d[j];
        x.req[j][0] = q[j];
    }
    x.m = 1;
    x.from[0] = 0;
    x.to[0] = 3;
    assert_int_equal(brute_force(&x), 7);
    dd_sched_options o;
    dd_sched_options_default(&o);
    dd_sched_result res;
    dd_sched_result_init(&res);
    assert_int_equal(solve_checked(&x, &o, &res), 7);
    assert_int_equal(res.bounds.critical_path, 5);
    /* energy gives 6; C is incompatible with A and D, which are ordered,
     * so the disjunctive bound gives 2 + 3 + 2 = 7, the optimum */
    assert_int_equal(res.bounds.resource, 7);
    assert_int_equal(res.bounds.best, 7);
    dd_sched_result_fini(&res);
}

static void run_random_vs_brute(int varying, int releases, int lags,
                                uint64_t seed)
{
    dd_rng rng;
    dd_rng_seed(&rng, seed, 0);
    for (int it = 0; it < 12; it++) {
        tinst x;
        random_instance(&x, &rng, 6, varying, releases, lags);
        int64_t opt = brute_force(&x);
        dd_sched_options o;
        dd_sched_options_default(&o);
        o.max_schedules = 2000;
        o.seed = (uint64_t)it;
        dd_sched_result res;
        dd_sched_result_init(&res);
        int64_t ms = solve_checked(&x, &o, &res);
        assert_int_equal(ms, opt);
        dd_sched_result_fini(&res);
        /* priority rules: feasible, never below the optimum */
        for (int rule = 0; rule < DD_SCHED_RULE_COUNT; rule++)
            for (int sgs = 0; sgs < 2; sgs++) {
                o.method = DD_SCHED_METHOD_RULE;
                o.rule = (dd_sched_rule)rule;
                o.sgs = (dd_sched_sgs)sgs;
                o.justify = rule & 1;
                dd_sched_result_init(&res);
                assert_true(solve_checked(&x, &o, &res) >= opt);
                dd_sched_result_fini(&res);
            }
    }
}

static void test_random_constant(void **state)
{
    (void)state;
    run_random_vs_brute(0, 0, 0, 11);
}

static void test_random_varying_capacity(void **state)
{
    (void)state;
    run_random_vs_brute(1, 0, 0, 12);
}

static void test_random_release_and_lags(void **state)
{
    (void)state;
    run_random_vs_brute(0, 1, 1, 13);
    run_random_vs_brute(1, 1, 1, 14);
}

/* constant capacity, no release dates: the bi-population GA, with the
 * backward serial and parallel decodings, on lags of both signs */
static void test_random_lags_time_invariant(void **state)
{
    (void)state;
    run_random_vs_brute(0, 0, 1, 15);
    run_random_vs_brute(0, 0, 2, 16);
}

static void test_blackout_and_units(void **state)
{
    (void)state;
    /* minutes: two 60-minute tasks on one team; the team is off from
     * 60 to 1440 (night), so the second task waits for the next day */
    tinst x;
    tinst_clear(&x);
    x.n = 2;
    x.R = 1;
    x.n_steps[0] = 3;
    x.st_t[0][0] = 0;
    x.st_c[0][0] = 1;
    x.st_t[0][1] = 60;
    x.st_c[0][1] = 0;
    x.st_t[0][2] = 1440;
    x.st_c[0][2] = 1;
    x.dur[0] = x.dur[1] = 60;
    x.req[0][0] = x.req[1][0] = 1;
    dd_sched_options o;
    dd_sched_options_default(&o);
    dd_sched_result res;
    dd_sched_result_init(&res);
    assert_int_equal(solve_checked(&x, &o, &res), 1500);
    dd_sched_result_fini(&res);
    /* a release date at 30 pushes both to the next day */
    x.rel[0] = 30;
    x.rel[1] = 30;
    dd_sched_result_init(&res);
    assert_int_equal(solve_checked(&x, &o, &res), 1560);
    assert_int_equal(res.bounds.critical_path, 90);
    dd_sched_result_fini(&res);
}

static void test_negative_lag_overlap(void **state)
{
    (void)state;
    /* B may start 2 after A starts (lag -3 on A's duration 5) */
    tinst x;
    tinst_clear(&x);
    x.n = 2;
    x.R = 0;
    x.dur[0] = 5;
    x.dur[1] = 4;
    x.m = 1;
    x.from[0] = 0;
    x.to[0] = 1;
    x.lag[0] = -3;
    dd_sched_options o;
    dd_sched_options_default(&o);
    dd_sched_result res;
    dd_sched_result_init(&res);
    assert_int_equal(solve_checked(&x, &o, &res), 6);
    dd_sched_result_fini(&res);
    /* below -min(durations): rejected, naming the successor */
    x.lag[0] = -5;
    dd_sched_problem *p = build(&x);
    size_t bad = 0;
    assert_int_equal(dd_sched_validate(p, &bad), DD_EINPUT);
    assert_int_equal(bad, 1);
    dd_sched_problem_free(p);
}

static void test_cycle_detected(void **state)
{
    (void)state;
    tinst x;
    tinst_clear(&x);
    x.n = 5;
    x.R = 0;
    for (int j = 0; j < 5; j++)
        x.dur[j] = 1;
    /* 0 -> 1 -> 2 -> 3 -> 1, and 3 -> 4 */
    int e[][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 1}, {3, 4}};
    for (int k = 0; k < 5; k++) {
        x.from[k] = e[k][0];
        x.to[k] = e[k][1];
    }
    x.m = 5;
    dd_sched_problem *p = build(&x);
    size_t bad = DD_SCHED_NONE;
    assert_int_equal(dd_sched_validate(p, &bad), DD_EINPUT);
    assert_true(bad >= 1 && bad <= 3);
    dd_sched_result res;
    dd_sched_result_init(&res);
    bad = DD_SCHED_NONE;
    assert_int_equal(dd_sched_solve(p, NULL, &res, &bad), DD_EINPUT);
    assert_true(bad >= 1 && bad <= 3);
    dd_sched_result_fini(&res);
    dd_sched_problem_free(p);
}

static void test_demand_exceeds_capacity(void **state)
{
    (void)state;
    tinst x;
    tinst_clear(&x);
    x.n = 3;
    x.R = 2;
    x.cap0[0] = 4;
    x.cap0[1] = 2;
    for (int j = 0; j < 3; j++)
        x.dur[j] = 2;
    x.req[2][1] = 3;
    dd_sched_problem *p = build(&x);
    size_t bad = DD_SCHED_NONE;
    assert_int_equal(dd_sched_validate(p, &bad), DD_EINPUT);
    assert_int_equal(bad, 2);
    dd_sched_problem_free(p);

    /* a resource that closes for good: fits only in its window */
    tinst_clear(&x);
    x.n = 3;
    x.R = 1;
    x.n_steps[0] = 2;
    x.st_t[0][0] = 0;
    x.st_c[0][0] = 1;
    x.st_t[0][1] = 4;
    x.st_c[0][1] = 0;
    x.dur[0] = x.dur[1] = 2;
    x.dur[2] = 1;
    x.req[0][0] = x.req[1][0] = 1;
    dd_sched_options o;
    dd_sched_options_default(&o);
    dd_sched_result res;
    dd_sched_result_init(&res);
    assert_int_equal(solve_checked(&x, &o, &res), 4);
    dd_sched_result_fini(&res);
    /* three units of work in a four-slot window: infeasible */
    x.dur[2] = 2;
    x.req[2][0] = 1;
    p = build(&x);
    dd_sched_result_init(&res);
    assert_int_equal(dd_sched_solve(p, &o, &res, &bad), DD_EINFEASIBLE);
    dd_sched_result_fini(&res);
    dd_sched_problem_free(p);
    /* a window shorter than the activity: input error */
    x.dur[2] = 5;
    p = build(&x);
    assert_int_equal(dd_sched_validate(p, &bad), DD_EINPUT);
    assert_int_equal(bad, 2);
    dd_sched_problem_free(p);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    dd_sched_problem *p = NULL;
    assert_int_equal(dd_sched_problem_new(&p), DD_OK);
    size_t id;
    assert_int_equal(dd_sched_add_resource(p, -1, &id), DD_EARG);
    assert_int_equal(dd_sched_add_activity(p, -1, &id), DD_EARG);
    assert_int_equal(dd_sched_add_activity(p, 3, &id), DD_OK);
    assert_int_equal(dd_sched_set_demand(p, id, 0, 1), DD_EARG); /* no res */
    assert_int_equal(dd_sched_add_precedence(p, 0, 7, 0), DD_EARG);
    assert_int_equal(dd_sched_add_resource(p, 2, &id), DD_OK);
    dd_sched_step bad_steps[] = {{5, 1}, {3, 2}};
    assert_int_equal(dd_sched_set_capacity(p, 0, bad_steps, 2), DD_EARG);
    assert_int_equal(dd_sched_n_activities(p), 1);
    assert_int_equal(dd_sched_n_resources(p), 1);
    dd_sched_problem_free(p);
    dd_sched_problem_free(NULL);
}

static void test_deadlines_reported(void **state)
{
    (void)state;
    /* three unit tasks on one unit resource, all due at 2: one is late */
    tinst x;
    tinst_clear(&x);
    x.n = 3;
    x.R = 1;
    x.cap0[0] = 1;
    for (int j = 0; j < 3; j++) {
        x.dur[j] = 1;
        x.req[j][0] = 1;
        x.dl[j] = 2;
    }
    /* and a long task due late that must not push them */
    x.n = 4;
    x.dur[3] = 5;
    x.req[3][0] = 1;
    x.dl[3] = 100;
    dd_sched_options o;
    dd_sched_options_default(&o);
    dd_sched_result res;
    dd_sched_result_init(&res);
    assert_int_equal(solve_checked(&x, &o, &res), 8);
    assert_int_equal(res.n_late, 1);
    assert_int_equal(res.tardiness, 1);
    dd_sched_result_fini(&res);
}

static void test_deterministic(void **state)
{
    (void)state;
    dd_rng rng;
    dd_rng_seed(&rng, 99, 0);
    tinst x;
    random_instance(&x, &rng, 60, 1, 1, 1);
    dd_sched_options o;
    dd_sched_options_default(&o);
    o.max_schedules = 3000;
    o.seed = 7;
    dd_sched_result a, b;
    dd_sched_result_init(&a);
    dd_sched_result_init(&b);
    solve_checked(&x, &o, &a);
    solve_checked(&x, &o, &b);
    assert_int_equal(a.makespan, b.makespan);
    assert_memory_equal(a.start, b.start, (size_t)x.n * sizeof *a.start);
    assert_true(a.n_schedules <= 3000);
    assert_int_equal(a.n_schedules, b.n_schedules);
    dd_sched_result_fini(&a);
    dd_sched_result_fini(&b);
    /* time-invariant: the bi-population GA */
    random_instance(&x, &rng, 60, 0, 0, 2);
    dd_sched_result_init(&a);
    dd_sched_result_init(&b);
    solve_checked(&x, &o, &a);
    solve_checked(&x, &o, &b);
    assert_int_equal(a.makespan, b.makespan);
    assert_memory_equal(a.start, b.start, (size_t)x.n * sizeof *a.start);
    assert_true(a.n_schedules <= 3000);
    assert_int_equal(a.n_schedules, b.n_schedules);
    dd_sched_result_fini(&a);
    dd_sched_result_fini(&b);
    /* a generous time limit next to the schedule budget does not cut the
     * run short: it ends at the budget (or at the bound) */
    o.time_limit = 3600.0;
    dd_sched_result_init(&a);
    solve_checked(&x, &o, &a);
    assert_true(a.n_schedules == 3000 || a.makespan == a.bounds.best);
    dd_sched_result_fini(&a);
    o.max_schedules = 0;
    o.time_limit = 0.01;
    dd_sched_result_init(&a);
    solve_checked(&x, &o, &a);
    assert_true(a.n_schedules >= 1);
    dd_sched_result_fini(&a);
}

/* ---- PSPLIB j30 files, when the shared benchmark data is present ---- */

static int read_sm(const char *path, tinst *x)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    int section = 0, row = 0, skip = 0;
    tinst_clear(x);
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end;
        if (strstr(line, "jobs (incl. supersource/sink")) {
            x->n = (int)strtol(strchr(line, ':') + 1, NULL, 10);
            continue;
        }
        if (strstr(line, "- renewable")) {
            x->R = (int)strtol(strchr(line, ':') + 1, NULL, 10);
            continue;
        }
        if (strstr(line, "PRECEDENCE RELATIONS:")) {
            section = 1, row = 0, skip = 1;
            continue;
        }
        if (strstr(line, "REQUESTS/DURATIONS:")) {
            section = 2, row = 0, skip = 2;
            continue;
        }
        if (strstr(line, "RESOURCEAVAILABILITIES:")) {
            section = 3, row = 0, skip = 1;
            continue;
        }
        if (skip) {
            skip--;
            continue;
        }
        if (line[0] == '*') {
            section = 0;
            continue;
        }
        if (section == 1 && row < x->n) {
            long job = strtol(p, &end, 10);
            strtol(end, &end, 10);
            long ns = strtol(end, &end, 10);
            for (long k = 0; k < ns && x->m < MAXM; k++) {
                x->from[x->m] = (int)job - 1;
                x->to[x->m] = (int)strtol(end, &end, 10) - 1;
                x->m++;
            }
            row++;
        } else if (section == 2 && row < x->n) {
            long job = strtol(p, &end, 10);
            strtol(end, &end, 10);
            x->dur[job - 1] = strtol(end, &end, 10);
            for (int r = 0; r < x->R; r++)
                x->req[job - 1][r] = strtol(end, &end, 10);
            row++;
        } else if (section == 3) {
            for (int r = 0; r < x->R; r++)
                x->cap0[r] = strtol(p, &p, 10);
            section = 0;
        }
    }
    fclose(f);
    return x->n > 0 && x->n <= MAXN && x->R <= MAXR ? 0 : -1;
}

static void test_psplib_j30(void **state)
{
    (void)state;
    /* j301_1: optimum 43; j3013_1: optimum 58 (j30opt.sm) */
    const char *names[] = {"j301_1", "j3013_1"};
    const int64_t opt[] = {43, 58};
    for (int i = 0; i < 2; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/bench/psplib/j30/%s.sm", DD_SHARED_DIR,
                 names[i]);
        tinst x;
        if (read_sm(path, &x) != 0) {
            print_message("skipping %s: not found\n", path);
            continue;
        }
        dd_sched_options o;
        dd_sched_options_default(&o);
        o.max_schedules = 5000;
        dd_sched_result res;
        dd_sched_result_init(&res);
        int64_t ms = solve_checked(&x, &o, &res);
        assert_true(ms >= opt[i]);
        assert_true(ms <= opt[i] + 1);
        dd_sched_result_fini(&res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_optimum),
        cmocka_unit_test(test_random_constant),
        cmocka_unit_test(test_random_varying_capacity),
        cmocka_unit_test(test_random_release_and_lags),
        cmocka_unit_test(test_random_lags_time_invariant),
        cmocka_unit_test(test_blackout_and_units),
        cmocka_unit_test(test_negative_lag_overlap),
        cmocka_unit_test(test_cycle_detected),
        cmocka_unit_test(test_demand_exceeds_capacity),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_deadlines_reported),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_psplib_j30),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
