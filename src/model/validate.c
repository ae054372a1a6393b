/* SPDX-License-Identifier: MIT */
/*
 * Cross-validation once everything is read: task links (predecessors,
 * resource demands, what a task releases), precedence cycles, dates in
 * order, and physically impossible items (too heavy or too large for every
 * aircraft, a pallet over its limits). Messages point at the CSV cell or
 * the scenario field concerned.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/csvread.h"
#include "model/loader.h"

#define LB 0.45359237
#define IN 0.0254

static void row_err(dd_loader *L, dd_severity sev, const char *what, const dd_inv_src *src,
                    size_t off, uint32_t line, size_t index, int col, const char *colname,
                    const char *fmt, va_list ap)
{
    char msg[640];
    vsnprintf(msg, sizeof msg, fmt, ap);
    char path[160];
    snprintf(path, sizeof path, "%s row %zu%s%s", what, index, colname ? ", column " : "",
             colname ? colname : "");
    dd__inv_at(L, sev, src, line, off, col >= 0 ? col : DD_INV_ROW, path, "%s", msg);
}

static void task_err(dd_loader *L, size_t k, int col, const char *colname, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void task_err(dd_loader *L, size_t k, int col, const char *colname, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    row_err(L, DD_SEV_ERROR, "tasks", &L->tasks_src, L->tasks_off[k], L->tasks_v[k].line, k + 1,
            L->tasks_col[col], colname, fmt, ap);
    va_end(ap);
}

static void cargo_msg(dd_loader *L, dd_severity sev, size_t k, int col, const char *colname,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void cargo_msg(dd_loader *L, dd_severity sev, size_t k, int col, const char *colname,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    row_err(L, sev, "cargo", &L->cargo_src, L->cargo_off[k], L->cargo_v[k].line, k + 1,
            col >= 0 ? L->cargo_col[col] : -1, colname, fmt, ap);
    va_end(ap);
}

static void people_err(dd_loader *L, size_t k, int col, const char *colname, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));
static void people_err(dd_loader *L, size_t k, int col, const char *colname, const char *fmt,
                       ...)
{
    va_list ap;
    va_start(ap, fmt);
    row_err(L, DD_SEV_ERROR, "personnel", &L->people_src, L->people_off[k], L->people_v[k].line,
            k + 1, L->people_col[col], colname, fmt, ap);
    va_end(ap);
}

/* Next item of a ';'- or space-separated list; returns false at the end. */
static bool next_token(const char **p, char *buf, size_t size)
{
    const char *s = *p;
    while (*s == ';' || *s == ' ' || *s == '\t' || *s == '|')
        s++;
    if (!*s)
        return false;
    size_t n = 0;
    while (*s && *s != ';' && *s != ' ' && *s != '\t' && *s != '|') {
        if (n + 1 < size)
            buf[n++] = *s;
        s++;
    }
    buf[n] = '\0';
    *p = s;
    return true;
}

/* An item of a task's list, "T2+2h" or "load-team:2": the name and the
 * text after the separator (NULL without one). */
typedef struct list_item {
    const char *name, *arg;
} list_item;

/* The items of `list` (next_token's items, split at the first `sep`) in
 * the arena, their number in *n_out; NULL when out of memory. */
static list_item *split_list(dd_loader *L, const char *list, char sep, size_t *n_out)
{
    size_t n = 0;
    const char *p = list;
    char tok[128];
    while (next_token(&p, tok, sizeof tok))
        n++;
    list_item *v = dd__arena_array(L->arena, n ? n : 1, sizeof *v);
    for (p = list, n = 0; v && next_token(&p, tok, sizeof tok); n++) {
        char *at = strchr(tok, sep);
        if (at)
            *at = '\0';
        v[n].name = dd__arena_strdup(L->arena, tok);
        v[n].arg = at ? dd__arena_strdup(L->arena, at + 1) : NULL;
        if (!v[n].name || (at && !v[n].arg))
            v = NULL;
    }
    *n_out = n;
    return v;
}

