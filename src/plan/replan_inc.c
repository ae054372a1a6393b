/* SPDX-License-Identifier: MIT */
/*
 * Incremental re-planning (replan.h dd_replanner_run_incremental,
 * docs/sim.md). A full re-plan places every sortie still on the ground
 * again, which on a theater of 58,000 sorties and a re-plan a day is
 * nearly all of a replication's cost, while a day's disruptions move a
 * few dozen of them. Here the last placement (the base plan before the
 * first run) is kept, and the sorties whose placement no longer fits are
 * placed again by the full re-plan's own steps (replan.c: matching,
 * serial placement through place.c) among the kept ones.
 *
 * What moves: a sortie whose last placement no longer fits the state
 * (overdue: its departure past and it still on the ground; outside the
 * clearance window it holds; its load not ready; its airfield closed).
 * Nothing else is placed again, not even the sorties of the same day or
 * airfield: every one placed again without need re-files requests and
 * moves the plan (docs/sim.md). Every kept sortie is booked in the
 * placement's state as placed (dd__state_hold: its day under the daily
 * and weekly caps, its ground time on the ramp, its crews' duty and rest,
 * its tail's flying hours, its hub), so the placement sees the plan
 * around it.
 *
 * Tails: each tail's kept sorties form a chain, given first to a tail
 * that reaches its first sortie in time from where the tail is now
 * (assign_tails: latest reach first, as place.c picks tails; a chain that
 * finds none has its first sortie placed again). Each tail then has a
 * timeline of sorties, and a sortie placed again goes into a gap of one:
 * place.c's placement sees each tail, at each departure it tries, as the
 * gap of its timeline that departure falls in allows (tail_view: free
 * from the end of the sortie before the gap, and only when it is back,
 * turned round and ferried, in time for the sortie after it), so one
 * placement finds the earliest departure in any tail's gap. A type whose crews, tail hours or
 * overflights are limited keeps every sortie's tail and ferry as booked
 * (its chains stay on their tails, a gap is taken only where the sortie
 * after it ferries from the hub it was booked from). An overdue sortie's
 * ready load takes the earliest kept slot of its airfield and type whose
 * load is not ready yet (swap_overdue). The placement state is kept from
 * one run to the next: a run books what left since the last as flown and
 * takes out the bookings of what it places again (dd__state_unhold),
 * rather than booking every kept sortie again. The run is a full
 * one with nothing kept, with much to move, other caps than the last
 * run's, for tracking, or when a placement in the gaps is not what its
 * probe found.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/cmp.h"
#include "plan/replan_int.h"

/* Chains whose first sortie is placed again (no tail reaches it) before
 * the run places everything again (many moved: as fast in full, and a
 * full run repacks the plan). */
#define MAX_DROPS DD__REPLAN_STUCK_MAX

static int32_t ferry_min(const dd__state *st, int32_t a, int32_t site, int32_t hub)
{
    size_t ns = st->s->n_sites ? st->s->n_sites : 1, nh = st->s->n_hubs ? st->s->n_hubs : 1;
    return st->ferry_min[((size_t)a * ns + (size_t)site) * nh + (size_t)hub];
}

dd_status dd__replan_init_inc(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    size_t nt = 0;
    r->tail_off[0] = 0;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        nt += (size_t)r->st.n_tails[a];
        r->tail_off[a + 1] = nt;
    }
    size_t n1 = r->n ? r->n : 1, nt1 = nt ? nt : 1;
    r->chain = malloc(nt1 * sizeof *r->chain);
    r->tmap = malloc(nt1 * sizeof *r->tmap);
    r->n_pool_hubs = s->n_hubs ? s->n_hubs : 1;
    r->pool = malloc(nt1 * sizeof *r->pool);
    r->pool_off = malloc(r->n_pool_hubs * sizeof *r->pool_off);
    r->pool_n = malloc(r->n_pool_hubs * sizeof *r->pool_n);
    r->order = malloc(nt1 * sizeof *r->order);
    r->ground = malloc(n1 * sizeof *r->ground);
    r->tail_save = malloc(nt1 * sizeof *r->tail_save);
    r->ktail_off = malloc((nt + 1) * sizeof *r->ktail_off);
    r->ktail = malloc(n1 * sizeof *r->ktail);
    r->kfirst = malloc(nt1 * sizeof *r->kfirst);
    r->strict = malloc(s->n_aircraft + 1);
    r->scratch = malloc(n1 * sizeof *r->scratch);
    r->klink = malloc(n1 * sizeof *r->klink);
    r->line = calloc(nt1, sizeof *r->line);
    r->line_n = calloc(nt1, sizeof *r->line_n);
    r->line_cap = calloc(nt1, sizeof *r->line_cap);
    r->slack = calloc(nt1, sizeof *r->slack);
    r->slack_n = calloc(nt1, sizeof *r->slack_n);
    r->slack_cap = calloc(nt1, sizeof *r->slack_cap);
    if (!r->slack || !r->slack_n || !r->slack_cap)
        return DD_ENOMEM;
    r->gap = calloc(nt1, sizeof *r->gap);
    r->gapc = malloc(nt1 * sizeof *r->gapc);
    r->bk = malloc(n1 * sizeof *r->bk);
    r->bk_kind = calloc(n1, 1);
    r->bk_left = malloc(n1 * sizeof *r->bk_left);
    r->retailed = calloc(n1, 1);
    r->st_f = malloc(n1 * sizeof *r->st_f);
    if (!r->st_f)
        return DD_ENOMEM;
    if (!r->bk_left || !r->retailed)
        return DD_ENOMEM;
    size_t ng = s->n_sites * s->n_aircraft + 1;
    r->src = malloc(n1 * sizeof *r->src);
    r->grp_cnt = malloc(ng * sizeof *r->grp_cnt);
    r->grp_off = malloc(ng * sizeof *r->grp_off);
    r->grp_n = malloc(ng * sizeof *r->grp_n);
    r->cand = malloc(n1 * sizeof *r->cand);
    r->over = malloc(n1 * sizeof *r->over);
    r->fit = malloc(nt1 * sizeof *r->fit);
    r->look = malloc(nt1 * sizeof *r->look);
    r->ret_min = malloc((s->n_sites + 1) * sizeof *r->ret_min);
    if (!r->fit || !r->look || !r->ret_min)
        return DD_ENOMEM;
    if (!r->src || !r->grp_cnt || !r->grp_off || !r->grp_n || !r->cand || !r->over)
        return DD_ENOMEM;
    if (!r->bk || !r->bk_kind || !r->gapc || !r->chain || !r->tmap || !r->pool || !r->pool_off ||
        !r->pool_n || !r->order || !r->ground || !r->tail_save ||
        !r->ktail_off || !r->ktail || !r->kfirst || !r->strict || !r->scratch || !r->klink || !r->line ||
        !r->line_n || !r->line_cap || !r->gap)
        return DD_ENOMEM;
    /* crews' duty, tails' hours and the ferries' overflights are booked
     * for a kept sortie on its tail and ferry: a type that limits them
     * keeps both */
    for (size_t a = 0; a < s->n_aircraft; a++)
        r->strict[a] = s->aircraft[a].utilisation > 0 || s->aircraft[a].crews >= 0 ||
                       s->agreement.clearance.n_overflight > 0;
    dd_replanner_reset(r);
    return DD_OK;
}

