/* SPDX-License-Identifier: MIT */
/*
 * The status snapshot: the events, the status and its JSON for each
 * audience, computed once each time the log changes — after the server's
 * own writes, and when the watcher thread sees the log's files change
 * (an outside `track add`) — and shared read-only by every worker with a
 * reference count. GET status copies no more than a pointer: the status
 * is never computed (nor the plan made again) per request.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/serve_int.h"

void dd__snap_put(dd__snap *n)
{
    if (!n || atomic_fetch_sub(&n->refs, 1) != 1)
        return;
    dd__slog_events_free(n->ev);
    dd__slog_status_free(n->st);
    free(n->retracted_by);
    for (int k = 0; k < 4; k++)
        free(n->status[k].p);
    free(n);
}

dd__snap *dd__snap_get(dd_server *s)
{
    pthread_mutex_lock(&s->snap_mu);
    dd__snap *n = s->snap;
    if (n)
        atomic_fetch_add(&n->refs, 1);
    pthread_mutex_unlock(&s->snap_mu);
    return n;
}

bool dd__out_open(dd__out *o)
{
    o->p = NULL;
    o->n = 0;
    o->f = open_memstream(&o->p, &o->n);
    return o->f != NULL;
}

dd_status dd__out_close(dd__out *o)
{
    bool bad = ferror(o->f) != 0;
    if (fclose(o->f) != 0)
        bad = true;
    o->f = NULL;
    if (bad) {
        free(o->p);
        o->p = NULL;
        o->n = 0;
        return DD_ENOMEM;
    }
    return DD_OK;
}

/* The snapshot of events ev (taken), computed outside the log's lock. */
static dd_status build(dd_server *s, dd_events *ev)
{
    dd__snap *n = calloc(1, sizeof *n);
    if (!n) {
        dd__slog_events_free(ev);
        return DD_ENOMEM;
    }
    atomic_init(&n->refs, 1);
    n->ev = ev;
    dd_status st = DD_OK;
    if (st == DD_OK)
        st = dd__slog_status(s->log, n->ev, &n->st, NULL);
    if (st == DD_OK) {
        n->retracted_by = calloc(n->ev->n + 1, sizeof *n->retracted_by);
        if (!n->retracted_by)
            st = DD_ENOMEM;
        for (size_t k = 0; st == DD_OK && k < n->ev->n; k++) {
            const dd_event *e = &n->ev->v[k];
            if (e->kind == DD_EV_RETRACTED && e->ref >= 1 && (size_t)e->ref <= n->ev->n)
                n->retracted_by[e->ref - 1] = (int32_t)k + 1;
        }
    }
    dd__out o = {0};
    if (st == DD_OK)
        st = dd__out_open(&o) ? DD_OK : DD_ENOMEM;
    if (st == DD_OK) {
        dd_status w = dd__slog_status_json(s->log, n->st, o.f);
        st = dd__out_close(&o);
        if (st == DD_OK)
            st = w;
    }
    if (st == DD_OK)
        st = dd__status_filter(o.p, o.n, n->status);
    free(o.p);
    if (st != DD_OK) {
        dd__snap_put(n);
        return st;
    }
    n->version = atomic_fetch_add(&s->version, 1) + 1;
    pthread_mutex_lock(&s->snap_mu);
    dd__snap *old = s->snap;
    s->snap = n;
    pthread_mutex_unlock(&s->snap_mu);
    dd__snap_put(old);
    dd__sse_wake_all(s);
    return DD_OK;
}

dd_status dd__snap_update(dd_server *s, bool force)
{
    /* one update at a time, so snapshots are published in order; the log
     * is locked only while its events are read */
    pthread_mutex_lock(&s->refresh_mu);
    pthread_mutex_lock(&s->log_mu);
    bool changed = dd__slog_changed(s->log);
    bool dirty = atomic_exchange(&s->dirty, false);
    dd_status st = DD_OK;
    dd_events *ev = NULL;
    if (force || changed || dirty) {
        dd_diags d;
        dd_diags_init(&d, 4);
        st = dd__slog_events(s->log, &d, &ev);
        dd_diags_fini(&d);
    }
    pthread_mutex_unlock(&s->log_mu);
    if (st == DD_OK && ev)
        st = build(s, ev);
    pthread_mutex_unlock(&s->refresh_mu);
    return st;
}
