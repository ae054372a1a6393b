/* SPDX-License-Identifier: MIT */
/*
 * Where the withdrawal stands (track.h): the events checked against the
 * plan, the state at a time, and the plan made again from that state by
 * the planner's re-planner.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drawdown/track.h>

#include "base/arena.h"

/* A status and its arrays, in one arena. */
typedef struct status_owned {
    dd_track_status st; /* first: a dd_track_status * is a status_owned * */
    dd_arena mem;
} status_owned;

void dd_track_status_free(dd_track_status *st)
{
    if (!st)
        return;
    status_owned *o = (status_owned *)st;
    dd__arena_fini(&o->mem);
    free(o);
}

static int32_t pax_count(const dd_sortie *so)
{
    int32_t n = 0;
    for (size_t k = 0; k < so->n_pax; k++)
        n += so->pax[k].count;
    return n;
}

static double cargo_kg(const dd_scenario *s, const dd_sortie *so)
{
    double c = so->weight_kg - s->passenger_kg * pax_count(so);
    return c > 0 ? c : 0;
}

/* Whether any load carries cargo rows (pallets or bulky items). */
static bool loads_carry_cargo(const dd_loadplan *lp)
{
    if (lp->n_pallets)
        return true;
    for (size_t i = 0; i < lp->n_loads; i++)
        for (size_t k = 0; k < lp->loads[i].n_items; k++)
            if (lp->loads[i].items[k].kind != DD_LI_PEOPLE)
                return true;
    return false;
}

/* What the events say, up to `at`. */
typedef struct state {
    dd_time *departed; /* per sortie */
    int32_t *tail;     /* per sortie: the tail that flew (0-based) */
    dd_time *ready;    /* per sortie: aborted until */
    dd_time *closed_until;   /* per site */
    dd_time **down_until;    /* [type][tail] */
    bool *voided;            /* per event: retracted */
} state;

static dd_status replan(const dd_plan *p, dd_track_status *st, const state *x,
                        dd_plan **plan_out)
{
    const dd_scenario *s = p->scenario;
    size_t n = p->n_sorties, na = s->n_aircraft;
    dd_arena mem; /* the re-plan's scratch */
    dd__arena_init(&mem, 0);
    dd_exec_sortie *xs = dd__arena_array(&mem, n + 1, sizeof *xs);
    dd_replan_sortie *ro = dd__arena_array(&mem, n + 1, sizeof *ro);
    dd_time **tf = dd__arena_array(&mem, na + 1, sizeof *tf);
    int32_t **th = dd__arena_array(&mem, na + 1, sizeof *th);
    dd_time *open = dd__arena_array(&mem, s->n_sites + 1, sizeof *open);
    dd_replanner *rp = NULL;
    dd_status rc = xs && ro && tf && th && open ? DD_OK : DD_ENOMEM;
    for (size_t a = 0; rc == DD_OK && a < na; a++) {
        int32_t most = dd_aircraft_tails_max(&s->aircraft[a]);
        tf[a] = dd__arena_array(&mem, (size_t)most + 1, sizeof **tf);
        th[a] = dd__arena_array(&mem, (size_t)most + 1, sizeof **th);
        if (!tf[a] || !th[a]) {
            rc = DD_ENOMEM;
            break;
        }
        for (int32_t k = 0; k < most; k++) {
            tf[a][k] = INT64_MIN / 4;
            th[a][k] = s->aircraft[a].home;
            if (x->down_until[a][k] != DD_TIME_NONE)
                tf[a][k] = x->down_until[a][k];
        }
    }
    /* where each tail is: after the last sortie it flew */
    for (size_t i = 0; rc == DD_OK && i < n; i++) {
        if (x->departed[i] == DD_TIME_NONE)
            continue;
        const dd_sortie *so = &p->sorties[i];
        const dd_aircraft *a = &s->aircraft[so->aircraft];
        dd_time free_at = x->departed[i] + (so->arrival - so->departure) + a->ground_time;
        int32_t k = x->tail[i];
        if (free_at > tf[so->aircraft][k]) {
            tf[so->aircraft][k] = free_at;
            th[so->aircraft][k] = so->hub;
        }
    }
    dd_time validity = s->agreement.clearance.validity;
    for (size_t i = 0; rc == DD_OK && i < n; i++) {
        const dd_sortie *so = &p->sorties[i];
        const dd_track_sortie *ts = &st->sorties[i];
        dd_exec_sortie *e = &xs[i];
        e->departed = x->departed[i];
        e->carries = (int32_t)i;
        /* no earlier than planned: loads, people and manifests are set
         * for the planned time */
        e->ready = so->departure;
        if (x->ready[i] != DD_TIME_NONE && x->ready[i] > e->ready)
            e->ready = x->ready[i];
        e->window_from = e->window_to = DD_TIME_NONE;
        if (ts->request == DD_REQ_APPROVED || ts->request == DD_REQ_FILED ||
            ts->request == DD_REQ_NOT_DUE) {
            e->window_from = ts->window_from;
            e->window_to = ts->window_to;
            if (e->window_to == DD_TIME_NONE)
                e->window_to = e->window_from + validity;
        }
    }
    if (rc == DD_OK) {
        dd_exec_state es = {.now = st->at,
                            .sorties = xs,
                            .site_open = NULL,
                            .tail_free = (const dd_time *const *)tf,
                            .tail_hub = (const int32_t *const *)th,
                            .keep_clearances = true};
        for (size_t k = 0; k < s->n_sites; k++)
            open[k] = st->sites[k].closed_until;
        es.site_open = open;
        rc = dd_replanner_new(p, &rp);
        if (rc == DD_OK)
            rc = dd_replanner_run(rp, &es, ro);
        if (rc == DD_OK && plan_out)
            rc = dd_replanner_plan(rp, &es, ro, plan_out);
    }
    if (rc == DD_OK) {
        dd_time last = DD_TIME_NONE;
        for (size_t i = 0; i < n; i++) {
            dd_track_sortie *ts = &st->sorties[i];
            const dd_sortie *so = &p->sorties[i];
            dd_time d = x->departed[i] != DD_TIME_NONE ? x->departed[i] : ro[i].departure;
            ts->projected = d;
            ts->keeps_clearance = x->departed[i] != DD_TIME_NONE || ro[i].keeps_clearance;
            if (d == DD_TIME_NONE) {
                st->sorties_unplaced++;
                continue;
            }
            if (x->departed[i] == DD_TIME_NONE && !ro[i].keeps_clearance)
                st->requests_to_file++;
            if (last == DD_TIME_NONE || d > last)
                last = d;
            dd_track_site *site = &st->sites[so->site];
            if (site->projected_close == DD_TIME_NONE || d > site->projected_close)
                site->projected_close = d;
        }
        st->completion_projected = st->sorties_unplaced ? DD_TIME_NONE : last;
    }
    dd_replanner_free(rp);
    dd__arena_fini(&mem);
    return rc;
}

