/* SPDX-License-Identifier: MIT */
/*
 * What a person reads (issue 13, "the user's units and times" and "a
 * briefing a commander is handed"): outputs in the scenario's units (lb
 * and in in, lb and in out) or --units; flying distances in nautical
 * miles; every time with its year, Zulu beside local where a person acts;
 * the deadline one instant in every output; tails named one way (real
 * tail numbers when the scenario gives them); plurals; the briefing's
 * marking, paper and tables.
 *
 * Each case runs the command (DD_CLI) inside its own mkdtemp folder on a
 * small scenario written in pounds and inches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"

typedef struct fixture {
    char dir[64];
} fixture;

static run_result run(const fixture *fx, const char *args)
{
    return dd_test_run(fx->dir, args);
}

static void write_file(const fixture *fx, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_out(const fixture *fx, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    char *t = dd_test_slurp(path, NULL);
    assert_non_null(t);
    return t;
}

/* Fail with the text when `needle` is not in it. */
#define HAS(text, needle)                                                                         \
    do {                                                                                          \
        if (!strstr((text), (needle)))                                                            \
            fail_msg("'%s' not in:\n%s", (needle), (text));                                      \
    } while (0)
#define HASNT(text, needle)                                                                       \
    do {                                                                                          \
        if (strstr((text), (needle)))                                                             \
            fail_msg("'%s' unexpectedly in:\n%s", (needle), (text));                             \
    } while (0)

/* One base, one C-17 (one tail), two pieces: written in pounds and inches. */
static const char scenario_us[] =
    "drawdown: 1\n"
    "name: Pounds and inches\n"
    "units: {weight: lb, length: in}\n"
    "agreement:\n"
    "  timezone: \"+01:00\"\n"
    "  epoch: 2024-06-01\n"
    "  deadline: 2024-06-30\n"
    "sites:\n"
    "  - id: BASE\n"
    "    icao: DRRN\n"
    "    position: [13.48, 2.17]\n"
    "    mog: {C17: 1}\n"
    "destinations:\n"
    "  - id: HUB\n"
    "    icao: ETAR\n"
    "    position: [49.44, 7.60]\n"
    "aircraft:\n"
    "  - id: C17A\n"
    "    class: C17\n"
    "    acl: 170,900 lb\n"
    "    pallet_positions: 18\n"
    "    seats: 102\n"
    "    floor: {length: 68.2 ft, width: 18 ft}\n"
    "    door: {width: 18 ft, height: 12.3 ft}\n"
    "    cruise: 450 kt\n"
    "    ground_time: 3h\n"
    "    tails: 1\n"
    "    home: HUB\n"
    "%s"
    "inventories:\n"
    "  cargo: cargo.csv\n"
    "%s";

static const char cargo_us[] =
    "id,site,description,quantity,weight (lb),length (in),width (in),height (in),kind\n"
    "PAL-1,BASE,Built-up 463L pallet,1,6400,104,84,80,pallet\n"
    "C20-1,BASE,20 ft container,1,8000,240,96,102,container\n";

/* The scenario with `aircraft_extra` under the aircraft type and `tail` at
 * the end (top-level keys). */
static void write_scenario(const fixture *fx, const char *aircraft_extra, const char *tail)
{
    char text[4096];
    snprintf(text, sizeof text, scenario_us, aircraft_extra, tail);
    write_file(fx, "scenario.yaml", text);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-outputs-XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    write_scenario(fx, "", "");
    write_file(fx, "cargo.csv", cargo_us);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

/* lb and in in, lb and in out: check, loads, the plan's table and CSV. */
static void test_units_follow_scenario(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "check scenario.yaml");
    assert_int_equal(r.status, 0);
    HAS(r.out, "BASE          0     0     0     0     0       2     14,400 lb");
    HAS(r.out, "  2,176 nm to the nearest destination; at least 1 sortie (weight binds)\n");
    HAS(r.out, "  C17A       1 tail   ACL 170,900 lb           18 pallets  102 seats  450 kt\n");
    HASNT(r.out, " km");
    run_free(&r);

    r = run(fx, "loads scenario.yaml");
    assert_int_equal(r.status, 0);
    HAS(r.out, "BASE -> HUB (2,176 nm) on C17A: 1 load, lower bound 1");
    HAS(r.out, "weight lb floor ft");
    HAS(r.out, "1 pallet, 1 x 20 ft container");
    HAS(r.out, "1 pallet built or carried; 1 load in all");
    run_free(&r);

    r = run(fx, "plan scenario.yaml --sorties --csv csv");
    assert_int_equal(r.status, 0);
    HAS(r.out, "the load's weight\nin pounds)\n");
    HAS(r.out, "   1 C17A-1   BASE   HUB  2024-06-01T08:00 010700ZJUN24 1      14400 ");
    run_free(&r);
    char *csv = read_out(fx, "csv/sorties.csv");
    HAS(csv, ",clearance,weight_lb,pallets,passengers,tail_number,departure_local,stop\n");
    HAS(csv, ",1,14400.0,1,0,C17A-1,2024-06-01T08:00+01:00,\n");
    free(csv);
    csv = read_out(fx, "csv/manifests.csv");
    HAS(csv, "sortie,kind,pallet,id,count,weight_lb,description\n");
    HAS(csv, "1,cargo,,C20-1,1,8000.0,20 ft container\n");
    free(csv);
}

