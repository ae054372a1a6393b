/* SPDX-License-Identifier: MIT */
/*
 * Exact cover over the patterns of small reduced cost (docs/pack.md, "LP
 * and reduced-cost search"), for 1-D instances whose LP bound is close to
 * the optimum.
 *
 * With integer duals P_t (dual feasible: every pattern has P-value <= V),
 * a packing in m bins is a set of m patterns covering every item exactly
 * once, and the sum over its bins of the reduced costs V - P(bin) is
 * exactly m V - sum_t d_t P_t, the "gap" (every reduced cost is >= 0). So
 * every bin of such a packing is a pattern of reduced cost <= gap, and
 * when the LP bound is tight the gap is a tiny fraction of V: few patterns
 * qualify. They are enumerated (each by its largest item, then the
 * smaller ones, pruned by the best P-value that fits the room left), and
 * an exact cover is searched depth-first: branch on the item type with the
 * fewest usable patterns (Knuth's "minimum remaining values"), try its
 * patterns in the order of their value in the LP solution (patterns the LP
 * uses come first: the integer packing usually shares most of them), then
 * by reduced cost; a pattern is usable while the item counts allow it and
 * its reduced cost fits the gap not yet spent. Items of zero dual ("free"
 * items) are left out of the patterns and packed at the end into the room
 * the bins leave, by a small depth-first search.
 *
 * Everything is bounded by node limits and the budget; failure is normal
 * and leaves the caller's packing alone.
 */
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"
#include "load/pack_int.h"

/* Most items in one pattern. */
#define MAX_PAT_ITEMS 16
/* Failed-state table: entries (a power of two) and probes per lookup. */
#define TT_SIZE ((size_t)1 << 18)
#define TT_PROBES 8
/* The enumeration gives up after this many calls per pattern allowed. */
#define ENUM_NODES_PER_PATTERN 64


typedef struct xpat {
    int64_t rc;
    int64_t room; /* capacity left by the pattern */
    double x;     /* LP value of the same pattern, 0 if none */
    uint32_t k;   /* items */
    uint32_t off;
} xpat;

typedef struct xs {
    const dd__pack_exact_in *pin;
    size_t m;     /* types */
    int64_t *cnt; /* remaining per type */
    /* patterns: items[off .. off+k) are type indices (with repeats) */
    xpat *pat;
    size_t n_pat, pat_cap;
    uint32_t *items;
    size_t n_items, items_cap;
    /* enumeration scratch */
    uint32_t cur[MAX_PAT_ITEMS];
    size_t n_cur;
    /* search: per type, the patterns holding it (pattern, multiplicity),
     * in pattern order; per pattern, how many of its types lack copies */
    size_t *lbeg;
    uint32_t *lpat, *lmul;
    uint32_t *blocked;
    /* patterns by decreasing reduced cost: the first n_over cost more
     * than the gap left, and are blocked too */
    uint32_t *by_rc;
    size_t n_over;
    /* the same by decreasing room: the first n_roomy leave more room than
     * the room budget left (see search()) */
    uint32_t *by_room;
    size_t n_roomy;
    /* failed states: remaining items (sum of cnt[t] * zobrist(t)) and bins
     * left, in a small open-addressing table */
    uint64_t hash;
    uint64_t *tt;
    /* search */
    uint32_t *chosen; /* pattern per depth */
    size_t depth;
    uint64_t nodes, node_limit;
    dd__pack_budget *bud;
    size_t *usable; /* per type, scratch per node */
    int aborted;
    int truncated; /* some pattern may be missing (MAX_PAT_ITEMS) */
    int64_t room_max; /* the room budget at the root */
    uint64_t enum_nodes;
    /* free items, packed last */
    uint32_t *free_t; /* free item types, one entry per item, decreasing */
    uint32_t *free_bin;
    size_t n_free;
    int64_t *room; /* per bin */
    int64_t free_slack;
    uint64_t free_nodes;
} xs;

