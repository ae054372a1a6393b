/* SPDX-License-Identifier: MIT */
/* Tests for src/base: status strings, diagnostics list, arena, rng, the JSON
 * writer, three-way comparison, sorting by a key list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/base.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/cmp.h"
#include "base/json.h"
#include "base/rng.h"
#include "base/sbuf.h"
#include "base/sort.h"

static void test_status_str(void **state)
{
    (void)state;
    assert_string_equal(dd_status_str(DD_OK), "success");
    assert_string_equal(dd_status_str(DD_ENOMEM), "out of memory");
    assert_string_equal(dd_status_str((dd_status)999), "unknown status");
}

static void test_diags_bounded_and_sorted(void **state)
{
    (void)state;
    dd_diags d;
    dd_diags_init(&d, 3);
    dd_diags_add(&d, DD_SEV_ERROR, "b.yaml", 2, 1, "x", NULL, "two %d", 2);
    dd_diags_add(&d, DD_SEV_ERROR, "a.yaml", 9, 4, "y", "line", "one");
    dd_diags_add(&d, DD_SEV_ERROR, "a.yaml", 3, 1, NULL, NULL, "zero");
    dd_diags_add(&d, DD_SEV_ERROR, "a.yaml", 1, 1, NULL, NULL, "dropped");
    assert_int_equal(d.n_items, 3);
    assert_int_equal(d.n_errors, 4);
    assert_int_equal(d.n_dropped, 1);
    dd_diags_sort(&d);
    assert_string_equal(d.items[0].message, "zero");
    assert_string_equal(d.items[0].path, "");
    assert_string_equal(d.items[1].source_line, "line");
    assert_string_equal(d.items[2].message, "two 2");
    dd_diags_fini(&d);
}

static void test_arena(void **state)
{
    (void)state;
    dd_arena a;
    dd__arena_init(&a, 256);
    char *s = dd__arena_strdup(&a, "hello");
    assert_string_equal(s, "hello");
    unsigned char *big = dd__arena_alloc(&a, 10000);
    assert_non_null(big);
    assert_int_equal(big[9999], 0);
    int *arr = dd__arena_array(&a, 100, sizeof(int));
    assert_non_null(arr);
    assert_null(dd__arena_array(&a, SIZE_MAX / 2, 4));
    assert_string_equal(s, "hello");
    dd__arena_fini(&a);
}

static void test_rng_reproducible(void **state)
{
    (void)state;
    dd_rng a, b, c;
    dd_rng_seed(&a, 42, 0);
    dd_rng_seed(&b, 42, 0);
    dd_rng_seed(&c, 42, 1);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = dd_rng_next(&a);
        assert_int_equal(x, dd_rng_next(&b));
        if (x != dd_rng_next(&c))
            differ = 1;
        assert_true(dd_rng_below(&c, 7) < 7);
        double u = dd_rng_double(&c);
        assert_true(u >= 0.0 && u < 1.0);
    }
    assert_true(differ);
}

/* dd__grow: doubling from the first capacity, contents kept, refusal of
 * sizes that overflow with the array and its capacity unchanged. */
static void test_grow(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 100; n++) {
        int *w = dd__grow(v, &cap, n, 4, sizeof *w);
        assert_non_null(w);
        v = w;
        v[n] = (int)n;
        assert_true(cap > n);
    }
    assert_int_equal(cap, 128);
    for (size_t n = 0; n < 100; n++)
        assert_int_equal(v[n], (int)n);
    size_t before = cap;
    assert_null(dd__grow(v, &cap, SIZE_MAX / 2, 4, sizeof *v));
    assert_int_equal(cap, before);
    assert_int_equal(v[99], 99);
    free(v);
}

