/* SPDX-License-Identifier: MIT */
/*
 * The planner: schedule ground tasks, pack loads in order of readiness,
 * place sorties, seat people, measure; repeat with other placement orders
 * and window sizes (a seeded random-key search) and keep the best plan by
 * (everything out, lateness, completion, sorties). When the deadline is
 * missed, say what binds (binding.c) and look for single changes that
 * meet it by re-planning (relax.c).
 */
#include <drawdown/sched.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/cmp.h"
#include "base/sort.h"
#include "plan/plan_int.h"
#include "plan/search.h"

void dd_plan_options_init(dd_plan_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->time_limit_s = 0;
    o->max_iterations = 24;
    o->relax = true;
    o->relax_time_s = 5.0;
}

const char *dd_binding_name(dd_binding b)
{
    static const char *const n[] = {"none",  "clearance cap", "airfield clearance cap",
                                    "fleet", "MOG",           "exit processing",
                                    "task chain", "clearances open", "crew duty",
                                    "utilisation", "overflight cap", "hub throughput"};
    return (unsigned)b < DD_BIND_COUNT ? n[b] : "?";
}

/* A plan as the planner allocates it: the public part first, then what
 * only the planner knows (whether the loads are lent). Every dd_plan comes
 * from dd__plan_new. */
typedef struct plan_box {
    dd_plan pub;
    bool lent_loads; /* the loads belong to someone else (a search's cache, an image) */
} plan_box;

static plan_box *box_of(dd_plan *p) { return (plan_box *)(void *)p; }

void dd_plan_lend_loads(dd_plan *p, dd_loadplan *loads)
{
    if (!box_of(p)->lent_loads)
        dd_loads_free(p->loads);
    p->loads = loads;
    box_of(p)->lent_loads = true;
}

static void free_parts(dd_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_sorties; i++) {
        free(p->sorties[i].pax);
        free(p->sorties[i].ferry_pax);
    }
    free(p->sorties);
    p->sorties = NULL;
    p->n_sorties = 0;
    free(p->clearances);
    p->clearances = NULL;
    p->n_clearances = 0;
    free(p->movements);
    p->movements = NULL;
    p->n_movements = 0;
    if (p->sites)
        for (size_t i = 0; i < p->scenario->n_sites; i++) {
            free(p->sites[i].days);
            p->sites[i].days = NULL;
            p->sites[i].n_days = 0;
        }
    if (!box_of(p)->lent_loads)
        dd_loads_free(p->loads);
    p->loads = NULL;
    box_of(p)->lent_loads = false;
}

void dd_plan_free(dd_plan *p)
{
    if (!p)
        return;
    free_parts(p);
    free(p->tasks);
    free(p->released);
    free(p->arrived);
    free(p->cargo_ready);
    free(p->sites);
    free(p->milestones);
    free(box_of(p));
}

dd_plan *dd__plan_new(const dd_scenario *s)
{
    plan_box *box = calloc(1, sizeof *box);
    if (!box)
        return NULL;
    dd_plan *p = &box->pub;
    p->scenario = s;
    p->tasks = calloc(s->n_tasks + 1, sizeof *p->tasks);
    p->released = calloc(s->n_people + 1, sizeof *p->released);
    p->arrived = calloc(s->n_people + 1, sizeof *p->arrived);
    p->cargo_ready = calloc(s->n_cargo + 1, sizeof *p->cargo_ready);
    p->sites = calloc(s->n_sites + 1, sizeof *p->sites);
    p->milestones = calloc(s->agreement.n_milestones + 1, sizeof *p->milestones);
    if (!p->tasks || !p->released || !p->arrived || !p->cargo_ready || !p->sites ||
        !p->milestones) {
        dd_plan_free(p);
        return NULL;
    }
    return p;
}

dd_plan *dd_plan_new_empty(const dd_scenario *s)
{
    return dd__plan_new(s);
}

/* Ground tasks of all sites as one RCPSP (each site's resources are its
 * own), solved by the engine's GA. */
/* Union-find root of task k (path halving). */
static size_t comp_root(size_t *parent, size_t k)
{
    while (parent[k] != k) {
        parent[k] = parent[parent[k]];
        k = parent[k];
    }
    return k;
}

