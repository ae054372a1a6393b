/* SPDX-License-Identifier: MIT */
/*
 * The sortie Gantt (one lane per airfield and tail: ferry in, time on the
 * ground, flight out) and the clearance-request calendar (a month grid:
 * on each day, how many requests each airfield must file and for which
 * sorties).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "report/chart_int.h"

typedef struct lane {
    int32_t site;
    const char *aircraft;
    int32_t tail;
    const char *tail_name; /* as every output names the tail */
} lane;

static int lane_cmp(const lane *a, const lane *b, bool by_tail)
{
    DD__CMP_BY(a->site, b->site);
    int c = strcmp(a->aircraft, b->aircraft);
    if (c || !by_tail)
        return c;
    return (a->tail > b->tail) - (a->tail < b->tail);
}

/* Index of the sortie's lane in lanes[0..n), adding it if new. */
static size_t lane_of(lane *lanes, size_t *n, const br_sortie *s, bool by_tail)
{
    lane k = {s->site_idx, s->aircraft, by_tail ? s->tail : 0, s->tail_name};
    for (size_t i = 0; i < *n; i++)
        if (!lane_cmp(&lanes[i], &k, by_tail))
            return i;
    lanes[*n] = k;
    return (*n)++;
}

static int cmp_lane_tail(const void *a, const void *b) { return lane_cmp(a, b, true); }
static int cmp_lane_type(const void *a, const void *b) { return lane_cmp(a, b, false); }

/* The chart's layout: lanes (one per site and tail, or per site and type
 * when tails are too many), each sortie's lane, the frame, and how dense
 * the sorties are per lane and day. */
typedef struct gantt {
    lane *lanes;
    size_t *of;
    size_t n;
    bool by_tail;
    ch_frame f;
    double lh, dayw, density;
    size_t n_days;
} gantt;

static bool layout(const dd_brief *b, double w, double top, double avail, gantt *g)
{
    g->lanes = calloc(b->n_sorties, sizeof *g->lanes);
    g->of = calloc(b->n_sorties, sizeof *g->of);
    if (!g->lanes || !g->of)
        return false;
    g->by_tail = true;
    for (int pass = 0; pass < 2; pass++) {
        g->n = 0;
        for (size_t i = 0; i < b->n_sorties; i++)
            lane_of(g->lanes, &g->n, &b->sorties[i], g->by_tail);
        if (avail / (double)g->n >= 12 || !g->by_tail)
            break;
        g->by_tail = false; /* too many tails: one lane per site and type */
    }
    qsort(g->lanes, g->n, sizeof *g->lanes, g->by_tail ? cmp_lane_tail : cmp_lane_type);
    for (size_t i = 0; i < b->n_sorties; i++) {
        size_t m = g->n;
        g->of[i] = lane_of(g->lanes, &m, &b->sorties[i], g->by_tail);
    }
    int64_t t0 = b->sorties[0].ferry_dep, t1 = b->sorties[0].arr;
    for (size_t i = 0; i < b->n_sorties; i++) {
        t0 = b->sorties[i].ferry_dep < t0 ? b->sorties[i].ferry_dep : t0;
        t1 = b->sorties[i].arr > t1 ? b->sorties[i].arr : t1;
    }
    g->f = (ch_frame){170, top + 24, w - 30, top + 24 + avail, 0, 0, 0, 1};
    g->f.vx0 = floor(dd__ch_day(b, t0));
    g->f.vx1 = ceil(dd__ch_day(b, t1));
    if (g->f.vx1 <= g->f.vx0)
        g->f.vx1 = g->f.vx0 + 1;
    g->lh = (g->f.y1 - g->f.y0) / (double)g->n;
    g->dayw = dd__ch_fx(&g->f, 1) - dd__ch_fx(&g->f, 0);
    g->n_days = (size_t)(g->f.vx1 - g->f.vx0);
    g->density = (double)b->n_sorties / ((double)g->n * (double)(g->n_days ? g->n_days : 1));
    return true;
}

