/* SPDX-License-Identifier: MIT */
/* Typed, located reading of drawdown's JSON documents (jget.h). */
#include "read/jget.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/civil.h"

void dd__jr_err(dd__jr *r, const dd_ynode *n, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t line = n ? n->line : 0, col = n ? n->col : 0;
    char src[512];
    src[0] = '\0';
    if (line && !dd__diags_full(r->diags))
        dd__lines_get(&r->lines, r->arena, r->text, r->len, line, src, sizeof src);
    dd_diags_add(r->diags, DD_SEV_ERROR, r->file, line, col, path, line ? src : NULL, "%s",
                 msg);
    r->failed = true;
}

/* ---- node types ---- */

bool dd__jr_is_null(const dd_ynode *n)
{
    return n->kind == DD_Y_SCALAR && !n->quoted && strcmp(n->text, "null") == 0;
}

static bool is_bool(const dd_ynode *n)
{
    return n->kind == DD_Y_SCALAR && !n->quoted &&
           (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0);
}

bool dd__jr_number(const dd_ynode *n, double *out)
{
    if (n->kind != DD_Y_SCALAR || n->quoted || !*n->text || dd__jr_is_null(n) || is_bool(n))
        return false;
    char *end;
    errno = 0;
    double v = strtod(n->text, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

const char *dd__jr_type(const dd_ynode *n)
{
    double d;
    if (n->kind == DD_Y_MAP)
        return "an object";
    if (n->kind == DD_Y_SEQ)
        return "an array";
    if (n->quoted)
        return "a string";
    if (dd__jr_is_null(n))
        return "null";
    if (is_bool(n))
        return "a boolean";
    if (dd__jr_number(n, &d))
        return "a number";
    return "a value";
}

/* ---- keys ---- */

void dd__jr_path(char *buf, const char *path, const char *key)
{
    if (*path)
        snprintf(buf, DD__JR_PATHN, "%s.%s", path, key);
    else
        snprintf(buf, DD__JR_PATHN, "%s", key);
}

dd_ynode *dd__jr_lookup(const dd_ynode *map, const char *key)
{
    if (!map || map->kind != DD_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (map->pairs[i].key->kind == DD_Y_SCALAR && strcmp(map->pairs[i].key->text, key) == 0)
            return map->pairs[i].value;
    return NULL;
}

dd_ynode *dd__jr_need(dd__jr *r, const dd_ynode *map, const char *path, const char *key)
{
    dd_ynode *v = dd__jr_lookup(map, key);
    if (!v)
        dd__jr_err(r, map, path, "missing key '%s'", key);
    return v;
}

void dd__jr_keys(dd__jr *r, const dd_ynode *map, const char *path, const char *const *keys)
{
    for (size_t i = 0; i < map->n; i++) {
        const dd_ynode *k = map->pairs[i].key;
        bool known = false;
        for (const char *const *q = keys; *q && !known; q++)
            known = strcmp(*q, k->text) == 0;
        if (!known)
            dd__jr_err(r, k, path, "unknown key '%s'", k->text);
    }
}

bool dd__jr_kind(dd__jr *r, const dd_ynode *v, const char *path, dd_ykind kind)
{
    if (v->kind == kind)
        return true;
    dd__jr_err(r, v, path, "expected %s, got %s", kind == DD_Y_MAP ? "an object" : "an array",
               dd__jr_type(v));
    return false;
}

/* ---- typed values ---- */

/* The value of a required key and its path, or NULL after an error. */
static dd_ynode *value(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                       char *p)
{
    dd__jr_path(p, path, key);
    return dd__jr_need(r, map, path, key);
}

dd_ynode *dd__jr_obj(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                     const char *const *keys)
{
    char p[DD__JR_PATHN];
    dd_ynode *v = value(r, map, path, key, p);
    if (!v || !dd__jr_kind(r, v, p, DD_Y_MAP))
        return NULL;
    if (keys)
        dd__jr_keys(r, v, p, keys);
    return v;
}

dd_ynode *dd__jr_arr(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                     bool optional)
{
    char p[DD__JR_PATHN];
    dd__jr_path(p, path, key);
    dd_ynode *v = optional ? dd__jr_lookup(map, key) : dd__jr_need(r, map, path, key);
    if (!v || !dd__jr_kind(r, v, p, DD_Y_SEQ))
        return NULL;
    return v;
}

const dd_ynode *dd__jr_str(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                           size_t max_len)
{
    char p[DD__JR_PATHN];
    dd_ynode *v = value(r, map, path, key, p);
    if (!v)
        return NULL;
    if (v->kind != DD_Y_SCALAR || !v->quoted) {
        dd__jr_err(r, v, p, "expected a string, got %s", dd__jr_type(v));
        return NULL;
    }
    if (max_len && v->len > max_len) {
        dd__jr_err(r, v, p, "a string of %zu bytes (at most %zu)", (size_t)v->len, max_len);
        return NULL;
    }
    return v;
}

bool dd__jr_num(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                bool nullable, double *out)
{
    char p[DD__JR_PATHN];
    dd_ynode *v = value(r, map, path, key, p);
    if (!v)
        return false;
    if (nullable && dd__jr_is_null(v)) {
        *out = NAN;
        return true;
    }
    if (!dd__jr_number(v, out)) {
        dd__jr_err(r, v, p, "expected a number%s, got %s", nullable ? " or null" : "",
                   dd__jr_type(v));
        return false;
    }
    return true;
}

bool dd__jr_int(dd__jr *r, const dd_ynode *map, const char *path, const char *key, int64_t min,
                int64_t max, int64_t *out)
{
    char p[DD__JR_PATHN];
    dd_ynode *v = value(r, map, path, key, p);
    if (!v)
        return false;
    double d;
    if (!dd__jr_number(v, &d) || d != floor(d)) {
        bool scalar = v->kind == DD_Y_SCALAR;
        dd__jr_err(r, v, p, "expected a whole number, got %s%s%s%s", dd__jr_type(v),
                   scalar ? " '" : "", scalar ? v->text : "", scalar ? "'" : "");
        return false;
    }
    if (d < (double)min) {
        dd__jr_err(r, v, p, "must be at least %lld, got %s", (long long)min, v->text);
        return false;
    }
    if (d > (double)max) {
        dd__jr_err(r, v, p, "must be at most %lld, got %s", (long long)max, v->text);
        return false;
    }
    *out = (int64_t)d;
    return true;
}

bool dd__jr_bool(dd__jr *r, const dd_ynode *map, const char *path, const char *key, bool *out)
{
    char p[DD__JR_PATHN];
    dd_ynode *v = value(r, map, path, key, p);
    if (!v)
        return false;
    if (!is_bool(v)) {
        dd__jr_err(r, v, p, "expected true or false, got %s", dd__jr_type(v));
        return false;
    }
    *out = v->text[0] == 't';
    return true;
}

/* A quoted string that `parse` reads into *out; else a located error:
 * "expected <what>" (" or null" after it when null is allowed). */
static bool parsed_text(dd__jr *r, const dd_ynode *v, const char *p,
                        bool (*parse)(const char *, int64_t *), int64_t *out, const char *what,
                        bool nullable)
{
    bool text = v->kind == DD_Y_SCALAR && v->quoted;
    if (text && parse(v->text, out))
        return true;
    if (text)
        dd__jr_err(r, v, p, "expected %s, got '%s'", what, v->text);
    else
        dd__jr_err(r, v, p, "expected %s%s, got %s", what, nullable ? " or null" : "",
                   dd__jr_type(v));
    return false;
}

bool dd__jr_utc(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                bool nullable, int64_t *unix_out, bool *is_null)
{
    char p[DD__JR_PATHN];
    dd_ynode *v = value(r, map, path, key, p);
    if (!v)
        return false;
    if (is_null)
        *is_null = false;
    if (nullable && dd__jr_is_null(v)) {
        *is_null = true;
        return true;
    }
    return parsed_text(r, v, p, dd__parse_utc_minute, unix_out,
                       "a UTC time such as 2024-06-07T14:30Z", nullable);
}

bool dd__jr_date(dd__jr *r, const dd_ynode *map, const char *path, const char *key,
                 int64_t *days_out)
{
    char p[DD__JR_PATHN];
    dd_ynode *v = value(r, map, path, key, p);
    if (!v)
        return false;
    return parsed_text(r, v, p, dd__parse_date, days_out, "a date such as 2024-06-07", false);
}
