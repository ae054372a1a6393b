/* SPDX-License-Identifier: MIT */
/*
 * The genetic algorithm: activity-list GA (Hartmann 1998) whose every
 * decoded schedule is improved by forward-backward justification and then
 * re-encoded as the list of its activities by start time (the
 * "standardisation" of Debels & Vanhoucke 2007, also used by Valls,
 * Ballestin & Quintanilla 2008), so that crossover recombines justified
 * schedules. The initial population comes from regret-based biased random
 * sampling on LFT/LST priorities.
 *
 * Budget: each SGS pass is one schedule, so a child costs 3 (decode,
 * backward, forward). The generator is one dd_rng stream seeded from
 * cfg->seed: for a given seed and schedule budget the run is deterministic.
 */
#include "sched/sched_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tuned on PSPLIB j120 (docs/sched.md): */
#define MUTATION 0.05   /* per-position adjacent-swap probability */
#define PEAK_SHARE 0.8  /* share of children from the peak crossover */
#define PEAK_MIN 0.1    /* peak window length, as a share of the makespan */
#define PEAK_MAX 0.5

typedef struct indiv {
    int32_t *list, *start;
    int32_t ms;
    int64_t tard;
    uint64_t hash;
} indiv;

typedef struct ga {
    dd__sched_ws *ws;
    const dd__sched_inst *in;
    const dd__sched_ga_cfg *cfg;
    dd_rng rng;
    double t_end;
    int32_t n;
    size_t P;
    indiv *pool;  /* 2P + 1 individuals */
    indiv **pop;  /* P current, then P children */
    indiv **dup;  /* 2P scratch for survive() */
    indiv *best;  /* pool[2P] */
    int32_t *mark, *scratch;
    double *util; /* H + 1 */
    int64_t *prio_lft, *prio_lst;
    int32_t *lf;
    int minimise_tardiness;
    int shiftable; /* schedules may be shifted in time (PSPLIB-like) */
} ga;

static int better(const ga *g, const indiv *a, const indiv *b)
{
    if (g->minimise_tardiness && a->tard != b->tard)
        return a->tard < b->tard;
    return a->ms < b->ms;
}

static int budget(ga *g, uint64_t need)
{
    const dd__sched_ga_cfg *c = g->cfg;
    if (c->max_schedules && g->ws->n_sched + need > c->max_schedules)
        return 0;
    if (c->time_limit > 0 && dd__sched_now() > g->t_end)
        return 0;
    return 1;
}

static int at_bound(const ga *g)
{
    return g->best->ms >= 0 && g->best->ms <= g->cfg->lower_bound &&
           g->best->tard == 0;
}

static uint64_t hash_start(const int32_t *s, int32_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (int32_t j = 0; j < n; j++) {
        h ^= (uint64_t)(uint32_t)s[j];
        h *= 1099511628211ULL;
    }
    return h;
}

static void copy_indiv(const ga *g, indiv *dst, const indiv *src)
{
    memcpy(dst->list, src->list, (size_t)g->n * sizeof *dst->list);
    memcpy(dst->start, src->start, (size_t)g->n * sizeof *dst->start);
    dst->ms = src->ms;
    dst->tard = src->tard;
    dst->hash = src->hash;
}

