/* SPDX-License-Identifier: MIT */
/*
 * Crews and utilisation (docs/verify.md, kinds `crew` and `utilisation`),
 * re-derived from the scenario's aircraft types and the sorties' stated
 * times alone.
 *
 * Crews: a sortie's crew is on duty from its ferry's take-off to block-in
 * at its destination (a leg inside the country's and its onward sortie's
 * is one duty, or two when the crew rests at the via site between them); a duty longer than the type's basic duty day takes
 * an augmented crew, which counts as two, and one longer than the
 * augmented duty day (or any longer one without it) cannot be flown. After
 * its duty a crew rests. The plan names no crews: a plan complies when
 * some assignment exists, which for intervals is when, at every instant,
 * the crews on duty or resting are at most the type's crews (intervals
 * form a perfect graph: the largest clique, weighted by crews, is what a
 * greedy assignment in start order needs). A sweep over the starts and
 * ends checks that.
 *
 * Utilisation: per tail, the flying minutes of its sorties (both legs),
 * counted on the host-country day each leaves its site, over any run of
 * the window's days, at most window × the daily rate.
 */
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

/* In time; at one instant, an interval that ends frees its weight first. */
static const dd__key by_time[] = {DD__KEY(vev, t), DD__KEY_BY(vev, delta, DD__NEG_FIRST),
                                  DD__KEY(vev, sortie), DD__KEY_END};

void dd__vf_sweep(vctx *c, vev *ev, size_t n, int64_t cap,
                  void (*over)(vctx *c, const void *ctx, dd_time at, int64_t busy,
                               int32_t sortie),
                  const void *ctx)
{
    dd__vf_sort(c, ev, n, sizeof *ev, by_time);
    /* the weight on, that of planned sorties in it, and the episode over
     * cap: 0 none, 1 reported as a fact of the recorded history (all of
     * it recorded sorties), 2 as a violation (again, once a planned sortie
     * is in an episode of history) */
    int64_t busy = 0, planned = 0;
    int was = 0;
    for (size_t e = 0; e < n;) {
        dd_time at = ev[e].t;
        int32_t trigger = -1;
        for (; e < n && ev[e].t == at; e++) {
            busy += ev[e].delta;
            if (ev[e].sortie >= 0 && !c->p->sorties[ev[e].sortie].recorded)
                planned += ev[e].delta;
            if (ev[e].delta > 0)
                trigger = ev[e].sortie;
        }
        int now = busy <= cap ? 0 : planned == 0 && busy > 0 ? 1 : 2;
        if (now > was && trigger >= 0) {
            c->fact = now == 1;
            over(c, ctx, at, busy, trigger);
            c->fact = false;
        }
        was = now > was ? now : now ? was : 0;
    }
}

/* Crews a duty of `duty` minutes takes on type t: 1, 2 (augmented) or 0
 * (none may fly it). */
static int32_t crews_for(const dd_aircraft *t, dd_time duty)
{
    if (duty <= t->crew_duty)
        return 1;
    if (t->crew_duty_augmented > 0 && duty <= t->crew_duty_augmented)
        return 2;
    return 0;
}

static void crews_over(vctx *c, const void *ctx, dd_time at, int64_t busy, int32_t sortie)
{
    const dd_aircraft *t = ctx;
    const vsortie *x = &c->p->sorties[sortie];
    char when[32], w[32];
    dd__vf_time(c, at, when, sizeof when);
    dd__vf_dur(t->crew_rest, w, sizeof w);
    dd__vf_add(c, DD_V_CREW, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
               "sortie %lld: at %s the %s needs %lld crews on duty or resting (%s after each "
               "duty); the type has %d",
               (long long)x->id, when, t->id, (long long)busy, w, t->crews);
}

/* One duty of type t's crews from `start` to block-in `end` (of sortie
 * i, or of leg i's onward sortie when `onward`) into ev: its crews, and
 * a duty too long for any. */
static void add_duty(vctx *c, const dd_aircraft *t, int32_t i, dd_time start, dd_time end,
                     bool onward, vev *ev, size_t *n)
{
    const vsortie *x = &c->p->sorties[i];
    char u[32], w[32];
    dd_time duty = end - start;
    int32_t need = crews_for(t, duty);
    if (need == 0) {
        c->fact = dd__vf_history(c, i, -1); /* a recorded duty: history */
        dd__vf_dur(duty, u, sizeof u);
        dd__vf_dur(t->crew_duty_augmented > 0 ? t->crew_duty_augmented : t->crew_duty, w,
                   sizeof w);
        dd__vf_add(c, DD_V_CREW, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld: the %s crew is on duty %s (%s), longer than its %s duty "
                   "day of %s",
                   (long long)x->id, t->id, u,
                   onward ? "ferry, ground time, the leg inside the country, transfer, "
                            "the onward leg"
                          : "ferry, ground time, leg",
                   t->crew_duty_augmented > 0 ? "augmented" : "basic", w);
        c->fact = false;
        need = 2; /* still takes a crew's time in the sweep */
    }
    dd_time rest_end = end + t->crew_rest;
    ev[(*n)++] = (vev){start, need, i};
    ev[(*n)++] = (vev){rest_end > start ? rest_end : start + 1, -need, i};
}

