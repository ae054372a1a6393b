/* SPDX-License-Identifier: MIT */
/*
 * The routes of /api/v1 and who may use them (docs/serve.md): one table,
 * checked in one place — the path, then the method (405), the session
 * (401), the role (403), the CSRF token of a state change (403) — before
 * any handler runs. Handlers that change the log turn the request into
 * events CSV text and add it through the log adapter under the log lock,
 * in one transaction, then publish the new snapshot; they answer with the
 * numbers of the events they added.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/json.h"
#include "serve/body.h"
#include "serve/serve_int.h"
#include <drawdown/report.h>

enum {
    P = 1u << DD_USER_PLANNER,
    C = 1u << DD_USER_COMMANDER,
    M = 1u << DD_USER_MOVEMENT,
    H = 1u << DD_USER_HOST,
    R = 1u << DD_USER_RAMP,
    V = 1u << DD_USER_VIEWER,
    ANY = P | C | M | H | R | V
};

typedef void (*handler)(dd_server *s, const dd__req *q, int32_t arg, dd__reply *r);

typedef struct route {
    const char *method;
    const char *path; /* "{n}": a sortie number */
    unsigned roles;   /* 0: no session needed */
    handler h;
    bool slow;        /* answered by a worker thread (http.c) */
    int32_t arg;      /* the handler's argument when the path has no {n} */
} route;

/* ---- request bodies (body.c) ------------------------------------------------ */

typedef dd__body body;

/* Parse a JSON object body; false (and a 400 reply) when it is not one. */
/* The request's JSON body, or false with the error answered (and b
 * released). */
static bool body_parse(const dd__req *q, body *b, dd__reply *r)
{
    char err[300];
    dd_status st = dd__body_parse(q->body, q->body_len, b, err, sizeof err);
    if (st == DD_OK)
        return true;
    dd__reply_error(r, st == DD_ENOMEM ? 500 : 400, "%s", err);
    dd__body_fini(b);
    return false;
}

/* ---- adding events --------------------------------------------------------- */

static bool movement_may(const dd__slog *l, const dd__session *u, const dd_event *e)
{
    switch (e->kind) {
    case DD_EV_DEPARTED:
    case DD_EV_ABORTED:
    case DD_EV_PROCESSED: {
        int32_t site = e->kind == DD_EV_PROCESSED
                           ? (e->index >= 0 ? dd__slog_scenario(l)->people[e->index].site : -1)
                           : dd__sortie_site(l, e->sortie);
        return u->site_index < 0 || site == u->site_index;
    }
    case DD_EV_TAIL_DOWN:
        return true;
    default:
        return false;
    }
}

