/* SPDX-License-Identifier: MIT */
/*
 * Incremental re-planning (replan.h dd_replanner_run_incremental,
 * docs/sim.md). A full re-plan places every sortie still on the ground
 * again, which on a theater of 58,000 sorties and a re-plan a day is
 * nearly all of a replication's cost, while a day's disruptions move a
 * handful of them. Here the last placement (the base plan before the
 * first run) is kept from a day D on and the sorties before D are placed
 * again by the full re-plan's own steps (replan.c: matching, serial
 * placement through place.c).
 *
 * The cut: sorties are split by time, not by airfield, because the caps
 * (country-wide), the tails and the ramp tie the airfields together. A
 * sortie is placed again when its last placement no longer fits the
 * state (outside the clearance window it holds, its load not ready, its
 * airfield closed) or it leaves before a day D (today and the lead time
 * ahead); the others are kept. The placement sees the kept sorties
 * counted on their days (the daily caps) and held on their ramps where a
 * clash is possible: those on the ramp at D, and an airfield's from a day
 * before a sortie placed again past D that finds the ramp too full with
 * them (dd__replan_hold, pin_near_spills). Then tails: each tail's kept
 * sorties form a chain, given to a tail that reaches its first sortie in
 * time from where the placement before D leaves it (assign_tails: latest
 * reach first, as place.c picks tails; a chain that finds none has its
 * first sortie placed again); a sortie placed past D takes a gap between
 * two kept ones of a tail (fit_spills). A type whose tails table has
 * steps keeps each chain on its tail. D doubles its distance from today
 * when the tails do not work out; after 4 tries, with nothing left to
 * keep, with much to move, with weekly caps (their windows span D), crews
 * or tail hours limited, other caps than the last run's, or for tracking,
 * the run is a full one (docs/sim.md says why it does not pay yet on
 * packed plans).
 */
#include <stdlib.h>
#include <string.h>

#include "plan/replan_int.h"

/* Times a run moves its day D (twice as far each time) before it places
 * everything again: a disruption that reaches past 4 horizons reaches,
 * where the fleet or the caps are full, about the whole plan (the
 * theater), and the tries would cost more than the full run. */
#define GROW_MAX 2

/* Placements a run tries (D moved, a chain's first or a pinned sortie
 * placed again, more kept sorties held on their ramps) before it places
 * everything again: each try costs about what it places and holds, and
 * where a disruption reaches far (the theater's saturated fleet) the
 * tries would cost more than the full run. */
#define MAX_TRIES 4

/* Sorties placed past D that a run looks for gaps for (each costs a pass
 * over the kept sorties); more, and D moves. */
#define MAX_SPILLS 64

