/* SPDX-License-Identifier: MIT */
/*
 * The event log: one SQLite file (the only SQLite user in drawdown), WAL
 * journal and synchronous writes, so that an event once added survives a
 * crash or a power cut; a file of events is added in one transaction.
 *
 * Each row carries the SHA-256 (libsodium) of the row before's hash and its
 * own fields; the header's hash starts the chain. Triggers refuse updates
 * and deletes; the chain finds edits made without the triggers.
 */
#define _GNU_SOURCE /* realpath, fopencookie */
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <drawdown/track.h>

#define LOG_FORMAT "drawdown-log"
#define LOG_VERSION "1"

struct dd_track {
    sqlite3 *db;
    char *path;
    dd_track_info info;
};

static void to_hex(const unsigned char d[crypto_hash_sha256_BYTES], char hex[65])
{
    for (size_t i = 0; i < crypto_hash_sha256_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void sha_hex(const unsigned char *data, size_t n, const char *prev, char hex[65])
{
    crypto_hash_sha256_state st;
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    if (prev)
        crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_update(&st, data, n);
    crypto_hash_sha256_final(&st, out);
    to_hex(out, hex);
}

/* The plan file is hashed as it is written, not held in memory (229 MB
 * on the theater). */
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
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&hs, out);
    to_hex(out, hex);
    return DD_OK;
}

static void db_err(dd_diags *d, const char *path, sqlite3 *db, const char *what)
{
    dd_diags_add(d, DD_SEV_ERROR, path, 0, 0, "", NULL, "%s: %s", what,
                 db ? sqlite3_errmsg(db) : "out of memory");
}

static void now_iso(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The header's canonical text, hashed to start the chain. */
static void header_text(const dd_track_info *i, char *buf, size_t size)
{
    snprintf(buf, size,
             "format=" LOG_FORMAT "\nversion=" LOG_VERSION
             "\nscenario=%s\nseed=%" PRIu64 "\nobjective=%d\nplan=%s\ncreated=%s\n",
             i->scenario, i->seed, i->objective, i->plan_sha256, i->created);
}

static const char schema[] =
    "CREATE TABLE header(format TEXT NOT NULL, version INTEGER NOT NULL,"
    " scenario TEXT NOT NULL, seed TEXT NOT NULL, objective INTEGER NOT NULL,"
    " plan_sha256 TEXT NOT NULL, created TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, time TEXT NOT NULL,"
    " event TEXT NOT NULL, subject TEXT NOT NULL, value TEXT NOT NULL,"
    " note TEXT NOT NULL, source TEXT NOT NULL, recorded TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE TRIGGER header_fixed BEFORE UPDATE ON header"
    " BEGIN SELECT RAISE(ABORT, 'the log header cannot change'); END;"
    "CREATE TRIGGER header_kept BEFORE DELETE ON header"
    " BEGIN SELECT RAISE(ABORT, 'the log header cannot be deleted'); END;"
    "CREATE TRIGGER events_fixed BEFORE UPDATE ON events"
    " BEGIN SELECT RAISE(ABORT, 'events are never changed: add a new one'); END;"
    "CREATE TRIGGER events_kept BEFORE DELETE ON events"
    " BEGIN SELECT RAISE(ABORT, 'events are never deleted: add a new one'); END;";

static dd_status open_db(const char *path, int flags, dd_diags *diags, sqlite3 **out)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        db_err(diags, path, db, "cannot open the log");
        sqlite3_close(db);
        return rc == SQLITE_NOMEM ? DD_ENOMEM : DD_EIO;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_extended_result_codes(db, 1);
    if (sqlite3_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL,
                     NULL) != SQLITE_OK) {
        db_err(diags, path, db, "cannot open the log");
        sqlite3_close(db);
        return DD_EIO;
    }
    *out = db;
    return DD_OK;
}

