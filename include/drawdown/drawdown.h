/* SPDX-License-Identifier: MIT */
/*
 * libdrawdown's public API in one include: the scenario model, loads,
 * the scheduler, the planner and its independent verifier, the risk
 * simulation and sweeps, reports, the event log and the server.
 * Link with `pkg-config --cflags --libs drawdown` (examples/c/).
 */
#ifndef DRAWDOWN_DRAWDOWN_H
#define DRAWDOWN_DRAWDOWN_H

#define DRAWDOWN_VERSION_MAJOR 0
#define DRAWDOWN_VERSION_MINOR 1
#define DRAWDOWN_VERSION_PATCH 0

#include <drawdown/base.h>
#include <drawdown/scenario.h>
#include <drawdown/events.h>
#include <drawdown/check.h>
#include <drawdown/pack.h>
#include <drawdown/loads.h>
#include <drawdown/sched.h>
#include <drawdown/plan.h>
#include <drawdown/verify.h>
#include <drawdown/cluster.h>
#include <drawdown/sim.h>
#include <drawdown/override.h>
#include <drawdown/sweep.h>
#include <drawdown/report.h>
#include <drawdown/track.h>
#include <drawdown/serve.h>

#endif
