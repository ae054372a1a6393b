/* SPDX-License-Identifier: MIT */
/*
 * trackscale: the event log and the status at scale. On a scenario's plan,
 * report the first share of the sorties as departed (a few minutes late,
 * every 50th left on the ground) in files of --batch events, then time:
 * starting the log (the plan file written, compressed and hashed, the
 * plan and scenario images, the scenario files hashed), appending (each
 * file a signed batch, checked against the log under its write lock
 * after verifying what others added, committed with synchronous writes),
 * then what `status` does: open the log, verify it (chain, signatures,
 * stored images) and read the scenario from its image, check the
 * scenario files' hashes (hashed ahead, as the command does) and read
 * the plan from the log, read the events back as typed rows, and the
 * status with the plan made again in full. Median of --runs.
 *
 *   build/bench/trackscale examples/niger-2024/scenario.yaml --runs 5
 *   build/bench/gen --seed 42 /tmp/theater
 *   build/bench/trackscale /tmp/theater/scenario.yaml --runs 1 --share 0.25
 *
 * --keep DIR (a new folder) keeps the last run's log (DIR/t.log), its key
 * file (DIR/keys) and the next --batch departures as DIR/next.csv, so the
 * commands themselves can be timed on the same log:
 *   DRAWDOWN_KEYS=DIR/keys drawdown track add DIR/t.log DIR/next.csv
 */
#include <drawdown/track.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

enum {
    T_START,
    T_APPEND,
    T_APPEND_MAX,
    T_OPEN,
    T_SCEN,
    T_VERIFY,
    T_PLAN,
    T_READ,
    T_STATUS,
    T_COUNT
};

/* The events of batch [from, to) of the departed sorties, as CSV. */
static char *batch_csv(const dd_plan *p, size_t from, size_t to)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return NULL;
    fputs("time,event,subject\n", f);
    for (size_t i = from; i < to; i++) {
        if (i % 50 == 49)
            continue; /* stays on the ground */
        char t[40];
        dd_scenario_format_time(p->scenario, p->sorties[i].departure + (dd_time)(i % 13), 0, t,
                                sizeof t);
        fprintf(f, "%s,departed,%zu\n", t, i + 1);
    }
    fclose(f);
    return buf;
}

/* The next batch after the share departed, for the commands to add. */
static int keep_next(const dd_plan *p, const char *dir, size_t from, size_t batch)
{
    size_t to = from + batch < p->n_sorties ? from + batch : p->n_sorties;
    char *csv = batch_csv(p, from, to);
    char path[4200];
    snprintf(path, sizeof path, "%s/next.csv", dir);
    FILE *f = csv ? fopen(path, "w") : NULL;
    int rc = f && fputs(csv, f) >= 0 ? 0 : 1;
    if (f && fclose(f) != 0)
        rc = 1;
    free(csv);
    return rc;
}

