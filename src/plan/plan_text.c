/* SPDX-License-Identifier: MIT */
/*
 * The plan for people: a summary a planner reads first (verdict, margin,
 * binding limit, sorties by type, closure per site, milestones, bounds,
 * the changes that would meet a missed deadline), then tables on request.
 */
#include <drawdown/check.h>
#include <drawdown/plan.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/units.h"
#include "plan/plan_int.h"

static void fmt_local(const dd_scenario *s, dd_time t, int32_t tz, char *buf, size_t n)
{
    dd_scenario_format_time(s, t, tz, buf, n);
}

/* "12d 4h" */
static void fmt_span(double hours, char *buf, size_t n)
{
    double a = fabs(hours);
    int d = (int)(a / 24);
    int h = (int)floor(a - d * 24.0 + 0.5);
    if (h == 24) {
        d++;
        h = 0;
    }
    if (d > 0)
        snprintf(buf, n, "%dd %dh", d, h);
    else
        snprintf(buf, n, "%dh", h);
}

static const char *tail_name(const dd_scenario *s, const dd_sortie *so, char *buf, size_t n)
{
    dd_aircraft_tail_name(&s->aircraft[so->aircraft], so->tail + 1, buf, n);
    return buf;
}

/* A scenario time as a Zulu date-time group ("070400ZJUN24"). */
static void fmt_dtg(const dd_scenario *s, dd_time t, char *buf, size_t n)
{
    dd__out_dtg(s->epoch_unix / 60 + t, buf, n);
}

static int32_t pax_count(const dd_sortie *so)
{
    int32_t n = 0;
    for (size_t i = 0; i < so->n_pax; i++)
        n += so->pax[i].count;
    return n;
}

/* What cannot leave, per site: cargo pieces and people with no place. */
/* 124334 as "124,334". */
static void group_digits(int64_t v, char *buf, size_t size)
{
    char raw[32];
    int n = snprintf(raw, sizeof raw, "%lld", (long long)(v < 0 ? -v : v));
    size_t w = 0;
    if (v < 0 && w + 1 < size)
        buf[w++] = '-';
    for (int i = 0; i < n && w + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[w++] = ',';
        buf[w++] = raw[i];
    }
    buf[w] = '\0';
}

static int cmp_mv_time(const void *a, const void *b)
{
    const dd_movement *x = a, *y = b;
    return (x->departure > y->departure) - (x->departure < y->departure);
}

/* The people flown out and the busiest 24 hours of it (a sliding window
 * over departures): what an evacuation is measured by. */
static void busiest_day(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    if (p->n_movements == 0)
        return;
    dd_movement *v = malloc(p->n_movements * sizeof *v);
    if (!v)
        return; /* a summary line less, not a failure */
    memcpy(v, p->movements, p->n_movements * sizeof *v);
    qsort(v, p->n_movements, sizeof *v, cmp_mv_time);
    int64_t total = 0, in = 0, best = 0;
    dd_time best_from = v[0].departure;
    size_t lo = 0;
    for (size_t hi = 0; hi < p->n_movements; hi++) {
        total += v[hi].count;
        in += v[hi].count;
        while (v[hi].departure - v[lo].departure >= DD_MINUTES_PER_DAY)
            in -= v[lo++].count;
        if (in > best) {
            best = in;
            best_from = v[lo].departure;
        }
    }
    free(v);
    char a[40], n1[32], n2[32];
    dd_scenario_format_time(s, best_from, s->agreement.tz_offset, a, sizeof a);
    group_digits(total, n1, sizeof n1);
    group_digits(best, n2, sizeof n2);
    fprintf(f, "  people out: %s; the busiest 24 hours %s (from %s)\n", n1, n2, a);
}

