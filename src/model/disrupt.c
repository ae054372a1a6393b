/* SPDX-License-Identifier: MIT */
/*
 * The optional `disruptions:` section of a scenario: the distributions that
 * `drawdown simulate` samples (clearance decision delay, denial and
 * suspensions, aircraft aborts, crews falling out, airfield closures, exit-processing
 * slowdown, task durations).
 * Read after sites and aircraft so that per-site and per-type entries can
 * name them. Every problem is reported with its field path and position;
 * docs/format.md ("Disruptions") is the reference.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/loader.h"

/* What a distribution's values are. */
typedef enum vkind { V_DURATION, V_FACTOR } vkind;

static bool read_value(dd_loader *L, const dd_ynode *n, const char *path, vkind vk,
                       double *out)
{
    if (vk == V_DURATION)
        return dd__yqty(L, n, path, DD_Q_DURATION, false, out);
    return dd__ynum(L, n, path, 0, 1000, out);
}

static bool req_value(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                      vkind vk, double *out)
{
    char fp[256];
    dd__field_path(fp, sizeof fp, path, key);
    dd_ynode *n = dd__yreq(L, map, path, key);
    return n && read_value(L, n, fp, vk, out);
}

static bool read_empirical(dd_loader *L, dd_ynode *m, const char *path, vkind vk, dd_dist *d)
{
    char fp[256];
    dd__field_path(fp, sizeof fp, path, "values");
    dd_ynode *vals = dd__yreq(L, m, path, "values");
    if (!vals || !dd__yexpect(L, vals, DD_Y_SEQ, fp))
        return false;
    if (vals->n == 0) {
        dd__lerr(L, vals, fp, "an empirical distribution needs at least one value");
        return false;
    }
    double *v = dd__arena_array(L->arena, vals->n, sizeof *v);
    double *cum = dd__arena_array(L->arena, vals->n, sizeof *cum);
    if (!v || !cum) {
        L->oom = true;
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < vals->n; i++) {
        char ip[272];
        snprintf(ip, sizeof ip, "%s[%zu]", fp, i);
        ok = read_value(L, vals->items[i], ip, vk, &v[i]) && ok;
        cum[i] = 1.0;
    }
    char wp[256];
    dd__field_path(wp, sizeof wp, path, "weights");
    dd_ynode *w = dd__yget(m, "weights");
    double total = 0;
    if (w && dd__yexpect(L, w, DD_Y_SEQ, wp)) {
        if (w->n != vals->n) {
            dd__lerr(L, w, wp, "%zu weights for %zu values", (size_t)w->n, (size_t)vals->n);
            return false;
        }
        for (size_t i = 0; i < w->n; i++) {
            char ip[272];
            snprintf(ip, sizeof ip, "%s[%zu]", wp, i);
            ok = dd__ynum(L, w->items[i], ip, 0, 1e12, &cum[i]) && ok;
        }
    } else if (w) {
        return false;
    }
    for (size_t i = 0; i < vals->n; i++)
        total += cum[i];
    if (ok && !(total > 0)) {
        dd__lerr(L, w, wp, "the weights add up to zero");
        return false;
    }
    double acc = 0;
    for (size_t i = 0; ok && i < vals->n; i++) {
        acc += cum[i];
        cum[i] = acc / total;
    }
    if (ok)
        cum[vals->n - 1] = 1.0;
    d->n = vals->n;
    d->values = v;
    d->cum = cum;
    return ok;
}

/* The distributions by `dist`: their keys ("dist", then the parameters
 * read into a, b and c in this order; an empirical one reads its values
 * and weights apart). */
static const struct dist_form {
    const char *name;
    dd_dist_kind kind;
    const char *keys[5];
} forms[] = {
    {"fixed", DD_DIST_FIXED, {"dist", "value", NULL}},
    {"uniform", DD_DIST_UNIFORM, {"dist", "min", "max", NULL}},
    {"triangular", DD_DIST_TRIANGULAR, {"dist", "min", "mode", "max", NULL}},
    {"lognormal", DD_DIST_LOGNORMAL, {"dist", "median", "sigma", NULL}},
    {"empirical", DD_DIST_EMPIRICAL, {"dist", "values", "weights", NULL}},
};
#define N_FORMS (sizeof forms / sizeof forms[0])

/* The parameters of form f into d->a, b, c (a lognormal's sigma is a plain
 * number from 0 to 10), each read even when one before is bad. */
