/* SPDX-License-Identifier: MIT */
/*
 * For the CLI tests: human output fits an 80-column terminal. Counts
 * characters, not bytes (UTF-8 continuation bytes are skipped). Include
 * after cmocka.h.
 */
#ifndef DD_TEST_TEXT_WIDTH_H
#define DD_TEST_TEXT_WIDTH_H

#include <stddef.h>

static inline void assert_within_80_columns(const char *text)
{
    size_t col = 0, line = 1;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '\n') {
            line++;
            col = 0;
        } else if ((*c & 0xC0) != 0x80 && ++col > 80) {
            print_message("line %zu is wider than 80 columns\n", line);
            fail();
        }
    }
}

#endif
