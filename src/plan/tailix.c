/* SPDX-License-Identifier: MIT */
/*
 * The tails of each type in the order place.c's pick_tail wants them when
 * the placement sees the tails as they are (no incremental re-plan's
 * views): per hub, by the time each is free, so that a placement finds
 * the tails that can be at a site by a given time with one binary search
 * per hub, and walks them from the one that can be there last (the one
 * pick_tail takes when every check passes) instead of looking at every
 * tail of the type. A type's order follows each move of one tail (place.c
 * through dd__state_set_tail); a caller that writes st->tails itself
 * marks the type's order stale (dd__state_tails_moved), and it is sorted
 * again when next read.
 */
#include <stdlib.h>
#include <string.h>

#include "plan/plan_int.h"

/* One tail in its type's order: by hub, then free_at, then k descending
 * (so that, read from the top of a hub's run down, equal times come
 * lowest k first, as pick_tail breaks ties). */
typedef struct tix_ent {
    dd_time free_at;
    int32_t k, hub;
} tix_ent;

/* Walks asked for while a type's order is stale before it is sorted
 * again: a sort costs some tens of looks at every tail, and an
 * incremental re-plan's placement in a tail's gap (replan_inc.c) moves
 * every tail of the type for one or two. */
#define TIX_ASKED 16

struct dd__tailix {
    tix_ent *e;   /* n_tails[a] of them */
    int32_t *off; /* per hub: where its run starts (n_hubs + 1) */
    int32_t *cur; /* per hub: a walk's next entry + 1 (off[h]: none) */
    bool stale;   /* e and off to sort again before they are read */
    int32_t asked; /* dd__tailix_ready's calls while stale */
};

static int ent_cmp(const tix_ent *x, const tix_ent *y)
{
    if (x->hub != y->hub)
        return x->hub < y->hub ? -1 : 1;
    if (x->free_at != y->free_at)
        return x->free_at < y->free_at ? -1 : 1;
    return x->k > y->k ? -1 : x->k < y->k;
}

static int ent_qcmp(const void *x, const void *y)
{
    return ent_cmp(x, y);
}

dd_status dd__tailix_init(dd__state *st)
{
    const dd_scenario *s = st->s;
    size_t na = s->n_aircraft ? s->n_aircraft : 1, nh = s->n_hubs;
    st->tix = calloc(na, sizeof *st->tix);
    if (!st->tix)
        return DD_ENOMEM;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        struct dd__tailix *x = &st->tix[a];
        size_t n = st->n_tails[a] ? (size_t)st->n_tails[a] : 1;
        x->e = malloc(n * sizeof *x->e);
        x->off = calloc(nh + 1, sizeof *x->off);
        x->cur = calloc(nh ? nh : 1, sizeof *x->cur);
        if (!x->e || !x->off || !x->cur)
            return DD_ENOMEM;
        x->stale = true;
    }
    return DD_OK;
}

void dd__tailix_fini(dd__state *st)
{
    for (size_t a = 0; st->tix && a < st->s->n_aircraft; a++) {
        free(st->tix[a].e);
        free(st->tix[a].off);
        free(st->tix[a].cur);
    }
    free(st->tix);
    st->tix = NULL;
}

void dd__state_tails_moved(dd__state *st, int32_t a)
{
    if (!st->tix)
        return;
    size_t lo = a >= 0 ? (size_t)a : 0, hi = a >= 0 ? (size_t)a + 1 : st->s->n_aircraft;
    for (size_t i = lo; i < hi; i++) {
        st->tix[i].stale = true;
        st->tix[i].asked = 0;
    }
}

/* Type a's order sorted again from st->tails (a few hundred tails). */
static void rebuild(dd__state *st, int32_t a)
{
    struct dd__tailix *x = &st->tix[a];
    int32_t n = st->n_tails[a], nh = (int32_t)st->s->n_hubs;
    for (int32_t k = 0; k < n; k++)
        x->e[k] = (tix_ent){st->tails[a][k].free_at, k, st->tails[a][k].hub};
    qsort(x->e, (size_t)n, sizeof *x->e, ent_qcmp);
    for (int32_t h = 0, i = 0; h <= nh; h++) {
        while (i < n && x->e[i].hub < h)
            i++;
        x->off[h] = i;
    }
    x->stale = false;
}

