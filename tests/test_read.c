/* SPDX-License-Identifier: MIT */
/*
 * The reading shelf (src/read) on its own: ISO 8601 times and offsets
 * (isotime.c), civil dates (civil.c) and the typed, located JSON getters
 * (jget.c) that the verifier and the briefing share. Every bad value gets
 * its message and its position asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "read/civil.h"
#include "read/jget.h"

/* ---- times ---- */

static void test_parse_time(void **state)
{
    (void)state;
    int64_t u;
    bool date_only;
    assert_null(dd__parse_time("2024-09-15T23:00Z", 0, false, &u, &date_only));
    assert_int_equal(u, 1726441200);
    assert_false(date_only);
    /* local at the default offset, and an explicit one */
    assert_null(dd__parse_time("2024-09-15 23:00", 60, false, &u, NULL));
    assert_int_equal(u, 1726441200 - 3600);
    assert_null(dd__parse_time("2024-09-15T23:00:30+01:00", 0, false, &u, NULL));
    assert_int_equal(u, 1726441200 - 3600 + 30);
    /* a date alone: midnight, or the end of that day */
    assert_null(dd__parse_time("2024-09-15", 0, false, &u, &date_only));
    assert_true(date_only);
    assert_int_equal(u, 1726358400);
    assert_null(dd__parse_time("2024-09-15", 0, true, &u, NULL));
    assert_int_equal(u, 1726358400 + 86400);
    /* what is refused, and why */
    assert_string_equal(dd__parse_time("2023-02-29", 0, false, &u, NULL), "no such date");
    assert_string_equal(dd__parse_time("2024-13-01", 0, false, &u, NULL), "no such date");
    assert_string_equal(dd__parse_time("2024-06-01T25:00Z", 0, false, &u, NULL),
                        "no such time of day");
    assert_string_equal(dd__parse_time("15/09/2024", 0, false, &u, NULL),
                        "expected an ISO 8601 date or time such as 2024-09-15 or "
                        "2024-09-15T23:00Z");
    assert_string_equal(dd__parse_time("2024-09-15T23", 0, false, &u, NULL),
                        "expected a time of day as HH:MM after the date");
    assert_string_equal(dd__parse_time("2024-09-15T23:00+15:00", 0, false, &u, NULL),
                        "UTC offset out of range");
    assert_string_equal(dd__parse_time("2024-09-15T23:00Z junk", 0, false, &u, NULL),
                        "unexpected text after the time");
}

static void test_utc_minute_and_date(void **state)
{
    (void)state;
    int64_t u, d;
    assert_true(dd__parse_utc_minute("2024-06-07T14:30Z", &u));
    assert_int_equal(u, 1717770600);
    /* only the plan file's own form */
    assert_false(dd__parse_utc_minute("2024-06-07T14:30+00:00", &u));
    assert_false(dd__parse_utc_minute("2024-06-07 14:30Z", &u));
    assert_false(dd__parse_utc_minute("2024-06-07T14:30:00Z", &u));
    assert_false(dd__parse_utc_minute("2024-06-07T24:00Z", &u));
    assert_false(dd__parse_utc_minute("2024-02-30T10:00Z", &u));
    assert_false(dd__parse_utc_minute("", &u));
    assert_true(dd__parse_date("2024-02-29", &d));
    assert_int_equal(d, 19782);
    assert_false(dd__parse_date("2023-02-29", &d));
    assert_false(dd__parse_date("2024-02-29T00:00Z", &d));
    assert_false(dd__parse_date("2024-2-29", &d));
}

static void test_tz_and_hours(void **state)
{
    (void)state;
    int32_t off, open, close;
    assert_null(dd__parse_tz("UTC+1", &off));
    assert_int_equal(off, 60);
    assert_null(dd__parse_tz("gmt-05:30", &off));
    assert_int_equal(off, -330);
    assert_null(dd__parse_tz("Z", &off));
    assert_int_equal(off, 0);
    assert_non_null(dd__parse_tz("Africa/Niamey", &off));
    assert_null(dd__parse_hours("06:00-22:00", &open, &close));
    assert_int_equal(open, 360);
    assert_int_equal(close, 1320);
    assert_null(dd__parse_hours("24h", &open, &close));
    assert_int_equal(close, 1440);
    assert_string_equal(dd__parse_hours("06:00-06:00", &open, &close),
                        "opening and closing times are the same");
}

