/* SPDX-License-Identifier: MIT */
/*
 * The scenario: everything a withdrawal plan is made from — the agreement
 * and its terms, the sites and their airfields, the hubs, the fleet, and the
 * inventories of cargo, people and ground tasks. dd_scenario_load reads a
 * YAML or JSON file and the CSV inventories it names, validates them, and
 * returns an immutable model that every later stage (loads, schedule, plan,
 * verify, simulate, report) reads.
 *
 * Units inside are SI: kilograms, metres, metres per second, and time in
 * whole minutes since the scenario epoch (UTC). Text is UTF-8.
 *
 * Ownership: a dd_scenario owns all its memory (one arena); every pointer
 * reachable from it lives until dd_scenario_free. The structure is
 * read-only after load and may be shared by threads.
 */
#ifndef DRAWDOWN_SCENARIO_H
#define DRAWDOWN_SCENARIO_H

#include <drawdown/base.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Minutes since the scenario epoch, UTC. */
typedef int64_t dd_time;
#define DD_TIME_NONE INT64_MIN
#define DD_MINUTES_PER_DAY 1440

/* Where a record came from, for messages of later stages. */
typedef struct dd_loc {
    const char *file;
    uint32_t line;
    uint32_t col;
} dd_loc;

/* Daily hours in local time: [open, close) in minutes after local midnight.
 * open == 0 && close == 1440 means all day; close < open spans midnight. */
typedef struct dd_hours {
    int32_t open;
    int32_t close;
} dd_hours;

typedef struct dd_milestone {
    const char *id;
    const char *description;
    dd_time at;
    int32_t site;              /* index into sites, or -1 for the whole force */
    double personnel_fraction; /* share of people out by `at`, or -1 */
    double cargo_fraction;     /* share of shipped tonnage out by `at`, or -1 */
    dd_loc loc;
} dd_milestone;

/* One step of a schedule of clearance caps (`caps` in the scenario):
 * from host-country day `day` (see dd_scenario_day) until the next step,
 * at most `daily` military departures a day and `weekly` a week (-1: no
 * such cap). Before the first step no military departure is cleared. A
 * `weekly_cap` without `caps` is one step from INT32_MIN (always). */
typedef struct dd_cap_step {
    int32_t day;
    int32_t daily;
    int32_t weekly;
} dd_cap_step;

/* Overflight clearances of one country on the routes out (issue 18): a
 * sortie whose destination's route crosses it (dd_hub.overflies) needs its
 * clearance too, filed its lead time before departure, within its daily
 * cap (sorties per host-country day of departure). */
typedef struct dd_overflight {
    const char *country; /* id, as destinations[].overflies name it */
    const char *name;
    dd_time lead_time;
    int32_t daily_cap; /* -1 = no cap */
    dd_loc loc;
} dd_overflight;

typedef struct dd_clearance_terms {
    dd_time lead_time;     /* a request is filed at least this long before departure */
    dd_time validity;      /* length of the window a clearance grants */
    dd_time decision_time; /* typical time from filing to decision */
    dd_time opens;         /* no military departure is cleared before this (0: epoch) */
    int32_t daily_cap;     /* military departures per day, country-wide; -1 = no cap.
                            * With a schedule (n_caps > 0): the largest daily cap of
                            * its steps, -1 if a step has none */
    /* the schedule of country-wide caps; n_caps 0: daily_cap alone, every
     * day. A variant or a relaxation that moves daily_cap away from
     * caps_base (the value it was read with) moves every step's daily cap
     * by as much (a cap where there was none: every step's daily cap is
     * at most daily_cap; no cap: none on any step); before the first step
     * it stays 0. Weekly caps do not move. */
    size_t n_caps;
    const dd_cap_step *caps;
    int32_t caps_base;
    bool calendar_week;    /* weekly caps count Monday-Sunday weeks (local);
                            * false: any 7 consecutive days (rolling) */
    dd_hours hours;        /* permitted departure hours, local time of the airfield */
    size_t n_blackout;
    const int32_t *blackout; /* day numbers (see dd_scenario_day), sorted */
    size_t n_overflight;
    const dd_overflight *overflight; /* the countries on the routes out */
} dd_clearance_terms;

