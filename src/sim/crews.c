/* SPDX-License-Identifier: MIT */
/*
 * The executor's crews (docs/sim.md, "Crews"): for each aircraft type
 * whose crews are limited (aircraft[].crews), each crew's rest as the
 * sorties actually fly, and the times it has fallen out
 * (disruptions.crews: a Poisson process per crew, each fall-out lasting a
 * draw of its duration). A departure takes the crews it needs (one, two
 * for an augmented duty day) among those rested and not fallen out when
 * its duty begins (its ferry's take-off); an aborted aircraft keeps its
 * crews while their duty day allows the wait, and then takes rested ones.
 * A re-plan is told when each crew is free (dd_exec_state.crew_free).
 * Nothing here draws a random number unless a fall-out rate is above 0,
 * so a rate of 0 leaves every replication as it was, draw for draw.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_int.h"

struct dd__sim_crews {
    size_t n_types, n_crews;
    size_t *off;        /* per type: its crews are [off[a], off[a+1]) */
    dd_time *free_at;   /* per crew: rested (and no longer held) from */
    dd_time *state;     /* per crew: free_at as a re-plan is told it */
    const dd_time **state_of; /* per type: its crews in state, NULL: not limited */
    size_t *out_off;    /* per crew: its fall-outs are [out_off[k], out_off[k+1]) */
    dd__sim_window *out;
    size_t cap_out;
    int32_t *held;      /* per flight, two: crews an aborted aircraft keeps (-1) */
    dd_time *duty_from; /* per flight: when the held crews' duty began */
};

dd__sim_crews *dd__sim_crews_new(const dd_scenario *s, size_t n_flights)
{
    dd__sim_crews *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->n_types = s->n_aircraft;
    c->off = calloc(s->n_aircraft + 1, sizeof *c->off);
    if (!c->off)
        goto fail;
    for (size_t a = 0; a < s->n_aircraft; a++)
        c->off[a + 1] = c->off[a] + (size_t)(s->aircraft[a].crews > 0 ? s->aircraft[a].crews : 0);
    c->n_crews = c->off[s->n_aircraft];
    c->free_at = calloc(c->n_crews + 1, sizeof *c->free_at);
    c->state = calloc(c->n_crews + 1, sizeof *c->state);
    c->state_of = calloc(s->n_aircraft + 1, sizeof *c->state_of);
    c->out_off = calloc(c->n_crews + 1, sizeof *c->out_off);
    c->held = malloc((2 * n_flights + 1) * sizeof *c->held);
    c->duty_from = calloc(n_flights + 1, sizeof *c->duty_from);
    if (!c->free_at || !c->state || !c->state_of || !c->out_off || !c->held || !c->duty_from)
        goto fail;
    for (size_t a = 0; a < s->n_aircraft; a++)
        c->state_of[a] = s->aircraft[a].crews >= 0 ? c->state + c->off[a] : NULL;
    for (size_t i = 0; i < 2 * n_flights; i++)
        c->held[i] = -1;
    return c;
fail:
    dd__sim_crews_free(c);
    return NULL;
}

void dd__sim_crews_free(dd__sim_crews *c)
{
    if (!c)
        return;
    free(c->off);
    free(c->free_at);
    free(c->state);
    free((void *)c->state_of);
    free(c->out_off);
    free(c->out);
    free(c->held);
    free(c->duty_from);
    free(c);
}

/* The fall-out process of type a's crews: its own, else the section's. */
static void rate_of(const dd_scenario *s, size_t a, double *rate, const dd_dist **dur)
{
    const dd_disruptions *dz = &s->disruptions;
    *rate = 0;
    *dur = &dz->crew_duration;
    if (!dz->present)
        return;
    const dd_aircraft_disruption *ad = dz->aircraft ? &dz->aircraft[a] : NULL;
    if (ad && ad->crew_rate >= 0) {
        *rate = ad->crew_rate;
        *dur = &ad->crew_duration;
    } else {
        *rate = dz->crew_rate;
    }
}

dd_status dd__sim_crews_reset(dd__sim_crews *c, const dd_scenario *s, size_t n_flights,
                              dd_rng *rng, dd_time horizon)
{
    for (size_t k = 0; k < c->n_crews; k++)
        c->free_at[k] = INT64_MIN / 4;
    for (size_t i = 0; i < 2 * n_flights; i++)
        c->held[i] = -1;
    size_t n = 0;
    for (size_t a = 0; a < c->n_types; a++) {
        double rate;
        const dd_dist *dur;
        rate_of(s, a, &rate, &dur);
        for (size_t k = c->off[a]; k < c->off[a + 1]; k++) {
            c->out_off[k] = n;
            for (;;) { /* room for the most one crew may draw */
                if (n + DD__SIM_MAX_WINDOWS <= c->cap_out)
                    break;
                size_t cap = c->cap_out ? 2 * c->cap_out : 4 * DD__SIM_MAX_WINDOWS;
                dd__sim_window *v = realloc(c->out, cap * sizeof *v);
                if (!v) { /* none fall out */
                    memset(c->out_off, 0, (c->n_crews + 1) * sizeof *c->out_off);
                    return DD_ENOMEM;
                }
                c->out = v;
                c->cap_out = cap;
            }
            n += dd__sim_windows(rng, rate, dur, horizon, c->out + n, DD__SIM_MAX_WINDOWS);
        }
    }
    c->out_off[c->n_crews] = n;
    return DD_OK;
}

