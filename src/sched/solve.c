/* SPDX-License-Identifier: MIT */
/*
 * The public entry points: options, results, bounds and dd_sched_solve,
 * which compiles the problem, runs a priority rule or the GA on one worker's
 * scratch, and converts the schedule back to the caller's time unit.
 */
#include "base/clock.h"
#include "sched/sched_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>


void dd_sched_options_default(dd_sched_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->method = DD_SCHED_METHOD_GA;
    opt->rule = DD_SCHED_RULE_LFT;
    opt->sgs = DD_SCHED_SGS_SERIAL;
    opt->justify = 1;
    opt->deadlines = DD_SCHED_DEADLINES_MINIMISE;
    opt->max_schedules = 5000;
    opt->seed = 1;
}

void dd_sched_result_init(dd_sched_result *r)
{
    memset(r, 0, sizeof *r);
}

void dd_sched_result_fini(dd_sched_result *r)
{
    if (!r)
        return;
    free(r->start);
    memset(r, 0, sizeof *r);
}

static dd_status fill_bounds(const dd__sched_inst *in, dd_sched_bounds *out)
{
    int32_t cp = 0, rb = 0;
    dd_status st = dd__sched_bounds(in, &cp, &rb);
    out->critical_path = (int64_t)cp * in->unit;
    out->resource = (int64_t)rb * in->unit;
    out->best = out->critical_path > out->resource ? out->critical_path
                                                   : out->resource;
    return st;
}

dd_status dd_sched_compute_bounds(const dd_sched_problem *p,
                                  dd_sched_bounds *out, size_t *bad_out)
{
    if (!p || !out)
        return DD_EARG;
    dd__sched_inst in;
    dd_status s = dd__sched_compile(p, &in, bad_out);
    if (s == DD_OK)
        s = fill_bounds(&in, out);
    dd__sched_inst_fini(&in);
    return s;
}

/* One schedule from a priority rule, optionally justified. */
static dd_status run_rule(dd__sched_ws *ws, const dd_sched_options *opt,
                          int32_t *best)
{
    const dd__sched_inst *in = ws->in;
    const size_t n = (size_t)in->n + 1;
    int32_t *lf = malloc(n * sizeof *lf);
    int64_t *prio = malloc(n * sizeof *prio);
    int32_t *list = malloc(n * sizeof *list);
    int32_t *scratch = malloc(2 * n * sizeof *scratch);
    dd_status s = DD_ENOMEM;
    if (!lf || !prio || !list || !scratch)
        goto out;
    dd__sched_latest_finish(in, in->cp, lf);
    dd__sched_rule_prio(in, opt->rule, lf, prio);
    int32_t ms;
    if (opt->sgs == DD_SCHED_SGS_PARALLEL) {
        ms = dd__sgs_pas(ws, prio, 0, 0, best);
    } else {
        dd__sched_list_from_prio(in, prio, list, scratch);
        ms = dd__sgs_forward(ws, list, best);
    }
    s = DD_EINFEASIBLE;
    if (ms < 0)
        goto out;
    if (opt->justify)
        dd__sched_fbi(ws, best, NULL, 1000,
                      opt->deadlines == DD_SCHED_DEADLINES_MINIMISE);
    s = DD_OK;
out:
    free(lf);
    free(prio);
    free(list);
    free(scratch);
    return s;
}

dd_status dd_sched_solve(const dd_sched_problem *p, const dd_sched_options *opt,
                         dd_sched_result *res, size_t *bad_out)
{
    if (!p || !res)
        return DD_EARG;
    dd_sched_options defaults;
    if (!opt) {
        dd_sched_options_default(&defaults);
        opt = &defaults;
    }
    double t0 = dd__mono_s();
    dd__sched_inst in;
    dd__sched_ws ws;
    int32_t *best = NULL;
    dd_status s = dd__sched_compile(p, &in, bad_out);
    if (s != DD_OK)
        goto fail_compile;
    s = dd__sched_ws_init(&ws, &in);
    if (s != DD_OK)
        goto fail_compile;
    best = malloc(((size_t)in.n + 1) * sizeof *best);
    int64_t *start = malloc(((size_t)in.n + 1) * sizeof *start);
    if (!best || !start) {
        free(start);
        s = DD_ENOMEM;
        goto fail_ws;
    }
    s = fill_bounds(&in, &res->bounds);
    if (s != DD_OK) {
        free(start);
        goto fail_ws;
    }
    if (opt->method == DD_SCHED_METHOD_RULE) {
        s = run_rule(&ws, opt, best);
    } else {
        dd__sched_ga_cfg cfg = {
            .max_schedules = opt->max_schedules,
            .time_limit = opt->time_limit,
            .seed = opt->seed,
            .population = opt->population,
            .minimise_tardiness =
                opt->deadlines == DD_SCHED_DEADLINES_MINIMISE,
            .lower_bound = (int32_t)(res->bounds.best / in.unit),
        };
        if (!cfg.max_schedules && cfg.time_limit <= 0)
            cfg.max_schedules = 5000;
        s = dd__sched_ga(&ws, &cfg, best);
    }
    if (s != DD_OK) {
        free(start);
        goto fail_ws;
    }
    free(res->start);
    res->start = start;
    res->n_activities = (size_t)in.n;
    res->makespan = 0;
    res->tardiness = 0;
    res->n_late = 0;
    for (int32_t j = 0; j < in.n; j++) {
        start[j] = (int64_t)best[j] * in.unit;
        int64_t f = start[j] + p->dur[j];
        if (f > res->makespan)
            res->makespan = f;
        if (p->dl[j] != DD_SCHED_NO_DEADLINE && f > p->dl[j]) {
            res->tardiness += f - p->dl[j];
            res->n_late++;
        }
    }
    res->n_schedules = ws.n_sched;
    res->seconds = dd__mono_s() - t0;
fail_ws:
    free(best);
    dd__sched_ws_fini(&ws);
fail_compile:
    dd__sched_inst_fini(&in);
    return s;
}
