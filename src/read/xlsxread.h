/* SPDX-License-Identifier: MIT */
/*
 * .xlsx inventories: one sheet of an Office Open XML workbook read through
 * libzip (the container) and expat (its XML parts), handed to the same
 * record callback as the CSV reader (csvread.h), so that an inventory is
 * read by the same code whichever form it comes in.
 *
 * Only this file and xlsxread.c include zip.h and expat.h.
 */
#ifndef DD_READ_XLSXREAD_H
#define DD_READ_XLSXREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "read/csvread.h"

/* Bounds on what one workbook may unpack to: a zip bomb, or a sheet of
 * millions of cells, is an error with its place, never an exhaustion. */
typedef struct dd_xlsx_limits {
    size_t max_part;  /* bytes one XML part may unpack to */
    size_t max_cells; /* cells of the sheet, merged areas filled in */
} dd_xlsx_limits;

#define DD_XLSX_MAX_PART ((size_t)128 << 20)
#define DD_XLSX_MAX_CELLS ((size_t)4 << 20)

/* Does `data` start like a zip archive (an .xlsx workbook)? */
bool dd__xlsx_is_zip(const char *data, size_t len);

/* A sheet read from a workbook, its cells held until closed. */
typedef struct dd_xlsx dd_xlsx;

/*
 * Read the sheet named `sheet` (NULL: the workbook's first sheet) of the
 * workbook `data` (the bytes of `file`, borrowed for the call only; `file`
 * and `sheet` are borrowed until dd__xlsx_close). Problems go to diags,
 * located as "FILE:SHEET!F12" for a cell, "FILE:xl/worksheets/sheet1.xml:
 * LINE:COL" for malformed XML, or FILE. limits may be NULL (the
 * DD_XLSX_MAX_* defaults). Returns DD_OK (*out set: close it), DD_EINPUT
 * or DD_ENOMEM. No global state; thread-safe for distinct arguments.
 */
dd_status dd__xlsx_open(const char *file, const char *data, size_t len, const char *sheet,
                        const dd_xlsx_limits *limits, dd_diags *diags, dd_xlsx **out);

/* At least the number of rows dd__xlsx_rows will hand out. */
size_t dd__xlsx_n_rows(const dd_xlsx *x);

/* The sheet's name (owned by x). */
const char *dd__xlsx_sheet(const dd_xlsx *x);

/*
 * Call fn with each row from the first non-empty one (the header, index
 * 0) on. A row is given as a CSV record is: fields from column A to the
 * row's last non-empty cell (at least as many as the header has),
 * NUL-terminated and valid during the call; row->line is the sheet's row
 * number, row->sheet the sheet's name, row->index the row number less the
 * header's. Numbers are given as Excel shows them (15 significant
 * digits), booleans as true/false, cells with a date format as ISO 8601
 * local times (2024-06-05, 2024-06-05T14:30) in the workbook's 1900 or
 * 1904 date system, and a merged cell's value in every cell it covers.
 * Returns DD_EINPUT when opening reported a cell's error (the rows are
 * handed out all the same), DD_ENOMEM, or DD_OK.
 */
dd_status dd__xlsx_rows(dd_xlsx *x, dd_csv_row_fn fn, void *ctx);

void dd__xlsx_close(dd_xlsx *x);

/* "A", "B", ..., "Z", "AA", ... for a 0-based column; buf of 4 or more. */
void dd__xlsx_col_name(uint32_t col, char *buf, size_t size);

/* "FILE:SHEET!F12" into buf: the place of a cell (0-based column, 1-based
 * row); a sheet name with other than letters, digits, '_' and '.' is
 * quoted as Excel writes it ('Cargo list'!F12). */
void dd__xlsx_cell_place(const char *file, const char *sheet, uint32_t col, uint32_t row,
                         char *buf, size_t size);

/* As dd_diags_sort (file, line, column; stable), with a workbook's cells
 * ("FILE:SHEET!F12") in the order of their sheet's rows, then columns. */
void dd__xlsx_diags_sort(dd_diags *d);

#endif