/* --units metric|us overrides the scenario's; anything else is a usage
 * error that says what it wants. */
static void test_units_override(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "check --units metric scenario.yaml");
    assert_int_equal(r.status, 0);
    HAS(r.out, "       6.5 t");
    HAS(r.out, "ACL 77,519 kg");
    HAS(r.out, "2,176 nm to the nearest destination");
    run_free(&r);

    r = run(fx, "loads --units metric scenario.yaml");
    HAS(r.out, "weight kg floor m");
    run_free(&r);

    r = run(fx, "plan scenario.yaml --units metric --sorties --csv csv");
    assert_int_equal(r.status, 0);
    HAS(r.out, "in tonnes)\n");
    run_free(&r);
    char *csv = read_out(fx, "csv/manifests.csv");
    HAS(csv, "1,cargo,,C20-1,1,3628.7,20 ft container\n");
    free(csv);

    r = run(fx, "check --units imperial scenario.yaml");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "drawdown check: --units wants metric or us, got 'imperial'\n");
    run_free(&r);
    r = run(fx, "plan scenario.yaml --units");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "drawdown plan: --units needs a value\n");
    run_free(&r);
}

/* Where a person acts (filing a request, a departure) the time is given in
 * local time and in Zulu, each with its year; headers say which. */
static void test_times_local_and_zulu(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "plan scenario.yaml --sorties --clearances");
    assert_int_equal(r.status, 0);
    HAS(r.out, "departs (local)  departs (Z)");
    HAS(r.out, "clearance requests (what to file by when, in host-country time, UTC+01:00;");
    HAS(r.out, "   1 2024-06-01T08:00  DRRN   2024-06-01T07:00  2024-06-02T07:00      1     1\n"
               "     Zulu: file by 010700ZJUN24, window 010600ZJUN24 to 020600ZJUN24\n");
    run_free(&r);
    char *csv = NULL;
    r = run(fx, "plan scenario.yaml --csv csv");
    run_free(&r);
    csv = read_out(fx, "csv/clearances.csv");
    HAS(csv, ",weapons,file_by_local,aircraft,tail_number\n");
    HAS(csv, ",no,2024-06-01T08:00+01:00,C17A,C17A-1\n");
    free(csv);
}

/* The deadline "2024-06-30" is the end of that local day: 24:00 in every
 * text, the same instant in UTC in every JSON (docs/format.md 3). */
static void test_deadline_one_instant(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "check scenario.yaml");
    HAS(r.out, "deadline 2024-06-30T24:00+01:00");
    run_free(&r);
    r = run(fx, "check --json scenario.yaml");
    HAS(r.out, "\"deadline\": \"2024-06-30T23:00Z\"");
    run_free(&r);
    r = run(fx, "plan scenario.yaml -o plan.json");
    HAS(r.out, "deadline 2024-06-30T24:00+01:00");
    run_free(&r);
    char *plan = read_out(fx, "plan.json");
    HAS(plan, "\"deadline\": \"2024-06-30T23:00Z\"");
    free(plan);
    r = run(fx, "report plan.json -o brief.html");
    assert_int_equal(r.status, 0);
    run_free(&r);
    char *html = read_out(fx, "brief.html");
    HAS(html, "2024-06-30 24:00");
    HASNT(html, "23:59");
    free(html);
}

/* Real tail numbers name the tails in every table. */
static void test_tail_numbers(void **state)
{
    fixture *fx = *state;
    write_scenario(fx, "    tail_numbers: [07-7177]\n", "");
    run_result r = run(fx, "plan scenario.yaml --sorties --csv csv");
    assert_int_equal(r.status, 0);
    HAS(r.out, "   1 07-7177  BASE ");
    run_free(&r);
    r = run(fx, "plan scenario.yaml --clearances");
    HAS(r.out, "     C17A001 07-7177 DRRN-ETAR  0 pax\n"); /* what the request names */
    run_free(&r);
    r = run(fx, "plan scenario.yaml -o one.json");
    run_free(&r);
    r = run(fx, "verify scenario.yaml one.json");
    assert_int_equal(r.status, 0);
    HAS(r.out, "the plan complies: 1 sortie, 0 commercial flights, no violation\n");
    run_free(&r);
    char *csv = read_out(fx, "csv/sorties.csv");
    HAS(csv, ",07-7177,2024-06-01T08:00+01:00,\n");
    free(csv);

    write_scenario(fx, "    tail_numbers: [07-7177, 07-7178]\n", "");
    r = run(fx, "check scenario.yaml");
    assert_int_equal(r.status, 2);
    HAS(r.err, "scenario.yaml:29:19: error: aircraft[0].tail_numbers: C17A has 1 tail; 2 tail "
               "numbers are given\n");
    run_free(&r);
}

