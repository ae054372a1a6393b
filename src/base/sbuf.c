/* SPDX-License-Identifier: MIT */
/* A growing byte string; see sbuf.h. */
#include "base/sbuf.h"

#include <stdint.h>
#include <string.h>

#include "base/arena.h"

bool dd__sbuf_reserve(dd__sbuf *b, size_t more)
{
    if (more >= SIZE_MAX - b->n)
        return false;
    char *p = dd__grow(b->p, &b->cap, b->n + more, 256, 1);
    if (!p)
        return false;
    b->p = p;
    return true;
}

bool dd__sbuf_add(dd__sbuf *b, const char *s, size_t len)
{
    if (!dd__sbuf_reserve(b, len))
        return false;
    if (len)
        memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
    return true;
}
