/* SPDX-License-Identifier: MIT */
/*
 * BPPLIB benchmark for the packing engine (docs/pack.md).
 *
 *   bpplib DIR... [--time-limit S] [--iterations N] [--seed K]
 *                 [--solutions OUT] [--stop-at-optimum]
 *   bpplib DIR... --check OUT
 *
 * Reads every *.txt instance (BPPLIB "BPP" format: n, capacity, n weights;
 * any whitespace) in each DIR, packs it as a 1-D problem with
 * dd_pack_solve, and prints per instance: name, items, bins found, lower
 * bound, optimum (from optimal.tsv found in DIR or a parent), seconds; then
 * per set (directory) and overall: instances at the optimum, average excess
 * bins, total and maximum time. The optimum is only printed and counted;
 * the engine does not see it unless --stop-at-optimum is given (then it
 * stops as soon as it reaches it: a time-to-target measurement).
 *
 * --solutions OUT writes OUT/<instance>.sol (one line per bin: 0-based item
 * indices in file order) and OUT/summary.tsv (instance, bins). --check OUT
 * re-reads the instances and verifies each .sol independently of the
 * engine: every item exactly once, no bin over capacity, bin count as in
 * summary.tsv.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <drawdown/pack.h>

typedef struct opt_row {
    char *name;
    long long opt;
} opt_row;

typedef struct opt_table {
    opt_row *rows;
    size_t n;
} opt_table;

typedef struct instance {
    size_t n;
    int64_t cap;
    int64_t *w;
} instance;

static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
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
    if (!buf)
        return NULL;
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

/* Next integer token at *p; returns 0 at end or on a non-number. */
static int next_int(char **p, long long *v)
{
    char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    if (end == s || errno)
        return 0;
    *p = end;
    return 1;
}

static int load_instance(const char *path, instance *inst)
{
    char *text = read_file(path, NULL);
    if (!text)
        return -1;
    char *p = text;
    long long n, c;
    int ok = next_int(&p, &n) && next_int(&p, &c) && n >= 0 && c > 0;
    inst->w = ok ? malloc((size_t)(n ? n : 1) * sizeof *inst->w) : NULL;
    if (!inst->w)
        ok = 0;
    for (long long i = 0; ok && i < n; i++) {
        long long v;
        ok = next_int(&p, &v);
        if (ok)
            inst->w[i] = v;
    }
    free(text);
    if (!ok) {
        free(inst->w);
        inst->w = NULL;
        return -1;
    }
    inst->n = (size_t)n;
    inst->cap = c;
    return 0;
}

/* optimal.tsv: header, then "path instance n_items capacity lb ub". */
static void load_opt(const char *dir, opt_table *t)
{
    char base[4096], path[sizeof base + 32];
    snprintf(base, sizeof base, "%s", dir);
    for (int up = 0; up < 6; up++) {
        snprintf(path, sizeof path, "%s/optimal.tsv", base);
        char *text = read_file(path, NULL);
        if (text) {
            char *line = text;
            int first = 1;
            while (*line) {
                char *eol = strchr(line, '\n');
                if (eol)
                    *eol = '\0';
                if (!first) {
                    char *f[6] = {0};
                    int k = 0;
                    char *s = line;
                    while (k < 6 && s) {
                        f[k++] = s;
                        s = strchr(s, '\t');
                        if (s)
                            *s++ = '\0';
                    }
                    if (k == 6) {
                        opt_row *nr = realloc(t->rows, (t->n + 1) * sizeof *nr);
                        if (nr) {
                            t->rows = nr;
                            t->rows[t->n].name = strdup(f[1]);
                            t->rows[t->n].opt = strtoll(f[5], NULL, 10);
                            t->n++;
                        }
                    }
                }
                first = 0;
                if (!eol)
                    break;
                line = eol + 1;
            }
            free(text);
            return;
        }
        size_t len = strlen(base);
        if (len + 4 >= sizeof base)
            return;
        memcpy(base + len, "/..", 4);
    }
}

static long long opt_lookup(const opt_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].name, name) == 0)
            return t->rows[i].opt;
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **list_instances(const char *dir, size_t *n_out)
{
    DIR *d = opendir(dir);
    *n_out = 0;
    if (!d)
        return NULL;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn)
            break;
        names = nn;
        names[n++] = strndup(e->d_name, len - 4);
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, cmp_str);
    *n_out = n;
    return names;
}

static const char *set_name(const char *dir)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    const char *s = dir + len;
    while (s > dir && s[-1] != '/')
        s--;
    return s;
}

