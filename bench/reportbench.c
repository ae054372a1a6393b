/* SPDX-License-Identifier: MIT */
/*
 * reportbench: how long `drawdown report` takes for each format.
 *
 *   reportbench [--runs N] [PLAN.json ...]
 *
 * For each plan (default: the committed Niger plan), prints the time to
 * read the plan file and to write the PDF briefing, the workbook, the HTML
 * page and the burndown PNG, each the best of N runs (default 3), and the
 * file sizes. Outputs go to a temporary folder that is removed after.
 * A 10,000-sortie plan for the workbook figure:
 *   build/bench/gen --seed 1 --cargo 150000 --people 5000 --tasks 500 /tmp/g
 *   build/drawdown plan /tmp/g/scenario.yaml -o /tmp/g/plan.json
 *   build/bench/reportbench /tmp/g/plan.json
 */
#include <drawdown/report.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"


static void show_diags(const dd_diags *d)
{
    for (size_t i = 0; i < d->n_items; i++)
        fprintf(stderr, "%s:%u:%u: %s: %s\n", d->items[i].file, d->items[i].line,
                d->items[i].col, d->items[i].path, d->items[i].message);
}

static int bench(const char *plan, int runs, const char *dir)
{
    double best = 1e9;
    dd_brief *b = NULL;
    for (int r = 0; r < runs; r++) {
        dd_diags d;
        dd_diags_init(&d, 10);
        dd_brief_free(b);
        b = NULL;
        double t0 = now();
        dd_status st = dd_brief_load(plan, &d, &b);
        double t = now() - t0;
        show_diags(&d);
        dd_diags_fini(&d);
        if (st != DD_OK) {
            fprintf(stderr, "reportbench: %s: %s\n", plan, dd_status_str(st));
            return 1;
        }
        best = t < best ? t : best;
    }
    struct stat sb;
    stat(plan, &sb);
    double read_s = best;
    printf("%s (%.1f MB)\n  %-8s %8.3f s\n", plan, (double)sb.st_size / 1e6, "read", best);
    static const char *const exts[] = {"pdf", "xlsx", "html", "png"};
    for (size_t e = 0; e < sizeof exts / sizeof exts[0]; e++) {
        char out[256];
        snprintf(out, sizeof out, "%s/report.%s", dir, exts[e]);
        best = 1e9;
        for (int r = 0; r < runs; r++) {
            dd_diags d;
            dd_diags_init(&d, 10);
            double t0 = now();
            dd_status st = dd_report_write(b, out, NULL, &d);
            double t = now() - t0;
            show_diags(&d);
            dd_diags_fini(&d);
            if (st != DD_OK) {
                fprintf(stderr, "reportbench: %s: %s\n", out, dd_status_str(st));
                dd_brief_free(b);
                return 1;
            }
            best = t < best ? t : best;
        }
        stat(out, &sb);
        printf("  %-8s %8.3f s  (with reading the plan %.3f s)  %9.1f kB\n", exts[e], best,
               read_s + best, (double)sb.st_size / 1e3);
        remove(out);
    }
    dd_brief_free(b);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 3, rc = 0, n_plans = 0;
    char dir[] = "/tmp/reportbench-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("reportbench: mkdtemp");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            long v = strtol(argv[++i], NULL, 10);
            runs = v > 0 && v < 1000 ? (int)v : 1;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs("usage: reportbench [--runs N] [PLAN.json ...]\n", stdout);
            rmdir(dir);
            return 0;
        } else {
            rc |= bench(argv[i], runs, dir);
            n_plans++;
        }
    }
    if (!n_plans)
        rc |= bench("tests/data/report/niger-plan.json", runs, dir); /* from the repo root */
    rmdir(dir);
    dd_report_global_cleanup();
    return rc;
}
