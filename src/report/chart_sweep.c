/* SPDX-License-Identifier: MIT */
/*
 * The feasibility frontier of a what-if sweep (include/drawdown/report.h,
 * dd_report_frontier): a grid per panel — the last axis across, the one
 * before it down, a panel for each value of the axes before those — each
 * cell green when the combination meets every term (darker with more
 * margin or probability), red when it misses one, grey when no plan was
 * made, with its figure written in it; a heavy line runs between the
 * cells that meet every term and those that do not (the frontier).
 * Drawn once in user units for PNG, SVG and PDF.
 */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/chart_int.h"
#include <drawdown/report.h>

#define PAGE_W 1200.0
#define MAX_PANELS 36

typedef struct layout {
    size_t nx, ny, n_panels, cols, rows;
    double panel_w, panel_h, top;
} layout;

static layout lay_out(const dd_frontier *f, double w, double h)
{
    layout L;
    size_t n = f->n_axes;
    L.nx = f->n_values[n - 1];
    L.ny = n >= 2 ? f->n_values[n - 2] : 1;
    L.n_panels = 1;
    for (size_t k = 0; k + 2 < n; k++)
        L.n_panels *= f->n_values[k];
    if (L.n_panels > MAX_PANELS)
        L.n_panels = MAX_PANELS;
    L.cols = (size_t)ceil(sqrt((double)L.n_panels));
    L.rows = (L.n_panels + L.cols - 1) / L.cols;
    L.top = 100;
    L.panel_w = (w - 40) / (double)L.cols;
    L.panel_h = (h - L.top - 70) / (double)L.rows;
    return L;
}

static const char *label(const dd_frontier *f, size_t k, size_t i, char *buf, size_t size)
{
    if (i < 64 && f->labels[k] && f->labels[k][i])
        return f->labels[k][i];
    snprintf(buf, size, "#%zu", i + 1);
    return buf;
}

/* Green, darker with a larger value; red, darker when further off. */
static void cell_colour(cairo_t *cr, const dd_frontier *f, const dd_frontier_cell *c,
                        double vmax)
{
    if (!c->planned) {
        cairo_set_source_rgb(cr, 0.82, 0.82, 0.82);
        return;
    }
    double t;
    if (f->probability)
        t = c->value;
    else
        t = vmax > 0 ? fabs(c->value) / vmax : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    if (c->met)
        cairo_set_source_rgb(cr, 0.80 - 0.55 * t, 0.93 - 0.35 * t, 0.78 - 0.50 * t);
    else
        cairo_set_source_rgb(cr, 0.98 - 0.25 * t, 0.80 - 0.55 * t, 0.78 - 0.55 * t);
}

static void draw_panel(cairo_t *cr, const dd_frontier *f, const layout *L, size_t panel,
                       double x, double y, double w, double h, double vmax)
{
    size_t n = f->n_axes;
    char buf[64], title[256] = "";
    /* the panel's values of the leading axes */
    size_t rest = panel, used = 0;
    size_t idx[8] = {0};
    for (size_t k = n >= 2 ? n - 2 : 0; k-- > 0;) {
        idx[k] = rest % f->n_values[k];
        rest /= f->n_values[k];
    }
    for (size_t k = 0; k + 2 < n; k++) {
        int m = snprintf(title + used, sizeof title - used, "%s%s = %s", k ? ", " : "",
                         f->axis_name[k], label(f, k, idx[k], buf, sizeof buf));
        if (m < 0 || (size_t)m >= sizeof title - used)
            break;
        used += (size_t)m;
    }
    double gx = x + 150, gy = y + (title[0] ? 28 : 8);
    double gw = w - 170, gh = h - (gy - y) - 50;
    double cw = gw / (double)L->nx, chh = gh / (double)L->ny;
    if (title[0]) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        dd__ch_font(cr, 13, true);
        dd__ch_text(cr, gx, y + 6, 0, 0, title);
    }
    size_t base = panel * L->nx * L->ny;
    double fs = chh < cw / 3 ? chh * 0.32 : cw * 0.11;
    fs = fs > 14 ? 14 : fs < 6 ? 6 : fs;
    for (size_t j = 0; j < L->ny; j++)
        for (size_t i = 0; i < L->nx; i++) {
            size_t c = base + j * L->nx + i;
            if (c >= f->n_cells)
                continue;
            const dd_frontier_cell *cell = &f->cells[c];
            double cx = gx + (double)i * cw, cy = gy + (double)j * chh;
            cell_colour(cr, f, cell, vmax);
            cairo_rectangle(cr, cx, cy, cw, chh);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 1);
            cairo_stroke(cr);
            if (!cell->planned)
                snprintf(buf, sizeof buf, "no plan");
            else if (f->probability)
                snprintf(buf, sizeof buf, "%.0f%%", 100 * cell->value);
            else
                snprintf(buf, sizeof buf, "%+.1fd", cell->value);
            cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
            dd__ch_font(cr, fs, cell->met);
            dd__ch_text(cr, cx + cw / 2, cy + chh / 2, 0.5, 0.5, buf);
        }
    /* the frontier: edges between a cell that meets every term and one
     * that does not */
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 3);
    for (size_t j = 0; j < L->ny; j++)
        for (size_t i = 0; i < L->nx; i++) {
            size_t c = base + j * L->nx + i;
            if (c >= f->n_cells)
                continue;
            bool m = f->cells[c].met;
            if (i + 1 < L->nx && c + 1 < f->n_cells && f->cells[c + 1].met != m) {
                double ex = gx + (double)(i + 1) * cw;
                cairo_move_to(cr, ex, gy + (double)j * chh);
                cairo_line_to(cr, ex, gy + (double)(j + 1) * chh);
            }
            if (j + 1 < L->ny && c + L->nx < f->n_cells && f->cells[c + L->nx].met != m) {
                double ey = gy + (double)(j + 1) * chh;
                cairo_move_to(cr, gx + (double)i * cw, ey);
                cairo_line_to(cr, gx + (double)(i + 1) * cw, ey);
            }
        }
    cairo_stroke(cr);
    /* axes: values across and down, and their names */
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    dd__ch_font(cr, 11, false);
    size_t every_x = (size_t)(70.0 / cw) + 1, every_y = (size_t)(16.0 / chh) + 1;
    for (size_t i = 0; i < L->nx; i += every_x)
        dd__ch_text(cr, gx + ((double)i + 0.5) * cw, gy + gh + 4, 0.5, 0,
                    label(f, n - 1, i, buf, sizeof buf));
    if (n >= 2)
        for (size_t j = 0; j < L->ny; j += every_y)
            dd__ch_text(cr, gx - 6, gy + ((double)j + 0.5) * chh, 1, 0.5,
                        label(f, n - 2, j, buf, sizeof buf));
    dd__ch_font(cr, 12, true);
    dd__ch_text(cr, gx + gw / 2, gy + gh + 22, 0.5, 0, f->axis_name[n - 1]);
    if (n >= 2) {
        cairo_save(cr);
        cairo_translate(cr, x + 14, gy + gh / 2);
        cairo_rotate(cr, -M_PI / 2);
        dd__ch_text(cr, 0, 0, 0.5, 0, f->axis_name[n - 2]);
        cairo_restore(cr);
    }
}

