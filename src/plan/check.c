/* SPDX-License-Identifier: MIT */
/*
 * The check summary (see check.h): totals per site, the task critical path
 * (longest path with lags, resources ignored), and simple lower bounds.
 * Sorties: the planner's own bound (bounds.c: per dimension over the
 * usable types' capacities, and the load plan's bound), so that check and
 * plan print the same figure. Days: the sorties bound over the
 * daily clearance caps, the fleet's daily lift, the ramp (MOG) throughput
 * and exit processing.
 */
#include <drawdown/check.h>

#include "plan/plan_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LB_KG 0.45359237

/* The findings' room; a finding that finds none marks the summary as
 * failed (out of memory) rather than dropping it. */
typedef struct fbuf {
    size_t cap;
    bool oom;
} fbuf;

static void add_finding(dd_check *c, fbuf *fb, dd_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add_finding(dd_check *c, fbuf *fb, dd_severity sev, const char *fmt, ...)
{
    if (c->n_findings == fb->cap) {
        size_t nc = fb->cap ? 2 * fb->cap : 16;
        dd_check_finding *f = realloc(c->findings, nc * sizeof *f);
        if (!f) {
            fb->oom = true;
            return;
        }
        c->findings = f;
        fb->cap = nc;
    }
    dd_check_finding *f = &c->findings[c->n_findings++];
    f->severity = sev;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof f->text, fmt, ap);
    va_end(ap);
}

/* "1234567" -> "1,234,567" (whole numbers) */
static void thousands(double v, char *buf, size_t size)
{
    char raw[40];
    snprintf(raw, sizeof raw, "%.0f", v);
    const char *d = raw[0] == '-' ? raw + 1 : raw;
    size_t nd = strlen(d), o = 0;
    if (raw[0] == '-' && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < nd && o + 2 < size; i++) {
        if (i && (nd - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = d[i];
    }
    buf[o] = '\0';
}

void dd_format_weight(const dd_scenario *s, double kg, char *buf, size_t size)
{
    double v;
    const char *u;
    switch (s->display_weight) {
    case DD_UNIT_LB: v = kg / LB_KG; u = "lb"; break;
    case DD_UNIT_T: v = kg / 1000; u = "t"; break;
    case DD_UNIT_STON: v = kg / 907.18474; u = "short tons"; break;
    default: v = kg; u = "kg"; break;
    }
    if (s->display_weight == DD_UNIT_LB && kg >= 100000) {
        /* large masses read better in tonnes, with the pounds alongside */
        char a[40], b[40];
        thousands(kg / 1000, a, sizeof a);
        thousands(v, b, sizeof b);
        snprintf(buf, size, "%s t (%s lb)", a, b);
        return;
    }
    if (v >= 100) {
        char a[40];
        thousands(v, a, sizeof a);
        snprintf(buf, size, "%s %s", a, u);
    } else {
        snprintf(buf, size, "%.1f %s", v, u);
    }
}

/* Critical path per site: longest path by earliest finish over the DAG. */
static dd_status critical_paths(const dd_scenario *s, dd_check *c)
{
    size_t n = s->n_tasks;
    if (!n)
        return DD_OK;
    dd_time *ef = malloc(n * sizeof *ef);
    int32_t *via = malloc(n * sizeof *via);
    size_t *order = malloc(n * sizeof *order);
    size_t *indeg = calloc(n, sizeof *indeg);
    size_t *succ_start = calloc(n + 1, sizeof *succ_start);
    size_t *succ = NULL;
    size_t edges = 0;
    dd_status st = DD_ENOMEM;
    if (!ef || !via || !order || !indeg || !succ_start)
        goto fail_alloc;
    for (size_t i = 0; i < n; i++)
        edges += s->tasks[i].n_pred;
    succ = malloc((edges ? edges : 1) * sizeof *succ);
    if (!succ)
        goto fail_alloc;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < s->tasks[i].n_pred; k++)
            succ_start[s->tasks[i].pred[k] + 1]++;
    for (size_t i = 0; i < n; i++)
        succ_start[i + 1] += succ_start[i];
    {
        size_t *fill = calloc(n, sizeof *fill);
        if (!fill)
            goto fail_alloc;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < s->tasks[i].n_pred; k++) {
                size_t p = (size_t)s->tasks[i].pred[k];
                succ[succ_start[p] + fill[p]++] = i;
            }
        free(fill);
    }
    /* Kahn's order; the loader has rejected cycles */
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++) {
        indeg[i] = s->tasks[i].n_pred;
        if (!indeg[i])
            order[tail++] = i;
    }
    while (head < tail) {
        size_t u = order[head++];
        for (size_t k = succ_start[u]; k < succ_start[u + 1]; k++)
            if (--indeg[succ[k]] == 0)
                order[tail++] = succ[k];
    }
    for (size_t h = 0; h < tail; h++) {
        size_t u = order[h];
        const dd_task *t = &s->tasks[u];
        dd_time start = 0;
        via[u] = -1;
        for (size_t k = 0; k < t->n_pred; k++) {
            dd_time e = ef[t->pred[k]] + t->pred_lag[k];
            if (e > start) {
                start = e;
                via[u] = t->pred[k];
            }
        }
        ef[u] = start + t->duration;
    }
    for (size_t si = 0; si < c->n_sites; si++) {
        dd_check_site *cs = &c->sites[si];
        int32_t best = -1;
        for (size_t h = 0; h < tail; h++) {
            size_t u = order[h];
            if (s->tasks[u].site == (int32_t)si && (best < 0 || ef[u] > ef[best]))
                best = (int32_t)u;
        }
        if (best < 0)
            continue;
        cs->critical_path = ef[best];
        size_t len = 0;
        for (int32_t u = best; u >= 0; u = via[u])
            len++;
        cs->cp = malloc(len * sizeof *cs->cp);
        if (!cs->cp)
            goto fail_alloc;
        cs->n_cp = len;
        for (int32_t u = best; u >= 0; u = via[u])
            cs->cp[--len] = u;
    }
    st = DD_OK;
