/* SPDX-License-Identifier: MIT */
/*
 * Tests of how every command writes its outputs (issue 13, dd_output in
 * src/base/file.c): a new file honours the umask, an existing one keeps its
 * mode, a symbolic link is written through to its target, a FIFO and a
 * character device are written directly and stay what they are, a socket
 * is refused and stays, `-o -` is standard output for every command that
 * writes a file, an output that is one of the command's inputs is refused
 * with exit 2, a missing folder says so, and a failed write leaves neither
 * a changed target nor a temporary file behind.
 *
 * Everything happens inside a mkdtemp folder; no test names a path under
 * /dev (the character device is made with mknod in the folder, when the
 * tests run as root, and skipped otherwise).
 */
#define _GNU_SOURCE /* mknod's S_IFCHR and makedev */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drawdown/base.h>

#include "cli_run.h"

#define TUTORIAL DD_SOURCE_DIR "/examples/tutorial/01-minimal"
#define NIGER_DIR DD_SOURCE_DIR "/examples/niger-2024"

typedef struct fixture {
    char dir[64];
} fixture;

/* Run `prefix` DD_CLI `args` in the fixture's folder; the event log signs
 * with a key kept in the test's folder. */
static run_result run_in(const fixture *fx, const char *prefix, const char *args)
{
    char pre[512];
    snprintf(pre, sizeof pre, "export DRAWDOWN_KEYS=\"$PWD/.keys\" && %s", prefix);
    return dd_test_run_in(fx->dir, pre, args);
}

static run_result run(const fixture *fx, const char *args)
{
    return run_in(fx, "", args);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/dd-test-output-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -r '%s' '%s/tut' && cp -r '%s' '%s/niger'", TUTORIAL, fx->dir,
             NIGER_DIR, fx->dir);
    if (system(cmd) != 0)
        return -1;
    umask(022);
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

static void path_in(const fixture *fx, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", fx->dir, name);
}

static mode_t mode_of(const char *path)
{
    struct stat sb;
    assert_int_equal(lstat(path, &sb), 0);
    return sb.st_mode;
}

/* No file of the folder has ".tmp" in its name. */
static void assert_no_temp(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp"))
            fail_msg("temporary file left behind: %s/%s", dir, e->d_name);
    }
    closedir(d);
}

static void test_new_file_honours_umask(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "plan tut/scenario.yaml -o plan.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    char p[256];
    path_in(fx, "plan.json", p, sizeof p);
    assert_true(S_ISREG(mode_of(p)));
    assert_int_equal(mode_of(p) & 0777, 0644);
    r = run(fx, "simulate tut/scenario.yaml --replications 20 --threads 1 -o sim.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    path_in(fx, "sim.json", p, sizeof p);
    assert_int_equal(mode_of(p) & 0777, 0644);
    r = run(fx, "plan tut/scenario.yaml --csv csv");
    assert_int_equal(r.status, 0);
    run_free(&r);
    path_in(fx, "csv/sorties.csv", p, sizeof p);
    assert_int_equal(mode_of(p) & 0777, 0644);
    static const char *const reports[] = {"b.html", "b.pdf", "b.xlsx", "b.png", "b.svg"};
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        char args[128];
        snprintf(args, sizeof args, "report plan.json -o %s", reports[i]);
        r = run(fx, args);
        assert_int_equal(r.status, 0);
        run_free(&r);
        path_in(fx, reports[i], p, sizeof p);
        assert_int_equal(mode_of(p) & 0777, 0644);
    }
    assert_no_temp(fx->dir);
}

