/* SPDX-License-Identifier: MIT */
/*
 * The event log, format 2 (track.h, docs/track.md): one SQLite file (the
 * only SQLite user in drawdown) that holds the approved plan, the hashes
 * of the scenario's files and the events, each row hashed over a
 * length-prefixed encoding of every field and chained to the one before,
 * each batch signed with its recorder's Ed25519 key (libsodium).
 *
 * This file creates and opens logs; log_plan.c reads back the plan and
 * the scenario a log keeps; chain.c verifies, appends and reads events
 * back; upgrade.c converts format 1.
 *
 * Created exactly once: the file is built as an unnamed file in the
 * target's folder (O_TMPFILE) and linked into place with linkat, which
 * fails when the name exists, so an existing log is never replaced and a
 * start killed at any moment leaves nothing (where the file system has no
 * O_TMPFILE, a named temporary file is removed on every path but a kill).
 * Rollback journal with synchronous writes: an added batch survives a
 * crash, and a log at rest is one file, readable from read-only media; a
 * writer that holds the log open (the server) writes it ahead (WAL,
 * synchronous too) while it holds it (dd_track_hold).
 */
#define _GNU_SOURCE /* realpath, fopencookie, O_TMPFILE, linkat */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "base/clock.h"
#include "track/log_int.h"
#include "track/scenimg.h"
#include "track/sha256.h"

/* ---- hashing and compression ---------------------------------------------- */

void dd__sha256(const unsigned char *v, size_t n, unsigned char out[32])
{
    crypto_hash_sha256(out, v, n);
}

/* The stored plan's digests, which the signed header pins: BLAKE2b-256,
 * three times as fast as libsodium's SHA-256 on the theater's 31 MB image
 * (every reader hashes it). */
void dd__digest(const unsigned char *v, size_t n, unsigned char out[32])
{
    crypto_generichash(out, 32, v, n, NULL, 0);
}

/* Plan file bytes as written: hashed, and deflated into a buffer. */
typedef struct sink {
    crypto_hash_sha256_state hs;
    z_stream z;
    dd__buf out;
    bool bad;
    size_t raw;
} sink;

static void sink_feed(sink *k, const unsigned char *v, size_t n, int flush)
{
    k->z.next_in = (unsigned char *)(uintptr_t)v;
    k->z.avail_in = (uInt)n;
    unsigned char chunk[1 << 15];
    do {
        k->z.next_out = chunk;
        k->z.avail_out = sizeof chunk;
        int rc = deflate(&k->z, flush);
        if (rc == Z_STREAM_ERROR) {
            k->bad = true;
            return;
        }
        dd__buf_put(&k->out, chunk, sizeof chunk - k->z.avail_out);
    } while (k->z.avail_out == 0);
}

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    sink *k = cookie;
    crypto_hash_sha256_update(&k->hs, (const unsigned char *)buf, n);
    k->raw += n;
    size_t done = 0;
    while (done < n) { /* avail_in is 32 bits */
        size_t part = n - done < (1u << 30) ? n - done : (1u << 30);
        sink_feed(k, (const unsigned char *)buf + done, part, Z_NO_FLUSH);
        done += part;
    }
    return k->bad || k->out.oom ? -1 : (ssize_t)n;
}

static ssize_t hash_write(void *cookie, const char *buf, size_t n)
{
    crypto_hash_sha256_update(cookie, (const unsigned char *)buf, n);
    return (ssize_t)n;
}

dd_status dd_track_plan_hash(const dd_plan *p, const char *scenario_path, char hex[65])
{
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    cookie_io_functions_t io = {NULL, hash_write, NULL, NULL};
    FILE *f = fopencookie(&hs, "w", io);
    if (!f)
        return DD_ENOMEM;
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    dd_status st = dd_plan_write_json(p, scenario_path, f);
    if (fclose(f) != 0 && st == DD_OK)
        st = DD_ENOMEM;
    if (st != DD_OK)
        return st;
    unsigned char out[32];
    crypto_hash_sha256_final(&hs, out);
    dd__hex(out, 32, hex);
    return DD_OK;
}

/* The plan file: its SHA-256 (hex) and the deflated bytes. */
dd_status dd__plan_file(const dd_plan *p, const char *scenario, char hex[65], dd__buf *z,
                        size_t *raw)
{
    sink k;
    memset(&k, 0, sizeof k);
    crypto_hash_sha256_init(&k.hs);
    if (deflateInit(&k.z, 1) != Z_OK)
        return DD_ENOMEM;
    cookie_io_functions_t io = {NULL, sink_write, NULL, NULL};
    FILE *f = fopencookie(&k, "w", io);
    dd_status st = f ? DD_OK : DD_ENOMEM;
    if (f) {
        setvbuf(f, NULL, _IOFBF, 1 << 16);
        st = dd_plan_write_json(p, scenario, f);
        if (fclose(f) != 0 && st == DD_OK)
            st = DD_ENOMEM;
    }
    if (st == DD_OK)
        sink_feed(&k, NULL, 0, Z_FINISH);
    deflateEnd(&k.z);
    if (st == DD_OK && (k.bad || k.out.oom))
        st = DD_ENOMEM;
    if (st != DD_OK) {
        dd__buf_fini(&k.out);
        return st;
    }
    unsigned char out[32];
    crypto_hash_sha256_final(&k.hs, out);
    dd__hex(out, 32, hex);
    *z = k.out;
    *raw = k.raw;
    return DD_OK;
}

