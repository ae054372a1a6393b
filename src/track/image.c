/* SPDX-License-Identifier: MIT */
/*
 * The plan image (track_int.h): the approved plan as the event log keeps
 * it to use it again, every field of dd_plan and of its loads in a fixed
 * order, integers big-endian, so that `status` reads the plan in a few
 * hundredths of a second instead of planning again (seconds on the
 * theater). The plan file (docs/plan-format.md) is stored beside it as
 * the record; the image is what the code loads. A round trip gives the
 * same plan file byte for byte (tests/test_track.c).
 *
 * Reading trusts nothing: every count is bounded by the bytes left and
 * every index checked against the scenario, so a damaged image is an
 * error, not a crash (the header's hash pins the image anyway).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "track/bytes.h"

/* ---- buffer ------------------------------------------------------------- */

void dd__buf_put(dd__buf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *v = realloc(b->v, cap);
        if (!v) {
            b->oom = true;
            return;
        }
        b->v = v;
        b->cap = cap;
    }
    if (n)
        memcpy(b->v + b->n, p, n);
    b->n += n;
}

void dd__buf_u64(dd__buf *b, uint64_t x)
{
    unsigned char o[8];
    for (int i = 0; i < 8; i++)
        o[i] = (unsigned char)(x >> (56 - 8 * i));
    dd__buf_put(b, o, 8);
}

void dd__buf_i64(dd__buf *b, int64_t x)
{
    dd__buf_u64(b, (uint64_t)x);
}

void dd__buf_str(dd__buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    dd__buf_u64(b, n);
    dd__buf_put(b, s, n);
}

void dd__buf_fini(dd__buf *b)
{
    free(b->v);
    memset(b, 0, sizeof *b);
}

void dd__hex(const unsigned char *d, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * n] = 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool dd__unhex(const char *hex, unsigned char *d, size_t n)
{
    if (!hex || strlen(hex) != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int a = hexval(hex[2 * i]), c = hexval(hex[2 * i + 1]);
        if (a < 0 || c < 0)
            return false;
        d[i] = (unsigned char)(a << 4 | c);
    }
    return true;
}

/* ---- writing ------------------------------------------------------------ */

#define PUT(x) dd__buf_v(b, (int64_t)(x))

static void put_s(dd__buf *b, const char *s)
{
    size_t n = strlen(s);
    dd__buf_v(b, (int64_t)n);
    dd__buf_put(b, s, n);
}

static void put_pax(dd__buf *b, size_t n, const dd_pax *v)
{
    PUT(n);
    for (size_t k = 0; k < n; k++) {
        PUT(v[k].people);
        PUT(v[k].count);
        PUT(v[k].escort);
    }
}

static void write_loads(const dd_loadplan *lp, dd__buf *b)
{
    PUT(lp->n_pallets);
    for (size_t i = 0; i < lp->n_pallets; i++) {
        const dd_pallet *x = &lp->pallets[i];
        PUT(x->site);
        PUT(x->prebuilt);
        PUT(x->n_pieces);
        for (size_t k = 0; k < x->n_pieces; k++) {
            PUT(x->pieces[k].cargo);
            PUT(x->pieces[k].count);
        }
        dd__buf_f64(b, x->gross_kg);
        dd__buf_f64(b, x->height_m);
        dd__buf_f64(b, x->area_used);
        PUT(x->hazards);
        PUT(x->sensitive);
        PUT(x->ready);
        PUT(x->priority);
    }
    PUT(lp->n_loads);
    for (size_t i = 0; i < lp->n_loads; i++) {
        const dd_load *x = &lp->loads[i];
        PUT(x->site);
        PUT(x->aircraft);
        PUT(x->n_items);
        for (size_t k = 0; k < x->n_items; k++) {
            PUT(x->items[k].kind);
            PUT(x->items[k].ref);
            PUT(x->items[k].count);
            PUT(x->items[k].escort);
        }
        dd__buf_f64(b, x->weight_kg);
        dd__buf_f64(b, x->acl_kg);
        PUT(x->pallets);
        PUT(x->passengers);
        PUT(x->seats);
        dd__buf_f64(b, x->floor_m);
        dd__buf_f64(b, x->utilisation);
        PUT(x->ready);
        PUT(x->hazards);
        PUT(x->sensitive);
        PUT(x->priority);
    }
    PUT(lp->n_groups);
    for (size_t i = 0; i < lp->n_groups; i++) {
        const dd_site_loads *g = &lp->groups[i];
        PUT(g->site);
        PUT(g->aircraft);
        dd__buf_f64(b, g->leg_m);
        PUT(g->first_load);
        PUT(g->n_loads);
        PUT(g->lower_bound);
        PUT(g->lb_weight);
        PUT(g->lb_floor);
        PUT(g->lb_seats);
        PUT(g->lb_l2_weight);
        PUT(g->lb_positions);
        PUT(g->initial_loads);
        dd__buf_f64(b, g->seconds);
    }
    PUT(lp->n_warnings);
    for (size_t i = 0; i < lp->n_warnings; i++)
        put_s(b, lp->warnings[i]);
}

