/* SPDX-License-Identifier: MIT */
/*
 * Crews, utilisation and the routes' overflight clearances as the binding
 * limit (docs/plan.md): a site that
 * no type may serve within its crews' duty day or its tails' utilisation,
 * or, over the last week of the plan, a type whose crews were on duty or
 * resting, or whose tails flew their utilisation, most of the time. The
 * placement rules themselves are in place.c (the overflights' in
 * place_int.h and place_hub.c); the bound in bounds.c.
 */
#include <math.h>
#include <stdio.h>

#include "plan/plan_int.h"

/* Share of the busy limit at or above which a limit is named. */
#define BUSY_SHARE 0.85

static void dur(dd_time m, char *buf, size_t n)
{
    snprintf(buf, n, "%lldh %02lldm", (long long)(m / 60), (long long)(m % 60));
}

/* Why type t cannot fly from site x at all (its shortest sortie, ferried
 * from the nearest hub and back, is past its duty day or its utilisation),
 * written into buf; false when it can, or when the type may not use the
 * site for other reasons. */
static bool type_shut_out(const dd_scenario *s, const dd_aircraft *t, const dd_site *x,
                          dd_binding *why, char *buf, size_t n)
{
    if (!dd__type_uses_site(t, x) || dd_aircraft_tails_max(t) == 0)
        return false;
    dd_time fly = 2 * (dd_time)dd__flight_minutes(dd__nearest_hub_m(s, x), t->cruise_mps);
    dd_time duty = fly + t->ground_time;
    char a[32], b[32];
    if (dd_aircraft_crews_for(t, duty) < 1) {
        dur(duty, a, sizeof a);
        if (t->crew_duty_augmented >= duty) {
            dur(t->crew_duty, b, sizeof b);
            snprintf(buf, n,
                     "%s: a sortie from %s takes %s of crew duty, past its basic duty day of %s, "
                     "and an augmented crew takes two of its %d",
                     t->id, x->id, a, b, t->crews);
        } else {
            dur(t->crew_duty_augmented > 0 ? t->crew_duty_augmented : t->crew_duty, b, sizeof b);
            snprintf(buf, n,
                     "%s: a sortie from %s takes %s of crew duty, past its %s duty day of %s",
                     t->id, x->id, a, t->crew_duty_augmented > 0 ? "augmented" : "basic", b);
        }
        *why = DD_BIND_CREWS;
        return true;
    }
    if (t->utilisation > 0 && fly > t->utilisation * t->utilisation_days) {
        dur(fly, a, sizeof a);
        dur(t->utilisation, b, sizeof b);
        snprintf(buf, n, "%s: a sortie from %s flies %s, more than a tail's utilisation (%s a day)",
                 t->id, x->id, a, b);
        *why = DD_BIND_UTILISATION;
        return true;
    }
    return false;
}

/* A site with something left that every type able to use it is shut out
 * of by crews or utilisation. */
static bool shut_out(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    if (p->all_out)
        return false;
    for (size_t si = 0; si < s->n_sites; si++) {
        const dd_site *x = &s->sites[si];
        bool flown = false;
        for (size_t i = 0; i < p->n_sorties && !flown; i++)
            flown = p->sorties[i].site == (int32_t)si;
        if (flown)
            continue;
        size_t usable = 0, shut = 0;
        dd_binding why = DD_BIND_CREWS;
        char buf[200] = "";
        for (size_t a = 0; a < s->n_aircraft; a++) {
            const dd_aircraft *t = &s->aircraft[a];
            if (!dd__type_uses_site(t, x) || dd_aircraft_tails_max(t) == 0)
                continue;
            usable++;
            char one[200];
            dd_binding w;
            if (type_shut_out(s, t, x, &w, one, sizeof one)) {
                if (!shut++) {
                    snprintf(buf, sizeof buf, "%s", one);
                    why = w;
                }
            }
        }
        if (usable > 0 && shut == usable) {
            p->binding = why;
            snprintf(p->binding_detail, sizeof p->binding_detail, "%s no type can fly from %s (%s)",
                     why == DD_BIND_CREWS ? "crew duty:" : "utilisation:", x->id, buf);
            return true;
        }
    }
    return false;
}

static dd_time overlap(dd_time a0, dd_time a1, dd_time b0, dd_time b1)
{
    dd_time lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* Over the last week before the completion: a type's crews busy (duty
 * and rest) or its tails' flying against their utilisation. */
