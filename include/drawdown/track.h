/* SPDX-License-Identifier: MIT */
/*
 * Tracking (docs/track.md): an append-only event log in SQLite, the status
 * of the withdrawal against its plan, and the plan made again from what
 * has happened.
 *
 * The log is one SQLite file (WAL, synchronous writes). It names the
 * scenario and the planning options it was started with, and the SHA-256
 * of the plan they gave: plans are deterministic, so the log's plan is
 * built again on every use and compared, and a scenario edited since the
 * start is refused rather than tracked against a different plan. Events
 * are only ever added, a file at a time in one transaction (all of it or
 * none), each row chained to the one before by SHA-256 so that any edit
 * made behind the tool's back is found (dd_track_verify). Triggers refuse
 * updates and deletes.
 *
 * Status and re-plan are pure: a plan, the events, a time.
 *
 * Ownership: dd_track_open allocates *out, dd_track_close frees it;
 * dd_track_status allocates *out, dd_track_status_free frees it.
 */
#ifndef DRAWDOWN_TRACK_H
#define DRAWDOWN_TRACK_H

#include <drawdown/events.h>
#include <drawdown/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dd_track dd_track;

/* What a log was started with. */
typedef struct dd_track_info {
    char scenario[4096]; /* absolute path */
    uint64_t seed;
    int objective;        /* dd_plan_objective */
    char plan_sha256[65]; /* hex, of the plan file's text */
    char created[32];     /* ISO 8601 UTC, wall clock */
    int64_t n_events;
} dd_track_info;

/* SHA-256 of the plan file (dd_plan_write_json) the log tracks, in hex. */
dd_status dd_track_plan_hash(const dd_plan *p, const char *scenario_path, char hex[65]);

/*
 * Start a log at `path` for the plan p was built as (scenario path made
 * absolute, p->seed, p->objective). Refuses (DD_EIO, message in diags) to
 * overwrite an existing file.
 */
dd_status dd_track_create(const char *path, const dd_plan *p, const char *scenario_path,
                          dd_diags *diags);
/* Open a log; DD_EIO / DD_EINPUT (not a drawdown log) with a message. */
dd_status dd_track_open(const char *path, bool writable, dd_diags *diags, dd_track **out);
void dd_track_close(dd_track *t);
const dd_track_info *dd_track_get_info(const dd_track *t);

/*
 * The events recorded so far, in the order they were added, read back
 * against scenario s (*out: dd_events_free).
 */
dd_status dd_track_events(dd_track *t, const dd_scenario *s, dd_diags *diags,
                          dd_events **out);

/*
 * Whether `add` fits the plan and the events `prior` (and each other): a
 * sortie number the plan has, a sortie that has not left already, a tail
 * its type has, a task not done already, no more people processed than
 * a group has. Located
 * errors in diags (DD_EINPUT), none added otherwise.
 */
dd_status dd_track_check(const dd_plan *p, const dd_events *prior, const dd_events *add,
                         dd_diags *diags);

/* Append `add` in one transaction, checked (dd_track_check) against the
 * events in the log under its write lock: all of them, or none when any is
 * refused (DD_EINPUT, located errors in diags). Each row records where its
 * event was read (file:line) and `recorded`, the wall-clock time to stamp
 * them with (ISO 8601; NULL: now). p is the log's plan. */
dd_status dd_track_append(dd_track *t, const dd_plan *p, const dd_events *add,
                          const char *recorded, dd_diags *diags);

/*
 * Re-compute the hash chain. DD_OK when every row holds; DD_EINPUT with
 * *bad_seq the first event whose row was altered (0: the log's header)
 * and a message in diags.
 */
dd_status dd_track_verify(dd_track *t, int64_t *bad_seq, dd_diags *diags);

/* ---- status against the plan ------------------------------------------ */

typedef enum dd_sortie_state {
    DD_SORTIE_PLANNED,  /* not due yet */
    DD_SORTIE_OVERDUE,  /* due by now, not gone */
    DD_SORTIE_DEPARTED,
    DD_SORTIE_ABORTED   /* aborted, not gone since */
} dd_sortie_state;

typedef enum dd_request_state {
    DD_REQ_NOT_DUE,  /* file-by still ahead */
    DD_REQ_OVERDUE,  /* file-by passed, not filed */
    DD_REQ_FILED,    /* waiting for the decision */
    DD_REQ_APPROVED,
    DD_REQ_DENIED
} dd_request_state;

typedef struct dd_track_sortie {
    dd_sortie_state state;
    dd_request_state request;
    dd_time departed;     /* or DD_TIME_NONE */
    dd_time window_from;  /* the window held: approved, else the plan's */
    dd_time window_to;
    dd_time projected;    /* re-planned departure (DD_TIME_NONE: none found) */
    bool keeps_clearance; /* the projected departure is inside the window held */
    bool outside_window;  /* departed outside the window it held */
} dd_track_sortie;

typedef struct dd_track_site {
    int32_t people_out, people_out_plan; /* by the status time */
    int32_t people_total;
    double cargo_out_kg, cargo_out_plan_kg, cargo_total_kg;
    int32_t sorties_out, sorties_out_plan, sorties_total;
    int32_t processed, processed_plan; /* exit processing, by the status time */
    dd_time closed_until; /* a closure in force at the status time, or NONE */
    dd_time projected_close; /* last projected departure */
} dd_track_site;

typedef struct dd_track_status {
    dd_time at;
    size_t n_events;          /* up to the status time */
    size_t n_sorties;
    dd_track_sortie *sorties; /* per plan sortie */
    dd_track_site *sites;     /* per scenario site */
    bool *task_done;          /* per task */
    dd_time *task_done_at;
    size_t tasks_due, tasks_done, tasks_late; /* late: due by now, not done */
    size_t sorties_due, sorties_departed, sorties_overdue, sorties_aborted;
    size_t requests_due, requests_overdue, requests_filed, requests_approved,
        requests_denied;
    size_t requests_to_file; /* new requests the re-plan needs */
    size_t tails_down;       /* at the status time */
    int64_t processed, processed_plan; /* people through exit processing */
    /* the projection: the plan made again from the status time */
    dd_time completion_plan, completion_projected; /* NONE: a sortie found no place */
    size_t sorties_unplaced;
    bool deadline_met_projected;
    bool terms_met_projected; /* the deadline and every site's closing date */
    double slip_hours; /* projected completion - planned completion */
} dd_track_status;

/*
 * Status at `at` (DD_TIME_NONE: the last event's time, or the epoch with
 * no events): only events at or before `at` count. Sorties not yet gone are
 * placed again by the planner's re-planner (dd_replanner, plan.h) from
 * `at`, no earlier than planned, with the tails where they are, the
 * closures and tails down in force, and the clearances held: approved
 * windows as granted, windows filed or still to be filed in time as
 * planned, denied or overdue requests filed anew. With plan_out, also
 * the new plan in full (dd_replanner_plan, plan.h; dd_plan_free): it
 * borrows p's loads, so p must outlive it.
 */
dd_status dd_track_status_compute(const dd_plan *p, const dd_events *ev, dd_time at,
                                  dd_track_status **out, dd_plan **plan_out);
void dd_track_status_free(dd_track_status *st);

/* Human text: summary, overdue and moved sorties, requests to file,
 * late tasks, per-site figures; 80 columns. */
dd_status dd_track_status_write_text(const dd_plan *p, const dd_track_status *st,
                                     bool moves, FILE *f);

/* The same for machines (docs/track.md, "status --json"). */
dd_status dd_track_status_write_json(const dd_plan *p, const dd_track_status *st, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
