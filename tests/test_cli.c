/* SPDX-License-Identifier: MIT */
/*
 * Tests of the drawdown command line (DD_CLI): usage and exit statuses,
 * `check` on the Niger example in text (against a golden file) and JSON
 * (parsed with libfyaml), and located diagnostics with a caret on bad
 * input.
 *
 * Golden file: tests/data/golden/niger-check.txt is the exact text output
 * of `drawdown check examples/niger-2024/scenario.yaml`. When the output
 * changes on purpose, regenerate it from the repository root with
 *   build/drawdown check examples/niger-2024/scenario.yaml \
 *       > tests/data/golden/niger-check.txt
 * and review the diff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "text_width.h"

#define NIGER DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml"

typedef struct run_result {
    int status;   /* exit status, or -1 */
    char *out;    /* stdout, NUL-terminated */
    char *err;    /* stderr */
} run_result;

static char *slurp(FILE *f)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

/* Run DD_CLI with `args` (shell words), capturing stdout and stderr. */
static run_result run(const char *args)
{
    char errpath[] = "/tmp/dd-test-cli-XXXXXX";
    int fd = mkstemp(errpath);
    assert_true(fd >= 0);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", DD_CLI, args, errpath);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    run_result r;
    r.out = slurp(p);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    FILE *e = fdopen(fd, "r");
    assert_non_null(e);
    r.err = slurp(e);
    fclose(e);
    remove(errpath);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* Run DD_CLI with `args` and expect exit 0 (its output not read). */
static void run_ok(const char *args)
{
    run_result r = run(args);
    if (r.status != 0)
        fail_msg("drawdown %s: exit %d: %s", args, r.status, r.err);
    run_free(&r);
}

static void test_no_args(void **state)
{
    (void)state;
    run_result r = run("");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "usage: drawdown"));
    run_free(&r);
}

static void test_help(void **state)
{
    (void)state;
    run_result r = run("--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "check"));
    run_free(&r);
    r = run("check --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: drawdown check"));
    assert_non_null(strstr(r.out, "--json"));
    run_free(&r);
    r = run("frobnicate");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown command 'frobnicate'"));
    run_free(&r);
    r = run("check --bogus " NIGER);
    assert_int_equal(r.status, 2);
    run_free(&r);
}

static void test_check_niger_text(void **state)
{
    (void)state;
    run_result r = run("check '" NIGER "'");
    assert_true(r.status == 0 || r.status == 1);
    assert_non_null(strstr(r.out, "AB101"));
    assert_non_null(strstr(r.out, "critical path"));
    assert_string_equal(r.err, "");
    FILE *g = fopen(DD_TEST_DATA "/golden/niger-check.txt", "rb");
    assert_non_null(g);
    char *golden = slurp(g);
    fclose(g);
    if (strcmp(r.out, golden) != 0) {
        /* show the first difference */
        size_t i = 0;
        while (r.out[i] && r.out[i] == golden[i])
            i++;
        print_message("output differs from the golden file at byte %zu:\n%.200s\n", i,
                      r.out + i);
    }
    assert_string_equal(r.out, golden);
    free(golden);
    run_free(&r);
}

static const char *scalar_at(struct fy_document *doc, const char *path)
{
    struct fy_node *n = fy_node_by_path(fy_document_root(doc), path, (size_t)-1,
                                        FYNWF_DONT_FOLLOW);
    return n ? fy_node_get_scalar0(n) : NULL;
}

static void test_check_niger_json(void **state)
{
    (void)state;
    run_result text = run("check '" NIGER "'");
    run_result r = run("check --json '" NIGER "'");
    assert_int_equal(r.status, text.status);
    assert_int_equal(r.out[0], '{');
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_FORCE;
    struct fy_document *doc = fy_document_build_from_string(&cfg, r.out, strlen(r.out));
    assert_non_null(doc);
    struct fy_node *root = fy_document_root(doc);
    assert_true(fy_node_is_mapping(root));
    struct fy_node *sites = fy_node_mapping_lookup_by_string(root, "sites", (size_t)-1);
    assert_non_null(sites);
    assert_true(fy_node_is_sequence(sites));
    assert_int_equal(fy_node_sequence_item_count(sites), 2);
    assert_non_null(fy_node_mapping_lookup_by_string(root, "findings", (size_t)-1));
    const char *id = scalar_at(doc, "/sites/0/id");
    assert_non_null(id);
    assert_string_equal(id, "AB101");
    const char *days = scalar_at(doc, "/days_to_deadline");
    assert_non_null(days);
    assert_string_equal(days, "119");
    fy_document_destroy(doc);
    run_free(&r);
    run_free(&text);
}

