/* SPDX-License-Identifier: MIT */
/*
 * Sessions and login limits. A session token is 256 random bits
 * (libsodium), given to the client once in its cookie; the server keeps
 * only BLAKE2b(token), so a memory dump does not hand out sessions. Each
 * session has an idle and an absolute expiry and its own CSRF token.
 * Failed logins are counted per user name and per client address in a
 * fixed window (a small table of hashed keys); past the limit, logins are
 * refused without checking the password.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "serve/serve_int.h"

int64_t dd__now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

static void to_hex(const unsigned char *b, size_t n, char *hex)
{
    sodium_bin2hex(hex, 2 * n + 1, b, n);
}

static void token_key(const char *token, unsigned char key[32])
{
    crypto_generichash(key, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static size_t bucket(const unsigned char key[32])
{
    size_t h;
    memcpy(&h, key, sizeof h);
    return h % DD__SESSION_BUCKETS;
}

static bool expired(const dd_server *s, const dd__session *e, int64_t now)
{
    return now - e->seen > (int64_t)s->o.session_idle_s ||
           now - e->created > (int64_t)s->o.session_absolute_s;
}

/* Drop the expired sessions of one bucket (sess_mu held). */
static void sweep(dd_server *s, size_t b, int64_t now)
{
    dd__session **pp = &s->sessions[b];
    while (*pp) {
        dd__session *e = *pp;
        if (expired(s, e, now)) {
            *pp = e->next;
            sodium_memzero(e, sizeof *e);
            free(e);
            s->n_sessions--;
        } else {
            pp = &e->next;
        }
    }
}

dd_status dd__session_new(dd_server *s, const dd_user *u, const unsigned char fp[16],
                          int32_t site_index, char token_out[65], dd__session *copy_out)
{
    unsigned char tok[32], csrf[32];
    randombytes_buf(tok, sizeof tok);
    randombytes_buf(csrf, sizeof csrf);
    dd__session *e = calloc(1, sizeof *e);
    if (!e)
        return DD_ENOMEM;
    to_hex(tok, sizeof tok, token_out);
    sodium_memzero(tok, sizeof tok);
    token_key(token_out, e->key);
    to_hex(csrf, sizeof csrf, e->csrf);
    e->user_id = u->id;
    e->role = u->role;
    memcpy(e->fp, fp, sizeof e->fp);
    snprintf(e->site, sizeof e->site, "%s", u->site);
    e->site_index = site_index;
    e->created = e->seen = dd__now_s();
    pthread_mutex_lock(&s->sess_mu);
    size_t b = bucket(e->key);
    sweep(s, b, e->created);
    e->next = s->sessions[b];
    s->sessions[b] = e;
    s->n_sessions++;
    *copy_out = *e;
    copy_out->next = NULL;
    pthread_mutex_unlock(&s->sess_mu);
    return DD_OK;
}

