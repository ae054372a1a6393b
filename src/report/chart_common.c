/* SPDX-License-Identifier: MIT */
/*
 * What every chart shares: the frame, axes, fonts, legends and the series
 * styles. The palette is Okabe & Ito's (2008) colour-blind-safe set,
 * ordered so neighbouring series differ in luminance; every series also
 * has its own dash pattern and marker shape, and filled areas a hatch, so
 * a greyscale print still tells them apart.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/units.h"
#include "report/chart_int.h"

static const double palette[][3] = {
    {0.000, 0.447, 0.698}, /* blue, dark */
    {0.902, 0.624, 0.000}, /* orange, light */
    {0.000, 0.000, 0.000}, /* black */
    {0.337, 0.706, 0.914}, /* sky blue, light */
    {0.835, 0.369, 0.000}, /* vermillion, mid */
    {0.000, 0.620, 0.451}, /* green, mid */
    {0.800, 0.475, 0.655}, /* purple, mid-light */
};
#define N_PAL (sizeof palette / sizeof palette[0])

static const double dash_a[] = {1.0};
static const double dash_b[] = {10.0, 5.0};
static const double dash_c[] = {2.0, 4.0};
static const double dash_d[] = {12.0, 4.0, 2.0, 4.0};
static const struct {
    const double *d;
    int n;
} dashes[] = {{dash_a, 0}, {dash_b, 2}, {dash_c, 2}, {dash_d, 4}};

double dd__ch_fx(const ch_frame *f, double v)
{
    double span = f->vx1 - f->vx0;
    return f->x0 + (span > 0 ? (v - f->vx0) / span : 0) * (f->x1 - f->x0);
}

double dd__ch_fy(const ch_frame *f, double v)
{
    double span = f->vy1 - f->vy0;
    return f->y1 - (span > 0 ? (v - f->vy0) / span : 0) * (f->y1 - f->y0);
}

double dd__ch_step(double max, int n)
{
    if (!(max > 0))
        return 1;
    double raw = max / n, mag = pow(10, floor(log10(raw)));
    double r = raw / mag;
    return mag * (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10);
}

void dd__ch_font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

/* The key of the text sink in a cairo context's user data (its address
 * is the key; never written). */
static const cairo_user_data_key_t sink_key = {0};

void dd__ch_set_sink(cairo_t *cr, ch_text_sink *sink)
{
    cairo_set_user_data(cr, &sink_key, sink, NULL);
}

static void sink_add(ch_text_sink *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sink_add(ch_text_sink *k, const char *fmt, ...)
{
    if (k->oom)
        return;
    dd__sbuf *t = &k->text;
    /* formatted into the room left; once more after making room */
    for (int pass = 0; pass < 2; pass++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (n >= 0 && t->p && t->n + (size_t)n < t->cap) {
            t->n += (size_t)n;
            return;
        }
        if (n < 0 || !dd__sbuf_reserve(t, (size_t)n)) {
            k->oom = true;
            return;
        }
    }
}

static void sink_text(ch_text_sink *k, const char *s)
{
    char buf[256];
    size_t o = 0;
    for (; *s; s++) {
        const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
                        : *s == '"' ? "&quot;" : NULL;
        size_t l = e ? strlen(e) : 1;
        if (o + l >= sizeof buf) {
            buf[o] = '\0';
            sink_add(k, "%s", buf);
            o = 0;
        }
        if (e) {
            memcpy(buf + o, e, l);
            o += l;
        } else {
            buf[o++] = *s;
        }
    }
    buf[o] = '\0';
    sink_add(k, "%s", buf);
}

void dd__ch_show(cairo_t *cr, const char *s)
{
    ch_text_sink *k = cairo_get_user_data(cr, &sink_key);
    if (!k) {
        cairo_show_text(cr, s);
        return;
    }
    if (!cairo_has_current_point(cr) || !*s)
        return;
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double x0 = x, y0 = y, x1 = x + e.x_advance, y1 = y;
    cairo_user_to_device(cr, &x0, &y0);
    cairo_user_to_device(cr, &x1, &y1);
    cairo_matrix_t fm, m, t;
    cairo_get_font_matrix(cr, &fm);
    cairo_get_matrix(cr, &m);
    cairo_matrix_multiply(&t, &fm, &m);
    double size = hypot(t.xy, t.yy);
    double ang = atan2(y1 - y0, x1 - x0) * 180.0 / M_PI, len = hypot(x1 - x0, y1 - y0);
    double r = 0, g = 0, bl = 0, a = 1;
    if (cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &bl, &a) != CAIRO_STATUS_SUCCESS)
        r = g = bl = 0;
    cairo_font_face_t *ff = cairo_get_font_face(cr);
    bool bold = cairo_font_face_get_type(ff) == CAIRO_FONT_TYPE_TOY &&
                cairo_toy_font_face_get_weight(ff) == CAIRO_FONT_WEIGHT_BOLD;
    sink_add(k,
             "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\"%s fill=\"#%02x%02x%02x\" "
             "textLength=\"%.1f\" lengthAdjust=\"spacingAndGlyphs\"",
             x0, y0, size, bold ? " font-weight=\"bold\"" : "", (int)lround(r * 255),
             (int)lround(g * 255), (int)lround(bl * 255), len);
    if (fabs(ang) > 0.5)
        sink_add(k, " transform=\"rotate(%.1f %.1f %.1f)\"", ang, x0, y0);
    sink_add(k, ">");
    sink_text(k, s);
    sink_add(k, "</text>\n");
    cairo_rel_move_to(cr, e.x_advance, 0);
}

