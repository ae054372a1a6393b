/* SPDX-License-Identifier: MIT */
/*
 * Constructive heuristics on the sorted instance (docs/pack.md).
 *
 * First-fit decreasing: every item goes to the lowest-numbered bin where it
 * fits. The bins are the leaves of a segment tree whose inner nodes hold
 * the largest residual capacity below them in each dimension and the AND
 * of the class masks below them, so a subtree in which no bin can take the
 * item is skipped whole (in one dimension the descent is O(log n), which
 * makes FFD O(n log n)). With several dimensions a subtree may pass the
 * test without holding a feasible bin; the descent then backtracks, and
 * after a fixed number of visited nodes it gives up, tries the most
 * recently opened bins in order and otherwise opens a new bin (the packing
 * stays feasible, it is only "first fit" approximately; this keeps 10^6
 * 4-D items to about a second).
 *
 * Best-fit decreasing: the feasible bin with the least scalar room left,
 * by a linear scan of the bins (moderate n only).
 */
#include <stdlib.h>
#include <string.h>

#include "load/pack_int.h"

/* Nodes visited per item before the segment-tree search gives up. */
/* Most recent bins tried, in order, when the search gives up. */
#ifndef FFD_RECENT
#define FFD_RECENT 32
#endif
#ifndef FFD_VISIT_LIMIT
#define FFD_VISIT_LIMIT 32
#endif

typedef struct seg {
    unsigned nd;
    size_t leaves; /* power of two */
    int64_t *res;  /* node * nd + d */
    uint32_t *mask;/* NULL when no conflicts: AND of bin class masks */
    size_t visits;
} seg;

static int node_can(const seg *t, size_t node, const int64_t *s, uint32_t conf)
{
    const int64_t *r = t->res + node * t->nd;
    for (unsigned d = 0; d < t->nd; d++)
        if (r[d] < s[d])
            return 0;
    return !t->mask || (t->mask[node] & conf) == 0;
}

/* Leftmost feasible leaf under node; SIZE_MAX if none or out of visits. */
static size_t seg_find(seg *t, size_t node, const int64_t *s, uint32_t conf)
{
    if (!node_can(t, node, s, conf))
        return SIZE_MAX;
    if (node >= t->leaves)
        return node - t->leaves;
    if (++t->visits > FFD_VISIT_LIMIT)
        return SIZE_MAX;
    size_t r = seg_find(t, 2 * node, s, conf);
    if (r != SIZE_MAX || t->visits > FFD_VISIT_LIMIT)
        return r;
    return seg_find(t, 2 * node + 1, s, conf);
}

static void seg_place(seg *t, size_t bin, const int64_t *s, uint32_t klass)
{
    size_t node = bin + t->leaves;
    unsigned nd = t->nd;
    for (unsigned d = 0; d < nd; d++)
        t->res[node * nd + d] -= s[d];
    if (t->mask)
        t->mask[node] |= klass;
    for (node /= 2; node >= 1; node /= 2) {
        const int64_t *a = t->res + 2 * node * nd, *b = a + nd;
        int64_t *r = t->res + node * nd;
        for (unsigned d = 0; d < nd; d++)
            r[d] = a[d] > b[d] ? a[d] : b[d];
        if (t->mask)
            t->mask[node] = t->mask[2 * node] & t->mask[2 * node + 1];
    }
}

/* First-fit decreasing (n > 0 items). */
static dd_status first_fit(const dd__pack_inst *in, uint32_t *bin_of, size_t *n_bins_out)
{
    size_t n = in->n;
    unsigned nd = in->nd;
    seg t = {0};
    t.nd = nd;
    t.leaves = 1;
    while (t.leaves < n)
        t.leaves *= 2;
    t.res = malloc(2 * t.leaves * nd * sizeof *t.res);
    if (in->klass)
        t.mask = calloc(2 * t.leaves, sizeof *t.mask);
    if (!t.res || (in->klass && !t.mask)) {
        free(t.res);
        free(t.mask);
        return DD_ENOMEM;
    }
    /* leaves beyond n can never take an item */
    for (size_t l = 0; l < t.leaves; l++)
        for (unsigned d = 0; d < nd; d++)
            t.res[(t.leaves + l) * nd + d] = l < n ? in->cap[d] : -1;
    for (size_t node = t.leaves - 1; node >= 1; node--)
        for (unsigned d = 0; d < nd; d++)
            t.res[node * nd + d] = in->cap[d];
    size_t open = 0;
    for (size_t i = 0; i < n; i++) {
        const int64_t *s = in->size + i * nd;
        uint32_t conf = in->klass ? in->conf[i] : 0;
        t.visits = 0;
        size_t b = seg_find(&t, 1, s, conf);
        if (b == SIZE_MAX && t.visits > FFD_VISIT_LIMIT) {
            /* search gave up: try the most recently opened bins */
            size_t lo = open > FFD_RECENT ? open - FFD_RECENT : 0;
            for (size_t x = lo; x < open && b == SIZE_MAX; x++)
                if (node_can(&t, t.leaves + x, s, conf))
                    b = x;
        }
        if (b == SIZE_MAX || b > open)
            b = open; /* an empty bin always fits */
        if (b == open)
            open++;
        seg_place(&t, b, s, in->klass ? in->klass[i] : 0);
        bin_of[i] = (uint32_t)b;
    }
    free(t.res);
    free(t.mask);
    *n_bins_out = open;
    return DD_OK;
}

