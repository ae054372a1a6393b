/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "plan/plan_int.h"
#include "plan/search.h"

/* The relaxation search (docs/plan.md, "When the plan misses"): every
 * single change a planner could ask the other side or the fleet for —
 * more clearances a day (country-wide, per airfield), more tails of a
 * type, faster exit processing at a site, a shorter clearance lead time —
 * is re-planned with the search (4 placement orders), and the smallest
 * step that meets every term is kept. The steps of one change are tried
 * largest first (when even the largest fails, the change is dropped
 * after one try), then bisected. The date changes (a later deadline, a
 * later closing date, a later milestone) need no re-plan: the plan as it
 * stands meets the moved date. Everything stops at the budget
 * (relax_time_s); what was not tried is said. */
typedef struct relax_run {
    dd_plan *p, *probe, *work;
    const dd__terms *base;
    dd__terms t;
    const dd_plan_options *o;
    double t0;
    bool out_of_time;
} relax_run;

static void reset_terms(relax_run *r)
{
    const dd_scenario *s = r->p->scenario;
    /* the ground tasks' times as planned (a change may have shortened them) */
    for (dd_plan *q = r->probe; q; q = q == r->probe ? r->work : NULL) {
        memcpy(q->tasks, r->p->tasks, s->n_tasks * sizeof *q->tasks);
        memcpy(q->released, r->p->released, s->n_people * sizeof *q->released);
        memcpy(q->cargo_ready, r->p->cargo_ready, s->n_cargo * sizeof *q->cargo_ready);
    }
    r->t.country_cap = r->base->country_cap;
    r->t.lead_time = r->base->lead_time;
    memcpy(r->t.site_cap, r->base->site_cap, s->n_sites * sizeof *r->t.site_cap);
    memcpy(r->t.exit_per_day, r->base->exit_per_day, s->n_sites * sizeof *r->t.exit_per_day);
    memcpy(r->t.extra_tails, r->base->extra_tails, s->n_aircraft * sizeof *r->t.extra_tails);
    memcpy(r->t.extra_mog, r->base->extra_mog, s->n_sites * sizeof *r->t.extra_mog);
    memcpy(r->t.hub_people, r->base->hub_people, s->n_hubs * sizeof *r->t.hub_people);
}

typedef void (*relax_apply)(relax_run *r, int64_t step, const void *ctx);

static dd_status try_step(relax_run *r, relax_apply apply, const void *ctx, int64_t step,
                          bool *met)
{
    *met = false;
    /* a try is a search of 4 placement orders: it starts only if, at the
     * pace of the plan's own search, it ends within the budget */
    double per_order = r->p->iterations ? r->p->seconds / (double)r->p->iterations : 0;
    if (r->o->relax_time_s > 0 && dd__mono_s() - r->t0 + 4 * per_order > r->o->relax_time_s) {
        r->out_of_time = true;
        return DD_OK;
    }
    reset_terms(r);
    apply(r, step, ctx);
    dd_status st = dd__plan_search(r->probe, r->work, &r->t, r->o, 4, r->p->fleet_mix);
    *met = st == DD_OK && r->probe->deadline_met && !r->probe->terms_broken;
    return st;
}

/* The smallest step in steps[0..n) (increasing) that meets the terms,
 * or -1. */
static dd_status smallest_step(relax_run *r, relax_apply apply, const void *ctx,
                               const int64_t *steps, size_t n, int64_t *found)
{
    *found = -1;
    bool met;
    dd_status st = try_step(r, apply, ctx, steps[n - 1], &met);
    if (st != DD_OK || !met)
        return st;
    size_t lo = 0, hi = n - 1; /* steps[hi] meets; below lo none known */
    while (lo < hi && st == DD_OK && !r->out_of_time) {
        size_t mid = lo + (hi - lo) / 2;
        st = try_step(r, apply, ctx, steps[mid], &met);
        if (met)
            hi = mid;
        else
            lo = mid + 1;
    }
    *found = steps[hi];
    return st;
}

static void add_relax(dd_plan *p, const char *change, int32_t site, int32_t aircraft,
                      int64_t value, int64_t was, const char *text)
{
    if (p->n_relaxations >= sizeof p->relaxations / sizeof *p->relaxations)
        return;
    dd_relaxation *r = &p->relaxations[p->n_relaxations++];
    snprintf(r->change, sizeof r->change, "%s", change);
    r->site = site;
    r->aircraft = aircraft;
    r->value = value;
    r->was = was;
    snprintf(r->text, sizeof r->text, "%s", text);
}

