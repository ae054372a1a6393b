/* SPDX-License-Identifier: MIT */
/*
 * Pallet build-up (see loads.h). Loose pieces of one cargo row are stacked
 * into columns (at most max_stack pieces and 96 in high); columns are
 * placed on the 84 x 104 in usable footprint of a 463L pallet by a skyline
 * bottom-left rule, both orientations tried. Pallets are filled first-fit
 * among the few most recent open pallets of the same group (site, release,
 * priority), which keeps a unit's pieces together and bounds the work per
 * piece, so a million rows build in well under a second.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "load/loads_int.h"

#define FOOT_X 2642 /* mm, usable length 104 in */
#define FOOT_Y 2134 /* mm, usable width 84 in */
#define MAX_SEGS 64
#define OPEN_PALLETS 8
#define NET_KG (DD_463L_MAX_GROSS_KG - DD_463L_TARE_KG)

typedef struct seg {
    int x, y, w;
} seg;

typedef struct open_pallet {
    size_t index; /* into o->pallets */
    seg sky[MAX_SEGS];
    int n_sky;
    double net_kg;
    long area_mm2;
    /* pieces: malloc'd growable, moved to the arena when closed */
    dd_piece *pieces;
    size_t n_pieces, cap_pieces;
} open_pallet;

typedef struct column {
    int32_t cargo;
    int32_t count;
    int lx, ly; /* footprint, mm */
    double height_m;
    double kg;
} column;

void dd__loads_warn(dd__loadplan_owned *o, const char *fmt, ...)
{
    char **w = dd__grow(o->warnings, &o->cap_warnings, o->n_warnings, 8, sizeof *w);
    if (!w)
        return;
    o->warnings = w;
    va_list ap;
    va_start(ap, fmt);
    char *copy = dd__arena_vprintf(&o->arena, fmt, ap);
    va_end(ap);
    if (copy)
        o->warnings[o->n_warnings++] = copy;
}

bool dd__hazards_compatible(const dd_scenario *s, uint32_t a, uint32_t b)
{
    for (size_t c = 0; c < s->hazard.n_classes && c < 31; c++)
        if ((a >> c) & 1u)
            if (s->hazard.apart[c] & b)
                return false;
    return true;
}

/* Skyline bottom-left: lowest y, then leftmost x, for a w x h rectangle. */
static bool sky_find(const open_pallet *p, int w, int h, int *bx, int *by, int *bi)
{
    int best_y = INT32_MAX, best_x = INT32_MAX, best_i = -1;
    for (int i = 0; i < p->n_sky; i++) {
        int x = p->sky[i].x;
        if (x + w > FOOT_X)
            break;
        int y = 0, span = 0;
        for (int j = i; j < p->n_sky && span < w; j++) {
            if (p->sky[j].y > y)
                y = p->sky[j].y;
            span = p->sky[j].x + p->sky[j].w - x;
        }
        if (y + h <= FOOT_Y && (y < best_y || (y == best_y && x < best_x))) {
            best_y = y;
            best_x = x;
            best_i = i;
        }
    }
    if (best_i < 0)
        return false;
    *bx = best_x;
    *by = best_y;
    *bi = best_i;
    return true;
}

static void sky_place(open_pallet *p, int i, int x, int w, int top)
{
    /* replace the segments covered by [x, x+w) with one at height top */
    seg out[MAX_SEGS + 2];
    int n = 0;
    for (int j = 0; j < i; j++)
        out[n++] = p->sky[j];
    out[n++] = (seg){x, top, w};
    int end = x + w;
    for (int j = i; j < p->n_sky; j++) {
        int sx = p->sky[j].x, se = sx + p->sky[j].w;
        if (se <= end)
            continue;
        if (sx < end)
            out[n++] = (seg){end, p->sky[j].y, se - end};
        else
            out[n++] = p->sky[j];
    }
    /* merge equal neighbours; keep within bounds */
    int m = 0;
    for (int j = 0; j < n; j++) {
        if (m && out[m - 1].y == out[j].y)
            out[m - 1].w += out[j].w;
        else
            out[m++] = out[j];
    }
    if (m > MAX_SEGS)
        m = MAX_SEGS; /* never in practice: footprints are whole items */
    memcpy(p->sky, out, (size_t)m * sizeof *out);
    p->n_sky = m;
}

static bool try_place(open_pallet *p, const column *c)
{
    int x1, y1, i1, x2, y2, i2;
    bool a = sky_find(p, c->lx, c->ly, &x1, &y1, &i1);
    bool b = sky_find(p, c->ly, c->lx, &x2, &y2, &i2);
    if (!a && !b)
        return false;
    if (a && (!b || y1 < y2 || (y1 == y2 && x1 <= x2)))
        sky_place(p, i1, x1, c->lx, y1 + c->ly);
    else
        sky_place(p, i2, x2, c->ly, y2 + c->lx);
    return true;
}

