/* SPDX-License-Identifier: MIT */
/*
 * The verifier's entry point (see verify.h): read the plan, derive what the
 * checks share (task times, ready and release times, each sortie's
 * clearance, each site's last departure), run the checks in order, and
 * assemble the report with its compliance summary. Also the small helpers
 * every check uses: recording a violation, a term's worst figure, and the
 * formulas of the plan format (distance, flight time, cabin load, hours),
 * written here from the format's text and not taken from the planner.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

typedef struct vowned {
    dd_verify_report r; /* first: the public view */
    dd_arena arena;
    dd_violation *v, *f;
    dd_verify_term *terms;
} vowned;

static const char *const kind_names[] = {
#define DD_VIOLATION_NAME(name, text) text,
    DD_VIOLATION_MAP(DD_VIOLATION_NAME)
#undef DD_VIOLATION_NAME
};

const char *dd_violation_kind_name(dd_violation_kind k)
{
    return (unsigned)k < DD_V_COUNT ? kind_names[k] : "?";
}

/* ---- recording ---- */

void dd__vf_add(vctx *c, dd_violation_kind kind, int term, int64_t sortie, const char *item,
                int32_t site, int32_t day, uint32_t line, uint32_t col, const char *fmt, ...)
{
    size_t *n = c->fact ? &c->n_f : &c->n_v;
    if (c->fact) {
        c->n_facts++;
    } else {
        c->n_found++;
        c->by_kind[kind]++;
        if (term >= 0 && (size_t)term < c->n_terms)
            c->terms[term].n++;
    }
    if (*n >= DD_VERIFY_MAX_VIOLATIONS || c->oom)
        return;
    dd_violation **v = c->fact ? &c->f : &c->v;
    dd_violation *grown = dd__grow(*v, c->fact ? &c->cap_f : &c->cap_v, *n, 64, sizeof **v);
    if (!grown) {
        c->oom = true;
        return;
    }
    *v = grown;
    va_list ap;
    va_start(ap, fmt);
    char *m = dd__arena_vprintf(c->arena, fmt, ap);
    va_end(ap);
    if (!m) {
        c->oom = true;
        return;
    }
    (*v)[(*n)++] = (dd_violation){kind, sortie, item,
                                  site >= 0 ? c->s->sites[site].id : NULL, day, line, col, m};
}

bool dd__vf_history(const vctx *c, int32_t a, int32_t b)
{
    return c->p->sorties[a].recorded && (b < 0 || c->p->sorties[b].recorded);
}

void dd__vf_worst(vctx *c, int term, double value, const char *fmt, ...)
{
    if (term < 0 || (size_t)term >= c->n_terms || c->fact)
        return;
    vterm *t = &c->terms[term];
    if (t->have_worst && value >= t->worst)
        return;
    t->have_worst = true;
    t->worst = value;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->worst_text, sizeof t->worst_text, fmt, ap);
    va_end(ap);
}

int dd__vf_term_milestone(const vctx *c, size_t m)
{
    (void)c;
    return (int)(T_FIXED + m);
}

int dd__vf_term_site(const vctx *c, size_t site)
{
    return (int)(T_FIXED + c->s->agreement.n_milestones + site);
}

/* ---- formatting ---- */

void dd__vf_time(const vctx *c, dd_time t, char *buf, size_t size)
{
    dd_scenario_format_time(c->s, t, 0, buf, size);
}

void dd__vf_stated_found(const vctx *c, dd_time stated, dd_time found, const char *none,
                         char *a, char *b)
{
    dd__vf_time(c, stated, a, 32);
    dd__vf_time(c, found, b, 32);
    if (stated == DD_TIME_NONE)
        snprintf(a, 32, "null");
    if (found == DD_TIME_NONE)
        snprintf(b, 32, "%s", none);
}

void dd__vf_date(const vctx *c, int32_t day, char *buf, size_t size)
{
    char t[32];
    dd_scenario_format_time(c->s, dd_scenario_day_start(c->s, day),
                            c->s->agreement.tz_offset, t, sizeof t);
    t[10] = '\0';
    snprintf(buf, size, "%s", t);
}

