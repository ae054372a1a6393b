/* SPDX-License-Identifier: MIT */
/*
 * What each route answers, as JSON, already cut to what the role may see
 * (docs/serve.md has the matrix). The host liaison's status is the
 * status --json of the log passed through an allow-list of fields: a
 * field added to the status later stays hidden from the host until it is
 * listed here. The clearance requests carry what the host needs to decide
 * — aircraft type, call sign, window, route, passengers, hazard classes,
 * weapons aboard — and nothing of the load itself.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/json.h"
#include "model/units.h"
#include "read/ytree.h"
#include "serve/serve_int.h"

/* ---- the status, filtered -------------------------------------------------- */

/* The host liaison's fields of the server's status. Not there: tasks
 * (and late tasks), tails down, people and cargo per site, unplaced
 * sorties, the link to the sortie list (not the host's route). */
static const char *const host_fields[] = {
    "format", "version", "at", "events",
    "sorties.planned", "sorties.due", "sorties.departed", "sorties.overdue",
    "sorties.aborted",
    "clearances.due", "clearances.approved", "clearances.denied", "clearances.pending",
    "clearances.overdue", "clearances.to_file_anew",
    "processing.processed", "processing.planned",
    "projection.completion_planned", "projection.completion", "projection.slip_hours",
    "projection.deadline_met", "projection.terms_met",
    "sites[].id", "sites[].processed", "sites[].processed_planned", "sites[].closed_until",
    "sites[].last_departure", "sites[].close_by",
    "today.next_sorties[].id", "today.next_sorties[].site", "today.next_sorties[].state",
    "today.next_sorties[].clearance", "today.next_sorties[].planned",
    "today.next_sorties[].projected",
    "today.clearances_to_file.by", "today.clearances_to_file.count",
    "today.clearances_to_file.list[].sortie", "today.clearances_to_file.list[].site",
    "today.clearances_to_file.list[].file_by", "today.clearances_to_file.list[].window_from",
    "today.clearances_to_file.list[].window_to",
    "today.clearances_pending.count", "today.clearances_pending.list[].sortie",
    "today.clearances_pending.list[].site", "today.clearances_pending.list[].file_by",
    "today.clearances_pending.list[].window_from", "today.clearances_pending.list[].window_to",
    "today.late.sorties.count", "today.late.sorties.list[].id", "today.late.sorties.list[].site",
    "today.late.sorties.list[].state", "today.late.sorties.list[].clearance",
    "today.late.sorties.list[].planned", "today.late.sorties.list[].projected",
    "today.late.clearances.count", "today.late.clearances.list[].sortie",
    "today.late.clearances.list[].site", "today.late.clearances.list[].file_by",
    "today.late.clearances.list[].window_from", "today.late.clearances.list[].window_to",
    "links.clearances", "links.events",
};

static bool host_allowed(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof host_fields / sizeof *host_fields; i++) {
        const char *f = host_fields[i];
        if (!strcmp(f, path))
            return true;
        /* a container of an allowed field */
        if (!strncmp(f, path, n) && (f[n] == '.' || f[n] == '['))
            return true;
    }
    return false;
}

static void scalar(dd_jw *w, const dd_ynode *v)
{
    if (v->quoted) {
        dd__jw_str(w, v->text);
    } else if (!strcmp(v->text, "null")) {
        dd__jw_null(w);
    } else if (!strcmp(v->text, "true") || !strcmp(v->text, "false")) {
        dd__jw_bool(w, v->text[0] == 't');
    } else if (strpbrk(v->text, ".eE")) {
        dd__jw_num(w, strtod(v->text, NULL));
    } else {
        dd__jw_int(w, strtoll(v->text, NULL, 10));
    }
}

