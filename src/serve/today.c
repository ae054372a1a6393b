/* SPDX-License-Identifier: MIT */
/*
 * Where we stand today: the part of the server's status that says what
 * is next and what is late (docs/serve.md, "The status"), so that the
 * status stays a few kilobytes however large the plan — the sortie list
 * itself is GET /sorties, read by pages and by time. Made once per
 * status computed (state.c), from the status and the log's plan: the
 * next sorties to leave, the clearance requests to file within a day and
 * those waiting for the host's decision, the sorties (overdue or aborted
 * and not gone since), requests and tasks that are late. Each list is the first few by time, with the count of
 * all; ties go to the lower number, so the same status gives the same
 * text.
 */
#include <string.h>

#include "base/json.h"
#include "model/units.h"
#include "serve/serve_int.h"

enum { NEXT_MAX = 10, LIST_MAX = 20 };

/* The first `max` (time, index) pairs by time, then index; `count`: all
 * that were offered. */
typedef struct firsts {
    dd_time t[LIST_MAX];
    size_t i[LIST_MAX];
    size_t n, max, count;
} firsts;

static void firsts_init(firsts *f, size_t max)
{
    memset(f, 0, sizeof *f);
    f->max = max;
}

static void firsts_add(firsts *f, dd_time t, size_t i)
{
    f->count++;
    size_t at = f->n;
    while (at > 0 && (f->t[at - 1] > t || (f->t[at - 1] == t && f->i[at - 1] > i)))
        at--;
    if (at >= f->max)
        return;
    size_t keep = f->n < f->max ? f->n : f->max - 1;
    memmove(f->t + at + 1, f->t + at, (keep - at) * sizeof *f->t);
    memmove(f->i + at + 1, f->i + at, (keep - at) * sizeof *f->i);
    f->t[at] = t;
    f->i[at] = i;
    f->n = keep + 1;
}

