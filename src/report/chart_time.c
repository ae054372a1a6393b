/* SPDX-License-Identifier: MIT */
/*
 * Charts over the calendar: the burndown (people and tonnes left per site
 * against the milestones and the deadline), ramp use (aircraft on the
 * ground and clearances per day, against their caps when known) and
 * security present against its minimum per site. Each plots the series
 * of chart_series.c, so what the tests check is what is drawn.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/units.h"
#include "report/chart_int.h"

/* The frame spanning the plan's days, from the epoch's day to the later
 * of the deadline and the last departure. */
static ch_frame time_frame(const dd_brief *b, double x0, double y0, double x1, double y1)
{
    ch_frame f = {x0, y0, x1, y1, 0, 0, 0, 1};
    f.vx0 = (double)b->first_day;
    f.vx1 = (double)b->last_day + 1;
    return f;
}

/* The frame from the epoch's day to two days after the last site closes
 * (the whole span when none does). */
static ch_frame open_frame(const dd_brief *b, double x0, double y0, double x1, double y1)
{
    ch_frame f = time_frame(b, x0, y0, x1, y1);
    double last = -1e18;
    for (size_t i = 0; i < b->n_sites; i++)
        if (b->sites[i].closure != BR_NONE)
            last = fmax(last, floor(dd__ch_day(b, b->sites[i].closure)));
    if (last > f.vx0)
        f.vx1 = fmin(f.vx1, last + 3);
    return f;
}

/* The frame spanning the days with sorties (a day either side), for
 * charts of daily use that would be thin slivers over the whole span. */
static ch_frame busy_frame(const dd_brief *b, double x0, double y0, double x1, double y1)
{
    ch_frame f = time_frame(b, x0, y0, x1, y1);
    if (!b->n_sorties)
        return f;
    double lo = 1e18, hi = -1e18;
    for (size_t i = 0; i < b->n_sorties; i++) {
        lo = fmin(lo, floor(dd__ch_day(b, b->sorties[i].at_site)));
        hi = fmax(hi, floor(dd__ch_day(b, b->sorties[i].dep)));
    }
    f.vx0 = fmax(f.vx0, lo - 1);
    f.vx1 = fmin(f.vx1, hi + 2);
    return f;
}

static double series_max(const dd_brief_series_list *l, const char *prefix)
{
    double m = 0;
    for (size_t i = 0; i < l->n; i++)
        if (!strncmp(l->v[i].name, prefix, strlen(prefix)))
            for (size_t k = 0; k < l->v[i].n; k++)
                m = fmax(m, l->v[i].y[k]);
    return m;
}

/* The vertical marks of a time chart: the milestones, each site's agreed
 * closing date, the plan's last departure and the deadline. Their lines go
 * under the data; their labels go over it, each on a white ground, laid out
 * in rows from the top so that no two labels overlap. */
typedef enum mark_kind { MK_MILESTONE, MK_CLOSE, MK_LAST, MK_DEADLINE } mark_kind;

typedef struct vmark {
    double x;
    mark_kind kind;
    char text[96];
} vmark;

#define MAX_MARKS 24

static size_t collect_marks(const ch_frame *f, const dd_brief *b, vmark *v)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_milestones && n < MAX_MARKS - 2; i++) {
        v[n] = (vmark){dd__ch_fx(f, dd__ch_day(b, b->milestones[i].at)), MK_MILESTONE, ""};
        snprintf(v[n++].text, sizeof v->text, "milestone %s", b->milestones[i].id);
    }
    for (size_t i = 0; i < b->n_sites && b->n_sites <= 6 && n < MAX_MARKS - 2; i++) {
        const br_site *x = &b->sites[i];
        if (x->close_by == BR_NONE || x->close_by >= b->deadline)
            continue;
        v[n] = (vmark){dd__ch_fx(f, dd__ch_day(b, x->close_by)), MK_CLOSE, ""};
        snprintf(v[n++].text, sizeof v->text, "%s closing date (agreed)", x->id);
    }
    if (b->completion != BR_NONE) {
        char t[32];
        dd__br_fmt_time(b->completion, b->offset_min, t, sizeof t);
        v[n] = (vmark){dd__ch_fx(f, dd__ch_day(b, b->completion)), MK_LAST, ""};
        snprintf(v[n++].text, sizeof v->text, "last departure %s", t);
    }
    v[n] = (vmark){dd__ch_fx(f, dd__ch_day(b, b->deadline)), MK_DEADLINE, "DEADLINE"};
    n++;
    /* only those on the chart */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].x >= f->x0 - 0.5 && v[i].x <= f->x1 + 0.5)
            v[k++] = v[i];
    return k;
}

