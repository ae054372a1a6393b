/* SPDX-License-Identifier: MIT */
/* `drawdown plan SCENARIO` (being written: see src/plan/). */
#include <stdio.h>

#include "cli/cli.h"

int dd__cmd_plan(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "drawdown plan: not available in this build yet\n");
    return DD_EXIT_INPUT;
}