static void test_existing_mode_kept(void **state)
{
    fixture *fx = *state;
    char p[256];
    path_in(fx, "kept.json", p, sizeof p);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("old\n", f);
    fclose(f);
    assert_int_equal(chmod(p, 0640), 0);
    run_result r = run(fx, "plan tut/scenario.yaml -o kept.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    assert_int_equal(mode_of(p) & 0777, 0640);
    char *text = dd_test_slurp(p, NULL);
    assert_non_null(strstr(text, "\"format\": \"drawdown-plan\""));
    free(text);
    /* run as root over a user's file, the file stays the user's */
    if (geteuid() == 0) {
        assert_int_equal(chown(p, 1234, 1234), 0);
        r = run(fx, "plan tut/scenario.yaml -o kept.json");
        assert_int_equal(r.status, 0);
        run_free(&r);
        struct stat sb;
        assert_int_equal(stat(p, &sb), 0);
        assert_int_equal(sb.st_uid, 1234);
        assert_int_equal(sb.st_gid, 1234);
        assert_int_equal(sb.st_mode & 0777, 0640);
    }
}

static void test_symlink_written_through(void **state)
{
    fixture *fx = *state;
    char target[256], link[256], dangling[256], made[256];
    path_in(fx, "target.json", target, sizeof target);
    path_in(fx, "link.json", link, sizeof link);
    FILE *f = fopen(target, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(target, 0600), 0);
    assert_int_equal(symlink("target.json", link), 0);
    run_result r = run(fx, "plan tut/scenario.yaml -o link.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    assert_true(S_ISLNK(mode_of(link)));
    assert_true(S_ISREG(mode_of(target)));
    assert_int_equal(mode_of(target) & 0777, 0600);
    char *text = dd_test_slurp(target, NULL);
    assert_non_null(strstr(text, "drawdown-plan"));
    free(text);
    /* a link to a file not there yet: the file is made where it points */
    path_in(fx, "dangling.json", dangling, sizeof dangling);
    path_in(fx, "made.json", made, sizeof made);
    assert_int_equal(symlink("made.json", dangling), 0);
    r = run(fx, "plan tut/scenario.yaml -o dangling.json");
    assert_int_equal(r.status, 0);
    run_free(&r);
    assert_true(S_ISLNK(mode_of(dangling)));
    assert_true(S_ISREG(mode_of(made)));
    assert_no_temp(fx->dir);
}

static void test_fifo_written_directly(void **state)
{
    fixture *fx = *state;
    char fifo[256], got[256];
    path_in(fx, "pipe", fifo, sizeof fifo);
    path_in(fx, "from-pipe.json", got, sizeof got);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the reader: copy the FIFO into a file */
        int in = open(fifo, O_RDONLY), out = open(got, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char buf[4096];
        ssize_t n;
        while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
            if (write(out, buf, (size_t)n) != n)
                _exit(1);
        _exit(0);
    }
    run_result r = run(fx, "plan tut/scenario.yaml -o pipe");
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_int_equal(r.status, 0);
    run_free(&r);
    assert_true(S_ISFIFO(mode_of(fifo)));
    char *text = dd_test_slurp(got, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "drawdown-plan"));
    free(text);
    assert_no_temp(fx->dir);
}

static void test_char_device_written_directly(void **state)
{
    fixture *fx = *state;
    char dev[256];
    path_in(fx, "null", dev, sizeof dev);
    /* the null device (1, 3), made inside the test's folder */
    if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0) {
        print_message("skipped: mknod needs root\n");
        skip();
    }
    run_result r = run(fx, "plan tut/scenario.yaml -o null");
    assert_int_equal(r.status, 0);
    run_free(&r);
    assert_true(S_ISCHR(mode_of(dev)));
    r = run(fx, "plan tut/scenario.yaml -o p.json");
    run_free(&r);
    r = run(fx, "report p.json -o null --format pdf");
    assert_int_equal(r.status, 0);
    run_free(&r);
    assert_true(S_ISCHR(mode_of(dev)));
    assert_no_temp(fx->dir);
}

static void test_socket_refused_and_kept(void **state)
{
    fixture *fx = *state;
    char sock[256];
    path_in(fx, "sock", sock, sizeof sock);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    run_result r = run(fx, "plan tut/scenario.yaml -o sock");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "sock: error: cannot write (No such device or address)\n1 error\n");
    run_free(&r);
    assert_true(S_ISSOCK(mode_of(sock)));
    close(fd);
}

