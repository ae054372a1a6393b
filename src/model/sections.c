/* SPDX-License-Identifier: MIT */
/*
 * The scenario file's sections: version, units, agreement (with clearance,
 * security and personnel terms and milestones), hazard rules, sites,
 * aircraft, commercial capacity and the briefing; the airfields' order and
 * the network (phases, vias, destinations, stops) are in sections_net.c,
 * the field readers in lhelp.c. Each reader reports every problem it finds
 * with its field path, then goes on.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/loader.h"

#define PATH(buf, ...) snprintf(buf, sizeof buf, __VA_ARGS__)

static void load_units(dd_loader *L, dd_ynode *root)
{
    dd_scenario *s = L->s;
    dd_ynode *u = dd__get_map(L, root, "", "units", false);
    if (!u && dd__yget(root, "units"))
        L->units_failed = true; /* not a mapping: reported */
    s->display_weight = DD_UNIT_KG;
    s->display_length = DD_UNIT_M;
    L->weight_unit = "kg";
    L->length_unit = "m";
    if (u) {
        dd_ynode *w = dd__yget(u, "weight");
        if (w && dd__yexpect(L, w, DD_Y_SCALAR, "units.weight")) {
            static const struct { const char *n; dd_weight_unit u; } ws[] = {
                {"kg", DD_UNIT_KG}, {"lb", DD_UNIT_LB}, {"t", DD_UNIT_T},
                {"short ton", DD_UNIT_STON}};
            bool found = false;
            for (size_t i = 0; i < 4; i++)
                if (strcmp(w->text, ws[i].n) == 0) {
                    s->display_weight = ws[i].u;
                    L->weight_unit = ws[i].n;
                    found = true;
                }
            if (!found) {
                dd__lerr(L, w, "units.weight", "expected kg, lb, t or short ton, got '%s'",
                         w->text);
                L->units_failed = true;
            }
        } else if (w) {
            L->units_failed = true;
        }
        dd_ynode *l = dd__yget(u, "length");
        if (l && dd__yexpect(L, l, DD_Y_SCALAR, "units.length")) {
            static const struct { const char *n; dd_length_unit u; } ls[] = {
                {"m", DD_UNIT_M}, {"in", DD_UNIT_IN}, {"ft", DD_UNIT_FT}};
            bool found = false;
            for (size_t i = 0; i < 3; i++)
                if (strcmp(l->text, ls[i].n) == 0) {
                    s->display_length = ls[i].u;
                    L->length_unit = ls[i].n;
                    found = true;
                }
            if (!found) {
                dd__lerr(L, l, "units.length", "expected m, in or ft, got '%s'", l->text);
                L->units_failed = true;
            }
        } else if (l) {
            L->units_failed = true;
        }
        static const char *const known[] = {"weight", "length", NULL};
        dd__yunknown(L, u, "units", known);
    }
    s->passenger_kg = 400 * 0.45359237;
    dd__get_qty(L, root, "", "passenger_weight", DD_Q_WEIGHT, true, false, &s->passenger_kg);
}

static void load_milestones(dd_loader *L, dd_ynode *ag, dd_agreement *a)
{
    dd_ynode *list = dd__get_list(L, ag, "agreement", "milestones", false);
    if (!list)
        return;
    dd_milestone *ms = dd__alloc_n(L, list->n, sizeof *ms);
    if (!ms)
        return;
    L->milestone_at = dd__alloc_n(L, list->n, sizeof *L->milestone_at);
    if (!L->milestone_at)
        return;
    dd_idmap ids;
    if (dd__idmap_init(&ids, L->arena, list->n) != DD_OK) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < list->n; i++) {
        dd_ynode *m = list->items[i];
        char p[128];
        PATH(p, "agreement.milestones[%zu]", i);
        dd_milestone *x = &ms[i];
        x->site = -1;
        x->personnel_fraction = -1;
        x->cargo_fraction = -1;
        x->id = "";
        x->description = "";
        x->loc = (dd_loc){L->file, m->line, m->col};
        if (!dd__yexpect(L, m, DD_Y_MAP, p))
            continue;
        dd__get_id(L, m, p, &ids, (int32_t)i, "milestone", &x->id);
        dd__get_str(L, m, p, "description", false, &x->description);
        dd__get_time(L, m, p, "at", true, true, &x->at);
        L->milestone_at[i] = dd__yget(m, "at");
        const char *site;
        if (dd__get_str(L, m, p, "site", false, &site)) {
            int32_t si = dd__idmap_get(&L->sites, site);
            if (si < 0) {
                char fp[160];
                PATH(fp, "%s.site", p);
                const char *sug = dd__suggest(site, (const char *const *)NULL);
                (void)sug;
                dd__lerr(L, dd__yget(m, "site"), fp, "unknown site '%s'", site);
            }
            x->site = si;
        }
        dd__get_num(L, m, p, "personnel", 0, 1, false, &x->personnel_fraction);
        dd__get_num(L, m, p, "cargo", 0, 1, false, &x->cargo_fraction);
        if (x->personnel_fraction < 0 && x->cargo_fraction < 0 &&
            dd__yget(m, "personnel") == NULL && dd__yget(m, "cargo") == NULL)
            dd__lerr(L, m, p, "a milestone needs 'personnel' or 'cargo' (a share out, 0 to 1)");
        static const char *const known[] = {"id", "description", "at", "site", "personnel",
                                            "cargo", NULL};
        dd__yunknown(L, m, p, known);
    }
    a->milestones = ms;
    a->n_milestones = list->n;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The caps of the agreement's clearance terms or of a site: `daily_cap`,
 * `weekly_cap` and a schedule `caps: [{from, daily, weekly}]` (either the
 * schedule or the two single caps). A weekly cap alone is a schedule of one
 * step from always; `daily_cap` alone stays a plain daily cap (n_caps 0). */
