/* SPDX-License-Identifier: MIT */
/*
 * Re-planning from the state of execution (plan.h): the sorties still on
 * the ground are matched to the clearances held and placed again by the
 * same serial placement as the plan (place.c), from `now`, with the tails,
 * the caps' counts and the airfields as they are. The working memory is
 * kept between runs, so the simulator can re-plan many times per
 * replication. The people's exits a placement must keep are counted in
 * replan_exits.c; the incremental runs are replan_inc.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "plan/replan_int.h"

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
    r->stuck_max = DD__REPLAN_STUCK_MAX;
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
    r->ord = malloc(2 * n * sizeof *r->ord);
    r->keeper = calloc(n, 1);
    r->pinned = calloc(n, 1);
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
    if (packed && r->undep && r->newly && r->ord && r->keeper && r->pinned && r->pv && r->slot && r->cont && r->tmp && r->try_at && r->latest && r->give && r->placed &&
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
                    dd__later(r->site_last[base->sorties[f].site], base->sorties[f].departure);
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
            st = dd__replan_exits_init(r);
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
    free(r->ord);
    free(r->keeper);
    free(r->pinned);
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

void dd__replan_rkey_sort(dd__rkey *v, dd__rkey *tmp, size_t n)
{
    if (n <= 12) {
        rkey_insert(v, n, SIZE_MAX);
        return;
    }
    size_t h = n / 2;
    dd__replan_rkey_sort(v, tmp, h);
    dd__replan_rkey_sort(v + h, tmp, n - h);
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
        dd__replan_rkey_sort(buf, buf + n, n);
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
            t->free_at = dd__later(dd__later(t->free_at, fr), x->now);
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
    dd_time soon = x->now + dd__later(r->terms.lead_time, 0), t = soon, keep_to = 0;
    if (e->window_from != DD_TIME_NONE && e->window_to != DD_TIME_NONE &&
        e->window_to >= x->now && e->window_to >= e->window_from) {
        t = e->window_from;
        keep_to = e->window_to;
    }
    int32_t via = r->base->sorties[o].site;
    if (x->site_open && x->site_open[via] != DD_TIME_NONE)
        t = dd__later(t, x->site_open[via]);
    t = e->ready == DD_TIME_NONE ? t : dd__later(t, e->ready);
    r->st.onward.from = dd__later(t, 1); /* (0: no bound) */
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
    r->site_last[on->site] = dd__later(r->site_last[on->site], on->departure);
}

/* Slot f just placed: its record in the state (a leg's, with its onward
 * sortie after it: that slot placed too). */
const dd_sortie *dd__replan_placed_at(dd_replanner *r, const dd_exec_state *x,
                                     dd_replan_sortie *out, size_t f)
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
    dd_time lead = dd__later(r->terms.lead_time, 0);
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
        dd_time early = dd__later(e->ready == DD_TIME_NONE ? x->now : e->ready, x->now);
        if (x->site_open && x->site_open[b->site] != DD_TIME_NONE)
            early = dd__later(early, x->site_open[b->site]);
        dd__request rq = {b->site, b->aircraft, p->sorties[x->sorties[l].carries].load,
                          dd__later(early, e->window_from), 0, e->window_to};
        dd_status rc = DD_EINFEASIBLE;
        if (e->window_from != DD_TIME_NONE && e->window_to != DD_TIME_NONE &&
            e->window_to >= early)
            rc = dd__place_onward(&r->st, &rq, p->loads, &leg);
        if (rc == DD_EINFEASIBLE) {
            rq.ready = dd__later(early, x->now + lead);
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
        cl[site] = dd__later(cl[site], out[f].departure);
    }
    for (size_t k = 0; k < p->n_movements; k++)
        if (p->movements[k].sortie < 0) {
            int32_t site = s->people[p->movements[k].people].site;
            cl[site] = dd__later(cl[site], p->movements[k].departure);
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
            t = dd__later(t, c + 1);
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
        last[so->site] = dd__later(last[so->site], so->departure);
    }
    for (size_t i = 0; i < m; i++) {
        const dd_sortie *so = &p->sorties[r->slot[i]];
        if (s->sites[so->site].n_after > 0 && so->kind != DD_SORTIE_ONWARD &&
            so->departure == last[so->site])
            r->sec_slot[r->slot[i]] = 1;
    }
}