void dd__vf_dur(dd_time m, char *buf, size_t size)
{
    const char *sign = m < 0 ? "-" : "";
    long long a = m < 0 ? -(long long)m : (long long)m;
    long long d = a / DD_MINUTES_PER_DAY, h = a % DD_MINUTES_PER_DAY / 60, mi = a % 60;
    if (d > 0 && mi)
        snprintf(buf, size, "%s%lldd %lldh %lldm", sign, d, h, mi);
    else if (d > 0)
        snprintf(buf, size, "%s%lldd %lldh", sign, d, h);
    else if (h > 0)
        snprintf(buf, size, "%s%lldh %lldm", sign, h, mi);
    else
        snprintf(buf, size, "%s%lldm", sign, mi);
}

int32_t dd__vf_local_mod(const dd_scenario *s, dd_time t, int32_t tz)
{
    int64_t m = s->epoch_unix / 60 + t + tz;
    int64_t r = m % DD_MINUTES_PER_DAY;
    return (int32_t)(r < 0 ? r + DD_MINUTES_PER_DAY : r);
}

void dd__vf_local_hm(dd_time t, const dd_scenario *s, int32_t tz, char *buf, size_t size)
{
    int32_t mod = dd__vf_local_mod(s, t, tz);
    snprintf(buf, size, "%02d:%02d", mod / 60, mod % 60);
}

bool dd__vf_in_hours(dd_hours h, int32_t mod)
{
    if (h.open == 0 && h.close >= DD_MINUTES_PER_DAY)
        return true;
    if (h.open <= h.close)
        return mod >= h.open && mod < h.close;
    return mod >= h.open || mod < h.close; /* spans midnight */
}

/* ---- the plan format's formulas ---- */

double dd__vf_distance(double lat1, double lon1, double lat2, double lon2)
{
    const double radius = 6371008.8; /* mean Earth radius, docs/plan-format.md */
    const double rad = 3.14159265358979323846 / 180.0;
    double dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
    double a = sin(dp / 2) * sin(dp / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dl / 2) * sin(dl / 2);
    if (a > 1)
        a = 1;
    return 2 * radius * atan2(sqrt(a), sqrt(1 - a));
}

dd_time dd__vf_flight_min(double dist_m, double cruise_mps)
{
    if (cruise_mps <= 0)
        return 0;
    return (dd_time)ceil(dist_m / cruise_mps / 60.0);
}

double dd__vf_acl(const dd_aircraft *a, double dist_m)
{
    size_t n = a->n_range_payload;
    double v = a->acl_kg;
    if (n > 0) {
        const dd_payload_point *p = a->range_payload;
        if (dist_m <= p[0].range_m) {
            v = p[0].payload_kg;
        } else if (dist_m >= p[n - 1].range_m) {
            v = p[n - 1].payload_kg;
        } else {
            for (size_t i = 1; i < n; i++) {
                if (dist_m <= p[i].range_m) {
                    double span = p[i].range_m - p[i - 1].range_m;
                    double f = span > 0 ? (dist_m - p[i - 1].range_m) / span : 1;
                    v = p[i - 1].payload_kg + f * (p[i].payload_kg - p[i - 1].payload_kg);
                    break;
                }
            }
        }
    }
    return v < a->acl_kg ? v : a->acl_kg;
}

/* ---- terms ---- */

static const char *const fixed_names[T_FIXED] = {
    "clearance lead time",  "clearances open",       "clearance validity windows",
    "daily cap per airfield", "daily cap country-wide", "permitted hours",
    "blackout dates",       "security floor and ratio", "exit processing",
    "manifest lead time",   "entry lead time",       "in-country ceiling",
    "order of closure",     "deadline",
};

static void na(vterm *t, const char *why)
{
    t->applies = false;
    snprintf(t->na_text, sizeof t->na_text, "%s", why);
}