static void load_caps(dd_loader *L, dd_ynode *m, const char *p, int32_t *daily_cap,
                      size_t *n_caps_out, const dd_cap_step **caps_out, int32_t *base_out)
{
    int32_t weekly = -1;
    *daily_cap = -1;
    *n_caps_out = 0;
    *caps_out = NULL;
    *base_out = -1;
    dd__get_int(L, m, p, "daily_cap", 0, 100000, false, daily_cap);
    dd__get_int(L, m, p, "weekly_cap", 0, 700000, false, &weekly);
    dd_ynode *cn = dd__yget(m, "caps");
    if (cn) {
        char cp[160];
        dd__field_path(cp, sizeof cp, p, "caps");
        if (!dd__yexpect(L, cn, DD_Y_SEQ, cp))
            return;
        if (dd__yget(m, "daily_cap") || dd__yget(m, "weekly_cap")) {
            dd__lerr(L, cn, cp, "give either caps or daily_cap and weekly_cap, not both");
            return;
        }
        if (cn->n == 0) {
            dd__lerr(L, cn, cp,
                     "give at least one step, e.g. [{from: 2024-06-07, daily: 2, weekly: 10}]");
            return;
        }
        dd_cap_step *v = dd__alloc_n(L, cn->n, sizeof *v);
        if (!v)
            return;
        int32_t top = 0;
        bool ok = true;
        for (size_t k = 0; k < cn->n; k++) {
            char ep[192];
            PATH(ep, "%s[%zu]", cp, k);
            dd_ynode *st = cn->items[k];
            v[k] = (dd_cap_step){0, -1, -1};
            if (!dd__yexpect(L, st, DD_Y_MAP, ep)) {
                ok = false;
                continue;
            }
            dd_time from = 0;
            if (dd__get_time(L, st, ep, "from", false, true, &from))
                v[k].day = dd_scenario_day(L->s, from);
            else
                ok = false;
            dd__get_int(L, st, ep, "daily", 0, 100000, false, &v[k].daily);
            dd__get_int(L, st, ep, "weekly", 0, 700000, false, &v[k].weekly);
            if (k > 0 && ok && v[k].day <= v[k - 1].day) {
                char fp[208];
                PATH(fp, "%s.from", ep);
                dd__lerr(L, dd__yget(st, "from"), fp,
                         "cap steps must be in time order, each from a later day than the one "
                         "before");
            }
            static const char *const known[] = {"from", "daily", "weekly", NULL};
            dd__yunknown(L, st, ep, known);
            if (top >= 0)
                top = v[k].daily < 0 ? -1 : (v[k].daily > top ? v[k].daily : top);
        }
        *caps_out = v;
        *n_caps_out = cn->n;
        *daily_cap = top;
        *base_out = top;
        return;
    }
    if (weekly >= 0) {
        dd_cap_step *v = dd__alloc_n(L, 1, sizeof *v);
        if (!v)
            return;
        v[0] = (dd_cap_step){INT32_MIN, *daily_cap, weekly};
        *caps_out = v;
        *n_caps_out = 1;
        *base_out = *daily_cap;
    }
}

/* agreement.clearance.overflight: the countries on the routes out. */
static void load_overflight(dd_loader *L, dd_ynode *m, dd_clearance_terms *c)
{
    const char *p = "agreement.clearance";
    dd_ynode *ov = dd__get_list(L, m, p, "overflight", false);
    if (!ov)
        return;
    dd_overflight *v = dd__alloc_n(L, ov->n, sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < ov->n; i++) {
        char ep[96];
        PATH(ep, "%s.overflight[%zu]", p, i);
        dd_ynode *e = ov->items[i];
        dd_overflight *x = &v[i];
        x->country = x->name = "";
        x->daily_cap = -1;
        x->loc = (dd_loc){L->file, e->line, e->col};
        if (!dd__yexpect(L, e, DD_Y_MAP, ep))
            continue;
        if (dd__get_str(L, e, ep, "country", true, &x->country))
            for (size_t k = 0; k < i; k++)
                if (!strcmp(v[k].country, x->country)) {
                    char fp[128];
                    PATH(fp, "%s.country", ep);
                    dd__lerr(L, dd__yget(e, "country"), fp, "country '%s' is listed twice",
                             x->country);
                    break;
                }
        dd__get_str(L, e, ep, "name", false, &x->name);
        double t;
        if (dd__get_qty(L, e, ep, "lead_time", DD_Q_DURATION, false, false, &t))
            x->lead_time = (dd_time)llround(t);
        dd__get_int(L, e, ep, "daily_cap", 0, 100000, false, &x->daily_cap);
        static const char *const known[] = {"country", "name", "lead_time", "daily_cap", NULL};
        dd__yunknown(L, e, ep, known);
    }
    c->overflight = v;
    c->n_overflight = ov->n;
}