typedef struct dd_security_terms {
    int32_t floor; /* minimum security personnel at each open site */
    double ratio;  /* and at least ratio × everyone else present */
    bool commercial; /* security may leave on commercial seats (default
                      * false: the security element leaves on military
                      * sorties, the last one on a site's last sortie) */
} dd_security_terms;

typedef struct dd_personnel_terms {
    int32_t exit_per_day;    /* exits processed per day per site; -1 = no limit */
    int32_t exit_per_hour;   /* and per clock hour (host-country time) per site, by
                              * the hour of departure; -1 = no limit */
    dd_time manifest_lead;   /* manifests filed this long before departure */
    dd_time entry_lead;      /* augmentees' entry requested this long ahead */
    int32_t ceiling;         /* in-country personnel ceiling; -1 = none */
} dd_personnel_terms;

typedef struct dd_agreement {
    const char *name;
    dd_time deadline;
    int32_t tz_offset; /* host-country offset from UTC, minutes; days are counted in it */
    size_t n_milestones;
    const dd_milestone *milestones;
    dd_clearance_terms clearance;
    dd_security_terms security;
    dd_personnel_terms personnel;
} dd_agreement;

typedef struct dd_mog {
    int32_t klass; /* index into aircraft classes */
    int32_t count;
} dd_mog;

typedef struct dd_reservation {
    dd_time from;
    dd_time to;
    int32_t slots; /* parking slots (MOG) held by a third party */
    const char *note;
} dd_reservation;

typedef struct dd_resource {
    const char *id;
    int32_t capacity;
} dd_resource;

typedef struct dd_site {
    const char *id;
    const char *name;
    const char *icao;
    double lat, lon;   /* degrees */
    int32_t tz_offset; /* display offset from UTC, minutes */
    int32_t mog_total; /* aircraft on the ground at once, any class; -1 = sum of classes */
    size_t n_mog;
    const dd_mog *mog;
    dd_hours hours; /* airfield operating hours, local */
    size_t n_reservations;
    const dd_reservation *reservations;
    size_t n_resources;
    const dd_resource *resources;
    dd_time close_by;       /* own closing deadline or DD_TIME_NONE */
    int32_t daily_cap;      /* clearances per day at this airfield; -1 = none (with a
                             * schedule: its largest daily cap, as the agreement's) */
    size_t n_caps;          /* the airfield's schedule of caps, as the agreement's */
    const dd_cap_step *caps;
    int32_t caps_base;
    int32_t exit_per_day;   /* overrides the agreement's; -1 = use agreement */
    int32_t exit_per_hour;  /* overrides the agreement's; -1 = use agreement */
    int32_t security_floor; /* overrides; -1 = use agreement */
    double security_ratio;  /* overrides; < 0 = use agreement */
    /* the order of closure: this site closes (its last departure) after
     * each of these sites', from its own `after` and from `phases` */
    size_t n_after;
    const int32_t *after;
    int32_t phase;          /* index into the scenario's phases, or -1 */
    /* legs inside the country (issue 18): this site's cargo and people
     * leave the country through site `via` (-1: from here), flown there
     * by air and ready there via_transfer after a leg lands. The via site
     * flies out of the country itself (vias do not chain). */
    int32_t via;
    dd_time via_transfer;
    dd_loc loc;
} dd_site;

/* A phase of the withdrawal: its sites close after every site of the
 * phases before it (`phases` in the scenario, in order). */
typedef struct dd_phase {
    const char *id;
    size_t n_sites;
    const int32_t *sites;
} dd_phase;

