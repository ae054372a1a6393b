/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4) of the scenario's files, with the x86 SHA
 * extensions where the processor has them: every reader of a log hashes
 * the files again (67 MB on the theater), and libsodium's portable
 * SHA-256 takes a third of a second there, the SHA instructions a
 * twentieth. Elsewhere, and on processors without them, libsodium's.
 * The result is the same either way (tests/test_track_scenimg.c compares
 * them on every length up to a few blocks and on large inputs fed in
 * pieces).
 *
 * The rounds follow Intel's description of the extensions (Gulley et
 * al., "Intel SHA Extensions", 2013): the state kept as ABEF and CDGH,
 * two rounds an instruction, the message schedule four words at a time
 * with sha256msg1/sha256msg2.
 */
#include <stdbool.h>
#include <string.h>

#include "track/sha256.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHANI 1

/* Does the processor have the SHA extensions (CPUID leaf 7, EBX bit 29)
 * and SSSE3 and SSE4.1 (leaf 1, ECX bits 9 and 19)? Asked through CPUID
 * itself: compilers do not all know "sha" as a feature name. */
static bool cpu_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19)))
        return false;
    if (__get_cpuid_max(0, NULL) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 29)) != 0;
}

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

/* n 64-byte blocks into h (a, b, ..., h as FIPS 180-4 numbers them). */
__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks(uint32_t h[8], const unsigned char *p, size_t n)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i t = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);    /* DCBA */
    __m128i s1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);   /* HGFE */
    t = _mm_shuffle_epi32(t, 0xB1);                                      /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);                                    /* EFGH */
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);                              /* ABEF */
    s1 = _mm_blend_epi16(s1, t, 0xF0);                                   /* CDGH */
    for (; n; n--, p += 64) {
        __m128i abef = s0, cdgh = s1, m[4];
#pragma GCC unroll 16
        for (int g = 0; g < 16; g++) {
            __m128i *w = &m[g & 3];
            if (g < 4) {
                *w = _mm_shuffle_epi8(
                    _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * g)), swap);
            } else {
                /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at once */
                __m128i w7 = _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4);
                *w = _mm_sha256msg2_epu32(
                    _mm_add_epi32(_mm_sha256msg1_epu32(*w, m[(g + 1) & 3]), w7),
                    m[(g + 3) & 3]);
            }
            __m128i x = _mm_add_epi32(
                *w, _mm_loadu_si128((const __m128i *)(const void *)&K[4 * g]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, x);
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(x, 0x0E));
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    t = _mm_shuffle_epi32(s0, 0x1B);      /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);     /* DCHG */
    s0 = _mm_blend_epi16(t, s1, 0xF0);    /* DCBA */
    s1 = _mm_alignr_epi8(s1, t, 8);       /* HGFE */
    _mm_storeu_si128((__m128i *)(void *)&h[0], s0);
    _mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}
#endif

void dd__sha256_init(dd__sha256_ctx *c)
{
    memset(c, 0, sizeof *c);
#ifdef HAVE_SHANI
    c->fast = cpu_has_sha();
#endif
    if (!c->fast) {
        crypto_hash_sha256_init(&c->slow);
        return;
    }
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, h0, sizeof h0);
}

void dd__sha256_update(dd__sha256_ctx *c, const unsigned char *v, size_t n)
{
#ifdef HAVE_SHANI
    if (c->fast) {
        c->len += n;
        if (c->n_buf) {
            size_t take = 64 - c->n_buf < n ? 64 - c->n_buf : n;
            memcpy(c->buf + c->n_buf, v, take);
            c->n_buf += take;
            v += take;
            n -= take;
            if (c->n_buf < 64)
                return;
            blocks(c->h, c->buf, 1);
            c->n_buf = 0;
        }
        blocks(c->h, v, n / 64);
        memcpy(c->buf, v + n / 64 * 64, n % 64);
        c->n_buf = n % 64;
        return;
    }
#endif
    crypto_hash_sha256_update(&c->slow, v, n);
}

void dd__sha256_final(dd__sha256_ctx *c, unsigned char out[32])
{
#ifdef HAVE_SHANI
    if (c->fast) {
        uint64_t bits = c->len * 8;
        unsigned char pad[72] = {0x80};
        size_t np = (c->n_buf < 56 ? 56 : 120) - c->n_buf;
        for (int i = 0; i < 8; i++)
            pad[np + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
        dd__sha256_update(c, pad, np + 8);
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 4; k++)
                out[4 * i + k] = (unsigned char)(c->h[i] >> (24 - 8 * k));
        return;
    }
#endif
    crypto_hash_sha256_final(&c->slow, out);
}
