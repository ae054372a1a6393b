/* SPDX-License-Identifier: MIT */
/*
 * Reading a plan file (docs/plan-format.md) for the verifier. libfyaml
 * parses the JSON into the position-keeping tree of the reading shelf (read/ytree.h);
 * this file walks it with the format's key lists, checks every type, and
 * resolves ids to the scenario's indices. Every problem is a located error
 * (FILE:LINE:COL, field path), collected rather than stopping at the
 * first; the checks run only on a plan read without error. Keys are
 * strict: a key the format does not list is an error, so a misspelt field
 * is never silently ignored. Only `bounds` and `relaxations` are read as
 * opaque (an object and an array).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/jget.h"
#include "read/ytree.h"
#include "verify/verify_int.h"

#define PATHN DD__JR_PATHN

/* An id map: open addressing over `cap` slots (a power of two, at
 * least twice the ids), an empty slot's id NULL. */
typedef struct ident {
    const char *id;
    int32_t idx;
    uint32_t hash;
} ident;

typedef struct idmap {
    ident *v;
    size_t cap;
} idmap;

typedef struct prd {
    const dd_scenario *s;
    dd_arena *arena;
    dd__jr j; /* the located reader: file, text, messages, failed, oom */
    int64_t epoch_min; /* the epoch in minutes since 1970 */
    size_t n_sorties, n_clearances;
    bool has_sorties, has_clearances; /* the arrays are there to refer to */
    bool has_as_of;                   /* the plan states when its history ends */
    idmap cargo, people, tasks, sites, hubs, stops, aircraft, milestones;
} prd;

/* The reading shelf's getters (read/jget.h) on the plan file. */
#define perr(r, ...) dd__jr_err(&(r)->j, __VA_ARGS__)
#define is_null dd__jr_is_null
#define type_name dd__jr_type
#define lookup dd__jr_lookup
#define subpath dd__jr_path

/* ---- id lookups ---- */

static uint32_t id_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

static bool idmap_build(prd *r, idmap *m, size_t n, const char *(*get)(const dd_scenario *, size_t))
{
    m->cap = 1;
    while (m->cap < 2 * n)
        m->cap *= 2;
    m->v = dd__arena_array(r->arena, m->cap, sizeof *m->v);
    if (!m->v)
        return false;
    memset(m->v, 0, m->cap * sizeof *m->v);
    for (size_t i = 0; i < n; i++) {
        const char *id = get(r->s, i);
        uint32_t h = id_hash(id);
        size_t k = h & (m->cap - 1);
        while (m->v[k].id) /* (the scenario's ids are unique) */
            k = (k + 1) & (m->cap - 1);
        m->v[k] = (ident){id, (int32_t)i, h};
    }
    return true;
}

static int32_t idmap_find(const idmap *m, const char *id)
{
    uint32_t h = id_hash(id);
    for (size_t k = h & (m->cap - 1); m->v[k].id; k = (k + 1) & (m->cap - 1))
        if (m->v[k].hash == h && strcmp(m->v[k].id, id) == 0)
            return m->v[k].idx;
    return -1;
}

static const char *get_cargo(const dd_scenario *s, size_t i) { return s->cargo[i].id; }
static const char *get_people(const dd_scenario *s, size_t i) { return s->people[i].id; }
static const char *get_task(const dd_scenario *s, size_t i) { return s->tasks[i].id; }
static const char *get_site(const dd_scenario *s, size_t i) { return s->sites[i].id; }
static const char *get_hub(const dd_scenario *s, size_t i) { return s->hubs[i].id; }
static const char *get_stop(const dd_scenario *s, size_t i) { return s->stops[i].id; }
static const char *get_aircraft(const dd_scenario *s, size_t i) { return s->aircraft[i].id; }
static const char *get_ms(const dd_scenario *s, size_t i)
{
    return s->agreement.milestones[i].id;
}

/* ---- typed values ---- */

static const char *show(const dd_ynode *n)
{
    return n->kind == DD_Y_SCALAR ? n->text : "";
}

static dd_ynode *need(prd *r, const dd_ynode *map, const char *path, const char *key)
{
    return dd__jr_need(&r->j, map, path, key);
}

static void check_keys(prd *r, const dd_ynode *map, const char *path, const char *const *keys)
{
    dd__jr_keys(&r->j, map, path, keys);
}

static bool want_kind(prd *r, const dd_ynode *v, const char *path, dd_ykind kind)
{
    return dd__jr_kind(&r->j, v, path, kind);
}

/* Is v an object (with only the keys `keys` lists)? */
static bool object(prd *r, const dd_ynode *v, const char *path, const char *const *keys)
{
    if (!dd__jr_kind(&r->j, v, path, DD_Y_MAP))
        return false;
    dd__jr_keys(&r->j, v, path, keys);
    return true;
}

/* Object at map[key] (must be an object), with its keys checked. */
static dd_ynode *get_obj(prd *r, const dd_ynode *map, const char *path, const char *key,
                         const char *const *keys)
{
    return dd__jr_obj(&r->j, map, path, key, keys);
}

static dd_ynode *get_arr(prd *r, const dd_ynode *map, const char *path, const char *key)
{
    return dd__jr_arr(&r->j, map, path, key, false);
}

static const dd_ynode *get_str(prd *r, const dd_ynode *map, const char *path, const char *key)
{
    return dd__jr_str(&r->j, map, path, key, 0);
}

static bool get_num(prd *r, const dd_ynode *map, const char *path, const char *key,
                    bool nullable, double *out)
{
    return dd__jr_num(&r->j, map, path, key, nullable, out);
}

/* A whole number >= min (at most 10^12: every sum of counts stays far
 * from overflow). */
