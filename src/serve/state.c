/* SPDX-License-Identifier: MIT */
/*
 * The status snapshot: the events, the status and its JSON for each
 * audience, shared read-only by every worker with a reference count.
 * The events are read again each time the log changes — after the
 * server's own writes, and when the watcher thread sees the log's files
 * change (an outside `track add`) — and published at once, with the last
 * status computed. The status (a re-plan: seconds on a theater) is
 * computed by one thread of its own from the newest events and published
 * when done, once per burst of changes: no request waits for it, and
 * GET status copies no more than a pointer. The status says its as-of
 * (its "events" field: how many events it counts).
 */
#define _GNU_SOURCE /* syscall(SYS_gettid): the status thread's own priority */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve_int.h"

static void block_put(dd__evblock *b)
{
    if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
        return;
    free(b->v);
    free(b);
}

static void evs_put(dd__evs *e)
{
    if (!e || atomic_fetch_sub(&e->refs, 1) != 1)
        return;
    block_put(e->blk);
    free(e->retracted_by);
    free(e->clearance_ev);
    free(e->decision_ev);
    free(e);
}

void dd__stat_put(dd__stat *t)
{
    if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
        return;
    dd__slog_status_free(t->st);
    for (int k = 0; k < 2; k++) {
        dd__reply_shared_free(atomic_load(&t->answer[k]));
        free(t->status[k].p);
    }
    for (int k = 0; k < 16; k++)
        free(t->chart[k].p);
    pthread_mutex_destroy(&t->chart_mu);
    free(t);
}

void dd__snap_put(dd__snap *n)
{
    if (!n || atomic_fetch_sub(&n->refs, 1) != 1)
        return;
    evs_put(n->evs);
    dd__stat_put(n->stat);
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

/* Where each sortie's request stands after events first..n-1 (0-based)
 * of v: its last clearance event and its last decision not retracted. */
static void requests_of(const dd_event *v, size_t first, size_t n, const int32_t *by,
                        size_t n_sorties, int32_t *cl, int32_t *dec)
{
    for (size_t k = first; k < n; k++) {
        const dd_event *x = &v[k];
        if (by[k] || x->sortie < 1 || (size_t)x->sortie > n_sorties)
            continue;
        if (x->kind == DD_EV_FILED || x->kind == DD_EV_APPROVED || x->kind == DD_EV_DENIED)
            cl[x->sortie - 1] = (int32_t)k + 1;
        if (x->kind == DD_EV_APPROVED || x->kind == DD_EV_DENIED)
            dec[x->sortie - 1] = (int32_t)k + 1;
    }
}

/* The events' texts, in blocks of a megabyte that live as long as the
 * server: the events of every snapshot point into them. */
struct dd__textblk {
    struct dd__textblk *next;
    size_t used, cap;
    char v[];
};

static const char *keep_text(dd_server *s, const char *t)
{
    size_t n = strlen(t) + 1;
    struct dd__textblk *b = s->ev_text;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        struct dd__textblk *nb = malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->next = b;
        nb->used = 0;
        nb->cap = cap;
        s->ev_text = b = nb;
    }
    char *o = b->v + b->used;
    memcpy(o, t, n);
    b->used += n;
    return o;
}

/* The texts of events v[0..n-1] moved into the server's blocks. */
static dd_status keep_texts(dd_server *s, dd_event *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dd_event *e = &v[i];
        if (!s->ev_file && e->file && !(s->ev_file = keep_text(s, e->file)))
            return DD_ENOMEM;
        const char **t[4] = {&e->subject, &e->value, &e->note, &e->origin};
        for (int k = 0; k < 4; k++)
            if (*t[k] && !(*t[k] = keep_text(s, *t[k])))
                return DD_ENOMEM;
        e->file = s->ev_file;
        e->source = NULL;
    }
    return DD_OK;
}

