/* SPDX-License-Identifier: MIT */
/*
 * Crews and utilisation in the planner (issue 18): tests/data/plan/crews
 * holds one base an hour from its hub, four tails and 200 pallets; hubs
 * with a ramp and overflight clearances: tests/data/plan/hubs. Each
 * plan is handed to the independent verifier through the plan file's
 * text; the binding limit and the bound name the crews or the utilisation
 * when they hold the plan back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/check.h>
#include <drawdown/plan.h>
#include <drawdown/report.h>
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CREWS DD_TEST_DATA "/plan/crews/"

static dd_scenario *load(const char *path)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &d, &s);
    if (st != DD_OK)
        fail_msg("%s: %s", path, d.n_items ? d.items[0].message : dd_status_str(st));
    dd_diags_fini(&d);
    return s;
}

static dd_plan *plan(const dd_scenario *s)
{
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.relax = false;
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    return p;
}

/* The verifier's violations of plan p, by kind; the first message kept. */
static size_t verify(const dd_scenario *s, const dd_plan *p, size_t *by_kind, char *first,
                     size_t n_first)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    assert_int_equal(dd_plan_write_json(p, "plan.json", m), DD_OK);
    fclose(m);
    dd_verify_report *r = NULL;
    assert_int_equal(dd_verify_plan(s, "plan.json", text, len, &r), DD_OK);
    size_t n = r->n_violations;
    memset(by_kind, 0, DD_V_COUNT * sizeof *by_kind);
    for (size_t i = 0; i < r->n_stored; i++)
        by_kind[r->violations[i].kind]++;
    snprintf(first, n_first, "%s", n ? r->violations[0].message : "");
    dd_verify_report_free(r);
    free(text);
    return n;
}

/* The verifier finds nothing wrong with plan p. */
static void assert_complies(const dd_scenario *s, const dd_plan *p)
{
    size_t by[DD_V_COUNT];
    char first[512];
    if (verify(s, p, by, first, sizeof first) != 0)
        fail_msg("verifier: %s", first);
}

static dd_time last_departure(const dd_plan *p)
{
    dd_time t = 0;
    for (size_t i = 0; i < p->n_sorties; i++)
        if (p->sorties[i].departure > t)
            t = p->sorties[i].departure;
    return t;
}

/* Two crews, 12 h of rest: the plan waits for them, names them and
 * complies; without crews it ends days earlier. */