static bool get_int(prd *r, const dd_ynode *map, const char *path, const char *key,
                    int64_t min, int64_t *out)
{
    return dd__jr_int(&r->j, map, path, key, min, 1000000000000, out);
}

static bool get_bool(prd *r, const dd_ynode *map, const char *path, const char *key, bool *out)
{
    return dd__jr_bool(&r->j, map, path, key, out);
}

/* A UTC time as minutes since the plan's epoch (DD_TIME_NONE for null). */
static bool get_time(prd *r, const dd_ynode *map, const char *path, const char *key,
                     bool nullable, dd_time *out)
{
    int64_t u;
    bool null;
    if (!dd__jr_utc(&r->j, map, path, key, nullable, &u, &null))
        return false;
    *out = null ? DD_TIME_NONE : u / 60 - r->epoch_min;
    return true;
}

/* A host-country date to its day number. */
static bool get_date(prd *r, const dd_ynode *map, const char *path, const char *key,
                     int32_t *out)
{
    int64_t days;
    if (!dd__jr_date(&r->j, map, path, key, &days))
        return false;
    dd_time midnight = days * DD_MINUTES_PER_DAY - r->s->agreement.tz_offset - r->epoch_min;
    *out = dd_scenario_day(r->s, midnight);
    return true;
}

/* A string naming a scenario id of `what`. */
static int32_t get_ref(prd *r, const dd_ynode *map, const char *path, const char *key,
                       const idmap *m, const char *what)
{
    const dd_ynode *v = get_str(r, map, path, key);
    if (!v)
        return -1;
    int32_t i = idmap_find(m, v->text);
    if (i < 0) {
        char p[PATHN];
        subpath(p, path, key);
        perr(r, v, p, "unknown %s '%s'", what, v->text);
    }
    return i;
}

/* A plan sortie id (1..n), or null when nullable (*out = -1). */
static bool get_sortie_ref(prd *r, const dd_ynode *map, const char *path, const char *key,
                           bool nullable, int32_t *out)
{
    dd_ynode *v = need(r, map, path, key);
    if (!v)
        return false;
    if (nullable && is_null(v)) {
        *out = -1;
        return true;
    }
    int64_t id;
    if (!get_int(r, map, path, key, 1, &id))
        return false;
    if ((uint64_t)id > r->n_sorties && r->has_sorties) {
        char p[PATHN];
        subpath(p, path, key);
        perr(r, v, p, "no sortie %lld in the plan (it has %zu)", (long long)id, r->n_sorties);
        return false;
    }
    *out = (int32_t)(id - 1);
    return true;
}

static void *alloc_array(prd *r, size_t n, size_t size)
{
    void *p = dd__arena_array(r->arena, n ? n : 1, size);
    if (!p)
        r->j.oom = true;
    return p;
}

/* The required array map[key]: *n entries of `size` for its items (NULL
 * and 0 when it is missing or not an array, or out of memory); its node in
 * *arr. */
static void *get_list(prd *r, const dd_ynode *map, const char *path, const char *key,
                      size_t size, const dd_ynode **arr, size_t *n)
{
    *n = 0;
    *arr = get_arr(r, map, path, key);
    void *v = *arr ? alloc_array(r, (*arr)->n, size) : NULL;
    if (v)
        *n = (*arr)->n;
    return v;
}

/* Item k of the array at path.key, its path in ip (PATHN bytes). */
static const dd_ynode *item(const dd_ynode *arr, size_t k, const char *path, const char *key,
                            char *ip)
{
    snprintf(ip, PATHN, "%s.%s[%zu]", path, key, k);
    return arr->items[k];
}

/* ---- counts of cargo and people ---- */

static const char *const piece_keys[] = {"cargo", "count", NULL};
static const char *const pax_keys[] = {"people", "count", NULL};
static const char *const escort_keys[] = {"people", "count", "escort", NULL};

/* An array of {cargo|people, count[, escort]} under map[key]. */
static bool get_counts(prd *r, const dd_ynode *map, const char *path, const char *key,
                       bool people, bool escort, vq **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    const dd_ynode *a = get_arr(r, map, path, key);
    if (!a)
        return false;
    vq *v = alloc_array(r, a->n, sizeof *v);
    if (!v)
        return false;
    char base[PATHN];
    subpath(base, path, key);
    for (size_t i = 0; i < a->n; i++) {
        const dd_ynode *e = a->items[i];
        char p[PATHN];
        snprintf(p, sizeof p, "%s[%zu]", base, i);
        v[i] = (vq){-1, 0, false, e->line, e->col};
        if (!want_kind(r, e, p, DD_Y_MAP))
            continue;
        check_keys(r, e, p, !people ? piece_keys : escort ? escort_keys : pax_keys);
        v[i].ref = people ? get_ref(r, e, p, "people", &r->people, "personnel group")
                          : get_ref(r, e, p, "cargo", &r->cargo, "cargo id");
        get_int(r, e, p, "count", 1, &v[i].count);
        if (escort)
            get_bool(r, e, p, "escort", &v[i].escort);
    }
    *out = v;
    *n_out = a->n;
    return true;
}

/* ---- sorties ---- */

static const char *const sortie_keys[] = {"id",        "aircraft",        "tail",
                                          "site",      "destination",     "to_site",
                                          "leg",       "ferry",           "arrival_at_site",
                                          "departure", "arrival",         "departure_local",
                                          "clearance", "load",            "departed",
                                          "stop",      "stops",           NULL};
static const char *const stop_keys[] = {"id", "arrival", "departure", NULL};
static const char *const ferry_keys[] = {"from", "departure", "arrival", "passengers", NULL};
static const char *const load_keys[] = {"weight_kg", "acl_kg", "pallets", "cargo",
                                        "passengers", "floor_m", "seats_available", NULL};
