/* SPDX-License-Identifier: MIT */
/*
 * The CSV inventories: tasks, cargo and personnel, as a planner exports
 * them from a spreadsheet. Columns are found by header name (any order,
 * case-insensitive; a unit may follow the name: "weight (lb)", "length_in").
 * Cells are parsed with the same unit rules as the scenario file. Every bad
 * cell is reported with its line, column, row number and header.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/csvread.h"
#include "model/events_int.h"
#include "model/loader.h"
#include "read/xlsxread.h"
#include <drawdown/events.h>

enum cell_type { C_TEXT, C_INT, C_QTY, C_TIME, C_BOOL };

typedef struct colspec {
    const char *name;
    bool required;
    enum cell_type type;
    dd_qty qty;
    const char *alias1, *alias2;
} colspec;

#define MAX_COLS 24

typedef struct inv {
    dd_loader *L;
    const char *what; /* "cargo", "personnel", "tasks" */
    dd_inv_src src;   /* where the rows come from */
    const colspec *spec;
    size_t n_spec;
    int col[MAX_COLS];        /* spec index -> CSV column, or -1 */
    const char *unit[MAX_COLS]; /* unit from the header, or NULL */
    size_t n_header;
    const char **header; /* arena copies */
    size_t n_rows, cap_rows;
    bool header_ok;
    void *user;
    bool (*row_fn)(struct inv *v, const dd_csv_row *row);
} inv;

static void cell_err(inv *v, const dd_csv_row *row, int spec_i, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void cell_err(inv *v, const dd_csv_row *row, int spec_i, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int c = spec_i >= 0 ? v->col[spec_i] : 0;
    char path[160];
    if (spec_i >= 0)
        snprintf(path, sizeof path, "%s row %zu, column %s", v->what, row->index,
                 v->spec[spec_i].name);
    else
        snprintf(path, sizeof path, "%s row %zu", v->what, row->index);
    dd__inv_at(v->L, DD_SEV_ERROR, &v->src, row->line, row->offset, c < 0 ? 0 : c, path, "%s",
               msg);
}

void dd__inv_at(dd_loader *L, dd_severity sev, const dd_inv_src *src, uint32_t line,
                size_t offset, int field, const char *path, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (src->sheet) {
        char place[512];
        dd__xlsx_cell_place(src->file, src->sheet, field < 0 ? 0 : (uint32_t)field, line, place,
                            sizeof place);
        dd_diags_add(L->diags, sev, place, 0, 0, path, NULL, "%s", msg);
        return;
    }
    uint32_t l = line, c = 1;
    if (field >= 0)
        dd__csv_locate(src->text, src->len, src->sep, offset, (size_t)field, line, &l, &c);
    const char *text = field == DD_INV_ROW_QUIET ? NULL : src->text;
    dd__lerr_at(L, sev, src->file, text, text ? src->len : 0, l, c, path, "%s", msg);
}

static void lower_trim(const char *in, char *out, size_t size)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = 0;
    for (; *in && n + 1 < size; in++)
        out[n++] = (char)tolower((unsigned char)*in);
    while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

/* Split "weight (lb)", "weight [lb]", "weight_lb" into name and unit. */
static void split_header(char *h, const char **unit_out, dd_qty q, bool has_qty)
{
    *unit_out = NULL;
    char *open = strpbrk(h, "([");
    if (open) {
        char *close = strpbrk(open, ")]");
        if (close) {
            *close = '\0';
            char *u = open + 1;
            while (*u == ' ')
                u++;
            *unit_out = u;
            while (open > h && open[-1] == ' ')
                open--;
            *open = '\0';
            return;
        }
    }
    char *us = strrchr(h, '_');
    if (us && has_qty && dd__unit_known(q, us + 1)) {
        *unit_out = us + 1;
        *us = '\0';
    }
}

/* The spec column that header cell h (lowered, trimmed) names, trying the
 * unit split per quantity column; -1 when none. *unit_out: its unit (in
 * the arena) or NULL. */
static int match_spec(inv *v, const char *h, const char **unit_out)
{
    *unit_out = NULL;
    for (size_t i = 0; i < v->n_spec; i++) {
        char tmp[128];
        memcpy(tmp, h, sizeof tmp);
        const char *u;
        split_header(tmp, &u, v->spec[i].qty, v->spec[i].type == C_QTY);
        const colspec *cs = &v->spec[i];
        if (strcmp(tmp, cs->name) == 0 || (cs->alias1 && strcmp(tmp, cs->alias1) == 0) ||
            (cs->alias2 && strcmp(tmp, cs->alias2) == 0)) {
            *unit_out = u ? dd__arena_strdup(v->L->arena, u) : NULL;
            return (int)i;
        }
    }
    return -1;
}

/* Whether the first row names at least one column of the inventory (or a
 * near miss of one): else the file is something else, and none of its
 * text is echoed (an inventory path may name any readable file). */
static bool looks_like_header(inv *v, const dd_csv_row *row, const char *const *known)
{
    for (size_t c = 0; c < row->n_fields; c++) {
        char h[128];
        lower_trim(row->fields[c], h, sizeof h);
        const char *unit;
        if (h[0] && (match_spec(v, h, &unit) >= 0 || dd__suggest(h, known)))
            return true;
    }
    return false;
}

static bool read_header(inv *v, const dd_csv_row *row)
{
    dd_loader *L = v->L;
    for (size_t i = 0; i < v->n_spec; i++)
        v->col[i] = -1;
    v->n_header = row->n_fields;
    v->header = dd__arena_array(L->arena, row->n_fields ? row->n_fields : 1, sizeof *v->header);
    if (!v->header) {
        L->oom = true;
        return false;
    }
    const char *known[MAX_COLS + 1];
    for (size_t i = 0; i < v->n_spec; i++)
        known[i] = v->spec[i].name;
    known[v->n_spec] = NULL;
    v->header_ok = true;
    if (!looks_like_header(v, row, known)) {
        char path[128];
        snprintf(path, sizeof path, "%s header", v->what);
        dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, 0, DD_INV_ROW_QUIET, path,
                   "not a %s inventory: its first row names none of its columns (%s, ...; "
                   "docs/format.md)",
                   v->what, v->spec[0].name);
        v->header_ok = false;
        return false;
    }
    uint32_t suggested = 0; /* spec columns named in a "did you mean" */
    for (size_t c = 0; c < row->n_fields; c++) {
        char h[128];
        lower_trim(row->fields[c], h, sizeof h);
        v->header[c] = dd__arena_strdup(L->arena, row->fields[c]);
        const char *unit = NULL;
        int found = match_spec(v, h, &unit);
        const int at = (int)c;
        char path[128];
        snprintf(path, sizeof path, "%s header", v->what);
        if (found < 0) {
            if (h[0] == '\0') {
                dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, at, path,
                            "column %zu has no name", c + 1);
                v->header_ok = false;
                continue;
            }
            const char *s = dd__suggest(h, known);
            for (size_t i = 0; s && i < v->n_spec; i++)
                if (v->spec[i].name == s)
                    suggested |= 1u << i;
            if (s)
                dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, at, path,
                            "unknown column '%.60s' (did you mean '%s'?)", row->fields[c], s);
            else
                dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, at, path,
                            "unknown column '%.60s'", row->fields[c]);
            v->header_ok = false;
            continue;
        }
        if (v->col[found] >= 0) {
            dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, at, path,
                        "column '%s' appears twice", v->spec[found].name);
            v->header_ok = false;
            continue;
        }
        if (unit && v->spec[found].type == C_TIME) {
            /* times without an offset are host-country local, or UTC when
             * the header says "(UTC)" */
            if (strcmp(unit, "utc") && strcmp(unit, "z") && strcmp(unit, "local")) {
                dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, at, path,
                            "column '%s' takes (UTC) or (local), got '%s'", v->spec[found].name,
                            unit);
                v->header_ok = false;
                v->col[found] = (int)c; /* known column: no "missing column" too */
                continue;
            }
        } else if (unit && v->spec[found].type != C_QTY) {
            dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, at, path,
                        "column '%s' takes no unit, got '%s'", v->spec[found].name, unit);
            v->header_ok = false;
            v->col[found] = (int)c;
            continue;
        } else if (unit && !dd__unit_known(v->spec[found].qty, unit)) {
            dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, at, path,
                        "unknown unit '%s' for column '%s' (units: %s)", unit,
                        v->spec[found].name, dd__qty_units(v->spec[found].qty));
            v->header_ok = false;
            v->col[found] = (int)c;
            continue;
        }
        v->col[found] = (int)c;
        v->unit[found] = unit;
    }
    for (size_t i = 0; i < v->n_spec; i++) {
        if (v->spec[i].required && v->col[i] < 0 && !((suggested >> i) & 1u)) {
            char path[128];
            snprintf(path, sizeof path, "%s header", v->what);
            dd__inv_at(L, DD_SEV_ERROR, &v->src, row->line, row->offset, DD_INV_ROW, path,
                       "missing required column '%s'", v->spec[i].name);
            v->header_ok = false;
        }
    }
    return v->header_ok;
}

