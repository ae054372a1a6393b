/* SPDX-License-Identifier: MIT */
/*
 * Upgrading a log of format 1 (track.h, docs/track.md). Format 1 kept no
 * plan, only the SHA-256 of the plan file that the scenario gave when the
 * log was started, and chained rows of tab-joined text. Its chain is
 * verified with the old rule, the plan is built again now (the version
 * that made the log cannot be run again) and the new header says so, and
 * whether that plan's file has the hash the log was started with; the
 * events keep their text, source and time recorded, in one batch signed
 * by the upgrader. The old file is kept beside the new one as PATH.v1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "track/log_int.h"

/* ---- the old chain -------------------------------------------------------- */

static void sha_hex(const char *prev, const char *data, size_t n, char hex[65])
{
    crypto_hash_sha256_state st;
    unsigned char out[32];
    crypto_hash_sha256_init(&st);
    if (prev)
        crypto_hash_sha256_update(&st, (const unsigned char *)prev, strlen(prev));
    crypto_hash_sha256_update(&st, (const unsigned char *)data, n);
    crypto_hash_sha256_final(&st, out);
    dd__hex(out, 32, hex);
}

static dd_status verify_v1(dd_track *t, dd_diags *diags)
{
    const dd_track_info *i = &t->info;
    char text[4400], prev[65];
    snprintf(text, sizeof text,
             "format=" LOG_FORMAT "\nversion=1\nscenario=%s\nseed=%" PRIu64
             "\nobjective=%d\nplan=%s\ncreated=%s\n",
             i->scenario, i->seed, i->objective, i->plan_sha256, i->created);
    sha_hex(NULL, text, strlen(text), prev);
    if (t->header_doubled || strcmp(prev, t->stored_hash)) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the log's header was altered after it was written; it is not upgraded");
        return DD_EINPUT;
    }
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(t->db,
                           "SELECT seq, time, event, subject, value, note, source, recorded, "
                           "hash FROM events ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK) {
        dd__db_err(diags, t->path, t->db, "cannot read the log");
        return DD_EIO;
    }
    int64_t expect = 1;
    dd_status st = DD_OK;
    char *buf = NULL;
    size_t cap = 0;
    while (st == DD_OK && sqlite3_step(q) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(q, 0);
        const char *f[7];
        size_t need = 64;
        for (int k = 0; k < 7; k++) {
            f[k] = dd__col(q, k + 1);
            need += strlen(f[k]) + 1;
        }
        if (need > cap) {
            char *w = realloc(buf, need);
            if (!w) {
                st = DD_ENOMEM;
                break;
            }
            buf = w;
            cap = need;
        }
        int n = snprintf(buf, need, "\n%" PRId64 "\t%s\t%s\t%s\t%s\t%s\t%s\t%s", seq, f[0],
                         f[1], f[2], f[3], f[4], f[5], f[6]);
        char hash[65];
        sha_hex(prev, buf, n > 0 ? (size_t)n : 0, hash);
        if (seq != expect || strcmp(hash, dd__col(q, 8))) {
            dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                         "event %" PRId64 " of the old log was altered or is missing; it is "
                         "not upgraded",
                         expect);
            st = DD_EINPUT;
            break;
        }
        memcpy(prev, hash, sizeof prev);
        expect++;
    }
    free(buf);
    sqlite3_finalize(q);
    return st;
}

/* ---- the old events, read as format 1 read them --------------------------- */

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

typedef struct old_events {
    dd_events *ev;
    char **source, **recorded;
    size_t n;
} old_events;

static void old_free(old_events *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->source ? o->source[i] : NULL);
        free(o->recorded ? o->recorded[i] : NULL);
    }
    free(o->source);
    free(o->recorded);
    dd_events_free(o->ev);
}

static dd_status read_old(dd_track *t, const dd_scenario *s, dd_diags *diags, old_events *o)
{
    memset(o, 0, sizeof *o);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return DD_ENOMEM;
    fputs("time,event,subject,value,note\n", f);
    sqlite3_stmt *q = NULL;
    dd_status st = DD_OK;
    size_t rows = (size_t)t->info.n_events;
    o->source = calloc(rows + 1, sizeof *o->source);
    o->recorded = calloc(rows + 1, sizeof *o->recorded);
    if (!o->source || !o->recorded)
        st = DD_ENOMEM;
    if (st == DD_OK &&
        sqlite3_prepare_v2(t->db,
                           "SELECT time, event, subject, value, note, source, recorded "
                           "FROM events ORDER BY seq",
                           -1, &q, NULL) != SQLITE_OK)
        st = DD_EIO;
    while (st == DD_OK && sqlite3_step(q) == SQLITE_ROW && o->n < rows) {
        for (int k = 0; k < 5; k++)
            put_cell(f, dd__col(q, k), k == 4);
        o->source[o->n] = strdup(dd__col(q, 5));
        o->recorded[o->n] = strdup(dd__col(q, 6));
        if (!o->source[o->n] || !o->recorded[o->n])
            st = DD_ENOMEM;
        o->n++;
    }
    sqlite3_finalize(q);
    if (fclose(f) != 0 && st == DD_OK)
        st = DD_ENOMEM;
    if (st == DD_OK)
        st = dd_events_parse(s, t->path, buf, n, diags, &o->ev);
    free(buf);
    if (st == DD_OK && o->ev->n != o->n) {
        dd_diags_add(diags, DD_SEV_ERROR, t->path, 0, 0, "", NULL,
                     "the old log's events could not all be read");
        st = DD_EINPUT;
    }
    return st;
}

