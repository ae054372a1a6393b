/* SPDX-License-Identifier: MIT */
/*
 * Tests for `drawdown sweep` and the named parameters behind it
 * (include/drawdown/override.h, include/drawdown/sweep.h): the values an
 * axis expands to, every error message with its column, a variant that
 * changes only what it names, the same table for 1 and 2 threads (plan
 * only and simulated), and the command: CSV for 1 and 2 threads and, with
 * Open MPI, 2 ranks; the frontier chart; a located error. Everything is
 * written inside a mkdtemp folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/cluster.h>
#include <drawdown/override.h>
#include <drawdown/scenario.h>
#include <drawdown/sweep.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define DATA DD_TEST_DATA
#define NIGER DATA "/sim/niger.yaml"

static char tmpdir[256];
static dd_scenario *niger;

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dd-test-sweep-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_scenario_load(NIGER, &d, &niger);
    dd_diags_fini(&d);
    return st == DD_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dd_scenario_free(niger);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void axis_ok(const char *arg, size_t n, int64_t first, int64_t last)
{
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_sweep_axis a;
    assert_int_equal(dd_sweep_axis_parse(niger, arg, "--vary", 1, &d, &a), DD_OK);
    assert_int_equal(d.n_items, 0);
    assert_int_equal(a.n_values, n);
    assert_int_equal(a.values[0], first);
    assert_int_equal(a.values[n - 1], last);
    dd_sweep_axis_fini(&a);
    dd_diags_fini(&d);
}

static void test_axes(void **state)
{
    (void)state;
    axis_ok("clearance.daily_cap=1..4", 4, 1, 4);
    axis_ok("aircraft.C17A.tails=4..10:3", 3, 4, 10);
    axis_ok("clearance.lead_time=2d..4d:12h", 5, 2 * 1440, 4 * 1440);
    axis_ok("sites.AB201.daily_cap=3", 1, 3, 3);
    /* a date alone is the end of its day, as the scenario's deadline */
    dd_time t0, t1;
    assert_null(dd_scenario_parse_time(niger, "2024-08-16T00:00", &t0));
    assert_null(dd_scenario_parse_time(niger, "2024-09-13T00:00", &t1));
    axis_ok("deadline=2024-08-15..2024-09-15:7d", 5, t0, t1);
    assert_null(dd_scenario_parse_time(niger, "2024-06-25T12:00", &t0));
    assert_null(dd_scenario_parse_time(niger, "2024-06-26T12:00", &t1));
    axis_ok("sites.AB101.close_by=2024-06-25T12:00..2024-06-26T12:00:12h", 3, t0, t1);
    /* a site's date in the site's zone, as the scenario reads its own
     * close_by (AB101: 2024-07-07) */
    assert_string_equal(niger->sites[0].id, "AB101");
    axis_ok("sites.AB101.close_by=2024-07-07", 1, niger->sites[0].close_by,
            niger->sites[0].close_by);
}

static void axis_bad(const char *arg, uint32_t col, const char *msg)
{
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_sweep_axis a;
    assert_int_equal(dd_sweep_axis_parse(niger, arg, "--vary", 2, &d, &a), DD_EINPUT);
    assert_int_equal(d.n_items, 1);
    assert_string_equal(d.items[0].file, "--vary");
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, col);
    assert_string_equal(d.items[0].message, msg);
    assert_string_equal(d.items[0].source_line, arg);
    dd_diags_fini(&d);
}

