/* SPDX-License-Identifier: MIT */
/*
 * What-if sweeps (include/drawdown/sweep.h): the axes parsed from
 * "NAME=A..B[:STEP]", every combination a farm item (farm.c) that builds a
 * variant of the scenario (include/drawdown/override.h), plans it and,
 * when asked, simulates it on the calling worker alone; the rows in
 * combination order whatever ran them; the table as CSV, JSON and text.
 */
#include <drawdown/sweep.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/json.h"
#include "sim/farm.h"
#include "sim/sim_int.h"

void dd_sweep_options_init(dd_sweep_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->objective = DD_OBJ_MARGIN;
}

/* ---- axes ---------------------------------------------------------------- */

dd_status dd_sweep_axis_parse(const dd_scenario *s, const char *arg, const char *where,
                              uint32_t number, dd_diags *diags, dd_sweep_axis *out)
{
    memset(out, 0, sizeof *out);
    return dd_param_range_parse(s, arg, where, number, diags, &out->param, &out->values,
                                &out->n_values);
}

void dd_sweep_axis_fini(dd_sweep_axis *a)
{
    free(a->values);
    a->values = NULL;
    a->n_values = 0;
}

/* ---- one combination ----------------------------------------------------- */

typedef struct sweep_ctx {
    const dd_scenario *s;
    const dd_sweep_axis *axes;
    size_t n_axes;
    const dd_sweep_options *o;
} sweep_ctx;

/* status, met, completion, margin, sorties, binding, 4 × u64 hits/n */
#define REC_BYTES (4 + 1 + 8 + 8 + 4 + 4 + 4 * 8)

static void combination(const sweep_ctx *c, uint64_t item, size_t *idx)
{
    for (size_t k = c->n_axes; k-- > 0;) {
        idx[k] = (size_t)(item % c->axes[k].n_values);
        item /= c->axes[k].n_values;
    }
}

static dd_status run_one(void *user, void *scratch, uint64_t item, unsigned char *rec)
{
    (void)scratch;
    const sweep_ctx *c = user;
    size_t idx[DD_SWEEP_MAX_AXES];
    dd_param par[DD_SWEEP_MAX_AXES];
    int64_t val[DD_SWEEP_MAX_AXES];
    combination(c, item, idx);
    for (size_t k = 0; k < c->n_axes; k++) {
        par[k] = c->axes[k].param;
        val[k] = c->axes[k].values[idx[k]];
    }
    dd_scenario *v = NULL;
    dd_status st = dd_scenario_variant(c->s, par, val, c->n_axes, &v);
    if (st != DD_OK)
        return st;
    dd_plan_options po;
    dd_plan_options_init(&po);
    po.seed = c->o->seed;
    po.objective = c->o->objective;
    po.relax = false;
    dd_plan *p = NULL;
    int32_t status = (int32_t)dd_plan_build(v, &po, &p);
    uint8_t met = 0;
    int64_t completion = DD_TIME_NONE, margin = 0;
    int32_t sorties = 0, binding = 0;
    uint64_t hits[4] = {0, 0, 0, 0};
    if (status == DD_ENOMEM) {
        dd_scenario_variant_free(v);
        return DD_ENOMEM;
    }
    if (status == DD_OK) {
        met = p->deadline_met && p->terms_broken == 0 && p->all_out;
        completion = p->completion;
        margin = p->margin;
        sorties = (int32_t)p->n_sorties;
        binding = (int32_t)p->binding;
        if (c->o->replications) {
            dd_sim_options so;
            dd_sim_options_init(&so);
            so.replications = c->o->replications;
            so.seed = c->o->seed;
            so.threads = 1;
            so.sensitivity = false;
            dd_sim_result *r = NULL;
            st = dd_sim_run(p, &so, &r);
            if (st != DD_OK) {
                dd_plan_free(p);
                dd_scenario_variant_free(v);
                return st;
            }
            hits[0] = r->p_deadline.hits;
            hits[1] = r->p_deadline.n;
            hits[2] = r->p_all_terms.hits;
            hits[3] = r->p_all_terms.n;
            dd_sim_result_free(r);
        }
    }
    dd_plan_free(p);
    dd_scenario_variant_free(v);
    memcpy(rec, &status, 4);
    rec[4] = met;
    memcpy(rec + 5, &completion, 8);
    memcpy(rec + 13, &margin, 8);
    memcpy(rec + 21, &sorties, 4);
    memcpy(rec + 25, &binding, 4);
    memcpy(rec + 29, hits, sizeof hits);
    return DD_OK;
}


static void farm_progress(uint64_t done, uint64_t total, void *user)
{
    const dd_sweep_options *o = user;
    o->progress(done, total, o->progress_user);
}

