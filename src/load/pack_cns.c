/* SPDX-License-Identifier: MIT */
/*
 * Consistent neighbourhood search for (vector) bin packing, after
 * Buljubasic & Vasquez 2016, "Consistent neighborhood search for
 * one-dimensional bin packing and two-dimensional vector packing",
 * Computers & OR 76. See docs/pack.md.
 *
 * To find a packing in m bins, keep a *partial* solution: m - F bins that
 * respect every capacity and conflict (F = 2), plus a set S of items not
 * yet packed. The search moves items between the bins and S, never making
 * a bin infeasible, and minimises the weight of S; whenever S fits into F
 * bins (checked by a small exhaustive search) the partial solution plus
 * those F bins is a packing in m bins, one bin is emptied into S, and the
 * search goes on towards m - 1.
 *
 * Moves:
 *   - tabu search over Swap(p, q): p <= 2 items of one bin go to S and
 *     q <= 2 items of S take their place (q >= 1), best move first; an
 *     item that left bin b may not re-enter b for a few moves.
 *   - a descent "pack set" (general add/drop, in the spirit of Fleszar &
 *     Hindi's 2002 minimum bin slack): refill one bin with the heaviest
 *     subset of its items and S that fits, by bounded branch and bound.
 */
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "base/rng.h"
#include "load/pack_int.h"

#define NONE DD__PACK_NONE
/* Bins whose Swap moves are evaluated per iteration (a window if more). */
#define SAMPLE_BINS 256
/* Largest |S| for which pairs of S items are candidates. */
#define PAIR_MAX_S 64
/* Candidates scanned past the capacity cut-off per (bin, removal). */
#define SCAN_LIMIT 24
/* Branch-and-bound node limits. */
#define FIT_NODES 20000
#define PACKSET_NODES 3000
/* A pack-set descent every this many tabu moves. */
#define PACKSET_PERIOD 64
/* Tabu tenure: TT_MIN + uniform [0, TT_RAND) moves. */
#ifndef DIFF_PREF
#define DIFF_PREF 1
#endif
#ifndef STALL_MOVES
#define STALL_MOVES 5000
#endif
#ifndef LOCK_MIN
#define LOCK_MIN 5
#endif
#ifndef LOCK_RAND
#define LOCK_RAND 10
#endif
#ifndef TT_MIN
#define TT_MIN 10
#endif
#ifndef TT_RAND
#define TT_RAND 10
#endif

typedef struct cand {
    int64_t w;
    uint32_t a, b; /* b == NONE for a single item */
} cand;

typedef struct cns {
    const dd__pack_inst *in;
    unsigned nd;
    size_t n;
    dd_rng rng;
    dd__pack_budget *bud;
    /* partial solution */
    size_t m, fbins;
    dd_arena arena;      /* every array of the search */
    dd__pack_bins bins;  /* an item in no bin is in S */
    uint32_t *ccount; /* bin * 32 + class, conflicts only */
    uint32_t *mask;   /* classes present in the bin */
    uint32_t *set, *spos;
    size_t ns;
    int64_t sw;
    int64_t sload[DD_PACK_MAX_DIMS];
    /* tabu */
    uint64_t *tabu_until;
    uint64_t *lock_until; /* item may not leave its bin before this */
    uint32_t *tabu_bin;
    uint64_t it;
    int64_t best_sw; /* lightest S since the last retarget */
    /* scratch */
    uint32_t *tmp, *tmp2, *fit_bin;
    cand *single, *pair;
    size_t n_single, n_pair;
    size_t nodes;
} cns;

/* ---- partial solution bookkeeping ---- */

static void bin_add(cns *c, uint32_t b, uint32_t i)
{
    const dd__pack_inst *in = c->in;
    dd__pack_bins_put(&c->bins, b, i);
    if (in->klass) {
        uint32_t k = in->klass[i];
        for (unsigned cl = 0; k; cl++, k >>= 1)
            if (k & 1u)
                c->ccount[(size_t)b * 32 + cl]++;
        c->mask[b] |= in->klass[i];
    }
}