void dd_replanner_reset(dd_replanner *r)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    if (r->n)
        memcpy(r->prev, p->sorties, r->n * sizeof *r->prev);
    for (size_t f = 0; f < r->n; f++)
        dd__replan_pv_set(r, f);
    memset(r->prev_ok, 1, r->n ? r->n : 1);
    for (size_t i = 0; i < s->n_sites; i++)
        r->prev_site_cap[i] = s->sites[i].daily_cap;
    r->prev_country_cap = s->agreement.clearance.daily_cap;
    r->prev_now = INT64_MIN;
    r->have_prev = r->n > 0;
    r->live = r->lines_ok = false;
}

void dd__replanner_rebuild_always(dd_replanner *r, bool on)
{
    r->no_live = on;
    r->live = false;
    /* nor the ramps' known-full departures and the tails' bounds, which
     * must not change a placement either (only freeing: never fails) */
    (void)dd__state_mog_memo(&r->st, !on);
}

/* Does sortie f's last placement still fit the state? */
static bool fits(const dd_replanner *r, const dd_exec_state *x, size_t f)
{
    if (!r->prev_ok[f])
        return false;
    const dd__replan_pv *so = &r->pv[f];
    const dd_exec_sortie *e = &x->sorties[f];
    dd_time dep = so->departure;
    if (dep < x->now)
        return false; /* overdue: still on the ground */
    if (e->window_from == DD_TIME_NONE || e->window_to == DD_TIME_NONE ||
        dep < e->window_from || dep > e->window_to)
        return false;
    if (e->ready != DD_TIME_NONE && dep < e->ready)
        return false;
    if (x->site_open && x->site_open[so->site] != DD_TIME_NONE && dep < x->site_open[so->site])
        return false;
    return so->tail >= 0 && so->tail < r->st.n_tails[so->aircraft];
}

typedef dd__replan_need need;

static int cmp_need(const void *a, const void *b)
{
    const need *x = a, *y = b;
    DD__CMP_BY(x->at, y->at);
    return (x->t > y->t) - (x->t < y->t);
}

/* v[0..n) sorted by cmp_need (a total order). A tail's kept sorties come
 * by index, which is mostly their order of arrival (a plan's sorties are
 * made in time order): a pass finds them in order, or an insertion sort
 * moves the few that are not while it moves less than 4 n records. */
static void sort_needs(need *v, size_t n)
{
    size_t i = 1, budget = 4 * n;
    while (i < n && cmp_need(&v[i - 1], &v[i]) <= 0)
        i++;
    for (; i < n; i++) {
        need e = v[i];
        size_t j = i;
        for (; j > 0 && cmp_need(&e, &v[j - 1]) < 0; j--)
            v[j] = v[j - 1];
        v[j] = e;
        if (i - j > budget) {
            qsort(v, n, sizeof *v, cmp_need);
            return;
        }
        budget -= i - j;
    }
}

/* Timeline links v[0..n) in order of arrival, then sortie (insertion:
 * nearly always in order already). */
static void sort_links(dd__replan_link *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        dd__replan_link e = v[i];
        size_t j = i;
        for (; j > 0 && (v[j - 1].at > e.at || (v[j - 1].at == e.at && v[j - 1].idx > e.idx)); j--)
            v[j] = v[j - 1];
        v[j] = e;
    }
}

/* kept_by_tail from the last run's timelines (r->lines_ok): each tail's
 * timeline holds, by arrival, the sorties whose last placement is on that
 * tail (apply_lines gave them its number), so its kept ones (r->seen) are
 * those of its timeline that are. False when the timelines are not the
 * last placement's, or do not hold the `kept` sorties kept. */
static bool kept_from_lines(dd_replanner *r, size_t kept)
{
    size_t nt = r->tail_off[r->base->scenario->n_aircraft], c = 0;
    if (!r->lines_use)
        return false;
    for (size_t t = 0; t < nt; t++) {
        r->ktail_off[t] = c;
        for (size_t i = 0; i < r->line_n[t]; i++) {
            const dd__replan_link *l = &r->line[t][i];
            size_t f = l->kept ? (size_t)l->idx : r->st_f[l->idx];
            if (!r->seen[f])
                continue;
            if (c == kept)
                return false;
            r->klink[c] = *l;
            r->klink[c].idx = (int32_t)f;
            r->klink[c++].kept = true;
        }
    }
    r->ktail_off[nt] = c;
    if (c != kept)
        return false;
    for (size_t t = 0; t < nt; t++) { /* (in order unless arrivals tie) */
        size_t lo = r->ktail_off[t], len = r->ktail_off[t + 1] - lo;
        r->kfirst[t] = lo;
        sort_links(r->klink + lo, len);
        for (size_t j = 0; j < len; j++)
            r->ktail[lo + j] = (size_t)r->klink[lo + j].idx;
    }
    /* (the links hold what r->pv does: apply_lines keeps both; a
     * rebuilding replanner reads r->pv, so the tests compare) */
    r->klink_ok = !r->no_live;
    return true;
}

/* The kept sorties (r->seen, `kept` of them) by the tail of the last
 * placement, each tail's by arrival: r->ktail[ktail_off[t] .. ktail_off[t
 * + 1]); each chain starts at its first (kfirst). */
static void kept_by_tail(dd_replanner *r, size_t kept)
{
    const dd_scenario *s = r->base->scenario;
    size_t nt = r->tail_off[s->n_aircraft];
    r->klink_ok = false;
    if (kept_from_lines(r, kept))
        return;
    memset(r->ktail_off, 0, (nt + 1) * sizeof *r->ktail_off);
    for (size_t i = 0; i < r->n_kept_ground; i++) {
        const dd__replan_pv *so = &r->pv[r->ground[i]];
        if (r->seen[r->ground[i]])
            r->ktail_off[r->tail_off[so->aircraft] + (size_t)so->tail + 1]++;
    }
    for (size_t t = 0; t < nt; t++)
        r->ktail_off[t + 1] += r->ktail_off[t];
    for (size_t i = 0; i < r->n_kept_ground; i++) {
        size_t f = r->ground[i];
        const dd__replan_pv *so = &r->pv[f];
        if (r->seen[f])
            r->ktail[r->ktail_off[r->tail_off[so->aircraft] + (size_t)so->tail]++] = f;
    }
    for (size_t t = nt; t > 0; t--)
        r->ktail_off[t] = r->ktail_off[t - 1];
    r->ktail_off[0] = 0;
    need *v = r->scratch;
    for (size_t t = 0; t < nt; t++) {
        size_t lo = r->ktail_off[t], len = r->ktail_off[t + 1] - lo;
        r->kfirst[t] = lo;
        for (size_t j = 0; j < len; j++)
            v[j] = (need){r->pv[r->ktail[lo + j]].arrival_at_site, r->ktail[lo + j]};
        sort_needs(v, len);
        for (size_t j = 0; j < len; j++)
            r->ktail[lo + j] = v[j].t;
    }
}

