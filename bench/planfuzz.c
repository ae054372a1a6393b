/* SPDX-License-Identifier: MIT */
/*
 * planfuzz: the planner's soak test. Generates N scenarios from seeds
 * K, K+1, … (tests/gen/scengen.c), plans each and lets the independent
 * verifier judge the plan; prints the counts by outcome, the plan times
 * (median, 90th percentile, worst), and each disagreement with its seed.
 *
 *   planfuzz [--n N] [--seed K] [--size tiny|small|medium|large|any]
 *            [--iterations I] [--keep DIR] [--quiet] [--timeout S]
 *
 * --keep DIR keeps the scenario of every disagreement in DIR/seed-K/
 * (with --keep-all, of every scenario).
 * Exit status 1 when a plan said met and the verifier rejected it, or a
 * plan failed or was malformed. A scenario that takes more than --timeout
 * seconds (default 300) ends the run with SIGALRM: a hang, its seed the
 * last one shown on a terminal's stderr (or the one after the last line of
 * a --keep run).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tests/gen/scengen.h"
#include "bench_util.h"


static bool is_bad(pf_outcome o)
{
    return o == PF_PLAN_FAILED || o == PF_MALFORMED || o == PF_MET_REJECTED ||
           o == PF_MISSED_REJECTED_OTHER || o == PF_MISSED_COMPLIES;
}

int main(int argc, char **argv)
{
    long n = 1000;
    uint64_t seed = 1, iterations = 8;
    const char *keep = NULL;
    bool quiet = false, keep_all = false;
    unsigned timeout_s = 300; /* per scenario; a hang is a failure */
    sg_options o = {SG_ANY, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--n") && v) {
            n = strtol(v, NULL, 10), i++;
        } else if (!strcmp(a, "--seed") && v) {
            seed = strtoull(v, NULL, 10), i++;
        } else if (!strcmp(a, "--iterations") && v) {
            iterations = strtoull(v, NULL, 10), i++;
        } else if (!strcmp(a, "--keep") && v) {
            keep = v, i++;
        } else if (!strcmp(a, "--timeout") && v) {
            timeout_s = (unsigned)strtoul(v, NULL, 10), i++;
        } else if (!strcmp(a, "--keep-all")) {
            keep_all = true;
        } else if (!strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--size") && v) {
            i++;
            if (!strcmp(v, "tiny"))
                o.size = SG_TINY;
            else if (!strcmp(v, "small"))
                o.size = SG_SMALL;
            else if (!strcmp(v, "medium"))
                o.size = SG_MEDIUM;
            else if (!strcmp(v, "large"))
                o.size = SG_LARGE;
            else if (!strcmp(v, "any"))
                o.size = SG_ANY;
            else {
                fprintf(stderr, "planfuzz: --size is tiny, small, medium, large or any\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: planfuzz [--n N] [--seed K] [--size S] [--iterations I] "
                            "[--keep DIR [--keep-all]] [--quiet] [--timeout S]\n");
            return 2;
        }
    }
    if (n < 1) {
        fprintf(stderr, "planfuzz: --n must be at least 1\n");
        return 2;
    }
    char tmpl[] = "/tmp/planfuzz-XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("planfuzz: mkdtemp");
        return 2;
    }
    long counts[PF_COUNT] = {0};
    double *times = calloc((size_t)n, sizeof *times);
    if (!times)
        return 2;
    uint64_t worst_seed = 0;
    double worst_s = -1;
    long n_timed = 0;
    bool progress = isatty(2);
    double t0 = now();
    for (long i = 0; i < n; i++) {
        uint64_t k = seed + (uint64_t)i;
        char dir[256];
        snprintf(dir, sizeof dir, "%s/s%llu", tmpl, (unsigned long long)k);
        mkdir(dir, 0700);
        if (sg_write(k, &o, dir) != 0) {
            fprintf(stderr, "planfuzz: cannot write %s\n", dir);
            return 2;
        }
        pf_result r;
        /* a hang kills the run (SIGALRM), naming the seed on stderr first */
        if (timeout_s > 0) {
            if (progress)
                fprintf(stderr, "\rseed %llu ", (unsigned long long)k);
            alarm(timeout_s);
        }
        pf_check(dir, iterations, &r);
        alarm(0);
        counts[r.outcome]++;
        if (r.outcome != PF_CHECK_REJECTED)
            times[n_timed++] = r.plan_seconds;
        if (r.outcome != PF_CHECK_REJECTED && r.plan_seconds > worst_s) {
            worst_s = r.plan_seconds;
            worst_seed = k;
        }
        if ((is_bad(r.outcome) || r.outcome == PF_CHECK_REJECTED) && !quiet)
            printf("seed %llu: %s: %s\n", (unsigned long long)k, pf_outcome_name(r.outcome),
                   r.detail);
        char cmd[1024];
        if (keep && (keep_all || is_bad(r.outcome) || r.outcome == PF_CHECK_REJECTED)) {
            snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -r '%s' '%s/seed-%llu'", keep, dir,
                     keep, (unsigned long long)k);
            if (system(cmd) != 0)
                fprintf(stderr, "planfuzz: cannot keep %s\n", dir);
        }
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "planfuzz: cannot remove %s\n", dir);
        fflush(stdout);
    }
    rmdir(tmpl);
    double wall = now() - t0;
    qsort(times, (size_t)n_timed, sizeof *times, cmp_d);
    printf("\nscenarios %ld (seeds %llu..%llu), %.1f s\n", n, (unsigned long long)seed,
           (unsigned long long)(seed + (uint64_t)n - 1), wall);
    for (int k = 0; k < PF_COUNT; k++)
        printf("  %-30s %ld\n", pf_outcome_name((pf_outcome)k), counts[k]);
    if (n_timed)
        printf("plan time: median %.4f s, p90 %.4f s, worst %.3f s (seed %llu)\n",
               times[n_timed / 2], times[n_timed * 9 / 10], times[n_timed - 1],
               (unsigned long long)worst_seed);
    long bad = 0;
    for (int k = 0; k < PF_COUNT; k++)
        if (is_bad((pf_outcome)k))
            bad += counts[k];
    free(times);
    return bad ? 1 : 0;
}
