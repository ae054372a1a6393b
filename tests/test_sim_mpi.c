/* SPDX-License-Identifier: MIT */
/*
 * Tests for the work farm (src/sim/farm.c) behind `drawdown simulate`:
 * the same records for any number of threads and chunk size; a checkpoint
 * folder read back after a run lost some of its chunks (and a torn file)
 * gives the same result as a run without one; a checkpoint of another run
 * is not read; the command killed mid-run and run again resumes to the
 * same result; and, when the build has Open MPI, `mpirun -np 2` and
 * `-np 3` give the result file of `--threads 1` byte for byte (the timing
 * fields aside). Everything is written inside a mkdtemp folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <drawdown/cluster.h>
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <drawdown/sim.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/farm.h"

#define DATA DD_TEST_DATA

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dd-test-sim-mpi-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = 0;
    return buf;
}

/* The result without the fields that say how it ran. */
static void strip_run_fields(char *s)
{
    static const char *const keys[] = {"\"threads\":", "\"ranks\":", "\"seconds\":"};
    char *w = s;
    for (char *line = s; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        bool skip = false;
        for (size_t k = 0; k < 3; k++) {
            char *hit = strstr(line, keys[k]);
            if (hit && hit < line + len)
                skip = true;
        }
        if (!skip) {
            memmove(w, line, len);
            w += len;
        }
        line += len;
    }
    *w = 0;
}

static dd_scenario *load(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DATA, rel);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    assert_int_equal(dd_scenario_load(path, &d, &s), DD_OK);
    dd_diags_fini(&d);
    return s;
}

static dd_plan *plan_of(const dd_scenario *s)
{
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.relax = false;
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    return p;
}

/* ---- the farm alone ------------------------------------------------------- */

static dd_status fake_run(void *user, void *scratch, uint64_t item, unsigned char *rec)
{
    (void)user, (void)scratch;
    uint64_t v[2] = {item * 2654435761u, dd__farm_hash(DD__FARM_HASH0, &item, 8)};
    memcpy(rec, v, sizeof v);
    return DD_OK;
}

static void test_farm_same_records(void **state)
{
    (void)state;
    const uint64_t n = 1000;
    unsigned char *want = malloc(n * 16), *got = malloc(n * 16);
    for (uint64_t i = 0; i < n; i++)
        fake_run(NULL, NULL, i, want + i * 16);
    const int threads[] = {1, 2, 3};
    const uint64_t chunks[] = {0, 1, 7, 2000};
    for (size_t t = 0; t < 3; t++)
        for (size_t c = 0; c < 4; c++) {
            memset(got, 0xAB, n * 16);
            dd__farm f = {.n = n, .rec_size = 16, .threads = threads[t], .chunk = chunks[c],
                          .run = fake_run};
            assert_int_equal(dd__farm_run(&f, got), DD_OK);
            assert_int_equal(f.resumed, 0);
            assert_memory_equal(got, want, n * 16);
        }
    free(want);
    free(got);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strstr(e->d_name, ".ck") != NULL;
    closedir(d);
    return n;
}

/* Remove every other checkpoint file and cut one short. */
static int thin_out(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int k = 0, removed = 0;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".ck"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (k % 2 == 0) {
            assert_int_equal(unlink(path), 0);
            removed++;
        } else if (k == 1) {
            assert_int_equal(truncate(path, 40), 0); /* torn: read as absent */
            removed++;
        }
        k++;
    }
    closedir(d);
    return removed;
}

static char *sim_json(const dd_plan *p, uint64_t seed, const char *ckpt, uint64_t *resumed,
                      int threads)
{
    dd_sim_options o;
    dd_sim_options_init(&o);
    o.replications = 300;
    o.sensitivity_replications = 60;
    o.threads = threads;
    o.seed = seed;
    o.checkpoint_dir = ckpt;
    dd_sim_result *r = NULL;
    assert_int_equal(dd_sim_run(p, &o, &r), DD_OK);
    if (resumed)
        *resumed = r->resumed;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(dd_sim_write_json(r, "niger.yaml", f), DD_OK);
    fclose(f);
    dd_sim_result_free(r);
    strip_run_fields(buf);
    return buf;
}