static void draw(cairo_t *cr, const dd_frontier *f, double w, double h)
{
    layout L = lay_out(f, w, h);
    char sub[512];
    size_t met = 0, total = f->n_cells;
    double vmax = 0;
    for (size_t i = 0; i < f->n_cells; i++) {
        met += f->cells[i].met;
        if (f->cells[i].planned && fabs(f->cells[i].value) > vmax)
            vmax = fabs(f->cells[i].value);
    }
    snprintf(sub, sizeof sub, "%s — %zu of %zu combinations meet every term",
             f->subtitle ? f->subtitle : "", met, total);
    dd__ch_header(cr, w, f->title ? f->title : "Feasibility frontier", sub);
    for (size_t p = 0; p < L.n_panels; p++) {
        double x = 20 + (double)(p % L.cols) * L.panel_w;
        double y = L.top + (double)(p / L.cols) * L.panel_h;
        draw_panel(cr, f, &L, p, x, y, L.panel_w, L.panel_h, vmax);
    }
    /* legend */
    double ly = h - 34, lx = 30;
    static const double col[3][3] = {{0.35, 0.65, 0.38}, {0.85, 0.45, 0.42}, {0.82, 0.82, 0.82}};
    static const char *const txt[3] = {"meets every term", "misses a term", "no plan"};
    dd__ch_font(cr, 12, false);
    for (int k = 0; k < 3; k++) {
        cairo_set_source_rgb(cr, col[k][0], col[k][1], col[k][2]);
        cairo_rectangle(cr, lx, ly, 18, 14);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        dd__ch_text(cr, lx + 24, ly + 7, 0, 0.5, txt[k]);
        lx += 170;
    }
    cairo_set_line_width(cr, 3);
    cairo_move_to(cr, lx, ly + 7);
    cairo_line_to(cr, lx + 24, ly + 7);
    cairo_stroke(cr);
    dd__ch_text(cr, lx + 30, ly + 7, 0, 0.5, "frontier");
    lx += 130;
    char v[160];
    snprintf(v, sizeof v, "cells: %s%s", f->value_label ? f->value_label : "",
             f->probability ? "" : " (darker: more)");
    dd__ch_text(cr, lx, ly + 7, 0, 0.5, v);
}

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

typedef struct job {
    const dd_frontier *f;
    int kind; /* 0 png, 1 svg, 2 pdf */
} job;

static dd_status write_chart(FILE *fp, const void *ctx)
{
    const job *j = ctx;
    const dd_frontier *f = j->f;
    layout L = lay_out(f, PAGE_W, 800);
    double h = 100 + 70 + (double)L.rows * (L.rows > 1 ? 300 : 420);
    cairo_surface_t *s;
    if (j->kind == 0)
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)PAGE_W, (int)h);
    else if (j->kind == 1)
        s = cairo_svg_surface_create_for_stream(to_file, fp, PAGE_W, h);
    else
        s = cairo_pdf_surface_create_for_stream(to_file, fp, PAGE_W, h);
    cairo_t *cr = cairo_create(s);
    draw(cr, f, PAGE_W, h);
    if (j->kind == 2)
        cairo_show_page(cr);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (j->kind == 0 && cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_write_to_png_stream(s, to_file, fp);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (cs == CAIRO_STATUS_NO_MEMORY)
        return DD_ENOMEM;
    return cs == CAIRO_STATUS_SUCCESS ? DD_OK : DD_EIO;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

dd_status dd_report_frontier(const dd_frontier *f, const char *path)
{
    if (!f || !path || f->n_axes < 1 || f->n_axes > 8 || !f->cells)
        return DD_EARG;
    for (size_t k = 0; k < f->n_axes; k++)
        if (f->n_values[k] == 0)
            return DD_EARG;
    job j = {f, 0};
    if (ends_with(path, ".png"))
        j.kind = 0;
    else if (ends_with(path, ".svg"))
        j.kind = 1;
    else if (ends_with(path, ".pdf"))
        j.kind = 2;
    else
        return DD_EARG;
    return dd_write_file(path, NULL, 0, write_chart, &j, NULL);
}
