/* SPDX-License-Identifier: MIT */
/*
 * The airfields' order and the network, sections of the scenario file read
 * after the sites (sections.c calls them in its order): the order in which
 * sites close (sites' `after`, the top-level `phases`, a cycle reported
 * once), sites' `via`, the destinations with the countries they overfly,
 * and the en-route stops. Each reader reports every problem it finds with
 * its field path, then goes on.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/loader.h"

#define PATH(buf, ...) snprintf(buf, sizeof buf, __VA_ARGS__)

/* One site id of an order (`after`, `phases[].sites`), resolved; -1 with
 * a located error when unknown. */
static int32_t order_site(dd_loader *L, dd_ynode *n, const char *path)
{
    const char *id;
    if (!dd__ystr(L, n, path, &id))
        return -1;
    int32_t si = dd__idmap_get(&L->sites, id);
    if (si < 0)
        dd__lerr(L, n, path, "unknown site '%s'", id);
    return si;
}

/* A list of site ids (or one id). NULL when absent or on error. */
static dd_ynode *order_list(dd_loader *L, dd_ynode *n, const char *path)
{
    if (!n)
        return NULL;
    if (n->kind == DD_Y_SCALAR)
        return n;
    if (!dd__yexpect(L, n, DD_Y_SEQ, path))
        return NULL;
    return n;
}

typedef struct order_edge {
    int32_t site, before; /* site closes after `before` */
} order_edge;

/* A cycle in the order: depth-first search from each site; a site on the
 * current path met again closes the cycle. Reported once, at the `after`
 * (or phase) that starts it. */
static bool order_cycle(const int32_t *off, const int32_t *to, size_t n, int32_t at,
                        int8_t *mark, int32_t *path, size_t depth, size_t *len)
{
    mark[at] = 1;
    path[depth] = at;
    for (int32_t k = off[at]; k < off[at + 1]; k++) {
        int32_t b = to[k];
        if (mark[b] == 1) {
            /* the cycle runs from b's place in the path to here */
            size_t from = 0;
            while (path[from] != b)
                from++;
            memmove(path, path + from, (depth - from + 1) * sizeof *path);
            *len = depth - from + 1;
            return true;
        }
        if (mark[b] == 0 && order_cycle(off, to, n, b, mark, path, depth + 1, len))
            return true;
    }
    mark[at] = 2;
    return false;
}

typedef struct order_edges {
    order_edge *v;
    size_t n, cap;
    bool oom;
} order_edges;

static void add_edge(order_edges *e, int32_t site, int32_t before)
{
    if (e->oom)
        return;
    if (e->n == e->cap) {
        size_t c = e->cap ? 2 * e->cap : 16;
        order_edge *v = realloc(e->v, c * sizeof *v);
        if (!v) {
            e->oom = true;
            return;
        }
        e->v = v;
        e->cap = c;
    }
    e->v[e->n++] = (order_edge){site, before};
}

/* Each site's `after`: an edge (site, before) per site it follows. */
static void read_after(dd_loader *L, dd_ynode *slist, dd_site *sites, size_t ns,
                       order_edges *e)
{
    for (size_t i = 0; slist && i < ns && i < slist->n; i++) {
        dd_ynode *m = slist->items[i];
        if (m->kind != DD_Y_MAP)
            continue;
        char p[96];
        PATH(p, "sites[%zu].after", i);
        dd_ynode *l = order_list(L, dd__yget(m, "after"), p);
        size_t k_n = l ? (l->kind == DD_Y_SCALAR ? 1 : l->n) : 0;
        for (size_t k = 0; k < k_n; k++) {
            dd_ynode *it = l->kind == DD_Y_SCALAR ? l : l->items[k];
            char fp[128];
            PATH(fp, "%s[%zu]", p, k);
            const char *at = l->kind == DD_Y_SCALAR ? p : fp;
            int32_t b = order_site(L, it, at);
            if (b < 0)
                continue;
            if (b == (int32_t)i)
                dd__lerr(L, it, at, "site %s cannot close after itself", sites[i].id);
            else
                add_edge(e, (int32_t)i, b);
        }
    }
}

