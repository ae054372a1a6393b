/* SPDX-License-Identifier: MIT */
/*
 * .xlsx inventories (see xlsxread.h): libzip opens the workbook in memory,
 * each XML part is unpacked with a bound on its size and parsed by expat
 * (namespace-aware, no DOCTYPE). The workbook part names the sheets, its
 * relationships their parts; shared strings and cell formats (to tell a
 * date from a number) are read whole, the sheet into a list of cells that
 * is sorted, filled in over merged areas, and handed out row by row.
 *
 * Cells keep references into the shared strings rather than copies, so a
 * sheet that repeats one long string a million times costs a million
 * references, not a million copies.
 */
#include "read/xlsxread.h"

#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/arena.h"
#include "base/cmp.h"
#include "base/diag.h"
#include "base/sbuf.h"
#include "read/civil.h"

#define MAX_ROWS 1048576u /* Excel's own limits */
#define MAX_COLS 16384u

/* ---- the reader's state ----------------------------------------------- */

enum cell_kind { K_OWN, K_SST };

typedef struct cell {
    uint32_t row, col; /* 1-based row, 0-based column */
    uint32_t kind;
    uint32_t len;
    size_t off; /* K_OWN: offset in own; K_SST: shared string index */
} cell;

typedef struct range {
    uint32_t r0, c0, r1, c1;
} range;

typedef struct sheet_ref {
    char *name, *rid;
} sheet_ref;

typedef struct xr {
    const char *file;
    dd_xlsx_limits lim;
    dd_diags *diags;
    zip_t *zip;
    bool oom, failed;
    /* workbook */
    bool date1904;
    sheet_ref *sheets;
    size_t n_sheets, cap_sheets;
    char *target; /* the chosen sheet's part, from the relationships */
    const char *want_rid;
    const char *sheet_name;
    /* shared strings: NUL-terminated strings in sst, where in sst_v */
    dd__sbuf sst;
    struct sstr {
        size_t at, len;
    } *sst_v;
    size_t n_sst, cap_sst;
    /* styles: which cellXfs entries are dates */
    bool *xf_date;
    size_t n_xf, cap_xf;
    uint32_t *fmt_date_ids; /* custom numFmt ids with a date format */
    size_t n_fmt, cap_fmt;
    /* the sheet */
    cell *cells;
    size_t n_cells, cap_cells;
    dd__sbuf own;
    range *merges;
    size_t n_merges, cap_merges;
    /* parse state */
    XML_Parser parser;
    const char *part;
    int depth_skip; /* inside <rPh> of a shared string: its text is not the value */
    bool in_text;   /* collecting character data */
    dd__sbuf text;
    bool in_cell_xfs, in_si;
    uint32_t row, col;     /* current row (1-based), last column used (+1) */
    bool cell_open;
    char cell_type[12];
    uint32_t cell_style;
    uint32_t cell_row, cell_col;
} xr;

/* Room for element n of arr (dd__grow): false, and r->oom set, when out
 * of memory, arr then unchanged. */
#define GROW(r, arr, n, cap)                                                                \
    (((arr) = grow_or_flag((r), (arr), &(cap), (n), sizeof *(arr))), !(r)->oom)

static void *grow_or_flag(xr *r, void *v, size_t *cap, size_t n, size_t size)
{
    void *p = dd__grow(v, cap, n, 16, size);
    if (!p)
        r->oom = true;
    return p ? p : v;
}

void dd__xlsx_col_name(uint32_t col, char *out, size_t size)
{
    char tmp[8];
    size_t n = 0;
    uint32_t c = col + 1;
    while (c && n < sizeof tmp) {
        c--;
        tmp[n++] = (char)('A' + c % 26);
        c /= 26;
    }
    size_t k = 0;
    while (n && k + 1 < size)
        out[k++] = tmp[--n];
    if (size)
        out[k] = '\0';
}

