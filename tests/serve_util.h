/* SPDX-License-Identifier: MIT */
/*
 * What the server's tests share: a fixture (a temporary folder with a
 * signing key, the Niger log and a users file with one user per role),
 * the server started in process on an ephemeral loopback port, libcurl
 * as the client, and a JSON walk over the model's position-keeping tree.
 * Header-only: each test_serve*.c includes it once.
 */
#ifndef DD_TEST_SERVE_UTIL_H
#define DD_TEST_SERVE_UTIL_H

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "read/ytree.h"
#include <drawdown/serve.h>
#include <drawdown/track.h>

#define NIGER DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml"
#define PASSWORD "correct horse battery"

typedef struct fixture {
    char dir[256];
    char log[320];
    char users[320];
    char keys[320];
    dd_server *srv;
    uint16_t port;
} fixture;

/* One user per role (and a movement user of one site). */
static const struct {
    const char *name;
    dd_user_role role;
    const char *site;
} test_users[] = {
    {"pl", DD_USER_PLANNER, NULL},   {"co", DD_USER_COMMANDER, NULL},
    {"mv", DD_USER_MOVEMENT, NULL},  {"hl", DD_USER_HOST, NULL},
    {"rp", DD_USER_RAMP, NULL},      {"vw", DD_USER_VIEWER, NULL},
    {"mv101", DD_USER_MOVEMENT, "AB101"},
};
#define N_TEST_USERS (sizeof test_users / sizeof *test_users)

static void rm_rf(const char *dir)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* The folder, key, log and users; no server yet. */
static int fixture_files(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-test-serve-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->log, sizeof fx->log, "%s/niger.log", fx->dir);
    snprintf(fx->users, sizeof fx->users, "%s/users.db", fx->dir);
    snprintf(fx->keys, sizeof fx->keys, "%s/keys", fx->dir);
    setenv("DRAWDOWN_KEYS", fx->keys, 1);
    setenv("TMPDIR", fx->dir, 1); /* the servers' scratch folders, killed ones' too */
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_key key;
    dd_scenario *s = NULL;
    dd_plan *p = NULL;
    dd_plan_options o;
    dd_plan_options_init(&o);
    dd_status st = dd_keys_new(fx->keys, "server", &d, &key);
    if (st == DD_OK)
        st = dd_scenario_load(NIGER, &d, &s);
    if (st == DD_OK)
        st = dd_plan_build(s, &o, &p);
    if (st == DD_OK)
        st = dd_track_create(fx->log, p, NIGER, &key, &d);
    for (size_t i = 0; st == DD_OK && i < N_TEST_USERS; i++)
        st = dd_users_add(fx->users, test_users[i].name, test_users[i].role, test_users[i].site,
                          PASSWORD, DD_USERS_COST_MIN, &d);
    for (size_t i = 0; i < d.n_items; i++)
        fprintf(stderr, "%s:%u: %s\n", d.items[i].file ? d.items[i].file : "", d.items[i].line,
                d.items[i].message);
    dd_diags_fini(&d);
    dd_plan_free(p);
    dd_scenario_free(s);
    return st == DD_OK ? 0 : -1;
}

static int fixture_start(fixture *fx, const dd_serve_options *tweak)
{
    dd_serve_options o;
    if (tweak)
        o = *tweak;
    else
        dd_serve_options_init(&o);
    o.log_path = fx->log;
    o.users_path = fx->users;
    o.address = "127.0.0.1";
    o.port = 0;
    if (!o.threads)
        o.threads = 2;
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_status st = dd_server_start(&o, &d, &fx->srv);
    for (size_t i = 0; i < d.n_items; i++)
        fprintf(stderr, "%s\n", d.items[i].message);
    dd_diags_fini(&d);
    if (st != DD_OK)
        return -1;
    fx->port = dd_server_port(fx->srv);
    return 0;
}

static void fixture_free(fixture *fx)
{
    dd_server_stop(fx->srv);
    fx->srv = NULL;
    if (fx->dir[0])
        rm_rf(fx->dir);
}

/* ---- the client ----------------------------------------------------------- */

typedef struct resp {
    long code;
    char *body;
    size_t n;
    char *head;
    size_t hn;
    CURLcode err;
} resp;

