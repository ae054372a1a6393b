/* SPDX-License-Identifier: MIT */
/*
 * Load diagrams: one strip per sortie, nose to tail: the 463L pallets
 * (gross tonnes and height), the rolling stock and other bulky pieces
 * (count and id), the floor length used, the seats taken against those
 * left, and the weight against the leg's allowable cabin load.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/units.h"
#include "report/chart_int.h"

#define ROW_H 96.0

/* Rows that fit on a page of height h. */
static size_t rows_fit(double h, double top)
{
    double n = floor((h - top - 10) / ROW_H);
    return n < 1 ? 1 : (size_t)n;
}

static void bar(cairo_t *cr, double x, double y, double w, double h, double frac, int style,
                const char *label)
{
    cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    if (frac > 0)
        dd__ch_hatch(cr, style, x, y, w * fmin(frac, 1), h);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x, y, w, h);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, 12, false);
    dd__ch_text(cr, x + w + 6, y + h / 2, 0, 0.5, label);
}

/* A block of the cargo floor sw wide at x (a pallet: hatch 0, bulky
 * cargo: 1), with its label on a white band, the font at most `scale` of
 * the width. */
static void floor_block(cairo_t *cr, int hatch, double x, double fy, double sw, double fh,
                        double scale, const char *lab)
{
    dd__ch_hatch(cr, hatch, x + 1, fy + 5, sw - 2, fh - 10);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x + 3, fy + fh / 2 - 8, sw - 6, 16);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, fmin(11, sw * scale), false);
    dd__ch_text(cr, x + sw / 2, fy + fh / 2, 0.5, 0.5, lab);
}

