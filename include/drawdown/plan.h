/* SPDX-License-Identifier: MIT */
/*
 * The withdrawal plan: every sortie (type, tail, times, ferry leg, load,
 * clearance), every clearance request with its filing date, every ground
 * task's times, every personnel group's movements, per-site daily figures,
 * milestones, lower bounds, and — when the deadline cannot be met — the
 * single changes that would meet it.
 *
 * How it is made (docs/plan.md): ground tasks are scheduled per site by the
 * RCPSP engine (sched.h), which fixes when cargo and people are released;
 * cargo is packed into loads in order of readiness (loads.h); loads are
 * placed in time by a serial schedule generation over tails, ramp space
 * (MOG less third-party reservations), daily clearance caps, permitted
 * hours and blackout days; people then take seats on those sorties and on
 * commercial flights under exit processing, manifest lead time and the
 * security floor and ratio, with passenger sorties added where seats run
 * short. The placement order is improved by a seeded random-key search,
 * keeping the best plan by (deadline met, lateness, completion, sorties).
 *
 * Ownership: dd_plan_build allocates *out; dd_plan_free frees it. The plan
 * borrows the scenario, which must outlive it. Deterministic for a
 * scenario, options and seed when the budget is in iterations.
 */
#ifndef DRAWDOWN_PLAN_H
#define DRAWDOWN_PLAN_H

#include <drawdown/loads.h>
#include <drawdown/scenario.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dd_pax {
    int32_t people; /* group index */
    int32_t count;
    bool escort;
} dd_pax;

/* What a sortie flies (issue 18, legs inside the country): out of the
 * country; a leg from a site with `via` to its via site; or the onward
 * sortie that takes a leg's load on from the via site out of the country. */
typedef enum dd_sortie_kind { DD_SORTIE_OUT = 0, DD_SORTIE_LEG, DD_SORTIE_ONWARD } dd_sortie_kind;

typedef struct dd_sortie {
    int32_t aircraft;
    int32_t tail;      /* 0-based within the type */
    int32_t site;
    int32_t hub;       /* destination */
    int32_t ferry_from; /* hub the tail ferries from */
    dd_time ferry_departure;
    dd_time arrival_at_site;
    dd_time departure;
    dd_time arrival;   /* at the destination */
    int32_t clearance; /* index into clearances */
    int32_t load;      /* index into loads->loads, or -1 for people only */
    double weight_kg;  /* cargo and passengers */
    double acl_kg;
    double floor_m;
    int32_t seats;     /* seats available with the floor used */
    bool departed;     /* history: the sortie left at `departure`, as recorded
                        * (a re-plan's sorties that had gone); false: planned */
    size_t n_pax;
    dd_pax *pax;       /* people aboard */
    size_t n_ferry_pax;
    dd_pax *ferry_pax; /* augmentees flown in on the ferry leg */
    /* legs inside the country: a LEG flies from `site` to the site
     * `to_site` (hub -1; load and people aboard as any sortie's) and
     * `link` is its onward sortie; an ONWARD sortie leaves `site` (the via
     * site) on the same tail, no ferry (ferry_from -1, ferry_departure =
     * arrival_at_site = the leg's landing), carries the leg's load and
     * people (load -1, no pax of its own) and `link` is its leg. OUT:
     * to_site and link -1 (or 0: read them only by kind). */
    dd_sortie_kind kind;
    int32_t to_site;
    int32_t link;
    /* an en-route fuel stop (issue 18): the sortie lands at
     * scenario->stops[stop - 1] at stop_arrival and takes off again at
     * stop_departure; stop 0: direct (a zeroed sortie flies direct). A
     * chain of two stops: then on to stops[stop2 - 1] (stop2 0: none) */
    int32_t stop;
    dd_time stop_arrival, stop_departure;
    int32_t stop2;
    dd_time stop2_arrival, stop2_departure;
} dd_sortie;

typedef struct dd_clearance_req {
    int32_t sortie;
    int32_t site;
    dd_time file_by;
    dd_time window_from, window_to;
    int32_t day;
    int32_t count_site, count_country;
} dd_clearance_req;

typedef struct dd_task_time {
    dd_time start, end;
} dd_task_time;

typedef struct dd_movement {
    int32_t people;
    int32_t count;
    int32_t sortie;  /* -1: commercial */
    dd_time departure;
    int32_t day;
} dd_movement;

typedef struct dd_site_day {
    int32_t day;
    int32_t people[DD_ROLE_COUNT];
    int32_t security_required;
    double cargo_remaining_kg;
    int32_t mog_peak;
    int32_t clearances;
    int32_t exits;
} dd_site_day;