static void emit(dd_jw *w, const dd_ynode *v, char *path, size_t plen, size_t cap, bool host)
{
    if (v->kind == DD_Y_SCALAR) {
        scalar(w, v);
    } else if (v->kind == DD_Y_SEQ) {
        dd__jw_arr(w);
        if (plen + 2 < cap) {
            memcpy(path + plen, "[]", 3);
            for (uint32_t i = 0; i < v->n; i++)
                emit(w, v->items[i], path, plen + 2, cap, host);
            path[plen] = 0;
        }
        dd__jw_arr_end(w);
    } else {
        dd__jw_obj(w);
        for (uint32_t i = 0; i < v->n; i++) {
            const char *k = v->pairs[i].key->text;
            size_t kl = strlen(k);
            if (plen + kl + 2 >= cap)
                continue;
            size_t at = plen;
            if (plen)
                path[at++] = '.';
            memcpy(path + at, k, kl + 1);
            /* the sortie list is the list route's (GET /sorties) */
            bool keep = strcmp(path, "sortie_list") != 0 && (!host || host_allowed(path));
            if (keep) {
                dd__jw_key(w, k);
                emit(w, v->pairs[i].value, path, at + kl, cap, host);
            }
            path[plen] = 0;
        }
        dd__jw_obj_end(w);
    }
}

static dd_status emit_one(const dd_ynode *root, bool host, dd__buf *out)
{
    dd__out o;
    if (!dd__out_open(&o))
        return DD_ENOMEM;
    dd_jw w;
    dd__jw_init(&w, o.f, false);
    char path[256] = "";
    emit(&w, root, path, 0, sizeof path, host);
    dd_status we = dd__jw_end(&w);
    dd_status st = dd__out_close(&o);
    if (st == DD_OK && we != DD_OK) {
        free(o.p);
        st = we;
    }
    if (st == DD_OK) {
        out->p = o.p;
        out->n = o.n;
    }
    return st;
}

dd_status dd__status_filter(const char *json, size_t len, dd__buf out[2])
{
    memset(out, 0, 2 * sizeof *out);
    dd_arena a;
    dd__arena_init(&a, 1 << 16);
    dd_diags d;
    dd_diags_init(&d, 2);
    dd_ynode *root = NULL;
    dd_status st = dd__ytree_parse(&a, "status", json, len, true, &d, &root);
    dd_diags_fini(&d);
    for (int k = 0; k < 2 && st == DD_OK; k++)
        st = emit_one(root, k == 1, &out[k]);
    dd__arena_fini(&a);
    return st;
}

/* ---- helpers ------------------------------------------------------------------ */

int32_t dd__sortie_site(const dd__slog *l, int32_t sortie)
{
    const dd_plan *p = dd__slog_plan(l);
    if (sortie < 1 || (size_t)sortie > p->n_sorties)
        return -1;
    return p->sorties[sortie - 1].site;
}

static int32_t passengers(const dd_sortie *so)
{
    int32_t n = 0;
    for (size_t k = 0; k < so->n_pax; k++)
        n += so->pax[k].count;
    return n;
}

static const dd_load *load_of(const dd_plan *p, const dd_sortie *so)
{
    if (so->load < 0 || !p->loads || (size_t)so->load >= p->loads->n_loads)
        return NULL;
    return &p->loads->loads[so->load];
}

/* Weapons aboard, as the host is told: explosives (hazard class 1.x) or
 * sensitive items (arms and their ammunition travel as sensitive). */
static bool weapons(const dd_scenario *s, const dd_load *ld)
{
    if (!ld)
        return false;
    if (ld->sensitive)
        return true;
    for (size_t c = 0; c < s->hazard.n_classes && c < 32; c++)
        if ((ld->hazards >> c & 1u) && s->hazard.classes[c][0] == '1')
            return true;
    return false;
}

