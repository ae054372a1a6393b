/* SPDX-License-Identifier: MIT */
/*
 * The diagnostics list, for the library's modules (the public side is in
 * drawdown/base.h): sorting it in another order than dd_diags_sort's.
 */
#ifndef DD_BASE_DIAG_H
#define DD_BASE_DIAG_H

#include <drawdown/base.h>

/* Sort d's items by cmp (negative, zero, positive), stably: the lists are
 * bounded (about 50), so by insertion. */
void dd__diags_sort_by(dd_diags *d, int (*cmp)(const dd_diag *, const dd_diag *));

#endif
