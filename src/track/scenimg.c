/* SPDX-License-Identifier: MIT */
/*
 * The scenario image (track_int.h): the scenario a log's plan was made
 * from, every field of dd_scenario in a fixed order, kept in the log
 * beside the plan image so that `status` and `track add` do not parse the
 * scenario's inventories again (a million cargo rows on the theater: two
 * seconds of CSV, numbers and id maps). The scenario's files are still
 * hashed by every reader against the log's hashes (dd_track_plan): the
 * image is the content of those files as the model read it then.
 *
 * Integers are zigzag varints, times shifted so that "none" is one byte,
 * a double that is a whole number of thousandths a varint (most of an
 * inventory's weights and sizes), any other its 8 bytes; texts end with
 * a NUL, so that the reader points into its one copy of the image
 * instead of allocating each. Paths are kept relative to the scenario's
 * folder and made again for the path the scenario is read from now, as
 * loading it there would.
 *
 * Reading trusts nothing: counts are bounded by the bytes left, every
 * index checked against what it indexes, every text checked for its end;
 * a damaged image is an error, not a crash (the header's hash pins it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "model/loader.h"
#include "track/bytes.h"
#include "track/scenimg.h"

#define TAG "drawdown-scenario-image"

/* ---- writing ------------------------------------------------------------ */

/* DD_TIME_NONE as 0, any other time t as t + 1 when t >= 0 */
static void w_t(dd__buf *b, dd_time t)
{
    dd__buf_v(b, t == DD_TIME_NONE ? 0 : t >= 0 ? t + 1 : t);
}

/* a whole number of thousandths as 2k (exact: checked by reading it
 * back), anything else as 1 and its 8 bytes */
static void w_d(dd__buf *b, double x)
{
    double k = round(x * 1000.0);
    if (fabs(k) < 4e15 && k / 1000.0 == x && !(x == 0 && signbit(x))) {
        dd__buf_v(b, (int64_t)k * 2);
        return;
    }
    dd__buf_v(b, 1);
    dd__buf_f64(b, x);
}

/* NULL as 0; a text as 1, the text and its NUL */
static void w_s(dd__buf *b, const char *s)
{
    dd__buf_put(b, s ? "\1" : "", 1);
    if (s)
        dd__buf_put(b, s, strlen(s) + 1);
}

static void w_loc(dd__buf *b, const dd_scenario *s, dd_loc l)
{
    /* 0 none, 1 the scenario file, else the text itself */
    dd__buf_v(b, !l.file ? 0 : l.file == s->path || !strcmp(l.file, s->path) ? 1 : 2);
    if (l.file && l.file != s->path && strcmp(l.file, s->path))
        w_s(b, l.file);
    dd__buf_v(b, l.line);
    dd__buf_v(b, l.col);
}

static void w_caps(dd__buf *b, size_t n, const dd_cap_step *c)
{
    dd__buf_v(b, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        dd__buf_v(b, c[i].day);
        dd__buf_v(b, c[i].daily);
        dd__buf_v(b, c[i].weekly);
    }
}

