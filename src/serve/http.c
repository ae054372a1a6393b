/* SPDX-License-Identifier: MIT */
/*
 * The HTTP layer of `drawdown serve` (libmicrohttpd, TLS through its
 * GnuTLS support): the server's start and stop, the watcher thread, and
 * one access handler that gathers a request (body limit, the session
 * cookie, the CSRF header), hands it to the router (routes.c) and sends
 * the reply with the security headers every reply carries.
 *
 * Limits that keep a hostile client from holding the server: a request
 * head larger than max_header (a memory pool per connection) is refused
 * by microhttpd with 431; a body over max_body gets 413 and the
 * connection is closed; a connection idle for timeout_s is dropped
 * (a slowloris gets no worker: connections are multiplexed with epoll
 * over a few threads).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "serve/serve_int.h"
#include "serve/web.h"

void dd_serve_options_init(dd_serve_options *o)
{
    memset(o, 0, sizeof *o);
    o->address = "127.0.0.1";
    o->port = 8080;
    o->group_writes = true;
}

dd_status dd_serve_parse_listen(const char *text, char *addr, size_t addr_size, uint16_t *port)
{
    const char *colon = strrchr(text, ':');
    const char *ptext = text;
    if (colon) {
        size_t n = (size_t)(colon - text);
        const char *a = text;
        if (n >= 2 && a[0] == '[' && a[n - 1] == ']') {
            a++;
            n -= 2;
        }
        if (n == 0 || n >= addr_size)
            return DD_EINPUT;
        memcpy(addr, a, n);
        addr[n] = 0;
        ptext = colon + 1;
    } else {
        snprintf(addr, addr_size, "127.0.0.1");
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(ptext, &end, 10);
    if (!*ptext || *end || errno || v > 65535 || ptext[0] == '-' || ptext[0] == '+')
        return DD_EINPUT;
    *port = (uint16_t)v;
    unsigned char tmp[16];
    if (inet_pton(AF_INET, addr, tmp) != 1 && inet_pton(AF_INET6, addr, tmp) != 1)
        return DD_EINPUT;
    return DD_OK;
}

static bool loopback(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

/* ---- replies -------------------------------------------------------- */

void dd__reply_json(dd__reply *r, unsigned code, char *body, size_t len)
{
    r->code = code;
    r->body = body;
    r->len = len;
    r->type = "application/json";
}

void dd__reply_error(dd__reply *r, unsigned code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dd__out o;
    r->code = code;
    r->type = "application/json";
    if (!dd__out_open(&o))
        return;
    dd_jw w;
    dd__jw_init(&w, o.f, false);
    dd__jw_obj(&w);
    dd__jw_kstr(&w, "error", msg);
    dd__jw_obj_end(&w);
    dd_status st = dd__jw_end(&w);
    if (dd__out_close(&o) == DD_OK && st == DD_OK) {
        r->body = o.p;
        r->len = o.n;
    } else {
        free(o.p);
    }
}

static void unpin(void *cls)
{
    dd__snap_put(cls);
}

