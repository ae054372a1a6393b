/* SPDX-License-Identifier: MIT */
/*
 * Tests of `drawdown loads` (DD_CLI): the text output on the Niger example
 * against a golden file, the JSON output parsed with libfyaml (every key
 * documented in docs/loads-json.md, figures agreeing with the text), the
 * CSV header, and the exit statuses of bad arguments.
 *
 * Golden file: tests/data/golden/niger-loads.txt is the exact output of
 * `drawdown loads examples/niger-2024/scenario.yaml`. It changes when the
 * pallet build-up, the packing engine or the text layout changes. When it
 * changes on purpose, regenerate it from the repository root with
 *   build/drawdown loads examples/niger-2024/scenario.yaml \
 *       > tests/data/golden/niger-loads.txt
 * and review the diff (load counts against their bounds first).
 *
 * Named test_cli_* so that CMake builds the CLI before this test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text_width.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NIGER DD_SOURCE_DIR "/examples/niger-2024/scenario.yaml"

typedef struct run_result {
    int status; /* exit status, or -1 */
    char *out;  /* stdout, NUL-terminated */
    char *err;  /* stderr */
} run_result;

static char *slurp(FILE *f)
{
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
    return buf;
}

static char *slurp_path(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        print_message("cannot read %s\n", path);
    assert_non_null(f);
    char *s = slurp(f);
    fclose(f);
    return s;
}

/* Run DD_CLI with `args` (shell words), capturing stdout and stderr. */
static run_result run(const char *args)
{
    char errpath[] = "/tmp/dd-test-cli-loads-XXXXXX";
    int fd = mkstemp(errpath);
    assert_true(fd >= 0);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", DD_CLI, args, errpath);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    run_result r;
    r.out = slurp(p);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    FILE *e = fdopen(fd, "r");
    assert_non_null(e);
    r.err = slurp(e);
    fclose(e);
    remove(errpath);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

static void test_loads_niger_text(void **state)
{
    (void)state;
    run_result r = run("loads '" NIGER "'");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    char *golden = slurp_path(DD_TEST_DATA "/golden/niger-loads.txt");
    if (strcmp(r.out, golden) != 0) {
        size_t i = 0, line = 1;
        while (r.out[i] && r.out[i] == golden[i])
            line += r.out[i++] == '\n';
        print_message("output differs from the golden file at line %zu:\n%.240s\n"
                      "expected:\n%.240s\n",
                      line, r.out + i, golden + i);
    }
    assert_string_equal(r.out, golden);
    free(golden);
    assert_within_80_columns(r.out);
    run_free(&r);
}

/* Every mapping key under `n` is documented as `key` in the reference. */
static void keys_documented(struct fy_node *n, const char *doc, int *missing)
{
    if (fy_node_is_sequence(n)) {
        void *it = NULL;
        struct fy_node *x;
        while ((x = fy_node_sequence_iterate(n, &it)) != NULL)
            keys_documented(x, doc, missing);
    } else if (fy_node_is_mapping(n)) {
        void *it = NULL;
        struct fy_node_pair *pr;
        while ((pr = fy_node_mapping_iterate(n, &it)) != NULL) {
            const char *k = fy_node_get_scalar0(fy_node_pair_key(pr));
            char quoted[128];
            snprintf(quoted, sizeof quoted, "`%s`", k ? k : "");
            if (!strstr(doc, quoted)) {
                print_message("JSON key %s is not in docs/loads-json.md\n", quoted);
                (*missing)++;
            }
            keys_documented(fy_node_pair_value(pr), doc, missing);
        }
    }
}

static long long int_at(struct fy_node *root, const char *path)
{
    struct fy_node *n = fy_node_by_path(root, path, (size_t)-1, FYNWF_DONT_FOLLOW);
    if (!n)
        print_message("no %s in the JSON\n", path);
    assert_non_null(n);
    const char *v = fy_node_get_scalar0(n);
    assert_non_null(v);
    char *end;
    long long x = strtoll(v, &end, 10);
    assert_true(*v && !*end);
    return x;
}

static void test_loads_niger_json(void **state)
{
    (void)state;
    run_result r = run("loads --json '" NIGER "'");
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out[0], '{');
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_FORCE;
    struct fy_document *doc = fy_document_build_from_string(&cfg, r.out, strlen(r.out));
    assert_non_null(doc);
    struct fy_node *root = fy_document_root(doc);
    assert_int_equal(int_at(root, "/version"), 1);
    struct fy_node *sites = fy_node_by_path(root, "/sites", (size_t)-1, FYNWF_DONT_FOLLOW);
    struct fy_node *loads = fy_node_by_path(root, "/loads", (size_t)-1, FYNWF_DONT_FOLLOW);
    struct fy_node *pallets = fy_node_by_path(root, "/pallets", (size_t)-1, FYNWF_DONT_FOLLOW);
    assert_true(sites && loads && pallets);
    /* the same figures as the text: 30 + 25 loads, 543 pallets */
    assert_int_equal(fy_node_sequence_item_count(sites), 2);
    long long n = 0;
    for (int i = 0; i < fy_node_sequence_item_count(sites); i++) {
        char path[64];
        snprintf(path, sizeof path, "/sites/%d/loads", i);
        n += int_at(root, path);
        snprintf(path, sizeof path, "/sites/%d/gap", i);
        long long gap = int_at(root, path);
        snprintf(path, sizeof path, "/sites/%d/lower_bound", i);
        long long lb = int_at(root, path);
        snprintf(path, sizeof path, "/sites/%d/loads", i);
        assert_int_equal(gap, int_at(root, path) - lb);
    }
    assert_int_equal(n, fy_node_sequence_item_count(loads));
    run_result text = run("loads '" NIGER "'");
    char want[128];
    snprintf(want, sizeof want, "%d pallets built or carried; %lld loads in all",
             fy_node_sequence_item_count(pallets), n);
    assert_non_null(strstr(text.out, want));
    run_free(&text);
    /* every key is documented */
    char *ref = slurp_path(DD_SOURCE_DIR "/docs/loads-json.md");
    int missing = 0;
    keys_documented(root, ref, &missing);
    assert_int_equal(missing, 0);
    free(ref);
    fy_document_destroy(doc);
    run_free(&r);
}

