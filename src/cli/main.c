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

/* The commands: name, what `drawdown --help` says of it (with its
 * arguments), and the function that runs it. Adding a command is a row. */
typedef struct command {
    const char *name;
    const char *synopsis; /* after the name, up to the description */
    const char *summary;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"check", "SCENARIO", "validate a scenario and print its summary", dd__cmd_check},
    {"loads", "SCENARIO", "build pallets and aircraft loads, with lower bounds", dd__cmd_loads},
    {"plan", "SCENARIO", "plan the withdrawal: sorties, clearances, people, tasks",
     dd__cmd_plan},
    {"verify", "SCENARIO PLAN", "check a plan against every term of the scenario",
     dd__cmd_verify},
    {"report", "PLAN -o FILE", "briefing outputs: PDF, PNG/SVG charts, XLSX, HTML",
     dd__cmd_report},
    {"simulate", "SCENARIO", "Monte Carlo of the plan under disruptions (docs/sim.md)",
     dd__cmd_simulate},
    {"sweep", "SCENARIO --vary NAME=A..B", "plan every combination: the feasibility frontier",
     dd__cmd_sweep},
    {"track", "start|add|log|verify|receipt|upgrade LOG ...", "the event log", dd__cmd_track},
    {"status", "LOG", "where it stands against the plan, and the plan again", dd__cmd_status},
    {"keys", "new|list|export", "the keys that sign the event log", dd__cmd_keys},
    {"serve", "LOG", "the HTTP server over the log, with roles (docs/serve.md)", dd__cmd_serve},
    {"users", "add|remove|list|passwd USERS.db ...", "the server's users", dd__cmd_users},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fputs("usage: drawdown <command> [options] ...\n"
          "\n"
          "Plan, stress-test and run the withdrawal of a force and its equipment\n"
          "from a host country under a negotiated agreement.\n"
          "\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const command *c = &commands[i];
        int w = fprintf(f, "  %s %s", c->name, c->synopsis);
        /* the description in a column, or after two spaces when the
         * synopsis is long */
        fprintf(f, "%*s%s\n", w <= 20 ? 22 - w : 2, "", c->summary);
    }
    fputs("\n"
          "options:\n"
          "  -h, --help          show this help (drawdown <command> --help for one command)\n"
          "  --version           show the version\n"
          "\n"
          "What a person reads is in the scenario's units: (lb and in, or kg and m;\n"
          "--units metric|us on check, loads, plan and report), times in local time\n"
          "and Zulu with their year; plan files and --json stay SI and UTC.\n"
          "Scenario format: docs/format.md. Manual: man drawdown (docs/drawdown.1).\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("drawdown: which command?\n\n", stderr);
        usage(stderr);
        return DD_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return DD_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("drawdown %s\n", DD_VERSION);
        return DD_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "drawdown: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return DD_EXIT_INPUT;
}
