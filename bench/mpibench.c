/* SPDX-License-Identifier: MIT */
/*
 * mpibench: `drawdown simulate --mpi` on 1 and on 2 ranks (one thread
 * each), alternating, K runs each: the simulation's own time (the
 * result's "seconds", rank 0: from the start of the replications to the
 * last record gathered, planning and MPI start-up excluded) and the wall
 * time of the whole mpirun; medians, the scaling, and a check that every
 * run gave the same result (the run fields aside). Target (issue 19):
 * 2 ranks >= 1.8x of 1.
 *
 *   build/bench/mpibench build/drawdown tests/data/sim/niger.yaml
 *                        [--replications N] [--runs K] [--threads T]
 *                        [--replan incremental|full|afresh] [--bind core|none]
 *
 * --bind: mpirun's --bind-to (default none). Open MPI binds each of two
 * ranks to a core by default, and a rank's worker then shares its core
 * with the rank's own main thread (the farm's messages) while mpirun's
 * daemons take turns on both: on the theater, 200 replications, 185.7 s
 * of simulation on 2 ranks bound to cores against 162.5 s unbound
 * (docs/scale.md).
 *
 * Runs as root set Open MPI's allow-run-as-root variables for mpirun only.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench_util.h"

/* CPU seconds of the waited-for children so far (mpirun and its ranks). */
static double child_cpu(void)
{
    struct rusage u;
    getrusage(RUSAGE_CHILDREN, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec * 1e-6;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    if (buf)
        buf[fread(buf, 1, (1 << 20) - 1, f)] = 0;
    fclose(f);
    return buf;
}

/* The result's "seconds", and the text before "threads" (the results). */
static double seconds_of(char *json)
{
    char *s = strstr(json, "\"seconds\": ");
    double v = s ? atof(s + 11) : -1;
    char *t = strstr(json, "  \"threads\"");
    if (t)
        *t = 0;
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mpibench DRAWDOWN SCENARIO [--replications N] [--runs K] "
                        "[--threads T] [--replan full|incremental]\n");
        return 2;
    }
    const char *exe = argv[1], *scen = argv[2];
    long reps = 10000, runs = 3, threads = 1;
    const char *replan = NULL; /* simulate's default */
    const char *bind = "none";
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--replications"))
            reps = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--runs"))
            runs = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads"))
            threads = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--replan"))
            replan = argv[i + 1];
        else if (!strcmp(argv[i], "--bind"))
            bind = argv[i + 1];
    }
    if (reps < 1 || runs < 1 || runs > 99 || threads < 1 ||
        (replan && strcmp(replan, "full") && strcmp(replan, "incremental") &&
         strcmp(replan, "afresh")) ||
        (strcmp(bind, "none") && strcmp(bind, "core"))) {
        fprintf(stderr, "mpibench: bad option\n");
        return 2;
    }
    char dir[] = "/tmp/dd-mpibench-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    double sim[2][99], wall[2][99], cpu[2][99];
    char *ref = NULL;
    bool same = true;
    for (long r = 0; r < runs; r++)
        for (int np = 1; np <= 2; np++) {
            char out[256], cmd[2048];
            snprintf(out, sizeof out, "%s/np%d.json", dir, np);
            snprintf(cmd, sizeof cmd,
                     "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun "
                     "--oversubscribe --bind-to %s -np %d %s simulate %s --mpi --threads %ld "
                     "--replications %ld --no-sensitivity%s%s -o %s >/dev/null",
                     bind, np, exe, scen, threads, reps, replan ? " --replan " : "",
                     replan ? replan : "", out);
            double t0 = now(), c0 = child_cpu();
            if (system(cmd) != 0) {
                fprintf(stderr, "mpibench: failed: %s\n", cmd);
                return 1;
            }
            wall[np - 1][r] = now() - t0;
            cpu[np - 1][r] = child_cpu() - c0;
            char *j = slurp(out);
            if (!j)
                return 1;
            sim[np - 1][r] = seconds_of(j);
            if (!ref)
                ref = j;
            else {
                same = same && !strcmp(ref, j);
                free(j);
            }
            unlink(out);
        }
    rmdir(dir);
    double s1 = median(sim[0], (int)runs), s2 = median(sim[1], (int)runs);
    double w1 = median(wall[0], (int)runs), w2 = median(wall[1], (int)runs);
    double c1 = median(cpu[0], (int)runs), c2 = median(cpu[1], (int)runs);
    printf("simulate --mpi: %ld replications, %ld thread(s) per rank, %ld runs each, re-plan "
           "%s, --bind-to %s\n",
           reps, threads, runs, replan ? replan : "default", bind);
    printf("  1 rank : simulation %.2f s, mpirun wall %.2f s\n", s1, w1);
    printf("  2 ranks: simulation %.2f s, mpirun wall %.2f s\n", s2, w2);
    printf("  scaling: simulation %.2fx, wall %.2fx\n", s1 / s2, w1 / w2);
    printf("  CPU (mpirun and ranks): %.2f s on 1 rank, %.2f s on 2: work added by the\n"
           "  second rank and its messages %.1f%% (parallel efficiency %.2f when the\n"
           "  cores are free)\n",
           c1, c2, 100 * (c2 - c1) / c1, c1 / c2);
    printf("  same result in every run: %s\n", same ? "yes" : "NO");
    free(ref);
    return same ? 0 : 1;
}