typedef struct dd_hub {
    const char *id;
    const char *name;
    const char *icao;
    double lat, lon;
    int32_t mog; /* aircraft on the ground at once, each for its type's
                  * ground time after block-in; -1 = no limit */
    int32_t people_per_day; /* passengers landing per host-country day of
                             * block-in at the hub; -1 = no limit */
    size_t n_overflies;
    const int32_t *overflies; /* indices into agreement.clearance.overflight:
                               * the countries the route to it crosses */
    dd_loc loc;
} dd_hub;

/* An en-route fuel stop (issue 18, `stops:`): an airfield on the way
 * out where a sortie whose cabin load by range does not reach its
 * destination lands to refuel; the flight is then two hops and its load
 * the smaller of the two hops' cabin loads. */
typedef struct dd_stop {
    const char *id;
    const char *name;
    const char *icao;
    double lat, lon;
    int32_t mog;         /* aircraft on its ramp at once, each for the stop's
                          * ground time from landing; -1 = no limit */
    dd_time ground_time; /* on the ground there; -1: the type's ground_time */
    int32_t country;     /* index into agreement.clearance.overflight: the
                          * country whose clearance a landing needs (its lead
                          * time and daily cap), or -1 */
    int32_t tz_offset;   /* its local offset from UTC, minutes (its hours) */
    dd_hours hours;      /* operating hours, local: landing and take-off
                          * inside them (all day by default) */
    dd_loc loc;
} dd_stop;

typedef struct dd_payload_point {
    double range_m;    /* leg distance */
    double payload_kg; /* allowable cabin load at that distance */
} dd_payload_point;

typedef struct dd_tails_step {
    dd_time from;  /* from this time on ... */
    int32_t count; /* ... this many tails are available */
} dd_tails_step;

typedef struct dd_aircraft {
    const char *id;
    const char *name;
    const char *call_sign; /* prefix of its sorties' call signs ("RCH"); default the id */
    /* optional `tail_numbers:` its tails' registrations ("07-7177"), tail
     * k (1-based) the k-th; n_tail_numbers 0 when not given */
    size_t n_tail_numbers;
    const char *const *tail_numbers;
    int32_t klass;  /* index into aircraft classes (for MOG) */
    double acl_kg;  /* allowable cabin load */
    size_t n_range_payload;
    const dd_payload_point *range_payload; /* sorted by range; may be empty */
    int32_t pallet_positions;
    int32_t seats;
    double seats_per_pallet; /* seats lost for each pallet position used */
    double floor_length_m, floor_width_m;
    double door_width_m, door_height_m;
    double pallet_height_m; /* tallest pallet load accepted */
    double cruise_mps;
    dd_time ground_time; /* turn time on the ground at a site or hub */
    size_t n_tails;
    const dd_tails_step *tails; /* sorted by time */
    int32_t home;               /* index into hubs */
    double cost_per_hour;
    /* Crews and utilisation (docs/format.md 4.7); not limited when
     * utilisation is 0 and crews -1. A sortie's flying time (ferry and leg)
     * counts on the host-country day it leaves the site; its crew is on
     * duty from the ferry's take-off to block-in at the destination, then
     * rests. A sortie whose duty is longer than crew_duty takes an
     * augmented crew (two crews' worth) when crew_duty_augmented allows. */
    dd_time utilisation;         /* flying minutes a day per tail, 0: none */
    int32_t utilisation_days;    /* averaged over this many days (1-31) */
    int32_t crews;               /* crews of the type, -1: not limited */
    dd_time crew_duty;           /* basic crew duty day */
    dd_time crew_duty_augmented; /* augmented crew duty day, 0: none */
    dd_time crew_rest;           /* rest after a duty period */
    dd_loc loc;
} dd_aircraft;

typedef struct dd_commercial {
    int32_t site;
    int32_t seats_per_day;
    dd_time from, to; /* when the service runs */
    dd_loc loc;
} dd_commercial;

