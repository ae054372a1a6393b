/* SPDX-License-Identifier: MIT */
/* The scenario every command starts from, loaded and its problems printed
 * the one way. */
#include <drawdown/scenario.h>
#include <stdio.h>

#include "cli/cli.h"

int dd__cli_load_scenario(const char *cmd, const char *path, size_t max_errors, int units,
                          int print, dd_scenario **out)
{
    *out = NULL;
    dd_diags diags;
    dd_diags_init(&diags, max_errors ? max_errors : DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_scenario_load(path, &diags, out);
    if (print == DD_CLI_ALL) {
        dd__cli_print_diags(stderr, &diags);
    } else if (print == DD_CLI_ERRORS) {
        dd__cli_print_diags_upto(stderr, &diags, DD_SEV_ERROR);
        size_t w = 0, n = 0;
        for (size_t i = 0; i < diags.n_items; i++) {
            w += diags.items[i].severity == DD_SEV_WARNING;
            n += diags.items[i].severity == DD_SEV_NOTE;
        }
        char what[64];
        if (w && n)
            snprintf(what, sizeof what, "%zu warning%s and %zu note%s", w, w == 1 ? "" : "s", n,
                     n == 1 ? "" : "s");
        else
            snprintf(what, sizeof what, "%zu %s%s", w + n, w ? "warning" : "note",
                     w + n == 1 ? "" : "s");
        if (w + n)
            fprintf(stderr, "%s: %s about the scenario (drawdown check %s)\n", path, what,
                    w + n == 1 ? "says it" : "lists them");
    }
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
