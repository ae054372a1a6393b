/* SPDX-License-Identifier: MIT */
/*
 * dd_report_write: the extension picks the format. PNG and SVG hold one
 * chart; the PDF is the briefing: page 1 the verdict with the burndown,
 * then the clearance calendar, the Gantt, ramp use, security and the load
 * diagrams. Each file is written beside its target and renamed into
 * place, so a reader never sees half a file.
 */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/chart_int.h"

#define LOGICAL_W 1400.0
#define PDF_W 842.0 /* A4 landscape, points */
#define PDF_H 595.0
#define MAX_LOAD_PAGES 25

void dd_report_options_init(dd_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->chart = -1;
}

static const char *ext_of(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

/* cairo's stream callback: into the output's FILE */
static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len)
{
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
                                                : CAIRO_STATUS_WRITE_ERROR;
}

static dd_status cairo_fail(dd_diags *diags, const char *path, cairo_status_t cs,
                            const char *what)
{
    if (cs == CAIRO_STATUS_SUCCESS)
        return DD_OK;
    dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot write the %s (%s)", what,
                 cairo_status_to_string(cs));
    return cs == CAIRO_STATUS_NO_MEMORY ? DD_ENOMEM : DD_EIO;
}

static dd_status write_png(const dd_brief *b, FILE *f, const char *path,
                           const dd_report_options *o, dd_chart c, dd_diags *diags)
{
    int w = o->width_px > 0 ? o->width_px : 1400, h = o->height_px > 0 ? o->height_px : 800;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    double k = w / LOGICAL_W;
    cairo_scale(cr, k, k);
    dd__chart_draw(b, c, cr, LOGICAL_W, h / k, o->first_sortie);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_write_to_png_stream(s, to_file, f);
    cairo_surface_destroy(s);
    return cairo_fail(diags, path, cs, "chart");
}

static dd_status write_svg(const dd_brief *b, FILE *f, const char *path,
                           const dd_report_options *o, dd_chart c, dd_diags *diags)
{
    double w = o->width_px > 0 ? o->width_px : 1400, h = o->height_px > 0 ? o->height_px : 800;
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(to_file, f, w, h);
    cairo_t *cr = cairo_create(s);
    double k = w / LOGICAL_W;
    cairo_scale(cr, k, k);
    dd__chart_draw(b, c, cr, LOGICAL_W, h / k, o->first_sortie);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return cairo_fail(diags, path, cs, "chart");
}

typedef struct membuf {
    char *p;
    size_t n, cap;
    bool oom;
} membuf;

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
    membuf *m = closure;
    if (m->n + len > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1 << 16;
        while (cap < m->n + len)
            cap *= 2;
        char *p = realloc(m->p, cap);
        if (!p) {
            m->oom = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->n, data, len);
    m->n += len;
    return CAIRO_STATUS_SUCCESS;
}

dd_status dd__brief_svg_mem(const dd_brief *b, dd_chart c, double w, double h, char **out,
                            size_t *len)
{
    membuf m = {0};
    *out = NULL;
    *len = 0;
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(mem_write, &m, w, h);
    cairo_t *cr = cairo_create(s);
    double k = w / LOGICAL_W;
    cairo_scale(cr, k, k);
    dd__chart_draw(b, c, cr, LOGICAL_W, h / k, 1);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    static const unsigned char nul = 0; /* the text is NUL-terminated */
    if (cs == CAIRO_STATUS_SUCCESS && !m.oom)
        cs = mem_write(&m, &nul, 1);
    if (cs != CAIRO_STATUS_SUCCESS || m.oom) {
        free(m.p);
        return DD_ENOMEM;
    }
    m.n--;
    *out = m.p;
    *len = m.n;
    return DD_OK;
}

