/* SPDX-License-Identifier: MIT */
/*
 * What an event log keeps, read back (track.h, docs/track.md): the stored
 * blobs (the plan file deflated, the plan and scenario images raw), read
 * whole, in pieces or sparse, each checked against its digest in the
 * header; the scenario, from the log's image or else from its files; the
 * scenario files hashed again (on a thread of their own, or ahead) while
 * the plan image is read, so that a log never tracks a plan made from
 * files changed since; the plan, loaded once per handle; and the stored
 * plan file written out.
 *
 * log.c creates and opens logs (and hashes a file, dd__file_sha).
 * dd_track_scenario and dd_track_plan read in one read transaction with
 * the header's check, so that what was verified is what is read.
 */
#define _GNU_SOURCE /* realpath */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/log_int.h"
#include "track/scenimg.h"

/* ---- the plan ------------------------------------------------------------ */

/* The row of a stored blob: the images raw, the plan files deflated. */
#define BLOB_ROW(col)                                                                   \
    "SELECT " col " FROM blobs WHERE name=? AND encoding=CASE WHEN name "                \
    "IN ('plan-image', 'scenario-image') THEN 'raw' ELSE 'zlib' END"

/* The stored bytes of blob `name` (*v lent until the statement ends). */
dd_status dd__blob(dd_track *t, const char *name, sqlite3_stmt **q, const unsigned char **v,
                   size_t *n)
{
    *q = NULL;
    *v = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(t->db, BLOB_ROW("data"), -1, q, NULL) != SQLITE_OK ||
        sqlite3_bind_text(*q, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(*q) != SQLITE_ROW) {
        sqlite3_finalize(*q);
        *q = NULL;
        return DD_EINPUT;
    }
    *v = sqlite3_column_blob(*q, 0);
    *n = (size_t)sqlite3_column_bytes(*q, 0);
    return DD_OK;
}

/* Blob `name` opened for reading in pieces (SQLite's incremental I/O: a
 * large blob is never assembled in memory); false when there is not
 * exactly one. */
static bool blob_open(dd_track *t, const char *name, sqlite3_blob **b)
{
    *b = NULL;
    sqlite3_stmt *q = NULL;
    bool one = sqlite3_prepare_v2(t->db, BLOB_ROW("rowid"), -1, &q, NULL) == SQLITE_OK &&
               sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
               sqlite3_step(q) == SQLITE_ROW;
    sqlite3_int64 row = one ? sqlite3_column_int64(q, 0) : 0;
    /* a second row of that name would be a substitution */
    one = one && sqlite3_step(q) == SQLITE_DONE;
    sqlite3_finalize(q);
    if (one && sqlite3_blob_open(t->db, "main", "blobs", "data", row, 0, b) != SQLITE_OK) {
        sqlite3_blob_close(*b);
        *b = NULL;
        one = false;
    }
    return one;
}

dd_status dd__blob_digest(dd_track *t, const char *name, unsigned char out[32])
{
    sqlite3_blob *b;
    if (!blob_open(t, name, &b))
        return DD_EINPUT;
    unsigned char *buf = malloc(1 << 20);
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    int n = sqlite3_blob_bytes(b);
    dd_status st = buf ? DD_OK : DD_ENOMEM;
    for (int at = 0; st == DD_OK && at < n; at += 1 << 20) {
        int k = n - at < (1 << 20) ? n - at : 1 << 20;
        st = sqlite3_blob_read(b, buf, k, at) == SQLITE_OK ? DD_OK : DD_EINPUT;
        if (st == DD_OK)
            crypto_generichash_update(&h, buf, (unsigned long long)k);
    }
    crypto_generichash_final(&h, out, 32);
    free(buf);
    sqlite3_blob_close(b);
    return st;
}

