/* SPDX-License-Identifier: MIT */
/*
 * The event log as evidence (docs/track.md, issue 15): tampering made
 * with the sqlite3 library behind the tool's back — edits, appends,
 * deletions, renumbering, re-chaining with the public algorithm, header
 * edits with and without a new hash, the plan, the files' hashes, the
 * keys, the batches, a tab moved between two fields, truncation — each
 * found by dd_track_verify with the row named, and refused by the readers
 * status uses (dd_track_plan) and by dd_track_append; receipts; a start
 * that never replaces a file and concurrent starts; the upgrade of a log
 * of format 1 made by the previous code (tests/data/track/v1-week1.log);
 * a log read from a folder its reader cannot write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "track/log_int.h"
#include "track/scenimg.h"

#define NIGER DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml"

typedef struct fixture {
    dd_scenario *s;
    dd_plan *p;
    char dir[64];
    char log[128];
    dd_key key, mallory; /* the recorder's; another key, never given to the log */
    char receipt[1024];  /* of the log's head before tampering */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_scenario_load(NIGER, &d, &fx->s), DD_OK);
    dd_plan_options o;
    dd_plan_options_init(&o);
    assert_int_equal(dd_plan_build(fx->s, &o, &fx->p), DD_OK);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-track-log-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->log, sizeof fx->log, "%s/niger.log", fx->dir);
    char keys[128];
    snprintf(keys, sizeof keys, "%s/keys", fx->dir);
    assert_int_equal(dd_keys_new(keys, "alice", &d, &fx->key), DD_OK);
    assert_int_equal(dd_keys_new(keys, "mallory", &d, &fx->mallory), DD_OK);
    dd_diags_fini(&d);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", fx->dir, fx->dir);
    if (system(cmd) != 0)
        return -1;
    dd_plan_free(fx->p);
    dd_scenario_free(fx->s);
    free(fx);
    return 0;
}

static void append(fixture *fx, dd_track *t, const char *text)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    assert_int_equal(dd_events_parse(fx->s, "day.csv", text, strlen(text), &d, &e), DD_OK);
    assert_int_equal(dd_track_append(t, fx->p, e, "2024-06-08T12:00:00Z", &fx->key, &d),
                     DD_OK);
    dd_events_free(e);
    dd_diags_fini(&d);
}

/* A log of three batches: events 1-4, 5-6 and 7; a receipt of its head. */
static void make_log(fixture *fx)
{
    unlink(fx->log);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status made = dd_track_create(fx->log, fx->p, NIGER, &fx->key, &d);
    for (size_t k = 0; made != DD_OK && k < d.n_items; k++)
        print_message("%s: %s\n", d.items[k].file, d.items[k].message);
    assert_int_equal(made, DD_OK);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, true, &d, &t), DD_OK);
    append(fx, t,
           "time,event,subject,value,note\n"
           "2024-06-01T08:00Z,clearance-filed,1,,\n"
           "2024-06-03T10:00Z,clearance-approved,1,,\n"
           "2024-06-07T04:10Z,departed,1,,\n"
           "2024-06-07T07:00Z,note,,\"a\tb\",c\n");
    append(fx, t, "time,event,subject\n2024-06-07T09:00Z,departed,2\n2024-06-07T10:00Z,note,\n");
    append(fx, t, "time,event,subject\n2024-06-08T09:00Z,departed,3\n");
    char *r = NULL;
    assert_int_equal(dd_track_receipt(t, &fx->key, "2024-06-08T13:00:00Z", &r, &d), DD_OK);
    snprintf(fx->receipt, sizeof fx->receipt, "%s", r);
    free(r);
    assert_int_equal(dd_track_get_info(t)->n_events, 7);
    dd_track_close(t);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
}

static void sql(const char *log, const char *text)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(log, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, text, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", text, err);
    sqlite3_free(err);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(db);
}

/* Re-compute every row's hash from event `from` on, as a forger with the
 * public algorithm would (the batches' signatures he cannot make). */
static void rechain(const char *log, int64_t from)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(log, &db), SQLITE_OK);
    sqlite3_exec(db, "DROP TRIGGER IF EXISTS events_fixed", NULL, NULL, NULL);
    unsigned char prev[32];
    sqlite3_stmt *q;
    if (from == 1) {
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash FROM header", -1, &q, NULL),
                         SQLITE_OK);
    } else {
        assert_int_equal(
            sqlite3_prepare_v2(db, "SELECT hash FROM events WHERE seq < ? ORDER BY seq DESC",
                               -1, &q, NULL),
            SQLITE_OK);
        sqlite3_bind_int64(q, 1, from);
    }
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_true(dd__unhex((const char *)sqlite3_column_text(q, 0), prev, 32));
    sqlite3_finalize(q);
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT seq, batch, kind, at, sortie, idx, cnt, ref, tail, until_at,"
                           " wfrom, wto, time, event, subject, value, note, origin, source,"
                           " recorded FROM events WHERE seq >= ? ORDER BY seq",
                           -1, &q, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(q, 1, from);
    sqlite3_stmt *up;
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE events SET hash=? WHERE seq=?", -1, &up,
                                        NULL),
                     SQLITE_OK);
    dd__buf b = {0};
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    while (sqlite3_step(q) == SQLITE_ROW) {
        dd__row r;
        int64_t *num[12] = {&r.seq, &r.batch, &r.kind, &r.at,   &r.sortie, &r.idx,
                            &r.cnt, &r.ref,   &r.tail, &r.until, &r.wfrom, &r.wto};
        for (int k = 0; k < 12; k++)
            *num[k] = sqlite3_column_int64(q, k);
        const char **txt[8] = {&r.time, &r.event,  &r.subject, &r.value,
                               &r.note, &r.origin, &r.source,  &r.recorded};
        for (int k = 0; k < 8; k++)
            *txt[k] = (const char *)sqlite3_column_text(q, 12 + k);
        unsigned char h[32];
        char hex[65];
        dd__row_hash(prev, &r, &b, h);
        dd__hex(h, 32, hex);
        sqlite3_bind_text(up, 1, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 2, r.seq);
        assert_int_equal(sqlite3_step(up), SQLITE_DONE);
        sqlite3_reset(up);
        memcpy(prev, h, 32);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    dd__buf_fini(&b);
    sqlite3_finalize(q);
    sqlite3_finalize(up);
    sqlite3_close(db);
}

/* A forged batch over events first..last of the log as it is now, signed
 * with `key` (NULL: a signature of the right length that is not one). */
