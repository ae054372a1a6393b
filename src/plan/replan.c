/* SPDX-License-Identifier: MIT */
/*
 * Re-planning from the state of execution (plan.h): the sorties still on
 * the ground are matched to the clearances held and placed again by the
 * same serial placement as the plan (place.c), from `now`, with the tails,
 * the caps' counts and the airfields as they are. The working memory is
 * kept between runs, so the simulator can re-plan many times per
 * replication.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "plan/replan_int.h"

static dd_time max_t(dd_time a, dd_time b)
{
    return a > b ? a : b;
}

/* A planned sortie moved to leave d minutes later (earlier when d < 0):
 * its ferry, its landings at its en-route fuel stops and its arrival with
 * it. */
static void shift_sortie(dd_sortie *so, dd_time d)
{
    so->ferry_departure += d;
    so->arrival_at_site += d;
    so->departure += d;
    so->arrival += d;
    if (so->stop > 0) {
        so->stop_arrival += d;
        so->stop_departure += d;
    }
    if (so->stop2 > 0) {
        so->stop2_arrival += d;
        so->stop2_departure += d;
    }
}

/* The order of closure (sites[].after, phases): each site's depth in it
 * (its longest chain of sites it follows), when a site follows another;
 * else site_rank stays NULL and a re-plan places as before. */
static dd_status order_init(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    bool any = false;
    for (size_t i = 0; i < s->n_sites; i++)
        any |= s->sites[i].n_after > 0;
    if (!any)
        return DD_OK;
    r->site_rank = calloc(s->n_sites, sizeof *r->site_rank);
    r->site_close = malloc(3 * s->n_sites * sizeof *r->site_close);
    if (!r->site_rank || !r->site_close)
        return DD_ENOMEM;
    /* (the loader refuses a cycle: n_sites rounds settle every depth) */
    for (size_t round = 0; round < s->n_sites; round++)
        for (size_t i = 0; i < s->n_sites; i++)
            for (size_t k = 0; k < s->sites[i].n_after; k++) {
                int32_t d = r->site_rank[s->sites[i].after[k]] + 1;
                if (d > r->site_rank[i] && d <= (int32_t)s->n_sites)
                    r->site_rank[i] = d;
            }
    return DD_OK;
}

/* Exit processing (exit_per_day) and the hubs' people a day
 * (people_per_day): the people each load carries, when a site or a hub
 * limits them (else r->pax stays NULL and a re-plan places as before). */
static dd_status exits_init(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    bool any = false;
    for (size_t i = 0; i < s->n_sites; i++)
        any |= (s->sites[i].exit_per_day >= 0 ? s->sites[i].exit_per_day
                                               : s->agreement.personnel.exit_per_day) >= 0;
    for (size_t h = 0; h < s->n_hubs; h++)
        any |= s->hubs[h].people_per_day >= 0;
    for (size_t i = 0; i < s->n_sites; i++)
        any |= dd_site_exit_per_hour(s, (int32_t)i) >= 0;
    if (!any)
        return DD_OK;
    r->pax = calloc(r->n ? r->n : 1, sizeof *r->pax);
    size_t np = 2 * s->n_sites + s->n_hubs; /* the sites' days, the hubs', the sites' hours */
    r->exit_day = calloc(np ? np : 1, sizeof *r->exit_day);
    r->exit_n = calloc(np ? np : 1, sizeof *r->exit_n);
    r->exit_max = calloc(np ? np : 1, sizeof *r->exit_max);
    r->exit_lim = calloc(np ? np : 1, 1);
    r->fix_dep = malloc((r->n ? r->n : 1) * sizeof *r->fix_dep);
    r->fix_car = malloc((r->n ? r->n : 1) * sizeof *r->fix_car);
    r->fix_todo = malloc((r->n ? r->n : 1) * sizeof *r->fix_todo);
    r->exit_lo = malloc((np ? np : 1) * sizeof *r->exit_lo);
    r->exit_hi = malloc((np ? np : 1) * sizeof *r->exit_hi);
    r->exit_ppl = malloc((r->n ? r->n : 1) * sizeof *r->exit_ppl);
    r->ppl_bits = calloc(r->n / 64 + 1, sizeof *r->ppl_bits);
    r->ppl_rank = malloc((r->n / 64 + 1) * sizeof *r->ppl_rank);
    r->ppl_pax = malloc((r->n ? r->n : 1) * sizeof *r->ppl_pax);
    if (!r->fix_todo || !r->ppl_bits || !r->ppl_rank || !r->ppl_pax || !r->pax || !r->exit_day || !r->exit_n || !r->exit_max || !r->exit_lim || !r->fix_dep ||
        !r->fix_car || !r->exit_lo || !r->exit_hi || !r->exit_ppl)
        return DD_ENOMEM;
    int32_t np_loads = 0; /* (the loads with people so far) */
    for (size_t f = 0; f < r->n; f++) {
        for (size_t k = 0; k < r->base->sorties[f].n_pax; k++)
            r->pax[f] += r->base->sorties[f].pax[k].count;
        if (f % 64 == 0)
            r->ppl_rank[f / 64] = np_loads;
        if (r->pax[f] > 0) {
            r->ppl_bits[f / 64] |= (uint64_t)1 << (f % 64);
            r->ppl_pax[np_loads++] = r->pax[f];
        }
    }
    return DD_OK;
}

dd_status dd_replanner_new(const dd_plan *base, dd_replanner **out)
{
    *out = NULL;
    if (!base)
        return DD_EARG;
    dd_replanner *r = calloc(1, sizeof *r);
    if (!r)
        return DD_ENOMEM;
    /* legs inside the country (issue 18): a leg and its onward sortie are
     * placed again together, an onward sortie whose leg has flown alone
     * from the via site (place_stranded) */
    for (size_t i = 0; i < base->n_sorties; i++)
        r->has_legs |= base->sorties[i].kind != DD_SORTIE_OUT;
    r->base = base;
    r->n = base->n_sorties;
    size_t n = r->n ? r->n : 1;
    r->slot = malloc(n * sizeof *r->slot);
    r->cont = malloc(n * sizeof *r->cont);
    r->tmp = malloc(2 * n * sizeof *r->tmp);
    r->try_at = malloc(n * sizeof *r->try_at);
    r->latest = malloc(n * sizeof *r->latest);
    r->give = malloc(n * sizeof *r->give);
    r->placed = malloc(n * sizeof *r->placed);
    r->give0 = malloc(n * sizeof *r->give0);
    r->slot0 = malloc(n * sizeof *r->slot0);
    r->site_last = malloc((base->scenario->n_sites + 1) * sizeof *r->site_last);
    r->left_last = malloc((base->scenario->n_sites + 1) * sizeof *r->left_last);
    r->left_last_ns = malloc((base->scenario->n_sites + 1) * sizeof *r->left_last_ns);
    r->sec = calloc(n, 1);
    r->sec_slot = calloc(n, 1);
    r->seen = malloc(n);
    const dd_scenario *s = base->scenario;
    r->prev = malloc(n * sizeof *r->prev);
    r->pv = malloc(n * sizeof *r->pv);
    r->prev_ok = malloc(n);
    r->prev_site_cap = malloc((s->n_sites + 1) * sizeof *r->prev_site_cap);
    r->keep = malloc(n);
    r->tail_off = malloc((s->n_aircraft + 1) * sizeof *r->tail_off);
    r->b_site = malloc(n * sizeof *r->b_site);
    r->b_grp = malloc(n * sizeof *r->b_grp);
    r->b_kind = malloc(n);
    r->b_air = malloc(n * sizeof *r->b_air);
    r->b_load = malloc(n * sizeof *r->b_load);
    r->b_dep = malloc(n * sizeof *r->b_dep);
    r->b_kg = malloc(n * sizeof *r->b_kg);
    r->undep = malloc(n * sizeof *r->undep);
    r->newly = malloc(n * sizeof *r->newly);
    dd_status st = DD_ENOMEM;
    bool packed = r->b_site && r->b_grp && r->b_kind && r->b_air && r->b_load && r->b_dep && r->b_kg;
    for (size_t f = 0; packed && f < r->n; f++) {
        const dd_sortie *b = &base->sorties[f];
        r->b_site[f] = b->site;
        r->b_grp[f] = b->site * (int32_t)s->n_aircraft + b->aircraft;
        r->b_kind[f] = (unsigned char)b->kind;
        r->b_air[f] = b->aircraft;
        r->b_load[f] = b->load;
        r->b_dep[f] = b->departure;
        r->b_kg[f] = b->weight_kg;
    }
    if (packed && r->undep && r->newly && r->pv && r->slot && r->cont && r->tmp && r->try_at && r->latest && r->give && r->placed &&
        r->give0 && r->slot0 && r->site_last && r->left_last && r->left_last_ns && r->sec && r->sec_slot && r->seen && r->prev &&
        r->prev_ok && r->prev_site_cap && r->keep && r->tail_off) {
        /* each site's last sortie, when it takes out security: the
         * security element that stays to the end (a via site's onward
         * sorties carry no people of its own) */
        for (size_t i = 0; i < base->scenario->n_sites; i++)
            r->site_last[i] = INT64_MIN;
        for (size_t f = 0; f < r->n; f++)
            if (base->sorties[f].kind != DD_SORTIE_ONWARD)
                r->site_last[base->sorties[f].site] =
                    max_t(r->site_last[base->sorties[f].site], base->sorties[f].departure);
        for (size_t f = 0; f < r->n; f++) {
            if (base->sorties[f].departure != r->site_last[base->sorties[f].site])
                continue;
            for (size_t k = 0; k < base->sorties[f].n_pax; k++)
                if (base->scenario->people[base->sorties[f].pax[k].people].role ==
                    DD_ROLE_SECURITY)
                    r->sec[f] = 1;
        }
        st = order_init(r);
        if (st == DD_OK)
            st = exits_init(r);
        if (st == DD_OK)
            st = dd__terms_init(&r->terms, base->scenario);
        if (st == DD_OK)
            st = dd__state_init(&r->st, base->scenario, &r->terms);
        if (st == DD_OK) /* (the terms' MOG never moves in a replanner) */
            st = dd__state_mog_memo(&r->st, true);
    }
    if (st == DD_OK)
        st = dd__replan_init_inc(r);
    if (st != DD_OK) {
        dd_replanner_free(r);
        return st;
    }
    *out = r;
    return DD_OK;
}