typedef enum dd_cargo_kind {
    DD_CARGO_LOOSE,     /* palletisable: built onto 463L pallets */
    DD_CARGO_PALLET,    /* already a built-up 463L pallet */
    DD_CARGO_ROLLING,   /* rolling stock: drives on, takes floor length */
    DD_CARGO_OUTSIZE,   /* outsize: takes floor length, checked at the door */
    DD_CARGO_DRONE,     /* crated drone: outsize with its own crate */
    DD_CARGO_CONTAINER, /* ISO or Tricon container on pallets */
    DD_CARGO_KIND_COUNT
} dd_cargo_kind;

typedef enum dd_disposition {
    DD_DISP_SHIP,
    DD_DISP_HANDOVER,
    DD_DISP_DESTROY,
    DD_DISP_COUNT
} dd_disposition;

typedef struct dd_cargo {
    const char *id;
    const char *description;
    const char *unit; /* owning unit, for grouping; may be "" */
    int32_t site;
    int32_t quantity;
    double weight_kg; /* of one piece */
    double length_m, width_m, height_m;
    dd_cargo_kind kind;
    int32_t hazard; /* index into hazard classes, or -1 */
    bool sensitive; /* needs an escort on the same load */
    dd_time ready;  /* DD_TIME_NONE: ready at epoch unless released_by */
    int32_t released_by; /* task index, or -1 */
    int32_t priority;    /* 1 = first */
    int32_t max_stack;   /* pieces that may stand on one another; 1 = no stacking */
    dd_disposition disposition;
    uint32_t line; /* CSV line */
} dd_cargo;

typedef enum dd_role {
    DD_ROLE_SECURITY,
    DD_ROLE_OPERATIONS,
    DD_ROLE_SUPPORT,
    DD_ROLE_AUGMENTEE,
    DD_ROLE_EVACUEE, /* civilians evacuated: no escort ratio, no escort duty */
    DD_ROLE_COUNT
} dd_role;

typedef struct dd_people {
    const char *id;
    const char *unit;
    int32_t site;
    int32_t count;
    dd_role role;
    dd_time release;     /* DD_TIME_NONE: free to leave at epoch unless released_by */
    int32_t released_by; /* task index, or -1 */
    dd_time arrival;     /* augmentees: arrival in country; DD_TIME_NONE otherwise */
    uint32_t line;
} dd_people;

typedef struct dd_demand {
    int32_t resource; /* index into the task's site's resources */
    int32_t amount;
} dd_demand;

typedef struct dd_task {
    const char *id;
    const char *description;
    int32_t site;
    dd_time duration;
    size_t n_pred;
    const int32_t *pred;     /* task indices */
    const dd_time *pred_lag; /* minimum lag after each predecessor ends */
    size_t n_demand;
    const dd_demand *demand;
    uint32_t line;
} dd_task;

typedef struct dd_hazard_rules {
    size_t n_classes;
    const char *const *classes; /* names, e.g. "1.4", "3", "9" (at most 32) */
    uint32_t no_passengers;     /* bit c set: class c may not fly with passengers */
    const uint32_t *apart;      /* apart[c]: classes that may not share a load with c */
} dd_hazard_rules;

/* A probability distribution of the disruption model (docs/format.md,
 * "Disruptions"). Durations are in minutes, factors are plain numbers. */
typedef enum dd_dist_kind {
    DD_DIST_NONE,       /* not given: the default applies */
    DD_DIST_FIXED,      /* a */
    DD_DIST_UNIFORM,    /* [a, b] */
    DD_DIST_TRIANGULAR, /* min a, mode b, max c */
    DD_DIST_LOGNORMAL,  /* median a, sigma b (of the underlying normal) */
    DD_DIST_EMPIRICAL   /* n values with cumulative probabilities */
} dd_dist_kind;