/* `phases`: each site of a phase closes after every site of the one
 * before. Sets sites[].phase and the scenario's phases. */
static void read_phases(dd_loader *L, dd_ynode *root, dd_site *sites, order_edges *e)
{
    dd_ynode *ph = dd__get_list(L, root, "", "phases", false);
    size_t np = ph ? ph->n : 0;
    dd_phase *phases = dd__alloc_n(L, np, sizeof *phases);
    if (!phases)
        return;
    for (size_t k = 0; k < np; k++) {
        dd_ynode *m = ph->items[k];
        char p[64];
        PATH(p, "phases[%zu]", k);
        phases[k].id = "";
        if (!dd__yexpect(L, m, DD_Y_MAP, p))
            continue;
        dd__get_str(L, m, p, "id", true, &phases[k].id);
        for (size_t q = 0; q < k; q++)
            if (*phases[k].id && !strcmp(phases[q].id, phases[k].id)) {
                char fp[96];
                PATH(fp, "%s.id", p);
                dd__lerr(L, dd__yget(m, "id"), fp, "duplicate phase id '%s'", phases[k].id);
            }
        char sp[96];
        PATH(sp, "%s.sites", p);
        dd_ynode *l = order_list(L, dd__yreq(L, m, p, "sites"), sp);
        size_t k_n = l ? (l->kind == DD_Y_SCALAR ? 1 : l->n) : 0;
        int32_t *v = dd__alloc_n(L, k_n, sizeof *v);
        if (!v)
            return;
        size_t got = 0;
        for (size_t q = 0; q < k_n; q++) {
            dd_ynode *it = l->kind == DD_Y_SCALAR ? l : l->items[q];
            char fp[128];
            PATH(fp, "%s[%zu]", sp, q);
            int32_t si = order_site(L, it, fp);
            if (si < 0)
                continue;
            if (sites[si].phase >= 0) {
                dd__lerr(L, it, fp, "site %s is already in phase '%s'", sites[si].id,
                         phases[sites[si].phase].id);
                continue;
            }
            sites[si].phase = (int32_t)k;
            v[got++] = si;
        }
        if (l && k_n == 0)
            dd__lerr(L, l, sp, "a phase needs at least one site");
        phases[k].sites = v;
        phases[k].n_sites = got;
        const char *desc;
        dd__get_str(L, m, p, "description", false, &desc);
        static const char *const known[] = {"id", "sites", "description", NULL};
        dd__yunknown(L, m, p, known);
        if (k > 0)
            for (size_t q = 0; q < got; q++)
                for (size_t r = 0; r < phases[k - 1].n_sites; r++)
                    add_edge(e, v[q], phases[k - 1].sites[r]);
    }
    L->s->phases = phases;
    L->s->n_phases = np;
}

/* The edges as each site's `after` list (duplicates out), then a cycle,
 * if any, reported once at the `after` that starts it. */
