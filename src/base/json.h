/* SPDX-License-Identifier: MIT */
/*
 * A streaming JSON writer to a FILE: objects, arrays, keys, strings with
 * full escaping, numbers (integers exactly, reals with %.17g trimmed to a
 * short round-trip form), booleans and null. Commas and indentation are
 * handled by the writer. Errors are sticky and reported by dd__jw_end.
 */
#ifndef DD_BASE_JSON_H
#define DD_BASE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <drawdown/base.h>

#define DD_JW_MAX_DEPTH 32

typedef struct dd_jw {
    FILE *f;
    int depth;
    bool first[DD_JW_MAX_DEPTH];
    bool after_key;
    bool pretty;
    bool flat_next; /* the next object or array opened is written on one line */
    int flat;       /* depth of the outermost one-line container, 0 if none */
    bool error;
} dd_jw;

void dd__jw_init(dd_jw *w, FILE *f, bool pretty);
void dd__jw_obj(dd_jw *w);
void dd__jw_obj_end(dd_jw *w);
void dd__jw_arr(dd_jw *w);
void dd__jw_arr_end(dd_jw *w);
/* In pretty output, write the next object or array opened (and all inside
 * it) on one line: {"p": 0.5, "lo": 0.4}. A short record reads better so. */
void dd__jw_flat(dd_jw *w);
void dd__jw_key(dd_jw *w, const char *k);
void dd__jw_str(dd_jw *w, const char *s);
void dd__jw_int(dd_jw *w, int64_t v);
void dd__jw_num(dd_jw *w, double v); /* non-finite values are written as null */
void dd__jw_bool(dd_jw *w, bool v);
void dd__jw_null(dd_jw *w);
/* A member: its key and value in one call. */
void dd__jw_kstr(dd_jw *w, const char *k, const char *s);
void dd__jw_kint(dd_jw *w, const char *k, int64_t v);
void dd__jw_knum(dd_jw *w, const char *k, double v);
void dd__jw_kbool(dd_jw *w, const char *k, bool v);
/* An array of n objects as the member `key`: the braces of object i are
 * written here, its members by each(w, i, ctx). */
void dd__jw_kobjs(dd_jw *w, const char *key, size_t n,
                  void (*each)(dd_jw *w, size_t i, const void *ctx), const void *ctx);
/* "errors": [the messages of d] in the object being written. */
void dd__jw_errors(dd_jw *w, const dd_diags *d);
/* Finish (newline) and report DD_EIO if any write failed. */
dd_status dd__jw_end(dd_jw *w);

/* A JSON string, quoted and escaped as the writer does, for a document
 * written by hand. */
void dd__json_string(FILE *f, const char *s);

/* One CSV field (RFC 4180): as it is, or quoted with its quotes doubled
 * when it holds a comma, a quote or a line break. */
void dd__csv_field(FILE *f, const char *v);

#endif
