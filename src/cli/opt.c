/* SPDX-License-Identifier: MIT */
/* One parser for every command's declared options (opt.h). */
#include "cli/opt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const dd_opt *find(const dd_cli_spec *spec, const char *a)
{
    for (size_t i = 0; i < spec->n_opts; i++) {
        const dd_opt *o = &spec->opts[i];
        if (!strcmp(a, o->name) || (o->alias && !strcmp(a, o->alias)))
            return o;
    }
    return NULL;
}

/* "from 1 to 256", "of at least 1" (no useful upper end), "from 0" */
static void range_text(const dd_opt *o, char *buf, size_t len)
{
    if (o->max >= 1e15)
        snprintf(buf, len, "of at least %.15g", o->min);
    else
        snprintf(buf, len, "from %.15g to %.15g", o->min, o->max);
}

static bool whole(const char *v, bool sign_ok, double *out)
{
    if (!*v || (!sign_ok && v[0] == '-') || v[0] == '+' || v[0] == ' ')
        return false;
    char *end;
    errno = 0;
    if (sign_ok) {
        long long x = strtoll(v, &end, 10);
        *out = (double)x;
    } else {
        unsigned long long x = strtoull(v, &end, 10);
        *out = (double)x;
    }
    return !*end && !errno;
}

/* The choice's index in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *v)
{
    size_t n = strlen(v);
    int k = 0;
    for (const char *c = choices; *c; k++) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && !strncmp(c, v, n))
            return k;
        c += len + (bar != NULL);
    }
    return -1;
}

/* "a, b or c" from "a|b|c" */
static void choices_text(const char *choices, char *buf, size_t len)
{
    size_t bars = 0, w = 0;
    for (const char *c = choices; *c; c++)
        bars += *c == '|';
    for (const char *c = choices; *c && w + 6 < len; c++) {
        if (*c != '|') {
            buf[w++] = *c;
            continue;
        }
        const char *sep = --bars ? ", " : " or ";
        for (; *sep && w + 1 < len; sep++)
            buf[w++] = *sep;
    }
    buf[w] = '\0';
}

static int value(const dd_cli_spec *spec, const dd_opt *o, const char *v, char *base)
{
    char *at = base + o->off;
    char want[160];
    double x = 0;
    switch (o->kind) {
    case DD_OPT_FLAG:
        break;
    case DD_OPT_STR:
        *(const char **)(void *)at = v;
        return -1;
    case DD_OPT_LIST: {
        size_t *n = (size_t *)(void *)(base + o->count_off);
        if ((double)*n >= o->max) {
            fprintf(stderr, "drawdown %s: at most %.0f %s\n", spec->cmd, o->max, o->name);
            return DD_EXIT_INPUT;
        }
        ((const char **)(void *)at)[(*n)++] = v;
        return -1;
    }
    case DD_OPT_UINT:
    case DD_OPT_INT:
        if (!whole(v, o->kind == DD_OPT_INT, &x) || x < o->min || x > o->max) {
            range_text(o, want, sizeof want);
            fprintf(stderr, "drawdown %s: %s needs a whole number %s, got '%s'\n", spec->cmd,
                    o->name, want, v);
            return DD_EXIT_INPUT;
        }
        if (o->kind == DD_OPT_UINT)
            *(uint64_t *)(void *)at = strtoull(v, NULL, 10);
        else
            *(int *)(void *)at = (int)x;
        return -1;
    case DD_OPT_REAL: {
        char *end;
        errno = 0;
        x = *v && *v != ' ' ? strtod(v, &end) : NAN;
        if (!isfinite(x) || *end || errno || x < o->min || x > o->max) {
            range_text(o, want, sizeof want);
            fprintf(stderr, "drawdown %s: %s needs a number %s, got '%s'\n", spec->cmd,
                    o->name, want, v);
            return DD_EXIT_INPUT;
        }
        *(double *)(void *)at = x;
        return -1;
    }
    case DD_OPT_CHOICE: {
        int k = choice_index(o->choices, v);
        if (k < 0) {
            choices_text(o->choices, want, sizeof want);
            fprintf(stderr, "drawdown %s: %s wants %s, got '%s'\n", spec->cmd, o->name, want, v);
            return DD_EXIT_INPUT;
        }
        *(int *)(void *)at = k;
        return -1;
    }
    }
    return -1;
}

int dd__cli_parse(const dd_cli_spec *spec, int argc, char **argv, void *vals, dd_cli_args *args)
{
    char *base = vals;
    args->n = 0;
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            fputs(spec->usage, stdout);
            return DD_EXIT_OK;
        }
        if (options && !strcmp(a, "--")) {
            options = false;
            continue;
        }
        if (options && a[0] == '-' && a[1]) {
            const dd_opt *o = find(spec, a);
            if (!o) {
                fprintf(stderr, "drawdown %s: unknown option '%s'\n(drawdown %s --help lists "
                                "the options)\n",
                        spec->cmd, a, spec->cmd);
                return DD_EXIT_INPUT;
            }
            if (o->kind == DD_OPT_FLAG) {
                *(bool *)(void *)(base + o->off) = true;
                continue;
            }
            if (i + 1 >= argc) {
                fprintf(stderr, "drawdown %s: %s needs a value\n", spec->cmd, a);
                return DD_EXIT_INPUT;
            }
            int code = value(spec, o, argv[++i], base);
            if (code >= 0)
                return code;
            continue;
        }
        if (args->n >= spec->max_args || args->n >= DD_CLI_MAX_ARGS) {
            fprintf(stderr, "drawdown %s: %s (got '%s' too)\n", spec->cmd,
                    spec->one_at_a_time ? spec->one_at_a_time : "too many arguments", a);
            return DD_EXIT_INPUT;
        }
        args->v[args->n++] = a;
    }
    if (args->n < spec->min_args) {
        fprintf(stderr, "drawdown %s: %s\n%s", spec->cmd,
                spec->missing ? spec->missing : "an argument is missing", spec->usage);
        return DD_EXIT_INPUT;
    }
    return -1;
}

const dd_cli_spec *dd__cli_parse_sub(const dd_cli_spec *specs, size_t n, const char *list,
                                     int argc, char **argv, void *vals, dd_cli_args *args,
                                     int *code)
{
    const char *cmd = specs[0].cmd, *usage = specs[0].usage;
    size_t prefix = strcspn(cmd, " ");
    *code = DD_EXIT_INPUT;
    if (argc < 2) {
        fprintf(stderr, "drawdown %.*s: which subcommand? (%s)\n%s", (int)prefix, cmd, list,
                usage);
        return NULL;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage, stdout);
        *code = DD_EXIT_OK;
        return NULL;
    }
    const dd_cli_spec *spec = NULL;
    for (size_t i = 0; i < n && !spec; i++)
        if (!strcmp(specs[i].cmd + prefix + 1, argv[1]))
            spec = &specs[i];
    if (!spec) {
        fprintf(stderr, "drawdown %.*s: unknown subcommand '%s'\n%s", (int)prefix, cmd, argv[1],
                usage);
        return NULL;
    }
    int parsed = dd__cli_parse(spec, argc - 1, argv + 1, vals, args);
    if (parsed >= 0) {
        *code = parsed;
        return NULL;
    }
    return spec;
}