static dd_time max_t(dd_time a, dd_time b)
{
    return a > b ? a : b;
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
    r->chain = malloc((nt ? nt : 1) * sizeof *r->chain);
    r->tmap = malloc((nt ? nt : 1) * sizeof *r->tmap);
    r->taken = malloc(nt ? nt : 1);
    r->order = malloc((nt ? nt : 1) * sizeof *r->order);
    r->ground = malloc((r->n ? r->n : 1) * sizeof *r->ground);
    r->tail_save = malloc((nt ? nt : 1) * sizeof *r->tail_save);
    r->pin = calloc(r->n ? r->n : 1, 1);
    r->spill = malloc((r->n ? r->n : 1) * sizeof *r->spill);
    r->by_site = malloc((r->n ? r->n : 1) * sizeof *r->by_site);
    r->site_off = malloc((s->n_sites + 1) * sizeof *r->site_off);
    r->span_lo = malloc((s->n_sites + 1) * sizeof *r->span_lo);
    r->mark = calloc(r->n ? r->n : 1, 1);
    r->pred = malloc((nt ? nt : 1) * sizeof *r->pred);
    r->succ = malloc((nt ? nt : 1) * sizeof *r->succ);
    r->gap_tail = malloc((r->n ? r->n : 1) * sizeof *r->gap_tail);
    r->gap_hub = malloc((r->n ? r->n : 1) * sizeof *r->gap_hub);
    r->gap_last = malloc((nt ? nt : 1) * sizeof *r->gap_last);
    r->spill_order = malloc((r->n ? r->n : 1) * sizeof *r->spill_order);
    r->gap_succ = malloc((r->n ? r->n : 1) * sizeof *r->gap_succ);
    if (!r->mark || !r->pred || !r->succ || !r->gap_tail || !r->gap_hub || !r->gap_succ ||
        !r->gap_last || !r->spill_order ||
        !r->by_site || !r->site_off || !r->span_lo || !r->chain || !r->tmap || !r->taken || !r->order || !r->ground || !r->tail_save ||
        !r->pin || !r->spill)
        return DD_ENOMEM;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    for (size_t i = 0; i < ct->n_caps; i++)
        r->weekly |= ct->caps[i].weekly >= 0;
    for (size_t k = 0; k < s->n_sites; k++)
        for (size_t i = 0; i < s->sites[k].n_caps; i++)
            r->weekly |= s->sites[k].caps[i].weekly >= 0;
    /* crews' duty and rest and tails' hours are not counted for the kept
     * sorties: a type limited so re-plans in full */
    for (size_t a = 0; a < s->n_aircraft; a++)
        r->weekly |= s->aircraft[a].utilisation > 0 || s->aircraft[a].crews >= 0;
    dd_replanner_reset(r);
    return DD_OK;
}

void dd_replanner_reset(dd_replanner *r)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    if (r->n)
        memcpy(r->prev, p->sorties, r->n * sizeof *r->prev);
    memset(r->prev_ok, 1, r->n ? r->n : 1);
    for (size_t i = 0; i < s->n_sites; i++)
        r->prev_site_cap[i] = s->sites[i].daily_cap;
    r->prev_country_cap = s->agreement.clearance.daily_cap;
    r->prev_now = INT64_MIN;
    r->have_prev = r->n > 0;
}

/* Does sortie f's last placement still fit the state? */
static bool fits(const dd_replanner *r, const dd_exec_state *x, size_t f)
{
    if (!r->prev_ok[f])
        return false;
    const dd_sortie *so = &r->prev[f];
    const dd_exec_sortie *e = &x->sorties[f];
    dd_time dep = so->departure;
    if (e->window_from == DD_TIME_NONE || e->window_to == DD_TIME_NONE ||
        dep < e->window_from || dep > e->window_to)
        return false;
    if (e->ready != DD_TIME_NONE && dep < e->ready)
        return false;
    if (x->site_open && x->site_open[so->site] != DD_TIME_NONE && dep < x->site_open[so->site])
        return false;
    return so->tail >= 0 && so->tail < r->st.n_tails[so->aircraft];
}

static int32_t ferry_min(const dd__state *st, int32_t a, int32_t site, int32_t hub)
{
    size_t ns = st->s->n_sites ? st->s->n_sites : 1, nh = st->s->n_hubs ? st->s->n_hubs : 1;
    return st->ferry_min[((size_t)a * ns + (size_t)site) * nh + (size_t)hub];
}

typedef dd__replan_need need;

static int cmp_need(const void *a, const void *b)
{
    const need *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->t > y->t) - (x->t < y->t);
}

/* Step 2 of the cut: a tail for each chain of kept sorties (r->seen[f]),
 * from the tails as the placement before the cut leaves them. */
