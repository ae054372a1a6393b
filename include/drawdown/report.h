/* SPDX-License-Identifier: MIT */
/*
 * Briefing outputs from a plan file (docs/plan-format.md): charts (PNG, SVG),
 * a PDF briefing, an XLSX workbook and a self-contained HTML page
 * (docs/report.md). The report reads the plan FILE only, so it needs
 * neither the scenario nor the planner; every figure it shows is in the
 * file.
 *
 * Ownership: dd_brief_parse/dd_brief_load allocate *out (one arena);
 * dd_brief_free frees it (NULL is a no-op). A dd_brief is read-only after
 * loading and may be shared by threads that only render from it. Series
 * returned by dd_brief_series belong to the caller's dd_brief_series_list
 * (dd_brief_series_fini).
 */
#ifndef DRAWDOWN_REPORT_H
#define DRAWDOWN_REPORT_H

#include <drawdown/base.h>
#include <drawdown/scenario.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dd_brief dd_brief;

/* The charts drawdown draws; names as on the command line (--chart). */
#define DD_CHART_MAP(X)                                                      \
    X(BURNDOWN, "burndown", "people and cargo left per site")                \
    X(GANTT, "gantt", "sorties by airfield and day")                        \
    X(RAMP, "ramp", "aircraft on the ground and clearances per day")        \
    X(CALENDAR, "calendar", "clearance requests to file, by day")           \
    X(SECURITY, "security", "security present against its minimum per site") \
    X(LOADS, "loads", "load diagram per sortie")                            \
    X(RISK, "risk", "completion dates and P(deadline) from a simulation")

typedef enum dd_chart {
#define DD_CHART_ENUM(id, name, text) DD_CHART_##id,
    DD_CHART_MAP(DD_CHART_ENUM)
#undef DD_CHART_ENUM
        DD_CHART_COUNT
} dd_chart;

/* The chart's command-line name and a one-line description (static). */
const char *dd_chart_name(dd_chart c);
const char *dd_chart_text(dd_chart c);
/* The chart named `name`, or -1. */
int dd_chart_from_name(const char *name);

/*
 * Read a plan file's text. Problems go to diags as FILE:LINE:COL errors
 * (field path and message); returns DD_EINPUT then, with *out NULL.
 */
dd_status dd_brief_parse(const char *file, const char *text, size_t len, dd_diags *diags,
                         dd_brief **out);
/* The same from a path; an unreadable file is one located error. */
dd_status dd_brief_load(const char *path, dd_diags *diags, dd_brief **out);
void dd_brief_free(dd_brief *b);
/*
 * Enrich a brief with what only the scenario knows: clearance caps (per
 * airfield and country-wide), each site's MOG, the host country's and the
 * sites' time offsets. Sites are matched by id; the scenario is not kept.
 */
dd_status dd_brief_use_scenario(dd_brief *b, const dd_scenario *s);
/* The scenario path the plan file names (borrowed from the brief). */
const char *dd_brief_scenario_path(const dd_brief *b);
/* The plan file's verdict: its summary's deadline_met. */
bool dd_brief_deadline_met(const dd_brief *b);
/* Whether the plan was checked by the independent verifier: the first
 * page and the page's verdict say NOT VERIFIED unless `status` is
 * DD_BRIEF_VERIFIED. A new brief is DD_BRIEF_UNVERIFIED. */
typedef enum dd_brief_verified {
    DD_BRIEF_UNVERIFIED = 0, /* no scenario to check it against */
    DD_BRIEF_VERIFIED = 1,   /* the verifier agrees with the plan's verdict */
    DD_BRIEF_DISAGREES = 2   /* the plan says met, the verifier finds violations */
} dd_brief_verified;
void dd_brief_set_verified(dd_brief *b, dd_brief_verified status, size_t n_violations);
/*
 * Add a simulation result (`drawdown simulate -o result.json`, docs/sim.md):
 * P(deadline) and P(every term) on the verdict, and the risk chart (the
 * completion-date histogram and the chance of being done by each day).
 * Problems are located errors in diags (DD_EINPUT).
 */
dd_status dd_brief_use_sim(dd_brief *b, const char *path, dd_diags *diags);

/*
 * Add the plan as first approved (a plan file of the same scenario): the
 * burndown draws its lines grey under the brief's, so a new plan (drawdown
 * status -o) shows against the one being executed. Problems are located
 * errors in diags (DD_EINPUT); a plan of another scenario name or epoch is
 * refused.
 */
dd_status dd_brief_use_baseline(dd_brief *b, const char *path, dd_diags *diags);
/* The same, the charts naming the baseline `label` instead of its path
 * (a server's temporary file: "the approved plan"). */