void dd__security_headers(struct MHD_Response *rs, const char *type, const char *csp,
                          const char *cache)
{
    MHD_add_response_header(rs, "Content-Type", type);
    MHD_add_response_header(rs, "Content-Security-Policy", csp);
    MHD_add_response_header(rs, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(rs, "X-Frame-Options", "DENY");
    MHD_add_response_header(rs, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(rs, "Cache-Control", cache);
}

/* The API's answers: nothing runs, nothing is kept. */
static void security_headers(struct MHD_Response *rs, const char *type)
{
    dd__security_headers(rs, type,
                         "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
                         "form-action 'none'",
                         "no-store");
}

void dd__reply_shared_free(void *answer)
{
    if (answer)
        MHD_destroy_response(answer);
}

/* The answer of r made once and kept where r->shared says, for every
 * client that asks for the same: libmicrohttpd counts the connections
 * sending a response, and its body lives as long as the snapshot each
 * request holds till it completes. Two threads making it at once: one
 * keeps its own, the other takes it. NULL when out of memory. */
static struct MHD_Response *shared_reply(dd_server *s, dd__reply *r)
{
    struct MHD_Response *rs = atomic_load(r->shared);
    if (rs)
        return rs;
    rs = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_PERSISTENT);
    if (!rs)
        return NULL;
    security_headers(rs, r->type ? r->type : "application/json");
    if (s->tls)
        MHD_add_response_header(rs, "Strict-Transport-Security", "max-age=31536000");
    if (r->etag[0])
        MHD_add_response_header(rs, "ETag", r->etag);
    void *none = NULL;
    if (!atomic_compare_exchange_strong(r->shared, &none, rs)) {
        MHD_destroy_response(rs);
        rs = none;
    }
    return rs;
}

static enum MHD_Result send_reply(dd_server *s, struct MHD_Connection *c, dd__reply *r)
{
    struct MHD_Response *rs;
    if (r->pin && r->shared) {
        rs = shared_reply(s, r);
        return rs ? MHD_queue_response(c, r->code, rs) : MHD_NO;
    }
    if (r->pin)
        rs = MHD_create_response_from_buffer_with_free_callback_cls(r->len, r->body, unpin,
                                                                    r->pin);
    else
        rs = MHD_create_response_from_buffer_with_free_callback_cls(r->len, r->body, free,
                                                                    r->body);
    if (!rs) {
        if (r->pin)
            dd__snap_put(r->pin);
        else
            free(r->body);
        return MHD_NO;
    }
    security_headers(rs, r->type ? r->type : "application/json");
    if (s->tls)
        MHD_add_response_header(rs, "Strict-Transport-Security", "max-age=31536000");
    if (r->cookie[0])
        MHD_add_response_header(rs, "Set-Cookie", r->cookie);
    if (r->disposition[0])
        MHD_add_response_header(rs, "Content-Disposition", r->disposition);
    if (r->etag[0])
        MHD_add_response_header(rs, "ETag", r->etag);
    if (r->code == 413 || r->code == 400)
        MHD_add_response_header(rs, "Connection", "close");
    if (r->code == 429)
        MHD_add_response_header(rs, "Retry-After", "900");
    enum MHD_Result ok = MHD_queue_response(c, r->code, rs);
    MHD_destroy_response(rs);
    return ok;
}

/* ---- the access handler ---------------------------------------------- */

/* One request's state. A request whose route is slow (it writes the log,
 * hashes a password or renders a briefing) is handed to a worker thread
 * and its connection suspended meanwhile, so that the threads serving
 * the other connections never wait on a disk sync or a lock: the worker
 * resumes it with the reply ready, and microhttpd calls the handler
 * again to send it. */
typedef enum { JOB_NONE, JOB_QUEUED, JOB_DONE } job_state;

typedef struct conn_ctx {
    char *body;
    size_t len, cap;
    bool too_big;
    job_state job;
    struct MHD_Connection *c;
    dd__req q;
    dd__session sess;
    char addr[64];
    dd__reply r;
    dd__snap *hold; /* a shared answer's snapshot, till the request completes */
    struct conn_ctx *next; /* in the work queue */
} conn_ctx;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How requests end, counted for the server's log at its stop (the idle
 * time-out's closes, and when they came, are how issue 16's read errors
 * under writes were looked for). */
static void count_end(dd_server *s, enum MHD_RequestTerminationCode why)
{
    unsigned k = (unsigned)why;
    if (k < sizeof s->ended / sizeof s->ended[0])
        atomic_fetch_add(&s->ended[k], 1);
    if (why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED) {
        long long t = (long long)(mono_ms() - s->started_ms);
        long long none = -1;
        atomic_compare_exchange_strong(&s->timeout_first_ms, &none, t);
        atomic_store(&s->timeout_last_ms, t);
    }
}

static void connection_note(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode toe)
{
    dd_server *s = cls;
    (void)c;
    int64_t now = mono_ms() - s->started_ms;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&s->conns_opened, 1);
        *socket_context = (void *)(intptr_t)(now + 1); /* when it opened */
        return;
    }
    atomic_fetch_add(&s->conns_closed, 1);
    /* DRAWDOWN_SERVE_DEBUG: each close, when and how old (no address) */
    if (s->debug && !atomic_load(&s->stopping))
        dd__serve_log(s, "http: a connection closed at %.3f s, opened at %.3f s", (double)now / 1e3,
                      (double)((intptr_t)*socket_context - 1) / 1e3);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    (void)c;
    count_end(cls, why);
    conn_ctx *x = *con_cls;
    if (x && x->job != JOB_QUEUED) {
        dd__snap_put(x->hold);
        if (x->job == JOB_DONE) {
            if (x->r.pin)
                dd__snap_put(x->r.pin);
            else
                free(x->r.body);
        }
        free(x->body);
        free(x);
        *con_cls = NULL;
    }
}