static void w_i32s(dd__buf *b, size_t n, const int32_t *v)
{
    dd__buf_v(b, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        dd__buf_v(b, v[i]);
}

static void w_dist(dd__buf *b, const dd_dist *d)
{
    dd__buf_v(b, d->kind);
    w_d(b, d->a);
    w_d(b, d->b);
    w_d(b, d->c);
    dd__buf_v(b, (int64_t)d->n);
    for (size_t i = 0; i < d->n; i++) {
        w_d(b, d->values[i]);
        w_d(b, d->cum[i]);
    }
}

static void w_agreement(dd__buf *b, const dd_scenario *s)
{
    const dd_agreement *a = &s->agreement;
    w_s(b, a->name);
    w_t(b, a->deadline);
    dd__buf_v(b, a->tz_offset);
    dd__buf_v(b, (int64_t)a->n_milestones);
    for (size_t i = 0; i < a->n_milestones; i++) {
        const dd_milestone *m = &a->milestones[i];
        w_s(b, m->id);
        w_s(b, m->description);
        w_t(b, m->at);
        dd__buf_v(b, m->site);
        w_d(b, m->personnel_fraction);
        w_d(b, m->cargo_fraction);
        w_loc(b, s, m->loc);
    }
    const dd_clearance_terms *c = &a->clearance;
    w_t(b, c->lead_time);
    w_t(b, c->validity);
    w_t(b, c->decision_time);
    w_t(b, c->opens);
    dd__buf_v(b, c->daily_cap);
    w_caps(b, c->n_caps, c->caps);
    dd__buf_v(b, c->caps_base);
    dd__buf_v(b, c->calendar_week);
    dd__buf_v(b, c->hours.open);
    dd__buf_v(b, c->hours.close);
    w_i32s(b, c->n_blackout, c->blackout);
    dd__buf_v(b, (int64_t)c->n_overflight);
    for (size_t i = 0; i < c->n_overflight; i++) {
        const dd_overflight *o = &c->overflight[i];
        w_s(b, o->country);
        w_s(b, o->name);
        w_t(b, o->lead_time);
        dd__buf_v(b, o->daily_cap);
        w_loc(b, s, o->loc);
    }
    dd__buf_v(b, a->security.floor);
    w_d(b, a->security.ratio);
    dd__buf_v(b, a->security.commercial);
    const dd_personnel_terms *p = &a->personnel;
    dd__buf_v(b, p->exit_per_day);
    dd__buf_v(b, p->exit_per_hour);
    w_t(b, p->manifest_lead);
    w_t(b, p->entry_lead);
    dd__buf_v(b, p->ceiling);
}

static void w_site(dd__buf *b, const dd_scenario *s, const dd_site *x)
{
    w_s(b, x->id);
    w_s(b, x->name);
    w_s(b, x->icao);
    w_d(b, x->lat);
    w_d(b, x->lon);
    dd__buf_v(b, x->tz_offset);
    dd__buf_v(b, x->mog_total);
    dd__buf_v(b, (int64_t)x->n_mog);
    for (size_t k = 0; k < x->n_mog; k++) {
        dd__buf_v(b, x->mog[k].klass);
        dd__buf_v(b, x->mog[k].count);
    }
    dd__buf_v(b, x->hours.open);
    dd__buf_v(b, x->hours.close);
    dd__buf_v(b, (int64_t)x->n_reservations);
    for (size_t k = 0; k < x->n_reservations; k++) {
        w_t(b, x->reservations[k].from);
        w_t(b, x->reservations[k].to);
        dd__buf_v(b, x->reservations[k].slots);
        w_s(b, x->reservations[k].note);
    }
    dd__buf_v(b, (int64_t)x->n_resources);
    for (size_t k = 0; k < x->n_resources; k++) {
        w_s(b, x->resources[k].id);
        dd__buf_v(b, x->resources[k].capacity);
    }
    w_t(b, x->close_by);
    dd__buf_v(b, x->daily_cap);
    w_caps(b, x->n_caps, x->caps);
    dd__buf_v(b, x->caps_base);
    dd__buf_v(b, x->exit_per_day);
    dd__buf_v(b, x->exit_per_hour);
    dd__buf_v(b, x->security_floor);
    w_d(b, x->security_ratio);
    w_i32s(b, x->n_after, x->after);
    dd__buf_v(b, x->phase);
    dd__buf_v(b, x->via);
    w_t(b, x->via_transfer);
    w_loc(b, s, x->loc);
}

static void w_aircraft(dd__buf *b, const dd_scenario *s, const dd_aircraft *x)
{
    w_s(b, x->id);
    w_s(b, x->name);
    w_s(b, x->call_sign);
    dd__buf_v(b, (int64_t)x->n_tail_numbers);
    for (size_t k = 0; k < x->n_tail_numbers; k++)
        w_s(b, x->tail_numbers[k]);
    dd__buf_v(b, x->klass);
    w_d(b, x->acl_kg);
    dd__buf_v(b, (int64_t)x->n_range_payload);
    for (size_t k = 0; k < x->n_range_payload; k++) {
        w_d(b, x->range_payload[k].range_m);
        w_d(b, x->range_payload[k].payload_kg);
    }
    dd__buf_v(b, x->pallet_positions);
    dd__buf_v(b, x->seats);
    const double d[9] = {x->seats_per_pallet, x->floor_length_m, x->floor_width_m,
                         x->door_width_m,     x->door_height_m,  x->pallet_height_m,
                         x->cruise_mps,       x->cost_per_hour,  0};
    for (int k = 0; k < 8; k++)
        w_d(b, d[k]);
    w_t(b, x->ground_time);
    dd__buf_v(b, (int64_t)x->n_tails);
    for (size_t k = 0; k < x->n_tails; k++) {
        w_t(b, x->tails[k].from);
        dd__buf_v(b, x->tails[k].count);
    }
    dd__buf_v(b, x->home);
    w_t(b, x->utilisation);
    dd__buf_v(b, x->utilisation_days);
    dd__buf_v(b, x->crews);
    w_t(b, x->crew_duty);
    w_t(b, x->crew_duty_augmented);
    w_t(b, x->crew_rest);
    w_loc(b, s, x->loc);
}

static void w_places(dd__buf *b, const dd_scenario *s)
{
    dd__buf_v(b, (int64_t)s->n_sites);
    for (size_t i = 0; i < s->n_sites; i++)
        w_site(b, s, &s->sites[i]);
    dd__buf_v(b, (int64_t)s->n_phases);
    for (size_t i = 0; i < s->n_phases; i++) {
        w_s(b, s->phases[i].id);
        w_i32s(b, s->phases[i].n_sites, s->phases[i].sites);
    }
    dd__buf_v(b, (int64_t)s->n_hubs);
    for (size_t i = 0; i < s->n_hubs; i++) {
        const dd_hub *h = &s->hubs[i];
        w_s(b, h->id);
        w_s(b, h->name);
        w_s(b, h->icao);
        w_d(b, h->lat);
        w_d(b, h->lon);
        dd__buf_v(b, h->mog);
        dd__buf_v(b, h->people_per_day);
        w_i32s(b, h->n_overflies, h->overflies);
        w_loc(b, s, h->loc);
    }
    dd__buf_v(b, (int64_t)s->n_stops); /* version 6: en-route fuel stops */
    for (size_t i = 0; i < s->n_stops; i++) {
        const dd_stop *x = &s->stops[i];
        w_s(b, x->id);
        w_s(b, x->name);
        w_s(b, x->icao);
        w_d(b, x->lat);
        w_d(b, x->lon);
        dd__buf_v(b, x->mog);
        w_t(b, x->ground_time);
        dd__buf_v(b, x->country);
        dd__buf_v(b, x->tz_offset); /* version 7: the stop's hours */
        dd__buf_v(b, x->hours.open);
        dd__buf_v(b, x->hours.close);
        w_loc(b, s, x->loc);
    }
    dd__buf_v(b, (int64_t)s->n_aircraft);
    for (size_t i = 0; i < s->n_aircraft; i++)
        w_aircraft(b, s, &s->aircraft[i]);
    dd__buf_v(b, (int64_t)s->n_commercial);
    for (size_t i = 0; i < s->n_commercial; i++) {
        const dd_commercial *c = &s->commercial[i];
        dd__buf_v(b, c->site);
        dd__buf_v(b, c->seats_per_day);
        w_t(b, c->from);
        w_t(b, c->to);
        w_loc(b, s, c->loc);
    }
}

static void w_tasks(dd__buf *b, const dd_scenario *s)
{
    dd__buf_v(b, (int64_t)s->n_tasks);
    for (size_t i = 0; i < s->n_tasks; i++) {
        const dd_task *t = &s->tasks[i];
        w_s(b, t->id);
        w_s(b, t->description);
        dd__buf_v(b, t->site);
        w_t(b, t->duration);
        dd__buf_v(b, (int64_t)t->n_pred);
        for (size_t k = 0; k < t->n_pred; k++) {
            dd__buf_v(b, t->pred[k]);
            w_t(b, t->pred_lag[k]);
        }
        dd__buf_v(b, (int64_t)t->n_demand);
        for (size_t k = 0; k < t->n_demand; k++) {
            dd__buf_v(b, t->demand[k].resource);
            dd__buf_v(b, t->demand[k].amount);
        }
        dd__buf_v(b, t->line);
    }
}

/* The cargo rows (version 5: one section, which a reader that does not
 * keep them steps over). */
static void w_cargo(dd__buf *b, const dd_scenario *s)
{
    for (size_t i = 0; i < s->n_cargo; i++) {
        const dd_cargo *c = &s->cargo[i];
        w_s(b, c->id);
        w_s(b, c->description);
        w_s(b, c->unit);
        dd__buf_v(b, c->site);
        dd__buf_v(b, c->quantity);
        w_d(b, c->weight_kg);
        w_d(b, c->length_m);
        w_d(b, c->width_m);
        w_d(b, c->height_m);
        dd__buf_v(b, c->kind);
        dd__buf_v(b, c->hazard);
        dd__buf_v(b, c->sensitive);
        w_t(b, c->ready);
        dd__buf_v(b, c->released_by);
        dd__buf_v(b, c->priority);
        dd__buf_v(b, c->max_stack);
        dd__buf_v(b, c->disposition);
        dd__buf_v(b, c->line);
    }
}

static void w_inventories(dd__buf *b, const dd_scenario *s, size_t toc)
{
    dd__buf_v(b, (int64_t)s->n_cargo);
    dd__buf rows = {0};
    w_cargo(&rows, s);
    dd__buf_section(b, &rows, toc, 0);
    dd__buf_v(b, (int64_t)s->n_people);
    for (size_t i = 0; i < s->n_people; i++) {
        const dd_people *p = &s->people[i];
        w_s(b, p->id);
        w_s(b, p->unit);
        dd__buf_v(b, p->site);
        dd__buf_v(b, p->count);
        dd__buf_v(b, p->role);
        w_t(b, p->release);
        dd__buf_v(b, p->released_by);
        w_t(b, p->arrival);
        dd__buf_v(b, p->line);
    }
}

static void w_classes(dd__buf *b, const dd_scenario *s)
{
    dd__buf_v(b, (int64_t)s->n_classes);
    for (size_t i = 0; i < s->n_classes; i++)
        w_s(b, s->classes[i]);
    const dd_hazard_rules *h = &s->hazard;
    dd__buf_v(b, (int64_t)h->n_classes);
    for (size_t i = 0; i < h->n_classes; i++)
        w_s(b, h->classes[i]);
    dd__buf_v(b, h->no_passengers);
    dd__buf_v(b, h->apart != NULL);
    for (size_t i = 0; h->apart && i < 32; i++)
        dd__buf_v(b, h->apart[i]);
}

static void w_rest(dd__buf *b, const dd_scenario *s)
{
    const dd_disruptions *d = &s->disruptions;
    dd__buf_v(b, d->present);
    w_dist(b, &d->decision);
    w_d(b, d->denial);
    w_d(b, d->closure_rate);
    w_dist(b, &d->closure_duration);
    w_dist(b, &d->exit_factor);
    w_dist(b, &d->task_factor);
    w_t(b, d->replan_every);
    w_d(b, d->suspension_rate);
    w_dist(b, &d->suspension_duration);
    dd__buf_v(b, d->sites != NULL);
    for (size_t i = 0; d->sites && i < s->n_sites; i++) {
        const dd_site_disruption *x = &d->sites[i];
        w_dist(b, &x->decision);
        w_d(b, x->denial);
        w_d(b, x->closure_rate);
        w_dist(b, &x->closure_duration);
        w_dist(b, &x->exit_factor);
        w_d(b, x->suspension_rate);
        w_dist(b, &x->suspension_duration);
    }
    dd__buf_v(b, d->aircraft != NULL);
    for (size_t i = 0; d->aircraft && i < s->n_aircraft; i++) {
        w_d(b, d->aircraft[i].abort);
        w_dist(b, &d->aircraft[i].delay);
    }
    dd__buf_v(b, d->hubs != NULL);
    for (size_t i = 0; d->hubs && i < s->n_hubs; i++) {
        w_d(b, d->hubs[i].closure_rate);
        w_dist(b, &d->hubs[i].closure_duration);
    }
    /* version 7: crews falling out, the section's and each type's */
    w_d(b, d->crew_rate);
    w_dist(b, &d->crew_duration);
    for (size_t i = 0; d->aircraft && i < s->n_aircraft; i++) {
        w_d(b, d->aircraft[i].crew_rate);
        w_dist(b, &d->aircraft[i].crew_duration);
    }
    w_s(b, s->marking);
    dd__buf_v(b, s->paper);
}

/* A file's path as the scenario names it: relative to the scenario's
 * folder when it lies there (as the model joins them), else as it is. */
static void w_file(dd__buf *b, const dd_scenario *s, const char *f)
{
    const char *slash = strrchr(s->path, '/');
    size_t dl = slash ? (size_t)(slash - s->path) : 0;
    dd__buf_v(b, f != NULL);
    if (!f)
        return;
    if (slash && dl > 0 && !strncmp(f, s->path, dl) && f[dl] == '/' && f[dl + 1]) {
        dd__buf_v(b, 1); /* relative */
        w_s(b, f + dl + 1);
    } else {
        dd__buf_v(b, slash ? 0 : 1); /* a scenario in "." names its files as they are */
        w_s(b, f);
    }
}

void dd__scenimg_write(const dd_scenario *s, dd__buf *b)
{
    dd__buf_put(b, TAG, sizeof TAG - 1);
    dd__buf_v(b, DD__SCENIMG_VERSION);
    size_t toc = dd__buf_toc(b, 1); /* version 5: the cargo rows */
    for (int k = 1; k < 4; k++)
        w_file(b, s, s->files[k]);
    dd__buf_v(b, s->files[0] != NULL);
    w_s(b, s->name);
    dd__buf_v(b, s->epoch_unix);
    dd__buf_v(b, s->display_weight);
    dd__buf_v(b, s->display_length);
    w_d(b, s->passenger_kg);
    w_classes(b, s);
    w_agreement(b, s);
    w_places(b, s);
    w_tasks(b, s);
    w_inventories(b, s, toc);
    w_rest(b, s);
    dd__buf_put(b, TAG, sizeof TAG - 1);
}

/* ---- reading ------------------------------------------------------------ */

typedef struct img {
    dd_scenario s; /* first: the public pointer is this struct's address */
    dd_arena arena;
    unsigned char *bytes; /* the image, its texts pointed into */
    bool cargo;           /* the cargo rows kept (dd__scenimg_take) */
    size_t cargo_rows;    /* in the image, kept or not */
    dd__span rows_at;     /* version 5: where the table puts them */
    int64_t version;      /* of the image */
    size_t rows_from;     /* where the first row starts in bytes */
    size_t n_bytes;
    uint32_t *row_at;     /* rows not kept: each row's start past rows_from
                           * (dd__scenimg_index_cargo), else NULL */
} img;

typedef dd__rd rd;

static img *own(rd *r)
{
    return r->ctx;
}

static uint32_t r_u32(rd *r)
{
    int64_t x = dd__rd_v(r);
    if (x < 0 || x > UINT32_MAX) {
        dd__rd_fail(r, "a number out of range");
        return 0;
    }
    return (uint32_t)x;
}

static bool r_bool(rd *r)
{
    return dd__rd_idx(r, 0, 2, "a flag neither 0 nor 1") == 1;
}

static dd_time r_t(rd *r)
{
    int64_t x = dd__rd_v(r);
    return x == 0 ? DD_TIME_NONE : x > 0 ? x - 1 : x;
}

static double r_d(rd *r)
{
    int64_t x = dd__rd_v(r);
    if (x % 2 == 0)
        return (double)(x / 2) / 1000.0;
    if (x != 1) {
        dd__rd_fail(r, "a number of another kind");
        return 0;
    }
    return dd__rd_f64(r);
}

static const char *r_s(rd *r)
{
    if (r->bad || r->at >= r->n) {
        dd__rd_fail(r, "cut short");
        return NULL;
    }
    unsigned char m = r->v[r->at++];
    if (m == 0)
        return NULL;
    const unsigned char *end = m == 1 ? memchr(r->v + r->at, 0, r->n - r->at) : NULL;
    if (!end) {
        dd__rd_fail(r, "a text without its end");
        return NULL;
    }
    const char *s = (const char *)r->v + r->at;
    r->at = (size_t)(end - r->v) + 1;
    return s;
}

/* a text that must be there */
static const char *r_str(rd *r)
{
    const char *s = r_s(r);
    if (!s && !r->bad)
        dd__rd_fail(r, "a text missing");
    return s ? s : "";
}

/* n zeroed items of `size` bytes; NULL (and r failed) when out of memory */
static void *r_array(rd *r, size_t n, size_t size, dd_status *st)
{
    if (r->bad || n == 0)
        return NULL;
    void *v = dd__arena_array(&own(r)->arena, n, size);
    if (!v) {
        *st = DD_ENOMEM;
        dd__rd_fail(r, "out of memory");
    }
    return v;
}

static dd_loc r_loc(rd *r)
{
    dd_loc l = {NULL, 0, 0};
    int64_t k = dd__rd_idx(r, 0, 3, "a place of another kind");
    l.file = k == 1 ? own(r)->s.path : k == 2 ? r_str(r) : NULL;
    l.line = r_u32(r);
    l.col = r_u32(r);
    return l;
}

static const dd_cap_step *r_caps(rd *r, size_t *n_out, dd_status *st)
{
    size_t n = *n_out = dd__rd_count(r, 3);
    dd_cap_step *c = r_array(r, n, sizeof *c, st);
    for (size_t i = 0; c && i < n; i++) {
        c[i].day = dd__rd_i32(r);
        c[i].daily = dd__rd_i32(r);
        c[i].weekly = dd__rd_i32(r);
    }
    return c;
}

/* indices in [0, hi) */
static const int32_t *r_idxs(rd *r, size_t *n_out, int64_t hi, const char *what, dd_status *st)
{
    size_t n = *n_out = dd__rd_count(r, 1);
    int32_t *v = r_array(r, n, sizeof *v, st);
    for (size_t i = 0; v && i < n; i++)
        v[i] = dd__rd_idx(r, 0, hi, what);
    return v;
}

static void r_dist(rd *r, dd_dist *d, dd_status *st)
{
    d->kind = (dd_dist_kind)dd__rd_idx(r, 0, DD_DIST_EMPIRICAL + 1, "a distribution of another kind");
    d->a = r_d(r);
    d->b = r_d(r);
    d->c = r_d(r);
    d->n = dd__rd_count(r, 2);
    double *v = r_array(r, d->n, sizeof *v, st), *c = r_array(r, d->n, sizeof *c, st);
    for (size_t i = 0; v && c && i < d->n; i++) {
        v[i] = r_d(r);
        c[i] = r_d(r);
    }
    d->values = v;
    d->cum = c;
}

static void r_classes(rd *r, dd_scenario *s, dd_status *st)
{
    s->n_classes = dd__rd_count(r, 2);
    const char **c = r_array(r, s->n_classes, sizeof *c, st);
    for (size_t i = 0; c && i < s->n_classes; i++)
        c[i] = r_str(r);
    s->classes = c;
    dd_hazard_rules *h = &s->hazard;
    h->n_classes = dd__rd_count(r, 2);
    if (h->n_classes > 32)
        dd__rd_fail(r, "more than 32 hazard classes");
    const char **hc = r_array(r, h->n_classes, sizeof *hc, st);
    for (size_t i = 0; hc && i < h->n_classes; i++)
        hc[i] = r_str(r);
    h->classes = hc;
    h->no_passengers = r_u32(r);
    if (r_bool(r)) {
        uint32_t *a = r_array(r, 32, sizeof *a, st);
        for (size_t i = 0; a && i < 32; i++)
            a[i] = r_u32(r);
        h->apart = a;
    }
}

static void r_agreement(rd *r, dd_scenario *s, dd_status *st)
{
    dd_agreement *a = &s->agreement;
    a->name = r_s(r);
    a->deadline = r_t(r);
    a->tz_offset = dd__rd_i32(r);
    a->n_milestones = dd__rd_count(r, 8);
    dd_milestone *m = r_array(r, a->n_milestones, sizeof *m, st);
    for (size_t i = 0; m && i < a->n_milestones; i++) {
        m[i].id = r_s(r);
        m[i].description = r_s(r);
        m[i].at = r_t(r);
        m[i].site = dd__rd_i32(r); /* checked once the sites are read */
        m[i].personnel_fraction = r_d(r);
        m[i].cargo_fraction = r_d(r);
        m[i].loc = r_loc(r);
    }
    a->milestones = m;
    dd_clearance_terms *c = &a->clearance;
    c->lead_time = r_t(r);
    c->validity = r_t(r);
    c->decision_time = r_t(r);
    c->opens = r_t(r);
    c->daily_cap = dd__rd_i32(r);
    c->caps = r_caps(r, &c->n_caps, st);
    c->caps_base = dd__rd_i32(r);
    c->calendar_week = r_bool(r);
    c->hours.open = dd__rd_i32(r);
    c->hours.close = dd__rd_i32(r);
    c->blackout = r_idxs(r, &c->n_blackout, INT32_MAX, "a blackout day out of range", st);
    c->n_overflight = dd__rd_count(r, 6);
    dd_overflight *o = r_array(r, c->n_overflight, sizeof *o, st);
    for (size_t i = 0; o && i < c->n_overflight; i++) {
        o[i].country = r_s(r);
        o[i].name = r_s(r);
        o[i].lead_time = r_t(r);
        o[i].daily_cap = dd__rd_i32(r);
        o[i].loc = r_loc(r);
    }
    c->overflight = o;
    a->security.floor = dd__rd_i32(r);
    a->security.ratio = r_d(r);
    a->security.commercial = r_bool(r);
    dd_personnel_terms *p = &a->personnel;
    p->exit_per_day = dd__rd_i32(r);
    p->exit_per_hour = dd__rd_i32(r);
    p->manifest_lead = r_t(r);
    p->entry_lead = r_t(r);
    p->ceiling = dd__rd_i32(r);
}

static void r_site(rd *r, const dd_scenario *s, dd_site *x, dd_status *st)
{
    x->id = r_str(r);
    x->name = r_s(r);
    x->icao = r_s(r);
    x->lat = r_d(r);
    x->lon = r_d(r);
    x->tz_offset = dd__rd_i32(r);
    x->mog_total = dd__rd_i32(r);
    x->n_mog = dd__rd_count(r, 2);
    dd_mog *m = r_array(r, x->n_mog, sizeof *m, st);
    for (size_t k = 0; m && k < x->n_mog; k++) {
        m[k].klass = dd__rd_idx(r, 0, (int64_t)s->n_classes, "an aircraft class out of range");
        m[k].count = dd__rd_i32(r);
    }
    x->mog = m;
    x->hours.open = dd__rd_i32(r);
    x->hours.close = dd__rd_i32(r);
    x->n_reservations = dd__rd_count(r, 4);
    dd_reservation *v = r_array(r, x->n_reservations, sizeof *v, st);
    for (size_t k = 0; v && k < x->n_reservations; k++) {
        v[k].from = r_t(r);
        v[k].to = r_t(r);
        v[k].slots = dd__rd_i32(r);
        v[k].note = r_s(r);
    }
    x->reservations = v;
    x->n_resources = dd__rd_count(r, 2);
    dd_resource *res = r_array(r, x->n_resources, sizeof *res, st);
    for (size_t k = 0; res && k < x->n_resources; k++) {
        res[k].id = r_str(r);
        res[k].capacity = dd__rd_i32(r);
    }
    x->resources = res;
    x->close_by = r_t(r);
    x->daily_cap = dd__rd_i32(r);
    x->caps = r_caps(r, &x->n_caps, st);
    x->caps_base = dd__rd_i32(r);
    x->exit_per_day = dd__rd_i32(r);
    x->exit_per_hour = dd__rd_i32(r);
    x->security_floor = dd__rd_i32(r);
    x->security_ratio = r_d(r);
    x->after = r_idxs(r, &x->n_after, (int64_t)s->n_sites, "a site out of range", st);
    x->phase = dd__rd_i32(r); /* checked once the phases are read */
    x->via = -1; /* legs inside the country: version 5 */
    if (r->version >= 5) {
        x->via = dd__rd_i32(r);
        if (x->via < -1 || x->via >= (int64_t)s->n_sites)
            dd__rd_fail(r, "a site out of range");
        x->via_transfer = r_t(r);
    }
    x->loc = r_loc(r);
}

static void r_aircraft(rd *r, const dd_scenario *s, dd_aircraft *x, dd_status *st)
{
    x->id = r_str(r);
    x->name = r_s(r);
    x->call_sign = r_s(r);
    x->n_tail_numbers = dd__rd_count(r, 2);
    const char **tn = r_array(r, x->n_tail_numbers, sizeof *tn, st);
    for (size_t k = 0; tn && k < x->n_tail_numbers; k++)
        tn[k] = r_str(r);
    x->tail_numbers = tn;
    x->klass = dd__rd_idx(r, 0, (int64_t)s->n_classes, "an aircraft class out of range");
    x->acl_kg = r_d(r);
    x->n_range_payload = dd__rd_count(r, 2);
    dd_payload_point *rp = r_array(r, x->n_range_payload, sizeof *rp, st);
    for (size_t k = 0; rp && k < x->n_range_payload; k++) {
        rp[k].range_m = r_d(r);
        rp[k].payload_kg = r_d(r);
    }
    x->range_payload = rp;
    x->pallet_positions = dd__rd_i32(r);
    x->seats = dd__rd_i32(r);
    double *d[8] = {&x->seats_per_pallet, &x->floor_length_m, &x->floor_width_m,
                    &x->door_width_m,     &x->door_height_m,  &x->pallet_height_m,
                    &x->cruise_mps,       &x->cost_per_hour};
    for (int k = 0; k < 8; k++)
        *d[k] = r_d(r);
    x->ground_time = r_t(r);
    x->n_tails = dd__rd_count(r, 2);
    dd_tails_step *t = r_array(r, x->n_tails, sizeof *t, st);
    for (size_t k = 0; t && k < x->n_tails; k++) {
        t[k].from = r_t(r);
        t[k].count = dd__rd_i32(r);
    }
    x->tails = t;
    x->home = dd__rd_idx(r, -1, (int64_t)s->n_hubs, "a hub out of range");
    x->utilisation = r_t(r);
    x->utilisation_days = dd__rd_i32(r);
    x->crews = dd__rd_i32(r);
    x->crew_duty = r_t(r);
    x->crew_duty_augmented = r_t(r);
    x->crew_rest = r_t(r);
    x->loc = r_loc(r);
}

/* En-route fuel stops (version 6; none before; their hours version 7). */
static void r_stops(rd *r, dd_scenario *s, dd_status *st)
{
    s->n_stops = r->version >= 6 ? dd__rd_count(r, 8) : 0;
    dd_stop *x = r_array(r, s->n_stops, sizeof *x, st);
    for (size_t i = 0; x && i < s->n_stops; i++) {
        x[i].id = r_str(r);
        x[i].name = r_s(r);
        x[i].icao = r_s(r);
        x[i].lat = r_d(r);
        x[i].lon = r_d(r);
        x[i].mog = dd__rd_i32(r);
        x[i].ground_time = r_t(r);
        x[i].country = dd__rd_idx(r, -1, (int64_t)s->agreement.clearance.n_overflight,
                                  "a stop's country out of range");
        x[i].tz_offset = s->agreement.tz_offset; /* before version 7: all day */
        x[i].hours = (dd_hours){0, DD_MINUTES_PER_DAY};
        if (r->version >= 7) {
            x[i].tz_offset = dd__rd_i32(r);
            x[i].hours.open = dd__rd_i32(r);
            x[i].hours.close = dd__rd_i32(r);
        }
        x[i].loc = r_loc(r);
    }
    s->stops = x;
}

static void r_places(rd *r, dd_scenario *s, dd_status *st)
{
    s->n_sites = dd__rd_count(r, 16);
    dd_site *sites = r_array(r, s->n_sites, sizeof *sites, st);
    s->sites = sites;
    for (size_t i = 0; sites && i < s->n_sites; i++)
        r_site(r, s, &sites[i], st);
    s->n_phases = dd__rd_count(r, 2);
    dd_phase *ph = r_array(r, s->n_phases, sizeof *ph, st);
    for (size_t i = 0; ph && i < s->n_phases; i++) {
        ph[i].id = r_str(r);
        ph[i].sites = r_idxs(r, &ph[i].n_sites, (int64_t)s->n_sites, "a site out of range", st);
    }
    s->phases = ph;
    for (size_t i = 0; sites && i < s->n_sites; i++)
        if (sites[i].phase < -1 || sites[i].phase >= (int64_t)s->n_phases)
            dd__rd_fail(r, "a phase out of range");
    for (size_t i = 0; i < s->agreement.n_milestones; i++)
        if (s->agreement.milestones[i].site < -1 ||
            s->agreement.milestones[i].site >= (int64_t)s->n_sites)
            dd__rd_fail(r, "a milestone's site out of range");
    s->n_hubs = dd__rd_count(r, 8);
    dd_hub *h = r_array(r, s->n_hubs, sizeof *h, st);
    for (size_t i = 0; h && i < s->n_hubs; i++) {
        h[i].id = r_str(r);
        h[i].name = r_s(r);
        h[i].icao = r_s(r);
        h[i].lat = r_d(r);
        h[i].lon = r_d(r);
        h[i].mog = dd__rd_i32(r);
        h[i].people_per_day = dd__rd_i32(r);
        h[i].overflies = r_idxs(r, &h[i].n_overflies,
                                (int64_t)s->agreement.clearance.n_overflight,
                                "an overflown country out of range", st);
        h[i].loc = r_loc(r);
    }
    s->hubs = h;
    r_stops(r, s, st);
    s->n_aircraft = dd__rd_count(r, 20);
    dd_aircraft *a = r_array(r, s->n_aircraft, sizeof *a, st);
    for (size_t i = 0; a && i < s->n_aircraft; i++)
        r_aircraft(r, s, &a[i], st);
    s->aircraft = a;
    s->n_commercial = dd__rd_count(r, 5);
    dd_commercial *c = r_array(r, s->n_commercial, sizeof *c, st);
    for (size_t i = 0; c && i < s->n_commercial; i++) {
        c[i].site = dd__rd_idx(r, 0, (int64_t)s->n_sites, "a site out of range");
        c[i].seats_per_day = dd__rd_i32(r);
        c[i].from = r_t(r);
        c[i].to = r_t(r);
        c[i].loc = r_loc(r);
    }
    s->commercial = c;
}

static void r_tasks(rd *r, dd_scenario *s, dd_status *st)
{
    s->n_tasks = dd__rd_count(r, 7);
    dd_task *t = r_array(r, s->n_tasks, sizeof *t, st);
    for (size_t i = 0; t && i < s->n_tasks && !r->bad; i++) {
        t[i].id = r_str(r);
        t[i].description = r_s(r);
        t[i].site = dd__rd_idx(r, 0, (int64_t)s->n_sites, "a site out of range");
        t[i].duration = r_t(r);
        t[i].n_pred = dd__rd_count(r, 2);
        int32_t *pred = r_array(r, t[i].n_pred, sizeof *pred, st);
        dd_time *lag = r_array(r, t[i].n_pred, sizeof *lag, st);
        for (size_t k = 0; pred && lag && k < t[i].n_pred; k++) {
            pred[k] = dd__rd_idx(r, 0, (int64_t)s->n_tasks, "a task out of range");
            lag[k] = r_t(r);
        }
        t[i].pred = pred;
        t[i].pred_lag = lag;
        t[i].n_demand = dd__rd_count(r, 2);
        dd_demand *d = r_array(r, t[i].n_demand, sizeof *d, st);
        size_t n_res = r->bad ? 0 : s->sites[t[i].site].n_resources;
        for (size_t k = 0; d && k < t[i].n_demand; k++) {
            d[k].resource = dd__rd_idx(r, 0, (int64_t)n_res, "a resource out of range");
            d[k].amount = dd__rd_i32(r);
        }
        t[i].demand = d;
        t[i].line = r_u32(r);
    }
    s->tasks = t;
}

/* One cargo row into c. */
static void r_cargo(rd *r, const dd_scenario *s, dd_cargo *c)
{
    int64_t ns = (int64_t)s->n_sites, nt = (int64_t)s->n_tasks;
    c->id = r_str(r);
    c->description = r_s(r);
    c->unit = r_s(r);
    c->site = dd__rd_idx(r, 0, ns, "a site out of range");
    c->quantity = dd__rd_i32(r);
    c->weight_kg = r_d(r);
    c->length_m = r_d(r);
    c->width_m = r_d(r);
    c->height_m = r_d(r);
    c->kind = (dd_cargo_kind)dd__rd_idx(r, 0, DD_CARGO_KIND_COUNT, "a kind out of range");
    c->hazard = dd__rd_idx(r, -1, (int64_t)s->hazard.n_classes, "a hazard class out of range");
    c->sensitive = r_bool(r);
    c->ready = r_t(r);
    c->released_by = dd__rd_idx(r, -1, nt, "a task out of range");
    c->priority = dd__rd_i32(r);
    c->max_stack = dd__rd_i32(r);
    c->disposition = (dd_disposition)dd__rd_idx(r, 0, DD_DISP_COUNT, "a disposition out of range");
    c->line = r_u32(r);
}

/* The cargo rows, then the people. Rows not kept (own(r)->cargo false)
 * are stepped over (version 5: their section; the digest covers it) or,
 * in an image of version 4, read one at a time into the same place: the
 * million rows of a theater are most of the scenario's memory. */
static void r_inventories(rd *r, dd_scenario *s, dd_status *st)
{
    int64_t ns = (int64_t)s->n_sites, nt = (int64_t)s->n_tasks;
    size_t nc = dd__rd_count(r, 16);
    own(r)->cargo_rows = nc;
    bool keep = own(r)->cargo;
    size_t len = r->version >= 5 ? dd__rd_section(r) : 0, from = r->at;
    own(r)->rows_from = from;
    dd_cargo one;
    dd_cargo *c = keep ? r_array(r, nc, sizeof *c, st) : &one;
    if (!keep && r->version >= 5)
        r->at += len;
    else
        for (size_t i = 0; c && i < nc && !r->bad; i++)
            r_cargo(r, s, keep ? &c[i] : &one);
    if (r->version >= 5)
        dd__rd_section_end(r, from, len, &own(r)->rows_at);
    s->n_cargo = keep ? nc : 0;
    s->cargo = keep ? c : NULL;
    s->n_people = dd__rd_count(r, 8);
    dd_people *p = r_array(r, s->n_people, sizeof *p, st);
    for (size_t i = 0; p && i < s->n_people && !r->bad; i++) {
        p[i].id = r_str(r);
        p[i].unit = r_s(r);
        p[i].site = dd__rd_idx(r, 0, ns, "a site out of range");
        p[i].count = dd__rd_i32(r);
        p[i].role = (dd_role)dd__rd_idx(r, 0, DD_ROLE_COUNT, "a role out of range");
        p[i].release = r_t(r);
        p[i].released_by = dd__rd_idx(r, -1, nt, "a task out of range");
        p[i].arrival = r_t(r);
        p[i].line = r_u32(r);
    }
    s->people = p;
}

static void r_rest(rd *r, dd_scenario *s, dd_status *st)
{
    dd_disruptions *d = &s->disruptions;
    d->present = r_bool(r);
    r_dist(r, &d->decision, st);
    d->denial = r_d(r);
    d->closure_rate = r_d(r);
    r_dist(r, &d->closure_duration, st);
    r_dist(r, &d->exit_factor, st);
    r_dist(r, &d->task_factor, st);
    d->replan_every = r_t(r);
    d->suspension_rate = r_d(r);
    r_dist(r, &d->suspension_duration, st);
    if (r_bool(r)) {
        dd_site_disruption *x = r_array(r, s->n_sites, sizeof *x, st);
        for (size_t i = 0; x && i < s->n_sites; i++) {
            r_dist(r, &x[i].decision, st);
            x[i].denial = r_d(r);
            x[i].closure_rate = r_d(r);
            r_dist(r, &x[i].closure_duration, st);
            r_dist(r, &x[i].exit_factor, st);
            x[i].suspension_rate = r_d(r);
            r_dist(r, &x[i].suspension_duration, st);
        }
        d->sites = x;
    }
    dd_aircraft_disruption *ax = NULL;
    if (r_bool(r)) {
        ax = r_array(r, s->n_aircraft, sizeof *ax, st);
        for (size_t i = 0; ax && i < s->n_aircraft; i++) {
            ax[i].abort = r_d(r);
            r_dist(r, &ax[i].delay, st);
            ax[i].crew_rate = -1;
        }
        d->aircraft = ax;
    }
    if (r_bool(r)) {
        dd_hub_disruption *x = r_array(r, s->n_hubs, sizeof *x, st);
        for (size_t i = 0; x && i < s->n_hubs; i++) {
            x[i].closure_rate = r_d(r);
            r_dist(r, &x[i].closure_duration, st);
        }
        d->hubs = x;
    }
    if (r->version >= 7) { /* crews falling out */
        d->crew_rate = r_d(r);
        r_dist(r, &d->crew_duration, st);
        for (size_t i = 0; ax && i < s->n_aircraft; i++) {
            ax[i].crew_rate = r_d(r);
            r_dist(r, &ax[i].crew_duration, st);
        }
    }
    s->marking = r_s(r);
    s->paper = (dd_paper)dd__rd_idx(r, 0, DD_PAPER_LETTER + 1, "a paper out of range");
}

/* The scenario's and its files' paths, for the scenario read at `path`. */
static void r_files(rd *r, dd_scenario *s, const char *path, dd_status *st)
{
    dd_arena *a = &own(r)->arena;
    const char *slash = strrchr(path, '/');
    char *p = dd__arena_strdup(a, path);
    char *dir = !slash ? dd__arena_strdup(a, ".")
                : slash == path ? dd__arena_strdup(a, "/")
                                : dd__arena_strndup(a, path, (size_t)(slash - path));
    if (!p || !dir) {
        *st = DD_ENOMEM;
        dd__rd_fail(r, "out of memory");
        return;
    }
    s->path = p;
    for (int k = 1; k < 4; k++) {
        if (!r_bool(r))
            continue;
        bool rel = r_bool(r);
        const char *f = r_str(r);
        s->files[k] = r->bad ? NULL : rel ? dd__join_path(a, dir, f) : f;
        if (!r->bad && !s->files[k]) {
            *st = DD_ENOMEM;
            dd__rd_fail(r, "out of memory");
        }
    }
    s->files[0] = r_bool(r) ? p : NULL;
}

dd_status dd__scenimg_read(const unsigned char *v, size_t n, const char *path,
                           dd_scenario **out, char *why, size_t why_size)
{
    *out = NULL;
    unsigned char *bytes = malloc(n ? n : 1);
    if (!bytes)
        return DD_ENOMEM;
    memcpy(bytes, v, n);
    return dd__scenimg_take(bytes, n, path, true, out, why, why_size);
}

size_t dd__scenimg_cargo_rows(const dd_scenario *s)
{
    return ((const img *)s)->cargo_rows;
}

dd_status dd__scenimg_take(unsigned char *bytes, size_t n, const char *path, bool cargo,
                           dd_scenario **out, char *why, size_t why_size)
{
    *out = NULL;
    img *o = calloc(1, sizeof *o);
    if (!o) {
        free(bytes);
        return DD_ENOMEM;
    }
    o->bytes = bytes;
    o->n_bytes = n;
    o->cargo = cargo;
    dd__arena_init(&o->arena, 1 << 16);
    rd r = {bytes, n, 0, false, why, why_size, "the scenario image", 0, o};
    dd_status st = DD_OK;
    dd_scenario *s = &o->s;
    if (dd__rd_tag(&r, TAG) && ((r.version = dd__rd_v(&r)) < 4 || r.version > DD__SCENIMG_VERSION))
        dd__rd_fail(&r, "an image version this drawdown does not read");
    if (r.version >= 5)
        dd__rd_toc(&r, 1, &o->rows_at);
    r_files(&r, s, path, &st);
    s->name = r_str(&r);
    s->epoch_unix = dd__rd_v(&r);
    s->display_weight = (dd_weight_unit)dd__rd_idx(&r, 0, DD_UNIT_STON + 1, "a unit out of range");
    s->display_length = (dd_length_unit)dd__rd_idx(&r, 0, DD_UNIT_FT + 1, "a unit out of range");
    s->passenger_kg = r_d(&r);
    r_classes(&r, s, &st);
    r_agreement(&r, s, &st);
    r_places(&r, s, &st);
    r_tasks(&r, s, &st);
    r_inventories(&r, s, &st);
    r_rest(&r, s, &st);
    if (dd__rd_tag(&r, TAG) && r.at != r.n)
        dd__rd_fail(&r, "bytes after the end");
    o->version = r.version;
    if (st == DD_OK && r.bad)
        st = DD_EINPUT;
    if (st != DD_OK) {
        dd__scenimg_free(s);
        return st;
    }
    *out = s;
    return DD_OK;
}

void dd__scenimg_free(dd_scenario *s)
{
    if (!s)
        return;
    img *o = (img *)s;
    dd__arena_fini(&o->arena);
    free(o->row_at);
    free(o->bytes);
    free(o);
}

dd_status dd__scenimg_index_cargo(dd_scenario *s, char *why, size_t why_size)
{
    img *o = (img *)s;
    if (o->cargo || o->row_at)
        return DD_OK;
    if (o->n_bytes - o->rows_from > UINT32_MAX) {
        snprintf(why, why_size, "the scenario image's cargo rows are too long to index");
        return DD_EINPUT;
    }
    o->row_at = malloc((o->cargo_rows ? o->cargo_rows : 1) * sizeof *o->row_at);
    if (!o->row_at)
        return DD_ENOMEM;
    /* read through once, as the image's reader would have, each row's
     * start kept (4 bytes a row instead of the row's 112) */
    rd r = {o->bytes, o->n_bytes, o->rows_from, false, why, why_size, "the scenario image",
            o->version, o};
    dd_cargo one;
    for (size_t i = 0; i < o->cargo_rows && !r.bad; i++) {
        o->row_at[i] = (uint32_t)(r.at - o->rows_from);
        r_cargo(&r, s, &one);
    }
    if (!r.bad)
        return DD_OK;
    free(o->row_at);
    o->row_at = NULL;
    return DD_EINPUT;
}

bool dd__scenimg_cargo_row(const dd_scenario *s, size_t i, dd_cargo *out)
{
    const img *o = (const img *)s;
    if (o->cargo) {
        if (i >= s->n_cargo)
            return false;
        *out = s->cargo[i];
        return true;
    }
    if (!o->row_at || i >= o->cargo_rows)
        return false;
    char why[8];
    rd r = {o->bytes, o->n_bytes, o->rows_from + o->row_at[i], false, why, sizeof why,
            "the scenario image", o->version, NULL};
    r_cargo(&r, s, out);
    return !r.bad;
}

size_t dd__scenimg_skips(const unsigned char *v, size_t n, dd__span out[1])
{
    char why[8];
    rd r = {v, n, 0, false, why, sizeof why, "the scenario image", 0, NULL};
    if (!dd__rd_tag(&r, TAG) || dd__rd_v(&r) < 5)
        return 0;
    dd__rd_toc(&r, 1, out);
    return !r.bad && out[0].n ? 1 : 0;
}