/* A failed --json command's answer: escaped, on one line. */
static void test_diags_json(void **state)
{
    (void)state;
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_diags_add(&d, DD_SEV_ERROR, "a.log", 0, 0, "", NULL, "no such \"log\"\tat all");
    char buf[512] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(f);
    assert_int_equal(dd_diags_write_json(&d, "drawdown-x", "log", "a.log", f), DD_OK);
    fclose(f);
    assert_string_equal(buf, "{\"format\":\"drawdown-x\",\"version\":1,\"log\":\"a.log\","
                             "\"ok\":false,\"errors\":[\"no such \\\"log\\\"\\tat all\"]}\n");
    dd_diags_fini(&d);
}

/* Pretty JSON: members on their own lines, a flat container and all
 * inside it on one, empty containers as [] and {}. */
static void test_json_flat(void **state)
{
    (void)state;
    char buf[512] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(f);
    dd_jw w;
    dd__jw_init(&w, f, true);
    dd__jw_obj(&w);
    dd__jw_kint(&w, "a", 1);
    dd__jw_key(&w, "p");
    dd__jw_flat(&w);
    dd__jw_obj(&w);
    dd__jw_knum(&w, "p", 0.5);
    dd__jw_key(&w, "v");
    dd__jw_arr(&w);
    dd__jw_int(&w, 1);
    dd__jw_str(&w, "x\"y");
    dd__jw_arr_end(&w);
    dd__jw_key(&w, "e");
    dd__jw_arr(&w);
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    dd__jw_key(&w, "list");
    dd__jw_arr(&w);
    dd__jw_flat(&w);
    dd__jw_obj(&w);
    dd__jw_kbool(&w, "ok", true);
    dd__jw_obj_end(&w);
    dd__jw_null(&w);
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    assert_int_equal(dd__jw_end(&w), DD_OK);
    fclose(f);
    assert_string_equal(buf, "{\n  \"a\": 1,\n  \"p\": {\"p\": 0.5, \"v\": [1, \"x\\\"y\"], "
                             "\"e\": []},\n  \"list\": [\n    {\"ok\": true},\n    null\n  ]\n}\n");
}