dd_status dd_track_create(const char *path, const dd_plan *p, const char *scenario_path,
                          dd_diags *diags)
{
    if (sodium_init() < 0)
        return DD_ENOMEM;
    if (access(path, F_OK) == 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "the file exists: a log is started once (remove it to start over)");
        return DD_EIO;
    }
    dd_track_info info;
    memset(&info, 0, sizeof info);
    if (!realpath(scenario_path, info.scenario)) {
        dd_diags_add(diags, DD_SEV_ERROR, scenario_path, 0, 0, "", NULL,
                     "cannot resolve the scenario's path");
        return DD_EIO;
    }
    info.seed = p->seed;
    info.objective = p->objective;
    dd_status st = dd_track_plan_hash(p, info.scenario, info.plan_sha256);
    if (st != DD_OK)
        return st;
    now_iso(info.created);
    char text[4400], hash[65];
    header_text(&info, text, sizeof text);
    sha_hex((const unsigned char *)text, strlen(text), NULL, hash);

    /* built under a temporary name, renamed into place when complete */
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return DD_ENOMEM;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    sqlite3 *db = NULL;
    st = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, diags, &db);
    if (st != DD_OK) {
        free(tmp);
        return st;
    }
    sqlite3_stmt *ins = NULL;
    char seed[24];
    snprintf(seed, sizeof seed, "%" PRIu64, info.seed);
    bool ok = sqlite3_exec(db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db, "BEGIN;", NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db, schema, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT INTO header VALUES(?,?,?,?,?,?,?,?)", -1, &ins,
                                 NULL) == SQLITE_OK &&
              sqlite3_bind_text(ins, 1, LOG_FORMAT, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_int(ins, 2, 1) == SQLITE_OK &&
              sqlite3_bind_text(ins, 3, info.scenario, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(ins, 4, seed, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_int(ins, 5, info.objective) == SQLITE_OK &&
              sqlite3_bind_text(ins, 6, info.plan_sha256, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(ins, 7, info.created, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(ins, 8, hash, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_step(ins) == SQLITE_DONE &&
              sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        db_err(diags, path, db, "cannot write the log");
    sqlite3_finalize(ins);
    /* fold the WAL into the file before it is renamed */
    if (ok && sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL) !=
                  SQLITE_OK) {
        db_err(diags, path, db, "cannot write the log");
        ok = false;
    }
    if (sqlite3_close(db) != SQLITE_OK)
        ok = false;
    char side[PATH_MAX + 8];
    snprintf(side, sizeof side, "%s-wal", tmp);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", tmp);
    unlink(side);
    if (ok && rename(tmp, path) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot create the log");
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok ? DD_OK : DD_EIO;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

dd_status dd_track_open(const char *path, bool writable, dd_diags *diags, dd_track **out)
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
    dd_status st = open_db(path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                           diags, &t->db);
    if (st != DD_OK) {
        free(t->path);
        free(t);
        return st;
    }
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(t->db,
                                "SELECT format, version, scenario, seed, objective, "
                                "plan_sha256, created FROM header",
                                -1, &q, NULL);
    st = DD_EINPUT;
    if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
        !strcmp(col_text(q, 0), LOG_FORMAT)) {
        if (sqlite3_column_int(q, 1) != 1) {
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                         "log version %d: this drawdown reads version 1",
                         sqlite3_column_int(q, 1));
        } else {
            dd_track_info *i = &t->info;
            snprintf(i->scenario, sizeof i->scenario, "%s", col_text(q, 2));
            i->seed = strtoull(col_text(q, 3), NULL, 10);
            i->objective = sqlite3_column_int(q, 4);
            snprintf(i->plan_sha256, sizeof i->plan_sha256, "%s", col_text(q, 5));
            snprintf(i->created, sizeof i->created, "%s", col_text(q, 6));
            st = DD_OK;
        }
    } else {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "not a drawdown event log");
    }
    sqlite3_finalize(q);
    if (st == DD_OK) {
        q = NULL;
        if (sqlite3_prepare_v2(t->db, "SELECT count(*) FROM events", -1, &q, NULL) ==
                SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            t->info.n_events = sqlite3_column_int64(q, 0);
        else {
            db_err(diags, path, t->db, "cannot read the log");
            st = DD_EIO;
        }
        sqlite3_finalize(q);
    }
    if (st != DD_OK) {
        dd_track_close(t);
        return st;
    }
    *out = t;
    return DD_OK;
}

void dd_track_close(dd_track *t)
{
    if (!t)
        return;
    sqlite3_close(t->db);
    free(t->path);
    free(t);
}

const dd_track_info *dd_track_get_info(const dd_track *t)
{
    return &t->info;
}

/* The canonical text of an event row, hashed after the previous hash. */
static size_t row_text(char *buf, size_t size, int64_t seq, const char *const f[7])
{
    int n = snprintf(buf, size, "\n%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\t%s", seq, f[0], f[1],
                     f[2], f[3], f[4], f[5], f[6]);
    return n < 0 ? 0 : (size_t)n;
}

static dd_status hash_row(int64_t seq, const char *const f[7], const char *prev,
                          char hex[65])
{
    size_t need = 64;
    for (int i = 0; i < 7; i++)
        need += strlen(f[i]) + 1;
    char *buf = malloc(need);
    if (!buf)
        return DD_ENOMEM;
    size_t n = row_text(buf, need, seq, f);
    sha_hex((const unsigned char *)buf, n, prev, hex);
    free(buf);
    return DD_OK;
}

static dd_status last_hash(dd_track *t, int64_t *seq, char hex[65])
{
    sqlite3_stmt *q = NULL;
    dd_status st = DD_EIO;
    if (sqlite3_prepare_v2(t->db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK)
        return DD_EIO;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(q, 0);
        snprintf(hex, 65, "%s", col_text(q, 1));
        st = DD_OK;
    } else if (rc == SQLITE_DONE) {
        sqlite3_finalize(q);
        q = NULL;
        *seq = 0;
        if (sqlite3_prepare_v2(t->db, "SELECT hash FROM header", -1, &q, NULL) ==
                SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW) {
            snprintf(hex, 65, "%s", col_text(q, 0));
            st = DD_OK;
        }
    }
    sqlite3_finalize(q);
    return st;
}

dd_status dd_track_append(dd_track *t, const dd_plan *p, const dd_events *add,
                          const char *recorded, dd_diags *diags)
{
    const dd_scenario *s = p->scenario;
    char now[32];
    if (!recorded) {
        now_iso(now);
        recorded = now;
    }
    /* BEGIN IMMEDIATE: the last hash is read under the write lock */
    if (sqlite3_exec(t->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL) != SQLITE_OK) {
        db_err(diags, t->path, t->db, "cannot write to the log");
        return DD_EIO;
    }
    /* checked against the events as they are under the write lock, so two
     * writers cannot both add the same departure */
    dd_events *prior = NULL;
    dd_status st = dd_track_events(t, s, diags, &prior);
    if (st == DD_OK)
        st = dd_track_check(p, prior, add, diags);
    dd_events_free(prior);
    if (st != DD_OK) {
        sqlite3_exec(t->db, "ROLLBACK;", NULL, NULL, NULL);
        return st;
    }
    int64_t seq;
    char prev[65];
    st = last_hash(t, &seq, prev);
    sqlite3_stmt *ins = NULL;
    if (st == DD_OK &&
        sqlite3_prepare_v2(t->db, "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?)", -1, &ins,
                           NULL) != SQLITE_OK)
        st = DD_EIO;
    for (size_t i = 0; st == DD_OK && i < add->n; i++) {
        const dd_event *e = &add->v[i];
        char when[32], src[4200];
        dd_scenario_format_time(s, e->at, 0, when, sizeof when);
        snprintf(src, sizeof src, "%s:%u", e->file ? e->file : "", e->line);
        const char *f[7] = {when, dd_event_kind_name(e->kind), e->subject, e->value, e->note,
                            src, recorded};
        char hash[65];
        seq++;
        st = hash_row(seq, f, prev, hash);
        if (st != DD_OK)
            break;
        bool ok = sqlite3_bind_int64(ins, 1, seq) == SQLITE_OK;
        for (int k = 0; k < 7 && ok; k++)
            ok = sqlite3_bind_text(ins, k + 2, f[k], -1, SQLITE_STATIC) == SQLITE_OK;
        ok = ok && sqlite3_bind_text(ins, 9, hash, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_step(ins) == SQLITE_DONE && sqlite3_reset(ins) == SQLITE_OK;
        if (!ok)
            st = DD_EIO;
        memcpy(prev, hash, sizeof prev);
    }
    sqlite3_finalize(ins);
    if (st == DD_OK && sqlite3_exec(t->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        st = DD_EIO;
    if (st != DD_OK) {
        if (st == DD_EIO)
            db_err(diags, t->path, t->db, "cannot write to the log; nothing was added");
        sqlite3_exec(t->db, "ROLLBACK;", NULL, NULL, NULL);
        return st;
    }
    t->info.n_events = seq;
    return DD_OK;
}

/* A CSV cell, quoted. */
static void put_cell(FILE *f, const char *s, bool last)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputs(last ? "\"\n" : "\",", f);
}

dd_status dd_track_events(dd_track *t, const dd_scenario *s, dd_diags *diags,
                          dd_events **out)
{
    *out = NULL;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return DD_ENOMEM;
    fputs("time,event,subject,value,note,source\n", f);
    sqlite3_stmt *q = NULL;
    dd_status st = DD_OK;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT time, event, subject, value, note, "
                           "source || ', event ' || seq || ' of the log' "
                           "FROM events ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK) {
        st = DD_EIO;
    } else {
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW)
            for (int k = 0; k < 6; k++)
                put_cell(f, col_text(q, k), k == 5);
        if (rc != SQLITE_DONE)
            st = DD_EIO;
    }
    sqlite3_finalize(q);
    if (fclose(f) != 0 && st == DD_OK)
        st = DD_ENOMEM;
    if (st == DD_EIO)
        db_err(diags, t->path, t->db, "cannot read the log");
    /* line k + 1 of the text is event k */
    if (st == DD_OK)
        st = dd_events_parse(s, t->path, buf, n, diags, out);
    free(buf);
    return st;
}

dd_status dd_track_verify(dd_track *t, int64_t *bad_seq, dd_diags *diags)
{
    *bad_seq = -1;
    sqlite3_stmt *q = NULL;
    dd_track_info hi;
    memset(&hi, 0, sizeof hi);
    char stored[65] = "", prev[65];
    dd_status st = DD_EIO;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT scenario, seed, objective, plan_sha256, created, hash "
                           "FROM header",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        snprintf(hi.scenario, sizeof hi.scenario, "%s", col_text(q, 0));
        hi.seed = strtoull(col_text(q, 1), NULL, 10);
        hi.objective = sqlite3_column_int(q, 2);
        snprintf(hi.plan_sha256, sizeof hi.plan_sha256, "%s", col_text(q, 3));
        snprintf(hi.created, sizeof hi.created, "%s", col_text(q, 4));
        snprintf(stored, sizeof stored, "%s", col_text(q, 5));
        st = sqlite3_step(q) == SQLITE_DONE ? DD_OK : DD_EINPUT;
    }
    sqlite3_finalize(q);
    if (st != DD_OK) {
        *bad_seq = 0;
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the log's header is missing or doubled");
        return DD_EINPUT;
    }
    char text[4400];
    header_text(&hi, text, sizeof text);
    sha_hex((const unsigned char *)text, strlen(text), NULL, prev);
    if (strcmp(prev, stored)) {
        *bad_seq = 0;
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the log's header was altered after it was written");
        return DD_EINPUT;
    }
    q = NULL;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT seq, time, event, subject, value, note, source, recorded, "
                           "hash FROM events ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK) {
        db_err(diags, t->path, t->db, "cannot read the log");
        return DD_EIO;
    }
    int64_t expect = 1;
    int rc;
    st = DD_OK;
    while (st == DD_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(q, 0);
        const char *f[7];
        for (int k = 0; k < 7; k++)
            f[k] = col_text(q, k + 1);
        char hash[65];
        if (seq != expect) {
            *bad_seq = expect;
            dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                         "event %" PRId64 " is missing (the next is %" PRId64 ")", expect,
                         seq);
            st = DD_EINPUT;
            break;
        }
        st = hash_row(seq, f, prev, hash);
        if (st != DD_OK)
            break;
        if (strcmp(hash, col_text(q, 8))) {
            *bad_seq = seq;
            dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                         "event %" PRId64 " (%s %s %s) was altered after it was written, or "
                         "an event before it was",
                         seq, f[0], f[1], f[2]);
            st = DD_EINPUT;
            break;
        }
        memcpy(prev, hash, sizeof prev);
        expect++;
    }
    sqlite3_finalize(q);
    return st;
}
