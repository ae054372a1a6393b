/* SPDX-License-Identifier: MIT */
/*
 * Inside the server (docs/serve.md): the log adapter (log.c, the only file
 * that calls the track API), the status snapshot shared by the workers
 * (state.c), sessions and login limits (session.c), the HTTP layer
 * (http.c and the streams, sse.c: the files with microhttpd), routes and
 * their views (routes.c, views.c), the users file (users.c).
 */
#ifndef DD_SERVE_INT_H
#define DD_SERVE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <drawdown/events.h>
#include <drawdown/plan.h>
#include <drawdown/serve.h>
#include <drawdown/track.h>

/* ---- the log adapter (log.c) ---------------------------------------- */

typedef struct dd__slog dd__slog;

/* Open writable, load the scenario and the log's plan, as the command
 * line does; key_name: the key that signs what the server adds (NULL:
 * the first of the keys file). */
dd_status dd__slog_open(const char *path, const char *key_name, dd_diags *diags,
                        dd__slog **out);
void dd__slog_close(dd__slog *l);
const dd_scenario *dd__slog_scenario(const dd__slog *l);
const dd_plan *dd__slog_plan(const dd__slog *l);
/* Whether the log's files changed since the last call (outside writers). */
bool dd__slog_changed(dd__slog *l);
/* Every event, in order (*out: dd_events_free); the events after number
 * `after` only. */
dd_status dd__slog_events(dd__slog *l, dd_diags *diags, dd_events **out);
dd_status dd__slog_events_after(dd__slog *l, int64_t after, dd_diags *diags, dd_events **out);
/* Every event, lent by the log's handle until the next call on it
 * (log_mu held throughout). */
dd_status dd__slog_events_view(dd__slog *l, dd_diags *diags, dd_events *view_out);
/* Events CSV text read as `track add` reads a file named origin. */
dd_status dd__slog_parse(dd__slog *l, const char *origin, const char *csv, size_t len,
                         dd_diags *diags, dd_events **out);
/* Whether add fits the plan and every event of the log (dd_track_check_log). */
dd_status dd__slog_check_log(dd__slog *l, const dd_events *add, dd_diags *diags);
/* Append in one transaction, checked; *last_out: the number of the last
 * event in the log afterwards. */
dd_status dd__slog_append(dd__slog *l, const dd_events *add, dd_diags *diags,
                          int64_t *last_out);
/* Status at the last event; np (may be NULL): the new plan (dd_plan_free),
 * made from the log opened whole (report_mu held; np borrows from it, so
 * it is freed before dd__slog_whole_idle may close it). */
dd_status dd__slog_status(dd__slog *l, const dd_events *ev, dd_track_status **out,
                          dd_plan **np);
/* What was freed goes back to the system (glibc keeps it otherwise):
 * after a status, after the log opened whole is closed. */
void dd__give_back(void);
/* Close the log opened whole when unused for idle_s seconds (report_mu
 * held); whether it was closed. */
bool dd__slog_whole_idle(dd__slog *l, int64_t idle_s);
/* Cargo row i of the scenario (its texts lent by the log), read from the
 * scenario's image one row at a time: the server keeps no rows.
 * Thread-safe. */
dd_cargo dd__slog_cargo(const dd__slog *l, int32_t i);
dd_status dd__slog_status_json(const dd__slog *l, const dd_track_status *st, FILE *f);
/* The plan file the log was started with, into f. */
dd_status dd__slog_write_plan_file(dd__slog *l, FILE *f);
/* The plan file text of p (new plan or the log's). */
dd_status dd__slog_plan_json(const dd__slog *l, const dd_plan *p, FILE *f);
/* The track API's frees and names, through here too. */
void dd__slog_events_free(dd_events *ev);
void dd__slog_status_free(dd_track_status *st);
const char *dd__slog_event_name(dd_event_kind k);
/* sha256 of a plan's file, hex. */
dd_status dd__slog_plan_hash(const dd__slog *l, const dd_plan *p, char hex[65]);