void dd__xlsx_cell_place(const char *file, const char *sheet, uint32_t col, uint32_t row,
                         char *out, size_t size)
{
    char c[8];
    dd__xlsx_col_name(col, c, sizeof c);
    bool plain = *sheet != '\0';
    for (const char *p = sheet; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.'))
            plain = false;
    if (plain) {
        snprintf(out, size, "%s:%s!%s%u", file, sheet, c, row);
        return;
    }
    /* a quote inside the name is doubled, as in a formula */
    char q[160];
    size_t n = 0;
    for (const char *p = sheet; *p && n + 3 < sizeof q; p++) {
        if (*p == '\'')
            q[n++] = '\'';
        q[n++] = *p;
    }
    q[n] = '\0';
    snprintf(out, size, "%s:'%s'!%s%u", file, q, c, row);
}

static void fail_at_cell(xr *r, uint32_t col, uint32_t row, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail_at_cell(xr *r, uint32_t col, uint32_t row, const char *fmt, ...)
{
    char msg[512], place[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dd__xlsx_cell_place(r->file, r->sheet_name ? r->sheet_name : "", col, row, place,
                        sizeof place);
    dd_diags_add(r->diags, DD_SEV_ERROR, place, 0, 0, "", NULL, "%s", msg);
    r->failed = true;
}

static void fail_file(xr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_file(xr *r, const char *fmt, ...)
{
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dd_diags_add(r->diags, DD_SEV_ERROR, r->file, 0, 0, "", NULL, "%s", msg);
    r->failed = true;
}

/* Stop the parser from a handler; the message is already recorded. */
static void stop(xr *r)
{
    XML_StopParser(r->parser, XML_FALSE);
}

/* In an expat handler: room for element n of arr, or else (out of memory,
 * flagged by GROW) the parse stopped. */
#define GROW_OR_STOP(r, arr, n, cap) (GROW(r, arr, n, cap) || (stop(r), false))

static const char *local(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > UINT32_MAX / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* "F12" -> column 5, row 12; "$F$12" too. */
static bool parse_ref(const char *s, uint32_t *col, uint32_t *row)
{
    if (*s == '$')
        s++;
    uint32_t c = 0;
    int letters = 0;
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) {
        c = c * 26 + (uint32_t)((*s | 0x20) - 'a' + 1);
        if (++letters > 3)
            return false;
        s++;
    }
    if (*s == '$')
        s++;
    if (!letters || c > MAX_COLS || !parse_u32(s, row) || *row < 1 || *row > MAX_ROWS)
        return false;
    *col = c - 1;
    return true;
}

/* ---- unpacking a part ------------------------------------------------- */

/* Unpack `name` into *out (malloc, NUL-terminated). Returns false with a
 * message when it is missing (and required), too large or unreadable. */
static bool unpack(xr *r, const char *name, bool required, char **out, size_t *len_out)
{
    *out = NULL;
    *len_out = 0;
    zip_int64_t idx = zip_name_locate(r->zip, name, 0);
    if (idx < 0) {
        if (required)
            fail_file(r, "not an .xlsx workbook: it has no part %s", name);
        return false;
    }
    zip_file_t *zf = zip_fopen_index(r->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        fail_file(r, "cannot unpack %s: %s", name, zip_strerror(r->zip));
        return false;
    }
    /* the size in the directory may lie: read with the bound, not it */
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap + 1);
    if (!p) {
        zip_fclose(zf);
        r->oom = true;
        return false;
    }
    for (;;) {
        if (n == cap) {
            if (cap > r->lim.max_part) {
                fail_file(r,
                          "%s unpacks to more than %zu MB: too large for an inventory (a "
                          "damaged or hostile file?); save the sheet as CSV",
                          name, r->lim.max_part >> 20);
                free(p);
                zip_fclose(zf);
                return false;
            }
            size_t nc = cap * 2 > r->lim.max_part + 1 ? r->lim.max_part + 1 : cap * 2;
            char *q = realloc(p, nc + 1);
            if (!q) {
                free(p);
                zip_fclose(zf);
                r->oom = true;
                return false;
            }
            p = q;
            cap = nc;
        }
        zip_int64_t got = zip_fread(zf, p + n, cap - n);
        if (got < 0) {
            fail_file(r, "cannot unpack %s: %s", name, zip_file_strerror(zf));
            free(p);
            zip_fclose(zf);
            return false;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    zip_fclose(zf);
    if (n > r->lim.max_part) {
        fail_file(r,
                  "%s unpacks to more than %zu MB: too large for an inventory (a damaged or "
                  "hostile file?); save the sheet as CSV",
                  name, r->lim.max_part >> 20);
        free(p);
        return false;
    }
    p[n] = '\0';
    *out = p;
    *len_out = n;
    return true;
}

/* ---- running expat ---------------------------------------------------- */

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
                               const XML_Char *pub, int internal)
{
    (void)name, (void)sys, (void)pub, (void)internal;
    xr *r = ud;
    char where[256];
    snprintf(where, sizeof where, "%s:%s", r->file, r->part);
    dd_diags_add(r->diags, DD_SEV_ERROR, where, (uint32_t)XML_GetCurrentLineNumber(r->parser),
                 (uint32_t)XML_GetCurrentColumnNumber(r->parser) + 1, "", NULL,
                 "a DOCTYPE in a workbook part: not a workbook Excel writes");
    r->failed = true;
    stop(r);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xr *r = ud;
    if (r->in_text && !r->depth_skip && !dd__sbuf_add(&r->text, s, (size_t)len)) {
        r->oom = true;
        stop(r);
    }
}

static bool run_xml(xr *r, const char *part, const char *data, size_t len,
                    XML_StartElementHandler start, XML_EndElementHandler end)
{
    XML_Parser p = XML_ParserCreateNS(NULL, '|');
    if (!p) {
        r->oom = true;
        return false;
    }
    r->parser = p;
    r->part = part;
    XML_SetUserData(p, r);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, no_doctype);
    bool ok = true;
    /* expat takes an int length: feed large parts in pieces */
    size_t pos = 0;
    do {
        size_t n = len - pos > (1u << 30) ? (1u << 30) : len - pos;
        bool last = pos + n == len;
        if (XML_Parse(p, data + pos, (int)n, last) == XML_STATUS_ERROR) {
            ok = false;
            break;
        }
        pos += n;
    } while (pos < len);
    if (!ok && !r->failed && !r->oom) {
        char where[256];
        snprintf(where, sizeof where, "%s:%s", r->file, part);
        dd_diags_add(r->diags, DD_SEV_ERROR, where, (uint32_t)XML_GetCurrentLineNumber(p),
                     (uint32_t)XML_GetCurrentColumnNumber(p) + 1, "", NULL,
                     "malformed XML: %s (the workbook is damaged; open and save it again, or "
                     "save the sheet as CSV)",
                     XML_ErrorString(XML_GetErrorCode(p)));
        r->failed = true;
    }
    XML_ParserFree(p);
    r->parser = NULL;
    r->text.n = 0;
    r->in_text = false;
    return ok && !r->failed && !r->oom;
}

/* ---- workbook and its relationships ------------------------------------- */

static char *dup(xr *r, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p)
        r->oom = true;
    else
        memcpy(p, s, n);
    return p;
}

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr *r = ud;
    const char *n = local(name);
    if (!strcmp(n, "workbookPr")) {
        const char *d = attr(atts, "date1904");
        r->date1904 = d && (!strcmp(d, "1") || !strcmp(d, "true"));
    } else if (!strcmp(n, "sheet")) {
        const char *nm = attr(atts, "name"), *id = attr(atts, "id");
        if (!nm || !id)
            return;
        if (!GROW_OR_STOP(r, r->sheets, r->n_sheets, r->cap_sheets))
            return;
        sheet_ref *s = &r->sheets[r->n_sheets];
        s->name = dup(r, nm);
        s->rid = dup(r, id);
        if (!s->name || !s->rid) {
            free(s->name);
            free(s->rid);
            stop(r);
            return;
        }
        r->n_sheets++;
    }
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr *r = ud;
    if (strcmp(local(name), "Relationship") || r->target)
        return;
    const char *id = attr(atts, "Id"), *t = attr(atts, "Target");
    if (!id || !t || strcmp(id, r->want_rid))
        return;
    /* relative to xl/, or absolute from the package's root */
    size_t n = strlen(t) + 4;
    r->target = malloc(n);
    if (!r->target) {
        r->oom = true;
        stop(r);
        return;
    }
    if (t[0] == '/')
        snprintf(r->target, n, "%s", t + 1);
    else
        snprintf(r->target, n, "xl/%s", t);
}

/* ---- shared strings --------------------------------------------------- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    xr *r = ud;
    const char *n = local(name);
    if (!strcmp(n, "si")) {
        r->in_si = true;
        r->text.n = 0;
    } else if (!strcmp(n, "rPh")) {
        r->depth_skip++;
    } else if (!strcmp(n, "t") && r->in_si) {
        r->in_text = true;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    xr *r = ud;
    const char *n = local(name);
    if (!strcmp(n, "rPh")) {
        r->depth_skip--;
    } else if (!strcmp(n, "t")) {
        r->in_text = false;
    } else if (!strcmp(n, "si") && r->in_si) {
        r->in_si = false;
        if (!GROW_OR_STOP(r, r->sst_v, r->n_sst, r->cap_sst))
            return;
        r->sst_v[r->n_sst] = (struct sstr){r->sst.n, r->text.n};
        if (!dd__sbuf_add(&r->sst, r->text.p ? r->text.p : "", r->text.n)) {
            r->oom = true;
            stop(r);
            return;
        }
        r->sst.n++; /* keep the NUL that ends the string */
        r->n_sst++;
        r->text.n = 0;
    }
}

