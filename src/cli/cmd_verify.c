/* SPDX-License-Identifier: MIT */
/* `drawdown verify SCENARIO PLAN.json [--json]`: check a plan against the
 * scenario alone and print its violations and compliance summary. */
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"

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

typedef struct verify_args {
    bool json;
} verify_args;

static const dd_opt verify_opts[] = {
    DD_OPT_JSON(verify_args),
};

static const dd_cli_spec verify_spec =
    DD_CLI_SPEC("verify", verify_usage, verify_opts, 2, 2, "needs a scenario and a plan file",
                "one scenario and one plan");

int dd__cmd_verify(int argc, char **argv)
{
    verify_args v = {false};
    dd_cli_args a;
    int code = dd__cli_parse(&verify_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    const char *scenario = a.v[0], *plan = a.v[1];
    const int json = v.json;
    dd_scenario *s = NULL;
    code = dd__cli_load_scenario("verify", scenario, 0, 0, DD_CLI_ERRORS, &s);
    if (code >= 0)
        return code;
    size_t len = 0;
    char *text = NULL;
    const char *why = NULL;
    dd_status st = dd_read_file_malloc(plan, DD_READ_MAX, &text, &len, &why);
    if (st != DD_OK) {
        if (st == DD_ENOMEM)
            dd__cli_status_error("verify", st);
        else
            fprintf(stderr, "%s: error: cannot read the plan file (%s)\n", plan, why);
        dd_scenario_free(s);
        return dd__cli_exit_for(st);
    }
    dd_verify_report *r = NULL;
    st = dd_verify_plan(s, plan, text, len, &r);
    free(text);
    if (st == DD_EINPUT) {
        dd__cli_print_diags(stderr, &r->errors);
        code = DD_EXIT_INPUT;
    } else if (st != DD_OK) {
        code = dd__cli_status_error("verify", st);
    } else {
        st = json ? dd_verify_write_json(r, stdout) : dd_verify_write_text(r, stdout);
        code = r->n_violations ? DD_EXIT_FAIL : DD_EXIT_OK;
        if (st != DD_OK)
            code = dd__cli_status_error("verify", st);
    }
    dd_verify_report_free(r);
    dd_scenario_free(s);
    return code;
}
