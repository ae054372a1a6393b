/* SPDX-License-Identifier: MIT */
/*
 * drawdown serve LOG: the HTTP server over the event log (docs/serve.md).
 * It runs until SIGINT or SIGTERM; the server's own log (changes, refused
 * accesses — never a password, token or personal name) goes to standard
 * error.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include <drawdown/report.h>
#include <drawdown/serve.h>

static const char serve_usage[] =
    "usage: drawdown serve LOG [--listen ADDR:PORT] [--users USERS.db]\n"
    "                          [--tls-cert CERT.pem --tls-key KEY.pem] [--insecure]\n"
    "                          [--key NAME] [--threads N] [--no-group-writes]\n"
    "                          [--sim RESULT.json]\n"
    "\n"
    "Serve the withdrawal tracked in LOG over HTTP (JSON under /api/v1/) to\n"
    "the users of USERS.db (drawdown users), each with what their role\n"
    "allows (docs/serve.md). Default 127.0.0.1:8080 (port 0: any free port);\n"
    "an address other than loopback needs TLS, or --insecure. The events the\n"
    "server adds are signed with the key NAME (default: the first key).\n"
    "Event posts waiting together are each checked alone, then added in one\n"
    "transaction (one disk sync, one signed batch); --no-group-writes: one\n"
    "transaction per request. --sim: the simulation result (drawdown simulate\n"
    "-o) whose P(deadline) and P(every term) the dashboard shows, read again\n"
    "when the file changes.\n";

int dd__cmd_serve(int argc, char **argv)
{
    dd_serve_options o;
    dd_serve_options_init(&o);
    char addr[64] = "127.0.0.1";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(serve_usage, stdout);
            return DD_EXIT_OK;
        } else if (!strcmp(a, "--listen") && has) {
            if (dd_serve_parse_listen(argv[++i], addr, sizeof addr, &o.port) != DD_OK) {
                fprintf(stderr,
                        "drawdown serve: --listen takes ADDR:PORT with a numeric address, "
                        "got '%s'\n",
                        argv[i]);
                return DD_EXIT_INPUT;
            }
        } else if (!strcmp(a, "--users") && has) {
            o.users_path = argv[++i];
        } else if (!strcmp(a, "--tls-cert") && has) {
            o.tls_cert = argv[++i];
        } else if (!strcmp(a, "--tls-key") && has) {
            o.tls_key = argv[++i];
        } else if (!strcmp(a, "--key") && has) {
            o.key_name = argv[++i];
        } else if (!strcmp(a, "--threads") && has) {
            long v = strtol(argv[++i], NULL, 10);
            if (v < 2 || v > 64) {
                fprintf(stderr, "drawdown serve: --threads takes 2 to 64\n");
                return DD_EXIT_INPUT;
            }
            o.threads = (unsigned)v;
        } else if (!strcmp(a, "--group-writes")) {
            o.group_writes = true; /* the default; kept for scripts */
        } else if (!strcmp(a, "--no-group-writes")) {
            o.group_writes = false;
        } else if (!strcmp(a, "--sim") && has) {
            o.sim_path = argv[++i];
        } else if (!strcmp(a, "--insecure")) {
            o.insecure = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "drawdown serve: unknown option '%s'\n%s", a, serve_usage);
            return DD_EXIT_INPUT;
        } else if (!o.log_path) {
            o.log_path = a;
        } else {
            fputs(serve_usage, stderr);
            return DD_EXIT_INPUT;
        }
    }
    if (!o.log_path) {
        fputs(serve_usage, stderr);
        return DD_EXIT_INPUT;
    }
    o.address = addr;
    o.log = stderr;
    if (!o.users_path)
        fprintf(stderr, "drawdown serve: no --users file: nobody can log in\n");
    /* streams hold a descriptor each: as many as the system allows */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* the signals are taken by this thread only (sigwait) */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_server *srv = NULL;
    dd_status st = dd_server_start(&o, &d, &srv);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st != DD_OK) {
        fprintf(stderr, "drawdown serve: not started (%s)\n", dd_status_str(st));
        return dd__cli_exit_for(st == DD_EARG ? DD_EINPUT : st);
    }
    bool v6 = strchr(addr, ':') != NULL;
    printf("Serving %s on %s://%s%s%s:%u/api/v1/ (Ctrl-C stops)\n", o.log_path,
           o.tls_cert ? "https" : "http", v6 ? "[" : "", addr, v6 ? "]" : "",
           (unsigned)dd_server_port(srv));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    dd_server_stop(srv);
    dd_report_global_cleanup();
    fprintf(stderr, "drawdown serve: stopped\n");
    return DD_EXIT_OK;
}