void dd__ch_text(cairo_t *cr, double x, double y, double ax, double ay, const char *s)
{
    cairo_text_extents_t e;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, s, &e);
    cairo_font_extents(cr, &fe);
    double h = fe.ascent;
    cairo_move_to(cr, x - ax * e.x_advance, y + h - ay * h);
    dd__ch_show(cr, s);
}

double dd__ch_header(cairo_t *cr, double w, const char *title, const char *sub)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, 24, true);
    dd__ch_text(cr, 30, 18, 0, 0, title);
    if (sub && *sub) {
        dd__ch_font(cr, 15, false);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        dd__ch_text(cr, 30, 52, 0, 0, sub);
    }
    (void)w;
    return sub && *sub ? 82 : 58;
}

double dd__ch_header_local(const dd_brief *b, cairo_t *cr, double w, const char *title,
                           const char *before, const char *after)
{
    char off[24], sub[256];
    dd__br_fmt_offset(b->offset_min, off, sizeof off);
    snprintf(sub, sizeof sub, "%s%s%s", before, off, after);
    return dd__ch_header(cr, w, title, sub);
}

double dd__ch_day(const dd_brief *b, int64_t t)
{
    return (double)(t + b->offset_min) / 1440.0;
}

void dd__ch_time_axis(cairo_t *cr, const ch_frame *f, const dd_brief *b)
{
    double span = f->vx1 - f->vx0;
    double px_per_day = (f->x1 - f->x0) / (span > 0 ? span : 1);
    /* label spacing: days, every other day, Mondays, every other Monday,
     * month starts, quarter starts */
    int every = px_per_day >= 62  ? 1
                : px_per_day >= 31 ? 2
                : px_per_day >= 9  ? 7
                : px_per_day >= 4.5 ? 14
                : px_per_day >= 2.2 ? 30
                                    : 90;
    dd__ch_font(cr, 13, false);
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int year_shown = -1; /* every date with its year: the first label and each new year */
    for (int64_t d = (int64_t)ceil(f->vx0); (double)d <= f->vx1; d++) {
        int y, m, dd;
        dd__br_civil(d, &y, &m, &dd);
        /* weekly and fortnightly marks fall on Mondays (1970-01-01 was a
         * Thursday) */
        bool major = every == 1 || (every >= 30   ? dd == 1 && (every == 30 || (m - 1) % 3 == 0)
                                    : every >= 7 ? (d + 3) % every == 0
                                                 : d % every == 0);
        double x = dd__ch_fx(f, (double)d);
        cairo_set_line_width(cr, major ? 1.0 : 0.5);
        cairo_set_source_rgb(cr, major ? 0.8 : 0.92, major ? 0.8 : 0.92, major ? 0.8 : 0.92);
        if (major || px_per_day >= 6) {
            cairo_move_to(cr, x, f->y0);
            cairo_line_to(cr, x, f->y1);
            cairo_stroke(cr);
        }
        if (major) {
            char lab[32];
            if (every >= 30)
                snprintf(lab, sizeof lab, m == 1 || y != year_shown ? "%s %d" : "%s",
                         mon[m - 1], y);
            else
                snprintf(lab, sizeof lab, y != year_shown ? "%d %s %d" : "%d %s", dd,
                         mon[m - 1], y);
            year_shown = y;
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            dd__ch_text(cr, x, f->y1 + 6, 0.5, 0, lab);
        }
    }
    char off[24], note[96];
    dd__br_fmt_offset(b->offset_min, off, sizeof off);
    if (f->x1 - f->x0 < 700) /* small multiples: the chart's subtitle says it */
        goto axis;
    snprintf(note, sizeof note, "host-country local dates (%s); the day ends at local midnight",
             off);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    dd__ch_font(cr, 12, false);
    dd__ch_text(cr, f->x1, f->y1 + 26, 1, 0, note);
axis:
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, f->x0, f->y1);
    cairo_line_to(cr, f->x1, f->y1);
    cairo_stroke(cr);
}

