/* SPDX-License-Identifier: MIT */
/*
 * scengen: seeded random scenarios that cover every feature of the
 * scenario format (docs/format.md), for the planner's property test
 * (tests/test_planfuzz.c) and the soak program (bench/planfuzz.c).
 *
 * One seed gives one scenario: a scenario.yaml and its cargo, personnel and
 * tasks CSVs, written into a folder. Sizes range from one item to thousands
 * of people; deadlines from generous to impossible; features (units,
 * offsets, milestones, clearance terms, hours, blackout days, security,
 * exit processing, manifests, augmentees and entry, the ceiling, hazards,
 * sensitive items, every cargo kind, dispositions, tasks with lags and
 * resources, reservations, site caps and closing dates, C-130-only sites,
 * tail steps, range-payload tables, commercial services with dates,
 * crews and utilisation, hubs with a ramp, overflight clearances, exit
 * processing per hour) are each switched on at random.
 *
 * Then pf_check plans the scenario, writes the plan file in memory, and
 * lets the independent verifier judge it: a plan the planner calls met
 * must comply with every term.
 */
#ifndef DD_TESTS_SCENGEN_H
#define DD_TESTS_SCENGEN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sg_size { SG_TINY, SG_SMALL, SG_MEDIUM, SG_LARGE, SG_ANY } sg_size;

typedef struct sg_options {
    sg_size size;      /* SG_ANY: drawn from the seed, mostly small */
    int max_people;    /* 0: no cap beyond the size class */
} sg_options;

/* Write the scenario for `seed` into dir (which must exist). Returns 0, or
 * -1 when a file cannot be written. */
int sg_write(uint64_t seed, const sg_options *o, const char *dir);

typedef enum pf_outcome {
    PF_CHECK_REJECTED, /* the generator wrote a scenario the loader refuses */
    PF_PLAN_FAILED,    /* dd_plan_build returned an error */
    PF_MALFORMED,      /* the plan file does not read back */
    PF_MET_REJECTED,   /* plan said met, the verifier found violations */
    PF_MISSED_REJECTED_OTHER, /* plan missed, and broke a term other than dates and leftovers */
    PF_MISSED,         /* plan missed; only dates and leftovers broken */
    PF_MISSED_COMPLIES,/* plan said missed, the verifier finds nothing wrong */
    PF_AGREED,         /* plan met, verifier agrees */
    PF_COUNT
} pf_outcome;

const char *pf_outcome_name(pf_outcome o);

typedef struct pf_result {
    pf_outcome outcome;
    double plan_seconds;
    char detail[512]; /* first violations or the error */
} pf_result;

/* Load dir/scenario.yaml, plan it with `iterations` placement orders, and
 * verify the plan. */
void pf_check(const char *dir, uint64_t iterations, pf_result *r);

#endif
