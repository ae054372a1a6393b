/* SPDX-License-Identifier: MIT */
/*
 * Civil dates of the proleptic Gregorian calendar as day numbers (days
 * since 1970-01-01), both ways: one home for every reader (the scenario's
 * times, workbook dates, the plan file for the verifier and the briefing).
 */
#ifndef DD_READ_CIVIL_H
#define DD_READ_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 of a civil date (month 1-12, day 1-31). */
int64_t dd__days_from_civil(int64_t y, unsigned m, unsigned d);
/* The civil date of a day number. */
void dd__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/*
 * ISO 8601 date or date-time: "2024-09-15", "2024-09-15T23:59Z",
 * "2024-09-15T23:59:30+01:00", "2024-09-15 23:59". Without an offset the
 * time is local at `default_offset` minutes. A date alone means local
 * midnight, or the end of that day when end_of_day is true.
 * *unix_out is seconds since 1970-01-01T00:00Z; *date_only_out (may be NULL)
 * tells whether only a date was given.
 */
const char *dd__parse_time(const char *s, int32_t default_offset, bool end_of_day,
                           int64_t *unix_out, bool *date_only_out);
/* "+01:00", "-05:30", "UTC+1", "UTC", "Z" -> minutes east of UTC. */
const char *dd__parse_tz(const char *s, int32_t *out);
/* "06:00-22:00" (local) -> [open, close) minutes; "24h" or "00:00-24:00" all day. */
const char *dd__parse_hours(const char *s, int32_t *open, int32_t *close);
/* Exactly "YYYY-MM-DDTHH:MMZ", the form plan files write, to seconds since
 * 1970; false for anything else or a date or time that does not exist. */
bool dd__parse_utc_minute(const char *s, int64_t *unix_out);
/* Exactly "YYYY-MM-DD" to days since 1970-01-01; false otherwise. */
bool dd__parse_date(const char *s, int64_t *days_out);

#endif
