/* SPDX-License-Identifier: MIT */
/*
 * drawdown track start|add|log|verify, and drawdown status: the event log
 * and where the withdrawal stands against its plan (docs/track.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include <drawdown/track.h>

static const char track_usage[] =
    "usage: drawdown track start LOG SCENARIO [--seed N] [--objective margin|completion]\n"
    "       drawdown track add LOG EVENTS.csv   (- reads standard input)\n"
    "       drawdown track log LOG\n"
    "       drawdown track verify LOG\n"
    "\n"
    "Keep the event log of a withdrawal: start it with the plan being\n"
    "executed, add what happened (a CSV of events: docs/track.md), list the\n"
    "events, or check that no row was altered. See also: drawdown status.\n";

static const char status_usage[] =
    "usage: drawdown status LOG [--at TIME] [--all] [--json] [-o NEWPLAN.json]\n"
    "\n"
    "Where the withdrawal stands at TIME (default: the last event): sorties\n"
    "gone against the plan, clearance requests overdue or denied, late\n"
    "tasks, people and cargo out per site, and the plan made again from\n"
    "now: projected last departure, the deadline and closing dates, requests\n"
    "to file anew. Exit status 1 when the projection misses a term.\n"
    "--all lists every sortie and task that needs attention; -o writes the\n"
    "new plan as a plan file (for drawdown verify and drawdown report);\n"
    "--json prints the status for machines (docs/track.md).\n";

/* The log's scenario and plan, built again and compared with the log. */
typedef struct opened {
    dd_track *t;
    dd_scenario *s;
    dd_plan *p;
} opened;

static void closed(opened *o)
{
    dd_plan_free(o->p);
    dd_scenario_free(o->s);
    dd_track_close(o->t);
}

static int open_log(const char *cmd, const char *path, bool writable, opened *o)
{
    memset(o, 0, sizeof *o);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_track_open(path, writable, &d, &o->t);
    const dd_track_info *info = st == DD_OK ? dd_track_get_info(o->t) : NULL;
    if (st == DD_OK)
        st = dd_scenario_load(info->scenario, &d, &o->s);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st != DD_OK) {
        closed(o);
        return dd__cli_exit_for(st);
    }
    dd_plan_options opt;
    dd_plan_options_init(&opt);
    opt.seed = info->seed;
    opt.objective = (dd_plan_objective)info->objective;
    char hex[65];
    st = dd_plan_build(o->s, &opt, &o->p);
    if (st == DD_OK)
        st = dd_track_plan_hash(o->p, info->scenario, hex);
    if (st != DD_OK) {
        fprintf(stderr, "drawdown %s: %s\n", cmd, dd_status_str(st));
        closed(o);
        return dd__cli_exit_for(st);
    }
    if (strcmp(hex, info->plan_sha256)) {
        fprintf(stderr,
                "%s: error: the plan built from %s is not the plan this log was started "
                "with (the scenario or its inventories changed since); start a new log\n",
                path, info->scenario);
        closed(o);
        return DD_EXIT_INPUT;
    }
    return DD_EXIT_OK;
}

static int need_args(int argc, int n, const char *usage)
{
    if (argc < n) {
        fprintf(stderr, "%s", usage);
        return DD_EXIT_INPUT;
    }
    return DD_EXIT_OK;
}