/* For assign_tails, a type's tails alike: those there and not taken
 * yet, per hub (r->pool from r->pool_off[h], r->pool_n[h] of them), by
 * when each is free, those free at the same moment highest number first
 * (so the last one at or before a moment is the lowest of the latest). */
static int cmp_pool(const void *a, const void *b)
{
    const need *x = a, *y = b;
    DD__CMP_BY(x->at, y->at);
    return (x->t < y->t) - (x->t > y->t);
}

static void pool_build(dd_replanner *r, size_t a)
{
    size_t off = r->tail_off[a], nk = r->tail_off[a + 1] - off, nh = r->n_pool_hubs;
    memset(r->pool_n, 0, nh * sizeof *r->pool_n);
    for (size_t k = 0; k < nk; k++)
        if (r->tail_save[off + k].free_at < INT64_MAX / 8)
            r->pool_n[r->tail_save[off + k].hub]++;
    for (size_t h = 0, at = 0; h < nh; h++) {
        r->pool_off[h] = at;
        at += r->pool_n[h];
        r->pool_n[h] = 0;
    }
    for (size_t k = 0; k < nk; k++) {
        const dd__tail *tl = &r->tail_save[off + k];
        if (tl->free_at < INT64_MAX / 8)
            r->pool[r->pool_off[tl->hub] + r->pool_n[tl->hub]++] = (need){tl->free_at, k};
    }
    for (size_t h = 0; h < nh; h++)
        qsort(r->pool + r->pool_off[h], r->pool_n[h], sizeof *r->pool, cmp_pool);
}

/* Out of the pool, the tail of type a that reaches site by arr last
 * (ties: the lowest number), or -1. */
static int32_t pool_take(dd_replanner *r, int32_t a, int32_t site, dd_time arr)
{
    size_t best_h = 0, best_i = 0, best = SIZE_MAX;
    dd_time best_reach = INT64_MIN;
    for (size_t h = 0; h < r->n_pool_hubs; h++) {
        const need *v = r->pool + r->pool_off[h];
        int32_t fm = ferry_min(&r->st, a, site, (int32_t)h);
        size_t lo = 0, hi = r->pool_n[h];
        while (lo < hi) { /* the first free after arr - fm */
            size_t mid = lo + (hi - lo) / 2;
            if (v[mid].at + fm <= arr)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0)
            continue;
        dd_time reach = v[lo - 1].at + fm;
        if (reach > best_reach || (reach == best_reach && v[lo - 1].t < best)) {
            best_reach = reach;
            best = v[lo - 1].t;
            best_h = h;
            best_i = lo - 1;
        }
    }
    if (best == SIZE_MAX)
        return -1;
    need *v = r->pool + r->pool_off[best_h];
    memmove(v + best_i, v + best_i + 1, (r->pool_n[best_h] - best_i - 1) * sizeof *v);
    r->pool_n[best_h]--;
    return (int32_t)best;
}

/* A tail now (r->tail_save, the state's reset) for each chain of kept
 * sorties, latest reach first in the order of the chains' first
 * arrivals: r->chain, r->tmap. A strict type's chain keeps its tail
 * (there in time, from the hub its ferry was booked from); tails alike
 * go to any chain (pool_take). A chain that finds none has its first
 * sortie placed again (no longer kept, out of the exit counts) and goes
 * on from its next, in that one's place in the order: the chains before
 * keep their tails, as assigning all again would give them (the order is
 * total, and the chain took none). False when more than MAX_DROPS chains
 * find none. */
static bool assign_tails(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out)
{
    const dd_scenario *s = r->base->scenario;
    need *v = r->order;
    int drops = 0;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        size_t off = r->tail_off[a], nk = r->tail_off[a + 1] - off, nc = 0;
        /* one step and nothing booked per tail: tails alike */
        bool any_tail = s->aircraft[a].n_tails <= 1 && !r->strict[a];
        for (size_t k = 0; k < nk; k++) {
            size_t t = off + k;
            r->chain[t] = r->kfirst[t] < r->ktail_off[t + 1] ? (int32_t)r->ktail[r->kfirst[t]] : -1;
            if (r->chain[t] >= 0)
                v[nc++] = (need){r->pv[r->chain[t]].arrival_at_site, t};
        }
        qsort(v, nc, sizeof *v, cmp_need);
        if (any_tail)
            pool_build(r, a);
        for (size_t c = 0; c < nc;) {
            size_t t = v[c].t, f = (size_t)r->chain[t];
            const dd__replan_pv *so = &r->pv[f];
            int32_t best = -1;
            if (any_tail) {
                best = pool_take(r, (int32_t)a, so->site, so->arrival_at_site);
            } else {
                const dd__tail *tl = &r->tail_save[t];
                if (tl->free_at < INT64_MAX / 8 && tl->hub == so->ferry_from &&
                    tl->free_at <= so->ferry_departure &&
                    tl->free_at + ferry_min(&r->st, (int32_t)a, so->site, tl->hub) <=
                        so->arrival_at_site)
                    best = (int32_t)(t - off);
            }
            if (best >= 0) {
                r->tmap[t] = best;
                c++;
                continue;
            }
            r->kfirst[t]++;
            r->seen[f] = r->keep[f] = 0;
            dd__replan_exits_drop(r, x, out, f);
            if (++drops > MAX_DROPS)
                return false;
            r->chain[t] = r->kfirst[t] < r->ktail_off[t + 1] ? (int32_t)r->ktail[r->kfirst[t]] : -1;
            if (r->chain[t] < 0) {
                memmove(v + c, v + c + 1, (nc - c - 1) * sizeof *v);
                nc--;
                continue;
            }
            need e = {r->pv[r->chain[t]].arrival_at_site, t};
            size_t j = c;
            for (; j + 1 < nc && cmp_need(&v[j + 1], &e) < 0; j++)
                v[j] = v[j + 1];
            v[j] = e;
        }
    }
    return true;
}

static dd__replan_link link_of(const dd_sortie *so, dd_time g, int32_t idx, bool kept)
{
    return (dd__replan_link){so->arrival_at_site, so->arrival + g, so->ferry_departure, so->hub,
                             so->site, so->ferry_from, idx, kept};
}

/* link_of of a kept sortie f, from r->pv. */
static dd__replan_link link_kept(const dd_replanner *r, size_t f, dd_time g)
{
    const dd__replan_pv *so = &r->pv[f];
    return (dd__replan_link){so->arrival_at_site, so->arrival + g, so->ferry_departure, so->hub,
                             so->site, so->ferry_from, (int32_t)f, true};
}

