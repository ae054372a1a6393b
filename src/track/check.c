/* SPDX-License-Identifier: MIT */
/*
 * Whether events fit the plan and the events before them (track.h,
 * docs/track.md): a sortie that left already, a task done twice, more
 * people processed than a group has, a request decided twice,
 * retractions of what cannot be retracted. The rules fold the events in
 * order into a small state (per sortie, task and group: the event that
 * took it); the events added are then checked against it.
 *
 * A log's handle keeps that state for the events it holds (dd__checker):
 * an append folds only the events added since, and checks its batch
 * against the state, undoing what the batch wrote afterwards, so its
 * cost is the batch's, not the log's. A batch with a retraction (which
 * can undo any earlier event) is checked the long way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "track/log_int.h"

static void ev_err(dd_diags *d, const dd_event *e, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void ev_err(dd_diags *d, const dd_event *e, uint32_t col, const char *fmt, ...)
{
    char msg[512], path[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(path, sizeof path, "event %s", dd_event_kind_name(e->kind));
    dd_diags_add(d, DD_SEV_ERROR, e->file, e->line, col, path, e->source, "%s", msg);
}

/* Where an earlier event came from, for messages. */
static const char *where(const dd_event *e, char *buf, size_t n)
{
    if (e->origin && *e->origin)
        return e->origin;
    snprintf(buf, n, "%s:%u", e->file, e->line);
    return buf;
}

static bool is_sortie_event(dd_event_kind k)
{
    return k == DD_EV_DEPARTED || k == DD_EV_ABORTED || k == DD_EV_FILED ||
           k == DD_EV_APPROVED || k == DD_EV_DENIED;
}

/* An event of the state: k > 0 the prior's event k (1-based), k < 0 the
 * added event -k, 0 none. Indices, not pointers: the prior's array may
 * move between calls. */
typedef int64_t ref;

static const dd_event *ev_of(const dd_events *prior, const dd_events *add, ref k)
{
    return k > 0 ? &prior->v[k - 1] : k < 0 ? &add->v[-k - 1] : NULL;
}

/* What an added event wrote, to be undone. */
typedef struct undo {
    int64_t *slot;
    int64_t old;
} undo;

static void put(int64_t *slot, int64_t v, undo *u, size_t *n_u)
{
    if (u)
        u[(*n_u)++] = (undo){slot, *slot};
    *slot = v;
}

static dd_status state_init(dd__checker *c, const dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    memset(c, 0, sizeof *c);
    c->p = p;
    dd__arena_init(&c->mem, 0);
    c->gone = dd__arena_array(&c->mem, p->n_sorties + 1, sizeof *c->gone);
    c->decided = dd__arena_array(&c->mem, p->n_sorties + 1, sizeof *c->decided);
    c->done = dd__arena_array(&c->mem, s->n_tasks + 1, sizeof *c->done);
    c->processed = dd__arena_array(&c->mem, s->n_people + 1, sizeof *c->processed);
    if (!c->gone || !c->decided || !c->done || !c->processed) {
        dd__checker_fini(c);
        return DD_ENOMEM;
    }
    return DD_OK;
}

void dd__checker_fini(dd__checker *c)
{
    dd__arena_fini(&c->mem);
    free(c->voided); /* grows with the log */
    memset(c, 0, sizeof *c);
}

/* Room for voided[0..n], the new part zero. */
static dd_status voided_room(dd__checker *c, size_t n)
{
    size_t had = c->cap;
    int64_t *w = dd__grow(c->voided, &c->cap, n, 64, sizeof *w);
    if (!w)
        return DD_ENOMEM;
    memset(w + had, 0, (c->cap - had) * sizeof *w);
    c->voided = w;
    return DD_OK;
}