static bool read_params(dd_loader *L, dd_ynode *m, const char *path, vkind vk,
                        const struct dist_form *f, dd_dist *d)
{
    if (f->kind == DD_DIST_EMPIRICAL)
        return read_empirical(L, m, path, vk, d);
    double *dst[] = {&d->a, &d->b, &d->c};
    bool ok = true;
    for (size_t k = 0; k < 3 && f->keys[k + 1]; k++) {
        if (f->kind == DD_DIST_LOGNORMAL && k == 1) {
            char sp[256];
            dd__field_path(sp, sizeof sp, path, f->keys[k + 1]);
            dd_ynode *sn = dd__yreq(L, m, path, f->keys[k + 1]);
            ok = sn && dd__ynum(L, sn, sp, 0, 10, dst[k]) && ok;
        } else {
            ok = req_value(L, m, path, f->keys[k + 1], vk, dst[k]) && ok;
        }
    }
    return ok;
}

/* Parameters out of order: why, and in *key the one to blame; NULL when
 * they are in order. */
static const char *misordered(const dd_dist *d, const char **key)
{
    switch (d->kind) {
    case DD_DIST_UNIFORM:
        *key = "max";
        return d->b < d->a ? "max is below min" : NULL;
    case DD_DIST_TRIANGULAR:
        *key = "mode";
        return !(d->a <= d->b && d->b <= d->c) ? "needs min <= mode <= max" : NULL;
    case DD_DIST_LOGNORMAL:
        *key = "median";
        return !(d->a > 0) ? "the median of a lognormal must be positive" : NULL;
    default:
        return NULL;
    }
}

/* A distribution: a single value (fixed) or a map with `dist`. */
static bool read_dist(dd_loader *L, dd_ynode *n, const char *path, vkind vk, dd_dist *d)
{
    memset(d, 0, sizeof *d);
    if (n->kind == DD_Y_SCALAR) {
        if (!read_value(L, n, path, vk, &d->a))
            return false;
        d->kind = DD_DIST_FIXED;
        return true;
    }
    if (!dd__yexpect(L, n, DD_Y_MAP, path))
        return false;
    dd_ynode *m = (dd_ynode *)n;
    char kp[256];
    dd__field_path(kp, sizeof kp, path, "dist");
    dd_ynode *kn = dd__yreq(L, m, path, "dist");
    const char *kind;
    if (!kn || !dd__ystr(L, kn, kp, &kind))
        return false;
    size_t f = 0;
    while (f < N_FORMS && strcmp(kind, forms[f].name) != 0)
        f++;
    if (f == N_FORMS) {
        const char *kinds[N_FORMS + 1] = {NULL};
        for (size_t k = 0; k < N_FORMS; k++)
            kinds[k] = forms[k].name;
        char msg[512];
        dd__lerr(L, kn, kp, "%s",
                 dd__unknown(msg, sizeof msg, "distribution", kind, kind, kinds,
                             " (fixed, uniform, triangular, lognormal, empirical)"));
        return false;
    }
    d->kind = forms[f].kind;
    bool ok = read_params(L, m, path, vk, &forms[f], d);
    const char *key, *why = ok ? misordered(d, &key) : NULL;
    if (why) {
        dd__field_path(kp, sizeof kp, path, key);
        dd__lerr(L, dd__yget(m, key), kp, "%s", why);
        ok = false;
    }
    dd__yunknown(L, m, path, forms[f].keys);
    return ok;
}

static void opt_dist(dd_loader *L, dd_ynode *map, const char *path, const char *key, vkind vk,
                     dd_dist *d)
{
    char fp[256];
    dd__field_path(fp, sizeof fp, path, key);
    dd_ynode *n = dd__yget(map, key);
    if (n && !read_dist(L, n, fp, vk, d))
        d->kind = DD_DIST_NONE;
}

static void opt_prob(dd_loader *L, dd_ynode *map, const char *path, const char *key,
                     double *out)
{
    char fp[256];
    dd__field_path(fp, sizeof fp, path, key);
    dd_ynode *n = dd__yget(map, key);
    if (n)
        dd__ynum(L, n, fp, 0, 1, out);
}

static dd_ynode *opt_map(dd_loader *L, dd_ynode *map, const char *path, const char *key)
{
    char fp[256];
    dd__field_path(fp, sizeof fp, path, key);
    dd_ynode *n = dd__yget(map, key);
    return n && dd__yexpect(L, n, DD_Y_MAP, fp) ? n : NULL;
}

/* key: {rate, duration}: closures of an airfield, suspensions of its
 * clearances */
