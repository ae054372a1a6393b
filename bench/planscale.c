/* SPDX-License-Identifier: MIT */
/*
 * planscale: time and memory of `drawdown plan` on a scenario, its quality
 * against the lower bounds, and the independent verifier's verdict on the
 * plan it made. Median of several runs.
 *
 *   build/bench/planscale examples/niger-2024/scenario.yaml --runs 5
 *   build/bench/gen --seed 42 /tmp/theater
 *   build/bench/planscale /tmp/theater/scenario.yaml --runs 1 --iterations 1
 */
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
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
    dd_plan_options o;
    dd_plan_options_init(&o);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
            o.max_iterations = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--no-relax"))
            o.relax = false;
        else
            path = argv[i];
    }
    if (!path || runs < 1 || runs > 50) {
        fprintf(stderr, "usage: planscale SCENARIO [--runs N] [--iterations N] [--no-relax]\n");
        return 2;
    }
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_scenario *s;
    double tl = now();
    if (dd_scenario_load(path, &d, &s) != DD_OK) {
        fprintf(stderr, "planscale: cannot load %s\n", path);
        return 1;
    }
    tl = now() - tl;
    dd_diags_fini(&d);
    double t[50];
    dd_plan *p = NULL;
    for (int r = 0; r < runs; r++) {
        dd_plan_free(p);
        double t0 = now();
        if (dd_plan_build(s, &o, &p) != DD_OK) {
            fprintf(stderr, "planscale: plan failed\n");
            return 1;
        }
        t[r] = now() - t0;
        printf("run %d: %.3f s\n", r + 1, t[r]);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_d);
    /* the independent verifier on the last plan */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    double tv = now();
    dd_plan_write_json(p, path, f);
    fclose(f);
    dd_verify_report *rep = NULL;
    dd_status vs = dd_verify_plan(s, "plan.json", buf, len, &rep);
    tv = now() - tv;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double span_lb = (double)p->completion_lb / 1440.0;
    double span = p->completion == DD_TIME_NONE ? 0 : (double)p->completion / 1440.0;
    printf("scenario: %zu cargo rows, %zu personnel rows, %zu tasks, %zu sites (loaded in %.2f s)\n",
           s->n_cargo, s->n_people, s->n_tasks, s->n_sites, tl);
    printf("plan: %zu sorties (lower bound %zu, gap %.2f%%), completion day %.2f (lower bound "
           "day %.2f, %s; gap %.2f%%), deadline %s\n",
           p->n_sorties, p->sorties_lb,
           p->sorties_lb ? 100.0 * ((double)p->n_sorties - (double)p->sorties_lb) / (double)p->sorties_lb : 0.0,
           span, span_lb, dd_binding_name(p->completion_lb_binding),
           span_lb > 0 ? 100.0 * (span - span_lb) / span_lb : 0.0, p->deadline_met ? "met" : "missed");
    printf("median of %d: %.3f s (min %.3f, max %.3f); %llu placement orders per run\n", runs,
           t[runs / 2], t[0], t[runs - 1], (unsigned long long)p->iterations);
    printf("verify: %s, %zu violations (%.2f s)\n", vs == DD_OK ? "read" : "unreadable",
           rep ? rep->n_violations : 0, tv);
    printf("peak resident memory %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    dd_verify_report_free(rep);
    free(buf);
    dd_plan_free(p);
    dd_scenario_free(s);
    return 0;
}
