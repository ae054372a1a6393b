/* SPDX-License-Identifier: MIT */
/*
 * Server-Sent Events: GET /api/v1/stream pushes each new event the
 * user's role may see ("event: event", id = its number in the log) as
 * soon as a snapshot holds it, and the status each time a new one is
 * computed ("event: status", the body of GET /status; its
 * "events" field says how many events it counts). A stream with nothing
 * to send is suspended (microhttpd holds no worker for it); publishing a
 * snapshot resumes every suspended stream, and the watcher resumes them
 * for a keep-alive comment every 15 s (which is also when a client that
 * went away is noticed). A stream ends with its session: at logout (which
 * wakes the streams), or within 15 s of its expiry.
 */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

struct dd__sse {
    dd_server *srv;
    struct MHD_Connection *conn;
    dd__session sess;
    uint64_t version;   /* the snapshot last sent */
    uint64_t stat_sent; /* the status last sent (dd__stat.version) */
    int64_t last_event; /* events sent up to this number */
    dd__out out;        /* the text being sent */
    size_t off;
    bool suspended, keepalive, has_out;
    dd__sse *next, *prev;
};

/* "data:" lines of a text (each of its lines prefixed). */
static void data_lines(FILE *f, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n;
        if (end > i) {
            fputs("data: ", f);
            fwrite(p + i, 1, end - i, f);
            fputc('\n', f);
        }
        i = end + 1;
    }
}

/* What the stream has not sent of snapshot n. */
static void fill(dd__sse *x, const dd__snap *n)
{
    dd_server *s = x->srv;
    if (!x->has_out) {
        if (!dd__out_open(&x->out))
            return;
        x->has_out = true;
    }
    FILE *f = x->out.f;
    for (size_t i = (size_t)x->last_event; i < n->ev->n; i++) {
        if (!dd__event_visible(s->log, n, i, &x->sess))
            continue;
        dd__out ev;
        if (!dd__out_open(&ev))
            break;
        (void)dd__view_event(s->log, n, i, x->sess.role, ev.f);
        if (dd__out_close(&ev) == DD_OK) {
            fprintf(f, "id: %zu\nevent: event\n", i + 1);
            data_lines(f, ev.p, ev.n);
            fputc('\n', f);
        }
        free(ev.p);
    }
    x->last_event = (int64_t)n->ev->n;
    if (x->sess.role != DD_USER_RAMP && n->stat->version != x->stat_sent) {
        x->stat_sent = n->stat->version;
        const dd__buf *b = &n->status[x->sess.role == DD_USER_HOST ? 1 : 0];
        fputs("event: status\n", f);
        data_lines(f, b->p, b->n);
        fputc('\n', f);
    }
    x->version = n->version;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    dd__sse *x = cls;
    dd_server *s = x->srv;
    for (;;) {
        if (x->has_out) {
            fflush(x->out.f);
            if (x->off < x->out.n) {
                size_t k = x->out.n - x->off;
                if (k > max)
                    k = max;
                memcpy(buf, x->out.p + x->off, k);
                x->off += k;
                return (ssize_t)k;
            }
            (void)dd__out_close(&x->out);
            free(x->out.p);
            x->has_out = false;
            x->off = 0;
        }
        if (atomic_load(&s->stopping) || !dd__session_alive(s, x->sess.key))
            return MHD_CONTENT_READER_END_OF_STREAM; /* stopped, logged out, expired */
        if (atomic_load(&s->version) != x->version) {
            dd__snap *n = dd__snap_get(s);
            if (n)
                fill(x, n);
            dd__snap_put(n);
            if (!x->has_out)
                return MHD_CONTENT_READER_END_WITH_ERROR;
            continue;
        }
        pthread_mutex_lock(&s->sse_mu);
        if (x->keepalive) {
            x->keepalive = false;
            pthread_mutex_unlock(&s->sse_mu);
            if (!dd__out_open(&x->out))
                return MHD_CONTENT_READER_END_WITH_ERROR;
            x->has_out = true;
            fputs(": keep-alive\n\n", x->out.f);
            continue;
        }
        if (atomic_load(&s->version) != x->version || atomic_load(&s->stopping)) {
            pthread_mutex_unlock(&s->sse_mu);
            continue;
        }
        x->suspended = true;
        MHD_suspend_connection(x->conn);
        pthread_mutex_unlock(&s->sse_mu);
        return 0;
    }
}

static void finished(void *cls)
{
    dd__sse *x = cls;
    dd_server *s = x->srv;
    pthread_mutex_lock(&s->sse_mu);
    if (x->prev)
        x->prev->next = x->next;
    else
        s->streams = x->next;
    if (x->next)
        x->next->prev = x->prev;
    s->n_streams--;
    pthread_mutex_unlock(&s->sse_mu);
    if (x->has_out) {
        (void)dd__out_close(&x->out);
        free(x->out.p);
    }
    free(x);
}

struct MHD_Response *dd__sse_response(dd_server *s, struct MHD_Connection *conn,
                                      const dd__session *sess, int64_t after)
{
    dd__sse *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->srv = s;
    x->conn = conn;
    x->sess = *sess;
    dd__snap *n = dd__snap_get(s);
    int64_t total = n ? (int64_t)n->ev->n : 0;
    dd__snap_put(n);
    x->last_event = after >= 0 && after < total ? after : total;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, reader, x, finished);
    if (!r) {
        free(x);
        return NULL;
    }
    pthread_mutex_lock(&s->sse_mu);
    x->next = s->streams;
    if (s->streams)
        s->streams->prev = x;
    s->streams = x;
    s->n_streams++;
    pthread_mutex_unlock(&s->sse_mu);
    return r;
}

static void wake(dd_server *s, bool keepalive)
{
    pthread_mutex_lock(&s->sse_mu);
    for (dd__sse *x = s->streams; x; x = x->next) {
        if (keepalive)
            x->keepalive = true;
        if (x->suspended) {
            x->suspended = false;
            MHD_resume_connection(x->conn);
        }
    }
    pthread_mutex_unlock(&s->sse_mu);
}

void dd__sse_wake_all(dd_server *s)
{
    wake(s, false);
}

void dd__sse_keepalive(dd_server *s)
{
    wake(s, true);
}

void dd__sse_end_all(dd_server *s)
{
    wake(s, false);
}
