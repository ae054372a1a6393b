/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator: a loaded scenario, a plan, a worker's scratch live in
 * one arena and are freed at once. Nothing in an arena is freed alone.
 * Not thread-safe; one arena per owner.
 */
#ifndef DD_BASE_ARENA_H
#define DD_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct dd_arena_block dd_arena_block;

typedef struct dd_arena {
    dd_arena_block *head;
    size_t block_size;
    size_t total; /* bytes handed out, for statistics */
} dd_arena;

void dd__arena_init(dd_arena *a, size_t block_size);
void dd__arena_fini(dd_arena *a);
/* Zeroed memory aligned for any type, or NULL on OOM. */
void *dd__arena_alloc(dd_arena *a, size_t size);
/* Arrays, with overflow check. */
void *dd__arena_array(dd_arena *a, size_t n, size_t size);
char *dd__arena_strndup(dd_arena *a, const char *s, size_t n);
char *dd__arena_strdup(dd_arena *a, const char *s);
/* A formatted message in the arena, whole, or NULL when out of memory. */
char *dd__arena_vprintf(dd_arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Growing arrays outside arenas (realloc'd): room for element n of v,
 * whose capacity is *cap elements of `size` bytes, doubling from `first`.
 * Returns the array (moved or not), or NULL when out of memory, the array
 * and *cap then unchanged.
 */
void *dd__grow(void *v, size_t *cap, size_t n, size_t first, size_t size);

#endif