/* Lanes: labels and alternate shading, a rule between sites. */
static void draw_lanes(const dd_brief *b, cairo_t *cr, const gantt *g)
{
    for (size_t i = 0; i < g->n; i++) {
        double y = g->f.y0 + g->lh * (double)i;
        if (i % 2) {
            cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
            cairo_rectangle(cr, g->f.x0, y, g->f.x1 - g->f.x0, g->lh);
            cairo_fill(cr);
        }
        const lane *ln = &g->lanes[i];
        char lab[96];
        snprintf(lab, sizeof lab, "%s %s", b->sites[ln->site].id,
                 g->by_tail ? ln->tail_name : ln->aircraft);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        dd__ch_font(cr, fmin(13, g->lh * 0.8), false);
        dd__ch_text(cr, g->f.x0 - 6, y + g->lh / 2, 1, 0.5, lab);
        if (i && ln->site != g->lanes[i - 1].site) {
            cairo_set_source_rgb(cr, 0, 0, 0);
            cairo_set_line_width(cr, 1.5);
            cairo_move_to(cr, 20, y);
            cairo_line_to(cr, g->f.x1, y);
            cairo_stroke(cr);
        }
    }
}

/* Too many sorties for bars: per lane and day, a column as tall as that
 * day's departures, with the count when it fits. */
static void draw_day_columns(const dd_brief *b, cairo_t *cr, const gantt *g)
{
    const size_t n_days = g->n_days ? g->n_days : 1;
    size_t *cnt = calloc(g->n * n_days, sizeof *cnt);
    if (!cnt)
        return;
    size_t top_count = 1;
    for (size_t i = 0; i < b->n_sorties; i++) {
        int64_t d = (int64_t)floor(dd__ch_day(b, b->sorties[i].dep) - g->f.vx0);
        if (d >= 0 && (size_t)d < g->n_days) {
            size_t c = ++cnt[g->of[i] * g->n_days + (size_t)d];
            top_count = c > top_count ? c : top_count;
        }
    }
    const double lh = g->lh, dayw = g->dayw;
    for (size_t ln = 0; ln < g->n; ln++)
        for (size_t d = 0; d < g->n_days; d++) {
            size_t c = cnt[ln * g->n_days + d];
            if (!c)
                continue;
            double x = dd__ch_fx(&g->f, g->f.vx0 + (double)d);
            double bh = lh * 0.85 * (double)c / (double)top_count;
            double yb = g->f.y0 + lh * (double)(ln + 1) - lh * 0.075;
            dd__ch_hatch(cr, g->lanes[ln].site, x + dayw * 0.1, yb - bh, dayw * 0.8, bh);
            if (dayw >= 22 && lh >= 14) {
                char lab[16];
                snprintf(lab, sizeof lab, "%zu", c);
                cairo_set_source_rgb(cr, 0, 0, 0);
                dd__ch_font(cr, fmin(11, lh * 0.45), false);
                dd__ch_text(cr, x + dayw / 2, yb - bh - 1, 0.5, 1, lab);
            }
        }
    free(cnt);
}

/* One sortie: the ferry leg dashed, the bar on the ground, the flight out,
 * and with ids its id above the bar. */
static void draw_sortie(cairo_t *cr, const dd_brief *b, const gantt *g, size_t i, bool ids)
{
    const br_sortie *s = &b->sorties[i];
    double y = g->f.y0 + g->lh * (double)g->of[i] + g->lh / 2;
    double xf = dd__ch_fx(&g->f, dd__ch_day(b, s->ferry_dep));
    double xa = dd__ch_fx(&g->f, dd__ch_day(b, s->at_site));
    double xd = dd__ch_fx(&g->f, dd__ch_day(b, s->dep));
    double xe = dd__ch_fx(&g->f, dd__ch_day(b, s->arr));
    static const double dsh[] = {3, 2};
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, dsh, 2, 0);
    cairo_move_to(cr, xf, y);
    cairo_line_to(cr, xa, y);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    dd__ch_fill_style(cr, s->site_idx);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, xd, y);
    cairo_line_to(cr, xe, y);
    cairo_stroke(cr);
    /* a bar no taller than it need be: tall thin bars read as a barcode */
    double bh = fmax(3, fmin(g->lh * 0.35, 18));
    dd__ch_hatch(cr, s->site_idx, xa, y - bh / 2, fmax(4, xd - xa), bh);
    if (ids) {
        char lab[16];
        snprintf(lab, sizeof lab, "%d", s->id);
        cairo_set_source_rgb(cr, 0, 0, 0);
        dd__ch_font(cr, fmin(11, g->lh * 0.4), false);
        dd__ch_text(cr, (xa + xd) / 2, y - bh / 2 - 2, 0.5, 1, lab);
    }
}