/* A task's predecessors, "T1;T2+2h". False when out of memory. */
static bool task_preds(dd_loader *L, size_t k)
{
    dd_task *t = &L->tasks_v[k];
    size_t n;
    list_item *it = split_list(L, L->pending[k].preds, '+', &n);
    int32_t *pred = dd__arena_array(L->arena, n ? n : 1, sizeof *pred);
    dd_time *lag = dd__arena_array(L->arena, n ? n : 1, sizeof *lag);
    if (!it || !pred || !lag) {
        L->oom = true;
        return false;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *tok = it[i].name;
        dd_time lg = 0;
        if (it[i].arg) {
            double v;
            const char *err = dd__parse_qty(it[i].arg, DD_Q_DURATION, NULL, &v);
            if (err) {
                task_err(L, k, T_PRED, "predecessors", "bad lag '%s' after '%s': %s",
                         it[i].arg, tok, err);
                continue;
            }
            lg = (dd_time)llround(v);
        }
        int32_t q = dd__idmap_get(&L->tasks, tok);
        if (q < 0) {
            task_err(L, k, T_PRED, "predecessors", "unknown task '%s'", tok);
            continue;
        }
        if ((size_t)q == k) {
            task_err(L, k, T_PRED, "predecessors", "task '%s' cannot follow itself",
                     tok);
            continue;
        }
        pred[m] = q;
        lag[m] = lg;
        m++;
    }
    t->pred = pred;
    t->pred_lag = lag;
    t->n_pred = m;
    return true;
}

/* A task's resources at its site, "load-team:2;k-loader". False when out
 * of memory. */
static bool task_demands(dd_loader *L, size_t k)
{
    dd_task *t = &L->tasks_v[k];
    const dd_site *site = &L->sites_v[t->site];
    size_t n;
    list_item *it = split_list(L, L->pending[k].demands, ':', &n);
    dd_demand *d = dd__arena_array(L->arena, n ? n : 1, sizeof *d);
    if (!it || !d) {
        L->oom = true;
        return false;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *tok = it[i].name;
        int64_t amount = 1;
        if (it[i].arg && (dd__parse_int(it[i].arg, &amount) || amount < 1)) {
            task_err(L, k, T_RES, "resources",
                     "bad amount '%s' for '%s' (expected a whole number >= 1)", it[i].arg,
                     tok);
            continue;
        }
        int32_t r = -1;
        const char *known[33];
        size_t nk = 0;
        for (size_t j = 0; j < site->n_resources; j++) {
            if (strcmp(site->resources[j].id, tok) == 0)
                r = (int32_t)j;
            if (nk < 32)
                known[nk++] = site->resources[j].id;
        }
        known[nk] = NULL;
        if (r < 0) {
            const char *sug = dd__suggest(tok, known);
            if (sug)
                task_err(L, k, T_RES, "resources",
                         "unknown resource '%s' at site %s (did you mean '%s'?)", tok,
                         site->id, sug);
            else
                task_err(L, k, T_RES, "resources", "unknown resource '%s' at site %s",
                         tok, site->id);
            continue;
        }
        if (amount > site->resources[r].capacity) {
            task_err(L, k, T_RES, "resources",
                     "task needs %lld %s but site %s has %d", (long long)amount, tok,
                     site->id, site->resources[r].capacity);
            continue;
        }
        d[m].resource = r;
        d[m].amount = (int32_t)amount;
        m++;
    }
    t->demand = d;
    t->n_demand = m;
    return true;
}

