/* SPDX-License-Identifier: MIT */
/* Shared by the benchmark programs: a monotonic clock and a qsort order
 * for medians. */
#ifndef DD_BENCH_UTIL_H
#define DD_BENCH_UTIL_H

#include <time.h>

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