/* Each tail's timeline: the chain assign_tails gave it. */
static dd_status build_lines(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        size_t off = r->tail_off[a], nk = r->tail_off[a + 1] - off;
        dd_time g = s->aircraft[a].ground_time;
        for (size_t k = 0; k < nk; k++)
            r->line_n[off + k] = r->slack_n[off + k] = 0;
        for (size_t k = 0; k < nk; k++) {
            size_t t = off + k;
            if (r->chain[t] < 0)
                continue;
            size_t j = off + (size_t)r->tmap[t], lo = r->kfirst[t], len = r->ktail_off[t + 1] - lo;
            dd__replan_link *v = dd__grow(r->line[j], &r->line_cap[j], len, 16, sizeof *v);
            if (!v)
                return DD_ENOMEM;
            r->line[j] = v;
            if (r->klink_ok) { /* (each on tail t - off already: r->pv's tail) */
                memcpy(v, r->klink + lo, len * sizeof *v);
                for (size_t i = 0; r->tmap[t] != (int32_t)(t - off) && i < len; i++)
                    r->pv[r->ktail[lo + i]].tail = r->tmap[t];
            } else {
                for (size_t i = 0; i < len; i++) {
                    size_t f = r->ktail[lo + i];
                    v[i] = link_kept(r, f, g);
                    /* its tail from now (out's, dd_replanner_plan's): prev's
                     * left as it was unless apply_lines changes its ferry (a
                     * type whose tails are booked keeps them: r->strict) */
                    r->pv[f].tail = r->tmap[t];
                }
            }
            r->line_n[j] = len;
        }
    }
    return DD_OK;
}

dd_status dd__replan_hold(dd_replanner *r)
{
    dd_status rc = DD_OK;
    for (size_t i = 0; i < r->n_kept_ground && rc == DD_OK; i++)
        if (r->seen[r->ground[i]])
            rc = dd__state_hold(&r->st, &r->prev[r->ground[i]]);
    return rc;
}

/* Tail t (the k-th of type a) seen by the placement as free from the end
 * of the sortie before the gap it is at (r->gap), or from where it is
 * now. */
static void gap_view(dd_replanner *r, int32_t a, size_t k)
{
    size_t t = r->tail_off[a] + k, gi = r->gap[t];
    dd__tail *tl = &r->st.tails[a][k];
    dd__state_tails_moved(&r->st, a);
    *tl = r->tail_save[t];
    if (tl->free_at >= INT64_MAX / 8)
        return; /* not there */
    if (gi > 0) {
        tl->free_at = r->line[t][gi - 1].free;
        tl->hub = r->line[t][gi - 1].hub;
    }
}

/* The first gap of tail t in [b0, b1] whose next sortie arrives after
 * `after` (b1 when none before it does). */
static size_t gap_in(const dd_replanner *r, size_t t, size_t b0, size_t b1, dd_time after)
{
    while (b0 < b1) {
        size_t mid = b0 + (b1 - b0) / 2;
        if (r->line[t][mid].at <= after)
            b0 = mid + 1;
        else
            b1 = mid;
    }
    return b0;
}

/* The first gap of tail t whose next sortie arrives after `after`. */
static size_t gap_after(const dd_replanner *r, size_t t, dd_time after)
{
    return gap_in(r, t, 0, r->line_n[t], after);
}

/* gap_after from a hint h, any index (the last search's answer,
 * galloping to either side: successive searches of a run look near one
 * another). */
static size_t gap_near(const dd_replanner *r, size_t t, size_t h, dd_time after)
{
    size_t n = r->line_n[t], step = 1;
    const dd__replan_link *v = r->line[t];
    h = h < n ? h : n;
    if (h < n && v[h].at <= after) { /* later: every index before lo is at or before */
        size_t lo = h + 1;
        while (lo + step - 1 < n && v[lo + step - 1].at <= after) {
            lo += step;
            step *= 2;
        }
        return gap_in(r, t, lo, lo + step - 1 < n ? lo + step - 1 : n, after);
    }
    /* here or sooner: h is n or after `after` */
    while (h >= step && v[h - step].at > after) {
        h -= step;
        step *= 2;
    }
    return gap_in(r, t, h >= step ? h - step + 1 : 0, h, after);
}

/* Tail t's gap r->gap[t] into r->gapc[t]. */
static void set_gapc(dd_replanner *r, size_t t)
{
    size_t gi = r->gap[t];
    dd__replan_gapc *c = &r->gapc[t];
    c->free = r->tail_save[t].free_at;
    c->hub = r->tail_save[t].hub;
    if (gi > 0 && c->free < INT64_MAX / 8) {
        c->free = r->line[t][gi - 1].free;
        c->hub = r->line[t][gi - 1].hub;
    }
    c->next_at = INT64_MAX;
    if (gi < r->line_n[t]) {
        const dd__replan_link *nx = &r->line[t][gi];
        c->next_at = nx->at;
        c->next_free = nx->free;
        c->next_site = nx->site;
        c->next_hub = nx->hub;
        c->next_ferry_from = nx->ferry_from;
    }
}

/* Does q, on tail t in its gap, leave the tail back in time for the
 * sortie after the gap (and, for a strict type, from the hub that one's
 * ferry was booked from)? */
static bool gap_fits(const dd_replanner *r, size_t t, const dd_sortie *q)
{
    if (r->gap[t] >= r->line_n[t])
        return true;
    const dd__replan_link *nx = &r->line[t][r->gap[t]];
    const dd_aircraft *ac = &r->base->scenario->aircraft[q->aircraft];
    if (r->strict[q->aircraft] && nx->ferry_from != q->hub)
        return false;
    return q->arrival + ac->ground_time + ferry_min(&r->st, q->aircraft, nx->site, q->hub) <=
           nx->at;
}

/* Can gap j (> 0) of tail t (type a) take the sortie being placed at
 * all: free at the end of the sortie before it, ferried to the site,
 * turned round, out to the nearest way back and ferried on, the tail is
 * in time for the sortie after it? (A bound: crews, hours, caps aside.) */
static bool can_host(const dd_replanner *r, size_t t, int32_t a, size_t j)
{
    if (j >= r->line_n[t])
        return true; /* the open gap after the last */
    const dd__replan_link *pv = &r->line[t][j - 1], *nx = &r->line[t][j];
    if (r->strict[a] && r->q_hub >= 0 && nx->ferry_from != r->q_hub)
        return false; /* the sortie after it keeps its ferry from where it was booked */
    dd_time g = r->st.s->aircraft[a].ground_time;
    return pv->free + ferry_min(&r->st, a, r->q_site, pv->hub) + 2 * g + r->ret_min[nx->site] <=
           nx->at;
}

/* Tail t's gaps' slack (r->slack) up to gap `end` (exclusive, at most
 * its timeline's length). False when out of memory. */
