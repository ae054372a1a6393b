/* SPDX-License-Identifier: MIT */
/* Private to the load planner (build.c, loads.c, loads_out.c). */
#ifndef DD_LOAD_LOADS_INT_H
#define DD_LOAD_LOADS_INT_H

#include "base/arena.h"
#include <drawdown/loads.h>

/* Hazard bit for passengers in the packer's class masks. */
#define DD__PAX_CLASS 31u

typedef struct dd__loadplan_owned {
    dd_loadplan p; /* first: the public pointer is this struct's address */
    dd_arena arena;
    /* growable arrays while building (malloc; moved into the arena at the end) */
    dd_pallet *pallets;
    size_t cap_pallets;
    char **warnings;
    size_t n_warnings, cap_warnings;
} dd__loadplan_owned;

/* Build 463L pallets from the loose cargo of the selected sites. */
dd_status dd__build_pallets(dd__loadplan_owned *o, const dd_loads_options *opt);
/* Append a warning (printf-style). */
void dd__loads_warn(dd__loadplan_owned *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Whether two hazard masks may share a load/pallet under the scenario's rules. */
bool dd__hazards_compatible(const dd_scenario *s, uint32_t a, uint32_t b);

#endif
