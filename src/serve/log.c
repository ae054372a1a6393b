/* SPDX-License-Identifier: MIT */
/*
 * The server's one door to the event log: every call into the track API
 * (track.h, events.h) is in this file, so a change of that API is
 * adapted here. Opening does what every command does: read the log's
 * scenario from its image (from the files on a log without one), read
 * its plan, and refuse a log whose scenario files changed since —
 * and hold it (dd_track_hold: SQLite's WAL while the server runs, the
 * one file again when it stops).
 * Not thread-safe: the server holds its log lock around every call but
 * the read-only accessors (scenario, plan).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "serve/serve_int.h"

struct dd__slog {
    dd_track *t;
    const dd_scenario *s; /* lent by the log: its image, as the commands read it,
                           * without its cargo rows (DD_TRACK_FOR_STATUS) */
    const dd_plan *p;     /* lent by the log: with its loads, for the status */
    /* the log opened again whole, read-only, for what needs every cargo
     * row (the new plan, its briefing and charts: report_mu held); closed
     * when unused for a while (dd__slog_whole_idle) */
    dd_track *whole;
    const dd_scenario *ws;
    const dd_plan *wp;
    int64_t whole_used; /* monotonic seconds */
    dd_key key;       /* the server's signing key */
    char *scenario_path;
    char *path;
    char *wal;
    struct stat seen[2]; /* the log and its WAL, when last looked at */
    bool held;           /* written ahead while the server runs (dd_track_hold) */
};

void dd__slog_close(dd__slog *l)
{
    if (!l)
        return;
    if (l->held) {
        /* back to one file: the WAL copied in, the rollback journal again
         * (a failure leaves a log in WAL, which reads as it is) */
        dd_diags d;
        dd_diags_init(&d, 2);
        (void)dd_track_hold(l->t, false, &d);
        dd_diags_fini(&d);
    }
    dd_track_close(l->whole);
    dd_track_close(l->t);
    sodium_memzero(&l->key, sizeof l->key);
    free(l->scenario_path);
    free(l->path);
    free(l->wal);
    free(l);
}

/* The server's signing key: key_name in the keys file (dd_keys_path),
 * or its first key. */
static dd_status load_key(const char *key_name, dd_diags *diags, dd_key *out)
{
    char path[4096];
    dd_status st = dd_keys_path(path, sizeof path);
    if (st != DD_OK) {
        dd_diags_add(diags, DD_SEV_ERROR, NULL, 0, 0, "", NULL,
                     "no keys file (set DRAWDOWN_KEYS or HOME)");
        return st;
    }
    dd_keyring *ring = NULL;
    st = dd_keys_load(path, diags, &ring);
    const dd_key *k = st == DD_OK ? dd_keys_find(ring, key_name) : NULL;
    if (st == DD_OK && !k) {
        if (key_name)
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                         "no key named '%s' to sign the events the server adds", key_name);
        else
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                         "no key to sign the events the server adds");
        st = DD_EINPUT;
    }
    if (k)
        *out = *k;
    dd_keys_free(ring);
    return st;
}

dd_status dd__slog_open(const char *path, const char *key_name, dd_diags *diags,
                        dd__slog **out)
{
    *out = NULL;
    dd__slog *l = calloc(1, sizeof *l);
    if (!l)
        return DD_ENOMEM;
    size_t n = strlen(path);
    l->path = strdup(path);
    l->wal = malloc(n + 5);
    if (!l->path || !l->wal) {
        dd__slog_close(l);
        return DD_ENOMEM;
    }
    memcpy(l->wal, path, n);
    memcpy(l->wal + n, "-wal", 5);
    dd_status st = load_key(key_name, diags, &l->key);
    /* without the cargo rows: the status needs the loads, and the
     * sorties' items read their rows one at a time (on the theater 107
     * MiB less resident; the new plan opens the log whole) */
    if (st == DD_OK)
        st = dd_track_open_parts(path, true, DD_TRACK_FOR_STATUS, diags, &l->t);
    const dd_track_info *info = st == DD_OK ? dd_track_get_info(l->t) : NULL;
    if (st == DD_OK) {
        dd_track_hash_ahead(l->t); /* the scenario's files hashed while it loads */
        l->scenario_path = strdup(info->scenario);
        /* the image: on a theater 160 MiB resident against 260 MiB for
         * the files parsed again (their texts and id maps stay in the
         * loader's arena), and no second parse of 1,000,000 cargo rows */
        st = l->scenario_path ? dd_track_scenario(l->t, NULL, diags, &l->s) : DD_ENOMEM;
    }
    if (st == DD_OK)
        st = dd_track_plan(l->t, l->s, diags, &l->p);
    if (st == DD_OK)
        st = dd_track_index_cargo(l->t, NULL, diags);
    /* written ahead while served: an append syncs once, and the readers
     * of other processes (track status, verify) do not wait for it */
    if (st == DD_OK)
        st = dd_track_hold(l->t, true, diags);
    l->held = st == DD_OK;
    if (st != DD_OK) {
        dd__slog_close(l);
        return st;
    }
    (void)dd__slog_changed(l);
    *out = l;
    return DD_OK;
}