static void load_clearance(dd_loader *L, dd_ynode *ag, dd_clearance_terms *c)
{
    c->lead_time = 0;
    c->validity = DD_MINUTES_PER_DAY;
    c->decision_time = 0;
    c->daily_cap = -1;
    c->hours = (dd_hours){0, 1440};
    dd_ynode *m = dd__get_map(L, ag, "agreement", "clearance", false);
    if (!m)
        return;
    const char *p = "agreement.clearance";
    double v;
    if (dd__get_qty(L, m, p, "lead_time", DD_Q_DURATION, false, false, &v))
        c->lead_time = (dd_time)llround(v);
    if (dd__get_qty(L, m, p, "validity", DD_Q_DURATION, true, false, &v))
        c->validity = (dd_time)llround(v);
    if (dd__get_qty(L, m, p, "decision_time", DD_Q_DURATION, false, false, &v))
        c->decision_time = (dd_time)llround(v);
    load_caps(L, m, p, &c->daily_cap, &c->n_caps, &c->caps, &c->caps_base);
    const char *week = NULL;
    if (dd__get_str(L, m, p, "week", false, &week)) {
        if (!strcmp(week, "calendar"))
            c->calendar_week = true;
        else if (strcmp(week, "rolling") != 0)
            dd__lerr(L, dd__yget(m, "week"), "agreement.clearance.week",
                     "expected rolling (any 7 days in a row) or calendar (Monday to Sunday), "
                     "got '%s'",
                     week);
    }
    dd__get_hours(L, m, p, "hours", &c->hours);
    if (dd__get_time(L, m, p, "opens", false, false, &c->opens) && c->opens < 0)
        dd__lerr(L, dd__yget(m, "opens"), "agreement.clearance.opens",
                 "clearances open before the epoch");
    dd_ynode *bl = dd__get_list(L, m, p, "blackout", false);
    if (bl) {
        int32_t *days = dd__alloc_n(L, bl->n, sizeof *days);
        if (!days)
            return;
        size_t n = 0;
        for (size_t i = 0; i < bl->n; i++) {
            char fp[128];
            PATH(fp, "%s.blackout[%zu]", p, i);
            dd_time t;
            if (dd__ytime(L, bl->items[i], fp, false, &t))
                days[n++] = dd_scenario_day(L->s, t);
        }
        qsort(days, n, sizeof *days, cmp_i32);
        c->blackout = days;
        c->n_blackout = n;
    }
    load_overflight(L, m, c);
    static const char *const known[] = {"lead_time", "validity", "decision_time", "daily_cap",
                                        "weekly_cap", "caps", "week", "hours", "blackout",
                                        "opens", "overflight", NULL};
    dd__yunknown(L, m, p, known);
}

static void load_agreement(dd_loader *L, dd_ynode *root)
{
    dd_scenario *s = L->s;
    dd_agreement *a = &s->agreement;
    a->name = "";
    a->security.floor = 0;
    a->security.ratio = 0;
    a->personnel.exit_per_day = -1;
    a->personnel.exit_per_hour = -1;
    a->personnel.ceiling = -1;
    dd_ynode *ag = dd__get_map(L, root, "", "agreement", true);
    if (!ag)
        return;
    dd__get_str(L, ag, "agreement", "name", false, &a->name);
    L->tz = 0;
    dd__get_tz(L, ag, "agreement", &L->tz);
    a->tz_offset = L->tz;
    dd_ynode *ep = dd__yreq(L, ag, "agreement", "epoch");
    if (ep && dd__yexpect(L, ep, DD_Y_SCALAR, "agreement.epoch")) {
        int64_t u;
        const char *err = dd__parse_time(ep->text, L->tz, false, &u, NULL);
        if (err)
            dd__lerr(L, ep, "agreement.epoch", "%s, got '%s'", err, ep->text);
        else
            s->epoch_unix = u;
    }
    dd_ynode *dl = dd__yreq(L, ag, "agreement", "deadline");
    if (dl && dd__ytime(L, dl, "agreement.deadline", true, &a->deadline)) {
        if (a->deadline <= 0)
            dd__lerr(L, dl, "agreement.deadline", "the deadline %s is not after the epoch %s",
                     dl->text, ep ? ep->text : "");
        else
            L->deadline_ok = true;
    }
    load_clearance(L, ag, &a->clearance);
    dd_ynode *sec = dd__get_map(L, ag, "agreement", "security", false);
    if (sec) {
        dd__get_int(L, sec, "agreement.security", "floor", 0, 1000000, false, &a->security.floor);
        dd__get_num(L, sec, "agreement.security", "ratio", 0, 100, false, &a->security.ratio);
        dd_ynode *com = dd__yget(sec, "commercial");
        if (com)
            dd__ybool(L, com, "agreement.security.commercial", &a->security.commercial);
        static const char *const known[] = {"floor", "ratio", "commercial", NULL};
        dd__yunknown(L, sec, "agreement.security", known);
    }
    dd_ynode *per = dd__get_map(L, ag, "agreement", "personnel", false);
    if (per) {
        const char *p = "agreement.personnel";
        double v;
        dd__get_int(L, per, p, "exit_per_day", 0, 10000000, false, &a->personnel.exit_per_day);
        dd__get_int(L, per, p, "exit_per_hour", 0, 10000000, false, &a->personnel.exit_per_hour);
        if (dd__get_qty(L, per, p, "manifest_lead_time", DD_Q_DURATION, false, false, &v))
            a->personnel.manifest_lead = (dd_time)llround(v);
        if (dd__get_qty(L, per, p, "entry_lead_time", DD_Q_DURATION, false, false, &v))
            a->personnel.entry_lead = (dd_time)llround(v);
        dd__get_int(L, per, p, "ceiling", 0, 100000000, false, &a->personnel.ceiling);
        static const char *const known[] = {"exit_per_day", "exit_per_hour",
                                            "manifest_lead_time", "entry_lead_time", "ceiling",
                                            NULL};
        dd__yunknown(L, per, p, known);
    }
    /* milestones are read after sites (they may name one) */
}

