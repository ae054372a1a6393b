/* SPDX-License-Identifier: MIT */
/* The scenario every command starts from, loaded and its problems printed
 * the one way. */
#include <drawdown/scenario.h>
#include <stdio.h>

#include "cli/cli.h"

int dd__cli_load_scenario(const char *cmd, const char *path, size_t max_errors, int units,
                          bool print, dd_scenario **out)
{
    *out = NULL;
    dd_diags diags;
    dd_diags_init(&diags, max_errors ? max_errors : DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_scenario_load(path, &diags, out);
    if (print)
        dd__cli_print_diags(stderr, &diags);
    dd_diags_fini(&diags);
    if (st != DD_OK) {
        /* bad input and unreadable files were located above; anything
         * else is said here */
        if (print && st != DD_EINPUT && st != DD_EIO)
            fprintf(stderr, "drawdown %s: %s\n", cmd, dd_status_str(st));
        return dd__cli_exit_for(st);
    }
    dd_scenario_set_units(*out, (dd_units)units);
    return -1;
}

int dd__cli_units_of(int choice)
{
    return choice == 0 ? DD_UNITS_METRIC : choice == 1 ? DD_UNITS_US : DD_UNITS_SCENARIO;
}
