/* SPDX-License-Identifier: MIT */
/*
 * The scenario loader's private state and helpers, shared by the files of
 * src/model/: field access on the document tree with located errors and
 * "unknown field" checks, id maps, and the stages (YAML sections, CSV
 * inventories, cross-validation).
 */
#ifndef DD_MODEL_LOADER_H
#define DD_MODEL_LOADER_H

#include <stdbool.h>

#include "base/arena.h"
#include "model/units.h"
#include "read/ytree.h"
#include <drawdown/scenario.h>

/* String -> index map (open addressing), memory from the arena. */
typedef struct dd_idmap {
    const char **keys;
    int32_t *vals;
    size_t cap, n;
} dd_idmap;

dd_status dd__idmap_init(dd_idmap *m, dd_arena *a, size_t expected);
/* Insert; returns the existing index if key is present, else -1 (inserted). */
int32_t dd__idmap_put(dd_idmap *m, const char *key, int32_t val);
int32_t dd__idmap_get(const dd_idmap *m, const char *key);

/* Where an inventory's rows come from, to locate a cell in a message: a
 * CSV text (its fields separated by `sep`), or a sheet of a workbook
 * (text NULL; cells are placed as FILE:SHEET!F12). Borrowed from the
 * loader's arena. */
typedef struct dd_inv_src {
    const char *file;  /* the path as opened */
    const char *text;  /* CSV text, or NULL for a sheet */
    size_t len;
    char sep;          /* CSV separator */
    const char *sheet; /* the sheet's name, for a workbook */
} dd_inv_src;

/* Mutable views of the arrays being built (the scenario exposes const). */
typedef struct dd_loader {
    dd_arena *arena;
    dd_diags *diags;
    dd_scenario *s;
    const char *base_dir;
    /* current file: for locating messages */
    const char *file;
    const char *text;
    size_t len;
    dd_lines lines; /* line starts of the texts, for messages */
    bool oom;
    /* sections that failed: later checks that depend on them stay quiet */
    bool deadline_ok;   /* agreement.deadline read and after the epoch */
    bool units_failed;  /* units: bare numbers may be read in the wrong unit */
    /* defaults */
    const char *weight_unit; /* for bare numbers */
    const char *length_unit;
    int32_t tz; /* host offset, minutes */
    /* id maps */
    dd_idmap sites, hubs, stops, aircraft, classes, tasks, cargo, people, hazards;
    /* built arrays */
    dd_site *sites_v;
    dd_hub *hubs_v;
    dd_aircraft *aircraft_v;
    dd_cargo *cargo_v;
    dd_people *people_v;
    dd_task *tasks_v;
    const char **class_names;
    size_t n_class_names, cap_class_names;
    const char **hazard_names;
    size_t n_hazards;
    uint32_t hazard_no_pax;
    uint32_t *hazard_apart; /* 32 masks */
    /* deferred task fields, resolved after all tasks are read */
    struct pending_task {
        const char *preds;    /* raw "T1;T2+2h" */
        const char *demands;  /* raw "load-team:2" */
        const char *releases; /* raw "C-1;P-2" */
        uint32_t line;
        size_t row_off;
        uint32_t col_pred, col_res, col_rel; /* column indices */
    } *pending;
    /* deferred released_by on cargo/people (by task id) */
    const char **cargo_release_by;
    const char **people_release_by;
    /* the `at` node of each milestone (or NULL), for late messages */
    const dd_ynode **milestone_at;
    /* acknowledged warnings (ack.c) */
    struct dd_ack {
        const char *key; /* "no-mog AB201 C17" */
        const dd_ynode *node;
        size_t index;
        bool used;
    } *acks;
    size_t n_acks;
    /* the inventories' sources, kept for late messages */
    dd_inv_src cargo_src, people_src, tasks_src;
    /* positions of inventory rows' cells, for late messages */
    size_t *cargo_off, *people_off, *tasks_off;
    int cargo_col[24], people_col[24], tasks_col[24]; /* = MAX_COLS of inventory.c */
} dd_loader;