/* ---- styles: which formats are dates ---------------------------------- */

/* Whether a number format code shows a date or a time: a y, m, d, h or s
 * outside quoted text, escapes and [colour] or [$-locale] brackets. */
static bool date_format(const char *code)
{
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            p = strchr(p + 1, '"');
            if (!p)
                return false;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (!*++p)
                return false;
        } else if (*p == '[') {
            const char *e = strchr(p, ']');
            if (!e)
                return false;
            /* [h], [mm], [ss]: elapsed time, a duration rather than a date */
            p = e;
        } else if (strchr("yYdDmMhHsS", *p)) {
            return true;
        }
    }
    return false;
}

static bool builtin_date(uint32_t id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr *r = ud;
    const char *n = local(name);
    if (!strcmp(n, "numFmt")) {
        uint32_t id;
        const char *code = attr(atts, "formatCode");
        if (parse_u32(attr(atts, "numFmtId"), &id) && code && date_format(code)) {
            if (!GROW_OR_STOP(r, r->fmt_date_ids, r->n_fmt, r->cap_fmt))
                return;
            r->fmt_date_ids[r->n_fmt++] = id;
        }
    } else if (!strcmp(n, "cellXfs")) {
        r->in_cell_xfs = true;
    } else if (!strcmp(n, "xf") && r->in_cell_xfs) {
        uint32_t id = 0;
        parse_u32(attr(atts, "numFmtId"), &id);
        bool is_date = builtin_date(id);
        for (size_t i = 0; i < r->n_fmt && !is_date; i++)
            is_date = r->fmt_date_ids[i] == id;
        if (!GROW_OR_STOP(r, r->xf_date, r->n_xf, r->cap_xf))
            return;
        r->xf_date[r->n_xf++] = is_date;
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    xr *r = ud;
    if (!strcmp(local(name), "cellXfs"))
        r->in_cell_xfs = false;
}

/* ---- the sheet ---------------------------------------------------------- */

static bool add_cell(xr *r, uint32_t row, uint32_t col, uint32_t kind, size_t off, size_t len)
{
    if (r->n_cells >= r->lim.max_cells) {
        fail_at_cell(r, col, row,
                     "the sheet has more than %zu cells: too large for an inventory; save it "
                     "as CSV",
                     r->lim.max_cells);
        return false;
    }
    if (!GROW(r, r->cells, r->n_cells, r->cap_cells))
        return false;
    r->cells[r->n_cells++] = (cell){row, col, kind, (uint32_t)len, off};
    return true;
}

static bool own_text(xr *r, uint32_t row, uint32_t col, const char *s, size_t n)
{
    size_t off = r->own.n;
    if (!dd__sbuf_add(&r->own, s, n)) {
        r->oom = true;
        return false;
    }
    r->own.n++;
    return add_cell(r, row, col, K_OWN, off, n);
}

/* An Excel serial date as ISO 8601 local time (1900 or 1904 system). */
static bool serial_date(xr *r, double v, char *out, size_t size)
{
    if (!(v >= 0) || v > 2958466.0) /* 9999-12-31 */
        return false;
    int64_t minutes = (int64_t)llround(v * 1440.0);
    int64_t days = minutes / 1440, mins = minutes % 1440;
    int64_t base;
    if (r->date1904) {
        base = dd__days_from_civil(1904, 1, 1);
    } else {
        /* 1900 system: day 1 is 1900-01-01, and 60 is the 29 February 1900
         * that Lotus 1-2-3 believed in */
        if (days == 60 || days == 0)
            return false;
        base = days < 60 ? dd__days_from_civil(1899, 12, 31) : dd__days_from_civil(1899, 12, 30);
    }
    int64_t y;
    unsigned m, d;
    dd__civil_from_days(base + days, &y, &m, &d);
    if (mins)
        snprintf(out, size, "%04lld-%02u-%02uT%02d:%02d", (long long)y, m, d, (int)(mins / 60),
                 (int)(mins % 60));
    else
        snprintf(out, size, "%04lld-%02u-%02u", (long long)y, m, d);
    return true;
}

static void finish_cell(xr *r)
{
    const char *t = r->cell_type;
    const char *s = r->text.p ? r->text.p : "";
    size_t n = r->text.n;
    uint32_t row = r->cell_row, col = r->cell_col;
    bool ok = true;
    if (!strcmp(t, "s")) {
        uint32_t k;
        if (!n)
            return;
        if (!parse_u32(s, &k) || k >= r->n_sst) {
            fail_at_cell(r, col, row, "the cell refers to shared string %.20s, which the "
                                      "workbook does not have (a damaged file?)",
                         s);
            return;
        }
        if (r->sst_v[k].len)
            ok = add_cell(r, row, col, K_SST, k, r->sst_v[k].len);
    } else if (!strcmp(t, "inlineStr") || !strcmp(t, "str") || !strcmp(t, "d")) {
        if (n)
            ok = own_text(r, row, col, s, n);
    } else if (!strcmp(t, "b")) {
        if (n)
            ok = own_text(r, row, col, s[0] == '1' ? "true" : "false",
                          s[0] == '1' ? 4 : 5);
    } else if (!strcmp(t, "e")) {
        fail_at_cell(r, col, row, "the cell holds the error %.20s (a formula that failed)", s);
        ok = own_text(r, row, col, s, n);
    } else if (!strcmp(t, "n") || !*t) {
        if (!n)
            return;
        char *end;
        double v = strtod(s, &end);
        if (end == s || *end || !isfinite(v)) {
            fail_at_cell(r, col, row, "the cell's number '%.40s' is not a number (a damaged "
                                      "file?)",
                         s);
            return;
        }
        char out[48];
        if (r->cell_style < r->n_xf && r->xf_date[r->cell_style]) {
            if (!serial_date(r, v, out, sizeof out)) {
                fail_at_cell(r, col, row,
                             "the cell is formatted as a date but holds %.15g, which is no "
                             "date of the %s date system",
                             v, r->date1904 ? "1904" : "1900");
                return;
            }
        } else {
            /* as Excel shows it: 15 significant digits, so 0.1+0.2 is 0.3 */
            snprintf(out, sizeof out, "%.15g", v);
        }
        ok = own_text(r, row, col, out, strlen(out));
    } else {
        fail_at_cell(r, col, row, "unknown cell type '%.12s' (a damaged file?)", t);
        return;
    }
    if (!ok)
        stop(r);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xr *r = ud;
    const char *n = local(name);
    if (!strcmp(n, "row")) {
        uint32_t row;
        const char *rs = attr(atts, "r");
        if (rs) {
            if (!parse_u32(rs, &row) || row < 1 || row > MAX_ROWS || row <= r->row) {
                fail_at_cell(r, 0, r->row + 1, "bad row number '%.20s' (a damaged file?)", rs);
                stop(r);
                return;
            }
        } else {
            row = r->row + 1;
        }
        if (row > MAX_ROWS) {
            fail_at_cell(r, 0, MAX_ROWS, "more rows than a sheet holds (a damaged file?)");
            stop(r);
            return;
        }
        r->row = row;
        r->col = 0;
    } else if (!strcmp(n, "c")) {
        const char *ref = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
        uint32_t col = r->col, row = r->row ? r->row : 1, rc, rr;
        if (ref && !parse_ref(ref, &rc, &rr)) {
            fail_at_cell(r, r->col, row, "bad cell reference '%.20s' (a damaged file?)", ref);
            stop(r);
            return;
        }
        if (ref)
            col = rc, row = rr;
        if (col >= MAX_COLS) {
            fail_at_cell(r, MAX_COLS - 1, row, "more columns than a sheet holds");
            stop(r);
            return;
        }
        r->col = col + 1;
        r->cell_row = row;
        r->cell_col = col;
        snprintf(r->cell_type, sizeof r->cell_type, "%s", t ? t : "");
        r->cell_style = 0;
        if (s)
            parse_u32(s, &r->cell_style);
        r->cell_open = true;
        r->text.n = 0;
    } else if (r->cell_open && (!strcmp(n, "v") || !strcmp(n, "t"))) {
        r->in_text = true;
    } else if (r->cell_open && !strcmp(n, "rPh")) {
        r->depth_skip++;
    } else if (!strcmp(n, "mergeCell")) {
        const char *ref = attr(atts, "ref");
        const char *colon = ref ? strchr(ref, ':') : NULL;
        range g;
        char a[16];
        if (!colon || (size_t)(colon - ref) >= sizeof a)
            return;
        memcpy(a, ref, (size_t)(colon - ref));
        a[colon - ref] = '\0';
        if (!parse_ref(a, &g.c0, &g.r0) || !parse_ref(colon + 1, &g.c1, &g.r1) ||
            g.r1 < g.r0 || g.c1 < g.c0)
            return;
        if (!GROW_OR_STOP(r, r->merges, r->n_merges, r->cap_merges))
            return;
        r->merges[r->n_merges++] = g;
    }
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    xr *r = ud;
    const char *n = local(name);
    if (!strcmp(n, "v") || !strcmp(n, "t")) {
        r->in_text = false;
    } else if (!strcmp(n, "rPh")) {
        r->depth_skip--;
    } else if (!strcmp(n, "c") && r->cell_open) {
        r->cell_open = false;
        r->in_text = false;
        finish_cell(r);
        r->text.n = 0;
    }
}

/* ---- rows out ------------------------------------------------------------ */

static int cell_cmp(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    DD__CMP_BY(x->row, y->row);
    DD__CMP_BY(x->col, y->col);
    return 0;
}

/* Every merged area takes its top-left cell's value (sorted cells). */
static bool fill_merges(xr *r)
{
    size_t n0 = r->n_cells;
    for (size_t m = 0; m < r->n_merges && n0; m++) {
        const range *g = &r->merges[m];
        cell key = {g->r0, g->c0, 0, 0, 0};
        const cell *tl = bsearch(&key, r->cells, n0, sizeof *r->cells, cell_cmp);
        if (!tl)
            continue;
        cell v = *tl;
        uint64_t area = (uint64_t)(g->r1 - g->r0 + 1) * (g->c1 - g->c0 + 1);
        if (area > r->lim.max_cells) {
            fail_at_cell(r, g->c0, g->r0,
                         "a merged area of %llu cells: too large for an inventory",
                         (unsigned long long)area);
            return false;
        }
        for (uint32_t row = g->r0; row <= g->r1; row++)
            for (uint32_t col = g->c0; col <= g->c1; col++) {
                if (row == g->r0 && col == g->c0)
                    continue;
                if (!add_cell(r, row, col, v.kind, v.off, v.len))
                    return false;
            }
    }
    if (r->n_cells > n0)
        qsort(r->cells, r->n_cells, sizeof *r->cells, cell_cmp);
    return true;
}

static const char *cell_str(const xr *r, const cell *c)
{
    return c->kind == K_SST ? r->sst.p + r->sst_v[c->off].at : r->own.p + c->off;
}

static dd_status emit_rows(xr *r, dd_csv_row_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < r->n_cells && r->cells[i].len == 0)
        i++;
    if (i == r->n_cells) {
        fail_file(r, "the sheet '%s' is empty (expected a header row)", r->sheet_name);
        return DD_EINPUT;
    }
    uint32_t header_row = r->cells[i].row;
    /* back to the header row's first cell */
    while (i > 0 && r->cells[i - 1].row == header_row)
        i--;
    size_t cap = 0;
    const char **ptrs = NULL;
    size_t *lens = NULL;
    uint32_t header_n = 0;
    dd_status st = DD_OK;
    while (i < r->n_cells) {
        uint32_t row = r->cells[i].row;
        size_t j = i;
        uint32_t last = 0; /* columns up to the last non-empty one */
        for (; j < r->n_cells && r->cells[j].row == row; j++)
            if (r->cells[j].len)
                last = r->cells[j].col + 1;
        uint32_t n = row == header_row ? last : (last > header_n ? last : header_n);
        if (row == header_row)
            header_n = last;
        if (n > cap) {
            size_t nc = n;
            const char **p = realloc(ptrs, nc * sizeof *p);
            if (p)
                ptrs = p;
            size_t *l = realloc(lens, nc * sizeof *l);
            if (l)
                lens = l;
            if (!p || !l) {
                st = DD_ENOMEM;
                break;
            }
            cap = nc;
        }
        for (uint32_t k = 0; k < n; k++) {
            ptrs[k] = "";
            lens[k] = 0;
        }
        for (size_t k = i; k < j; k++) {
            const cell *c = &r->cells[k];
            if (c->col < n && c->len) {
                ptrs[c->col] = cell_str(r, c);
                lens[c->col] = c->len;
            }
        }
        dd_csv_row out = {n, ptrs, lens, row, 0, row - header_row, ',', r->sheet_name};
        i = j;
        if (!fn(ctx, &out))
            break;
    }
    free(ptrs);
    free(lens);
    return st;
}