static void read_windows(dd_loader *L, dd_ynode *m, const char *path, const char *key,
                         double *rate, dd_dist *duration)
{
    char cp[256];
    dd__field_path(cp, sizeof cp, path, key);
    dd_ynode *c = opt_map(L, m, path, key);
    if (!c)
        return;
    char rp[280];
    dd__field_path(rp, sizeof rp, cp, "rate");
    dd_ynode *r = dd__yreq(L, c, cp, "rate");
    if (r)
        dd__ynum(L, r, rp, 0, 100, rate);
    char dp[280];
    dd__field_path(dp, sizeof dp, cp, "duration");
    dd_ynode *d = dd__yreq(L, c, cp, "duration");
    if (d && !read_dist(L, d, dp, V_DURATION, duration))
        duration->kind = DD_DIST_NONE;
    static const char *const known[] = {"rate", "duration", NULL};
    dd__yunknown(L, c, cp, known);
}

/* What can happen to clearance requests, country-wide or at one airfield. */
typedef struct clearance_dz {
    dd_dist *decision;
    double *denial;
    double *suspension_rate;
    dd_dist *suspension_duration;
} clearance_dz;

/* clearance: {decision, denial, suspensions} */
static void read_clearance(dd_loader *L, dd_ynode *m, const char *path, const clearance_dz *x)
{
    char cp[256];
    dd__field_path(cp, sizeof cp, path, "clearance");
    dd_ynode *c = opt_map(L, m, path, "clearance");
    if (!c)
        return;
    opt_dist(L, c, cp, "decision", V_DURATION, x->decision);
    opt_prob(L, c, cp, "denial", x->denial);
    read_windows(L, c, cp, "suspensions", x->suspension_rate, x->suspension_duration);
    static const char *const known[] = {"decision", "denial", "suspensions", NULL};
    dd__yunknown(L, c, cp, known);
}

/* An entry of a section keyed by id (sites, aircraft, destinations): its
 * path into `path`, and the index its key names, or -1 after a located
 * error (an unknown id, a value that is not a mapping). */
static int32_t keyed_entry(dd_loader *L, dd_ypair *p, const char *section, const dd_idmap *ids,
                           const char *what, char *path, size_t size)
{
    snprintf(path, size, "disruptions.%s.%s", section, p->key->text);
    p->used = true;
    int32_t k = dd__idmap_get(ids, p->key->text);
    if (k < 0) {
        dd__lerr(L, p->key, path, "unknown %s '%s'", what, p->key->text);
        return -1;
    }
    return dd__yexpect(L, p->value, DD_Y_MAP, path) ? k : -1;
}

/* A keyed section of disruptions ({ID: {...}}, the map node `map`, or
 * NULL when absent): each entry whose id is known is read by `read` into
 * record k of `out` (records of `size` bytes), its keys checked against
 * `known`. */
typedef void entry_fn(dd_loader *L, dd_ynode *v, const char *path, void *entry);

static void read_keyed(dd_loader *L, dd_ynode *map, const char *section, const dd_idmap *ids,
                       const char *what, entry_fn *read, void *out, size_t size,
                       const char *const *known)
{
    for (size_t i = 0; map && i < map->n; i++) {
        dd_ypair *p = &map->pairs[i];
        char ep[256];
        int32_t k = keyed_entry(L, p, section, ids, what, ep, sizeof ep);
        if (k < 0)
            continue;
        read(L, p->value, ep, (char *)out + (size_t)k * size);
        dd__yunknown(L, p->value, ep, known);
    }
}

static void hub_entry(dd_loader *L, dd_ynode *v, const char *path, void *entry)
{
    dd_hub_disruption *h = entry;
    read_windows(L, v, path, "closures", &h->closure_rate, &h->closure_duration);
}

static void site_entry(dd_loader *L, dd_ynode *v, const char *path, void *entry)
{
    dd_site_disruption *d = entry;
    read_clearance(L, v, path,
                   &(clearance_dz){&d->decision, &d->denial, &d->suspension_rate,
                                   &d->suspension_duration});
    read_windows(L, v, path, "closures", &d->closure_rate, &d->closure_duration);
    opt_dist(L, v, path, "exit_processing", V_FACTOR, &d->exit_factor);
}

static void aircraft_entry(dd_loader *L, dd_ynode *v, const char *path, void *entry)
{
    dd_aircraft_disruption *a = entry;
    opt_prob(L, v, path, "abort", &a->abort);
    opt_dist(L, v, path, "delay", V_DURATION, &a->delay);
    read_windows(L, v, path, "crews", &a->crew_rate, &a->crew_duration);
}

