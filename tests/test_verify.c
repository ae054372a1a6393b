/* SPDX-License-Identifier: MIT */
/*
 * Tests for src/verify, the plan verifier. The fixture scenario
 * tests/data/verify/s.yaml has a valid plan worked out by hand
 * (tests/data/verify/plan.json: flight minutes = ceil(distance / cruise /
 * 60 s), weights from the inventory, floor and seats by the 1-D rule) that
 * must verify clean with the compliance summary given below; every file
 * under tests/data/verify/bad/ is that plan with one rule broken
 * (bad/README.md, written by bad/mkbad.py), and must give exactly the
 * violations listed here, with kind, subject and message. Malformed plans
 * give located errors and DD_EINPUT. The command line is tested for its
 * exit statuses and output when the binary is built.
 *
 * The expected messages were derived by hand from the scenario, e.g.
 * sortie 2 to HUB2 flies 4,865.8 km, where the range-payload table
 * (20,000 kg at 3,000 km, 5,000 kg at 6,000 km) allows 20,000 - 5 kg/km x
 * 1,865.8 km = 10,671.1 kg, below the 10,922.1 kg aboard (two pallets of
 * 2,161.0 and 1,361.0 kg with their 161.0 kg pallet and nets, a 6,000 kg
 * vehicle and 14 passengers of 100 kg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/verify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define VDATA DD_TEST_DATA "/verify"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static dd_scenario *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VDATA, name);
    dd_diags d;
    dd_diags_init(&d, 0);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &d, &s);
    if (st != DD_OK)
        fail_msg("%s: %s (%s)", path, dd_status_str(st),
                 d.n_items ? d.items[0].message : "no message");
    dd_diags_fini(&d);
    return s;
}

/* Verify the plan file `name` under tests/data/verify/. */
static dd_status verify(const dd_scenario *s, const char *name, dd_verify_report **out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VDATA, name);
    size_t len;
    char *text = read_all(path, &len);
    dd_status st = dd_verify_plan(s, name, text, len, out);
    free(text);
    return st;
}

static char *render_text(const dd_verify_report *r)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    assert_int_equal(dd_verify_write_text(r, f), DD_OK);
    fclose(f);
    return buf;
}

/* The first violation of r of this kind with this message, or NULL. */
static const dd_violation *find_violation(const dd_verify_report *r, dd_violation_kind kind,
                                          const char *message)
{
    for (size_t k = 0; k < r->n_stored; k++)
        if (r->violations[k].kind == kind && !strcmp(r->violations[k].message, message))
            return &r->violations[k];
    return NULL;
}

static int setup(void **state)
{
    *state = load("s.yaml");
    return 0;
}

static int teardown(void **state)
{
    dd_scenario_free(*state);
    return 0;
}

/* ---- the valid plans ---- */

/* the order of closure, not applicable to s.yaml (s-order.yaml has one) */
#define T_ORDER_INDEX 12

static const char valid_summary[] =
    "compliance with the agreement:\n"
    "  clearance lead time: met (shortest 2d 0h)\n"
    "  clearances open: met (first departure 2024-06-04T08:00Z)\n"
    "  clearance validity windows: met (least time left in a window: 22h 0m)\n"
    "  daily cap per airfield: met (busiest: BASE on 2024-06-04, 1 of 1)\n"
    "  daily cap country-wide: met (busiest: 2024-06-04, 1 of 2)\n"
    "  permitted hours: met (closest to the edge: sortie 2 at 07:00 local)\n"
    "  blackout dates: met (no departure on the 1 blackout day)\n"
    "  security floor and ratio: met\n"
    "    (least margin: BASE at 2024-06-02T11:00Z, 8 security for 7 required)\n"
    "  exit processing: met (busiest: BASE on 2024-06-05, 14 of 18)\n"
    "  manifest lead time: met (shortest 1d 0h 30m)\n"
    "  entry lead time: met (shortest 1d 0h)\n"
    "  in-country ceiling: met (peak 37 of 37 at 2024-05-31T23:00Z)\n"
    "  order of closure: not applicable (no order of closure)\n"
    "  deadline: met (margin 13d 15h, last departure 2024-06-07T08:00Z)\n"
    "  milestone half: met\n"
    "    (people 0.744 of 0.500, cargo 1.000 of 0.900 by 2024-06-06T23:00Z)\n"
    "  closing date BASE: met (last departure 2024-06-07T08:00Z, margin 11d 15h)\n"
    "\n"
    "the plan complies: 4 sorties, 2 commercial flights, no violation\n";

static void test_valid_plan(void **state)
{
    dd_verify_report *r = NULL;
    assert_int_equal(verify(*state, "plan.json", &r), DD_OK);
    for (size_t i = 0; i < r->n_stored; i++)
        print_message("unexpected: %s: %s\n", dd_violation_kind_name(r->violations[i].kind),
                      r->violations[i].message);
    assert_int_equal(r->n_violations, 0);
    assert_int_equal(r->n_sorties, 4);
    assert_int_equal(r->n_clearances, 4);
    assert_int_equal(r->n_commercial, 2);
    assert_int_equal(r->people_moved, 39);
    assert_int_equal(r->pieces_moved, 16);
    assert_int_equal(r->n_terms, 16);
    for (size_t i = 0; i < r->n_terms; i++)
        assert_int_equal(r->terms[i].status, i == T_ORDER_INDEX ? DD_TERM_NA : DD_TERM_MET);
    char *text = render_text(r);
    assert_string_equal(text, valid_summary);
    free(text);
    dd_verify_report_free(r);
    /* augmentees flown in on a ferry leg, after their arrival time */
    assert_int_equal(verify(*state, "plan-ferry.json", &r), DD_OK);
    for (size_t i = 0; i < r->n_stored; i++)
        print_message("unexpected: %s\n", r->violations[i].message);
    assert_int_equal(r->n_violations, 0);
    dd_verify_report_free(r);
}

static void test_not_applicable(void **state)
{
    (void)state;
    dd_scenario *s = load("s-min.yaml");
    dd_verify_report *r = NULL;
    assert_int_equal(verify(s, "plan-min.json", &r), DD_OK);
    assert_int_equal(r->n_violations, 0);
    assert_int_equal(r->n_terms, 14);
    for (size_t i = 0; i + 1 < r->n_terms; i++)
        assert_int_equal(r->terms[i].status, DD_TERM_NA);
    assert_string_equal(r->terms[0].name, "clearance lead time");
    assert_string_equal(r->terms[0].worst, "no military sorties");
    assert_string_equal(r->terms[11].worst, "no in-country ceiling");
    assert_string_equal(r->terms[12].name, "order of closure");
    assert_string_equal(r->terms[12].worst, "no order of closure");
    assert_string_equal(r->terms[13].name, "deadline");
    assert_int_equal(r->terms[13].status, DD_TERM_MET);
    assert_string_equal(r->terms[13].worst, "nothing departs");
    dd_verify_report_free(r);
    dd_scenario_free(s);
}

/* ---- one broken rule per plan ---- */

typedef struct expect {
    dd_violation_kind kind;
    int64_t sortie;      /* 0: none */
    const char *item;    /* NULL: none */
    const char *site;    /* NULL: none */
    const char *message;
} expect;

typedef struct bad_plan {
    const char *file; /* under bad/ */
    size_t n;         /* violations in all */
    expect e[2];      /* the first one or two, in report order */
} bad_plan;

