/* SPDX-License-Identifier: MIT */
/*
 * A small, fast random generator as a value: xoshiro256** (Blackman & Vigna
 * 2018), seeded through splitmix64. One stream per worker, seeded
 * explicitly, so every run is reproducible. Header-only, no global state.
 */
#ifndef DD_BASE_RNG_H
#define DD_BASE_RNG_H

#include <stdint.h>

typedef struct dd_rng {
    uint64_t s[4];
} dd_rng;

static inline uint64_t dd__rng_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Seed a stream; (seed, stream) pairs give independent sequences. */
static inline void dd_rng_seed(dd_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = dd__rng_splitmix(&x);
}

static inline uint64_t dd__rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t dd_rng_next(dd_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = dd__rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = dd__rng_rotl(s[3], 45);
    return result;
}

/* Uniform integer in [0, n), n > 0 (Lemire's multiply-shift, tiny bias). */
static inline uint64_t dd_rng_below(dd_rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)dd_rng_next(r) * n) >> 64);
}

/* Uniform double in [0, 1). */
static inline double dd_rng_double(dd_rng *r)
{
    return (double)(dd_rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