static bool assign_tails(dd_replanner *r, size_t m, size_t *bad_out)
{
    const dd_scenario *s = r->base->scenario;
    const dd__state *st = &r->st;
    size_t nt = r->tail_off[s->n_aircraft];
    for (size_t t = 0; t < nt; t++)
        r->chain[t] = -1;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        if (!r->seen[f])
            continue;
        const dd_sortie *so = &r->prev[f];
        size_t t = r->tail_off[so->aircraft] + (size_t)so->tail;
        if (r->chain[t] < 0 || so->arrival_at_site < r->prev[r->chain[t]].arrival_at_site)
            r->chain[t] = (int32_t)f;
    }
    need *v = r->order;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        size_t off = r->tail_off[a], nk = r->tail_off[a + 1] - off, nc = 0;
        bool any_tail = s->aircraft[a].n_tails <= 1; /* one step: tails alike */
        for (size_t k = 0; k < nk; k++) {
            r->taken[off + k] = 0;
            if (r->chain[off + k] >= 0)
                v[nc++] = (need){r->prev[r->chain[off + k]].arrival_at_site, off + k};
        }
        qsort(v, nc, sizeof *v, cmp_need);
        for (size_t c = 0; c < nc; c++) {
            const dd_sortie *so = &r->prev[r->chain[v[c].t]];
            int32_t best = -1;
            dd_time best_reach = INT64_MIN;
            for (size_t j = 0; j < nk; j++) {
                const dd__tail *tl = &st->tails[a][j];
                if (r->taken[off + j] || tl->free_at >= INT64_MAX / 8)
                    continue;
                if (!any_tail && (off + j != v[c].t || tl->hub != so->ferry_from ||
                                  tl->free_at > so->ferry_departure))
                    continue;
                dd_time reach = tl->free_at + ferry_min(st, (int32_t)a, so->site, tl->hub);
                if (reach <= so->arrival_at_site && reach > best_reach) {
                    best_reach = reach;
                    best = (int32_t)j;
                }
            }
            if (best < 0) {
                *bad_out = (size_t)r->chain[v[c].t];
                return false;
            }
            r->tmap[v[c].t] = best;
            r->taken[off + (size_t)best] = 1;
        }
    }
    return true;
}

/* The kept sorties on the tails assign_tails gave them; each chain's first
 * ferries from where its tail is. */
static void apply_tails(dd_replanner *r, dd_replan_sortie *out, size_t m)
{
    const dd__state *st = &r->st;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        if (!r->seen[f])
            continue;
        dd_sortie *so = &r->prev[f];
        size_t t = r->tail_off[so->aircraft] + (size_t)so->tail;
        int32_t j = r->tmap[t];
        if (r->chain[t] == (int32_t)f) {
            int32_t hub = st->tails[so->aircraft][j].hub;
            so->ferry_from = hub;
            so->ferry_departure = so->arrival_at_site - ferry_min(st, so->aircraft, so->site, hub);
        }
        so->tail = j;
        out[f].tail = j;
    }
}

dd_status dd__replan_hold(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    dd__state *st = &r->st;
    /* a pinned sortie is placed at its departure to hold its ramp space;
     * the tail that placement takes is given back */
    for (size_t a = 0; a < s->n_aircraft; a++)
        memcpy(r->tail_save + r->tail_off[a], st->tails[a],
               (r->tail_off[a + 1] - r->tail_off[a]) * sizeof *r->tail_save);
    dd_status rc = DD_OK;
    for (size_t i = 0; i < r->n_kept_ground && rc == DD_OK; i++) {
        size_t f = r->ground[i];
        if (!r->seen[f])
            continue;
        const dd_sortie *so = &r->prev[f];
        if (r->pin[f]) {
            dd__request rq = {so->site, so->aircraft, so->load, so->departure, 0, so->departure};
            rc = dd__place(st, &rq, r->base->loads);
            if (rc == DD_EINFEASIBLE)
                r->hold_bad = f;
        } else {
            rc = dd__state_count_day(st, so->site, dd_scenario_day(s, so->departure));
        }
    }
    for (size_t a = 0; a < s->n_aircraft; a++)
        memcpy(st->tails[a], r->tail_save + r->tail_off[a],
               (r->tail_off[a + 1] - r->tail_off[a]) * sizeof *r->tail_save);
    return rc;
}

