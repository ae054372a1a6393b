/* SPDX-License-Identifier: MIT */
/* The command-line shell's shared pieces: diagnostics display, exit codes. */
#ifndef DD_CLI_H
#define DD_CLI_H

#include <drawdown/base.h>
#include <stdio.h>

enum { DD_EXIT_OK = 0, DD_EXIT_FAIL = 1, DD_EXIT_INPUT = 2 };

/* Print diagnostics as FILE:LINE:COL: severity: path: message, the source
 * line and a caret; then a count line when some were dropped. */
void dd__cli_print_diags(FILE *f, const dd_diags *d);
/* Exit code for a library status. */
int dd__cli_exit_for(dd_status st);

/* The plan file (docs/plan-format.md), atomically. */
struct dd_plan;
dd_status dd__cli_write_plan(const char *path, const struct dd_plan *p, const char *scenario);

int dd__cmd_check(int argc, char **argv);
int dd__cmd_loads(int argc, char **argv);
int dd__cmd_plan(int argc, char **argv);
int dd__cmd_verify(int argc, char **argv);
int dd__cmd_report(int argc, char **argv);
int dd__cmd_simulate(int argc, char **argv);
int dd__cmd_track(int argc, char **argv);
int dd__cmd_status(int argc, char **argv);

#endif
