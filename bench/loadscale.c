/* SPDX-License-Identifier: MIT */
/*
 * loadscale: time of the load planner alone (pallet build-up and aircraft
 * loads) on a scenario, median of several runs, with loads against the
 * lower bound and peak memory. Pair with `gen`:
 *
 *   build/bench/gen --seed 42 /tmp/theater
 *   build/bench/loadscale /tmp/theater/scenario.yaml [--runs N] [--iterations N]
 */
#include <drawdown/loads.h>
#include <drawdown/scenario.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
    const char *path = NULL;
    int runs = 3;
    dd_loads_options opt;
    dd_loads_options_init(&opt);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
            opt.max_iterations = strtoull(argv[++i], NULL, 10);
        else
            path = argv[i];
    }
    if (!path || runs < 1 || runs > 50) {
        fprintf(stderr, "usage: loadscale SCENARIO [--runs N] [--iterations N]\n");
        return 2;
    }
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_scenario *s;
    if (dd_scenario_load(path, &d, &s) != DD_OK) {
        fprintf(stderr, "loadscale: cannot load %s\n", path);
        return 1;
    }
    dd_diags_fini(&d);
    size_t pieces = 0;
    for (size_t k = 0; k < s->n_cargo; k++)
        pieces += (size_t)s->cargo[k].quantity;
    double t[50];
    size_t loads = 0, lb = 0, pallets = 0;
    for (int r = 0; r < runs; r++) {
        dd_loadplan *p;
        double t0 = now();
        if (dd_loads_build(s, &opt, &p) != DD_OK) {
            fprintf(stderr, "loadscale: build failed\n");
            return 1;
        }
        t[r] = now() - t0;
        loads = p->n_loads;
        pallets = p->n_pallets;
        lb = 0;
        for (size_t g = 0; g < p->n_groups; g++)
            lb += p->groups[g].lower_bound;
        dd_loads_free(p);
        printf("run %d: %.3f s\n", r + 1, t[r]);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_d);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%zu cargo rows, %zu pieces, %zu people rows -> %zu pallets, %zu loads, lower bound "
           "%zu (gap %.2f%%)\n",
           s->n_cargo, pieces, s->n_people, pallets, loads, lb,
           lb ? 100.0 * (double)(loads - lb) / (double)lb : 0.0);
    printf("median of %d: %.3f s (min %.3f, max %.3f); iterations per site and type %llu\n",
           runs, t[runs / 2], t[0], t[runs - 1], (unsigned long long)opt.max_iterations);
    printf("peak resident memory %.1f MiB (scenario included)\n", (double)ru.ru_maxrss / 1024.0);
    dd_scenario_free(s);
    return 0;
}
