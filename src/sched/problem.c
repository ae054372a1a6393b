/* SPDX-License-Identifier: MIT */
/*
 * The problem builder (dd_sched_add_* / set_*) and its compilation into the
 * int32, time-indexed dd__sched_inst the schedule generation schemes use.
 * Compilation scales time by the gcd of every duration, lag, release date
 * and capacity breakpoint (a minute grid of quarter-hour tasks becomes a
 * quarter-hour grid), orders the precedence graph topologically (reporting
 * an activity on a cycle), and lays out the capacity step functions over a
 * horizon that no serial schedule can exceed.
 */
#include "sched/sched_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The time-indexed profile is H * n_res int32 per worker: cap its size. */
#define MAX_SLOTS ((int64_t)1 << 30)
#define MAX_CELLS ((int64_t)1 << 26)

static int grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*ptr, nc * elem);
    if (!np)
        return 0;
    *ptr = np;
    *cap = nc;
    return 1;
}

/* One of the parallel arrays of the builder: where it is, its element size. */
typedef struct column {
    void **v;
    size_t elem;
} column;

/* Room for `need` entries in each of three parallel arrays sharing the
 * capacity *cap. They grow in step; when one fails the others may have
 * grown, so the capacity kept is the smallest. */
static int grow3(const column *c, size_t *cap, size_t need)
{
    size_t got[3];
    for (int k = 0; k < 3; k++) {
        got[k] = *cap;
        if (!grow(c[k].v, &got[k], need, c[k].elem))
            return 0;
    }
    size_t m = got[0] < got[1] ? got[0] : got[1];
    *cap = m < got[2] ? m : got[2];
    return 1;
}

dd_status dd_sched_problem_new(dd_sched_problem **out)
{
    if (!out)
        return DD_EARG;
    *out = calloc(1, sizeof **out);
    return *out ? DD_OK : DD_ENOMEM;
}

void dd_sched_problem_free(dd_sched_problem *p)
{
    if (!p)
        return;
    free(p->dur);
    free(p->rel);
    free(p->dl);
    for (size_t r = 0; r < p->n_res; r++)
        free(p->steps[r]);
    free(p->steps);
    free(p->n_steps);
    free(p->res_cap);
    free(p->dem_act);
    free(p->dem_res);
    free(p->dem_q);
    free(p->prec_from);
    free(p->prec_to);
    free(p->prec_lag);
    free(p);
}

dd_status dd_sched_add_resource(dd_sched_problem *p, int64_t capacity,
                                size_t *id_out)
{
    if (!p || capacity < 0 || capacity > INT32_MAX)
        return DD_EARG;
    size_t n = p->n_res + 1;
    const column cols[] = {{(void **)&p->res_cap, sizeof *p->res_cap},
                           {(void **)&p->steps, sizeof *p->steps},
                           {(void **)&p->n_steps, sizeof *p->n_steps}};
    if (!grow3(cols, &p->cap_res, n))
        return DD_ENOMEM;
    p->res_cap[p->n_res] = capacity;
    p->steps[p->n_res] = NULL;
    p->n_steps[p->n_res] = 0;
    if (id_out)
        *id_out = p->n_res;
    p->n_res = n;
    return DD_OK;
}

dd_status dd_sched_set_capacity(dd_sched_problem *p, size_t res,
                                const dd_sched_step *steps, size_t n_steps)
{
    if (!p || res >= p->n_res || (n_steps && !steps))
        return DD_EARG;
    for (size_t i = 0; i < n_steps; i++) {
        if (steps[i].time < 0 || steps[i].capacity < 0 ||
            steps[i].capacity > INT32_MAX ||
            (i && steps[i].time <= steps[i - 1].time))
            return DD_EARG;
    }
    dd_sched_step *copy = NULL;
    if (n_steps) {
        copy = malloc(n_steps * sizeof *copy);
        if (!copy)
            return DD_ENOMEM;
        memcpy(copy, steps, n_steps * sizeof *copy);
    }
    free(p->steps[res]);
    p->steps[res] = copy;
    p->n_steps[res] = n_steps;
    if (!n_steps) /* no steps at all: capacity 0 forever */
        p->res_cap[res] = 0;
    return DD_OK;
}

