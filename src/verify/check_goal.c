/* SPDX-License-Identifier: MIT */
/*
 * The plan's dates and its own account of itself. The epoch and deadline
 * repeat the scenario's; sorties are listed in departure order; every site
 * and milestone has its entry. Then the goals: every departure by the
 * deadline and by its site's closing date, and each milestone's shares —
 * people out by its time over all people, shipped kilograms out over all
 * shipped kilograms, for the force or one site — computed here and
 * compared with the plan's figures. Finally the summary's verdict,
 * completion and counts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "verify/verify_int.h"

void dd__vf_check_summary(vctx *c)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    char a[32], b[32];
    if (p->epoch != 0) {
        dd__vf_time(c, p->epoch, a, sizeof a);
        dd__vf_time(c, 0, b, sizeof b);
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, p->epoch_line, p->epoch_col,
                   "epoch %s stated, the scenario's is %s", a, b);
    }
    if (p->deadline != s->agreement.deadline) {
        dd__vf_time(c, p->deadline, a, sizeof a);
        dd__vf_time(c, s->agreement.deadline, b, sizeof b);
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, p->deadline_line, p->deadline_col,
                   "deadline %s stated, the scenario's is %s", a, b);
    }
    for (size_t i = 1; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i], *w = &p->sorties[i - 1];
        if (x->dep < w->dep)
            dd__vf_add(c, DD_V_FORMAT, T_NONE, x->id, NULL, x->site, -1, x->line, x->col,
                       "sortie %lld departs before sortie %lld: sorties are listed in "
                       "departure order",
                       (long long)x->id, (long long)w->id);
    }
    bool *seen = calloc(s->n_sites + s->agreement.n_milestones + 1, sizeof *seen);
    if (!seen) {
        c->oom = true;
        return;
    }
    for (size_t i = 0; i < p->n_sites; i++) {
        const vsite *v = &p->sites[i];
        seen[v->site] = true;
        dd_time cl = c->site_closure[v->site];
        if (v->closure != cl) {
            dd__vf_stated_found(c, v->closure, cl, "none", a, b);
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, v->site, -1, v->line, v->col,
                       "sites[%zu] (%s): closure %s stated, its last departure is %s", i,
                       s->sites[v->site].id, a, b);
        }
    }
    for (size_t j = 0; j < s->n_sites; j++)
        if (!seen[j])
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, (int32_t)j, -1, 0, 0,
                       "site %s is missing from sites[]", s->sites[j].id);
    bool *ms = seen + s->n_sites;
    for (size_t i = 0; i < p->n_milestones; i++)
        ms[p->milestones[i].ms] = true;
    for (size_t m = 0; m < s->agreement.n_milestones; m++)
        if (!ms[m])
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, s->agreement.milestones[m].id, -1, -1, 0, 0,
                       "milestone %s is missing from milestones[]", s->agreement.milestones[m].id);
    free(seen);
}

/* ---- deadlines ---- */

static void check_departure(vctx *c, const char *subject, int64_t sortie, int32_t site,
                            dd_time t, uint32_t line, uint32_t col)
{
    const dd_scenario *s = c->s;
    char a[32], b[32], u[32];
    dd_time deadline = s->agreement.deadline;
    int32_t day = dd_scenario_day(s, t);
    if (t > deadline) {
        dd__vf_time(c, t, a, sizeof a);
        dd__vf_time(c, deadline, b, sizeof b);
        dd__vf_dur(t - deadline, u, sizeof u);
        dd__vf_add(c, DD_V_DEADLINE, T_DEADLINE, sortie, NULL, site, day, line, col,
                   "%s leaves %s at %s, %s after the deadline %s", subject, s->sites[site].id, a,
                   u, b);
    }
    dd_time close = s->sites[site].close_by;
    if (close != DD_TIME_NONE && t > close) {
        dd__vf_time(c, t, a, sizeof a);
        dd__vf_time(c, close, b, sizeof b);
        dd__vf_dur(t - close, u, sizeof u);
        dd__vf_add(c, DD_V_SITE_CLOSE, dd__vf_term_site(c, (size_t)site), sortie, NULL, site, day,
                   line, col, "%s leaves %s at %s, %s after the site's closing date %s", subject,
                   s->sites[site].id, a, u, b);
    }
}

