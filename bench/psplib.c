/* SPDX-License-Identifier: MIT */
/*
 * bench/psplib: the scheduling engine on PSPLIB single-mode instances
 * (Kolisch & Sprecher 1996). For every .sm file in the given directories it
 * solves the instance and prints the makespan, the critical-path bound, the
 * optimum or best known value (from <set>opt.sm or <set>hrs.sm in the parent
 * directory), the deviations and schedules per second; then per set the
 * average deviations in the field's convention (Kolisch & Hartmann 2006).
 *
 *   psplib DIR... [--schedules N | --time-limit S] [--seed K] [--every K]
 *                 [--out OUT] [--check OUT] [--quiet] [--general]
 *
 * --out OUT writes OUT/<instance>.sched (one "JOB START" line per job, jobs
 * numbered as in the file). --check OUT verifies such files against the
 * instances with its own code (precedence, resource limits, makespan), not
 * the engine's. --general releases the first real job at time 1, so the
 * instance is no longer time-invariant and the engine takes its general
 * path (one population, forward-backward improvement per child); the
 * deviations are then only for comparing engine versions.
 */
#include <dirent.h>
#include <drawdown/sched.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct sm_inst {
    int n, R;
    int *dur;
    int *req;  /* n * R */
    int *cap;  /* R */
    int *nsucc;
    int **succ;
} sm_inst;

static void sm_free(sm_inst *x)
{
    if (x->succ)
        for (int j = 0; j < x->n; j++)
            free(x->succ[j]);
    free(x->succ);
    free(x->nsucc);
    free(x->dur);
    free(x->req);
    free(x->cap);
    memset(x, 0, sizeof *x);
}

static char *slurp(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
    }
    fclose(f);
    if (buf) {
        buf[len] = '\0';
        if (len_out)
            *len_out = len;
    }
    return buf;
}

/* next integer token at or after *p; returns 0 at end or on a non-number */
static int next_int(const char **p, long *v)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || errno)
        return 0;
    *v = x;
    *p = end;
    return 1;
}

static const char *next_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl ? nl + 1 : s + strlen(s);
}

static int sm_parse(const char *text, sm_inst *x)
{
    memset(x, 0, sizeof *x);
    const char *p = strstr(text, "jobs (incl. supersource/sink ):");
    long v;
    if (!p)
        return -1;
    p = strchr(p, ':') + 1;
    if (!next_int(&p, &v) || v < 2 || v > 100000)
        return -1;
    x->n = (int)v;
    p = strstr(text, "- renewable");
    if (!p)
        return -1;
    p = strchr(p, ':') + 1;
    if (!next_int(&p, &v) || v < 0 || v > 64)
        return -1;
    x->R = (int)v;
    x->dur = calloc((size_t)x->n, sizeof *x->dur);
    x->req = calloc((size_t)x->n * (size_t)(x->R + 1), sizeof *x->req);
    x->cap = calloc((size_t)x->R + 1, sizeof *x->cap);
    x->nsucc = calloc((size_t)x->n, sizeof *x->nsucc);
    x->succ = calloc((size_t)x->n, sizeof *x->succ);
    if (!x->dur || !x->req || !x->cap || !x->nsucc || !x->succ)
        return -1;

    p = strstr(text, "PRECEDENCE RELATIONS:");
    if (!p)
        return -1;
    p = next_line(next_line(p));
    for (int j = 0; j < x->n; j++) {
        long job, modes, ns;
        if (!next_int(&p, &job) || !next_int(&p, &modes) || !next_int(&p, &ns) ||
            job != j + 1 || ns < 0 || ns > x->n)
            return -1;
        x->nsucc[j] = (int)ns;
        x->succ[j] = calloc((size_t)ns + 1, sizeof **x->succ);
        if (!x->succ[j])
            return -1;
        for (long k = 0; k < ns; k++) {
            if (!next_int(&p, &v) || v < 1 || v > x->n)
                return -1;
            x->succ[j][k] = (int)v - 1;
        }
    }
    p = strstr(p, "REQUESTS/DURATIONS:");
    if (!p)
        return -1;
    p = next_line(next_line(next_line(p)));
    for (int j = 0; j < x->n; j++) {
        long job, mode, d;
        if (!next_int(&p, &job) || !next_int(&p, &mode) || !next_int(&p, &d) ||
            job != j + 1 || d < 0)
            return -1;
        x->dur[j] = (int)d;
        for (int r = 0; r < x->R; r++) {
            if (!next_int(&p, &v) || v < 0)
                return -1;
            x->req[j * x->R + r] = (int)v;
        }
    }
    p = strstr(p, "RESOURCEAVAILABILITIES:");
    if (!p)
        return -1;
    p = next_line(next_line(p));
    for (int r = 0; r < x->R; r++) {
        if (!next_int(&p, &v) || v < 0)
            return -1;
        x->cap[r] = (int)v;
    }
    return 0;
}

