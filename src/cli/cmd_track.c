/* SPDX-License-Identifier: MIT */
/*
 * drawdown track start|add|log|verify|receipt|upgrade|plan, drawdown keys
 * and drawdown status: the event log and where the withdrawal stands
 * against its plan (docs/track.md).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include <drawdown/track.h>

static const char track_usage[] =
    "usage: drawdown track start LOG SCENARIO [--seed N] [--objective margin|completion]\n"
    "       drawdown track add LOG EVENTS.csv   (- reads standard input)\n"
    "       drawdown track log LOG [--json]\n"
    "  add, log and status read the scenario where the log was started, or\n"
    "  --scenario FILE (a copy: each file is checked against the log's hashes)\n"
    "       drawdown track verify LOG [--receipt FILE] [--json]\n"
    "       drawdown track receipt LOG\n"
    "       drawdown track upgrade LOG [--scenario SCENARIO]\n"
    "       drawdown track plan LOG [--accepted N]  (the plan file stored in the log,\n"
    "                                  or the one accepted at event N)\n"
    "  start, add, receipt and upgrade sign with a key: --key NAME (default the\n"
    "  first), --keys FILE (default $DRAWDOWN_KEYS, else ~/.config/drawdown/keys)\n"
    "\n"
    "Keep the event log of a withdrawal: start it with the plan being\n"
    "executed (the log keeps the plan), add what happened (a CSV of events:\n"
    "docs/track.md), list the events, check that no row was altered, removed\n"
    "or forged, or give the other side a signed receipt of the head.\n"
    "See also: drawdown status, drawdown keys.\n";

static const char keys_usage[] =
    "usage: drawdown keys new [NAME] [--keys FILE]\n"
    "       drawdown keys list [--keys FILE]\n"
    "       drawdown keys export [NAME] [--keys FILE]\n"
    "\n"
    "The Ed25519 keys that sign the event logs' batches and receipts, in a\n"
    "file only you may read: --keys FILE, else $DRAWDOWN_KEYS, else\n"
    "$XDG_CONFIG_HOME/drawdown/keys (~/.config/drawdown/keys). export prints\n"
    "a public key to hand to the other delegation.\n";

static const char status_usage[] =
    "usage: drawdown status LOG [--at TIME] [--all] [--json] [-o NEWPLAN.json]\n"
    "                          [--no-verify] [--scenario FILE]\n"
    "                          [--accept [--note TEXT] [--key NAME] [--keys FILE]]\n"
    "\n"
    "Where the withdrawal stands at TIME (default: the last event): sorties\n"
    "gone against the plan, clearance requests overdue or denied, late\n"
    "tasks, people and cargo out per site, and the plan made again from\n"
    "now: projected last departure, the deadline and closing dates, requests\n"
    "to file anew. Exit status 1 when the projection misses a term.\n"
    "--all lists every sortie and task that needs attention; -o writes the\n"
    "new plan as a plan file (for drawdown verify and drawdown report),\n"
    "checked first by the independent verifier (--no-verify skips it; exit\n"
    "status 3 when the new plan says met and the verifier disagrees);\n"
    "--json prints the status for machines (docs/track.md); --scenario reads\n"
    "the scenario from a copy (each file is checked against the log's hashes);\n"
    "--accept stores the new plan in the log as the one approved now (a signed\n"
    "event; the log keeps tracking against its first plan's sortie numbers).\n";

/* ---- keys ----------------------------------------------------------------- */

/* Every option of track, status and keys; each subcommand's spec says
 * which it takes. */
typedef struct track_args {
    const char *keys, *key, *scenario, *receipt, *at, *out, *note;
    bool json, all, no_verify, accept;
    int objective; /* -1: the planner's default */
    uint64_t seed, accepted;
} track_args;

#define T_STR(name, field) DD_STR(track_args, name, field)
#define T_FLAG(name, field) DD_FLAG(track_args, name, field)
#define T_KEYS T_STR("--keys", keys), T_STR("--key", key)
#define N_OPTS(a) (sizeof(a) / sizeof(a)[0])

static const dd_opt start_opts[] = {
    T_KEYS, DD_OPT_SEED(track_args), DD_OPT_OBJECTIVE(track_args)};
