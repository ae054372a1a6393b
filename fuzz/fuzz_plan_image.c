/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the plan image the event log stores (src/track/image.c),
 * read against the verifier tests' scenario: a damaged image is an error,
 * never a crash or a leak. The seed is the image of that scenario's plan. */
#include "fuzz_common.h"
#include "track/track_int.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    dd_plan *p = NULL;
    dd__image_loads *l = NULL;
    char why[200];
    if (dd__image_read(fuzz_plan_scenario(), data, size, &p, &l, why, sizeof why) == DD_OK) {
        /* what status reads of a plan */
        dd__buf b = {0};
        dd__image_write(p, &b);
        dd__buf_fini(&b);
        dd_plan_free(p);
        dd__image_loads_free(l);
    }
    return 0;
}
