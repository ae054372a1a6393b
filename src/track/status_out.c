/* SPDX-License-Identifier: MIT */
/* The status as text for people (80 columns) and as JSON (track.h). */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "model/units.h"
#include <drawdown/track.h>

static void fmt(const dd_scenario *s, dd_time t, char *buf, size_t n)
{
    if (t == DD_TIME_NONE)
        snprintf(buf, n, "-");
    else
        dd_scenario_format_time(s, t, 0, buf, n);
}

static const char *const request_text[] = {"to file", "OVERDUE", "filed", "approved",
                                           "DENIED"};
static const char *const request_json[] = {"not_due", "overdue", "filed", "approved",
                                           "denied"};
static const char *const sortie_json[] = {"planned", "overdue", "departed", "aborted"};
#define NAME_OF(table, k)                                                                  \
    ((unsigned)(k) < sizeof(table) / sizeof(table)[0] ? (table)[k] : "?")

static const char *req_name(dd_request_state r)
{
    return NAME_OF(request_text, r);
}

const char *dd_request_state_name(dd_request_state r)
{
    return NAME_OF(request_json, r);
}

const char *dd_sortie_state_name(dd_sortie_state s)
{
    return NAME_OF(sortie_json, s);
}

dd_status dd_track_status_write_text(const dd_plan *p, const dd_track_status *st, bool all,
                                     FILE *f)
{
    const dd_scenario *s = p->scenario;
    char a[40], b[40], c[40];
    fmt(s, st->at, a, sizeof a);
    fprintf(f, "Status at %s (day %d), %zu events\n\n", a, dd_scenario_day(s, st->at),
            st->n_events);
    fprintf(f, "  Sorties     %zu of %zu due by now: %zu departed, %zu overdue, %zu aborted\n",
            st->sorties_due, st->n_sorties, st->sorties_departed, st->sorties_overdue,
            st->sorties_aborted);
    size_t pending = st->requests_filed;
    fprintf(f, "  Clearances  %zu requests due: %zu approved, %zu denied, %zu pending,\n"
               "              %zu overdue (not filed)\n",
            st->requests_due, st->requests_approved, st->requests_denied, pending,
            st->requests_overdue);
    fprintf(f, "  Tasks       %zu of %zu due done, %zu late\n", st->tasks_done, st->tasks_due,
            st->tasks_late);
    fprintf(f, "  People      %lld through exit processing, %lld planned by today\n",
            (long long)st->processed, (long long)st->processed_plan);
    fprintf(f, "  Tails down  %zu\n", st->tails_down);
    for (size_t k = 0; k < s->n_sites; k++)
        if (st->sites[k].closed_until != DD_TIME_NONE) {
            fmt(s, st->sites[k].closed_until, a, sizeof a);
            fprintf(f, "  Closed      %s until %s\n", s->sites[k].id, a);
        }
    fputs("\n", f);
    fmt(s, st->completion_plan, b, sizeof b);
    if (st->completion_projected == DD_TIME_NONE) {
        fprintf(f, "  Projection  %zu sorties find no place: the plan cannot be kept\n",
                st->sorties_unplaced);
    } else {
        fmt(s, st->completion_projected, a, sizeof a);
        fprintf(f, "  Projection  last departure %s, %+.1f h on the plan's\n", a,
                st->slip_hours);
        fprintf(f, "              (planned %s)\n", b);
        double spare = (double)(s->agreement.deadline - st->completion_projected) / 1440.0;
        fmt(s, s->agreement.deadline, c, sizeof c);
        if (st->deadline_met_projected)
            fprintf(f, "              deadline %s: met, %.1f days to spare\n", c, spare);
        else
            fprintf(f, "              deadline %s: MISSED by %.1f days\n", c, -spare);
    }
    for (size_t k = 0; k < s->n_sites; k++) {
        dd_time cb = s->sites[k].close_by, pc = st->sites[k].projected_close;
        if (cb == DD_TIME_NONE || pc == DD_TIME_NONE)
            continue;
        fmt(s, cb, c, sizeof c);
        double spare = (double)(cb - pc) / 1440.0;
        if (pc <= cb)
            fprintf(f, "              %s closes by %s: met, %.1f days to spare\n",
                    s->sites[k].id, c, spare);
        else
            fprintf(f, "              %s closes by %s: MISSED by %.1f days\n", s->sites[k].id,
                    c, -spare);
    }
    fprintf(f, "              %zu new clearance requests to file\n\n", st->requests_to_file);

    fprintf(f, "  %-8s %12s %14s %16s %s\n", "Site", "sorties out", "people out",
            "cargo out, t", "last departure");
    fprintf(f, "  %-8s %12s %14s %16s %s\n", "", "now/plan/all", "now/plan/all",
            "now/plan/all", "projected");
    for (size_t k = 0; k < s->n_sites; k++) {
        const dd_track_site *x = &st->sites[k];
        if (!x->sorties_total)
            continue;
        char so[32], pe[32], ca[40];
        snprintf(so, sizeof so, "%d/%d/%d", x->sorties_out, x->sorties_out_plan,
                 x->sorties_total);
        snprintf(pe, sizeof pe, "%d/%d/%d", x->people_out, x->people_out_plan,
                 x->people_total);
        snprintf(ca, sizeof ca, "%.0f/%.0f/%.0f", x->cargo_out_kg / 1000,
                 x->cargo_out_plan_kg / 1000, x->cargo_total_kg / 1000);
        fmt(s, x->projected_close, a, sizeof a);
        fprintf(f, "  %-8.8s %12s %14s %16s %s\n", s->sites[k].id, so, pe, ca, a);
    }

    /* sorties that need attention: overdue, aborted, moved, request due */
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < st->n_sorties; i++) {
        const dd_track_sortie *t = &st->sorties[i];
        const dd_sortie *so = &p->sorties[i];
        if (t->state == DD_SORTIE_DEPARTED && !t->outside_window)
            continue;
        bool moved = t->projected != so->departure;
        bool req = t->state != DD_SORTIE_DEPARTED &&
                   (t->request == DD_REQ_OVERDUE || t->request == DD_REQ_DENIED ||
                    !t->keeps_clearance);
        if (!moved && !req && t->state == DD_SORTIE_PLANNED)
            continue;
        if (!all && shown >= 20) {
            more++;
            continue;
        }
        if (!shown)
            fprintf(f, "\n  %-6s %-10s %-8s %-17s %-17s %s\n", "Sortie", "Site", "State",
                    "Planned", "Now", "Clearance");
        shown++;
        fmt(s, so->departure, a, sizeof a);
        fmt(s, t->projected, b, sizeof b);
        const char *rq = t->state == DD_SORTIE_DEPARTED
                             ? (t->outside_window ? "left outside window" : "")
                         : t->keeps_clearance ? req_name(t->request)
                                              : "file anew";
        fprintf(f, "  %-6zu %-10.10s %-8s %-17s %-17s %s\n", i + 1, s->sites[so->site].id,
                dd_sortie_state_name(t->state), a, b, rq);
    }
    if (more)
        fprintf(f, "  ... and %zu more (--all)\n", more);
    size_t late = 0;
    for (size_t k = 0; k < s->n_tasks; k++) {
        if (st->task_done[k] || p->tasks[k].end > st->at)
            continue;
        if (!late++)
            fprintf(f, "\n  %-24s %-10s %s\n", "Late task", "Site", "Planned end");
        if (!all && late > 20)
            continue;
        fmt(s, p->tasks[k].end, a, sizeof a);
        fprintf(f, "  %-24.24s %-10.10s %s\n", s->tasks[k].id, s->sites[s->tasks[k].site].id,
                a);
    }
    if (!all && late > 20)
        fprintf(f, "  ... and %zu more (--all)\n", late - 20);
    return ferror(f) ? DD_EIO : DD_OK;
}

