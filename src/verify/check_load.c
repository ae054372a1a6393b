/* SPDX-License-Identifier: MIT */
/*
 * Load rules of each sortie (docs/plan-format.md, `load`), recomputed from
 * the scenario's cargo and aircraft data: pallet gross (pieces plus the
 * 355 lb pallet and nets), pallet limits and height, pallet positions,
 * floor length by the 1-D rule, seats after displacement, doors, weight
 * against the cabin load interpolated at the leg's distance, hazard
 * classes, escorts for sensitive items, and where each piece and person
 * comes from. Then every shipped piece must fly exactly once and no piece
 * to hand over or destroy may fly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/verify_int.h"

#define PALLET_AREA_M2 (DD_463L_USABLE_LENGTH_M * DD_463L_USABLE_WIDTH_M)

static bool palletised(dd_cargo_kind k)
{
    return k == DD_CARGO_LOOSE || k == DD_CARGO_PALLET;
}

/* The sides of a bulky piece: shorter across, longer along the floor. */
static void sides(const dd_cargo *x, double *across, double *along)
{
    *across = x->width_m < x->length_m ? x->width_m : x->length_m;
    *along = x->width_m < x->length_m ? x->length_m : x->width_m;
}

/* Recomputed gross of a pallet entry (kg); sets *built_up for one
 * inventory pallet alone. Reports misplaced pieces. */
static double pallet_gross(vctx *c, const vsortie *x, const vpallet *pl)
{
    const dd_scenario *s = c->s;
    double net = 0;
    bool built_up = false;
    for (size_t q = 0; q < pl->n_pieces; q++) {
        const vq *pc = &pl->pieces[q];
        const dd_cargo *it = &s->cargo[pc->ref];
        if (!palletised(it->kind)) {
            dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, it->id, x->site, -1, pc->line, pc->col,
                       "sortie %lld, pallet %lld: %s is %s cargo, not palletised; it goes "
                       "under load.cargo",
                       (long long)x->id, (long long)pl->id, it->id, dd_cargo_kind_name(it->kind));
        } else if (it->kind == DD_CARGO_PALLET) {
            if (pl->n_pieces != 1 || pc->count != 1)
                dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, it->id, x->site, -1, pc->line, pc->col,
                           "sortie %lld, pallet %lld: built-up pallet %s must be alone on its "
                           "pallet, one piece",
                           (long long)x->id, (long long)pl->id, it->id);
            else
                built_up = true;
        }
        net += (double)pc->count * it->weight_kg;
    }
    /* an inventory pallet's weight is already its gross */
    return built_up ? net : net + DD_463L_TARE_KG;
}

static void check_pallet(vctx *c, const vsortie *x, const vpallet *pl, double gross)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    long long sid = (long long)x->id, pid = (long long)pl->id;
    if (fabs(pl->gross_kg - gross) > VF_KG_TOL)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, pl->line, pl->col,
                   "sortie %lld, pallet %lld: gross_kg %.1f stated, %.1f from its pieces with "
                   "the pallet and nets",
                   sid, pid, pl->gross_kg, gross);
    if (gross > DD_463L_MAX_GROSS_KG + VF_EPS)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, pl->line, pl->col,
                   "sortie %lld, pallet %lld: %.1f kg gross, above the 4535.9 kg (10,000 lb) "
                   "of a 463L pallet",
                   sid, pid, gross);
    if (pl->height_m > t->pallet_height_m + VF_HEIGHT_TOL)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, pl->line, pl->col,
                   "sortie %lld, pallet %lld: %.2f m high, above the %s's pallet height of "
                   "%.2f m",
                   sid, pid, pl->height_m, t->id, t->pallet_height_m);
    /* the pallet is at least as high as its tallest piece, and its pieces
     * fit in the usable footprint times its height */
    double tallest = 0, volume = 0;
    const char *tall_id = NULL;
    bool built_up = false;
    for (size_t q = 0; q < pl->n_pieces; q++) {
        const dd_cargo *it = &s->cargo[pl->pieces[q].ref];
        if (it->height_m > tallest) {
            tallest = it->height_m;
            tall_id = it->id;
        }
        built_up |= it->kind == DD_CARGO_PALLET;
        volume += (double)pl->pieces[q].count * it->length_m * it->width_m * it->height_m;
    }
    if (tall_id && pl->height_m + VF_HEIGHT_TOL < tallest)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, tall_id, x->site, -1, pl->line, pl->col,
                   "sortie %lld, pallet %lld: height_m %.2f is below its tallest piece, %s "
                   "(%.2f m)",
                   sid, pid, pl->height_m, tall_id, tallest);
    double room = PALLET_AREA_M2 * pl->height_m;
    if (!built_up && volume > PALLET_AREA_M2 * (pl->height_m + VF_HEIGHT_TOL))
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, pl->line, pl->col,
                   "sortie %lld, pallet %lld: its pieces take %.2f m3, more than the %.2f m3 "
                   "of a 463L pallet %.2f m high",
                   sid, pid, volume, room, pl->height_m);
}