static int track_start(int argc, char **argv)
{
    const char *log = NULL, *scen = NULL;
    dd_plan_options opt;
    dd_plan_options_init(&opt);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--seed") && i + 1 < argc) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || errno || argv[i][0] == '-') {
                fprintf(stderr, "drawdown track: --seed needs a whole number, got '%s'\n",
                        argv[i]);
                return DD_EXIT_INPUT;
            }
            opt.seed = v;
        } else if (!strcmp(a, "--objective") && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(v, "margin"))
                opt.objective = DD_OBJ_MARGIN;
            else if (!strcmp(v, "completion"))
                opt.objective = DD_OBJ_COMPLETION;
            else {
                fprintf(stderr,
                        "drawdown track: --objective is margin or completion, got '%s'\n", v);
                return DD_EXIT_INPUT;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "drawdown track: unknown option '%s'\n%s", a, track_usage);
            return DD_EXIT_INPUT;
        } else if (!log) {
            log = a;
        } else if (!scen) {
            scen = a;
        } else {
            fprintf(stderr, "%s", track_usage);
            return DD_EXIT_INPUT;
        }
    }
    if (!log || !scen) {
        fprintf(stderr, "%s", track_usage);
        return DD_EXIT_INPUT;
    }
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_scenario *s = NULL;
    dd_plan *p = NULL;
    dd_status st = dd_scenario_load(scen, &d, &s);
    if (st == DD_OK)
        st = dd_plan_build(s, &opt, &p);
    if (st == DD_OK)
        st = dd_track_create(log, p, scen, &d);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK) {
        char a[40];
        dd_scenario_format_time(s, p->completion, 0, a, sizeof a);
        printf("Started %s for %s: %zu sorties, %zu clearance requests, last departure %s\n",
               log, s->name, p->n_sorties, p->n_clearances, a);
    }
    dd_plan_free(p);
    dd_scenario_free(s);
    return dd__cli_exit_for(st);
}

static int track_add(int argc, char **argv)
{
    if (need_args(argc, 2, track_usage) || argc > 2)
        return DD_EXIT_INPUT;
    opened o;
    int code = open_log("track", argv[0], true, &o);
    if (code)
        return code;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *add = NULL;
    dd_status st = dd_events_load(o.s, argv[1], &d, &add);
    if (st == DD_OK)
        st = dd_track_append(o.t, o.p, add, NULL, &d);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK)
        printf("Added %zu event%s to %s (%lld in all)\n", add->n, add->n == 1 ? "" : "s",
               argv[0], (long long)dd_track_get_info(o.t)->n_events);
    else if (st == DD_EINPUT)
        fprintf(stderr, "drawdown track: nothing was added\n");
    dd_events_free(add);
    closed(&o);
    return dd__cli_exit_for(st);
}

static int track_log(int argc, char **argv)
{
    if (need_args(argc, 1, track_usage) || argc > 1)
        return DD_EXIT_INPUT;
    opened o;
    int code = open_log("track", argv[0], false, &o);
    if (code)
        return code;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *ev = NULL;
    dd_status st = dd_track_events(o.t, o.s, &d, &ev);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK) {
        /* per event: the retraction that voids it (0: none) */
        size_t *by_of = calloc(ev->n + 1, sizeof *by_of);
        if (!by_of) {
            dd_events_free(ev);
            closed(&o);
            return dd__cli_exit_for(DD_ENOMEM);
        }
        for (size_t k = 0; k < ev->n; k++)
            if (ev->v[k].kind == DD_EV_RETRACTED && ev->v[k].ref >= 1 &&
                (size_t)ev->v[k].ref <= ev->n)
                by_of[ev->v[k].ref - 1] = k + 1;
        printf("%-4s %-17s %-18s %-10s %s\n", "#", "Time", "Event", "Subject", "Value / note");
        for (size_t i = 0; i < ev->n; i++) {
            const dd_event *e = &ev->v[i];
            char a[40], by[40] = "";
            dd_scenario_format_time(o.s, e->at, 0, a, sizeof a);
            if (by_of[i])
                snprintf(by, sizeof by, " [retracted by %zu]", by_of[i]);
            printf("%-4zu %-17s %-18s %-10.10s %s%s%s%s\n", i + 1, a,
                   dd_event_kind_name(e->kind), e->subject, e->value,
                   *e->value && *e->note ? " " : "", e->note, by);
        }
        free(by_of);
    }
    dd_events_free(ev);
    closed(&o);
    return dd__cli_exit_for(st);
}

