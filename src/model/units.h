/* SPDX-License-Identifier: MIT */
/*
 * Quantities as planners write them: "4,000 lb", "77.5 t", "3h15m",
 * "450 kt", "2400 nm", "104 in", and ISO 8601 times. Each parser returns
 * NULL on success or a static message saying what is wrong.
 */
#ifndef DD_MODEL_UNITS_H
#define DD_MODEL_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read/civil.h"

#include <drawdown/scenario.h>

struct dd_jw;
/* A JSON member `key`: the time t in UTC as machine formats write it
 * ("2024-06-07T14:30Z"), or null when there is none (DD_TIME_NONE). */
void dd__jw_time(struct dd_jw *w, const dd_scenario *s, const char *key, dd_time t);

typedef enum dd_qty {
    DD_Q_WEIGHT,   /* -> kg */
    DD_Q_LENGTH,   /* -> m */
    DD_Q_DISTANCE, /* -> m */
    DD_Q_SPEED,    /* -> m/s */
    DD_Q_DURATION, /* -> minutes */
    DD_Q_COUNT_
} dd_qty;

/* A plain decimal number, all of `s` (thousands commas allowed). */
const char *dd__parse_number(const char *s, double *out);
/* A share: a number, or a percentage ("50%", "12.5 %") divided by 100. */
const char *dd__parse_fraction(const char *s, double *out);
/* A whole number, all of `s`. */
const char *dd__parse_int(const char *s, int64_t *out);
/* A quantity with a unit; a bare number takes `default_unit` (NULL: a unit
 * is required). The result is in the SI unit noted above. */
const char *dd__parse_qty(const char *s, dd_qty q, const char *default_unit, double *out);
/* Unit name for messages: "kg, lb, t, short ton" etc. */
const char *dd__qty_units(dd_qty q);
/* Is `unit` a known unit of q? */
bool dd__unit_known(dd_qty q, const char *unit);

/*
 * A position as text: "13.4819, 2.1831" (signed degrees, latitude first),
 * or with hemisphere letters in degrees-minutes-seconds as airfield
 * publications give them: 13°28'55"N 002°10'59"E, N13°28'55" E002°10'59",
 * 13 28 55N 2 10 59E, 13-28-55.3N 002-10-59E, 132855N 0021059E,
 * 1328.9N 00211.0E, 13°28.9'N 2°11'E, 13.4819N 2.1831E (either order).
 */
const char *dd__parse_position(const char *s, double *lat, double *lon);

/*
 * ---- Output: what a person reads ----
 * Every text, CSV and briefing a person reads follows the scenario's
 * `units:` (or --units): `us` is pounds and inches (lb, in; floors in ft),
 * else kilograms and metres (kg, m; bulk in tonnes). Flying distances are
 * nautical miles in both. Machine formats (plan file, --json) stay SI.
 */
/* A weight in the reader's small unit: kg, or lb when us. */
double dd__out_mass(bool us, double kg);
const char *dd__out_mass_unit(bool us); /* "kg" / "lb" */
/* A bulk weight (a site's cargo): t, or lb when us (lb in, lb out). */
double dd__out_bulk(bool us, double kg);
const char *dd__out_bulk_unit(bool us); /* "t" / "lb" */
/* A cargo length: m, or in when us; a floor length: m, or ft when us. */
double dd__out_len(bool us, double m);
const char *dd__out_len_unit(bool us);
double dd__out_floor(bool us, double m);
const char *dd__out_floor_unit(bool us);
/* A flying distance in nautical miles. */
double dd__out_nm(double m);
/* `v` rounded to `decimals` with thousands commas: "1,310,065.5". */
void dd__out_number(double v, int decimals, char *buf, size_t size);
/* A Zulu date-time group, with its year: "070400ZJUN24" (t: minutes since
 * 1970-01-01T00:00Z). buf needs 16 bytes. */
void dd__out_dtg(int64_t t, char *buf, size_t size);
/* "1 sortie", "2 sorties": the noun agreeing with n (English). */
const char *dd__plural(int64_t n, const char *one, const char *many);


#endif