void dd__image_write(const dd_plan *p, dd__buf *b)
{
    const dd_scenario *s = p->scenario;
    dd__buf_put(b, "drawdown-plan-image", 19);
    PUT(DD__IMAGE_VERSION);
    size_t toc = dd__buf_toc(b, 2); /* version 5: the loads, the readiness */
    PUT(s->n_sites);
    PUT(s->n_aircraft);
    PUT(s->n_cargo);
    PUT(s->n_people);
    PUT(s->n_tasks);
    PUT(s->agreement.n_milestones);
    PUT(p->seed);
    PUT(p->objective);
    PUT(p->fleet_mix);
    PUT(p->iterations);
    dd__buf_f64(b, p->seconds);
    PUT(p->as_of); /* version 4 */
    PUT(p->loads != NULL);
    if (p->loads) { /* version 5: their count, then a section */
        dd__buf sec = {0};
        PUT(p->loads->n_loads);
        write_loads(p->loads, &sec);
        dd__buf_section(b, &sec, toc, 0);
    }
    PUT(p->n_sorties);
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *x = &p->sorties[i];
        PUT(x->aircraft);
        PUT(x->tail);
        PUT(x->site);
        PUT(x->hub);
        PUT(x->ferry_from);
        PUT(x->ferry_departure);
        PUT(x->arrival_at_site);
        PUT(x->departure);
        PUT(x->arrival);
        PUT(x->clearance);
        PUT(x->load);
        dd__buf_f64(b, x->weight_kg);
        dd__buf_f64(b, x->acl_kg);
        dd__buf_f64(b, x->floor_m);
        PUT(x->seats);
        PUT(x->departed); /* version 4 */
        put_pax(b, x->n_pax, x->pax);
        put_pax(b, x->n_ferry_pax, x->ferry_pax);
        PUT(x->kind); /* legs inside the country (version 5) */
        PUT(x->kind == DD_SORTIE_LEG ? x->to_site : -1);
        PUT(x->kind != DD_SORTIE_OUT ? x->link : -1);
        PUT(x->stop); /* en-route fuel stops (version 6) */
        if (x->stop > 0) {
            PUT(x->stop_arrival);
            PUT(x->stop_departure);
            PUT(x->stop2); /* a second stop (version 7) */
            if (x->stop2 > 0) {
                PUT(x->stop2_arrival);
                PUT(x->stop2_departure);
            }
        }
    }
    PUT(p->n_clearances);
    for (size_t i = 0; i < p->n_clearances; i++) {
        const dd_clearance_req *c = &p->clearances[i];
        PUT(c->sortie);
        PUT(c->site);
        PUT(c->file_by);
        PUT(c->window_from);
        PUT(c->window_to);
        PUT(c->day);
        PUT(c->count_site);
        PUT(c->count_country);
    }
    for (size_t i = 0; i < s->n_tasks; i++) {
        PUT(p->tasks[i].start);
        PUT(p->tasks[i].end);
    }
    for (size_t i = 0; i < s->n_people; i++) {
        PUT(p->released[i]);
        PUT(p->arrived[i]);
    }
    dd__buf ready = {0}; /* version 5: a section */
    for (size_t i = 0; i < s->n_cargo; i++)
        dd__buf_v(&ready, p->cargo_ready[i]);
    dd__buf_section(b, &ready, toc, 1);
    PUT(p->n_movements);
    for (size_t i = 0; i < p->n_movements; i++) {
        const dd_movement *m = &p->movements[i];
        PUT(m->people);
        PUT(m->count);
        PUT(m->sortie);
        PUT(m->departure);
        PUT(m->day);
    }
    for (size_t i = 0; i < s->n_sites; i++) {
        const dd_site_plan *x = &p->sites[i];
        PUT(x->closure);
        PUT(x->n_days);
        for (size_t k = 0; k < x->n_days; k++) {
            const dd_site_day *d = &x->days[k];
            PUT(d->day);
            for (int r = 0; r < DD_ROLE_COUNT; r++)
                PUT(d->people[r]);
            PUT(d->security_required);
            dd__buf_f64(b, d->cargo_remaining_kg);
            PUT(d->mog_peak);
            PUT(d->clearances);
            PUT(d->exits);
        }
    }
    for (size_t i = 0; i < s->agreement.n_milestones; i++) {
        const dd_milestone_result *m = &p->milestones[i];
        PUT(m->achieved);
        dd__buf_f64(b, m->personnel_out);
        dd__buf_f64(b, m->cargo_out);
        PUT(m->met);
    }
    PUT(p->deadline_met);
    PUT(p->terms_broken);
    put_s(b, p->broken_term);
    PUT(p->all_out);
    PUT(p->completion);
    dd__buf_f64(b, p->margin_hours);
    PUT(p->margin);
    put_s(b, p->margin_term);
    PUT(p->binding);
    put_s(b, p->binding_detail);
    PUT(p->completion_lb);
    PUT(p->completion_lb_binding);
    put_s(b, p->completion_lb_detail);
    PUT(p->sorties_lb);
    PUT(p->commercial_seats_used);
    PUT(p->relax_incomplete);
    PUT(p->n_relaxations);
    for (size_t i = 0; i < p->n_relaxations; i++) {
        const dd_relaxation *r = &p->relaxations[i];
        put_s(b, r->change);
        PUT(r->site);
        PUT(r->aircraft);
        PUT(r->value);
        PUT(r->was);
        put_s(b, r->text);
    }
    dd__buf_put(b, "end", 3);
}

