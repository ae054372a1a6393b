/* SPDX-License-Identifier: MIT */
/*
 * Tests for src/model: every bad-input case under tests/data/bad/ (one
 * thing broken in the mini scenario of tests/data/mini/) must fail with
 * DD_EINPUT and the exact message, file, line, column and field path;
 * good inputs load with the expected model (counts, unit conversions,
 * times with offsets, the check summary worked out by hand, JSON equal to
 * YAML, spreadsheet CSVs with a byte-order mark and CRLF line ends).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/check.h>
#include <drawdown/scenario.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/units.h"

#define DATA DD_TEST_DATA
#define LB 0.45359237
#define IN 0.0254
#define FT 0.3048
#define KT (1852.0 / 3600.0)

/* cmocka 1.1 has no double comparison */
#define assert_near(a, b, eps)                                                         \
    do {                                                                               \
        double a_ = (double)(a), b_ = (double)(b);                                     \
        if (!(fabs(a_ - b_) <= (double)(eps)))                                         \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);                        \
    } while (0)

typedef struct bad_case {
    const char *scenario; /* under tests/data/bad/ */
    size_t n_errors;      /* errors the case reports in all */
    const char *file;     /* suffix of the first diagnostic's file */
    uint32_t line, col;
    const char *path;
    const char *message;
} bad_case;

/* Positions were checked by hand against each file: the column points at
 * the offending cell or token (for a cell holding a list, at the cell). */
