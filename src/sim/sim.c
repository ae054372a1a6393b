/* SPDX-License-Identifier: MIT */
/*
 * The Monte Carlo driver: derive the flight table from the plan, run the
 * replications on worker threads (each takes the next replication index
 * from an atomic counter and writes its outcome into slot i, so the
 * aggregate does not depend on the thread count or on the order of
 * completion), then aggregate: P(deadline) and P(milestone) with Wilson
 * intervals, completion percentiles and histogram, per-site closure,
 * binding limits, and the sensitivity (tornado) table from re-runs with
 * one input moved, on the same random streams (common random numbers).
 * The replications run through the work farm (farm.c): threads, MPI ranks
 * and a checkpoint folder, all giving the same records in index order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "sim/farm.h"
#include "sim/sim_int.h"

const char *dd_sim_cause_name(dd_sim_cause c)
{
    static const char *const names[] = {
#define DD_SIM_CAUSE_NAME(name, text) text,
        DD_SIM_CAUSE_MAP(DD_SIM_CAUSE_NAME)
#undef DD_SIM_CAUSE_NAME
    };
    return (unsigned)c < DD_SIM_CAUSE_COUNT ? names[c] : "?";
}

static const dd_sim_knobs neutral = {1, 0, 1, 1, 0};

void dd_sim_options_init(dd_sim_options *o)
{
    memset(o, 0, sizeof *o);
    o->replications = 1000;
    o->seed = 1;
    o->replan = true;
    o->replan_incremental = true;
    o->sensitivity = true;
    o->knobs = neutral;
}

/* ---- the flight table ---------------------------------------------------- */

/* Each flight's rows grouped by the task that releases them, the latest
 * planned ready time of each group (dd__sim_ready), in order of a
 * group's first row. slot[task + 1] is one past the group's place in
 * rdy while the flight's own groups are filled (places only grow, so an
 * older flight's is below first_rdy). */
static dd_status ready_groups(dd__sim_model *m, size_t nrows)
{
    const dd_plan *p = m->plan;
    const dd_scenario *s = m->s;
    m->rdy = dd__arena_array(&m->mem, nrows + 1, sizeof *m->rdy);
    size_t *slot = calloc(s->n_tasks + 1, sizeof *slot);
    if (!m->rdy || !slot) {
        free(slot);
        return DD_ENOMEM;
    }
    size_t n = 0;
    for (size_t f = 0; f < m->n_flights; f++) {
        dd__sim_flight *fl = &m->flights[f];
        fl->first_rdy = n;
        for (size_t i = 0; i < fl->n_rows; i++) {
            int32_t r = m->rows[fl->first_row + i];
            dd_time t = p->cargo_ready[r];
            if (t == DD_TIME_NONE)
                continue;
            int32_t tb = s->cargo[r].released_by;
            size_t x = tb >= 0 ? (size_t)tb + 1 : 0;
            if (slot[x] > fl->first_rdy) {
                dd__sim_ready *g = &m->rdy[slot[x] - 1];
                if (t > g->at)
                    g->at = t;
            } else {
                slot[x] = n + 1;
                m->rdy[n++] = (dd__sim_ready){tb >= 0 ? tb : -1, t};
            }
        }
        fl->n_rdy = n - fl->first_rdy;
    }
    free(slot);
    return DD_OK;
}

