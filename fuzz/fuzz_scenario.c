/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a scenario text (YAML, or JSON when it starts with '{'),
 * its inventories read from tests/data/mini. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *name = size && data[0] == '{' ? "fuzz.json" : "fuzz.yaml";
    fuzz_load(name, (const char *)data, size, DD_FUZZ_DATA "/mini");
    return 0;
}