static const bad_case bad_cases[] = {
    {"bad-lag.yaml", 1, "bad-lag.csv", 4, 10, "tasks row 3, column predecessors",
     "bad lag 'soon' after 'T1': expected a number with a unit"},
    {"csv-arrival-not-augmentee.yaml", 1, "csv-arrival-not-augmentee.csv", 2, 19, "personnel row 1, column arrival",
     "only augmentees have an arrival time"},
    {"csv-bad-disposition.yaml", 1, "csv-bad-disposition.csv", 5, 38, "cargo row 4, column disposition",
     "unknown disposition 'sell' (dispositions: ship, handover, destroy)"},
    {"csv-bad-header-unit.yaml", 1, "csv-bad-header-unit.csv", 1, 30, "cargo header",
     "unknown unit 'parsecs' for column 'weight' (units: kg, lb, t (tonne), short ton)"},
    {"csv-unit-on-text.yaml", 1, "csv-unit-on-text.csv", 1, 4, "personnel header",
     "column 'site' takes no unit, got 'kg'"},
    {"empty-id.yaml", 1, "empty-id.yaml", 13, 12, "agreement.milestones[0].id",
     "a milestone id cannot be empty"},
    {"sensitive-no-pax.yaml", 1, "sensitive-no-pax.csv", 6, 57, "cargo row 5, column sensitive",
     "'C9' needs an escort, but its hazard class 1.1 may not fly with passengers, so no escort can travel with it"},
    {"decimal-comma.yaml", 1, "decimal-comma.yaml", 18, 16, "agreement.clearance.daily_cap",
     "expected a whole number, got '1,5'"},
    /* clearance caps per week and over time (issue 18) */
    {"caps-order.yaml", 1, "caps-order.yaml", 20, 16, "agreement.clearance.caps[1].from",
     "cap steps must be in time order, each from a later day than the one before"},
    {"caps-negative.yaml", 1, "caps-negative.yaml", 20, 46, "agreement.clearance.caps[1].weekly",
     "must be between 0 and 700000, got -10"},
    {"caps-unknown-key.yaml", 1, "caps-unknown-key.yaml", 19, 28, "agreement.clearance.caps[0].dayly",
     "unknown field 'dayly' (did you mean 'daily'?)"},
    {"caps-and-daily-cap.yaml", 1, "caps-and-daily-cap.yaml", 20, 7, "agreement.clearance.caps",
     "give either caps or daily_cap and weekly_cap, not both"},
    {"caps-empty.yaml", 1, "caps-empty.yaml", 18, 11, "agreement.clearance.caps",
     "give at least one step, e.g. [{from: 2024-06-07, daily: 2, weekly: 10}]"},
    {"caps-no-from.yaml", 1, "caps-no-from.yaml", 19, 9, "agreement.clearance.caps[0]",
     "missing required field 'from'"},
    {"week-bad.yaml", 1, "week-bad.yaml", 20, 11, "agreement.clearance.week",
     "expected rolling (any 7 days in a row) or calendar (Monday to Sunday), got 'iso'"},
    {"site-weekly-negative.yaml", 1, "site-weekly-negative.yaml", 25, 17, "sites[0].weekly_cap",
     "must be between 0 and 700000, got -3"},
    {"call-sign.yaml", 1, "call-sign.yaml", 40, 16, "aircraft[0].call_sign",
     "a call sign prefix is 1 to 7 capital letters or digits, e.g. RCH; got 'rch'"},
    /* crews and utilisation (issue 18) */
    {"crews-aug-short.yaml", 1, "crews-aug-short.yaml", 49, 50, "aircraft[0].crews.augmented_duty",
     "the augmented duty day must be longer than the basic one (duty)"},
    {"crews-no-rest.yaml", 1, "crews-no-rest.yaml", 49, 12, "aircraft[0].crews",
     "missing required field 'rest'"},
    {"crews-unknown.yaml", 1, "crews-unknown.yaml", 49, 45, "aircraft[0].crews.augmented",
     "unknown field 'augmented'"},
    {"crews-count.yaml", 1, "crews-count.yaml", 49, 20, "aircraft[0].crews.count",
     "must be between 0 and 100000, got -1"},
    {"utilisation-high.yaml", 1, "utilisation-high.yaml", 49, 18, "aircraft[0].utilisation",
     "the flying time a day per tail is at most 24h, got 30h"},
    {"utilisation-window.yaml", 1, "utilisation-window.yaml", 50, 25,
     "aircraft[0].utilisation_window", "the window is whole days, 1d to 31d"},
    {"utilisation-window-alone.yaml", 1, "utilisation-window-alone.yaml", 49, 25,
     "aircraft[0].utilisation_window",
     "a window without a utilisation rate; add utilisation, e.g. 12h"},
    /* hubs with a ramp, overflight clearances (issue 18) */
    {"overflight-twice.yaml", 1, "overflight-twice.yaml", 22, 19,
     "agreement.clearance.overflight[1].country", "country 'DZ' is listed twice"},
    {"overflies-unknown.yaml", 1, "overflies-unknown.yaml", 39, 21, "destinations[0].overflies[1]",
     "unknown country 'XX' (list it in agreement.clearance.overflight)"},
    /* en-route fuel stops (issue 18) */
    {"stop-country.yaml", 1, "stop-country.yaml", 41, 61, "stops[0].country",
     "unknown country 'ES' (list it in agreement.clearance.overflight)"},
    {"stop-twice.yaml", 1, "stop-twice.yaml", 42, 10, "stops[1].id", "duplicate stop id 'LERT'"},
    {"stop-mog.yaml", 1, "stop-mog.yaml", 41, 57, "stops[0].mog",
     "must be between 0 and 1000, got -1"},
    {"stop-ground.yaml", 1, "stop-ground.yaml", 41, 65, "stops[0].ground_time",
     "must be zero or more, got '-2h'"},
    {"stop-hours.yaml", 1, "stop-hours.yaml", 41, 60, "stops[0].hours",
     "expected hours as HH:MM-HH:MM (local time) or 24h, got '6-22'"},
    {"stop-tz.yaml", 1, "stop-tz.yaml", 41, 63, "stops[0].timezone",
     "expected a UTC offset such as +01:00, UTC+1 or Z (time zone names are not supported), got "
     "'+25:00'"},
    {"hub-mog.yaml", 1, "hub-mog.yaml", 37, 10, "destinations[0].mog",
     "must be between 0 and 1000, got -2"},
    {"hub-people.yaml", 1, "hub-people.yaml", 37, 21, "destinations[0].people_per_day",
     "expected a whole number, got '2k'"},
    {"exit-per-hour.yaml", 1, "exit-per-hour.yaml", 25, 20, "sites[0].exit_per_hour",
     "must be between 0 and 10000000, got -5"},
    {"site-caps-order.yaml", 1, "site-caps-order.yaml", 34, 16, "sites[1].caps[1].from",
     "cap steps must be in time order, each from a later day than the one before"},
    {"csv-bad-kind.yaml", 1, "csv-bad-kind.csv", 2, 33, "cargo row 1, column kind",
     "unknown kind 'crate' (kinds: loose, pallet, rolling, outsize, drone, container)"},
    {"csv-bad-quote.yaml", 1, "csv-bad-quote.csv", 4, 9, "",
     "bad quoting: a quote inside an unquoted field, or text after a closing quote (write \"\" for a quote inside quotes)"},
    {"csv-bad-role.yaml", 1, "csv-bad-role.csv", 2, 10, "personnel row 1, column role",
     "unknown role 'guard' (roles: security, operations, support, augmentee, evacuee)"},
    {"csv-bad-time.yaml", 1, "csv-bad-time.csv", 4, 21, "personnel row 3, column release",
     "no such date, got '2024-13-10T12:00Z'"},
    {"csv-empty-required.yaml", 1, "csv-empty-required.csv", 5, 7, "tasks row 4, column duration",
     "required value is empty"},
    {"csv-empty.yaml", 1, "csv-empty.csv", 1, 1, "",
     "file is empty (expected a header row)"},
    {"csv-long-row.yaml", 1, "csv-long-row.csv", 4, 41, "cargo row 3",
     "row has 12 fields but the header has 11"},
    {"csv-missing-column.yaml", 1, "csv-missing-column.csv", 1, 1, "personnel header",
     "missing required column 'role'"},
    {"csv-not-number.yaml", 1, "csv-not-number.csv", 4, 13, "cargo row 3, column quantity",
     "expected a whole number, got 'twenty'"},
    {"csv-short-row.yaml", 1, "csv-short-row.csv", 4, 29, "cargo row 3",
     "row has 9 fields but the header has 11 (missing 'disposition')"},
    {"csv-text-after-quote.yaml", 1, "csv-text-after-quote.csv", 4, 15, "",
     "bad quoting: a quote inside an unquoted field, or text after a closing quote (write \"\" for a quote inside quotes)"},
    {"csv-unknown-column-nosuggest.yaml", 1, "csv-unknown-column-nosuggest.csv", 1, 40, "personnel header",
     "unknown column 'colour'"},
    {"csv-unknown-column.yaml", 1, "csv-unknown-column.csv", 1, 30, "cargo header",
     "unknown column 'wieght' (did you mean 'weight'?)"},
    {"csv-unterminated-quote.yaml", 1, "csv-unterminated-quote.csv", 5, 7, "",
     "unterminated quoted field: a quote opened here is never closed"},
    {"cycle-self.yaml", 1, "cycle-self.csv", 5, 10, "tasks row 4, column predecessors",
     "task 'U1' cannot follow itself"},
    {"cycle-two.yaml", 1, "cycle-two.csv", 3, 10, "tasks row 2, column predecessors",
     "precedence cycle: T1 -> T2 (each task waits for the next)"},
    {"cycle.yaml", 1, "cycle.csv", 3, 10, "tasks row 2, column predecessors",
     "precedence cycle: T1 -> T3 -> T2 (each task waits for the next)"},
    {"date-bad-timezone.yaml", 1, "date-bad-timezone.yaml", 7, 14, "agreement.timezone",
     "expected a UTC offset such as +01:00, UTC+1 or Z (time zone names are not supported), got 'Africa/Niamey'"},
    {"date-deadline-before-epoch.yaml", 1, "date-deadline-before-epoch.yaml", 9, 13, "agreement.deadline",
     "the deadline 2024-05-30 is not after the epoch 2024-06-01T00:00"},
    {"date-milestone-after-deadline.yaml", 1, "date-milestone-after-deadline.yaml", 12, 11, "agreement.milestones[0].at",
     "milestone 'half' falls after the deadline"},
    {"date-no-such-day.yaml", 1, "date-no-such-day.yaml", 9, 13, "agreement.deadline",
     "no such date, got '2024-06-31'"},
    {"date-ready-after-deadline.yaml", 1, "date-ready-after-deadline.csv", 2, 45, "cargo row 1, column ready",
     "item 'C1' is ready only after the deadline"},
    {"date-reservation-backwards.yaml", 1, "date-reservation-backwards.yaml", 25, 32, "sites[0].reservations[0].to",
     "the reservation ends before it starts"},
    {"dup-aircraft.yaml", 1, "dup-aircraft.yaml", 47, 9, "aircraft[1].id",
     "duplicate aircraft id 'BIG'"},
    {"dup-cargo.yaml", 1, "dup-cargo.csv", 5, 1, "cargo row 4, column id",
     "duplicate cargo id 'C3' (first on line 4)"},
    {"dup-destination.yaml", 1, "dup-destination.yaml", 35, 9, "destinations[1].id",
     "duplicate destination id 'HUB'"},
    {"dup-milestone.yaml", 1, "dup-milestone.yaml", 14, 11, "agreement.milestones[1].id",
     "duplicate milestone id 'half'"},
    {"dup-people.yaml", 1, "dup-people.csv", 4, 1, "personnel row 3, column id",
     "duplicate personnel id 'P1' (first on line 2)"},
    {"dup-site.yaml", 1, "dup-site.yaml", 26, 9, "sites[1].id",
     "duplicate site id 'S1'"},
    {"dup-task.yaml", 1, "dup-task.csv", 5, 1, "tasks row 4, column id",
     "duplicate task id 'T2' (first on line 3)"},
    {"dup-yaml-key.yaml", 1, "dup-yaml-key.yaml", 52, 5, "",
     "duplicate key 'seats' (first at line 51)"},
    {"item-longer-than-floors.yaml", 1, "item-longer-than-floors.csv", 3, 21, "cargo row 2, column length",
     "'C2' is 900 in long, longer than every aircraft's cargo floor"},
    {"item-loose-too-heavy.yaml", 1, "item-loose-too-heavy.csv", 4, 16, "cargo row 3, column weight",
     "loose item 'C3' weighs 9800 lb, more than a 463L pallet carries (9,645 lb net); make it kind outsize"},
    {"item-loose-too-wide.yaml", 1, "item-loose-too-wide.csv", 4, 20, "cargo row 3, column length",
     "loose item 'C3' (120 in × 90 in) does not fit the 84 × 104 in of a 463L pallet; make it kind outsize"},
    {"item-negative-length.yaml", 1, "item-negative-length.csv", 4, 20, "cargo row 3, column length",
     "length must be positive, got '-48'"},
    {"item-pallet-too-heavy.yaml", 1, "item-pallet-too-heavy.csv", 2, 18, "cargo row 1, column weight",
     "a 463L pallet may weigh at most 10,000 lb (4,536 kg) with its nets; 'C1' weighs 10500 lb"},
    {"item-pallet-too-high.yaml", 1, "item-pallet-too-high.csv", 2, 30, "cargo row 1, column height",
     "a 463L pallet load may be at most 96 in (2.44 m) high; 'C1' is 100 in"},
    {"item-too-heavy.yaml", 1, "item-too-heavy.csv", 3, 15, "cargo row 2, column weight",
     "'C2' weighs 180000 lb, more than any aircraft's cabin load (largest: BIG, 170900 lb)"},
    {"item-wider-than-doors.yaml", 1, "item-wider-than-doors.csv", 3, 25, "cargo row 2, column width",
     "'C2' (250 in wide, 90 in high) is larger than every aircraft door"},
    {"item-zero-weight.yaml", 1, "item-zero-weight.csv", 4, 16, "cargo row 3, column weight",
     "weight must be positive, got '0'"},
    {"missing-acl.yaml", 1, "missing-acl.yaml", 47, 5, "aircraft[1]",
     "missing required field 'acl'"},
    {"missing-deadline.yaml", 1, "missing-deadline.yaml", 7, 3, "agreement",
     "missing required field 'deadline'"},
    {"missing-icao.yaml", 1, "missing-icao.yaml", 26, 5, "sites[1]",
     "missing required field 'icao'"},
    {"ref-cargo-released-by.yaml", 1, "ref-cargo-released-by.csv", 3, 44, "cargo row 2, column released_by",
     "unknown task 'T7'"},
    {"ref-cargo-site.yaml", 1, "ref-cargo-site.csv", 4, 4, "cargo row 3, column site",
     "unknown site 'S3' (did you mean 'S1'?)"},
    {"ref-commercial-site.yaml", 1, "ref-commercial-site.yaml", 59, 12, "commercial[0].site",
     "unknown site 'S9'"},
    {"ref-home.yaml", 1, "ref-home.yaml", 46, 11, "aircraft[0].home",
     "unknown destination 'HBU'"},
    {"ref-milestone-site.yaml", 1, "ref-milestone-site.yaml", 14, 13, "agreement.milestones[0].site",
     "unknown site 'S7'"},
    {"ref-people-released-by.yaml", 1, "ref-people-released-by.csv", 2, 20, "personnel row 1, column released_by",
     "unknown task 'X3'"},
    {"ref-people-site.yaml", 1, "ref-people-site.csv", 4, 4, "personnel row 3, column site",
     "unknown site 'Niamey'"},
    {"ref-task-pred.yaml", 1, "ref-task-pred.csv", 4, 10, "tasks row 3, column predecessors",
     "unknown task 'T9'"},
    {"ref-task-releases.yaml", 1, "ref-task-releases.csv", 2, 18, "tasks row 1, column releases",
     "unknown cargo or personnel id 'C9'"},
    {"ref-task-resource-capacity.yaml", 1, "ref-task-resource-capacity.csv", 3, 13, "tasks row 2, column resources",
     "task needs 3 team but site S1 has 2"},
    {"ref-task-resource-suggest.yaml", 1, "ref-task-resource-suggest.csv", 3, 13, "tasks row 2, column resources",
     "unknown resource 'forklfit' at site S1 (did you mean 'forklift'?)"},
    {"ref-task-resource.yaml", 1, "ref-task-resource.csv", 5, 11, "tasks row 4, column resources",
     "unknown resource 'crane' at site S2"},
    {"ref-task-site.yaml", 1, "ref-task-site.csv", 5, 4, "tasks row 4, column site",
     "unknown site 'S5' (did you mean 'S1'?)"},
    {"type-list-for-map.yaml", 1, "type-list-for-map.yaml", 3, 8, "units",
     "expected a mapping (key: value), got a list"},
    {"type-map-for-text.yaml", 3, "type-map-for-text.yaml", 32, 9, "destinations[0].id",
     "expected a single value, got a mapping (key: value)"},
    {"type-number-range.yaml", 1, "type-number-range.yaml", 16, 16, "agreement.clearance.daily_cap",
     "must be between 0 and 100000, got -4"},
    {"type-scalar-for-list.yaml", 2, "type-scalar-for-list.yaml", 18, 8, "sites",
     "expected a list, got a single value"},
    {"type-text-for-number.yaml", 1, "type-text-for-number.yaml", 50, 23, "aircraft[1].pallet_positions",
     "expected a whole number, got 'eight'"},
    {"unit-bare-duration.yaml", 1, "unit-bare-duration.yaml", 55, 18, "aircraft[1].ground_time",
     "missing unit, got '2' (units: min, h, d, w (e.g. 3h15m))"},
    {"unit-no-number.yaml", 1, "unit-no-number.yaml", 54, 13, "aircraft[1].cruise",
     "expected a number with a unit, got 'fast' (units: kt, km/h, mph, m/s)"},
    {"unit-parsecs.yaml", 1, "unit-parsecs.yaml", 49, 10, "aircraft[1].acl",
     "unknown unit, got '12 parsecs' (units: kg, lb, t (tonne), short ton)"},
    {"unit-weight-name.yaml", 1, "unit-weight-name.yaml", 4, 11, "units.weight",
     "expected kg, lb, t or short ton, got 'stone'"},
    {"unknown-field-suggest.yaml", 1, "unknown-field-suggest.yaml", 57, 5, "aircraft[1].cost_per_hr",
     "unknown field 'cost_per_hr' (did you mean 'cost_per_hour'?)"},
    {"unknown-field.yaml", 1, "unknown-field.yaml", 31, 5, "sites[1].colour",
     "unknown field 'colour'"},
    {"unknown-top-level.yaml", 1, "unknown-top-level.yaml", 58, 1, "inventory",
     "unknown field 'inventory' (did you mean 'inventories'?)"},
    {"yaml-bad-indent.yaml", 1, "yaml-bad-indent.yaml", 19, 9, "",
     "syntax error: invalid multiline plain key"},
    {"yaml-tab.yaml", 1, "yaml-tab.yaml", 27, 2, "",
     "syntax error: invalid tab used as indentation"},
    {"yaml-unclosed-bracket.yaml", 1, "yaml-unclosed-bracket.yaml", 23, 5, "",
     "syntax error: wrongly indented flow sequence"},
    {"yaml-latin1.yaml", 1, "yaml-latin1.yaml", 2, 10, "",
     "invalid UTF-8 (byte 0xE9); save the file as UTF-8"},
    /* found by fuzz_scenario: libfyaml loops on a directive followed by
     * 0xF6, a lead byte no UTF-8 sequence may use */
    {"bad-utf8-f6.yaml", 1, "bad-utf8-f6.yaml", 1, 3, "",
     "invalid UTF-8 (byte 0xF6); save the file as UTF-8"},
    {"json-syntax.json", 1, "json-syntax.json", 4, 4, "",
     "syntax error: missing comma in flow mapping"},
    {"json-unclosed.json", 1, "json-unclosed.json", 4, 1, "",
     "syntax error: flow sequence without a closing bracket"},
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void dump_diags(const char *name, const dd_diags *d)
{
    for (size_t i = 0; i < d->n_items; i++)
        print_message("%s: %s:%u:%u: %s: %s\n", name, d->items[i].file, d->items[i].line,
                      d->items[i].col, d->items[i].path, d->items[i].message);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    size_t n = sizeof bad_cases / sizeof *bad_cases;
    assert_true(n >= 45);
    for (size_t i = 0; i < n; i++) {
        const bad_case *c = &bad_cases[i];
        char path[512];
        snprintf(path, sizeof path, "%s/bad/%s", DATA, c->scenario);
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        dd_scenario *s = (dd_scenario *)1;
        dd_status st = dd_scenario_load(path, &d, &s);
        /* the first error in file, line, column order (warnings aside) */
        const dd_diag *g = NULL;
        for (size_t k = 0; k < d.n_items && !g; k++)
            if (d.items[k].severity == DD_SEV_ERROR)
                g = &d.items[k];
        if (st != DD_EINPUT || d.n_errors != c->n_errors || !g || !ends_with(g->file, c->file) ||
            g->line != c->line || g->col != c->col || strcmp(g->path, c->path) != 0 ||
            strcmp(g->message, c->message) != 0) {
            print_message("case %s: status %d, %zu errors\n", c->scenario, (int)st,
                          d.n_errors);
            dump_diags(c->scenario, &d);
        }
        assert_int_equal(st, DD_EINPUT);
        assert_null(s);
        assert_int_equal(d.n_errors, c->n_errors);
        assert_non_null(g);
        assert_true(ends_with(g->file, c->file));
        assert_int_equal(g->line, c->line);
        assert_int_equal(g->col, c->col);
        assert_string_equal(g->path, c->path);
        assert_string_equal(g->message, c->message);
        /* every located diagnostic carries its source line for the caret */
        for (size_t k = 0; k < d.n_items; k++)
            if (d.items[k].line)
                assert_non_null(d.items[k].source_line);
        dd_diags_fini(&d);
    }
}

/* Load a file that must be valid; fails the test with its messages if not. */
static dd_scenario *load_ok(const char *path)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &d, &s);
    if (st != DD_OK || d.n_errors)
        dump_diags(path, &d);
    assert_int_equal(st, DD_OK);
    assert_int_equal(d.n_errors, 0);
    dd_diags_fini(&d);
    assert_non_null(s);
    return s;
}

