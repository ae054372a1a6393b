/* SPDX-License-Identifier: MIT */
/*
 * Civil dates of the proleptic Gregorian calendar as day numbers (days
 * since 1970-01-01), both ways: one home for every reader (the scenario's
 * times, workbook dates, the plan file for the verifier and the briefing).
 */
#ifndef DD_READ_CIVIL_H
#define DD_READ_CIVIL_H

#include <stdint.h>

/* Days since 1970-01-01 of a civil date (month 1-12, day 1-31). */
int64_t dd__days_from_civil(int64_t y, unsigned m, unsigned d);
/* The civil date of a day number. */
void dd__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