static void bin_remove(cns *c, uint32_t i)
{
    const dd__pack_inst *in = c->in;
    uint32_t b = dd__pack_bins_take(&c->bins, i);
    if (in->klass) {
        uint32_t k = in->klass[i];
        for (unsigned cl = 0; k; cl++, k >>= 1)
            if ((k & 1u) && --c->ccount[(size_t)b * 32 + cl] == 0)
                c->mask[b] &= ~(1u << cl);
    }
}

static void set_add(cns *c, uint32_t i)
{
    c->spos[i] = (uint32_t)c->ns;
    c->set[c->ns++] = i;
    c->sw += c->in->w[i];
    for (unsigned d = 0; d < c->nd; d++)
        c->sload[d] += c->in->size[(size_t)i * c->nd + d];
}

static void set_remove(cns *c, uint32_t i)
{
    uint32_t p = c->spos[i];
    uint32_t last = c->set[--c->ns];
    c->set[p] = last;
    c->spos[last] = p;
    c->sw -= c->in->w[i];
    for (unsigned d = 0; d < c->nd; d++)
        c->sload[d] -= c->in->size[(size_t)i * c->nd + d];
}

/* Empty bin b into S and close the gap with the last bin. */
static void bin_delete(cns *c, uint32_t b)
{
    while (c->bins.head[b] != NONE) {
        uint32_t i = c->bins.head[b];
        bin_remove(c, i);
        set_add(c, i);
    }
    uint32_t last = (uint32_t)(c->m - 1);
    if (b != last) {
        for (uint32_t i = c->bins.head[last]; i != NONE; i = c->bins.next[i])
            c->bins.bin[i] = b;
        c->bins.head[b] = c->bins.head[last];
        c->bins.cnt[b] = c->bins.cnt[last];
        memcpy(c->bins.load + (size_t)b * c->nd, c->bins.load + (size_t)last * c->nd,
               c->nd * sizeof *c->bins.load);
        c->bins.wload[b] = c->bins.wload[last];
        c->mask[b] = c->mask[last];
        if (c->ccount)
            memcpy(c->ccount + (size_t)b * 32, c->ccount + (size_t)last * 32,
                   32 * sizeof *c->ccount);
    }
    c->bins.head[last] = NONE;
    c->bins.cnt[last] = 0;
    memset(c->bins.load + (size_t)last * c->nd, 0, c->nd * sizeof *c->bins.load);
    c->bins.wload[last] = 0;
    c->mask[last] = 0;
    if (c->ccount)
        memset(c->ccount + (size_t)last * 32, 0, 32 * sizeof *c->ccount);
    c->m--;
}

/* Delete the lightest of a few random bins (diversification on restarts). */
static void delete_tournament(cns *c)
{
    uint32_t best = (uint32_t)dd_rng_below(&c->rng, c->m);
    for (int t = 1; t < 4; t++) {
        uint32_t b = (uint32_t)dd_rng_below(&c->rng, c->m);
        if (c->bins.wload[b] < c->bins.wload[best])
            best = b;
    }
    bin_delete(c, best);
}

/* Delete the least loaded bin (ties broken at random). */
static void delete_lightest(cns *c)
{
    uint32_t best = 0;
    uint64_t ties = 0;
    for (uint32_t b = 0; b < c->m; b++) {
        if (c->bins.wload[b] < c->bins.wload[best]) {
            best = b;
            ties = 1;
        } else if (c->bins.wload[b] == c->bins.wload[best] &&
                   dd_rng_below(&c->rng, ++ties) == 0) {
            best = b;
        }
    }
    bin_delete(c, best);
}

/* ---- does S fit into fbins bins? bounded exhaustive search ---- */

typedef struct fitter {
    cns *c;
    const uint32_t *items;
    size_t k;
    int64_t load[2][DD_PACK_MAX_DIMS];
    int64_t wload[2];
    size_t cnt[2];
    uint32_t mask[2];
    uint32_t *assign;
    int64_t wrest; /* weight of items not yet assigned */
} fitter;

