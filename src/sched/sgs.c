/* SPDX-License-Identifier: MIT */
/*
 * Schedule generation schemes over the time-indexed capacity profile
 * (Kolisch 1996, "Serial and parallel resource-constrained project
 * scheduling methods revisited", EJOR 90), and forward-backward improvement
 * (Valls, Ballestin & Quintanilla 2005, EJOR 165).
 *
 * The remaining capacity lives in one array per worker, indexed by time slot
 * and resource, initialised from the (possibly time-varying) capacity; so a
 * blackout or a reservation costs nothing extra. Only the slots a schedule
 * touched are restored before the next one. The earliest-fit search checks
 * a candidate window from its end backwards and, on a conflict at slot s,
 * jumps to s + 1 remembering which slots are already known to fit, so each
 * slot is examined at most once per activity. Parameterised active
 * schedules (between the parallel and the serial SGS) run forward or, on
 * time-invariant instances, backward in a mirrored time frame.
 */
#include "sched/sched_int.h"

#include <stdlib.h>
#include <string.h>

dd_status dd__sched_ws_init(dd__sched_ws *ws, const dd__sched_inst *in)
{
    memset(ws, 0, sizeof *ws);
    ws->in = in;
    dd_arena *a = &ws->arena;
    dd__arena_init(a, 0);
    size_t cells = (size_t)in->H * (size_t)(in->nres ? in->nres : 1);
    size_t n = (size_t)in->n + 1;
    ws->avail = dd__arena_array(a, cells, sizeof *ws->avail);
    ws->head = dd__arena_array(a, (size_t)in->H + 2, sizeof *ws->head);
    ws->next = dd__arena_array(a, n, sizeof *ws->next);
    ws->tmp_start = dd__arena_array(a, n, sizeof *ws->tmp_start);
    ws->tmp_start2 = dd__arena_array(a, n, sizeof *ws->tmp_start2);
    ws->tmp_list = dd__arena_array(a, n, sizeof *ws->tmp_list);
    ws->par_left = dd__arena_array(a, n, sizeof *ws->par_left);
    ws->par_est = dd__arena_array(a, n, sizeof *ws->par_est);
    ws->par_el = dd__arena_array(a, n, sizeof *ws->par_el);
    ws->par_e = dd__arena_array(a, n, sizeof *ws->par_e);
    ws->par_dirty = dd__arena_array(a, n, sizeof *ws->par_dirty);
    if (!ws->avail || !ws->head || !ws->next || !ws->tmp_start ||
        !ws->tmp_start2 || !ws->tmp_list || !ws->par_left || !ws->par_est ||
        !ws->par_el || !ws->par_e || !ws->par_dirty) {
        dd__sched_ws_fini(ws);
        return DD_ENOMEM;
    }
    if (in->nres)
        memcpy(ws->avail, in->cap, cells * sizeof *ws->avail);
    for (int32_t t = 0; t < in->H + 2; t++)
        ws->head[t] = -1;
    ws->dirty_lo = in->H;
    ws->dirty_hi = 0;
    return DD_OK;
}

void dd__sched_ws_fini(dd__sched_ws *ws)
{
    dd__arena_fini(&ws->arena);
    memset(ws, 0, sizeof *ws);
}

static void reset_profile(dd__sched_ws *ws)
{
    const dd__sched_inst *in = ws->in;
    if (ws->dirty_hi > ws->dirty_lo) {
        size_t off = (size_t)ws->dirty_lo * (size_t)in->nres;
        size_t len = (size_t)(ws->dirty_hi - ws->dirty_lo) * (size_t)in->nres;
        memcpy(ws->avail + off, in->cap + off, len * sizeof *ws->avail);
    }
    ws->dirty_lo = in->H;
    ws->dirty_hi = 0;
}

static inline int slot_fits(const int32_t *row, const int32_t *dr,
                            const int32_t *dq, int32_t nd)
{
    for (int32_t k = 0; k < nd; k++)
        if (row[dr[k]] < dq[k])
            return 0;
    return 1;
}

static inline void commit(dd__sched_ws *ws, int32_t t, int32_t d,
                          const int32_t *dr, const int32_t *dq, int32_t nd)
{
    const int32_t nres = ws->in->nres;
    int32_t *row = ws->avail + (size_t)t * (size_t)nres;
    for (int32_t s = 0; s < d; s++, row += nres)
        for (int32_t k = 0; k < nd; k++)
            row[dr[k]] -= dq[k];
    if (t < ws->dirty_lo)
        ws->dirty_lo = t;
    if (t + d > ws->dirty_hi)
        ws->dirty_hi = t + d;
}

