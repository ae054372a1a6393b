/* SPDX-License-Identifier: MIT */
/*
 * Tests for tracking: the events CSV (every bad cell a located error with
 * its text), the event log (append, read back, the hash chain finding an
 * edit or a deleted row, a killed writer leaving a whole log, refusing to
 * overwrite), the events checked against the plan, and the status with
 * its re-plan on the Niger example.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/track.h>
#include <drawdown/verify.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"

#define NIGER DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml"

typedef struct fixture {
    dd_scenario *s;
    dd_plan *p;
    char dir[64];
    char log[128];
    dd_key key; /* the recorder's, in the test's folder */
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_scenario_load(NIGER, &d, &fx->s), DD_OK);
    dd_diags_fini(&d);
    dd_plan_options o;
    dd_plan_options_init(&o);
    assert_int_equal(dd_plan_build(fx->s, &o, &fx->p), DD_OK);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-track-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->log, sizeof fx->log, "%s/niger.log", fx->dir);
    char keys[128];
    snprintf(keys, sizeof keys, "%s/keys", fx->dir);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_keys_new(keys, "recorder", &d, &fx->key), DD_OK);
    dd_diags_fini(&d);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
    if (system(cmd) != 0)
        return -1;
    dd_plan_free(fx->p);
    dd_scenario_free(fx->s);
    free(fx);
    return 0;
}

static dd_events *parse_ok(const dd_scenario *s, const char *text)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    dd_status st = dd_events_parse(s, "ev.csv", text, strlen(text), &d, &e);
    for (size_t i = 0; i < d.n_items; i++)
        print_message("%u:%u %s\n", d.items[i].line, d.items[i].col, d.items[i].message);
    assert_int_equal(st, DD_OK);
    assert_int_equal(d.n_errors, 0);
    dd_diags_fini(&d);
    return e;
}

/* One bad row: exactly one error, at line:col, with this message. */
static void parse_bad(const dd_scenario *s, const char *row, uint32_t col, const char *msg)
{
    char text[512];
    snprintf(text, sizeof text, "time,event,subject,value,note\n%s\n", row);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    assert_int_equal(dd_events_parse(s, "ev.csv", text, strlen(text), &d, &e), DD_EINPUT);
    assert_null(e);
    if (d.n_errors != 1 || d.items[0].line != 2 || d.items[0].col != col ||
        strcmp(d.items[0].message, msg))
        print_error("row '%s': got %zu errors, first %u:%u '%s'\n", row, d.n_errors,
                    d.n_items ? d.items[0].line : 0, d.n_items ? d.items[0].col : 0,
                    d.n_items ? d.items[0].message : "");
    assert_int_equal(d.n_errors, 1);
    assert_string_equal(d.items[0].file, "ev.csv");
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, col);
    assert_string_equal(d.items[0].message, msg);
    assert_non_null(d.items[0].source_line);
    dd_diags_fini(&d);
}

static void test_events_parse(void **state)
{
    fixture *fx = *state;
    dd_events *e = parse_ok(fx->s,
                            "time,event,subject,value,note\n"
                            "2024-06-01T08:00Z,clearance-filed,1,,\n"
                            "2024-06-03T10:00Z,Clearance-Approved,sortie 1,"
                            "2024-06-07T03:00Z/2024-06-08T03:00Z,\n"
                            "2024-06-07T04:10Z,departed,#1,3,\n"
                            "2024-06-07 07:00,closed,AB101,2024-06-08T12:00Z,\"dust, wind\"\n"
                            "2024-06-07T07:00Z,tail-down,C17A 2,2024-06-09,hydraulics\n"
                            "2024-06-07T08:00Z,task-done,101-PACK-1,,\n"
                            ",,,,\n"
                            "2024-06-07T09:00Z,note,,,all well\n");
    assert_int_equal(e->n, 7);
    assert_int_equal(e->v[0].kind, DD_EV_FILED);
    assert_int_equal(e->v[0].sortie, 1);
    assert_int_equal(e->v[1].kind, DD_EV_APPROVED);
    assert_int_equal(e->v[1].window_to - e->v[1].window_from, 1440);
    assert_int_equal(e->v[2].kind, DD_EV_DEPARTED);
    assert_int_equal(e->v[2].tail, 3);
    assert_int_equal(e->v[2].line, 4);
    /* no offset: the host country's time (UTC+1), as in the inventories */
    assert_int_equal(e->v[3].at, e->v[4].at - 60);
    assert_int_equal(e->v[3].kind, DD_EV_CLOSED);
    assert_string_equal(e->v[3].note, "dust, wind");
    assert_string_equal(fx->s->sites[e->v[3].index].id, "AB101");
    assert_int_equal(e->v[4].kind, DD_EV_TAIL_DOWN);
    assert_string_equal(fx->s->aircraft[e->v[4].index].id, "C17A");
    assert_int_equal(e->v[4].tail, 2);
    assert_int_equal(e->v[5].kind, DD_EV_TASK_DONE);
    assert_string_equal(fx->s->tasks[e->v[5].index].id, "101-PACK-1");
    assert_int_equal(e->v[6].kind, DD_EV_NOTE);
    assert_string_equal(e->v[6].note, "all well");
    dd_events_free(e);
}

static void test_events_errors(void **state)
{
    fixture *fx = *state;
    const dd_scenario *s = fx->s;
    parse_bad(s, "2024-06-07T04:10Z,departd,1,,", 19,
              "unknown event 'departd' (did you mean 'departed'?)");
    parse_bad(s, "2024-06-07T04:10Z,departed,one,,", 28,
              "expected a sortie number of the plan, got 'one'");
    parse_bad(s, "2024-06-07T04:10Z,departed,,,", 28,
              "departed needs a subject: the sortie number");
    parse_bad(s, "2024-06-07T04:10Z,departed,1,x,", 30,
              "expected the tail number that flew, got 'x'");
    parse_bad(s, "yesterday,departed,1,,", 1,
              "expected an ISO 8601 date or time such as 2024-09-15 or 2024-09-15T23:00Z, got "
              "'yesterday'");
    parse_bad(s, "2024-06-07T04:10Z,task-done,101-PAK-1,,", 29,
              "unknown task '101-PAK-1' (did you mean '101-PACK-1'?)");
    parse_bad(s, "2024-06-07T04:10Z,closed,AB102,2024-06-08,", 26,
              "unknown site 'AB102' (did you mean 'AB101'?)");
    parse_bad(s, "2024-06-07T04:10Z,closed,AB101,,", 32, "closed needs a value: until when");
    parse_bad(s, "2024-06-07T04:10Z,retracted,the third,,", 29,
              "expected the number of an event in the log ('track log'), got 'the third'");
    parse_bad(s, "2024-06-07T04:10Z,processed,101-SEC-C,,", 29,
              "unknown personnel group '101-SEC-C' (did you mean '101-SEC-A'?)");
    parse_bad(s, "2024-06-07T04:10Z,processed,101-SEC-A,51,", 39,
              "expected how many of 101-SEC-A's 50 were processed, got '51'");
    parse_bad(s, "2024-06-07T04:10Z,closed,AB101,2024-06-07T04:00Z,", 32,
              "until 2024-06-07T04:00Z is not after the event's time");
    parse_bad(s, "2024-06-07T04:10Z,tail-down,C17A 9,2024-06-09,", 29,
              "C17A has 6 tails at most, got tail 9");
    parse_bad(s, "2024-06-07T04:10Z,tail-down,C17,2024-06-09,", 29,
              "expected an aircraft type and a tail number ('C-17A 2'), got 'C17'");
    parse_bad(s, "2024-06-07T04:10Z,clearance-approved,2,2024-06-09,", 40,
              "expected the window granted, FROM/TO, got '2024-06-09'");
    parse_bad(s, "2024-06-07T04:10Z,clearance-approved,2,2024-06-09/2024-06-08,", 40,
              "the window ends before it starts: '2024-06-09/2024-06-08'");
}

