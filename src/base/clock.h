/* SPDX-License-Identifier: MIT */
/* The clocks every module reads: the monotonic one for time limits and
 * timings, the wall clock in UTC for what is stamped on records. */
#ifndef DD_BASE_CLOCK_H
#define DD_BASE_CLOCK_H

#include <stddef.h>

/* Seconds on the monotonic clock (a time limit's origin, a timing). */
double dd__mono_s(void);

/* Now, UTC, as ISO 8601 with seconds ("2024-07-07T12:00:00Z"), or
 * without them when `seconds` is false ("2024-07-07T12:00Z"); out holds
 * at least 21 bytes. */
void dd__utc_now(char *out, size_t size, int seconds);

#endif