static void client_addr(struct MHD_Connection *c, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, size, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)size);
}

static enum MHD_Result simple(dd_server *s, struct MHD_Connection *c, unsigned code,
                              const char *msg)
{
    dd__reply r;
    memset(&r, 0, sizeof r);
    dd__reply_error(&r, code, "%s", msg);
    return send_reply(s, c, &r);
}

/* Record what the server's log keeps of a request, and send its reply. */
static enum MHD_Result finish(dd_server *s, conn_ctx *x)
{
    dd__reply *r = &x->r;
    const dd__req *q = &x->q;
    bool change = strcmp(q->method, "GET") && strcmp(q->method, "HEAD");
    if (change || r->code == 401 || r->code == 403 || r->code == 409 || r->code == 429) {
        if (q->sess)
            dd__serve_log(s, "user %lld (%s) from %s: %s %s -> %u%s%s",
                          (long long)q->sess->user_id, dd_user_role_name(q->sess->role),
                          x->addr, q->method, q->path, r->code, r->audit[0] ? " " : "",
                          r->audit);
        else
            dd__serve_log(s, "no session, from %s: %s %s -> %u%s%s", x->addr, q->method,
                          q->path, r->code, r->audit[0] ? " " : "", r->audit);
    }
    x->job = JOB_NONE; /* the reply is handed on */
    if (r->stream) {
        struct MHD_Response *rs = dd__sse_response(s, x->c, q->sess, r->stream_after);
        free(r->body);
        r->body = NULL;
        if (!rs)
            return MHD_NO;
        security_headers(rs, "text/event-stream");
        enum MHD_Result ok = MHD_queue_response(x->c, 200, rs);
        MHD_destroy_response(rs);
        return ok;
    }
    if (!r->body && r->code != 204 && r->code != 304) { /* 304: no body */
        r->body = strdup("{}\n");
        r->len = r->body ? 3 : 0;
        if (!r->type)
            r->type = "application/json";
    }
    enum MHD_Result ok = send_reply(s, x->c, r);
    if (r->shared) { /* the shared answer's body, held till the request completes */
        x->hold = r->pin;
        r->shared = NULL;
    }
    r->body = NULL;
    r->pin = NULL;
    return ok;
}

/* ---- the workers: slow requests, one at a time each ---------------------- */

enum { GROUP_MAX = 64 };

/* With group writes, the POST /events requests waiting behind x (x one of
 * them), taken out of the queue (work_mu held). */
static size_t take_group(dd_server *s, conn_ctx *x, conn_ctx **group)
{
    size_t n = 0;
    group[n++] = x;
    if (!s->o.group_writes || !dd__route_is_events_post(&x->q))
        return n;
    conn_ctx **pp = &s->work_head;
    s->work_tail = NULL;
    while (*pp) {
        conn_ctx *y = *pp;
        if (n < GROUP_MAX && dd__route_is_events_post(&y->q)) {
            *pp = y->next;
            group[n++] = y;
        } else {
            s->work_tail = y;
            pp = &y->next;
        }
    }
    return n;
}