dd_status dd__sim_model_init(dd__sim_model *m, const dd_plan *p)
{
    memset(m, 0, sizeof *m);
    const dd_scenario *s = p->scenario;
    m->plan = p;
    m->s = s;
    m->n_flights = p->n_sorties;
    size_t nrows = 0, ngrp = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        ngrp += so->n_pax;
        if (so->load >= 0) {
            const dd_load *ld = &p->loads->loads[so->load];
            for (size_t k = 0; k < ld->n_items; k++) {
                const dd_load_item *it = &ld->items[k];
                if (it->kind == DD_LI_PALLET)
                    nrows += p->loads->pallets[it->ref].n_pieces;
                else if (it->kind == DD_LI_BULKY)
                    nrows++;
            }
        }
    }
    dd__arena_init(&m->mem, 0);
    m->flights = dd__arena_array(&m->mem, m->n_flights + 1, sizeof *m->flights);
    m->rows = dd__arena_array(&m->mem, nrows + 1, sizeof *m->rows);
    m->grps = dd__arena_array(&m->mem, ngrp + 1, sizeof *m->grps);
    m->max_tails = dd__arena_array(&m->mem, s->n_aircraft + 1, sizeof *m->max_tails);
    m->comm = dd__arena_array(&m->mem, p->n_movements + 1, sizeof *m->comm);
    if (!m->flights || !m->rows || !m->grps || !m->max_tails || !m->comm) {
        dd__sim_model_fini(m);
        return DD_ENOMEM;
    }
    nrows = ngrp = 0;
    dd_time last = s->agreement.deadline;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        dd__sim_flight *f = &m->flights[i];
        f->site = so->site;
        f->aircraft = so->aircraft;
        f->kind = so->kind;
        f->link = so->link;
        f->dep = so->departure;
        f->position = so->ferry_departure != DD_TIME_NONE ? so->departure - so->ferry_departure
                                                          : s->aircraft[so->aircraft].ground_time;
        f->ground = so->arrival_at_site != DD_TIME_NONE ? so->departure - so->arrival_at_site
                                                        : s->aircraft[so->aircraft].ground_time;
        f->fly = so->arrival - so->departure;
        if (so->clearance >= 0 && (size_t)so->clearance < p->n_clearances) {
            const dd_clearance_req *cr = &p->clearances[so->clearance];
            f->file_by = cr->file_by;
            f->win_from = cr->window_from;
            f->win_to = cr->window_to;
        } else {
            f->file_by = so->departure - s->agreement.clearance.lead_time;
            f->win_from = so->departure - 60;
            f->win_to = f->win_from + s->agreement.clearance.validity;
        }
        f->first_row = nrows;
        f->first_grp = ngrp;
        for (size_t k = 0; k < so->n_pax; k++) {
            m->grps[ngrp++] = so->pax[k].people;
            f->pax += so->pax[k].count;
        }
        f->n_grp = ngrp - f->first_grp;
        if (so->load >= 0) {
            const dd_load *ld = &p->loads->loads[so->load];
            for (size_t k = 0; k < ld->n_items; k++) {
                const dd_load_item *it = &ld->items[k];
                if (it->kind == DD_LI_PALLET) {
                    const dd_pallet *pl = &p->loads->pallets[it->ref];
                    for (size_t q = 0; q < pl->n_pieces; q++) {
                        m->rows[nrows++] = pl->pieces[q].cargo;
                        f->cargo_kg += pl->pieces[q].count * s->cargo[pl->pieces[q].cargo].weight_kg;
                    }
                } else if (it->kind == DD_LI_BULKY) {
                    m->rows[nrows++] = it->ref;
                    f->cargo_kg += it->count * s->cargo[it->ref].weight_kg;
                }
            }
        }
        f->n_rows = nrows - f->first_row;
        m->total_cargo_kg += f->cargo_kg;
        m->total_pax += f->pax;
        if (so->departure > last)
            last = so->departure;
    }
    for (size_t i = 0; i < p->n_movements; i++)
        if (p->movements[i].sortie < 0) {
            m->comm[m->n_comm++] = &p->movements[i];
            m->total_pax += p->movements[i].count;
            if (p->movements[i].departure > last)
                last = p->movements[i].departure;
        }
    if (ready_groups(m, nrows) != DD_OK) {
        dd__sim_model_fini(m);
        return DD_ENOMEM;
    }
    for (size_t a = 0; a < s->n_aircraft; a++)
        m->max_tails[a] = dd_aircraft_tails_max(&s->aircraft[a]);
    /* a year past the later of the deadline and the plan's end */
    m->horizon = last + 365 * (dd_time)DD_MINUTES_PER_DAY;
    int32_t d = dd_scenario_day(s, m->horizon) + 2;
    m->n_days = d < 1 ? 1 : d;
    return DD_OK;
}

void dd__sim_model_fini(dd__sim_model *m)
{
    dd__arena_fini(&m->mem);
    memset(m, 0, sizeof *m);
}

/* ---- workers: the farm's items are replications ---------------------------- */

/* The replications of one run: the n main ones, then, for the
 * sensitivity table, n_sens batches of ns_rep with one input moved (each
 * on the same streams 0 .. ns_rep-1), all one farm so that the job drains
 * once. A view of one batch has n_sens 0. */