static void load_agreement_tail(dd_loader *L, dd_ynode *root)
{
    dd_ynode *ag = dd__yget(root, "agreement");
    if (!ag || ag->kind != DD_Y_MAP)
        return;
    load_milestones(L, ag, &L->s->agreement);
    static const char *const known[] = {"name", "timezone", "epoch", "deadline", "milestones",
                                        "clearance", "security", "personnel", NULL};
    dd__yunknown(L, ag, "agreement", known);
}

static void load_hazards(dd_loader *L, dd_ynode *root)
{
    dd_ynode *h = dd__get_map(L, root, "", "hazards", false);
    if (!h)
        return;
    dd_ynode *np = dd__get_list(L, h, "hazards", "no_passengers", false);
    for (size_t i = 0; np && i < np->n; i++) {
        char fp[128];
        PATH(fp, "hazards.no_passengers[%zu]", i);
        const char *c;
        if (!dd__ystr(L, np->items[i], fp, &c))
            continue;
        int32_t k = dd__hazard_index(L, c);
        if (k == -2)
            dd__lerr(L, np->items[i], fp, "more than 32 hazard classes");
        else if (k >= 0)
            L->hazard_no_pax |= 1u << k;
    }
    dd_ynode *ap = dd__get_list(L, h, "hazards", "apart", false);
    for (size_t i = 0; ap && i < ap->n; i++) {
        char fp[128];
        PATH(fp, "hazards.apart[%zu]", i);
        dd_ynode *pair = ap->items[i];
        if (!dd__yexpect(L, pair, DD_Y_SEQ, fp))
            continue;
        if (pair->n != 2) {
            dd__lerr(L, pair, fp, "expected a pair of hazard classes, e.g. [\"1.1\", \"3\"]");
            continue;
        }
        int32_t k[2] = {-1, -1};
        for (int j = 0; j < 2; j++) {
            char ep[160];
            PATH(ep, "%s[%d]", fp, j);
            const char *c;
            if (dd__ystr(L, pair->items[j], ep, &c))
                k[j] = dd__hazard_index(L, c);
            if (k[j] == -2)
                dd__lerr(L, pair->items[j], ep, "more than 32 hazard classes");
        }
        if (k[0] >= 0 && k[1] >= 0) {
            L->hazard_apart[k[0]] |= 1u << k[1];
            L->hazard_apart[k[1]] |= 1u << k[0];
        }
    }
    static const char *const known[] = {"no_passengers", "apart", NULL};
    dd__yunknown(L, h, "hazards", known);
}

