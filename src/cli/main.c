/* SPDX-License-Identifier: MIT */
/*
 * drawdown: the command-line shell. It parses the command line, calls the
 * library through its public API, prints, and sets the exit status:
 * 0 ok, 1 plan infeasible or check failed, 2 bad input or usage.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define DD_VERSION "0.1.0"

static const char usage[] =
    "usage: drawdown <command> [options] ...\n"
    "\n"
    "Plan, stress-test and run the withdrawal of a force and its equipment\n"
    "from a host country under a negotiated agreement.\n"
    "\n"
    "commands:\n"
    "  check SCENARIO      validate a scenario and print its summary\n"
    "  loads SCENARIO      build pallets and aircraft loads, with lower bounds\n"
    "  plan SCENARIO       plan the withdrawal: sorties, clearances, people, tasks\n"
    "  verify SCENARIO PLAN  check a plan against every term of the scenario\n"
    "  report PLAN -o FILE  briefing outputs: PDF, PNG/SVG charts, XLSX, HTML\n"
    "  simulate SCENARIO   Monte Carlo of the plan under disruptions (docs/sim.md)\n"
    "  sweep SCENARIO --vary NAME=A..B  plan every combination: the feasibility frontier\n"
    "  track start|add|log|verify|receipt|upgrade LOG ...  the event log\n"
    "  status LOG          where it stands against the plan, and the plan again\n"
    "  keys new|list|export  the keys that sign the event log\n"
    "  serve LOG           the HTTP server over the log, with roles (docs/serve.md)\n"
    "  users add|remove|list|passwd USERS.db ...  the server's users\n"
    "\n"
    "options:\n"
    "  -h, --help          show this help (drawdown <command> --help for one command)\n"
    "  --version           show the version\n"
    "\n"
    "Scenario format: docs/format.md. Manual: man drawdown (docs/drawdown.1).\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "drawdown: which command?\n\n%s", usage);
        return DD_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return DD_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("drawdown %s\n", DD_VERSION);
        return DD_EXIT_OK;
    }
    if (!strcmp(cmd, "check"))
        return dd__cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "loads"))
        return dd__cmd_loads(argc - 1, argv + 1);
    if (!strcmp(cmd, "plan"))
        return dd__cmd_plan(argc - 1, argv + 1);
    if (!strcmp(cmd, "verify"))
        return dd__cmd_verify(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return dd__cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "simulate"))
        return dd__cmd_simulate(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return dd__cmd_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "track"))
        return dd__cmd_track(argc - 1, argv + 1);
    if (!strcmp(cmd, "status"))
        return dd__cmd_status(argc - 1, argv + 1);
    if (!strcmp(cmd, "keys"))
        return dd__cmd_keys(argc - 1, argv + 1);
    if (!strcmp(cmd, "serve"))
        return dd__cmd_serve(argc - 1, argv + 1);
    if (!strcmp(cmd, "users"))
        return dd__cmd_users(argc - 1, argv + 1);
    fprintf(stderr, "drawdown: unknown command '%s'\n\n%s", cmd, usage);
    return DD_EXIT_INPUT;
}