/* ---- the upgrade ----------------------------------------------------------- */

dd_status dd_track_upgrade(const char *path, const char *scenario_path, const dd_key *signer,
                           dd_diags *diags)
{
    dd_status ready = dd__signer_ready(path, signer, diags);
    if (ready != DD_OK)
        return ready;
    bool busy = dd__sibling_exists(path, "-wal");
    if (busy || dd__sibling_exists(path, ".v1")) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     busy ? "the log is in use or was not closed (%s-wal exists): close its "
                            "writers first"
                          : "%s.v1 exists: the log was upgraded already, or move that file "
                            "away first",
                     path);
        return DD_EIO;
    }
    size_t pl = strlen(path) + 4;
    char *side = malloc(pl); /* the old file's name */
    dd_track *t = calloc(1, sizeof *t);
    if (!side || !t || !(t->path = strdup(path))) {
        free(t);
        free(side);
        return DD_ENOMEM;
    }
    snprintf(side, pl, "%s.v1", path);
    dd_scenario *s = NULL;
    dd_plan *p = NULL;
    old_events o;
    memset(&o, 0, sizeof o);
    /* immutable: nothing is written beside the old file while reading it */
    dd_status st = dd__open_db(path, false, true, diags, &t->db);
    if (st == DD_OK)
        st = dd__read_header(t, diags);
    if (st == DD_OK && t->info.version != 1) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     t->info.version == LOG_VERSION ? "the log is of format %d already"
                                                    : "a log of format %d: not upgraded",
                     t->info.version);
        st = DD_EINPUT;
    }
    if (st == DD_OK) {
        sqlite3_stmt *q = NULL;
        if (sqlite3_prepare_v2(t->db, "SELECT count(*) FROM events", -1, &q, NULL) ==
                SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            t->info.n_events = sqlite3_column_int64(q, 0);
        else
            st = DD_EIO;
        sqlite3_finalize(q);
    }
    if (st == DD_OK)
        st = verify_v1(t, diags);
    char scen[4096];
    snprintf(scen, sizeof scen, "%s", scenario_path ? scenario_path : t->info.scenario);
    if (st == DD_OK)
        st = dd_scenario_load(scen, diags, &s);
    if (st == DD_OK) {
        dd_plan_options opt;
        dd_plan_options_init(&opt);
        opt.seed = t->info.seed;
        opt.objective = (dd_plan_objective)t->info.objective;
        st = dd_plan_build(s, &opt, &p);
    }
    char hex[65] = "", now[32], abs[4096];
    if (st == DD_OK && !realpath(scen, abs))
        st = DD_EIO;
    if (st == DD_OK)
        st = dd_track_plan_hash(p, abs, hex);
    if (st == DD_OK)
        st = read_old(t, s, diags, &o);
    char upgraded[512];
    dd__utc_now(now, sizeof now, 1);
    snprintf(upgraded, sizeof upgraded,
             "upgraded from format 1 (started %s) on %s: the plan was built again then from "
             "the scenario (seed %" PRIu64 "); its plan file %s the one the log was started "
             "with (%.16s...)",
             t->info.created, now, t->info.seed, strcmp(hex, t->info.plan_sha256) ? "differs from" : "is",
             t->info.plan_sha256);
    dd_track_close(t);
    t = NULL;
    if (st == DD_OK && link(path, side) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "cannot keep the old log as %s: %s", side, strerror(errno));
        st = DD_EIO;
    }
    if (st == DD_OK) {
        dd__upgrade_rows rows = {s, o.n, o.ev->v, (const char *const *)o.source,
                                 (const char *const *)o.recorded};
        st = dd__create(path, p, scen, signer, upgraded, &rows, diags);
        if (st != DD_OK)
            unlink(side); /* the old file is still at path */
    }
    old_free(&o);
    dd_plan_free(p);
    dd_scenario_free(s);
    free(side);
    return st;
}