static void test_stdout(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "plan tut/scenario.yaml -o -");
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "{\n  \"format\": \"drawdown-plan\"", 29);
    assert_non_null(strstr(r.err, "deadline")); /* the text went to stderr */
    run_free(&r);
    char p[256];
    path_in(fx, "-", p, sizeof p);
    assert_int_equal(access(p, F_OK), -1); /* no file named "-" */
    r = run(fx, "simulate tut/scenario.yaml --replications 20 --threads 1 -o -");
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out[0], '{');
    assert_non_null(strstr(r.out, "\"replications\""));
    run_free(&r);
    r = run(fx, "simulate tut/scenario.yaml --replications 20 --threads 1 --json -o -");
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out[0], '{');
    assert_null(strstr(r.out + 1, "\n{")); /* once, not twice */
    run_free(&r);
    r = run(fx, "plan tut/scenario.yaml -o p.json");
    run_free(&r);
    r = run(fx, "report p.json -o - --format pdf");
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "%PDF-", 5);
    run_free(&r);
    r = run(fx, "report p.json -o - --format png");
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "\x89PNG", 4);
    run_free(&r);
    r = run(fx, "report p.json -o - --format xlsx");
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, "PK", 2);
    run_free(&r);
    r = run(fx, "report p.json -o -");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "-: error: standard output needs a format (--format pdf, png, "
                               "svg, xlsx or html)\n1 error\n");
    run_free(&r);
    r = run(fx, "report p.json -o b.pdf --format docx");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "b.pdf: error: unknown format 'docx' (use pdf, png, svg, xlsx or "
                               "html)\n1 error\n");
    run_free(&r);
    /* status: the new plan to standard output, the status to stderr */
    r = run(fx, "keys new tester");
    run_free(&r);
    r = run(fx, "track start t.log niger/scenario.yaml");
    assert_int_equal(r.status, 0);
    run_free(&r);
    r = run(fx, "status t.log -o -");
    assert_true(r.status == 0 || r.status == 1);
    assert_memory_equal(r.out, "{\n  \"format\": \"drawdown-plan\"", 29);
    run_free(&r);
}

static void test_output_is_input(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *args, *err;
    } cases[] = {
        {"plan niger/scenario.yaml -o niger/scenario.yaml",
         "niger/scenario.yaml: error: refusing to write over an input of this command: "
         "niger/scenario.yaml\n1 error\n"},
        {"plan niger/scenario.yaml -o niger/cargo.csv",
         "niger/cargo.csv: error: refusing to write over an input of this command: "
         "niger/cargo.csv\n1 error\n"},
        {"simulate niger/scenario.yaml --replications 5 -o niger/personnel.csv",
         "niger/personnel.csv: error: refusing to write over an input of this command: "
         "niger/personnel.csv\n1 error\n"},
        {"plan niger/scenario.yaml --csv niger",
         "niger/tasks.csv: error: refusing to write over an input of this command: "
         "niger/tasks.csv\n1 error\n"},
        /* through a link to the input: the same file */
        {"plan niger/scenario.yaml -o cargo-link.csv",
         "cargo-link.csv: error: refusing to write over an input of this command: "
         "niger/cargo.csv\n1 error\n"},
        {"status s.log -o s.log",
         "s.log: error: refusing to write over an input of this command: s.log\n1 error\n"},
        {"report q.json -o q.json",
         "q.json: error: refusing to write over an input of this command: q.json\n1 error\n"},
        {"report q.json --sim sim.json -o sim.json",
         "sim.json: error: refusing to write over an input of this command: sim.json\n1 error\n"},
        {"report q.json --scenario niger/scenario.yaml --format pdf -o niger/cargo.csv",
         "niger/cargo.csv: error: refusing to write over an input of this command: "
         "niger/cargo.csv\n1 error\n"},
    };
    char p[256];
    path_in(fx, "cargo-link.csv", p, sizeof p);
    assert_int_equal(symlink("niger/cargo.csv", p), 0);
    run_result r = run(fx, "plan niger/scenario.yaml -o q.json");
    run_free(&r);
    r = run(fx, "simulate niger/scenario.yaml --replications 5 -o sim.json");
    run_free(&r);
    r = run(fx, "keys new tester");
    run_free(&r);
    r = run(fx, "track start s.log niger/scenario.yaml");
    assert_int_equal(r.status, 0);
    run_free(&r);
    char before[4096];
    snprintf(before, sizeof before, "cd '%s' && md5sum niger/* s.log q.json sim.json > sums.md5",
             fx->dir);
    assert_int_equal(system(before), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = run(fx, cases[i].args);
        if (r.status != 2 || strcmp(r.err, cases[i].err) != 0)
            fail_msg("%s: exit %d, stderr:\n%s", cases[i].args, r.status, r.err);
        run_free(&r);
    }
    snprintf(before, sizeof before, "cd '%s' && md5sum --quiet -c sums.md5", fx->dir);
    assert_int_equal(system(before), 0);
    assert_no_temp(fx->dir);
}

