/* SPDX-License-Identifier: MIT */
/*
 * The risk chart, from a simulation result (`drawdown simulate -o`,
 * docs/sim.md): how many replications completed on each day (top) and the
 * chance of being done by each day (bottom), against the deadline, with
 * the 10th, 50th and 90th percentiles marked.
 */
#include <math.h>
#include <stdio.h>

#include "report/chart_int.h"

static void pct(char *buf, size_t size, const br_prob *p)
{
    snprintf(buf, size, "%.1f%% [%.1f–%.1f%%]", p->p * 100, p->lo * 100, p->hi * 100);
}

void dd__chart_risk(const dd_brief *b, cairo_t *cr, double w, double h)
{
    const br_sim *m = &b->sim;
    char sub[300], a[64], c[64];
    if (!m->set) {
        dd__ch_header(cr, w, "Risk: when the withdrawal completes",
                      "no simulation result given (drawdown report --sim RESULT.json)");
        return;
    }
    pct(a, sizeof a, &m->p_deadline);
    if (m->p_all_terms.set)
        pct(c, sizeof c, &m->p_all_terms);
    snprintf(sub, sizeof sub,
             "%d replications (%s); P(deadline) %s%s%s; 95%% intervals; %d never finished",
             m->replications, m->policy, a, m->p_all_terms.set ? "; P(every term) " : "",
             m->p_all_terms.set ? c : "", m->never);
    double top = dd__ch_header(cr, w, "Risk: when the withdrawal completes", sub);
    dd_brief_series_list l;
    if (dd_brief_series_get(b, DD_CHART_RISK, &l) || l.n < 2)
        return;
    const dd_brief_series *hs = &l.v[0], *ps = &l.v[1];
    /* the span: the histogram, and the deadline when it is within a week
     * of it (else the deadline is named) */
    double x0 = (double)b->first_day + (hs->n ? hs->x[0] : 0) - 1;
    double x1 = (double)b->first_day + (hs->n ? hs->x[hs->n - 1] + m->bin_days : 1) + 1;
    double dl = dd__ch_day(b, b->deadline);
    bool dl_in = dl <= x1 + 7;
    if (dl_in)
        x1 = fmax(x1, ceil(dl) + 1);
    double gap = 70, ph = (h - top - 30 - gap - 50) / 2;
    ch_frame f1 = {90, top + 30, w - 40, top + 30 + ph, x0, x1, 0, 1};
    double mx = 0;
    for (size_t i = 0; i < hs->n; i++)
        mx = fmax(mx, hs->y[i]);
    double s1 = dd__ch_step(mx, 5);
    f1.vy1 = fmax(s1, ceil(mx * 1.04 / s1) * s1);
    dd__ch_value_axis(cr, &f1, s1, "replications completing", false, true);
    dd__ch_time_axis(cr, &f1, b);
    for (size_t i = 0; i < hs->n; i++) {
        if (hs->y[i] <= 0)
            continue;
        double bx = dd__ch_fx(&f1, (double)b->first_day + hs->x[i]);
        double bw = dd__ch_fx(&f1, (double)b->first_day + hs->x[i] + m->bin_days) - bx;
        double y = dd__ch_fy(&f1, hs->y[i]);
        dd__ch_hatch(cr, 0, bx + bw * 0.08, y, bw * 0.84, f1.y1 - y);
    }
    ch_frame f2 = {90, f1.y1 + gap, w - 40, f1.y1 + gap + ph, x0, x1, 0, 1};
    dd__ch_value_axis(cr, &f2, 0.25, "P(done by the day)", false, true);
    dd__ch_time_axis(cr, &f2, b);
    cairo_save(cr);
    dd__ch_style(cr, 0, 2.5);
    double prev = 0;
    cairo_move_to(cr, f2.x0, dd__ch_fy(&f2, 0));
    for (size_t i = 0; i < ps->n; i++) {
        double xs = dd__ch_fx(&f2, (double)b->first_day + ps->x[i]);
        double xe = dd__ch_fx(&f2, (double)b->first_day + ps->x[i] + m->bin_days);
        cairo_line_to(cr, xs, dd__ch_fy(&f2, prev));
        cairo_line_to(cr, xe, dd__ch_fy(&f2, ps->y[i]));
        prev = ps->y[i];
    }
    cairo_line_to(cr, f2.x1, dd__ch_fy(&f2, prev));
    cairo_stroke(cr);
    cairo_restore(cr);
    /* percentiles and the deadline on both panels */
    const struct {
        int64_t t;
        const char *name;
    } q[] = {{m->p10, "P10"}, {m->p50, "P50"}, {m->p90, "P90"}};
    for (size_t i = 0; i < 3; i++) {
        if (q[i].t == BR_NONE)
            continue;
        char lab[48], t[32];
        dd__br_fmt_time(q[i].t, b->offset_min, t, sizeof t);
        snprintf(lab, sizeof lab, "%s %s", q[i].name, t + 5);
        double x = dd__ch_fx(&f2, dd__ch_day(b, q[i].t));
        static const double d[] = {2, 3};
        cairo_save(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_set_line_width(cr, 1.2);
        cairo_set_dash(cr, d, 2, 0);
        cairo_move_to(cr, x, f2.y0 + 18 * (double)(i + 1));
        cairo_line_to(cr, x, f2.y1);
        cairo_stroke(cr);
        dd__ch_font(cr, 13, false);
        dd__ch_text(cr, x + 4, f2.y0 + 18 * (double)(i + 1) - 14, 0, 0, lab);
        cairo_restore(cr);
    }
    if (dl_in) {
        dd__ch_vline(cr, &f1, dl, "DEADLINE", true);
        dd__ch_vline(cr, &f2, dl, "DEADLINE", true);
    } else {
        char lab[96], t[32];
        dd__br_fmt_end(b->deadline, b->offset_min, t, sizeof t);
        snprintf(lab, sizeof lab, "deadline %s, beyond the chart ->", t);
        cairo_set_source_rgb(cr, 0.75, 0, 0);
        dd__ch_font(cr, 13, true);
        dd__ch_text(cr, f1.x1 - 4, f1.y0 + 2, 1, 0, lab);
    }
    dd_brief_series_fini(&l);
}
