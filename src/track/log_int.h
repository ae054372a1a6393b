/* SPDX-License-Identifier: MIT */
/* Private to src/track: the log handle and what log.c, log_plan.c,
 * chain.c and upgrade.c share (the only files that include sqlite3.h). */
#ifndef DD_LOG_INT_H
#define DD_LOG_INT_H

#include <pthread.h>
#include <sqlite3.h>

#include "base/arena.h"
#include "track/track_int.h"

#define LOG_FORMAT "drawdown-log"
#define LOG_VERSION 2

/* Header fields that dd_track_info does not show. */
typedef struct dd__hashes {
    char plan_stored[65];  /* BLAKE2b-256 of the stored (deflated) plan file */
    char image_stored[65]; /* of the stored plan image (stored raw) */
    size_t image_size;     /* the image inflated */
    char creator_key[65];  /* the header's signer, hex */
    /* of the stored scenario image (stored raw); "" in a log started
     * before there was one, which readers load from the files */
    char scenario_stored[65];
} dd__hashes;

/* The events read back so far, typed (chain.c): an append or a reader
 * reads only the rows added since. */
typedef struct dd__evcache {
    const dd_scenario *s; /* read against it (another one starts afresh) */
    dd_event *v;
    size_t n, cap;
    size_t text_bytes;
    struct dd__evtext *text; /* blocks that never move */
} dd__evcache;
void dd__evcache_fini(dd__evcache *c);

/* What the checks need of the events a handle holds (check.c): per
 * sortie, task and group the event that took it, the people processed,
 * per event the retraction voiding it; events as indices (1-based). */
typedef struct dd__checker {
    const dd_plan *p;
    size_t n; /* events folded */
    dd_arena mem; /* gone, decided, done, processed */
    int64_t *gone, *decided, *done, *processed, *voided;
    size_t cap; /* of voided */
} dd__checker;
void dd__checker_fini(dd__checker *c);
/* dd_track_check of add against prior, prior being the events the state
 * was folded from plus any added since (folded now); the state is kept. */
dd_status dd__checker_check(dd__checker *c, const dd_plan *p, const dd_events *prior,
                            const dd_events *add, dd_diags *diags);

struct dd_track {
    sqlite3 *db;
    char *path;
    bool writable;
    dd_track_parts parts; /* what dd_track_scenario and dd_track_plan keep */
    dd_track_info info;
    dd__hashes h;
    char stored_hash[65]; /* the header's hash as stored */
    char header_sig[129];
    bool header_doubled;
    /* verified so far on this handle (dd_track_verify is incremental) */
    bool verified;
    bool plan_file_ok; /* the stored plan file's hash checked (deep verify) */
    unsigned char header_hash[32];
    int64_t verified_seq;
    unsigned char verified_head[32];
    dd_track_batch *batches;
    size_t n_batches, cap_batches;
    /* the scenario files hashed ahead (dd_track_hash_ahead) */
    bool ahead_started, ahead_joined;
    pthread_t ahead_th;
    int ahead_st[DD_TRACK_MAX_FILES]; /* dd_status of each file's hash */
    char ahead_hex[DD_TRACK_MAX_FILES][65];
    /* the scenario, read once (dd_track_scenario): from the log's image
     * or, without one, from its files; freed with the handle */
    dd_scenario *scenario;
    bool scenario_from_image;
    /* The images as the header's check read them whole (keep_images:
     * bit k set by the reader that decodes image k next, in the same read
     * transaction): the bytes digested are the bytes decoded, read once.
     * [0] the plan image, [1] the scenario image; taken (or freed with
     * the handle). */
    unsigned keep_images;
    unsigned char *kept_v[2];
    size_t kept_n[2];
    /* the plan, loaded once (dd_track_plan) */
    const dd_scenario *files_checked;
    dd_plan *plan;
    dd__image_loads *loads;
    dd__evcache ev;
    dd__checker chk; /* of ev's events */
};

void dd__sha256(const unsigned char *v, size_t n, unsigned char out[32]);
/* SHA-256 (hex) of the file at path: DD_EIO when it cannot be read,
 * DD_ENOMEM. */
dd_status dd__file_sha(const char *path, char hex[65]);
/* The last component of a path (borrowed from it). */
const char *dd__base_name(const char *p);
/* A plan file: its SHA-256 (hex), deflated into z (raw: its size). */
dd_status dd__plan_file(const dd_plan *p, const char *scenario, char hex[65], dd__buf *z,
                        size_t *raw);
