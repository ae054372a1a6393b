/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the events CSV of tracking (events.h), read against
 * the verifier tests' scenario. */
#include <drawdown/events.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    if (dd_events_parse(fuzz_plan_scenario(), "events.csv", (const char *)data, size, &d,
                        &e) == DD_OK)
        dd_events_free(e);
    dd_diags_fini(&d);
    return 0;
}