void dd_replanner_free(dd_replanner *r)
{
    if (!r)
        return;
    free(r->st.sorties);
    r->st.sorties = NULL;
    dd__state_fini(&r->st);
    dd__terms_fini(&r->terms);
    free(r->b_site);
    free(r->b_grp);
    free(r->b_kind);
    free(r->b_air);
    free(r->b_load);
    free(r->b_dep);
    free(r->b_kg);
    free(r->undep);
    free(r->newly);
    free(r->slot);
    free(r->cont);
    free(r->tmp);
    free(r->try_at);
    free(r->latest);
    free(r->give);
    free(r->placed);
    free(r->give0);
    free(r->slot0);
    free(r->site_last);
    free(r->left_last);
    free(r->left_last_ns);
    free(r->sec);
    free(r->sec_slot);
    free(r->seen);
    free(r->prev);
    free(r->pv);
    free(r->bk);
    free(r->bk_kind);
    free(r->bk_left);
    free(r->retailed);
    free(r->st_f);
    free(r->src);
    free(r->site_rank);
    free(r->site_close);
    for (size_t i = 0;
         r->exit_day && i < 2 * r->base->scenario->n_sites + r->base->scenario->n_hubs; i++)
        free(r->exit_day[i]);
    free(r->exit_day);
    free(r->exit_n);
    free(r->exit_max);
    free(r->exit_lim);
    free(r->exit_lo);
    free(r->exit_hi);
    free(r->exit_ppl);
    free(r->ppl_bits);
    free(r->ppl_rank);
    free(r->ppl_pax);
    free(r->fix);
    free(r->fix_dep);
    free(r->fix_car);
    free(r->fix_todo);
    free(r->pax);
    free(r->fit);
    free(r->look);
    free(r->ret_min);
    free(r->grp_cnt);
    free(r->grp_off);
    free(r->grp_n);
    free(r->cand);
    free(r->over);
    free(r->prev_ok);
    free(r->prev_site_cap);
    free(r->keep);
    free(r->chain);
    free(r->tmap);
    free(r->pool);
    free(r->pool_off);
    free(r->pool_n);
    free(r->order);
    free(r->ground);
    free(r->tail_save);
    free(r->ktail_off);
    free(r->ktail);
    free(r->kfirst);
    free(r->strict);
    free(r->scratch);
    free(r->klink);
    if (r->line)
        for (size_t t = 0; t < r->tail_off[r->base->scenario->n_aircraft]; t++)
            free(r->line[t]);
    free(r->line);
    if (r->slack)
        for (size_t t = 0; t < r->tail_off[r->base->scenario->n_aircraft]; t++)
            free(r->slack[t]);
    free(r->slack);
    free(r->slack_n);
    free(r->slack_cap);
    free(r->line_n);
    free(r->line_cap);
    free(r->gap);
    free(r->gapc);
    free(r->tail_off);
    free(r);
}


/* Sorting with a context: the orders of a re-plan. Each index's keys are
 * computed once, into a record (the placement order's host day of try_at
 * among them), and the records sort by their keys, the index last: a
 * total order, so the same order as comparing sorties pairwise; a merge
 * sort, O(n log n) on the theater plan's thousands of sorties. */
typedef struct sort_ctx {
    const dd_plan *p;
    const dd_exec_state *x;
    int by; /* 0: slot order, 1: content order, 2: placement order,
             * 3: by departure (in try_at) */
    const dd_time *try_at;
    const dd_time *latest; /* placement: INT64_MAX when no window is kept */
    bool windows_first;    /* placement: the clearances held before the rest */
    const unsigned char *sec_slot; /* placement: the slot's load has security */
    const unsigned char *sec_content; /* contents: loads with security last */
    const dd__state *st; /* placement: the host days of try_at */
    const int32_t *rank; /* placement: per site, its depth in the order of
                          * closure (NULL: none) */
    const dd_replanner *r; /* (its packed copies of the base sorties) */
} sort_ctx;

/* The keys of sortie a in order c->by. Slots, contents and departures
 * group by site and type first (k[0]); placement goes by the day each can
 * go (the security's loads after all others, the clearances held first
 * when windows_first), within a day the airfield that must close first
 * takes the caps first. One function an order (merge_sort picks one per
 * sort, not per record). */
static inline dd__rkey rkey_group(const sort_ctx *c, size_t a)
{
    return (dd__rkey){{(int64_t)c->r->b_site[a] * 4294967296LL + c->r->b_air[a], 0, 0, 0}, a};
}

/* slots: windows first, by their start; then the planned order */
static inline dd__rkey rkey_slot(const sort_ctx *c, size_t a)
{
    dd__rkey r = rkey_group(c, a);
    dd_time w = c->x->sorties[a].window_from;
    r.k[1] = w == DD_TIME_NONE ? INT64_MAX : w;
    r.k[2] = c->r->b_dep[a];
    return r;
}

/* contents: by readiness, then the planned order of their sortie */
static inline dd__rkey rkey_content(const sort_ctx *c, size_t a)
{
    dd__rkey r = rkey_group(c, a);
    const dd_exec_sortie *ea = &c->x->sorties[a];
    r.k[1] = c->sec_content ? c->sec_content[ea->carries] : 0;
    r.k[2] = ea->ready == DD_TIME_NONE ? INT64_MIN : ea->ready;
    r.k[3] = c->r->b_dep[ea->carries];
    return r;
}

static inline dd__rkey rkey_depart(const sort_ctx *c, size_t a)
{
    dd__rkey r = rkey_group(c, a);
    r.k[1] = c->try_at[a];
    r.k[2] = c->r->b_dep[a];
    return r;
}

static inline dd__rkey rkey_place(const sort_ctx *c, size_t a)
{
    const dd_replanner *rp = c->r;
    int32_t site = rp->b_site[a];
    const dd_scenario *s = c->p->scenario;
    dd__rkey r = {{0, 0, 0, 0}, a};
    /* the security leaves last: its loads after all others, a via
     * site's after the last legs to it (it stays open for them) */
    bool sec = c->sec_slot && c->sec_slot[a];
    int64_t flags = sec ? 4 + (rp->b_kind[a] != DD_SORTIE_LEG ? 2 : 0) : 0;
    if (c->windows_first && c->latest[a] == INT64_MAX)
        flags |= 1;
    /* the sites' last sorties in the order of closure */
    if (sec && c->rank)
        flags += 8 * (int64_t)c->rank[site];
    r.k[0] = flags * 4294967296LL + ((int64_t)dd__state_day(c->st, c->try_at[a]) + 2147483648LL);
    dd_time cb = s->sites[site].close_by;
    r.k[1] = cb == DD_TIME_NONE ? s->agreement.deadline : cb;
    r.k[2] = c->try_at[a];
    r.k[3] = rp->b_dep[a];
    return r;
}

static bool rkey_less(const dd__rkey *a, const dd__rkey *b)
{
    /* (written out: the sorts' inner step) */
    if (a->k[0] != b->k[0])
        return a->k[0] < b->k[0];
    if (a->k[1] != b->k[1])
        return a->k[1] < b->k[1];
    if (a->k[2] != b->k[2])
        return a->k[2] < b->k[2];
    if (a->k[3] != b->k[3])
        return a->k[3] < b->k[3];
    return a->i < b->i;
}

/* Insertion sort of v[0..n) while it moves at most `budget` records:
 * false when it gave up (v then a permutation of what it was). */
static bool rkey_insert(dd__rkey *v, size_t n, size_t budget)
{
    for (size_t i = 1; i < n; i++) {
        if (!rkey_less(&v[i], &v[i - 1]))
            continue; /* (in place: most are) */
        dd__rkey x = v[i];
        size_t j = i;
        for (; j > 0 && rkey_less(&x, &v[j - 1]); j--)
            v[j] = v[j - 1];
        v[j] = x;
        if (i - j > budget)
            return false;
        budget -= i - j;
    }
    return true;
}

static void rkey_sort(dd__rkey *v, dd__rkey *tmp, size_t n)
{
    if (n <= 12) {
        rkey_insert(v, n, SIZE_MAX);
        return;
    }
    size_t h = n / 2;
    rkey_sort(v, tmp, h);
    rkey_sort(v + h, tmp, n - h);
    if (!rkey_less(&v[h], &v[h - 1]))
        return; /* (in order already: a re-plan's orders mostly are) */
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = rkey_less(&v[j], &v[i]) ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

/* The n indices at v in order c->by; buf holds 2 × n records. */
static void merge_sort(const sort_ctx *c, size_t *v, dd__rkey *buf, size_t n)
{
    size_t desc = 0; /* records out of order: a re-plan's orders often hold already */
    if (c->by == 0)
        for (size_t i = 0; i < n; i++)
            buf[i] = rkey_slot(c, v[i]);
    else if (c->by == 1)
        for (size_t i = 0; i < n; i++)
            buf[i] = rkey_content(c, v[i]);
    else if (c->by == 3)
        for (size_t i = 0; i < n; i++)
            buf[i] = rkey_depart(c, v[i]);
    else
        for (size_t i = 0; i < n; i++)
            buf[i] = rkey_place(c, v[i]);
    for (size_t i = 1; i < n; i++)
        desc += rkey_less(&buf[i], &buf[i - 1]);
    if (desc == 0)
        return;
    /* a few records out of place: insertion (time n + the records moved),
     * while it moves no more than a merge sort would */
    if (desc * 8 > n || !rkey_insert(buf, n, 4 * n))
        rkey_sort(buf, buf + n, n);
    for (size_t i = 0; i < n; i++)
        v[i] = buf[i].i;
}

/* Sortie f of the base plan as it flew, into *so: moved to when it left. */
static void flown_as(const dd_plan *p, const dd_exec_state *x, size_t f, dd_sortie *so)
{
    *so = p->sorties[f];
    shift_sortie(so, x->sorties[f].departed - so->departure);
}

/* The state before placement: caps in force, the days the sorties that
 * have left count against, the tails where and when they are free. */
dd_status dd__replan_reset(dd_replanner *r, const dd_exec_state *x)
{
    dd__state_clear(&r->st);
    r->live = false; /* rebuilt: the kept state's bookings are gone */
    for (size_t f = 0; f < r->n; f++) {
        dd_sortie flown;
        if (x->sorties[f].departed != DD_TIME_NONE &&
            dd__replan_book_flown(r, x, f, &flown) != DD_OK)
            return DD_ENOMEM;
    }
    /* each crew as it is: resting, or fallen out, until crew_free (a
     * state that follows from now, so never kept from run to run) */
    const dd_scenario *s = r->base->scenario;
    for (size_t a = 0; x->crew_free && a < s->n_aircraft; a++)
        for (int32_t k = 0; x->crew_free[a] && k < s->aircraft[a].crews; k++)
            if (dd__state_book_crew_busy(&r->st, (int32_t)a, x->now, x->crew_free[a][k]) != DD_OK)
                return DD_ENOMEM;
    dd__replan_now(r, x);
    return DD_OK;
}

dd_status dd__replan_book_flown(dd_replanner *r, const dd_exec_state *x, size_t f,
                                dd_sortie *flown_out)
{
    const dd_plan *p = r->base;
    dd__state *st = &r->st;
    if (dd__state_count_day(st, p->sorties[f].site,
                            dd__state_day(st, x->sorties[f].departed)) != DD_OK)
        return DD_ENOMEM;
    /* what it flew books its crew (duty and rest) and its tail's hours,
     * as planned but moved to when it left; its crew not when the state
     * says where each crew of the type is; a leg's with its onward sortie
     * (one duty), here or when that one is placed (place_stranded) */
    const dd_sortie *b = &p->sorties[f];
    flown_as(p, x, f, flown_out);
    bool crews = !(x->crew_free && x->crew_free[b->aircraft]);
    if (b->kind == DD_SORTIE_LEG)
        return DD_OK;
    if (b->kind == DD_SORTIE_ONWARD && x->sorties[b->link].departed != DD_TIME_NONE) {
        dd_sortie leg;
        flown_as(p, x, (size_t)b->link, &leg);
        flown_out->ferry_departure = flown_out->arrival_at_site = leg.arrival;
        return dd__state_book_flown_leg(st, &leg, flown_out, crews);
    }
    return dd__state_book_flown(st, flown_out, crews);
}

void dd__replan_now(dd_replanner *r, const dd_exec_state *x)
{
    const dd_scenario *s = r->base->scenario;
    dd__state *st = &r->st;
    /* closed destinations: only when one is (else the nearest, as planned) */
    st->hub_closed_from = st->hub_closed_to = NULL;
    for (size_t h = 0; x->hub_closed_to && h < s->n_hubs; h++)
        if (x->hub_closed_to[h] != DD_TIME_NONE && x->hub_closed_from) {
            st->hub_closed_from = x->hub_closed_from;
            st->hub_closed_to = x->hub_closed_to;
        }
    dd__state_reset_tails(st);
    /* never before now */
    for (size_t a = 0; a < s->n_aircraft; a++)
        for (int32_t k = 0; k < st->n_tails[a]; k++) {
            dd__tail *t = &st->tails[a][k];
            if (t->free_at >= INT64_MAX / 8)
                continue; /* the type never has this tail */
            dd_time fr = x->tail_free && x->tail_free[a] ? x->tail_free[a][k] : x->now;
            t->free_at = max_t(max_t(t->free_at, fr), x->now);
            if (x->tail_hub && x->tail_hub[a] && x->tail_hub[a][k] >= 0 &&
                (size_t)x->tail_hub[a][k] < s->n_hubs)
                t->hub = x->tail_hub[a][k];
        }
    dd__state_tails_moved(st, -1);
}

/* How good a placement is, smaller first: terms missed (sorties with no
 * place count most), minutes late on them, new requests, the end. */
typedef struct score {
    int64_t missed, late, refiled, end;
} score;

static int cmp_score(const score *a, const score *b)
{
    DD__CMP_BY(a->missed, b->missed);
    DD__CMP_BY(a->late, b->late);
    DD__CMP_BY(a->refiled, b->refiled);
    DD__CMP_BY(a->end, b->end);
    return 0;
}

/* Does each of the k placed slots r->cont[i] carry the content
 * r->slot[i] would hand it? A slot placed through an en-route fuel stop,
 * or to a farther hub, carries less than its type's best. */
static bool routes_carry(const dd_replanner *r, const dd_exec_state *x, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        const dd_sortie *so = &r->st.sorties[r->placed[r->cont[i]]];
        double acl = so->acl_kg;
        if (so->kind == DD_SORTIE_LEG && r->st.sorties[so->link].acl_kg < acl)
            acl = r->st.sorties[so->link].acl_kg; /* and on from the via site */
        if (r->b_kg[x->sorties[r->slot[i]].carries] > acl)
            return false;
    }
    return true;
}

