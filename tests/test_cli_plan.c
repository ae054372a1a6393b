/* SPDX-License-Identifier: MIT */
/*
 * The withdrawal planner end to end: every plan a test makes is written to
 * the plan format and checked by the independent verifier (src/verify,
 * which shares no code with the planner). Covers the Niger example, the
 * tutorials, edge cases (an empty site, a site with one outsize item, a
 * deadline that cannot be met, no clearances at all, no aircraft),
 * generated scenarios, determinism, and the CLI's summary against a
 * golden file.
 *
 * Golden file: tests/data/golden/niger-plan.txt is the exact output of
 *   build/drawdown plan examples/niger-2024/scenario.yaml
 * When the planner changes on purpose, regenerate it with
 *   build/drawdown plan examples/niger-2024/scenario.yaml \
 *       > tests/data/golden/niger-plan.txt
 * and review the diff.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text_width.h"

#include <drawdown/plan.h>
#include <drawdown/verify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA DD_TEST_DATA

static dd_scenario *load(const char *path)
{
    dd_diags d;
    dd_diags_init(&d, 20);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &d, &s);
    for (size_t i = 0; st != DD_OK && i < d.n_items; i++)
        print_message("%s:%u:%u: %s\n", d.items[i].file, d.items[i].line, d.items[i].col,
                      d.items[i].message);
    dd_diags_fini(&d);
    assert_int_equal(st, DD_OK);
    return s;
}

/* Plan, write the plan file to memory, verify it; returns the report. */
static dd_verify_report *plan_and_verify(const dd_scenario *s, const dd_plan_options *o,
                                         dd_plan **plan_out)
{
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, o, &p), DD_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(dd_plan_write_json(p, s->path, f), DD_OK);
    fclose(f);
    dd_verify_report *r = NULL;
    dd_status st = dd_verify_plan(s, "plan.json", buf, len, &r);
    if (st != DD_OK && r)
        for (size_t i = 0; i < r->errors.n_items; i++)
            print_message("plan.json:%u:%u: %s\n", r->errors.items[i].line,
                          r->errors.items[i].col, r->errors.items[i].message);
    assert_int_equal(st, DD_OK);
    free(buf);
    if (plan_out)
        *plan_out = p;
    else
        dd_plan_free(p);
    return r;
}

static void print_violations(const dd_verify_report *r)
{
    for (size_t i = 0; i < r->n_stored && i < 20; i++)
        print_message("violation: %s\n", r->violations[i].message);
}

static void assert_clean(const char *path)
{
    dd_scenario *s = load(path);
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_plan *p;
    dd_verify_report *r = plan_and_verify(s, &o, &p);
    if (r->n_violations)
        print_violations(r);
    assert_int_equal(r->n_violations, 0);
    assert_true(p->all_out);
    assert_true(p->deadline_met);
    assert_true(p->n_sorties >= p->sorties_lb);
    assert_int_equal(p->terms_broken, 0);
    dd_verify_report_free(r);
    dd_plan_free(p);
    dd_scenario_free(s);
}

static int run(const char *cmd, char **out);

/* status -o on a log where nothing has moved by 12 June: the new plan
 * re-places every sortie, ferry legs included, and still verifies. */
static void test_status_new_plan_verified(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/dd-status-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && export DRAWDOWN_KEYS=%s/keys && %s keys new >/dev/null 2>&1 && "
             "%s track start %s/w.log examples/niger-2024/scenario.yaml >/dev/null && "
             "printf 'time,event,subject,value,note\n2024-06-12T09:00Z,note,,,nothing moved\n' "
             "> %s/ev.csv && %s track add %s/w.log %s/ev.csv >/dev/null && "
             "%s status %s/w.log -o %s/new.json",
             DD_SOURCE_DIR, tmpl, DD_CLI, DD_CLI, tmpl, tmpl, DD_CLI, tmpl, tmpl, DD_CLI, tmpl,
             tmpl);
    char *out = NULL;
    int rc = run(cmd, &out);
    if (rc != 0)
        print_message("%s\n", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "verification: the independent verifier finds the plan complies "
                                "with every term\n"));
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
    assert_int_equal(system(cmd), 0);
}