static void *work(void *arg)
{
    dd_server *s = arg;
    conn_ctx *group[GROUP_MAX];
    const dd__req *qs[GROUP_MAX];
    dd__reply *rs[GROUP_MAX];
    pthread_mutex_lock(&s->work_mu);
    for (;;) {
        while (!s->work_head && !s->work_stop)
            pthread_cond_wait(&s->work_cv, &s->work_mu);
        conn_ctx *x = s->work_head;
        if (!x)
            break; /* stopping and nothing left */
        s->work_head = x->next;
        if (!s->work_head)
            s->work_tail = NULL;
        /* one group of event posts at a time: while one is written, the
         * posts that come wait in the queue and make the next group, one
         * disk sync for all of them (a worker that took a post waits here,
         * then takes the queued ones with it) */
        bool grouped = s->o.group_writes && dd__route_is_events_post(&x->q);
        if (grouped) {
            pthread_mutex_unlock(&s->work_mu);
            pthread_mutex_lock(&s->group_mu);
            pthread_mutex_lock(&s->work_mu);
        }
        size_t n = take_group(s, x, group);
        pthread_mutex_unlock(&s->work_mu);
        if (n > 1) {
            for (size_t i = 0; i < n; i++) {
                qs[i] = &group[i]->q;
                rs[i] = &group[i]->r;
            }
            dd__route_events_group(s, qs, rs, n);
        } else {
            dd__route(s, &x->q, &x->r);
        }
        /* the snapshot made again before the answers go, so a client reads
         * what it wrote and every stream has it (the events only: a few
         * milliseconds; the status follows from its own thread). Always,
         * not only when `dirty`: another worker's update may have taken
         * the flag of these events and be publishing them still, and
         * this update waits for it (refresh_mu). Before the next group:
         * its append would hold the log's lock, through its disk sync,
         * while this update waits to read the events (letting the next
         * group start first made the writes' p99 worse: 148 -> 178 ms) */
        (void)dd__snap_update(s, false, false);
        if (grouped)
            pthread_mutex_unlock(&s->group_mu);
        for (size_t i = 0; i < n; i++) {
            group[i]->job = JOB_DONE;
            MHD_resume_connection(group[i]->c);
        }
        pthread_mutex_lock(&s->work_mu);
    }
    pthread_mutex_unlock(&s->work_mu);
    return NULL;
}

static void enqueue(dd_server *s, conn_ctx *x)
{
    pthread_mutex_lock(&s->work_mu);
    x->next = NULL;
    if (s->work_tail)
        s->work_tail->next = x;
    else
        s->work_head = x;
    s->work_tail = x;
    pthread_cond_signal(&s->work_cv);
    pthread_mutex_unlock(&s->work_mu);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version,
                                 const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    dd_server *s = cls;
    conn_ctx *x = *con_cls;
    if (!x) {
        x = calloc(1, sizeof *x);
        if (!x)
            return MHD_NO;
        *con_cls = x;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(cl, &end, 10);
            if (errno || *end || v > s->o.max_body) {
                x->too_big = true;
                return simple(s, c, 413, "request body too large");
            }
        }
        return MHD_YES;
    }
    if (x->job == JOB_DONE)
        return finish(s, x);
    if (x->job == JOB_QUEUED)
        return MHD_YES; /* not ours yet */
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (x->too_big)
            return MHD_YES;
        if (x->len + n > s->o.max_body) {
            /* a body without a length (chunked) that grows too large:
             * answered now, and the connection closed after the answer */
            x->too_big = true;
            free(x->body);
            x->body = NULL;
            x->len = x->cap = 0;
            return simple(s, c, 413, "request body too large");
        }
        if (x->len + n + 1 > x->cap) {
            size_t cap = x->cap ? x->cap : 1024;
            while (cap < x->len + n + 1)
                cap *= 2;
            char *b = realloc(x->body, cap);
            if (!b)
                return MHD_NO;
            x->body = b;
            x->cap = cap;
        }
        memcpy(x->body + x->len, upload, n);
        x->len += n;
        x->body[x->len] = 0;
        return MHD_YES;
    }
    if (x->too_big)
        return simple(s, c, 413, "request body too large");

    static const char prefix[] = "/api/v1";
    int web; /* the dashboard's pages (web.c) */
    if (strncmp(url, prefix, sizeof prefix - 1) != 0 ||
        (url[sizeof prefix - 1] != '/' && url[sizeof prefix - 1] != 0))
        return dd__web_serve(s, c, url, method, &web) ? (enum MHD_Result)web
               : simple(s, c, 404, "no such page (the API is under /api/v1/)");
    x->c = c;
    client_addr(c, x->addr, sizeof x->addr);
    dd__req *q = &x->q;
    q->method = method;
    q->path = url + sizeof prefix - 1;
    q->addr = x->addr;
    q->body = x->body ? x->body : "";
    q->body_len = x->len;
    q->conn = c;
    q->token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "dd_session");
    q->csrf_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    q->query_after = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after");
    if (!q->query_after)
        q->query_after = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
    q->if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    q->query_from = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "from");
    q->query_to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
    const char *first = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "first");
    const char *count = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "count");
    q->range.first = first ? (size_t)strtoull(first, NULL, 10) : 1;
    q->range.count = count ? (size_t)strtoull(count, NULL, 10) : 0;
    if (!q->range.count)
        q->range.count = DD__PAGE_DEFAULT;
    if (q->range.count > DD__PAGE_MAX)
        q->range.count = DD__PAGE_MAX;
    if (q->token && dd__session_find(s, q->token, &x->sess))
        q->sess = &x->sess;
    if (dd__route_slow(q) && !atomic_load(&s->stopping)) {
        x->job = JOB_QUEUED;
        MHD_suspend_connection(c);
        enqueue(s, x);
        return MHD_YES;
    }
    dd__route(s, q, &x->r);
    return finish(s, x);
}

