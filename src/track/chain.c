/* SPDX-License-Identifier: MIT */
/*
 * The chain of the event log (track.h, docs/track.md): each row's hash is
 * SHA-256 of a tag, the previous hash and every field of the row, each
 * integer as 8 bytes and each text prefixed by its length, so no text can
 * move between fields unseen. A batch (one append) is signed with Ed25519
 * over the log's id (the header's hash), its range and the chain's hash
 * after it. Verification re-computes all of it; readers call it before
 * they read, and a handle re-checks only what was added since.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/arena.h"
#include "track/log_int.h"
#include "track/scenimg.h"

void dd__row_hash(const unsigned char prev[32], const dd__row *r, dd__buf *b,
                  unsigned char out[32])
{
    b->n = 0;
    dd__buf_put(b, "drawdown-log row", 17);
    dd__buf_put(b, prev, 32);
    const int64_t num[12] = {r->seq,  r->batch, r->kind, r->at,    r->sortie, r->idx,
                             r->cnt,  r->ref,   r->tail, r->until, r->wfrom,  r->wto};
    for (int k = 0; k < 12; k++)
        dd__buf_i64(b, num[k]);
    const char *txt[8] = {r->time, r->event,  r->subject, r->value,
                          r->note, r->origin, r->source,  r->recorded};
    for (int k = 0; k < 8; k++)
        dd__buf_str(b, txt[k]);
    if (b->oom)
        memset(out, 0, 32);
    else
        dd__sha256(b->v, b->n, out);
}

void dd__batch_msg(const unsigned char log_id[32], const dd_track_batch *x, dd__buf *m)
{
    unsigned char pk[32], head[32];
    memset(pk, 0, sizeof pk);
    memset(head, 0, sizeof head);
    dd__unhex(x->signer_key, pk, 32);
    dd__unhex(x->head, head, 32);
    dd__buf_put(m, "drawdown-log batch", 19);
    dd__buf_put(m, log_id, 32);
    dd__buf_i64(m, x->id);
    dd__buf_i64(m, x->first);
    dd__buf_i64(m, x->last);
    dd__buf_put(m, head, 32);
    dd__buf_str(m, x->recorded);
    dd__buf_str(m, x->signer);
    dd__buf_put(m, pk, 32);
}

static dd_status bad(dd_diags *d, const dd_track *t, int64_t *bad_seq, int64_t seq,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static dd_status bad(dd_diags *d, const dd_track *t, int64_t *bad_seq, int64_t seq,
                     const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    *bad_seq = seq;
    dd_diags_add(d, DD_SEV_ERROR, t->path, 0, 0, "", NULL, "%s", msg);
    return DD_EINPUT;
}

/* "TIME EVENT SUBJECT" of a row for messages, without the empty parts. */
static const char *row_name(const dd__row *r, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s%s%s", r->time, r->event, *r->subject ? " " : "", r->subject);
    return buf;
}

/* The name the log keeps for a key, or NULL when it never saw it. */
static bool key_name(dd_track *t, const char *pk, char *name, size_t n)
{
    sqlite3_stmt *q = NULL;
    bool ok = sqlite3_prepare_v2(t->db, "SELECT name FROM keys WHERE public_key=?", -1, &q,
                                 NULL) == SQLITE_OK &&
              sqlite3_bind_text(q, 1, pk, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_step(q) == SQLITE_ROW;
    if (ok)
        snprintf(name, n, "%s", dd__col(q, 0));
    sqlite3_finalize(q);
    return ok;
}

/* The stored blob `name` has the digest `hex` (DD_OK), another or none
 * (DD_EINPUT, said in diags as `what` was altered); DD_ENOMEM. With
 * keep >= 0 and the handle keeping image `keep`, the blob is read whole and
 * kept as t->kept_v[keep] for the reader that decodes it next. */
static dd_status blob_ok(dd_track *t, const char *name, const char *hex, const char *what,
                         int keep, int64_t *bad_seq, dd_diags *diags)
{
    dd_status st;
    if (keep >= 0 && (t->keep_images >> keep & 1u)) {
        free(t->kept_v[keep]);
        t->kept_v[keep] = NULL;
        /* a reader for events keeps no cargo rows and no loads: their
         * bytes are digested, not kept; one for the status keeps the
         * scenario image whole (its cargo rows are read from it one at a
         * time, dd_track_cargo_row) and the loads, not each item's
         * readiness */
        bool status = t->parts == DD_TRACK_FOR_STATUS;
        st = t->parts == DD_TRACK_WHOLE || (status && keep == 1)
                 ? dd__blob_read(t, name, hex, &t->kept_v[keep], &t->kept_n[keep])
                 : dd__blob_read_sparse(t, name, hex,
                                        keep == 1  ? dd__scenimg_skips
                                        : status   ? dd__image_skips_ready
                                                   : dd__image_skips,
                                        &t->kept_v[keep], &t->kept_n[keep]);
        if (st == DD_ENOMEM)
            return st;
        if (st != DD_OK)
            return bad(diags, t, bad_seq, 0,
                       "the %s stored in the log was altered after it was written", what);
        return DD_OK;
    }
    unsigned char d[32];
    char h[65];
    st = dd__blob_digest(t, name, d);
    if (st == DD_ENOMEM)
        return st;
    dd__hex(d, 32, h);
    if (st != DD_OK || strcmp(h, hex))
        return bad(diags, t, bad_seq, 0,
                   "the %s stored in the log was altered after it was written", what);
    return DD_OK;
}

static dd_status verify_header(dd_track *t, int64_t *bad_seq, dd_diags *diags)
{
    if (t->header_doubled)
        return bad(diags, t, bad_seq, 0, "the log has more than one header");
    unsigned char h[32];
    char hex[65], name[64];
    if (!dd__header_hash(&t->info, &t->h, h))
        return DD_ENOMEM;
    dd__hex(h, 32, hex);
    if (strcmp(hex, t->stored_hash))
        return bad(diags, t, bad_seq, 0, "the log's header was altered after it was written");
    dd__buf m = {0};
    dd__header_msg(h, &m);
    if (m.oom) {
        dd__buf_fini(&m);
        return DD_ENOMEM;
    }
    bool sig = dd__sign_ok(t->h.creator_key, m.v, m.n, t->header_sig);
    dd__buf_fini(&m);
    if (!sig)
        return bad(diags, t, bad_seq, 0,
                   "the log's header is not signed by the key it names (%s): it was "
                   "rewritten",
                   t->info.creator);
    if (!key_name(t, t->h.creator_key, name, sizeof name) || strcmp(name, t->info.creator))
        return bad(diags, t, bad_seq, 0,
                   "the key that signed the log's header (%s) is missing from its keys",
                   t->info.creator);
    /* the image the readers load; the plan file (larger) in dd_track_verify */
    dd_status st = blob_ok(t, "plan-image", t->h.image_stored, "plan", 0, bad_seq, diags);
    if (st == DD_OK && t->h.scenario_stored[0])
        st = blob_ok(t, "scenario-image", t->h.scenario_stored, "scenario", 1, bad_seq,
                     diags);
    if (st != DD_OK)
        return st;
    memcpy(t->header_hash, h, 32);
    memcpy(t->verified_head, h, 32);
    t->verified_seq = 0;
    t->n_batches = 0;
    return DD_OK;
}

/* A batch's signature, hex. */
typedef struct sig_hex {
    char v[129];
} sig_hex;

static dd_status read_batches(dd_track *t, dd_track_batch **v, sig_hex **sig, size_t *n,
                              dd_diags *diags)
{
    *v = NULL;
    *sig = NULL;
    *n = 0;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT id, first, last, recorded, signer, signer_key, head, "
                           "signature FROM batches WHERE id > ? ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(q, 1, (int64_t)t->n_batches) != SQLITE_OK) {
        dd__db_err(diags, t->path, t->db, "cannot read the log");
        sqlite3_finalize(q);
        return DD_EIO;
    }
    size_t cap = 0;
    dd_status st = DD_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            dd_track_batch *w = realloc(*v, cap * sizeof *w);
            if (w)
                *v = w;
            sig_hex *g = w ? realloc(*sig, cap * sizeof *g) : NULL;
            if (!g) {
                st = DD_ENOMEM;
                break;
            }
            *sig = g;
        }
        snprintf((*sig)[*n].v, sizeof (*sig)[*n].v, "%s", dd__col(q, 7));
        dd_track_batch *b = &(*v)[*n];
        memset(b, 0, sizeof *b);
        b->id = sqlite3_column_int64(q, 0);
        b->first = sqlite3_column_int64(q, 1);
        b->last = sqlite3_column_int64(q, 2);
        snprintf(b->recorded, sizeof b->recorded, "%s", dd__col(q, 3));
        snprintf(b->signer, sizeof b->signer, "%s", dd__col(q, 4));
        snprintf(b->signer_key, sizeof b->signer_key, "%s", dd__col(q, 5));
        snprintf(b->head, sizeof b->head, "%s", dd__col(q, 6));
        (*n)++;
    }
    if (st == DD_OK && rc != SQLITE_DONE) {
        dd__db_err(diags, t->path, t->db, "cannot read the log");
        st = DD_EIO;
    }
    sqlite3_finalize(q);
    return st;
}

