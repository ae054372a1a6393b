/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the scenario loader: located messages, typed field access on
 * the document tree (a node, or a map's field by key as the sections read
 * them), "did you mean" suggestions, the id map, file reading.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/loader.h"

#define PATH(buf, ...) snprintf(buf, sizeof buf, __VA_ARGS__)

static void vlerr_at(dd_loader *L, dd_severity sev, const char *file, const char *text,
                     size_t len, uint32_t line, uint32_t col, const char *path, const char *fmt,
                     va_list ap)
{
    char msg[768];
    vsnprintf(msg, sizeof msg, fmt, ap);
    char src[512] = "";
    if (text && line && !dd__diags_full(L->diags))
        dd__lines_get(&L->lines, L->arena, text, len, line, src, sizeof src);
    dd_diags_add(L->diags, sev, file, line, col, path, text && line ? src : NULL, "%s", msg);
}

void dd__lerr_at(dd_loader *L, dd_severity sev, const char *file, const char *text, size_t len,
                 uint32_t line, uint32_t col, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlerr_at(L, sev, file, text, len, line, col, path, fmt, ap);
    va_end(ap);
}

void dd__lerr(dd_loader *L, const dd_ynode *n, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlerr_at(L, DD_SEV_ERROR, L->file, L->text, L->len, n ? n->line : 0, n ? n->col : 0, path,
             fmt, ap);
    va_end(ap);
}

void dd__lwarn(dd_loader *L, const dd_ynode *n, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlerr_at(L, DD_SEV_WARNING, L->file, L->text, L->len, n ? n->line : 0, n ? n->col : 0,
             path, fmt, ap);
    va_end(ap);
}