/* The placement's state before a pass: rebuilt (with an incremental
 * run's kept sorties held), or an incremental run's kept state as it is
 * (replan_inc.c). */
static dd_status pass_state(dd_replanner *r, const dd_exec_state *x)
{
    if (r->live_run)
        return DD_OK;
    dd_status rc = dd__replan_reset(r, x);
    return rc == DD_OK && r->hold ? dd__replan_hold(r) : rc;
}

/* Does an onward sortie placed at `dep` keep the window its request
 * holds? */
static bool keeps_window(const dd_exec_sortie *e, dd_time dep)
{
    return e->window_from != DD_TIME_NONE && e->window_to != DD_TIME_NONE &&
           dep >= e->window_from && dep <= e->window_to;
}

/* The departures for onward sortie o placed with its leg (st->onward):
 * inside the window its request holds, or a new request's lead time from
 * now on; the via site open, and itself ready (an aborted aircraft's
 * wait). */
static void onward_bounds(dd_replanner *r, const dd_exec_state *x, size_t o)
{
    const dd_exec_sortie *e = &x->sorties[o];
    dd_time soon = x->now + max_t(r->terms.lead_time, 0), t = soon, keep_to = 0;
    if (e->window_from != DD_TIME_NONE && e->window_to != DD_TIME_NONE &&
        e->window_to >= x->now && e->window_to >= e->window_from) {
        t = e->window_from;
        keep_to = e->window_to;
    }
    int32_t via = r->base->sorties[o].site;
    if (x->site_open && x->site_open[via] != DD_TIME_NONE)
        t = max_t(t, x->site_open[via]);
    t = e->ready == DD_TIME_NONE ? t : max_t(t, e->ready);
    r->st.onward.from = max_t(t, 1); /* (0: no bound) */
    r->st.onward.keep_to = keep_to;
    r->st.onward.anew = soon;
}

/* Slot o (an onward sortie) placed as the state's record k. */
static void onward_out(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out, size_t o,
                       size_t k)
{
    const dd_sortie *on = &r->st.sorties[k];
    r->placed[o] = (int32_t)k;
    out[o] = (dd_replan_sortie){x->sorties[o].carries,
                                on->departure,
                                on->tail,
                                keeps_window(&x->sorties[o], on->departure),
                                dd_scenario_day(r->base->scenario, on->departure),
                                on->hub,
                                on->arrival};
    /* the via site stays open until its last onward sortie */
    r->site_last[on->site] = max_t(r->site_last[on->site], on->departure);
}

/* Slot f just placed: its record in the state (a leg's, with its onward
 * sortie after it: that slot placed too). */
static const dd_sortie *placed_at(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                                  size_t f)
{
    size_t k = r->st.n_sorties - 1;
    if (r->base->sorties[f].kind == DD_SORTIE_LEG) {
        onward_out(r, x, out, (size_t)r->base->sorties[f].link, k);
        k--;
    }
    r->placed[f] = (int32_t)k;
    return &r->st.sorties[k];
}

/* The onward sorties still on the ground: each whose leg has flown is
 * placed first, alone, on the leg's tail from the via site where what the
 * leg carried now waits (in the window it holds if it still can); the
 * others are placed with their leg. */
static dd_status place_stranded(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out)
{
    const dd_plan *p = r->base;
    dd_time lead = max_t(r->terms.lead_time, 0);
    for (size_t o = 0; o < r->n; o++) {
        const dd_sortie *b = &p->sorties[o];
        const dd_exec_sortie *e = &x->sorties[o];
        if (b->kind != DD_SORTIE_ONWARD || e->departed != DD_TIME_NONE)
            continue;
        out[o] = (dd_replan_sortie){e->carries, DD_TIME_NONE, -1, false, -1, -1, DD_TIME_NONE};
        r->placed[o] = -1;
        size_t l = (size_t)b->link;
        if (x->sorties[l].departed == DD_TIME_NONE)
            continue;
        dd_sortie leg;
        flown_as(p, x, l, &leg);
        dd_time early = max_t(e->ready == DD_TIME_NONE ? x->now : e->ready, x->now);
        if (x->site_open && x->site_open[b->site] != DD_TIME_NONE)
            early = max_t(early, x->site_open[b->site]);
        dd__request rq = {b->site, b->aircraft, p->sorties[x->sorties[l].carries].load,
                          max_t(early, e->window_from), 0, e->window_to};
        dd_status rc = DD_EINFEASIBLE;
        if (e->window_from != DD_TIME_NONE && e->window_to != DD_TIME_NONE &&
            e->window_to >= early)
            rc = dd__place_onward(&r->st, &rq, p->loads, &leg);
        if (rc == DD_EINFEASIBLE) {
            rq.ready = max_t(early, x->now + lead);
            rq.latest = INT64_MAX;
            rc = dd__place_onward(&r->st, &rq, p->loads, &leg);
        }
        if (rc == DD_EINFEASIBLE)
            continue;
        if (rc != DD_OK)
            return rc;
        onward_out(r, x, out, o, r->st.n_sorties - 1);
    }
    return DD_OK;
}

static score score_of(dd_replanner *r, const dd_replan_sortie *out);

/* Each site's closure (r->site_close[0..n_sites)) from what a placement
 * does not move: the sorties that left (dd__replan_begin's left_last),
 * those placed (out), the people's
 * commercial flights; and (r->site_close[n_sites..]) whether a sortie of
 * the site is still on the ground. */
static void order_closures(const dd_replanner *r, const dd_replan_sortie *out)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    dd_time *cl = r->site_close, *ground = r->site_close + s->n_sites;
    for (size_t i = 0; i < s->n_sites; i++) {
        cl[i] = r->left_last[i]; /* (INT64_MIN: DD_TIME_NONE) */
        ground[i] = 0;
    }
    for (size_t i = 0; i < r->n_undep; i++) {
        size_t f = r->undep[i];
        int32_t site = r->b_site[f];
        ground[site] = 1;
        cl[site] = max_t(cl[site], out[f].departure);
    }
    for (size_t k = 0; k < p->n_movements; k++)
        if (p->movements[k].sortie < 0) {
            int32_t site = s->people[p->movements[k].people].site;
            cl[site] = max_t(cl[site], p->movements[k].departure);
        }
}

/* The earliest a site's last departure may be: after the closure so far
 * of each site it follows (INT64_MIN: no bound). */
static dd_time order_bound(const dd_replanner *r, int32_t site)
{
    const dd_site *x = &r->base->scenario->sites[site];
    dd_time t = INT64_MIN;
    for (size_t k = 0; k < x->n_after; k++) {
        dd_time c = r->site_close[x->after[k]];
        if (c != DD_TIME_NONE)
            t = max_t(t, c + 1);
    }
    return t;
}

/* Before a placement of the m slots at r->slot: each site that follows
 * another closes with its slot planned last (flagged as the security's
 * are: placed after the rest of its site, the sites in the order of
 * closure, after the closure of those it follows). */
static void order_begin(dd_replanner *r, const dd_replan_sortie *out, size_t m)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    dd_time *last = r->site_close + 2 * s->n_sites;
    order_closures(r, out);
    for (size_t i = 0; i < s->n_sites; i++)
        last[i] = INT64_MIN;
    for (size_t i = 0; i < m; i++) {
        const dd_sortie *so = &p->sorties[r->slot[i]];
        last[so->site] = max_t(last[so->site], so->departure);
    }
    for (size_t i = 0; i < m; i++) {
        const dd_sortie *so = &p->sorties[r->slot[i]];
        if (s->sites[so->site].n_after > 0 && so->kind != DD_SORTIE_ONWARD &&
            so->departure == last[so->site])
            r->sec_slot[r->slot[i]] = 1;
    }
}

/* Slot f placed (so): its site's closure (and its onward sortie's). */
static void order_placed(dd_replanner *r, const dd_replan_sortie *out, size_t f,
                         const dd_sortie *so)
{
    const dd_sortie *b = &r->base->sorties[f];
    r->site_close[so->site] = max_t(r->site_close[so->site], so->departure);
    if (b->kind == DD_SORTIE_LEG) {
        int32_t v = r->base->sorties[b->link].site;
        r->site_close[v] = max_t(r->site_close[v], out[b->link].departure);
    }
}

