/* SPDX-License-Identifier: MIT */
/* The command-line shell's shared pieces: diagnostics display, exit codes. */
#ifndef DD_CLI_H
#define DD_CLI_H

#include <drawdown/base.h>
#include <stdbool.h>
#include <stdio.h>

/* 3: a plan failed its own verification (the planner said met, the
 * independent verifier did not agree, or the plan file did not read back). */
enum { DD_EXIT_OK = 0, DD_EXIT_FAIL = 1, DD_EXIT_INPUT = 2, DD_EXIT_UNVERIFIED = 3 };

/* Print diagnostics as FILE:LINE:COL: severity: path: message, the source
 * line and a caret; then a count line when some were dropped. */
void dd__cli_print_diags(FILE *f, const dd_diags *d);
/* The same for the diagnostics up to severity `upto` (DD_SEV_ERROR: the
 * errors alone); returns how many were left out. */
size_t dd__cli_print_diags_upto(FILE *f, const dd_diags *d, dd_severity upto);
/* Exit code for a library status. */
int dd__cli_exit_for(dd_status st);

/*
 * Outputs: every file a command writes goes through dd_output (base.h):
 * "-" is standard output, a device or FIFO is written directly, a regular
 * file atomically through its links; an output that is one of `inputs` is
 * refused. Problems are printed to stderr as "PATH: error: ...".
 */
struct dd_plan;
struct dd_scenario;
#define DD_CLI_MAX_INPUTS 16
typedef struct dd_cli_inputs {
    const char *paths[DD_CLI_MAX_INPUTS];
    size_t n;
} dd_cli_inputs;
/* Add a path (NULL skipped), or the files a scenario was read from. */
void dd__cli_input(dd_cli_inputs *in, const char *path);
void dd__cli_scenario_inputs(dd_cli_inputs *in, const struct dd_scenario *s);
/* Refuse an output before the work (printing why); DD_OK when fine. */
dd_status dd__cli_output_check(const char *path, const dd_cli_inputs *in);
/* Write `path` with `write`, printing any problem. */
dd_status dd__cli_write(const char *path, const dd_cli_inputs *in,
                        dd_status (*write)(FILE *f, const void *ctx), const void *ctx);
/* The plan file (docs/plan-format.md); `in` may be NULL. */
dd_status dd__cli_write_plan(const char *path, const struct dd_plan *p, const char *scenario,
                             const dd_cli_inputs *in);
/*
 * The plan a command made, checked by the independent verifier from the
 * plan file text it would write (verify_own.c). `report` is NULL when the
 * check was skipped (--no-verify); `disagrees` when the planner said met
 * and the verifier found violations, or the plan file did not read back.
 */
struct dd_verify_report;
typedef struct dd_own_check {
    struct dd_verify_report *report;
    bool malformed;
    bool disagrees;
} dd_own_check;
dd_status dd__cli_verify_own(const struct dd_scenario *s, const struct dd_plan *p,
                             const char *scenario_path, dd_own_check *out);
/* One line (or, on disagreement, a heading and the violations) for the
 * top of the summary; `met` is the planner's verdict. */
void dd__cli_own_check_print(const dd_own_check *c, bool met, FILE *f);
void dd__cli_own_check_fini(dd_own_check *c);
/* Each single change the plan proposes that is one parameter of the
 * scenario (override.h), re-planned on the changed scenario with options o
 * and checked by the verifier against it: how many were, and how many of
 * those plans meet every term and comply. */
struct dd_plan_options;
dd_status dd__cli_verify_relaxations(const struct dd_scenario *s, const struct dd_plan *p,
                                     const struct dd_plan_options *o, const char *scenario_path,
                                     size_t *tried, size_t *complied);

/* Load the scenario at path (at most max_errors problems reported, 0 for
 * the default) and print its diagnostics to stderr: every one with
 * DD_CLI_ALL (drawdown check), the errors and a line counting the
 * warnings and notes with DD_CLI_ERRORS (every other command: a warning is
 * said once, by check), nothing with DD_CLI_QUIET. units (dd_units) set
 * what it displays. Returns -1 when loaded (*out set), else the exit code,
 * after saying why when the input is not the cause. */
enum { DD_CLI_QUIET, DD_CLI_ERRORS, DD_CLI_ALL };
int dd__cli_load_scenario(const char *cmd, const char *path, size_t max_errors, int units,
                          int print, struct dd_scenario **out);

/* The choice of an option "--units" declared as "metric|us" (-1: not
 * given) as a dd_units. */
int dd__cli_units_of(int choice);

/* --units metric|us: the value, or -1 after printing a usage error for
 * command `cmd`. */
int dd__cli_units(const char *cmd, const char *value);

/* Print a usage error "drawdown CMD: MESSAGE" and return DD_EXIT_INPUT. */
int dd__cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --mpi (simulate, sweep): the cluster started (*out NULL without --mpi)
 * and, when *threads <= 0, the threads a rank takes (the node's cores
 * shared among its ranks). Returns -1 to go on, else the exit code after
 * saying why. dd__cli_cluster_stop ends it (the other ranks aborted when
 * this one failed) and returns code. */
struct dd_cluster;
int dd__cli_cluster_start(const char *cmd, bool mpi, struct dd_cluster **out, int *threads);
int dd__cli_cluster_stop(struct dd_cluster *c, int code);

/* "drawdown CMD: STATUS" on stderr; returns DD_EXIT_FAIL. */
int dd__cli_status_error(const char *cmd, dd_status st);

int dd__cmd_check(int argc, char **argv);
int dd__cmd_loads(int argc, char **argv);
int dd__cmd_plan(int argc, char **argv);
int dd__cmd_verify(int argc, char **argv);
int dd__cmd_report(int argc, char **argv);
int dd__cmd_simulate(int argc, char **argv);
int dd__cmd_sweep(int argc, char **argv);
int dd__cmd_track(int argc, char **argv);
int dd__cmd_status(int argc, char **argv);
int dd__cmd_keys(int argc, char **argv);
int dd__cmd_serve(int argc, char **argv);
int dd__cmd_users(int argc, char **argv);

#endif