static void mark_rules(cairo_t *cr, const ch_frame *f, const vmark *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cairo_save(cr);
        if (v[i].kind == MK_LAST) {
            static const double dots[] = {2, 3};
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            cairo_set_line_width(cr, 1.2);
            cairo_set_dash(cr, dots, 2, 0);
        } else {
            static const double dash[] = {6, 4};
            bool strong = v[i].kind == MK_DEADLINE;
            cairo_set_source_rgb(cr, strong ? 0.75 : 0.3, 0, 0);
            cairo_set_line_width(cr, strong ? 2.5 : 1.5);
            cairo_set_dash(cr, dash, strong ? 0 : 2, 0);
        }
        cairo_move_to(cr, v[i].x, f->y0);
        cairo_line_to(cr, v[i].x, f->y1);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
}

static int cmp_mark_x(const void *a, const void *b)
{
    const vmark *x = a, *y = b;
    return (x->x > y->x) - (x->x < y->x);
}

#define MARK_ROWS 8
#define MARK_ROW_H 17.0

/* Each label beside its line (to the left when it would leave the chart),
 * in the first row from the top where it overlaps no other label. */
static void mark_labels(cairo_t *cr, const ch_frame *f, vmark *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_mark_x);
    double row_end[MARK_ROWS][MAX_MARKS][2];
    size_t used[MARK_ROWS] = {0};
    for (size_t i = 0; i < n; i++) {
        bool strong = v[i].kind == MK_DEADLINE;
        dd__ch_font(cr, 13, strong);
        cairo_text_extents_t e;
        cairo_text_extents(cr, v[i].text, &e);
        bool left = v[i].x + 6 + e.x_advance > f->x1;
        double x0 = left ? v[i].x - 4 - e.x_advance : v[i].x + 4, x1 = x0 + e.x_advance;
        size_t r = 0;
        for (; r + 1 < MARK_ROWS; r++) {
            bool clear = true;
            for (size_t k = 0; k < used[r] && clear; k++)
                clear = x1 + 6 < row_end[r][k][0] || x0 > row_end[r][k][1] + 6;
            if (clear)
                break;
        }
        if (used[r] < MAX_MARKS) {
            row_end[r][used[r]][0] = x0;
            row_end[r][used[r]++][1] = x1;
        }
        double y = f->y0 + 2 + MARK_ROW_H * (double)r;
        cairo_save(cr);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85); /* legible over the lines */
        cairo_rectangle(cr, x0 - 2, y - 1, e.x_advance + 4, MARK_ROW_H - 1);
        cairo_fill(cr);
        if (v[i].kind == MK_LAST)
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        else
            cairo_set_source_rgb(cr, strong ? 0.75 : 0.3, 0, 0);
        dd__ch_text(cr, x0, y, 0, 0, v[i].text);
        cairo_restore(cr);
    }
}

/* The marks' lines alone (before the data), their labels alone (after). */
static void time_rules(cairo_t *cr, const ch_frame *f, const dd_brief *b)
{
    vmark v[MAX_MARKS];
    mark_rules(cr, f, v, collect_marks(f, b, v));
}

