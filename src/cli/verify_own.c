/* SPDX-License-Identifier: MIT */
/*
 * A verdict printed to a user is a verified one: `plan` and `status -o`
 * write the plan they made as a plan file in memory and hand it to the
 * independent verifier (src/verify) before they print "met". The plan file
 * is the same text `-o` writes, so what is verified is what is handed on.
 */
#define _GNU_SOURCE
#include <drawdown/override.h>
#include <drawdown/plan.h>
#include <drawdown/verify.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

dd_status dd__cli_verify_own(const struct dd_scenario *s, const struct dd_plan *p,
                             const char *scenario_path, dd_own_check *out)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return DD_ENOMEM;
    dd_status st = dd_plan_write_json(p, scenario_path, m);
    if (fclose(m) != 0 && st == DD_OK)
        st = DD_ENOMEM;
    if (st != DD_OK) {
        free(text);
        return st;
    }
    dd_verify_report *r = NULL;
    st = dd_verify_plan(s, "(the plan as written)", text, len, &r);
    free(text);
    if (st == DD_EINPUT) {
        /* the planner wrote a plan file its own verifier cannot read */
        out->malformed = true;
        out->report = r;
        out->disagrees = true;
        return DD_OK;
    }
    if (st != DD_OK) {
        dd_verify_report_free(r);
        return st;
    }
    out->report = r;
    out->disagrees = p->deadline_met && !p->terms_broken && r->n_violations > 0;
    return DD_OK;
}

void dd__cli_own_check_print(const dd_own_check *c, bool met, FILE *f)
{
    const dd_verify_report *r = c->report;
    if (!r) {
        fputs("verification: not verified (--no-verify)\n", f);
        return;
    }
    if (c->malformed) {
        fprintf(f, "PLAN FAILED ITS OWN VERIFICATION: the plan file it wrote does not read "
                   "back (%zu errors); do not brief this plan\n",
                r->errors.n_items);
        for (size_t i = 0; i < r->errors.n_items && i < 5; i++)
            fprintf(f, "  %u:%u: %s: %s\n", r->errors.items[i].line, r->errors.items[i].col,
                    r->errors.items[i].path ? r->errors.items[i].path : "",
                    r->errors.items[i].message);
        return;
    }
    if (!r->n_violations) {
        fputs("verification: the independent verifier finds the plan complies with every "
              "term\n",
              f);
        if (r->n_facts) /* a re-plan's history: what happened, not the plan */
            fprintf(f,
                    "  %zu finding%s between sorties that had already departed: facts of the "
                    "recorded history, not violations (drawdown verify lists them)\n",
                    r->n_facts, r->n_facts == 1 ? "" : "s");
        return;
    }
    if (met)
        fprintf(f, "PLAN FAILED ITS OWN VERIFICATION: the planner says every term is met, "
                   "the independent verifier finds %zu violation%s; do not brief this plan\n",
                r->n_violations, r->n_violations == 1 ? "" : "s");
    else
        fprintf(f, "verification: the independent verifier finds %zu violation%s:\n ",
                r->n_violations, r->n_violations == 1 ? "" : "s");
    if (!met) {
        bool first = true;
        for (int k = 0; k < DD_V_COUNT; k++)
            if (r->by_kind[k]) {
                fprintf(f, "%s %zu %s", first ? "" : ",", r->by_kind[k],
                        dd_violation_kind_name((dd_violation_kind)k));
                first = false;
            }
        fputs(" (drawdown verify lists them)\n", f);
        return;
    }
    for (size_t i = 0; i < r->n_stored && i < 10; i++)
        fprintf(f, "  %s: %s\n", dd_violation_kind_name(r->violations[i].kind),
                r->violations[i].message);
    if (r->n_violations > 10)
        fprintf(f, "  ... and %zu more (drawdown verify lists them)\n", r->n_violations - 10);
}

void dd__cli_own_check_fini(dd_own_check *c)
{
    dd_verify_report_free(c->report);
    c->report = NULL;
}

/* The parameter a relaxation changes, and its new value, or false when it
 * has none (a milestone) or the change is not one value (more tails of a
 * type with steps). */
static bool relax_param(const dd_scenario *s, const dd_relaxation *r, char *name, size_t size,
                        int64_t *value)
{
    if (!strcmp(r->change, "daily_cap")) {
        snprintf(name, size, "clearance.daily_cap");
        *value = r->value;
    } else if (!strcmp(r->change, "site_daily_cap")) {
        snprintf(name, size, "sites.%s.daily_cap", s->sites[r->site].id);
        *value = r->value;
    } else if (!strcmp(r->change, "exit_per_day")) {
        snprintf(name, size, "sites.%s.exit_per_day", s->sites[r->site].id);
        *value = r->value;
    } else if (!strcmp(r->change, "lead_time")) {
        snprintf(name, size, "clearance.lead_time");
        *value = r->value;
    } else if (!strcmp(r->change, "deadline")) {
        snprintf(name, size, "deadline");
        *value = s->agreement.deadline + r->value * DD_MINUTES_PER_DAY;
    } else if (!strcmp(r->change, "close_by")) {
        snprintf(name, size, "sites.%s.close_by", s->sites[r->site].id);
        *value = s->sites[r->site].close_by + r->value * DD_MINUTES_PER_DAY;
    } else if (!strcmp(r->change, "tails") && s->aircraft[r->aircraft].n_tails == 1 &&
               s->aircraft[r->aircraft].tails[0].from <= 0) {
        snprintf(name, size, "aircraft.%s.tails", s->aircraft[r->aircraft].id);
        *value = s->aircraft[r->aircraft].tails[0].count + r->value;
    } else {
        return false;
    }
    return true;
}

dd_status dd__cli_verify_relaxations(const dd_scenario *s, const dd_plan *p,
                                     const dd_plan_options *o, const char *scenario_path,
                                     size_t *tried, size_t *complied)
{
    *tried = *complied = 0;
    for (size_t i = 0; i < p->n_relaxations; i++) {
        char name[128];
        int64_t value;
        if (!relax_param(s, &p->relaxations[i], name, sizeof name, &value))
            continue;
        dd_param par;
        char why[160];
        size_t at;
        if (dd_param_resolve(s, name, strlen(name), &par, why, sizeof why, &at) != DD_OK)
            continue;
        dd_scenario *v = NULL;
        dd_status st = dd_scenario_variant(s, &par, &value, 1, &v);
        if (st != DD_OK)
            return st;
        dd_plan_options q = *o;
        q.relax = false;
        dd_plan *vp = NULL;
        st = dd_plan_build(v, &q, &vp);
        dd_own_check c = {0};
        if (st == DD_OK)
            st = dd__cli_verify_own(v, vp, scenario_path, &c);
        if (st == DD_OK) {
            (*tried)++;
            if (vp->deadline_met && !vp->terms_broken && c.report && !c.malformed &&
                c.report->n_violations == 0)
                (*complied)++;
        }
        dd__cli_own_check_fini(&c);
        dd_plan_free(vp);
        dd_scenario_variant_free(v);
        if (st != DD_OK)
            return st;
    }
    return DD_OK;
}
