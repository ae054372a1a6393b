/* SPDX-License-Identifier: MIT */
/*
 * Reading a plan file (docs/plan-format.md) for the briefing. libfyaml
 * parses the JSON into the model's position-keeping tree (model/ytree.h);
 * this file copies what the charts, the workbook and the page need into
 * plain arrays. Unlike the verifier it is lenient about keys it does not
 * use (a newer plan still renders), but every key it uses must be there
 * with its type: each problem is a located error (FILE:LINE:COL, field
 * path), collected rather than stopping at the first.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/units.h"
#include "read/civil.h"
#include "read/jget.h"
#include "read/ytree.h"
#include "report/brief_int.h"

#define PATHN DD__JR_PATHN

typedef struct rd {
    dd_brief *b;
    dd__jr j; /* the located reader: file, text, messages, failed, oom */
} rd;

/* The reading shelf's getters (read/jget.h) on the plan file. */
#define rerr(r, ...) dd__jr_err(&(r)->j, __VA_ARGS__)
#define lookup dd__jr_lookup
#define is_null dd__jr_is_null
#define sub dd__jr_path

/* ---- times ---- */

/* The civil dates of read/civil.h, with int months and days. */
int64_t dd__br_days_from_civil(int64_t y, int m, int d)
{
    return dd__days_from_civil(y, (unsigned)m, (unsigned)d);
}

void dd__br_civil(int64_t z, int *y, int *m, int *d)
{
    int64_t yy;
    unsigned mm, dd;
    dd__civil_from_days(z, &yy, &mm, &dd);
    *y = (int)yy;
    *m = (int)mm;
    *d = (int)dd;
}


