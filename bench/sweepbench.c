/* SPDX-License-Identifier: MIT */
/*
 * sweepbench: wall time of a what-if sweep (`drawdown sweep`) of
 * 4 × 7 × 5 = 140 combinations, plan only — clearance.daily_cap=1..4,
 * sites.AB101.close_by=2024-06-10..2024-07-10:5d, aircraft.C17A.tails=1..5
 * on the Niger example — on 1 and 2 threads, alternating, K runs each;
 * medians, and a check that both give the same table. Target (issue 19):
 * under 20 s on 2 cores.
 *
 *   build/bench/sweepbench examples/niger-2024/scenario.yaml [--runs K]
 *                          [--vary NAME=A..B[:STEP] ...]
 */
#include <drawdown/scenario.h>
#include <drawdown/sweep.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char *table(const dd_sweep_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f || dd_sweep_write_csv(r, f) != DD_OK)
        exit(1);
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int runs = 3;
    const char *vary[8];
    size_t n_vary = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--vary") && i + 1 < argc && n_vary < 8)
            vary[n_vary++] = argv[++i];
        else
            path = argv[i];
    }
    if (!path || runs < 1 || runs > 99) {
        fprintf(stderr, "usage: sweepbench SCENARIO [--runs K] [--vary NAME=A..B[:STEP] ...]\n");
        return 2;
    }
    if (n_vary == 0) {
        vary[n_vary++] = "clearance.daily_cap=1..4";
        vary[n_vary++] = "sites.AB101.close_by=2024-06-10..2024-07-10:5d";
        vary[n_vary++] = "aircraft.C17A.tails=1..5";
    }
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    if (dd_scenario_load(path, &d, &s) != DD_OK) {
        fprintf(stderr, "sweepbench: cannot load %s\n", path);
        return 2;
    }
    dd_sweep_axis axes[8];
    for (size_t k = 0; k < n_vary; k++)
        if (dd_sweep_axis_parse(s, vary[k], "--vary", (uint32_t)k + 1, &d, &axes[k]) != DD_OK) {
            fprintf(stderr, "sweepbench: bad --vary %s: %s\n", vary[k],
                    d.n_items ? d.items[0].message : "?");
            return 2;
        }
    dd_diags_fini(&d);
    double w[2][99];
    char *first[2] = {NULL, NULL};
    bool same = true;
    size_t n_rows = 0, met = 0;
    for (int r = 0; r < runs; r++)
        for (int t = 0; t < 2; t++) {
            dd_sweep_options o;
            dd_sweep_options_init(&o);
            o.threads = t + 1;
            dd_sweep_result *res = NULL;
            double t0 = now();
            if (dd_sweep_run(s, axes, n_vary, &o, &res) != DD_OK) {
                fprintf(stderr, "sweepbench: sweep failed\n");
                return 1;
            }
            w[t][r] = now() - t0;
            char *tab = table(res);
            if (!first[t])
                first[t] = tab;
            else {
                same = same && !strcmp(first[t], tab);
                free(tab);
            }
            n_rows = res->n_rows;
            met = 0;
            for (size_t i = 0; i < res->n_rows; i++)
                met += res->rows[i].status == DD_OK && res->rows[i].met;
            dd_sweep_result_free(res);
        }
    same = same && !strcmp(first[0], first[1]);
    double m1 = median(w[0], runs), m2 = median(w[1], runs);
    printf("sweep: %zu combinations (plan only), %zu meet every term, %d runs each\n", n_rows,
           met, runs);
    printf("  1 thread : median %.2f s (min %.2f, max %.2f)\n", m1, w[0][0], w[0][runs - 1]);
    printf("  2 threads: median %.2f s (min %.2f, max %.2f)  scaling %.2fx\n", m2, w[1][0],
           w[1][runs - 1], m1 / m2);
    printf("  same table on 1 and 2 threads: %s\n", same ? "yes" : "NO");
    free(first[0]);
    free(first[1]);
    for (size_t k = 0; k < n_vary; k++)
        dd_sweep_axis_fini(&axes[k]);
    dd_scenario_free(s);
    return same ? 0 : 1;
}
