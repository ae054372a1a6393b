/* SPDX-License-Identifier: MIT */
/*
 * Request bodies of the server: JSON objects read with the model's
 * position-keeping tree (model/ytree.h), and the events of a POST turned
 * into the events CSV of docs/track.md, so that they are read by the same
 * reader and checks as `track add`. No HTTP here (fuzz/fuzz_serve_body.c).
 */
#ifndef DD_SERVE_BODY_H
#define DD_SERVE_BODY_H

#include <stdbool.h>
#include <stdio.h>

#include "base/arena.h"
#include "read/ytree.h"
#include <drawdown/base.h>

typedef struct dd__body {
    dd_arena a;
    dd_ynode *root; /* a map */
} dd__body;

/* Parse text as one JSON object (an empty body: {}). DD_EINPUT with a
 * message in err when it is not one. dd__body_fini in every case. */
dd_status dd__body_parse(const char *text, size_t n, dd__body *b, char *err, size_t errsize);
void dd__body_fini(dd__body *b);
/* The value of key in map, or NULL. */
const dd_ynode *dd__body_field(const dd_ynode *map, const char *key);
/* A scalar field's text, NULL when absent or null; *bad when not a scalar. */
const char *dd__body_text(const dd_ynode *map, const char *key, bool *bad);
/* One quoted CSV cell; false (nothing sensible written) on a line break. */
bool dd__csv_cell(FILE *f, const char *v, bool last);

/*
 * The events of a POST /events body — {"events": [{time, event, subject,
 * value, note}, ...]} or one such object — as events CSV text (*csv
 * malloc'd, with its header). A missing time is now. DD_EINPUT with a
 * message in err (the event's index first); DD_ENOMEM.
 */
dd_status dd__body_events_csv(const char *text, size_t n, char **csv, size_t *csv_n, char *err,
                              size_t errsize);

#endif