static void check_type_crews(vctx *c, int32_t type, vev *ev)
{
    const vplan *p = c->p;
    const dd_aircraft *t = &c->s->aircraft[type];
    size_t n = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        if (x->type != type || x->onward >= 0)
            continue; /* a leg's crew flies on with its onward sortie */
        if (x->leg < 0) {
            add_duty(c, t, (int32_t)i, x->ferry_dep, x->arr, false, ev, &n);
            continue;
        }
        /* a leg and its onward sortie: one duty, unless the aircraft
         * stands at the via site long enough for the crew to rest there
         * (a crew's rest and the ground time before the onward sortie) */
        const vsortie *l = &p->sorties[x->leg];
        if (x->dep - t->ground_time - l->arr >= t->crew_rest) {
            add_duty(c, t, x->leg, l->ferry_dep, l->arr, false, ev, &n);
            add_duty(c, t, (int32_t)i, x->dep - t->ground_time, x->arr, false, ev, &n);
        } else {
            add_duty(c, t, (int32_t)i, l->ferry_dep, x->arr, true, ev, &n);
        }
    }
    dd__vf_sweep(c, ev, n, t->crews, crews_over, t);
}

/* Flying minutes per tail and host day, and the windows over the rate. */
typedef struct fday {
    int64_t tail;
    int32_t day;
    int64_t minutes;
    int32_t sortie; /* the first of the day, for the message */
} fday;

static const dd__key by_tail_day[] = {DD__KEY(fday, tail), DD__KEY(fday, day),
                                      DD__KEY(fday, sortie), DD__KEY_END};

static void check_type_utilisation(vctx *c, int32_t type, fday *f)
{
    const vplan *p = c->p;
    const dd_aircraft *t = &c->s->aircraft[type];
    size_t n = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        if (x->type == type)
            f[n++] = (fday){x->tail, dd_scenario_day(c->s, x->dep),
                            (x->arr - x->dep) + (x->ferry_arr - x->ferry_dep), (int32_t)i};
    }
    dd__vf_sort(c, f, n, sizeof *f, by_tail_day);
    int64_t w = t->utilisation_days, cap = w * t->utilisation;
    char a[32], b[32], d0[16], d1[16];
    /* per tail: each day that holds a sortie ends a window; once one is
     * over, the next is looked for a window later */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && f[j].tail == f[i].tail)
            j++;
        int32_t next_ok = INT32_MIN;
        for (size_t e = i; e < j; e++) {
            int32_t end = f[e].day;
            if (e + 1 < j && f[e + 1].day == end)
                continue; /* the window ends with the day's last sortie */
            if (end < next_ok)
                continue;
            int64_t sum = 0;
            size_t first = e + 1;
            for (size_t k = i; k <= e; k++)
                if (f[k].day > end - w) {
                    sum += f[k].minutes;
                    if (first > k)
                        first = k;
                }
            if (sum <= cap)
                continue;
            const vsortie *x = &p->sorties[f[e].sortie];
            dd__vf_dur(sum, a, sizeof a);
            dd__vf_dur(cap, b, sizeof b);
            dd__vf_date(c, f[first].day, d0, sizeof d0);
            dd__vf_date(c, end, d1, sizeof d1);
            if (w == 1)
                dd__vf_add(c, DD_V_UTILISATION, T_NONE, x->id, NULL, x->site, end, x->line,
                           x->col, "%s tail %lld flies %s on %s; its utilisation is %s a day",
                           t->id, (long long)x->tail, a, d1, b);
            else {
                char r[32];
                dd__vf_dur(t->utilisation, r, sizeof r);
                dd__vf_add(c, DD_V_UTILISATION, T_NONE, x->id, NULL, x->site, end, x->line,
                           x->col,
                           "%s tail %lld flies %s from %s to %s; its utilisation allows %s in "
                           "%lld days (%s a day)",
                           t->id, (long long)x->tail, a, d0, d1, b, (long long)w, r);
            }
            next_ok = end + (int32_t)w;
        }
        i = j;
    }
}

void dd__vf_check_crews(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    bool any = false;
    for (size_t a = 0; a < s->n_aircraft; a++)
        any |= s->aircraft[a].crews >= 0 || s->aircraft[a].utilisation > 0;
    if (!any || p->n_sorties == 0)
        return;
    vev *ev = malloc(2 * p->n_sorties * sizeof *ev);
    fday *f = malloc(p->n_sorties * sizeof *f);
    if (!ev || !f) {
        free(ev);
        free(f);
        c->oom = true;
        return;
    }
    for (size_t a = 0; a < s->n_aircraft; a++) {
        if (s->aircraft[a].crews >= 0)
            check_type_crews(c, (int32_t)a, ev);
        if (s->aircraft[a].utilisation > 0)
            check_type_utilisation(c, (int32_t)a, f);
    }
    free(ev);
    free(f);
}
