/* SPDX-License-Identifier: MIT */
/*
 * Tracking (docs/track.md): an append-only event log in SQLite, the status
 * of the withdrawal against its plan, and the plan made again from what
 * has happened.
 *
 * The log (format 2) is one SQLite file that is evidence on its own: it
 * holds the approved plan itself (the plan file, compressed, and an image
 * the code loads without planning again), the SHA-256 of each scenario
 * file, and the events, each row hashed over a length-prefixed encoding
 * of all its fields and chained to the row before. Each batch of events
 * (one dd_track_append) is signed with its recorder's Ed25519 key, and the
 * log keeps the public keys it has seen. It is created exactly once (an
 * exclusive link into place), opened read-only unless written, and every
 * reader verifies it: dd_track_plan and dd_track_events refuse a log
 * whose chain, signatures or plan do not hold, naming the row.
 *
 * Keys live in a file readable by its owner only (dd_keys_path).
 *
 * Status and re-plan are pure: a plan, the events, a time.
 *
 * Ownership: dd_track_open allocates *out, dd_track_close frees it (and
 * the plan dd_track_plan lent); dd_track_status allocates *out,
 * dd_track_status_free frees it; dd_keys_load allocates *out,
 * dd_keys_free frees it. A dd_track is one thread at a time; several
 * processes may share a log (writes take SQLite's write lock).
 */
#ifndef DRAWDOWN_TRACK_H
#define DRAWDOWN_TRACK_H

#include <drawdown/events.h>
#include <drawdown/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- signing keys -------------------------------------------------------- */

typedef struct dd_key {
    char name[64];
    char created[32];              /* ISO 8601 UTC */
    unsigned char public_key[32];  /* Ed25519 */
    unsigned char secret_key[64];
} dd_key;

typedef struct dd_keyring {
    size_t n;
    dd_key *keys; /* in the order created */
} dd_keyring;

/* The keys file: $DRAWDOWN_KEYS, else $XDG_CONFIG_HOME/drawdown/keys,
 * else ~/.config/drawdown/keys. DD_EARG when none can be named. */
dd_status dd_keys_path(char *buf, size_t size);
/* Read the keys at `path` (a missing file: no keys). DD_EIO when others
 * may read the file; DD_EINPUT for a bad line. */
dd_status dd_keys_load(const char *path, dd_diags *diags, dd_keyring **out);
void dd_keys_free(dd_keyring *k);
/* The key named `name`, or the first key when name is NULL; NULL: none. */
const dd_key *dd_keys_find(const dd_keyring *k, const char *name);
/* Make a key pair named `name` and add it to the file at `path` (created
 * 0600 with its folder 0700 when missing), atomically. *out (may be NULL)
 * receives it. DD_EINPUT: a bad or taken name. */
dd_status dd_keys_new(const char *path, const char *name, dd_diags *diags, dd_key *out);
/* A public key as 64 hex digits. */
void dd_key_id(const unsigned char public_key[32], char hex[65]);

/* ---- the log ------------------------------------------------------------- */

typedef struct dd_track dd_track;

#define DD_TRACK_MAX_FILES 4

/* What a log was started with. */
typedef struct dd_track_info {
    int version;          /* 2; 1: a log of the old format (dd_track_upgrade) */
    char scenario[4096];  /* absolute path of the scenario file */
    uint64_t seed;
    int objective;        /* dd_plan_objective */
    char plan_sha256[65]; /* hex, of the plan file stored in the log */
    char created[32];     /* ISO 8601 UTC, wall clock */
    char creator[64];     /* the name of the key that signed the header */
    char upgraded[512];   /* "" or what the upgrade from format 1 did */
    size_t n_files;       /* the scenario's files, as hashed at the start */
    struct {
        char name[256];   /* as the scenario names it, e.g. "cargo.csv" */
        char path[4096];  /* where it was, absolute */
        char sha256[65];
    } files[DD_TRACK_MAX_FILES];
    char id[65];          /* the header's hash: names the log in receipts */
    int64_t n_events;
    int64_t n_batches;
} dd_track_info;

/* One batch of events as recorded and signed. */
typedef struct dd_track_batch {
    int64_t id;           /* 1, 2, ... */
    int64_t first, last;  /* events first..last */
    char recorded[32];
    char signer[64];      /* the key's name */
    char signer_key[65];  /* its public key, hex */
    char head[65];        /* the chain's hash after the batch */
} dd_track_batch;