dd_status dd_sweep_run(const dd_scenario *s, const dd_sweep_axis *axes, size_t n_axes,
                       const dd_sweep_options *o, dd_sweep_result **out)
{
    *out = NULL;
    if (!s || !axes || !o || n_axes == 0 || n_axes > DD_SWEEP_MAX_AXES)
        return DD_EARG;
    uint64_t n = 1;
    for (size_t k = 0; k < n_axes; k++) {
        if (axes[k].n_values == 0)
            return DD_EARG;
        n *= axes[k].n_values;
        if (n > DD_SWEEP_MAX_COMBINATIONS)
            return DD_EARG;
    }
    double t0 = dd__mono_s();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = o->threads > 0 ? o->threads : (cores < 1 ? 1 : cores > 256 ? 256 : (int)cores);
    sweep_ctx c = {s, axes, n_axes, o};
    bool root = dd_cluster_rank(o->cluster) == 0;
    dd_sweep_result *r = calloc(1, sizeof *r);
    unsigned char *recs = root ? malloc(n * REC_BYTES) : NULL;
    if (!r || (root && !recs)) {
        free(r);
        free(recs);
        return DD_ENOMEM;
    }
    uint64_t fp = dd__farm_hash(DD__FARM_HASH0, "drawdown-sweep-1", 16);
    dd__farm f = {
        .n = n,
        .rec_size = REC_BYTES,
        .threads = threads,
        .cluster = o->cluster,
        .fingerprint = fp,
        .phase = 1000,
        .chunk = 1,
        .run = run_one,
        .user = &c,
        .progress = o->progress ? farm_progress : NULL,
        .progress_user = (void *)(uintptr_t)o,
        .progress_total = n,
    };
    dd_status st = dd__farm_run(&f, recs);
    r->scenario = s;
    r->n_axes = n_axes;
    r->axes = axes;
    r->replications = o->replications;
    r->seed = o->seed;
    r->threads = threads;
    r->ranks = dd_cluster_size(o->cluster);
    if (st == DD_OK && root) {
        r->rows = calloc(n, sizeof *r->rows);
        if (!r->rows)
            st = DD_ENOMEM;
    }
    if (st != DD_OK) {
        free(recs);
        dd_sweep_result_free(r);
        return st;
    }
    if (root) {
        r->n_rows = (size_t)n;
        for (uint64_t i = 0; i < n; i++) {
            dd_sweep_row *row = &r->rows[i];
            const unsigned char *rec = recs + i * REC_BYTES;
            int32_t status, sorties, binding;
            uint64_t hits[4];
            combination(&c, i, row->idx);
            memcpy(&status, rec, 4);
            row->status = (dd_status)status;
            row->met = rec[4] != 0;
            memcpy(&row->completion, rec + 5, 8);
            memcpy(&row->margin, rec + 13, 8);
            memcpy(&sorties, rec + 21, 4);
            memcpy(&binding, rec + 25, 4);
            memcpy(hits, rec + 29, sizeof hits);
            row->sorties = sorties;
            row->binding = (dd_binding)binding;
            row->p_deadline = dd__sim_wilson(hits[0], hits[1]);
            row->p_all_terms = dd__sim_wilson(hits[2], hits[3]);
        }
    }
    free(recs);
    r->seconds = dd__mono_s() - t0;
    *out = r;
    return DD_OK;
}

void dd_sweep_result_free(dd_sweep_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}

/* ---- output ---------------------------------------------------------------- */

static void value_text(const dd_sweep_result *r, size_t k, size_t i, char *buf, size_t size)
{
    dd_param_format(r->scenario, &r->axes[k].param, r->axes[k].values[i], buf, size);
}

static void time_text(const dd_sweep_result *r, dd_time t, char *buf, size_t size)
{
    if (t == DD_TIME_NONE)
        snprintf(buf, size, "%s", "");
    else
        dd_scenario_format_time(r->scenario, t, 0, buf, size);
}

/* A row's value of each axis: CSV fields, or the text table's columns. */
static void row_values(const dd_sweep_result *r, const dd_sweep_row *w, bool csv, FILE *f)
{
    char buf[64];
    for (size_t k = 0; k < r->n_axes; k++) {
        value_text(r, k, w->idx[k], buf, sizeof buf);
        fprintf(f, csv ? "%s," : "%-22s ", buf);
    }
}

dd_status dd_sweep_write_csv(const dd_sweep_result *r, FILE *f)
{
    for (size_t k = 0; k < r->n_axes; k++)
        fprintf(f, "%s,", r->axes[k].param.name);
    fputs("status,met,margin_days,completion,sorties,binding", f);
    if (r->replications)
        fputs(",p_deadline,p_deadline_lo,p_deadline_hi,p_all_terms,p_all_terms_lo,"
              "p_all_terms_hi",
              f);
    fputs("\r\n", f);
    char buf[64];
    for (size_t i = 0; i < r->n_rows; i++) {
        const dd_sweep_row *w = &r->rows[i];
        row_values(r, w, true, f);
        if (w->status != DD_OK) {
            fprintf(f, "%s,,,,,", dd_status_str(w->status));
        } else {
            time_text(r, w->completion, buf, sizeof buf);
            fprintf(f, "ok,%s,%.3f,%s,%d,%s", w->met ? "yes" : "no",
                    (double)w->margin / DD_MINUTES_PER_DAY, buf, w->sorties,
                    dd_binding_name(w->binding));
        }
        if (r->replications)
            fprintf(f, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", w->p_deadline.p, w->p_deadline.lo,
                    w->p_deadline.hi, w->p_all_terms.p, w->p_all_terms.lo, w->p_all_terms.hi);
        fputs("\r\n", f);
    }
    return ferror(f) ? DD_EIO : DD_OK;
}

