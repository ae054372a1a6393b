/* SPDX-License-Identifier: MIT */
/*
 * The load planner: turns a site's cargo and people into aircraft loads.
 *
 * 1. Pallet build-up: loose palletisable pieces are stacked into columns
 *    (within their stacking limit and the 96 in height) and the columns'
 *    footprints are packed onto 463L pallets (84 x 104 in usable, 2-D with
 *    rotation, skyline bottom-left), at most 10,000 lb gross with the
 *    355 lb pallet and nets. Pieces of the same release (task or ready
 *    day), priority and owning unit go together; hazard classes that must
 *    stay apart never share a pallet.
 * 2. Aircraft loads: pallets, bulky pieces (rolling stock, outsize, crated
 *    drones, containers) and passengers are packed into loads of one
 *    aircraft type by the vector packing engine (pack.h) over three
 *    dimensions: weight (allowable cabin load for the leg), floor length
 *    (1-D along the floor: a pallet takes floor/positions, a bulky piece its
 *    length over the lanes its width allows) and seats (passengers plus the
 *    seats that floor use displaces). Hazard classes forbidden with
 *    passengers and classes kept apart are conflicts; a load holding a
 *    sensitive item carries at least one escort from the site's people.
 *
 * Ownership: dd_loads_build allocates *out (one arena); free it with
 * dd_loads_free. Pointers into the scenario are borrowed.
 * Deterministic for a scenario, options and seed when time_limit_s <= 0.
 */
#ifndef DRAWDOWN_LOADS_H
#define DRAWDOWN_LOADS_H

#include <drawdown/scenario.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Pieces of one cargo row on a pallet or a load. */
typedef struct dd_piece {
    int32_t cargo; /* index into scenario cargo */
    int32_t count;
} dd_piece;

typedef struct dd_pallet {
    int32_t site;
    bool prebuilt;    /* a pallet row of the inventory, not built here */
    size_t n_pieces;
    const dd_piece *pieces;
    double gross_kg;  /* with pallet and nets */
    double height_m;
    double area_used; /* share of the usable footprint covered, 0..1 */
    uint32_t hazards; /* bit c: hazard class c aboard */
    bool sensitive;
    dd_time ready;    /* all pieces ready (ignoring releasing tasks unless the
                         options give ready times) */
    int32_t priority; /* most urgent piece */
} dd_pallet;

/* What a load carries: a pallet, bulky pieces of a cargo row, or people. */
typedef enum dd_load_item_kind { DD_LI_PALLET, DD_LI_BULKY, DD_LI_PEOPLE } dd_load_item_kind;

typedef struct dd_load_item {
    dd_load_item_kind kind;
    int32_t ref;   /* pallet index, cargo index or people index */
    int32_t count; /* bulky pieces or persons; 1 for a pallet */
    bool escort;   /* people placed to escort sensitive cargo */
} dd_load_item;

typedef struct dd_load {
    int32_t site;
    int32_t aircraft;
    size_t n_items;
    const dd_load_item *items;
    double weight_kg;   /* cargo + passengers */
    double acl_kg;      /* allowable cabin load on this leg */
    int32_t pallets;    /* 463L positions used */
    int32_t passengers;
    int32_t seats;      /* seats available with this floor use */
    double floor_m;     /* floor length used (1-D) */
    double utilisation; /* largest share of any limit used, 0..1 */
    dd_time ready;      /* every item aboard ready (options' ready times), or
                           DD_TIME_NONE when all are ready at the epoch */
    uint32_t hazards;
    bool sensitive;
    int32_t priority;
} dd_load;

typedef struct dd_site_loads {
    int32_t site;
    int32_t aircraft;      /* type these loads were made for */
    double leg_m;          /* to the nearest destination */
    size_t first_load, n_loads;
    size_t lower_bound;    /* on loads of this type for this site */
    size_t lb_weight, lb_floor, lb_seats, lb_l2_weight, lb_positions;
    size_t initial_loads;  /* from the decreasing heuristic */
    double seconds;
} dd_site_loads;

typedef struct dd_loadplan {
    const dd_scenario *scenario;
    size_t n_pallets;
    const dd_pallet *pallets;
    size_t n_loads;
    const dd_load *loads;
    size_t n_groups;
    const dd_site_loads *groups; /* one per (site, aircraft type) used */
    size_t n_warnings;
    const char *const *warnings;
} dd_loadplan;

typedef struct dd_loads_options {
    int32_t site;         /* only this site; -1 all */
    int32_t aircraft;     /* only this type; -1: largest type that fits, per item */
    bool cargo;           /* include cargo (default true) */
    bool people;          /* include people (default true) */
    uint64_t seed;
    double time_limit_s;  /* per site and type; <= 0: iterations only */
    uint64_t max_iterations;
    /* For planning in time: the time each cargo row is ready (n_cargo
     * entries, DD_TIME_NONE = at the epoch), or NULL for the scenario's
     * ready dates. With `window_loads` > 0, items are packed in order of
     * readiness, about that many loads at a time, so early cargo is not
     * held back by late cargo (the emptiest load of a window is re-packed
     * with the next). `reserve_escorts` keeps a seat and a passenger's
     * weight for the escort of sensitive cargo even when people are not
     * packed. */
    const dd_time *ready;
    int window_loads;
    bool reserve_escorts;
    /* A fleet mix for a saturated ramp: per site, the share (0..1) of the
     * cargo items that the second-largest type able to use the site can
     * also take that goes to that type instead of the largest, spread
     * evenly over the items in order (NULL: every item to the largest
     * type that takes it). People are not diverted. */
    const double *divert;
} dd_loads_options;

void dd_loads_options_init(dd_loads_options *o);

dd_status dd_loads_build(const dd_scenario *s, const dd_loads_options *o, dd_loadplan **out);
void dd_loads_free(dd_loadplan *p);

/* Render: text for an 80-column terminal, JSON (docs/loads-json.md), CSV. */
dd_status dd_loads_write_text(const dd_loadplan *p, FILE *f);
dd_status dd_loads_write_json(const dd_loadplan *p, FILE *f);
dd_status dd_loads_write_csv(const dd_loadplan *p, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
