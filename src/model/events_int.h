/* SPDX-License-Identifier: MIT */
/*
 * How the events file names a tail (events.c): the way every output
 * prints it ("C17A-1"), with a space or '#' ("C17A 1", "C17A#1"), or by a
 * tail number the scenario gives (aircraft[].tail_numbers, "07-7177").
 */
#ifndef DD_MODEL_EVENTS_INT_H
#define DD_MODEL_EVENTS_INT_H

#include <drawdown/scenario.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Split `text` into a tail: a tail number of the scenario sets *type_out
 * (the aircraft type's index) and *tail_out; else the type's id is copied
 * to type (for the caller to look up, with its suggestions) with
 * *type_out -1, and the tail from the digits after the last '-', ' ' or
 * '#'. A bare number gives an empty type. False when no tail is named.
 */
bool dd__event_tail_split(const dd_scenario *s, const char *text, char *type, size_t type_size,
                          int32_t *type_out, int64_t *tail_out);

#endif
