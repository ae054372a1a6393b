/* SPDX-License-Identifier: MIT */
/*
 * The simulation's outputs: a human summary and the JSON document that
 * docs/sim.md describes (p_deadline, p_milestone with Wilson intervals,
 * completion percentiles and histogram, sites, binding limits, tornado).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "model/units.h"
#include "sim/sim_int.h"

static void fmt_time(const dd_scenario *s, dd_time t, char *buf, size_t size)
{
    if (t == DD_TIME_NONE)
        snprintf(buf, size, "never");
    else
        dd_scenario_format_time(s, t, s->agreement.tz_offset, buf, size);
}

/* (until 6 December 2026, "replan" named the re-plan that is
 * replan-afresh now: docs/sim.md, "Three re-plans") */
static const char *policy_name(const dd_sim_result *r)
{
    return !r->replan               ? "no-replan"
           : r->replan_incremental ? "replan-incremental"
           : r->replan_afresh      ? "replan-afresh"
                                   : "replan-full";
}

/* A probability to six decimals, as the text prints to one: the file
 * does not show noise below what replications can tell apart. */
static void knum6(dd_jw *w, const char *key, double v)
{
    dd__jw_knum(w, key, round(v * 1e6) / 1e6);
}

void dd__sim_jw_prob(dd_jw *w, const char *key, const dd_sim_prob *p)
{
    dd__jw_key(w, key);
    dd__jw_flat(w);
    dd__jw_obj(w);
    knum6(w, "p", p->p);
    knum6(w, "lo", p->lo);
    knum6(w, "hi", p->hi);
    dd__jw_kint(w, "hits", (int64_t)p->hits);
    dd__jw_kint(w, "n", (int64_t)p->n);
    dd__jw_obj_end(w);
}

static void jw_completion(dd_jw *w, const dd_sim_result *r, const dd_scenario *s)
{
    dd__jw_key(w, "completion");
    dd__jw_obj(w);
    dd__jw_time(w, s, "p10", r->p10);
    dd__jw_time(w, s, "p50", r->p50);
    dd__jw_time(w, s, "p90", r->p90);
    dd__jw_time(w, s, "min", r->min);
    dd__jw_time(w, s, "max", r->max);
    dd__jw_kint(w, "never", (int64_t)r->never);
    dd__jw_key(w, "histogram");
    dd__jw_flat(w);
    dd__jw_obj(w);
    dd__jw_time(w, s, "from", r->n_bins ? r->hist_from : DD_TIME_NONE);
    dd__jw_kint(w, "bin_days", r->bin_width / DD_MINUTES_PER_DAY);
    dd__jw_key(w, "counts");
    dd__jw_arr(w);
    for (size_t i = 0; i < r->n_bins; i++)
        dd__jw_int(w, (int64_t)r->hist[i]);
    dd__jw_arr_end(w);
    dd__jw_obj_end(w);
    dd__jw_obj_end(w);
}