static void order_finish(dd_loader *L, dd_ynode *root, dd_ynode *slist, dd_site *sites,
                         size_t ns, const order_edges *e)
{
    int32_t *off = calloc(ns + 1, sizeof *off);
    int32_t *fill = calloc(ns + 1, sizeof *fill);
    int32_t *to = malloc((e->n ? e->n : 1) * sizeof *to);
    int8_t *mark = calloc(ns ? ns : 1, 1);
    int32_t *path = malloc((ns ? ns : 1) * sizeof *path);
    if (!off || !fill || !to || !mark || !path) {
        L->oom = true;
        goto done;
    }
    for (size_t k = 0; k < e->n; k++)
        off[e->v[k].site + 1]++;
    for (size_t i = 0; i < ns; i++)
        off[i + 1] += off[i];
    for (size_t k = 0; k < e->n; k++)
        to[off[e->v[k].site] + fill[e->v[k].site]++] = e->v[k].before;
    for (size_t i = 0; i < ns; i++) {
        int32_t *v = dd__arena_array(L->arena, (size_t)(off[i + 1] - off[i]) + 1, sizeof *v);
        if (!v) {
            L->oom = true;
            goto done;
        }
        size_t m = 0;
        for (int32_t k = off[i]; k < off[i + 1]; k++) {
            bool dup = false;
            for (size_t q = 0; q < m; q++)
                dup |= v[q] == to[k];
            if (!dup)
                v[m++] = to[k];
        }
        sites[i].after = v;
        sites[i].n_after = m;
    }
    size_t len = 0;
    for (size_t i = 0; i < ns; i++) {
        if (mark[i] || !order_cycle(off, to, ns, (int32_t)i, mark, path, 0, &len))
            continue;
        char msg[512];
        size_t w = 0;
        for (size_t k = 0; k <= len && w + 2 < sizeof msg; k++)
            w += (size_t)snprintf(msg + w, sizeof msg - w, "%s%s", k ? " -> " : "",
                                  sites[path[k % len]].id);
        char p[64];
        PATH(p, "sites[%d].after", path[0]);
        dd_ynode *at = slist && (size_t)path[0] < slist->n
                           ? dd__yget(slist->items[path[0]], "after")
                           : NULL;
        dd__lerr(L, at ? at : root, at ? p : "phases",
                 "closing order cycle: %s (each site closes after the next)", msg);
        break;
    }
done:
    free(off);
    free(fill);
    free(to);
    free(mark);
    free(path);
}

/* Sites' `after` and the top-level `phases`: the order in which sites
 * close (docs/format.md 4.5). Read once every site id is known. */
void dd__load_site_order(dd_loader *L, dd_ynode *root)
{
    size_t ns = L->s->n_sites;
    dd_site *sites = L->sites_v;
    if (!sites)
        return;
    for (size_t i = 0; i < ns; i++)
        sites[i].phase = -1;
    dd_ynode *slist = dd__yget(root, "sites"); /* load_sites reported its shape */
    if (slist && slist->kind != DD_Y_SEQ)
        slist = NULL;
    order_edges e = {NULL, 0, 0, false};
    read_after(L, slist, sites, ns, &e);
    read_phases(L, root, sites, &e);
    if (e.oom)
        L->oom = true;
    else if (!L->oom)
        order_finish(L, root, slist, sites, ns, &e);
    free(e.v);
}

/* Sites' `via` (docs/format.md 4.5): the site through which each one's
 * cargo and people leave the country, resolved once every site id is
 * known. A cycle is reported once, at the `via` that starts it; a via
 * site that itself leaves through another is a chain, refused. */
/* Does site i close after site v, through the order of closure (its
 * `after` and the phases, followed transitively)? */
static bool closes_after(dd_loader *L, const dd_site *sites, size_t ns, int32_t i, int32_t v)
{
    bool *seen = dd__alloc_n(L, ns, sizeof *seen);
    int32_t *stack = dd__alloc_n(L, ns, sizeof *stack);
    if (!seen || !stack)
        return false;
    size_t n = 0;
    stack[n++] = i;
    seen[i] = true;
    while (n > 0) {
        const dd_site *x = &sites[stack[--n]];
        for (size_t k = 0; k < x->n_after; k++) {
            int32_t a = x->after[k];
            if (a == v)
                return true;
            if (a >= 0 && (size_t)a < ns && !seen[a]) {
                seen[a] = true;
                stack[n++] = a;
            }
        }
    }
    return false;
}

