/* SPDX-License-Identifier: MIT */
/* `drawdown loads SCENARIO [--site ID] [--aircraft TYPE] [--json] [--csv]` */
#include <drawdown/loads.h>
#include <drawdown/scenario.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char loads_usage[] =
    "usage: drawdown loads [options] SCENARIO\n"
    "\n"
    "Build 463L pallets from loose cargo and pack pallets, bulky items and\n"
    "people into aircraft loads, as few as the packing engine finds, with a\n"
    "lower bound on the number of loads for each site.\n"
    "\n"
    "  --site ID          only this site\n"
    "  --aircraft TYPE    only this aircraft type (default: per item, the type\n"
    "                     with the largest cabin load that takes it)\n"
    "  --cargo-only       leave people out\n"
    "  --json             print the loads as JSON (docs/loads-json.md)\n"
    "  --csv              print one CSV row per item on each load\n"
    "  --units U          metric (kg, m) or us (lb, in): the units printed\n"
    "                     (default: the scenario's units:)\n"
    "  --seed K           search seed (default 1)\n"
    "  --iterations N     local-search moves per site and type (default 200000)\n"
    "  -h, --help         show this help\n";

int dd__cmd_loads(int argc, char **argv)
{
    const char *path = NULL, *site = NULL, *aircraft = NULL;
    int json = 0, csv = 0, units = DD_UNITS_SCENARIO;
    dd_loads_options opt;
    dd_loads_options_init(&opt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(loads_usage, stdout);
            return DD_EXIT_OK;
        } else if (!strcmp(a, "--units")) {
            if ((units = dd__cli_units("loads", i + 1 < argc ? argv[++i] : NULL)) < 0)
                return DD_EXIT_INPUT;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--csv")) {
            csv = 1;
        } else if (!strcmp(a, "--cargo-only")) {
            opt.people = false;
        } else if ((!strcmp(a, "--site") || !strcmp(a, "--aircraft") || !strcmp(a, "--seed") ||
                    !strcmp(a, "--iterations")) &&
                   i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--site")) {
                site = v;
            } else if (!strcmp(a, "--aircraft")) {
                aircraft = v;
            } else {
                char *end;
                unsigned long long n = strtoull(v, &end, 10);
                if (*end || !*v) {
                    fprintf(stderr, "drawdown loads: %s needs a number\n", a);
                    return DD_EXIT_INPUT;
                }
                if (!strcmp(a, "--seed"))
                    opt.seed = n;
                else
                    opt.max_iterations = n;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "drawdown loads: unknown option '%s'\n%s", a, loads_usage);
            return DD_EXIT_INPUT;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "drawdown loads: one scenario at a time\n");
            return DD_EXIT_INPUT;
        }
    }
    if (!path || (json && csv)) {
        fprintf(stderr, "drawdown loads: %s\n%s",
                !path ? "which scenario?" : "--json or --csv, not both", loads_usage);
        return DD_EXIT_INPUT;
    }
    dd_diags diags;
    dd_diags_init(&diags, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &diags, &s);
    dd__cli_print_diags(stderr, &diags);
    dd_diags_fini(&diags);
    if (st != DD_OK)
        return dd__cli_exit_for(st);
    dd_scenario_set_units(s, (dd_units)units);
    int code = DD_EXIT_OK;
    if (site) {
        for (size_t i = 0; i < s->n_sites; i++)
            if (!strcmp(s->sites[i].id, site))
                opt.site = (int32_t)i;
        if (opt.site < 0) {
            fprintf(stderr, "drawdown loads: no site '%s' in %s\n", site, path);
            code = DD_EXIT_INPUT;
        }
    }
    if (aircraft) {
        for (size_t i = 0; i < s->n_aircraft; i++)
            if (!strcmp(s->aircraft[i].id, aircraft))
                opt.aircraft = (int32_t)i;
        if (opt.aircraft < 0) {
            fprintf(stderr, "drawdown loads: no aircraft type '%s' in %s\n", aircraft, path);
            code = DD_EXIT_INPUT;
        }
    }
    if (code == DD_EXIT_OK) {
        dd_loadplan *p = NULL;
        st = dd_loads_build(s, &opt, &p);
        if (st == DD_OK)
            st = json ? dd_loads_write_json(p, stdout)
                 : csv ? dd_loads_write_csv(p, stdout)
                       : dd_loads_write_text(p, stdout);
        if (st != DD_OK) {
            fprintf(stderr, "drawdown loads: %s\n", dd_status_str(st));
            code = DD_EXIT_FAIL;
        }
        dd_loads_free(p);
    }
    dd_scenario_free(s);
    return code;
}
