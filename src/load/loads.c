/* SPDX-License-Identifier: MIT */
/*
 * Aircraft loads (see loads.h). Per site, every pallet, bulky piece and
 * person goes to an aircraft type (the one asked for, else the type with
 * the largest cabin load that takes it and may use the site), and each
 * type's items are packed by the vector packing engine into the fewest
 * loads over weight, floor length and seats, with hazard conflicts. Then
 * escorts are placed on loads carrying sensitive cargo.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "load/loads_int.h"
#include <drawdown/pack.h>

/* One packing item before it becomes part of a load. */
typedef struct pitem {
    dd_load_item_kind kind;
    int32_t ref;
    int64_t size[3]; /* kg, floor mm, seat units (1/100 seat), as packed */
    int64_t base[3]; /* the same without an escort's reservation */
    uint32_t klass;
    bool sensitive;
    int32_t priority;
    int32_t type;
    dd_time ready; /* DD_TIME_NONE: at the epoch */
} pitem;

void dd_loads_options_init(dd_loads_options *o)
{
    memset(o, 0, sizeof *o);
    o->site = -1;
    o->aircraft = -1;
    o->cargo = true;
    o->people = true;
    o->seed = 1;
    o->time_limit_s = 0;
    o->max_iterations = 200000;
}

void dd_loads_free(dd_loadplan *p)
{
    if (!p)
        return;
    dd__loadplan_owned *o = (dd__loadplan_owned *)p;
    free(o->pallets);
    free(o->warnings);
    dd__arena_fini(&o->arena);
    free(o);
}

static int32_t nearest_hub_index(const dd_scenario *s, int32_t site)
{
    double best = INFINITY;
    int32_t at = -1;
    for (size_t h = 0; h < s->n_hubs; h++) {
        double d = dd_distance_m(s->sites[site].lat, s->sites[site].lon, s->hubs[h].lat,
                                 s->hubs[h].lon);
        if (d < best) {
            best = d;
            at = (int32_t)h;
        }
    }
    return at;
}

static double nearest_hub(const dd_scenario *s, int32_t site)
{
    int32_t h = nearest_hub_index(s, site);
    return h < 0 ? 0
                 : dd_distance_m(s->sites[site].lat, s->sites[site].lon, s->hubs[h].lat,
                                 s->hubs[h].lon);
}

/* The most type a carries out of the site: to its nearest destination,
 * direct or through an en-route fuel stop (dd_route_acl). */
static double site_acl(const dd_scenario *s, int32_t a, int32_t site, double leg)
{
    int32_t h = nearest_hub_index(s, site), stop;
    if (h < 0 || s->n_stops == 0)
        return dd_aircraft_acl(&s->aircraft[a], leg);
    return dd_route_acl(s, a, site, h, &stop);
}

/* May type a land at site? (MOG for its class, or a total MOG) */
static bool class_at(const dd_site *x, int32_t klass)
{
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == klass)
            return x->mog[k].count > 0;
    return x->mog_total > 0;
}

/* ... at the site and, for a site with `via` (legs inside the country),
 * at the via site where its legs land and its onward sorties leave. */
static bool type_uses_site(const dd_scenario *s, int32_t a, int32_t site)
{
    const dd_site *x = &s->sites[site];
    int32_t k = s->aircraft[a].klass;
    return class_at(x, k) && (x->via < 0 || class_at(&s->sites[x->via], k));
}

typedef struct type_dims {
    int64_t cap[3];
    double floor_m;
    double pallet_floor_mm;
    double seat_per_mm; /* seat units displaced per mm of floor */
} type_dims;

static void dims_for(const dd_scenario *s, int32_t a, double acl, type_dims *d)
{
    const dd_aircraft *t = &s->aircraft[a];
    /* the packer wants every capacity >= 1: a type without seats (or
     * with no cabin load on this leg) then takes nobody (nothing) */
    d->cap[0] = (int64_t)floor(acl);
    if (d->cap[0] < 1)
        d->cap[0] = 1;
    /* a whole number of mm per pallet position, so that all positions
     * fit on the floor: 18 x ceil(20787 / 18) would exceed 20787 */
    d->cap[1] = (int64_t)floor(t->floor_length_m * 1000);
    if (t->pallet_positions > 0 && d->cap[1] >= t->pallet_positions)
        d->cap[1] -= d->cap[1] % t->pallet_positions;
    d->cap[2] = t->seats > 0 ? (int64_t)t->seats * 100 : 1;
    d->floor_m = t->floor_length_m;
    d->pallet_floor_mm = t->pallet_positions > 0 ? (double)d->cap[1] / t->pallet_positions
                                                 : (double)d->cap[1] + 1;
    d->seat_per_mm = t->pallet_positions > 0 && d->cap[1] > 0 && t->seats > 0
                         ? t->seats_per_pallet * 100.0 * t->pallet_positions / (double)d->cap[1]
                         : 0;
}

