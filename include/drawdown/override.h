/* SPDX-License-Identifier: MIT */
/*
 * Named parameters of a scenario and variants that set them (`drawdown
 * sweep --vary NAME=A..B[:STEP]`, docs/sweep.md). A loaded scenario is
 * immutable; a variant is a shallow copy that shares everything with its
 * base except the few arrays a parameter changes (the sites, the aircraft
 * types and their tails steps), which it owns.
 *
 * The names (ID: a site's or aircraft type's id as in the scenario):
 *   deadline                  agreement.deadline (a time; a date alone is
 *                             the end of that day, as in the scenario)
 *   clearance.daily_cap       country-wide clearances per day (count)
 *   clearance.lead_time       filing ahead of departure (duration)
 *   clearance.validity        window a clearance grants (duration)
 *   personnel.exit_per_day    exits processed per day per site (count)
 *   sites.ID.daily_cap        clearances per day at the airfield (count)
 *   sites.ID.exit_per_day     the site's own exit processing (count)
 *   sites.ID.mog_total        aircraft on the ground at once (count)
 *   sites.ID.close_by         the site's closing date (a time)
 *   aircraft.ID.tails         tails of the type, from the first step on
 *                             (count; replaces the steps)
 *   aircraft.ID.ground_time   turn time on the ground (duration)
 * Counts are whole numbers (at least 1, or 0 for tails); durations are
 * written as in the scenario ("36h", "3d", "90m"); steps of times are
 * durations ("7d").
 *
 * Values are int64: counts as such, durations and times in minutes
 * (dd_time). Thread-safe: only reads the base scenario.
 */
#ifndef DRAWDOWN_OVERRIDE_H
#define DRAWDOWN_OVERRIDE_H

#include <drawdown/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum dd_param_type { DD_PARAM_COUNT, DD_PARAM_DURATION, DD_PARAM_TIME } dd_param_type;

/* A resolved parameter name: which field of which site or type. */
typedef struct dd_param {
    int field;     /* internal: which field */
    int32_t index; /* the site or aircraft type; -1 for the agreement's */
    dd_param_type type;
    char name[96];
} dd_param;

/* A one-line list of the names, for messages and help. Static. */
const char *dd_param_names(void);

/*
 * Resolve `name` (len bytes). DD_OK and *out; DD_EINPUT with why (a
 * sentence, e.g. "unknown parameter 'clearance.cap' (did you mean
 * 'clearance.daily_cap'?)" or "unknown site 'AB102' (sites: AB101,
 * AB201)") and *why_at, the byte offset in name where the problem starts.
 */
dd_status dd_param_resolve(const dd_scenario *s, const char *name, size_t len, dd_param *out,
                           char *why, size_t why_size, size_t *why_at);
/* Parse one value (len bytes) of the parameter's type; DD_EINPUT with
 * why as above. */
dd_status dd_param_parse(const dd_scenario *s, const dd_param *p, const char *text, size_t len,
                         int64_t *out, char *why, size_t why_size);
/* Parse a step: a whole number for counts, a duration for durations and
 * times. Must be positive. */
dd_status dd_param_parse_step(const dd_param *p, const char *text, size_t len, int64_t *out,
                              char *why, size_t why_size);
/* The base scenario's value. */
int64_t dd_param_get(const dd_scenario *s, const dd_param *p);
/* A value as written back: "4", "36h", "3d", "2024-09-15T23:00Z". */
void dd_param_format(const dd_scenario *s, const dd_param *p, int64_t v, char *buf,
                     size_t size);

/*
 * Parse "NAME=A..B[:STEP]" (or "NAME=A", one value): the parameter and its
 * values, A to B inclusive by STEP (default 1 for counts, 1 day for
 * durations and times; at most DD_PARAM_MAX_VALUES). Problems go to diags
 * located at (where, number, column in arg), with arg as the source line.
 * *values_out is malloc'd (the caller frees it). DD_EINPUT; DD_ENOMEM.
 */
#define DD_PARAM_MAX_VALUES 1000
dd_status dd_param_range_parse(const dd_scenario *s, const char *arg, const char *where,
                               uint32_t number, dd_diags *diags, dd_param *param,
                               int64_t **values_out, size_t *n_out);

/*
 * A variant of `base` with param[i] set to value[i] (n of them). It
 * borrows `base`, which must outlive it; free it with
 * dd_scenario_variant_free (never dd_scenario_free). DD_ENOMEM.
 */
dd_status dd_scenario_variant(const dd_scenario *base, const dd_param *param,
                              const int64_t *value, size_t n, dd_scenario **out);
void dd_scenario_variant_free(dd_scenario *s);

#ifdef __cplusplus
}
#endif
#endif