fail_alloc:
    free(ef);
    free(via);
    free(order);
    free(indeg);
    free(succ_start);
    free(succ);
    return st;
}

/* Per site: the days its caps and exit processing need against its
 * closing date, escorts and the security floor, its task chain. */
/* The days bound: the largest of the limits' days, and which sets it. */
static void raise_days(dd_check *c, double d, const char *binding)
{
    if (d > c->days_lb) {
        c->days_lb = d;
        c->days_lb_binding = binding;
    }
}

/* `n` sorties at a cap of `cap` clearances a day take at least n / cap
 * days, against the `w` days of `window`: an error when more, else a
 * note. `head` names who caps, `whose` says whose sorties. */
static void cap_days(dd_check *c, fbuf *fb, const char *head, int32_t cap, const char *unit,
                     const char *whose, int64_t n, double w, const char *window,
                     const char *binding)
{
    double d = ceil((double)n / cap);
    raise_days(c, d, binding);
    add_finding(c, fb, d > w ? DD_SEV_ERROR : DD_SEV_NOTE,
                "%s: at its cap of %d %s%s/day, %s %lld sortie%s take%s at least %.0f day%s; "
                "%.0f days remain from %s",
                head, cap, unit, cap == 1 ? "" : "s", whose, (long long)n, n == 1 ? "" : "s",
                n == 1 ? "s" : "", d, d == 1 ? "" : "s", w, window);
}

/* The ramp: every sortie holds a parking spot for at least the shortest
 * ground time of the types that may use the site, and the site has at most
 * its MOG of spots (reservations left out: a weaker bound, still a bound).
 * Said only when it shows the closing date cannot be met, as the planner's
 * own ramp bound does (bounds.c). */
static void ramp_finding(const dd_scenario *s, dd_check *c, fbuf *fb, size_t si)
{
    const dd_check_site *cs = &c->sites[si];
    const dd_site *x = cs->site;
    int32_t mog = dd_site_mog_total(x);
    dd_time g_min = INT64_MAX;
    for (size_t a = 0; a < s->n_aircraft; a++)
        if (dd__type_uses_site(&s->aircraft[a], x) && s->aircraft[a].ground_time < g_min)
            g_min = s->aircraft[a].ground_time;
    if (mog <= 0 || cs->sorties_lb <= 0 || g_min <= 0 || g_min == INT64_MAX)
        return;
    double d = ceil((double)cs->sorties_lb * (double)g_min / (double)mog / 1440.0);
    dd_time end = x->close_by != DD_TIME_NONE ? x->close_by : s->agreement.deadline;
    double w = (double)(end - s->agreement.clearance.opens) / 1440.0;
    if (d <= w)
        return;
    raise_days(c, d, "ramp (MOG)");
    add_finding(c, fb, DD_SEV_ERROR,
                "%s: its ramp (MOG %d, %.1f h on the ground at least) turns %lld sortie%s "
                "in %.0f day%s at best; %.0f days remain from the first clearance to its "
                "closing date",
                x->id, mog, (double)g_min / 60.0, (long long)cs->sorties_lb,
                cs->sorties_lb == 1 ? "" : "s", d, d == 1 ? "" : "s", w);
}