/* Hazard classes aboard, the first item of each class, and sensitivity. */
typedef struct aboard {
    uint32_t classes;
    const char *first[32];
    const char *sensitive;
} aboard;

static void note_item(aboard *a, const dd_cargo *it)
{
    if (it->hazard >= 0 && it->hazard < 32) {
        uint32_t bit = 1u << it->hazard;
        if (!(a->classes & bit))
            a->first[it->hazard] = it->id;
        a->classes |= bit;
    }
    if (it->sensitive && !a->sensitive)
        a->sensitive = it->id;
}

static void check_hazards(vctx *c, const vsortie *x, const aboard *a, int64_t pax,
                          int64_t evacuees, int64_t escorts)
{
    const dd_hazard_rules *h = &c->s->hazard;
    long long sid = (long long)x->id;
    for (size_t k = 0; k < h->n_classes && k < 32; k++) {
        uint32_t bit = 1u << k;
        if (!(a->classes & bit))
            continue;
        if (pax > 0 && (h->no_passengers & bit))
            dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, a->first[k], x->site, -1, x->load_line,
                       x->load_col,
                       "sortie %lld: hazard class %s (%s) flies with %lld passengers",
                       sid, h->classes[k], a->first[k], (long long)pax);
        if (!h->apart)
            continue;
        for (size_t j = k + 1; j < h->n_classes && j < 32; j++)
            if ((a->classes & (1u << j)) && (h->apart[k] & (1u << j)))
                dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, a->first[k], x->site, -1,
                           x->load_line, x->load_col,
                           "sortie %lld: hazard classes %s (%s) and %s (%s) must fly apart",
                           sid, h->classes[k], a->first[k], h->classes[j], a->first[j]);
    }
    if (a->sensitive && pax == 0)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, a->sensitive, x->site, -1, x->load_line,
                   x->load_col, "sortie %lld: sensitive item %s flies with nobody aboard",
                   sid, a->sensitive);
    else if (a->sensitive && pax == evacuees)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, a->sensitive, x->site, -1, x->load_line,
                   x->load_col,
                   "sortie %lld: sensitive item %s flies with evacuees alone aboard, who "
                   "escort nothing",
                   sid, a->sensitive);
    if (!a->sensitive && escorts > 0)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: %lld passengers marked escort, but no sensitive item is "
                   "aboard",
                   sid, (long long)escorts);
}

/* What a sortie's load adds up to, as recomputed. */
typedef struct tally {
    double weight, floor_m;
    int64_t n_pieces, pax, evacuees, escorts;
    aboard a;
} tally;

static void check_pallets(vctx *c, const vsortie *x, uint32_t *pallet_seen,
                          int64_t n_pallets, tally *tl)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    long long sid = (long long)x->id;
    if ((int64_t)x->n_pallets > t->pallet_positions)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: %zu pallets, the %s has %d pallet positions", sid,
                   x->n_pallets, t->id, t->pallet_positions);
    for (size_t k = 0; k < x->n_pallets; k++) {
        const vpallet *pl = &x->pallets[k];
        if (pl->id > n_pallets)
            dd__vf_add(c, DD_V_FORMAT, T_NONE, x->id, NULL, x->site, -1, pl->line, pl->col,
                       "sortie %lld: pallet %lld, but the plan has %lld pallets (ids run 1 to "
                       "%lld)",
                       sid, (long long)pl->id, (long long)n_pallets, (long long)n_pallets);
        else if (pallet_seen[pl->id - 1])
            dd__vf_add(c, DD_V_FORMAT, T_NONE, x->id, NULL, x->site, -1, pl->line, pl->col,
                       "sortie %lld: pallet %lld is listed twice (first at line %u)", sid,
                       (long long)pl->id, pallet_seen[pl->id - 1]);
        else
            pallet_seen[pl->id - 1] = pl->line ? pl->line : 1;
        double gross = pallet_gross(c, x, pl);
        check_pallet(c, x, pl, gross);
        tl->weight += gross;
        for (size_t q = 0; q < pl->n_pieces; q++)
            note_item(&tl->a, &s->cargo[pl->pieces[q].ref]);
    }
    tl->floor_m = t->pallet_positions > 0
                      ? (double)x->n_pallets * t->floor_length_m / t->pallet_positions
                      : 0;
}