bool dd__tailix_ready(dd__state *st, int32_t a)
{
    struct dd__tailix *x = &st->tix[a];
    if (!x->stale)
        return true;
    if (++x->asked < TIX_ASKED)
        return false;
    rebuild(st, a);
    return true;
}

/* The first entry of e[lo, hi) not before *v. */
static int32_t lower(const tix_ent *e, int32_t lo, int32_t hi, const tix_ent *v)
{
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (ent_cmp(&e[mid], v) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void dd__state_set_tail(dd__state *st, int32_t a, int32_t k, int32_t hub, dd_time free_at)
{
    dd__tail *tl = &st->tails[a][k];
    struct dd__tailix *x = st->tix ? &st->tix[a] : NULL;
    if (x && !x->stale) {
        tix_ent *e = x->e, was = {tl->free_at, k, tl->hub}, now = {free_at, k, hub};
        int32_t n = st->n_tails[a], p = lower(e, 0, n, &was);
        if (ent_cmp(&was, &now) < 0) { /* later in the order: the ones between move up */
            int32_t q = lower(e, p + 1, n, &now);
            memmove(e + p, e + p + 1, (size_t)(q - p - 1) * sizeof *e);
            e[q - 1] = now;
        } else {
            int32_t q = lower(e, 0, p, &now);
            memmove(e + q + 1, e + q, (size_t)(p - q) * sizeof *e);
            e[q] = now;
        }
        /* the runs between the two hubs start one sooner or later */
        for (int32_t h = was.hub + 1; h <= hub; h++)
            x->off[h]--;
        for (int32_t h = hub + 1; h <= was.hub; h++)
            x->off[h]++;
    }
    tl->hub = hub;
    tl->free_at = free_at;
}

void dd__tailix_open(dd__state *st, int32_t a, const int32_t *fm_to, dd_time arr,
                     dd_time *soonest)
{
    struct dd__tailix *x = &st->tix[a];
    if (x->stale)
        rebuild(st, a);
    const tix_ent *e = x->e;
    for (int32_t h = 0, nh = (int32_t)st->s->n_hubs; h < nh; h++) {
        /* the tails of hub h free by lim are at the site by arr */
        dd_time lim = arr - fm_to[h];
        if (lim >= INT64_MAX / 8)
            lim = INT64_MAX / 8 - 1; /* (never a type's missing tails) */
        int32_t lo = x->off[h], hi = x->off[h + 1];
        while (lo < hi) {
            int32_t mid = lo + (hi - lo) / 2;
            if (e[mid].free_at <= lim)
                lo = mid + 1;
            else
                hi = mid;
        }
        x->cur[h] = lo;
        if (lo < x->off[h + 1] && e[lo].free_at < INT64_MAX / 8 &&
            e[lo].free_at + fm_to[h] < *soonest)
            *soonest = e[lo].free_at + fm_to[h];
    }
}

int32_t dd__tailix_next(dd__state *st, int32_t a, const int32_t *fm_to)
{
    struct dd__tailix *x = &st->tix[a];
    const tix_ent *e = x->e;
    int32_t bh = -1, bk = 0;
    dd_time br = 0;
    for (int32_t h = 0, nh = (int32_t)st->s->n_hubs; h < nh; h++) {
        if (x->cur[h] <= x->off[h])
            continue;
        const tix_ent *c = &e[x->cur[h] - 1];
        dd_time r = c->free_at + fm_to[h];
        if (bh < 0 || r > br || (r == br && c->k < bk)) {
            bh = h;
            br = r;
            bk = c->k;
        }
    }
    if (bh < 0)
        return -1;
    x->cur[bh]--;
    return bk;
}