static void forge_batch(const char *log, int64_t id, int64_t first, int64_t last,
                        const dd_key *key, const char *name)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(log, &db), SQLITE_OK);
    sqlite3_stmt *q;
    unsigned char log_id[32];
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash FROM header", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    dd__unhex((const char *)sqlite3_column_text(q, 0), log_id, 32);
    sqlite3_finalize(q);
    dd_track_batch b;
    memset(&b, 0, sizeof b);
    b.id = id;
    b.first = first;
    b.last = last;
    snprintf(b.recorded, sizeof b.recorded, "2024-06-09T00:00:00Z");
    snprintf(b.signer, sizeof b.signer, "%s", name);
    dd_key_id((key ? key : &(dd_key){0})->public_key, b.signer_key);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash FROM events WHERE seq=?", -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(q, 1, last);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    snprintf(b.head, sizeof b.head, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    char sig[129];
    memset(sig, 'a', 128);
    sig[128] = 0;
    if (key) {
        dd__buf m = {0};
        dd__batch_msg(log_id, &b, &m);
        dd__sign(key, m.v, m.n, sig);
        dd__buf_fini(&m);
    }
    char text[1024];
    snprintf(text, sizeof text,
             "INSERT INTO batches VALUES(%lld, %lld, %lld, '%s', '%s', '%s', '%s', '%s')",
             (long long)id, (long long)first, (long long)last, b.recorded, b.signer,
             b.signer_key, b.head, sig);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Found by verify (the row and the message), refused by the plan's reader
 * (what status uses) and by append (nothing added). */
static void assert_refused(fixture *fx, int64_t seq, const char *msg)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    int64_t bad = -2;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_EINPUT);
    if (bad != seq || d.n_items != 1 || strcmp(d.items[0].message, msg))
        print_error("bad %lld, %zu messages: %s\n", (long long)bad, d.n_items,
                    d.n_items ? d.items[0].message : "");
    assert_int_equal(bad, seq);
    assert_int_equal(d.n_items, 1);
    assert_string_equal(d.items[0].message, msg);
    dd_track_close(t);
    dd_diags_fini(&d);
    /* status: nor the scenario from its image */
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    const dd_scenario *s = NULL;
    assert_int_equal(dd_track_scenario(t, NULL, &d, &s), DD_EINPUT);
    assert_null(s);
    assert_string_equal(d.items[0].message, msg);
    dd_track_close(t);
    dd_diags_fini(&d);
    /* the plan is not read from a log that does not hold */
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    const dd_plan *p = NULL;
    assert_int_equal(dd_track_plan(t, fx->s, &d, &p), DD_EINPUT);
    assert_null(p);
    assert_string_equal(d.items[0].message, msg);
    dd_events *e = NULL;
    assert_int_not_equal(dd_track_events(t, fx->s, &d, &e), DD_OK);
    assert_null(e);
    dd_track_close(t);
    dd_diags_fini(&d);
    /* add: refused, nothing added */
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, true, &d, &t), DD_OK);
    int64_t before = dd_track_get_info(t)->n_events;
    dd_events *add = NULL;
    const char *csv = "time,event\n2024-06-09T09:00Z,note\n";
    assert_int_equal(dd_events_parse(fx->s, "more.csv", csv, strlen(csv), &d, &add), DD_OK);
    assert_int_equal(dd_track_append(t, fx->p, add, NULL, &fx->key, &d), DD_EINPUT);
    assert_string_equal(d.items[0].message, msg);
    dd_events_free(add);
    dd_track_close(t);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_get_info(t)->n_events, before);
    dd_track_close(t);
    dd_diags_fini(&d);
}

/* The receipt taken before the tampering no longer holds. */
static void assert_receipt_fails(fixture *fx, const char *msg)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_check_receipt(t, fx->receipt, strlen(fx->receipt), &d),
                     DD_EINPUT);
    assert_string_equal(d.items[d.n_items - 1].message, msg);
    dd_track_close(t);
    dd_diags_fini(&d);
}

static const char altered3[] = "event 3 (2024-06-07T04:10Z departed 1) was altered after it "
                               "was written, or an event before it was";

static void test_untouched(void **state)
{
    fixture *fx = *state;
    make_log(fx);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    int64_t bad;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    size_t n;
    const dd_track_batch *b = dd_track_batches(t, &n);
    assert_int_equal(n, 3);
    assert_string_equal(b[1].signer, "alice");
    assert_int_equal(b[1].first, 5);
    assert_int_equal(b[1].last, 6);
    assert_int_equal(dd_track_check_receipt(t, fx->receipt, strlen(fx->receipt), &d), DD_OK);
    dd_events *e = NULL;
    assert_int_equal(dd_track_events(t, fx->s, &d, &e), DD_OK);
    assert_int_equal(e->n, 7);
    assert_string_equal(e->v[3].value, "a\tb");
    assert_string_equal(e->v[3].note, "c");
    assert_string_equal(e->v[4].origin, "day.csv:2, event 5 of the log");
    dd_events_free(e);
    dd_track_close(t);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
    /* the triggers refuse a plain edit or deletion */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(fx->log, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET note='x' WHERE seq=3", NULL,
                                      NULL, NULL),
                         SQLITE_OK);
    assert_string_equal(sqlite3_errmsg(db), "events are never changed: add a new one");
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM batches", NULL, NULL, NULL), SQLITE_OK);
    assert_string_equal(sqlite3_errmsg(db), "signed batches cannot be deleted");
    sqlite3_close(db);
}

static void test_edit(void **state)
{
    fixture *fx = *state;
    /* 1: a field edited */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_fixed; UPDATE events SET subject='2' WHERE seq=3");
    assert_refused(fx, 3,
                   "event 3 (2024-06-07T04:10Z departed 2) was altered after it was "
                   "written, or an event before it was");
    assert_receipt_fails(fx, "event 3 (2024-06-07T04:10Z departed 2) was altered after it "
                             "was written, or an event before it was");
    /* 2: a typed field alone (what status reads), the text left as it was */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_fixed; UPDATE events SET at=at+600 WHERE seq=3");
    assert_refused(fx, 3, altered3);
    /* 3: the tab moved from the value into the note */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_fixed; UPDATE events SET value='a', note='b'||char(9)||'c'"
                 " WHERE seq=4");
    assert_refused(fx, 4,
                   "event 4 (2024-06-07T07:00Z note) was altered after it was written, or an "
                   "event before it was");
    /* 4: an edit and the chain re-computed after it */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_fixed; UPDATE events SET subject='9' WHERE seq=3");
    rechain(fx->log, 3);
    assert_refused(fx, 1,
                   "events 1 to 4 (batch 1) were rewritten: the chain's hash at event 4 is "
                   "not the one alice signed");
    /* 5: two rows swapped */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_fixed; UPDATE events SET seq=-5 WHERE seq=5;"
                 "UPDATE events SET seq=5 WHERE seq=6; UPDATE events SET seq=6 WHERE seq=-5");
    assert_refused(fx, 5,
                   "event 5 (2024-06-07T10:00Z note) was altered after it was written, or an "
                   "event before it was");
    /* 6: an event moved into another batch */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_fixed; UPDATE events SET batch=1 WHERE seq=5");
    assert_refused(fx, 5,
                   "event 5 (2024-06-07T09:00Z departed 2) was altered after it was written, "
                   "or an event before it was");
    /* 7: the same, re-chained: the row is in the wrong batch */
    rechain(fx->log, 5);
    assert_refused(fx, 5,
                   "event 5 (2024-06-07T09:00Z departed 2) says batch 1 but lies in batch 2: "
                   "it was altered");
}