typedef struct batch {
    const dd__sim_model *m;
    dd_sim_knobs knobs;
    dd__sim_policy policy;
    uint64_t seed, n;
    size_t n_sens;
    uint64_t ns_rep;
    dd_sim_knobs sens[10];
    dd__sim_outcome *out;
    dd_time *close; /* (n + n_sens × ns_rep) × n_sites */
    dd_sim_replan_fn on_replan;
    void *on_replan_user;
} batch;

/* A replication's record, as the farm moves and checkpoints it: the
 * outcome's fields one after another (no padding), then the sites' last
 * departures. */
#define OUT_BYTES (8 + 8 + 4 * DD_SIM_CAUSE_COUNT + 4 * 4 + 1)

static size_t rec_size(const dd__sim_model *m)
{
    return OUT_BYTES + m->s->n_sites * sizeof(dd_time);
}

static void encode(unsigned char *p, const dd__sim_outcome *o, const dd_time *close, size_t ns)
{
    memcpy(p, &o->completion, 8);
    memcpy(p + 8, &o->milestones, 8);
    memcpy(p + 16, o->delay, 4 * DD_SIM_CAUSE_COUNT);
    unsigned char *q = p + 16 + 4 * DD_SIM_CAUSE_COUNT;
    memcpy(q, &o->denials, 4);
    memcpy(q + 4, &o->aborts, 4);
    memcpy(q + 8, &o->closures, 4);
    memcpy(q + 12, &o->replans, 4);
    q[16] = o->all_terms;
    memcpy(p + OUT_BYTES, close, ns * sizeof *close);
}

static void decode(const unsigned char *p, dd__sim_outcome *o, dd_time *close, size_t ns)
{
    memcpy(&o->completion, p, 8);
    memcpy(&o->milestones, p + 8, 8);
    memcpy(o->delay, p + 16, 4 * DD_SIM_CAUSE_COUNT);
    const unsigned char *q = p + 16 + 4 * DD_SIM_CAUSE_COUNT;
    memcpy(&o->denials, q, 4);
    memcpy(&o->aborts, q + 4, 4);
    memcpy(&o->closures, q + 8, 4);
    memcpy(&o->replans, q + 12, 4);
    o->all_terms = q[16] != 0;
    memcpy(close, p + OUT_BYTES, ns * sizeof *close);
}

typedef struct sim_worker {
    dd__sim_scratch *w;
    dd_time *close;
} sim_worker;

static void *worker_new(void *user)
{
    const batch *b = user;
    sim_worker *sw = calloc(1, sizeof *sw);
    if (!sw)
        return NULL;
    sw->w = dd__sim_scratch_new(b->m);
    sw->close = calloc(b->m->s->n_sites + 1, sizeof *sw->close);
    if (sw->w)
        dd__sim_scratch_on_replan(sw->w, b->on_replan, b->on_replan_user);
    if (!sw->w || !sw->close) {
        dd__sim_scratch_free(sw->w);
        free(sw->close);
        free(sw);
        return NULL;
    }
    return sw;
}

static void worker_free(void *user, void *scratch)
{
    (void)user;
    sim_worker *sw = scratch;
    if (!sw)
        return;
    dd__sim_scratch_free(sw->w);
    free(sw->close);
    free(sw);
}

static dd_status worker_run(void *user, void *scratch, uint64_t i, unsigned char *rec)
{
    const batch *b = user;
    sim_worker *sw = scratch;
    dd__sim_outcome o;
    memset(&o, 0, sizeof o);
    const dd_sim_knobs *k = &b->knobs;
    uint64_t rep = i;
    if (i >= b->n) { /* a sensitivity batch's replication */
        k = &b->sens[(i - b->n) / b->ns_rep];
        rep = (i - b->n) % b->ns_rep;
    }
    dd__sim_replicate(b->m, sw->w, k, b->policy, b->seed, rep, &o, sw->close);
    encode(rec, &o, sw->close, b->m->s->n_sites);
    return DD_OK;
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}


static void farm_progress(uint64_t done, uint64_t total, void *user)
{
    const dd_sim_options *o = user;
    o->progress(done, total, o->progress_user);
}

/* What a checkpoint belongs to: the flight table, the disruption model,
 * the seed, the policy and the phase's moved inputs. */