void dd__load_vias(dd_loader *L, dd_ynode *root)
{
    size_t ns = L->s->n_sites;
    dd_site *sites = L->sites_v;
    dd_ynode *slist = dd__yget(root, "sites");
    if (!sites || !slist || slist->kind != DD_Y_SEQ)
        return;
    for (size_t i = 0; i < ns && i < slist->n; i++) {
        dd_ynode *m = slist->items[i];
        dd_ynode *n = m->kind == DD_Y_MAP ? dd__yget(m, "via") : NULL;
        if (!n)
            continue;
        char p[96];
        PATH(p, "sites[%zu].via", i);
        int32_t v = order_site(L, n, p);
        if (v == (int32_t)i)
            dd__lerr(L, n, p, "site %s cannot leave through itself", sites[i].id);
        else if (v >= 0)
            sites[i].via = v;
    }
    for (size_t i = 0; i < ns && i < slist->n; i++) {
        if (sites[i].via < 0)
            continue;
        char p[96];
        PATH(p, "sites[%zu].via", i);
        dd_ynode *n = dd__yget(slist->items[i], "via");
        /* follow the vias from i: back at i is a cycle, reported at its
         * first site in file order */
        size_t len = 1;
        int32_t at = sites[i].via;
        int32_t first = (int32_t)i;
        while (at >= 0 && at != (int32_t)i && len <= ns) {
            first = at < first ? at : first;
            at = sites[at].via;
            len++;
        }
        if (at == (int32_t)i) {
            if (first != (int32_t)i)
                continue;
            char msg[512];
            size_t w = 0;
            int32_t k = (int32_t)i;
            for (size_t q = 0; q <= len && w + 2 < sizeof msg; q++, k = sites[k].via)
                w += (size_t)snprintf(msg + w, sizeof msg - w, "%s%s", q ? " -> " : "",
                                      sites[k].id);
            dd__lerr(L, n, p, "via cycle: %s (each site leaves through the next)", msg);
        } else if (sites[sites[i].via].via >= 0) {
            const dd_site *v = &sites[sites[i].via];
            dd__lerr(L, n, p, "site %s leaves through %s itself; name %s (vias do not chain)",
                     v->id, sites[v->via].id, sites[v->via].id);
        } else if (closes_after(L, sites, ns, (int32_t)i, sites[i].via)) {
            dd__lerr(L, n, p,
                     "site %s leaves through %s but closes after it (after, phases): its last "
                     "leg lands at %s, which is still open then",
                     sites[i].id, sites[sites[i].via].id, sites[sites[i].via].id);
        }
    }
}

/* The overflight country named by the text at node e, or -1 after a
 * located error. */
static int32_t country_of(dd_loader *L, dd_ynode *e, const char *ep, const char *id)
{
    const dd_clearance_terms *c = &L->s->agreement.clearance;
    for (size_t j = 0; j < c->n_overflight; j++)
        if (!strcmp(c->overflight[j].country, id))
            return (int32_t)j;
    dd__lerr(L, e, ep, "unknown country '%s' (list it in agreement.clearance.overflight)", id);
    return -1;
}

/* destinations[].overflies: ids of agreement.clearance.overflight (one
 * id, or a list). */
static void load_overflies(dd_loader *L, dd_ynode *m, const char *p, dd_hub *x)
{
    dd_ynode *n = dd__yget(m, "overflies");
    if (!n)
        return;
    char fp[96];
    PATH(fp, "%s.overflies", p);
    size_t cnt = n->kind == DD_Y_SEQ ? n->n : 1;
    int32_t *v = dd__alloc_n(L, cnt, sizeof *v);
    if (!v)
        return;
    size_t k = 0;
    for (size_t i = 0; i < cnt; i++) {
        dd_ynode *e = n->kind == DD_Y_SEQ ? n->items[i] : n;
        char ep[128];
        if (n->kind == DD_Y_SEQ)
            PATH(ep, "%s[%zu]", fp, i);
        else
            PATH(ep, "%s", fp);
        const char *id;
        if (!dd__ystr(L, e, ep, &id))
            continue;
        int32_t found = country_of(L, e, ep, id);
        if (found >= 0)
            v[k++] = found;
    }
    x->overflies = v;
    x->n_overflies = k;
}

