/* SPDX-License-Identifier: MIT */
/*
 * simbench: wall time of `drawdown simulate` replications on a scenario
 * with a disruption model, with daily re-planning and without, on 1 and on
 * 2 threads (throughput scaling), and a check that both thread counts give
 * the same result. The CPU time of each run is printed too: on a loaded
 * machine wall-clock scaling says little, while CPU(1 thread) / CPU(2
 * threads) near 1 shows the threads add no work of their own. Targets (issue 6): 10,000 replications of the Niger
 * example under 60 s with re-planning and under 5 s without; >= 1.8x from
 * 1 to 2 threads.
 *
 *   build/bench/simbench tests/data/sim/niger.yaml --replications 10000 [--runs K]
 *
 * Each policy — incremental re-plan (the default), full re-plan, no
 * re-plan — runs K times (default 3) on 1 and on 2 threads, alternating,
 * so both see the same machine; the medians are printed (the machine is
 * shared: a single run says little), with the min-max of the scaling, the
 * CPU time per replication on one thread, and whether the incremental
 * re-plan's estimates lie in the full re-plan's 95% intervals (issue 19),
 * with each policy's denials per replication and median completion.
 * --one-thread skips the runs on 2 threads; --replan-only the policy
 * without re-planning.
 */
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <drawdown/sim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wall time; *cpu_out gets the process CPU time it took. */
static double run(const dd_plan *p, unsigned long long n, int threads, int policy,
                  dd_sim_result **out, double *cpu_out)
{
    dd_sim_options o;
    dd_sim_options_init(&o);
    o.replications = n;
    o.threads = threads;
    o.replan = policy != 2;
    o.replan_incremental = policy == 0;
    o.sensitivity = false;
    double t0 = now(), c0 = cpu();
    if (dd_sim_run(p, &o, out) != DD_OK) {
        fprintf(stderr, "simbench: simulation failed\n");
        exit(1);
    }
    *cpu_out = cpu() - c0;
    return now() - t0;
}

/* Median of v[0..n) (sorts a copy). */
static double median(const double *v, int n)
{
    double c[99];
    memcpy(c, v, (size_t)n * sizeof *c);
    qsort(c, (size_t)n, sizeof *c, cmp_d);
    return n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
}

static bool within(const dd_sim_prob *a, const dd_sim_prob *b)
{
    return a->p >= b->lo - 1e-12 && a->p <= b->hi + 1e-12;
}

/* The incremental re-plan's estimates against the full re-plan's 95%
 * intervals (same streams). */