/* The item's sizes on type a, or false when it does not fit that type. */
static bool size_on(const dd_scenario *s, int32_t a, const type_dims *d, const pitem *it,
                    const dd_pallet *pallets, int64_t out[3])
{
    const dd_aircraft *t = &s->aircraft[a];
    if (it->kind == DD_LI_PEOPLE) {
        out[0] = (int64_t)ceil(s->passenger_kg);
        out[1] = 0;
        out[2] = 100;
        return t->seats > 0 && out[0] <= d->cap[0];
    }
    if (it->kind == DD_LI_PALLET) {
        const dd_pallet *p = &pallets[it->ref];
        if (t->pallet_positions <= 0 || p->height_m > t->pallet_height_m + 1e-6)
            return false;
        out[0] = (int64_t)ceil(p->gross_kg);
        out[1] = (int64_t)ceil(d->pallet_floor_mm);
        out[2] = (int64_t)ceil(d->seat_per_mm * (double)out[1]);
        if (out[2] > d->cap[2])
            out[2] = d->cap[2]; /* displaces every seat, no more */
        return out[0] <= d->cap[0];
    }
    const dd_cargo *c = &s->cargo[it->ref];
    double across = c->width_m < c->length_m ? c->width_m : c->length_m;
    double along = c->width_m < c->length_m ? c->length_m : c->width_m;
    if (across > t->door_width_m + 1e-6 || c->height_m > t->door_height_m + 1e-6 ||
        across > t->floor_width_m + 1e-6 || along > t->floor_length_m + 1e-6)
        return false;
    double lanes = floor(t->floor_width_m / across + 1e-9);
    if (lanes < 1)
        lanes = 1;
    out[0] = (int64_t)ceil(c->weight_kg);
    out[1] = (int64_t)ceil(along * 1000 / lanes);
    out[2] = (int64_t)ceil(d->seat_per_mm * (double)out[1]);
    if (out[2] > d->cap[2])
        out[2] = d->cap[2];
    return out[0] <= d->cap[0] && out[1] <= d->cap[1];
}

/* The packer has 32 class bits and passengers take bit 31 (DD__PAX_CLASS).
 * Hazard classes with the same rules (apart row, passengers or not) share
 * a bit, and classes without rules take none, so a scenario may use all
 * 32 classes; only 32 classes with 32 different rules would not fit, and
 * then the last ones get no bit (dd_loads_build warns). */
static void class_bits(const dd_scenario *s, int bit[32], int *n_bits)
{
    int n = 0;
    for (int c = 0; c < (int)s->hazard.n_classes && c < 32; c++) {
        bool pax = (s->hazard.no_passengers >> c) & 1u;
        bit[c] = -1;
        if (!s->hazard.apart[c] && !pax)
            continue;
        for (int k = 0; k < c && bit[c] < 0; k++)
            if (bit[k] >= 0 && s->hazard.apart[k] == s->hazard.apart[c] &&
                (bool)((s->hazard.no_passengers >> k) & 1u) == pax)
                bit[c] = bit[k];
        if (bit[c] < 0 && n < (int)DD__PAX_CLASS)
            bit[c] = n++;
        else if (bit[c] < 0)
            n++; /* counted, not placed */
    }
    if (n_bits)
        *n_bits = n;
}

/* The packer's class mask for a mask of hazard classes. */
static uint32_t pack_class(const int bit[32], uint32_t hazards)
{
    uint32_t m = 0;
    for (int c = 0; c < 32; c++)
        if (((hazards >> c) & 1u) && bit[c] >= 0)
            m |= 1u << bit[c];
    return m;
}

typedef struct builder {
    dd__loadplan_owned *o;
    const dd_loads_options *opt;
    dd_load *loads;
    dd_load_item **iv; /* each load's items, writable while building */
    size_t n_loads, cap_loads;
    dd_site_loads *groups;
    size_t n_groups, cap_groups;
} builder;

static dd_load *push_load(builder *b)
{
    if (b->n_loads == b->cap_loads) {
        size_t cap = b->cap_loads ? 2 * b->cap_loads : 64;
        dd_load *v = realloc(b->loads, cap * sizeof *v);
        if (!v)
            return NULL;
        b->loads = v;
        dd_load_item **w = realloc(b->iv, cap * sizeof *w);
        if (!w)
            return NULL;
        b->iv = w;
        b->cap_loads = cap;
    }
    dd_load *l = &b->loads[b->n_loads++];
    memset(l, 0, sizeof *l);
    return l;
}