static int write_solution(const char *out, const char *name, const instance *in,
                          const dd_pack_result *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.sol", out, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    /* items grouped per bin: counting sort on bin number */
    size_t *start = calloc(r->n_bins + 1, sizeof *start);
    size_t *order = malloc((in->n ? in->n : 1) * sizeof *order);
    if (!start || !order) {
        free(start);
        free(order);
        fclose(f);
        return -1;
    }
    for (size_t i = 0; i < in->n; i++)
        start[r->bin_of[i] + 1]++;
    for (size_t b = 0; b < r->n_bins; b++)
        start[b + 1] += start[b];
    for (size_t i = 0; i < in->n; i++)
        order[start[r->bin_of[i]]++] = i;
    size_t j = 0;
    for (size_t b = 0; b < r->n_bins; b++) {
        for (size_t x = 0; j < in->n && r->bin_of[order[j]] == b; j++, x++)
            fprintf(f, x ? " %zu" : "%zu", order[j]);
        fputc('\n', f);
    }
    free(start);
    free(order);
    return fclose(f) == 0 ? 0 : -1;
}

/* Independent checker: 0 if OUT/<name>.sol is a valid packing of expect bins. */
static int check_solution(const char *out, const char *name, const instance *in,
                          long long expect, long long *bins_out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.sol", out, name);
    char *text = read_file(path, NULL);
    *bins_out = 0;
    if (!text) {
        printf("%s: cannot read %s\n", name, path);
        return -1;
    }
    unsigned char *seen = calloc(in->n ? in->n : 1, 1);
    int bad = !seen;
    long long bins = 0;
    char *line = text;
    while (!bad && *line) {
        char *eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        long long load = 0, v;
        char *p = line;
        int items = 0;
        while (next_int(&p, &v)) {
            if (v < 0 || (size_t)v >= in->n || seen[v]) {
                printf("%s: bin %lld: item %lld out of range or repeated\n",
                       name, bins, v);
                bad = 1;
                break;
            }
            seen[v] = 1;
            load += in->w[v];
            items++;
        }
        if (items) {
            if (load > in->cap) {
                printf("%s: bin %lld: load %lld > capacity %lld\n", name, bins,
                       load, (long long)in->cap);
                bad = 1;
            }
            bins++;
        }
        if (!eol)
            break;
        line = eol + 1;
    }
    for (size_t i = 0; !bad && i < in->n; i++)
        if (!seen[i]) {
            printf("%s: item %zu not packed\n", name, i);
            bad = 1;
        }
    if (!bad && expect >= 0 && bins != expect) {
        printf("%s: %lld bins, summary says %lld\n", name, bins, expect);
        bad = 1;
    }
    free(seen);
    free(text);
    *bins_out = bins;
    return bad ? -1 : 0;
}

