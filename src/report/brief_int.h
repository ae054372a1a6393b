/* SPDX-License-Identifier: MIT */
/*
 * The briefing's private model: a plan file read into plain arrays
 * (brief_read.c), and what the renderers share: times, the palette and
 * patterns that survive greyscale, chart drawing onto any cairo context
 * (chart_*.c), and the writers (brief_write.c, xlsx_write.c, html_write.c).
 * Times are minutes since 1970-01-01T00:00Z; days are days since 1970 in
 * the host country's time (the plan's dates).
 */
#ifndef DD_REPORT_BRIEF_INT_H
#define DD_REPORT_BRIEF_INT_H

#include <drawdown/report.h>
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"

#define BR_NONE INT64_MIN

typedef struct br_count {
    const char *id; /* cargo or people id */
    int32_t count;
    bool escort;
} br_count;

typedef struct br_pallet {
    int32_t id;
    double gross_kg, height_m;
    size_t n_pieces;
    br_count *pieces;
} br_pallet;

typedef struct br_sortie {
    int32_t id;
    const char *aircraft, *site, *dest, *ferry_from;
    int32_t tail;
    const char *tail_name; /* "C17A-1", or the tail number the scenario gives */
    int64_t ferry_dep, at_site, dep, arr;
    int32_t clearance;
    double weight_kg, acl_kg, floor_m;
    int32_t seats_available;
    size_t n_pallets, n_cargo, n_pax;
    br_pallet *pallets;
    br_count *cargo, *pax;
    int32_t site_idx;
} br_sortie;

typedef struct br_clear {
    int32_t id, sortie;
    const char *site, *airfield;
    int64_t file_by, window_from, window_to;
    int64_t date; /* day */
    int32_t count_site, count_country;
    int32_t site_idx;
    /* what the request tells the host (issue 18), when the plan file
     * states it: "" and -1 when it does not */
    const char *call_sign, *route;
    const char *hazards;    /* the classes, space-separated */
    const char *overflight; /* the countries, space-separated */
    int32_t passengers;
    int32_t weapons; /* 1 aboard, 0 none, -1 not stated */
} br_clear;

typedef struct br_task {
    const char *id, *site;
    int64_t start, end;
} br_task;

typedef struct br_move {
    int32_t count, sortie; /* sortie -1: commercial */
    int64_t date, departure;
} br_move;

typedef struct br_group {
    const char *id, *site, *role;
    int32_t count;
    int64_t released, arrival;
    size_t n_moves;
    br_move *moves;
} br_group;

enum { BR_SEC, BR_OPS, BR_SUP, BR_AUG, BR_EVAC, BR_ROLES };

typedef struct br_day {
    int64_t date;
    int32_t people[BR_ROLES];
    int32_t security_required;
    double cargo_kg;
    int32_t mog_peak, clearances, exits;
} br_day;

typedef struct br_site {
    const char *id;
    int64_t closure;
    int64_t close_by;   /* its closing date (hand-over), or BR_NONE */
    int32_t offset_min; /* local time offset, from closure_local */
    size_t n_days;
    br_day *days;
} br_site;

typedef struct br_milestone {
    const char *id;
    int64_t at, achieved;
    double margin_hours, personnel_out, cargo_out;
    bool met;
} br_milestone;

typedef struct br_prob {
    double p, lo, hi;
    int32_t hits, n;
    bool set;
} br_prob;

typedef struct br_sim {
    bool set;
    const char *policy;
    int32_t replications, never;
    br_prob p_deadline, p_all_terms;
    int64_t p10, p50, p90; /* BR_NONE: never */
    int64_t hist_from;     /* time of the first bin's start */
    double bin_days;
    size_t n_bins;
    int32_t *counts;
} br_sim;

struct dd_brief {
    dd_arena arena;
    const char *file, *name, *scenario;
    int64_t epoch, deadline;
    int32_t offset_min; /* the host country's offset (first site's) */
    bool deadline_met;
    int verified;        /* dd_brief_verified */
    size_t n_violations; /* found by the verifier (DD_BRIEF_DISAGREES) */
    int64_t completion;
    double margin_hours;
    const char *binding, *binding_detail;
    bool fleet_mix; /* cargo moved to a smaller type (optional key) */
    const char *objective; /* "margin", "completion" or "" (optional key) */
    int32_t commercial_seats;
    size_t n_sorties, n_clears, n_tasks, n_groups, n_sites, n_milestones;
    br_sortie *sorties;
    br_clear *clears;
    br_task *tasks;
    br_group *groups;
    br_site *sites;
    br_milestone *milestones;
    int64_t first_day, last_day; /* span of the charts, host days */
    size_t n_relax;
    const char **relax; /* relaxation texts */
    /* caps, known only when a scenario was given (0: unknown) */
    int32_t cap_country;
    int32_t *cap_site; /* n_sites: clearances per day at the airfield */
    int32_t *mog_site; /* n_sites: total MOG */
    br_sim sim;        /* a simulation result, when given */
    struct dd_brief *baseline; /* the plan as approved, when given (owned) */
    const char *baseline_file;
    /* what the reader sees: pounds and inches (the scenario's units: or
     * --units), the marking on every page, the paper, and the time the
     * plan is as of (minutes since 1970; BR_NONE: unknown) */
    bool us;
    const char *marking;
    int paper; /* dd_paper */
    int64_t as_of;
};

/* ---- times (brief_read.c) ---- */
int64_t dd__br_days_from_civil(int64_t y, int m, int d);
void dd__br_civil(int64_t day, int *y, int *m, int *d);
/* Format minutes in local time (offset) as "YYYY-MM-DD HH:MM". */
void dd__br_fmt_time(int64_t t, int32_t offset_min, char *buf, size_t size);
/* The same, midnight shown as 24:00 of the day before (deadlines). */
void dd__br_fmt_end(int64_t t, int32_t offset_min, char *buf, size_t size);
void dd__br_fmt_date(int64_t day, char *buf, size_t size);
/* A Zulu date-time group with its year: "070400ZJUN24". */
void dd__br_fmt_dtg(int64_t t, char *buf, size_t size);
/* "UTC+01:00" */
void dd__br_fmt_offset(int32_t offset_min, char *buf, size_t size);
int32_t dd__br_site_index(const dd_brief *b, const char *id);

/* ---- charts (chart_*.c) ---- */
typedef struct _cairo cairo_t;

/* Draw chart c into the rectangle (0,0,w,h) of cr. first_sortie for the
 * loads chart. */
void dd__chart_draw(const dd_brief *b, dd_chart c, cairo_t *cr, double w, double h,
                    int first_sortie);

/* Series (chart_series.c) */
dd_status dd__series_add(dd_brief_series_list *l, const char *name, size_t n);

/* ---- writers ---- */
dd_status dd__brief_write_pdf(const dd_brief *b, const char *path, dd_diags *diags);
/* The workbook and the page into an open output (dd_output); `path` names
 * it in messages. */
dd_status dd__brief_write_xlsx_stream(const dd_brief *b, FILE *f, const char *path,
                                      dd_diags *diags);
dd_status dd__brief_write_html_stream(const dd_brief *b, FILE *f, const char *path,
                                      dd_diags *diags);
/* Render chart c as SVG into a malloc'd, NUL-terminated buffer (*out,
 * *len without the NUL); the caller frees *out. With `text` the chart's
 * words are SVG <text> elements (searchable, copyable: the HTML page),
 * else glyph outlines as in an .svg file. */
dd_status dd__brief_svg_mem(const dd_brief *b, dd_chart c, double w, double h,
                            bool text, char **out, size_t *len);

#endif
