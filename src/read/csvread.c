/* SPDX-License-Identifier: MIT */
/* CSV reading over libcsv; see csvread.h. */
#include "read/csvread.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "read/ytree.h"

typedef struct reader {
    const char *file;
    dd_csv_row_fn fn;
    void *ctx;
    /* the record being built: fields copied into one buffer */
    dd__sbuf text; /* each field ends with its NUL */
    size_t *starts;
    size_t *lens;
    const char **ptrs;
    size_t n_fields, cap_fields;
    uint32_t rec_line;
    size_t rec_off;
    bool need_start;
    size_t index;
    char sep;
    bool stop;
    bool oom;
} reader;

static void on_field(void *field, size_t len, void *data)
{
    reader *r = data;
    if (r->oom || r->stop)
        return;
    if (r->n_fields == r->cap_fields) {
        size_t cap = r->cap_fields ? 2 * r->cap_fields : 32;
        size_t *s = realloc(r->starts, cap * sizeof *s);
        if (s)
            r->starts = s;
        size_t *l = realloc(r->lens, cap * sizeof *l);
        if (l)
            r->lens = l;
        const char **pp = realloc(r->ptrs, cap * sizeof *pp);
        if (pp)
            r->ptrs = pp;
        if (!s || !l || !pp) {
            r->oom = true;
            return;
        }
        r->cap_fields = cap;
    }
    r->starts[r->n_fields] = r->text.n;
    r->lens[r->n_fields] = len;
    if (!dd__sbuf_add(&r->text, field, len)) {
        r->oom = true;
        return;
    }
    r->text.n++; /* keep the NUL that ends the field */
    r->n_fields++;
}

static void on_record(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (r->oom || r->stop) {
        r->n_fields = 0;
        r->text.n = 0;
        return;
    }
    for (size_t i = 0; i < r->n_fields; i++)
        r->ptrs[i] = r->text.p + r->starts[i];
    dd_csv_row row = {r->n_fields, r->ptrs, r->lens, r->rec_line,
                      r->rec_off,  r->index++, r->sep, NULL};
    if (!r->fn(r->ctx, &row))
        r->stop = true;
    r->n_fields = 0;
    r->text.n = 0;
    r->need_start = true;
}

static bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

void dd__csv_source_line(const char *text, size_t len, uint32_t line, char *buf, size_t size)
{
    dd__source_line(text, len, line, buf, size);
}

char dd__csv_separator(const char *text, size_t len)
{
    size_t commas = 0, semis = 0, tabs = 0;
    bool quoted = false, seen = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"') {
            quoted = !quoted;
        } else if (quoted) {
            continue;
        } else if (c == '\n') {
            if (seen)
                break;
        } else if (c != '\r') {
            seen = true;
            commas += c == ',';
            semis += c == ';';
            tabs += c == '\t';
        }
    }
    if (commas || (!semis && !tabs))
        return ',';
    return semis >= tabs ? ';' : '\t';
}

void dd__csv_locate(const char *text, size_t len, char sep, size_t offset, size_t k,
                    uint32_t line, uint32_t *line_out, uint32_t *col_out)
{
    size_t i = offset;
    size_t line_start = offset;
    size_t field = 0;
    bool quoted = false;
    while (i < len && field < k) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < len && text[i + 1] == '"')
                    i++;
                else
                    quoted = false;
            } else if (c == '\n') {
                line++;
                line_start = i + 1;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == sep) {
            field++;
        } else if (c == '\n' || c == '\r') {
            break;
        }
        i++;
    }
    *line_out = line;
    *col_out = (uint32_t)(i - line_start + 1);
}

static void report_syntax(const char *file, const char *text, size_t len, size_t pos,
                          const char *msg, dd_diags *diags)
{
    uint32_t line = 1;
    size_t ls = 0;
    for (size_t i = 0; i < pos && i < len; i++)
        if (text[i] == '\n') {
            line++;
            ls = i + 1;
        }
    /* the first line is shown only once a later one is reached: a file
     * that fails on its first line may be no CSV at all, and an inventory
     * path can name any readable file (its text is not echoed) */
    char src[512] = "";
    if (line > 1)
        dd__csv_source_line(text, len, line, src, sizeof src);
    dd_diags_add(diags, DD_SEV_ERROR, file, line, (uint32_t)(pos - ls + 1), "",
                 line > 1 ? src : NULL, "%s", msg);
}

/* The quote that opens the field still open at the end of the text, from
 * the start of the last record; the record's start if none is found. */
static size_t open_quote(const char *text, size_t len, size_t rec_off)
{
    size_t open = rec_off;
    bool quoted = false;
    for (size_t i = rec_off; i < len; i++) {
        if (text[i] != '"')
            continue;
        if (!quoted) {
            quoted = true;
            open = i;
        } else if (i + 1 < len && text[i + 1] == '"') {
            i++;
        } else {
            quoted = false;
        }
    }
    return quoted ? open : rec_off;
}

dd_status dd__csv_read(const char *file, const char *text, size_t len, dd_diags *diags,
                       dd_csv_row_fn fn, void *ctx)
{
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* byte-order mark written by spreadsheet exports */
    if (blank_line(text + pos, len - pos)) {
        dd_diags_add(diags, DD_SEV_ERROR, file, 1, 1, "", "",
                     "file is empty (expected a header row)");
        return DD_EINPUT;
    }
    /* a NUL would cut a cell short ("13\0 anything" read as "13") */
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        report_syntax(file, text, len, (size_t)(nul - text),
                      "a NUL byte: this is not a text file (binary, or saved as UTF-16?); "
                      "export it as CSV in UTF-8",
                      diags);
        return DD_EINPUT;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return DD_ENOMEM;
    reader r = {.file = file, .fn = fn, .ctx = ctx, .need_start = true,
                .sep = dd__csv_separator(text + pos, len - pos)};
    csv_set_delim(&p, (unsigned char)r.sep);
    uint32_t line = 1;
    dd_status st = DD_OK;
    while (pos < len && !r.stop && !r.oom) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        if (r.need_start && !blank_line(text + pos, end - pos)) {
            r.rec_line = line;
            r.rec_off = pos;
            r.need_start = false;
        }
        size_t n = csv_parse(&p, text + pos, end - pos, on_field, on_record, &r);
        if (n != end - pos) {
            const char *why = csv_error(&p) == CSV_EPARSE
                                  ? "bad quoting: a quote inside an unquoted field, or text "
                                    "after a closing quote (write \"\" for a quote inside "
                                    "quotes)"
                                  : "cannot read the CSV";
            if (csv_error(&p) == CSV_ENOMEM)
                r.oom = true;
            else
                report_syntax(file, text, len, pos + n, why, diags);
            st = DD_EINPUT;
            break;
        }
        pos = end;
        line++;
    }
    if (st == DD_OK && !r.stop && !r.oom && csv_fini(&p, on_field, on_record, &r) != 0) {
        report_syntax(file, text, len, open_quote(text, len, r.rec_off),
                      "unterminated quoted field: a quote opened here is never closed",
                      diags);
        st = DD_EINPUT;
    }
    csv_free(&p);
    free(r.text.p);
    free(r.starts);
    free(r.lens);
    free(r.ptrs);
    if (r.oom)
        return DD_ENOMEM;
    return st;
}