/* Which terms the scenario and plan make applicable. */
static bool setup_terms(vctx *c)
{
    const dd_scenario *s = c->s;
    const dd_agreement *ag = &s->agreement;
    c->n_terms = T_FIXED + ag->n_milestones + s->n_sites;
    c->terms = calloc(c->n_terms, sizeof *c->terms);
    if (!c->terms)
        return false;
    for (size_t i = 0; i < c->n_terms; i++)
        c->terms[i].applies = true;
    for (int i = 0; i < T_FIXED; i++)
        c->terms[i].name = fixed_names[i];
    bool sorties = c->p->n_sorties > 0;
    bool site_cap = false, security = false, exits = false, augmentees = false;
    for (size_t i = 0; i < s->n_sites; i++) {
        const dd_site *x = &s->sites[i];
        site_cap |= x->daily_cap >= 0 || x->n_caps > 0;
        int32_t fl = x->security_floor >= 0 ? x->security_floor : ag->security.floor;
        double ra = x->security_ratio >= 0 ? x->security_ratio : ag->security.ratio;
        security |= fl > 0 || ra > 0;
        exits |= (x->exit_per_day >= 0 ? x->exit_per_day : ag->personnel.exit_per_day) >= 0;
        exits |= (x->exit_per_hour >= 0 ? x->exit_per_hour : ag->personnel.exit_per_hour) >= 0;
    }
    for (size_t i = 0; i < s->n_people; i++)
        augmentees |= s->people[i].role == DD_ROLE_AUGMENTEE;
    vterm *t = c->terms;
    if (!sorties) {
        na(&t[T_CLEARANCE_LEAD], "no military sorties");
        na(&t[T_CLEARANCE_OPENS], "no military sorties");
        na(&t[T_CLEARANCE_VALIDITY], "no military sorties");
    }
    if (!site_cap)
        na(&t[T_CAP_SITE], "no airfield has a daily cap");
    else if (!sorties)
        na(&t[T_CAP_SITE], "no military sorties");
    if (ag->clearance.daily_cap < 0 && ag->clearance.n_caps == 0)
        na(&t[T_CAP_COUNTRY], "no country-wide daily cap");
    else if (!sorties)
        na(&t[T_CAP_COUNTRY], "no military sorties");
    if (ag->clearance.hours.open == 0 && ag->clearance.hours.close >= DD_MINUTES_PER_DAY)
        na(&t[T_HOURS], "departures permitted at all hours");
    else if (!sorties)
        na(&t[T_HOURS], "no military sorties");
    if (ag->clearance.n_blackout == 0)
        na(&t[T_BLACKOUT], "no blackout days");
    else if (!sorties)
        na(&t[T_BLACKOUT], "no military sorties");
    if (!security)
        na(&t[T_SECURITY], "no security floor or ratio");
    if (!exits)
        na(&t[T_EXIT], "no exit processing limit");
    if (ag->personnel.manifest_lead <= 0)
        na(&t[T_MANIFEST], "no manifest lead time");
    if (!augmentees)
        na(&t[T_ENTRY], "no augmentees");
    if (ag->personnel.ceiling < 0)
        na(&t[T_CEILING], "no in-country ceiling");
    bool order = false;
    for (size_t i = 0; i < s->n_sites; i++)
        order |= s->sites[i].n_after > 0;
    if (!order)
        na(&t[T_ORDER], "no order of closure");
    for (size_t m = 0; m < ag->n_milestones; m++) {
        char name[160];
        snprintf(name, sizeof name, "milestone %s", ag->milestones[m].id);
        t[T_FIXED + m].name = dd__arena_strdup(c->arena, name);
        if (!t[T_FIXED + m].name)
            return false;
    }
    for (size_t i = 0; i < s->n_sites; i++) {
        vterm *x = &t[T_FIXED + ag->n_milestones + i];
        char name[160];
        snprintf(name, sizeof name, "closing date %s", s->sites[i].id);
        x->name = dd__arena_strdup(c->arena, name);
        if (!x->name)
            return false;
        if (s->sites[i].close_by == DD_TIME_NONE)
            na(x, "no closing date of its own");
    }
    return true;
}