static void test_events_header(void **state)
{
    fixture *fx = *state;
    const char *text = "when,event\n2024-06-07T04:10Z,note\n";
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    assert_int_equal(dd_events_parse(fx->s, "ev.csv", text, strlen(text), &d, &e), DD_EINPUT);
    assert_true(d.n_errors >= 1);
    assert_int_equal(d.items[0].line, 1);
    assert_int_equal(d.items[0].col, 1);
    assert_string_equal(d.items[0].message, "unknown column 'when'");
    dd_diags_fini(&d);
}

static void start(fixture *fx, dd_track **t)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_create(fx->log, fx->p, NIGER, &fx->key, &d), DD_OK);
    assert_int_equal(dd_track_open(fx->log, true, &d, t), DD_OK);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
}

static void append_text(fixture *fx, dd_track *t, const char *text)
{
    dd_events *e = parse_ok(fx->s, text);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_append(t, fx->p, e, "2024-06-07T12:00:00Z", &fx->key, &d), DD_OK);
    dd_events_free(e);
    dd_diags_fini(&d);
}

static const char day1[] = "time,event,subject,value,note\n"
                           "2024-06-01T08:00Z,clearance-filed,1,,\n"
                           "2024-06-03T10:00Z,clearance-approved,1,,\n"
                           "2024-06-07T04:10Z,departed,1,,\n"
                           "2024-06-07T07:00Z,note,,,\"a, note\"\n";

/* The handle's checks keep what they need of the log between appends: a
 * retraction in the log undoes what it retracted, and a refused batch
 * leaves nothing behind in that state; the answers are dd_track_check's. */
static void append_refused(fixture *fx, dd_track *t, const char *text, const char *message)
{
    dd_events *e = parse_ok(fx->s, text);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_append(t, fx->p, e, NULL, &fx->key, &d), DD_EINPUT);
    assert_string_equal(d.items[d.n_items - 1].message, message);
    dd_events_free(e);
    dd_diags_fini(&d);
}

static void test_append_checks_kept(void **state)
{
    fixture *fx = *state;
    dd_track *t = NULL;
    start(fx, &t);
    append_text(fx, t, day1); /* events 1-4: sortie 1 filed, approved, gone */
    append_refused(fx, t, "time,event,subject\n2024-06-07T09:00Z,departed,1\n",
                   "sortie 1 left already (ev.csv:4, event 3 of the log)");
    /* a batch refused for its second event: its first is not kept either */
    append_refused(fx, t,
                   "time,event,subject\n2024-06-07T09:00Z,departed,2\n"
                   "2024-06-07T09:10Z,departed,2\n",
                   "sortie 2 left already (ev.csv:2)");
    append_text(fx, t, "time,event,subject\n2024-06-07T09:00Z,departed,2\n"); /* event 5 */
    append_text(fx, t, "time,event,subject,note\n2024-06-07T10:00Z,retracted,3,wrong day\n");
    /* sortie 1 is on the ground again; sortie 2 is not */
    append_text(fx, t, "time,event,subject\n2024-06-08T04:00Z,departed,1\n"); /* event 7 */
    append_refused(fx, t, "time,event,subject\n2024-06-08T05:00Z,departed,1\n",
                   "sortie 1 left already (ev.csv:2, event 7 of the log)");
    append_refused(fx, t, "time,event,subject\n2024-06-08T05:00Z,aborted,2\n",
                   "sortie 2 left already (ev.csv:2, event 5 of the log)");
    append_refused(fx, t, "time,event,subject\n2024-06-08T05:00Z,clearance-approved,1\n",
                   "sortie 1 left already (ev.csv:2, event 7 of the log)");
    append_refused(fx, t, "time,event,subject\n2024-06-08T05:00Z,retracted,3\n",
                   "event 3 is retracted already (ev.csv:2, event 6 of the log)");
    /* the same answers from the long way, on another handle */
    dd_track *u = NULL;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, true, &d, &u), DD_OK);
    dd_events *all = NULL, *add = parse_ok(fx->s, "time,event,subject\n"
                                                  "2024-06-08T05:00Z,departed,1\n"
                                                  "2024-06-08T05:00Z,departed,3\n");
    assert_int_equal(dd_track_events(u, fx->s, &d, &all), DD_OK);
    assert_int_equal(all->n, 7);
    assert_int_equal(dd_track_check(fx->p, all, add, &d), DD_EINPUT);
    assert_int_equal(d.n_errors, 1);
    assert_int_equal(dd_track_check_log(u, fx->p, add, &d), DD_EINPUT);
    assert_int_equal(d.n_errors, 2);
    assert_string_equal(d.items[0].message, d.items[1].message);
    dd_events_free(add);
    dd_events_free(all);
    dd_track_close(u);
    dd_track_close(t);
    dd_diags_fini(&d);
}

