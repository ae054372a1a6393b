/* SPDX-License-Identifier: MIT */
/*
 * Tests for re-planning from the state of execution (dd_replanner_run):
 * every re-plan is checked here, without the planner's code, against the
 * daily caps (counting the sorties that have left), the lead time of new
 * requests, the windows of kept clearances, readiness, closures, and the
 * matching of loads to sorties (a permutation within each airfield and
 * aircraft type); bad states are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dd_scenario *load(const char *path)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &d, &s);
    dd_diags_fini(&d);
    assert_int_equal(st, DD_OK);
    return s;
}

typedef struct fixture {
    dd_scenario *s;
    dd_plan *p;
    dd_replanner *r;
    dd_exec_sortie *x;
    dd_replan_sortie *out;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->s = load(DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml");
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.relax = false;
    assert_int_equal(dd_plan_build(fx->s, &o, &fx->p), DD_OK);
    assert_true(fx->p->n_sorties > 10);
    assert_int_equal(dd_replanner_new(fx->p, &fx->r), DD_OK);
    fx->x = calloc(fx->p->n_sorties, sizeof *fx->x);
    fx->out = calloc(fx->p->n_sorties, sizeof *fx->out);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    dd_replanner_free(fx->r);
    free(fx->x);
    free(fx->out);
    dd_plan_free(fx->p);
    dd_scenario_free(fx->s);
    free(fx);
    return 0;
}

/* The state "as planned": nothing has left, each sortie carries its own
 * load, ready when its load is, holding its planned clearance window. */
static void as_planned(fixture *fx, bool windows)
{
    const dd_plan *p = fx->p;
    for (size_t f = 0; f < p->n_sorties; f++) {
        const dd_sortie *so = &p->sorties[f];
        dd_exec_sortie *e = &fx->x[f];
        e->departed = DD_TIME_NONE;
        e->carries = (int32_t)f;
        e->ready = so->load >= 0 ? p->loads->loads[so->load].ready : DD_TIME_NONE;
        e->window_from = e->window_to = DD_TIME_NONE;
        if (windows && so->clearance >= 0) {
            e->window_from = p->clearances[so->clearance].window_from;
            e->window_to = p->clearances[so->clearance].window_to;
        }
    }
}

/* Check a re-plan against the terms, independently of the planner. */
static void check(const fixture *fx, const dd_exec_state *x)
{
    const dd_plan *p = fx->p;
    const dd_scenario *s = fx->s;
    size_t n = p->n_sorties;
    int32_t days = 400;
    int32_t *site_day = calloc((size_t)days * s->n_sites, sizeof *site_day);
    int32_t *country = calloc((size_t)days, sizeof *country);
    bool *carried = calloc(n, sizeof *carried);
    for (size_t f = 0; f < n; f++) {
        const dd_replan_sortie *o = &fx->out[f];
        const dd_exec_sortie *e = &x->sorties[f];
        /* a permutation of the loads, within the airfield and type */
        assert_true(o->carries >= 0 && (size_t)o->carries < n);
        assert_false(carried[o->carries]);
        carried[o->carries] = true;
        const dd_sortie *slot = &p->sorties[f], *what = &p->sorties[o->carries];
        assert_int_equal(slot->site, what->site);
        assert_int_equal(slot->aircraft, what->aircraft);
        dd_time dep = e->departed;
        if (dep == DD_TIME_NONE) {
            dep = o->departure;
            assert_true(dep != DD_TIME_NONE);
            assert_true(dep >= x->now);
            assert_int_equal(o->day, dd_scenario_day(s, dep));
            /* what it carries is ready: find who carried it before */
            for (size_t g = 0; g < n; g++)
                if (x->sorties[g].carries == o->carries && x->sorties[g].ready != DD_TIME_NONE)
                    assert_true(dep >= x->sorties[g].ready);
            if (x->site_open && x->site_open[slot->site] != DD_TIME_NONE)
                assert_true(dep >= x->site_open[slot->site]);
            if (o->keeps_clearance) {
                assert_true(e->window_from != DD_TIME_NONE);
                assert_true(dep >= e->window_from && dep <= e->window_to);
            } else {
                assert_true(dep >= x->now + s->agreement.clearance.lead_time);
            }
            assert_true(o->tail >= 0);
        }
        int32_t d = dd_scenario_day(s, dep);
        assert_true(d >= 0 && d < days);
        site_day[(size_t)slot->site * (size_t)days + (size_t)d]++;
        country[d]++;
    }
    for (size_t si = 0; si < s->n_sites; si++)
        for (int32_t d = 0; d < days; d++)
            if (s->sites[si].daily_cap >= 0)
                assert_true(site_day[si * (size_t)days + (size_t)d] <= s->sites[si].daily_cap);
    for (int32_t d = 0; d < days; d++)
        if (s->agreement.clearance.daily_cap >= 0)
            assert_true(country[d] <= s->agreement.clearance.daily_cap);
    free(site_day);
    free(country);
    free(carried);
}