static uint64_t dist_hash(uint64_t h, const dd_dist *d)
{
    h = dd__farm_hash(h, &d->kind, sizeof d->kind);
    h = dd__farm_hash(h, &d->a, sizeof d->a);
    h = dd__farm_hash(h, &d->b, sizeof d->b);
    h = dd__farm_hash(h, &d->c, sizeof d->c);
    h = dd__farm_hash(h, &d->n, sizeof d->n);
    if (d->n && d->values && d->cum) {
        h = dd__farm_hash(h, d->values, d->n * sizeof *d->values);
        h = dd__farm_hash(h, d->cum, d->n * sizeof *d->cum);
    }
    return h;
}

static uint64_t run_fingerprint(const dd__sim_model *m, const dd_sim_options *o)
{
    uint64_t h = dd__farm_hash(DD__FARM_HASH0, "drawdown-sim-2", 14); /* 2: crews */
    h = dd__farm_hash(h, &o->seed, sizeof o->seed);
    h = dd__farm_hash(h, &o->replan, sizeof o->replan);
    /* (a checkpoint of the re-plan that placed the plan afresh, `full`
     * until 6 December 2026, stays good for it) */
    if (o->replan && o->replan_incremental)
        h = dd__farm_hash(h, "incremental", 11);
    else if (o->replan && !o->replan_afresh)
        h = dd__farm_hash(h, "full-kept", 9);
    for (size_t i = 0; i < m->n_flights; i++) {
        const dd__sim_flight *f = &m->flights[i];
        int64_t v[10] = {f->site,    f->aircraft, f->dep,      f->position,     f->ground,
                         f->fly,     f->file_by,  f->win_from, (int64_t)f->n_rows, f->pax};
        h = dd__farm_hash(h, v, sizeof v);
        h = dd__farm_hash(h, m->rows + f->first_row, f->n_rows * sizeof *m->rows);
        h = dd__farm_hash(h, m->grps + f->first_grp, f->n_grp * sizeof *m->grps);
    }
    const dd_scenario *s = m->s;
    const dd_disruptions *d = &s->disruptions;
    h = dd__farm_hash(h, &d->present, sizeof d->present);
    h = dist_hash(h, &d->decision);
    h = dd__farm_hash(h, &d->denial, sizeof d->denial);
    h = dd__farm_hash(h, &d->closure_rate, sizeof d->closure_rate);
    h = dist_hash(h, &d->closure_duration);
    h = dist_hash(h, &d->exit_factor);
    h = dist_hash(h, &d->task_factor);
    h = dd__farm_hash(h, &d->replan_every, sizeof d->replan_every);
    for (size_t i = 0; d->sites && i < s->n_sites; i++) {
        const dd_site_disruption *x = &d->sites[i];
        h = dist_hash(h, &x->decision);
        h = dd__farm_hash(h, &x->denial, sizeof x->denial);
        h = dd__farm_hash(h, &x->closure_rate, sizeof x->closure_rate);
        h = dist_hash(h, &x->closure_duration);
        h = dist_hash(h, &x->exit_factor);
    }
    h = dd__farm_hash(h, &d->crew_rate, sizeof d->crew_rate);
    h = dist_hash(h, &d->crew_duration);
    for (size_t i = 0; d->aircraft && i < s->n_aircraft; i++) {
        h = dd__farm_hash(h, &d->aircraft[i].abort, sizeof d->aircraft[i].abort);
        h = dist_hash(h, &d->aircraft[i].delay);
        h = dd__farm_hash(h, &d->aircraft[i].crew_rate, sizeof d->aircraft[i].crew_rate);
        h = dist_hash(h, &d->aircraft[i].crew_duration);
    }
    return h;
}

static uint64_t knobs_hash(uint64_t h, const dd_sim_knobs *k)
{
    double v[4] = {k->decision_scale, k->denial_add, k->abort_scale, k->closure_scale};
    h = dd__farm_hash(h, v, sizeof v);
    return dd__farm_hash(h, &k->cap_delta, sizeof k->cap_delta);
}

/* Run every replication of b over the farm (threads, ranks, checkpoint);
 * on rank 0 the outcomes land in b->out and b->close. */