/* Page 1's verdict block, in logical units; returns its height. */
static double verdict(const dd_brief *b, cairo_t *cr, double w)
{
    char line[320], t[32], off[24];
    dd__br_fmt_offset(b->offset_min, off, sizeof off);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, 26, true);
    dd__ch_text(cr, 30, 20, 0, 0, b->name);
    /* the verdict in a box: black on white when met, white on black when
     * missed (reads in greyscale and at a glance) */
    /* a plan the verifier does not bear out reads as missed */
    bool met = b->deadline_met && b->verified != DD_BRIEF_DISAGREES;
    cairo_set_source_rgb(cr, met ? 1 : 0.1, met ? 1 : 0.1, met ? 1 : 0.1);
    cairo_rectangle(cr, 30, 62, w - 60, 56);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 3);
    cairo_stroke(cr);
    double m = fabs(b->margin_hours);
    long days = (long)(m / 24);
    long hours = (long)(m - (double)days * 24 + 0.5);
    if (b->verified == DD_BRIEF_DISAGREES)
        snprintf(line, sizeof line, "NOT VERIFIED — the verifier finds %zu violation%s",
                 b->n_violations, b->n_violations == 1 ? "" : "s");
    else if (met)
        snprintf(line, sizeof line, "DEADLINE MET — %ldd %ldh to spare%s", days, hours,
                 b->verified == DD_BRIEF_VERIFIED ? "" : " — NOT VERIFIED");
    else
        snprintf(line, sizeof line, "DEADLINE MISSED — late by %ldd %ldh%s", days, hours,
                 b->verified == DD_BRIEF_VERIFIED ? "" : " — NOT VERIFIED");
    cairo_set_source_rgb(cr, met ? 0 : 1, met ? 0 : 1, met ? 0 : 1);
    dd__ch_font(cr, 28, true);
    dd__ch_text(cr, 46, 90, 0, 0.5, line);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, 17, false);
    dd__br_fmt_time(b->completion, b->offset_min, t, sizeof t);
    char dl[32];
    dd__br_fmt_end(b->deadline, b->offset_min, dl, sizeof dl);
    snprintf(line, sizeof line, "last departure %s, deadline %s (local time, %s)", t, dl, off);
    dd__ch_text(cr, 30, 132, 0, 0, line);
    snprintf(line, sizeof line, "binding limit: %s%s",
             *b->binding_detail ? b->binding_detail : b->binding,
             b->fleet_mix ? "; fleet mix: cargo moved to a smaller type" : "");
    dd__ch_text(cr, 30, 156, 0, 0, line);
    int pax = 0;
    for (size_t i = 0; i < b->n_groups; i++)
        pax += b->groups[i].count;
    snprintf(line, sizeof line,
             "%zu military sorties, %zu clearance requests, %d people (%d on commercial seats), "
             "%zu ground tasks",
             b->n_sorties, b->n_clears, pax, b->commercial_seats, b->n_tasks);
    dd__ch_text(cr, 30, 180, 0, 0, line);
    double y = 204;
    if (b->objective && *b->objective) {
        snprintf(line, sizeof line, "planned for %s",
                 strcmp(b->objective, "completion") == 0
                     ? "the earliest end"
                     : "the most margin on the tightest term (deadline, closing dates, "
                       "milestones)");
        dd__ch_text(cr, 30, y, 0, 0, line);
        y += 24;
    }
    if (b->sim.set) {
        const br_sim *sm = &b->sim;
        size_t n = (size_t)snprintf(line, sizeof line,
                                    "simulated (%d replications): P(deadline) %.1f%% [%.1f–%.1f%%]",
                                    sm->replications, sm->p_deadline.p * 100,
                                    sm->p_deadline.lo * 100, sm->p_deadline.hi * 100);
        if (sm->p_all_terms.set && n < sizeof line)
            snprintf(line + n, sizeof line - n, ", P(every term) %.1f%% [%.1f–%.1f%%]",
                     sm->p_all_terms.p * 100, sm->p_all_terms.lo * 100, sm->p_all_terms.hi * 100);
        dd__ch_font(cr, 17, true);
        dd__ch_text(cr, 30, y, 0, 0, line);
        dd__ch_font(cr, 17, false);
        y += 24;
    }
    for (size_t i = 0; i < b->n_milestones && i < 3; i++) {
        const br_milestone *ms = &b->milestones[i];
        char due[32], got[32];
        dd__br_fmt_end(ms->at, b->offset_min, due, sizeof due);
        dd__br_fmt_time(ms->achieved, b->offset_min, got, sizeof got);
        snprintf(line, sizeof line,
                 "milestone %s due %s: %s%s%s (at the due date %.0f%% of people, %.0f%% of cargo "
                 "out)",
                 ms->id, due, ms->met ? "met" : "NOT MET", ms->achieved != BR_NONE ? " " : "",
                 ms->achieved != BR_NONE ? got : "", ms->personnel_out * 100,
                 ms->cargo_out * 100);
        dd__ch_text(cr, 30, y, 0, 0, line);
        y += 24;
    }
    for (size_t i = 0; i < b->n_relax && i < 3; i++) {
        snprintf(line, sizeof line, "would meet the deadline: %s", b->relax[i]);
        dd__ch_text(cr, 30, y, 0, 0, line);
        y += 24;
    }
    return y + 4;
}

/* The page's footer: the plan's name, its file, the page number. */
static void footer(const dd_brief *b, cairo_t *cr, double w, double h, int page, int pages)
{
    char line[400];
    snprintf(line, sizeof line, "%s — from %s — page %d of %d", b->name, b->file, page, pages);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    dd__ch_font(cr, 11, false);
    dd__ch_text(cr, w - 30, h - 16, 1, 0, line);
    cairo_restore(cr);
}