static int add_pattern(xs *s, int64_t rc)
{
    xpat *np = dd__grow(s->pat, &s->pat_cap, s->n_pat, 1024, sizeof *np);
    if (!np)
        return -1;
    s->pat = np;
    if (s->n_items + s->n_cur > s->items_cap) {
        size_t nc = 2 * (s->n_items + s->n_cur) + 1024;
        uint32_t *ni = realloc(s->items, nc * sizeof *ni);
        if (!ni)
            return -1;
        s->items = ni;
        s->items_cap = nc;
    }
    xpat *p = &s->pat[s->n_pat++];
    p->rc = rc;
    p->room = s->pin->cap;
    for (size_t k = 0; k < s->n_cur; k++)
        p->room -= s->pin->w[s->cur[k]];
    p->x = 0;
    p->k = (uint32_t)s->n_cur;
    p->off = (uint32_t)s->n_items;
    memcpy(s->items + s->n_items, s->cur, s->n_cur * sizeof *s->cur);
    s->n_items += s->n_cur;
    return 0;
}

/*
 * Completions of the pattern in s->cur (value `val`, room left) by types
 * j.. (smaller or equal): every one with P-value >= need is a pattern.
 */
static int enum_rec(xs *s, size_t j, int64_t room, int64_t val, int64_t need)
{
    const dd__pack_exact_in *in = s->pin;
    if (++s->enum_nodes > ENUM_NODES_PER_PATTERN * in->max_patterns ||
        ((s->enum_nodes & 4095) == 0 && dd__pack_budget_out(s->bud)))
        return -2;
    /* a pattern leaving more room than the whole room budget (see
     * search()) can be in no packing */
    if (val >= need && room <= s->room_max) {
        if (s->n_pat >= in->max_patterns)
            return -2;
        if (add_pattern(s, in->V - val) != 0)
            return -1;
    }
    if (s->n_cur == MAX_PAT_ITEMS) {
        s->truncated = 1; /* longer patterns are missing: no proof */
        return 0;
    }
    for (size_t t = j; t < s->m; t++) {
        if (s->cnt[t] == 0 || in->P[t] == 0 || in->w[t] > room)
            continue;
        if (val + in->P[t] + in->kmax[room - in->w[t]] < need)
            continue;
        s->cnt[t]--;
        s->cur[s->n_cur++] = (uint32_t)t;
        int st = enum_rec(s, t, room - in->w[t], val + in->P[t], need);
        s->n_cur--;
        s->cnt[t]++;
        if (st != 0)
            return st;
    }
    return 0;
}

