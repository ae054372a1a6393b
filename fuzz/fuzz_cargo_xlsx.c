/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the .xlsx reader (src/model/xlsxread.c). An input that
 * starts like a zip archive is the cargo workbook of the mini scenario,
 * loaded whole; any other input is the XML of its sheet, packed (stored,
 * not compressed) with a fixed workbook, relationships, styles and shared
 * strings, so that the fuzzer works on the XML rather than on deflate.
 */
#include <zip.h>

#include "fuzz_common.h"
#include "read/xlsxread.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

static const char workbook[] =
    "<workbook " NS " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships\"><workbookPr date1904=\"0\"/><sheets><sheet name=\"Sheet1\" sheetId=\"1\" "
    "r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
static const char styles[] =
    "<styleSheet " NS "><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm\"/>"
    "</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/>"
    "</cellXfs></styleSheet>";
static const char sst[] = "<sst " NS "><si><t>id</t></si><si><r><t>site</t></r></si>"
                          "<si><t>weight</t><rPh><t>x</t></rPh></si></sst>";

static bool touch(void *ctx, const dd_csv_row *row)
{
    size_t *n = ctx;
    for (size_t i = 0; i < row->n_fields; i++)
        *n += strlen(row->fields[i]) + row->lens[i];
    return true;
}

static void sheet_xml(const unsigned char *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/sheet.xlsx", fuzz_tmpdir());
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z)
        abort();
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                           "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"};
    const void *parts[] = {workbook, rels, styles, sst, data};
    size_t lens[] = {sizeof workbook - 1, sizeof rels - 1, sizeof styles - 1, sizeof sst - 1,
                     size};
    for (size_t i = 0; i < 5; i++) {
        zip_source_t *s = zip_source_buffer(z, parts[i], lens[i], 0);
        zip_int64_t k = s ? zip_file_add(z, names[i], s, ZIP_FL_OVERWRITE) : -1;
        if (k < 0 || zip_set_file_compression(z, (zip_uint64_t)k, ZIP_CM_STORE, 0) < 0)
            abort();
    }
    if (zip_close(z) != 0)
        abort();
    FILE *f = fopen(path, "rb");
    if (!f)
        abort();
    static char buf[1 << 18];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    /* small bounds, so that the fuzzer meets them */
    dd_xlsx_limits lim = {(size_t)1 << 20, 4096};
    dd_xlsx *x = NULL;
    if (dd__xlsx_open(path, buf, len, NULL, &lim, &d, &x) == DD_OK) {
        size_t n = 0;
        dd__xlsx_rows(x, touch, &n);
        dd__xlsx_close(x);
    }
    dd_diags_fini(&d);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size >= 2 && data[0] == 'P' && data[1] == 'K')
        fuzz_inventory_as("cargo", "xlsx", data, size);
    else
        sheet_xml(data, size);
    return 0;
}