/* Best-fit decreasing (n > 0 items). */
static dd_status best_fit(const dd__pack_inst *in, uint32_t *bin_of, size_t *n_bins_out)
{
    size_t n = in->n;
    unsigned nd = in->nd;
    int64_t *load = calloc(n * nd, sizeof *load);
    int64_t *wload = calloc(n, sizeof *wload);
    uint32_t *mask = calloc(n, sizeof *mask);
    if (!load || !wload || !mask) {
        free(load);
        free(wload);
        free(mask);
        return DD_ENOMEM;
    }
    size_t open = 0;
    for (size_t i = 0; i < n; i++) {
        const int64_t *s = in->size + i * nd;
        size_t best = open;
        int64_t best_w = -1;
        for (size_t b = 0; b < open; b++) {
            if (wload[b] <= best_w)
                continue;
            if (!dd__pack_fits(in, load + b * nd, mask[b], i))
                continue;
            best = b;
            best_w = wload[b];
        }
        if (best == open)
            open++;
        for (unsigned d = 0; d < nd; d++)
            load[best * nd + d] += s[d];
        wload[best] += in->w[i];
        if (in->klass)
            mask[best] |= in->klass[i];
        bin_of[i] = (uint32_t)best;
    }
    free(load);
    free(wload);
    free(mask);
    *n_bins_out = open;
    return DD_OK;
}

/*
 * Minimum bin slack, MBS' (Gupta & Ho 1999; Fleszar & Hindi 2002): fill
 * one bin at a time with the largest remaining item plus the subset of
 * the remaining items that leaves the least slack, found by a depth-first
 * search with a node limit; stop early at a full bin.
 */
typedef struct mbs {
    const dd__pack_inst *in;
    const uint32_t *items; /* remaining, decreasing weight */
    const int64_t *suffix; /* weight of items[j..] */
    size_t k;
    int64_t load[DD_PACK_MAX_DIMS];
    int64_t w, best_w;
    uint32_t mask;
    uint32_t *cur, *best;
    size_t n_cur, n_best;
    size_t nodes;
} mbs;

#define MBS_NODES 4000

static void mbs_rec(mbs *s, size_t j)
{
    const dd__pack_inst *in = s->in;
    if (s->w > s->best_w) {
        s->best_w = s->w;
        s->n_best = s->n_cur;
        memcpy(s->best, s->cur, s->n_cur * sizeof *s->cur);
    }
    for (; j < s->k; j++) {
        if (s->best_w == in->wcap || s->w + s->suffix[j] <= s->best_w ||
            ++s->nodes > MBS_NODES)
            return;
        uint32_t i = s->items[j];
        const int64_t *sz = in->size + (size_t)i * in->nd;
        if (!dd__pack_fits(in, s->load, s->mask, i))
            continue;
        uint32_t old_mask = s->mask;
        for (unsigned d = 0; d < in->nd; d++)
            s->load[d] += sz[d];
        s->w += in->w[i];
        if (in->klass)
            s->mask |= in->klass[i];
        s->cur[s->n_cur++] = i;
        mbs_rec(s, j + 1);
        s->n_cur--;
        s->mask = old_mask;
        s->w -= in->w[i];
        for (unsigned d = 0; d < in->nd; d++)
            s->load[d] -= sz[d];
    }
}

/* Minimum bin slack (n > 0 items). */
static dd_status min_slack(const dd__pack_inst *in, uint32_t *bin_of, size_t *n_bins_out)
{
    size_t n = in->n;
    uint32_t *rem = malloc(n * sizeof *rem);
    uint32_t *cur = malloc(n * sizeof *cur);
    uint32_t *best = malloc(n * sizeof *best);
    int64_t *suffix = malloc((n + 1) * sizeof *suffix);
    if (!rem || !cur || !best || !suffix) {
        free(rem);
        free(cur);
        free(best);
        free(suffix);
        return DD_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        rem[i] = (uint32_t)i;
        bin_of[i] = DD__PACK_NONE;
    }
    size_t k = n, bins = 0;
    while (k > 0) {
        mbs s;
        memset(&s, 0, sizeof s);
        s.in = in;
        s.items = rem + 1;
        s.k = k - 1;
        s.suffix = suffix;
        s.cur = cur;
        s.best = best;
        suffix[s.k] = 0;
        for (size_t j = s.k; j-- > 0;)
            suffix[j] = suffix[j + 1] + in->w[s.items[j]];
        uint32_t first = rem[0];
        for (unsigned d = 0; d < in->nd; d++)
            s.load[d] = in->size[(size_t)first * in->nd + d];
        s.w = in->w[first];
        s.best_w = -1;
        if (in->klass)
            s.mask = in->klass[first];
        mbs_rec(&s, 0);
        bin_of[first] = (uint32_t)bins;
        for (size_t x = 0; x < s.n_best; x++)
            bin_of[best[x]] = (uint32_t)bins;
        /* compact the remaining list (bin_of marks the packed ones) */
        size_t out = 0;
        for (size_t j = 1; j < k; j++)
            if (bin_of[rem[j]] == DD__PACK_NONE)
                rem[out++] = rem[j];
        k = out;
        bins++;
    }
    free(rem);
    free(cur);
    free(best);
    free(suffix);
    *n_bins_out = bins;
    return DD_OK;
}

dd_status dd__pack_greedy(const dd__pack_inst *in, dd__pack_rule rule, uint32_t *bin_of,
                          size_t *n_bins_out)
{
    *n_bins_out = 0;
    if (in->n == 0)
        return DD_OK;
    switch (rule) {
    case DD__PACK_FFD:
        return first_fit(in, bin_of, n_bins_out);
    case DD__PACK_BFD:
        return best_fit(in, bin_of, n_bins_out);
    case DD__PACK_MBS:
        return min_slack(in, bin_of, n_bins_out);
    }
    return DD_EARG;
}
