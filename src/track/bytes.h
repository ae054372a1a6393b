/* SPDX-License-Identifier: MIT */
/*
 * Private to src/track: the varints and the checked reader that the plan
 * image (image.c) and the scenario image (scenimg.c) share. Integers are
 * zigzag LEB128 varints: most are small (indices, counts), so an image is
 * a third of fixed 8-byte fields. Inline: they run for every field of a
 * million rows.
 *
 * A reader trusts nothing: past the end, a number too long or out of
 * range, a count larger than the bytes left each fail it once, with the
 * place, in `why` ("the plan image is damaged (cut short at byte 12)"),
 * and every later read gives 0.
 */
#ifndef DD_TRACK_BYTES_H
#define DD_TRACK_BYTES_H

#include <stdio.h>
#include <string.h>

#include "track/track_int.h"

static inline void dd__buf_v(dd__buf *b, int64_t x)
{
    uint64_t z = ((uint64_t)x << 1) ^ (uint64_t)(x >> 63);
    unsigned char o[10];
    size_t n = 0;
    while (z >= 0x80) {
        o[n++] = (unsigned char)(z | 0x80);
        z >>= 7;
    }
    o[n++] = (unsigned char)z;
    dd__buf_put(b, o, n);
}

/* a double as its 8 bytes, big-endian */
static inline void dd__buf_f64(dd__buf *b, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    dd__buf_u64(b, u);
}

typedef struct dd__rd {
    const unsigned char *v;
    size_t n, at;
    bool bad;
    char *why;
    size_t why_size;
    const char *what;  /* "the plan image" */
    int64_t version;   /* of the image, as its reader read it */
    void *ctx;         /* the reader's own */
} dd__rd;

static inline void dd__rd_fail(dd__rd *r, const char *what)
{
    if (!r->bad)
        snprintf(r->why, r->why_size, "%s is damaged (%s at byte %zu)", r->what, what, r->at);
    r->bad = true;
}

static inline int64_t dd__rd_v(dd__rd *r)
{
    uint64_t z = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->bad || r->at >= r->n) {
            dd__rd_fail(r, "cut short");
            return 0;
        }
        unsigned char c = r->v[r->at++];
        z |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    }
    dd__rd_fail(r, "a number too long");
    return 0;
}

/* 8 bytes, big-endian */
static inline uint64_t dd__rd_u64(dd__rd *r)
{
    if (r->bad || r->n - r->at < 8) {
        dd__rd_fail(r, "cut short");
        return 0;
    }
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | r->v[r->at + (size_t)i];
    r->at += 8;
    return u;
}

static inline double dd__rd_f64(dd__rd *r)
{
    uint64_t u = dd__rd_u64(r);
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* an index in [lo, hi) */
static inline int32_t dd__rd_idx(dd__rd *r, int64_t lo, int64_t hi, const char *what)
{
    int64_t x = dd__rd_v(r);
    if (x < lo || x >= hi) {
        dd__rd_fail(r, what);
        return (int32_t)lo;
    }
    return (int32_t)x;
}

static inline int32_t dd__rd_i32(dd__rd *r)
{
    int64_t x = dd__rd_v(r);
    if (x < INT32_MIN || x > INT32_MAX) {
        dd__rd_fail(r, "a number out of range");
        return 0;
    }
    return (int32_t)x;
}

/* a count of items of at least `each` bytes */
static inline size_t dd__rd_count(dd__rd *r, size_t each)
{
    int64_t x = dd__rd_v(r);
    if (x < 0 || (uint64_t)x > (r->n - r->at) / each) {
        dd__rd_fail(r, "a count larger than the image");
        return 0;
    }
    return (size_t)x;
}

/* the bytes of `tag`, where they must be */
static inline bool dd__rd_tag(dd__rd *r, const char *tag)
{
    size_t n = strlen(tag);
    if (r->bad || r->n - r->at < n || memcmp(r->v + r->at, tag, n)) {
        dd__rd_fail(r, "a missing mark");
        return false;
    }
    r->at += n;
    return true;
}

/*
 * Sections (the images' version 5): the parts a reader for events does
 * not keep (the cargo rows, the loads, each item's readiness) are written
 * as their length in bytes then their bytes, and a table at the image's
 * head, right after its tag and version, gives each section's place (a
 * dd__span: the offset and length of its bytes, 8 bytes each, big-endian). A reader
 * steps over a section; the log's reader, knowing the places from the
 * head, digests those bytes without keeping them in memory.
 */
/* Reserve a table of k places at the end of b; returns where it is. */
static inline size_t dd__buf_toc(dd__buf *b, int k)
{
    size_t at = b->n;
    for (int i = 0; i < 2 * k; i++)
        dd__buf_u64(b, 0);
    return at;
}

static inline void dd__put_u64_at(unsigned char *p, uint64_t x)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(x >> (56 - 8 * i));
}

/* Append `sec` (then freed) to b as a section, its place entry i of the
 * table at `toc`. */
static inline void dd__buf_section(dd__buf *b, dd__buf *sec, size_t toc, int i)
{
    if (sec->oom)
        b->oom = true;
    dd__buf_v(b, (int64_t)sec->n);
    size_t at = b->n;
    dd__buf_put(b, sec->v, sec->n);
    if (!b->oom) {
        dd__put_u64_at(b->v + toc + 16 * (size_t)i, at);
        dd__put_u64_at(b->v + toc + 16 * (size_t)i + 8, sec->n);
    }
    dd__buf_fini(sec);
}

/* The table of k places. */
static inline void dd__rd_toc(dd__rd *r, int k, dd__span *out)
{
    for (int i = 0; i < k; i++) {
        out[i].at = dd__rd_u64(r);
        out[i].n = dd__rd_u64(r);
    }
}

/* A section's length, checked against the bytes left. */
static inline size_t dd__rd_section(dd__rd *r)
{
    return dd__rd_count(r, 1);
}

/* The section of `len` bytes from `from`, read or stepped over, is where
 * the table says (sp; NULL: an image without a table). */
static inline void dd__rd_section_end(dd__rd *r, size_t from, size_t len, const dd__span *sp)
{
    if (!r->bad && r->at - from != len)
        dd__rd_fail(r, "a section of another length");
    if (!r->bad && sp && (sp->at != from || sp->n != len))
        dd__rd_fail(r, "a section not where the image says");
}

#endif