/* The kept sorties (r->seen) by airfield: r->by_site[site_off[i] ..
 * site_off[i + 1]) for airfield i. */
static void kept_by_site(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    memset(r->site_off, 0, (s->n_sites + 1) * sizeof *r->site_off);
    for (size_t i = 0; i < r->n_kept_ground; i++)
        if (r->seen[r->ground[i]])
            r->site_off[r->prev[r->ground[i]].site + 1]++;
    for (size_t i = 0; i < s->n_sites; i++)
        r->site_off[i + 1] += r->site_off[i];
    for (size_t i = 0; i < r->n_kept_ground; i++) {
        size_t f = r->ground[i];
        if (r->seen[f])
            r->by_site[r->site_off[r->prev[f].site]++] = f;
    }
    for (size_t i = s->n_sites; i > 0; i--)
        r->site_off[i] = r->site_off[i - 1];
    r->site_off[0] = 0;
}

static bool overlaps(const dd_sortie *a, const dd_sortie *b)
{
    return a->arrival_at_site < b->departure && a->departure > b->arrival_at_site;
}

/* Is q's ramp big enough for q beside the sorties held in the state and
 * the kept ones not held (r->by_site[a..b) not pinned)? The most aircraft
 * of q's class and in all at once over q's ground time (at its start or
 * at an arrival inside it), against the room of its class and in total
 * less the reservations then. */
static bool ramp_room(const dd_replanner *r, const dd_sortie *q, size_t a, size_t b)
{
    const dd_scenario *s = r->base->scenario;
    const dd_site *x = &s->sites[q->site];
    int32_t klass = s->aircraft[q->aircraft].klass;
    int64_t room_c = dd_site_mog_total(x), room_t = room_c;
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == klass)
            room_c = x->mog[k].count;
    dd__ground v[256];
    size_t n = 0;
    const dd__ground *g = r->st.ground[q->site];
    for (size_t k = 0; k < r->st.n_ground[q->site]; k++)
        if (g[k].from < q->departure && g[k].to > q->arrival_at_site) {
            if (n == 256)
                return false;
            v[n++] = g[k]; /* q itself among them */
        }
    for (size_t i = a; i < b; i++) {
        const dd_sortie *so = &r->prev[r->by_site[i]];
        if (r->pin[r->by_site[i]] || !overlaps(so, q))
            continue;
        if (n == 256)
            return false;
        v[n++] = (dd__ground){so->arrival_at_site, so->departure,
                              s->aircraft[so->aircraft].klass};
    }
    for (size_t p = 0; p <= n; p++) {
        dd_time t = p < n ? v[p].from : q->arrival_at_site;
        if (t < q->arrival_at_site || t >= q->departure)
            continue;
        int64_t same = 0, all = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].from <= t && t < v[i].to) {
                all++;
                same += v[i].klass == klass;
            }
        for (size_t k = 0; k < x->n_reservations; k++)
            if (x->reservations[k].from <= t && t < x->reservations[k].to)
                all += x->reservations[k].slots;
        if (same > room_c || all > room_t)
            return false;
    }
    return true;
}

/* Where a sortie placed again past the cut finds its ramp too small with
 * the kept sorties beside it, the kept sorties of that airfield from a day
 * before the first such sortie on are pinned (held on the ramp at the
 * next try, so the placement sees them, and one more try settles that
 * airfield); returns how many were not yet. */
