/* SPDX-License-Identifier: MIT */
/*
 * The one home of the sorties lower bound, used by `drawdown check`
 * (check.c) and by the planner's bounds (plan.c), so that both print the
 * same figure.
 *
 * Per site, the largest of:
 *  - per dimension (cabin load, pallet positions, seats, floor length),
 *    the site's total over the largest capacity of any aircraft type that
 *    may use the site (its class has MOG there: class-aware);
 *  - the load planner's own lower bound on the loads of the site's cargo
 *    (Martello and Toth's L2 on weight and the other dimensions, per type
 *    the loads are made for: docs/loads.md);
 *  - the people who need military seats (beyond the commercial seats that
 *    run before the deadline) over the most seats of a usable type.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

/* Whether type a may use site x: its class has a positive MOG there, or
 * is unlisted and the site has a positive total. */
bool dd__type_uses_site(const dd_aircraft *a, const dd_site *x)
{
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == a->klass)
            return x->mog[k].count > 0;
    return x->mog_total > 0;
}

static int64_t ceil_div(double a, double b)
{
    if (a <= 0)
        return 0;
    if (b <= 0)
        return 0;
    return (int64_t)ceil(a / b - 1e-9);
}

double dd__cargo_pallet_equiv(const dd_cargo *x)
{
    if (x->kind == DD_CARGO_PALLET)
        return 1;
    if (x->kind != DD_CARGO_LOOSE)
        return 0;
    /* net weight or footprint × height, whichever fills a pallet first */
    double by_w = x->weight_kg / (DD_463L_MAX_GROSS_KG - DD_463L_TARE_KG);
    double stack = x->max_stack > 0 ? x->max_stack : 1;
    double by_area =
        (x->length_m * x->width_m) / (DD_463L_USABLE_LENGTH_M * DD_463L_USABLE_WIDTH_M);
    double per_col = floor(DD_463L_MAX_HEIGHT_M / x->height_m);
    if (per_col > stack)
        per_col = stack;
    if (per_col < 1)
        per_col = 1;
    by_area /= per_col;
    return by_w > by_area ? by_w : by_area;
}

double dd__cargo_floor_share(const dd_scenario *s, const dd_cargo *x)
{
    if (x->kind == DD_CARGO_LOOSE || x->kind == DD_CARGO_PALLET)
        return 0;
    const dd_site *site = &s->sites[x->site];
    double best = INFINITY;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        const dd_aircraft *t = &s->aircraft[a];
        if (!dd__type_uses_site(t, site))
            continue;
        double l = x->length_m > x->width_m ? x->length_m : x->width_m;
        double w = x->length_m > x->width_m ? x->width_m : x->length_m;
        double lanes = floor(t->floor_width_m / w);
        if (lanes < 1)
            lanes = 1;
        double need = l / lanes / t->floor_length_m;
        if (need < best)
            best = need;
    }
    return isfinite(best) ? best : 0;
}

static double nearest_hub(const dd_scenario *s, const dd_site *x)
{
    double best = INFINITY;
    for (size_t h = 0; h < s->n_hubs; h++) {
        double d = dd_distance_m(x->lat, x->lon, s->hubs[h].lat, s->hubs[h].lon);
        if (d < best)
            best = d;
    }
    return isfinite(best) ? best : 0;
}

void dd__sorties_dims(const dd_scenario *s, dd_sorties_dims *dims)
{
    for (size_t si = 0; si < s->n_sites; si++) {
        memset(&dims[si], 0, sizeof dims[si]);
        dims[si].dist_m = nearest_hub(s, &s->sites[si]);
    }
    for (size_t k = 0; k < s->n_cargo; k++) {
        const dd_cargo *x = &s->cargo[k];
        if (x->disposition != DD_DISP_SHIP)
            continue;
        dd_sorties_dims *d = &dims[x->site];
        d->ship_kg += x->weight_kg * x->quantity;
        d->pallet_equiv += x->quantity * dd__cargo_pallet_equiv(x);
        d->floor_m += x->quantity * dd__cargo_floor_share(s, x); /* in floors */
    }
    for (size_t g = 0; g < s->n_people; g++)
        dims[s->people[g].site].seats_need += s->people[g].count;
    /* commercial seats carry people without clearances: only people
     * beyond what they can take need military seats */
    for (size_t k = 0; k < s->n_commercial; k++) {
        const dd_commercial *cm = &s->commercial[k];
        dd_time to = cm->to == DD_TIME_NONE ? s->agreement.deadline : cm->to;
        dims[cm->site].seats_need -= cm->seats_per_day * (double)(to - cm->from) / 1440.0;
    }
    for (size_t si = 0; si < s->n_sites; si++)
        if (dims[si].seats_need < 0)
            dims[si].seats_need = 0;
}

dd_status dd__sorties_bound(const dd_scenario *s, const dd_sorties_dims *dims, int64_t *site_lb,
                            const char **binding)
{
    for (size_t si = 0; si < s->n_sites; si++) {
        site_lb[si] = 0;
        if (binding)
            binding[si] = "none";
    }
    if (s->n_aircraft == 0)
        return DD_OK;
    dd_loads_options lo;
    dd_loads_options_init(&lo);
    lo.people = false;
    lo.max_iterations = 0;
    dd_loadplan *lp = NULL;
    dd_status st = dd_loads_build(s, &lo, &lp);
    if (st == DD_ENOMEM)
        return st;
    int64_t *by_loads = calloc(s->n_sites ? s->n_sites : 1, sizeof *by_loads);
    if (!by_loads) {
        dd_loads_free(lp);
        return DD_ENOMEM;
    }
    if (st == DD_OK) /* else the dimensions alone */
        for (size_t g = 0; g < lp->n_groups; g++)
            by_loads[lp->groups[g].site] += (int64_t)lp->groups[g].lower_bound;
    dd_loads_free(lp);
    for (size_t si = 0; si < s->n_sites; si++) {
        const dd_site *x = &s->sites[si];
        const dd_sorties_dims *d = &dims[si];
        double acl = 0, pos = 0, seats = 0;
        for (size_t a = 0; a < s->n_aircraft; a++) {
            const dd_aircraft *t = &s->aircraft[a];
            if (!dd__type_uses_site(t, x))
                continue;
            double v = dd_aircraft_acl(t, d->dist_m);
            if (v > acl)
                acl = v;
            if (t->pallet_positions > pos)
                pos = t->pallet_positions;
            if (t->seats > seats)
                seats = t->seats;
        }
        struct {
            const char *name;
            int64_t v;
        } dim[] = {
            {"weight", ceil_div(d->ship_kg + d->seats_need * s->passenger_kg, acl)},
            {"pallet positions", ceil_div(d->pallet_equiv, pos)},
            {"seats", ceil_div(d->seats_need, seats)},
            /* pallets and bulky items share the floor: a pallet takes
             * 1/positions of it (the loads' 1-D floor model) */
            {"floor length", ceil_div(d->floor_m + (pos > 0 ? d->pallet_equiv / pos : 0), 1.0)},
            {"packing", by_loads[si]},
        };
        for (size_t k = 0; k < sizeof dim / sizeof *dim; k++)
            if (dim[k].v > site_lb[si]) {
                site_lb[si] = dim[k].v;
                if (binding)
                    binding[si] = dim[k].name;
            }
    }
    free(by_loads);
    return DD_OK;
}