typedef struct dd_dist {
    dd_dist_kind kind;
    double a, b, c;
    size_t n;
    const double *values;
    const double *cum; /* cumulative probabilities, cum[n-1] == 1 */
} dd_dist;

typedef struct dd_site_disruption {
    dd_dist decision;        /* filing to decision; NONE: the country's */
    double denial;           /* < 0: the country's */
    double closure_rate;     /* closures per day (< 0: the country's) */
    dd_dist closure_duration; /* NONE: the country's */
    dd_dist exit_factor;     /* NONE: the country's */
    double suspension_rate;  /* clearance suspensions per day (< 0: the country's) */
    dd_dist suspension_duration; /* NONE: the country's */
} dd_site_disruption;

/* A destination's (hub's) closures: no landing while closed. */
typedef struct dd_hub_disruption {
    double closure_rate; /* closures per day; 0: none */
    dd_dist closure_duration;
} dd_hub_disruption;

typedef struct dd_aircraft_disruption {
    double abort;  /* probability that a departure aborts */
    dd_dist delay; /* delay after an abort; NONE: 0 */
    /* each of the type's crews falls out (illness, injury, a crew pulled
     * elsewhere) at crew_rate a day, for a draw of crew_duration; < 0 /
     * NONE: the section's (disruptions.crews) */
    double crew_rate;
    dd_dist crew_duration;
} dd_aircraft_disruption;

/* The optional `disruptions:` section: what can go wrong, for
 * `drawdown simulate` (docs/sim.md). Absent: everything happens as planned
 * (decisions take the agreement's decision_time). */
typedef struct dd_disruptions {
    bool present;
    dd_dist decision;          /* clearance: filing to decision, country-wide */
    double denial;             /* probability a request is denied */
    double closure_rate;       /* airfield closures per day, every site */
    dd_dist closure_duration;
    dd_dist exit_factor;       /* multiplier of exit processing capacity, per site */
    dd_dist task_factor;       /* multiplier of each task's duration */
    dd_time replan_every;      /* least time between re-plans (default 1 day) */
    /* the host nation stops deciding clearance requests for a while (a
     * Poisson process per airfield): decisions due then wait for its end */
    double suspension_rate;
    dd_dist suspension_duration;
    /* each crew of every type with limited crews falls out at crew_rate a
     * day for a draw of crew_duration (disruptions.crews) */
    double crew_rate;
    dd_dist crew_duration;
    const dd_site_disruption *sites;        /* n_sites, or NULL when absent */
    const dd_aircraft_disruption *aircraft; /* n_aircraft, or NULL when absent */
    const dd_hub_disruption *hubs;          /* n_hubs, or NULL when absent */
} dd_disruptions;

typedef enum dd_weight_unit { DD_UNIT_KG, DD_UNIT_LB, DD_UNIT_T, DD_UNIT_STON } dd_weight_unit;
typedef enum dd_length_unit { DD_UNIT_M, DD_UNIT_IN, DD_UNIT_FT } dd_length_unit;

/* Paper of the printed briefing (`briefing.paper`, report --paper). */
typedef enum dd_paper { DD_PAPER_DEFAULT = 0, DD_PAPER_A4, DD_PAPER_LETTER } dd_paper;

/* The units a person reads: the scenario's `units:` or an override
 * (--units metric|us). Machine formats (plan file, JSON) stay SI. */
typedef enum dd_units { DD_UNITS_SCENARIO = 0, DD_UNITS_METRIC, DD_UNITS_US } dd_units;