static void compare(const dd_sim_result *inc, const dd_sim_result *full)
{
    bool ok = within(&inc->p_deadline, &full->p_deadline) &&
              within(&inc->p_all_terms, &full->p_all_terms);
    for (size_t i = 0; i < inc->n_milestones; i++)
        ok = ok && within(&inc->p_milestone[i], &full->p_milestone[i]);
    size_t ns = inc->plan->scenario->n_sites;
    for (size_t i = 0; i < ns; i++)
        ok = ok && within(&inc->sites[i].p_close_by, &full->sites[i].p_close_by);
    printf("%-10s incremental vs full: P(deadline) %.4f vs %.4f [%.4f, %.4f], P(every term) "
           "%.4f vs %.4f [%.4f, %.4f]; every P within the full re-plan's interval: %s\n",
           "", inc->p_deadline.p, full->p_deadline.p, full->p_deadline.lo, full->p_deadline.hi,
           inc->p_all_terms.p, full->p_all_terms.p, full->p_all_terms.lo, full->p_all_terms.hi,
           ok ? "yes" : "NO");
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned long long n = 10000;
    int runs = 3;
    bool one = false, no_follow = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--replications") && i + 1 < argc)
            n = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--one-thread"))
            one = true;
        else if (!strcmp(argv[i], "--replan-only"))
            no_follow = true;
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!path)
            path = argv[i];
    }
    if (!path || n == 0 || runs < 1 || runs > 99) {
        fprintf(stderr, "usage: simbench SCENARIO [--replications N] [--runs K] [--one-thread] "
                        "[--replan-only]\n");
        return 2;
    }
    dd_diags d;
    dd_diags_init(&d, 8);
    dd_scenario *s = NULL;
    if (dd_scenario_load(path, &d, &s) != DD_OK) {
        fprintf(stderr, "simbench: cannot load %s\n", path);
        return 2;
    }
    dd_diags_fini(&d);
    dd_plan_options po;
    dd_plan_options_init(&po);
    po.relax = false;
    dd_plan *p = NULL;
    double t0 = now();
    if (dd_plan_build(s, &po, &p) != DD_OK) {
        fprintf(stderr, "simbench: no plan\n");
        return 1;
    }
    printf("scenario %s: %zu sorties, plan %.3f s, disruptions %s\n", path, p->n_sorties,
           now() - t0, s->disruptions.present ? "yes" : "none");
    printf("%-10s %8s %10s %10s %8s %10s %10s %s\n", "policy", "reps", "1 thread", "2 threads",
           "scaling", "reps/s", "P(deadl.)", "same");
    static const char *const names[] = {"incremental", "full", "no-replan"};
    dd_sim_result *full = NULL;
    for (int policy = 0; policy < (no_follow ? 2 : 3); policy++) {
        double t1[99], t2[99], c1[99], c2[99], sc[99];
        bool same = true;
        dd_sim_result *first = NULL;
        for (int k = 0; k < runs; k++) {
            dd_sim_result *a = NULL, *b = NULL;
            t1[k] = run(p, n, 1, policy, &a, &c1[k]);
            if (one) { /* no run on 2 threads */
                t2[k] = t1[k];
                c2[k] = c1[k];
            } else {
                t2[k] = run(p, n, 2, policy, &b, &c2[k]);
            }
            if (!b) {
                sc[k] = 1;
                if (first)
                    same = same && first->p_all_terms.hits == a->p_all_terms.hits;
                if (first)
                    dd_sim_result_free(a);
                else
                    first = a;
                continue;
            }
            sc[k] = t1[k] / t2[k];
            same = same && a->p_deadline.hits == b->p_deadline.hits &&
                   a->p_all_terms.hits == b->p_all_terms.hits && a->p50 == b->p50 &&
                   a->p90 == b->p90 && a->mean_replans == b->mean_replans;
            if (first)
                same = same && first->p_all_terms.hits == a->p_all_terms.hits;
            dd_sim_result_free(b);
            if (first)
                dd_sim_result_free(a);
            else
                first = a;
        }
        double lo = sc[0], hi = sc[0];
        for (int k = 1; k < runs; k++) {
            lo = sc[k] < lo ? sc[k] : lo;
            hi = sc[k] > hi ? sc[k] : hi;
        }
        double m1 = median(t1, runs), m2 = median(t2, runs);
        printf("%-10s %8llu %9.3fs %9.3fs %7.2fx %10.0f %9.4f %s\n", names[policy], n, m1,
               one ? 0.0 : m2, median(sc, runs), (double)n / (one ? m1 : m2),
               first->p_deadline.p, same ? "yes" : "NO");
        printf("%-10s CPU per replication (1 thread): %.3f ms (median of %d runs)\n", "",
               1e3 * median(c1, runs) / (double)n, runs);
        printf("%-10s scaling over %d runs: median %.2fx, min %.2fx, max %.2fx\n", "", runs,
               median(sc, runs), lo, hi);
        printf("%-10s CPU %.3f s (1 thread), %.3f s (2 threads): parallel efficiency %.2f\n", "",
               median(c1, runs), median(c2, runs), median(c1, runs) / median(c2, runs));
        printf("%-10s P(every term) %.4f [%.4f, %.4f], re-plans per replication %.2f\n", "",
               first->p_all_terms.p, first->p_all_terms.lo, first->p_all_terms.hi,
               first->mean_replans);
        /* what tells the policies apart where they disagree (docs/sim.md):
         * how many requests were denied (each re-filed request risks one)
         * and when the withdrawal ends */
        printf("%-10s denials per replication %.1f, completion P50 day %.2f after the epoch\n",
               "", first->mean_denials,
               first->p50 == DD_TIME_NONE ? -1.0 : (double)first->p50 / 1440.0);
        if (policy == 0) {
            full = first; /* compared with the full re-plan's below */
            continue;
        }
        if (policy == 1)
            compare(full, first);
        dd_sim_result_free(first);
    }
    dd_sim_result_free(full);
    dd_plan_free(p);
    dd_scenario_free(s);
    return 0;
}