static void apply_country_cap(relax_run *r, int64_t step, const void *ctx)
{
    (void)ctx;
    r->t.country_cap = r->base->country_cap + (int32_t)step;
}

static void apply_site_cap(relax_run *r, int64_t step, const void *ctx)
{
    size_t si = *(const size_t *)ctx;
    r->t.site_cap[si] = r->base->site_cap[si] + (int32_t)step;
}

static void apply_tails(relax_run *r, int64_t step, const void *ctx)
{
    size_t a = *(const size_t *)ctx;
    r->t.extra_tails[a] = r->base->extra_tails[a] + (int32_t)step;
}

static void apply_mog(relax_run *r, int64_t step, const void *ctx)
{
    size_t si = *(const size_t *)ctx;
    r->t.extra_mog[si] = r->base->extra_mog[si] + (int32_t)step;
}

/* a hub's people a day, up by step per cent (at least one) */
static void apply_hub(relax_run *r, int64_t step, const void *ctx)
{
    size_t h = *(const size_t *)ctx;
    int64_t base = r->base->hub_people[h];
    int64_t more = base * step / 100;
    r->t.hub_people[h] = (int32_t)(base + (more > 0 ? more : 1));
}

/* Did some sortie's people fill hub h on the day it landed? */
static bool hub_filled(const dd_plan *p, int32_t h, int32_t cap)
{
    const dd_scenario *s = p->scenario;
    int32_t *day = NULL;
    size_t nd = 0;
    bool full = false;
    for (size_t i = 0; i < p->n_sorties && !full; i++) {
        const dd_sortie *so = &p->sorties[i];
        int32_t d = dd_scenario_day(s, so->arrival);
        if (so->hub != h || d < 0)
            continue;
        if ((size_t)d >= nd) {
            size_t n = (size_t)d + 64;
            int32_t *v = realloc(day, n * sizeof *v);
            if (!v)
                break; /* not known: not tried */
            memset(v + nd, 0, (n - nd) * sizeof *v);
            day = v;
            nd = n;
        }
        for (size_t k = 0; k < so->n_pax; k++)
            day[d] += so->pax[k].count;
        full = day[d] >= cap;
    }
    free(day);
    return full;
}

static void apply_exits(relax_run *r, int64_t step, const void *ctx)
{
    size_t si = *(const size_t *)ctx;
    r->t.exit_per_day[si] = r->base->exit_per_day[si] + (int32_t)step;
}

static void apply_lead(relax_run *r, int64_t step, const void *ctx)
{
    (void)ctx;
    r->t.lead_time = r->base->lead_time - step * DD_MINUTES_PER_DAY;
}

/* Ground tasks `step` per cent shorter: the schedule found, scaled about
 * the epoch (a uniform scaling keeps every precedence, lag and resource
 * limit of the shorter tasks), and the releases that follow from it. */
static void apply_tasks(relax_run *r, int64_t step, const void *ctx)
{
    (void)ctx;
    const dd_scenario *s = r->p->scenario;
    for (dd_plan *q = r->probe; q; q = q == r->probe ? r->work : NULL) {
        for (size_t k = 0; k < s->n_tasks; k++) {
            q->tasks[k].start = r->p->tasks[k].start * (100 - step) / 100;
            q->tasks[k].end = r->p->tasks[k].end * (100 - step) / 100;
        }
        dd__plan_release_times(q);
    }
}

/* Whole days (rounded up) by which `late` minutes pass a date. */
static int64_t days_late(dd_time late)
{
    return (late + DD_MINUTES_PER_DAY - 1) / DD_MINUTES_PER_DAY;
}

/* The date changes: when the plan misses exactly one date term (the
 * deadline, one site's closing date or one milestone) and keeps the
 * others and the people terms, moving that date meets them all with the
 * plan as it stands. */