static dd_time latest_departure(const fixture *fx, const dd_exec_state *x)
{
    dd_time last = DD_TIME_NONE;
    for (size_t f = 0; f < fx->p->n_sorties; f++) {
        dd_time t = x->sorties[f].departed != DD_TIME_NONE ? x->sorties[f].departed
                                                          : fx->out[f].departure;
        if (t > last)
            last = t;
    }
    return last;
}

/* At the epoch with no clearance asked for, every sortie is placed again
 * from scratch under the terms; the same state gives the same re-plan. */
static void test_fresh(void **state)
{
    fixture *fx = *state;
    as_planned(fx, false);
    dd_exec_state x = {.now = 0, .sorties = fx->x};
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    for (size_t f = 0; f < fx->p->n_sorties; f++)
        assert_false(fx->out[f].keeps_clearance);
    size_t n = fx->p->n_sorties;
    dd_replan_sortie *again = calloc(n, sizeof *again);
    assert_int_equal(dd_replanner_run(fx->r, &x, again), DD_OK);
    assert_memory_equal(again, fx->out, n * sizeof *again);
    free(again);
}

/* As planned, with the plan's clearances: the plan still holds, so every
 * sortie keeps its clearance and the completion does not move later. */
static void test_as_planned_keeps(void **state)
{
    fixture *fx = *state;
    as_planned(fx, true);
    dd_exec_state x = {.now = 0, .sorties = fx->x};
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    size_t kept = 0;
    for (size_t f = 0; f < fx->p->n_sorties; f++)
        kept += fx->out[f].keeps_clearance;
    assert_int_equal(kept, fx->p->n_sorties);
    assert_true(latest_departure(fx, &x) <= fx->p->completion);
}

/* Half-way: the first half has left as planned; the caps count them, and
 * nothing leaves before now. */
static void test_midway(void **state)
{
    fixture *fx = *state;
    as_planned(fx, true);
    size_t n = fx->p->n_sorties, half = n / 2;
    for (size_t f = 0; f < half; f++)
        fx->x[f].departed = fx->p->sorties[f].departure;
    dd_exec_state x = {.now = fx->p->sorties[half].departure - 30, .sorties = fx->x};
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    for (size_t f = 0; f < half; f++)
        assert_true(fx->out[f].departure == DD_TIME_NONE);
}

/* The sorties that left today fill today's caps: a sortie whose window
 * opens now goes on a later day. */
static void test_departed_fill_caps(void **state)
{
    fixture *fx = *state;
    const dd_plan *p = fx->p;
    as_planned(fx, false);
    size_t n = p->n_sorties;
    /* the first day on which the plan flies up to a cap */
    int32_t d0 = dd_scenario_day(fx->s, p->sorties[0].departure);
    dd_time last = DD_TIME_NONE;
    size_t k = 0;
    for (size_t f = 0; f < n && dd_scenario_day(fx->s, p->sorties[f].departure) == d0; f++) {
        fx->x[f].departed = p->sorties[f].departure;
        last = p->sorties[f].departure;
        k++;
    }
    assert_true(k >= 2);
    dd_exec_state x = {.now = last + 1, .sorties = fx->x};
    for (size_t f = k; f < n; f++) {
        fx->x[f].window_from = x.now;
        fx->x[f].window_to = x.now + 3 * 1440;
    }
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
}