/* ---- driver -------------------------------------------------------------- */

bool dd__xlsx_is_zip(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

static void xr_fini(xr *r)
{
    for (size_t i = 0; i < r->n_sheets; i++) {
        free(r->sheets[i].name);
        free(r->sheets[i].rid);
    }
    free(r->sheets);
    free(r->target);
    free(r->sst.p);
    free(r->sst_v);
    free(r->xf_date);
    free(r->fmt_date_ids);
    free(r->cells);
    free(r->own.p);
    free(r->merges);
    free(r->text.p);
    if (r->zip)
        zip_discard(r->zip);
}

/* Parse an optional part (absent: nothing to do). */
static bool optional_part(xr *r, const char *name, XML_StartElementHandler start,
                          XML_EndElementHandler end)
{
    char *data;
    size_t len;
    if (!unpack(r, name, false, &data, &len))
        return !r->failed && !r->oom;
    bool ok = run_xml(r, name, data, len, start, end);
    free(data);
    return ok;
}

static bool choose_sheet(xr *r, const char *want)
{
    if (r->n_sheets == 0) {
        fail_file(r, "the workbook has no sheets");
        return false;
    }
    size_t k = 0;
    if (want) {
        for (k = 0; k < r->n_sheets && strcmp(r->sheets[k].name, want); k++)
            ;
        if (k == r->n_sheets) {
            char names[400] = "";
            size_t n = 0;
            for (size_t i = 0; i < r->n_sheets && n + 4 < sizeof names; i++)
                n += (size_t)snprintf(names + n, sizeof names - n, "%s'%.60s'", i ? ", " : "",
                                      r->sheets[i].name);
            fail_file(r, "no sheet named '%.60s' (the workbook has %s)", want, names);
            return false;
        }
    }
    r->sheet_name = r->sheets[k].name;
    r->want_rid = r->sheets[k].rid;
    return true;
}

struct dd_xlsx {
    xr r;
};

dd_status dd__xlsx_open(const char *file, const char *data, size_t len, const char *sheet,
                        const dd_xlsx_limits *limits, dd_diags *diags, dd_xlsx **out)
{
    *out = NULL;
    dd_xlsx *x = calloc(1, sizeof *x);
    if (!x)
        return DD_ENOMEM;
    xr *r = &x->r;
    r->file = file;
    r->diags = diags;
    r->lim.max_part = limits ? limits->max_part : DD_XLSX_MAX_PART;
    r->lim.max_cells = limits ? limits->max_cells : DD_XLSX_MAX_CELLS;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        free(x);
        return DD_ENOMEM;
    }
    r->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!r->zip) {
        zip_source_free(src);
        fail_file(r, "not an .xlsx workbook (%s); save the sheet as .xlsx or as CSV",
                  zip_error_strerror(&ze));
        zip_error_fini(&ze);
        goto fail;
    }
    zip_error_fini(&ze);
    char *part;
    size_t plen;
    if (!unpack(r, "xl/workbook.xml", true, &part, &plen))
        goto fail;
    bool ok = run_xml(r, "xl/workbook.xml", part, plen, wb_start, no_end);
    free(part);
    if (!ok || !choose_sheet(r, sheet))
        goto fail;
    if (!optional_part(r, "xl/_rels/workbook.xml.rels", rels_start, no_end))
        goto fail;
    if (!r->target) {
        fail_file(r, "not an .xlsx workbook: the part of sheet '%s' is not named",
                  r->sheet_name);
        goto fail;
    }
    if (!optional_part(r, "xl/sharedStrings.xml", sst_start, sst_end) ||
        !optional_part(r, "xl/styles.xml", styles_start, styles_end))
        goto fail;
    if (!unpack(r, r->target, true, &part, &plen))
        goto fail;
    ok = run_xml(r, r->target, part, plen, sheet_start, sheet_end);
    free(part);
    if (!ok || r->oom)
        goto fail;
    if (r->n_cells)
        qsort(r->cells, r->n_cells, sizeof *r->cells, cell_cmp);
    /* a cell given twice keeps its last value (a damaged file; Excel
     * itself would refuse it) */
    size_t w = 0;
    for (size_t i = 0; i < r->n_cells; i++) {
        if (w && r->cells[w - 1].row == r->cells[i].row && r->cells[w - 1].col == r->cells[i].col)
            w--;
        r->cells[w++] = r->cells[i];
    }
    r->n_cells = w;
    if (!fill_merges(r))
        goto fail;
    /* the zip and its buffer are no longer needed */
    zip_discard(r->zip);
    r->zip = NULL;
    *out = x;
    return DD_OK;