/* Days (from day `from`, counted inclusive) a schedule of caps (daily and
 * weekly steps; none before the first) needs for `need` clearances, each
 * day taking as many as its daily cap and every week that holds it allow
 * (the earliest-first fill: at most that many by any day); INFINITY when
 * the schedule never gets there within ten years. */
static double sched_days(const dd_scenario *s, const dd_cap_step *v, size_t n, int64_t need,
                         int32_t from)
{
    enum { HORIZON = 3660 };
    bool cal = s->agreement.clearance.calendar_week;
    int32_t *cnt = calloc(HORIZON, sizeof *cnt);
    if (!cnt)
        return INFINITY; /* no finding rather than a wrong one */
    int64_t day0 = (s->epoch_unix / 60 + s->agreement.tz_offset) / 1440; /* weekdays */
    int64_t done = 0;
    double out = INFINITY;
    for (int32_t d = from < 0 ? 0 : from; d < HORIZON && out == INFINITY; d++) {
        const dd_cap_step *at = NULL;
        for (size_t i = 0; i < n && v[i].day <= d; i++)
            at = &v[i];
        int64_t room = !at ? 0 : at->daily < 0 ? need : at->daily;
        /* every window that holds d, each under the weekly cap on its last day */
        int32_t wd = (int32_t)(((day0 + d + 3) % 7 + 7) % 7); /* 0 = Monday */
        int32_t last = cal ? d + 6 - wd : d + 6;
        for (int32_t e = d; e <= last && room > 0; e++) {
            const dd_cap_step *we = NULL;
            for (size_t i = 0; i < n && v[i].day <= e; i++)
                we = &v[i];
            if (!we || we->weekly < 0)
                continue;
            int32_t we_wd = (int32_t)(((day0 + e + 3) % 7 + 7) % 7);
            int32_t lo = cal ? e - we_wd : e - 6;
            int64_t k = 0;
            for (int32_t i = lo < 0 ? 0 : lo; i < d; i++)
                k += cnt[i];
            if (we->weekly - k < room)
                room = we->weekly - k;
        }
        if (room < 0)
            room = 0;
        cnt[d] = (int32_t)(room < need - done ? room : need - done);
        done += cnt[d];
        if (done >= need)
            out = d - from + 1;
    }
    free(cnt);
    return out;
}