void dd__br_fmt_date(int64_t day, char *buf, size_t size)
{
    int y, m, d;
    dd__br_civil(day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

void dd__br_fmt_time(int64_t t, int32_t offset_min, char *buf, size_t size)
{
    if (t == BR_NONE) {
        snprintf(buf, size, "-");
        return;
    }
    int64_t l = t + offset_min;
    int64_t day = l >= 0 ? l / 1440 : -((-l + 1439) / 1440);
    int64_t min = l - day * 1440;
    int y, m, d;
    dd__br_civil(day, &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", y, m, d, (int)(min / 60), (int)(min % 60));
}

void dd__br_fmt_end(int64_t t, int32_t offset_min, char *buf, size_t size)
{
    /* midnight reads as 24:00 of the day that ends */
    if (t != BR_NONE && (t + offset_min) % 1440 == 0) {
        dd__br_fmt_time(t - 1, offset_min, buf, size);
        size_t n = strlen(buf);
        if (n >= 5)
            memcpy(buf + n - 5, "24:00", 5);
        return;
    }
    dd__br_fmt_time(t, offset_min, buf, size);
}

void dd__br_fmt_dtg(int64_t t, char *buf, size_t size)
{
    if (t == BR_NONE)
        snprintf(buf, size, "-");
    else
        dd__out_dtg(t, buf, size);
}

void dd__br_fmt_offset(int32_t off, char *buf, size_t size)
{
    int32_t a = off < 0 ? -off : off;
    snprintf(buf, size, "UTC%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / 60), (int)(a % 60));
}

int32_t dd__br_site_index(const dd_brief *b, const char *id)
{
    for (size_t i = 0; i < b->n_sites; i++)
        if (!strcmp(b->sites[i].id, id))
            return (int32_t)i;
    return -1;
}

/* ---- typed access ---- */

static void idx(char *buf, const char *path, size_t i)
{
    snprintf(buf, PATHN, "%s[%zu]", path, i);
}

#define BRIEF_STR_MAX 4096 /* bytes of one string of a plan file */

/* A string ("" after an error): names and ids are short; a huge one would
 * only slow the drawing. */
static const char *get_str(rd *r, const dd_ynode *map, const char *path, const char *key)
{
    const dd_ynode *v = dd__jr_str(&r->j, map, path, key, BRIEF_STR_MAX);
    return v ? v->text : "";
}

static double get_num(rd *r, const dd_ynode *map, const char *path, const char *key)
{
    double d = 0;
    return dd__jr_num(&r->j, map, path, key, false, &d) ? d : 0;
}

/* A whole number of at least `min` (0 after an error), as the verifier
 * requires it: plan files are read with the same strictness by both. */
static int32_t get_min(rd *r, const dd_ynode *map, const char *path, const char *key,
                       int32_t min)
{
    int64_t v = min;
    dd__jr_int(&r->j, map, path, key, min, 2000000000, &v);
    return (int32_t)v;
}

static int32_t get_int(rd *r, const dd_ynode *map, const char *path, const char *key)
{
    return get_min(r, map, path, key, -2000000000);
}

static bool get_bool(rd *r, const dd_ynode *map, const char *path, const char *key)
{
    bool v = false;
    dd__jr_bool(&r->j, map, path, key, &v);
    return v;
}

/* A time in minutes since 1970, or BR_NONE for null when nullable. */
static int64_t get_time(rd *r, const dd_ynode *map, const char *path, const char *key,
                        bool nullable)
{
    int64_t u;
    bool null;
    if (!dd__jr_utc(&r->j, map, path, key, nullable, &u, &null) || null)
        return BR_NONE;
    return u / 60;
}

static int64_t get_date(rd *r, const dd_ynode *map, const char *path, const char *key)
{
    int64_t d = 0;
    dd__jr_date(&r->j, map, path, key, &d);
    return d;
}

/* An array's node, or NULL after an error (or when missing and optional). */
static const dd_ynode *get_seq(rd *r, const dd_ynode *map, const char *path, const char *key,
                               bool optional)
{
    return dd__jr_arr(&r->j, map, path, key, optional);
}

static const dd_ynode *get_map(rd *r, const dd_ynode *map, const char *path, const char *key)
{
    return dd__jr_obj(&r->j, map, path, key, NULL);
}

/* Each item of an array must be an object. */
static bool item_ok(rd *r, const dd_ynode *it, const char *path)
{
    return dd__jr_kind(&r->j, it, path, DD_Y_MAP);
}

static void *arr(rd *r, size_t n, size_t size)
{
    void *p = dd__arena_array(&r->b->arena, n ? n : 1, size);
    if (!p)
        r->j.oom = true;
    return p;
}

/* An optional array of strings, or of objects holding a string `field`,
 * joined with spaces into the brief's arena ("" when absent). */
static const char *get_joined(rd *r, const dd_ynode *map, const char *path, const char *key,
                              const char *field)
{
    if (!lookup(map, key))
        return "";
    const dd_ynode *a = get_seq(r, map, path, key, true);
    if (!a)
        return "";
    char p[PATHN], q[PATHN];
    sub(p, path, key);
    const char **v = arr(r, a->n, sizeof *v);
    size_t len = 1;
    for (size_t i = 0; v && i < a->n; i++) {
        snprintf(q, sizeof q, "%s[%zu]", p, i);
        const dd_ynode *it = a->items[i];
        if (field)
            v[i] = dd__jr_kind(&r->j, it, q, DD_Y_MAP) ? get_str(r, it, q, field) : "";
        else
            v[i] = dd__jr_kind(&r->j, it, q, DD_Y_SCALAR) ? it->text : "";
        len += strlen(v[i]) + 1;
    }
    char *out = arr(r, len, 1);
    if (!v || !out)
        return "";
    size_t off = 0;
    for (size_t i = 0; i < a->n; i++)
        off += (size_t)snprintf(out + off, len - off, "%s%s", i ? " " : "", v[i]);
    return out;
}

/* An item reader: object n, at path p, item i of its array, into the
 * record elem (read_objects). */
typedef void item_fn(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                     const void *ctx);

/* The required array map[key] as records of `size` bytes in the brief's
 * arena, each first a copy of `blank` (zero when NULL), then filled by
 * read() when its item is an object; their number in *n_out. NULL (and 0)
 * when the array is missing or not an array, or out of memory. */
static void *read_objects(rd *r, const dd_ynode *map, const char *path, const char *key,
                          size_t size, const void *blank, item_fn *read, const void *ctx,
                          size_t *n_out)
{
    *n_out = 0;
    const dd_ynode *s = get_seq(r, map, path, key, false);
    char *v = s ? arr(r, s->n, size) : NULL;
    if (!v)
        return NULL;
    char base[PATHN], p[PATHN];
    sub(base, path, key);
    for (size_t i = 0; i < s->n; i++) {
        if (blank)
            memcpy(v + i * size, blank, size);
        idx(p, base, i);
        if (item_ok(r, s->items[i], p))
            read(r, s->items[i], p, i, v + i * size, ctx);
    }
    *n_out = s->n;
    return v;
}

/* {<key>, count[, escort]}: the key and whether there is an escort in ctx. */
typedef struct count_form {
    const char *idkey;
    bool escort;
} count_form;

static void count_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                       const void *ctx)
{
    (void)i;
    const count_form *f = ctx;
    br_count *v = elem;
    v->id = get_str(r, n, p, f->idkey);
    v->count = get_min(r, n, p, "count", 1);
    if (f->escort)
        v->escort = get_bool(r, n, p, "escort");
}

/* A sortie's en-route fuel stops as the briefing names them, "stop T1"
 * or "stops T1, T2": from `stops` (a list, in the order flown) or, in
 * plans of earlier versions, `stop`; false when it has none. */
static bool stop_names(rd *r, const dd_ynode *n, const char *p, char *buf, size_t size)
{
    char q[PATHN];
    if (dd__jr_lookup(n, "stop")) {
        const dd_ynode *sm = get_map(r, n, p, "stop");
        sub(q, p, "stop");
        snprintf(buf, size, "stop %s", sm ? get_str(r, sm, q, "id") : "");
        return true;
    }
    if (!dd__jr_lookup(n, "stops"))
        return false;
    const dd_ynode *a = get_seq(r, n, p, "stops", false);
    size_t len = (size_t)snprintf(buf, size, "%s", a && a->n > 1 ? "stops " : "stop ");
    for (size_t k = 0; a && k < a->n && len < size; k++) {
        snprintf(q, sizeof q, "%s.stops[%zu]", p, k);
        const char *id = item_ok(r, a->items[k], q) ? get_str(r, a->items[k], q, "id") : "";
        len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "", id);
    }
    return true;
}

/* [{<key>, count[, escort]}] */
static br_count *read_counts(rd *r, const dd_ynode *map, const char *path, const char *key,
                             const char *idkey, bool escort, size_t *n_out)
{
    return read_objects(r, map, path, key, sizeof(br_count), NULL, count_item,
                        &(count_form){idkey, escort}, n_out);
}

static void pallet_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                        const void *ctx)
{
    (void)i;
    (void)ctx;
    br_pallet *pl = elem;
    pl->id = get_min(r, n, p, "id", 1);
    pl->gross_kg = get_num(r, n, p, "gross_kg");
    pl->height_m = get_num(r, n, p, "height_m");
    pl->pieces = read_counts(r, n, p, "pieces", "cargo", false, &pl->n_pieces);
}

static void read_sortie(rd *r, const dd_ynode *n, const char *p, br_sortie *s)
{
    char q[PATHN];
    s->id = get_min(r, n, p, "id", 1);
    s->aircraft = get_str(r, n, p, "aircraft");
    s->tail = get_min(r, n, p, "tail", 1);
    char tn[160];
    snprintf(tn, sizeof tn, "%s-%d", s->aircraft, (int)s->tail);
    s->tail_name = dd__arena_strdup(&r->b->arena, tn);
    if (!s->tail_name)
        r->j.oom = true;
    s->site = get_str(r, n, p, "site");
    /* legs inside the country (docs/plan-format.md): a leg flies to_site,
     * its onward sortie names it and has no ferry and no load; the
     * destination column says so */
    bool leg = dd__jr_lookup(n, "to_site") != NULL, onward = dd__jr_lookup(n, "leg") != NULL;
    /* en-route fuel stops: "H (stop T1)", "H (stops T1, T2)" */
    char sn[120] = "";
    bool stop = !leg && stop_names(r, n, p, sn, sizeof sn);
    char dn[200];
    if (leg) {
        snprintf(dn, sizeof dn, "%s (leg)", get_str(r, n, p, "to_site"));
    } else if (onward) {
        snprintf(dn, sizeof dn, "%s (after leg %d%s%s)", get_str(r, n, p, "destination"),
                 (int)get_min(r, n, p, "leg", 1), stop ? ", " : "", sn);
    } else if (stop) {
        snprintf(dn, sizeof dn, "%s (%s)", get_str(r, n, p, "destination"), sn);
    }
    s->dest = leg || onward || stop ? dd__arena_strdup(&r->b->arena, dn)
                                    : get_str(r, n, p, "destination");
    if (!s->dest) {
        r->j.oom = true;
        s->dest = "";
    }
    const dd_ynode *f = onward ? NULL : get_map(r, n, p, "ferry");
    sub(q, p, "ferry");
    if (f) {
        s->ferry_from = get_str(r, f, q, "from");
        s->ferry_dep = get_time(r, f, q, "departure", false);
    } else {
        s->ferry_from = "";
    }
    s->at_site = get_time(r, n, p, "arrival_at_site", false);
    s->dep = get_time(r, n, p, "departure", false);
    s->arr = get_time(r, n, p, "arrival", false);
    s->clearance = get_min(r, n, p, "clearance", 1);
    const dd_ynode *l = onward ? NULL : get_map(r, n, p, "load");
    sub(q, p, "load");
    if (!l)
        return;
    s->weight_kg = get_num(r, l, q, "weight_kg");
    s->acl_kg = get_num(r, l, q, "acl_kg");
    s->floor_m = get_num(r, l, q, "floor_m");
    s->seats_available = get_min(r, l, q, "seats_available", 0);
    s->cargo = read_counts(r, l, q, "cargo", "cargo", false, &s->n_cargo);
    s->pax = read_counts(r, l, q, "passengers", "people", true, &s->n_pax);
    s->pallets = read_objects(r, l, q, "pallets", sizeof *s->pallets, NULL, pallet_item, NULL,
                              &s->n_pallets);
}

static void day_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                     const void *ctx)
{
    (void)i;
    (void)ctx;
    static const char *const roles[BR_ROLES] = {"security", "operations", "support",
                                                "augmentee", "evacuee"};
    br_day *dy = elem;
    dy->date = get_date(r, n, p, "date");
    const dd_ynode *pm = get_map(r, n, p, "people");
    char pp[PATHN];
    sub(pp, p, "people");
    /* evacuee only in a plan whose scenario has evacuees */
    for (int x = 0; pm && x < BR_ROLES; x++)
        if (x != BR_EVAC || lookup(pm, roles[x]))
            dy->people[x] = get_min(r, pm, pp, roles[x], 0);
    dy->security_required = get_min(r, n, p, "security_required", 0);
    dy->cargo_kg = get_num(r, n, p, "cargo_remaining_kg");
    dy->mog_peak = get_min(r, n, p, "mog_peak", 0);
    dy->clearances = get_min(r, n, p, "clearances", 0);
    dy->exits = get_min(r, n, p, "exits", 0);
}