static bool busy_last_week(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    dd_time to = p->completion, from = to - 7 * (dd_time)DD_MINUTES_PER_DAY;
    if (from < 0)
        from = 0;
    if (to - from < DD_MINUTES_PER_DAY)
        return false;
    double days = (double)(to - from) / DD_MINUTES_PER_DAY;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        const dd_aircraft *t = &s->aircraft[a];
        if (t->crews < 0 && t->utilisation <= 0)
            continue;
        double crew_busy = 0, flown = 0;
        int32_t tails = 0;
        for (size_t i = 0; i < p->n_sorties; i++) {
            const dd_sortie *so = &p->sorties[i];
            if (so->aircraft != (int32_t)a)
                continue;
            int32_t need = dd_aircraft_crews_for(t, so->arrival - so->ferry_departure);
            crew_busy += (double)(need > 0 ? need : 2) *
                         (double)overlap(so->ferry_departure, so->arrival + t->crew_rest, from, to);
            if (so->departure >= from && so->departure < to)
                flown += (double)((so->arrival - so->departure) +
                                  (so->arrival_at_site - so->ferry_departure));
        }
        tails = dd_aircraft_tails_at(t, from);
        if (t->crews > 0) {
            double share = crew_busy / ((double)t->crews * (double)(to - from));
            if (share >= BUSY_SHARE) {
                p->binding = DD_BIND_CREWS;
                snprintf(p->binding_detail, sizeof p->binding_detail,
                         "crews of %s: %d crew%s on duty or resting %.0f%% of the last %.0f days",
                         t->id, t->crews, t->crews == 1 ? "" : "s",
                         share > 1 ? 100.0 : 100 * share, days);
                return true;
            }
        }
        if (t->utilisation > 0 && tails > 0) {
            double share = flown / ((double)tails * (double)t->utilisation * days);
            if (share >= BUSY_SHARE) {
                char r[32];
                dur(t->utilisation, r, sizeof r);
                p->binding = DD_BIND_UTILISATION;
                snprintf(p->binding_detail, sizeof p->binding_detail,
                         "utilisation of %s: its %d tail%s flew %.0f%% of %s a day over the last "
                         "%.0f days",
                         t->id, tails, tails == 1 ? "" : "s", share > 1 ? 100.0 : 100 * share, r,
                         days);
                return true;
            }
        }
    }
    return false;
}

bool dd__crew_shut_out(dd_plan *p)
{
    return shut_out(p);
}

bool dd__crew_busy(dd_plan *p)
{
    return p->n_sorties > 0 && p->completion != DD_TIME_NONE && busy_last_week(p);
}

bool dd__overflight_full(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    const dd_clearance_terms *ct = &s->agreement.clearance;
    if (p->n_sorties == 0 || p->completion == DD_TIME_NONE)
        return false;
    int32_t last = dd_scenario_day(s, p->completion);
    for (size_t k = 0; k < ct->n_overflight; k++) {
        const dd_overflight *o = &ct->overflight[k];
        if (o->daily_cap <= 0)
            continue;
        int32_t full = 0, days = 0;
        for (int32_t d = last - 6; d <= last; d++) {
            if (d < 0)
                continue;
            int32_t n = 0;
            for (size_t i = 0; i < p->n_sorties; i++) {
                const dd_sortie *so = &p->sorties[i];
                if (dd_scenario_day(s, so->departure) == d &&
                    (dd__hub_crosses(s, so->hub, (int32_t)k) ||
                     dd__hub_crosses(s, so->ferry_from, (int32_t)k)))
                    n++;
            }
            days++;
            full += n >= o->daily_cap;
        }
        if (days > 0 && full * 2 >= days) {
            p->binding = DD_BIND_OVERFLIGHT;
            snprintf(p->binding_detail, sizeof p->binding_detail,
                     "overflight clearances of %s: %d a day, full on %d of the last %d days",
                     o->country, o->daily_cap, full, days);
            return true;
        }
    }
    return false;
}

/* The hubs' people a day: only when every hub that takes people has a
 * limit (one without takes what the others cannot), and they took all of
 * it, together, on at least half of the last week's days of landing. */
bool dd__hub_full(dd_plan *p, const dd__terms *terms)
{
    const dd_scenario *s = p->scenario;
    if (p->n_sorties == 0 || p->completion == DD_TIME_NONE || s->n_hubs == 0)
        return false;
    int64_t cap = 0;
    int32_t named = -1;
    for (size_t h = 0; h < s->n_hubs; h++) {
        if (terms->hub_people[h] < 0)
            return false;
        cap += terms->hub_people[h];
        if (terms->hub_people[h] > 0)
            named = named < 0 ? (int32_t)h : -2;
    }
    if (cap <= 0)
        return false;
    int32_t last = dd_scenario_day(s, p->completion);
    int32_t full = 0, days = 0;
    for (int32_t d = last - 6; d <= last; d++) {
        if (d < 0)
            continue;
        int64_t n = 0;
        for (size_t i = 0; i < p->n_sorties; i++)
            if (dd_scenario_day(s, p->sorties[i].arrival) == d)
                for (size_t k = 0; k < p->sorties[i].n_pax; k++)
                    n += p->sorties[i].pax[k].count;
        days++;
        full += n >= cap;
    }
    if (days == 0 || full * 2 < days)
        return false;
    p->binding = DD_BIND_HUB_PEOPLE;
    if (named >= 0)
        snprintf(p->binding_detail, sizeof p->binding_detail,
                 "hub throughput: %s takes %lld people a day, full on %d of the last %d days",
                 s->hubs[named].id, (long long)cap, full, days);
    else
        snprintf(p->binding_detail, sizeof p->binding_detail,
                 "hub throughput: the hubs take %lld people a day in all, full on %d of the "
                 "last %d days",
                 (long long)cap, full, days);
    return true;
}
