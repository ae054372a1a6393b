/* SPDX-License-Identifier: MIT */
/*
 * The contents of a clearance request (issue 18): call sign, route,
 * passengers, hazard classes and weapons, the overflight clearances of the
 * countries on its routes, worked out from the sortie it
 * clears, for the plan file, the clearance calendar and the CSV export.
 * The verifier recomputes them on its own from the plan file's sorties.
 */
#include <stdio.h>
#include <string.h>

#include "plan/plan_int.h"

static uint32_t hazard_bit(const dd_scenario *s, int32_t cargo)
{
    int32_t h = s->cargo[cargo].hazard;
    return h >= 0 && h < 32 ? (uint32_t)1 << h : 0;
}

bool dd__hub_crosses(const dd_scenario *s, int32_t hub, int32_t k)
{
    if (hub < 0 || (size_t)hub >= s->n_hubs)
        return false;
    for (size_t i = 0; i < s->hubs[hub].n_overflies; i++)
        if (s->hubs[hub].overflies[i] == k)
            return true;
    return false;
}

void dd__clearance_route(const dd_clearance_info *ci, char *buf, size_t size)
{
    if (ci->stop_icao && *ci->stop_icao && ci->stop2_icao && *ci->stop2_icao)
        snprintf(buf, size, "%s-%s-%s-%s", ci->from_icao, ci->stop_icao, ci->stop2_icao,
                 ci->to_icao);
    else if (ci->stop_icao && *ci->stop_icao)
        snprintf(buf, size, "%s-%s-%s", ci->from_icao, ci->stop_icao, ci->to_icao);
    else
        snprintf(buf, size, "%s-%s", ci->from_icao, ci->to_icao);
}

const char *dd__sortie_to(const dd_scenario *s, const dd_sortie *so)
{
    return so->kind == DD_SORTIE_LEG ? s->sites[so->to_site].id : s->hubs[so->hub].id;
}

bool dd__all_routes_cross(const dd_scenario *s, int32_t k)
{
    for (size_t h = 0; h < s->n_hubs; h++)
        if (!dd__hub_crosses(s, (int32_t)h, k))
            return false;
    return s->n_hubs > 0;
}

void dd_plan_clearance_info(const dd_plan *p, size_t i, dd_clearance_info *out)
{
    const dd_scenario *s = p->scenario;
    const dd_clearance_req *c = &p->clearances[i];
    const dd_sortie *x = &p->sorties[c->sortie];
    const dd_aircraft *ac = &s->aircraft[x->aircraft];
    memset(out, 0, sizeof *out);
    const char *prefix = ac->call_sign && *ac->call_sign ? ac->call_sign : ac->id;
    snprintf(out->call_sign, sizeof out->call_sign, "%.7s%03d", prefix, c->sortie + 1);
    out->from_icao = s->sites[x->site].icao;
    out->to_icao = x->kind == DD_SORTIE_LEG ? s->sites[x->to_site].icao
                   : x->hub >= 0 && (size_t)x->hub < s->n_hubs ? s->hubs[x->hub].icao
                                                                : "";
    out->stop_icao = x->stop > 0 && (size_t)x->stop <= s->n_stops ? s->stops[x->stop - 1].icao : "";
    out->stop2_icao =
        x->stop2 > 0 && (size_t)x->stop2 <= s->n_stops ? s->stops[x->stop2 - 1].icao : "";
    /* the routes its own; what it carries: an onward sortie its leg's */
    const dd_sortie *so = x->kind == DD_SORTIE_ONWARD ? &p->sorties[x->link] : x;
    for (size_t k = 0; k < so->n_pax; k++) {
        out->passengers += so->pax[k].count;
        if (so->pax[k].count > 0 && s->people[so->pax[k].people].role == DD_ROLE_SECURITY)
            out->weapons = true;
    }
    const dd_clearance_terms *ct = &s->agreement.clearance;
    for (size_t k = 0; k < ct->n_overflight && out->n_overflight < 16; k++)
        if (dd__hub_crosses(s, x->hub, (int32_t)k) || dd__hub_crosses(s, x->ferry_from, (int32_t)k) ||
            (x->stop > 0 && s->stops[x->stop - 1].country == (int32_t)k) ||
            (x->stop2 > 0 && s->stops[x->stop2 - 1].country == (int32_t)k)) {
            out->overflight[out->n_overflight] = (int32_t)k;
            out->overflight_file_by[out->n_overflight++] =
                x->departure - ct->overflight[k].lead_time;
        }
    const dd_load *l = so->load >= 0 && p->loads ? &p->loads->loads[so->load] : NULL;
    for (size_t k = 0; l && k < l->n_items; k++) {
        const dd_load_item *it = &l->items[k];
        if (it->kind == DD_LI_BULKY) {
            out->hazards |= hazard_bit(s, it->ref);
        } else if (it->kind == DD_LI_PALLET) {
            const dd_pallet *pl = &p->loads->pallets[it->ref];
            for (size_t q = 0; q < pl->n_pieces; q++)
                out->hazards |= hazard_bit(s, pl->pieces[q].cargo);
        }
    }
}
