/* SPDX-License-Identifier: MIT */
/* Private to src/track: the scenario image (scenimg.c), a dd_scenario as
 * bytes and back, kept in the log beside the plan image. */
#ifndef DD_TRACK_SCENIMG_H
#define DD_TRACK_SCENIMG_H

#include "track/track_int.h"

/* Bumped with any change of dd_scenario or of what it holds: a log whose
 * image has another version is read from the scenario's files instead. */
#define DD__SCENIMG_VERSION 5 /* 3 and 4: development versions (legs; disruptions) */

/* Append the image of s to b (b->oom when out of memory). */
void dd__scenimg_write(const dd_scenario *s, dd__buf *b);
/*
 * The scenario of image v, as read from `path` now (its files' paths made
 * again from there). DD_EINPUT with `why` for a damaged image or one of
 * another version; DD_ENOMEM. *out, freed with dd__scenimg_free, owns a
 * copy of the image (v may go). Not thread-safe; *out is immutable.
 */
dd_status dd__scenimg_read(const unsigned char *v, size_t n, const char *path, dd_scenario **out,
                           char *why, size_t why_size);
/* As dd__scenimg_read, taking `bytes` (malloc'd; freed with *out, or
 * now on failure) instead of copying them. */
dd_status dd__scenimg_take(unsigned char *bytes, size_t n, const char *path, dd_scenario **out,
                           char *why, size_t why_size);
void dd__scenimg_free(dd_scenario *s);

#endif
