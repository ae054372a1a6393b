/* SPDX-License-Identifier: MIT */
/*
 * The fleet mix for a saturated ramp. The loads stage gives every item to
 * the largest type that takes it, so a site flies almost only its heavy
 * type; when the heavy class's MOG (or its fleet) turns fewer sorties a
 * day than the site's clearance cap allows, the other types stand idle
 * while the site takes longer than it need. Here, per site, the share of
 * the cargo that the second type can also take that should go to it is
 * chosen by a throughput model:
 *
 *   days(f) = max( n1(f) / r1, n2(f) / r2, (n1 + n2)(f) / cap,
 *                  (n1 g1 + n2 g2)(f) / (MOG_total * open) )
 *
 * with n1, n2 the loads of the two types, linear in f between the packing
 * with no cargo diverted (f = 0) and with all it can take (f = 1); r the
 * sorties a day the class's MOG turns in the open hours (MOG * open / g)
 * and the type's fleet (tails * day / cycle, shared by the sites it
 * serves); cap the airfield's daily cap and its share of the country's.
 * f is scanned in steps of 1/50. The plan's search then tries placements
 * with and without the mix and keeps the better plan, so the model only
 * proposes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

/* The class's MOG, or the total when the site gives none for it. */
static int32_t mog_of(const dd_site *x, int32_t klass)
{
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == klass)
            return x->mog[k].count;
    return dd_site_mog_total(x);
}

dd_status dd__fleet_mix(const dd_scenario *s, const dd__terms *t, const dd_loadplan *lp0,
                        const dd_loadplan *lp1, double *divert, bool *useful_out)
{
    *useful_out = false;
    size_t ns = s->n_sites, na = s->n_aircraft;
    for (size_t i = 0; i < ns; i++)
        divert[i] = 0;
    if (na < 2 || ns == 0)
        return DD_OK;
    double *cnt0 = calloc(ns * na, sizeof *cnt0), *cnt1 = calloc(ns * na, sizeof *cnt1);
    double *demand = calloc(na, sizeof *demand); /* sites served per type */
    if (!cnt0 || !cnt1 || !demand) {
        free(cnt0);
        free(cnt1);
        free(demand);
        return DD_ENOMEM;
    }
    for (size_t g = 0; g < lp0->n_groups; g++)
        cnt0[(size_t)lp0->groups[g].site * na + (size_t)lp0->groups[g].aircraft] +=
            (double)lp0->groups[g].n_loads;
    for (size_t g = 0; g < lp1->n_groups; g++)
        cnt1[(size_t)lp1->groups[g].site * na + (size_t)lp1->groups[g].aircraft] +=
            (double)lp1->groups[g].n_loads;
    for (size_t i = 0; i < ns; i++)
        for (size_t a = 0; a < na; a++)
            if (cnt0[i * na + a] > 0 || cnt1[i * na + a] > 0)
                demand[a] += 1;
    /* per site: the two types and the model's days for f = k / 50 */
    enum { STEPS = 50 };
    double *days = malloc(ns * (STEPS + 1) * sizeof *days);
    bool *has = calloc(ns, sizeof *has);
    bool useful = false;
    dd_status st = DD_OK;
    if (!days || !has) {
        st = DD_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < ns; i++) {
        const dd_site *x = &s->sites[i];
        /* the type that loses loads (first) and the one that gains */
        int32_t a1 = -1, a2 = -1;
        double lose = 0, gain = 0;
        for (size_t a = 0; a < na; a++) {
            double d = cnt1[i * na + a] - cnt0[i * na + a];
            if (d < lose) {
                lose = d;
                a1 = (int32_t)a;
            }
            if (d > gain) {
                gain = d;
                a2 = (int32_t)a;
            }
        }
        if (a1 < 0 || a2 < 0)
            continue;
        double open = dd__open_minutes(s, (int32_t)i);
        double leg = dd__hub_distance(s, (int32_t)i, 0);
        for (size_t h = 1; h < s->n_hubs; h++) {
            double d = dd__hub_distance(s, (int32_t)i, (int32_t)h);
            if (d < leg)
                leg = d;
        }
        double rate[2], g[2], n0[2], n1[2];
        int32_t ty[2] = {a1, a2};
        for (int k = 0; k < 2; k++) {
            const dd_aircraft *ac = &s->aircraft[ty[k]];
            g[k] = ac->ground_time > 0 ? (double)ac->ground_time : 1;
            double ramp = (double)mog_of(x, ac->klass) * open / g[k];
            double cycle = g[k] + 2.0 * dd__flight_minutes(leg, ac->cruise_mps);
            double fleet = (double)(dd_aircraft_tails_max(ac) + t->extra_tails[ty[k]]) * 1440.0 / cycle /
                           (demand[ty[k]] > 0 ? demand[ty[k]] : 1);
            rate[k] = ramp < fleet ? ramp : fleet;
            n0[k] = cnt0[i * na + (size_t)ty[k]];
            n1[k] = cnt1[i * na + (size_t)ty[k]];
        }
        if (rate[0] <= 0 || rate[1] <= 0)
            continue;
        double cap = t->site_cap[i] >= 0 ? (double)t->site_cap[i] : INFINITY;
        if (t->country_cap >= 0) {
            double share = (double)t->country_cap / (double)ns;
            if (share < cap)
                cap = share;
        }
        double tot = (double)dd_site_mog_total(x) * open;
        for (int step = 0; step <= STEPS; step++) {
            double f = step / (double)STEPS;
            double a = n0[0] + f * (n1[0] - n0[0]), b = n0[1] + f * (n1[1] - n0[1]);
            double d = fmax(a / rate[0], b / rate[1]);
            if (cap < INFINITY && cap > 0)
                d = fmax(d, (a + b) / cap);
            if (tot > 0)
                d = fmax(d, (a * g[0] + b * g[1]) / tot);
            days[i * (STEPS + 1) + (size_t)step] = d;
        }
        has[i] = true;
    }
    /* the theater ends with its slowest site: the best each site can do,
     * and the latest of those is the target; sites that are faster anyway
     * divert only what they need to meet it (each diverted item adds
     * sorties) */
    double target = 0, before = 0;
    for (size_t i = 0; i < ns; i++) {
        if (!has[i])
            continue;
        double best = INFINITY;
        for (int k = 0; k <= STEPS; k++)
            best = fmin(best, days[i * (STEPS + 1) + (size_t)k]);
        target = fmax(target, best);
        before = fmax(before, days[i * (STEPS + 1)]);
    }
    /* worth a different plan only for a clear gain */
    if (!(target < 0.97 * before))
        goto done;
    for (size_t i = 0; i < ns; i++) {
        if (!has[i])
            continue;
        for (int k = 0; k <= STEPS; k++)
            if (days[i * (STEPS + 1) + (size_t)k] <= target * (1 + 1e-9)) {
                divert[i] = k / (double)STEPS;
                break;
            }
        useful = useful || divert[i] > 0;
    }
done:
    free(days);
    free(has);
    free(cnt0);
    free(cnt1);
    free(demand);
    *useful_out = useful;
    return st;
}
