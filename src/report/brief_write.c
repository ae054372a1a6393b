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

#include "model/units.h"
#include "report/chart_int.h"

#define LOGICAL_W 1400.0
#define MAX_LOAD_PAGES 25
#define MAX_TABLE_PAGES 40
#define BANNER 30.0 /* the marking's band at the top (logical units) */

/* Landscape page sizes in points: A4 (297 x 210 mm) and US letter (11 x
 * 8.5 in). */
static void paper_size(const dd_brief *b, double *w, double *h)
{
    if (b->paper == DD_PAPER_LETTER) {
        *w = 792.0;
        *h = 612.0;
    } else {
        *w = 842.0;
        *h = 595.0;
    }
}

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

/* Draw a chart on a surface of w x h pixels, scaled from the charts'
 * logical width; the context's status. */
static cairo_status_t draw_scaled(const dd_brief *b, dd_chart c, cairo_surface_t *s, double w,
                                  double h, int first, ch_text_sink *sink)
{
    cairo_t *cr = cairo_create(s);
    if (sink)
        dd__ch_set_sink(cr, sink);
    double k = w / LOGICAL_W;
    cairo_scale(cr, k, k);
    dd__chart_draw(b, c, cr, LOGICAL_W, h / k, first);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    return cs;
}

/* Finish a vector surface and destroy it: the first error of cs and the
 * surface's own. */
static cairo_status_t finish_surface(cairo_surface_t *s, cairo_status_t cs)
{
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return cs;
}