static void call_sign(const dd_scenario *s, const dd_sortie *so, int32_t id, char *buf,
                      size_t size)
{
    char t[16];
    size_t k = 0;
    for (const char *c = s->aircraft[so->aircraft].id; *c && k < 8; c++)
        if ((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
            t[k++] = *c;
        else if (*c >= 'a' && *c <= 'z')
            t[k++] = (char)(*c - 'a' + 'A');
    t[k] = 0;
    snprintf(buf, size, "%s%04d", t, (int)id);
}

/* ---- clearance requests: the host liaison's view --------------------------- */

static void clearance(dd_jw *w, const dd__slog *l, const dd__snap *n, size_t i)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    const dd_sortie *so = &p->sorties[i];
    const dd_track_sortie *ts = &n->st->sorties[i];
    const dd_clearance_req *c = so->clearance >= 0 ? &p->clearances[so->clearance] : NULL;
    const dd_load *ld = load_of(p, so);
    char cs[32];
    call_sign(s, so, (int32_t)i + 1, cs, sizeof cs);
    dd__jw_obj(w);
    dd__jw_kint(w, "sortie", (int64_t)i + 1);
    dd__jw_kstr(w, "call_sign", cs);
    dd__jw_kstr(w, "aircraft", s->aircraft[so->aircraft].id);
    dd__jw_kstr(w, "aircraft_name", s->aircraft[so->aircraft].name);
    dd__jw_kstr(w, "from", s->sites[so->site].icao);
    dd__jw_kstr(w, "site", s->sites[so->site].id);
    /* a leg inside the country lands at a site, not a destination */
    dd__jw_kstr(w, "to", so->kind == DD_SORTIE_LEG ? s->sites[so->to_site].icao
                                                   : s->hubs[so->hub].icao);
    dd__jw_time(w, s, "file_by", c ? c->file_by : DD_TIME_NONE);
    dd__jw_time(w, s, "window_from", ts->window_from);
    dd__jw_time(w, s, "window_to", ts->window_to);
    dd__jw_time(w, s, "departure_planned", so->departure);
    /* as the events stand (the status may be a re-plan behind) */
    dd_request_state rq = ts->request;
    int32_t last = n->clearance_ev[i];
    if (last) {
        dd_event_kind k = n->ev->v[last - 1].kind;
        rq = k == DD_EV_FILED ? DD_REQ_FILED : k == DD_EV_APPROVED ? DD_REQ_APPROVED : DD_REQ_DENIED;
    } else if (rq == DD_REQ_FILED || rq == DD_REQ_APPROVED || rq == DD_REQ_DENIED) {
        rq = DD_REQ_OVERDUE; /* its events retracted since the status */
    }
    dd__jw_kstr(w, "state", dd_request_state_name(rq));
    dd__jw_kint(w, "passengers", passengers(so));
    dd__jw_key(w, "hazard_classes");
    dd__jw_arr(w);
    for (size_t k = 0; ld && k < s->hazard.n_classes && k < 32; k++)
        if (ld->hazards >> k & 1u)
            dd__jw_str(w, s->hazard.classes[k]);
    dd__jw_arr_end(w);
    dd__jw_kbool(w, "weapons", weapons(s, ld));
    /* the decision: the last clearance event of the sortie not retracted */
    size_t dec_n = (size_t)n->decision_ev[i];
    const dd_event *dec = dec_n ? &n->ev->v[dec_n - 1] : NULL;
    dd__jw_key(w, "decision");
    if (dec) {
        dd__jw_obj(w);
        dd__jw_kint(w, "event", (int64_t)dec_n);
        dd__jw_kstr(w, "decision", dec->kind == DD_EV_APPROVED ? "approved" : "denied");
        dd__jw_time(w, s, "at", dec->at);
        dd__jw_kstr(w, "reason", dec->note);
        dd__jw_obj_end(w);
    } else {
        dd__jw_null(w);
    }
    dd__jw_obj_end(w);
}

/* Whether sortie i is in the time filter of page g (its planned
 * departure in [from, to)). */
static bool in_window(const dd_plan *p, const dd__range *g, size_t i)
{
    dd_time t = p->sorties[i].departure;
    return (g->from == DD_TIME_NONE || t >= g->from) && (g->to == DD_TIME_NONE || t < g->to);
}

/* A page's walk: every sortie of the filter is counted, those from
 * number g.first on are shown up to g.count, the first one past it is
 * where the next page starts. */
typedef struct page_walk {
    size_t lo, shown, total, next;
    const char *route;
} page_walk;

/* {"<key>": [ ... opened on w. */
static void list_open(dd_jw *w, FILE *f, const char *key)
{
    dd__jw_init(w, f, false);
    dd__jw_obj(w);
    dd__jw_key(w, key);
    dd__jw_arr(w);
}

/* A page of a route's list. */
static void walk_open(page_walk *k, dd_jw *w, FILE *f, const dd__range *g, const char *route)
{
    *k = (page_walk){.lo = g->first > 1 ? g->first - 1 : 0, .route = route};
    list_open(w, f, route);
}

/* Whether sortie i (in the filter) goes on this page. */
static bool walk_show(page_walk *k, const dd__range *g, size_t i)
{
    k->total++;
    if (i < k->lo)
        return false;
    if (k->shown < g->count) {
        k->shown++;
        return true;
    }
    if (!k->next)
        k->next = i + 1;
    return false;
}

/* The page's end: the list closed, how many in the filter, and the link
 * to the next page (null on the last). */
static dd_status walk_close(dd_jw *w, const page_walk *k, const dd__range *g)
{
    dd__jw_arr_end(w);
    dd__jw_kint(w, "total", (int64_t)k->total);
    dd__jw_key(w, "next");
    if (k->next) {
        char link[256];
        snprintf(link, sizeof link, "/api/v1/%s?%s%sfirst=%zu&count=%zu", k->route, g->query,
                 g->query[0] ? "&" : "", k->next, g->count);
        dd__jw_str(w, link);
    } else {
        dd__jw_null(w);
    }
    dd__jw_obj_end(w);
    return dd__jw_end(w);
}

/* What a paged list keeps of the sorties a user may see, and what it
 * shows of one. */
typedef bool (*walk_keep)(const dd_sortie *so, const dd__session *u);
typedef void (*walk_item)(dd_jw *w, const dd__slog *l, const dd__snap *n, size_t i);

/* A page of a list of sorties: those kept, in the time window, from
 * g.first on. */
static dd_status walk(const dd__slog *l, const dd__snap *n, const dd__session *u, dd__range g,
                      FILE *f, const char *route, walk_keep keep, walk_item item)
{
    const dd_plan *p = dd__slog_plan(l);
    dd_jw w;
    page_walk pw;
    walk_open(&pw, &w, f, &g, route);
    for (size_t i = 0; i < p->n_sorties; i++)
        if (keep(&p->sorties[i], u) && in_window(p, &g, i) && walk_show(&pw, &g, i))
            item(&w, l, n, i);
    return walk_close(&w, &pw, &g);
}

static bool has_request(const dd_sortie *so, const dd__session *u)
{
    (void)u;
    return so->clearance >= 0;
}

dd_status dd__view_clearances(const dd__slog *l, const dd__snap *n, dd__range g, FILE *f)
{
    return walk(l, n, NULL, g, f, "clearances", has_request, clearance);
}

dd_status dd__view_clearance(const dd__slog *l, const dd__snap *n, int32_t sortie, FILE *f)
{
    dd_jw w;
    dd__jw_init(&w, f, false);
    clearance(&w, l, n, (size_t)sortie - 1);
    return dd__jw_end(&w);
}

/* ---- sorties, with their loads ------------------------------------------------ */

static bool site_ok(const dd__session *u, int32_t site)
{
    return u->role != DD_USER_MOVEMENT || u->site_index < 0 || u->site_index == site;
}

static void load_items(dd_jw *w, const dd__slog *l, const dd_plan *p, const dd_load *ld)
{
    const dd_scenario *s = dd__slog_scenario(l);
    dd__jw_key(w, "items");
    dd__jw_arr(w);
    for (size_t k = 0; k < ld->n_items; k++) {
        const dd_load_item *it = &ld->items[k];
        if (it->kind == DD_LI_PALLET) {
            const dd_pallet *pl = &p->loads->pallets[it->ref];
            for (size_t m = 0; m < pl->n_pieces; m++) {
                dd__jw_obj(w);
                dd__jw_kstr(w, "kind", "pallet");
                dd__jw_kint(w, "pallet", it->ref + 1);
                dd_cargo c = dd__slog_cargo(l, pl->pieces[m].cargo);
                dd__jw_kstr(w, "cargo", c.id);
                dd__jw_kstr(w, "description", c.description);
                dd__jw_kint(w, "count", pl->pieces[m].count);
                dd__jw_obj_end(w);
            }
        } else if (it->kind == DD_LI_BULKY) {
            dd__jw_obj(w);
            dd__jw_kstr(w, "kind", "bulky");
            dd_cargo c = dd__slog_cargo(l, it->ref);
            dd__jw_kstr(w, "cargo", c.id);
            dd__jw_kstr(w, "description", c.description);
            dd__jw_kint(w, "count", it->count);
            dd__jw_obj_end(w);
        } else {
            dd__jw_obj(w);
            dd__jw_kstr(w, "kind", "people");
            dd__jw_kstr(w, "group", s->people[it->ref].id);
            dd__jw_kint(w, "count", it->count);
            dd__jw_obj_end(w);
        }
    }
    dd__jw_arr_end(w);
}

static void sortie_item(dd_jw *w, const dd__slog *l, const dd__snap *n, size_t i)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    const dd_sortie *so = &p->sorties[i];
    const dd_track_sortie *ts = &n->st->sorties[i];
    const dd_load *ld = load_of(p, so);
    char cs[32];
    call_sign(s, so, (int32_t)i + 1, cs, sizeof cs);
    dd__jw_obj(w);
    dd__jw_kint(w, "id", (int64_t)i + 1);
    dd__jw_kstr(w, "call_sign", cs);
    dd__jw_kstr(w, "aircraft", s->aircraft[so->aircraft].id);
    dd__jw_kint(w, "tail", so->tail + 1);
    dd__jw_kstr(w, "site", s->sites[so->site].id);
    dd__jw_kstr(w, "hub", so->kind == DD_SORTIE_LEG ? s->sites[so->to_site].id
                                                     : s->hubs[so->hub].id);
    dd__jw_time(w, s, "arrival_at_site", so->arrival_at_site);
    dd__jw_time(w, s, "departure", so->departure);
    dd__jw_time(w, s, "arrival", so->arrival);
    dd__jw_kstr(w, "state", dd_sortie_state_name(ts->state));
    dd__jw_time(w, s, "departed", ts->departed);
    dd__jw_time(w, s, "projected", ts->projected);
    dd__jw_kstr(w, "clearance", dd_request_state_name(ts->request));
    dd__jw_kbool(w, "keeps_clearance", ts->keeps_clearance);
    dd__jw_time(w, s, "window_from", ts->window_from);
    dd__jw_time(w, s, "window_to", ts->window_to);
    dd__jw_knum(w, "weight_kg", so->weight_kg);
    dd__jw_knum(w, "acl_kg", so->acl_kg);
    dd__jw_kint(w, "passengers", passengers(so));
    dd__jw_key(w, "load");
    if (ld) {
        dd__jw_obj(w);
        dd__jw_kint(w, "id", so->load + 1);
        dd__jw_kint(w, "pallets", ld->pallets);
        dd__jw_kbool(w, "sensitive", ld->sensitive);
        load_items(w, l, p, ld);
        dd__jw_obj_end(w);
    } else {
        dd__jw_null(w);
    }
    dd__jw_obj_end(w);
}