/* ---- shared derived figures ---- */

static bool derive_people(vctx *c);

static bool derive(vctx *c)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    c->task_start = malloc((s->n_tasks ? s->n_tasks : 1) * sizeof *c->task_start);
    c->task_end = malloc((s->n_tasks ? s->n_tasks : 1) * sizeof *c->task_end);
    c->cargo_ready = malloc((s->n_cargo ? s->n_cargo : 1) * sizeof *c->cargo_ready);
    c->group_release = malloc((s->n_people ? s->n_people : 1) * sizeof *c->group_release);
    c->group_entry = malloc((s->n_people ? s->n_people : 1) * sizeof *c->group_entry);
    c->sortie_clearance = malloc((p->n_sorties ? p->n_sorties : 1) * sizeof(int32_t));
    c->site_closure = malloc((s->n_sites ? s->n_sites : 1) * sizeof *c->site_closure);
    if (!c->task_start || !c->task_end || !c->cargo_ready || !c->group_release ||
        !c->group_entry || !c->sortie_clearance || !c->site_closure)
        return false;
    for (size_t i = 0; i < s->n_tasks; i++)
        c->task_start[i] = c->task_end[i] = DD_TIME_NONE;
    for (size_t i = 0; i < p->n_tasks; i++) {
        const vtask *t = &p->tasks[i];
        c->task_start[t->task] = t->start;
        c->task_end[t->task] = t->end;
    }
    for (size_t i = 0; i < s->n_cargo; i++) {
        const dd_cargo *x = &s->cargo[i];
        dd_time r = x->ready != DD_TIME_NONE ? x->ready : 0;
        if (x->released_by >= 0) {
            dd_time e = c->task_end[x->released_by];
            r = e == DD_TIME_NONE ? DD_TIME_NONE : e > r ? e : r;
        }
        c->cargo_ready[i] = r;
    }
    for (size_t i = 0; i < s->n_people; i++) {
        const dd_people *x = &s->people[i];
        dd_time r = x->release != DD_TIME_NONE ? x->release : 0;
        /* augmentees are free to leave only once they have arrived */
        if (x->role == DD_ROLE_AUGMENTEE && x->arrival != DD_TIME_NONE && x->arrival > r)
            r = x->arrival;
        if (x->released_by >= 0) {
            dd_time e = c->task_end[x->released_by];
            r = e == DD_TIME_NONE ? DD_TIME_NONE : e > r ? e : r;
        }
        c->group_release[i] = r;
        c->group_entry[i] = -1;
    }
    for (size_t i = 0; i < p->n_groups; i++)
        c->group_entry[p->groups[i].group] = (int32_t)i;
    for (size_t i = 0; i < p->n_sorties; i++)
        c->sortie_clearance[i] = (int32_t)(p->sorties[i].clearance_id - 1);
    for (size_t i = 0; i < s->n_sites; i++)
        c->site_closure[i] = DD_TIME_NONE;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        dd_time *cl = &c->site_closure[x->site];
        if (*cl == DD_TIME_NONE || x->dep > *cl)
            *cl = x->dep;
    }
    for (size_t i = 0; i < p->n_commercial; i++) {
        const vcommercial *x = &p->commercial[i];
        dd_time *cl = &c->site_closure[x->site];
        if (*cl == DD_TIME_NONE || x->dep > *cl)
            *cl = x->dep;
    }
    return derive_people(c);
}

void dd__vf_sort(vctx *c, void *v, size_t n, size_t size, const dd__key *keys)
{
    if (!dd__sort(v, n, size, keys))
        c->oom = true;
}

static const dd__key by_exit[] = {DD__KEY(vexit, t), DD__KEY(vexit, sortie),
                                  DD__KEY(vexit, commercial), DD__KEY(vexit, group),
                                  DD__KEY_END};
static const dd__key by_ferried[] = {DD__KEY(vferried, t), DD__KEY(vferried, sortie),
                                     DD__KEY(vferried, group), DD__KEY_END};