static const bad_plan bad_plans[] = {
    {"clearance-contents.json", 1, {{DD_V_CLEARANCE, 1, NULL, "BASE",
        "clearance 1: hazard class 1.1 not stated, but sortie 1 carries it"}}},
    {"epoch.json", 1, {{DD_V_FORMAT, 0, NULL, NULL,
        "epoch 2024-06-01T00:00Z stated, the scenario's is 2024-05-31T23:00Z"}}},
    {"completion.json", 1, {{DD_V_FORMAT, 0, NULL, NULL,
        "summary: completion 2024-06-07T09:00Z stated, the last departure is 2024-06-07T08:00Z"}}},
    {"load-weight.json", 1, {{DD_V_LOAD, 2, NULL, "BASE",
        "sortie 2: 10922.1 kg aboard, above the BIG's cabin load of 10671.1 kg for 4866 km"}}},
    {"load-positions.json", 2, {{DD_V_LOAD, 1, NULL, "BASE",
        "sortie 1: 5 pallets, the BIG has 4 pallet positions"},
        {DD_V_LOAD, 1, NULL, "BASE", "sortie 1: 25.00 m of floor used, the BIG has 20.00 m"}}},
    {"load-gross.json", 1, {{DD_V_LOAD, 1, NULL, "BASE",
        "sortie 1, pallet 2: 4961.0 kg gross, above the 4535.9 kg (10,000 lb) of a 463L pallet"}}},
    {"load-height.json", 1, {{DD_V_LOAD, 2, NULL, "BASE",
        "sortie 2, pallet 5: 2.10 m high, above the BIG's pallet height of 2.00 m"}}},
    {"load-tallest.json", 1, {{DD_V_LOAD, 2, "BOX", "BASE",
        "sortie 2, pallet 5: height_m 0.90 is below its tallest piece, BOX (1.00 m)"}}},
    {"load-volume.json", 1, {{DD_V_LOAD, 2, NULL, "BASE",
        "sortie 2, pallet 5: its pieces take 6.00 m3, more than the 5.64 m3 of a 463L pallet "
        "1.00 m high"}}},
    {"load-floor.json", 1, {{DD_V_LOAD, 1, NULL, "BASE",
        "sortie 1: 22.50 m of floor used, the BIG has 20.00 m"}}},
    {"load-seats.json", 1, {{DD_V_LOAD, 2, NULL, "BASE",
        "sortie 2: 14 passengers, 5 seats left after the floor use displaces 35.0 of 40"}}},
    {"load-door.json", 2, {{DD_V_LOAD, 2, "DRONE", "BASE",
        "sortie 2: DRONE (1.00 m wide, 3.50 m high) does not pass the BIG door (4.00 m wide, "
        "3.00 m high)"},
        {DD_V_DISPOSITION, 2, "DRONE", "BASE",
         "DRONE is to hand over, yet 1 piece flies (first on sortie 2)"}}},
    {"load-no-passengers.json", 1, {{DD_V_LOAD, 4, "BOMB", "BASE",
        "sortie 4: hazard class 1.1 (BOMB) flies with 10 passengers"}}},
    {"load-apart.json", 1, {{DD_V_LOAD, 2, "AMMO", "BASE",
        "sortie 2: hazard classes 1.4 (AMMO) and 3 (FUEL) must fly apart"}}},
    {"load-sensitive.json", 1, {{DD_V_LOAD, 1, "CRYPTO", "BASE",
        "sortie 1: sensitive item CRYPTO flies with nobody aboard"}}},
    {"load-escort.json", 1, {{DD_V_LOAD, 2, NULL, "BASE",
        "sortie 2: 14 passengers marked escort, but no sensitive item is aboard"}}},
    {"load-stated-weight.json", 1, {{DD_V_LOAD, 4, NULL, "BASE",
        "sortie 4: weight_kg 900.0 stated, 1000.0 recomputed"}}},
    {"cargo-left.json", 1, {{DD_V_CARGO, 0, "BLOCK", "BASE",
        "BLOCK: 3 of 4 pieces fly; the rest never leave BASE"}}},
    {"cargo-twice.json", 1, {{DD_V_CARGO, 2, "BOX", "BASE",
        "BOX: 7 pieces fly, the inventory has 6"}}},
    {"disposition.json", 1, {{DD_V_DISPOSITION, 2, "FURN", "BASE",
        "FURN is to hand over, yet 1 piece flies (first on sortie 2)"}}},
    {"people-movements.json", 1, {{DD_V_PEOPLE, 2, "SUP", "BASE",
        "group SUP: its movements put 12 on sortie 2, which carries 14 of them"}}},
    {"commercial-date.json", 3, {{DD_V_PEOPLE, 0, "FOBS", "FOB",
        "group FOBS: its movements put 3 on commercial flights on 2024-06-02, which carries 0 "
        "of them"},
        {DD_V_PEOPLE, 0, "FOBS", "FOB",
         "group FOBS: its movements put 0 on commercial flights on 2023-06-02, which carries 3 "
         "of them"}}},
    {"people-left.json", 2, {{DD_V_PEOPLE, 0, "SEC", "BASE",
        "group SEC: 7 of 8 people leave; the rest never leave BASE"},
        {DD_V_SECURITY, 0, NULL, "BASE",
         "BASE: its last departure (2024-06-07T08:00Z) leaves 1 person behind"}}},
    {"people-ferry.json", 2, {{DD_V_PEOPLE, 1, "SUP", "BASE",
        "sortie 1: the ferry leg flies in group SUP, which is support, not augmentees"},
        {DD_V_PEOPLE, 1, "SUP", "BASE",
         "group SUP: its arrivals put 0 on sortie 1, which flies in 2 of them"}}},
    {"clearance-lead.json", 1, {{DD_V_CLEARANCE, 1, NULL, "BASE",
        "clearance 1 (sortie 1): filed by 2024-06-03T08:00Z, 1d 0h before departure; the "
        "lead time is 2d 0h"}}},
    {"clearance-epoch.json", 1, {{DD_V_CLEARANCE, 1, NULL, "BASE",
        "clearance 1 (sortie 1): filed by 2024-05-31T22:00Z, before the epoch "
        "2024-05-31T23:00Z"}}},
    {"clearance-opens.json", 1, {{DD_V_CLEARANCE, 1, NULL, "BASE",
        "sortie 1 departs 2024-06-03T08:00Z, before clearances open at 2024-06-03T23:00Z"}}},
    {"clearance-validity.json", 1, {{DD_V_CLEARANCE, 1, NULL, "BASE",
        "clearance 1 (sortie 1): window 2024-06-04T06:00Z to 2024-06-04T18:00Z is 12h 0m "
        "long; the validity is 1d 0h"}}},
    {"clearance-window.json", 1, {{DD_V_CLEARANCE, 1, NULL, "BASE",
        "clearance 1 (sortie 1): departure 2024-06-04T08:00Z is outside its window "
        "2024-06-04T09:00Z to 2024-06-05T09:00Z"}}},
    {"clearance-date.json", 1, {{DD_V_CLEARANCE, 1, NULL, "BASE",
        "clearance 1: date 2024-06-05, but sortie 1 departs on 2024-06-04 (host-country day)"}}},
    {"hours.json", 1, {{DD_V_HOURS, 1, NULL, "BASE",
        "sortie 1 departs BASE at 05:30 local, outside the permitted hours 06:00-22:00"}}},
    {"blackout.json", 1, {{DD_V_BLACKOUT, 4, NULL, "BASE",
        "sortie 4 departs BASE on 2024-06-08, a blackout day"}}},
    {"cap-site.json", 1, {{DD_V_CAP_SITE, 2, NULL, "BASE",
        "BASE on 2024-06-04: 2 clearances, above the airfield's daily cap of 1 (sorties 1, 2)"}}},
    {"cap-country.json", 1, {{DD_V_CAP_COUNTRY, 6, NULL, NULL,
        "2024-06-07: 3 clearances in the country, above the daily cap of 2 (sorties 4, 5, 6)"}}},
    {"mog-class.json", 1, {{DD_V_MOG, 3, NULL, "BASE",
        "BASE at 2024-06-05T05:00Z: 2 C17 on the ground (sorties 2, 3); the C17 MOG is 1"}}},
    {"mog-reserved.json", 1, {{DD_V_MOG, 4, NULL, "BASE",
        "BASE at 2024-06-12T06:00Z: 1 aircraft on the ground (sorties 4) and 2 slots "
        "reserved; the MOG is 2"}}},
    {"tail-count.json", 1, {{DD_V_TAIL, 2, NULL, "BASE",
        "sortie 2: BIG tail 3 flies from 2024-06-04T22:24Z to 2024-06-05T11:36Z, but the type "
        "has 2 tails then"}}},
    {"tail-overlap.json", 2, {{DD_V_TAIL, 3, NULL, "BASE",
        "sortie 3: BIG tail 2 leaves at 2024-06-04T23:24Z while still flying sortie 2 (lands "
        "2024-06-05T11:36Z)"},
        {DD_V_MOG, 3, NULL, "BASE",
         "BASE at 2024-06-05T05:00Z: 2 C17 on the ground (sorties 2, 3); the C17 MOG is 1"}}},
    {"itinerary-from.json", 1, {{DD_V_ITINERARY, 3, NULL, "BASE",
        "sortie 3: BIG tail 1 ferries from HUB2, but it is at HUB (where its previous sortie "
        "landed)"}}},
    {"itinerary-flight.json", 1, {{DD_V_ITINERARY, 1, NULL, "BASE",
        "sortie 1: the leg BASE to HUB takes 5h 0m; the flight time is 5h 36m (4022 km)"}}},
    {"itinerary-ground.json", 1, {{DD_V_ITINERARY, 1, NULL, "BASE",
        "sortie 1: 1h 0m on the ground at BASE; the BIG needs 2h 0m"}}},
    {"itinerary-turn.json", 1, {{DD_V_ITINERARY, 4, NULL, "BASE",
        "sortie 4: BIG tail 1 turns at HUB in 1h 0m after sortie 3; the ground time is 2h 0m"}}},
    {"airfield-hours.json", 1, {{DD_V_AIRFIELD_HOURS, 1, NULL, "BASE",
        "sortie 1 lands at BASE at 04:00 local, outside its operating hours 05:00-23:00"}}},
    {"task-duration.json", 1, {{DD_V_TASK, 0, "CLEAN", "BASE",
        "task CLEAN runs 2024-06-02T23:00Z to 2024-06-03T20:00Z, 21h 0m; its duration is 1d 0h"}}},
    {"task-precedence.json", 1, {{DD_V_TASK_PRECEDENCE, 0, "FINAL", "BASE",
        "task FINAL starts 2024-06-03T10:00Z, before 2024-06-03T11:00Z (PACK ends plus 12h 0m)"}}},
    {"task-resource.json", 1, {{DD_V_TASK_RESOURCE, 0, "CLEAN", "BASE",
        "BASE at 2024-06-01T23:00Z: 2 team held (tasks PACK, CLEAN), capacity 1"}}},
    {"task-missing.json", 1, {{DD_V_TASK, 0, "CLEAN", "BASE",
        "task CLEAN has no times in the plan"}}},
    {"release-cargo.json", 1, {{DD_V_RELEASE, 2, "PAL", "BASE",
        "sortie 2: PAL leaves 2024-06-05T06:00Z, before it is ready at 2024-06-05T23:00Z (its "
        "ready time)"}}},
    {"release-people.json", 1, {{DD_V_RELEASE, 2, "OPS", "BASE",
        "sortie 2: group OPS leaves 2024-06-05T06:00Z, before its release at "
        "2024-06-05T06:30Z"}}},
    {"manifest.json", 1, {{DD_V_MANIFEST, 2, "SEC", "BASE",
        "sortie 2: group SEC is released 2024-06-04T23:00Z, 7h 0m before departure; the "
        "manifest lead time is 1d 0h"}}},
    {"entry.json", 1, {{DD_V_ENTRY, 0, "AUG", "BASE",
        "group AUG: entry requested by 2024-06-02T00:00Z, 11h 0m before arrival; the entry "
        "lead time is 1d 0h"}}},
    {"exit-processing.json", 1, {{DD_V_EXIT_PROCESSING, 0, NULL, "BASE",
        "BASE on 2024-06-06: 19 people leave; exit processing takes 18 a day"}}},
    {"commercial.json", 1, {{DD_V_COMMERCIAL, 0, NULL, "FOB",
        "FOB on 2024-06-02: 4 people on commercial flights, 3 seats that day"}}},
    {"security.json", 1, {{DD_V_SECURITY, 3, NULL, "BASE",
        "BASE after 2024-06-06T07:00Z (sortie 3): 1 security for 2 others; the terms need 2 "
        "(floor 2, ratio 0.25)"}}},
    {"ceiling.json", 1, {{DD_V_CEILING, 0, NULL, NULL,
        "2024-06-02T11:00Z: 39 people in the country, above the ceiling of 37"}}},
    {"deadline.json", 1, {{DD_V_DEADLINE, 0, NULL, "FOB",
        "the commercial flight of 2024-06-21 leaves FOB at 2024-06-21T11:00Z, 12h 0m after "
        "the deadline 2024-06-20T23:00Z"}}},
    {"site-close.json", 1, {{DD_V_SITE_CLOSE, 4, NULL, "BASE",
        "sortie 4 leaves BASE at 2024-06-19T08:00Z, 9h 0m after the site's closing date "
        "2024-06-18T23:00Z"}}},
    {"milestone.json", 1, {{DD_V_MILESTONE, 0, "half", NULL,
        "milestone half: by 2024-06-06T23:00Z, 0.830 of the shipped cargo is out (by "
        "weight); 0.900 required"}}},
};