/* Paths are taken as sent: the API needs no escapes, and a decoded "%2e%2e"
 * or "%00" must not become a path (routes.c refuses any '%'). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    dd_server *s = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* the watcher's own nudge (below), a TLS handshake cut short */
    if (s->tls && strstr(msg, "handshake") &&
        mono_ms() - atomic_load(&s->nudged_ms) < 100)
        return;
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = 0;
    dd__serve_log(s, "http: %s", msg);
}

/* ---- the watcher: outside changes of the log and users, keep-alives ---- */

/* A user removed, or given a new role, site or password, loses the
 * sessions opened before (and their streams). */
static void watch_users(dd_server *s)
{
    struct stat now;
    memset(&now, 0, sizeof now);
    if (!s->users_path || stat(s->users_path, &now) != 0)
        return;
    if (now.st_size == s->users_seen.st_size && now.st_ino == s->users_seen.st_ino &&
        now.st_mtim.tv_sec == s->users_seen.st_mtim.tv_sec &&
        now.st_mtim.tv_nsec == s->users_seen.st_mtim.tv_nsec)
        return;
    dd__user_key *v = NULL;
    size_t n = 0;
    if (dd__users_keys(s->users_path, &v, &n) == DD_OK) {
        s->users_seen = now;
        dd__sessions_revoke(s, v, n);
        dd__sse_wake_all(s);
    }
    free(v);
}

enum { NUDGE_FROM = 120 }; /* open connections (127 on one thread stalled it) */

/* A connection to the server itself, closed at once: the listening
 * socket is in every pool thread's epoll set, level-triggered, so every
 * thread's epoll_wait returns. Why: libmicrohttpd 0.9.75 gathers at most
 * 128 events a call and, when it gets 128, calls epoll_wait again with
 * the same time-out (`while (MAX_EVENTS == num_events)`) before it
 * serves what the first call returned; a pool thread whose connections
 * (127, with its signal pipe) all had requests waiting at once then
 * slept through the whole idle time-out and closed them all as idle
 * (issue 16: wrk's read errors and the writes past 2 s under load;
 * docs/serve.md, "The read errors"). This wakes it within a turn of
 * the watcher. */