/* Inflate v[0..n) into *out (size unknown in advance, or `hint`). */
dd_status dd__inflate(const unsigned char *v, size_t n, size_t hint, dd__buf *out,
                      FILE *to)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    memset(out, 0, sizeof *out);
    if (inflateInit(&z) != Z_OK)
        return DD_ENOMEM;
    if (!to && hint) {
        out->v = malloc(hint);
        if (!out->v) {
            inflateEnd(&z);
            return DD_ENOMEM;
        }
        out->cap = hint;
    }
    z.next_in = (unsigned char *)(uintptr_t)v;
    z.avail_in = (uInt)n;
    unsigned char chunk[1 << 16];
    int rc;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END)
            break;
        size_t got = sizeof chunk - z.avail_out;
        if (to) {
            if (fwrite(chunk, 1, got, to) != got) {
                rc = Z_ERRNO;
                break;
            }
        } else {
            dd__buf_put(out, chunk, got);
        }
    } while (rc != Z_STREAM_END && !out->oom);
    inflateEnd(&z);
    if (rc != Z_STREAM_END || out->oom) {
        bool oom = out->oom;
        dd__buf_fini(out);
        return oom ? DD_ENOMEM : rc == Z_ERRNO ? DD_EIO : DD_EINPUT;
    }
    return DD_OK;
}

dd_status dd__file_sha(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return DD_EIO;
    dd__sha256_ctx hs;
    dd__sha256_init(&hs);
    unsigned char *buf = malloc(1 << 20);
    if (!buf) {
        fclose(f);
        return DD_ENOMEM;
    }
    size_t n;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0)
        dd__sha256_update(&hs, buf, n);
    bool err = ferror(f) != 0;
    fclose(f);
    free(buf);
    if (err)
        return DD_EIO;
    unsigned char out[32];
    dd__sha256_final(&hs, out);
    dd__hex(out, 32, hex);
    return DD_OK;
}

const char *dd__base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ---- the header --------------------------------------------------------- */

bool dd__header_hash(const dd_track_info *i, const dd__hashes *h, unsigned char out[32])
{
    dd__buf b = {0};
    dd__buf_put(&b, "drawdown-log header", 20);
    dd__buf_str(&b, LOG_FORMAT);
    dd__buf_i64(&b, i->version);
    dd__buf_str(&b, i->scenario);
    dd__buf_u64(&b, i->seed);
    dd__buf_i64(&b, i->objective);
    dd__buf_str(&b, i->created);
    dd__buf_str(&b, i->plan_sha256);
    dd__buf_str(&b, h->plan_stored);
    dd__buf_str(&b, h->image_stored);
    dd__buf_i64(&b, (int64_t)h->image_size);
    dd__buf_str(&b, i->upgraded);
    dd__buf_str(&b, i->creator);
    dd__buf_str(&b, h->creator_key);
    /* hashed only where there is one: a log started without it keeps its
     * id, and one with it cannot lose it unseen */
    if (h->scenario_stored[0]) {
        dd__buf_str(&b, "scenario-image");
        dd__buf_str(&b, h->scenario_stored);
    }
    dd__buf_i64(&b, (int64_t)i->n_files);
    for (size_t k = 0; k < i->n_files; k++) {
        dd__buf_str(&b, i->files[k].name);
        dd__buf_str(&b, i->files[k].path);
        dd__buf_str(&b, i->files[k].sha256);
    }
    bool ok = !b.oom;
    if (ok)
        dd__sha256(b.v, b.n, out);
    else
        memset(out, 0, 32);
    dd__buf_fini(&b);
    return ok;
}

/* What a signature covers: a tag, the log's id, then the fields. */
void dd__sign(const dd_key *k, const unsigned char *msg, size_t n, char sig_hex[129])
{
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, msg, n, k->secret_key);
    dd__hex(sig, sizeof sig, sig_hex);
}

bool dd__sign_ok(const char *pk_hex, const unsigned char *msg, size_t n, const char *sig_hex)
{
    unsigned char pk[32], sig[crypto_sign_BYTES];
    return dd__unhex(pk_hex, pk, sizeof pk) && dd__unhex(sig_hex, sig, sizeof sig) &&
           crypto_sign_verify_detached(sig, msg, n, pk) == 0;
}

void dd__header_msg(const unsigned char hash[32], dd__buf *b)
{
    dd__buf_put(b, "drawdown-log header signature", 30);
    dd__buf_put(b, hash, 32);
}