/* ---- JSON (docs/track.md) ------------------------------------------------ */

dd_status dd_track_status_write_json(const dd_plan *p, const dd_track_status *st, FILE *f)
{
    const dd_scenario *s = p->scenario;
    dd_jw w;
    dd__jw_init(&w, f, true);
    dd__jw_obj(&w);
    dd__jw_kstr(&w, "format", "drawdown-status");
    dd__jw_kint(&w, "version", 1);
    dd__jw_time(&w, s, "at", st->at);
    dd__jw_kint(&w, "events", (int64_t)st->n_events);
    dd__jw_key(&w, "sorties");
    dd__jw_obj(&w);
    dd__jw_kint(&w, "planned", (int64_t)st->n_sorties);
    dd__jw_kint(&w, "due", (int64_t)st->sorties_due);
    dd__jw_kint(&w, "departed", (int64_t)st->sorties_departed);
    dd__jw_kint(&w, "overdue", (int64_t)st->sorties_overdue);
    dd__jw_kint(&w, "aborted", (int64_t)st->sorties_aborted);
    dd__jw_obj_end(&w);
    dd__jw_key(&w, "clearances");
    dd__jw_obj(&w);
    dd__jw_kint(&w, "due", (int64_t)st->requests_due);
    dd__jw_kint(&w, "approved", (int64_t)st->requests_approved);
    dd__jw_kint(&w, "denied", (int64_t)st->requests_denied);
    dd__jw_kint(&w, "pending", (int64_t)st->requests_filed);
    dd__jw_kint(&w, "overdue", (int64_t)st->requests_overdue);
    dd__jw_kint(&w, "to_file_anew", (int64_t)st->requests_to_file);
    dd__jw_obj_end(&w);
    dd__jw_key(&w, "tasks");
    dd__jw_obj(&w);
    dd__jw_kint(&w, "due", (int64_t)st->tasks_due);
    dd__jw_kint(&w, "done", (int64_t)st->tasks_done);
    dd__jw_kint(&w, "late", (int64_t)st->tasks_late);
    dd__jw_obj_end(&w);
    dd__jw_kint(&w, "tails_down", (int64_t)st->tails_down);
    dd__jw_key(&w, "processing");
    dd__jw_obj(&w);
    dd__jw_kint(&w, "processed", st->processed);
    dd__jw_kint(&w, "planned", st->processed_plan);
    dd__jw_obj_end(&w);
    dd__jw_key(&w, "projection");
    dd__jw_obj(&w);
    dd__jw_time(&w, s, "completion_planned", st->completion_plan);
    dd__jw_time(&w, s, "completion", st->completion_projected);
    dd__jw_key(&w, "slip_hours");
    if (st->completion_projected == DD_TIME_NONE)
        dd__jw_null(&w);
    else
        dd__jw_num(&w, st->slip_hours);
    dd__jw_kbool(&w, "deadline_met", st->deadline_met_projected);
    dd__jw_kbool(&w, "terms_met", st->terms_met_projected);
    dd__jw_kint(&w, "unplaced", (int64_t)st->sorties_unplaced);
    dd__jw_obj_end(&w);
    dd__jw_key(&w, "sites");
    dd__jw_arr(&w);
    for (size_t k = 0; k < s->n_sites; k++) {
        const dd_track_site *x = &st->sites[k];
        dd__jw_obj(&w);
        dd__jw_kstr(&w, "id", s->sites[k].id);
        dd__jw_kint(&w, "sorties_out", x->sorties_out);
        dd__jw_kint(&w, "sorties_out_planned", x->sorties_out_plan);
        dd__jw_kint(&w, "sorties", x->sorties_total);
        dd__jw_kint(&w, "people_out", x->people_out);
        dd__jw_kint(&w, "people_out_planned", x->people_out_plan);
        dd__jw_kint(&w, "people", x->people_total);
        dd__jw_kint(&w, "processed", x->processed);
        dd__jw_kint(&w, "processed_planned", x->processed_plan);
        dd__jw_knum(&w, "cargo_out_kg", x->cargo_out_kg);
        dd__jw_knum(&w, "cargo_out_planned_kg", x->cargo_out_plan_kg);
        dd__jw_knum(&w, "cargo_kg", x->cargo_total_kg);
        dd__jw_time(&w, s, "closed_until", x->closed_until);
        dd__jw_time(&w, s, "last_departure", x->projected_close);
        dd__jw_time(&w, s, "close_by", s->sites[k].close_by);
        dd__jw_obj_end(&w);
    }
    dd__jw_arr_end(&w);
    /* every sortie: state, request, planned and projected departure */
    dd__jw_key(&w, "sortie_list");
    dd__jw_arr(&w);
    for (size_t i = 0; i < st->n_sorties; i++) {
        const dd_track_sortie *t = &st->sorties[i];
        dd__jw_obj(&w);
        dd__jw_kint(&w, "id", (int64_t)i + 1);
        dd__jw_kstr(&w, "state", dd_sortie_state_name(t->state));
        dd__jw_kstr(&w, "clearance", dd_request_state_name(t->request));
        dd__jw_time(&w, s, "planned", p->sorties[i].departure);
        dd__jw_time(&w, s, "departed", t->departed);
        dd__jw_time(&w, s, "projected", t->projected);
        dd__jw_kbool(&w, "keeps_clearance", t->keeps_clearance);
        dd__jw_obj_end(&w);
    }
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}