static void check_violation(const char *file, size_t k, const dd_violation *v, const expect *e)
{
    if (v->kind != e->kind || strcmp(v->message, e->message) != 0)
        fail_msg("%s: violation %zu is\n  %s: %s\nexpected\n  %s: %s", file, k,
                 dd_violation_kind_name(v->kind), v->message, dd_violation_kind_name(e->kind),
                 e->message);
    assert_int_equal(v->sortie, e->sortie);
    if (e->item)
        assert_string_equal(v->item ? v->item : "(null)", e->item);
    else
        assert_null(v->item);
    if (e->site)
        assert_string_equal(v->site ? v->site : "(null)", e->site);
    else
        assert_null(v->site);
}

/* The order of closure (sites[].after, phases): plan.json closes FOB
 * before BASE, which s-order.yaml says FOB follows. */
static void test_order(void **state)
{
    (void)state;
    dd_scenario *s = load("s-order.yaml");
    dd_verify_report *r = NULL;
    assert_int_equal(verify(s, "plan.json", &r), DD_OK);
    assert_int_equal(r->n_violations, 1);
    assert_int_equal(r->violations[0].kind, DD_V_ORDER);
    assert_string_equal(r->violations[0].site, "FOB");
    assert_string_equal(r->violations[0].message,
                        "FOB closes at 2024-06-03T11:00Z, not after BASE (closes "
                        "2024-06-07T08:00Z), which it follows");
    dd_verify_report_free(r);
    dd_scenario_free(s);
}

/* Crews and utilisation (issue 18): plan.json's BIG sorties, each 13h 12m
 * of crew duty (11h 12m flying), against s-crew*.yaml's limits. */