static void test_log_roundtrip(void **state)
{
    fixture *fx = *state;
    dd_track *t = NULL;
    start(fx, &t);
    const dd_track_info *i = dd_track_get_info(t);
    assert_int_equal(i->seed, fx->p->seed);
    assert_int_equal(strlen(i->plan_sha256), 64);
    char hex[65];
    assert_int_equal(dd_track_plan_hash(fx->p, i->scenario, hex), DD_OK);
    assert_string_equal(hex, i->plan_sha256);
    append_text(fx, t, day1);
    append_text(fx, t, "time,event,subject\n2024-06-07T09:00Z,departed,2\n");
    assert_int_equal(i->n_events, 5);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    assert_int_equal(dd_track_events(t, fx->s, &d, &e), DD_OK);
    assert_int_equal(e->n, 5);
    assert_int_equal(e->v[2].kind, DD_EV_DEPARTED);
    assert_int_equal(e->v[3].kind, DD_EV_NOTE);
    assert_string_equal(e->v[3].note, "a, note");
    assert_int_equal(e->v[4].sortie, 2);
    int64_t bad;
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    assert_int_equal(bad, -1);
    /* refused under the lock: sortie 2 left already; nothing is added */
    dd_events *again = parse_ok(fx->s, "time,event,subject\n2024-06-07T09:30Z,note,\n"
                                       "2024-06-07T09:30Z,departed,2\n");
    assert_int_equal(dd_track_append(t, fx->p, again, NULL, &fx->key, &d), DD_EINPUT);
    assert_string_equal(d.items[d.n_items - 1].message,
                        "sortie 2 left already (ev.csv:2, event 5 of the log)");
    assert_int_equal(i->n_events, 5);
    dd_events_free(again);
    dd_events_free(e);
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_events(t, fx->s, &d, &e), DD_OK);
    assert_int_equal(e->n, 5);
    dd_events_free(e);
    dd_track_close(t);
    /* a log is started once */
    assert_int_equal(dd_track_create(fx->log, fx->p, NIGER, &fx->key, &d), DD_EIO);
    assert_string_equal(d.items[0].message,
                        "the file exists: a log is started once (remove it to start over)");
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_get_info(t)->n_events, 5);
    dd_track_close(t);
    dd_diags_fini(&d);
}

static char *plan_text(const dd_plan *p)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_int_equal(dd_plan_write_json(p, NIGER, f), DD_OK);
    fclose(f);
    return buf;
}

/* The log holds its plan: read back from the log (never planned again),
 * it writes the same plan file byte for byte and gives the same status;
 * the stored plan file is the one the planner wrote. */
static void test_log_plan(void **state)
{
    fixture *fx = *state;
    dd_track *t = NULL;
    start(fx, &t);
    append_text(fx, t, day1);
    dd_track_close(t);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    const dd_plan *lp = NULL;
    assert_int_equal(dd_track_plan(t, fx->s, &d, &lp), DD_OK);
    assert_ptr_not_equal(lp, fx->p);
    char *a = plan_text(fx->p), *b = plan_text(lp);
    assert_string_equal(a, b);
    char *c = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&c, &n);
    assert_int_equal(dd_track_write_plan_file(t, f, &d), DD_OK);
    fclose(f);
    assert_string_equal(a, c);
    free(a);
    free(b);
    free(c);
    dd_events *e = NULL;
    assert_int_equal(dd_track_events(t, fx->s, &d, &e), DD_OK);
    assert_int_equal(e->n, 4);
    assert_string_equal(e->v[3].note, "a, note");
    dd_track_status *s1 = NULL, *s2 = NULL;
    assert_int_equal(dd_track_status_compute(fx->p, e, DD_TIME_NONE, &s1, NULL), DD_OK);
    assert_int_equal(dd_track_status_compute(lp, e, DD_TIME_NONE, &s2, NULL), DD_OK);
    assert_int_equal(s1->completion_projected, s2->completion_projected);
    assert_int_equal(s1->requests_to_file, s2->requests_to_file);
    assert_memory_equal(s1->sorties, s2->sorties, s1->n_sorties * sizeof *s1->sorties);
    dd_track_status_free(s1);
    dd_track_status_free(s2);
    dd_events_free(e);
    dd_track_close(t);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
}

/* The plan image (src/track/image.c) stores every field of the plan and
 * its loads, listed by hand: a field added to one of these structures
 * must be added there too (and DD__IMAGE_VERSION raised), or status would
 * read it back as zero. The sizes below are those the image was written
 * for (x86_64); when one changes, update the image, then the size. */
static void test_image_covers_plan(void **state)
{
    (void)state;
#if defined(__x86_64__)
    const struct {
        const char *what;
        size_t size, image;
    } v[] = {
        {"dd_plan", sizeof(dd_plan), 4248},
        {"dd_sortie", sizeof(dd_sortie), 184},
        {"dd_pax", sizeof(dd_pax), 12},
        {"dd_clearance_req", sizeof(dd_clearance_req), 48},
        {"dd_task_time", sizeof(dd_task_time), 16},
        {"dd_movement", sizeof(dd_movement), 32},
        {"dd_site_day", sizeof(dd_site_day), 56},
        {"dd_site_plan", sizeof(dd_site_plan), 24},
        {"dd_milestone_result", sizeof(dd_milestone_result), 32},
        {"dd_relaxation", sizeof(dd_relaxation), 216},
        {"dd_pallet", sizeof(dd_pallet), 72},
        {"dd_piece", sizeof(dd_piece), 8},
        {"dd_load", sizeof(dd_load), 96},
        {"dd_load_item", sizeof(dd_load_item), 16},
        {"dd_site_loads", sizeof(dd_site_loads), 96},
        {"dd_loadplan", sizeof(dd_loadplan), 72},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i].size != v[i].image)
            fail_msg("%s is %zu bytes, the plan image was written for %zu: add its new "
                     "fields to src/track/image.c (and raise DD__IMAGE_VERSION)",
                     v[i].what, v[i].size, v[i].image);
#endif
}

/* Edit the file behind the tool's back (the triggers dropped first). */
static void tamper(const char *log, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(log, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        print_error("%s\n", err);
    sqlite3_free(err);
    assert_int_equal(rc, SQLITE_OK);
    sqlite3_close(db);
}

static void test_log_tamper(void **state)
{
    fixture *fx = *state;
    dd_track *t = NULL;
    start(fx, &t);
    append_text(fx, t, day1);
    dd_track_close(t);
    /* the triggers refuse a plain edit */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(fx->log, &db), SQLITE_OK);
    assert_int_not_equal(
        sqlite3_exec(db, "UPDATE events SET time='2024-06-07T05:10Z' WHERE seq=3", NULL, NULL,
                     NULL),
        SQLITE_OK);
    assert_string_equal(sqlite3_errmsg(db), "events are never changed: add a new one");
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM events WHERE seq=2", NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
    /* an edit made without them is found */
    tamper(fx->log, "DROP TRIGGER events_fixed;"
                    "UPDATE events SET time='2024-06-07T05:10Z' WHERE seq=3");
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    int64_t bad;
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_EINPUT);
    assert_int_equal(bad, 3);
    assert_string_equal(d.items[0].message,
                        "event 3 (2024-06-07T05:10Z departed 1) was altered after it was "
                        "written, or an event before it was");
    dd_track_close(t);
    dd_diags_fini(&d);
    /* so is a deleted row */
    tamper(fx->log, "UPDATE events SET time='2024-06-07T04:10Z' WHERE seq=3;"
                    "DROP TRIGGER events_kept; DELETE FROM events WHERE seq=2");
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_EINPUT);
    assert_int_equal(bad, 2);
    assert_string_equal(d.items[0].message, "event 2 is missing (the next is 3)");
    dd_track_close(t);
    dd_diags_fini(&d);
    /* and a changed header */
    tamper(fx->log, "DROP TRIGGER header_fixed; UPDATE header SET seed='7'");
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_EINPUT);
    assert_int_equal(bad, 0);
    assert_string_equal(d.items[0].message, "the log's header was altered after it was written");
    dd_track_close(t);
    dd_diags_fini(&d);
}

