/* SPDX-License-Identifier: MIT */
/* Private to src/track: SHA-256 of large inputs (the scenario's files),
 * with the processor's SHA instructions where it has them (sha256.c). */
#ifndef DD_TRACK_SHA256_H
#define DD_TRACK_SHA256_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caller-owned; one thread at a time. */
typedef struct dd__sha256_ctx {
    bool fast; /* the SHA instructions */
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t n_buf;
    crypto_hash_sha256_state slow; /* libsodium's, without them */
} dd__sha256_ctx;

void dd__sha256_init(dd__sha256_ctx *c);
void dd__sha256_update(dd__sha256_ctx *c, const unsigned char *v, size_t n);
void dd__sha256_final(dd__sha256_ctx *c, unsigned char out[32]);

#endif