static void site_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                      const void *ctx)
{
    (void)i;
    (void)ctx;
    br_site *st = elem;
    st->id = get_str(r, n, p, "site");
    st->closure = get_time(r, n, p, "closure", true);
    if (lookup(n, "close_by")) /* optional */
        st->close_by = get_time(r, n, p, "close_by", true);
    /* the local offset, from closure_local when there is one */
    const dd_ynode *cl = lookup(n, "closure_local");
    int64_t lt;
    if (cl && cl->kind == DD_Y_SCALAR && st->closure != BR_NONE &&
        !dd__parse_time(cl->text, 0, false, &lt, NULL) && strlen(cl->text) >= 6) {
        const char *z = cl->text + strlen(cl->text) - 6;
        int32_t off;
        if ((z[0] == '+' || z[0] == '-') && !dd__parse_tz(z, &off))
            st->offset_min = off;
    }
    st->days = read_objects(r, n, p, "days", sizeof *st->days, NULL, day_item, NULL,
                            &st->n_days);
}

static void read_sites(rd *r, const dd_ynode *root)
{
    static const br_site blank = {.id = "", .closure = BR_NONE, .close_by = BR_NONE};
    r->b->sites = read_objects(r, root, "", "sites", sizeof blank, &blank, site_item, NULL,
                               &r->b->n_sites);
}

