/* SPDX-License-Identifier: MIT */
/*
 * Tests for the .xlsx inventories (src/model/xlsxread.c): the mini
 * scenario's three CSVs written as workbooks with libxlsxwriter (shared
 * and inline strings, numbers, dates, booleans, missing cells) load to the
 * same model as the CSVs; cells come out as Excel shows them (merged
 * areas, a header below empty rows, 0.1+0.2, dates with and without a
 * time); every bad cell is located as FILE:SHEET!F12; hostile workbooks
 * built by hand with libzip (malformed XML, a NUL, a DOCTYPE, a zip bomb,
 * a huge sheet, a missing shared string, an error cell, the 1904 date
 * system, a serial that is no date) fail with a located message.
 *
 * Every file is written inside a mkdtemp folder, removed afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/scenario.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "read/xlsxread.h"

#define DATA DD_TEST_DATA
/* the mini scenario's other two inventories, as CSV */
#define MINI_PT                                                                            \
    "  personnel: " DATA "/mini/personnel.csv\n  tasks: " DATA "/mini/tasks.csv\n"

typedef struct fixture {
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-xlsx-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap);
    assert_non_null(b);
    while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            b = realloc(b, cap);
            assert_non_null(b);
        }
    }
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = n;
    return b;
}

/* ---- workbooks from the mini scenario's CSVs ---------------------------- */

typedef struct edit {
    unsigned row, col; /* 0-based */
    const char *text;  /* NULL: leave the cell out */
} edit;

/* "2024-06-10T12:00Z" -> a datetime (minutes), else false. */
static bool iso_minute(const char *s, lxw_datetime *t)
{
    if (strlen(s) != 17 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != 'Z')
        return false;
    int v[5];
    static const int at[5] = {0, 5, 8, 11, 14}, len[5] = {4, 2, 2, 2, 2};
    for (int i = 0; i < 5; i++) {
        v[i] = 0;
        for (int k = 0; k < len[i]; k++)
            v[i] = v[i] * 10 + (s[at[i] + k] - '0');
    }
    *t = (lxw_datetime){v[0], v[1], v[2], v[3], v[4], 0};
    return true;
}

/* A cell as a planner's sheet holds it: numbers as numbers, yes/no as
 * booleans, a time as a date cell, the rest as text; empty: no cell. */
static void put(lxw_worksheet *ws, lxw_format *dt, unsigned r, unsigned c, const char *s,
                bool header)
{
    if (!*s)
        return;
    lxw_row_t row = (lxw_row_t)r;
    lxw_col_t col = (lxw_col_t)c;
    char *end;
    double v = strtod(s, &end);
    lxw_datetime t;
    if (header && !strcmp(s, "release"))
        worksheet_write_string(ws, row, col, "release (UTC)", NULL);
    else if (!header && *end == '\0')
        worksheet_write_number(ws, row, col, v, NULL);
    else if (!header && (!strcmp(s, "yes") || !strcmp(s, "no")))
        worksheet_write_boolean(ws, row, col, s[0] == 'y', NULL);
    else if (!header && iso_minute(s, &t))
        worksheet_write_datetime(ws, row, col, &t, dt);
    else
        worksheet_write_string(ws, row, col, s, NULL);
}

static void sheet_from_csv(lxw_workbook *wb, const char *name, const char *csv,
                           const edit *edits, size_t n_edits)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    assert_non_null(ws);
    lxw_format *dt = workbook_add_format(wb);
    format_set_num_format(dt, "yyyy-mm-dd hh:mm");
    char *text = slurp(csv, NULL);
    unsigned r = 0;
    for (char *line = text; *line; r++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        unsigned c = 0;
        for (char *p = line;; c++) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            const char *s = p;
            for (size_t e = 0; e < n_edits; e++)
                if (edits[e].row == r && edits[e].col == c)
                    s = edits[e].text ? edits[e].text : "";
            put(ws, dt, r, c, s, r == 0);
            if (!comma)
                break;
            p = comma + 1;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    free(text);
}

