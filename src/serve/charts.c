/* SPDX-License-Identifier: MIT */
/*
 * The briefing's charts as SVG, and the last simulation's figures, for
 * the dashboard (docs/dashboard.md). The charts are drawn by the report
 * module through its public API (report.h: the plan made again, read as
 * a brief, with the plan approved as its baseline and the simulation
 * result when the server was given one), exactly as `drawdown report`
 * draws them: the dashboard and the briefing cannot disagree. Each chart
 * is drawn once per status (the first time it is asked for) and kept
 * with it; drawing waits for nothing but the report lock.
 */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <drawdown/report.h>

#include "serve/body.h"
#include "serve/serve_int.h"

/* The charts served: those a plan file alone draws, and the risk chart
 * when a simulation was given. */
static bool chart_served(int c)
{
    return c == DD_CHART_BURNDOWN || c == DD_CHART_GANTT || c == DD_CHART_RAMP ||
           c == DD_CHART_CALENDAR || c == DD_CHART_SECURITY || c == DD_CHART_RISK;
}

void dd__tmp_name(const dd_server *s, const char *what, const char *ext, char *path, size_t n)
{
    unsigned char rnd[8];
    randombytes_buf(rnd, sizeof rnd);
    snprintf(path, n, "%s/%s-%02x%02x%02x%02x%02x%02x%02x%02x.%s", s->tmpdir, what, rnd[0],
             rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], ext);
}

dd_status dd__slurp(const char *path, dd__buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return DD_EIO;
    dd__out x;
    if (!dd__out_open(&x)) {
        fclose(f);
        return DD_ENOMEM;
    }
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, k, x.f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (dd__out_close(&x) != DD_OK)
        return DD_ENOMEM;
    if (bad) {
        free(x.p);
        return DD_EIO;
    }
    out->p = x.p;
    out->n = x.n;
    return DD_OK;
}

/* The plan approved, as a plan file in the server's folder, written once
 * (report_mu held): the burndown's grey baseline. */
static dd_status baseline(dd_server *s)
{
    if (s->baseline_path[0])
        return DD_OK;
    char path[320];
    dd__tmp_name(s, "approved", "json", path, sizeof path);
    FILE *f = fopen(path, "wb");
    if (!f)
        return DD_EIO;
    pthread_mutex_lock(&s->log_mu);
    dd_status st = dd__slog_write_plan_file(s->log, f);
    pthread_mutex_unlock(&s->log_mu);
    if (fclose(f) != 0 && st == DD_OK)
        st = DD_EIO;
    if (st != DD_OK) {
        unlink(path);
        return st;
    }
    snprintf(s->baseline_path, sizeof s->baseline_path, "%s", path);
    return DD_OK;
}