static void nudge(dd_server *s)
{
    /* only while a thread may hold that many connections (few servers
     * do): under TLS each nudge is a handshake cut short, which
     * libmicrohttpd logs (mhd_log leaves those out) */
    unsigned long open = atomic_load(&s->conns_opened) - atomic_load(&s->conns_closed);
    if (open < NUDGE_FROM)
        return;
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    const struct sockaddr *sa;
    socklen_t len;
    if (inet_pton(AF_INET, s->address, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(s->port);
        sa = (const struct sockaddr *)&a4;
        len = sizeof a4;
    } else if (inet_pton(AF_INET6, s->address, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(s->port);
        sa = (const struct sockaddr *)&a6;
        len = sizeof a6;
    } else {
        return;
    }
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    atomic_store(&s->nudged_ms, mono_ms());
    (void)connect(fd, sa, len); /* loopback: at once, or in progress */
    close(fd);
}

static void *watch(void *arg)
{
    dd_server *s = arg;
    int64_t last_keepalive = dd__now_s();
    while (!atomic_load(&s->stopping)) {
        struct timespec ts = {(time_t)(s->o.watch_ms / 1000),
                              (long)(s->o.watch_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        if (atomic_load(&s->stopping))
            break;
        nudge(s);
        (void)dd__snap_update(s, false, false);
        watch_users(s);
        /* the log opened whole for a new plan or a briefing (every cargo
         * row: 250 MiB on a theater) is closed when unused for 30 s */
        if (pthread_mutex_trylock(&s->report_mu) == 0) {
            if (dd__slog_whole_idle(s->log, 30))
                dd__give_back();
            pthread_mutex_unlock(&s->report_mu);
        }
        if (dd__now_s() - last_keepalive >= 15) {
            last_keepalive = dd__now_s();
            dd__sse_keepalive(s);
        }
    }
    return NULL;
}

/* ---- start and stop ---------------------------------------------------- */

static char *read_text(const char *path, dd_diags *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot read: %s",
                     strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + k + 1 > cap) {
            cap = (n + k + 1) * 2;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        memcpy(buf + n, chunk, k);
        n += k;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    else
        buf[n] = 0;
    return buf;
}

void dd_server_stop(dd_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    if (s->watcher_started)
        pthread_join(s->watcher, NULL);
    if (s->n_workers) {
        /* the queued requests are answered, then the workers end */
        pthread_mutex_lock(&s->work_mu);
        s->work_stop = true;
        pthread_cond_broadcast(&s->work_cv);
        pthread_mutex_unlock(&s->work_mu);
        for (unsigned i = 0; i < s->n_workers; i++)
            pthread_join(s->workers[i], NULL);
    }
    if (s->daemon) {
        /* every stream resumed and ended before the daemon stops */
        for (int i = 0; i < 400; i++) {
            dd__sse_end_all(s);
            pthread_mutex_lock(&s->sse_mu);
            size_t n = s->n_streams;
            pthread_mutex_unlock(&s->sse_mu);
            if (!n)
                break;
            struct timespec ts = {0, 5000000L};
            nanosleep(&ts, NULL);
        }
        MHD_stop_daemon(s->daemon);
        long long tf = atomic_load(&s->timeout_first_ms), tl = atomic_load(&s->timeout_last_ms);
        dd__serve_log(s,
                      "http: requests ended: %lu completed, %lu with an error, %lu timed out "
                      "(first at %.1f s, last at %.1f s after the start; -1: none), %lu at "
                      "the stop, %lu read errors, %lu closed by the client; connections: %lu "
                      "opened, %lu closed",
                      atomic_load(&s->ended[0]), atomic_load(&s->ended[1]),
                      atomic_load(&s->ended[2]), tf < 0 ? -1.0 : (double)tf / 1e3,
                      tl < 0 ? -1.0 : (double)tl / 1e3, atomic_load(&s->ended[3]),
                      atomic_load(&s->ended[4]), atomic_load(&s->ended[5]),
                      atomic_load(&s->conns_opened), atomic_load(&s->conns_closed));
    }
    dd__stat_stop(s);
    dd__snap_fini(s);
    dd__slog_close(s->log);
    dd__sessions_free(s);
    if (s->baseline_path[0])
        unlink(s->baseline_path);
    if (s->tmpdir[0])
        rmdir(s->tmpdir);
    if (s->tls_key_pem) {
        sodium_memzero(s->tls_key_pem, strlen(s->tls_key_pem));
        free(s->tls_key_pem);
    }
    free(s->tls_cert_pem);
    free(s->log_path);
    free(s->users_path);
    free(s->address);
    pthread_mutex_destroy(&s->log_mu);
    pthread_mutex_destroy(&s->refresh_mu);
    pthread_mutex_destroy(&s->snap_mu);
    pthread_mutex_destroy(&s->sess_mu);
    pthread_mutex_destroy(&s->login_mu);
    pthread_mutex_destroy(&s->sse_mu);
    pthread_mutex_destroy(&s->report_mu);
    pthread_mutex_destroy(&s->out_mu);
    pthread_mutex_destroy(&s->work_mu);
    pthread_mutex_destroy(&s->group_mu);
    pthread_mutex_destroy(&s->stat_mu);
    pthread_mutex_destroy(&s->sim_mu);
    free(s->sim_path);
    free(s->sim_json.p);
    pthread_cond_destroy(&s->stat_cv);
    pthread_cond_destroy(&s->work_cv);
    free(s);
}

uint16_t dd_server_port(const dd_server *s)
{
    return s->port;
}

/* The options a server may run with: TLS both or neither, TLS off
 * loopback unless insecure. */
static dd_status check_options(const dd_serve_options *o, const char *address, bool tls,
                               dd_diags *diags)
{
    if (!o->log_path) {
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL, "no event log given");
        return DD_EARG;
    }
    if (tls && (!o->tls_cert || !o->tls_key)) {
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL,
                     "TLS needs both a certificate and its key (--tls-cert, --tls-key)");
        return DD_EARG;
    }
    if (!tls && !o->insecure && !loopback(address)) {
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL,
                     "%s is not a loopback address: serving it without TLS would send "
                     "passwords in clear; give --tls-cert and --tls-key (or --insecure)",
                     address);
        return DD_EARG;
    }
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL,
                     "this libmicrohttpd was built without TLS");
        return DD_EARG;
    }
    return DD_OK;
}

