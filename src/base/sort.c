/* SPDX-License-Identifier: MIT */
/*
 * Sorting by a list of keys (sort.h): a bottom-up merge sort over runs
 * first put in order by insertion (Knuth, TAOCP vol. 3, 5.2.4), through a
 * scratch copy of the records. Records are moved with memcpy, so any
 * record type sorts.
 */
#include "base/sort.h"

#include <stdlib.h>
#include <string.h>

#include "base/cmp.h"

static int64_t key_value(const void *rec, const dd__key *k)
{
    const char *p = (const char *)rec + k->offset;
    switch (k->type) {
    case DD__KEY_I32: {
        int32_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case DD__KEY_U32: {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case DD__KEY_I64: {
        int64_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case DD__KEY_STR:
    case DD__KEY_NONE:
        break;
    }
    return 0;
}

int dd__key_cmp(const void *a, const void *b, const dd__key *keys)
{
    for (const dd__key *k = keys; k->type != DD__KEY_NONE; k++) {
        int64_t x = key_value(a, k), y = key_value(b, k);
        if (k->type == DD__KEY_STR) {
            const char *s, *t;
            memcpy(&s, (const char *)a + k->offset, sizeof s);
            memcpy(&t, (const char *)b + k->offset, sizeof t);
            x = strcmp(s, t);
            y = 0;
        }
        int c = k->order == DD__NEG_FIRST ? DD__CMP(y < 0, x < 0)
                : k->order == DD__DESC    ? DD__CMP(y, x)
                                          : DD__CMP(x, y);
        if (c)
            return c;
    }
    return 0;
}

static void swap(char *a, char *b, size_t size)
{
    char t[64];
    while (size) {
        size_t m = size < sizeof t ? size : sizeof t;
        memcpy(t, a, m);
        memcpy(a, b, m);
        memcpy(b, t, m);
        a += m;
        b += m;
        size -= m;
    }
}

/* Records [lo, hi) of v in order by insertion (stable). */
static void insertion(char *v, size_t lo, size_t hi, size_t size, const dd__key *keys)
{
    for (size_t i = lo + 1; i < hi; i++)
        for (size_t j = i; j > lo && dd__key_cmp(v + (j - 1) * size, v + j * size, keys) > 0;
             j--)
            swap(v + (j - 1) * size, v + j * size, size);
}

/* Merge the runs src[lo, mid) and src[mid, hi) into dst[lo, hi). */
static void merge(const char *src, char *dst, size_t lo, size_t mid, size_t hi, size_t size,
                  const dd__key *keys)
{
    size_t i = lo, j = mid, o = lo;
    while (i < mid && j < hi) {
        /* the left run first among equals: stable */
        size_t from = dd__key_cmp(src + j * size, src + i * size, keys) < 0 ? j++ : i++;
        memcpy(dst + o++ * size, src + from * size, size);
    }
    memcpy(dst + o * size, src + i * size, (mid - i) * size);
    o += mid - i;
    memcpy(dst + o * size, src + j * size, (hi - j) * size);
}

enum { RUN = 8 };

bool dd__sort(void *v, size_t n, size_t size, const dd__key *keys)
{
    char *a = v;
    char *tmp = n > RUN ? malloc(n * size) : NULL;
    if (n > RUN && !tmp)
        return false;
    for (size_t lo = 0; lo < n; lo += RUN)
        insertion(a, lo, lo + RUN < n ? lo + RUN : n, size, keys);
    char *src = a, *dst = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            merge(src, dst, lo, mid, hi, size, keys);
        }
        char *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * size);
    free(tmp);
    return true;
}
