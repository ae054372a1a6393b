/* SPDX-License-Identifier: MIT */
/* drawdown: the command-line shell (placeholder while the model lands). */
#include <drawdown/base.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "drawdown: %s\n", dd_status_str(DD_OK));
    return 0;
}