/* ---- opening ------------------------------------------------------------ */

void dd__db_err(dd_diags *d, const char *path, sqlite3 *db, const char *what)
{
    dd_diags_add(d, DD_SEV_ERROR, path, 0, 0, "", NULL, "%s: %s", what,
                 db ? sqlite3_errmsg(db) : "out of memory");
}

bool dd__read_begin(sqlite3 *db)
{
    return sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN;", NULL, NULL, NULL) == SQLITE_OK;
}

void dd__read_end(sqlite3 *db, bool began)
{
    if (began)
        sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
}

dd_status dd__signer_ready(const char *path, const dd_key *signer, dd_diags *diags)
{
    if (sodium_init() < 0)
        return DD_ENOMEM;
    if (!signer) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "no key to sign the log with (make one: drawdown keys new)");
        return DD_EARG;
    }
    return DD_OK;
}

const char *dd__col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

/* file: URI of a path, %-escaping what a URI would read otherwise. */
static char *uri_of(const char *path, const char *query)
{
    size_t n = strlen(path);
    char *u = malloc(3 * n + strlen(query) + 16);
    if (!u)
        return NULL;
    char *o = u;
    o += snprintf(o, 8, "file:");
    for (const char *p = path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            o += snprintf(o, 4, "%%%02X", (unsigned char)*p);
        else
            *o++ = *p;
    }
    snprintf(o, strlen(query) + 2, "?%s", query);
    return u;
}

static dd_status setup_db(sqlite3 *db)
{
    sqlite3_busy_timeout(db, 10000);
    sqlite3_extended_result_codes(db, 1);
    return sqlite3_exec(db, "PRAGMA synchronous=FULL;", NULL, NULL, NULL) == SQLITE_OK
               ? DD_OK
               : DD_EIO;
}

/* A database in WAL mode (format 1 logs) with no WAL beside it: reading it
 * with mode=ro would create the -wal and -shm files; immutable reads it as
 * it is and writes nothing. */
bool dd__sibling_exists(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *side = malloc(n);
    if (!side)
        return true; /* unknown: said to exist, so nothing is taken for granted */
    snprintf(side, n, "%s%s", path, suffix);
    struct stat sb;
    bool there = lstat(side, &sb) == 0;
    free(side);
    return there;
}

static bool wal_at_rest(const char *path)
{
    unsigned char h[20];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool wal = fread(h, 1, sizeof h, f) == sizeof h && h[18] == 2 && h[19] == 2;
    fclose(f);
    return wal && !dd__sibling_exists(path, "-wal");
}

/* Open read-only (mode=ro; immutable=1 when even that cannot read, as on
 * media where no lock can be taken) or read-write. */
static int try_open(const char *path, bool writable, const char *mode, sqlite3 **db)
{
    int rc;
    *db = NULL;
    if (writable) {
        rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL);
    } else {
        char *u = uri_of(path, mode);
        if (!u)
            return SQLITE_NOMEM;
        rc = sqlite3_open_v2(u, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
        free(u);
    }
    if (rc == SQLITE_OK)
        rc = setup_db(*db) == DD_OK ? SQLITE_OK : SQLITE_ERROR;
    /* a first read finds out whether it can be read at all */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(*db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    if (rc != SQLITE_OK && *db && sqlite3_extended_errcode(*db) != SQLITE_OK)
        rc = sqlite3_extended_errcode(*db);
    return rc;
}

static bool side_file(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *side = malloc(n);
    if (!side)
        return false;
    snprintf(side, n, "%s%s", path, suffix);
    struct stat sb;
    bool there = lstat(side, &sb) == 0;
    free(side);
    return there;
}

dd_status dd__open_db(const char *path, bool writable, bool immutable, dd_diags *diags,
                      sqlite3 **out)
{
    *out = NULL;
    if (!writable && !immutable && wal_at_rest(path))
        immutable = true;
    sqlite3 *db = NULL;
    int rc = try_open(path, writable, immutable ? "immutable=1" : "mode=ro", &db);
    if (rc == SQLITE_READONLY_ROLLBACK) {
        /* a writer was killed in a commit: its journal must be rolled back
         * before anyone reads, and only a writer can; the one write a
         * reader makes, where the log can be written at all */
        sqlite3_close(db);
        rc = try_open(path, true, NULL, &db);
        sqlite3_close(db);
        if (rc != SQLITE_OK) {
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                         "the log has a write that was cut short (%s-journal) and cannot be "
                         "rolled back here; open it once where it can be written",
                         path);
            return DD_EIO;
        }
        rc = try_open(path, false, "mode=ro", &db);
    } else if (rc != SQLITE_OK && !writable && !immutable &&
               ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY ||
                (rc & 0xff) == SQLITE_BUSY) &&
               !side_file(path, "-journal") && !side_file(path, "-wal")) {
        /* no lock can be taken (read-only media): nothing is being written
         * beside the file, so it is read as it is */
        sqlite3_close(db);
        rc = try_open(path, false, "immutable=1", &db);
    }
    if (rc != SQLITE_OK) {
        dd__db_err(diags, path, db, "cannot open the log");
        sqlite3_close(db);
        return rc == SQLITE_NOMEM ? DD_ENOMEM : DD_EIO;
    }
    *out = db;
    return DD_OK;
}

