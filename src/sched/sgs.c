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
 * slot is examined at most once per activity.
 */
#include "sched/sched_int.h"

#include <stdlib.h>
#include <string.h>

dd_status dd__sched_ws_init(dd__sched_ws *ws, const dd__sched_inst *in)
{
    memset(ws, 0, sizeof *ws);
    ws->in = in;
    size_t cells = (size_t)in->H * (size_t)(in->nres ? in->nres : 1);
    size_t n = (size_t)in->n + 1;
    ws->avail = malloc(cells * sizeof *ws->avail);
    ws->head = malloc(((size_t)in->H + 2) * sizeof *ws->head);
    ws->next = malloc(n * sizeof *ws->next);
    ws->tmp_start = malloc(n * sizeof *ws->tmp_start);
    ws->tmp_start2 = malloc(n * sizeof *ws->tmp_start2);
    ws->tmp_list = malloc(n * sizeof *ws->tmp_list);
    if (!ws->avail || !ws->head || !ws->next || !ws->tmp_start ||
        !ws->tmp_start2 || !ws->tmp_list) {
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
    free(ws->avail);
    free(ws->head);
    free(ws->next);
    free(ws->tmp_start);
    free(ws->tmp_start2);
    free(ws->tmp_list);
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

/* eligible activities at a decision time, in priority order */
typedef struct cand {
    int64_t prio;
    int32_t rank, j;
} cand;

int32_t dd__sgs_parallel(dd__sched_ws *ws, const int64_t *prio, int32_t *start)
{
    const dd__sched_inst *in = ws->in;
    const int32_t n = in->n, nres = in->nres;
    int32_t *left = malloc(((size_t)n + 1) * sizeof *left);
    int32_t *est = malloc(((size_t)n + 1) * sizeof *est);
    cand *el = malloc(((size_t)n + 1) * sizeof *el);
    int32_t ms = -1;
    if (!left || !est || !el)
        goto out;
    reset_profile(ws);
    ws->n_sched++;
    for (int32_t j = 0; j < n; j++) {
        left[j] = in->pred_off[j + 1] - in->pred_off[j];
        est[j] = in->rel[j];
        start[j] = -1;
    }
    int32_t done = 0, t = 0;
    ms = 0;
    while (done < n) {
        int32_t before = done;
        int32_t ne = 0;
        for (int32_t j = 0; j < n; j++) {
            if (start[j] >= 0 || left[j] || est[j] > t)
                continue;
            cand c = {prio[j], in->rank[j], j};
            int32_t k = ne++;
            while (k > 0 && (el[k - 1].prio > c.prio ||
                             (el[k - 1].prio == c.prio && el[k - 1].rank > c.rank))) {
                el[k] = el[k - 1];
                k--;
            }
            el[k] = c;
        }
        for (int32_t e = 0; e < ne; e++) {
            const int32_t j = el[e].j, d = in->dur[j];
            const int32_t nd = in->dem_off[j + 1] - in->dem_off[j];
            const int32_t *dr = in->dem_res + in->dem_off[j];
            const int32_t *dq = in->dem_q + in->dem_off[j];
            if (t > in->lps[j]) {
                ms = -1;
                goto out;
            }
            if (t > in->H - d) {
                ms = -1;
                goto out;
            }
            int fits = 1;
            for (int32_t s = t; s < t + d && fits && nd; s++)
                fits = slot_fits(ws->avail + (size_t)s * (size_t)nres, dr, dq, nd);
            if (!fits)
                continue;
            if (nd)
                commit(ws, t, d, dr, dq, nd);
            start[j] = t;
            done++;
            if (t + d > ms)
                ms = t + d;
            for (int32_t k = in->succ_off[j]; k < in->succ_off[j + 1]; k++) {
                const int32_t b = in->succ[k];
                const int32_t v = t + d + in->succ_lag[k];
                if (v > est[b])
                    est[b] = v;
                left[b]--;
            }
        }
        if (done == n)
            break;
        if (done > before)
            continue; /* successors may have become eligible at t */
        /* next decision time: a finish, an earliest start or (when the
         * capacity varies) the next slot */
        int32_t nt = DD__SCHED_INF;
        for (int32_t j = 0; j < n; j++) {
            if (start[j] >= 0) {
                if (start[j] + in->dur[j] > t && start[j] + in->dur[j] < nt)
                    nt = start[j] + in->dur[j];
            } else if (!left[j] && est[j] > t && est[j] < nt) {
                nt = est[j];
            }
        }
        if (in->varying && t + 1 < nt)
            nt = t + 1;
        if (nt == DD__SCHED_INF || nt >= in->H) {
            ms = -1;
            goto out;
        }
        t = nt;
    }
out:
    free(left);
    free(est);
    free(el);
    return ms;
}