/* After a writer was killed: the log opens, holds events written two by
 * two (both events of a file, or neither), and its chain verifies. */
static void assert_whole_after_kill(const char *log)
{
    dd_track *t = NULL;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_open(log, false, &d, &t), DD_OK);
    int64_t n = dd_track_get_info(t)->n_events, bad;
    assert_true(n > 0);
    assert_int_equal(n % 2, 0);
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    dd_track_close(t);
    dd_diags_fini(&d);
}

/* A writer killed at any moment leaves a log whose chain holds and whose
 * every event is whole. */
static void test_log_killed_writer(void **state)
{
    fixture *fx = *state;
    dd_track *t = NULL;
    start(fx, &t);
    dd_track_close(t);
    for (int round = 0; round < 3; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            dd_diags d;
            dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
            dd_track *w = NULL;
            if (dd_track_open(fx->log, true, &d, &w) != DD_OK)
                _exit(3);
            dd_events *e = parse_ok(fx->s, "time,event\n2024-06-07T09:00Z,note\n"
                                           "2024-06-07T09:01Z,note\n");
            for (;;)
                if (dd_track_append(w, fx->p, e, NULL, &fx->key, &d) != DD_OK)
                    _exit(4);
        }
        struct timespec ts = {0, 150000000L + 50000000L * round};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
    }
    assert_whole_after_kill(fx->log);
}

/* A writer that holds the log (drawdown serve) has its WAL made full size
 * at once, zeros past the frames (an append's sync is then of data only:
 * issue #16); killed while it appends, the log read with that WAL beside
 * it holds every whole batch and verifies. */
static void test_log_held_writer_killed(void **state)
{
    fixture *fx = *state;
    dd_track *t = NULL;
    start(fx, &t);
    dd_track_close(t);
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        dd_track *w = NULL;
        if (dd_track_open(fx->log, true, &d, &w) != DD_OK || dd_track_hold(w, true, &d) != DD_OK)
            _exit(3);
        if (write(ready[1], "h", 1) != 1)
            _exit(5);
        dd_events *e = parse_ok(fx->s, "time,event\n2024-06-07T09:00Z,note\n"
                                       "2024-06-07T09:01Z,note\n");
        for (;;)
            if (dd_track_append(w, fx->p, e, NULL, &fx->key, &d) != DD_OK)
                _exit(4);
    }
    close(ready[1]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    /* the WAL's size before any append could make it: wal_autocheckpoint
     * (1000 pages of 4 KiB) and a quarter more, frames of 24 + 4096 bytes */
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", fx->log);
    struct stat st;
    int seen = stat(wal, &st);
    struct timespec ts = {0, 200000000L};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL); /* before any assertion: a failed one leaves no writer */
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(seen, 0);
    assert_true(st.st_size >= 32 + 1250 * (24 + 4096));
    assert_whole_after_kill(fx->log);
}

static void test_check(void **state)
{
    fixture *fx = *state;
    dd_events *prior = parse_ok(fx->s, day1);
    dd_events *add = parse_ok(fx->s, "time,event,subject,value\n"
                                     "2024-06-08T04:00Z,departed,1,\n"
                                     "2024-06-08T04:00Z,departed,99,\n"
                                     "2024-06-08T04:00Z,task-done,101-INV,\n"
                                     "2024-06-08T05:00Z,task-done,101-INV,\n"
                                     "2024-06-08T05:00Z,aborted,3,\n"
                                     "2024-06-08T05:00Z,processed,101-SEC-A,30\n"
                                     "2024-06-08T06:00Z,processed,101-SEC-A,30\n");
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_check(fx->p, prior, add, &d), DD_EINPUT);
    assert_int_equal(d.n_errors, 4);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 28);
    assert_string_equal(d.items[0].message, "sortie 1 left already (ev.csv:4)");
    assert_int_equal(d.items[1].line, 3);
    assert_string_equal(d.items[1].message, "the plan has no sortie 99 (1 to 55)");
    assert_int_equal(d.items[2].line, 5);
    assert_string_equal(d.items[2].message, "task 101-INV is done already (ev.csv:4)");
    assert_int_equal(d.items[3].line, 8);
    assert_int_equal(d.items[3].col, 39);
    assert_string_equal(d.items[3].message,
                        "101-SEC-A has 50 people; 30 processed already, 30 more is too many");
    dd_diags_fini(&d);
    dd_events_free(prior);
    dd_events_free(add);
}

/* A request is decided once: a second decision needs a filing between
 * (or the first decision retracted). */
static void test_check_decided_once(void **state)
{
    fixture *fx = *state;
    dd_events *prior = parse_ok(fx->s, "time,event,subject,value\n"
                                       "2024-06-05T08:00Z,clearance-filed,10,\n"
                                       "2024-06-06T08:00Z,clearance-denied,10,\n"
                                       "2024-06-05T08:00Z,clearance-filed,11,\n"
                                       "2024-06-06T08:00Z,clearance-approved,11,\n");
    dd_events *add = parse_ok(fx->s, "time,event,subject,value\n"
                                     "2024-06-07T08:00Z,clearance-approved,10,\n"
                                     "2024-06-07T08:00Z,clearance-filed,11,\n"
                                     "2024-06-07T09:00Z,clearance-denied,11,\n"
                                     "2024-06-07T09:00Z,clearance-denied,11,\n");
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_check(fx->p, prior, add, &d), DD_EINPUT);
    assert_int_equal(d.n_errors, 2);
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].message,
                        "sortie 10's request was denied already (ev.csv:3): file it anew "
                        "before deciding it again, or retract that decision");
    assert_int_equal(d.items[1].line, 5);
    assert_string_equal(d.items[1].message,
                        "sortie 11's request was denied already (ev.csv:4): file it anew "
                        "before deciding it again, or retract that decision");
    dd_diags_fini(&d);
    dd_events_free(prior);
    dd_events_free(add);
}

