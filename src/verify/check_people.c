/* SPDX-License-Identifier: MIT */
/*
 * People and release times. Each group in people[] repeats the scenario's
 * site, count and role; its movements agree with the passengers the
 * sorties and commercial flights carry, and add up to its count; its
 * arrivals agree with the ferry legs. Nothing leaves before it is free:
 * items after their ready time or releasing task's end (the plan's task
 * times), people after their release, and on a military sortie at least
 * the manifest lead time after it; augmentees leave only after they
 * arrive, arrive no earlier than their arrival time, and their entry is
 * requested the entry lead time ahead, within the plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

/* A (where, count) pair: where is a sortie index (>= 0), or a commercial
 * flight's day encoded below zero by comm_where (any int32 day, also one
 * before the epoch that a damaged plan file may give). */
typedef struct wc {
    int64_t where;
    int64_t count;
} wc;

static int64_t comm_where(int32_t day)
{
    return -1 - ((int64_t)day - INT32_MIN);
}

static int32_t comm_day(int64_t where)
{
    return (int32_t)(-1 - where + INT32_MIN);
}

static const dd__key by_where[] = {DD__KEY(wc, where), DD__KEY_END};

/* Sum equal keys of a sorted array in place; returns the new length. */
static size_t fold(wc *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && v[m - 1].where == v[i].where)
            v[m - 1].count += v[i].count;
        else
            v[m++] = v[i];
    }
    return m;
}

static void where_text(const vctx *c, int64_t where, char *buf, size_t size)
{
    if (where >= 0) {
        snprintf(buf, size, "sortie %lld", (long long)c->p->sorties[where].id);
    } else {
        char d[16];
        dd__vf_date(c, comm_day(where), d, sizeof d);
        snprintf(buf, size, "commercial flights on %s", d);
    }
}

/* Compare what the group's list says (a) with what the flights carry (b). */
static void compare(vctx *c, const dd_people *g, wc *a, size_t na, wc *b, size_t nb,
                    const char *listed, const char *verb)
{
    dd__vf_sort(c, a, na, sizeof *a, by_where);
    dd__vf_sort(c, b, nb, sizeof *b, by_where);
    na = fold(a, na);
    nb = fold(b, nb);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int64_t where;
        int64_t ca = 0, cb = 0;
        if (j >= nb || (i < na && a[i].where < b[j].where)) {
            where = a[i].where;
            ca = a[i++].count;
        } else if (i >= na || b[j].where < a[i].where) {
            where = b[j].where;
            cb = b[j++].count;
        } else {
            where = a[i].where;
            ca = a[i++].count;
            cb = b[j++].count;
        }
        if (ca == cb)
            continue;
        char w[64];
        where_text(c, where, w, sizeof w);
        dd__vf_add(c, DD_V_PEOPLE, T_NONE, where >= 0 ? c->p->sorties[where].id : 0, g->id,
                   g->site, where < 0 ? comm_day(where) : -1, 0, 0,
                   "group %s: its %s put %lld on %s, which %s %lld of them", g->id, listed,
                   (long long)ca, w, verb, (long long)cb);
    }
}

dd_time dd__vf_entry(const vctx *c, int32_t group)
{
    const dd_people *g = &c->s->people[group];
    if (g->role != DD_ROLE_AUGMENTEE || g->arrival == DD_TIME_NONE)
        return DD_TIME_NONE;
    int32_t k = c->group_entry[group];
    dd_time t = k >= 0 ? c->p->groups[k].arrival : DD_TIME_NONE;
    return t != DD_TIME_NONE && t > g->arrival ? t : g->arrival;
}