/* What a task releases: cargo or people of its site, each by one task. */
static void task_releases(dd_loader *L, size_t k)
{
    struct pending_task *pt = &L->pending[k];
    const char *p = pt->releases;
    char tok[128];
    while (next_token(&p, tok, sizeof tok)) {
        int32_t c = dd__idmap_get(&L->cargo, tok);
        int32_t g = c < 0 ? dd__idmap_get(&L->people, tok) : -1;
        if (c < 0 && g < 0) {
            task_err(L, k, T_REL, "releases", "unknown cargo or personnel id '%s'", tok);
            continue;
        }
        int32_t *rel = c >= 0 ? &L->cargo_v[c].released_by : &L->people_v[g].released_by;
        int32_t site = c >= 0 ? L->cargo_v[c].site : L->people_v[g].site;
        if (*rel >= 0 && (size_t)*rel != k) {
            task_err(L, k, T_REL, "releases", "'%s' is already released by task '%s'", tok,
                     L->tasks_v[*rel].id);
            continue;
        }
        if (site >= 0 && L->tasks_v[k].site >= 0 && site != L->tasks_v[k].site) {
            task_err(L, k, T_REL, "releases",
                     "'%s' is at site %s but the task is at site %s", tok,
                     L->sites_v[site].id, L->sites_v[L->tasks_v[k].site].id);
            continue;
        }
        *rel = (int32_t)k;
    }
}

/* The released_by columns of cargo and people. */
static void released_by_columns(dd_loader *L)
{
    dd_scenario *s = L->s;
    for (size_t k = 0; k < s->n_cargo; k++) {
        const char *id = L->cargo_release_by[k];
        if (!id)
            continue;
        int32_t t = dd__idmap_get(&L->tasks, id);
        dd_cargo *c = &L->cargo_v[k];
        if (t < 0)
            cargo_msg(L, DD_SEV_ERROR, k, K_RELBY, "released_by", "unknown task '%s'", id);
        else if (c->released_by >= 0 && c->released_by != t)
            cargo_msg(L, DD_SEV_ERROR, k, K_RELBY, "released_by",
                      "task '%s' releases this item too, not '%s'",
                      L->tasks_v[c->released_by].id, id);
        else if (c->site >= 0 && L->tasks_v[t].site >= 0 && L->tasks_v[t].site != c->site)
            cargo_msg(L, DD_SEV_ERROR, k, K_RELBY, "released_by",
                      "task '%s' is at site %s, the item at site %s", id,
                      L->sites_v[L->tasks_v[t].site].id, L->sites_v[c->site].id);
        else
            c->released_by = t;
    }
    for (size_t k = 0; k < s->n_people; k++) {
        const char *id = L->people_release_by[k];
        if (!id)
            continue;
        int32_t t = dd__idmap_get(&L->tasks, id);
        dd_people *g = &L->people_v[k];
        if (t < 0)
            people_err(L, k, P_RELBY, "released_by", "unknown task '%s'", id);
        else if (g->released_by >= 0 && g->released_by != t)
            people_err(L, k, P_RELBY, "released_by", "task '%s' releases this group too",
                       L->tasks_v[g->released_by].id);
        else
            g->released_by = t;
    }
}

static void resolve_tasks(dd_loader *L)
{
    dd_scenario *s = L->s;
    for (size_t k = 0; k < s->n_tasks; k++) {
        if (L->pending[k].preds && !task_preds(L, k))
            return;
        if (L->pending[k].demands && L->tasks_v[k].site >= 0 && !task_demands(L, k))
            return;
    }
    for (size_t k = 0; k < s->n_tasks; k++)
        if (L->pending[k].releases)
            task_releases(L, k);
    released_by_columns(L);
}

/* Precedence cycles: iterative depth-first search; each cycle found is
 * reported once, with its tasks in order. */