static void site_findings(const dd_scenario *s, dd_check *c, fbuf *fb)
{
    const dd_clearance_terms *ct = &s->agreement.clearance;
    for (size_t si = 0; si < s->n_sites; si++) {
        dd_check_site *cs = &c->sites[si];
        const dd_site *x = cs->site;
        ramp_finding(s, c, fb, si);
        if (x->n_caps > 0 && cs->sorties_lb > 0) {
            double d = sched_days(s, x->caps, x->n_caps, cs->sorties_lb,
                                  dd_scenario_day(s, ct->opens));
            dd_time end = x->close_by != DD_TIME_NONE ? x->close_by : s->agreement.deadline;
            double w = (double)(end - ct->opens) / 1440.0;
            if (isfinite(d)) {
                raise_days(c, d, "airfield clearance cap");
                add_finding(c, fb, d > w ? DD_SEV_ERROR : DD_SEV_NOTE,
                            "%s: under its schedule of caps (daily and weekly, as they change), "
                            "its %lld sortie%s take%s at least %.0f day%s; %.0f days remain "
                            "from the first clearance to its closing date",
                            x->id, (long long)cs->sorties_lb, cs->sorties_lb == 1 ? "" : "s",
                            cs->sorties_lb == 1 ? "s" : "", d, d == 1 ? "" : "s", w);
            } else {
                add_finding(c, fb, DD_SEV_ERROR,
                            "%s: its schedule of caps never clears its %lld sortie%s", x->id,
                            (long long)cs->sorties_lb, cs->sorties_lb == 1 ? "" : "s");
            }
        } else if (x->daily_cap > 0 && cs->sorties_lb > 0) {
            dd_time end = x->close_by != DD_TIME_NONE ? x->close_by : s->agreement.deadline;
            cap_days(c, fb, x->id, x->daily_cap, "clearance", "its", cs->sorties_lb,
                     (double)(end - ct->opens) / 1440.0,
                     "the first clearance to its closing date", "airfield clearance cap");
        }
        if (cs->exit_days > 0) {
            dd_time end = x->close_by != DD_TIME_NONE ? x->close_by : s->agreement.deadline;
            double w = (double)end / 1440.0;
            add_finding(c, fb, cs->exit_days > w ? DD_SEV_ERROR : DD_SEV_NOTE,
                        "%s: exit processing of %d/day needs %.0f day%s for its %lld %s; "
                        "%.0f days remain from the epoch to its closing date",
                        x->id, cs->exit_per_day, ceil(cs->exit_days),
                        ceil(cs->exit_days) == 1 ? "" : "s", (long long)cs->people_total,
                        cs->people_total == 1 ? "person" : "people", w);
        }
        int64_t sensitive = 0;
        for (size_t k = 0; k < s->n_cargo; k++)
            if (s->cargo[k].site == (int32_t)si && s->cargo[k].sensitive &&
                s->cargo[k].disposition == DD_DISP_SHIP)
                sensitive += s->cargo[k].quantity;
        if (sensitive > 0 && cs->people_total - cs->people[DD_ROLE_EVACUEE] == 0)
            add_finding(c, fb, DD_SEV_ERROR,
                        "%s: %lld sensitive piece%s need%s an escort aboard, and nobody is at "
                        "the site%s",
                        x->id, (long long)sensitive, sensitive == 1 ? "" : "s",
                        sensitive == 1 ? "s" : "",
                        cs->people_total > 0 ? " but evacuees (who escort nothing)" : "");
        int32_t floor_sec = x->security_floor >= 0 ? x->security_floor
                                                   : s->agreement.security.floor;
        if (cs->people[DD_ROLE_SECURITY] > 0 && cs->exit_per_day >= 0 &&
            cs->exit_per_day < floor_sec)
            add_finding(c, fb, DD_SEV_ERROR,
                        "%s: exit processing of %d/day is below the security floor of %d: the "
                        "last security element cannot leave together",
                        x->id, cs->exit_per_day, floor_sec);
        int32_t per_hour = dd_site_exit_per_hour(s, (int32_t)si);
        if (cs->people[DD_ROLE_SECURITY] > 0 && per_hour >= 0 && per_hour < floor_sec &&
            !(cs->exit_per_day >= 0 && cs->exit_per_day < floor_sec))
            add_finding(c, fb, DD_SEV_ERROR,
                        "%s: exit processing of %d an hour is below the security floor of %d: "
                        "the last security element cannot leave together",
                        x->id, per_hour, floor_sec);
        if (cs->people_total > 0 && cs->people[DD_ROLE_SECURITY] < floor_sec)
            add_finding(c, fb, DD_SEV_WARNING,
                        "%s has %lld security personnel, below the floor of %d", x->id,
                        (long long)cs->people[DD_ROLE_SECURITY], floor_sec);
        if (cs->critical_path > 0) {
            dd_time end = x->close_by != DD_TIME_NONE ? x->close_by : s->agreement.deadline;
            if (cs->critical_path > end)
                add_finding(c, fb, DD_SEV_ERROR,
                            "%s: its task chain takes %.1f days, past its closing date",
                            x->id, (double)cs->critical_path / 1440.0);
        }
    }
}

/* The fleet's lift per day: tails x (sorties a tail can fly a day) x
 * cabin load, against the days after clearances open. */