/* n more people leaving `site` on host day `day` (a day before the epoch
 * is not counted: nothing leaves then); a `site` from n_sites on is hub
 * site - n_sites, its people landing that day. */
static dd_status exits_add(dd_replanner *r, int32_t site, int32_t day, int32_t n)
{
    if (day < 0 || n == 0)
        return DD_OK;
    size_t d = (size_t)day;
    if (d >= r->exit_n[site]) {
        size_t m = d + 64;
        int32_t *v = realloc(r->exit_day[site], m * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        memset(v + r->exit_n[site], 0, (m - r->exit_n[site]) * sizeof *v);
        r->exit_day[site] = v;
        r->exit_n[site] = m;
    }
    r->exit_day[site][d] += n;
    if (r->exit_day[site][d] > r->exit_max[site])
        r->exit_max[site] = r->exit_day[site][d];
    return DD_OK;
}


static int32_t exits_on(const dd_replanner *r, int32_t site, int32_t day)
{
    return day >= 0 && (size_t)day < r->exit_n[site] ? r->exit_day[site][day] : 0;
}

/* Do n more people leaving `site` on `day` keep within its exit
 * processing? (A load above it alone goes on a day nobody else leaves.) */
static int32_t day_cap(const dd_replanner *r, int32_t place)
{
    const dd_scenario *s = r->base->scenario;
    int32_t ns = (int32_t)s->n_sites, nh = (int32_t)s->n_hubs;
    if (place < ns)
        return r->terms.exit_per_day[place];
    return place < ns + nh ? r->terms.hub_people[place - ns]
                           : dd_site_exit_per_hour(s, place - ns - nh);
}

/* Might n more people at `place` find a full day (or hour)? Not when its
 * busiest so far takes them: then the placement needs no probe. */
static bool may_fill(const dd_replanner *r, int32_t place, int32_t n)
{
    int32_t cap = day_cap(r, place);
    return cap >= 0 && r->exit_max[place] + n > cap;
}

/* The index of `site`'s clock hours among the counters. */
static int32_t hours_of(const dd_replanner *r, int32_t site)
{
    return (int32_t)(r->base->scenario->n_sites + r->base->scenario->n_hubs) + site;
}

static int32_t hour_of(const dd_scenario *s, dd_time t)
{
    int64_t h = dd_scenario_hour(s, t);
    return h > INT32_MAX ? INT32_MAX : h < INT32_MIN ? INT32_MIN : (int32_t)h;
}

/* The start of the clock hour after t's (dd_scenario_hour's hours). */
static dd_time next_hour(const dd_scenario *s, dd_time t)
{
    int64_t m = s->epoch_unix / 60 + s->agreement.tz_offset;
    return (dd_scenario_hour(s, t) + 1) * 60 - ((m % 60) + 60) % 60;
}

/* n people leaving `site` at t: its day's and its clock hour's count. */
static dd_status site_exit(dd_replanner *r, int32_t site, dd_time t, int32_t n)
{
    const dd_scenario *s = r->base->scenario;
    int32_t hs = hours_of(r, site);
    if (n == 0)
        return DD_OK;
    dd_status rc = r->exit_lim[site] ? exits_add(r, site, dd__state_day(&r->st, t), n) : DD_OK;
    return rc == DD_OK && r->exit_lim[hs] ? exits_add(r, hs, hour_of(s, t), n) : rc;
}


static bool exits_room(const dd_replanner *r, int32_t site, int32_t day, int32_t n)
{
    int32_t cap = day_cap(r, site), used = exits_on(r, site, day);
    return cap < 0 || n == 0 || used + n <= cap || (n > cap && used == 0);
}

/* Do n more people leaving `site` at t keep within its exit processing,
 * by the day and by the clock hour? */
static bool site_room(const dd_replanner *r, int32_t site, dd_time t, int32_t n)
{
    const dd_scenario *s = r->base->scenario;
    return exits_room(r, site, dd__state_day(&r->st, t), n) &&
           exits_room(r, hours_of(r, site), hour_of(s, t), n);
}

/* Sortie f's people landing at its hub (an onward sortie lands its leg's;
 * a leg lands at the via site), as it left or is placed (out). */
static bool hub_landing(const dd_replanner *r, const dd_exec_state *x,
                        const dd_replan_sortie *out, size_t f, int32_t *hub, dd_time *arr,
                        int32_t *pax)
{
    const dd_exec_sortie *e = &x->sorties[f];
    if (r->b_kind[f] == DD_SORTIE_LEG)
        return false;
    const dd_sortie *b = &r->base->sorties[f];
    size_t g = r->b_kind[f] == DD_SORTIE_ONWARD ? (size_t)b->link : f; /* whose load */
    int32_t c = x->sorties[g].departed != DD_TIME_NONE ? x->sorties[g].carries : out[g].carries;
    if (e->departed != DD_TIME_NONE) {
        *hub = b->hub;
        *arr = e->departed + (b->arrival - b->departure);
    } else {
        *hub = out[f].hub;
        *arr = out[f].arrival;
    }
    *pax = c >= 0 ? r->pax[c] : 0;
    return *hub >= 0 && *arr != DD_TIME_NONE && *pax > 0 &&
           (e->departed != DD_TIME_NONE || out[f].departure != DD_TIME_NONE);
}

static dd_status hub_add(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                         size_t f)
{
    int32_t h, pax;
    dd_time arr;
    if (!r->hub_lim || !hub_landing(r, x, out, f, &h, &arr, &pax))
        return DD_OK;
    const dd_scenario *s = r->base->scenario;
    return exits_add(r, (int32_t)s->n_sites + h, dd__state_day(&r->st, arr), pax);
}

/* Does a sortie placed land at a hub on a day it takes more people than
 * its people a day? (After exits_count.) */
static bool hubs_broken(const dd_replanner *r, const dd_exec_state *x,
                        const dd_replan_sortie *out)
{
    const dd_scenario *s = r->base->scenario;
    for (size_t i = 0; i < r->n_undep; i++) { /* (what left is not placed) */
        size_t f = r->undep[i];
        /* (on the ground: it lands where and when out says, if at all;
         * looked at further only on a day over the cap) */
        if (x->sorties[f].departed != DD_TIME_NONE || out[f].hub < 0 ||
            out[f].arrival == DD_TIME_NONE)
            continue;
        int32_t at = (int32_t)s->n_sites + out[f].hub;
        int32_t cap = day_cap(r, at), used = exits_on(r, at, dd__state_day(&r->st, out[f].arrival));
        if (cap < 0 || used <= cap)
            continue;
        int32_t h, pax;
        dd_time arr;
        if (hub_landing(r, x, out, f, &h, &arr, &pax) && !(pax > cap && used == pax))
            return true;
    }
    return false;
}

/* One count the run's placements do not change: kept in r->fix (as
 * exits_add would count it: none before the epoch, none of nobody). */
static dd_status fix_add(dd_replanner *r, int32_t at, int32_t when, int32_t n)
{
    if (when < 0 || n == 0)
        return DD_OK;
    if (n < 0)
        r->fix_ok = false; /* (a count taken back: exits_count counts in order) */
    if (r->n_fix == r->cap_fix) {
        size_t m = r->cap_fix ? 2 * r->cap_fix : 64;
        int32_t *v = realloc(r->fix, 3 * m * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        r->fix = v;
        r->cap_fix = m;
    }
    int32_t *e = r->fix + 3 * r->n_fix++;
    e[0] = at;
    e[1] = when;
    e[2] = n;
    return DD_OK;
}

/* n people leaving `site` at t, into r->fix (site_exit's counts). */
static dd_status fix_exit(dd_replanner *r, int32_t site, dd_time t, int32_t n)
{
    int32_t hs = hours_of(r, site);
    dd_status rc = r->exit_lim[site] ? fix_add(r, site, dd__state_day(&r->st, t), n) : DD_OK;
    return rc == DD_OK && r->exit_lim[hs] ? fix_add(r, hs, hour_of(r->base->scenario, t), n)
                                          : rc;
}

/* Does sortie f's count not depend on a placement? (It left, and so did
 * the leg whose load it carries on.) */
static bool fixed_sortie(const dd_replanner *r, const dd_exec_state *x, size_t f)
{
    return x->sorties[f].departed != DD_TIME_NONE &&
           (r->b_kind[f] != DD_SORTIE_ONWARD ||
            x->sorties[r->base->sorties[f].link].departed != DD_TIME_NONE);
}

/* Sortie f that left, into r->fix. */
static dd_status fix_sortie(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                            size_t f)
{
    const dd_exec_sortie *e = &x->sorties[f];
    r->fix_dep[f] = e->departed;
    r->fix_car[f] = e->carries;
    if (e->carries < 0)
        return DD_OK;
    dd_status rc = fix_exit(r, r->base->sorties[f].site, e->departed, r->pax[e->carries]);
    int32_t h, pax;
    dd_time arr;
    if (rc == DD_OK && r->hub_lim && hub_landing(r, x, out, f, &h, &arr, &pax))
        rc = fix_add(r, (int32_t)r->base->scenario->n_sites + h, dd__state_day(&r->st, arr), pax);
    return rc;
}

/* r->fix anew: the commercial flights, the sorties that left. */
static dd_status fix_count(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    dd_status rc = DD_OK;
    r->n_fix = 0;
    r->fix_ok = true;
    for (size_t k = 0; k < p->n_movements && rc == DD_OK; k++)
        if (p->movements[k].sortie < 0)
            rc = fix_exit(r, s->people[p->movements[k].people].site, p->movements[k].departure,
                          p->movements[k].count);
    r->n_todo = 0;
    for (size_t f = 0; f < r->n && rc == DD_OK; f++) {
        r->fix_dep[f] = DD_TIME_NONE;
        if (fixed_sortie(r, x, f))
            rc = fix_sortie(r, x, out, f);
        if (r->fix_dep[f] == DD_TIME_NONE)
            r->fix_todo[r->n_todo++] = f;
    }
    if (rc != DD_OK)
        r->fix_ok = false;
    return rc;
}

/* r->fix brought up to x: the sorties that left since added, counted
 * anew on any other change. False when it cannot be kept. */
static bool fix_update(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    if (r->fix_ok && r->fix_run == r->stats.runs)
        return true; /* brought up to this run's x already */
    r->fix_run = r->stats.runs;
    size_t nt = 0;
    for (size_t f = 0; f < r->n && r->fix_ok; f++) {
        /* (the most: still on the ground, or counted as it left) */
        const dd_exec_sortie *e = &x->sorties[f];
        if (e->departed != r->fix_dep[f] ||
            (e->departed != DD_TIME_NONE &&
             (e->carries != r->fix_car[f] || r->b_kind[f] == DD_SORTIE_ONWARD))) {
            bool now = fixed_sortie(r, x, f);
            if (r->fix_dep[f] == DD_TIME_NONE) {
                if (now && fix_sortie(r, x, out, f) != DD_OK)
                    r->fix_ok = false;
            } else if (!now || r->fix_dep[f] != x->sorties[f].departed ||
                       r->fix_car[f] != x->sorties[f].carries) {
                r->fix_ok = false;
            }
        }
        if (r->fix_dep[f] == DD_TIME_NONE)
            r->fix_todo[nt++] = f;
    }
    r->n_todo = nt;
    return r->fix_ok || (fix_count(r, x, out) == DD_OK && r->fix_ok);
}

/* fix_update for an incremental run, whose states are those of one
 * execution in time order (a sortie that left stays as it left): only
 * the sorties fix does not hold (r->fix_todo) are looked at. With legs,
 * or when a sortie fix holds is on the ground again, as fix_update. */
static bool fix_update_left(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    if (!r->fix_ok || r->has_legs || r->fix_run == r->stats.runs)
        return fix_update(r, x, out);
    r->fix_run = r->stats.runs;
    size_t nt = 0, u = 0; /* (r->undep: those on the ground, in index order) */
    for (size_t j = 0; j < r->n_todo && r->fix_ok; j++) {
        size_t f = r->fix_todo[j]; /* (no legs: fixed_sortie is "it left") */
        while (u < r->n_undep && r->undep[u] < f)
            u++;
        if (u < r->n_undep && r->undep[u] == f)
            r->fix_todo[nt++] = f;
        else if (fix_sortie(r, x, out, f) != DD_OK)
            r->fix_ok = false;
    }
    /* (those on the ground are among the nt, so all of them when as many) */
    if (r->fix_ok && nt == r->n_undep) {
        r->n_todo = nt;
        return true;
    }
    return fix_count(r, x, out) == DD_OK && r->fix_ok;
}

/* Before a count: the counters limited now, all at zero. */
static void exits_reset(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    r->hub_lim = false;
    for (size_t i = 0; i < 2 * s->n_sites + s->n_hubs; i++) {
        r->exit_lim[i] = day_cap(r, (int32_t)i) >= 0;
        r->hub_lim |= r->exit_lim[i] && i >= s->n_sites && i < s->n_sites + s->n_hubs;
        if (r->exit_n[i])
            memset(r->exit_day[i], 0, r->exit_n[i] * sizeof *r->exit_day[i]);
        r->exit_max[i] = 0;
    }
}

/* Sortie f's people (c's, leaving at d) into the counts. */
static dd_status exits_sortie(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                              size_t f, dd_time d, int32_t c)
{
    dd_status rc = site_exit(r, r->b_site[f], d, r->pax[c]);
    return rc == DD_OK ? hub_add(r, x, out, f) : rc;
}

/* A count's end: what fix holds (fixed: fix_update's answer), else the
 * commercial flights (the sorties that left are counted with the rest). */
static dd_status exits_finish(dd_replanner *r, bool fixed, dd_status rc)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    if (fixed) {
        for (size_t i = 0; i < r->n_fix && rc == DD_OK; i++)
            rc = exits_add(r, r->fix[3 * i], r->fix[3 * i + 1], r->fix[3 * i + 2]);
    } else {
        for (size_t k = 0; k < p->n_movements && rc == DD_OK; k++)
            if (p->movements[k].sortie < 0)
                rc = site_exit(r, s->people[p->movements[k].people].site,
                               p->movements[k].departure, p->movements[k].count);
    }
    r->exits_live = rc == DD_OK;
    return rc;
}

/* The people leaving each site each day in a placement so far: those that
 * left, those placed (out), the commercial flights (the first and the last
 * kept from run to run in r->fix, fix_update). */
static dd_status exits_count(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    dd_status rc = DD_OK;
    exits_reset(r);
    bool fixed = fix_update(r, x, out);
    /* with no legs, what fix does not hold is what is on the ground */
    bool few = fixed && !r->has_legs;
    size_t nf = few ? r->n_undep : r->n;
    for (size_t i = 0; i < nf && rc == DD_OK; i++) {
        size_t f = few ? r->undep[i] : i;
        if (fixed && r->fix_dep[f] != DD_TIME_NONE) /* (fix_update: it is fixed_sortie) */
            continue;
        const dd_exec_sortie *e = &x->sorties[f];
        dd_time d = e->departed;
        int32_t c = e->carries;
        if (d == DD_TIME_NONE) {
            d = out[f].departure;
            c = out[f].carries;
        }
        /* (nobody aboard: nothing to count, unless an onward sortie
         * lands its leg's people) */
        if (d == DD_TIME_NONE || c < 0 || (r->pax[c] == 0 && r->b_kind[f] != DD_SORTIE_ONWARD))
            continue;
        rc = exits_sortie(r, x, out, f, d, c);
    }
    return exits_finish(r, fixed, rc);
}

/* The start of clock hour h (dd_scenario_hour's hours). */
static dd_time hour_start(const dd_scenario *s, int64_t h)
{
    int64_t m = s->epoch_unix / 60 + s->agreement.tz_offset;
    return h * 60 - ((m % 60) + 60) % 60;
}

/* After a count: per counter, the times from the start of its first day
 * (or hour) over its cap to the end of its last (r->exit_lo/exit_hi; an
 * empty span when none is over). A count that only goes down since stays
 * inside them. Does any counter hold more than its cap? (Its exit_max only
 * bounds them.) */
static bool exits_spans(dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    size_t nd = s->n_sites + s->n_hubs; /* (the counters by the day) */
    bool any = false;
    for (size_t i = 0; i < nd + s->n_sites; i++) {
        int32_t cap = day_cap(r, (int32_t)i);
        int64_t lo = -1, hi = -1;
        for (size_t d = 0; cap >= 0 && r->exit_max[i] > cap && d < r->exit_n[i]; d++)
            if (r->exit_day[i][d] > cap) {
                lo = lo < 0 ? (int64_t)d : lo;
                hi = (int64_t)d;
            }
        r->exit_lo[i] = INT64_MAX;
        r->exit_hi[i] = INT64_MIN;
        if (lo < 0)
            continue;
        any = true;
        r->exit_lo[i] = i < nd ? dd__state_day_start(&r->st, (int32_t)lo) : hour_start(s, lo);
        r->exit_hi[i] = i < nd ? dd__state_day_start(&r->st, (int32_t)hi + 1) : hour_start(s, hi + 1);
    }
    return any;
}

/* Might people leaving `site` at t find its day or its hour over the cap
 * (inside exits_spans's spans)? */
static inline bool site_spans(const dd_replanner *r, int32_t site, dd_time t)
{
    int32_t hs = hours_of(r, site);
    return (t >= r->exit_lo[site] && t < r->exit_hi[site]) ||
           (t >= r->exit_lo[hs] && t < r->exit_hi[hs]);
}

/* Is a hub's day over its cap (exits_spans)? */
static bool hubs_spans(const dd_replanner *r)
{
    const dd_scenario *s = r->base->scenario;
    bool any = false;
    for (size_t h = 0; h < s->n_hubs; h++)
        any |= r->exit_lo[s->n_sites + h] != INT64_MAX;
    return any;
}

/* Does a placement (out), its people counted (exits_count), let more
 * people leave a site a day or an hour, or land at a hub a day, than it
 * takes? */
static bool exits_over(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    const dd_scenario *s = r->base->scenario;
    /* none over when no counter has been over */
    if (!exits_spans(r))
        return false;
    if (hubs_spans(r) && hubs_broken(r, x, out))
        return true;
    for (size_t i = 0; i < r->n_undep; i++) {
        size_t f = r->undep[i];
        int32_t site = r->b_site[f];
        /* (a site with no span first: its sorties' placements not read) */
        if ((r->exit_lo[site] == INT64_MAX && r->exit_lo[hours_of(r, site)] == INT64_MAX) ||
            out[f].departure == DD_TIME_NONE || !site_spans(r, site, out[f].departure) ||
            x->sorties[f].departed != DD_TIME_NONE || out[f].carries < 0)
            continue;
        int32_t at[2] = {site, hours_of(r, site)};
        for (int k = 0; k < 2; k++) {
            int32_t cap = day_cap(r, at[k]);
            if (cap < 0)
                continue;
            int32_t when = k == 0 ? dd__state_day(&r->st, out[f].departure)
                                  : hour_of(s, out[f].departure);
            int32_t used = exits_on(r, at[k], when), pax;
            if (used > cap && (pax = r->pax[out[f].carries]) > 0 && !(pax > cap && used == pax))
                return true;
        }
    }
    return false;
}

bool dd__replan_exits_broken(dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out)
{
    if (!r->pax)
        return false;
    if ((!r->exits_live || r->no_live) && exits_count(r, x, out) != DD_OK)
        return true; /* (out of memory: the full run finds it again) */
    return exits_over(r, x, out);
}

/* Is sortie f's count (pax people, placed as out[f]) over a cap of its
 * site's day or hour or its hub's day? (A load above a cap alone is not.) */
static bool kept_over(const dd_replanner *r, const dd_exec_state *x, const dd_replan_sortie *out,
                      size_t f, int32_t pax)
{
    const dd_scenario *s = r->base->scenario;
    int32_t site = r->base->sorties[f].site;
    int32_t at[3] = {site, hours_of(r, site), -1};
    int32_t when[3] = {dd__state_day(&r->st, out[f].departure), hour_of(s, out[f].departure), 0};
    int32_t h, hp;
    dd_time arr;
    if (r->hub_lim && hub_landing(r, x, out, f, &h, &arr, &hp)) {
        at[2] = (int32_t)s->n_sites + h;
        when[2] = dd__state_day(&r->st, arr);
    }
    for (int k = 0; k < 3; k++) {
        if (at[k] < 0 || !r->exit_lim[at[k]])
            continue;
        int32_t cap = day_cap(r, at[k]), used = exits_on(r, at[k], when[k]);
        if (cap >= 0 && used > cap && !(pax > cap && used == pax))
            return true;
    }
    return false;
}

/* exits_count for exits_unkeep's out: its kept sorties with people, the
 * k at r->ground[r->exit_ppl[0..k)], in place of the sorties on the
 * ground (the others placed nowhere) when those are all of them and fix
 * holds the rest. */
static dd_status exits_count_kept(dd_replanner *r, const dd_exec_state *x,
                                  const dd_replan_sortie *out, size_t m, size_t k)
{
    /* (with no legs, the sorties on the ground are those not yet left) */
    if (r->has_legs || m != r->n_undep)
        return exits_count(r, x, out);
    exits_reset(r);
    bool fixed = fix_update_left(r, x, out);
    if (!fixed) /* (out of memory) */
        return exits_count(r, x, out);
    dd_status rc = DD_OK;
    for (size_t j = 0; j < k && rc == DD_OK; j++) {
        const dd__replan_ppl *e = &r->exit_ppl[j];
        rc = site_exit(r, e->site, e->departure, e->pax);
        if (rc == DD_OK)
            rc = hub_add(r, x, out, e->f);
    }
    return exits_finish(r, fixed, rc);
}

size_t dd__replan_exits_unkeep(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                               size_t m)
{
    if (!r->pax)
        return 0;
    size_t k = 0; /* the kept sorties placed with people aboard */
    for (size_t i = 0; i < m; i++) {
        size_t f = r->ground[i];
        out[f] = (dd_replan_sortie){-1, DD_TIME_NONE, -1, false, -1, -1, DD_TIME_NONE};
        if (!r->keep[f])
            continue;
        const dd__replan_pv *so = &r->pv[f];
        int32_t c = x->sorties[r->src[f]].carries;
        out[f].carries = c;
        out[f].departure = so->departure;
        out[f].hub = so->hub;
        out[f].arrival = so->arrival;
        uint64_t w = c >= 0 ? r->ppl_bits[c / 64] : 0, below = 0;
        if (c >= 0)
            below = ((uint64_t)1 << (c % 64)) - 1;
        if (so->departure != DD_TIME_NONE && (w & (below + 1))) {
            /* (r->pax[c] from the small array of loads with people) */
            int32_t pax = r->ppl_pax[r->ppl_rank[c / 64] + __builtin_popcountll(w & below)];
            r->exit_ppl[k++] = (dd__replan_ppl){f, so->departure, r->b_site[f], pax};
        }
    }
    if (exits_count_kept(r, x, out, m, k) != DD_OK)
        return 0; /* (out of memory: the run's own count finds it again) */
    bool any = exits_spans(r), hubs = any && hubs_spans(r);
    size_t moved = 0;
    /* the latest first (a sortie outside the spans is over no cap: the
     * counts only go down here) */
    for (size_t j = k; any && j-- > 0 && r->exits_live;) {
        const dd__replan_ppl *e = &r->exit_ppl[j];
        size_t f = e->f;
        if (!hubs && !site_spans(r, e->site, e->departure))
            continue;
        if (!kept_over(r, x, out, f, e->pax))
            continue;
        r->keep[f] = 0;
        moved++;
        dd__replan_exits_drop(r, x, out, f);
    }
    return moved;
}

void dd__replan_exits_drop(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t f)
{
    if (!r->pax || out[f].departure == DD_TIME_NONE || out[f].carries < 0)
        return;
    int32_t pax = r->pax[out[f].carries], h, hp;
    dd_time arr;
    bool hub = r->hub_lim && hub_landing(r, x, out, f, &h, &arr, &hp);
    if (site_exit(r, r->base->sorties[f].site, out[f].departure, -pax) != DD_OK ||
        (hub && exits_add(r, (int32_t)r->base->scenario->n_sites + h, dd__state_day(&r->st, arr),
                          -hp) != DD_OK))
        r->exits_live = false; /* (out of memory: counted again) */
    out[f].departure = DD_TIME_NONE;
}

/* A placement's check (dd__place_checked) of the sortie found for n
 * people at `site`: INT64_MIN when its day, its clock hour (and, with
 * hubs, its hub's day) take them, else the next time worth trying. */
typedef struct room_check {
    const dd_replanner *r;
    int32_t site, pax;
    bool hubs;
} room_check;

static dd_time room_next(void *ctx, const dd_sortie *q)
{
    const room_check *k = ctx;
    const dd_replanner *r = k->r;
    const dd_scenario *s = r->base->scenario;
    int32_t ns = (int32_t)s->n_sites;
    int32_t day = dd_scenario_day(s, q->departure), arr = dd_scenario_day(s, q->arrival);
    dd_time next = INT64_MIN;
    if (!exits_room(r, k->site, day, k->pax))
        next = dd_scenario_day_start(s, day + 1);
    else if (!site_room(r, k->site, q->departure, k->pax)) /* its clock hour is full */
        next = next_hour(s, q->departure);
    if (k->hubs && q->hub >= 0 && !exits_room(r, ns + q->hub, arr, k->pax))
        next = max_t(next, q->departure + (dd_scenario_day_start(s, arr + 1) - q->arrival));
    return next;
}

/* dd__place for slot f carrying load c, on a day its site's exit
 * processing can take the load's people: each departure the placement
 * finds on a full day is tried again from the next day (an incremental
 * run's in the tails' gaps). DD_EINFEASIBLE when that leaves the window. */
static dd_status place_req(dd_replanner *r, dd__request *rq, size_t f, int32_t c)
{
    dd__state *st = &r->st;
    const dd_scenario *s = r->base->scenario;
    int32_t site = r->base->sorties[f].site, ns = (int32_t)s->n_sites;
    bool hubs = false; /* (a leg lands at the via site: its onward sortie at a hub) */
    bool check = r->pax && r->pax[c] > 0;
    for (size_t h = 0; check && h < s->n_hubs; h++)
        hubs |= r->base->sorties[f].kind == DD_SORTIE_OUT && may_fill(r, ns + (int32_t)h, r->pax[c]);
    check = check && (may_fill(r, site, r->pax[c]) || may_fill(r, hours_of(r, site), r->pax[c]) || hubs);
    room_check chk = {r, site, check ? r->pax[c] : 0, hubs};
    if (r->hold)
        return dd__replan_place_gap(r, rq, check ? room_next : NULL, &chk);
    if (!check)
        return dd__place(st, rq, r->base->loads);
    for (int k = 0; k < 366; k++) {
        dd_time next;
        dd_status rc = dd__place_checked(st, rq, r->base->loads, room_next, &chk, &next);
        if (rc != DD_OK || next == INT64_MIN)
            return rc; /* (booked, or none) */
        if (next > rq->latest)
            return DD_EINFEASIBLE;
        rq->ready = next;
    }
    return dd__place(st, rq, r->base->loads);
}

/* Slot f placed (so) with load c: its people leave (and its onward
 * sortie's, at the via site). */
static dd_status exits_placed(dd_replanner *r, const dd_exec_state *x,
                              const dd_replan_sortie *out, size_t f, int32_t c, const dd_sortie *so)
{
    const dd_sortie *b = &r->base->sorties[f];
    dd_status rc = site_exit(r, so->site, so->departure, r->pax[c]);
    if (rc == DD_OK && b->kind == DD_SORTIE_LEG && out[b->link].carries >= 0)
        rc = site_exit(r, r->base->sorties[b->link].site, out[b->link].departure,
                       r->pax[out[b->link].carries]);
    if (rc == DD_OK)
        rc = hub_add(r, x, out, b->kind == DD_SORTIE_LEG ? (size_t)b->link : f);
    return rc;
}

bool dd__replan_order_broken(const dd_replanner *r, const dd_replan_sortie *out)
{
    if (!r->site_rank)
        return false;
    const dd_scenario *s = r->base->scenario;
    order_closures(r, out);
    for (size_t i = 0; i < s->n_sites; i++) {
        dd_time b = order_bound(r, (int32_t)i), c = r->site_close[i];
        if (r->site_close[s->n_sites + i] && b != INT64_MIN && (c == DD_TIME_NONE || c < b))
            return true;
    }
    return false;
}

/* Placed slot f's load, `was` people, now `now`: the counts of its site's
 * day and hour and of its hub's day (its onward sortie's, for a leg) as
 * exits_count would make them. */
static dd_status exits_move(dd_replanner *r, const dd_replan_sortie *out, size_t f, int32_t was,
                            int32_t now)
{
    const dd_sortie *b = &r->base->sorties[f];
    if (was == now)
        return DD_OK;
    dd_status rc = site_exit(r, b->site, out[f].departure, -was);
    if (rc == DD_OK)
        rc = site_exit(r, b->site, out[f].departure, now);
    size_t h = b->kind == DD_SORTIE_LEG ? (size_t)b->link : f; /* who lands at a hub */
    if (rc != DD_OK || !r->hub_lim || out[h].hub < 0 || out[h].arrival == DD_TIME_NONE ||
        out[h].departure == DD_TIME_NONE)
        return rc;
    const dd_scenario *s = r->base->scenario;
    return exits_add(r, (int32_t)s->n_sites + out[h].hub, dd__state_day(&r->st, out[h].arrival),
                     now - was);
}

/* Step 4: slot r->cont[i] handed the load of r->slot[i] (i < k), unless
 * that lets more people leave a site a day than its exit processing takes
 * (the loads with people would move to other days): then the loads stay
 * as placed (but for tracking, whose security element must leave last). (r->latest, read no more once placed, keeps the loads
 * given before.) */
static void hand_over(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out, size_t k)
{
    bool moved = false; /* people handed to another slot */
    for (size_t i = 0; i < k; i++) {
        size_t f = r->cont[i];
        r->latest[f] = r->give[f];
        r->give[f] = (int32_t)r->slot[i];
        out[f].carries = x->sorties[r->slot[i]].carries;
        moved |= r->pax && r->pax[x->sorties[r->latest[f]].carries] != r->pax[out[f].carries];
    }
    if (!moved || x->keep_clearances)
        return; /* (tracking's keeps the security last) */
    /* the counts so far are the placement's (exits_count's, then
     * exits_placed's): moved by the people handed over */
    dd_status rc = DD_OK;
    for (size_t i = 0; i < k && rc == DD_OK; i++) {
        size_t f = r->cont[i];
        rc = exits_move(r, out, f, r->pax[x->sorties[r->latest[f]].carries],
                        r->pax[out[f].carries]);
    }
    if (rc != DD_OK)
        r->exits_live = false;
    if (rc == DD_OK ? !exits_over(r, x, out) : !dd__replan_exits_broken(r, x, out))
        return;
    for (size_t i = 0; i < k; i++) {
        size_t f = r->cont[i];
        r->give[f] = (int32_t)r->latest[f];
        out[f].carries = x->sorties[r->give[f]].carries;
    }
    r->exits_live = false; /* (the counts are the loads handed over) */
}

/* One placement of the undeparted sorties (m of them, slot0) in one order:
 * steps 2 and 3 of docs/sim.md. */
static dd_status place_pass(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                            size_t m, bool windows_first, score *sc_out)
{
    const dd_plan *p = r->base;
    const dd_scenario *s = p->scenario;
    dd__state *st = &r->st;
    dd_status rc = pass_state(r, x);
    if (rc != DD_OK)
        return rc;
    memcpy(r->give, r->give0, r->n * sizeof *r->give);
    memcpy(r->slot, r->slot0, m * sizeof *r->slot);
    dd__rkey *tmp = r->tmp;
    sort_ctx sc = {p, x, 2, r->try_at, r->latest, windows_first, r->sec_slot, NULL, st,
                   r->site_rank, r};
    /* the last departure of each site without its security, so far */
    memcpy(r->site_last, r->left_last_ns, s->n_sites * sizeof *r->site_last);
    /* 2. when each can go: inside its window if that still works, else a
     * new request's lead time from now */
    dd_time lead = max_t(r->terms.lead_time, 0);
    for (size_t i = 0; i < m; i++) {
        size_t f = r->slot[i];
        const dd_exec_sortie *cx = &x->sorties[r->give[f]];
        dd_time early = max_t(cx->ready == DD_TIME_NONE ? x->now : cx->ready, x->now);
        int32_t site = r->b_site[f];
        if (x->site_open && x->site_open[site] != DD_TIME_NONE)
            early = max_t(early, x->site_open[site]);
        const dd_exec_sortie *sx = &x->sorties[f];
        if (sx->window_from != DD_TIME_NONE && sx->window_to != DD_TIME_NONE &&
            sx->window_to >= early) {
            r->try_at[f] = max_t(early, sx->window_from);
            r->latest[f] = sx->window_to;
        } else {
            r->try_at[f] = max_t(early, x->now + lead);
            r->latest[f] = INT64_MAX;
        }
        r->cont[i] = f;
        /* tracking's new plan is a plan file, checked like any: its last
         * security element leaves last (the simulation does not model the
         * security and keeps its order) */
        r->sec_slot[f] = x->keep_clearances && r->sec[x->sorties[r->give[f]].carries];
        out[f] = (dd_replan_sortie){-1, DD_TIME_NONE, -1, false, -1, -1,
                                    DD_TIME_NONE};
        r->placed[f] = -1;
    }
    if (r->has_legs && (rc = place_stranded(r, x, out)) != DD_OK)
        return rc;
    if (r->site_rank)
        order_begin(r, out, m);
    /* (an incremental run's placement: counted by dd__replan_exits_unkeep,
     * its sorties placed again taken out since) */
    if (r->pax && !(r->hold && r->exits_live && !r->no_live) &&
        (rc = exits_count(r, x, out)) != DD_OK)
        return rc;
    merge_sort(&sc, r->cont, tmp, m);
    for (size_t i = 0; i < m; i++) {
        size_t f = r->cont[i];
        int32_t c = x->sorties[r->give[f]].carries;
        int32_t site = r->b_site[f];
        /* the security leaves after everything else of its site */
        if (r->sec_slot[f] && r->site_last[site] != INT64_MIN)
            r->try_at[f] = max_t(r->try_at[f], r->site_last[site]);
        /* and a site's last after those of the sites it follows */
        if (r->sec_slot[f] && r->site_rank && s->sites[site].n_after > 0)
            r->try_at[f] = max_t(r->try_at[f], order_bound(r, site));
        dd__request rq = {site, r->b_air[f], r->b_load[c], r->try_at[f], 0, r->latest[f]};
        bool keeps = rq.latest != INT64_MAX && rq.ready <= rq.latest;
        if (!keeps)
            rq.latest = INT64_MAX;
        if (r->b_kind[f] == DD_SORTIE_LEG)
            onward_bounds(r, x, (size_t)p->sorties[f].link);
        rc = place_req(r, &rq, f, c);
        if (rc == DD_EINFEASIBLE && keeps) {
            keeps = false;
            dd_time early = max_t(r->try_at[f], x->now + lead);
            const dd_exec_sortie *cx = &x->sorties[r->give[f]];
            if (cx->ready != DD_TIME_NONE)
                early = max_t(early, cx->ready);
            rq.ready = early;
            rq.latest = INT64_MAX;
            rc = place_req(r, &rq, f, c);
        }
        st->onward.from = st->onward.keep_to = st->onward.anew = 0;
        dd_replan_sortie *o = &out[f];
        o->carries = c;
        if (rc == DD_EINFEASIBLE)
            continue;
        if (rc != DD_OK)
            return rc;
        const dd_sortie *so = placed_at(r, x, out, f);
        if (!r->sec_slot[f])
            r->site_last[site] = max_t(r->site_last[site], so->departure);
        if (r->site_rank)
            order_placed(r, out, f, so);
        *o = (dd_replan_sortie){c,       so->departure, so->tail, keeps,
                                dd__state_day(st, so->departure), so->hub, so->arrival};
        if (r->pax && (rc = exits_placed(r, x, out, f, c, so)) != DD_OK) {
            r->exits_live = false;
            return rc;
        }
    }
    /* 3. within each airfield and type, the contents go in the order they
     * are ready, then in their planned order, those with people of the
     * security last, whatever windows the slots kept: departures, tails and
     * requests stay, so no limit moves, and the security (placed after
     * everything else of its site) keeps the last slots */
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->slot[i];
        if (out[f].departure == DD_TIME_NONE)
            continue;
        r->try_at[f] = out[f].departure;
        r->cont[k++] = f;
    }
    for (size_t i = 0; i < k; i++)
        r->slot[i] = (size_t)r->give[r->cont[i]];
    sc.by = 3;
    merge_sort(&sc, r->cont, tmp, k);
    sc.by = 1;
    sc.sec_content = x->keep_clearances ? r->sec : NULL; /* it keeps the last slots */
    merge_sort(&sc, r->slot, tmp, k);
    if (routes_carry(r, x, k))
        hand_over(r, x, out, k);
    *sc_out = score_of(r, out);
    return DD_OK;
}