static void test_axis_errors(void **state)
{
    (void)state;
    axis_bad("clearance.daily_cap", 20, "expected NAME=A..B[:STEP] (e.g. clearance.daily_cap=1..4)");
    axis_bad("clearance.daily_cpa=1..4", 1,
             "unknown parameter 'clearance.daily_cpa' (did you mean 'clearance.daily_cap'?)");
    axis_bad("sites.AB102.daily_cap=1..2", 7, "unknown site 'AB102' (sites: AB101, AB201)");
    axis_bad("aircraft.C17A.wings=1..2", 15,
             "unknown field 'wings' of an aircraft type (fields: tails, ground_time)");
    axis_bad("sites.daily_cap=1..2", 7, "expected sites.ID.FIELD, got 'sites.daily_cap'");
    axis_bad("clearance.daily_cap=4..1", 24,
             "the range ends before it starts (write A..B with A <= B)");
    axis_bad("clearance.daily_cap=1..x", 24, "expected a whole number of at least 1, got 'x'");
    axis_bad("clearance.daily_cap=0..2", 21, "expected a whole number of at least 1, got '0'");
    axis_bad("clearance.daily_cap=1..4:0", 26, "expected a step of at least 1, got '0'");
    axis_bad("deadline=2024-08-15..2024-09-15:0d", 33,
             "expected a positive duration step (e.g. 7d, 12h), got '0d'");
    axis_bad("deadline=2024-13-15..2024-09-15", 10,
             "expected a date or time (ISO 8601, e.g. 2024-09-15), got '2024-13-15'");
    axis_bad("clearance.lead_time=2x..3d", 21,
             "expected a positive duration in min, h, d, w (e.g. 3h15m), got '2x'");
    /* found by fuzz/fuzz_vary: a duration past int64 minutes, and a number
     * of 63 digits and a point (it overran the number reader's buffer) */
    axis_bad("clearance.lead_time=2d..9999999999999999999d", 25,
             "expected a positive duration in min, h, d, w (e.g. 3h15m), got "
             "'9999999999999999999d'");
    char arg[160], msg[200];
    snprintf(arg, sizeof arg, "clearance.lead_time=2d..%s1.",
             "99999999999999999999999999999999999999999999999999999999999999");
    snprintf(msg, sizeof msg, "expected a positive duration in min, h, d, w (e.g. 3h15m), got '%s'",
             arg + 24);
    axis_bad(arg, 25, msg);
    axis_bad("clearance.daily_cap=1..5000", 21,
             "5000 values: at most 1000 per parameter (use a larger step)");
}

static void test_variant(void **state)
{
    (void)state;
    dd_param p[3];
    char why[256];
    size_t at;
    assert_int_equal(dd_param_resolve(niger, "aircraft.C17A.tails", 19, &p[0], why, sizeof why,
                                      &at),
                     DD_OK);
    assert_int_equal(dd_param_resolve(niger, "clearance.daily_cap", 19, &p[1], why, sizeof why,
                                      &at),
                     DD_OK);
    assert_int_equal(dd_param_resolve(niger, "sites.AB201.exit_per_day", 24, &p[2], why,
                                      sizeof why, &at),
                     DD_OK);
    int64_t base_tails = dd_param_get(niger, &p[0]), base_cap = dd_param_get(niger, &p[1]);
    int64_t v[3] = {base_tails + 5, base_cap + 1, 77};
    dd_scenario *x = NULL;
    assert_int_equal(dd_scenario_variant(niger, p, v, 3, &x), DD_OK);
    assert_int_equal(dd_param_get(x, &p[0]), base_tails + 5);
    assert_int_equal(dd_param_get(x, &p[1]), base_cap + 1);
    assert_int_equal(dd_param_get(x, &p[2]), 77);
    /* the base is as it was; what was not named is shared */
    assert_int_equal(dd_param_get(niger, &p[0]), base_tails);
    assert_int_equal(dd_param_get(niger, &p[1]), base_cap);
    assert_ptr_equal(x->cargo, niger->cargo);
    assert_ptr_not_equal(x->sites, niger->sites);
    assert_int_equal(x->sites[0].daily_cap, niger->sites[0].daily_cap);
    dd_scenario_variant_free(x);
    char buf[64];
    dd_param_format(niger, &p[0], 7, buf, sizeof buf);
    assert_string_equal(buf, "7");
}