static void move_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                      const void *ctx)
{
    (void)i;
    (void)ctx;
    br_move *mv = elem;
    mv->count = get_min(r, n, p, "count", 1);
    const dd_ynode *so = dd__jr_need(&r->j, n, p, "sortie");
    mv->sortie = -1;
    if (so && !is_null(so))
        mv->sortie = get_min(r, n, p, "sortie", 1);
    mv->date = get_date(r, n, p, "date");
    mv->departure = get_time(r, n, p, "departure", false);
}

static void group_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                       const void *ctx)
{
    (void)i;
    (void)ctx;
    br_group *g = elem;
    g->id = get_str(r, n, p, "people");
    g->site = get_str(r, n, p, "site");
    g->role = get_str(r, n, p, "role");
    g->count = get_min(r, n, p, "count", 0);
    g->released = get_time(r, n, p, "released", false);
    g->arrival = get_time(r, n, p, "arrival", true);
    g->moves = read_objects(r, n, p, "movements", sizeof *g->moves, NULL, move_item, NULL,
                            &g->n_moves);
}

static void read_people(rd *r, const dd_ynode *root)
{
    static const br_group blank = {.id = "", .site = "", .role = ""};
    r->b->groups = read_objects(r, root, "", "people", sizeof blank, &blank, group_item, NULL,
                                &r->b->n_groups);
}