/* Schedule the tasks of one component (tasks joined by a site's resources
 * or by precedence): its own RCPSP instance and budget. */
static dd_status schedule_component(const dd_scenario *s, const size_t *members, size_t n,
                                    size_t *local, uint64_t seed, dd_task_time *out)
{
    dd_sched_problem *sp;
    dd_status st = dd_sched_problem_new(&sp);
    if (st != DD_OK)
        return st;
    /* the sites' resources this component uses, numbered as they come */
    int32_t site = s->tasks[members[0]].site;
    size_t *res_base = calloc(s->n_sites + 1, sizeof *res_base);
    bool *have = calloc(s->n_sites + 1, sizeof *have);
    if (!res_base || !have)
        st = DD_ENOMEM;
    size_t nres = 0;
    for (size_t m = 0; m < n && st == DD_OK; m++) {
        site = s->tasks[members[m]].site;
        if (have[site])
            continue;
        have[site] = true;
        res_base[site] = nres;
        for (size_t r = 0; r < s->sites[site].n_resources && st == DD_OK; r++) {
            size_t id;
            st = dd_sched_add_resource(sp, s->sites[site].resources[r].capacity, &id);
            nres++;
        }
    }
    for (size_t m = 0; m < n && st == DD_OK; m++) {
        const dd_task *tk = &s->tasks[members[m]];
        size_t id;
        st = dd_sched_add_activity(sp, tk->duration, &id);
        local[members[m]] = id;
        for (size_t d = 0; d < tk->n_demand && st == DD_OK; d++)
            st = dd_sched_set_demand(sp, id, res_base[tk->site] + (size_t)tk->demand[d].resource,
                                     tk->demand[d].amount);
    }
    for (size_t m = 0; m < n && st == DD_OK; m++) {
        const dd_task *tk = &s->tasks[members[m]];
        for (size_t q = 0; q < tk->n_pred && st == DD_OK; q++)
            st = dd_sched_add_precedence(sp, local[tk->pred[q]], local[members[m]],
                                         tk->pred_lag[q]);
    }
    dd_sched_result res;
    dd_sched_result_init(&res);
    if (st == DD_OK) {
        dd_sched_options opt;
        dd_sched_options_default(&opt);
        opt.seed = seed;
        opt.max_schedules = 2000;
        size_t bad;
        st = dd_sched_solve(sp, &opt, &res, &bad);
    }
    if (st == DD_OK)
        for (size_t m = 0; m < n; m++) {
            size_t k = members[m];
            out[k].start = res.start[local[k]];
            out[k].end = out[k].start + s->tasks[k].duration;
        }
    dd_sched_result_fini(&res);
    dd_sched_problem_free(sp);
    free(res_base);
    free(have);
    return st;
}

/* Ground tasks: the sites' task graphs are independent unless a
 * precedence joins them, so each connected group of tasks is scheduled on
 * its own — with its own budget of schedules, and in a fraction of the
 * time one instance of all of them takes (the decoders are superlinear). */
static dd_status schedule_tasks(const dd_scenario *s, uint64_t seed, dd_task_time *out)
{
    size_t nt = s->n_tasks;
    if (nt == 0)
        return DD_OK;
    size_t *parent = malloc(nt * sizeof *parent);
    size_t *first = malloc(nt * sizeof *first); /* per root: first task of the site seen */
    size_t *order = malloc(nt * sizeof *order);
    size_t *local = malloc(nt * sizeof *local);
    size_t *site_first = malloc((s->n_sites + 1) * sizeof *site_first);
    dd_status st = DD_OK;
    if (!parent || !first || !order || !local || !site_first) {
        st = DD_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < nt; k++)
        parent[k] = k;
    for (size_t i = 0; i <= s->n_sites; i++)
        site_first[i] = SIZE_MAX;
    for (size_t k = 0; k < nt; k++) {
        size_t si = (size_t)s->tasks[k].site;
        if (site_first[si] == SIZE_MAX)
            site_first[si] = k;
        else
            parent[comp_root(parent, k)] = comp_root(parent, site_first[si]);
        for (size_t q = 0; q < s->tasks[k].n_pred; q++)
            parent[comp_root(parent, k)] = comp_root(parent, (size_t)s->tasks[k].pred[q]);
    }
    /* components in order of their first task; members in task order */
    for (size_t k = 0; k < nt; k++)
        first[k] = SIZE_MAX;
    size_t n_comp = 0;
    for (size_t k = 0; k < nt; k++) {
        size_t r = comp_root(parent, k);
        if (first[r] == SIZE_MAX)
            first[r] = n_comp++;
    }
    /* counting sort of the tasks by component */
    size_t *start = calloc(n_comp + 1, sizeof *start);
    if (!start) {
        st = DD_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < nt; k++)
        start[first[comp_root(parent, k)] + 1]++;
    for (size_t c = 0; c < n_comp; c++)
        start[c + 1] += start[c];
    for (size_t k = 0; k < nt; k++)
        order[start[first[comp_root(parent, k)]]++] = k;
    for (size_t c = n_comp; c > 0; c--)
        start[c] = start[c - 1];
    start[0] = 0;
    for (size_t c = 0; c < n_comp && st == DD_OK; c++)
        st = schedule_component(s, order + start[c], start[c + 1] - start[c], local,
                                seed + c, out);
    free(start);
done:
    free(parent);
    free(first);
    free(order);
    free(local);
    free(site_first);
    return st;
}