static void fleet_finding(const dd_scenario *s, dd_check *c, fbuf *fb, double window)
{
    if (s->n_aircraft > 0 && c->ship_kg > 0) {
        double lift = 0;
        bool limited = false;
        for (size_t a = 0; a < s->n_aircraft; a++) {
            const dd_aircraft *t = &s->aircraft[a];
            int32_t tails = dd_aircraft_tails_max(t);
            double best = 0;
            for (size_t si = 0; si < s->n_sites; si++) {
                double d = c->sites[si].dist_m;
                double cycle = 2 * d / t->cruise_mps / 60.0 + 2.0 * (double)t->ground_time;
                if (cycle <= 0)
                    continue;
                double per_day = tails * 1440.0 / cycle;
                limited |= t->crews >= 0 || t->utilisation > 0;
                /* crews (duty and rest) and each tail's flying a day */
                double fly = 2 * d / t->cruise_mps / 60.0;
                if (t->utilisation > 0 && fly > 0 && tails * (double)t->utilisation / fly < per_day)
                    per_day = tails * (double)t->utilisation / fly;
                if (t->crews >= 0) {
                    dd_time duty = (dd_time)ceil(fly) + t->ground_time;
                    int32_t need = dd_aircraft_crews_for(t, duty);
                    double by_crews =
                        need < 1 ? 0
                                 : (double)t->crews / need * 1440.0 /
                                       (double)(duty + t->crew_rest > 0 ? duty + t->crew_rest : 1);
                    if (by_crews < per_day)
                        per_day = by_crews;
                }
                per_day *= dd__site_acl(s, (int32_t)a, (int32_t)si);
                if (per_day > best)
                    best = per_day;
            }
            lift += best;
        }
        if (lift > 0) {
            double d = ceil(c->ship_kg / lift);
            char w[64];
            dd_format_weight(s, lift, w, sizeof w);
            raise_days(c, d, "fleet lift");
            add_finding(c, fb, d > window ? DD_SEV_ERROR : DD_SEV_NOTE,
                        "the fleet lifts at most %s a day at full cabin load%s; the cargo "
                        "needs at least %.0f day%s of flying",
                        w, limited ? " (its crews and utilisation counted)" : "", d,
                        d == 1 ? "" : "s");
        }
    } else if (s->n_aircraft == 0 && c->ship_kg > 0) {
        add_finding(c, fb, DD_SEV_ERROR,
                    "there is cargo to ship but no aircraft in the fleet");
    }
}

/* Sites that need sorties which no usable type may fly within its crews'
 * duty day or its tails' utilisation (its shortest sortie: ferried from
 * the nearest hub and back). */
static void crew_findings(const dd_scenario *s, dd_check *c, fbuf *fb)
{
    for (size_t si = 0; si < s->n_sites; si++) {
        const dd_check_site *cs = &c->sites[si];
        if (cs->sorties_lb <= 0)
            continue;
        size_t usable = 0, shut = 0;
        char why[200] = "";
        for (size_t a = 0; a < s->n_aircraft; a++) {
            const dd_aircraft *t = &s->aircraft[a];
            if (!dd__type_uses_site(t, cs->site) || dd_aircraft_tails_max(t) == 0)
                continue;
            usable++;
            dd_time fly = 2 * (dd_time)dd__flight_minutes(cs->dist_m, t->cruise_mps);
            dd_time duty = fly + t->ground_time;
            char u[32], v[32];
            if (dd_aircraft_crews_for(t, duty) < 1) {
                dd_time lim = t->crew_duty_augmented > 0 ? t->crew_duty_augmented : t->crew_duty;
                snprintf(u, sizeof u, "%lldh %02lldm", (long long)(duty / 60),
                         (long long)(duty % 60));
                snprintf(v, sizeof v, "%lldh %02lldm", (long long)(lim / 60),
                         (long long)(lim % 60));
                if (!shut++ && t->crew_duty_augmented >= duty)
                    snprintf(why, sizeof why,
                             "%s: %s of crew duty, an augmented crew's, which takes two of its "
                             "%d",
                             t->id, u, t->crews);
                else if (shut == 1)
                    snprintf(why, sizeof why, "%s: %s of crew duty, its %s duty day %s", t->id,
                             u, t->crew_duty_augmented > 0 ? "augmented" : "basic", v);
            } else if (t->utilisation > 0 && fly > t->utilisation * t->utilisation_days) {
                snprintf(u, sizeof u, "%lldh %02lldm", (long long)(fly / 60),
                         (long long)(fly % 60));
                snprintf(v, sizeof v, "%lldh %02lldm", (long long)(t->utilisation / 60),
                         (long long)(t->utilisation % 60));
                if (!shut++)
                    snprintf(why, sizeof why, "%s: %s of flying, its utilisation %s a day",
                             t->id, u, v);
            }
        }
        if (usable > 0 && shut == usable)
            add_finding(c, fb, DD_SEV_ERROR,
                        "%s: no aircraft type may fly a sortie from it within its crews' duty "
                        "day and utilisation (%s)",
                        cs->site->id, why);
    }
}

