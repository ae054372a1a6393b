/* SPDX-License-Identifier: MIT */
/* The plan file, format version 1 (docs/plan-format.md). */
#include <drawdown/plan.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "model/units.h"
#include "plan/plan_int.h"

static void jlocal(dd_jw *w, const dd_scenario *s, const char *key, dd_time t, int32_t tz)
{
    char buf[40];
    dd__jw_key(w, key);
    if (t == DD_TIME_NONE) {
        dd__jw_null(w);
        return;
    }
    dd_scenario_format_time(s, t, tz == 0 ? 0 : tz, buf, sizeof buf);
    dd__jw_str(w, buf);
}

static void jdate(dd_jw *w, const dd_scenario *s, const char *key, int32_t day)
{
    char buf[40];
    dd__jw_key(w, key);
    /* noon of the host-country day, printed in host time: the date part */
    dd_scenario_format_time(s, dd_scenario_day_start(s, day) + 720, s->agreement.tz_offset, buf,
                            sizeof buf);
    buf[10] = '\0';
    dd__jw_str(w, buf);
}

static double r1(double v)
{
    return round(v * 10) / 10;
}

static void pieces(dd_jw *w, const dd_scenario *s, const dd_pallet *pl)
{
    dd__jw_arr(w);
    for (size_t q = 0; q < pl->n_pieces; q++) {
        dd__jw_obj(w);
        dd__jw_kstr(w, "cargo", s->cargo[pl->pieces[q].cargo].id);
        dd__jw_kint(w, "count", pl->pieces[q].count);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

typedef struct jindex jindex;
struct jindex {
    dd_arena mem;          /* the arrays below */
    size_t *mv_off, *mv;   /* per group: its movements */
    size_t *fe_off, *fe;   /* per group: (sortie << 20 | k) of its arrivals */
    size_t *com;           /* commercial movements by (site, day), then index */
    size_t n_com;
    int32_t *pallet_id;    /* per pallet of the load plan: its id in the file (1..P in
                            * the order pallets fly; 0: it does not fly) */
};

static void load_obj(dd_jw *w, const dd_plan *p, const jindex *ix, const dd_sortie *so)
{
    const dd_scenario *s = p->scenario;
    dd__jw_obj(w);
    int32_t pax = 0;
    for (size_t i = 0; i < so->n_pax; i++)
        pax += so->pax[i].count;
    dd__jw_knum(w, "weight_kg", r1(so->weight_kg + pax * s->passenger_kg));
    dd__jw_knum(w, "acl_kg", so->acl_kg);
    dd__jw_key(w, "pallets");
    dd__jw_arr(w);
    const dd_load *l = so->load >= 0 ? &p->loads->loads[so->load] : NULL;
    for (size_t i = 0; l && i < l->n_items; i++) {
        if (l->items[i].kind != DD_LI_PALLET)
            continue;
        const dd_pallet *pl = &p->loads->pallets[l->items[i].ref];
        dd__jw_obj(w);
        dd__jw_kint(w, "id", ix->pallet_id[l->items[i].ref]);
        dd__jw_knum(w, "gross_kg", r1(pl->gross_kg));
        dd__jw_knum(w, "height_m", round(pl->height_m * 1000) / 1000);
        dd__jw_key(w, "pieces");
        pieces(w, s, pl);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
    dd__jw_key(w, "cargo");
    dd__jw_arr(w);
    for (size_t i = 0; l && i < l->n_items; i++) {
        if (l->items[i].kind != DD_LI_BULKY)
            continue;
        dd__jw_obj(w);
        dd__jw_kstr(w, "cargo", s->cargo[l->items[i].ref].id);
        dd__jw_kint(w, "count", l->items[i].count);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
    dd__jw_key(w, "passengers");
    dd__jw_arr(w);
    for (size_t i = 0; i < so->n_pax; i++) {
        dd__jw_obj(w);
        dd__jw_kstr(w, "people", s->people[so->pax[i].people].id);
        dd__jw_kint(w, "count", so->pax[i].count);
        dd__jw_kbool(w, "escort", so->pax[i].escort);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
    dd__jw_knum(w, "floor_m", round(so->floor_m * 1000) / 1000);
    dd__jw_kint(w, "seats_available", so->seats);
    dd__jw_obj_end(w);
}

/* Indexes that keep the writer linear on a theater-size plan: each
 * group's movements and ferry arrivals in plan order, and the commercial
 * movements grouped by site and day. */

static void jindex_free(jindex *x)
{
    dd__arena_fini(&x->mem);
}

/* counting sort by key into CSR form (in arena m; pos: nk + 1 scratch);
 * keys[i] in [0, nk) */
static bool csr(dd_arena *m, const int32_t *keys, size_t n, size_t nk, size_t *pos,
                size_t **off_out, size_t **v_out)
{
    size_t *off = dd__arena_array(m, nk + 1, sizeof *off), *v = dd__arena_array(m, n + 1, sizeof *v);
    if (!off || !v)
        return false;
    for (size_t i = 0; i < n; i++)
        off[keys[i] + 1]++;
    for (size_t k = 0; k < nk; k++)
        off[k + 1] += off[k];
    memcpy(pos, off, nk * sizeof *pos);
    for (size_t i = 0; i < n; i++)
        v[pos[keys[i]]++] = i;
    *off_out = off;
    *v_out = v;
    return true;
}

static int cmp_first(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

static bool jindex_build(const dd_plan *p, jindex *x)
{
    const dd_scenario *s = p->scenario;
    memset(x, 0, sizeof *x);
    size_t nm = p->n_movements, nf = 0;
    for (size_t i = 0; i < p->n_sorties; i++)
        nf += p->sorties[i].n_ferry_pax;
    dd_arena tmp; /* the building's scratch */
    dd__arena_init(&tmp, 0);
    dd__arena_init(&x->mem, 0);
    int32_t *keys = dd__arena_array(&tmp, (nm > nf ? nm : nf) + 1, sizeof *keys);
    size_t *fe_code = dd__arena_array(&tmp, nf + 1, sizeof *fe_code);
    dd__com_key *ck = dd__arena_array(&tmp, nm + 1, sizeof *ck);
    size_t *runs = dd__arena_array(&tmp, 2 * nm + 2, sizeof *runs);
    size_t *pos = dd__arena_array(&tmp, s->n_people + 1, sizeof *pos);
    x->com = dd__arena_array(&x->mem, nm + 1, sizeof *x->com);
    x->pallet_id = dd__arena_array(&x->mem, (p->loads ? p->loads->n_pallets : 0) + 1,
                                   sizeof *x->pallet_id);
    bool ok = keys && fe_code && ck && runs && pos && x->com && x->pallet_id;
    /* the pallets that fly are numbered 1..P in the load plan's order, so
     * that a plan leaving cargo behind still numbers its pallets from 1
     * (when every pallet flies, a pallet's id is its place in the plan) */
    for (size_t i = 0; ok && i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        const dd_load *l = so->load >= 0 ? &p->loads->loads[so->load] : NULL;
        for (size_t k = 0; l && k < l->n_items; k++)
            if (l->items[k].kind == DD_LI_PALLET)
                x->pallet_id[l->items[k].ref] = 1;
    }
    int32_t next_pallet = 0;
    for (size_t k = 0; ok && p->loads && k < p->loads->n_pallets; k++)
        if (x->pallet_id[k])
            x->pallet_id[k] = ++next_pallet;
    if (ok) {
        for (size_t m = 0; m < nm; m++)
            keys[m] = p->movements[m].people;
        ok = csr(&x->mem, keys, nm, s->n_people, pos, &x->mv_off, &x->mv);
    }
    if (ok) {
        size_t k = 0;
        for (size_t i = 0; i < p->n_sorties; i++)
            for (size_t q = 0; q < p->sorties[i].n_ferry_pax; q++) {
                keys[k] = p->sorties[i].ferry_pax[q].people;
                fe_code[k++] = i << 20 | q;
            }
        ok = csr(&x->mem, keys, nf, s->n_people, pos, &x->fe_off, &x->fe);
        for (size_t j = 0; ok && j < nf; j++)
            x->fe[j] = fe_code[x->fe[j]];
    }
    if (ok) {
        /* commercial: runs of the same (site, day), emitted in the order of
         * each run's first movement, members in movement order */
        size_t n = 0;
        for (size_t m = 0; m < nm; m++)
            if (p->movements[m].sortie < 0)
                ck[n++] = (dd__com_key){s->people[p->movements[m].people].site,
                                    p->movements[m].day, m};
        qsort(ck, n, sizeof *ck, dd__cmp_com);
        size_t nr = 0;
        for (size_t i = 0; i < n; i++)
            if (i == 0 || ck[i].site != ck[i - 1].site || ck[i].day != ck[i - 1].day) {
                runs[2 * nr] = ck[i].m;
                runs[2 * nr + 1] = i;
                nr++;
            }
        qsort(runs, nr, 2 * sizeof *runs, cmp_first);
        size_t k = 0;
        for (size_t r = 0; r < nr; r++) {
            size_t i = runs[2 * r + 1];
            do
                x->com[k++] = ck[i++].m;
            while (i < n && ck[i].site == ck[i - 1].site && ck[i].day == ck[i - 1].day);
        }
        x->n_com = k;
    }
    dd__arena_fini(&tmp);
    if (!ok)
        jindex_free(x);
    return ok;
}

/* One en-route fuel stop of a sortie: {id, arrival, departure}. */
static void j_stop(dd_jw *w, const dd_scenario *s, int32_t stop, dd_time arr, dd_time dep)
{
    dd__jw_obj(w);
    dd__jw_kstr(w, "id", s->stops[stop - 1].id);
    dd__jw_time(w, s, "arrival", arr);
    dd__jw_time(w, s, "departure", dep);
    dd__jw_obj_end(w);
}

/* A sortie's times at its site and its clearance. */
static void j_sortie_times(dd_jw *w, const dd_scenario *s, const dd_sortie *so)
{
    dd__jw_time(w, s, "arrival_at_site", so->arrival_at_site);
    dd__jw_time(w, s, "departure", so->departure);
    if (so->departed) /* history: only re-plans have it */
        dd__jw_kbool(w, "departed", true);
    dd__jw_time(w, s, "arrival", so->arrival);
    if (so->stop > 0) { /* en-route fuel stops, in the order flown */
        dd__jw_key(w, "stops");
        dd__jw_arr(w);
        j_stop(w, s, so->stop, so->stop_arrival, so->stop_departure);
        if (so->stop2 > 0)
            j_stop(w, s, so->stop2, so->stop2_arrival, so->stop2_departure);
        dd__jw_arr_end(w);
    }
    jlocal(w, s, "departure_local", so->departure, s->sites[so->site].tz_offset);
    dd__jw_kint(w, "clearance", so->clearance + 1);
}

static void j_sorties(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    dd__jw_key(w, "sorties");
    dd__jw_arr(w);
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        dd__jw_obj(w);
        dd__jw_kint(w, "id", (int64_t)i + 1);
        dd__jw_kstr(w, "aircraft", s->aircraft[so->aircraft].id);
        dd__jw_kint(w, "tail", so->tail + 1);
        dd__jw_kstr(w, "site", s->sites[so->site].id);
        if (so->kind == DD_SORTIE_LEG)
            dd__jw_kstr(w, "to_site", s->sites[so->to_site].id);
        else
            dd__jw_kstr(w, "destination", s->hubs[so->hub].id);
        if (so->kind == DD_SORTIE_ONWARD) {
            /* it carries its leg's load on, from where the leg landed */
            dd__jw_kint(w, "leg", (int64_t)so->link + 1);
            j_sortie_times(w, s, so);
            dd__jw_obj_end(w);
            continue;
        }
        dd__jw_key(w, "ferry");
        dd__jw_obj(w);
        dd__jw_kstr(w, "from", s->hubs[so->ferry_from].id);
        dd__jw_time(w, s, "departure", so->ferry_departure);
        dd__jw_time(w, s, "arrival", so->arrival_at_site);
        dd__jw_key(w, "passengers");
        dd__jw_arr(w);
        for (size_t k = 0; k < so->n_ferry_pax; k++) {
            dd__jw_obj(w);
            dd__jw_kstr(w, "people", s->people[so->ferry_pax[k].people].id);
            dd__jw_kint(w, "count", so->ferry_pax[k].count);
            dd__jw_obj_end(w);
        }
        dd__jw_arr_end(w);
        dd__jw_obj_end(w);
        j_sortie_times(w, s, so);
        dd__jw_key(w, "load");
        load_obj(w, p, ix, so);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);

}

static void j_commercial(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    dd__jw_key(w, "commercial");
    dd__jw_arr(w);
    /* one entry per site and day, people merged, in the order of each
     * entry's first movement */
    for (size_t i = 0; i < ix->n_com;) {
        const dd_movement *mv = &p->movements[ix->com[i]];
        int32_t site = s->people[mv->people].site;
        dd__jw_obj(w);
        dd__jw_kstr(w, "site", s->sites[site].id);
        jdate(w, s, "date", mv->day);
        dd__jw_time(w, s, "departure", mv->departure);
        dd__jw_key(w, "passengers");
        dd__jw_arr(w);
        do {
            const dd_movement *x = &p->movements[ix->com[i++]];
            dd__jw_obj(w);
            dd__jw_kstr(w, "people", s->people[x->people].id);
            dd__jw_kint(w, "count", x->count);
            dd__jw_obj_end(w);
        } while (i < ix->n_com && p->movements[ix->com[i]].day == mv->day &&
                 s->people[p->movements[ix->com[i]].people].site == site);
        dd__jw_arr_end(w);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);

}

static void j_clearances(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    (void)ix;
    dd__jw_key(w, "clearances");
    dd__jw_arr(w);
    for (size_t i = 0; i < p->n_clearances; i++) {
        const dd_clearance_req *c = &p->clearances[i];
        dd__jw_obj(w);
        dd__jw_kint(w, "id", (int64_t)i + 1);
        dd__jw_kint(w, "sortie", c->sortie + 1);
        dd__jw_kstr(w, "site", s->sites[c->site].id);
        dd__jw_kstr(w, "airfield", s->sites[c->site].icao);
        dd__jw_time(w, s, "file_by", c->file_by);
        dd__jw_time(w, s, "window_from", c->window_from);
        dd__jw_time(w, s, "window_to", c->window_to);
        jdate(w, s, "date", c->day);
        dd__jw_kint(w, "count_site", c->count_site);
        dd__jw_kint(w, "count_country", c->count_country);
        dd_clearance_info ci;
        dd_plan_clearance_info(p, i, &ci);
        char route[64];
        dd__clearance_route(&ci, route, sizeof route);
        dd__jw_kstr(w, "call_sign", ci.call_sign);
        dd__jw_kstr(w, "route", route);
        dd__jw_kint(w, "passengers", ci.passengers);
        dd__jw_key(w, "hazards");
        dd__jw_arr(w);
        for (size_t k = 0; k < s->hazard.n_classes && k < 32; k++)
            if (ci.hazards >> k & 1)
                dd__jw_str(w, s->hazard.classes[k]);
        dd__jw_arr_end(w);
        dd__jw_kbool(w, "weapons", ci.weapons);
        if (s->agreement.clearance.n_overflight > 0) { /* issue 18: written when listed */
            dd__jw_key(w, "overflight");
            dd__jw_arr(w);
            for (size_t k = 0; k < ci.n_overflight; k++) {
                dd__jw_obj(w);
                dd__jw_kstr(w, "country",
                            s->agreement.clearance.overflight[ci.overflight[k]].country);
                dd__jw_time(w, s, "file_by", ci.overflight_file_by[k]);
                dd__jw_obj_end(w);
            }
            dd__jw_arr_end(w);
        }
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);

}

static void j_tasks(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    (void)ix;
    dd__jw_key(w, "tasks");
    dd__jw_arr(w);
    for (size_t k = 0; k < s->n_tasks; k++) {
        const dd_task *t = &s->tasks[k];
        dd__jw_obj(w);
        dd__jw_kstr(w, "id", t->id);
        dd__jw_kstr(w, "site", s->sites[t->site].id);
        dd__jw_time(w, s, "start", p->tasks[k].start);
        dd__jw_time(w, s, "end", p->tasks[k].end);
        dd__jw_key(w, "resources");
        dd__jw_arr(w);
        for (size_t d = 0; d < t->n_demand; d++) {
            dd__jw_obj(w);
            dd__jw_kstr(w, "resource", s->sites[t->site].resources[t->demand[d].resource].id);
            dd__jw_kint(w, "amount", t->demand[d].amount);
            dd__jw_obj_end(w);
        }
        dd__jw_arr_end(w);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);

}

static void j_people(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    dd__jw_key(w, "people");
    dd__jw_arr(w);
    for (size_t g = 0; g < s->n_people; g++) {
        const dd_people *pg = &s->people[g];
        dd__jw_obj(w);
        dd__jw_kstr(w, "people", pg->id);
        dd__jw_kstr(w, "site", s->sites[pg->site].id);
        dd__jw_kint(w, "count", pg->count);
        dd__jw_kstr(w, "role", dd_role_name(pg->role));
        dd__jw_time(w, s, "released", p->released[g]);
        dd__jw_time(w, s, "arrival", p->arrived[g]);
        dd__jw_time(w, s, "entry_request_by",
              p->arrived[g] == DD_TIME_NONE ? DD_TIME_NONE
                                            : p->arrived[g] - s->agreement.personnel.entry_lead);
        dd__jw_key(w, "movements");
        dd__jw_arr(w);
        for (size_t j = ix->mv_off[g]; j < ix->mv_off[g + 1]; j++) {
            const dd_movement *mv = &p->movements[ix->mv[j]];
            dd__jw_obj(w);
            dd__jw_kint(w, "count", mv->count);
            dd__jw_key(w, "sortie");
            if (mv->sortie >= 0)
                dd__jw_int(w, mv->sortie + 1);
            else
                dd__jw_null(w);
            jdate(w, s, "date", mv->day);
            dd__jw_time(w, s, "departure", mv->departure);
            dd__jw_obj_end(w);
        }
        dd__jw_arr_end(w);
        dd__jw_key(w, "arrivals");
        dd__jw_arr(w);
        for (size_t j = ix->fe_off[g]; j < ix->fe_off[g + 1]; j++) {
            size_t i = ix->fe[j] >> 20, k = ix->fe[j] & ((1u << 20) - 1);
            dd__jw_obj(w);
            dd__jw_kint(w, "count", p->sorties[i].ferry_pax[k].count);
            dd__jw_kint(w, "sortie", (int64_t)i + 1);
            dd__jw_obj_end(w);
        }
        dd__jw_arr_end(w);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);

}

static void j_sites(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    (void)ix;
    /* evacuees are listed only in a scenario that has some (a plan
     * without them reads as before) */
    int n_roles = dd_scenario_role_people(s, DD_ROLE_EVACUEE) > 0 ? DD_ROLE_COUNT
                                                                  : DD_ROLE_EVACUEE;
    dd__jw_key(w, "sites");
    dd__jw_arr(w);
    for (size_t si = 0; si < s->n_sites; si++) {
        const dd_site_plan *sp = &p->sites[si];
        dd__jw_obj(w);
        dd__jw_kstr(w, "site", s->sites[si].id);
        dd__jw_time(w, s, "closure", sp->closure);
        jlocal(w, s, "closure_local", sp->closure, s->sites[si].tz_offset);
        dd__jw_time(w, s, "close_by", s->sites[si].close_by);
        dd__jw_key(w, "days");
        dd__jw_arr(w);
        for (size_t d = 0; d < sp->n_days; d++) {
            const dd_site_day *sd = &sp->days[d];
            dd__jw_obj(w);
            jdate(w, s, "date", sd->day);
            dd__jw_key(w, "people");
            dd__jw_obj(w);
            for (int r = 0; r < n_roles; r++) {
                dd__jw_kint(w, dd_role_name((dd_role)r), sd->people[r]);
            }
            dd__jw_obj_end(w);
            dd__jw_kint(w, "security_required", sd->security_required);
            dd__jw_knum(w, "cargo_remaining_kg", r1(sd->cargo_remaining_kg));
            dd__jw_kint(w, "mog_peak", sd->mog_peak);
            dd__jw_kint(w, "clearances", sd->clearances);
            dd__jw_kint(w, "exits", sd->exits);
            dd__jw_obj_end(w);
        }
        dd__jw_arr_end(w);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);

}

static void j_milestones(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    (void)ix;
    dd__jw_key(w, "milestones");
    dd__jw_arr(w);
    for (size_t m = 0; m < s->agreement.n_milestones; m++) {
        const dd_milestone *ms = &s->agreement.milestones[m];
        const dd_milestone_result *r = &p->milestones[m];
        dd__jw_obj(w);
        dd__jw_kstr(w, "id", ms->id);
        dd__jw_time(w, s, "at", ms->at);
        dd__jw_time(w, s, "achieved", r->achieved);
        dd__jw_key(w, "margin_hours");
        if (r->achieved != DD_TIME_NONE)
            dd__jw_num(w, r1((double)(ms->at - r->achieved) / 60.0));
        else
            dd__jw_null(w);
        dd__jw_kbool(w, "met", r->met);
        dd__jw_knum(w, "personnel_out", round(r->personnel_out * 1000) / 1000);
        dd__jw_knum(w, "cargo_out", round(r->cargo_out * 1000) / 1000);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);

}

static void j_bounds(dd_jw *w, const dd_plan *p, const jindex *ix)
{
    const dd_scenario *s = p->scenario;
    (void)ix;
    dd__jw_key(w, "bounds");
    dd__jw_obj(w);
    dd__jw_key(w, "completion");
    dd__jw_obj(w);
    dd__jw_time(w, s, "lower_bound", p->completion_lb);
    dd__jw_kstr(w, "binding", dd_binding_name(p->completion_lb_binding));
    dd__jw_key(w, "gap_hours");
    dd__jw_num(w, p->completion == DD_TIME_NONE ? 0
                                                 : r1((double)(p->completion - p->completion_lb) / 60.0));
    dd__jw_obj_end(w);
    dd__jw_key(w, "sorties");
    dd__jw_obj(w);
    dd__jw_kint(w, "lower_bound", (int64_t)p->sorties_lb);
    dd__jw_kint(w, "found", (int64_t)p->n_sorties);
    dd__jw_kint(w, "gap", (int64_t)p->n_sorties - (int64_t)p->sorties_lb);
    dd__jw_obj_end(w);
    dd__jw_obj_end(w);

    dd__jw_key(w, "relaxations");
    dd__jw_arr(w);
    for (size_t i = 0; i < p->n_relaxations; i++) {
        const dd_relaxation *r = &p->relaxations[i];
        dd__jw_obj(w);
        dd__jw_kstr(w, "change", r->change);
        if (r->site >= 0) {
            dd__jw_kstr(w, "site", s->sites[r->site].id);
        }
        if (r->aircraft >= 0) {
            dd__jw_kstr(w, "aircraft", s->aircraft[r->aircraft].id);
        }
        dd__jw_kint(w, "value", r->value);
        dd__jw_kint(w, "was", r->was);
        dd__jw_kstr(w, "text", r->text);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

/* The plan file, or with check its summary alone (no sorties, requests,
 * tasks or people) and the verifier's finding on it. */
static dd_status write_doc(const dd_plan *p, const char *scenario_path,
                           const dd_plan_check *check, FILE *f)
{
    const dd_scenario *s = p->scenario;
    jindex ix;
    if (!jindex_build(p, &ix))
        return DD_ENOMEM;
    dd_jw w;
    dd__jw_init(&w, f, true);
    dd__jw_obj(&w);
    dd__jw_kstr(&w, "format", check ? "drawdown-plan-summary" : "drawdown-plan");
    dd__jw_kint(&w, "version", 1);
    dd__jw_kstr(&w, "scenario", scenario_path ? scenario_path : s->path);
    dd__jw_kstr(&w, "name", s->name);
    dd__jw_kint(&w, "seed", (int64_t)p->seed);
    dd__jw_time(&w, s, "epoch", 0);
    dd__jw_time(&w, s, "deadline", s->agreement.deadline);
    /* a re-plan with history: when what its departed sorties record ends */
    for (size_t i = 0; i < p->n_sorties; i++)
        if (p->sorties[i].departed) {
            dd__jw_time(&w, s, "as_of", p->as_of);
            break;
        }

    dd__jw_key(&w, "summary");
    dd__jw_obj(&w);
    dd__jw_kbool(&w, "deadline_met", p->deadline_met);
    dd__jw_time(&w, s, "completion", p->completion);
    dd__jw_knum(&w, "margin_hours", r1(p->margin_hours));
    dd__jw_kstr(&w, "binding", dd_binding_name(p->binding));
    dd__jw_kstr(&w, "binding_detail", p->binding_detail);
    dd__jw_kbool(&w, "fleet_mix", p->fleet_mix);
    dd__jw_kstr(&w, "objective", p->objective == DD_OBJ_COMPLETION ? "completion" : "margin");
    dd__jw_kint(&w, "sorties", (int64_t)p->n_sorties);
    dd__jw_key(&w, "sorties_by_type");
    dd__jw_obj(&w);
    for (size_t a = 0; a < s->n_aircraft; a++) {
        int64_t n = 0;
        for (size_t i = 0; i < p->n_sorties; i++)
            n += p->sorties[i].aircraft == (int32_t)a;
        dd__jw_kint(&w, s->aircraft[a].id, n);
    }
    dd__jw_obj_end(&w);
    dd__jw_kint(&w, "ferry_legs", (int64_t)p->n_sorties);
    dd__jw_kint(&w, "commercial_seats_used", p->commercial_seats_used);
    dd__jw_obj_end(&w);

    if (check) {
        dd__jw_key(&w, "verification");
        dd__jw_obj(&w);
        dd__jw_kbool(&w, "checked", check->checked);
        dd__jw_kint(&w, "violations", (int64_t)check->violations);
        dd__jw_kbool(&w, "agrees", check->checked && !check->disagrees);
        dd__jw_obj_end(&w);
    } else {
        j_sorties(&w, p, &ix);
        j_commercial(&w, p, &ix);
        j_clearances(&w, p, &ix);
        j_tasks(&w, p, &ix);
        j_people(&w, p, &ix);
    }
    j_sites(&w, p, &ix);
    j_milestones(&w, p, &ix);
    j_bounds(&w, p, &ix);
    dd__jw_obj_end(&w);
    jindex_free(&ix);
    return dd__jw_end(&w);
}

dd_status dd_plan_write_json(const dd_plan *p, const char *scenario_path, FILE *f)
{
    return write_doc(p, scenario_path, NULL, f);
}

dd_status dd_plan_write_summary_json(const dd_plan *p, const char *scenario_path,
                                     const dd_plan_check *check, FILE *f)
{
    dd_plan_check none = {false, false, 0};
    return write_doc(p, scenario_path, check ? check : &none, f);
}