static void load_site(dd_loader *L, dd_ynode *m, size_t i, dd_site *x)
{
    char p[64];
    PATH(p, "sites[%zu]", i);
    x->id = "";
    x->name = "";
    x->icao = "";
    x->tz_offset = L->tz;
    x->mog_total = -1;
    x->hours = (dd_hours){0, 1440};
    x->close_by = DD_TIME_NONE;
    x->daily_cap = -1;
    x->exit_per_day = -1;
    x->exit_per_hour = -1;
    x->security_floor = -1;
    x->security_ratio = -1;
    x->loc = (dd_loc){L->file, m->line, m->col};
    if (!dd__yexpect(L, m, DD_Y_MAP, p))
        return;
    dd__get_id(L, m, p, &L->sites, (int32_t)i, "site", &x->id);
    dd__get_name_icao(L, m, p, &x->name, &x->icao);
    dd__get_position(L, m, p, &x->lat, &x->lon);
    dd__get_tz(L, m, p, &x->tz_offset);
    /* the site's own dates (reservations, close_by) are in its time zone */
    L->tz = x->tz_offset;
    dd_ynode *mog = dd__get_map(L, m, p, "mog", true);
    if (mog) {
        char mp[96];
        PATH(mp, "%s.mog", p);
        dd_mog *v = dd__alloc_n(L, mog->n, sizeof *v);
        if (!v)
            return;
        size_t n = 0;
        for (size_t k = 0; k < mog->n; k++) {
            dd_ypair *pr = &mog->pairs[k];
            pr->used = true;
            char fp[160];
            PATH(fp, "%s.%s", mp, pr->key->text);
            int32_t cnt;
            if (!dd__yint(L, pr->value, fp, 0, 1000, &cnt))
                continue;
            if (strcmp(pr->key->text, "total") == 0) {
                x->mog_total = cnt;
                continue;
            }
            v[n].klass = dd__class_index(L, pr->key->text);
            v[n].count = cnt;
            n++;
        }
        if (mog->n == 0)
            dd__lerr(L, mog, mp, "give the MOG per aircraft class, e.g. {C17: 2, C130: 3}");
        x->mog = v;
        x->n_mog = n;
    }
    dd__get_hours(L, m, p, "hours", &x->hours);
    dd_ynode *res = dd__get_list(L, m, p, "reservations", false);
    if (res) {
        dd_reservation *v = dd__alloc_n(L, res->n, sizeof *v);
        if (!v)
            return;
        for (size_t k = 0; k < res->n; k++) {
            char rp[128];
            PATH(rp, "%s.reservations[%zu]", p, k);
            dd_ynode *r = res->items[k];
            v[k].note = "";
            v[k].slots = 1;
            if (!dd__yexpect(L, r, DD_Y_MAP, rp))
                continue;
            bool ok = dd__get_time(L, r, rp, "from", false, true, &v[k].from);
            ok = dd__get_time(L, r, rp, "to", true, true, &v[k].to) && ok;
            dd__get_int(L, r, rp, "slots", 1, 1000, false, &v[k].slots);
            dd__get_str(L, r, rp, "note", false, &v[k].note);
            if (ok && v[k].to <= v[k].from) {
                char fp[160];
                PATH(fp, "%s.to", rp);
                dd__lerr(L, dd__yget(r, "to"), fp, "the reservation ends before it starts");
            }
            static const char *const known[] = {"from", "to", "slots", "note", NULL};
            dd__yunknown(L, r, rp, known);
        }
        x->reservations = v;
        x->n_reservations = res->n;
    }
    dd_ynode *rs = dd__get_map(L, m, p, "resources", false);
    if (rs) {
        dd_resource *v = dd__alloc_n(L, rs->n, sizeof *v);
        if (!v)
            return;
        for (size_t k = 0; k < rs->n; k++) {
            dd_ypair *pr = &rs->pairs[k];
            pr->used = true;
            char fp[160];
            PATH(fp, "%s.resources.%s", p, pr->key->text);
            v[k].id = pr->key->text;
            dd__yint(L, pr->value, fp, 0, 1000000, &v[k].capacity);
        }
        x->resources = v;
        x->n_resources = rs->n;
    }
    dd__get_time(L, m, p, "close_by", true, false, &x->close_by);
    load_caps(L, m, p, &x->daily_cap, &x->n_caps, &x->caps, &x->caps_base);
    dd__get_int(L, m, p, "exit_per_day", 0, 10000000, false, &x->exit_per_day);
    dd__get_int(L, m, p, "exit_per_hour", 0, 10000000, false, &x->exit_per_hour);
    dd_ynode *sec = dd__get_map(L, m, p, "security", false);
    if (sec) {
        char sp[96];
        PATH(sp, "%s.security", p);
        dd__get_int(L, sec, sp, "floor", 0, 1000000, false, &x->security_floor);
        dd__get_num(L, sec, sp, "ratio", 0, 100, false, &x->security_ratio);
        static const char *const known[] = {"floor", "ratio", NULL};
        dd__yunknown(L, sec, sp, known);
    }
    (void)dd__yget(m, "after"); /* read once every site is known (load_site_order) */
    (void)dd__yget(m, "via"); /* likewise (load_vias) */
    double vt;
    if (dd__get_qty(L, m, p, "via_transfer", DD_Q_DURATION, false, false, &vt)) {
        x->via_transfer = (dd_time)vt;
        if (!dd__yget(m, "via")) {
            char fp[128];
            PATH(fp, "%s.via_transfer", p);
            dd__lerr(L, dd__yget(m, "via_transfer"), fp,
                     "via_transfer without via (the site through which this one leaves)");
        }
    }
    static const char *const known[] = {"id", "name", "icao", "position", "timezone", "mog",
                                        "hours", "reservations", "resources", "close_by",
                                        "daily_cap", "weekly_cap", "caps", "exit_per_day",
                                        "exit_per_hour", "security", "after", "via",
                                        "via_transfer", NULL};
    dd__yunknown(L, m, p, known);
}

static void load_sites(dd_loader *L, dd_ynode *root)
{
    dd_ynode *list = dd__get_list(L, root, "", "sites", true);
    size_t n = list ? list->n : 0;
    if (dd__idmap_init(&L->sites, L->arena, n) != DD_OK) {
        L->oom = true;
        return;
    }
    L->sites_v = dd__alloc_n(L, n, sizeof *L->sites_v);
    if (!L->sites_v)
        return;
    if (list && n == 0)
        dd__lerr(L, list, "sites", "a scenario needs at least one site");
    for (size_t i = 0; i < n; i++) {
        int32_t host_tz = L->tz;
        L->sites_v[i].via = -1; /* also for a site that is not a mapping */
        load_site(L, list->items[i], i, &L->sites_v[i]);
        L->tz = host_tz;
    }
    L->s->sites = L->sites_v;
    L->s->n_sites = n;
}


static int cmp_payload(const void *a, const void *b)
{
    const dd_payload_point *x = a, *y = b;
    return (x->range_m > y->range_m) - (x->range_m < y->range_m);
}