/* The score of a placement (out): each site's last departure against its
 * closing date, the last of all against the deadline (what has left:
 * dd__replan_begin's counts). */
static score score_of(dd_replanner *r, const dd_replan_sortie *out)
{
    const dd_scenario *s = r->base->scenario;
    score q = {0, 0, 0, r->left_end};
    dd_time *last = r->site_last;
    memcpy(last, r->left_last, s->n_sites * sizeof *last);
    for (size_t i = 0; i < r->n_undep; i++) {
        size_t f = r->undep[i];
        dd_time d = out[f].departure;
        if (d == DD_TIME_NONE) {
            q.missed += 1000;
            continue;
        }
        q.refiled += !out[f].keeps_clearance;
        int32_t site = r->b_site[f];
        last[site] = max_t(last[site], d);
        q.end = max_t(q.end, d);
    }
    for (size_t i = 0; i < s->n_sites; i++) {
        dd_time cb = s->sites[i].close_by;
        if (cb != DD_TIME_NONE && last[i] > cb) {
            q.missed++;
            q.late += last[i] - cb;
        }
    }
    if (q.end > s->agreement.deadline) {
        q.missed++;
        q.late += q.end - s->agreement.deadline;
    }
    return q;
}

void dd__replan_match(dd_replanner *r, const dd_exec_state *x, size_t m)
{
    /* the contents the slots give up: their own, or (an incremental
     * run's swap, replan_inc.c) a kept slot's */
    for (size_t i = 0; i < m; i++)
        r->cont[i] = (size_t)r->src[r->slot[i]];
    sort_ctx sc = {r->base, x, 0, r->try_at, r->latest, false, NULL, NULL, &r->st, NULL, r};
    merge_sort(&sc, r->slot, r->tmp, m);
    sc.by = 1;
    merge_sort(&sc, r->cont, r->tmp, m);
    /* both orders group by (site, type) first, so position i pairs a slot
     * with a content of the same group */
    for (size_t i = 0; i < m; i++) {
        r->give[r->slot[i]] = (int32_t)r->cont[i];
        r->give0[r->slot[i]] = (int32_t)r->cont[i];
    }
    memcpy(r->slot0, r->slot, m * sizeof *r->slot);
}