/* The events of add after prev's in the shared array, their texts kept. */
static dd_status evs_append(dd_server *s, const dd__evs *prev, const dd_events *add)
{
    size_t n0 = prev ? prev->ev->n : 0, n = n0 + add->n;
    dd__evblock *b = s->evblock;
    if (!b || b->n != n0 || n > b->cap) {
        dd__evblock *nb = calloc(1, sizeof *nb);
        size_t cap = n < 512 ? 1024 : 2 * n;
        dd_event *v = nb ? malloc(cap * sizeof *v) : NULL;
        if (!v) {
            free(nb);
            return DD_ENOMEM;
        }
        if (n0)
            memcpy(v, prev->ev->v, n0 * sizeof *v);
        atomic_init(&nb->refs, 1);
        nb->v = v;
        nb->n = n0;
        nb->cap = cap;
        block_put(s->evblock);
        s->evblock = b = nb;
    }
    if (add->n)
        memcpy(b->v + n0, add->v, add->n * sizeof *b->v);
    dd_status st = keep_texts(s, b->v + n0, add->n);
    if (st == DD_OK)
        b->n = n;
    return st;
}

/* The events of prev (NULL: none) and then add (freed here; their texts
 * are kept by the server), with their retractions and where each
 * sortie's request stands, for the views; refresh_mu held. The events are
 * copied only into the free end of the shared array (or, when it is full,
 * into one twice as large): a snapshot costs the new events, not the log. */
static dd_status evs_next(dd_server *s, const dd__evs *prev, dd_events *add, dd__evs **out)
{
    *out = NULL;
    dd_status st = evs_append(s, prev, add);
    dd__slog_events_free(add);
    if (st != DD_OK)
        return st;
    size_t n_sorties = dd__slog_plan(s->log)->n_sorties;
    dd__evblock *b = s->evblock;
    size_t n0 = prev ? prev->ev->n : 0, n = b->n;
    dd__evs *e = calloc(1, sizeof *e);
    int32_t *by = malloc((n + 1) * sizeof *by);
    int32_t *cl = malloc((n_sorties + 1) * sizeof *cl);
    int32_t *dec = malloc((n_sorties + 1) * sizeof *dec);
    if (!e || !by || !cl || !dec) {
        free(e);
        free(by);
        free(cl);
        free(dec);
        return DD_ENOMEM;
    }
    atomic_init(&e->refs, 1);
    atomic_fetch_add(&b->refs, 1);
    e->blk = b;
    e->view.n = n;
    e->view.v = b->v;
    e->ev = &e->view;
    e->retracted_by = by;
    e->clearance_ev = cl;
    e->decision_ev = dec;
    /* what was known before, then the new events */
    bool retraction = false;
    if (n0)
        memcpy(by, prev->retracted_by, n0 * sizeof *by);
    memset(by + n0, 0, (n - n0 + 1) * sizeof *by);
    for (size_t k = n0; k < n; k++) {
        const dd_event *x = &b->v[k];
        if (x->kind == DD_EV_RETRACTED && x->ref >= 1 && (size_t)x->ref <= n) {
            by[x->ref - 1] = (int32_t)k + 1;
            retraction = true;
        }
    }
    if (prev && !retraction) {
        memcpy(cl, prev->clearance_ev, (n_sorties + 1) * sizeof *cl);
        memcpy(dec, prev->decision_ev, (n_sorties + 1) * sizeof *dec);
        requests_of(b->v, n0, n, by, n_sorties, cl, dec);
    } else { /* a retraction may undo an older decision: all again */
        memset(cl, 0, (n_sorties + 1) * sizeof *cl);
        memset(dec, 0, (n_sorties + 1) * sizeof *dec);
        requests_of(b->v, 0, n, by, n_sorties, cl, dec);
    }
    *out = e;
    return DD_OK;
}

/* status --json text o (replaced) with today's members (today.c)
 * added at its end. */