static int fit_rec(fitter *f, size_t j, unsigned nb)
{
    if (j == f->k)
        return 1;
    const dd__pack_inst *in = f->c->in;
    if (++f->c->nodes > FIT_NODES)
        return 0;
    int64_t room = 0;
    for (unsigned b = 0; b < nb; b++)
        room += in->wcap - f->wload[b];
    if (f->wrest > room)
        return 0;
    uint32_t i = f->items[j];
    const int64_t *s = in->size + (size_t)i * in->nd;
    for (unsigned b = 0; b < nb; b++) {
        if (b > 0 && f->cnt[b] == 0 && f->cnt[b - 1] == 0)
            break; /* symmetric: both empty */
        if (!dd__pack_fits(in, f->load[b], f->mask[b], i))
            continue;
        uint32_t old_mask = f->mask[b];
        for (unsigned d = 0; d < in->nd; d++)
            f->load[b][d] += s[d];
        f->wload[b] += in->w[i];
        if (in->klass)
            f->mask[b] |= in->klass[i];
        f->wrest -= in->w[i];
        f->assign[j] = b;
        f->cnt[b]++;
        int ok = fit_rec(f, j + 1, nb);
        f->cnt[b]--;
        f->wrest += in->w[i];
        f->wload[b] -= in->w[i];
        for (unsigned d = 0; d < in->nd; d++)
            f->load[b][d] -= s[d];
        f->mask[b] = old_mask;
        if (ok)
            return 1;
        if (f->c->nodes > FIT_NODES)
            return 0;
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/*
 * Try to pack S into fbins bins; on success fills c->tmp with S's items
 * and c->fit_bin with their bin (0..fbins-1) and returns 1.
 */
static int set_fits(cns *c)
{
    const dd__pack_inst *in = c->in;
    for (unsigned d = 0; d < c->nd; d++)
        if (c->sload[d] > (int64_t)c->fbins * in->cap[d])
            return 0;
    if (c->ns == 0)
        return 1;
    memcpy(c->tmp, c->set, c->ns * sizeof *c->tmp);
    /* internal order is by decreasing weight */
    qsort(c->tmp, c->ns, sizeof *c->tmp, cmp_u32);
    fitter f = {.c = c, .items = c->tmp, .k = c->ns, .assign = c->fit_bin, .wrest = c->sw};
    c->nodes = 0;
    return fit_rec(&f, 0, (unsigned)c->fbins);
}

/* ---- pack set: refill bin b with the heaviest feasible subset ---- */

typedef struct packer {
    cns *c;
    const uint32_t *items;
    size_t k;
    int64_t *suffix_w; /* weight of items[j..k) */
    int64_t load[DD_PACK_MAX_DIMS];
    int64_t w, best_w;
    uint32_t mask;
    uint8_t *take, *best_take;
    int full;
} packer;

static void pack_rec(packer *p, size_t j)
{
    const dd__pack_inst *in = p->c->in;
    if (p->w > p->best_w) {
        p->best_w = p->w;
        memcpy(p->best_take, p->take, p->k);
        if (p->w == in->wcap) {
            p->full = 1;
            return;
        }
    }
    if (j == p->k || p->full || p->w + p->suffix_w[j] <= p->best_w ||
        ++p->c->nodes > PACKSET_NODES)
        return;
    uint32_t i = p->items[j];
    const int64_t *s = in->size + (size_t)i * in->nd;
    if (dd__pack_fits(in, p->load, p->mask, i)) {
        uint32_t old_mask = p->mask;
        for (unsigned d = 0; d < in->nd; d++)
            p->load[d] += s[d];
        p->w += in->w[i];
        if (in->klass)
            p->mask |= in->klass[i];
        p->take[j] = 1;
        pack_rec(p, j + 1);
        p->take[j] = 0;
        p->mask = old_mask;
        p->w -= in->w[i];
        for (unsigned d = 0; d < in->nd; d++)
            p->load[d] -= s[d];
    }
    pack_rec(p, j + 1);
}

/* Returns 1 when bin b was refilled with more weight. */
static int pack_set(cns *c, uint32_t b, int64_t *suffix, uint8_t *take,
                    uint8_t *best_take)
{
    const dd__pack_inst *in = c->in;
    if (c->bins.wload[b] == in->wcap || c->ns == 0)
        return 0;
    size_t k = 0;
    for (uint32_t i = c->bins.head[b]; i != NONE; i = c->bins.next[i])
        c->tmp2[k++] = i;
    memcpy(c->tmp2 + k, c->set, c->ns * sizeof *c->tmp2);
    k += c->ns;
    qsort(c->tmp2, k, sizeof *c->tmp2, cmp_u32);
    suffix[k] = 0;
    for (size_t j = k; j-- > 0;)
        suffix[j] = suffix[j + 1] + in->w[c->tmp2[j]];
    packer p = {.c = c, .items = c->tmp2, .k = k, .suffix_w = suffix, .best_w = c->bins.wload[b],
                .take = take, .best_take = best_take};
    memset(take, 0, k);
    c->nodes = 0;
    pack_rec(&p, 0);
    if (p.best_w <= c->bins.wload[b])
        return 0;
    for (size_t j = 0; j < k; j++) {
        uint32_t i = c->tmp2[j];
        if (c->bins.bin[i] == b && !best_take[j]) {
            bin_remove(c, i);
            set_add(c, i);
        }
    }
    for (size_t j = 0; j < k; j++) {
        uint32_t i = c->tmp2[j];
        if (c->bins.bin[i] == NONE && best_take[j]) {
            set_remove(c, i);
            bin_add(c, b, i);
        }
    }
    return 1;
}

/* Pack set on every bin, or on a random window of them when there are many. */
static void pack_pass(cns *c, int64_t *suffix, uint8_t *take, uint8_t *best_take)
{
    if (c->m <= SAMPLE_BINS) {
        for (uint32_t b = 0; b < c->m; b++)
            pack_set(c, b, suffix, take, best_take);
        return;
    }
    uint64_t start = dd_rng_below(&c->rng, c->m);
    for (size_t x = 0; x < SAMPLE_BINS; x++)
        pack_set(c, (uint32_t)((start + x) % c->m), suffix, take, best_take);
}

/* ---- tabu search over Swap(p, q) ---- */

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    DD__CMP_BY(y->w, x->w);
    DD__CMP_BY(x->a, y->a);
    return (x->b > y->b) - (x->b < y->b);
}

static void build_cands(cns *c)
{
    const dd__pack_inst *in = c->in;
    c->n_single = c->n_pair = 0;
    for (size_t s = 0; s < c->ns; s++) {
        uint32_t i = c->set[s];
        c->single[c->n_single++] = (cand){in->w[i], i, NONE};
    }
    qsort(c->single, c->n_single, sizeof *c->single, cmp_cand);
    if (c->ns > PAIR_MAX_S)
        return;
    for (size_t s = 0; s < c->ns; s++) {
        for (size_t t = s + 1; t < c->ns; t++) {
            uint32_t i = c->set[s], j = c->set[t];
            if (in->klass && (in->conf[i] & in->klass[j]))
                continue;
            uint32_t a = i < j ? i : j, bb = i < j ? j : i;
            c->pair[c->n_pair++] = (cand){in->w[i] + in->w[j], a, bb};
        }
    }
    qsort(c->pair, c->n_pair, sizeof *c->pair, cmp_cand);
}

/* Largest scalar weight that can fit into room avail (a valid cut-off). */
static int64_t wbound(const dd__pack_inst *in, const int64_t *avail)
{
    if (in->wcap == in->cap[0] && in->nd == 1)
        return avail[0];
    int64_t w = 0;
    for (unsigned d = 0; d < in->nd; d++)
        w += (int64_t)(((__int128)avail[d] << 28) / in->cap[d]);
    return w;
}

typedef struct move {
    int64_t delta;
    int diff; /* p - q, or 0 when not a tie-breaker */
    uint32_t bin;
    uint32_t out[2], in[2];
    uint64_t ties;
    int valid;
} move;

static int same_size(const dd__pack_inst *in, uint32_t i, uint32_t j)
{
    return memcmp(in->size + (size_t)i * in->nd, in->size + (size_t)j * in->nd,
                  in->nd * sizeof *in->size) == 0;
}

/* True if moving candidate q in for removal r (p items) changes nothing. */
static int null_move(const dd__pack_inst *in, const uint32_t *r, int p,
                     const cand *q)
{
    int qn = q->b == NONE ? 1 : 2;
    if (p != qn)
        return 0;
    if (p == 1)
        return same_size(in, r[0], q->a);
    return (same_size(in, r[0], q->a) && same_size(in, r[1], q->b)) ||
           (same_size(in, r[0], q->b) && same_size(in, r[1], q->a));
}

static int tabu_for(const cns *c, uint32_t i, uint32_t b)
{
    return c->tabu_bin[i] == b && c->tabu_until[i] > c->it;
}

static void consider(cns *c, move *best, uint32_t b, const uint32_t *r, int p,
                     int64_t wr, const int64_t *avail, uint32_t mask,
                     const cand *list, size_t nl)
{
    const dd__pack_inst *in = c->in;
    int64_t wmax = wbound(in, avail);
    /* first candidate with w <= wmax */
    size_t lo = 0, hi = nl;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list[mid].w > wmax)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t x = lo, scanned = 0; x < nl && scanned < SCAN_LIMIT;
         x++, scanned++) {
        const cand *q = &list[x];
        int64_t delta = q->w - wr;
        int qn = q->b == NONE ? 1 : 2;
        int diff = DIFF_PREF ? p - qn : 0;
        if (best->valid && (delta < best->delta ||
                            (delta == best->delta && diff < best->diff)))
            return; /* sorted: nothing better further down */
        int fits = 1;
        for (unsigned d = 0; d < in->nd && fits; d++) {
            int64_t s = in->size[(size_t)q->a * in->nd + d];
            if (q->b != NONE)
                s += in->size[(size_t)q->b * in->nd + d];
            fits = s <= avail[d];
        }
        if (!fits)
            continue;
        if (in->klass && ((in->conf[q->a] & mask) ||
                          (q->b != NONE && (in->conf[q->b] & mask))))
            continue;
        if (null_move(in, r, p, q))
            continue;
        /* aspiration: a tabu move is taken if it beats the best w(S) */
        if ((tabu_for(c, q->a, b) || (q->b != NONE && tabu_for(c, q->b, b))) &&
            c->sw - delta >= c->best_sw)
            continue;
        if (best->valid && delta == best->delta && diff == best->diff) {
            if (dd_rng_below(&c->rng, ++best->ties) != 0)
                return;
        } else {
            best->ties = 1;
        }
        best->valid = 1;
        best->delta = delta;
        best->diff = diff;
        best->bin = b;
        best->out[0] = p > 0 ? r[0] : NONE;
        best->out[1] = p > 1 ? r[1] : NONE;
        best->in[0] = q->a;
        best->in[1] = q->b;
        return;
    }
}