dd_status dd__replan_place(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t m, bool windows_first, int64_t *missed_out)
{
    score q;
    dd_status rc = place_pass(r, x, out, m, windows_first, &q);
    *missed_out = q.missed;
    r->stats.placed += m;
    return rc;
}

void dd__replan_keep(dd_replanner *r, const dd_exec_state *x, size_t m)
{
    const dd_scenario *s = r->base->scenario;
    for (size_t i = 0; i < m; i++) {
        size_t f = r->slot0[i];
        r->prev_ok[f] = r->placed[f] >= 0;
        if (r->prev_ok[f]) {
            r->prev[f] = r->st.sorties[r->placed[f]];
            dd__replan_pv_set(r, f);
        }
    }
    for (size_t f = 0; r->has_legs && f < r->n; f++) {
        if (r->base->sorties[f].kind != DD_SORTIE_ONWARD || x->sorties[f].departed != DD_TIME_NONE)
            continue;
        r->prev_ok[f] = r->placed[f] >= 0;
        if (r->prev_ok[f]) {
            r->prev[f] = r->st.sorties[r->placed[f]];
            dd__replan_pv_set(r, f);
        }
    }
    for (size_t i = 0; i < s->n_sites; i++)
        r->prev_site_cap[i] = r->terms.site_cap[i];
    r->prev_country_cap = r->terms.country_cap;
    r->prev_now = x->now;
    r->have_prev = !x->keep_clearances;
}