static dd_status with_today(dd_server *s, const dd_track_status *st, dd__out *o)
{
    size_t end = o->n;
    while (end && o->p[end - 1] != '}')
        end--;
    if (!end)
        return DD_EIO;
    dd__out t, all;
    if (!dd__out_open(&t))
        return DD_ENOMEM;
    dd_status w = dd__status_today(s->log, st, t.f);
    dd_status c = dd__out_close(&t);
    if (c == DD_OK && w != DD_OK) {
        free(t.p);
        c = w;
    }
    if (c != DD_OK)
        return c;
    if (!dd__out_open(&all)) {
        free(t.p);
        return DD_ENOMEM;
    }
    /* "{...}" and "{A,B}\n" make "{...,A,B}\n" */
    fwrite(o->p, 1, end - 1, all.f);
    fputc(',', all.f);
    fwrite(t.p + 1, 1, t.n - 1, all.f);
    free(t.p);
    c = dd__out_close(&all);
    if (c != DD_OK)
        return c;
    free(o->p);
    *o = all;
    return DD_OK;
}

/* The status of events ev (borrowed), with its JSON. */
static dd_status stat_new(dd_server *s, const dd_events *ev, dd__stat **out)
{
    *out = NULL;
    dd__stat *t = calloc(1, sizeof *t);
    if (!t)
        return DD_ENOMEM;
    atomic_init(&t->refs, 1);
    atomic_init(&t->answer[0], NULL);
    atomic_init(&t->answer[1], NULL);
    pthread_mutex_init(&t->chart_mu, NULL);
    t->n_events = ev->n;
    dd_status st = dd__slog_status(s->log, ev, &t->st, NULL);
    dd__out o = {0};
    if (st == DD_OK)
        st = dd__out_open(&o) ? DD_OK : DD_ENOMEM;
    if (st == DD_OK) {
        dd_status w = dd__slog_status_json(s->log, t->st, o.f);
        st = dd__out_close(&o);
        if (st == DD_OK)
            st = w;
    }
    if (st == DD_OK)
        st = with_today(s, t->st, &o);
    if (st == DD_OK)
        st = dd__status_filter(o.p, o.n, t->status);
    free(o.p);
    if (st != DD_OK) {
        dd__stat_put(t);
        return st;
    }
    t->version = atomic_fetch_add(&s->stat_version, 1) + 1;
    *out = t;
    return DD_OK;
}

/* Publish a snapshot of e and t (references taken); wakes the streams. */
static dd_status publish(dd_server *s, dd__evs *e, dd__stat *t)
{
    dd__snap *n = calloc(1, sizeof *n);
    if (!n) {
        evs_put(e);
        dd__stat_put(t);
        return DD_ENOMEM;
    }
    atomic_init(&n->refs, 1);
    n->evs = e;
    n->stat = t;
    n->ev = e->ev;
    n->retracted_by = e->retracted_by;
    n->clearance_ev = e->clearance_ev;
    n->decision_ev = e->decision_ev;
    n->st = t->st;
    n->status = t->status;
    pthread_mutex_lock(&s->snap_mu);
    n->version = atomic_fetch_add(&s->version, 1) + 1;
    dd__snap *old = s->snap;
    s->snap = n;
    pthread_mutex_unlock(&s->snap_mu);
    dd__snap_put(old);
    dd__sse_wake_all(s);
    return DD_OK;
}

static void want_status(dd_server *s)
{
    pthread_mutex_lock(&s->stat_mu);
    s->stat_want = true;
    pthread_cond_signal(&s->stat_cv);
    pthread_mutex_unlock(&s->stat_mu);
}