#undef PUT

/* ---- reading ------------------------------------------------------------ */

struct dd__image_loads {
    dd_loadplan lp;
    dd_pallet *pallets;
    dd_piece *pieces;
    dd_load *loads;
    dd_load_item *items;
    dd_site_loads *groups;
    char **warnings;
};

void dd__image_loads_free(dd__image_loads *l)
{
    if (!l)
        return;
    for (size_t i = 0; l->warnings && i < l->lp.n_warnings; i++)
        free(l->warnings[i]);
    free(l->warnings);
    free(l->pallets);
    free(l->pieces);
    free(l->loads);
    free(l->items);
    free(l->groups);
    free(l);
}

typedef dd__rd rd;

static void get_str(rd *r, char *out, size_t size)
{
    size_t len = dd__rd_count(r, 1);
    if (r->bad || len >= size) {
        dd__rd_fail(r, "a text too long");
        out[0] = 0;
        return;
    }
    memcpy(out, r->v + r->at, len);
    out[len] = 0;
    r->at += len;
}

static char *get_strdup(rd *r)
{
    size_t len = dd__rd_count(r, 1);
    char *s = r->bad ? NULL : malloc(len + 1);
    if (!s)
        return NULL;
    memcpy(s, r->v + r->at, len);
    s[len] = 0;
    r->at += len;
    return s;
}

/* What a reader keeps (r->ctx): with `whole` false, the loads and each
 * item's readiness are read and checked as ever but not kept (the plan
 * then has no loads and no cargo_ready), and n_cargo is the count of
 * cargo rows the scenario's image holds (the scenario read without
 * them). n_loads: the loads in the image, kept or not. */
typedef struct want {
    bool whole;
    bool loads; /* the loads kept (whole, or a reader for the status) */
    size_t n_cargo;
    size_t n_loads;
    dd__span sp[2]; /* version 5: where the loads and the readiness are */
} want;

static const want *wanted(const rd *r)
{
    return r->ctx;
}

/* One pallet into x, its pieces appended to l->pieces at *used (grown). */
static dd_status read_pallet(rd *r, const dd_scenario *s, dd__image_loads *l, dd_pallet *x,
                             size_t *cap, size_t *used)
{
    x->site = dd__rd_idx(r, 0, (int64_t)s->n_sites, "a pallet's site");
    x->prebuilt = dd__rd_v(r) != 0;
    x->n_pieces = dd__rd_count(r, 2);
    dd_piece *pv = x->n_pieces ? dd__grow(l->pieces, cap, *used + x->n_pieces - 1, 1024,
                                          sizeof *pv)
                               : l->pieces;
    if (!pv)
        return DD_ENOMEM;
    l->pieces = pv;
    for (size_t k = 0; k < x->n_pieces; k++) {
        l->pieces[*used].cargo = dd__rd_idx(r, 0, (int64_t)wanted(r)->n_cargo, "a pallet's cargo");
        l->pieces[(*used)++].count = dd__rd_i32(r);
    }
    x->gross_kg = dd__rd_f64(r);
    x->height_m = dd__rd_f64(r);
    x->area_used = dd__rd_f64(r);
    x->hazards = (uint32_t)dd__rd_v(r);
    x->sensitive = dd__rd_v(r) != 0;
    x->ready = dd__rd_v(r);
    x->priority = dd__rd_i32(r);
    return DD_OK;
}

/* The pallets (*np of them). Not kept: each read into the same place.
 * pieces: counted first would need two passes; grown instead. */
