/* SPDX-License-Identifier: MIT */
/* `drawdown check SCENARIO [--json]`: validate and summarise. */
#include <drawdown/check.h>
#include <drawdown/scenario.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

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

int dd__cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0, units = DD_UNITS_SCENARIO;
    size_t max_errors = DD_DIAGS_DEFAULT_MAX;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(check_usage, stdout);
            return DD_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--units")) {
            if ((units = dd__cli_units("check", i + 1 < argc ? argv[++i] : NULL)) < 0)
                return DD_EXIT_INPUT;
        } else if (!strcmp(argv[i], "--max-errors") && i + 1 == argc) {
            fprintf(stderr, "drawdown check: --max-errors needs a number\n");
            return DD_EXIT_INPUT;
        } else if (!strcmp(argv[i], "--max-errors")) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || v == 0) {
                fprintf(stderr, "drawdown check: --max-errors needs a positive number\n");
                return DD_EXIT_INPUT;
            }
            max_errors = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "drawdown check: unknown option '%s'\n%s", argv[i], check_usage);
            return DD_EXIT_INPUT;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "drawdown check: one scenario at a time\n");
            return DD_EXIT_INPUT;
        }
    }
    if (!path) {
        fprintf(stderr, "drawdown check: which scenario?\n%s", check_usage);
        return DD_EXIT_INPUT;
    }
    dd_diags diags;
    dd_diags_init(&diags, max_errors);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &diags, &s);
    dd__cli_print_diags(stderr, &diags);
    dd_diags_fini(&diags);
    if (st != DD_OK) {
        if (st == DD_ENOMEM)
            fprintf(stderr, "drawdown check: %s\n", dd_status_str(st));
        return dd__cli_exit_for(st);
    }
    dd_scenario_set_units(s, (dd_units)units);
    dd_check *c = NULL;
    st = dd_check_summarize(s, &c);
    int code = DD_EXIT_OK;
    if (st == DD_OK) {
        st = json ? dd_check_write_json(c, stdout) : dd_check_write_text(c, stdout);
        for (size_t i = 0; i < c->n_findings; i++)
            if (c->findings[i].severity == DD_SEV_ERROR)
                code = DD_EXIT_FAIL;
    }
    if (st != DD_OK) {
        fprintf(stderr, "drawdown check: %s\n", dd_status_str(st));
        code = DD_EXIT_FAIL;
    }
    dd_check_free(c);
    dd_scenario_free(s);
    return code;
}