static int sm_load(const char *path, sm_inst *x)
{
    char *text = slurp(path, NULL);
    if (!text)
        return -1;
    int rc = sm_parse(text, x);
    free(text);
    if (rc)
        sm_free(x);
    return rc;
}

/* Reference values: rows "Par Inst Value ..." -> table[par][inst]. */
#define MAXPAR 64
#define MAXINST 16
typedef struct refs {
    int v[MAXPAR][MAXINST];
    int is_opt;
    int loaded;
} refs;

static void refs_load(refs *rf, const char *path, int is_opt)
{
    memset(rf, 0, sizeof *rf);
    char *text = slurp(path, NULL);
    if (!text)
        return;
    for (const char *line = text; *line; line = next_line(line)) {
        const char *p = line;
        long par, inst, val;
        if (*p == ' ' || *p == '\t' || *p < '0' || *p > '9')
            continue;
        if (!next_int(&p, &par) || !next_int(&p, &inst) || !next_int(&p, &val))
            continue;
        if (par > 0 && par < MAXPAR && inst > 0 && inst < MAXINST)
            rf->v[par][inst] = (int)val;
    }
    free(text);
    rf->is_opt = is_opt;
    rf->loaded = 1;
}

typedef struct file_ent {
    char *name; /* without .sm */
    int par, inst;
} file_ent;

static int cmp_ent(const void *a, const void *b)
{
    const file_ent *x = a, *y = b;
    if (x->par != y->par)
        return x->par < y->par ? -1 : 1;
    if (x->inst != y->inst)
        return x->inst < y->inst ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* "j3012_7" in set "j30" -> par 12, inst 7 */
static void name_par_inst(const char *name, const char *set, int *par, int *inst)
{
    *par = *inst = 0;
    size_t sl = strlen(set);
    if (strncmp(name, set, sl) != 0)
        return;
    const char *p = name + sl;
    char *end;
    long a = strtol(p, &end, 10);
    if (end == p || *end != '_')
        return;
    long b = strtol(end + 1, &end, 10);
    *par = (int)a;
    *inst = (int)b;
}

static int list_dir(const char *dir, const char *set, file_ent **out, size_t *n_out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    size_t n = 0, cap = 0;
    file_ent *v = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 3, ".sm") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            file_ent *nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[n].name = strndup(e->d_name, l - 3);
        if (!v[n].name)
            break;
        name_par_inst(v[n].name, set, &v[n].par, &v[n].inst);
        n++;
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmp_ent);
    *out = v;
    *n_out = n;
    return 0;
}