dd_status dd__blob_read(dd_track *t, const char *name, const char *hex, unsigned char **out,
                        size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    sqlite3_blob *b;
    if (!blob_open(t, name, &b))
        return DD_EINPUT;
    size_t n = (size_t)sqlite3_blob_bytes(b);
    unsigned char *v = malloc(n ? n : 1);
    dd_status st = !v ? DD_ENOMEM
                   : sqlite3_blob_read(b, v, (int)n, 0) == SQLITE_OK ? DD_OK
                                                                     : DD_EIO;
    sqlite3_blob_close(b);
    unsigned char d[32];
    char h[65];
    if (st == DD_OK && hex) {
        dd__digest(v, n, d);
        dd__hex(d, 32, h);
        st = strcmp(h, hex) ? DD_EINPUT : DD_OK;
    }
    if (st != DD_OK) {
        free(v);
        return st;
    }
    *out = v;
    *n_out = n;
    return DD_OK;
}

/* Bytes [at, at+n) of blob b into dst, digested; DD_EIO when unread. */
static dd_status blob_piece(sqlite3_blob *b, crypto_generichash_state *h, unsigned char *dst,
                            size_t n, size_t at)
{
    if (n && sqlite3_blob_read(b, dst, (int)n, (int)at) != SQLITE_OK)
        return DD_EIO;
    crypto_generichash_update(h, dst, (unsigned long long)n);
    return DD_OK;
}

/* Bytes [at, at+n) of blob b digested through buf (a megabyte), not kept. */
static dd_status blob_pass(sqlite3_blob *b, crypto_generichash_state *h, unsigned char *buf,
                           size_t n, size_t at)
{
    dd_status st = DD_OK;
    for (size_t k = 0; st == DD_OK && k < n; k += 1u << 20)
        st = blob_piece(b, h, buf, n - k < (1u << 20) ? n - k : 1u << 20, at + k);
    return st;
}

/* The bytes of blob b into v (n, zeroed), digested into h, but for the
 * spans `skips` names in its head, digested only: their pages of v are
 * never touched (tens of megabytes of a theater's images). Spans that do
 * not fit, in order, are read like the rest. */
static dd_status blob_sparse(sqlite3_blob *b, crypto_generichash_state *h, unsigned char *v,
                             size_t n, size_t (*skips)(const unsigned char *, size_t, dd__span *))
{
    size_t head = n < 64 ? n : 64, at = head; /* the tag, version and table */
    dd_status st = blob_piece(b, h, v, head, 0);
    dd__span sp[2];
    size_t k = st == DD_OK ? skips(v, head, sp) : 0;
    unsigned char *buf = k ? malloc(1u << 20) : NULL;
    if (k && !buf)
        st = DD_ENOMEM;
    for (size_t i = 0; st == DD_OK && i < k; i++) {
        if (sp[i].at < at || sp[i].at > n || sp[i].n > n - sp[i].at)
            break; /* read whole from here */
        st = blob_piece(b, h, v + at, sp[i].at - at, at);
        if (st == DD_OK)
            st = blob_pass(b, h, buf, sp[i].n, sp[i].at);
        at = sp[i].at + sp[i].n;
    }
    free(buf);
    return st == DD_OK ? blob_piece(b, h, v + at, n - at, at) : st;
}

dd_status dd__blob_read_sparse(dd_track *t, const char *name, const char *hex,
                               size_t (*skips)(const unsigned char *, size_t, dd__span *),
                               unsigned char **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    sqlite3_blob *b;
    if (!blob_open(t, name, &b))
        return DD_EINPUT;
    size_t n = (size_t)sqlite3_blob_bytes(b);
    /* calloc: large, its pages are the kernel's zero pages until written */
    unsigned char *v = calloc(n ? n : 1, 1);
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    dd_status st = v ? blob_sparse(b, &h, v, n, skips) : DD_ENOMEM;
    sqlite3_blob_close(b);
    unsigned char d[32];
    char x[65];
    crypto_generichash_final(&h, d, 32);
    dd__hex(d, 32, x);
    if (st == DD_OK && strcmp(x, hex))
        st = DD_EINPUT;
    if (st != DD_OK) {
        free(v);
        return st;
    }
    *out = v;
    *n_out = n;
    return DD_OK;
}