static void test_crews(void **state)
{
    (void)state;
    static const struct {
        const char *scenario;
        size_t n;
        dd_violation_kind kind;
        int64_t sortie;
        const char *message;
    } cases[] = {
        {"s-crew.yaml", 2, DD_V_CREW, 2,
         "sortie 2: at 2024-06-04T22:24Z the BIG needs 2 crews on duty or resting (10h 0m "
         "after each duty); the type has 1"},
        {"s-crew.yaml", 2, DD_V_UTILISATION, 4,
         "BIG tail 1 flies 1d 9h 36m from 2024-06-04 to 2024-06-07; its utilisation allows 1d "
         "8h in 4 days (8h 0m a day)"},
        {"s-crew-aug.yaml", 1, DD_V_CREW, 2,
         "sortie 2: at 2024-06-04T22:24Z the BIG needs 4 crews on duty or resting (10h 0m "
         "after each duty); the type has 2"},
        {"s-crew-long.yaml", 4, DD_V_CREW, 1,
         "sortie 1: the BIG crew is on duty 13h 12m (ferry, ground time, leg), longer than its "
         "basic duty day of 12h 0m"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dd_scenario *s = load(cases[i].scenario);
        dd_verify_report *r = NULL;
        assert_int_equal(verify(s, "plan.json", &r), DD_OK);
        if (r->n_violations != cases[i].n)
            fail_msg("%s: %zu violations, expected %zu", cases[i].scenario, r->n_violations,
                     cases[i].n);
        bool found = false;
        for (size_t k = 0; k < r->n_stored && !found; k++) {
            const dd_violation *v = &r->violations[k];
            if (v->kind != cases[i].kind || strcmp(v->message, cases[i].message) != 0)
                continue;
            found = true;
            assert_int_equal(v->sortie, cases[i].sortie);
            assert_string_equal(v->site, "BASE");
            assert_true(v->line > 0);
        }
        if (!found)
            fail_msg("%s: no %s violation '%s' (first: %s)", cases[i].scenario,
                     dd_violation_kind_name(cases[i].kind), cases[i].message,
                     r->n_stored ? r->violations[0].message : "none");
        dd_verify_report_free(r);
        dd_scenario_free(s);
    }
}

/* Hubs with a ramp and overflight clearances (issue 18): hubs/plan.json,
 * the planner's plan for hubs/s.yaml, against scenarios that each tighten
 * one term, and a request that leaves a country out. */
static void test_hubs(void **state)
{
    (void)state;
    static const struct {
        const char *scenario, *plan;
        size_t n;
        dd_violation_kind kind;
        int64_t sortie;
        const char *message;
    } cases[] = {
        {"hubs/s.yaml", "hubs/plan.json", 0, DD_V_COUNT, 0, NULL},
        {"hubs/s-cap.yaml", "hubs/plan.json", 3, DD_V_OVERFLIGHT, 4,
         "AA on 2024-06-04: 4 sorties cross it; its daily cap is 3"},
        {"hubs/s-lead.yaml", "hubs/plan.json", 16, DD_V_OVERFLIGHT, 1,
         "sortie 1 leaves 3d 0h after the epoch and crosses AA, whose overflight clearance "
         "takes 4d 0h"},
        {"hubs/s-lead.yaml", "hubs/plan.json", 16, DD_V_OVERFLIGHT, 1,
         "clearance 1: the overflight clearance of AA is filed by 2024-05-31T23:00Z, less than "
         "its lead time of 4d 0h before sortie 1 leaves"},
        {"hubs/s-mog.yaml", "hubs/plan.json", 3, DD_V_MOG, 2,
         "hub FAR at 2024-06-04T00:35Z: 1 aircraft on the ground after block-in (sortie 2); the "
         "hub's MOG is 0"},
        {"hubs/s.yaml", "hubs/plan-unlisted.json", 1, DD_V_OVERFLIGHT, 1,
         "clearance 1: sortie 1 crosses AA, but its request lists no overflight clearance of it"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dd_scenario *s = load(cases[i].scenario);
        dd_verify_report *r = NULL;
        assert_int_equal(verify(s, cases[i].plan, &r), DD_OK);
        if (r->n_violations != cases[i].n)
            fail_msg("%s: %zu violations, expected %zu (first: %s)", cases[i].scenario,
                     r->n_violations, cases[i].n,
                     r->n_stored ? r->violations[0].message : "none");
        const dd_violation *v = cases[i].message
                                    ? find_violation(r, cases[i].kind, cases[i].message)
                                    : NULL;
        if (cases[i].message && !v)
            fail_msg("%s: no violation '%s'", cases[i].scenario, cases[i].message);
        if (v) {
            assert_int_equal(v->sortie, cases[i].sortie);
            assert_string_equal(v->site, "S");
        }
        dd_verify_report_free(r);
        dd_scenario_free(s);
    }
}

/* Legs inside the country (issue 18): legs/plan.json flies S2's loads to
 * S1 on legs and out from S1 on their onward sorties (plan-direct.json,
 * the plan made before the planner flew legs, flies them out from S2:
 * each of its two S2 sorties breaks the via); each scenario
 * changes one term the plan then breaks, or the plan is edited: one
 * violation per rule (docs/verify.md, kind `leg`, and the ramp, closing
 * date and crews counting the legs). */
static char *edited(const char *name, const char *anchor, const char *from, const char *to,
                    size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VDATA, name);
    char *text = read_all(path, len);
    if (!anchor)
        return text;
    char *a = strstr(text, anchor);
    assert_non_null(a);
    char *at = strstr(a, from);
    assert_non_null(at);
    size_t nf = strlen(from), nt = strlen(to), head = (size_t)(at - text);
    char *out = malloc(*len - nf + nt + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    memcpy(out + head, to, nt);
    memcpy(out + head + nt, at + nf, *len - head - nf + 1);
    *len = *len - nf + nt;
    free(text);
    return out;
}

/* A plan file (edited: `from` replaced by `to` after `anchor`, or as it
 * is when anchor is NULL) against a scenario: n violations in all (0:
 * any number), among them `message` of `kind` about `sortie` at `site`
 * (message NULL: none at all). */
typedef struct edit_case {
    const char *scenario, *plan, *anchor, *from, *to;
    size_t n;
    dd_violation_kind kind;
    int64_t sortie;
    const char *site, *message;
} edit_case;

static void run_edit_cases(const edit_case *cases, size_t n_cases)
{
    for (size_t i = 0; i < n_cases; i++) {
        dd_scenario *s = load(cases[i].scenario);
        size_t len = 0;
        char *text = edited(cases[i].plan, cases[i].anchor, cases[i].from, cases[i].to, &len);
        dd_verify_report *r = NULL;
        assert_int_equal(dd_verify_plan(s, "plan.json", text, len, &r), DD_OK);
        if (cases[i].n && r->n_violations != cases[i].n)
            fail_msg("case %zu: %zu violations, expected %zu (first: %s)", i, r->n_violations,
                     cases[i].n, r->n_stored ? r->violations[0].message : "none");
        if (!cases[i].message)
            assert_int_equal(r->n_violations, 0);
        const dd_violation *v = cases[i].message
                                    ? find_violation(r, cases[i].kind, cases[i].message)
                                    : NULL;
        if (cases[i].message && !v)
            fail_msg("case %zu: no violation '%s' (first: %s)", i, cases[i].message,
                     r->n_stored ? r->violations[0].message : "none");
        if (v) {
            assert_int_equal(v->sortie, cases[i].sortie);
            assert_string_equal(v->site, cases[i].site);
            assert_true(v->line > 0);
        }
        dd_verify_report_free(r);
        free(text);
        dd_scenario_free(s);
    }
}

static void test_legs(void **state)
{
    (void)state;
    static const edit_case cases[] = {
        {"legs/s.yaml", "legs/plan.json", NULL, NULL, NULL, 0, DD_V_COUNT, 0, NULL, NULL},
        {"legs/s-novia.yaml", "legs/plan.json", NULL, NULL, NULL, 2, DD_V_LEG, 1, "S2",
         "sortie 1 flies a leg from S2 to S1, but S2 leaves the country from itself (it has no "
         "via)"},
        {"legs/s-transfer.yaml", "legs/plan.json", NULL, NULL, NULL, 2, DD_V_LEG, 3, "S1",
         "sortie 3 leaves S1 at 2024-06-01T08:53Z, before leg 1's landing at "
         "2024-06-01T05:53Z plus S2's via_transfer of 4h 0m"},
        {"legs/s.yaml", "legs/plan-direct.json", NULL, NULL, NULL, 2, DD_V_LEG, 1, "S2",
         "sortie 1 leaves the country from S2, which leaves through S1 (a leg to_site S1 and an "
         "onward sortie)"},
        {"legs/s.yaml", "legs/plan-noonward.json", NULL, NULL, NULL, 1, DD_V_LEG, 5, "S2",
         "sortie 5: the leg from S2 to S1 has no onward sortie: what it carries never leaves "
         "the country"},
        {"legs/s.yaml", "legs/plan.json", "\"id\": 3,\n   \"aircraft\"", "\"arrival_at_site\": \"2024-06-01T05:53Z\"",
         "\"arrival_at_site\": \"2024-06-01T05:50Z\"", 1, DD_V_LEG, 3, "S1",
         "sortie 3: on the ground at S1 from 2024-06-01T05:50Z, but leg 1 lands there at "
         "2024-06-01T05:53Z"},
        {"legs/s.yaml", "legs/plan.json", "\"id\": 3,\n   \"aircraft\"", "\"tail\": 2", "\"tail\": 1", 0,
         DD_V_LEG, 3, "S1", "sortie 3 continues leg 1 on BIG tail 1, but the leg flew BIG tail 2"},
        {"legs/s.yaml", "legs/plan.json", "\"id\": 1,\n   \"aircraft\"", "\"arrival\": \"2024-06-01T05:53Z\"",
         "\"arrival\": \"2024-06-01T05:23Z\"", 0, DD_V_ITINERARY, 1, "S2",
         "sortie 1: the leg S2 to S1 takes 23m; the flight time is 53m (728 km)"},
        {"legs/s-close.yaml", "legs/plan.json", NULL, NULL, NULL, 2, DD_V_SITE_CLOSE, 5, "S2",
         "sortie 5 leaves S2 at 2024-06-03T07:00Z, 8h 0m after the site's closing date "
         "2024-06-02T23:00Z"},
        {"legs/s-mog.yaml", "legs/plan.json", NULL, NULL, NULL, 8, DD_V_MOG, 3, "S1",
         "sortie 3: the BIG (class C17) may not use S1: no MOG for its class"},
        {"legs/s-crew.yaml", "legs/plan.json", NULL, NULL, NULL, 4, DD_V_CREW, 3, "S1",
         "sortie 3: the BIG crew is on duty 13h 12m (ferry, ground time, the leg inside the "
         "country, transfer, the onward leg), longer than its basic duty day of 12h 0m"},
        /* the crew rests at the via site: two duties of 6h 42m and 6h 30m */
        {"legs/s-crew-rest.yaml", "legs/plan.json", NULL, NULL, NULL, 0, DD_V_COUNT, 0, NULL,
         NULL},
    };
    run_edit_cases(cases, sizeof cases / sizeof cases[0]);
}

/* En-route fuel stops (issue 18): stops/plan.json is the planner's plan
 * for stops/s.yaml (one load through BB, three through AA, whose ramp
 * holds one and whose country DZ clears the landing 2 days ahead); each
 * edit or scenario breaks one rule (docs/verify.md, kind `stop`, and the
 * hops' times and the stop's clearance). */
static void test_stops(void **state)
{
    (void)state;
#define S2 "\"id\": 2,\n      \"aircraft\""
#define S2_STOP                                                                                   \
    "\"arrival\": \"2024-06-03T05:50Z\",\n      \"stop\": {\n        \"id\": \"AA\",\n        "          \
    "\"arrival\": \"2024-06-03T01:21Z\",\n        \"departure\": \"2024-06-03T03:21Z\""
    static const edit_case cases[] = {
        {"stops/s.yaml", "stops/plan.json", NULL, NULL, NULL, 0, DD_V_COUNT, 0, NULL, NULL},
        {"stops/s.yaml", "stops/plan.json", S2, "\"departure\": \"2024-06-03T03:21Z\"",
         "\"departure\": \"2024-06-03T02:21Z\"", 2, DD_V_STOP, 2, "S",
         "sortie 2: 1h 0m on the ground at stop AA; it needs 2h 0m"},
        {"stops/s.yaml", "stops/plan.json", S2, "\"departure\": \"2024-06-03T03:21Z\"",
         "\"departure\": \"2024-06-03T02:21Z\"", 2, DD_V_ITINERARY, 2, "S",
         "sortie 2: the hop AA to HUB takes 3h 29m; the flight time is 2h 29m (2068 km)"},
        {"stops/s.yaml", "stops/plan.json", S2, S2_STOP,
         "\"arrival\": \"2024-06-03T05:59Z\",\n      \"stop\": {\n        \"id\": \"AA\",\n        "
         "\"arrival\": \"2024-06-03T01:21Z\",\n        \"departure\": \"2024-06-03T03:30Z\"",
         1, DD_V_STOP, 3, "S",
         "stop AA at 2024-06-03T03:21Z: 2 aircraft on the ground (sortie 3 lands); the stop's "
         "MOG is 1"},
        {"stops/s.yaml", "stops/plan.json", S2, "\"id\": \"AA\"", "\"id\": \"BB\"", 0, DD_V_STOP,
         2, "S",
         "sortie 2: 72000.0 kg aboard, above the BIG's cabin load of 40078.3 kg for its 2704 km "
         "hop to BB"},
        {"stops/s.yaml", "stops/plan.json", S2, S2_STOP "\n      },", "\"arrival\": \"2024-06-03T05:50Z\",",
         5, DD_V_LOAD, 2, "S",
         "sortie 2: 72000.0 kg aboard, above the BIG's cabin load of 0.0 kg for 4022 km"},
        {"stops/s.yaml", "stops/plan.json", "\"call_sign\": \"BIG002\"", "SSSS-DAAT-HHHH",
         "SSSS-HHHH", 1, DD_V_CLEARANCE, 2, "S",
         "clearance 2: route SSSS-HHHH, but sortie 2 flies SSSS-DAAT-HHHH"},
        {"stops/s-ground.yaml", "stops/plan.json", NULL, NULL, NULL, 3, DD_V_STOP, 3, "S",
         "sortie 3: 2h 0m on the ground at stop AA; it needs 2h 30m"},
        {"stops/s-hours.yaml", "stops/plan.json", NULL, NULL, NULL, 1, DD_V_STOP, 2, "S",
         "sortie 2 lands at stop AA at 02:21 local, outside its operating hours 03:00-23:00"},
        {"stops/s-hours-off.yaml", "stops/plan.json", NULL, NULL, NULL, 5, DD_V_STOP, 2, "S",
         "sortie 2 takes off from stop AA at 04:21 local, outside its operating hours "
         "01:00-04:00"},
        {"stops/s-lead.yaml", "stops/plan.json", NULL, NULL, NULL, 6, DD_V_OVERFLIGHT, 2, "S",
         "sortie 2 leaves 2d 0h after the epoch and crosses DZ, whose overflight clearance "
         "takes 3d 0h"},
    };
#undef S2
#undef S2_STOP
    run_edit_cases(cases, sizeof cases / sizeof cases[0]);
}

/* A chain of two en-route fuel stops (issue 18): stopchain/plan.json is
 * the planner's plan for stopchain/s.yaml (every sortie lands at AA, whose
 * ramp holds one, then at BB, open 06:00-20:00 local, whose country DZ
 * clears the landing 2 days ahead); each edit or scenario breaks one
 * rule at one of the two stops or on one of the three hops. */
static void test_stop_chain(void **state)
{
    (void)state;
#define S2 "\"id\": 2,\n      \"aircraft\""
    static const edit_case cases[] = {
        {"stopchain/s.yaml", "stopchain/plan.json", NULL, NULL, NULL, 0, DD_V_COUNT, 0, NULL,
         NULL},
        {"stopchain/s.yaml", "stopchain/plan.json", S2, "\"departure\": \"2024-06-03T08:41Z\"",
         "\"departure\": \"2024-06-03T07:41Z\"", 2, DD_V_STOP, 2, "S",
         "sortie 2: 1h 0m on the ground at stop BB; it needs 2h 0m"},
        {"stopchain/s.yaml", "stopchain/plan.json", S2, "\"departure\": \"2024-06-03T05:03Z\"",
         "\"departure\": \"2024-06-03T04:33Z\"", 2, DD_V_ITINERARY, 2, "S",
         "sortie 2: the hop AA to BB takes 2h 8m; the flight time is 1h 38m (1348 km)"},
        {"stopchain/s.yaml", "stopchain/plan.json", S2, "\"arrival\": \"2024-06-03T03:33Z\"",
         "\"arrival\": \"2024-06-03T03:20Z\"", 0, DD_V_STOP, 2, "S",
         "stop AA at 2024-06-03T03:20Z: 2 aircraft on the ground (sortie 2 lands); the stop's "
         "MOG is 1"},
        {"stopchain/s.yaml", "stopchain/plan.json", S2, "\"id\": \"BB\"", "\"id\": \"AA\"", 0,
         DD_V_STOP, 2, "S",
         "sortie 2: 72000.0 kg aboard, above the BIG's cabin load of 0.0 kg for its 2736 km hop "
         "from AA"},
        {"stopchain/s.yaml", "stopchain/plan.json", "\"call_sign\": \"BIG002\"",
         "SSSS-DAAT-DABB-HHHH", "SSSS-DAAT-HHHH", 1, DD_V_CLEARANCE, 2, "S",
         "clearance 2: route SSSS-DAAT-HHHH, but sortie 2 flies SSSS-DAAT-DABB-HHHH"},
        {"stopchain/s-hours.yaml", "stopchain/plan.json", NULL, NULL, NULL, 0, DD_V_STOP, 1, "S",
         "sortie 1 lands at stop BB at 06:11 local, outside its operating hours 07:00-20:00"},
        {"stopchain/s-lead.yaml", "stopchain/plan.json", NULL, NULL, NULL, 0, DD_V_OVERFLIGHT, 1,
         "S",
         "sortie 1 leaves 2d 1h 30m after the epoch and crosses DZ, whose overflight clearance "
         "takes 3d 0h"},
    };
#undef S2
    run_edit_cases(cases, sizeof cases / sizeof cases[0]);
}

/* En-route fuel stops on onward sorties (issue 18): stoponward/plan.json
 * is the planner's plan for stoponward/s.yaml (S2 leaves through S1, whose
 * hub is out of range: onward sortie 6 continues leg 4 through AA); each
 * edit or scenario breaks one rule of the onward sortie's stop. */
static void test_stop_onward(void **state)
{
    (void)state;
#define S6 "\"id\": 6,\n      \"aircraft\""
    static const edit_case cases[] = {
        {"stoponward/s.yaml", "stoponward/plan.json", NULL, NULL, NULL, 0, DD_V_COUNT, 0, NULL,
         NULL},
        {"stoponward/s.yaml", "stoponward/plan.json", S6, "\"id\": \"AA\"", "\"id\": \"BB\"", 0,
         DD_V_STOP, 6, "S1",
         "sortie 6: leg 4's 72000.0 kg aboard, above the BIG's cabin load of 40078.3 kg for its "
         "2704 km hop to BB"},
        {"stoponward/s.yaml", "stoponward/plan.json", S6, "\"departure\": \"2024-06-03T06:06Z\"",
         "\"departure\": \"2024-06-03T05:06Z\"", 2, DD_V_STOP, 6, "S1",
         "sortie 6: 1h 0m on the ground at stop AA; it needs 2h 0m"},
        {"stoponward/s.yaml", "stoponward/plan.json", "\"call_sign\": \"BIG006\"",
         "SONE-DAAT-HHHH", "SONE-HHHH", 1, DD_V_CLEARANCE, 6, "S1",
         "clearance 6: route SONE-HHHH, but sortie 6 flies SONE-DAAT-HHHH"},
        {"stoponward/s.yaml", "stoponward/plan.json", S6,
         "\"stops\": [\n        {\n          \"id\": \"AA\",\n          \"arrival\": "
         "\"2024-06-03T04:06Z\",\n          \"departure\": \"2024-06-03T06:06Z\"\n        }\n      "
         "],\n",
         "", 0, DD_V_LOAD, 6, "S1",
         "sortie 6: leg 4's 72000.0 kg aboard, above the BIG's cabin load of 0.0 kg for 4022 km"},
        {"stoponward/s-hours.yaml", "stoponward/plan.json", NULL, NULL, NULL, 0, DD_V_STOP, 6, "S1",
         "sortie 6 lands at stop AA at 05:06 local, outside its operating hours 06:00-23:00"},
    };
#undef S6
    run_edit_cases(cases, sizeof cases / sizeof cases[0]);
}

/* A plan file, edited as edit_case says, that does not read: a located
 * error at `path` saying `message`. */
typedef struct bad_case {
    const char *anchor, *from, *to, *path, *message;
} bad_case;

static void run_bad_cases(const char *scenario, const char *plan, const bad_case *cases,
                          size_t n_cases)
{
    dd_scenario *s = load(scenario);
    for (size_t i = 0; i < n_cases; i++) {
        size_t len = 0;
        char *text = edited(plan, cases[i].anchor, cases[i].from, cases[i].to, &len);
        dd_verify_report *r = NULL;
        if (dd_verify_plan(s, "plan.json", text, len, &r) != DD_EINPUT)
            fail_msg("case %zu: the plan reads", i);
        bool found = false;
        for (size_t k = 0; k < r->errors.n_items && !found; k++)
            found = !strcmp(r->errors.items[k].path, cases[i].path) &&
                    !strcmp(r->errors.items[k].message, cases[i].message) &&
                    r->errors.items[k].line > 1;
        if (!found)
            fail_msg("case %zu: no error %s: %s (first: %s: %s)", i, cases[i].path,
                     cases[i].message, r->errors.n_items ? r->errors.items[0].path : "",
                     r->errors.n_items ? r->errors.items[0].message : "none");
        dd_verify_report_free(r);
        free(text);
    }
    dd_scenario_free(s);
}

/* A plan file whose legs are malformed: located errors. */
static void test_legs_malformed(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"\"id\": 1,\n   \"aircraft\"", "\"to_site\": \"S1\",", "\"to_site\": \"S1\", \"destination\": \"H\",",
         "sorties[0].to_site",
         "a sortie flies out of the country to a destination or, on a leg inside the country, "
         "to_site a site; not both"},
        {"\"id\": 3,\n   \"aircraft\"", "\"leg\": 1,", "\"leg\": 1, \"load\": {},", "sorties[2].load",
         "an onward sortie carries its leg's load; it has no load of its own"},
        {"\"id\": 3,\n   \"aircraft\"", "\"leg\": 1,", "\"leg\": 1, \"ferry\": {},", "sorties[2].ferry",
         "an onward sortie has no ferry: its aircraft is on the ground at the via site from its "
         "leg's landing"},
        {"\"id\": 3,\n   \"aircraft\"", "\"leg\": 1,", "\"leg\": 2,", "sorties[2].leg",
         "sortie 2 is not a leg inside the country (it has no to_site)"},
        {"\"id\": 6,\n   \"aircraft\"", "\"leg\": 5,", "\"leg\": 1,", "sorties[5].leg",
         "leg 1 already continues on sortie 3"},
        {"\"id\": 3,\n   \"aircraft\"", "\"leg\": 1,", "\"leg\": 5,", "sorties[2].leg",
         "an onward sortie comes after its leg: sortie 5 is not before 3"},
        {"\"id\": 3,\n   \"aircraft\"", "\"destination\": \"H\",", "\"to_site\": \"S1\",", "sorties[2].to_site",
         "an onward sortie leaves the country: it names a destination, not to_site (legs do "
         "not chain)"},
    };
    run_bad_cases("legs/s.yaml", "legs/plan.json", cases, sizeof cases / sizeof cases[0]);
}

