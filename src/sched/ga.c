/* SPDX-License-Identifier: MIT */
/*
 * The genetic algorithm: an activity-list GA (Hartmann 1998) whose
 * individuals are justified schedules re-encoded as the list of their
 * activities in time order (the "standardisation" of Debels & Vanhoucke
 * 2007, also in Valls, Ballestin & Quintanilla 2008), so that crossover
 * recombines justified schedules.
 *
 * Time-invariant instances (constant capacity, no release dates, no
 * deadlines; PSPLIB) use the bi-population scheme of Debels & Vanhoucke
 * 2007: a population of left-justified schedules, each kept as its
 * activities by decreasing finish, breeds children that are decoded
 * backward into the population of right-justified schedules (shifted to
 * 0, kept by start), which breeds children decoded forward into the first.
 * One schedule per child; the alternation is the forward-backward
 * improvement spread over generations.
 *
 * Decoding mixes schemes, chosen by genes each individual carries and its
 * children inherit (the self-adaptation of Hartmann 2002, "A self-adapting
 * genetic algorithm for project scheduling under resource constraints",
 * NRL 49, where a gene chooses between the serial and the parallel SGS):
 * the serial SGS, or parameterised active schedules (Goncalves, Resende &
 * Mendes 2011) with a delay between 0 (the parallel SGS, non-delay
 * schedules) and twice the mean duration, in either direction. A child
 * takes the genes of one parent, or (10%) draws them anew; the first
 * population draws them (serial for 20%, the delay uniform). Measured on
 * PSPLIB j120 (docs/sched.md): PAS mixed with the serial SGS is about 0.6
 * points better than the serial SGS alone at 5,000 schedules, and
 * inheriting the choice instead of drawing it for every child about 0.06
 * better at 50,000.
 *
 * Other instances use one population; a child is decoded forward (mixed
 * the same way) and justified by one forward-backward pass (Valls et al.
 * 2005): 3 schedules.
 *
 * The population shrinks linearly from its initial size to a fifth of it
 * as the budget is used (linear population size reduction, Tanabe &
 * Fukunaga 2014, "Improving the search performance of SHADE using linear
 * population size reduction", IEEE CEC): wide search first, convergence by
 * the end of the budget.
 *
 * Budget: each SGS pass is one schedule. The generator is one dd_rng
 * stream seeded from cfg->seed: for a given seed and schedule budget the
 * run is deterministic.
 */
#include "base/clock.h"
#include "sched/sched_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"

/* Tuned on PSPLIB (docs/sched.md); -D overrides them for experiments: */
#ifndef MUTATION
#define MUTATION 0.05      /* per-position adjacent-swap probability */
#endif
#ifndef PEAK_SHARE
#define PEAK_SHARE 0.8     /* share of children from the peak crossover */
#endif
#ifndef PEAK_MIN
#define PEAK_MIN 0.1       /* peak window length, as a share of the makespan */
#endif
#ifndef PEAK_MAX
#define PEAK_MAX 0.5
#endif
#ifndef SERIAL_SHARE
#define SERIAL_SHARE 0.2   /* decodes by the serial SGS; the rest: PAS */
#endif
#ifndef DELAY_MAX
#define DELAY_MAX 2.0      /* PAS delay up to this many mean durations */
#endif
#ifndef POP_BASE
#define POP_BASE 110.0     /* initial population: 5,000 schedules, n = 120 */
#endif
#ifndef POP_EXP
#define POP_EXP 0.75       /* initial population ~ budget^POP_EXP */
#endif
#ifndef SA_REDRAW
#define SA_REDRAW 0.1      /* share of children that draw their decoder genes */
#endif
#ifndef POP_END
#define POP_END 0.2        /* final population, as a share of the initial */
#endif

typedef struct indiv {
    int32_t *list, *start;
    int dir; /* list is to be decoded forward (0) or backward (1) */
    int serial;   /* decoder genes: the serial SGS, else PAS with this */
    double delay; /* delay, in mean durations */
    int32_t ms;
    int64_t tard;
    uint64_t hash;
} indiv;