static void strip(const dd_brief *b, const br_sortie *s, cairo_t *cr, double w, double y)
{
    char lab[200], t[32];
    dd__br_fmt_time(s->dep, b->sites[s->site_idx].offset_min, t, sizeof t);
    char z[24];
    dd__br_fmt_dtg(s->dep, z, sizeof z);
    snprintf(lab, sizeof lab, "#%d  %s  %s -> %s  wheels-up %s local (%s)", s->id, s->tail_name,
             s->site, s->dest, t, z);
    cairo_set_source_rgb(cr, 0, 0, 0);
    dd__ch_font(cr, 14, true);
    dd__ch_text(cr, 30, y, 0, 0, lab);
    /* fuselage: the floor as a rounded box, the nose on the left */
    double fx = 30, fy = y + 22, fw = w * 0.58, fh = 46;
    cairo_set_source_rgb(cr, 0.97, 0.97, 0.97);
    cairo_move_to(cr, fx + 22, fy);
    cairo_line_to(cr, fx + fw, fy);
    cairo_line_to(cr, fx + fw, fy + fh);
    cairo_line_to(cr, fx + 22, fy + fh);
    cairo_curve_to(cr, fx, fy + fh, fx, fy, fx + 22, fy);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
    /* A pallet takes floor length / pallet positions of floor (the 1-D
     * floor model of docs/plan-format.md); the plan file does not say
     * either, but a pallet-only load of the same type does: floor used /
     * pallets. Failing that, a 463L pallet's 88-inch side (2.235 m). The
     * bulky pieces share the rest of the floor used by count; the fuselage
     * stands for the longest floor the type uses in the plan. */
    size_t n_bulky = 0;
    for (size_t i = 0; i < s->n_cargo; i++)
        n_bulky += (size_t)s->cargo[i].count;
    double floor_max = s->floor_m, pal_m = 0;
    for (size_t i = 0; i < b->n_sorties; i++) {
        const br_sortie *o = &b->sorties[i];
        if (strcmp(o->aircraft, s->aircraft))
            continue;
        floor_max = fmax(floor_max, o->floor_m);
        if (!o->n_cargo && o->n_pallets && (pal_m == 0 || o->floor_m / (double)o->n_pallets < pal_m))
            pal_m = o->floor_m / (double)o->n_pallets;
    }
    if (!(pal_m > 0))
        pal_m = 2.235;
    double bulky_m = fmax(s->floor_m - pal_m * (double)s->n_pallets, 0);
    double need = pal_m * (double)s->n_pallets + fmax(bulky_m, 1.2 * (double)s->n_cargo);
    floor_max = fmax(floor_max, need);
    double x = fx + 26, avail = fw - 32;
    double per_m = floor_max > 0 ? avail / floor_max : 0;
    for (size_t i = 0; i < s->n_pallets; i++) {
        const br_pallet *p = &s->pallets[i];
        double sw = pal_m * per_m;
        /* the gross weight in the reader's unit: "2.9t", "6,400 lb" */
        if (b->us) {
            char v[32];
            dd__out_number(dd__out_mass(true, p->gross_kg), 0, v, sizeof v);
            snprintf(lab, sizeof lab, "%s lb", v);
        } else {
            snprintf(lab, sizeof lab, "%.1ft", p->gross_kg / 1000);
        }
        floor_block(cr, 0, x, fy, sw, fh, 0.22, lab);
        x += sw;
    }
    for (size_t i = 0; i < s->n_cargo; i++) {
        double share = n_bulky ? (double)s->cargo[i].count / (double)n_bulky : 0;
        double sw = fmax(bulky_m * share, 1.2) * per_m;
        snprintf(lab, sizeof lab, "%dx", s->cargo[i].count);
        floor_block(cr, 1, x, fy, sw, fh, 0.3, lab);
        x += sw;
    }
    if (!s->n_pallets && !s->n_cargo) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        dd__ch_font(cr, 12, false);
        dd__ch_text(cr, fx + fw / 2, fy + fh / 2, 0.5, 0.5, "passengers only");
    }
    /* what the blocks are, under the fuselage */
    size_t len = (size_t)snprintf(lab, sizeof lab, "floor %.1f %s: %zu pallet%s",
                                  dd__out_floor(b->us, s->floor_m), dd__out_floor_unit(b->us),
                                  s->n_pallets, s->n_pallets == 1 ? "" : "s");
    for (size_t i = 0; i < s->n_cargo && len < sizeof lab - 40; i++)
        len += (size_t)snprintf(lab + len, sizeof lab - len, "%s %dx %s", i ? "," : ";",
                                s->cargo[i].count, s->cargo[i].id);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    dd__ch_font(cr, 12, false);
    dd__ch_text(cr, fx, fy + fh + 4, 0, 0, lab);
    /* figures on the right */
    int pax = 0, esc = 0;
    for (size_t i = 0; i < s->n_pax; i++) {
        pax += s->pax[i].count;
        if (s->pax[i].escort)
            esc += s->pax[i].count;
    }
    double rx = fx + fw + 24, bw = w - rx - 250;
    if (b->us) {
        char a[32], c[32];
        dd__out_number(dd__out_mass(true, s->weight_kg), 0, a, sizeof a);
        dd__out_number(dd__out_mass(true, s->acl_kg), 0, c, sizeof c);
        snprintf(lab, sizeof lab, "%s of %s lb ACL", a, c);
    } else {
        snprintf(lab, sizeof lab, "%.1f of %.1f t ACL", s->weight_kg / 1000, s->acl_kg / 1000);
    }
    bar(cr, rx, fy - 2, bw, 12, s->acl_kg > 0 ? s->weight_kg / s->acl_kg : 0, 0, lab);
    snprintf(lab, sizeof lab, "%d pax of %d seats%s", pax, s->seats_available,
             esc ? " (escorts aboard)" : "");
    bar(cr, rx, fy + 15, bw, 12,
        s->seats_available > 0 ? (double)pax / s->seats_available : 0, 1, lab);
}

void dd__chart_loads(const dd_brief *b, cairo_t *cr, double w, double h, int first)
{
    double top = dd__ch_header(cr, w, "Load diagrams by sortie",
                               b->us ? "nose left; solid blocks: 463L pallets (gross lb); striped: "
                                       "rolling stock and bulky pieces (count); block lengths to "
                                       "floor scale"
                                     : "nose left; solid blocks: 463L pallets (gross tonnes); "
                                       "striped: rolling stock and bulky pieces (count); block "
                                       "lengths to floor scale");
    size_t i0 = first > 1 ? (size_t)(first - 1) : 0;
    if (i0 >= b->n_sorties) {
        dd__ch_font(cr, 18, false);
        dd__ch_text(cr, w / 2, h / 2, 0.5, 0.5, "no sortie to show");
        return;
    }
    size_t n = rows_fit(h, top);
    for (size_t k = 0; k < n && i0 + k < b->n_sorties; k++)
        strip(b, &b->sorties[i0 + k], cr, w, top + 10 + ROW_H * (double)k);
}

size_t dd__chart_loads_per_page(double h) { return rows_fit(h, 82); }
