/* SPDX-License-Identifier: MIT */
/*
 * Rendering of the check summary: a terminal page that fits 80 columns,
 * and the JSON object documented in docs/check-json.md.
 */
#include <drawdown/check.h>

#include <math.h>
#include <string.h>

#include "base/json.h"
#include "model/units.h"

static const char *sev_name(dd_severity s)
{
    return s == DD_SEV_ERROR ? "error" : s == DD_SEV_WARNING ? "warning" : "note";
}

/* Wrap text at `width` columns, indenting continuation lines. */
static void wrap(FILE *f, const char *prefix, const char *text, int width)
{
    int col = fprintf(f, "%s", prefix);
    int indent = col;
    const char *p = text;
    while (*p) {
        const char *sp = strchr(p, ' ');
        int wl = sp ? (int)(sp - p) : (int)strlen(p);
        if (col + wl + 1 > width && col > indent) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        }
        if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", wl, p);
        col += wl;
        p += wl;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

/* A deadline at local midnight reads as 24:00 of the day it ends: "by 15
 * September", the same instant as the JSON's. */
static void format_deadline(const dd_scenario *s, dd_time t, int32_t tz, char *buf, size_t n)
{
    dd_scenario_format_end(s, t, tz, buf, n);
}

/* A site's cargo in the reader's bulk unit: "1310.1 t", "2,888,238 lb". */
static void bulk_str(bool us, double kg, char *buf, size_t n)
{
    char v[40];
    dd__out_number(dd__out_bulk(us, kg), us ? 0 : 1, v, sizeof v);
    snprintf(buf, n, "%s %s", v, dd__out_bulk_unit(us));
}

static void days_str(double d, char *buf, size_t n)
{
    snprintf(buf, n, "%.1f d", d);
}

dd_status dd_check_write_text(const dd_check *c, FILE *f)
{
    const dd_scenario *s = c->scenario;
    bool us = dd_scenario_us(s);
    char a[64], b[64];
    fprintf(f, "%s\n", *s->name ? s->name : s->path);
    dd_scenario_format_time(s, 0, s->agreement.tz_offset, a, sizeof a);
    format_deadline(s, s->agreement.deadline, s->agreement.tz_offset, b, sizeof b);
    fprintf(f, "epoch %s   deadline %s   (%.1f days)\n\n", a, b, c->days_to_deadline);

    /* the evacuees' column only when there are some */
    int n_roles = c->people[DD_ROLE_EVACUEE] > 0 ? DD_ROLE_COUNT : DD_ROLE_EVACUEE;
    static const char *const head[DD_ROLE_COUNT] = {"sec", "ops", "sup", "aug", "evac"};
    fprintf(f, "%-8s %6s", "site", "people");
    for (int r = 0; r < n_roles; r++)
        fprintf(f, " %5s", head[r]);
    fprintf(f, " %7s %13s %6s %5s %5s\n", "pieces", "weight", "463L", "roll", "outsz");
    for (size_t i = 0; i < c->n_sites; i++) {
        const dd_check_site *x = &c->sites[i];
        char t[48];
        bulk_str(us, x->ship_kg, t, sizeof t);
        fprintf(f, "%-8.8s %6lld", x->site->id, (long long)x->people_total);
        for (int r = 0; r < n_roles; r++)
            fprintf(f, " %5lld", (long long)x->people[r]);
        fprintf(f, " %7lld %13s %6.1f %5lld %5lld\n", (long long)x->pieces_ship, t,
                x->pallet_equiv, (long long)x->rolling, (long long)x->outsize);
    }
    {
        char t[48];
        bulk_str(us, c->ship_kg, t, sizeof t);
        fprintf(f, "%-8s %6lld", "total", (long long)c->people_total);
        for (int r = 0; r < n_roles; r++)
            fprintf(f, " %5lld", (long long)c->people[r]);
        fprintf(f, " %7s %13s %6.1f\n", "", t, c->pallet_equiv);
    }
    fprintf(f, "  (pieces, weight, 463L pallet-equivalents, rolling stock and outsize count\n"
               "   cargo to ship)\n\n");

    for (size_t i = 0; i < c->n_sites; i++) {
        const dd_check_site *x = &c->sites[i];
        int64_t other = x->pieces_handover + x->pieces_destroy;
        fprintf(f, "%s  %s (%s)\n", x->site->id, *x->site->name ? x->site->name : "",
                x->site->icao);
        char nm[32];
        dd__out_number(dd__out_nm(x->dist_m), 0, nm, sizeof nm);
        if (x->sorties_lb > 0)
            fprintf(f, "  %s nm to the nearest destination; at least %lld %s (%s binds)\n", nm,
                    (long long)x->sorties_lb, dd__plural(x->sorties_lb, "sortie", "sorties"),
                    x->sorties_binding);
        else
            fprintf(f, "  %s nm to the nearest destination; no military sortie needed\n", nm);
        if (other)
            fprintf(f, "  %lld %s handed over, %lld destroyed (not flown)\n",
                    (long long)x->pieces_handover, dd__plural(x->pieces_handover, "piece", "pieces"),
                    (long long)x->pieces_destroy);
        if (x->n_tasks) {
            days_str((double)x->critical_path / 1440.0, a, sizeof a);
            fprintf(f, "  %zu task%s; critical path %s:", x->n_tasks, x->n_tasks == 1 ? "" : "s",
                    a);
            int col = 28 + (int)strlen(a) - (x->n_tasks == 1);
            for (size_t k = 0; k < x->n_cp; k++) {
                const char *id = s->tasks[x->cp[k]].id;
                int wl = (int)strlen(id) + (k ? 3 : 1);
                if (col + wl > 78) {
                    fprintf(f, "\n   ");
                    col = 3;
                }
                fprintf(f, "%s%s", k ? " > " : " ", id);
                col += wl;
            }
            fputc('\n', f);
        }
        if (x->site->close_by != DD_TIME_NONE) {
            format_deadline(s, x->site->close_by, x->site->tz_offset, a, sizeof a);
            fprintf(f, "  closes by %s (day %.1f)\n", a, (double)x->site->close_by / 1440.0);
        }
    }
    fputc('\n', f);

    fprintf(f, "fleet\n");
    for (size_t i = 0; i < s->n_aircraft; i++) {
        const dd_aircraft *t = &s->aircraft[i];
        int32_t tails = dd_aircraft_tails_max(t);
        dd_format_weight(s, t->acl_kg, a, sizeof a);
        if (s->display_length == DD_UNIT_M)
            fprintf(f, "  %-8.8s %3d %-5s  ACL %-20s %2d %-7s %4d %-5s  %.0f km/h\n", t->id,
                    tails, dd__plural(tails, "tail", "tails"), a, t->pallet_positions,
                    dd__plural(t->pallet_positions, "pallet", "pallets"), t->seats,
                    dd__plural(t->seats, "seat", "seats"), t->cruise_mps * 3.6);
        else
            fprintf(f, "  %-8.8s %3d %-5s  ACL %-20s %2d %-7s %4d %-5s  %.0f kt\n", t->id, tails,
                    dd__plural(tails, "tail", "tails"), a, t->pallet_positions,
                    dd__plural(t->pallet_positions, "pallet", "pallets"), t->seats,
                    dd__plural(t->seats, "seat", "seats"), t->cruise_mps * 3600 / 1852);
    }
    if (!s->n_aircraft)
        fprintf(f, "  (no aircraft)\n");
    for (size_t i = 0; i < s->n_commercial; i++) {
        const dd_commercial *cm = &s->commercial[i];
        fprintf(f, "  commercial from %s: %d %s/day\n", s->sites[cm->site].id,
                cm->seats_per_day, dd__plural(cm->seats_per_day, "seat", "seats"));
    }
    fputc('\n', f);

    fprintf(f, "time\n");
    if (s->agreement.clearance.opens > 0) {
        dd_scenario_format_time(s, s->agreement.clearance.opens, s->agreement.tz_offset, a,
                                sizeof a);
        fprintf(f, "  clearances open %s (day %.1f)\n", a,
                (double)s->agreement.clearance.opens / 1440.0);
    }
    for (size_t i = 0; i < c->n_milestones; i++) {
        const dd_milestone *m = c->milestones[i].m;
        format_deadline(s, m->at, s->agreement.tz_offset, a, sizeof a);
        fprintf(f, "  milestone %s: %s (day %.1f)", m->id, a, c->milestones[i].days_from_epoch);
        if (m->site >= 0)
            fprintf(f, " at %s", s->sites[m->site].id);
        if (m->personnel_fraction >= 0 || m->cargo_fraction >= 0)
            fprintf(f, "\n   ");
        if (m->personnel_fraction >= 0)
            fprintf(f, " %.0f%% of people%s", m->personnel_fraction * 100,
                    m->cargo_fraction >= 0 ? "," : "");
        if (m->cargo_fraction >= 0)
            fprintf(f, " %.0f%% of cargo", m->cargo_fraction * 100);
        fputc('\n', f);
    }
    fprintf(f, "  deadline: day %.1f; at least %lld sortie%s in all\n\n", c->days_to_deadline,
            (long long)c->sorties_lb, c->sorties_lb == 1 ? "" : "s");

    if (c->n_findings) {
        fprintf(f, "findings\n");
        for (size_t i = 0; i < c->n_findings; i++) {
            char prefix[16];
            snprintf(prefix, sizeof prefix, "  %s: ", sev_name(c->findings[i].severity));
            wrap(f, prefix, c->findings[i].text, 79);
        }
    }
    return ferror(f) ? DD_EIO : DD_OK;
}

/* A key and its value. */
static void kint(dd_jw *w, const char *k, int64_t v)
{
    dd__jw_kint(w, k, v);
}

static void knum(dd_jw *w, const char *k, double v)
{
    dd__jw_knum(w, k, v);
}

static void kstr(dd_jw *w, const char *k, const char *v)
{
    dd__jw_key(w, k);
    if (v)
        dd__jw_str(w, v);
    else
        dd__jw_null(w);
}

/* A share from 0 to 1; null when not given (negative). */
static void kshare(dd_jw *w, const char *k, double v)
{
    dd__jw_key(w, k);
    if (v >= 0)
        dd__jw_num(w, v);
    else
        dd__jw_null(w);
}

static void j_site(dd_jw *w, const dd_scenario *s, const dd_check_site *x)
{
    dd__jw_obj(w);
    kstr(w, "id", x->site->id);
    kstr(w, "icao", x->site->icao);
    dd__jw_key(w, "people");
    dd__jw_obj(w);
    for (int r = 0; r < DD_ROLE_COUNT; r++)
        if (r != DD_ROLE_EVACUEE || dd_scenario_role_people(s, DD_ROLE_EVACUEE) > 0)
            kint(w, dd_role_name((dd_role)r), x->people[r]);
    kint(w, "total", x->people_total);
    dd__jw_obj_end(w);
    kint(w, "cargo_rows", x->cargo_rows);
    kint(w, "pieces_ship", x->pieces_ship);
    kint(w, "pieces_handover", x->pieces_handover);
    kint(w, "pieces_destroy", x->pieces_destroy);
    knum(w, "ship_kg", round(x->ship_kg * 10) / 10);
    knum(w, "pallet_equivalents", round(x->pallet_equiv * 100) / 100);
    kint(w, "rolling_stock", x->rolling);
    kint(w, "outsize", x->outsize);
    kint(w, "tasks", (int64_t)x->n_tasks);
    knum(w, "critical_path_days", (double)x->critical_path / 1440.0);
    dd__jw_key(w, "critical_path");
    dd__jw_arr(w);
    for (size_t k = 0; k < x->n_cp; k++)
        dd__jw_str(w, s->tasks[x->cp[k]].id);
    dd__jw_arr_end(w);
    knum(w, "distance_km", round(x->dist_m / 100) / 10);
    kint(w, "sorties_lower_bound", x->sorties_lb);
    kstr(w, "sorties_binding", x->sorties_binding);
    dd__jw_time(w, s, "close_by", x->site->close_by);
    dd__jw_obj_end(w);
}

static void j_fleet(dd_jw *w, const dd_scenario *s)
{
    dd__jw_key(w, "fleet");
    dd__jw_arr(w);
    for (size_t i = 0; i < s->n_aircraft; i++) {
        const dd_aircraft *t = &s->aircraft[i];
        dd__jw_obj(w);
        kstr(w, "id", t->id);
        kstr(w, "class", s->classes[t->klass]);
        kint(w, "max_tails", dd_aircraft_tails_max(t));
        knum(w, "acl_kg", round(t->acl_kg * 10) / 10);
        kint(w, "pallet_positions", t->pallet_positions);
        kint(w, "seats", t->seats);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

static void j_milestones(dd_jw *w, const dd_check *c)
{
    const dd_scenario *s = c->scenario;
    dd__jw_key(w, "milestones");
    dd__jw_arr(w);
    for (size_t i = 0; i < c->n_milestones; i++) {
        const dd_milestone *m = c->milestones[i].m;
        dd__jw_obj(w);
        kstr(w, "id", m->id);
        dd__jw_time(w, s, "at", m->at);
        knum(w, "days_from_epoch", c->milestones[i].days_from_epoch);
        kstr(w, "site", m->site >= 0 ? s->sites[m->site].id : NULL);
        kshare(w, "personnel", m->personnel_fraction);
        kshare(w, "cargo", m->cargo_fraction);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

static void j_totals(dd_jw *w, const dd_check *c)
{
    dd__jw_key(w, "totals");
    dd__jw_obj(w);
    kint(w, "people", c->people_total);
    knum(w, "ship_kg", round(c->ship_kg * 10) / 10);
    knum(w, "pallet_equivalents", round(c->pallet_equiv * 100) / 100);
    kint(w, "sorties_lower_bound", c->sorties_lb);
    knum(w, "flying_days_lower_bound", c->days_lb);
    kstr(w, "flying_days_binding", c->days_lb_binding);
    knum(w, "clearance_window_days", c->days_clearance_window);
    dd__jw_obj_end(w);
}

dd_status dd_check_write_json(const dd_check *c, FILE *f)
{
    const dd_scenario *s = c->scenario;
    dd_jw w;
    dd__jw_init(&w, f, true);
    dd__jw_obj(&w);
    kint(&w, "version", 1);
    kstr(&w, "scenario", s->name);
    dd__jw_time(&w, s, "epoch", 0);
    dd__jw_time(&w, s, "deadline", s->agreement.deadline);
    knum(&w, "days_to_deadline", c->days_to_deadline);
    dd__jw_key(&w, "sites");
    dd__jw_arr(&w);
    for (size_t i = 0; i < c->n_sites; i++)
        j_site(&w, s, &c->sites[i]);
    dd__jw_arr_end(&w);
    j_fleet(&w, s);
    j_milestones(&w, c);
    j_totals(&w, c);
    dd__jw_key(&w, "findings");
    dd__jw_arr(&w);
    for (size_t i = 0; i < c->n_findings; i++) {
        dd__jw_obj(&w);
        kstr(&w, "severity", sev_name(c->findings[i].severity));
        kstr(&w, "text", c->findings[i].text);
        dd__jw_obj_end(&w);
    }
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}