/* Regressions found by planfuzz, each made small by hand. */
static void test_regressions(void **state)
{
    (void)state;
    /* augmentees enter no earlier than their entry can be requested */
    assert_clean(DATA "/plan/regress/entry.yaml");
    dd_scenario *s = load(DATA "/plan/regress/entry.yaml");
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_plan *p;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_int_equal(p->arrived[2], 7 * 1440); /* AUG: the epoch + 7 days */
    dd_plan_free(p);
    dd_scenario_free(s);
    /* the order of closure: S1's rear guard waits for S2 to close */
    assert_clean(DATA "/plan/order.yaml");
    s = load(DATA "/plan/order.yaml");
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_true(p->sites[0].closure > p->sites[1].closure);
    dd_plan_free(p);
    dd_scenario_free(s);
    /* evacuees released in waves fly as they are released */
    assert_clean(DATA "/plan/waves/scenario.yaml");
    s = load(DATA "/plan/waves/scenario.yaml");
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_true(p->n_sorties > 0);
    assert_true(dd_scenario_day(s, p->sorties[0].departure) <= 1);
    /* the last leaves within a day of the last wave's release (day 9) */
    assert_true(dd_scenario_day(s, p->completion) <= 10);
    dd_plan_free(p);
    dd_scenario_free(s);
    /* evacuees need no escort (the floor of 1,000 binds, not the ratio of
     * 0.1 over 20,000); the last 1,000 security, more than one aircraft
     * holds, leave on three at the same minute, the site's last */
    assert_clean(DATA "/plan/rearguard/scenario.yaml");
    s = load(DATA "/plan/rearguard/scenario.yaml");
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_int_equal(p->sites[0].days[0].people[DD_ROLE_EVACUEE], 16000);
    assert_int_equal(p->sites[0].days[0].security_required, 1000);
    int64_t last_sec = 0;
    int32_t last_sorties = 0;
    for (size_t m = 0; m < p->n_movements; m++)
        if (p->movements[m].departure == p->completion) {
            assert_int_equal(s->people[p->movements[m].people].role, DD_ROLE_SECURITY);
            last_sec += p->movements[m].count;
            last_sorties++;
        }
    assert_int_equal(last_sec, 1000);
    assert_true(last_sorties >= 3);
    dd_plan_free(p);
    dd_scenario_free(s);
    /* a hub that takes 2,000 people a day: the people-only sorties go on
     * to the next hub when it is full, and no more sorties fly than the
     * seats need (31 of 400 seats for 12,100) */
    assert_clean(DATA "/plan/hubpeople/scenario.yaml");
    s = load(DATA "/plan/hubpeople/scenario.yaml");
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_int_equal(s->hubs[0].people_per_day, 2000);
    assert_int_equal(p->n_sorties, 31);
    int64_t landed[40] = {0}, elsewhere = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        int64_t pax = 0;
        for (size_t k = 0; k < p->sorties[i].n_pax; k++)
            pax += p->sorties[i].pax[k].count;
        int32_t d = dd_scenario_day(s, p->sorties[i].arrival);
        assert_true(d >= 0 && d < 40);
        if (p->sorties[i].hub == 0)
            landed[d] += pax;
        else
            elsewhere += pax;
    }
    for (int d = 0; d < 40; d++)
        assert_true(landed[d] <= 2000);
    assert_int_equal(landed[0], 2000); /* filled, then the next hub */
    assert_true(elsewhere > 0);
    dd_plan_free(p);
    dd_scenario_free(s);
    /* with that hub alone and four days, its capacity is the change found */
    s = load(DATA "/plan/hubpeople/tight.yaml");
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_false(p->deadline_met);
    assert_true(p->n_relaxations >= 1);
    assert_string_equal(p->relaxations[0].change, "hub_people");
    assert_int_equal(p->relaxations[0].was, 2000);
    assert_string_equal(p->relaxations[0].text, "2500 people a day at hub OTBH (now 2000)");
    assert_int_equal(p->binding, DD_BIND_HUB_PEOPLE);
    assert_string_equal(dd_binding_name(p->binding), "hub throughput");
    assert_non_null(strstr(p->binding_detail, "hub throughput: OTBH takes 2000 people a day, "
                                              "full on "));
    dd_plan_free(p);
    dd_scenario_free(s);
    /* security leaves on military sorties although airliners have room */
    assert_clean(DATA "/plan/regress/seccom.yaml");
    s = load(DATA "/plan/regress/seccom.yaml");
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    int64_t by_air = 0;
    for (size_t m = 0; m < p->n_movements; m++)
        if (s->people[p->movements[m].people].role == DD_ROLE_SECURITY) {
            assert_true(p->movements[m].sortie >= 0);
            by_air += p->movements[m].count;
        }
    assert_int_equal(by_air, 12);
    dd_plan_free(p);
    dd_scenario_free(s);
    /* a hub's people a day filled by a site seated before the one whose
     * sensitive load lands there that day: its escort keeps a seat
     * (planfuzz seed 1923, a leg's onward sortie at hub H1) */
    assert_clean(DATA "/plan/regress/escort-hub.yaml");
}

