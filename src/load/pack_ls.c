/* SPDX-License-Identifier: MIT */
/*
 * Fixed-m tabu search over overloaded packings (docs/pack.md, "Local
 * search"). To find a packing in m bins, put every item into one of m bins,
 * letting bins exceed their capacity, and minimise the total overload
 *   F = sum over bins and dimensions of max(0, load - capacity)
 * (each dimension in units of 2^-28 of its capacity, 1-D capacities used
 * directly). F = 0 is a packing in m bins; one bin is then emptied into the
 * others and the search goes on towards m - 1. This is the "dual" view of
 * the bin packing problem used by Scholl, Klein & Juergens' BISON (1997)
 * and Alvim, Ribeiro, Glover & Aloise's HI_BP (2004, "A hybrid improvement
 * heuristic for the one-dimensional bin packing problem", J. Heuristics
 * 10): the number of bins is fixed and the search repairs capacity.
 *
 * A move exchanges p <= 2 items of a bin b1 against q <= 2 items of another
 * bin b2 (q may be 0), moving scalar weight from b1 to b2. Each iteration
 * picks b1 (half the time an overloaded bin, otherwise any bin) and takes
 * the best move over every b2 (a window of them when there are many):
 * least F, then the largest increase of the sum of squared bin loads
 * (Fleszar & Hindi 2002 use that objective in their VNS: it concentrates
 * the free space in few bins, which is what lets the last overloaded bin
 * be repaired), ties at random. Moves from arbitrary bins are plateau moves
 * that reshape where the free space is; without them the search stalls
 * with one overloaded bin and the free space spread thinly. Tabu: an item
 * that left bin b may not re-enter b for a few iterations (aspiration when
 * the move reaches a new best F). Class conflicts are never violated.
 */
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "load/pack_int.h"

#define NONE DD__PACK_NONE
/* Bins b2 evaluated per iteration (a random window if more), fewer when
 * bins hold many items: about LS_EVALS (out, in) pairs per iteration. */
#define LS_WINDOW 384
#define LS_WINDOW_MIN 16
#define LS_EVALS 30000
/* Pairs of items leave or enter a bin only if it holds at most this many. */
#define LS_PAIR_MAX 12
/* Percent of iterations whose b1 is any bin rather than an overloaded one. */
#define LS_ANY_PCT 50
/* Tabu tenure: LS_TT_MIN + uniform [0, LS_TT_RAND) iterations. */
#define LS_TT_MIN 7
#define LS_TT_RAND 10
/* Iterations without a better F before restarting from the best packing. */
#define LS_STALL 20000
/* Largest overload kept per bin (a sum of four dimensions fits int64). */
#define OVER_CAP ((int64_t)1 << 60)
/* scale[d] = 2^(28 + SCALE_SHIFT) / cap[d]: overload in units of 2^-28. */
#define SCALE_SHIFT 20

/* A set of at most two items of one bin, with its summed sizes. */
typedef struct part {
    uint32_t a, b; /* b == NONE for one item; a == NONE for the empty set */
    int64_t w;
    int64_t s[DD_PACK_MAX_DIMS];
    uint32_t klass, conf; /* of the set's items */
    uint32_t rest_mask;   /* classes of the bin's other items */
} part;

typedef struct ls {
    const dd__pack_inst *in;
    unsigned nd;
    size_t n, m;
    int direct; /* 1-D, overload in capacity units */
    int64_t scale[DD_PACK_MAX_DIMS];
    dd_rng rng;
    dd__pack_budget *bud;
    dd_arena arena; /* every array of the search */
    dd__pack_bins bins;
    int64_t *over;
    uint32_t *ovl, *ovpos; /* overloaded bins */
    size_t n_ov;
    int64_t F;
    uint64_t *tabu_until;
    uint32_t *tabu_bin;
    uint64_t it;
    part *p1, *p2;
    uint32_t *tmp;
} ls;

typedef struct ls_move {
    int valid;
    int64_t d;
    __int128 sq; /* increase of the sum of squared loads (larger is better) */
    uint64_t ties;
    uint32_t b2;
    part out_copy, in_copy;
} ls_move;