/* Bulky pieces: the floor they take by the 1-D rule, and the doors. */
static void check_bulky(vctx *c, const vsortie *x, tally *tl)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    long long sid = (long long)x->id;
    for (size_t k = 0; k < x->n_bulky; k++) {
        const vq *b = &x->bulky[k];
        const dd_cargo *it = &s->cargo[b->ref];
        tl->n_pieces += b->count;
        note_item(&tl->a, it);
        tl->weight += (double)b->count * it->weight_kg;
        if (palletised(it->kind)) {
            dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, it->id, x->site, -1, b->line, b->col,
                       "sortie %lld: %s is %s cargo; it flies on a pallet, not under "
                       "load.cargo",
                       sid, it->id, dd_cargo_kind_name(it->kind));
            tl->floor_m += (double)b->count * t->floor_length_m /
                           (t->pallet_positions > 0 ? t->pallet_positions : 1);
            continue;
        }
        double across, along;
        sides(it, &across, &along);
        double lanes = floor(t->floor_width_m / across + 1e-9);
        if (lanes < 1)
            lanes = 1;
        tl->floor_m += (double)b->count * along / lanes;
        if (across > t->door_width_m + VF_EPS || it->height_m > t->door_height_m + VF_EPS)
            dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, it->id, x->site, -1, b->line, b->col,
                       "sortie %lld: %s (%.2f m wide, %.2f m high) does not pass the %s door "
                       "(%.2f m wide, %.2f m high)",
                       sid, it->id, across, it->height_m, t->id, t->door_width_m,
                       t->door_height_m);
    }
}

/* The floor used, and the seats the floor leaves. */
static void check_floor_seats(vctx *c, const vsortie *x, tally *tl)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    long long sid = (long long)x->id;
    if (tl->floor_m > t->floor_length_m + VF_EPS)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: %.2f m of floor used, the %s has %.2f m", sid, tl->floor_m,
                   t->id, t->floor_length_m);
    double floor_tol = VF_M_TOL + VF_MM_ITEM * ((double)x->n_pallets + (double)tl->n_pieces);
    if (fabs(x->floor_m - tl->floor_m) > floor_tol)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: floor_m %.2f stated, %.2f recomputed", sid, x->floor_m,
                   tl->floor_m);
    for (size_t k = 0; k < x->n_pax; k++) {
        const vq *q = &x->pax[k];
        bool evac = q->ref >= 0 && s->people[q->ref].role == DD_ROLE_EVACUEE;
        tl->pax += q->count;
        if (evac)
            tl->evacuees += q->count;
        if (q->escort)
            tl->escorts += q->count;
        if (q->escort && evac && q->count > 0)
            dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, s->people[q->ref].id, x->site, -1,
                       q->line, q->col,
                       "sortie %lld: group %s is marked escort, but evacuees escort nothing",
                       sid, s->people[q->ref].id);
    }
    tl->weight += (double)tl->pax * s->passenger_kg;
    double per_m = t->pallet_positions > 0 && t->floor_length_m > 0
                       ? t->seats_per_pallet * t->pallet_positions / t->floor_length_m
                       : 0;
    double displaced = per_m * tl->floor_m;
    double left = floor((double)t->seats - displaced + 1e-9);
    int64_t seats = left > 0 ? (int64_t)left : 0;
    double left_stated = floor((double)t->seats - per_m * x->floor_m + 1e-9);
    int64_t seats_stated_floor = left_stated > 0 ? (int64_t)left_stated : 0;
    /* the stated floor use, when it agrees with the recomputed one within
     * the rounding tolerance, may decide a seat on the boundary */
    if (tl->pax > seats &&
        !(fabs(x->floor_m - tl->floor_m) <= floor_tol && tl->pax <= seats_stated_floor))
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: %lld passengers, %lld seats left after the floor use "
                   "displaces %.1f of %d",
                   sid, (long long)tl->pax, (long long)seats, displaced, t->seats);
    if (x->seats_available != seats && x->seats_available != seats_stated_floor)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: seats_available %lld stated, %lld recomputed", sid,
                   (long long)x->seats_available, (long long)seats);
}

