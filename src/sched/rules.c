/* SPDX-License-Identifier: MIT */
/*
 * Priority rules, activity lists built from them (deterministically or by
 * regret-based biased random sampling, Kolisch & Drexl 1996), and lower
 * bounds on the makespan: the critical path (Stinson, Davis & Khumawala
 * 1978) with release dates and lags, the energy bound per resource over the
 * time-varying capacity, and a disjunctive bound in the spirit of LB3
 * (Mingozzi et al. 1998): a set of pairwise incompatible activities
 * (precedence-related or too big together for some resource) cannot
 * overlap, so their durations add up.
 */
#include "sched/sched_int.h"

#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

/* Transitive successors as bitsets (n rows of `words` uint64), or NULL when
 * the instance is too large for it (or out of memory). */
static uint64_t *closure(const dd__sched_inst *in, int nonneg_only,
                         size_t *words_out)
{
    const int32_t n = in->n;
    if (n > 8192)
        return NULL;
    size_t words = ((size_t)n + 63) / 64;
    uint64_t *c = calloc((size_t)n * words + 1, sizeof *c);
    if (!c)
        return NULL;
    for (int32_t i = n - 1; i >= 0; i--) {
        const int32_t j = in->topo[i];
        uint64_t *row = c + (size_t)j * words;
        for (int32_t k = in->succ_off[j]; k < in->succ_off[j + 1]; k++) {
            const int32_t s = in->succ[k];
            if (nonneg_only && in->succ_lag[k] < 0)
                continue; /* a negative lag lets them overlap */
            const uint64_t *srow = c + (size_t)s * words;
            row[s / 64] |= (uint64_t)1 << (s % 64);
            for (size_t w = 0; w < words; w++)
                row[w] |= srow[w];
        }
    }
    *words_out = words;
    return c;
}

void dd__sched_latest_finish(const dd__sched_inst *in, int32_t ub, int32_t *lf)
{
    for (int32_t i = in->n - 1; i >= 0; i--) {
        const int32_t j = in->topo[i];
        int32_t v = ub;
        if (in->dl[j] < v)
            v = in->dl[j];
        for (int32_t k = in->succ_off[j]; k < in->succ_off[j + 1]; k++) {
            const int32_t s = in->succ[k];
            const int32_t w = lf[s] - in->dur[s] - in->succ_lag[k];
            if (w < v)
                v = w;
        }
        lf[j] = v;
    }
}

/* The rules whose priority is a sum of an activity's latest finish,
 * duration and earliest start, with these signs (the others are 0 here). */
static const struct {
    int8_t lf, dur, es;
} linear[DD_SCHED_RULE_COUNT] = {
    [DD_SCHED_RULE_LFT] = {1, 0, 0},   [DD_SCHED_RULE_LST] = {1, -1, 0},
    [DD_SCHED_RULE_EST] = {0, 0, 1},   [DD_SCHED_RULE_MSLK] = {1, -1, -1},
    [DD_SCHED_RULE_SPT] = {0, 1, 0},
};

void dd__sched_rule_prio(const dd__sched_inst *in, dd_sched_rule rule,
                         const int32_t *lf, int64_t *prio)
{
    const int32_t n = in->n;
    switch (rule) {
    case DD_SCHED_RULE_GRPW:
        for (int32_t j = 0; j < n; j++) {
            int64_t w = in->dur[j];
            for (int32_t k = in->succ_off[j]; k < in->succ_off[j + 1]; k++)
                w += in->dur[in->succ[k]];
            prio[j] = -w;
        }
        break;
    case DD_SCHED_RULE_MTS: {
        size_t words = 0;
        uint64_t *c = closure(in, 0, &words);
        for (int32_t j = 0; j < n; j++) {
            int64_t cnt = 0;
            if (c) {
                for (size_t w = 0; w < words; w++)
                    cnt += __builtin_popcountll(c[(size_t)j * words + w]);
            } else {
                cnt = in->succ_off[j + 1] - in->succ_off[j];
            }
            prio[j] = -cnt;
        }
        free(c);
        break;
    }
    default: {
        /* out of range: LFT */
        size_t r = (unsigned)rule < DD_SCHED_RULE_COUNT ? (size_t)rule : DD_SCHED_RULE_LFT;
        for (int32_t j = 0; j < n; j++)
            prio[j] = linear[r].lf * (int64_t)lf[j] + linear[r].dur * (int64_t)in->dur[j] +
                      linear[r].es * (int64_t)in->es[j];
        break;
    }
    }
}

