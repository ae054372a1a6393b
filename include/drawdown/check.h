/* SPDX-License-Identifier: MIT */
/*
 * The ten-second summary of a scenario (`drawdown check`): per site the
 * people by role, cargo, tonnage, pallet-equivalents, rolling stock, tasks
 * and their critical path; the fleet; days to the deadline and milestones;
 * and instant findings such as simple lower bounds on sorties and days.
 * Pure computation over a loaded scenario; rendering is in check output.
 *
 * Ownership: dd_check_summarize allocates *out; free it with dd_check_free.
 * Pointers into the scenario are borrowed and live as long as it does.
 */
#ifndef DRAWDOWN_CHECK_H
#define DRAWDOWN_CHECK_H

#include <drawdown/scenario.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dd_check_site {
    const dd_site *site;
    int64_t people[DD_ROLE_COUNT];
    int64_t people_total;
    int64_t cargo_rows;
    int64_t pieces_ship, pieces_handover, pieces_destroy;
    double ship_kg;
    double pallet_equiv;   /* 463L positions needed at best: pallets + built-up loose */
    int64_t rolling;       /* pieces of rolling stock shipped */
    int64_t outsize;       /* outsize, drone and container pieces shipped */
    double floor_m;        /* floor length that rolling/outsize need at best */
    size_t n_tasks;
    dd_time critical_path; /* minutes, precedence only */
    size_t n_cp;
    int32_t *cp;           /* tasks on the critical path, in order */
    int64_t sorties_lb;    /* lower bound on military sorties to empty the site */
    const char *sorties_binding; /* "weight", "pallet positions", "seats", "floor length" */
    double dist_m;         /* to the nearest destination */
    int32_t exit_per_day;
    double exit_days;      /* days of exit processing the people need */
    double stranded;       /* people commercial seats cannot carry by the deadline */
} dd_check_site;

typedef struct dd_check_milestone {
    const dd_milestone *m;
    double days_from_epoch;
} dd_check_milestone;

typedef struct dd_check_finding {
    dd_severity severity;
    char text[320];
} dd_check_finding;

typedef struct dd_check {
    const dd_scenario *scenario;
    size_t n_sites;
    dd_check_site *sites;
    int64_t people_total;
    int64_t people[DD_ROLE_COUNT];
    double ship_kg;
    double pallet_equiv;
    int64_t sorties_lb;
    double days_to_deadline;
    double days_clearance_window; /* from clearances opening to the deadline */
    double days_lb;               /* lower bound on days of flying after clearances open */
    const char *days_lb_binding;
    size_t n_milestones;
    dd_check_milestone *milestones;
    size_t n_findings;
    dd_check_finding *findings;
} dd_check;

dd_status dd_check_summarize(const dd_scenario *s, dd_check **out);
void dd_check_free(dd_check *c);

/* Render for a terminal (80 columns) or as the JSON object documented in
 * docs/check-json.md. Return DD_EIO on a write error. */
dd_status dd_check_write_text(const dd_check *c, FILE *f);
dd_status dd_check_write_json(const dd_check *c, FILE *f);

/* Format a weight in the scenario's display unit ("1,310 t", "2,887,000 lb"). */
void dd_format_weight(const dd_scenario *s, double kg, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
