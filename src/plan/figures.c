/* SPDX-License-Identifier: MIT */
/*
 * Figures of a finished plan: clearance requests, per-site closure and
 * daily figures, milestones, and the verdict (deadline met, completion,
 * margin).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "base/sort.h"
#include "plan/plan_int.h"

static const dd__key departure_order[] = {DD__KEY(dd_sortie, departure),
                                          DD__KEY(dd_sortie, site),
                                          DD__KEY(dd_sortie, aircraft), DD__KEY_END};

static int cmp_gev(const void *a, const void *b)
{
    const dd_time *x = a, *y = b;
    DD__CMP_BY(x[0], y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* People leaving a site (military and commercial), per event. */
typedef struct ev {
    dd_time t;
    dd_time out; /* when it leaves the country: a leg's onward departure */
    int32_t site;
    int32_t people; /* group; -1 for cargo */
    int32_t count;
    double kg;
} ev;

static const dd__key by_time[] = {DD__KEY(ev, t), DD__KEY_END};

/* When what a sortie carries leaves the country: a leg's at its onward
 * sortie's departure. */
static dd_time out_time(const dd_plan *p, const dd_sortie *so)
{
    return so->kind == DD_SORTIE_LEG ? p->sorties[so->link].departure : so->departure;
}

static double sortie_cargo_kg(const dd_plan *p, const dd_sortie *so)
{
    if (so->load < 0)
        return 0;
    const dd_load *l = &p->loads->loads[so->load];
    double kg = 0;
    for (size_t i = 0; i < l->n_items; i++) {
        const dd_load_item *it = &l->items[i];
        if (it->kind == DD_LI_PALLET) {
            const dd_pallet *pl = &p->loads->pallets[it->ref];
            for (size_t q = 0; q < pl->n_pieces; q++)
                kg += p->scenario->cargo[pl->pieces[q].cargo].weight_kg * pl->pieces[q].count;
        } else if (it->kind == DD_LI_BULKY) {
            kg += p->scenario->cargo[it->ref].weight_kg * it->count;
        }
    }
    return kg;
}

/* Sorties by departure time; movements refer to sortie indices, so they
 * are renumbered through the permutation. */
static dd_status by_departure(dd_plan *p)
{
    size_t n = p->n_sorties;
    size_t *perm = malloc((n ? n : 1) * sizeof *perm);
    dd_sortie *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!perm || !sorted) {
        free(perm);
        free(sorted);
        return DD_ENOMEM;
    }
    if (n)
        memcpy(sorted, p->sorties, n * sizeof *sorted);
    /* remember old index in clearance field temporarily */
    for (size_t i = 0; i < n; i++)
        sorted[i].clearance = (int32_t)i;
    if (!dd__sort(sorted, n, sizeof *sorted, departure_order)) {
        free(perm);
        free(sorted);
        return DD_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        perm[sorted[i].clearance] = i;
    if (n)
        memcpy(p->sorties, sorted, n * sizeof *sorted);
    free(sorted);
    for (size_t m = 0; m < p->n_movements; m++)
        if (p->movements[m].sortie >= 0)
            p->movements[m].sortie = (int32_t)perm[p->movements[m].sortie];
    for (size_t i = 0; i < n; i++) /* a leg and its onward sortie */
        if (p->sorties[i].kind != DD_SORTIE_OUT)
            p->sorties[i].link = (int32_t)perm[p->sorties[i].link];
    free(perm);

    return DD_OK;
}

/* Clearance requests: one per sortie, ranked per day per airfield and
 * in the country. */
static dd_status requests(dd_plan *p, const dd__terms *terms)
{
    const dd_scenario *s = p->scenario;
    size_t n = p->n_sorties;
    free(p->clearances);
    p->clearances = calloc(n ? n : 1, sizeof *p->clearances);
    if (!p->clearances)
        return DD_ENOMEM;
    p->n_clearances = n;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    int32_t prev_day = INT32_MIN, country_rank = 0;
    int32_t *site_rank = calloc(s->n_sites ? s->n_sites : 1, sizeof *site_rank);
    if (!site_rank)
        return DD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        dd_sortie *so = &p->sorties[i];
        dd_clearance_req *c = &p->clearances[i];
        int32_t day = dd_scenario_day(s, so->departure);
        if (day != prev_day) {
            prev_day = day;
            country_rank = 0;
            memset(site_rank, 0, s->n_sites * sizeof *site_rank);
        }
        so->clearance = (int32_t)i;
        c->sortie = (int32_t)i;
        c->site = so->site;
        c->file_by = so->departure - terms->lead_time;
        dd_time before = ct->validity > 120 ? 60 : ct->validity / 2;
        c->window_from = so->departure - before;
        c->window_to = c->window_from + (ct->validity > 0 ? ct->validity : 1);
        c->day = day;
        c->count_country = ++country_rank;
        c->count_site = ++site_rank[so->site];
    }
    free(site_rank);

    return DD_OK;
}

