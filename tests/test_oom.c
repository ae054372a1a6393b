/* SPDX-License-Identifier: MIT */
/*
 * Out of memory, everywhere: a failing allocator. This program is linked
 * with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (tests/CMakeLists),
 * so every allocation the drawdown libraries make goes through the
 * wrappers below, which fail the k-th one. Each public entry point is
 * first run to count its allocations, then run again failing the k-th for
 * k spread over that count: it must return DD_ENOMEM (or succeed, when
 * the failed allocation was optional), never crash, and — under ASan's
 * leak checker in `make test` — leave nothing allocated. Allocations made
 * inside libfyaml, libcsv or the C library are not counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/check.h>
#include <drawdown/loads.h>
#include <drawdown/plan.h>
#include <drawdown/report.h>
#include <drawdown/scenario.h>
#include <drawdown/sim.h>
#include <drawdown/track.h>
#include <drawdown/verify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The failing allocator: test-only state, atomic because the library
 * allocates on helper threads too (the log's readers hash the scenario's
 * files beside the main thread): each allocation gets its own number, so
 * exactly one fails. */
static _Atomic long long n_allocs, fail_at = -1;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static int fails(void)
{
    return atomic_fetch_add(&n_allocs, 1) == atomic_load(&fail_at);
}

void *__wrap_malloc(size_t n)
{
    return fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fails() ? NULL : __real_realloc(p, n);
}

/* Run `fn` failing allocation k, for about `points` values of k spread
 * over the allocations one clean run makes (all of them when fewer). */
typedef dd_status (*step_fn)(void *ctx);

static void sweep_whole(const char *what, step_fn fn, void *ctx, long long points,
                        bool (*whole)(void *ctx))
{
    n_allocs = 0;
    fail_at = -1;
    assert_int_equal(fn(ctx), DD_OK);
    long long total = n_allocs;
    assert_true(total > 0);
    long long stride = total / points > 1 ? total / points : 1;
    long long runs = 0, nomem = 0;
    for (long long k = 0; k < total; k += stride) {
        n_allocs = 0;
        fail_at = k;
        dd_status st = fn(ctx);
        fail_at = -1;
        if (st != DD_OK && st != DD_ENOMEM)
            print_message("%s: failing allocation %lld of %lld gave status %d\n", what, k,
                          total, (int)st);
        assert_true(st == DD_OK || st == DD_ENOMEM);
        /* a writer whose work was done (committed) before the failing
         * allocation says DD_OK, and its result must then be whole */
        if (st == DD_OK && whole && whole(ctx))
            st = DD_ENOMEM;
        nomem += st == DD_ENOMEM;
        runs++;
    }
    print_message("%s: %lld allocations, %lld failure points, %lld gave DD_ENOMEM\n", what,
                  total, runs, nomem);
    /* failures are reported, not swallowed: a result made without some
     * allocation is a different result, so every one must say DD_ENOMEM */
    assert_int_equal(nomem, runs);
}

static void sweep(const char *what, step_fn fn, void *ctx, long long points)
{
    sweep_whole(what, fn, ctx, points, NULL);
}

#define TUTORIAL DD_SOURCE_DIR "/examples/tutorial/03-tasks/scenario.yaml"

static dd_status load_step(void *ctx)
{
    (void)ctx;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(TUTORIAL, &d, &s);
    if (st == DD_OK) {
        dd_check *c = NULL;
        st = dd_check_summarize(s, &c);
        dd_check_free(c);
    }
    dd_scenario_free(s);
    dd_diags_fini(&d);
    return st;
}

static dd_scenario *load_path(const char *path)
{
    fail_at = -1;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    assert_int_equal(dd_scenario_load(path, &d, &s), DD_OK);
    dd_diags_fini(&d);
    return s;
}

static dd_scenario *load_clean(void)
{
    return load_path(TUTORIAL);
}

static void test_load(void **state)
{
    (void)state;
    sweep("scenario load and check", load_step, NULL, 300);
}