/* The retractions of ev (prior: pass 0; added: pass 1, with errors). */
static void fold_retractions(dd__checker *c, const dd_events *prior, const dd_events *add,
                             int pass, size_t from, dd_diags *diags)
{
    const dd_events *ev = pass ? add : prior;
    size_t np = prior ? prior->n : 0;
    for (size_t i = from; ev && i < ev->n; i++) {
        const dd_event *e = &ev->v[i];
        if (e->kind != DD_EV_RETRACTED)
            continue;
        if (e->ref < 1 || (size_t)e->ref > np) {
            if (pass)
                ev_err(diags, e, e->col_subject,
                       "the log has %zu events: there is no event %d to retract", np, e->ref);
            continue;
        }
        const dd_event *t = &prior->v[e->ref - 1];
        char w[256];
        if (t->kind == DD_EV_RETRACTED) {
            if (pass)
                ev_err(diags, e, e->col_subject,
                       "event %d is itself a retraction; add the event again instead", e->ref);
        } else if (c->voided[e->ref - 1]) {
            if (pass)
                ev_err(diags, e, e->col_subject, "event %d is retracted already (%s)", e->ref,
                       where(ev_of(prior, add, c->voided[e->ref - 1]), w, sizeof w));
        } else {
            c->voided[e->ref - 1] = pass ? -(ref)i - 1 : (ref)i + 1;
        }
    }
}

/*
 * Fold events from..n-1 of the prior (pass 0: no errors, voided ones
 * skipped) or of add (pass 1: each checked against the state, errors in
 * diags; what it writes is logged in u when u is given).
 */
static void fold(dd__checker *c, const dd_events *prior, const dd_events *add, int pass,
                 size_t from, dd_diags *diags, undo *u, size_t *n_u)
{
    const dd_plan *p = c->p;
    const dd_scenario *s = p->scenario;
    const dd_events *ev = pass ? add : prior;
    for (size_t i = from; ev && i < ev->n; i++) {
        const dd_event *e = &ev->v[i];
        ref self = pass ? -(ref)i - 1 : (ref)i + 1;
        if (!pass && c->voided[i])
            continue; /* as if it had never been recorded */
        if (e->at < 0 && pass) {
            ev_err(diags, e, e->col_time, "the time is before the scenario's epoch");
            continue;
        }
        if (is_sortie_event(e->kind)) {
            if (e->sortie < 1 || (size_t)e->sortie > p->n_sorties) {
                if (pass)
                    ev_err(diags, e, e->col_subject, "the plan has no sortie %d (1 to %zu)",
                           e->sortie, p->n_sorties);
                continue;
            }
            const dd_sortie *so = &p->sorties[e->sortie - 1];
            const dd_event *g = ev_of(prior, add, c->gone[e->sortie - 1]);
            if (g && pass) {
                char w[256];
                ev_err(diags, e, e->col_subject, "sortie %d left already (%s)", e->sortie,
                       where(g, w, sizeof w));
                continue;
            }
            if (e->kind == DD_EV_FILED) {
                put(&c->decided[e->sortie - 1], 0, u, n_u);
            } else if (e->kind == DD_EV_APPROVED || e->kind == DD_EV_DENIED) {
                const dd_event *d = ev_of(prior, add, c->decided[e->sortie - 1]);
                if (d && pass) {
                    char w[256];
                    ev_err(diags, e, e->col_subject,
                           "sortie %d's request was %s already (%s): file it anew before "
                           "deciding it again, or retract that decision",
                           e->sortie, d->kind == DD_EV_APPROVED ? "approved" : "denied",
                           where(d, w, sizeof w));
                    continue;
                }
                put(&c->decided[e->sortie - 1], self, u, n_u);
            }
            if (e->kind == DD_EV_DEPARTED) {
                const dd_aircraft *a = &s->aircraft[so->aircraft];
                int32_t most = dd_aircraft_tails_max(a);
                if (e->tail > most && pass) {
                    ev_err(diags, e, e->col_value, "%s has %d tails, got tail %d", a->id, most,
                           e->tail);
                    continue;
                }
                put(&c->gone[e->sortie - 1], self, u, n_u);
            }
        } else if (e->kind == DD_EV_TASK_DONE) {
            const dd_event *g = ev_of(prior, add, c->done[e->index]);
            if (g && pass) {
                char w[256];
                ev_err(diags, e, e->col_subject, "task %s is done already (%s)",
                       s->tasks[e->index].id, where(g, w, sizeof w));
                continue;
            }
            put(&c->done[e->index], self, u, n_u);
        } else if (e->kind == DD_EV_PROCESSED) {
            const dd_people *g = &s->people[e->index];
            if (c->processed[e->index] + e->count > g->count && pass) {
                ev_err(diags, e, e->col_value,
                       "%s has %d people; %lld processed already, %d more is too many", g->id,
                       g->count, (long long)c->processed[e->index], e->count);
                continue;
            }
            put(&c->processed[e->index], c->processed[e->index] + e->count, u, n_u);
        }
    }
}

