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

/* A sortie on a tail's timeline (replan_inc.c). */
typedef struct dd__replan_link {
    dd_time at;   /* arrival at its airfield */
    dd_time free; /* back at its hub and turned round */
    dd_time fd;   /* kept: its ferry's departure as it stands (r->pv) */
    int32_t hub, site;
    int32_t ferry_from; /* as booked: a strict type's must not change */
    int32_t idx;  /* kept: the sortie (r->prev); else its record in r->st.sorties */
    bool kept;
} dd__replan_link;

/* A tail's gap as a placement sees it (replan_inc.c): free from `free`
 * at `hub`, until the sortie after the gap (next_*; next_at INT64_MAX
 * for the open gap after the last). */
typedef struct dd__replan_gapc {
    dd_time free, next_at, next_free;
    int32_t hub, next_site, next_hub, next_ferry_from;
} dd__replan_gapc;

/* What the passes over every sortie on the ground read of its last
 * placement (r->prev), packed: kept beside prev wherever prev changes
 * (dd__replan_pv_set). */
typedef struct dd__replan_pv {
    dd_time departure, arrival, arrival_at_site, ferry_departure;
    int32_t tail, hub, site, aircraft, ferry_from;
    int32_t day; /* the departure's (dd_scenario_day) */
} dd__replan_pv;

/* A kept sortie with people aboard as exits_unkeep counts it: its
 * departure, its site, its people. */
typedef struct dd__replan_ppl {
    size_t f;
    dd_time departure;
    int32_t site, pax;
} dd__replan_ppl;

/* A sortie's keys in one of the re-plan's orders (replan.c's sorting) */
typedef struct dd__rkey {
    int64_t k[4]; /* compared in order */
    size_t i;     /* the sortie: the last tie */
} dd__rkey;