/* ---- milestones ---- */

/* Something leaving: people or shipped kilograms of one site at a time. */
typedef struct outev {
    dd_time t;
    int32_t site;
    double people, kg;
} outev;

static const dd__key by_time[] = {DD__KEY(outev, t), DD__KEY_END};

static outev *departures(vctx *c, size_t *n_out)
{
    const dd_scenario *s = c->s;
    const vplan *p = c->p;
    size_t n = c->n_exits;
    for (size_t i = 0; i < p->n_sorties; i++) {
        n += p->sorties[i].n_bulky;
        for (size_t k = 0; k < p->sorties[i].n_pallets; k++)
            n += p->sorties[i].pallets[k].n_pieces;
    }
    outev *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    size_t m = 0;
    /* people count at their group's site, cargo at its item's */
    for (size_t i = 0; i < c->n_exits; i++) {
        const vexit *e = &c->exits[i];
        dd_time t = e->sortie >= 0 ? dd__vf_out_time(p, &p->sorties[e->sortie]) : e->t;
        v[m++] = (outev){t, s->people[e->group].site, (double)e->count, 0};
    }
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        for (size_t k = 0; k < x->n_pallets + x->n_bulky; k++) {
            size_t np = k < x->n_pallets ? x->pallets[k].n_pieces : 1;
            const vq *pcs = k < x->n_pallets ? x->pallets[k].pieces : &x->bulky[k - x->n_pallets];
            for (size_t q = 0; q < np; q++) {
                const dd_cargo *it = &s->cargo[pcs[q].ref];
                if (it->disposition == DD_DISP_SHIP)
                    v[m++] = (outev){dd__vf_out_time(p, x), it->site, 0,
                                     (double)pcs[q].count * it->weight_kg};
            }
        }
    }
    dd__vf_sort(c, v, m, sizeof *v, by_time);
    *n_out = m;
    return v;
}

static bool reached(double share, double need)
{
    return need < 0 || share >= need - 1e-9;
}