static dd_status loads_step(void *ctx)
{
    dd_loads_options o;
    dd_loads_options_init(&o);
    o.max_iterations = 2000;
    dd_loadplan *p = NULL;
    dd_status st = dd_loads_build(ctx, &o, &p);
    dd_loads_free(p);
    return st;
}

static void test_loads(void **state)
{
    (void)state;
    dd_scenario *s = load_clean();
    sweep("loads", loads_step, s, 300);
    dd_scenario_free(s);
}

static dd_status plan_step(void *ctx)
{
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.max_iterations = 2;
    /* the relaxations bounded by their own steps, not the clock: every
     * run takes the same allocations, however loaded the machine */
    o.relax_time_s = 0;
    dd_plan *p = NULL;
    dd_status st = dd_plan_build(ctx, &o, &p);
    dd_plan_free(p);
    return st;
}

/* Every allocation of a plan with tasks; then a late plan (the
 * relaxations re-plan) and a full ramp (the fleet mix), sampled. */
static void test_plan(void **state)
{
    (void)state;
    dd_scenario *s = load_clean();
    sweep("plan", plan_step, s, 1 << 30);
    dd_scenario_free(s);
    s = load_path(DD_TEST_DATA "/plan/late.yaml");
    sweep("plan, late with relaxations", plan_step, s, 150);
    dd_scenario_free(s);
    s = load_path(DD_TEST_DATA "/plan/mix/scenario.yaml");
    sweep("plan, fleet mix", plan_step, s, 400);
    dd_scenario_free(s);
    s = load_path(DD_TEST_DATA "/verify/legs/s.yaml");
    sweep("plan, legs inside the country", plan_step, s, 400);
    dd_scenario_free(s);
    s = load_path(DD_TEST_DATA "/verify/stops/s.yaml");
    sweep("plan, en-route fuel stops", plan_step, s, 400);
    dd_scenario_free(s);
    s = load_path(DD_TEST_DATA "/verify/stopchain/s.yaml");
    sweep("plan, a chain of two stops, a stop's hours", plan_step, s, 400);
    dd_scenario_free(s);
}

typedef struct sim_ctx {
    const dd_plan *p;
} sim_ctx;

static dd_status sim_step(void *ctx)
{
    const sim_ctx *c = ctx;
    dd_sim_options o;
    dd_sim_options_init(&o);
    o.replications = 20;
    o.threads = 1;
    o.sensitivity = false;
    dd_sim_result *r = NULL;
    dd_status st = dd_sim_run(c->p, &o, &r);
    dd_sim_result_free(r);
    return st;
}

static void test_sim(void **state)
{
    (void)state;
    dd_scenario *s = load_clean();
    dd_plan *p = NULL;
    dd_plan_options o;
    dd_plan_options_init(&o);
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    sim_ctx c = {p};
    sweep("simulate", sim_step, &c, 200);
    dd_plan_free(p);
    dd_scenario_free(s);
}

typedef struct text_ctx {
    const dd_scenario *s;
    const char *text;
    size_t len;
} text_ctx;

static dd_status verify_step(void *ctx)
{
    const text_ctx *c = ctx;
    dd_verify_report *r = NULL;
    dd_status st = dd_verify_plan(c->s, "plan.json", c->text, c->len, &r);
    dd_verify_report_free(r);
    return st;
}

static dd_status brief_step(void *ctx)
{
    const text_ctx *c = ctx;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_brief *b = NULL;
    dd_status st = dd_brief_parse("plan.json", c->text, c->len, &d, &b);
    if (st == DD_OK)
        st = dd_brief_use_scenario(b, c->s);
    dd_brief_free(b);
    dd_diags_fini(&d);
    return st;
}

