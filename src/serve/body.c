/* SPDX-License-Identifier: MIT */
/*
 * Request bodies: JSON objects and the events CSV made from them
 * (body.h). The events are not checked here beyond their shape: the CSV
 * goes to the events reader (dd_events_parse), which locates each bad
 * cell, as it does for a file given to `track add`.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "serve/body.h"

dd_status dd__body_parse(const char *t, size_t n, dd__body *b, char *err, size_t errsize)
{
    dd__arena_init(&b->a, 1 << 14);
    b->root = NULL;
    if (memchr(t, 0, n)) {
        snprintf(err, errsize, "the body is not JSON");
        return DD_EINPUT;
    }
    bool blank = true;
    for (size_t i = 0; i < n && blank; i++)
        blank = t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t';
    dd_diags d;
    dd_diags_init(&d, 1);
    dd_status st = blank ? dd__ytree_parse(&b->a, "body", "{}", 2, true, &d, &b->root)
                         : dd__ytree_parse(&b->a, "body", t, n, true, &d, &b->root);
    if (st == DD_OK && (!b->root || b->root->kind != DD_Y_MAP)) {
        snprintf(err, errsize, "the body must be a JSON object");
        st = DD_EINPUT;
    } else if (st == DD_ENOMEM) {
        snprintf(err, errsize, "out of memory");
    } else if (st != DD_OK) {
        if (d.n_items)
            snprintf(err, errsize, "the body is not JSON: line %u, column %u: %s",
                     d.items[0].line, d.items[0].col, d.items[0].message);
        else
            snprintf(err, errsize, "the body is not JSON");
        st = DD_EINPUT;
    }
    dd_diags_fini(&d);
    return st;
}

void dd__body_fini(dd__body *b)
{
    dd__arena_fini(&b->a);
    b->root = NULL;
}

const dd_ynode *dd__body_field(const dd_ynode *map, const char *key)
{
    if (!map || map->kind != DD_Y_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->n; i++)
        if (!strcmp(map->pairs[i].key->text, key))
            return map->pairs[i].value;
    return NULL;
}

const char *dd__body_text(const dd_ynode *map, const char *key, bool *bad)
{
    const dd_ynode *v = dd__body_field(map, key);
    if (!v)
        return NULL;
    if (v->kind != DD_Y_SCALAR) {
        *bad = true;
        return NULL;
    }
    if (!v->quoted && !strcmp(v->text, "null"))
        return NULL;
    return v->text;
}

bool dd__csv_cell(FILE *f, const char *v, bool last)
{
    fputc('"', f);
    for (const char *c = v ? v : ""; *c; c++) {
        if (*c == '\n' || *c == '\r')
            return false;
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    fputs(last ? "\"\n" : "\",", f);
    return true;
}

/* One event row; false: a bad field (message in err). */
static bool event_row(FILE *f, const dd_ynode *e, char *err, size_t errsize)
{
    static const char *const keys[] = {"time", "event", "subject", "value", "note"};
    if (!e || e->kind != DD_Y_MAP) {
        snprintf(err, errsize, "an event is a JSON object");
        return false;
    }
    for (uint32_t i = 0; i < e->n; i++) {
        bool known = false;
        for (size_t k = 0; k < 5; k++)
            known = known || !strcmp(e->pairs[i].key->text, keys[k]);
        if (!known) {
            snprintf(err, errsize, "unknown field '%.40s' (time, event, subject, value, note)",
                     e->pairs[i].key->text);
            return false;
        }
    }
    const char *v[5];
    bool bad = false;
    for (size_t k = 0; k < 5; k++)
        v[k] = dd__body_text(e, keys[k], &bad);
    if (bad) {
        snprintf(err, errsize, "event fields are strings");
        return false;
    }
    char now[32];
    if (!v[0]) {
        dd__utc_now(now, sizeof now, 0);
        v[0] = now;
    }
    if (!v[1]) {
        snprintf(err, errsize, "an event needs 'event'");
        return false;
    }
    for (size_t k = 0; k < 5; k++)
        if (!dd__csv_cell(f, v[k], k == 4)) {
            snprintf(err, errsize, "a field holds a line break");
            return false;
        }
    return true;
}

dd_status dd__body_events_csv(const char *text, size_t n, char **csv, size_t *csv_n, char *err,
                              size_t errsize)
{
    *csv = NULL;
    *csv_n = 0;
    dd__body b;
    dd_status st = dd__body_parse(text, n, &b, err, errsize);
    if (st != DD_OK) {
        dd__body_fini(&b);
        return st;
    }
    char *p = NULL;
    size_t pn = 0;
    FILE *f = open_memstream(&p, &pn);
    if (!f) {
        dd__body_fini(&b);
        return DD_ENOMEM;
    }
    fputs("time,event,subject,value,note\n", f);
    const dd_ynode *list = dd__body_field(b.root, "events");
    char why[160] = "";
    bool ok = true;
    if (list) {
        if (list->kind != DD_Y_SEQ) {
            snprintf(err, errsize, "'events' is a list");
            ok = false;
        }
        for (uint32_t i = 0; ok && i < list->n; i++)
            if (!event_row(f, list->items[i], why, sizeof why)) {
                snprintf(err, errsize, "events[%u]: %s", i, why);
                ok = false;
            }
    } else if (!event_row(f, b.root, why, sizeof why)) {
        snprintf(err, errsize, "%s", why);
        ok = false;
    }
    dd__body_fini(&b);
    bool io = ferror(f) != 0;
    if (fclose(f) != 0)
        io = true;
    if (!ok || io) {
        free(p);
        if (io)
            snprintf(err, errsize, "out of memory");
        return io ? DD_ENOMEM : DD_EINPUT;
    }
    *csv = p;
    *csv_n = pn;
    return DD_OK;
}