static dd_site_loads *push_group(builder *b)
{
    dd_site_loads *v = dd__grow(b->groups, &b->cap_groups, b->n_groups, 8, sizeof *v);
    if (!v)
        return NULL;
    b->groups = v;
    dd_site_loads *g = &b->groups[b->n_groups++];
    memset(g, 0, sizeof *g);
    return g;
}

static int cmp_load_item(const void *a, const void *b)
{
    const dd_load_item *x = a, *y = b;
    DD__CMP_BY(x->kind, y->kind);
    return (x->ref > y->ref) - (x->ref < y->ref);
}

/* Pack the items of one site on one type and append the loads. */
static dd_time later(dd_time a, dd_time b)
{
    if (a == DD_TIME_NONE)
        return b;
    if (b == DD_TIME_NONE)
        return a;
    return a > b ? a : b;
}

/* Which packer classes may not share a load: hazard classes kept apart,
 * and classes that may not fly with passengers against the people class. */
static void class_conflicts(const dd_scenario *s, uint32_t conflict[32])
{
    int bit[32];
    class_bits(s, bit, NULL);
    memset(conflict, 0, 32 * sizeof *conflict);
    for (size_t c = 0; c < s->hazard.n_classes && c < 32; c++) {
        if (bit[c] < 0)
            continue;
        conflict[bit[c]] |= pack_class(bit, s->hazard.apart[c]);
        if ((s->hazard.no_passengers >> c) & 1u) {
            conflict[bit[c]] |= 1u << DD__PAX_CLASS;
            conflict[DD__PAX_CLASS] |= 1u << bit[c];
        }
    }
}

/* Pack the items on capacity cap. With base, each item's size without
 * escort reservations and sensitive items outside the people class: the
 * problem the lower bounds are stated on; the bounds go to *bounds and no
 * packing is made. */
static dd_status pack_items(const builder *b, const pitem *items, size_t n,
                            const int64_t cap[3], const uint32_t conflict[32],
                            bool base, dd_pack_result *res,
                            dd_pack_bounds *bounds)
{
    int64_t *size = malloc((n ? n : 1) * 3 * sizeof *size);
    uint32_t *klass = malloc((n ? n : 1) * sizeof *klass);
    if (!size || !klass) {
        free(size);
        free(klass);
        return DD_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const pitem *it = &items[i];
        memcpy(&size[i * 3], base ? it->base : it->size, sizeof it->size);
        klass[i] = base && it->sensitive ? it->klass & ~(1u << DD__PAX_CLASS)
                                         : it->klass;
    }
    dd_pack_problem prob = {n, 3, size, cap, klass, conflict};
    dd_status st = DD_OK;
    if (base) {
        st = dd_pack_lower_bounds(&prob, bounds);
    } else {
        dd_pack_options po;
        dd_pack_options_init(&po);
        po.seed = b->opt->seed;
        po.time_limit_s = b->opt->time_limit_s;
        /* local-search moves cost more on large groups: scale the budget
         * so a theater-size site stays within seconds, deterministically */
        po.max_iterations = b->opt->max_iterations;
        if (n > 20000)
            po.max_iterations = 0; /* the decreasing heuristics only */
        else if (n > 2000)
            po.max_iterations =
                (uint64_t)((double)po.max_iterations * 2000.0 / (double)n);
        if (b->opt->max_iterations && po.max_iterations == 0 && n <= 20000)
            po.max_iterations = 1;
        st = dd_pack_solve(&prob, &po, res);
    }
    free(size);
    free(klass);
    return st;
}

/* A new group of loads of one site on one type, with its bounds. */
static dd_site_loads *new_group(builder *b, int32_t site, int32_t type,
                                double leg, const pitem *items, size_t n,
                                const dd_pack_result *res,
                                const dd_pack_bounds *bounds)
{
    dd_site_loads *g = push_group(b);
    if (!g)
        return NULL;
    g->site = site;
    g->aircraft = type;
    g->leg_m = leg;
    g->first_load = b->n_loads;
    g->n_loads = res->n_bins;
    g->lower_bound = bounds->lower_bound;
    g->lb_weight = bounds->l1[0];
    g->lb_l2_weight = bounds->l2[0];
    g->lb_floor = bounds->l1[1] > bounds->l2[1] ? bounds->l1[1] : bounds->l2[1];
    g->lb_seats = bounds->l1[2];
    g->initial_loads = res->initial_bins;
    g->seconds = res->seconds;
    size_t pal = 0;
    for (size_t i = 0; i < n; i++)
        pal += items[i].kind == DD_LI_PALLET;
    const dd_aircraft *t = &b->o->p.scenario->aircraft[type];
    g->lb_positions = t->pallet_positions > 0
                          ? (pal + (size_t)t->pallet_positions - 1) /
                                (size_t)t->pallet_positions
                          : 0;
    return g;
}