double dd__vf_hops_acl(const vctx *c, const vsortie *x, double lat, double lon,
                       double *dist_out, char *hop, size_t hop_size)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    const dd_site *site = &s->sites[x->site];
    const dd_stop *p = &s->stops[x->stop], *q = x->stop2 >= 0 ? &s->stops[x->stop2] : NULL;
    double d[3], a[3];
    int n = 0, lo = 0;
    d[n++] = dd__vf_distance(site->lat, site->lon, p->lat, p->lon);
    if (q)
        d[n++] = dd__vf_distance(p->lat, p->lon, q->lat, q->lon);
    d[n++] = q ? dd__vf_distance(q->lat, q->lon, lat, lon)
               : dd__vf_distance(p->lat, p->lon, lat, lon);
    for (int i = 0; i < n; i++) {
        a[i] = dd__vf_acl(t, d[i]);
        if (a[i] < a[lo])
            lo = i;
    }
    if (lo == 0)
        snprintf(hop, hop_size, "to %s", p->id);
    else if (lo == n - 1)
        snprintf(hop, hop_size, "from %s", q ? q->id : p->id);
    else
        snprintf(hop, hop_size, "from %s to %s", p->id, q->id);
    *dist_out = d[lo];
    return a[lo];
}

/* The weight aboard against the cabin load for the leg. */
static void check_weight(vctx *c, const vsortie *x, const tally *tl)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    const dd_site *site = &s->sites[x->site];
    double lat, lon;
    const char *to, *icao;
    dd__vf_dest_pos(s, x, &lat, &lon, &to, &icao);
    long long sid = (long long)x->id;
    double dist = dd__vf_distance(site->lat, site->lon, lat, lon);
    double acl = dd__vf_acl(t, dist);
    if (x->stop >= 0) {
        /* through en-route fuel stops: the smallest hop's cabin load */
        char hop[96];
        acl = dd__vf_hops_acl(c, x, lat, lon, &dist, hop, sizeof hop);
        if (tl->weight > acl + VF_EPS)
            dd__vf_add(c, DD_V_STOP, T_NONE, x->id, NULL, x->site, -1, x->stop_line,
                       x->stop_col,
                       "sortie %lld: %.1f kg aboard, above the %s's cabin load of %.1f kg for "
                       "its %.0f km hop %s",
                       sid, tl->weight, t->id, acl, dist / 1000, hop);
    } else if (tl->weight > acl + VF_EPS) {
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: %.1f kg aboard, above the %s's cabin load of %.1f kg for "
                   "%.0f km",
                   sid, tl->weight, t->id, acl, dist / 1000);
    }
    if (fabs(x->weight_kg - tl->weight) > VF_KG_TOL)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: weight_kg %.1f stated, %.1f recomputed", sid, x->weight_kg,
                   tl->weight);
    if (fabs(x->acl_kg - acl) > VF_KG_TOL)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->load_line, x->load_col,
                   "sortie %lld: acl_kg %.1f stated, %.1f recomputed for %.0f km", sid,
                   x->acl_kg, acl, dist / 1000);
}

static void check_cargo_site(vctx *c, const vsortie *x, const vq *q)
{
    const dd_scenario *s = c->s;
    const dd_cargo *it = &s->cargo[q->ref];
    if (it->site != x->site)
        dd__vf_add(c, DD_V_CARGO, T_NONE, x->id, it->id, x->site, -1, q->line, q->col,
                   "sortie %lld: %s is at site %s, not %s", (long long)x->id, it->id,
                   s->sites[it->site].id, s->sites[x->site].id);
}

/* Everything aboard comes from the sortie's site. */
static void check_origin(vctx *c, const vsortie *x)
{
    const dd_scenario *s = c->s;
    for (size_t k = 0; k < x->n_pallets; k++)
        for (size_t q = 0; q < x->pallets[k].n_pieces; q++)
            check_cargo_site(c, x, &x->pallets[k].pieces[q]);
    for (size_t k = 0; k < x->n_bulky; k++)
        check_cargo_site(c, x, &x->bulky[k]);
    for (size_t k = 0; k < x->n_pax; k++) {
        const dd_people *g = &s->people[x->pax[k].ref];
        if (g->site != x->site)
            dd__vf_add(c, DD_V_PEOPLE, T_NONE, x->id, g->id, x->site, -1, x->pax[k].line,
                       x->pax[k].col, "sortie %lld: group %s is at site %s, not %s",
                       (long long)x->id, g->id, s->sites[g->site].id, s->sites[x->site].id);
    }
}

