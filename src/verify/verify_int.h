/* SPDX-License-Identifier: MIT */
/*
 * The verifier's own pieces: the plan as read from its JSON file (ids
 * resolved to scenario indices, times in minutes since the epoch), the
 * checking context with its running compliance figures, and the functions
 * each check file provides. Nothing here comes from the planner: the
 * verifier reads the plan format (docs/plan-format.md) and the scenario.
 */
#ifndef DD_VERIFY_INT_H
#define DD_VERIFY_INT_H

#include <drawdown/verify.h>
#include <stdbool.h>

#include "base/arena.h"
#include "base/sort.h"

/* Tolerances (docs/verify.md). */
#define VF_KG_TOL 1.0      /* stated weights vs recomputed, kg (whole kg either way) */
#define VF_M_TOL 0.01      /* stated floor length vs recomputed, m, plus VF_MM_ITEM per item */
#define VF_MM_ITEM 0.001   /* floor rounding to the millimetre per pallet or piece */
#define VF_HEIGHT_TOL 0.001 /* stated pallet heights are rounded to the millimetre */
#define VF_EPS 1e-6        /* comparisons of recomputed figures */
#define VF_FLIGHT_TOL 2    /* minutes either side of the computed flight time */
#define VF_SHARE_TOL 0.001 /* stated milestone shares vs recomputed */

/* A count of cargo pieces or people, with where the plan states it. */
typedef struct vq {
    int32_t ref; /* cargo or people index */
    int64_t count;
    bool escort;
    uint32_t line, col;
} vq;

typedef struct vpallet {
    int64_t id;
    double gross_kg, height_m;
    size_t n_pieces;
    vq *pieces;
    uint32_t line, col;
} vpallet;

typedef struct vsortie {
    int64_t id;
    int32_t type, site, dest; /* dest -1 for a leg inside the country */
    /* legs inside the country (docs/plan-format.md): a leg flies to
     * to_site (a site, -1 otherwise); an onward sortie continues leg `leg`
     * (an index, -1 otherwise) from that site out of the country with what
     * the leg carried; `onward` is a leg's onward sortie (-1: none) */
    int32_t to_site, leg, onward;
    uint32_t leg_line, leg_col;
    /* an en-route fuel stop (docs/plan-format.md): stops[stop] (-1: the
     * sortie flies direct), landed at stop_arr, off again at stop_dep; a
     * chain of two: then stops[stop2] (-1: none) */
    int32_t stop;
    dd_time stop_arr, stop_dep;
    uint32_t stop_line, stop_col;
    int32_t stop2;
    dd_time stop2_arr, stop2_dep;
    uint32_t stop2_line, stop2_col;
    int64_t tail;
    int32_t ferry_from;
    dd_time ferry_dep, ferry_arr;
    size_t n_ferry_pax;
    vq *ferry_pax;
    dd_time at_site, dep, arr;
    int64_t clearance_id;
    double weight_kg, acl_kg, floor_m;
    int64_t seats_available;
    size_t n_pallets;
    vpallet *pallets;
    size_t n_bulky;
    vq *bulky;
    size_t n_pax;
    vq *pax;
    uint32_t line, col;
    uint32_t load_line, load_col;
    /* marked `departed` (history: it left at `dep`); recorded when that is
     * at or before the plan's as_of: a fact, judged only with what is
     * planned (docs/verify.md, history) */
    bool departed, recorded;
} vsortie;

typedef struct vcommercial {
    int32_t site;
    int32_t day;
    dd_time dep;
    size_t n_pax;
    vq *pax;
    uint32_t line, col;
} vcommercial;