void dd__ch_value_axis(cairo_t *cr, const ch_frame *f, double step, const char *label,
                       bool right, bool grid)
{
    dd__ch_font(cr, 13, false);
    for (double v = f->vy0; v <= f->vy1 + step * 1e-6; v += step) {
        double y = dd__ch_fy(f, v);
        if (grid) {
            cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
            cairo_set_line_width(cr, 0.7);
            cairo_move_to(cr, f->x0, y);
            cairo_line_to(cr, f->x1, y);
            cairo_stroke(cr);
        }
        char lab[32];
        if (step >= 1 || v == 0)
            dd__out_number(v, 0, lab, sizeof lab); /* 1,500,000 */
        else
            snprintf(lab, sizeof lab, "%g", round(v / step) * step);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        if (right)
            dd__ch_text(cr, f->x1 + 6, y, 0, 0.5, lab);
        else
            dd__ch_text(cr, f->x0 - 6, y, 1, 0.5, lab);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.2);
    double x = right ? f->x1 : f->x0;
    cairo_move_to(cr, x, f->y0);
    cairo_line_to(cr, x, f->y1);
    cairo_stroke(cr);
    dd__ch_font(cr, 14, true);
    cairo_save(cr);
    if (right) {
        cairo_move_to(cr, f->x1 + 56, (f->y0 + f->y1) / 2);
        cairo_rotate(cr, M_PI / 2);
    } else {
        cairo_move_to(cr, f->x0 - 58, (f->y0 + f->y1) / 2);
        cairo_rotate(cr, -M_PI / 2);
    }
    cairo_text_extents_t e;
    cairo_text_extents(cr, label, &e);
    cairo_rel_move_to(cr, -e.x_advance / 2, 0);
    dd__ch_show(cr, label);
    cairo_restore(cr);
}

void dd__ch_style(cairo_t *cr, int k, double width)
{
    size_t c = (size_t)k % N_PAL, d = (size_t)k % (sizeof dashes / sizeof dashes[0]);
    cairo_set_source_rgb(cr, palette[c][0], palette[c][1], palette[c][2]);
    cairo_set_line_width(cr, width);
    cairo_set_dash(cr, dashes[d].d, dashes[d].n, 0);
}

void dd__ch_fill_style(cairo_t *cr, int k)
{
    size_t c = (size_t)k % N_PAL;
    cairo_set_source_rgb(cr, palette[c][0], palette[c][1], palette[c][2]);
    cairo_set_dash(cr, NULL, 0, 0);
}