/* Milestones: the first event at which both shares are reached, and the
 * shares at the milestone's time. */
static void milestones(dd_plan *p, const ev *evs, size_t k, const double *site_kg,
                       const int64_t *site_people, double total_kg, int64_t total_people)
{
    const dd_scenario *s = p->scenario;
    for (size_t mi = 0; mi < s->agreement.n_milestones; mi++) {
        const dd_milestone *m = &s->agreement.milestones[mi];
        dd_milestone_result *r = &p->milestones[mi];
        double kg_all = m->site >= 0 ? site_kg[m->site] : total_kg;
        double ppl_all = (double)(m->site >= 0 ? site_people[m->site] : total_people);
        double kg = 0, ppl = 0;
        r->achieved = DD_TIME_NONE;
        r->personnel_out = r->cargo_out = 0;
        /* shares after each of the milestone's own events (all sites', or
         * its site's); achieved = the first such event that reaches both */
#define MS_OK()                                                                          \
    ((m->personnel_fraction < 0 || ppl_all <= 0 ||                                        \
      ppl / ppl_all >= m->personnel_fraction - 1e-9) &&                                   \
     (m->cargo_fraction < 0 || kg_all <= 0 || kg / kg_all >= m->cargo_fraction - 1e-9))
        if (MS_OK())
            r->achieved = 0;
        bool at_done = false;
        for (size_t i = 0; i < k; i++) {
            if (m->site >= 0 && evs[i].site != m->site)
                continue;
            if (!at_done && evs[i].t > m->at) {
                r->personnel_out = ppl_all > 0 ? ppl / ppl_all : 1;
                r->cargo_out = kg_all > 0 ? kg / kg_all : 1;
                at_done = true;
            }
            kg += evs[i].kg;
            ppl += evs[i].count;
            if (r->achieved == DD_TIME_NONE && MS_OK())
                r->achieved = evs[i].t;
        }
        if (!at_done) {
            r->personnel_out = ppl_all > 0 ? ppl / ppl_all : 1;
            r->cargo_out = kg_all > 0 ? kg / kg_all : 1;
        }
#undef MS_OK
        r->met = r->achieved != DD_TIME_NONE && r->achieved <= m->at;
    }
}

/* A site's days, from day 0 to its closure's day, by day deltas:
 * O(days + people + movements + sorties). */
