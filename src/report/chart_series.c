/* SPDX-License-Identifier: MIT */
/*
 * The numbers each chart plots, computed once from the plan file and used
 * both by the drawing code and by tests (golden series, not pixels).
 */
#include <stdlib.h>
#include <string.h>

#include "report/brief_int.h"

dd_status dd__series_add(dd_brief_series_list *l, const char *name, size_t n)
{
    dd_brief_series *v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v)
        return DD_ENOMEM;
    l->v = v;
    dd_brief_series *s = &v[l->n];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->x = calloc(n ? n : 1, sizeof *s->x);
    s->y = calloc(n ? n : 1, sizeof *s->y);
    if (!s->x || !s->y) {
        free(s->x);
        free(s->y);
        return DD_ENOMEM;
    }
    s->n = n;
    l->n++;
    return DD_OK;
}

void dd_brief_series_fini(dd_brief_series_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].x);
        free(l->v[i].y);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int64_t local_day(const dd_brief *b, int64_t t)
{
    int64_t l = t + b->offset_min;
    return l >= 0 ? l / 1440 : -((-l + 1439) / 1440);
}

/* Per site, one value per day from its daily figures. */
static dd_status site_days(const dd_brief *b, dd_brief_series_list *l, const char *what,
                           double (*get)(const br_day *))
{
    for (size_t i = 0; i < b->n_sites; i++) {
        const br_site *s = &b->sites[i];
        char name[64];
        snprintf(name, sizeof name, "%s %s", what, s->id);
        dd_status st = dd__series_add(l, name, s->n_days);
        if (st)
            return st;
        dd_brief_series *v = &l->v[l->n - 1];
        for (size_t k = 0; k < s->n_days; k++) {
            v->x[k] = (double)(s->days[k].date - b->first_day);
            v->y[k] = get(&s->days[k]);
        }
    }
    return DD_OK;
}

static double people_of(const br_day *d)
{
    double n = 0;
    for (int r = 0; r < BR_ROLES; r++)
        n += d->people[r];
    return n;
}
static double tonnes_of(const br_day *d) { return d->cargo_kg / 1000.0; }
static double mog_of(const br_day *d) { return d->mog_peak; }
static double clear_of(const br_day *d) { return d->clearances; }
static double sec_of(const br_day *d) { return d->people[BR_SEC]; }
static double req_of(const br_day *d) { return d->security_required; }

/* All sites together, one value per day of the chart's span: a site
 * counts its first figure before its first day and its last after its
 * last (a closed site's last day shows what it left). */
/* A series of one value per day of the chart's span, x the day's index. */
static dd_brief_series *day_series(dd_brief_series_list *l, const char *name, size_t n_days,
                                   dd_status *st)
{
    *st = dd__series_add(l, name, n_days);
    if (*st)
        return NULL;
    dd_brief_series *v = &l->v[l->n - 1];
    for (size_t k = 0; k < n_days; k++)
        v->x[k] = (double)k;
    return v;
}

static dd_status all_sites(const dd_brief *b, dd_brief_series_list *l, const char *name,
                           double (*get)(const br_day *))
{
    size_t n_days = (size_t)(b->last_day - b->first_day + 1);
    dd_status st;
    dd_brief_series *v = day_series(l, name, n_days, &st);
    if (!v)
        return st;
    for (size_t i = 0; i < b->n_sites; i++) {
        const br_site *s = &b->sites[i];
        if (!s->n_days)
            continue;
        size_t j = 0;
        for (size_t k = 0; k < n_days; k++) {
            int64_t date = b->first_day + (int64_t)k;
            while (j + 1 < s->n_days && s->days[j + 1].date <= date)
                j++;
            v->y[k] += get(&s->days[j]);
        }
    }
    return DD_OK;
}