static int64_t over_of(const ls *s, const int64_t *load)
{
    const dd__pack_inst *in = s->in;
    if (s->direct)
        return load[0] > in->cap[0] ? load[0] - in->cap[0] : 0;
    int64_t o = 0;
    for (unsigned d = 0; d < s->nd; d++) {
        int64_t ex = load[d] - in->cap[d];
        if (ex <= 0)
            continue;
        /* ex * 2^28 / cap by a multiplication; any excess counts >= 1 */
        __int128 v = ((__int128)ex * s->scale[d]) >> SCALE_SHIFT;
        int64_t x = v > OVER_CAP ? OVER_CAP : (int64_t)v;
        o += x > 0 ? x : 1;
    }
    return o;
}

static void ov_update(ls *s, uint32_t b)
{
    int64_t o = over_of(s, s->bins.load + (size_t)b * s->nd);
    s->F += o - s->over[b];
    s->over[b] = o;
    int listed = s->ovpos[b] != NONE;
    if (o > 0 && !listed) {
        s->ovpos[b] = (uint32_t)s->n_ov;
        s->ovl[s->n_ov++] = b;
    } else if (o == 0 && listed) {
        uint32_t p = s->ovpos[b], last = s->ovl[--s->n_ov];
        s->ovl[p] = last;
        s->ovpos[last] = p;
        s->ovpos[b] = NONE;
    }
}

/* Classes of bin b's items, or 0 without conflicts. */
static uint32_t bin_mask(const ls *s, uint32_t b)
{
    uint32_t k = 0;
    if (s->in->klass)
        for (uint32_t i = s->bins.head[b]; i != NONE; i = s->bins.next[i])
            k |= s->in->klass[i];
    return k;
}

/*
 * The parts of bin b: the empty set (if with_empty), every item, and every
 * pair when the bin is small enough. Returns their number.
 */
static size_t parts_of(ls *s, uint32_t b, part *out, int with_empty)
{
    const dd__pack_inst *in = s->in;
    unsigned nd = s->nd;
    size_t k = 0, np = 0;
    for (uint32_t i = s->bins.head[b]; i != NONE; i = s->bins.next[i])
        s->tmp[k++] = i;
    int conflicts = in->klass != NULL;
    if (with_empty) {
        part *p = &out[np++];
        memset(p, 0, sizeof *p);
        p->a = p->b = NONE;
        p->rest_mask = conflicts ? bin_mask(s, b) : 0;
    }
    for (size_t x = 0; x < k; x++) {
        uint32_t i = s->tmp[x];
        part *p = &out[np++];
        p->a = i;
        p->b = NONE;
        p->w = in->w[i];
        for (unsigned d = 0; d < nd; d++)
            p->s[d] = in->size[(size_t)i * nd + d];
        p->klass = p->conf = p->rest_mask = 0;
        if (conflicts) {
            p->klass = in->klass[i];
            p->conf = in->conf[i];
            for (size_t z = 0; z < k; z++)
                if (z != x)
                    p->rest_mask |= in->klass[s->tmp[z]];
        }
    }
    if (k > LS_PAIR_MAX)
        return np;
    for (size_t x = 0; x < k; x++) {
        for (size_t y = x + 1; y < k; y++) {
            uint32_t i = s->tmp[x], j = s->tmp[y];
            part *p = &out[np++];
            p->a = i;
            p->b = j;
            p->w = in->w[i] + in->w[j];
            for (unsigned d = 0; d < nd; d++)
                p->s[d] = in->size[(size_t)i * nd + d] + in->size[(size_t)j * nd + d];
            p->klass = p->conf = p->rest_mask = 0;
            if (conflicts) {
                p->klass = in->klass[i] | in->klass[j];
                p->conf = in->conf[i] | in->conf[j];
                for (size_t z = 0; z < k; z++)
                    if (z != x && z != y)
                        p->rest_mask |= in->klass[s->tmp[z]];
            }
        }
    }
    return np;
}