/* ---- users (users.c) --------------------------------------------------- */

/* DD_OK and *out when name and password match; DD_EINPUT otherwise (the
 * same time taken for an unknown name); DD_EIO: no users file. fp: a
 * fingerprint of the stored hash (a new password changes it). */
dd_status dd__users_login(const char *path, const char *name, const char *password,
                          dd_user *out, unsigned char fp[16]);

/* What a session depends on of its user: a session whose user is gone,
 * or has another role, site or password, ends. */
typedef struct dd__user_key {
    int64_t id;
    dd_user_role role;
    char site[64];
    unsigned char fp[16];
} dd__user_key;
/* Every user's key (*out malloc'd). */
dd_status dd__users_keys(const char *path, dd__user_key **out, size_t *n_out);

/* ---- the status snapshot (state.c) ------------------------------------- */

/* Everything the readers need, computed once per change of the log and
 * never changed after: readers hold a reference (dd__snap_get/put). */
typedef struct dd__buf {
    char *p;
    size_t n;
} dd__buf;

/* The events of the log in one array that only grows (state.c): a
 * snapshot sees its first n, and new events are written after them,
 * where no reader of an older snapshot looks. A full array is copied
 * into one twice as large; the old one stays with the snapshots holding
 * it. The events' texts are kept by the server until it stops. */
typedef struct dd__evblock {
    atomic_int refs;
    dd_event *v;
    size_t n, cap;
} dd__evblock;

/* The events of the log as last read, shared by the snapshots that
 * show them. */
typedef struct dd__evs {
    atomic_int refs;
    dd__evblock *blk;
    dd_events view;        /* every event in the log: blk's first n */
    const dd_events *ev;   /* &view */
    int32_t *retracted_by; /* per event: the event retracting it, 0: none */
    /* per sortie (0-based): its last clearance event and its last
     * decision not retracted (event numbers, 0: none) */
    int32_t *clearance_ev, *decision_ev;
} dd__evs;

/* The status computed from the first n_events events (its as-of), its
 * JSON, and the charts drawn from it (made when first asked for). */
typedef struct dd__stat {
    atomic_int refs;
    uint64_t version; /* 1, 2, ...: one per status computed */
    size_t n_events;
    dd_track_status *st;
    /* the server's status (status --json without its sortie list, with
     * where we stand today) and the host liaison's share of it */
    dd__buf status[2];
    pthread_mutex_t chart_mu; /* the charts, drawn once each */
    dd__buf chart[16];
    bool chart_done[16];
    /* the 200 answer to GET status of each cut, made once (http.c) and
     * queued to every client that asks: body (status[k]), headers and
     * ETag; freed with the status (dd__reply_shared_free) */
    _Atomic(void *) answer[2];
} dd__stat;

typedef struct dd__snap {
    atomic_int refs;
    uint64_t version; /* one per snapshot published */
    dd__evs *evs;
    dd__stat *stat;
    /* borrowed from evs and stat, for readers */
    const dd_events *ev;
    const int32_t *retracted_by;
    const int32_t *clearance_ev, *decision_ev;
    const dd_track_status *st;
    const dd__buf *status;
} dd__snap;

typedef struct dd__sse dd__sse;

/* ---- sessions and login limits (session.c) ----------------------------- */

typedef struct dd__session {
    unsigned char key[32]; /* BLAKE2b of the token: the token itself is not kept */
    char csrf[65];
    int64_t user_id;
    dd_user_role role;
    char site[64];
    unsigned char fp[16]; /* of the user's password hash at login */
    int32_t site_index; /* movement: the site, -1 all */
    int64_t created, seen; /* monotonic seconds */
    struct dd__session *next;
} dd__session;

#define DD__SESSION_BUCKETS 1024
#define DD__LIMIT_SLOTS 4096
#define DD__WORKERS 2

typedef struct dd__limit {
    unsigned char key[16];
    int64_t window_start;
    unsigned fails;
} dd__limit;

