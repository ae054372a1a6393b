/* SPDX-License-Identifier: MIT */
/*
 * The plan's own reading of the people terms, after people have taken
 * their seats: the heuristics of people.c try to keep them, and this says
 * whether they did. A plan that breaks one is not "met", whatever its
 * dates: the verdict names the term (docs/plan.md, "terms the verdict
 * covers"). The rules are those of docs/verify.md, read the same way:
 *
 *  - a sensitive load flies with someone aboard (its escort), not an evacuee;
 *  - at each site, after every instant at which people leave or arrive
 *    and before its last departure, security present >= max(floor,
 *    ceil(ratio x everyone else present but evacuees)); nobody left after it;
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "base/sort.h"
#include "plan/plan_int.h"

typedef struct pev {
    dd_time t;
    int32_t site;
    int32_t group;
    int32_t delta;
} pev;

/* by site, time, then departures (negative deltas) before arrivals */
static const dd__key by_site_time[] = {DD__KEY(pev, site), DD__KEY(pev, t), DD__KEY(pev, delta),
                                       DD__KEY_END};

/* Count a broken term; the first one is kept for the verdict line. */
static void broken(dd_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void broken(dd_plan *p, const char *fmt, ...)
{
    if (p->terms_broken++ != 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->broken_term, sizeof p->broken_term, fmt, ap);
    va_end(ap);
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
            if (s->people[so->pax[k].people].role != DD_ROLE_EVACUEE)
                aboard += so->pax[k].count; /* evacuees escort nothing */
        if (aboard > 0)
            continue;
        /* the cause: nobody at the site who may escort (a conflict of
         * the scenario's terms, as check says), or the seating */
        bool anyone = false;
        for (size_t g = 0; g < s->n_people && !anyone; g++)
            anyone = s->people[g].site == so->site && s->people[g].role != DD_ROLE_EVACUEE &&
                     s->people[g].count > 0;
        broken(p, "escorts: sensitive cargo flies from %s with %s (sortie %zu)%s",
               s->sites[so->site].id,
               so->n_pax > 0 ? "evacuees alone aboard, who escort nothing" : "nobody aboard",
               i + 1, anyone ? "" : "; nobody at the site may escort it");
    }
}

int dd__cmp_com(const void *a, const void *b)
{
    const dd__com_key *x = a, *y = b;
    DD__CMP_BY(x->site, y->site);
    DD__CMP_BY(x->day, y->day);
    return (x->m > y->m) - (x->m < y->m);
}

/* Commercial passengers per site and day against the seats of the
 * services running at the departure; security only where the terms allow
 * airliners. One sort of the commercial movements by (site, day). */
static dd_status check_commercial(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    size_t n = 0;
    for (size_t m = 0; m < p->n_movements; m++)
        n += p->movements[m].sortie < 0;
    if (n == 0)
        return DD_OK;
    dd__com_key *k = malloc(n * sizeof *k);
    if (!k)
        return DD_ENOMEM;
    n = 0;
    for (size_t m = 0; m < p->n_movements; m++)
        if (p->movements[m].sortie < 0)
            k[n++] = (dd__com_key){s->people[p->movements[m].people].site, p->movements[m].day, m};
    qsort(k, n, sizeof *k, dd__cmp_com);
    for (size_t i = 0; i < n;) {
        const dd_movement *first = &p->movements[k[i].m];
        int32_t site = k[i].site;
        int64_t pax = 0;
        size_t j = i;
        for (; j < n && k[j].site == site && k[j].day == k[i].day; j++) {
            const dd_movement *mv = &p->movements[k[j].m];
            pax += mv->count;
            if (s->people[mv->people].role == DD_ROLE_SECURITY &&
                !s->agreement.security.commercial)
                broken(p, "security on commercial seats: %s, %d security on an airliner",
                       s->sites[site].id, mv->count);
        }
        int64_t seats = 0;
        for (size_t c = 0; c < s->n_commercial; c++) {
            const dd_commercial *cm = &s->commercial[c];
            dd_time from = cm->from == DD_TIME_NONE ? 0 : cm->from;
            dd_time to = cm->to == DD_TIME_NONE ? s->agreement.deadline : cm->to;
            if (cm->site == site && first->departure >= from && first->departure < to)
                seats += cm->seats_per_day;
        }
        if (pax > seats)
            broken(p, "commercial seats: %s, %lld people on a day with %lld seats",
                   s->sites[site].id, (long long)pax, (long long)seats);
        i = j;
    }
    free(k);
    return DD_OK;
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
    dd_arena mem;
    dd__arena_init(&mem, 0);
    pev *ev = dd__arena_array(&mem, n + 1, sizeof *ev);
    int64_t *sec = dd__arena_array(&mem, s->n_sites + 1, sizeof *sec);
    int64_t *oth = dd__arena_array(&mem, s->n_sites + 1, sizeof *oth);
    /* evacuees: present, but no security is required for them */
    int64_t *evac = dd__arena_array(&mem, s->n_sites + 1, sizeof *evac);
    if (!ev || !sec || !oth || !evac) {
        dd__arena_fini(&mem);
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
        else if (gr->role == DD_ROLE_EVACUEE)
            evac[gr->site] += gr->count;
        else
            oth[gr->site] += gr->count;
        country += gr->count;
    }
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        ev[k++] = (pev){mv->departure, s->people[mv->people].site, mv->people, -mv->count};
    }
    if (!dd__sort(ev, k, sizeof *ev, by_site_time)) {
        dd__arena_fini(&mem);
        return DD_ENOMEM;
    }
    for (size_t e = 0; e < k;) {
        int32_t site = ev[e].site;
        dd_time t = ev[e].t;
        for (; e < k && ev[e].site == site && ev[e].t == t; e++) {
            dd_role role = s->people[ev[e].group].role;
            if (role == DD_ROLE_SECURITY)
                sec[site] += ev[e].delta;
            else if (role == DD_ROLE_EVACUEE)
                evac[site] += ev[e].delta;
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
        if (p->sites[si].closure != DD_TIME_NONE && sec[si] + oth[si] + evac[si] > 0)
            broken(p, "people left behind: %s's last departure leaves %lld people",
                   s->sites[si].id, (long long)(sec[si] + oth[si] + evac[si]));
    /* the ceiling, over the whole country, by time */
    int32_t ceiling = s->agreement.personnel.ceiling;
    if (ceiling >= 0) {
        for (size_t e = 0; e < k; e++)
            ev[e].site = 0;
        if (!dd__sort(ev, k, sizeof *ev, by_site_time)) {
            dd__arena_fini(&mem);
            return DD_ENOMEM;
        }
        if (country > ceiling)
            broken(p, "ceiling: %lld people in the country, above the ceiling of %d",
                   (long long)country, ceiling);
        for (size_t e = 0; e < k;) {
            dd_time t = ev[e].t;
            for (; e < k && ev[e].t == t; e++)
                country += ev[e].delta;
            if (country > ceiling) {
                broken(p, "ceiling: %lld people in the country, above the ceiling of %d",
                       (long long)country, ceiling);
                break;
            }
        }
    }
    dd__arena_fini(&mem);
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
            broken(p, "order of closure: %s closes before %s, which it follows",
                   s->sites[si].id, s->sites[b].id);
        }
    }
}

dd_status dd__plan_people_terms(dd_plan *p)
{
    p->terms_broken = 0;
    p->broken_term[0] = '\0';
    check_order(p);
    check_escorts(p);
    dd_status st = check_commercial(p);
    return st == DD_OK ? check_sites(p) : st;
}