static void test_verify_and_brief(void **state)
{
    (void)state;
    dd_scenario *s = load_clean();
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(dd_plan_write_json(p, s->path, f), DD_OK);
    fclose(f);
    text_ctx c = {s, buf, len};
    sweep("verify", verify_step, &c, 300);
    sweep("report's plan reader", brief_step, &c, 300);
    free(buf);
    dd_plan_free(p);
    dd_scenario_free(s);
}

typedef struct track_ctx {
    const dd_plan *p;
    const char *events;
} track_ctx;

/* Tracking's pure part: the events read, checked against the plan, the
 * status and the new plan in full (the SQLite log allocates inside the
 * shared library, out of the wrapper's reach). */
static dd_status track_step(void *ctx)
{
    const track_ctx *c = ctx;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *e = NULL;
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    dd_status rc = dd_events_parse(c->p->scenario, "ev.csv", c->events, strlen(c->events),
                                   &d, &e);
    if (rc == DD_OK)
        rc = dd_track_check(c->p, NULL, e, &d);
    if (rc == DD_OK)
        rc = dd_track_status_compute(c->p, e, DD_TIME_NONE, &st, &np);
    dd_plan_free(np);
    dd_track_status_free(st);
    dd_events_free(e);
    dd_diags_fini(&d);
    return rc;
}