static const char *const pallet_keys[] = {"id", "gross_kg", "height_m", "pieces", NULL};

static void read_load(prd *r, const dd_ynode *ld, const char *p, vsortie *x)
{
    x->load_line = ld->line;
    x->load_col = ld->col;
    get_num(r, ld, p, "weight_kg", false, &x->weight_kg);
    get_num(r, ld, p, "acl_kg", false, &x->acl_kg);
    get_num(r, ld, p, "floor_m", false, &x->floor_m);
    get_int(r, ld, p, "seats_available", 0, &x->seats_available);
    const dd_ynode *pa;
    x->pallets = get_list(r, ld, p, "pallets", sizeof *x->pallets, &pa, &x->n_pallets);
    for (size_t k = 0; k < x->n_pallets; k++) {
        char q[PATHN];
        const dd_ynode *e = item(pa, k, p, "pallets", q);
        vpallet *pl = &x->pallets[k];
        pl->line = e->line;
        pl->col = e->col;
        if (!object(r, e, q, pallet_keys))
            continue;
        get_int(r, e, q, "id", 1, &pl->id);
        get_num(r, e, q, "gross_kg", false, &pl->gross_kg);
        get_num(r, e, q, "height_m", false, &pl->height_m);
        get_counts(r, e, q, "pieces", false, false, &pl->pieces, &pl->n_pieces);
    }
    get_counts(r, ld, p, "cargo", false, false, &x->bulky, &x->n_bulky);
    get_counts(r, ld, p, "passengers", true, true, &x->pax, &x->n_pax);
}

/* Where a sortie flies: out of the country to a destination, or on a leg
 * inside the country to the site `to_site`; an onward sortie names its
 * leg. */
static void read_route(prd *r, const dd_ynode *e, const char *p, vsortie *x)
{
    char q[PATHN];
    subpath(q, p, "to_site");
    const dd_ynode *ts = lookup(e, "to_site");
    if (ts && lookup(e, "destination"))
        perr(r, ts, q,
             "a sortie flies out of the country to a destination or, on a leg inside the "
             "country, to_site a site; not both");
    else if (ts)
        x->to_site = get_ref(r, e, p, "to_site", &r->sites, "site");
    else
        x->dest = get_ref(r, e, p, "destination", &r->hubs, "destination");
    const dd_ynode *lg = lookup(e, "leg");
    if (!lg)
        return;
    x->leg_line = lg->line;
    x->leg_col = lg->col;
    get_sortie_ref(r, e, p, "leg", false, &x->leg);
    if (ts)
        perr(r, ts, q,
             "an onward sortie leaves the country: it names a destination, not to_site (legs "
             "do not chain)");
}

/* One en-route fuel stop {id, arrival, departure} at node st (path q). */
static void read_one_stop(prd *r, const dd_ynode *st, const char *q, int32_t *stop,
                          dd_time *arr, dd_time *dep, uint32_t *line, uint32_t *col)
{
    *line = st->line;
    *col = st->col;
    if (!object(r, st, q, stop_keys))
        return;
    *stop = get_ref(r, st, q, "id", &r->stops, "stop");
    get_time(r, st, q, "arrival", false, arr);
    get_time(r, st, q, "departure", false, dep);
}

/* En-route fuel stops (optional): `stops`, one or two in the order
 * flown, or (plans of earlier versions) one `stop`. */
static void read_stop(prd *r, const dd_ynode *e, const char *p, vsortie *x)
{
    const dd_ynode *one = lookup(e, "stop"), *many = lookup(e, "stops"), *at = one;
    char q[PATHN];
    if (one && many) {
        subpath(q, p, "stops");
        perr(r, many, q, "a sortie names its stops once: stop (one) or stops (a list); not both");
        return;
    }
    if (one) {
        subpath(q, p, "stop");
        read_one_stop(r, one, q, &x->stop, &x->stop_arr, &x->stop_dep, &x->stop_line,
                      &x->stop_col);
    } else if (many) {
        const dd_ynode *a = get_arr(r, e, p, "stops");
        if (!a)
            return;
        subpath(q, p, "stops");
        if (a->n < 1 || a->n > 2) {
            perr(r, a, q, "a sortie lands at one or two stops, in the order flown; got %u",
                 a->n);
            return;
        }
        char ip[PATHN];
        read_one_stop(r, item(a, 0, p, "stops", ip), ip, &x->stop, &x->stop_arr, &x->stop_dep,
                      &x->stop_line, &x->stop_col);
        if (a->n == 2)
            read_one_stop(r, item(a, 1, p, "stops", ip), ip, &x->stop2, &x->stop2_arr,
                          &x->stop2_dep, &x->stop2_line, &x->stop2_col);
        at = a;
    } else {
        return;
    }
    if (x->to_site >= 0)
        perr(r, at, q, "a leg inside the country flies direct: it has no stop");
}