/* Slot f placed (so): its site's closure (and its onward sortie's). */
void dd__replan_order_placed(dd_replanner *r, const dd_replan_sortie *out, size_t f,
                             const dd_sortie *so)
{
    const dd_sortie *b = &r->base->sorties[f];
    r->site_close[so->site] = dd__later(r->site_close[so->site], so->departure);
    if (b->kind == DD_SORTIE_LEG) {
        int32_t v = r->base->sorties[b->link].site;
        r->site_close[v] = dd__later(r->site_close[v], out[b->link].departure);
    }
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
    dd_time lead = dd__later(r->terms.lead_time, 0);
    for (size_t i = 0; i < m; i++) {
        size_t f = r->slot[i];
        const dd_exec_sortie *cx = &x->sorties[r->give[f]];
        dd_time early = dd__later(cx->ready == DD_TIME_NONE ? x->now : cx->ready, x->now);
        int32_t site = r->b_site[f];
        if (x->site_open && x->site_open[site] != DD_TIME_NONE)
            early = dd__later(early, x->site_open[site]);
        const dd_exec_sortie *sx = &x->sorties[f];
        if (sx->window_from != DD_TIME_NONE && sx->window_to != DD_TIME_NONE &&
            sx->window_to >= early) {
            r->try_at[f] = dd__later(early, sx->window_from);
            r->latest[f] = sx->window_to;
        } else {
            r->try_at[f] = dd__later(early, x->now + lead);
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
        (rc = dd__replan_exits_count(r, x, out)) != DD_OK)
        return rc;
    merge_sort(&sc, r->cont, tmp, m);
    /* a full run under the incremental rules: what keeps its last
     * placement first (replan_full.c), the rest after, in this order */
    size_t n_ord = m;
    const size_t *ord = r->cont;
    if (r->stable) {
        if ((rc = dd__replan_keep_pass(r, x, out, m, &n_ord)) != DD_OK)
            return rc;
        ord = r->ord;
    }
    for (size_t i = 0; i < n_ord; i++) {
        size_t f = ord[i];
        int32_t c = x->sorties[r->give[f]].carries;
        int32_t site = r->b_site[f];
        /* the security leaves after everything else of its site */
        if (r->sec_slot[f] && r->site_last[site] != INT64_MIN)
            r->try_at[f] = dd__later(r->try_at[f], r->site_last[site]);
        /* and a site's last after those of the sites it follows */
        if (r->sec_slot[f] && r->site_rank && s->sites[site].n_after > 0)
            r->try_at[f] = dd__later(r->try_at[f], order_bound(r, site));
        dd__request rq = {site, r->b_air[f], r->b_load[c], r->try_at[f], 0, r->latest[f]};
        bool keeps = rq.latest != INT64_MAX && rq.ready <= rq.latest;
        if (!keeps)
            rq.latest = INT64_MAX;
        if (r->b_kind[f] == DD_SORTIE_LEG)
            onward_bounds(r, x, (size_t)p->sorties[f].link);
        rc = dd__replan_place_req(r, &rq, f, c);
        if (rc == DD_EINFEASIBLE && keeps) {
            keeps = false;
            dd_time early = dd__later(r->try_at[f], x->now + lead);
            const dd_exec_sortie *cx = &x->sorties[r->give[f]];
            if (cx->ready != DD_TIME_NONE)
                early = dd__later(early, cx->ready);
            rq.ready = early;
            rq.latest = INT64_MAX;
            rc = dd__replan_place_req(r, &rq, f, c);
        }
        st->onward.from = st->onward.keep_to = st->onward.anew = 0;
        dd_replan_sortie *o = &out[f];
        o->carries = c;
        if (rc == DD_EINFEASIBLE)
            continue;
        if (rc != DD_OK)
            return rc;
        const dd_sortie *so = dd__replan_placed_at(r, x, out, f);
        if (!r->sec_slot[f])
            r->site_last[site] = dd__later(r->site_last[site], so->departure);
        if (r->site_rank)
            dd__replan_order_placed(r, out, f, so);
        *o = (dd_replan_sortie){c,       so->departure, so->tail, keeps,
                                dd__state_day(st, so->departure), so->hub, so->arrival};
        if (r->pax && (rc = dd__replan_exits_placed(r, x, out, f, c, so)) != DD_OK) {
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
        if (out[f].departure == DD_TIME_NONE || (r->stable && r->keeper[f]))
            continue; /* (a slot that kept its load keeps it) */
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
        dd__replan_hand_over(r, x, out, k);
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
        last[site] = dd__later(last[site], d);
        q.end = dd__later(q.end, d);
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
            r->left_last[site] = dd__later(r->left_last[site], d);
            if (!r->sec[c])
                r->left_last_ns[site] = dd__later(r->left_last_ns[site], d);
            r->left_end = dd__later(r->left_end, d);
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
    /* 1. match contents to slots per airfield and type (those that keep
     * their last placement keep their loads: dd_replanner_run_full) */
    dd__replan_match_slots(r, x, m);
    /* 2-3. placed by the day each can go, within a day the airfield that
     * must close first first; or, to keep the clearances held
     * (x->keep_clearances), those first, so one sortie moved does not push
     * the others out of their windows day after day, unless that misses a
     * term the other order meets */
    score a, b;
    r->stats.placed += m;
    if (!x->keep_clearances) {
        rc = place_pass(r, x, out, m, false, &a);
        if (rc == DD_OK && r->stable && r->n_stuck > r->stuck_max) {
            /* much found no room where it was: the whole plan afresh, each
             * slot's own load matched (the pass left contents in r->slot) */
            r->stable = false;
            memcpy(r->slot, r->slot0, m * sizeof *r->slot);
            for (size_t i = 0; i < m; i++)
                r->src[r->slot[i]] = (int32_t)r->slot[i];
            dd__replan_match(r, x, m);
            rc = place_pass(r, x, out, m, false, &a);
        }
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
        /* as flown, where the execution says (dd_exec_state.flew_*) */
        if (x->flew_tail && x->flew_tail[f] >= 0)
            so->tail = x->flew_tail[f];
        if (x->flew_hub && x->flew_minutes && x->flew_hub[f] >= 0 && so->stop == 0 &&
            so->stop2 == 0 && so->kind != DD_SORTIE_LEG) {
            so->hub = x->flew_hub[f];
            so->arrival = left + x->flew_minutes[f];
        }
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
        dd__replan_late_commercial(p);
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