static void test_append_delete(void **state)
{
    fixture *fx = *state;
    /* 8: a row appended, chained as the tool would */
    make_log(fx);
    sql(fx->log, "INSERT INTO events SELECT 8, 4, kind, at, 4, idx, cnt, ref, tail, until_at,"
                 " wfrom, wto, time, event, '4', value, note, origin, source, recorded, ''"
                 " FROM events WHERE seq=7");
    rechain(fx->log, 8);
    assert_refused(fx, 8,
                   "event 8 (2024-06-08T09:00Z departed 4) is in no signed batch: it was "
                   "added behind the tool's back");
    /* 9: with a batch whose signature is not one */
    forge_batch(fx->log, 4, 8, 8, NULL, "alice");
    assert_refused(fx, 8,
                   "batch 4 (events 8 to 8) is not signed by the key it names (alice): it "
                   "was rewritten or re-chained");
    /* 10: with a batch signed by a key the log never saw */
    make_log(fx);
    sql(fx->log, "INSERT INTO events SELECT 8, 4, kind, at, 4, idx, cnt, ref, tail, until_at,"
                 " wfrom, wto, time, event, '4', value, note, origin, source, recorded, ''"
                 " FROM events WHERE seq=7");
    rechain(fx->log, 8);
    forge_batch(fx->log, 4, 8, 8, &fx->mallory, "mallory");
    assert_refused(fx, 8, "the key that signed batch 4 (mallory) is missing from the log's "
                          "keys");
    /* 11: a row deleted */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_kept; DELETE FROM events WHERE seq=5");
    assert_refused(fx, 5, "event 5 is missing (the next is 6)");
    /* 12: deleted, the rest renumbered, their batches fixed and the chain
     * re-computed */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_kept; DROP TRIGGER events_fixed;"
                 "DELETE FROM events WHERE seq=5; UPDATE events SET seq=seq-1 WHERE seq>5;"
                 "UPDATE events SET batch=2 WHERE seq=6");
    rechain(fx->log, 5);
    assert_refused(fx, 5,
                   "events 5 to 6 (batch 2) were rewritten: the chain's hash at event 6 is "
                   "not the one alice signed");
    /* 13: renumbered only */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_fixed; UPDATE events SET seq=8 WHERE seq=7");
    assert_refused(fx, 7, "event 7 is missing (the next is 8)");
    /* 14: a signed batch deleted, its events kept */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER batches_kept; DELETE FROM batches WHERE id=2");
    assert_refused(fx, 5,
                   "batch 3 (events 7 to 7) does not follow batch 1: the batches were "
                   "altered");
    /* 15: a batch's time recorded changed */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER batches_fixed; UPDATE batches SET recorded='2024-06-01T00:00:00Z'"
                 " WHERE id=1");
    assert_refused(fx, 1,
                   "batch 1 (events 1 to 4) is not signed by the key it names (alice): it "
                   "was rewritten or re-chained");
}

static void test_truncate(void **state)
{
    fixture *fx = *state;
    /* 16: the last rows removed, their batch kept */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_kept; DELETE FROM events WHERE seq>=6");
    assert_refused(fx, 6,
                   "batch 2 was signed for events 5 to 6, but the log ends at event 5: events "
                   "were removed");
    /* 17: the last batch removed whole: a shorter log that holds on its
     * own, found against a receipt of the longer one */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER events_kept; DROP TRIGGER batches_kept;"
                 "DELETE FROM events WHERE seq=7; DELETE FROM batches WHERE id=3");
    assert_receipt_fails(fx, "the receipt of 2024-06-08T13:00:00Z (signed by alice) was given "
                             "for 7 events; the log holds 6: events were removed since");
    /* 18: truncated, then a different event in its place: the receipt's
     * head is not event 7 any more */
    make_log(fx);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    sql(fx->log, "DROP TRIGGER events_kept; DROP TRIGGER batches_kept;"
                 "DELETE FROM events WHERE seq=7; DELETE FROM batches WHERE id=3");
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, true, &d, &t), DD_OK);
    append(fx, t, "time,event,subject\n2024-06-08T09:30Z,departed,4\n");
    dd_track_close(t);
    dd_diags_fini(&d);
    assert_receipt_fails(fx, "event 7 is not the head the receipt of 2024-06-08T13:00:00Z "
                             "(signed by alice) was given for: the log was rewritten since");
    /* a receipt that was altered */
    make_log(fx);
    char *c = strstr(fx->receipt, "events 7");
    assert_non_null(c);
    c[7] = '6';
    assert_receipt_fails(fx, "the receipt's signature does not hold: it was altered");
}

/* Recompute the header's hash after an edit, as a forger would. */
static void rehash_header(fixture *fx)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    unsigned char h[32];
    char hex[65], text[256];
    dd__header_hash(&t->info, &t->h, h);
    dd__hex(h, 32, hex);
    dd_track_close(t);
    dd_diags_fini(&d);
    snprintf(text, sizeof text, "UPDATE header SET hash='%s'", hex);
    sql(fx->log, text);
}

static void test_header(void **state)
{
    fixture *fx = *state;
    /* 19: the header edited */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER header_fixed; UPDATE header SET seed='7'");
    assert_refused(fx, 0, "the log's header was altered after it was written");
    /* 20: and its hash computed again */
    rehash_header(fx);
    assert_refused(fx, 0, "the log's header is not signed by the key it names (alice): it was "
                          "rewritten");
    /* 21: a scenario file's hash replaced (to track an edited inventory) */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER files_fixed; UPDATE files SET sha256=hex(randomblob(32))"
                 " WHERE name='cargo.csv'");
    assert_refused(fx, 0, "the log's header was altered after it was written");
    /* 22: the stored plan replaced */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER blobs_fixed; UPDATE blobs SET data=(SELECT data FROM blobs"
                 " WHERE name='plan-file') WHERE name='plan-image'");
    assert_refused(fx, 0, "the plan stored in the log was altered after it was written");
    /* 23: the signer's key renamed */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER keys_fixed; UPDATE keys SET name='bob'");
    assert_refused(fx, 0, "the key that signed the log's header (alice) is missing from its "
                          "keys");
    /* 24: the stored scenario replaced (a later deadline, say) */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER blobs_fixed; UPDATE blobs SET data=data||x'00'"
                 " WHERE name='scenario-image'");
    assert_refused(fx, 0, "the scenario stored in the log was altered after it was written");
    /* 25: its digest taken out of the header (to read edited files) */
    make_log(fx);
    sql(fx->log, "DROP TRIGGER header_fixed; UPDATE header SET scenario_image=''");
    assert_refused(fx, 0, "the log's header was altered after it was written");
}