typedef struct dd_scenario {
    const char *path;
    const char *name;
    int64_t epoch_unix; /* the epoch, seconds since 1970-01-01T00:00Z */
    dd_agreement agreement;
    dd_weight_unit display_weight;
    dd_length_unit display_length;
    double passenger_kg; /* weight of one passenger with baggage */
    size_t n_classes;
    const char *const *classes; /* aircraft classes (MOG is given per class) */
    dd_hazard_rules hazard;
    size_t n_sites;
    const dd_site *sites;
    size_t n_phases;
    const dd_phase *phases;
    size_t n_hubs;
    const dd_hub *hubs;
    size_t n_stops;
    const dd_stop *stops; /* en-route fuel stops; may be empty */
    size_t n_aircraft;
    const dd_aircraft *aircraft;
    size_t n_commercial;
    const dd_commercial *commercial;
    size_t n_cargo;
    const dd_cargo *cargo;
    size_t n_people;
    const dd_people *people;
    size_t n_tasks;
    const dd_task *tasks;
    dd_disruptions disruptions;
    /* optional `briefing:` the marking printed at the top and bottom of
     * every page ("UNCLASSIFIED//FOUO"; "" when none) and the paper */
    const char *marking;
    dd_paper paper;
    /* the files it was read from: the scenario, then the tasks, cargo and
     * personnel inventories (NULL when absent or loaded from a string), so
     * that a command refuses to write over its own inputs */
    const char *files[4];
} dd_scenario;

/*
 * Load and validate a scenario file (.yaml, .yml or .json) and the CSV
 * inventories it names (paths relative to the scenario's folder). Every
 * problem found goes to `diags` (bounded; located FILE:LINE:COL with field
 * path). Returns DD_OK and *out on success (warnings may be in diags);
 * DD_EINPUT when the input has errors (*out is NULL); DD_EIO when a file
 * cannot be read; DD_ENOMEM. The caller frees *out with dd_scenario_free.
 */
dd_status dd_scenario_load(const char *path, dd_diags *diags, dd_scenario **out);

/* As dd_scenario_load, from text in memory named `name`; inventories are
 * read relative to `base_dir` (NULL: the current folder). */
dd_status dd_scenario_load_string(const char *name, const char *text, size_t len,
                                  const char *base_dir, dd_diags *diags,
                                  dd_scenario **out);

void dd_scenario_free(dd_scenario *s);

/* The host-country day number that contains time t (day 0 holds the epoch). */
int32_t dd_scenario_day(const dd_scenario *s, dd_time t);
/* The first minute of a host-country day. */
dd_time dd_scenario_day_start(const dd_scenario *s, int32_t day);
/* Format t as ISO 8601: UTC ("2024-06-07T14:30Z") when tz_offset is 0, else
 * local with offset ("2024-06-07T15:30+01:00"). buf needs 32 bytes. */
void dd_scenario_format_time(const dd_scenario *s, dd_time t, int32_t tz_offset,
                             char *buf, size_t size);

/*
 * Format a time that ends a period (the deadline, a closing date, a
 * milestone's date): at the local midnight that ends a day it reads as
 * 24:00 of that day ("2024-09-15T24:00+01:00", the instant
 * 2024-09-15T23:00Z the JSON gives), so "by 15 September" is the same
 * instant in every output; any other time as dd_scenario_format_time.
 */
void dd_scenario_format_end(const dd_scenario *s, dd_time t, int32_t tz_offset, char *buf,
                            size_t size);

/* Parse an ISO 8601 time as the scenario's files take it (no offset: the
 * host country's local time). NULL on success, else what was expected. */
const char *dd_scenario_parse_time(const dd_scenario *s, const char *text, dd_time *out);
/* Exactly "YYYY-MM-DDTHH:MMZ" (the form plan files write) to seconds since
 * 1970; false for anything else or a time that does not exist. */
bool dd_parse_utc_minute(const char *text, int64_t *unix_out);

/* "metric" -> DD_UNITS_METRIC, "us" -> DD_UNITS_US; -1 otherwise. */
int dd_units_from_name(const char *name);
/* Set what a scenario the caller owns displays (DD_UNITS_SCENARIO: keep
 * its own), before it is shared with other threads; only the display
 * units change, never a value read. */