/* SHA-256 of the plan file (dd_plan_write_json) of p, in hex. */
dd_status dd_track_plan_hash(const dd_plan *p, const char *scenario_path, char hex[65]);

/*
 * Start a log at `path` for the plan p (scenario path made absolute,
 * p->seed, p->objective): the plan file and image, the scenario files'
 * hashes, a header signed by `signer`. The file is built unseen and linked
 * into place only when complete: an existing `path` is never replaced
 * (DD_EIO, "PATH exists: a log is started once ..."), a killed start
 * leaves nothing.
 */
dd_status dd_track_create(const char *path, const dd_plan *p, const char *scenario_path,
                          const dd_key *signer, dd_diags *diags);
/* Open a log, read-only unless `writable` (read-only media work: nothing is
 * written when reading). Checks that it is a drawdown log of a format
 * this code reads; verifies nothing yet. DD_EIO / DD_EINPUT with a message. */
dd_status dd_track_open(const char *path, bool writable, dd_diags *diags, dd_track **out);
/*
 * What a command reads of the log's scenario and plan. Either way every
 * check is made: the header and its signature, the chain, every batch's
 * signature, the scenario files' hashes and each image's digest over all
 * its bytes, the parts left out included (their bytes are digested, not
 * kept; in an image made before there were sections, read through and
 * checked row by row).
 */
typedef enum dd_track_parts {
    DD_TRACK_WHOLE = 0, /* all of them (dd_track_open) */
    /* What reading, checking and appending events needs: the scenario
     * (dd_track_scenario, from the log's image) without its cargo rows
     * (n_cargo 0, cargo NULL) and the plan (dd_track_plan) without its
     * loads (loads NULL; each sortie's load index stays) or each item's
     * readiness. Enough for dd_events_load, dd_track_check,
     * dd_track_append, dd_track_events and dd_track_write_events; not for
     * the status, the plan's renderers or a re-plan. A log without a
     * scenario image reads the scenario whole from its files. */
    DD_TRACK_FOR_EVENTS = 1,
    /* What the status needs (drawdown status, the server): as
     * DD_TRACK_FOR_EVENTS, but the plan keeps its loads (and their
     * pallets), not each item's readiness, and the scenario image is kept
     * whole, its cargo rows not decoded (on the theater 107 MiB less):
     * dd_track_cargo_row reads one. Enough for dd_track_status_compute
     * without plan_out, the status's renderers and the loads' items; not
     * for the new plan (plan_out: DD_EARG), the plan's renderers or a
     * briefing. A log without a scenario image reads the scenario whole
     * from its files, and the plan whole. */
    DD_TRACK_FOR_STATUS = 2
} dd_track_parts;
/* dd_track_open, reading only `parts` of the scenario and the plan. */
dd_status dd_track_open_parts(const char *path, bool writable, dd_track_parts parts,
                              dd_diags *diags, dd_track **out);
void dd_track_close(dd_track *t);
/*
 * Cargo row i of the log's scenario (dd_track_scenario first) into *out,
 * its texts lent until dd_track_close: the row kept, or, in a scenario
 * read without its rows (DD_TRACK_FOR_STATUS), the row decoded from the
 * image. dd_track_index_cargo first makes a row's place known (4 bytes a
 * row; not thread-safe, once); dd_track_cargo_row then only reads and may
 * be called from any thread. DD_EARG for i out of range or rows not
 * indexed; dd_track_index_cargo DD_EINPUT for rows that do not read.
 * n_rows_out (may be NULL): how many rows the scenario has.
 */
dd_status dd_track_index_cargo(dd_track *t, size_t *n_rows_out, dd_diags *diags);
dd_status dd_track_cargo_row(const dd_track *t, size_t i, dd_cargo *out);
const dd_track_info *dd_track_get_info(const dd_track *t);
/*
 * A writer that keeps the log open for long (drawdown serve) holds it:
 * with `on`, the log is written ahead (SQLite's WAL, still synchronous:
 * an append that returned survives a kill and a power loss), so an
 * append syncs once and readers in other processes are not held up by
 * it; with `on` false (call it before dd_track_close) the WAL is copied
 * into the file and the log goes back to its rollback journal: one file
 * at rest, readable from read-only media. A log whose holder was killed
 * is read with its WAL beside it, and the next hold ends it. t writable.
 */