/* A changed scenario file is named; a log is created once. */
static void test_files_and_once(void **state)
{
    fixture *fx = *state;
    make_log(fx);
    /* the same scenario in another folder, its cargo edited */
    char cmd[512], scen[160], cargo[160];
    snprintf(cmd, sizeof cmd, "mkdir %s/copy && cp %s/examples/niger-2024/* %s/copy/", fx->dir,
             DD_SOURCE_DIR, fx->dir);
    assert_int_equal(system(cmd), 0);
    snprintf(scen, sizeof scen, "%s/copy/scenario.yaml", fx->dir);
    snprintf(cargo, sizeof cargo, "%s/copy/cargo.csv", fx->dir);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    /* a second log, of the copy, before it is edited */
    char log2[160];
    snprintf(log2, sizeof log2, "%s/copy.log", fx->dir);
    dd_scenario *s2 = NULL;
    assert_int_equal(dd_scenario_load(scen, &d, &s2), DD_OK);
    dd_plan *p2 = NULL;
    dd_plan_options o;
    dd_plan_options_init(&o);
    assert_int_equal(dd_plan_build(s2, &o, &p2), DD_OK);
    assert_int_equal(dd_track_create(log2, p2, scen, &fx->key, &d), DD_OK);
    dd_plan_free(p2);
    dd_scenario_free(s2);
    FILE *f = fopen(cargo, "a");
    assert_non_null(f);
    fputs("\n", f);
    fclose(f);
    assert_int_equal(dd_scenario_load(scen, &d, &s2), DD_OK);
    const char *logs[3] = {fx->log, log2, log2};
    for (int k = 0; k < 3; k++) {
        dd_track *t = NULL;
        assert_int_equal(dd_track_open(logs[k], false, &d, &t), DD_OK);
        if (k == 2) /* hashed where the log found them, while the scenario loads */
            dd_track_hash_ahead(t);
        const dd_plan *p = NULL;
        assert_int_equal(dd_track_plan(t, s2, &d, &p), DD_EINPUT);
        assert_int_equal(d.n_errors, 1);
        assert_string_equal(d.items[d.n_items - 1].message,
                            "cargo.csv changed since the log was started; the log tracks the "
                            "plan made from it as it was (start a new log for a new plan)");
        assert_string_equal(d.items[d.n_items - 1].file, cargo);
        dd_track_close(t);
        dd_diags_fini(&d);
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    }
    dd_scenario_free(s2);
    /* unchanged files hashed ahead: the plan is read */
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    dd_track_hash_ahead(t);
    const dd_plan *p = NULL;
    assert_int_equal(dd_track_plan(t, fx->s, &d, &p), DD_OK);
    assert_int_equal(p->n_sorties, fx->p->n_sorties);
    dd_track_close(t);
    /* started once: the existing log is kept, nothing is left beside it */
    assert_int_equal(dd_track_create(fx->log, fx->p, NIGER, &fx->key, &d), DD_EIO);
    assert_string_equal(d.items[d.n_items - 1].message,
                        "the file exists: a log is started once (remove it to start over)");
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_get_info(t)->n_events, 7);
    dd_track_close(t);
    dd_diags_fini(&d);
    /* concurrent starts on one path: exactly one of each pair succeeds */
    for (int pair = 0; pair < 8; pair++) {
        char log[160];
        snprintf(log, sizeof log, "%s/pair%d.log", fx->dir, pair);
        pid_t kid[2];
        for (int k = 0; k < 2; k++) {
            kid[k] = fork();
            assert_true(kid[k] >= 0);
            if (kid[k] == 0) {
                dd_diags dk;
                dd_diags_init(&dk, 4);
                _exit(dd_track_create(log, fx->p, NIGER, &fx->key, &dk) == DD_OK ? 0 : 1);
            }
        }
        int ok = 0;
        for (int k = 0; k < 2; k++) {
            int status;
            waitpid(kid[k], &status, 0);
            assert_true(WIFEXITED(status));
            ok += WEXITSTATUS(status) == 0;
        }
        assert_int_equal(ok, 1);
    }
    /* starts killed at any moment: a whole log or none, nothing beside */
    char killed[160];
    snprintf(killed, sizeof killed, "%s/killed.log", fx->dir);
    for (int round = 0; round < 12; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            dd_diags dk;
            dd_diags_init(&dk, 4);
            _exit(dd_track_create(killed, fx->p, NIGER, &fx->key, &dk) == DD_OK ? 0 : 1);
        }
        struct timespec ts = {0, 1000000L * round}; /* 0 to 11 ms: a start takes ~7 */
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (access(killed, F_OK) == 0) {
            dd_diags dk;
            dd_diags_init(&dk, 4);
            dd_track *k = NULL;
            int64_t bad;
            assert_int_equal(dd_track_open(killed, false, &dk, &k), DD_OK);
            assert_int_equal(dd_track_verify(k, &bad, &dk), DD_OK);
            dd_track_close(k);
            dd_diags_fini(&dk);
            unlink(killed);
        }
    }
    DIR *dir = opendir(fx->dir);
    assert_non_null(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        if (strstr(e->d_name, ".tmp") || strstr(e->d_name, "killed"))
            fail_msg("left behind: %s", e->d_name);
    closedir(dir);
}