/* Items that fit only some types: other types must carry them. */
static void misfit_findings(const dd_scenario *s, dd_check *c, fbuf *fb)
{
    for (size_t a = 0; a < s->n_aircraft; a++) {
        const dd_aircraft *t = &s->aircraft[a];
        int64_t misfit = 0;
        const char *example = NULL;
        for (size_t k = 0; k < s->n_cargo; k++) {
            const dd_cargo *x = &s->cargo[k];
            if (x->disposition != DD_DISP_SHIP)
                continue;
            double w = x->width_m < x->length_m ? x->width_m : x->length_m;
            double l = x->width_m < x->length_m ? x->length_m : x->width_m;
            bool bulky = x->kind != DD_CARGO_LOOSE && x->kind != DD_CARGO_PALLET;
            if (x->weight_kg > t->acl_kg ||
                (bulky && (w > t->door_width_m || x->height_m > t->door_height_m ||
                           l > t->floor_length_m)) ||
                (!bulky && x->height_m > t->pallet_height_m)) {
                misfit += x->quantity;
                if (!example)
                    example = x->id;
            }
        }
        if (misfit)
            add_finding(c, fb, DD_SEV_NOTE,
                        "%lld pieces do not fit the %s (e.g. '%s'); other types must carry "
                        "them",
                        (long long)misfit, t->id, example);
    }
}

/* People by role and cargo by kind, per site and in all. */
static void tallies(const dd_scenario *s, dd_check *c)
{
    for (size_t k = 0; k < s->n_people; k++) {
        const dd_people *g = &s->people[k];
        dd_check_site *cs = &c->sites[g->site];
        cs->people[g->role] += g->count;
        cs->people_total += g->count;
        c->people[g->role] += g->count;
        c->people_total += g->count;
    }
    for (size_t k = 0; k < s->n_cargo; k++) {
        const dd_cargo *x = &s->cargo[k];
        dd_check_site *cs = &c->sites[x->site];
        cs->cargo_rows++;
        if (x->disposition == DD_DISP_HANDOVER) {
            cs->pieces_handover += x->quantity;
            continue;
        }
        if (x->disposition == DD_DISP_DESTROY) {
            cs->pieces_destroy += x->quantity;
            continue;
        }
        cs->pieces_ship += x->quantity;
        cs->ship_kg += x->weight_kg * x->quantity;
        cs->pallet_equiv += x->quantity * dd__cargo_pallet_equiv(x);
        if (x->kind == DD_CARGO_ROLLING)
            cs->rolling += x->quantity;
        else if (x->kind != DD_CARGO_LOOSE && x->kind != DD_CARGO_PALLET)
            cs->outsize += x->quantity;
        /* the floor length rolling/outsize cargo needs at best, on the
         * usable type that packs it tightest (in floors) */
        cs->floor_m += x->quantity * dd__cargo_floor_share(s, x);
    }
}

/* No military flight at all (no cap or no aircraft), and the days the
 * country-wide cap needs for the sorties bound. */
static void cap_findings(const dd_scenario *s, dd_check *c, fbuf *fb, double window)
{
    const dd_clearance_terms *ct = &s->agreement.clearance;
    bool no_military = ct->daily_cap == 0 || s->n_aircraft == 0;
    if (no_military) {
        const char *why = s->n_aircraft == 0 ? "there is no aircraft in the fleet"
                                             : "the clearance cap is 0 flights a day";
        if (c->ship_kg > 0) {
            char w[64];
            dd_format_weight(s, c->ship_kg, w, sizeof w);
            add_finding(c, fb, DD_SEV_ERROR, "%s cannot leave: %s", w, why);
        }
        for (size_t si = 0; si < s->n_sites; si++)
            if (c->sites[si].stranded > 0)
                add_finding(c, fb, DD_SEV_ERROR,
                            "%s: %.0f of its %lld people have no seat out (commercial seats "
                            "fall short and %s)",
                            s->sites[si].id, c->sites[si].stranded,
                            (long long)c->sites[si].people_total, why);
    }
    c->days_lb = 0;
    c->days_lb_binding = "none";
    if (!no_military && ct->n_caps > 0 && c->sorties_lb > 0) {
        double d = sched_days(s, ct->caps, ct->n_caps, c->sorties_lb,
                              dd_scenario_day(s, ct->opens));
        if (isfinite(d)) {
            raise_days(c, d, "country-wide clearance cap");
            add_finding(c, fb, d > window ? DD_SEV_ERROR : DD_SEV_NOTE,
                        "under the schedule of clearance caps (daily and weekly, as they "
                        "change), the %lld sortie%s that the cargo and people need at best "
                        "take%s at least %.0f day%s; %.0f days remain from the first clearance "
                        "to the deadline",
                        (long long)c->sorties_lb, c->sorties_lb == 1 ? "" : "s",
                        c->sorties_lb == 1 ? "s" : "", d, d == 1 ? "" : "s", window);
        } else {
            add_finding(c, fb, DD_SEV_ERROR,
                        "the schedule of clearance caps never clears the %lld sortie%s that "
                        "the cargo and people need",
                        (long long)c->sorties_lb, c->sorties_lb == 1 ? "" : "s");
        }
    } else if (!no_military && ct->daily_cap > 0 && c->sorties_lb > 0) {
        double d = ceil((double)c->sorties_lb / ct->daily_cap);
        raise_days(c, d, "country-wide clearance cap");
        add_finding(c, fb, d > window ? DD_SEV_ERROR : DD_SEV_NOTE,
                    "at the clearance cap of %d flight%s/day, the %lld sortie%s that the "
                    "cargo and people need at best take%s at least %.0f day%s; %.0f days "
                    "remain from the first clearance to the deadline",
                    ct->daily_cap, ct->daily_cap == 1 ? "" : "s", (long long)c->sorties_lb,
                    c->sorties_lb == 1 ? "" : "s", c->sorties_lb == 1 ? "s" : "", d,
                    d == 1 ? "" : "s", window);
    }
}