/* The scenario files hashed (on a thread of its own while the plan image
 * is read: both take a few tenths of a second on the theater). */
typedef struct file_check {
    const dd_track *t;
    const dd_scenario *s;
    bool ahead; /* the files were hashed ahead (dd_track_hash_ahead) */
    /* per stored file: 0 same, 1 changed, 2 unreadable, 3 no longer read,
     * 4 out of memory */
    int verdict[DD_TRACK_MAX_FILES];
    const char *path[DD_TRACK_MAX_FILES];
} file_check;

static void *hash_files(void *arg)
{
    file_check *c = arg;
    for (size_t k = 0; k < c->t->info.n_files; k++) {
        const char *name = c->t->info.files[k].name, *path = NULL;
        for (int j = 0; j < DD_TRACK_MAX_FILES && !path; j++)
            if (c->s->files[j] && !strcmp(dd__base_name(c->s->files[j]), name))
                path = c->s->files[j];
        char hex[65], real[4096];
        c->path[k] = path;
        dd_status st = DD_OK;
        if (path && c->ahead && realpath(path, real) && !strcmp(real, c->t->info.files[k].path) &&
            c->t->ahead_st[k] != DD_ENOMEM) {
            /* hashed ahead, where the log found it: the same file */
            st = (dd_status)c->t->ahead_st[k];
            memcpy(hex, c->t->ahead_hex[k], sizeof hex);
        } else if (path) {
            st = dd__file_sha(path, hex);
        }
        if (!path)
            c->verdict[k] = 3;
        else if (st == DD_ENOMEM)
            c->verdict[k] = 4;
        else if (st != DD_OK)
            c->verdict[k] = 2;
        else
            c->verdict[k] = strcmp(hex, c->t->info.files[k].sha256) ? 1 : 0;
    }
    return NULL;
}

static void *hash_ahead(void *arg)
{
    dd_track *t = arg;
    for (size_t k = 0; k < t->info.n_files; k++)
        t->ahead_st[k] = (int)dd__file_sha(t->info.files[k].path, t->ahead_hex[k]);
    return NULL;
}

void dd_track_hash_ahead(dd_track *t)
{
    if (!t || t->ahead_started || t->info.version != LOG_VERSION)
        return;
    t->ahead_started = pthread_create(&t->ahead_th, NULL, hash_ahead, t) == 0;
    t->ahead_joined = !t->ahead_started;
}

static dd_status files_verdict(dd_track *t, const file_check *c, dd_diags *diags)
{
    size_t before = diags->n_errors;
    for (size_t k = 0; k < t->info.n_files; k++)
        if (c->verdict[k] == 4)
            return DD_ENOMEM;
    for (size_t k = 0; k < t->info.n_files; k++) {
        const char *name = t->info.files[k].name;
        if (c->verdict[k] == 3)
            dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                         "the scenario no longer reads %s, as it did when the log was "
                         "started; the log tracks the plan of the files as they were",
                         name);
        else if (c->verdict[k] == 2)
            dd_diags_add(diags, DD_SEV_ERROR, c->path[k], 0, 0, "", NULL,
                         "cannot read %s to hash it", name);
        else if (c->verdict[k] == 1)
            dd_diags_add(diags, DD_SEV_ERROR, c->path[k], 0, 0, "", NULL,
                         "%s changed since the log was started; the log tracks the plan "
                         "made from it as it was (start a new log for a new plan)",
                         name);
    }
    return diags->n_errors > before ? DD_EINPUT : DD_OK;
}

/* The plan image as verified in this read transaction (kept by the
 * header's check), else read and its digest checked now. */
