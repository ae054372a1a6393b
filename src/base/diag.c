/* SPDX-License-Identifier: MIT */
/*
 * The diagnostics list: located messages collected by loaders and
 * validators, bounded so that a badly broken file cannot flood the user.
 */
#include <drawdown/base.h>

#include "base/arena.h"
#include "base/cmp.h"
#include "base/diag.h"
#include "base/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_text[] = {
#define DD_STATUS_TEXT(name, text) text,
    DD_STATUS_MAP(DD_STATUS_TEXT)
#undef DD_STATUS_TEXT
};

const char *dd_status_str(dd_status s)
{
    if ((unsigned)s >= (unsigned)DD_STATUS_COUNT)
        return "unknown status";
    return status_text[s];
}

void dd_diags_init(dd_diags *d, size_t max)
{
    memset(d, 0, sizeof *d);
    d->max = max ? max : DD_DIAGS_DEFAULT_MAX;
}

void dd_diags_fini(dd_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_items; i++) {
        free(d->items[i].file);
        free(d->items[i].path);
        free(d->items[i].message);
        free(d->items[i].source_line);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void dd_diags_add(dd_diags *d, dd_severity sev, const char *file, uint32_t line,
                  uint32_t col, const char *path, const char *source_line,
                  const char *fmt, ...)
{
    if (sev == DD_SEV_ERROR)
        d->n_errors++;
    if (d->n_items >= d->max) {
        d->n_dropped++;
        return;
    }
    dd_diag *items = dd__grow(d->items, &d->cap, d->n_items, 8, sizeof *items);
    if (!items) {
        d->oom = 1;
        return;
    }
    d->items = items;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    dd_diag *g = &d->items[d->n_items];
    g->severity = sev;
    g->line = line;
    g->col = col;
    g->file = dup_or_null(file);
    g->path = dup_or_null(path ? path : "");
    g->message = dup_or_null(buf);
    g->source_line = dup_or_null(source_line);
    if ((file && !g->file) || !g->path || !g->message || (source_line && !g->source_line)) {
        free(g->file);
        free(g->path);
        free(g->message);
        free(g->source_line);
        d->oom = 1;
        return;
    }
    d->n_items++;
}

static int diag_cmp(const dd_diag *a, const dd_diag *b)
{
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c)
        return c;
    DD__CMP_BY(a->line, b->line);
    DD__CMP_BY(a->col, b->col);
    return 0;
}

void dd__diags_sort_by(dd_diags *d, int (*cmp)(const dd_diag *, const dd_diag *))
{
    for (size_t i = 1; i < d->n_items; i++) {
        dd_diag x = d->items[i];
        size_t j = i;
        while (j > 0 && cmp(&d->items[j - 1], &x) > 0) {
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = x;
    }
}

void dd_diags_sort(dd_diags *d)
{
    dd__diags_sort_by(d, diag_cmp);
}

dd_status dd_diags_write_json(const dd_diags *d, const char *format, const char *key,
                              const char *subject, FILE *f)
{
    dd_jw w;
    dd__jw_init(&w, f, false);
    dd__jw_obj(&w);
    dd__jw_kstr(&w, "format", format);
    dd__jw_kint(&w, "version", 1);
    dd__jw_kstr(&w, key, subject);
    dd__jw_kbool(&w, "ok", false);
    dd__jw_errors(&w, d);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}

void dd__jw_errors(dd_jw *w, const dd_diags *d)
{
    dd__jw_key(w, "errors");
    dd__jw_arr(w);
    for (size_t i = 0; i < d->n_items; i++)
        dd__jw_str(w, d->items[i].message);
    dd__jw_arr_end(w);
}