fail:;
    dd_status st = r->oom ? DD_ENOMEM : DD_EINPUT;
    dd__xlsx_close(x);
    return st;
}

size_t dd__xlsx_n_rows(const dd_xlsx *x)
{
    size_t n = 0;
    for (size_t i = 0; i < x->r.n_cells; i++)
        if (i == 0 || x->r.cells[i].row != x->r.cells[i - 1].row)
            n++;
    return n;
}

const char *dd__xlsx_sheet(const dd_xlsx *x)
{
    return x->r.sheet_name;
}

dd_status dd__xlsx_rows(dd_xlsx *x, dd_csv_row_fn fn, void *ctx)
{
    /* cell errors (a #N/A) were reported on opening; the rows are still
     * read so that the rest of the sheet is checked in the same pass */
    dd_status st = emit_rows(&x->r, fn, ctx);
    if (st == DD_OK && x->r.failed)
        st = DD_EINPUT;
    return st;
}

void dd__xlsx_close(dd_xlsx *x)
{
    if (!x)
        return;
    xr_fini(&x->r);
    free(x);
}

/* ---- ordering messages ------------------------------------------------- */

/* The sort key of a diagnostic: its file, line and column; for a cell of
 * a workbook ("FILE:SHEET!F12", line 0) the part before '!', the row and
 * the column, so that a sheet's messages read row by row. */
typedef struct place_key {
    const char *file;
    size_t len;
    uint32_t line, col;
} place_key;

static place_key place_of(const dd_diag *g)
{
    place_key k = {g->file ? g->file : "", 0, g->line, g->col};
    k.len = strlen(k.file);
    const char *bang = g->line ? NULL : strrchr(k.file, '!');
    uint32_t col, row;
    if (bang && parse_ref(bang + 1, &col, &row)) {
        k.len = (size_t)(bang - k.file);
        k.line = row;
        k.col = col + 1;
    }
    return k;
}

static int place_cmp(const dd_diag *a, const dd_diag *b)
{
    place_key x = place_of(a), y = place_of(b);
    size_t n = x.len < y.len ? x.len : y.len;
    int c = memcmp(x.file, y.file, n);
    if (c)
        return c;
    DD__CMP_BY(x.len, y.len);
    DD__CMP_BY(x.line, y.line);
    DD__CMP_BY(x.col, y.col);
    return 0;
}

void dd__xlsx_diags_sort(dd_diags *d)
{
    dd__diags_sort_by(d, place_cmp);
}
