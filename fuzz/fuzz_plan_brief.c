/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the report's plan-file reader (dd_brief_parse) on
 * arbitrary plan text; a brief that loads is enriched with the verifier
 * tests' scenario, as `drawdown report --scenario` does.
 */
#include <drawdown/report.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_brief *b = NULL;
    if (dd_brief_parse("plan.json", (const char *)data, size, &d, &b) == DD_OK)
        (void)dd_brief_use_scenario(b, fuzz_plan_scenario());
    dd_brief_free(b);
    dd_diags_fini(&d);
    return 0;
}