dd_status dd_track_hold(dd_track *t, bool on, dd_diags *diags);

/*
 * Verify the whole log: the header and its signature, the stored plan,
 * every row's hash and the chain, every batch's signature and that the
 * batches cover the events. DD_OK when all hold; DD_EINPUT with *bad_seq
 * the first event that does not (0: the header or the plan) and a message
 * in diags. Later calls on the same handle check only the rows and
 * batches added since (incremental).
 */
dd_status dd_track_verify(dd_track *t, int64_t *bad_seq, dd_diags *diags);
/* The batches, after a successful dd_track_verify (borrowed until the
 * next call on t). */
const dd_track_batch *dd_track_batches(const dd_track *t, size_t *n_out);

/*
 * The scenario the log's plan was made from, as it is read at `path`
 * (NULL: where the log was started). A log keeps an image of it (parsed,
 * as the model read it at the start), which is read instead of the files
 * after verifying the log (dd_track_verify); a log without one, or with
 * one of another version, reads the files (dd_scenario_load, its
 * problems in diags). The files are checked against their hashes by
 * dd_track_plan either way: call it before trusting the scenario.
 * *out is lent until dd_track_close; the first call decides (a second
 * gives the same scenario).
 */
dd_status dd_track_scenario(dd_track *t, const char *path, dd_diags *diags,
                            const dd_scenario **out);

/*
 * The log's plan for scenario s, read from the log (never planned again):
 * verifies the log first (dd_track_verify) and checks each scenario file
 * against its hash at the start ("cargo.csv changed since the log was
 * started": DD_EINPUT). *out is lent until dd_track_close.
 */
dd_status dd_track_plan(dd_track *t, const dd_scenario *s, dd_diags *diags,
                        const dd_plan **out);
/* Start hashing the scenario's files where the log found them, on a
 * thread, now: dd_track_plan then compares instead of hashing, so the
 * work overlaps loading the scenario (a few tenths of a second on the
 * theater). Optional; joined by dd_track_plan or dd_track_close. */
void dd_track_hash_ahead(dd_track *t);
/* The stored plan file (docs/plan-format.md) as written at the start,
 * decompressed into f. */
dd_status dd_track_write_plan_file(dd_track *t, FILE *f, dd_diags *diags);

/*
 * The events recorded so far, in the order they were added, read back as
 * typed rows against scenario s (*out: dd_events_free). Verifies first.
 * Each event's file is the log, its line its number in the log.
 */
dd_status dd_track_events(dd_track *t, const dd_scenario *s, dd_diags *diags,
                          dd_events **out);

/* The events after number `after` (0: all), as dd_track_events: *out
 * holds events after+1 ... (dd_events_free). The handle keeps the events
 * it has read typed, so a second call reads from the file only the rows
 * added since (a server that keeps the log open pays per new event). */
dd_status dd_track_events_after(dd_track *t, const dd_scenario *s, int64_t after,
                                dd_diags *diags, dd_events **out);
/* Every event, verified and read up to the log's end, lent: *view_out
 * points into the handle and holds until the next call on t. */
dd_status dd_track_events_view(dd_track *t, const dd_scenario *s, dd_diags *diags,
                               dd_events *view_out);

/*
 * Whether `add` fits the plan and the events `prior` (and each other): a
 * sortie number the plan has, a sortie that has not left already, a tail
 * its type has, a task not done already, no more people processed than
 * a group has, a clearance decision (approved, denied) on a request not
 * decided already (a request decided is filed anew before it is decided
 * again). Located
 * errors in diags (DD_EINPUT), none added otherwise.
 */
dd_status dd_track_check(const dd_plan *p, const dd_events *prior, const dd_events *add,
                         dd_diags *diags);

/* dd_track_check of add against every event of the log (verified and
 * read up to its end, as dd_track_events_view): its cost is add's and the
 * new rows', not the log's (the handle keeps what the checks need of the
 * events it read). */
dd_status dd_track_check_log(dd_track *t, const dd_plan *p, const dd_events *add,
                             dd_diags *diags);