/* The emptiest bin (by its fullest dimension), SIZE_MAX with one bin. */
static dd_status emptiest_bin(const pitem *items, size_t n,
                              const dd_pack_result *res, const int64_t cap[3],
                              size_t *bin)
{
    *bin = SIZE_MAX;
    if (res->n_bins <= 1)
        return DD_OK;
    double *fill = calloc(res->n_bins, sizeof *fill * 3);
    if (!fill)
        return DD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        for (int q = 0; q < 3; q++)
            fill[res->bin_of[i] * 3 + (size_t)q] +=
                cap[q] > 0 ? (double)items[i].size[q] / (double)cap[q] : 0;
    double best = 2;
    for (size_t k = 0; k < res->n_bins; k++) {
        double u = fill[3 * k];
        for (int q = 1; q < 3; q++)
            if (fill[3 * k + (size_t)q] > u)
                u = fill[3 * k + (size_t)q];
        if (u < best) {
            best = u;
            *bin = k;
        }
    }
    free(fill);
    return DD_OK;
}

/* Empty loads for the bins of res, each with room for its items and one
 * escort more than packed. */
static dd_status make_loads(builder *b, int32_t site, int32_t type,
                            const int64_t cap[3], size_t n,
                            const dd_pack_result *res)
{
    size_t *count = calloc(res->n_bins + 1, sizeof *count);
    if (!count)
        return DD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (res->bin_of[i] != UINT32_MAX)
            count[res->bin_of[i]]++;
    dd_status st = DD_OK;
    for (size_t k = 0; k < res->n_bins && st == DD_OK; k++) {
        dd_load *l = push_load(b);
        dd_load_item *v =
            l ? dd__arena_array(&b->o->arena, count[k] + 1, sizeof *v) : NULL;
        if (!v) {
            st = DD_ENOMEM;
            break;
        }
        l->site = site;
        l->aircraft = type;
        l->acl_kg = (double)cap[0];
        l->priority = 9;
        l->ready = DD_TIME_NONE;
        l->items = v;
        b->iv[b->n_loads - 1] = v;
    }
    free(count);
    return st;
}

/* Put one packed item on its load; people of one group, and bulky items
 * of one row, merge into one entry. */
static void load_item(const dd__loadplan_owned *o, dd_load *l, dd_load_item *v,
                      const pitem *it)
{
    const dd_scenario *s = o->p.scenario;
    l->ready = later(l->ready, it->ready);
    if (it->kind == DD_LI_PALLET) {
        v[l->n_items++] = (dd_load_item){DD_LI_PALLET, it->ref, 1, false};
        l->pallets++;
        l->weight_kg += o->pallets[it->ref].gross_kg;
        l->hazards |= o->pallets[it->ref].hazards;
    } else {
        size_t j = 0;
        while (j < l->n_items && !(v[j].kind == it->kind && v[j].ref == it->ref))
            j++;
        if (j < l->n_items)
            v[j].count++;
        else
            v[l->n_items++] = (dd_load_item){it->kind, it->ref, 1, false};
        if (it->kind == DD_LI_PEOPLE) {
            l->passengers++;
            l->weight_kg += s->passenger_kg;
        } else {
            l->weight_kg += s->cargo[it->ref].weight_kg;
            if (s->cargo[it->ref].hazard >= 0)
                l->hazards |= 1u << s->cargo[it->ref].hazard;
        }
    }
    l->floor_m += (double)it->size[1] / 1000.0;
    l->sensitive |= it->sensitive;
    if (it->priority < l->priority)
        l->priority = it->priority;
}

/* Pack items on one type. With carry_out, the emptiest load is not made:
 * its items go to carry_out (for the next window) instead. */
static dd_status pack_group(builder *b, int32_t site, int32_t type, double leg,
                            const type_dims *d, pitem *items, size_t n,
                            pitem *carry_out, size_t *n_carry_out)
{
    uint32_t conflict[32];
    class_conflicts(b->o->p.scenario, conflict);
    dd_pack_result res;
    dd_pack_result_init(&res);
    dd_pack_bounds bounds;
    memset(&bounds, 0, sizeof bounds);
    dd_status st = DD_OK;
    if (n)
        st = pack_items(b, items, n, d->cap, conflict, false, &res, NULL);
    if (st == DD_OK && n)
        st = pack_items(b, items, n, d->cap, conflict, true, NULL, &bounds);
    dd_site_loads *g = NULL;
    if (st == DD_OK) {
        g = new_group(b, site, type, leg, items, n, &res, &bounds);
        if (!g)
            st = DD_ENOMEM;
    }
    size_t carry_bin = SIZE_MAX;
    if (st == DD_OK && carry_out)
        st = emptiest_bin(items, n, &res, d->cap, &carry_bin);
    if (n_carry_out)
        *n_carry_out = 0;
    if (st == DD_OK && carry_bin != SIZE_MAX) {
        /* renumber bins above the carried one */
        for (size_t i = 0; i < n; i++) {
            if (res.bin_of[i] == carry_bin) {
                carry_out[(*n_carry_out)++] = items[i];
                res.bin_of[i] = UINT32_MAX;
            } else if (res.bin_of[i] > carry_bin)
                res.bin_of[i]--;
        }
        res.n_bins--;
        g->n_loads = res.n_bins;
    }
    size_t first = b->n_loads;
    if (st == DD_OK)
        st = make_loads(b, site, type, d->cap, n, &res);
    for (size_t i = 0; i < n && st == DD_OK; i++)
        if (res.bin_of[i] != UINT32_MAX) /* else carried to the next window */
            load_item(b->o, &b->loads[first + res.bin_of[i]],
                      b->iv[first + res.bin_of[i]], &items[i]);
    dd_pack_result_fini(&res);
    return st;
}

