/* SPDX-License-Identifier: MIT */
/* Bump allocator; see arena.h. */
#include "base/arena.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct dd_arena_block {
    dd_arena_block *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

void dd__arena_init(dd_arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
    a->total = 0;
}

void dd__arena_fini(dd_arena *a)
{
    dd_arena_block *b = a->head;
    while (b) {
        dd_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *dd__arena_alloc(dd_arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > SIZE_MAX - align)
        return NULL;
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    dd_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t bs = a->block_size;
        if (size > bs / 4) {
            /* large request: its own block, kept behind the current head */
            dd_arena_block *big = malloc(sizeof *big + size);
            if (!big)
                return NULL;
            big->size = size;
            big->used = size;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                big->next = NULL;
                a->head = big;
            }
            memset(big->data, 0, size);
            a->total += size;
            return big->data;
        }
        b = malloc(sizeof *b + bs);
        if (!b)
            return NULL;
        b->size = bs;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    a->total += size;
    memset(p, 0, size);
    return p;
}

void *dd__arena_array(dd_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return dd__arena_alloc(a, n * size);
}

char *dd__arena_strndup(dd_arena *a, const char *s, size_t n)
{
    char *p = dd__arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *dd__arena_strdup(dd_arena *a, const char *s)
{
    return dd__arena_strndup(a, s, strlen(s));
}

char *dd__arena_vprintf(dd_arena *a, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = n >= 0 ? dd__arena_alloc(a, (size_t)n + 1) : NULL;
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, again);
    va_end(again);
    return p;
}

void *dd__grow(void *v, size_t *cap, size_t n, size_t first, size_t size)
{
    if (n < *cap && v)
        return v;
    size_t c = *cap ? *cap : first ? first : 1;
    while (c <= n) {
        if (c > SIZE_MAX / 2)
            return NULL;
        c *= 2;
    }
    if (size && c > SIZE_MAX / size)
        return NULL;
    void *w = realloc(v, c * size);
    if (w)
        *cap = c;
    return w;
}