dd_ynode *dd__yget(dd_ynode *map, const char *key)
{
    if (!map || map->kind != DD_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++) {
        dd_ypair *p = &map->pairs[i];
        if (p->key->kind == DD_Y_SCALAR && strcmp(p->key->text, key) == 0) {
            p->used = true;
            return p->value;
        }
    }
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t prev[41], cur[41];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *dd__suggest(const char *word, const char *const *known)
{
    const char *best = NULL;
    size_t best_d = 99;
    size_t wl = strlen(word);
    for (const char *const *k = known; k && *k; k++) {
        size_t d = edit_distance(word, *k);
        if (d < best_d) {
            best_d = d;
            best = *k;
        }
    }
    size_t limit = wl <= 4 ? 1 : (wl <= 8 ? 2 : 3);
    return best_d <= limit ? best : NULL;
}

void dd__yunknown(dd_loader *L, const dd_ynode *map, const char *path, const char *const *known)
{
    if (!map || map->kind != DD_Y_MAP)
        return;
    for (size_t i = 0; i < map->n; i++) {
        const dd_ypair *p = &map->pairs[i];
        if (p->used || p->key->kind != DD_Y_SCALAR)
            continue;
        char full[256];
        snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", p->key->text);
        char msg[512];
        dd__lerr(L, p->key, full, "%s",
                 dd__unknown(msg, sizeof msg, "field", p->key->text, p->key->text, known, NULL));
    }
}

const char *dd__unknown(char *buf, size_t size, const char *what, const char *shown,
                        const char *word, const char *const *known, const char *otherwise)
{
    const char *s = dd__suggest(word, known);
    if (s)
        snprintf(buf, size, "unknown %s '%s' (did you mean '%s'?)", what, shown, s);
    else
        snprintf(buf, size, "unknown %s '%s'%s", what, shown, otherwise ? otherwise : "");
    return buf;
}

bool dd__yexpect(dd_loader *L, const dd_ynode *n, dd_ykind kind, const char *path)
{
    if (n->kind == kind)
        return true;
    static const char *const names[] = {"a single value", "a mapping (key: value)",
                                        "a list"};
    dd__lerr(L, n, path, "expected %s, got %s", names[kind], names[n->kind]);
    return false;
}

dd_ynode *dd__yreq(dd_loader *L, dd_ynode *map, const char *path, const char *key)
{
    dd_ynode *v = dd__yget(map, key);
    if (!v)
        dd__lerr(L, map, path, "missing required field '%s'", key);
    return v;
}

static bool is_null(const dd_ynode *n)
{
    return n->kind == DD_Y_SCALAR && !n->quoted &&
           (strcmp(n->text, "null") == 0 || strcmp(n->text, "~") == 0 || n->len == 0);
}

bool dd__ystr(dd_loader *L, const dd_ynode *n, const char *path, const char **out)
{
    if (!dd__yexpect(L, n, DD_Y_SCALAR, path))
        return false;
    if (is_null(n)) {
        dd__lerr(L, n, path, "expected text, got nothing");
        return false;
    }
    *out = n->text;
    return true;
}

bool dd__yint(dd_loader *L, const dd_ynode *n, const char *path, int64_t min, int64_t max,
              int32_t *out)
{
    if (!dd__yexpect(L, n, DD_Y_SCALAR, path))
        return false;
    int64_t v;
    const char *err = dd__parse_int(n->text, &v);
    if (err) {
        dd__lerr(L, n, path, "%s, got '%s'", err, n->text);
        return false;
    }
    if (v < min || v > max) {
        if (max >= INT32_MAX)
            dd__lerr(L, n, path, "must be at least %lld, got %lld", (long long)min, (long long)v);
        else
            dd__lerr(L, n, path, "must be between %lld and %lld, got %lld", (long long)min,
                     (long long)max, (long long)v);
        return false;
    }
    *out = (int32_t)v;
    return true;
}

bool dd__ynum(dd_loader *L, const dd_ynode *n, const char *path, double min, double max,
              double *out)
{
    if (!dd__yexpect(L, n, DD_Y_SCALAR, path))
        return false;
    double v;
    /* a share (0 to 1) may be written as a percentage: 50% */
    bool share = min == 0 && max == 1;
    const char *err = share ? dd__parse_fraction(n->text, &v) : dd__parse_number(n->text, &v);
    if (err) {
        dd__lerr(L, n, path, "%s, got '%s'", err, n->text);
        return false;
    }
    if (v < min || v > max) {
        dd__lerr(L, n, path, "must be between %g and %g, got %g", min, max, v);
        return false;
    }
    *out = v;
    return true;
}

bool dd__yqty(dd_loader *L, const dd_ynode *n, const char *path, dd_qty q, bool positive,
              double *out)
{
    if (!dd__yexpect(L, n, DD_Y_SCALAR, path))
        return false;
    const char *def = q == DD_Q_WEIGHT ? L->weight_unit : q == DD_Q_LENGTH ? L->length_unit : NULL;
    double v;
    const char *err = dd__parse_qty(n->text, q, def, &v);
    if (err) {
        dd__lerr(L, n, path, "%s, got '%s' (units: %s)", err, n->text, dd__qty_units(q));
        return false;
    }
    if (positive ? v <= 0 : v < 0) {
        dd__lerr(L, n, path, "must be %s, got '%s'", positive ? "positive" : "zero or more",
                 n->text);
        return false;
    }
    *out = v;
    return true;
}

dd_time dd__to_minutes(const dd_loader *L, int64_t unix_s)
{
    int64_t d = unix_s - L->s->epoch_unix;
    return d >= 0 ? d / 60 : -((-d + 59) / 60);
}

bool dd__ytime(dd_loader *L, const dd_ynode *n, const char *path, bool end_of_day, dd_time *out)
{
    if (!dd__yexpect(L, n, DD_Y_SCALAR, path))
        return false;
    int64_t u;
    const char *err = dd__parse_time(n->text, L->tz, end_of_day, &u, NULL);
    if (err) {
        dd__lerr(L, n, path, "%s, got '%s'", err, n->text);
        return false;
    }
    *out = dd__to_minutes(L, u);
    return true;
}

bool dd__ybool(dd_loader *L, const dd_ynode *n, const char *path, bool *out)
{
    if (!dd__yexpect(L, n, DD_Y_SCALAR, path))
        return false;
    static const char *const yes[] = {"true", "yes", "y", "1", "True", "Yes", "TRUE", "YES"};
    static const char *const no[] = {"false", "no", "n", "0", "False", "No", "FALSE", "NO"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (strcmp(n->text, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(n->text, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    dd__lerr(L, n, path, "expected true or false, got '%s'", n->text);
    return false;
}

/* --- fields of a map, by key -------------------------------------------- */

/* The readers of the scenario file's sections (sections.c,
 * sections_net.c): a field `key` of `map` at `path`, typed, each
 * reporting its own errors at the field's path (loader.h). */

void dd__field_path(char *buf, size_t size, const char *path, const char *key)
{
    snprintf(buf, size, "%s%s%s", path, *path ? "." : "", key);
}

/* An arena array of n entries (at least one) of `size` bytes; on failure
 * marks the loader out of memory and returns NULL. */
void *dd__alloc_n(dd_loader *L, size_t n, size_t size)
{
    void *v = dd__arena_array(L->arena, n ? n : 1, size);
    if (!v)
        L->oom = true;
    return v;
}

/* The node of map's key (an error when required and missing), with its
 * field path in fp. */
static dd_ynode *field(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                       bool required, char fp[256])
{
    dd__field_path(fp, 256, path, key);
    return required ? dd__yreq(L, map, path, key) : dd__yget(map, key);
}

bool dd__get_qty(dd_loader *L, dd_ynode *map, const char *path, const char *key, dd_qty q,
                 bool positive, bool required, double *out)
{
    char fp[256];
    dd_ynode *n = field(L, map, path, key, required, fp);
    return n && dd__yqty(L, n, fp, q, positive, out);
}

bool dd__get_int(dd_loader *L, dd_ynode *map, const char *path, const char *key, int64_t min,
                 int64_t max, bool required, int32_t *out)
{
    char fp[256];
    dd_ynode *n = field(L, map, path, key, required, fp);
    return n && dd__yint(L, n, fp, min, max, out);
}

bool dd__get_num(dd_loader *L, dd_ynode *map, const char *path, const char *key, double min,
                 double max, bool required, double *out)
{
    char fp[256];
    dd_ynode *n = field(L, map, path, key, required, fp);
    return n && dd__ynum(L, n, fp, min, max, out);
}

bool dd__get_str(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                 bool required, const char **out)
{
    char fp[256];
    dd_ynode *n = field(L, map, path, key, required, fp);
    return n && dd__ystr(L, n, fp, out);
}

bool dd__get_time(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                  bool end_of_day, bool required, dd_time *out)
{
    char fp[256];
    dd_ynode *n = field(L, map, path, key, required, fp);
    return n && dd__ytime(L, n, fp, end_of_day, out);
}

/* A scalar parsed by parse (an error message, or NULL when it reads). */
static bool get_parsed(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                       const char *(*parse)(const char *text, void *out), void *out)
{
    char fp[256];
    dd_ynode *n = field(L, map, path, key, false, fp);
    if (!n || !dd__yexpect(L, n, DD_Y_SCALAR, fp))
        return false;
    const char *err = parse(n->text, out);
    if (err)
        dd__lerr(L, n, fp, "%s, got '%s'", err, n->text);
    return !err;
}

static const char *parse_hours(const char *text, void *out)
{
    int32_t o, c;
    const char *err = dd__parse_hours(text, &o, &c);
    if (!err) {
        ((dd_hours *)out)->open = o;
        ((dd_hours *)out)->close = c;
    }
    return err;
}

static const char *parse_tz(const char *text, void *out)
{
    return dd__parse_tz(text, out);
}

bool dd__get_hours(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                   dd_hours *out)
{
    return get_parsed(L, map, path, key, parse_hours, out);
}

bool dd__get_tz(dd_loader *L, dd_ynode *map, const char *path, int32_t *out)
{
    return get_parsed(L, map, path, "timezone", parse_tz, out);
}

/* A position: {lat: .., lon: ..}, [lat, lon] or "lat, lon" in degrees, or
 * the text of a publication in degrees, minutes and seconds. */
bool dd__get_position(dd_loader *L, dd_ynode *map, const char *path, double *lat,
                      double *lon)
{
    char fp[256];
    dd__field_path(fp, sizeof fp, path, "position");
    dd_ynode *n = dd__yreq(L, map, path, "position");
    if (!n)
        return false;
    if (n->kind == DD_Y_MAP) {
        char sp[256];
        bool ok = dd__get_num(L, n, fp, "lat", -90, 90, true, lat);
        ok = dd__get_num(L, n, fp, "lon", -180, 180, true, lon) && ok;
        static const char *const known[] = {"lat", "lon", NULL};
        (void)sp;
        dd__yunknown(L, n, fp, known);
        return ok;
    }
    if (n->kind == DD_Y_SEQ) {
        if (n->n != 2) {
            dd__lerr(L, n, fp, "expected [latitude, longitude], got %zu values", (size_t)n->n);
            return false;
        }
        char p0[256], p1[256];
        PATH(p0, "%s[0]", fp);
        PATH(p1, "%s[1]", fp);
        bool ok = dd__ynum(L, n->items[0], p0, -90, 90, lat);
        return dd__ynum(L, n->items[1], p1, -180, 180, lon) && ok;
    }
    /* text: signed degrees, or degrees-minutes-seconds as published */
    const char *err = dd__parse_position(n->text, lat, lon);
    if (err) {
        dd__lerr(L, n, fp, "%s, got '%s'", err, n->text);
        return false;
    }
    return true;
}

/* The node of key in map if it is of the given kind (located error if not,
 * or if required and missing). */
static dd_ynode *get_kind(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                          bool required, dd_ykind kind)
{
    char fp[256];
    dd__field_path(fp, sizeof fp, path, key);
    dd_ynode *n = required ? dd__yreq(L, map, path, key) : dd__yget(map, key);
    if (!n)
        return NULL;
    return dd__yexpect(L, n, kind, fp) ? n : NULL;
}

dd_ynode *dd__get_list(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                       bool required)
{
    return get_kind(L, map, path, key, required, DD_Y_SEQ);
}

dd_ynode *dd__get_map(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                      bool required)
{
    return get_kind(L, map, path, key, required, DD_Y_MAP);
}

/* Read the required `id` of the map at `path` and register it in `map` as
 * entry `index`; report an empty or duplicate id. */
bool dd__get_id(dd_loader *L, dd_ynode *m, const char *path, dd_idmap *map, int32_t index,
                const char *what, const char **id)
{
    if (!dd__get_str(L, m, path, "id", true, id))
        return false;
    dd_ynode *idnode = dd__yget(m, "id");
    char fp[192];
    PATH(fp, "%s.id", path);
    if (!**id) {
        dd__lerr(L, idnode, fp, "a %s id cannot be empty", what);
        return false;
    }
    int32_t prev = dd__idmap_put(map, *id, index);
    if (prev == -2) {
        L->oom = true;
        return false;
    }
    if (prev >= 0) {
        dd__lerr(L, idnode, fp, "duplicate %s id '%s'", what, *id);
        return false;
    }
    return true;
}

/* The optional `name` and the required four-letter `icao` of an airfield. */
void dd__get_name_icao(dd_loader *L, dd_ynode *m, const char *path, const char **name,
                       const char **icao)
{
    dd__get_str(L, m, path, "name", false, name);
    if (dd__get_str(L, m, path, "icao", true, icao) && strlen(*icao) != 4) {
        char fp[192];
        PATH(fp, "%s.icao", path);
        dd__lerr(L, dd__yget(m, "icao"), fp, "an ICAO code has 4 letters, got '%s'", *icao);
    }
}

/* --- id map --------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

dd_status dd__idmap_init(dd_idmap *m, dd_arena *a, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 2)
        cap *= 2;
    m->keys = dd__arena_array(a, cap, sizeof *m->keys);
    m->vals = dd__arena_array(a, cap, sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
    return m->keys && m->vals ? DD_OK : DD_ENOMEM;
}

int32_t dd__idmap_put(dd_idmap *m, const char *key, int32_t val)
{
    /* callers size the map for all keys; stay below half full */
    size_t mask = m->cap - 1;
    for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i]) {
            if (m->n + 1 > m->cap / 2)
                return -2; /* full: caller sized it wrong */
            m->keys[i] = key;
            m->vals[i] = val;
            m->n++;
            return -1;
        }
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    }
}

int32_t dd__idmap_get(const dd_idmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    size_t mask = m->cap - 1;
    for (size_t i = hash_str(key) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i])
            return -1;
        if (strcmp(m->keys[i], key) == 0)
            return m->vals[i];
    }
}

