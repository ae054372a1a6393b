/* SPDX-License-Identifier: MIT */
/* `drawdown report PLAN.json -o FILE [--chart NAME]`: briefing outputs. */
#include <drawdown/report.h>
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

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
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 written, 2 bad input (problems printed as FILE:LINE:COL)\n"
    "or the file cannot be written.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("drawdown report: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(report_usage, stderr);
    return DD_EXIT_INPUT;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
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

int dd__cmd_report(int argc, char **argv)
{
    const char *plan = NULL, *out = NULL, *scenario = NULL, *sim = NULL, *base = NULL;
    dd_report_options opt;
    dd_report_options_init(&opt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(report_usage, stdout);
            return DD_EXIT_OK;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--chart") || !strcmp(a, "--size") ||
                   !strcmp(a, "--sortie") || !strcmp(a, "--scenario") || !strcmp(a, "--sim") ||
                   !strcmp(a, "--baseline") || !strcmp(a, "--format") ||
                   !strcmp(a, "--units") || !strcmp(a, "--paper") || !strcmp(a, "--marking")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "-o")) {
                out = v;
            } else if (!strcmp(a, "--units")) {
                opt.units = dd_units_from_name(v);
                if (opt.units < 0)
                    return usage_error("--units wants metric or us, got '%s'", v);
            } else if (!strcmp(a, "--paper")) {
                if (!strcmp(v, "a4") || !strcmp(v, "A4"))
                    opt.paper = DD_PAPER_A4;
                else if (!strcmp(v, "letter"))
                    opt.paper = DD_PAPER_LETTER;
                else
                    return usage_error("--paper wants a4 or letter, got '%s'", v);
            } else if (!strcmp(a, "--marking")) {
                if (strlen(v) > 120)
                    return usage_error("--marking is at most 120 characters%s", "");
                opt.marking = v;
            } else if (!strcmp(a, "--format")) {
                opt.format = v;
            } else if (!strcmp(a, "--scenario")) {
                scenario = v;
            } else if (!strcmp(a, "--sim")) {
                sim = v;
            } else if (!strcmp(a, "--baseline")) {
                base = v;
            } else if (!strcmp(a, "--chart")) {
                opt.chart = dd_chart_from_name(v);
                if (opt.chart < 0)
                    return usage_error("unknown chart '%s' (burndown, gantt, ramp, calendar, "
                                       "security, loads, risk)",
                                       v);
            } else if (!strcmp(a, "--size")) {
                const char *x = strchr(v, 'x');
                long w, h;
                char wbuf[16];
                size_t n = x ? (size_t)(x - v) : 0;
                if (!x || n == 0 || n >= sizeof wbuf)
                    return usage_error("--size wants WxH, e.g. 1400x800 (got '%s')", v);
                memcpy(wbuf, v, n);
                wbuf[n] = '\0';
                if (!parse_int(wbuf, 200, 10000, &w) || !parse_int(x + 1, 150, 10000, &h))
                    return usage_error("--size wants WxH between 200x150 and 10000x10000 "
                                       "(got '%s')",
                                       v);
                opt.width_px = (int)w;
                opt.height_px = (int)h;
            } else {
                long n;
                if (!parse_int(v, 1, 100000000, &n))
                    return usage_error("--sortie wants a sortie id (got '%s')", v);
                opt.first_sortie = (int)n;
            }
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!plan) {
            plan = a;
        } else {
            return usage_error("one plan file (got '%s' too)", a);
        }
    }
    if (!plan)
        return usage_error("which plan file?%s", "");
    if (!out)
        return usage_error("-o FILE is required (-o - with --format for standard output)%s",
                           "");
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
        fprintf(stderr, "drawdown report: %s\n", dd_status_str(st));
    return dd__cli_exit_for(st);
}