static size_t pin_near_spills(dd_replanner *r, size_t ns)
{
    const dd_scenario *s = r->base->scenario;
    kept_by_site(r);
    dd_time *lo = r->span_lo;
    for (size_t i = 0; i < s->n_sites; i++)
        lo[i] = INT64_MAX;
    for (size_t j = 0; j < ns; j++) {
        const dd_sortie *q = &r->st.sorties[r->placed[r->spill[j]]];
        if (ramp_room(r, q, r->site_off[q->site], r->site_off[q->site + 1]))
            continue;
        lo[q->site] = q->arrival_at_site < lo[q->site] ? q->arrival_at_site : lo[q->site];
    }
    size_t added = 0;
    for (size_t i = 0; i < r->site_off[s->n_sites]; i++) {
        size_t f = r->by_site[i];
        const dd_sortie *so = &r->prev[f];
        if (!r->pin[f] && lo[so->site] != INT64_MAX &&
            so->departure > lo[so->site] - DD_MINUTES_PER_DAY) {
            r->pin[f] = 1;
            added++;
        }
    }
    return added;
}

/* The tails as the placement before the cut leaves them: the state's
 * reset (r->tail_save) and then the sorties placed again that leave
 * before the cut (those past it, r->spill, get a gap in fit_spills). */
static void frontier_before_cut(dd_replanner *r, size_t k, size_t ns)
{
    const dd_scenario *s = r->base->scenario;
    dd__state *st = &r->st;
    if (ns == 0)
        return; /* the placement's own tails are that */
    for (size_t a = 0; a < s->n_aircraft; a++)
        memcpy(st->tails[a], r->tail_save + r->tail_off[a],
               (r->tail_off[a + 1] - r->tail_off[a]) * sizeof *r->tail_save);
    for (size_t j = 0; j < ns; j++)
        r->mark[r->spill[j]] = 1;
    for (size_t i = 0; i < k; i++) {
        size_t f = r->slot0[i];
        if (r->placed[f] < 0 || r->mark[f])
            continue;
        const dd_sortie *so = &st->sorties[r->placed[f]];
        dd__tail *tl = &st->tails[so->aircraft][so->tail];
        dd_time free_at = so->arrival + s->aircraft[so->aircraft].ground_time;
        if (free_at > tl->free_at) {
            tl->free_at = free_at;
            tl->hub = so->hub;
        }
    }
    for (size_t j = 0; j < ns; j++)
        r->mark[r->spill[j]] = 0;
}

/* A gap for each sortie placed again past the cut, on a tail of its type,
 * taken in time order: after the kept sortie or the sortie past the cut
 * before it on that tail (or the tail as the placement before the cut
 * leaves it), ferrying from there in time, and back where the next kept
 * one ferries from in time for it. Fills r->gap_tail, gap_hub, gap_succ
 * (by position in r->spill, sorted); changes nothing else. False when one
 * finds none. */
