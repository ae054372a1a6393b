/* SPDX-License-Identifier: MIT */
/*
 * Tests for the scenario image the event log keeps (src/track/scenimg.c,
 * docs/track.md): a scenario read back from its image is the scenario
 * (the same image again, the same plan), a damaged image is an error and
 * never a crash, every reader still checks the files against the log's
 * hashes and names the one that changed, and a log started before there
 * was an image is read from the files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/track.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "track/log_int.h"
#include "track/scenimg.h"
#include "track/sha256.h"

#define NIGER DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml"
#define KABUL DD_SOURCE_DIR "/examples/kabul-2021/scenario.yaml"
#define TWOHUB DD_TEST_DATA "/track/twohub.yaml"

typedef struct fixture {
    dd_scenario *s;
    dd_plan *p;
    char dir[64];
    char log[128];
    dd_key key;
} fixture;

static dd_scenario *load(const char *path)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    assert_int_equal(dd_scenario_load(path, &d, &s), DD_OK);
    dd_diags_fini(&d);
    return s;
}

static dd_plan *plan(const dd_scenario *s)
{
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    return p;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->s = load(NIGER);
    fx->p = plan(fx->s);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-scenimg-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->log, sizeof fx->log, "%s/niger.log", fx->dir);
    char keys[128];
    snprintf(keys, sizeof keys, "%s/keys", fx->dir);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_keys_new(keys, "alice", &d, &fx->key), DD_OK);
    assert_int_equal(dd_track_create(fx->log, fx->p, NIGER, &fx->key, &d), DD_OK);
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

/* Read back, a scenario writes the same image and plans the same plan. */
static void test_roundtrip(void **state)
{
    (void)state;
    /* the stops' hours and time zones (version 7) change the plans of
     * the last two */
    const char *paths[] = {NIGER, KABUL, TWOHUB,
                           DD_SOURCE_DIR "/tests/data/plan/stophours/scenario.yaml",
                           DD_SOURCE_DIR "/tests/data/plan/stopchain/scenario.yaml"};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
        dd_scenario *s = load(paths[k]);
        dd__buf a = {0}, b = {0};
        dd__scenimg_write(s, &a);
        assert_false(a.oom);
        dd_scenario *r = NULL;
        char why[200] = "";
        assert_int_equal(dd__scenimg_read(a.v, a.n, paths[k], &r, why, sizeof why), DD_OK);
        dd__scenimg_write(r, &b);
        assert_int_equal(a.n, b.n);
        assert_memory_equal(a.v, b.v, a.n);
        assert_string_equal(r->path, s->path);
        assert_int_equal(r->n_stops, s->n_stops);
        for (size_t i = 0; i < s->n_stops; i++) {
            assert_int_equal(r->stops[i].tz_offset, s->stops[i].tz_offset);
            assert_int_equal(r->stops[i].hours.open, s->stops[i].hours.open);
            assert_int_equal(r->stops[i].hours.close, s->stops[i].hours.close);
        }
        for (int f = 0; f < 4; f++) {
            if (!s->files[f])
                assert_null(r->files[f]);
            else
                assert_string_equal(r->files[f], s->files[f]);
        }
        dd_plan *p = plan(s), *q = plan(r);
        char h1[65], h2[65];
        assert_int_equal(dd_track_plan_hash(p, paths[k], h1), DD_OK);
        assert_int_equal(dd_track_plan_hash(q, paths[k], h2), DD_OK);
        if (strcmp(h1, h2))
            fail_msg("%s read back from its image plans otherwise: is a field of the "
                     "scenario missing from src/track/scenimg.c?",
                     paths[k]);
        dd_plan_free(p);
        dd_plan_free(q);
        dd__scenimg_free(r);
        dd_scenario_free(s);
        dd__buf_fini(&a);
        dd__buf_fini(&b);
    }
}

/* Cut short anywhere, or with a byte changed, the image is an error with
 * its place, or (a changed number) a scenario: never a crash. */
static void test_damaged(void **state)
{
    fixture *fx = *state;
    dd__buf a = {0};
    dd__scenimg_write(fx->s, &a);
    char why[200];
    dd_scenario *r = NULL;
    for (size_t n = 0; n < a.n; n += 1 + n / 64) {
        why[0] = 0;
        assert_int_equal(dd__scenimg_read(a.v, n, NIGER, &r, why, sizeof why), DD_EINPUT);
        assert_null(r);
        assert_non_null(strstr(why, "the scenario image is damaged ("));
    }
    uint64_t x = 88172645463325252u; /* xorshift64 */
    for (int k = 0; k < 3000; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t at = (size_t)(x % a.n);
        unsigned char was = a.v[at];
        a.v[at] = (unsigned char)(x >> 32);
        dd_status st = dd__scenimg_read(a.v, a.n, NIGER, &r, why, sizeof why);
        assert_true(st == DD_OK || st == DD_EINPUT);
        dd__scenimg_free(r);
        r = NULL;
        a.v[at] = was;
    }
    /* another version is refused as such */
    a.v[strlen("drawdown-scenario-image")] = 0x7e;
    assert_int_equal(dd__scenimg_read(a.v, a.n, NIGER, &r, why, sizeof why), DD_EINPUT);
    assert_non_null(strstr(why, "an image version this drawdown does not read"));
    dd__buf_fini(&a);
}