/* A duration field in whole minutes; false when absent or bad. */
static bool get_minutes(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                        bool positive, bool required, dd_time *out)
{
    double v;
    if (!dd__get_qty(L, map, path, key, DD_Q_DURATION, positive, required, &v))
        return false;
    *out = (dd_time)llround(v);
    return true;
}

/* Utilisation and crews of an aircraft type (issue 18). */
static void load_crews(dd_loader *L, dd_ynode *m, const char *p, dd_aircraft *x)
{
    char fp[128];
    x->utilisation_days = 1;
    x->crews = -1;
    if (get_minutes(L, m, p, "utilisation", true, false, &x->utilisation) &&
        x->utilisation > DD_MINUTES_PER_DAY) {
        PATH(fp, "%s.utilisation", p);
        dd__lerr(L, dd__yget(m, "utilisation"), fp,
                 "the flying time a day per tail is at most 24h, got %.4gh",
                 (double)x->utilisation / 60.0);
    }
    dd_time w;
    if (get_minutes(L, m, p, "utilisation_window", true, false, &w)) {
        PATH(fp, "%s.utilisation_window", p);
        if (w % DD_MINUTES_PER_DAY != 0 || w > 31 * DD_MINUTES_PER_DAY)
            dd__lerr(L, dd__yget(m, "utilisation_window"), fp,
                     "the window is whole days, 1d to 31d");
        else if (!dd__yget(m, "utilisation"))
            dd__lerr(L, dd__yget(m, "utilisation_window"), fp,
                     "a window without a utilisation rate; add utilisation, e.g. 12h");
        else
            x->utilisation_days = (int32_t)(w / DD_MINUTES_PER_DAY);
    }
    dd_ynode *cr = dd__get_map(L, m, p, "crews", false);
    if (!cr)
        return;
    PATH(fp, "%s.crews", p);
    int32_t n = -1;
    dd__get_int(L, cr, fp, "count", 0, 100000, true, &n);
    get_minutes(L, cr, fp, "duty", true, true, &x->crew_duty);
    get_minutes(L, cr, fp, "rest", false, true, &x->crew_rest);
    if (get_minutes(L, cr, fp, "augmented_duty", true, false, &x->crew_duty_augmented) &&
        x->crew_duty > 0 && x->crew_duty_augmented <= x->crew_duty) {
        char ap[160];
        PATH(ap, "%s.augmented_duty", fp);
        dd__lerr(L, dd__yget(cr, "augmented_duty"), ap,
                 "the augmented duty day must be longer than the basic one (duty)");
    }
    x->crews = n;
    static const char *const known[] = {"count", "duty", "augmented_duty", "rest", NULL};
    dd__yunknown(L, cr, fp, known);
}


/* `tail_numbers: [07-7177, 07-7178]`: the registrations of tails 1, 2, ...
 * (optional; outputs then name a tail by its registration). */
static void load_tail_numbers(dd_loader *L, dd_ynode *m, const char *p, dd_aircraft *x)
{
    dd_ynode *list = dd__get_list(L, m, p, "tail_numbers", false);
    if (!list)
        return;
    char tp[96];
    PATH(tp, "%s.tail_numbers", p);
    const char **v = dd__alloc_n(L, list->n, sizeof *v);
    if (!v)
        return;
    for (size_t k = 0; k < list->n; k++) {
        char ep[128];
        PATH(ep, "%s[%zu]", tp, k);
        v[k] = "";
        if (!dd__ystr(L, list->items[k], ep, &v[k]))
            continue;
        if (!*v[k] || strlen(v[k]) > 15)
            dd__lerr(L, list->items[k], ep, "a tail number is 1 to 15 characters, got '%s'",
                     v[k]);
        for (size_t j = 0; j < k; j++)
            if (!strcmp(v[j], v[k]))
                dd__lerr(L, list->items[k], ep, "tail number '%s' given twice", v[k]);
    }
    int32_t most = dd_aircraft_tails_max(x);
    if (x->n_tails && list->n != (size_t)most)
        dd__lerr(L, list, tp, "%s has %d tail%s; %zu tail number%s given", x->id, (int)most,
                 most == 1 ? "" : "s", (size_t)list->n, list->n == 1 ? " is" : "s are");
    x->tail_numbers = v;
    x->n_tail_numbers = list->n;
}