/* ---- the server ------------------------------------------------------- */

struct dd_server {
    dd_serve_options o;
    char *log_path, *users_path, *address, *tls_cert_pem, *tls_key_pem;
    bool tls;
    struct MHD_Daemon *daemon;
    uint16_t port;

    /* the log: one writer at a time (the SQLite handle too) */
    pthread_mutex_t log_mu;
    dd__slog *log;

    /* the current snapshot; refresh_mu: one update at a time */
    pthread_mutex_t refresh_mu;
    pthread_mutex_t snap_mu;
    dd__snap *snap;
    atomic_uint_fast64_t version;
    atomic_bool dirty; /* events added since the snapshot (log_mu) */
    dd__evblock *evblock;   /* the events' array (refresh_mu) */
    struct dd__textblk *ev_text; /* the events' texts, kept till the end */
    const char *ev_file;         /* the log's name, as the events give it */
    /* the status, computed off the request path (state.c): asked for
     * with stat_want, by one thread */
    pthread_mutex_t stat_mu;
    pthread_cond_t stat_cv;
    bool stat_want, stat_stop;
    pthread_t stat_th;
    bool stat_started;
    atomic_uint_fast64_t stat_version;

    /* sessions and login limits */
    pthread_mutex_t sess_mu;
    dd__session *sessions[DD__SESSION_BUCKETS];
    size_t n_sessions;
    pthread_mutex_t login_mu; /* one password hash at a time (64 MiB each) */
    dd__limit limits[DD__LIMIT_SLOTS];

    /* streams */
    pthread_mutex_t sse_mu;
    dd__sse *streams;
    size_t n_streams;

    /* briefings and charts are rendered one at a time into this folder */
    pthread_mutex_t report_mu;
    char tmpdir[256];
    char baseline_path[320]; /* the plan approved, as a file (charts.c) */

    /* the simulation result (--sim), read again when it changes */
    char *sim_path;
    pthread_mutex_t sim_mu;
    dd__buf sim_json;
    struct stat sim_seen;

    pthread_mutex_t out_mu; /* the server's log */

    /* slow requests (http.c): a queue and the workers that answer it */
    pthread_mutex_t work_mu;
    pthread_mutex_t group_mu; /* one group of event posts at a time */
    pthread_cond_t work_cv;
    struct conn_ctx *work_head, *work_tail;
    bool work_stop;
    pthread_t workers[DD__WORKERS];
    unsigned n_workers;

    pthread_t watcher;
    bool watcher_started;
    struct stat users_seen; /* the users file, when last looked at (watcher) */
    atomic_bool stopping;

    /* how requests and connections ended (libmicrohttpd's termination
     * codes, MHD_REQUEST_TERMINATED_*, 0-5; http.c), printed to the
     * server's log when it stops: counts only */
    atomic_ulong ended[6];
    atomic_ulong conns_opened, conns_closed;
    int64_t started_ms;                      /* monotonic, when it listened */
    bool debug; /* DRAWDOWN_SERVE_DEBUG: each connection's close logged */
    atomic_llong nudged_ms; /* the watcher's last nudge (http.c), monotonic */
    atomic_llong timeout_first_ms, timeout_last_ms; /* since started_ms; -1: none */
};

dd__snap *dd__snap_get(dd_server *s);
void dd__snap_put(dd__snap *n);
/* Make the snapshot again when the log changed (another process wrote
 * it, or the server did: `dirty`), or always with force, and publish it;
 * wakes every stream. The events are published at once, with the last
 * status computed (its as-of: the events it counts); the status of the
 * new events is computed by the status thread, which publishes it in
 * turn. With `wait_status` (the server's start) the status is computed
 * here. Takes log_mu only to read the events: call without it. */
dd_status dd__snap_update(dd_server *s, bool force, bool wait_status);
/* The status thread: start (after the first snapshot) and stop. */
dd_status dd__stat_start(dd_server *s);
void dd__stat_stop(dd_server *s);
/* The last snapshot and what the snapshots share, freed (at the end). */
void dd__snap_fini(dd_server *s);
void dd__stat_put(dd__stat *t);
int64_t dd__now_s(void); /* monotonic seconds */