/* A sortie or clearance names a site of the `sites` array. */
static void known_site(rd *r, const dd_ynode *n, const char *path, const char *site)
{
    const dd_ynode *v = lookup(n, "site");
    if (!v || v->kind != DD_Y_SCALAR || dd__br_site_index(r->b, site) >= 0)
        return;
    char p[PATHN];
    sub(p, path, "site");
    rerr(r, v, p, "unknown site '%s' (not in sites)", site);
}

static void sortie_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                        const void *ctx)
{
    (void)ctx;
    br_sortie *so = elem;
    read_sortie(r, n, p, so);
    if (so->id != (int32_t)i + 1 && so->id >= 1)
        rerr(r, lookup(n, "id"), p,
             "sortie ids run 1, 2, ... in the order of the array: expected %zu, got %d", i + 1,
             (int)so->id);
    known_site(r, n, p, so->site);
}

static void clear_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                       const void *ctx)
{
    (void)i;
    (void)ctx;
    br_clear *c = elem;
    c->id = get_min(r, n, p, "id", 1);
    c->sortie = get_min(r, n, p, "sortie", 1);
    c->site = get_str(r, n, p, "site");
    known_site(r, n, p, c->site);
    c->airfield = get_str(r, n, p, "airfield");
    c->file_by = get_time(r, n, p, "file_by", false);
    c->window_from = get_time(r, n, p, "window_from", false);
    c->window_to = get_time(r, n, p, "window_to", false);
    c->date = get_date(r, n, p, "date");
    c->count_site = get_min(r, n, p, "count_site", 1);
    c->count_country = get_min(r, n, p, "count_country", 1);
    /* optional: what the request tells the host */
    const dd_ynode *cs = lookup(n, "call_sign");
    c->call_sign = cs ? get_str(r, n, p, "call_sign") : "";
    c->route = lookup(n, "route") ? get_str(r, n, p, "route") : "";
    c->passengers = lookup(n, "passengers") ? get_min(r, n, p, "passengers", 0) : -1;
    c->weapons = lookup(n, "weapons") ? get_bool(r, n, p, "weapons") : -1;
    c->hazards = get_joined(r, n, p, "hazards", NULL);
    c->overflight = get_joined(r, n, p, "overflight", "country");
}

static void task_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                      const void *ctx)
{
    (void)i;
    (void)ctx;
    br_task *t = elem;
    t->id = get_str(r, n, p, "id");
    t->site = get_str(r, n, p, "site");
    t->start = get_time(r, n, p, "start", false);
    t->end = get_time(r, n, p, "end", false);
}

static void milestone_item(rd *r, const dd_ynode *n, const char *p, size_t i, void *elem,
                           const void *ctx)
{
    (void)i;
    (void)ctx;
    br_milestone *m = elem;
    m->id = get_str(r, n, p, "id");
    m->at = get_time(r, n, p, "at", false);
    m->achieved = get_time(r, n, p, "achieved", true);
    m->met = get_bool(r, n, p, "met");
    m->personnel_out = get_num(r, n, p, "personnel_out");
    m->cargo_out = get_num(r, n, p, "cargo_out");
    const dd_ynode *mh = lookup(n, "margin_hours");
    m->margin_hours = mh && !is_null(mh) ? get_num(r, n, p, "margin_hours") : NAN;
}

static void read_rest(rd *r, const dd_ynode *root)
{
    dd_brief *b = r->b;
    static const br_sortie sortie0 = {.aircraft = "", .site = "", .dest = "", .ferry_from = ""};
    static const br_clear clear0 = {.site = "",      .airfield = "", .call_sign = "",
                                    .route = "",     .hazards = "",  .overflight = "",
                                    .passengers = -1, .weapons = -1};
    static const br_task task0 = {.id = "", .site = ""};
    static const br_milestone milestone0 = {.id = ""};
    b->sorties = read_objects(r, root, "", "sorties", sizeof sortie0, &sortie0, sortie_item,
                              NULL, &b->n_sorties);
    b->clears = read_objects(r, root, "", "clearances", sizeof clear0, &clear0, clear_item,
                             NULL, &b->n_clears);
    b->tasks = read_objects(r, root, "", "tasks", sizeof task0, &task0, task_item, NULL,
                            &b->n_tasks);
    b->milestones = read_objects(r, root, "", "milestones", sizeof milestone0, &milestone0,
                                 milestone_item, NULL, &b->n_milestones);
    const dd_ynode *s = get_seq(r, root, "", "relaxations", true);
    if (s && (b->relax = arr(r, s->n, sizeof *b->relax))) {
        for (size_t i = 0; i < s->n; i++) {
            const dd_ynode *t = lookup(s->items[i], "text");
            if (t && t->kind == DD_Y_SCALAR)
                b->relax[b->n_relax++] = t->text;
        }
    }
}