static dd_status site_days(dd_plan *p, size_t si, const ev *evs, size_t k,
                           const double *site_kg)
{
    const dd_scenario *s = p->scenario;
    size_t n = p->n_sorties;
    dd_site_plan *sp = &p->sites[si];
    free(sp->days);
    sp->days = NULL;
    sp->n_days = 0;
    dd_time end = sp->closure == DD_TIME_NONE ? 0 : sp->closure;
    int32_t last_day = dd_scenario_day(s, end);
    if (last_day < 0)
        last_day = 0;
    size_t nd = (size_t)last_day + 1;
    sp->n_days = nd;
    sp->days = calloc(nd, sizeof *sp->days);
    int64_t *delta = calloc((nd + 1) * DD_ROLE_COUNT, sizeof *delta);
    double *kg_delta = calloc(nd + 1, sizeof *kg_delta);
    if (!sp->days || !delta || !kg_delta) {
        free(delta);
        free(kg_delta);
        return DD_ENOMEM;
    }
#define DAY_OF(t) (dd_scenario_day(s, (t)) < 0 ? 0 : (size_t)dd_scenario_day(s, (t)))
    for (size_t g = 0; g < s->n_people; g++) {
        if (s->people[g].site != (int32_t)si)
            continue;
        size_t d = p->arrived[g] == DD_TIME_NONE ? 0 : DAY_OF(p->arrived[g]);
        if (d <= nd)
            delta[d * DD_ROLE_COUNT + s->people[g].role] += s->people[g].count;
    }
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        if (s->people[mv->people].site != (int32_t)si)
            continue;
        size_t d = DAY_OF(mv->departure);
        if (d <= nd)
            delta[d * DD_ROLE_COUNT + s->people[mv->people].role] -= mv->count;
        if (mv->day >= 0 && (size_t)mv->day < nd)
            sp->days[mv->day].exits += mv->count;
    }
    for (size_t e = 0; e < k; e++)
        if (evs[e].site == (int32_t)si && evs[e].kg > 0) {
            size_t d = DAY_OF(evs[e].t);
            if (d <= nd)
                kg_delta[d] += evs[e].kg;
        }
    /* sorties of the site: clearances per day, and the MOG peak by a
     * sweep over ground intervals */
    size_t n_site = 0;
    for (size_t i = 0; i < n; i++)
        n_site += p->sorties[i].site == (int32_t)si;
    dd_time (*gev)[2] = malloc((2 * n_site + 1) * sizeof *gev);
    if (!gev) {
        free(delta);
        free(kg_delta);
        return DD_ENOMEM;
    }
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        const dd_sortie *a = &p->sorties[i];
        if (a->site != (int32_t)si)
            continue;
        int32_t d = dd_scenario_day(s, a->departure);
        if (d >= 0 && (size_t)d < nd)
            sp->days[d].clearances++;
        gev[ng][0] = a->arrival_at_site;
        gev[ng++][1] = 1;
        gev[ng][0] = a->departure;
        gev[ng++][1] = -1;
    }
    /* departures before arrivals at the same minute */
    qsort(gev, ng, sizeof *gev, cmp_gev);
    int32_t on_ground = 0;
    size_t cur_day = 0;
    for (size_t q = 0; q < ng; q++) {
        size_t d = DAY_OF(gev[q][0]);
        /* days passed with aircraft sitting on the ground */
        for (; cur_day < d && cur_day < nd; cur_day++)
            if (on_ground > sp->days[cur_day].mog_peak)
                sp->days[cur_day].mog_peak = on_ground;
        on_ground += (int32_t)gev[q][1];
        if (d < nd && on_ground > sp->days[d].mog_peak)
            sp->days[d].mog_peak = on_ground;
    }
    free(gev);
#undef DAY_OF
    int64_t role[DD_ROLE_COUNT] = {0};
    double kg_left = site_kg[si];
    int32_t fl = s->sites[si].security_floor >= 0 ? s->sites[si].security_floor
                                                   : s->agreement.security.floor;
    double ratio = s->sites[si].security_ratio >= 0 ? s->sites[si].security_ratio
                                                    : s->agreement.security.ratio;
    for (size_t d = 0; d < nd; d++) {
        dd_site_day *sd = &sp->days[d];
        sd->day = (int32_t)d;
        for (int r = 0; r < DD_ROLE_COUNT; r++) {
            role[r] += delta[d * DD_ROLE_COUNT + (size_t)r];
            sd->people[r] = (int32_t)role[r];
        }
        int64_t others = role[DD_ROLE_OPERATIONS] + role[DD_ROLE_SUPPORT] +
                         role[DD_ROLE_AUGMENTEE];
        int64_t need = (int64_t)ceil(ratio * (double)others - 1e-9);
        dd_time day_end = dd_scenario_day_start(s, (int32_t)d + 1);
        bool open = sp->closure != DD_TIME_NONE && day_end <= sp->closure;
        sd->security_required = open ? (int32_t)(need > fl ? need : fl) : 0;
        kg_left -= kg_delta[d];
        sd->cargo_remaining_kg = kg_left > 0.5 ? kg_left : 0;
    }
    free(delta);
    free(kg_delta);
    return DD_OK;
}

/* The verdict on the dates: everything out by the deadline, every
 * milestone and every closing date met; the margin. */