static bool slack_upto(dd_replanner *r, size_t t, size_t end)
{
    size_t j = r->slack_n[t];
    if (j >= end)
        return true;
    dd_time *sl = dd__grow(r->slack[t], &r->slack_cap[t], r->line_n[t], 16, sizeof *sl);
    if (!sl)
        return false;
    r->slack[t] = sl;
    const dd__replan_link *v = r->line[t];
    if (j == 0)
        sl[j++] = INT64_MAX; /* (no gap before the first: never read) */
    for (; j < end; j++)
        sl[j] = v[j].at - v[j - 1].free;
    r->slack_n[t] = end;
    return true;
}

/* The first gap of tail t after its cursor's that can take the sortie
 * being placed (can_host), looking at most FIT_LOOK gaps further than
 * the last call: a gap no sooner than the first that can (the placement
 * may well find its departure on another tail long before; an unbounded
 * look went to the end of every tail's timeline at every placement).
 * r->fit[t] remembers how far it looked, as the cursor only moves on.
 * (4 at first: on the theater's packed timelines a tail's look mostly
 * gave up, its view holding for that ground time only, and the search
 * came back to it at every step — 659,000 tries that found no tail in
 * 2 replications; 64: 198,000, the same placements.) A gap whose slack
 * is under r->q_lb cannot (can_host's sum is at least that): passed over
 * from the slack array, the link records read only for the others. */
#define FIT_LOOK 64
static size_t first_fit(dd_replanner *r, size_t t, int32_t a, bool *can)
{
    size_t j = r->fit[t] > r->gap[t] ? r->fit[t] : r->gap[t] + 1;
    size_t i = 0, look = r->look[t], n = r->line_n[t];
    *can = false;
    while (i < look) {
        if (j >= n) {
            *can = true; /* the open gap after the last */
            break;
        }
        size_t end = j + (look - i) < n ? j + (look - i) : n;
        if (slack_upto(r, t, end)) {
            const dd_time *sl = r->slack[t];
            dd_time lb = r->q_lb;
            size_t j0 = j;
            /* (four at a time, without a branch each) */
            while (j + 4 <= end && ((sl[j] < lb) & (sl[j + 1] < lb) & (sl[j + 2] < lb) & (sl[j + 3] < lb)))
                j += 4;
            while (j < end && sl[j] < lb)
                j++;
            i += j - j0;
            if (j == end)
                continue;
        }
        if ((*can = can_host(r, t, a, j)))
            break;
        i++;
        j++;
    }
    if (i == look) { /* none so far: look further next time (a packed timeline) */
        r->look[t] = 2 * look;
        *can = false; /* (j itself not looked at) */
    }
    r->fit[t] = j;
    return j;
}

/* The least minutes from rq's site out to a hub (its nearest, when the
 * placement does not choose: dd__hubs_vary) and ferried from there to
 * each site, into r->ret_min. */
static void set_ret_min(dd_replanner *r, const dd__request *rq)
{
    const dd_scenario *s = r->st.s;
    int32_t a = rq->aircraft, site = rq->site;
    int32_t only = dd__hubs_vary(&r->st, rq) ? -1 : r->st.hub_of_site[site];
    int32_t ret_lb = INT32_MAX, in_lb = INT32_MAX;
    for (size_t h = 0; h < (s->n_hubs ? s->n_hubs : 1); h++) {
        int32_t v = ferry_min(&r->st, a, site, (int32_t)h);
        in_lb = v < in_lb ? v : in_lb;
    }
    for (size_t ns = 0; ns < s->n_sites; ns++) {
        int32_t best = s->n_hubs ? INT32_MAX : 0;
        for (size_t h = 0; h < s->n_hubs; h++) {
            if (only >= 0 && (int32_t)h != only)
                continue;
            int32_t v = ferry_min(&r->st, a, site, (int32_t)h) +
                        ferry_min(&r->st, a, (int32_t)ns, (int32_t)h);
            best = v < best ? v : best;
        }
        r->ret_min[ns] = best;
        ret_lb = best < ret_lb ? best : ret_lb;
    }
    /* can_host's sum over any gap: at least this */
    r->q_lb = (dd_time)in_lb + 2 * s->aircraft[a].ground_time + (dd_time)ret_lb;
    r->q_site = site;
    r->q_hub = only;
}

/* The placement's view of a tail (dd__state's tail_view) while an
 * incremental run places a sortie: the gap of its timeline that a ground
 * time from `arr` falls in (the sortie after it arrives later), free from
 * the end of the sortie before it; when the sortie leaving at `dep` would
 * not be back (turned round, ferried) in time for the sortie after the
 * gap, the tail is seen free only from the start of its first later gap
 * that can take the sortie at all (can_host: long enough for the ferry
 * in, the ground time, the way out and back): a later departure in this
 * gap comes back later still, so that is the soonest this tail can take
 * it (the placement's next try). Each tail's gap (r->gap) is a cursor: a
 * placement's tries only move later. (Seeing the tail free from the end
 * of the sortie after the gap instead made the placement of an overdue
 * sortie in a packed plan try a departure at every kept sortie's end on
 * every tail, out to the plan's end.) */
static void tail_view(void *ctx, int32_t a, int32_t k, dd_time arr, dd_time dep, int32_t hub,
                      int32_t out_min, dd__tail *view, dd_time keep[2])
{
    dd_replanner *r = ctx;
    size_t t = r->tail_off[a] + (size_t)k;
    const dd__replan_gapc *c = &r->gapc[t];
    if (c->next_at == INT64_MIN || arr >= c->next_at) {
        /* its first view in this search (from the last search's gap), or
         * past the sortie after the gap: a placement's ground times only
         * move later, and so does each tail's gap */
        r->gap[t] = gap_near(r, t, r->gap[t], arr);
        set_gapc(r, t);
    }
    view->free_at = c->free;
    view->hub = c->hub;
    keep[0] = keep[1] = INT64_MAX / 4;
    if (c->free >= INT64_MAX / 8 || c->next_at == INT64_MAX)
        return; /* not there, or the open gap after the last: for good */
    /* past the sortie after the gap, or not back in time for it, the view
     * moves on: to a gap no sooner than that sortie's end */
    dd_time g = r->st.s->aircraft[a].ground_time;
    keep[0] = c->next_at;
    keep[1] = c->next_free;
    bool ok_hub = hub >= 0 && (!r->strict[a] || c->next_ferry_from == hub);
    dd_time last = ok_hub ? c->next_at - out_min - g - ferry_min(&r->st, a, c->next_site, hub)
                          : INT64_MIN; /* the latest departure back in time */
    /* (the earliest departure from this gap: the tail ferried in from
     * where it is free, and turned round) */
    dd_time soon = c->free + ferry_min(&r->st, a, r->q_site, c->hub) + g;
    if (dep <= last && soon <= last) {
        keep[0] = last - g + 1 < keep[0] ? last - g + 1 : keep[0];
        return;
    }
    /* a later departure in this gap is back later still (and when even
     * its earliest is not back in time, none is): free from
     * where its first gap that can take the sortie at all starts (the
     * gaps before it cannot, whatever the departure: so when gap j can,
     * this view holds until the tail reaches the site from there; when
     * first_fit gave up looking, the tail is free no sooner than there) */
    bool can;
    size_t j = first_fit(r, t, a, &can);
    view->free_at = r->line[t][j - 1].free;
    view->hub = r->line[t][j - 1].hub;
    keep[0] = can ? INT64_MAX / 4 : arr + 1;
    keep[1] = view->free_at;
}