/* Append `add` as one batch signed by `signer`, in one transaction: the
 * log is verified up to its end under the write lock, then `add` checked
 * (dd_track_check) against the events already in it: all of them are
 * added, or none (DD_EINPUT, located errors in diags). Each row records
 * where its event was read (file:line) and `recorded`, the wall-clock time
 * to stamp the batch with (ISO 8601; NULL: now). p is the log's plan
 * (dd_track_plan). t must be opened writable. */
dd_status dd_track_append(dd_track *t, const dd_plan *p, const dd_events *add,
                          const char *recorded, const dd_key *signer, dd_diags *diags);

/*
 * Record that np (a plan made again, dd_track_status_compute's plan_out)
 * was accepted as the approved plan: a `note` event at `at` (subject
 * "plan", value the SHA-256 of np's plan file, the note given) in a batch
 * of its own signed by `signer`, with the plan file itself stored beside
 * it (deflated), pinned by the event's hash. The log keeps tracking
 * against the plan it was started with (its sortie numbers); the plans
 * accepted are kept as the record. *event_out (may be NULL): the event's
 * number. p is the log's plan (dd_track_plan).
 */
dd_status dd_track_accept_plan(dd_track *t, const dd_plan *p, const dd_plan *np,
                               const char *scenario_path, dd_time at, const char *note,
                               const dd_key *signer, int64_t *event_out, dd_diags *diags);
/* The plan file accepted at event `event`, decompressed into f (verified
 * first). DD_EINPUT when that event accepted no plan. */
dd_status dd_track_write_accepted_plan(dd_track *t, int64_t event, FILE *f, dd_diags *diags);

/*
 * A receipt of the log's head, signed by `signer`: a short text a liaison
 * keeps (docs/track.md), *out malloc'd (free). Verifies first.
 */
dd_status dd_track_receipt(dd_track *t, const dd_key *signer, const char *now,
                           char **out, dd_diags *diags);
/* Whether the log still extends the head in `receipt` (text as printed by
 * dd_track_receipt): its signature holds, it names this log, and event N
 * of the log has the receipt's head hash. DD_EINPUT with a message (events
 * removed, or the log rewritten) otherwise. Verifies first. */
dd_status dd_track_check_receipt(dd_track *t, const char *receipt, size_t len,
                                 dd_diags *diags);

/*
 * Convert a log of format 1 at `path` into format 2 in place: its chain is
 * verified, its plan is built again now from `scenario_path` (NULL: the
 * path the log names) with the seed and objective it names — the version
 * that made it cannot be run again — and the header records that, and
 * whether the plan rebuilt has the hash the log was started with. The
 * events keep their text, source and time recorded, in one batch signed by
 * `signer`. The old file is kept as PATH.v1 (refused when that exists).
 */
dd_status dd_track_upgrade(const char *path, const char *scenario_path, const dd_key *signer,
                           dd_diags *diags);

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

/* Their names in the JSON status ("planned", "not_due", ...), "?" when
 * out of range. */
const char *dd_sortie_state_name(dd_sortie_state s);
const char *dd_request_state_name(dd_request_state r);

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
 * borrows p's loads, so p must outlive it. DD_EARG for a plan read
 * without its loads (DD_TRACK_FOR_EVENTS), and with plan_out for one
 * whose scenario was read without the cargo rows its loads carry
 * (DD_TRACK_FOR_STATUS: the new plan's figures weigh them).
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

/* The log's events ev (read with dd_track_events from t, named `log`) as a
 * table, or with json as {"format": "drawdown-log-events", ..., "events":
 * [...]} (docs/track.md): each with its batch, recorder and signer, and
 * the retraction that voids it. */
dd_status dd_track_write_events(const dd_track *t, const dd_scenario *s, const dd_events *ev,
                                const char *log, bool json, FILE *f);
/* What `track verify` found: st and bad as dd_track_verify (and the
 * receipt's check) gave them, d its messages; the chain and its batches as
 * text when it holds, or with json the whole finding (docs/track.md). t
 * may be NULL when the log did not open. */
dd_status dd_track_write_verify(const dd_track *t, const char *log, dd_status st, int64_t bad,
                                const char *receipt, const dd_diags *d, bool json, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
