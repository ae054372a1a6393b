/* SPDX-License-Identifier: MIT */
/*
 * trackkill: the event log under kill -9 (docs/track.md, issue 15).
 *
 *  - --starts N: N times, a child starts a log and is killed at a random
 *    moment; afterwards the folder holds either nothing or a whole log
 *    that verifies, and never a temporary file.
 *  - --adds N: N times, a child appends files of events in a loop, telling
 *    the parent through a pipe after each append returned; it is killed
 *    at a random moment; the log then verifies and holds at least every
 *    event acknowledged (0 lost), in whole batches.
 *  - --pairs N: N times, two children start a log on the same path at
 *    once: exactly one succeeds.
 *
 *   build/bench/trackkill examples/niger-2024/scenario.yaml --starts 200 --adds 200 --pairs 100
 */
#include <dirent.h>
#include <drawdown/track.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

/* Files in dir other than `log`: temporary files left behind. */
static int strays(const char *dir, const char *log_name)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            !strcmp(e->d_name, log_name) || !strcmp(e->d_name, "keys"))
            continue;
        fprintf(stderr, "trackkill: left behind: %s/%s\n", dir, e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

/* Verify the log at path; its event count in *n. -1: no log; 1: broken. */
static int check_log(const char *path, int64_t *n)
{
    if (access(path, F_OK) != 0)
        return -1;
    dd_diags d;
    dd_diags_init(&d, 4);
    dd_track *t = NULL;
    int64_t bad;
    int rc = dd_track_open(path, false, &d, &t) == DD_OK && dd_track_verify(t, &bad, &d) == DD_OK
                 ? 0
                 : 1;
    if (rc)
        fprintf(stderr, "trackkill: %s: %s\n", path, d.n_items ? d.items[0].message : "?");
    *n = t ? dd_track_get_info(t)->n_events : 0;
    dd_track_close(t);
    dd_diags_fini(&d);
    return rc;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int starts = 50, adds = 50, pairs = 20;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--starts") && i + 1 < argc)
            starts = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--adds") && i + 1 < argc)
            adds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--pairs") && i + 1 < argc)
            pairs = atoi(argv[++i]);
        else
            path = argv[i];
    }
    if (!path || starts < 0 || adds < 0 || pairs < 0) {
        fprintf(stderr, "usage: trackkill SCENARIO [--starts N] [--adds N] [--pairs N]\n");
        return 2;
    }
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_scenario *s = NULL;
    dd_plan *p = NULL;
    dd_plan_options o;
    dd_plan_options_init(&o);
    if (dd_scenario_load(path, &d, &s) != DD_OK || dd_plan_build(s, &o, &p) != DD_OK) {
        fprintf(stderr, "trackkill: cannot load and plan %s\n", path);
        return 1;
    }
    char dir[] = "/tmp/dd-trackkill-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char keys[64], log[64];
    snprintf(keys, sizeof keys, "%s/keys", dir);
    snprintf(log, sizeof log, "%s/k.log", dir);
    dd_key key;
    if (dd_keys_new(keys, "bench", &d, &key) != DD_OK)
        return 1;
    srand(42);
    /* the time a start takes, to kill inside it */
    double t0 = now();
    if (dd_track_create(log, p, path, &key, &d) != DD_OK)
        return 1;
    long span = (long)((now() - t0) * 1e6) + 1;
    unlink(log);
    int bad_starts = 0, whole = 0, none = 0, stray = 0;
    for (int i = 0; i < starts; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            dd_diags dk;
            dd_diags_init(&dk, 4);
            _exit(dd_track_create(log, p, path, &key, &dk) == DD_OK ? 0 : 1);
        }
        sleep_us(rand() % (span + span / 4));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        int64_t n;
        int c = check_log(log, &n);
        if (c == 1)
            bad_starts++;
        else if (c == 0)
            whole++;
        else
            none++;
        int k = strays(dir, "k.log");
        stray += k > 0 ? k : 0;
        unlink(log);
    }
    printf("starts killed %d: %d whole logs, %d no log, %d broken, %d stray files\n", starts,
           whole, none, bad_starts, stray);

    /* appends: a file of 3 events at a time, acknowledged through a pipe */
    int lost = 0, broken = 0, partial = 0, stray_a = 0;
    int64_t acked_total = 0;
    if (dd_track_create(log, p, path, &key, &d) != DD_OK)
        return 1;
    const char *csv = "time,event\n2024-06-07T09:00Z,note\n2024-06-07T09:01Z,note\n"
                      "2024-06-07T09:02Z,note\n";
    dd_events *e = NULL;
    if (dd_events_parse(s, "kill.csv", csv, strlen(csv), &d, &e) != DD_OK)
        return 1;
    for (int i = 0; i < adds; i++) {
        int fds[2];
        if (pipe(fds) != 0)
            return 1;
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            dd_diags dk;
            dd_diags_init(&dk, 4);
            dd_track *w = NULL;
            if (dd_track_open(log, true, &dk, &w) != DD_OK)
                _exit(3);
            for (;;) {
                if (dd_track_append(w, p, e, NULL, &key, &dk) != DD_OK)
                    _exit(4);
                int64_t n = dd_track_get_info(w)->n_events;
                if (write(fds[1], &n, sizeof n) != sizeof n)
                    _exit(5);
            }
        }
        close(fds[1]);
        sleep_us(20000 + rand() % 200000);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        int64_t acked = 0, v;
        while (read(fds[0], &v, sizeof v) == sizeof v)
            acked = v;
        close(fds[0]);
        int64_t n;
        if (check_log(log, &n) != 0)
            broken++;
        if (n < acked)
            lost += (int)(acked - n);
        if (n % 3)
            partial++;
        acked_total = acked > acked_total ? acked : acked_total;
        int k = strays(dir, "k.log");
        stray_a += k > 0 ? k : 0;
    }
    int64_t final_n = 0;
    check_log(log, &final_n);
    printf("adds killed %d: %lld events acknowledged, %lld in the log, %d lost, %d partial "
           "batches, %d broken logs, %d stray files\n",
           adds, (long long)acked_total, (long long)final_n, lost, partial, broken, stray_a);
    dd_events_free(e);
    unlink(log);

    /* pairs of concurrent starts */
    int one = 0, other = 0;
    for (int i = 0; i < pairs; i++) {
        pid_t kid[2];
        for (int k = 0; k < 2; k++) {
            kid[k] = fork();
            if (kid[k] == 0) {
                dd_diags dk;
                dd_diags_init(&dk, 4);
                _exit(dd_track_create(log, p, path, &key, &dk) == DD_OK ? 0 : 1);
            }
        }
        int ok = 0;
        for (int k = 0; k < 2; k++) {
            int status;
            waitpid(kid[k], &status, 0);
            ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        int64_t n;
        if (ok == 1 && check_log(log, &n) == 0)
            one++;
        else
            other++;
        unlink(log);
    }
    printf("concurrent start pairs %d: exactly one succeeded %d times, otherwise %d\n", pairs,
           one, other);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    dd_diags_fini(&d);
    dd_plan_free(p);
    dd_scenario_free(s);
    bool fine = bad_starts == 0 && stray == 0 && lost == 0 && partial == 0 && broken == 0 &&
                stray_a == 0 && other == 0;
    return fine ? 0 : 1;
}
