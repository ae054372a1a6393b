/* SPDX-License-Identifier: MIT */
/* The log's events listed for people and for machines (`drawdown track
 * log`, docs/track.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include <drawdown/track.h>

/* The batch that holds event seq (1-based), or NULL. */
static const dd_track_batch *batch_of(const dd_track_batch *b, size_t n, int64_t seq)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b[mid].last < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && b[lo].first <= seq ? &b[lo] : NULL;
}

static void kstr(dd_jw *w, const char *k, const char *v)
{
    dd__jw_kstr(w, k, v ? v : "");
}

static void event_json(dd_jw *w, const dd_event *e, size_t n, const char *at,
                       const dd_track_batch *bt, size_t retracted_by)
{
    dd__jw_obj(w);
    dd__jw_kint(w, "n", (int64_t)n);
    kstr(w, "time", at);
    kstr(w, "event", dd_event_kind_name(e->kind));
    kstr(w, "subject", e->subject);
    kstr(w, "value", e->value);
    kstr(w, "note", e->note);
    kstr(w, "source", e->origin);
    dd__jw_kint(w, "batch", bt ? bt->id : 0);
    kstr(w, "recorded", bt ? bt->recorded : "");
    kstr(w, "signer", bt ? bt->signer : "");
    dd__jw_key(w, "retracted_by");
    if (retracted_by)
        dd__jw_int(w, (int64_t)retracted_by);
    else
        dd__jw_null(w);
    dd__jw_obj_end(w);
}

dd_status dd_track_write_events(const dd_track *t, const dd_scenario *s, const dd_events *ev,
                                const char *log, bool json, FILE *f)
{
    /* per event: the retraction that voids it (0: none) */
    size_t *by_of = calloc(ev->n + 1, sizeof *by_of);
    if (!by_of)
        return DD_ENOMEM;
    for (size_t k = 0; k < ev->n; k++)
        if (ev->v[k].kind == DD_EV_RETRACTED && ev->v[k].ref >= 1 &&
            (size_t)ev->v[k].ref <= ev->n)
            by_of[ev->v[k].ref - 1] = k + 1;
    size_t nb;
    const dd_track_batch *b = dd_track_batches(t, &nb);
    dd_jw w;
    dd__jw_init(&w, f, false);
    if (json) {
        dd__jw_obj(&w);
        kstr(&w, "format", "drawdown-log-events");
        dd__jw_kint(&w, "version", 1);
        kstr(&w, "log", log);
        dd__jw_kbool(&w, "ok", true);
        dd__jw_key(&w, "events");
        dd__jw_arr(&w);
    } else {
        fprintf(f, "%-4s %-17s %-18s %-10s %s\n", "#", "Time", "Event", "Subject",
                "Value / note");
    }
    for (size_t i = 0; i < ev->n; i++) {
        const dd_event *e = &ev->v[i];
        char a[40];
        dd_scenario_format_time(s, e->at, 0, a, sizeof a);
        if (json) {
            event_json(&w, e, i + 1, a, batch_of(b, nb, (int64_t)i + 1), by_of[i]);
            continue;
        }
        char by[40] = "";
        if (by_of[i])
            snprintf(by, sizeof by, " [retracted by %zu]", by_of[i]);
        fprintf(f, "%-4zu %-17s %-18s %-10.10s %s%s%s%s\n", i + 1, a,
                dd_event_kind_name(e->kind), e->subject, e->value,
                *e->value && *e->note ? " " : "", e->note, by);
    }
    free(by_of);
    if (!json)
        return ferror(f) ? DD_EIO : DD_OK;
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}

static void j_files(dd_jw *w, const dd_track_info *info)
{
    dd__jw_key(w, "files");
    dd__jw_arr(w);
    for (size_t k = 0; k < info->n_files; k++) {
        dd__jw_obj(w);
        kstr(w, "name", info->files[k].name);
        kstr(w, "path", info->files[k].path);
        kstr(w, "sha256", info->files[k].sha256);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

static void j_batches(dd_jw *w, const dd_track_batch *b, size_t nb)
{
    dd__jw_key(w, "batches");
    dd__jw_arr(w);
    for (size_t k = 0; k < nb; k++) {
        dd__jw_obj(w);
        dd__jw_kint(w, "id", b[k].id);
        dd__jw_kint(w, "first", b[k].first);
        dd__jw_kint(w, "last", b[k].last);
        kstr(w, "recorded", b[k].recorded);
        kstr(w, "signer", b[k].signer);
        kstr(w, "key", b[k].signer_key);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

static dd_status verify_json(const dd_track *t, const char *log, dd_status st, int64_t bad,
                             const char *receipt, const dd_diags *d, FILE *f)
{
    const dd_track_info *info = dd_track_get_info(t);
    size_t nb = 0;
    const dd_track_batch *b = st == DD_OK ? dd_track_batches(t, &nb) : NULL;
    dd_jw w;
    dd__jw_init(&w, f, false);
    dd__jw_obj(&w);
    kstr(&w, "format", "drawdown-log-verify");
    dd__jw_kint(&w, "version", 1);
    kstr(&w, "log", log);
    dd__jw_kbool(&w, "ok", st == DD_OK);
    dd__jw_kint(&w, "log_format", info->version);
    kstr(&w, "id", info->id);
    kstr(&w, "created", info->created);
    kstr(&w, "creator", info->creator);
    kstr(&w, "plan_sha256", info->plan_sha256);
    kstr(&w, "upgraded", info->upgraded);
    j_files(&w, info);
    dd__jw_kint(&w, "events", info->n_events);
    j_batches(&w, b, nb);
    dd__jw_key(&w, "receipt");
    if (!receipt)
        dd__jw_null(&w);
    else
        dd__jw_bool(&w, st == DD_OK);
    if (st != DD_OK) {
        dd__jw_kint(&w, "bad_event", bad);
        dd__jw_errors(&w, d);
    }
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}

dd_status dd_track_write_verify(const dd_track *t, const char *log, dd_status st, int64_t bad,
                                const char *receipt, const dd_diags *d, bool json, FILE *f)
{
    if (json && t && (st == DD_OK || st == DD_EINPUT))
        return verify_json(t, log, st, bad, receipt, d, f);
    if (json)
        return dd_diags_write_json(d, "drawdown-log-verify", "log", log, f);
    if (st != DD_OK)
        return DD_OK; /* the diagnostics say why */
    const dd_track_info *info = dd_track_get_info(t);
    size_t nb = 0;
    const dd_track_batch *b = dd_track_batches(t, &nb);
    fprintf(f,
            "%s: the chain holds: header and %lld events as written, in %zu signed "
            "batch%s\n",
            log, (long long)info->n_events, nb, nb == 1 ? "" : "es");
    fprintf(f, "  started %s, signed by %s; plan file sha256 %.16s...\n", info->created,
            info->creator, info->plan_sha256);
    if (*info->upgraded)
        fprintf(f, "  %s\n", info->upgraded);
    for (size_t k = 0; k < nb; k++)
        fprintf(f,
                "  batch %" PRId64 ": events %" PRId64 "-%" PRId64
                ", recorded %s, signed by %s (%.16s...)\n",
                b[k].id, b[k].first, b[k].last, b[k].recorded, b[k].signer, b[k].signer_key);
    if (receipt)
        fprintf(f, "  the log extends the receipt's head (%s)\n", receipt);
    return ferror(f) ? DD_EIO : DD_OK;
}