static void verdict(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    const dd_agreement *ag = &s->agreement;
    bool ok = p->all_out && p->completion != DD_TIME_NONE ? p->completion <= ag->deadline
                                                         : p->all_out;
    for (size_t mi = 0; mi < ag->n_milestones; mi++)
        ok = ok && p->milestones[mi].met;
    for (size_t si = 0; si < s->n_sites; si++)
        if (s->sites[si].close_by != DD_TIME_NONE && p->sites[si].closure != DD_TIME_NONE &&
            p->sites[si].closure > s->sites[si].close_by)
            ok = false;
    p->deadline_met = ok;
    dd_time c = p->completion == DD_TIME_NONE ? 0 : p->completion;
    p->margin_hours = (double)(ag->deadline - c) / 60.0;
}

dd_status dd__plan_figures(dd_plan *p, const dd__terms *terms)
{
    const dd_scenario *s = p->scenario;
    dd_status st = by_departure(p);
    if (st == DD_OK)
        st = requests(p, terms);
    if (st != DD_OK)
        return st;
    size_t n = p->n_sorties;
    /* departure events for people and cargo */
    size_t n_ev = p->n_movements + n;
    ev *evs = malloc((n_ev ? n_ev : 1) * sizeof *evs);
    if (!evs)
        return DD_ENOMEM;
    size_t k = 0;
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        dd_time out = mv->sortie >= 0 ? out_time(p, &p->sorties[mv->sortie]) : mv->departure;
        evs[k++] = (ev){mv->departure, out, s->people[mv->people].site, mv->people, mv->count, 0};
    }
    for (size_t i = 0; i < n; i++)
        evs[k++] = (ev){p->sorties[i].departure, out_time(p, &p->sorties[i]), p->sorties[i].site,
                        -1, 0, sortie_cargo_kg(p, &p->sorties[i])};
    bool sorted = dd__sort(evs, k, sizeof *evs, by_time);

    /* totals */
    double total_kg = 0;
    double *site_kg = calloc(s->n_sites ? s->n_sites : 1, sizeof *site_kg);
    int64_t *site_people = calloc(s->n_sites ? s->n_sites : 1, sizeof *site_people);
    if (!sorted || !site_kg || !site_people) {
        free(evs);
        free(site_kg);
        free(site_people);
        return DD_ENOMEM;
    }
    int64_t total_people = 0;
    for (size_t c = 0; c < s->n_cargo; c++)
        if (s->cargo[c].disposition == DD_DISP_SHIP) {
            double kg = s->cargo[c].weight_kg * s->cargo[c].quantity;
            total_kg += kg;
            site_kg[s->cargo[c].site] += kg;
        }
    for (size_t g = 0; g < s->n_people; g++) {
        total_people += s->people[g].count;
        site_people[s->people[g].site] += s->people[g].count;
    }
    /* everything out? */
    double flown_kg = 0;
    int64_t moved = 0;
    for (size_t i = 0; i < k; i++) {
        flown_kg += evs[i].kg;
        moved += evs[i].count;
    }
    p->all_out = moved == total_people && flown_kg + 0.5 >= total_kg;
    /* closure per site, completion */
    p->completion = DD_TIME_NONE;
    for (size_t si = 0; si < s->n_sites; si++)
        p->sites[si].closure = DD_TIME_NONE;
    for (size_t i = 0; i < k; i++) {
        int32_t si = evs[i].site;
        if (evs[i].count == 0 && evs[i].kg == 0 && evs[i].people >= 0)
            continue;
        if (p->sites[si].closure == DD_TIME_NONE || evs[i].t > p->sites[si].closure)
            p->sites[si].closure = evs[i].t;
        if (p->completion == DD_TIME_NONE || evs[i].t > p->completion)
            p->completion = evs[i].t;
    }
    /* milestones count what has left the country: legs at their onward
     * sortie's departure */
    ev *outs = malloc((k ? k : 1) * sizeof *outs);
    for (size_t i = 0; outs && i < k; i++) {
        outs[i] = evs[i];
        outs[i].t = evs[i].out;
    }
    if (!outs || !dd__sort(outs, k, sizeof *outs, by_time)) {
        free(outs);
        free(evs);
        free(site_kg);
        free(site_people);
        return DD_ENOMEM;
    }
    milestones(p, outs, k, site_kg, site_people, total_kg, total_people);
    free(outs);
    for (size_t si = 0; si < s->n_sites && st == DD_OK; si++)
        st = site_days(p, si, evs, k, site_kg);
    free(evs);
    free(site_kg);
    free(site_people);
    if (st != DD_OK)
        return st;
    verdict(p);
    return dd__plan_people_terms(p);
}