static const char schema[] =
    "CREATE TABLE header(format TEXT NOT NULL, version INTEGER NOT NULL,"
    " scenario TEXT NOT NULL, seed TEXT NOT NULL, objective INTEGER NOT NULL,"
    " created TEXT NOT NULL, plan_sha256 TEXT NOT NULL, plan_stored_sha256 TEXT NOT NULL,"
    " image_stored_sha256 TEXT NOT NULL, image_size INTEGER NOT NULL,"
    " upgraded TEXT NOT NULL, creator TEXT NOT NULL, creator_key TEXT NOT NULL,"
    " hash TEXT NOT NULL, signature TEXT NOT NULL, scenario_image TEXT NOT NULL);"
    "CREATE TABLE files(n INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL,"
    " sha256 TEXT NOT NULL);"
    "CREATE TABLE blobs(name TEXT PRIMARY KEY, encoding TEXT NOT NULL,"
    " size INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE TABLE keys(public_key TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " first_seen TEXT NOT NULL);"
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, batch INTEGER NOT NULL,"
    " kind INTEGER NOT NULL, at INTEGER NOT NULL, sortie INTEGER NOT NULL,"
    " idx INTEGER NOT NULL, cnt INTEGER NOT NULL, ref INTEGER NOT NULL,"
    " tail INTEGER NOT NULL, until_at INTEGER NOT NULL, wfrom INTEGER NOT NULL,"
    " wto INTEGER NOT NULL, time TEXT NOT NULL, event TEXT NOT NULL,"
    " subject TEXT NOT NULL, value TEXT NOT NULL, note TEXT NOT NULL,"
    " origin TEXT NOT NULL, source TEXT NOT NULL, recorded TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE TABLE plans(event INTEGER PRIMARY KEY, encoding TEXT NOT NULL,"
    " size INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE TABLE batches(id INTEGER PRIMARY KEY, first INTEGER NOT NULL,"
    " last INTEGER NOT NULL, recorded TEXT NOT NULL, signer TEXT NOT NULL,"
    " signer_key TEXT NOT NULL, head TEXT NOT NULL, signature TEXT NOT NULL);"
#define FIXED(t, upd, del)                                                             \
    "CREATE TRIGGER " t "_fixed BEFORE UPDATE ON " t " BEGIN SELECT RAISE(ABORT, '" upd   \
    "'); END;"                                                                          \
    "CREATE TRIGGER " t "_kept BEFORE DELETE ON " t " BEGIN SELECT RAISE(ABORT, '" del    \
    "'); END;"
    FIXED("header", "the log header cannot change", "the log header cannot be deleted")
    FIXED("files", "the scenario file hashes cannot change", "the scenario file hashes cannot be deleted")
    FIXED("blobs", "the stored plan cannot change", "the stored plan cannot be deleted")
    FIXED("keys", "the keys seen cannot change", "the keys seen cannot be deleted")
    FIXED("events", "events are never changed: add a new one",
          "events are never deleted: add a new one")
    FIXED("batches", "signed batches cannot change", "signed batches cannot be deleted")
    FIXED("plans", "an accepted plan cannot change", "an accepted plan cannot be deleted")
#undef FIXED
    ;

/* Room for what create and upgrade write. */
typedef struct start {
    dd_track_info info;
    dd__hashes h;
    dd__buf plan_z, image_z, scen;
    size_t plan_size;
} start;