static dd_status read_pallets(rd *r, const dd_scenario *s, dd__image_loads *l, size_t *np)
{
    const bool keep = wanted(r)->loads;
    *np = dd__rd_count(r, 10);
    const size_t nk = keep ? *np : 1;
    l->pallets = calloc(nk + 1, sizeof *l->pallets);
    size_t cap = 1024, used = 0;
    l->pieces = malloc(cap * sizeof *l->pieces);
    size_t *first = malloc((nk + 1) * sizeof *first);
    dd_status st = l->pallets && l->pieces && first ? DD_OK : DD_ENOMEM;
    for (size_t i = 0; i < *np && !r->bad && st == DD_OK; i++) {
        size_t k = keep ? i : 0;
        used = keep ? used : 0;
        first[k] = used;
        st = read_pallet(r, s, l, &l->pallets[k], &cap, &used);
    }
    for (size_t i = 0; keep && st == DD_OK && !r->bad && i < *np; i++)
        l->pallets[i].pieces = l->pieces + first[i];
    free(first);
    return st;
}

/* One load into x, its items appended to l->items at *used (grown). */
static dd_status read_load(rd *r, const dd_scenario *s, dd__image_loads *l, size_t np,
                           dd_load *x, size_t *cap, size_t *used)
{
    x->site = dd__rd_idx(r, 0, (int64_t)s->n_sites, "a load's site");
    x->aircraft = dd__rd_idx(r, 0, (int64_t)s->n_aircraft, "a load's aircraft");
    x->n_items = dd__rd_count(r, 4);
    dd_load_item *iv = x->n_items ? dd__grow(l->items, cap, *used + x->n_items - 1, 1024,
                                             sizeof *iv)
                                  : l->items;
    if (!iv)
        return DD_ENOMEM;
    l->items = iv;
    for (size_t k = 0; k < x->n_items; k++) {
        dd_load_item *it = &l->items[(*used)++];
        it->kind = (dd_load_item_kind)dd__rd_idx(r, 0, 3, "a load item's kind");
        int64_t hi = it->kind == DD_LI_PALLET  ? (int64_t)np
                     : it->kind == DD_LI_BULKY ? (int64_t)wanted(r)->n_cargo
                                               : (int64_t)s->n_people;
        it->ref = dd__rd_idx(r, 0, hi, "a load item");
        it->count = dd__rd_i32(r);
        it->escort = dd__rd_v(r) != 0;
    }
    x->weight_kg = dd__rd_f64(r);
    x->acl_kg = dd__rd_f64(r);
    x->pallets = dd__rd_i32(r);
    x->passengers = dd__rd_i32(r);
    x->seats = dd__rd_i32(r);
    x->floor_m = dd__rd_f64(r);
    x->utilisation = dd__rd_f64(r);
    x->ready = dd__rd_v(r);
    x->hazards = (uint32_t)dd__rd_v(r);
    x->sensitive = dd__rd_v(r) != 0;
    x->priority = dd__rd_i32(r);
    return DD_OK;
}

/* The loads (*nl of them), as the pallets. */
static dd_status read_load_list(rd *r, const dd_scenario *s, dd__image_loads *l, size_t np,
                                size_t *nl)
{
    const bool keep = wanted(r)->loads;
    *nl = dd__rd_count(r, 14);
    const size_t nk = keep ? *nl : 1;
    l->loads = calloc(nk + 1, sizeof *l->loads);
    size_t cap = 1024, used = 0;
    l->items = malloc(cap * sizeof *l->items);
    size_t *first = malloc((nk + 1) * sizeof *first);
    dd_status st = l->loads && l->items && first ? DD_OK : DD_ENOMEM;
    for (size_t i = 0; i < *nl && !r->bad && st == DD_OK; i++) {
        size_t k = keep ? i : 0;
        used = keep ? used : 0;
        first[k] = used;
        st = read_load(r, s, l, np, &l->loads[k], &cap, &used);
    }
    for (size_t i = 0; keep && st == DD_OK && !r->bad && i < *nl; i++)
        l->loads[i].items = l->items + first[i];
    free(first);
    return st;
}

