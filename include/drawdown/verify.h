/* SPDX-License-Identifier: MIT */
/*
 * The plan verifier (`drawdown verify SCENARIO PLAN.json`): reads a plan
 * file (docs/plan-format.md) and checks it against the scenario alone. It
 * never calls the planner; every limit — cabin loads, floor, seats, doors,
 * hazards, clearances and their caps, hours, blackout days, MOG, tails and
 * itineraries, task times, releases, security, exit processing, the
 * ceiling, milestones and deadlines — is re-derived from the scenario. It
 * is the oracle of the planner's tests. What is checked and how:
 * docs/verify.md.
 *
 * The result is a report: the violations found (each with its kind, the
 * sortie, item or group, site and day involved, and a one-line message)
 * and a compliance summary with one line per agreement term (met, violated
 * N times, or not applicable, with the worst figure).
 *
 * Ownership: dd_verify_plan allocates *out; free it with
 * dd_verify_report_free. The report borrows the scenario, which must
 * outlive it. A report is read-only once returned and may be shared by
 * threads; the scenario may be shared by concurrent verifications.
 */
#ifndef DRAWDOWN_VERIFY_H
#define DRAWDOWN_VERIFY_H

#include <drawdown/scenario.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, text): the kinds of violation, in the order checks run. */
#define DD_VIOLATION_MAP(X)                   \
    X(FORMAT, "format")                       \
    X(LOAD, "load")                           \
    X(CARGO, "cargo")                         \
    X(DISPOSITION, "disposition")             \
    X(PEOPLE, "people")                       \
    X(CLEARANCE, "clearance")                 \
    X(HOURS, "hours")                         \
    X(BLACKOUT, "blackout")                   \
    X(CAP_SITE, "cap_site")                   \
    X(CAP_COUNTRY, "cap_country")             \
    X(TAIL, "tail")                           \
    X(ITINERARY, "itinerary")                 \
    X(AIRFIELD_HOURS, "airfield_hours")       \
    X(MOG, "mog")                             \
    X(TASK, "task")                           \
    X(TASK_PRECEDENCE, "task_precedence")     \
    X(TASK_RESOURCE, "task_resource")         \
    X(RELEASE, "release")                     \
    X(MANIFEST, "manifest")                   \
    X(ENTRY, "entry")                         \
    X(EXIT_PROCESSING, "exit_processing")     \
    X(COMMERCIAL, "commercial")               \
    X(SECURITY, "security")                   \
    X(CEILING, "ceiling")                     \
    X(DEADLINE, "deadline")                   \
    X(SITE_CLOSE, "site_close")               \
    X(MILESTONE, "milestone")                 \
    X(ORDER, "order")                         \
    X(CREW, "crew")                           \
    X(UTILISATION, "utilisation")             \
    X(OVERFLIGHT, "overflight")               \
    X(HUB_PEOPLE, "hub_people")               \
    X(LEG, "leg")                             \
    X(STOP, "stop")

typedef enum dd_violation_kind {
#define DD_VIOLATION_ENUM(name, text) DD_V_##name,
    DD_VIOLATION_MAP(DD_VIOLATION_ENUM)
#undef DD_VIOLATION_ENUM
        DD_V_COUNT
} dd_violation_kind;

/* Static name of a kind ("cap_site"); never NULL. */
const char *dd_violation_kind_name(dd_violation_kind k);

/*
 * One broken rule. `message` is the whole line for a person and names what
 * is involved ("sortie 3: 80,120 kg aboard, above the cabin load ...").
 * The other fields repeat the subjects for programs: zero, NULL or -1 when
 * a field does not apply. Strings are owned by the report.
 */
typedef struct dd_violation {
    dd_violation_kind kind;
    int64_t sortie;      /* plan sortie id (1, 2, ...), or 0 */
    const char *item;    /* cargo row, personnel group, task or milestone id, or NULL */
    const char *site;    /* site id, or NULL */
    int32_t day;         /* host-country day number (see dd_scenario_day), or -1 */
    uint32_t line, col;  /* where the plan file states it (1-based), or 0 */
    const char *message;
} dd_violation;

typedef enum dd_term_status { DD_TERM_MET, DD_TERM_VIOLATED, DD_TERM_NA } dd_term_status;

/*
 * One line of the compliance summary: an agreement term ("clearance lead
 * time", "milestone two-thirds", "closing date AB101"), whether the plan
 * meets it, how often it breaks it, and the worst figure ("shortest 5d
 * 0h"), or why it does not apply.
 */
typedef struct dd_verify_term {
    const char *name;
    dd_term_status status;
    size_t n_violations;
    const char *worst;
} dd_verify_term;

/* Violations stored at most; further ones are only counted. */
#define DD_VERIFY_MAX_VIOLATIONS 100000

typedef struct dd_verify_report {
    const dd_scenario *scenario; /* borrowed */
    const char *plan_path;
    /* Problems with the plan file itself (syntax, missing or unknown keys,
     * wrong types, unknown ids), located FILE:LINE:COL. When there are
     * any, dd_verify_plan returned DD_EINPUT and nothing was checked. */
    dd_diags errors;
    size_t n_violations; /* found in all */
    size_t n_stored;     /* in `violations` (at most DD_VERIFY_MAX_VIOLATIONS) */
    const dd_violation *violations;
    size_t by_kind[DD_V_COUNT];
    size_t n_terms;
    const dd_verify_term *terms;
    /* what the plan holds */
    size_t n_sorties, n_clearances, n_commercial;
    int64_t people_moved, pieces_moved;
    /* Facts of the recorded history (a re-plan's sorties marked departed,
     * at or before its as_of: docs/verify.md): what breaks a rule between
     * recorded sorties alone, which the plan cannot change. They are not
     * violations: counted against no kind or term, and a plan with only
     * facts complies. Stored as violations are (at most
     * DD_VERIFY_MAX_VIOLATIONS). */
    size_t n_facts;        /* found in all */
    size_t n_facts_stored; /* in `facts` */
    const dd_violation *facts;
} dd_verify_report;

/*
 * Verify the plan `text` (`len` bytes of JSON; `plan_path` names it in
 * messages) against scenario `s`.
 *
 * Returns DD_OK with *out when the plan could be read: the report lists
 * its violations (none: the plan complies). Returns DD_EINPUT with *out
 * when the plan file is malformed: (*out)->errors holds located errors and
 * no check was made. DD_ENOMEM: *out is NULL. The caller frees *out with
 * dd_verify_report_free.
 */
dd_status dd_verify_plan(const dd_scenario *s, const char *plan_path, const char *text,
                         size_t len, dd_verify_report **out);

void dd_verify_report_free(dd_verify_report *r);

/*
 * Render a report: text, one line per violation ("KIND: MESSAGE") then the
 * compliance summary and a verdict; or JSON (docs/verify.md). Plan file
 * errors are not rendered here (the caller prints r->errors). DD_EIO on a
 * write error.
 */
dd_status dd_verify_write_text(const dd_verify_report *r, FILE *f);
dd_status dd_verify_write_json(const dd_verify_report *r, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