/* A plan file whose chain of stops is malformed: located errors. */
static void test_stop_chain_malformed(void **state)
{
    (void)state;
#define S2 "\"id\": 2,\n      \"aircraft\""
    static const bad_case cases[] = {
        {S2, "\"id\": \"BB\"", "\"id\": \"XX\"", "sorties[1].stops[1].id", "unknown stop 'XX'"},
        {S2, "\"stops\": [", "\"stops\": [{\"id\": \"AA\", \"arrival\": \"2024-06-03T03:33Z\", "
         "\"departure\": \"2024-06-03T05:03Z\"},",
         "sorties[1].stops", "a sortie lands at one or two stops, in the order flown; got 3"},
        {S2, "\"stops\": [", "\"stop\": {\"id\": \"AA\"}, \"stops\": [", "sorties[1].stops",
         "a sortie names its stops once: stop (one) or stops (a list); not both"},
        {S2,
         "{\n          \"id\": \"AA\",\n          \"arrival\": \"2024-06-03T03:33Z\",\n          "
         "\"departure\": \"2024-06-03T05:03Z\"\n        }",
         "1", "sorties[1].stops[0]", "expected an object, got a number"},
    };
#undef S2
    run_bad_cases("stopchain/s.yaml", "stopchain/plan.json", cases, sizeof cases / sizeof cases[0]);
}

