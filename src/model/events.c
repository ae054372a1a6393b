/* SPDX-License-Identifier: MIT */
/*
 * The events file of tracking (events.h, docs/track.md): the CSV is read by
 * the inventory reader (inventory.c), cells resolved against the scenario's
 * ids. One arena holds the events and their texts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/events_int.h"
#include "model/loader.h"
#include <drawdown/events.h>

typedef struct owned_events {
    dd_events e; /* first: dd_events_free casts back */
    dd_arena arena;
} owned_events;

const char *dd_event_kind_name(dd_event_kind k)
{
    static const char *const names[] = {
#define DD_EVENT_NAME(id, name, text) name,
        DD_EVENT_MAP(DD_EVENT_NAME)
#undef DD_EVENT_NAME
    };
    return (unsigned)k < DD_EV_COUNT ? names[k] : NULL;
}

void dd_events_free(dd_events *e)
{
    if (!e)
        return;
    owned_events *o = (owned_events *)e;
    dd__arena_fini(&o->arena);
    free(o);
}

dd_status dd_events_new(size_t n, size_t text_bytes, dd_events **out, dd_event **v_out,
                       char **text_out)
{
    *out = NULL;
    *v_out = NULL;
    *text_out = NULL;
    owned_events *o = calloc(1, sizeof *o);
    if (!o)
        return DD_ENOMEM;
    dd__arena_init(&o->arena, 1 << 16);
    dd_event *v = dd__arena_array(&o->arena, n + 1, sizeof *v);
    char *t = dd__arena_alloc(&o->arena, text_bytes + 1);
    if (!v || !t) {
        dd_events_free(&o->e);
        return DD_ENOMEM;
    }
    memset(v, 0, (n + 1) * sizeof *v);
    memset(t, 0, text_bytes + 1);
    o->e.n = n;
    o->e.v = v;
    *out = &o->e;
    *v_out = v;
    *text_out = t;
    return DD_OK;
}

static dd_status id_maps(dd_loader *L, const dd_scenario *s)
{
    if (dd__idmap_init(&L->tasks, L->arena, s->n_tasks) != DD_OK ||
        dd__idmap_init(&L->sites, L->arena, s->n_sites) != DD_OK ||
        dd__idmap_init(&L->aircraft, L->arena, s->n_aircraft) != DD_OK ||
        dd__idmap_init(&L->people, L->arena, s->n_people) != DD_OK)
        return DD_ENOMEM;
    for (size_t i = 0; i < s->n_tasks; i++)
        dd__idmap_put(&L->tasks, s->tasks[i].id, (int32_t)i);
    for (size_t i = 0; i < s->n_sites; i++)
        dd__idmap_put(&L->sites, s->sites[i].id, (int32_t)i);
    for (size_t i = 0; i < s->n_aircraft; i++)
        dd__idmap_put(&L->aircraft, s->aircraft[i].id, (int32_t)i);
    for (size_t i = 0; i < s->n_people; i++)
        dd__idmap_put(&L->people, s->people[i].id, (int32_t)i);
    return DD_OK;
}

static dd_status parse(owned_events *o, const dd_scenario *s, const char *file,
                       const char *text, size_t len, dd_diags *diags)
{
    /* the loader only reads the scenario here */
    dd_loader L = {.arena = &o->arena, .diags = diags, .s = (dd_scenario *)(uintptr_t)s,
                   .tz = s->agreement.tz_offset, .file = file, .text = text, .len = len};
    if (id_maps(&L, s) != DD_OK)
        return DD_ENOMEM;
    size_t before = diags->n_errors;
    dd_event *v;
    size_t n = dd__read_events(&L, file, text, len, &v);
    if (L.oom || diags->oom)
        return DD_ENOMEM;
    dd_diags_sort(diags);
    if (diags->n_errors > before)
        return DD_EINPUT;
    o->e.n = n;
    o->e.v = v;
    return DD_OK;
}

