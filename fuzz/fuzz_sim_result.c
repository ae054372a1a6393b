/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the report's reader of simulation results
 * (dd_brief_use_sim, `drawdown report --sim`). The input is written to a
 * file in the target's temporary folder and read into a brief of a fixed
 * plan (tests/data/report/small-plan.json, read once per process).
 */
#include <drawdown/report.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char path[128];
    fuzz_write("sim.json", data, size, path, sizeof path);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_brief *b = NULL;
    if (dd_brief_load(DD_FUZZ_DATA "/report/small-plan.json", &d, &b) != DD_OK)
        abort();
    (void)dd_brief_use_sim(b, path, &d);
    dd_brief_free(b);
    dd_diags_fini(&d);
    return 0;
}
