/* SPDX-License-Identifier: MIT */
/*
 * The planner's property test: a few hundred generated scenarios
 * (tests/gen/scengen.c: every feature of the format, one item to a few
 * hundred people, deadlines from generous to impossible), each planned and
 * judged by the independent verifier from the plan file's text. No plan
 * the planner calls met may break a rule; no plan file may fail to read
 * back; no plan the planner calls missed may be found to comply. The soak
 * version with thousands of scenarios is bench/planfuzz.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen/scengen.h"

static void run_seeds(uint64_t first, int n, sg_size size, uint64_t iterations)
{
    char tmpl[] = "/tmp/dd-planfuzz-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    long counts[PF_COUNT] = {0};
    for (int i = 0; i < n; i++) {
        uint64_t seed = first + (uint64_t)i;
        char dir[256];
        snprintf(dir, sizeof dir, "%s/s%llu", tmpl, (unsigned long long)seed);
        assert_int_equal(mkdir(dir, 0700), 0);
        sg_options o = {size, 0};
        assert_int_equal(sg_write(seed, &o, dir), 0);
        pf_result r;
        pf_check(dir, iterations, &r);
        counts[r.outcome]++;
        if (r.outcome == PF_CHECK_REJECTED || r.outcome == PF_PLAN_FAILED ||
            r.outcome == PF_MALFORMED || r.outcome == PF_MET_REJECTED ||
            r.outcome == PF_MISSED_COMPLIES)
            print_message("seed %llu: %s: %s\n", (unsigned long long)seed,
                          pf_outcome_name(r.outcome), r.detail);
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
    }
    rmdir(tmpl);
    print_message("%d scenarios: %ld agreed, %ld missed, %ld missed with other terms broken\n",
                  n, counts[PF_AGREED], counts[PF_MISSED], counts[PF_MISSED_REJECTED_OTHER]);
    assert_int_equal(counts[PF_CHECK_REJECTED], 0);
    assert_int_equal(counts[PF_PLAN_FAILED], 0);
    assert_int_equal(counts[PF_MALFORMED], 0);
    assert_int_equal(counts[PF_MET_REJECTED], 0);
    assert_int_equal(counts[PF_MISSED_COMPLIES], 0);
    /* the generator must give the verifier plans to accept, not only misses */
    assert_true(counts[PF_AGREED] > n / 10);
}

static void test_tiny(void **state)
{
    (void)state;
    run_seeds(100000, 300, SG_TINY, 8);
}

static void test_small(void **state)
{
    (void)state;
    run_seeds(200000, 150, SG_SMALL, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny),
        cmocka_unit_test(test_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