/* Bars, with ids when each fits the space a sortie has in its lane (the
 * widest id in the day's width per sortie of the busiest lane-day); else a
 * line says where they are. */
static void draw_sorties(const dd_brief *b, cairo_t *cr, const gantt *g)
{
    dd__ch_font(cr, fmin(11, g->lh * 0.4), false);
    char widest[16];
    snprintf(widest, sizeof widest, "%d", b->sorties[b->n_sorties - 1].id);
    cairo_text_extents_t we;
    cairo_text_extents(cr, widest, &we);
    double per_day = g->density < 1 ? 1 : g->density;
    bool ids = g->lh >= 12 && g->dayw / per_day >= we.x_advance + 3;
    if (!ids) {
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        dd__ch_font(cr, 13, false);
        dd__ch_text(cr, g->f.x0, g->f.y1 + 26, 0, 0,
                    "too close to label: each sortie's id is in the sortie table and the "
                    "workbook");
    }
    for (size_t i = 0; i < b->n_sorties; i++)
        draw_sortie(cr, b, g, i, ids);
}

void dd__chart_gantt(const dd_brief *b, cairo_t *cr, double w, double h)
{
    char sub[160];
    snprintf(sub, sizeof sub,
             "%zu %s; bar: on the ground at the site, solid line: flight out, dashes: "
             "ferry in; numbers: sortie ids",
             b->n_sorties, b->n_sorties == 1 ? "sortie" : "sorties");
    double top = 82; /* dd__ch_header's height with a subtitle */
    if (!b->n_sorties) {
        dd__ch_header(cr, w, "Sorties by airfield and day", sub);
        dd__ch_font(cr, 18, false);
        dd__ch_text(cr, w / 2, h / 2, 0.5, 0.5, "no military sorties in this plan");
        return;
    }
    gantt g;
    memset(&g, 0, sizeof g);
    if (layout(b, w, top, h - top - 80, &g)) {
        if (g.density > 1.5)
            snprintf(sub, sizeof sub,
                     "%zu sorties, too many to draw one by one: each column is one day's "
                     "departures (the count above it)",
                     b->n_sorties);
        dd__ch_header(cr, w, "Sorties by airfield and day", sub);
        dd__ch_time_axis(cr, &g.f, b);
        draw_lanes(b, cr, &g);
        if (g.density > 1.5)
            draw_day_columns(b, cr, &g);
        else
            draw_sorties(b, cr, &g);
    }
    free(g.lanes);
    free(g.of);
}

static int64_t local_day(const dd_brief *b, int64_t t)
{
    int64_t l = t + b->offset_min;
    return l >= 0 ? l / 1440 : -((-l + 1439) / 1440);
}