static void eval_bin(cns *c, move *best, uint32_t b)
{
    const dd__pack_inst *in = c->in;
    unsigned nd = c->nd;
    size_t k = 0;
    for (uint32_t i = c->bins.head[b]; i != NONE; i = c->bins.next[i])
        c->tmp2[k++] = i;
    int64_t room[DD_PACK_MAX_DIMS], avail[DD_PACK_MAX_DIMS];
    for (unsigned d = 0; d < nd; d++)
        room[d] = in->cap[d] - c->bins.load[(size_t)b * nd + d];
    uint32_t r[2] = {NONE, NONE};
    /* p = 0 */
    consider(c, best, b, r, 0, 0, room, c->mask[b], c->single, c->n_single);
    consider(c, best, b, r, 0, 0, room, c->mask[b], c->pair, c->n_pair);
    for (size_t x = 0; x < k; x++) {
        r[0] = c->tmp2[x];
        if (c->lock_until[r[0]] > c->it)
            continue;
        const int64_t *sx = in->size + (size_t)r[0] * nd;
        uint32_t mask1 = 0;
        if (in->klass)
            for (size_t z = 0; z < k; z++)
                if (z != x)
                    mask1 |= in->klass[c->tmp2[z]];
        for (unsigned d = 0; d < nd; d++)
            avail[d] = room[d] + sx[d];
        consider(c, best, b, r, 1, in->w[r[0]], avail, mask1, c->single,
                 c->n_single);
        consider(c, best, b, r, 1, in->w[r[0]], avail, mask1, c->pair,
                 c->n_pair);
        for (size_t y = x + 1; y < k; y++) {
            r[1] = c->tmp2[y];
            if (c->lock_until[r[1]] > c->it)
                continue;
            const int64_t *sy = in->size + (size_t)r[1] * nd;
            uint32_t mask2 = 0;
            if (in->klass)
                for (size_t z = 0; z < k; z++)
                    if (z != x && z != y)
                        mask2 |= in->klass[c->tmp2[z]];
            for (unsigned d = 0; d < nd; d++)
                avail[d] = room[d] + sx[d] + sy[d];
            int64_t wr = in->w[r[0]] + in->w[r[1]];
            consider(c, best, b, r, 2, wr, avail, mask2, c->single,
                     c->n_single);
            consider(c, best, b, r, 2, wr, avail, mask2, c->pair, c->n_pair);
        }
    }
}