/* The state of the whole prior, from scratch. */
static dd_status state_build(dd__checker *c, const dd_plan *p, const dd_events *prior)
{
    dd_status st = state_init(c, p);
    size_t np = prior ? prior->n : 0;
    if (st == DD_OK)
        st = voided_room(c, np);
    if (st != DD_OK) {
        dd__checker_fini(c);
        return st;
    }
    fold_retractions(c, prior, NULL, 0, 0, NULL);
    fold(c, prior, NULL, 0, 0, NULL, NULL, NULL);
    c->n = np;
    return DD_OK;
}

dd_status dd_track_check(const dd_plan *p, const dd_events *prior, const dd_events *add,
                         dd_diags *diags)
{
    size_t before = diags->n_errors;
    dd__checker c;
    dd_status st = state_init(&c, p);
    if (st == DD_OK)
        st = voided_room(&c, prior ? prior->n : 0);
    if (st != DD_OK) {
        dd__checker_fini(&c);
        return st;
    }
    /* every retraction first, the added ones' too: an event retracted
     * counts as never recorded, whenever the retraction was made */
    fold_retractions(&c, prior, add, 0, 0, NULL);
    fold_retractions(&c, prior, add, 1, 0, diags);
    fold(&c, prior, add, 0, 0, NULL, NULL, NULL);
    fold(&c, prior, add, 1, 0, diags, NULL, NULL);
    dd__checker_fini(&c);
    if (diags->oom)
        return DD_ENOMEM;
    return diags->n_errors > before ? DD_EINPUT : DD_OK;
}

dd_status dd__checker_check(dd__checker *c, const dd_plan *p, const dd_events *prior,
                            const dd_events *add, dd_diags *diags)
{
    bool retracts = false;
    for (size_t i = 0; i < add->n && !retracts; i++)
        retracts = add->v[i].kind == DD_EV_RETRACTED;
    size_t np = prior ? prior->n : 0;
    if (retracts)
        return dd_track_check(p, prior, add, diags); /* the long way */
    /* the prior's events not folded yet: a retraction among them may undo
     * anything before it, so the state is then made again (as it is for
     * another plan, or fewer events than folded) */
    bool again = !c->gone || c->p != p || np < c->n;
    for (size_t i = c->n; i < np && !again; i++)
        again = prior->v[i].kind == DD_EV_RETRACTED;
    dd_status st = DD_OK;
    if (again) {
        dd__checker_fini(c);
        st = state_build(c, p, prior);
    } else if (np > c->n) {
        st = voided_room(c, np);
        if (st == DD_OK) {
            fold(c, prior, NULL, 0, c->n, NULL, NULL, NULL);
            c->n = np;
        }
    }
    if (st != DD_OK) {
        dd__checker_fini(c);
        return st;
    }
    size_t before = diags->n_errors;
    undo *u = malloc((add->n + 1) * sizeof *u);
    if (!u)
        return DD_ENOMEM;
    size_t n_u = 0;
    fold(c, prior, add, 1, 0, diags, u, &n_u);
    while (n_u--)
        *u[n_u].slot = u[n_u].old;
    free(u);
    if (diags->oom)
        return DD_ENOMEM;
    return diags->n_errors > before ? DD_EINPUT : DD_OK;
}