static void test_crews_bind(void **state)
{
    (void)state;
    dd_scenario *s = load(CREWS "scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    assert_int_equal(p->n_sorties, 12);
    assert_int_equal(p->binding, DD_BIND_CREWS);
    assert_string_equal(p->binding_detail,
                        "crews of BIG: 2 crews on duty or resting 99% of the last 4 days");
    assert_int_equal(p->completion_lb_binding, DD_BIND_CREWS);
    assert_true(p->completion_lb <= last_departure(p));
    /* each crew's duty (ferry, 3h15m on the ground, leg: 5h 9m) and 12 h
     * of rest: two crews fly two sorties every 17h 9m */
    dd_time end = last_departure(p);
    assert_true(end >= 5 * (17 * 60 + 9));
    /* the same scenario without crews: the four tails fly it in a day */
    dd_scenario *f = load(CREWS "free.yaml");
    dd_plan *q = plan(f);
    assert_true(last_departure(q) + 2 * 1440 < end);
    assert_int_not_equal(q->binding, DD_BIND_CREWS);
    assert_int_not_equal(q->binding, DD_BIND_UTILISATION);
    dd_plan_free(q);
    dd_scenario_free(f);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* 2 h of flying a day per tail: one sortie a tail a day (1h 54m each). */
static void test_utilisation_binds(void **state)
{
    (void)state;
    dd_scenario *s = load(CREWS "util.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_int_equal(p->n_sorties, 12);
    assert_int_equal(p->binding, DD_BIND_UTILISATION);
    assert_string_equal(p->binding_detail, "utilisation of BIG: its 4 tails flew 95% of 2h 00m "
                                           "a day over the last 2 days");
    /* four a day, by host-country day */
    int32_t per_day[8] = {0};
    for (size_t i = 0; i < p->n_sorties; i++) {
        int32_t d = dd_scenario_day(s, p->sorties[i].departure);
        assert_true(d >= 0 && d < 8);
        per_day[d]++;
    }
    for (int d = 0; d < 8; d++)
        assert_true(per_day[d] <= 4);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* A duty day no sortie fits: nothing flies, and the plan says why; with
 * augmented crews (counted two) it flies, and complies. */
static void test_duty_day(void **state)
{
    (void)state;
    dd_scenario *s = load(CREWS "long.yaml");
    dd_plan *p = plan(s);
    assert_int_equal(p->n_sorties, 0);
    assert_false(p->all_out);
    assert_int_equal(p->binding, DD_BIND_CREWS);
    assert_string_equal(p->binding_detail,
                        "crew duty: no type can fly from S (BIG: a sortie from S takes 5h 09m "
                        "of crew duty, past its basic duty day of 4h 00m)");
    size_t by[DD_V_COUNT];
    char first[512];
    assert_int_equal(verify(s, p, by, first, sizeof first), 1);
    assert_int_equal(by[DD_V_CARGO], 1);
    dd_plan_free(p);
    dd_scenario_free(s);

    s = load(CREWS "aug.yaml");
    p = plan(s);
    assert_int_equal(verify(s, p, by, first, sizeof first), 0);
    assert_int_equal(p->n_sorties, 12);
    assert_true(p->deadline_met);
    /* four crews, two a sortie: as slow as two basic crews */
    assert_int_equal(p->binding, DD_BIND_CREWS);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* Hubs with a ramp and the routes' overflight clearances: the near hub
 * takes one aircraft at a time, so some sorties go to the far one, whose
 * route crosses BB (one a day); AA (four a day, 3 days' lead) binds. */
static void test_hubs(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/hubs/scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    assert_int_equal(p->n_sorties, 12);
    int32_t near = 0, far = 0, per_day[40] = {0}, far_day[40] = {0};
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        int32_t d = dd_scenario_day(s, so->departure);
        assert_true(d >= 3 && d < 40); /* AA's lead time: 3 days */
        per_day[d]++;
        if (so->hub == 0)
            near++;
        else
            far++, far_day[d]++;
    }
    assert_true(near > 0 && far > 0);
    for (int d = 0; d < 40; d++) {
        assert_true(per_day[d] <= 4);
        assert_true(far_day[d] <= 1);
    }
    assert_int_equal(p->binding, DD_BIND_OVERFLIGHT);
    assert_non_null(strstr(p->binding_detail, "overflight clearances of AA: 4 a day"));
    /* the request carries the countries, each with its own filing time */
    dd_clearance_info ci;
    dd_plan_clearance_info(p, 0, &ci);
    assert_int_equal(ci.n_overflight, p->sorties[p->clearances[0].sortie].hub == 0 ? 1 : 2);
    assert_int_equal(ci.overflight[0], 0);
    assert_int_equal(ci.overflight_file_by[0],
                     p->sorties[p->clearances[0].sortie].departure - 3 * 1440);
    assert_true(p->completion_lb >= 3 * 1440);
    /* every route crosses AA: 12 sorties at 4 a day from day 3 */
    assert_int_equal(p->completion_lb_binding, DD_BIND_OVERFLIGHT);
    assert_int_equal(p->completion_lb, dd_scenario_day_start(s, 5));
    dd_check *c = NULL;
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    bool found = false;
    for (size_t i = 0; i < c->n_findings; i++)
        found |= !strcmp(c->findings[i].text,
                         "every route out crosses AA: at its cap of 4 overflights/day, the 12 "
                         "sorties take at least 3 days; 27 days remain from its first clearance "
                         "to the deadline");
    assert_true(found);
    dd_check_free(c);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* A weekly cap is named as what binds (the daily cap of 4 is not), and
 * the check's figure for the schedule is the plan's last day. */
/* En-route fuel stops (tests/data/plan/stops): the hub is beyond the
 * type's range; the full loads go through AA (the shorter way, whose hops
 * carry 77.5 t), no sooner than DZ's 2 days, one on AA's ramp at a time,
 * at most 3 a day; a lighter load may go through BB (40 t) before. */
static void test_stops(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/stops/scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    int32_t through_aa[40] = {0}, n_aa = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        assert_true(so->stop > 0); /* nothing flies direct: 0 kg at 4,022 km */
        const dd_stop *x = &s->stops[so->stop - 1];
        assert_true(so->weight_kg <= so->acl_kg);
        assert_true(so->stop_departure - so->stop_arrival >= dd_stop_ground(x, &s->aircraft[0]));
        if (strcmp(x->id, "AA") != 0) {
            assert_true(so->acl_kg < 45000); /* BB's longer hop */
            continue;
        }
        n_aa++;
        assert_true(so->departure >= 2 * 1440);
        through_aa[dd_scenario_day(s, so->departure)]++;
        for (size_t k = 0; k < i; k++) /* one on AA's ramp at a time */
            if (p->sorties[k].stop == so->stop)
                assert_true(p->sorties[k].stop_departure <= so->stop_arrival ||
                            so->stop_departure <= p->sorties[k].stop_arrival);
        /* the request lists DZ, filed its 2 days before */
        dd_clearance_info ci;
        dd_plan_clearance_info(p, (size_t)so->clearance, &ci);
        assert_int_equal(ci.n_overflight, 1);
        assert_int_equal(ci.overflight_file_by[0], so->departure - 2 * 1440);
    }
    assert_true(n_aa >= 3);
    for (int d = 0; d < 40; d++)
        assert_true(through_aa[d] <= 3);
    /* the bounds take the cabin load through a stop (none direct): 240 t
     * at 77.5 t a sortie */
    dd_check *c = NULL;
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    assert_int_equal(c->sites[0].sorties_lb, 4);
    assert_string_equal(c->sites[0].sorties_binding, "weight");
    dd_check_free(c);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* Local minute of the day of t at offset tz (minutes). */
static int32_t local_minute(const dd_scenario *s, dd_time t, int32_t tz)
{
    int64_t m = s->epoch_unix / 60 + t + tz;
    return (int32_t)(((m % 1440) + 1440) % 1440);
}

/* A stop's own operating hours (tests/data/plan/stophours: AA open
 * 06:00-10:00 at +01:00, a 2 h ground time): every landing at AA and
 * every take-off from it inside them; an aircraft that lands after 08:00
 * stays the night and takes off at the next opening; the plan verifies. */
static void test_stop_hours(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/stophours/scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    int n_aa = 0, overnight = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        assert_true(so->stop > 0);
        const dd_stop *x = &s->stops[so->stop - 1];
        if (strcmp(x->id, "AA") != 0)
            continue;
        n_aa++;
        int32_t land = local_minute(s, so->stop_arrival, x->tz_offset);
        int32_t off = local_minute(s, so->stop_departure, x->tz_offset);
        assert_true(land >= 6 * 60 && land < 10 * 60);
        assert_true(off >= 6 * 60 && off < 10 * 60);
        assert_true(so->stop_departure - so->stop_arrival >= 120);
        if (so->stop_departure - so->stop_arrival > 12 * 60) {
            overnight++;
            assert_int_equal(off, 6 * 60); /* at the opening */
        }
    }
    assert_true(n_aa >= 3);
    assert_true(overnight >= 1);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* A stop's hours and crews (tests/data/plan/stophours/crews.yaml: a 16 h
 * duty day): a night's wait at AA, or BB's longer way, is more than a
 * crew's duty, so the planner moves the departures to land at AA and
 * leave it the same morning, one a day (its ramp holds one) instead of
 * giving up the last load; the plan verifies. */
static void test_stop_hours_crews(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/stophours/crews.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    assert_int_equal(p->n_sorties, 4);
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        assert_string_equal(s->stops[so->stop - 1].id, "AA");
        assert_int_equal(so->stop_departure - so->stop_arrival, 120);
        assert_true(so->arrival - so->ferry_departure <= 16 * 60);
    }
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* A chain of two en-route fuel stops (tests/data/plan/stopchain): no one
 * stop's hops carry anything, so every sortie lands at AA and then at
 * BB, the cabin load the smallest of its three hops' (77.5 t); one on
 * AA's ramp at a time; BB's landings and take-offs inside 06:00-20:00
 * local; the request names both stops (DZ's clearance, BB's country, 2
 * days ahead) and the plan verifies. */
static void test_stop_chain(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/stopchain/scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    assert_true(p->n_sorties >= 4);
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        assert_string_equal(s->stops[so->stop - 1].id, "AA");
        assert_string_equal(s->stops[so->stop2 - 1].id, "BB");
        assert_true(so->departure < so->stop_arrival);
        assert_true(so->stop_departure - so->stop_arrival >= 90);
        assert_true(so->stop_departure < so->stop2_arrival);
        assert_true(so->stop2_departure - so->stop2_arrival >= 120);
        assert_true(so->stop2_departure < so->arrival);
        assert_true(so->weight_kg <= so->acl_kg && so->acl_kg > 77000 && so->acl_kg < 78000);
        int32_t land = local_minute(s, so->stop2_arrival, s->stops[1].tz_offset);
        int32_t off = local_minute(s, so->stop2_departure, s->stops[1].tz_offset);
        assert_true(land >= 6 * 60 && land < 20 * 60 && off >= 6 * 60 && off < 20 * 60);
        for (size_t k = 0; k < i; k++) /* one on AA's ramp at a time */
            assert_true(p->sorties[k].stop_departure <= so->stop_arrival ||
                        so->stop_departure <= p->sorties[k].stop_arrival);
        dd_clearance_info ci;
        dd_plan_clearance_info(p, (size_t)so->clearance, &ci);
        assert_string_equal(ci.stop_icao, "DAAT");
        assert_string_equal(ci.stop2_icao, "DABB");
        assert_int_equal(ci.n_overflight, 1);
        assert_int_equal(ci.overflight_file_by[0], so->departure - 2 * 1440);
    }
    /* the bounds take the chain's cabin load: 240 t at 77.5 t a sortie */
    dd_check *c = NULL;
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    assert_int_equal(c->sites[0].sorties_lb, 4);
    dd_check_free(c);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* En-route fuel stops on onward sorties (tests/data/plan/stoponward: S2
 * leaves through S1, whose hub is beyond the type's range): S2's legs fly
 * direct to S1, and every sortie out of the country, S1's own and the
 * onward ones, lands at a stop; an onward sortie's cabin load is its
 * route's through the stop and carries its leg's load; the plan
 * verifies. */
static void test_stop_onward(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/stoponward/scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    int onward = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        if (so->kind == DD_SORTIE_LEG) {
            assert_int_equal(so->stop, 0); /* 730 km inside the country */
            continue;
        }
        assert_true(so->stop > 0);
        assert_true(so->stop_arrival > so->departure && so->stop_departure < so->arrival);
        if (so->kind == DD_SORTIE_ONWARD) {
            onward++;
            const dd_sortie *leg = &p->sorties[so->link];
            assert_true(leg->weight_kg <= so->acl_kg);
            assert_true(so->acl_kg > 39000); /* not 0: the direct figure at 4,022 km */
        }
    }
    assert_true(onward >= 3);
    dd_plan_free(p);
    dd_scenario_free(s);
}

static void test_weekly_binding(void **state)
{
    (void)state;
    dd_scenario *s = load(CREWS "weekly.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_int_equal(p->binding, DD_BIND_CLEARANCE_CAP);
    assert_string_equal(p->binding_detail, "country-wide weekly clearance cap of 5 flights/week "
                                           "(5 in 7 days before the last departures)");
    dd_check *c = NULL;
    assert_int_equal(dd_check_summarize(s, &c), DD_OK);
    bool found = false;
    for (size_t i = 0; i < c->n_findings; i++)
        found |= strstr(c->findings[i].text, "under the schedule of clearance caps (daily and "
                                             "weekly, as they change), the 12 sorties that the "
                                             "cargo and people need at best take at least 17 "
                                             "days") != NULL;
    assert_true(found);
    /* 17 days from the first: the plan's last departure is on day 16 */
    assert_int_equal(dd_scenario_day(s, last_departure(p)), 16);
    dd_check_free(c);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* MOG among the relaxations (issue 18): a ramp of one spot and twelve
 * hours on the ground misses by five days; two more spots meet it, and
 * the plan with them (re-planned with the relaxed ramp) is said met. */
static void test_mog_relaxation(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/ramp/scenario.yaml");
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.relax_time_s = 0; /* by iterations: deterministic */
    dd_plan *p = NULL;
    assert_int_equal(dd_plan_build(s, &o, &p), DD_OK);
    assert_false(p->deadline_met);
    const dd_relaxation *r = NULL;
    for (size_t i = 0; i < p->n_relaxations; i++)
        if (!strcmp(p->relaxations[i].change, "mog"))
            r = &p->relaxations[i];
    assert_non_null(r);
    assert_int_equal(r->site, 0);
    assert_int_equal(r->value, 2);
    assert_string_equal(r->text, "2 more parking spots (MOG) at STRIP (now 1)");
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* Exit processing per clock hour: no hour takes more than 12 people at
 * BASE, and the verifier agrees. */
static void test_exit_hour(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/verify/s-hour.yaml");
    dd_plan *p = plan(s);
    size_t by[DD_V_COUNT];
    char first[512];
    verify(s, p, by, first, sizeof first);
    assert_int_equal(by[DD_V_EXIT_PROCESSING], 0);
    int64_t per_hour[2000] = {0};
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        if (mv->sortie < 0 || s->people[mv->people].site != 0)
            continue;
        int64_t h = dd_scenario_hour(s, p->sorties[mv->sortie].departure);
        assert_true(h >= 0 && h < 2000);
        per_hour[h] += mv->count;
        assert_true(per_hour[h] <= 12);
    }
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* People-only sorties on several types: one large aircraft and six small
 * ones take 2,000 evacuees; the large one alone left its fifth sortie on
 * the 17th at 20:00 (its five round trips), the waves on both types are
 * out by 09:00. */
static void test_pax_types(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/paxtypes/scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    size_t per_type[2] = {0, 0};
    for (size_t i = 0; i < p->n_sorties; i++)
        per_type[p->sorties[i].aircraft]++;
    assert_true(per_type[0] > 0 && per_type[1] > 0);
    char when[48];
    dd_scenario_format_time(s, last_departure(p), 0, when, sizeof when);
    assert_true(last_departure(p) < dd_scenario_day_start(s, 2) + 20 * 60);
    print_message("last departure %s, %zu C17A and %zu C130J\n", when, per_type[0], per_type[1]);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* Night hours and a tails table that takes a tail away
 * (tests/data/plan/night): the clearances' hours (19:30-08:45) and S1's
 * (17:00-11:00) span midnight, so the placement's wait to the next
 * allowed step (place.c, hours_wait) crosses it; BIG falls from 2 tails
 * to 1 on 4 June. The verifier re-derives the hours, the ground time in
 * the airfield's hours and the tails in service; departures fall on both
 * sides of midnight, and none after 4 June on BIG's second tail. */
static void test_night_hours(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/plan/night/scenario.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    size_t morning = 0, evening = 0;
    dd_time fall = dd_scenario_day_start(s, 3); /* 4 June, host time */
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        int64_t local = (so->departure - dd_scenario_day_start(s, 0)) % 1440;
        morning += local < 8 * 60 + 45;
        evening += local >= 19 * 60 + 30;
        assert_true(local < 8 * 60 + 45 || local >= 19 * 60 + 30);
        if (so->aircraft == 0 && so->ferry_departure >= fall)
            assert_int_equal(so->tail, 0);
    }
    assert_true(morning > 0 && evening > 0);
    dd_plan_free(p);
    dd_scenario_free(s);
}

/* Legs inside the country (issue 18): S2 leaves through S1
 * (tests/data/verify/legs/s.yaml, via_transfer 2h). Every S2 sortie is a
 * leg to S1 followed by its onward sortie on the same tail, at least the
 * transfer and the ground time after the landing; S2 closes with its last
 * leg; the verifier agrees. */
static void test_legs(void **state)
{
    (void)state;
    dd_scenario *s = load(DD_TEST_DATA "/verify/legs/s.yaml");
    dd_plan *p = plan(s);
    assert_complies(s, p);
    assert_true(p->deadline_met);
    size_t legs = 0;
    dd_time last_leg = DD_TIME_NONE;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        if (so->site == 1)
            assert_int_equal(so->kind, DD_SORTIE_LEG); /* nothing out from S2 */
        if (so->kind != DD_SORTIE_LEG)
            continue;
        legs++;
        assert_int_equal(so->to_site, 0);
        const dd_sortie *on = &p->sorties[so->link];
        assert_int_equal(on->kind, DD_SORTIE_ONWARD);
        assert_int_equal(on->link, (int32_t)i);
        assert_int_equal(on->site, 0);
        assert_int_equal(on->tail, so->tail);
        assert_int_equal(on->arrival_at_site, so->arrival);
        assert_true(on->departure >= so->arrival + 180); /* the ground time binds */
        if (last_leg == DD_TIME_NONE || so->departure > last_leg)
            last_leg = so->departure;
    }
    assert_true(legs >= 2); /* the cargo and the people */
    assert_int_equal(p->sites[1].closure, last_leg);
    assert_true(p->completion > last_leg);
    /* re-planning (simulate, status) takes legs (tests/test_plan_replan.c) */
    dd_replanner *rp = NULL;
    assert_int_equal(dd_replanner_new(p, &rp), DD_OK);
    dd_replanner_free(rp);
    dd_plan_free(p);
    dd_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crews_bind),
        cmocka_unit_test(test_utilisation_binds),
        cmocka_unit_test(test_duty_day),
        cmocka_unit_test(test_hubs),
        cmocka_unit_test(test_stops),
        cmocka_unit_test(test_stop_hours),
        cmocka_unit_test(test_stop_hours_crews),
        cmocka_unit_test(test_stop_chain),
        cmocka_unit_test(test_stop_onward),
        cmocka_unit_test(test_weekly_binding),
        cmocka_unit_test(test_mog_relaxation),
        cmocka_unit_test(test_exit_hour),
        cmocka_unit_test(test_pax_types),
        cmocka_unit_test(test_legs),
        cmocka_unit_test(test_night_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