/* The earliest departure for rq in the tails' gaps, into *q. */
static dd_status probe_gap(dd_replanner *r, const dd__request *rq, dd_sortie *q)
{
    dd__state *st = &r->st;
    int32_t a = rq->aircraft;
    size_t off = r->tail_off[a], nk = r->tail_off[a + 1] - off;
    for (size_t k = 0; k < nk; k++) { /* each tail's gap found at its first view */
        r->gapc[off + k].next_at = INT64_MIN;
        r->fit[off + k] = 0;
        r->look[off + k] = FIT_LOOK;
    }
    set_ret_min(r, rq);
    st->tail_view = tail_view;
    st->tail_view_ctx = r;
    dd_status rc = dd__place_probe_sortie(st, rq, r->base->loads, q);
    st->tail_view = NULL;
    st->tail_view_ctx = NULL;
    return rc;
}

dd_status dd__replan_place_gap(dd_replanner *r, const dd__request *req, dd__place_check check,
                               void *ctx)
{
    dd__state *st = &r->st;
    int32_t a = req->aircraft;
    size_t off = r->tail_off[a], nk = r->tail_off[a + 1] - off;
    if (r->gap_fail)
        return DD_EINFEASIBLE; /* the run goes in full: no more probes */
    dd__request rq[1] = {*req};
    dd_sortie q;
    dd_status rc = DD_OK;
    for (int k = 0;; k++) {
        rc = probe_gap(r, rq, &q);
        dd_time next = rc == DD_OK && check ? check(ctx, &q) : INT64_MIN;
        if (next == INT64_MIN)
            break;
        if (next > rq->latest || k == 366)
            return DD_EINFEASIBLE; /* (a day's room a year on: none) */
        rq->ready = next > rq->ready ? next : rq->ready + 1;
    }
    if (rc != DD_OK)
        return rc;
    /* placed there, on that tail alone, seen free from the start of its gap */
    size_t t = off + (size_t)q.tail;
    r->gap[t] = gap_after(r, t, q.arrival_at_site);
    for (size_t k = 0; k < nk; k++)
        if (off + k != t)
            st->tails[a][k].free_at = INT64_MAX / 4;
    dd__state_tails_moved(st, a);
    gap_view(r, a, (size_t)q.tail);
    dd__request one = *rq;
    one.ready = q.departure;
    rc = dd__place(st, &one, r->base->loads);
    if (rc != DD_OK) {
        r->gap_fail = true;
        return rc;
    }
    const dd_sortie *so = &st->sorties[st->n_sorties - 1];
    if (so->tail != q.tail || so->departure != q.departure || !gap_fits(r, t, so))
        r->gap_fail = true; /* not what the probe said: the run goes in full */
    dd__replan_link *v = dd__grow(r->line[t], &r->line_cap[t], r->line_n[t], 16, sizeof *v);
    if (!v)
        return DD_ENOMEM;
    r->line[t] = v;
    size_t gi = r->gap[t];
    memmove(v + gi + 1, v + gi, (r->line_n[t] - gi) * sizeof *v);
    r->slack_n[t] = r->slack_n[t] < gi ? r->slack_n[t] : gi; /* (gap gi on: changed) */
    v[gi] = link_of(so, st->s->aircraft[a].ground_time, (int32_t)(st->n_sorties - 1), false);
    r->line_n[t]++;
    return DD_OK;
}

/* Every sortie on its tail's timeline: the tail, and its ferry from the
 * hub of the one before (or where the tail is now). A kept sortie has its
 * tail already (build_lines: r->pv, and out from it); its record in
 * r->prev is written only when its ferry changes, and then flagged in
 * r->retailed (rebook_changed). */
static void apply_lines(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    dd__state *st = &r->st;
    for (size_t a = 0; a < s->n_aircraft; a++)
        for (size_t t = r->tail_off[a]; t < r->tail_off[a + 1]; t++) {
            int32_t from = r->tail_save[t].hub, tail = (int32_t)(t - r->tail_off[a]);
            for (size_t i = 0; i < r->line_n[t]; i++) {
                dd__replan_link *l = &r->line[t][i];
                dd_time fd = l->at - ferry_min(st, (int32_t)a, l->site, from);
                if (l->kept) {
                    size_t f = (size_t)l->idx;
                    if (l->ferry_from != from || l->fd != fd) {
                        dd_sortie *so = &r->prev[f];
                        so->tail = tail;
                        so->ferry_from = from;
                        so->ferry_departure = fd;
                        r->pv[f].ferry_from = from;
                        r->pv[f].ferry_departure = fd;
                        /* (booked only for a strict type: dd__state_same_hold) */
                        r->retailed[f] = r->strict[a];
                    }
                } else {
                    dd_sortie *so = &st->sorties[l->idx];
                    so->tail = tail;
                    so->ferry_from = from;
                    so->ferry_departure = fd;
                }
                /* (the link as the sortie now is: the next run's, from
                 * kept_from_lines) */
                l->ferry_from = from;
                l->fd = fd;
                from = l->hub;
            }
        }
}

/* ---- the placement state kept from run to run ----
 *
 * After a run that succeeds, r->st holds, for every sortie, exactly what
 * a rebuild would book for the next run: a sortie that has left booked as
 * flown (bk: the plan's sortie moved to when it left), one on the ground
 * with a placement booked as placed (bk == prev), the others nothing. The
 * next run then takes out of the state only what changed — the holds of
 * the sorties that have left since (booked as flown instead) and of those
 * placed again — instead of clearing it and booking tens of thousands of
 * kept sorties again. The tests compare every such run with one that
 * rebuilds (dd__replanner_rebuild_always). */

/* The bookings a run that rebuilt the state leaves, recorded: what left
 * as flown; on the ground, the held (r->seen, in r->prev) when `held`;
 * the placed (r->placed into r->st.sorties) over them. */
static void record_rebuilt(dd_replanner *r, const dd_exec_state *x, bool held)
{
    for (size_t f = 0; f < r->n; f++) {
        r->bk_kind[f] = DD__BK_NONE;
        if (x->sorties[f].departed != DD_TIME_NONE) {
            /* booked by dd__replan_reset; only its departure is read */
            r->bk_left[f] = x->sorties[f].departed;
            r->bk_kind[f] = DD__BK_FLOWN;
        } else if (held && r->seen[f]) {
            r->bk[f] = r->prev[f];
            r->bk_kind[f] = DD__BK_HELD;
        }
    }
}