typedef struct dd_site_plan {
    dd_time closure; /* last departure, or DD_TIME_NONE when nothing leaves */
    size_t n_days;
    dd_site_day *days;
} dd_site_plan;

typedef struct dd_milestone_result {
    dd_time achieved; /* DD_TIME_NONE: never */
    double personnel_out, cargo_out; /* shares out at the milestone's time */
    bool met;
} dd_milestone_result;

typedef enum dd_binding {
    DD_BIND_NONE,
    DD_BIND_CLEARANCE_CAP,
    DD_BIND_SITE_CAP,
    DD_BIND_FLEET,
    DD_BIND_MOG,
    DD_BIND_PROCESSING,
    DD_BIND_TASKS,
    DD_BIND_OPENS,
    DD_BIND_CREWS,       /* crews of a type: duty and rest */
    DD_BIND_UTILISATION, /* flying hours a day per tail */
    DD_BIND_OVERFLIGHT,  /* a country's overflight clearances a day */
    DD_BIND_HUB_PEOPLE,  /* the people a hub takes a day */
    DD_BIND_COUNT
} dd_binding;

typedef struct dd_relaxation {
    char change[32]; /* "site_daily_cap", "daily_cap", "tails", "exit_per_day", "lead_time",
                      * "deadline", "close_by", "milestone" (value: days later),
                      * "tasks" (value: per cent shorter), "mog" (value: spots
                      * added at the site, to its total and each class),
                      * "hub_people" (value: people a day at the hub named
                      * in text) */
    int32_t site;    /* or -1 */
    int32_t aircraft; /* or -1 */
    int64_t value;   /* the new value (minutes for lead_time) */
    int64_t was;
    char text[160];
} dd_relaxation;

typedef struct dd_plan {
    const dd_scenario *scenario;
    uint64_t seed;
    dd_loadplan *loads; /* pallets and loads the sorties carry: the plan's own,
                         * unless lent (dd_plan_lend_loads) */
    size_t n_sorties;
    dd_sortie *sorties; /* by departure */
    size_t n_clearances;
    dd_clearance_req *clearances;
    dd_task_time *tasks; /* n_tasks of the scenario */
    dd_time *released;   /* per personnel group */
    dd_time *arrived;    /* per group: arrival in country (augmentees), else DD_TIME_NONE */
    dd_time *cargo_ready; /* per cargo row */
    size_t n_movements;
    dd_movement *movements;
    dd_site_plan *sites; /* n_sites */
    dd_milestone_result *milestones;
    /* verdict */
    bool deadline_met;   /* the deadline, every closing date and milestone */
    /* the people terms the plan breaks (escorts, security floor and ratio,
     * commercial seats, the ceiling: docs/plan.md); 0 when it keeps them.
     * A plan is "met" only when deadline_met and terms_broken == 0. */
    int32_t terms_broken;
    char broken_term[160]; /* the first one, for a person */
    bool all_out;        /* every shipped piece and person has a place */
    dd_time completion;  /* last departure */
    double margin_hours;
    dd_time margin;        /* on the tightest term (below; negative when late) */
    char margin_term[64];  /* "the deadline", "AB101's closing date", "milestone X" */
    dd_binding binding;
    char binding_detail[200];
    /* bounds */
    dd_time completion_lb;
    dd_binding completion_lb_binding;
    char completion_lb_detail[120]; /* what sets the bound, for a person ("" when the
                                     * name says it all) */
    size_t sorties_lb;
    int32_t commercial_seats_used;
    size_t n_relaxations;
    dd_relaxation relaxations[16];
    bool relax_incomplete;  /* the search for changes stopped at its budget */
    /* search */
    int objective;       /* the dd_plan_objective it was built for */
    bool fleet_mix;      /* cargo moved from the largest type to the second
                          * to meet the terms (docs/plan.md) */
    uint64_t iterations;
    double seconds;
    /* a re-plan (dd_replanner_plan): the time it was made from; its
     * sorties marked departed are what happened before it. Read only when
     * a sortie is marked departed. */
    dd_time as_of;
} dd_plan;

/* What the search prefers once every term that can be met is met: the
 * most margin on the tightest term (the deadline, each site's closing
 * date, each milestone), then the earliest end; or the earliest end, then
 * the margin. Then the fewest sorties. */
typedef enum dd_plan_objective { DD_OBJ_MARGIN, DD_OBJ_COMPLETION } dd_plan_objective;

typedef struct dd_plan_options {
    uint64_t seed;
    dd_plan_objective objective; /* default DD_OBJ_MARGIN */
    double time_limit_s;     /* search budget; <= 0: iterations only */
    uint64_t max_iterations; /* random-key restarts of the placement */
    bool relax;              /* compute relaxations when late (default true) */
    double relax_time_s;     /* their budget in seconds (default 5; <= 0: none) */
} dd_plan_options;