static void find_cycles(dd_loader *L)
{
    dd_scenario *s = L->s;
    size_t n = s->n_tasks;
    if (!n)
        return;
    unsigned char *color = calloc(n, 1);
    size_t *stack = malloc(n * sizeof *stack);
    size_t *edge = malloc(n * sizeof *edge);
    if (!color || !stack || !edge) {
        free(color);
        free(stack);
        free(edge);
        L->oom = true;
        return;
    }
    int reported = 0;
    for (size_t root = 0; root < n && reported < 5; root++) {
        if (color[root])
            continue;
        size_t sp = 0;
        stack[sp] = root;
        edge[sp] = 0;
        color[root] = 1;
        sp++;
        while (sp) {
            size_t u = stack[sp - 1];
            const dd_task *t = &L->tasks_v[u];
            if (edge[sp - 1] < t->n_pred) {
                size_t v = (size_t)t->pred[edge[sp - 1]++];
                if (color[v] == 0) {
                    color[v] = 1;
                    stack[sp] = v;
                    edge[sp] = 0;
                    sp++;
                } else if (color[v] == 1 && reported < 5) {
                    /* cycle: v ... u -> v (following "after" links) */
                    char msg[512];
                    size_t pos = 0;
                    size_t i = sp;
                    while (i > 0 && stack[i - 1] != v)
                        i--;
                    pos += (size_t)snprintf(msg + pos, sizeof msg - pos, "%s",
                                            L->tasks_v[v].id);
                    /* stack[i..sp-1] follow v in "waits for" order */
                    for (size_t j = i; j < sp && pos < sizeof msg; j++)
                        pos += (size_t)snprintf(msg + pos, sizeof msg - pos, " -> %s",
                                                L->tasks_v[stack[j]].id);
                    (void)pos;
                    /* report at the task that closes the cycle, in its own order */
                    task_err(L, u, T_PRED, "predecessors",
                             "precedence cycle: %s (each task waits for the next)", msg);
                    reported++;
                }
            } else {
                color[u] = 2;
                sp--;
            }
        }
    }
    free(color);
    free(stack);
    free(edge);
}

static void check_dates(dd_loader *L)
{
    dd_scenario *s = L->s;
    const dd_agreement *a = &s->agreement;
    /* a deadline that failed to load was reported; compare nothing with it */
    const dd_time deadline = L->deadline_ok ? a->deadline : INT64_MAX;
    for (size_t i = 0; i < a->n_milestones; i++) {
        const dd_milestone *m = &a->milestones[i];
        char p[96];
        snprintf(p, sizeof p, "agreement.milestones[%zu].at", i);
        /* point at the `at` value the path names, not the milestone's map */
        const dd_ynode *at = L->milestone_at ? L->milestone_at[i] : NULL;
        uint32_t line = at ? at->line : m->loc.line, col = at ? at->col : m->loc.col;
        if (m->at > deadline)
            dd__lerr_at(L, DD_SEV_ERROR, L->file, L->text, L->len, line, col, p,
                        "milestone '%s' falls after the deadline", m->id);
        else if (m->at <= 0)
            dd__lerr_at(L, DD_SEV_ERROR, L->file, L->text, L->len, line, col, p,
                        "milestone '%s' falls before the epoch", m->id);
    }
    for (size_t i = 0; i < s->n_sites; i++) {
        const dd_site *x = &s->sites[i];
        if (x->close_by != DD_TIME_NONE && x->close_by > deadline) {
            char p[96], key[160];
            snprintf(p, sizeof p, "sites[%zu].close_by", i);
            snprintf(key, sizeof key, "late-close %s", x->id);
            if (!dd__acked(L, key))
                dd__lerr_at(L, DD_SEV_WARNING, L->file, L->text, L->len, x->loc.line,
                            x->loc.col, p,
                            "site %s closes after the agreement's deadline; the deadline "
                            "binds (if intended: acknowledge: ['%s'])",
                            x->id, key);
        }
    }
    for (size_t k = 0; k < s->n_cargo; k++)
        if (s->cargo[k].ready != DD_TIME_NONE && s->cargo[k].ready > deadline)
            cargo_msg(L, DD_SEV_ERROR, k, K_READY, "ready",
                      "item '%s' is ready only after the deadline", s->cargo[k].id);
    for (size_t k = 0; k < s->n_people; k++) {
        const dd_people *g = &s->people[k];
        if (g->release != DD_TIME_NONE && g->release > deadline)
            people_err(L, k, P_REL, "release", "group '%s' is released only after the deadline",
                       g->id);
        if (g->arrival != DD_TIME_NONE && g->arrival > deadline)
            people_err(L, k, P_ARR, "arrival", "group '%s' arrives after the deadline", g->id);
    }
}