int32_t dd__sgs_forward(dd__sched_ws *ws, const int32_t *list, int32_t *start)
{
    const dd__sched_inst *in = ws->in;
    const int32_t n = in->n, nres = in->nres;
    const int32_t *av = ws->avail;
    int32_t ms = 0;
    reset_profile(ws);
    ws->n_sched++;
    for (int32_t i = 0; i < n; i++) {
        const int32_t j = list[i], d = in->dur[j];
        int32_t t = in->rel[j];
        for (int32_t k = in->pred_off[j]; k < in->pred_off[j + 1]; k++) {
            const int32_t a = in->pred[k];
            const int32_t v = start[a] + in->dur[a] + in->pred_lag[k];
            if (v > t)
                t = v;
        }
        const int32_t nd = in->dem_off[j + 1] - in->dem_off[j];
        if (nd) {
            const int32_t *dr = in->dem_res + in->dem_off[j];
            const int32_t *dq = in->dem_q + in->dem_off[j];
            const int32_t lps = in->lps[j], H = in->H;
            int32_t vhi = t; /* slots [t, vhi) are known to fit */
            for (;;) {
                if (t > lps || t > H - d)
                    return -1;
                int32_t s = t + d - 1;
                while (s >= vhi &&
                       slot_fits(av + (size_t)s * (size_t)nres, dr, dq, nd))
                    s--;
                if (s < vhi)
                    break;
                vhi = t + d;
                t = s + 1;
            }
            commit(ws, t, d, dr, dq, nd);
        }
        start[j] = t;
        if (t + d > ms)
            ms = t + d;
    }
    return ms;
}

int32_t dd__sgs_backward(dd__sched_ws *ws, const int32_t *list, int32_t T,
                         const int32_t *old, int keep_dl, int32_t *start)
{
    const dd__sched_inst *in = ws->in;
    const int32_t n = in->n, nres = in->nres;
    const int32_t *av = ws->avail;
    int32_t first = T;
    reset_profile(ws);
    ws->n_sched++;
    for (int32_t i = 0; i < n; i++) {
        const int32_t j = list[i], d = in->dur[j];
        int32_t lf = T;
        for (int32_t k = in->succ_off[j]; k < in->succ_off[j + 1]; k++) {
            const int32_t v = start[in->succ[k]] - in->succ_lag[k];
            if (v < lf)
                lf = v;
        }
        if (keep_dl && old && in->dl[j] != DD__SCHED_INF) {
            int32_t c = old[j] + d > in->dl[j] ? old[j] + d : in->dl[j];
            if (c < lf)
                lf = c;
        }
        int32_t t = lf - d;
        if (t > in->lps[j])
            t = in->lps[j];
        const int32_t nd = in->dem_off[j + 1] - in->dem_off[j];
        if (nd) {
            const int32_t *dr = in->dem_res + in->dem_off[j];
            const int32_t *dq = in->dem_q + in->dem_off[j];
            int32_t vlo = t + d; /* slots [vlo, t + d) are known to fit */
            for (;;) {
                if (t < in->rel[j])
                    return -1;
                int32_t s = t;
                while (s < vlo &&
                       slot_fits(av + (size_t)s * (size_t)nres, dr, dq, nd))
                    s++;
                if (s >= vlo)
                    break;
                vlo = t;
                t = s - d;
            }
            commit(ws, t, d, dr, dq, nd);
        } else if (t < in->rel[j]) {
            return -1;
        }
        start[j] = t;
        if (t < first)
            first = t;
    }
    return first;
}

void dd__sched_sort_by_start(dd__sched_ws *ws, const int32_t *start,
                             int32_t *list)
{
    const dd__sched_inst *in = ws->in;
    int32_t *head = ws->head, *next = ws->next, tmax = 0;
    /* push in reverse topological order so each bucket is in rank order */
    for (int32_t i = in->n - 1; i >= 0; i--) {
        const int32_t j = in->topo[i], t = start[j];
        next[j] = head[t];
        head[t] = j;
        if (t > tmax)
            tmax = t;
    }
    int32_t c = 0;
    for (int32_t t = 0; t <= tmax; t++) {
        for (int32_t j = head[t]; j >= 0; j = next[j])
            list[c++] = j;
        head[t] = -1;
    }
}