const dd_scenario *dd__slog_scenario(const dd__slog *l)
{
    return l->s;
}

const dd_plan *dd__slog_plan(const dd__slog *l)
{
    return l->p;
}

static bool same(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec && a->st_ino == b->st_ino;
}

bool dd__slog_changed(dd__slog *l)
{
    struct stat now[2];
    memset(now, 0, sizeof now);
    (void)stat(l->path, &now[0]);
    (void)stat(l->wal, &now[1]);
    bool changed = !same(&now[0], &l->seen[0]) || !same(&now[1], &l->seen[1]);
    memcpy(l->seen, now, sizeof now);
    return changed;
}

dd_status dd__slog_events(dd__slog *l, dd_diags *diags, dd_events **out)
{
    return dd_track_events(l->t, l->s, diags, out);
}

dd_status dd__slog_events_after(dd__slog *l, int64_t after, dd_diags *diags, dd_events **out)
{
    return dd_track_events_after(l->t, l->s, after, diags, out);
}

dd_status dd__slog_events_view(dd__slog *l, dd_diags *diags, dd_events *view_out)
{
    return dd_track_events_view(l->t, l->s, diags, view_out);
}

dd_status dd__slog_parse(dd__slog *l, const char *origin, const char *csv, size_t len,
                         dd_diags *diags, dd_events **out)
{
    return dd_events_parse(l->s, origin, csv, len, diags, out);
}

dd_status dd__slog_check_log(dd__slog *l, const dd_events *add, dd_diags *diags)
{
    return dd_track_check_log(l->t, l->p, add, diags);
}

dd_status dd__slog_append(dd__slog *l, const dd_events *add, dd_diags *diags,
                          int64_t *last_out)
{
    dd_status st = dd_track_append(l->t, l->p, add, NULL, &l->key, diags);
    if (st == DD_OK)
        *last_out = dd_track_get_info(l->t)->n_events;
    (void)dd__slog_changed(l); /* our own write is not an outside change */
    return st;
}

dd_cargo dd__slog_cargo(const dd__slog *l, int32_t i)
{
    dd_cargo c;
    memset(&c, 0, sizeof c);
    if (i < 0 || dd_track_cargo_row(l->t, (size_t)i, &c) != DD_OK) {
        c.id = "?"; /* not reached: the plan's indices are checked */
        c.description = NULL;
    }
    return c;
}

/* The log opened again whole (read-only: the server's handle keeps the
 * write lock's connection), its scenario and plan read as `drawdown
 * status -o` reads them. */
static dd_status open_whole(dd__slog *l)
{
    l->whole_used = dd__now_s();
    if (l->whole)
        return DD_OK;
    dd_diags d;
    dd_diags_init(&d, 4);
    dd_status st = dd_track_open(l->path, false, &d, &l->whole);
    if (st == DD_OK)
        st = dd_track_scenario(l->whole, NULL, &d, &l->ws);
    if (st == DD_OK)
        st = dd_track_plan(l->whole, l->ws, &d, &l->wp);
    dd_diags_fini(&d);
    if (st != DD_OK) {
        dd_track_close(l->whole);
        l->whole = NULL;
        l->ws = NULL;
        l->wp = NULL;
    }
    return st;
}

bool dd__slog_whole_idle(dd__slog *l, int64_t idle_s)
{
    if (!l->whole || dd__now_s() - l->whole_used < idle_s)
        return false;
    dd_track_close(l->whole);
    l->whole = NULL;
    l->ws = NULL;
    l->wp = NULL;
    return true;
}

dd_status dd__slog_status(dd__slog *l, const dd_events *ev, dd_track_status **out,
                          dd_plan **np)
{
    if (!np)
        return dd_track_status_compute(l->p, ev, DD_TIME_NONE, out, NULL);
    /* the new plan's figures weigh every cargo row: from the log opened
     * whole (the events are the same numbers against either) */
    *np = NULL;
    *out = NULL;
    dd_status st = open_whole(l);
    return st == DD_OK ? dd_track_status_compute(l->wp, ev, DD_TIME_NONE, out, np) : st;
}

dd_status dd__slog_status_json(const dd__slog *l, const dd_track_status *st, FILE *f)
{
    return dd_track_status_write_json(l->p, st, f);
}

dd_status dd__slog_write_plan_file(dd__slog *l, FILE *f)
{
    dd_diags d;
    dd_diags_init(&d, 2);
    dd_status st = dd_track_write_plan_file(l->t, f, &d);
    dd_diags_fini(&d);
    return st;
}

dd_status dd__slog_plan_json(const dd__slog *l, const dd_plan *p, FILE *f)
{
    return dd_plan_write_json(p, l->scenario_path, f);
}

dd_status dd__slog_plan_hash(const dd__slog *l, const dd_plan *p, char hex[65])
{
    return dd_track_plan_hash(p, l->scenario_path, hex);
}

void dd__slog_events_free(dd_events *ev)
{
    dd_events_free(ev);
}

void dd__slog_status_free(dd_track_status *st)
{
    dd_track_status_free(st);
}

const char *dd__slog_event_name(dd_event_kind k)
{
    return dd_event_kind_name(k);
}