static void fmt_len(const dd_scenario *s, double m, char *buf, size_t size)
{
    if (s->display_length == DD_UNIT_IN)
        snprintf(buf, size, "%.0f in", m / IN);
    else if (s->display_length == DD_UNIT_FT)
        snprintf(buf, size, "%.1f ft", m / 0.3048);
    else
        snprintf(buf, size, "%.2f m", m);
}

static void fmt_wt(const dd_scenario *s, double kg, char *buf, size_t size)
{
    if (s->display_weight == DD_UNIT_LB)
        snprintf(buf, size, "%.0f lb", kg / LB);
    else if (s->display_weight == DD_UNIT_T)
        snprintf(buf, size, "%.2f t", kg / 1000);
    else if (s->display_weight == DD_UNIT_STON)
        snprintf(buf, size, "%.2f short tons", kg / 907.18474);
    else
        snprintf(buf, size, "%.0f kg", kg);
}

static void check_items(dd_loader *L)
{
    dd_scenario *s = L->s;
    double max_acl = 0, max_dw = 0, max_dh = 0, max_fl = 0;
    const char *acl_id = "";
    if (L->units_failed)
        return; /* sizes may have been read in the wrong unit: no checks on them */
    for (size_t i = 0; i < s->n_aircraft; i++) {
        const dd_aircraft *a = &s->aircraft[i];
        double acl = a->acl_kg;
        for (size_t k = 0; k < a->n_range_payload; k++)
            if (a->range_payload[k].payload_kg > acl)
                acl = a->range_payload[k].payload_kg;
        if (acl > max_acl) {
            max_acl = acl;
            acl_id = a->id;
        }
        if (a->door_width_m > max_dw)
            max_dw = a->door_width_m;
        if (a->door_height_m > max_dh)
            max_dh = a->door_height_m;
        if (a->floor_length_m > max_fl)
            max_fl = a->floor_length_m;
    }
    const double eps = 1e-6;
    for (size_t k = 0; k < s->n_cargo; k++) {
        const dd_cargo *c = &s->cargo[k];
        if (c->weight_kg <= 0 || c->length_m <= 0 || c->width_m <= 0 || c->height_m <= 0)
            continue; /* already reported */
        char a[48], b[48];
        if (c->kind == DD_CARGO_PALLET) {
            if (c->weight_kg > DD_463L_MAX_GROSS_KG + eps) {
                fmt_wt(s, c->weight_kg, a, sizeof a);
                cargo_msg(L, DD_SEV_ERROR, k, K_W, "weight",
                          "a 463L pallet may weigh at most 10,000 lb (4,536 kg) with its nets; "
                          "'%s' weighs %s",
                          c->id, a);
            }
            if (c->height_m > DD_463L_MAX_HEIGHT_M + eps) {
                fmt_len(s, c->height_m, a, sizeof a);
                cargo_msg(L, DD_SEV_ERROR, k, K_H, "height",
                          "a 463L pallet load may be at most 96 in (2.44 m) high; '%s' is %s",
                          c->id, a);
            }
        } else if (c->kind == DD_CARGO_LOOSE) {
            double l = c->length_m, w = c->width_m;
            bool fits = (l <= DD_463L_USABLE_LENGTH_M + eps && w <= DD_463L_USABLE_WIDTH_M + eps) ||
                        (w <= DD_463L_USABLE_LENGTH_M + eps && l <= DD_463L_USABLE_WIDTH_M + eps);
            if (!fits) {
                fmt_len(s, l, a, sizeof a);
                fmt_len(s, w, b, sizeof b);
                cargo_msg(L, DD_SEV_ERROR, k, K_L, "length",
                          "loose item '%s' (%s × %s) does not fit the 84 × 104 in of a 463L "
                          "pallet; make it kind outsize",
                          c->id, a, b);
            } else if (c->height_m > DD_463L_MAX_HEIGHT_M + eps) {
                fmt_len(s, c->height_m, a, sizeof a);
                cargo_msg(L, DD_SEV_ERROR, k, K_H, "height",
                          "loose item '%s' is %s high, above the 96 in a 463L pallet takes; "
                          "make it kind outsize",
                          c->id, a);
            } else if (c->weight_kg > DD_463L_MAX_GROSS_KG - DD_463L_TARE_KG + eps) {
                fmt_wt(s, c->weight_kg, a, sizeof a);
                cargo_msg(L, DD_SEV_ERROR, k, K_W, "weight",
                          "loose item '%s' weighs %s, more than a 463L pallet carries (9,645 "
                          "lb net); make it kind outsize",
                          c->id, a);
            }
        }
        if (c->sensitive && c->hazard >= 0 && c->disposition == DD_DISP_SHIP &&
            ((L->hazard_no_pax >> c->hazard) & 1u))
            cargo_msg(L, DD_SEV_ERROR, k, K_SENS, "sensitive",
                      "'%s' needs an escort, but its hazard class %s may not fly with "
                      "passengers, so no escort can travel with it",
                      c->id, L->hazard_names[c->hazard]);
        if (c->disposition != DD_DISP_SHIP || s->n_aircraft == 0)
            continue;
        if (c->weight_kg > max_acl + eps) {
            fmt_wt(s, c->weight_kg, a, sizeof a);
            fmt_wt(s, max_acl, b, sizeof b);
            cargo_msg(L, DD_SEV_ERROR, k, K_W, "weight",
                      "'%s' weighs %s, more than any aircraft's cabin load (largest: %s, %s)",
                      c->id, a, acl_id, b);
            continue;
        }
        if (c->kind == DD_CARGO_ROLLING || c->kind == DD_CARGO_OUTSIZE ||
            c->kind == DD_CARGO_DRONE || c->kind == DD_CARGO_CONTAINER) {
            double w = c->width_m < c->length_m ? c->width_m : c->length_m;
            double l = c->width_m < c->length_m ? c->length_m : c->width_m;
            if (w > max_dw + eps || c->height_m > max_dh + eps) {
                fmt_len(s, w, a, sizeof a);
                fmt_len(s, c->height_m, b, sizeof b);
                cargo_msg(L, DD_SEV_ERROR, k, w > max_dw + eps ? K_WD : K_H,
                          w > max_dw + eps ? "width" : "height",
                          "'%s' (%s wide, %s high) is larger than every aircraft door", c->id,
                          a, b);
            } else if (l > max_fl + eps) {
                fmt_len(s, l, a, sizeof a);
                cargo_msg(L, DD_SEV_ERROR, k, K_L, "length",
                          "'%s' is %s long, longer than every aircraft's cargo floor", c->id, a);
            }
        }
    }
}