static dd_time max_t(dd_time a, dd_time b)
{
    return a > b ? a : b;
}

void dd__plan_release_times(dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    for (size_t k = 0; k < s->n_cargo; k++) {
        const dd_cargo *c = &s->cargo[k];
        dd_time r = c->ready == DD_TIME_NONE ? 0 : c->ready;
        if (c->released_by >= 0)
            r = max_t(r, p->tasks[c->released_by].end);
        p->cargo_ready[k] = r;
    }
    for (size_t g = 0; g < s->n_people; g++) {
        const dd_people *x = &s->people[g];
        dd_time r = x->release == DD_TIME_NONE ? 0 : x->release;
        if (x->released_by >= 0)
            r = max_t(r, p->tasks[x->released_by].end);
        if (x->arrival != DD_TIME_NONE)
            r = max_t(r, x->arrival);
        p->released[g] = r;
    }
}

typedef struct score {
    int not_out;
    int64_t lateness;
    dd_time completion;
    int32_t completion_day; /* host day of the completion */
    dd_time slack;          /* least margin to a term: deadline, close_by, milestone */
    size_t sorties;
} score;

/* The term the plan leaves least margin on — the deadline, a site's
 * closing date, a milestone — and that margin (negative when late); a
 * milestone never reached has none at all. name (may be NULL) gets the
 * term, as the plan text says it. */
dd_time dd__tightest_term(const dd_plan *p, char *name, size_t n)
{
    const dd_scenario *s = p->scenario;
    dd_time completion = p->completion == DD_TIME_NONE ? 0 : p->completion;
    dd_time least = s->agreement.deadline - completion;
    if (name)
        snprintf(name, n, "the deadline");
    for (size_t i = 0; i < s->n_sites; i++) {
        if (s->sites[i].close_by == DD_TIME_NONE || p->sites[i].closure == DD_TIME_NONE ||
            s->sites[i].close_by - p->sites[i].closure >= least)
            continue;
        least = s->sites[i].close_by - p->sites[i].closure;
        if (name)
            snprintf(name, n, "%s's closing date", s->sites[i].id);
    }
    for (size_t m = 0; m < s->agreement.n_milestones; m++) {
        const dd_milestone_result *r = &p->milestones[m];
        dd_time g = r->achieved == DD_TIME_NONE ? INT64_MIN / 4
                                                : s->agreement.milestones[m].at - r->achieved;
        if (g >= least)
            continue;
        least = g;
        if (name)
            snprintf(name, n, "milestone %s", s->agreement.milestones[m].id);
    }
    return least;
}