/* The groups of loads and the warnings (few: kept either way). */
static dd_status read_groups(rd *r, const dd_scenario *s, dd__image_loads *l, size_t nl)
{
    size_t ng = dd__rd_count(r, 13);
    l->groups = calloc(ng + 1, sizeof *l->groups);
    if (!l->groups)
        return DD_ENOMEM;
    for (size_t i = 0; i < ng && !r->bad; i++) {
        dd_site_loads *g = &l->groups[i];
        g->site = dd__rd_idx(r, 0, (int64_t)s->n_sites, "a load group's site");
        g->aircraft = dd__rd_idx(r, 0, (int64_t)s->n_aircraft, "a load group's aircraft");
        g->leg_m = dd__rd_f64(r);
        g->first_load = (size_t)dd__rd_idx(r, 0, (int64_t)nl + 1, "a load group");
        g->n_loads = (size_t)dd__rd_idx(r, 0, (int64_t)(nl - g->first_load) + 1, "a load group");
        g->lower_bound = (size_t)dd__rd_v(r);
        g->lb_weight = (size_t)dd__rd_v(r);
        g->lb_floor = (size_t)dd__rd_v(r);
        g->lb_seats = (size_t)dd__rd_v(r);
        g->lb_l2_weight = (size_t)dd__rd_v(r);
        g->lb_positions = (size_t)dd__rd_v(r);
        g->initial_loads = (size_t)dd__rd_v(r);
        g->seconds = dd__rd_f64(r);
    }
    l->lp.n_groups = ng;
    size_t nw = dd__rd_count(r, 1);
    l->warnings = calloc(nw + 1, sizeof *l->warnings);
    if (!l->warnings)
        return DD_ENOMEM;
    for (size_t i = 0; i < nw && !r->bad; i++) {
        l->warnings[i] = get_strdup(r);
        if (!l->warnings[i] && !r->bad)
            return DD_ENOMEM;
        l->lp.n_warnings = i + 1;
    }
    return DD_OK;
}

/* The plan's loads: kept as l->lp with `whole`, else read and checked
 * only (wanted(r)->n_loads says how many there are either way). */
static dd_status read_loads(rd *r, const dd_scenario *s, dd__image_loads *l)
{
    size_t np = 0, nl = 0;
    dd_status st = read_pallets(r, s, l, &np);
    if (st == DD_OK && !r->bad)
        st = read_load_list(r, s, l, np, &nl);
    if (st == DD_OK && !r->bad)
        st = read_groups(r, s, l, nl);
    if (st != DD_OK || r->bad) /* the image is refused whole */
        return st;
    ((want *)r->ctx)->n_loads = nl;
    if (!wanted(r)->loads)
        return DD_OK;
    l->lp.scenario = s;
    l->lp.n_pallets = np;
    l->lp.pallets = l->pallets;
    l->lp.n_loads = nl;
    l->lp.loads = l->loads;
    l->lp.groups = l->groups;
    l->lp.warnings = (const char *const *)l->warnings;
    return DD_OK;
}

/* The loads: from version 5 their count and a section, which a reader
 * that does not keep them steps over (the digest covers it). */
static dd_status read_loads_section(rd *r, const dd_scenario *s, dd__image_loads *l)
{
    if (r->version < 5)
        return read_loads(r, s, l);
    size_t nl = dd__rd_count(r, 14);
    size_t len = dd__rd_section(r), from = r->at;
    if (!wanted(r)->loads) {
        r->at += len;
        ((want *)r->ctx)->n_loads = nl;
        dd__rd_section_end(r, from, len, &wanted(r)->sp[0]);
        return DD_OK;
    }
    dd_status st = read_loads(r, s, l);
    if (st == DD_OK && !r->bad && l->lp.n_loads != nl)
        dd__rd_fail(r, "a count of loads the loads do not have");
    dd__rd_section_end(r, from, len, &wanted(r)->sp[0]);
    return st;
}

static dd_status read_pax(rd *r, const dd_scenario *s, size_t *n_out, dd_pax **out)
{
    size_t n = dd__rd_count(r, 3);
    *n_out = 0;
    *out = NULL;
    if (r->bad)
        return DD_OK;
    dd_pax *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return DD_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        v[k].people = dd__rd_idx(r, 0, (int64_t)s->n_people, "a passenger group");
        v[k].count = dd__rd_i32(r);
        v[k].escort = dd__rd_v(r) != 0;
    }
    *n_out = n;
    *out = v;
    return DD_OK;
}

/* The image's header: its kind, version, the scenario's sizes, and the
 * search that made the plan. False when it is not for this scenario. */
static bool read_header(rd *r, const dd_scenario *s, dd_plan *p)
{
    if (!dd__rd_tag(r, "drawdown-plan-image"))
        return false;
    r->version = dd__rd_v(r);
    /* 3: evacuees; 4: recorded history (departed, as_of); 5: legs inside
     * the country, the loads and their readiness in sections */
    if (r->version < 2 || r->version > DD__IMAGE_VERSION) {
        dd__rd_fail(r, "an image version this drawdown does not read");
        return false;
    }
    if (r->version >= 5)
        dd__rd_toc(r, 2, ((want *)r->ctx)->sp);
    if ((size_t)dd__rd_v(r) != s->n_sites || (size_t)dd__rd_v(r) != s->n_aircraft ||
        (size_t)dd__rd_v(r) != wanted(r)->n_cargo || (size_t)dd__rd_v(r) != s->n_people ||
        (size_t)dd__rd_v(r) != s->n_tasks || (size_t)dd__rd_v(r) != s->agreement.n_milestones) {
        dd__rd_fail(r, "made for another scenario");
        return false;
    }
    p->seed = (uint64_t)dd__rd_v(r);
    p->objective = dd__rd_i32(r);
    p->fleet_mix = dd__rd_v(r) != 0;
    p->iterations = (uint64_t)dd__rd_v(r);
    p->seconds = dd__rd_f64(r);
    if (r->version >= 4)
        p->as_of = dd__rd_v(r);
    return true;
}