/* Why a load with sensitive cargo gets no escort, and what the warning
 * says of the loads that do not. */
enum { NO_PAX, NO_SEAT, NO_WEIGHT, NOBODY, N_WHY };
static const char *const why_text[N_WHY] = {
    ("carry sensitive cargo with a hazard class that forbids passengers; the escort must "
     "travel as crew"),
    "have no seat left for the escort of their sensitive cargo",
    "have no weight left for the escort of their sensitive cargo",
    "carry sensitive cargo but nobody is left to escort it",
};

/* Count load k (0-based) as without an escort for `why`; the first is
 * named in the warning. */
static void no_escort(size_t *count, size_t *first, int why, size_t k)
{
    if (!count[why]++)
        first[why] = k + 1;
}

/* Give each load with sensitive cargo an escort: a person moved from a
 * load with people to spare (or split from a group on the same load). */
static void place_escorts(builder *b, size_t first, size_t n_loads, const type_dims *dims,
                          const int32_t *types, size_t n_types)
{
    dd__loadplan_owned *o = b->o;
    const dd_scenario *s = o->p.scenario;
    size_t count[N_WHY] = {0}, first_bad[N_WHY] = {0};
    for (size_t k = first; k < first + n_loads; k++) {
        dd_load *l = &b->loads[k];
        if (!l->sensitive || l->passengers > 0)
            continue;
        if (l->hazards & s->hazard.no_passengers) {
            no_escort(count, first_bad, NO_PAX, k);
            continue;
        }
        const type_dims *d = NULL;
        for (size_t t = 0; t < n_types; t++)
            if (types[t] == l->aircraft)
                d = &dims[t];
        double seat_units = d ? d->seat_per_mm * l->floor_m * 1000 : 0;
        if (d && seat_units + 100 > (double)d->cap[2]) {
            no_escort(count, first_bad, NO_SEAT, k);
            continue;
        }
        if (d && l->weight_kg + s->passenger_kg > (double)d->cap[0]) {
            no_escort(count, first_bad, NO_WEIGHT, k);
            continue;
        }
        /* donor: a load of the same site with people, preferring the one
         * with the most passengers and no sensitive cargo needing them */
        dd_load *donor = NULL;
        for (size_t j = first; j < first + n_loads; j++) {
            dd_load *x = &b->loads[j];
            if (x->site != l->site || x->passengers == 0)
                continue;
            if (x->sensitive && x->passengers < 2)
                continue;
            if (!donor || x->passengers > donor->passengers)
                donor = x;
        }
        if (!donor) {
            no_escort(count, first_bad, NOBODY, k);
            continue;
        }
        dd_load_item *dv = b->iv[donor - b->loads];
        size_t j = donor->n_items;
        /* take from a non-security group first: security leaves last */
        for (size_t q = 0; q < donor->n_items; q++)
            if (dv[q].kind == DD_LI_PEOPLE &&
                (j == donor->n_items || s->people[dv[q].ref].role != DD_ROLE_SECURITY))
                j = q;
        int32_t ref = dv[j].ref;
        if (--dv[j].count == 0) {
            memmove(&dv[j], &dv[j + 1], (donor->n_items - j - 1) * sizeof *dv);
            donor->n_items--;
        }
        donor->passengers--;
        donor->weight_kg -= s->passenger_kg;
        dd_load_item *v = b->iv[k];
        v[l->n_items++] = (dd_load_item){DD_LI_PEOPLE, ref, 1, true};
        l->passengers++;
        l->weight_kg += s->passenger_kg;
    }
    const char *id = n_loads ? s->sites[b->loads[first].site].id : "";
    for (int w = 0; w < N_WHY; w++)
        if (count[w])
            dd__loads_warn(o, "%s: %zu loads (first: load %zu) %s", id, count[w], first_bad[w],
                           why_text[w]);
}