void dd__sched_sort_by_finish_desc(dd__sched_ws *ws, const int32_t *start,
                                   int32_t *list)
{
    const dd__sched_inst *in = ws->in;
    int32_t *head = ws->head, *next = ws->next, tmax = 0;
    /* push in topological order so each bucket is in reverse rank order */
    for (int32_t i = 0; i < in->n; i++) {
        const int32_t j = in->topo[i], t = start[j] + in->dur[j];
        next[j] = head[t];
        head[t] = j;
        if (t > tmax)
            tmax = t;
    }
    int32_t c = 0;
    for (int32_t t = tmax; t >= 0; t--) {
        for (int32_t j = head[t]; j >= 0; j = next[j])
            list[c++] = j;
        head[t] = -1;
    }
}

int32_t dd__sched_makespan(const dd__sched_inst *in, const int32_t *start)
{
    int32_t ms = 0;
    for (int32_t j = 0; j < in->n; j++)
        if (start[j] + in->dur[j] > ms)
            ms = start[j] + in->dur[j];
    return ms;
}

int64_t dd__sched_tardiness(const dd__sched_inst *in, const int32_t *start)
{
    int64_t tard = 0;
    if (!in->has_deadlines)
        return 0;
    for (int32_t j = 0; j < in->n; j++) {
        int64_t late = (int64_t)start[j] + in->dur[j] - in->dl[j];
        if (in->dl[j] != DD__SCHED_INF && late > 0)
            tard += late;
    }
    return tard;
}

int32_t dd__sched_fbi(dd__sched_ws *ws, int32_t *start, int32_t *list,
                      int iters, int keep_dl)
{
    const dd__sched_inst *in = ws->in;
    int32_t ms = dd__sched_makespan(in, start);
    int64_t tard = keep_dl ? dd__sched_tardiness(in, start) : 0;
    int32_t *back = ws->tmp_start, *fwd = ws->tmp_start2, *order = ws->tmp_list;
    for (int it = 0; it < iters; it++) {
        dd__sched_sort_by_finish_desc(ws, start, order);
        if (dd__sgs_backward(ws, order, ms, start, keep_dl, back) < 0)
            break;
        dd__sched_sort_by_start(ws, back, order);
        int32_t nms = dd__sgs_forward(ws, order, fwd);
        if (nms < 0)
            break;
        int64_t ntard = keep_dl ? dd__sched_tardiness(in, fwd) : 0;
        if (ntard > tard || (ntard == tard && nms > ms))
            break;
        int improved = ntard < tard || nms < ms;
        memcpy(start, fwd, (size_t)in->n * sizeof *start);
        ms = nms;
        tard = ntard;
        if (!improved)
            break;
    }
    if (list)
        dd__sched_sort_by_start(ws, start, list);
    return ms;
}

/* Earliest start >= t at which j fits the remaining capacity, or -1. */
static int32_t earliest_fit(const dd__sched_ws *ws, int32_t j, int32_t t)
{
    const dd__sched_inst *in = ws->in;
    const int32_t nres = in->nres, d = in->dur[j];
    const int32_t nd = in->dem_off[j + 1] - in->dem_off[j];
    if (!nd)
        return t;
    const int32_t *dr = in->dem_res + in->dem_off[j];
    const int32_t *dq = in->dem_q + in->dem_off[j];
    int32_t vhi = t;
    for (;;) {
        if (t > in->lps[j] || t > in->H - d)
            return -1;
        int32_t s = t + d - 1;
        while (s >= vhi &&
               slot_fits(ws->avail + (size_t)s * (size_t)nres, dr, dq, nd))
            s--;
        if (s < vhi)
            return t;
        vhi = t + d;
        t = s + 1;
    }
}

/*
 * Parameterised active schedules (after Goncalves, Resende & Mendes 2011,
 * "A biased random-key genetic algorithm with forward-backward improvement
 * for the resource-constrained project scheduling problem", J. Heuristics
 * 17): repeatedly, among the eligible activities whose earliest feasible
 * start is within `delta` of the earliest one, schedule the one of least
 * priority value there. delta 0 is the parallel SGS (non-delay schedules:
 * activities start in time order, each as soon as it fits), a delta past
 * every duration the serial SGS of the priority order (active schedules).
 *
 * The frame may run backward (mirror): the precedence graph is reversed,
 * every activity is released at 0, and frame times u become starts
 * T - u - dur, T the frame makespan: a right-justified schedule shifted to
 * 0. The mirrored frame needs a time-invariant instance (constant
 * capacity, no release dates); the capacity profile is then indexed by
 * frame time.
 */