void dd_scenario_set_units(dd_scenario *s, dd_units u);
/* Whether its readers see pounds and inches (units: lb, short ton, in or ft). */
bool dd_scenario_us(const dd_scenario *s);
/* "C17A-1", or the tail's registration when the scenario gives
 * `tail_numbers`: how every output names tail k (1-based) of type a. */
void dd_aircraft_tail_name(const dd_aircraft *a, int32_t tail, char *buf, size_t size);

/* Great-circle distance between two positions, metres. */
double dd_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Allowable cabin load of an aircraft type on a leg of `range_m` metres:
 * interpolated from its range–payload table, else its ACL. */
double dd_aircraft_acl(const dd_aircraft *a, double range_m);

/* The cabin load type a carries from site to hub: direct, or through the
 * fuel stop that carries the most (the smaller of its two hops' cabin
 * loads; ties: the shorter way), or through a chain of two stops when
 * that carries more than any one (the smallest of its three hops').
 * *stop_out: that stop (a chain's first), -1 when the direct flight
 * carries as much. A site with `via`: the smaller of its leg's cabin load
 * and its via site's to hub (through stops too), when the scenario has
 * stops; without stops the direct figure. */
double dd_route_acl(const dd_scenario *s, int32_t a, int32_t site, int32_t hub,
                    int32_t *stop_out);
/* The stop's ground time for type a (its own, else the type's). */
dd_time dd_stop_ground(const dd_stop *x, const dd_aircraft *a);

/* Tails of an aircraft type available at time t. */
int32_t dd_aircraft_tails_at(const dd_aircraft *a, dd_time t);
/* The most tails of the type at any time (tail numbers run 1..this). */
int32_t dd_aircraft_tails_max(const dd_aircraft *a);
/* Crews a sortie of type a with `duty` minutes of crew duty takes: 1
 * (basic crew), 2 (augmented) or 0 when no crew may fly it (past the
 * duty days, or augmented with fewer than two crews); 1 when the type's
 * crews are not limited. */
int32_t dd_aircraft_crews_for(const dd_aircraft *a, dd_time duty);

/* The index of the site / aircraft type with this id, or -1. */
int32_t dd_scenario_site_index(const dd_scenario *s, const char *id);
int32_t dd_scenario_aircraft_index(const dd_scenario *s, const char *id);
/* A site's MOG in all: its mog_total when given, else the sum of its
 * classes' MOG. */
int32_t dd_site_mog_total(const dd_site *x);
/* Ramp spots third parties hold at the site at time t (reservations). */
int32_t dd_site_reserved_at(const dd_site *x, dd_time t);

/* Host-country clock hour of time t: hours since the local hour that
 * holds the epoch began (exit_per_hour counts by it). */
int64_t dd_scenario_hour(const dd_scenario *s, dd_time t);
/* A site's exits per day and per hour, its own or the agreement's (-1:
 * no limit). */
int32_t dd_site_exit_per_hour(const dd_scenario *s, int32_t site);

const char *dd_cargo_kind_name(dd_cargo_kind k);
const char *dd_role_name(dd_role r);
/* People of a role in the scenario, all sites (0 when none: the plan
 * file and the summary list evacuees only when there are some). */
int64_t dd_scenario_role_people(const dd_scenario *s, dd_role r);
const char *dd_disposition_name(dd_disposition d);

/* Constants of the 463L pallet system (DoD public figures). */
#define DD_463L_USABLE_LENGTH_M 2.6416 /* 104 in */
#define DD_463L_USABLE_WIDTH_M 2.1336  /* 84 in */
#define DD_463L_MAX_HEIGHT_M 2.4384    /* 96 in */
#define DD_463L_MAX_GROSS_KG 4535.9237 /* 10,000 lb, pallet and nets included */
#define DD_463L_TARE_KG 161.0256       /* 355 lb: pallet and nets */

#ifdef __cplusplus
}
#endif
#endif