static bool on_site(const dd_sortie *so, const dd__session *u)
{
    return site_ok(u, so->site);
}

dd_status dd__view_sorties(const dd__slog *l, const dd__snap *n, const dd__session *u,
                           dd__range g, FILE *f)
{
    return walk(l, n, u, g, f, "sorties", on_site, sortie_item);
}

/* ---- manifests: who flies on each sortie --------------------------------------- */

static void manifest_item(dd_jw *w, const dd__slog *l, const dd__snap *n, size_t i)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    const dd_sortie *so = &p->sorties[i];
    dd__jw_obj(w);
    dd__jw_kint(w, "sortie", (int64_t)i + 1);
    dd__jw_kstr(w, "site", s->sites[so->site].id);
    dd__jw_time(w, s, "departure", so->departure);
    dd__jw_kstr(w, "state", dd_sortie_state_name(n->st->sorties[i].state));
    dd__jw_key(w, "groups");
    dd__jw_arr(w);
    for (size_t k = 0; k < so->n_pax; k++) {
        const dd_people *grp = &s->people[so->pax[k].people];
        dd__jw_obj(w);
        dd__jw_kstr(w, "group", grp->id);
        dd__jw_kstr(w, "unit", grp->unit);
        dd__jw_kstr(w, "role", dd_role_name(grp->role));
        dd__jw_kint(w, "count", so->pax[k].count);
        dd__jw_kbool(w, "escort", so->pax[k].escort);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
    dd__jw_obj_end(w);
}