typedef struct vclearance {
    int64_t id;
    int32_t sortie; /* index into sorties */
    int32_t site;
    const char *airfield;
    dd_time file_by, wfrom, wto;
    int32_t day;
    int64_t count_site, count_country;
    /* the request's contents, when the plan file states them (optional) */
    const char *call_sign, *route; /* NULL: not stated */
    int64_t passengers;            /* -1: not stated */
    int hazards_stated, weapons;   /* -1: not stated; weapons 0/1 */
    uint32_t hazards;              /* bit c: the scenario's hazard class c */
    /* overflight clearances stated on the request (optional): country
     * (index into agreement.clearance.overflight) and file-by time */
    int over_stated;               /* -1: not stated */
    size_t n_over;
    struct vover {
        int32_t country;
        dd_time file_by;
        uint32_t line, col;
    } *over;
    uint32_t line, col;
} vclearance;

typedef struct vres {
    int32_t res; /* index into the task's site's resources */
    int64_t amount;
} vres;

typedef struct vtask {
    int32_t task, site;
    dd_time start, end;
    size_t n_res;
    vres *res;
    uint32_t line, col;
} vtask;

typedef struct vmove {
    int64_t count;
    int32_t sortie; /* index, or -1 for commercial */
    int32_t day;
    dd_time dep;
    uint32_t line, col;
} vmove;

typedef struct varrival {
    int64_t count;
    int32_t sortie;
    uint32_t line, col;
} varrival;

typedef struct vgroup {
    int32_t group, site;
    int64_t count;
    int32_t role;
    dd_time released, arrival, entry_by; /* DD_TIME_NONE for null */
    size_t n_moves;
    vmove *moves;
    size_t n_arrivals;
    varrival *arrivals;
    uint32_t line, col;
} vgroup;

typedef struct vday {
    int32_t day;
    int64_t people[DD_ROLE_COUNT];
    int64_t security_required, mog_peak, clearances, exits;
    double cargo_remaining_kg;
    uint32_t line, col;
} vday;

typedef struct vsite {
    int32_t site;
    dd_time closure; /* DD_TIME_NONE for null */
    size_t n_days;
    vday *days;
    uint32_t line, col;
} vsite;

typedef struct vmilestone {
    int32_t ms;
    dd_time at, achieved;
    bool met;
    double pout, cout; /* NAN for null */
    uint32_t line, col;
} vmilestone;

typedef struct vplan {
    dd_time epoch, deadline;
    dd_time as_of; /* when the recorded history ends; DD_TIME_NONE: none stated */
    uint32_t as_of_line, as_of_col;
    uint32_t epoch_line, epoch_col, deadline_line, deadline_col;
    bool deadline_met;
    dd_time completion;
    int64_t n_sorties_stated, seats_used_stated;
    int64_t *by_type_stated; /* per aircraft type; -1 when not listed */
    const char *binding;
    uint32_t summary_line, summary_col;
    size_t n_sorties;
    vsortie *sorties;
    size_t n_commercial;
    vcommercial *commercial;
    size_t n_clearances;
    vclearance *clearances;
    size_t n_tasks;
    vtask *tasks;
    size_t n_groups;
    vgroup *groups;
    size_t n_sites;
    vsite *sites;
    size_t n_milestones;
    vmilestone *milestones;
} vplan;

/* Read the plan JSON into *out (allocated in `arena`). Errors go to
 * `diags`; DD_EINPUT when there is any. */
dd_status dd__verify_parse(const dd_scenario *s, dd_arena *arena, const char *file,
                           const char *text, size_t len, dd_diags *diags, vplan *out);

/* Compliance terms with a fixed place in the summary. */
enum {
    T_CLEARANCE_LEAD,
    T_CLEARANCE_OPENS,
    T_CLEARANCE_VALIDITY,
    T_CAP_SITE,
    T_CAP_COUNTRY,
    T_HOURS,
    T_BLACKOUT,
    T_SECURITY,
    T_EXIT,
    T_MANIFEST,
    T_ENTRY,
    T_CEILING,
    T_ORDER,
    T_DEADLINE,
    T_FIXED
};
#define T_NONE (-1)