/* A sortie's part in a leg inside the country (version 5): its kind, the
 * site a leg flies to, the other half of the pair. */
static void read_leg(rd *r, const dd_scenario *s, size_t n, dd_sortie *x)
{
    int64_t kind = dd__rd_v(r);
    if (kind < DD_SORTIE_OUT || kind > DD_SORTIE_ONWARD) {
        dd__rd_fail(r, "a sortie's kind out of range");
        return;
    }
    x->kind = (dd_sortie_kind)kind;
    x->to_site = dd__rd_idx(r, -1, (int64_t)s->n_sites, "a leg's site");
    x->link = dd__rd_idx(r, -1, (int64_t)n, "a leg's other sortie");
    if ((x->kind == DD_SORTIE_LEG && x->to_site < 0) || (x->kind != DD_SORTIE_OUT && x->link < 0) ||
        (x->kind != DD_SORTIE_LEG && x->hub < 0))
        dd__rd_fail(r, "a sortie's leg inside the country out of range");
}

/* A sortie's en-route fuel stop (version 6): 0, or the stop's number
 * and the times on the ground there; from version 7 then its second
 * stop, 0 or the same. */
static void read_stop(rd *r, const dd_scenario *s, dd_sortie *x)
{
    x->stop = dd__rd_idx(r, 0, (int64_t)s->n_stops + 1, "a sortie's stop");
    if (x->stop > 0) {
        x->stop_arrival = dd__rd_v(r);
        x->stop_departure = dd__rd_v(r);
        if (r->version >= 7)
            x->stop2 = dd__rd_idx(r, 0, (int64_t)s->n_stops + 1, "a sortie's second stop");
        if (x->stop2 > 0) {
            x->stop2_arrival = dd__rd_v(r);
            x->stop2_departure = dd__rd_v(r);
        }
    }
}

/* The sorties (their clearance indices checked once the requests are
 * read). */
static dd_status read_sorties(rd *r, const dd_scenario *s, dd_plan *p)
{
    size_t nl = wanted(r)->n_loads;
    size_t n = dd__rd_count(r, 17);
    p->sorties = calloc(n + 1, sizeof *p->sorties);
    if (!p->sorties)
        return DD_ENOMEM;
    dd_status st = DD_OK;
    for (size_t i = 0; i < n && !r->bad && st == DD_OK; i++) {
        dd_sortie *x = &p->sorties[i];
        p->n_sorties = i + 1;
        x->aircraft = dd__rd_idx(r, 0, (int64_t)s->n_aircraft, "a sortie's aircraft");
        if (r->bad)
            break;
        x->tail = dd__rd_idx(r, 0, dd_aircraft_tails_max(&s->aircraft[x->aircraft]),
                          "a sortie's tail");
        x->site = dd__rd_idx(r, 0, (int64_t)s->n_sites, "a sortie's site");
        x->hub = dd__rd_idx(r, -1, (int64_t)s->n_hubs, "a sortie's hub");
        x->ferry_from = dd__rd_idx(r, -1, (int64_t)s->n_hubs, "a sortie's ferry");
        x->ferry_departure = dd__rd_v(r);
        x->arrival_at_site = dd__rd_v(r);
        x->departure = dd__rd_v(r);
        x->arrival = dd__rd_v(r);
        x->clearance = dd__rd_i32(r);
        x->load = dd__rd_idx(r, -1, (int64_t)nl, "a sortie's load");
        x->weight_kg = dd__rd_f64(r);
        x->acl_kg = dd__rd_f64(r);
        x->floor_m = dd__rd_f64(r);
        x->seats = dd__rd_i32(r);
        x->departed = r->version >= 4 && dd__rd_v(r) != 0;
        st = read_pax(r, s, &x->n_pax, &x->pax);
        if (st == DD_OK)
            st = read_pax(r, s, &x->n_ferry_pax, &x->ferry_pax);
        if (st == DD_OK && r->version >= 5)
            read_leg(r, s, n, x);
        if (st == DD_OK && r->version >= 6)
            read_stop(r, s, x);
    }
    return st;
}

