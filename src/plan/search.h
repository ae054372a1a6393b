/* SPDX-License-Identifier: MIT */
/*
 * The planner's search, shared by its three parts: plan.c (the search over
 * placement orders and the build), binding.c (what binds a plan) and
 * relax.c (the single changes that would meet a missed term, each tried
 * with a short search).
 */
#ifndef DD_PLAN_SEARCH_H
#define DD_PLAN_SEARCH_H

#include "plan/plan_int.h"

/* Seconds on the monotonic clock. */
/* Each cargo row's and personnel group's release from the scenario and
 * the plan's task times. */
void dd__plan_release_times(dd_plan *p);
/* The search: `iterations` placement orders under `terms` (and the same
 * again with the fleet mix when the best misses a term and mix_ok); the
 * best goes into best, work is scratch. */
dd_status dd__plan_search(dd_plan *best, dd_plan *work, const dd__terms *terms,
                          const dd_plan_options *o, uint64_t iterations, bool mix_ok);
/* The plan's binding limit and its detail. */
dd_status dd__plan_binding(dd_plan *p, const dd__terms *terms);
/* The relaxations of a plan that misses a term (within o->relax_time_s). */
dd_status dd__plan_relaxations(dd_plan *p, const dd__terms *base, const dd_plan_options *o);

#endif