/* The briefing takes the scenario's units, marking, paper and tail
 * numbers (the scenario the plan file names); --units, --paper and
 * --marking override them; bad values are usage errors. */
static void test_report_follows_scenario(void **state)
{
    fixture *fx = *state;
    write_scenario(fx, "    tail_numbers: [07-7177]\n",
                   "briefing: {marking: \"UNCLASSIFIED//FOUO\", paper: letter}\n");
    run_result r = run(fx, "plan scenario.yaml -o plan.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run(fx, "report plan.json -o brief.html");
    assert_int_equal(r.status, 0);
    run_free(&r);
    char *t = read_out(fx, "brief.html");
    HAS(t, "<div class=\"marking top\">UNCLASSIFIED//FOUO</div>");
    HAS(t, "@page{size:letter landscape");
    HAS(t, "<th>weight lb</th>");
    HAS(t, "<td>07-7177</td><td>C17A001</td>"); /* tail number, call sign */
    HAS(t, "<td>010700ZJUN24</td>");              /* departure in Zulu */
    free(t);
    r = run(fx, "report plan.json -o brief.pdf");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run(fx, "report plan.json -o brief.html --units metric --marking SECRET --paper a4");
    assert_int_equal(r.status, 0);
    run_free(&r);
    t = read_out(fx, "brief.html");
    HAS(t, "<div class=\"marking top\">SECRET</div>");
    HAS(t, "@page{size:A4 landscape");
    HAS(t, "<th>weight kg</th>");
    free(t);
    r = run(fx, "report plan.json -o x.pdf --units imperial");
    assert_int_equal(r.status, 2);
    HAS(r.err, "drawdown report: --units wants metric or us, got 'imperial'\n");
    run_free(&r);
    r = run(fx, "report plan.json -o brief.html --as-of 2024-06-01T12:00Z");
    assert_int_equal(r.status, 0);
    run_free(&r);
    t = read_out(fx, "brief.html");
    HAS(t, "As of 011200ZJUN24.");
    free(t);
    r = run(fx, "report plan.json -o x.pdf --as-of 2024-02-30T12:00Z");
    assert_int_equal(r.status, 2);
    HAS(r.err, "drawdown report: --as-of wants a time in UTC such as 2024-06-01T12:00Z, got "
               "'2024-02-30T12:00Z'\n");
    run_free(&r);
    r = run(fx, "report plan.json -o x.pdf --paper legal");
    assert_int_equal(r.status, 2);
    HAS(r.err, "drawdown report: --paper wants a4 or letter, got 'legal'\n");
    run_free(&r);

    write_scenario(fx, "", "briefing: {paper: a3}\n");
    r = run(fx, "check scenario.yaml");
    assert_int_equal(r.status, 2);
    HAS(r.err, "scenario.yaml:31:19: error: briefing.paper: expected a4 or letter, got 'a3'\n");
    run_free(&r);
}

/* The events file names a tail as the plan prints it ("C17A-1"), as
 * before ("C17A 1"), or by its tail number; anything else is the same
 * located error as before. */
static void test_track_tail_names(void **state)
{
    fixture *fx = *state;
    write_scenario(fx, "    tail_numbers: [07-7177]\n", "");
    char keys[128];
    snprintf(keys, sizeof keys, "%s/keys", fx->dir);
    /* the log signs with a key kept in the test's folder */
    setenv("DRAWDOWN_KEYS", keys, 1);
    run_result r = run(fx, "keys new tester");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run(fx, "track start t.log scenario.yaml");
    assert_int_equal(r.status, 0);
    run_free(&r);
    write_file(fx, "ev.csv",
               "time,event,subject,value\n"
               "2024-06-01T08:00,departed,1,C17A-1\n"
               "2024-06-02T08:00,tail-down,C17A-1,2024-06-03T08:00\n"
               "2024-06-03T08:00,tail-down,07-7177,2024-06-04T08:00\n"
               "2024-06-04T08:00,tail-down,C17A 1,2024-06-05T08:00\n");
    r = run(fx, "track add t.log ev.csv");
    if (r.status != 0)
        fail_msg("track add: %s", r.err);
    HAS(r.out, "Added 4 events");
    run_free(&r);
    write_file(fx, "bad.csv",
               "time,event,subject,value\n"
               "2024-06-05T08:00,tail-down,C17A-2,2024-06-06T08:00\n"
               "2024-06-05T08:00,tail-down,C17,2024-06-06T08:00\n"
               "2024-06-05T08:00,departed,1,B747-1\n");
    r = run(fx, "track add t.log bad.csv");
    assert_int_equal(r.status, 2);
    HAS(r.err, "bad.csv:2:28: error: event row 1, column subject: C17A has 1 tail at most, got "
               "tail 2");
    HAS(r.err, "expected an aircraft type and a tail number ('C-17A 2'), got 'C17'");
    HAS(r.err, "expected the tail number that flew, got 'B747-1'");
    run_free(&r);
    unsetenv("DRAWDOWN_KEYS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_units_follow_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(test_units_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_times_local_and_zulu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadline_one_instant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tail_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_follows_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(test_track_tail_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