static void not_out(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    for (size_t si = 0; si < s->n_sites; si++) {
        double kg_all = 0, kg_out = 0;
        int64_t ppl_all = 0, ppl_out = 0;
        for (size_t k = 0; k < s->n_cargo; k++)
            if (s->cargo[k].site == (int32_t)si && s->cargo[k].disposition == DD_DISP_SHIP)
                kg_all += s->cargo[k].weight_kg * s->cargo[k].quantity;
        for (size_t i = 0; i < p->n_sorties; i++) {
            const dd_sortie *so = &p->sorties[i];
            if (so->site != (int32_t)si || so->load < 0)
                continue;
            const dd_load *l = &p->loads->loads[so->load];
            for (size_t q = 0; q < l->n_items; q++) {
                const dd_load_item *it = &l->items[q];
                if (it->kind == DD_LI_BULKY)
                    kg_out += s->cargo[it->ref].weight_kg * it->count;
                else if (it->kind == DD_LI_PALLET)
                    for (size_t r = 0; r < p->loads->pallets[it->ref].n_pieces; r++)
                        kg_out += s->cargo[p->loads->pallets[it->ref].pieces[r].cargo].weight_kg *
                                  p->loads->pallets[it->ref].pieces[r].count;
            }
        }
        for (size_t g = 0; g < s->n_people; g++)
            if (s->people[g].site == (int32_t)si)
                ppl_all += s->people[g].count;
        for (size_t m = 0; m < p->n_movements; m++)
            if (s->people[p->movements[m].people].site == (int32_t)si)
                ppl_out += p->movements[m].count;
        if (kg_all - kg_out > 0.5 || ppl_all > ppl_out) {
            char w[64];
            dd_format_weight(s, kg_all - kg_out, w, sizeof w);
            /* the cause, where it is plain from the terms */
            const dd_site *x = &s->sites[si];
            const char *why = "no aircraft, tail or clearance can take them";
            char buf[160];
            int32_t exits = x->exit_per_day >= 0 ? x->exit_per_day
                                                 : s->agreement.personnel.exit_per_day;
            int32_t fl = x->security_floor >= 0 ? x->security_floor
                                                : s->agreement.security.floor;
            int32_t per_hour = dd_site_exit_per_hour(s, (int32_t)si);
            if (s->agreement.clearance.daily_cap == 0 || x->daily_cap == 0) {
                why = "no military flight is cleared";
            } else if (s->n_aircraft == 0) {
                why = "there is no aircraft";
            } else if ((exits >= 0 && exits < fl) || (per_hour >= 0 && per_hour < fl)) {
                /* the last element leaves together: in one day, at one
                 * minute (so in one hour) */
                bool daily = exits >= 0 && exits < fl;
                snprintf(buf, sizeof buf,
                         "exit processing of %d%s is below the security floor of %d:\n"
                         "     the last security element cannot leave together",
                         daily ? exits : per_hour, daily ? "/day" : " an hour", fl);
                why = buf;
            }
            int64_t left = ppl_all - ppl_out;
            const char *who = left == 1 ? "person" : "people";
            if (kg_all - kg_out > 0.5 && left > 0)
                fprintf(f, "  %s: %s of cargo and %lld %s have no way out\n", x->id, w,
                        (long long)left, who);
            else if (kg_all - kg_out > 0.5)
                fprintf(f, "  %s: %s of cargo has no way out\n", x->id, w);
            else
                fprintf(f, "  %s: %lld %s %s no way out\n", x->id, (long long)left, who,
                        left == 1 ? "has" : "have");
            fprintf(f, "    (%s)\n", why);
        }
    }
}