/* BLAKE2b-256, for the stored plan's digests */
void dd__digest(const unsigned char *v, size_t n, unsigned char out[32]);
dd_status dd__inflate(const unsigned char *v, size_t n, size_t hint, dd__buf *out, FILE *to);
/* false: out of memory */
bool dd__header_hash(const dd_track_info *i, const dd__hashes *h, unsigned char out[32]);
void dd__header_msg(const unsigned char hash[32], dd__buf *b);
void dd__sign(const dd_key *k, const unsigned char *msg, size_t n, char sig_hex[129]);
bool dd__sign_ok(const char *pk_hex, const unsigned char *msg, size_t n, const char *sig_hex);
void dd__db_err(dd_diags *d, const char *path, sqlite3 *db, const char *what);
/* A read transaction around several reads (so that what was verified is
 * what is read), unless one is open already: dd__read_end with what
 * dd__read_begin returned. */
bool dd__read_begin(sqlite3 *db);
/* Whether PATH+suffix exists ("-wal", ".v1"); true when out of memory. */
bool dd__sibling_exists(const char *path, const char *suffix);
void dd__read_end(sqlite3 *db, bool began);
/* libsodium ready and a key to sign with, or DD_ENOMEM / DD_EARG (said in
 * diags against path). */
dd_status dd__signer_ready(const char *path, const dd_key *signer, dd_diags *diags);
const char *dd__col(sqlite3_stmt *s, int i);
dd_status dd__open_db(const char *path, bool writable, bool immutable, dd_diags *diags,
                      sqlite3 **out);
dd_status dd__read_header(dd_track *t, dd_diags *diags);
dd_status dd__blob(dd_track *t, const char *name, sqlite3_stmt **q, const unsigned char **v,
                   size_t *n);
/* BLAKE2b-256 of blob `name`, read in pieces; DD_EINPUT when there is
 * not exactly one such blob or it cannot be read; DD_ENOMEM. */
dd_status dd__blob_digest(dd_track *t, const char *name, unsigned char out[32]);
/* Blob `name` read whole into a buffer of the caller's (*out, free), its
 * BLAKE2b-256 compared with `hex` (NULL: not checked): DD_EINPUT when it
 * differs or there is not exactly one such blob, DD_EIO, DD_ENOMEM. */
dd_status dd__blob_read(dd_track *t, const char *name, const char *hex, unsigned char **out,
                        size_t *n_out);
/* As dd__blob_read (hex checked), but the spans `skips` finds in the
 * blob's head (dd__image_skips, dd__scenimg_skips) are digested and not
 * read into *out: a reader that steps over them (DD_TRACK_FOR_EVENTS)
 * never touches those bytes, which are zero. */
dd_status dd__blob_read_sparse(dd_track *t, const char *name, const char *hex,
                               size_t (*skips)(const unsigned char *, size_t, dd__span *),
                               unsigned char **out, size_t *n_out);
dd_status dd__build_log(const char *path, bool replace,
                        dd_status (*fill)(sqlite3 *db, void *ctx), void *ctx, dd_diags *diags);

/* dd_track_verify; shallow (deep false) leaves out the stored plan file,
 * which readers do not load. */
dd_status dd__verify(dd_track *t, bool deep, int64_t *bad_seq, dd_diags *diags);

/* The rows of one event as the log hashes them (chain.c). */
typedef struct dd__row {
    int64_t seq, batch;
    int64_t kind, at, sortie, idx, cnt, ref, tail, until, wfrom, wto;
    const char *time, *event, *subject, *value, *note, *origin, *source, *recorded;
} dd__row;
void dd__row_hash(const unsigned char prev[32], const dd__row *r, dd__buf *scratch,
                  unsigned char out[32]);
/* The message a batch signature covers. */
void dd__batch_msg(const unsigned char log_id[32], const dd_track_batch *b, dd__buf *m);

/* Upgrade: events of a format-1 log, rows ready to write (upgrade.c). */
typedef struct dd__upgrade_rows {
    const dd_scenario *scenario;
    size_t n;
    const dd_event *v;   /* typed, as the old log's text reads */
    const char *const *source; /* per event: where it was read, as the old log said */
    const char *const *recorded;
} dd__upgrade_rows;
dd_status dd__write_upgrade_rows(sqlite3 *db, const dd_track_info *i, const dd__hashes *h,
                                 const dd__upgrade_rows *rows, const dd_key *signer);
dd_status dd__create(const char *path, const dd_plan *p, const char *scenario_path,
                     const dd_key *signer, const char *upgraded, dd__upgrade_rows *rows,
                     dd_diags *diags);

#endif