/* The eligible activity to take next: the lowest priority value (ties
 * by topological rank), or with rng one drawn by regret-based biased
 * random sampling (weights vmax - prio + 1). */
static int32_t pick_eligible(const dd__sched_inst *in, const int64_t *prio, dd_rng *rng,
                             const int32_t *el, int32_t ne)
{
    if (!rng) {
        int32_t best = 0;
        for (int32_t e = 1; e < ne; e++) {
            const int32_t a = el[e], b = el[best];
            if (prio[a] < prio[b] || (prio[a] == prio[b] && in->rank[a] < in->rank[b]))
                best = e;
        }
        return best;
    }
    int64_t vmax = prio[el[0]];
    for (int32_t e = 1; e < ne; e++)
        if (prio[el[e]] > vmax)
            vmax = prio[el[e]];
    double total = 0.0;
    for (int32_t e = 0; e < ne; e++)
        total += (double)(vmax - prio[el[e]] + 1);
    double x = dd_rng_double(rng) * total;
    for (int32_t e = 0; e < ne; e++) {
        x -= (double)(vmax - prio[el[e]] + 1);
        if (x < 0)
            return e;
    }
    return ne - 1;
}

/* A precedence-feasible activity list, taking eligible activities in
 * pick_eligible's order. scratch: 2n int32 (remaining predecessor counts,
 * eligible set). */
static void list_build(const dd__sched_inst *in, const int64_t *prio, dd_rng *rng,
                       int32_t *list, int32_t *scratch)
{
    const int32_t n = in->n;
    int32_t *left = scratch, *el = scratch + n, ne = 0;
    for (int32_t j = 0; j < n; j++) {
        left[j] = in->pred_off[j + 1] - in->pred_off[j];
        if (!left[j])
            el[ne++] = j;
    }
    for (int32_t i = 0; i < n; i++) {
        const int32_t pick = pick_eligible(in, prio, rng, el, ne);
        const int32_t j = el[pick];
        el[pick] = el[--ne];
        list[i] = j;
        for (int32_t k = in->succ_off[j]; k < in->succ_off[j + 1]; k++)
            if (--left[in->succ[k]] == 0)
                el[ne++] = in->succ[k];
    }
}

void dd__sched_list_from_prio(const dd__sched_inst *in, const int64_t *prio,
                              int32_t *list, int32_t *scratch)
{
    list_build(in, prio, NULL, list, scratch);
}

void dd__sched_list_rbrs(const dd__sched_inst *in, const int64_t *prio,
                         dd_rng *rng, int32_t *list, int32_t *scratch)
{
    list_build(in, prio, rng, list, scratch);
}

static int64_t energy_bound(const dd__sched_inst *in)
{
    const int32_t n = in->n, nres = in->nres;
    int64_t best = 0;
    for (int32_t r = 0; r < nres; r++) {
        int64_t e = 0;
        int32_t first = DD__SCHED_INF;
        for (int32_t j = 0; j < n; j++)
            for (int32_t k = in->dem_off[j]; k < in->dem_off[j + 1]; k++)
                if (in->dem_res[k] == r) {
                    e += (int64_t)in->dem_q[k] * in->dur[j];
                    if (in->es[j] < first)
                        first = in->es[j];
                }
        if (e == 0)
            continue;
        /* energy is spent no earlier than the first user can start */
        int64_t t = first;
        while (e > 0 && t < in->H) {
            e -= in->cap[(size_t)t * (size_t)nres + (size_t)r];
            t++;
        }
        if (e > 0) {
            int64_t c = in->cap[(size_t)(in->H - 1) * (size_t)nres + (size_t)r];
            if (c <= 0)
                continue;
            t += (e + c - 1) / c;
        }
        if (t > best)
            best = t;
    }
    return best;
}

