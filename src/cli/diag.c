/* SPDX-License-Identifier: MIT */
/* The command line's shared pieces: diagnostics display (compiler style,
 * with a caret) and the plan-file writer. */
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char *sev(dd_severity s)
{
    return s == DD_SEV_ERROR ? "error" : s == DD_SEV_WARNING ? "warning" : "note";
}

void dd__cli_print_diags(FILE *f, const dd_diags *d)
{
    dd__cli_print_diags_upto(f, d, DD_SEV_NOTE);
}

size_t dd__cli_print_diags_upto(FILE *f, const dd_diags *d, dd_severity upto)
{
    size_t skipped = 0;
    for (size_t i = 0; i < d->n_items; i++) {
        const dd_diag *g = &d->items[i];
        if (g->severity > upto) {
            skipped++;
            continue;
        }
        if (g->file && g->line)
            fprintf(f, "%s:%u:%u: ", g->file, g->line, g->col);
        else if (g->file)
            fprintf(f, "%s: ", g->file);
        fprintf(f, "%s: ", sev(g->severity));
        if (g->path && *g->path)
            fprintf(f, "%s: ", g->path);
        fprintf(f, "%s\n", g->message);
        if (g->source_line && g->line) {
            fprintf(f, "%6u | %s\n", g->line, g->source_line);
            fprintf(f, "%6s | ", "");
            size_t len = strlen(g->source_line);
            for (uint32_t c = 1; c < g->col; c++) {
                /* keep tabs so the caret lines up */
                char ch = (size_t)(c - 1) < len && g->source_line[c - 1] == '\t' ? '\t' : ' ';
                fputc(ch, f);
            }
            fputs("^\n", f);
        }
    }
    if (d->n_dropped)
        fprintf(f, "... and %zu more problems not shown\n", d->n_dropped);
    if (d->oom)
        fprintf(f, "(some messages were lost: out of memory)\n");
    if (d->n_errors)
        fprintf(f, "%zu error%s\n", d->n_errors, d->n_errors == 1 ? "" : "s");
    return skipped;
}

int dd__cli_exit_for(dd_status st)
{
    switch (st) {
    case DD_OK: return DD_EXIT_OK;
    case DD_EINPUT:
    case DD_EIO:
    case DD_EARG: return DD_EXIT_INPUT;
    default: return DD_EXIT_FAIL;
    }
}

void dd__cli_input(dd_cli_inputs *in, const char *path)
{
    if (path && in->n < DD_CLI_MAX_INPUTS)
        in->paths[in->n++] = path;
}

void dd__cli_scenario_inputs(dd_cli_inputs *in, const dd_scenario *s)
{
    for (size_t i = 0; s && i < sizeof s->files / sizeof s->files[0]; i++)
        dd__cli_input(in, s->files[i]);
}

static dd_status print_status(dd_status st, dd_diags *d)
{
    dd__cli_print_diags(stderr, d);
    if (st == DD_ENOMEM)
        fprintf(stderr, "drawdown: %s\n", dd_status_str(st));
    dd_diags_fini(d);
    return st;
}

dd_status dd__cli_output_check(const char *path, const dd_cli_inputs *in)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_output_check(path, in ? in->paths : NULL, in ? in->n : 0, &d);
    return print_status(st, &d);
}

dd_status dd__cli_write(const char *path, const dd_cli_inputs *in,
                        dd_status (*write)(FILE *f, const void *ctx), const void *ctx)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_write_file(path, in ? in->paths : NULL, in ? in->n : 0, write, ctx, &d);
    return print_status(st, &d);
}

typedef struct plan_out {
    const dd_plan *p;
    const char *scenario;
} plan_out;

static dd_status write_plan(FILE *f, const void *ctx)
{
    const plan_out *o = ctx;
    return dd_plan_write_json(o->p, o->scenario, f);
}

dd_status dd__cli_write_plan(const char *path, const dd_plan *p, const char *scenario,
                             const dd_cli_inputs *in)
{
    plan_out o = {p, scenario};
    return dd__cli_write(path, in, write_plan, &o);
}

int dd__cli_usage_error(const char *cmd, const char *fmt, ...)
{
    fprintf(stderr, "drawdown %s: ", cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(drawdown %s --help shows the usage)\n", cmd);
    return DD_EXIT_INPUT;
}

int dd__cli_units(const char *cmd, const char *value)
{
    int u = dd_units_from_name(value);
    if (u < 0)
        fprintf(stderr, "drawdown %s: --units wants metric or us, got '%s'\n", cmd,
                value ? value : "");
    return u;
}
