/* SPDX-License-Identifier: MIT */
/*
 * A program built on libdrawdown alone: load a scenario, plan the
 * withdrawal, write the plan file into memory and have the independent
 * verifier check it, then print one line.
 *
 *   cc plan_and_verify.c $(pkg-config --cflags --libs drawdown) -o plan_and_verify
 *   ./plan_and_verify examples/niger-2024/scenario.yaml
 *
 * Exit status: 0 the plan meets every term and complies, 1 it does not,
 * 2 the scenario cannot be read (its problems printed as FILE:LINE:COL).
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <drawdown/drawdown.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCENARIO\n", argv[0]);
        return 2;
    }
    dd_diags diags;
    dd_diags_init(&diags, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(argv[1], &diags, &s);
    for (size_t i = 0; i < diags.n_items; i++) {
        const dd_diag *d = &diags.items[i];
        fprintf(stderr, "%s:%u:%u: %s\n", d->file ? d->file : "", d->line, d->col, d->message);
    }
    dd_diags_fini(&diags);
    if (st != DD_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], dd_status_str(st));
        return 2;
    }

    dd_plan_options opt;
    dd_plan_options_init(&opt);
    dd_plan *p = NULL;
    st = dd_plan_build(s, &opt, &p);
    char *json = NULL;
    size_t len = 0;
    FILE *mem = st == DD_OK ? open_memstream(&json, &len) : NULL;
    if (st == DD_OK && (!mem || dd_plan_write_json(p, argv[1], mem) != DD_OK))
        st = DD_EIO;
    if (mem)
        fclose(mem);
    dd_verify_report *r = NULL;
    if (st == DD_OK)
        st = dd_verify_plan(s, "(memory)", json, len, &r);
    int code = 1;
    if (st == DD_OK) {
        bool met = p->deadline_met && p->terms_broken == 0;
        printf("%s: %zu sortie%s, %s (%.1f h on %s); verifier: %s\n", s->name, p->n_sorties,
               p->n_sorties == 1 ? "" : "s", met ? "every term met" : "a term missed",
               p->margin_hours, p->margin_term, r->n_violations ? "violations" : "complies");
        code = met && !r->n_violations ? 0 : 1;
    } else {
        fprintf(stderr, "%s: %s\n", argv[1], dd_status_str(st));
    }
    dd_verify_report_free(r);
    free(json);
    dd_plan_free(p);
    dd_scenario_free(s);
    return code;
}
