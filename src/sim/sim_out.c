/* SPDX-License-Identifier: MIT */
/*
 * The simulation's outputs: a human summary and the JSON document that
 * docs/sim.md describes (p_deadline, p_milestone with Wilson intervals,
 * completion percentiles and histogram, sites, binding limits, tornado).
 */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "sim/sim_int.h"

static void fmt_time(const dd_scenario *s, dd_time t, char *buf, size_t size)
{
    if (t == DD_TIME_NONE)
        snprintf(buf, size, "never");
    else
        dd_scenario_format_time(s, t, s->agreement.tz_offset, buf, size);
}

static void json_time(FILE *f, const dd_scenario *s, dd_time t)
{
    if (t == DD_TIME_NONE) {
        fputs("null", f);
        return;
    }
    char buf[40];
    dd_scenario_format_time(s, t, 0, buf, sizeof buf);
    dd__json_string(f, buf);
}

/* "replan" is the default, full re-plan (docs/sim.md) */
static const char *policy_name(const dd_sim_result *r)
{
    return !r->replan ? "no-replan" : r->replan_incremental ? "replan-incremental" : "replan";
}

void dd__sim_json_prob(FILE *f, const dd_sim_prob *p)
{
    fprintf(f, "{\"p\": %.6f, \"lo\": %.6f, \"hi\": %.6f, \"hits\": %llu, \"n\": %llu}", p->p,
            p->lo, p->hi, (unsigned long long)p->hits, (unsigned long long)p->n);
}

dd_status dd_sim_write_json(const dd_sim_result *r, const char *scenario_path, FILE *f)
{
    const dd_scenario *s = r->plan->scenario;
    fputs("{\n  \"drawdown_simulation\": 1,\n  \"scenario\": ", f);
    dd__json_string(f, scenario_path ? scenario_path : "");
    fprintf(f, ",\n  \"replications\": %llu,\n  \"seed\": %llu,\n  \"policy\": \"%s\",\n",
            (unsigned long long)r->replications, (unsigned long long)r->seed,
            policy_name(r));
    fputs("  \"deadline\": ", f);
    json_time(f, s, s->agreement.deadline);
    fputs(",\n  \"plan_meets_deadline\": ", f);
    fputs(r->plan->completion != DD_TIME_NONE && r->plan->completion <= s->agreement.deadline
              ? "true"
              : "false",
          f);
    fputs(",\n  \"p_deadline\": ", f);
    dd__sim_json_prob(f, &r->p_deadline);
    fputs(",\n  \"p_all_terms\": ", f);
    dd__sim_json_prob(f, &r->p_all_terms);
    fputs(",\n  \"p_milestone\": {", f);
    for (size_t i = 0; i < r->n_milestones; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        dd__json_string(f, s->agreement.milestones[i].id);
        fputs(": ", f);
        dd__sim_json_prob(f, &r->p_milestone[i]);
    }
    fputs(r->n_milestones ? "\n  },\n" : "},\n", f);
    fputs("  \"completion\": {\"p10\": ", f);
    json_time(f, s, r->p10);
    fputs(", \"p50\": ", f);
    json_time(f, s, r->p50);
    fputs(", \"p90\": ", f);
    json_time(f, s, r->p90);
    fputs(", \"min\": ", f);
    json_time(f, s, r->min);
    fputs(", \"max\": ", f);
    json_time(f, s, r->max);
    fprintf(f, ", \"never\": %llu,\n    \"histogram\": {\"from\": ", (unsigned long long)r->never);
    json_time(f, s, r->n_bins ? r->hist_from : DD_TIME_NONE);
    fprintf(f, ", \"bin_days\": %lld, \"counts\": [",
            (long long)(r->bin_width / DD_MINUTES_PER_DAY));
    for (size_t i = 0; i < r->n_bins; i++)
        fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)r->hist[i]);
    fputs("]}},\n  \"sites\": [", f);
    for (size_t i = 0; i < s->n_sites; i++) {
        const dd_sim_site_result *x = &r->sites[i];
        fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", f);
        dd__json_string(f, s->sites[i].id);
        fputs(", \"closure_p10\": ", f);
        json_time(f, s, x->p10);
        fputs(", \"closure_p50\": ", f);
        json_time(f, s, x->p50);
        fputs(", \"closure_p90\": ", f);
        json_time(f, s, x->p90);
        fputs(", \"p_close_by\": ", f);
        dd__sim_json_prob(f, &x->p_close_by);
        fputc('}', f);
    }
    fputs("\n  ],\n  \"limits\": [", f);
    for (int c = 0; c < DD_SIM_CAUSE_COUNT; c++)
        fprintf(f, "%s\n    {\"limit\": \"%s\", \"binds\": %.6f, \"mean_delay_hours\": %.3f}",
                c ? "," : "", dd_sim_cause_name((dd_sim_cause)c),
                r->replications ? (double)r->binds[c] / (double)r->replications : 0,
                r->delay_hours[c]);
    fprintf(f,
            "\n  ],\n  \"events\": {\"denials\": %.3f, \"aborts\": %.3f, \"closures\": %.3f, "
            "\"replans\": %.3f},\n  \"sensitivity\": [",
            r->mean_denials, r->mean_aborts, r->mean_closures, r->mean_replans);
    for (size_t i = 0; i < r->n_sens; i++) {
        const dd_sim_sens *x = &r->sens[i];
        fprintf(f,
                "%s\n    {\"input\": \"%s\", \"low\": \"%s\", \"high\": \"%s\", "
                "\"p_low\": %.6f, \"p_high\": %.6f, \"swing\": %.6f, "
                "\"all_terms_low\": %.6f, \"all_terms_high\": %.6f}",
                i ? "," : "", x->input, x->low_text, x->high_text, x->p_low, x->p_high,
                x->swing, x->all_low, x->all_high);
    }
    fprintf(f, "%s],\n  \"threads\": %d,\n  \"ranks\": %d,\n  \"seconds\": %.3f\n}\n",
            r->n_sens ? "\n  " : "", r->threads, r->ranks > 0 ? r->ranks : 1, r->seconds);
    return ferror(f) ? DD_EIO : DD_OK;
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
    fprintf(f, "Simulation: %llu replications, seed %llu, policy %s, %d thread%s",
            (unsigned long long)r->replications, (unsigned long long)r->seed,
            policy_name(r), r->threads, r->threads == 1 ? "" : "s");
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