/* Before any event: each sortie as planned, each site open. */
static void start_state(const dd_plan *p, dd_track_status *st, state *x)
{
    const dd_scenario *s = p->scenario;
    for (size_t i = 0; i < p->n_sorties; i++) {
        dd_track_sortie *ts = &st->sorties[i];
        const dd_sortie *so = &p->sorties[i];
        x->departed[i] = DD_TIME_NONE;
        x->tail[i] = so->tail;
        x->ready[i] = DD_TIME_NONE;
        ts->departed = ts->projected = DD_TIME_NONE;
        const dd_clearance_req *c =
            so->clearance >= 0 ? &p->clearances[so->clearance] : NULL;
        ts->window_from = c ? c->window_from : DD_TIME_NONE;
        ts->window_to = c ? c->window_to : DD_TIME_NONE;
        ts->request = c && c->file_by < st->at ? DD_REQ_OVERDUE : DD_REQ_NOT_DUE;
    }
    for (size_t k = 0; k < s->n_sites; k++) {
        x->closed_until[k] = DD_TIME_NONE;
        st->sites[k].closed_until = DD_TIME_NONE;
        st->sites[k].projected_close = DD_TIME_NONE;
    }
}

/* One event (not voided, not after the status time) applied. */
static void apply_event(const dd_scenario *s, const dd_event *e, size_t f, dd_time at,
                        dd_track_status *st, state *x)
{
    switch (e->kind) {
    case DD_EV_DEPARTED:
        x->departed[f] = e->at;
        if (e->tail > 0)
            x->tail[f] = e->tail - 1;
        break;
    case DD_EV_ABORTED:
        x->ready[f] = e->until != DD_TIME_NONE ? e->until : e->at + 60;
        break;
    case DD_EV_FILED:
        st->sorties[f].request = DD_REQ_FILED;
        break;
    case DD_EV_APPROVED:
        st->sorties[f].request = DD_REQ_APPROVED;
        if (e->window_from != DD_TIME_NONE) {
            st->sorties[f].window_from = e->window_from;
            st->sorties[f].window_to = e->window_to;
        }
        break;
    case DD_EV_DENIED:
        st->sorties[f].request = DD_REQ_DENIED;
        break;
    case DD_EV_TASK_DONE:
        st->task_done[e->index] = true;
        st->task_done_at[e->index] = e->at;
        break;
    case DD_EV_PROCESSED:
        st->sites[s->people[e->index].site].processed += e->count;
        st->processed += e->count;
        break;
    case DD_EV_CLOSED:
        if (e->until > at)
            x->closed_until[e->index] = e->until;
        else if (x->closed_until[e->index] != DD_TIME_NONE && x->closed_until[e->index] <= at)
            x->closed_until[e->index] = DD_TIME_NONE;
        break;
    case DD_EV_TAIL_DOWN:
        if (e->until > at)
            x->down_until[e->index][e->tail - 1] = e->until;
        break;
    case DD_EV_RETRACTED:
    case DD_EV_NOTE:
    case DD_EV_COUNT:
        break;
    }
}