static dd_status load_image(dd_track *t, const dd_scenario *s, dd_diags *diags)
{
    dd_plan_free(t->plan);
    dd__image_loads_free(t->loads);
    t->plan = NULL;
    t->loads = NULL;
    unsigned char *v = t->kept_v[0];
    size_t n = t->kept_n[0];
    t->kept_v[0] = NULL;
    /* a scenario of the handle's image may lack its cargo rows: the plan
     * is read without what refers to them (the loads kept for the status) */
    bool partial = s == t->scenario && t->scenario_from_image && t->parts != DD_TRACK_WHOLE;
    bool whole = !partial && t->parts != DD_TRACK_FOR_EVENTS;
    bool loads = whole || t->parts == DD_TRACK_FOR_STATUS;
    if (v && whole && t->parts != DD_TRACK_WHOLE) {
        /* kept without the readiness, which a scenario read from its
         * files (with its rows) has: read whole */
        free(v);
        v = NULL;
    }
    dd_status st = v ? DD_OK : dd__blob_read(t, "plan-image", t->h.image_stored, &v, &n);
    char why[200] = "";
    size_t n_cargo = partial ? dd__scenimg_cargo_rows(s) : s->n_cargo;
    if (st == DD_OK)
        st = dd__image_read(s, v, n, whole, loads, n_cargo, &t->plan, &t->loads, why,
                            sizeof why);
    free(v);
    if (st == DD_EINPUT)
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL, "%s",
                     *why ? why : "the plan stored in the log was altered after it was "
                                  "written");
    return st;
}

static dd_status bad_scenario(dd_track *t, dd_diags *diags)
{
    dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                 "the scenario stored in the log was altered after it was written");
    return DD_EINPUT;
}

/* The scenario from the log's image, after verifying the log: DD_EINPUT
 * when the log does not hold (diags say why), DD_EARG when there is no
 * image this drawdown reads (the files are read then). */
static dd_status scenario_image(dd_track *t, const char *path, dd_diags *diags)
{
    int64_t bad;
    /* a handle not verified yet verifies the header now and keeps the
     * images it digested, in this read transaction */
    t->keep_images = 3;
    dd_status st = dd__verify(t, false, &bad, diags);
    t->keep_images = 0;
    if (st != DD_OK)
        return st;
    if (!t->h.scenario_stored[0])
        return DD_EARG;
    unsigned char *v = t->kept_v[1];
    size_t n = t->kept_n[1];
    t->kept_v[1] = NULL;
    char why[200] = "";
    if (!v)
        st = dd__blob_read(t, "scenario-image", t->h.scenario_stored, &v, &n);
    if (st == DD_EINPUT)
        return bad_scenario(t, diags);
    if (st == DD_OK)
        st = dd__scenimg_take(v, n, path, t->parts == DD_TRACK_WHOLE, &t->scenario, why,
                              sizeof why);
    /* the digest held: an image unread is one of another version */
    return st == DD_EINPUT ? DD_EARG : st;
}

dd_status dd_track_scenario(dd_track *t, const char *path, dd_diags *diags,
                            const dd_scenario **out)
{
    *out = t->scenario;
    if (t->scenario)
        return DD_OK;
    const char *where = path ? path : t->info.scenario;
    /* one read transaction: the image verified is the image read */
    bool txn = dd__read_begin(t->db);
    dd_status st = scenario_image(t, where, diags);
    dd__read_end(t->db, txn);
    t->scenario_from_image = st == DD_OK;
    if (st == DD_EARG)
        st = dd_scenario_load(where, diags, &t->scenario);
    *out = st == DD_OK ? t->scenario : NULL;
    return st;
}