/* A log of format 1, made by the code before format 2, upgraded. */
static void test_upgrade(void **state)
{
    fixture *fx = *state;
    char log[160], old[180], cmd[512];
    snprintf(log, sizeof log, "%s/v1.log", fx->dir);
    snprintf(old, sizeof old, "%s.v1", log);
    snprintf(cmd, sizeof cmd, "cp %s/track/v1-week1.log %s", DD_TEST_DATA, log);
    assert_int_equal(system(cmd), 0);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(log, false, &d, &t), DD_EINPUT);
    char want[400];
    snprintf(want, sizeof want,
             "a log of format 1: this drawdown reads format 2 (convert it once with 'drawdown "
             "track upgrade %s')",
             log);
    assert_string_equal(d.items[0].message, want);
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status up = dd_track_upgrade(log, NIGER, &fx->key, &d);
    for (size_t k = 0; k < d.n_items; k++)
        print_message("%s: %s\n", d.items[k].file, d.items[k].message);
    assert_int_equal(up, DD_OK);
    assert_int_equal(d.n_items, 0);
    assert_int_equal(dd_track_open(log, false, &d, &t), DD_OK);
    int64_t bad;
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    const dd_track_info *i = dd_track_get_info(t);
    assert_int_equal(i->version, 2);
    assert_int_equal(i->n_events, 128);
    assert_non_null(strstr(i->upgraded, "upgraded from format 1 (started 2026-"));
    /* the planner changed since that log was made, or not: either is said */
    assert_non_null(strstr(i->upgraded, "the plan was built again then from the scenario "
                                        "(seed 1); its plan file "));
    const dd_plan *p = NULL;
    assert_int_equal(dd_track_plan(t, fx->s, &d, &p), DD_OK);
    dd_events *e = NULL;
    assert_int_equal(dd_track_events(t, fx->s, &d, &e), DD_OK);
    assert_int_equal(e->n, 128);
    assert_int_equal(e->v[0].kind, DD_EV_PROCESSED);
    assert_string_equal(e->v[0].subject, "101-OPS-STAFF");
    assert_int_equal(e->v[0].count, 30);
    assert_string_equal(e->v[0].origin,
                        "examples/niger-2024/events-week1.csv:2, event 1 of the log");
    dd_track_status *st = NULL;
    assert_int_equal(dd_track_status_compute(p, e, 0, &st, NULL), DD_OK);
    dd_track_status_free(st);
    dd_events_free(e);
    dd_track_close(t);
    /* the old file is kept; a second upgrade is refused */
    struct stat sb;
    assert_int_equal(stat(old, &sb), 0);
    assert_int_equal(dd_track_upgrade(log, NIGER, &fx->key, &d), DD_EIO);
    snprintf(want, sizeof want,
             "%s.v1 exists: the log was upgraded already, or move that file away first", log);
    assert_string_equal(d.items[d.n_items - 1].message, want);
    dd_diags_fini(&d);
}


/* ---- a log opened for events only (DD_TRACK_FOR_EVENTS) ----------------- */

/* The stored blob `name` read whole (*n_out bytes, free). */
static unsigned char *blob_get(const char *log, const char *name, size_t *n_out)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(log, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT data FROM blobs WHERE name=?", -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    *n_out = (size_t)sqlite3_column_bytes(q, 0);
    unsigned char *v = malloc(*n_out);
    assert_non_null(v);
    memcpy(v, sqlite3_column_blob(q, 0), *n_out);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static void blob_put(const char *log, const char *name, const unsigned char *v, size_t n)
{
    sql(log, "DROP TRIGGER IF EXISTS blobs_fixed");
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(log, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE blobs SET data=? WHERE name=?", -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_blob64(q, 1, v, n, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* Where `needle` first occurs in v (asserted to). */
static size_t find_bytes(const unsigned char *v, size_t n, const void *needle, size_t k)
{
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(v + i, needle, k))
            return i;
    fail_msg("not found in the image");
    return 0;
}

/* Blob `name` read sparse as a reader for events reads it: the same bytes
 * as read whole but for the spans `skips` names, which are zero. */
static void assert_sparse(dd_track *t, const char *name, const char *hex,
                          size_t (*skips)(const unsigned char *, size_t, dd__span *),
                          size_t n_spans)
{
    unsigned char *whole = NULL, *sparse = NULL;
    size_t nw = 0, ns = 0;
    assert_int_equal(dd__blob_read(t, name, hex, &whole, &nw), DD_OK);
    assert_int_equal(dd__blob_read_sparse(t, name, hex, skips, &sparse, &ns), DD_OK);
    assert_int_equal(ns, nw);
    dd__span sp[2];
    assert_int_equal(skips(whole, nw, sp), n_spans);
    size_t at = 0, zero = 0;
    for (size_t i = 0; i <= n_spans; i++) {
        size_t end = i < n_spans ? sp[i].at : nw;
        assert_true(end >= at && end >= 64);
        assert_memory_equal(whole + at, sparse + at, end - at);
        if (i == n_spans)
            break;
        for (size_t k = 0; k < sp[i].n; k++)
            zero += sparse[sp[i].at + k] == 0 && whole[sp[i].at + k] != 0;
        at = sp[i].at + sp[i].n;
    }
    assert_true(zero > 0); /* bytes left out */
    free(whole);
    free(sparse);
}

/* A handle for events only: the scenario without its cargo rows, the plan
 * without its loads, enough to check and append; the events read back
 * whole by a handle that reads everything. */
static void test_for_events(void **state)
{
    fixture *fx = *state;
    make_log(fx);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    const dd_scenario *s = NULL;
    const dd_plan *p = NULL;
    assert_int_equal(dd_track_open_parts(fx->log, true, DD_TRACK_FOR_EVENTS, &d, &t), DD_OK);
    assert_int_equal(dd_track_scenario(t, NULL, &d, &s), DD_OK);
    assert_int_equal(dd_track_plan(t, s, &d, &p), DD_OK);
    assert_true(fx->s->n_cargo > 0);
    assert_int_equal(s->n_cargo, 0);
    assert_null(s->cargo);
    assert_int_equal(s->n_people, fx->s->n_people);
    assert_null(p->loads);
    assert_int_equal(p->n_sorties, fx->p->n_sorties);
    for (size_t i = 0; i < p->n_sorties; i++) {
        assert_int_equal(p->sorties[i].departure, fx->p->sorties[i].departure);
        assert_int_equal(p->sorties[i].load, fx->p->sorties[i].load);
    }
    /* no status from a plan without its loads */
    dd_track_status *st = NULL;
    assert_int_equal(dd_track_status_compute(p, NULL, DD_TIME_NONE, &st, NULL), DD_EARG);
    assert_null(st);
    dd_events *e = NULL;
    const char *csv = "time,event,subject\n2024-06-08T10:00Z,departed,4\n"
                      "2024-06-08T11:00Z,departed,3\n";
    assert_int_equal(dd_events_parse(s, "more.csv", csv, strlen(csv), &d, &e), DD_OK);
    /* sortie 3 left already: refused as by a whole handle */
    assert_int_equal(dd_track_append(t, p, e, NULL, &fx->key, &d), DD_EINPUT);
    assert_int_equal(d.n_errors, 1);
    dd_events_free(e);
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    const char *one = "time,event,subject\n2024-06-08T10:00Z,departed,4\n";
    assert_int_equal(dd_events_parse(s, "more.csv", one, strlen(one), &d, &e), DD_OK);
    assert_int_equal(dd_track_append(t, p, e, NULL, &fx->key, &d), DD_OK);
    dd_events_free(e);
    dd_track_close(t);
    int64_t bad = -2;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    assert_int_equal(dd_track_get_info(t)->n_events, 8);
    /* the parts not kept are digested, not read into memory */
    assert_sparse(t, "scenario-image", t->h.scenario_stored, dd__scenimg_skips, 1);
    assert_sparse(t, "plan-image", t->h.image_stored, dd__image_skips, 2);
    dd_track_close(t);
    dd_diags_fini(&d);
}


/* The status's JSON of handle t (opened with `parts`), as text (free). */
static char *status_text(const char *log, dd_track_parts parts, dd_track **t_out,
                         const dd_scenario **s_out, const dd_plan **p_out)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open_parts(log, false, parts, &d, t_out), DD_OK);
    assert_int_equal(dd_track_scenario(*t_out, NIGER, &d, s_out), DD_OK);
    assert_int_equal(dd_track_plan(*t_out, *s_out, &d, p_out), DD_OK);
    dd_events *e = NULL;
    assert_int_equal(dd_track_events(*t_out, *s_out, &d, &e), DD_OK);
    dd_track_status *st = NULL;
    assert_int_equal(dd_track_status_compute(*p_out, e, DD_TIME_NONE, &st, NULL), DD_OK);
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    assert_int_equal(dd_track_status_write_json(*p_out, st, f), DD_OK);
    assert_int_equal(dd_track_status_write_text(*p_out, st, true, f), DD_OK);
    fclose(f);
    dd_track_status_free(st);
    dd_events_free(e);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
    return text;
}

