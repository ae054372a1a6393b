/* SPDX-License-Identifier: MIT */
/*
 * pf_check: plan one generated scenario and let the independent verifier
 * judge the plan, as `drawdown plan` and `drawdown verify` would, but in
 * process and from the plan file's text (so the plan file's writer is
 * tested as well as the planner).
 */
#define _GNU_SOURCE
#include <drawdown/check.h>
#include <drawdown/plan.h>
#include <drawdown/scenario.h>
#include <drawdown/verify.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scengen.h"

const char *pf_outcome_name(pf_outcome o)
{
    static const char *const names[PF_COUNT] = {
        "check rejected", "plan failed",  "plan file malformed", "met but verify rejected",
        "missed, other terms broken", "missed", "missed but verify complies", "agreed"};
    return o < PF_COUNT ? names[o] : "?";
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Kinds a missed plan may break: the dates, and what it leaves behind. */
static bool missed_kind(dd_violation_kind k)
{
    return k == DD_V_DEADLINE || k == DD_V_SITE_CLOSE || k == DD_V_MILESTONE ||
           k == DD_V_CARGO || k == DD_V_PEOPLE || k == DD_V_ORDER;
}

/* An escort break that is a conflict of the scenario's terms, which the
 * plan names: the verifier's sensitive item flies on sortie v->sortie
 * with nobody but evacuees aboard, from a site where nobody who may
 * escort it is at all (`check` says so too), and the plan's terms check
 * counts it as a broken term ("nobody at the site may escort it"). An
 * escort the seating could have given stays a disagreement. */
static bool said_escort(const dd_plan *p, const dd_violation *v)
{
    if (p->terms_broken == 0 || v->kind != DD_V_LOAD || v->sortie < 1 ||
        (size_t)v->sortie > p->n_sorties || !strstr(v->message, ": sensitive item "))
        return false;
    const dd_sortie *so = &p->sorties[v->sortie - 1];
    if (so->load < 0 || !p->loads->loads[so->load].sensitive)
        return false;
    const dd_scenario *s = p->scenario;
    for (size_t g = 0; g < s->n_people; g++)
        if (s->people[g].site == so->site && s->people[g].role != DD_ROLE_EVACUEE &&
            s->people[g].count > 0)
            return false;
    return true;
}

static void append(char *buf, size_t cap, const char *text)
{
    size_t n = strlen(buf);
    if (n + 2 < cap)
        snprintf(buf + n, cap - n, "%s%s", n ? " | " : "", text);
}

void pf_check(const char *dir, uint64_t iterations, pf_result *r)
{
    memset(r, 0, sizeof *r);
    char path[1024];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    dd_diags diags;
    dd_diags_init(&diags, 4);
    dd_scenario *s = NULL;
    dd_status st = dd_scenario_load(path, &diags, &s);
    if (st != DD_OK) {
        r->outcome = PF_CHECK_REJECTED;
        for (size_t i = 0; i < diags.n_items && i < 2; i++)
            append(r->detail, sizeof r->detail, diags.items[i].message);
        dd_diags_fini(&diags);
        return;
    }
    dd_diags_fini(&diags);
    dd_plan_options opt;
    dd_plan_options_init(&opt);
    opt.max_iterations = iterations;
    opt.time_limit_s = 0;
    dd_plan *p = NULL;
    double t0 = now_s();
    st = dd_plan_build(s, &opt, &p);
    r->plan_seconds = now_s() - t0;
    if (st != DD_OK) {
        r->outcome = PF_PLAN_FAILED;
        snprintf(r->detail, sizeof r->detail, "dd_plan_build: %s", dd_status_str(st));
        dd_scenario_free(s);
        return;
    }
    /* check and plan state one sorties bound */
    dd_check *ck = NULL;
    if (dd_check_summarize(s, &ck) == DD_OK && (size_t)ck->sorties_lb != p->sorties_lb) {
        r->outcome = PF_PLAN_FAILED;
        snprintf(r->detail, sizeof r->detail, "check says at least %lld sorties, plan %zu",
                 (long long)ck->sorties_lb, p->sorties_lb);
        dd_check_free(ck);
        dd_plan_free(p);
        dd_scenario_free(s);
        return;
    }
    dd_check_free(ck);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m || dd_plan_write_json(p, path, m) != DD_OK) {
        if (m)
            fclose(m);
        free(text);
        r->outcome = PF_PLAN_FAILED;
        snprintf(r->detail, sizeof r->detail, "dd_plan_write_json failed");
        dd_plan_free(p);
        dd_scenario_free(s);
        return;
    }
    fclose(m);
    dd_verify_report *v = NULL;
    st = dd_verify_plan(s, "plan.json", text, len, &v);
    if (st == DD_EINPUT) {
        r->outcome = PF_MALFORMED;
        for (size_t i = 0; v && i < v->errors.n_items && i < 3; i++) {
            char line[256];
            snprintf(line, sizeof line, "%u:%u: %s: %s", v->errors.items[i].line,
                     v->errors.items[i].col, v->errors.items[i].path,
                     v->errors.items[i].message);
            append(r->detail, sizeof r->detail, line);
        }
    } else if (st != DD_OK) {
        r->outcome = PF_PLAN_FAILED;
        snprintf(r->detail, sizeof r->detail, "dd_verify_plan: %s", dd_status_str(st));
    } else if (p->deadline_met && !p->terms_broken) {
        r->outcome = v->n_violations ? PF_MET_REJECTED : PF_AGREED;
        for (size_t i = 0; i < v->n_stored && i < 3; i++)
            append(r->detail, sizeof r->detail, v->violations[i].message);
    } else if (!v->n_violations) {
        r->outcome = PF_MISSED_COMPLIES;
    } else {
        r->outcome = PF_MISSED;
        for (size_t i = 0; i < v->n_stored; i++)
            if (!missed_kind(v->violations[i].kind) && !said_escort(p, &v->violations[i]) &&
                !strstr(v->violations[i].message, " behind")) { /* leftovers */
                r->outcome = PF_MISSED_REJECTED_OTHER;
                append(r->detail, sizeof r->detail, v->violations[i].message);
                if (strlen(r->detail) > 300)
                    break;
            }
    }
    dd_verify_report_free(v);
    free(text);
    dd_plan_free(p);
    dd_scenario_free(s);
}
