/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the body of POST /api/v1/events (drawdown serve), made
 * into events CSV (src/serve/body.c) and read against the verifier tests'
 * scenario, as the server does. */
#include <stdlib.h>

#include "fuzz_common.h"
#include "serve/body.h"
#include <drawdown/events.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char err[300], *csv = NULL;
    size_t n = 0;
    if (dd__body_events_csv((const char *)data, size, &csv, &n, err, sizeof err) != DD_OK)
        return 0;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    if (dd_events_parse(fuzz_plan_scenario(), "serve/user-1", csv, n, &d, &e) == DD_OK)
        dd_events_free(e);
    dd_diags_fini(&d);
    free(csv);
    return 0;
}