static dd_status run_batch(batch *b, int threads, const dd_sim_options *o, uint64_t fp,
                           uint64_t *resumed)
{
    size_t rs = rec_size(b->m), ns = b->m->s->n_sites;
    uint64_t total = b->n + b->n_sens * b->ns_rep;
    bool root = dd_cluster_rank(o->cluster) == 0;
    unsigned char *recs = NULL;
    if (root) {
        recs = malloc(total * rs + 1);
        if (!recs)
            return DD_ENOMEM;
    }
    dd__farm f = {
        .n = total,
        .rec_size = rs,
        .threads = threads,
        .cluster = o->cluster,
        .ckpt_dir = o->checkpoint_dir,
        .fingerprint = fp,
        .phase = 0,
        .scratch_new = worker_new,
        .scratch_free = worker_free,
        .run = worker_run,
        .user = b,
        .progress = o->progress ? farm_progress : NULL,
        .progress_user = (void *)(uintptr_t)o,
        .progress_base = 0,
        .progress_total = total,
    };
    dd_status st = dd__farm_run(&f, recs);
    if (st == DD_OK && root)
        for (uint64_t i = 0; i < total; i++)
            decode(recs + i * rs, &b->out[i], &b->close[i * ns], ns);
    *resumed += f.resumed;
    free(recs);
    return st;
}

/* ---- aggregation --------------------------------------------------------- */

dd_sim_prob dd__sim_wilson(uint64_t hits, uint64_t n)
{
    dd_sim_prob r = {hits, n, 0, 0, 1};
    if (n == 0)
        return r;
    const double z = 1.959963984540054;
    double nn = (double)n, p = (double)hits / nn, z2 = z * z;
    double den = 1 + z2 / nn;
    double centre = (p + z2 / (2 * nn)) / den;
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;
    r.p = p;
    r.lo = fmax(0, centre - half);
    r.hi = fmin(1, centre + half);
    if (hits == 0)
        r.lo = 0;
    if (hits == n)
        r.hi = 1;
    return r;
}