/* The image lists every field of the scenario by hand: a field added to
 * one of these structures must be added to src/track/scenimg.c too (and
 * DD__SCENIMG_VERSION raised), or a log's readers would see it zero. The
 * sizes are those the image was written for (x86_64): when one changes,
 * update the image, then the size. */
static void test_covers_scenario(void **state)
{
    (void)state;
#if defined(__x86_64__)
    const struct {
        const char *what;
        size_t size, image;
    } v[] = {
        {"dd_scenario", sizeof(dd_scenario), 888},
        {"dd_agreement", sizeof(dd_agreement), 200},
        {"dd_milestone", sizeof(dd_milestone), 64},
        {"dd_cap_step", sizeof(dd_cap_step), 12},
        {"dd_overflight", sizeof(dd_overflight), 48},
        {"dd_clearance_terms", sizeof(dd_clearance_terms), 104},
        {"dd_security_terms", sizeof(dd_security_terms), 24},
        {"dd_personnel_terms", sizeof(dd_personnel_terms), 32},
        {"dd_site", sizeof(dd_site), 208},
        {"dd_reservation", sizeof(dd_reservation), 32},
        {"dd_phase", sizeof(dd_phase), 24},
        {"dd_hub", sizeof(dd_hub), 80},
        {"dd_stop", sizeof(dd_stop), 88},
        {"dd_aircraft", sizeof(dd_aircraft), 232},
        {"dd_commercial", sizeof(dd_commercial), 40},
        {"dd_cargo", sizeof(dd_cargo), 112},
        {"dd_people", sizeof(dd_people), 64},
        {"dd_task", sizeof(dd_task), 80},
        {"dd_hazard_rules", sizeof(dd_hazard_rules), 32},
        {"dd_dist", sizeof(dd_dist), 56},
        {"dd_site_disruption", sizeof(dd_site_disruption), 248},
        {"dd_aircraft_disruption", sizeof(dd_aircraft_disruption), 128},
        {"dd_disruptions", sizeof(dd_disruptions), 408},
        {"dd_hub_disruption", sizeof(dd_hub_disruption), 64},
        {"dd_loc", sizeof(dd_loc), 16},
        {"dd_hours", sizeof(dd_hours), 8},
        {"dd_mog", sizeof(dd_mog), 8},
        {"dd_resource", sizeof(dd_resource), 16},
        {"dd_payload_point", sizeof(dd_payload_point), 16},
        {"dd_tails_step", sizeof(dd_tails_step), 16},
        {"dd_demand", sizeof(dd_demand), 8},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i].size != v[i].image)
            fail_msg("%s is %zu bytes, the scenario image was written for %zu: add its new "
                     "fields to src/track/scenimg.c (and raise DD__SCENIMG_VERSION)",
                     v[i].what, v[i].size, v[i].image);
#endif
}

static char *status_text(const dd_plan *p, const dd_events *e)
{
    dd_track_status *st = NULL;
    assert_int_equal(dd_track_status_compute(p, e, DD_TIME_NONE, &st, NULL), DD_OK);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_int_equal(dd_track_status_write_text(p, st, true, f), DD_OK);
    fclose(f);
    dd_track_status_free(st);
    return buf;
}

/* A log reads its scenario from the image: the same status as from the
 * files; a copy elsewhere with an edited file is still named. */