static dd_status prepare(const dd_plan *p, const char *scenario_path, const dd_key *signer,
                         dd_diags *diags, start *x)
{
    memset(x, 0, sizeof *x);
    dd_track_info *i = &x->info;
    i->version = LOG_VERSION;
    if (!realpath(scenario_path, i->scenario)) {
        dd_diags_add(diags, DD_SEV_ERROR, scenario_path, 0, 0, "", NULL,
                     "cannot resolve the scenario's path");
        return DD_EIO;
    }
    i->seed = p->seed;
    i->objective = p->objective;
    dd__utc_now(i->created, sizeof i->created, 1);
    snprintf(i->creator, sizeof i->creator, "%s", signer->name);
    dd_key_id(signer->public_key, x->h.creator_key);
    const dd_scenario *s = p->scenario;
    for (int k = 0; k < DD_TRACK_MAX_FILES; k++) {
        if (!s->files[k])
            continue;
        size_t n = i->n_files;
        snprintf(i->files[n].name, sizeof i->files[n].name, "%s", dd__base_name(s->files[k]));
        if (!realpath(s->files[k], i->files[n].path))
            snprintf(i->files[n].path, sizeof i->files[n].path, "%s", s->files[k]);
        dd_status st = dd__file_sha(s->files[k], i->files[n].sha256);
        if (st != DD_OK) {
            dd_diags_add(diags, DD_SEV_ERROR, s->files[k], 0, 0, "", NULL,
                         "cannot read the file to hash it");
            return st;
        }
        i->n_files++;
    }
    dd_status st = dd__plan_file(p, i->scenario, i->plan_sha256, &x->plan_z, &x->plan_size);
    if (st != DD_OK)
        return st;
    /* the image is stored as it is: read on every status, inflating it
     * would cost more than reading its bytes */
    dd__image_write(p, &x->image_z);
    if (x->image_z.oom)
        return DD_ENOMEM;
    x->h.image_size = x->image_z.n;
    unsigned char d[32];
    dd__digest(x->plan_z.v, x->plan_z.n, d);
    dd__hex(d, 32, x->h.plan_stored);
    dd__digest(x->image_z.v, x->image_z.n, d);
    dd__hex(d, 32, x->h.image_stored);
    /* the scenario as read, so that readers need not parse it again */
    dd__scenimg_write(s, &x->scen);
    if (x->scen.oom)
        return DD_ENOMEM;
    dd__digest(x->scen.v, x->scen.n, d);
    dd__hex(d, 32, x->h.scenario_stored);
    return DD_OK;
}

static void start_fini(start *x)
{
    dd__buf_fini(&x->plan_z);
    dd__buf_fini(&x->image_z);
    dd__buf_fini(&x->scen);
}

static bool bind_all(sqlite3_stmt *q, const char *const *text, int n)
{
    for (int k = 0; k < n; k++)
        if (sqlite3_bind_text(q, k + 1, text[k], -1, SQLITE_STATIC) != SQLITE_OK)
            return false;
    return true;
}

static bool run(sqlite3_stmt *q)
{
    return q && sqlite3_step(q) == SQLITE_DONE && sqlite3_reset(q) == SQLITE_OK;
}