/* Every cargo row read one at a time from a handle for the status is the
 * row the whole scenario has. */
static void assert_rows(dd_track *u, const dd_scenario *whole)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_cargo c;
    assert_int_equal(dd_track_cargo_row(u, 0, &c), DD_EARG); /* not indexed yet */
    size_t n = 0;
    assert_int_equal(dd_track_index_cargo(u, &n, &d), DD_OK);
    assert_int_equal(n, whole->n_cargo);
    for (size_t i = 0; i < n; i++) {
        const dd_cargo *w = &whole->cargo[i];
        assert_int_equal(dd_track_cargo_row(u, i, &c), DD_OK);
        assert_string_equal(c.id, w->id);
        assert_true(c.description == w->description ||
                    (c.description && w->description && !strcmp(c.description, w->description)));
        assert_true(c.unit == w->unit || (c.unit && w->unit && !strcmp(c.unit, w->unit)));
        assert_int_equal(c.site, w->site);
        assert_int_equal(c.quantity, w->quantity);
        assert_true(c.weight_kg == w->weight_kg && c.length_m == w->length_m &&
                    c.width_m == w->width_m && c.height_m == w->height_m);
        assert_int_equal(c.kind, w->kind);
        assert_int_equal(c.hazard, w->hazard);
        assert_int_equal(c.sensitive, w->sensitive);
        assert_int_equal(c.ready, w->ready);
        assert_int_equal(c.released_by, w->released_by);
        assert_int_equal(c.priority, w->priority);
        assert_int_equal(c.max_stack, w->max_stack);
        assert_int_equal(c.disposition, w->disposition);
        assert_int_equal(c.line, w->line);
    }
    assert_int_equal(dd_track_cargo_row(u, n, &c), DD_EARG);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
}

/* A handle for the status: the scenario without its cargo rows, the plan
 * with its loads; the same status, text and JSON, as a whole handle's,
 * each cargo row read from the image on demand, no new plan. */
static void assert_for_status(const char *log)
{
    dd_track *t = NULL, *u = NULL;
    const dd_scenario *s = NULL, *su = NULL;
    const dd_plan *p = NULL, *pu = NULL;
    char *a = status_text(log, DD_TRACK_WHOLE, &t, &s, &p);
    char *b = status_text(log, DD_TRACK_FOR_STATUS, &u, &su, &pu);
    assert_string_equal(a, b);
    free(a);
    free(b);
    assert_true(s->n_cargo > 0);
    assert_int_equal(su->n_cargo, 0);
    assert_null(su->cargo);
    assert_non_null(pu->loads);
    assert_int_equal(pu->loads->n_loads, p->loads->n_loads);
    assert_int_equal(pu->loads->n_pallets, p->loads->n_pallets);
    for (size_t i = 0; i < p->loads->n_loads; i++) {
        const dd_load *x = &p->loads->loads[i], *y = &pu->loads->loads[i];
        assert_int_equal(y->hazards, x->hazards);
        assert_int_equal(y->n_items, x->n_items);
        for (size_t k = 0; k < x->n_items; k++)
            assert_int_equal(y->items[k].ref, x->items[k].ref);
    }
    /* the new plan weighs every cargo row: not from this handle */
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    assert_int_equal(dd_track_status_compute(pu, NULL, DD_TIME_NONE, &st, &np), DD_EARG);
    assert_null(st);
    assert_null(np);
    assert_rows(u, s);
    dd_track_close(u);
    dd_track_close(t);
}

static void test_for_status(void **state)
{
    fixture *fx = *state;
    make_log(fx);
    assert_for_status(fx->log);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    /* the plan image read without the readiness alone */
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_sparse(t, "plan-image", t->h.image_stored, dd__image_skips_ready, 1);
    dd_track_close(t);
    /* a handle for events did not read the rows: none to index */
    const dd_scenario *s = NULL;
    assert_int_equal(dd_track_open_parts(fx->log, false, DD_TRACK_FOR_EVENTS, &d, &t), DD_OK);
    assert_int_equal(dd_track_index_cargo(t, NULL, &d), DD_EARG); /* no scenario yet */
    assert_int_equal(dd_track_scenario(t, NULL, &d, &s), DD_OK);
    size_t n = 1;
    assert_int_equal(dd_track_index_cargo(t, &n, &d), DD_EARG);
    assert_int_equal(n, 0);
    dd_cargo c;
    assert_int_equal(dd_track_cargo_row(t, 0, &c), DD_EARG);
    dd_track_close(t);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
}

/* A log made by the previous code, its images of version 4 (the cargo
 * rows and the loads not in sections yet; tests/data/track/
 * v2-img4-week1.log: the Niger plan and events-week1.csv): read whole,
 * and for events (the parts not kept read through), and added to. */