static char *aprintf(dd_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *aprintf(dd_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = dd__arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

/* A formatted message in an arena is whole, however long. */
static void one_obj(dd_jw *w, size_t i, const void *ctx)
{
    dd__jw_kint(w, "i", (int64_t)i);
    dd__jw_kstr(w, "of", ctx);
}

/* dd__jw_kobjs: an array of objects under its key, each object's members
 * from the callback, and an empty array for none. */
static void test_json_kobjs(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    dd_jw w;
    dd__jw_init(&w, f, false);
    dd__jw_obj(&w);
    dd__jw_kobjs(&w, "two", 2, one_obj, "x");
    dd__jw_kobjs(&w, "none", 0, one_obj, "x");
    dd__jw_obj_end(&w);
    assert_int_equal(dd__jw_end(&w), DD_OK);
    fclose(f);
    assert_string_equal(buf, "{\"two\":[{\"i\":0,\"of\":\"x\"},{\"i\":1,\"of\":\"x\"}],\"none\":[]}\n");
    free(buf);
}

static void test_arena_vprintf(void **state)
{
    (void)state;
    dd_arena a;
    dd__arena_init(&a, 256);
    char *p = aprintf(&a, "%s %d", "sortie", 42);
    assert_string_equal(p, "sortie 42");
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    char *q = aprintf(&a, "[%s]", big);
    assert_int_equal(strlen(q), sizeof big + 1);
    assert_int_equal(q[0], '[');
    assert_int_equal(q[sizeof big], ']');
    assert_string_equal(p, "sortie 42");
    dd__arena_fini(&a);
}

/* Three-way comparison: the sign, and a descending key by swapping. */
typedef struct kv {
    int64_t k;
    uint32_t i;
} kv;

static int cmp_kv(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    DD__CMP_BY(y->k, x->k);
    return DD__CMP(x->i, y->i);
}

static void test_cmp(void **state)
{
    (void)state;
    assert_int_equal(DD__CMP(1, 2), -1);
    assert_int_equal(DD__CMP(2, 2), 0);
    assert_int_equal(DD__CMP(INT64_MAX, INT64_MIN), 1);
    kv v[] = {{1, 3}, {5, 2}, {1, 1}, {-7, 0}, {5, 0}};
    qsort(v, 5, sizeof *v, cmp_kv);
    const kv want[] = {{5, 0}, {5, 2}, {1, 1}, {1, 3}, {-7, 0}};
    for (int n = 0; n < 5; n++) {
        assert_int_equal(v[n].k, want[n].k);
        assert_int_equal(v[n].i, want[n].i);
    }
}

/* dd__sort against a comparator written out: three keys (one descending,
 * one by sign), records of every size of run and merge, equal records kept
 * in their order (the index `i` is not a key). */
typedef struct rec {
    int64_t t;
    int delta;
    unsigned id;
    int32_t i;
} rec;

static int cmp_rec(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    DD__CMP_BY(x->t, y->t);
    DD__CMP_BY(y->delta < 0, x->delta < 0);
    DD__CMP_BY(y->id, x->id);
    return DD__CMP(x->i, y->i);
}

static void test_sort_keys(void **state)
{
    (void)state;
    static const dd__key keys[] = {DD__KEY(rec, t), DD__KEY_BY(rec, delta, DD__NEG_FIRST),
                                   DD__KEY_BY(rec, id, DD__DESC), DD__KEY_END};
    dd_rng g;
    dd_rng_seed(&g, 7, 0);
    for (size_t n = 0; n < 300; n += 1 + n / 4) {
        rec *v = malloc((n ? n : 1) * sizeof *v), *w = malloc((n ? n : 1) * sizeof *w);
        assert_non_null(v);
        assert_non_null(w);
        for (size_t k = 0; k < n; k++)
            v[k] = (rec){(int64_t)dd_rng_below(&g, 5) - 2, (int)dd_rng_below(&g, 5) - 2,
                         (unsigned)dd_rng_below(&g, 3) * 2000000000u, (int32_t)k};
        memcpy(w, v, n * sizeof *v);
        assert_true(dd__sort(v, n, sizeof *v, keys));
        qsort(w, n, sizeof *w, cmp_rec);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(v[k].i, w[k].i);
        free(v);
        free(w);
    }
    /* a string key, by strcmp */
    typedef struct named {
        const char *s;
        int i;
    } named;
    static const dd__key by_name[] = {DD__KEY(named, s), DD__KEY_BY(named, i, DD__DESC),
                                      DD__KEY_END};
    named v[] = {{"b", 0}, {"a", 1}, {"ab", 2}, {"a", 3}, {"", 4}};
    assert_true(dd__sort(v, 5, sizeof *v, by_name));
    const int want[] = {4, 3, 1, 2, 0};
    for (int k = 0; k < 5; k++)
        assert_int_equal(v[k].i, want[k]);
}

/* dd__sbuf: appends keep a NUL after the string, across growth; an empty
 * append still gives a string; a size that cannot be had is refused with
 * the string unchanged. */
static void test_sbuf(void **state)
{
    (void)state;
    dd__sbuf b = {0};
    assert_true(dd__sbuf_add(&b, NULL, 0));
    assert_non_null(b.p);
    assert_string_equal(b.p, "");
    for (int i = 0; i < 100; i++)
        assert_true(dd__sbuf_add(&b, "abcdef", 3));
    assert_int_equal(b.n, 300);
    assert_int_equal(b.p[300], '\0');
    assert_memory_equal(b.p + 297, "abc", 3);
    assert_true(b.cap > b.n);
    assert_false(dd__sbuf_reserve(&b, SIZE_MAX - 10));
    assert_int_equal(b.n, 300);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_str),
        cmocka_unit_test(test_diags_bounded_and_sorted),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_diags_json),
        cmocka_unit_test(test_json_flat),
        cmocka_unit_test(test_json_kobjs),
        cmocka_unit_test(test_cmp),
        cmocka_unit_test(test_sort_keys),
        cmocka_unit_test(test_sbuf),
        cmocka_unit_test(test_arena_vprintf),
        cmocka_unit_test(test_rng_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