static score score_of(const dd_plan *p)
{
    const dd_scenario *s = p->scenario;
    /* a plan that breaks a people term ranks below one that leaves
     * something behind: neither may be called met */
    score sc = {(p->all_out ? 0 : 1) + (p->terms_broken ? 2 : 0), 0,
                p->completion == DD_TIME_NONE ? 0 : p->completion, 0, 0, p->n_sorties};
    sc.completion_day = dd_scenario_day(s, sc.completion);
    sc.slack = dd__tightest_term(p, NULL, 0);
    if (sc.completion > s->agreement.deadline)
        sc.lateness += sc.completion - s->agreement.deadline;
    for (size_t i = 0; i < s->n_sites; i++)
        if (s->sites[i].close_by != DD_TIME_NONE && p->sites[i].closure != DD_TIME_NONE &&
            p->sites[i].closure > s->sites[i].close_by)
            sc.lateness += p->sites[i].closure - s->sites[i].close_by;
    for (size_t m = 0; m < s->agreement.n_milestones; m++) {
        const dd_milestone_result *r = &p->milestones[m];
        if (r->achieved == DD_TIME_NONE)
            sc.lateness += 365 * 1440;
        else if (r->achieved > s->agreement.milestones[m].at)
            sc.lateness += r->achieved - s->agreement.milestones[m].at;
    }
    return sc;
}

static bool better(score a, score b, dd_plan_objective obj)
{
    if (a.not_out != b.not_out)
        return a.not_out < b.not_out;
    if (a.lateness != b.lateness)
        return a.lateness < b.lateness;
    /* margin first: the plan that holds best when clearances come late
     * (docs/plan.md); completion first: compared by day, so a plan ending
     * the same day with more margin wins */
    if (obj == DD_OBJ_MARGIN && a.slack != b.slack)
        return a.slack > b.slack;
    if (a.completion_day != b.completion_day)
        return a.completion_day < b.completion_day;
    if (a.slack != b.slack)
        return a.slack > b.slack;
    if (a.completion != b.completion)
        return a.completion < b.completion;
    return a.sorties < b.sorties;
}

static int cmp_req(const void *a, const void *b)
{
    const dd__request *x = a, *y = b;
    DD__CMP_BY(x->key, y->key);
    DD__CMP_BY(x->site, y->site);
    return (x->load > y->load) - (x->load < y->load);
}

#define N_WINDOWS 6

/* The loads an attempt uses: per window size, with or without the fleet
 * mix (cached: they depend only on those and the seed). */
typedef struct load_cache {
    dd_loadplan *lp[2 * N_WINDOWS]; /* [mix * N_WINDOWS + window] */
    double *divert;                 /* per site, when the mix is worth trying */
} load_cache;

static dd_status loads_for(dd_plan *p, load_cache *c, unsigned w, bool mix, uint64_t seed)
{
    static const int windows[N_WINDOWS] = {6, 4, 8, 12, 3, 16};
    dd_loadplan **slot = &c->lp[(mix ? N_WINDOWS : 0) + w];
    if (*slot)
        return DD_OK;
    dd_loads_options lo;
    dd_loads_options_init(&lo);
    lo.people = false;
    lo.reserve_escorts = true;
    lo.ready = p->cargo_ready;
    lo.window_loads = windows[w];
    lo.divert = mix ? c->divert : NULL;
    lo.seed = seed + w;
    /* local search in each window pays on small scenarios; at theater
     * scale the decreasing heuristics with carry-over are within a few
     * per cent and keep the plan within its time */
    lo.max_iterations = p->scenario->n_cargo > 5000 ? 0 : 300;
    return dd_loads_build(p->scenario, &lo, slot);
}

/* Whether a fleet mix is worth trying: loads with no cargo and with all
 * the cargo the second type can take diverted, compared by mix.c. */
static dd_status plan_mix(dd_plan *p, const dd__terms *terms, load_cache *c, uint64_t seed)
{
    const dd_scenario *s = p->scenario;
    if (s->n_aircraft < 2 || s->n_sites == 0)
        return DD_OK;
    dd_status st = loads_for(p, c, 0, false, seed);
    if (st != DD_OK)
        return st;
    double *all = malloc(s->n_sites * sizeof *all);
    c->divert = malloc(s->n_sites * sizeof *c->divert);
    if (!all || !c->divert) {
        free(all);
        return DD_ENOMEM;
    }
    for (size_t i = 0; i < s->n_sites; i++)
        all[i] = 1;
    double *keep = c->divert;
    c->divert = all;
    dd_loadplan *lp1 = NULL;
    st = loads_for(p, c, 0, true, seed);
    lp1 = c->lp[N_WINDOWS];
    c->lp[N_WINDOWS] = NULL;
    c->divert = keep;
    free(all);
    if (st != DD_OK)
        return st;
    bool useful = false;
    st = dd__fleet_mix(s, terms, c->lp[0], lp1, c->divert, &useful);
    dd_loads_free(lp1);
    if (st != DD_OK || !useful) {
        free(c->divert);
        c->divert = NULL;
    }
    return st;
}

