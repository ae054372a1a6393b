/* SPDX-License-Identifier: MIT */
/* Private to src/plan: the re-planner's working memory (replan.c, the full
 * re-place; replan_inc.c, the incremental one) and the steps they share. */
#ifndef DD_REPLAN_INT_H
#define DD_REPLAN_INT_H

#include "plan/plan_int.h"
#include <drawdown/replan.h>

/* A chain of kept sorties' need for a tail (replan_inc.c). */
typedef struct dd__replan_need {
    dd_time at; /* arrival at the airfield of the chain's first sortie */
    size_t t;   /* the chain's tail, in the flat tail arrays */
} dd__replan_need;

struct dd_replanner {
    const dd_plan *base;
    dd__terms terms;
    dd__state st;
    size_t n;
    size_t *slot, *cont; /* undeparted sortie indices, two orders */
    size_t *tmp;         /* merge sort's buffer */
    dd_time *try_at;     /* per slot: when it is placed */
    dd_time *latest;     /* per slot: end of the window it may keep */
    int32_t *give;       /* per slot: the content it gets */
    int32_t *placed;     /* per sortie: its record in st.sorties, or -1 */
    int32_t *give0;      /* the matching, kept for a second placement */
    dd_time *site_last;  /* per site: last departure of a placement */
    unsigned char *sec;  /* per base sortie: carries people of the security */
    unsigned char *sec_slot; /* per sortie: the load it is given carries them */
    size_t *slot0;       /* the undeparted sorties in slot order */
    unsigned char *seen;
    /* The last run's placement, per sortie (dd_replanner_plan reads it;
     * the incremental run keeps what it can of it): prev_ok[f] when prev[f]
     * is a placement of sortie f. Before any run, the base plan. */
    dd_sortie *prev;
    unsigned char *prev_ok;
    bool have_prev;      /* prev holds a placement an incremental run may keep */
    dd_time prev_now;
    int32_t *prev_site_cap; /* the caps prev was placed under (n_sites) */
    int32_t prev_country_cap;
    bool weekly;         /* a weekly cap, crews or tail hours limited:
                          * every run re-places all */
    /* the incremental run's working memory (replan_inc.c) */
    unsigned char *keep; /* per sortie: its placement may be kept */
    size_t *tail_off;    /* per type: first of its tails in the arrays below */
    int32_t *chain;      /* per tail of the last placement: its first kept sortie */
    int32_t *tmap;       /* per tail of the last placement: the tail it becomes */
    unsigned char *taken;
    dd__replan_need *order;
    size_t *ground;      /* the sorties on the ground, in index order */
    dd__tail *tail_save; /* the tails as the state's reset left them */
    unsigned char *pin;  /* per sortie: kept and held on its ramp (MOG) */
    size_t *spill;       /* sorties placed again past the cut */
    size_t *by_site, *site_off; /* the kept sorties by airfield */
    dd_time *span_lo;            /* per airfield: pinned from */
    unsigned char *mark;         /* per sortie: past the cut (scratch) */
    int32_t *pred, *succ;        /* per tail: the kept sorties about a gap */
    int32_t *gap_tail, *gap_hub, *gap_succ; /* per sortie past the cut */
    int32_t *gap_last;           /* per tail: the last sortie past the cut on it */
    dd__replan_need *spill_order;
    size_t n_kept_ground; /* r->ground[0..m) of this run */
    bool hold;           /* the placement holds the kept sorties (r->seen) */
    size_t hold_bad;     /* the pinned sortie that no longer fits */
    dd_replan_stats stats;
};

/* The incremental run's working memory and the base plan as the first
 * placement (replan_inc.c). */
dd_status dd__replan_init_inc(dd_replanner *r);
/* The start of every run: checks the state's contents (a permutation),
 * sets the caps in force, out[] to every sortie's default and r->slot to
 * the *m_out sorties on the ground. DD_EARG on a bad state. */
dd_status dd__replan_begin(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t *m_out);
/* Steps 1-3 for the m sorties r->slot[0..m) (all those on the ground),
 * after dd__replan_begin: dd_replanner_run's placement. */
dd_status dd__replan_full(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                          size_t m);
/* Step 1 of a run: the contents of the m sorties r->slot[0..m) matched to
 * them per airfield and type (give0, and slot0 in slot order). */
void dd__replan_match(dd_replanner *r, const dd_exec_state *x, size_t m);
/* Steps 2-3: r->slot0[0..m) placed again from x->now (out[f] for them);
 * the state is rebuilt first. windows_first as dd_exec_state's
 * keep_clearances; *missed_out gets the terms the placement misses (out[]
 * of the other undeparted sorties must be set). */
dd_status dd__replan_place(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t m, bool windows_first, int64_t *missed_out);
/* Into the state just reset, the sorties an incremental run keeps
 * (replan_inc.c): every one counted on its day, those pinned also on their
 * ramps (MOG); DD_EINFEASIBLE when a pinned one no longer fits. */
dd_status dd__replan_hold(dd_replanner *r);
/* Keeps the placement of the run's sorties r->slot0[0..m) in r->prev. */
void dd__replan_keep(dd_replanner *r, const dd_exec_state *x, size_t m);

#endif
