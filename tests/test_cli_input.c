/* SPDX-License-Identifier: MIT */
/*
 * Bad input found by hostile testing (issue 13), each case with its exact
 * message and position: NUL bytes in every reader (scenario, inventories,
 * events, plan files for verify and report), a FIFO given as a scenario
 * or an inventory, an inventory path naming a file that is no inventory
 * (its text is not echoed), huge counts of errors (all counted, 50 shown),
 * a huge string in a plan, out-of-range options (simulate
 * --replications, report --sortie), verify on an empty file or a file of
 * another kind, and a scenario with nothing to move through simulate and
 * report --sim.
 *
 * Everything is written inside a mkdtemp folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <drawdown/events.h>
#include <drawdown/scenario.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "cli_run.h"

#define TUTORIAL DD_SOURCE_DIR "/examples/tutorial/01-minimal"

typedef struct fixture {
    char dir[64];
} fixture;

static run_result run(const fixture *fx, const char *args)
{
    return dd_test_run(fx->dir, args);
}

/* Run and require exit `status` and stderr exactly `err`. */
static void expect(const fixture *fx, const char *args, int status, const char *err)
{
    run_result r = run(fx, args);
    if (r.status != status || strcmp(r.err, err) != 0)
        fail_msg("drawdown %s: exit %d, stderr:\n%s\nwanted exit %d, stderr:\n%s", args,
                 r.status, r.err, status, err);
    run_free(&r);
}

static void write_file(const fixture *fx, const char *name, const char *text, size_t len)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", fx->dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

static char *read_in(const fixture *fx, const char *name, size_t *len)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", fx->dir, name);
    char *t = dd_test_slurp(p, len);
    assert_non_null(t);
    return t;
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-test-input-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s'/scenario.yaml '%s'/cargo.csv '%s'", TUTORIAL, TUTORIAL,
             fx->dir);
    if (system(cmd) != 0)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

/* The tutorial scenario with `from` replaced by `to` (once), as name. */
static void scenario_with(const fixture *fx, const char *name, const char *from, const char *to)
{
    size_t len;
    char *t = read_in(fx, "scenario.yaml", &len);
    char *at = strstr(t, from);
    assert_non_null(at);
    size_t a = (size_t)(at - t), fl = strlen(from), tl = strlen(to);
    char *o = malloc(len - fl + tl + 1);
    assert_non_null(o);
    memcpy(o, t, a);
    memcpy(o + a, to, tl);
    memcpy(o + a + tl, at + fl, len - a - fl + 1);
    write_file(fx, name, o, len - fl + tl);
    free(o);
    free(t);
}

static void test_nul_in_scenario(void **state)
{
    fixture *fx = *state;
    /* in a comment, where nothing else would notice it */
    static const char head[] = "# a comment \0 hidden\n";
    size_t len;
    char *t = read_in(fx, "scenario.yaml", &len);
    char *o = malloc(sizeof head - 1 + len);
    assert_non_null(o);
    memcpy(o, head, sizeof head - 1);
    memcpy(o + sizeof head - 1, t, len);
    write_file(fx, "nul.yaml", o, sizeof head - 1 + len);
    free(o);
    free(t);
    expect(fx, "check nul.yaml", 2,
           "nul.yaml:1:13: error: a NUL byte: this is not a text file (binary, or saved as "
           "UTF-16?); save it as UTF-8 text\n"
           "     1 | # a comment \n"
           "       |             ^\n"
           "1 error\n");
    /* escaped in a string */
    scenario_with(fx, "esc.yaml", "name: Tutorial 1 — minimal", "name: \"Tutorial\\0EVIL\"");
    expect(fx, "check esc.yaml", 2,
           "esc.yaml:4:8: error: a NUL character (\\u0000) in a string\n"
           "     4 | name: \"Tutorial\\0EVIL\"\n"
           "       |        ^\n"
           "1 error\n");
}