/* Whether a batch's signature holds: 1 it does, 0 it does not, -1 out of
 * memory. */
static int batch_signed(const dd_track *t, const dd_track_batch *b, const char *sig)
{
    dd__buf m = {0};
    dd__batch_msg(t->header_hash, b, &m);
    int ok = m.oom ? -1 : dd__sign_ok(b->signer_key, m.v, m.n, sig);
    dd__buf_fini(&m);
    return ok;
}

static void row_of(sqlite3_stmt *q, dd__row *r)
{
    r->seq = sqlite3_column_int64(q, 0);
    r->batch = sqlite3_column_int64(q, 1);
    int64_t *num[10] = {&r->kind, &r->at,  &r->sortie, &r->idx,   &r->cnt,
                        &r->ref,  &r->tail, &r->until, &r->wfrom, &r->wto};
    for (int k = 0; k < 10; k++)
        *num[k] = sqlite3_column_int64(q, 2 + k);
    const char **txt[8] = {&r->time, &r->event,  &r->subject, &r->value,
                           &r->note, &r->origin, &r->source,  &r->recorded};
    for (int k = 0; k < 8; k++)
        *txt[k] = dd__col(q, 12 + k);
}

#define ROW_COLUMNS                                                                   \
    "seq, batch, kind, at, sortie, idx, cnt, ref, tail, until_at, wfrom, wto, time, " \
    "event, subject, value, note, origin, source, recorded, hash"

static dd_status verify_plans(dd_track *t, int64_t from, int64_t to, int64_t *bad_seq,
                              dd_diags *diags);

dd_status dd_track_verify(dd_track *t, int64_t *bad_seq, dd_diags *diags)
{
    /* one read transaction: one state of the file is verified */
    bool txn = dd__read_begin(t->db);
    dd_status st = dd__verify(t, true, bad_seq, diags);
    dd__read_end(t->db, txn);
    return st;
}

/* A walk over the rows not yet verified: the batches read, where it
 * stands in them, and the chain so far. */
typedef struct walk {
    dd_track *t;
    dd_track_batch *nb;
    sig_hex *sigs;
    size_t n_nb, bi;
    unsigned char prev[32];
    int64_t seq, prev_last, prev_id;
    /* the last key found in the log's keys, and its name: batches are
     * mostly signed by one recorder */
    char known_pk[65], known_name[64];
    int64_t *bad_seq;
    dd_diags *diags;
} walk;

/* The last row of batch b, whose chain hash is hex: the batch's head, its
 * signature, its key among the log's. */
static dd_status close_batch(walk *w, const dd_track_batch *b, const char *hex)
{
    dd_track *t = w->t;
    char name[64];
    int signed_ok = strcmp(hex, b->head) ? 0 : batch_signed(t, b, w->sigs[w->bi].v);
    bool named = !strcmp(w->known_pk, b->signer_key);
    if (!named && key_name(t, b->signer_key, name, sizeof name)) {
        snprintf(w->known_pk, sizeof w->known_pk, "%s", b->signer_key);
        snprintf(w->known_name, sizeof w->known_name, "%s", name);
        named = true;
    }
    if (signed_ok < 0)
        return DD_ENOMEM;
    if (strcmp(hex, b->head))
        return bad(w->diags, t, w->bad_seq, b->first,
                   "events %" PRId64 " to %" PRId64 " (batch %" PRId64
                   ") were rewritten: the chain's hash at event %" PRId64
                   " is not the one %s signed",
                   b->first, b->last, b->id, b->last, b->signer);
    if (!signed_ok)
        return bad(w->diags, t, w->bad_seq, b->first,
                   "batch %" PRId64 " (events %" PRId64 " to %" PRId64
                   ") is not signed by the key it names (%s): it was rewritten or "
                   "re-chained",
                   b->id, b->first, b->last, b->signer);
    if (!named || strcmp(w->known_name, b->signer))
        return bad(w->diags, t, w->bad_seq, b->first,
                   "the key that signed batch %" PRId64 " (%s) is missing from the "
                   "log's keys",
                   b->id, b->signer);
    w->prev_id = b->id;
    w->prev_last = b->last;
    w->bi++;
    return DD_OK;
}