typedef struct ga {
    dd__sched_ws *ws;
    const dd__sched_inst *in;
    const dd__sched_ga_cfg *cfg;
    dd_rng rng;
    double t_start, t_end;
    int32_t n;
    size_t P0, P;  /* initial and current population size */
    indiv *pool;   /* 4 P0 + 1 individuals */
    indiv **pop;   /* P current, then up to P children */
    indiv **pop2;  /* bi-population: the right-justified schedules */
    indiv **dup;   /* 2 P0 scratch for survive() */
    indiv *best;   /* pool[4 P0] */
    int bipop;     /* time-invariant instance: bi-population scheme */
    int minimise_tardiness;
    int32_t *mark, *scratch;
    double *util;  /* H + 1 */
    int64_t *prio_lft, *prio_lst, *prio_pos;
    int32_t *lf;
    double mean_dur;
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
    if (c->time_limit > 0 && dd__mono_s() > g->t_end)
        return 0;
    return 1;
}

/* Share of the budget used, in [0, 1]. */
static double progress(const ga *g)
{
    const dd__sched_ga_cfg *c = g->cfg;
    double f = 0.0;
    if (c->max_schedules)
        f = (double)g->ws->n_sched / (double)c->max_schedules;
    if (c->time_limit > 0) {
        double ft = (dd__mono_s() - g->t_start) / c->time_limit;
        if (ft > f)
            f = ft;
    }
    return f < 1.0 ? f : 1.0;
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

/* src into dst: its arrays into dst's own, everything else as a whole. */
static void copy_indiv(const ga *g, indiv *dst, const indiv *src)
{
    int32_t *list = dst->list, *start = dst->start;
    memcpy(list, src->list, (size_t)g->n * sizeof *list);
    memcpy(start, src->start, (size_t)g->n * sizeof *start);
    *dst = *src;
    dst->list = list;
    dst->start = start;
}

/* Decoder genes drawn anew: the serial SGS for SERIAL_SHARE, else PAS
 * with a delay uniform in [0, DELAY_MAX) mean durations. */
static void draw_genes(ga *g, indiv *x)
{
    x->serial = dd_rng_double(&g->rng) < SERIAL_SHARE;
    x->delay = dd_rng_double(&g->rng) * DELAY_MAX;
}

/*
 * Decode x->list in direction `mirror` (0 forward) into x->start, as its
 * genes say: the serial SGS, or parameterised active schedules with the
 * list positions as priorities and the gene's delay. Backward schedules
 * are right-justified and shifted to 0. Returns the makespan or -1. One
 * schedule.
 */
static int32_t decode(ga *g, indiv *x, int mirror)
{
    if (x->serial) {
        if (!mirror)
            return dd__sgs_forward(g->ws, x->list, x->start);
        /* from the end of the horizon, where every schedule fits */
        const int32_t T = g->in->H - 1;
        int32_t first = dd__sgs_backward(g->ws, x->list, T, NULL, 0, x->start);
        if (first < 0)
            return -1;
        for (int32_t j = 0; j < g->n; j++)
            x->start[j] -= first;
        return T - first;
    }
    for (int32_t i = 0; i < g->n; i++)
        g->prio_pos[x->list[i]] = i;
    double delay = x->delay * g->mean_dur;
    return dd__sgs_pas(g->ws, g->prio_pos, (int32_t)delay, mirror, x->start);
}

static void set_cost(ga *g, indiv *x, int32_t ms)
{
    if (ms < 0) {
        x->ms = DD__SCHED_INF;
        x->tard = INT64_MAX;
        x->hash = 0;
        return;
    }
    x->ms = ms;
    x->tard = g->minimise_tardiness ? dd__sched_tardiness(g->in, x->start) : 0;
    x->hash = hash_start(x->start, g->n);
    if (better(g, x, g->best))
        copy_indiv(g, g->best, x);
}

/*
 * Decode x->list in its direction and re-encode the schedule for the
 * opposite one (bi-population scheme, time-invariant instances): forward
 * gives a left-justified schedule kept by decreasing finish, backward a
 * right-justified one shifted to 0 and kept by start. One schedule.
 * Returns 0 when out of budget.
 */
static int evaluate_bipop(ga *g, indiv *x)
{
    /* the first schedule is always made, whatever the budget */
    if (!budget(g, 1) && g->ws->n_sched > 0)
        return 0;
    int32_t ms = decode(g, x, x->dir);
    if (ms >= 0) {
        if (x->dir == 0)
            dd__sched_sort_by_finish_desc(g->ws, x->start, x->list);
        else
            dd__sched_sort_by_start(g->ws, x->start, x->list);
        x->dir = !x->dir;
    }
    set_cost(g, x, ms);
    return 1;
}

/* Decode x->list forward, justify (one forward-backward pass when the
 * budget allows), standardise. Returns 0 when out of budget. */
static int evaluate_fbi(ga *g, indiv *x)
{
    if (!budget(g, 1) && g->ws->n_sched > 0)
        return 0;
    int32_t ms = decode(g, x, 0);
    if (ms >= 0 && budget(g, 2))
        ms = dd__sched_fbi(g->ws, x->start, x->list, 1, g->minimise_tardiness);
    else if (ms >= 0)
        dd__sched_sort_by_start(g->ws, x->start, x->list);
    x->dir = 0;
    set_cost(g, x, ms);
    return 1;
}

static int evaluate(ga *g, indiv *x)
{
    return g->bipop ? evaluate_bipop(g, x) : evaluate_fbi(g, x);
}

/* Two-point crossover on activity lists (Hartmann 1998); the child's list
 * runs in the parents' direction. */
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
    child->dir = fa->dir;
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
 * Peak crossover (after Valls, Ballestin & Quintanilla 2008, and Debels &
 * Vanhoucke 2007): the child keeps the father's most resource-intensive
 * stretch of time intact. With [t1, t2) the window of random length of
 * highest average utilisation in the father's schedule, a forward child
 * lists first the activities the father starts before t1 (in the mother's
 * order), then the ones it starts in [t1, t2) (in the father's order), then
 * the rest (in the mother's order). A backward child (successors first)
 * mirrors this on finish times. Every part is closed under predecessors
 * (successors), so the list stays feasible.
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
    int32_t len = (int32_t)((PEAK_MIN + (PEAK_MAX - PEAK_MIN) *
                                            dd_rng_double(&g->rng)) * T);
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
    child->dir = fa->dir;
    if (fa->dir) {
        for (int32_t i = 0; i < n; i++) {
            const int32_t j = mo->list[i];
            if (fa->start[j] + in->dur[j] > t2)
                child->list[c++] = j;
        }
        for (int32_t i = 0; i < n; i++) {
            const int32_t j = fa->list[i], f = fa->start[j] + in->dur[j];
            if (f > t1 && f <= t2)
                child->list[c++] = j;
        }
        for (int32_t i = 0; i < n; i++) {
            const int32_t j = mo->list[i];
            if (fa->start[j] + in->dur[j] <= t1)
                child->list[c++] = j;
        }
        return;
    }
    for (int32_t i = 0; i < n; i++) {
        const int32_t j = mo->list[i];
        if (fa->start[j] < t1)
            child->list[c++] = j;
    }
    for (int32_t i = 0; i < n; i++) {
        const int32_t j = fa->list[i];
        if (fa->start[j] >= t1 && fa->start[j] < t2)
            child->list[c++] = j;
    }
    for (int32_t i = 0; i < n; i++) {
        const int32_t j = mo->list[i];
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

/* Adjacent swaps, skipping direct precedences (either direction, so that
 * forward and backward lists stay feasible). */
static void mutate(ga *g, indiv *x)
{
    for (int32_t i = 0; i + 1 < g->n; i++) {
        if (dd_rng_double(&g->rng) >= MUTATION)
            continue;
        int32_t a = x->list[i], b = x->list[i + 1];
        if (!is_succ(g->in, a, b) && !is_succ(g->in, b, a)) {
            x->list[i] = b;
            x->list[i + 1] = a;
        }
    }
}

static const indiv *tournament(ga *g, indiv *const *pop, size_t np)
{
    const indiv *a = pop[dd_rng_below(&g->rng, np)];
    const indiv *b = pop[dd_rng_below(&g->rng, np)];
    return better(g, b, a) ? b : a;
}

/* qsort order: tardiness, makespan, schedule hash, then place in the pool
 * (one array, so the order is the same on every run) */
static int cmp_indiv(const void *pa, const void *pb)
{
    const indiv *a = *(const indiv *const *)pa, *b = *(const indiv *const *)pb;
    DD__CMP_BY(a->tard, b->tard);
    DD__CMP_BY(a->ms, b->ms);
    DD__CMP_BY(a->hash, b->hash);
    return a < b ? -1 : a > b;
}

/* Sort p[0..m) by cost, put duplicate schedules (same cost and hash)
 * behind the unique ones, so the first P are the best distinct ones. */
static void survive(ga *g, indiv **p, size_t m)
{
    indiv **dup = g->dup;
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
        x->dir = 0;
        draw_genes(g, x);
        if (!evaluate(g, x))
            return 0;
    }
    survive(g, g->pop, g->P);
    return 1;
}

/*
 * P children of parents src[0..P) (2-tournaments) into dst[nd..nd+P), then
 * the best P distinct of dst[0..nd+P) first. Returns 0 when the budget ran
 * out or the bound was reached.
 */
static int generation(ga *g, indiv **src, indiv **dst, size_t nd)
{
    size_t c;
    int ok = 1;
    for (c = 0; c < g->P; c++) {
        const indiv *fa = tournament(g, src, g->P);
        const indiv *mo = tournament(g, src, g->P);
        indiv *child = dst[nd + c];
        if (dd_rng_double(&g->rng) < PEAK_SHARE)
            peak_crossover(g, fa, mo, child);
        else
            crossover(g, fa, mo, child);
        mutate(g, child);
        if (dd_rng_double(&g->rng) < SA_REDRAW) {
            draw_genes(g, child);
        } else {
            const indiv *gp = dd_rng_double(&g->rng) < 0.5 ? fa : mo;
            child->serial = gp->serial;
            child->delay = gp->delay;
        }
        if (!evaluate(g, child)) {
            ok = 0;
            break;
        }
    }
    survive(g, dst, nd + c);
    return ok && !at_bound(g);
}

/* Linear population size reduction: P0 down to POP_END * P0. */
static void shrink(ga *g)
{
    double m = 1.0 + (POP_END - 1.0) * progress(g);
    size_t p = (size_t)((double)g->P0 * m + 0.5);
    if (p < 4)
        p = 4;
    if (p < g->P)
        g->P = p;
}

/* Initial population size: POP_BASE at 5,000 schedules for 120
 * activities, growing with the budget and for smaller instances (which
 * converge in fewer generations). */
static size_t population(const dd__sched_ga_cfg *cfg, int32_t n)
{
    if (cfg->population)
        return cfg->population < 4 ? 4 : cfg->population;
    double b = cfg->max_schedules ? (double)cfg->max_schedules : 5000.0;
    double size = n > 0 ? 120.0 / (double)n : 1.0;
    if (size > 3.0)
        size = 3.0;
    if (size < 0.5)
        size = 0.5;
    double p = POP_BASE * pow(b / 5000.0, POP_EXP) * pow(size, 0.7);
    if (cfg->max_schedules && p > (double)cfg->max_schedules / 8.0)
        p = (double)cfg->max_schedules / 8.0;
    return p < 20 ? 20 : p > 2000 ? 2000 : (size_t)p;
}

dd_status dd__sched_ga(dd__sched_ws *ws, const dd__sched_ga_cfg *cfg,
                       int32_t *best_start)
{
    const dd__sched_inst *in = ws->in;
    ga g = {.ws = ws, .in = in, .cfg = cfg, .n = in->n,
            .minimise_tardiness = cfg->minimise_tardiness && in->has_deadlines};
    dd_rng_seed(&g.rng, cfg->seed, 0);
    g.bipop = !in->varying && !in->has_deadlines;
    for (int32_t j = 0; j < in->n; j++)
        if (in->rel[j] > 0 || in->lps[j] != DD__SCHED_INF)
            g.bipop = 0;
    g.t_start = dd__mono_s();
    g.t_end = g.t_start + cfg->time_limit;
    double sum_dur = 0.0;
    for (int32_t j = 0; j < in->n; j++)
        sum_dur += in->dur[j];
    g.mean_dur = in->n ? sum_dur / in->n : 1.0;
    const size_t P = population(cfg, in->n);
    g.P0 = g.P = P;
    const size_t n1 = (size_t)in->n + 1, npool = 4 * P + 1;
    dd_status s = DD_ENOMEM;
    g.pool = calloc(npool, sizeof *g.pool);
    g.pop = calloc(2 * P, sizeof *g.pop);
    g.pop2 = calloc(2 * P, sizeof *g.pop2);
    g.dup = calloc(2 * P, sizeof *g.dup);
    g.mark = malloc(n1 * sizeof *g.mark);
    g.scratch = malloc(2 * n1 * sizeof *g.scratch);
    g.prio_lft = malloc(n1 * sizeof *g.prio_lft);
    g.prio_lst = malloc(n1 * sizeof *g.prio_lst);
    g.prio_pos = malloc(n1 * sizeof *g.prio_pos);
    g.lf = malloc(n1 * sizeof *g.lf);
    g.util = malloc(((size_t)in->H + 1) * sizeof *g.util);
    if (!g.pool || !g.pop || !g.pop2 || !g.dup || !g.mark || !g.scratch ||
        !g.prio_lft || !g.prio_lst || !g.prio_pos || !g.lf || !g.util)
        goto out;
    for (size_t i = 0; i < npool; i++) {
        g.pool[i].list = malloc(n1 * sizeof *g.pool[i].list);
        g.pool[i].start = malloc(n1 * sizeof *g.pool[i].start);
        if (!g.pool[i].list || !g.pool[i].start)
            goto out;
    }
    for (size_t i = 0; i < 2 * P; i++) {
        g.pop[i] = &g.pool[i];
        g.pop2[i] = &g.pool[2 * P + i];
    }
    g.best = &g.pool[4 * P];
    g.best->ms = DD__SCHED_INF;
    g.best->tard = INT64_MAX;

    dd__sched_latest_finish(in, in->cp, g.lf);
    dd__sched_rule_prio(in, DD_SCHED_RULE_LFT, g.lf, g.prio_lft);
    dd__sched_rule_prio(in, DD_SCHED_RULE_LST, g.lf, g.prio_lst);

    if (init_population(&g) && !at_bound(&g)) {
        if (g.bipop) {
            /* pop: left-justified schedules (backward lists); pop2:
             * right-justified ones (forward lists), filled first */
            if (generation(&g, g.pop, g.pop2, 0))
                for (;;) {
                    shrink(&g);
                    if (!generation(&g, g.pop2, g.pop, g.P) ||
                        !generation(&g, g.pop, g.pop2, g.P))
                        break;
                }
        } else {
            for (;;) {
                shrink(&g);
                if (!generation(&g, g.pop, g.pop, g.P))
                    break;
            }
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
        for (size_t i = 0; i < npool; i++) {
            free(g.pool[i].list);
            free(g.pool[i].start);
        }
    free(g.pool);
    free(g.pop);
    free(g.pop2);
    free(g.dup);
    free(g.mark);
    free(g.scratch);
    free(g.prio_lft);
    free(g.prio_lst);
    free(g.prio_pos);
    free(g.lf);
    free(g.util);
    return s;
}