static dd_status read_clearances(rd *r, const dd_scenario *s, dd_plan *p)
{
    const size_t n = p->n_sorties;
    size_t nc = dd__rd_count(r, 8);
    p->clearances = calloc(nc + 1, sizeof *p->clearances);
    if (!p->clearances)
        return DD_ENOMEM;
    p->n_clearances = nc;
    for (size_t i = 0; i < nc && !r->bad; i++) {
        dd_clearance_req *c = &p->clearances[i];
        c->sortie = dd__rd_idx(r, -1, (int64_t)n, "a request's sortie");
        c->site = dd__rd_idx(r, 0, (int64_t)s->n_sites, "a request's site");
        c->file_by = dd__rd_v(r);
        c->window_from = dd__rd_v(r);
        c->window_to = dd__rd_v(r);
        c->day = dd__rd_i32(r);
        c->count_site = dd__rd_i32(r);
        c->count_country = dd__rd_i32(r);
    }
    for (size_t i = 0; i < n; i++)
        if (p->sorties[i].clearance < -1 || p->sorties[i].clearance >= (int64_t)nc)
            dd__rd_fail(r, "a sortie's clearance");
    return DD_OK;
}

/* Tasks' times, each group's release and arrival, each item's readiness,
 * and people's movements. */
static dd_status read_times_movements(rd *r, const dd_scenario *s, dd_plan *p)
{
    for (size_t i = 0; i < s->n_tasks; i++) {
        p->tasks[i].start = dd__rd_v(r);
        p->tasks[i].end = dd__rd_v(r);
    }
    for (size_t i = 0; i < s->n_people; i++) {
        p->released[i] = dd__rd_v(r);
        p->arrived[i] = dd__rd_v(r);
    }
    const bool keep = wanted(r)->whole;
    size_t len = r->version >= 5 ? dd__rd_section(r) : 0, from = r->at;
    if (r->version >= 5 && !keep)
        r->at += len; /* the digest covers it; not read */
    for (size_t i = 0; (keep || r->version < 5) && i < wanted(r)->n_cargo; i++) {
        dd_time t = dd__rd_v(r);
        if (keep)
            p->cargo_ready[i] = t;
    }
    if (r->version >= 5)
        dd__rd_section_end(r, from, len, &wanted(r)->sp[1]);
    size_t nm = dd__rd_count(r, 5);
    p->movements = malloc((nm + 1) * sizeof *p->movements);
    if (!p->movements)
        return DD_ENOMEM;
    p->n_movements = nm;
    for (size_t i = 0; i < nm && !r->bad; i++) {
        dd_movement *m = &p->movements[i];
        m->people = dd__rd_idx(r, 0, (int64_t)s->n_people, "a movement's group");
        m->count = dd__rd_i32(r);
        m->sortie = dd__rd_idx(r, -1, (int64_t)p->n_sorties, "a movement's sortie");
        m->departure = dd__rd_v(r);
        m->day = dd__rd_i32(r);
    }
    return DD_OK;
}

/* Each site's closure and its figures day by day. */
static dd_status read_site_days(rd *r, const dd_scenario *s, dd_plan *p)
{
    for (size_t i = 0; i < s->n_sites && !r->bad; i++) {
        dd_site_plan *x = &p->sites[i];
        x->closure = dd__rd_v(r);
        int n_roles = r->version >= 3 ? DD_ROLE_COUNT : DD_ROLE_EVACUEE;
        size_t nd = dd__rd_count(r, 6 + (size_t)n_roles);
        x->days = calloc(nd + 1, sizeof *x->days);
        if (!x->days)
            return DD_ENOMEM;
        x->n_days = nd;
        for (size_t k = 0; k < nd; k++) {
            dd_site_day *d = &x->days[k];
            d->day = dd__rd_i32(r);
            for (int q = 0; q < n_roles; q++)
                d->people[q] = dd__rd_i32(r);
            d->security_required = dd__rd_i32(r);
            d->cargo_remaining_kg = dd__rd_f64(r);
            d->mog_peak = dd__rd_i32(r);
            d->clearances = dd__rd_i32(r);
            d->exits = dd__rd_i32(r);
        }
    }
    return DD_OK;
}

