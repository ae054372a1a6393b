/* SPDX-License-Identifier: MIT */
/*
 * scale: how long loading and validating a scenario takes, and the peak
 * memory, over several runs (median reported). Pair it with `gen`:
 *
 *   build/bench/gen --seed 42 /tmp/theater && build/bench/scale /tmp/theater/scenario.yaml
 */
#include <drawdown/check.h>
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
    int runs = 5;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || runs < 1 || runs > 100) {
        fprintf(stderr, "usage: scale SCENARIO [--runs N]\n");
        return 2;
    }
    double load_t[100], check_t[100];
    size_t n_cargo = 0, n_people = 0, n_tasks = 0;
    for (int r = 0; r < runs; r++) {
        dd_diags d;
        dd_diags_init(&d, 20);
        dd_scenario *s;
        double t0 = now();
        dd_status st = dd_scenario_load(path, &d, &s);
        double t1 = now();
        if (st != DD_OK) {
            for (size_t i = 0; i < d.n_items; i++)
                fprintf(stderr, "%s:%u:%u: %s\n", d.items[i].file, d.items[i].line,
                        d.items[i].col, d.items[i].message);
            fprintf(stderr, "scale: load failed: %s\n", dd_status_str(st));
            dd_diags_fini(&d);
            return 1;
        }
        dd_check *c;
        if (dd_check_summarize(s, &c) != DD_OK)
            return 1;
        double t2 = now();
        n_cargo = s->n_cargo;
        n_people = s->n_people;
        n_tasks = s->n_tasks;
        dd_check_free(c);
        dd_scenario_free(s);
        dd_diags_fini(&d);
        load_t[r] = t1 - t0;
        check_t[r] = t2 - t1;
        printf("run %d: load+validate %.3f s, summary %.3f s\n", r + 1, load_t[r], check_t[r]);
    }
    qsort(load_t, (size_t)runs, sizeof *load_t, cmp_d);
    qsort(check_t, (size_t)runs, sizeof *check_t, cmp_d);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%zu cargo rows, %zu personnel rows, %zu tasks\n", n_cargo, n_people, n_tasks);
    printf("median of %d: load+validate %.3f s (min %.3f, max %.3f), summary %.3f s\n", runs,
           load_t[runs / 2], load_t[0], load_t[runs - 1], check_t[runs / 2]);
    printf("peak resident memory %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