typedef struct escort_key {
    int32_t site;
    dd_time ready;
    size_t rq; /* index into the requests */
} escort_key;

/* by site and readiness (the requests are in plan order: ties keep it) */
static const dd__key by_site_ready[] = {DD__KEY(escort_key, site), DD__KEY(escort_key, ready),
                                        DD__KEY_END};

typedef struct avail {
    dd_time t;
    int64_t count;
} avail;

static const dd__key by_time[] = {DD__KEY(avail, t), DD__KEY_END};

/* Each sensitive load leaves with an escort aboard, who leaves with it:
 * the k-th sensitive load of a site (by readiness) waits until k people
 * there can be on a military manifest — released, in the country
 * (augmentees enter at their arrival time, or once their entry can be
 * requested, and not at the minute of a departure) and the manifest lead
 * time after. Security counts beyond the floor only (the floor stays to
 * the end); evacuees not at all. Past the people a site has, a load waits for the last of them
 * and is marked in rear[load]: its escort is the security element, which leaves
 * on the site's last departure, so it is placed after the site's other
 * loads (rear_last); one such load at most can have it, the others fly
 * without (the plan's terms check says so: found by bench/planfuzz, seed
 * 1951, a container placed first while the floor kept all 8 security to
 * the end). */
static dd_status escort_waits(const dd_plan *p, dd__request *rq, size_t n, bool *rear)
{
    const dd_scenario *s = p->scenario;
    size_t n_sens = 0;
    for (size_t i = 0; i < n; i++)
        n_sens += p->loads->loads[rq[i].load].sensitive;
    if (n_sens == 0)
        return DD_OK;
    escort_key *keys = malloc(n_sens * sizeof *keys);
    avail *av = malloc((s->n_people ? s->n_people : 1) * sizeof *av);
    if (!keys || !av) {
        free(keys);
        free(av);
        return DD_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (p->loads->loads[rq[i].load].sensitive)
            keys[k++] = (escort_key){rq[i].site, rq[i].ready, i};
    bool sorted = dd__sort(keys, n_sens, sizeof *keys, by_site_ready);
    for (size_t a = 0; sorted && a < n_sens;) {
        int32_t site = keys[a].site;
        size_t b = a;
        while (b < n_sens && keys[b].site == site)
            b++;
        const dd_site *x = &s->sites[site];
        int64_t sec_kept = x->security_floor >= 0 ? x->security_floor
                                                   : s->agreement.security.floor;
        size_t na = 0;
        int64_t element = 0; /* the security kept to the end */
        for (size_t g = 0; g < s->n_people; g++) {
            const dd_people *pg = &s->people[g];
            if (pg->site != site || pg->role == DD_ROLE_EVACUEE)
                continue; /* evacuees escort nothing (planfuzz seeds 1928, 1936) */
            dd_time r = p->released[g];
            if (pg->role == DD_ROLE_AUGMENTEE && pg->arrival != DD_TIME_NONE)
                r = max_t(r, max_t(pg->arrival, s->agreement.personnel.entry_lead) + 1);
            int64_t count = pg->count;
            if (pg->role == DD_ROLE_SECURITY) {
                int64_t kept = sec_kept < count ? sec_kept : count;
                sec_kept -= kept;
                element += kept;
                count -= kept;
            }
            if (count > 0)
                av[na++] = (avail){r + s->agreement.personnel.manifest_lead, count};
        }
        if (!dd__sort(av, na, sizeof *av, by_time)) {
            sorted = false;
            break;
        }
        /* the q-th load waits for the q-th person (or the last one);
         * past them, only the security element that stays to the end
         * can escort it: it leaves with the element, last (rear) */
        int64_t total = 0;
        for (size_t g = 0; g < na; g++)
            total += av[g].count;
        size_t gi = 0;
        int64_t before = 0; /* people in av[0..gi) */
        for (size_t q = a; q < b; q++) {
            int64_t idx = (int64_t)(q - a);
            rear[rq[keys[q].rq].load] = idx >= total && element > 0;
            if (na == 0)
                continue;
            while (gi + 1 < na && before + av[gi].count <= idx) {
                before += av[gi].count;
                gi++;
            }
            dd__request *r = &rq[keys[q].rq];
            if (av[gi].t > r->ready) {
                r->ready = av[gi].t;
                r->key = (double)av[gi].t;
            }
        }
        a = b;
    }
    free(keys);
    free(av);
    return sorted ? DD_OK : DD_ENOMEM;
}

/* The rear loads of each site (escort_waits) after its other loads: ready
 * when the last of them is, and placed after them, in their own order. */
static void rear_last(const dd_scenario *s, dd__request *rq, size_t n, const bool *rear)
{
    for (size_t si = 0; si < s->n_sites; si++) {
        dd_time ready = DD_TIME_NONE;
        double key = -INFINITY;
        bool any = false;
        for (size_t i = 0; i < n; i++) {
            if (rq[i].site != (int32_t)si)
                continue;
            any |= rear[rq[i].load];
            if (rear[rq[i].load])
                continue;
            ready = ready == DD_TIME_NONE || rq[i].ready > ready ? rq[i].ready : ready;
            key = rq[i].key > key ? rq[i].key : key;
        }
        for (size_t i = 0; any && ready != DD_TIME_NONE && i < n; i++)
            if (rq[i].site == (int32_t)si && rear[rq[i].load]) {
                rq[i].ready = rq[i].ready > ready ? rq[i].ready : ready;
                rq[i].key += key + 1; /* keys are >= 0: after them, order kept */
            }
    }
}

/* One planning attempt into p (tasks and release times already set). */
static dd_status attempt(dd_plan *p, const dd__terms *terms, uint64_t seed, uint64_t iter,
                         bool mix, load_cache *cache)
{
    const dd_scenario *s = p->scenario;
    free_parts(p);
    dd_rng rng;
    dd_rng_seed(&rng, seed, iter);
    unsigned w = (unsigned)(iter % N_WINDOWS);
    dd_status st = loads_for(p, cache, w, mix, seed);
    if (st != DD_OK)
        return st;
    dd_plan_lend_loads(p, cache->lp[(mix ? N_WINDOWS : 0) + w]);
    /* placement order: a serial scheme books each tail from its last
     * sortie on, so loads are placed roughly in the order they can fly:
     * by the time each would leave if its site flew at its daily rate
     * (the k-th load of a site at k/rate days), never before it is ready;
     * then urgency of the site, priority and, after the first attempt,
     * noise */
    size_t n = p->loads->n_loads;
    dd__request *rq = malloc((n ? n : 1) * sizeof *rq);
    size_t *ord = calloc(s->n_sites + 1, sizeof *ord);
    bool *rear = calloc(n + 1, sizeof *rear);
    if (!rq || !ord || !rear) {
        free(rq);
        free(ord);
        free(rear);
        return DD_ENOMEM;
    }
    double noise = iter == 0 ? 0 : (double)(dd_rng_below(&rng, 4) * 720);
    double urgency = iter == 0 ? 0 : dd_rng_double(&rng);
    /* every fourth attempt puts the sites in order of their closing dates
     * (each at its own cap, the one that must close first ahead): the
     * plan that leaves the most margin on an early hand-over */
    bool by_close = iter % 4 == 1;
    for (size_t i = 0; i < n; i++) {
        const dd_load *l = &p->loads->loads[i];
        dd_time ready = l->ready == DD_TIME_NONE ? 0 : l->ready;
        rq[i] = (dd__request){l->site, l->aircraft, (int32_t)i, ready, (double)ready, INT64_MAX};
    }
    /* a sensitive load waits for someone who can escort it */
    if (escort_waits(p, rq, n, rear) != DD_OK) {
        free(rq);
        free(ord);
        free(rear);
        return DD_ENOMEM;
    }
    /* the loads of a site in order of readiness: their ordinal k */
    qsort(rq, n, sizeof *rq, cmp_req);
    for (size_t i = 0; i < n; i++) {
        const dd_load *l = &p->loads->loads[rq[i].load];
        int32_t cap = terms->site_cap[l->site];
        double rate = cap > 0 ? cap : 0;
        if (terms->country_cap > 0 && (!by_close || rate <= 0)) {
            double share = (double)terms->country_cap / (double)(s->n_sites ? s->n_sites : 1);
            if (rate <= 0 || share < rate)
                rate = share > 1 ? share : 1;
        }
        if (rate <= 0)
            rate = 8;
        double paced = (double)ord[l->site]++ * 1440.0 / rate;
        dd_time close = s->sites[l->site].close_by != DD_TIME_NONE ? s->sites[l->site].close_by
                                                                   : s->agreement.deadline;
        double key = (double)rq[i].ready > paced ? (double)rq[i].ready : paced;
        rq[i].key = key + (by_close ? (double)close : urgency * (double)close * 0.25) +
                    (double)l->priority * 30 + noise * dd_rng_double(&rng);
    }
    free(ord);
    rear_last(s, rq, n, rear);
    free(rear);
    qsort(rq, n, sizeof *rq, cmp_req);
    dd__state state;
    st = dd__state_init(&state, s, terms);
    for (size_t i = 0; i < n && st == DD_OK; i++) {
        st = dd__place(&state, &rq[i], p->loads);
        if (st == DD_EINFEASIBLE)
            st = DD_OK; /* left unplaced: the plan reports cargo not out */
    }
    free(rq);
    if (st == DD_OK)
        st = dd__assign_people(p, &state, terms);
    p->sorties = state.sorties;
    p->n_sorties = state.n_sorties;
    state.sorties = NULL;
    dd__state_fini(&state);
    if (st == DD_OK)
        st = dd__plan_figures(p, terms);
    return st;
}

/* Keep the candidate: the two plans trade everything an attempt makes (a
 * swap of their contents, nothing copied or freed); the request they were
 * made for (seed, objective) stays the best's. The old best becomes the
 * scratch that the next attempt clears. The plans of one search share
 * their scenario and their inputs (tasks, release times). */
static void keep_candidate(dd_plan *best, dd_plan *cand)
{
    plan_box t = *box_of(best);
    *box_of(best) = *box_of(cand);
    *box_of(cand) = t;
    best->seed = t.pub.seed;
    best->objective = t.pub.objective;
}


/* Search: attempts with different orders; the best goes into best. When
 * the best plan misses a term (the deadline, a site's closing date, a
 * milestone) or leaves something behind, and mix_ok, the same number of
 * attempts again with the fleet mix (mix.c), if it promises a gain: more
 * sorties are spent only to meet the terms. */
dd_status dd__plan_search(dd_plan *best, dd_plan *work, const dd__terms *terms,
                          const dd_plan_options *o, uint64_t iterations, bool mix_ok)
{
    double t0 = dd__mono_s();
    bool have = false;
    score bs = {0, 0, 0, 0, 0, 0};
    load_cache cache = {{NULL}, NULL};
    dd_status st = DD_OK;
    uint64_t done = 0;
    for (int mix = 0; mix < 2 && st == DD_OK; mix++) {
        if (mix) {
            if (!mix_ok || !have || (bs.lateness == 0 && !bs.not_out) ||
                (o->time_limit_s > 0 && dd__mono_s() - t0 > o->time_limit_s))
                break;
            st = plan_mix(work, terms, &cache, o->seed);
            if (st != DD_OK || !cache.divert)
                break;
        }
        for (uint64_t it = 0; it < iterations && st == DD_OK; it++) {
            st = attempt(work, terms, o->seed, it, mix, &cache);
            if (st != DD_OK)
                break;
            score sc = score_of(work);
            if (!have || better(sc, bs, o->objective)) {
                keep_candidate(best, work);
                best->fleet_mix = mix;
                bs = sc;
                have = true;
            }
            best->iterations = ++done;
            if (o->time_limit_s > 0 && dd__mono_s() - t0 > o->time_limit_s)
                break;
        }
    }
    free_parts(work);
    /* the winner keeps its loads; the rest of the cache goes */
    for (unsigned w = 0; w < 2 * N_WINDOWS; w++) {
        if (best->loads == cache.lp[w] && box_of(best)->lent_loads)
            box_of(best)->lent_loads = false;
        else
            dd_loads_free(cache.lp[w]);
    }
    free(cache.divert);
    best->seconds = dd__mono_s() - t0;
    return st;
}

dd_status dd__terms_init(dd__terms *t, const dd_scenario *s)
{
    memset(t, 0, sizeof *t);
    t->country_cap = s->agreement.clearance.daily_cap;
    t->lead_time = s->agreement.clearance.lead_time;
    dd_arena *m = &t->mem;
    dd__arena_init(m, 0);
    t->site_cap = dd__arena_array(m, s->n_sites + 1, sizeof *t->site_cap);
    t->exit_per_day = dd__arena_array(m, s->n_sites + 1, sizeof *t->exit_per_day);
    t->extra_tails = dd__arena_array(m, s->n_aircraft + 1, sizeof *t->extra_tails);
    t->extra_mog = dd__arena_array(m, s->n_sites + 1, sizeof *t->extra_mog);
    t->hub_people = dd__arena_array(m, s->n_hubs + 1, sizeof *t->hub_people);
    if (!t->site_cap || !t->exit_per_day || !t->extra_tails || !t->extra_mog || !t->hub_people)
        return DD_ENOMEM;
    for (size_t h = 0; h < s->n_hubs; h++)
        t->hub_people[h] = s->hubs[h].people_per_day;
    for (size_t i = 0; i < s->n_sites; i++) {
        t->site_cap[i] = s->sites[i].daily_cap;
        t->exit_per_day[i] = s->sites[i].exit_per_day >= 0 ? s->sites[i].exit_per_day
                                                           : s->agreement.personnel.exit_per_day;
    }
    return DD_OK;
}

void dd__terms_fini(dd__terms *t)
{
    dd__arena_fini(&t->mem);
}

/* ---- bounds ---------------------------------------------------------- */

dd_status dd_plan_build(const dd_scenario *s, const dd_plan_options *o, dd_plan **out)
{
    *out = NULL;
    dd_plan_options defaults;
    if (!o) {
        dd_plan_options_init(&defaults);
        o = &defaults;
    }
    dd_plan *p = dd__plan_new(s), *work = dd__plan_new(s);
    dd__terms terms;
    dd_status st = dd__terms_init(&terms, s);
    if (!p || !work || st != DD_OK) {
        dd_plan_free(p);
        dd_plan_free(work);
        dd__terms_fini(&terms);
        return DD_ENOMEM;
    }
    p->seed = o->seed;
    p->objective = (int)o->objective;
    st = schedule_tasks(s, o->seed, p->tasks);
    if (st == DD_OK) {
        dd__plan_release_times(p);
        memcpy(work->tasks, p->tasks, s->n_tasks * sizeof *p->tasks);
        memcpy(work->released, p->released, s->n_people * sizeof *p->released);
        memcpy(work->cargo_ready, p->cargo_ready, s->n_cargo * sizeof *p->cargo_ready);
        /* placement orders to try: the option, fewer on large scenarios so
         * a theater plans within a minute (deterministic: by size, not time) */
        uint64_t iters = o->max_iterations ? o->max_iterations : 1;
        size_t size = s->n_cargo + s->n_people;
        if (size > 20000) {
            uint64_t cap = (uint64_t)(24.0 * 20000.0 / (double)size);
            if (cap < 1)
                cap = 1;
            if (iters > cap)
                iters = cap;
        }
        st = dd__plan_search(p, work, &terms, o, iters, true);
    }
    if (st == DD_OK) {
        p->margin = dd__tightest_term(p, p->margin_term, sizeof p->margin_term);
        st = dd__plan_bounds(p, &terms);
        if (st == DD_OK)
            st = dd__plan_binding(p, &terms);
        p->commercial_seats_used = 0;
        for (size_t m = 0; m < p->n_movements; m++)
            if (p->movements[m].sortie < 0)
                p->commercial_seats_used += p->movements[m].count;
        if (st == DD_OK && (!p->deadline_met || p->terms_broken) && o->relax)
            st = dd__plan_relaxations(p, &terms, o);
    }
    dd_plan_free(work);
    dd__terms_fini(&terms);
    if (st != DD_OK) {
        dd_plan_free(p);
        return st;
    }
    *out = p;
    return DD_OK;
}