static void check_fleet(dd_loader *L)
{
    dd_scenario *s = L->s;
    for (size_t i = 0; i < s->n_aircraft; i++) {
        const dd_aircraft *a = &s->aircraft[i];
        if (a->klass < 0)
            continue;
        for (size_t j = 0; j < s->n_sites; j++) {
            const dd_site *x = &s->sites[j];
            /* a class given 0 is said to be kept off the site on purpose */
            bool listed = false, stated = false;
            for (size_t k = 0; k < x->n_mog; k++)
                if (x->mog[k].klass == a->klass) {
                    stated = true;
                    listed = listed || x->mog[k].count > 0;
                }
            char key[160];
            snprintf(key, sizeof key, "no-mog %s %s", x->id, s->classes[a->klass]);
            if (!listed && x->mog_total <= 0 && !stated && !dd__acked(L, key)) {
                char p[96];
                snprintf(p, sizeof p, "sites[%zu].mog", j);
                dd__lerr_at(L, DD_SEV_WARNING, L->file, L->text, L->len, x->loc.line,
                            x->loc.col, p,
                            "no MOG for class %s at site %s: %s cannot use it (if intended: "
                            "%s: 0 in its mog, or acknowledge: ['%s'])",
                            s->classes[a->klass], x->id, a->id, s->classes[a->klass], key);
            }
        }
    }
}

void dd__validate(dd_loader *L)
{
    resolve_tasks(L);
    if (L->oom)
        return;
    find_cycles(L);
    check_dates(L);
    check_items(L);
    check_fleet(L);
}