static void check_group_entry(vctx *c, const vgroup *v, size_t index)
{
    const dd_scenario *s = c->s;
    const dd_people *g = &s->people[v->group];
    char a[32], b[32];
    if (v->site != g->site)
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, g->id, g->site, -1, v->line, v->col,
                   "people[%zu] (%s): site %s stated, the scenario has %s", index, g->id,
                   s->sites[v->site].id, s->sites[g->site].id);
    if (v->count != g->count)
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, g->id, g->site, -1, v->line, v->col,
                   "people[%zu] (%s): count %lld stated, the scenario has %d", index, g->id,
                   (long long)v->count, g->count);
    if (v->role != (int32_t)g->role)
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, g->id, g->site, -1, v->line, v->col,
                   "people[%zu] (%s): role %s stated, the scenario has %s", index, g->id,
                   dd_role_name((dd_role)v->role), dd_role_name(g->role));
    dd_time rel = c->group_release[v->group];
    if (rel != DD_TIME_NONE && v->released != rel) {
        dd__vf_time(c, v->released, a, sizeof a);
        dd__vf_time(c, rel, b, sizeof b);
        dd__vf_add(c, DD_V_RELEASE, T_NONE, 0, g->id, g->site, -1, v->line, v->col,
                   "group %s: released %s stated, but it is free to leave at %s", g->id, a, b);
    }
    /* arrival and entry: augmentees with an arrival time only. The
     * scenario's arrival is the earliest they may enter; the plan states
     * when they do (then, or later: docs/format.md, personnel `arrival`) */
    dd_time earliest = g->role == DD_ROLE_AUGMENTEE ? g->arrival : DD_TIME_NONE;
    dd_time arr = v->arrival;
    if ((arr == DD_TIME_NONE) != (earliest == DD_TIME_NONE)) {
        dd__vf_stated_found(c, v->arrival, earliest, "none", a, b);
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, g->id, g->site, -1, v->line, v->col,
                   "group %s: arrival %s stated, the scenario has %s", g->id, a, b);
        return;
    }
    if (arr != DD_TIME_NONE && arr < earliest) {
        dd__vf_time(c, arr, a, sizeof a);
        dd__vf_time(c, earliest, b, sizeof b);
        dd__vf_add(c, DD_V_ENTRY, T_ENTRY, 0, g->id, g->site, -1, v->line, v->col,
                   "group %s: enters at %s, before its arrival time %s", g->id, a, b);
    }
    if (arr == DD_TIME_NONE) {
        if (v->entry_by != DD_TIME_NONE)
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, g->id, g->site, -1, v->line, v->col,
                       "group %s: entry_request_by must be null: it has no arrival time", g->id);
        return;
    }
    const dd_personnel_terms *pt = &s->agreement.personnel;
    if (v->entry_by == DD_TIME_NONE) {
        dd__vf_add(c, DD_V_ENTRY, T_ENTRY, 0, g->id, g->site, -1, v->line, v->col,
                   "group %s: no entry request time (entry_request_by is null)", g->id);
        return;
    }
    char u[32], w[32];
    dd__vf_time(c, v->entry_by, a, sizeof a);
    dd__vf_dur(arr - v->entry_by, u, sizeof u);
    dd__vf_worst(c, T_ENTRY, (double)(arr - v->entry_by), "shortest %s", u);
    if (arr - v->entry_by < pt->entry_lead) {
        dd__vf_dur(pt->entry_lead, w, sizeof w);
        dd__vf_add(c, DD_V_ENTRY, T_ENTRY, 0, g->id, g->site, -1, v->line, v->col,
                   "group %s: entry requested by %s, %s before arrival; the entry lead time is %s",
                   g->id, a, u, w);
    }
    if (v->entry_by < 0)
        dd__vf_add(c, DD_V_ENTRY, T_ENTRY, 0, g->id, g->site, -1, v->line, v->col,
                   "group %s: entry requested by %s, before the epoch", g->id, a);
}

