/* SPDX-License-Identifier: MIT */
/* The HTML page: not written yet. */
#include "report/brief_int.h"

dd_status dd__brief_write_html(const dd_brief *b, const char *path, dd_diags *diags)
{
    (void)b;
    dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "the HTML page is not available yet");
    return DD_EARG;
}