static void test_niger_example(void **state)
{
    (void)state;
    dd_scenario *s = load_ok(DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml");
    assert_int_equal(s->n_sites, 2);
    assert_int_equal(s->n_hubs, 1);
    assert_int_equal(s->n_aircraft, 2);
    assert_int_equal(s->n_commercial, 1);
    assert_int_equal(s->n_cargo, 75);
    assert_int_equal(s->n_people, 18);
    assert_int_equal(s->n_tasks, 39);
    assert_int_equal(s->agreement.n_milestones, 1);
    int64_t people = 0;
    for (size_t i = 0; i < s->n_people; i++)
        people += s->people[i].count;
    assert_int_equal(people, 986);
    assert_string_equal(s->sites[0].id, "AB101");
    assert_string_equal(s->sites[1].icao, "DRZA");
    assert_int_equal(s->agreement.tz_offset, 60);
    /* 20 May 00:00 to the end of 15 September, local: 119 days */
    assert_int_equal(s->agreement.deadline, 119 * 1440);
    /* C-17: 170,900 lb ACL, 3h15m ground time, 450 kt, tails from 4 to 6 */
    const dd_aircraft *a = &s->aircraft[0];
    assert_string_equal(a->id, "C17A");
    assert_near(a->acl_kg, 170900 * LB, 1e-6);
    assert_int_equal(a->ground_time, 195);
    assert_near(a->cruise_mps, 450 * KT, 1e-9);
    assert_near(a->range_payload[1].range_m, 4000 * 1852.0, 1e-6);
    assert_int_equal(dd_aircraft_tails_at(a, 0), 4);
    assert_int_equal(dd_aircraft_tails_at(a, 26 * 1440), 6);
    dd_scenario_free(s);
}

static void test_mini_model(void **state)
{
    (void)state;
    dd_scenario *s = load_ok(DATA "/mini/scenario.yaml");
    assert_int_equal(s->n_sites, 2);
    assert_int_equal(s->n_aircraft, 2);
    assert_int_equal(s->n_cargo, 4);
    assert_int_equal(s->n_people, 3);
    assert_int_equal(s->n_tasks, 4);
    /* epoch 2024-06-01T00:00+01:00 = 2024-05-31T23:00Z */
    assert_int_equal(s->epoch_unix, 1717196400);
    assert_int_equal(s->agreement.deadline, 30 * 1440);
    assert_int_equal(s->agreement.milestones[0].at, 15 * 1440);
    assert_int_equal(s->agreement.clearance.opens, 2 * 1440);
    assert_int_equal(s->agreement.clearance.lead_time, 2 * 1440);
    /* a time with its own offset: 2024-06-10T12:00Z is 9 d 13 h after the epoch */
    assert_int_equal(s->people[2].release, 9 * 1440 + 13 * 60);
    assert_int_equal(s->people[0].release, DD_TIME_NONE);
    assert_int_equal(s->people[0].released_by, 2);
    assert_int_equal(s->people[0].role, DD_ROLE_SECURITY);
    /* units: lb, in, ft, kt, 3h15m, 2h */
    const dd_aircraft *big = &s->aircraft[0], *small = &s->aircraft[1];
    assert_near(big->acl_kg, 170900 * LB, 1e-6);
    assert_near(big->floor_length_m, 68.2 * FT, 1e-9);
    assert_near(big->door_height_m, 12.3 * FT, 1e-9);
    assert_near(big->cruise_mps, 450 * KT, 1e-9);
    assert_int_equal(big->ground_time, 195);
    assert_int_equal(small->ground_time, 120);
    assert_near(big->pallet_height_m, DD_463L_MAX_HEIGHT_M, 1e-9);
    assert_int_equal(big->klass, s->sites[0].mog[0].klass);
    assert_int_equal(s->sites[1].mog_total, 1);
    assert_int_equal(s->sites[0].reservations[0].to, 10 * 1440);
    const dd_cargo *c = &s->cargo[1];
    assert_string_equal(c->id, "C2");
    assert_int_equal(c->kind, DD_CARGO_ROLLING);
    assert_near(c->weight_kg, 10000 * LB, 1e-6);
    assert_near(c->length_m, 200 * IN, 1e-9);
    assert_int_equal(c->released_by, 1);
    assert_int_equal(s->cargo[3].disposition, DD_DISP_HANDOVER);
    const dd_task *t3 = &s->tasks[2];
    assert_int_equal(t3->n_pred, 2);
    assert_int_equal(t3->pred[0], 0);
    assert_int_equal(t3->pred_lag[0], 12 * 60);
    assert_int_equal(t3->pred[1], 1);
    assert_int_equal(t3->pred_lag[1], 0);
    assert_int_equal(s->tasks[1].n_demand, 2);
    assert_int_equal(s->tasks[1].demand[0].amount, 2);
    assert_int_equal(s->tasks[2].demand[0].amount, 1);
    dd_scenario_free(s);
}

/* Evacuees: a role of their own, counted in the summary, its text and
 * JSON (a column and a key only when there are some). */
static void test_evacuee_role(void **state)
{
    (void)state;
    dd_scenario *s = load_ok(DATA "/plan/rearguard/scenario.yaml");
    assert_int_equal(s->people[0].role, DD_ROLE_EVACUEE);
    assert_string_equal(dd_role_name(DD_ROLE_EVACUEE), "evacuee");
    assert_int_equal(dd_scenario_role_people(s, DD_ROLE_EVACUEE), 20000);
    dd_check *c = NULL;
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    assert_int_equal(c->people[DD_ROLE_EVACUEE], 20000);
    assert_int_equal(c->sites[0].people[DD_ROLE_SECURITY], 1500);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(dd_check_write_text(c, f), DD_OK);
    fclose(f);
    assert_non_null(strstr(buf, "site     people   sec   ops   sup   aug  evac  pieces"));
    assert_non_null(strstr(buf, "HKIA      21500  1500     0     0     0 20000"));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(dd_check_write_json(c, f), DD_OK);
    fclose(f);
    assert_non_null(strstr(buf, "\"evacuee\": 20000"));
    free(buf);
    dd_check_free(c);
    dd_scenario_free(s);
    /* without evacuees, no column */
    s = load_ok(DATA "/mini/scenario.yaml");
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    f = open_memstream(&buf, &len);
    assert_int_equal(dd_check_write_text(c, f), DD_OK);
    fclose(f);
    assert_null(strstr(buf, "evac"));
    free(buf);
    dd_check_free(c);
    dd_scenario_free(s);
}

/* The check summary of the mini scenario, worked out by hand. */
static void test_mini_check_summary(void **state)
{
    (void)state;
    dd_scenario *s = load_ok(DATA "/mini/scenario.yaml");
    dd_check *c = NULL;
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    /* S1: T1 (2d), T2 (8h) after T1, T3 (1d) after T1+12h and T2: T3 starts at
     * max(2d+12h, 2d+8h) = 2.5 d and ends at 3.5 d, by way of T1 */
    assert_int_equal(c->sites[0].critical_path, 3 * 1440 + 720);
    assert_int_equal(c->sites[0].n_cp, 2);
    assert_int_equal(c->sites[0].cp[0], 0);
    assert_int_equal(c->sites[0].cp[1], 2);
    assert_int_equal(c->sites[1].critical_path, 1440);
    /* S1: 40 pallets over 18 positions: 3 sorties; weight (240,000 + 20,000 lb
     * of cargo and 80 passengers × 400 lb = 292,000 lb over 170,900) needs 2 */
    assert_int_equal(c->sites[0].people_total, 80);
    assert_near(c->sites[0].ship_kg, 260000 * LB, 1e-6);
    assert_near(c->sites[0].pallet_equiv, 40, 1e-9);
    assert_int_equal(c->sites[0].sorties_lb, 3);
    assert_string_equal(c->sites[0].sorties_binding, "pallet positions");
    assert_int_equal(c->sites[0].rolling, 2);
    /* S2: 20 boxes of 48 × 40 in on a 104 × 84 in pallet, one high: 1920/8736
     * each; 10,000 lb + 20 × 400 lb fits one sortie */
    assert_near(c->sites[1].pallet_equiv, 20 * 1920.0 / 8736.0, 1e-9);
    assert_int_equal(c->sites[1].pieces_handover, 5);
    assert_int_equal(c->sites[1].sorties_lb, 1);
    assert_string_equal(c->sites[1].sorties_binding, "weight");
    assert_int_equal(c->sorties_lb, 4);
    assert_int_equal(c->people_total, 100);
    assert_near(c->days_to_deadline, 30.0, 1e-9);
    assert_near(c->days_clearance_window, 28.0, 1e-9);
    dd_check_free(c);
    dd_scenario_free(s);
}

/* Crews and utilisation (issue 18): read into the type, and a site no
 * crew may fly from is an error of the check. */
static void test_crews_check(void **state)
{
    (void)state;
    dd_scenario *s = load_ok(DATA "/plan/crews/aug.yaml");
    const dd_aircraft *a = &s->aircraft[0];
    assert_int_equal(a->crews, 4);
    assert_int_equal(a->crew_duty, 4 * 60);
    assert_int_equal(a->crew_duty_augmented, 6 * 60);
    assert_int_equal(a->crew_rest, 12 * 60);
    assert_int_equal(a->utilisation, 0);
    assert_int_equal(dd_aircraft_crews_for(a, 4 * 60), 1);
    assert_int_equal(dd_aircraft_crews_for(a, 4 * 60 + 1), 2);
    assert_int_equal(dd_aircraft_crews_for(a, 6 * 60 + 1), 0);
    dd_scenario_free(s);
    s = load_ok(DATA "/plan/crews/util.yaml");
    assert_int_equal(s->aircraft[0].utilisation, 120);
    assert_int_equal(s->aircraft[0].utilisation_days, 1);
    assert_int_equal(s->aircraft[0].crews, -1);
    dd_scenario_free(s);
    s = load_ok(DATA "/plan/crews/long.yaml");
    dd_check *c = NULL;
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    bool found = false;
    for (size_t i = 0; i < c->n_findings; i++)
        if (c->findings[i].severity == DD_SEV_ERROR &&
            strcmp(c->findings[i].text,
                   "S: no aircraft type may fly a sortie from it within its crews' duty day and "
                   "utilisation (BIG: 5h 09m of crew duty, its basic duty day 4h 00m)") == 0)
            found = true;
    assert_true(found);
    dd_check_free(c);
    dd_scenario_free(s);
}

static void assert_same_model(const dd_scenario *a, const dd_scenario *b)
{
    assert_int_equal(a->epoch_unix, b->epoch_unix);
    assert_int_equal(a->agreement.deadline, b->agreement.deadline);
    assert_int_equal(a->agreement.n_milestones, b->agreement.n_milestones);
    assert_int_equal(a->n_sites, b->n_sites);
    for (size_t i = 0; i < a->n_sites; i++) {
        assert_string_equal(a->sites[i].id, b->sites[i].id);
        assert_near(a->sites[i].lat, b->sites[i].lat, 0);
        assert_int_equal(a->sites[i].n_mog, b->sites[i].n_mog);
        assert_int_equal(a->sites[i].n_resources, b->sites[i].n_resources);
    }
    assert_int_equal(a->n_aircraft, b->n_aircraft);
    for (size_t i = 0; i < a->n_aircraft; i++) {
        assert_string_equal(a->aircraft[i].id, b->aircraft[i].id);
        assert_near(a->aircraft[i].acl_kg, b->aircraft[i].acl_kg, 0);
        assert_near(a->aircraft[i].floor_length_m, b->aircraft[i].floor_length_m, 0);
        assert_near(a->aircraft[i].cruise_mps, b->aircraft[i].cruise_mps, 0);
        assert_int_equal(a->aircraft[i].ground_time, b->aircraft[i].ground_time);
        assert_int_equal(a->aircraft[i].home, b->aircraft[i].home);
    }
    assert_int_equal(a->n_cargo, b->n_cargo);
    for (size_t i = 0; i < a->n_cargo; i++) {
        assert_string_equal(a->cargo[i].id, b->cargo[i].id);
        assert_near(a->cargo[i].weight_kg, b->cargo[i].weight_kg, 0);
        assert_near(a->cargo[i].length_m, b->cargo[i].length_m, 0);
        assert_int_equal(a->cargo[i].kind, b->cargo[i].kind);
        assert_int_equal(a->cargo[i].released_by, b->cargo[i].released_by);
    }
    assert_int_equal(a->n_people, b->n_people);
    assert_int_equal(a->n_tasks, b->n_tasks);
}

static void test_json_equals_yaml(void **state)
{
    (void)state;
    dd_scenario *y = load_ok(DATA "/mini/scenario.yaml");
    dd_scenario *j = load_ok(DATA "/mini/scenario.json");
    assert_same_model(y, j);
    dd_scenario_free(y);
    dd_scenario_free(j);
}

/* Spreadsheet exports: a UTF-8 byte-order mark and CRLF line ends. */
static void test_bom_and_crlf_accepted(void **state)
{
    (void)state;
    dd_scenario *m = load_ok(DATA "/mini/scenario.yaml");
    dd_scenario *x = load_ok(DATA "/spreadsheet/scenario.yaml");
    assert_same_model(m, x);
    assert_string_equal(x->cargo[0].id, "C1");   /* not "\xEF\xBB\xBFid" */
    assert_string_equal(x->cargo[3].unit, "");
    assert_int_equal(x->cargo[3].line, 5);
    dd_scenario_free(m);
    dd_scenario_free(x);
}

static const char small_yaml[] =
    "drawdown: 1\n"
    "units: {weight: lb, length: in}\n"
    "passenger_weight: 0.1 short tons\n"
    "agreement:\n"
    "  epoch: 2024-06-01T06:00-05:00\n"
    "  deadline: 2024-06-02T06:00+01:00\n"
    "sites:\n"
    "  - {id: S1, icao: AAAA, position: \"13.5, 2.2\", mog: {C17: 1}, resources: {team: 2, forklift: 1}}\n"
    "  - {id: S2, icao: BBBB, position: {lat: 17, lon: 8}, mog: {C17: 1}, \n"
    "     resources: {team: 1}}\n"
    "destinations:\n"
    "  - {id: HUB, icao: HHHH, position: [49.4, 7.6]}\n"
    "aircraft:\n"
    "  - id: A\n"
    "    class: C17\n"
    "    acl: 77.5 t\n"
    "    range_payload: [{range: 2400 nm, payload: 30 short tons}, {range: 100 km, "
    "payload: \"60,000 kg\"}]\n"
    "    pallet_positions: 18\n"
    "    seats: 102\n"
    "    floor: {length: 20 m, width: 500 cm}\n"
    "    door: {width: 18 ft, height: 144 in}\n"
    "    cruise: 800 km/h\n"
    "    ground_time: 1 d 6 h\n"
    "    tails: 1\n"
    "    home: HUB\n"
    "inventories: {cargo: cargo.csv, tasks: tasks.csv}\n";

static void test_load_string_and_units(void **state)
{
    (void)state;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load_string("small.yaml", small_yaml, sizeof small_yaml - 1,
                                           DATA "/mini", &d, &s);
    if (st != DD_OK)
        dump_diags("small.yaml", &d);
    assert_int_equal(st, DD_OK);
    assert_int_equal(d.n_errors, 0);
    assert_string_equal(s->path, "small.yaml");
    assert_near(s->passenger_kg, 0.1 * 2000 * LB, 1e-9);
    /* 06:00-05:00 is 11:00Z; the deadline 06:00+01:00 next day is 05:00Z: 18 h */
    assert_int_equal(s->agreement.deadline, 18 * 60);
    assert_near(s->sites[0].lat, 13.5, 0);
    assert_near(s->sites[1].lon, 8, 0);
    const dd_aircraft *a = &s->aircraft[0];
    assert_near(a->acl_kg, 77500, 1e-9);
    assert_int_equal(a->n_range_payload, 2); /* sorted by range */
    assert_near(a->range_payload[0].range_m, 100000, 1e-9);
    assert_near(a->range_payload[0].payload_kg, 60000, 1e-9);
    assert_near(a->range_payload[1].range_m, 2400 * 1852.0, 1e-6);
    assert_near(a->range_payload[1].payload_kg, 30 * 2000 * LB, 1e-6);
    assert_near(a->floor_width_m, 5, 1e-12);
    assert_near(a->door_height_m, 144 * IN, 1e-12);
    assert_near(a->cruise_mps, 800 / 3.6, 1e-9);
    assert_int_equal(a->ground_time, 30 * 60);
    /* the inventories resolved against base_dir */
    assert_int_equal(s->n_cargo, 4);
    assert_int_equal(s->n_tasks, 4);
    assert_near(s->cargo[0].weight_kg, 6000 * LB, 1e-9);
    assert_near(dd_aircraft_acl(a, 100000), 60000, 1e-9);
    dd_scenario_free(s);
    dd_diags_fini(&d);
}

enum { MINI_CAP = 1 << 16 };

/* In buf (MINI_CAP bytes), `from` replaced by `to` (once). */
static char *text_with(char *buf, const char *from, const char *to)
{
    size_t n = strlen(buf);
    const size_t cap = MINI_CAP;
    char *at = strstr(buf, from);
    assert_non_null(at);
    size_t lf = strlen(from), lt = strlen(to);
    assert_true(n - lf + lt < cap);
    memmove(at + lt, at + lf, strlen(at + lf) + 1);
    memcpy(at, to, lt);
    return buf;
}

/* The mini scenario's text with `from` replaced by `to` (once). */
static char *mini_with(const char *from, const char *to)
{
    FILE *f = fopen(DATA "/mini/scenario.yaml", "rb");
    assert_non_null(f);
    char *buf = malloc(MINI_CAP);
    assert_non_null(buf);
    size_t n = fread(buf, 1, MINI_CAP - 1, f);
    fclose(f);
    buf[n] = '\0';
    return text_with(buf, from, to);
}

/* text loaded (base DATA/mini), which must be valid; d is initialised
 * here and holds the warnings. */
static dd_scenario *load_text_ok(const char *name, const char *text, dd_diags *d)
{
    dd_diags_init(d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load_string(name, text, strlen(text), DATA "/mini", d, &s);
    if (st != DD_OK)
        dump_diags(name, d);
    assert_int_equal(st, DD_OK);
    return s;
}

#define S1_RES "    resources: {team: 2, forklift: 1}\n"
#define S2_RES "    resources: {team: 1}\n"

/* One error expected from text: its line, column, path and message. */
static void expect_one_error(char *text, uint32_t line, uint32_t col, const char *path,
                             const char *message)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load_string("via.yaml", text, strlen(text), DATA "/mini", &d, &s);
    if (st != DD_EINPUT || d.n_errors != 1)
        dump_diags("via.yaml", &d);
    assert_int_equal(st, DD_EINPUT);
    assert_null(s);
    assert_int_equal(d.n_errors, 1);
    const dd_diag *g = NULL;
    for (size_t k = 0; k < d.n_items && !g; k++)
        if (d.items[k].severity == DD_SEV_ERROR)
            g = &d.items[k];
    assert_non_null(g);
    assert_int_equal(g->line, line);
    assert_int_equal(g->col, col);
    assert_string_equal(g->path, path);
    assert_string_equal(g->message, message);
    dd_diags_fini(&d);
    free(text);
}

/* Legs inside the country (issue 18): sites[].via and via_transfer, and
 * each refusal at its place. */
static void test_vias(void **state)
{
    (void)state;
    char *text = mini_with(S2_RES, S2_RES "    via: S1\n    via_transfer: 2h\n");
    dd_diags d;
    dd_scenario *s = load_text_ok("via.yaml", text, &d);
    assert_int_equal(s->sites[0].via, -1);
    assert_int_equal(s->sites[0].via_transfer, 0);
    assert_int_equal(s->sites[1].via, 0);
    assert_int_equal(s->sites[1].via_transfer, 120);
    assert_int_equal(d.n_items, 0); /* the planner flies the legs: nothing to warn */
    dd_scenario_free(s);
    dd_diags_fini(&d);
    free(text);
    expect_one_error(mini_with(S2_RES, S2_RES "    via: S9\n"), 33, 10, "sites[1].via",
                     "unknown site 'S9'");
    expect_one_error(mini_with(S2_RES, S2_RES "    via: S1\n    after: [S1]\n"), 33, 10,
                     "sites[1].via",
                     "site S2 leaves through S1 but closes after it (after, phases): its last "
                     "leg lands at S1, which is still open then");
    expect_one_error(mini_with(S2_RES, S2_RES "    via: S2\n"), 33, 10, "sites[1].via",
                     "site S2 cannot leave through itself");
    expect_one_error(mini_with(S2_RES, S2_RES "    via_transfer: 1h\n"), 33, 19,
                     "sites[1].via_transfer",
                     "via_transfer without via (the site through which this one leaves)");
    expect_one_error(text_with(mini_with(S2_RES, S2_RES "    via: S1\n"), S1_RES,
                               S1_RES "    via: S2\n"),
                     26, 10, "sites[0].via",
                     "via cycle: S1 -> S2 -> S1 (each site leaves through the next)");
    /* a third site leaving through S2, which leaves through S1: a chain */
    expect_one_error(mini_with(S2_RES, S2_RES "    via: S1\n"
                                       "  - id: S3\n    icao: CCCC\n    position: [16, 8]\n"
                                       "    mog: {C17: 1, C130: 1}\n"
                                       "    via: S2\n"),
                     38, 10, "sites[2].via",
                     "site S2 leaves through S1 itself; name S1 (vias do not chain)");
}

/* Caps per week and over time: a schedule, a weekly cap alone (one step
 * from always), the week's kind, daily_cap alone unchanged (no steps). */
static void test_clearance_caps(void **state)
{
    (void)state;
    char *text = mini_with("    daily_cap: 4\n",
                           "    caps:\n"
                           "      - {from: 2024-06-07, daily: 2, weekly: 10}\n"
                           "      - {from: 2024-06-20T12:00, daily: 4}\n"
                           "    week: calendar\n");
    char *t2 = mini_with("    mog: {C17: 1, C130: 2}\n",
                         "    mog: {C17: 1, C130: 2}\n    daily_cap: 3\n    weekly_cap: 9\n");
    dd_diags d;
    dd_scenario *s = load_text_ok("caps.yaml", text, &d);
    const dd_clearance_terms *c = &s->agreement.clearance;
    assert_int_equal(c->n_caps, 2);
    assert_int_equal(c->caps[0].day, 6); /* the epoch is 2024-06-01 */
    assert_int_equal(c->caps[0].daily, 2);
    assert_int_equal(c->caps[0].weekly, 10);
    assert_int_equal(c->caps[1].day, 19); /* a date-time: the day that holds it */
    assert_int_equal(c->caps[1].daily, 4);
    assert_int_equal(c->caps[1].weekly, -1);
    assert_int_equal(c->daily_cap, 4); /* the largest */
    assert_int_equal(c->caps_base, 4);
    assert_true(c->calendar_week);
    assert_int_equal(s->sites[0].n_caps, 0);
    assert_int_equal(s->sites[0].daily_cap, -1);
    dd_scenario_free(s);
    dd_diags_fini(&d);
    s = load_text_ok("caps2.yaml", t2, &d);
    c = &s->agreement.clearance;
    assert_int_equal(c->n_caps, 0); /* daily_cap alone: no schedule */
    assert_int_equal(c->daily_cap, 4);
    assert_false(c->calendar_week);
    const dd_site *x = &s->sites[0];
    assert_int_equal(x->n_caps, 1);
    assert_int_equal(x->caps[0].day, INT32_MIN);
    assert_int_equal(x->caps[0].daily, 3);
    assert_int_equal(x->caps[0].weekly, 9);
    assert_int_equal(x->daily_cap, 3);
    assert_int_equal(x->caps_base, 3);
    dd_scenario_free(s);
    dd_diags_fini(&d);
    free(text);
    free(t2);
}

/* A site's dates are read in its own zone; "(UTC)" in a CSV header makes
 * offset-less times UTC; thousands separators in counts. */
static void test_time_zones(void **state)
{
    (void)state;
    dd_scenario *s = load_ok(DATA "/tz/scenario.yaml");
    /* epoch 2024-06-01T00:00+01:00. WEST closes at the end of 20 June +01:00
     * (20 days after the epoch); EAST at the end of 20 June +05:00, 4 h earlier */
    assert_int_equal(s->sites[0].close_by, 20 * 1440);
    assert_int_equal(s->sites[1].close_by, 20 * 1440 - 4 * 60);
    /* 2024-06-02T12:00Z is 37 h after the epoch (23:00Z on 31 May) */
    assert_int_equal(s->people[0].release, 37 * 60);
    assert_int_equal(s->people[0].count, 1200);
    /* an explicit offset wins over the header's (UTC) */
    assert_int_equal(s->people[1].release, 32 * 60);
    dd_scenario_free(s);
}

static void test_missing_files(void **state)
{
    (void)state;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    assert_int_equal(dd_scenario_load(DATA "/no-such-file.yaml", &d, &s), DD_EIO);
    assert_null(s);
    assert_int_equal(d.n_errors, 1);
    assert_string_equal(d.items[0].message,
                        "cannot read the scenario file (No such file or directory)");
    dd_diags_fini(&d);

    static const char text[] = "drawdown: 1\ninventories:\n  cargo: nope.csv\n";
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_scenario_load_string("x.yaml", text, sizeof text - 1, DATA, &d, &s),
                     DD_EINPUT);
    bool found = false;
    for (size_t i = 0; i < d.n_items; i++)
        if (strcmp(d.items[i].message, "cannot read '" DATA "/nope.csv' (No such file or directory)") == 0) {
            found = true;
            assert_int_equal(d.items[i].line, 3);
            assert_int_equal(d.items[i].col, 10);
            assert_string_equal(d.items[i].path, "inventories.cargo");
        }
    assert_true(found);
    dd_diags_fini(&d);

    /* a folder opens with fopen; it must not be read as a file (fuzz crasher:
     * its size came back as LONG_MAX and was allocated) */
    static const char folder[] = "drawdown: 1\ninventories:\n  cargo: mini\n";
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(
        dd_scenario_load_string("x.yaml", folder, sizeof folder - 1, DATA, &d, &s), DD_EINPUT);
    found = false;
    for (size_t i = 0; i < d.n_items; i++)
        if (strcmp(d.items[i].message, "cannot read '" DATA "/mini' (a folder, not a file)") == 0)
            found = true;
    assert_true(found);
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_scenario_load(DATA "/mini", &d, &s), DD_EIO);
    dd_diags_fini(&d);
}