static void test_bad_input(void **state)
{
    (void)state;
    run_result r = run("check '" DD_TEST_DATA "/bad/dup-cargo.yaml'");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    const char *want = DD_TEST_DATA "/bad/dup-cargo.csv:5:1: error: cargo row 4, column id: "
                                    "duplicate cargo id 'C3' (first on line 4)\n"
                                    "     5 | C3,S2,Furniture,5,200,60,40,40,loose,handover,\n"
                                    "       | ^\n"
                                    "1 error\n";
    assert_string_equal(r.err, want);
    run_free(&r);

    r = run("check '" DD_TEST_DATA "/bad/csv-bad-role.yaml'");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "csv-bad-role.csv:2:10: error: personnel row 1, column role: "));
    assert_non_null(strstr(r.err, "\n       |          ^\n"));
    run_free(&r);

    /* --json changes nothing for bad input: messages on stderr, exit 2 */
    r = run("check --json '" DD_TEST_DATA "/bad/yaml-tab.yaml'");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "yaml-tab.yaml:27:2: error: syntax error: "));
    run_free(&r);
}

static void test_missing_file(void **state)
{
    (void)state;
    run_result r = run("check '" DD_TEST_DATA "/no-such-scenario.yaml'");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no-such-scenario.yaml: error: cannot read the scenario file"));
    run_free(&r);
}

static void test_check_mini(void **state)
{
    (void)state;
    run_result r = run("check '" DD_TEST_DATA "/mini/scenario.yaml'");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "critical path 3.5 d: T1 > T3"));
    assert_non_null(strstr(r.out, "at least 3 sorties (pallet positions binds)"));
    assert_non_null(strstr(r.out, "at least 4 sorties in all"));
    run_free(&r);
}

/* The log as evidence on the command line: JSON, keys, a receipt, and a
 * log altered behind the tool's back refused by every reader. */