static const dd_opt add_opts[] = {T_KEYS, T_STR("--scenario", scenario)};
static const dd_opt log_opts[] = {T_STR("--scenario", scenario), DD_OPT_JSON(track_args)};
static const dd_opt verify_opts[] = {T_STR("--receipt", receipt), DD_OPT_JSON(track_args)};
static const dd_opt receipt_opts[] = {T_KEYS};
static const dd_opt upgrade_opts[] = {T_KEYS, T_STR("--scenario", scenario)};
static const dd_opt plan_opts[] = {
    DD_NUM(track_args, "--accepted", DD_OPT_UINT, accepted, 1, 1e15)};
static const dd_opt status_opts[] = {
    T_STR("--at", at),          T_FLAG("--all", all),
    DD_OPT_JSON(track_args),    DD_OPT_OUT(track_args),
    T_FLAG("--no-verify", no_verify), T_STR("--scenario", scenario),
    T_FLAG("--accept", accept), T_STR("--note", note),
    T_KEYS};
static const dd_opt keys_opts[] = {T_STR("--keys", keys)};

#define TRACK_SPEC(sub, opts, lo, hi, missing)                                            \
    {"track " sub, track_usage, opts, N_OPTS(opts), lo, hi, missing, "one log at a time"}

static const dd_cli_spec track_specs[] = {
    TRACK_SPEC("start", start_opts, 2, 2, "needs a LOG to create and its SCENARIO"),
    TRACK_SPEC("add", add_opts, 2, 2, "needs the LOG and an EVENTS file (- reads standard input)"),
    TRACK_SPEC("log", log_opts, 1, 1, "which log?"),
    TRACK_SPEC("verify", verify_opts, 1, 1, "which log?"),
    TRACK_SPEC("receipt", receipt_opts, 1, 1, "which log?"),
    TRACK_SPEC("upgrade", upgrade_opts, 1, 1, "which log?"),
    TRACK_SPEC("plan", plan_opts, 1, 1, "which log?"),
};

static const dd_cli_spec status_spec = {
    "status", status_usage, status_opts, N_OPTS(status_opts), 1, 1, "which log?",
    "one log at a time"};

static const dd_cli_spec keys_specs[] = {
    {"keys new", keys_usage, keys_opts, N_OPTS(keys_opts), 0, 1, NULL, "one key at a time"},
    {"keys list", keys_usage, keys_opts, N_OPTS(keys_opts), 0, 0, NULL, "no argument"},
    {"keys export", keys_usage, keys_opts, N_OPTS(keys_opts), 0, 1, NULL, "one key at a time"},
};

/* The keys file: --keys, or the default place. */
static int keys_file(const char *file, char *buf, size_t n)
{
    if (file) {
        snprintf(buf, n, "%s", file);
        return DD_EXIT_OK;
    }
    if (dd_keys_path(buf, n) != DD_OK) {
        fprintf(stderr, "drawdown: no keys file: set DRAWDOWN_KEYS or HOME, or give --keys\n");
        return DD_EXIT_INPUT;
    }
    return DD_EXIT_OK;
}

/* The key a subcommand signs with, and the keyring it lives in. */
typedef struct signer {
    dd_keyring *ring;
    const dd_key *key;
} signer;

/* The signing key named by --keys/--key (g->ring to free with
 * signer_close), and `work` (when not NULL) ready for the subcommand's
 * diagnostics; or an exit code. */
static int signer_open(const track_args *v, signer *g, dd_diags *work)
{
    g->ring = NULL;
    g->key = NULL;
    char path[4096];
    int code = keys_file(v->keys, path, sizeof path);
    if (code)
        return code;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_keys_load(path, &d, &g->ring);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st != DD_OK)
        return dd__cli_exit_for(st);
    g->key = dd_keys_find(g->ring, v->key);
    if (!g->key) {
        if (v->key)
            fprintf(stderr, "%s: error: no key named '%s' (drawdown keys list)\n", path,
                    v->key);
        else
            fprintf(stderr,
                    "%s: error: no signing key: make one with 'drawdown keys new' (the log "
                    "signs what each recorder adds)\n",
                    path);
        dd_keys_free(g->ring);
        g->ring = NULL;
        return DD_EXIT_INPUT;
    }
    if (work)
        dd_diags_init(work, DD_DIAGS_DEFAULT_MAX);
    return DD_EXIT_OK;
}