static void jw_sites(dd_jw *w, const dd_sim_result *r, const dd_scenario *s)
{
    dd__jw_key(w, "sites");
    dd__jw_arr(w);
    for (size_t i = 0; i < s->n_sites; i++) {
        const dd_sim_site_result *x = &r->sites[i];
        dd__jw_flat(w);
        dd__jw_obj(w);
        dd__jw_kstr(w, "id", s->sites[i].id);
        dd__jw_time(w, s, "closure_p10", x->p10);
        dd__jw_time(w, s, "closure_p50", x->p50);
        dd__jw_time(w, s, "closure_p90", x->p90);
        dd__sim_jw_prob(w, "p_close_by", &x->p_close_by);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

static void jw_limits(dd_jw *w, const dd_sim_result *r)
{
    dd__jw_key(w, "limits");
    dd__jw_arr(w);
    for (int c = 0; c < DD_SIM_CAUSE_COUNT; c++) {
        dd__jw_flat(w);
        dd__jw_obj(w);
        dd__jw_kstr(w, "limit", dd_sim_cause_name((dd_sim_cause)c));
        knum6(w, "binds",
              r->replications ? (double)r->binds[c] / (double)r->replications : 0);
        dd__jw_knum(w, "mean_delay_hours", round(r->delay_hours[c] * 1e3) / 1e3);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
    dd__jw_key(w, "events");
    dd__jw_flat(w);
    dd__jw_obj(w);
    dd__jw_knum(w, "denials", round(r->mean_denials * 1e3) / 1e3);
    dd__jw_knum(w, "aborts", round(r->mean_aborts * 1e3) / 1e3);
    dd__jw_knum(w, "closures", round(r->mean_closures * 1e3) / 1e3);
    dd__jw_knum(w, "replans", round(r->mean_replans * 1e3) / 1e3);
    dd__jw_obj_end(w);
}

static void jw_sensitivity(dd_jw *w, const dd_sim_result *r)
{
    dd__jw_key(w, "sensitivity");
    dd__jw_arr(w);
    for (size_t i = 0; i < r->n_sens; i++) {
        const dd_sim_sens *x = &r->sens[i];
        dd__jw_flat(w);
        dd__jw_obj(w);
        dd__jw_kstr(w, "input", x->input);
        dd__jw_kstr(w, "low", x->low_text);
        dd__jw_kstr(w, "high", x->high_text);
        knum6(w, "p_low", x->p_low);
        knum6(w, "p_high", x->p_high);
        knum6(w, "swing", x->swing);
        knum6(w, "all_terms_low", x->all_low);
        knum6(w, "all_terms_high", x->all_high);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

void dd__sim_jw_open(dd_jw *w, FILE *f, const char *format, const char *scenario_path,
                     uint64_t replications, uint64_t seed)
{
    dd__jw_init(w, f, true);
    dd__jw_obj(w);
    dd__jw_kint(w, format, 1);
    dd__jw_kstr(w, "scenario", scenario_path ? scenario_path : "");
    dd__jw_kint(w, "replications", (int64_t)replications);
    dd__jw_kint(w, "seed", (int64_t)seed);
}

dd_status dd__sim_jw_close(dd_jw *w, int threads, int ranks, double seconds)
{
    dd__jw_kint(w, "threads", threads);
    dd__jw_kint(w, "ranks", ranks > 0 ? ranks : 1);
    dd__jw_knum(w, "seconds", round(seconds * 1e3) / 1e3);
    dd__jw_obj_end(w);
    return dd__jw_end(w);
}

dd_status dd_sim_write_json(const dd_sim_result *r, const char *scenario_path, FILE *f)
{
    const dd_scenario *s = r->plan->scenario;
    dd_jw w;
    dd__sim_jw_open(&w, f, "drawdown_simulation", scenario_path, r->replications, r->seed);
    dd__jw_kstr(&w, "policy", policy_name(r));
    dd__jw_time(&w, s, "deadline", s->agreement.deadline);
    dd__jw_kbool(&w, "plan_meets_deadline",
                 r->plan->completion != DD_TIME_NONE &&
                     r->plan->completion <= s->agreement.deadline);
    dd__sim_jw_prob(&w, "p_deadline", &r->p_deadline);
    dd__sim_jw_prob(&w, "p_all_terms", &r->p_all_terms);
    dd__jw_key(&w, "p_milestone");
    dd__jw_obj(&w);
    for (size_t i = 0; i < r->n_milestones; i++)
        dd__sim_jw_prob(&w, s->agreement.milestones[i].id, &r->p_milestone[i]);
    dd__jw_obj_end(&w);
    jw_completion(&w, r, s);
    jw_sites(&w, r, s);
    jw_limits(&w, r);
    jw_sensitivity(&w, r);
    return dd__sim_jw_close(&w, r->threads, r->ranks, r->seconds);
}

static void text_prob(FILE *f, const char *label, const dd_sim_prob *p)
{
    fprintf(f, "  %-28s %6.1f%%  (95%% CI %.1f%% - %.1f%%)\n", label, 100 * p->p, 100 * p->lo,
            100 * p->hi);
}

dd_status dd_sim_write_text(const dd_sim_result *r, FILE *f)
{
    const dd_scenario *s = r->plan->scenario;
    char a[40], b[40], c[40];
    fprintf(f, "Simulation: %llu replications, seed %llu, policy %s",
            (unsigned long long)r->replications, (unsigned long long)r->seed, policy_name(r));
    if (r->replan && !r->replan_afresh && r->plan->n_sorties < DD__SIM_INCREMENTAL_MIN)
        fprintf(f, " (a plan under %d sorties: each re-plan places it all again)",
                DD__SIM_INCREMENTAL_MIN);
    fprintf(f, ", %d thread%s", r->threads, r->threads == 1 ? "" : "s");
    if (r->ranks > 1)
        fprintf(f, " on each of %d ranks", r->ranks);
    if (r->resumed)
        fprintf(f, ", %llu resumed from the checkpoint", (unsigned long long)r->resumed);
    fprintf(f, ", %.2f s\n", r->seconds);
    /* a date-only deadline is the end of its day: 24:00, as everywhere */
    dd_scenario_format_end(s, s->agreement.deadline, s->agreement.tz_offset, a, sizeof a);
    fprintf(f, "\nProbabilities (Wilson 95%% intervals)\n");
    char label[64];
    snprintf(label, sizeof label, "deadline %.16s", a);
    text_prob(f, label, &r->p_deadline);
    for (size_t i = 0; i < r->n_milestones; i++) {
        snprintf(label, sizeof label, "milestone %s", s->agreement.milestones[i].id);
        text_prob(f, label, &r->p_milestone[i]);
    }
    text_prob(f, "every term (+ closing dates)", &r->p_all_terms);
    fmt_time(s, r->p10, a, sizeof a);
    fmt_time(s, r->p50, b, sizeof b);
    fmt_time(s, r->p90, c, sizeof c);
    fprintf(f, "\nCompletion (host-country local time)\n  P10 %.16s  P50 %.16s  P90 %.16s", a, b,
            c);
    if (r->never)
        fprintf(f, "  (%llu never finished)", (unsigned long long)r->never);
    fputc('\n', f);
    uint64_t peak = 1;
    for (size_t i = 0; i < r->n_bins; i++)
        if (r->hist[i] > peak)
            peak = r->hist[i];
    for (size_t i = 0; i < r->n_bins; i++) {
        fmt_time(s, r->hist_from + (dd_time)i * r->bin_width, a, sizeof a);
        int w = (int)(50.0 * (double)r->hist[i] / (double)peak + 0.5);
        fprintf(f, "  %.10s %6llu %.*s\n", a, (unsigned long long)r->hist[i], w,
                "##################################################");
    }
    fprintf(f, "\nSites (last departure)          P10         P50         P90    P(close by)\n");
    for (size_t i = 0; i < s->n_sites; i++) {
        fmt_time(s, r->sites[i].p10, a, sizeof a);
        fmt_time(s, r->sites[i].p50, b, sizeof b);
        fmt_time(s, r->sites[i].p90, c, sizeof c);
        fprintf(f, "  %-24s %10.10s  %10.10s  %10.10s  %6.1f%%\n", s->sites[i].id, a, b, c,
                100 * r->sites[i].p_close_by.p);
    }
    /* the delay is summed over the sorties (groups for processing) of a
     * replication, then averaged over replications: said as such, with
     * what it comes to per sortie of the plan */
    size_t n_sorties = r->plan ? r->plan->n_sorties : 0;
    fprintf(f, "\nLimits: the share of replications where each caused the most delay, and\n"
               "the delay it caused in a replication, summed over the %zu sorties\n"
               "(processing: over the groups), then per sortie\n"
               "                most delay   sortie-hours   per sortie\n",
            n_sorties);
    for (int k = 0; k < DD_SIM_CAUSE_COUNT; k++)
        fprintf(f, "  %-12s %9.1f%%  %11.1f h  %9.2f h\n", dd_sim_cause_name((dd_sim_cause)k),
                r->replications ? 100.0 * (double)r->binds[k] / (double)r->replications : 0,
                r->delay_hours[k], n_sorties ? r->delay_hours[k] / (double)n_sorties : 0);
    fprintf(f, "\nPer replication: %.2f denials, %.2f aborts, %.2f closures, %.2f re-plans\n",
            r->mean_denials, r->mean_aborts, r->mean_closures, r->mean_replans);
    if (r->n_sens) {
        fprintf(f, "\nSensitivity (input moved down / up: P(deadline), P(every term);\n"
                   "swing in points)\n");
        for (size_t i = 0; i < r->n_sens; i++) {
            const dd_sim_sens *x = &r->sens[i];
            fprintf(f,
                    "  %-15s %-6s %5.1f%% %5.1f%%  %-6s %5.1f%% %5.1f%%  swing %4.1f/%4.1f\n",
                    x->input, x->low_text, 100 * x->p_low, 100 * x->all_low, x->high_text,
                    100 * x->p_high, 100 * x->all_high, 100 * x->swing, 100 * x->all_swing);
        }
    }
    return ferror(f) ? DD_EIO : DD_OK;
}