dd_status dd__snap_update(dd_server *s, bool force, bool wait_status)
{
    /* one update at a time, so snapshots are published in order; the log
     * is locked only while the new events are read (from the handle's
     * memory: only rows added since are read from the file) */
    pthread_mutex_lock(&s->refresh_mu);
    dd__snap *cur = dd__snap_get(s);
    int64_t have = cur ? (int64_t)cur->ev->n : 0;
    pthread_mutex_lock(&s->log_mu);
    bool changed = dd__slog_changed(s->log);
    bool dirty = atomic_exchange(&s->dirty, false);
    dd_status st = DD_OK;
    dd_events *add = NULL;
    if (force || changed || dirty) {
        dd_diags d;
        dd_diags_init(&d, 4);
        st = dd__slog_events_after(s->log, have, &d, &add);
        dd_diags_fini(&d);
    }
    pthread_mutex_unlock(&s->log_mu);
    dd__evs *e = NULL;
    if (st == DD_OK && add && (add->n || !cur))
        st = evs_next(s, cur ? cur->evs : NULL, add, &e);
    else
        dd__slog_events_free(add);
    if (st == DD_OK && e) {
        dd__stat *t = NULL;
        if (wait_status || !cur) {
            st = stat_new(s, e->ev, &t);
        } else {
            t = cur->stat;
            atomic_fetch_add(&t->refs, 1);
        }
        if (st == DD_OK) {
            atomic_fetch_add(&e->refs, 1);
            st = publish(s, e, t);
            if (st == DD_OK && t->n_events != e->ev->n)
                want_status(s);
        }
        evs_put(e);
    }
    dd__snap_put(cur);
    pthread_mutex_unlock(&s->refresh_mu);
    return st;
}

/* A status made and the one before it freed: what the re-plan and its
 * JSON took for a while (80 MB on the theater: 440 -> 360 MiB resident)
 * goes back to the system, where glibc would keep it. */
void dd__give_back(void)
{
#ifdef __GLIBC__
    (void)malloc_trim(0);
#endif
}

/* The status thread: the status of the newest events, once per burst. */
static void *restat(void *arg)
{
    dd_server *s = arg;
    /* below the threads that answer requests: a re-plan of a theater takes
     * a core for seconds, and the readers should not wait for it */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    pthread_mutex_lock(&s->stat_mu);
    for (;;) {
        while (!s->stat_want && !s->stat_stop)
            pthread_cond_wait(&s->stat_cv, &s->stat_mu);
        if (s->stat_stop)
            break;
        s->stat_want = false;
        pthread_mutex_unlock(&s->stat_mu);
        dd__snap *n = dd__snap_get(s);
        dd__stat *t = NULL;
        if (n && n->stat->n_events != n->ev->n && stat_new(s, n->ev, &t) == DD_OK) {
            /* published with the events of the snapshot now current:
             * newer ones, if any came meanwhile, ask again */
            pthread_mutex_lock(&s->refresh_mu);
            dd__snap *cur = dd__snap_get(s);
            dd__evs *e = cur->evs;
            atomic_fetch_add(&e->refs, 1);
            dd__snap_put(cur);
            (void)publish(s, e, t);
            pthread_mutex_unlock(&s->refresh_mu);
        }
        dd__snap_put(n);
        dd__give_back();
        pthread_mutex_lock(&s->stat_mu);
    }
    pthread_mutex_unlock(&s->stat_mu);
    return NULL;
}

dd_status dd__stat_start(dd_server *s)
{
    dd__give_back(); /* after the first status (dd__snap_update at the start) */
    if (pthread_create(&s->stat_th, NULL, restat, s) != 0)
        return DD_ENOMEM;
    s->stat_started = true;
    return DD_OK;
}

void dd__stat_stop(dd_server *s)
{
    if (!s->stat_started)
        return;
    pthread_mutex_lock(&s->stat_mu);
    s->stat_stop = true;
    pthread_cond_signal(&s->stat_cv);
    pthread_mutex_unlock(&s->stat_mu);
    pthread_join(s->stat_th, NULL);
    s->stat_started = false;
}

void dd__snap_fini(dd_server *s)
{
    dd__snap_put(s->snap);
    s->snap = NULL;
    block_put(s->evblock);
    s->evblock = NULL;
    while (s->ev_text) {
        struct dd__textblk *b = s->ev_text;
        s->ev_text = b->next;
        free(b);
    }
    s->ev_file = NULL;
}