static void time_labels(cairo_t *cr, const ch_frame *f, const dd_brief *b)
{
    vmark v[MAX_MARKS];
    mark_labels(cr, f, v, collect_marks(f, b, v));
}

/* Both, over what is drawn already (day bars). */
static void time_marks(cairo_t *cr, const ch_frame *f, const dd_brief *b)
{
    time_rules(cr, f, b);
    time_labels(cr, f, b);
}

/* When the plan empties each site (its last departure): a short line in
 * the site's style up from the time axis, labelled; the agreed closing
 * dates are time_marks' lines. */
static void closure_marks(cairo_t *cr, const ch_frame *f, const dd_brief *b)
{
    if (b->n_sites > 6)
        return;
    for (size_t i = 0; i < b->n_sites; i++) {
        const br_site *x = &b->sites[i];
        if (x->closure == BR_NONE)
            continue;
        double px = dd__ch_fx(f, dd__ch_day(b, x->closure));
        if (px < f->x0 || px > f->x1)
            continue;
        double top = f->y1 - 34 - 18 * (double)i;
        cairo_save(cr);
        dd__ch_style(cr, (int)i, 2);
        cairo_move_to(cr, px, f->y1);
        cairo_line_to(cr, px, top);
        cairo_stroke(cr);
        dd__ch_marker(cr, (int)i, px, top, 4);
        char t[32], lab[96];
        dd__br_fmt_time(x->closure, x->offset_min, t, sizeof t);
        snprintf(lab, sizeof lab, "%s empty (plan) %.10s", x->id, t);
        dd__ch_font(cr, 12, false);
        cairo_text_extents_t e;
        cairo_text_extents(cr, lab, &e);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85); /* legible over the lines */
        cairo_rectangle(cr, px + 5, top - 8, e.x_advance + 4, 16);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        dd__ch_text(cr, px + 7, top, 0, 0.5, lab);
        cairo_restore(cr);
    }
}

/* Multiply the y of the series whose names start with prefix (the
 * burndown's tonnes shown in pounds). */
static void scale_series(dd_brief_series_list *l, const char *prefix, double k)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strncmp(l->v[i].name, prefix, strlen(prefix)))
            for (size_t p = 0; p < l->v[i].n; p++)
                l->v[i].y[p] *= k;
}