dd_status dd_sched_add_activity(dd_sched_problem *p, int64_t duration,
                                size_t *id_out)
{
    if (!p || duration < 0 || duration > INT32_MAX)
        return DD_EARG;
    size_t n = p->n_act + 1;
    const column cols[] = {{(void **)&p->dur, sizeof *p->dur},
                           {(void **)&p->rel, sizeof *p->rel},
                           {(void **)&p->dl, sizeof *p->dl}};
    if (!grow3(cols, &p->cap_act, n))
        return DD_ENOMEM;
    p->dur[p->n_act] = duration;
    p->rel[p->n_act] = 0;
    p->dl[p->n_act] = DD_SCHED_NO_DEADLINE;
    if (id_out)
        *id_out = p->n_act;
    p->n_act = n;
    return DD_OK;
}

dd_status dd_sched_set_release(dd_sched_problem *p, size_t act, int64_t release)
{
    if (!p || act >= p->n_act || release < 0 || release > INT32_MAX)
        return DD_EARG;
    p->rel[act] = release;
    return DD_OK;
}

dd_status dd_sched_set_deadline(dd_sched_problem *p, size_t act,
                                int64_t deadline)
{
    if (!p || act >= p->n_act)
        return DD_EARG;
    p->dl[act] = deadline;
    return DD_OK;
}

dd_status dd_sched_set_demand(dd_sched_problem *p, size_t act, size_t res,
                              int64_t amount)
{
    if (!p || act >= p->n_act || res >= p->n_res || amount < 0 ||
        amount > INT32_MAX)
        return DD_EARG;
    size_t n = p->n_dem + 1;
    const column cols[] = {{(void **)&p->dem_act, sizeof *p->dem_act},
                           {(void **)&p->dem_res, sizeof *p->dem_res},
                           {(void **)&p->dem_q, sizeof *p->dem_q}};
    if (!grow3(cols, &p->cap_dem, n))
        return DD_ENOMEM;
    p->dem_act[p->n_dem] = act;
    p->dem_res[p->n_dem] = res;
    p->dem_q[p->n_dem] = amount;
    p->n_dem = n;
    return DD_OK;
}

dd_status dd_sched_add_precedence(dd_sched_problem *p, size_t pred, size_t succ,
                                  int64_t min_lag)
{
    if (!p || pred >= p->n_act || succ >= p->n_act ||
        min_lag < -(int64_t)INT32_MAX || min_lag > INT32_MAX)
        return DD_EARG;
    size_t n = p->n_prec + 1;
    const column cols[] = {{(void **)&p->prec_from, sizeof *p->prec_from},
                           {(void **)&p->prec_to, sizeof *p->prec_to},
                           {(void **)&p->prec_lag, sizeof *p->prec_lag}};
    if (!grow3(cols, &p->cap_prec, n))
        return DD_ENOMEM;
    p->prec_from[p->n_prec] = pred;
    p->prec_to[p->n_prec] = succ;
    p->prec_lag[p->n_prec] = min_lag;
    p->n_prec = n;
    return DD_OK;
}

size_t dd_sched_n_activities(const dd_sched_problem *p)
{
    return p ? p->n_act : 0;
}

