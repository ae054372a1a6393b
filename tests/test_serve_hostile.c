/* SPDX-License-Identifier: MIT */
/*
 * drawdown serve against hostile clients: no session, an expired one, a
 * stolen cookie replayed after logout, a missing or wrong CSRF token,
 * path traversal, a 10 MB body, malformed JSON, 10,000 headers, slow
 * clients (one byte a second) that must not hold the server, brute-force
 * logins; and the crash test: the server process killed (SIGKILL) while
 * 32 clients post events — after a restart every event a client got a
 * 2xx for is in the log, once, and the log verifies (before the restart
 * too, with the WAL the killed server left); a server stopped leaves the
 * log one file, which verifies from read-only media.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "serve_util.h"

static fixture fx;

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int group_setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    if (fixture_files(&fx))
        return -1;
    dd_serve_options o;
    dd_serve_options_init(&o);
    o.timeout_s = 2;          /* idle connections dropped after 2 s */
    o.session_idle_s = 2;     /* sessions expire after 2 s idle */
    o.login_fail_user = 5;
    o.login_fail_addr = 40;
    return fixture_start(&fx, &o);
}

static int group_teardown(void **state)
{
    (void)state;
    fixture_free(&fx);
    curl_global_cleanup();
    return 0;
}

static void expect(const char *method, const char *path, const char *body, const session *s,
                   const char *csrf, long code)
{
    resp r = request_ex(fx.port, method, path, body, s, csrf, 5000);
    if (r.code != code)
        fprintf(stderr, "%s %s: %ld (%s), want %ld\n", method, path, r.code, r.body, code);
    assert_int_equal(r.code, code);
    resp_free(&r);
}

typedef struct stream_arg {
    const session *sess;
    long code;
    CURLcode err;
} stream_arg;

static void *stream_main(void *arg)
{
    stream_arg *x = arg;
    resp r = request_ex(fx.port, "GET", "/api/v1/stream", NULL, x->sess, NULL, 5000);
    x->code = r.code;
    x->err = r.err;
    resp_free(&r);
    return NULL;
}

static void test_sessions(void **state)
{
    (void)state;
    session pl;
    expect("GET", "/api/v1/status", NULL, NULL, NULL, 401);
    session forged;
    snprintf(forged.token, sizeof forged.token, "%064d", 0);
    expect("GET", "/api/v1/status", NULL, &forged, NULL, 401);
    snprintf(forged.token, sizeof forged.token, "../../etc/passwd");
    expect("GET", "/api/v1/status", NULL, &forged, NULL, 401);

    /* missing and wrong CSRF tokens: refused, nothing added */
    assert_int_equal(login_as(fx.port, "pl", PASSWORD, &pl), 200);
    const char *note = "{\"time\":\"2024-05-20T05:00Z\",\"event\":\"note\",\"note\":\"x\"}";
    expect("POST", "/api/v1/events", note, &pl, NULL, 403);
    char wrong[80];
    snprintf(wrong, sizeof wrong, "%s", pl.csrf);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    expect("POST", "/api/v1/events", note, &pl, wrong, 403);
    expect("POST", "/api/v1/events", note, &pl, "short", 403);
    /* another user's CSRF token does not do either */
    session co;
    assert_int_equal(login_as(fx.port, "co", PASSWORD, &co), 200);
    expect("POST", "/api/v1/plan/accept", "{}", &co, pl.csrf, 403);
    expect("POST", "/api/v1/events", note, &pl, pl.csrf, 201);

    /* a stolen cookie replayed after logout */
    session stolen = pl;
    expect("POST", "/api/v1/logout", "{}", &pl, pl.csrf, 200);
    expect("GET", "/api/v1/status", NULL, &stolen, NULL, 401);
    expect("POST", "/api/v1/events", note, &stolen, stolen.csrf, 401);

    /* a stream ends with its session */
    session st;
    assert_int_equal(login_as(fx.port, "pl", PASSWORD, &st), 200);
    stream_arg sa = {.sess = &st};
    pthread_t t;
    pthread_create(&t, NULL, stream_main, &sa);
    pause_ms(300);
    double t0 = mono();
    expect("POST", "/api/v1/logout", "{}", &st, st.csrf, 200);
    pthread_join(t, NULL);
    assert_int_equal(sa.code, 200);
    assert_int_equal(sa.err, CURLE_OK); /* ended by the server, not timed out */
    print_message("stream ended %.3f s after the logout\n", mono() - t0);

    /* an idle session expires (2 s here) */
    session vw;
    assert_int_equal(login_as(fx.port, "vw", PASSWORD, &vw), 200);
    expect("GET", "/api/v1/status", NULL, &vw, NULL, 200);
    pause_ms(3100);
    expect("GET", "/api/v1/status", NULL, &vw, NULL, 401);
}

