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
 * - exit processing, when the caller says so (`exits`).
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
    j.other = v->n_violations - j.late - j.terms;
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