static void date_relaxation(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    if (!p->all_out || p->terms_broken || p->completion == DD_TIME_NONE)
        return;
    int missed = 0;
    char text[160];
    const char *change = NULL;
    int32_t site = -1;
    int64_t days = 0;
    if (p->completion > s->agreement.deadline) {
        missed++;
        days = days_late(p->completion - s->agreement.deadline);
        change = "deadline";
        snprintf(text, sizeof text, "a deadline %lld day%s later (this plan then meets it)",
                 (long long)days, days == 1 ? "" : "s");
    }
    for (size_t si = 0; si < s->n_sites; si++) {
        const dd_site *x = &s->sites[si];
        if (x->close_by == DD_TIME_NONE || p->sites[si].closure == DD_TIME_NONE ||
            p->sites[si].closure <= x->close_by)
            continue;
        missed++;
        days = days_late(p->sites[si].closure - x->close_by);
        change = "close_by";
        site = (int32_t)si;
        snprintf(text, sizeof text, "%s's closing date %lld day%s later (this plan then meets it)",
                 x->id, (long long)days, days == 1 ? "" : "s");
    }
    for (size_t m = 0; m < s->agreement.n_milestones; m++) {
        const dd_milestone_result *r = &p->milestones[m];
        if (r->met)
            continue;
        missed++;
        if (r->achieved == DD_TIME_NONE) {
            missed++; /* no date meets it */
            continue;
        }
        days = days_late(r->achieved - s->agreement.milestones[m].at);
        change = "milestone";
        snprintf(text, sizeof text, "milestone %s %lld day%s later (this plan then meets it)",
                 s->agreement.milestones[m].id, (long long)days, days == 1 ? "" : "s");
    }
    if (missed == 1 && change)
        add_relax(p, change, site, -1, days, 0, text);
}

/* Did a site's ramp hold two aircraft or more at once (else more spots
 * cannot help)? */
static bool ramp_used(const dd_plan *p, int32_t site)
{
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *a = &p->sorties[i];
        if (a->site != site)
            continue;
        for (size_t j = i + 1; j < p->n_sorties; j++) {
            const dd_sortie *b = &p->sorties[j];
            if (b->site == site && a->arrival_at_site < b->departure &&
                b->arrival_at_site < a->departure)
                return true;
        }
    }
    return dd_site_mog_total(&p->scenario->sites[site]) <= 1;
}