void dd__vf_check_people(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    for (size_t i = 0; i < p->n_groups; i++)
        check_group_entry(c, &p->groups[i], i);
    for (size_t g = 0; g < s->n_people; g++)
        if (c->group_entry[g] < 0)
            dd__vf_add(c, DD_V_PEOPLE, T_NONE, 0, s->people[g].id, s->people[g].site, -1, 0, 0,
                       "group %s is missing from people[]", s->people[g].id);

    /* per group: what leaves, what the movements say, what flies in */
    size_t n = s->n_people;
    int64_t *left = calloc(n ? n : 1, sizeof *left);
    size_t *n_ex = calloc(n + 1, sizeof *n_ex), *n_fe = calloc(n + 1, sizeof *n_fe);
    wc *ex = malloc((c->n_exits ? c->n_exits : 1) * sizeof *ex);
    wc *fe = malloc((c->n_ferried ? c->n_ferried : 1) * sizeof *fe);
    size_t most = 1;
    for (size_t i = 0; i < p->n_groups; i++) {
        if (p->groups[i].n_moves > most)
            most = p->groups[i].n_moves;
        if (p->groups[i].n_arrivals > most)
            most = p->groups[i].n_arrivals;
    }
    wc *mv = malloc(most * sizeof *mv);
    if (!left || !n_ex || !n_fe || !ex || !fe || !mv) {
        c->oom = true;
        goto done;
    }
    /* bucket the exits and ferried entries by group (counting sort) */
    for (size_t i = 0; i < c->n_exits; i++)
        n_ex[c->exits[i].group + 1]++;
    for (size_t i = 0; i < c->n_ferried; i++)
        n_fe[c->ferried[i].group + 1]++;
    for (size_t g = 0; g < n; g++) {
        n_ex[g + 1] += n_ex[g];
        n_fe[g + 1] += n_fe[g];
    }
    {
        size_t *pos = calloc(n + 1, sizeof *pos);
        if (!pos) {
            c->oom = true;
            goto done;
        }
        memcpy(pos, n_ex, (n + 1) * sizeof *pos);
        for (size_t i = 0; i < c->n_exits; i++) {
            const vexit *e = &c->exits[i];
            int64_t where = e->sortie >= 0 ? e->sortie
                                           : comm_where(p->commercial[e->commercial].day);
            ex[pos[e->group]++] = (wc){where, e->count};
            left[e->group] += e->count;
        }
        memcpy(pos, n_fe, (n + 1) * sizeof *pos);
        for (size_t i = 0; i < c->n_ferried; i++)
            fe[pos[c->ferried[i].group]++] = (wc){c->ferried[i].sortie, c->ferried[i].count};
        free(pos);
    }
    for (size_t g = 0; g < n; g++) {
        const dd_people *gr = &s->people[g];
        if (left[g] < gr->count && ++c->n_groups_left)
            dd__vf_add(c, DD_V_PEOPLE, T_DEADLINE, 0, gr->id, gr->site, -1, 0, 0,
                       "group %s: %lld of %d people leave; the rest never leave %s", gr->id,
                       (long long)left[g], gr->count, s->sites[gr->site].id);
        else if (left[g] > gr->count)
            dd__vf_add(c, DD_V_PEOPLE, T_NONE, 0, gr->id, gr->site, -1, 0, 0,
                       "group %s: %lld people leave, the group has %d", gr->id,
                       (long long)left[g], gr->count);
        int32_t k = c->group_entry[g];
        if (k < 0)
            continue;
        const vgroup *v = &p->groups[k];
        /* movements: each names the flight's departure and day */
        int64_t flown_in = 0;
        for (size_t q = 0; q < v->n_moves; q++) {
            const vmove *m = &v->moves[q];
            mv[q] = (wc){m->sortie >= 0 ? m->sortie : comm_where(m->day), m->count};
            dd_time dep = DD_TIME_NONE;
            if (m->sortie >= 0) {
                dep = p->sorties[m->sortie].dep;
            } else {
                for (size_t j = 0; j < p->n_commercial; j++)
                    if (p->commercial[j].site == gr->site && p->commercial[j].day == m->day)
                        dep = p->commercial[j].dep;
            }
            if (dep != DD_TIME_NONE && (m->dep != dep || m->day != dd_scenario_day(s, dep))) {
                char a[32], b[32], d[16];
                dd__vf_time(c, m->dep, a, sizeof a);
                dd__vf_time(c, dep, b, sizeof b);
                dd__vf_date(c, m->day, d, sizeof d);
                dd__vf_add(c, DD_V_PEOPLE, T_NONE, m->sortie >= 0 ? p->sorties[m->sortie].id : 0,
                           gr->id, gr->site, m->day, m->line, m->col,
                           "group %s: a movement gives %s on %s, but its flight departs %s",
                           gr->id, a, d, b);
            }
        }
        compare(c, gr, mv, v->n_moves, ex + n_ex[g], n_ex[g + 1] - n_ex[g], "movements",
                "carries");
        for (size_t q = 0; q < v->n_arrivals; q++) {
            mv[q] = (wc){v->arrivals[q].sortie, v->arrivals[q].count};
            flown_in += v->arrivals[q].count;
        }
        compare(c, gr, mv, v->n_arrivals, fe + n_fe[g], n_fe[g + 1] - n_fe[g], "arrivals",
                "flies in");
        if (flown_in > gr->count)
            dd__vf_add(c, DD_V_PEOPLE, T_NONE, 0, gr->id, gr->site, -1, v->line, v->col,
                       "group %s: %lld flown in, the group has %d", gr->id, (long long)flown_in,
                       gr->count);
    }
done:
    free(left);
    free(n_ex);
    free(n_fe);
    free(ex);
    free(fe);
    free(mv);
}

/* ---- release times ---- */

static void cargo_release(vctx *c, const vsortie *x, const vq *pc)
{
    const dd_scenario *s = c->s;
    const dd_cargo *it = &s->cargo[pc->ref];
    dd_time ready = c->cargo_ready[pc->ref];
    if (ready == DD_TIME_NONE || x->dep >= ready)
        return;
    char a[32], b[32], why[96];
    dd__vf_time(c, x->dep, a, sizeof a);
    dd__vf_time(c, ready, b, sizeof b);
    if (it->released_by >= 0 && c->task_end[it->released_by] == ready)
        snprintf(why, sizeof why, "when task %s ends", s->tasks[it->released_by].id);
    else
        snprintf(why, sizeof why, "its ready time");
    dd__vf_add(c, DD_V_RELEASE, T_NONE, x->id, it->id, x->site, dd_scenario_day(s, x->dep),
               pc->line, pc->col, "sortie %lld: %s leaves %s, before it is ready at %s (%s)",
               (long long)x->id, it->id, a, b, why);
}

