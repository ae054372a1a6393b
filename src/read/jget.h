/* SPDX-License-Identifier: MIT */
/*
 * Typed, located reading of the JSON documents drawdown writes and reads
 * back (the plan file, for the verifier and for the briefing): one set of
 * getters over the position-keeping tree (ytree.h), so that one mistake in
 * a file gets one wording whoever reads it. JSON is strict: a string is
 * quoted, a number is not, times are UTC ("2024-06-07T14:30Z").
 *
 * A getter reports a located error (FILE:LINE:COL, field path) and marks
 * the reader failed when the value is missing or of the wrong type; it
 * writes *out only on success. Paths are "sorties[3].load.cargo".
 */
#ifndef DD_READ_JGET_H
#define DD_READ_JGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/ytree.h"

#define DD__JR_PATHN 192 /* bytes of a field path */

typedef struct dd__jr {
    const char *file, *text; /* the file's name for messages, its bytes */
    size_t len;
    dd_arena *arena; /* the line index lives here */
    dd_diags *diags;
    dd_lines lines;
    bool failed, oom;
} dd__jr;

void dd__jr_err(dd__jr *r, const dd_ynode *n, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* What a node is: JSON null, a number (into *out), and its type's name
 * ("an object", "an array", "a string", "null", "a boolean", "a number"). */
bool dd__jr_is_null(const dd_ynode *n);
bool dd__jr_number(const dd_ynode *n, double *out);
const char *dd__jr_type(const dd_ynode *n);

/* path.key into buf (DD__JR_PATHN bytes); key alone when path is "". */
void dd__jr_path(char *buf, const char *path, const char *key);
/* The value of key in map, or NULL (also when map is NULL or not a map). */
dd_ynode *dd__jr_lookup(const dd_ynode *map, const char *key);
/* The value of a required key, or NULL after "missing key 'k'". */
dd_ynode *dd__jr_need(dd__jr *r, const dd_ynode *map, const char *path, const char *key);
/* Report each key of map that `keys` (NULL-terminated) does not list. */
void dd__jr_keys(dd__jr *r, const dd_ynode *map, const char *path, const char *const *keys);
/* Is v of `kind` (DD_Y_MAP or DD_Y_SEQ)? "expected an object, got ..." if not. */
bool dd__jr_kind(dd__jr *r, const dd_ynode *v, const char *path, dd_ykind kind);

/* map[key] as an object with its keys checked (keys may be NULL), or an
 * array (optional: NULL without an error when missing). */
dd_ynode *dd__jr_obj(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                     const char *const *keys);
dd_ynode *dd__jr_arr(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                     bool optional);
/* A string of at most max_len bytes (0: any). */
const dd_ynode *dd__jr_str(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                           size_t max_len);
/* A number; null gives NAN when nullable. */
bool dd__jr_num(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                bool nullable, double *out);
/* A whole number from min to max. */
bool dd__jr_int(dd__jr *r, const dd_ynode *map, const char *path, const char *key, int64_t min,
                int64_t max, int64_t *out);
bool dd__jr_bool(dd__jr *r, const dd_ynode *map, const char *path, const char *key, bool *out);
/* A UTC time "YYYY-MM-DDTHH:MMZ" as seconds since 1970; when nullable,
 * null sets *is_null (else false). */
bool dd__jr_utc(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                bool nullable, int64_t *unix_out, bool *is_null);
/* A date "YYYY-MM-DD" as days since 1970-01-01. */
bool dd__jr_date(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                 int64_t *days_out);

#endif
