/* SPDX-License-Identifier: MIT */
/*
 * Scale benchmark for the packing engine: N random 4-D items (weight,
 * pallet positions, seats, floor length), each size uniform in 1..40% of
 * the capacity, no conflicts. Prints bins, lower bound, the constructive
 * result, seconds and peak resident memory, and checks the packing.
 *
 *   packscale [N] [--time-limit S] [--seed K]     (N defaults to 1000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <drawdown/pack.h>

#include "base/rng.h"

int main(int argc, char **argv)
{
    size_t n = 1000000;
    dd_pack_options o;
    dd_pack_options_init(&o);
    o.time_limit_s = 3.0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--time-limit") == 0 && a + 1 < argc)
            o.time_limit_s = strtod(argv[++a], NULL);
        else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc)
            o.seed = strtoull(argv[++a], NULL, 10);
        else
            n = (size_t)strtoull(argv[a], NULL, 10);
    }
    const int64_t cap[4] = {100000, 18, 100, 2000};
    int64_t *size = malloc(n * 4 * sizeof *size);
    if (!size)
        return 2;
    dd_rng rng;
    dd_rng_seed(&rng, o.seed, 1);
    for (size_t i = 0; i < n; i++)
        for (size_t d = 0; d < 4; d++) {
            uint64_t hi = (uint64_t)cap[d] * 2 / 5;
            size[i * 4 + d] = 1 + (int64_t)dd_rng_below(&rng, hi ? hi : 1);
        }
    dd_pack_problem p = {n, 4, size, cap, NULL, NULL};
    dd_pack_result r;
    dd_pack_result_init(&r);
    dd_status st = dd_pack_solve(&p, &o, &r);
    if (st != DD_OK) {
        fprintf(stderr, "packscale: %s\n", dd_status_str(st));
        free(size);
        return 1;
    }
    /* independent check */
    int64_t *load = calloc(r.n_bins * 4 + 1, sizeof *load);
    int ok = load != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        ok = r.bin_of[i] < r.n_bins;
        for (size_t d = 0; ok && d < 4; d++)
            load[(size_t)r.bin_of[i] * 4 + d] += size[i * 4 + d];
    }
    for (size_t b = 0; ok && b < r.n_bins; b++)
        for (size_t d = 0; d < 4; d++)
            ok = ok && load[b * 4 + d] <= cap[d];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("items %zu dims 4 bins %zu initial %zu lower_bound %zu "
           "(l1 %zu %zu %zu %zu, l2 %zu %zu %zu %zu) gap %.3f%% moves %llu "
           "seconds %.3f peak_rss %.1f MiB check %s\n",
           n, r.n_bins, r.initial_bins, r.bounds.lower_bound, r.bounds.l1[0],
           r.bounds.l1[1], r.bounds.l1[2], r.bounds.l1[3], r.bounds.l2[0],
           r.bounds.l2[1], r.bounds.l2[2], r.bounds.l2[3],
           r.bounds.lower_bound
               ? 100.0 * (double)(r.n_bins - r.bounds.lower_bound) /
                     (double)r.bounds.lower_bound
               : 0.0,
           (unsigned long long)r.iterations, r.seconds,
           (double)ru.ru_maxrss / 1024.0, ok ? "ok" : "FAILED");
    free(load);
    dd_pack_result_fini(&r);
    free(size);
    return ok ? 0 : 1;
}
