/* SPDX-License-Identifier: MIT */
/* `drawdown loads SCENARIO [--site ID] [--aircraft TYPE] [--json] [--csv]` */
#include <drawdown/loads.h>
#include <drawdown/scenario.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt.h"

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

typedef struct loads_args {
    const char *site, *aircraft;
    bool json, csv, cargo_only;
    int units;
    uint64_t seed, iterations;
} loads_args;

static const dd_opt loads_opts[] = {
    DD_STR(loads_args, "--site", site),
    DD_STR(loads_args, "--aircraft", aircraft),
    DD_FLAG(loads_args, "--cargo-only", cargo_only),
    DD_OPT_JSON(loads_args),
    DD_FLAG(loads_args, "--csv", csv),
    DD_OPT_UNITS(loads_args),
    DD_OPT_SEED(loads_args),
    DD_NUM(loads_args, "--iterations", DD_OPT_UINT, iterations, 0, 1e12),
};

static const dd_cli_spec loads_spec = DD_CLI_ONE_SCENARIO("loads", loads_usage, loads_opts);

int dd__cmd_loads(int argc, char **argv)
{
    dd_loads_options opt;
    dd_loads_options_init(&opt);
    loads_args v = {.units = -1, .seed = opt.seed, .iterations = opt.max_iterations};
    dd_cli_args a;
    int code = dd__cli_parse(&loads_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    if (v.json && v.csv) {
        fprintf(stderr, "drawdown loads: --json or --csv, not both\n%s", loads_usage);
        return DD_EXIT_INPUT;
    }
    const char *path = a.v[0], *site = v.site, *aircraft = v.aircraft;
    const bool json = v.json, csv = v.csv;
    opt.people = !v.cargo_only;
    opt.seed = v.seed;
    opt.max_iterations = v.iterations;
    dd_scenario *s = NULL;
    code = dd__cli_load_scenario("loads", path, 0, dd__cli_units_of(v.units), DD_CLI_ERRORS, &s);
    if (code >= 0)
        return code;
    code = DD_EXIT_OK;
    if (site && (opt.site = dd_scenario_site_index(s, site)) < 0) {
        fprintf(stderr, "drawdown loads: no site '%s' in %s\n", site, path);
        code = DD_EXIT_INPUT;
    }
    if (aircraft && (opt.aircraft = dd_scenario_aircraft_index(s, aircraft)) < 0) {
        fprintf(stderr, "drawdown loads: no aircraft type '%s' in %s\n", aircraft, path);
        code = DD_EXIT_INPUT;
    }
    if (code == DD_EXIT_OK) {
        dd_loadplan *p = NULL;
        dd_status st = dd_loads_build(s, &opt, &p);
        if (st == DD_OK)
            st = json ? dd_loads_write_json(p, stdout)
                 : csv ? dd_loads_write_csv(p, stdout)
                       : dd_loads_write_text(p, stdout);
        if (st != DD_OK)
            code = dd__cli_status_error("loads", st);
        dd_loads_free(p);
    }
    dd_scenario_free(s);
    return code;
}