/* A term's running figures while the checks run. */
typedef struct vterm {
    const char *name;
    bool applies;
    size_t n;
    bool have_worst;
    double worst; /* in the term's own unit; smaller is worse unless noted */
    char worst_text[160];
    char na_text[96];
} vterm;

/* People leaving: one per passenger entry of a sortie or commercial flight. */
typedef struct vexit {
    int32_t group;
    int64_t count;
    dd_time t;
    int32_t sortie;     /* index, or -1 */
    int32_t commercial; /* index, or -1 */
    int32_t site;       /* where they leave from */
    uint32_t line, col;
} vexit;

/* Augmentees flown in on a ferry leg. */
typedef struct vferried {
    int32_t group;
    int64_t count;
    dd_time t; /* block-in at the site */
    int32_t sortie;
    uint32_t line, col;
} vferried;

typedef struct vctx {
    const dd_scenario *s;
    const vplan *p;
    dd_arena *arena;
    bool oom;
    /* violations */
    dd_violation *v;
    size_t n_v, cap_v, n_found;
    /* facts of the recorded history: while `fact` is set (dd__vf_history),
     * dd__vf_add records here, counted against no kind or term, and
     * dd__vf_worst takes no figure */
    bool fact;
    dd_violation *f;
    size_t n_f, cap_f, n_facts;
    size_t by_kind[DD_V_COUNT];
    /* terms: T_FIXED, then one per milestone, then one per site */
    size_t n_terms;
    vterm *terms;
    /* derived from the plan */
    dd_time *task_start, *task_end; /* per scenario task; DD_TIME_NONE if absent */
    dd_time *cargo_ready;           /* per cargo row; DD_TIME_NONE if unknown */
    dd_time *group_release;         /* per group; DD_TIME_NONE if unknown */
    int32_t *group_entry;           /* per group: index into p->groups or -1 */
    int32_t *sortie_clearance;      /* per sortie: index of its clearance or -1 */
    dd_time *site_closure;          /* per site: last departure, or DD_TIME_NONE */
    vexit *exits;                   /* by time */
    size_t n_exits;
    vferried *ferried;              /* by time */
    size_t n_ferried;
    size_t n_rows_left, n_groups_left; /* cargo rows and groups not all out */
} vctx;

/* Record a violation (message printf-style). `term` is a T_ index, a
 * dynamic term index, or T_NONE; `site` an index or -1; `day` -1 if none. */
void dd__vf_add(vctx *c, dd_violation_kind kind, int term, int64_t sortie, const char *item,
                int32_t site, int32_t day, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));
/* Whether what is found about sortie a (and b; -1: a alone), indices, is
 * a fact of the recorded history: every sortie it involves is recorded
 * (marked departed, at or before the plan's as_of). A check sets c->fact
 * to it around the findings that involve only those sorties. */
bool dd__vf_history(const vctx *c, int32_t a, int32_t b);
/* Offer a figure to a term's worst: kept when `value` is below the current
 * worst (or the first), with its text. */