static dd_status write_png(const dd_brief *b, FILE *f, const char *path,
                           const dd_report_options *o, dd_chart c, dd_diags *diags)
{
    int w = o->width_px > 0 ? o->width_px : 1400, h = o->height_px > 0 ? o->height_px : 800;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_status_t cs = draw_scaled(b, c, s, w, h, o->first_sortie, NULL);
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
    cairo_status_t cs = finish_surface(s, draw_scaled(b, c, s, w, h, o->first_sortie, NULL));
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

dd_status dd__brief_svg_mem(const dd_brief *b, dd_chart c, double w, double h, bool text,
                            char **out, size_t *len)
{
    membuf m = {0};
    ch_text_sink sink = {0};
    *out = NULL;
    *len = 0;
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(mem_write, &m, w, h);
    cairo_status_t cs = finish_surface(s, draw_scaled(b, c, s, w, h, 1, text ? &sink : NULL));
    /* the text as <text> elements, over the drawing, before </svg> */
    if (text && sink.text.n && cs == CAIRO_STATUS_SUCCESS && !m.oom && !sink.oom) {
        char *end = m.n >= 6 ? m.p + m.n - 1 : NULL;
        while (end && end > m.p && *end != '<')
            end--;
        if (end && !strncmp(end, "</svg>", 6)) {
            size_t tail = m.n - (size_t)(end - m.p);
            char *t = malloc(tail);
            if (!t) {
                m.oom = true;
            } else {
                memcpy(t, end, tail);
                m.n -= tail;
                static const char g[] = "<g font-family=\"DejaVu Sans, Verdana, sans-serif\">\n";
                cs = mem_write(&m, (const unsigned char *)g, sizeof g - 1);
                if (cs == CAIRO_STATUS_SUCCESS)
                    cs = mem_write(&m, (const unsigned char *)sink.text.p, (unsigned)sink.text.n);
                if (cs == CAIRO_STATUS_SUCCESS)
                    cs = mem_write(&m, (const unsigned char *)"</g>\n", 5);
                if (cs == CAIRO_STATUS_SUCCESS)
                    cs = mem_write(&m, (const unsigned char *)t, (unsigned)tail);
                free(t);
            }
        }
    }
    bool sink_oom = sink.oom;
    free(sink.text.p);
    static const unsigned char nul = 0; /* the text is NUL-terminated */
    if (cs == CAIRO_STATUS_SUCCESS && !m.oom)
        cs = mem_write(&m, &nul, 1);
    if (cs != CAIRO_STATUS_SUCCESS || m.oom || sink_oom) {
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

/* The marking (classification) centred in bold at the top and the bottom
 * of the page, when the scenario or --marking gives one. */
static void banners(const dd_brief *b, cairo_t *cr, double w, double h)
{
    if (!b->marking || !*b->marking)
        return;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, 16, true);
    dd__ch_text(cr, w / 2, 6, 0.5, 0, b->marking);
    dd__ch_text(cr, w / 2, h - 22, 0.5, 0, b->marking);
    cairo_restore(cr);
}

/* The page's footer: the plan's name, its file, as of when, the page
 * number; the marking at the top and the bottom. */
static void footer(const dd_brief *b, cairo_t *cr, double w, double h, int page, int pages)
{
    char line[400], dtg[24];
    dd__br_fmt_dtg(b->as_of, dtg, sizeof dtg);
    snprintf(line, sizeof line, "%s — from %s — as of %s — page %d of %d", b->name, b->file,
             dtg, page, pages);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    dd__ch_font(cr, 11, false);
    dd__ch_text(cr, w - 30, h - (b->marking && *b->marking ? 40 : 16), 1, 0, line);
    cairo_restore(cr);
    banners(b, cr, w, h);
}

/* One chart on a page, below the banner and above the footer. */
static void chart_page(const dd_brief *b, cairo_t *cr, dd_chart c, double top, double body,
                       int first)
{
    cairo_save(cr);
    cairo_translate(cr, 0, top);
    cairo_rectangle(cr, 0, 0, LOGICAL_W, body - top);
    cairo_clip(cr);
    dd__chart_draw(b, c, cr, LOGICAL_W, body - top, first);
    cairo_restore(cr);
}

#define ROW_H 19.0

/* Sortie table rows that fit a page of `body` height under its header. */
static size_t table_rows_per_page(double top, double body)
{
    double room = body - top - 120;
    return room > ROW_H ? (size_t)(room / ROW_H) : 1;
}

/* The sortie table: one line per sortie, departures local and Zulu, the
 * request's call sign, the load in the reader's units; rows first to
 * first + n. On the table's last page (`last`), a line says how many
 * sorties the pages left out. */
static void sortie_table(const dd_brief *b, cairo_t *cr, double top, size_t first, size_t n,
                         bool last)
{
    char sub[200], off[24];
    dd__br_fmt_offset(b->offset_min, off, sizeof off);
    if (first + n > b->n_sorties)
        n = b->n_sorties - first;
    snprintf(sub, sizeof sub,
             "sorties %zu to %zu of %zu; departures in local time at the site (%s) and Zulu; "
             "load in %s",
             first + 1, first + n, b->n_sorties, off, b->us ? "lb" : "kg");
    cairo_save(cr);
    cairo_translate(cr, 0, top);
    dd__ch_header(cr, LOGICAL_W, "Sorties", sub);
    const char *const head[] = {"#",         "tail",           "call sign",   "from",
                                "to",        "departs (local)", "departs (Z)", "clearance",
                                b->us ? "load lb" : "load kg", "pallets", "pax"};
    static const double col[] = {40, 100, 230, 340, 430, 520, 720, 880, 1010, 1160, 1260};
    static const double anchor[] = {1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
    double y = 90;
    dd__ch_font(cr, 14, true);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t c = 0; c < sizeof head / sizeof head[0]; c++)
        dd__ch_text(cr, col[c] + (anchor[c] > 0 ? 50 : 0), y, anchor[c], 0, head[c]);
    y += ROW_H + 4;
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, 30, y - 5);
    cairo_line_to(cr, LOGICAL_W - 30, y - 5);
    cairo_stroke(cr);
    dd__ch_font(cr, 13, false);
    for (size_t i = first; i < first + n && i < b->n_sorties; i++) {
        const br_sortie *s = &b->sorties[i];
        if ((i - first) % 2 == 1) {
            cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
            cairo_rectangle(cr, 30, y - 3, LOGICAL_W - 60, ROW_H);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        const char *call = "";
        if (s->clearance >= 1 && (size_t)s->clearance <= b->n_clears)
            call = b->clears[s->clearance - 1].call_sign;
        int32_t off_min = s->site_idx >= 0 ? b->sites[s->site_idx].offset_min : b->offset_min;
        char v[11][48];
        int pal = (int)s->n_pallets, pax = 0;
        for (size_t k = 0; k < s->n_pax; k++)
            pax += s->pax[k].count;
        snprintf(v[0], sizeof v[0], "%d", (int)s->id);
        snprintf(v[1], sizeof v[1], "%s", s->tail_name);
        snprintf(v[2], sizeof v[2], "%s", call);
        snprintf(v[3], sizeof v[3], "%s", s->site);
        snprintf(v[4], sizeof v[4], "%s", s->dest);
        dd__br_fmt_time(s->dep, off_min, v[5], sizeof v[5]);
        dd__br_fmt_dtg(s->dep, v[6], sizeof v[6]);
        snprintf(v[7], sizeof v[7], "%d", (int)s->clearance);
        dd__out_number(dd__out_mass(b->us, s->weight_kg), 0, v[8], sizeof v[8]);
        snprintf(v[9], sizeof v[9], "%d", pal);
        snprintf(v[10], sizeof v[10], "%d", pax);
        for (size_t c = 0; c < 11; c++)
            dd__ch_text(cr, col[c] + (anchor[c] > 0 ? 50 : 0), y, anchor[c], 0, v[c]);
        y += ROW_H;
    }
    if (last && first + n < b->n_sorties) {
        char more[160];
        snprintf(more, sizeof more, "%zu more sortie%s: every sortie is in the workbook (.xlsx)",
                 b->n_sorties - first - n, b->n_sorties - first - n == 1 ? "" : "s");
        dd__ch_font(cr, 13, true);
        dd__ch_text(cr, 30, y + 6, 0, 0, more);
    }
    cairo_restore(cr);
}

static dd_status write_pdf(const dd_brief *b, FILE *f, const char *path, int only,
                           dd_diags *diags)
{
    double pw, ph;
    paper_size(b, &pw, &ph);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_file, f, pw, ph);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, b->name);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "drawdown report");
    cairo_t *cr = cairo_create(s);
    double k = pw / LOGICAL_W, lh = ph / k;
    cairo_scale(cr, k, k);
    bool marked = b->marking && *b->marking;
    double top = marked ? BANNER : 0;
    double body = lh - (marked ? 48 : 24); /* the footer's line, the bottom banner */
    if (only >= 0) {
        /* --chart NAME -o x.pdf: that chart alone, marked */
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        chart_page(b, cr, (dd_chart)only, top, body, 1);
        footer(b, cr, LOGICAL_W, lh, 1, 1);
        cairo_show_page(cr);
        goto done;
    }
    /* page 1: verdict and burndown */
    cairo_save(cr);
    cairo_translate(cr, 0, top);
    double vh = verdict(b, cr, LOGICAL_W);
    cairo_restore(cr);
    chart_page(b, cr, DD_CHART_BURNDOWN, top + vh, body, 1);
    static const dd_chart pages[] = {DD_CHART_CALENDAR, DD_CHART_GANTT, DD_CHART_RAMP,
                                     DD_CHART_SECURITY};
    size_t per = dd__chart_loads_per_page(body - top);
    size_t load_pages = (b->n_sorties + per - 1) / per;
    load_pages = load_pages > MAX_LOAD_PAGES ? MAX_LOAD_PAGES : load_pages;
    size_t rows = table_rows_per_page(top, body);
    size_t table_pages = (b->n_sorties + rows - 1) / rows;
    table_pages = table_pages > MAX_TABLE_PAGES ? MAX_TABLE_PAGES : table_pages;
    int n_pages = 1 + (b->sim.set ? 1 : 0) + (int)(sizeof pages / sizeof pages[0]) +
                  (int)table_pages + (int)load_pages,
        page = 1;
    footer(b, cr, LOGICAL_W, lh, page++, n_pages);
    cairo_show_page(cr);
    if (b->sim.set) {
        chart_page(b, cr, DD_CHART_RISK, top, body, 1);
        footer(b, cr, LOGICAL_W, lh, page++, n_pages);
        cairo_show_page(cr);
    }
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        chart_page(b, cr, pages[i], top, body, 1);
        footer(b, cr, LOGICAL_W, lh, page++, n_pages);
        cairo_show_page(cr);
    }
    for (size_t pg = 0; pg < table_pages; pg++) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        sortie_table(b, cr, top, pg * rows, rows, pg + 1 == table_pages);
        footer(b, cr, LOGICAL_W, lh, page++, n_pages);
        cairo_show_page(cr);
    }
    for (size_t pg = 0; pg < load_pages; pg++) {
        chart_page(b, cr, DD_CHART_LOADS, top, body, (int)(pg * per) + 1);
        footer(b, cr, LOGICAL_W, lh, page++, n_pages);
        cairo_show_page(cr);
    }
done:;
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    return cairo_fail(diags, path, finish_surface(s, cs), "briefing");
}

dd_status dd__brief_write_pdf(const dd_brief *b, const char *path, dd_diags *diags)
{
    dd_output *out;
    dd_status st = dd_output_open(path, NULL, 0, diags, &out);
    if (st != DD_OK)
        return st;
    st = write_pdf(b, dd_output_stream(out), path, -1, diags);
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
    /* what the reader asked to see, over the brief's own */
    dd_brief view = *b;
    if (o->units == DD_UNITS_METRIC || o->units == DD_UNITS_US)
        view.us = o->units == DD_UNITS_US;
    if (o->paper == DD_PAPER_A4 || o->paper == DD_PAPER_LETTER)
        view.paper = o->paper;
    if (o->marking)
        view.marking = o->marking;
    if (o->as_of)
        view.as_of = o->as_of / 60;
    b = &view;
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
    case PDF: st = write_pdf(b, f, path, o->chart, diags); break;
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