static int cmp_type(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* LP values onto the enumerated patterns (same multiset of types). */
static void match_lp(xs *s)
{
    const dd__pack_lp_sol *sol = s->pin->lp_sol;
    if (!sol)
        return;
    /* compare sorted type lists (patterns are small) */
    uint32_t key[MAX_PAT_ITEMS];
    for (size_t j = 0; j < sol->n; j++) {
        size_t k = 0;
        int skip = 0;
        for (size_t e = sol->beg[j]; e < sol->beg[j + 1] && !skip; e++) {
            if (s->pin->P[sol->idx[e]] == 0)
                continue; /* free items are not in the patterns */
            for (int32_t c = 0; c < sol->val[e]; c++) {
                if (k == MAX_PAT_ITEMS) {
                    skip = 1;
                    break;
                }
                key[k++] = sol->idx[e];
            }
        }
        if (skip || k == 0)
            continue;
        qsort(key, k, sizeof *key, cmp_type);
        for (size_t p = 0; p < s->n_pat; p++) {
            if (s->pat[p].k != k)
                continue;
            if (memcmp(s->items + s->pat[p].off, key, k * sizeof *key) == 0)
                s->pat[p].x += sol->x[j];
        }
    }
}

static int cmp_pat(const void *a, const void *b)
{
    const xpat *x = a, *y = b;
    DD__CMP_BY(y->x, x->x);
    DD__CMP_BY(x->rc, y->rc);
    return (x->room > y->room) - (x->room < y->room);
}

/* Free items into the bins' room, heaviest first, depth-first. */
/*
 * Free items into the bins' room, heaviest first, depth-first (Martello &
 * Toth's MTP rules, simplified): a bin whose room equals the item takes it
 * without alternatives; otherwise bins in order of increasing room
 * (best fit first), one per distinct room. Room below the smallest free
 * item is lost for good; the search fails as soon as the lost room
 * exceeds the slack (total room minus total free weight).
 */
static int free_rec(xs *s, size_t f, size_t n_bins, int64_t dead)
{
    if (f == s->n_free)
        return 1;
    /* free nodes count against the search's node limit too: a cover may
     * be completed very many times */
    if (++s->free_nodes > s->pin->free_node_limit || ++s->nodes > s->node_limit ||
        ((s->free_nodes & 1023) == 0 && dd__pack_budget_out(s->bud))) {
        if (s->free_nodes <= s->pin->free_node_limit)
            s->aborted = 1; /* out of budget or nodes, not just free nodes */
        s->free_nodes = s->pin->free_node_limit + 1;
        return 0;
    }
    int64_t wf = s->pin->w[s->free_t[f]];
    int64_t wmin = s->pin->w[s->free_t[s->n_free - 1]];
    int64_t tried_room[64];
    size_t n_tried = 0;
    for (;;) {
        /* the smallest room that holds wf and is not tried yet */
        size_t b = n_bins;
        for (size_t x = 0; x < n_bins; x++) {
            int64_t r = s->room[x];
            if (r < wf || (b < n_bins && r >= s->room[b]))
                continue;
            int dup = 0;
            for (size_t y = 0; y < n_tried && !dup; y++)
                dup = tried_room[y] == r;
            if (!dup)
                b = x;
        }
        if (b == n_bins || n_tried == 64)
            return 0;
        int64_t r = s->room[b];
        tried_room[n_tried++] = r;
        int64_t lost = r - wf < wmin && f + 1 < s->n_free ? r - wf : 0;
        if (dead + lost <= s->free_slack) {
            s->room[b] -= wf;
            s->free_bin[f] = (uint32_t)b;
            int ok = free_rec(s, f + 1, n_bins, dead + lost);
            s->room[b] += wf;
            if (ok)
                return 1;
            if (s->free_nodes > s->pin->free_node_limit)
                return 0;
        }
        if (r == wf)
            return 0; /* an exact fit dominates the other choices */
    }
}

static void block(xs *s, uint32_t p, int by)
{
    const xpat *pp = &s->pat[p];
    if (by > 0 ? s->blocked[p]++ != 0 : --s->blocked[p] != 0)
        return;
    const uint32_t *it = s->items + pp->off;
    for (uint32_t k = 0; k < pp->k; k++)
        if (k == 0 || it[k] != it[k - 1])
            s->usable[it[k]] = (size_t)((long)s->usable[it[k]] - by);
}

/* Take one copy of type t (by = +1) or give it back (by = -1). */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Has this state (remaining items, bins left) failed before? Else, with
 * `add`, remember it. A 64-bit hash collision could only prune a state
 * wrongly, losing a packing, never produce a wrong one. */
static int tt_seen(xs *s, size_t left_bins, int add)
{
    uint64_t key = (s->hash ^ mix(left_bins + 0x51)) | 1;
    size_t mask = TT_SIZE - 1, h = (size_t)(key >> 7) & mask;
    for (int probe = 0; probe < TT_PROBES; probe++, h = (h + 1) & mask) {
        if (s->tt[h] == key)
            return 1;
        if (s->tt[h] == 0) {
            if (add)
                s->tt[h] = key;
            return 0;
        }
    }
    if (add)
        s->tt[(size_t)(key >> 7) & mask] = key; /* replace */
    return 0;
}

static void take_copy(xs *s, uint32_t t, int by)
{
    int64_t c = by > 0 ? s->cnt[t] : s->cnt[t] + 1; /* copies before taking */
    s->cnt[t] -= by;
    s->hash -= (uint64_t)(int64_t)by * mix(t);
    for (size_t e = s->lbeg[t]; e < s->lbeg[t + 1]; e++)
        if ((int64_t)s->lmul[e] == c)
            block(s, s->lpat[e], by);
}

static void use_pattern(xs *s, uint32_t p, int by)
{
    const xpat *pp = &s->pat[p];
    const uint32_t *it = s->items + pp->off;
    if (by > 0)
        for (uint32_t k = 0; k < pp->k; k++)
            take_copy(s, it[k], 1);
    else
        for (uint32_t k = pp->k; k-- > 0;)
            take_copy(s, it[k], -1);
}

static int branch(xs *s, size_t left_items, size_t left_bins, int64_t gap,
                  int64_t room);

/*
 * Two budgets bound the bins still to choose: `gap`, the reduced cost
 * left (see the file comment), and `room`: the capacity the chosen bins
 * leave beside their pattern items may only hold free items, so over all
 * bins it sums to slack + free weight (slack = m C - total weight); the
 * chosen bins' room may not exceed what is left of that. For Hard28 the
 * slack is a few units: only nearly full patterns remain usable.
 */
static int search(xs *s, size_t left_items, size_t left_bins, int64_t gap, int64_t room)
{
    const dd__pack_exact_in *in = s->pin;
    if (left_items == 0) {
        if (s->n_free == 0)
            return 1;
        /* pack the free items into the room of the chosen bins and the
         * still empty ones */
        size_t nb = s->depth + left_bins;
        for (size_t b = 0; b < nb; b++) {
            int64_t load = 0;
            if (b < s->depth) {
                const xpat *p = &s->pat[s->chosen[b]];
                for (uint32_t k = 0; k < p->k; k++)
                    load += in->w[s->items[p->off + k]];
            }
            s->room[b] = in->cap - load;
        }
        int64_t total = 0, dead = 0, wmin = in->w[s->free_t[s->n_free - 1]];
        for (size_t b = 0; b < nb; b++) {
            total += s->room[b];
            if (s->room[b] < wmin)
                dead += s->room[b];
        }
        for (size_t f = 0; f < s->n_free; f++)
            total -= in->w[s->free_t[f]];
        s->free_slack = total;
        s->free_nodes = 0;
        if (total < 0 || dead > total)
            return 0;
        return free_rec(s, 0, nb, dead);
    }
    if (left_bins == 0)
        return 0;
    if (++s->nodes > s->node_limit || ((s->nodes & 1023) == 0 && dd__pack_budget_out(s->bud))) {
        s->aborted = 1;
        return 0;
    }
    if (room < 0)
        return 0;
    /* without free items the state is the set of items left: the budgets
     * left follow from it (both are sums over the items placed) */
    int memo = s->n_free == 0 && s->tt;
    if (memo && tt_seen(s, left_bins, 0))
        return 0;
    size_t over0 = s->n_over, roomy0 = s->n_roomy;
    while (s->n_over < s->n_pat && s->pat[s->by_rc[s->n_over]].rc > gap)
        block(s, s->by_rc[s->n_over++], 1);
    while (s->n_roomy < s->n_pat && s->pat[s->by_room[s->n_roomy]].room > room)
        block(s, s->by_room[s->n_roomy++], 1);
    int ok = branch(s, left_items, left_bins, gap, room);
    while (s->n_over > over0)
        block(s, s->by_rc[--s->n_over], -1);
    while (s->n_roomy > roomy0)
        block(s, s->by_room[--s->n_roomy], -1);
    if (memo && !ok && !s->aborted)
        tt_seen(s, left_bins, 1);
    return ok;
}

static int branch(xs *s, size_t left_items, size_t left_bins, int64_t gap,
                  int64_t room)
{
    const dd__pack_exact_in *in = s->pin;
    /* branch on the type with the fewest usable patterns */
    size_t best = s->m;
    for (size_t t = 0; t < s->m; t++) {
        if (s->cnt[t] == 0 || in->P[t] == 0)
            continue;
        if (best == s->m || s->usable[t] < s->usable[best])
            best = t;
    }
    if (best == s->m || s->usable[best] == 0)
        return 0;
    for (size_t e = s->lbeg[best]; e < s->lbeg[best + 1]; e++) {
        uint32_t p = s->lpat[e];
        const xpat *pp = &s->pat[p];
        if (s->blocked[p])
            continue;
        use_pattern(s, p, 1);
        s->chosen[s->depth++] = p;
        int ok = search(s, left_items - pp->k, left_bins - 1, gap - pp->rc,
                        room - pp->room);
        if (ok)
            return 1;
        s->depth--;
        use_pattern(s, p, -1);
        if (s->aborted)
            return 0;
    }
    return 0;
}

/* out[0..n_pat): the patterns by decreasing reduced cost, or by
 * decreasing room; false when out of memory. */
static bool order_patterns(const xs *s, bool by_room, dd__pack_rank *keys, uint32_t *out)
{
    for (size_t p = 0; p < s->n_pat; p++)
        keys[p] = (dd__pack_rank){by_room ? s->pat[p].room : s->pat[p].rc, (uint32_t)p};
    if (!dd__pack_rank_sort(keys, s->n_pat))
        return false;
    for (size_t p = 0; p < s->n_pat; p++)
        out[p] = keys[p].i;
    return true;
}

/* Per-type pattern lists and the usable counts. */
static int build_lists(xs *s)
{
    size_t m = s->m, n_ent = 0;
    free(s->lbeg);
    free(s->lpat);
    free(s->lmul);
    free(s->blocked);
    free(s->by_rc);
    free(s->by_room);
    s->lpat = s->lmul = s->blocked = s->by_rc = s->by_room = NULL;
    s->lbeg = calloc(m + 1, sizeof *s->lbeg);
    s->blocked = calloc(s->n_pat ? s->n_pat : 1, sizeof *s->blocked);
    if (!s->lbeg || !s->blocked)
        return -1;
    for (size_t p = 0; p < s->n_pat; p++) {
        const uint32_t *it = s->items + s->pat[p].off;
        for (uint32_t k = 0; k < s->pat[p].k; k++)
            if (k == 0 || it[k] != it[k - 1]) {
                s->lbeg[it[k] + 1]++;
                n_ent++;
            }
    }
    for (size_t t = 0; t < m; t++)
        s->lbeg[t + 1] += s->lbeg[t];
    s->lpat = malloc((n_ent ? n_ent : 1) * sizeof *s->lpat);
    s->lmul = malloc((n_ent ? n_ent : 1) * sizeof *s->lmul);
    size_t *fill = s->usable; /* scratch, reset below */
    if (!s->lpat || !s->lmul)
        return -1;
    for (size_t t = 0; t < m; t++)
        fill[t] = s->lbeg[t];
    for (size_t p = 0; p < s->n_pat; p++) {
        const uint32_t *it = s->items + s->pat[p].off;
        for (uint32_t a = 0; a < s->pat[p].k;) {
            uint32_t b = a;
            while (b < s->pat[p].k && it[b] == it[a])
                b++;
            s->lpat[fill[it[a]]] = (uint32_t)p;
            s->lmul[fill[it[a]]++] = b - a;
            a = b;
        }
    }
    for (size_t t = 0; t < m; t++)
        s->usable[t] = s->lbeg[t + 1] - s->lbeg[t];
    s->by_rc = malloc((s->n_pat ? s->n_pat : 1) * sizeof *s->by_rc);
    s->by_room = malloc((s->n_pat ? s->n_pat : 1) * sizeof *s->by_room);
    dd__pack_rank *keys = malloc((s->n_pat ? s->n_pat : 1) * sizeof *keys);
    if (!s->by_rc || !s->by_room || !keys) {
        free(keys);
        return -1;
    }
    bool ok = order_patterns(s, false, keys, s->by_rc) && order_patterns(s, true, keys, s->by_room);
    free(keys);
    return ok ? 0 : -1;
}

int dd__pack_exact(const dd__pack_exact_in *in, dd__pack_budget *bud,
                   uint32_t *copy_bin)
{
    xs s = {.pin = in, .m = in->m, .bud = bud, .node_limit = in->node_limit};
    int result = -1;
    size_t m = in->m, mm = m ? m : 1;
    s.cnt = malloc(mm * sizeof *s.cnt);
    s.usable = malloc(mm * sizeof *s.usable);
    size_t n_items = 0, n_free = 0;
    for (size_t t = 0; t < m; t++) {
        n_items += (size_t)in->d[t];
        if (in->P[t] == 0)
            n_free += (size_t)in->d[t];
    }
    s.chosen = malloc((in->m_target + 1) * sizeof *s.chosen);
    s.free_t = malloc((n_free + 1) * sizeof *s.free_t);
    s.free_bin = malloc((n_free + 1) * sizeof *s.free_bin);
    s.room = malloc((in->m_target + 1) * sizeof *s.room);
    if (!s.cnt || !s.usable || !s.chosen || !s.free_t || !s.free_bin || !s.room)
        goto done;
    result = 0;
    memcpy(s.cnt, in->d, m * sizeof *s.cnt);
    for (size_t t = 0; t < m; t++)
        if (in->P[t] == 0)
            for (int64_t c = 0; c < in->d[t]; c++)
                s.free_t[s.n_free++] = (uint32_t)t;
    if (s.n_free > in->max_free) {
        result = 2;
        goto done;
    }
    int64_t room = (int64_t)in->m_target * in->cap; /* slack + free weight */
    for (size_t t = 0; t < m; t++)
        if (in->P[t] > 0)
            room -= in->w[t] * in->d[t];
    s.room_max = room;
    /* every pattern of reduced cost <= gap, by its largest item */
    for (size_t t = 0; t < m; t++) {
        if (in->d[t] == 0 || in->P[t] == 0)
            continue;
        s.cnt[t]--;
        s.cur[0] = (uint32_t)t;
        s.n_cur = 1;
        int st = enum_rec(&s, t, in->cap - in->w[t], in->P[t], in->V - in->gap);
        s.cnt[t]++;
        if (st != 0) {
            result = st == -2 ? 2 : -1;
            goto done;
        }
    }
    match_lp(&s);
    qsort(s.pat, s.n_pat, sizeof *s.pat, cmp_pat);
    if (build_lists(&s) != 0) {
        result = -1;
        goto done;
    }
    s.tt = calloc(TT_SIZE, sizeof *s.tt); /* optional: no memo without it */
    for (size_t t = 0; t < m; t++)
        s.hash += (uint64_t)s.cnt[t] * mix(t);
    result = search(&s, n_items - s.n_free, in->m_target, in->gap, room);
    /* a failure proves nothing when the search was cut short or the free
     * items (packed by a bounded search) were involved */
    if (result == 0 && (s.aborted || s.truncated || s.n_free > 0))
        result = 2;
    if (result == 1) {
        /* copy c of type t sits at copy_bin[first(t) + c] */
        size_t *next = s.usable; /* no longer needed: next copy per type */
        size_t off = 0;
        for (size_t t = 0; t < m; t++) {
            next[t] = off;
            off += (size_t)in->d[t];
        }
        for (size_t b = 0; b < s.depth; b++) {
            const xpat *p = &s.pat[s.chosen[b]];
            for (uint32_t k = 0; k < p->k; k++)
                copy_bin[next[s.items[p->off + k]]++] = (uint32_t)b;
        }
        for (size_t f = 0; f < s.n_free; f++)
            copy_bin[next[s.free_t[f]]++] = s.free_bin[f];
    }
done:
    if (in->work_out)
        *in->work_out = s.nodes + s.enum_nodes;
    free(s.cnt);
    free(s.usable);
    free(s.chosen);
    free(s.free_t);
    free(s.free_bin);
    free(s.room);
    free(s.pat);
    free(s.items);
    free(s.lbeg);
    free(s.lpat);
    free(s.lmul);
    free(s.blocked);
    free(s.by_rc);
    free(s.by_room);
    free(s.tt);
    return result;
}
