/* SPDX-License-Identifier: MIT */
/* Private to src/track: the plan image (a dd_plan as bytes and back), the
 * canonical encoding that rows and headers are hashed over, and hex. */
#ifndef DD_TRACK_INT_H
#define DD_TRACK_INT_H

#include <drawdown/track.h>
#include <sodium.h>

/* A growable byte buffer. */
typedef struct dd__buf {
    unsigned char *v;
    size_t n, cap;
    bool oom;
} dd__buf;

void dd__buf_put(dd__buf *b, const void *p, size_t n);
void dd__buf_u64(dd__buf *b, uint64_t x); /* 8 bytes, big-endian */
void dd__buf_i64(dd__buf *b, int64_t x);
/* A length-prefixed string: 8 bytes of length, then the bytes. */
void dd__buf_str(dd__buf *b, const char *s);
void dd__buf_fini(dd__buf *b);

void dd__hex(const unsigned char *d, size_t n, char *hex);
/* false when `hex` is not exactly 2n hex digits */
bool dd__unhex(const char *hex, unsigned char *d, size_t n);

/*
 * The plan image: every field of a dd_plan and of its loads, so that the
 * plan is used again without planning (docs/track.md). Writing appends to
 * b. Reading checks every index against the scenario (DD_EINPUT with a
 * message in `why`); the plan it gives borrows its loads from *loads_out,
 * which the caller frees with dd__image_loads_free after dd_plan_free.
 * Without `whole`, the loads and each item's readiness are read and
 * checked but not kept (the plan's loads NULL, cargo_ready of s's
 * n_cargo), for a scenario read without its cargo rows: n_cargo is the
 * count the image must name (s->n_cargo when whole). With `loads` (and
 * not `whole`) the loads are kept, each item's readiness is not (for
 * the status, DD_TRACK_FOR_STATUS).
 */
#define DD__IMAGE_VERSION 7
void dd__image_write(const dd_plan *p, dd__buf *b);
typedef struct dd__image_loads dd__image_loads;
dd_status dd__image_read(const dd_scenario *s, const unsigned char *v, size_t n, bool whole,
                         bool loads, size_t n_cargo, dd_plan **plan_out,
                         dd__image_loads **loads_out, char *why, size_t why_size);
void dd__image_loads_free(dd__image_loads *l);

/* A part of an image: its bytes' offset and length (bytes.h, sections). */
typedef struct dd__span {
    uint64_t at, n;
} dd__span;
/* The parts of the plan image a reader without `whole` steps over (the
 * loads, each item's readiness), from the image's first n bytes (its
 * head: 64 are enough); the count (0: an image without a table, read
 * whole). Not checked here: the reader checks them against the image. */
size_t dd__image_skips(const unsigned char *v, size_t n, dd__span out[2]);
/* The same for a reader that keeps the loads (DD_TRACK_FOR_STATUS): the
 * readiness alone, or nothing. */
size_t dd__image_skips_ready(const unsigned char *v, size_t n, dd__span out[2]);

#endif