/* The limits left at 0 take their defaults. */
static void default_limits(dd_serve_options *o)
{
    if (!o->threads) {
        /* one thread a core: more only take turns on the same cores, and
         * each turn is the tail's (bench/serveload, docs/serve.md) */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o->threads = cores > 0 && cores < 64 ? (unsigned)cores : 4;
    }
    if (o->threads < 2)
        o->threads = 2; /* one polling thread alone fell to ~100 req/s at 256
                         * keep-alive connections (libmicrohttpd 0.9.75) */
    if (!o->timeout_s)
        o->timeout_s = 10;
    if (!o->max_body)
        o->max_body = 1 << 20;
    if (!o->max_header)
        o->max_header = 16 << 10; /* microhttpd clears the pool after each
                                   * request: 32 KiB took 9 % of the server's
                                   * CPU under GET status (perf), and a
                                   * stream holds one for its life */
    if (!o->session_idle_s)
        o->session_idle_s = 30 * 60;
    if (!o->session_absolute_s)
        o->session_absolute_s = 12 * 3600;
    if (!o->watch_ms)
        o->watch_ms = 250;
    if (!o->login_fail_user)
        o->login_fail_user = 5;
    if (!o->login_fail_addr)
        o->login_fail_addr = 20;
    if (!o->login_window_s)
        o->login_window_s = 15 * 60;
}

static void init_sync(dd_server *s)
{
    pthread_mutex_init(&s->log_mu, NULL);
    pthread_mutex_init(&s->refresh_mu, NULL);
    pthread_mutex_init(&s->snap_mu, NULL);
    pthread_mutex_init(&s->sess_mu, NULL);
    pthread_mutex_init(&s->login_mu, NULL);
    pthread_mutex_init(&s->sse_mu, NULL);
    pthread_mutex_init(&s->report_mu, NULL);
    pthread_mutex_init(&s->out_mu, NULL);
    pthread_mutex_init(&s->work_mu, NULL);
    pthread_mutex_init(&s->group_mu, NULL);
    pthread_mutex_init(&s->stat_mu, NULL);
    pthread_mutex_init(&s->sim_mu, NULL);
    pthread_cond_init(&s->stat_cv, NULL);
    atomic_init(&s->stat_version, 0);
    pthread_cond_init(&s->work_cv, NULL);
    atomic_init(&s->version, 0);
    atomic_init(&s->stopping, false);
    atomic_init(&s->dirty, false);
    for (size_t i = 0; i < sizeof s->ended / sizeof s->ended[0]; i++)
        atomic_init(&s->ended[i], 0);
    atomic_init(&s->conns_opened, 0);
    atomic_init(&s->conns_closed, 0);
    atomic_init(&s->timeout_first_ms, -1);
    atomic_init(&s->timeout_last_ms, -1);
    atomic_init(&s->nudged_ms, INT64_MIN / 2);
}

/* The users file: there, and readable by its owner only (password
 * hashes are for the server's owner alone). */
static dd_status check_users_file(dd_server *s, dd_diags *diags)
{
    struct stat sb;
    if (stat(s->users_path, &sb) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, s->users_path, 0, 0, "", NULL,
                     "no users file (drawdown users add makes it)");
        return DD_EINPUT;
    }
    if (sb.st_mode & 077) {
        dd_diags_add(diags, DD_SEV_ERROR, s->users_path, 0, 0, "", NULL,
                     "the users file may be read by others (chmod 600 it)");
        return DD_EINPUT;
    }
    s->users_seen = sb;
    return DD_OK;
}

/* The server's state before it listens: its own copies of the options'
 * strings, the TLS keys, the users file checked, the log open and its
 * first status, a temporary folder. */