static void test_track_evidence(const char *dir, const char *log, const char *more)
{
    char args[512], receipt[96];
    run_result r = run("keys list");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "* tester "));
    run_free(&r);
    r = run("keys export tester");
    assert_int_equal(r.status, 0);
    assert_int_equal(strncmp(r.out, "drawdown-key ed25519 tester ", 28), 0);
    run_free(&r);
    r = run("keys new tester");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "error: there is a key named 'tester'"));
    run_free(&r);

    snprintf(args, sizeof args, "track verify '%s' --json", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_FORCE;
    struct fy_document *doc = fy_document_build_from_string(&cfg, r.out, strlen(r.out));
    assert_non_null(doc);
    assert_string_equal(scalar_at(doc, "/format"), "drawdown-log-verify");
    assert_string_equal(scalar_at(doc, "/ok"), "true");
    assert_string_equal(scalar_at(doc, "/events"), "3");
    assert_string_equal(scalar_at(doc, "/batches/1/signer"), "tester");
    assert_string_equal(scalar_at(doc, "/files/2/name"), "cargo.csv");
    fy_document_destroy(doc);
    run_free(&r);
    snprintf(args, sizeof args, "track log '%s' --json", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    doc = fy_document_build_from_string(&cfg, r.out, strlen(r.out));
    assert_non_null(doc);
    assert_string_equal(scalar_at(doc, "/events/1/event"), "clearance-denied");
    assert_string_equal(scalar_at(doc, "/events/1/signer"), "tester");
    fy_document_destroy(doc);
    run_free(&r);

    snprintf(receipt, sizeof receipt, "%s/receipt.txt", dir);
    snprintf(args, sizeof args, "track receipt '%s' > '%s'", log, receipt);
    r = run(args);
    assert_int_equal(r.status, 0);
    run_free(&r);
    snprintf(args, sizeof args, "track verify '%s' --receipt '%s'", log, receipt);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "the log extends the receipt's head"));
    run_free(&r);

    /* the new plan accepted: stored in the log, read back */
    snprintf(args, sizeof args, "status '%s' --accept --note 'joint committee'", log);
    r = run(args);
    assert_true(r.status == 0 || r.status == 1);
    assert_non_null(strstr(r.out, "The new plan is accepted as the approved one: event 4 of "
                                  "the log, signed by tester"));
    run_free(&r);
    snprintf(args, sizeof args, "track plan '%s' --accepted 4", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"format\": \"drawdown-plan\""));
    run_free(&r);
    snprintf(args, sizeof args, "track verify '%s'", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    run_free(&r);

    /* the scenario read from a copy elsewhere (the other delegation's):
     * each file checked against the log's hashes */
    snprintf(args, sizeof args, "mkdir '%s/copy' && cp %s/examples/niger-2024/* '%s/copy/'",
             dir, DD_SOURCE_DIR, dir);
    assert_int_equal(system(args), 0);
    snprintf(args, sizeof args, "status '%s' --scenario '%s/copy/scenario.yaml'", log, dir);
    r = run(args);
    assert_int_not_equal(r.status, 2);
    assert_non_null(strstr(r.out, "Status at "));
    run_free(&r);
    snprintf(args, sizeof args, "echo >> '%s/copy/tasks.csv'", dir);
    assert_int_equal(system(args), 0);
    snprintf(args, sizeof args, "track log '%s' --scenario '%s/copy/scenario.yaml'", log, dir);
    r = run(args);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "/copy/tasks.csv: error: tasks.csv changed since the log "
                                  "was started; the log tracks the plan made from it as it "
                                  "was (start a new log for a new plan)"));
    run_free(&r);

    /* altered behind the tool's back */
    snprintf(args, sizeof args,
             "sqlite3 '%s' \"DROP TRIGGER events_fixed; UPDATE events SET subject='3' "
             "WHERE seq=1\" 2>/dev/null",
             log);
    if (system(args) != 0) {
        print_message("the tampered-log part skipped: no sqlite3 shell\n");
        return;
    }
    const char *msg = "event 1 (2024-06-07T04:10Z departed 3) was altered after it was "
                      "written, or an event before it was";
    const char *cmds[4] = {"status '%s'", "track log '%s'", "track add '%s' '%s'",
                           "track receipt '%s'"};
    for (int k = 0; k < 4; k++) {
        snprintf(args, sizeof args, cmds[k], log, more);
        r = run(args);
        assert_int_equal(r.status, 2);
        if (!strstr(r.err, msg))
            print_error("%s: %s", args, r.err);
        assert_non_null(strstr(r.err, msg));
        run_free(&r);
    }
    snprintf(args, sizeof args, "track verify '%s'", log);
    r = run(args);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, msg));
    run_free(&r);
    snprintf(args, sizeof args, "track verify '%s' --receipt '%s' --json", log, receipt);
    r = run(args);
    assert_int_equal(r.status, 1);
    doc = fy_document_build_from_string(&cfg, r.out, strlen(r.out));
    assert_non_null(doc);
    assert_string_equal(scalar_at(doc, "/ok"), "false");
    assert_string_equal(scalar_at(doc, "/bad_event"), "1");
    assert_string_equal(scalar_at(doc, "/errors/0"), msg);
    fy_document_destroy(doc);
    run_free(&r);
    snprintf(args, sizeof args, "track log '%s' --json", log);
    r = run(args);
    assert_int_equal(r.status, 2);
    doc = fy_document_build_from_string(&cfg, r.out, strlen(r.out));
    assert_non_null(doc);
    assert_string_equal(scalar_at(doc, "/ok"), "false");
    fy_document_destroy(doc);
    run_free(&r);
}

/* A log started with a plan that flies legs inside the country or
 * through en-route fuel stops (issue 18): the log keeps the plan (its
 * plan file has `has`); status re-plans it (exit 0) and the plan it
 * writes with -o passes the verifier: a sortie that left late keeps its
 * stops, moved with it; a leg that left late has its onward sortie leave
 * the via site on its tail after its landing as flown. */
/* A history for track_replanned: sortie 1 left at `left` (an events
 * CSV line), the status taken at `at`, and what the new plan then holds
 * (`moved`: the sortie and its stops moved with it, or a leg's onward
 * sortie). */
typedef struct late_one {
    const char *event, *at, *moved;
} late_one;