/* Write the header, the files, the plan and the signer's key into db. */
static dd_status write_start(sqlite3 *db, start *x, const dd_key *signer)
{
    dd_track_info *i = &x->info;
    unsigned char hash[32];
    if (!dd__header_hash(i, &x->h, hash))
        return DD_ENOMEM;
    char hash_hex[65], sig[129], seed[24], ver[8], obj[8], isize[24];
    dd__hex(hash, 32, hash_hex);
    dd__buf m = {0};
    dd__header_msg(hash, &m);
    if (m.oom)
        return DD_ENOMEM;
    dd__sign(signer, m.v, m.n, sig);
    dd__buf_fini(&m);
    snprintf(seed, sizeof seed, "%" PRIu64, i->seed);
    snprintf(ver, sizeof ver, "%d", i->version);
    snprintf(obj, sizeof obj, "%d", i->objective);
    snprintf(isize, sizeof isize, "%zu", x->h.image_size);
    sqlite3_stmt *q = NULL;
    const char *hv[16] = {LOG_FORMAT,         ver,         i->scenario,     seed,
                          obj,                i->created,  i->plan_sha256,  x->h.plan_stored,
                          x->h.image_stored,  isize,       i->upgraded,     i->creator,
                          x->h.creator_key,   hash_hex,    sig,  x->h.scenario_stored};
    bool ok =
        sqlite3_exec(db, schema, NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "INSERT INTO header VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
                           &q, NULL) == SQLITE_OK &&
        bind_all(q, hv, 16) && run(q);
    sqlite3_finalize(q);
    q = NULL;
    ok = ok && sqlite3_prepare_v2(db, "INSERT INTO files VALUES(?,?,?,?)", -1, &q, NULL) ==
                   SQLITE_OK;
    for (size_t k = 0; ok && k < i->n_files; k++)
        ok = sqlite3_bind_int64(q, 1, (int64_t)k + 1) == SQLITE_OK &&
             sqlite3_bind_text(q, 2, i->files[k].name, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_text(q, 3, i->files[k].path, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_text(q, 4, i->files[k].sha256, -1, SQLITE_STATIC) == SQLITE_OK &&
             run(q);
    sqlite3_finalize(q);
    q = NULL;
    ok = ok && sqlite3_prepare_v2(db, "INSERT INTO blobs VALUES(?,?,?,?)", -1, &q, NULL) ==
                   SQLITE_OK;
    const dd__buf *bl[3] = {&x->plan_z, &x->image_z, &x->scen};
    const char *names[3] = {"plan-file", "plan-image", "scenario-image"};
    const char *encodings[3] = {"zlib", "raw", "raw"};
    const size_t sizes[3] = {x->plan_size, x->h.image_size, x->scen.n};
    for (int k = 0; ok && k < 3; k++)
        ok = sqlite3_bind_text(q, 1, names[k], -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_text(q, 2, encodings[k], -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_int64(q, 3, (int64_t)sizes[k]) == SQLITE_OK &&
             sqlite3_bind_blob64(q, 4, bl[k]->v, bl[k]->n, SQLITE_STATIC) == SQLITE_OK &&
             run(q);
    sqlite3_finalize(q);
    q = NULL;
    const char *kv[3] = {x->h.creator_key, i->creator, i->created};
    ok = ok && sqlite3_prepare_v2(db, "INSERT INTO keys VALUES(?,?,?)", -1, &q, NULL) ==
                   SQLITE_OK &&
         bind_all(q, kv, 3) && run(q);
    sqlite3_finalize(q);
    return ok ? DD_OK : DD_EIO;
}

static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = 0;
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static void folder_of(const char *path, char *dir, size_t n)
{
    snprintf(dir, n, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
}

/*
 * Build a log with `fill` and put it at `path`. place: 0 link (never
 * replace), 1 replace (upgrade; the caller keeps the old file first).
 */
dd_status dd__build_log(const char *path, bool replace,
                        dd_status (*fill)(sqlite3 *db, void *ctx), void *ctx, dd_diags *diags)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 32] = "", fdpath[64];
    folder_of(path, dir, sizeof dir);
    int fd = replace ? -1 : open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    bool named = fd < 0;
    if (named) {
        snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
        fd = mkstemp(tmp);
        if (fd < 0) {
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot create the log: %s",
                         strerror(errno));
            return DD_EIO;
        }
        fchmod(fd, 0644);
    }
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
    /* built in memory, then written out whole: the file is complete or
     * never linked (SQLite would resolve /proc/self/fd to a missing name) */
    sqlite3 *db = NULL;
    dd_status st = DD_OK;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(db, "BEGIN;", NULL, NULL, NULL) != SQLITE_OK)
        st = DD_EIO;
    if (st == DD_OK)
        st = fill(db, ctx);
    if (st == DD_OK && sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        st = DD_EIO;
    if (st == DD_EIO)
        dd__db_err(diags, path, db, "cannot write the log");
    sqlite3_int64 size = 0;
    unsigned char *image = st == DD_OK ? sqlite3_serialize(db, "main", &size, 0) : NULL;
    if (st == DD_OK && !image)
        st = DD_ENOMEM;
    sqlite3_close(db);
    for (sqlite3_int64 done = 0; st == DD_OK && done < size;) {
        ssize_t w = write(fd, image + done, (size_t)(size - done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                         "cannot write the log: %s", strerror(errno));
            st = DD_EIO;
        } else {
            done += w;
        }
    }
    sqlite3_free(image);
    if (st == DD_OK && fsync(fd) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot write the log: %s",
                     strerror(errno));
        st = DD_EIO;
    }
    if (st == DD_OK) {
        int rc = named ? (replace ? rename(tmp, path) : link(tmp, path))
                       : linkat(AT_FDCWD, fdpath, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
        if (rc != 0) {
            if (errno == EEXIST)
                dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                             "the file exists: a log is started once (remove it to start "
                             "over)");
            else
                dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                             "cannot create the log: %s", strerror(errno));
            st = DD_EIO;
        } else {
            sync_dir(path);
        }
    }
    if (named && (st != DD_OK || !replace))
        unlink(tmp);
    close(fd);
    return st;
}

typedef struct create_ctx {
    start *x;
    const dd_key *signer;
    dd__upgrade_rows *rows; /* upgrade: the old log's events */
} create_ctx;

static dd_status fill_create(sqlite3 *db, void *ctx)
{
    create_ctx *c = ctx;
    dd_status st = write_start(db, c->x, c->signer);
    if (st == DD_OK && c->rows)
        st = dd__write_upgrade_rows(db, &c->x->info, &c->x->h, c->rows, c->signer);
    return st;
}

dd_status dd__create(const char *path, const dd_plan *p, const char *scenario_path,
                     const dd_key *signer, const char *upgraded, dd__upgrade_rows *rows,
                     dd_diags *diags)
{
    dd_status ready = dd__signer_ready(path, signer, diags);
    if (ready != DD_OK)
        return ready;
    if (!rows) {
        /* fail early, before the plan is written out; the link decides */
        struct stat sb;
        if (lstat(path, &sb) == 0) {
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                         "the file exists: a log is started once (remove it to start over)");
            return DD_EIO;
        }
    }
    start x;
    dd_status st = prepare(p, scenario_path, signer, diags, &x);
    if (st == DD_OK && upgraded)
        snprintf(x.info.upgraded, sizeof x.info.upgraded, "%s", upgraded);
    create_ctx c = {&x, signer, rows};
    if (st == DD_OK)
        st = dd__build_log(path, rows != NULL, fill_create, &c, diags);
    start_fini(&x);
    return st;
}

dd_status dd_track_create(const char *path, const dd_plan *p, const char *scenario_path,
                          const dd_key *signer, dd_diags *diags)
{
    return dd__create(path, p, scenario_path, signer, NULL, NULL, diags);
}

/* ---- open ----------------------------------------------------------------- */