static void load_one_aircraft(dd_loader *L, dd_ynode *m, size_t i, dd_aircraft *x)
{
    char p[64];
    PATH(p, "aircraft[%zu]", i);
    x->id = x->name = x->call_sign = "";
    x->klass = -1;
    x->home = -1;
    x->pallet_height_m = DD_463L_MAX_HEIGHT_M;
    x->loc = (dd_loc){L->file, m->line, m->col};
    if (!dd__yexpect(L, m, DD_Y_MAP, p))
        return;
    dd__get_id(L, m, p, &L->aircraft, (int32_t)i, "aircraft", &x->id);
    dd__get_str(L, m, p, "name", false, &x->name);
    const char *klass;
    if (dd__get_str(L, m, p, "class", true, &klass))
        x->klass = dd__class_index(L, klass);
    dd__get_qty(L, m, p, "acl", DD_Q_WEIGHT, true, true, &x->acl_kg);
    dd_ynode *rp = dd__get_list(L, m, p, "range_payload", false);
    if (rp) {
        dd_payload_point *v = dd__alloc_n(L, rp->n, sizeof *v);
        if (!v)
            return;
        for (size_t k = 0; k < rp->n; k++) {
            char ep[128];
            PATH(ep, "%s.range_payload[%zu]", p, k);
            dd_ynode *pt = rp->items[k];
            if (!dd__yexpect(L, pt, DD_Y_MAP, ep))
                continue;
            dd__get_qty(L, pt, ep, "range", DD_Q_DISTANCE, true, true, &v[k].range_m);
            dd__get_qty(L, pt, ep, "payload", DD_Q_WEIGHT, false, true, &v[k].payload_kg);
            static const char *const known[] = {"range", "payload", NULL};
            dd__yunknown(L, pt, ep, known);
        }
        qsort(v, rp->n, sizeof *v, cmp_payload);
        x->range_payload = v;
        x->n_range_payload = rp->n;
    }
    dd__get_int(L, m, p, "pallet_positions", 0, 100, true, &x->pallet_positions);
    dd__get_int(L, m, p, "seats", 0, 2000, true, &x->seats);
    dd__get_num(L, m, p, "seats_per_pallet", 0, 1000, false, &x->seats_per_pallet);
    dd_ynode *fl = dd__get_map(L, m, p, "floor", true);
    if (fl) {
        char fp[96];
        PATH(fp, "%s.floor", p);
        dd__get_qty(L, fl, fp, "length", DD_Q_LENGTH, true, true, &x->floor_length_m);
        dd__get_qty(L, fl, fp, "width", DD_Q_LENGTH, true, true, &x->floor_width_m);
        static const char *const known[] = {"length", "width", NULL};
        dd__yunknown(L, fl, fp, known);
    }
    dd_ynode *dr = dd__get_map(L, m, p, "door", true);
    if (dr) {
        char fp[96];
        PATH(fp, "%s.door", p);
        dd__get_qty(L, dr, fp, "width", DD_Q_LENGTH, true, true, &x->door_width_m);
        dd__get_qty(L, dr, fp, "height", DD_Q_LENGTH, true, true, &x->door_height_m);
        static const char *const known[] = {"width", "height", NULL};
        dd__yunknown(L, dr, fp, known);
    }
    dd__get_qty(L, m, p, "pallet_height", DD_Q_LENGTH, true, false, &x->pallet_height_m);
    dd__get_qty(L, m, p, "cruise", DD_Q_SPEED, true, true, &x->cruise_mps);
    double g;
    if (dd__get_qty(L, m, p, "ground_time", DD_Q_DURATION, false, true, &g))
        x->ground_time = (dd_time)llround(g);
    dd_ynode *tails = dd__yreq(L, m, p, "tails");
    if (tails) {
        char tp[96];
        PATH(tp, "%s.tails", p);
        if (tails->kind == DD_Y_SCALAR) {
            dd_tails_step *v = dd__arena_alloc(L->arena, sizeof *v);
            if (!v) {
                L->oom = true;
                return;
            }
            v->from = 0;
            if (dd__yint(L, tails, tp, 0, 100000, &v->count)) {
                x->tails = v;
                x->n_tails = 1;
            }
        } else if (tails->kind != DD_Y_SEQ) {
            dd__lerr(L, tails, tp,
                     "expected a number of tails or a list of {from: DATE, count: N}");
        } else {
            dd_tails_step *v = dd__alloc_n(L, tails->n, sizeof *v);
            if (!v)
                return;
            for (size_t k = 0; k < tails->n; k++) {
                char ep[128];
                PATH(ep, "%s[%zu]", tp, k);
                dd_ynode *st = tails->items[k];
                if (!dd__yexpect(L, st, DD_Y_MAP, ep))
                    continue;
                dd__get_time(L, st, ep, "from", false, true, &v[k].from);
                dd__get_int(L, st, ep, "count", 0, 100000, true, &v[k].count);
                if (k > 0 && v[k].from <= v[k - 1].from)
                    dd__lerr(L, dd__yget(st, "from"), ep,
                             "tail steps must be in time order");
                static const char *const known[] = {"from", "count", NULL};
                dd__yunknown(L, st, ep, known);
            }
            x->tails = v;
            x->n_tails = tails->n;
        }
    }
    const char *home;
    if (dd__get_str(L, m, p, "home", true, &home)) {
        x->home = dd__idmap_get(&L->hubs, home);
        if (x->home < 0) {
            char fp[96];
            PATH(fp, "%s.home", p);
            dd__lerr(L, dd__yget(m, "home"), fp, "unknown destination '%s'", home);
        }
    }
    dd__get_num(L, m, p, "cost_per_hour", 0, 1e9, false, &x->cost_per_hour);
    load_crews(L, m, p, x);
    x->call_sign = x->id;
    if (dd__get_str(L, m, p, "call_sign", false, &x->call_sign)) {
        size_t n = strlen(x->call_sign), k = 0;
        while (k < n && ((x->call_sign[k] >= 'A' && x->call_sign[k] <= 'Z') ||
                         (x->call_sign[k] >= '0' && x->call_sign[k] <= '9')))
            k++;
        if (n == 0 || n > 7 || k < n) {
            char fp[96];
            PATH(fp, "%s.call_sign", p);
            dd__lerr(L, dd__yget(m, "call_sign"), fp,
                     "a call sign prefix is 1 to 7 capital letters or digits, e.g. RCH; got '%s'",
                     x->call_sign);
        }
    }
    load_tail_numbers(L, m, p, x);
    static const char *const known[] = {
        "id", "name", "class", "acl", "range_payload", "pallet_positions", "seats",
        "seats_per_pallet", "floor", "door", "pallet_height", "cruise", "ground_time",
        "tails", "home", "cost_per_hour", "call_sign", "utilisation", "utilisation_window",
        "crews", "tail_numbers", NULL};
    dd__yunknown(L, m, p, known);
}

