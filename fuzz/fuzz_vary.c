/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the parameter ranges of `drawdown sweep --vary`
 * (dd_param_range_parse, src/model/override.c) against the verifier
 * tests' scenario; a range that parses is applied to a variant of the
 * scenario and its first and last values are formatted back. Any input is
 * an error or a range, never a crash, a leak or an overflow.
 */
#include <drawdown/override.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *arg = malloc(size + 1);
    if (!arg)
        return 0;
    memcpy(arg, data, size);
    arg[size] = 0;
    const dd_scenario *s = fuzz_plan_scenario();
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_param p;
    int64_t *v = NULL;
    size_t n = 0;
    if (dd_param_range_parse(s, arg, "--vary", 1, &d, &p, &v, &n) == DD_OK) {
        if (n < 1 || n > DD_PARAM_MAX_VALUES)
            abort();
        dd_scenario *x = NULL;
        if (dd_scenario_variant(s, &p, &v[n - 1], 1, &x) == DD_OK) {
            char buf[64];
            dd_param_format(x, &p, dd_param_get(x, &p), buf, sizeof buf);
            dd_param_format(s, &p, v[0], buf, sizeof buf);
            dd_scenario_variant_free(x);
        }
        free(v);
    }
    dd_diags_fini(&d);
    free(arg);
    return 0;
}