static void read_sortie(prd *r, const dd_ynode *e, size_t i, vsortie *x)
{
    char p[PATHN];
    snprintf(p, sizeof p, "sorties[%zu]", i);
    x->line = e->line;
    x->col = e->col;
    x->type = x->site = x->dest = x->ferry_from = x->to_site = x->leg = x->onward = -1;
    x->stop = x->stop2 = -1;
    if (!object(r, e, p, sortie_keys))
        return;
    if (get_int(r, e, p, "id", 1, &x->id) && x->id != (int64_t)i + 1)
        perr(r, lookup(e, "id"), p,
             "sortie ids run 1, 2, ... in the order of the array: expected %zu, got %lld", i + 1,
             (long long)x->id);
    x->type = get_ref(r, e, p, "aircraft", &r->aircraft, "aircraft type");
    get_int(r, e, p, "tail", 1, &x->tail);
    x->site = get_ref(r, e, p, "site", &r->sites, "site");
    read_route(r, e, p, x);
    get_time(r, e, p, "arrival_at_site", false, &x->at_site);
    get_time(r, e, p, "departure", false, &x->dep);
    get_time(r, e, p, "arrival", false, &x->arr);
    read_stop(r, e, p, x);
    /* optional: only a re-plan's history has it (docs/plan-format.md) */
    if (lookup(e, "departed") && get_bool(r, e, p, "departed", &x->departed) && x->departed &&
        !r->has_as_of) {
        char q[PATHN];
        subpath(q, p, "departed");
        perr(r, lookup(e, "departed"), q,
             "a sortie marked departed needs the plan's as_of (when its recorded history "
             "ends)");
    }
    if (get_int(r, e, p, "clearance", 1, &x->clearance_id) && r->has_clearances &&
        (uint64_t)x->clearance_id > r->n_clearances)
        perr(r, lookup(e, "clearance"), p, "no clearance %lld in the plan (it has %zu)",
             (long long)x->clearance_id, r->n_clearances);
    char q[PATHN];
    if (x->leg >= 0) {
        /* an onward sortie: the aircraft is at the via site since the
         * leg's landing, and carries what the leg carried */
        x->ferry_dep = x->ferry_arr = x->at_site;
        const dd_ynode *fe = lookup(e, "ferry"), *ld = lookup(e, "load");
        subpath(q, p, fe ? "ferry" : "load");
        if (fe)
            perr(r, fe, q,
                 "an onward sortie has no ferry: its aircraft is on the ground at the via site "
                 "from its leg's landing");
        else if (ld)
            perr(r, ld, q, "an onward sortie carries its leg's load; it has no load of its own");
        return;
    }
    const dd_ynode *f = get_obj(r, e, p, "ferry", ferry_keys);
    if (f) {
        subpath(q, p, "ferry");
        x->ferry_from = get_ref(r, f, q, "from", &r->hubs, "destination");
        get_time(r, f, q, "departure", false, &x->ferry_dep);
        get_time(r, f, q, "arrival", false, &x->ferry_arr);
        get_counts(r, f, q, "passengers", true, false, &x->ferry_pax, &x->n_ferry_pax);
    }
    const dd_ynode *ld = get_obj(r, e, p, "load", load_keys);
    if (ld) {
        subpath(q, p, "load");
        read_load(r, ld, q, x);
    }
}

/* ---- commercial, clearances, tasks ---- */

static const char *const commercial_keys[] = {"site", "date", "departure", "passengers", NULL};
static const char *const clearance_keys[] = {"id",          "sortie",   "site",       "airfield",
                                             "file_by",     "window_from", "window_to", "date",
                                             "count_site",  "count_country", "call_sign",
                                             "route",       "passengers", "hazards",
                                             "weapons",     "overflight", NULL};
static const char *const over_keys[] = {"country", "file_by", NULL};
static const char *const task_keys[] = {"id", "site", "start", "end", "resources", NULL};
static const char *const res_keys[] = {"resource", "amount", NULL};

static void read_commercial(prd *r, const dd_ynode *e, size_t i, vcommercial *x)
{
    char p[PATHN];
    snprintf(p, sizeof p, "commercial[%zu]", i);
    x->line = e->line;
    x->col = e->col;
    x->site = -1;
    if (!object(r, e, p, commercial_keys))
        return;
    x->site = get_ref(r, e, p, "site", &r->sites, "site");
    get_date(r, e, p, "date", &x->day);
    get_time(r, e, p, "departure", false, &x->dep);
    get_counts(r, e, p, "passengers", true, false, &x->pax, &x->n_pax);
}

/* A request's overflight clearances (optional): [{country, file_by}]. */
static void read_overflight(prd *r, const dd_ynode *e, const char *p, vclearance *x)
{
    x->over_stated = -1;
    x->n_over = 0;
    x->over = NULL;
    const dd_ynode *ov = lookup(e, "overflight");
    char q[PATHN];
    subpath(q, p, "overflight");
    if (!ov || !want_kind(r, ov, q, DD_Y_SEQ))
        return;
    x->over_stated = 1;
    x->over = alloc_array(r, ov->n, sizeof *x->over);
    if (!x->over)
        return;
    const dd_clearance_terms *ct = &r->s->agreement.clearance;
    for (size_t k = 0; k < ov->n; k++) {
        const dd_ynode *o = ov->items[k];
        char qk[PATHN + 16];
        snprintf(qk, sizeof qk, "%s[%zu]", q, k);
        if (!object(r, o, qk, over_keys))
            continue;
        struct vover *v = &x->over[x->n_over];
        v->line = o->line;
        v->col = o->col;
        v->country = -1;
        const dd_ynode *cn = get_str(r, o, qk, "country");
        if (cn) {
            for (size_t c = 0; c < ct->n_overflight && v->country < 0; c++)
                if (!strcmp(ct->overflight[c].country, cn->text))
                    v->country = (int32_t)c;
            if (v->country < 0) {
                char qc[PATHN + 32];
                subpath(qc, qk, "country");
                perr(r, cn, qc, "unknown overflight country '%s'", cn->text);
            }
        }
        if (get_time(r, o, qk, "file_by", false, &v->file_by) && v->country >= 0)
            x->n_over++;
    }
}