dd_status dd__plan_relaxations(dd_plan *p, const dd__terms *base, const dd_plan_options *o)
{
    const dd_scenario *s = p->scenario;
    relax_run r = {.p = p,
                   .probe = dd__plan_new(s),
                   .work = dd__plan_new(s),
                   .base = base,
                   .o = o,
                   .t0 = dd__mono_s()};
    dd_status st = dd__terms_init(&r.t, s);
    if (!r.probe || !r.work || st != DD_OK) {
        dd_plan_free(r.probe);
        dd_plan_free(r.work);
        dd__terms_fini(&r.t);
        return DD_ENOMEM;
    }
    for (dd_plan *q = r.probe; q; q = q == r.probe ? r.work : NULL) {
        memcpy(q->tasks, p->tasks, s->n_tasks * sizeof *q->tasks);
        memcpy(q->released, p->released, s->n_people * sizeof *q->released);
        memcpy(q->cargo_ready, p->cargo_ready, s->n_cargo * sizeof *q->cargo_ready);
    }
    static const int64_t caps[] = {1, 2, 3, 4, 5, 6, 8, 10, 12};
    static const int64_t tails[] = {1, 2, 3, 4, 5, 6, 8};
    static const int64_t exits[] = {10, 20, 30, 40, 50, 100, 150, 200, 300, 400};
    char text[160];
    int64_t k;
    if (base->country_cap >= 0) {
        st = smallest_step(&r, apply_country_cap, NULL, caps, sizeof caps / sizeof *caps, &k);
        if (st == DD_OK && k > 0) {
            snprintf(text, sizeof text, "%lld clearance%s/day country-wide (now %d)",
                     (long long)(base->country_cap + k), base->country_cap + k == 1 ? "" : "s",
                     base->country_cap);
            add_relax(p, "daily_cap", -1, -1, base->country_cap + k, base->country_cap, text);
        }
    }
    for (size_t si = 0; si < s->n_sites && st == DD_OK; si++) {
        if (base->site_cap[si] < 0)
            continue;
        st = smallest_step(&r, apply_site_cap, &si, caps, sizeof caps / sizeof *caps, &k);
        if (st == DD_OK && k > 0) {
            snprintf(text, sizeof text, "%lld clearance%s/day at %s (now %d)",
                     (long long)(base->site_cap[si] + k), base->site_cap[si] + k == 1 ? "" : "s",
                     s->sites[si].id, base->site_cap[si]);
            add_relax(p, "site_daily_cap", (int32_t)si, -1, base->site_cap[si] + k,
                      base->site_cap[si], text);
        }
    }
    for (size_t a = 0; a < s->n_aircraft && st == DD_OK; a++) {
        st = smallest_step(&r, apply_tails, &a, tails, sizeof tails / sizeof *tails, &k);
        if (st == DD_OK && k > 0) {
            snprintf(text, sizeof text, "%lld more %s tail%s", (long long)k, s->aircraft[a].id,
                     k == 1 ? "" : "s");
            add_relax(p, "tails", -1, (int32_t)a, k, 0, text);
        }
    }
    /* the ramp: parking spots at a site (its total MOG and each class it
     * takes), where the plan kept the ramp busy */
    static const int64_t spots[] = {1, 2, 3, 4, 6, 8};
    for (size_t si = 0; si < s->n_sites && st == DD_OK; si++) {
        if (dd_site_mog_total(&s->sites[si]) <= 0 || !ramp_used(p, (int32_t)si))
            continue;
        st = smallest_step(&r, apply_mog, &si, spots, sizeof spots / sizeof *spots, &k);
        if (st == DD_OK && k > 0) {
            snprintf(text, sizeof text, "%lld more parking spot%s (MOG) at %s (now %d)",
                     (long long)k, k == 1 ? "" : "s", s->sites[si].id,
                     dd_site_mog_total(&s->sites[si]));
            add_relax(p, "mog", (int32_t)si, -1, k, 0, text);
        }
    }
    /* a hub's people a day, where the plan filled it some day */
    static const int64_t pct[] = {10, 25, 50, 100, 200};
    for (size_t h = 0; h < s->n_hubs && st == DD_OK; h++) {
        int32_t cap = base->hub_people[h];
        if (cap < 0 || !hub_filled(p, (int32_t)h, cap))
            continue;
        st = smallest_step(&r, apply_hub, &h, pct, sizeof pct / sizeof *pct, &k);
        if (st == DD_OK && k > 0) {
            int64_t more = (int64_t)cap * k / 100;
            int64_t to = cap + (more > 0 ? more : 1);
            snprintf(text, sizeof text, "%lld people a day at hub %s (now %d)",
                     (long long)to, s->hubs[h].id, cap);
            add_relax(p, "hub_people", -1, -1, to, cap, text);
        }
    }
    for (size_t si = 0; si < s->n_sites && st == DD_OK; si++) {
        if (base->exit_per_day[si] < 0)
            continue;
        st = smallest_step(&r, apply_exits, &si, exits, sizeof exits / sizeof *exits, &k);
        if (st == DD_OK && k > 0) {
            snprintf(text, sizeof text, "exit processing of %lld/day at %s (now %d)",
                     (long long)(base->exit_per_day[si] + k), s->sites[si].id,
                     base->exit_per_day[si]);
            add_relax(p, "exit_per_day", (int32_t)si, -1, base->exit_per_day[si] + k,
                      base->exit_per_day[si], text);
        }
    }
    int64_t lead_days = base->lead_time / DD_MINUTES_PER_DAY;
    if (lead_days > 0 && st == DD_OK) {
        int64_t cuts[64];
        size_t n = 0;
        for (int64_t d = 1; d <= lead_days && n < 64; d++)
            cuts[n++] = d;
        st = smallest_step(&r, apply_lead, NULL, cuts, n, &k);
        if (st == DD_OK && k > 0) {
            dd_time lead = base->lead_time - k * DD_MINUTES_PER_DAY;
            snprintf(text, sizeof text, "a clearance lead time of %.0f days (now %.0f)",
                     (double)lead / 1440.0, (double)base->lead_time / 1440.0);
            add_relax(p, "lead_time", -1, -1, lead, base->lead_time, text);
        }
    }
    if (s->n_tasks && st == DD_OK) {
        static const int64_t shorter[] = {10, 20, 30, 40, 50};
        st = smallest_step(&r, apply_tasks, NULL, shorter, sizeof shorter / sizeof *shorter, &k);
        if (st == DD_OK && k > 0) {
            snprintf(text, sizeof text, "ground tasks %lld%% shorter (every task)",
                     (long long)k);
            add_relax(p, "tasks", -1, -1, k, 0, text);
        }
    }
    p->relax_incomplete = r.out_of_time;
    date_relaxation(p);
    dd_plan_free(r.probe);
    dd_plan_free(r.work);
    dd__terms_fini(&r.t);
    return st;
}