dd_status dd__brief_new_plan(dd_server *s, const dd_events *ev, dd_diags *d, dd_brief **out)
{
    *out = NULL;
    dd_plan *np = NULL;
    dd_track_status *st = NULL;
    dd_status rc = dd__slog_status(s->log, ev, &st, &np);
    dd__slog_status_free(st);
    dd__out o = {0};
    if (rc == DD_OK)
        rc = dd__out_open(&o) ? DD_OK : DD_ENOMEM;
    if (rc == DD_OK) {
        rc = dd__slog_plan_json(s->log, np, o.f);
        if (dd__out_close(&o) != DD_OK && rc == DD_OK)
            rc = DD_ENOMEM;
    }
    dd_plan_free(np);
    if (rc == DD_OK)
        rc = dd_brief_parse("new-plan.json", o.p, o.n, d, out);
    free(o.p);
    if (rc == DD_OK)
        rc = dd_brief_use_scenario(*out, dd__slog_scenario(s->log));
    if (rc != DD_OK) {
        dd_brief_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Chart c of the plan made again from events ev, drawn into out
 * (report_mu held). */
static dd_status draw(dd_server *s, const dd_events *ev, int c, dd__buf *out, char *why,
                      size_t why_n)
{
    dd_diags d;
    dd_diags_init(&d, 4);
    dd_brief *b = NULL;
    dd_status rc = dd__brief_new_plan(s, ev, &d, &b);
    if (rc == DD_OK && c == DD_CHART_BURNDOWN && baseline(s) == DD_OK)
        rc = dd_brief_use_baseline_as(b, s->baseline_path, "the plan the log holds", &d);
    if (rc == DD_OK && s->sim_path)
        rc = dd_brief_use_sim(b, s->sim_path, &d);
    char path[320];
    dd__tmp_name(s, "chart", "svg", path, sizeof path);
    if (rc == DD_OK) {
        dd_report_options ro;
        dd_report_options_init(&ro);
        ro.chart = c;
        ro.format = "svg";
        rc = dd_report_write(b, path, &ro, &d);
    }
    dd_brief_free(b);
    if (rc == DD_OK)
        rc = dd__slurp(path, out);
    unlink(path);
    if (rc != DD_OK && d.n_items)
        snprintf(why, why_n, " (%s)", d.items[0].message);
    dd_diags_fini(&d);
    return rc;
}

void dd__route_chart(dd_server *s, dd__reply *r, int c)
{
    if (!chart_served(c) || c >= 16) {
        dd__reply_error(r, 404, "no such chart");
        return;
    }
    if (c == DD_CHART_RISK && !s->sim_path) {
        dd__reply_error(r, 404,
                        "no simulation: the risk chart needs drawdown serve --sim RESULT.json");
        return;
    }
    dd__snap *n = dd__snap_get(s);
    dd__stat *t = n->stat;
    char why[200] = "";
    dd_status rc = DD_OK;
    /* one chart drawn at a time (cairo, the temporary folder); a status
     * keeps what was drawn for it */
    pthread_mutex_lock(&s->report_mu);
    pthread_mutex_lock(&t->chart_mu);
    bool done = t->chart_done[c];
    pthread_mutex_unlock(&t->chart_mu);
    if (!done) {
        dd_events counted = {t->n_events, n->ev->v};
        dd__buf svg = {0};
        rc = draw(s, &counted, c, &svg, why, sizeof why);
        if (rc == DD_OK) {
            pthread_mutex_lock(&t->chart_mu);
            t->chart[c] = svg;
            t->chart_done[c] = true;
            pthread_mutex_unlock(&t->chart_mu);
        }
    }
    pthread_mutex_unlock(&s->report_mu);
    if (rc != DD_OK) {
        dd__snap_put(n);
        dd__reply_error(r, 500, "cannot draw the chart: %s%s", dd_status_str(rc), why);
        return;
    }
    r->code = 200;
    r->type = "image/svg+xml";
    r->body = t->chart[c].p;
    r->len = t->chart[c].n;
    r->pin = n; /* the body is the status's */
    snprintf(r->etag, sizeof r->etag, "\"c%llu-%d\"", (unsigned long long)t->version, c);
}

/* ---- the simulation -------------------------------------------------------- */

/* A number's text as the result has it, or NULL when it is not one. */
static const char *number(const dd_ynode *map, const char *key)
{
    bool bad = false;
    const char *v = dd__body_text(map, key, &bad);
    if (!v || bad || !*v || strlen(v) > 30)
        return NULL;
    char *end;
    errno = 0;
    (void)strtod(v, &end);
    return *end || errno ? NULL : v;
}

static void prob(FILE *f, const char *name, const dd_ynode *root)
{
    const dd_ynode *m = dd__body_field(root, name);
    const char *p = number(m, "p"), *lo = number(m, "lo"), *hi = number(m, "hi");
    const char *n = number(m, "n");
    if (p && lo && hi && n)
        fprintf(f, ",\"%s\":{\"p\":%s,\"lo\":%s,\"hi\":%s,\"n\":%s}", name, p, lo, hi, n);
    else
        fprintf(f, ",\"%s\":null", name);
}

/* The figures of the result file (sim_mu held): read again when the file
 * changed since. */
static dd_status sim_read(dd_server *s)
{
    struct stat sb;
    if (stat(s->sim_path, &sb) != 0) {
        free(s->sim_json.p);
        s->sim_json.p = NULL;
        s->sim_json.n = 0;
        memset(&s->sim_seen, 0, sizeof s->sim_seen);
        return DD_EIO;
    }
    if (s->sim_json.p && sb.st_mtim.tv_sec == s->sim_seen.st_mtim.tv_sec &&
        sb.st_mtim.tv_nsec == s->sim_seen.st_mtim.tv_nsec && sb.st_size == s->sim_seen.st_size &&
        sb.st_ino == s->sim_seen.st_ino)
        return DD_OK;
    dd__buf text = {0};
    dd_status st = sb.st_size > 64 * 1024 * 1024 ? DD_EINPUT : dd__slurp(s->sim_path, &text);
    dd__body b = {0};
    char err[200];
    if (st == DD_OK)
        st = dd__body_parse(text.p, text.n, &b, err, sizeof err);
    free(text.p);
    dd__out o = {0};
    if (st == DD_OK && !dd__body_field(b.root, "drawdown_simulation"))
        st = DD_EINPUT;
    if (st == DD_OK)
        st = dd__out_open(&o) ? DD_OK : DD_ENOMEM;
    if (st == DD_OK) {
        const char *reps = number(b.root, "replications");
        char when[40];
        struct tm tm;
        time_t mt = sb.st_mtim.tv_sec;
        gmtime_r(&mt, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%MZ", &tm);
        bool bad = false;
        const char *policy = dd__body_text(b.root, "policy", &bad);
        bool policy_ok = policy && !bad && strlen(policy) < 20 &&
                         strspn(policy, "abcdefghijklmnopqrstuvwxyz-") == strlen(policy);
        fprintf(o.f, "{\"simulation\":{\"written\":\"%s\",\"replications\":%s,\"policy\":%s%s%s",
                when, reps ? reps : "null", policy_ok ? "\"" : "", policy_ok ? policy : "null",
                policy_ok ? "\"" : "");
        prob(o.f, "p_deadline", b.root);
        prob(o.f, "p_all_terms", b.root);
        fputs("}}\n", o.f);
        st = dd__out_close(&o);
    }
    dd__body_fini(&b);
    if (st != DD_OK) {
        free(o.p);
        return st;
    }
    free(s->sim_json.p);
    s->sim_json.p = o.p;
    s->sim_json.n = o.n;
    s->sim_seen = sb;
    return DD_OK;
}

void dd__route_sim(dd_server *s, dd__reply *r)
{
    if (!s->sim_path) {
        char *none = strdup("{\"simulation\":null}\n");
        if (none)
            dd__reply_json(r, 200, none, strlen(none));
        else
            dd__reply_error(r, 500, "out of memory");
        return;
    }
    pthread_mutex_lock(&s->sim_mu);
    dd_status st = sim_read(s);
    char *copy = st == DD_OK ? malloc(s->sim_json.n) : NULL;
    size_t n = s->sim_json.n;
    if (copy)
        memcpy(copy, s->sim_json.p, n);
    pthread_mutex_unlock(&s->sim_mu);
    if (st != DD_OK) {
        dd__reply_error(r, 503, "the simulation result cannot be read (%s)",
                        dd_status_str(st));
        return;
    }
    if (!copy) {
        dd__reply_error(r, 500, "out of memory");
        return;
    }
    dd__reply_json(r, 200, copy, n);
}