static void read_clearance(prd *r, const dd_ynode *e, size_t i, vclearance *x)
{
    char p[PATHN];
    snprintf(p, sizeof p, "clearances[%zu]", i);
    x->line = e->line;
    x->col = e->col;
    x->site = x->sortie = -1;
    if (!object(r, e, p, clearance_keys))
        return;
    if (get_int(r, e, p, "id", 1, &x->id) && x->id != (int64_t)i + 1)
        perr(r, lookup(e, "id"), p,
             "clearance ids run 1, 2, ... in the order of the array: expected %zu, got %lld",
             i + 1, (long long)x->id);
    get_sortie_ref(r, e, p, "sortie", false, &x->sortie);
    x->site = get_ref(r, e, p, "site", &r->sites, "site");
    const dd_ynode *a = get_str(r, e, p, "airfield");
    x->airfield = a ? a->text : "";
    get_time(r, e, p, "file_by", false, &x->file_by);
    get_time(r, e, p, "window_from", false, &x->wfrom);
    get_time(r, e, p, "window_to", false, &x->wto);
    get_date(r, e, p, "date", &x->day);
    get_int(r, e, p, "count_site", 1, &x->count_site);
    get_int(r, e, p, "count_country", 1, &x->count_country);
    /* the request's contents: optional (plans of earlier versions lack them) */
    x->call_sign = x->route = NULL;
    x->passengers = -1;
    x->hazards_stated = x->weapons = -1;
    x->hazards = 0;
    if (lookup(e, "call_sign") && (a = get_str(r, e, p, "call_sign")) != NULL)
        x->call_sign = a->text;
    if (lookup(e, "route") && (a = get_str(r, e, p, "route")) != NULL)
        x->route = a->text;
    if (lookup(e, "passengers"))
        get_int(r, e, p, "passengers", 0, &x->passengers);
    bool w;
    if (lookup(e, "weapons") && get_bool(r, e, p, "weapons", &w))
        x->weapons = w;
    const dd_ynode *hz = lookup(e, "hazards");
    char q[PATHN];
    subpath(q, p, "hazards");
    if (hz && want_kind(r, hz, q, DD_Y_SEQ)) {
        x->hazards_stated = 1;
        const dd_hazard_rules *hr = &r->s->hazard;
        for (size_t k = 0; k < hz->n; k++) {
            const dd_ynode *v = hz->items[k];
            size_t c = 0;
            if (v->kind == DD_Y_SCALAR && v->quoted)
                while (c < hr->n_classes && strcmp(hr->classes[c], v->text) != 0)
                    c++;
            if (v->kind != DD_Y_SCALAR || !v->quoted || c == hr->n_classes || c >= 32) {
                char qk[PATHN + 16];
                snprintf(qk, sizeof qk, "%s[%zu]", q, k);
                perr(r, v, qk, "expected a hazard class of the scenario, got %s%s%s%s",
                     type_name(v), v->kind == DD_Y_SCALAR ? " '" : "", show(v),
                     v->kind == DD_Y_SCALAR ? "'" : "");
                continue;
            }
            x->hazards |= (uint32_t)1 << c;
        }
    }
    read_overflight(r, e, p, x);
}

static void read_task(prd *r, const dd_ynode *e, size_t i, vtask *x)
{
    char p[PATHN];
    snprintf(p, sizeof p, "tasks[%zu]", i);
    x->line = e->line;
    x->col = e->col;
    x->task = x->site = -1;
    if (!object(r, e, p, task_keys))
        return;
    x->task = get_ref(r, e, p, "id", &r->tasks, "task");
    x->site = get_ref(r, e, p, "site", &r->sites, "site");
    get_time(r, e, p, "start", false, &x->start);
    get_time(r, e, p, "end", false, &x->end);
    const dd_ynode *a;
    x->res = get_list(r, e, p, "resources", sizeof *x->res, &a, &x->n_res);
    for (size_t k = 0; k < x->n_res; k++) {
        char rp[PATHN];
        const dd_ynode *q = item(a, k, p, "resources", rp);
        x->res[k] = (vres){-1, 0};
        if (!object(r, q, rp, res_keys))
            continue;
        const dd_ynode *name = get_str(r, q, rp, "resource");
        get_int(r, q, rp, "amount", 1, &x->res[k].amount);
        /* resources are named per site: the task's own site */
        int32_t site = x->task >= 0 ? r->s->tasks[x->task].site : x->site;
        if (!name || site < 0)
            continue;
        const dd_site *st = &r->s->sites[site];
        for (size_t j = 0; j < st->n_resources; j++)
            if (strcmp(st->resources[j].id, name->text) == 0)
                x->res[k].res = (int32_t)j;
        if (x->res[k].res < 0) {
            char np[PATHN];
            subpath(np, rp, "resource");
            perr(r, name, np, "unknown resource '%s' at site %s", name->text, st->id);
        }
    }
}

/* ---- people ---- */

static const char *const group_keys[] = {"people",  "site",     "count",
                                         "role",    "released", "arrival",
                                         "entry_request_by",    "movements",
                                         "arrivals", NULL};
static const char *const move_keys[] = {"count", "sortie", "date", "departure", NULL};
static const char *const arrival_keys[] = {"count", "sortie", NULL};