static void test_nul_in_inventory_and_events(void **state)
{
    fixture *fx = *state;
    size_t len;
    char *t = read_in(fx, "cargo.csv", &len);
    static const char row[] = "GEN-2,BASE,x,1,13\0 anything,100,80,72,loose\n";
    char *o = malloc(len + sizeof row);
    assert_non_null(o);
    memcpy(o, t, len);
    memcpy(o + len, row, sizeof row - 1);
    write_file(fx, "cargo.csv", o, len + sizeof row - 1);
    free(o);
    free(t);
    expect(fx, "check scenario.yaml", 2,
           "cargo.csv:4:18: error: a NUL byte: this is not a text file (binary, or saved as "
           "UTF-16?); export it as CSV in UTF-8\n"
           "     4 | GEN-2,BASE,x,1,13\n"
           "       |                  ^\n"
           "1 error\n");

    /* the events reader: "13\0 anything" is not read as 13 */
    static const char events[] = "time,event,subject,value,note\n"
                                 "2024-06-01T05:00Z,processed,BASE-PAX,13\0 anything,\n";
    write_file(fx, "cargo.csv", "id,site,weight,length,width,height\n", 35);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    char p[256];
    snprintf(p, sizeof p, "%s/scenario.yaml", fx->dir);
    dd_scenario *s = NULL;
    assert_int_equal(dd_scenario_load(p, &d, &s), DD_OK);
    dd_diags_fini(&d);
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *ev = NULL;
    assert_int_equal(dd_events_parse(s, "events.csv", events, sizeof events - 1, &d, &ev),
                     DD_EINPUT);
    assert_null(ev);
    assert_int_equal(d.n_items, 1);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 40);
    assert_string_equal(d.items[0].message, "a NUL byte: this is not a text file (binary, or "
                                            "saved as UTF-16?); export it as CSV in UTF-8");
    dd_diags_fini(&d);
    dd_scenario_free(s);
}

/* A plan file with a NUL: verify and report refuse it alike. */
static void test_nul_in_plan(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "plan scenario.yaml -o plan.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    size_t len;
    char *t = read_in(fx, "plan.json", &len);
    char *at = strstr(t, "\"BASE\"");
    assert_non_null(at);
    /* "BASE\u0000EVIL" */
    size_t a = (size_t)(at - t) + 5;
    static const char ins[] = "\\u0000EVIL";
    char *o = malloc(len + sizeof ins);
    assert_non_null(o);
    memcpy(o, t, a);
    memcpy(o + a, ins, sizeof ins - 1);
    memcpy(o + a + sizeof ins - 1, t + a, len - a + 1);
    write_file(fx, "evil.json", o, len + sizeof ins - 1);
    /* the line and column of the string's first character */
    uint32_t line = 1, col = 2;
    for (size_t i = 0; i < (size_t)(at - t); i++) {
        col = t[i] == '\n' ? 2 : col + 1;
        line += t[i] == '\n';
    }
    free(o);
    free(t);
    run_result v = run(fx, "verify scenario.yaml evil.json");
    assert_int_equal(v.status, 2);
    char want[128];
    snprintf(want, sizeof want, "evil.json:%u:%u: error: a NUL character (\\u0000) in a string\n",
             line, col);
    assert_memory_equal(v.err, want, strlen(want));
    run_free(&v);
    run_result p = run(fx, "report evil.json -o evil.pdf");
    assert_int_equal(p.status, 2);
    assert_memory_equal(p.err, want, strlen(want));
    run_free(&p);
}