static dd_status build_problem(const sm_inst *x, dd_sched_problem **out)
{
    dd_sched_problem *p = NULL;
    dd_status s = dd_sched_problem_new(&p);
    for (int r = 0; s == DD_OK && r < x->R; r++)
        s = dd_sched_add_resource(p, x->cap[r], NULL);
    for (int j = 0; s == DD_OK && j < x->n; j++)
        s = dd_sched_add_activity(p, x->dur[j], NULL);
    for (int j = 0; s == DD_OK && j < x->n; j++)
        for (int r = 0; s == DD_OK && r < x->R; r++)
            if (x->req[j * x->R + r])
                s = dd_sched_set_demand(p, (size_t)j, (size_t)r,
                                        x->req[j * x->R + r]);
    for (int j = 0; s == DD_OK && j < x->n; j++)
        for (int k = 0; s == DD_OK && k < x->nsucc[j]; k++)
            s = dd_sched_add_precedence(p, (size_t)j, (size_t)x->succ[j][k], 0);
    if (s != DD_OK) {
        dd_sched_problem_free(p);
        p = NULL;
    }
    *out = p;
    return s;
}

/* Independent check of a schedule against the instance. Returns the
 * makespan, or -1 with a message on a violation. */
static long check_schedule(const sm_inst *x, const long *start, char *msg,
                           size_t msg_len)
{
    long ms = 0;
    for (int j = 0; j < x->n; j++) {
        if (start[j] < 0) {
            snprintf(msg, msg_len, "job %d: missing or negative start", j + 1);
            return -1;
        }
        if (start[j] + x->dur[j] > ms)
            ms = start[j] + x->dur[j];
    }
    for (int j = 0; j < x->n; j++)
        for (int k = 0; k < x->nsucc[j]; k++) {
            int s = x->succ[j][k];
            if (start[s] < start[j] + x->dur[j]) {
                snprintf(msg, msg_len, "precedence %d -> %d violated", j + 1,
                         s + 1);
                return -1;
            }
        }
    long *use = calloc((size_t)(ms + 1) * (size_t)(x->R + 1), sizeof *use);
    if (!use) {
        snprintf(msg, msg_len, "out of memory");
        return -1;
    }
    for (int j = 0; j < x->n; j++)
        for (long t = start[j]; t < start[j] + x->dur[j]; t++)
            for (int r = 0; r < x->R; r++)
                use[t * x->R + r] += x->req[j * x->R + r];
    for (long t = 0; t < ms; t++)
        for (int r = 0; r < x->R; r++)
            if (use[t * x->R + r] > x->cap[r]) {
                snprintf(msg, msg_len, "resource %d over capacity at t=%ld "
                         "(%ld > %d)", r + 1, t, use[t * x->R + r], x->cap[r]);
                free(use);
                return -1;
            }
    free(use);
    return ms;
}

static int read_sched(const char *path, int n, long *start)
{
    char *text = slurp(path, NULL);
    if (!text)
        return -1;
    for (int j = 0; j < n; j++)
        start[j] = -1;
    const char *p = text;
    long job, st;
    int rc = 0;
    while (next_int(&p, &job)) {
        if (!next_int(&p, &st) || job < 1 || job > n) {
            rc = -1;
            break;
        }
        start[job - 1] = st;
    }
    free(text);
    return rc;
}

static const char *base_name(const char *path)
{
    size_t l = strlen(path);
    while (l > 1 && path[l - 1] == '/')
        l--;
    const char *b = path + l;
    while (b > path && b[-1] != '/')
        b--;
    return b;
}

typedef struct args {
    uint64_t schedules;
    double time_limit;
    uint64_t seed;
    int every;
    const char *out;
    const char *check;
    int quiet;
    int general;
    size_t population;
} args;