struct dd_replanner {
    const dd_plan *base;
    /* per base sortie, what the loops over every sortie read of it, packed
     * (a dd_sortie is about 200 bytes: a pass over the theater's 58,000
     * streams 12 MB): its site, its kind, its group (site × n_aircraft +
     * type), its type, its load, its planned departure, its load's kg */
    int32_t *b_site;
    int32_t *b_grp;
    unsigned char *b_kind;
    int32_t *b_air, *b_load;
    dd_time *b_dep;
    double *b_kg;
    size_t *undep, n_undep; /* the sorties on the ground this run, by index */
    /* the sorties whose booking as flown (bk_kind, bk_left) is not what
     * this run's x says — left since, or not as booked — by index
     * (dd__replan_begin; sync_departed's) */
    size_t *newly, n_newly;
    dd__terms terms;
    dd__state st;
    size_t n;
    size_t *slot, *cont; /* undeparted sortie indices, two orders */
    dd__rkey *tmp;       /* sorting's keyed records and buffer: 2 × n */
    dd_time *try_at;     /* per slot: when it is placed */
    dd_time *latest;     /* per slot: end of the window it may keep */
    int32_t *give;       /* per slot: the content it gets */
    int32_t *placed;     /* per sortie: its record in st.sorties, or -1 */
    int32_t *give0;      /* the matching, kept for a second placement */
    dd_time *site_last;  /* per site: last departure of a placement */
    /* per site, of the sorties that have left (dd__replan_begin): the last
     * departure, and the last without the security; dep_end the last */
    dd_time *left_last, *left_last_ns, left_end;
    unsigned char *sec;  /* per base sortie: carries people of the security */
    unsigned char *sec_slot; /* per sortie: the load it is given carries them */
    size_t *slot0;       /* the undeparted sorties in slot order */
    unsigned char *seen;
    /* The last run's placement, per sortie (dd_replanner_plan reads it;
     * the incremental run keeps what it can of it): prev_ok[f] when prev[f]
     * is a placement of sortie f. Before any run, the base plan. */
    dd_sortie *prev;
    dd__replan_pv *pv; /* per sortie: prev's fields, packed; its tail is the
                        * sortie's (prev's, of a type whose tails are not
                        * booked, is not brought up to date: build_lines) */
    unsigned char *prev_ok;
    bool have_prev;      /* prev holds a placement an incremental run may keep */
    /* this run places every sortie again, each first where prev has it
     * (dd_replanner_run_full, replan_full.c): keeper[f], slot f keeps its
     * load; pinned[f], it is placed at prev's departure first; ord, the
     * rest in the order they are placed (2 × n: its second half scratch);
     * n_stuck, how many found no room where they were */
    bool stable;
    unsigned char *keeper, *pinned;
    size_t *ord, n_stuck;
    size_t stuck_max; /* DD__REPLAN_STUCK_MAX (tests: dd__replanner_stuck_max) */
    dd_time prev_now;
    int32_t *prev_site_cap; /* the caps prev was placed under (n_sites) */
    int32_t prev_country_cap;
    /* the incremental run's working memory (replan_inc.c) */
    unsigned char *keep; /* per sortie: its placement may be kept */
    size_t *tail_off;    /* per type: first of its tails in the arrays below */
    int32_t *chain;      /* per tail of the last placement: its first kept sortie */
    int32_t *tmap;       /* per tail of the last placement: the tail it becomes */
    dd__replan_need *pool; /* assign_tails's tails alike, per hub (replan_inc.c) */
    size_t *pool_off, *pool_n, n_pool_hubs;
    dd__replan_need *order;
    size_t *ground;      /* the sorties on the ground, in index order */
    dd__tail *tail_save; /* the tails as the state's reset leaves them */
    size_t *ktail_off;   /* per tail of the last placement (+1): its kept sorties */
    size_t *ktail;       /* ... in ktail[ktail_off[t] .. ktail_off[t + 1]), by arrival */
    size_t *kfirst;      /* per tail of the last placement: its chain's first in ktail */
    unsigned char *strict; /* per type: crews, tail hours or overflights limited, so
                            * its chains and the sorties put between them keep
                            * their tail and ferry (what was booked for them) */
    dd__replan_need *scratch; /* n of them */
    /* kept_from_lines's kept sorties as links of the last timelines, in
     * r->ktail's order (n of them); klink_ok: build_lines copies them */
    dd__replan_link *klink;
    bool klink_ok;
    /* per tail: its timeline, kept and placed sorties by arrival */
    dd__replan_link **line;
    size_t *line_n, *line_cap;
    size_t *gap;         /* per tail: the gap of its timeline a placement tries */
    dd__replan_gapc *gapc; /* per tail: that gap (a placement reads it for every try) */
    size_t *fit;         /* per tail: the first gap after its cursor's that can take
                          * the sortie being placed (tail_view) */
    size_t *look;        /* per tail: how many gaps first_fit looks at next (it
                          * doubles each time it finds none) */
    int32_t *ret_min;    /* per site: the least minutes from the placed sortie's
                          * site out to a hub and ferried on to that site */
    dd_time q_lb;        /* the least slack a gap needs to take the sortie
                          * being placed (can_host's bound over every hub) */
    /* per tail: each gap's slack (the next sortie's arrival less the end
     * of the one before), first_fit's skip; the first slack_n entries
     * are the timeline's as it stands (a timeline built anew has none,
     * one that takes a sortie keeps those before it) */
    dd_time **slack;
    size_t *slack_n, *slack_cap;
    int32_t q_site;      /* the site of the sortie being placed */
    int32_t q_hub;       /* its hub, when the placement does not choose one; else -1 */
    size_t n_kept_ground; /* r->ground[0..m) of this run */
    bool hold;           /* the placement holds the kept sorties (r->seen) and
                          * places in the tails' gaps */
    bool gap_fail;       /* a placement in the gaps gave up */
    dd_replan_stats stats;
    /* The placement state kept from one incremental run to the next
     * (replan_inc.c): what each sortie has booked in r->st, so that a run
     * takes out only what moves instead of rebuilding the state. */
    dd_sortie *bk;          /* per sortie: as booked (held or flown) */
    unsigned char *bk_kind; /* per sortie: DD__BK_NONE, _HELD, _FLOWN */
    dd_time *bk_left;       /* per sortie booked as flown: when it left */
    /* the tails' timelines (line) are the last placement's: it was an
     * incremental run that ended well; st_f[i] the sortie of its record i
     * in st.sorties. lines_use: this run may read them */
    bool lines_ok, lines_use;
    size_t *st_f;
    unsigned char *retailed; /* per sortie: a kept one whose tail or ferry
                              * this run's apply_lines changed (all 0
                              * between runs) */
    bool live;     /* r->st holds exactly the bookings bk says */
    bool live_run; /* this run starts from them: place_pass neither resets nor holds */
    bool no_live;  /* tests: rebuild the state at every run */
    uint64_t live_runs; /* incremental runs that started from the kept state */
    /* per sortie: the slot whose content it gives up to the matching (its
     * own; an incremental run's swap: the kept slot that takes its
     * content, and the other way round) */
    int32_t *src;
    uint64_t swaps; /* overdue sorties' loads handed to a kept slot */
    size_t *grp_cnt, *grp_off, *grp_n; /* per site and type (swap_overdue) */
    dd__replan_need *cand;             /* n of them */
    size_t *over;                      /* n of them */
    bool has_legs;       /* the base plan flies legs inside the country */
    /* the order of closure (sites[].after, phases): per site, its depth in
     * that order (0: it follows none; NULL when no site follows another),
     * and a placement's last departure so far */
    int32_t *site_rank;
    dd_time *site_close;
    /* exit processing (exit_per_day): per base sortie, the people its load
     * carries; per site, the people leaving each host day in a placement
     * (exit_day[site][day], exit_n[site] days; then the hubs' people
     * landing a day, then the sites' clock hours); NULL when none limits */
    int32_t *pax;
    int32_t **exit_day;
    size_t *exit_n;
    int32_t *exit_max; /* per counter: its busiest day (or hour) so far */
    unsigned char *exit_lim; /* per counter: limited (else not counted) */
    bool hub_lim;            /* a hub limits its people a day */
    /* per counter, after exits_spans: the times [exit_lo, exit_hi) from
     * its first day (or hour) over its cap to the end of its last, empty
     * when none is; exits_unkeep's kept sorties with people aboard (n at
     * most) */
    dd_time *exit_lo, *exit_hi;
    dd__replan_ppl *exit_ppl;
    /* per base sortie, a bit: its load carries people; per 64 of them, the
     * loads with people before; those loads' people in order (r->pax's,
     * in an array small enough to stay in the cache) */
    uint64_t *ppl_bits;
    int32_t *ppl_rank, *ppl_pax;
    /* the counts are those of out as it stands (dd__replan_exits_count's, kept up
     * since by what moved): an incremental run's placement and its check
     * after need not count again (they count with no_live: the tests
     * compare) */
    bool exits_live;
    /* the counts no placement changes (the sorties that left, the
     * commercial flights), as (counter, day or hour, people) triples:
     * fix[0..3 × n_fix), fix_ok when made; fix_dep[f] the departure of
     * sortie f counted there (DD_TIME_NONE: not there), fix_car[f] its
     * load. Sorties that leave are added; any other change counts anew. */
    int32_t *fix;
    size_t n_fix, cap_fix;
    bool fix_ok;
    uint64_t fix_run; /* the run (stats.runs) fix was brought up to */
    dd_time *fix_dep;
    int32_t *fix_car;
    /* the sorties fix does not hold (fix_dep DD_TIME_NONE), in index
     * order, when fix_ok: n_todo of them */
    size_t *fix_todo;
    size_t n_todo;
};