/* Column numbers of the inventories, in the order of their specs. */
enum { T_ID, T_SITE, T_DUR, T_PRED, T_RES, T_REL, T_DESC };
enum { K_ID, K_SITE, K_DESC, K_QTY, K_W, K_L, K_WD, K_H, K_KIND, K_HAZ, K_SENS, K_READY,
       K_RELBY, K_PRIO, K_DISP, K_UNIT, K_STACK };
enum { P_ID, P_SITE, P_COUNT, P_ROLE, P_REL, P_RELBY, P_ARR, P_UNIT };

/* Located error at a tree node, with the current file's source line. */
void dd__lerr(dd_loader *L, const dd_ynode *n, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dd__lwarn(dd_loader *L, const dd_ynode *n, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Located error at a line/column of a given file text. */
void dd__lerr_at(dd_loader *L, dd_severity sev, const char *file, const char *text, size_t len,
                 uint32_t line, uint32_t col, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));

/* A message at field `field` of an inventory row that starts at byte
 * `offset` on line `line` (a sheet's row number for a workbook). field
 * DD_INV_ROW: the row's start, with its source line; DD_INV_ROW_QUIET:
 * the row's start, its text not shown (a file that may be no inventory). */
#define DD_INV_ROW (-1)
#define DD_INV_ROW_QUIET (-2)
void dd__inv_at(dd_loader *L, dd_severity sev, const dd_inv_src *src, uint32_t line,
                size_t offset, int field, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Map access; get marks the key used. */
dd_ynode *dd__yget(dd_ynode *map, const char *key);
/* Report every key of `map` not marked used, suggesting the nearest of
 * `known` (NULL-terminated). */
void dd__yunknown(dd_loader *L, const dd_ynode *map, const char *path,
                  const char *const *known);
/* Required field: reports "missing required field" at the map. */
dd_ynode *dd__yreq(dd_loader *L, dd_ynode *map, const char *path, const char *key);
bool dd__yexpect(dd_loader *L, const dd_ynode *n, dd_ykind kind, const char *path);

/* Typed readers of a node; each reports its own errors and returns false. */
bool dd__ystr(dd_loader *L, const dd_ynode *n, const char *path, const char **out);
bool dd__yint(dd_loader *L, const dd_ynode *n, const char *path, int64_t min, int64_t max,
              int32_t *out);
bool dd__ynum(dd_loader *L, const dd_ynode *n, const char *path, double min, double max,
              double *out);
bool dd__yqty(dd_loader *L, const dd_ynode *n, const char *path, dd_qty q, bool positive,
              double *out);
bool dd__ytime(dd_loader *L, const dd_ynode *n, const char *path, bool end_of_day,
               dd_time *out);
bool dd__ybool(dd_loader *L, const dd_ynode *n, const char *path, bool *out);

/* Fields of a map by key, as the scenario file's sections read them
 * (lhelp.c): field `key` of `map` at `path`, an error "missing required
 * field" when `required` and absent, then read as the typed readers above
 * do. Each returns false (NULL) when the field is absent or bad, with the
 * errors reported. */
/* "path.key" into buf ("key" at the top level). */
void dd__field_path(char *buf, size_t size, const char *path, const char *key);
/* An arena array of n entries (at least one) of `size` bytes; NULL and
 * L->oom set when out of memory. */
void *dd__alloc_n(dd_loader *L, size_t n, size_t size);
bool dd__get_qty(dd_loader *L, dd_ynode *map, const char *path, const char *key, dd_qty q,
                 bool positive, bool required, double *out);
bool dd__get_int(dd_loader *L, dd_ynode *map, const char *path, const char *key, int64_t min,
                 int64_t max, bool required, int32_t *out);
bool dd__get_num(dd_loader *L, dd_ynode *map, const char *path, const char *key, double min,
                 double max, bool required, double *out);
bool dd__get_str(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                 bool required, const char **out);
bool dd__get_time(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                  bool end_of_day, bool required, dd_time *out);
/* Optional opening hours, as dd__parse_hours reads them. */
bool dd__get_hours(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                   dd_hours *out);
/* Optional `timezone`, as dd__parse_tz reads it: an offset in minutes. */
bool dd__get_tz(dd_loader *L, dd_ynode *map, const char *path, int32_t *out);
/* Required `position`, in degrees. */
bool dd__get_position(dd_loader *L, dd_ynode *map, const char *path, double *lat,
                      double *lon);
/* The node of a list (a map) field; NULL when absent or not one. */
dd_ynode *dd__get_list(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                       bool required);
dd_ynode *dd__get_map(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                      bool required);
/* The required `id` of map m, registered in `map` as entry `index`; an
 * empty or duplicate id is an error. */
bool dd__get_id(dd_loader *L, dd_ynode *m, const char *path, dd_idmap *map, int32_t index,
                const char *what, const char **id);
/* The optional `name` and the required four-letter `icao` of an airfield. */
void dd__get_name_icao(dd_loader *L, dd_ynode *m, const char *path, const char **name,
                       const char **icao);

/* The nearest of `known` to `word` within a small edit distance, or NULL. */
const char *dd__suggest(const char *word, const char *const *known);
/* The message for a name that is not one of `known`, in buf: "unknown
 * <what> '<shown>' (did you mean '<x>'?)" when `word` (shown, or its
 * normalised form) is near x, else "unknown <what> '<shown>'" and
 * `otherwise` (may be NULL). Returns buf. */
const char *dd__unknown(char *buf, size_t size, const char *what, const char *shown,
                        const char *word, const char *const *known, const char *otherwise);

/* Time conversion: unix seconds -> minutes since the epoch (rounded down). */
dd_time dd__to_minutes(const dd_loader *L, int64_t unix_s);

/* Aircraft class index by name, adding it when new. */
int32_t dd__class_index(dd_loader *L, const char *name);
/* Hazard class index by name, adding it when new; -2 when there are more
 * than 32 classes. */
int32_t dd__hazard_index(dd_loader *L, const char *name);

/* Stages. */
void dd__load_sections(dd_loader *L, dd_ynode *root);
/* The sections of the airfields' order and the network (sections_net.c),
 * called by dd__load_sections after the sites, in this order (the
 * agreement's milestones are read between the vias and the hubs). */
void dd__load_site_order(dd_loader *L, dd_ynode *root);
void dd__load_vias(dd_loader *L, dd_ynode *root);
void dd__load_hubs(dd_loader *L, dd_ynode *root);
void dd__load_stops(dd_loader *L, dd_ynode *root);
void dd__load_inventories(dd_loader *L, dd_ynode *root);
void dd__validate(dd_loader *L);
/* Events CSV (events.h) into *out (arena), returns how many rows read;
 * L->s is the scenario, L->tasks, L->sites, L->aircraft its id maps. */
struct dd_event;
size_t dd__read_events(dd_loader *L, const char *file, const char *text, size_t len,
                       struct dd_event **out);
/* The optional `disruptions:` section (disrupt.c), after sites and aircraft. */
void dd__load_disruptions(dd_loader *L, dd_ynode *root);

/* Acknowledged warnings (ack.c): read `acknowledge:` (before validation);
 * whether the warning of `key` is acknowledged (marks it used); warn of
 * the acknowledgements no warning used (after validation). */
void dd__load_acks(dd_loader *L, dd_ynode *root);
bool dd__acked(dd_loader *L, const char *key);
void dd__acks_unused(dd_loader *L);

/* Read a whole file into the arena (NUL-terminated). */
dd_status dd__read_file(dd_arena *a, const char *path, char **text, size_t *len,
                        const char **why);
/* Join base dir and a relative path into the arena. */
char *dd__join_path(dd_arena *a, const char *dir, const char *rel);

#endif
