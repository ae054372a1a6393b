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

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    dd_verify_report *r = NULL;
    (void)dd_verify_plan(fuzz_plan_scenario(), "plan.json", (const char *)data, size, &r);
    dd_verify_report_free(r);
    return 0;
}