static void load_aircraft(dd_loader *L, dd_ynode *root)
{
    dd_ynode *list = dd__get_list(L, root, "", "aircraft", false);
    size_t n = list ? list->n : 0;
    if (dd__idmap_init(&L->aircraft, L->arena, n) != DD_OK ||
        !(L->aircraft_v = dd__arena_array(L->arena, n ? n : 1, sizeof *L->aircraft_v))) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        load_one_aircraft(L, list->items[i], i, &L->aircraft_v[i]);
    L->s->aircraft = L->aircraft_v;
    L->s->n_aircraft = n;
}

static void load_commercial(dd_loader *L, dd_ynode *root)
{
    dd_ynode *list = dd__get_list(L, root, "", "commercial", false);
    if (!list)
        return;
    dd_commercial *v = dd__alloc_n(L, list->n, sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < list->n; i++) {
        char p[64];
        PATH(p, "commercial[%zu]", i);
        dd_ynode *m = list->items[i];
        v[i].site = -1;
        v[i].from = 0;
        v[i].to = DD_TIME_NONE;
        v[i].loc = (dd_loc){L->file, m->line, m->col};
        if (!dd__yexpect(L, m, DD_Y_MAP, p))
            continue;
        const char *site;
        if (dd__get_str(L, m, p, "site", true, &site)) {
            v[i].site = dd__idmap_get(&L->sites, site);
            if (v[i].site < 0) {
                char fp[96];
                PATH(fp, "%s.site", p);
                dd__lerr(L, dd__yget(m, "site"), fp, "unknown site '%s'", site);
            }
        }
        dd__get_int(L, m, p, "seats_per_day", 0, 1000000, true, &v[i].seats_per_day);
        dd__get_time(L, m, p, "from", false, false, &v[i].from);
        dd__get_time(L, m, p, "to", true, false, &v[i].to);
        if (v[i].to != DD_TIME_NONE && v[i].to <= v[i].from) {
            char fp[96];
            PATH(fp, "%s.to", p);
            dd__lerr(L, dd__yget(m, "to"), fp, "the service ends before it starts");
        }
        static const char *const known[] = {"site", "seats_per_day", "from", "to", NULL};
        dd__yunknown(L, m, p, known);
    }
    L->s->commercial = v;
    L->s->n_commercial = list->n;
}

/* `briefing: {marking: UNCLASSIFIED//FOUO, paper: a4}`: how the printed
 * briefing is marked and on what paper (docs/report.md). */
static void load_briefing(dd_loader *L, dd_ynode *root)
{
    dd_scenario *s = L->s;
    s->marking = "";
    s->paper = DD_PAPER_DEFAULT;
    dd_ynode *b = dd__get_map(L, root, "", "briefing", false);
    if (!b)
        return;
    if (dd__get_str(L, b, "briefing", "marking", false, &s->marking) && strlen(s->marking) > 120)
        dd__lerr(L, dd__yget(b, "marking"), "briefing.marking",
                 "a marking is at most 120 characters, got %zu", strlen(s->marking));
    const char *paper;
    if (dd__get_str(L, b, "briefing", "paper", false, &paper)) {
        if (!strcmp(paper, "a4") || !strcmp(paper, "A4"))
            s->paper = DD_PAPER_A4;
        else if (!strcmp(paper, "letter"))
            s->paper = DD_PAPER_LETTER;
        else
            dd__lerr(L, dd__yget(b, "paper"), "briefing.paper", "expected a4 or letter, got '%s'",
                     paper);
    }
    static const char *const known[] = {"marking", "paper", NULL};
    dd__yunknown(L, b, "briefing", known);
}

void dd__load_sections(dd_loader *L, dd_ynode *root)
{
    if (!dd__yexpect(L, root, DD_Y_MAP, ""))
        return;
    int32_t version;
    dd_ynode *vn = dd__yreq(L, root, "", "drawdown");
    if (vn && dd__yint(L, vn, "drawdown", 1, INT32_MAX, &version) && version != 1)
        dd__lerr(L, vn, "drawdown", "unsupported format version %d (this drawdown reads 1)",
                 version);
    L->s->name = "";
    dd__get_str(L, root, "", "name", false, &L->s->name);
    load_units(L, root);
    load_agreement(L, root);
    load_hazards(L, root);
    load_sites(L, root);
    dd__load_site_order(L, root);
    dd__load_vias(L, root);
    load_agreement_tail(L, root);
    dd__load_hubs(L, root);
    dd__load_stops(L, root);
    load_aircraft(L, root);
    load_commercial(L, root);
    dd__load_disruptions(L, root); /* disrupt.c */
    load_briefing(L, root);
}
