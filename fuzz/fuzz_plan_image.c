/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the plan image the event log stores (src/track/image.c),
 * read against the verifier tests' scenario: a damaged image is an error,
 * never a crash or a leak, read whole and for events (DD_TRACK_FOR_EVENTS).
 * The seeds are the image of that scenario's plan, versions 4 and 5. */
#include "fuzz_common.h"
#include "track/track_int.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    dd_plan *p = NULL;
    dd__image_loads *l = NULL;
    char why[200];
    const dd_scenario *s = fuzz_plan_scenario();
    if (dd__image_read(s, data, size, true, true, s->n_cargo, &p, &l, why, sizeof why) == DD_OK) {
        /* what status reads of a plan */
        dd__buf b = {0};
        dd__image_write(p, &b);
        dd__buf_fini(&b);
        dd_plan_free(p);
        dd__image_loads_free(l);
    }
    /* what track add reads of it: the loads and readiness stepped over */
    if (dd__image_read(s, data, size, false, false, s->n_cargo, &p, &l, why, sizeof why) == DD_OK) {
        dd_plan_free(p);
        dd__image_loads_free(l);
    }
    return 0;
}
