/* SPDX-License-Identifier: MIT */
/*
 * Sorting records by a declared list of keys: one multi-key comparator
 * instead of a qsort comparator per record type. A key names a whole-number
 * or string member by its offset and type (DD__KEY finds both) and an order; the
 * list ends with DD__KEY_END. The verifier's event sweeps and the load
 * builder's orderings read as their key lists:
 *
 *     static const dd__key by_site_day[] = {DD__KEY(creq, site), DD__KEY(creq, day),
 *                                           DD__KEY(creq, sortie), DD__KEY_END};
 *     dd__sort(q, n, sizeof *q, by_site_day);
 *
 * A stable merge sort: records that compare equal keep their order (as
 * glibc's qsort keeps them, so orders are those of the comparators it
 * replaces, and no longer depend on the C library). Thread-safe on
 * distinct arrays.
 */
#ifndef DD_BASE_SORT_H
#define DD_BASE_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum dd__key_type {
    DD__KEY_NONE, /* the end of a list */
    DD__KEY_I32,  /* int (int32_t) */
    DD__KEY_U32,  /* unsigned (uint32_t) */
    DD__KEY_I64,  /* long, long long (int64_t, dd_time) */
    DD__KEY_STR,  /* a string (const char *), by strcmp */
} dd__key_type;

typedef enum dd__key_order {
    DD__ASC,       /* smallest first */
    DD__DESC,      /* largest first */
    DD__NEG_FIRST, /* negative values before the others, else equal */
} dd__key_order;

typedef struct dd__key {
    size_t offset;
    dd__key_type type;
    dd__key_order order;
} dd__key;

/* The key type of a member, from its C type. */
#define DD__KEY_TYPE(m)                                                        \
    _Generic((m), int: DD__KEY_I32, unsigned: DD__KEY_U32, long: DD__KEY_I64, \
             long long: DD__KEY_I64, char *: DD__KEY_STR, const char *: DD__KEY_STR)
#define DD__KEY_BY(type, member, order)                                        \
    {offsetof(type, member), DD__KEY_TYPE(((type *)0)->member), order}
#define DD__KEY(type, member) DD__KEY_BY(type, member, DD__ASC)
#define DD__KEY_END {0, DD__KEY_NONE, DD__ASC}

/* -1, 0 or 1 as record a sorts before, with or after record b. */
int dd__key_cmp(const void *a, const void *b, const dd__key *keys);

/* Sort n records of `size` bytes at v by `keys`: false when out of memory
 * for the scratch copy (n records), v then unchanged. */
__attribute__((warn_unused_result)) bool dd__sort(void *v, size_t n, size_t size,
                                                  const dd__key *keys);

#endif