/* The legs' second step: the onward sortie recorded as leaving at
 * 09:00Z, before the landing plus the transfer: a fact of the history,
 * and the new plan still verifies. */
static void legs_onward_early(const char *dir, const char *log, const char *np,
                              const char *scenario)
{
    char ev[64], args[512];
    snprintf(ev, sizeof ev, "%s/ev.csv", dir);
    FILE *e = fopen(ev, "w");
    assert_non_null(e);
    fputs("time,event,subject\n2024-06-01T09:00Z,departed,3\n", e);
    fclose(e);
    snprintf(args, sizeof args, "track add '%s' '%s'", log, ev);
    run_ok(args);
    snprintf(args, sizeof args, "status '%s' --at 2024-06-01T12:00Z -o '%s'", log, np);
    run_ok(args);
    snprintf(args, sizeof args, "verify '%s' '%s'", scenario, np);
    run_result r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "  leg: sortie 2 leaves S1 at 2024-06-01T09:00Z, before "
                                  "leg 1's landing at 2024-06-01T07:03Z plus S2's "
                                  "via_transfer of 2h 0m\n"));
    assert_non_null(strstr(r.out, "recorded history: 2 findings"));
    run_free(&r);
}

static void track_replanned(const char *scenario, const char *has, bool legs,
                            const late_one *late)
{
    char dir[] = "/tmp/dd-test-track-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char log[64], keys[64], np[64], args[512];
    snprintf(log, sizeof log, "%s/l.log", dir);
    snprintf(keys, sizeof keys, "%s/keys", dir);
    snprintf(np, sizeof np, "%s/np.json", dir);
    setenv("DRAWDOWN_KEYS", keys, 1);
    run_result r = run("keys new tester");
    assert_int_equal(r.status, 0);
    run_free(&r);
    snprintf(args, sizeof args, "track start '%s' '%s'", log, scenario);
    run_ok(args);
    snprintf(args, sizeof args, "track plan '%s'", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, has));
    run_free(&r);
    char ev[64];
    snprintf(ev, sizeof ev, "%s/ev.csv", dir);
    FILE *e = fopen(ev, "w");
    assert_non_null(e);
    fprintf(e, "time,event,subject\n%s\n", late->event);
    fclose(e);
    snprintf(args, sizeof args, "track add '%s' '%s'", log, ev);
    run_ok(args);
    snprintf(args, sizeof args, "status '%s' --at %s -o '%s'", log, late->at, np);
    run_ok(args);
    snprintf(args, sizeof args, "verify '%s' '%s'", scenario, np);
    run_ok(args);
    FILE *f = fopen(np, "rb");
    assert_non_null(f);
    char *plan = slurp(f);
    fclose(f);
    if (!strstr(plan, late->moved))
        fail_msg("the new plan does not hold: %s", late->moved);
    if (legs) {
        assert_non_null(strstr(plan, "\"site\": \"S2\",\n      \"to_site\": \"S1\""));
        assert_non_null(strstr(plan, "\"departure\": \"2024-06-01T06:10Z\",\n      "
                                     "\"departed\": true,\n      \"arrival\": "
                                     "\"2024-06-01T07:03Z\""));
    }
    free(plan);
    if (legs)
        legs_onward_early(dir, log, np, scenario);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    assert_int_equal(system(args), 0);
}