static void test_fifo_refused(void **state)
{
    fixture *fx = *state;
    char p[256];
    snprintf(p, sizeof p, "%s/fifo.yaml", fx->dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    expect(fx, "check fifo.yaml", 2,
           "fifo.yaml: error: cannot read the scenario file (a FIFO, not a regular file)\n"
           "1 error\n");
    scenario_with(fx, "s.yaml", "cargo: cargo.csv", "cargo: fifo.yaml");
    run_result r = run(fx, "check s.yaml");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ": error: inventories.cargo: cannot read '"));
    assert_non_null(strstr(r.err, "fifo.yaml' (a FIFO, not a regular file)\n"));
    run_free(&r);
    expect(fx, "verify scenario.yaml fifo.yaml", 2,
           "fifo.yaml: error: cannot read the plan file (a FIFO, not a regular file)\n");
    expect(fx, "report fifo.yaml -o x.pdf", 2,
           "fifo.yaml: error: cannot read the plan file (a FIFO, not a regular file)\n"
           "1 error\n");
}

/* An inventory path may name any readable file: one that is no inventory
 * is one error, and none of its text is shown. */
static void test_foreign_inventory_not_echoed(void **state)
{
    fixture *fx = *state;
    static const char secret[] = "root:$y$j9T$SECRETHASH:19000:0:99999:7:::\n"
                                 "daemon:*:19000:0:99999:7:::\n";
    write_file(fx, "shadow", secret, sizeof secret - 1);
    scenario_with(fx, "s.yaml", "cargo: cargo.csv", "cargo: shadow");
    expect(fx, "check s.yaml", 2,
           "shadow:1:1: error: cargo header: not a cargo inventory: its first row names none "
           "of its columns (id, ...; docs/format.md)\n"
           "1 error\n");
    /* a syntax error on its first line shows no line either */
    static const char quoted[] = "pass\"word,x\nsecond\n";
    write_file(fx, "shadow", quoted, sizeof quoted - 1);
    expect(fx, "check s.yaml", 2,
           "shadow:1:5: error: bad quoting: a quote inside an unquoted field, or text after a "
           "closing quote (write \"\" for a quote inside quotes)\n"
           "1 error\n");
}

/* 20,000 unknown keys: every one counted, 50 shown. */
static void test_many_errors(void **state)
{
    fixture *fx = *state;
    size_t len;
    char *t = read_in(fx, "scenario.yaml", &len);
    size_t cap = len + 20000 * 24;
    char *o = malloc(cap);
    assert_non_null(o);
    memcpy(o, t, len);
    size_t n = len;
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(o + n, cap - n, "bogus_%d: 1\n", i);
    write_file(fx, "many.yaml", o, n);
    free(o);
    free(t);
    run_result r = run(fx, "check many.yaml");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "many.yaml:38:1: error: bogus_0: unknown field 'bogus_0'\n"));
    assert_non_null(strstr(r.err, "\n... and 19950 more problems not shown\n20000 errors\n"));
    run_free(&r);
}

static void test_huge_string_in_plan(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "plan scenario.yaml -o plan.json");
    run_free(&r);
    size_t len;
    char *t = read_in(fx, "plan.json", &len);
    const char *key = "\"name\": \"";
    char *at = strstr(t, key);
    assert_non_null(at);
    char *end = strchr(at + strlen(key), '"');
    size_t a = (size_t)(at - t) + strlen(key), b = (size_t)(end - t);
    size_t big = 5000;
    char *o = malloc(len + big);
    assert_non_null(o);
    memcpy(o, t, a);
    memset(o + a, 'x', big);
    memcpy(o + a + big, t + b, len - b + 1);
    write_file(fx, "big.json", o, a + big + len - b);
    free(o);
    free(t);
    r = run(fx, "report big.json -o big.pdf");
    assert_int_equal(r.status, 2);
    static const char want[] =
        "big.json:5:12: error: name: a string of 5000 bytes (at most 4096)\n";
    assert_memory_equal(r.err, want, sizeof want - 1);
    run_free(&r);
}

static void test_out_of_range_options(void **state)
{
    fixture *fx = *state;
    expect(fx, "simulate scenario.yaml --replications 1000000000", 2,
           "drawdown simulate: --replications is at most 10000000 (each one's outcome is kept "
           "in memory), got '1000000000'\n");
    run_result r = run(fx, "plan scenario.yaml -o plan.json");
    run_free(&r);
    expect(fx, "report plan.json --chart loads --sortie 999999 -o loads.png", 2,
           "loads.png: error: no sortie 999999: the plan has 1 sortie\n1 error\n");
}