void dd__vf_check_releases(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        for (size_t k = 0; k < x->n_pallets; k++)
            for (size_t q = 0; q < x->pallets[k].n_pieces; q++)
                cargo_release(c, x, &x->pallets[k].pieces[q]);
        for (size_t k = 0; k < x->n_bulky; k++)
            cargo_release(c, x, &x->bulky[k]);
    }
    dd_time lead = s->agreement.personnel.manifest_lead;
    char a[32], b[32], u[32], w[32], subj[96];
    for (size_t i = 0; i < c->n_exits; i++) {
        const vexit *e = &c->exits[i];
        const dd_people *g = &s->people[e->group];
        int64_t sid = e->sortie >= 0 ? p->sorties[e->sortie].id : 0;
        int32_t day = dd_scenario_day(s, e->t);
        if (e->sortie >= 0) {
            snprintf(subj, sizeof subj, "sortie %lld", (long long)sid);
        } else {
            char d[16];
            dd__vf_date(c, p->commercial[e->commercial].day, d, sizeof d);
            snprintf(subj, sizeof subj, "commercial flight from %s on %s",
                     s->sites[e->site].id, d);
        }
        dd__vf_time(c, e->t, a, sizeof a);
        /* the security element leaves on military sorties, unless the
         * terms allow it commercial seats */
        if (e->sortie < 0 && g->role == DD_ROLE_SECURITY && !s->agreement.security.commercial)
            dd__vf_add(c, DD_V_SECURITY, T_SECURITY, 0, g->id, e->site, day, e->line, e->col,
                       "%s: %lld of security group %s leave on an airliner; the terms keep "
                       "security on military sorties (agreement.security.commercial is false)",
                       subj, (long long)e->count, g->id);
        /* augmentees leave only once in the country */
        dd_time entry = dd__vf_entry(c, e->group);
        if (g->role == DD_ROLE_AUGMENTEE && entry != DD_TIME_NONE && e->t < entry) {
            dd__vf_time(c, entry, b, sizeof b);
            dd__vf_add(c, DD_V_RELEASE, T_NONE, sid, g->id, e->site, day, e->line, e->col,
                       "%s: group %s leaves %s, before it arrives at %s", subj, g->id, a, b);
            continue;
        }
        dd_time rel = c->group_release[e->group];
        if (rel == DD_TIME_NONE)
            continue;
        dd__vf_time(c, rel, b, sizeof b);
        if (e->t < rel) {
            dd__vf_add(c, DD_V_RELEASE, T_NONE, sid, g->id, e->site, day, e->line, e->col,
                       "%s: group %s leaves %s, before its release at %s", subj, g->id, a, b);
            continue;
        }
        if (e->sortie < 0 || lead <= 0)
            continue;
        /* the manifest is filed the lead time before departure, once released */
        dd__vf_dur(e->t - rel, u, sizeof u);
        dd__vf_worst(c, T_MANIFEST, (double)(e->t - rel), "shortest %s", u);
        if (e->t - rel < lead) {
            dd__vf_dur(lead, w, sizeof w);
            dd__vf_add(c, DD_V_MANIFEST, T_MANIFEST, sid, g->id, e->site, day, e->line, e->col,
                       "%s: group %s is released %s, %s before departure; the manifest lead "
                       "time is %s",
                       subj, g->id, b, u, w);
        }
    }
    /* augmentees flown in no earlier than they may enter */
    for (size_t i = 0; i < c->n_ferried; i++) {
        const vferried *f = &c->ferried[i];
        const dd_people *g = &s->people[f->group];
        dd_time entry = dd__vf_entry(c, f->group);
        if (g->role != DD_ROLE_AUGMENTEE || entry == DD_TIME_NONE || f->t >= entry)
            continue;
        const vsortie *x = &p->sorties[f->sortie];
        dd__vf_time(c, f->t, a, sizeof a);
        dd__vf_time(c, entry, b, sizeof b);
        dd__vf_add(c, DD_V_ENTRY, T_ENTRY, x->id, g->id, x->site, dd_scenario_day(s, f->t),
                   f->line, f->col,
                   "sortie %lld flies in %lld of group %s at %s, before their arrival time %s",
                   (long long)x->id, (long long)f->count, g->id, a, b);
    }
}