/* The escorts' violations (a sensitive item flying with nobody, or only
 * evacuees, aboard) of the plan of `name` made as bench/planfuzz makes it
 * (8 placement orders, no time limit), verified. */
static size_t escort_breaks(const char *name, dd_plan **plan_out, dd_scenario **s_out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/plan/regress/%s.yaml", DATA, name);
    dd_scenario *s = load(path);
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.max_iterations = 8;
    o.time_limit_s = 0;
    dd_plan *p = NULL;
    dd_verify_report *r = plan_and_verify(s, &o, &p);
    size_t n = 0;
    for (size_t i = 0; i < r->n_stored; i++)
        if (strstr(r->violations[i].message, ": sensitive item ")) {
            print_message("%s: %s\n", name, r->violations[i].message);
            n++;
        }
    dd_verify_report_free(r);
    *plan_out = p;
    *s_out = s;
    return n;
}

/* Escorts (planfuzz seeds 1880, 1921, 1928, 1936, 1951; issue 18): a
 * sensitive load that only the security floor can escort leaves last,
 * with the security element; evacuees are no escorts; a site with nobody
 * at all to escort its sensitive cargo is a conflict of terms that the
 * plan names. */
static void test_escort_regressions(void **state)
{
    (void)state;
    static const char *const fixed[] = {"escort-floor", "escort-floor-mog", "escort-evacuees",
                                        "escort-evacuees-large"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        dd_plan *p = NULL;
        dd_scenario *s = NULL;
        assert_int_equal(escort_breaks(fixed[i], &p, &s), 0);
        if (p->terms_broken)
            assert_null(strstr(p->broken_term, "escorts"));
        dd_plan_free(p);
        dd_scenario_free(s);
    }
    /* nobody at S2: its sensitive item C1 flies unescorted, and the plan
     * says so with the cause */
    dd_plan *p = NULL;
    dd_scenario *s = NULL;
    assert_true(escort_breaks("escort-nobody", &p, &s) > 0);
    assert_true(p->terms_broken > 0);
    assert_non_null(strstr(p->broken_term, "escorts: sensitive cargo flies from S2 with nobody "
                                           "aboard (sortie "));
    assert_non_null(strstr(p->broken_term, "); nobody at the site may escort it"));
    dd_plan_free(p);
    dd_scenario_free(s);
}