/* Decode x->list, justify, standardise. Returns 0 when out of budget. */
static int evaluate(ga *g, indiv *x)
{
    /* the first schedule is always made, whatever the budget */
    if (!budget(g, 1) && g->ws->n_sched > 0)
        return 0;
    int32_t ms = dd__sgs_forward(g->ws, x->list, x->start);
    if (ms < 0) {
        x->ms = DD__SCHED_INF;
        x->tard = INT64_MAX;
        x->hash = 0;
        return 1;
    }
    if (g->shiftable) {
        /* time-invariant instance: the right-justified schedule shifted to
         * 0 is a schedule; keep it, the next forward decode of its order
         * is the forward half of the justification */
        if (budget(g, 1)) {
            int32_t *back = g->ws->tmp_start, *order = g->ws->tmp_list;
            dd__sched_sort_by_finish_desc(g->ws, x->start, order);
            int32_t first = dd__sgs_backward(g->ws, order, ms, x->start, 0, back);
            if (first >= 0) {
                for (int32_t j = 0; j < g->n; j++)
                    x->start[j] = back[j] - first;
                ms -= first;
            }
        }
        dd__sched_sort_by_start(g->ws, x->start, x->list);
    } else if (budget(g, 2)) {
        ms = dd__sched_fbi(g->ws, x->start, x->list, 1, g->minimise_tardiness);
    }
    x->ms = ms;
    x->tard = g->minimise_tardiness ? dd__sched_tardiness(g->in, x->start) : 0;
    x->hash = hash_start(x->start, g->n);
    if (better(g, x, g->best))
        copy_indiv(g, g->best, x);
    return 1;
}

/* Two-point crossover on activity lists (Hartmann 1998). */
static void crossover(ga *g, const indiv *fa, const indiv *mo, indiv *child)
{
    const int32_t n = g->n;
    int32_t q1 = (int32_t)dd_rng_below(&g->rng, (uint64_t)n + 1);
    int32_t q2 = (int32_t)dd_rng_below(&g->rng, (uint64_t)n + 1);
    if (q1 > q2) {
        int32_t t = q1;
        q1 = q2;
        q2 = t;
    }
    int32_t *mark = g->mark;
    memset(mark, 0, (size_t)n * sizeof *mark);
    int32_t c = 0;
    for (int32_t i = 0; i < q1; i++) {
        child->list[c++] = fa->list[i];
        mark[fa->list[i]] = 1;
    }
    for (int32_t i = 0; i < n && c < q2; i++) {
        int32_t j = mo->list[i];
        if (!mark[j]) {
            child->list[c++] = j;
            mark[j] = 1;
        }
    }
    for (int32_t i = 0; i < n && c < n; i++) {
        int32_t j = fa->list[i];
        if (!mark[j]) {
            child->list[c++] = j;
            mark[j] = 1;
        }
    }
}

/*
 * Peak crossover (after Valls, Ballestin & Quintanilla 2008): the child
 * keeps the father's most resource-intensive stretch of time intact. With
 * [t1, t2) the window of random length of highest average utilisation in
 * the father's schedule, the child lists first the activities the father
 * starts before t1 (in the mother's order), then the ones it starts in
 * [t1, t2) (in the father's order), then the rest (in the mother's order).
 * Every part is closed under predecessors, so the list stays feasible.
 */
static void peak_crossover(ga *g, const indiv *fa, const indiv *mo,
                           indiv *child)
{
    const dd__sched_inst *in = g->in;
    const int32_t n = g->n, nres = in->nres, T = fa->ms;
    double *u = g->util;
    if (T <= 0 || T > in->H) { /* infeasible father: no profile */
        crossover(g, fa, mo, child);
        return;
    }
    for (int32_t t = 0; t <= T; t++)
        u[t] = 0.0;
    for (int32_t j = 0; j < n; j++)
        for (int32_t k = in->dem_off[j]; k < in->dem_off[j + 1]; k++) {
            const int32_t r = in->dem_res[k], t0 = fa->start[j];
            const int32_t t1e = t0 + in->dur[j];
            if (!in->varying) {
                const double w = (double)in->dem_q[k] / (double)in->cap[r];
                for (int32_t t = t0; t < t1e; t++)
                    u[t] += w;
                continue;
            }
            for (int32_t t = t0; t < t1e; t++) {
                int32_t c = in->cap[(size_t)t * (size_t)nres + (size_t)r];
                if (c > 0)
                    u[t] += (double)in->dem_q[k] / (double)c;
            }
        }
    const double lo = PEAK_MIN, hi = PEAK_MAX;
    int32_t len = (int32_t)((lo + (hi - lo) * dd_rng_double(&g->rng)) * T);
    if (len < 1)
        len = 1;
    if (len > T)
        len = T;
    double w = 0.0, bw = -1.0;
    int32_t t1 = 0;
    for (int32_t t = 0; t < T; t++) {
        w += u[t];
        if (t >= len)
            w -= u[t - len];
        if (t >= len - 1 && w > bw) {
            bw = w;
            t1 = t - len + 1;
        }
    }
    const int32_t t2 = t1 + len;
    int32_t c = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t j = mo->list[i];
        if (fa->start[j] < t1)
            child->list[c++] = j;
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t j = fa->list[i];
        if (fa->start[j] >= t1 && fa->start[j] < t2)
            child->list[c++] = j;
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t j = mo->list[i];
        if (fa->start[j] >= t2)
            child->list[c++] = j;
    }
}