static void check_milestone(vctx *c, size_t m, const outev *v, size_t n, bool *met_out)
{
    const dd_scenario *s = c->s;
    const dd_milestone *ms = &s->agreement.milestones[m];
    int term = dd__vf_term_milestone(c, m);
    double people = 0, kg = 0;
    for (size_t g = 0; g < s->n_people; g++)
        if (ms->site < 0 || s->people[g].site == ms->site)
            people += s->people[g].count;
    for (size_t i = 0; i < s->n_cargo; i++) {
        const dd_cargo *it = &s->cargo[i];
        if (it->disposition == DD_DISP_SHIP && (ms->site < 0 || it->site == ms->site))
            kg += (double)it->quantity * it->weight_kg;
    }
    /* shares at `at`, and when both were first reached */
    double po = 0, ko = 0, ps = 0, ks = 0;
    dd_time achieved = DD_TIME_NONE;
    if (reached(people > 0 ? 0 : 1, ms->personnel_fraction) &&
        reached(kg > 0 ? 0 : 1, ms->cargo_fraction))
        achieved = 0;
    for (size_t i = 0; i < n; i++) {
        if (ms->site >= 0 && v[i].site != ms->site)
            continue;
        po += v[i].people;
        ko += v[i].kg;
        if (v[i].t <= ms->at) {
            ps = po;
            ks = ko;
        }
        /* judge after the last of this milestone's events at this time */
        bool more_now = false;
        for (size_t j = i + 1; j < n && v[j].t == v[i].t && !more_now; j++)
            more_now = ms->site < 0 || v[j].site == ms->site;
        if (achieved == DD_TIME_NONE && !more_now &&
            reached(people > 0 ? po / people : 1, ms->personnel_fraction) &&
            reached(kg > 0 ? ko / kg : 1, ms->cargo_fraction))
            achieved = v[i].t;
    }
    double pshare = people > 0 ? ps / people : 1, kshare = kg > 0 ? ks / kg : 1;
    bool met = reached(pshare, ms->personnel_fraction) && reached(kshare, ms->cargo_fraction);
    *met_out = met;
    char at[32], parts[128];
    dd__vf_time(c, ms->at, at, sizeof at);
    double slack = 1;
    parts[0] = '\0';
    if (ms->personnel_fraction >= 0) {
        slack = pshare - ms->personnel_fraction;
        snprintf(parts, sizeof parts, "people %.3f of %.3f", pshare, ms->personnel_fraction);
    }
    if (ms->cargo_fraction >= 0) {
        if (kshare - ms->cargo_fraction < slack)
            slack = kshare - ms->cargo_fraction;
        size_t off = strlen(parts);
        snprintf(parts + off, sizeof parts - off, "%scargo %.3f of %.3f", off ? ", " : "", kshare,
                 ms->cargo_fraction);
    }
    dd__vf_worst(c, term, slack, "%s by %s", parts, at);
    const char *where = ms->site >= 0 ? s->sites[ms->site].id : NULL;
    char of[64];
    snprintf(of, sizeof of, "%s%s", where ? "of " : "", where ? where : "");
    if (!reached(pshare, ms->personnel_fraction))
        dd__vf_add(c, DD_V_MILESTONE, term, 0, ms->id, ms->site, dd_scenario_day(s, ms->at), 0, 0,
                   "milestone %s: by %s, %.3f of the people %s%sare out; %.3f required", ms->id,
                   at, pshare, of, where ? " " : "", ms->personnel_fraction);
    if (!reached(kshare, ms->cargo_fraction))
        dd__vf_add(c, DD_V_MILESTONE, term, 0, ms->id, ms->site, dd_scenario_day(s, ms->at), 0, 0,
                   "milestone %s: by %s, %.3f of the shipped cargo %s%sis out (by weight); %.3f "
                   "required",
                   ms->id, at, kshare, of, where ? " " : "", ms->cargo_fraction);
    /* the plan's own figures */
    for (size_t i = 0; i < c->p->n_milestones; i++) {
        const vmilestone *x = &c->p->milestones[i];
        if ((size_t)x->ms != m)
            continue;
        char a[32], b[32];
        if (x->at != ms->at) {
            dd__vf_time(c, x->at, a, sizeof a);
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, ms->id, ms->site, -1, x->line, x->col,
                       "milestone %s: at %s stated, the scenario has %s", ms->id, a, at);
        }
        if (x->met != met)
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, ms->id, ms->site, -1, x->line, x->col,
                       "milestone %s: met is %s, but the plan %s it", ms->id,
                       x->met ? "true" : "false", met ? "meets" : "misses");
        if (!isnan(x->pout) && fabs(x->pout - pshare) > VF_SHARE_TOL)
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, ms->id, ms->site, -1, x->line, x->col,
                       "milestone %s: personnel_out %.3f stated, %.3f recomputed", ms->id,
                       x->pout, pshare);
        if (!isnan(x->cout) && fabs(x->cout - kshare) > VF_SHARE_TOL)
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, ms->id, ms->site, -1, x->line, x->col,
                       "milestone %s: cargo_out %.3f stated, %.3f recomputed", ms->id, x->cout,
                       kshare);
        if (x->achieved != achieved) {
            dd__vf_stated_found(c, x->achieved, achieved, "never", a, b);
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, ms->id, ms->site, -1, x->line, x->col,
                       "milestone %s: achieved %s stated, recomputed %s", ms->id, a, b);
        }
    }
}