/* Empty and degenerate texts fail cleanly, never crash. */
static void test_degenerate_texts(void **state)
{
    (void)state;
    static const char *const texts[] = {"", "\n", "~", "[]", "- 1\n", "drawdown: 1\n",
                                        "drawdown: 1\nsites: []\ndestinations: []\n",
                                        "a: &x [*x]\n", "---\na: 1\n---\nb: 2\n", "{"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        dd_scenario *s = NULL;
        dd_status st = dd_scenario_load_string("t.yaml", texts[i], strlen(texts[i]), DATA, &d, &s);
        assert_int_equal(st, DD_EINPUT);
        assert_null(s);
        assert_true(d.n_errors > 0);
        dd_diags_fini(&d);
    }
}

/* Positions as airfield publications give them (DMS, compact, either
 * order), and shares written as percentages. */
static void test_positions_and_shares(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double lat, lon;
    } good[] = {
        {"13.4819, 2.1831", 13.4819, 2.1831},
        {"-13.5 -2.25", -13.5, -2.25},
        {"13\xC2\xB0" "28'55\"N 002\xC2\xB0" "10'59\"E", 13 + 28 / 60.0 + 55 / 3600.0,
         2 + 10 / 60.0 + 59 / 3600.0},
        {"N13\xC2\xB0" "28'55\" E002\xC2\xB0" "10'59\"", 13 + 28 / 60.0 + 55 / 3600.0,
         2 + 10 / 60.0 + 59 / 3600.0},
        {"132855N 0021059E", 13 + 28 / 60.0 + 55 / 3600.0, 2 + 10 / 60.0 + 59 / 3600.0},
        {"132855.5S 0021059W", -(13 + 28 / 60.0 + 55.5 / 3600.0), -(2 + 10 / 60.0 + 59 / 3600.0)},
        {"1328.5N 00210.5E", 13 + 28.5 / 60.0, 2 + 10.5 / 60.0},
        {"13 28 55N, 2 10 59E", 13 + 28 / 60.0 + 55 / 3600.0, 2 + 10 / 60.0 + 59 / 3600.0},
        {"13-28-55N 002-10-59E", 13 + 28 / 60.0 + 55 / 3600.0, 2 + 10 / 60.0 + 59 / 3600.0},
        {"49\xE2\x80\xB2" "26\xE2\x80\xB2" "13\xE2\x80\xB3N 7\xC2\xBA" "36'01\"E",
         49 + 26 / 60.0 + 13 / 3600.0, 7 + 36 / 60.0 + 1 / 3600.0},
        {"002\xC2\xB0" "10.5'E 13\xC2\xB0" "28.5'N", 13 + 28.5 / 60.0, 2 + 10.5 / 60.0},
        {"13.4819N 2.1831W", 13.4819, -2.1831},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        double lat = 99, lon = 999;
        const char *err = dd__parse_position(good[i].text, &lat, &lon);
        if (err)
            fail_msg("'%s': %s", good[i].text, err);
        assert_near(lat, good[i].lat, 1e-12);
        assert_near(lon, good[i].lon, 1e-12);
    }
    static const struct {
        const char *text, *err;
    } bad[] = {
        {"13\xC2\xB0" "61'00\"N 2\xC2\xB0" "00'00\"E",
         "expected a position such as '13.4819, 2.1831' (degrees north and east), "
         "13\xC2\xB0" "28'55\"N 002\xC2\xB0" "10'59\"E or 132855N 0021059E"},
        {"13N 2N", "a position needs one latitude (N or S) and one longitude (E or W)"},
        {"91, 2", "latitude beyond 90 degrees"},
        {"13.5N 181E", "longitude beyond 180 degrees"},
        {"13.5", "expected a position such as '13.4819, 2.1831' (degrees north and east), "
                 "13\xC2\xB0" "28'55\"N 002\xC2\xB0" "10'59\"E or 132855N 0021059E"},
        {"1N 2E 3N", "expected a position such as '13.4819, 2.1831' (degrees north and east), "
                     "13\xC2\xB0" "28'55\"N 002\xC2\xB0" "10'59\"E or 132855N 0021059E"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double lat, lon;
        const char *err = dd__parse_position(bad[i].text, &lat, &lon);
        assert_non_null(err);
        assert_string_equal(err, bad[i].err);
    }

    double v;
    assert_null(dd__parse_fraction("50%", &v));
    assert_near(v, 0.5, 0);
    assert_null(dd__parse_fraction(" 12.5 % ", &v));
    assert_near(v, 0.125, 1e-15);
    assert_string_equal(dd__parse_fraction("50 percent", &v), "expected a number or a percentage");

    /* a milestone's share as a percentage; above 100% is out of range */
    static const char *const shares[][2] = {{"personnel: 50%", NULL},
                                            {"personnel: 150%", "must be between 0 and 1, got 1.5"}};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        FILE *f = fopen(DATA "/mini/scenario.yaml", "rb");
        assert_non_null(f);
        char text[8192];
        len = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[len] = '\0';
        char *at = strstr(text, "personnel: 0.5");
        assert_non_null(at);
        char out[8300];
        snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, shares[i][0],
                 at + strlen("personnel: 0.5"));
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        dd_scenario *s = NULL;
        dd_status st = dd_scenario_load_string("s.yaml", out, strlen(out), DATA "/mini", &d, &s);
        if (!shares[i][1]) {
            assert_int_equal(st, DD_OK);
            assert_near(s->agreement.milestones[0].personnel_fraction, 0.5, 0);
            dd_scenario_free(s);
        } else {
            assert_int_equal(st, DD_EINPUT);
            assert_string_equal(d.items[0].path, "agreement.milestones[0].personnel");
            assert_string_equal(d.items[0].message, shares[i][1]);
            assert_int_equal(d.items[0].line, 15);
            assert_int_equal(d.items[0].col, 18);
        }
        dd_diags_fini(&d);
    }
}