/* The raw text of spec column i in this row, or NULL when the column is
 * absent or the cell is blank. */
static const char *cell(const inv *v, const dd_csv_row *row, int i)
{
    int c = v->col[i];
    if (c < 0 || (size_t)c >= row->n_fields)
        return NULL;
    const char *s = row->fields[c];
    while (*s == ' ' || *s == '\t')
        s++;
    return *s ? s : NULL;
}

static bool need(inv *v, const dd_csv_row *row, int i, const char **out)
{
    const char *s = cell(v, row, i);
    if (!s) {
        if (v->spec[i].required) {
            cell_err(v, row, i, "required value is empty");
            return false;
        }
        return false;
    }
    *out = s;
    return true;
}

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* A group separator of a number written with a decimal comma: a point, a
 * space or a no-break space (U+00A0, U+202F) before three digits; its
 * length in bytes, or 0. */
static size_t group_mark(const char *p)
{
    size_t n = *p == '.' || *p == ' ' ? 1
               : !strncmp(p, "\xC2\xA0", 2) ? 2
               : !strncmp(p, "\xE2\x80\xAF", 3) ? 3
                                                 : 0;
    if (n && digit(p[n]) && digit(p[n + 1]) && digit(p[n + 2]) && !digit(p[n + 3]))
        return n;
    return 0;
}

/* In a file separated by semicolons or tabs the comma is the decimal mark
 * (1.234,5 and 1 234,5 are 1234.5): the number rewritten with a point into
 * buf, or s itself when it has no decimal comma. A tab-separated file may
 * come from a spreadsheet that writes points, though: there a comma before
 * exactly three digits, with no point before it (6,400), stays a
 * thousands separator. */
static const char *decimal_comma(const inv *v, const char *s, char *buf, size_t size)
{
    const char *comma = strchr(s, ',');
    if (v->src.sep == ',' || !comma)
        return s;
    if (v->src.sep == '\t' && !memchr(s, '.', (size_t)(comma - s)) && digit(comma[1]) &&
        digit(comma[2]) && digit(comma[3]) && !digit(comma[4]))
        return s;
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (n + 2 >= size)
            return s;
        size_t g = p > s && digit(p[-1]) ? group_mark(p) : 0;
        if (g && strchr(p, ',')) {
            p += g - 1; /* a group mark before the decimal comma */
            continue;
        }
        buf[n++] = *p == ',' && p > s && digit(p[-1]) && digit(p[1]) ? '.' : *p;
    }
    buf[n] = '\0';
    return buf;
}

/* A comma-separated file's number written with a decimal comma ("6400,5",
 * quoted): the message that says what to write instead, or false. */
static bool comma_hint(inv *v, const dd_csv_row *row, int i, const char *s)
{
    const char *c = strchr(s, ',');
    if (v->src.sep != ',' || !c || c == s || !digit(c[-1]) || !digit(c[1]))
        return false;
    size_t after = 0;
    while (digit(c[1 + after]))
        after++;
    if (after == 3 && !strchr(c + 1, ','))
        return false; /* 6,400: thousands; the error is elsewhere */
    char fixed[128];
    snprintf(fixed, sizeof fixed, "%s", s);
    fixed[c - s < (ptrdiff_t)sizeof fixed ? c - s : 0] = '.';
    cell_err(v, row, i,
             "decimal comma in '%s': write a point (%s), or %s", s, fixed,
             v->src.sheet ? "enter it as a number, not as text"
                          : "save the sheet separated by semicolons, where a comma is the "
                            "decimal mark");
    return true;
}