static bool fit_spills(dd_replanner *r, size_t ns)
{
    const dd_scenario *s = r->base->scenario;
    const dd__state *st = &r->st;
    need *v = r->spill_order;
    for (size_t j = 0; j < ns; j++)
        v[j] = (need){st->sorties[r->placed[r->spill[j]]].arrival_at_site, r->spill[j]};
    qsort(v, ns, sizeof *v, cmp_need);
    for (size_t j = 0; j < ns; j++)
        r->spill[j] = v[j].t;
    for (size_t t = 0; t < r->tail_off[s->n_aircraft]; t++)
        r->gap_last[t] = -1;
    for (size_t j = 0; j < ns; j++) {
        const dd_sortie *q = &st->sorties[r->placed[r->spill[j]]];
        int32_t a = q->aircraft;
        size_t off = r->tail_off[a], nk = r->tail_off[a + 1] - off;
        if (s->aircraft[a].n_tails > 1)
            return false; /* tails come and go: keep to the chains */
        for (size_t t = 0; t < nk; t++)
            r->pred[off + t] = r->succ[off + t] = -1;
        for (size_t i = 0; i < r->n_kept_ground; i++) {
            size_t f = r->ground[i];
            const dd_sortie *so = &r->prev[f];
            if (!r->seen[f] || so->aircraft != a)
                continue;
            size_t t = off + (size_t)r->tmap[off + (size_t)so->tail];
            if (so->arrival_at_site < q->arrival_at_site) {
                if (r->pred[t] < 0 || so->arrival_at_site > r->prev[r->pred[t]].arrival_at_site)
                    r->pred[t] = (int32_t)f;
            } else if (r->succ[t] < 0 ||
                       so->arrival_at_site < r->prev[r->succ[t]].arrival_at_site) {
                r->succ[t] = (int32_t)f;
            }
        }
        dd_time g = s->aircraft[a].ground_time, best_reach = INT64_MIN;
        int32_t best = -1, best_hub = -1;
        for (size_t t = 0; t < nk; t++) {
            int32_t pf = r->pred[off + t], sf = r->succ[off + t], last = r->gap_last[off + t];
            const dd_sortie *ps = pf >= 0 ? &r->prev[pf] : NULL;
            if (last >= 0) { /* a sortie past the cut already after it */
                const dd_sortie *ls = &st->sorties[r->placed[r->spill[last]]];
                if (!ps || ls->arrival_at_site > ps->arrival_at_site)
                    ps = ls;
            }
            int32_t hub = ps ? ps->hub : st->tails[a][t].hub;
            dd_time free_at = ps ? ps->arrival + g : st->tails[a][t].free_at;
            if (free_at >= INT64_MAX / 8)
                continue;
            dd_time reach = free_at + ferry_min(st, a, q->site, hub);
            if (reach > q->arrival_at_site || reach <= best_reach)
                continue;
            if (sf >= 0 && q->arrival + g + ferry_min(st, a, r->prev[sf].site, q->hub) >
                               r->prev[sf].arrival_at_site)
                continue;
            best = (int32_t)t;
            best_reach = reach;
            best_hub = hub;
        }
        if (best < 0)
            return false;
        r->gap_tail[j] = best;
        r->gap_hub[j] = best_hub;
        r->gap_succ[j] = r->succ[off + (size_t)best];
        r->gap_last[off + (size_t)best] = (int32_t)j;
    }
    return true;
}

/* The sorties placed again past the cut on the gaps fit_spills found: each
 * ferries from where its tail is before it, and the kept sortie after it
 * from where it leaves the tail (after apply_tails). */
static void apply_spills(dd_replanner *r, dd_replan_sortie *out, size_t ns)
{
    const dd__state *st = &r->st;
    for (size_t j = 0; j < ns; j++) {
        size_t f = r->spill[j];
        dd_sortie *q = &r->st.sorties[r->placed[f]];
        int32_t a = q->aircraft, t = r->gap_tail[j];
        q->tail = t;
        q->ferry_from = r->gap_hub[j];
        q->ferry_departure = q->arrival_at_site - ferry_min(st, a, q->site, r->gap_hub[j]);
        out[f].tail = t;
        if (r->gap_succ[j] >= 0) { /* in time order: the last one before it wins */
            dd_sortie *w = &r->prev[r->gap_succ[j]];
            w->ferry_from = q->hub;
            w->ferry_departure = w->arrival_at_site - ferry_min(st, a, w->site, q->hub);
        }
    }
}

/* Days past today a run places again at least: the requests in flight
 * (filed a lead time ahead) and tomorrow. */
static int32_t horizon_days(const dd_replanner *r)
{
    dd_time lead = max_t(r->terms.lead_time, 0);
    return 1 + (int32_t)((lead + DD_MINUTES_PER_DAY - 1) / DD_MINUTES_PER_DAY);
}

/* The run as a full one, every sortie on the ground (r->ground) placed
 * again. */
static dd_status in_full(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out, size_t m)
{
    memcpy(r->slot, r->ground, m * sizeof *r->slot);
    return dd__replan_full(r, x, out, m);
}