static int run_once(const dd_scenario *s, const dd_plan *p, const char *scen, double share,
                    size_t batch, const char *keep, double t[T_COUNT], size_t *n_events,
                    double *slip)
{
    char tmp[] = "/tmp/dd-trackscale-XXXXXX";
    if (keep ? mkdir(keep, 0700) != 0 : !mkdtemp(tmp)) {
        perror(keep ? keep : tmp);
        return 1;
    }
    const char *dir = keep ? keep : tmp;
    char log[4200], keys[4200];
    snprintf(log, sizeof log, "%s/t.log", dir);
    snprintf(keys, sizeof keys, "%s/keys", dir);
    dd_diags d;
    dd_diags_init(&d, 10);
    int rc = 1;
    dd_track *tr = NULL, *rd = NULL;
    dd_events *all = NULL;
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    const dd_plan *lp = NULL;
    const dd_scenario *ls = NULL;
    dd_key key;
    if (dd_keys_new(keys, "bench", &d, &key) != DD_OK)
        goto out;
    double t0 = now();
    if (dd_track_create(log, p, scen, &key, &d) != DD_OK ||
        dd_track_open(log, true, &d, &tr) != DD_OK)
        goto out;
    t[T_START] = now() - t0;
    size_t last = (size_t)(share * (double)p->n_sorties);
    t[T_APPEND] = 0;
    for (size_t from = 0; from < last; from += batch) {
        size_t to = from + batch < last ? from + batch : last;
        char *csv = batch_csv(p, from, to);
        dd_events *e = NULL;
        if (!csv || dd_events_parse(s, "batch.csv", csv, strlen(csv), &d, &e) != DD_OK) {
            free(csv);
            goto out;
        }
        free(csv);
        t0 = now();
        dd_status a = dd_track_append(tr, p, e, NULL, &key, &d);
        double dt = now() - t0;
        t[T_APPEND] += dt;
        if (dt > t[T_APPEND_MAX])
            t[T_APPEND_MAX] = dt;
        dd_events_free(e);
        if (a != DD_OK)
            goto out;
    }
    /* track verify: everything, the stored plan file included */
    int64_t bad;
    t0 = now();
    if (dd_track_open(log, false, &d, &rd) != DD_OK || dd_track_verify(rd, &bad, &d) != DD_OK)
        goto out;
    t[T_VERIFY] = now() - t0;
    dd_track_close(rd);
    rd = NULL;
    /* what status does: a fresh handle, the scenario read from the log's
     * image (the log verified first), the plan read from the log */
    t0 = now();
    if (dd_track_open(log, false, &d, &rd) != DD_OK)
        goto out;
    dd_track_hash_ahead(rd);
    t[T_OPEN] = now() - t0;
    t0 = now();
    if (dd_track_scenario(rd, NULL, &d, &ls) != DD_OK)
        goto out;
    t[T_SCEN] = now() - t0;
    t0 = now();
    if (dd_track_plan(rd, ls, &d, &lp) != DD_OK)
        goto out;
    t[T_PLAN] = now() - t0;
    t0 = now();
    if (dd_track_events(rd, ls, &d, &all) != DD_OK)
        goto out;
    t[T_READ] = now() - t0;
    *n_events = all->n;
    t0 = now();
    if (dd_track_status_compute(lp, all, DD_TIME_NONE, &st, &np) != DD_OK)
        goto out;
    t[T_STATUS] = now() - t0;
    *slip = st->slip_hours;
    rc = keep ? keep_next(p, dir, last, batch) : 0;
out:
    for (size_t i = 0; i < d.n_items; i++)
        fprintf(stderr, "trackscale: %s:%u: %s\n", d.items[i].file ? d.items[i].file : "",
                d.items[i].line, d.items[i].message);
    dd_diags_fini(&d);
    dd_plan_free(np);
    dd_track_status_free(st);
    dd_events_free(all);
    dd_track_close(tr);
    dd_track_close(rd);
    if (keep)
        return rc;
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *keep = NULL;
    int runs = 3;
    double share = 0.5;
    size_t batch = 500;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--share") && i + 1 < argc)
            share = atof(argv[++i]);
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
            batch = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
            keep = argv[++i];
        else
            path = argv[i];
    }
    if (!path || runs < 1 || runs > 50 || !(share > 0 && share <= 1) || batch < 1) {
        fprintf(stderr, "usage: trackscale SCENARIO [--runs N] [--share F] [--batch N] "
                        "[--keep DIR]\n");
        return 2;
    }
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_scenario *s = NULL;
    dd_plan *p = NULL;
    dd_plan_options o;
    dd_plan_options_init(&o);
    double tp = now(), tl = 0;
    if (dd_scenario_load(path, &d, &s) != DD_OK || (tl = now() - tp) < 0 ||
        dd_plan_build(s, &o, &p) != DD_OK) {
        fprintf(stderr, "trackscale: cannot load and plan %s\n", path);
        return 1;
    }
    tp = now() - tp;
    dd_diags_fini(&d);
    double *v[T_COUNT];
    for (int k = 0; k < T_COUNT; k++)
        v[k] = calloc((size_t)runs, sizeof *v[k]);
    size_t n_events = 0;
    double slip = 0;
    for (int r = 0; r < runs; r++) {
        double t[T_COUNT] = {0};
        if (run_once(s, p, path, share, batch, keep && r == runs - 1 ? keep : NULL, t,
                     &n_events, &slip))
            return 1;
        for (int k = 0; k < T_COUNT; k++)
            v[k][r] = t[k];
    }
    double med[T_COUNT];
    for (int k = 0; k < T_COUNT; k++) {
        qsort(v[k], (size_t)runs, sizeof *v[k], cmp_d);
        med[k] = v[k][runs / 2];
        free(v[k]);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("scenario %s: %zu sorties; load %.2f s, plan %.2f s (not counted below)\n", path,
           p->n_sorties, tl, tp - tl);
    printf("events   %zu departures in files of %zu (every 50th sortie kept back)\n", n_events,
           batch);
    printf("median of %d run%s:\n", runs, runs == 1 ? "" : "s");
    printf("  start the log (plan stored)      %8.3f s\n", med[T_START]);
    printf("  append, checked, signed, sync    %8.3f s  %8.0f events/s; slowest file %.3f s\n",
           med[T_APPEND], med[T_APPEND] > 0 ? (double)n_events / med[T_APPEND] : 0.0,
           med[T_APPEND_MAX]);
    double total = med[T_OPEN] + med[T_SCEN] + med[T_PLAN] + med[T_READ] + med[T_STATUS];
    printf("  track verify (all, plan file too) %7.3f s\n", med[T_VERIFY]);
    printf("  status                           %8.3f s:\n", total);
    printf("    open the log                   %8.3f s\n", med[T_OPEN]);
    printf("    verify; the scenario's image   %8.3f s\n", med[T_SCEN]);
    printf("    files' hashes and plan         %8.3f s  (the plan read from the log)\n",
           med[T_PLAN]);
    printf("    read the events back           %8.3f s\n", med[T_READ]);
    printf("    status and the new plan        %8.3f s  (slip %+.1f h)\n", med[T_STATUS], slip);
    printf("  peak memory                      %8.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
    dd_plan_free(p);
    dd_scenario_free(s);
    return 0;
}