static bool cell_int(inv *v, const dd_csv_row *row, int i, int64_t min, int64_t max,
                     int32_t *out)
{
    const char *s;
    if (!need(v, row, i, &s))
        return false;
    int64_t x;
    char b[128];
    if (dd__parse_int(decimal_comma(v, s, b, sizeof b), &x)) {
        if (!comma_hint(v, row, i, s))
            cell_err(v, row, i, "expected a whole number, got '%s'", s);
        return false;
    }
    if (x < min || x > max) {
        cell_err(v, row, i, "must be between %lld and %lld, got %lld", (long long)min,
                 (long long)max, (long long)x);
        return false;
    }
    *out = (int32_t)x;
    return true;
}

static bool cell_qty(inv *v, const dd_csv_row *row, int i, double *out)
{
    const char *s;
    if (!need(v, row, i, &s))
        return false;
    dd_qty q = v->spec[i].qty;
    const char *def = v->unit[i] ? v->unit[i]
                      : q == DD_Q_WEIGHT ? v->L->weight_unit
                      : q == DD_Q_LENGTH ? v->L->length_unit
                                         : NULL;
    char b[128];
    const char *err = dd__parse_qty(decimal_comma(v, s, b, sizeof b), q, def, out);
    if (err) {
        if (!comma_hint(v, row, i, s))
            cell_err(v, row, i, "%s, got '%s' (units: %s)", err, s, dd__qty_units(q));
        return false;
    }
    return true;
}

static bool cell_time(inv *v, const dd_csv_row *row, int i, dd_time *out)
{
    const char *s;
    if (!need(v, row, i, &s))
        return false;
    int64_t u;
    int32_t tz = v->unit[i] && strcmp(v->unit[i], "local") ? 0 : v->L->tz;
    const char *err = dd__parse_time(s, tz, false, &u, NULL);
    if (err) {
        cell_err(v, row, i, "%s, got '%s'", err, s);
        return false;
    }
    *out = dd__to_minutes(v->L, u);
    return true;
}

static bool cell_bool(inv *v, const dd_csv_row *row, int i, bool *out)
{
    const char *s;
    if (!need(v, row, i, &s))
        return false;
    char b[16];
    lower_trim(s, b, sizeof b);
    if (!strcmp(b, "yes") || !strcmp(b, "y") || !strcmp(b, "true") || !strcmp(b, "1") ||
        !strcmp(b, "x")) {
        *out = true;
        return true;
    }
    if (!strcmp(b, "no") || !strcmp(b, "n") || !strcmp(b, "false") || !strcmp(b, "0")) {
        *out = false;
        return true;
    }
    cell_err(v, row, i, "expected yes or no, got '%s'", s);
    return false;
}

static const char *cell_text(inv *v, const dd_csv_row *row, int i, const char *dflt)
{
    const char *s;
    if (!need(v, row, i, &s))
        return dflt;
    char *c = dd__arena_strdup(v->L->arena, s);
    if (!c) {
        v->L->oom = true;
        return dflt;
    }
    /* trim trailing blanks */
    size_t n = strlen(c);
    while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
        c[--n] = '\0';
    return c;
}

static int32_t cell_site(inv *v, const dd_csv_row *row, int i)
{
    const char *s;
    if (!need(v, row, i, &s))
        return -1;
    int32_t k = dd__idmap_get(&v->L->sites, s);
    if (k < 0 && v->L->s->n_sites == 0)
        return -1; /* no sites loaded: that was reported, not every row */
    if (k < 0) {
        const char *known[64];
        size_t n = 0;
        for (size_t j = 0; j < v->L->s->n_sites && n < 63; j++)
            known[n++] = v->L->sites_v[j].id;
        known[n] = NULL;
        char msg[512];
        cell_err(v, row, i, "%s", dd__unknown(msg, sizeof msg, "site", s, s, known, NULL));
    }
    return k;
}

static bool row_shape(inv *v, const dd_csv_row *row)
{
    if (row->n_fields == v->n_header)
        return true;
    char path[96];
    snprintf(path, sizeof path, "%s row %zu", v->what, row->index);
    if (row->n_fields < v->n_header)
        dd__inv_at(v->L, DD_SEV_ERROR, &v->src, row->line, row->offset,
                   row->n_fields ? (int)row->n_fields - 1 : 0, path,
                   "row has %zu fields but the header has %zu (missing '%s')", row->n_fields,
                   v->n_header, v->header[row->n_fields]);
    else
        dd__inv_at(v->L, DD_SEV_ERROR, &v->src, row->line, row->offset, (int)v->n_header, path,
                   "row has %zu fields but the header has %zu", row->n_fields, v->n_header);
    return false;
}

static bool on_row(void *ctx, const dd_csv_row *row)
{
    inv *v = ctx;
    if (v->L->oom)
        return false;
    if (row->index == 0) {
        v->src.sep = row->sep;
        /* kept for the late messages, after the workbook is closed */
        v->src.sheet = row->sheet ? dd__arena_strdup(v->L->arena, row->sheet) : NULL;
        if (row->sheet && !v->src.sheet) {
            v->L->oom = true;
            return false;
        }
        return read_header(v, row);
    }
    if (!v->header_ok)
        return false;
    /* a row of only empty cells (spreadsheet padding) is skipped */
    bool empty = true;
    for (size_t i = 0; i < row->n_fields && empty; i++)
        if (row->lens[i])
            empty = false;
    if (empty)
        return true;
    if (!row_shape(v, row))
        return v->L->diags->n_errors < v->L->diags->max;
    v->row_fn(v, row);
    return v->L->diags->n_errors < v->L->diags->max || v->L->diags->n_errors < 1000;
}

static size_t count_lines(const char *t, size_t n)
{
    size_t c = 1;
    for (const char *p = t; (p = memchr(p, '\n', n - (size_t)(p - t))) != NULL; p++)
        c++;
    return c;
}

/* ---- tasks ----------------------------------------------------------- */

static const colspec task_cols[] = {
    {"id", true, C_TEXT, DD_Q_COUNT_, "task", NULL},
    {"site", true, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"duration", true, C_QTY, DD_Q_DURATION, NULL, NULL},
    {"predecessors", false, C_TEXT, DD_Q_COUNT_, "after", "depends_on"},
    {"resources", false, C_TEXT, DD_Q_COUNT_, "demands", NULL},
    {"releases", false, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"description", false, C_TEXT, DD_Q_COUNT_, "name", NULL},
};

