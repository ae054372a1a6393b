/* SPDX-License-Identifier: MIT */
/*
 * CSV inventories through libcsv (strict quoting). Records are handed to a
 * callback one at a time with their line number; the byte column of a field
 * is computed only when an error must be reported. A UTF-8 byte-order mark
 * at the start and CRLF line ends (spreadsheet exports) are accepted, and
 * so are semicolons or tabs between fields (a sheet saved where the comma
 * is the decimal mark): the separator is the header row's.
 */
#ifndef DD_READ_CSVREAD_H
#define DD_READ_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drawdown/base.h>

typedef struct dd_csv_row {
    size_t n_fields;
    const char *const *fields; /* NUL-terminated, valid during the callback */
    const size_t *lens;
    uint32_t line;      /* 1-based line where the record starts */
    size_t offset;      /* byte offset of the record's start in the text */
    size_t index;       /* 0 = header row */
    char sep;           /* the separator: ',', ';' or '\t' */
    const char *sheet;  /* a workbook's sheet (xlsxread.h), NULL for CSV */
} dd_csv_row;

/* Return false to stop reading (e.g. after too many errors). */
typedef bool (*dd_csv_row_fn)(void *ctx, const dd_csv_row *row);

/*
 * Read all records of `text`. Syntax errors (bad quoting, unterminated
 * quotes) go to diags located at file:line:col; an empty text is an
 * error too. Returns DD_OK, DD_EINPUT or DD_ENOMEM.
 */
dd_status dd__csv_read(const char *file, const char *text, size_t len, dd_diags *diags,
                       dd_csv_row_fn fn, void *ctx);

/* The separator of the text's first non-blank line (outside quotes): a
 * comma when it has one, else a semicolon or a tab when it has those. */
char dd__csv_separator(const char *text, size_t len);

/* Line and 1-based column where field k of the record at `offset` starts,
 * fields separated by `sep`. */
void dd__csv_locate(const char *text, size_t len, char sep, size_t offset, size_t k,
                    uint32_t line, uint32_t *line_out, uint32_t *col_out);

/* Copy line `line` (1-based) of text into buf for the caret display. */
void dd__csv_source_line(const char *text, size_t len, uint32_t line, char *buf, size_t size);

#endif