static void test_images_v4(void **state)
{
    fixture *fx = *state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s/track/v2-img4-week1.log %s", DD_TEST_DATA, fx->log);
    assert_int_equal(system(cmd), 0);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL, *u = NULL;
    const dd_scenario *s = NULL, *su = NULL;
    const dd_plan *p = NULL, *pu = NULL;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_scenario(t, NIGER, &d, &s), DD_OK);
    assert_true(t->scenario_from_image);
    assert_int_equal(s->n_cargo, fx->s->n_cargo);
    assert_string_equal(s->cargo[1].id, fx->s->cargo[1].id);
    assert_int_equal(dd_track_plan(t, s, &d, &p), DD_OK);
    assert_non_null(p->loads);
    assert_true(p->loads->n_loads > 0);
    assert_int_equal(p->n_sorties, 55);
    assert_int_equal(dd_track_open_parts(fx->log, true, DD_TRACK_FOR_EVENTS, &d, &u), DD_OK);
    assert_int_equal(dd_track_scenario(u, NIGER, &d, &su), DD_OK);
    assert_true(u->scenario_from_image);
    assert_int_equal(su->n_cargo, 0);
    assert_int_equal(su->n_people, s->n_people);
    assert_int_equal(dd_track_plan(u, su, &d, &pu), DD_OK);
    assert_null(pu->loads);
    assert_int_equal(pu->n_sorties, p->n_sorties);
    for (size_t i = 0; i < p->n_sorties; i++) {
        assert_int_equal(pu->sorties[i].load, p->sorties[i].load);
        assert_int_equal(pu->sorties[i].departure, p->sorties[i].departure);
        assert_int_equal(pu->sorties[i].n_pax, p->sorties[i].n_pax);
    }
    dd_events *e = NULL;
    const char *csv = "time,event\n2024-06-09T09:00Z,note\n";
    assert_int_equal(dd_events_parse(su, "more.csv", csv, strlen(csv), &d, &e), DD_OK);
    assert_int_equal(dd_track_append(u, pu, e, NULL, &fx->key, &d), DD_OK);
    assert_int_equal(dd_track_get_info(u)->n_events, 129);
    dd_events_free(e);
    dd_track_close(u);
    dd_track_close(t);
    int64_t bad = -2;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    dd_track_close(t);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
    /* read for the status: the rows, not in a section, read through */
    assert_for_status(fx->log);
}

/* The image damaged where a handle for events does not keep it (a cargo
 * row, a load's weight), so that its reader alone would take it: the
 * digest over the whole image still refuses it. */
static void assert_refused_for_events(fixture *fx, const char *msg)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    const dd_scenario *s = NULL;
    assert_int_equal(dd_track_open_parts(fx->log, true, DD_TRACK_FOR_EVENTS, &d, &t), DD_OK);
    assert_int_equal(dd_track_scenario(t, NULL, &d, &s), DD_EINPUT);
    assert_null(s);
    assert_int_equal(d.n_items, 1);
    assert_string_equal(d.items[0].message, msg);
    dd_track_close(t);
    dd_diags_fini(&d);
    /* nor appended to, given a scenario and plan of one's own */
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open_parts(fx->log, true, DD_TRACK_FOR_EVENTS, &d, &t), DD_OK);
    dd_events *e = NULL;
    const char *csv = "time,event,subject\n2024-06-08T10:00Z,departed,4\n";
    assert_int_equal(dd_events_parse(fx->s, "more.csv", csv, strlen(csv), &d, &e), DD_OK);
    assert_int_equal(dd_track_append(t, fx->p, e, NULL, &fx->key, &d), DD_EINPUT);
    assert_string_equal(d.items[0].message, msg);
    assert_int_equal(dd_track_get_info(t)->n_events, 7);
    dd_events_free(e);
    dd_track_close(t);
    dd_diags_fini(&d);
}

static void test_for_events_damaged(void **state)
{
    fixture *fx = *state;
    char why[200];
    size_t n;
    /* a cargo row's id in the scenario image */
    make_log(fx);
    unsigned char *v = blob_get(fx->log, "scenario-image", &n);
    const char *id = fx->s->cargo[1].id;
    v[find_bytes(v, n, id, strlen(id)) + strlen(id) - 1] ^= 0x01;
    dd_scenario *rs = NULL;
    assert_int_equal(dd__scenimg_read(v, n, NIGER, &rs, why, sizeof why), DD_OK);
    assert_string_not_equal(rs->cargo[1].id, id);
    dd__scenimg_free(rs);
    blob_put(fx->log, "scenario-image", v, n);
    free(v);
    assert_refused_for_events(fx, "the scenario stored in the log was altered after it was "
                                  "written");
    /* a load's weight in the plan image */
    make_log(fx);
    v = blob_get(fx->log, "plan-image", &n);
    assert_non_null(fx->p->loads);
    uint64_t u;
    double w = fx->p->loads->loads[0].weight_kg;
    memcpy(&u, &w, sizeof u);
    unsigned char be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (unsigned char)(u >> (56 - 8 * i));
    v[find_bytes(v, n, be, 8) + 7] ^= 0x01;
    dd_plan *rp = NULL;
    dd__image_loads *rl = NULL;
    assert_int_equal(dd__image_read(fx->s, v, n, true, true, fx->s->n_cargo, &rp, &rl, why, sizeof why),
                     DD_OK);
    assert_true(rp->loads->loads[0].weight_kg != w);
    dd_plan_free(rp);
    dd__image_loads_free(rl);
    blob_put(fx->log, "plan-image", v, n);
    free(v);
    assert_refused_for_events(fx, "the plan stored in the log was altered after it was written");
}

/* Read-only media: a folder its reader cannot write. As root, the reader
 * is run as nobody (setpriv); skipped when that cannot be done. */
static void test_read_only(void **state)
{
    fixture *fx = *state;
    make_log(fx);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "chmod 0555 %s && chmod 0444 %s", fx->dir, fx->log);
    assert_int_equal(system(cmd), 0);
    const char *as = "";
    if (geteuid() == 0) {
        as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        snprintf(cmd, sizeof cmd, "%s test -r '%s' -a -r '%s' -a -x '%s' 2>/dev/null", as,
                 fx->log, NIGER, DD_CLI);
        if (system(cmd) != 0) {
            print_message("read-only test skipped: cannot read the log, the scenario or the "
                          "program as nobody\n");
            return;
        }
    }
    const char *cmds[3] = {"track verify", "track log", "status"};
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, "cd / && %s'%s' %s '%s' >/dev/null", as, DD_CLI, cmds[k],
                 fx->log);
        int rc = system(cmd);
        if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0)
            fail_msg("'%s' on a read-only folder exited %d", cmds[k], WEXITSTATUS(rc));
    }
    /* and nothing was written beside it */
    DIR *dir = opendir(fx->dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        if (strstr(e->d_name, "-journal") || strstr(e->d_name, "-wal") ||
            strstr(e->d_name, "-shm"))
            fail_msg("written beside the log: %s", e->d_name);
    closedir(dir);
}

/* The keys file: made 0600, read back, refused when others may read it or
 * a line is not a key; names checked. */
