/* SPDX-License-Identifier: MIT */
/*
 * The independent verifier's judgement of one re-plan, for the tests
 * (test_plan_replan, test_sim) and bench/replancheck: the plan of a
 * re-planner's output (dd_replanner_plan) is written as a plan file and
 * verified by src/verify, which shares no code with the planner.
 *
 * Every limit must hold (tails, ramps, caps, hours, crews, clearances,
 * loads, ...). What a history may excuse:
 * - a date: a closing date, a milestone or the deadline may be out of
 *   reach after the disruptions (the plan must then say it misses one);
 * - the security element's order: the simulation's re-plan (not
 *   tracking's, keep_clearances) does not keep it (docs/sim.md);
 * - the order of closure (sites[].after), only when every sortie of the
 *   site that follows has left already (the plan must then say a term
 *   breaks);
 * - exit processing, when the caller says so (`exits`);
 * - what the execution explains and the plan file cannot say (`history`):
 *   a day's exit processing broken by sorties that had all left by `now`
 *   (the simulation processes exits after the flights, it does not hold
 *   a departure for them), and a manifest lead time broken where the
 *   execution had the load ready, its people's lead time included, by
 *   the departure (the plan file's releases are the plan's task ends; a
 *   task the execution finished early released them earlier).
 * What is left over (`other`) is a re-plan the verifier rejects.
 */
#ifndef DD_TESTS_REPLAN_CHECK_H
#define DD_TESTS_REPLAN_CHECK_H

#include <drawdown/plan.h>
#include <drawdown/verify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct replan_judgement {
    dd_status rc;         /* making, writing or verifying the plan */
    dd_plan *plan;        /* the re-plan */
    dd_verify_report *v;  /* the verifier's report on it */
    size_t late;          /* dates missed */
    size_t order;         /* orders of closure broken with no way left */
    size_t terms;         /* the terms excused (order included) */
    size_t history;       /* explained by the execution (above) */
    size_t other;         /* everything else: must be 0 */
} replan_judgement;

/* Orders of closure broken (v) where every sortie of the site that
 * follows has left (in x, of base's sorties). */
static inline size_t replan_order_unavoidable(const dd_scenario *s, const dd_exec_state *x,
                                              const dd_plan *base, const dd_verify_report *v)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n_stored; i++) {
        if (v->violations[i].kind != DD_V_ORDER || !v->violations[i].site)
            continue;
        bool ground = false;
        for (size_t f = 0; f < base->n_sorties && !ground; f++)
            ground = strcmp(s->sites[base->sorties[f].site].id, v->violations[i].site) == 0 &&
                     x->sorties[f].departed == DD_TIME_NONE;
        n += !ground;
    }
    return n;
}

/* Did every exit from site `site_id` on host day `day` in p leave by
 * `now` (a day of history)? */
static inline bool replan_exits_history(const dd_plan *p, const char *site_id, int32_t day,
                                        dd_time now)
{
    const dd_scenario *s = p->scenario;
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        if (mv->departure <= now || dd_scenario_day(s, mv->departure) != day ||
            strcmp(s->sites[s->people[mv->people].site].id, site_id) != 0)
            continue;
        return false;
    }
    return true;
}

/* Was the load that carries group `group_id` in the execution (x) ready,
 * its people's manifest lead time included, by the departure of the
 * re-plan's sortie `sortie_id` (1-based, in p)? */
static inline bool replan_manifest_explained(const dd_plan *base, const dd_plan *p,
                                             const dd_exec_state *x, const char *group_id,
                                             int64_t sortie_id)
{
    const dd_scenario *s = p->scenario;
    if (!group_id || sortie_id < 1 || (size_t)sortie_id > p->n_sorties)
        return false;
    dd_time dep = p->sorties[sortie_id - 1].departure;
    bool any = false;
    for (size_t m = 0; m < base->n_movements; m++) {
        const dd_movement *mv = &base->movements[m];
        if (mv->sortie < 0 || strcmp(s->people[mv->people].id, group_id) != 0)
            continue;
        for (size_t f = 0; f < base->n_sorties; f++) {
            if (x->sorties[f].carries != mv->sortie)
                continue;
            dd_time r = x->sorties[f].ready;
            if (r != DD_TIME_NONE && r > dep)
                return false;
            any = true;
        }
    }
    return any;
}

static inline replan_judgement replan_judge(const dd_plan *base, const dd_replanner *r,
                                            const dd_exec_state *x, const dd_replan_sortie *out,
                                            bool exits)
{
    replan_judgement j = {0};
    char *buf = NULL;
    size_t len = 0;
    j.rc = dd_replanner_plan(r, x, out, &j.plan);
    if (j.rc != DD_OK)
        return j;
    const dd_scenario *s = j.plan->scenario;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        j.rc = DD_ENOMEM;
        return j;
    }
    j.rc = dd_plan_write_json(j.plan, s->path, f);
    if (fclose(f) != 0 && j.rc == DD_OK)
        j.rc = DD_EIO;
    if (j.rc == DD_OK)
        j.rc = dd_verify_plan(s, "replan.json", buf, len, &j.v);
    free(buf);
    if (j.rc != DD_OK)
        return j;
    const dd_verify_report *v = j.v;
    j.late = v->by_kind[DD_V_SITE_CLOSE] + v->by_kind[DD_V_DEADLINE] + v->by_kind[DD_V_MILESTONE];
    j.terms = x->keep_clearances ? 0 : v->by_kind[DD_V_SECURITY];
    if (exits)
        j.terms += v->by_kind[DD_V_EXIT_PROCESSING];
    j.order = v->by_kind[DD_V_ORDER] <= v->n_stored ? replan_order_unavoidable(s, x, base, v) : 0;
    j.terms += j.order;
    for (size_t i = 0; i < v->n_stored; i++) {
        const dd_violation *e = &v->violations[i];
        if (e->kind == DD_V_EXIT_PROCESSING && !exits && e->site &&
            replan_exits_history(j.plan, e->site, e->day, x->now))
            j.history++;
        else if (e->kind == DD_V_MANIFEST &&
                 replan_manifest_explained(base, j.plan, x, e->item, e->sortie))
            j.history++;
    }
    j.other = v->n_violations - j.late - j.terms - j.history;
    return j;
}

static inline void replan_judgement_free(replan_judgement *j)
{
    dd_verify_report_free(j->v);
    dd_plan_free(j->plan);
    j->v = NULL;
    j->plan = NULL;
}

#endif
