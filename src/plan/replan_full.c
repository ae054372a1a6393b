/* SPDX-License-Identifier: MIT */
/*
 * The full re-plan under the incremental re-plan's rules (replan.h
 * dd_replanner_run_full, docs/sim.md "Three re-plans"). Every sortie still
 * on the ground is placed again through place.c and checked there — none
 * is taken on trust — but each first where the last run placed it:
 *
 * 1. a slot that can keep its last placement (the one dd_replanner_run_
 *    incremental would keep: not overdue, inside the window it holds, its
 *    load ready by then, its airfield open) keeps its load; the other
 *    slots' loads are matched as a full run matches them (the
 *    incremental run's swap of an overdue slot's ready load into a kept
 *    slot is not made: docs/sim.md);
 * 2. the slots whose last departure is still inside the window they hold
 *    are placed first, in the order of those departures, each at its last
 *    departure on its last tail, else on any tail at that departure;
 * 3. then those that found no room there, each within its day;
 * 4. then the others, and those that found no room in their day, as a
 *    full run places them (by the day each can go): behind the kept plan.
 *
 * As the incremental run goes in full when much moves, the run places the
 * whole plan afresh (dd_replanner_run's order) when more than
 * DD__REPLAN_MOVED_MIN sorties and 1/DD__REPLAN_MOVED_SHARE of those on
 * the ground cannot keep their placement, or when more than
 * DD__REPLAN_STUCK_MAX of them find no room in step 2 or 3 (the
 * incremental run's chains with no tail); and with legs inside the
 * country, for tracking (keep_clearances), at the first run, before the
 * last run's `now`, with other caps than the last run's, or with a
 * destination closed.
 */
#include <string.h>

#include "plan/replan_int.h"

/* Can slot f keep its last placement with the load it carries? */
static bool keeps_last(const dd_replanner *r, const dd_exec_state *x, size_t f)
{
    const dd_exec_sortie *e = &x->sorties[f];
    dd_time d = r->prev[f].departure;
    if (!r->prev_ok[f] || r->prev[f].tail < 0 || d < x->now)
        return false;
    if (e->window_from == DD_TIME_NONE || e->window_to == DD_TIME_NONE || d < e->window_from ||
        d > e->window_to)
        return false;
    if (e->ready != DD_TIME_NONE && d < e->ready)
        return false;
    int32_t site = r->b_site[f];
    return !(x->site_open && x->site_open[site] != DD_TIME_NONE && d < x->site_open[site]);
}

/* Does this run keep what it can (r->stable), or place afresh? */
static bool keeps_rules(const dd_replanner *r, const dd_exec_state *x, size_t m)
{
    const dd_scenario *s = r->base->scenario;
    if (!r->have_prev || x->keep_clearances || r->has_legs || x->now < r->prev_now)
        return false;
    if (r->terms.country_cap != r->prev_country_cap)
        return false;
    for (size_t i = 0; i < s->n_sites; i++)
        if (r->terms.site_cap[i] != r->prev_site_cap[i])
            return false;
    for (size_t h = 0; x->hub_closed_to && h < s->n_hubs; h++)
        if (x->hub_closed_to[h] != DD_TIME_NONE)
            return false;
    size_t moved = 0;
    for (size_t i = 0; i < m; i++)
        moved += !keeps_last(r, x, r->slot[i]);
    return !(moved > DD__REPLAN_MOVED_MIN && moved > m / DD__REPLAN_MOVED_SHARE);
}

void dd__replan_match_slots(dd_replanner *r, const dd_exec_state *x, size_t m)
{
    if (!r->stable) {
        dd__replan_match(r, x, m);
        return;
    }
    /* step 1: the slots that keep their load after the others */
    size_t mo = 0, nk = 0;
    size_t *kept = r->ord;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->slot[i];
        r->keeper[f] = keeps_last(r, x, f);
        if (r->keeper[f])
            kept[nk++] = f;
        else
            r->slot[mo++] = f;
    }
    dd__replan_match(r, x, mo);
    for (size_t i = 0; i < nk; i++) {
        size_t f = kept[i];
        r->give[f] = r->give0[f] = (int32_t)f;
        r->slot[mo + i] = r->slot0[mo + i] = f;
    }
}