static char *join3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static int run_dir(const char *dir_in, const args *a)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", dir_in);
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dir[--dl] = '\0';
    const char *set = base_name(dir);
    char parent[4096];
    snprintf(parent, sizeof parent, "%.*s", (int)(set - dir), dir);
    if (!parent[0])
        snprintf(parent, sizeof parent, "./");

    refs rf;
    char *opt_path = join3(parent, set, "opt.sm");
    char *hrs_path = join3(parent, set, "hrs.sm");
    struct stat stt;
    if (opt_path && stat(opt_path, &stt) == 0)
        refs_load(&rf, opt_path, 1);
    else if (hrs_path)
        refs_load(&rf, hrs_path, 0);
    free(opt_path);
    free(hrs_path);

    file_ent *files = NULL;
    size_t nf = 0;
    if (list_dir(dir, set, &files, &nf) != 0) {
        fprintf(stderr, "psplib: cannot read %s\n", dir);
        return 1;
    }
    if (a->out)
        mkdir(a->out, 0777);

    if (!a->quiet && !a->check)
        printf("%-12s %6s %6s %6s %6s %8s %8s %10s %7s\n", "instance", "ms",
               "cp", "lb", rf.is_opt ? "opt" : "best", "dev_ref%", "dev_cp%",
               "sched/s", "sec");
    double sum_ref = 0, sum_cp = 0, total_time = 0;
    uint64_t total_sched = 0;
    int n_done = 0, n_ref = 0, n_reached = 0, n_better = 0, n_bad = 0;
    for (size_t i = 0; i < nf; i++) {
        if (a->every > 1 && i % (size_t)a->every != 0)
            continue;
        char *path = join3(dir, "/", files[i].name);
        char *full = path ? join3(path, ".sm", "") : NULL;
        sm_inst x;
        if (!full || sm_load(full, &x) != 0) {
            fprintf(stderr, "psplib: %s: cannot parse\n", full ? full : "?");
            free(path);
            free(full);
            n_bad++;
            continue;
        }
        free(full);
        free(path);
        int ref = 0;
        if (files[i].par > 0 && files[i].par < MAXPAR && files[i].inst > 0 &&
            files[i].inst < MAXINST)
            ref = rf.v[files[i].par][files[i].inst];

        if (a->check) {
            char *sp = join3(a->check, "/", files[i].name);
            char *spf = sp ? join3(sp, ".sched", "") : NULL;
            long *st = calloc((size_t)x.n, sizeof *st);
            char msg[256] = "";
            long ms = -1;
            if (!spf || !st || read_sched(spf, x.n, st) != 0)
                snprintf(msg, sizeof msg, "cannot read %s", spf ? spf : "?");
            else
                ms = check_schedule(&x, st, msg, sizeof msg);
            if (ms < 0) {
                printf("%-12s FAIL %s\n", files[i].name, msg);
                n_bad++;
            } else {
                if (ref && ms < ref && rf.is_opt) {
                    printf("%-12s FAIL makespan %ld below the optimum %d\n",
                           files[i].name, ms, ref);
                    n_bad++;
                } else if (!a->quiet) {
                    printf("%-12s ok makespan %ld\n", files[i].name, ms);
                }
            }
            n_done++;
            free(st);
            free(sp);
            free(spf);
            sm_free(&x);
            continue;
        }

        dd_sched_problem *p = NULL;
        dd_sched_result res;
        dd_sched_result_init(&res);
        size_t bad = DD_SCHED_NONE;
        dd_status s = build_problem(&x, &p);
        if (s == DD_OK && a->general && x.n > 2)
            s = dd_sched_set_release(p, 1, 1);
        if (s == DD_OK) {
            dd_sched_options o;
            dd_sched_options_default(&o);
            o.max_schedules = a->schedules;
            o.time_limit = a->time_limit;
            o.seed = a->seed;
            o.population = a->population;
            s = dd_sched_solve(p, &o, &res, &bad);
        }
        if (s != DD_OK) {
            fprintf(stderr, "psplib: %s: %s (activity %zu)\n", files[i].name,
                    dd_status_str(s), bad);
            n_bad++;
        } else {
            double dev_cp = 100.0 * (double)(res.makespan - res.bounds.critical_path) /
                            (double)(res.bounds.critical_path ? res.bounds.critical_path : 1);
            double dev_ref = 0;
            if (ref) {
                dev_ref = 100.0 * (double)(res.makespan - ref) / (double)ref;
                sum_ref += dev_ref;
                n_ref++;
                if (res.makespan <= ref)
                    n_reached++;
                if (res.makespan < ref)
                    n_better++;
            }
            sum_cp += dev_cp;
            total_time += res.seconds;
            total_sched += res.n_schedules;
            n_done++;
            if (!a->quiet)
                printf("%-12s %6lld %6lld %6lld %6d %8.2f %8.2f %10.0f %7.3f\n",
                       files[i].name, (long long)res.makespan,
                       (long long)res.bounds.critical_path,
                       (long long)res.bounds.best, ref, dev_ref, dev_cp,
                       res.seconds > 0 ? (double)res.n_schedules / res.seconds : 0,
                       res.seconds);
            if (a->out) {
                char *op = join3(a->out, "/", files[i].name);
                char *opf = op ? join3(op, ".sched", "") : NULL;
                FILE *f = opf ? fopen(opf, "w") : NULL;
                if (!f) {
                    fprintf(stderr, "psplib: cannot write %s\n", opf ? opf : "?");
                    n_bad++;
                } else {
                    for (size_t j = 0; j < res.n_activities; j++)
                        fprintf(f, "%zu %lld\n", j + 1, (long long)res.start[j]);
                    fclose(f);
                }
                free(op);
                free(opf);
            }
            fflush(stdout);
        }
        dd_sched_result_fini(&res);
        dd_sched_problem_free(p);
        sm_free(&x);
    }
    if (a->check) {
        printf("== %s: checked %d schedules, %d failed\n", set, n_done, n_bad);
    } else if (n_done) {
        printf("== %s: %d instances, budget %s %g, seed %llu\n", set, n_done,
               a->schedules ? "schedules" : "seconds",
               a->schedules ? (double)a->schedules : a->time_limit,
               (unsigned long long)a->seed);
        if (n_ref)
            printf("   avg dev from %s: %.3f%%  (%s reached %d/%d, improved %d)\n",
                   rf.is_opt ? "optimum" : "best known", sum_ref / n_ref,
                   rf.is_opt ? "optima" : "best knowns", n_reached, n_ref,
                   n_better);
        printf("   avg dev from critical-path bound: %.3f%%\n", sum_cp / n_done);
        printf("   total %.1f s, %.0f schedules/s, failures %d\n", total_time,
               total_time > 0 ? (double)total_sched / total_time : 0, n_bad);
    }
    for (size_t i = 0; i < nf; i++)
        free(files[i].name);
    free(files);
    return n_bad ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: psplib DIR... [--schedules N | --time-limit S] [--seed K]\n"
            "              [--every K] [--population P] [--out OUT]\n"
            "              [--check OUT] [--quiet] [--general]\n");
}