/* A plan the tracker makes must pass the verifier, which shares no code
 * with the planner; a history may leave no way to meet a closing date or
 * the deadline, which the plan must then say. */
static void assert_verified(const dd_scenario *s, const dd_plan *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(dd_plan_write_json(p, s->path, f), DD_OK);
    fclose(f);
    dd_verify_report *r = NULL;
    assert_int_equal(dd_verify_plan(s, "replan.json", buf, len, &r), DD_OK);
    size_t late = r->by_kind[DD_V_SITE_CLOSE] + r->by_kind[DD_V_DEADLINE];
    if (r->n_violations != late)
        for (size_t i = 0; i < r->n_stored && i < 20; i++)
            print_message("violation: %s\n", r->violations[i].message);
    assert_int_equal(r->n_violations, late);
    if (late)
        assert_false(p->deadline_met);
    dd_verify_report_free(r);
    free(buf);
}

/* Corrections: a retraction voids an event of the log; the sortie it
 * said had left is on the ground again and may leave later. */
static void test_retracted(void **state)
{
    fixture *fx = *state;
    dd_events *prior = parse_ok(fx->s, day1); /* event 3: sortie 1 departed */
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *bad = parse_ok(fx->s, "time,event,subject\n"
                                     "2024-06-08T04:00Z,retracted,event 9\n"
                                     "2024-06-08T04:00Z,retracted,3\n"
                                     "2024-06-08T04:00Z,retracted,#3\n");
    assert_int_equal(dd_track_check(fx->p, prior, bad, &d), DD_EINPUT);
    assert_int_equal(d.n_errors, 2);
    assert_string_equal(d.items[0].message,
                        "the log has 4 events: there is no event 9 to retract");
    assert_int_equal(d.items[1].line, 4);
    assert_string_equal(d.items[1].message, "event 3 is retracted already (ev.csv:3)");
    dd_diags_fini(&d);
    dd_events_free(bad);
    /* retracted, then reported again later: accepted */
    dd_events *fix = parse_ok(fx->s, "time,event,subject,note\n"
                                     "2024-06-08T04:00Z,retracted,3,wrong sortie\n"
                                     "2024-06-08T04:05Z,departed,1,\n");
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_check(fx->p, prior, fix, &d), DD_OK);
    dd_diags_fini(&d);
    dd_events_free(fix);
    /* the status of a log whose event 3 is retracted */
    dd_events *all = parse_ok(fx->s, "time,event,subject\n"
                                     "2024-06-07T04:10Z,departed,1\n"
                                     "2024-06-07T04:20Z,retracted,1\n");
    dd_track_status *st = NULL;
    assert_int_equal(dd_track_status_compute(fx->p, all, DD_TIME_NONE, &st, NULL), DD_OK);
    assert_int_equal(st->sorties_departed, 0);
    assert_int_not_equal(st->sorties[0].state, DD_SORTIE_DEPARTED);
    dd_track_status_free(st);
    dd_events_free(all);
    dd_events_free(prior);
}

static void test_status(void **state)
{
    fixture *fx = *state;
    const dd_plan *p = fx->p;
    /* nothing happened yet: the plan holds as it is */
    dd_track_status *st = NULL;
    assert_int_equal(dd_track_status_compute(p, NULL, 0, &st, NULL), DD_OK);
    assert_int_equal(st->sorties_due, 0);
    assert_int_equal(st->sorties_unplaced, 0);
    assert_int_equal(st->completion_projected, p->completion);
    assert_true(st->deadline_met_projected);
    for (size_t i = 0; i < p->n_sorties; i++)
        assert_int_equal(st->sorties[i].projected, p->sorties[i].departure);
    dd_track_status_free(st);

    /* day one: sortie 1 flew; 2 did not (its request was denied); AB101
     * is closed for a day and a half */
    char text[1024];
    char t1[40], t2[40], t3[40];
    dd_scenario_format_time(fx->s, p->sorties[0].departure + 10, 0, t1, sizeof t1);
    dd_scenario_format_time(fx->s, p->sorties[0].departure + 60, 0, t2, sizeof t2);
    dd_scenario_format_time(fx->s, p->sorties[0].departure + 36 * 60, 0, t3, sizeof t3);
    snprintf(text, sizeof text,
             "time,event,subject,value,note\n"
             "%s,departed,1,,\n"
             "%s,clearance-denied,2,,\n"
             "%s,closed,AB101,%s,\n"
             "%s,processed,101-SEC-A,20,\n"
             "%s,processed,101-OPS-AVN,,\n",
             t1, t2, t2, t3, t1, t1);
    dd_events *e = parse_ok(fx->s, text);
    dd_plan *np = NULL;
    assert_int_equal(dd_track_status_compute(p, e, DD_TIME_NONE, &st, &np), DD_OK);
    /* the new plan: whole, verified, and saying what the status says */
    assert_non_null(np);
    assert_int_equal(np->n_sorties, p->n_sorties);
    assert_true(np->all_out);
    assert_int_equal(np->completion, st->completion_projected);
    assert_int_equal(np->sorties[0].departure, p->sorties[0].departure + 10);
    assert_verified(fx->s, np);
    dd_plan_free(np);
    assert_int_equal(st->n_events, 5);
    assert_int_equal(st->processed, 60);
    assert_int_equal(st->sites[p->sorties[0].site].processed, 60);
    assert_true(st->processed_plan > 0);
    assert_int_equal(st->sorties_departed, 1);
    assert_int_equal(st->sorties[0].state, DD_SORTIE_DEPARTED);
    assert_int_equal(st->sorties[0].departed, p->sorties[0].departure + 10);
    assert_int_equal(st->sorties[1].request, DD_REQ_DENIED);
    assert_int_equal(st->sites[p->sorties[0].site].closed_until,
                     p->sorties[0].departure + 36 * 60);
    /* the denied sortie files anew: at least the lead time from now */
    assert_false(st->sorties[1].keeps_clearance);
    assert_true(st->sorties[1].projected >=
                st->at + fx->s->agreement.clearance.lead_time);
    /* nothing leaves the closed airfield, nothing leaves before planned */
    for (size_t i = 1; i < p->n_sorties; i++) {
        dd_time d = st->sorties[i].projected;
        assert_true(d != DD_TIME_NONE);
        assert_true(d >= p->sorties[i].departure);
        if (p->sorties[i].site == p->sorties[0].site)
            assert_true(d >= p->sorties[0].departure + 36 * 60);
    }
    assert_true(st->completion_projected >= p->completion);
    assert_true(st->requests_to_file >= 1);
    /* people and cargo out: the sortie that flew */
    const dd_track_site *ab = &st->sites[p->sorties[0].site];
    assert_int_equal(ab->sorties_out, 1);
    int32_t pax = 0;
    for (size_t k = 0; k < p->sorties[0].n_pax; k++)
        pax += p->sorties[0].pax[k].count;
    assert_int_equal(ab->people_out, pax);
    /* the text fits 80 columns */
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_int_equal(dd_track_status_write_text(p, st, true, f), DD_OK);
    fclose(f);
    assert_non_null(strstr(buf, "1 departed"));
    for (char *line = buf, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        assert_non_null(nl);
        if (nl - line > 80)
            print_error("too wide: %.*s\n", (int)(nl - line), line);
        assert_true(nl - line <= 80);
    }
    free(buf);
    dd_track_status_free(st);
    dd_events_free(e);
}