static bool carries_people(const dd_sortie *so, const dd__session *u)
{
    return site_ok(u, so->site) && so->n_pax;
}

dd_status dd__view_manifests(const dd__slog *l, const dd__snap *n, const dd__session *u,
                             dd__range g, FILE *f)
{
    return walk(l, n, u, g, f, "manifests", carries_people, manifest_item);
}

/* ---- entry and exit of personnel per day: counts only -------------------------- */

static void day_text(const dd_scenario *s, int32_t day, char *buf, size_t size)
{
    char t[40];
    dd_scenario_format_time(s, dd_scenario_day_start(s, day), s->agreement.tz_offset, t,
                            sizeof t);
    char *T = strchr(t, 'T');
    if (T)
        *T = 0;
    snprintf(buf, size, "%s", t);
}

/* The index of `day` in a site's days (sorted), or -1. */
static ptrdiff_t day_index(const dd_site_plan *sp, int32_t day)
{
    size_t lo = 0, hi = sp->n_days;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (sp->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sp->n_days && sp->days[lo].day == day ? (ptrdiff_t)lo : -1;
}

/* Per site and plan day: people processed (the events) and entering
 * (the plan's arrivals); one pass over each, indexed like the days. */
static bool exit_counts(const dd_plan *p, const dd__snap *n, int64_t **proc_out,
                        int64_t **entries_out, size_t **off_out)
{
    const dd_scenario *s = p->scenario;
    size_t *off = calloc(s->n_sites + 1, sizeof *off);
    if (!off)
        return false;
    for (size_t k = 0; k < s->n_sites; k++)
        off[k + 1] = off[k] + p->sites[k].n_days;
    int64_t *proc = calloc(off[s->n_sites] + 1, sizeof *proc);
    int64_t *ent = calloc(off[s->n_sites] + 1, sizeof *ent);
    if (!proc || !ent) {
        free(off);
        free(proc);
        free(ent);
        return false;
    }
    for (size_t e = 0; e < n->ev->n; e++) {
        const dd_event *ev = &n->ev->v[e];
        if (ev->kind != DD_EV_PROCESSED || n->retracted_by[e] || ev->index < 0 ||
            (size_t)ev->index >= s->n_people)
            continue;
        int32_t k = s->people[ev->index].site;
        ptrdiff_t d = day_index(&p->sites[k], dd_scenario_day(s, ev->at));
        if (d >= 0)
            proc[off[k] + (size_t)d] += ev->count;
    }
    for (size_t g = 0; p->arrived && g < s->n_people; g++) {
        if (p->arrived[g] == DD_TIME_NONE)
            continue;
        int32_t k = s->people[g].site;
        ptrdiff_t d = day_index(&p->sites[k], dd_scenario_day(s, p->arrived[g]));
        if (d >= 0)
            ent[off[k] + (size_t)d] += s->people[g].count;
    }
    *proc_out = proc;
    *entries_out = ent;
    *off_out = off;
    return true;
}

/* The augmentees arriving, from the approved plan, and when each entry
 * request is due (the agreement's lead time before the arrival): for the
 * staff per group and site; for the host liaison per day, counts only
 * (the groups and sites would tell the strength per site). */
static void arrivals(dd_jw *w, const dd_plan *p, bool host)
{
    const dd_scenario *s = p->scenario;
    dd_time lead = s->agreement.personnel.entry_lead;
    dd__jw_key(w, "arrivals");
    dd__jw_arr(w);
    if (!host) {
        for (size_t g = 0; p->arrived && g < s->n_people; g++) {
            if (p->arrived[g] == DD_TIME_NONE)
                continue;
            dd__jw_obj(w);
            dd__jw_kstr(w, "group", s->people[g].id);
            dd__jw_kstr(w, "site", s->sites[s->people[g].site].id);
            dd__jw_kint(w, "people", s->people[g].count);
            dd__jw_time(w, s, "arrival", p->arrived[g]);
            dd__jw_time(w, s, "entry_request_by", p->arrived[g] - lead);
            dd__jw_obj_end(w);
        }
    } else {
        /* per host day: people arriving, and the earliest request due */
        size_t n = 0;
        int32_t *days = malloc((s->n_people + 1) * sizeof *days);
        for (size_t g = 0; days && p->arrived && g < s->n_people; g++)
            if (p->arrived[g] != DD_TIME_NONE)
                days[n++] = dd_scenario_day(s, p->arrived[g]);
        for (size_t i = 1; i < n; i++) /* few groups arrive: insertion sort */
            for (size_t j = i; j > 0 && days[j - 1] > days[j]; j--) {
                int32_t t = days[j];
                days[j] = days[j - 1];
                days[j - 1] = t;
            }
        for (size_t i = 0; i < n; i++) {
            if (i && days[i] == days[i - 1])
                continue;
            int64_t people = 0;
            dd_time first = DD_TIME_NONE;
            for (size_t g = 0; g < s->n_people; g++)
                if (p->arrived[g] != DD_TIME_NONE &&
                    dd_scenario_day(s, p->arrived[g]) == days[i]) {
                    people += s->people[g].count;
                    if (first == DD_TIME_NONE || p->arrived[g] < first)
                        first = p->arrived[g];
                }
            char date[40];
            day_text(s, days[i], date, sizeof date);
            dd__jw_obj(w);
            dd__jw_kstr(w, "date", date);
            dd__jw_kint(w, "entering", people);
            dd__jw_time(w, s, "entry_request_by", first - lead);
            dd__jw_obj_end(w);
        }
        free(days);
    }
    dd__jw_arr_end(w);
}

dd_status dd__view_exits(const dd__slog *l, const dd__snap *n, bool host, FILE *f)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    int64_t *proc = NULL, *ent = NULL;
    size_t *off = NULL;
    if (!exit_counts(p, n, &proc, &ent, &off))
        return DD_ENOMEM;
    dd_jw w;
    list_open(&w, f, "sites");
    for (size_t k = 0; k < s->n_sites; k++) {
        const dd_site_plan *sp = &p->sites[k];
        dd__jw_obj(&w);
        dd__jw_kstr(&w, "id", s->sites[k].id);
        dd__jw_key(&w, "days");
        dd__jw_arr(&w);
        for (size_t d = 0; d < sp->n_days; d++) {
            int64_t processed = proc[off[k] + d], entries = ent[off[k] + d];
            if (!sp->days[d].exits && !processed && !entries)
                continue;
            char date[40];
            day_text(s, sp->days[d].day, date, sizeof date);
            dd__jw_obj(&w);
            dd__jw_kstr(&w, "date", date);
            dd__jw_kint(&w, "exits_planned", sp->days[d].exits);
            dd__jw_kint(&w, "processed", processed);
            dd__jw_kint(&w, "entries_planned", entries);
            dd__jw_obj_end(&w);
        }
        dd__jw_arr_end(&w);
        dd__jw_obj_end(&w);
    }
    dd__jw_arr_end(&w);
    arrivals(&w, p, host);
    dd__jw_obj_end(&w);
    free(proc);
    free(ent);
    free(off);
    return dd__jw_end(&w);
}