static void test_log_image(void **state)
{
    fixture *fx = *state;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, true, &d, &t), DD_OK);
    const dd_scenario *s = NULL;
    assert_int_equal(dd_track_scenario(t, NULL, &d, &s), DD_OK);
    assert_true(t->scenario_from_image);
    assert_string_equal(s->path, dd_track_get_info(t)->scenario);
    char want[4200];
    snprintf(want, sizeof want, "%.*s/cargo.csv",
             (int)(strrchr(s->path, '/') - s->path), s->path);
    assert_string_equal(s->files[2], want);
    const dd_plan *p = NULL;
    assert_int_equal(dd_track_plan(t, s, &d, &p), DD_OK);
    const char *csv = "time,event,subject,value\n"
                      "2024-06-07T04:10Z,departed,1,\n"
                      "2024-06-07T09:00Z,clearance-denied,3,\n"
                      "2024-06-08T09:00Z,tail-down,C17A-2,2024-06-10T00:00Z\n";
    dd_events *add = NULL, *e = NULL, *e0 = NULL;
    assert_int_equal(dd_events_parse(s, "day.csv", csv, strlen(csv), &d, &add), DD_OK);
    assert_int_equal(dd_track_append(t, p, add, NULL, &fx->key, &d), DD_OK);
    assert_int_equal(dd_track_events(t, s, &d, &e), DD_OK);
    assert_int_equal(dd_events_parse(fx->s, "day.csv", csv, strlen(csv), &d, &e0), DD_OK);
    char *a = status_text(p, e), *b = status_text(fx->p, e0);
    assert_string_equal(a, b);
    free(a);
    free(b);
    dd_events_free(add);
    dd_events_free(e);
    dd_events_free(e0);
    dd_track_close(t);
    assert_int_equal(d.n_items, 0);
    /* a copy of the scenario elsewhere, its cargo edited: named */
    char cmd[512], scen[160], cargo[160];
    snprintf(cmd, sizeof cmd, "mkdir %s/copy && cp %s/examples/niger-2024/* %s/copy/", fx->dir,
             DD_SOURCE_DIR, fx->dir);
    assert_int_equal(system(cmd), 0);
    snprintf(scen, sizeof scen, "%s/copy/scenario.yaml", fx->dir);
    snprintf(cargo, sizeof cargo, "%s/copy/cargo.csv", fx->dir);
    FILE *f = fopen(cargo, "a");
    assert_non_null(f);
    fputs("\n", f);
    fclose(f);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_int_equal(dd_track_scenario(t, scen, &d, &s), DD_OK);
    assert_true(t->scenario_from_image);
    assert_string_equal(s->files[2], cargo);
    assert_int_equal(dd_track_plan(t, s, &d, &p), DD_EINPUT);
    assert_int_equal(d.n_errors, 1);
    assert_string_equal(d.items[0].file, cargo);
    assert_string_equal(d.items[0].message,
                        "cargo.csv changed since the log was started; the log tracks the plan "
                        "made from it as it was (start a new log for a new plan)");
    dd_track_close(t);
    dd_diags_fini(&d);
}

/* A log started before the scenario image (no column, no blob; its
 * header hashed and signed without it) verifies, and its readers load
 * the scenario's files. */
static void test_no_image(void **state)
{
    fixture *fx = *state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(fx->log, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TRIGGER blobs_kept; DROP TRIGGER header_fixed;"
                                  "DELETE FROM blobs WHERE name='scenario-image';"
                                  "ALTER TABLE header DROP COLUMN scenario_image",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    assert_string_equal(t->h.scenario_stored, "");
    unsigned char h[32];
    char hex[65], sig[129], text[512];
    assert_true(dd__header_hash(&t->info, &t->h, h));
    dd__hex(h, 32, hex);
    dd__buf m = {0};
    dd__header_msg(h, &m);
    dd__sign(&fx->key, m.v, m.n, sig);
    dd__buf_fini(&m);
    dd_track_close(t);
    snprintf(text, sizeof text, "UPDATE header SET hash='%s', signature='%s'", hex, sig);
    assert_int_equal(sqlite3_open(fx->log, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, text, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(dd_track_open(fx->log, false, &d, &t), DD_OK);
    int64_t bad;
    assert_int_equal(dd_track_verify(t, &bad, &d), DD_OK);
    const dd_scenario *s = NULL;
    assert_int_equal(dd_track_scenario(t, NULL, &d, &s), DD_OK);
    assert_false(t->scenario_from_image);
    const dd_plan *p = NULL;
    assert_int_equal(dd_track_plan(t, s, &d, &p), DD_OK);
    assert_int_equal(p->n_sorties, fx->p->n_sorties);
    dd_track_close(t);
    assert_int_equal(d.n_items, 0);
    dd_diags_fini(&d);
}

/* The files' SHA-256, with the processor's SHA instructions where it has
 * them, is libsodium's: every length around the block and padding
 * boundaries, and a large input fed in pieces of every size. */
static void test_sha256(void **state)
{
    (void)state;
    size_t big = 3u << 20;
    unsigned char *v = malloc(big), a[32], b[32];
    assert_non_null(v);
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < big; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[i] = (unsigned char)x;
    }
    for (size_t n = 0; n <= 300; n++) {
        dd__sha256_ctx c;
        dd__sha256_init(&c);
        dd__sha256_update(&c, v, n);
        dd__sha256_final(&c, a);
        crypto_hash_sha256(b, v, n);
        assert_memory_equal(a, b, 32);
    }
    dd__sha256_ctx c;
    dd__sha256_init(&c);
    for (size_t at = 0, piece = 1; at < big; piece = piece * 7 % 100003 + 1) {
        size_t k = piece < big - at ? piece : big - at;
        dd__sha256_update(&c, v + at, k);
        at += k;
    }
    dd__sha256_final(&c, a);
    crypto_hash_sha256(b, v, big);
    assert_memory_equal(a, b, 32);
    /* FIPS 180-4's "abc" */
    dd__sha256_init(&c);
    dd__sha256_update(&c, (const unsigned char *)"abc", 3);
    dd__sha256_final(&c, a);
    char hex[65];
    dd__hex(a, 32, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
        cmocka_unit_test(test_covers_scenario),
        cmocka_unit_test_setup_teardown(test_log_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_image, setup, teardown),
        cmocka_unit_test(test_sha256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