static void signer_close(signer *g)
{
    dd_keys_free(g->ring);
    g->ring = NULL;
    g->key = NULL;
}

int dd__cmd_keys(int argc, char **argv)
{
    track_args v = {0};
    dd_cli_args a;
    int parsed;
    const dd_cli_spec *spec = dd__cli_parse_sub(keys_specs, N_OPTS(keys_specs),
                                                "new, list, export", argc, argv, &v, &a, &parsed);
    if (!spec)
        return parsed;
    const char *sub = argv[1];
    const char *name = a.n ? a.v[0] : NULL;
    char path[4096];
    int code = keys_file(v.keys, path, sizeof path);
    if (code)
        return code;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = DD_OK;
    if (!strcmp(sub, "new")) {
        char def[64];
        if (!name) {
            const char *user = getenv("USER");
            char host[64] = "";
            gethostname(host, sizeof host - 1);
            snprintf(def, sizeof def, "%s@%s", user && *user ? user : "recorder",
                     *host ? host : "host");
            name = def;
        }
        dd_key key;
        st = dd_keys_new(path, name, &d, &key);
        if (st == DD_OK) {
            char id[65];
            dd_key_id(key.public_key, id);
            printf("New key %s in %s\npublic key %s\n", key.name, path, id);
        }
        memset(&key, 0, sizeof key);
    } else if (!strcmp(sub, "list") || !strcmp(sub, "export")) {
        dd_keyring *ring = NULL;
        st = dd_keys_load(path, &d, &ring);
        if (st == DD_OK && !strcmp(sub, "list")) {
            if (!ring->n)
                printf("No keys in %s (drawdown keys new)\n", path);
            for (size_t i = 0; i < ring->n; i++) {
                char id[65];
                dd_key_id(ring->keys[i].public_key, id);
                printf("%s %-24s %s %s\n", i == 0 ? "*" : " ", ring->keys[i].name,
                       ring->keys[i].created, id);
            }
        } else if (st == DD_OK) {
            const dd_key *key = dd_keys_find(ring, name);
            if (!key) {
                fprintf(stderr, "%s: error: no key%s%s%s\n", path, name ? " named '" : "",
                        name ? name : "", name ? "'" : "");
                st = DD_EINPUT;
            } else {
                char id[65];
                dd_key_id(key->public_key, id);
                printf("drawdown-key ed25519 %s %s\n", key->name, id);
            }
        }
        dd_keys_free(ring);
    }
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    return dd__cli_exit_for(st);
}

/* ---- opening a log -------------------------------------------------------- */

/* The log, its scenario and the plan it holds (read from the log). */
typedef struct opened {
    dd_track *t;
    const dd_scenario *s; /* lent by t */
    const dd_plan *p;     /* lent by t */
} opened;

static void closed(opened *o)
{
    dd_track_close(o->t);
}

/* scenario: where to read the scenario (NULL: where the log says it was;
 * a copy elsewhere is checked file by file against the log's hashes).
 * parts: what the command uses of the scenario and the plan (every check
 * is made either way). json_format: with --json, a failure is also
 * printed as JSON on stdout. */
static int open_log(const char *path, bool writable, dd_track_parts parts, const char *scenario,
                    opened *o, const char *json_format)
{
    memset(o, 0, sizeof *o);
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = dd_track_open_parts(path, writable, parts, &d, &o->t);
    /* the files' hashes are compared once the scenario is loaded: hashed
     * meanwhile */
    if (st == DD_OK)
        dd_track_hash_ahead(o->t);
    /* the log's image of the scenario, or its files */
    if (st == DD_OK)
        st = dd_track_scenario(o->t, scenario, &d, &o->s);
    /* verified, each scenario file checked against its hash, the plan read */
    if (st == DD_OK)
        st = dd_track_plan(o->t, o->s, &d, &o->p);
    dd__cli_print_diags(stderr, &d);
    if (st != DD_OK && json_format)
        dd_diags_write_json(&d, json_format, "log", path, stdout);
    dd_diags_fini(&d);
    if (st != DD_OK) {
        if (st == DD_EINPUT && o->t)
            fprintf(stderr, "%s: the log is refused\n", path);
        closed(o);
        memset(o, 0, sizeof *o);
        return dd__cli_exit_for(st);
    }
    return DD_EXIT_OK;
}