static dd_time pallet_ready(const dd_scenario *s, const dd_loads_options *opt,
                            const dd_pallet *p)
{
    if (!opt->ready)
        return p->ready;
    dd_time r = DD_TIME_NONE;
    for (size_t i = 0; i < p->n_pieces; i++)
        r = later(r, opt->ready[p->pieces[i].cargo]);
    (void)s;
    return r;
}

static int cmp_ready(const void *a, const void *b)
{
    const pitem *x = a, *y = b;
    dd_time rx = x->ready == DD_TIME_NONE ? INT64_MIN : x->ready;
    dd_time ry = y->ready == DD_TIME_NONE ? INT64_MIN : y->ready;
    DD__CMP_BY(rx, ry);
    DD__CMP_BY(x->priority, y->priority);
    DD__CMP_BY(x->kind, y->kind);
    return (x->ref > y->ref) - (x->ref < y->ref);
}

/* Pack in order of readiness, about `window` loads at a time; the
 * emptiest load of each window goes back into the next. */
static dd_status pack_windows(builder *b, int32_t site, int32_t type, double leg,
                              const type_dims *d, pitem *items, size_t n, int window)
{
    qsort(items, n, sizeof *items, cmp_ready);
    pitem *buf = malloc(n * sizeof *buf);
    pitem *carry = malloc(n * sizeof *carry);
    if (!buf || !carry) {
        free(buf);
        free(carry);
        return DD_ENOMEM;
    }
    size_t n_carry = 0, next = 0;
    dd_status st = DD_OK;
    while (st == DD_OK && (next < n || n_carry)) {
        size_t k = 0;
        double sum[3] = {0, 0, 0};
        for (size_t i = 0; i < n_carry; i++) {
            buf[k++] = carry[i];
            for (int q = 0; q < 3; q++)
                sum[q] += (double)carry[i].size[q];
        }
        /* add items until the window holds about `window` loads' worth,
         * and always whole ready times (items ready together stay together) */
        while (next < n) {
            double fill = 0;
            for (int q = 0; q < 3; q++)
                if (d->cap[q] > 0 && sum[q] / (double)d->cap[q] > fill)
                    fill = sum[q] / (double)d->cap[q];
            if (fill >= window && k > 0 && items[next].ready != buf[k - 1].ready)
                break;
            buf[k] = items[next++];
            for (int q = 0; q < 3; q++)
                sum[q] += (double)buf[k].size[q];
            k++;
        }
        bool last = next >= n;
        st = pack_group(b, site, type, leg, d, buf, k, last ? NULL : carry, &n_carry);
        if (last)
            n_carry = 0;
    }
    free(buf);
    free(carry);
    return st;
}

/* The types that may take the site's items, largest cabin load first
 * (at most 64), with their dimensions on the leg. */
static size_t site_types(const dd_scenario *s, const dd_loads_options *opt,
                         int32_t site, double leg, int32_t types[64],
                         type_dims dims[64])
{
    size_t n_types = 0;
    for (size_t a = 0; a < s->n_aircraft && n_types < 64; a++) {
        if (opt->aircraft >= 0 && (int32_t)a != opt->aircraft)
            continue;
        if (!type_uses_site(s, (int32_t)a, site)) /* a named type too */
            continue;
        types[n_types++] = (int32_t)a;
    }
    for (size_t i = 1; i < n_types; i++)
        for (size_t j = i; j > 0 && site_acl(s, types[j], site, leg) >
                                        site_acl(s, types[j - 1], site, leg);
             j--) {
            int32_t t = types[j];
            types[j] = types[j - 1];
            types[j - 1] = t;
        }
    for (size_t t = 0; t < n_types; t++)
        dims_for(s, types[t], site_acl(s, types[t], site, leg), &dims[t]);
    return n_types;
}

static bool ships_bulky(const dd_cargo *c, int32_t site)
{
    return c->site == site && c->disposition == DD_DISP_SHIP &&
           c->kind != DD_CARGO_LOOSE && c->kind != DD_CARGO_PALLET;
}

/* The site's items, one per pallet, bulky piece and person (each person
 * of a group alone), in a new array of *n. */
