/* SPDX-License-Identifier: MIT */
/*
 * Legs inside the country (docs/verify.md, kind `leg`; issue 18): a site
 * with `via` sends its cargo and people to the via site by air, and they
 * leave the country from there. In the plan file a leg is a sortie with
 * `to_site`; its onward sortie names it (`leg`), leaves from the site the
 * leg landed at, on the same tail, which has stayed on the ground there
 * since the leg's landing, and carries what the leg carried, out of the
 * country, no earlier than the landing plus the remote site's
 * via_transfer and within the cabin load for its own distance.
 *
 * A sortie of a site with `via` that flies out of the country from the
 * site itself breaks it too (commercial seats the scenario gives the site
 * are its own).
 *
 * The other checks see a leg as a sortie of its remote site (its ramp,
 * hours, clearance, what it carries, the site's closure) and the onward
 * sortie as one of the via site (its ramp from the leg's landing, hours,
 * clearance, the destination's ramp and people); what a leg carries
 * leaves the country at its onward sortie's departure (dd__vf_out_time).
 * Crews: a leg and its onward sortie are one duty.
 */
#include <stdio.h>
#include <string.h>

#include "verify/verify_int.h"

dd_time dd__vf_out_time(const vplan *p, const vsortie *x)
{
    return x->onward >= 0 ? p->sorties[x->onward].dep : x->dep;
}

void dd__vf_dest_pos(const dd_scenario *s, const vsortie *x, double *lat, double *lon,
                     const char **id, const char **icao)
{
    if (x->to_site >= 0) {
        const dd_site *v = &s->sites[x->to_site];
        *lat = v->lat, *lon = v->lon, *id = v->id, *icao = v->icao;
    } else {
        const dd_hub *h = &s->hubs[x->dest];
        *lat = h->lat, *lon = h->lon, *id = h->id, *icao = h->icao;
    }
}

/* A leg flies to its site's via site and goes on. */
static void check_leg_route(vctx *c, const vsortie *l)
{
    const dd_scenario *s = c->s;
    const dd_site *r = &s->sites[l->site], *to = &s->sites[l->to_site];
    long long lid = (long long)l->id;
    if (r->via != l->to_site) {
        if (r->via < 0)
            dd__vf_add(c, DD_V_LEG, T_NONE, l->id, NULL, l->site, -1, l->line, l->col,
                       "sortie %lld flies a leg from %s to %s, but %s leaves the country from "
                       "itself (it has no via)",
                       lid, r->id, to->id, r->id);
        else
            dd__vf_add(c, DD_V_LEG, T_NONE, l->id, NULL, l->site, -1, l->line, l->col,
                       "sortie %lld flies a leg from %s to %s, but %s leaves through %s", lid,
                       r->id, to->id, r->id, s->sites[r->via].id);
    }
    if (l->onward < 0)
        dd__vf_add(c, DD_V_LEG, T_NONE, l->id, NULL, l->site, -1, l->line, l->col,
                   "sortie %lld: the leg from %s to %s has no onward sortie: what it carries "
                   "never leaves the country",
                   lid, r->id, to->id);
}

/* An onward sortie continues its leg: same place, same tail, on the
 * ground from the landing, the transfer done before it leaves, and the
 * leg's weight within its own cabin load (through en-route fuel stops, the
 * smallest of its hops'). */
static void check_onward(vctx *c, const vsortie *o)
{
    const dd_scenario *s = c->s;
    const vsortie *l = &c->p->sorties[o->leg];
    const dd_site *r = &s->sites[l->site];
    long long oid = (long long)o->id, lid = (long long)l->id;
    char a[32], b[32], u[32];
    /* both recorded as flown (a re-plan's history): a fact, not a
     * violation */
    c->fact = dd__vf_history(c, (int32_t)(o - c->p->sorties), o->leg);
    if (o->site != l->to_site) {
        dd__vf_add(c, DD_V_LEG, T_NONE, o->id, NULL, o->site, -1, o->line, o->col,
                   "sortie %lld continues leg %lld from %s, but the leg lands at %s", oid, lid,
                   s->sites[o->site].id, s->sites[l->to_site].id);
        c->fact = false;
        return;
    }
    if (o->type != l->type || o->tail != l->tail)
        dd__vf_add(c, DD_V_LEG, T_NONE, o->id, NULL, o->site, -1, o->line, o->col,
                   "sortie %lld continues leg %lld on %s tail %lld, but the leg flew %s tail "
                   "%lld",
                   oid, lid, s->aircraft[o->type].id, (long long)o->tail,
                   s->aircraft[l->type].id, (long long)l->tail);
    if (o->at_site != l->arr) {
        dd__vf_time(c, o->at_site, a, sizeof a);
        dd__vf_time(c, l->arr, b, sizeof b);
        dd__vf_add(c, DD_V_LEG, T_NONE, o->id, NULL, o->site, -1, o->line, o->col,
                   "sortie %lld: on the ground at %s from %s, but leg %lld lands there at %s",
                   oid, s->sites[o->site].id, a, lid, b);
    }
    if (o->dep < l->arr + r->via_transfer) {
        dd__vf_time(c, o->dep, a, sizeof a);
        dd__vf_time(c, l->arr, b, sizeof b);
        dd__vf_dur(r->via_transfer, u, sizeof u);
        dd__vf_add(c, DD_V_LEG, T_NONE, o->id, NULL, o->site, dd_scenario_day(s, o->dep), o->line,
                   o->col,
                   "sortie %lld leaves %s at %s, before leg %lld's landing at %s plus %s's "
                   "via_transfer of %s",
                   oid, s->sites[o->site].id, a, lid, b, r->id, u);
    }
    c->fact = false;
    const dd_site *v = &s->sites[o->site];
    const dd_hub *h = &s->hubs[o->dest];
    double dist = dd__vf_distance(v->lat, v->lon, h->lat, h->lon);
    double acl = dd__vf_acl(&s->aircraft[o->type], dist);
    if (o->stop >= 0) { /* through en-route fuel stops: the smallest hop's */
        char hop[96];
        acl = dd__vf_hops_acl(c, o, h->lat, h->lon, &dist, hop, sizeof hop);
        if (l->weight_kg > acl + VF_EPS)
            dd__vf_add(c, DD_V_STOP, T_NONE, o->id, NULL, o->site, -1, o->stop_line,
                       o->stop_col,
                       "sortie %lld: leg %lld's %.1f kg aboard, above the %s's cabin load of "
                       "%.1f kg for its %.0f km hop %s",
                       oid, lid, l->weight_kg, s->aircraft[o->type].id, acl, dist / 1000, hop);
    } else if (l->weight_kg > acl + VF_EPS)
        dd__vf_add(c, DD_V_LOAD, T_NONE, o->id, NULL, o->site, -1, o->line, o->col,
                   "sortie %lld: leg %lld's %.1f kg aboard, above the %s's cabin load of %.1f kg "
                   "for %.0f km",
                   oid, lid, l->weight_kg, s->aircraft[o->type].id, acl, dist / 1000);
}

void dd__vf_check_legs(vctx *c)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        const dd_site *r = &s->sites[x->site];
        if (x->to_site >= 0)
            check_leg_route(c, x);
        else if (x->leg >= 0)
            check_onward(c, x);
        else if (r->via >= 0)
            dd__vf_add(c, DD_V_LEG, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                       "sortie %lld leaves the country from %s, which leaves through %s (a leg "
                       "to_site %s and an onward sortie)",
                       (long long)x->id, r->id, s->sites[r->via].id, s->sites[r->via].id);
    }
}
