/* SPDX-License-Identifier: MIT */
/* `drawdown report PLAN.json -o FILE [--chart NAME]`: briefing outputs. */
#include <drawdown/report.h>
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"

static const char report_usage[] =
    "usage: drawdown report [options] PLAN.json -o FILE\n"
    "\n"
    "Turn a plan file (docs/plan-format.md) into briefing outputs; the\n"
    "extension of FILE picks the format (docs/report.md):\n"
    "  .pdf    a briefing: verdict and burndown, clearance calendar, sortie\n"
    "          Gantt, ramp and clearance use, security, the sortie table, load\n"
    "          diagrams (with --chart: that chart alone)\n"
    "  .png    one chart (--chart; the burndown by default)\n"
    "  .svg    one chart, as vector graphics\n"
    "  .xlsx   a workbook: sorties, manifests, clearances, people, tasks,\n"
    "          per-site daily figures\n"
    "  .html   one self-contained page: charts and sortable tables\n"
    "\n"
    "  -o FILE          the output file; -o - writes to standard output (with\n"
    "                   --format)\n"
    "  --format F       pdf, png, svg, xlsx or html, whatever FILE's extension\n"
    "  --chart NAME     burndown, gantt, ramp, calendar, security, loads, risk\n"
    "  --size WxH       PNG/SVG size in pixels (default 1400x800)\n"
    "  --sortie N       loads chart: first sortie shown (default 1)\n"
    "  --sim FILE       a simulation result (drawdown simulate -o): P(deadline) on\n"
    "                   the verdict, the risk chart (--chart risk)\n"
    "  --baseline FILE  the plan as first approved (a plan file): drawn grey\n"
    "                   under the burndown of PLAN, e.g. a new plan from\n"
    "                   drawdown status -o\n"
    "  --scenario FILE  the plan's scenario (default: the one the plan file names,\n"
    "                   when it can be read): the verifier's check, clearance caps\n"
    "                   and MOG, units, marking, paper and tail numbers\n"
    "  --units U        metric (kg, m) or us (lb, in) (default: the scenario's)\n"
    "  --paper P        a4 or letter, landscape (default: the scenario's\n"
    "                   briefing.paper, else a4)\n"
    "  --marking TEXT   the classification marking at the top and bottom of every\n"
    "                   page (default: the scenario's briefing.marking)\n"
    "  --as-of TIME     the time the briefing is as of, in UTC, e.g.\n"
    "                   2024-06-01T12:00Z (default: the plan file's modification\n"
    "                   time); shown as a date-time group, 011200ZJUN24\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 written, 2 bad input (problems printed as FILE:LINE:COL)\n"
    "or the file cannot be written.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("drawdown report: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    return DD_EXIT_INPUT;
}


/* "WxH" within 200x150 and 10000x10000 */
static bool parse_size(const char *v, int *w, int *h)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end != 'x' || x < 200 || x > 10000 || v[0] == '-' || v[0] == '+')
        return false;
    const char *hs = end + 1;
    long y = strtol(hs, &end, 10);
    if (end == hs || *end || y < 150 || y > 10000 || hs[0] == '-' || hs[0] == '+')
        return false;
    *w = (int)x;
    *h = (int)y;
    return true;
}

/* Check the plan file with the independent verifier, and tell the brief. */
static dd_status verify_brief(dd_brief *b, const dd_scenario *s, const char *plan)
{
    char *text = NULL;
    size_t len = 0;
    const char *why = NULL;
    dd_status st = dd_read_file_malloc(plan, DD_READ_MAX, &text, &len, &why);
    if (st == DD_ENOMEM)
        return st;
    if (st != DD_OK)
        return DD_OK; /* unreadable now: the brief stays unverified */
    dd_verify_report *r = NULL;
    st = dd_verify_plan(s, plan, text, len, &r);
    free(text);
    if (st == DD_ENOMEM) {
        dd_verify_report_free(r);
        return st;
    }
    if (st == DD_OK) {
        /* the plan file's own verdict, as the brief read it */
        bool says_met = dd_brief_deadline_met(b);
        if (r->n_violations == 0 || !says_met)
            dd_brief_set_verified(b, DD_BRIEF_VERIFIED, 0);
        else
            dd_brief_set_verified(b, DD_BRIEF_DISAGREES, r->n_violations);
    } else {
        dd_brief_set_verified(b, DD_BRIEF_DISAGREES, 0);
    }
    dd_verify_report_free(r);
    return DD_OK;
}

typedef struct report_args {
    const char *out, *format, *chart, *size, *scenario, *sim, *baseline, *paper, *marking,
        *as_of;
    int units;
    uint64_t sortie;
} report_args;