void dd_plan_options_init(dd_plan_options *o);

dd_status dd_plan_build(const dd_scenario *s, const dd_plan_options *o, dd_plan **out);
void dd_plan_free(dd_plan *p);
/* Give the plan loads it does not own (they must outlive it, and
 * dd_plan_free leaves them): a plan read back from an image, or one
 * re-planned on its predecessor's loads. */
void dd_plan_lend_loads(dd_plan *p, dd_loadplan *loads);

const char *dd_binding_name(dd_binding b);

/* What clearance request i tells the host, worked out from its sortie:
 * the call sign (the type's `call_sign` prefix and the sortie's number,
 * at least 3 digits: "RCH007"), the route (the airfield's ICAO code to
 * the destination's, through its fuel stop's), the passengers aboard, the hazard classes of the
 * cargo aboard (bit c: the scenario's class c) and whether weapons are
 * aboard (security personnel aboard are armed). Pure; *out is filled,
 * its strings borrowed from the scenario. */
typedef struct dd_clearance_info {
    char call_sign[24];
    const char *from_icao, *to_icao;
    const char *stop_icao; /* an en-route fuel stop's, on the route between
                            * them ("DRRN-LERT-ETAR"); "" when direct */
    const char *stop2_icao; /* a second stop's, after it
                             * ("DRRN-DAAT-LERT-ETAR"); "" when none */
    int32_t passengers;
    uint32_t hazards;
    bool weapons;
    /* overflight clearances (agreement.clearance.overflight): the
     * countries the sortie's routes cross (its ferry's and its leg's),
     * each to be filed by overflight_file_by[k] (departure less the
     * country's lead time); the first 16 */
    size_t n_overflight;
    int32_t overflight[16];
    dd_time overflight_file_by[16];
} dd_clearance_info;
void dd_plan_clearance_info(const dd_plan *p, size_t i, dd_clearance_info *out);

/*
 * Re-planning from the state of execution (simulate; later, tracking).
 * What has happened stays; the sorties still on the ground are planned
 * again from `now` by the planner's placement (docs/plan.md):
 *  1. per airfield and aircraft type, the loads still on the ground
 *     (with their people) are matched to the sorties' clearances, the
 *     earliest-ready load to the earliest window, windows held or asked
 *     for before sorties with none;
 *  2. in order of when each can go, every sortie is placed at its earliest
 *     departure under the plan's limits — tails from where they are and
 *     when they are free, ramp space, the daily caps counting the sorties
 *     that have left, hours, blackout days, a closure of its airfield —
 *     inside its clearance window if it still can (it keeps the
 *     clearance), else at least the lead time after `now` (a request is
 *     filed now for that day).
 * The replanner owns its working memory, so one per thread; a run does
 * not allocate once the working memory has grown to the plan's size.
 */
typedef struct dd_exec_sortie {
    dd_time departed;    /* DD_TIME_NONE: still on the ground */
    int32_t carries;     /* the base sortie whose load and people it has now */
    dd_time ready;       /* when what it carries can leave (DD_TIME_NONE: now) */
    dd_time window_from; /* the clearance window held or asked for, */
    dd_time window_to;   /* DD_TIME_NONE: none */
} dd_exec_sortie;

typedef struct dd_exec_state {
    dd_time now;
    const dd_exec_sortie *sorties;   /* one per sortie of the base plan */
    const dd_time *site_open;        /* per site: no departure before; NULL: none */
    const dd_time *const *tail_free; /* [type][tail]: free at its hub from; NULL: now */
    const int32_t *const *tail_hub;  /* [type][tail]: hub it is at; NULL: home */
    /* the daily caps the host applies now, when not the scenario's: per
     * site, and country-wide (-1: none); NULL: the scenario's */
    const int32_t *site_cap;
    const int32_t *country_cap;
    /* destinations closed (disruptions.destinations.<id>.closures): per
     * destination, no landing in [hub_closed_from, hub_closed_to)
     * (DD_TIME_NONE: open); a sortie that would land in it flies to
     * another destination that takes it, or waits; NULL: all open */
    const dd_time *hub_closed_from;
    const dd_time *hub_closed_to;
    /* false: sorties are placed by the day each can go and, within a day,
     * the airfield that must close first first (the most margin on the
     * closing dates: simulate). true: the sorties that can keep the
     * clearance they hold are placed first and new requests take the room
     * left, unless that misses a term (a closing date, the deadline) the
     * first order meets (fewest new requests: tracking). */
    bool keep_clearances;
    /* the crews as they are (the simulation's, disruptions.crews): per
     * type, per crew (aircraft[a].crews of them), rested and available
     * from (<= now: now), so a crew on duty, resting after what it flew
     * or fallen out is busy until then; a type whose entry is NULL, or
     * NULL: each sortie that has left books its crews (duty and rest) as
     * planned, moved to when it left */
    const dd_time *const *crew_free;
    /* what each sortie of the base plan that has left flew, when not
     * what its plan says (read by dd_replanner_plan alone, so that the
     * history of the plan it makes is the one flown): the tail of its
     * type it left on (-1: its planned tail; the simulation's tails are
     * a pool), and for a sortie that flies direct to a destination, the
     * destination (-1: its planned one; a re-plan may re-route it) and
     * its flight time there. NULL: as planned, moved to when it left */
    const int32_t *flew_tail;
    const int32_t *flew_hub;
    const dd_time *flew_minutes;
} dd_exec_state;