int32_t dd__sgs_pas(dd__sched_ws *ws, const int64_t *prio, int32_t delta,
                    int mirror, int32_t *start)
{
    const dd__sched_inst *in = ws->in;
    const int32_t n = in->n;
    const int32_t *poff = mirror ? in->succ_off : in->pred_off;
    const int32_t *soff = mirror ? in->pred_off : in->succ_off;
    const int32_t *sarc = mirror ? in->pred : in->succ;
    const int32_t *slag = mirror ? in->pred_lag : in->succ_lag;
    int32_t *left = ws->par_left, *est = ws->par_est, *el = ws->par_el;
    /* e[j]: earliest feasible start of a waiting activity, exact unless
     * dirty[j] (then a lower bound: starts only move later as capacity is
     * taken) */
    int32_t *e = ws->par_e, *dirty = ws->par_dirty, *u = ws->tmp_start2;
    reset_profile(ws);
    ws->n_sched++;
    int32_t ne = 0;
    for (int32_t j = 0; j < n; j++) {
        left[j] = poff[j + 1] - poff[j];
        est[j] = mirror ? 0 : in->rel[j];
        if (!left[j]) {
            el[ne++] = j;
            e[j] = est[j];
            dirty[j] = 1;
        }
    }
    int32_t ms = 0;
    for (int32_t step = 0; step < n; step++) {
        if (!ne)
            return -1;
        /* the earliest start among the waiting activities, exactly: a
         * dirty bound below the best exact one is made exact (the best
         * only falls, so one pass does) */
        int32_t tmin = DD__SCHED_INF;
        for (int32_t q = 0; q < ne; q++)
            if (!dirty[el[q]] && e[el[q]] < tmin)
                tmin = e[el[q]];
        for (int32_t q = 0; q < ne; q++) {
            const int32_t j = el[q];
            if (!dirty[j] || e[j] >= tmin)
                continue;
            if ((e[j] = earliest_fit(ws, j, e[j])) < 0)
                return -1;
            dirty[j] = 0;
            if (e[j] < tmin)
                tmin = e[j];
        }
        /* the least priority value among those starting by tmin + delta;
         * a dirty bound is made exact only when it would win */
        const int64_t lim = (int64_t)tmin + delta;
        int32_t pick = -1;
        for (int32_t q = 0; q < ne; q++) {
            const int32_t j = el[q];
            if (e[j] > lim)
                continue;
            if (pick >= 0 && (prio[j] > prio[el[pick]] ||
                              (prio[j] == prio[el[pick]] &&
                               in->rank[j] > in->rank[el[pick]])))
                continue;
            if (dirty[j]) {
                if ((e[j] = earliest_fit(ws, j, e[j])) < 0)
                    return -1;
                dirty[j] = 0;
                if (e[j] > lim)
                    continue;
            }
            pick = q;
        }
        const int32_t j = el[pick], t = e[j], d = in->dur[j];
        el[pick] = el[--ne];
        const int32_t k0 = in->dem_off[j], nd = in->dem_off[j + 1] - k0;
        if (nd && d > 0) {
            commit(ws, t, d, in->dem_res + k0, in->dem_q + k0, nd);
            for (int32_t q = 0; q < ne; q++) {
                const int32_t b = el[q];
                if (e[b] < t + d && e[b] + in->dur[b] > t)
                    dirty[b] = 1;
            }
        }
        u[j] = t;
        if (t + d > ms)
            ms = t + d;
        for (int32_t k = soff[j]; k < soff[j + 1]; k++) {
            const int32_t b = sarc[k];
            const int32_t v = t + d + slag[k];
            if (v > est[b])
                est[b] = v;
            if (--left[b] == 0) {
                el[ne++] = b;
                e[b] = est[b];
                dirty[b] = 1;
            }
        }
    }
    for (int32_t j = 0; j < n; j++)
        start[j] = mirror ? ms - u[j] - in->dur[j] : u[j];
    return ms;
}