static int incompatible(const dd__sched_inst *in, const uint64_t *c,
                        size_t words, const int32_t *dense, int32_t a,
                        int32_t b)
{
    if ((c[(size_t)a * words + (size_t)b / 64] >> (b % 64)) & 1)
        return 1;
    if ((c[(size_t)b * words + (size_t)a / 64] >> (a % 64)) & 1)
        return 1;
    for (int32_t r = 0; r < in->nres; r++)
        if (dense[(size_t)a * (size_t)in->nres + (size_t)r] +
                dense[(size_t)b * (size_t)in->nres + (size_t)r] >
            in->cap_max[r])
            return 1;
    return 0;
}

/* *oom_out is set when memory ran out (a bound too large to attempt, over
 * 8,192 activities, is 0 without it). */
static int64_t disjunctive_bound(const dd__sched_inst *in, bool *oom_out)
{
    const int32_t n = in->n, nres = in->nres;
    size_t words = 0;
    uint64_t *c = closure(in, 1, &words);
    int32_t *dense = calloc((size_t)n * (size_t)(nres ? nres : 1) + 1,
                            sizeof *dense);
    int32_t *order = malloc(((size_t)n + 1) * sizeof *order);
    int32_t *set = malloc(((size_t)n + 1) * sizeof *set);
    int64_t best = 0;
    if ((!c && n <= 8192) || !dense || !order || !set)
        *oom_out = true;
    if (!c || !dense || !order || !set || n == 0)
        goto out;
    for (int32_t j = 0; j < n; j++)
        for (int32_t k = in->dem_off[j]; k < in->dem_off[j + 1]; k++)
            dense[(size_t)j * (size_t)nres + (size_t)in->dem_res[k]] =
                in->dem_q[k];
    /* activities by decreasing duration (insertion sort: bounds run once) */
    for (int32_t j = 0; j < n; j++) {
        int32_t k = j;
        while (k > 0 && in->dur[order[k - 1]] < in->dur[j]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = j;
    }
    int32_t n_starts = n < 12 ? n : 12;
    for (int32_t st = -1; st < n_starts; st++) {
        int32_t ns = 0;
        if (st < 0) {
            /* seed with a critical path */
            int32_t j = -1;
            for (int32_t a = 0; a < n; a++)
                if (in->es[a] + in->dur[a] == in->cp)
                    j = a;
            while (j >= 0) {
                set[ns++] = j;
                int32_t nj = -1;
                for (int32_t k = in->pred_off[j]; k < in->pred_off[j + 1]; k++) {
                    int32_t a = in->pred[k];
                    if (in->pred_lag[k] >= 0 &&
                        in->es[a] + in->dur[a] + in->pred_lag[k] == in->es[j])
                        nj = a;
                }
                j = nj;
            }
        } else {
            set[ns++] = order[st];
        }
        for (int32_t i = 0; i < n; i++) {
            int32_t j = order[i], ok = 1;
            if (in->dur[j] == 0)
                break;
            for (int32_t k = 0; k < ns && ok; k++)
                ok = set[k] != j && incompatible(in, c, words, dense, j, set[k]);
            if (ok)
                set[ns++] = j;
        }
        int64_t sum = 0, rel = DD__SCHED_INF;
        for (int32_t k = 0; k < ns; k++) {
            sum += in->dur[set[k]];
            if (in->es[set[k]] < rel)
                rel = in->es[set[k]];
        }
        if (rel + sum > best)
            best = rel + sum;
    }
out:
    free(c);
    free(dense);
    free(order);
    free(set);
    return best;
}

dd_status dd__sched_bounds(const dd__sched_inst *in, int32_t *cp_out,
                           int32_t *res_out)
{
    *cp_out = in->cp;
    bool oom = false;
    int64_t e = energy_bound(in), d = disjunctive_bound(in, &oom);
    int64_t r = e > d ? e : d;
    *res_out = r > INT32_MAX ? INT32_MAX : (int32_t)r;
    return oom ? DD_ENOMEM : DD_OK;
}