static void summary(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    char a[48], b[48];
    fprintf(f, "%s\n", *s->name ? s->name : s->path);

    /* a deadline at local midnight reads as 24:00 of the day it ends */
    dd_scenario_format_end(s, s->agreement.deadline, s->agreement.tz_offset, b, sizeof b);
    if (p->completion != DD_TIME_NONE)
        dd_scenario_format_time(s, p->completion, s->agreement.tz_offset, a, sizeof a);
    else
        snprintf(a, sizeof a, "-");
    char span[32];
    fmt_span(p->margin_hours, span, sizeof span);
    if (p->deadline_met && p->terms_broken)
        fprintf(f, "VERDICT: the dates are met, but the plan breaks %d people term%s\n"
                   "  first: %s\n",
                p->terms_broken, p->terms_broken == 1 ? "" : "s", p->broken_term);
    else if (p->deadline_met)
        fprintf(f, "VERDICT: deadline met with %s to spare\n", span);
    else if (!p->all_out)
        fprintf(f, "VERDICT: NOT everything can leave (see below)\n");
    else if (p->margin_hours < 0)
        fprintf(f, "VERDICT: deadline MISSED by %s\n", span);
    else
        fprintf(f, "VERDICT: deadline met, but a milestone or a site's closing date is missed\n");
    fprintf(f, "  last departure %s, deadline %s\n", a, b);
    if (!p->deadline_met && p->terms_broken)
        fprintf(f, "  and the plan breaks %d people term%s\n  first: %s\n", p->terms_broken,
                p->terms_broken == 1 ? "" : "s", p->broken_term);
    if (!p->all_out)
        not_out(p, f);
    fprintf(f, "  binding limit: %s\n", p->binding_detail);
    fprintf(f, "\nsorties: %zu military", p->n_sorties);
    size_t *by = calloc(s->n_aircraft + 1, sizeof *by);
    if (by) {
        for (size_t i = 0; i < p->n_sorties; i++)
            by[p->sorties[i].aircraft]++;
        const char *sep = " (";
        for (size_t t = 0; t < s->n_aircraft; t++)
            if (by[t]) {
                fprintf(f, "%s%zu %s", sep, by[t], s->aircraft[t].id);
                sep = ", ";
            }
        if (strcmp(sep, ", ") == 0)
            fputc(')', f);
        free(by);
    }
    fprintf(f, "; %d %s on commercial seats\n", p->commercial_seats_used,
            p->commercial_seats_used == 1 ? "person" : "people");
    fprintf(f, "  lower bound %zu sortie%s", p->sorties_lb, p->sorties_lb == 1 ? "" : "s");
    if (p->sorties_lb)
        fprintf(f, " (gap %.1f%%)", 100.0 * ((double)p->n_sorties - (double)p->sorties_lb) /
                                        (double)p->sorties_lb);
    dd_scenario_format_time(s, p->completion_lb, s->agreement.tz_offset, a, sizeof a);
    fprintf(f, "\n  completion no earlier than %s (%s)\n", a,
            dd_binding_name(p->completion_lb_binding));
    busiest_day(p, f);

    fprintf(f, "\n%-8s %-24s %-24s %s\n", "site", "closes (local)", "closing date", "");
    for (size_t i = 0; i < s->n_sites; i++) {
        const dd_site *x = &s->sites[i];
        dd_time c = p->sites[i].closure;
        if (c != DD_TIME_NONE)
            fmt_local(s, c, x->tz_offset, a, sizeof a);
        else
            snprintf(a, sizeof a, "(nothing leaves)");
        const char *flag = "";
        if (x->close_by != DD_TIME_NONE) {
            dd_scenario_format_end(s, x->close_by, x->tz_offset, b, sizeof b);
            if (c != DD_TIME_NONE && c > x->close_by)
                flag = "LATE";
            else if (c != DD_TIME_NONE)
                flag = "ok";
        } else {
            snprintf(b, sizeof b, "-");
        }
        fprintf(f, "%-8.8s %-24s %-24s %s\n", x->id, a, b, flag);
    }
    if (s->agreement.n_milestones) {
        fprintf(f, "\nmilestones\n");
        for (size_t m = 0; m < s->agreement.n_milestones; m++) {
            const dd_milestone *ms = &s->agreement.milestones[m];
            const dd_milestone_result *r = &p->milestones[m];
            dd_scenario_format_end(s, ms->at, s->agreement.tz_offset, b, sizeof b);
            if (r->achieved != DD_TIME_NONE) {
                fmt_local(s, r->achieved, s->agreement.tz_offset, a, sizeof a);
                fmt_span((double)(ms->at - r->achieved) / 60.0, span, sizeof span);
                /* its year and time, in the due date's zone (80 columns) */
                fprintf(f, "  %-12s due %s, %s %.16s (%s %s)\n", ms->id, b,
                        r->met ? "met" : "MISSED", a, span, r->met ? "early" : "late");
            } else {
                fprintf(f, "  %-12s due %s: NEVER reached\n", ms->id, b);
            }
            fprintf(f, "  %-12s at the due date: %.0f%% of people, %.0f%% of cargo out\n", "",
                    100 * r->personnel_out, 100 * r->cargo_out);
        }
    }
    if (p->n_relaxations) {
        fprintf(f, "\nany one of these changes meets every term (each checked by re-planning):\n");
        for (size_t i = 0; i < p->n_relaxations; i++)
            fprintf(f, "  - %s\n", p->relaxations[i].text);
    } else if (!p->deadline_met || p->terms_broken) {
        fprintf(f, "\nno single change tried (clearance caps +12, tails +8, processing +400/day, "
                   "lead time, the missed date) meets every term alone\n");
    }
    if (p->relax_incomplete)
        fprintf(f, "  (the search for changes stopped at its time budget: --relax-time)\n");
    if (s->agreement.clearance.lead_time > 0 && p->n_clearances) {
        dd_scenario_format_time(s, p->clearances[0].file_by, s->agreement.tz_offset, a, sizeof a);
        if (p->n_clearances == 1)
            fprintf(f, "\nfile the one clearance request by %s\n", a);
        else
            fprintf(f, "\nfile the first of %zu clearance requests by %s\n", p->n_clearances, a);
    }
    fprintf(f, "plan: best of %llu placement orders\n", (unsigned long long)p->iterations);
    /* the objective, and the term it leaves least margin on */
    if (p->completion != DD_TIME_NONE && p->all_out) {
        char left[32];
        dd_time least = p->margin;
        const char *what = p->margin_term;
        fmt_span((double)least / 60.0, left, sizeof left);
        fprintf(f, "objective: %s\n  tightest term: %s, %s %s\n",
                p->objective == DD_OBJ_COMPLETION ? "the earliest end (--objective completion)"
                                                  : "the most margin on the tightest term",
                what, left, least >= 0 ? "to spare" : "late");
    }
    if (p->fleet_mix)
        fprintf(f, "fleet mix: cargo moved to a smaller type where the ramp was full\n");



}