static int cmp_time(const void *a, const void *b)
{
    dd_time x = *(const dd_time *)a, y = *(const dd_time *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted times (DD_TIME_NONE sorts first and
 * stands for "never": it is taken as past every finite time). */
static dd_time pct(const dd_time *v, size_t n, uint64_t never, double q)
{
    if (n == 0)
        return DD_TIME_NONE;
    size_t k = (size_t)ceil(q * (double)n);
    if (k < 1)
        k = 1;
    /* finite values occupy v[never .. n) */
    if (k > n - never)
        return DD_TIME_NONE;
    return v[never + k - 1];
}

static uint64_t count_met(const batch *b, dd_time deadline)
{
    uint64_t hits = 0;
    for (uint64_t i = 0; i < b->n; i++)
        if (b->out[i].completion != DD_TIME_NONE && b->out[i].completion <= deadline)
            hits++;
    return hits;
}

static uint64_t count_all(const batch *b)
{
    uint64_t hits = 0;
    for (uint64_t i = 0; i < b->n; i++)
        hits += b->out[i].all_terms;
    return hits;
}

static dd_status aggregate(dd_sim_result *r, const dd__sim_model *m, const batch *b)
{
    const dd_scenario *s = m->s;
    uint64_t n = b->n;
    size_t ns = s->n_sites;
    r->p_deadline = dd__sim_wilson(count_met(b, s->agreement.deadline), n);
    r->p_all_terms = dd__sim_wilson(count_all(b), n);
    r->n_milestones = s->agreement.n_milestones;
    r->p_milestone = calloc(r->n_milestones ? r->n_milestones : 1, sizeof *r->p_milestone);
    r->sites = calloc(ns ? ns : 1, sizeof *r->sites);
    dd_time *v = malloc((n ? n : 1) * sizeof *v);
    if (!r->p_milestone || !r->sites || !v) {
        free(v);
        return DD_ENOMEM;
    }
    for (size_t k = 0; k < r->n_milestones; k++) {
        uint64_t hits = 0;
        for (uint64_t i = 0; i < n; i++)
            hits += k < 64 && (b->out[i].milestones >> k & 1);
        r->p_milestone[k] = dd__sim_wilson(hits, n);
    }
    double sums[DD_SIM_CAUSE_COUNT] = {0};
    double den = 0, ab = 0, cl = 0, rp = 0;
    uint64_t never = 0;
    for (uint64_t i = 0; i < n; i++) {
        const dd__sim_outcome *o = &b->out[i];
        v[i] = o->completion;
        never += o->completion == DD_TIME_NONE;
        int best = -1;
        float bv = 0;
        for (int c = 0; c < DD_SIM_CAUSE_COUNT; c++) {
            sums[c] += o->delay[c];
            if (o->delay[c] > bv) {
                bv = o->delay[c];
                best = c;
            }
        }
        if (best >= 0)
            r->binds[best]++;
        den += o->denials;
        ab += o->aborts;
        cl += o->closures;
        rp += o->replans;
    }
    for (int c = 0; c < DD_SIM_CAUSE_COUNT; c++)
        r->delay_hours[c] = n ? sums[c] / (double)n : 0;
    r->mean_denials = n ? den / (double)n : 0;
    r->mean_aborts = n ? ab / (double)n : 0;
    r->mean_closures = n ? cl / (double)n : 0;
    r->mean_replans = n ? rp / (double)n : 0;
    qsort(v, n, sizeof *v, cmp_time);
    r->never = never;
    r->p10 = pct(v, n, never, 0.10);
    r->p50 = pct(v, n, never, 0.50);
    r->p90 = pct(v, n, never, 0.90);
    r->min = n > never ? v[never] : DD_TIME_NONE;
    r->max = n > never ? v[n - 1] : DD_TIME_NONE;
    if (n > never) {
        int32_t d0 = dd_scenario_day(s, r->min), d1 = dd_scenario_day(s, r->max);
        int32_t days = d1 - d0 + 1, width = 1;
        while (days / width > 40)
            width++;
        r->bin_width = (dd_time)width * DD_MINUTES_PER_DAY;
        r->hist_from = dd_scenario_day_start(s, d0);
        r->n_bins = (size_t)((days + width - 1) / width);
        r->hist = calloc(r->n_bins, sizeof *r->hist);
        if (!r->hist) {
            free(v);
            return DD_ENOMEM;
        }
        for (uint64_t i = never; i < n; i++) {
            size_t bi = (size_t)((v[i] - r->hist_from) / r->bin_width);
            r->hist[bi < r->n_bins ? bi : r->n_bins - 1]++;
        }
    }
    for (size_t si = 0; si < ns; si++) {
        uint64_t nv = 0, hits = 0;
        dd_time by = s->sites[si].close_by != DD_TIME_NONE ? s->sites[si].close_by
                                                             : s->agreement.deadline;
        for (uint64_t i = 0; i < n; i++) {
            dd_time t = b->close[i * ns + si];
            v[i] = t;
            bool finished = b->out[i].completion != DD_TIME_NONE;
            if (!finished)
                v[i] = DD_TIME_NONE;
            nv += v[i] == DD_TIME_NONE;
            hits += v[i] != DD_TIME_NONE && v[i] <= by;
        }
        qsort(v, n, sizeof *v, cmp_time);
        r->sites[si].p10 = pct(v, n, nv, 0.10);
        r->sites[si].p50 = pct(v, n, nv, 0.50);
        r->sites[si].p90 = pct(v, n, nv, 0.90);
        r->sites[si].p_close_by = dd__sim_wilson(hits, n);
    }
    free(v);
    return DD_OK;
}

static int cmp_sens(const void *a, const void *b)
{
    const dd_sim_sens *x = a, *y = b;
    if (x->swing != y->swing)
        return x->swing < y->swing ? 1 : -1;
    if (x->all_swing != y->all_swing)
        return x->all_swing < y->all_swing ? 1 : -1;
    return strcmp(x->input, y->input);
}

dd_status dd_sim_run(const dd_plan *plan, const dd_sim_options *o, dd_sim_result **out)
{
    *out = NULL;
    if (!plan || !o || o->replications == 0)
        return DD_EARG;
    double t0 = dd__mono_s();
    int threads = o->threads > 0 ? o->threads : online_cores();
    if (threads > 256)
        threads = 256;
    dd__sim_model m;
    dd_status st = dd__sim_model_init(&m, plan);
    if (st != DD_OK)
        return st;
    uint64_t n = o->replications;
    uint64_t ns_rep = o->sensitivity_replications ? o->sensitivity_replications
                                                  : (n / 4 > 100 ? n / 4 : (n < 100 ? n : 100));
    static const struct {
        const char *input, *lo, *hi;
    } moves[] = {
        {"decision_delay", "x0.5", "x1.5"},
        {"denial", "-0.05", "+0.05"},
        {"abort", "x0.5", "x2"},
        {"closure_rate", "x0.5", "x2"},
        {"daily_cap", "-1", "+1"},
    };
    size_t nsites = plan->scenario->n_sites;
    dd__sim_policy policy = !o->replan               ? DD__SIM_FOLLOW
                            : o->replan_incremental ? DD__SIM_REPLAN_INCREMENTAL
                            : o->replan_afresh      ? DD__SIM_REPLAN_AFRESH
                                                    : DD__SIM_REPLAN_FULL;
    batch b = {.m = &m, .knobs = o->knobs, .policy = policy, .seed = o->seed, .n = n,
               .ns_rep = ns_rep, .on_replan = o->on_replan, .on_replan_user = o->on_replan_user};
    if (o->sensitivity)
        for (size_t i = 0; i < 5; i++)
            for (int side = 0; side < 2; side++) {
                dd_sim_knobs k = o->knobs;
                switch (i) {
                case 0: k.decision_scale *= side ? 1.5 : 0.5; break;
                case 1: k.denial_add += side ? 0.05 : -0.05; break;
                case 2: k.abort_scale *= side ? 2 : 0.5; break;
                case 3: k.closure_scale *= side ? 2 : 0.5; break;
                default: k.cap_delta += side ? 1 : -1; break;
                }
                b.sens[b.n_sens++] = k;
            }
    uint64_t cap = n + b.n_sens * ns_rep;
    b.out = calloc(cap, sizeof *b.out);
    b.close = calloc(cap * (nsites ? nsites : 1), sizeof *b.close);
    dd_sim_result *r = calloc(1, sizeof *r);
    if (!b.out || !b.close || !r) {
        st = DD_ENOMEM;
        goto fail;
    }
    r->plan = plan;
    r->replications = n;
    r->seed = o->seed;
    r->threads = threads;
    r->replan = o->replan;
    r->replan_incremental = o->replan && o->replan_incremental;
    r->replan_afresh = o->replan && !o->replan_incremental && o->replan_afresh;
    r->ranks = dd_cluster_size(o->cluster);
    bool root = dd_cluster_rank(o->cluster) == 0;
    uint64_t fp = run_fingerprint(&m, o);
    fp = knobs_hash(fp, &b.knobs);
    fp = dd__farm_hash(fp, &n, sizeof n);
    for (size_t i = 0; i < b.n_sens; i++)
        fp = knobs_hash(fp, &b.sens[i]);
    fp = dd__farm_hash(fp, &ns_rep, sizeof ns_rep);
    st = run_batch(&b, threads, o, fp, &r->resumed);
    if (st == DD_OK && root)
        st = aggregate(r, &m, &b);
    if (st != DD_OK)
        goto fail;
    if (o->sensitivity && root) {
        for (size_t i = 0; i < 5; i++) {
            double p[2] = {0, 0}, pa[2] = {0, 0};
            for (int side = 0; side < 2; side++) {
                batch v = b; /* the view of one moved input's batch */
                uint64_t first = n + (2 * i + (size_t)side) * ns_rep;
                v.out = b.out + first;
                v.close = b.close + first * nsites;
                v.n = ns_rep;
                v.n_sens = 0;
                p[side] = (double)count_met(&v, plan->scenario->agreement.deadline) /
                          (double)ns_rep;
                pa[side] = (double)count_all(&v) / (double)ns_rep;
            }
            dd_sim_sens *x = &r->sens[r->n_sens++];
            x->input = moves[i].input;
            x->low_text = moves[i].lo;
            x->high_text = moves[i].hi;
            x->p_low = p[0];
            x->p_high = p[1];
            x->swing = fabs(p[1] - p[0]);
            x->all_low = pa[0];
            x->all_high = pa[1];
            x->all_swing = fabs(pa[1] - pa[0]);
        }
        qsort(r->sens, r->n_sens, sizeof *r->sens, cmp_sens);
    }
    free(b.out);
    free(b.close);
    dd__sim_model_fini(&m);
    r->seconds = dd__mono_s() - t0;
    *out = r;
    return DD_OK;
fail:
    free(b.out);
    free(b.close);
    dd__sim_model_fini(&m);
    dd_sim_result_free(r);
    return st;
}

void dd_sim_result_free(dd_sim_result *r)
{
    if (!r)
        return;
    free(r->p_milestone);
    free(r->hist);
    free(r->sites);
    free(r);
}