/* Lines of the series whose names start with prefix; style by site. */
static void plot_lines(cairo_t *cr, const ch_frame *f, const dd_brief *b,
                       const dd_brief_series_list *l, const char *prefix, int style0, bool step)
{
    int k = 0;
    for (size_t i = 0; i < l->n; i++) {
        const dd_brief_series *s = &l->v[i];
        if (strncmp(s->name, prefix, strlen(prefix)) || !s->n)
            continue;
        cairo_save(cr);
        if (style0 < 0) { /* many sites: thin grey, no markers */
            cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
            cairo_set_line_width(cr, 1);
        } else {
            dd__ch_style(cr, style0 + k, 2.5);
        }
        cairo_rectangle(cr, f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
        cairo_clip(cr);
        for (size_t p = 0; p < s->n; p++) {
            double x = dd__ch_fx(f, (double)b->first_day + s->x[p] + 1), y = dd__ch_fy(f, s->y[p]);
            if (p == 0) {
                cairo_move_to(cr, x, y);
            } else {
                if (step) {
                    double px = dd__ch_fx(f, (double)b->first_day + s->x[p]);
                    cairo_line_to(cr, px, dd__ch_fy(f, s->y[p - 1]));
                    cairo_line_to(cr, px, y);
                }
                cairo_line_to(cr, x, y);
            }
        }
        cairo_stroke(cr);
        size_t every = s->n > 60 ? s->n / 30 : 1;
        for (size_t p = 0; style0 >= 0 && p < s->n; p += every)
            dd__ch_marker(cr, style0 + k, dd__ch_fx(f, (double)b->first_day + s->x[p] + 1),
                          dd__ch_fy(f, s->y[p]), 3.5);
        cairo_restore(cr);
        k++;
    }
}

/* The largest figure of the total (many) or of any one site. */
static double sites_max(const dd_brief *b, const dd_brief_series_list *l, const char *what,
                        bool many)
{
    char name[80];
    if (many) {
        snprintf(name, sizeof name, "%s all", what);
        return series_max(l, name);
    }
    double m = 0;
    for (size_t i = 0; i < b->n_sites; i++) {
        snprintf(name, sizeof name, "%s %s", what, b->sites[i].id);
        m = fmax(m, series_max(l, name));
    }
    return m;
}

/* The burndown's lines: each site styled; with many sites each thin and
 * grey under the total. */
static void plot_site_lines(cairo_t *cr, const ch_frame *f, const dd_brief *b,
                            const dd_brief_series_list *l, const char *what, bool many)
{
    for (size_t i = 0; i < b->n_sites; i++) {
        char name[80];
        snprintf(name, sizeof name, "%s %s", what, b->sites[i].id);
        for (size_t k = 0; k < l->n; k++)
            if (!strcmp(l->v[k].name, name)) {
                dd_brief_series_list one = {1, &l->v[k]};
                plot_lines(cr, f, b, &one, "", many ? -1 : (int)i, false);
            }
    }
    if (many || b->n_sites > 1) {
        char name[80];
        snprintf(name, sizeof name, "%s all", what);
        for (size_t k = 0; k < l->n; k++)
            if (!strcmp(l->v[k].name, name)) {
                dd_brief_series_list one = {1, &l->v[k]};
                plot_lines(cr, f, b, &one, "", 16, false); /* solid black */
            }
    }
}

/* The approved plan's lines, thin grey: each site's, or the total when
 * there are many. */
static void plot_baseline(cairo_t *cr, const ch_frame *f, const dd_brief *base,
                          const dd_brief_series_list *l, const char *what, bool many)
{
    for (size_t k = 0; k < l->n; k++) {
        const char *name = l->v[k].name;
        size_t n = strlen(what);
        if (strncmp(name, what, n) || name[n] != ' ')
            continue;
        if (!strcmp(name + n + 1, "all") != many)
            continue;
        dd_brief_series_list one = {1, &l->v[k]};
        plot_lines(cr, f, base, &one, "", -1, false);
    }
}

static double legend_sites(cairo_t *cr, const dd_brief *b, double x, double y, int style0,
                           const char *fmt)
{
    for (size_t i = 0; i < b->n_sites; i++) {
        char lab[96];
        snprintf(lab, sizeof lab, fmt, b->sites[i].id);
        x = dd__ch_legend(cr, x, y, style0 + (int)i, true, lab);
    }
    return x;
}

/* One panel of the burndown in frame f: the series `what` of every site
 * (and "<what> all"), the plan as approved (b->baseline, series bl) grey
 * under them, the value axis titled `axis`. */
static void burn_panel(cairo_t *cr, ch_frame *f, const dd_brief *b, const dd_brief_series_list *l,
                       const dd_brief_series_list *bl, const char *what, const char *axis,
                       bool many)
{
    const dd_brief *base = b->baseline;
    char all[32];
    snprintf(all, sizeof all, "%s all", what);
    double m = sites_max(b, l, what, many);
    if (base)
        m = fmax(m, sites_max(base, bl, what, many));
    if (b->n_sites > 1 && !many)
        m = fmax(m, series_max(l, all));
    double s = dd__ch_step(m, 5);
    f->vy1 = fmax(s, ceil(m * 1.04 / s) * s);
    dd__ch_value_axis(cr, f, s, axis, false, true);
    dd__ch_time_axis(cr, f, b);
    time_rules(cr, f, b);
    if (base)
        plot_baseline(cr, f, base, bl, what, many);
    plot_site_lines(cr, f, b, l, what, many);
    closure_marks(cr, f, b);
    time_labels(cr, f, b);
}

void dd__chart_burndown(const dd_brief *b, cairo_t *cr, double w, double h)
{
    char sub[200], dl[32];
    dd__br_fmt_end(b->deadline, b->offset_min, dl, sizeof dl);
    snprintf(sub, sizeof sub, "%s — deadline %s local; %s", b->name, dl,
             b->deadline_met ? "deadline met" : "DEADLINE MISSED");
    double top = dd__ch_header(cr, w, "Burndown: people and cargo still in country, by site", sub);
    dd_brief_series_list l;
    if (dd_brief_series_get(b, DD_CHART_BURNDOWN, &l))
        return;
    bool many = b->n_sites > 6;
    if (many) {
        double lx = dd__ch_legend(cr, 90, top + 8, 16, true, "all sites");
        char lab[64];
        snprintf(lab, sizeof lab, "each of the %zu sites", b->n_sites);
        dd__ch_legend_grey(cr, lx, top + 8, lab);
    } else {
        double lx = legend_sites(cr, b, 90, top + 8, 0, "site %s");
        if (b->n_sites > 1) /* the total, solid black, after the sites */
            dd__ch_legend(cr, lx, top + 8, 16, true, "all sites");
    }
    /* the plan as approved, grey under the lines of this one */
    dd_brief_series_list bl = {0, NULL};
    const dd_brief *base = b->baseline;
    if (base && dd_brief_series_get(base, DD_CHART_BURNDOWN, &bl) != DD_OK) {
        dd_brief_series_fini(&l);
        return;
    }
    if (base) {
        char lab[160];
        snprintf(lab, sizeof lab, "grey: as approved (%s)", base->file);
        dd__ch_legend_grey(cr, w - 520, top + 8, lab);
    }
    double gap = 70, ph = (h - top - 30 - gap - 50) / 2;
    /* room for "6,000,000" beside the axis title when cargo is in pounds */
    double left = b->us ? 120 : 90;
    ch_frame f1 = time_frame(b, left, top + 30, w - 40, top + 30 + ph);
    burn_panel(cr, &f1, b, &l, &bl, "people", "people (persons)", many);
    /* cargo in the reader's bulk unit: tonnes, or pounds */
    if (b->us) {
        scale_series(&l, "tonnes", 1000.0 / 0.45359237);
        scale_series(&bl, "tonnes", 1000.0 / 0.45359237);
    }

    ch_frame f2 = time_frame(b, left, f1.y1 + gap, w - 40, f1.y1 + gap + ph);
    burn_panel(cr, &f2, b, &l, &bl, "tonnes", b->us ? "cargo (lb)" : "cargo (tonnes)", many);
    dd_brief_series_fini(&l);
    dd_brief_series_fini(&bl);
}

void dd__chart_security(const dd_brief *b, cairo_t *cr, double w, double h)
{
    double top = dd__ch_header_local(b, cr, w, "Security present against the required minimum",
                                     "end of each day, host-country local dates (",
                                     "); required = max(floor, ratio x others present)");
    dd_brief_series_list l;
    if (dd_brief_series_get(b, DD_CHART_SECURITY, &l))
        return;
    double x = dd__ch_legend(cr, 90, top + 8, 0, true, "security present");
    dd__ch_legend(cr, x, top + 8, 4, true, "required minimum");
    /* up to three sites stacked; more as small multiples in a grid */
    size_t n = b->n_sites ? b->n_sites : 1;
    size_t cols = n <= 3 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : n <= 16 ? 4 : 5;
    size_t rows = (n + cols - 1) / cols;
    double gap = cols > 1 ? 44 : 64, left = cols > 1 ? 60 : 90;
    double pw = (w - 40) / (double)cols;
    double y0 = top + (cols > 1 ? 48 : 30);
    double ph = (h - y0 - gap * (double)rows) / (double)rows;
    for (size_t i = 0; i < b->n_sites; i++) {
        double px = (double)(i % cols) * pw, py = y0 + (double)(i / cols) * (ph + gap);
        ch_frame f = open_frame(b, px + left, py, px + pw - 10, py + ph);
        double m = 0;
        for (size_t k = 0; k < l.v[i].n; k++)
            m = fmax(m, fmax(l.v[i].y[k], l.v[b->n_sites + i].y[k]));
        double s = dd__ch_step(m, cols > 1 ? 3 : 4);
        f.vy1 = fmax(s, ceil(m * 1.04 / s) * s);
        char lab[80];
        snprintf(lab, sizeof lab, "%s (persons)", b->sites[i].id);
        dd__ch_value_axis(cr, &f, s, cols > 1 ? "" : lab, false, true);
        if (cols > 1) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            dd__ch_font(cr, 14, true);
            dd__ch_text(cr, f.x1, f.y0 - 2, 1, 1, lab);
        }
        dd__ch_time_axis(cr, &f, b);
        if (cols == 1)
            time_marks(cr, &f, b);
        if (!l.v[i].n) {
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
            dd__ch_font(cr, 14, false);
            dd__ch_text(cr, (f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2, 0.5, 0.5,
                        "no daily figures for this site in the plan");
        }
        dd_brief_series_list pres = {1, &l.v[i]}, req = {1, &l.v[b->n_sites + i]};
        plot_lines(cr, &f, b, &req, "", 4, true);
        plot_lines(cr, &f, b, &pres, "", 0, true);
    }
    dd_brief_series_fini(&l);
}

/* Bars per day, one slot per site, against an optional cap per site. */
static void day_bars(cairo_t *cr, const ch_frame *f, const dd_brief *b,
                     const dd_brief_series_list *l, const char *prefix, const int32_t *caps,
                     int32_t cap_all)
{
    size_t k = 0, n = b->n_sites ? b->n_sites : 1;
    double dayw = dd__ch_fx(f, 1) - dd__ch_fx(f, 0);
    double bw = dayw * 0.8 / (double)n;
    for (size_t i = 0; i < l->n; i++) {
        const dd_brief_series *s = &l->v[i];
        if (strncmp(s->name, prefix, strlen(prefix)))
            continue;
        for (size_t p = 0; p < s->n; p++) {
            if (s->y[p] <= 0)
                continue;
            double x = dd__ch_fx(f, (double)b->first_day + s->x[p]) + dayw * 0.1 + bw * (double)k;
            double y = dd__ch_fy(f, s->y[p]);
            dd__ch_hatch(cr, (int)k, x, y, bw, f->y1 - y);
        }
        if (caps && caps[k] > 0) {
            cairo_save(cr);
            dd__ch_style(cr, (int)k, 1.5);
            double y = dd__ch_fy(f, caps[k]);
            cairo_move_to(cr, f->x0, y);
            cairo_line_to(cr, f->x1, y);
            cairo_stroke(cr);
            char lab[64];
            snprintf(lab, sizeof lab, "cap %s %d", b->sites[k].id, caps[k]);
            dd__ch_font(cr, 12, false);
            dd__ch_text(cr, f->x0 + 260 + 130 * (double)k, y - 3, 0, 1, lab);
            cairo_restore(cr);
        }
        k++;
    }
    if (cap_all > 0) {
        cairo_save(cr);
        cairo_set_source_rgb(cr, 0.7, 0, 0);
        cairo_set_line_width(cr, 2);
        double y = dd__ch_fy(f, cap_all);
        cairo_move_to(cr, f->x0, y);
        cairo_line_to(cr, f->x1, y);
        cairo_stroke(cr);
        char lab[64];
        snprintf(lab, sizeof lab, "country-wide cap %d/day", cap_all);
        dd__ch_font(cr, 12, true);
        dd__ch_text(cr, f->x0 + 4, y - 3, 0, 1, lab);
        cairo_restore(cr);
    }
}

/* Many sites: rows of day cells shaded by use against the cap (or the
 * busiest day when no cap is known), the figure printed when it fits, a
 * heavy border where use reaches the cap. */
static void heat(cairo_t *cr, const ch_frame *f, const dd_brief *b,
                 const dd_brief_series_list *l, const char *prefix, const int32_t *caps,
                 const char *title)
{
    size_t n = b->n_sites ? b->n_sites : 1;
    double rh = (f->y1 - f->y0) / (double)n, dayw = dd__ch_fx(f, 1) - dd__ch_fx(f, 0);
    double top_v = series_max(l, prefix);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, 14, true);
    dd__ch_text(cr, f->x0, f->y0 - 6, 0, 1, title);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        const dd_brief_series *sr = &l->v[i];
        if (strncmp(sr->name, prefix, strlen(prefix)))
            continue;
        double y = f->y0 + rh * (double)k;
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        dd__ch_font(cr, fmin(12, rh * 0.8), false);
        dd__ch_text(cr, f->x0 - 6, y + rh / 2, 1, 0.5, b->sites[k].id);
        double cap = caps && caps[k] > 0 ? caps[k] : top_v;
        for (size_t p = 0; p < sr->n; p++) {
            double x = dd__ch_fx(f, (double)b->first_day + sr->x[p]);
            if (x < f->x0 - 0.5 || x + dayw > f->x1 + 0.5 || sr->y[p] <= 0)
                continue;
            double share = cap > 0 ? fmin(sr->y[p] / cap, 1) : 0, g = 1 - 0.8 * share;
            cairo_set_source_rgb(cr, g, g, g);
            cairo_rectangle(cr, x + 0.5, y + 0.5, dayw - 1, rh - 1);
            cairo_fill(cr);
            if (caps && caps[k] > 0 && sr->y[p] >= caps[k]) {
                cairo_set_source_rgb(cr, 0, 0, 0);
                cairo_set_line_width(cr, 2);
                cairo_rectangle(cr, x + 1.5, y + 1.5, dayw - 3, rh - 3);
                cairo_stroke(cr);
            }
            if (dayw >= 16 && rh >= 11) {
                char lab[16];
                snprintf(lab, sizeof lab, "%.0f", sr->y[p]);
                cairo_set_source_rgb(cr, g < 0.5 ? 1 : 0, g < 0.5 ? 1 : 0, g < 0.5 ? 1 : 0);
                dd__ch_font(cr, fmin(11, rh * 0.7), false);
                dd__ch_text(cr, x + dayw / 2, y + rh / 2, 0.5, 0.5, lab);
            }
        }
        k++;
    }
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
    cairo_stroke(cr);
}