/* The bundled week-1 example (docs/track.md): the denied and the aborted
 * sortie file anew, nothing else moves out of its window, the plan's end
 * holds, and the new plan passes the verifier. */
static void test_week1(void **state)
{
    fixture *fx = *state;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    assert_int_equal(dd_events_load(fx->s, DD_SOURCE_DIR "/examples/niger-2024/events-week1.csv",
                                    &d, &e),
                     DD_OK);
    assert_int_equal(dd_track_check(fx->p, NULL, e, &d), DD_OK);
    dd_time at;
    assert_null(dd_scenario_parse_time(fx->s, "2024-06-12T12:00Z", &at));
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    assert_int_equal(dd_track_status_compute(fx->p, e, at, &st, &np), DD_OK);
    assert_int_equal(st->sorties_departed, 10);
    assert_int_equal(st->sorties_aborted, 1);
    assert_int_equal(st->requests_denied, 1);
    assert_int_equal(st->requests_overdue, 0);
    assert_int_equal(st->tasks_late, 1);
    assert_int_equal(st->processed, 658);
    assert_int_equal(st->processed_plan, 659);
    assert_int_equal(st->requests_to_file, 2);
    assert_false(st->sorties[5].keeps_clearance);
    assert_false(st->sorties[8].keeps_clearance);
    assert_int_equal(st->completion_projected, fx->p->completion);
    assert_true(st->deadline_met_projected);
    assert_true(st->terms_met_projected);
    assert_true(np->deadline_met);
    assert_verified(fx->s, np);
    dd_plan_free(np);
    dd_track_status_free(st);
    dd_events_free(e);
    dd_diags_fini(&d);
}

/* One tail between two bases, each nearest to its own hub: sortie 5 does
 * not fly, 6 does. 6 was planned to ferry from where 5 would have landed;
 * in the new plan it ferries from where the tail really was (where 4
 * landed), and the plan passes the verifier. */
static void test_ferry_from(void **state)
{
    (void)state;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    assert_int_equal(dd_scenario_load(DD_TEST_DATA "/track/twohub.yaml", &d, &s), DD_OK);
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_int_equal(p->n_sorties, 6);
    /* as planned: 5 lands where 6 ferries from, not where 4 lands */
    assert_int_equal(p->sorties[5].ferry_from, p->sorties[4].hub);
    assert_int_not_equal(p->sorties[4].hub, p->sorties[3].hub);
    char text[512];
    size_t n = (size_t)snprintf(text, sizeof text, "time,event,subject\n");
    for (size_t i = 0; i < 6; i++) {
        if (i == 4)
            continue;
        char t[40];
        dd_scenario_format_time(s, p->sorties[i].departure, 0, t, sizeof t);
        n += (size_t)snprintf(text + n, sizeof text - n, "%s,departed,%zu\n", t, i + 1);
    }
    dd_events *e = parse_ok(s, text);
    assert_int_equal(dd_track_check(p, NULL, e, &d), DD_OK);
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    assert_int_equal(dd_track_status_compute(p, e, DD_TIME_NONE, &st, &np), DD_OK);
    assert_int_equal(st->sorties_departed, 5);
    assert_true(st->sorties[4].projected > p->sorties[5].departure);
    /* sortie 6, departed, ferries from where sortie 4 landed */
    bool found = false;
    for (size_t k = 0; k < np->n_sorties; k++)
        if (np->sorties[k].departure == p->sorties[5].departure) {
            assert_int_equal(np->sorties[k].ferry_from, p->sorties[3].hub);
            found = true;
        }
    assert_true(found);
    assert_verified(s, np);
    dd_plan_free(np);
    dd_track_status_free(st);
    dd_events_free(e);
    dd_plan_free(p);
    dd_scenario_free(s);
    dd_diags_fini(&d);
}

/* The plan file of np as text (malloc'd; *len its length). */
static char *replan_text(const dd_scenario *s, const dd_plan *np, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    assert_non_null(f);
    assert_int_equal(dd_plan_write_json(np, s->path, f), DD_OK);
    fclose(f);
    return buf;
}

static dd_verify_report *verified(const dd_scenario *s, const char *text, size_t len)
{
    dd_verify_report *r = NULL;
    assert_int_equal(dd_verify_plan(s, "replan.json", text, len, &r), DD_OK);
    return r;
}

/* The stored finding (violation or fact) with this message, or NULL. */
static const dd_violation *finding(const dd_violation *v, size_t n, const char *msg)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].message, msg))
            return &v[i];
    return NULL;
}

/* The history of test_history_facts through the commands: `status -o`
 * verifies its plan, and `drawdown verify` lists the turn as history. */