static dd_pallet *new_pallet(dd__loadplan_owned *o)
{
    dd_pallet *v = dd__grow(o->pallets, &o->cap_pallets, o->p.n_pallets, 64, sizeof *v);
    if (!v)
        return NULL;
    o->pallets = v;
    dd_pallet *p = &o->pallets[o->p.n_pallets++];
    memset(p, 0, sizeof *p);
    p->ready = DD_TIME_NONE;
    p->priority = 9;
    return p;
}

static bool add_piece(open_pallet *op, int32_t cargo, int32_t count)
{
    if (op->n_pieces && op->pieces[op->n_pieces - 1].cargo == cargo) {
        op->pieces[op->n_pieces - 1].count += count;
        return true;
    }
    dd_piece *v = dd__grow(op->pieces, &op->cap_pieces, op->n_pieces, 4, sizeof *v);
    if (!v)
        return false;
    op->pieces = v;
    op->pieces[op->n_pieces++] = (dd_piece){cargo, count};
    return true;
}

static dd_status close_pallet(dd__loadplan_owned *o, open_pallet *op)
{
    dd_pallet *p = &o->pallets[op->index];
    dd_piece *v = dd__arena_array(&o->arena, op->n_pieces ? op->n_pieces : 1, sizeof *v);
    if (!v)
        return DD_ENOMEM;
    if (op->n_pieces) /* none when adding the first failed */
        memcpy(v, op->pieces, op->n_pieces * sizeof *v);
    p->pieces = v;
    p->n_pieces = op->n_pieces;
    p->gross_kg = op->net_kg + DD_463L_TARE_KG;
    p->area_used = (double)op->area_mm2 / ((double)FOOT_X * FOOT_Y);
    free(op->pieces);
    op->pieces = NULL;
    op->n_pieces = op->cap_pieces = 0;
    return DD_OK;
}


static int64_t release_key(const dd_cargo *c)
{
    if (c->released_by >= 0)
        return (int64_t)c->released_by;
    if (c->ready != DD_TIME_NONE)
        return 1000000000LL + c->ready / DD_MINUTES_PER_DAY;
    return -1;
}


typedef struct sort_item {
    int32_t cargo;
    int32_t site;
    int64_t release;
    int32_t priority;
    const char *unit;
    long area;
} sort_item;

/* By site, release and priority, a unit's items together, the largest
 * floor first, then in the scenario's order. */
static const dd__key by_item[] = {DD__KEY(sort_item, site),     DD__KEY(sort_item, release),
                                  DD__KEY(sort_item, priority), DD__KEY(sort_item, unit),
                                  DD__KEY_BY(sort_item, area, DD__DESC), DD__KEY(sort_item, cargo),
                                  DD__KEY_END};

/* A row of pallets built before (cargo kind pallet): one pallet each. */
static dd_status prebuilt_pallets(dd__loadplan_owned *o, int32_t cargo, uint32_t hz)
{
    const dd_cargo *c = &o->p.scenario->cargo[cargo];
    for (int32_t q = 0; q < c->quantity; q++) {
        dd_pallet *p = new_pallet(o);
        dd_piece *pc = dd__arena_alloc(&o->arena, sizeof *pc);
        if (!p || !pc)
            return DD_ENOMEM;
        *pc = (dd_piece){cargo, 1};
        p->site = c->site;
        p->prebuilt = true;
        p->pieces = pc;
        p->n_pieces = 1;
        p->gross_kg = c->weight_kg;
        p->height_m = c->height_m;
        p->area_used =
            c->length_m * c->width_m / (DD_463L_USABLE_LENGTH_M * DD_463L_USABLE_WIDTH_M);
        p->hazards = hz;
        p->sensitive = c->sensitive;
        p->ready = c->ready;
        p->priority = c->priority;
    }
    return DD_OK;
}

/* Is c shipped on pallets (loose, or a pallet already built) from the
 * site asked for? */
static bool to_palletise(const dd_cargo *c, const dd_loads_options *opt)
{
    return c->disposition == DD_DISP_SHIP &&
           (c->kind == DD_CARGO_LOOSE || c->kind == DD_CARGO_PALLET) &&
           (opt->site < 0 || c->site == opt->site);
}

/* The cargo to palletise in the order it is packed (by_item), *n_out of
 * them; NULL when out of memory. The caller frees it. */
static sort_item *palletise_order(const dd_scenario *s, const dd_loads_options *opt,
                                  size_t *n_out)
{
    size_t n = 0;
    for (size_t k = 0; k < s->n_cargo; k++)
        n += to_palletise(&s->cargo[k], opt);
    sort_item *items = malloc((n ? n : 1) * sizeof *items);
    size_t m = 0;
    for (size_t k = 0; items && k < s->n_cargo; k++) {
        const dd_cargo *c = &s->cargo[k];
        if (to_palletise(c, opt))
            items[m++] = (sort_item){(int32_t)k, c->site, release_key(c), c->priority, c->unit,
                                     (long)(c->length_m * c->width_m * 1e6)};
    }
    if (items && !dd__sort(items, m, sizeof *items, by_item)) {
        free(items);
        items = NULL;
    }
    *n_out = m;
    return items;
}