/* Milestones, the verdict, the bounds and the relaxations. */
static void read_verdict(rd *r, const dd_scenario *s, dd_plan *p)
{
    for (size_t i = 0; i < s->agreement.n_milestones; i++) {
        dd_milestone_result *m = &p->milestones[i];
        m->achieved = dd__rd_v(r);
        m->personnel_out = dd__rd_f64(r);
        m->cargo_out = dd__rd_f64(r);
        m->met = dd__rd_v(r) != 0;
    }
    p->deadline_met = dd__rd_v(r) != 0;
    p->terms_broken = dd__rd_i32(r);
    get_str(r, p->broken_term, sizeof p->broken_term);
    p->all_out = dd__rd_v(r) != 0;
    p->completion = dd__rd_v(r);
    p->margin_hours = dd__rd_f64(r);
    p->margin = dd__rd_v(r);
    get_str(r, p->margin_term, sizeof p->margin_term);
    p->binding = (dd_binding)dd__rd_idx(r, 0, DD_BIND_COUNT, "the binding limit");
    get_str(r, p->binding_detail, sizeof p->binding_detail);
    p->completion_lb = dd__rd_v(r);
    p->completion_lb_binding = (dd_binding)dd__rd_idx(r, 0, DD_BIND_COUNT, "the bound's limit");
    get_str(r, p->completion_lb_detail, sizeof p->completion_lb_detail);
    p->sorties_lb = (size_t)dd__rd_v(r);
    p->commercial_seats_used = dd__rd_i32(r);
    p->relax_incomplete = dd__rd_v(r) != 0;
    p->n_relaxations = (size_t)dd__rd_idx(r, 0, 17, "the relaxations");
    for (size_t i = 0; i < p->n_relaxations; i++) {
        dd_relaxation *x = &p->relaxations[i];
        get_str(r, x->change, sizeof x->change);
        x->site = dd__rd_i32(r);
        x->aircraft = dd__rd_i32(r);
        x->value = dd__rd_v(r);
        x->was = dd__rd_v(r);
        get_str(r, x->text, sizeof x->text);
    }
}

static dd_status read_plan(rd *r, const dd_scenario *s, dd_plan *p, dd__image_loads *l)
{
    if (!read_header(r, s, p))
        return DD_OK;
    dd_status st = DD_OK;
    if (dd__rd_v(r)) {
        st = read_loads_section(r, s, l);
        if (wanted(r)->loads) /* the image's loads are its own */
            dd_plan_lend_loads(p, &l->lp);
    }
    if (st == DD_OK)
        st = read_sorties(r, s, p);
    else if (!(p->sorties = calloc(1, sizeof *p->sorties)))
        return DD_ENOMEM;
    if (st != DD_OK || r->bad)
        return st;
    st = read_clearances(r, s, p);
    if (st == DD_OK)
        st = read_times_movements(r, s, p);
    if (st == DD_OK)
        st = read_site_days(r, s, p);
    if (st != DD_OK)
        return st;
    read_verdict(r, s, p);
    if (dd__rd_tag(r, "end") && r->at != r->n)
        dd__rd_fail(r, "bytes after the end");
    return DD_OK;
}

dd_status dd__image_read(const dd_scenario *s, const unsigned char *v, size_t n, bool whole,
                         bool loads, size_t n_cargo, dd_plan **plan_out,
                         dd__image_loads **loads_out, char *why, size_t why_size)
{
    *plan_out = NULL;
    *loads_out = NULL;
    why[0] = 0;
    dd_plan *p = dd_plan_new_empty(s);
    dd__image_loads *l = calloc(1, sizeof *l);
    if (!p || !l) {
        dd_plan_free(p);
        free(l);
        return DD_ENOMEM;
    }
    want w = {whole, whole || loads, whole ? s->n_cargo : n_cargo, 0, {{0, 0}, {0, 0}}};
    rd r = {v, n, 0, false, why, why_size, "the plan image", 0, &w};
    dd_status st = read_plan(&r, s, p, l);
    if (st == DD_OK && r.bad)
        st = DD_EINPUT;
    if (st != DD_OK) {
        dd_plan_free(p);
        dd__image_loads_free(l);
        return st;
    }
    *plan_out = p;
    *loads_out = l;
    return DD_OK;
}

size_t dd__image_skips_ready(const unsigned char *v, size_t n, dd__span out[2])
{
    char why[8];
    rd r = {v, n, 0, false, why, sizeof why, "the plan image", 0, NULL};
    if (!dd__rd_tag(&r, "drawdown-plan-image") || dd__rd_v(&r) < 5)
        return 0;
    dd__span sp[2];
    dd__rd_toc(&r, 2, sp);
    if (r.bad || sp[1].n == 0)
        return 0;
    out[0] = sp[1]; /* the loads read, the readiness stepped over */
    return 1;
}

size_t dd__image_skips(const unsigned char *v, size_t n, dd__span out[2])
{
    char why[8];
    rd r = {v, n, 0, false, why, sizeof why, "the plan image", 0, NULL};
    if (!dd__rd_tag(&r, "drawdown-plan-image") || dd__rd_v(&r) < 5)
        return 0;
    dd__rd_toc(&r, 2, out);
    if (r.bad)
        return 0;
    /* an image without loads has no section for them */
    if (out[0].n == 0 && out[0].at == 0) {
        out[0] = out[1];
        return out[0].n ? 1 : 0;
    }
    return out[1].n ? 2 : 1;
}