dd_status dd_track_open(const char *path, bool writable, dd_diags *diags, dd_track **out)
{
    return dd_track_open_parts(path, writable, DD_TRACK_WHOLE, diags, out);
}

dd_status dd_track_open_parts(const char *path, bool writable, dd_track_parts parts,
                              dd_diags *diags, dd_track **out)
{
    *out = NULL;
    if (sodium_init() < 0)
        return DD_ENOMEM;
    if (access(path, F_OK) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "no such log (start one with 'drawdown track start')");
        return DD_EIO;
    }
    dd_track *t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) {
        free(t);
        return DD_ENOMEM;
    }
    t->writable = writable;
    t->parts = parts;
    dd_status st = dd__open_db(path, writable, false, diags, &t->db);
    if (st == DD_OK)
        st = dd__read_header(t, diags);
    if (st == DD_OK && t->info.version != LOG_VERSION) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "a log of format %d: this drawdown reads format %d (convert it once "
                     "with 'drawdown track upgrade %s')",
                     t->info.version, LOG_VERSION, path);
        st = DD_EINPUT;
    }
    if (st != DD_OK) {
        dd_track_close(t);
        return st;
    }
    *out = t;
    return DD_OK;
}

dd_status dd__read_header(dd_track *t, dd_diags *diags)
{
    sqlite3_stmt *q = NULL;
    dd_track_info *i = &t->info;
    int rc = sqlite3_prepare_v2(t->db, "SELECT format, version FROM header", -1, &q, NULL);
    if (rc != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW || strcmp(dd__col(q, 0), LOG_FORMAT)) {
        sqlite3_finalize(q);
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL, "not a drawdown event log");
        return DD_EINPUT;
    }
    i->version = sqlite3_column_int(q, 1);
    sqlite3_finalize(q);
    q = NULL;
    if (i->version == 1) {
        rc = sqlite3_prepare_v2(t->db,
                                "SELECT scenario, seed, objective, plan_sha256, created, hash "
                                "FROM header",
                                -1, &q, NULL);
    } else if (i->version == LOG_VERSION) {
        rc = sqlite3_prepare_v2(t->db,
                                "SELECT scenario, seed, objective, plan_sha256, created, hash, "
                                "plan_stored_sha256, image_stored_sha256, image_size, "
                                "upgraded, creator, creator_key, signature FROM header",
                                -1, &q, NULL);
    } else {
        return DD_OK; /* refused by the caller */
    }
    dd_status st = DD_EINPUT;
    if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        snprintf(i->scenario, sizeof i->scenario, "%s", dd__col(q, 0));
        i->seed = strtoull(dd__col(q, 1), NULL, 10);
        i->objective = sqlite3_column_int(q, 2);
        snprintf(i->plan_sha256, sizeof i->plan_sha256, "%s", dd__col(q, 3));
        snprintf(i->created, sizeof i->created, "%s", dd__col(q, 4));
        snprintf(t->stored_hash, sizeof t->stored_hash, "%s", dd__col(q, 5));
        if (i->version == LOG_VERSION) {
            snprintf(t->h.plan_stored, sizeof t->h.plan_stored, "%s", dd__col(q, 6));
            snprintf(t->h.image_stored, sizeof t->h.image_stored, "%s", dd__col(q, 7));
            t->h.image_size = (size_t)sqlite3_column_int64(q, 8);
            snprintf(i->upgraded, sizeof i->upgraded, "%s", dd__col(q, 9));
            snprintf(i->creator, sizeof i->creator, "%s", dd__col(q, 10));
            snprintf(t->h.creator_key, sizeof t->h.creator_key, "%s", dd__col(q, 11));
            snprintf(t->header_sig, sizeof t->header_sig, "%s", dd__col(q, 12));
        }
        /* a second header row is found by verify */
        st = sqlite3_step(q) == SQLITE_DONE ? DD_OK : DD_EINPUT;
        t->header_doubled = st != DD_OK;
        st = DD_OK;
    } else {
        dd__db_err(diags, t->path, t->db, "cannot read the log's header");
    }
    sqlite3_finalize(q);
    snprintf(i->id, sizeof i->id, "%s", t->stored_hash);
    if (st != DD_OK || i->version != LOG_VERSION)
        return st;
    /* a log started before the scenario image has no column for it */
    q = NULL;
    if (sqlite3_prepare_v2(t->db, "SELECT scenario_image FROM header", -1, &q, NULL) ==
            SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        snprintf(t->h.scenario_stored, sizeof t->h.scenario_stored, "%s", dd__col(q, 0));
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_prepare_v2(t->db, "SELECT name, path, sha256 FROM files ORDER BY n", -1, &q,
                           NULL) != SQLITE_OK)
        st = DD_EINPUT;
    while (st == DD_OK && sqlite3_step(q) == SQLITE_ROW && i->n_files < DD_TRACK_MAX_FILES) {
        snprintf(i->files[i->n_files].name, sizeof i->files[0].name, "%s", dd__col(q, 0));
        snprintf(i->files[i->n_files].path, sizeof i->files[0].path, "%s", dd__col(q, 1));
        snprintf(i->files[i->n_files].sha256, sizeof i->files[0].sha256, "%s", dd__col(q, 2));
        i->n_files++;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (st == DD_OK &&
        sqlite3_prepare_v2(t->db, "SELECT (SELECT count(*) FROM events), "
                                  "(SELECT count(*) FROM batches)",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        i->n_events = sqlite3_column_int64(q, 0);
        i->n_batches = sqlite3_column_int64(q, 1);
    } else {
        dd__db_err(diags, t->path, t->db, "cannot read the log");
        st = DD_EIO;
    }
    sqlite3_finalize(q);
    return st;
}

void dd_track_close(dd_track *t)
{
    if (!t)
        return;
    if (t->ahead_started && !t->ahead_joined)
        pthread_join(t->ahead_th, NULL);
    dd_plan_free(t->plan);
    dd__image_loads_free(t->loads);
    free(t->kept_v[0]);
    free(t->kept_v[1]);
    if (t->scenario_from_image)
        dd__scenimg_free(t->scenario);
    else
        dd_scenario_free(t->scenario);
    dd__evcache_fini(&t->ev);
    dd__checker_fini(&t->chk);
    free(t->batches);
    sqlite3_close(t->db);
    free(t->path);
    free(t);
}

/* zeros appended to f from its end up to `want` bytes, then synced */
static void zero_to(sqlite3_file *f, sqlite3_int64 want)
{
    static const char zeros[1 << 16];
    sqlite3_int64 at = 0;
    if (f->pMethods->xFileSize(f, &at) != SQLITE_OK || at >= want)
        return;
    for (; at < want; at += (sqlite3_int64)sizeof zeros) {
        sqlite3_int64 n = want - at;
        if (n > (sqlite3_int64)sizeof zeros)
            n = (sqlite3_int64)sizeof zeros;
        if (f->pMethods->xWrite(f, zeros, (int)n, at) != SQLITE_OK)
            return;
    }
    (void)f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
}

static int64_t pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

/*
 * The WAL written to its full size once, with zeros, and synced, when the
 * hold starts. Each append syncs the WAL (fdatasync); while the file
 * grows, that sync is also one of the file system's journal (the file's
 * size and blocks: ext4 commits it, with the other files' data waiting in
 * it): on the bench's disk a mean of 8-20 ms, up to 1.1 s, against 3-6
 * ms once the file is reused, and every writer of the group waits for it
 * (issue #16, docs/serve.md). SQLite reuses the file from its start after each
 * checkpoint (every wal_autocheckpoint pages), so a WAL made as large as
 * it grows between two checkpoints (and some more) is never extended.
 * Zeros past the frames are no frames: SQLite reads a WAL frame by frame
 * and stops at the first whose salt and checksum do not match its header
 * (after a kill too), and a WAL whose header is zeros holds none. Only
 * past the file's end: nothing SQLite wrote is touched. A failure leaves
 * the WAL as SQLite makes it (slower, as correct).
 */
static void wal_presize(dd_track *t)
{
    int64_t pages = pragma_int(t->db, "PRAGMA wal_autocheckpoint");
    int64_t page = pragma_int(t->db, "PRAGMA page_size");
    /* under the write lock: no other process (track add) appends frames
     * meanwhile; the transaction also opens the WAL */
    if (pages <= 0 || page <= 0 ||
        sqlite3_exec(t->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK)
        return;
    sqlite3_file *f = NULL;
    /* a commit that crosses the checkpoint's mark adds its pages: room
     * for a quarter more (frames: 24 bytes of header; the WAL's: 32) */
    if (sqlite3_file_control(t->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) == SQLITE_OK &&
        f && f->pMethods)
        zero_to(f, 32 + (pages + pages / 4) * (page + 24));
    sqlite3_exec(t->db, "ROLLBACK;", NULL, NULL, NULL);
}

dd_status dd_track_hold(dd_track *t, bool on, dd_diags *diags)
{
    /* journal_mode answers the mode it is in afterwards: another process
     * reading the log keeps it from leaving WAL (busy timeout) */
    const char *want = on ? "wal" : "delete";
    sqlite3_stmt *q = NULL;
    const char *sql = on ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE";
    bool ok = sqlite3_prepare_v2(t->db, sql, -1, &q, NULL) == SQLITE_OK &&
              sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) &&
              !strcmp((const char *)sqlite3_column_text(q, 0), want);
    sqlite3_finalize(q);
    if (!ok) {
        dd__db_err(diags, t->path, t->db,
                   on ? "cannot write the log ahead (WAL)" : "cannot end the log's WAL");
        return DD_EIO;
    }
    if (on)
        wal_presize(t);
    return DD_OK;
}

const dd_track_info *dd_track_get_info(const dd_track *t)
{
    return &t->info;
}