/* The ferry leg: augmentees of this site, within seats and cabin load. */
static void check_ferry(vctx *c, const vsortie *x)
{
    const dd_scenario *s = c->s;
    const dd_aircraft *t = &s->aircraft[x->type];
    const dd_site *site = &s->sites[x->site];
    long long sid = (long long)x->id;
    int64_t in = 0;
    for (size_t k = 0; k < x->n_ferry_pax; k++) {
        const vq *q = &x->ferry_pax[k];
        const dd_people *g = &s->people[q->ref];
        in += q->count;
        if (g->role != DD_ROLE_AUGMENTEE)
            dd__vf_add(c, DD_V_PEOPLE, T_NONE, x->id, g->id, x->site, -1, q->line, q->col,
                       "sortie %lld: the ferry leg flies in group %s, which is %s, not "
                       "augmentees",
                       sid, g->id, dd_role_name(g->role));
        else if (g->site != x->site)
            dd__vf_add(c, DD_V_PEOPLE, T_NONE, x->id, g->id, x->site, -1, q->line, q->col,
                       "sortie %lld: the ferry leg flies group %s to %s, but it belongs at %s",
                       sid, g->id, site->id, s->sites[g->site].id);
    }
    if (in <= 0)
        return;
    const dd_hub *from = &s->hubs[x->ferry_from];
    double fd = dd__vf_distance(from->lat, from->lon, site->lat, site->lon);
    double facl = dd__vf_acl(t, fd);
    if (in > t->seats)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: the ferry leg flies in %lld people, the %s has %d seats",
                   sid, (long long)in, t->id, t->seats);
    if ((double)in * s->passenger_kg > facl + VF_EPS)
        dd__vf_add(c, DD_V_LOAD, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: the ferry leg flies in %.1f kg of people, above the "
                   "cabin load of %.1f kg",
                   sid, (double)in * s->passenger_kg, facl);
}

static void check_one(vctx *c, const vsortie *x, uint32_t *pallet_seen, int64_t n_pallets)
{
    if (x->leg >= 0)
        return; /* an onward sortie carries its leg's load (check_legs.c) */
    tally tl = {0};
    check_pallets(c, x, pallet_seen, n_pallets, &tl);
    check_bulky(c, x, &tl);
    check_floor_seats(c, x, &tl);
    check_weight(c, x, &tl);
    check_hazards(c, x, &tl.a, tl.pax, tl.evacuees, tl.escorts);
    check_origin(c, x);
    check_ferry(c, x);
}

void dd__vf_check_loads(vctx *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->p->n_sorties; i++)
        n += c->p->sorties[i].n_pallets;
    uint32_t *seen = calloc(n ? n : 1, sizeof *seen);
    if (!seen) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < c->p->n_sorties; i++)
        check_one(c, &c->p->sorties[i], seen, (int64_t)n);
    free(seen);
}

void dd__vf_check_cargo_flow(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    int64_t *flown = calloc(s->n_cargo ? s->n_cargo : 1, sizeof *flown);
    int64_t *first = malloc((s->n_cargo ? s->n_cargo : 1) * sizeof *first);
    if (!flown || !first) {
        free(flown);
        free(first);
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < s->n_cargo; i++)
        first[i] = 0;
#define FLY(q, sortie_id)                        \
    do {                                         \
        flown[(q)->ref] += (q)->count;           \
        if (!first[(q)->ref])                    \
            first[(q)->ref] = (sortie_id);       \
    } while (0)
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        for (size_t k = 0; k < x->n_pallets; k++)
            for (size_t q = 0; q < x->pallets[k].n_pieces; q++)
                FLY(&x->pallets[k].pieces[q], x->id);
        for (size_t k = 0; k < x->n_bulky; k++)
            FLY(&x->bulky[k], x->id);
    }
#undef FLY
    for (size_t i = 0; i < s->n_cargo; i++) {
        const dd_cargo *it = &s->cargo[i];
        if (it->disposition != DD_DISP_SHIP) {
            if (flown[i] > 0)
                dd__vf_add(c, DD_V_DISPOSITION, T_NONE, first[i], it->id, it->site, -1, 0, 0,
                           "%s is to %s, yet %lld piece%s fl%s (first on sortie %lld)",
                           it->id, it->disposition == DD_DISP_HANDOVER ? "hand over" : "destroy",
                           (long long)flown[i], flown[i] == 1 ? "" : "s",
                           flown[i] == 1 ? "ies" : "y", (long long)first[i]);
        } else if (flown[i] < it->quantity) {
            c->n_rows_left++;
            dd__vf_add(c, DD_V_CARGO, T_DEADLINE, 0, it->id, it->site, -1, 0, 0,
                       "%s: %lld of %d pieces fly; the rest never leave %s", it->id,
                       (long long)flown[i], it->quantity, s->sites[it->site].id);
        } else if (flown[i] > it->quantity) {
            dd__vf_add(c, DD_V_CARGO, T_NONE, first[i], it->id, it->site, -1, 0, 0,
                       "%s: %lld pieces fly, the inventory has %d", it->id,
                       (long long)flown[i], it->quantity);
        }
    }
    free(flown);
    free(first);
}
