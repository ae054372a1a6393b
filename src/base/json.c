/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer; see json.h. */
#include "base/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dd__jw_init(dd_jw *w, FILE *f, bool pretty)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->pretty = pretty;
    w->first[0] = true;
}

static void put(dd_jw *w, const char *s)
{
    if (fputs(s, w->f) == EOF)
        w->error = true;
}

/* Before a value after a separator, and before a closing bracket: a new
 * line and indentation, a space inside a one-line container (none before
 * its first value or its closing bracket: pass `value`). */
static void indent_as(dd_jw *w, bool value)
{
    if (!w->pretty)
        return;
    if (w->flat && w->depth >= w->flat) {
        if (value && !w->first[w->depth])
            put(w, " ");
        return;
    }
    /* a new line and two spaces a level, the spaces written at once */
    static const char spaces[] = "                                ";
    put(w, "\n");
    for (size_t n = 2 * (size_t)w->depth; n > 0;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        if (fwrite(spaces, 1, k, w->f) != k)
            w->error = true;
        n -= k;
    }
}

/* Separator before a value or key at the current level. */
static void before_value(dd_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    bool first = w->first[w->depth];
    if (!first)
        put(w, ",");
    indent_as(w, true);
    w->first[w->depth] = false;
}

static void open(dd_jw *w, const char *c)
{
    before_value(w);
    put(w, c);
    if (w->depth + 1 < DD_JW_MAX_DEPTH) {
        w->depth++;
        w->first[w->depth] = true;
        if (w->flat_next && !w->flat)
            w->flat = w->depth;
        w->flat_next = false;
    } else {
        w->error = true;
    }
}

static void close(dd_jw *w, const char *c)
{
    bool empty = w->first[w->depth];
    bool was_flat = w->flat && w->depth >= w->flat;
    if (w->flat == w->depth)
        w->flat = 0;
    if (w->depth > 0)
        w->depth--;
    if (!empty && !was_flat)
        indent_as(w, false);
    put(w, c);
}

void dd__jw_obj(dd_jw *w) { open(w, "{"); }
void dd__jw_obj_end(dd_jw *w) { close(w, "}"); }
void dd__jw_arr(dd_jw *w) { open(w, "["); }
void dd__jw_arr_end(dd_jw *w) { close(w, "]"); }
void dd__jw_flat(dd_jw *w) { w->flat_next = true; }

void dd__json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        /* a run of characters written as they are, at once */
        const unsigned char *q = p;
        while (*q >= 0x20 && *q != '"' && *q != '\\')
            q++;
        if (q > p) {
            fwrite(p, 1, (size_t)(q - p), f);
            p = q;
            if (!*p)
                break;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void write_string(dd_jw *w, const char *s)
{
    dd__json_string(w->f, s);
    if (ferror(w->f))
        w->error = true;
}

void dd__jw_key(dd_jw *w, const char *k)
{
    before_value(w);
    write_string(w, k);
    put(w, w->pretty ? ": " : ":");
    w->after_key = true;
}

void dd__jw_str(dd_jw *w, const char *s)
{
    before_value(w);
    if (s)
        write_string(w, s);
    else
        put(w, "null");
}

void dd__jw_int(dd_jw *w, int64_t v)
{
    before_value(w);
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    put(w, buf);
}

void dd__jw_num(dd_jw *w, double v)
{
    before_value(w);
    if (!isfinite(v)) {
        put(w, "null");
        return;
    }
    char buf[40];
    /* shortest of %.6g..%.17g that reads back the same value */
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    put(w, buf);
}

void dd__jw_bool(dd_jw *w, bool v)
{
    before_value(w);
    put(w, v ? "true" : "false");
}

void dd__jw_null(dd_jw *w)
{
    before_value(w);
    put(w, "null");
}

void dd__jw_kstr(dd_jw *w, const char *k, const char *s)
{
    dd__jw_key(w, k);
    dd__jw_str(w, s);
}

void dd__jw_kint(dd_jw *w, const char *k, int64_t v)
{
    dd__jw_key(w, k);
    dd__jw_int(w, v);
}

void dd__jw_knum(dd_jw *w, const char *k, double v)
{
    dd__jw_key(w, k);
    dd__jw_num(w, v);
}

void dd__jw_kbool(dd_jw *w, const char *k, bool v)
{
    dd__jw_key(w, k);
    dd__jw_bool(w, v);
}

void dd__jw_kobjs(dd_jw *w, const char *key, size_t n,
                  void (*each)(dd_jw *w, size_t i, const void *ctx), const void *ctx)
{
    dd__jw_key(w, key);
    dd__jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        dd__jw_obj(w);
        each(w, i, ctx);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

dd_status dd__jw_end(dd_jw *w)
{
    put(w, "\n");
    if (fflush(w->f) != 0)
        w->error = true;
    return w->error ? DD_EIO : DD_OK;
}

void dd__csv_field(FILE *f, const char *v)
{
    if (!strpbrk(v, ",\"\n\r")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', f);
        fputc(*v, f);
    }
    fputc('"', f);
}