int32_t dd__class_index(dd_loader *L, const char *name)
{
    int32_t i = dd__idmap_get(&L->classes, name);
    if (i >= 0)
        return i;
    if (L->n_class_names == L->cap_class_names) {
        size_t cap = L->cap_class_names ? 2 * L->cap_class_names : 8;
        const char **v = dd__arena_array(L->arena, cap, sizeof *v);
        if (!v) {
            L->oom = true;
            return -1;
        }
        if (L->n_class_names)
            memcpy(v, L->class_names, L->n_class_names * sizeof *v);
        L->class_names = v;
        L->cap_class_names = cap;
    }
    i = (int32_t)L->n_class_names;
    L->class_names[L->n_class_names++] = name;
    if (dd__idmap_put(&L->classes, name, i) == -2) {
        L->oom = true;
        return -1;
    }
    return i;
}

int32_t dd__hazard_index(dd_loader *L, const char *name)
{
    int32_t i = dd__idmap_get(&L->hazards, name);
    if (i >= 0)
        return i;
    if (L->n_hazards >= 32)
        return -2;
    i = (int32_t)L->n_hazards;
    char *copy = dd__arena_strdup(L->arena, name);
    if (!copy) {
        L->oom = true;
        return -1;
    }
    L->hazard_names[L->n_hazards++] = copy;
    dd__idmap_put(&L->hazards, copy, i);
    return i;
}

/* --- files ---------------------------------------------------------- */

static void *arena_alloc(void *user, size_t size)
{
    return dd__arena_alloc(user, size);
}

dd_status dd__read_file(dd_arena *a, const char *path, char **text, size_t *len,
                        const char **why)
{
    return dd_read_file(path, DD_READ_MAX, arena_alloc, a, text, len, why);
}

char *dd__join_path(dd_arena *a, const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
        return dd__arena_strdup(a, rel);
    size_t dl = strlen(dir), rl = strlen(rel);
    char *p = dd__arena_alloc(a, dl + rl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, rel, rl + 1);
    return p;
}