/* A load that is late gives its clearance to the next ready load of its
 * airfield and type; the late one files a new request. */
static void test_late_load_swaps(void **state)
{
    fixture *fx = *state;
    const dd_plan *p = fx->p;
    as_planned(fx, true);
    size_t n = p->n_sorties, a = n, b = n;
    /* two cargo sorties of the same airfield and type, a before b */
    for (size_t f = 0; f < n && b == n; f++) {
        if (p->sorties[f].load < 0)
            continue;
        if (a == n) {
            a = f;
            continue;
        }
        if (p->sorties[f].site == p->sorties[a].site &&
            p->sorties[f].aircraft == p->sorties[a].aircraft)
            b = f;
    }
    assert_true(b < n);
    dd_time late = p->sorties[b].departure + 10 * 1440;
    fx->x[a].ready = late;
    dd_exec_state x = {.now = 0, .sorties = fx->x};
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    assert_true(fx->out[a].carries != (int32_t)a);
    for (size_t f = 0; f < n; f++)
        if (fx->out[f].carries == (int32_t)a)
            assert_true(fx->out[f].departure >= late);
}

static size_t refiled(const fixture *fx, const dd_exec_state *x)
{
    size_t k = 0;
    for (size_t f = 0; f < fx->p->n_sorties; f++)
        k += x->sorties[f].departed == DD_TIME_NONE && !fx->out[f].keeps_clearance;
    return k;
}

/* Tracking's order (keep_clearances): one early sortie denied and one
 * aborted for a day; with the clearances held placed first only those two
 * file anew, and every term is still met; the simulation's order (the
 * airfield that must close first first) files more. */
static void test_keep_clearances(void **state)
{
    fixture *fx = *state;
    const dd_plan *p = fx->p;
    const dd_scenario *s = fx->s;
    as_planned(fx, true);
    dd_time now = p->sorties[3].departure - 12 * 60;
    for (size_t f = 0; f < 3; f++)
        fx->x[f].departed = p->sorties[f].departure;
    fx->x[3].window_from = fx->x[3].window_to = DD_TIME_NONE; /* denied */
    fx->x[4].ready = p->sorties[4].departure + 1440;          /* aborted */
    dd_exec_state x = {.now = now, .sorties = fx->x};
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    size_t close_first = refiled(fx, &x);
    x.keep_clearances = true;
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    size_t keep = refiled(fx, &x);
    print_message("new requests: %zu keeping the clearances held, %zu closing first\n", keep,
                  close_first);
    assert_true(keep <= close_first);
    assert_true(keep <= 3);
    for (size_t f = 5; f < p->n_sorties; f++)
        if (fx->out[f].departure >= fx->x[f].window_from &&
            fx->out[f].departure <= fx->x[f].window_to)
            assert_true(fx->out[f].keeps_clearance);
    /* and every closing date and the deadline still hold */
    for (size_t f = 0; f < p->n_sorties; f++) {
        dd_time d = x.sorties[f].departed != DD_TIME_NONE ? x.sorties[f].departed
                                                          : fx->out[f].departure;
        dd_time cb = s->sites[p->sorties[f].site].close_by;
        assert_true(d <= s->agreement.deadline);
        if (cb != DD_TIME_NONE)
            assert_true(d <= cb);
    }
}

/* A closed airfield: nothing leaves it before it opens again. */
static void test_closure(void **state)
{
    fixture *fx = *state;
    as_planned(fx, true);
    dd_time *open = calloc(fx->s->n_sites, sizeof *open);
    for (size_t si = 0; si < fx->s->n_sites; si++)
        open[si] = DD_TIME_NONE;
    int32_t site = fx->p->sorties[0].site;
    open[site] = fx->p->sorties[0].departure + 3 * 1440;
    dd_exec_state x = {.now = 0, .sorties = fx->x, .site_open = open};
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    free(open);
}