/* The sorties of f, as the status's sortie list gives them. */
static void sorties(dd_jw *w, const dd__slog *l, const dd_track_status *st, const firsts *f)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    dd__jw_arr(w);
    for (size_t k = 0; k < f->n; k++) {
        size_t i = f->i[k];
        const dd_track_sortie *ts = &st->sorties[i];
        dd__jw_obj(w);
        dd__jw_kint(w, "id", (int64_t)i + 1);
        dd__jw_kstr(w, "site", s->sites[p->sorties[i].site].id);
        dd__jw_kstr(w, "state", dd_sortie_state_name(ts->state));
        dd__jw_kstr(w, "clearance", dd_request_state_name(ts->request));
        dd__jw_time(w, s, "planned", p->sorties[i].departure);
        dd__jw_time(w, s, "projected", ts->projected);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

/* "count" of f and the start of its "list". */
static void counted(dd_jw *w, const firsts *f)
{
    dd__jw_kint(w, "count", (int64_t)f->count);
    dd__jw_key(w, "list");
}

/* The clearance requests of the sorties of f. */
static void requests(dd_jw *w, const dd__slog *l, const dd_track_status *st, const firsts *f)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    dd__jw_arr(w);
    for (size_t k = 0; k < f->n; k++) {
        size_t i = f->i[k];
        const dd_sortie *so = &p->sorties[i];
        dd__jw_obj(w);
        dd__jw_kint(w, "sortie", (int64_t)i + 1);
        dd__jw_kstr(w, "site", s->sites[so->site].id);
        dd__jw_time(w, s, "file_by", p->clearances[so->clearance].file_by);
        dd__jw_time(w, s, "window_from", st->sorties[i].window_from);
        dd__jw_time(w, s, "window_to", st->sorties[i].window_to);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

/* The late tasks of f (planned to end by the status time, not done). */
static void tasks(dd_jw *w, const dd__slog *l, const dd_track_status *st, const firsts *f)
{
    (void)st;
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    dd__jw_arr(w);
    for (size_t k = 0; k < f->n; k++) {
        size_t i = f->i[k];
        dd__jw_obj(w);
        dd__jw_kstr(w, "id", s->tasks[i].id);
        dd__jw_kstr(w, "site", s->sites[s->tasks[i].site].id);
        dd__jw_time(w, s, "planned_end", p->tasks[i].end);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

typedef void (*items_fn)(dd_jw *w, const dd__slog *l, const dd_track_status *st,
                         const firsts *f);

/* KEY: {by (when given), count: all of f, list: the first of f}. */
static void member(dd_jw *w, const char *key, const dd__slog *l, const dd_track_status *st,
                   const firsts *f, items_fn items, const dd_time *by)
{
    dd__jw_key(w, key);
    dd__jw_obj(w);
    if (by)
        dd__jw_time(w, dd__slog_scenario(l), "by", *by);
    counted(w, f);
    items(w, l, st, f);
    dd__jw_obj_end(w);
}

/* What today's lists hold, sorted out of one pass over the sorties. */
typedef struct today {
    firsts next, to_file, pending, late, late_req, late_tasks;
    dd_time by; /* requests to file before this are due today */
} today;

static void sort_out(const dd__slog *l, const dd_track_status *st, today *d)
{
    const dd_plan *p = dd__slog_plan(l);
    const dd_scenario *s = dd__slog_scenario(l);
    firsts_init(&d->next, NEXT_MAX);
    firsts_init(&d->to_file, LIST_MAX);
    firsts_init(&d->pending, LIST_MAX);
    firsts_init(&d->late, LIST_MAX);
    firsts_init(&d->late_req, LIST_MAX);
    firsts_init(&d->late_tasks, LIST_MAX);
    d->by = st->at + 24 * 60; /* dd_time: minutes */
    for (size_t i = 0; i < p->n_sorties && i < st->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        const dd_track_sortie *ts = &st->sorties[i];
        if (ts->state == DD_SORTIE_PLANNED)
            firsts_add(&d->next, ts->projected != DD_TIME_NONE ? ts->projected : so->departure,
                       i);
        else if (ts->state == DD_SORTIE_OVERDUE || ts->state == DD_SORTIE_ABORTED)
            firsts_add(&d->late, so->departure, i);
        if (so->clearance < 0 || ts->state == DD_SORTIE_DEPARTED)
            continue;
        dd_time file_by = p->clearances[so->clearance].file_by;
        if (ts->request == DD_REQ_NOT_DUE && file_by < d->by)
            firsts_add(&d->to_file, file_by, i);
        else if (ts->request == DD_REQ_OVERDUE)
            firsts_add(&d->late_req, file_by, i);
        else if (ts->request == DD_REQ_FILED)
            firsts_add(&d->pending, ts->window_from, i);
    }
    for (size_t k = 0; k < s->n_tasks && st->task_done; k++)
        if (!st->task_done[k] && p->tasks[k].end <= st->at)
            firsts_add(&d->late_tasks, p->tasks[k].end, k);
}

/* The links to the lists, from the status time to a week after. */
static void links(dd_jw *w, const dd_scenario *s, dd_time at)
{
    char from[40], to[40], link[160];
    dd_scenario_format_time(s, at, 0, from, sizeof from);
    dd_scenario_format_time(s, at + 7 * 24 * 60, 0, to, sizeof to);
    dd__jw_key(w, "links");
    dd__jw_obj(w);
    snprintf(link, sizeof link, "/api/v1/sorties?from=%s&to=%s", from, to);
    dd__jw_kstr(w, "sorties", link);
    snprintf(link, sizeof link, "/api/v1/clearances?from=%s&to=%s", from, to);
    dd__jw_kstr(w, "clearances", link);
    dd__jw_kstr(w, "events", "/api/v1/events");
    dd__jw_obj_end(w);
}

dd_status dd__status_today(const dd__slog *l, const dd_track_status *st, FILE *f)
{
    today d;
    sort_out(l, st, &d);
    const dd_scenario *s = dd__slog_scenario(l);
    dd_jw w;
    dd__jw_init(&w, f, false);
    dd__jw_obj(&w); /* the caller splices the members into the status */
    dd__jw_key(&w, "today");
    dd__jw_obj(&w);
    dd__jw_key(&w, "next_sorties");
    sorties(&w, l, st, &d.next);
    member(&w, "clearances_to_file", l, st, &d.to_file, requests, &d.by);
    member(&w, "clearances_pending", l, st, &d.pending, requests, NULL);
    dd__jw_key(&w, "late");
    dd__jw_obj(&w);
    member(&w, "sorties", l, st, &d.late, sorties, NULL);
    member(&w, "clearances", l, st, &d.late_req, requests, NULL);
    member(&w, "tasks", l, st, &d.late_tasks, tasks, NULL);
    dd__jw_obj_end(&w); /* late */
    dd__jw_obj_end(&w); /* today */
    links(&w, s, st->at);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}