static void apply_move(cns *c, const move *mv)
{
    for (int x = 0; x < 2; x++) {
        uint32_t i = mv->out[x];
        if (i == NONE)
            continue;
        bin_remove(c, i);
        set_add(c, i);
        c->tabu_bin[i] = mv->bin;
        c->tabu_until[i] = c->it + TT_MIN + dd_rng_below(&c->rng, TT_RAND);
    }
    for (int x = 0; x < 2; x++) {
        uint32_t i = mv->in[x];
        if (i == NONE)
            continue;
        set_remove(c, i);
        bin_add(c, mv->bin, i);
        if (LOCK_MIN + LOCK_RAND > 0)
            c->lock_until[i] = c->it + LOCK_MIN + dd_rng_below(&c->rng, LOCK_RAND + 1);
    }
}

/* ---- driver ---- */

/* The search's arrays, in its arena (zeroed), for n_bins bins. */
static dd_status cns_init(cns *c, const dd__pack_inst *in, const uint32_t *bin_of,
                          size_t n_bins)
{
    size_t n = in->n, nb = n_bins ? n_bins : 1;
    dd_arena *a = &c->arena;
    dd__arena_init(a, 0);
    c->mask = dd__arena_array(a, nb, sizeof *c->mask);
    if (in->klass)
        c->ccount = dd__arena_array(a, nb * 32, sizeof *c->ccount);
    c->set = dd__arena_array(a, n, sizeof *c->set);
    c->spos = dd__arena_array(a, n, sizeof *c->spos);
    c->tabu_until = dd__arena_array(a, n, sizeof *c->tabu_until);
    c->lock_until = dd__arena_array(a, n, sizeof *c->lock_until);
    c->tabu_bin = dd__arena_array(a, n, sizeof *c->tabu_bin);
    c->tmp = dd__arena_array(a, n, sizeof *c->tmp);
    c->tmp2 = dd__arena_array(a, n, sizeof *c->tmp2);
    c->fit_bin = dd__arena_array(a, n, sizeof *c->fit_bin);
    c->single = dd__arena_array(a, n, sizeof *c->single);
    c->pair = dd__arena_array(a, PAIR_MAX_S * PAIR_MAX_S / 2 + 1, sizeof *c->pair);
    if (!dd__pack_bins_init(&c->bins, in, nb, a) || !c->mask || (in->klass && !c->ccount) ||
        !c->set || !c->spos || !c->tabu_until || !c->lock_until || !c->tabu_bin || !c->tmp ||
        !c->tmp2 || !c->fit_bin || !c->single || !c->pair)
        return DD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        c->tabu_bin[i] = NONE;
    c->m = n_bins;
    for (size_t i = n; i-- > 0;)
        bin_add(c, bin_of[i], (uint32_t)i);
    return DD_OK;
}

