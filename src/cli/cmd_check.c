/* SPDX-License-Identifier: MIT */
/* `drawdown check SCENARIO [--json]`: validate and summarise. */
#include <drawdown/check.h>
#include <drawdown/scenario.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"

static const char check_usage[] =
    "usage: drawdown check [--json] [--units metric|us] [--max-errors N] SCENARIO\n"
    "\n"
    "Validate a scenario (YAML or JSON and its CSV inventories) and print a\n"
    "summary: people by role, cargo, tonnage, 463L pallet-equivalents, rolling\n"
    "stock, tasks and their critical path per site; the fleet; days to the\n"
    "deadline and milestones; and instant findings such as lower bounds on\n"
    "sorties and days.\n"
    "\n"
    "  --json          print the summary as JSON (docs/check-json.md)\n"
    "  --max-errors N  report at most N problems (default 50)\n"
    "  --units U       metric (kg, m) or us (lb, in): the units printed (default:\n"
    "                  the scenario's units:)\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 valid, 1 valid but a finding shows the deadline cannot be\n"
    "met, 2 bad input (each problem printed as FILE:LINE:COL).\n";

typedef struct check_args {
    bool json;
    int units;
    uint64_t max_errors;
} check_args;

static const dd_opt check_opts[] = {
    DD_OPT_JSON(check_args),
    DD_OPT_UNITS(check_args),
    DD_NUM(check_args, "--max-errors", DD_OPT_UINT, max_errors, 1, 1e9),
};

static const dd_cli_spec check_spec = DD_CLI_ONE_SCENARIO("check", check_usage, check_opts);

int dd__cmd_check(int argc, char **argv)
{
    check_args v = {false, -1, DD_DIAGS_DEFAULT_MAX};
    dd_cli_args a;
    int code = dd__cli_parse(&check_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    dd_scenario *s = NULL;
    code = dd__cli_load_scenario("check", a.v[0], (size_t)v.max_errors,
                                 dd__cli_units_of(v.units), DD_CLI_ALL, &s);
    if (code >= 0)
        return code;
    const bool json = v.json;
    dd_check *c = NULL;
    dd_status st = dd_check_summarize(s, &c);
    code = DD_EXIT_OK;
    if (st == DD_OK) {
        st = json ? dd_check_write_json(c, stdout) : dd_check_write_text(c, stdout);
        for (size_t i = 0; i < c->n_findings; i++)
            if (c->findings[i].severity == DD_SEV_ERROR)
                code = DD_EXIT_FAIL;
    }
    if (st != DD_OK)
        code = dd__cli_status_error("check", st);
    dd_check_free(c);
    dd_scenario_free(s);
    return code;
}