static void test_verify_not_a_plan(void **state)
{
    fixture *fx = *state;
    write_file(fx, "empty.json", "", 0);
    expect(fx, "verify scenario.yaml empty.json", 2,
           "empty.json:1:1: error: syntax error: JSON does not allow empty root content\n"
           "     1 | \n"
           "       | ^\n"
           "1 error\n");
    expect(fx, "verify scenario.yaml scenario.yaml", 2,
           "scenario.yaml:1:1: error: syntax error: plain scalar cannot start with '#'\n"
           "     1 | # The smallest useful scenario: one base, one hub, one aircraft type and a\n"
           "       | ^\n"
           "1 error\n");
    write_file(fx, "list.json", "[1, 2]\n", 7);
    expect(fx, "verify scenario.yaml list.json", 2,
           "list.json:1:1: error: a plan is a JSON object, got an array\n"
           "     1 | [1, 2]\n"
           "       | ^\n"
           "1 error\n");
}

/* Nothing to move: the simulation's result is one report --sim reads. */
static void test_nothing_to_move(void **state)
{
    fixture *fx = *state;
    size_t len;
    char *t = read_in(fx, "scenario.yaml", &len);
    char *inv = strstr(t, "inventories:");
    assert_non_null(inv);
    write_file(fx, "empty.yaml", t, (size_t)(inv - t));
    free(t);
    run_result r = run(fx, "plan empty.yaml -o plan.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run(fx, "simulate empty.yaml --replications 10 --threads 1 -o sim.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run(fx, "report plan.json --sim sim.json -o brief.pdf");
    if (r.status != 0)
        fail_msg("report --sim: exit %d\n%s", r.status, r.err);
    run_free(&r);
    r = run(fx, "report plan.json --sim sim.json --chart risk -o risk.png");
    assert_int_equal(r.status, 0);
    run_free(&r);
}

/* Every exit 2 says why on its first line (then, maybe, the usage). */
static void test_every_exit_2_says_why(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *args, *first;
    } cases[] = {
        {"", "drawdown: which command?\n"},
        {"frobnicate", "drawdown: unknown command 'frobnicate'\n"},
        {"check", "drawdown check: which scenario?\n"},
        {"check --bogus scenario.yaml", "drawdown check: unknown option '--bogus'\n"},
        {"loads", "drawdown loads: which scenario?\n"},
        {"plan", "drawdown plan: which scenario?\n"},
        {"plan scenario.yaml --seed", "drawdown plan: --seed needs a value\n"},
        {"plan --bogus scenario.yaml", "drawdown plan: unknown option '--bogus'\n"},
        {"verify scenario.yaml", "drawdown verify: needs a scenario and a plan file\n"},
        {"verify --bogus", "drawdown verify: unknown option '--bogus'\n"},
        {"simulate", "drawdown simulate: which scenario?\n"},
        {"simulate scenario.yaml --threads", "drawdown simulate: --threads needs a value\n"},
        {"report", "drawdown report: which plan file?\n"},
        {"report plan.json", "drawdown report: -o FILE is required (-o - with --format for "
                             "standard output)\n"},
        {"track", "drawdown track: which subcommand? (start, add, log, verify, receipt, "
                  "upgrade, plan)\n"},
        {"track bogus", "drawdown track: unknown subcommand 'bogus'\n"},
        {"track start x.log", "drawdown track start: needs a LOG to create and its SCENARIO\n"},
        {"track log", "drawdown track log: which log?\n"},
        {"track log a.log b.log", "drawdown track log: one log at a time (got 'b.log' too)\n"},
        {"track log a.log --bogus", "drawdown track log: unknown option '--bogus'\n"},
        {"track verify a.log --bogus", "drawdown track verify: unknown option '--bogus'\n"},
        {"track plan a.log --accepted 0",
         "drawdown track plan: --accepted needs a whole number of at least 1, got '0'\n"},
        {"track start a.log s.yaml --objective soonest",
         "drawdown track start: --objective wants margin or completion, got 'soonest'\n"},
        {"keys", "drawdown keys: which subcommand? (new, list, export)\n"},
        {"keys list extra", "drawdown keys list: no argument (got 'extra' too)\n"},
        {"users add f.db bob", "drawdown users add: needs --role ROLE"},
        {"status", "drawdown status: which log?\n"},
        {"status a.log b.log", "drawdown status: one log at a time (got 'b.log' too)\n"},
        {"status a.log --at", "drawdown status: --at needs a value\n"},
        {"status a.log --bogus", "drawdown status: unknown option '--bogus'\n"},
        /* the declared options' one parser (src/cli/opt.c) */
        {"sweep", "drawdown sweep: which scenario?\n"},
        {"sweep a.yaml b.yaml", "drawdown sweep: one scenario at a time (got 'b.yaml' too)\n"},
        {"sweep a.yaml --bogus", "drawdown sweep: unknown option '--bogus'\n"},
        {"sweep a.yaml --vary", "drawdown sweep: --vary needs a value\n"},
        {"sweep a.yaml --threads 0",
         "drawdown sweep: --threads needs a whole number from 1 to 256, got '0'\n"},
        {"sweep a.yaml --seed -1",
         "drawdown sweep: --seed needs a whole number of at least 0, got '-1'\n"},
        {"sweep a.yaml --replications 1e3",
         "drawdown sweep: --replications needs a whole number from 0 to 10000000, got '1e3'\n"},
        {"sweep a.yaml --objective fast",
         "drawdown sweep: --objective wants margin or completion, got 'fast'\n"},
        {"sweep a.yaml", "drawdown sweep: give at least one --vary NAME=A..B[:STEP]\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_result r = run(fx, cases[i].args);
        size_t n = strlen(cases[i].first);
        if (r.status != 2 || strncmp(r.err, cases[i].first, n) != 0)
            fail_msg("drawdown %s: exit %d, stderr:\n%s\nwanted exit 2 and first:\n%s",
                     cases[i].args, r.status, r.err, cases[i].first);
        run_free(&r);
    }
}

/* The man page covers every command `drawdown --help` lists (in the
 * synopsis), every exit code, the outputs and the events CSV. */
static void test_man_page_covers(void **state)
{
    fixture *fx = *state;
    size_t len;
    char *man = dd_test_slurp(DD_SOURCE_DIR "/docs/drawdown.1", &len);
    assert_non_null(man);
    run_result r = run(fx, "--help");
    assert_int_equal(r.status, 0);
    const char *c = strstr(r.out, "commands:\n");
    assert_non_null(c);
    size_t n_cmds = 0;
    for (c = strchr(c, '\n') + 1; c[0] == ' ' && c[1] == ' '; c = strchr(c, '\n') + 1) {
        char name[32], want[64];
        size_t k = 0;
        for (const char *q = c + 2; *q && *q != ' ' && k < sizeof name - 1; q++)
            name[k++] = *q;
        name[k] = '\0';
        snprintf(want, sizeof want, "\n.B drawdown %s\n", name);
        if (!strstr(man, want))
            fail_msg("the man page's synopsis has no '%s'", name);
        n_cmds++;
    }
    assert_true(n_cmds >= 10);
    static const char *const sections[] = {
        "\n.SH EXIT STATUS\n", "\n.TP\n.B 0\n", "\n.TP\n.B 1\n", "\n.TP\n.B 2\n",
        "\n.TP\n.B 3\n", "\n.SH OUTPUTS\n", "\n.I events.csv\n", ".B clearance\\-approved\n",
    };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (!strstr(man, sections[i]))
            fail_msg("the man page has no '%s'", sections[i]);
    run_free(&r);
    free(man);
}

/* One of a thing is singular: "at least 1 sortie", "lower bound 1 sortie". */
static void test_plurals(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "check scenario.yaml");
    assert_true(r.status == 0 || r.status == 1);
    assert_non_null(strstr(r.out, "; at least 1 sortie (weight binds)\n"));
    assert_non_null(strstr(r.out, "  deadline: day 30.0; at least 1 sortie in all\n"));
    run_free(&r);
    r = run(fx, "plan scenario.yaml");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "; 0 people on commercial seats\n"));
    assert_non_null(strstr(r.out, "  lower bound 1 sortie (gap 0.0%)\n"));
    run_free(&r);
}

