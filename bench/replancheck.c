/* SPDX-License-Identifier: MIT */
/*
 * replancheck: every re-plan a simulation makes, judged by the independent
 * verifier (src/verify). The simulation's estimates rest on its re-plans;
 * the tests verify re-plans over random histories on generated scenarios,
 * and this does it on any scenario and its own disruptions — the theater's
 * 250 re-plans a replication of 58,000 sorties, for one — through the
 * simulation's hook (dd_sim_options.on_replan).
 *
 *   build/bench/replancheck SCENARIO [--replications N] [--threads T]
 *                           [--replan incremental|full|afresh] [--seed S]
 *                           [--dump FILE]
 *
 * Prints the re-plans judged, how many the verifier rejects (a broken
 * limit: must be 0) by kind with the first messages, how many break only
 * what a history may excuse (a date, the security's order, an order of
 * closure with no way left: tests/replan_check.h), and the simulation's
 * P(deadline) and median completion. Exits 1 when any re-plan is rejected
 * or cannot be judged; --dump writes the first re-plan that cannot be
 * judged (a plan file the verifier refuses) to FILE.
 */
#include <drawdown/plan.h>
#include <drawdown/replan.h>
#include <drawdown/scenario.h>
#include <drawdown/sim.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/replan_check.h"
#include "bench_util.h"

#define KEEP_MESSAGES 5

typedef struct tally {
    pthread_mutex_t mu;
    const dd_plan *base;
    uint64_t replans, rejected, failed, excused, late;
    size_t by_kind[DD_V_COUNT]; /* the rejected re-plans' violations */
    size_t n_msg;
    char msg[KEEP_MESSAGES][320];
    double verify_s;
    const char *dump; /* --dump FILE: the first re-plan not judged */
} tally;