static void test_track(void **state)
{
    (void)state;
    dd_scenario *s = load_clean();
    dd_plan *p = NULL;
    dd_plan_options o;
    dd_plan_options_init(&o);
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_true(p->n_sorties >= 2);
    char events[512], a[40], b[40];
    dd_scenario_format_time(s, p->sorties[0].departure + 5, 0, a, sizeof a);
    dd_scenario_format_time(s, p->sorties[0].departure + 600, 0, b, sizeof b);
    snprintf(events, sizeof events,
             "time,event,subject,value,note\n"
             "%s,departed,1,,\n"
             "%s,clearance-denied,2,,\n"
             "%s,closed,%s,%s,wind\n"
             "%s,note,,,all well\n",
             a, a, a, s->sites[p->sorties[1].site].id, b, a);
    track_ctx c = {p, events};
    sweep("track status and re-plan", track_step, &c, 300);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* The event log's readers: open, verify (the stored plan too), the plan
 * read from its image, the events read back as typed rows, a receipt.
 * SQLite's and libsodium's own allocations are out of the wrapper's
 * reach; drawdown's are all failed in turn. */
typedef struct log_ctx {
    const dd_scenario *s;
    const char *log;
    const dd_key *key;
    const dd_plan *p;
    const dd_events *e;
    const char *log2;
} log_ctx;

/* And its writers: a log started (the plan file and image stored), a
 * batch appended and signed. */
static dd_status log_write_step(void *ctx)
{
    const log_ctx *c = ctx;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    unlink(c->log2);
    dd_track *t = NULL;
    dd_status rc = dd_track_create(c->log2, c->p, c->s->path, c->key, &d);
    if (rc == DD_OK)
        rc = dd_track_open(c->log2, true, &d, &t);
    if (rc == DD_OK)
        rc = dd_track_append(t, c->p, c->e, NULL, c->key, &d);
    dd_track_close(t);
    dd_diags_fini(&d);
    return rc == DD_EIO ? DD_ENOMEM : rc;
}

/* An append that said DD_OK under a failing allocation committed its
 * batch first (a failure after the commit only leaves the handle's cache
 * to the next read): the log, opened afresh, holds every event, and its
 * chain holds. */
static bool log_write_whole(void *ctx)
{
    const log_ctx *c = ctx;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    int64_t bad = -1;
    bool ok = dd_track_open(c->log2, false, &d, &t) == DD_OK &&
              dd_track_get_info(t)->n_events == (int64_t)c->e->n &&
              dd_track_verify(t, &bad, &d) == DD_OK;
    dd_track_close(t);
    dd_diags_fini(&d);
    return ok;
}

static dd_status log_step(void *ctx)
{
    const log_ctx *c = ctx;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    const dd_plan *p = NULL;
    dd_events *e = NULL;
    char *r = NULL;
    int64_t bad;
    dd_status rc = dd_track_open(c->log, false, &d, &t);
    if (rc == DD_OK)
        rc = dd_track_verify(t, &bad, &d);
    if (rc == DD_OK)
        rc = dd_track_plan(t, c->s, &d, &p);
    if (rc == DD_OK)
        rc = dd_track_events(t, c->s, &d, &e);
    if (rc == DD_OK)
        rc = dd_track_receipt(t, c->key, "2024-06-08T00:00:00Z", &r, &d);
    free(r);
    dd_events_free(e);
    dd_track_close(t);
    dd_diags_fini(&d);
    /* a database the failed allocation left unread is an I/O error from
     * SQLite's side, not a crash or a leak: count it as out of memory */
    return rc == DD_EIO ? DD_ENOMEM : rc;
}

/* A reader of the log's own scenario and plan (their images), whole and
 * for events only (dd_track_open_parts). */
static dd_status log_image_step(void *ctx)
{
    const log_ctx *c = ctx;
    dd_status rc = DD_OK;
    for (int k = 0; k < 2 && rc == DD_OK; k++) {
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        dd_track *t = NULL;
        const dd_scenario *s = NULL;
        const dd_plan *p = NULL;
        dd_events *e = NULL;
        rc = dd_track_open_parts(c->log, false, k ? DD_TRACK_FOR_EVENTS : DD_TRACK_WHOLE, &d,
                                 &t);
        if (rc == DD_OK)
            rc = dd_track_scenario(t, NULL, &d, &s);
        if (rc == DD_OK)
            rc = dd_track_plan(t, s, &d, &p);
        if (rc == DD_OK)
            rc = dd_track_events(t, s, &d, &e);
        dd_events_free(e);
        dd_track_close(t);
        dd_diags_fini(&d);
    }
    return rc == DD_EIO ? DD_ENOMEM : rc;
}

static void test_track_log(void **state)
{
    (void)state;
    dd_scenario *s = load_clean();
    dd_plan *p = NULL;
    dd_plan_options o;
    dd_plan_options_init(&o);
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    char dir[] = "/tmp/dd-oom-track-XXXXXX", log[64], keys[64], events[256], a[40];
    assert_non_null(mkdtemp(dir));
    snprintf(log, sizeof log, "%s/o.log", dir);
    snprintf(keys, sizeof keys, "%s/keys", dir);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_key key;
    assert_int_equal(dd_keys_new(keys, "oom", &d, &key), DD_OK);
    assert_int_equal(dd_track_create(log, p, s->path, &key, &d), DD_OK);
    dd_scenario_format_time(s, p->sorties[0].departure + 5, 0, a, sizeof a);
    snprintf(events, sizeof events, "time,event,subject,value,note\n%s,departed,1,,\n"
                                    "%s,note,,,\"a, b\"\n", a, a);
    dd_events *e = NULL;
    assert_int_equal(dd_events_parse(s, "ev.csv", events, strlen(events), &d, &e), DD_OK);
    dd_track *t = NULL;
    assert_int_equal(dd_track_open(log, true, &d, &t), DD_OK);
    assert_int_equal(dd_track_append(t, p, e, NULL, &key, &d), DD_OK);
    dd_track_close(t);
    dd_diags_fini(&d);
    char log2[64];
    snprintf(log2, sizeof log2, "%s/w.log", dir);
    log_ctx c = {s, log, &key, p, e, log2};
    sweep("the event log's readers", log_step, &c, 300);
    sweep("the log's images, whole and for events", log_image_step, &c, 300);
    sweep_whole("the event log's writers", log_write_step, &c, 300, log_write_whole);
    dd_events_free(e);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    dd_plan_free(p);
    dd_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_loads),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_sim),
        cmocka_unit_test(test_verify_and_brief),
        cmocka_unit_test(test_track),
        cmocka_unit_test(test_track_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
