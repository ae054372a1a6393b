/* SPDX-License-Identifier: MIT */
/*
 * What binds a plan (docs/plan.md, "What binds"): the clearance caps, the
 * ramp, the fleet, the crews, exit processing or the ground tasks, named
 * with the figures that show it, for the plan's verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"
#include "plan/search.h"

/* When the caps are not full, what held the site that closed last over
 * its last week: a ramp class full most of its open time (MOG), or loads
 * that left as soon as they were ready (tasks). Sets the binding and its
 * detail and returns true, or returns false to keep the bound's. */
static bool critical_site(dd_plan *p, const dd__terms *terms)
{
    (void)terms;
    const dd_scenario *s = p->scenario;
    int32_t site = -1;
    for (size_t i = 0; i < p->n_sorties; i++)
        if (p->sorties[i].departure == p->completion)
            site = p->sorties[i].site;
    if (site < 0)
        return false;
    const dd_site *x = &s->sites[site];
    dd_time to = p->completion, from = to - 7 * (dd_time)1440;
    /* ramp: per class, ground minutes over the class's MOG x the window;
     * a window shorter than a week when the site flew for less */
    dd_time first = to;
    for (size_t i = 0; i < p->n_sorties; i++)
        if (p->sorties[i].site == site && p->sorties[i].arrival_at_site < first)
            first = p->sorties[i].arrival_at_site;
    if (first > from)
        from = first;
    if (to - from < 1440)
        return false;
    double open = dd__open_minutes(s, site);
    double span = (double)(to - from) * open / 1440.0;
    for (size_t k = 0; k < x->n_mog; k++) {
        if (x->mog[k].count <= 0)
            continue;
        double busy = 0;
        for (size_t i = 0; i < p->n_sorties; i++) {
            const dd_sortie *so = &p->sorties[i];
            if (so->site != site || s->aircraft[so->aircraft].klass != x->mog[k].klass)
                continue;
            dd_time a = so->arrival_at_site > from ? so->arrival_at_site : from;
            dd_time d = so->departure < to ? so->departure : to;
            if (d > a)
                busy += (double)(d - a);
        }
        double share = busy / ((double)x->mog[k].count * span);
        if (share >= 0.85) {
            p->binding = DD_BIND_MOG;
            snprintf(p->binding_detail, sizeof p->binding_detail,
                     "ramp at %s: %s MOG %d full %.0f%% of the last %.0f days",
                     x->id, s->classes[x->mog[k].klass], x->mog[k].count,
                     share > 1 ? 100.0 : 100 * share, (double)(to - from) / 1440.0);
            return true;
        }
    }
    /* tasks: most of the week's loads left within a day of being ready */
    int32_t n = 0, prompt = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        if (so->site != site || so->departure < from || so->load < 0)
            continue;
        dd_time ready = p->loads->loads[so->load].ready;
        n++;
        if (ready != DD_TIME_NONE && so->departure - ready <= 1440)
            prompt++;
    }
    if (n > 0 && prompt * 4 >= n * 3) {
        p->binding = DD_BIND_TASKS;
        snprintf(p->binding_detail, sizeof p->binding_detail,
                 "tasks at %s: %d of its last %d loads flew within a day of ready", x->id,
                 prompt, n);
        return true;
    }
    return false;
}

/* A weekly cap (country-wide, site -1, or an airfield's) that held the
 * end of the plan back: used up in a week that ends on one of the last
 * eight days (the departures after it waited for the week to turn). The
 * count and the cap, or false. */
static bool weekly_full(const dd_plan *p, const dd_cap_step *v, size_t n, int32_t site,
                        int32_t *cap, int32_t *count)
{
    const dd_scenario *s = p->scenario;
    int32_t last = dd_scenario_day(s, p->completion);
    int64_t day0 = (s->epoch_unix / 60 + s->agreement.tz_offset) / 1440;
    for (int32_t e = last; e >= last - 7 && e >= 0; e--) {
        const dd_cap_step *at = NULL;
        for (size_t i = 0; i < n && v[i].day <= e; i++)
            at = &v[i];
        if (!at || at->weekly <= 0)
            continue;
        int32_t lo = e - 6;
        if (s->agreement.clearance.calendar_week)
            lo = e - (int32_t)(((day0 + e + 3) % 7 + 7) % 7); /* Monday */
        int32_t k = 0;
        for (size_t i = 0; i < p->n_sorties; i++)
            if (p->clearances[i].day >= lo && p->clearances[i].day <= e &&
                (site < 0 || p->sorties[i].site == site))
                k++;
        if (k >= at->weekly) {
            *cap = at->weekly;
            *count = k;
            return true;
        }
    }
    return false;
}

/* The limit that held the plan back most: compare the completion with
 * each bound and with the caps actually filled near the end. */
