/* SPDX-License-Identifier: MIT */
/* `drawdown plan SCENARIO [-o plan.json] [--seed K] [--time-limit S] [tables]` */
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"

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
    "  --json             print the summary as JSON for scripts (the plan file\n"
    "                     without its sorties, requests, tasks and people, and\n"
    "                     the verifier's finding) instead of the text\n"
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


typedef struct plan_args {
    const char *out, *csv;
    bool sorties, clearances, people, tasks, no_relax, no_verify, json;
    int units, objective;
    uint64_t seed, iterations;
    double time_limit, relax_time;
} plan_args;

static const dd_opt plan_opts[] = {
    DD_OPT_OUT(plan_args),
    DD_STR(plan_args, "--csv", csv),
    DD_FLAG(plan_args, "--sorties", sorties),
    DD_FLAG(plan_args, "--clearances", clearances),
    DD_FLAG(plan_args, "--people", people),
    DD_FLAG(plan_args, "--tasks", tasks),
    DD_OPT_UNITS(plan_args),
    DD_OPT_SEED(plan_args),
    DD_NUM(plan_args, "--iterations", DD_OPT_UINT, iterations, 0, 1e9),
    DD_NUM(plan_args, "--time-limit", DD_OPT_REAL, time_limit, 0, 1e6),
    DD_OPT_OBJECTIVE(plan_args),
    DD_FLAG(plan_args, "--no-relax", no_relax),
    DD_NUM(plan_args, "--relax-time", DD_OPT_REAL, relax_time, 0, 1e6),
    DD_FLAG(plan_args, "--no-verify", no_verify),
    DD_OPT_JSON(plan_args),
};

static const dd_cli_spec plan_spec = DD_CLI_ONE_SCENARIO("plan", plan_usage, plan_opts);

int dd__cmd_plan(int argc, char **argv)
{
    dd_plan_options opt;
    dd_plan_options_init(&opt);
    plan_args v = {.units = -1, .objective = opt.objective == DD_OBJ_COMPLETION,
                   .seed = opt.seed, .iterations = opt.max_iterations,
                   .time_limit = opt.time_limit_s, .relax_time = opt.relax_time_s};
    dd_cli_args a;
    int code = dd__cli_parse(&plan_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    const char *path = a.v[0], *out = v.out, *csv = v.csv;
    if (v.json && out && !strcmp(out, "-")) {
        fprintf(stderr, "drawdown plan: --json or -o -, not both (both write to standard "
                        "output)\n");
        return DD_EXIT_INPUT;
    }
    unsigned tables = (v.sorties ? DD_TABLE_SORTIES : 0) |
                      (v.clearances ? DD_TABLE_CLEARANCES : 0) |
                      (v.people ? DD_TABLE_PEOPLE : 0) | (v.tasks ? DD_TABLE_TASKS : 0);
    const bool verify = !v.no_verify;
    opt.relax = !v.no_relax;
    opt.objective = v.objective == 1 ? DD_OBJ_COMPLETION : DD_OBJ_MARGIN;
    opt.seed = v.seed;
    opt.max_iterations = v.iterations;
    opt.time_limit_s = v.time_limit;
    opt.relax_time_s = v.relax_time;
    dd_scenario *s = NULL;
    code = dd__cli_load_scenario("plan", path, 0, dd__cli_units_of(v.units), DD_CLI_ERRORS, &s);
    if (code >= 0)
        return code;
    /* an output that is one of the inputs is refused before planning */
    dd_cli_inputs in = {0};
    dd__cli_scenario_inputs(&in, s);
    if (out && dd__cli_output_check(out, &in) != DD_OK) {
        dd_scenario_free(s);
        return DD_EXIT_INPUT;
    }
    dd_plan *p = NULL;
    dd_status st = dd_plan_build(s, &opt, &p);
    code = DD_EXIT_OK;
    bool wrote = false; /* a writer printed why it failed */
    dd_own_check own = {0};
    if (st == DD_OK && verify)
        st = dd__cli_verify_own(s, p, path, &own);
    if (st == DD_OK) {
        /* with -o -, the plan file is standard output and the text goes to stderr */
        FILE *text = out && !strcmp(out, "-") ? stderr : stdout;
        if (v.json) {
            /* for scripts: the summary and the verifier's finding */
            dd_plan_check check = {own.report != NULL, own.disagrees,
                                   own.report ? own.report->n_violations : 0};
            st = dd_plan_write_summary_json(p, path, &check, stdout);
        } else {
            if (own.disagrees)
                dd__cli_own_check_print(&own, p->deadline_met && !p->terms_broken, text);
            st = dd_plan_write_text(p, tables, text);
            if (st == DD_OK && !own.disagrees)
                dd__cli_own_check_print(&own, p->deadline_met && !p->terms_broken, text);
        }
        /* the changes it proposes, each planned on the changed scenario
         * and verified there (when planning is quick enough to repeat) */
        if (st == DD_OK && !v.json && verify && p->n_relaxations && p->seconds < 2.0) {
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
            dd__cli_status_error("plan", st);
        code = dd__cli_exit_for(st);
    }
    dd_plan_free(p);
    dd_scenario_free(s);
    return code;
}