/* ---- the ramp: reservations and when aircraft stand on it ------------------------ */

dd_status dd__view_ramp(const dd__slog *l, const dd__snap *n, FILE *f)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    dd_jw w;
    list_open(&w, f, "sites");
    for (size_t k = 0; k < s->n_sites; k++) {
        const dd_site *site = &s->sites[k];
        dd__jw_obj(&w);
        dd__jw_kstr(&w, "id", site->id);
        dd__jw_kstr(&w, "icao", site->icao);
        dd__jw_kint(&w, "mog", site->mog_total);
        dd__jw_key(&w, "reservations");
        dd__jw_arr(&w);
        for (size_t r = 0; r < site->n_reservations; r++) {
            dd__jw_obj(&w);
            dd__jw_time(&w, s, "from", site->reservations[r].from);
            dd__jw_time(&w, s, "to", site->reservations[r].to);
            dd__jw_kint(&w, "slots", site->reservations[r].slots);
            dd__jw_kstr(&w, "note", site->reservations[r].note);
            dd__jw_obj_end(&w);
        }
        dd__jw_arr_end(&w);
        dd__jw_key(&w, "occupancy");
        dd__jw_arr(&w);
        for (size_t i = 0; i < p->n_sorties; i++) {
            const dd_sortie *so = &p->sorties[i];
            if (so->site != (int32_t)k)
                continue;
            const dd_track_sortie *ts = &n->st->sorties[i];
            dd_time dep = ts->departed != DD_TIME_NONE   ? ts->departed
                          : ts->projected != DD_TIME_NONE ? ts->projected
                                                          : so->departure;
            dd_time on = dep - (so->departure - so->arrival_at_site);
            dd__jw_obj(&w);
            dd__jw_kstr(&w, "aircraft", s->aircraft[so->aircraft].id);
            dd__jw_kstr(&w, "class", s->classes[s->aircraft[so->aircraft].klass]);
            dd__jw_time(&w, s, "on_ramp", on);
            dd__jw_time(&w, s, "off_ramp", dep);
            dd__jw_kbool(&w, "gone", ts->departed != DD_TIME_NONE);
            dd__jw_obj_end(&w);
        }
        dd__jw_arr_end(&w);
        dd__jw_obj_end(&w);
    }
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}