/* A type's crews can fall out only when it has crews to lose: an entry
 * `crews` on a type without `crews` limits is a located error. */
static void crews_without_limit(dd_loader *L, dd_ynode *map)
{
    for (size_t i = 0; map && i < map->n; i++) {
        dd_ypair *p = &map->pairs[i];
        int32_t k = dd__idmap_get(&L->aircraft, p->key->text);
        dd_ynode *c = p->value->kind == DD_Y_MAP ? dd__yget(p->value, "crews") : NULL;
        if (k < 0 || !c || L->s->aircraft[k].crews >= 0)
            continue;
        char cp[256];
        snprintf(cp, sizeof cp, "disruptions.aircraft.%s.crews", p->key->text);
        dd__lerr(L, c, cp,
                 "%s has no crews to lose: its crews are not limited (add crews: {count, duty, "
                 "rest} to the aircraft type)",
                 p->key->text);
    }
}

/* destinations: {HUB: {closures: {rate, duration}}} */
static void read_hubs(dd_loader *L, dd_ynode *m, dd_disruptions *x)
{
    dd_ynode *hubs = opt_map(L, m, "disruptions", "destinations");
    if (!hubs)
        return;
    size_t nh = L->s->n_hubs;
    dd_hub_disruption *hv = dd__arena_array(L->arena, nh ? nh : 1, sizeof *hv);
    if (!hv) {
        L->oom = true;
        return;
    }
    static const char *const known[] = {"closures", NULL};
    read_keyed(L, hubs, "destinations", &L->hubs, "destination", hub_entry, hv, sizeof *hv,
               known);
    x->hubs = hv;
}

void dd__load_disruptions(dd_loader *L, dd_ynode *root)
{
    dd_ynode *m = opt_map(L, root, "", "disruptions");
    if (!m)
        return;
    dd_scenario *s = L->s;
    dd_disruptions *x = &s->disruptions;
    memset(x, 0, sizeof *x);
    x->present = true;
    x->replan_every = DD_MINUTES_PER_DAY;
    const char *path = "disruptions";
    read_clearance(L, m, path,
                   &(clearance_dz){&x->decision, &x->denial, &x->suspension_rate,
                                   &x->suspension_duration});
    read_windows(L, m, path, "closures", &x->closure_rate, &x->closure_duration);
    read_windows(L, m, path, "crews", &x->crew_rate, &x->crew_duration);
    opt_dist(L, m, path, "exit_processing", V_FACTOR, &x->exit_factor);
    opt_dist(L, m, path, "task_duration", V_FACTOR, &x->task_factor);
    dd_ynode *rn = dd__yget(m, "replan");
    if (rn) {
        double v;
        if (dd__yqty(L, rn, "disruptions.replan", DD_Q_DURATION, true, &v))
            x->replan_every = (dd_time)llround(v);
    }

    dd_site_disruption *sv = dd__arena_array(L->arena, s->n_sites ? s->n_sites : 1, sizeof *sv);
    dd_aircraft_disruption *av =
        dd__arena_array(L->arena, s->n_aircraft ? s->n_aircraft : 1, sizeof *av);
    if (!sv || !av) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < s->n_sites; i++) {
        memset(&sv[i], 0, sizeof sv[i]);
        sv[i].denial = -1;
        sv[i].closure_rate = -1;
        sv[i].suspension_rate = -1;
    }
    memset(av, 0, (s->n_aircraft ? s->n_aircraft : 1) * sizeof *av);
    for (size_t i = 0; i < s->n_aircraft; i++)
        av[i].crew_rate = -1;

    static const char *const site_keys[] = {"clearance", "closures", "exit_processing", NULL};
    read_keyed(L, opt_map(L, m, path, "sites"), "sites", &L->sites, "site", site_entry, sv,
               sizeof *sv, site_keys);
    static const char *const aircraft_keys[] = {"abort", "delay", "crews", NULL};
    dd_ynode *am = opt_map(L, m, path, "aircraft");
    read_keyed(L, am, "aircraft", &L->aircraft, "aircraft type", aircraft_entry, av, sizeof *av,
               aircraft_keys);
    crews_without_limit(L, am);
    read_hubs(L, m, x);
    static const char *const known[] = {"clearance", "closures", "crews", "exit_processing",
                                        "task_duration", "replan", "sites",
                                        "aircraft", "destinations", NULL};
    dd__yunknown(L, m, path, known);
    x->sites = sv;
    x->aircraft = av;
}