/* ---- track start ---------------------------------------------------------- */

static int track_start(const track_args *v, const char *const *args)
{
    const char *log = args[0], *scen = args[1];
    dd_plan_options opt;
    dd_plan_options_init(&opt);
    opt.seed = v->seed;
    if (v->objective >= 0)
        opt.objective = v->objective == 1 ? DD_OBJ_COMPLETION : DD_OBJ_MARGIN;
    signer g;
    dd_diags d;
    int code = signer_open(v, &g, &d);
    if (code)
        return code;
    dd_scenario *s = NULL;
    dd_plan *p = NULL;
    dd_status st = dd_scenario_load(scen, &d, &s);
    if (st == DD_OK)
        st = dd_plan_build(s, &opt, &p);
    if (st == DD_OK)
        st = dd_track_create(log, p, scen, g.key, &d);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK) {
        char a[40];
        dd_scenario_format_time(s, p->completion, 0, a, sizeof a);
        printf("Started %s for %s: %zu sorties, %zu clearance requests, last departure %s; "
               "signed by %s\n",
               log, s->name, p->n_sorties, p->n_clearances, a, g.key->name);
    }
    dd_plan_free(p);
    dd_scenario_free(s);
    signer_close(&g);
    return dd__cli_exit_for(st);
}

/* ---- track add ------------------------------------------------------------ */

static int track_add(const track_args *v, const char *const *pos)
{
    const char *scen = v->scenario;
    signer g;
    int code = signer_open(v, &g, NULL);
    if (code)
        return code;
    opened o;
    /* the events name sorties, tails, tasks, groups and sites: neither
     * the cargo rows nor the loads are kept */
    code = open_log(pos[0], true, DD_TRACK_FOR_EVENTS, scen, &o, NULL);
    if (code) {
        signer_close(&g);
        return code;
    }
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_events *add = NULL;
    dd_status st = dd_events_load(o.s, pos[1], &d, &add);
    if (st == DD_OK)
        st = dd_track_append(o.t, o.p, add, NULL, g.key, &d);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK)
        printf("Added %zu event%s to %s (%lld in all), signed by %s\n", add->n,
               add->n == 1 ? "" : "s", pos[0], (long long)dd_track_get_info(o.t)->n_events,
               g.key->name);
    else if (st == DD_EINPUT)
        fprintf(stderr, "drawdown track: nothing was added\n");
    dd_events_free(add);
    closed(&o);
    signer_close(&g);
    return dd__cli_exit_for(st);
}

/* ---- track log ------------------------------------------------------------ */

static int track_log(const track_args *v, const char *const *args)
{
    const char *log = args[0], *scen = v->scenario;
    const bool json = v->json;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    const dd_scenario *s = NULL; /* lent by t */
    const dd_plan *p = NULL;
    dd_events *ev = NULL;
    /* the events are listed with their times: no cargo rows, no loads */
    dd_status st = dd_track_open_parts(log, false, DD_TRACK_FOR_EVENTS, &d, &t);
    if (st == DD_OK)
        dd_track_hash_ahead(t);
    if (st == DD_OK)
        st = dd_track_scenario(t, scen, &d, &s);
    if (st == DD_OK)
        st = dd_track_plan(t, s, &d, &p);
    if (st == DD_OK)
        st = dd_track_events(t, s, &d, &ev);
    dd__cli_print_diags(stderr, &d);
    if (st != DD_OK && json)
        dd_diags_write_json(&d, "drawdown-log-events", "log", log, stdout);
    dd_diags_fini(&d);
    if (st == DD_OK)
        st = dd_track_write_events(t, s, ev, log, json, stdout);
    dd_events_free(ev);
    dd_track_close(t);
    return dd__cli_exit_for(st);
}

/* ---- track verify --------------------------------------------------------- */