/* Where a row of each list starts (its line, for "first on line N"). */
static uint32_t task_line(const dd_loader *L, int32_t k)
{
    return L->tasks_v[k].line;
}

static uint32_t cargo_line(const dd_loader *L, int32_t k)
{
    return L->cargo_v[k].line;
}

static uint32_t people_line(const dd_loader *L, int32_t k)
{
    return L->people_v[k].line;
}

/* The start of row k of a list: its offset in offs[k], its line in *line,
 * and its id (column col, "" when empty) entered in ids; an id listed
 * before is reported with the row or line of the first, from first_line. */
static const char *row_start(inv *v, const dd_csv_row *row, size_t k, size_t *offs, uint32_t *line,
                             int col, dd_idmap *ids, const char *what,
                             uint32_t (*first_line)(const dd_loader *, int32_t))
{
    offs[k] = row->offset;
    *line = row->line;
    const char *id = cell_text(v, row, col, "");
    if (*id) {
        int32_t prev = dd__idmap_put(ids, id, (int32_t)k);
        if (prev >= 0)
            cell_err(v, row, col, "duplicate %s id '%s' (first on %s %u)", what, id,
                     v->src.sheet ? "row" : "line", first_line(v->L, prev));
    }
    return id;
}

static bool task_row(inv *v, const dd_csv_row *row)
{
    dd_loader *L = v->L;
    size_t k = v->n_rows++;
    dd_task *t = &L->tasks_v[k];
    struct pending_task *pt = &L->pending[k];
    t->site = -1;
    t->id = row_start(v, row, k, L->tasks_off, &t->line, T_ID, &L->tasks, "task", task_line);
    t->site = cell_site(v, row, T_SITE);
    double d;
    if (cell_qty(v, row, T_DUR, &d)) {
        if (d < 0)
            cell_err(v, row, T_DUR, "duration must be zero or more");
        else
            t->duration = (dd_time)llround(d);
    }
    t->description = cell_text(v, row, T_DESC, "");
    pt->preds = cell_text(v, row, T_PRED, NULL);
    pt->demands = cell_text(v, row, T_RES, NULL);
    pt->releases = cell_text(v, row, T_REL, NULL);
    pt->line = row->line;
    pt->row_off = row->offset;
    return true;
}

/* ---- cargo ------------------------------------------------------------ */

static const colspec cargo_cols[] = {
    {"id", true, C_TEXT, DD_Q_COUNT_, "tcn", NULL},
    {"site", true, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"description", false, C_TEXT, DD_Q_COUNT_, "name", NULL},
    {"quantity", false, C_INT, DD_Q_COUNT_, "qty", "count"},
    {"weight", true, C_QTY, DD_Q_WEIGHT, "weight_each", NULL},
    {"length", true, C_QTY, DD_Q_LENGTH, NULL, NULL},
    {"width", true, C_QTY, DD_Q_LENGTH, NULL, NULL},
    {"height", true, C_QTY, DD_Q_LENGTH, NULL, NULL},
    {"kind", false, C_TEXT, DD_Q_COUNT_, "type", NULL},
    {"hazard", false, C_TEXT, DD_Q_COUNT_, "hazard_class", "hazmat"},
    {"sensitive", false, C_BOOL, DD_Q_COUNT_, NULL, NULL},
    {"ready", false, C_TIME, DD_Q_COUNT_, "ready_date", NULL},
    {"released_by", false, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"priority", false, C_INT, DD_Q_COUNT_, NULL, NULL},
    {"disposition", false, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"unit", false, C_TEXT, DD_Q_COUNT_, "owner", NULL},
    {"max_stack", false, C_INT, DD_Q_COUNT_, "stack", NULL},
};

static const struct { const char *name; dd_cargo_kind kind; } kind_names[] = {
    {"loose", DD_CARGO_LOOSE}, {"palletisable", DD_CARGO_LOOSE},
    {"palletizable", DD_CARGO_LOOSE}, {"pallet", DD_CARGO_PALLET},
    {"rolling", DD_CARGO_ROLLING}, {"rolling stock", DD_CARGO_ROLLING},
    {"vehicle", DD_CARGO_ROLLING}, {"outsize", DD_CARGO_OUTSIZE},
    {"drone", DD_CARGO_DRONE}, {"crated drone", DD_CARGO_DRONE},
    {"container", DD_CARGO_CONTAINER}};

static bool cargo_row(inv *v, const dd_csv_row *row)
{
    dd_loader *L = v->L;
    size_t k = v->n_rows++;
    dd_cargo *c = &L->cargo_v[k];
    c->id = row_start(v, row, k, L->cargo_off, &c->line, K_ID, &L->cargo, "cargo", cargo_line);
    c->site = cell_site(v, row, K_SITE);
    c->description = cell_text(v, row, K_DESC, "");
    c->quantity = 1;
    cell_int(v, row, K_QTY, 1, 1000000, &c->quantity);
    if (cell_qty(v, row, K_W, &c->weight_kg) && c->weight_kg <= 0)
        cell_err(v, row, K_W, "weight must be positive, got '%s'", cell(v, row, K_W));
    static const int dims[] = {K_L, K_WD, K_H};
    double *dv[] = {&c->length_m, &c->width_m, &c->height_m};
    for (int d = 0; d < 3; d++)
        if (cell_qty(v, row, dims[d], dv[d]) && *dv[d] <= 0)
            cell_err(v, row, dims[d], "%s must be positive, got '%s'", v->spec[dims[d]].name,
                     cell(v, row, dims[d]));
    c->kind = DD_CARGO_LOOSE;
    const char *s;
    if (need(v, row, K_KIND, &s)) {
        char b[32];
        lower_trim(s, b, sizeof b);
        bool ok = false;
        for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++)
            if (strcmp(b, kind_names[i].name) == 0) {
                c->kind = kind_names[i].kind;
                ok = true;
            }
        if (!ok)
            cell_err(v, row, K_KIND,
                     "unknown kind '%s' (kinds: loose, pallet, rolling, outsize, drone, "
                     "container)",
                     s);
    }
    c->hazard = -1;
    if (need(v, row, K_HAZ, &s)) {
        char b[32];
        lower_trim(s, b, sizeof b);
        if (strcmp(b, "none") != 0 && strcmp(b, "-") != 0) {
            c->hazard = dd__hazard_index(L, s);
            if (c->hazard == -2) {
                cell_err(v, row, K_HAZ, "more than 32 hazard classes in the scenario");
                c->hazard = -1;
            }
        }
    }
    cell_bool(v, row, K_SENS, &c->sensitive);
    c->ready = DD_TIME_NONE;
    cell_time(v, row, K_READY, &c->ready);
    c->released_by = -1;
    L->cargo_release_by[k] = cell_text(v, row, K_RELBY, NULL);
    c->priority = 3;
    cell_int(v, row, K_PRIO, 1, 9, &c->priority);
    c->disposition = DD_DISP_SHIP;
    if (need(v, row, K_DISP, &s)) {
        char b[32];
        lower_trim(s, b, sizeof b);
        if (!strcmp(b, "ship"))
            c->disposition = DD_DISP_SHIP;
        else if (!strcmp(b, "handover") || !strcmp(b, "hand over") || !strcmp(b, "hand-over"))
            c->disposition = DD_DISP_HANDOVER;
        else if (!strcmp(b, "destroy"))
            c->disposition = DD_DISP_DESTROY;
        else
            cell_err(v, row, K_DISP,
                     "unknown disposition '%s' (dispositions: ship, handover, destroy)", s);
    }
    c->unit = cell_text(v, row, K_UNIT, "");
    c->max_stack = 1;
    cell_int(v, row, K_STACK, 1, 100, &c->max_stack);
    return true;
}