dd_status dd_replanner_run_incremental(dd_replanner *r, const dd_exec_state *x,
                                       dd_replan_sortie *out)
{
    size_t m;
    dd_status rc = dd__replan_begin(r, x, out, &m);
    if (rc != DD_OK)
        return rc;
    const dd_scenario *s = r->base->scenario;
    bool same_caps = r->terms.country_cap == r->prev_country_cap;
    for (size_t i = 0; i < s->n_sites && same_caps; i++)
        same_caps = r->terms.site_cap[i] == r->prev_site_cap[i];
    if (!r->have_prev || r->weekly || x->keep_clearances || x->now < r->prev_now ||
        !same_caps)
        return dd__replan_full(r, x, out, m);
    memcpy(r->ground, r->slot, m * sizeof *r->ground);
    r->n_kept_ground = m;
    size_t unfit = 0;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        r->keep[f] = fits(r, x, f);
        r->pin[f] = 0;
        unfit += !r->keep[f];
    }
    if (unfit > m / 32) { /* much of it moves: as fast in full */
        return in_full(r, x, out, m);
    }
    int32_t d_now = dd_scenario_day(s, x->now), d = d_now + horizon_days(r);
    int pin_rounds = 0, chain_drops = 0, grown = 0, tries = 0;
    for (;;) {
        dd_time cut = dd_scenario_day_start(s, d);
        int32_t grow = d_now + 2 * (d - d_now);
        if (grown > GROW_MAX || ++tries > MAX_TRIES) /* it reaches far: in full */
            return in_full(r, x, out, m);
        size_t k = 0, kept = 0;
        for (size_t i = 0; i < m; i++) {
            size_t f = r->ground[i];
            const dd_sortie *so = &r->prev[f];
            r->seen[f] = r->keep[f] && so->departure >= cut;
            if (!r->seen[f]) {
                r->slot[k++] = f;
                continue;
            }
            /* on the ramp before the cut: beside those placed again */
            if (so->arrival_at_site < cut)
                r->pin[f] = 1;
            out[f].departure = so->departure;
            out[f].tail = so->tail;
            out[f].keeps_clearance = true;
            out[f].day = dd_scenario_day(s, so->departure);
            kept++;
        }
        if (kept == 0) {
            return in_full(r, x, out, m);
        }
        dd__replan_match(r, x, k);
        int64_t missed;
        r->hold = true;
        rc = dd__replan_place(r, x, out, k, false, &missed);
        r->hold = false;
        if (rc == DD_EINFEASIBLE) { /* a pinned sortie no longer fits: placed again */
            r->keep[r->hold_bad] = 0;
            continue;
        }
        if (rc != DD_OK) {
            r->have_prev = false;
            return rc;
        }
        /* those placed again past the cut: the kept ones beside them on
         * their ramps held too, and placed again */
        size_t ns = 0;
        for (size_t i = 0; i < k; i++) {
            size_t f = r->slot0[i];
            if (out[f].departure != DD_TIME_NONE && out[f].departure >= cut)
                r->spill[ns++] = f;
        }
        if (ns && pin_near_spills(r, ns)) {
            if (++pin_rounds > 8) {
                d = grow;
                r->stats.grown++;
                grown++;
                pin_rounds = 0;
            }
            continue;
        }
        /* the kept sorties find their tails, those placed again past the
         * cut a gap between them */
        frontier_before_cut(r, k, ns);
        size_t bad;
        if (!assign_tails(r, m, &bad)) {
            /* a chain that finds no tail: its first sortie placed again */
            if (++chain_drops <= 8) {
                r->keep[bad] = 0;
                continue;
            }
            chain_drops = 0;
            d = grow;
            r->stats.grown++;
            grown++;
            continue;
        }
        if (ns > MAX_SPILLS || !fit_spills(r, ns)) {
            d = grow;
            r->stats.grown++;
            grown++;
            continue;
        }
        apply_tails(r, out, m);
        apply_spills(r, out, ns);
        dd__replan_keep(r, x, k);
        r->stats.kept += kept;
        return DD_OK;
    }
}