/* Tails busy until a date: no ferry leaves before they are free. */
static void test_tails_busy(void **state)
{
    fixture *fx = *state;
    const dd_scenario *s = fx->s;
    as_planned(fx, false);
    dd_time busy = 20 * 1440;
    dd_time **tf = calloc(s->n_aircraft, sizeof *tf);
    for (size_t a = 0; a < s->n_aircraft; a++) {
        tf[a] = calloc(64, sizeof **tf);
        for (int k = 0; k < 64; k++)
            tf[a][k] = busy;
    }
    dd_exec_state x = {.now = 0, .sorties = fx->x, .tail_free = (const dd_time *const *)tf};
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    for (size_t f = 0; f < fx->p->n_sorties; f++)
        assert_true(fx->out[f].departure >= busy);
    for (size_t a = 0; a < s->n_aircraft; a++)
        free(tf[a]);
    free(tf);
}

static void test_bad_state(void **state)
{
    fixture *fx = *state;
    as_planned(fx, true);
    dd_exec_state x = {.now = 0, .sorties = fx->x};
    fx->x[1].carries = 0; /* load 0 carried twice */
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_EARG);
    fx->x[1].carries = (int32_t)fx->p->n_sorties; /* out of range */
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_EARG);
    fx->x[1].carries = -1;
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_EARG);
    assert_int_equal(dd_replanner_run(fx->r, NULL, fx->out), DD_EARG);
    dd_replanner *r = NULL;
    assert_int_equal(dd_replanner_new(NULL, &r), DD_EARG);
    assert_null(r);
}

/* ---- caps per week and over time (issue 18) ---- */

/* The Niger example under a schedule of country-wide caps with weekly
 * caps over 7 rolling days. */
static int setup_caps(void **state)
{
    const char *path = DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml";
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *text = calloc(1, 1 << 17);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 17) - 1, f);
    fclose(f);
    const char *from = "    daily_cap: 2                # assumed, country-wide\n";
    const char *to = "    caps:\n"
                     "      - {from: 2024-06-07, daily: 2, weekly: 9}\n"
                     "      - {from: 2024-07-01, daily: 3, weekly: 12}\n";
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t lf = strlen(from), lt = strlen(to);
    assert_true(n + lt < (1 << 17));
    memmove(at + lt, at + lf, strlen(at + lf) + 1);
    memcpy(at, to, lt);
    fixture *fx = calloc(1, sizeof *fx);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    assert_int_equal(dd_scenario_load_string("caps.yaml", text, strlen(text),
                                             DD_SOURCE_DIR "/examples/niger-2024", &d, &fx->s),
                     DD_OK);
    dd_diags_fini(&d);
    free(text);
    assert_int_equal(fx->s->agreement.clearance.n_caps, 2);
    dd_plan_options o;
    dd_plan_options_init(&o);
    o.relax = false;
    assert_int_equal(dd_plan_build(fx->s, &o, &fx->p), DD_OK);
    assert_int_equal(dd_replanner_new(fx->p, &fx->r), DD_OK);
    fx->x = calloc(fx->p->n_sorties, sizeof *fx->x);
    fx->out = calloc(fx->p->n_sorties, sizeof *fx->out);
    *state = fx;
    return 0;
}

/* Every day's count within the step in force that day (none before the
 * first), every 7 days within the weekly cap in force on the last. */
static void check_schedule(const fixture *fx, const dd_exec_state *x)
{
    const dd_scenario *s = fx->s;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    int32_t days = 400, country[400] = {0};
    for (size_t f = 0; f < fx->p->n_sorties; f++) {
        dd_time dep = x->sorties[f].departed != DD_TIME_NONE ? x->sorties[f].departed
                                                             : fx->out[f].departure;
        int32_t d = dd_scenario_day(s, dep);
        assert_true(d >= 0 && d < days);
        country[d]++;
    }
    for (int32_t d = 0; d < days; d++) {
        const dd_cap_step *at = NULL;
        for (size_t i = 0; i < ct->n_caps; i++)
            if (ct->caps[i].day <= d)
                at = &ct->caps[i];
        if (!at) {
            assert_int_equal(country[d], 0);
            continue;
        }
        assert_true(country[d] <= at->daily);
        int32_t week = 0;
        for (int32_t e = d - 6; e <= d; e++)
            week += e >= 0 ? country[e] : 0;
        assert_true(week <= at->weekly);
    }
}