/* Semicolon and tab files read with decimal commas; the model holds the
 * numbers the planner meant. */
static void test_decimal_commas(void **state)
{
    (void)state;
    static const char *const files[] = {
        "id;site;description;quantity;weight;length;width;height;kind;disposition;released_by\n"
        "C1;S1;Pallets;40;6000,5;104;84;80;pallet;ship;\n"
        "C2;S1;Truck;2;1.234,5;200;90;90;rolling;ship;T2\n",
        "id\tsite\tdescription\tquantity\tweight\tlength\twidth\theight\tkind\n"
        "C1\tS1\t\"Pallets; blue\"\t40\t6000,5\t104\t84\t80\tpallet\n"
        "C2\tS1\tTruck\t2\t1 234,5\t200\t90\t90\trolling\n"
        "C3\tS1\tCrates\t2\t6,400\t40\t40\t40\tloose\n",
    };
    for (size_t i = 0; i < 2; i++) {
        char dir[] = "/tmp/dd-model-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char path[128];
        snprintf(path, sizeof path, "%s/cargo.csv", dir);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(files[i], f);
        fclose(f);
        FILE *y = fopen(DATA "/mini/scenario.yaml", "rb");
        assert_non_null(y);
        char text[8192];
        size_t len = fread(text, 1, sizeof text - 1, y);
        fclose(y);
        text[len] = '\0';
        char *at = strstr(text, "inventories:");
        assert_non_null(at);
        char out[8400];
        snprintf(out, sizeof out, "%.*sinventories:\n  cargo: %s\n  tasks: %s\n",
                 (int)(at - text), text, path, DATA "/mini/tasks.csv");
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        dd_scenario *s = NULL;
        dd_status st = dd_scenario_load_string("s.yaml", out, strlen(out), dir, &d, &s);
        if (st != DD_OK)
            dump_diags("decimal commas", &d);
        assert_int_equal(st, DD_OK);
        /* the mini scenario weighs in pounds */
        assert_near(s->cargo[0].weight_kg, 6000.5 * LB, 1e-9);
        assert_near(s->cargo[1].weight_kg, 1234.5 * LB, 1e-9);
        if (i == 1) {
            assert_string_equal(s->cargo[0].description, "Pallets; blue");
            /* a tab file's 6,400 is six thousand four hundred */
            assert_near(s->cargo[2].weight_kg, 6400 * LB, 1e-9);
        }
        dd_scenario_free(s);
        dd_diags_fini(&d);
        remove(path);
        rmdir(dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_niger_example),
        cmocka_unit_test(test_mini_model),
        cmocka_unit_test(test_mini_check_summary),
        cmocka_unit_test(test_evacuee_role),
        cmocka_unit_test(test_crews_check),
        cmocka_unit_test(test_json_equals_yaml),
        cmocka_unit_test(test_bom_and_crlf_accepted),
        cmocka_unit_test(test_load_string_and_units),
        cmocka_unit_test(test_clearance_caps),
        cmocka_unit_test(test_vias),
        cmocka_unit_test(test_missing_files),
        cmocka_unit_test(test_time_zones),
        cmocka_unit_test(test_degenerate_texts),
        cmocka_unit_test(test_positions_and_shares),
        cmocka_unit_test(test_decimal_commas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