static void read_group(prd *r, const dd_ynode *e, size_t i, vgroup *x)
{
    char p[PATHN];
    snprintf(p, sizeof p, "people[%zu]", i);
    x->line = e->line;
    x->col = e->col;
    x->group = x->site = x->role = -1;
    if (!object(r, e, p, group_keys))
        return;
    x->group = get_ref(r, e, p, "people", &r->people, "personnel group");
    x->site = get_ref(r, e, p, "site", &r->sites, "site");
    get_int(r, e, p, "count", 0, &x->count);
    const dd_ynode *role = get_str(r, e, p, "role");
    if (role) {
        for (int k = 0; k < DD_ROLE_COUNT; k++)
            if (strcmp(role->text, dd_role_name((dd_role)k)) == 0)
                x->role = k;
        if (x->role < 0) {
            char q[PATHN];
            subpath(q, p, "role");
            perr(r, role, q,
                 "unknown role '%s' (roles: security, operations, support, augmentee, "
                 "evacuee)",
                 role->text);
        }
    }
    get_time(r, e, p, "released", false, &x->released);
    get_time(r, e, p, "arrival", true, &x->arrival);
    get_time(r, e, p, "entry_request_by", true, &x->entry_by);
    const dd_ynode *a;
    x->moves = get_list(r, e, p, "movements", sizeof *x->moves, &a, &x->n_moves);
    for (size_t k = 0; k < x->n_moves; k++) {
        char mp[PATHN];
        const dd_ynode *q = item(a, k, p, "movements", mp);
        vmove *m = &x->moves[k];
        *m = (vmove){0, -1, -1, 0, q->line, q->col};
        if (!object(r, q, mp, move_keys))
            continue;
        get_int(r, q, mp, "count", 1, &m->count);
        get_sortie_ref(r, q, mp, "sortie", true, &m->sortie);
        get_date(r, q, mp, "date", &m->day);
        get_time(r, q, mp, "departure", false, &m->dep);
    }
    x->arrivals = get_list(r, e, p, "arrivals", sizeof *x->arrivals, &a, &x->n_arrivals);
    for (size_t k = 0; k < x->n_arrivals; k++) {
        char mp[PATHN];
        const dd_ynode *q = item(a, k, p, "arrivals", mp);
        varrival *m = &x->arrivals[k];
        *m = (varrival){0, -1, q->line, q->col};
        if (!object(r, q, mp, arrival_keys))
            continue;
        get_int(r, q, mp, "count", 1, &m->count);
        get_sortie_ref(r, q, mp, "sortie", false, &m->sortie);
    }
}

/* ---- sites and milestones ---- */

static const char *const site_keys[] = {"site", "closure", "closure_local", "close_by", "days",
                                        NULL};
static const char *const day_keys[] = {"date",       "people",     "security_required",
                                       "cargo_remaining_kg",        "mog_peak",
                                       "clearances", "exits",      NULL};
static const char *const role_keys[] = {"security", "operations", "support", "augmentee",
                                        "evacuee",  NULL};
static const char *const ms_keys[] = {"id",  "at",            "achieved", "margin_hours",
                                      "met", "personnel_out", "cargo_out", NULL};

static void read_site(prd *r, const dd_ynode *e, size_t i, vsite *x)
{
    char p[PATHN];
    snprintf(p, sizeof p, "sites[%zu]", i);
    x->line = e->line;
    x->col = e->col;
    x->site = -1;
    if (!object(r, e, p, site_keys))
        return;
    x->site = get_ref(r, e, p, "site", &r->sites, "site");
    get_time(r, e, p, "closure", true, &x->closure);
    if (lookup(e, "close_by")) { /* optional (plans before it have none); the
                                  * checks use the scenario's own date */
        dd_time cb;
        get_time(r, e, p, "close_by", true, &cb);
    }
    const dd_ynode *a;
    x->days = get_list(r, e, p, "days", sizeof *x->days, &a, &x->n_days);
    for (size_t k = 0; k < x->n_days; k++) {
        char dp[PATHN];
        const dd_ynode *q = item(a, k, p, "days", dp);
        vday *d = &x->days[k];
        d->line = q->line;
        d->col = q->col;
        if (!object(r, q, dp, day_keys))
            continue;
        get_date(r, q, dp, "date", &d->day);
        const dd_ynode *pe = get_obj(r, q, dp, "people", role_keys);
        if (pe) {
            char pp[PATHN];
            subpath(pp, dp, "people");
            /* evacuee is written only when the scenario has evacuees */
            for (int k2 = 0; k2 < DD_ROLE_COUNT; k2++)
                if (k2 != DD_ROLE_EVACUEE || lookup(pe, role_keys[k2]))
                    get_int(r, pe, pp, role_keys[k2], 0, &d->people[k2]);
        }
        get_int(r, q, dp, "security_required", 0, &d->security_required);
        get_num(r, q, dp, "cargo_remaining_kg", false, &d->cargo_remaining_kg);
        get_int(r, q, dp, "mog_peak", 0, &d->mog_peak);
        get_int(r, q, dp, "clearances", 0, &d->clearances);
        get_int(r, q, dp, "exits", 0, &d->exits);
    }
}

static void read_milestone(prd *r, const dd_ynode *e, size_t i, vmilestone *x)
{
    char p[PATHN];
    snprintf(p, sizeof p, "milestones[%zu]", i);
    x->line = e->line;
    x->col = e->col;
    x->ms = -1;
    if (!object(r, e, p, ms_keys))
        return;
    x->ms = get_ref(r, e, p, "id", &r->milestones, "milestone");
    get_time(r, e, p, "at", false, &x->at);
    get_time(r, e, p, "achieved", true, &x->achieved);
    double margin;
    get_num(r, e, p, "margin_hours", true, &margin);
    get_bool(r, e, p, "met", &x->met);
    get_num(r, e, p, "personnel_out", true, &x->pout);
    get_num(r, e, p, "cargo_out", true, &x->cout);
}

/* ---- top level ---- */

static const char *const top_keys[] = {"format",   "version",   "scenario",   "name",
                                       "seed",     "epoch",     "deadline",   "summary",
                                       "sorties",  "commercial", "clearances", "tasks",
                                       "people",   "sites",     "milestones", "bounds",
                                       "relaxations", "as_of", NULL};
