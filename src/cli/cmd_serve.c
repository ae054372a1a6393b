/* SPDX-License-Identifier: MIT */
/*
 * drawdown serve LOG: the HTTP server over the event log (docs/serve.md).
 * It runs until SIGINT or SIGTERM; the server's own log (changes, refused
 * accesses — never a password, token or personal name) goes to standard
 * error.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "cli/opt.h"
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

typedef struct serve_args {
    const char *listen, *users, *tls_cert, *tls_key, *key, *sim;
    bool group_writes, no_group_writes, insecure;
    int threads;
} serve_args;

static const dd_opt serve_opts[] = {
    DD_STR(serve_args, "--listen", listen),
    DD_STR(serve_args, "--users", users),
    DD_STR(serve_args, "--tls-cert", tls_cert),
    DD_STR(serve_args, "--tls-key", tls_key),
    DD_STR(serve_args, "--key", key),
    DD_NUM(serve_args, "--threads", DD_OPT_INT, threads, 2, 64),
    DD_FLAG(serve_args, "--group-writes", group_writes), /* the default; for scripts */
    DD_FLAG(serve_args, "--no-group-writes", no_group_writes),
    DD_STR(serve_args, "--sim", sim),
    DD_FLAG(serve_args, "--insecure", insecure),
};

static const dd_cli_spec serve_spec =
    DD_CLI_SPEC("serve", serve_usage, serve_opts, 1, 1, "which log?", "one log at a time");

int dd__cmd_serve(int argc, char **argv)
{
    dd_serve_options o;
    dd_serve_options_init(&o);
    serve_args v = {0};
    dd_cli_args a;
    int code = dd__cli_parse(&serve_spec, argc, argv, &v, &a);
    if (code >= 0)
        return code;
    char addr[64] = "127.0.0.1";
    if (v.listen && dd_serve_parse_listen(v.listen, addr, sizeof addr, &o.port) != DD_OK) {
        fprintf(stderr,
                "drawdown serve: --listen wants ADDR:PORT with a numeric address, got '%s'\n",
                v.listen);
        return DD_EXIT_INPUT;
    }
    o.log_path = a.v[0];
    o.users_path = v.users;
    o.tls_cert = v.tls_cert;
    o.tls_key = v.tls_key;
    o.key_name = v.key;
    o.sim_path = v.sim;
    o.insecure = v.insecure;
    if (v.threads)
        o.threads = (unsigned)v.threads;
    if (v.no_group_writes)
        o.group_writes = false;
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
