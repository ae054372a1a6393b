/* SPDX-License-Identifier: MIT */
/* Private to src/track: the scenario image (scenimg.c), a dd_scenario as
 * bytes and back, kept in the log beside the plan image. */
#ifndef DD_TRACK_SCENIMG_H
#define DD_TRACK_SCENIMG_H

#include "track/track_int.h"

/* Bumped with any change of dd_scenario or of what it holds: a log whose
 * image has another version is read from the scenario's files instead.
 * Version 4 added the disruptions' clearance suspensions and destination
 * closures; 5 the sites' legs inside the country (via, via_transfer) and
 * the cargo rows in a section of known length, so 4 is still read; 6
 * the en-route fuel stops (none in 4 and 5, which are still read); 7 the
 * disruptions' crews falling out (none before) and the stops' time zones
 * and operating hours (all day in 6). */
#define DD__SCENIMG_VERSION 7

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
 * now on failure) instead of copying them. Without `cargo` the cargo rows
 * are read and checked as ever but not kept: *out has none (n_cargo 0,
 * cargo NULL) and dd__scenimg_cargo_rows says how many the image holds. */
dd_status dd__scenimg_take(unsigned char *bytes, size_t n, const char *path, bool cargo,
                           dd_scenario **out, char *why, size_t why_size);
/* The cargo rows in the image s was read from, kept or not. */
size_t dd__scenimg_cargo_rows(const dd_scenario *s);
void dd__scenimg_free(dd_scenario *s);
/* For a scenario read without its cargo rows: where each row starts in
 * the image it keeps (4 bytes a row), so that dd__scenimg_cargo_row
 * reads one row on demand. Read through and checked as the reader
 * checks them: DD_EINPUT with `why`, DD_ENOMEM. Once; not thread-safe. */
dd_status dd__scenimg_index_cargo(dd_scenario *s, char *why, size_t why_size);
/* Cargo row i of s's image into *out (its texts point into the image,
 * which lives as long as s): from s->cargo when the rows were kept, else
 * decoded from the image (dd__scenimg_index_cargo first). False when i is
 * out of range or the rows were not indexed. Thread-safe (reads only). */
bool dd__scenimg_cargo_row(const dd_scenario *s, size_t i, dd_cargo *out);
/* The part of image v (its first n bytes: 64 are enough) that a reader
 * without `cargo` steps over, the cargo rows: 1, or 0 for an image
 * without a table (read whole). Not checked here: the reader checks it. */
size_t dd__scenimg_skips(const unsigned char *v, size_t n, dd__span out[1]);

#endif
