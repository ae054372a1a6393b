/* SPDX-License-Identifier: MIT */
/*
 * Rendering a verification report: text for a terminal (one line per
 * violation, then the compliance summary and the verdict) and JSON for
 * programs (docs/verify.md). Plan file errors are the caller's to print.
 */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "verify/verify_int.h"

static const char *status_text(dd_term_status st)
{
    return st == DD_TERM_MET ? "met" : st == DD_TERM_VIOLATED ? "violated" : "not applicable";
}

static void date_of(const dd_scenario *s, int32_t day, char *buf, size_t size)
{
    char t[32];
    dd_scenario_format_time(s, dd_scenario_day_start(s, day), s->agreement.tz_offset, t, sizeof t);
    t[10] = '\0';
    snprintf(buf, size, "%s", t);
}

/* Facts shown in text; --json lists them all. */
#define FACTS_SHOWN 20

static void write_facts_text(const dd_verify_report *r, FILE *f)
{
    if (!r->n_facts)
        return;
    fprintf(f,
            "recorded history: %zu finding%s between sorties that had already departed "
            "(facts of the record, not violations of the plan):\n",
            r->n_facts, r->n_facts == 1 ? "" : "s");
    size_t shown = r->n_facts_stored < FACTS_SHOWN ? r->n_facts_stored : FACTS_SHOWN;
    for (size_t i = 0; i < shown; i++)
        fprintf(f, "  %s: %s\n", dd_violation_kind_name(r->facts[i].kind), r->facts[i].message);
    if (r->n_facts > shown)
        fprintf(f, "  ... and %zu more (--json lists them)\n", r->n_facts - shown);
    fputc('\n', f);
}

dd_status dd_verify_write_text(const dd_verify_report *r, FILE *f)
{
    for (size_t i = 0; i < r->n_stored; i++)
        fprintf(f, "%s: %s\n", dd_violation_kind_name(r->violations[i].kind),
                r->violations[i].message);
    if (r->n_violations > r->n_stored)
        fprintf(f, "... and %zu more violations not shown\n", r->n_violations - r->n_stored);
    if (r->n_violations)
        fputc('\n', f);
    write_facts_text(r, f);
    fprintf(f, "compliance with the agreement:\n");
    for (size_t i = 0; i < r->n_terms; i++) {
        const dd_verify_term *t = &r->terms[i];
        char head[160];
        int n;
        if (t->status == DD_TERM_VIOLATED)
            n = snprintf(head, sizeof head, "  %s: violated %zu time%s", t->name, t->n_violations,
                         t->n_violations == 1 ? "" : "s");
        else
            n = snprintf(head, sizeof head, "  %s: %s", t->name, status_text(t->status));
        /* the detail on the next line when the two would pass 80 columns */
        size_t len = n > 0 ? (size_t)n : 0;
        if (!*t->worst)
            fprintf(f, "%s\n", head);
        else if (len + strlen(t->worst) + 3 <= 80)
            fprintf(f, "%s (%s)\n", head, t->worst);
        else
            fprintf(f, "%s\n    (%s)\n", head, t->worst);
    }
    fputc('\n', f);
    if (r->n_violations == 0) {
        fprintf(f, "the plan complies: %zu %s, %zu commercial %s, no violation\n",
                r->n_sorties, r->n_sorties == 1 ? "sortie" : "sorties", r->n_commercial,
                r->n_commercial == 1 ? "flight" : "flights");
    } else {
        fprintf(f, "%zu violation%s:", r->n_violations, r->n_violations == 1 ? "" : "s");
        const char *sep = " ";
        for (int k = 0; k < DD_V_COUNT; k++)
            if (r->by_kind[k]) {
                fprintf(f, "%s%s %zu", sep, dd_violation_kind_name((dd_violation_kind)k),
                        r->by_kind[k]);
                sep = ", ";
            }
        fputc('\n', f);
    }
    return ferror(f) ? DD_EIO : DD_OK;
}