/* A plan file whose stop is malformed: located errors. */
static void test_stops_malformed(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"\"id\": 2,\n      \"aircraft\"", "\"id\": \"AA\"", "\"id\": \"XX\"", "sorties[1].stop.id",
         "unknown stop 'XX'"},
        {"\"id\": 2,\n      \"aircraft\"", "\"id\": \"AA\",", "\"id\": \"AA\", \"runway\": 1,",
         "sorties[1].stop", "unknown key 'runway'"},
    };
    run_bad_cases("stops/s.yaml", "stops/plan.json", cases, sizeof cases / sizeof cases[0]);
}

/* A plan's request that names a country the scenario does not list. */
static void test_hubs_malformed(void **state)
{
    (void)state;
    dd_scenario *s = load("hubs/s.yaml");
    char path[512];
    snprintf(path, sizeof path, "%s/hubs/plan.json", VDATA);
    size_t len = 0;
    char *text = read_all(path, &len);
    char *at = strstr(text, "\"country\": \"AA\"");
    assert_non_null(at);
    memcpy(at + 12, "ZZ", 2);
    dd_verify_report *r = NULL;
    assert_int_equal(dd_verify_plan(s, "plan.json", text, len, &r), DD_EINPUT);
    assert_true(r->errors.n_items >= 1);
    assert_string_equal(r->errors.items[0].path, "clearances[0].overflight[0].country");
    assert_string_equal(r->errors.items[0].message, "unknown overflight country 'ZZ'");
    assert_true(r->errors.items[0].line > 1);
    dd_verify_report_free(r);
    free(text);
    dd_scenario_free(s);
}

/* Exit processing per clock hour (issue 18): plan.json's sortie 2 takes
 * 14 people in one hour; s-hour.yaml processes 12 an hour. */
static void test_exit_hour(void **state)
{
    (void)state;
    dd_scenario *s = load("s-hour.yaml");
    dd_verify_report *r = NULL;
    assert_int_equal(verify(s, "plan.json", &r), DD_OK);
    assert_int_equal(r->n_violations, 1);
    assert_int_equal(r->violations[0].kind, DD_V_EXIT_PROCESSING);
    assert_string_equal(r->violations[0].site, "BASE");
    assert_string_equal(r->violations[0].message,
                        "BASE on 2024-06-05 in the hour from 07:00: 14 people leave; exit "
                        "processing takes 12 an hour");
    dd_verify_report_free(r);
    dd_scenario_free(s);
}

/* Hub throughput (issue 18): s-hubpeople.yaml's HUB takes 12 people a
 * day; plan.json's sortie 2 lands 14 there on 5 June. */
static void test_hub_people(void **state)
{
    (void)state;
    dd_scenario *s = load("s-hubpeople.yaml");
    dd_verify_report *r = NULL;
    assert_int_equal(verify(s, "plan.json", &r), DD_OK);
    assert_int_equal(r->n_violations, 1);
    assert_int_equal(r->violations[0].kind, DD_V_HUB_PEOPLE);
    assert_string_equal(dd_violation_kind_name(DD_V_HUB_PEOPLE), "hub_people");
    assert_int_equal(r->violations[0].sortie, 2);
    assert_string_equal(r->violations[0].message,
                        "HUB on 2024-06-05: 14 people land, above the hub's 12 a day (sortie 2)");
    assert_true(r->violations[0].line > 1); /* at the sortie */
    dd_verify_report_free(r);
    dd_scenario_free(s);
}

/* Evacuees (issue 18) escort nothing: s-evac.yaml makes OPS evacuees,
 * and bad/evac-escort.json (plan.json with that role) has one of them
 * escort the crypto gear on sortie 3, with evacuees alone aboard. */
static void test_evacuees(void **state)
{
    (void)state;
    dd_scenario *s = load("s-evac.yaml");
    dd_verify_report *r = NULL;
    assert_int_equal(verify(s, "bad/evac-escort.json", &r), DD_OK);
    for (size_t i = 0; i < r->n_stored; i++)
        print_message("%s\n", r->violations[i].message);
    assert_int_equal(r->n_violations, 2);
    assert_int_equal(r->violations[0].kind, DD_V_LOAD);
    assert_int_equal(r->violations[0].sortie, 3);
    assert_string_equal(r->violations[0].item, "OPS");
    assert_string_equal(r->violations[0].message,
                        "sortie 3: group OPS is marked escort, but evacuees escort nothing");
    /* at the passenger entry that marks them */
    assert_int_equal(r->violations[0].line, 215);
    assert_int_equal(r->violations[0].col, 6);
    assert_int_equal(r->violations[1].kind, DD_V_LOAD);
    assert_string_equal(r->violations[1].item, "CRYPTO");
    assert_string_equal(r->violations[1].message,
                        "sortie 3: sensitive item CRYPTO flies with evacuees alone aboard, who "
                        "escort nothing");
    assert_int_equal(r->violations[1].line, 177); /* the sortie's load */
    dd_verify_report_free(r);
    /* under s.yaml, where OPS are operations staff, the role is misstated */
    assert_int_equal(verify(*state, "bad/evac-escort.json", &r), DD_OK);
    assert_true(r->n_violations >= 1);
    assert_int_equal(r->violations[0].kind, DD_V_FORMAT);
    dd_verify_report_free(r);
    dd_scenario_free(s);
}

/* Caps per week and over time (issue 18): plan.json meets the schedules
 * of s-caps.yaml; each bad/cap-*.json breaks one rule; the same plan under
 * calendar weeks (s-caps-calendar.yaml) keeps the weekly cap and flies
 * before FOB's first step. */
static void test_caps(void **state)
{
    (void)state;
    static const struct {
        const char *scenario, *plan;
        dd_violation_kind kind;
        const char *site, *message;
    } cases[] = {
        {"s-caps.yaml", "bad/cap-weekly-country.json", DD_V_CAP_COUNTRY, NULL,
         "2024-06-04 to 2024-06-10: 5 clearances in the country, above the weekly cap of 4 in "
         "force from 2024-06-04 (sorties 1, 2, 3, 4, 5)"},
        {"s-caps.yaml", "bad/cap-weekly-site.json", DD_V_CAP_SITE, "FOB",
         "FOB, 2024-06-07 to 2024-06-13: 2 clearances, above the airfield's weekly cap of 1 in "
         "force from 2024-06-09 (sorties 5, 6)"},
        {"s-caps.yaml", "bad/cap-step.json", DD_V_CAP_COUNTRY, NULL,
         "2024-06-18: 2 clearances in the country, above the daily cap of 1 in force from "
         "2024-06-13 (sorties 5, 6)"},
        {"s-caps-calendar.yaml", "bad/cap-weekly-country.json", DD_V_CAP_SITE, "FOB",
         "FOB on 2024-06-10: 1 clearance, above the airfield's daily cap of 0 (none before the "
         "first step, 2024-06-11) (sortie 5)"},
        {"s-caps-calendar.yaml", "bad/cap-weekly-site.json", DD_V_CAP_SITE, "FOB",
         "FOB, 2024-06-10 to 2024-06-13: 2 clearances, above the airfield's weekly cap of 1 in "
         "force from 2024-06-11 (sorties 5, 6)"},
    };
    const char *fixtures[] = {"s-caps.yaml", "s-caps-calendar.yaml"};
    for (size_t i = 0; i < 2; i++) {
        dd_scenario *s = load(fixtures[i]);
        dd_verify_report *r = NULL;
        assert_int_equal(verify(s, "plan.json", &r), DD_OK);
        assert_int_equal(r->n_violations, 0);
        dd_verify_report_free(r);
        dd_scenario_free(s);
    }
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dd_scenario *s = load(cases[i].scenario);
        dd_verify_report *r = NULL;
        assert_int_equal(verify(s, cases[i].plan, &r), DD_OK);
        if (r->n_violations != 1)
            for (size_t k = 0; k < r->n_stored; k++)
                print_message("%s: %s\n", cases[i].plan, r->violations[k].message);
        assert_int_equal(r->n_violations, 1);
        assert_int_equal(r->violations[0].kind, cases[i].kind);
        if (cases[i].site)
            assert_string_equal(r->violations[0].site, cases[i].site);
        assert_string_equal(r->violations[0].message, cases[i].message);
        dd_verify_report_free(r);
        dd_scenario_free(s);
    }
}