/* The events up to the status time, in the log's order; corrections apply
 * whenever they were made: a retracted event is as if it had never been
 * recorded. */
static void apply_events(const dd_plan *p, const dd_events *ev, dd_track_status *st,
                         state *x)
{
    const dd_scenario *s = p->scenario;
    size_t ne = ev ? ev->n : 0;
    for (size_t i = 0; i < ne; i++)
        if (ev->v[i].kind == DD_EV_RETRACTED && ev->v[i].ref >= 1 && (size_t)ev->v[i].ref <= ne)
            x->voided[ev->v[i].ref - 1] = true;
    for (size_t i = 0; i < ne; i++) {
        const dd_event *e = &ev->v[i];
        if (e->at > st->at || x->voided[i])
            continue;
        st->n_events++;
        size_t f = e->sortie > 0 ? (size_t)e->sortie - 1 : 0;
        if (e->sortie > 0 && f >= p->n_sorties)
            continue; /* checked when added; a changed plan is refused earlier */
        apply_event(s, e, f, st->at, st, x);
    }
    for (size_t k = 0; k < s->n_sites; k++)
        st->sites[k].closed_until = x->closed_until[k];
    for (size_t a = 0; a < s->n_aircraft; a++)
        for (int32_t j = 0; x->down_until[a][j] != INT64_MAX; j++)
            if (x->down_until[a][j] != DD_TIME_NONE)
                st->tails_down++;
}

/* A request's state counted. */
static void count_request(const dd_track_sortie *ts, dd_track_status *st)
{
    switch (ts->request) {
    case DD_REQ_OVERDUE:
        if (ts->state != DD_SORTIE_DEPARTED)
            st->requests_overdue++;
        break;
    case DD_REQ_FILED: st->requests_filed++; break;
    case DD_REQ_APPROVED: st->requests_approved++; break;
    case DD_REQ_DENIED: st->requests_denied++; break;
    case DD_REQ_NOT_DUE: break;
    }
}

/* Each sortie's state, and the sorties, people, cargo and requests per
 * site, planned and done by the status time. */
static void tally_sorties(const dd_plan *p, dd_track_status *st, const state *x)
{
    const dd_scenario *s = p->scenario;
    const dd_time at = st->at;
    for (size_t i = 0; i < p->n_sorties; i++) {
        dd_track_sortie *ts = &st->sorties[i];
        const dd_sortie *so = &p->sorties[i];
        dd_track_site *site = &st->sites[so->site];
        int32_t pax = pax_count(so);
        double kg = cargo_kg(s, so);
        site->sorties_total++;
        site->people_total += pax;
        site->cargo_total_kg += kg;
        bool due = so->departure <= at;
        if (due) {
            st->sorties_due++;
            site->sorties_out_plan++;
            site->people_out_plan += pax;
            site->cargo_out_plan_kg += kg;
        }
        ts->departed = x->departed[i];
        if (ts->departed != DD_TIME_NONE) {
            ts->state = DD_SORTIE_DEPARTED;
            st->sorties_departed++;
            site->sorties_out++;
            site->people_out += pax;
            site->cargo_out_kg += kg;
            ts->outside_window = ts->window_from != DD_TIME_NONE &&
                                 (ts->departed < ts->window_from ||
                                  ts->departed >= ts->window_to);
        } else if (x->ready[i] != DD_TIME_NONE) {
            ts->state = DD_SORTIE_ABORTED;
            st->sorties_aborted++;
        } else if (due) {
            ts->state = DD_SORTIE_OVERDUE;
            st->sorties_overdue++;
        } else {
            ts->state = DD_SORTIE_PLANNED;
        }
        if (so->clearance < 0)
            continue;
        if (p->clearances[so->clearance].file_by <= at)
            st->requests_due++;
        count_request(ts, st);
    }
}

/* Exit processing as planned (people leaving on or before the status
 * day) and the tasks due, done and late. */
static void tally_people_tasks(const dd_plan *p, dd_track_status *st)
{
    const dd_scenario *s = p->scenario;
    int32_t today = dd_scenario_day(s, st->at);
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        if (mv->day <= today) {
            st->sites[s->people[mv->people].site].processed_plan += mv->count;
            st->processed_plan += mv->count;
        }
    }
    for (size_t k = 0; k < s->n_tasks; k++) {
        if (p->tasks[k].end <= st->at)
            st->tasks_due++;
        if (st->task_done[k])
            st->tasks_done++;
        else if (p->tasks[k].end <= st->at)
            st->tasks_late++;
    }
}