static void table_sorties(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    bool us = dd_scenario_us(s);
    fprintf(f, "\nsorties (departures in local time at the site and in Zulu; the load's weight\n"
               "in %s)\n",
            us ? "pounds" : "tonnes");
    fprintf(f, "%4s %-8s %-6s %-4s %-16s %-12s %-4s %7s %3s %3s %3s\n", "#", "tail", "site", "to",
            "departs (local)", "departs (Z)", "clr", us ? "lb" : "t", "pal", "veh", "pax");
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        char t[24], d[40], z[24];
        tail_name(s, so, t, sizeof t);
        dd_scenario_format_time(s, so->departure, s->sites[so->site].tz_offset, d, sizeof d);
        d[16] = '\0'; /* drop the offset for the table */
        fmt_dtg(s, so->departure, z, sizeof z);
        int pal = 0, veh = 0;
        if (so->load >= 0) {
            const dd_load *l = &p->loads->loads[so->load];
            pal = l->pallets;
            for (size_t k = 0; k < l->n_items; k++)
                if (l->items[k].kind == DD_LI_BULKY)
                    veh += l->items[k].count;
        }
        fprintf(f, "%4zu %-8.8s %-6.6s %-4.4s %-16s %-12s %-4d %7.*f %3d %3d %3d\n", i + 1, t,
                s->sites[so->site].id, dd__sortie_to(s, so), d, z, so->clearance + 1, us ? 0 : 1,
                dd__out_bulk(us, so->weight_kg), pal, veh, pax_count(so));
    }
}