/* The first time from t on when crew k is rested and not fallen out
 * (its fall-outs are in time order of their start). */
static dd_time avail_from(const dd__sim_crews *c, size_t k, dd_time t)
{
    if (c->free_at[k] > t)
        t = c->free_at[k];
    for (size_t i = c->out_off[k]; i < c->out_off[k + 1]; i++)
        if (c->out[i].from <= t && t < c->out[i].to)
            t = c->out[i].to;
    return t;
}

/* The longest duty `n` crews may fly (n = 2: an augmented crew). */
static dd_time duty_limit(const dd_aircraft *ac, int32_t n)
{
    return n >= 2 && ac->crew_duty_augmented > 0 ? ac->crew_duty_augmented : ac->crew_duty;
}

/* Let go of the crews flight f holds: they rest from t. */
static void release(dd__sim_crews *c, const dd_scenario *s, size_t f, int32_t a, dd_time t)
{
    for (int j = 0; j < 2; j++) {
        int32_t k = c->held[2 * f + (size_t)j];
        if (k >= 0)
            c->free_at[c->off[a] + (size_t)k] = t + s->aircraft[a].crew_rest;
        c->held[2 * f + (size_t)j] = -1;
    }
}

int32_t dd__sim_crews_pick(dd__sim_crews *c, const dd_scenario *s, size_t f, int32_t a,
                           dd_time t, dd_time start, dd_time end, int32_t pick[2],
                           dd_time *next)
{
    const dd_aircraft *ac = &s->aircraft[a];
    pick[0] = pick[1] = -1;
    *next = DD_TIME_NONE;
    if (ac->crews < 0)
        return 0;
    int32_t kept = (c->held[2 * f] >= 0) + (c->held[2 * f + 1] >= 0);
    if (kept > 0) {
        if (end - c->duty_from[f] <= duty_limit(ac, kept)) {
            pick[0] = c->held[2 * f];
            pick[1] = c->held[2 * f + 1];
            return kept;
        }
        release(c, s, f, a, t); /* past their duty day: relieved now, they rest */
    }
    int32_t need = dd_aircraft_crews_for(ac, end - start);
    if (need < 1) /* past its duty days (a farther hub): the most it may take */
        need = ac->crews >= 2 ? 2 : 1;
    if (need > ac->crews) {
        *next = INT64_MAX;
        return -1;
    }
    /* the first rested crews in their order, so that no draw is needed */
    int32_t got = 0;
    dd_time soon[2] = {INT64_MAX, INT64_MAX};
    for (size_t k = c->off[a]; k < c->off[a + 1] && got < need; k++) {
        dd_time at = avail_from(c, k, start);
        if (at == start) {
            pick[got++] = (int32_t)(k - c->off[a]);
        } else if (at < soon[0]) {
            soon[1] = soon[0];
            soon[0] = at;
        } else if (at < soon[1]) {
            soon[1] = at;
        }
    }
    if (got == need)
        return need;
    *next = soon[need - got - 1]; /* when the crews still needed are free */
    pick[0] = pick[1] = -1;
    return -1;
}

void dd__sim_crews_release(dd__sim_crews *c, const dd_scenario *s, size_t f, int32_t a,
                           dd_time t)
{
    if (c->held[2 * f] >= 0 || c->held[2 * f + 1] >= 0)
        release(c, s, f, a, t);
}

void dd__sim_crews_take(dd__sim_crews *c, const dd_scenario *s, size_t f, int32_t a,
                        const int32_t pick[2], dd_time start, dd_time t, dd_time end,
                        bool aborted)
{
    const dd_aircraft *ac = &s->aircraft[a];
    if (ac->crews < 0)
        return;
    bool same = pick[0] == c->held[2 * f] && pick[1] == c->held[2 * f + 1];
    if (!same) {
        release(c, s, f, a, t); /* relieved: their duty ended now */
        c->duty_from[f] = start;
    }
    for (int j = 0; j < 2; j++) {
        int32_t k = pick[j];
        c->held[2 * f + (size_t)j] = aborted ? k : -1;
        if (k >= 0) /* held by the aircraft, or resting after the flight */
            c->free_at[c->off[a] + (size_t)k] = aborted ? INT64_MAX / 4 : end + ac->crew_rest;
    }
}

const dd_time *const *dd__sim_crews_state(dd__sim_crews *c, dd_time now, bool *out_now)
{
    *out_now = false;
    if (c->n_crews == 0)
        return NULL;
    for (size_t k = 0; k < c->n_crews; k++) {
        /* a crew held by an aborted aircraft is on duty with it: the
         * re-plan places that sortie again and may give it to the sortie */
        dd_time t = c->free_at[k] >= INT64_MAX / 8 ? now : c->free_at[k];
        for (size_t i = c->out_off[k]; i < c->out_off[k + 1]; i++)
            if (c->out[i].from <= now && now < c->out[i].to) {
                *out_now = true;
                if (c->out[i].to > t)
                    t = c->out[i].to;
            }
        c->state[k] = t;
    }
    return c->state_of;
}