/* report reads plan files as strictly as verify: a sortie's tail 0 or a
 * load count of 0 is refused by both, with the same words. */
static void test_report_as_strict_as_verify(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "plan scenario.yaml -o plan.json");
    run_free(&r);
    size_t len;
    char *t = read_in(fx, "plan.json", &len);
    char *at = strstr(t, "\"tail\": 1,");
    assert_non_null(at);
    at[8] = '0';
    write_file(fx, "tail0.json", t, len);
    free(t);
    r = run(fx, "verify scenario.yaml tail0.json");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ": error: sorties[0].tail: must be at least 1, got 0\n"));
    run_free(&r);
    r = run(fx, "report tail0.json -o x.pdf");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, ": error: sorties[0].tail: must be at least 1, got 0\n"));
    run_free(&r);
}

/* The deadline is one instant everywhere: 24:00 of its day in text, the
 * same instant in UTC in JSON. */
static void test_deadline_one_instant(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "check scenario.yaml");
    assert_non_null(strstr(r.out, "deadline 2024-06-30T24:00+01:00"));
    run_free(&r);
    r = run(fx, "check --json scenario.yaml");
    assert_non_null(strstr(r.out, "\"2024-06-30T23:00Z\""));
    run_free(&r);
    r = run(fx, "plan scenario.yaml -o plan.json");
    assert_non_null(strstr(r.out, ", deadline 2024-06-30T24:00+01:00\n"));
    run_free(&r);
    size_t len;
    char *t = read_in(fx, "plan.json", &len);
    assert_non_null(strstr(t, "\"deadline\": \"2024-06-30T23:00Z\""));
    free(t);
    r = run(fx, "simulate scenario.yaml --replications 10 --threads 1");
    assert_non_null(strstr(r.out, "  deadline 2024-06-30T24:00 "));
    run_free(&r);
}