static void test_missing_folder(void **state)
{
    fixture *fx = *state;
    run_result r = run(fx, "plan tut/scenario.yaml -o nowhere/plan.json");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "nowhere/plan.json: error: no such folder: nowhere\n1 error\n");
    run_free(&r);
    r = run(fx, "simulate tut/scenario.yaml --replications 5 -o nowhere/sim.json");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "nowhere/sim.json: error: no such folder: nowhere\n1 error\n");
    run_free(&r);
    r = run(fx, "plan tut/scenario.yaml -o p.json");
    run_free(&r);
    r = run(fx, "report p.json -o nowhere/b.pdf");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "nowhere/b.pdf: error: no such folder: nowhere\n1 error\n");
    run_free(&r);
    r = run(fx, "plan tut/scenario.yaml --csv nowhere/csv");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "nowhere/csv: error: no such folder to create it in\n"));
    run_free(&r);
    r = run(fx, "plan tut/scenario.yaml -o tut");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "tut: error: is a folder, not a file\n1 error\n");
    run_free(&r);
}

/* A write that fails half-way (the file size limit) leaves the target as
 * it was and no temporary file. */
static void test_failed_write_leaves_nothing(void **state)
{
    fixture *fx = *state;
    char p[256];
    path_in(fx, "big.json", p, sizeof p);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("before\n", f);
    fclose(f);
    run_result r = run_in(fx, "trap '' XFSZ; ulimit -f 4;", "plan niger/scenario.yaml -o big.json");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "big.json: error: cannot write (File too large)\n"));
    run_free(&r);
    char *text = dd_test_slurp(p, NULL);
    assert_string_equal(text, "before\n");
    free(text);
    r = run(fx, "plan niger/scenario.yaml -o q.json");
    run_free(&r);
    r = run_in(fx, "trap '' XFSZ; ulimit -f 4;", "report q.json -o big.pdf");
    assert_int_equal(r.status, 2);
    run_free(&r);
    path_in(fx, "big.pdf", p, sizeof p);
    assert_int_equal(access(p, F_OK), -1);
    assert_no_temp(fx->dir);
}

/* The library alone: dd_output_check's messages. */
static void test_library_check(void **state)
{
    fixture *fx = *state;
    dd_diags d;
    dd_diags_init(&d, 10);
    char p[256], in[256];
    path_in(fx, "tut/cargo.csv", in, sizeof in);
    const char *inputs[] = {in};
    assert_int_equal(dd_output_check(in, inputs, 1, &d), DD_EARG);
    assert_int_equal(d.n_items, 1);
    char want[512];
    snprintf(want, sizeof want, "refusing to write over an input of this command: %s", in);
    assert_string_equal(d.items[0].message, want);
    assert_string_equal(d.items[0].file, in);
    path_in(fx, "tut/new.csv", p, sizeof p);
    assert_int_equal(dd_output_check(p, inputs, 1, &d), DD_OK);
    assert_int_equal(dd_output_check("-", inputs, 1, &d), DD_OK);
    dd_diags_fini(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_file_honours_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_existing_mode_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlink_written_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_written_directly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_char_device_written_directly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_refused_and_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stdout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_is_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_library_check, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