static int tabu_into(const ls *s, const part *p, uint32_t b)
{
    return (p->a != NONE && s->tabu_bin[p->a] == b && s->tabu_until[p->a] > s->it) ||
           (p->b != NONE && s->tabu_bin[p->b] == b && s->tabu_until[p->b] > s->it);
}

/* Best move from b1 (its parts in p1[0..n1)) to b2. */
static void eval_pair(ls *s, ls_move *best, uint32_t b1, size_t n1, uint32_t b2,
                      int64_t best_F)
{
    const dd__pack_inst *in = s->in;
    unsigned nd = s->nd;
    size_t n2 = parts_of(s, b2, s->p2, 1);
    const int64_t *l1 = s->bins.load + (size_t)b1 * nd, *l2 = s->bins.load + (size_t)b2 * nd;
    int64_t base = s->over[b1] + s->over[b2];
    __int128 w1 = s->bins.wload[b1], w2 = s->bins.wload[b2];
    __int128 sq0 = w1 * w1 + w2 * w2;
    int64_t n1l[DD_PACK_MAX_DIMS], n2l[DD_PACK_MAX_DIMS];
    for (size_t x = 0; x < n1; x++) {
        const part *o = &s->p1[x];
        int o_tabu = tabu_into(s, o, b2);
        for (size_t y = 0; y < n2; y++) {
            const part *q = &s->p2[y];
            if (q->w >= o->w)
                continue; /* weight must go from b1 to b2 */
            if (in->klass && ((o->conf & q->rest_mask) || (q->conf & o->rest_mask)))
                continue;
            for (unsigned d = 0; d < nd; d++) {
                n1l[d] = l1[d] - o->s[d] + q->s[d];
                n2l[d] = l2[d] + o->s[d] - q->s[d];
            }
            int64_t dF = over_of(s, n1l) + over_of(s, n2l) - base;
            if (best->valid && dF > best->d)
                continue;
            __int128 a = w1 - o->w + q->w, c = w2 + o->w - q->w;
            __int128 sq = a * a + c * c - sq0;
            if (best->valid && dF == best->d && sq < best->sq)
                continue;
            if ((o_tabu || tabu_into(s, q, b1)) && s->F + dF >= best_F)
                continue;
            if (best->valid && dF == best->d && sq == best->sq) {
                if (dd_rng_below(&s->rng, ++best->ties) != 0)
                    continue;
            } else {
                best->ties = 1;
            }
            best->valid = 1;
            best->d = dF;
            best->sq = sq;
            best->b2 = b2;
            best->out_copy = *o;
            best->in_copy = *q;
        }
    }
}

static void move_item(ls *s, uint32_t i, uint32_t to)
{
    uint32_t from = s->bins.bin[i];
    dd__pack_bins_take(&s->bins, i);
    dd__pack_bins_put(&s->bins, to, i);
    s->tabu_bin[i] = from;
    s->tabu_until[i] = s->it + LS_TT_MIN + dd_rng_below(&s->rng, LS_TT_RAND);
}

static void apply(ls *s, uint32_t b1, const ls_move *mv)
{
    const part *o = &mv->out_copy, *q = &mv->in_copy;
    if (o->a != NONE)
        move_item(s, o->a, mv->b2);
    if (o->b != NONE)
        move_item(s, o->b, mv->b2);
    if (q->a != NONE)
        move_item(s, q->a, b1);
    if (q->b != NONE)
        move_item(s, q->b, b1);
    ov_update(s, b1);
    ov_update(s, mv->b2);
}

/* ---- building an assignment in m bins ---- */

static void clear_bins(ls *s, size_t nb)
{
    dd__pack_bins_clear(&s->bins, nb);
    for (size_t b = 0; b < nb; b++) {
        s->over[b] = 0;
        s->ovpos[b] = NONE;
    }
    s->n_ov = 0;
    s->F = 0;
}

/*
 * Load the feasible packing bin_of (nb bins), then empty bin `drop` and put
 * its items, heaviest first, where they fit best (the fullest bin with room
 * and no conflict), or, if none has room, where the overload grows least.
 * Leaves m = nb - 1 bins. Returns 0 when an item conflicts with every
 * other bin (the state is then unusable).
 */