static char *table(const dd_sweep_axis *axes, size_t n, int threads, uint64_t reps, bool csv)
{
    dd_sweep_options o;
    dd_sweep_options_init(&o);
    o.threads = threads;
    o.replications = reps;
    dd_sweep_result *r = NULL;
    assert_int_equal(dd_sweep_run(niger, axes, n, &o, &r), DD_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(csv ? dd_sweep_write_csv(r, f) : dd_sweep_write_json(r, "x", f), DD_OK);
    fclose(f);
    dd_sweep_result_free(r);
    if (!csv) { /* the run's own fields aside */
        char *t = strstr(buf, "  \"threads\"");
        assert_non_null(t);
        *t = 0;
    }
    return buf;
}

/* A 2 × 3 grid: the same table on 1 and 2 threads, planned and simulated. */
static void test_same_table(void **state)
{
    (void)state;
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_sweep_axis ax[2];
    assert_int_equal(dd_sweep_axis_parse(niger, "clearance.daily_cap=1..2", "--vary", 1, &d,
                                         &ax[0]),
                     DD_OK);
    assert_int_equal(dd_sweep_axis_parse(niger, "sites.AB101.close_by=2024-06-25..2024-07-05:5d",
                                         "--vary", 2, &d, &ax[1]),
                     DD_OK);
    dd_diags_fini(&d);
    char *a = table(ax, 2, 1, 0, true), *b = table(ax, 2, 2, 0, true);
    assert_string_equal(a, b);
    /* the header and 6 rows; cap 1 misses AB101's closing dates, cap 2 meets the later */
    assert_non_null(strstr(a, "clearance.daily_cap,sites.AB101.close_by,status,met,"));
    size_t lines = 0;
    for (const char *p = a; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 7);
    assert_non_null(strstr(a, ",ok,no,"));
    assert_non_null(strstr(a, ",ok,yes,"));
    char *c = table(ax, 2, 1, 40, false), *e = table(ax, 2, 3, 40, false);
    assert_string_equal(c, e);
    assert_non_null(strstr(c, "\"p_all_terms\": {\"p\": "));
    free(a);
    free(b);
    free(c);
    free(e);
    dd_sweep_axis_fini(&ax[0]);
    dd_sweep_axis_fini(&ax[1]);
}

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

#define GRID "--vary clearance.daily_cap=1..2 --vary sites.AB101.close_by=2024-06-25..2024-07-05:5d"

static void test_cli(void **state)
{
    (void)state;
    char cmd[2048], p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/t1.csv", tmpdir);
    snprintf(p2, sizeof p2, "%s/t2.csv", tmpdir);
    snprintf(cmd, sizeof cmd,
             "%s sweep %s " GRID " --threads 1 -o %s --chart %s/frontier.png >/dev/null", DD_CLI,
             NIGER, p1, tmpdir);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s sweep %s " GRID " --threads 2 --csv > %s", DD_CLI, NIGER, p2);
    assert_int_equal(run(cmd), 0);
    char *a = slurp(p1), *b = slurp(p2);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a, b);
    snprintf(cmd, sizeof cmd, "%s/frontier.png", tmpdir);
    char *png = slurp(cmd);
    assert_non_null(png);
    assert_memory_equal(png, "\x89PNG", 4);
    free(png);
    if (dd_cluster_built() && run("command -v mpirun >/dev/null 2>&1") == 0) {
        char p3[512];
        snprintf(p3, sizeof p3, "%s/t3.csv", tmpdir);
        snprintf(cmd, sizeof cmd,
                 "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                 "ASAN_OPTIONS=detect_leaks=0 TSAN_OPTIONS=detect_deadlocks=0 "
                 "timeout 300 mpirun --oversubscribe -np 2 %s sweep %s " GRID
                 " --threads 1 --mpi -o %s >/dev/null",
                 DD_CLI, NIGER, p3);
        assert_int_equal(run(cmd), 0);
        char *c = slurp(p3);
        assert_non_null(c);
        assert_string_equal(a, c);
        free(c);
    } else {
        print_message("MPI part skipped: this build has no Open MPI\n");
    }
    free(a);
    free(b);
    /* a located error, with the argument and a caret */
    snprintf(cmd, sizeof cmd,
             "%s sweep %s --vary clearance.daily_cap=1..2 --vary sites.AB102.daily_cap=1..2 "
             "2>%s/err.txt",
             DD_CLI, NIGER, tmpdir);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "%s/err.txt", tmpdir);
    char *e = slurp(cmd);
    assert_string_equal(e, "--vary:2:7: error: unknown site 'AB102' (sites: AB101, AB201)\n"
                           "     2 | sites.AB102.daily_cap=1..2\n"
                           "       |       ^\n"
                           "1 error\n");
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axes),
        cmocka_unit_test(test_axis_errors),
        cmocka_unit_test(test_variant),
        cmocka_unit_test(test_same_table),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
