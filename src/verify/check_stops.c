/* SPDX-License-Identifier: MIT */
/*
 * En-route fuel stops (docs/verify.md, kind `stop`; issue 18): a sortie
 * whose plan-file entry has a `stop` lands at that stop on its way to its
 * destination, stays on the ground there at least the stop's ground time
 * (its own, else the type's), and takes off again, landing and taking off
 * inside the stop's operating hours; at every instant the aircraft on a
 * stop's ground are at most the stop's MOG. A sortie may land at two
 * stops in turn (a chain), each checked so.
 *
 * The other checks see the stop too: each hop's flight time (kind
 * `itinerary`, check_air.c), the weight aboard against the smaller of the
 * two hops' cabin loads (kind `stop`, check_load.c), and the clearance of
 * the stop's country as an overflight (its lead time and daily cap, kind
 * `overflight`, check_hub.c). Crew duty and utilisation run from
 * departure to block-in at the destination, the stop included.
 */
#include <stdio.h>
#include <stdlib.h>

#include "verify/verify_int.h"

/* One landing of a sortie at a stop: which, when, where in the file. */
typedef struct visit {
    int32_t stop;
    dd_time arr, dep;
    uint32_t line, col;
} visit;

/* Sortie x's visit i (0: its first stop, 1: its second); false when it
 * has no such stop. */
static bool visit_of(const vsortie *x, int i, visit *v)
{
    if (i == 0 && x->stop >= 0)
        *v = (visit){x->stop, x->stop_arr, x->stop_dep, x->stop_line, x->stop_col};
    else if (i == 1 && x->stop >= 0 && x->stop2 >= 0)
        *v = (visit){x->stop2, x->stop2_arr, x->stop2_dep, x->stop2_line, x->stop2_col};
    else
        return false;
    return true;
}

typedef struct stop_ctx {
    int32_t k;
} stop_ctx;

static void stop_over(vctx *c, const void *ctx, dd_time at, int64_t busy, int32_t sortie)
{
    int32_t k = ((const stop_ctx *)ctx)->k;
    const dd_stop *st = &c->s->stops[k];
    const vsortie *x = &c->p->sorties[sortie];
    visit v = {k, 0, 0, x->stop_line, x->stop_col};
    if (!visit_of(x, 1, &v) || v.stop != k)
        (void)visit_of(x, 0, &v);
    char when[32];
    dd__vf_time(c, at, when, sizeof when);
    dd__vf_add(c, DD_V_STOP, T_NONE, x->id, NULL, x->site, dd_scenario_day(c->s, at), v.line,
               v.col,
               "stop %s at %s: %lld aircraft on the ground (sortie %lld lands); the stop's MOG "
               "is %d",
               st->id, when, (long long)busy, (long long)x->id, st->mog);
}

static void check_ramp(vctx *c, int32_t k, vev *ev)
{
    const vplan *p = c->p;
    size_t n = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        visit v;
        for (int j = 0; visit_of(&p->sorties[i], j, &v); j++) {
            if (v.stop != k)
                continue;
            dd_time to = v.dep > v.arr ? v.dep : v.arr + 1;
            ev[n++] = (vev){v.arr, 1, (int32_t)i};
            ev[n++] = (vev){to, -1, (int32_t)i};
        }
    }
    stop_ctx sc = {k};
    dd__vf_sweep(c, ev, n, c->s->stops[k].mog, stop_over, &sc);
}

static void check_ground(vctx *c, const vsortie *x, const visit *v)
{
    const dd_stop *st = &c->s->stops[v->stop];
    const dd_aircraft *t = &c->s->aircraft[x->type];
    dd_time need = st->ground_time >= 0 ? st->ground_time : t->ground_time;
    if (v->dep - v->arr >= need)
        return;
    char u[32], w[32];
    dd__vf_dur(v->dep - v->arr, u, sizeof u);
    dd__vf_dur(need, w, sizeof w);
    dd__vf_add(c, DD_V_STOP, T_NONE, x->id, NULL, x->site, -1, v->line, v->col,
               "sortie %lld: %s on the ground at stop %s; it needs %s", (long long)x->id, u,
               st->id, w);
}

/* Landing at the stop and taking off again inside its operating hours
 * (local time at the stop). */
static void check_hours(vctx *c, const vsortie *x, const visit *v, dd_time t, const char *verb)
{
    const dd_stop *st = &c->s->stops[v->stop];
    if (dd__vf_in_hours(st->hours, dd__vf_local_mod(c->s, t, st->tz_offset)))
        return;
    char hm[8];
    dd__vf_local_hm(t, c->s, st->tz_offset, hm, sizeof hm);
    dd__vf_add(c, DD_V_STOP, T_NONE, x->id, NULL, x->site, -1, v->line, v->col,
               "sortie %lld %s stop %s at %s local, outside its operating hours "
               "%02d:%02d-%02d:%02d",
               (long long)x->id, verb, st->id, hm, st->hours.open / 60, st->hours.open % 60,
               st->hours.close / 60, st->hours.close % 60);
}

void dd__vf_check_stops(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    if (s->n_stops == 0 || p->n_sorties == 0)
        return;
    for (size_t i = 0; i < p->n_sorties; i++) {
        visit v;
        const vsortie *x = &p->sorties[i];
        for (int j = 0; visit_of(x, j, &v); j++) {
            c->fact = dd__vf_history(c, (int32_t)i, -1);
            check_ground(c, x, &v);
            check_hours(c, x, &v, v.arr, "lands at");
            check_hours(c, x, &v, v.dep, "takes off from");
            c->fact = false;
        }
    }
    vev *ev = malloc(4 * p->n_sorties * sizeof *ev);
    if (!ev) {
        c->oom = true;
        return;
    }
    for (size_t k = 0; k < s->n_stops; k++)
        if (s->stops[k].mog >= 0)
            check_ramp(c, (int32_t)k, ev);
    free(ev);
}