static void table_clearances(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    char zone[16];
    int32_t tzo = s->agreement.tz_offset, ta = tzo < 0 ? -tzo : tzo;
    snprintf(zone, sizeof zone, "UTC%c%02d:%02d", tzo < 0 ? '-' : '+', (int)(ta / 60),
             (int)(ta % 60));
    fprintf(f, "\nclearance requests (what to file by when, in host-country time, %s; under\n"
               "each: the same in Zulu, then call sign, tail, route, passengers, hazard\n"
               "classes, armed when security is aboard)\n",
            zone);
    fprintf(f, "%4s %-17s %-6s %-17s %-17s %5s %5s\n", "#", "file by", "field", "window from",
            "window to", "site", "ctry");
    for (size_t i = 0; i < p->n_clearances; i++) {
        const dd_clearance_req *c = &p->clearances[i];
        char a[40], b[40], d[40];
        int32_t tz = s->agreement.tz_offset;
        dd_scenario_format_time(s, c->file_by, tz, a, sizeof a);
        dd_scenario_format_time(s, c->window_from, tz, b, sizeof b);
        dd_scenario_format_time(s, c->window_to, tz, d, sizeof d);
        a[16] = b[16] = d[16] = '\0';
        fprintf(f, "%4zu %-17s %-6s %-17s %-17s %5d %5d\n", i + 1, a, s->sites[c->site].icao, b,
                d, c->count_site, c->count_country);
        fmt_dtg(s, c->file_by, a, sizeof a);
        fmt_dtg(s, c->window_from, b, sizeof b);
        fmt_dtg(s, c->window_to, d, sizeof d);
        fprintf(f, "     Zulu: file by %s, window %s to %s\n", a, b, d);
        /* what the request tells the host */
        dd_clearance_info ci;
        dd_plan_clearance_info(p, i, &ci);
        char hz[28]; /* the line stays within 80 columns */
        size_t off = 0;
        hz[0] = '\0';
        for (size_t k = 0; k < s->hazard.n_classes && k < 32 && off < sizeof hz; k++)
            if (ci.hazards >> k & 1) {
                int n = snprintf(hz + off, sizeof hz - off, "%s%s", off ? " " : "  hazards ",
                                 s->hazard.classes[k]);
                off += n > 0 ? (size_t)n : 0;
            }
        char tn[32] = "";
        if (c->sortie >= 0 && (size_t)c->sortie < p->n_sorties)
            tail_name(s, &p->sorties[c->sortie], tn, sizeof tn);
        char route[64];
        dd__clearance_route(&ci, route, sizeof route);
        fprintf(f, "     %s %s %s  %d pax%s%s\n", ci.call_sign, tn, route, ci.passengers, hz,
                ci.weapons ? "  armed" : "");
    }
}

static void table_people(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fprintf(f, "\npeople (departures local to the site)\n");
    fprintf(f, "%-16s %-6s %-10s %5s  %s\n", "group", "site", "role", "count", "leaves");
    for (size_t g = 0; g < s->n_people; g++) {
        const dd_people *pg = &s->people[g];
        fprintf(f, "%-16.16s %-6.6s %-10s %5d ", pg->id, s->sites[pg->site].id,
                dd_role_name(pg->role), pg->count);
        int col = 42; /* where the next movement starts; rows wrap at 80 */
        for (size_t m = 0; m < p->n_movements; m++) {
            const dd_movement *mv = &p->movements[m];
            if (mv->people != (int32_t)g)
                continue;
            char d[40], item[96];
            dd_scenario_format_time(s, mv->departure, s->sites[pg->site].tz_offset, d, sizeof d);
            d[16] = '\0'; /* the date with its year and the time; the zone is the header's */
            int n = mv->sortie >= 0
                        ? snprintf(item, sizeof item, " %d on #%d %s", mv->count, mv->sortie + 1, d)
                        : snprintf(item, sizeof item, " %d commercial %s", mv->count, d);
            if (col > 42 && col + n > 80) {
                fprintf(f, "\n%42s", "");
                col = 42;
            }
            fputs(item, f);
            col += n;
        }
        fputc('\n', f);
    }
}

static void table_tasks(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fprintf(f, "\nground tasks (local to the site)\n");
    fprintf(f, "%-18s %-6s %-17s %-17s\n", "task", "site", "start", "end");
    for (size_t k = 0; k < s->n_tasks; k++) {
        const dd_task *t = &s->tasks[k];
        char a[40], b[40];
        int32_t tz = s->sites[t->site].tz_offset;
        dd_scenario_format_time(s, p->tasks[k].start, tz, a, sizeof a);
        dd_scenario_format_time(s, p->tasks[k].end, tz, b, sizeof b);
        a[16] = b[16] = '\0';
        fprintf(f, "%-18.18s %-6.6s %-17s %-17s\n", t->id, s->sites[t->site].id, a, b);
    }
}

dd_status dd_plan_write_text(const dd_plan *p, unsigned tables, FILE *f)
{
    summary(p, f);
    if (tables & DD_TABLE_SORTIES)
        table_sorties(p, f);
    if (tables & DD_TABLE_CLEARANCES)
        table_clearances(p, f);
    if (tables & DD_TABLE_PEOPLE)
        table_people(p, f);
    if (tables & DD_TABLE_TASKS)
        table_tasks(p, f);
    return ferror(f) ? DD_EIO : DD_OK;
}
