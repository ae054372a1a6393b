/* SPDX-License-Identifier: MIT */
/* `drawdown plan SCENARIO [-o plan.json] [--seed K] [--time-limit S] [tables]` */
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char plan_usage[] =
    "usage: drawdown plan [options] SCENARIO\n"
    "\n"
    "Plan the withdrawal: sorties with their loads, clearance requests and\n"
    "when to file them, ground tasks, people's movements; say whether the\n"
    "deadline and milestones hold, which limit binds, and when they do not,\n"
    "which single change would meet them.\n"
    "\n"
    "  -o FILE            write the full plan as JSON (docs/plan-format.md);\n"
    "                     -o - writes it to standard output (the text to stderr)\n"
    "  --csv DIR          write sorties, manifests, clearances, people, tasks as CSV\n"
    "  --sorties          print the sorties table\n"
    "  --clearances       print the clearance-request calendar\n"
    "  --people           print people's movements\n"
    "  --tasks            print the ground tasks\n"
    "  --units U          metric (kg, m) or us (lb, in): the units printed\n"
    "                     (default: the scenario's units:)\n"
    "  --seed K           search seed (default 1)\n"
    "  --iterations N     placement orders to try (default 24)\n"
    "  --time-limit S     stop the search after S seconds\n"
    "  --objective O      margin (default): the most margin on the tightest term\n"
    "                     (deadline, closing dates, milestones), then the earliest\n"
    "                     end; completion: the earliest end, then the margin\n"
    "  --no-relax         do not search for changes when the deadline is missed\n"
    "  --relax-time S     seconds the search for changes may take (default 5)\n"
    "  --no-verify        do not run the independent verifier on the plan (faster;\n"
    "                     the summary then says \"not verified\")\n"
    "  -h, --help         show this help\n"
    "\n"
    "Before the verdict is printed, the plan is checked by the independent\n"
    "verifier (as drawdown verify would check the plan file).\n"
    "\n"
    "Exit status: 0 the deadline, milestones, closing dates and every other term\n"
    "are met, 1 not, 2 bad input, 3 the plan failed its own verification (the\n"
    "planner said met and the verifier did not agree: do not brief it).\n";