/* The plan file `name` with the history marks: `as_of` (NULL: none) and
 * sorties ids[0..n) marked departed (malloc'd). */
static char *with_history(const char *name, const char *as_of, const int *ids, size_t n,
                          size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VDATA, name);
    size_t size;
    char *text = read_all(path, &size);
    size_t cap = size + 64 * (n + 1) + 1;
    char *out = malloc(cap);
    assert_non_null(out);
    size_t o = 0, sortie = 0;
    for (const char *c = text; *c;) {
        const char *eol = strchr(c, '\n');
        size_t k = eol ? (size_t)(eol - c) + 1 : strlen(c);
        if (!strncmp(c, "   \"arrival_at_site\"", 20)) {
            sortie++;
            for (size_t i = 0; i < n; i++)
                if ((size_t)ids[i] == sortie)
                    o += (size_t)snprintf(out + o, cap - o, "   \"departed\": true,\n");
        }
        memcpy(out + o, c, k);
        o += k;
        if (as_of && !strncmp(c, " \"deadline\"", 11))
            o += (size_t)snprintf(out + o, cap - o, " \"as_of\": \"%s\",\n", as_of);
        c += k;
    }
    out[o] = '\0';
    *len = o;
    free(text);
    return out;
}

/* Recorded history (docs/verify.md): a finding between recorded sorties
 * alone is a fact, not a violation; with a planned sortie in it, it is a
 * violation still; a mark after as_of is judged as planned. */
static void test_history(void **state)
{
    static const struct {
        const char *plan;
        int all[2];
        size_t n_all;
        int some; /* one of them alone (0: none) */
    } cases[] = {
        {"bad/itinerary-turn.json", {3, 4}, 2, 4}, /* a tail's turn */
        {"bad/mog-class.json", {2, 3}, 2, 2},      /* a ramp over its MOG */
        {"bad/cap-site.json", {1, 2}, 2, 1},       /* a day over the airfield's cap */
        {"bad/hours.json", {1, 0}, 1, 0},          /* one sortie's own request */
    };
    const char *as_of = "2024-06-20T23:00Z";
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dd_verify_report *r0 = NULL, *r = NULL;
        assert_int_equal(verify(*state, cases[i].plan, &r0), DD_OK);
        assert_int_equal(r0->n_violations, 1);
        assert_int_equal(r0->n_facts, 0);
        size_t len;
        char *text = with_history(cases[i].plan, as_of, cases[i].all, cases[i].n_all, &len);
        dd_status st = dd_verify_plan(*state, "h.json", text, len, &r);
        for (size_t k = 0; k < r->errors.n_items; k++)
            print_message("%s: %u:%u %s\n", cases[i].plan, r->errors.items[k].line,
                          r->errors.items[k].col, r->errors.items[k].message);
        assert_int_equal(st, DD_OK);
        if (r->n_violations)
            print_message("%s: %s\n", cases[i].plan, r->violations[0].message);
        assert_int_equal(r->n_violations, 0);
        assert_int_equal(r->n_facts, 1);
        assert_int_equal(r->facts[0].kind, r0->violations[0].kind);
        assert_string_equal(r->facts[0].message, r0->violations[0].message);
        char *out = render_text(r);
        char want[600];
        snprintf(want, sizeof want,
                 "recorded history: 1 finding between sorties that had already departed (facts "
                 "of the record, not violations of the plan):\n  %s: %s\n\n",
                 dd_violation_kind_name(r0->violations[0].kind), r0->violations[0].message);
        assert_non_null(strstr(out, want));
        assert_non_null(strstr(out, "the plan complies"));
        free(out);
        dd_verify_report_free(r);
        free(text);
        /* with a planned sortie in it: a violation */
        int some[1] = {cases[i].some};
        text = with_history(cases[i].plan, as_of, some, cases[i].some ? 1 : 0, &len);
        assert_int_equal(dd_verify_plan(*state, "h.json", text, len, &r), DD_OK);
        assert_int_equal(r->n_violations, 1);
        assert_int_equal(r->n_facts, 0);
        assert_string_equal(r->violations[0].message, r0->violations[0].message);
        dd_verify_report_free(r);
        free(text);
        dd_verify_report_free(r0);
    }
    /* marked departed after as_of: judged as planned, and said */
    size_t len;
    int ids[2] = {3, 4};
    char *text = with_history("bad/itinerary-turn.json", "2024-06-05T00:00Z", ids, 2, &len);
    dd_verify_report *r = NULL;
    assert_int_equal(dd_verify_plan(*state, "h.json", text, len, &r), DD_OK);
    assert_int_equal(r->by_kind[DD_V_ITINERARY], 1);
    assert_int_equal(r->by_kind[DD_V_FORMAT], 2);
    assert_int_equal(r->n_facts, 0);
    assert_string_equal(r->violations[0].message,
                        "sortie 3 is marked departed at 2024-06-06T07:00Z, after the plan's "
                        "as_of 2024-06-05T00:00Z: a departure yet to come is not history, and "
                        "is judged as planned");
    dd_verify_report_free(r);
    free(text);
    /* marks without as_of */
    text = with_history("bad/itinerary-turn.json", NULL, ids, 2, &len);
    assert_int_equal(dd_verify_plan(*state, "h.json", text, len, &r), DD_EINPUT);
    assert_int_equal(r->errors.n_errors, 2);
    assert_string_equal(r->errors.items[0].path, "sorties[2].departed");
    assert_string_equal(r->errors.items[0].message,
                        "a sortie marked departed needs the plan's as_of (when its recorded "
                        "history ends)");
    dd_verify_report_free(r);
    free(text);
}

static void test_bad_plans(void **state)
{
    size_t kinds_seen[DD_V_COUNT] = {0};
    for (size_t i = 0; i < sizeof bad_plans / sizeof bad_plans[0]; i++) {
        const bad_plan *b = &bad_plans[i];
        char name[128];
        snprintf(name, sizeof name, "bad/%s", b->file);
        dd_verify_report *r = NULL;
        assert_int_equal(verify(*state, name, &r), DD_OK);
        if (r->n_violations != b->n) {
            for (size_t k = 0; k < r->n_stored; k++)
                print_message("%s: %s: %s\n", b->file,
                              dd_violation_kind_name(r->violations[k].kind),
                              r->violations[k].message);
            fail_msg("%s: %zu violations, expected %zu", b->file, r->n_violations, b->n);
        }
        for (size_t k = 0; k < b->n && k < 2; k++) {
            check_violation(b->file, k, &r->violations[k], &b->e[k]);
            kinds_seen[b->e[k].kind]++;
        }
        dd_verify_report_free(r);
    }
    /* every kind has a plan that breaks it (the order of closure, crews
     * and utilisation: with their own scenarios, test_order and
     * test_crews) */
    kinds_seen[DD_V_ORDER]++;
    kinds_seen[DD_V_CREW]++;
    kinds_seen[DD_V_UTILISATION]++;
    kinds_seen[DD_V_OVERFLIGHT]++; /* test_hubs */
    kinds_seen[DD_V_HUB_PEOPLE]++; /* test_hub_people */
    kinds_seen[DD_V_LEG]++;        /* test_legs */
    kinds_seen[DD_V_STOP]++;       /* test_stops */
    for (int k = 0; k < DD_V_COUNT; k++)
        if (!kinds_seen[k])
            fail_msg("no bad plan for kind %s", dd_violation_kind_name((dd_violation_kind)k));
}

