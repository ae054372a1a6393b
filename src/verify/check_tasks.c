/* SPDX-License-Identifier: MIT */
/*
 * Ground tasks: every scenario task has times in the plan, at its own site,
 * lasting its duration, after each predecessor's end plus the lag, and at
 * every moment the amounts of each resource held at a site (the scenario's
 * demands, over [start, end)) stay within its capacity: a sweep over task
 * starts and ends per site, releases before acquisitions at one instant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

typedef struct rev {
    dd_time t;
    int64_t delta;
    int32_t task;
} rev;

/* In time; at one instant, a task that ends frees its resource first. */
static const dd__key by_time[] = {DD__KEY(rev, t), DD__KEY_BY(rev, delta, DD__NEG_FIRST),
                                  DD__KEY(rev, task), DD__KEY_END};

/* Do the plan's stated resources match the scenario's demands? */
static bool same_demands(const dd_task *t, const vtask *v)
{
    if (t->n_demand != v->n_res)
        return false;
    for (size_t i = 0; i < t->n_demand; i++) {
        bool found = false;
        for (size_t k = 0; k < v->n_res && !found; k++)
            found = v->res[k].res == t->demand[i].resource && v->res[k].amount == t->demand[i].amount;
        if (!found)
            return false;
    }
    return true;
}

static void check_resources(vctx *c, int32_t site, int32_t res, rev *ev)
{
    const dd_scenario *s = c->s;
    const dd_resource *r = &s->sites[site].resources[res];
    size_t n = 0;
    for (size_t i = 0; i < s->n_tasks; i++) {
        const dd_task *t = &s->tasks[i];
        if (t->site != site || c->task_start[i] == DD_TIME_NONE ||
            c->task_end[i] <= c->task_start[i])
            continue;
        for (size_t k = 0; k < t->n_demand; k++)
            if (t->demand[k].resource == res) {
                ev[n++] = (rev){c->task_start[i], t->demand[k].amount, (int32_t)i};
                ev[n++] = (rev){c->task_end[i], -t->demand[k].amount, (int32_t)i};
            }
    }
    dd__vf_sort(c, ev, n, sizeof *ev, by_time);
    int64_t held = 0;
    bool over = false;
    for (size_t e = 0; e < n;) {
        dd_time t = ev[e].t;
        int32_t trigger = -1;
        for (; e < n && ev[e].t == t; e++) {
            held += ev[e].delta;
            if (ev[e].delta > 0)
                trigger = ev[e].task;
        }
        bool bad = held > r->capacity;
        if (bad && !over) {
            /* the tasks holding it then */
            char list[240], when[32];
            size_t off = 0, m = 0;
            list[0] = '\0';
            for (size_t i = 0; i < s->n_tasks && off + 40 < sizeof list; i++) {
                const dd_task *k = &s->tasks[i];
                if (k->site != site || c->task_start[i] == DD_TIME_NONE ||
                    c->task_start[i] > t || c->task_end[i] <= t)
                    continue;
                for (size_t q = 0; q < k->n_demand; q++)
                    if (k->demand[q].resource == res) {
                        int w = snprintf(list + off, sizeof list - off, "%s%s", m++ ? ", " : "",
                                         k->id);
                        off += w > 0 ? (size_t)w : 0;
                    }
            }
            dd__vf_time(c, t, when, sizeof when);
            dd__vf_add(c, DD_V_TASK_RESOURCE, T_NONE, 0, trigger >= 0 ? s->tasks[trigger].id : NULL,
                       site, dd_scenario_day(s, t), 0, 0,
                       "%s at %s: %lld %s held (tasks %s), capacity %d", s->sites[site].id, when,
                       (long long)held, r->id, list, r->capacity);
        }
        over = bad;
    }
}

