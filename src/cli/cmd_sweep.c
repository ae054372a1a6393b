/* SPDX-License-Identifier: MIT */
/* `drawdown sweep SCENARIO --vary NAME=A..B[:STEP] ... [--replications N]
 *  [--seed K] [--threads T] [--objective O] [--mpi] [--json | --csv]
 *  [-o FILE] [--chart FILE]`: every combination planned (and simulated),
 * the table and the feasibility frontier (docs/sweep.md). */
#include <drawdown/cluster.h>
#include <drawdown/report.h>
#include <drawdown/scenario.h>
#include <drawdown/sweep.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"

static const char sweep_usage[] =
    "usage: drawdown sweep [options] SCENARIO --vary NAME=A..B[:STEP] ...\n"
    "\n"
    "Plan every combination of the varied parameters (and simulate each with\n"
    "--replications N): which combinations meet every term of the agreement,\n"
    "with what margin or probability (docs/sweep.md).\n"
    "\n"
    "  --vary NAME=A..B[:STEP]  a parameter's values (repeat for more axes):\n"
    "                     deadline, clearance.daily_cap, clearance.lead_time,\n"
    "                     clearance.validity, personnel.exit_per_day,\n"
    "                     sites.ID.daily_cap|exit_per_day|mog_total|close_by,\n"
    "                     aircraft.ID.tails|ground_time; e.g.\n"
    "                     clearance.daily_cap=1..4, aircraft.C17A.tails=4..10,\n"
    "                     deadline=2024-08-15..2024-09-15:7d\n"
    "  --replications N   simulate each combination N times (default 0: plan only)\n"
    "  --seed K           seed of every plan and simulation (default 1)\n"
    "  --threads T        worker threads (default: every core)\n"
    "  --objective O      margin (default) or completion (drawdown plan)\n"
    "  --mpi              share the combinations with the other ranks of an MPI job\n"
    "  --json, --csv      print the table as JSON or CSV instead of text\n"
    "  -o FILE            also write the table: .csv as CSV, else JSON\n"
    "  --chart FILE       draw the feasibility frontier (.png, .svg or .pdf)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 done, 2 bad input.\n";

#define MAX_VARY DD_SWEEP_MAX_AXES

typedef struct sweep_out {
    const dd_sweep_result *r;
    const char *scenario;
} sweep_out;

static dd_status write_csv(FILE *f, const void *ctx)
{
    return dd_sweep_write_csv(((const sweep_out *)ctx)->r, f);
}