static void on_replan(void *user, uint64_t rep, const dd_replanner *r, const dd_exec_state *x,
                      const dd_replan_sortie *out)
{
    tally *t = user;
    double t0 = now();
    replan_judgement j = replan_judge(t->base, r, x, out, false);
    double dt = now() - t0;
    pthread_mutex_lock(&t->mu);
    t->replans++;
    t->verify_s += dt;
    if (j.rc != DD_OK) {
        if (!t->failed++ && t->n_msg < KEEP_MESSAGES) {
            const dd_diags *e = j.v ? &j.v->errors : NULL;
            snprintf(t->msg[t->n_msg++], sizeof t->msg[0], "replication %llu: not judged (%s): %s",
                     (unsigned long long)rep, dd_status_str(j.rc),
                     e && e->n_items ? e->items[0].message : "no plan file");
            if (t->dump && j.plan) {
                FILE *f = fopen(t->dump, "w");
                if (f) {
                    (void)dd_plan_write_json(j.plan, j.plan->scenario->path, f);
                    fclose(f);
                }
            }
            if (e && e->n_items)
                fprintf(stderr, "replancheck: %s:%u:%u (%s): %s\n", e->items[0].file ? e->items[0].file : "",
                        e->items[0].line, e->items[0].col, e->items[0].path ? e->items[0].path : "", e->items[0].message);
        }
    } else {
        t->late += j.late != 0;
        t->excused += j.late + j.terms != 0;
        if (j.other) {
            t->rejected++;
            for (size_t k = 0; k < DD_V_COUNT; k++)
                t->by_kind[k] += j.v->by_kind[k];
            for (size_t i = 0; i < j.v->n_stored && t->n_msg < KEEP_MESSAGES; i++) {
                dd_violation_kind k = j.v->violations[i].kind;
                if (k == DD_V_SITE_CLOSE || k == DD_V_DEADLINE || k == DD_V_MILESTONE ||
                    k == DD_V_SECURITY || k == DD_V_ORDER)
                    continue;
                char at[32];
                dd_scenario_format_time(t->base->scenario, x->now, 0, at, sizeof at);
                snprintf(t->msg[t->n_msg++], sizeof t->msg[0], "replication %llu, at %s: %s",
                         (unsigned long long)rep, at, j.v->violations[i].message);
            }
        }
    }
    pthread_mutex_unlock(&t->mu);
    replan_judgement_free(&j);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *policy = "incremental", *dump = NULL;
    unsigned long long n = 2, seed = 1;
    int threads = 2;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--replications") && i + 1 < argc)
            n = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "--replan") && i + 1 < argc)
            policy = argv[++i];
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    bool inc = !strcmp(policy, "incremental"), full = !strcmp(policy, "full"),
         afresh = !strcmp(policy, "afresh");
    if (!path || n == 0 || threads < 1 || !(inc || full || afresh)) {
        fprintf(stderr, "usage: replancheck SCENARIO [--replications N] [--threads T] "
                        "[--replan incremental|full|afresh] [--seed S] [--dump FILE]\n");
        return 2;
    }
    dd_diags d;
    dd_diags_init(&d, 8);
    dd_scenario *s = NULL;
    if (dd_scenario_load(path, &d, &s) != DD_OK) {
        fprintf(stderr, "replancheck: cannot load %s\n", path);
        return 2;
    }
    dd_diags_fini(&d);
    if (!s->disruptions.present)
        fprintf(stderr, "replancheck: %s has no disruptions: nothing is re-planned\n", path);
    dd_plan_options po;
    dd_plan_options_init(&po);
    po.relax = false;
    dd_plan *p = NULL;
    if (dd_plan_build(s, &po, &p) != DD_OK) {
        fprintf(stderr, "replancheck: no plan\n");
        return 1;
    }
    tally t = {.base = p, .dump = dump};
    pthread_mutex_init(&t.mu, NULL);
    dd_sim_options o;
    dd_sim_options_init(&o);
    o.replications = n;
    o.seed = seed;
    o.threads = threads;
    o.replan_incremental = inc;
    o.replan_afresh = afresh;
    o.sensitivity = false;
    o.on_replan = on_replan;
    o.on_replan_user = &t;
    dd_sim_result *res = NULL;
    double t0 = now();
    if (dd_sim_run(p, &o, &res) != DD_OK) {
        fprintf(stderr, "replancheck: simulation failed\n");
        return 1;
    }
    double wall = now() - t0;
    printf("%s: %zu sorties, %llu replications, re-plan %s, seed %llu, %.1f s (verifying "
           "%.1f s of it, summed over threads)\n",
           path, p->n_sorties, n, policy, seed, wall, t.verify_s);
    printf("re-plans judged: %llu; rejected by the verifier: %llu; not judged (error): %llu\n",
           (unsigned long long)t.replans, (unsigned long long)t.rejected,
           (unsigned long long)t.failed);
    printf("re-plans that break only what a history may excuse: %llu (a date missed: %llu)\n",
           (unsigned long long)t.excused, (unsigned long long)t.late);
    for (size_t k = 0; k < DD_V_COUNT; k++)
        if (t.by_kind[k])
            printf("  in the rejected re-plans: %zu %s\n", t.by_kind[k],
                   dd_violation_kind_name((dd_violation_kind)k));
    for (size_t i = 0; i < t.n_msg; i++)
        printf("  %s\n", t.msg[i]);
    char p50[32] = "never";
    if (res->p50 != DD_TIME_NONE)
        dd_scenario_format_time(s, res->p50, 0, p50, sizeof p50);
    printf("P(deadline) %.4f [%.4f, %.4f], completion P50 %s, %.1f re-plans a replication\n",
           res->p_deadline.p, res->p_deadline.lo, res->p_deadline.hi, p50, res->mean_replans);
    int rc = t.rejected || t.failed || t.replans == 0 ? 1 : 0;
    dd_sim_result_free(res);
    dd_plan_free(p);
    dd_scenario_free(s);
    pthread_mutex_destroy(&t.mu);
    return rc;
}