static void test_civil_round_trip(void **state)
{
    (void)state;
    for (int64_t z = -800000; z <= 800000; z += 997) {
        int64_t y;
        unsigned m, d;
        dd__civil_from_days(z, &y, &m, &d);
        assert_int_equal(dd__days_from_civil(y, m, d), z);
    }
    assert_int_equal(dd__days_from_civil(1970, 1, 1), 0);
}

/* ---- typed JSON getters ---- */

typedef struct doc {
    dd_arena arena;
    dd_diags diags;
    dd__jr r;
    dd_ynode *root;
} doc;

static void doc_open(doc *x, const char *text)
{
    dd__arena_init(&x->arena, 0);
    dd_diags_init(&x->diags, 20);
    x->r = (dd__jr){.file = "p.json", .text = text, .len = strlen(text), .arena = &x->arena,
                    .diags = &x->diags};
    assert_int_equal(dd__ytree_parse(&x->arena, "p.json", text, strlen(text), true, &x->diags,
                                     &x->root),
                     DD_OK);
}

static void doc_close(doc *x)
{
    dd_diags_fini(&x->diags);
    dd__arena_fini(&x->arena);
}

/* The first message as FILE:LINE:COL: PATH: MESSAGE. */
static void expect_first(const doc *x, const char *want)
{
    assert_true(x->r.failed);
    assert_true(x->diags.n_items >= 1);
    const dd_diag *g = &x->diags.items[0];
    char got[400];
    snprintf(got, sizeof got, "%s:%u:%u: %s: %s", g->file, g->line, g->col, g->path,
             g->message);
    assert_string_equal(got, want);
}

static const char good[] = "{\"name\": \"plan\", \"n\": 3, \"x\": 2.5, \"ok\": true,\n"
                           " \"at\": \"2024-06-07T14:30Z\", \"day\": \"2024-06-07\",\n"
                           " \"none\": null, \"list\": [1, 2], \"obj\": {\"a\": 1}}";

static void test_getters_read(void **state)
{
    (void)state;
    doc x;
    doc_open(&x, good);
    const dd_ynode *s = dd__jr_str(&x.r, x.root, "", "name", 0);
    assert_non_null(s);
    assert_string_equal(s->text, "plan");
    int64_t n, u, d;
    double v;
    bool b, null;
    assert_true(dd__jr_int(&x.r, x.root, "", "n", 0, 10, &n));
    assert_int_equal(n, 3);
    assert_true(dd__jr_num(&x.r, x.root, "", "x", false, &v));
    assert_true(v == 2.5);
    assert_true(dd__jr_bool(&x.r, x.root, "", "ok", &b));
    assert_true(b);
    assert_true(dd__jr_utc(&x.r, x.root, "", "at", false, &u, &null));
    assert_int_equal(u, 1717770600);
    assert_false(null);
    assert_true(dd__jr_utc(&x.r, x.root, "", "none", true, &u, &null));
    assert_true(null);
    assert_true(dd__jr_date(&x.r, x.root, "", "day", &d));
    assert_int_equal(d, 19881);
    assert_non_null(dd__jr_arr(&x.r, x.root, "", "list", false));
    assert_null(dd__jr_arr(&x.r, x.root, "", "absent", true));
    static const char *const keys[] = {"a", NULL};
    assert_non_null(dd__jr_obj(&x.r, x.root, "", "obj", keys));
    assert_false(x.r.failed);
    assert_int_equal(x.diags.n_items, 0);
    doc_close(&x);
}

/* Each getter on the wrong value: one wording, at the value's position (a
 * string's is its first character inside the quotes). */