static int is_succ(const dd__sched_inst *in, int32_t a, int32_t b)
{
    for (int32_t k = in->succ_off[a]; k < in->succ_off[a + 1]; k++)
        if (in->succ[k] == b)
            return 1;
    return 0;
}

static void mutate(ga *g, indiv *x, double pm)
{
    for (int32_t i = 0; i + 1 < g->n; i++) {
        if (dd_rng_double(&g->rng) >= pm)
            continue;
        int32_t a = x->list[i], b = x->list[i + 1];
        if (!is_succ(g->in, a, b)) {
            x->list[i] = b;
            x->list[i + 1] = a;
        }
    }
}

static const indiv *tournament(ga *g)
{
    const indiv *a = g->pop[dd_rng_below(&g->rng, g->P)];
    const indiv *b = g->pop[dd_rng_below(&g->rng, g->P)];
    return better(g, b, a) ? b : a;
}

/* qsort order: tardiness, makespan, schedule hash, then place in the pool
 * (one array, so the order is the same on every run) */
static int cmp_indiv(const void *pa, const void *pb)
{
    const indiv *a = *(const indiv *const *)pa, *b = *(const indiv *const *)pb;
    if (a->tard != b->tard)
        return a->tard < b->tard ? -1 : 1;
    if (a->ms != b->ms)
        return a->ms < b->ms ? -1 : 1;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Sort pop[0..m) by cost, put duplicate schedules (same cost and hash)
 * behind the unique ones, so the first P are the best distinct ones. */
static void survive(ga *g, size_t m)
{
    indiv **p = g->pop, **dup = g->dup;
    qsort(p, m, sizeof *p, cmp_indiv);
    size_t u = 1, nd = 0;
    for (size_t i = 1; i < m; i++) {
        const indiv *prev = p[u - 1];
        if (p[i]->ms == prev->ms && p[i]->tard == prev->tard &&
            p[i]->hash == prev->hash)
            dup[nd++] = p[i];
        else
            p[u++] = p[i];
    }
    memcpy(p + u, dup, nd * sizeof *p);
}

static int init_population(ga *g)
{
    const dd__sched_inst *in = g->in;
    for (size_t i = 0; i < g->P; i++) {
        indiv *x = g->pop[i];
        if (i == 0)
            dd__sched_list_from_prio(in, g->prio_lft, x->list, g->scratch);
        else if (i == 1)
            dd__sched_list_from_prio(in, g->prio_lst, x->list, g->scratch);
        else
            dd__sched_list_rbrs(in, (i & 1) ? g->prio_lst : g->prio_lft,
                                &g->rng, x->list, g->scratch);
        if (!evaluate(g, x))
            return 0;
    }
    return 1;
}

dd_status dd__sched_ga(dd__sched_ws *ws, const dd__sched_ga_cfg *cfg,
                       int32_t *best_start)
{
    const dd__sched_inst *in = ws->in;
    ga g;
    memset(&g, 0, sizeof g);
    g.ws = ws;
    g.in = in;
    g.cfg = cfg;
    g.n = in->n;
    g.minimise_tardiness = cfg->minimise_tardiness && in->has_deadlines;
    dd_rng_seed(&g.rng, cfg->seed, 0);
    g.shiftable = !in->varying && !in->has_deadlines;
    for (int32_t j = 0; j < in->n; j++)
        if (in->rel[j] > 0 || in->lps[j] != DD__SCHED_INF)
            g.shiftable = 0;
    g.t_end = dd__sched_now() + cfg->time_limit;
    size_t P = cfg->population;
    if (!P) {
        /* measured best: about 90 at 5,000 schedules, 400-700 at 50,000 */
        double b = cfg->max_schedules ? (double)cfg->max_schedules : 5000.0;
        double p = 90.0 * pow(b / 5000.0, 0.75);
        P = p < 20 ? 20 : p > 1000 ? 1000 : (size_t)p;
    }
    if (P < 2)
        P = 2;
    g.P = P;
    const size_t n1 = (size_t)in->n + 1;
    dd_status s = DD_ENOMEM;
    g.pool = calloc(2 * P + 1, sizeof *g.pool);
    g.pop = calloc(2 * P, sizeof *g.pop);
    g.dup = calloc(2 * P, sizeof *g.dup);
    g.mark = malloc(n1 * sizeof *g.mark);
    g.scratch = malloc(2 * n1 * sizeof *g.scratch);
    g.prio_lft = malloc(n1 * sizeof *g.prio_lft);
    g.prio_lst = malloc(n1 * sizeof *g.prio_lst);
    g.lf = malloc(n1 * sizeof *g.lf);
    g.util = malloc(((size_t)in->H + 1) * sizeof *g.util);
    if (!g.util || !g.dup || !g.pool || !g.pop || !g.mark || !g.scratch || !g.prio_lft ||
        !g.prio_lst || !g.lf)
        goto out;
    for (size_t i = 0; i < 2 * P + 1; i++) {
        g.pool[i].list = malloc(n1 * sizeof *g.pool[i].list);
        g.pool[i].start = malloc(n1 * sizeof *g.pool[i].start);
        if (!g.pool[i].list || !g.pool[i].start)
            goto out;
    }
    for (size_t i = 0; i < 2 * P; i++)
        g.pop[i] = &g.pool[i];
    g.best = &g.pool[2 * P];
    g.best->ms = DD__SCHED_INF;
    g.best->tard = INT64_MAX;

    dd__sched_latest_finish(in, in->cp, g.lf);
    dd__sched_rule_prio(in, DD_SCHED_RULE_LFT, g.lf, g.prio_lft);
    dd__sched_rule_prio(in, DD_SCHED_RULE_LST, g.lf, g.prio_lst);

    if (init_population(&g) && !at_bound(&g)) {
        survive(&g, P);
        for (;;) {
            size_t c;
            for (c = 0; c < P; c++) {
                const indiv *fa = tournament(&g), *mo = tournament(&g);
                indiv *child = g.pop[P + c];
                if (dd_rng_double(&g.rng) < PEAK_SHARE)
                    peak_crossover(&g, fa, mo, child);
                else
                    crossover(&g, fa, mo, child);
                mutate(&g, child, MUTATION);
                if (!evaluate(&g, child))
                    break;
            }
            survive(&g, P + c);
            if (c < P || at_bound(&g))
                break;

        }
    }
    if (g.best->ms == DD__SCHED_INF) {
        s = DD_EINFEASIBLE;
        goto out;
    }
    memcpy(best_start, g.best->start, (size_t)in->n * sizeof *best_start);
    s = DD_OK;
out:
    if (g.pool)
        for (size_t i = 0; i < 2 * P + 1; i++) {
            free(g.pool[i].list);
            free(g.pool[i].start);
        }
    free(g.pool);
    free(g.pop);
    free(g.dup);
    free(g.mark);
    free(g.scratch);
    free(g.prio_lft);
    free(g.prio_lst);
    free(g.lf);
    free(g.util);
    return s;
}
