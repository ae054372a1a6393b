/* SPDX-License-Identifier: MIT */
/*
 * The plan's own reading of the people terms, after people have taken
 * their seats: the heuristics of people.c try to keep them, and this says
 * whether they did. A plan that breaks one is not "met", whatever its
 * dates: the verdict names the term (docs/plan.md, "terms the verdict
 * covers"). The rules are those of docs/verify.md, read the same way:
 *
 *  - a sensitive load flies with someone aboard (its escort);
 *  - at each site, after every instant at which people leave or arrive
 *    and before its last departure, security present >= max(floor,
 *    ceil(ratio x everyone else present)); nobody left after it;
 *  - commercial passengers per site and host day <= the seats of the
 *    services running at the departure;
 *  - people in the country <= the ceiling, at the start and after every
 *    instant;
 *  - a site closes (its last departure) after every site it follows
 *    (sites[].after, phases).
 *
 * The sweep is O((movements + groups) log) per plan; it runs for every
 * candidate of the search, so that the search prefers plans that keep
 * the terms.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

typedef struct pev {
    dd_time t;
    int32_t site;
    int32_t group;
    int32_t delta;
} pev;

static int cmp_pev(const void *a, const void *b)
{
    const pev *x = a, *y = b;
    if (x->site != y->site)
        return x->site < y->site ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->delta > y->delta) - (x->delta < y->delta);
}

static void broken(dd_plan *p, const char *fmt, const char *a, long long x, long long y)
{
    if (p->terms_broken++ == 0)
        snprintf(p->broken_term, sizeof p->broken_term, fmt, a, x, y);
}

static void check_escorts(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        if (so->load < 0 || !p->loads->loads[so->load].sensitive)
            continue;
        int64_t aboard = 0;
        for (size_t k = 0; k < so->n_pax; k++)
            aboard += so->pax[k].count;
        if (aboard == 0)
            broken(p, "escorts: sensitive cargo flies from %s with nobody aboard (sortie %lld)%.0lld",
                   s->sites[so->site].id, (long long)i + 1, 0LL);
    }
}

static void check_commercial(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    /* movements on commercial seats, grouped by (site, day) */
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        if (mv->sortie >= 0)
            continue;
        int32_t site = s->people[mv->people].site;
        bool first = true;
        int64_t pax = 0;
        for (size_t q = 0; q < p->n_movements; q++) {
            const dd_movement *o = &p->movements[q];
            if (o->sortie >= 0 || o->day != mv->day || s->people[o->people].site != site)
                continue;
            if (q < m) {
                first = false;
                break;
            }
            pax += o->count;
        }
        if (s->people[mv->people].role == DD_ROLE_SECURITY && !s->agreement.security.commercial)
            broken(p, "security on commercial seats: %s, %lld security on an airliner%.0lld",
                   s->sites[site].id, (long long)mv->count, 0LL);
        if (!first)
            continue;
        int64_t seats = 0;
        for (size_t k = 0; k < s->n_commercial; k++) {
            const dd_commercial *c = &s->commercial[k];
            dd_time from = c->from == DD_TIME_NONE ? 0 : c->from;
            dd_time to = c->to == DD_TIME_NONE ? s->agreement.deadline : c->to;
            if (c->site == site && mv->departure >= from && mv->departure < to)
                seats += c->seats_per_day;
        }
        if (pax > seats)
            broken(p, "commercial seats: %s, %lld people on a day with %lld seats",
                   s->sites[site].id, (long long)pax, (long long)seats);
    }
}

static int32_t site_floor(const dd_scenario *s, int32_t site, double *ratio)
{
    const dd_site *x = &s->sites[site];
    *ratio = x->security_ratio >= 0 ? x->security_ratio : s->agreement.security.ratio;
    return x->security_floor >= 0 ? x->security_floor : s->agreement.security.floor;
}