dd_status dd_events_parse(const dd_scenario *s, const char *file, const char *text,
                          size_t len, dd_diags *diags, dd_events **out)
{
    *out = NULL;
    owned_events *o = calloc(1, sizeof *o);
    if (!o)
        return DD_ENOMEM;
    dd__arena_init(&o->arena, 1 << 16);
    char *f = dd__arena_strdup(&o->arena, file);
    char *t = dd__arena_strndup(&o->arena, text, len);
    dd_status st = f && t ? parse(o, s, f, t, len, diags) : DD_ENOMEM;
    if (st != DD_OK) {
        dd_events_free(&o->e);
        return st;
    }
    *out = &o->e;
    return DD_OK;
}

static dd_status read_stdin(dd_arena *a, char **text, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return DD_ENOMEM;
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                return DD_ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(stdin);
    *text = err ? NULL : dd__arena_strndup(a, buf, n);
    *len = n;
    free(buf);
    return err ? DD_EIO : *text ? DD_OK : DD_ENOMEM;
}

dd_status dd_events_load(const dd_scenario *s, const char *path, dd_diags *diags,
                         dd_events **out)
{
    *out = NULL;
    owned_events *o = calloc(1, sizeof *o);
    if (!o)
        return DD_ENOMEM;
    dd__arena_init(&o->arena, 1 << 16);
    bool in = !strcmp(path, "-");
    char *name = dd__arena_strdup(&o->arena, in ? "<stdin>" : path);
    char *text = NULL;
    size_t len = 0;
    const char *why = "cannot read standard input";
    dd_status st = !name ? DD_ENOMEM
                   : in  ? read_stdin(&o->arena, &text, &len)
                         : dd__read_file(&o->arena, path, &text, &len, &why);
    if (st == DD_EIO)
        dd_diags_add(diags, DD_SEV_ERROR, name, 0, 0, "", NULL,
                     "cannot read the events file (%s)", why);
    if (st == DD_OK)
        st = parse(o, s, name, text, len, diags);
    if (st != DD_OK) {
        dd_events_free(&o->e);
        return st;
    }
    *out = &o->e;
    return DD_OK;
}

/* ---- tails ---- */

bool dd__event_tail_split(const dd_scenario *s, const char *text, char *type, size_t type_size,
                          int32_t *type_out, int64_t *tail_out)
{
    *type_out = -1;
    *tail_out = 0;
    if (type_size)
        type[0] = '\0';
    while (*text == ' ')
        text++;
    size_t n = strlen(text);
    while (n && text[n - 1] == ' ')
        n--;
    if (!n)
        return false;
    /* a registration the scenario gives */
    for (size_t k = 0; k < s->n_aircraft; k++)
        for (size_t j = 0; j < s->aircraft[k].n_tail_numbers; j++) {
            const char *r = s->aircraft[k].tail_numbers[j];
            if (strlen(r) == n && !memcmp(r, text, n)) {
                *type_out = (int32_t)k;
                *tail_out = (int64_t)j + 1;
                return true;
            }
        }
    /* TYPE-N, TYPE N, TYPE#N or N: the digits at the end */
    size_t d = n;
    while (d && text[d - 1] >= '0' && text[d - 1] <= '9')
        d--;
    if (d == n || n - d > 9)
        return false;
    if (d && text[d - 1] != '-' && text[d - 1] != ' ' && text[d - 1] != '#')
        return false;
    int64_t x = 0;
    for (size_t i = d; i < n; i++)
        x = x * 10 + (text[i] - '0');
    size_t t = d ? d - 1 : 0;
    while (t && text[t - 1] == ' ')
        t--;
    if (d && !t)
        return false; /* "-3", " 3": no type before the separator */
    if (t >= type_size)
        t = type_size ? type_size - 1 : 0;
    if (type_size) {
        memcpy(type, text, t);
        type[t] = '\0';
    }
    *tail_out = x;
    return true;
}