void dd__chart_calendar(const dd_brief *b, cairo_t *cr, double w, double h)
{
    double top = dd__ch_header_local(
        b, cr, w, "Clearance-request calendar: what to file on which day",
        "each day: the requests to file by its end (local time, ",
        "); \"AB101 (2): #3 #4\" = two requests for AB101's airfield, for sorties 3 and 4");
    if (!b->n_clears) {
        dd__ch_font(cr, 18, false);
        dd__ch_text(cr, w / 2, h / 2, 0.5, 0.5, "no clearance requests in this plan");
        return;
    }
    int64_t d0 = local_day(b, b->clears[0].file_by), d1 = d0;
    for (size_t i = 0; i < b->n_clears; i++) {
        int64_t d = local_day(b, b->clears[i].file_by);
        d0 = d < d0 ? d : d0;
        d1 = d > d1 ? d : d1;
    }
    /* weeks start on Monday; 1970-01-01 was a Thursday */
    int64_t mon0 = d0 - ((d0 + 3) % 7), weeks = (d1 - mon0) / 7 + 1;
    double gx = 30, gy = top + 34, cw = (w - 60) / 7, chh = (h - gy - 20) / (double)weeks;
    static const char *const wd[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                     "Friday", "Saturday", "Sunday"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    dd__ch_font(cr, 14, true);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int c = 0; c < 7; c++)
        dd__ch_text(cr, gx + cw * c + cw / 2, gy - 22, 0.5, 0, wd[c]);
    size_t *count = calloc(b->n_sites ? b->n_sites : 1, sizeof *count);
    if (!count)
        return;
    for (int64_t k = 0; k < weeks * 7; k++) {
        int64_t day = mon0 + k;
        double x = gx + cw * (double)(k % 7), y = gy + chh * (double)(k / 7);
        bool in = day >= d0 && day <= d1;
        cairo_set_source_rgb(cr, in ? 1 : 0.93, in ? 1 : 0.93, in ? 1 : 0.93);
        cairo_rectangle(cr, x, y, cw, chh);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
        int yy, mm, dd;
        dd__br_civil(day, &yy, &mm, &dd);
        char lab[256];
        memset(count, 0, b->n_sites * sizeof *count);
        size_t total = 0;
        for (size_t i = 0; i < b->n_clears; i++)
            if (local_day(b, b->clears[i].file_by) == day) {
                count[b->clears[i].site_idx]++;
                total++;
            }
        /* the year on the first day shown and on each month's first */
        char date[32];
        if (k == 0 || dd == 1)
            snprintf(date, sizeof date, "%d %s %d", dd, mon[mm - 1], yy);
        else
            snprintf(date, sizeof date, "%d %s", dd, mon[mm - 1]);
        if (total)
            snprintf(lab, sizeof lab, "%s — %zu to file", date, total);
        else
            snprintf(lab, sizeof lab, "%s", date);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        dd__ch_font(cr, fmin(13, chh * 0.25), true);
        dd__ch_text(cr, x + 5, y + 3, 0, 0, lab);
        if (!total)
            continue;
        /* one line per airfield: "AB101 3: 12 13 14", as many as fit;
         * then how many more */
        double lstep = fmin(16, chh * 0.25), ly = y + 3 + fmin(17, chh * 0.3);
        size_t fit = (size_t)fmax(1, floor((y + chh - ly - 2) / lstep)), shown = 0, n_with = 0;
        for (size_t st = 0; st < b->n_sites; st++)
            n_with += count[st] ? 1 : 0;
        cairo_save(cr);
        cairo_rectangle(cr, x, y, cw - 2, chh);
        cairo_clip(cr);
        size_t rest = total;
        for (size_t st = 0; st < b->n_sites; st++) {
            if (!count[st])
                continue;
            if (n_with > fit && shown + 1 == fit) {
                snprintf(lab, sizeof lab, "+%zu airfields: %zu more", n_with - shown, rest);
                cairo_set_source_rgb(cr, 0, 0, 0);
                dd__ch_font(cr, fmin(12, chh * 0.2), true);
                dd__ch_text(cr, x + 5, ly, 0, 0, lab);
                break;
            }
            size_t len =
                (size_t)snprintf(lab, sizeof lab, "%s (%zu):", b->sites[st].id, count[st]);
            for (size_t i = 0; i < b->n_clears && len < sizeof lab - 12; i++)
                if (b->clears[i].site_idx == (int32_t)st &&
                    local_day(b, b->clears[i].file_by) == day)
                    len += (size_t)snprintf(lab + len, sizeof lab - len, " #%d",
                                            b->clears[i].sortie);
            dd__ch_fill_style(cr, (int)st);
            cairo_rectangle(cr, x + 5, ly + 2, 8, 9);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0, 0, 0);
            dd__ch_font(cr, fmin(12, chh * 0.2), false);
            dd__ch_text(cr, x + 17, ly, 0, 0, lab);
            ly += lstep;
            rest -= count[st];
            shown++;
        }
        cairo_restore(cr);
    }
    free(count);
}
