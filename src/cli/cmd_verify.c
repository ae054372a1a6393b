/* SPDX-License-Identifier: MIT */
/* `drawdown verify SCENARIO PLAN.json [--json]`: check a plan against the
 * scenario alone and print its violations and compliance summary. */
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char verify_usage[] =
    "usage: drawdown verify [--json] SCENARIO PLAN.json\n"
    "\n"
    "Check a plan (docs/plan-format.md) against the scenario alone: loads,\n"
    "clearances and their caps, hours and blackout days, MOG, tails and\n"
    "itineraries, task times, release times, security, exit processing, the\n"
    "in-country ceiling, milestones and deadlines. Prints each violation on\n"
    "one line, then one line per agreement term (docs/verify.md).\n"
    "\n"
    "  --json          print the report as JSON\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 the plan complies, 1 it violates something, 2 bad input\n"
    "(the scenario or the plan cannot be read; problems printed as\n"
    "FILE:LINE:COL).\n";

int dd__cmd_verify(int argc, char **argv)
{
    const char *scenario = NULL, *plan = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(verify_usage, stdout);
            return DD_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "drawdown verify: unknown option '%s'\n%s", argv[i], verify_usage);
            return DD_EXIT_INPUT;
        } else if (!scenario) {
            scenario = argv[i];
        } else if (!plan) {
            plan = argv[i];
        } else {
            fprintf(stderr, "drawdown verify: one scenario and one plan\n");
            return DD_EXIT_INPUT;
        }
    }
    if (!scenario || !plan) {
        fprintf(stderr, "drawdown verify: needs a scenario and a plan file\n%s", verify_usage);
        return DD_EXIT_INPUT;
    }
    dd_diags diags;
    dd_diags_init(&diags, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(scenario, &diags, &s);
    dd__cli_print_diags(stderr, &diags);
    dd_diags_fini(&diags);
    if (st != DD_OK) {
        if (st == DD_ENOMEM)
            fprintf(stderr, "drawdown verify: %s\n", dd_status_str(st));
        return dd__cli_exit_for(st);
    }
    size_t len = 0;
    char *text = NULL;
    const char *why = NULL;
    st = dd_read_file_malloc(plan, DD_READ_MAX, &text, &len, &why);
    if (st != DD_OK) {
        if (st == DD_ENOMEM)
            fprintf(stderr, "drawdown verify: %s\n", dd_status_str(st));
        else
            fprintf(stderr, "%s: error: cannot read the plan file (%s)\n", plan, why);
        dd_scenario_free(s);
        return dd__cli_exit_for(st);
    }
    dd_verify_report *r = NULL;
    st = dd_verify_plan(s, plan, text, len, &r);
    free(text);
    int code;
    if (st == DD_EINPUT) {
        dd__cli_print_diags(stderr, &r->errors);
        code = DD_EXIT_INPUT;
    } else if (st != DD_OK) {
        fprintf(stderr, "drawdown verify: %s\n", dd_status_str(st));
        code = DD_EXIT_FAIL;
    } else {
        st = json ? dd_verify_write_json(r, stdout) : dd_verify_write_text(r, stdout);
        code = r->n_violations ? DD_EXIT_FAIL : DD_EXIT_OK;
        if (st != DD_OK) {
            fprintf(stderr, "drawdown verify: %s\n", dd_status_str(st));
            code = DD_EXIT_FAIL;
        }
    }
    dd_verify_report_free(r);
    dd_scenario_free(s);
    return code;
}