static void history_cli(const fixture *fx, const char *text, const char *as_of,
                        const char *turn)
{
    char csv[160], keys[160], args[600];
    snprintf(csv, sizeof csv, "%s/history.csv", fx->dir);
    snprintf(keys, sizeof keys, "%s/keys", fx->dir);
    setenv("DRAWDOWN_KEYS", keys, 1);
    FILE *out = fopen(csv, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
    snprintf(args, sizeof args, "track start h.log '%s'", NIGER);
    run_result rr = dd_test_run(fx->dir, args);
    assert_int_equal(rr.status, 0);
    run_free(&rr);
    rr = dd_test_run(fx->dir, "track add h.log history.csv");
    assert_int_equal(rr.status, 0);
    run_free(&rr);
    snprintf(args, sizeof args, "status h.log --at %s -o new.json", as_of);
    rr = dd_test_run(fx->dir, args);
    if (rr.status != 0)
        print_message("%s%s", rr.out, rr.err);
    assert_int_equal(rr.status, 0);
    assert_non_null(strstr(rr.out, "verification: the independent verifier finds the plan "
                                   "complies with every term\n"));
    assert_non_null(strstr(rr.out, "between sorties that had already departed: facts of the "
                                   "recorded history, not violations"));
    run_free(&rr);
    snprintf(args, sizeof args, "verify '%s' new.json", NIGER);
    rr = dd_test_run(fx->dir, args);
    assert_int_equal(rr.status, 0);
    char listed[300];
    snprintf(listed, sizeof listed, "  itinerary: %s\n", turn);
    assert_non_null(strstr(rr.out, listed));
    assert_non_null(strstr(rr.out, "the plan complies"));
    run_free(&rr);
}

/* The marks of test_history_facts's plan np (A at ka, B at kb, kc a
 * planned sortie after as_of) changed: B unmarked, the turn is judged; kc
 * marked, the claim is said; the marks without as_of, refused. */
static void history_marks(const dd_scenario *s, dd_plan *np, size_t ka, size_t kb, size_t kc,
                          const char *as_of, const char *turn)
{
    size_t len;
    char *json;
    dd_verify_report *r;
    const dd_violation *f;
    /* B unmarked: planned, so the same turn is judged */
    np->sorties[kb].departed = false;
    json = replan_text(s, np, &len);
    r = verified(s, json, len);
    f = finding(r->violations, r->n_stored, turn);
    assert_non_null(f);
    assert_int_equal(f->kind, DD_V_ITINERARY);
    assert_null(finding(r->facts, r->n_facts_stored, turn));
    dd_verify_report_free(r);
    free(json);
    np->sorties[kb].departed = true;
    /* a departure after as_of marked departed: not history */
    np->sorties[kc].departed = true;
    json = replan_text(s, np, &len);
    r = verified(s, json, len);
    char future[40], claim[256];
    dd_scenario_format_time(s, np->sorties[kc].departure, 0, future, sizeof future);
    snprintf(claim, sizeof claim,
             "sortie %zu is marked departed at %s, after the plan's as_of %s: a departure yet "
             "to come is not history, and is judged as planned",
             kc + 1, future, as_of);
    f = finding(r->violations, r->n_stored, claim);
    assert_non_null(f);
    assert_int_equal(f->kind, DD_V_FORMAT);
    assert_int_equal(f->sortie, (int64_t)kc + 1);
    dd_verify_report_free(r);
    free(json);
    np->sorties[kc].departed = false;
    /* marks without as_of: refused at each mark (the first checked here) */
    json = replan_text(s, np, &len);
    char *line = strstr(json, "\"as_of\"");
    assert_non_null(line);
    char *eol = strchr(line, '\n');
    while (line > json && line[-1] != '\n')
        line--;
    memmove(line, eol + 1, strlen(eol + 1) + 1);
    len = strlen(json);
    const char *mark = strstr(json, "\"departed\"");
    uint32_t mline = 1, mcol = 1;
    for (const char *c = json; c < mark; c++) {
        mcol = *c == '\n' ? 1 : mcol + 1;
        mline += *c == '\n';
    }
    assert_int_equal(dd_verify_plan(s, "replan.json", json, len, &r), DD_EINPUT);
    assert_int_equal(r->errors.n_errors, 2);
    assert_string_equal(r->errors.items[0].message,
                        "a sortie marked departed needs the plan's as_of (when its recorded "
                        "history ends)");
    assert_int_equal(r->errors.items[0].line, mline);
    assert_int_equal(r->errors.items[0].col, mcol + strlen("\"departed\": ")); /* at true */
    char path[32];
    snprintf(path, sizeof path, "sorties[%zu].departed", ka < kb ? ka : kb);
    assert_string_equal(r->errors.items[0].path, path);
    dd_verify_report_free(r);
    free(json);
}

/* Recorded history is a fact (issue 15): two sorties of one tail both
 * departed, the first late enough that the tail turned at the hub faster
 * than its ground time allows. The plan made again marks them departed
 * (as_of the status time) and the verifier reports the turn as a fact of
 * the history, not a violation, so `status -o` gives a verified plan. The
 * same turn with the later sortie unmarked (planned) is a violation, a
 * mark on a departure after as_of is judged as planned and said, and a
 * mark without as_of is refused where it stands. */
static void test_history_facts(void **state)
{
    fixture *fx = *state;
    const dd_plan *p = fx->p;
    const dd_scenario *s = fx->s;
    /* A and B: consecutive sorties of one tail */
    size_t a = SIZE_MAX, b = 0;
    for (size_t j = 1; j < p->n_sorties && a == SIZE_MAX; j++)
        for (size_t i = j; i-- > 0;)
            if (p->sorties[i].aircraft == p->sorties[j].aircraft &&
                p->sorties[i].tail == p->sorties[j].tail) {
                a = i;
                b = j;
                break;
            }
    assert_true(a != SIZE_MAX);
    const dd_sortie *sa = &p->sorties[a], *sb = &p->sorties[b];
    const dd_aircraft *type = &s->aircraft[sa->aircraft];
    dd_time slack = sb->ferry_departure - sa->arrival - type->ground_time;
    assert_true(slack >= 0 && type->ground_time > 10);
    dd_time late = slack + 10; /* the turn takes 10 minutes less than allowed */
    char ta[40], tb[40], text[256];
    dd_scenario_format_time(s, sa->departure + late, 0, ta, sizeof ta);
    dd_scenario_format_time(s, sb->departure, 0, tb, sizeof tb);
    snprintf(text, sizeof text, "time,event,subject\n%s,departed,%zu\n%s,departed,%zu\n", ta,
             a + 1, tb, b + 1);
    dd_events *e = parse_ok(s, text);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_track_check(p, NULL, e, &d), DD_OK);
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    dd_time at = sb->departure + 60;
    assert_int_equal(dd_track_status_compute(p, e, at, &st, &np), DD_OK);
    /* the new plan marks what happened */
    size_t ka = SIZE_MAX, kb = SIZE_MAX, kc = SIZE_MAX, marked = 0;
    for (size_t k = 0; k < np->n_sorties; k++) {
        const dd_sortie *x = &np->sorties[k];
        marked += x->departed;
        if (x->departed && x->departure == sa->departure + late)
            ka = k;
        else if (x->departed && x->departure == sb->departure)
            kb = k;
        else if (!x->departed && kc == SIZE_MAX)
            kc = k;
    }
    assert_int_equal(marked, 2);
    assert_true(ka != SIZE_MAX && kb != SIZE_MAX && kc != SIZE_MAX);
    assert_int_equal(np->as_of, at);
    assert_true(np->sorties[kc].departure > at);
    size_t len;
    char *json = replan_text(s, np, &len);
    char as_of[40], want[64];
    dd_scenario_format_time(s, at, 0, as_of, sizeof as_of);
    snprintf(want, sizeof want, "\"as_of\": \"%s\"", as_of);
    assert_non_null(strstr(json, want));
    assert_non_null(strstr(json, "\"departed\": true"));
    /* the turn between the two recorded sorties: a fact */
    char turn[256];
    dd_time took = type->ground_time - 10;
    snprintf(turn, sizeof turn,
             "sortie %zu: %s tail %d turns at %s in %dh %dm after sortie %zu; the ground time "
             "is %dh %dm",
             kb + 1, type->id, np->sorties[kb].tail + 1, s->hubs[np->sorties[ka].hub].id,
             (int)(took / 60), (int)(took % 60), ka + 1, (int)(type->ground_time / 60),
             (int)(type->ground_time % 60));
    dd_verify_report *r = verified(s, json, len);
    size_t lateness = r->by_kind[DD_V_SITE_CLOSE] + r->by_kind[DD_V_DEADLINE];
    for (size_t i = 0; i < r->n_stored && r->n_violations != lateness; i++)
        print_message("violation: %s\n", r->violations[i].message);
    assert_int_equal(r->n_violations, lateness);
    const dd_violation *f = finding(r->facts, r->n_facts_stored, turn);
    if (!f)
        for (size_t i = 0; i < r->n_facts_stored; i++)
            print_message("fact: %s (want %s)\n", r->facts[i].message, turn);
    assert_non_null(f);
    assert_int_equal(f->kind, DD_V_ITINERARY);
    assert_int_equal(f->sortie, (int64_t)kb + 1);
    assert_true(f->line > 0);
    assert_int_equal(r->by_kind[DD_V_ITINERARY], 0);
    dd_verify_report_free(r);
    free(json);
    history_marks(s, np, ka, kb, kc, as_of, turn);
    history_cli(fx, text, as_of, turn);
    dd_plan_free(np);
    dd_track_status_free(st);
    dd_events_free(e);
    dd_diags_fini(&d);
}