static dd_status write_pdf(const dd_brief *b, FILE *f, const char *path, dd_diags *diags)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_file, f, PDF_W, PDF_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, b->name);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "drawdown report");
    cairo_t *cr = cairo_create(s);
    double k = PDF_W / LOGICAL_W, lh = PDF_H / k;
    cairo_scale(cr, k, k);
    /* page 1: verdict and burndown */
    double top = verdict(b, cr, LOGICAL_W);
    cairo_save(cr);
    cairo_translate(cr, 0, top);
    cairo_rectangle(cr, 0, 0, LOGICAL_W, lh - top);
    cairo_clip(cr);
    double body = lh - 24; /* the footer's line */
    dd__chart_draw(b, DD_CHART_BURNDOWN, cr, LOGICAL_W, body - top, 1);
    cairo_restore(cr);
    static const dd_chart pages[] = {DD_CHART_CALENDAR, DD_CHART_GANTT, DD_CHART_RAMP,
                                     DD_CHART_SECURITY};
    size_t per = dd__chart_loads_per_page(body);
    size_t load_pages = (b->n_sorties + per - 1) / per;
    load_pages = load_pages > MAX_LOAD_PAGES ? MAX_LOAD_PAGES : load_pages;
    int n_pages = 1 + (b->sim.set ? 1 : 0) + (int)(sizeof pages / sizeof pages[0]) +
                  (int)load_pages,
        page = 1;
    footer(b, cr, LOGICAL_W, lh, page++, n_pages);
    cairo_show_page(cr);
    if (b->sim.set) {
        dd__chart_draw(b, DD_CHART_RISK, cr, LOGICAL_W, body, 1);
        footer(b, cr, LOGICAL_W, lh, page++, n_pages);
        cairo_show_page(cr);
    }
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        dd__chart_draw(b, pages[i], cr, LOGICAL_W, body, 1);
        footer(b, cr, LOGICAL_W, lh, page++, n_pages);
        cairo_show_page(cr);
    }
    for (size_t pg = 0; pg < load_pages; pg++) {
        dd__chart_draw(b, DD_CHART_LOADS, cr, LOGICAL_W, body, (int)(pg * per) + 1);
        footer(b, cr, LOGICAL_W, lh, page++, n_pages);
        cairo_show_page(cr);
    }
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return cairo_fail(diags, path, cs, "briefing");
}

dd_status dd__brief_write_pdf(const dd_brief *b, const char *path, dd_diags *diags)
{
    dd_output *out;
    dd_status st = dd_output_open(path, NULL, 0, diags, &out);
    if (st != DD_OK)
        return st;
    st = write_pdf(b, dd_output_stream(out), path, diags);
    return dd_output_close(out, st, diags);
}

dd_status dd_report_write(const dd_brief *b, const char *path, const dd_report_options *o,
                          dd_diags *diags)
{
    dd_report_options def;
    if (!o) {
        dd_report_options_init(&def);
        o = &def;
    }
    dd_chart c = o->chart >= 0 && o->chart < DD_CHART_COUNT ? (dd_chart)o->chart
                                                            : DD_CHART_BURNDOWN;
    const char *ext = o->format ? o->format : ext_of(path);
    enum { PNG, SVG, PDF, XLSX, HTML } kind;
    if (!strcasecmp(ext, "png"))
        kind = PNG;
    else if (!strcasecmp(ext, "svg"))
        kind = SVG;
    else if (!strcasecmp(ext, "pdf"))
        kind = PDF;
    else if (!strcasecmp(ext, "xlsx"))
        kind = XLSX;
    else if (!strcasecmp(ext, "html") || !strcasecmp(ext, "htm"))
        kind = HTML;
    else if (!strcmp(path, "-") && !o->format) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "standard output needs a format (--format pdf, png, svg, xlsx or html)");
        return DD_EARG;
    } else {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     o->format ? "unknown format '%s' (use pdf, png, svg, xlsx or html)"
                               : "unknown output format '.%s' (use .pdf, .png, .svg, .xlsx or "
                                 ".html)",
                     ext);
        return DD_EARG;
    }
    if (o->first_sortie > 1 && (size_t)o->first_sortie > b->n_sorties) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "no sortie %d: the plan has %zu sortie%s", o->first_sortie, b->n_sorties,
                     b->n_sorties == 1 ? "" : "s");
        return DD_EARG;
    }
    dd_output *out;
    dd_status st = dd_output_open(path, o->inputs, o->n_inputs, diags, &out);
    if (st != DD_OK)
        return st;
    FILE *f = dd_output_stream(out);
    switch (kind) {
    case PNG: st = write_png(b, f, path, o, c, diags); break;
    case SVG: st = write_svg(b, f, path, o, c, diags); break;
    case PDF: st = write_pdf(b, f, path, diags); break;
    case XLSX: st = dd__brief_write_xlsx_stream(b, f, path, diags); break;
    case HTML: st = dd__brief_write_html_stream(b, f, path, diags); break;
    }
    return dd_output_close(out, st, diags);
}


void dd_report_global_cleanup(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