/* Record partial + S-in-fbins as the best packing. */
static void commit(cns *c, uint32_t *bin_of, size_t *n_bins)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->bins.bin[i] != NONE)
            bin_of[i] = c->bins.bin[i];
    for (size_t j = 0; j < c->ns; j++)
        bin_of[c->tmp[j]] = (uint32_t)(c->m + c->fit_bin[j]);
    /* count bins actually used (an F-bin may be empty) */
    size_t used = c->m;
    for (size_t f = 0; f < c->fbins; f++) {
        int any = 0;
        for (size_t j = 0; j < c->ns && !any; j++)
            any = c->fit_bin[j] == f;
        if (any) {
            if (used != c->m + f)
                for (size_t j = 0; j < c->ns; j++)
                    if (c->fit_bin[j] == f)
                        bin_of[c->tmp[j]] = (uint32_t)used;
            used++;
        }
    }
    *n_bins = used;
}

/* Shrink the partial solution for a packing in `target` bins. */
static void retarget(cns *c, size_t target, int random)
{
    c->fbins = target < 2 ? target : 2;
    while (c->m > target - c->fbins) {
        if (random)
            delete_tournament(c);
        else
            delete_lightest(c);
    }
}

/* Restart from the best complete packing (bin_of, n_bins bins). */
static void reload(cns *c, const uint32_t *bin_of, size_t n_bins)
{
    dd__pack_bins_clear(&c->bins, n_bins);
    memset(c->mask, 0, n_bins * sizeof *c->mask);
    if (c->ccount)
        memset(c->ccount, 0, n_bins * 32 * sizeof *c->ccount);
    c->ns = 0;
    c->sw = 0;
    memset(c->sload, 0, sizeof c->sload);
    c->m = n_bins;
    for (size_t i = c->n; i-- > 0;)
        bin_add(c, bin_of[i], (uint32_t)i);
}