/* fx->dir/NAME from one CSV of the mini scenario, with edits. inline_str:
 * libxlsxwriter's constant-memory mode, which writes inline strings. */
static void book_from_csv(fixture *fx, const char *name, const char *sheet, const char *csv,
                          bool inline_str, const edit *edits, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    lxw_workbook_options o = {.constant_memory = inline_str, .tmpdir = fx->dir};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    assert_non_null(wb);
    sheet_from_csv(wb, sheet, csv, edits, n);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* The mini scenario with its inventories replaced by `inv` (YAML). */
static dd_status load_mini_with(const fixture *fx, const char *inv, dd_diags *d,
                                dd_scenario **s)
{
    char *y = slurp(DATA "/mini/scenario.yaml", NULL);
    char *at = strstr(y, "inventories:");
    assert_non_null(at);
    *at = '\0';
    size_t n = strlen(y) + strlen(inv) + 1;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", y, inv);
    dd_diags_init(d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_scenario_load_string("scenario.yaml", text, strlen(text), fx->dir, d, s);
    free(text);
    free(y);
    return st;
}

static void dump(const dd_diags *d)
{
    for (size_t i = 0; i < d->n_items; i++)
        print_message("%s:%u:%u: %s: %s\n", d->items[i].file ? d->items[i].file : "",
                      d->items[i].line, d->items[i].col, d->items[i].path, d->items[i].message);
}

/* The first error whose file ends with `where`, with that path and message. */
static void expect_error(const dd_diags *d, const char *where, const char *path,
                         const char *message)
{
    for (size_t i = 0; i < d->n_items; i++) {
        const dd_diag *g = &d->items[i];
        size_t a = g->file ? strlen(g->file) : 0, b = strlen(where);
        if (g->severity == DD_SEV_ERROR && a >= b && !strcmp(g->file + a - b, where) &&
            !strcmp(g->path, path) && !strcmp(g->message, message)) {
            assert_int_equal(g->line, 0); /* a cell is placed by its name */
            return;
        }
    }
    dump(d);
    fail_msg("no error %s: %s: %s", where, path, message);
}

static void test_same_model_as_csv(void **state)
{
    fixture *fx = *state;
    book_from_csv(fx, "cargo.xlsx", "Sheet1", DATA "/mini/cargo.csv", true, NULL, 0);
    char path[128];
    snprintf(path, sizeof path, "%s/inv.xlsx", fx->dir);
    lxw_workbook *wb = workbook_new(path);
    sheet_from_csv(wb, "People", DATA "/mini/personnel.csv", NULL, 0);
    sheet_from_csv(wb, "Tasks", DATA "/mini/tasks.csv", NULL, 0);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    dd_diags d;
    dd_scenario *x = NULL;
    dd_status st = load_mini_with(fx,
                                  "inventories:\n  cargo: cargo.xlsx\n"
                                  "  personnel: {file: inv.xlsx, sheet: People}\n"
                                  "  tasks: {file: inv.xlsx, sheet: Tasks}\n",
                                  &d, &x);
    if (st != DD_OK)
        dump(&d);
    assert_int_equal(st, DD_OK);
    assert_int_equal(d.n_errors, 0);
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *c = NULL;
    assert_int_equal(dd_scenario_load(DATA "/mini/scenario.yaml", &d, &c), DD_OK);
    dd_diags_fini(&d);
    assert_int_equal(x->n_cargo, c->n_cargo);
    for (size_t i = 0; i < c->n_cargo; i++) {
        assert_string_equal(x->cargo[i].id, c->cargo[i].id);
        assert_int_equal(x->cargo[i].site, c->cargo[i].site);
        assert_int_equal(x->cargo[i].quantity, c->cargo[i].quantity);
        assert_true(x->cargo[i].weight_kg == c->cargo[i].weight_kg);
        assert_true(x->cargo[i].height_m == c->cargo[i].height_m);
        assert_int_equal(x->cargo[i].kind, c->cargo[i].kind);
        assert_int_equal(x->cargo[i].disposition, c->cargo[i].disposition);
        assert_int_equal(x->cargo[i].released_by, c->cargo[i].released_by);
    }
    assert_int_equal(x->n_people, c->n_people);
    for (size_t i = 0; i < c->n_people; i++) {
        assert_string_equal(x->people[i].id, c->people[i].id);
        assert_int_equal(x->people[i].count, c->people[i].count);
        assert_int_equal(x->people[i].role, c->people[i].role);
        /* a date cell in a "release (UTC)" column is the CSV's ...Z time */
        assert_int_equal(x->people[i].release, c->people[i].release);
        assert_int_equal(x->people[i].released_by, c->people[i].released_by);
    }
    assert_int_equal(x->n_tasks, c->n_tasks);
    for (size_t i = 0; i < c->n_tasks; i++) {
        assert_string_equal(x->tasks[i].id, c->tasks[i].id);
        assert_int_equal(x->tasks[i].duration, c->tasks[i].duration);
        assert_int_equal(x->tasks[i].n_pred, c->tasks[i].n_pred);
    }
    /* the workbook is one of the scenario's inputs (never an output) */
    assert_non_null(strstr(x->files[2], "cargo.xlsx"));
    dd_scenario_free(x);
    dd_scenario_free(c);
}

/* ---- cells as Excel shows them -------------------------------------------- */

typedef struct got {
    size_t n;
    uint32_t line[16];
    size_t index[16], n_fields[16];
    char cell[16][10][40];
    char sheet[32];
} got;

static bool collect(void *ctx, const dd_csv_row *row)
{
    got *g = ctx;
    if (g->n == 16)
        return false;
    g->line[g->n] = row->line;
    g->index[g->n] = row->index;
    g->n_fields[g->n] = row->n_fields;
    for (size_t k = 0; k < row->n_fields && k < 10; k++)
        snprintf(g->cell[g->n][k], sizeof g->cell[0][0], "%s", row->fields[k]);
    snprintf(g->sheet, sizeof g->sheet, "%s", row->sheet);
    g->n++;
    return true;
}

static dd_status read_book(const char *path, const char *sheet, const dd_xlsx_limits *lim,
                           dd_diags *d, got *g)
{
    size_t len;
    char *data = slurp(path, &len);
    memset(g, 0, sizeof *g);
    dd_diags_init(d, DD_DIAGS_DEFAULT_MAX);
    dd_xlsx *x = NULL;
    dd_status st = dd__xlsx_open(path, data, len, sheet, lim, d, &x);
    free(data); /* the rows outlive the bytes of the file */
    if (st == DD_OK) {
        st = dd__xlsx_rows(x, collect, g);
        dd__xlsx_close(x);
    }
    return st;
}

static void test_cells(void **state)
{
    fixture *fx = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/cells.xlsx", fx->dir);
    lxw_workbook *wb = workbook_new(path);
    workbook_add_worksheet(wb, "Notes");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
    lxw_format *dt = workbook_add_format(wb), *day = workbook_add_format(wb),
               *pct = workbook_add_format(wb), *blank = workbook_add_format(wb);
    format_set_num_format(dt, "dd/mm/yyyy hh:mm");
    format_set_num_format(day, "yyyy-mm-dd");
    format_set_num_format(pct, "0%");
    format_set_bold(blank);
    /* two empty rows, then the header in row 3 */
    static const char *const head[] = {"id", "site", "weight", "when", "flag", "note"};
    for (lxw_col_t c = 0; c < 6; c++)
        worksheet_write_string(ws, 2, c, head[c], NULL);
    worksheet_write_string(ws, 3, 0, "A1", NULL);
    worksheet_merge_range(ws, 3, 1, 4, 1, "S1", NULL); /* one site for two rows */
    worksheet_write_formula_num(ws, 3, 2, "=0.1+0.2", NULL, 0.1 + 0.2);
    lxw_datetime t = {2024, 6, 5, 14, 30, 0};
    worksheet_write_datetime(ws, 3, 3, &t, dt);
    worksheet_write_boolean(ws, 3, 4, 1, NULL);
    worksheet_write_string(ws, 4, 0, "A2", NULL);
    worksheet_write_number(ws, 4, 2, 1500, NULL);
    lxw_datetime t2 = {2024, 6, 6, 0, 0, 0};
    worksheet_write_datetime(ws, 4, 3, &t2, day);
    worksheet_write_boolean(ws, 4, 4, 0, NULL);
    worksheet_write_number(ws, 4, 5, 0.5, pct);
    worksheet_write_blank(ws, 5, 2, blank); /* a formatted, empty cell */
    worksheet_write_string(ws, 6, 0, "A3", NULL);
    worksheet_write_string(ws, 6, 7, "stray", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    dd_diags d;
    got g;
    assert_int_equal(read_book(path, "Data", NULL, &d, &g), DD_OK);
    assert_int_equal(d.n_items, 0);
    assert_string_equal(g.sheet, "Data");
    assert_int_equal(g.n, 4);
    assert_int_equal(g.line[0], 3);
    assert_int_equal(g.index[0], 0);
    assert_int_equal(g.n_fields[0], 6);
    assert_string_equal(g.cell[0][5], "note");
    /* row 4: the merged site, 0.1+0.2 as shown, a date-time, a boolean,
     * a missing cell */
    assert_int_equal(g.index[1], 1);
    assert_string_equal(g.cell[1][1], "S1");
    assert_string_equal(g.cell[1][2], "0.3");
    assert_string_equal(g.cell[1][3], "2024-06-05T14:30");
    assert_string_equal(g.cell[1][4], "true");
    assert_string_equal(g.cell[1][5], "");
    /* row 5: the merged cell's value again, a date alone, a percentage
     * as its value */
    assert_string_equal(g.cell[2][1], "S1");
    assert_string_equal(g.cell[2][2], "1500");
    assert_string_equal(g.cell[2][3], "2024-06-06");
    assert_string_equal(g.cell[2][4], "false");
    assert_string_equal(g.cell[2][5], "0.5");
    /* row 6 holds only a formatted blank: no row at all; row 7: a value
     * beyond the header makes the row longer */
    assert_int_equal(g.line[3], 7);
    assert_int_equal(g.index[3], 4);
    assert_int_equal(g.n_fields[3], 8);
    assert_string_equal(g.cell[3][5], "");
    assert_string_equal(g.cell[3][7], "stray");
    dd_diags_fini(&d);

    /* the first sheet when none is named */
    assert_int_equal(read_book(path, NULL, NULL, &d, &g), DD_EINPUT);
    assert_string_equal(d.items[0].message, "the sheet 'Notes' is empty (expected a header row)");
    dd_diags_fini(&d);
    assert_int_equal(read_book(path, "Cargo", NULL, &d, &g), DD_EINPUT);
    assert_int_equal(d.n_errors, 1);
    assert_string_equal(d.items[0].file, path);
    assert_string_equal(d.items[0].message,
                        "no sheet named 'Cargo' (the workbook has 'Notes', 'Data')");
    dd_diags_fini(&d);

    char place[256];
    dd__xlsx_cell_place("c.xlsx", "Cargo list", 27, 12, place, sizeof place);
    assert_string_equal(place, "c.xlsx:'Cargo list'!AB12");
    dd__xlsx_cell_place("c.xlsx", "Sheet1", 16383, 1048576, place, sizeof place);
    assert_string_equal(place, "c.xlsx:Sheet1!XFD1048576");
}

/* ---- errors located in the sheet ------------------------------------------ */

static void test_located_errors(void **state)
{
    fixture *fx = *state;
    /* cargo.csv: id,site,description,quantity,weight,length,width,height,
     * kind,disposition,released_by; row 3 of the sheet is C2 */
    static const edit bad[] = {{2, 4, "-5"},     /* E3: weight */
                               {3, 0, "C1"},     /* A4: duplicate id */
                               {4, 8, "crate"},  /* I5: kind */
                               {1, 10, "ZZ"},    /* K2: released_by, a late check */
                               {4, 5, "60,5"}};  /* F5: a number typed as text */
    book_from_csv(fx, "cargo.xlsx", "Sheet1", DATA "/mini/cargo.csv", false, bad, 5);
    dd_diags d;
    dd_scenario *s = NULL;
    assert_int_equal(load_mini_with(fx,
                                    "inventories:\n  cargo: cargo.xlsx\n"
                                    MINI_PT,
                                    &d, &s),
                     DD_EINPUT);
    assert_null(s);
    if (d.n_errors != 5)
        dump(&d);
    assert_int_equal(d.n_errors, 5);
    /* the sheet's messages row by row, whatever the columns' letters */
    static const char *const order[] = {"!K2", "!E3", "!A4", "!F5", "!I5"};
    for (size_t i = 0; i < 5; i++)
        assert_non_null(strstr(d.items[i].file, order[i]));
    expect_error(&d, "/cargo.xlsx:Sheet1!E3", "cargo row 2, column weight",
                 "weight must be positive, got '-5'");
    expect_error(&d, "/cargo.xlsx:Sheet1!A4", "cargo row 3, column id",
                 "duplicate cargo id 'C1' (first on row 2)");
    expect_error(&d, "/cargo.xlsx:Sheet1!F5", "cargo row 4, column length",
                 "decimal comma in '60,5': write a point (60.5), or enter it as a number, not "
                 "as text");
    expect_error(&d, "/cargo.xlsx:Sheet1!I5", "cargo row 4, column kind",
                 "unknown kind 'crate' (kinds: loose, pallet, rolling, outsize, drone, "
                 "container)");
    dd_diags_fini(&d);

    /* the late check (after every inventory is read) places its cell too */
    static const edit late[] = {{1, 10, "ZZ"}};
    book_from_csv(fx, "cargo.xlsx", "Cargo list", DATA "/mini/cargo.csv", false, late, 1);
    assert_int_equal(load_mini_with(fx,
                                    "inventories:\n"
                                    "  cargo: {file: cargo.xlsx, sheet: Cargo list}\n"
                                    MINI_PT,
                                    &d, &s),
                     DD_EINPUT);
    assert_int_equal(d.n_errors, 1);
    expect_error(&d, "/cargo.xlsx:'Cargo list'!K2", "cargo row 1, column released_by",
                 "unknown task 'ZZ'");
    dd_diags_fini(&d);

    /* a header cell and a missing column */
    static const edit head[] = {{0, 4, "weigth"}};
    book_from_csv(fx, "cargo.xlsx", "Sheet1", DATA "/mini/cargo.csv", false, head, 1);
    assert_int_equal(load_mini_with(fx,
                                    "inventories:\n  cargo: cargo.xlsx\n"
                                    MINI_PT,
                                    &d, &s),
                     DD_EINPUT);
    expect_error(&d, "/cargo.xlsx:Sheet1!E1", "cargo header",
                 "unknown column 'weigth' (did you mean 'weight'?)");
    dd_diags_fini(&d);

    /* a sheet named for a CSV; a workbook without that sheet */
    assert_int_equal(
        load_mini_with(fx, "inventories:\n  cargo: {file: " DATA "/mini/cargo.csv, sheet: Cargo}\n",
                       &d, &s),
        DD_EINPUT);
    bool found = false;
    for (size_t i = 0; i < d.n_items; i++)
        if (!strcmp(d.items[i].path, "inventories.cargo.sheet")) {
            found = true;
            assert_non_null(strstr(d.items[i].message, "is a CSV file, which has no sheets"));
            assert_true(d.items[i].line > 0);
        }
    assert_true(found);
    dd_diags_fini(&d);
    assert_int_equal(
        load_mini_with(fx, "inventories:\n  cargo: {file: cargo.xlsx, sheet: Items}\n", &d, &s),
        DD_EINPUT);
    expect_error(&d, "/cargo.xlsx", "", "no sheet named 'Items' (the workbook has 'Sheet1')");
    dd_diags_fini(&d);

    /* a CSV saved under .xlsx, an old .xls */
    char path[128];
    snprintf(path, sizeof path, "%s/text.xlsx", fx->dir);
    FILE *f = fopen(path, "wb");
    fputs("id,site\n", f);
    fclose(f);
    assert_int_equal(load_mini_with(fx, "inventories:\n  cargo: text.xlsx\n", &d, &s),
                     DD_EINPUT);
    expect_error(&d, "/text.xlsx", "",
                 "not an .xlsx workbook (Not a zip archive); save the sheet as .xlsx or as CSV");
    dd_diags_fini(&d);
    snprintf(path, sizeof path, "%s/old.xls", fx->dir);
    f = fopen(path, "wb");
    fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 1, 10, f);
    fclose(f);
    assert_int_equal(load_mini_with(fx, "inventories:\n  cargo: old.xls\n", &d, &s), DD_EINPUT);
    found = false;
    for (size_t i = 0; i < d.n_items; i++)
        if (strstr(d.items[i].message,
                   "is an Excel 97-2003 workbook (.xls): save it as .xlsx or as CSV UTF-8")) {
            found = true;
            assert_string_equal(d.items[i].path, "inventories.cargo");
        }
    assert_true(found);
    dd_diags_fini(&d);
}

/* ---- hostile workbooks, made by hand -------------------------------------- */

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
#define NSR "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char wb_1900[] = "<?xml version=\"1.0\"?>\n<workbook " NS NSR
                              "><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
                              "</sheets></workbook>";
static const char wb_1904[] = "<?xml version=\"1.0\"?>\n<workbook " NS NSR
                              "><workbookPr date1904=\"1\"/><sheets><sheet name=\"Sheet1\" "
                              "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "</Relationships>";
static const char styles[] = "<styleSheet " NS "><numFmts count=\"1\"><numFmt numFmtId=\"164\" "
                             "formatCode=\"d/m/yyyy\"/></numFmts><cellXfs count=\"2\">"
                             "<xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>";

typedef struct part {
    const char *name;
    const char *data;
    size_t len; /* 0: strlen */
} part;

static void write_zip(const char *path, const part *parts, size_t n)
{
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
        zip_source_t *s = zip_source_buffer(z, parts[i].data, len, 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, parts[i].name, s, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
}

/* A workbook of one sheet whose XML is `sheet` (len 0: strlen). */
static void hand_book(const fixture *fx, const char *workbook, const char *sheet, size_t len,
                      const char *sst, char *path, size_t size)
{
    snprintf(path, size, "%s/hand.xlsx", fx->dir);
    part p[5] = {{"xl/workbook.xml", workbook, 0},
                 {"xl/_rels/workbook.xml.rels", rels, 0},
                 {"xl/styles.xml", styles, 0},
                 {"xl/worksheets/sheet1.xml", sheet, len},
                 {"xl/sharedStrings.xml", sst ? sst : "", 0}};
    write_zip(path, p, sst ? 5 : 4);
}

#define SHEET(rows) "<worksheet " NS "><sheetData>" rows "</sheetData></worksheet>"
#define HEAD "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>when</t></is></c></row>"

typedef struct hostile {
    const char *what;
    const char *workbook;
    const char *sheet;
    size_t len;
    const char *sst;
    const char *where; /* the first diagnostic's file, after the folder */
    uint32_t line, col;
    const char *message;
} hostile;

static const char nul_sheet[] = SHEET(HEAD "<row r=\"2\"><c r=\"A2\"><v>1\0</v></c></row>");

static const hostile hostiles[] = {
    {"malformed XML", wb_1900, SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></row>"), 0, NULL,
     "hand.xlsx:xl/worksheets/sheet1.xml", 1, 121,
     "malformed XML: mismatched tag (the workbook is damaged; open and save it again, or save "
     "the sheet as CSV)"},
    {"a NUL byte", wb_1900, nul_sheet, sizeof nul_sheet - 1, NULL,
     "hand.xlsx:xl/worksheets/sheet1.xml", 1, 180,
     "malformed XML: not well-formed (invalid token) (the workbook is damaged; open and save it "
     "again, or save the sheet as CSV)"},
    {"a NUL as a character reference", wb_1900,
     SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"), 0,
     "<sst " NS "><si><t>a&#0;b</t></si></sst>", "hand.xlsx:xl/sharedStrings.xml", 1, 81,
     "malformed XML: reference to invalid character number (the workbook is damaged; open and "
     "save it again, or save the sheet as CSV)"},
    {"a DOCTYPE (billion laughs)", wb_1900,
     "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
     "\"&lol;&lol;&lol;&lol;\">]>\n<worksheet " NS "><sheetData/></worksheet>",
     0, NULL, "hand.xlsx:xl/worksheets/sheet1.xml", 2, 16,
     "a DOCTYPE in a workbook part: not a workbook Excel writes"},
    {"a missing shared string", wb_1900,
     SHEET(HEAD "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>5</v></c></row>"), 0, NULL,
     "hand.xlsx:Sheet1!B2", 0, 0,
     "the cell refers to shared string 5, which the workbook does not have (a damaged file?)"},
    {"an error cell", wb_1900, SHEET(HEAD "<row r=\"2\"><c r=\"C2\" t=\"e\"><v>#N/A</v></c></row>"),
     0, NULL, "hand.xlsx:Sheet1!C2", 0, 0, "the cell holds the error #N/A (a formula that failed)"},
    {"serial 60 of 1900", wb_1900,
     SHEET(HEAD "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>60</v></c></row>"), 0, NULL,
     "hand.xlsx:Sheet1!A2", 0, 0,
     "the cell is formatted as a date but holds 60, which is no date of the 1900 date system"},
    {"a bad cell reference", wb_1900, SHEET("<row r=\"1\"><c r=\"A0\"><v>1</v></c></row>"), 0,
     NULL, "hand.xlsx:Sheet1!A1", 0, 0, "bad cell reference 'A0' (a damaged file?)"},
    {"a column past XFD", wb_1900, SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), 0,
     NULL, "hand.xlsx:Sheet1!A1", 0, 0, "bad cell reference 'XFE1' (a damaged file?)"},
    {"rows out of order", wb_1900,
     SHEET("<row r=\"5\"><c r=\"A5\"><v>1</v></c></row><row r=\"2\"/>"), 0, NULL,
     "hand.xlsx:Sheet1!A6", 0, 0, "bad row number '2' (a damaged file?)"},
    {"an empty sheet", wb_1900, SHEET(""), 0, NULL, "hand.xlsx", 0, 0,
     "the sheet 'Sheet1' is empty (expected a header row)"},
    {"no sheets", "<workbook " NS "><sheets/></workbook>", SHEET(""), 0, NULL, "hand.xlsx", 0, 0,
     "the workbook has no sheets"},
};

static void test_hostile_workbooks(void **state)
{
    fixture *fx = *state;
    char path[128];
    for (size_t i = 0; i < sizeof hostiles / sizeof *hostiles; i++) {
        const hostile *h = &hostiles[i];
        hand_book(fx, h->workbook, h->sheet, h->len, h->sst, path, sizeof path);
        dd_diags d;
        got g;
        dd_status st = read_book(path, NULL, NULL, &d, &g);
        const dd_diag *e = d.n_items ? &d.items[0] : NULL;
        char want[256];
        snprintf(want, sizeof want, "%s/%s", fx->dir, h->where);
        if (st != DD_EINPUT || !e || strcmp(e->file, want) || e->line != h->line ||
            e->col != h->col || strcmp(e->message, h->message)) {
            print_message("case %s: status %d\n", h->what, (int)st);
            dump(&d);
        }
        assert_int_equal(st, DD_EINPUT);
        assert_non_null(e);
        assert_string_equal(e->file, want);
        assert_int_equal(e->line, h->line);
        assert_int_equal(e->col, h->col);
        assert_string_equal(e->message, h->message);
        assert_null(e->source_line); /* a binary file's text is never echoed */
        dd_diags_fini(&d);
    }
}

/* The 1904 date system; shared strings with runs and phonetic text. */
static void test_dates_and_strings(void **state)
{
    fixture *fx = *state;
    char path[128];
    static const char sheet[] =
        SHEET(HEAD "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>43986.5</v></c>"
                   "<c r=\"B2\" t=\"s\"><v>0</v></c><c r=\"C2\" t=\"str\"><f>A1</f><v>x</v></c>"
                   "<c r=\"D2\" t=\"n\"><v>1.5E3</v></c></row>");
    static const char sst[] = "<sst " NS "><si><r><t>Gen</t></r><r><t xml:space=\"preserve\">"
                              "erator </t></r><rPh><t>ジェネレータ</t></rPh></si></sst>";
    hand_book(fx, wb_1904, sheet, 0, sst, path, sizeof path);
    dd_diags d;
    got g;
    assert_int_equal(read_book(path, NULL, NULL, &d, &g), DD_OK);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.cell[1][0], "2024-06-05T12:00"); /* 1904-01-01 + 43986.5 days */
    assert_string_equal(g.cell[1][1], "Generator ");
    assert_string_equal(g.cell[1][2], "x");
    assert_string_equal(g.cell[1][3], "1500");
    dd_diags_fini(&d);
    /* the same serial in the 1900 system is four years and a day later */
    hand_book(fx, wb_1900, sheet, 0, sst, path, sizeof path);
    assert_int_equal(read_book(path, NULL, NULL, &d, &g), DD_OK);
    assert_string_equal(g.cell[1][0], "2020-06-04T12:00");
    dd_diags_fini(&d);
}

/* A zip bomb and a huge sheet stop at their bounds, with their place. */
static void test_bounds(void **state)
{
    fixture *fx = *state;
    char path[128];
    /* 4 MB of blanks inside the sheet compress to a few kilobytes */
    size_t n = (size_t)4 << 20;
    char *big = malloc(n + 200);
    assert_non_null(big);
    int k = snprintf(big, 200, "<worksheet " NS "><sheetData>");
    memset(big + k, ' ', n);
    static const char tail[] = "</sheetData></worksheet>";
    memcpy(big + k + n, tail, sizeof tail);
    hand_book(fx, wb_1900, big, 0, NULL, path, sizeof path);
    free(big);
    dd_xlsx_limits lim = {(size_t)1 << 20, 1000};
    dd_diags d;
    got g;
    assert_int_equal(read_book(path, NULL, &lim, &d, &g), DD_EINPUT);
    assert_int_equal(d.n_errors, 1);
    assert_string_equal(d.items[0].message,
                        "xl/worksheets/sheet1.xml unpacks to more than 1 MB: too large for an "
                        "inventory (a damaged or hostile file?); save the sheet as CSV");
    dd_diags_fini(&d);

    /* 30 cells against a bound of 20 */
    char rows[4096] = "";
    size_t at = 0;
    for (int r = 1; r <= 10; r++)
        at += (size_t)snprintf(rows + at, sizeof rows - at,
                               "<row r=\"%d\"><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c>"
                               "</row>",
                               r);
    char sheet[4400];
    snprintf(sheet, sizeof sheet, "<worksheet " NS "><sheetData>%s</sheetData></worksheet>",
             rows);
    hand_book(fx, wb_1900, sheet, 0, NULL, path, sizeof path);
    lim = (dd_xlsx_limits){(size_t)1 << 20, 20};
    assert_int_equal(read_book(path, NULL, &lim, &d, &g), DD_EINPUT);
    char want[160];
    snprintf(want, sizeof want, "%s/hand.xlsx:Sheet1!C7", fx->dir);
    assert_string_equal(d.items[0].file, want);
    assert_string_equal(d.items[0].message,
                        "the sheet has more than 20 cells: too large for an inventory; save it "
                        "as CSV");
    dd_diags_fini(&d);
    /* a merged area past the bound */
    snprintf(sheet, sizeof sheet,
             "<worksheet " NS "><sheetData>" HEAD "</sheetData><mergeCells><mergeCell "
             "ref=\"A1:XFD1048576\"/></mergeCells></worksheet>");
    hand_book(fx, wb_1900, sheet, 0, NULL, path, sizeof path);
    assert_int_equal(read_book(path, NULL, NULL, &d, &g), DD_EINPUT);
    assert_string_equal(d.items[0].message,
                        "a merged area of 17179869184 cells: too large for an inventory");
    dd_diags_fini(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_model_as_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_located_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_workbooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates_and_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