void dd__vf_check_tasks(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    char a[32], b[32], u[32], w[32];
    bool *listed = calloc(s->n_tasks ? s->n_tasks : 1, sizeof *listed);
    if (!listed) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < p->n_tasks; i++) {
        const vtask *v = &p->tasks[i];
        const dd_task *t = &s->tasks[v->task];
        listed[v->task] = true;
        if (v->site != t->site)
            dd__vf_add(c, DD_V_TASK, T_NONE, 0, t->id, t->site, -1, v->line, v->col,
                       "task %s: site %s stated, the scenario has %s", t->id,
                       s->sites[v->site].id, s->sites[t->site].id);
        if (v->end - v->start != t->duration) {
            dd__vf_time(c, v->start, a, sizeof a);
            dd__vf_time(c, v->end, b, sizeof b);
            dd__vf_dur(v->end - v->start, u, sizeof u);
            dd__vf_dur(t->duration, w, sizeof w);
            dd__vf_add(c, DD_V_TASK, T_NONE, 0, t->id, t->site, -1, v->line, v->col,
                       "task %s runs %s to %s, %s; its duration is %s", t->id, a, b, u, w);
        }
        if (v->start < 0) {
            dd__vf_time(c, v->start, a, sizeof a);
            dd__vf_add(c, DD_V_TASK, T_NONE, 0, t->id, t->site, -1, v->line, v->col,
                       "task %s starts %s, before the epoch", t->id, a);
        }
        if (!same_demands(t, v)) {
            char list[200];
            size_t off = 0;
            list[0] = '\0';
            for (size_t k = 0; k < t->n_demand && off + 40 < sizeof list; k++) {
                int n = snprintf(list + off, sizeof list - off, "%s%s %d", k ? ", " : "",
                                 s->sites[t->site].resources[t->demand[k].resource].id,
                                 t->demand[k].amount);
                off += n > 0 ? (size_t)n : 0;
            }
            dd__vf_add(c, DD_V_TASK, T_NONE, 0, t->id, t->site, -1, v->line, v->col,
                       "task %s: resources differ from the scenario's (%s)", t->id,
                       t->n_demand ? list : "none");
        }
    }
    for (size_t i = 0; i < s->n_tasks; i++)
        if (!listed[i])
            dd__vf_add(c, DD_V_TASK, T_NONE, 0, s->tasks[i].id, s->tasks[i].site, -1, 0, 0,
                       "task %s has no times in the plan", s->tasks[i].id);
    free(listed);

    /* precedence with lags */
    for (size_t i = 0; i < s->n_tasks; i++) {
        const dd_task *t = &s->tasks[i];
        if (c->task_start[i] == DD_TIME_NONE)
            continue;
        for (size_t k = 0; k < t->n_pred; k++) {
            int32_t q = t->pred[k];
            if (c->task_end[q] == DD_TIME_NONE)
                continue;
            dd_time earliest = c->task_end[q] + t->pred_lag[k];
            if (c->task_start[i] >= earliest)
                continue;
            dd__vf_time(c, c->task_start[i], a, sizeof a);
            dd__vf_time(c, earliest, b, sizeof b);
            dd__vf_dur(t->pred_lag[k], u, sizeof u);
            dd__vf_add(c, DD_V_TASK_PRECEDENCE, T_NONE, 0, t->id, t->site, -1, 0, 0,
                       "task %s starts %s, before %s (%s ends plus %s)", t->id, a, b,
                       s->tasks[q].id, u);
        }
    }

    /* resource capacity per site, by sweep */
    size_t n_dem = 0;
    for (size_t i = 0; i < s->n_tasks; i++)
        n_dem += s->tasks[i].n_demand;
    rev *ev = malloc((2 * n_dem + 1) * sizeof *ev);
    if (!ev) {
        c->oom = true;
        return;
    }
    for (size_t j = 0; j < s->n_sites; j++)
        for (size_t r = 0; r < s->sites[j].n_resources; r++)
            check_resources(c, (int32_t)j, (int32_t)r, ev);
    free(ev);
}