static void test_track_legs(void **state)
{
    (void)state;
    /* the plan image keeps each leg and onward sortie; the leg S2 to S1
     * (planned 05:00Z) left 70 minutes late and landed at S1 at 07:03Z;
     * its onward sortie (3, not left at 08:00Z) leaves from there on its
     * tail after the ground time (3h, more than the transfer's 2h) */
    static const late_one leg = {
        "2024-06-01T06:10Z,departed,1", "2024-06-01T08:00Z",
        "\"tail\": 2,\n      \"site\": \"S1\",\n      \"destination\": \"H\",\n      \"leg\": 1,\n"
        "      \"arrival_at_site\": \"2024-06-01T07:03Z\",\n      \"departure\": "
        "\"2024-06-01T10:15Z\""};
    track_replanned(DD_TEST_DATA "/verify/legs/s.yaml", "\"to_site\": \"S1\"", true, &leg);
    /* the plan image (v7) keeps each sortie's stops; sortie 1 (through
     * BB, planned 07:15Z) left 37 minutes late: its stop moved with it
     * (planned 10:30Z-13:45Z) */
    static const late_one one = {
        "2024-06-01T07:52Z,departed,1", "2024-06-02T12:00Z",
        "\"departure\": \"2024-06-01T07:52Z\",\n      \"departed\": true,\n      \"arrival\": "
        "\"2024-06-01T16:33Z\",\n      \"stops\": [\n        {\n          \"id\": \"BB\",\n"
        "          \"arrival\": \"2024-06-01T11:07Z\",\n          \"departure\": "
        "\"2024-06-01T14:22Z\""};
    track_replanned(DD_TEST_DATA "/verify/stops/s.yaml",
                    "\"stops\": [\n        {\n          \"id\": \"AA\",\n          "
                    "\"arrival\": \"2024-06-03T01:21Z\"",
                    false, &one);
    /* a chain of two stops: both kept, both moved (sortie 1 planned
     * 00:30Z, AA 02:03Z-03:33Z, BB 05:11Z-07:11Z; left at 01:07Z) */
    static const late_one two = {
        "2024-06-03T01:07Z,departed,1", "2024-06-03T06:00Z",
        "\"departed\": true,\n      \"arrival\": \"2024-06-03T09:29Z\",\n      \"stops\": "
        "[\n        {\n          \"id\": \"AA\",\n          \"arrival\": \"2024-06-03T02:40Z\",\n"
        "          \"departure\": \"2024-06-03T04:10Z\"\n        },\n        {\n          \"id\": "
        "\"BB\",\n          \"arrival\": \"2024-06-03T05:48Z\",\n          \"departure\": "
        "\"2024-06-03T07:48Z\""};
    track_replanned(DD_TEST_DATA "/plan/stopchain/scenario.yaml",
                    "\"id\": \"AA\",\n          \"arrival\": \"2024-06-03T02:03Z\",\n"
                    "          \"departure\": \"2024-06-03T03:33Z\"\n        },\n        {\n"
                    "          \"id\": \"BB\",\n          \"arrival\": \"2024-06-03T05:11Z\"",
                    false, &two);
}

/* A chain of two stops in the CSV files (issue 18): sorties.csv's stop
 * column names both, in the order flown; clearances.csv the route
 * through both. */