static dd_status compute(const dd_plan *p, const dd_events *ev, dd_track_status *st,
                         state *x, dd_plan **plan_out)
{
    const dd_scenario *s = p->scenario;
    start_state(p, st, x);
    apply_events(p, ev, st, x);
    tally_sorties(p, st, x);
    tally_people_tasks(p, st);
    st->completion_plan = p->completion;
    dd_status rc = replan(p, st, x, plan_out);
    if (rc != DD_OK)
        return rc;
    if (st->completion_projected != DD_TIME_NONE) {
        st->deadline_met_projected = st->completion_projected <= s->agreement.deadline;
        st->terms_met_projected = st->deadline_met_projected;
        for (size_t k = 0; k < s->n_sites; k++)
            if (s->sites[k].close_by != DD_TIME_NONE &&
                st->sites[k].projected_close != DD_TIME_NONE &&
                st->sites[k].projected_close > s->sites[k].close_by)
                st->terms_met_projected = false;
        st->slip_hours = (double)(st->completion_projected - p->completion) / 60.0;
    }
    return DD_OK;
}

dd_status dd_track_status_compute(const dd_plan *p, const dd_events *ev, dd_time at,
                                  dd_track_status **out, dd_plan **plan_out)
{
    *out = NULL;
    if (plan_out)
        *plan_out = NULL;
    const dd_scenario *s = p->scenario;
    /* a plan read for events only (DD_TRACK_FOR_EVENTS) has no loads to
     * move */
    for (size_t i = 0; !p->loads && i < p->n_sorties; i++)
        if (p->sorties[i].load >= 0)
            return DD_EARG;
    /* nor, for the new plan's figures, a scenario read without its cargo
     * rows (DD_TRACK_FOR_STATUS) */
    if (plan_out && p->loads && s->n_cargo == 0 && loads_carry_cargo(p->loads))
        return DD_EARG;
    if (at == DD_TIME_NONE) {
        at = 0;
        for (size_t i = 0; ev && i < ev->n; i++)
            if (ev->v[i].at > at)
                at = ev->v[i].at;
    }
    status_owned *o = calloc(1, sizeof *o);
    if (!o)
        return DD_ENOMEM;
    dd_track_status *st = &o->st;
    dd_arena *m = &o->mem; /* the status's arrays */
    dd__arena_init(m, 0);
    st->at = at;
    st->n_sorties = p->n_sorties;
    size_t n = p->n_sorties + 1, ns = s->n_sites + 1, nt = s->n_tasks + 1;
    st->sorties = dd__arena_array(m, n, sizeof *st->sorties);
    st->sites = dd__arena_array(m, ns, sizeof *st->sites);
    st->task_done = dd__arena_array(m, nt, sizeof *st->task_done);
    st->task_done_at = dd__arena_array(m, nt, sizeof *st->task_done_at);
    dd_arena scratch; /* what the events say */
    dd__arena_init(&scratch, 0);
    dd_arena *w = &scratch;
    state x = {dd__arena_array(w, n, sizeof *x.departed), dd__arena_array(w, n, sizeof *x.tail),
               dd__arena_array(w, n, sizeof *x.ready),
               dd__arena_array(w, ns, sizeof *x.closed_until),
               dd__arena_array(w, s->n_aircraft + 1, sizeof *x.down_until),
               dd__arena_array(w, (ev ? ev->n : 0) + 1, sizeof *x.voided)};
    dd_status rc = st->sorties && st->sites && st->task_done && st->task_done_at &&
                           x.departed && x.tail && x.ready && x.closed_until && x.down_until &&
                           x.voided
                       ? DD_OK
                       : DD_ENOMEM;
    for (size_t a = 0; rc == DD_OK && a < s->n_aircraft; a++) {
        int32_t most = dd_aircraft_tails_max(&s->aircraft[a]);
        x.down_until[a] = dd__arena_array(w, (size_t)most + 1, sizeof **x.down_until);
        if (!x.down_until[a]) {
            rc = DD_ENOMEM;
            break;
        }
        for (int32_t j = 0; j < most; j++)
            x.down_until[a][j] = DD_TIME_NONE;
        x.down_until[a][most] = INT64_MAX; /* end of the type's tails */
    }
    if (rc == DD_OK)
        rc = compute(p, ev, st, &x, plan_out);
    dd__arena_fini(&scratch);
    if (rc != DD_OK) {
        dd_track_status_free(st);
        return rc;
    }
    *out = st;
    return DD_OK;
}