dd_status dd__replan_begin(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t *m_out)
{
    const dd_scenario *s = r->base->scenario;
    size_t n = r->n, m = 0;
    *m_out = 0;
    if (!x || !out || (n && !x->sorties))
        return DD_EARG;
    r->exits_live = false; /* (this run's counts: none yet) */
    memset(r->seen, 0, n ? n : 1);
    r->n_undep = r->n_newly = 0;
    for (size_t i = 0; i < s->n_sites; i++)
        r->left_last[i] = r->left_last_ns[i] = INT64_MIN;
    r->left_end = INT64_MIN;
    for (size_t f = 0; f < n; f++) {
        int32_t c = x->sorties[f].carries;
        dd_time d = x->sorties[f].departed;
        if (c < 0 || (size_t)c >= n || r->seen[c])
            return DD_EARG;
        r->seen[c] = 1;
        if (r->bk_kind[f] == DD__BK_FLOWN ? d != r->bk_left[f] : d != DD_TIME_NONE)
            r->newly[r->n_newly++] = f;
        if (d == DD_TIME_NONE) {
            r->undep[r->n_undep++] = f;
        } else {
            int32_t site = r->b_site[f];
            r->left_last[site] = max_t(r->left_last[site], d);
            if (!r->sec[c])
                r->left_last_ns[site] = max_t(r->left_last_ns[site], d);
            r->left_end = max_t(r->left_end, d);
        }
        out[f] = (dd_replan_sortie){c, DD_TIME_NONE, -1, false, -1, -1, DD_TIME_NONE};
        r->placed[f] = -1;
        r->src[f] = (int32_t)f;
        /* an onward sortie is placed with its leg, or alone when that has
         * flown (place_stranded): not a slot of its own */
        unsigned char kind = r->b_kind[f];
        if (x->sorties[f].departed == DD_TIME_NONE && kind != DD_SORTIE_ONWARD &&
            (kind != DD_SORTIE_LEG ||
             x->sorties[r->base->sorties[f].link].departed == DD_TIME_NONE))
            r->slot[m++] = f; /* (a leg whose onward sortie has left is not) */
    }
    /* the caps in force */
    for (size_t i = 0; i < s->n_sites; i++)
        r->terms.site_cap[i] = x->site_cap ? x->site_cap[i] : s->sites[i].daily_cap;
    r->terms.country_cap = x->country_cap ? *x->country_cap : s->agreement.clearance.daily_cap;
    r->stats.runs++;
    r->live_run = false;
    *m_out = m;
    return DD_OK;
}

dd_status dd_replanner_run(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out)
{
    size_t m;
    dd_status rc = dd__replan_begin(r, x, out, &m);
    if (rc != DD_OK)
        return rc;
    r->live = false;
    return dd__replan_full(r, x, out, m);
}