/* The answer to an added batch: the event numbers. */
static void added(dd__reply *r, int64_t first, int64_t last, const char *extra)
{
    dd__out o;
    if (!dd__out_open(&o)) {
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    fputs("{\"added\":[", o.f);
    for (int64_t k = first; k <= last; k++)
        fprintf(o.f, "%s%lld", k > first ? "," : "", (long long)k);
    fprintf(o.f, "],\"count\":%lld", (long long)(last - first + 1));
    if (extra)
        fprintf(o.f, ",%s", extra);
    fputs("}\n", o.f);
    if (dd__out_close(&o) != DD_OK) {
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    dd__reply_json(r, 201, o.p, o.n);
    snprintf(r->audit, sizeof r->audit, "events %lld-%lld", (long long)first, (long long)last);
}

/* Refuses with 422 and the located errors, mapped back to the events. */
static void refused(dd__reply *r, const dd_diags *d, const char *what)
{
    dd__out o;
    if (!dd__out_open(&o)) {
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    dd_jw w;
    dd__jw_init(&w, o.f, false);
    dd__jw_obj(&w);
    dd__jw_kstr(&w, "error", what);
    dd__jw_key(&w, "errors");
    dd__jw_arr(&w);
    for (size_t i = 0; i < d->n_items; i++) {
        const dd_diag *g = &d->items[i];
        dd__jw_obj(&w);
        dd__jw_key(&w, "event"); /* line 1 is the header */
        dd__jw_int(&w, g->line >= 2 ? (int64_t)g->line - 2 : -1);
        dd__jw_kstr(&w, "message", g->message ? g->message : "");
        dd__jw_obj_end(&w);
    }
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    dd_status st = dd__jw_end(&w);
    if (dd__out_close(&o) == DD_OK && st == DD_OK)
        dd__reply_json(r, 422, o.p, o.n);
    else {
        free(o.p);
        dd__reply_error(r, 500, "out of memory");
    }
}

/* Whether the request's role may record each of its events: false and
 * the reply when not. */
static bool role_may(dd_server *s, const dd__req *q, const dd_events *add, dd__reply *r)
{
    for (size_t i = 0; i < add->n; i++)
        if (q->sess->role == DD_USER_MOVEMENT && !movement_may(s->log, q->sess, &add->v[i])) {
            dd__reply_error(r, 403,
                            "event %zu: a movement user records departures, aborts, tails "
                            "down and exit processing of their own site",
                            i);
            snprintf(r->audit, sizeof r->audit, "refused: event kind or site");
            return false;
        }
    return true;
}

/* Parse the events CSV of a request and check the role's right to each:
 * true and *add, or false and the reply. No log access. */
static bool prepare(dd_server *s, const dd__req *q, const char *csv, size_t len, dd__reply *r,
                    dd_events **add)
{
    char origin[64];
    snprintf(origin, sizeof origin, "serve/user-%lld", (long long)q->sess->user_id);
    dd_diags d;
    dd_diags_init(&d, 20);
    *add = NULL;
    dd_status st = dd__slog_parse(s->log, origin, csv, len, &d, add);
    bool ok = false;
    if (st == DD_EINPUT) {
        refused(r, &d, "bad events; nothing was added");
    } else if (st != DD_OK) {
        dd__reply_error(r, 500, "%s", dd_status_str(st));
    } else if ((*add)->n == 0) {
        dd__reply_error(r, 400, "no events");
    } else {
        ok = role_may(s, q, *add, r);
    }
    if (!ok) {
        dd__slog_events_free(*add);
        *add = NULL;
    }
    dd_diags_fini(&d);
    return ok;
}

/* Parse, check the role's right to each event, and append: log_mu held. */
static void append_csv(dd_server *s, const dd__req *q, const char *csv, size_t len,
                       dd__reply *r, const char *extra)
{
    dd_events *add = NULL;
    if (!prepare(s, q, csv, len, r, &add))
        return;
    dd_diags d;
    dd_diags_init(&d, 20);
    int64_t last = 0;
    dd_status st = dd__slog_append(s->log, add, &d, &last);
    if (st == DD_OK) {
        /* the snapshot is made again once the queue of writes is
         * empty, or by the watcher: not once per write under load */
        atomic_store(&s->dirty, true);
        added(r, last - (int64_t)add->n + 1, last, extra);
    } else if (st == DD_EINPUT) {
        refused(r, &d, "refused against the plan and the log; nothing was added");
        r->code = 409;
    } else {
        dd__reply_error(r, 500, "cannot write the log: %s", dd_status_str(st));
    }
    dd__slog_events_free(add);
    dd_diags_fini(&d);
}

static void post_events(dd_server *s, const dd__req *q, int32_t arg, dd__reply *r)
{
    (void)arg;
    char err[300], *csv = NULL;
    size_t n = 0;
    dd_status st = dd__body_events_csv(q->body, q->body_len, &csv, &n, err, sizeof err);
    if (st != DD_OK) {
        dd__reply_error(r, st == DD_ENOMEM ? 500 : 400, "%s", err);
        return;
    }
    pthread_mutex_lock(&s->log_mu);
    append_csv(s, q, csv, n, r, NULL);
    pthread_mutex_unlock(&s->log_mu);
    free(csv);
}

/* ---- clearance decisions ------------------------------------------------------ */

static void clearance_reply(dd_server *s, int32_t sortie, unsigned code, const char *error,
                            dd__reply *r)
{
    dd__snap *n = dd__snap_get(s);
    dd__out o;
    if (!n || !dd__out_open(&o)) {
        dd__snap_put(n);
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    if (error)
        fprintf(o.f, "{\"error\":\"%s\",\"clearance\":", error);
    (void)dd__view_clearance(s->log, n, sortie, o.f);
    if (error)
        fputs("}\n", o.f);
    dd__snap_put(n);
    if (dd__out_close(&o) == DD_OK)
        dd__reply_json(r, code, o.p, o.n);
    else
        dd__reply_error(r, 500, "out of memory");
}

typedef enum { ACT_FILE, ACT_APPROVE, ACT_DENY } act;

/* Where the request of a sortie stands in the log (log_mu held): the last
 * clearance event of the sortie that is not retracted. Not due, overdue
 * and not filed are one here: no decision can be taken on them. */
static dd_status request_state(dd_server *s, int32_t sortie, dd_request_state *out)
{
    dd_diags d;
    dd_diags_init(&d, 2);
    dd_events view;
    const dd_events *ev = &view;
    dd_status st = dd__slog_events_view(s->log, &d, &view);
    dd_diags_fini(&d);
    if (st != DD_OK)
        return st;
    bool *gone = calloc(ev->n + 1, sizeof *gone);
    if (!gone)
        return DD_ENOMEM;
    for (size_t k = 0; k < ev->n; k++)
        if (ev->v[k].kind == DD_EV_RETRACTED && ev->v[k].ref >= 1 &&
            (size_t)ev->v[k].ref <= ev->n)
            gone[ev->v[k].ref - 1] = true;
    *out = DD_REQ_NOT_DUE;
    for (size_t k = 0; k < ev->n; k++) {
        const dd_event *e = &ev->v[k];
        if (gone[k] || e->sortie != sortie)
            continue;
        if (e->kind == DD_EV_FILED)
            *out = DD_REQ_FILED;
        else if (e->kind == DD_EV_APPROVED)
            *out = DD_REQ_APPROVED;
        else if (e->kind == DD_EV_DENIED)
            *out = DD_REQ_DENIED;
    }
    free(gone);
    return DD_OK;
}

static void clearance_act(dd_server *s, const dd__req *q, int32_t sortie, dd__reply *r, act a)
{
    body b;
    if (!body_parse(q, &b, r))
        return;
    bool bad = false;
    const char *time_t_ = dd__body_text(b.root, "time", &bad);
    const char *reason = dd__body_text(b.root, "reason", &bad);
    const char *window = dd__body_text(b.root, "window", &bad);
    if (bad || (a == ACT_DENY && (!reason || !*reason)) || (a != ACT_APPROVE && window)) {
        dd__body_fini(&b);
        dd__reply_error(r, 400,
                        a == ACT_DENY ? "a denial needs a 'reason' (text)"
                                      : "fields: time, reason%s (text)",
                        a == ACT_APPROVE ? ", window (FROM/TO)" : "");
        return;
    }
    char now[32], subject[16];
    if (!time_t_) {
        dd__utc_now(now, sizeof now, 0);
        time_t_ = now;
    }
    snprintf(subject, sizeof subject, "%d", (int)sortie);
    static const char *const kinds[] = {"clearance-filed", "clearance-approved",
                                        "clearance-denied"};
    dd__out o;
    bool ok = dd__out_open(&o);
    if (ok) {
        fputs("time,event,subject,value,note\n", o.f);
        ok = dd__csv_cell(o.f, time_t_, false) && dd__csv_cell(o.f, kinds[a], false) &&
             dd__csv_cell(o.f, subject, false) && dd__csv_cell(o.f, window, false) &&
             dd__csv_cell(o.f, reason, true);
        ok = dd__out_close(&o) == DD_OK && ok;
    }
    dd__body_fini(&b);
    if (!ok) {
        free(o.p);
        dd__reply_error(r, 400, "a field holds a line break");
        return;
    }
    pthread_mutex_lock(&s->log_mu);
    /* decided under the log lock against the log as it is: of two
     * decisions at once, one wins */
    dd_request_state now_state;
    dd_status rs = request_state(s, sortie, &now_state);
    if (rs != DD_OK) {
        pthread_mutex_unlock(&s->log_mu);
        free(o.p);
        dd__reply_error(r, 500, "cannot read the log: %s", dd_status_str(rs));
        return;
    }
    bool fits = a == ACT_FILE ? (now_state != DD_REQ_FILED && now_state != DD_REQ_APPROVED)
                              : now_state == DD_REQ_FILED;
    if (!fits) {
        pthread_mutex_unlock(&s->log_mu);
        free(o.p);
        (void)dd__snap_update(s, false, false); /* the reply shows the request as it stands */
        clearance_reply(s, sortie, 409,
                        a == ACT_FILE ? "the request is filed already"
                                      : "the request is not waiting for a decision",
                        r);
        snprintf(r->audit, sizeof r->audit, "conflict: sortie %d is %s", (int)sortie,
                 dd_request_state_name(now_state));
        return;
    }
    char extra[64];
    snprintf(extra, sizeof extra, "\"sortie\":%d", (int)sortie);
    append_csv(s, q, o.p, o.n, r, extra);
    pthread_mutex_unlock(&s->log_mu);
    free(o.p);
}

static void post_file(dd_server *s, const dd__req *q, int32_t n, dd__reply *r)
{
    clearance_act(s, q, n, r, ACT_FILE);
}

static void post_approve(dd_server *s, const dd__req *q, int32_t n, dd__reply *r)
{
    clearance_act(s, q, n, r, ACT_APPROVE);
}

static void post_deny(dd_server *s, const dd__req *q, int32_t n, dd__reply *r)
{
    clearance_act(s, q, n, r, ACT_DENY);
}

/* ---- sessions ----------------------------------------------------------------- */

static void cookie(dd_server *s, dd__reply *r, const char *token, unsigned max_age)
{
    snprintf(r->cookie, sizeof r->cookie,
             "dd_session=%s; Path=/api/; Max-Age=%u; HttpOnly; SameSite=Strict%s", token,
             max_age, s->tls ? "; Secure" : "");
}

static void session_json(dd__reply *r, unsigned code, const dd__session *u, const char *name)
{
    dd__out o;
    if (!dd__out_open(&o)) {
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    fprintf(o.f, "{\"user_id\":%lld,", (long long)u->user_id);
    if (name)
        fprintf(o.f, "\"user\":\"%s\",", name); /* names are [A-Za-z0-9._-] */
    fprintf(o.f, "\"role\":\"%s\",\"site\":\"%s\",\"csrf\":\"%s\"}\n",
            dd_user_role_name(u->role), u->site, u->csrf);
    if (dd__out_close(&o) == DD_OK)
        dd__reply_json(r, code, o.p, o.n);
}

static void post_login(dd_server *s, const dd__req *q, int32_t arg, dd__reply *r)
{
    (void)arg;
    body b;
    if (!body_parse(q, &b, r))
        return;
    bool bad = false;
    const char *user = dd__body_text(b.root, "user", &bad);
    const char *pass = dd__body_text(b.root, "password", &bad);
    if (bad || !user || !pass || strlen(user) > 63 || strlen(pass) > 1024) {
        dd__body_fini(&b);
        dd__reply_error(r, 400, "a login is {\"user\": ..., \"password\": ...}");
        return;
    }
    if (!dd__limit_allowed(s, "addr", q->addr, s->o.login_fail_addr) ||
        !dd__limit_allowed(s, "user", user, s->o.login_fail_user)) {
        dd__body_fini(&b);
        dd__reply_error(r, 429, "too many failed logins; try again later");
        snprintf(r->audit, sizeof r->audit, "login refused: too many failures");
        return;
    }
    dd_user u;
    unsigned char fp[16];
    pthread_mutex_lock(&s->login_mu);
    dd_status st = dd__users_login(s->users_path, user, pass, &u, fp);
    pthread_mutex_unlock(&s->login_mu);
    if (st != DD_OK) {
        dd__limit_fail(s, "addr", q->addr);
        dd__limit_fail(s, "user", user);
        dd__body_fini(&b);
        dd__reply_error(r, 401, "wrong user name or password");
        snprintf(r->audit, sizeof r->audit, "login failed");
        return;
    }
    dd__limit_clear(s, "user", user);
    dd__body_fini(&b);
    int32_t site = -1;
    if (u.site[0] && u.role != DD_USER_MOVEMENT) {
        dd__reply_error(r, 403, "only a movement user is bound to a site");
        return;
    }
    if (u.role == DD_USER_MOVEMENT && u.site[0]) {
        const dd_scenario *sc = dd__slog_scenario(s->log);
        site = dd_scenario_site_index(sc, u.site);
        if (site < 0) {
            dd__reply_error(r, 403, "the user's site is not a site of this scenario");
            return;
        }
    }
    char token[65];
    dd__session sess;
    if (dd__session_new(s, &u, fp, site, token, &sess) != DD_OK) {
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    cookie(s, r, token, s->o.session_absolute_s);
    sodium_memzero(token, sizeof token);
    session_json(r, 200, &sess, u.name);
    snprintf(r->audit, sizeof r->audit, "login: user %lld (%s)", (long long)u.id,
             dd_user_role_name(u.role));
}

static void post_logout(dd_server *s, const dd__req *q, int32_t arg, dd__reply *r)
{
    (void)arg;
    dd__session_end(s, q->token);
    dd__sse_wake_all(s); /* its streams end */
    snprintf(r->cookie, sizeof r->cookie,
             "dd_session=; Path=/api/; Max-Age=0; HttpOnly; SameSite=Strict%s",
             s->tls ? "; Secure" : "");
    dd__reply_json(r, 200, strdup("{\"logged_out\":true}\n"), 20);
}

static void get_session(dd_server *s, const dd__req *q, int32_t arg, dd__reply *r)
{
    (void)s;
    (void)arg;
    session_json(r, 200, q->sess, NULL);
}

/* ---- reads ---------------------------------------------------------------------- */

static void get_status(dd_server *s, const dd__req *q, int32_t arg, dd__reply *r)
{
    (void)arg;
    dd__snap *n = dd__snap_get(s);
    int k = q->sess->role == DD_USER_HOST ? 1 : 0;
    const dd__buf *b = &n->status[k];
    /* the status's version and the cut: a client that holds it is told
     * so (304) instead of being sent the same body again */
    snprintf(r->etag, sizeof r->etag, "\"s%llu-%d\"", (unsigned long long)n->stat->version, k);
    if (q->if_none_match && !strcmp(q->if_none_match, r->etag)) {
        dd__snap_put(n);
        r->code = 304;
        r->type = "application/json";
        r->body = NULL;
        r->len = 0;
        return;
    }
    r->code = 200;
    r->type = "application/json";
    r->body = b->p;
    r->len = b->n;
    r->pin = n;
    r->shared = &n->stat->answer[k];
}

typedef dd_status (*view_fn)(dd_server *s, const dd__req *q, const dd__snap *n, FILE *f);

static void view(dd_server *s, const dd__req *q, dd__reply *r, view_fn fn)
{
    dd__snap *n = dd__snap_get(s);
    dd__out o;
    if (!dd__out_open(&o)) {
        dd__snap_put(n);
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    dd_status st = fn(s, q, n, o.f);
    dd__snap_put(n);
    if (dd__out_close(&o) == DD_OK && st == DD_OK)
        dd__reply_json(r, 200, o.p, o.n);
    else {
        free(o.p);
        dd__reply_error(r, 500, "%s", dd_status_str(st));
    }
}

static dd_status v_sorties(dd_server *s, const dd__req *q, const dd__snap *n, FILE *f)
{
    return dd__view_sorties(s->log, n, q->sess, q->range, f);
}
static dd_status v_clearances(dd_server *s, const dd__req *q, const dd__snap *n, FILE *f)
{
    (void)q;
    return dd__view_clearances(s->log, n, q->range, f);
}
static dd_status v_events(dd_server *s, const dd__req *q, const dd__snap *n, FILE *f)
{
    int64_t after = 0;
    if (q->query_after)
        after = strtoll(q->query_after, NULL, 10);
    return dd__view_events(s->log, n, after < 0 ? 0 : after, q->sess, f);
}
static dd_status v_exits(dd_server *s, const dd__req *q, const dd__snap *n, FILE *f)
{
    return dd__view_exits(s->log, n, q->sess->role == DD_USER_HOST, f);
}
static dd_status v_manifests(dd_server *s, const dd__req *q, const dd__snap *n, FILE *f)
{
    return dd__view_manifests(s->log, n, q->sess, q->range, f);
}
static dd_status v_ramp(dd_server *s, const dd__req *q, const dd__snap *n, FILE *f)
{
    (void)q;
    return dd__view_ramp(s->log, n, f);
}

/* One bound of a list's time filter (?from=, ?to=): false and a 400
 * when it is not a time. */
static bool bound(dd_server *s, const char *name, const char *text, dd_time *t, dd__reply *r)
{
    *t = DD_TIME_NONE;
    if (!text)
        return true;
    const char *want = dd_scenario_parse_time(dd__slog_scenario(s->log), text, t);
    if (want) {
        dd__reply_error(r, 400, "?%s=%s: not a time (%s)", name, text, want);
        return false;
    }
    return true;
}

/* A list read by pages (sorties, clearances, manifests): the time filter
 * read into a copy of the request, then the view. */
static void paged(dd_server *s, const dd__req *q, dd__reply *r, view_fn fn)
{
    dd__req p = *q;
    if (!bound(s, "from", q->query_from, &p.range.from, r) ||
        !bound(s, "to", q->query_to, &p.range.to, r))
        return;
    int k = 0;
    if (q->query_from)
        k = snprintf(p.range.query, sizeof p.range.query, "from=%s", q->query_from);
    if (q->query_to && k >= 0 && (size_t)k < sizeof p.range.query)
        snprintf(p.range.query + k, sizeof p.range.query - (size_t)k, "%sto=%s", k ? "&" : "",
                 q->query_to);
    if (strlen(p.range.query) + 1 >= sizeof p.range.query) {
        dd__reply_error(r, 400, "?from= and ?to= too long");
        return;
    }
    view(s, &p, r, fn);
}

/* The lists, by the route's argument: read whole (get_list) or by pages
 * with a time filter (get_paged). */
enum { L_SORTIES, L_CLEARANCES, L_EVENTS, L_EXITS, L_MANIFESTS, L_RAMP };
static const view_fn lists[] = {v_sorties, v_clearances, v_events, v_exits, v_manifests, v_ramp};

static void get_list(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    view(s, q, r, lists[a]);
}
static void get_paged(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    paged(s, q, r, lists[a]);
}
static void get_clearance(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    (void)q;
    clearance_reply(s, a, 200, NULL, r);
}

static void get_stream(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    (void)s;
    (void)a;
    r->code = 200;
    r->stream = true;
    r->stream_after = q->query_after ? strtoll(q->query_after, NULL, 10) : -1;
}

/* ---- the new plan, its acceptance, its briefing ---------------------------------- */

/* The plan made again from the current snapshot (dd_plan_free). */
static dd_status new_plan(dd_server *s, dd_plan **np)
{
    dd__snap *n = dd__snap_get(s);
    dd_track_status *st = NULL;
    dd_status rc = dd__slog_status(s->log, n->ev, &st, np);
    dd__slog_status_free(st);
    dd__snap_put(n);
    return rc;
}

static void get_new_plan(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    (void)q;
    (void)a;
    pthread_mutex_lock(&s->report_mu);
    dd_plan *np = NULL;
    dd_status st = new_plan(s, &np);
    dd__out o;
    if (st == DD_OK)
        st = dd__out_open(&o) ? DD_OK : DD_ENOMEM;
    if (st == DD_OK) {
        st = dd__slog_plan_json(s->log, np, o.f);
        if (dd__out_close(&o) != DD_OK && st == DD_OK)
            st = DD_ENOMEM;
        if (st == DD_OK)
            dd__reply_json(r, 200, o.p, o.n);
        else
            free(o.p);
    }
    dd_plan_free(np);
    pthread_mutex_unlock(&s->report_mu);
    if (st != DD_OK)
        dd__reply_error(r, 500, "cannot make the new plan: %s", dd_status_str(st));
}

static void post_accept(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    (void)a;
    body b;
    if (!body_parse(q, &b, r))
        return;
    bool bad = false;
    const char *when = dd__body_text(b.root, "time", &bad);
    char now[32];
    if (!when) {
        dd__utc_now(now, sizeof now, 0);
        when = now;
    }
    if (bad || strlen(when) > 40 || strpbrk(when, "\"\r\n")) {
        dd__body_fini(&b);
        dd__reply_error(r, 400, "fields: time (text)");
        return;
    }
    char at[48];
    snprintf(at, sizeof at, "%s", when);
    dd__body_fini(&b);
    pthread_mutex_lock(&s->report_mu);
    dd_plan *np = NULL;
    char hex[65] = "";
    dd_status st = new_plan(s, &np);
    if (st == DD_OK)
        st = dd__slog_plan_hash(s->log, np, hex);
    dd_plan_free(np);
    pthread_mutex_unlock(&s->report_mu);
    if (st != DD_OK) {
        dd__reply_error(r, 500, "cannot make the new plan: %s", dd_status_str(st));
        return;
    }
    char csv[256], extra[100];
    int len = snprintf(csv, sizeof csv,
                       "time,event,subject,value,note\n\"%s\",note,plan,\"%s\",\"new plan "
                       "accepted as the approved one\"\n",
                       at, hex);
    snprintf(extra, sizeof extra, "\"plan_sha256\":\"%s\"", hex);
    pthread_mutex_lock(&s->log_mu);
    append_csv(s, q, csv, (size_t)len, r, extra);
    pthread_mutex_unlock(&s->log_mu);
}

static void briefing(dd_server *s, dd__reply *r, const char *ext, const char *type)
{
    pthread_mutex_lock(&s->report_mu);
    dd__snap *n = dd__snap_get(s);
    dd_diags d;
    dd_diags_init(&d, 4);
    dd_brief *b = NULL;
    dd_status st = dd__brief_new_plan(s, n->ev, &d, &b);
    dd__snap_put(n);
    char path[320];
    dd__tmp_name(s, "brief", ext, path, sizeof path);
    if (st == DD_OK) {
        dd_report_options ro;
        dd_report_options_init(&ro);
        st = dd_report_write(b, path, &ro, &d);
    }
    dd_brief_free(b);
    char why[200] = "";
    if (st != DD_OK && d.n_items)
        snprintf(why, sizeof why, " (%s)", d.items[0].message);
    dd_diags_fini(&d);
    dd__buf data = {0};
    if (st == DD_OK)
        st = dd__slurp(path, &data);
    unlink(path);
    pthread_mutex_unlock(&s->report_mu);
    if (st != DD_OK) {
        dd__reply_error(r, 500, "cannot make the briefing: %s%s", dd_status_str(st), why);
        return;
    }
    r->code = 200;
    r->body = data.p;
    r->len = data.n;
    r->type = type;
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"briefing.%s\"",
             ext);
}

static void get_pdf(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    (void)q;
    (void)a;
    briefing(s, r, "pdf", "application/pdf");
}

static void get_xlsx(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    (void)q;
    (void)a;
    briefing(s, r, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

/* ---- charts and the simulation (charts.c) ---------------------------------------- */

static void get_chart(dd_server *s, const dd__req *q, int32_t chart, dd__reply *r)
{
    (void)q;
    dd__route_chart(s, r, chart);
}

static void get_simulation(dd_server *s, const dd__req *q, int32_t a, dd__reply *r)
{
    (void)q;
    (void)a;
    dd__route_sim(s, r);
}

/* ---- the table ---------------------------------------------------------------- */

static const route routes[] = {
    {"POST", "/login", 0, post_login, true, 0},
    {"POST", "/logout", ANY, post_logout, false, 0},
    {"GET", "/session", ANY, get_session, false, 0},
    {"GET", "/status", P | C | M | H | V, get_status, false, 0},
    {"GET", "/sorties", P | C | M, get_paged, false, L_SORTIES},
    {"GET", "/clearances", P | C | M | H, get_paged, false, L_CLEARANCES},
    {"GET", "/clearances/{n}", P | C | M | H, get_clearance, false, 0},
    {"POST", "/clearances/{n}/file", P, post_file, true, 0},
    {"POST", "/clearances/{n}/approve", P | H, post_approve, true, 0},
    {"POST", "/clearances/{n}/deny", P | H, post_deny, true, 0},
    {"GET", "/events", P | C | M | H, get_list, false, L_EVENTS},
    {"POST", "/events", P | M, post_events, true, 0},
    {"GET", "/exits", P | C | M | H, get_list, false, L_EXITS},
    {"GET", "/manifests", P | C | M, get_paged, false, L_MANIFESTS},
    {"GET", "/ramp", P | C | M | R, get_list, false, L_RAMP},
    {"GET", "/plan/new", P | C, get_new_plan, true, 0},
    {"POST", "/plan/accept", P | C, post_accept, true, 0},
    {"GET", "/briefing.pdf", P | C, get_pdf, true, 0},
    {"GET", "/briefing.xlsx", P | C, get_xlsx, true, 0},
    {"GET", "/stream", P | C | M | H | V, get_stream, false, 0},
    {"GET", "/charts/burndown.svg", P | C, get_chart, true, DD_CHART_BURNDOWN},
    {"GET", "/charts/gantt.svg", P | C, get_chart, true, DD_CHART_GANTT},
    {"GET", "/charts/ramp.svg", P | C, get_chart, true, DD_CHART_RAMP},
    {"GET", "/charts/calendar.svg", P | C, get_chart, true, DD_CHART_CALENDAR},
    {"GET", "/charts/risk.svg", P | C, get_chart, true, DD_CHART_RISK},
    {"GET", "/simulation", P | C | M | V, get_simulation, false, 0},
};

/* Whether path matches pattern; a {n} segment is a whole number into *n. */
static bool match(const char *pattern, const char *path, int64_t *n)
{
    while (*pattern && *path) {
        if (!strncmp(pattern, "{n}", 3)) {
            pattern += 3;
            int64_t v = 0;
            const char *start = path;
            while (*path >= '0' && *path <= '9' && path - start < 9)
                v = v * 10 + (*path++ - '0');
            if (path == start || (*path && *path != '/'))
                return false;
            *n = v;
            continue;
        }
        if (*pattern++ != *path++)
            return false;
    }
    return !*pattern && !*path;
}

static bool path_ok(const char *p)
{
    if (strstr(p, "..") || strstr(p, "//"))
        return false;
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '/' || *p == '.' || *p == '-' || *p == '_'))
            return false;
    return true;
}

bool dd__route_slow(const dd__req *q)
{
    int64_t v;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++)
        if (routes[i].slow && !strcmp(routes[i].method, q->method) &&
            match(routes[i].path, q->path, &v))
            return true;
    return false;
}

/* The route of a request once every check has passed (*n: its sortie), or
 * NULL and the reply. */
static const route *admit(dd_server *s, const dd__req *q, dd__reply *r, int64_t *n)
{
    if (!path_ok(q->path)) {
        dd__reply_error(r, 400, "bad path");
        snprintf(r->audit, sizeof r->audit, "refused: bad path");
        return NULL;
    }
    const route *hit = NULL;
    bool path_known = false;
    bool head = !strcmp(q->method, "HEAD");
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        int64_t v = 0;
        if (!match(routes[i].path, q->path, &v))
            continue;
        path_known = true;
        if (!strcmp(routes[i].method, q->method) || (head && !strcmp(routes[i].method, "GET"))) {
            hit = &routes[i];
            *n = v;
            break;
        }
    }
    if (!hit) {
        if (path_known)
            dd__reply_error(r, 405, "method not allowed here");
        else
            dd__reply_error(r, 404, "no such route");
        return NULL;
    }
    bool change = strcmp(hit->method, "GET") != 0;
    if (hit->roles) {
        if (!q->sess) {
            dd__reply_error(r, 401, "log in first (POST /api/v1/login)");
            snprintf(r->audit, sizeof r->audit, "refused: no session");
            return NULL;
        }
        if (!(hit->roles & (1u << q->sess->role))) {
            dd__reply_error(r, 403, "the %s role may not use this route",
                            dd_user_role_name(q->sess->role));
            snprintf(r->audit, sizeof r->audit, "refused: role");
            return NULL;
        }
        if (change && (!q->csrf_header || strlen(q->csrf_header) != 64 ||
                       sodium_memcmp(q->csrf_header, q->sess->csrf, 64) != 0)) {
            dd__reply_error(r, 403, "missing or wrong X-CSRF-Token header");
            snprintf(r->audit, sizeof r->audit, "refused: CSRF token");
            return NULL;
        }
    }
    if (strstr(hit->path, "{n}")) {
        const dd_plan *p = dd__slog_plan(s->log);
        if (*n < 1 || (size_t)*n > p->n_sorties || p->sorties[*n - 1].clearance < 0) {
            dd__reply_error(r, 404, "no clearance request for sortie %lld", (long long)*n);
            return NULL;
        }
    }
    return hit;
}

void dd__route(dd_server *s, const dd__req *q, dd__reply *r)
{
    int64_t n = 0;
    const route *hit = admit(s, q, r, &n);
    if (hit)
        hit->h(s, q, strstr(hit->path, "{n}") ? (int32_t)n : hit->arg, r);
}

bool dd__route_is_events_post(const dd__req *q)
{
    return !strcmp(q->method, "POST") && !strcmp(q->path, "/events");
}

/* The events CSVs csv[0..n-1] (NULL: a request refused already) read as
 * one: true and, per request, views[i] into *fixed (its events, named by
 * origin[i] and numbered by their line in csv[i]); false when a cell is
 * bad (the caller reads them one by one for the errors) or on no memory. */
static bool group_parse(dd_server *s, size_t n, char **csv, const size_t *len,
                        char (*origin)[64], dd_events **whole, dd_event **fixed,
                        dd_events *views)
{
    static const char head[] = "time,event,subject,value,note\n";
    size_t hn = sizeof head - 1, total = hn;
    for (size_t i = 0; i < n; i++)
        if (csv[i] && (len[i] < hn || memcmp(csv[i], head, hn) || csv[i][len[i] - 1] != '\n'))
            return false; /* not the shape body.c writes */
        else if (csv[i])
            total += len[i] - hn;
    char *text = malloc(total + 1);
    uint32_t *start = calloc(n + 1, sizeof *start); /* first line of each request */
    if (!text || !start) {
        free(text);
        free(start);
        return false;
    }
    memcpy(text, head, hn);
    size_t at = hn;
    uint32_t line = 2;
    for (size_t i = 0; i < n; i++) {
        start[i] = line;
        if (!csv[i])
            continue;
        memcpy(text + at, csv[i] + hn, len[i] - hn);
        at += len[i] - hn;
        for (size_t k = hn; k < len[i]; k++)
            line += csv[i][k] == '\n';
    }
    start[n] = line;
    text[at] = 0;
    dd_diags d;
    dd_diags_init(&d, 1);
    dd_status st = dd__slog_parse(s->log, "serve", text, at, &d, whole);
    dd_diags_fini(&d);
    free(text);
    if (st == DD_OK)
        *fixed = malloc(((*whole)->n + 1) * sizeof **fixed);
    if (st != DD_OK || !*fixed) {
        dd__slog_events_free(*whole);
        *whole = NULL;
        free(start);
        return false;
    }
    /* the events in order of their lines: each request's are consecutive */
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        views[i].v = *fixed + e;
        views[i].n = 0;
        while (e < (*whole)->n && (*whole)->v[e].line < start[i + 1]) {
            dd_event *x = &(*fixed)[e];
            *x = (*whole)->v[e];
            x->file = origin[i];
            x->line = x->line - start[i] + 2;
            views[i].n++;
            e++;
        }
    }
    free(start);
    return true;
}

/*
 * Group writes (dd_serve_options.group_writes): the POST /events requests
 * waiting in the queue are checked one after the other, each against the
 * log and the requests accepted before it — so each is still all or
 * nothing and refused alone — and the accepted ones are appended in one
 * transaction, one disk sync and one signed batch for all.
 */
void dd__route_events_group(dd_server *s, const dd__req *const *qs, dd__reply *const *rs,
                            size_t n)
{
    dd_events **adds = calloc(n, sizeof *adds);
    if (!adds) {
        for (size_t i = 0; i < n; i++)
            dd__reply_error(rs[i], 500, "out of memory");
        return;
    }
    /* each request's events CSV; then all of them read at once, as one
     * file (reading a file costs a pass over the scenario's ids, however
     * short it is), each event given back its request's name and line; a
     * group with a bad cell is read again request by request, so each
     * request gets its own errors */
    char **csv = calloc(n, sizeof *csv);
    size_t *len = calloc(n, sizeof *len);
    dd_events *views = calloc(n, sizeof *views);
    bool *owned = calloc(n, sizeof *owned);
    char(*origin)[64] = calloc(n, sizeof *origin);
    dd_events *whole = NULL;
    dd_event *fixed = NULL;
    if (!csv || !len || !views || !owned || !origin) {
        for (size_t i = 0; i < n; i++)
            dd__reply_error(rs[i], 500, "out of memory");
        n = 0;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t k = 0;
        if (!admit(s, qs[i], rs[i], &k))
            continue;
        char err[300];
        dd_status st = dd__body_events_csv(qs[i]->body, qs[i]->body_len, &csv[i], &len[i], err,
                                           sizeof err);
        if (st != DD_OK) {
            dd__reply_error(rs[i], st == DD_ENOMEM ? 500 : 400, "%s", err);
            free(csv[i]);
            csv[i] = NULL;
        }
        snprintf(origin[i], sizeof origin[i], "serve/user-%lld",
                 (long long)qs[i]->sess->user_id);
    }
    bool at_once = group_parse(s, n, csv, len, origin, &whole, &fixed, views);
    for (size_t i = 0; i < n; i++) {
        if (!csv[i])
            continue;
        if (at_once) {
            if (views[i].n && role_may(s, qs[i], &views[i], rs[i])) {
                adds[i] = &views[i];
                total += views[i].n;
            } else if (!views[i].n) {
                dd__reply_error(rs[i], 400, "no events");
            }
        } else if (prepare(s, qs[i], csv[i], len[i], rs[i], &adds[i])) {
            owned[i] = true;
            total += adds[i]->n;
        }
        free(csv[i]);
    }
    pthread_mutex_lock(&s->log_mu);
    dd_diags d;
    dd_diags_init(&d, 20);
    dd_status st = DD_OK;
    /* the accepted requests' events, in order; each request is checked
     * against the log (the handle keeps what the checks need of it) and
     * the ones accepted before it */
    dd_event *all = total ? malloc(total * sizeof *all) : NULL;
    if (total && !all)
        st = DD_ENOMEM;
    size_t n_all = 0;
    /* all of them at once first: when they fit together, each fits after
     * the ones before it (every rule refuses an event for what came
     * before it) */
    bool each = true;
    if (st == DD_OK && total) {
        for (size_t i = 0; i < n; i++)
            if (adds[i]) {
                memcpy(all + n_all, adds[i]->v, adds[i]->n * sizeof *all);
                n_all += adds[i]->n;
            }
        dd_events together = {n_all, all};
        dd_status c = dd__slog_check_log(s->log, &together, &d);
        if (c == DD_OK)
            each = false;
        else if (c != DD_EINPUT)
            st = c;
        else
            n_all = 0;
        dd_diags_fini(&d);
        dd_diags_init(&d, 20);
    }
    for (size_t i = 0; each && st == DD_OK && i < n; i++) {
        if (!adds[i])
            continue;
        memcpy(all + n_all, adds[i]->v, adds[i]->n * sizeof *all);
        dd_events with = {n_all + adds[i]->n, all};
        dd_diags_fini(&d);
        dd_diags_init(&d, 20);
        if (dd__slog_check_log(s->log, &with, &d) != DD_OK) {
            refused(rs[i], &d, "refused against the plan and the log; nothing was added");
            rs[i]->code = 409;
            if (owned[i])
                dd__slog_events_free(adds[i]);
            adds[i] = NULL;
            continue;
        }
        n_all += adds[i]->n;
    }
    int64_t last = 0;
    if (st == DD_OK && n_all > 0) {
        dd_events batch = {n_all, all};
        dd_diags_fini(&d);
        dd_diags_init(&d, 20);
        st = dd__slog_append(s->log, &batch, &d, &last);
    }
    pthread_mutex_unlock(&s->log_mu);
    int64_t first = last - (int64_t)n_all + 1;
    for (size_t i = 0; i < n; i++) {
        if (!adds[i])
            continue;
        if (st == DD_OK) {
            added(rs[i], first, first + (int64_t)adds[i]->n - 1, NULL);
            first += (int64_t)adds[i]->n;
        } else {
            dd__reply_error(rs[i], 500, "cannot write the log: %s", dd_status_str(st));
        }
        if (owned[i])
            dd__slog_events_free(adds[i]);
    }
    if (st == DD_OK && n_all > 0)
        atomic_store(&s->dirty, true);
    free(all);
    dd_diags_fini(&d);
    free(adds);
    dd__slog_events_free(whole);
    free(fixed);
    free(csv);
    free(len);
    free(views);
    free(owned);
    free(origin);
}