/* The days the time charts cover, in the host country's time: from the
 * epoch's day to the later of the deadline's day, the last daily figure
 * and the last departure. */
static void set_span(dd_brief *b)
{
    int64_t day_of_epoch = (b->epoch + b->offset_min) / 1440;
    b->first_day = day_of_epoch;
    b->last_day = (b->deadline - 1 + b->offset_min) / 1440; /* midnight ends the day before */
    for (size_t i = 0; i < b->n_sites; i++) {
        const br_site *st = &b->sites[i];
        if (st->n_days) {
            if (st->days[0].date < b->first_day)
                b->first_day = st->days[0].date;
            if (st->days[st->n_days - 1].date > b->last_day)
                b->last_day = st->days[st->n_days - 1].date;
        }
    }
    if (b->completion != BR_NONE && (b->completion + b->offset_min) / 1440 > b->last_day)
        b->last_day = (b->completion + b->offset_min) / 1440;
}

/* Site indices, the local offset and the span the charts cover. */
static void finish(rd *r)
{
    dd_brief *b = r->b;
    for (size_t i = 0; i < b->n_sorties; i++) {
        br_sortie *s = &b->sorties[i];
        s->site_idx = dd__br_site_index(b, s->site);
        if (s->site_idx < 0)
            s->site_idx = 0;
    }
    for (size_t i = 0; i < b->n_clears; i++) {
        int32_t k = dd__br_site_index(b, b->clears[i].site);
        b->clears[i].site_idx = k < 0 ? 0 : k;
    }
    b->offset_min = b->n_sites ? b->sites[0].offset_min : 0;
    set_span(b);
}

dd_status dd_brief_parse(const char *file, const char *text, size_t len, dd_diags *diags,
                         dd_brief **out)
{
    *out = NULL;
    dd_brief *b = calloc(1, sizeof *b);
    if (!b)
        return DD_ENOMEM;
    dd__arena_init(&b->arena, 1 << 16);
    rd r = {.b = b,
          .j = {.file = file, .text = text, .len = len, .arena = &b->arena, .diags = diags}};
    dd_ynode *root = NULL;
    dd_status st = dd__ytree_parse(&b->arena, file, text, len, true, diags, &root);
    if (st != DD_OK) {
        dd_brief_free(b);
        return st;
    }
    b->file = dd__arena_strdup(&b->arena, file);
    b->marking = "";
    b->as_of = BR_NONE;
    if (root->kind != DD_Y_MAP) {
        rerr(&r, root, "", "expected a plan object");
        goto fail;
    }
    const dd_ynode *fmt = lookup(root, "format");
    if (!fmt || fmt->kind != DD_Y_SCALAR || strcmp(fmt->text, "drawdown-plan")) {
        rerr(&r, fmt ? fmt : root, "format", "not a drawdown plan file (format \"drawdown-plan\")");
        goto fail;
    }
    b->name = get_str(&r, root, "", "name");
    b->scenario = get_str(&r, root, "", "scenario");
    b->epoch = get_time(&r, root, "", "epoch", false);
    b->deadline = get_time(&r, root, "", "deadline", false);
    const dd_ynode *sm = get_map(&r, root, "", "summary");
    if (sm) {
        b->deadline_met = get_bool(&r, sm, "summary", "deadline_met");
        b->completion = get_time(&r, sm, "summary", "completion", true);
        b->margin_hours = get_num(&r, sm, "summary", "margin_hours");
        b->binding = get_str(&r, sm, "summary", "binding");
        b->binding_detail = get_str(&r, sm, "summary", "binding_detail");
        b->fleet_mix = lookup(sm, "fleet_mix") && get_bool(&r, sm, "summary", "fleet_mix");
        b->objective = lookup(sm, "objective") ? get_str(&r, sm, "summary", "objective") : "";
        b->commercial_seats = get_min(&r, sm, "summary", "commercial_seats_used", 0);
    }
    read_sites(&r, root); /* first: sorties and clearances name sites */
    read_rest(&r, root);
    read_people(&r, root);
    if (r.j.oom) {
        dd_brief_free(b);
        return DD_ENOMEM;
    }
    if (r.j.failed)
        goto fail;
    finish(&r);
    *out = b;
    return DD_OK;
fail:
    dd_diags_sort(diags);
    dd_brief_free(b);
    return DD_EINPUT;
}

/* The whole of the file at path into a malloc'd buffer (*buf, *len); a
 * file that cannot be opened or read is one error naming `what`. */