dd_status dd_brief_use_baseline_as(dd_brief *b, const char *path, const char *label,
                                   dd_diags *diags);

typedef struct dd_report_options {
    int chart;       /* dd_chart for .png/.svg; -1: the burndown */
    int width_px;    /* PNG/SVG size; 0: 1400 x 800 */
    int height_px;
    int first_sortie; /* loads chart: first sortie id shown (1-based); 0: 1 */
    const char *format; /* pdf, png, svg, xlsx or html; NULL: the path's extension
                         * (required when the path is "-", standard output) */
    const char *const *inputs; /* files the output must not replace (base.h) */
    size_t n_inputs;
    /* what the reader sees; each 0/NULL keeps the scenario's (when the
     * brief has one, dd_brief_use_scenario) or the default */
    int units;           /* dd_units: DD_UNITS_METRIC or DD_UNITS_US */
    int paper;           /* dd_paper: A4 (the default) or US letter, landscape */
    const char *marking; /* the banner at the top and bottom of every page */
    int64_t as_of;       /* the "as of" time, seconds since 1970 (0: the plan
                          * file's modification time) */
} dd_report_options;

void dd_report_options_init(dd_report_options *o);

/*
 * Write the report to `path` through dd_output (base.h: "-" is standard
 * output, a device is written directly, a file atomically); o->format or
 * else the extension picks the format: .png, .svg (one chart), .pdf
 * (briefing), .xlsx (workbook), .html (one file). Returns DD_EARG for an
 * unknown format or an output that is one of o->inputs, DD_EIO when the
 * file cannot be written (message in diags), DD_ENOMEM.
 */
dd_status dd_report_write(const dd_brief *b, const char *path, const dd_report_options *o,
                          dd_diags *diags);

/*
 * Release what the drawing libraries cache for the whole process (cairo's
 * font caches, fontconfig's configuration), so leak checkers see a clean
 * exit. Call once, at exit, when no report is being drawn; not
 * thread-safe.
 */
void dd_report_global_cleanup(void);

/* One data series of a chart: points (x, y). For time charts x is the
 * host-country day counted from the chart's first day (0: the epoch's
 * day) and y the figure at the end of that day; for loads x is the sortie
 * id. */
typedef struct dd_brief_series {
    char name[64];
    size_t n;
    double *x;
    double *y;
} dd_brief_series;

typedef struct dd_brief_series_list {
    size_t n;
    dd_brief_series *v;
} dd_brief_series_list;

/*
 * The numbers a chart plots, for tests and for anyone redrawing it
 * elsewhere: burndown "people SITE" and "tonnes SITE" (end of each day)
 * and "people all", "tonnes all" (every day of the span);
 * ramp "mog SITE" and "clearances SITE" per day; security "present SITE"
 * and "required SITE"; calendar "file SITE" (requests whose file-by falls
 * on each day); gantt "sorties SITE" (departures per day); loads "weight"
 * and "pallets" per sortie (x = sortie id); risk (with a simulation)
 * "completions" per histogram bin and "p_done" (share done by the bin's
 * end), x = the bin's first day.
 */
dd_status dd_brief_series_get(const dd_brief *b, dd_chart c, dd_brief_series_list *out);
void dd_brief_series_fini(dd_brief_series_list *l);

/*
 * The feasibility frontier of a what-if sweep (`drawdown sweep --chart`,
 * docs/sweep.md): one cell per combination, coloured by whether it meets
 * every term and shaded by its margin (days) or its probability, with the
 * frontier drawn between the cells that meet every term and those that do
 * not. The last axis runs across, the one before it down; each value of
 * the axes before those gets its own panel. cells are in combination
 * order (the first axis slowest); labels[k] holds the first 64 values'
 * texts. Written atomically to path (.png, .svg or .pdf). DD_EARG for no
 * axes or a bad extension; DD_EIO.
 */
typedef struct dd_frontier_cell {
    bool planned; /* a plan was made */
    bool met;     /* it meets every term */
    double value; /* margin in days, or a probability */
} dd_frontier_cell;

typedef struct dd_frontier {
    const char *title, *subtitle;
    size_t n_axes; /* 1 .. 8 */
    const char *axis_name[8];
    size_t n_values[8];
    const char *const *labels[8];
    size_t n_cells;
    const dd_frontier_cell *cells;
    bool probability;        /* value is a probability (else days of margin) */
    const char *value_label; /* what value is, for the legend */
} dd_frontier;

dd_status dd_report_frontier(const dd_frontier *f, const char *path);

#ifdef __cplusplus
}
#endif
#endif