dd_status dd__pack_cns(const dd__pack_inst *in, uint64_t seed, size_t lb,
                       dd__pack_budget *bud, uint32_t *bin_of, size_t *n_bins)
{
    cns c = {.in = in, .nd = in->nd, .n = in->n, .bud = bud};
    dd_rng_seed(&c.rng, seed, 0x7061636b); /* stream "pack" */
    size_t nb_max = in->n;
    uint8_t *take = malloc(nb_max + 1), *best_take = malloc(nb_max + 1);
    int64_t *suffix = malloc((nb_max + 1) * sizeof *suffix);
    dd_status st = take && best_take && suffix ? cns_init(&c, in, bin_of, *n_bins)
                                               : DD_ENOMEM;
    if (st != DD_OK)
        goto done;
    size_t goal = bud->target > lb ? bud->target : lb;
    if (goal == 0)
        goal = 1;
    retarget(&c, *n_bins - 1, 0);
    c.best_sw = c.sw;
    uint64_t last_gain = c.it;
    while (*n_bins > goal && !dd__pack_budget_out(bud)) {
        c.it = ++bud->iter;
        if (set_fits(&c)) {
            commit(&c, bin_of, n_bins);
            if (*n_bins <= goal)
                break;
            retarget(&c, *n_bins - 1, 0);
            c.best_sw = c.sw;
            last_gain = c.it;
            continue;
        }
        if (c.it - last_gain > STALL_MOVES) {
            reload(&c, bin_of, *n_bins);
            retarget(&c, *n_bins - 1, 1);
            c.best_sw = c.sw;
            last_gain = c.it;
            continue;
        }
        if (c.it % PACKSET_PERIOD == 0) {
            pack_pass(&c, suffix, take, best_take);
            continue;
        }
        build_cands(&c);
        move mv;
        memset(&mv, 0, sizeof mv);
        if (c.m <= SAMPLE_BINS) {
            for (uint32_t b = 0; b < c.m; b++)
                eval_bin(&c, &mv, b);
        } else {
            uint64_t start = dd_rng_below(&c.rng, c.m);
            for (size_t x = 0; x < SAMPLE_BINS; x++)
                eval_bin(&c, &mv, (uint32_t)((start + x) % c.m));
        }
        if (!mv.valid) {
            pack_pass(&c, suffix, take, best_take);
            continue;
        }
        apply_move(&c, &mv);
        if (c.sw < c.best_sw) {
            c.best_sw = c.sw;
            last_gain = c.it;
        }
    }
done:
    dd__arena_fini(&c.arena);
    free(take);
    free(best_take);
    free(suffix);
    return st;
}
