/* SPDX-License-Identifier: MIT */
/*
 * The mid-size generated scenario of the incremental re-plan's tests
 * (test_sim, test_plan_replan): bench/gen's 3 sites and about 240
 * sorties, written into a new temporary folder. Needs DD_BENCH_GEN (the
 * tests' CMakeLists defines it for those that use it) and cmocka.
 */
#ifndef DD_TEST_GEN_MID_H
#define DD_TEST_GEN_MID_H

#include <stdio.h>
#include <stdlib.h>

/* The scenario bench/gen makes with `args` into dir (a mkdtemp template,
 * filled in); its scenario.yaml's path into path[0..n). The caller
 * removes dir (dd_test_gen_mid_remove). dd_test_gen_mid: the mid-size
 * one. */
static inline void dd_test_gen_with(const char *args, char *dir, char *path, size_t n)
{
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s %s >/dev/null", DD_BENCH_GEN, args, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, n, "%s/scenario.yaml", dir);
}

static inline void dd_test_gen_mid(char *dir, char *path, size_t n)
{
    dd_test_gen_with("--seed 1 --cargo 4000 --people 400 --tasks 40 --sites 3", dir, path, n);
}

static inline void dd_test_gen_mid_remove(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

#endif