int dd__cmd_plan(int argc, char **argv)
{
    const char *path = NULL, *out = NULL, *csv = NULL;
    unsigned tables = 0;
    int units = DD_UNITS_SCENARIO;
    bool verify = true;
    dd_plan_options opt;
    dd_plan_options_init(&opt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(plan_usage, stdout);
            return DD_EXIT_OK;
        } else if (!strcmp(a, "--units")) {
            if ((units = dd__cli_units("plan", i + 1 < argc ? argv[++i] : NULL)) < 0)
                return DD_EXIT_INPUT;
        } else if (!strcmp(a, "--sorties")) {
            tables |= DD_TABLE_SORTIES;
        } else if (!strcmp(a, "--clearances")) {
            tables |= DD_TABLE_CLEARANCES;
        } else if (!strcmp(a, "--people")) {
            tables |= DD_TABLE_PEOPLE;
        } else if (!strcmp(a, "--tasks")) {
            tables |= DD_TABLE_TASKS;
        } else if (!strcmp(a, "--no-relax")) {
            opt.relax = false;
        } else if (!strcmp(a, "--no-verify")) {
            verify = false;
        } else if (!strcmp(a, "--objective")) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (!strcmp(v, "margin")) {
                opt.objective = DD_OBJ_MARGIN;
            } else if (!strcmp(v, "completion")) {
                opt.objective = DD_OBJ_COMPLETION;
            } else {
                fprintf(stderr, "drawdown plan: --objective is margin or completion, got '%s'\n",
                        v);
                return DD_EXIT_INPUT;
            }
        } else if (!strcmp(a, "-o") || !strcmp(a, "--csv") || !strcmp(a, "--seed") ||
                   !strcmp(a, "--iterations") || !strcmp(a, "--time-limit") ||
                   !strcmp(a, "--relax-time")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "drawdown plan: %s needs a value\n", a);
                return DD_EXIT_INPUT;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "-o")) {
                out = v;
            } else if (!strcmp(a, "--csv")) {
                csv = v;
            } else {
                char *end;
                errno = 0;
                double x = strtod(v, &end);
                if (*end || !*v || errno || x < 0) {
                    fprintf(stderr, "drawdown plan: %s needs a number, got '%s'\n", a, v);
                    return DD_EXIT_INPUT;
                }
                if (!strcmp(a, "--seed"))
                    opt.seed = (uint64_t)x;
                else if (!strcmp(a, "--iterations"))
                    opt.max_iterations = (uint64_t)x;
                else if (!strcmp(a, "--relax-time"))
                    opt.relax_time_s = x;
                else
                    opt.time_limit_s = x;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "drawdown plan: unknown option '%s'\n%s", a, plan_usage);
            return DD_EXIT_INPUT;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "drawdown plan: one scenario at a time\n");
            return DD_EXIT_INPUT;
        }
    }
    if (!path) {
        fprintf(stderr, "drawdown plan: which scenario?\n%s", plan_usage);
        return DD_EXIT_INPUT;
    }
    dd_diags diags;
    dd_diags_init(&diags, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &diags, &s);
    dd__cli_print_diags(stderr, &diags);
    dd_diags_fini(&diags);
    if (st != DD_OK)
        return dd__cli_exit_for(st);
    dd_scenario_set_units(s, (dd_units)units);
    /* an output that is one of the inputs is refused before planning */
    dd_cli_inputs in = {0};
    dd__cli_scenario_inputs(&in, s);
    if (out && dd__cli_output_check(out, &in) != DD_OK) {
        dd_scenario_free(s);
        return DD_EXIT_INPUT;
    }
    dd_plan *p = NULL;
    st = dd_plan_build(s, &opt, &p);
    int code = DD_EXIT_OK;
    bool wrote = false; /* a writer printed why it failed */
    dd_own_check own = {0};
    if (st == DD_OK && verify)
        st = dd__cli_verify_own(s, p, path, &own);
    if (st == DD_OK) {
        /* with -o -, the plan file is standard output and the text goes to stderr */
        FILE *text = out && !strcmp(out, "-") ? stderr : stdout;
        if (own.disagrees)
            dd__cli_own_check_print(&own, p->deadline_met && !p->terms_broken, text);
        st = dd_plan_write_text(p, tables, text);
        if (st == DD_OK && !own.disagrees)
            dd__cli_own_check_print(&own, p->deadline_met && !p->terms_broken, text);
        /* the changes it proposes, each planned on the changed scenario
         * and verified there (when planning is quick enough to repeat) */
        if (st == DD_OK && verify && p->n_relaxations && p->seconds < 2.0) {
            size_t tried = 0, complied = 0;
            st = dd__cli_verify_relaxations(s, p, &opt, path, &tried, &complied);
            if (st == DD_OK && tried)
                fprintf(text, "verification: %zu of %zu %s, re-planned and verified, %s every "
                              "term\n",
                        complied, tried, tried == 1 ? "change" : "changes",
                        complied == 1 ? "meets" : "meet");
        }
        if (st == DD_OK && out) {
            st = dd__cli_write_plan(out, p, path, &in);
            wrote = st != DD_OK;
        }
        if (st == DD_OK && csv) {
            dd_diags d;
            dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
            st = dd_plan_write_csv_to(p, csv, in.paths, in.n, &d);
            dd__cli_print_diags(stderr, &d);
            wrote = d.n_errors > 0;
            dd_diags_fini(&d);
        }
        if (st == DD_OK && (!p->deadline_met || p->terms_broken))
            code = DD_EXIT_FAIL;
        if (st == DD_OK && own.disagrees)
            code = DD_EXIT_UNVERIFIED;
    }
    dd__cli_own_check_fini(&own);
    if (st != DD_OK) {
        if (!wrote)
            fprintf(stderr, "drawdown plan: %s\n", dd_status_str(st));
        code = dd__cli_exit_for(st);
    }
    dd_plan_free(p);
    dd_scenario_free(s);
    return code;
}
