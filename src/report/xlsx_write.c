/* SPDX-License-Identifier: MIT */
/* The workbook (libxlsxwriter): not written yet. */
#include "report/brief_int.h"

dd_status dd__brief_write_xlsx(const dd_brief *b, const char *path, dd_diags *diags)
{
    (void)b;
    dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "the workbook is not available yet");
    return DD_EARG;
}