static dd_status prepare(dd_server *s, const dd_serve_options *o, const char *address,
                         dd_diags *diags)
{
    s->log_path = strdup(o->log_path);
    s->users_path = o->users_path ? strdup(o->users_path) : NULL;
    s->address = strdup(address);
    s->o.log_path = s->log_path;
    s->o.users_path = s->users_path;
    s->o.address = s->address;
    if (!s->log_path || !s->address || (o->users_path && !s->users_path) ||
        (o->sim_path && !s->sim_path))
        return DD_ENOMEM;
    dd_status st = DD_OK;
    if (s->tls) {
        s->tls_cert_pem = read_text(o->tls_cert, diags);
        s->tls_key_pem = s->tls_cert_pem ? read_text(o->tls_key, diags) : NULL;
        if (!s->tls_key_pem)
            return DD_EINPUT;
    }
    if (s->users_path)
        st = check_users_file(s, diags);
    if (st == DD_OK)
        st = dd__slog_open(s->log_path, o->key_name, diags, &s->log);
    if (st == DD_OK)
        st = dd__snap_update(s, true, true);
    if (st == DD_OK)
        st = dd__stat_start(s);
    if (st != DD_OK)
        return st;
    const char *base = getenv("TMPDIR");
    snprintf(s->tmpdir, sizeof s->tmpdir, "%s/drawdown-serve-XXXXXX",
             base && *base && strlen(base) < 200 ? base : "/tmp");
    if (!mkdtemp(s->tmpdir)) {
        s->tmpdir[0] = 0;
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL,
                     "cannot make a temporary folder: %s", strerror(errno));
        return DD_EIO;
    }
    return DD_OK;
}

/* libmicrohttpd listening on the address: its pool, TLS and limits. */
static dd_status listen_on(dd_server *s, const char *address, uint16_t port, dd_diags *diags)
{
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, address, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(port);
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, address, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(port);
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL,
                     "'%s' is not a numeric IPv4 or IPv6 address", address);
        return DD_EARG;
    }
    if (s->tls)
        flags |= MHD_USE_TLS;
    /* the options that depend on the request: the pool and TLS */
    struct MHD_OptionItem extra[4];
    size_t k = 0;
    extra[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)s->o.threads,
                                         NULL};
    if (s->tls) {
        extra[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert_pem};
        extra[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key_pem};
    }
    extra[k] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    s->started_ms = mono_ms();
    const char *debug = getenv("DRAWDOWN_SERVE_DEBUG");
    s->debug = debug && *debug && strcmp(debug, "0") != 0;
    /* the logger first: options after it report through it */
    s->daemon = MHD_start_daemon(
        flags, port, NULL, NULL, access_cb, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
        MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->o.max_header, MHD_OPTION_CONNECTION_LIMIT,
        8192u, MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_NOTIFY_CONNECTION,
        connection_note, s, MHD_OPTION_UNESCAPE_CALLBACK,
        no_unescape, s, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_ARRAY, extra,
        MHD_OPTION_END);
    if (!s->daemon) {
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL,
                     "cannot listen on %s port %u%s", address, (unsigned)port,
                     s->tls ? " (or the certificate or key is not valid PEM)" : "");
        return DD_EIO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : port;
    return DD_OK;
}

/* The workers and the log's watcher. */
static dd_status start_threads(dd_server *s)
{
    for (unsigned i = 0; i < DD__WORKERS; i++) {
        if (pthread_create(&s->workers[i], NULL, work, s) != 0)
            return DD_ENOMEM;
        s->n_workers++;
    }
    if (pthread_create(&s->watcher, NULL, watch, s) != 0)
        return DD_ENOMEM;
    s->watcher_started = true;
    return DD_OK;
}

dd_status dd_server_start(const dd_serve_options *o, dd_diags *diags, dd_server **out)
{
    *out = NULL;
    const char *address = o->address ? o->address : "127.0.0.1";
    bool tls = o->tls_cert || o->tls_key;
    dd_status st = check_options(o, address, tls, diags);
    if (st != DD_OK)
        return st;
    if (sodium_init() < 0)
        return DD_EIO;
    dd_server *s = calloc(1, sizeof *s);
    if (!s)
        return DD_ENOMEM;
    s->o = *o;
    s->o.sim_path = NULL; /* borrowed: a copy is kept */
    if (o->sim_path)
        s->sim_path = strdup(o->sim_path);
    default_limits(&s->o);
    init_sync(s);
    s->tls = tls;
    st = prepare(s, o, address, diags);
    if (st == DD_OK)
        st = listen_on(s, address, o->port, diags);
    if (st == DD_OK)
        st = start_threads(s);
    if (st != DD_OK) {
        dd_server_stop(s);
        return st;
    }
    *out = s;
    return DD_OK;
}
