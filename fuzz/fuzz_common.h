/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets: load a scenario from memory, summarise
 * it when it loads, and free everything, so a leak or a crash anywhere in
 * src/model shows. The CSV targets write their input into a temporary
 * folder made once per process (mkdtemp) and load a fixed scenario that
 * names it; no API exists only for fuzzing.
 */
#ifndef DD_FUZZ_COMMON_H
#define DD_FUZZ_COMMON_H

#include <drawdown/check.h>
#include <drawdown/scenario.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void fuzz_load(const char *name, const char *text, size_t len, const char *base_dir)
{
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    if (dd_scenario_load_string(name, text, len, base_dir, &d, &s) == DD_OK) {
        dd_check *c = NULL;
        if (dd_check_summarize(s, &c) == DD_OK)
            dd_check_free(c);
        dd_scenario_free(s);
    }
    dd_diags_fini(&d);
}

/* The verifier tests' scenario (tests/data/verify/s.yaml), loaded once per
 * process, for the plan-file targets. */
static inline dd_scenario *fuzz_plan_scenario(void)
{
    static dd_scenario *s;
    if (!s) {
        dd_diags d;
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        if (dd_scenario_load(DD_FUZZ_DATA "/verify/s.yaml", &d, &s) != DD_OK)
            abort();
        dd_diags_fini(&d);
    }
    return s;
}

static inline const char *fuzz_tmpdir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/dd-fuzz-XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Write the input as <tmpdir>/<name>; the path goes to path. */
static inline void fuzz_write(const char *name, const unsigned char *data, size_t size,
                              char *path, size_t n)
{
    snprintf(path, n, "%s/%s", fuzz_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
}

/* Write the input as <tmpdir>/<which>.<ext> and load the mini scenario
 * with that inventory in place of its own (the other two come from
 * tests/data/mini). */
static inline void fuzz_inventory_as(const char *which, const char *ext,
                                     const unsigned char *data, size_t size)
{
    char path[128], name[32];
    snprintf(name, sizeof name, "%s.%s", which, ext);
    fuzz_write(name, data, size, path, sizeof path);
    static char *base;
    static size_t base_len;
    if (!base) {
        FILE *y = fopen(DD_FUZZ_DATA "/mini/scenario.yaml", "rb");
        if (!y)
            abort();
        base = malloc(1 << 16);
        base_len = fread(base, 1, (1 << 16) - 1, y);
        base[base_len] = '\0';
        fclose(y);
    }
    /* replace "<which>: <which>.csv" by the absolute path of the input */
    char key[64], repl[256];
    snprintf(key, sizeof key, "%s: %s.csv", which, which);
    snprintf(repl, sizeof repl, "%s: %s", which, path);
    const char *at = strstr(base, key);
    if (!at)
        abort();
    size_t pre = (size_t)(at - base), kl = strlen(key), rl = strlen(repl);
    size_t n = base_len - kl + rl;
    char *text = malloc(n + 1);
    if (!text)
        abort();
    memcpy(text, base, pre);
    memcpy(text + pre, repl, rl);
    memcpy(text + pre + rl, at + kl, base_len - pre - kl + 1);
    fuzz_load("scenario.yaml", text, n, DD_FUZZ_DATA "/mini");
    free(text);
}

static inline void fuzz_inventory(const char *which, const unsigned char *data, size_t size)
{
    fuzz_inventory_as(which, "csv", data, size);
}

#endif
