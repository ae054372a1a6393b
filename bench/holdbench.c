/* SPDX-License-Identifier: MIT */
/*
 * holdbench: what an append to the event log costs in its two journal
 * modes (docs/serve.md, issue 16): the rollback journal a log has at
 * rest, and the WAL a server writes it with while it holds it
 * (dd_track_hold). One event a batch, as a server's post under light
 * load; the modes take turns in blocks of 25 appends, so both see the
 * same disk and the same neighbours. Prints the appends' p50, p90, p99
 * and the slowest, in milliseconds, per mode. Writes LOG (give a copy):
 *
 *   DRAWDOWN_KEYS=... build/bench/holdbench COPY-OF-LOG [--appends N]
 */
#include <drawdown/events.h>
#include <drawdown/scenario.h>
#include <drawdown/track.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

enum { BLOCK = 25 };

typedef struct bench {
    dd_track *t;
    dd_scenario *s;
    const dd_plan *p;
    dd_key key;
    int n;
} bench;

static int open_log(const char *path, bench *b, dd_diags *d)
{
    char kp[4096];
    dd_keyring *ring = NULL;
    if (dd_keys_path(kp, sizeof kp) != DD_OK || dd_keys_load(kp, d, &ring) != DD_OK ||
        !dd_keys_find(ring, NULL)) {
        fprintf(stderr, "holdbench: no key to sign with (DRAWDOWN_KEYS)\n");
        dd_keys_free(ring);
        return 1;
    }
    b->key = *dd_keys_find(ring, NULL);
    dd_keys_free(ring);
    if (dd_track_open(path, true, d, &b->t) != DD_OK ||
        dd_scenario_load(dd_track_get_info(b->t)->scenario, d, &b->s) != DD_OK ||
        dd_track_plan(b->t, b->s, d, &b->p) != DD_OK) {
        fprintf(stderr, "holdbench: %s: %s\n", path, d->n_items ? d->items[0].message : "?");
        return 1;
    }
    return 0;
}

/* One note event appended; its time in ms, or -1. */
static double append_one(bench *b, int k, dd_diags *d)
{
    char csv[160];
    snprintf(csv, sizeof csv, "time,event,subject,value,note\n%s,note,,,holdbench %d\n",
             "2024-06-12T09:00Z", k);
    dd_events *ev = NULL;
    if (dd_events_parse(b->s, "holdbench", csv, strlen(csv), d, &ev) != DD_OK)
        return -1;
    double t0 = now();
    dd_status st = dd_track_append(b->t, b->p, ev, NULL, &b->key, d);
    double ms = (now() - t0) * 1e3;
    dd_events_free(ev);
    return st == DD_OK ? ms : -1;
}

static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    printf("  %-34s %5d appends: p50 %6.2f ms  p90 %6.2f ms  p99 %7.2f ms  max %7.2f ms\n", what,
           n, v[n / 2], v[n * 9 / 10], v[n * 99 / 100], v[n - 1]);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: holdbench COPY-OF-LOG [--appends N]\n");
        return 2;
    }
    bench b;
    memset(&b, 0, sizeof b);
    b.n = argc > 3 && !strcmp(argv[2], "--appends") ? atoi(argv[3]) : 500;
    if (b.n < BLOCK * 2)
        b.n = BLOCK * 2;
    dd_diags d;
    dd_diags_init(&d, 8);
    double *roll = calloc((size_t)b.n, sizeof *roll), *wal = calloc((size_t)b.n, sizeof *wal);
    int rc = !roll || !wal || open_log(argv[1], &b, &d);
    int nr = 0, nw = 0, k = 0;
    for (int blk = 0; !rc && (nr < b.n || nw < b.n); blk++) {
        bool ahead = blk % 2;
        if (dd_track_hold(b.t, ahead, &d) != DD_OK) {
            fprintf(stderr, "holdbench: %s\n", d.n_items ? d.items[0].message : "?");
            rc = 1;
        }
        for (int i = 0; !rc && i < BLOCK; i++) {
            double ms = append_one(&b, k++, &d);
            if (ms < 0) {
                fprintf(stderr, "holdbench: %s\n", d.n_items ? d.items[0].message : "?");
                rc = 1;
            } else if (ahead && nw < b.n) {
                wal[nw++] = ms;
            } else if (!ahead && nr < b.n) {
                roll[nr++] = ms;
            }
        }
    }
    if (!rc) {
        printf("holdbench on %s: one event a batch, synchronous=FULL\n", argv[1]);
        report("rollback journal (a log at rest)", roll, nr);
        report("WAL (held by the server)", wal, nw);
        (void)dd_track_hold(b.t, false, &d);
    }
    dd_track_close(b.t);
    dd_scenario_free(b.s);
    dd_diags_fini(&d);
    free(roll);
    free(wal);
    return rc;
}