static void test_loads_csv_and_options(void **state)
{
    (void)state;
    run_result r = run("loads --csv --site AB201 '" NIGER "'");
    assert_int_equal(r.status, 0);
    assert_int_equal(strncmp(r.out, "load,site,aircraft,item,pallet,cargo,people,count,weight_kg,"
                                    "description\n",
                             70),
                     0);
    assert_null(strstr(r.out, ",AB101,"));
    assert_non_null(strstr(r.out, ",AB201,C17A,escort,"));
    run_free(&r);

    r = run("loads --aircraft C130J30 --iterations 0 --cargo-only '" NIGER "'");
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "on C17A"));
    assert_non_null(strstr(r.out, "AB101 -> ETAR (2,175 nm) on C130J30: "));
    run_free(&r);

    r = run("loads --site NOPE '" NIGER "'");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "drawdown loads: no site 'NOPE' in "));
    run_free(&r);

    r = run("loads --aircraft B747 '" NIGER "'");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "drawdown loads: no aircraft type 'B747' in "));
    run_free(&r);

    r = run("loads --json --csv '" NIGER "'");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "usage: drawdown loads"));
    run_free(&r);

    r = run("loads --seed x '" NIGER "'");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "drawdown loads: --seed needs a whole number of at least 0, got 'x'\n");
    run_free(&r);

    r = run("loads --help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--cargo-only"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_niger_text),
        cmocka_unit_test(test_loads_niger_json),
        cmocka_unit_test(test_loads_csv_and_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