static void test_checkpoint_resume(void **state)
{
    (void)state;
    dd_scenario *s = load("sim/niger.yaml");
    dd_plan *p = plan_of(s);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/ckpt", tmpdir);
    uint64_t resumed = 99;
    char *plain = sim_json(p, 5, NULL, NULL, 2);
    char *first = sim_json(p, 5, dir, &resumed, 2);
    assert_int_equal(resumed, 0);
    assert_string_equal(first, plain);
    int files = count_files(dir);
    assert_true(files > 10);
    /* everything read back: nothing computed again */
    char *again = sim_json(p, 5, dir, &resumed, 1);
    assert_int_equal(resumed, 300 + 10 * 60);
    assert_string_equal(again, plain);
    /* a run that lost chunks computes them again, to the same result */
    assert_true(thin_out(dir) > 0);
    char *part = sim_json(p, 5, dir, &resumed, 3);
    assert_true(resumed > 0 && resumed < 300 + 10 * 60);
    assert_string_equal(part, plain);
    /* another seed is another run: its checkpoint is its own */
    char *other = sim_json(p, 6, dir, &resumed, 2);
    assert_int_equal(resumed, 0);
    assert_string_not_equal(other, plain);
    free(plain);
    free(first);
    free(again);
    free(part);
    free(other);
    dd_plan_free(p);
    dd_scenario_free(s);
}