static int track_verify(int argc, char **argv)
{
    if (need_args(argc, 1, track_usage) || argc > 1)
        return DD_EXIT_INPUT;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    int64_t bad = -1;
    dd_status st = dd_track_open(argv[0], false, &d, &t);
    if (st == DD_OK)
        st = dd_track_verify(t, &bad, &d);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK)
        printf("%s: the chain holds: header and %lld events as written\n", argv[0],
               (long long)dd_track_get_info(t)->n_events);
    dd_track_close(t);
    return st == DD_EINPUT ? DD_EXIT_FAIL : dd__cli_exit_for(st);
}

int dd__cmd_track(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(track_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? DD_EXIT_INPUT : DD_EXIT_OK;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "start"))
        return track_start(argc - 2, argv + 2);
    if (!strcmp(sub, "add"))
        return track_add(argc - 2, argv + 2);
    if (!strcmp(sub, "log"))
        return track_log(argc - 2, argv + 2);
    if (!strcmp(sub, "verify"))
        return track_verify(argc - 2, argv + 2);
    fprintf(stderr, "drawdown track: unknown subcommand '%s'\n%s", sub, track_usage);
    return DD_EXIT_INPUT;
}

int dd__cmd_status(int argc, char **argv)
{
    const char *log = NULL, *at_text = NULL, *out = NULL;
    bool all = false, json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(status_usage, stdout);
            return DD_EXIT_OK;
        } else if (!strcmp(a, "--all")) {
            all = true;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--at") && i + 1 < argc) {
            at_text = argv[++i];
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            out = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "drawdown status: unknown option '%s'\n%s", a, status_usage);
            return DD_EXIT_INPUT;
        } else if (!log) {
            log = a;
        } else {
            fputs(status_usage, stderr);
            return DD_EXIT_INPUT;
        }
    }
    if (!log) {
        fputs(status_usage, stderr);
        return DD_EXIT_INPUT;
    }
    opened o;
    int code = open_log("status", log, false, &o);
    if (code)
        return code;
    dd_time at = DD_TIME_NONE;
    if (at_text) {
        const char *err = dd_scenario_parse_time(o.s, at_text, &at);
        if (err) {
            fprintf(stderr, "drawdown status: --at: %s, got '%s'\n", err, at_text);
            closed(&o);
            return DD_EXIT_INPUT;
        }
    }
    /* the new plan never goes over the log or the scenario's files */
    dd_cli_inputs in = {0};
    dd__cli_input(&in, log);
    dd__cli_input(&in, dd_track_get_info(o.t)->scenario);
    dd__cli_scenario_inputs(&in, o.s);
    if (out && dd__cli_output_check(out, &in) != DD_OK) {
        closed(&o);
        return DD_EXIT_INPUT;
    }
    /* with -o -, the new plan is standard output and the status goes to stderr */
    FILE *text = out && !strcmp(out, "-") ? stderr : stdout;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *ev = NULL;
    dd_track_status *st = NULL;
    dd_plan *np = NULL;
    dd_status rc = dd_track_events(o.t, o.s, &d, &ev);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (rc == DD_OK)
        rc = dd_track_status_compute(o.p, ev, at, &st, out ? &np : NULL);
    if (rc == DD_OK)
        rc = json ? dd_track_status_write_json(o.p, st, text)
                  : dd_track_status_write_text(o.p, st, all, text);
    else
        fprintf(stderr, "drawdown status: %s\n", dd_status_str(rc));
    if (rc == DD_OK && out) {
        rc = dd__cli_write_plan(out, np, dd_track_get_info(o.t)->scenario, &in);
        if (rc == DD_OK && !json && text == stdout)
            printf("\nThe new plan: %s (drawdown verify, drawdown report)\n", out);
    }
    dd_plan_free(np);
    code = dd__cli_exit_for(rc);
    /* exit 1 when the projection misses the deadline or a closing date */
    if (rc == DD_OK && !st->terms_met_projected)
        code = DD_EXIT_FAIL;
    dd_track_status_free(st);
    dd_events_free(ev);
    closed(&o);
    return code;
}