/* A sheet saved with semicolons or tabs (where the comma is the decimal
 * mark) is read as it is: its decimal commas and grouping points are
 * understood, and a cell is placed by its own separators. */
static void test_other_separators(void **state)
{
    fixture *fx = *state;
    static const char semi[] = "id;site;description;quantity;weight (lb);length (in);"
                               "width (in);height (in);kind\nPAL-1;BASE;x;1;6400,5;104;84;80;"
                               "pallet\nPAL-2;BASE;y;1;1.234,5;104;84;80;pallett\n";
    write_file(fx, "cargo.csv", semi, sizeof semi - 1);
    expect(fx, "check scenario.yaml", 2,
           "cargo.csv:3:34: error: cargo row 2, column kind: unknown kind 'pallett' (kinds: "
           "loose, pallet, rolling, outsize, drone, container)\n"
           "     3 | PAL-2;BASE;y;1;1.234,5;104;84;80;pallett\n"
           "       |                                  ^\n1 error\n");
    static const char tabs[] = "id\tsite\tweight\tlength\twidth\theight\nA\tBASE\t1\u00a0200,5"
                               "\t1\t1\t1,5\nB\tBASE\t12,5 kg\t1\tx\t1\n";
    write_file(fx, "cargo.csv", tabs, sizeof tabs - 1);
    expect(fx, "check scenario.yaml", 2,
           "cargo.csv:3:18: error: cargo row 2, column width: expected a number with a unit, "
           "got 'x' (units: m, cm, mm, in, ft)\n"
           "     3 | B\tBASE\t12,5 kg\t1\tx\t1\n"
           "       |  \t    \t       \t \t^\n1 error\n");
    /* a comma-separated file cannot hold a decimal comma but in quotes:
     * say what to write */
    static const char comma[] = "id,site,weight,length,width,height\nA,BASE,\"6400,5\",1,1,1\n";
    write_file(fx, "cargo.csv", comma, sizeof comma - 1);
    expect(fx, "check scenario.yaml", 2,
           "cargo.csv:2:8: error: cargo row 1, column weight: decimal comma in '6400,5': write "
           "a point (6400.5), or save the sheet separated by semicolons, where a comma is the "
           "decimal mark\n"
           "     2 | A,BASE,\"6400,5\",1,1,1\n"
           "       |        ^\n1 error\n");
}