static const char *const bindings[] = {"clearance cap", "airfield clearance cap", "fleet", "MOG",
                                       "exit processing", "task chain", "clearances open",
                                       "security", "crew duty", "utilisation", "overflight cap",
                                       "hub throughput", "none",
                                       NULL};

static void check_verdict(vctx *c, bool milestones_met)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    char a[32], b[32], u[32];
    dd_time completion = DD_TIME_NONE;
    for (size_t j = 0; j < s->n_sites; j++)
        if (c->site_closure[j] != DD_TIME_NONE &&
            (completion == DD_TIME_NONE || c->site_closure[j] > completion))
            completion = c->site_closure[j];
    if (completion != DD_TIME_NONE) {
        dd_time slack = s->agreement.deadline - completion;
        dd__vf_dur(slack < 0 ? -slack : slack, u, sizeof u);
        dd__vf_time(c, completion, a, sizeof a);
        dd__vf_worst(c, T_DEADLINE, (double)slack, "%s %s, last departure %s",
                     slack < 0 ? "late by" : "margin", u, a);
    } else {
        dd__vf_worst(c, T_DEADLINE, 0, "nothing departs");
    }
    if (c->n_rows_left + c->n_groups_left) {
        /* what never leaves is worse than any lateness */
        char what[96];
        if (c->n_rows_left && c->n_groups_left)
            snprintf(what, sizeof what, "%zu cargo row%s and %zu group%s", c->n_rows_left,
                     c->n_rows_left == 1 ? "" : "s", c->n_groups_left,
                     c->n_groups_left == 1 ? "" : "s");
        else if (c->n_rows_left)
            snprintf(what, sizeof what, "%zu cargo row%s", c->n_rows_left,
                     c->n_rows_left == 1 ? "" : "s");
        else
            snprintf(what, sizeof what, "%zu group%s", c->n_groups_left,
                     c->n_groups_left == 1 ? "" : "s");
        dd__vf_worst(c, T_DEADLINE, -1e18, "%s not all out", what);
    }
    bool met = c->terms[T_DEADLINE].n == 0 && milestones_met;
    for (size_t j = 0; j < s->n_sites; j++)
        if (s->sites[j].close_by != DD_TIME_NONE && c->terms[dd__vf_term_site(c, j)].n)
            met = false;
    uint32_t l = p->summary_line, cl = p->summary_col;
    if (p->deadline_met != met)
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, l, cl,
                   "summary: deadline_met is %s, but the plan %s the deadline, the "
                   "milestones and the closing dates",
                   p->deadline_met ? "true" : "false", met ? "meets" : "misses");
    if (p->completion != completion) {
        dd__vf_stated_found(c, p->completion, completion, "none", a, b);
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, l, cl,
                   "summary: completion %s stated, the last departure is %s", a, b);
    }
    if (p->n_sorties_stated != (int64_t)p->n_sorties)
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, l, cl,
                   "summary: %lld sorties stated, the plan lists %zu",
                   (long long)p->n_sorties_stated, p->n_sorties);
    for (size_t k = 0; k < s->n_aircraft; k++) {
        int64_t n = 0;
        for (size_t i = 0; i < p->n_sorties; i++)
            n += (size_t)p->sorties[i].type == k;
        int64_t stated = p->by_type_stated[k] < 0 ? 0 : p->by_type_stated[k];
        if (stated != n)
            dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, l, cl,
                       "summary: %lld %s sorties stated, the plan lists %lld", (long long)stated,
                       s->aircraft[k].id, (long long)n);
    }
    int64_t seats = 0;
    for (size_t i = 0; i < p->n_commercial; i++)
        for (size_t k = 0; k < p->commercial[i].n_pax; k++)
            seats += p->commercial[i].pax[k].count;
    if (seats != p->seats_used_stated)
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, l, cl,
                   "summary: %lld commercial seats used stated, the plan fills %lld",
                   (long long)p->seats_used_stated, (long long)seats);
    bool known = false;
    for (const char *const *q = bindings; *q && !known; q++)
        known = strcmp(*q, p->binding) == 0;
    if (!known)
        dd__vf_add(c, DD_V_FORMAT, T_NONE, 0, NULL, -1, -1, l, cl,
                   "summary: unknown binding limit '%s'", p->binding);
}