/* One row: next in sequence, its hash on the chain as stored, in the
 * signed batch that should hold it. */
static dd_status check_row(walk *w, sqlite3_stmt *q, dd__buf *scratch)
{
    dd_track *t = w->t;
    dd__row r;
    row_of(q, &r);
    if (r.seq != w->seq + 1)
        return bad(w->diags, t, w->bad_seq, w->seq + 1,
                   "event %" PRId64 " is missing (the next is %" PRId64 ")", w->seq + 1, r.seq);
    w->seq = r.seq;
    unsigned char h[32];
    dd__row_hash(w->prev, &r, scratch, h);
    char hex[65], nm[512];
    dd__hex(h, 32, hex);
    if (scratch->oom)
        return DD_ENOMEM;
    if (strcmp(hex, dd__col(q, 20)))
        return bad(w->diags, t, w->bad_seq, w->seq,
                   "event %" PRId64 " (%s) was altered after it was written, or an "
                   "event before it was",
                   w->seq, row_name(&r, nm, sizeof nm));
    memcpy(w->prev, h, 32);
    const dd_track_batch *b = w->bi < w->n_nb ? &w->nb[w->bi] : NULL;
    if (!b)
        return bad(w->diags, t, w->bad_seq, w->seq,
                   "event %" PRId64 " (%s) is in no signed batch: it was added "
                   "behind the tool's back",
                   w->seq, row_name(&r, nm, sizeof nm));
    if (b->id != w->prev_id + 1 || b->first != w->prev_last + 1 || b->last < b->first)
        return bad(w->diags, t, w->bad_seq, w->seq,
                   "batch %" PRId64 " (events %" PRId64 " to %" PRId64
                   ") does not follow batch %" PRId64 ": the batches were altered",
                   b->id, b->first, b->last, w->prev_id);
    if (r.batch != b->id)
        return bad(w->diags, t, w->bad_seq, w->seq,
                   "event %" PRId64 " (%s) says batch %" PRId64 " but lies in batch %" PRId64
                   ": it was altered",
                   w->seq, row_name(&r, nm, sizeof nm), r.batch, b->id);
    return w->seq == b->last ? close_batch(w, b, hex) : DD_OK;
}