/* Days, lines and the compliance lines of violated terms. */
static void test_violation_details(void **state)
{
    dd_verify_report *r = NULL;
    assert_int_equal(verify(*state, "bad/cap-site.json", &r), DD_OK);
    assert_int_equal(r->violations[0].day, 3); /* 2024-06-04, day 0 holds the epoch */
    assert_true(r->violations[0].line > 0);
    assert_int_equal(r->by_kind[DD_V_CAP_SITE], 1);
    char *text = render_text(r);
    assert_non_null(strstr(text, "cap_site: BASE on 2024-06-04: 2 clearances, above the "
                                 "airfield's daily cap of 1 (sorties 1, 2)\n\n"));
    assert_non_null(strstr(text, "  daily cap per airfield: violated 1 time (busiest: BASE on "
                                 "2024-06-04, 2 of 1)\n"));
    assert_non_null(strstr(text, "  daily cap country-wide: met (busiest: 2024-06-04, 2 of 2)\n"));
    assert_non_null(strstr(text, "\n1 violation: cap_site 1\n"));
    free(text);
    dd_verify_report_free(r);

    assert_int_equal(verify(*state, "bad/clearance-lead.json", &r), DD_OK);
    text = render_text(r);
    assert_non_null(strstr(text, "  clearance lead time: violated 1 time (shortest 1d 0h)\n"));
    free(text);
    dd_verify_report_free(r);

    assert_int_equal(verify(*state, "bad/deadline.json", &r), DD_OK);
    assert_int_equal(r->violations[0].day, 20);
    text = render_text(r);
    assert_non_null(strstr(text, "  deadline: violated 1 time (late by 12h 0m, last departure "
                                 "2024-06-21T11:00Z)\n"));
    free(text);
    dd_verify_report_free(r);

    assert_int_equal(verify(*state, "bad/people-left.json", &r), DD_OK);
    text = render_text(r);
    assert_non_null(strstr(text, "  deadline: violated 1 time (1 group not all out)\n"));
    assert_non_null(strstr(text, "  security floor and ratio: met"));
    free(text);
    dd_verify_report_free(r);

    assert_int_equal(verify(*state, "bad/milestone.json", &r), DD_OK);
    text = render_text(r);
    assert_non_null(strstr(text, "  milestone half: violated 1 time\n"
                                 "    (people 0.744 of 0.500, cargo 0.830 of 0.900 by "
                                 "2024-06-06T23:00Z)\n"));
    free(text);
    dd_verify_report_free(r);

    assert_int_equal(verify(*state, "bad/site-close.json", &r), DD_OK);
    text = render_text(r);
    assert_non_null(strstr(text, "  closing date BASE: violated 1 time\n"
                                 "    (last departure 2024-06-19T08:00Z, late by 9h 0m)\n"));
    free(text);
    dd_verify_report_free(r);
}

static void test_json_output(void **state)
{
    dd_verify_report *r = NULL;
    assert_int_equal(verify(*state, "bad/exit-processing.json", &r), DD_OK);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_int_equal(dd_verify_write_json(r, f), DD_OK);
    fclose(f);
    assert_non_null(strstr(buf, "\"complies\": false"));
    assert_non_null(strstr(buf, "\"kind\": \"exit_processing\""));
    assert_non_null(strstr(buf, "\"site\": \"BASE\""));
    assert_non_null(strstr(buf, "\"date\": \"2024-06-06\""));
    assert_non_null(strstr(buf, "\"message\": \"BASE on 2024-06-06: 19 people leave; exit "
                                "processing takes 18 a day\""));
    assert_non_null(strstr(buf, "\"term\": \"exit processing\""));
    assert_non_null(strstr(buf, "\"status\": \"violated\""));
    free(buf);
    dd_verify_report_free(r);
}

/* ---- plan files that cannot be read ---- */

typedef struct bad_file {
    const char *file;
    size_t n_errors;
    uint32_t line, col;
    const char *path;
    const char *message;
} bad_file;

static const bad_file bad_files[] = {
    {"json-syntax.json", 1, 3, 15, "",
     "syntax error: JSON disallows trailing comma before closing brace"},
    {"not-object.json", 1, 1, 1, "", "a plan is a JSON object, got an array"},
    {"not-plan.json", 1, 1, 13, "format",
     "not a drawdown plan: format is 'drawdown-loads', expected 'drawdown-plan'"},
    {"unknown-key.json", 2, 21, 5, "sorties[0]", "missing key 'tail'"},
    {"wrong-type.json", 1, 46, 44, "sorties[1].tail", "expected a whole number, got a string '2'"},
    {"unknown-cargo.json", 1, 58, 83, "sorties[1].load.pallets[0].pieces[0].cargo",
     "unknown cargo id 'BOXX'"},
    {"unknown-sortie.json", 1, 146, 43, "people[0].movements[0].sortie",
     "no sortie 9 in the plan (it has 4)"},
    {"bad-time.json", 1, 26, 21, "sorties[0].departure",
     "expected a UTC time such as 2024-06-07T14:30Z, got '2024-06-04 08:00'"},
    {"missing-key.json", 2, 1, 1, "", "missing key 'clearances'"},
    {"sortie-ids.json", 1, 46, 13, "sorties[1]",
     "sortie ids run 1, 2, ... in the order of the array: expected 2, got 3"},
    {"duplicate-group.json", 1, 152, 5, "people[2]", "group 'SUP' listed twice (first at line 148)"},
    {"fleet-mix-type.json", 1, 14, 54, "summary.fleet_mix", "expected true or false, got a string"},
    {"hazard-class.json", 1, 122, 63, "clearances[0].hazards[1]",
     "expected a hazard class of the scenario, got a string '7'"},
    {"objective-value.json", 1, 14, 54, "summary.objective",
     "expected \"margin\" or \"completion\", got 'soonest'"},
};

static void test_bad_files(void **state)
{
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        const bad_file *b = &bad_files[i];
        char name[128];
        snprintf(name, sizeof name, "bad/%s", b->file);
        dd_verify_report *r = NULL;
        assert_int_equal(verify(*state, name, &r), DD_EINPUT);
        assert_non_null(r);
        const dd_diags *d = &r->errors;
        if (d->n_errors != b->n_errors || d->n_items == 0 || strcmp(d->items[0].message, b->message))
            fail_msg("%s: %zu errors, first '%s', expected %zu, '%s'", b->file, d->n_errors,
                     d->n_items ? d->items[0].message : "", b->n_errors, b->message);
        assert_string_equal(d->items[0].file, name);
        assert_int_equal(d->items[0].line, b->line);
        assert_int_equal(d->items[0].col, b->col);
        assert_string_equal(d->items[0].path, b->path);
        assert_non_null(d->items[0].source_line);
        assert_int_equal(r->n_violations, 0);
        dd_verify_report_free(r);
    }
    /* the second error of the misspelt key */
    dd_verify_report *r = NULL;
    assert_int_equal(verify(*state, "bad/unknown-key.json", &r), DD_EINPUT);
    assert_string_equal(r->errors.items[1].message, "unknown key 'tial'");
    assert_int_equal(r->errors.items[1].line, 22);
    dd_verify_report_free(r);
    /* empty and binary input */
    assert_int_equal(dd_verify_plan(*state, "empty.json", "", 0, &r), DD_EINPUT);
    dd_verify_report_free(r);
    assert_int_equal(dd_verify_plan(*state, "bin.json", "{\"a\xff\": 1}", 9, &r), DD_EINPUT);
    assert_non_null(strstr(r->errors.items[0].message, "invalid UTF-8"));
    dd_verify_report_free(r);
}

/* ---- the command line ---- */

typedef struct run_result {
    int status;
    char *out, *err;
} run_result;

static char *slurp(FILE *f)
{
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    return buf;
}

static run_result run(const char *args)
{
    char errpath[] = "/tmp/dd-test-verify-XXXXXX";
    int fd = mkstemp(errpath);
    assert_true(fd >= 0);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s 2>'%s'", VDATA, DD_CLI, args, errpath);
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

static void test_cli(void **state)
{
    (void)state;
    if (access(DD_CLI, X_OK) != 0) {
        print_message("skipped: %s is not built\n", DD_CLI);
        skip();
    }
    run_result r = run("verify s.yaml plan.json");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, valid_summary);
    assert_string_equal(r.err, "");
    free(r.out);
    free(r.err);
    r = run("verify s.yaml bad/security.json");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "security: BASE after 2024-06-06T07:00Z (sortie 3): 1 "
                                  "security for 2 others; the terms need 2 (floor 2, ratio "
                                  "0.25)\n"));
    assert_non_null(strstr(r.out, "  security floor and ratio: violated 1 time"));
    free(r.out);
    free(r.err);
    r = run("verify --json s.yaml bad/ceiling.json");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"kind\": \"ceiling\""));
    free(r.out);
    free(r.err);
    r = run("verify s.yaml bad/unknown-cargo.json");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "bad/unknown-cargo.json:58:83: error: "
                                  "sorties[1].load.pallets[0].pieces[0].cargo: unknown cargo "
                                  "id 'BOXX'\n"));
    assert_non_null(strstr(r.err, "^\n1 error\n"));
    free(r.out);
    free(r.err);
    r = run("verify s.yaml nothere.json");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "nothere.json: error: cannot read the plan file"));
    free(r.out);
    free(r.err);
    r = run("verify nothere.yaml plan.json");
    assert_int_equal(r.status, 2);
    free(r.out);
    free(r.err);
    r = run("verify s.yaml");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "usage: drawdown verify"));
    free(r.out);
    free(r.err);
    r = run("verify --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: drawdown verify"));
    free(r.out);
    free(r.err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_plan),
        cmocka_unit_test(test_not_applicable),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_crews),
        cmocka_unit_test(test_hubs),
        cmocka_unit_test(test_hubs_malformed),
        cmocka_unit_test(test_exit_hour),
        cmocka_unit_test(test_evacuees),
        cmocka_unit_test(test_hub_people),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_legs),
        cmocka_unit_test(test_legs_malformed),
        cmocka_unit_test(test_stops),
        cmocka_unit_test(test_stops_malformed),
        cmocka_unit_test(test_stop_chain),
        cmocka_unit_test(test_stop_chain_malformed),
        cmocka_unit_test(test_stop_onward),
        cmocka_unit_test(test_bad_plans),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_violation_details),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