enum { DD__BK_NONE, DD__BK_HELD, DD__BK_FLOWN };

/* The later of two times. */
static inline dd_time dd__later(dd_time a, dd_time b)
{
    return a > b ? a : b;
}

/* r->pv[f] from r->prev[f], after prev[f] changed. */
static inline void dd__replan_pv_set(dd_replanner *r, size_t f)
{
    const dd_sortie *so = &r->prev[f];
    r->pv[f] = (dd__replan_pv){so->departure, so->arrival, so->arrival_at_site,
                               so->ferry_departure, so->tail, so->hub, so->site, so->aircraft,
                               so->ferry_from, dd_scenario_day(r->base->scenario, so->departure)};
}

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
/* Does a placement (out; the sorties that left as this run's
 * dd__replan_begin found) close a site not after one it follows, where a
 * sortie of it is still on the ground? */
bool dd__replan_order_broken(const dd_replanner *r, const dd_replan_sortie *out);
/* Does a placement (out) let more people leave a site on a day than its
 * exit processing takes, where a sortie placed adds to them? (It counts
 * into r->exit_day.) */
bool dd__replan_exits_broken(dd_replanner *r, const dd_exec_state *x,
                             const dd_replan_sortie *out);
/* Steps 2-3: r->slot0[0..m) placed again from x->now (out[f] for them);
 * the state is rebuilt first. windows_first as dd_exec_state's
 * keep_clearances; *missed_out gets the terms the placement misses (out[]
 * of the other undeparted sorties must be set). */