static size_t on_body(char *p, size_t size, size_t nmemb, void *cls)
{
    resp *r = cls;
    size_t k = size * nmemb;
    char *b = realloc(r->body, r->n + k + 1);
    if (!b)
        return 0;
    memcpy(b + r->n, p, k);
    r->body = b;
    r->n += k;
    b[r->n] = 0;
    return k;
}

static size_t on_head(char *p, size_t size, size_t nmemb, void *cls)
{
    resp *r = cls;
    size_t k = size * nmemb;
    char *b = realloc(r->head, r->hn + k + 1);
    if (!b)
        return 0;
    memcpy(b + r->hn, p, k);
    r->head = b;
    r->hn += k;
    b[r->hn] = 0;
    return k;
}

static void resp_free(resp *r)
{
    free(r->body);
    free(r->head);
    memset(r, 0, sizeof *r);
}

typedef struct session {
    char token[80];
    char csrf[80];
} session;

/* One request; sess may be NULL; timeout_ms 0: 20 s. */
/* One more request header for the next request_ex ("If-None-Match: ..."),
 * cleared by the caller. */
static char extra_header[256];

static resp request_ex(uint16_t port, const char *method, const char *path, const char *body,
                       const session *sess, const char *csrf, long timeout_ms)
{
    resp r;
    memset(&r, 0, sizeof r);
    CURL *c = curl_easy_init();
    char url[1200];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (!strcmp(method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    struct curl_slist *h = NULL;
    char line[256];
    if (sess) {
        snprintf(line, sizeof line, "Cookie: dd_session=%s", sess->token);
        h = curl_slist_append(h, line);
    }
    if (csrf) {
        snprintf(line, sizeof line, "X-CSRF-Token: %s", csrf);
        h = curl_slist_append(h, line);
    }
    if (extra_header[0])
        h = curl_slist_append(h, extra_header);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_head);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms ? timeout_ms : 20000L);
    r.err = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.code);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (!r.body)
        r.body = calloc(1, 1);
    if (!r.head)
        r.head = calloc(1, 1);
    return r;
}

/* A state change carries the session's CSRF token. */
static resp request(uint16_t port, const char *method, const char *path, const char *body,
                    const session *sess)
{
    return request_ex(port, method, path, body, sess,
                      sess && strcmp(method, "GET") ? sess->csrf : NULL, 0);
}

/* A string value "key":"..." of a flat JSON text into out. */
static bool json_str(const char *json, const char *key, char *out, size_t size)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    if (!p)
        return false;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= size)
        return false;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    return true;
}

static long login_as(uint16_t port, const char *name, const char *password, session *out)
{
    char body[256];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", name, password);
    resp r = request(port, "POST", "/api/v1/login", body, NULL);
    memset(out, 0, sizeof *out);
    const char *c = strstr(r.head, "dd_session=");
    if (r.code == 200 && c) {
        c += strlen("dd_session=");
        size_t k = strcspn(c, ";\r\n");
        if (k < sizeof out->token) {
            memcpy(out->token, c, k);
            out->token[k] = 0;
        }
        json_str(r.body, "csrf", out->csrf, sizeof out->csrf);
    }
    long code = r.code;
    resp_free(&r);
    return code;
}

/* ---- JSON ---------------------------------------------------------------------- */

/* (unused in some test files) */
typedef struct jdoc {
    dd_arena a;
    dd_ynode *root;
} jdoc;

__attribute__((unused)) static bool jdoc_parse(jdoc *j, const char *text, size_t n)
{
    dd__arena_init(&j->a, 1 << 16);
    dd_diags d;
    dd_diags_init(&d, 2);
    dd_status st = dd__ytree_parse(&j->a, "reply", text, n, true, &d, &j->root);
    dd_diags_fini(&d);
    return st == DD_OK && j->root;
}

__attribute__((unused)) static void jdoc_free(jdoc *j)
{
    dd__arena_fini(&j->a);
}

__attribute__((unused)) static const dd_ynode *jget(const dd_ynode *m, const char *key)
{
    if (!m || m->kind != DD_Y_MAP)
        return NULL;
    for (uint32_t i = 0; i < m->n; i++)
        if (!strcmp(m->pairs[i].key->text, key))
            return m->pairs[i].value;
    return NULL;
}

#endif