/* The country's clearances per day (all sites) as a black step line. */
static void country_line(cairo_t *cr, const ch_frame *f, const dd_brief *b,
                         const dd_brief_series_list *l)
{
    size_t n_days = (size_t)(b->last_day - b->first_day + 1);
    double prev_y = 0;
    bool any = false;
    cairo_save(cr);
    cairo_rectangle(cr, f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 2);
    for (size_t d = 0; d < n_days; d++) {
        double v = 0;
        for (size_t i = 0; i < l->n; i++)
            if (!strncmp(l->v[i].name, "clearances ", 11))
                for (size_t p = 0; p < l->v[i].n; p++)
                    if (l->v[i].x[p] == (double)d)
                        v += l->v[i].y[p];
        double x0 = dd__ch_fx(f, (double)(b->first_day + (int64_t)d));
        double x1 = dd__ch_fx(f, (double)(b->first_day + (int64_t)d + 1));
        double y = dd__ch_fy(f, v);
        if (!any)
            cairo_move_to(cr, x0, y);
        else
            cairo_line_to(cr, x0, dd__ch_fy(f, prev_y));
        cairo_line_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        prev_y = v;
        any = true;
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void dd__chart_ramp(const dd_brief *b, cairo_t *cr, double w, double h)
{
    bool caps = b->cap_site != NULL, many = b->n_sites > 4;
    char sub[240], dl[32];
    dd__br_fmt_end(b->deadline, b->offset_min, dl, sizeof dl);
    snprintf(sub, sizeof sub, "days with sorties (deadline %s local); %s%s", dl,
             caps ? "caps from the scenario"
                  : "caps are in the scenario, not the plan file: give --scenario to draw them",
             many ? "; darker = nearer the cap, boxed = at the cap" : "");
    double top = dd__ch_header(cr, w, "Ramp and clearances: use per day against caps", sub);
    dd_brief_series_list l;
    if (dd_brief_series_get(b, DD_CHART_RAMP, &l))
        return;
    double gap = 70, ph = (h - top - 30 - gap - 50) / 2;
    if (many) {
        ch_frame f1 = busy_frame(b, 70, top + 30, w - 30, top + 30 + ph);
        heat(cr, &f1, b, &l, "mog ", caps ? b->mog_site : NULL,
             "aircraft on the ground (peak of the day) per site");
        dd__ch_time_axis(cr, &f1, b);
        ch_frame f2 = busy_frame(b, 70, f1.y1 + gap, w - 30, f1.y1 + gap + ph);
        heat(cr, &f2, b, &l, "clearances ", caps ? b->cap_site : NULL,
             "clearances used per site and day");
        dd__ch_time_axis(cr, &f2, b);
        dd_brief_series_fini(&l);
        return;
    }
    double x = 90;
    for (size_t i = 0; i < b->n_sites; i++) {
        char lab[64];
        snprintf(lab, sizeof lab, "site %s", b->sites[i].id);
        x = dd__ch_legend(cr, x, top + 8, (int)i, false, lab);
    }
    if (b->n_sites > 1) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, x, top + 8);
        cairo_line_to(cr, x + 34, top + 8);
        cairo_stroke(cr);
        dd__ch_font(cr, 14, false);
        dd__ch_text(cr, x + 40, top + 8, 0, 0.5, "country total (clearances)");
    }
    ch_frame f1 = busy_frame(b, 90, top + 30, w - 40, top + 30 + ph);
    double m1 = series_max(&l, "mog ");
    for (size_t i = 0; caps && i < b->n_sites; i++)
        m1 = fmax(m1, b->mog_site[i]);
    double s1 = m1 <= 10 ? 1 : dd__ch_step(m1, 5);
    f1.vy1 = fmax(s1, ceil((m1 + 0.5) / s1) * s1);
    dd__ch_value_axis(cr, &f1, s1, "aircraft on ground (peak)", false, true);
    dd__ch_time_axis(cr, &f1, b);
    day_bars(cr, &f1, b, &l, "mog ", caps ? b->mog_site : NULL, 0);
    time_marks(cr, &f1, b);

    ch_frame f2 = busy_frame(b, 90, f1.y1 + gap, w - 40, f1.y1 + gap + ph);
    double m2 = 0;
    {
        dd_brief_series_list tot;
        if (!dd_brief_series_get(b, DD_CHART_GANTT, &tot)) { /* departures = clearances */
            for (size_t d = 0; tot.n && d < tot.v[0].n; d++) {
                double v = 0;
                for (size_t i = 0; i < tot.n; i++)
                    v += tot.v[i].y[d];
                m2 = fmax(m2, v);
            }
            dd_brief_series_fini(&tot);
        }
    }
    m2 = fmax(fmax(m2, series_max(&l, "clearances ")), b->cap_country);
    double s2 = m2 <= 10 ? 1 : dd__ch_step(m2, 5);
    f2.vy1 = fmax(s2, ceil((m2 + 0.5) / s2) * s2);
    dd__ch_value_axis(cr, &f2, s2, "clearances used per day", false, true);
    dd__ch_time_axis(cr, &f2, b);
    day_bars(cr, &f2, b, &l, "clearances ", caps ? b->cap_site : NULL, b->cap_country);
    if (b->n_sites > 1)
        country_line(cr, &f2, b, &l);
    time_marks(cr, &f2, b);
    dd_brief_series_fini(&l);
}