/* ---- personnel -------------------------------------------------------- */

static const colspec people_cols[] = {
    {"id", true, C_TEXT, DD_Q_COUNT_, "group", "name"},
    {"site", true, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"count", false, C_INT, DD_Q_COUNT_, "quantity", "pax"},
    {"role", true, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"release", false, C_TIME, DD_Q_COUNT_, "release_date", NULL},
    {"released_by", false, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"arrival", false, C_TIME, DD_Q_COUNT_, "arrives", NULL},
    {"unit", false, C_TEXT, DD_Q_COUNT_, NULL, NULL},
};

static bool people_row(inv *v, const dd_csv_row *row)
{
    dd_loader *L = v->L;
    size_t k = v->n_rows++;
    dd_people *p = &L->people_v[k];
    p->id = row_start(v, row, k, L->people_off, &p->line, P_ID, &L->people, "personnel",
                      people_line);
    p->site = cell_site(v, row, P_SITE);
    p->count = 1;
    cell_int(v, row, P_COUNT, 1, 1000000, &p->count);
    const char *s;
    if (need(v, row, P_ROLE, &s)) {
        char b[32];
        lower_trim(s, b, sizeof b);
        if (!strcmp(b, "security"))
            p->role = DD_ROLE_SECURITY;
        else if (!strcmp(b, "operations") || !strcmp(b, "ops"))
            p->role = DD_ROLE_OPERATIONS;
        else if (!strcmp(b, "support"))
            p->role = DD_ROLE_SUPPORT;
        else if (!strcmp(b, "augmentee"))
            p->role = DD_ROLE_AUGMENTEE;
        else if (!strcmp(b, "evacuee"))
            p->role = DD_ROLE_EVACUEE;
        else
            cell_err(v, row, P_ROLE,
                     "unknown role '%s' (roles: security, operations, support, augmentee, "
                     "evacuee)",
                     s);
    }
    p->release = DD_TIME_NONE;
    cell_time(v, row, P_REL, &p->release);
    p->released_by = -1;
    L->people_release_by[k] = cell_text(v, row, P_RELBY, NULL);
    p->arrival = DD_TIME_NONE;
    cell_time(v, row, P_ARR, &p->arrival);
    if (p->arrival != DD_TIME_NONE && p->role != DD_ROLE_AUGMENTEE)
        cell_err(v, row, P_ARR, "only augmentees have an arrival time");
    p->unit = cell_text(v, row, P_UNIT, "");
    return true;
}

/* ---- driver ----------------------------------------------------------- */