size_t dd_sched_n_resources(const dd_sched_problem *p)
{
    return p ? p->n_res : 0;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

void dd__sched_inst_fini(dd__sched_inst *in)
{
    dd__arena_fini(&in->arena);
}

#define ARR(ptr, count)                                                        \
    do {                                                                       \
        (ptr) = dd__arena_array(&in->arena, (size_t)(count) + 1,               \
                                sizeof *(ptr));                                \
        if (!(ptr))                                                            \
            return DD_ENOMEM;                                                  \
    } while (0)

/* The time unit: the greatest common divisor of every duration, release,
 * lag and capacity breakpoint (1 when all are zero). */
static int64_t time_unit(const dd_sched_problem *p)
{
    int64_t g = 0;
    for (size_t j = 0; j < p->n_act; j++) {
        g = gcd64(g, p->dur[j]);
        g = gcd64(g, p->rel[j]);
    }
    for (size_t e = 0; e < p->n_prec; e++)
        g = gcd64(g, p->prec_lag[e]);
    for (size_t r = 0; r < p->n_res; r++)
        for (size_t k = 0; k < p->n_steps[r]; k++)
            g = gcd64(g, p->steps[r][k].time);
    return g ? g : 1;
}

/* Durations, releases and deadlines in units; *sum gets the sum of
 * durations, *max_rel the latest release. */
static dd_status scale_activities(const dd_sched_problem *p,
                                  dd__sched_inst *in, int64_t *sum,
                                  int64_t *max_rel)
{
    const int32_t n = in->n;
    const int64_t g = in->unit;
    ARR(in->dur, n);
    ARR(in->rel, n);
    ARR(in->dl, n);
    ARR(in->lps, n);
    *sum = 0;
    *max_rel = 0;
    for (int32_t j = 0; j < n; j++) {
        in->dur[j] = (int32_t)(p->dur[j] / g);
        in->rel[j] = (int32_t)(p->rel[j] / g);
        int64_t d = p->dl[j];
        if (d == DD_SCHED_NO_DEADLINE) {
            in->dl[j] = DD__SCHED_INF;
        } else {
            /* floor(d / g) on a grid that starts at 0 */
            int64_t q = d >= 0 ? d / g : -((-d + g - 1) / g);
            if (q > INT32_MAX - 1)
                q = INT32_MAX - 1;
            if (q < INT32_MIN + 1)
                q = INT32_MIN + 1;
            in->dl[j] = (int32_t)q;
            in->has_deadlines = 1;
        }
        *sum += in->dur[j];
        if (in->rel[j] > *max_rel)
            *max_rel = in->rel[j];
    }
    return DD_OK;
}

/* Precedences in CSR form, both directions; positive lags are added to
 * *sum. A self-loop or a lag shorter than minus the shorter duration is
 * refused with the offending activity in *bad. */
static dd_status build_precedence(const dd_sched_problem *p,
                                  dd__sched_inst *in, int64_t *sum,
                                  size_t *bad)
{
    const int32_t n = in->n, m = (int32_t)p->n_prec;
    const int64_t g = in->unit;
    ARR(in->succ_off, n + 1);
    ARR(in->pred_off, n + 1);
    ARR(in->succ, m);
    ARR(in->succ_lag, m);
    ARR(in->pred, m);
    ARR(in->pred_lag, m);
    for (int32_t e = 0; e < m; e++) {
        int32_t a = (int32_t)p->prec_from[e], b = (int32_t)p->prec_to[e];
        int64_t lag = p->prec_lag[e] / g;
        int32_t lim = in->dur[a] < in->dur[b] ? in->dur[a] : in->dur[b];
        if (a == b) {
            *bad = (size_t)a;
            return DD_EINPUT;
        }
        if (lag < -(int64_t)lim) {
            *bad = (size_t)b;
            return DD_EINPUT;
        }
        if (lag > 0)
            *sum += lag;
        in->succ_off[a + 1]++;
        in->pred_off[b + 1]++;
    }
    for (int32_t j = 0; j < n; j++) {
        in->succ_off[j + 1] += in->succ_off[j];
        in->pred_off[j + 1] += in->pred_off[j];
    }
    int32_t *fs = NULL, *fp = NULL;
    ARR(fs, n);
    ARR(fp, n);
    memcpy(fs, in->succ_off, (size_t)n * sizeof *fs);
    memcpy(fp, in->pred_off, (size_t)n * sizeof *fp);
    for (int32_t e = 0; e < m; e++) {
        int32_t a = (int32_t)p->prec_from[e], b = (int32_t)p->prec_to[e];
        int32_t lag = (int32_t)(p->prec_lag[e] / g);
        in->succ[fs[a]] = b;
        in->succ_lag[fs[a]++] = lag;
        in->pred[fp[b]] = a;
        in->pred_lag[fp[b]++] = lag;
    }
    return DD_OK;
}

/* Topological order (Kahn). A leftover activity means a cycle: walk
 * predecessors inside the leftover set until one repeats, and name it. */
static dd_status topo_order(dd__sched_inst *in, size_t *bad)
{
    const int32_t n = in->n;
    ARR(in->topo, n);
    ARR(in->rank, n);
    int32_t *indeg = NULL;
    ARR(indeg, n);
    int32_t qh = 0, qt = 0;
    for (int32_t j = 0; j < n; j++) {
        indeg[j] = in->pred_off[j + 1] - in->pred_off[j];
        if (!indeg[j])
            in->topo[qt++] = j;
    }
    while (qh < qt) {
        int32_t j = in->topo[qh++];
        for (int32_t k = in->succ_off[j]; k < in->succ_off[j + 1]; k++)
            if (--indeg[in->succ[k]] == 0)
                in->topo[qt++] = in->succ[k];
    }
    if (qt < n) {
        int32_t j = 0;
        while (indeg[j] == 0)
            j++;
        int32_t *seen = NULL;
        ARR(seen, n);
        while (!seen[j]) {
            seen[j] = 1;
            for (int32_t k = in->pred_off[j]; k < in->pred_off[j + 1]; k++)
                if (indeg[in->pred[k]] > 0) {
                    j = in->pred[k];
                    break;
                }
        }
        *bad = (size_t)j;
        return DD_EINPUT;
    }
    for (int32_t i = 0; i < n; i++)
        in->rank[in->topo[i]] = i;
    return DD_OK;
}

/* Demands: dense first (a later pair overrides an earlier one), then the
 * nonzero ones of activities that last, in CSR form. */
static dd_status build_demands(const dd_sched_problem *p, dd__sched_inst *in)
{
    const int32_t n = in->n, nres = in->nres;
    int64_t *dense = NULL;
    ARR(dense, (int64_t)n * nres);
    for (size_t e = 0; e < p->n_dem; e++)
        dense[p->dem_act[e] * (size_t)nres + p->dem_res[e]] = p->dem_q[e];
    int32_t cnt = 0;
    for (int64_t i = 0; i < (int64_t)n * nres; i++)
        cnt += dense[i] > 0;
    ARR(in->dem_off, n + 1);
    ARR(in->dem_res, cnt);
    ARR(in->dem_q, cnt);
    cnt = 0;
    for (int32_t j = 0; j < n; j++) {
        in->dem_off[j] = cnt;
        for (int32_t r = 0; r < nres; r++) {
            int64_t q = dense[(size_t)j * (size_t)nres + (size_t)r];
            if (q > 0 && in->dur[j] > 0) {
                in->dem_res[cnt] = r;
                in->dem_q[cnt++] = (int32_t)q;
            }
        }
    }
    in->dem_off[n] = cnt;
    return DD_OK;
}

/* The capacity of each resource in each slot up to the horizon H: past the
 * last breakpoint every activity that fits forever fits at once, so no
 * serial schedule ends after last breakpoint + max release + sum of
 * durations and positive lags. */
static dd_status build_capacity(const dd_sched_problem *p, dd__sched_inst *in,
                                int64_t sum, int64_t max_rel)
{
    const int32_t nres = in->nres;
    const int64_t g = in->unit;
    int64_t last_bp = 0;
    for (size_t r = 0; r < p->n_res; r++)
        for (size_t k = 0; k < p->n_steps[r]; k++)
            if (p->steps[r][k].time / g > last_bp)
                last_bp = p->steps[r][k].time / g;
    int64_t H = last_bp + max_rel + sum + 1;
    if (H > MAX_SLOTS || H * (nres ? nres : 1) > MAX_CELLS)
        return DD_ELIMIT;
    in->H = (int32_t)H;
    ARR(in->cap, H * nres);
    ARR(in->cap_max, nres);
    for (int32_t r = 0; r < nres; r++) {
        const dd_sched_step *st = p->steps[r];
        size_t ns = p->n_steps[r];
        int32_t cmax = 0;
        if (!st) {
            int32_t c = (int32_t)p->res_cap[r];
            for (int64_t t = 0; t < H; t++)
                in->cap[t * nres + r] = c;
            cmax = c;
        } else {
            size_t k = 0;
            int32_t c = 0;
            for (int64_t t = 0; t < H; t++) {
                while (k < ns && st[k].time / g <= t)
                    c = (int32_t)st[k++].capacity;
                in->cap[t * nres + r] = c;
                if (c > cmax)
                    cmax = c;
            }
            if (ns > 1 || (ns && st[0].time > 0))
                in->varying = 1;
        }
        in->cap_max[r] = cmax;
    }
    return DD_OK;
}

/* Each activity fits forever (final capacities) or within windows, the
 * last of which gives its latest start; none at all is an error. */
static dd_status latest_starts(dd__sched_inst *in, size_t *bad)
{
    const int32_t n = in->n, nres = in->nres, H = in->H;
    for (int32_t j = 0; j < n; j++) {
        int forever = 1;
        for (int32_t k = in->dem_off[j]; k < in->dem_off[j + 1]; k++) {
            int32_t r = in->dem_res[k];
            if (in->dem_q[k] > in->cap[(int64_t)(H - 1) * nres + r])
                forever = 0;
        }
        if (forever) {
            in->lps[j] = DD__SCHED_INF;
            continue;
        }
        int32_t d = in->dur[j], run = 0, found = -1;
        for (int64_t t = H - 1; t >= in->rel[j]; t--) {
            int ok = 1;
            for (int32_t k = in->dem_off[j]; k < in->dem_off[j + 1]; k++)
                if (in->dem_q[k] > in->cap[t * nres + in->dem_res[k]])
                    ok = 0;
            run = ok ? run + 1 : 0;
            if (run >= d) {
                found = (int32_t)t;
                break;
            }
        }
        if (found < 0) {
            *bad = (size_t)j;
            return DD_EINPUT;
        }
        in->lps[j] = found;
    }
    return DD_OK;
}

/* CPM earliest starts and the critical path length. */
static dd_status earliest_starts(dd__sched_inst *in)
{
    ARR(in->es, in->n);
    in->cp = 0;
    for (int32_t i = 0; i < in->n; i++) {
        int32_t j = in->topo[i];
        int32_t e = in->rel[j];
        for (int32_t k = in->pred_off[j]; k < in->pred_off[j + 1]; k++) {
            int32_t a = in->pred[k];
            int32_t v = in->es[a] + in->dur[a] + in->pred_lag[k];
            if (v > e)
                e = v;
        }
        in->es[j] = e;
        if (e + in->dur[j] > in->cp)
            in->cp = e + in->dur[j];
    }
    return DD_OK;
}

dd_status dd__sched_compile(const dd_sched_problem *p, dd__sched_inst *in,
                            size_t *bad_out)
{
    size_t bad_dummy;
    if (!bad_out)
        bad_out = &bad_dummy;
    *bad_out = DD_SCHED_NONE;
    memset(in, 0, sizeof *in);
    dd__arena_init(&in->arena, 0);
    if (!p)
        return DD_EARG;
    if (p->n_act > (size_t)INT32_MAX / 4 || p->n_res > 1024)
        return DD_ELIMIT;
    in->n = (int32_t)p->n_act;
    in->nres = (int32_t)p->n_res;
    in->unit = time_unit(p);
    int64_t sum = 0, max_rel = 0;
    dd_status st = scale_activities(p, in, &sum, &max_rel);
    if (st == DD_OK)
        st = build_precedence(p, in, &sum, bad_out);
    if (st == DD_OK)
        st = topo_order(in, bad_out);
    if (st == DD_OK)
        st = build_demands(p, in);
    if (st == DD_OK)
        st = build_capacity(p, in, sum, max_rel);
    if (st == DD_OK)
        st = latest_starts(in, bad_out);
    if (st == DD_OK)
        st = earliest_starts(in);
    return st;
}

dd_status dd_sched_validate(const dd_sched_problem *p, size_t *bad_out)
{
    dd__sched_inst in;
    dd_status s = dd__sched_compile(p, &in, bad_out);
    dd__sched_inst_fini(&in);
    return s;
}