dd_status dd_track_index_cargo(dd_track *t, size_t *n_rows_out, dd_diags *diags)
{
    if (n_rows_out)
        *n_rows_out = 0;
    if (!t->scenario)
        return DD_EARG;
    if (!t->scenario_from_image || t->parts == DD_TRACK_WHOLE) {
        if (n_rows_out)
            *n_rows_out = t->scenario->n_cargo; /* the rows are kept */
        return DD_OK;
    }
    if (t->parts != DD_TRACK_FOR_STATUS)
        return DD_EARG; /* the rows' bytes were not read */
    char why[200] = "";
    dd_status st = dd__scenimg_index_cargo(t->scenario, why, sizeof why);
    if (st == DD_EINPUT)
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL, "%s",
                     *why ? why : "the scenario stored in the log does not read");
    if (st == DD_OK && n_rows_out)
        *n_rows_out = dd__scenimg_cargo_rows(t->scenario);
    return st;
}

dd_status dd_track_cargo_row(const dd_track *t, size_t i, dd_cargo *out)
{
    if (!t->scenario)
        return DD_EARG;
    if (!t->scenario_from_image) {
        if (i >= t->scenario->n_cargo)
            return DD_EARG;
        *out = t->scenario->cargo[i];
        return DD_OK;
    }
    return dd__scenimg_cargo_row(t->scenario, i, out) ? DD_OK : DD_EARG;
}

static dd_status track_plan(dd_track *t, const dd_scenario *s, dd_diags *diags,
                            const dd_plan **out);

dd_status dd_track_plan(dd_track *t, const dd_scenario *s, dd_diags *diags,
                        const dd_plan **out)
{
    /* one read transaction: the image verified is the image read */
    bool txn = dd__read_begin(t->db);
    dd_status st = track_plan(t, s, diags, out);
    dd__read_end(t->db, txn);
    return st;
}

static dd_status track_plan(dd_track *t, const dd_scenario *s, dd_diags *diags,
                            const dd_plan **out)
{
    *out = NULL;
    int64_t bad;
    t->keep_images = 1; /* the plan image, when the header is checked now */
    dd_status st = dd__verify(t, false, &bad, diags);
    t->keep_images = 0;
    if (st != DD_OK)
        return st;
    if (t->plan && t->plan->scenario == s && t->files_checked == s) {
        *out = t->plan;
        return DD_OK;
    }
    file_check c;
    memset(&c, 0, sizeof c);
    c.t = t;
    c.s = s;
    if (t->ahead_started && !t->ahead_joined) {
        pthread_join(t->ahead_th, NULL);
        t->ahead_joined = true;
    }
    c.ahead = t->ahead_started;
    pthread_t th;
    bool threaded = pthread_create(&th, NULL, hash_files, &c) == 0;
    if (!threaded)
        hash_files(&c);
    dd_diags mine; /* the image's problems, after the files' */
    dd_diags_init(&mine, 4);
    dd_status ist = load_image(t, s, &mine);
    if (threaded)
        pthread_join(th, NULL);
    st = files_verdict(t, &c, diags);
    if (st == DD_OK) {
        for (size_t i = 0; i < mine.n_items; i++)
            dd_diags_add(diags, mine.items[i].severity, mine.items[i].file, 0, 0, "", NULL,
                         "%s", mine.items[i].message);
        st = ist;
    }
    dd_diags_fini(&mine);
    if (st != DD_OK) {
        dd_plan_free(t->plan);
        dd__image_loads_free(t->loads);
        t->plan = NULL;
        t->loads = NULL;
        return st;
    }
    t->files_checked = s;
    *out = t->plan;
    return DD_OK;
}

dd_status dd_track_write_plan_file(dd_track *t, FILE *f, dd_diags *diags)
{
    int64_t bad;
    dd_status st = dd_track_verify(t, &bad, diags);
    if (st != DD_OK)
        return st;
    sqlite3_stmt *q;
    const unsigned char *v;
    size_t n;
    dd__buf none;
    st = dd__blob(t, "plan-file", &q, &v, &n);
    if (st == DD_OK)
        st = dd__inflate(v, n, 0, &none, f);
    sqlite3_finalize(q);
    if (st != DD_OK)
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "cannot write the log's plan file");
    return st;
}