/* One violation (or fact) as JSON. */
static void j_violation(dd_jw *w, const dd_verify_report *r, const dd_violation *v)
{
    dd__jw_obj(w);
    dd__jw_kstr(w, "kind", dd_violation_kind_name(v->kind));
    dd__jw_key(w, "sortie");
    if (v->sortie > 0)
        dd__jw_int(w, v->sortie);
    else
        dd__jw_null(w);
    dd__jw_key(w, "item");
    if (v->item)
        dd__jw_str(w, v->item);
    else
        dd__jw_null(w);
    dd__jw_key(w, "site");
    if (v->site)
        dd__jw_str(w, v->site);
    else
        dd__jw_null(w);
    dd__jw_key(w, "date");
    if (v->day >= 0) {
        char d[16];
        date_of(r->scenario, v->day, d, sizeof d);
        dd__jw_str(w, d);
    } else {
        dd__jw_null(w);
    }
    dd__jw_kint(w, "line", v->line);
    dd__jw_kint(w, "col", v->col);
    dd__jw_kstr(w, "message", v->message);
    dd__jw_obj_end(w);
}

/* The members of term i of the report (dd__jw_kobjs). */
static void json_term(dd_jw *w, size_t i, const void *ctx)
{
    const dd_verify_term *t = &((const dd_verify_report *)ctx)->terms[i];
    dd__jw_kstr(w, "term", t->name);
    dd__jw_kstr(w, "status", status_text(t->status));
    dd__jw_kint(w, "violations", (int64_t)t->n_violations);
    dd__jw_kstr(w, "detail", t->worst);
}

dd_status dd_verify_write_json(const dd_verify_report *r, FILE *f)
{
    dd_jw w;
    dd__jw_init(&w, f, true);
    dd__jw_obj(&w);
    dd__jw_kstr(&w, "format", "drawdown-verify");
    dd__jw_kint(&w, "version", 1);
    dd__jw_kstr(&w, "plan", r->plan_path);
    dd__jw_kstr(&w, "scenario", r->scenario->name ? r->scenario->name : "");
    dd__jw_kbool(&w, "complies", r->n_violations == 0);
    dd__jw_kint(&w, "violations_total", (int64_t)r->n_violations);
    dd__jw_key(&w, "by_kind");
    dd__jw_obj(&w);
    for (int k = 0; k < DD_V_COUNT; k++)
        if (r->by_kind[k]) {
            dd__jw_kint(&w, dd_violation_kind_name((dd_violation_kind)k), (int64_t)r->by_kind[k]);
        }
    dd__jw_obj_end(&w);
    dd__jw_key(&w, "violations");
    dd__jw_arr(&w);
    for (size_t i = 0; i < r->n_stored; i++)
        j_violation(&w, r, &r->violations[i]);
    dd__jw_arr_end(&w);
    /* findings between recorded sorties alone: facts, not violations */
    dd__jw_kint(&w, "history_total", (int64_t)r->n_facts);
    dd__jw_key(&w, "history");
    dd__jw_arr(&w);
    for (size_t i = 0; i < r->n_facts_stored; i++)
        j_violation(&w, r, &r->facts[i]);
    dd__jw_arr_end(&w);
    dd__jw_kobjs(&w, "compliance", r->n_terms, json_term, r);
    dd__jw_key(&w, "plan_counts");
    dd__jw_obj(&w);
    dd__jw_kint(&w, "sorties", (int64_t)r->n_sorties);
    dd__jw_kint(&w, "clearances", (int64_t)r->n_clearances);
    dd__jw_kint(&w, "commercial", (int64_t)r->n_commercial);
    dd__jw_kint(&w, "people_moved", r->people_moved);
    dd__jw_kint(&w, "pieces_moved", r->pieces_moved);
    dd__jw_obj_end(&w);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}