int main(int argc, char **argv)
{
    args a = {.schedules = 5000, .time_limit = 0, .seed = 1, .every = 1};
    const char *dirs[64];
    int nd = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(s, "--schedules") && val) {
            a.schedules = strtoull(val, &end, 10);
            a.time_limit = 0;
            i++;
        } else if (!strcmp(s, "--time-limit") && val) {
            a.time_limit = strtod(val, &end);
            a.schedules = 0;
            i++;
        } else if (!strcmp(s, "--seed") && val) {
            a.seed = strtoull(val, &end, 10);
            i++;
        } else if (!strcmp(s, "--every") && val) {
            a.every = (int)strtol(val, &end, 10);
            i++;
        } else if (!strcmp(s, "--population") && val) {
            a.population = (size_t)strtoull(val, &end, 10);
            i++;
        } else if (!strcmp(s, "--out") && val) {
            a.out = val;
            i++;
        } else if (!strcmp(s, "--check") && val) {
            a.check = val;
            i++;
        } else if (!strcmp(s, "--quiet")) {
            a.quiet = 1;
        } else if (!strcmp(s, "--general")) {
            a.general = 1;
        } else if (s[0] == '-') {
            usage();
            return 2;
        } else if (nd < 64) {
            dirs[nd++] = s;
        }
        if (end && *end) {
            usage();
            return 2;
        }
    }
    if (!nd) {
        usage();
        return 2;
    }
    int rc = 0;
    for (int i = 0; i < nd; i++)
        rc |= run_dir(dirs[i], &a);
    return rc;
}