/* One inventory as read: a CSV text or an opened sheet of a workbook. */
typedef struct inv_in {
    const char *file;
    const char *text;
    size_t len;
    dd_xlsx *book;
    size_t cap; /* rows at most */
} inv_in;

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* inventories.KEY: a path, or {file: PATH, sheet: NAME} for a workbook. */
static bool read_inventory(dd_loader *L, dd_ynode *inv_map, const char *key, inv_in *in)
{
    memset(in, 0, sizeof *in);
    dd_ynode *n = dd__yget(inv_map, key);
    if (!n)
        return false;
    char path[64], fpath[80], spath[80];
    snprintf(path, sizeof path, "inventories.%s", key);
    snprintf(fpath, sizeof fpath, "inventories.%s.file", key);
    snprintf(spath, sizeof spath, "inventories.%s.sheet", key);
    const char *rel = NULL, *sheet = NULL;
    dd_ynode *fn = n, *sn = NULL;
    if (n->kind == DD_Y_MAP) {
        fn = dd__yreq(L, n, path, "file");
        sn = dd__yget(n, "sheet");
        static const char *const known[] = {"file", "sheet", NULL};
        dd__yunknown(L, n, path, known);
        if (!fn || !dd__ystr(L, fn, fpath, &rel) || (sn && !dd__ystr(L, sn, spath, &sheet)))
            return false;
    } else if (!dd__ystr(L, n, path, &rel)) {
        return false;
    }
    char *full = dd__join_path(L->arena, L->base_dir, rel);
    if (!full) {
        L->oom = true;
        return false;
    }
    char *text;
    size_t len;
    const char *why = NULL;
    dd_status st = dd__read_file(L->arena, full, &text, &len, &why);
    if (st == DD_ENOMEM) {
        L->oom = true;
        return false;
    }
    if (st != DD_OK) {
        dd__lerr(L, fn, fn == n ? path : fpath, "cannot read '%s' (%s)", full, why);
        return false;
    }
    in->file = full;
    /* a workbook by its content, whatever its name */
    if (dd__xlsx_is_zip(text, len) || ends_with_ci(full, ".xlsx")) {
        st = dd__xlsx_open(full, text, len, sheet, NULL, L->diags, &in->book);
        if (st == DD_ENOMEM)
            L->oom = true;
        if (st != DD_OK)
            return false;
        in->cap = dd__xlsx_n_rows(in->book);
        return true;
    }
    if (len >= 8 && memcmp(text, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        dd__lerr(L, fn, fn == n ? path : fpath,
                 "'%s' is an Excel 97-2003 workbook (.xls): save it as .xlsx or as CSV UTF-8",
                 full);
        return false;
    }
    if (sheet) {
        dd__lerr(L, sn, spath, "'%s' is a CSV file, which has no sheets", full);
        return false;
    }
    in->text = text;
    in->len = len;
    in->cap = count_lines(text, len);
    return true;
}

static void run_inventory(dd_loader *L, inv *v, const char *what, const colspec *spec,
                          size_t n_spec, bool (*row_fn)(inv *, const dd_csv_row *),
                          const inv_in *in)
{
    memset(v, 0, sizeof *v);
    v->L = L;
    v->what = what;
    v->src.file = in->file;
    v->src.text = in->text;
    v->src.len = in->len;
    v->src.sep = ',';
    v->spec = spec;
    v->n_spec = n_spec;
    v->row_fn = row_fn;
    dd_status st = in->book ? dd__xlsx_rows(in->book, on_row, v)
                            : dd__csv_read(in->file, in->text, in->len, L->diags, on_row, v);
    if (st == DD_ENOMEM)
        L->oom = true;
}

void dd__load_inventories(dd_loader *L, dd_ynode *root)
{
    dd_scenario *s = L->s;
    dd_ynode *im = dd__yget(root, "inventories");
    if (im && !dd__yexpect(L, im, DD_Y_MAP, "inventories"))
        im = NULL;
    inv_in ti, ci, pi;
    bool has_t = im && read_inventory(L, im, "tasks", &ti);
    bool has_c = im && read_inventory(L, im, "cargo", &ci);
    bool has_p = im && read_inventory(L, im, "personnel", &pi);
    if (im) {
        static const char *const known[] = {"cargo", "personnel", "tasks", NULL};
        dd__yunknown(L, im, "inventories", known);
    }
    size_t cap_t = has_t ? ti.cap : 0, cap_c = has_c ? ci.cap : 0, cap_p = has_p ? pi.cap : 0;
    if (dd__idmap_init(&L->tasks, L->arena, cap_t) != DD_OK ||
        dd__idmap_init(&L->cargo, L->arena, cap_c) != DD_OK ||
        dd__idmap_init(&L->people, L->arena, cap_p) != DD_OK) {
        L->oom = true;
        goto done;
    }
    L->tasks_v = dd__arena_array(L->arena, cap_t + 1, sizeof *L->tasks_v);
    L->pending = dd__arena_array(L->arena, cap_t + 1, sizeof *L->pending);
    L->tasks_off = dd__arena_array(L->arena, cap_t + 1, sizeof *L->tasks_off);
    L->cargo_v = dd__arena_array(L->arena, cap_c + 1, sizeof *L->cargo_v);
    L->cargo_release_by = dd__arena_array(L->arena, cap_c + 1, sizeof *L->cargo_release_by);
    L->cargo_off = dd__arena_array(L->arena, cap_c + 1, sizeof *L->cargo_off);
    L->people_v = dd__arena_array(L->arena, cap_p + 1, sizeof *L->people_v);
    L->people_release_by = dd__arena_array(L->arena, cap_p + 1, sizeof *L->people_release_by);
    L->people_off = dd__arena_array(L->arena, cap_p + 1, sizeof *L->people_off);
    if (!L->tasks_v || !L->pending || !L->tasks_off || !L->cargo_v || !L->cargo_release_by ||
        !L->cargo_off || !L->people_v || !L->people_release_by || !L->people_off) {
        L->oom = true;
        goto done;
    }
    inv v;
    if (has_t) {
        run_inventory(L, &v, "tasks", task_cols, 7, task_row, &ti);
        s->n_tasks = v.n_rows;
        memcpy(L->tasks_col, v.col, sizeof L->tasks_col);
        L->tasks_src = v.src;
    }
    if (has_c) {
        run_inventory(L, &v, "cargo", cargo_cols, 17, cargo_row, &ci);
        s->n_cargo = v.n_rows;
        memcpy(L->cargo_col, v.col, sizeof L->cargo_col);
        L->cargo_src = v.src;
    }
    if (has_p) {
        run_inventory(L, &v, "personnel", people_cols, 8, people_row, &pi);
        s->n_people = v.n_rows;
        memcpy(L->people_col, v.col, sizeof L->people_col);
        L->people_src = v.src;
    }
    s->tasks = L->tasks_v;
    s->cargo = L->cargo_v;
    s->people = L->people_v;
done:
    dd__xlsx_close(has_t ? ti.book : NULL);
    dd__xlsx_close(has_c ? ci.book : NULL);
    dd__xlsx_close(has_p ? pi.book : NULL);
}

/* ---- events (tracking, docs/track.md) ---------------------------------- */

enum { E_TIME, E_EVENT, E_SUBJECT, E_VALUE, E_NOTE, E_SOURCE };

static const colspec event_cols[] = {
    {"time", true, C_TIME, DD_Q_COUNT_, "at", NULL},
    {"event", true, C_TEXT, DD_Q_COUNT_, "kind", NULL},
    {"subject", false, C_TEXT, DD_Q_COUNT_, "sortie", NULL},
    {"value", false, C_TEXT, DD_Q_COUNT_, NULL, NULL},
    {"note", false, C_TEXT, DD_Q_COUNT_, "remarks", NULL},
    {"source", false, C_TEXT, DD_Q_COUNT_, NULL, NULL},
};

typedef struct ev_out {
    dd_event *v;
    size_t cap;
} ev_out;

static const char *const event_names[] = {
#define DD_EVENT_NAME(id, name, text) name,
    DD_EVENT_MAP(DD_EVENT_NAME)
#undef DD_EVENT_NAME
        NULL};

/* a time cell's text (not a column of its own): `what` names it */
static bool text_time(inv *v, const dd_csv_row *row, int i, const char *s, const char *what,
                      dd_time *out)
{
    int64_t u;
    const char *err = dd__parse_time(s, v->L->tz, false, &u, NULL);
    if (err) {
        cell_err(v, row, i, "%s: %s, got '%s'", what, err, s);
        return false;
    }
    *out = dd__to_minutes(v->L, u);
    return true;
}

/* A numbered reference in the subject cell: "12", "<word> 12" (the word
 * in any case), "#12"; else "expected <what>, got '...'". */
static bool numbered_ref(inv *v, const dd_csv_row *row, const char *s, const char *word,
                         const char *what, int32_t *out)
{
    const char *p = s;
    size_t wl = strlen(word);
    if (!strncasecmp(p, word, wl))
        p += wl;
    while (*p == ' ' || *p == '#')
        p++;
    int64_t x;
    if (!*p || dd__parse_int(p, &x) || x < 1 || x > INT32_MAX) {
        cell_err(v, row, E_SUBJECT, "expected %s, got '%s'", what, s);
        return false;
    }
    *out = (int32_t)x;
    return true;
}

/* "12", "sortie 12", "#12" */
static bool event_sortie(inv *v, const dd_csv_row *row, const char *s, int32_t *out)
{
    return numbered_ref(v, row, s, "sortie", "a sortie number of the plan", out);
}

static int32_t event_id(inv *v, const dd_csv_row *row, const dd_idmap *m, const char *what,
                        const char *s, const char *(*name_of)(const dd_scenario *, size_t),
                        size_t n)
{
    int32_t k = dd__idmap_get(m, s);
    if (k >= 0)
        return k;
    const char *known[64];
    size_t c = 0;
    for (size_t j = 0; j < n && c < 63; j++)
        known[c++] = name_of(v->L->s, j);
    known[c] = NULL;
    char msg[512];
    cell_err(v, row, E_SUBJECT, "%s", dd__unknown(msg, sizeof msg, what, s, s, known, NULL));
    return -1;
}

static const char *task_name(const dd_scenario *s, size_t j) { return s->tasks[j].id; }
static const char *site_name(const dd_scenario *s, size_t j) { return s->sites[j].id; }
static const char *type_name(const dd_scenario *s, size_t j) { return s->aircraft[j].id; }
static const char *group_name(const dd_scenario *s, size_t j) { return s->people[j].id; }

/* "C17A-2" as the plan prints it, "C-17A 2", "C-17A#2", or a tail number
 * the scenario gives ("07-7177"): the type and a tail it has (events.c) */
static bool event_tail(inv *v, const dd_csv_row *row, const char *s, dd_event *e)
{
    char type[128];
    int32_t known;
    int64_t x;
    if (!dd__event_tail_split(v->L->s, s, type, sizeof type, &known, &x) ||
        (known < 0 && !type[0]) || x < 1 || x > INT32_MAX) {
        cell_err(v, row, E_SUBJECT,
                 "expected an aircraft type and a tail number ('C-17A 2'), got '%s'", s);
        return false;
    }
    e->index = known >= 0 ? known
                          : event_id(v, row, &v->L->aircraft, "aircraft type", type, type_name,
                                     v->L->s->n_aircraft);
    if (e->index < 0)
        return false;
    e->tail = (int32_t)x;
    const dd_aircraft *a = &v->L->s->aircraft[e->index];
    int32_t most = dd_aircraft_tails_max(a);
    if (e->tail > most) {
        cell_err(v, row, E_SUBJECT, "%s has %d tail%s at most, got tail %d", a->id, most,
                 most == 1 ? "" : "s", e->tail);
        return false;
    }
    return true;
}

/* The event's kind from its cell, or -1 after saying why. */
static int event_kind(inv *v, const dd_csv_row *row, const char *kind)
{
    if (!kind) {
        cell_err(v, row, E_EVENT, "required value is empty");
        return -1;
    }
    char low[48];
    lower_trim(kind, low, sizeof low);
    for (int i = 0; event_names[i]; i++)
        if (!strcmp(low, event_names[i]))
            return i;
    char msg[512];
    cell_err(v, row, E_EVENT, "%s",
             dd__unknown(msg, sizeof msg, "event", kind, low, event_names,
                         " (events: departed, aborted, clearance-filed, clearance-approved, "
                         "clearance-denied, task-done, processed, closed, tail-down, "
                         "retracted, note)"));
    return -1;
}

/* departed's value: "2", "C17A-2" or the tail number "07-7177" (events.c) */
static bool departed_tail(inv *v, const dd_csv_row *row, const char *val, dd_event *e)
{
    int64_t t;
    char vt[128];
    int32_t vk;
    if (!dd__event_tail_split(v->L->s, val, vt, sizeof vt, &vk, &t) || t < 1 || t > INT32_MAX ||
        (vk < 0 && vt[0] && dd__idmap_get(&v->L->aircraft, vt) < 0)) {
        cell_err(v, row, E_VALUE, "expected the tail number that flew, got '%s'", val);
        return false;
    }
    e->tail = (int32_t)t;
    return true;
}

/* clearance-approved's value: the window granted, FROM/TO. */
static bool approved_window(inv *v, const dd_csv_row *row, const char *val, dd_event *e)
{
    const char *slash = strchr(val, '/');
    if (!slash) {
        cell_err(v, row, E_VALUE, "expected the window granted, FROM/TO, got '%s'", val);
        return false;
    }
    char a[64];
    size_t n = (size_t)(slash - val);
    if (n >= sizeof a)
        n = sizeof a - 1;
    memcpy(a, val, n);
    a[n] = '\0';
    if (!text_time(v, row, E_VALUE, a, "window start", &e->window_from) ||
        !text_time(v, row, E_VALUE, slash + 1, "window end", &e->window_to))
        return false;
    if (e->window_to <= e->window_from) {
        cell_err(v, row, E_VALUE, "the window ends before it starts: '%s'", val);
        return false;
    }
    return true;
}

/* processed: the group, and how many of it (all by default). */
static bool processed_group(inv *v, const dd_csv_row *row, const char *subj, const char *val,
                            dd_event *e)
{
    e->index = event_id(v, row, &v->L->people, "personnel group", subj, group_name,
                        v->L->s->n_people);
    if (e->index < 0)
        return false;
    e->count = v->L->s->people[e->index].count;
    if (!val)
        return true;
    int64_t c;
    if (dd__parse_int(val, &c) || c < 1 || c > e->count) {
        cell_err(v, row, E_VALUE, "expected how many of %s's %d were processed, got '%s'", subj,
                 e->count, val);
        return false;
    }
    e->count = (int32_t)c;
    return true;
}

/* closed and tail-down: until when, after the event. */
static bool until_value(inv *v, const dd_csv_row *row, const char *val, dd_event *e,
                        const char *name)
{
    if (!val) {
        cell_err(v, row, v->col[E_VALUE] >= 0 ? E_VALUE : E_EVENT,
                 "%s needs a value: until when", name);
        return false;
    }
    if (!text_time(v, row, E_VALUE, val, "until", &e->until))
        return false;
    if (e->until <= e->at) {
        cell_err(v, row, E_VALUE, "until %s is not after the event's time", val);
        return false;
    }
    return true;
}

/* retracted: "12", "event 12", "#12". */
static bool retracted_ref(inv *v, const dd_csv_row *row, const char *subj, dd_event *e)
{
    return numbered_ref(v, row, subj, "event", "the number of an event in the log ('track log')",
                        &e->ref);
}

/* The subject and value of an event of kind k. */
static bool event_values(inv *v, const dd_csv_row *row, int k, const char *subj,
                         const char *val, dd_event *e)
{
    if (!subj && e->kind != DD_EV_NOTE) {
        cell_err(v, row, v->col[E_SUBJECT] >= 0 ? E_SUBJECT : E_EVENT,
                 "%s needs a subject: %s", event_names[k],
                 e->kind <= DD_EV_DENIED      ? "the sortie number"
                 : e->kind == DD_EV_TASK_DONE ? "the task id"
                 : e->kind == DD_EV_PROCESSED ? "the personnel group id"
                 : e->kind == DD_EV_RETRACTED ? "the number of the event in the log"
                 : e->kind == DD_EV_CLOSED    ? "the site id"
                                              : "the aircraft type and tail");
        return false;
    }
    bool ok = true;
    switch (e->kind) {
    case DD_EV_DEPARTED:
        ok = event_sortie(v, row, subj, &e->sortie);
        return (val ? departed_tail(v, row, val, e) : true) && ok;
    case DD_EV_ABORTED:
        ok = event_sortie(v, row, subj, &e->sortie);
        return (val ? text_time(v, row, E_VALUE, val, "when it can go again", &e->until)
                    : true) &&
               ok;
    case DD_EV_FILED:
    case DD_EV_DENIED:
        return event_sortie(v, row, subj, &e->sortie);
    case DD_EV_APPROVED:
        ok = event_sortie(v, row, subj, &e->sortie);
        return (val ? approved_window(v, row, val, e) : true) && ok;
    case DD_EV_TASK_DONE:
        e->index =
            event_id(v, row, &v->L->tasks, "task", subj, task_name, v->L->s->n_tasks);
        return e->index >= 0;
    case DD_EV_PROCESSED:
        return processed_group(v, row, subj, val, e);
    case DD_EV_CLOSED:
        e->index = event_id(v, row, &v->L->sites, "site", subj, site_name, v->L->s->n_sites);
        ok = e->index >= 0;
        return until_value(v, row, val, e, event_names[k]) && ok;
    case DD_EV_TAIL_DOWN:
        ok = event_tail(v, row, subj, e);
        return until_value(v, row, val, e, event_names[k]) && ok;
    case DD_EV_RETRACTED:
        return retracted_ref(v, row, subj, e);
    case DD_EV_NOTE:
    case DD_EV_COUNT:
        break;
    }
    return true;
}

/* Where the event stands in its file: its columns and its first line. */
static void event_place(inv *v, const dd_csv_row *row, dd_event *e)
{
    e->file = v->src.file;
    e->line = row->line;
    uint32_t line;
    dd__csv_locate(v->src.text, v->src.len, v->src.sep, row->offset, (size_t)v->col[E_TIME],
                   row->line, &line, &e->col_time);
    e->col_subject = e->col_value = e->col_time;
    if (v->col[E_SUBJECT] >= 0)
        dd__csv_locate(v->src.text, v->src.len, v->src.sep, row->offset,
                       (size_t)v->col[E_SUBJECT], row->line, &line, &e->col_subject);
    if (v->col[E_VALUE] >= 0)
        dd__csv_locate(v->src.text, v->src.len, v->src.sep, row->offset,
                       (size_t)v->col[E_VALUE], row->line, &line, &e->col_value);
    /* the row's first line, from its offset (finding it by line number
     * would scan the text from the start for every row) */
    size_t a = row->offset, b = a;
    while (b < v->src.len && v->src.text[b] != '\n' && b - a < 511)
        b++;
    if (b > a && v->src.text[b - 1] == '\r')
        b--;
    e->source = dd__arena_strndup(v->L->arena, v->src.text + a, b - a);
    if (!e->source)
        v->L->oom = true;
}

static bool event_row(inv *v, const dd_csv_row *row)
{
    ev_out *o = v->user;
    if (v->n_rows >= o->cap)
        return false;
    dd_event *e = &o->v[v->n_rows];
    memset(e, 0, sizeof *e);
    e->index = -1;
    e->until = e->window_from = e->window_to = DD_TIME_NONE;
    bool ok = cell_time(v, row, E_TIME, &e->at);
    const char *kind = cell(v, row, E_EVENT);
    const char *subj = cell(v, row, E_SUBJECT);
    const char *val = cell(v, row, E_VALUE);
    e->subject = cell_text(v, row, E_SUBJECT, "");
    e->value = cell_text(v, row, E_VALUE, "");
    e->note = cell_text(v, row, E_NOTE, "");
    e->origin = cell_text(v, row, E_SOURCE, "");
    subj = subj ? e->subject : NULL;
    val = val ? e->value : NULL;
    int k = event_kind(v, row, kind);
    if (k >= 0) {
        e->kind = (dd_event_kind)k;
        ok &= event_values(v, row, k, subj, val, e);
    }
    if (!ok || k < 0)
        return false;
    event_place(v, row, e);
    v->n_rows++;
    return true;
}

size_t dd__read_events(dd_loader *L, const char *file, const char *text, size_t len,
                       dd_event **out)
{
    size_t cap = count_lines(text, len);
    ev_out o = {dd__arena_array(L->arena, cap + 1, sizeof *o.v), cap};
    *out = o.v;
    if (!o.v) {
        L->oom = true;
        return 0;
    }
    inv v = {.L = L, .what = "event",
             .src = {.file = file, .text = text, .len = len,
                     .sep = dd__csv_separator(text, len)},
             .spec = event_cols, .n_spec = sizeof event_cols / sizeof event_cols[0],
             .row_fn = event_row, .user = &o};
    dd_status st = dd__csv_read(file, text, len, L->diags, on_row, &v);
    if (st == DD_ENOMEM)
        L->oom = true;
    return v.n_rows;
}