dd_status dd__replan_full(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                          size_t m)
{
    dd_status rc;
    r->stats.full++;
    r->lines_ok = false; /* (the timelines are not this placement's) */
    /* 1. match contents to slots per airfield and type */
    dd__replan_match(r, x, m);
    /* 2-3. placed by the day each can go, within a day the airfield that
     * must close first first; or, to keep the clearances held
     * (x->keep_clearances), those first, so one sortie moved does not push
     * the others out of their windows day after day, unless that misses a
     * term the other order meets */
    score a, b;
    r->stats.placed += m;
    if (!x->keep_clearances) {
        rc = place_pass(r, x, out, m, false, &a);
    } else {
        rc = place_pass(r, x, out, m, true, &a);
        if (rc == DD_OK && (a.missed != 0 || a.late != 0)) {
            rc = place_pass(r, x, out, m, false, &b);
            if (rc == DD_OK && cmp_score(&b, &a) > 0)
                rc = place_pass(r, x, out, m, true, &a);
        }
    }
    if (rc == DD_OK)
        dd__replan_keep(r, x, m);
    else
        r->have_prev = false;
    return rc;
}

void dd_replanner_stats(const dd_replanner *r, dd_replan_stats *out)
{
    *out = r->stats;
}

static dd_pax *copy_pax(const dd_pax *v, size_t n)
{
    if (!n)
        return NULL;
    dd_pax *c = malloc(n * sizeof *c);
    if (c)
        memcpy(c, v, n * sizeof *c);
    return c;
}

/* The sortie of slot f as it goes (or went), with the content it has. */
static dd_status slot_sortie(const dd_replanner *r, const dd_exec_state *x,
                             const dd_replan_sortie *out, size_t f, dd_sortie *so,
                             int32_t *content)
{
    const dd_plan *b = r->base;
    dd_time left = x->sorties[f].departed;
    if (left != DD_TIME_NONE) {
        *so = b->sorties[f];
        shift_sortie(so, left - so->departure);
        *content = x->sorties[f].carries;
    } else {
        if (out[f].departure == DD_TIME_NONE || !r->prev_ok[f])
            return DD_EINFEASIBLE;
        *so = r->prev[f];
        so->tail = r->pv[f].tail; /* (prev's may be late: build_lines) */
        *content = out[f].carries;
    }
    const dd_sortie *cs = &b->sorties[*content];
    so->load = cs->load;
    so->weight_kg = cs->weight_kg;
    so->floor_m = cs->floor_m;
    so->seats = cs->seats;
    so->n_pax = cs->n_pax;
    so->pax = copy_pax(cs->pax, cs->n_pax);
    /* augmentees come in on the slot's ferry leg, as planned */
    so->n_ferry_pax = b->sorties[f].n_ferry_pax;
    so->ferry_pax = copy_pax(b->sorties[f].ferry_pax, so->n_ferry_pax);
    if ((so->n_pax && !so->pax) || (so->n_ferry_pax && !so->ferry_pax)) {
        free(so->pax);
        free(so->ferry_pax);
        return DD_ENOMEM;
    }
    return DD_OK;
}

/* Does slot f fly in the re-plan: it has left, or the run placed it? */
static bool slot_flies(const dd_replanner *r, const dd_exec_state *x,
                       const dd_replan_sortie *out, size_t f)
{
    return x->sorties[f].departed != DD_TIME_NONE ||
           (out[f].departure != DD_TIME_NONE && r->prev_ok[f]);
}

/* The new plan's legs and onward sorties linked by their index in it
 * (newslot: per slot of the base plan); an onward sortie that has left
 * after its leg stood at the via site from the leg's landing as flown. */
static void link_legs(dd_plan *p, const int32_t *newslot, const bool *left)
{
    for (size_t k = 0; k < p->n_sorties; k++) {
        dd_sortie *so = &p->sorties[k];
        if (so->kind == DD_SORTIE_OUT)
            continue;
        so->link = newslot[so->link];
        if (so->kind != DD_SORTIE_ONWARD || !left[k] || so->link < 0 || !left[so->link])
            continue;
        so->ferry_departure = so->arrival_at_site = p->sorties[so->link].arrival;
    }
}

typedef struct tail_ev {
    int32_t aircraft, tail;
    dd_time dep;
    size_t k;
} tail_ev;

static int cmp_tail_ev(const void *a, const void *b)
{
    const tail_ev *x = a, *y = b;
    DD__CMP_BY(x->aircraft, y->aircraft);
    DD__CMP_BY(x->tail, y->tail);
    DD__CMP_BY(x->dep, y->dep);
    return (x->k > y->k) - (x->k < y->k);
}

/* The sorties that have left ferried from where their tail really was: a
 * sortie planned before them on the tail may not have flown, so each one's
 * ferry comes from the hub of the tail's previous sortie that left (its
 * home for the first), arriving when it did. The sorties placed again
 * already start from there (the state gives each tail's hub). */
static dd_status fix_ferries(dd_plan *p, const bool *left)
{
    const dd_scenario *s = p->scenario;
    size_t n = p->n_sorties, m = 0;
    tail_ev *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return DD_ENOMEM;
    for (size_t k = 0; k < n; k++)
        v[m++] = (tail_ev){p->sorties[k].aircraft, p->sorties[k].tail, p->sorties[k].departure,
                           k};
    qsort(v, m, sizeof *v, cmp_tail_ev);
    for (size_t i = 0; i < m; i++) {
        dd_sortie *so = &p->sorties[v[i].k];
        bool first = i == 0 || v[i - 1].aircraft != v[i].aircraft || v[i - 1].tail != v[i].tail;
        if (!left[v[i].k])
            continue; /* placed again from where the tail is */
        int32_t from = first ? s->aircraft[so->aircraft].home : p->sorties[v[i - 1].k].hub;
        if (from == so->ferry_from || from < 0 || so->kind == DD_SORTIE_ONWARD)
            continue; /* (an onward sortie has no ferry: after its leg) */
        const dd_aircraft *a = &s->aircraft[so->aircraft];
        so->ferry_from = from;
        so->ferry_departure =
            so->arrival_at_site -
            dd__flight_minutes(dd__hub_distance(s, so->site, from), a->cruise_mps);
    }
    free(v);
    return DD_OK;
}

dd_status dd_replanner_plan(const dd_replanner *r, const dd_exec_state *x,
                            const dd_replan_sortie *out, dd_plan **plan_out)
{
    *plan_out = NULL;
    if (!r || !x || !out)
        return DD_EARG;
    const dd_plan *b = r->base;
    const dd_scenario *s = b->scenario;
    size_t n = r->n;
    dd_plan *p = dd__plan_new(s);
    int32_t *newidx = malloc(2 * (n ? n : 1) * sizeof *newidx);
    int32_t *newslot = newidx + n; /* per slot: its sortie in the new plan */
    bool *left = calloc(n ? n : 1, sizeof *left);
    if (p)
        p->sorties = calloc(n ? n : 1, sizeof *p->sorties);
    if (p && b->n_movements)
        p->movements = malloc(b->n_movements * sizeof *p->movements);
    if (!p || !newidx || !left || !p->sorties || (b->n_movements && !p->movements)) {
        free(newidx);
        free(left);
        dd_plan_free(p);
        return DD_ENOMEM;
    }
    p->seed = b->seed;
    p->objective = b->objective;
    p->fleet_mix = b->fleet_mix;
    p->as_of = x->now;
    dd_plan_lend_loads(p, b->loads);
    memcpy(p->tasks, b->tasks, s->n_tasks * sizeof *p->tasks);
    memcpy(p->released, b->released, s->n_people * sizeof *p->released);
    memcpy(p->arrived, b->arrived, s->n_people * sizeof *p->arrived);
    memcpy(p->cargo_ready, b->cargo_ready, s->n_cargo * sizeof *p->cargo_ready);
    dd_status st = DD_OK;
    for (size_t f = 0; f < n; f++)
        newidx[f] = newslot[f] = -1;
    for (size_t f = 0; f < n && st == DD_OK; f++) {
        int32_t c;
        dd_sortie so;
        const dd_sortie *bf = &b->sorties[f];
        if (bf->kind == DD_SORTIE_LEG && !slot_flies(r, x, out, (size_t)bf->link))
            continue; /* a leg goes with its onward sortie */
        if (bf->kind == DD_SORTIE_ONWARD && newslot[bf->link] < 0)
            continue; /* left before its leg, which has not (recorded so) */
        st = slot_sortie(r, x, out, f, &so, &c);
        if (st == DD_EINFEASIBLE) {
            st = DD_OK; /* left out: what it carries does not leave */
            continue;
        }
        if (st != DD_OK)
            break;
        newidx[c] = newslot[f] = (int32_t)p->n_sorties;
        so.link = bf->link; /* a slot for now (set below) */
        left[p->n_sorties] = x->sorties[f].departed != DD_TIME_NONE;
        if (!left[p->n_sorties] && so.n_ferry_pax) {
            /* a ferry leg not flown yet may now land after the departures
             * its augmentees were seated on: they enter by other means at
             * the earliest they may (their arrival, or once the entry
             * lead time allows) */
            for (size_t k = 0; k < so.n_ferry_pax; k++) {
                const dd_people *g = &s->people[so.ferry_pax[k].people];
                dd_time entry = g->arrival;
                if (entry < s->agreement.personnel.entry_lead)
                    entry = s->agreement.personnel.entry_lead;
                p->arrived[so.ferry_pax[k].people] = entry;
            }
            free(so.ferry_pax);
            so.ferry_pax = NULL;
            so.n_ferry_pax = 0;
        }
        so.departed = left[p->n_sorties];
        p->sorties[p->n_sorties++] = so;
        for (size_t k = 0; k < so.n_ferry_pax; k++)
            p->arrived[so.ferry_pax[k].people] = so.arrival_at_site;
    }
    /* people go with the content they were seated with */
    for (size_t m = 0; m < b->n_movements && st == DD_OK; m++) {
        dd_movement mv = b->movements[m];
        if (mv.sortie >= 0) {
            int32_t k = newidx[mv.sortie];
            if (k < 0)
                continue;
            mv.sortie = k;
            mv.departure = p->sorties[k].departure;
            mv.day = dd_scenario_day(s, mv.departure);
        }
        p->movements[p->n_movements++] = mv;
    }
    if (st == DD_OK && r->has_legs)
        link_legs(p, newslot, left);
    free(newidx);
    if (st == DD_OK)
        st = fix_ferries(p, left);
    free(left);
    if (st == DD_OK)
        st = dd__plan_figures(p, &r->terms);
    if (st != DD_OK) {
        dd_plan_free(p);
        return st;
    }
    p->margin = dd__tightest_term(p, p->margin_term, sizeof p->margin_term);
    p->completion_lb = b->completion_lb;
    p->completion_lb_binding = b->completion_lb_binding;
    memcpy(p->completion_lb_detail, b->completion_lb_detail, sizeof p->completion_lb_detail);
    p->sorties_lb = b->sorties_lb;
    p->binding = b->binding;
    snprintf(p->binding_detail, sizeof p->binding_detail, "%s", b->binding_detail);
    for (size_t m = 0; m < p->n_movements; m++)
        if (p->movements[m].sortie < 0)
            p->commercial_seats_used += p->movements[m].count;
    *plan_out = p;
    return DD_OK;
}