void dd__vf_worst(vctx *c, int term, double value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int dd__vf_term_milestone(const vctx *c, size_t m);
int dd__vf_term_site(const vctx *c, size_t site);

/* Formatting for messages. */
void dd__vf_time(const vctx *c, dd_time t, char *buf, size_t size);     /* 2024-06-07T14:30Z */
/* A time the plan states and the one recomputed, for a message: a and b
 * (32 bytes each), "null" for no stated time and `none` for none found. */
void dd__vf_stated_found(const vctx *c, dd_time stated, dd_time found, const char *none,
                         char *a, char *b);
void dd__vf_date(const vctx *c, int32_t day, char *buf, size_t size);   /* 2024-06-07 */
void dd__vf_dur(dd_time minutes, char *buf, size_t size);                /* 5d 0h, 3h 15m */
void dd__vf_local_hm(dd_time t, const dd_scenario *s, int32_t tz, char *buf, size_t size);
/* Great-circle distance (docs/plan-format.md), metres, and flight minutes. */
double dd__vf_distance(double lat1, double lon1, double lat2, double lon2);
dd_time dd__vf_flight_min(double dist_m, double cruise_mps);
/* Cabin load of type a on a leg of dist_m (range–payload interpolation). */
double dd__vf_acl(const dd_aircraft *a, double dist_m);
/* Is local minute-of-day `mod` inside hours h? */
bool dd__vf_in_hours(dd_hours h, int32_t mod);
/* Through en-route fuel stops (x->stop >= 0): the smallest cabin load of
 * sortie x's hops (its site, its stops in turn, its destination at lat,
 * lon), *dist_out that hop's length and `hop` its name ("to AA", "from
 * AA to BB", "from BB"). check_load.c. */
double dd__vf_hops_acl(const vctx *c, const vsortie *x, double lat, double lon,
                       double *dist_out, char *hop, size_t hop_size);
/* Minute of the local day of t at offset tz. */
int32_t dd__vf_local_mod(const dd_scenario *s, dd_time t, int32_t tz);

/* A sweep over weighted intervals (check_crew.c; crews, hub ramps): each
 * interval is a start (+weight) and an end (-weight); at one instant the
 * ends come first. vf_sweep sorts ev and calls over() once per episode in
 * which the weight goes above cap, at its first instant, with the weight
 * and the sortie whose start made it. */
typedef struct vev {
    dd_time t;
    int32_t delta;
    int32_t sortie; /* index */
} vev;
/* Sort n records of v by `keys` (base/sort.h); out of memory, the array
 * is left as it is and c->oom set, so the verification ends in DD_ENOMEM
 * whatever the check then finds. */
void dd__vf_sort(vctx *c, void *v, size_t n, size_t size, const dd__key *keys);

void dd__vf_sweep(vctx *c, vev *ev, size_t n, int64_t cap,
                  void (*over)(vctx *c, const void *ctx, dd_time at, int64_t busy,
                               int32_t sortie),
                  const void *ctx);

/* The checks, in the order they run (each file's own). */
void dd__vf_check_summary(vctx *c);    /* check_goal.c: epoch, deadline, ids, summary */
void dd__vf_check_loads(vctx *c);      /* check_load.c */
void dd__vf_check_cargo_flow(vctx *c); /* check_load.c: each piece once */
void dd__vf_check_clearances(vctx *c); /* check_air.c */
void dd__vf_check_itineraries(vctx *c);
void dd__vf_check_mog(vctx *c);
void dd__vf_check_crews(vctx *c);      /* check_crew.c: crews, utilisation */
void dd__vf_check_hubs(vctx *c);       /* check_hub.c: hub ramps, overflight */
void dd__vf_check_tasks(vctx *c);      /* check_ground.c */
void dd__vf_check_people(vctx *c);
void dd__vf_check_releases(vctx *c);
void dd__vf_check_sites(vctx *c);      /* security, exit, ceiling */
void dd__vf_check_goals(vctx *c);      /* check_goal.c: deadline, close_by, milestones */
void dd__vf_check_legs(vctx *c);       /* check_legs.c: legs inside the country */
void dd__vf_check_stops(vctx *c);      /* check_stops.c: en-route fuel stops */
/* When what sortie x carries leaves the country: its onward sortie's
 * departure for a leg, else its own. */
dd_time dd__vf_out_time(const vplan *p, const vsortie *x);
/* Where sortie x lands: its destination, or for a leg its to_site. */
void dd__vf_dest_pos(const dd_scenario *s, const vsortie *x, double *lat, double *lon,
                     const char **id, const char **icao);

/* When augmentees of `group` enter the country: the plan's stated arrival,
 * never before the scenario's (the earliest they may enter); DD_TIME_NONE
 * for a group with no arrival time. */
dd_time dd__vf_entry(const vctx *c, int32_t group);

#endif