typedef struct dd_replan_sortie {
    int32_t carries;       /* base sortie whose load and people it carries */
    dd_time departure;     /* DD_TIME_NONE: cannot be placed (or departed) */
    int32_t tail;
    bool keeps_clearance;  /* departs inside the window it holds */
    int32_t day;           /* host day of the departure */
    int32_t hub;           /* the destination it flies to (-1: not placed) */
    dd_time arrival;       /* block-in there */
} dd_replan_sortie;

typedef struct dd_replanner dd_replanner;

/* A base plan with legs inside the country (issue 18) is re-planned: a
 * leg on the ground with its onward sortie, an onward sortie whose leg
 * has left alone from the via site on the leg's tail (docs/sim.md). */
dd_status dd_replanner_new(const dd_plan *base, dd_replanner **out);
void dd_replanner_free(dd_replanner *r);
/* out: one entry per sortie of the base plan (departed ones: carries as
 * given, departure DD_TIME_NONE). DD_EARG on a carries out of range or a
 * load carried twice. */
dd_status dd_replanner_run(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out);

/*
 * The last run's re-plan as a full plan (x and out as given to and
 * returned by dd_replanner_run): the sorties that have left at the times
 * they left, the others as the run placed them, each with the load and
 * people it carries; clearance requests, people's movements, per-site
 * figures, milestones and the verdict computed as dd_plan_build does. A
 * sortie the run could not place is left out, and what it carries with it
 * (the plan is then not all out). The plan borrows the base plan's loads:
 * the base must outlive *plan_out. Call before the next run.
 */
dd_status dd_replanner_plan(const dd_replanner *r, const dd_exec_state *x,
                            const dd_replan_sortie *out, dd_plan **plan_out);

/* An empty plan sized for s (its per-task, per-group, per-item, per-site
 * and per-milestone arrays zeroed), for a reader that fills one (the event
 * log's stored plan); NULL when out of memory; dd_plan_free frees it. */
dd_plan *dd_plan_new_empty(const dd_scenario *s);

/* Renderers (src/plan): the human summary and tables, the plan file
 * (docs/plan-format.md) and CSV files. */
typedef enum dd_plan_tables {
    DD_TABLE_SORTIES = 1,
    DD_TABLE_CLEARANCES = 2,
    DD_TABLE_PEOPLE = 4,
    DD_TABLE_TASKS = 8
} dd_plan_tables;

dd_status dd_plan_write_text(const dd_plan *p, unsigned tables, FILE *f);
dd_status dd_plan_write_json(const dd_plan *p, const char *scenario_path, FILE *f);
/* What the independent verifier found on a plan (docs/verify.md):
 * checked false when it was not run; disagrees when the plan says every
 * term is met and the verifier found violations (or could not read it). */
typedef struct dd_plan_check {
    bool checked;
    bool disagrees;
    size_t violations;
} dd_plan_check;
/* The plan file's summary for scripts (`drawdown plan --json`): the plan
 * file without its sorties, requests, tasks and people, format
 * "drawdown-plan-summary", with "verification" from check (NULL: not
 * checked). */
dd_status dd_plan_write_summary_json(const dd_plan *p, const char *scenario_path,
                                     const dd_plan_check *check, FILE *f);
/* Write sorties.csv, manifests.csv, clearances.csv, people.csv, tasks.csv
 * into dir (created if missing), each atomically (temp file + rename). */
dd_status dd_plan_write_csv(const dd_plan *p, const char *dir);
/* The same through dd_output (base.h): a file that is one of `inputs` is
 * refused before any file is written; problems go to diags (may be NULL). */
dd_status dd_plan_write_csv_to(const dd_plan *p, const char *dir, const char *const *inputs,
                               size_t n_inputs, dd_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