static int load_minus_one(ls *s, const uint32_t *bin_of, size_t nb, uint32_t drop)
{
    const dd__pack_inst *in = s->in;
    unsigned nd = s->nd;
    clear_bins(s, nb);
    size_t k = 0;
    for (size_t i = s->n; i-- > 0;) {
        uint32_t b = bin_of[i];
        if (b == drop) {
            s->bins.bin[i] = NONE;
            continue;
        }
        /* the last bin takes the dropped bin's number */
        if (b == nb - 1)
            b = drop;
        dd__pack_bins_put(&s->bins, b, (uint32_t)i);
    }
    s->m = nb - 1;
    for (size_t i = 0; i < s->n; i++)
        if (s->bins.bin[i] == NONE)
            s->tmp[k++] = (uint32_t)i; /* internal order: heaviest first */
    int64_t nl[DD_PACK_MAX_DIMS];
    for (size_t x = 0; x < k; x++) {
        uint32_t i = s->tmp[x], best = NONE;
        int best_fit = 0;
        int64_t best_val = 0;
        const int64_t *sz = in->size + (size_t)i * nd;
        for (uint32_t b = 0; b < s->m; b++) {
            if (in->klass && (bin_mask(s, b) & in->conf[i]))
                continue;
            for (unsigned d = 0; d < nd; d++)
                nl[d] = s->bins.load[(size_t)b * nd + d] + sz[d];
            int64_t dO = over_of(s, nl) - s->over[b];
            int fit = dO == 0;
            /* fits: the fullest such bin; else the least added overload */
            if (best == NONE || (fit && !best_fit) ||
                (fit && best_fit && s->bins.wload[b] > best_val) ||
                (!fit && !best_fit && dO < best_val)) {
                best = b;
                best_fit = fit;
                best_val = fit ? s->bins.wload[b] : dO;
            }
        }
        if (best == NONE)
            return 0; /* conflicts everywhere: overload cannot repair it */
        dd__pack_bins_put(&s->bins, best, i);
        s->over[best] = over_of(s, s->bins.load + (size_t)best * nd);
    }
    s->F = 0;
    s->n_ov = 0;
    for (uint32_t b = 0; b < s->m; b++) {
        s->over[b] = 0;
        s->ovpos[b] = NONE;
        ov_update(s, b);
    }
    return 1;
}

/* The lightest bin (ties at random), or of a few random ones if `random`. */
static uint32_t pick_drop(ls *s, const uint32_t *bin_of, size_t nb, int random)
{
    clear_bins(s, nb);
    for (size_t i = 0; i < s->n; i++)
        s->bins.wload[bin_of[i]] += s->in->w[i];
    uint32_t best = (uint32_t)dd_rng_below(&s->rng, nb);
    if (random) {
        for (int t = 1; t < 3; t++) {
            uint32_t b = (uint32_t)dd_rng_below(&s->rng, nb);
            if (s->bins.wload[b] < s->bins.wload[best])
                best = b;
        }
        return best;
    }
    uint64_t ties = 0;
    for (uint32_t b = 0; b < nb; b++) {
        if (s->bins.wload[b] < s->bins.wload[best]) {
            best = b;
            ties = 1;
        } else if (s->bins.wload[b] == s->bins.wload[best] &&
                   dd_rng_below(&s->rng, ++ties) == 0) {
            best = b;
        }
    }
    return best;
}

/* The search's arrays, in its arena (zeroed), for nb bins. */
static dd_status ls_init(ls *s, size_t nb)
{
    size_t n = s->n ? s->n : 1, b = nb ? nb : 1;
    size_t max_parts = 1 + n + (size_t)LS_PAIR_MAX * (LS_PAIR_MAX - 1) / 2;
    dd_arena *a = &s->arena;
    dd__arena_init(a, 0);
    s->over = dd__arena_array(a, b, sizeof *s->over);
    s->ovl = dd__arena_array(a, b, sizeof *s->ovl);
    s->ovpos = dd__arena_array(a, b, sizeof *s->ovpos);
    s->tabu_until = dd__arena_array(a, n, sizeof *s->tabu_until);
    s->tabu_bin = dd__arena_array(a, n, sizeof *s->tabu_bin);
    s->p1 = dd__arena_array(a, max_parts, sizeof *s->p1);
    s->p2 = dd__arena_array(a, max_parts, sizeof *s->p2);
    s->tmp = dd__arena_array(a, n, sizeof *s->tmp);
    if (!dd__pack_bins_init(&s->bins, s->in, b, a) || !s->over || !s->ovl || !s->ovpos ||
        !s->tabu_until || !s->tabu_bin || !s->p1 || !s->p2 || !s->tmp)
        return DD_ENOMEM;
    for (size_t i = 0; i < n; i++)
        s->tabu_bin[i] = NONE;
    return DD_OK;
}