/* ---- events --------------------------------------------------------------------- */

static int32_t event_site(const dd__slog *l, const dd_event *e)
{
    const dd_scenario *s = dd__slog_scenario(l);
    switch (e->kind) {
    case DD_EV_DEPARTED:
    case DD_EV_ABORTED:
    case DD_EV_FILED:
    case DD_EV_APPROVED:
    case DD_EV_DENIED:
        return dd__sortie_site(l, e->sortie);
    case DD_EV_TASK_DONE:
        return e->index >= 0 ? s->tasks[e->index].site : -1;
    case DD_EV_PROCESSED:
        return e->index >= 0 ? s->people[e->index].site : -1;
    case DD_EV_CLOSED:
        return e->index;
    default:
        return -1;
    }
}

static bool clearance_event(dd_event_kind k)
{
    return k == DD_EV_FILED || k == DD_EV_APPROVED || k == DD_EV_DENIED;
}

bool dd__event_visible(const dd__slog *l, const dd__snap *n, size_t i, const dd__session *u)
{
    const dd_event *e = &n->ev->v[i];
    switch (u->role) {
    case DD_USER_PLANNER:
    case DD_USER_COMMANDER:
        return true;
    case DD_USER_MOVEMENT: {
        int32_t site = event_site(l, e);
        return site < 0 || site_ok(u, site);
    }
    case DD_USER_HOST:
        return clearance_event(e->kind);
    default:
        return false;
    }
}