static void test_getters_errors(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        int getter; /* 0 str, 1 int, 2 num, 3 bool, 4 utc, 5 date, 6 arr, 7 obj */
        const char *want;
    } cases[] = {
        {"n", 0, "p.json:1:23: n: expected a string, got a number"},
        {"name", 1, "p.json:1:11: name: expected a whole number, got a string 'plan'"},
        {"x", 1, "p.json:1:31: x: expected a whole number, got a number '2.5'"},
        {"n", 1, "p.json:1:23: n: must be at most 2, got 3"},
        {"ok", 2, "p.json:1:42: ok: expected a number, got a boolean"},
        {"none", 3, "p.json:3:10: none: expected true or false, got null"},
        {"day", 4, "p.json:2:37: day: expected a UTC time such as 2024-06-07T14:30Z, got "
                   "'2024-06-07'"},
        {"n", 4, "p.json:1:23: n: expected a UTC time such as 2024-06-07T14:30Z, got a number"},
        {"at", 5, "p.json:2:9: at: expected a date such as 2024-06-07, got "
                  "'2024-06-07T14:30Z'"},
        {"obj", 6, "p.json:3:39: obj: expected an array, got an object"},
        {"list", 7, "p.json:3:24: list: expected an object, got an array"},
        {"absent", 0, "p.json:1:1: : missing key 'absent'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        doc x;
        doc_open(&x, good);
        int64_t n;
        double v;
        bool b, null;
        switch (cases[i].getter) {
        case 0: assert_null(dd__jr_str(&x.r, x.root, "", cases[i].key, 0)); break;
        case 1: assert_false(dd__jr_int(&x.r, x.root, "", cases[i].key, 0, 2, &n)); break;
        case 2: assert_false(dd__jr_num(&x.r, x.root, "", cases[i].key, false, &v)); break;
        case 3: assert_false(dd__jr_bool(&x.r, x.root, "", cases[i].key, &b)); break;
        case 4:
            assert_false(dd__jr_utc(&x.r, x.root, "", cases[i].key, false, &n, &null));
            break;
        case 5: assert_false(dd__jr_date(&x.r, x.root, "", cases[i].key, &n)); break;
        case 6: assert_null(dd__jr_arr(&x.r, x.root, "", cases[i].key, false)); break;
        default: assert_null(dd__jr_obj(&x.r, x.root, "", cases[i].key, NULL)); break;
        }
        expect_first(&x, cases[i].want);
        doc_close(&x);
    }
}

static void test_keys_and_paths(void **state)
{
    (void)state;
    doc x;
    doc_open(&x, "{\"sorties\": [{\"id\": 1, \"tial\": 2}]}");
    const dd_ynode *a = dd__jr_arr(&x.r, x.root, "", "sorties", false);
    assert_non_null(a);
    char p[DD__JR_PATHN];
    snprintf(p, sizeof p, "sorties[%d]", 0);
    static const char *const keys[] = {"id", "tail", NULL};
    assert_true(dd__jr_kind(&x.r, a->items[0], p, DD_Y_MAP));
    dd__jr_keys(&x.r, a->items[0], p, keys);
    expect_first(&x, "p.json:1:25: sorties[0]: unknown key 'tial'");
    /* the source line is kept for the message's excerpt */
    assert_string_equal(x.diags.items[0].source_line, "{\"sorties\": [{\"id\": 1, \"tial\": 2}]}");
    dd__jr_path(p, "sorties[0]", "load");
    assert_string_equal(p, "sorties[0].load");
    dd__jr_path(p, "", "load");
    assert_string_equal(p, "load");
    doc_close(&x);
}

static void test_string_cap(void **state)
{
    (void)state;
    doc x;
    doc_open(&x, "{\"id\": \"abcdefgh\"}");
    assert_null(dd__jr_str(&x.r, x.root, "", "id", 4));
    expect_first(&x, "p.json:1:9: id: a string of 8 bytes (at most 4)");
    doc_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time),     cmocka_unit_test(test_utc_minute_and_date),
        cmocka_unit_test(test_tz_and_hours),   cmocka_unit_test(test_civil_round_trip),
        cmocka_unit_test(test_getters_read),   cmocka_unit_test(test_getters_errors),
        cmocka_unit_test(test_keys_and_paths), cmocka_unit_test(test_string_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