dd_status dd__pack_ls(const dd__pack_inst *in, uint64_t seed, size_t goal,
                      dd__pack_budget *bud, uint32_t *bin_of, size_t *n_bins)
{
    if (goal == 0)
        goal = 1;
    if (*n_bins <= goal || in->n == 0)
        return DD_OK;
    ls s = {.in = in, .nd = in->nd, .n = in->n, .bud = bud,
            .direct = in->nd == 1 && in->wcap == in->cap[0]};
    for (unsigned d = 0; d < in->nd; d++)
        s.scale[d] = (int64_t)(((int64_t)1 << (28 + SCALE_SHIFT)) / in->cap[d]);
    dd_rng_seed(&s.rng, seed, 0x6c73); /* stream "ls" */
    dd_status st = ls_init(&s, *n_bins);
    if (st != DD_OK)
        goto done;
    if (!load_minus_one(&s, bin_of, *n_bins, pick_drop(&s, bin_of, *n_bins, 0)))
        goto done;
    int64_t best_F = s.F;
    uint64_t last_gain = 0;
    while (!dd__pack_budget_out(bud)) {
        if (s.F == 0) {
            for (size_t i = 0; i < s.n; i++)
                bin_of[i] = s.bins.bin[i];
            *n_bins = s.m;
            if (s.m <= goal ||
                !load_minus_one(&s, bin_of, *n_bins, pick_drop(&s, bin_of, *n_bins, 0)))
                break;
            best_F = s.F;
            last_gain = s.it;
            continue;
        }
        s.it = ++bud->iter;
        if (s.it - last_gain > LS_STALL) {
            if (!load_minus_one(&s, bin_of, *n_bins, pick_drop(&s, bin_of, *n_bins, 1)))
                break;
            best_F = s.F;
            last_gain = s.it;
            continue;
        }
        uint32_t b1 = dd_rng_below(&s.rng, 100) < LS_ANY_PCT
                          ? (uint32_t)dd_rng_below(&s.rng, s.m)
                          : s.ovl[dd_rng_below(&s.rng, s.n_ov)];
        size_t n1 = parts_of(&s, b1, s.p1, 0);
        ls_move mv;
        memset(&mv, 0, sizeof mv);
        size_t per_bin = s.n / s.m + 1;
        per_bin = per_bin > LS_PAIR_MAX ? per_bin + 1 : 1 + per_bin * (per_bin + 1) / 2;
        size_t window = LS_EVALS / (n1 * per_bin + 1);
        window = window < LS_WINDOW_MIN ? LS_WINDOW_MIN : window > LS_WINDOW ? LS_WINDOW : window;
        if (s.m <= window + 1) {
            for (uint32_t b2 = 0; b2 < s.m; b2++)
                if (b2 != b1)
                    eval_pair(&s, &mv, b1, n1, b2, best_F);
        } else {
            uint64_t start = dd_rng_below(&s.rng, s.m);
            for (size_t x = 0; x < window; x++) {
                uint32_t b2 = (uint32_t)((start + x) % s.m);
                if (b2 != b1)
                    eval_pair(&s, &mv, b1, n1, b2, best_F);
            }
        }
        if (!mv.valid)
            continue;
        apply(&s, b1, &mv);
        if (s.F < best_F) {
            best_F = s.F;
            last_gain = s.it;
        }
    }
done:
    dd__arena_fini(&s.arena);
    return st;
}