/* Every passenger entry as an exit, and every ferried group, by time. */
static bool derive_people(vctx *c)
{
    const vplan *p = c->p;
    size_t n = 0, m = 0;
    for (size_t i = 0; i < p->n_sorties; i++) {
        n += p->sorties[i].n_pax;
        m += p->sorties[i].n_ferry_pax;
    }
    for (size_t i = 0; i < p->n_commercial; i++)
        n += p->commercial[i].n_pax;
    c->exits = malloc((n ? n : 1) * sizeof *c->exits);
    c->ferried = malloc((m ? m : 1) * sizeof *c->ferried);
    if (!c->exits || !c->ferried)
        return false;
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        for (size_t k = 0; k < x->n_pax; k++) {
            const vq *q = &x->pax[k];
            c->exits[c->n_exits++] =
                (vexit){q->ref, q->count, x->dep, (int32_t)i, -1, x->site, q->line, q->col};
        }
        for (size_t k = 0; k < x->n_ferry_pax; k++) {
            const vq *q = &x->ferry_pax[k];
            c->ferried[c->n_ferried++] =
                (vferried){q->ref, q->count, x->at_site, (int32_t)i, q->line, q->col};
        }
    }
    for (size_t i = 0; i < p->n_commercial; i++) {
        const vcommercial *x = &p->commercial[i];
        for (size_t k = 0; k < x->n_pax; k++) {
            const vq *q = &x->pax[k];
            c->exits[c->n_exits++] =
                (vexit){q->ref, q->count, x->dep, -1, (int32_t)i, x->site, q->line, q->col};
        }
    }
    return dd__sort(c->exits, c->n_exits, sizeof *c->exits, by_exit) &&
           dd__sort(c->ferried, c->n_ferried, sizeof *c->ferried, by_ferried);
}

static void ctx_fini(vctx *c)
{
    free(c->exits);
    free(c->ferried);
    free(c->v);
    free(c->f);
    free(c->terms);
    free(c->task_start);
    free(c->task_end);
    free(c->cargo_ready);
    free(c->group_release);
    free(c->group_entry);
    free(c->sortie_clearance);
    free(c->site_closure);
}

/* Copy the context's findings into the report. */
static dd_status finish(vctx *c, vowned *o)
{
    dd_verify_report *r = &o->r;
    r->n_violations = c->n_found;
    r->n_stored = c->n_v;
    memcpy(r->by_kind, c->by_kind, sizeof r->by_kind);
    o->v = c->v;
    c->v = NULL;
    r->violations = o->v;
    r->n_facts = c->n_facts;
    r->n_facts_stored = c->n_f;
    o->f = c->f;
    c->f = NULL;
    r->facts = o->f;
    size_t n = 0;
    for (size_t i = 0; i < c->n_terms; i++)
        n += !(i >= T_FIXED + c->s->agreement.n_milestones && !c->terms[i].applies);
    o->terms = calloc(n ? n : 1, sizeof *o->terms);
    if (!o->terms)
        return DD_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < c->n_terms; i++) {
        const vterm *t = &c->terms[i];
        /* sites without a closing date of their own have no line */
        if (i >= T_FIXED + c->s->agreement.n_milestones && !t->applies)
            continue;
        dd_verify_term *d = &o->terms[k++];
        d->name = t->name;
        d->n_violations = t->n;
        d->status = !t->applies ? DD_TERM_NA : t->n ? DD_TERM_VIOLATED : DD_TERM_MET;
        d->worst = dd__arena_strdup(&o->arena, !t->applies ? t->na_text : t->worst_text);
        if (!d->worst)
            return DD_ENOMEM;
    }
    r->terms = o->terms;
    r->n_terms = k;
    return DD_OK;
}

/* The sorties marked departed that are history: at or before the plan's
 * as_of. A mark on a departure after it is a claim about the future: the
 * sortie is judged as planned, and the mark reported. */
