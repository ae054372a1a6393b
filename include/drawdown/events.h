/* SPDX-License-Identifier: MIT */
/*
 * What happened during a withdrawal, as the operations cell reports it:
 * sorties that left or aborted, clearance requests filed, approved or
 * denied, ground tasks done, airfields closed, tails down, notes. Events
 * come as CSV (docs/track.md) that a cell exports from its own log:
 *
 *   time,event,subject,value,note
 *   2024-06-12T03:10Z,departed,12,,
 *   2024-06-10T09:00Z,clearance-approved,14,2024-06-13T00:00Z/2024-06-14T00:00Z,
 *   2024-06-11T16:00Z,closed,AB201,2024-06-12T06:00Z,sandstorm
 *
 * Subjects are the plan's sortie numbers, or the scenario's task, site,
 * aircraft and personnel group ids; every cell is checked against the scenario and every bad
 * cell is a located error (FILE:LINE:COL, row and column). Whether an event
 * fits the plan and the events before it (a sortie that left twice, say)
 * is checked by the event log (track.h).
 *
 * Ownership: dd_events_parse / dd_events_load allocate *out (one arena);
 * dd_events_free frees it. The events borrow nothing.
 */
#ifndef DRAWDOWN_EVENTS_H
#define DRAWDOWN_EVENTS_H

#include <drawdown/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(id, name, what the subject and value are) */
#define DD_EVENT_MAP(X)                                                        \
    X(DEPARTED, "departed", "sortie; value: the tail that flew (optional)")    \
    X(ABORTED, "aborted", "sortie; value: when it can go again (optional)")    \
    X(FILED, "clearance-filed", "sortie whose clearance request was filed")    \
    X(APPROVED, "clearance-approved", "sortie; value: window FROM/TO (optional)") \
    X(DENIED, "clearance-denied", "sortie whose request was denied")          \
    X(TASK_DONE, "task-done", "task")                                          \
    X(PROCESSED, "processed", "personnel group; value: how many (default: all)") \
    X(CLOSED, "closed", "site; value: closed until (required)")                \
    X(TAIL_DOWN, "tail-down", "aircraft type and tail, 'C-17A 2'; value: until") \
    X(RETRACTED, "retracted", "an earlier event of the log, by its number: a correction") \
    X(NOTE, "note", "anything; the note column says what")

typedef enum dd_event_kind {
#define DD_EVENT_ENUM(id, name, text) DD_EV_##id,
    DD_EVENT_MAP(DD_EVENT_ENUM)
#undef DD_EVENT_ENUM
        DD_EV_COUNT
} dd_event_kind;

typedef struct dd_event {
    dd_event_kind kind;
    dd_time at;          /* when it happened */
    int32_t sortie;      /* the plan's sortie number (1-based), or 0 */
    int32_t index;       /* task, site, aircraft type or personnel group index, or -1 */
    int32_t count;       /* processed: people (the group's count when not given) */
    int32_t ref;         /* retracted: the number of the event in the log (1-based) */
    int32_t tail;        /* tail number (1-based): departed (0: as planned), tail-down */
    dd_time until;       /* aborted, closed, tail-down; DD_TIME_NONE: not given */
    dd_time window_from; /* clearance-approved; DD_TIME_NONE: the plan's window */
    dd_time window_to;
    const char *subject; /* the subject and value cells as written ("" when empty) */
    const char *value;
    const char *note;    /* "" when empty */
    const char *origin;  /* the optional source column: where the event was
                          * first read; the log fills it ("" when empty) */
    /* where it was read, for later messages */
    const char *file;
    uint32_t line;
    uint32_t col_time, col_subject, col_value;
    const char *source; /* the row's text, for the caret display */
} dd_event;

typedef struct dd_events {
    size_t n;
    const dd_event *v; /* in the order given */
} dd_events;

/*
 * Read events CSV `text` (named `file` in messages) for scenario s. Columns
 * are found by header name in any order; time and event are required,
 * subject, value, note and source optional.
 * Times without an offset are the host country's local time, as in the
 * inventories. Returns DD_OK, DD_EINPUT (errors in diags, *out NULL),
 * DD_ENOMEM.
 */
dd_status dd_events_parse(const dd_scenario *s, const char *file, const char *text,
                          size_t len, dd_diags *diags, dd_events **out);
/* The same from a path ("-": standard input); an unreadable file is one
 * error (DD_EIO). */
dd_status dd_events_load(const dd_scenario *s, const char *path, dd_diags *diags,
                         dd_events **out);
void dd_events_free(dd_events *e);

/*
 * Room for n events built by hand (the event log reads its typed rows into
 * it): *v_out the n events, zeroed, and *text_out text_bytes + 1 zeroed
 * bytes for their strings, both owned by *out (dd_events_free).
 */
dd_status dd_events_new(size_t n, size_t text_bytes, dd_events **out, dd_event **v_out,
                        char **text_out);

/* "departed", ...; NULL when out of range. */
const char *dd_event_kind_name(dd_event_kind k);

#ifdef __cplusplus
}
#endif
#endif