dd_status dd__replan_place(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t m, bool windows_first, int64_t *missed_out);
/* Into the state just reset, the sorties an incremental run keeps
 * (replan_inc.c), each booked as placed (dd__state_hold: caps, ramp,
 * crews, tail hours, hubs); DD_ENOMEM. */
dd_status dd__replan_hold(dd_replanner *r);
/* The state of execution into r->st (reset): the caps' counts of the
 * sorties that have left, their crews and tails' hours, the tails where
 * and when they are free. DD_ENOMEM. */
dd_status dd__replan_reset(dd_replanner *r, const dd_exec_state *x);
/* An incremental run's placement of one request (replan_inc.c): as
 * dd__place, in a gap of a tail's timeline of kept and placed sorties;
 * the sortie is appended to r->st.sorties and put in the timeline.
 * With `check` (else NULL), a departure found is taken only when
 * check(ctx, sortie) says INT64_MIN, else tried again from the time it
 * gives (dd__place_checked's). DD_EINFEASIBLE as dd__place, or when that
 * leaves rq's window; r->gap_fail set when it gave up. */
dd_status dd__replan_place_gap(dd_replanner *r, const dd__request *rq, dd__place_check check,
                               void *ctx);
/* The tails now (dd_exec_state's tail_free and tail_hub, never before
 * now) and the destinations closed, into r->st, nothing else changed. */
void dd__replan_now(dd_replanner *r, const dd_exec_state *x);
/* Sortie f, which left at x->sorties[f].departed, booked as flown: its
 * day under the caps, its crews, tail hours and route (the plan's sortie
 * moved to when it left), as dd__replan_reset books it; *flown_out gets
 * that sortie. DD_ENOMEM. */
dd_status dd__replan_book_flown(dd_replanner *r, const dd_exec_state *x, size_t f,
                                dd_sortie *flown_out);
/* The kept sorties among the m on the ground (r->ground, r->keep, with
 * the loads swap_overdue gave them, r->src) that would let more people
 * leave a site a day or an hour, or land at a hub a day, than it takes:
 * no longer kept (r->keep), the latest of each full day first until the
 * rest fit. Writes out as scratch. The number unkept. */
size_t dd__replan_exits_unkeep(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                               size_t m);
/* Kept sortie f (out[f] as exits_unkeep wrote it) placed again after all:
 * out of the counts, and out[f] not placed. */
void dd__replan_exits_drop(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                           size_t f);
/* The people each load carries (r->pax) and the counters, when a site or
 * a destination limits them (else r->pax stays NULL). replan_exits.c. */