static void mark_history(vctx *c, vplan *p)
{
    char a[32], b[32];
    for (size_t i = 0; i < p->n_sorties; i++) {
        vsortie *x = &p->sorties[i];
        x->recorded = x->departed && p->as_of != DD_TIME_NONE && x->dep <= p->as_of;
        if (!x->departed || x->recorded)
            continue;
        dd__vf_time(c, x->dep, a, sizeof a);
        dd__vf_time(c, p->as_of, b, sizeof b);
        dd__vf_add(c, DD_V_FORMAT, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                   "sortie %lld is marked departed at %s, after the plan's as_of %s: a "
                   "departure yet to come is not history, and is judged as planned",
                   (long long)x->id, a, b);
    }
}

dd_status dd_verify_plan(const dd_scenario *s, const char *plan_path, const char *text,
                         size_t len, dd_verify_report **out)
{
    *out = NULL;
    vowned *o = calloc(1, sizeof *o);
    if (!o)
        return DD_ENOMEM;
    dd__arena_init(&o->arena, 0);
    dd_verify_report *r = &o->r;
    r->scenario = s;
    dd_diags_init(&r->errors, DD_DIAGS_DEFAULT_MAX);
    r->plan_path = dd__arena_strdup(&o->arena, plan_path ? plan_path : "plan");
    if (!r->plan_path) {
        dd_verify_report_free(r);
        return DD_ENOMEM;
    }
    vplan p;
    dd_status st = dd__verify_parse(s, &o->arena, r->plan_path, text, len, &r->errors, &p);
    if (st == DD_EINPUT) {
        *out = r;
        return DD_EINPUT;
    }
    if (st != DD_OK) {
        dd_verify_report_free(r);
        return st;
    }
    r->n_sorties = p.n_sorties;
    r->n_clearances = p.n_clearances;
    r->n_commercial = p.n_commercial;
    vctx c = {.s = s, .p = &p, .arena = &o->arena};
    if (!setup_terms(&c) || !derive(&c)) {
        ctx_fini(&c);
        dd_verify_report_free(r);
        return DD_ENOMEM;
    }
    mark_history(&c, &p);
    dd__vf_check_summary(&c);
    dd__vf_check_loads(&c);
    dd__vf_check_cargo_flow(&c);
    dd__vf_check_clearances(&c);
    dd__vf_check_itineraries(&c);
    dd__vf_check_mog(&c);
    dd__vf_check_crews(&c);
    dd__vf_check_hubs(&c);
    dd__vf_check_tasks(&c);
    dd__vf_check_people(&c);
    dd__vf_check_releases(&c);
    dd__vf_check_sites(&c);
    dd__vf_check_goals(&c);
    dd__vf_check_legs(&c);
    dd__vf_check_stops(&c);
    for (size_t i = 0; i < p.n_sorties; i++)
        for (size_t k = 0; k < p.sorties[i].n_pax; k++)
            r->people_moved += p.sorties[i].pax[k].count;
    for (size_t i = 0; i < p.n_commercial; i++)
        for (size_t k = 0; k < p.commercial[i].n_pax; k++)
            r->people_moved += p.commercial[i].pax[k].count;
    for (size_t i = 0; i < p.n_sorties; i++) {
        const vsortie *x = &p.sorties[i];
        for (size_t k = 0; k < x->n_bulky; k++)
            r->pieces_moved += x->bulky[k].count;
        for (size_t k = 0; k < x->n_pallets; k++)
            for (size_t q = 0; q < x->pallets[k].n_pieces; q++)
                r->pieces_moved += x->pallets[k].pieces[q].count;
    }
    st = c.oom ? DD_ENOMEM : finish(&c, o);
    ctx_fini(&c);
    if (st != DD_OK) {
        dd_verify_report_free(r);
        return st;
    }
    *out = r;
    return DD_OK;
}

void dd_verify_report_free(dd_verify_report *r)
{
    if (!r)
        return;
    vowned *o = (vowned *)r;
    dd_diags_fini(&o->r.errors);
    free(o->v);
    free(o->f);
    free(o->terms);
    dd__arena_fini(&o->arena);
    free(o);
}