static dd_status write_json(FILE *f, const void *ctx)
{
    const sweep_out *o = ctx;
    return dd_sweep_write_json(o->r, o->scenario, f);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* The frontier chart's cells from the rows. */
static dd_status draw_chart(const dd_sweep_result *r, const char *path, const char *scenario)
{
    dd_frontier fr;
    memset(&fr, 0, sizeof fr);
    char labels_buf[DD_SWEEP_MAX_AXES][64][24];
    const char *labels[DD_SWEEP_MAX_AXES][64];
    fr.title = "Feasibility frontier";
    fr.subtitle = scenario;
    fr.n_axes = r->n_axes;
    for (size_t k = 0; k < r->n_axes; k++) {
        fr.axis_name[k] = r->axes[k].param.name;
        fr.n_values[k] = r->axes[k].n_values;
        size_t n = r->axes[k].n_values < 64 ? r->axes[k].n_values : 64;
        for (size_t i = 0; i < n; i++) {
            dd_param_format(r->scenario, &r->axes[k].param, r->axes[k].values[i],
                            labels_buf[k][i], sizeof labels_buf[k][i]);
            /* a time: its date is enough on an axis */
            if (r->axes[k].param.type == DD_PARAM_TIME)
                labels_buf[k][i][10] = 0;
            labels[k][i] = labels_buf[k][i];
        }
        fr.labels[k] = labels[k];
    }
    fr.probability = r->replications > 0;
    fr.value_label = fr.probability ? "P(every term), simulated" : "margin on the tightest term (days)";
    dd_frontier_cell *cells = calloc(r->n_rows + 1, sizeof *cells);
    if (!cells)
        return DD_ENOMEM;
    for (size_t i = 0; i < r->n_rows; i++) {
        const dd_sweep_row *w = &r->rows[i];
        cells[i].planned = w->status == DD_OK;
        cells[i].met = w->status == DD_OK && w->met;
        cells[i].value = fr.probability ? w->p_all_terms.p
                                        : (double)w->margin / DD_MINUTES_PER_DAY;
    }
    fr.n_cells = r->n_rows;
    fr.cells = cells;
    dd_status st = dd_report_frontier(&fr, path);
    free(cells);
    dd_report_global_cleanup(); /* cairo's and fontconfig's caches, for leak checkers */
    return st;
}

static int sweep_run(const char *path, dd_sweep_options *o, const char *const *vary,
                     size_t n_vary, bool json, bool csv, const char *out, const char *chart);

typedef struct sweep_args {
    const char *vary[MAX_VARY];
    size_t n_vary;
    const char *out, *chart;
    bool json, csv, mpi;
    int objective, threads;
    uint64_t replications, seed;
} sweep_args;

static const dd_opt sweep_opts[] = {
    {"--vary", NULL, DD_OPT_LIST, offsetof(sweep_args, vary), 0, MAX_VARY, NULL,
     offsetof(sweep_args, n_vary)},
    DD_OPT_OUT(sweep_args),
    DD_STR(sweep_args, "--chart", chart),
    DD_OPT_OBJECTIVE(sweep_args),
    DD_NUM(sweep_args, "--replications", DD_OPT_UINT, replications, 0, 1e7),
    DD_OPT_SEED(sweep_args),
    DD_OPT_THREADS(sweep_args),
    DD_OPT_JSON(sweep_args),
    DD_FLAG(sweep_args, "--csv", csv),
    DD_FLAG(sweep_args, "--mpi", mpi),
};

static const dd_cli_spec sweep_spec = DD_CLI_ONE_SCENARIO("sweep", sweep_usage, sweep_opts);

int dd__cmd_sweep(int argc, char **argv)
{
    dd_sweep_options o;
    dd_sweep_options_init(&o);
    sweep_args v = {.seed = o.seed, .threads = o.threads};
    dd_cli_args a;
    int code = dd__cli_parse(&sweep_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    const char *path = a.v[0];
    if (v.n_vary == 0) {
        fprintf(stderr, "drawdown sweep: give at least one --vary NAME=A..B[:STEP]\n%s",
                sweep_usage);
        return DD_EXIT_INPUT;
    }
    if (v.chart && !ends_with(v.chart, ".png") && !ends_with(v.chart, ".svg") &&
        !ends_with(v.chart, ".pdf")) {
        fprintf(stderr, "drawdown sweep: --chart writes .png, .svg or .pdf, got '%s'\n",
                v.chart);
        return DD_EXIT_INPUT;
    }
    o.objective = v.objective == 0 ? DD_OBJ_MARGIN : DD_OBJ_COMPLETION;
    o.replications = v.replications;
    o.seed = v.seed;
    o.threads = v.threads;
    const bool json = v.json, csv = v.csv, mpi = v.mpi;
    if (json && csv) {
        fprintf(stderr, "drawdown sweep: --json or --csv, not both\n");
        return DD_EXIT_INPUT;
    }
    code = dd__cli_cluster_start("sweep", mpi, &o.cluster, &o.threads);
    if (code >= 0)
        return code;
    code = sweep_run(path, &o, v.vary, v.n_vary, json, csv, v.out, v.chart);
    return dd__cli_cluster_stop(o.cluster, code);
}

static int sweep_run(const char *path, dd_sweep_options *o, const char *const *vary,
                     size_t n_vary, bool json, bool csv, const char *out, const char *chart)
{
    bool root = dd_cluster_rank(o->cluster) == 0;
    dd_scenario *s = NULL;
    int loaded = dd__cli_load_scenario("sweep", path, 0, 0, root ? DD_CLI_ERRORS : DD_CLI_QUIET,
                                       &s);
    if (loaded >= 0)
        return loaded;
    dd_status st = DD_OK;
    dd_diags diags;
    dd_sweep_axis axes[MAX_VARY];
    memset(axes, 0, sizeof axes);
    dd_diags_init(&diags, DD_DIAGS_DEFAULT_MAX);
    for (size_t k = 0; k < n_vary; k++) {
        dd_status a = dd_sweep_axis_parse(s, vary[k], "--vary", (uint32_t)k + 1, &diags,
                                          &axes[k]);
        if (a != DD_OK && st == DD_OK)
            st = a;
    }
    for (size_t k = 0; k < n_vary && st == DD_OK; k++)
        for (size_t j = 0; j < k; j++)
            if (!strcmp(axes[k].param.name, axes[j].param.name)) {
                dd_diags_add(&diags, DD_SEV_ERROR, "--vary", (uint32_t)k + 1, 1, "", vary[k],
                             "'%s' is varied twice (--vary %zu)", axes[k].param.name, j + 1);
                st = DD_EINPUT;
            }
    uint64_t combos = 1;
    for (size_t k = 0; k < n_vary && st == DD_OK; k++)
        combos *= axes[k].n_values;
    if (st == DD_OK && combos > DD_SWEEP_MAX_COMBINATIONS) {
        dd_diags_add(&diags, DD_SEV_ERROR, "--vary", 0, 0, "", NULL,
                     "%llu combinations: at most %d", (unsigned long long)combos,
                     DD_SWEEP_MAX_COMBINATIONS);
        st = DD_EINPUT;
    }
    if (root)
        dd__cli_print_diags(stderr, &diags);
    dd_diags_fini(&diags);
    dd_cli_inputs in = {0};
    dd__cli_scenario_inputs(&in, s);
    if (st == DD_OK && root && out && dd__cli_output_check(out, &in) != DD_OK)
        st = DD_EARG;
    if (st == DD_OK && root && chart && dd__cli_output_check(chart, &in) != DD_OK)
        st = DD_EARG;
    dd_sweep_result *r = NULL;
    if (st == DD_OK)
        st = dd_sweep_run(s, axes, n_vary, o, &r);
    int code = st == DD_OK ? DD_EXIT_OK : dd__cli_exit_for(st);
    if (st == DD_OK && root) {
        sweep_out so = {r, path};
        bool to_stdout = out && !strcmp(out, "-");
        dd_status w = DD_OK;
        if (!to_stdout)
            w = json ? dd_sweep_write_json(r, path, stdout)
                : csv ? dd_sweep_write_csv(r, stdout)
                      : dd_sweep_write_text(r, stdout);
        if (w == DD_OK && out)
            w = dd__cli_write(out, &in, ends_with(out, ".csv") || (to_stdout && csv) ? write_csv
                                                                                    : write_json,
                              &so);
        if (w == DD_OK && chart) {
            w = draw_chart(r, chart, path);
            if (w != DD_OK)
                fprintf(stderr, "drawdown sweep: cannot write %s: %s\n", chart,
                        dd_status_str(w));
        }
        if (w != DD_OK)
            code = dd__cli_exit_for(w);
    } else if (st != DD_OK && st != DD_EINPUT && st != DD_EARG && root) {
        dd__cli_status_error("sweep", st);
    }
    dd_sweep_result_free(r);
    for (size_t k = 0; k < n_vary; k++)
        dd_sweep_axis_fini(&axes[k]);
    dd_scenario_free(s);
    return code;
}
