/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the cargo inventory of the mini scenario. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    fuzz_inventory("cargo", data, size);
    return 0;
}