dd_status dd__build_pallets(dd__loadplan_owned *o, const dd_loads_options *opt)
{
    const dd_scenario *s = o->p.scenario;
    size_t m;
    sort_item *items = palletise_order(s, opt, &m);
    if (!items)
        return DD_ENOMEM;

    open_pallet open[OPEN_PALLETS];
    int n_open = 0;
    dd_status st = DD_OK;
    int32_t cur_site = -1;
    int64_t cur_rel = -2;
    int32_t cur_prio = -1;
    for (size_t i = 0; i < m && st == DD_OK; i++) {
        const dd_cargo *c = &s->cargo[items[i].cargo];
        uint32_t hz = c->hazard >= 0 ? 1u << c->hazard : 0;
        if (c->kind == DD_CARGO_PALLET) {
            st = prebuilt_pallets(o, items[i].cargo, hz);
            continue;
        }
        /* a new group closes the open pallets */
        if (c->site != cur_site || items[i].release != cur_rel || c->priority != cur_prio) {
            for (int j = 0; j < n_open && st == DD_OK; j++)
                st = close_pallet(o, &open[j]);
            n_open = 0;
            cur_site = c->site;
            cur_rel = items[i].release;
            cur_prio = c->priority;
        }
        int per_col = (int)floor(DD_463L_MAX_HEIGHT_M / c->height_m + 1e-9);
        if (per_col > c->max_stack)
            per_col = c->max_stack;
        int by_w = (int)floor(NET_KG / c->weight_kg + 1e-9);
        if (per_col > by_w)
            per_col = by_w;
        if (per_col < 1)
            per_col = 1;
        int lx = (int)ceil(c->length_m * 1000 - 1e-6), ly = (int)ceil(c->width_m * 1000 - 1e-6);
        int32_t left = c->quantity;
        while (left > 0 && st == DD_OK) {
            int32_t cnt = left < per_col ? left : per_col;
            column col = {items[i].cargo, cnt, lx, ly, cnt * c->height_m, cnt * c->weight_kg};
            left -= cnt;
            bool placed = false;
            for (int j = 0; j < n_open && !placed; j++) {
                open_pallet *op = &open[j];
                dd_pallet *p = &o->pallets[op->index];
                if (op->net_kg + col.kg > NET_KG + 1e-6 ||
                    !dd__hazards_compatible(s, p->hazards, hz) ||
                    !dd__hazards_compatible(s, hz, p->hazards))
                    continue;
                /* sensitive pieces fly with an escort: keep them off pallets
                 * holding hazards that forbid passengers, and vice versa */
                if ((p->sensitive && (hz & s->hazard.no_passengers)) ||
                    (c->sensitive && (p->hazards & s->hazard.no_passengers)))
                    continue;
                if (!try_place(op, &col))
                    continue;
                placed = true;
                op->net_kg += col.kg;
                op->area_mm2 += (long)lx * ly;
                if (col.height_m > p->height_m)
                    p->height_m = col.height_m;
                p->hazards |= hz;
                p->sensitive |= c->sensitive;
                if (c->ready != DD_TIME_NONE && (p->ready == DD_TIME_NONE || c->ready > p->ready))
                    p->ready = c->ready;
                if (!add_piece(op, col.cargo, col.count))
                    st = DD_ENOMEM;
            }
            if (placed)
                continue;
            if (n_open == OPEN_PALLETS) {
                st = close_pallet(o, &open[0]);
                memmove(&open[0], &open[1], (OPEN_PALLETS - 1) * sizeof *open);
                n_open--;
            }
            dd_pallet *p = new_pallet(o);
            if (!p) {
                st = DD_ENOMEM;
                break;
            }
            open_pallet *op = &open[n_open++];
            memset(op, 0, sizeof *op);
            op->index = o->p.n_pallets - 1;
            op->sky[0] = (seg){0, 0, FOOT_X};
            op->n_sky = 1;
            p->site = c->site;
            p->priority = c->priority;
            p->hazards = hz;
            p->sensitive = c->sensitive;
            p->ready = c->ready;
            if (!try_place(op, &col)) {
                /* the loader guarantees a piece fits the footprint */
                st = DD_EINPUT;
                break;
            }
            op->net_kg = col.kg;
            op->area_mm2 = (long)lx * ly;
            p->height_m = col.height_m;
            if (!add_piece(op, col.cargo, col.count))
                st = DD_ENOMEM;
        }
    }
    for (int j = 0; j < n_open; j++) {
        dd_status cs = close_pallet(o, &open[j]);
        if (st == DD_OK)
            st = cs;
    }
    free(items);
    return st;
}