static void test_bad_requests(void **state)
{
    (void)state;
    session pl;
    assert_int_equal(login_as(fx.port, "pl", PASSWORD, &pl), 200);
    /* path traversal: never a file, never 200 */
    const char *const paths[] = {
        "/api/v1/../../../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/clearances/..%2f..%2fetc%2fpasswd", "/static/../../etc/passwd",
        "/../../etc/passwd", "/api/v1//status", "/api/v1/status%00.json",
        "/api/v1/briefing.pdf/../../../etc/passwd"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        resp r = request_ex(fx.port, "GET", paths[i], NULL, &pl, NULL, 5000);
        if (r.code != 400 && r.code != 404)
            fprintf(stderr, "%s: %ld\n", paths[i], r.code);
        assert_true(r.code == 400 || r.code == 404);
        assert_null(strstr(r.body, "root:"));
        resp_free(&r);
    }
    /* malformed JSON */
    const char *const bodies[] = {"{", "[1,2", "{\"events\":", "\"just a string\"", "[]",
                                  "{\"events\":{}}", "{\"events\":[1]}", "\x01\x02\xff",
                                  "{\"event\":\"note\",\"note\":\"a\nb\"}"};
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        resp r = request(fx.port, "POST", "/api/v1/events", bodies[i], &pl);
        if (r.code != 400)
            fprintf(stderr, "body %zu: %ld %s\n", i, r.code, r.body);
        assert_int_equal(r.code, 400);
        resp_free(&r);
    }
    expect("POST", "/api/v1/login", "{\"user\":[1],\"password\":2}", NULL, NULL, 400);
    /* a 10 MB body: refused before it is read */
    size_t big = 10u << 20;
    char *body = malloc(big + 1);
    memset(body, 'a', big);
    body[big] = 0;
    double t0 = mono();
    resp r = request(fx.port, "POST", "/api/v1/events", body, &pl);
    assert_true(r.code == 413 || (r.code == 0 && r.err != CURLE_OK));
    assert_true(mono() - t0 < 5.0);
    resp_free(&r);
    /* the same without a length (chunked): cut off once past the limit */
    CURL *ch = curl_easy_init();
    char url0[128], cookie[160], token[120];
    snprintf(url0, sizeof url0, "http://127.0.0.1:%u/api/v1/events", (unsigned)fx.port);
    snprintf(cookie, sizeof cookie, "Cookie: dd_session=%s", pl.token);
    snprintf(token, sizeof token, "X-CSRF-Token: %s", pl.csrf);
    struct curl_slist *hh = curl_slist_append(NULL, cookie);
    hh = curl_slist_append(hh, token);
    hh = curl_slist_append(hh, "Transfer-Encoding: chunked");
    resp cr;
    memset(&cr, 0, sizeof cr);
    curl_easy_setopt(ch, CURLOPT_URL, url0);
    curl_easy_setopt(ch, CURLOPT_HTTPHEADER, hh);
    curl_easy_setopt(ch, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(ch, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(ch, CURLOPT_WRITEDATA, &cr);
    curl_easy_setopt(ch, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(ch, CURLOPT_NOSIGNAL, 1L);
    t0 = mono();
    curl_easy_perform(ch);
    long ccode = 0;
    curl_easy_getinfo(ch, CURLINFO_RESPONSE_CODE, &ccode);
    assert_true(ccode < 200 || ccode >= 300);
    assert_true(mono() - t0 < 5.0);
    curl_slist_free_all(hh);
    curl_easy_cleanup(ch);
    free(cr.body);
    free(body);
    /* 10,000 headers: refused (the request head is limited) */
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    for (int i = 0; i < 10000; i++) {
        char line[64];
        snprintf(line, sizeof line, "X-Filler-%d: %d", i, i);
        h = curl_slist_append(h, line);
    }
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/status", (unsigned)fx.port);
    resp hr;
    memset(&hr, 0, sizeof hr);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &hr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode e = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    assert_true(code == 431 || code == 413 || code == 400 || (code == 0 && e != CURLE_OK));
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(hr.body);
    /* still serving; and a head of 8 KiB (a browser with many cookies) is
     * under the limit (16 KiB: docs/serve.md) */
    expect("GET", "/api/v1/status", NULL, &pl, NULL, 200);
    c = curl_easy_init();
    h = curl_slist_append(NULL, cookie);
    for (int i = 0; i < 100; i++) {
        char line[96];
        snprintf(line, sizeof line, "X-Filler-%03d: %070d", i, i);
        h = curl_slist_append(h, line);
    }
    memset(&hr, 0, sizeof hr);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &hr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    assert_int_equal(code, 200);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(hr.body);
}

/* A socket to the server. */
static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(fx.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Slow clients: 64 connections sending one byte a second hold no worker
 * (requests go on being answered at once), and a connection that stops
 * sending is dropped after the timeout (2 s here). */
static void test_slow_clients(void **state)
{
    (void)state;
    session vw;
    assert_int_equal(login_as(fx.port, "vw", PASSWORD, &vw), 200);
    enum { N = 64 };
    int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = dial();
        assert_true(fds[i] >= 0);
    }
    static const char head[] = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (int sec = 0; sec < 3; sec++) {
        for (int i = 0; i < N; i++)
            assert_true(send(fds[i], sec == 0 ? head : "a", sec == 0 ? sizeof head - 1 : 1,
                             MSG_NOSIGNAL) > 0);
        double t0 = mono();
        resp r = request(fx.port, "GET", "/api/v1/status", NULL, &vw);
        assert_int_equal(r.code, 200);
        assert_true(mono() - t0 < 2.0); /* held workers would hang it */
        resp_free(&r);
        pause_ms(1000);
    }
    for (int i = 0; i < N; i++)
        close(fds[i]);
    /* a client that goes quiet is dropped */
    int fd = dial();
    assert_true(send(fd, head, sizeof head - 1, MSG_NOSIGNAL) > 0);
    struct pollfd p = {fd, POLLIN, 0};
    double t0 = mono();
    int rc = poll(&p, 1, 6000);
    assert_int_equal(rc, 1);
    char buf[512];
    ssize_t k = recv(fd, buf, sizeof buf, 0);
    assert_true(k <= 0 || mono() - t0 > 1.5); /* closed (or an error reply) after the timeout */
    assert_true(mono() - t0 < 5.0);
    close(fd);
}

static void test_brute_force(void **state)
{
    (void)state;
    session s;
    /* 5 failures for a user, then even the right password waits */
    for (int i = 0; i < 5; i++)
        assert_int_equal(login_as(fx.port, "rp", "guess number one", &s), 401);
    assert_int_equal(login_as(fx.port, "rp", "guess number six", &s), 429);
    assert_int_equal(login_as(fx.port, "rp", PASSWORD, &s), 429);
    /* other users are not locked out by it */
    assert_int_equal(login_as(fx.port, "hl", PASSWORD, &s), 200);
}

/* ---- the crash test ---------------------------------------------------------------- */

typedef struct child {
    pid_t pid;
    uint16_t port;
} child;

/* drawdown serve LOG on an ephemeral port, in its own process. */
static int spawn(child *c)
{
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    c->pid = fork();
    if (c->pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        char errfile[400];
        snprintf(errfile, sizeof errfile, "%s/serve.err", fx.dir);
        int err = open(errfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (err >= 0)
            dup2(err, STDERR_FILENO);
        execl(DD_CLI, DD_CLI, "serve", fx.log, "--listen", "127.0.0.1:0", "--users", fx.users,
              "--threads", "4", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char line[512] = "";
    FILE *f = fdopen(pipefd[0], "r");
    bool ok = f && fgets(line, sizeof line, f);
    if (f)
        fclose(f);
    const char *p = ok ? strstr(line, "127.0.0.1:") : NULL;
    c->port = p ? (uint16_t)atoi(p + strlen("127.0.0.1:")) : 0;
    if (!c->port) {
        /* what the server said */
        char errfile[400], text[2048] = "";
        snprintf(errfile, sizeof errfile, "%s/serve.err", fx.dir);
        FILE *e = fopen(errfile, "r");
        if (e) {
            size_t n = fread(text, 1, sizeof text - 1, e);
            text[n] = 0;
            fclose(e);
        }
        fprintf(stderr, "drawdown serve did not start: %s\n", text);
    }
    return c->port ? 0 : -1;
}

enum { CLIENTS = 32, MAX_POSTS = 400 };

typedef struct poster {
    uint16_t port;
    const session *sess;
    int id;
    int n_ok;
    long event[MAX_POSTS]; /* the event number each 2xx named */
    int seq[MAX_POSTS];
    atomic_bool *stop;
} poster;

static void *post_main(void *arg)
{
    poster *x = arg;
    for (int k = 0; k < MAX_POSTS && !atomic_load(x->stop); k++) {
        char body[160];
        snprintf(body, sizeof body,
                 "{\"time\":\"2024-05-20T05:00Z\",\"event\":\"note\","
                 "\"note\":\"client %d post %d\"}",
                 x->id, k);
        resp r = request_ex(x->port, "POST", "/api/v1/events", body, x->sess, x->sess->csrf,
                            5000);
        if (r.code >= 200 && r.code < 300) {
            const char *a = strstr(r.body, "\"added\":[");
            x->event[x->n_ok] = a ? atol(a + strlen("\"added\":[")) : -1;
            x->seq[x->n_ok] = k;
            x->n_ok++;
        }
        bool refused = r.code == 0;
        resp_free(&r);
        if (refused)
            break; /* the server is gone */
    }
    return NULL;
}

/* Whether a file named path + suffix is there. */
static bool beside(const char *suffix)
{
    char path[400];
    snprintf(path, sizeof path, "%s%s", fx.log, suffix);
    return access(path, F_OK) == 0;
}

/* The log at rest is one file in rollback mode (SQLite header bytes 18
 * and 19: 1; WAL: 2): nothing beside it. */
static void at_rest(void)
{
    assert_false(beside("-wal"));
    assert_false(beside("-shm"));
    assert_false(beside("-journal"));
    unsigned char h[20];
    FILE *f = fopen(fx.log, "rb");
    assert_non_null(f);
    assert_int_equal(fread(h, 1, sizeof h, f), sizeof h);
    fclose(f);
    assert_int_equal(h[18], 1);
    assert_int_equal(h[19], 1);
}

/* track verify of the log, as the user `as` (setpriv, or "") */
static int verify_cli(const char *as)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cd / && %s'%s' track verify '%s' > '%s/verify.out' 2>&1", as,
             DD_CLI, fx.log, as[0] ? "/tmp" : fx.dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The log the server wrote, on read-only media: a folder its reader
 * cannot write (as root the reader runs as nobody; skipped when that
 * cannot be done). Nothing is written beside it. */
static void read_only(void)
{
    char cmd[1200] = "";
    const char *as = "";
    if (geteuid() == 0) {
        as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        snprintf(cmd, sizeof cmd, "%s test -r '%s' -a -r '%s' -a -x '%s' 2>/dev/null", as,
                 fx.log, NIGER, DD_CLI);
    }
    assert_int_equal(chmod(fx.dir, 0555), 0);
    assert_int_equal(chmod(fx.log, 0444), 0);
    if (as[0] && system(cmd) != 0) {
        print_message("read-only test skipped: cannot read the log, the scenario or the "
                      "program as nobody\n");
    } else {
        assert_int_equal(verify_cli(as), 0);
        at_rest();
    }
    assert_int_equal(chmod(fx.dir, 0700), 0);
    assert_int_equal(chmod(fx.log, 0600), 0);
}

static void test_crash(void **state)
{
    (void)state;
    /* the in-process server stops first: the log is one file again */
    dd_server_stop(fx.srv);
    fx.srv = NULL;
    at_rest();
    child c;
    assert_int_equal(spawn(&c), 0);
    session pl;
    assert_int_equal(login_as(c.port, "pl", PASSWORD, &pl), 200);
    atomic_bool stop = false;
    poster *ps = calloc(CLIENTS, sizeof *ps);
    pthread_t t[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        ps[i] = (poster){.port = c.port, .sess = &pl, .id = i, .stop = &stop};
        pthread_create(&t[i], NULL, post_main, &ps[i]);
    }
    pause_ms(1500);
    kill(c.pid, SIGKILL);
    int status;
    waitpid(c.pid, &status, 0);
    atomic_store(&stop, true);
    int acked = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(t[i], NULL);
        acked += ps[i].n_ok;
    }
    assert_true(acked > 0);
    /* killed while holding the log: its WAL is beside it, and the log
     * verifies as it is */
    assert_true(beside("-wal"));
    assert_int_equal(verify_cli(""), 0);

    /* restarted (opening the log writable recovers it) */
    assert_int_equal(spawn(&c), 0);
    assert_int_equal(login_as(c.port, "pl", PASSWORD, &pl), 200);

    /* every acknowledged event is in the log, as posted, once; it verifies */
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_track *tr = NULL;
    dd_scenario *s = NULL;
    dd_events *ev = NULL;
    int64_t bad = -1;
    dd_status st = dd_track_open(fx.log, false, &d, &tr);
    if (st != DD_OK)
        fprintf(stderr, "%s\n", d.n_items ? d.items[0].message : "?");
    assert_int_equal(st, DD_OK);
    assert_int_equal(dd_track_verify(tr, &bad, &d), DD_OK);
    assert_int_equal(dd_scenario_load(NIGER, &d, &s), DD_OK);
    assert_int_equal(dd_track_events(tr, s, &d, &ev), DD_OK);
    for (int i = 0; i < CLIENTS; i++)
        for (int k = 0; k < ps[i].n_ok; k++) {
            long n = ps[i].event[k];
            assert_true(n >= 1 && (size_t)n <= ev->n);
            char want[64];
            snprintf(want, sizeof want, "client %d post %d", i, ps[i].seq[k]);
            assert_string_equal(ev->v[n - 1].note, want);
        }
    /* no note twice */
    for (size_t a = 0; a < ev->n; a++)
        for (size_t b = a + 1; b < ev->n; b++)
            if (ev->v[a].kind == DD_EV_NOTE && !strncmp(ev->v[a].note, "client ", 7))
                assert_string_not_equal(ev->v[a].note, ev->v[b].note);
    size_t n_events = ev->n;
    dd_events_free(ev);
    dd_scenario_free(s);
    dd_track_close(tr);
    dd_diags_fini(&d);
    free(ps);

    /* and so does drawdown track verify */
    assert_int_equal(verify_cli(""), 0);

    /* the restarted server serves the log as it is */
    resp r = request(c.port, "GET", "/api/v1/status", NULL, &pl);
    assert_int_equal(r.code, 200);
    char want[64];
    snprintf(want, sizeof want, "\"events\":%zu", n_events);
    assert_non_null(strstr(r.body, want));
    resp_free(&r);
    kill(c.pid, SIGTERM);
    waitpid(c.pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* stopped: one file again, readable from read-only media */
    at_rest();
    read_only();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sessions),     cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_slow_clients), cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_crash),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