void dd__vf_check_goals(vctx *c)
{
    const vplan *p = c->p;
    const dd_scenario *s = c->s;
    char subj[96], d[16];
    for (size_t i = 0; i < p->n_sorties; i++) {
        const vsortie *x = &p->sorties[i];
        snprintf(subj, sizeof subj, "sortie %lld", (long long)x->id);
        check_departure(c, subj, x->id, x->site, x->dep, x->line, x->col);
    }
    for (size_t i = 0; i < p->n_commercial; i++) {
        const vcommercial *x = &p->commercial[i];
        dd__vf_date(c, x->day, d, sizeof d);
        snprintf(subj, sizeof subj, "the commercial flight of %s", d);
        check_departure(c, subj, 0, x->site, x->dep, x->line, x->col);
    }
    for (size_t j = 0; j < s->n_sites; j++) {
        dd_time close = s->sites[j].close_by, cl = c->site_closure[j];
        if (close == DD_TIME_NONE)
            continue;
        int term = dd__vf_term_site(c, j);
        if (cl == DD_TIME_NONE) {
            dd__vf_worst(c, term, 0, "nothing departs");
            continue;
        }
        char a[32], u[32];
        dd__vf_time(c, cl, a, sizeof a);
        dd__vf_dur(close - cl < 0 ? cl - close : close - cl, u, sizeof u);
        dd__vf_worst(c, term, (double)(close - cl), "last departure %s, %s %s", a,
                     close < cl ? "late by" : "margin", u);
    }
    /* the order of closure: a site's last departure after the last
     * departure of each site it follows (sites[].after, phases) */
    for (size_t j = 0; j < s->n_sites; j++) {
        dd_time cl = c->site_closure[j];
        for (size_t k = 0; k < s->sites[j].n_after; k++) {
            int32_t b = s->sites[j].after[k];
            dd_time cb = c->site_closure[b];
            if (cb == DD_TIME_NONE)
                continue; /* nothing leaves the other site: no order to keep */
            char a[32], bt[32];
            dd__vf_time(c, cb, bt, sizeof bt);
            if (cl == DD_TIME_NONE) {
                dd__vf_add(c, DD_V_ORDER, T_ORDER, 0, NULL, (int32_t)j, -1, 0, 0,
                           "%s follows %s (closes %s), but nothing departs %s", s->sites[j].id,
                           s->sites[b].id, bt, s->sites[j].id);
                continue;
            }
            dd__vf_time(c, cl, a, sizeof a);
            char u[32];
            dd__vf_dur(cl - cb < 0 ? cb - cl : cl - cb, u, sizeof u);
            dd__vf_worst(c, T_ORDER, (double)(cl - cb), "%s %s %s after %s", s->sites[j].id,
                         cl > cb ? "closes" : "closes NOT", u, s->sites[b].id);
            if (cl <= cb)
                dd__vf_add(c, DD_V_ORDER, T_ORDER, 0, NULL, (int32_t)j,
                           dd_scenario_day(s, cl), 0, 0,
                           "%s closes at %s, not after %s (closes %s), which it follows",
                           s->sites[j].id, a, s->sites[b].id, bt);
        }
    }
    size_t n = 0;
    outev *v = departures(c, &n);
    if (!v) {
        c->oom = true;
        return;
    }
    bool all_met = true;
    for (size_t m = 0; m < s->agreement.n_milestones; m++) {
        bool met;
        check_milestone(c, m, v, n, &met);
        all_met &= met;
    }
    free(v);
    check_verdict(c, all_met);
}