static void test_checkpoint_not_a_folder(void **state)
{
    (void)state;
    dd_scenario *s = load("sim/niger.yaml");
    dd_plan *p = plan_of(s);
    char path[512];
    snprintf(path, sizeof path, "%s/a-file", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    dd_sim_options o;
    dd_sim_options_init(&o);
    o.replications = 10;
    o.sensitivity = false;
    o.checkpoint_dir = path;
    dd_sim_result *r = NULL;
    assert_int_equal(dd_sim_run(p, &o, &r), DD_EIO);
    assert_null(r);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* ---- the command ------------------------------------------------------------ */

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *result_of(const char *path)
{
    char *s = slurp(path);
    assert_non_null(s);
    strip_run_fields(s);
    return s;
}

#define SIM_ARGS "--replications 2000 --no-sensitivity --seed 3"

/* Killed mid-run (SIGKILL, as a scheduler does at the time limit), then
 * run again with the same folder: the same result as a run never killed. */
static void test_cli_kill_resume(void **state)
{
    (void)state;
    char cmd[2048], out[512], ref[512], dir[512];
    snprintf(dir, sizeof dir, "%s/kill", tmpdir);
    snprintf(ref, sizeof ref, "%s/ref.json", tmpdir);
    snprintf(out, sizeof out, "%s/resumed.json", tmpdir);
    snprintf(cmd, sizeof cmd, "%s simulate %s/sim/niger.yaml " SIM_ARGS " --threads 1 -o %s >/dev/null",
             DD_CLI, DATA, ref);
    assert_int_equal(run(cmd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char rel[512];
        snprintf(rel, sizeof rel, "%s/sim/niger.yaml", DATA);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execl(DD_CLI, DD_CLI, "simulate", rel, "--replications", "2000", "--no-sensitivity",
              "--seed", "3", "--threads", "1", "--checkpoint", dir, "-o", out, (char *)NULL);
        _exit(127);
    }
    /* wait for some chunks, then kill */
    for (int i = 0; i < 2000 && count_files(dir) < 3; i++) {
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    int kept = count_files(dir);
    assert_true(kept >= 1);
    snprintf(cmd, sizeof cmd,
             "%s simulate %s/sim/niger.yaml " SIM_ARGS " --threads 2 --checkpoint %s -o %s "
             ">/dev/null 2>%s/resume.err",
             DD_CLI, DATA, dir, out, tmpdir);
    assert_int_equal(run(cmd), 0);
    char *a = result_of(ref), *b = result_of(out);
    assert_string_equal(a, b);
    snprintf(cmd, sizeof cmd, "%s/resume.err", tmpdir);
    char *err = slurp(cmd);
    assert_non_null(err);
    assert_non_null(strstr(err, "replications resumed from"));
    free(err);
    free(a);
    free(b);
}

static void test_cli_checkpoint_errors(void **state)
{
    (void)state;
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s simulate %s/sim/niger.yaml --checkpoint 2>%s/e1.txt", DD_CLI,
             DATA, tmpdir);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "%s/e1.txt", tmpdir);
    char *e = slurp(cmd);
    assert_string_equal(e, "drawdown simulate: --checkpoint needs a value\n");
    free(e);
    snprintf(cmd, sizeof cmd, "touch %s/plainfile && %s simulate %s/sim/niger.yaml --replications 10 "
             "--checkpoint %s/plainfile >/dev/null 2>%s/e2.txt",
             tmpdir, DD_CLI, DATA, tmpdir, tmpdir);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "%s/e2.txt", tmpdir);
    e = slurp(cmd);
    char want[1024];
    snprintf(want, sizeof want,
             "drawdown simulate: checkpoint folder %s/plainfile cannot be made, read or written\n",
             tmpdir);
    assert_string_equal(e, want);
    free(e);
}

/* ---- Open MPI ---------------------------------------------------------------- */

/* Open MPI refuses root unless told; CI runs as root. Only this test's
 * commands get the settings. LeakSanitizer is off for the ranks: Open
 * MPI keeps memory to the end on purpose; ThreadSanitizer's lock-order
 * reports too (Open MPI's own locks). A job that hangs is ended after
 * five minutes rather than holding CI. */
#define MPIRUN                                                                                 \
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 " \
    "ASAN_OPTIONS=detect_leaks=0 TSAN_OPTIONS=detect_deadlocks=0 timeout 300 mpirun --oversubscribe "

static bool have_mpirun(void)
{
    return run("command -v mpirun >/dev/null 2>&1") == 0;
}

static void test_mpi_identical(void **state)
{
    (void)state;
    if (!dd_cluster_built() || !have_mpirun()) {
        print_message("skipped: this build has no Open MPI (install libopenmpi-dev and "
                      "openmpi-bin, then build again)\n");
        skip();
    }
    char cmd[2048], ref[512], out[512];
    snprintf(ref, sizeof ref, "%s/one.json", tmpdir);
    snprintf(cmd, sizeof cmd,
             "%s simulate %s/sim/niger.yaml --replications 300 --seed 9 --threads 1 -o %s "
             ">/dev/null",
             DD_CLI, DATA, ref);
    assert_int_equal(run(cmd), 0);
    char *a = result_of(ref);
    for (int np = 2; np <= 3; np++) {
        snprintf(out, sizeof out, "%s/np%d.json", tmpdir, np);
        snprintf(cmd, sizeof cmd,
                 MPIRUN "-np %d %s simulate %s/sim/niger.yaml --replications 300 --seed 9 "
                        "--threads 1 --mpi -o %s >%s/np%d.txt 2>&1",
                 np, DD_CLI, DATA, out, tmpdir, np);
        int rc = run(cmd);
        if (rc != 0) {
            snprintf(cmd, sizeof cmd, "cat %s/np%d.txt", tmpdir, np);
            (void)run(cmd);
        }
        assert_int_equal(rc, 0);
        char *b = slurp(out);
        assert_non_null(b);
        char ranks[32];
        snprintf(ranks, sizeof ranks, "\"ranks\": %d", np);
        assert_non_null(strstr(b, ranks));
        strip_run_fields(b);
        assert_string_equal(a, b);
        free(b);
    }
    /* rank 0 checkpoints the other ranks' chunks too: a run of one
     * process on the folder of a 2-rank run computes nothing again */
    snprintf(out, sizeof out, "%s/ck2.json", tmpdir);
    snprintf(cmd, sizeof cmd,
             MPIRUN "-np 2 %s simulate %s/sim/niger.yaml --replications 300 --seed 9 "
                    "--threads 1 --mpi --checkpoint %s/mpickpt -o %s >/dev/null 2>&1",
             DD_CLI, DATA, tmpdir, out);
    assert_int_equal(run(cmd), 0);
    snprintf(out, sizeof out, "%s/ck1.json", tmpdir);
    snprintf(cmd, sizeof cmd,
             "%s simulate %s/sim/niger.yaml --replications 300 --seed 9 --threads 2 "
             "--checkpoint %s/mpickpt -o %s >/dev/null 2>%s/ck1.err",
             DD_CLI, DATA, tmpdir, out, tmpdir);
    assert_int_equal(run(cmd), 0);
    char *b = result_of(out);
    assert_string_equal(a, b);
    free(b);
    snprintf(cmd, sizeof cmd, "%s/ck1.err", tmpdir);
    char *err = slurp(cmd);
    char want[512];
    snprintf(want, sizeof want, "drawdown simulate: %d replications resumed from %s/mpickpt\n",
             300 + 10 * 100, tmpdir);
    assert_string_equal(err, want);
    free(err);
    free(a);
}

static void test_mpi_absent(void **state)
{
    (void)state;
    if (dd_cluster_built())
        skip();
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s simulate %s/sim/niger.yaml --mpi 2>%s/nompi.txt", DD_CLI,
             DATA, tmpdir);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "%s/nompi.txt", tmpdir);
    char *e = slurp(cmd);
    assert_string_equal(e, "drawdown simulate: --mpi: this build has no MPI (install "
                           "libopenmpi-dev and build again)\n");
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_farm_same_records),
        cmocka_unit_test(test_checkpoint_resume),
        cmocka_unit_test(test_checkpoint_not_a_folder),
        cmocka_unit_test(test_cli_kill_resume),
        cmocka_unit_test(test_cli_checkpoint_errors),
        cmocka_unit_test(test_mpi_identical),
        cmocka_unit_test(test_mpi_absent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