static dd_status read_whole(const char *path, const char *what, dd_diags *diags, char **buf_out,
                            size_t *len_out)
{
    const char *why = NULL;
    dd_status st = dd_read_file_malloc(path, DD_READ_MAX, buf_out, len_out, &why);
    if (st == DD_EIO) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot read the %s (%s)", what,
                     why);
        return DD_EINPUT;
    }
    return st;
}

dd_status dd_brief_load(const char *path, dd_diags *diags, dd_brief **out)
{
    *out = NULL;
    char *buf;
    size_t n;
    dd_status st = read_whole(path, "plan file", diags, &buf, &n);
    if (st != DD_OK)
        return st;
    st = dd_brief_parse(path, buf, n, diags, out);
    free(buf);
    /* as of when the plan was written, until told otherwise */
    struct stat sb;
    if (st == DD_OK && strcmp(path, "-") != 0 && stat(path, &sb) == 0)
        (*out)->as_of = (int64_t)sb.st_mtime / 60;
    return st;
}

const char *dd_brief_scenario_path(const dd_brief *b)
{
    return b->scenario;
}

bool dd_brief_deadline_met(const dd_brief *b)
{
    return b->deadline_met;
}

void dd_brief_set_verified(dd_brief *b, dd_brief_verified status, size_t n_violations)
{
    b->verified = (int)status;
    b->n_violations = n_violations;
}

dd_status dd_brief_use_scenario(dd_brief *b, const dd_scenario *s)
{
    int32_t *cap = dd__arena_array(&b->arena, b->n_sites ? b->n_sites : 1, sizeof *cap);
    int32_t *mog = dd__arena_array(&b->arena, b->n_sites ? b->n_sites : 1, sizeof *mog);
    if (!cap || !mog)
        return DD_ENOMEM;
    b->cap_country = s->agreement.clearance.daily_cap > 0 ? s->agreement.clearance.daily_cap : 0;
    b->offset_min = s->agreement.tz_offset;
    b->us = dd_scenario_us(s);
    b->marking = s->marking ? s->marking : "";
    b->paper = (int)s->paper;
    /* tails as every output names them (tail_numbers when given) */
    for (size_t i = 0; i < b->n_sorties; i++) {
        br_sortie *so = &b->sorties[i];
        for (size_t k = 0; k < s->n_aircraft; k++) {
            if (strcmp(s->aircraft[k].id, so->aircraft) != 0)
                continue;
            char tn[64];
            dd_aircraft_tail_name(&s->aircraft[k], so->tail, tn, sizeof tn);
            const char *t = dd__arena_strdup(&b->arena, tn);
            if (!t)
                return DD_ENOMEM;
            so->tail_name = t;
        }
    }
    for (size_t i = 0; i < b->n_sites; i++) {
        for (size_t k = 0; k < s->n_sites; k++) {
            const dd_site *st = &s->sites[k];
            if (strcmp(st->id, b->sites[i].id))
                continue;
            cap[i] = st->daily_cap > 0 ? st->daily_cap : 0;
            mog[i] = dd_site_mog_total(st);
            b->sites[i].offset_min = st->tz_offset;
        }
    }
    b->cap_site = cap;
    b->mog_site = mog;
    set_span(b);
    return DD_OK;
}

static br_prob get_prob(rd *r, const dd_ynode *map, const char *path, const char *key,
                        bool optional)
{
    br_prob pr = {0};
    const dd_ynode *v = optional ? lookup(map, key) : get_map(r, map, path, key);
    if (!v)
        return pr;
    char p[PATHN];
    sub(p, path, key);
    if (v->kind != DD_Y_MAP) {
        rerr(r, v, p, "expected an object");
        return pr;
    }
    pr.p = get_num(r, v, p, "p");
    pr.lo = get_num(r, v, p, "lo");
    pr.hi = get_num(r, v, p, "hi");
    pr.hits = get_int(r, v, p, "hits");
    pr.n = get_int(r, v, p, "n");
    pr.set = true;
    return pr;
}

