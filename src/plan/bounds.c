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

double dd__nearest_hub_m(const dd_scenario *s, const dd_site *x)
{
    double best = INFINITY;
    for (size_t h = 0; h < s->n_hubs; h++) {
        double d = dd_distance_m(x->lat, x->lon, s->hubs[h].lat, s->hubs[h].lon);
        if (d < best)
            best = d;
    }
    return isfinite(best) ? best : 0;
}

double dd__site_acl(const dd_scenario *s, int32_t a, int32_t site)
{
    const dd_site *x = &s->sites[site];
    double best = INFINITY;
    int32_t near = -1, stop;
    for (size_t h = 0; h < s->n_hubs; h++) {
        double d = dd_distance_m(x->lat, x->lon, s->hubs[h].lat, s->hubs[h].lon);
        if (d < best) {
            best = d;
            near = (int32_t)h;
        }
    }
    return near < 0 ? dd_aircraft_acl(&s->aircraft[a], 0) : dd_route_acl(s, a, site, near, &stop);
}

void dd__sorties_dims(const dd_scenario *s, dd_sorties_dims *dims)
{
    for (size_t si = 0; si < s->n_sites; si++) {
        memset(&dims[si], 0, sizeof dims[si]);
        dims[si].dist_m = dd__nearest_hub_m(s, &s->sites[si]);
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
            double v = dd__site_acl(s, (int32_t)a, (int32_t)si);
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

/* ---- the completion bound ------------------------------------------------
 * The earliest the last departure can be, whatever the plan: the largest
 * of what the clearance caps, exit processing, the ramp, the release
 * times and the fleet allow for the sorties bound above, each from the
 * first time a clearance can be used (`opens`, or the lead time). */

typedef struct lb_acc {
    dd_time lb;
    dd_binding why;
} lb_acc;

static bool raise_lb(lb_acc *a, dd_time t, dd_binding why)
{
    if (t <= a->lb)
        return false;
    a->lb = t;
    a->why = why;
    return true;
}

static dd_time later_of(dd_time a, dd_time b)
{
    return a > b ? a : b;
}

/* The daily caps, country-wide and per airfield: n sorties at cap a day
 * from the day of t0 take that many days. */
static dd_time cap_days(const dd_scenario *s, dd_time t0, int64_t n, int32_t cap)
{
    int32_t d = dd_scenario_day(s, t0) + (int32_t)((n + cap - 1) / cap) - 1;
    return later_of(dd_scenario_day_start(s, d), t0);
}

static void caps_and_processing(const dd_scenario *s, const dd__terms *terms,
                                const int64_t *site_lb, int64_t total, dd_time t0,
                                lb_acc *acc)
{
    if (terms->country_cap > 0 && total > 0)
        raise_lb(acc, cap_days(s, t0, total, terms->country_cap), DD_BIND_CLEARANCE_CAP);
    for (size_t si = 0; si < s->n_sites; si++) {
        if (terms->site_cap[si] > 0 && site_lb[si] > 0)
            raise_lb(acc, cap_days(s, t0, site_lb[si], terms->site_cap[si]), DD_BIND_SITE_CAP);
        int64_t people = 0;
        for (size_t g = 0; g < s->n_people; g++)
            if (s->people[g].site == (int32_t)si)
                people += s->people[g].count;
        int32_t ph = dd_site_exit_per_hour(s, (int32_t)si);
        if (ph > 0 && people > 0) { /* the last hour's start, from the epoch's hour */
            dd_time h = (dd_time)((people + ph - 1) / ph - 1);
            dd_time into = ((s->epoch_unix / 60 + s->agreement.tz_offset) % 60 + 60) % 60;
            raise_lb(acc, h * 60 - into > 0 ? h * 60 - into : 0, DD_BIND_PROCESSING);
        }
        if (terms->exit_per_day[si] > 0 && people > 0) {
            int32_t d =
                (int32_t)((people + terms->exit_per_day[si] - 1) / terms->exit_per_day[si]) - 1;
            raise_lb(acc, dd_scenario_day_start(s, d), DD_BIND_PROCESSING);
        }
    }
}

/* The ramp: every sortie holds a parking spot for at least the shortest
 * ground time; a site has at most its total MOG (less reservations,
 * ignored here) spots. */
static void ramp(const dd_scenario *s, const dd__terms *terms, const int64_t *site_lb,
                 dd_time t0, lb_acc *acc)
{
    dd_time g_min = INT64_MAX;
    for (size_t a = 0; a < s->n_aircraft; a++)
        if (s->aircraft[a].ground_time < g_min)
            g_min = s->aircraft[a].ground_time;
    for (size_t si = 0; si < s->n_sites && g_min > 0 && g_min < INT64_MAX; si++) {
        int32_t mog = dd_site_mog_total(&s->sites[si]) + (terms->extra_mog ? terms->extra_mog[si] : 0);
        if (mog <= 0 || site_lb[si] == 0)
            continue;
        raise_lb(acc,
                 t0 + (dd_time)ceil((double)site_lb[si] * (double)g_min / (double)mog) - g_min,
                 DD_BIND_MOG);
    }
}

/* Release times: cargo and people leave after they are released, and a
 * task ends no earlier than its chain of predecessors allows (the
 * earliest finish by precedence alone, whatever the schedule found). The
 * detail says which release sets it. */
static dd_status releases(dd_plan *p, lb_acc *acc)
{
    const dd_scenario *s = p->scenario;
    dd_time *ef = calloc(s->n_tasks + 1, sizeof *ef);
    if (!ef)
        return DD_ENOMEM;
    for (size_t k = 0; k < s->n_tasks; k++)
        ef[k] = s->tasks[k].duration;
    for (bool changed = true; changed;) { /* the graph is acyclic (validated) */
        changed = false;
        for (size_t k = 0; k < s->n_tasks; k++) {
            const dd_task *tk = &s->tasks[k];
            dd_time st0 = 0;
            for (size_t q = 0; q < tk->n_pred; q++)
                st0 = later_of(st0, ef[tk->pred[q]] + tk->pred_lag[q]);
            if (st0 + tk->duration > ef[k]) {
                ef[k] = st0 + tk->duration;
                changed = true;
            }
        }
    }
    char *d = p->completion_lb_detail;
    size_t dn = sizeof p->completion_lb_detail;
    for (size_t k = 0; k < s->n_cargo; k++) {
        const dd_cargo *c = &s->cargo[k];
        if (c->disposition != DD_DISP_SHIP)
            continue;
        dd_time r = c->ready == DD_TIME_NONE ? 0 : c->ready;
        if (c->released_by >= 0)
            r = later_of(r, ef[c->released_by]);
        if (!raise_lb(acc, r, DD_BIND_TASKS))
            continue;
        if (c->released_by >= 0 && ef[c->released_by] >= r)
            snprintf(d, dn, "the task chain ending with %s (it releases %s)",
                     s->tasks[c->released_by].id, c->id);
        else
            snprintf(d, dn, "the ready time of cargo %s", c->id);
    }
    for (size_t g = 0; g < s->n_people; g++) {
        const dd_people *x = &s->people[g];
        dd_time r = x->release == DD_TIME_NONE ? 0 : x->release;
        if (x->released_by >= 0)
            r = later_of(r, ef[x->released_by]);
        if (x->arrival != DD_TIME_NONE)
            r = later_of(r, x->arrival);
        if (!raise_lb(acc, r, DD_BIND_TASKS))
            continue;
        if (x->released_by >= 0 && ef[x->released_by] >= r)
            snprintf(d, dn, "the task chain ending with %s (it releases group %s)",
                     s->tasks[x->released_by].id, x->id);
        else if (x->arrival != DD_TIME_NONE && x->arrival >= r)
            snprintf(d, dn, "the arrival of group %s", x->id);
        else
            snprintf(d, dn, "the release time of group %s", x->id);
    }
    free(ef);
    return DD_OK;
}

/* The fleet: sorties a day the whole fleet can fly at best (each tail on
 * the shortest round trip of its type), and, where a type limits them,
 * what its crews and its tails' utilisation allow. */
typedef struct fleet_type {
    double tails, cycle;      /* cycle: shortest round trip, minutes */
    double util, fly, window; /* utilisation (minutes a day), shortest flying, days */
    double crews, busy;       /* crews over the crews a sortie takes; duty + rest */
} fleet_type;

/* Sorties type f can fly in T minutes at most, under the limits `mask`
 * holds (1 crews, 2 utilisation). */
static double fleet_can(const fleet_type *f, double T, int mask)
{
    double n = f->tails * T / f->cycle;
    if ((mask & 2) && f->util >= 0) {
        double u = f->fly > 0 ? f->tails * (T / 1440.0 + f->window) * f->util / f->fly : n;
        n = u < n ? u : n;
    }
    if ((mask & 1) && f->crews >= 0) {
        double c = f->crews * (T / f->busy + 1);
        n = c < n ? c : n;
    }
    return n;
}

/* The least T (minutes) in which the fleet flies `total` sorties. */
static double fleet_time(const fleet_type *f, size_t n, int64_t total, int mask)
{
    double lo = 0, hi = 1440.0 * 366 * 100;
    double most = 0;
    for (size_t a = 0; a < n; a++)
        most += fleet_can(&f[a], hi, mask);
    if (most + 1 < (double)total)
        return INFINITY;
    for (int it = 0; it < 60 && hi - lo > 0.5; it++) {
        double mid = (lo + hi) / 2, got = 1;
        for (size_t a = 0; a < n; a++)
            got += fleet_can(&f[a], mid, mask);
        if (got >= (double)total - 1e-9)
            hi = mid;
        else
            lo = mid;
    }
    return lo;
}

static dd_status fleet(dd_plan *p, const dd__terms *terms, int64_t total, dd_time t0,
                       lb_acc *acc)
{
    const dd_scenario *s = p->scenario;
    fleet_type *f = calloc(s->n_aircraft + 1, sizeof *f);
    if (!f)
        return DD_ENOMEM;
    size_t n = 0;
    double rate = 0;
    bool limits = false;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        const dd_aircraft *t = &s->aircraft[a];
        int32_t tails = dd_aircraft_tails_max(t);
        tails += terms->extra_tails[a];
        double best_cycle = INFINITY;
        for (size_t si = 0; si < s->n_sites; si++)
            for (size_t h = 0; h < s->n_hubs; h++) {
                double c = 2.0 * dd__flight_minutes(dd__hub_distance(s, (int32_t)si, (int32_t)h),
                                                    t->cruise_mps) +
                           2.0 * (double)t->ground_time;
                if (c < best_cycle)
                    best_cycle = c;
            }
        if (!isfinite(best_cycle) || best_cycle <= 0)
            continue;
        rate += tails * 1440.0 / best_cycle;
        fleet_type *x = &f[n++];
        *x = (fleet_type){tails, best_cycle, -1, 0, 1, -1, 1};
        if (t->utilisation <= 0 && t->crews < 0)
            continue;
        limits = true;
        /* the shortest sortie: ferried from the nearest hub and back */
        double fly = INFINITY, busy = INFINITY, crews = 0;
        for (size_t si = 0; si < s->n_sites; si++) {
            double m = 2.0 * dd__flight_minutes(dd__nearest_hub_m(s, &s->sites[si]),
                                                t->cruise_mps);
            if (t->utilisation > 0 && m > (double)t->utilisation * t->utilisation_days)
                continue; /* no tail ever flies it */
            dd_time duty = (dd_time)m + t->ground_time;
            int32_t need = dd_aircraft_crews_for(t, duty);
            if (need < 1)
                continue;
            fly = m < fly ? m : fly;
            double b = (double)(duty + t->crew_rest);
            double c = t->crews >= 0 ? (double)t->crews / need : 0;
            if (t->crews >= 0 && c / (b > 0 ? b : 1) > crews / (busy > 0 ? busy : 1)) {
                crews = c;
                busy = b > 0 ? b : 1;
            }
        }
        if (!isfinite(fly)) { /* this type flies nothing at all */
            x->tails = 0;
            continue;
        }
        if (t->utilisation > 0) {
            x->util = (double)t->utilisation;
            x->fly = fly;
            x->window = t->utilisation_days;
        }
        if (t->crews >= 0) {
            x->crews = crews;
            x->busy = busy;
        }
    }
    if (total > 0 && !limits && rate > 0)
        raise_lb(acc, t0 + (dd_time)ceil(((double)total - 1) / rate * 1440.0), DD_BIND_FLEET);
    if (total > 0 && limits) {
        double t_none = fleet_time(f, n, total, 0), t_all = fleet_time(f, n, total, 3);
        dd_binding why = DD_BIND_FLEET;
        if (t_all > t_none + 0.5)
            why = fleet_time(f, n, total, 1) >= fleet_time(f, n, total, 2) ? DD_BIND_CREWS
                                                                           : DD_BIND_UTILISATION;
        if (isfinite(t_all))
            raise_lb(acc, t0 + (dd_time)ceil(t_all - 1e-6), why);
        else if (isfinite(t_none) && n > 0) {
            acc->why = why;
            snprintf(p->completion_lb_detail, sizeof p->completion_lb_detail,
                     "no crew may fly a sortie within its type's duty day and utilisation, and "
                     "%lld sorties are needed",
                     (long long)total);
        }
    }
    free(f);
    return DD_OK;
}

dd_status dd__plan_bounds(dd_plan *p, const dd__terms *terms)
{
    const dd_scenario *s = p->scenario;
    p->completion_lb_detail[0] = '\0';
    int64_t *site_lb = calloc(s->n_sites + 1, sizeof *site_lb);
    dd_sorties_dims *dims = calloc(s->n_sites + 1, sizeof *dims);
    dd_status st = site_lb && dims ? DD_OK : DD_ENOMEM;
    if (st == DD_OK) {
        dd__sorties_dims(s, dims);
        st = dd__sorties_bound(s, dims, site_lb, NULL);
    }
    free(dims);
    int64_t total = 0;
    for (size_t si = 0; st == DD_OK && si < s->n_sites; si++)
        total += site_lb[si];
    p->sorties_lb = (size_t)total;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    dd_time t0 = later_of(ct->opens, terms->lead_time);
    /* overflight: every route out crosses countries whose clearances take
     * their lead time; the shortest route's longest lead time */
    if (ct->n_overflight > 0 && s->n_hubs > 0) {
        dd_time least = INT64_MAX;
        for (size_t h = 0; h < s->n_hubs; h++) {
            dd_time most = 0;
            for (size_t k = 0; k < s->hubs[h].n_overflies; k++)
                most = later_of(most, ct->overflight[s->hubs[h].overflies[k]].lead_time);
            least = most < least ? most : least;
        }
        t0 = later_of(t0, least);
    }
    lb_acc acc = {0, DD_BIND_NONE};
    if (total > 0)
        acc = (lb_acc){t0, DD_BIND_OPENS};
    if (st == DD_OK) {
        caps_and_processing(s, terms, site_lb, total, t0, &acc);
        ramp(s, terms, site_lb, t0, &acc);
        st = releases(p, &acc);
    }
    if (st == DD_OK)
        st = fleet(p, terms, total, t0, &acc);
    /* a country every route out crosses clears at most its daily cap */
    for (size_t k = 0; st == DD_OK && total > 0 && k < ct->n_overflight; k++) {
        int32_t cap = ct->overflight[k].daily_cap;
        if (cap > 0 && dd__all_routes_cross(s, (int32_t)k))
            raise_lb(&acc, cap_days(s, later_of(t0, ct->overflight[k].lead_time), total, cap),
                     DD_BIND_OVERFLIGHT);
    }
    free(site_lb);
    if (st != DD_OK)
        return st;
    /* no military flight cleared at all, while something needs one */
    if (terms->country_cap == 0 && total > 0) {
        acc.why = DD_BIND_CLEARANCE_CAP;
        snprintf(p->completion_lb_detail, sizeof p->completion_lb_detail,
                 "no military flight is cleared (daily_cap 0), and %lld sorties are needed",
                 (long long)total);
    }
    p->completion_lb = acc.lb;
    p->completion_lb_binding = acc.why;
    return DD_OK;
}