/* Per site, events per host day over the chart's span. */
static dd_status per_day(const dd_brief *b, dd_brief_series_list *l, const char *what,
                         bool clearances)
{
    size_t n_days = (size_t)(b->last_day - b->first_day + 1);
    for (size_t i = 0; i < b->n_sites; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s %s", what, b->sites[i].id);
        dd_status st;
        dd_brief_series *v = day_series(l, name, n_days, &st);
        if (!v)
            return st;
        size_t n = clearances ? b->n_clears : b->n_sorties;
        for (size_t k = 0; k < n; k++) {
            int32_t site = clearances ? b->clears[k].site_idx : b->sorties[k].site_idx;
            int64_t t = clearances ? b->clears[k].file_by : b->sorties[k].dep;
            int64_t d = local_day(b, t) - b->first_day;
            if (site == (int32_t)i && d >= 0 && d < (int64_t)n_days)
                v->y[d] += 1;
        }
    }
    return DD_OK;
}

/* The day series of the charts that plot per day, in order: per site
 * from a figure of the site's day, that figure summed over the sites, or
 * counts of sorties or of requests to file. */
typedef enum { PER_SITE, ALL_SITES, SORTIES, REQUESTS } series_how;
static const struct series_def {
    dd_chart chart;
    series_how how;
    const char *name;
    double (*get)(const br_day *);
} series_defs[] = {
    {DD_CHART_BURNDOWN, PER_SITE, "people", people_of},
    {DD_CHART_BURNDOWN, PER_SITE, "tonnes", tonnes_of},
    {DD_CHART_BURNDOWN, ALL_SITES, "people all", people_of},
    {DD_CHART_BURNDOWN, ALL_SITES, "tonnes all", tonnes_of},
    {DD_CHART_RAMP, PER_SITE, "mog", mog_of},
    {DD_CHART_RAMP, PER_SITE, "clearances", clear_of},
    {DD_CHART_SECURITY, PER_SITE, "present", sec_of},
    {DD_CHART_SECURITY, PER_SITE, "required", req_of},
    {DD_CHART_CALENDAR, REQUESTS, "file", NULL},
    {DD_CHART_GANTT, SORTIES, "sorties", NULL},
};

static dd_status add_day_series(const dd_brief *b, const struct series_def *d,
                                dd_brief_series_list *out)
{
    switch (d->how) {
    case PER_SITE:
        return site_days(b, out, d->name, d->get);
    case ALL_SITES:
        return all_sites(b, out, d->name, d->get);
    default:
        return per_day(b, out, d->name, d->how == REQUESTS);
    }
}

dd_status dd_brief_series_get(const dd_brief *b, dd_chart c, dd_brief_series_list *out)
{
    memset(out, 0, sizeof *out);
    dd_status st = DD_OK;
    switch (c) {
    case DD_CHART_BURNDOWN:
    case DD_CHART_RAMP:
    case DD_CHART_SECURITY:
    case DD_CHART_CALENDAR:
    case DD_CHART_GANTT:
        for (size_t k = 0; !st && k < sizeof series_defs / sizeof series_defs[0]; k++)
            if (series_defs[k].chart == c)
                st = add_day_series(b, &series_defs[k], out);
        break;
    case DD_CHART_LOADS:
        st = dd__series_add(out, "weight", b->n_sorties);
        if (!st)
            st = dd__series_add(out, "pallets", b->n_sorties);
        for (size_t i = 0; !st && i < b->n_sorties; i++) {
            out->v[0].x[i] = out->v[1].x[i] = b->sorties[i].id;
            out->v[0].y[i] = b->sorties[i].weight_kg;
            out->v[1].y[i] = (double)b->sorties[i].n_pallets;
        }
        break;
    case DD_CHART_RISK: {
        const br_sim *m = &b->sim;
        st = dd__series_add(out, "completions", m->n_bins);
        if (!st)
            st = dd__series_add(out, "p_done", m->n_bins);
        double total = m->replications > 0 ? m->replications : 1, done = 0;
        for (size_t i = 0; !st && i < m->n_bins; i++) {
            double x = (double)(local_day(b, m->hist_from) - b->first_day) +
                       (double)i * m->bin_days;
            out->v[0].x[i] = out->v[1].x[i] = x;
            out->v[0].y[i] = m->counts[i];
            done += m->counts[i];
            out->v[1].y[i] = done / total;
        }
        break;
    }
    default:
        return DD_EARG;
    }
    if (st)
        dd_brief_series_fini(out);
    return st;
}