static const char *const summary_keys[] = {"deadline_met",    "completion",   "margin_hours",
                                           "binding",         "binding_detail", "fleet_mix", "objective",
                                           "sorties",         "sorties_by_type", "ferry_legs",
                                           "commercial_seats_used", NULL};

static void read_summary(prd *r, const dd_ynode *sm, vplan *p)
{
    const char *sp = "summary";
    p->summary_line = sm->line;
    p->summary_col = sm->col;
    get_bool(r, sm, sp, "deadline_met", &p->deadline_met);
    get_time(r, sm, sp, "completion", true, &p->completion);
    double margin;
    get_num(r, sm, sp, "margin_hours", true, &margin);
    const dd_ynode *b = get_str(r, sm, sp, "binding");
    p->binding = b ? b->text : "";
    get_str(r, sm, sp, "binding_detail");
    if (lookup(sm, "fleet_mix")) { /* optional: plans before it have none */
        bool mix;
        get_bool(r, sm, sp, "fleet_mix", &mix);
    }
    if (lookup(sm, "objective")) { /* optional, like fleet_mix */
        const dd_ynode *ob = get_str(r, sm, sp, "objective");
        if (ob && strcmp(ob->text, "margin") != 0 && strcmp(ob->text, "completion") != 0) {
            char q[PATHN];
            subpath(q, sp, "objective");
            perr(r, ob, q, "expected \"margin\" or \"completion\", got '%s'", ob->text);
        }
    }
    get_int(r, sm, sp, "sorties", 0, &p->n_sorties_stated);
    int64_t ferry;
    get_int(r, sm, sp, "ferry_legs", 0, &ferry);
    get_int(r, sm, sp, "commercial_seats_used", 0, &p->seats_used_stated);
    p->by_type_stated = alloc_array(r, r->s->n_aircraft, sizeof *p->by_type_stated);
    if (!p->by_type_stated)
        return;
    for (size_t k = 0; k < r->s->n_aircraft; k++)
        p->by_type_stated[k] = -1;
    const dd_ynode *bt = get_obj(r, sm, sp, "sorties_by_type", NULL);
    for (size_t k = 0; bt && k < bt->n; k++) {
        const dd_ynode *key = bt->pairs[k].key;
        int32_t a = idmap_find(&r->aircraft, key->text);
        char q[PATHN];
        snprintf(q, sizeof q, "summary.sorties_by_type.%s", key->text);
        if (a < 0) {
            perr(r, key, q, "unknown aircraft type '%s'", key->text);
            continue;
        }
        int64_t n;
        if (get_int(r, bt, "summary.sorties_by_type", key->text, 0, &n))
            p->by_type_stated[a] = n;
    }
}

/* Read the array under top[key] with `fn` for each element. */
#define READ_ARRAY(r, top, key, arr, count, fn)                                  \
    do {                                                                     \
        const dd_ynode *a_ = get_arr(r, top, "", key);                      \
        if (a_) {                                                            \
            (arr) = alloc_array(r, a_->n, sizeof *(arr));                    \
            if (arr) {                                                       \
                (count) = a_->n;                                             \
                for (size_t i_ = 0; i_ < a_->n; i_++)                        \
                    fn(r, a_->items[i_], i_, &(arr)[i_]);                    \
            }                                                                \
        }                                                                    \
    } while (0)

static size_t array_len(const dd_ynode *top, const char *key, bool *present)
{
    const dd_ynode *a = lookup(top, key);
    *present = a && a->kind == DD_Y_SEQ;
    return *present ? a->n : 0;
}

static void read_plan(prd *r, const dd_ynode *top, vplan *p)
{
    const dd_ynode *f = get_str(r, top, "", "format");
    if (f && strcmp(f->text, "drawdown-plan") != 0)
        perr(r, f, "format", "not a drawdown plan: format is '%s', expected 'drawdown-plan'",
             f->text);
    int64_t version;
    if (get_int(r, top, "", "version", 0, &version) && version != 1)
        perr(r, lookup(top, "version"), "version",
             "unsupported plan format version %lld (this drawdown reads 1)", (long long)version);
    if (r->j.failed)
        return; /* not a plan this verifier reads: say only that */
    check_keys(r, top, "", top_keys);
    get_str(r, top, "", "scenario");
    get_str(r, top, "", "name");
    int64_t seed;
    get_int(r, top, "", "seed", 0, &seed);
    if (get_time(r, top, "", "epoch", false, &p->epoch)) {
        p->epoch_line = lookup(top, "epoch")->line;
        p->epoch_col = lookup(top, "epoch")->col;
    }
    if (get_time(r, top, "", "deadline", false, &p->deadline)) {
        p->deadline_line = lookup(top, "deadline")->line;
        p->deadline_col = lookup(top, "deadline")->col;
    }
    p->as_of = DD_TIME_NONE;
    if (lookup(top, "as_of") && get_time(r, top, "", "as_of", false, &p->as_of)) {
        r->has_as_of = true;
        p->as_of_line = lookup(top, "as_of")->line;
        p->as_of_col = lookup(top, "as_of")->col;
    }
    r->n_sorties = array_len(top, "sorties", &r->has_sorties);
    r->n_clearances = array_len(top, "clearances", &r->has_clearances);
    const dd_ynode *sm = get_obj(r, top, "", "summary", summary_keys);
    if (sm)
        read_summary(r, sm, p);
    READ_ARRAY(r, top, "sorties", p->sorties, p->n_sorties, read_sortie);
    READ_ARRAY(r, top, "commercial", p->commercial, p->n_commercial, read_commercial);
    READ_ARRAY(r, top, "clearances", p->clearances, p->n_clearances, read_clearance);
    READ_ARRAY(r, top, "tasks", p->tasks, p->n_tasks, read_task);
    READ_ARRAY(r, top, "people", p->groups, p->n_groups, read_group);
    READ_ARRAY(r, top, "sites", p->sites, p->n_sites, read_site);
    READ_ARRAY(r, top, "milestones", p->milestones, p->n_milestones, read_milestone);
    get_obj(r, top, "", "bounds", NULL);
    get_arr(r, top, "", "relaxations");
}