/* Every row after the last verified one, in order. */
static dd_status walk_rows(walk *w)
{
    dd_track *t = w->t;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(t->db, "SELECT " ROW_COLUMNS " FROM events WHERE seq > ? ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(q, 1, t->verified_seq) != SQLITE_OK) {
        dd__db_err(w->diags, t->path, t->db, "cannot read the log");
        sqlite3_finalize(q);
        return DD_EIO;
    }
    dd__buf scratch = {0};
    dd_status st = DD_OK;
    int rc;
    while (st == DD_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
        st = check_row(w, q, &scratch);
    if (st == DD_OK && rc != SQLITE_DONE) {
        dd__db_err(w->diags, t->path, t->db, "cannot read the log");
        st = DD_EIO;
    }
    if (st == DD_OK && w->bi < w->n_nb) {
        const dd_track_batch *b = &w->nb[w->bi];
        st = bad(w->diags, t, w->bad_seq, w->seq + 1,
                 "batch %" PRId64 " was signed for events %" PRId64 " to %" PRId64
                 ", but the log ends at event %" PRId64 ": events were removed",
                 b->id, b->first, b->last, w->seq);
    }
    sqlite3_finalize(q);
    dd__buf_fini(&scratch);
    return st;
}

/* All new rows and batches hold: remember them on the handle. */
static dd_status keep_verified(const walk *w)
{
    dd_track *t = w->t;
    if (t->n_batches + w->n_nb > t->cap_batches) {
        size_t cap = t->n_batches + w->n_nb + 16;
        dd_track_batch *v = realloc(t->batches, cap * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        t->batches = v;
        t->cap_batches = cap;
    }
    if (w->n_nb)
        memcpy(t->batches + t->n_batches, w->nb, w->n_nb * sizeof *w->nb);
    t->n_batches += w->n_nb;
    t->verified_seq = w->seq;
    memcpy(t->verified_head, w->prev, 32);
    t->verified = true;
    t->info.n_events = w->seq;
    t->info.n_batches = (int64_t)t->n_batches;
    return DD_OK;
}

dd_status dd__verify(dd_track *t, bool deep, int64_t *bad_seq, dd_diags *diags)
{
    *bad_seq = -1;
    dd_status st;
    if (!t->verified) {
        st = verify_header(t, bad_seq, diags);
        if (st != DD_OK)
            return st;
    }
    if (deep && !t->plan_file_ok) {
        st = blob_ok(t, "plan-file", t->h.plan_stored, "plan", -1, bad_seq, diags);
        if (st != DD_OK)
            return st;
        t->plan_file_ok = true;
    }
    walk w;
    memset(&w, 0, sizeof w);
    w.t = t;
    w.bad_seq = bad_seq;
    w.diags = diags;
    memcpy(w.prev, t->verified_head, 32);
    w.seq = w.prev_last = t->verified_seq;
    w.prev_id = t->n_batches ? t->batches[t->n_batches - 1].id : 0;
    st = read_batches(t, &w.nb, &w.sigs, &w.n_nb, diags);
    if (st == DD_OK)
        st = walk_rows(&w);
    /* the plans accepted by the rows just verified */
    if (st == DD_OK)
        st = verify_plans(t, t->verified_seq, w.seq, bad_seq, diags);
    if (st == DD_OK)
        st = keep_verified(&w);
    free(w.nb);
    free(w.sigs);
    return st;
}

const dd_track_batch *dd_track_batches(const dd_track *t, size_t *n_out)
{
    *n_out = t->n_batches;
    return t->batches;
}

/* ---- reading events back ------------------------------------------------- */

static bool event_fits(const dd_scenario *s, const dd__row *r)
{
    if (r->kind < 0 || r->kind >= DD_EV_COUNT)
        return false;
    switch ((dd_event_kind)r->kind) {
    case DD_EV_TASK_DONE: return r->idx >= 0 && (size_t)r->idx < s->n_tasks;
    case DD_EV_PROCESSED: return r->idx >= 0 && (size_t)r->idx < s->n_people;
    case DD_EV_CLOSED: return r->idx >= 0 && (size_t)r->idx < s->n_sites;
    case DD_EV_TAIL_DOWN:
        return r->idx >= 0 && (size_t)r->idx < s->n_aircraft && r->tail >= 1 &&
               r->tail <= dd_aircraft_tails_max(&s->aircraft[r->idx]);
    case DD_EV_DEPARTED:
    case DD_EV_ABORTED:
    case DD_EV_FILED:
    case DD_EV_APPROVED:
    case DD_EV_DENIED: return r->sortie >= 1 && r->sortie <= INT32_MAX && r->tail >= 0;
    case DD_EV_RETRACTED: return r->ref >= 1 && r->ref < r->seq;
    case DD_EV_NOTE:
    case DD_EV_COUNT: break;
    }
    return true;
}

static char *put_text(char **at, const char *s)
{
    char *o = *at;
    size_t n = strlen(s);
    memcpy(o, s, n + 1);
    *at += n + 1;
    return o;
}

/*
 * The events read back are kept typed on the handle (t->ev): a reader or
 * an append reads from SQLite only the rows added since, so a server
 * appending one event at a time does not read the whole log back each
 * time. Texts live in blocks that never move; the array may.
 */
struct dd__evtext {
    struct dd__evtext *next;
    char v[];
};

void dd__evcache_fini(dd__evcache *c)
{
    while (c->text) {
        struct dd__evtext *x = c->text;
        c->text = x->next;
        free(x);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* The verified rows not in the cache yet, typed against s, added to it;
 * inside a transaction the caller holds. */
static dd_status read_events(dd_track *t, const dd_scenario *s, dd_diags *diags)
{
    dd__evcache *c = &t->ev;
    if (c->s != s) { /* another scenario: its indices may differ */
        dd__evcache_fini(c);
        dd__checker_fini(&t->chk);
        c->s = s;
    }
    int64_t from = (int64_t)c->n, upto = t->verified_seq;
    if (upto <= from)
        return DD_OK;
    sqlite3_stmt *q = NULL;
    size_t text = 0;
    if (sqlite3_prepare_v2(
            t->db,
            "SELECT coalesce(sum(length(CAST(subject AS BLOB)) + length(CAST(value AS BLOB))"
            " + length(CAST(note AS BLOB)) + 2 * length(CAST(origin AS BLOB))"
            " + length(CAST(source AS BLOB))), 0) FROM events WHERE seq > ? AND seq <= ?",
            -1, &q, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(q, 1, from) != SQLITE_OK ||
        sqlite3_bind_int64(q, 2, upto) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
        dd__db_err(diags, t->path, t->db, "cannot read the log");
        sqlite3_finalize(q);
        return DD_EIO;
    }
    size_t n_new = (size_t)(upto - from);
    text = (size_t)sqlite3_column_int64(q, 0) + n_new * 80 + strlen(t->path) + 1;
    sqlite3_finalize(q);
    q = NULL;
    dd_event *w = dd__grow(c->v, &c->cap, c->n + n_new - 1, 64, sizeof *w);
    if (!w)
        return DD_ENOMEM;
    c->v = w;
    struct dd__evtext *blk = malloc(sizeof *blk + text);
    if (!blk)
        return DD_ENOMEM;
    blk->next = c->text;
    c->text = blk;
    char *at = blk->v;
    const char *file = put_text(&at, t->path);
    dd_status st = DD_OK;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT " ROW_COLUMNS " FROM events WHERE seq > ? AND seq <= ? "
                           "ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(q, 1, from) != SQLITE_OK ||
        sqlite3_bind_int64(q, 2, upto) != SQLITE_OK)
        st = DD_EIO;
    size_t n = c->n;
    int rc = SQLITE_DONE;
    while (st == DD_OK && n < (size_t)upto && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        dd__row r;
        row_of(q, &r);
        if (!event_fits(s, &r)) {
            int64_t b;
            char nm[512];
            st = bad(diags, t, &b, r.seq, "event %" PRId64 " (%s) does not fit the scenario's ids",
                     r.seq, row_name(&r, nm, sizeof nm));
            break;
        }
        if (r.seq != (int64_t)n + 1) {
            st = DD_EIO;
            break;
        }
        dd_event *x = &c->v[n++];
        memset(x, 0, sizeof *x);
        x->kind = (dd_event_kind)r.kind;
        x->at = r.at;
        x->sortie = (int32_t)r.sortie;
        x->index = (int32_t)r.idx;
        x->count = (int32_t)r.cnt;
        x->ref = (int32_t)r.ref;
        x->tail = (int32_t)r.tail;
        x->until = r.until;
        x->window_from = r.wfrom;
        x->window_to = r.wto;
        x->subject = put_text(&at, r.subject);
        x->value = put_text(&at, r.value);
        x->note = put_text(&at, r.note);
        /* where it came from, for messages: "day-03.csv:5, event 12 of the log" */
        char *o = at;
        int k = snprintf(o, strlen(r.origin) + strlen(r.source) + 64,
                         *r.origin ? "%s (%s, event %" PRId64 " of the log)"
                                   : "%s%s, event %" PRId64 " of the log",
                         r.origin, r.source, r.seq);
        at += (size_t)(k > 0 ? k : 0) + 1;
        x->origin = o;
        x->file = file;
        x->line = (uint32_t)r.seq;
        x->source = NULL;
    }
    if (st == DD_OK && (rc == SQLITE_ROW || rc == SQLITE_DONE) && n != (size_t)upto)
        st = DD_EIO;
    else if (st == DD_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = DD_EIO;
    if (st == DD_EIO)
        dd__db_err(diags, t->path, t->db, "cannot read the log");
    sqlite3_finalize(q);
    if (st != DD_OK)
        return st; /* the cache keeps what it had */
    c->text_bytes += (size_t)(at - blk->v);
    c->n = n;
    return DD_OK;
}

/* Verified and cached up to the log's end, in one read transaction. */
static dd_status events_current(dd_track *t, const dd_scenario *s, dd_diags *diags)
{
    bool txn = dd__read_begin(t->db);
    int64_t b;
    dd_status st = dd__verify(t, false, &b, diags);
    if (st == DD_OK)
        st = read_events(t, s, diags);
    dd__read_end(t->db, txn);
    return st;
}

static size_t text_len(const char *v)
{
    return v ? strlen(v) + 1 : 0;
}

dd_status dd_track_events_after(dd_track *t, const dd_scenario *s, int64_t after,
                                dd_diags *diags, dd_events **out)
{
    *out = NULL;
    dd_status st = events_current(t, s, diags);
    if (st != DD_OK)
        return st;
    const dd__evcache *c = &t->ev;
    size_t from = after <= 0 ? 0 : (size_t)after < c->n ? (size_t)after : c->n;
    size_t text = strlen(t->path) + 1;
    for (size_t i = from; i < c->n; i++)
        text += text_len(c->v[i].subject) + text_len(c->v[i].value) +
                text_len(c->v[i].note) + text_len(c->v[i].origin);
    dd_events *e = NULL;
    dd_event *v = NULL;
    char *buf = NULL;
    st = dd_events_new(c->n - from, text, &e, &v, &buf);
    if (st != DD_OK)
        return st;
    char *at = buf;
    const char *file = put_text(&at, t->path);
    for (size_t i = from; i < c->n; i++) {
        dd_event *x = &v[i - from];
        *x = c->v[i];
        x->subject = put_text(&at, c->v[i].subject);
        x->value = put_text(&at, c->v[i].value);
        x->note = put_text(&at, c->v[i].note);
        x->origin = put_text(&at, c->v[i].origin);
        x->file = file;
    }
    *out = e;
    return DD_OK;
}

dd_status dd_track_events(dd_track *t, const dd_scenario *s, dd_diags *diags,
                          dd_events **out)
{
    return dd_track_events_after(t, s, 0, diags, out);
}

dd_status dd_track_check_log(dd_track *t, const dd_plan *p, const dd_events *add,
                             dd_diags *diags)
{
    dd_status st = events_current(t, p->scenario, diags);
    if (st != DD_OK)
        return st;
    dd_events prior = {t->ev.n, t->ev.v};
    return dd__checker_check(&t->chk, p, &prior, add, diags);
}

dd_status dd_track_events_view(dd_track *t, const dd_scenario *s, dd_diags *diags,
                               dd_events *view_out)
{
    view_out->n = 0;
    view_out->v = NULL;
    dd_status st = events_current(t, s, diags);
    if (st == DD_OK) {
        view_out->n = t->ev.n;
        view_out->v = t->ev.v;
    }
    return st;
}

/* ---- appending ----------------------------------------------------------- */

/* Insert rows (seq and batch filled here) as batch `id`, signed. */
static dd_status insert_batch(sqlite3 *db, const unsigned char log_id[32], int64_t id,
                              int64_t first, const unsigned char prev_in[32], dd__row *rows,
                              size_t n, const char *recorded, const dd_key *signer,
                              unsigned char head[32], dd_track_batch *b)
{
    sqlite3_stmt *ins = NULL;
    dd_status st = DD_OK;
    if (sqlite3_prepare_v2(db, "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &ins, NULL) != SQLITE_OK)
        return DD_EIO;
    unsigned char prev[32];
    memcpy(prev, prev_in, 32);
    dd__buf scratch = {0};
    for (size_t i = 0; st == DD_OK && i < n; i++) {
        dd__row *r = &rows[i];
        r->seq = first + (int64_t)i;
        r->batch = id;
        unsigned char h[32];
        dd__row_hash(prev, r, &scratch, h);
        if (scratch.oom) {
            st = DD_ENOMEM;
            break;
        }
        char hex[65];
        dd__hex(h, 32, hex);
        const int64_t num[12] = {r->seq,  r->batch, r->kind, r->at,    r->sortie, r->idx,
                                 r->cnt,  r->ref,   r->tail, r->until, r->wfrom,  r->wto};
        const char *txt[9] = {r->time,   r->event,  r->subject, r->value, r->note,
                              r->origin, r->source, r->recorded, hex};
        bool ok = true;
        for (int k = 0; k < 12 && ok; k++)
            ok = sqlite3_bind_int64(ins, k + 1, num[k]) == SQLITE_OK;
        for (int k = 0; k < 9 && ok; k++)
            ok = sqlite3_bind_text(ins, 13 + k, txt[k], -1, SQLITE_TRANSIENT) == SQLITE_OK;
        ok = ok && sqlite3_step(ins) == SQLITE_DONE && sqlite3_reset(ins) == SQLITE_OK;
        if (!ok)
            st = DD_EIO;
        memcpy(prev, h, 32);
    }
    dd__buf_fini(&scratch);
    sqlite3_finalize(ins);
    if (st != DD_OK)
        return st;
    memset(b, 0, sizeof *b);
    b->id = id;
    b->first = first;
    b->last = first + (int64_t)n - 1;
    snprintf(b->recorded, sizeof b->recorded, "%s", recorded);
    snprintf(b->signer, sizeof b->signer, "%s", signer->name);
    dd_key_id(signer->public_key, b->signer_key);
    dd__hex(prev, 32, b->head);
    dd__buf m = {0};
    dd__batch_msg(log_id, b, &m);
    char sig[129];
    if (m.oom) {
        dd__buf_fini(&m);
        return DD_ENOMEM;
    }
    dd__sign(signer, m.v, m.n, sig);
    dd__buf_fini(&m);
    sqlite3_stmt *q = NULL;
    bool ok = sqlite3_prepare_v2(db, "INSERT INTO batches VALUES(?,?,?,?,?,?,?,?)", -1, &q,
                                 NULL) == SQLITE_OK &&
              sqlite3_bind_int64(q, 1, b->id) == SQLITE_OK &&
              sqlite3_bind_int64(q, 2, b->first) == SQLITE_OK &&
              sqlite3_bind_int64(q, 3, b->last) == SQLITE_OK &&
              sqlite3_bind_text(q, 4, b->recorded, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(q, 5, b->signer, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(q, 6, b->signer_key, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(q, 7, b->head, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(q, 8, sig, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    q = NULL;
    /* the key, the first time the log sees it */
    ok = ok &&
         sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO keys VALUES(?,?,?)", -1, &q, NULL) ==
             SQLITE_OK &&
         sqlite3_bind_text(q, 1, b->signer_key, -1, SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_bind_text(q, 2, b->signer, -1, SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_bind_text(q, 3, b->recorded, -1, SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    memcpy(head, prev, 32);
    return ok ? DD_OK : DD_EIO;
}

/* The same key under another name is refused: names in verify must hold. */
static dd_status key_fits(dd_track *t, const dd_key *signer, dd_diags *diags)
{
    char pk[65], name[64];
    dd_key_id(signer->public_key, pk);
    if (key_name(t, pk, name, sizeof name) && strcmp(name, signer->name)) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the log knows this key as '%s', not '%s'", name, signer->name);
        return DD_EINPUT;
    }
    return DD_OK;
}

/* The time given, or now (written into buf). */
static const char *stamp(const char *given, char buf[32])
{
    if (given)
        return given;
    dd__utc_now(buf, 32, 1);
    return buf;
}

static void row_from_event(const dd_scenario *s, const dd_event *e, char when[40],
                           char *src, size_t src_size, const char *recorded, dd__row *r)
{
    dd_scenario_format_time(s, e->at, 0, when, 40);
    snprintf(src, src_size, "%s:%u", e->file ? e->file : "", e->line);
    memset(r, 0, sizeof *r);
    r->kind = e->kind;
    r->at = e->at;
    r->sortie = e->sortie;
    r->idx = e->index;
    r->cnt = e->count;
    r->ref = e->ref;
    r->tail = e->tail;
    r->until = e->until;
    r->wfrom = e->window_from;
    r->wto = e->window_to;
    r->time = when;
    r->event = dd_event_kind_name(e->kind);
    r->subject = e->subject ? e->subject : "";
    r->value = e->value ? e->value : "";
    r->note = e->note ? e->note : "";
    r->origin = e->origin ? e->origin : "";
    r->source = src;
    r->recorded = recorded;
}

/* Rows for events (their texts in one block, freed by the caller). */
static dd_status rows_of(const dd_scenario *s, const dd_events *add, const char *const *source,
                         const char *const *recorded_each, const char *recorded,
                         dd__row **rows_out, char **mem_out)
{
    size_t n = add->n;
    dd__row *rows = calloc(n + 1, sizeof *rows);
    size_t per = 40 + 4200;
    char *mem = malloc((n + 1) * per);
    if (!rows || !mem) {
        free(rows);
        free(mem);
        return DD_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        char *when = mem + i * per, *src = when + 40;
        row_from_event(s, &add->v[i], when, src, 4200,
                       recorded_each ? recorded_each[i] : recorded, &rows[i]);
        if (source) { /* format 1 kept no origin */
            rows[i].source = source[i];
            rows[i].origin = "";
        }
    }
    *rows_out = rows;
    *mem_out = mem;
    return DD_OK;
}

/* A plan stored with the (single) event of a batch: its deflated file. */
typedef struct stored_plan {
    const dd__buf *z;
    size_t size;
} stored_plan;

static dd_status append(dd_track *t, const dd_plan *p, const dd_events *add,
                        const char *recorded, const dd_key *signer, const stored_plan *sp,
                        dd_diags *diags);

dd_status dd_track_append(dd_track *t, const dd_plan *p, const dd_events *add,
                          const char *recorded, const dd_key *signer, dd_diags *diags)
{
    return append(t, p, add, recorded, signer, NULL, diags);
}

static dd_status append(dd_track *t, const dd_plan *p, const dd_events *add,
                        const char *recorded, const dd_key *signer, const stored_plan *sp,
                        dd_diags *diags)
{
    const dd_scenario *s = p->scenario;
    if (!signer) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "no key to sign the events with (make one: drawdown keys new)");
        return DD_EARG;
    }
    if (!t->writable) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the log was opened read-only");
        return DD_EARG;
    }
    /* "stored plan ..." marks the event that accepted a plan: not for files */
    for (size_t i = 0; !sp && i < add->n; i++)
        if (add->v[i].origin && !strncmp(add->v[i].origin, "stored plan ", 12)) {
            dd_diags_add(diags, DD_SEV_ERROR, add->v[i].file, add->v[i].line, 0,
                         "event note", add->v[i].source,
                         "a source that starts with 'stored plan ' is the log's mark of an "
                         "accepted plan");
            return DD_EINPUT;
        }
    char now[32];
    recorded = stamp(recorded, now);
    /* BEGIN IMMEDIATE: verified, checked and chained under the write lock */
    if (sqlite3_exec(t->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK) {
        dd__db_err(diags, t->path, t->db, "cannot write to the log");
        return DD_EIO;
    }
    int64_t b;
    dd_status st = dd__verify(t, false, &b, diags);
    if (st == DD_OK)
        st = key_fits(t, signer, diags);
    /* the events before, kept typed on the handle: only the rows added
     * since it last looked are read */
    if (st == DD_OK)
        st = read_events(t, s, diags);
    dd_events prior = {t->ev.n, t->ev.v};
    if (st == DD_OK)
        st = dd__checker_check(&t->chk, p, &prior, add, diags);
    dd__row *rows = NULL;
    char *mem = NULL;
    if (st == DD_OK && add->n == 0) {
        sqlite3_exec(t->db, "ROLLBACK;", NULL, NULL, NULL);
        return DD_OK; /* nothing to sign */
    }
    /* room for the batch in the handle before anything is written */
    if (st == DD_OK && t->n_batches == t->cap_batches) {
        size_t cap = t->cap_batches ? 2 * t->cap_batches : 16;
        dd_track_batch *w = realloc(t->batches, cap * sizeof *w);
        if (w) {
            t->batches = w;
            t->cap_batches = cap;
        } else {
            st = DD_ENOMEM;
        }
    }
    if (st == DD_OK)
        st = rows_of(s, add, NULL, NULL, recorded, &rows, &mem);
    unsigned char head[32];
    dd_track_batch nb;
    if (st == DD_OK)
        st = insert_batch(t->db, t->header_hash, (int64_t)t->n_batches + 1, t->verified_seq + 1,
                          t->verified_head, rows, add->n, recorded, signer, head, &nb);
    free(rows);
    free(mem);
    if (st == DD_OK && sp) {
        sqlite3_stmt *q = NULL;
        bool ok = sqlite3_prepare_v2(t->db, "INSERT INTO plans VALUES(?,'zlib',?,?)", -1, &q,
                                     NULL) == SQLITE_OK &&
                  sqlite3_bind_int64(q, 1, nb.first) == SQLITE_OK &&
                  sqlite3_bind_int64(q, 2, (int64_t)sp->size) == SQLITE_OK &&
                  sqlite3_bind_blob64(q, 3, sp->z->v, sp->z->n, SQLITE_STATIC) == SQLITE_OK &&
                  sqlite3_step(q) == SQLITE_DONE;
        sqlite3_finalize(q);
        if (!ok)
            st = DD_EIO;
    }
    if (st == DD_OK && sqlite3_exec(t->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        st = DD_EIO;
    if (st != DD_OK) {
        if (st == DD_EIO)
            dd__db_err(diags, t->path, t->db, "cannot write to the log; nothing was added");
        sqlite3_exec(t->db, "ROLLBACK;", NULL, NULL, NULL);
        return st;
    }
    t->batches[t->n_batches++] = nb;
    t->verified_seq = nb.last;
    /* the events just added join the cache (read back: their rows are
     * what the log holds); a failure only leaves them to the next read */
    {
        dd_diags quiet;
        dd_diags_init(&quiet, 1);
        (void)read_events(t, s, &quiet);
        dd_diags_fini(&quiet);
    }
    memcpy(t->verified_head, head, 32);
    t->info.n_events = nb.last;
    t->info.n_batches = (int64_t)t->n_batches;
    return DD_OK;
}

dd_status dd__write_upgrade_rows(sqlite3 *db, const dd_track_info *i, const dd__hashes *h,
                                 const dd__upgrade_rows *u, const dd_key *signer)
{
    if (!u->n)
        return DD_OK;
    unsigned char id[32];
    if (!dd__header_hash(i, h, id))
        return DD_ENOMEM;
    dd_events ev = {u->n, u->v};
    dd__row *rows = NULL;
    char *mem = NULL;
    dd_status st = rows_of(u->scenario, &ev, u->source, u->recorded, "", &rows, &mem);
    if (st != DD_OK)
        return st;
    char now[32];
    dd__utc_now(now, sizeof now, 1);
    unsigned char head[32];
    dd_track_batch b;
    st = insert_batch(db, id, 1, 1, id, rows, u->n, now, signer, head, &b);
    free(rows);
    free(mem);
    return st;
}

/* ---- accepted plans ------------------------------------------------------ */

#define STORED_PLAN "stored plan "

dd_status dd_track_accept_plan(dd_track *t, const dd_plan *p, const dd_plan *np,
                               const char *scenario_path, dd_time at, const char *note,
                               const dd_key *signer, int64_t *event_out, dd_diags *diags)
{
    if (event_out)
        *event_out = 0;
    char sha[65], digest_hex[65], origin[80];
    dd__buf z = {0};
    size_t raw = 0;
    dd_status st = dd__plan_file(np, scenario_path, sha, &z, &raw);
    if (st != DD_OK)
        return st;
    unsigned char d[32];
    dd__digest(z.v, z.n, d);
    dd__hex(d, 32, digest_hex);
    snprintf(origin, sizeof origin, STORED_PLAN "%s", digest_hex);
    if (!note)
        note = "";
    dd_events *e = NULL;
    dd_event *v = NULL;
    char *text = NULL;
    st = dd_events_new(1, strlen(note) + 256, &e, &v, &text);
    if (st != DD_OK) {
        dd__buf_fini(&z);
        return st;
    }
    char *at_text = text;
    v[0].kind = DD_EV_NOTE;
    v[0].at = at;
    v[0].index = -1;
    v[0].until = v[0].window_from = v[0].window_to = DD_TIME_NONE;
    v[0].subject = "plan";
    memcpy(at_text, sha, 65);
    v[0].value = at_text;
    v[0].note = note;
    memcpy(at_text + 65, origin, strlen(origin) + 1);
    v[0].origin = at_text + 65;
    v[0].file = "accepted";
    stored_plan sp = {&z, raw};
    st = append(t, p, e, NULL, signer, &sp, diags);
    if (st == DD_OK && event_out)
        *event_out = t->verified_seq;
    dd_events_free(e);
    dd__buf_fini(&z);
    return st;
}

/* Every plan stored for the events (from, to] pinned by its event's
 * origin, every such event with its plan, and no plan stored for another
 * event (logs made before accepted plans have no table for them). */
static dd_status verify_plans(dd_track *t, int64_t from, int64_t to, int64_t *bad_seq,
                              dd_diags *diags)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT e.seq, p.data, e.origin FROM events e LEFT JOIN plans p "
                           "ON p.event = e.seq WHERE e.seq > ?1 AND e.seq <= ?2 AND e.origin "
                           "LIKE '" STORED_PLAN "%' UNION ALL SELECT p.event, p.data, NULL "
                           "FROM plans p WHERE p.event > ?1 AND p.event NOT IN (SELECT seq "
                           "FROM events WHERE seq > ?1 AND seq <= ?2 AND origin LIKE '" STORED_PLAN
                           "%') ORDER BY 1",
                           -1, &q, NULL) != SQLITE_OK) {
        sqlite3_finalize(q);
        return DD_OK; /* no such table */
    }
    sqlite3_bind_int64(q, 1, from);
    sqlite3_bind_int64(q, 2, to);
    dd_status st = DD_OK;
    while (st == DD_OK && sqlite3_step(q) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(q, 0);
        const char *origin = (const char *)sqlite3_column_text(q, 2);
        const unsigned char *v = sqlite3_column_blob(q, 1);
        size_t n = (size_t)sqlite3_column_bytes(q, 1);
        if (!origin) {
            st = bad(diags, t, bad_seq, seq,
                     "a plan is stored for event %" PRId64 ", which accepted none: it was "
                     "added behind the tool's back",
                     seq);
        } else if (sqlite3_column_type(q, 1) == SQLITE_NULL) {
            st = bad(diags, t, bad_seq, seq,
                     "the plan accepted at event %" PRId64 " is missing from the log", seq);
        } else {
            unsigned char d[32];
            char hex[65];
            dd__digest(v, n, d);
            dd__hex(d, 32, hex);
            if (strcmp(origin + strlen(STORED_PLAN), hex))
                st = bad(diags, t, bad_seq, seq,
                         "the plan accepted at event %" PRId64
                         " was altered after it was written",
                         seq);
        }
    }
    sqlite3_finalize(q);
    return st;
}

dd_status dd_track_write_accepted_plan(dd_track *t, int64_t event, FILE *f, dd_diags *diags)
{
    int64_t b;
    dd_status st = dd_track_verify(t, &b, diags);
    if (st != DD_OK)
        return st;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(t->db, "SELECT data FROM plans WHERE event=?", -1, &q, NULL) !=
            SQLITE_OK ||
        sqlite3_bind_int64(q, 1, event) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "event %" PRId64 " of the log accepted no plan", event);
        return DD_EINPUT;
    }
    dd__buf none;
    st = dd__inflate(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0), 0, &none,
                     f);
    sqlite3_finalize(q);
    if (st != DD_OK)
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "cannot write the plan accepted at event %" PRId64, event);
    return st;
}

/* ---- receipts ------------------------------------------------------------ */

static void receipt_msg(const unsigned char log_id[32], int64_t count,
                        const unsigned char head[32], const char *time, const char *name,
                        const unsigned char pk[32], dd__buf *m)
{
    dd__buf_put(m, "drawdown-log receipt", 21);
    dd__buf_put(m, log_id, 32);
    dd__buf_i64(m, count);
    dd__buf_put(m, head, 32);
    dd__buf_str(m, time);
    dd__buf_str(m, name);
    dd__buf_put(m, pk, 32);
}

dd_status dd_track_receipt(dd_track *t, const dd_key *signer, const char *now, char **out,
                           dd_diags *diags)
{
    *out = NULL;
    int64_t b;
    dd_status st = dd__verify(t, false, &b, diags);
    if (st != DD_OK)
        return st;
    if (!signer) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "no key to sign the receipt with (make one: drawdown keys new)");
        return DD_EARG;
    }
    char when[32];
    now = stamp(now, when);
    dd__buf m = {0};
    receipt_msg(t->header_hash, t->verified_seq, t->verified_head, now, signer->name,
                signer->public_key, &m);
    if (m.oom)
        return DD_ENOMEM;
    char sig[129], id[65], head[65], pk[65];
    dd__sign(signer, m.v, m.n, sig);
    dd__buf_fini(&m);
    dd__hex(t->header_hash, 32, id);
    dd__hex(t->verified_head, 32, head);
    dd_key_id(signer->public_key, pk);
    size_t n = 1024 + strlen(now) + strlen(signer->name);
    char *r = malloc(n);
    if (!r)
        return DD_ENOMEM;
    snprintf(r, n,
             "drawdown receipt 1\n"
             "log %s\n"
             "events %" PRId64 "\n"
             "head %s\n"
             "time %s\n"
             "signer %s %s\n"
             "signature %s\n",
             id, t->verified_seq, head, now, signer->name, pk, sig);
    *out = r;
    return DD_OK;
}

/* The value of line "KEY value" in text (copied into out), or false. */
static bool field(const char *text, size_t len, const char *key, char *out, size_t size)
{
    size_t kl = strlen(key);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > kl && !memcmp(p, key, kl) && p[kl] == ' ') {
            size_t n = (size_t)(le - p) - kl - 1;
            if (n && p[kl + n] == '\r')
                n--;
            if (n >= size)
                return false;
            memcpy(out, p + kl + 1, n);
            out[n] = 0;
            return true;
        }
        p = le + 1;
    }
    return false;
}

dd_status dd_track_check_receipt(dd_track *t, const char *text, size_t len, dd_diags *diags)
{
    int64_t b;
    dd_status st = dd__verify(t, false, &b, diags);
    if (st != DD_OK)
        return st;
    char id[80], count[32], head[80], when[64], signer[160], sig[140];
    unsigned char idb[32], headb[32], pk[32];
    char name[64] = "", pkhex[80] = "";
    bool ok = len > 18 && !memcmp(text, "drawdown receipt 1", 18) &&
              field(text, len, "log", id, sizeof id) &&
              field(text, len, "events", count, sizeof count) &&
              field(text, len, "head", head, sizeof head) &&
              field(text, len, "time", when, sizeof when) &&
              field(text, len, "signer", signer, sizeof signer) &&
              field(text, len, "signature", sig, sizeof sig) && dd__unhex(id, idb, 32) &&
              dd__unhex(head, headb, 32);
    char *sp = ok ? strchr(signer, ' ') : NULL;
    if (sp && (size_t)(sp - signer) < sizeof name) {
        memcpy(name, signer, (size_t)(sp - signer));
        name[sp - signer] = 0;
        snprintf(pkhex, sizeof pkhex, "%s", sp + 1);
    }
    char *end = NULL;
    long long n = ok ? strtoll(count, &end, 10) : -1;
    ok = ok && sp && end && !*end && n >= 0 && dd__unhex(pkhex, pk, 32);
    if (!ok) {
        dd_diags_add(diags, DD_SEV_ERROR, "receipt", 0, 0, "", NULL,
                     "not a drawdown receipt (drawdown track receipt prints one)");
        return DD_EINPUT;
    }
    dd__buf m = {0};
    receipt_msg(idb, n, headb, when, name, pk, &m);
    if (m.oom) {
        dd__buf_fini(&m);
        return DD_ENOMEM;
    }
    bool sig_ok = dd__sign_ok(pkhex, m.v, m.n, sig);
    dd__buf_fini(&m);
    if (!sig_ok) {
        dd_diags_add(diags, DD_SEV_ERROR, "receipt", 0, 0, "", NULL,
                     "the receipt's signature does not hold: it was altered");
        return DD_EINPUT;
    }
    if (memcmp(idb, t->header_hash, 32)) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the receipt was given for another log (%.16s...), or this log's "
                     "header was rewritten",
                     id);
        return DD_EINPUT;
    }
    if (n > t->verified_seq) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the receipt of %s (signed by %s) was given for %lld events; the log "
                     "holds %" PRId64 ": events were removed since",
                     when, name, n, t->verified_seq);
        return DD_EINPUT;
    }
    char stored[65] = "";
    if (n == 0) {
        dd__hex(t->header_hash, 32, stored);
    } else {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(t->db, "SELECT hash FROM events WHERE seq=?", -1, &q, NULL) ==
                SQLITE_OK &&
            sqlite3_bind_int64(q, 1, n) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            snprintf(stored, sizeof stored, "%s", dd__col(q, 0));
        sqlite3_finalize(q);
    }
    if (strcmp(stored, head)) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "event %lld is not the head the receipt of %s (signed by %s) was given "
                     "for: the log was rewritten since",
                     n, when, name);
        return DD_EINPUT;
    }
    return DD_OK;
}