/* The sorties the run placed (r->slot0[0..k)), recorded as booked. */
static void record_placed(dd_replanner *r, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        size_t f = r->slot0[i];
        if (r->placed[f] < 0)
            continue;
        r->bk[f] = r->st.sorties[r->placed[f]];
        r->bk_kind[f] = DD__BK_HELD;
    }
}

/* A kept state's run: the sorties that have left since the last run out
 * of their holds and booked as flown. *ok_out false when the state does
 * not follow from the last run's (a sortie left at another time, or back
 * on the ground): the run rebuilds it. */
static dd_status sync_departed(dd_replanner *r, const dd_exec_state *x, bool *ok_out)
{
    *ok_out = false;
    for (size_t i = 0; i < r->n_newly; i++) { /* (the others: as booked) */
        size_t f = r->newly[i];
        if (r->bk_kind[f] == DD__BK_FLOWN)
            return DD_OK; /* (not when it left) */
        if (r->bk_kind[f] == DD__BK_HELD)
            dd__state_unhold(&r->st, &r->bk[f]);
        dd_sortie flown;
        if (dd__replan_book_flown(r, x, f, &flown) != DD_OK)
            return DD_ENOMEM;
        r->bk_left[f] = flown.departure;
        r->bk_kind[f] = DD__BK_FLOWN;
    }
    *ok_out = true;
    return DD_OK;
}

/* A kept state's run: the holds of the sorties on the ground that are not
 * kept (r->seen) taken out; the state has no placed sortie yet. */
static void unhold_moved(dd_replanner *r, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        if (r->bk_kind[f] == DD__BK_HELD && !r->seen[f]) {
            dd__state_unhold(&r->st, &r->bk[f]);
            r->bk_kind[f] = DD__BK_NONE;
        }
    }
    r->st.n_sorties = 0;
}

/* After the run: a sortie whose placement the run changed after booking
 * it (apply_lines: its tail, its ferry) booked as it now is, as the next
 * run's rebuild would book it. Every other sortie held is booked as its
 * placement is (the last run left them so, and nothing else moved
 * them): only the k placed (r->slot0) and those apply_lines flagged
 * (r->retailed) are looked at, in index order. */
static dd_status rebook_changed(dd_replanner *r, size_t k, size_t m)
{
    for (size_t i = 0; i < k; i++)
        if (r->placed[r->slot0[i]] >= 0)
            r->retailed[r->slot0[i]] = 1;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        if (!r->retailed[f])
            continue;
        r->retailed[f] = 0;
        if (r->bk_kind[f] != DD__BK_HELD || dd__state_same_hold(&r->st, &r->bk[f], &r->prev[f]))
            continue;
        dd__state_unhold(&r->st, &r->bk[f]);
        r->bk_kind[f] = DD__BK_NONE;
        if (dd__state_hold(&r->st, &r->prev[f]) != DD_OK)
            return DD_ENOMEM;
        r->bk[f] = r->prev[f];
        r->bk_kind[f] = DD__BK_HELD;
    }
    return DD_OK;
}

/* dd__replan_full from an incremental run: its state kept for the next
 * run (not tracking's, whose windows-first passes are not this policy's). */
static dd_status full_kept(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t m)
{
    r->live_run = false;
    for (size_t i = 0; i < m; i++) /* the full run matches every load itself */
        r->src[r->slot[i]] = (int32_t)r->slot[i];
    dd_status rc = dd__replan_full(r, x, out, m);
    if (rc != DD_OK || x->keep_clearances || r->no_live)
        return rc;
    record_rebuilt(r, x, false);
    record_placed(r, m);
    r->live = true;
    return DD_OK;
}

/* The run as a full one, every sortie on the ground (r->ground) placed
 * again. */
static dd_status in_full(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out, size_t m)
{
    memcpy(r->slot, r->ground, m * sizeof *r->slot);
    return full_kept(r, x, out, m);
}

/* Which sorties are kept (r->seen: they fit, and their chain finds a
 * tail now), with their tails; false when too many chains find none. */
static dd_status choose_kept(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                             size_t m, bool *ok_out)
{
    const dd_scenario *s = r->base->scenario;
    *ok_out = false;
    size_t kept = 0;
    memset(r->seen, 0, r->n); /* (dd__replan_begin's use of it) */
    for (size_t i = 0; i < m; i++) {
        r->seen[r->ground[i]] = r->keep[r->ground[i]];
        kept += r->keep[r->ground[i]];
    }
    /* the tails now, as the placement's state starts: the state kept
     * from the last run (its departures booked as flown already), or
     * rebuilt */
    dd_status rc = DD_OK;
    if (r->live_run)
        dd__replan_now(r, x);
    else
        rc = dd__replan_reset(r, x);
    if (rc != DD_OK)
        return rc;
    for (size_t a = 0; a < s->n_aircraft; a++)
        memcpy(r->tail_save + r->tail_off[a], r->st.tails[a],
               (r->tail_off[a + 1] - r->tail_off[a]) * sizeof *r->tail_save);
    kept_by_tail(r, kept);
    if (assign_tails(r, x, out)) {
        *ok_out = true;
        return build_lines(r);
    }
    return DD_OK;
}

/* ---- an overdue sortie's load into the next kept slot ----
 *
 * A sortie still on the ground after its placed departure (overdue) with
 * its load ready is placed again among the kept plan, which in a packed
 * plan has room only at its end: the ready load would wait weeks while
 * the kept slots just ahead carry loads that are not ready yet (they
 * will be by their departure). As the full re-plan's matching does (the
 * earliest-ready load to the earliest window), the ready load takes the
 * earliest such kept slot of its airfield and type (its departure, tail
 * and clearance stay as placed), and that slot's load, ready later, goes
 * to the overdue sortie, which is placed again with it. */

static size_t group_of(const dd_replanner *r, size_t f)
{
    return (size_t)r->b_grp[f];
}

/* Is the load sortie f carries in x ready at x->now? */
static bool ready_now(const dd_exec_state *x, size_t f)
{
    dd_time rd = x->sorties[f].ready;
    return rd == DD_TIME_NONE || rd <= x->now;
}

/* Into its group's list (r->cand from grp_off[g], at most grp_cnt[g],
 * earliest departure first), kept sortie k, when it is among the
 * earliest. */
static void add_candidate(dd_replanner *r, size_t g, size_t k)
{
    dd__replan_need *v = r->cand + r->grp_off[g];
    size_t n = r->grp_n[g], cap = r->grp_cnt[g];
    dd_time at = r->pv[k].departure;
    if (n == cap && v[n - 1].at <= at)
        return;
    size_t j = n < cap ? n++ : n - 1;
    while (j > 0 && v[j - 1].at > at) {
        v[j] = v[j - 1];
        j--;
    }
    v[j] = (dd__replan_need){at, k};
    r->grp_n[g] = n;
}