dd_status dd__view_event(const dd__slog *l, const dd__snap *n, size_t i, dd_user_role role,
                         FILE *f)
{
    const dd_scenario *s = dd__slog_scenario(l);
    const dd_event *e = &n->ev->v[i];
    dd_jw w;
    dd__jw_init(&w, f, false);
    dd__jw_obj(&w);
    dd__jw_kint(&w, "n", (int64_t)i + 1);
    dd__jw_time(&w, s, "time", e->at);
    dd__jw_kstr(&w, "event", dd__slog_event_name(e->kind));
    dd__jw_kstr(&w, "subject", e->subject);
    dd__jw_kstr(&w, "value", e->value);
    if (role != DD_USER_HOST || e->kind != DD_EV_FILED)
        dd__jw_kstr(&w, "note", e->note);
    if (role != DD_USER_HOST)
        dd__jw_kstr(&w, "source", e->origin);
    dd__jw_key(&w, "retracted_by");
    if (n->retracted_by[i])
        dd__jw_int(&w, n->retracted_by[i]);
    else
        dd__jw_null(&w);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}

dd_status dd__view_events(const dd__slog *l, const dd__snap *n, int64_t after,
                         const dd__session *u, FILE *f)
{
    dd_jw w;
    dd__jw_init(&w, f, false);
    dd__jw_obj(&w);
    dd__jw_kint(&w, "count", (int64_t)n->ev->n);
    dd__jw_key(&w, "events");
    dd__jw_arr(&w);
    dd_status st = dd__jw_end(&w);
    /* each event is written by dd__view_event; the list is closed here */
    bool first = true;
    for (size_t i = after > 0 ? (size_t)after : 0; st == DD_OK && i < n->ev->n; i++) {
        if (!dd__event_visible(l, n, i, u))
            continue;
        if (!first)
            fputc(',', f);
        first = false;
        st = dd__view_event(l, n, i, u->role, f);
    }
    fputs("]}\n", f);
    return st == DD_OK && !ferror(f) ? DD_OK : DD_EIO;
}