static void test_stop_chain_csv(void **state)
{
    (void)state;
    char dir[] = "/tmp/dd-test-chain-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char args[512], path[128];
    snprintf(args, sizeof args, "plan %s --csv '%s/csv'",
             DD_TEST_DATA "/plan/stopchain/scenario.yaml", dir);
    run_result r = run(args);
    assert_int_equal(r.status, 0);
    run_free(&r);
    snprintf(path, sizeof path, "%s/csv/sorties.csv", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *csv = slurp(f);
    fclose(f);
    assert_non_null(strstr(csv, ",departure_local,stop\n"));
    assert_non_null(strstr(csv, ",BIG-1,2024-06-03T01:30+01:00,AA;BB\n"));
    free(csv);
    snprintf(path, sizeof path, "%s/csv/clearances.csv", dir);
    f = fopen(path, "rb");
    assert_non_null(f);
    csv = slurp(f);
    fclose(f);
    assert_non_null(strstr(csv, "SSSS-DAAT-DABB-HHHH"));
    free(csv);
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    assert_int_equal(system(args), 0);
}

/* simulate re-plans a plan through en-route fuel stops (issue 18):
 * tests/data/plan/stopsmany denies requests and closes the airfield, so
 * its replications re-plan. */
static void test_simulate_stops(void **state)
{
    (void)state;
    run_result r = run("simulate --replications 40 --threads 1 --no-sensitivity --replan "
                       "incremental " DD_TEST_DATA "/plan/stopsmany/scenario.yaml");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    const char *at = strstr(r.out, "aborts, ");
    assert_non_null(at);
    at = strstr(at, "closures, ");
    assert_non_null(at);
    double replans = strtod(at + strlen("closures, "), NULL);
    assert_true(replans > 0.5);
    run_free(&r);
}

/* The tracking commands: start, add (a bad file adds nothing), log,
 * status, verify. */
static void test_track(void **state)
{
    (void)state;
    char dir[] = "/tmp/dd-test-track-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char log[64], bad[64], good[64], args[512];
    snprintf(log, sizeof log, "%s/n.log", dir);
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    snprintf(good, sizeof good, "%s/good.csv", dir);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("time,event,subject\n2024-06-07T04:10Z,departed,1\n"
          "2024-06-07T05:10Z,departed,70\n",
          f);
    fclose(f);
    f = fopen(good, "w");
    assert_non_null(f);
    fputs("time,event,subject,value\n2024-06-07T04:10Z,departed,1,\n"
          "2024-06-07T05:00Z,clearance-denied,2,\n",
          f);
    fclose(f);

    /* the log signs with a key kept in the test's folder */
    char keys[64];
    snprintf(keys, sizeof keys, "%s/keys", dir);
    setenv("DRAWDOWN_KEYS", keys, 1);
    run_result r = run("keys new tester");
    assert_int_equal(r.status, 0);
    run_free(&r);
    snprintf(args, sizeof args, "track start '%s' '%s'", log, NIGER);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "55 sorties"));
    run_free(&r);
    r = run(args); /* once only */
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "a log is started once"));
    run_free(&r);

    snprintf(args, sizeof args, "track add '%s' '%s'", log, bad);
    r = run(args);
    assert_int_equal(r.status, 2);
    char want[160];
    snprintf(want, sizeof want,
             "%s:3:28: error: event departed: the plan has no sortie 70 (1 to 55)", bad);
    if (!strstr(r.err, want))
        print_error("%s", r.err);
    assert_non_null(strstr(r.err, want));
    assert_non_null(strstr(r.err, "nothing was added"));
    run_free(&r);

    snprintf(args, sizeof args, "track add '%s' '%s'", log, good);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Added 2 events"));
    run_free(&r);

    snprintf(args, sizeof args, "track log '%s'", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "clearance-denied"));
    run_free(&r);

    snprintf(args, sizeof args, "status '%s' --all", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "1 departed"));
    assert_non_null(strstr(r.out, "file anew"));
    assert_within_80_columns(r.out);
    run_free(&r);

    snprintf(args, sizeof args, "status '%s' --json", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_FORCE;
    struct fy_document *doc = fy_document_build_from_string(&cfg, r.out, strlen(r.out));
    assert_non_null(doc);
    assert_string_equal(scalar_at(doc, "/format"), "drawdown-status");
    assert_string_equal(scalar_at(doc, "/sorties/departed"), "1");
    assert_string_equal(scalar_at(doc, "/sortie_list/1/clearance"), "denied");
    assert_string_equal(scalar_at(doc, "/projection/deadline_met"), "true");
    fy_document_destroy(doc);
    run_free(&r);

    snprintf(args, sizeof args, "status '%s' --at tomorrow", log);
    r = run(args);
    assert_int_equal(r.status, 2);
    run_free(&r);

    /* AB101 closed for a month: its closing date is missed, exit 1 */
    f = fopen(good, "w");
    assert_non_null(f);
    fputs("time,event,subject,value\n2024-06-08T00:00Z,closed,AB101,2024-07-10T00:00Z\n", f);
    fclose(f);
    snprintf(args, sizeof args, "track add '%s' '%s'", log, good);
    r = run(args);
    assert_int_equal(r.status, 0);
    run_free(&r);
    snprintf(args, sizeof args, "status '%s'", log);
    r = run(args);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "AB101 closes by 2024-07-07T23:00Z: MISSED"));
    run_free(&r);

    snprintf(args, sizeof args, "track verify '%s'", log);
    r = run(args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "the chain holds: header and 3 events as written, in 2 "
                               "signed batches"));
    assert_non_null(strstr(r.out, "batch 2: events 3-3, recorded "));
    assert_non_null(strstr(r.out, "signed by tester ("));
    run_free(&r);
    test_track_evidence(dir, log, good);

    unsetenv("DRAWDOWN_KEYS");
    snprintf(args, sizeof args, "rm -rf '%s'", dir);
    assert_int_equal(system(args), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_args),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_check_niger_text),
        cmocka_unit_test(test_check_niger_json),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_check_mini),
        cmocka_unit_test(test_track),
        cmocka_unit_test(test_track_legs),
        cmocka_unit_test(test_simulate_stops),
        cmocka_unit_test(test_stop_chain_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
