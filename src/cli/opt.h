/* SPDX-License-Identifier: MIT */
/*
 * Declared options: a command states its options as a table (name, kind,
 * where the value goes, its range) and one parser reads them, with the same
 * errors for every command:
 *
 *   drawdown CMD: unknown option '--x'
 *   drawdown CMD: --seed needs a value
 *   drawdown CMD: --threads needs a whole number from 1 to 256, got 'x'
 *   drawdown CMD: --objective wants margin or completion, got 'x'
 *   drawdown CMD: which scenario?
 *   drawdown CMD: one scenario at a time (got 'b.yaml' too)
 *
 * Values go into the command's own struct at the offset the table gives
 * (offsetof), so a table is constant data.
 */
#ifndef DD_CLI_OPT_H
#define DD_CLI_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum dd_opt_kind {
    DD_OPT_FLAG,   /* bool, set to true */
    DD_OPT_STR,    /* const char *: the argument as given */
    DD_OPT_LIST,   /* const char *[max]; its count (size_t) at count_off */
    DD_OPT_UINT,   /* uint64_t from min to max */
    DD_OPT_INT,    /* int from min to max */
    DD_OPT_REAL,   /* double from min to max */
    DD_OPT_CHOICE, /* int: the index of the value in choices ("a|b|c") */
} dd_opt_kind;

typedef struct dd_opt {
    const char *name;  /* "--seed" */
    const char *alias; /* "-o", or NULL */
    dd_opt_kind kind;
    size_t off;        /* where the value goes in the command's struct */
    double min, max;   /* numbers: the range; LIST: max is the most entries */
    const char *choices;
    size_t count_off; /* LIST: where the count goes */
} dd_opt;

/* Rows of a command's table (T: the command's own struct, m: the member
 * the value goes to): a flag, a text, a number of `kind` from lo to hi, a
 * choice among "a|b". */
#define DD_FLAG(T, name, m) {name, NULL, DD_OPT_FLAG, offsetof(T, m), 0, 0, NULL, 0}
#define DD_STR(T, name, m) {name, NULL, DD_OPT_STR, offsetof(T, m), 0, 0, NULL, 0}
#define DD_NUM(T, name, kind, m, lo, hi) {name, NULL, kind, offsetof(T, m), lo, hi, NULL, 0}
#define DD_CHOICE(T, name, m, choices)                                                   \
    {name, NULL, DD_OPT_CHOICE, offsetof(T, m), 0, 0, choices, 0}

/* The options several commands take, with one meaning and one range
 * everywhere (their members: out, json, seed, units, objective,
 * threads). */
#define DD_OPT_OUT(T) DD_STR(T, "-o", out)
#define DD_OPT_JSON(T) DD_FLAG(T, "--json", json)
#define DD_OPT_SEED(T) DD_NUM(T, "--seed", DD_OPT_UINT, seed, 0, 1.8e19)
#define DD_OPT_UNITS(T) DD_CHOICE(T, "--units", units, "metric|us")
#define DD_OPT_OBJECTIVE(T) DD_CHOICE(T, "--objective", objective, "margin|completion")
#define DD_OPT_THREADS(T) DD_NUM(T, "--threads", DD_OPT_INT, threads, 1, 256)

/* A command's arguments: its options and its positional arguments. */
typedef struct dd_cli_spec {
    const char *cmd;   /* "sweep", "track log" */
    const char *usage; /* the --help text */
    const dd_opt *opts;
    size_t n_opts;
    size_t min_args, max_args; /* positional arguments */
    const char *missing;       /* "which scenario?" when fewer than min_args */
    const char *one_at_a_time; /* "one scenario at a time" when more than max_args */
} dd_cli_spec;

#define DD_CLI_MAX_ARGS 8

/* The positional arguments, in order. */
typedef struct dd_cli_args {
    const char *v[DD_CLI_MAX_ARGS];
    size_t n;
} dd_cli_args;

/* A spec from its option table (an array), and the common case: one
 * scenario as the only argument. */
#define DD_CLI_SPEC(cmd, usage, opts, lo, hi, missing, too_many)                           \
    {cmd, usage, opts, sizeof opts / sizeof opts[0], lo, hi, missing, too_many}
#define DD_CLI_ONE_SCENARIO(cmd, usage, opts)                                              \
    DD_CLI_SPEC(cmd, usage, opts, 1, 1, "which scenario?", "one scenario at a time")

/* Parse argv[1..argc-1] into vals and args (at most max_args). Returns -1
 * to go on, 0 after printing the usage for -h/--help, or 2 after printing
 * the error to stderr. A lone "-" is a positional argument; "--" ends the
 * options. */
int dd__cli_parse(const dd_cli_spec *spec, int argc, char **argv, void *vals, dd_cli_args *args);

/*
 * A command with subcommands ("track start", "users add"): specs[] holds
 * one spec a subcommand, each named "CMD SUB". Finds argv[1]'s spec and
 * parses the rest into vals and args. Returns the spec, or NULL with *code
 * set (0 after printing the usage for -h/--help; 2 after printing the
 * error for a missing or unknown subcommand or a bad option). `list` names
 * the subcommands for the error: "new, list, export".
 */
const dd_cli_spec *dd__cli_parse_sub(const dd_cli_spec *specs, size_t n, const char *list,
                                     int argc, char **argv, void *vals, dd_cli_args *args,
                                     int *code);

#endif