/* Each of tasks, groups, sites and milestones is listed at most once:
 * `seen[k]` holds the line where id k was first listed. */
static void unique(prd *r, uint32_t *seen, int32_t k, uint32_t line, uint32_t col,
                   const char *arr, size_t i, const char *what, const char *id)
{
    if (k < 0)
        return;
    if (seen[k]) {
        char q[PATHN];
        snprintf(q, sizeof q, "%s[%zu]", arr, i);
        dd_ynode at = {.line = line, .col = col};
        perr(r, &at, q, "%s '%s' listed twice (first at line %u)", what, id, seen[k]);
    } else {
        seen[k] = line ? line : 1;
    }
}

/* Each onward sortie names a leg listed before it, and each leg has at
 * most one onward sortie; sets the legs' `onward`. */
static void link_legs(prd *r, vplan *p)
{
    for (size_t i = 0; i < p->n_sorties; i++) {
        vsortie *x = &p->sorties[i];
        if (x->leg < 0)
            continue;
        char q[PATHN];
        snprintf(q, sizeof q, "sorties[%zu].leg", i);
        dd_ynode at = {.line = x->leg_line, .col = x->leg_col};
        vsortie *l = &p->sorties[x->leg];
        if ((size_t)x->leg >= i)
            perr(r, &at, q, "an onward sortie comes after its leg: sortie %lld is not before %lld",
                 (long long)l->id, (long long)x->id);
        else if (l->to_site < 0)
            perr(r, &at, q, "sortie %lld is not a leg inside the country (it has no to_site)",
                 (long long)l->id);
        else if (l->onward >= 0)
            perr(r, &at, q, "leg %lld already continues on sortie %lld", (long long)l->id,
                 (long long)p->sorties[l->onward].id);
        else
            l->onward = (int32_t)i;
    }
}

static void check_unique(prd *r, const vplan *p)
{
    const dd_scenario *s = r->s;
    size_t n = s->n_tasks + s->n_people + s->n_sites + s->agreement.n_milestones;
    uint32_t *seen = calloc(n ? n : 1, sizeof *seen);
    if (!seen) {
        r->j.oom = true;
        return;
    }
    uint32_t *st = seen, *sg = st + s->n_tasks, *ss = sg + s->n_people, *sm = ss + s->n_sites;
    for (size_t i = 0; i < p->n_tasks; i++) {
        const vtask *x = &p->tasks[i];
        unique(r, st, x->task, x->line, x->col, "tasks", i, "task",
               x->task >= 0 ? s->tasks[x->task].id : "");
    }
    for (size_t i = 0; i < p->n_groups; i++) {
        const vgroup *x = &p->groups[i];
        unique(r, sg, x->group, x->line, x->col, "people", i, "group",
               x->group >= 0 ? s->people[x->group].id : "");
    }
    for (size_t i = 0; i < p->n_sites; i++) {
        const vsite *x = &p->sites[i];
        unique(r, ss, x->site, x->line, x->col, "sites", i, "site",
               x->site >= 0 ? s->sites[x->site].id : "");
    }
    for (size_t i = 0; i < p->n_milestones; i++) {
        const vmilestone *x = &p->milestones[i];
        unique(r, sm, x->ms, x->line, x->col, "milestones", i, "milestone",
               x->ms >= 0 ? s->agreement.milestones[x->ms].id : "");
    }
    free(seen);
}

dd_status dd__verify_parse(const dd_scenario *s, dd_arena *arena, const char *file,
                           const char *text, size_t len, dd_diags *diags, vplan *out)
{
    memset(out, 0, sizeof *out);
    prd r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.arena = arena;
    r.j = (dd__jr){.file = file, .text = text, .len = len, .arena = arena, .diags = diags};
    r.epoch_min = s->epoch_unix >= 0 ? s->epoch_unix / 60 : -((-s->epoch_unix + 59) / 60);
    if (!idmap_build(&r, &r.cargo, s->n_cargo, get_cargo) ||
        !idmap_build(&r, &r.people, s->n_people, get_people) ||
        !idmap_build(&r, &r.tasks, s->n_tasks, get_task) ||
        !idmap_build(&r, &r.sites, s->n_sites, get_site) ||
        !idmap_build(&r, &r.hubs, s->n_hubs, get_hub) ||
        !idmap_build(&r, &r.stops, s->n_stops, get_stop) ||
        !idmap_build(&r, &r.aircraft, s->n_aircraft, get_aircraft) ||
        !idmap_build(&r, &r.milestones, s->agreement.n_milestones, get_ms))
        return DD_ENOMEM;
    dd_ynode *root = NULL;
    dd_status st = dd__ytree_parse(arena, file, text, len, true, diags, &root);
    if (st != DD_OK)
        return st;
    if (root->kind != DD_Y_MAP) {
        perr(&r, root, "", "a plan is a JSON object, got %s", type_name(root));
        return DD_EINPUT;
    }
    read_plan(&r, root, out);
    if (!r.j.failed && !r.j.oom) {
        link_legs(&r, out);
        check_unique(&r, out);
    }
    dd_diags_sort(diags);
    if (r.j.oom || diags->oom)
        return DD_ENOMEM;
    return r.j.failed ? DD_EINPUT : DD_OK;
}