static void jw_axes(dd_jw *w, const dd_sweep_result *r)
{
    char buf[64];
    dd__jw_key(w, "axes");
    dd__jw_arr(w);
    for (size_t k = 0; k < r->n_axes; k++) {
        dd__jw_flat(w);
        dd__jw_obj(w);
        dd__jw_kstr(w, "name", r->axes[k].param.name);
        dd__jw_key(w, "values");
        dd__jw_arr(w);
        for (size_t i = 0; i < r->axes[k].n_values; i++) {
            value_text(r, k, i, buf, sizeof buf);
            dd__jw_str(w, buf);
        }
        dd__jw_arr_end(w);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

static void jw_row(dd_jw *w, const dd_sweep_result *r, const dd_sweep_row *x)
{
    char buf[64];
    dd__jw_flat(w);
    dd__jw_obj(w);
    dd__jw_key(w, "values");
    dd__jw_arr(w);
    for (size_t k = 0; k < r->n_axes; k++) {
        value_text(r, k, x->idx[k], buf, sizeof buf);
        dd__jw_str(w, buf);
    }
    dd__jw_arr_end(w);
    dd__jw_kstr(w, "status", x->status == DD_OK ? "ok" : dd_status_str(x->status));
    if (x->status == DD_OK) {
        time_text(r, x->completion, buf, sizeof buf);
        dd__jw_kbool(w, "met", x->met);
        dd__jw_knum(w, "margin_days", round((double)x->margin / DD_MINUTES_PER_DAY * 1e3) / 1e3);
        dd__jw_kstr(w, "completion", buf);
        dd__jw_kint(w, "sorties", x->sorties);
        dd__jw_kstr(w, "binding", dd_binding_name(x->binding));
    }
    if (r->replications) {
        dd__sim_jw_prob(w, "p_deadline", &x->p_deadline);
        dd__sim_jw_prob(w, "p_all_terms", &x->p_all_terms);
    }
    dd__jw_obj_end(w);
}

dd_status dd_sweep_write_json(const dd_sweep_result *r, const char *scenario_path, FILE *f)
{
    dd_jw w;
    dd__sim_jw_open(&w, f, "drawdown_sweep", scenario_path, r->replications, r->seed);
    jw_axes(&w, r);
    dd__jw_key(&w, "rows");
    dd__jw_arr(&w);
    size_t met = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        jw_row(&w, r, &r->rows[i]);
        met += r->rows[i].status == DD_OK && r->rows[i].met;
    }
    dd__jw_arr_end(&w);
    dd__jw_kint(&w, "combinations", (int64_t)r->n_rows);
    dd__jw_kint(&w, "met", (int64_t)met);
    return dd__sim_jw_close(&w, r->threads, r->ranks, r->seconds);
}

dd_status dd_sweep_write_text(const dd_sweep_result *r, FILE *f)
{
    size_t met = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        met += r->rows[i].status == DD_OK && r->rows[i].met;
    fprintf(f, "Sweep: %zu combinations, %zu meet every term", r->n_rows, met);
    if (r->replications)
        fprintf(f, "; %llu replications each", (unsigned long long)r->replications);
    fprintf(f, " (%d thread%s", r->threads, r->threads == 1 ? "" : "s");
    if (r->ranks > 1)
        fprintf(f, " on each of %d ranks", r->ranks);
    fprintf(f, ", %.2f s)\n\n", r->seconds);
    char buf[64];
    for (size_t k = 0; k < r->n_axes; k++)
        fprintf(f, "%-22s ", r->axes[k].param.name);
    fprintf(f, "%-4s %10s  %-16s %7s  %s", "met", "margin", "completion", "sorties",
            r->replications ? "P(deadline) P(every term)  " : "");
    fputs("binding\n", f);
    for (size_t i = 0; i < r->n_rows; i++) {
        const dd_sweep_row *w = &r->rows[i];
        row_values(r, w, false, f);
        if (w->status != DD_OK) {
            fprintf(f, "no plan: %s\n", dd_status_str(w->status));
            continue;
        }
        time_text(r, w->completion, buf, sizeof buf);
        fprintf(f, "%-4s %9.1fd  %-16.16s %7d  ", w->met ? "yes" : "no",
                (double)w->margin / DD_MINUTES_PER_DAY, buf, w->sorties);
        if (r->replications)
            fprintf(f, "%10.1f%% %13.1f%%  ", 100 * w->p_deadline.p, 100 * w->p_all_terms.p);
        fprintf(f, "%s\n", dd_binding_name(w->binding));
    }
    return ferror(f) ? DD_EIO : DD_OK;
}
