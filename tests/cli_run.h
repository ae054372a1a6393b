/* SPDX-License-Identifier: MIT */
/*
 * What a test of the command line needs: run the command (DD_CLI) in a
 * folder with its standard output and error captured in that folder, and
 * read a file whole. Header-only: a tests/test_cli*.c includes it once
 * (after cmocka.h).
 */
#ifndef DD_TEST_CLI_RUN_H
#define DD_TEST_CLI_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

typedef struct run_result {
    int status; /* the exit status; -1 when it did not exit */
    char *out;  /* standard output, malloc'd */
    size_t out_len;
    char *err;  /* standard error, malloc'd */
} run_result;

/* The whole file at path, NUL-terminated (*len without the NUL; len may be
 * NULL), or NULL when it cannot be opened. The caller frees it. */
static char *dd_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

/* `PREFIX drawdown ARGS` run in `dir` (a shell command: PREFIX may set up
 * the shell, e.g. "ulimit -f 4;"); standard input from /dev/null unless
 * the prefix gives it. */
static run_result dd_test_run_in(const char *dir, const char *prefix, const char *args)
{
    char cmd[4096], outp[320], errp[320];
    snprintf(outp, sizeof outp, "%s/.stdout", dir);
    snprintf(errp, sizeof errp, "%s/.stderr", dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' %s >'%s' 2>'%s'%s", dir, prefix, DD_CLI,
             args, outp, errp, *prefix ? "" : " </dev/null");
    int st = system(cmd);
    run_result r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = dd_test_slurp(outp, &r.out_len);
    r.err = dd_test_slurp(errp, NULL);
    assert_non_null(r.out);
    assert_non_null(r.err);
    remove(outp);
    remove(errp);
    return r;
}

/* `drawdown ARGS` run in `dir` (ARGS as the shell reads them), standard
 * input from /dev/null. */
static inline run_result dd_test_run(const char *dir, const char *args)
{
    return dd_test_run_in(dir, "", args);
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

#endif