/* Slot f placed in steps 2-3 with load c: as the placement loop books
 * one (replan.c), its window kept. */
static dd_status kept_out(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                          size_t f, int32_t c)
{
    int32_t site = r->b_site[f];
    const dd_sortie *so = dd__replan_placed_at(r, x, out, f);
    r->site_last[site] = dd__later(r->site_last[site], so->departure);
    if (r->site_rank)
        dd__replan_order_placed(r, out, f, so);
    out[f] = (dd_replan_sortie){c,    so->departure, so->tail, true,
                                dd__state_day(&r->st, so->departure), so->hub, so->arrival};
    if (r->pax && dd__replan_exits_placed(r, x, out, f, c, so) != DD_OK) {
        r->exits_live = false;
        return DD_ENOMEM;
    }
    return DD_OK;
}

dd_status dd__replan_keep_pass(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                               size_t m, size_t *n_ord)
{
    dd__state *st = &r->st;
    dd__rkey *key = r->tmp; /* (2 × n records: free after the placement order's sort) */
    size_t *later = r->ord + r->n; /* step 3's */
    size_t n_key = 0, n_later = 0, n = 0;
    /* step 2's slots, by their last departure; the others in the
     * placement order (r->cont) */
    for (size_t i = 0; i < m; i++) {
        size_t f = r->cont[i];
        dd_time d = r->prev[f].departure;
        r->pinned[f] = !r->sec_slot[f] && r->latest[f] != INT64_MAX && r->prev_ok[f] &&
                       r->prev[f].tail >= 0 && d >= r->try_at[f] && d <= r->latest[f];
        if (r->pinned[f])
            key[n_key++] = (dd__rkey){{d, 0, 0, 0}, f};
        else
            r->ord[n++] = f;
    }
    dd__replan_rkey_sort(key, key + n_key, n_key);
    for (size_t i = 0; i < n_key; i++) {
        size_t f = key[i].i;
        int32_t c = x->sorties[r->give[f]].carries;
        dd_time d = r->prev[f].departure;
        dd__request rq = {r->b_site[f], r->b_air[f], r->b_load[c], d, 0, d};
        st->pin = r->prev[f].tail + 1;
        dd_status rc = dd__replan_place_req(r, &rq, f, c);
        st->pin = 0;
        if (rc == DD_EINFEASIBLE)
            rc = dd__replan_place_req(r, &rq, f, c);
        if (rc == DD_EINFEASIBLE) {
            later[n_later++] = f;
            continue;
        }
        if (rc != DD_OK || (rc = kept_out(r, x, out, f, c)) != DD_OK)
            return rc;
    }
    r->n_stuck = 0;
    for (size_t i = 0; i < n_later; i++) {
        size_t f = later[i];
        int32_t c = x->sorties[r->give[f]].carries;
        dd_time d = r->prev[f].departure;
        dd_time end = dd__state_day_start(st, dd__state_day(st, d) + 1) - 1;
        dd__request rq = {r->b_site[f], r->b_air[f], r->b_load[c], d, 0,
                          end < r->latest[f] ? end : r->latest[f]};
        dd_status rc = dd__replan_place_req(r, &rq, f, c);
        if (rc == DD_EINFEASIBLE) {
            r->ord[n++] = f; /* step 4, after the others */
            r->n_stuck++;
            continue;
        }
        if (rc != DD_OK || (rc = kept_out(r, x, out, f, c)) != DD_OK)
            return rc;
    }
    *n_ord = n;
    return DD_OK;
}

void dd__replanner_stuck_max(dd_replanner *r, size_t n)
{
    r->stuck_max = n;
}

dd_status dd_replanner_run_full(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out)
{
    size_t m;
    dd_status rc = dd__replan_begin(r, x, out, &m);
    if (rc != DD_OK)
        return rc;
    r->live = false;
    r->stable = keeps_rules(r, x, m);
    rc = dd__replan_full(r, x, out, m);
    r->stable = false;
    return rc;
}