dd_status dd_brief_use_sim(dd_brief *b, const char *path, dd_diags *diags)
{
    char *buf;
    size_t len;
    dd_status rs = read_whole(path, "simulation result", diags, &buf, &len);
    if (rs != DD_OK)
        return rs;
    /* the tree and the strings live in the brief's arena */
    char *text = dd__arena_strndup(&b->arena, buf, len);
    free(buf);
    if (!text)
        return DD_ENOMEM;
    const char *file = dd__arena_strdup(&b->arena, path);
    rd r = {.b = b,
          .j = {.file = file ? file : path, .text = text, .len = len, .arena = &b->arena,
                .diags = diags}};
    dd_ynode *root = NULL;
    dd_status st = dd__ytree_parse(&b->arena, r.j.file, text, len, true, diags, &root);
    if (st != DD_OK)
        return st;
    br_sim sim = {0};
    if (root->kind != DD_Y_MAP || !lookup(root, "drawdown_simulation")) {
        rerr(&r, root, "", "not a drawdown simulation result (key \"drawdown_simulation\")");
        return DD_EINPUT;
    }
    sim.policy = get_str(&r, root, "", "policy");
    sim.replications = get_int(&r, root, "", "replications");
    sim.p_deadline = get_prob(&r, root, "", "p_deadline", false);
    sim.p_all_terms = get_prob(&r, root, "", "p_all_terms", true);
    const dd_ynode *c = get_map(&r, root, "", "completion");
    if (c) {
        sim.p10 = get_time(&r, c, "completion", "p10", true);
        sim.p50 = get_time(&r, c, "completion", "p50", true);
        sim.p90 = get_time(&r, c, "completion", "p90", true);
        sim.never = get_int(&r, c, "completion", "never");
        const dd_ynode *h = get_map(&r, c, "completion", "histogram");
        if (h) {
            /* no replication finished (or nothing to move): no bins, and
             * then no first bin nor width */
            const dd_ynode *cn = lookup(h, "counts");
            bool none = cn && cn->kind == DD_Y_SEQ && cn->n == 0;
            sim.hist_from = get_time(&r, h, "completion.histogram", "from", none);
            sim.bin_days = get_num(&r, h, "completion.histogram", "bin_days");
            if (none ? !(sim.bin_days >= 0) || sim.bin_days > 366
                     : !(sim.bin_days > 0) || sim.bin_days > 366)
                rerr(&r, lookup(h, "bin_days"), "completion.histogram.bin_days",
                     "expected a number of days above 0");
            const dd_ynode *cs = get_seq(&r, h, "completion.histogram", "counts", false);
            if (cs) {
                sim.counts = arr(&r, cs->n, sizeof *sim.counts);
                sim.n_bins = sim.counts ? cs->n : 0;
                for (size_t i = 0; sim.counts && i < cs->n; i++) {
                    const dd_ynode *it = cs->items[i];
                    char *end = NULL;
                    double v = it->kind == DD_Y_SCALAR ? strtod(it->text, &end) : -1;
                    if (!end || *end || v < 0 || v != floor(v) || v > 2e9) {
                        char q[PATHN];
                        snprintf(q, sizeof q, "completion.histogram.counts[%zu]", i);
                        rerr(&r, it, q, "expected a count");
                    } else {
                        sim.counts[i] = (int32_t)v;
                    }
                }
            }
        }
    }
    if (r.j.oom)
        return DD_ENOMEM;
    if (r.j.failed) {
        dd_diags_sort(diags);
        return DD_EINPUT;
    }
    sim.set = true;
    b->sim = sim;
    return DD_OK;
}

dd_status dd_brief_use_baseline(dd_brief *b, const char *path, dd_diags *diags)
{
    dd_brief *base = NULL;
    dd_status st = dd_brief_load(path, diags, &base);
    if (st != DD_OK)
        return st;
    if (strcmp(base->name, b->name) || base->epoch != b->epoch) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 1, 1, "", NULL,
                     "the baseline is a plan of '%s', not of '%s'", base->name, b->name);
        dd_brief_free(base);
        return DD_EINPUT;
    }
    const char *file = dd__arena_strdup(&b->arena, path);
    if (!file) {
        dd_brief_free(base);
        return DD_ENOMEM;
    }
    dd_brief_free(b->baseline);
    b->baseline = base;
    b->baseline_file = file;
    /* the charts span both */
    if (base->first_day < b->first_day)
        b->first_day = base->first_day;
    if (base->last_day > b->last_day)
        b->last_day = base->last_day;
    return DD_OK;
}

dd_status dd_brief_use_baseline_as(dd_brief *b, const char *path, const char *label,
                                   dd_diags *diags)
{
    dd_status st = dd_brief_use_baseline(b, path, diags);
    const char *l = st == DD_OK ? dd__arena_strdup(&b->baseline->arena, label) : NULL;
    if (st == DD_OK && !l)
        return DD_ENOMEM;
    if (l)
        b->baseline->file = l;
    return st;
}

void dd_brief_free(dd_brief *b)
{
    if (!b)
        return;
    dd_brief_free(b->baseline);
    dd__arena_fini(&b->arena);
    free(b);
}