/* Random histories on Niger: sorties leave a few minutes late or not at
 * all, requests are filed, approved or denied, an airfield closes, a tail
 * breaks; at a random day the status is taken, and the new plan must be
 * whole and pass the verifier. */
static void test_status_random(void **state)
{
    fixture *fx = *state;
    const dd_plan *p = fx->p;
    const dd_scenario *s = fx->s;
    uint64_t x = 88172645463325252ULL;
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    for (int round = 0; round < 12; round++) {
        size_t cap = 64 + 4 * 128 * p->n_sorties;
        char *text = malloc(cap);
        assert_non_null(text);
        size_t n = (size_t)snprintf(text, cap, "time,event,subject,value\n");
        dd_time at = p->sorties[0].departure + (dd_time)(NEXT() % (30 * 1440));
        char a[40], b[40];
        /* once a sortie of a site stays on the ground, the later ones of
         * that site wait too (its security leaves last) */
        bool stuck[8] = {false};
        assert_true(s->n_sites <= 8);
        for (size_t i = 0; i < p->n_sorties; i++) {
            const dd_sortie *so = &p->sorties[i];
            const dd_clearance_req *c = &p->clearances[so->clearance];
            uint64_t r = NEXT() % 100;
            if (c->file_by <= at && r < 90) {
                dd_scenario_format_time(s, c->file_by, 0, a, sizeof a);
                n += (size_t)snprintf(text + n, cap - n, "%s,clearance-filed,%zu,\n", a, i + 1);
                dd_time dec = c->file_by + 1440;
                if (dec <= at) {
                    dd_scenario_format_time(s, dec, 0, a, sizeof a);
                    n += (size_t)snprintf(text + n, cap - n, "%s,clearance-%s,%zu,\n", a,
                                          r < 8 ? "denied" : "approved", i + 1);
                    if (r < 8) {
                        stuck[p->sorties[i].site] = true;
                        continue;
                    }
                }
            }
            dd_time dep = so->departure + (dd_time)(NEXT() % 11);
            if (dep <= at && NEXT() % 100 >= 90)
                stuck[so->site] = true;
            if (dep <= at && !stuck[so->site]) {
                dd_scenario_format_time(s, dep, 0, a, sizeof a);
                n += (size_t)snprintf(text + n, cap - n, "%s,departed,%zu,\n", a, i + 1);
            }
        }
        if (NEXT() % 2) {
            size_t site = NEXT() % s->n_sites;
            dd_scenario_format_time(s, at, 0, a, sizeof a);
            dd_scenario_format_time(s, at + 60 + (dd_time)(NEXT() % (3 * 1440)), 0, b,
                                    sizeof b);
            n += (size_t)snprintf(text + n, cap - n, "%s,closed,%s,%s\n", a, s->sites[site].id,
                                  b);
        }
        if (NEXT() % 2) {
            dd_scenario_format_time(s, at, 0, a, sizeof a);
            dd_scenario_format_time(s, at + 60 + (dd_time)(NEXT() % (4 * 1440)), 0, b,
                                    sizeof b);
            n += (size_t)snprintf(text + n, cap - n, "%s,tail-down,C17A %d,%s\n", a,
                                  1 + (int)(NEXT() % 4), b);
        }
        assert_true(n < cap);
        dd_events *e = parse_ok(s, text);
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        assert_int_equal(dd_track_check(p, NULL, e, &d), DD_OK);
        dd_diags_fini(&d);
        dd_track_status *st = NULL;
        dd_plan *np = NULL;
        assert_int_equal(dd_track_status_compute(p, e, at, &st, &np), DD_OK);
        assert_int_equal(st->sorties_unplaced, 0);
        assert_true(np->all_out);
        assert_int_equal(np->n_sorties, p->n_sorties);
        assert_int_equal(np->completion, st->completion_projected);
        /* the status and the new plan agree on the terms (the plan's
         * verdict also counts the milestones) */
        if (np->deadline_met)
            assert_true(st->terms_met_projected);
        for (size_t i = 0; i < p->n_sorties; i++)
            if (st->sorties[i].state != DD_SORTIE_DEPARTED)
                assert_true(st->sorties[i].projected >= at);
        assert_verified(s, np);
        dd_plan_free(np);
        dd_track_status_free(st);
        dd_events_free(e);
        free(text);
    }
#undef NEXT
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_plan, setup, teardown),
        cmocka_unit_test(test_image_covers_plan),
        cmocka_unit_test_setup_teardown(test_log_tamper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_killed_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_held_writer_killed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_decided_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_checks_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retracted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_week1, setup, teardown),
        cmocka_unit_test(test_ferry_from),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