dd_status dd__replan_exits_init(dd_replanner *r);
/* The people leaving each site each day and hour, and landing at each
 * destination each day, in a placement so far (out): into r->exit_day;
 * r->exits_live says they are this run's. */
dd_status dd__replan_exits_count(dd_replanner *r, const dd_exec_state *x,
                                 const dd_replan_sortie *out);
/* dd__place of slot f carrying load c (an incremental run's in the
 * tails' gaps), on a day its site's exit processing (and its hour's, its
 * destination's day) can take the load's people. */
dd_status dd__replan_place_req(dd_replanner *r, dd__request *rq, size_t f, int32_t c);
/* Slot f placed (so) with load c: its people counted as leaving (and its
 * onward sortie's, at the via site). */
dd_status dd__replan_exits_placed(dd_replanner *r, const dd_exec_state *x,
                                  const dd_replan_sortie *out, size_t f, int32_t c,
                                  const dd_sortie *so);
/* Step 4 (docs/sim.md): slots r->cont[0..k) take the loads of r->slot[0..k)
 * unless that breaks the exit counts. */
void dd__replan_hand_over(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                          size_t k);
/* Tests: with `on`, every incremental run rebuilds the placement state
 * from the state of execution (as before the state was kept), and the
 * placements search without the ramps' known-full departures and the
 * tails' bounds (dd__state_mog_memo), so that its re-plans can be
 * compared with the kept state's. (`on` false may run out of memory.) */
void dd__replanner_rebuild_always(dd_replanner *r, bool on);
/* A full run's matching (dd__replan_match) of its m slots, those that
 * keep their last placement (r->stable) keeping their loads. */
void dd__replan_match_slots(dd_replanner *r, const dd_exec_state *x, size_t m);
/* Steps 2-3 of replan_full.c for the m slots in placement order (r->cont):
 * what keeps its last placement placed; the others, then those that
 * found no room, into r->ord[0..*n_ord) (r->n_stuck of them). */
dd_status dd__replan_keep_pass(dd_replanner *r, const dd_exec_state *x, dd_replan_sortie *out,
                               size_t m, size_t *n_ord);
/* v[0..n) sorted by their keys (tmp: n records). */
void dd__replan_rkey_sort(dd__rkey *v, dd__rkey *tmp, size_t n);
/* Slot f just placed: its record in r->st (a leg's onward sortie's too). */
const dd_sortie *dd__replan_placed_at(dd_replanner *r, const dd_exec_state *x,
                                     dd_replan_sortie *out, size_t f);
/* Slot f placed (so): its site's closure so far (r->site_rank). */
void dd__replan_order_placed(dd_replanner *r, const dd_replan_sortie *out, size_t f,
                             const dd_sortie *so);
/* When a run goes in full (the incremental run) or places afresh (the
 * full run under its rules): more than MOVED_MIN sorties and 1/MOVED_SHARE
 * of those on the ground no longer fit their placement, or more than
 * STUCK_MAX find no tail (the incremental run's chains) or no room where
 * they were (the full run's). */
#define DD__REPLAN_MOVED_MIN 16
#define DD__REPLAN_MOVED_SHARE 32
#define DD__REPLAN_STUCK_MAX 64

/* Tests: a full run under the incremental rules places afresh when more
 * than `n` sorties find no room where they were (so that its second pass
 * runs on small plans too). */
void dd__replanner_stuck_max(dd_replanner *r, size_t n);

/* A re-plan's augmentees flown in after the commercial flight they were
 * seated on (their ferry flew late): each moved to the first commercial
 * flight from their site after they arrive with seats and exit
 * processing for the group (a day and an hour); with none, the group
 * stays (the plan says so: people left behind).
 * (dd_replanner_plan, before the plan's figures.) */
void dd__replan_late_commercial(dd_plan *p);

/* Keeps the placement of the run's sorties r->slot0[0..m) in r->prev. */
void dd__replan_keep(dd_replanner *r, const dd_exec_state *x, size_t m);

#endif