static void test_keys(void **state)
{
    fixture *fx = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/sub/dir/keys", fx->dir);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_keyring *k = NULL;
    assert_int_equal(dd_keys_load(path, &d, &k), DD_OK); /* none yet */
    assert_int_equal(k->n, 0);
    assert_null(dd_keys_find(k, NULL));
    dd_keys_free(k);
    dd_key a, b;
    assert_int_equal(dd_keys_new(path, "liaison@ab101", &d, &a), DD_OK);
    assert_int_equal(dd_keys_new(path, "second", &d, &b), DD_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(dd_keys_load(path, &d, &k), DD_OK);
    assert_int_equal(k->n, 2);
    assert_string_equal(dd_keys_find(k, NULL)->name, "liaison@ab101");
    assert_memory_equal(dd_keys_find(k, "second")->secret_key, b.secret_key, 64);
    assert_null(dd_keys_find(k, "third"));
    dd_keys_free(k);
    assert_int_equal(d.n_items, 0);
    assert_int_equal(dd_keys_new(path, "second", &d, NULL), DD_EINPUT);
    assert_string_equal(d.items[0].message, "there is a key named 'second'");
    assert_int_equal(dd_keys_new(path, "two words", &d, NULL), DD_EINPUT);
    assert_string_equal(d.items[1].message,
                        "a key's name is letters, digits and . _ @ - + (up to 63), got 'two "
                        "words'");
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(dd_keys_load(path, &d, &k), DD_EIO);
    assert_null(k);
    assert_string_equal(d.items[0].message,
                        "the keys file may be read by others (mode 640): chmod 600 it");
    assert_int_equal(chmod(path, 0600), 0);
    FILE *f = fopen(path, "a");
    fputs("key broken\n", f);
    fclose(f);
    assert_int_equal(dd_keys_load(path, &d, &k), DD_EINPUT);
    assert_int_equal(d.items[1].line, 4);
    assert_string_equal(d.items[1].message, "not a key line (key NAME CREATED PUBLIC SECRET)");
    dd_diags_fini(&d);
    /* the default place: DRAWDOWN_KEYS, else the XDG folder, else HOME */
    char buf[256];
    setenv("DRAWDOWN_KEYS", "/x/keys", 1);
    assert_int_equal(dd_keys_path(buf, sizeof buf), DD_OK);
    assert_string_equal(buf, "/x/keys");
    unsetenv("DRAWDOWN_KEYS");
    setenv("XDG_CONFIG_HOME", "/cfg", 1);
    assert_int_equal(dd_keys_path(buf, sizeof buf), DD_OK);
    assert_string_equal(buf, "/cfg/drawdown/keys");
    unsetenv("XDG_CONFIG_HOME");
    char home[256];
    snprintf(home, sizeof home, "%s", getenv("HOME") ? getenv("HOME") : "/");
    setenv("HOME", "/home/u", 1);
    assert_int_equal(dd_keys_path(buf, sizeof buf), DD_OK);
    assert_string_equal(buf, "/home/u/.config/drawdown/keys");
    setenv("HOME", home, 1);
    /* a key the log knows under another name is refused */
    make_log(fx);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, true, &d, &t), DD_OK);
    dd_key renamed = fx->key;
    snprintf(renamed.name, sizeof renamed.name, "eve");
    dd_events *e = NULL;
    const char *csv = "time,event\n2024-06-09T09:00Z,note\n";
    assert_int_equal(dd_events_parse(fx->s, "x.csv", csv, strlen(csv), &d, &e), DD_OK);
    assert_int_equal(dd_track_append(t, fx->p, e, NULL, &renamed, &d), DD_EINPUT);
    assert_string_equal(d.items[0].message, "the log knows this key as 'alice', not 'eve'");
    /* another recorder's key is added and named */
    assert_int_equal(dd_track_append(t, fx->p, e, NULL, &fx->mallory, &d), DD_OK);
    int64_t bad;
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    size_t n;
    const dd_track_batch *bt = dd_track_batches(t, &n);
    assert_int_equal(n, 4);
    assert_string_equal(bt[3].signer, "mallory");
    dd_events_free(e);
    dd_track_close(t);
    dd_diags_fini(&d);
}

/* A new plan accepted: stored in the log with a signed event, read back
 * as written, refused when altered or removed; a file cannot forge the
 * mark of an accepted plan. */
static void test_accepted_plan(void **state)
{
    fixture *fx = *state;
    make_log(fx);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, true, &d, &t), DD_OK);
    const dd_plan *p = NULL;
    assert_int_equal(dd_track_plan(t, fx->s, &d, &p), DD_OK);
    dd_events *e = NULL;
    assert_int_equal(dd_track_events(t, fx->s, &d, &e), DD_OK);
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    assert_int_equal(dd_track_status_compute(p, e, DD_TIME_NONE, &st, &np), DD_OK);
    int64_t event = 0;
    assert_int_equal(dd_track_accept_plan(t, p, np, NIGER, st->at, "agreed", &fx->key, &event,
                                          &d),
                     DD_OK);
    assert_int_equal(event, 8);
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    FILE *f = open_memstream(&a, &na);
    assert_int_equal(dd_plan_write_json(np, NIGER, f), DD_OK);
    fclose(f);
    f = open_memstream(&b, &nb);
    assert_int_equal(dd_track_write_accepted_plan(t, 8, f, &d), DD_OK);
    fclose(f);
    assert_string_equal(a, b);
    free(a);
    free(b);
    assert_int_equal(d.n_items, 0);
    /* a file that forges the mark is refused */
    dd_events *forged = NULL;
    const char *csv = "time,event,note,source\n2024-06-09T09:00Z,note,x,stored plan ab\n";
    assert_int_equal(dd_events_parse(fx->s, "f.csv", csv, strlen(csv), &d, &forged), DD_OK);
    assert_int_equal(dd_track_append(t, p, forged, NULL, &fx->key, &d), DD_EINPUT);
    assert_string_equal(d.items[0].message, "a source that starts with 'stored plan ' is the "
                                            "log's mark of an accepted plan");
    dd_events_free(forged);
    dd_track_status_free(st);
    dd_plan_free(np);
    dd_events_free(e);
    dd_track_close(t);
    dd_diags_fini(&d);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    int64_t bad;
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    dd_track_close(t);
    /* altered, then removed */
    sql(fx->log, "DROP TRIGGER plans_fixed; UPDATE plans SET data=zeroblob(8)");
    assert_refused(fx, 8, "the plan accepted at event 8 was altered after it was written");
    sql(fx->log, "DROP TRIGGER plans_kept; DELETE FROM plans");
    assert_refused(fx, 8, "the plan accepted at event 8 is missing from the log");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_and_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_for_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_for_events_damaged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_for_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_images_v4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accepted_plan, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