void dd__ch_marker(cairo_t *cr, int k, double x, double y, double r)
{
    cairo_save(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    switch (k % 4) {
    case 0:
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
        break;
    case 2:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
        cairo_close_path(cr);
        break;
    default:
        cairo_move_to(cr, x, y - r * 1.3);
        cairo_line_to(cr, x + r * 1.3, y);
        cairo_line_to(cr, x, y + r * 1.3);
        cairo_line_to(cr, x - r * 1.3, y);
        cairo_close_path(cr);
        break;
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

void dd__ch_hatch(cairo_t *cr, int k, double x, double y, double w, double h)
{
    dd__ch_fill_style(cr, k);
    cairo_rectangle(cr, x, y, w, h);
    if (k % 3 == 0) {
        cairo_fill(cr);
        return;
    }
    cairo_fill_preserve(cr);
    cairo_save(cr);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 1.5);
    double s = 7;
    for (double t = -h; t < w + h; t += s) {
        if (k % 3 == 1) { /* diagonal */
            cairo_move_to(cr, x + t, y + h);
            cairo_line_to(cr, x + t + h, y);
        } else { /* horizontal */
            double yy = y + fmod(t + h, h + s);
            cairo_move_to(cr, x, yy);
            cairo_line_to(cr, x + w, yy);
        }
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void dd__ch_vline(cairo_t *cr, const ch_frame *f, double v, const char *label, bool strong)
{
    dd__ch_vline_at(cr, f, v, label, strong, 2);
}

void dd__ch_vline_at(cairo_t *cr, const ch_frame *f, double v, const char *label, bool strong,
                     double dy)
{
    double x = dd__ch_fx(f, v);
    if (x < f->x0 - 0.5 || x > f->x1 + 0.5)
        return;
    static const double d[] = {6, 4};
    cairo_save(cr);
    cairo_set_source_rgb(cr, strong ? 0.75 : 0.3, 0, 0);
    cairo_set_line_width(cr, strong ? 2.5 : 1.5);
    cairo_set_dash(cr, d, strong ? 0 : 2, 0);
    cairo_move_to(cr, x, f->y0);
    cairo_line_to(cr, x, f->y1);
    cairo_stroke(cr);
    dd__ch_font(cr, 13, strong);
    cairo_text_extents_t e;
    cairo_text_extents(cr, label, &e);
    bool left = x + 6 + e.x_advance > f->x1;
    dd__ch_text(cr, left ? x - 4 : x + 4, f->y0 + dy, left ? 1 : 0, 0, label);
    cairo_restore(cr);
}

/* A legend's label after its 34-unit sample; the x after it. Restores cr. */
static double legend_label(cairo_t *cr, double x, double y, const char *label)
{
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    dd__ch_font(cr, 14, false);
    dd__ch_text(cr, x + 40, y, 0, 0.5, label);
    cairo_text_extents_t e;
    cairo_text_extents(cr, label, &e);
    cairo_restore(cr);
    return x + 40 + e.x_advance + 24;
}

double dd__ch_legend_grey(cairo_t *cr, double x, double y, const char *label)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 34, y);
    cairo_stroke(cr);
    return legend_label(cr, x, y, label);
}

double dd__ch_legend(cairo_t *cr, double x, double y, int k, bool line, const char *label)
{
    cairo_save(cr);
    if (line) {
        dd__ch_style(cr, k, 2.5);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + 34, y);
        cairo_stroke(cr);
        dd__ch_marker(cr, k, x + 17, y, 4.5);
    } else {
        dd__ch_hatch(cr, k, x, y - 7, 24, 14);
    }
    return legend_label(cr, x, y, label);
}

/* Each chart's name and description, from the one list (report.h). */
static const struct {
    const char *name, *text;
} charts[] = {
#define C(id, name, text) {name, text},
    DD_CHART_MAP(C)
#undef C
};

const char *dd_chart_name(dd_chart c)
{
    return (unsigned)c < DD_CHART_COUNT ? charts[c].name : "?";
}

const char *dd_chart_text(dd_chart c)
{
    return (unsigned)c < DD_CHART_COUNT ? charts[c].text : "?";
}

int dd_chart_from_name(const char *name)
{
    for (int c = 0; c < DD_CHART_COUNT; c++)
        if (!strcmp(name, dd_chart_name((dd_chart)c)))
            return c;
    return -1;
}

void dd__chart_draw(const dd_brief *b, dd_chart c, cairo_t *cr, double w, double h,
                    int first_sortie)
{
    /* every chart but the loads, which starts at a sortie */
    static void (*const draw[DD_CHART_COUNT])(const dd_brief *, cairo_t *, double, double) = {
        [DD_CHART_BURNDOWN] = dd__chart_burndown, [DD_CHART_GANTT] = dd__chart_gantt,
        [DD_CHART_RAMP] = dd__chart_ramp,         [DD_CHART_CALENDAR] = dd__chart_calendar,
        [DD_CHART_SECURITY] = dd__chart_security, [DD_CHART_RISK] = dd__chart_risk,
    };
    cairo_save(cr);
    if ((unsigned)c < DD_CHART_COUNT && draw[c])
        draw[c](b, cr, w, h);
    else
        dd__chart_loads(b, cr, w, h, first_sortie);
    cairo_restore(cr);
}