/* The overdue sorties among the m on the ground (r->keep says what fits)
 * whose loads are ready swap them with the earliest kept slots of their
 * group whose loads are not (r->src). */
static void swap_overdue(dd_replanner *r, const dd_exec_state *x, size_t m)
{
    const dd_scenario *s = r->base->scenario;
    size_t ng = s->n_sites * s->n_aircraft, no = 0;
    memset(r->grp_cnt, 0, ng * sizeof *r->grp_cnt);
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        if (r->keep[f] || !r->prev_ok[f] || r->pv[f].departure >= x->now || !ready_now(x, f))
            continue;
        r->over[no++] = f;
        r->grp_cnt[group_of(r, f)]++;
    }
    if (no == 0)
        return;
    for (size_t g = 0, off = 0; g < ng; g++) {
        r->grp_off[g] = off;
        r->grp_n[g] = 0;
        off += r->grp_cnt[g];
    }
    for (size_t i = 0; i < m; i++) {
        size_t k = r->ground[i], g = group_of(r, k);
        if (r->keep[k] && r->grp_cnt[g] > 0 && !ready_now(x, k))
            add_candidate(r, g, k);
    }
    const dd_plan *p = r->base;
    for (size_t i = 0; i < no; i++) {
        size_t o = r->over[i], g = group_of(r, o);
        double kg = p->sorties[x->sorties[o].carries].weight_kg;
        dd__replan_need *v = r->cand + r->grp_off[g];
        for (size_t j = 0; j < r->grp_n[g]; j++) {
            size_t k = v[j].t;
            if (k == SIZE_MAX || kg > r->prev[k].acl_kg)
                continue; /* taken, or its route does not carry the load */
            r->src[o] = (int32_t)k;
            r->src[k] = (int32_t)o;
            v[j].t = SIZE_MAX;
            r->swaps++;
            break;
        }
    }
}

/* The kept sorties (r->seen) go on as placed; the others (m on the
 * ground in all) are placed again among them, in the tails' gaps. */
static dd_status keep_and_place(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                                size_t m)
{
    size_t k = 0, kept = 0;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        if (!r->seen[f]) {
            r->slot[k++] = f;
            continue;
        }
        const dd__replan_pv *so = &r->pv[f];
        out[f].carries = x->sorties[r->src[f]].carries; /* swap_overdue's */
        out[f].departure = so->departure;
        out[f].tail = so->tail;
        out[f].keeps_clearance = true;
        out[f].day = so->day;
        out[f].hub = so->hub;
        out[f].arrival = so->arrival;
        kept++;
    }
    if (kept == 0)
        return in_full(r, x, out, m);
    dd__replan_match(r, x, k);
    if (r->live_run)
        unhold_moved(r, m);
    int64_t missed;
    r->hold = true;
    r->gap_fail = false;
    dd__state_forget_none(&r->st); /* (what the searches found: this run's) */
    dd_status rc = dd__replan_place(r, x, out, k, false, &missed);
    r->hold = false;
    bool rebuilt = !r->live_run;
    r->live_runs += !rebuilt;
    r->live_run = false;
    if (rc != DD_OK) {
        r->have_prev = r->live = false;
        return rc;
    }
    /* the kept sorties may close a site before one it follows (moved
     * later), or let more people leave a day than exit processing takes:
     * placed again in full, which keeps both */
    if (r->gap_fail || dd__replan_order_broken(r, out) || dd__replan_exits_broken(r, x, out))
        return in_full(r, x, out, m);
    /* what is booked now, before apply_lines moves tails and ferries */
    if (rebuilt)
        record_rebuilt(r, x, true);
    record_placed(r, k);
    apply_lines(r);
    dd__replan_keep(r, x, k);
    r->stats.kept += kept;
    rc = rebook_changed(r, k, m);
    r->live = rc == DD_OK && !r->no_live;
    if (rc != DD_OK)
        r->have_prev = false;
    /* the timelines are the placement's: the next run's kept_by_tail
     * reads them (the placed sorties' records there are in r->st) */
    for (size_t i = 0; i < k; i++)
        if (r->placed[r->slot0[i]] >= 0)
            r->st_f[r->placed[r->slot0[i]]] = r->slot0[i];
    r->lines_ok = rc == DD_OK;
    return rc;
}

dd_status dd_replanner_run_incremental(dd_replanner *r, const dd_exec_state *x,
                                       dd_replan_sortie *out)
{
    size_t m;
    r->lines_use = r->lines_ok; /* (only a run that ends well sets it again) */
    r->lines_ok = false;
    dd_status rc = dd__replan_begin(r, x, out, &m);
    if (rc != DD_OK)
        return rc;
    const dd_scenario *s = r->base->scenario;
    bool same_caps = r->terms.country_cap == r->prev_country_cap;
    for (size_t i = 0; i < s->n_sites && same_caps; i++)
        same_caps = r->terms.site_cap[i] == r->prev_site_cap[i];
    /* a closed destination moves what lands there: placed again in full */
    bool closed = false;
    for (size_t h = 0; x->hub_closed_to && h < s->n_hubs; h++)
        closed |= x->hub_closed_to[h] != DD_TIME_NONE;
    /* legs inside the country: each run places them all again, a leg with
     * its onward sortie (the tails' timelines and the kept state hold
     * single sorties) */
    if (r->has_legs)
        return dd__replan_full(r, x, out, m);
    memcpy(r->ground, r->slot, m * sizeof *r->ground);
    r->n_kept_ground = m;
    if (!r->have_prev || x->keep_clearances || x->now < r->prev_now || !same_caps || closed)
        return in_full(r, x, out, m);
    size_t unfit = 0;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        r->keep[f] = fits(r, x, f);
        unfit += !r->keep[f];
    }
    if (unfit > DD__REPLAN_MOVED_MIN && unfit > m / DD__REPLAN_MOVED_SHARE) /* much moves: in full */
        return in_full(r, x, out, m);
    swap_overdue(r, x, m);
    unfit += dd__replan_exits_unkeep(r, x, out, m);
    if (unfit > DD__REPLAN_MOVED_MIN && unfit > m / DD__REPLAN_MOVED_SHARE)
        return in_full(r, x, out, m);
    /* the state kept from the last run, brought up to now */
    r->live_run = false;
    if (r->live && !r->no_live && !x->crew_free) { /* crews: rebuilt from now */
        rc = sync_departed(r, x, &r->live_run);
        if (rc != DD_OK) {
            r->have_prev = r->live = false;
            return rc;
        }
    }
    bool ok;
    rc = choose_kept(r, x, out, m, &ok);
    if (rc != DD_OK || !ok) {
        r->have_prev = rc == DD_OK && r->have_prev;
        return rc != DD_OK ? rc : in_full(r, x, out, m);
    }
    return keep_and_place(r, x, out, m);
}