static void test_niger(void **state)
{
    (void)state;
    assert_clean(DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml");
    /* the evacuation-scale example: everyone out, every term met, verified */
    assert_clean(DD_SOURCE_DIR "/examples/kabul-2021/scenario.yaml");
}

static void test_tutorials(void **state)
{
    (void)state;
    static const char *const t[] = {"01-minimal", "02-milestones", "03-tasks", "04-hazards",
                                    "05-commercial", "06-metric"};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/examples/tutorial/%s/scenario.yaml", DD_SOURCE_DIR,
                 t[i]);
        print_message("tutorial %s\n", t[i]);
        assert_clean(path);
    }
}

static void test_edge_cases(void **state)
{
    (void)state;
    assert_clean(DATA "/plan/base.yaml");
    assert_clean(DATA "/plan/emptysite.yaml");
    assert_clean(DATA "/plan/outsize.yaml");
    /* commercial seats only: no military flight, everyone out */
    dd_scenario *s = load(DATA "/plan/nocap.yaml");
    dd_plan *p;
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_verify_report *r = plan_and_verify(s, &o, &p);
    assert_int_equal(r->n_violations, 0);
    assert_int_equal(p->n_sorties, 0);
    assert_true(p->all_out);
    assert_int_equal(p->commercial_seats_used, 100);
    dd_verify_report_free(r);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* No aircraft: the plan is made, says what cannot leave, and the
 * verifier agrees that cargo and people are left behind. */
static void test_no_aircraft(void **state)
{
    (void)state;
    dd_scenario *s = load(DATA "/plan/noair.yaml");
    dd_plan *p;
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.relax = false;
    dd_verify_report *r = plan_and_verify(s, &o, &p);
    assert_false(p->all_out);
    assert_false(p->deadline_met);
    assert_int_equal(p->n_sorties, 0);
    assert_true(r->by_kind[DD_V_DISPOSITION] + r->by_kind[DD_V_DEADLINE] > 0 ||
                r->n_violations > 0);
    /* nothing the plan does is wrong: only what it cannot do */
    for (size_t i = 0; i < r->n_stored; i++)
        assert_true(r->violations[i].kind != DD_V_LOAD && r->violations[i].kind != DD_V_MOG &&
                    r->violations[i].kind != DD_V_CAP_COUNTRY);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(dd_plan_write_text(p, 0, f), DD_OK);
    fclose(f);
    assert_non_null(strstr(buf, "NOT everything can leave"));
    assert_non_null(strstr(buf, "have no way out"));
    free(buf);
    dd_verify_report_free(r);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* A deadline one day too tight at one clearance a day: the plan says how
 * late, and the change it proposes is checked by planning again. */
static void test_late_with_relaxation(void **state)
{
    (void)state;
    dd_scenario *s = load(DATA "/plan/late.yaml");
    dd_plan *p;
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_verify_report *r = plan_and_verify(s, &o, &p);
    assert_false(p->deadline_met);
    assert_true(p->margin_hours < 0);
    assert_int_equal(p->binding, DD_BIND_CLEARANCE_CAP);
    assert_int_equal(r->by_kind[DD_V_DEADLINE], 1);
    /* nothing but the deadline is broken */
    assert_int_equal(r->n_violations, 1);
    assert_true(p->n_relaxations >= 1);
    assert_string_equal(p->relaxations[0].change, "daily_cap");
    assert_int_equal(p->relaxations[0].value, 2);
    assert_string_equal(p->relaxations[0].text, "2 clearances/day country-wide (now 1)");
    /* and the date change the plan as it stands meets */
    assert_int_equal(p->n_relaxations, 2);
    assert_string_equal(p->relaxations[1].change, "deadline");
    assert_int_equal(p->relaxations[1].value, 1);
    assert_string_equal(p->relaxations[1].text,
                        "a deadline 1 day later (this plan then meets it)");
    assert_false(p->relax_incomplete);
    dd_verify_report_free(r);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* A full heavy ramp (plan/mix): on the largest type alone the deadline is
 * missed; the planner moves some pallets onto the smaller type, meets it,
 * and the verifier finds nothing wrong. Where the terms are met anyway
 * (Niger) no cargo is moved. */
static void test_fleet_mix(void **state)
{
    (void)state;
    dd_scenario *s = load(DATA "/plan/mix/scenario.yaml");
    dd_plan *p;
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_verify_report *r = plan_and_verify(s, &o, &p);
    if (r->n_violations)
        print_violations(r);
    assert_int_equal(r->n_violations, 0);
    assert_true(p->deadline_met);
    assert_true(p->fleet_mix);
    size_t per_type[2] = {0, 0};
    for (size_t i = 0; i < p->n_sorties; i++)
        per_type[p->sorties[i].aircraft]++;
    assert_true(per_type[0] > 0 && per_type[1] > 0);
    /* the BIG alone could not: 20 loads at 8 a day from day 1 */
    assert_true(per_type[0] < 20);
    /* what holds it: the heavy ramp, full to the end */
    assert_int_equal(p->binding, DD_BIND_MOG);
    assert_string_equal(p->binding_detail, "ramp at S: HEAVY MOG 1 full 100% of the last 2 days");
    dd_verify_report_free(r);
    dd_plan_free(p);
    dd_scenario_free(s);
    s = load(DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml");
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_false(p->fleet_mix);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* The objective: by default the plan keeps the most margin on its
 * tightest term (Niger: AB101's hand-over on 7 July), at the cost of a
 * later end; --objective completion ends earliest. Both verify clean. */
static void test_objective(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml");
    dd_plan_options o;
    dd_plan_options_init(&o);
    assert_int_equal(o.objective, DD_OBJ_MARGIN);
    dd_plan *margin, *early;
    dd_verify_report *r = plan_and_verify(s, &o, &margin);
    assert_int_equal(r->n_violations, 0);
    dd_verify_report_free(r);
    o.objective = DD_OBJ_COMPLETION;
    r = plan_and_verify(s, &o, &early);
    assert_int_equal(r->n_violations, 0);
    dd_verify_report_free(r);
    assert_true(margin->margin > early->margin);
    assert_true(early->completion < margin->completion);
    /* the margin plan hands AB101 over more than two weeks early */
    assert_true(margin->margin >= 14 * 1440);
    dd_plan_free(margin);
    dd_plan_free(early);
    dd_scenario_free(s);
}

/* The binding limit when the caps are not full: the tasks tutorial's last
 * loads fly as soon as their tasks release them. */
static void test_binding_tasks(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_SOURCE_DIR "/examples/tutorial/03-tasks/scenario.yaml");
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_int_equal(p->binding, DD_BIND_TASKS);
    assert_string_equal(p->binding_detail, "tasks at BASE: 3 of its last 3 loads flew within a day of ready");
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* Same scenario and seed: the same plan file, byte for byte. */
static void test_deterministic(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml");
    char *out[2] = {NULL, NULL};
    size_t len[2];
    for (int k = 0; k < 2; k++) {
        dd_plan *p;
        assert_int_equal(dd_plan_build(s, NULL, &p), DD_OK);
        FILE *f = open_memstream(&out[k], &len[k]);
        assert_int_equal(dd_plan_write_json(p, "x", f), DD_OK);
        fclose(f);
        dd_plan_free(p);
    }
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(out[0], out[1], len[0]);
    free(out[0]);
    free(out[1]);
    dd_scenario_free(s);
}

static int run(const char *cmd, char **out)
{
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 1024) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    int rc = pclose(f);
    *out = buf;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void test_cli_golden(void **state)
{
    (void)state;
    char *out;
    int rc = run("cd " DD_SOURCE_DIR " && " DD_CLI " plan examples/niger-2024/scenario.yaml", &out);
    assert_int_equal(rc, 0);
    FILE *g = fopen(DATA "/golden/niger-plan.txt", "rb");
    assert_non_null(g);
    char golden[16384];
    size_t n = fread(golden, 1, sizeof golden - 1, g);
    golden[n] = '\0';
    fclose(g);
    if (strcmp(out, golden) != 0)
        print_message("got:\n%s\n", out);
    assert_string_equal(out, golden);
    assert_within_80_columns(out);
    free(out);
    /* exit status 1 when the deadline is missed; the plan file and verify agree */
    char tmpl[] = "/tmp/dd-plan-late-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s plan %s/plan/late.yaml -o %s/late.json", DD_CLI, DATA, tmpl);
    rc = run(cmd, &out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpl);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "deadline MISSED by 1d 0h"));
    free(out);
    rc = run(DD_CLI " plan " DATA "/plan/nosuch.yaml 2>&1", &out);
    assert_int_equal(rc, 2);
    free(out);
    /* --json: the summary for scripts, with the verifier's finding, and the
     * same exit status (1: missed) */
    rc = run("cd " DD_SOURCE_DIR " && " DD_CLI " plan examples/niger-2024/scenario.yaml --json",
             &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\"format\": \"drawdown-plan-summary\""));
    assert_non_null(strstr(out, "\"deadline_met\": true"));
    assert_non_null(strstr(out, "\"verification\": {\n    \"checked\": true,\n    "
                                "\"violations\": 0,\n    \"agrees\": true\n  }"));
    assert_null(strstr(out, "\"sorties\": ["));
    assert_null(strstr(out, "VERDICT"));
    free(out);
    rc = run(DD_CLI " plan " DATA "/plan/late.yaml --json --no-verify", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "\"deadline_met\": false"));
    assert_non_null(strstr(out, "\"checked\": false"));
    free(out);
    rc = run(DD_CLI " plan " DATA "/plan/late.yaml --json -o - 2>&1", &out);
    assert_int_equal(rc, 2);
    assert_string_equal(out, "drawdown plan: --json or -o -, not both (both write to standard "
                             "output)\n");
    free(out);
    /* the objective: the earliest end, said so; a bad one refused */
    /* the verdict is verified before it is printed; --no-verify says it was not */
    rc = run(DD_CLI " plan " DATA "/plan/mix/scenario.yaml", &out);
    assert_int_equal(rc, 0);
    assert_non_null(
        strstr(out, "\nverification: the independent verifier finds the plan complies with "
                    "every term\n"));
    free(out);
    rc = run(DD_CLI " plan --no-verify " DATA "/plan/mix/scenario.yaml", &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\nverification: not verified (--no-verify)\n"));
    assert_null(strstr(out, "independent verifier"));
    free(out);
    /* a site with nobody and only sensitive cargo: check fails, and the
     * plan says it breaks the escort term, never "met" */
    rc = run(DD_CLI " check " DATA "/plan/nobody/scenario.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  error: EMPTY: 2 sensitive pieces need an escort aboard, and "
                                "nobody is at the\n         site\n"));
    free(out);
    rc = run(DD_CLI " plan " DATA "/plan/nobody/scenario.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "VERDICT: the dates are met, but the plan breaks 1 people term\n"
                                "  first: escorts: sensitive cargo flies from EMPTY with nobody "
                                "aboard (sortie 1); nobody at the site may escort it\n"));
    assert_null(strstr(out, "deadline met"));
    assert_non_null(strstr(out, "verification: the independent verifier finds 1 violation:\n"
                                "  1 load (drawdown verify lists them)\n"));
    free(out);
    /* no military flight cleared at all: the binding limit says so */
    rc = run(DD_CLI " plan " DATA "/plan/noclear.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  binding limit: no military flight is cleared (daily_cap 0), "
                                "and 4 sorties are needed\n"));
    free(out);
    /* a ramp that cannot turn the sorties in time: check fails, plan misses */
    rc = run(DD_CLI " check " DATA "/plan/ramp/scenario.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  error: STRIP: its ramp (MOG 1, 12.0 h on the ground at least) "
                                "turns 20\n         sorties in 10 days at best; 5 days remain "
                                "from the first clearance to\n         its closing date\n"));
    free(out);
    rc = run(DD_CLI " plan " DATA "/plan/ramp/scenario.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  binding limit: ramp at STRIP: C17 MOG 1 full"));
    free(out);
    /* exit processing below the security floor: check and plan say why */
    rc = run(DD_CLI " check " DATA "/plan/exitfloor.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  error: S1: exit processing of 20/day is below the security "
                                "floor of 25: the\n         last security element cannot leave "
                                "together\n"));
    free(out);
    rc = run(DD_CLI " plan " DATA "/plan/exitfloor.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  S1: 25 people have no way out\n"
                                "    (exit processing of 20/day is below the security floor of "
                                "25:\n     the last security element cannot leave together)\n"));
    free(out);
    /* a hub's people a day: check says how long they take to land */
    rc = run(DD_CLI " check " DATA "/plan/hubpeople/tight.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  error: the hubs take 2000 people a day in all (people_per_day): "
                                "the 12100\n         people who need military seats land over at "
                                "least 7 days; 4 days\n         remain from the first clearance "
                                "to the deadline\n"));
    free(out);
    rc = run(DD_CLI " check " DATA "/plan/hubpeople/scenario.yaml", &out);
    assert_int_equal(rc, 0);
    assert_null(strstr(out, "people_per_day"));
    free(out);
    /* the same per hour: the last element leaves at one minute */
    rc = run(DD_CLI " check " DATA "/plan/exithour.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  error: S1: exit processing of 20 an hour is below the "
                                "security floor of 25:\n         the last security element "
                                "cannot leave together\n"));
    free(out);
    rc = run(DD_CLI " plan " DATA "/plan/exithour.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "  S1: 25 people have no way out\n"
                                "    (exit processing of 20 an hour is below the security floor "
                                "of 25:\n     the last security element cannot leave "
                                "together)\n"));
    free(out);
    /* a release time, not a task chain, when no task releases the group */
    rc = run(DD_CLI " plan " DD_SOURCE_DIR "/examples/tutorial/05-commercial/scenario.yaml",
             &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "  binding limit: the release time of group GUARD, "
                                "2024-05-19T23:00Z\n"));
    free(out);
    /* a missed plan: the verifier's findings are summed up by kind */
    rc = run(DD_CLI " plan " DATA "/plan/late.yaml", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "verification: the independent verifier finds "));
    assert_non_null(strstr(out, " deadline (drawdown verify lists them)\n"));
    assert_non_null(strstr(out, "verification: 2 of 2 changes, re-planned and verified, meet "
                                "every term\n"));
    free(out);
    rc = run(DD_CLI " plan --objective completion " DATA "/plan/mix/scenario.yaml", &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "objective: the earliest end (--objective completion)\n"));
    free(out);
    rc = run(DD_CLI " plan --objective soonest " DATA "/plan/mix/scenario.yaml 2>&1", &out);
    assert_int_equal(rc, 2);
    assert_string_equal(out, "drawdown plan: --objective wants margin or completion, got 'soonest'\n");
    free(out);
    rc = run(DD_CLI " simulate --objective 2>&1", &out);
    assert_int_equal(rc, 2);
    assert_string_equal(out, "drawdown simulate: --objective needs a value\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_niger),
        cmocka_unit_test(test_tutorials),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_regressions),
        cmocka_unit_test(test_escort_regressions),
        cmocka_unit_test(test_status_new_plan_verified),
        cmocka_unit_test(test_no_aircraft),
        cmocka_unit_test(test_late_with_relaxation),
        cmocka_unit_test(test_fleet_mix),
        cmocka_unit_test(test_objective),
        cmocka_unit_test(test_binding_tasks),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_cli_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
