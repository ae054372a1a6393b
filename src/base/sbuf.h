/* SPDX-License-Identifier: MIT */
/*
 * A growing byte string outside arenas (realloc'd): the reading shelf's
 * copies of CSV fields and workbook strings, the text a chart sends to its
 * SVG sink. Bytes p[0..n) are the string, and p[n] is a NUL whenever p is
 * not NULL. The owner frees p; {0} is an empty string. One thread at a
 * time.
 */
#ifndef DD_BASE_SBUF_H
#define DD_BASE_SBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dd__sbuf {
    char *p;
    size_t n, cap;
} dd__sbuf;

/* Room for `more` bytes after p[n] and a NUL after them, doubling from
 * 256 bytes; false, b unchanged, when out of memory. */
bool dd__sbuf_reserve(dd__sbuf *b, size_t more);

/* Append s[0..len) (s may be NULL when len is 0); false, b unchanged, when
 * out of memory. */
bool dd__sbuf_add(dd__sbuf *b, const char *s, size_t len);

#endif