/* An .xlsx inventory: its cells are placed as a spreadsheet names them. */
static void test_xlsx_inventory(void **state)
{
    fixture *fx = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/cargo.xlsx", fx->dir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Sheet1");
    static const char *const head[] = {"id", "site", "description", "quantity", "weight (lb)",
                                       "length (in)", "width (in)", "height (in)", "kind"};
    for (lxw_col_t c = 0; c < 9; c++)
        worksheet_write_string(ws, 0, c, head[c], NULL);
    static const double dims[2][5] = {{12, 6400, 104, 84, 80}, {2, -5, 100, 80, 72}};
    for (lxw_row_t r = 1; r <= 2; r++) {
        worksheet_write_string(ws, r, 0, r == 1 ? "PAL-1" : "GEN-1", NULL);
        worksheet_write_string(ws, r, 1, "BASE", NULL);
        for (lxw_col_t c = 0; c < 5; c++)
            worksheet_write_number(ws, r, (lxw_col_t)(3 + c), dims[r - 1][c], NULL);
        worksheet_write_string(ws, r, 8, r == 1 ? "pallet" : "loose", NULL);
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    scenario_with(fx, "scenario.yaml", "cargo: cargo.csv", "cargo: cargo.xlsx");
    expect(fx, "check scenario.yaml", 2,
           "cargo.xlsx:Sheet1!E3: error: cargo row 2, column weight: weight must be positive, "
           "got '-5'\n1 error\n");
    /* a sheet named in the scenario that the workbook does not have */
    scenario_with(fx, "other.yaml", "cargo: cargo.xlsx", "cargo: {file: cargo.xlsx, sheet: Cargo}");
    expect(fx, "check other.yaml", 2,
           "cargo.xlsx: error: no sheet named 'Cargo' (the workbook has 'Sheet1')\n1 error\n");
    /* a file that cannot be read says why */
    scenario_with(fx, "other.yaml", "cargo: cargo.xlsx", "cargo: scenario.yaml/cargo.csv");
    run_result r = run(fx, "check other.yaml");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "error: inventories.cargo: cannot read "
                                  "'scenario.yaml/cargo.csv' (Not a directory)\n"));
    run_free(&r);
}

/* Positions as airfield publications give them; 50% for a share. */
static void test_publication_positions(void **state)
{
    fixture *fx = *state;
    scenario_with(fx, "scenario.yaml", "position: [13.48, 2.17]",
                  "position: \"13\xC2\xB0" "28'48\\\"N 002\xC2\xB0" "10'12\\\"E\"");
    run_result r = run(fx, "check scenario.yaml");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    run_free(&r);
    scenario_with(fx, "bad.yaml", "position: \"13", "position: \"93");
    expect(fx, "check bad.yaml", 2,
           "bad.yaml:15:16: error: sites[0].position: latitude beyond 90 degrees, got "
           "'93\xC2\xB0" "28'48\"N 002\xC2\xB0" "10'12\"E'\n"
           "    15 |     position: \"93\xC2\xB0" "28'48\\\"N 002\xC2\xB0" "10'12\\\"E\"\n"
           "       |                ^\n1 error\n");
}