static pitem *site_items(const dd__loadplan_owned *o, const dd_loads_options *opt,
                         int32_t site, size_t *n)
{
    const dd_scenario *s = o->p.scenario;
    int bit[32]; /* hazard class -> packer class bit */
    class_bits(s, bit, NULL);
    size_t cnt = 0;
    for (size_t p = 0; p < o->p.n_pallets; p++)
        cnt += o->pallets[p].site == site;
    for (size_t k = 0; opt->cargo && k < s->n_cargo; k++)
        if (ships_bulky(&s->cargo[k], site))
            cnt += (size_t)s->cargo[k].quantity;
    for (size_t k = 0; opt->people && k < s->n_people; k++)
        if (s->people[k].site == site)
            cnt += (size_t)s->people[k].count;
    pitem *items = malloc((cnt ? cnt : 1) * sizeof *items);
    if (!items)
        return NULL;
    size_t m = 0;
    for (size_t p = 0; p < o->p.n_pallets; p++)
        if (o->pallets[p].site == site)
            items[m++] = (pitem){DD_LI_PALLET, (int32_t)p, {0, 0, 0}, {0, 0, 0},
                                 pack_class(bit, o->pallets[p].hazards), o->pallets[p].sensitive,
                                 o->pallets[p].priority, -1,
                                 pallet_ready(s, opt, &o->pallets[p])};
    for (size_t k = 0; opt->cargo && k < s->n_cargo; k++) {
        const dd_cargo *c = &s->cargo[k];
        if (!ships_bulky(c, site))
            continue;
        for (int32_t q = 0; q < c->quantity; q++)
            items[m++] = (pitem){DD_LI_BULKY, (int32_t)k, {0, 0, 0}, {0, 0, 0},
                                 c->hazard >= 0 ? pack_class(bit, 1u << c->hazard) : 0,
                                 c->sensitive,
                                 c->priority, -1, opt->ready ? opt->ready[k] : c->ready};
    }
    for (size_t k = 0; opt->people && k < s->n_people; k++)
        if (s->people[k].site == site)
            for (int32_t q = 0; q < s->people[k].count; q++)
                items[m++] = (pitem){DD_LI_PEOPLE, (int32_t)k, {0, 0, 0}, {0, 0, 0},
                                     1u << DD__PAX_CLASS, false, 3, -1, DD_TIME_NONE};
    *n = m;
    return items;
}

/* Each item to the first (largest) type that takes it, every
 * 1/divert-th one to the second type (the fleet mix); a sensitive item
 * reserves its escort's weight and seat and counts as carrying a
 * passenger (so it avoids hazards forbidden with passengers). Returns the
 * number of items no type takes. */
static size_t assign_types(const dd__loadplan_owned *o, const dd_loads_options *opt,
                           int32_t site, const int32_t *types, const type_dims *dims,
                           size_t n_types, pitem *items, size_t m)
{
    const dd_scenario *s = o->p.scenario;
    int bit[32];
    class_bits(s, bit, NULL);
    bool have_people = false;
    for (size_t k = 0; k < s->n_people; k++)
        if (s->people[k].site == site)
            have_people = true;
    size_t unplaced = 0;
    double divert = opt->divert && n_types >= 2 ? opt->divert[site] : 0, acc = 0;
    for (size_t i = 0; i < m; i++) {
        pitem *it = &items[i];
        for (size_t t = 0; t < n_types && it->type < 0; t++)
            if (size_on(s, types[t], &dims[t], it, o->pallets, it->size))
                it->type = (int32_t)t;
        if (it->type < 0) {
            unplaced++;
            continue;
        }
        int64_t alt[3];
        if (divert > 0 && it->type == 0 && it->kind != DD_LI_PEOPLE &&
            size_on(s, types[1], &dims[1], it, o->pallets, alt)) {
            acc += divert;
            if (acc >= 1 - 1e-9) {
                acc -= 1;
                it->type = 1;
                memcpy(it->size, alt, sizeof alt);
            }
        }
        memcpy(it->base, it->size, sizeof it->size);
        /* ... unless its own hazard forbids passengers: then the escort
         * travels as crew, and a reservation would only keep it from
         * sharing a load with its own class */
        if (it->sensitive && !(it->klass & pack_class(bit, s->hazard.no_passengers)) &&
            ((have_people && opt->people) || opt->reserve_escorts)) {
            const type_dims *d = &dims[it->type];
            int64_t w = it->size[0] + (int64_t)ceil(s->passenger_kg);
            int64_t seats = it->size[2] + 100;
            if (w <= d->cap[0] && seats <= d->cap[2]) {
                it->size[0] = w;
                it->size[2] = seats;
                it->klass |= 1u << DD__PAX_CLASS;
            }
        }
    }
    return unplaced;
}

/* A load's items in order, its seats left by the floor it takes, and its
 * utilisation (the largest of weight, floor and seats). */