static dd_status check_sites(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    size_t n = p->n_movements + s->n_people;
    pev *ev = malloc((n ? n : 1) * sizeof *ev);
    int64_t *sec = calloc(s->n_sites ? s->n_sites : 1, sizeof *sec);
    int64_t *oth = calloc(s->n_sites ? s->n_sites : 1, sizeof *oth);
    if (!ev || !sec || !oth) {
        free(ev);
        free(sec);
        free(oth);
        return DD_ENOMEM;
    }
    size_t k = 0;
    int64_t country = 0;
    for (size_t g = 0; g < s->n_people; g++) {
        const dd_people *gr = &s->people[g];
        if (gr->role == DD_ROLE_AUGMENTEE) {
            /* augmentees enter (an instant the terms are checked at),
             * those without an arrival time at the epoch */
            dd_time t = p->arrived[g];
            ev[k++] = (pev){t != DD_TIME_NONE && t > 0 ? t : 0, gr->site, (int32_t)g,
                            gr->count};
            continue;
        }
        if (gr->role == DD_ROLE_SECURITY)
            sec[gr->site] += gr->count;
        else
            oth[gr->site] += gr->count;
        country += gr->count;
    }
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        ev[k++] = (pev){mv->departure, s->people[mv->people].site, mv->people, -mv->count};
    }
    qsort(ev, k, sizeof *ev, cmp_pev);
    for (size_t e = 0; e < k;) {
        int32_t site = ev[e].site;
        dd_time t = ev[e].t;
        for (; e < k && ev[e].site == site && ev[e].t == t; e++) {
            if (s->people[ev[e].group].role == DD_ROLE_SECURITY)
                sec[site] += ev[e].delta;
            else
                oth[site] += ev[e].delta;
        }
        dd_time closure = p->sites[site].closure;
        if (closure == DD_TIME_NONE || t >= closure)
            continue;
        double ratio;
        int32_t fl = site_floor(s, site, &ratio);
        if (fl <= 0 && ratio <= 0)
            continue;
        int64_t need = (int64_t)ceil(ratio * (double)oth[site] - 1e-9);
        if (need < fl)
            need = fl;
        if (sec[site] < need)
            broken(p, "security: at %s, %lld security for the %lld the terms need",
                   s->sites[site].id, (long long)sec[site], (long long)need);
    }
    for (size_t si = 0; si < s->n_sites; si++)
        if (p->sites[si].closure != DD_TIME_NONE && sec[si] + oth[si] > 0)
            broken(p, "people left behind: %s's last departure leaves %lld people%.0lld",
                   s->sites[si].id, (long long)(sec[si] + oth[si]), 0LL);
    /* the ceiling, over the whole country, by time */
    int32_t ceiling = s->agreement.personnel.ceiling;
    if (ceiling >= 0) {
        for (size_t e = 0; e < k; e++)
            ev[e].site = 0;
        qsort(ev, k, sizeof *ev, cmp_pev);
        if (country > ceiling)
            broken(p, "ceiling: %s%lld people in the country, above the ceiling of %lld", "",
                   (long long)country, (long long)ceiling);
        for (size_t e = 0; e < k;) {
            dd_time t = ev[e].t;
            for (; e < k && ev[e].t == t; e++)
                country += ev[e].delta;
            if (country > ceiling) {
                broken(p, "ceiling: %s%lld people in the country, above the ceiling of %lld",
                       "", (long long)country, (long long)ceiling);
                break;
            }
        }
    }
    free(ev);
    free(sec);
    free(oth);
    return DD_OK;
}

/* The order of closure: a site's last departure after those of the sites
 * it follows (sites[].after, phases). */
static void check_order(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    for (size_t si = 0; si < s->n_sites; si++) {
        dd_time t = p->sites[si].closure;
        for (size_t k = 0; k < s->sites[si].n_after; k++) {
            int32_t b = s->sites[si].after[k];
            dd_time tb = p->sites[b].closure;
            if (tb == DD_TIME_NONE || (t != DD_TIME_NONE && t > tb))
                continue;
            char what[96];
            snprintf(what, sizeof what, "%s closes before %s, which it follows",
                     s->sites[si].id, s->sites[b].id);
            broken(p, "order of closure: %s%.0lld%.0lld", what, 0LL, 0LL);
        }
    }
}

dd_status dd__plan_people_terms(dd_plan *p)
{
    p->terms_broken = 0;
    p->broken_term[0] = '\0';
    check_order(p);
    check_escorts(p);
    check_commercial(p);
    return check_sites(p);
}
