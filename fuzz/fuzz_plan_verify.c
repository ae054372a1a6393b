/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the verifier's plan-file reader and checks
 * (dd_verify_plan) on arbitrary plan text, against the verifier tests'
 * scenario (tests/data/verify/s.yaml, loaded once per process).
 */
#include <drawdown/verify.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static dd_scenario *scenario(void)
{
    static dd_scenario *s;
    if (!s) {
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        if (dd_scenario_load(DD_FUZZ_DATA "/verify/s.yaml", &d, &s) != DD_OK)
            abort();
        dd_diags_fini(&d);
    }
    return s;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    dd_verify_report *r = NULL;
    (void)dd_verify_plan(scenario(), "plan.json", (const char *)data, size, &r);
    dd_verify_report_free(r);
    return 0;
}
