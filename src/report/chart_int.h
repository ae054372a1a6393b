/* SPDX-License-Identifier: MIT */
/*
 * Drawing helpers shared by the charts (chart_common.c): a plotting frame
 * mapping values to the page, time axes in host-country days, value axes
 * with round ticks, titles, legends, and per-series styles that stay
 * apart in greyscale (luminance-distinct colours, each with its own dash
 * pattern and marker). Charts draw in user units on any cairo context,
 * so one drawing serves PNG, SVG and PDF.
 */
#ifndef DD_REPORT_CHART_INT_H
#define DD_REPORT_CHART_INT_H

#include <cairo.h>

#include "base/sbuf.h"
#include "report/brief_int.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct ch_frame {
    double x0, y0, x1, y1;   /* plot area on the page (y0 top) */
    double vx0, vx1, vy0, vy1; /* value ranges */
} ch_frame;

double dd__ch_fx(const ch_frame *f, double v);
double dd__ch_fy(const ch_frame *f, double v);
/* Round step for an axis from 0 to max with about n ticks. */
double dd__ch_step(double max, int n);
void dd__ch_font(cairo_t *cr, double size, bool bold);
/*
 * Where text goes: glyphs (PNG, PDF, SVG files) or, for the HTML page,
 * SVG <text> elements collected in a sink (searchable, copyable text;
 * each with the position, size, weight, colour, angle and length cairo
 * would have drawn it with). dd__ch_show draws the string at the current
 * point either way; every chart's text goes through it.
 */
typedef struct ch_text_sink {
    dd__sbuf text; /* the owner frees text.p */
    bool oom;
} ch_text_sink;
/* Send cr's text to `sink` (NULL: draw glyphs again). */
void dd__ch_set_sink(cairo_t *cr, ch_text_sink *sink);
void dd__ch_show(cairo_t *cr, const char *s);
/* Text anchored: ax 0 left, 0.5 centre, 1 right; ay likewise (0 top). */
void dd__ch_text(cairo_t *cr, double x, double y, double ax, double ay, const char *s);
/* White page, title and subtitle; returns the y below them. */
double dd__ch_header(cairo_t *cr, double w, const char *title, const char *sub);
/* The same, the subtitle naming the host country's UTC offset ("UTC+01:00")
 * between `before` and `after`. */
double dd__ch_header_local(const dd_brief *b, cairo_t *cr, double w, const char *title,
                           const char *before, const char *after);
/* Time axis (days since 1970, host time) along the frame's bottom, with
 * grid lines, and the "dates in local time (UTC+hh:mm)" note. */
void dd__ch_time_axis(cairo_t *cr, const ch_frame *f, const dd_brief *b);
/* Value axis on the left (right when right) with grid and label. */
void dd__ch_value_axis(cairo_t *cr, const ch_frame *f, double step, const char *label,
                       bool right, bool grid);
/* Series style k: colour, dash, and a marker drawn with dd__ch_marker. */
void dd__ch_style(cairo_t *cr, int k, double width);
void dd__ch_fill_style(cairo_t *cr, int k);
void dd__ch_marker(cairo_t *cr, int k, double x, double y, double r);
/* A hatch pattern source for fills that must read in greyscale. */
void dd__ch_hatch(cairo_t *cr, int k, double x, double y, double w, double h);
/* Vertical marker line at day value v with a label at the top. */
void dd__ch_vline(cairo_t *cr, const ch_frame *f, double v, const char *label, bool strong);
/* The same with the label dy below the frame's top (to keep labels apart). */
void dd__ch_vline_at(cairo_t *cr, const ch_frame *f, double v, const char *label, bool strong,
                     double dy);
/* Legend entry at (x, y) in style k; returns the x after it. */
double dd__ch_legend(cairo_t *cr, double x, double y, int k, bool line, const char *label);
/* A thin grey line and its label (each site's line, the plan as approved);
 * returns the x after it. */
double dd__ch_legend_grey(cairo_t *cr, double x, double y, const char *label);
/* Day value (days since 1970 + fraction, host time) of a time. */
double dd__ch_day(const dd_brief *b, int64_t t);

void dd__chart_burndown(const dd_brief *b, cairo_t *cr, double w, double h);
void dd__chart_ramp(const dd_brief *b, cairo_t *cr, double w, double h);
void dd__chart_security(const dd_brief *b, cairo_t *cr, double w, double h);
void dd__chart_gantt(const dd_brief *b, cairo_t *cr, double w, double h);
void dd__chart_calendar(const dd_brief *b, cairo_t *cr, double w, double h);
void dd__chart_loads(const dd_brief *b, cairo_t *cr, double w, double h, int first);
void dd__chart_risk(const dd_brief *b, cairo_t *cr, double w, double h);
/* Sorties per loads page of height h. */
size_t dd__chart_loads_per_page(double h);

#endif