/* Planned under the schedule; then half has left and the rest is
 * re-planned: the sorties that left count in the weeks they share with
 * the new ones. */
static void test_caps_schedule(void **state)
{
    fixture *fx = *state;
    as_planned(fx, false);
    dd_exec_state x = {.now = 0, .sorties = fx->x};
    /* the plan itself */
    for (size_t f = 0; f < fx->p->n_sorties; f++) {
        fx->x[f].departed = fx->p->sorties[f].departure;
        fx->out[f].departure = DD_TIME_NONE;
    }
    check_schedule(fx, &x);
    as_planned(fx, true);
    size_t n = fx->p->n_sorties, half = n / 2;
    for (size_t f = 0; f < half; f++)
        fx->x[f].departed = fx->p->sorties[f].departure;
    x.now = fx->p->sorties[half].departure - 30;
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    check(fx, &x);
    check_schedule(fx, &x);
    /* a host clearing one fewer a day: every step's daily cap one lower */
    int32_t country = fx->s->agreement.clearance.daily_cap - 1;
    x.country_cap = &country;
    as_planned(fx, false);
    for (size_t f = 0; f < half; f++)
        fx->x[f].departed = fx->p->sorties[f].departure;
    assert_int_equal(dd_replanner_run(fx->r, &x, fx->out), DD_OK);
    int32_t per_day[400] = {0};
    for (size_t f = half; f < n; f++)
        per_day[fx->out[f].day]++;
    for (int32_t d = 0; d < 400; d++)
        if (per_day[d])
            assert_true(per_day[d] <= (d >= fx->s->agreement.clearance.caps[1].day ? 2 : 1));
}

/* What each request tells the host: the call sign from the type's prefix
 * and the sortie's number, the route, the passengers aboard, weapons when
 * security is aboard, and the hazard classes of the cargo aboard. */
static void test_request_contents(void **state)
{
    fixture *fx = *state;
    const dd_plan *p = fx->p;
    const dd_scenario *s = fx->s;
    size_t armed = 0, hazardous = 0;
    for (size_t i = 0; i < p->n_clearances; i++) {
        dd_clearance_info ci;
        dd_plan_clearance_info(p, i, &ci);
        const dd_sortie *so = &p->sorties[p->clearances[i].sortie];
        char want[24];
        snprintf(want, sizeof want, "RCH%03d", p->clearances[i].sortie + 1);
        assert_string_equal(ci.call_sign, want);
        assert_string_equal(ci.from_icao, s->sites[so->site].icao);
        assert_string_equal(ci.to_icao, "ETAR");
        int32_t pax = 0;
        bool security = false;
        for (size_t k = 0; k < so->n_pax; k++) {
            pax += so->pax[k].count;
            security |= s->people[so->pax[k].people].role == DD_ROLE_SECURITY;
        }
        assert_int_equal(ci.passengers, pax);
        assert_int_equal(ci.weapons, security);
        armed += ci.weapons;
        hazardous += ci.hazards != 0;
        assert_true(ci.hazards >> s->hazard.n_classes == 0);
    }
    assert_true(armed > 0);
    assert_true(hazardous > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh),
        cmocka_unit_test(test_as_planned_keeps),
        cmocka_unit_test(test_midway),
        cmocka_unit_test(test_departed_fill_caps),
        cmocka_unit_test(test_late_load_swaps),
        cmocka_unit_test(test_keep_clearances),
        cmocka_unit_test(test_closure),
        cmocka_unit_test(test_tails_busy),
        cmocka_unit_test(test_bad_state),
        cmocka_unit_test(test_request_contents),
    };
    const struct CMUnitTest caps[] = {
        cmocka_unit_test(test_caps_schedule),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed + cmocka_run_group_tests(caps, setup_caps, teardown);
}