void dd__load_hubs(dd_loader *L, dd_ynode *root)
{
    dd_ynode *list = dd__get_list(L, root, "", "destinations", true);
    size_t n = list ? list->n : 0;
    if (dd__idmap_init(&L->hubs, L->arena, n) != DD_OK ||
        !(L->hubs_v = dd__arena_array(L->arena, n ? n : 1, sizeof *L->hubs_v))) {
        L->oom = true;
        return;
    }
    if (list && n == 0)
        dd__lerr(L, list, "destinations", "a scenario needs at least one destination");
    for (size_t i = 0; i < n; i++) {
        dd_ynode *m = list->items[i];
        dd_hub *x = &L->hubs_v[i];
        char p[64];
        PATH(p, "destinations[%zu]", i);
        x->id = x->name = x->icao = "";
        x->loc = (dd_loc){L->file, m->line, m->col};
        if (!dd__yexpect(L, m, DD_Y_MAP, p))
            continue;
        dd__get_id(L, m, p, &L->hubs, (int32_t)i, "destination", &x->id);
        dd__get_name_icao(L, m, p, &x->name, &x->icao);
        dd__get_position(L, m, p, &x->lat, &x->lon);
        x->mog = -1;
        dd__get_int(L, m, p, "mog", 0, 1000, false, &x->mog);
        x->people_per_day = -1;
        dd__get_int(L, m, p, "people_per_day", 0, 10000000, false, &x->people_per_day);
        load_overflies(L, m, p, x);
        static const char *const known[] = {"id",  "name",      "icao",           "position",
                                            "mog", "overflies", "people_per_day", NULL};
        dd__yunknown(L, m, p, known);
    }
    L->s->hubs = L->hubs_v;
    L->s->n_hubs = n;
}

/* stops[]: en-route fuel stops (issue 18), airfields as destinations are,
 * with their ramp, ground time and the country that clears a landing. */
void dd__load_stops(dd_loader *L, dd_ynode *root)
{
    dd_ynode *list = dd__get_list(L, root, "", "stops", false);
    size_t n = list ? list->n : 0;
    dd_stop *v = dd__alloc_n(L, n ? n : 1, sizeof *v);
    if (!v || dd__idmap_init(&L->stops, L->arena, n) != DD_OK) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dd_ynode *m = list->items[i];
        dd_stop *x = &v[i];
        char p[64];
        PATH(p, "stops[%zu]", i);
        x->id = x->name = x->icao = "";
        x->mog = -1;
        x->ground_time = -1;
        x->country = -1;
        x->tz_offset = L->tz;
        x->hours = (dd_hours){0, 1440};
        x->loc = (dd_loc){L->file, m->line, m->col};
        if (!dd__yexpect(L, m, DD_Y_MAP, p))
            continue;
        dd__get_id(L, m, p, &L->stops, (int32_t)i, "stop", &x->id);
        dd__get_tz(L, m, p, &x->tz_offset);
        dd__get_hours(L, m, p, "hours", &x->hours);
        dd__get_name_icao(L, m, p, &x->name, &x->icao);
        dd__get_position(L, m, p, &x->lat, &x->lon);
        dd__get_int(L, m, p, "mog", 0, 1000, false, &x->mog);
        double t;
        if (dd__get_qty(L, m, p, "ground_time", DD_Q_DURATION, false, false, &t))
            x->ground_time = (dd_time)llround(t);
        const char *c;
        if (dd__get_str(L, m, p, "country", false, &c)) {
            char fp[96];
            PATH(fp, "%s.country", p);
            x->country = country_of(L, dd__yget(m, "country"), fp, c);
        }
        static const char *const known[] = {"id",      "name",     "icao",  "position",
                                            "mog",     "ground_time", "country", "timezone",
                                            "hours",   NULL};
        dd__yunknown(L, m, p, known);
    }
    L->s->stops = v;
    L->s->n_stops = n;
}