/* Sessions. dd__session_new fills token_out (64 hex) and returns a copy. */
dd_status dd__session_new(dd_server *s, const dd_user *u, const unsigned char fp[16],
                          int32_t site_index, char token_out[65], dd__session *copy_out);
/* A copy of the live session of token, touched; false when none. */
bool dd__session_find(dd_server *s, const char *token, dd__session *copy_out);
void dd__session_end(dd_server *s, const char *token);
/* End the sessions whose user is not in v as it was at login. */
void dd__sessions_revoke(dd_server *s, const dd__user_key *v, size_t n);
/* Whether the session of key lives on (touched): a stream ends with it. */
bool dd__session_alive(dd_server *s, const unsigned char key[32]);
void dd__sessions_free(dd_server *s);
/* Login limits: false when the key (user name or address) is locked out. */
bool dd__limit_allowed(dd_server *s, const char *kind, const char *key, unsigned max);
void dd__limit_fail(dd_server *s, const char *kind, const char *key);
void dd__limit_clear(dd_server *s, const char *kind, const char *key);

/* The server's own log: a line with the time, never a password, token or
 * personal name. */
void dd__serve_log(dd_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- requests and replies (http.c, routes.c) ---------------------------- */

/* A page of a list of sorties (docs/serve.md, "Lists"): the sorties
 * whose planned departure is in [from, to) (DD_TIME_NONE: no bound),
 * from number `first` on (1-based), at most `count` of them. `query`:
 * the filter as the client gave it (from=...&to=...), for the link to
 * the next page. */
typedef struct dd__range {
    size_t first, count;
    dd_time from, to;
    char query[96];
} dd__range;

enum { DD__PAGE_DEFAULT = 1000, DD__PAGE_MAX = 10000 };

typedef struct dd__req {
    const char *method;
    const char *path;     /* after /api/v1 */
    const char *body;
    size_t body_len;
    const char *addr;     /* client address, text */
    const dd__session *sess; /* NULL: not logged in */
    const char *csrf_header;
    const char *token;    /* the session cookie */
    const char *query_after; /* events?after=N */
    const char *query_from, *query_to; /* ?from=&to= of a list */
    const char *if_none_match; /* the ETag a client holds (GET status) */
    dd__range range;      /* ?first=N&count=M: the sorties of a list */
    void *conn;           /* the connection (streams) */
} dd__req;

typedef struct dd__reply {
    unsigned code;
    char *body; /* malloc'd, or borrowed from pin */
    size_t len;
    const char *type;
    dd__snap *pin; /* body borrowed from this snapshot (released after sending) */
    /* with pin: the answer is the status's own, made once and shared
     * (dd__stat.answer[k]); the request holds pin until it completes */
    _Atomic(void *) *shared;
    char cookie[256];
    char disposition[128];
    char etag[48]; /* the version of what is sent (GET status) */
    bool stream; /* the connection becomes an event stream (http.c) */
    int64_t stream_after; /* events after this number; -1: from now */
    char audit[160]; /* what the server's log records of a change */
} dd__reply;

void dd__reply_json(dd__reply *r, unsigned code, char *body, size_t len);
/* Free an answer made for sharing (dd__reply.shared), NULL a no-op. */
void dd__reply_shared_free(void *answer);
void dd__reply_error(dd__reply *r, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Route and answer one request; the role checks happen here. */
void dd__route(dd_server *s, const dd__req *q, dd__reply *r);
/* Whether the request's route is slow (writes the log, hashes a password,
 * renders a briefing): it is then answered by a worker thread. */
bool dd__route_slow(const dd__req *q);
/* GET /charts/NAME.svg: chart c (dd_chart) of the current status, drawn
 * by the report module (charts.c); GET /simulation: the figures of the
 * simulation result given with --sim. */
void dd__route_chart(dd_server *s, dd__reply *r, int c);
void dd__route_sim(dd_server *s, dd__reply *r);
/* The plan made again from events ev, read as a brief with the
 * scenario's figures (report.h; dd_brief_free). */
struct dd_brief;
dd_status dd__brief_new_plan(dd_server *s, const dd_events *ev, dd_diags *d,
                             struct dd_brief **out);
/* A fresh file name in the server's temporary folder; a whole file into
 * memory (out->p malloc'd). */
void dd__tmp_name(const dd_server *s, const char *what, const char *ext, char *path, size_t n);
dd_status dd__slurp(const char *path, dd__buf *out);
/* POST /events, and the queued ones answered together (group writes). */
bool dd__route_is_events_post(const dd__req *q);
void dd__route_events_group(dd_server *s, const dd__req *const *qs, dd__reply *const *rs,
                            size_t n);

/* Streams (sse.c): the response of a new stream, events after `after`
 * (-1: from now); wake every suspended stream (a new snapshot, a
 * keep-alive, the end). */
struct MHD_Response;
struct MHD_Connection;
/* Content type, the policy, nosniff, no framing, no referrer, and the
 * caching rule, on every answer (http.c). */
void dd__security_headers(struct MHD_Response *rs, const char *type, const char *csp,
                          const char *cache);
struct MHD_Response *dd__sse_response(dd_server *s, struct MHD_Connection *conn,
                                      const dd__session *sess, int64_t after);
void dd__sse_wake_all(dd_server *s);
void dd__sse_keepalive(dd_server *s);
void dd__sse_end_all(dd_server *s);

/* ---- views (views.c): JSON for each route, already filtered by role ---- */

/* open_memstream with a dd_jw on it */
typedef struct dd__out {
    FILE *f;
    char *p;
    size_t n;
} dd__out;
bool dd__out_open(dd__out *o);
/* Close; the text in o->p (malloc'd) */
dd_status dd__out_close(dd__out *o);

/* The server's status from status --json (json, len): compact, without
 * its sortie list, with `today` (today.c) and the links to the lists;
 * out[0] whole, out[1] the host liaison's share (an allow-list of
 * fields). */
dd_status dd__status_filter(const char *json, size_t len, dd__buf out[2]);
/* Where we stand at the status time, as the status's "today" and
 * "links" members (`"today":{...},"links":{...}`, no braces around):
 * the next sorties, the clearance requests due and pending, what is late
 * (today.c). */
dd_status dd__status_today(const dd__slog *l, const dd_track_status *st, FILE *f);
dd_status dd__view_sorties(const dd__slog *l, const dd__snap *n, const dd__session *u,
                           dd__range g, FILE *f);
dd_status dd__view_clearances(const dd__slog *l, const dd__snap *n, dd__range g, FILE *f);
dd_status dd__view_clearance(const dd__slog *l, const dd__snap *n, int32_t sortie, FILE *f);
dd_status dd__view_events(const dd__slog *l, const dd__snap *n, int64_t after,
                         const dd__session *u, FILE *f);
dd_status dd__view_event(const dd__slog *l, const dd__snap *n, size_t i, dd_user_role role,
                         FILE *f);
/* Exits and entries per site and day, and the augmentees arriving with
 * their entry requests (for the host liaison: per day, counts only). */
dd_status dd__view_exits(const dd__slog *l, const dd__snap *n, bool host, FILE *f);
dd_status dd__view_manifests(const dd__slog *l, const dd__snap *n, const dd__session *u,
                             dd__range g, FILE *f);
dd_status dd__view_ramp(const dd__slog *l, const dd__snap *n, FILE *f);
/* The site a sortie leaves from, or -1. */
int32_t dd__sortie_site(const dd__slog *l, int32_t sortie);
/* Whether role may see event i of the snapshot on the stream. */
bool dd__event_visible(const dd__slog *l, const dd__snap *n, size_t i, const dd__session *u);

#endif
