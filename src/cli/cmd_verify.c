/* SPDX-License-Identifier: MIT */
/* `drawdown verify SCENARIO PLAN.json` (being written: see src/verify/). */
#include <stdio.h>

#include "cli/cli.h"

int dd__cmd_verify(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "drawdown verify: not available in this build yet\n");
    return DD_EXIT_INPUT;
}
