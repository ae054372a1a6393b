/* SPDX-License-Identifier: MIT */
/*
 * A verdict printed to a user is a verified one: `plan` and `status -o`
 * write the plan they made as a plan file in memory and hand it to the
 * independent verifier (src/verify) before they print "met". The plan file
 * is the same text `-o` writes, so what is verified is what is handed on.
 */
#define _GNU_SOURCE
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
        return;
    }
    if (met)
        fprintf(f, "PLAN FAILED ITS OWN VERIFICATION: the planner says every term is met, "
                   "the independent verifier finds %zu violation%s; do not brief this plan\n",
                r->n_violations, r->n_violations == 1 ? "" : "s");
    else
        fprintf(f, "verification: the independent verifier finds %zu violation%s:",
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