static bool token_ok(const char *token)
{
    if (!token || strlen(token) != 64)
        return false;
    for (const char *c = token; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return false;
    return true;
}

/* The live session of key, its last activity now, copied to *copy_out
 * (when not NULL); false when there is none or it has expired. */
static bool touch(dd_server *s, const unsigned char key[32], dd__session *copy_out)
{
    int64_t now = dd__now_s();
    bool found = false;
    pthread_mutex_lock(&s->sess_mu);
    size_t b = bucket(key);
    sweep(s, b, now);
    for (dd__session *e = s->sessions[b]; e; e = e->next)
        if (sodium_memcmp(e->key, key, 32) == 0) {
            e->seen = now;
            if (copy_out) {
                *copy_out = *e;
                copy_out->next = NULL;
            }
            found = true;
            break;
        }
    pthread_mutex_unlock(&s->sess_mu);
    return found;
}

bool dd__session_find(dd_server *s, const char *token, dd__session *copy_out)
{
    if (!token_ok(token))
        return false;
    unsigned char key[32];
    token_key(token, key);
    return touch(s, key, copy_out);
}

void dd__sessions_revoke(dd_server *s, const dd__user_key *v, size_t n)
{
    pthread_mutex_lock(&s->sess_mu);
    for (size_t b = 0; b < DD__SESSION_BUCKETS; b++) {
        dd__session **pp = &s->sessions[b];
        while (*pp) {
            dd__session *e = *pp;
            bool keep = false;
            for (size_t i = 0; i < n && !keep; i++)
                keep = v[i].id == e->user_id && v[i].role == e->role &&
                       !strcmp(v[i].site, e->site) && !memcmp(v[i].fp, e->fp, sizeof e->fp);
            if (keep) {
                pp = &e->next;
            } else {
                *pp = e->next;
                sodium_memzero(e, sizeof *e);
                free(e);
                s->n_sessions--;
            }
        }
    }
    pthread_mutex_unlock(&s->sess_mu);
}

bool dd__session_alive(dd_server *s, const unsigned char key[32])
{
    return touch(s, key, NULL); /* a stream being read is activity */
}

void dd__session_end(dd_server *s, const char *token)
{
    if (!token_ok(token))
        return;
    unsigned char key[32];
    token_key(token, key);
    pthread_mutex_lock(&s->sess_mu);
    dd__session **pp = &s->sessions[bucket(key)];
    while (*pp) {
        dd__session *e = *pp;
        if (sodium_memcmp(e->key, key, 32) == 0) {
            *pp = e->next;
            sodium_memzero(e, sizeof *e);
            free(e);
            s->n_sessions--;
            break;
        }
        pp = &e->next;
    }
    pthread_mutex_unlock(&s->sess_mu);
}

void dd__sessions_free(dd_server *s)
{
    for (size_t b = 0; b < DD__SESSION_BUCKETS; b++) {
        dd__session *e = s->sessions[b];
        while (e) {
            dd__session *next = e->next;
            sodium_memzero(e, sizeof *e);
            free(e);
            e = next;
        }
        s->sessions[b] = NULL;
    }
    s->n_sessions = 0;
}

/* The slot of a key (open addressing over hashed keys; a full table
 * reuses the oldest slot of the probe, so an attacker cannot grow it). */
static dd__limit *limit_slot(dd_server *s, const char *kind, const char *key, int64_t now)
{
    unsigned char h[16];
    crypto_generichash_state g;
    crypto_generichash_init(&g, NULL, 0, sizeof h);
    crypto_generichash_update(&g, (const unsigned char *)kind, strlen(kind) + 1);
    crypto_generichash_update(&g, (const unsigned char *)key, strlen(key));
    crypto_generichash_final(&g, h, sizeof h);
    size_t start;
    memcpy(&start, h, sizeof start);
    dd__limit *oldest = NULL;
    for (size_t k = 0; k < 16; k++) {
        dd__limit *l = &s->limits[(start + k) % DD__LIMIT_SLOTS];
        bool stale = now - l->window_start > (int64_t)s->o.login_window_s;
        if (!memcmp(l->key, h, sizeof h)) {
            if (stale) {
                l->fails = 0;
                l->window_start = now;
            }
            return l;
        }
        if (stale || l->fails == 0) {
            oldest = l;
            break;
        }
        if (!oldest || l->window_start < oldest->window_start)
            oldest = l;
    }
    memcpy(oldest->key, h, sizeof h);
    oldest->fails = 0;
    oldest->window_start = now;
    return oldest;
}

bool dd__limit_allowed(dd_server *s, const char *kind, const char *key, unsigned max)
{
    pthread_mutex_lock(&s->sess_mu);
    dd__limit *l = limit_slot(s, kind, key, dd__now_s());
    bool ok = l->fails < max;
    pthread_mutex_unlock(&s->sess_mu);
    return ok;
}

void dd__limit_fail(dd_server *s, const char *kind, const char *key)
{
    pthread_mutex_lock(&s->sess_mu);
    dd__limit *l = limit_slot(s, kind, key, dd__now_s());
    l->fails++;
    pthread_mutex_unlock(&s->sess_mu);
}

void dd__limit_clear(dd_server *s, const char *kind, const char *key)
{
    pthread_mutex_lock(&s->sess_mu);
    dd__limit *l = limit_slot(s, kind, key, dd__now_s());
    l->fails = 0;
    pthread_mutex_unlock(&s->sess_mu);
}

void dd__serve_log(dd_server *s, const char *fmt, ...)
{
    if (!s->o.log)
        return;
    char when[32];
    dd__utc_now(when, sizeof when, 1);
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&s->out_mu);
    fprintf(s->o.log, "%s ", when);
    vfprintf(s->o.log, fmt, ap);
    fputc('\n', s->o.log);
    fflush(s->o.log);
    pthread_mutex_unlock(&s->out_mu);
    va_end(ap);
}