static void finish_load(const dd_scenario *s, dd_load *l, dd_load_item *items)
{
    const dd_aircraft *t = &s->aircraft[l->aircraft];
    qsort(items, l->n_items, sizeof *items, cmp_load_item);
    double displaced = t->pallet_positions > 0 && t->floor_length_m > 0
                           ? t->seats_per_pallet * t->pallet_positions * l->floor_m /
                                 t->floor_length_m
                           : 0;
    l->seats = (int32_t)floor((double)t->seats - displaced + 1e-9);
    if (l->seats < 0)
        l->seats = 0; /* the floor displaces more seats than the type has */
    double u = l->weight_kg / l->acl_kg;
    double f = t->floor_length_m > 0 ? l->floor_m / t->floor_length_m : 0;
    double sts = t->seats > 0 ? fmin(1, (l->passengers + displaced) / t->seats) : 0;
    l->utilisation = u > f ? (u > sts ? u : sts) : (f > sts ? f : sts);
}

static dd_status plan_site(builder *b, int32_t site)
{
    dd__loadplan_owned *o = b->o;
    const dd_scenario *s = o->p.scenario;
    const dd_loads_options *opt = b->opt;
    double leg = nearest_hub(s, site);
    int32_t types[64];
    type_dims dims[64];
    size_t n_types = site_types(s, opt, site, leg, types, dims);
    size_t m = 0;
    pitem *items = site_items(o, opt, site, &m);
    pitem *sub = malloc((m ? m : 1) * sizeof *sub);
    if (!items || !sub) {
        free(items);
        free(sub);
        return DD_ENOMEM;
    }
    size_t unplaced = assign_types(o, opt, site, types, dims, n_types, items, m);
    if (unplaced)
        dd__loads_warn(o, "%s: %zu items fit no aircraft type that may use the site",
                       s->sites[site].id, unplaced);
    size_t first = b->n_loads;
    dd_status st = DD_OK;
    for (size_t t = 0; t < n_types && st == DD_OK; t++) {
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
            if (items[i].type == (int32_t)t)
                sub[k++] = items[i];
        if (k && opt->window_loads > 0)
            st = pack_windows(b, site, types[t], leg, &dims[t], sub, k, opt->window_loads);
        else if (k)
            st = pack_group(b, site, types[t], leg, &dims[t], sub, k, NULL, NULL);
    }
    free(sub);
    free(items);
    if (st != DD_OK)
        return st;
    place_escorts(b, first, b->n_loads - first, dims, types, n_types);
    for (size_t k = first; k < b->n_loads; k++)
        finish_load(s, &b->loads[k], b->iv[k]);
    return DD_OK;
}

dd_status dd_loads_build(const dd_scenario *s, const dd_loads_options *opt, dd_loadplan **out)
{
    *out = NULL;
    dd_loads_options defaults;
    if (!opt) {
        dd_loads_options_init(&defaults);
        opt = &defaults;
    }
    if ((opt->site >= 0 && (size_t)opt->site >= s->n_sites) ||
        (opt->aircraft >= 0 && (size_t)opt->aircraft >= s->n_aircraft))
        return DD_EARG;
    dd__loadplan_owned *o = calloc(1, sizeof *o);
    if (!o)
        return DD_ENOMEM;
    dd__arena_init(&o->arena, 1 << 16);
    o->p.scenario = s;
    builder b = {o, opt, NULL, NULL, 0, 0, NULL, 0, 0};
    dd_status st = opt->cargo ? dd__build_pallets(o, opt) : DD_OK;
    int bits[32], n_bits;
    class_bits(s, bits, &n_bits);
    if (n_bits > (int)DD__PAX_CLASS)
        dd__loads_warn(o, "%d hazard classes with different rules: the load planner keeps "
                          "apart at most %u; the rules of the others are not applied",
                       n_bits, DD__PAX_CLASS);
    for (size_t site = 0; site < s->n_sites && st == DD_OK; site++)
        if (opt->site < 0 || (size_t)opt->site == site)
            st = plan_site(&b, (int32_t)site);
    if (st == DD_OK) {
        /* move the growable arrays into the arena */
        dd_load *loads = dd__arena_array(&o->arena, b.n_loads + 1, sizeof *loads);
        dd_site_loads *groups = dd__arena_array(&o->arena, b.n_groups + 1, sizeof *groups);
        if (!loads || !groups) {
            st = DD_ENOMEM;
        } else {
            if (b.n_loads) /* b.loads is NULL when no site has a load */
                memcpy(loads, b.loads, b.n_loads * sizeof *loads);
            if (b.n_groups)
                memcpy(groups, b.groups, b.n_groups * sizeof *groups);
            o->p.loads = loads;
            o->p.n_loads = b.n_loads;
            o->p.groups = groups;
            o->p.n_groups = b.n_groups;
            o->p.pallets = o->pallets;
            o->p.warnings = (const char *const *)o->warnings;
            o->p.n_warnings = o->n_warnings;
        }
    }
    free(b.loads);
    free(b.iv);
    free(b.groups);
    if (st != DD_OK) {
        dd_loads_free(&o->p);
        return st;
    }
    *out = &o->p;
    return DD_OK;
}