static char *read_all(const char *path, size_t *n)
{
    FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096;
    char *b = malloc(cap);
    *n = 0;
    size_t got;
    while (b && (got = fread(b + *n, 1, cap - *n, f)) > 0) {
        *n += got;
        if (*n == cap) {
            char *w = cap < (1u << 20) ? realloc(b, cap *= 2) : NULL;
            if (!w) {
                free(b);
                b = NULL;
            }
            b = w;
        }
    }
    if (f != stdin)
        fclose(f);
    return b;
}

static int track_verify(const track_args *v, const char *const *args)
{
    const char *log = args[0], *receipt = v->receipt;
    const bool json = v->json;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    int64_t bad = -1;
    char *rtext = NULL;
    size_t rlen = 0;
    dd_status st = dd_track_open(log, false, &d, &t);
    if (st == DD_OK)
        st = dd_track_verify(t, &bad, &d);
    if (st == DD_OK && receipt) {
        rtext = read_all(receipt, &rlen);
        if (!rtext) {
            dd_diags_add(&d, DD_SEV_ERROR, receipt, 0, 0, "", NULL, "cannot read the receipt");
            st = DD_EIO;
        } else {
            st = dd_track_check_receipt(t, rtext, rlen, &d);
        }
    }
    dd__cli_print_diags(stderr, &d);
    dd_track_write_verify(t, log, st, bad, receipt, &d, json, stdout);
    dd_diags_fini(&d);
    free(rtext);
    dd_track_close(t);
    return st == DD_EINPUT ? DD_EXIT_FAIL : dd__cli_exit_for(st);
}

/* ---- track receipt, upgrade, plan ---------------------------------------- */

static int track_receipt(const track_args *v, const char *const *args)
{
    const char *log = args[0];
    signer g;
    dd_diags d;
    int code = signer_open(v, &g, &d);
    if (code)
        return code;
    dd_track *t = NULL;
    char *r = NULL;
    dd_status st = dd_track_open(log, false, &d, &t);
    if (st == DD_OK)
        st = dd_track_receipt(t, g.key, NULL, &r, &d);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK)
        fputs(r, stdout);
    free(r);
    dd_track_close(t);
    signer_close(&g);
    return dd__cli_exit_for(st);
}

static int track_upgrade(const track_args *v, const char *const *args)
{
    const char *log = args[0], *scen = v->scenario;
    signer g;
    dd_diags d;
    int code = signer_open(v, &g, &d);
    if (code)
        return code;
    dd_status st = dd_track_upgrade(log, scen, g.key, &d);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    if (st == DD_OK) {
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        dd_track *t = NULL;
        if (dd_track_open(log, false, &d, &t) == DD_OK)
            printf("Upgraded %s to format 2 (%lld events; the old file is %s.v1): %s\n", log,
                   (long long)dd_track_get_info(t)->n_events, log,
                   dd_track_get_info(t)->upgraded);
        dd_track_close(t);
        dd_diags_fini(&d);
    }
    signer_close(&g);
    return dd__cli_exit_for(st);
}

static int track_plan(const track_args *v, const char *const *args)
{
    const char *log = args[0];
    const long long accepted = (long long)v->accepted;
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_track *t = NULL;
    dd_status st = dd_track_open(log, false, &d, &t);
    if (st == DD_OK)
        st = accepted ? dd_track_write_accepted_plan(t, accepted, stdout, &d)
                      : dd_track_write_plan_file(t, stdout, &d);
    if (st == DD_OK && fflush(stdout) != 0)
        st = DD_EIO;
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    dd_track_close(t);
    return dd__cli_exit_for(st);
}

int dd__cmd_track(int argc, char **argv)
{
    track_args v = {0};
    v.objective = -1;
    v.seed = 1;
    dd_cli_args a;
    int code;
    const dd_cli_spec *spec = dd__cli_parse_sub(
        track_specs, N_OPTS(track_specs), "start, add, log, verify, receipt, upgrade, plan", argc,
        argv, &v, &a, &code);
    if (!spec)
        return code;
    static int (*const run[])(const track_args *, const char *const *) = {
        track_start, track_add, track_log, track_verify, track_receipt, track_upgrade,
        track_plan};
    return run[spec - track_specs](&v, a.v);
}