static const dd_opt report_opts[] = {
    DD_OPT_OUT(report_args),
    DD_STR(report_args, "--format", format),
    DD_STR(report_args, "--chart", chart),
    DD_STR(report_args, "--size", size),
    DD_NUM(report_args, "--sortie", DD_OPT_UINT, sortie, 1, 1e8),
    DD_STR(report_args, "--sim", sim),
    DD_STR(report_args, "--baseline", baseline),
    DD_STR(report_args, "--scenario", scenario),
    DD_OPT_UNITS(report_args),
    DD_STR(report_args, "--paper", paper),
    DD_STR(report_args, "--marking", marking),
    DD_STR(report_args, "--as-of", as_of),
};

static const dd_cli_spec report_spec =
    DD_CLI_SPEC("report", report_usage, report_opts, 1, 1, "which plan file?", "one plan file");

int dd__cmd_report(int argc, char **argv)
{
    dd_report_options opt;
    dd_report_options_init(&opt);
    report_args v = {.units = -1};
    dd_cli_args a;
    int code = dd__cli_parse(&report_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    const char *plan = a.v[0], *out = v.out, *scenario = v.scenario, *sim = v.sim,
               *base = v.baseline;
    if (!out)
        return usage_error("-o FILE is required (-o - with --format for standard output)%s",
                           "");
    if (v.units >= 0)
        opt.units = dd__cli_units_of(v.units);
    if (v.paper && (!strcmp(v.paper, "a4") || !strcmp(v.paper, "A4")))
        opt.paper = DD_PAPER_A4;
    else if (v.paper && !strcmp(v.paper, "letter"))
        opt.paper = DD_PAPER_LETTER;
    else if (v.paper)
        return usage_error("--paper wants a4 or letter, got '%s'", v.paper);
    if (v.marking && strlen(v.marking) > 120)
        return usage_error("--marking is at most 120 characters%s", "");
    opt.marking = v.marking;
    if (v.as_of && (!dd_parse_utc_minute(v.as_of, &opt.as_of) || opt.as_of == 0))
        return usage_error("--as-of wants a time in UTC such as 2024-06-01T12:00Z, got '%s'",
                           v.as_of);
    opt.format = v.format;
    if (v.chart && (opt.chart = dd_chart_from_name(v.chart)) < 0)
        return usage_error("--chart wants burndown, gantt, ramp, calendar, security, loads or "
                           "risk, got '%s'",
                           v.chart);
    if (v.size && !parse_size(v.size, &opt.width_px, &opt.height_px))
        return usage_error("--size wants WxH between 200x150 and 10000x10000, got '%s'",
                           v.size);
    if (v.sortie)
        opt.first_sortie = (int)v.sortie;
    /* the output never replaces what the report reads */
    dd_cli_inputs in = {0};
    dd__cli_input(&in, plan);
    dd__cli_input(&in, sim);
    dd__cli_input(&in, base);
    dd__cli_input(&in, scenario);
    opt.inputs = in.paths;
    opt.n_inputs = in.n;
    if (dd__cli_output_check(out, &in) != DD_OK)
        return DD_EXIT_INPUT;
    dd_diags diags;
    dd_diags_init(&diags, DD_DIAGS_DEFAULT_MAX);
    dd_brief *b = NULL;
    dd_scenario *s = NULL;
    dd_status st = DD_OK;
    if (scenario)
        st = dd_scenario_load(scenario, &diags, &s);
    if (st == DD_OK)
        st = dd_brief_load(plan, &diags, &b);
    /* the verdict on the first page is a verified one: the plan is checked
     * against its scenario (--scenario, else the one the plan file names) */
    if (st == DD_OK && !s && strcmp(plan, "-") != 0) {
        dd_diags quiet;
        dd_diags_init(&quiet, 1);
        if (dd_scenario_load(dd_brief_scenario_path(b), &quiet, &s) != DD_OK)
            s = NULL;
        dd_diags_fini(&quiet);
    }
    if (st == DD_OK && s)
        st = verify_brief(b, s, plan);
    if (st == DD_OK && s)
        st = dd_brief_use_scenario(b, s);
    for (size_t i = 1; s && i < sizeof s->files / sizeof s->files[0]; i++)
        dd__cli_input(&in, s->files[i]);
    opt.n_inputs = in.n;
    if (st == DD_OK && sim)
        st = dd_brief_use_sim(b, sim, &diags);
    if (st == DD_OK && base)
        st = dd_brief_use_baseline(b, base, &diags);
    if (st == DD_OK)
        st = dd_report_write(b, out, &opt, &diags);
    dd_scenario_free(s); /* after the write: opt.inputs holds its file names */
    dd__cli_print_diags(stderr, &diags);
    dd_diags_fini(&diags);
    dd_brief_free(b);
    dd_report_global_cleanup();
    if (st == DD_ENOMEM)
        dd__cli_status_error("report", st);
    return dd__cli_exit_for(st);
}