/* A country every route out crosses clears every sortie, at its cap. */
static void overflight_findings(const dd_scenario *s, dd_check *c, fbuf *fb)
{
    const dd_clearance_terms *ct = &s->agreement.clearance;
    bool no_military = ct->daily_cap == 0 || s->n_aircraft == 0;
    for (size_t k = 0; !no_military && c->sorties_lb > 0 && k < ct->n_overflight; k++) {
        const dd_overflight *o = &ct->overflight[k];
        if (o->daily_cap <= 0 || !dd__all_routes_cross(s, (int32_t)k))
            continue;
        dd_time first = o->lead_time > ct->opens ? o->lead_time : ct->opens;
        char head[160];
        snprintf(head, sizeof head, "every route out crosses %s", o->country);
        cap_days(c, fb, head, o->daily_cap, "overflight", "the", c->sorties_lb,
                 (double)(s->agreement.deadline - first) / 1440.0,
                 "its first clearance to the deadline", "overflight cap");
    }
}

/* The hubs' people a day (destinations[].people_per_day), when every hub
 * has one: the people who need military seats land at most that many a
 * day, on the days from the first clearance to the day after the
 * deadline. */
static void hub_findings(const dd_scenario *s, dd_check *c, fbuf *fb, double window)
{
    int64_t cap = 0;
    for (size_t h = 0; h < s->n_hubs; h++) {
        if (s->hubs[h].people_per_day < 0)
            return;
        cap += s->hubs[h].people_per_day;
    }
    double air = 0;
    for (size_t si = 0; si < c->n_sites; si++)
        air += c->sites[si].stranded;
    if (s->n_hubs == 0 || air < 1 || s->n_aircraft == 0)
        return;
    if (cap == 0) {
        add_finding(c, fb, DD_SEV_ERROR,
                    "no destination takes people (people_per_day 0 at every hub), and %.0f "
                    "people need military seats",
                    air);
        return;
    }
    double d = ceil(air / (double)cap);
    raise_days(c, d, "hub throughput");
    add_finding(c, fb, d > window + 1 ? DD_SEV_ERROR : DD_SEV_NOTE,
                "the hubs take %lld people a day in all (people_per_day): the %.0f people "
                "who need military seats land over at least %.0f day%s; %.0f days remain "
                "from the first clearance to the deadline",
                (long long)cap, air, d, d == 1 ? "" : "s", window);
}