dd_status dd__plan_binding(dd_plan *p, const dd__terms *terms)
{
    const dd_scenario *s = p->scenario;
    p->binding = p->completion_lb_binding;
    if (dd__crew_shut_out(p))
        return DD_OK; /* binding and detail set */
    /* a weekly cap used up by the last week says more than the bounds */
    int32_t wcap, wk;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    const char *wname = s->agreement.clearance.calendar_week ? "a calendar week" : "7 days";
    if (p->n_sorties > 0 && p->completion != DD_TIME_NONE &&
        weekly_full(p, ct->caps, ct->n_caps, -1, &wcap, &wk)) {
        p->binding = DD_BIND_CLEARANCE_CAP;
        snprintf(p->binding_detail, sizeof p->binding_detail,
                 "country-wide weekly clearance cap of %d flight%s/week (%d in %s before the "
                 "last departures)",
                 wcap, wcap == 1 ? "" : "s", wk, wname);
        return DD_OK;
    }
    for (size_t si = 0; p->n_sorties > 0 && p->completion != DD_TIME_NONE && si < s->n_sites;
         si++) {
        const dd_site *x = &s->sites[si];
        bool last_site = false;
        for (size_t i = 0; i < p->n_sorties && !last_site; i++)
            last_site = p->sorties[i].site == (int32_t)si &&
                        p->sorties[i].departure == p->completion;
        if (last_site && weekly_full(p, x->caps, x->n_caps, (int32_t)si, &wcap, &wk)) {
            p->binding = DD_BIND_SITE_CAP;
            snprintf(p->binding_detail, sizeof p->binding_detail,
                     "weekly clearance cap at %s of %d flight%s/week (%d in %s before the last "
                     "departures)",
                     x->id,
                     wcap, wcap == 1 ? "" : "s", wk, wname);
            return DD_OK;
        }
    }
    /* clearance caps full on the last days say more than the bounds */
    if (p->n_sorties > 0 && p->completion != DD_TIME_NONE) {
        int32_t last = dd_scenario_day(s, p->completion);
        int32_t full_country = 0, full_site = 0, days = 0;
        for (int32_t d = last - 6; d <= last; d++) {
            int32_t c = 0;
            int32_t *per = calloc(s->n_sites + 1, sizeof *per);
            if (!per)
                return DD_ENOMEM;
            for (size_t i = 0; i < p->n_sorties; i++)
                if (p->clearances[i].day == d) {
                    c++;
                    per[p->sorties[i].site]++;
                }
            days++;
            if (terms->country_cap > 0 && c >= terms->country_cap)
                full_country++;
            for (size_t si = 0; si < s->n_sites; si++)
                if (terms->site_cap[si] > 0 && per[si] >= terms->site_cap[si]) {
                    full_site++;
                    break;
                }
            free(per);
        }
        if (full_country * 2 >= days)
            p->binding = DD_BIND_CLEARANCE_CAP;
        else if (full_site * 2 >= days)
            p->binding = DD_BIND_SITE_CAP;
        else if (dd__overflight_full(p) || dd__hub_full(p, terms) || dd__crew_busy(p) ||
                 critical_site(p, terms))
            return DD_OK; /* binding and detail set */
    }
    char a[40];
    dd_scenario_format_time(s, p->completion_lb, 0, a, sizeof a);
    /* a bound that ends before the deadline does not explain a plan that
     * misses it: say so rather than name it */
    if (p->binding == p->completion_lb_binding && p->completion != DD_TIME_NONE &&
        p->completion > s->agreement.deadline && p->completion_lb <= s->agreement.deadline &&
        p->binding != DD_BIND_CLEARANCE_CAP && p->binding != DD_BIND_SITE_CAP) {
        snprintf(p->binding_detail, sizeof p->binding_detail,
                 "no single limit reaches the deadline (latest bound: %s, %s)",
                 p->completion_lb_binding == DD_BIND_TASKS && p->completion_lb_detail[0]
                     ? p->completion_lb_detail
                     : dd_binding_name(p->completion_lb_binding),
                 a);
        return DD_OK;
    }
    switch (p->binding) {
    case DD_BIND_CLEARANCE_CAP:
        if (terms->country_cap == 0) {
            snprintf(p->binding_detail, sizeof p->binding_detail, "%s",
                     p->completion_lb_detail);
            break;
        }
        snprintf(p->binding_detail, sizeof p->binding_detail,
                 "country-wide clearance cap of %d flight%s/day", terms->country_cap,
                 terms->country_cap == 1 ? "" : "s");
        break;
    case DD_BIND_SITE_CAP:
        snprintf(p->binding_detail, sizeof p->binding_detail,
                 "airfield clearance caps (per-day limits at the sites)");
        break;
    case DD_BIND_OPENS:
        if ((s->agreement.clearance.opens > terms->lead_time ? s->agreement.clearance.opens : terms->lead_time) > 0)
            snprintf(p->binding_detail, sizeof p->binding_detail,
                     "the first clearance, day %.1f (clearances open or lead time)",
                     (double)(s->agreement.clearance.opens > terms->lead_time ? s->agreement.clearance.opens : terms->lead_time) / 1440.0);
        else
            snprintf(p->binding_detail, sizeof p->binding_detail,
                     "none: the plan is limited by flying times only");
        break;
    case DD_BIND_TASKS:
        if (p->completion_lb_detail[0]) {
            snprintf(p->binding_detail, sizeof p->binding_detail, "%s, %s",
                     p->completion_lb_detail, a);
            break;
        }
        /* fall through */
    default:
        snprintf(p->binding_detail, sizeof p->binding_detail, "%s (lower bound %s)",
                 dd_binding_name(p->binding), a);
        break;
    }
    return DD_OK;
}

/* ---- relaxations --------------------------------------------------------- */