int dd__cmd_status(int argc, char **argv)
{
    track_args v = {0};
    dd_cli_args a;
    int parsed = dd__cli_parse(&status_spec, argc, argv, &v, &a);
    if (parsed >= 0)
        return parsed;
    const char *log = a.v[0], *at_text = v.at, *out = v.out, *scen = v.scenario,
               *note = v.note;
    const bool all = v.all, json = v.json, no_verify = v.no_verify, accept = v.accept;
    if (accept && no_verify) {
        fprintf(stderr, "drawdown status: a plan is accepted only once the verifier has "
                        "checked it (--accept without --no-verify)\n");
        return DD_EXIT_INPUT;
    }
    signer g = {0};
    if (accept) {
        int kc = signer_open(&v, &g, NULL);
        if (kc)
            return kc;
    }
    opened o;
    /* without the cargo rows unless a new plan is made (its figures weigh
     * them): the status reads the loads only */
    int code = open_log(log, accept, out || accept ? DD_TRACK_WHOLE : DD_TRACK_FOR_STATUS, scen,
                        &o, json ? "drawdown-status" : NULL);
    if (code) {
        signer_close(&g);
        return code;
    }
    const char *scen_path = scen ? scen : dd_track_get_info(o.t)->scenario;
    dd_time at = DD_TIME_NONE;
    if (at_text) {
        const char *err = dd_scenario_parse_time(o.s, at_text, &at);
        if (err) {
            fprintf(stderr, "drawdown status: --at: %s, got '%s'\n", err, at_text);
            closed(&o);
            signer_close(&g);
            return DD_EXIT_INPUT;
        }
    }
    /* the new plan never goes over the log or the scenario's files */
    dd_cli_inputs in = {0};
    dd__cli_input(&in, log);
    dd__cli_input(&in, scen_path);
    dd__cli_scenario_inputs(&in, o.s);
    if (out && dd__cli_output_check(out, &in) != DD_OK) {
        closed(&o);
        signer_close(&g);
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
        rc = dd_track_status_compute(o.p, ev, at, &st, out || accept ? &np : NULL);
    if (rc == DD_OK)
        rc = json ? dd_track_status_write_json(o.p, st, text)
                  : dd_track_status_write_text(o.p, st, all, text);
    else
        fprintf(stderr, "drawdown status: %s\n", dd_status_str(rc));
    /* the new plan's verdict is verified before it is handed on */
    dd_own_check own = {0};
    bool np_met = np && np->deadline_met && !np->terms_broken;
    if (rc == DD_OK && (out || accept) && !no_verify) {
        rc = dd__cli_verify_own(o.s, np, scen_path, &own);
        if (rc == DD_OK && !json)
            dd__cli_own_check_print(&own, np_met, text);
    } else if (rc == DD_OK && out && !json) {
        dd__cli_own_check_print(&own, np_met, text);
    }
    if (rc == DD_OK && out) {
        rc = dd__cli_write_plan(out, np, scen_path, &in);
        if (rc == DD_OK && !json && text == stdout)
            printf("\nThe new plan: %s (drawdown verify, drawdown report)\n", out);
    }
    /* accepted as the approved plan: stored in the log, signed */
    if (rc == DD_OK && accept && own.disagrees) {
        fprintf(stderr, "drawdown status: the new plan is not accepted: the verifier does "
                        "not agree with its verdict\n");
    } else if (rc == DD_OK && accept) {
        dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
        int64_t event = 0;
        rc = dd_track_accept_plan(o.t, o.p, np, scen_path, st->at, note, g.key, &event, &d);
        dd__cli_print_diags(stderr, &d);
        dd_diags_fini(&d);
        if (rc == DD_OK && !json)
            fprintf(text, "The new plan is accepted as the approved one: event %lld of the "
                          "log, signed by %s (drawdown track plan %s --accepted %lld)\n",
                    (long long)event, g.key->name, log, (long long)event);
    }
    bool unverified = own.disagrees;
    dd__cli_own_check_fini(&own);
    dd_plan_free(np);
    code = dd__cli_exit_for(rc);
    /* exit 1 when the projection misses the deadline or a closing date */
    if (rc == DD_OK && !st->terms_met_projected)
        code = DD_EXIT_FAIL;
    if (rc == DD_OK && unverified)
        code = DD_EXIT_UNVERIFIED;
    dd_track_status_free(st);
    dd_events_free(ev);
    closed(&o);
    signer_close(&g);
    return code;
}