dd_status dd_check_summarize(const dd_scenario *s, dd_check **out)
{
    *out = NULL;
    dd_check *c = calloc(1, sizeof *c);
    if (!c)
        return DD_ENOMEM;
    fbuf fcap = {0, false};
    c->scenario = s;
    c->n_sites = s->n_sites;
    c->sites = calloc(s->n_sites ? s->n_sites : 1, sizeof *c->sites);
    c->n_milestones = s->agreement.n_milestones;
    c->milestones = calloc(c->n_milestones ? c->n_milestones : 1, sizeof *c->milestones);
    double *seats_need = calloc(s->n_sites ? s->n_sites : 1, sizeof *seats_need);
    if (!c->sites || !c->milestones || !seats_need) {
        free(seats_need);
        dd_check_free(c);
        return DD_ENOMEM;
    }
    for (size_t i = 0; i < s->n_sites; i++) {
        c->sites[i].site = &s->sites[i];
        c->sites[i].dist_m = dd__nearest_hub_m(s, &s->sites[i]);
        c->sites[i].exit_per_day = s->sites[i].exit_per_day >= 0
                                       ? s->sites[i].exit_per_day
                                       : s->agreement.personnel.exit_per_day;
    }
    tallies(s, c);
    c->days_to_deadline = (double)s->agreement.deadline / 1440.0;
    for (size_t i = 0; i < c->n_milestones; i++) {
        c->milestones[i].m = &s->agreement.milestones[i];
        c->milestones[i].days_from_epoch = (double)s->agreement.milestones[i].at / 1440.0;
    }
    if (critical_paths(s, c) != DD_OK) {
        free(seats_need);
        dd_check_free(c);
        return DD_ENOMEM;
    }
    for (size_t k = 0; k < s->n_tasks; k++)
        c->sites[s->tasks[k].site].n_tasks++;

    /* commercial seats carry people without clearances: only people beyond
     * what commercial capacity can take need military seats */
    double window = (double)(s->agreement.deadline - s->agreement.clearance.opens) / 1440.0;
    c->days_clearance_window = window;
    for (size_t si = 0; si < s->n_sites; si++) {
        dd_check_site *cs = &c->sites[si];
        double comm = 0;
        for (size_t k = 0; k < s->n_commercial; k++) {
            const dd_commercial *cm = &s->commercial[k];
            if (cm->site != (int32_t)si)
                continue;
            dd_time to = cm->to == DD_TIME_NONE ? s->agreement.deadline : cm->to;
            comm += cm->seats_per_day * (double)(to - cm->from) / 1440.0;
        }
        double need = (double)cs->people_total - comm;
        seats_need[si] = need > 0 ? need : 0;
        cs->stranded = seats_need[si];
        if (cs->exit_per_day > 0)
            cs->exit_days = (double)cs->people_total / cs->exit_per_day;
    }
    /* sorties per site: the bound the planner uses too (bounds.c) */
    dd_sorties_dims *dims = calloc(s->n_sites ? s->n_sites : 1, sizeof *dims);
    int64_t *site_lb = calloc(s->n_sites ? s->n_sites : 1, sizeof *site_lb);
    const char **lb_why = calloc(s->n_sites ? s->n_sites : 1, sizeof *lb_why);
    dd_status bst = dims && site_lb && lb_why ? DD_OK : DD_ENOMEM;
    if (bst == DD_OK) {
        dd__sorties_dims(s, dims);
        bst = dd__sorties_bound(s, dims, site_lb, lb_why);
    }
    if (bst != DD_OK) {
        free(dims);
        free(site_lb);
        free(lb_why);
        free(seats_need);
        dd_check_free(c);
        return bst;
    }
    for (size_t si = 0; si < s->n_sites; si++) {
        dd_check_site *cs = &c->sites[si];
        cs->sorties_lb = site_lb[si];
        cs->sorties_binding = lb_why[si];
        c->sorties_lb += cs->sorties_lb;
        c->ship_kg += cs->ship_kg;
        c->pallet_equiv += cs->pallet_equiv;
    }
    free(dims);
    free(site_lb);
    free(lb_why);
    free(seats_need);

    cap_findings(s, c, &fcap, window);
    overflight_findings(s, c, &fcap);
    hub_findings(s, c, &fcap, window);
    site_findings(s, c, &fcap);
    fleet_finding(s, c, &fcap, window);
    crew_findings(s, c, &fcap);
    if (s->agreement.personnel.ceiling >= 0 && c->people_total > s->agreement.personnel.ceiling)
        add_finding(c, &fcap, DD_SEV_WARNING,
                    "%lld people including augmentees exceed the in-country ceiling of %d if "
                    "all are present at once",
                    (long long)c->people_total, s->agreement.personnel.ceiling);
    misfit_findings(s, c, &fcap);
    if (fcap.oom) {
        dd_check_free(c);
        return DD_ENOMEM;
    }
    *out = c;
    return DD_OK;
}

void dd_check_free(dd_check *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->sites && i < c->n_sites; i++)
        free(c->sites[i].cp);
    free(c->sites);
    free(c->milestones);
    free(c->findings);
    free(c);
}