static long long summary_lookup(const char *out, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.tsv", out);
    char *text = read_file(path, NULL);
    if (!text)
        return -1;
    long long r = -1;
    size_t len = strlen(name);
    for (char *line = text; line && *line;) {
        if (strncmp(line, name, len) == 0 && line[len] == '\t') {
            r = strtoll(line + len + 1, NULL, 10);
            break;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    free(text);
    return r;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: bpplib DIR... [--time-limit S] [--iterations N] [--seed K]\n"
            "                     [--solutions OUT] [--stop-at-optimum]\n"
            "       bpplib DIR... --check OUT\n");
}

int main(int argc, char **argv)
{
    dd_pack_options opt;
    dd_pack_options_init(&opt);
    const char *sol_dir = NULL, *check_dir = NULL;
    int stop_at_opt = 0;
    const char **dirs = calloc((size_t)argc, sizeof *dirs);
    size_t n_dirs = 0;
    if (!dirs)
        return 2;
    for (int a = 1; a < argc; a++) {
        const char *s = argv[a];
        if (strcmp(s, "--time-limit") == 0 && a + 1 < argc)
            opt.time_limit_s = strtod(argv[++a], NULL);
        else if (strcmp(s, "--iterations") == 0 && a + 1 < argc)
            opt.max_iterations = strtoull(argv[++a], NULL, 10);
        else if (strcmp(s, "--seed") == 0 && a + 1 < argc)
            opt.seed = strtoull(argv[++a], NULL, 10);
        else if (strcmp(s, "--solutions") == 0 && a + 1 < argc)
            sol_dir = argv[++a];
        else if (strcmp(s, "--check") == 0 && a + 1 < argc)
            check_dir = argv[++a];
        else if (strcmp(s, "--stop-at-optimum") == 0)
            stop_at_opt = 1;
        else if (s[0] == '-') {
            usage();
            free(dirs);
            return 2;
        } else
            dirs[n_dirs++] = s;
    }
    if (!n_dirs) {
        usage();
        free(dirs);
        return 2;
    }
    FILE *summary = NULL;
    if (sol_dir) {
        if (mkdir(sol_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "bpplib: cannot create %s\n", sol_dir);
            free(dirs);
            return 2;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/summary.tsv", sol_dir);
        summary = fopen(path, "w");
        if (!summary) {
            fprintf(stderr, "bpplib: cannot write %s\n", path);
            free(dirs);
            return 2;
        }
    }

    size_t all_n = 0, all_opt = 0, all_known = 0, all_bad = 0;
    long long all_excess = 0;
    double all_time = 0, all_max = 0;
    int status = 0;
    if (!check_dir)
        printf("%-28s %6s %6s %6s %6s %8s %10s\n", "instance", "items", "bins",
               "lb", "opt", "seconds", "moves");
    for (size_t di = 0; di < n_dirs; di++) {
        opt_table ot = {0};
        load_opt(dirs[di], &ot);
        size_t n_inst;
        char **names = list_instances(dirs[di], &n_inst);
        size_t set_opt = 0, set_known = 0, set_bad = 0;
        long long set_excess = 0;
        double set_time = 0, set_max = 0;
        for (size_t k = 0; k < n_inst; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.txt", dirs[di], names[k]);
            instance in = {0};
            if (load_instance(path, &in) != 0) {
                printf("%s: cannot parse\n", path);
                status = 1;
                set_bad++;
                continue;
            }
            long long best = opt_lookup(&ot, names[k]);
            if (check_dir) {
                long long bins;
                long long expect = summary_lookup(check_dir, names[k]);
                if (check_solution(check_dir, names[k], &in, expect, &bins) != 0) {
                    set_bad++;
                    status = 1;
                } else if (best >= 0) {
                    set_known++;
                    set_opt += bins == best;
                    set_excess += bins - best;
                }
                free(in.w);
                continue;
            }
            dd_pack_problem p = {0};
            p.n_items = in.n;
            p.n_dims = 1;
            p.size = in.w;
            p.capacity = &in.cap;
            dd_pack_options o = opt;
            if (stop_at_opt && best > 0)
                o.target_bins = (size_t)best;
            dd_pack_result r;
            dd_pack_result_init(&r);
            dd_status st = dd_pack_solve(&p, &o, &r);
            if (st != DD_OK) {
                printf("%-28s error: %s\n", names[k], dd_status_str(st));
                status = 1;
                set_bad++;
                free(in.w);
                continue;
            }
            printf("%-28s %6zu %6zu %6zu %6lld %8.3f %10llu\n", names[k], in.n,
                   r.n_bins, r.bounds.lower_bound, best, r.seconds,
                   (unsigned long long)r.iterations);
            if (best >= 0) {
                set_known++;
                set_opt += (long long)r.n_bins == best;
                set_excess += (long long)r.n_bins - best;
                if ((long long)r.bounds.lower_bound > best) {
                    printf("  BUG: lower bound above the optimum\n");
                    status = 1;
                }
            }
            set_time += r.seconds;
            if (r.seconds > set_max)
                set_max = r.seconds;
            if (sol_dir) {
                if (write_solution(sol_dir, names[k], &in, &r) != 0) {
                    printf("  cannot write solution\n");
                    status = 1;
                }
                fprintf(summary, "%s\t%zu\n", names[k], r.n_bins);
            }
            dd_pack_result_fini(&r);
            free(in.w);
        }
        if (check_dir)
            printf("set %-14s %4zu instances, %4zu checked valid, %4zu at optimum, "
                   "%zu invalid\n",
                   set_name(dirs[di]), n_inst, n_inst - set_bad, set_opt, set_bad);
        else
            printf("set %-14s %4zu instances, %4zu/%zu at optimum, avg excess "
                   "%.4f bins, time %.2f s (max %.3f)\n",
                   set_name(dirs[di]), n_inst, set_opt, set_known,
                   set_known ? (double)set_excess / (double)set_known : 0.0,
                   set_time, set_max);
        fflush(stdout);
        all_n += n_inst;
        all_opt += set_opt;
        all_known += set_known;
        all_excess += set_excess;
        all_bad += set_bad;
        all_time += set_time;
        if (set_max > all_max)
            all_max = set_max;
        for (size_t k = 0; k < n_inst; k++)
            free(names[k]);
        free(names);
        for (size_t i = 0; i < ot.n; i++)
            free(ot.rows[i].name);
        free(ot.rows);
    }
    if (check_dir)
        printf("overall %zu instances, %zu valid, %zu at optimum, %zu invalid\n",
               all_n, all_n - all_bad, all_opt, all_bad);
    else
        printf("overall %zu instances, %zu/%zu at optimum (%.2f%%), avg excess "
               "%.4f bins, time %.2f s (max %.3f), %zu errors\n",
               all_n, all_opt, all_known,
               all_known ? 100.0 * (double)all_opt / (double)all_known : 0.0,
               all_known ? (double)all_excess / (double)all_known : 0.0, all_time,
               all_max, all_bad);
    if (summary)
        fclose(summary);
    free(dirs);
    return status;
}