/* fx->dir/to: fx->dir/from with `text` appended. */
static void append_to(const fixture *fx, const char *from, const char *to, const char *text)
{
    size_t len, n = strlen(text);
    char *t = read_in(fx, from, &len);
    char *o = malloc(len + n);
    assert_non_null(o);
    memcpy(o, t, len);
    memcpy(o + len, text, n);
    write_file(fx, to, o, len + n);
    free(o);
    free(t);
}

/* A warning that is the intended setting is said until acknowledged: a
 * C-130-only site has no C-17 MOG. */
static void test_acknowledged_warning(void **state)
{
    fixture *fx = *state;
    scenario_with(fx, "scenario.yaml", "mog: {C17: 1}", "mog: {C130: 1}");
    static const char warning[] =
        "scenario.yaml:12:5: warning: sites[0].mog: no MOG for class C17 at site BASE: C17A "
        "cannot use it (if intended: C17: 0 in its mog, or acknowledge: ['no-mog BASE C17'])\n"
        "    12 |   - id: BASE\n"
        "       |     ^\n";
    run_result r = run(fx, "check scenario.yaml");
    assert_string_equal(r.err, warning);
    run_free(&r);
    /* a warning is said once, by check: the other commands count it */
    static const char *const others[] = {"loads scenario.yaml", "plan scenario.yaml",
                                          "plan scenario.yaml --no-verify"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        r = run(fx, others[i]);
        assert_string_equal(r.err, "scenario.yaml: 1 warning about the scenario (drawdown check "
                                   "says it)\n");
        run_free(&r);
    }
    static const char ack[] = "acknowledge: [no-mog BASE C17]\n";
    append_to(fx, "scenario.yaml", "acked.yaml", ack);
    r = run(fx, "check acked.yaml");
    assert_string_equal(r.err, "");
    run_free(&r);
    r = run(fx, "loads acked.yaml");
    assert_string_equal(r.err, "");
    run_free(&r);
    /* C17: 0 says the class is kept off on purpose; an acknowledgement
     * that then matches nothing is a warning itself */
    scenario_with(fx, "stale.yaml", "mog: {C130: 1}", "mog: {C130: 1, C17: 0}");
    append_to(fx, "stale.yaml", "stale.yaml", ack);
    r = run(fx, "check stale.yaml");
    assert_non_null(strstr(r.err, "warning: acknowledge[0]: 'no-mog BASE C17' matches no "
                                  "warning of this scenario (warnings: no-mog SITE CLASS, "
                                  "late-close SITE); remove it\n"));
    assert_null(strstr(r.err, "no MOG for class"));
    run_free(&r);
}

/* The sorties table gives loads in the scenario's units (the Niger
 * example is written in pounds). */
static void test_sorties_in_scenario_units(void **state)
{
    fixture *fx = *state;
    char args[512];
    snprintf(args, sizeof args, "plan '%s/examples/niger-2024/scenario.yaml' --sorties",
             DD_SOURCE_DIR);
    run_result r = run(fx, args);
    assert_true(r.status == 0 || r.status == 1);
    assert_non_null(strstr(r.out, "   # tail     site   to   departs (local)  departs (Z)  clr  "
                                  "     lb pal veh pax\n"));
    run_free(&r);
    r = run(fx, "plan scenario.yaml --sorties");
    assert_non_null(strstr(r.out, "   # tail     site   to   departs (local)  departs (Z)  clr  "
                                  "      t pal veh pax\n"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nul_in_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_in_inventory_and_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_in_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_inventory_not_echoed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_string_in_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_not_a_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_to_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_exit_2_says_why, setup, teardown),
        cmocka_unit_test_setup_teardown(test_man_page_covers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plurals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_as_strict_as_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadline_one_instant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_separators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xlsx_inventory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publication_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acknowledged_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sorties_in_scenario_units, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
