/* SPDX-License-Identifier: MIT */
/*
 * People: who leaves when, on which sortie or commercial flight.
 *
 * Per site, departures (military sorties and the days commercial seats
 * run) are taken in time order. Each takes, within its free seats and
 * weight and the day's exit processing capacity: first an escort for
 * sensitive cargo; then people whose manifest could be filed in time
 * (released at least the manifest lead time before a military departure),
 * earliest released first; then security, but only down to what the site
 * still needs after the departure (max of the floor and ratio × everyone
 * else present). Whoever is left when the cargo is gone — the last
 * security element, and anyone seats or processing could not carry —
 * leaves on the site's last departure, or on people-only sorties added
 * after it; the placement is then re-run for that site.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/cmp.h"
#include "base/sort.h"
#include "plan/plan_int.h"

typedef struct dep {
    dd_time t;
    int32_t sortie; /* index into st->sorties, or -1 for commercial */
    int32_t seats;  /* commercial: seats that day */
    int32_t day;
    int32_t used;   /* commercial: seats taken by the first pass */
} dep;

static const dd__key by_departure[] = {DD__KEY(dep, t), DD__KEY(dep, sortie), DD__KEY_END};

typedef struct site_run {
    dd_plan *p;
    dd__state *st;
    const dd__terms *terms;
    int32_t site;
    int32_t *rem;      /* per group (all groups; only this site's used) */
    dd_time *arrive;   /* effective arrival per group (DD_TIME_NONE: present from the start) */
    int32_t *exits;    /* per day at this site */
    size_t n_days;
    int32_t *hours;    /* per clock hour at this site (exit_per_hour) */
    size_t n_hours;
    int32_t per_hour;  /* the site's exit_per_hour, -1: no limit */
    /* this site's groups: all, non-security and security sorted by release */
    const int32_t *grp;
    size_t n_grp;
    int32_t *nonsec, *sec, *aug;
    size_t n_nonsec, n_sec, n_aug;
    size_t nonsec_head, sec_head;
    int64_t nonsec_rem, sec_rem;
    int64_t evac_rem; /* of nonsec_rem, evacuees: security answers not for them */
    /* movements appended to p->movements */
    size_t cap_mov;
    /* escorts taken ahead of the main pass (non-security): when each
     * leaves, in time order; they are present until then */
    dd_time *esc_t;
    size_t n_esc, cap_esc, esc_head;
    /* the order of closure: the last departure comes after this (the
     * latest last departure of the sites this one closes after) */
    dd_time not_before;
} site_run;

static dd_status add_movement(dd_plan *p, size_t *cap, int32_t g, int32_t count, int32_t sortie,
                              dd_time t, int32_t day)
{
    if (count <= 0)
        return DD_OK;
    if (p->n_movements == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        dd_movement *v = realloc(p->movements, c * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        p->movements = v;
        *cap = c;
    }
    p->movements[p->n_movements++] = (dd_movement){g, count, sortie, t, day};
    return DD_OK;
}

/* The sortie that takes a sortie's people out of the country: a leg's
 * onward sortie (legs inside the country), else itself. */
static const dd_sortie *out_of(const dd__state *st, const dd_sortie *so)
{
    return so->kind == DD_SORTIE_LEG ? &st->sorties[so->link] : so;
}

/* The host day a sortie's people land at its hub (they count there). */
static int32_t hub_day(const dd__state *st, const dd_sortie *so)
{
    return dd_scenario_day(st->s, out_of(st, so)->arrival);
}

/* The hub where a sortie's people land. */
static int32_t hub_of(const dd__state *st, const dd_sortie *so)
{
    return out_of(st, so)->hub;
}

static dd_status add_pax(dd__state *st, dd_sortie *so, int32_t g, int32_t count, bool escort)
{
    if (dd__hub_pax_add(st, hub_of(st, so), hub_day(st, so), count) != DD_OK)
        return DD_ENOMEM;
    for (size_t i = 0; i < so->n_pax; i++)
        if (so->pax[i].people == g && so->pax[i].escort == escort) {
            so->pax[i].count += count;
            return DD_OK;
        }
    dd_pax *v = realloc(so->pax, (so->n_pax + 1) * sizeof *v);
    if (!v)
        return DD_ENOMEM;
    so->pax = v;
    so->pax[so->n_pax++] = (dd_pax){g, count, escort};
    return DD_OK;
}

static int32_t exit_cap(const site_run *r)
{
    return r->terms->exit_per_day[r->site];
}

static int32_t exits_left_day(site_run *r, int32_t day)
{
    int32_t cap = exit_cap(r);
    if (cap < 0)
        return INT32_MAX;
    int32_t used = day >= 0 && (size_t)day < r->n_days ? r->exits[day] : 0;
    return cap - used;
}

/* Exits a departure may still take: the day's and its clock hour's. */
static int32_t exits_left(site_run *r, const dep *d)
{
    int32_t left = exits_left_day(r, d->day);
    if (r->per_hour >= 0) {
        int64_t h = dd_scenario_hour(r->p->scenario, d->t);
        int32_t used = h >= 0 && (size_t)h < r->n_hours ? r->hours[h] : 0;
        if (r->per_hour - used < left)
            left = r->per_hour - used;
    }
    return left;
}

static dd_status grow(int32_t **v, size_t *n, size_t at)
{
    if (at < *n)
        return DD_OK;
    size_t nd = *n ? *n : 64;
    while (nd <= at)
        nd *= 2;
    int32_t *w = realloc(*v, nd * sizeof *w);
    if (!w)
        return DD_ENOMEM;
    memset(w + *n, 0, (nd - *n) * sizeof *w);
    *v = w;
    *n = nd;
    return DD_OK;
}

static dd_status use_exits(site_run *r, const dep *d, int32_t n)
{
    if (r->per_hour >= 0) {
        int64_t h = dd_scenario_hour(r->p->scenario, d->t);
        if (h >= 0) {
            if (grow(&r->hours, &r->n_hours, (size_t)h) != DD_OK)
                return DD_ENOMEM;
            r->hours[h] += n;
        }
    }
    int32_t day = d->day;
    if (day < 0)
        return DD_OK;
    if (grow(&r->exits, &r->n_days, (size_t)day) != DD_OK)
        return DD_ENOMEM;
    r->exits[day] += n;
    return DD_OK;
}

/* Seats a military sortie still has (seats and weight, and the people
 * its hub still takes the day it lands). */
static int32_t sortie_room(const dd__state *st, const dd_sortie *so)
{
    const dd_scenario *s = st->s;
    int32_t used = 0;
    for (size_t i = 0; i < so->n_pax; i++)
        used += so->pax[i].count;
    int32_t by_seats = so->seats - used;
    /* a leg's people fly on to the hub: the lower cabin load of the two */
    double acl = so->acl_kg < out_of(st, so)->acl_kg ? so->acl_kg : out_of(st, so)->acl_kg;
    double w = acl - so->weight_kg - used * s->passenger_kg;
    int32_t by_weight = (int32_t)floor(w / s->passenger_kg + 1e-9);
    int32_t r = by_seats < by_weight ? by_seats : by_weight;
    int32_t hub = dd__hub_pax_left(st, hub_of(st, so), hub_day(st, so));
    if (hub < r)
        r = hub;
    return r > 0 ? r : 0;
}

static bool load_forbids_pax(const dd_scenario *s, const dd_plan *p, const dd_sortie *so)
{
    return so->load >= 0 && (p->loads->loads[so->load].hazards & s->hazard.no_passengers);
}

static bool present(const site_run *r, int32_t g, dd_time t)
{
    return r->arrive[g] == DD_TIME_NONE || r->arrive[g] <= t;
}

/* The others security must answer for after time t: everyone still to
 * leave, augmentees who have yet to arrive included (when they arrive, the
 * security that stayed must suffice; security that left cannot return). */
static int64_t others_present(site_run *r, dd_time t)
{
    while (r->esc_head < r->n_esc && r->esc_t[r->esc_head] <= t)
        r->esc_head++;
    return r->nonsec_rem - r->evac_rem + (int64_t)(r->n_esc - r->esc_head);
}

/* n people of group g leave: the site's counts of who is left. */
static void count_out(site_run *r, int32_t g, int32_t n)
{
    dd_role role = r->p->scenario->people[g].role;
    if (role == DD_ROLE_SECURITY) {
        r->sec_rem -= n;
        return;
    }
    r->nonsec_rem -= n;
    if (role == DD_ROLE_EVACUEE)
        r->evac_rem -= n;
}

static int32_t security_required(const site_run *r, int64_t others)
{
    const dd_scenario *s = r->p->scenario;
    const dd_site *x = &s->sites[r->site];
    int32_t fl = x->security_floor >= 0 ? x->security_floor : s->agreement.security.floor;
    double ratio = x->security_ratio >= 0 ? x->security_ratio : s->agreement.security.ratio;
    int64_t need = (int64_t)ceil(ratio * (double)others - 1e-9);
    return need > fl ? (int32_t)need : fl;
}

/* Take up to `room` people from eligible groups (security or not);
 * returns how many were taken. */
static dd_status take(site_run *r, const dep *d, bool security, int32_t room, dd_time cutoff,
                      bool escort, int32_t *taken)
{
    dd_plan *p = r->p;
    int32_t *list = security ? r->sec : r->nonsec;
    size_t n_list = security ? r->n_sec : r->n_nonsec;
    size_t *head = security ? &r->sec_head : &r->nonsec_head;
    *taken = 0;
    while (*head < n_list && r->rem[list[*head]] == 0)
        (*head)++;
    /* earliest released first: the lists are sorted by release */
    for (size_t i = *head; i < n_list && room > 0; i++) {
        int32_t g = list[i];
        if (r->rem[g] == 0 || (escort && p->scenario->people[g].role == DD_ROLE_EVACUEE))
            continue; /* evacuees escort nothing */
        if (p->released[g] > cutoff)
            break;
        /* in the country by the manifest's cutoff, and not flown in at
         * the very minute of the departure */
        if (!present(r, g, cutoff) || !present(r, g, d->t - 1))
            continue;
        int32_t n = escort ? 1 : (r->rem[g] < room ? r->rem[g] : room);
        r->rem[g] -= n;
        count_out(r, g, n);
        room -= n;
        *taken += n;
        dd_status st = DD_OK;
        if (d->sortie >= 0)
            st = add_pax(r->st, &r->st->sorties[d->sortie], g, n, escort);
        if (st == DD_OK)
            st = add_movement(p, &r->cap_mov, g, n, d->sortie, d->t, d->day);
        if (st != DD_OK)
            return st;
        if (escort)
            break;
    }
    return DD_OK;
}

/* One pass over a site's departures. Returns the people left. */
/* The people of the site not yet out, and the latest time one of them
 * is released (or arrives) in *late (DD_TIME_NONE: none left). */
static int64_t still_here(const site_run *r, dd_time *late)
{
    int64_t left = 0;
    *late = DD_TIME_NONE;
    for (size_t k = 0; k < r->n_grp; k++) {
        size_t g = (size_t)r->grp[k];
        if (r->rem[g] <= 0)
            continue;
        left += r->rem[g];
        dd_time rel = r->p->released[g];
        if (r->arrive[g] != DD_TIME_NONE && r->arrive[g] > rel)
            rel = r->arrive[g];
        if (*late == DD_TIME_NONE || rel > *late)
            *late = rel;
    }
    return left;
}

static dd_status site_pass(site_run *r, dep *deps, size_t n_deps, int64_t *left_out,
                           dd_time *last_used_out, dd_time *late_release_out)
{
    dd_plan *p = r->p;
    const dd_scenario *s = p->scenario;
    dd_time lead = s->agreement.personnel.manifest_lead;
    dd_time last_used = DD_TIME_NONE;
    /* sensitive loads still to leave: each keeps one person back to escort it */
    int64_t escorts_ahead = 0;
    for (size_t i = 0; i < n_deps; i++)
        if (deps[i].sortie >= 0 && r->st->sorties[deps[i].sortie].load >= 0 &&
            p->loads->loads[r->st->sorties[deps[i].sortie].load].sensitive)
            escorts_ahead++;
    /* escorts first: each sensitive load gets the earliest-released person
     * whose manifest can be filed in time, before commercial seats and
     * other sorties take everyone who is free early */
    for (size_t i = 0; i < n_deps; i++) {
        dep *d = &deps[i];
        if (d->sortie < 0)
            continue;
        dd_sortie *so = &r->st->sorties[d->sortie];
        if (so->load < 0 || !p->loads->loads[so->load].sensitive || load_forbids_pax(s, p, so) ||
            sortie_room(r->st, so) < 1 || exits_left(r, d) < 1)
            continue;
        int32_t n = 0;
        dd_status st = take(r, d, false, 1, d->t - lead, true, &n);
        if (st == DD_OK && n > 0) {
            dd_time *v = dd__grow(r->esc_t, &r->cap_esc, r->n_esc, 64, sizeof *v);
            if (!v)
                return DD_ENOMEM;
            r->esc_t = v;
            r->esc_t[r->n_esc++] = d->t;
        }
        if (st == DD_OK && n == 0) {
            /* a security member, if the site keeps its floor and ratio
             * without them */
            if (r->sec_rem - 1 >= security_required(r, others_present(r, d->t)))
                st = take(r, d, true, 1, d->t - lead, true, &n);
        }
        if (st == DD_OK && n > 0)
            st = use_exits(r, d, n);
        if (st != DD_OK)
            return st;
        if (n > 0)
            escorts_ahead--;
    }
    r->esc_head = 0;
    for (size_t i = 0; i < n_deps; i++) {
        dep *d = &deps[i];
        bool has_escort = false;
        if (d->sortie >= 0)
            for (size_t k = 0; k < r->st->sorties[d->sortie].n_pax; k++)
                has_escort |= r->st->sorties[d->sortie].pax[k].escort;
        if (d->sortie >= 0 && r->st->sorties[d->sortie].load >= 0 &&
            p->loads->loads[r->st->sorties[d->sortie].load].sensitive && !has_escort)
            escorts_ahead--;
        bool military = d->sortie >= 0;
        dd_sortie *so = military ? &r->st->sorties[d->sortie] : NULL;
        if (military && load_forbids_pax(s, p, so)) {
            last_used = d->t;
            continue;
        }
        int32_t room = military ? sortie_room(r->st, so) : d->seats;
        int32_t ex = exits_left(r, d);
        if (ex < room)
            room = ex;
        dd_time cutoff = military ? d->t - lead : d->t;
        int32_t got = 0, n;
        dd_status st;
        if (military && so->load >= 0 && p->loads->loads[so->load].sensitive && room > 0 &&
            !has_escort) {
            st = take(r, d, false, 1, cutoff, true, &n);
            if (st == DD_OK && n == 0) {
                /* a security member may escort if the site can spare one */
                int64_t others = others_present(r, d->t);
                if (r->sec_rem - 1 >= security_required(r, others))
                    st = take(r, d, true, 1, cutoff, true, &n);
            }
            if (st != DD_OK)
                return st;
            got += n;
            room -= n;
        }
        {
            /* keep enough people back to escort the sensitive loads ahead */
            int64_t spare_nonsec = r->nonsec_rem - escorts_ahead;
            int32_t lim = room;
            if (spare_nonsec < lim)
                lim = spare_nonsec > 0 ? (int32_t)spare_nonsec : 0;
            st = take(r, d, false, lim, cutoff, false, &n);
        }
        if (st != DD_OK)
            return st;
        got += n;
        room -= n;
        /* security leaves on military sorties unless the terms allow
         * commercial seats (agreement.security.commercial) */
        if (room > 0 && (military || s->agreement.security.commercial)) {
            int64_t others = others_present(r, d->t);
            int64_t spare = r->sec_rem - security_required(r, others);
            if (spare > room)
                spare = room;
            if (spare > 0) {
                st = take(r, d, true, (int32_t)spare, cutoff, false, &n);
                if (st != DD_OK)
                    return st;
                got += n;
            }
        }
        if (got > 0) {
            dd_status e = use_exits(r, d, got);
            if (e != DD_OK)
                return e;
        }
        if (!military)
            d->used += got;
        if (military || got > 0)
            last_used = d->t;
    }
    *left_out = still_here(r, late_release_out);
    *last_used_out = last_used;
    return DD_OK;
}

/* Everyone still at the site leaves on the first departure at or after
 * the last one used that has room for all of them. */
static dd_status final_set(site_run *r, dep *deps, size_t n_deps, dd_time last_used,
                           int64_t left, dd_time rel, bool *done);

static dd_status final_departure(site_run *r, dep *deps, size_t n_deps, dd_time last_used,
                                 bool *done)
{
    dd_plan *p = r->p;
    const dd_scenario *s = p->scenario;
    dd_time lead = s->agreement.personnel.manifest_lead;
    *done = false;
    dd_time rel;
    int64_t left = still_here(r, &rel);
    if (left == 0) {
        *done = true;
        return DD_OK;
    }
    for (size_t i = 0; i < n_deps; i++) {
        dep *d = &deps[i];
        if (last_used != DD_TIME_NONE && d->t < last_used)
            continue;
        bool military = d->sortie >= 0;
        dd_sortie *so = military ? &r->st->sorties[d->sortie] : NULL;
        if (military && load_forbids_pax(s, p, so))
            continue;
        /* commercial: the seats left that day after the first pass */
        int32_t room = military ? sortie_room(r->st, so) : d->seats - d->used;
        int32_t ex = exits_left(r, d);
        if (ex < room)
            room = ex;
        dd_time cutoff = military ? d->t - lead : d->t;
        if (room < left || (rel != DD_TIME_NONE && (rel > cutoff || rel >= d->t)))
            continue;
        if (r->not_before != DD_TIME_NONE && d->t <= r->not_before)
            continue; /* the site closes after the ones it follows */
        if (!military && r->sec_rem > 0 && !s->agreement.security.commercial)
            continue; /* the last security element leaves on a military sortie */
        /* nothing may leave the site after this departure */
        bool later_cargo = false;
        for (size_t j = i + 1; j < n_deps; j++)
            if (deps[j].sortie >= 0)
                later_cargo = true;
        if (later_cargo)
            continue;
        for (size_t k = 0; k < r->n_grp; k++) {
            size_t g = (size_t)r->grp[k];
            if (r->rem[g] > 0) {
                int32_t n = r->rem[g];
                r->rem[g] = 0;
                count_out(r, (int32_t)g, n);
                dd_status st = DD_OK;
                if (military)
                    st = add_pax(r->st, so, (int32_t)g, n, false);
                if (st == DD_OK)
                    st = add_movement(p, &r->cap_mov, (int32_t)g, n, d->sortie, d->t, d->day);
                if (st == DD_OK)
                    st = use_exits(r, d, n);
                if (st != DD_OK)
                    return st;
            }
        }
        *done = true;
        return DD_OK;
    }
    return final_set(r, deps, n_deps, last_used, left, rel, done);
}

/* Put n people of group g on departure d. */
static dd_status board(site_run *r, const dep *d, size_t g, int32_t n)
{
    r->rem[g] -= n;
    count_out(r, (int32_t)g, n);
    dd_status st = add_pax(r->st, &r->st->sorties[d->sortie], (int32_t)g, n, false);
    if (st == DD_OK)
        st = add_movement(r->p, &r->cap_mov, (int32_t)g, n, d->sortie, d->t, d->day);
    if (st == DD_OK)
        st = use_exits(r, d, n);
    return st;
}

/* Fill military departure d with the people still at the site (only
 * security when security_only), within its seats and the day's exits. */
static dd_status board_all(site_run *r, const dep *d, bool security_only)
{
    const dd_scenario *s = r->p->scenario;
    if (d->sortie < 0)
        return DD_OK;
    int32_t room = sortie_room(r->st, &r->st->sorties[d->sortie]);
    int32_t ex = exits_left(r, d);
    if (ex < room)
        room = ex;
    for (size_t k = 0; k < r->n_grp && room > 0; k++) {
        size_t g = (size_t)r->grp[k];
        if (r->rem[g] <= 0 || (security_only && s->people[g].role != DD_ROLE_SECURITY))
            continue;
        int32_t n = r->rem[g] < room ? r->rem[g] : room;
        dd_status st = board(r, d, g, n);
        if (st != DD_OK)
            return st;
        room -= n;
    }
    return DD_OK;
}

/* When no one departure can take everyone left (a rear guard larger than
 * an aircraft), the site's last military departures together: the
 * shortest run of them at the end, each eligible as a final departure,
 * whose seats (and the days' exit processing) hold everyone. Security
 * fills them from the last one back, so the last aircraft holds as much
 * of the element as it can; the others take the earlier seats. */
static dd_status final_set(site_run *r, dep *deps, size_t n_deps, dd_time last_used,
                           int64_t left, dd_time rel, bool *done)
{
    (void)last_used;
    const dd_scenario *s = r->p->scenario;
    /* after everyone who has left already (airliners included): the
     * security element stays while anyone else is at the site */
    dd_time after = DD_TIME_NONE;
    for (size_t m = 0; m < r->p->n_movements; m++)
        if (s->people[r->p->movements[m].people].site == r->site &&
            (after == DD_TIME_NONE || r->p->movements[m].departure > after))
            after = r->p->movements[m].departure;
    dd_time lead = s->agreement.personnel.manifest_lead;
    int64_t room_sum = 0;
    size_t first = n_deps;
    for (size_t i = n_deps; i-- > 0 && room_sum < left;) {
        dep *d = &deps[i];
        if (d->sortie < 0)
            continue; /* airliners after the set carry no one of it */
        dd_sortie *so = &r->st->sorties[d->sortie];
        /* a suffix of the site's military departures: nothing military
         * leaves after it, whatever carried what before */
        bool ok = !(after != DD_TIME_NONE && d->t < after) &&
                  !load_forbids_pax(s, r->p, so) &&
                  !(rel != DD_TIME_NONE && (rel > d->t - lead || rel >= d->t)) &&
                  !(r->not_before != DD_TIME_NONE && d->t <= r->not_before);
        if (!ok)
            return DD_OK; /* the run at the end is broken: no final set */
        int32_t room = sortie_room(r->st, so);
        room_sum += room;
        first = i;
    }
    if (room_sum < left || first == n_deps)
        return DD_OK;
    /* the days' exit processing must pass everyone too */
    int64_t exits = 0;
    for (size_t i = first; i < n_deps; i++) {
        if (deps[i].sortie < 0)
            continue;
        bool seen = false;
        for (size_t j = first; j < i; j++)
            seen |= deps[j].sortie >= 0 && deps[j].day == deps[i].day;
        if (!seen) {
            int32_t e = exits_left(r, &deps[i]);
            exits += e == INT32_MAX ? left : e;
        }
    }
    if (exits < left)
        return DD_OK;
    /* only for a rear guard no one aircraft can take, and only when the
     * last aircraft — those leaving at the last minute, together — can
     * hold the security floor (after the others leave, the site is still
     * open until they do) */
    int32_t most = 0;
    for (size_t i = first; i < n_deps; i++)
        if (deps[i].sortie >= 0) {
            int32_t room = sortie_room(r->st, &r->st->sorties[deps[i].sortie]);
            if (room > most)
                most = room;
        }
    if (left <= most)
        return DD_OK; /* one aircraft would do: let the placement find it */
    size_t last = n_deps;
    for (size_t i = n_deps; i-- > first && last == n_deps;)
        if (deps[i].sortie >= 0)
            last = i;
    const dd_site *x = &s->sites[r->site];
    int64_t fl = x->security_floor >= 0 ? x->security_floor : s->agreement.security.floor;
    int64_t need = r->sec_rem < fl ? r->sec_rem : fl;
    int64_t last_room = 0;
    for (size_t i = first; i < n_deps; i++)
        if (deps[i].sortie >= 0 && deps[i].t == deps[last].t)
            last_room += sortie_room(r->st, &r->st->sorties[deps[i].sortie]);
    int32_t last_ex = exits_left(r, &deps[last]);
    if ((last_ex < last_room ? last_ex : last_room) < need)
        return DD_OK;
    /* security from the last aircraft back, so the last one holds as
     * much of the element as it can; everyone else from the first on */
    for (size_t i = n_deps; i-- > first;) {
        dd_status st = board_all(r, &deps[i], true);
        if (st != DD_OK)
            return st;
    }
    for (size_t i = first; i < n_deps; i++) {
        dd_status st = board_all(r, &deps[i], false);
        if (st != DD_OK)
            return st;
    }
    *done = r->sec_rem + r->nonsec_rem == 0;
    return DD_OK;
}

/* The type with the most seats that may use a site, or -1. */
/* How much later a full aircraft of the largest type may leave than a
 * type with none of its seats and still be taken, in minutes (pro rata
 * to the seats a smaller type lacks). */
#define SMALLER_PENALTY_MIN (24.0 * 60.0)

/* May type a fetch people from site (its class has room there, it has
 * tails and seats)? */
static bool class_ok(const dd_site *x, int32_t klass)
{
    bool ok = x->mog_total > 0;
    for (size_t k = 0; k < x->n_mog; k++)
        if (x->mog[k].klass == klass)
            ok = x->mog[k].count > 0;
    return ok;
}

/* ... and, for a site with `via`, the via site where its legs land. */
static bool pax_ok(const dd_scenario *s, const dd__state *st, int32_t site, int32_t a)
{
    const dd_aircraft *t = &s->aircraft[a];
    const dd_site *x = &s->sites[site];
    bool ok = class_ok(x, t->klass) && (x->via < 0 || class_ok(&s->sites[x->via], t->klass));
    return ok && st->n_tails[a] > 0 && t->seats > 0;
}

static int32_t pax_type(const dd_scenario *s, const dd__state *st, int32_t site)
{
    int32_t best = -1;
    for (size_t a = 0; a < s->n_aircraft; a++) {
        if (!pax_ok(s, st, site, (int32_t)a))
            continue;
        if (best < 0 || s->aircraft[a].seats > s->aircraft[best].seats)
            best = (int32_t)a;
    }
    return best;
}

/* Commercial departures of a site: one per day the service runs. */
static dd_status commercial_deps(const dd_scenario *s, int32_t site, dep **out, size_t *n_out,
                                 size_t *cap)
{
    /* a service without `to` runs to the deadline (docs/format.md) */
    dd_time end_all = s->agreement.deadline;
    for (size_t k = 0; k < s->n_commercial; k++) {
        const dd_commercial *c = &s->commercial[k];
        if (c->site != site || c->seats_per_day <= 0)
            continue;
        dd_time to = c->to == DD_TIME_NONE ? end_all : c->to;
        int32_t d0 = dd_scenario_day(s, c->from > 0 ? c->from : 0);
        for (int32_t d = d0;; d++) {
            dd_time noon = dd_scenario_day_start(s, d) + 720 -
                           (s->sites[site].tz_offset - s->agreement.tz_offset);
            if (noon >= to)
                break;
            if (noon < (c->from > 0 ? c->from : 0))
                continue;
            /* merge with another service the same day */
            bool merged = false;
            for (size_t i = 0; i < *n_out; i++)
                if ((*out)[i].sortie < 0 && (*out)[i].day == d) {
                    (*out)[i].seats += c->seats_per_day;
                    merged = true;
                }
            if (merged)
                continue;
            if (*n_out == *cap) {
                size_t nc = *cap ? 2 * *cap : 64;
                dep *v = realloc(*out, nc * sizeof *v);
                if (!v)
                    return DD_ENOMEM;
                *out = v;
                *cap = nc;
            }
            (*out)[(*n_out)++] = (dep){noon, -1, c->seats_per_day, d, 0};
        }
    }
    return DD_OK;
}

/* Augmentees enter the country at their arrival time at the earliest,
 * and not before their entry can be requested the entry lead time ahead
 * (no earlier than the epoch). They ride the earliest ferry leg into their
 * site that lands within three days after that and has seats and cabin
 * load for the whole group; else they enter by other means at that time. */
static dd_status fly_augmentees(dd_plan *p, dd__state *st, dd_time *arrive)
{
    const dd_scenario *s = p->scenario;
    for (size_t g = 0; g < s->n_people; g++) {
        const dd_people *pg = &s->people[g];
        arrive[g] = DD_TIME_NONE;
        if (pg->role != DD_ROLE_AUGMENTEE || pg->arrival == DD_TIME_NONE)
            continue;
        dd_time entry = pg->arrival;
        if (entry < s->agreement.personnel.entry_lead)
            entry = s->agreement.personnel.entry_lead;
        arrive[g] = entry;
        int32_t best = -1;
        for (size_t i = 0; i < st->n_sorties; i++) {
            dd_sortie *so = &st->sorties[i];
            if (so->site != pg->site || so->kind == DD_SORTIE_ONWARD ||
                so->arrival_at_site < entry ||
                so->arrival_at_site > entry + 3 * DD_MINUTES_PER_DAY)
                continue;
            int32_t used = 0;
            for (size_t k = 0; k < so->n_ferry_pax; k++)
                used += so->ferry_pax[k].count;
            const dd_aircraft *t = &s->aircraft[so->aircraft];
            if (t->seats - used < pg->count)
                continue;
            double acl = dd_aircraft_acl(t, dd__hub_distance(s, so->site, so->ferry_from));
            if ((double)(used + pg->count) * s->passenger_kg > acl + 1e-6)
                continue;
            if (best < 0 || so->arrival_at_site < st->sorties[best].arrival_at_site)
                best = (int32_t)i;
        }
        if (best < 0)
            continue;
        dd_sortie *so = &st->sorties[best];
        dd_pax *v = realloc(so->ferry_pax, (so->n_ferry_pax + 1) * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        so->ferry_pax = v;
        so->ferry_pax[so->n_ferry_pax++] = (dd_pax){(int32_t)g, pg->count, false};
        arrive[g] = so->arrival_at_site;
    }
    return DD_OK;
}

/* Hold (sign 1) or give back (-1) one seat at its hub, on the day it
 * lands, for the escort of each sensitive load site `site` flies (-1:
 * every site): sites are seated one after another, and a hub that takes
 * so many people a day must keep room for an escort whose site comes
 * later (its sortie could not fly without one). */
static dd_status hold_escorts(const dd_plan *p, dd__state *st, int32_t site, int32_t sign)
{
    const dd_scenario *s = p->scenario;
    for (size_t i = 0; i < st->n_sorties; i++) {
        const dd_sortie *so = &st->sorties[i];
        if ((site >= 0 && so->site != site) || so->kind == DD_SORTIE_ONWARD || so->load < 0 ||
            !p->loads->loads[so->load].sensitive || load_forbids_pax(s, p, so))
            continue;
        if (dd__hub_pax_add(st, hub_of(st, so), hub_day(st, so), sign) != DD_OK)
            return DD_ENOMEM;
    }
    return DD_OK;
}

/* Forget the people of one site: its sorties' passengers and its
 * movements (the other sites' stay). */
static void clear_site(dd_plan *p, dd__state *st, int32_t site)
{
    const dd_scenario *s = p->scenario;
    for (size_t i = 0; i < st->n_sorties; i++)
        if (st->sorties[i].site == site) {
            int32_t n = 0;
            for (size_t k = 0; k < st->sorties[i].n_pax; k++)
                n += st->sorties[i].pax[k].count;
            /* gives back what was booked: no allocation */
            (void)dd__hub_pax_add(st, hub_of(st, &st->sorties[i]), hub_day(st, &st->sorties[i]),
                                  -n);
            free(st->sorties[i].pax);
            st->sorties[i].pax = NULL;
            st->sorties[i].n_pax = 0;
        }
    size_t k = 0;
    for (size_t m = 0; m < p->n_movements; m++)
        if (s->people[p->movements[m].people].site != site)
            p->movements[k++] = p->movements[m];
    p->n_movements = k;
}


typedef struct grp_key {
    dd_time released;
    int32_t g;
} grp_key;

static const dd__key by_release[] = {DD__KEY(grp_key, released), DD__KEY(grp_key, g),
                                     DD__KEY_END};

/* The site's groups, split and sorted by release. */
static dd_status site_groups(const dd_plan *p, int32_t site, site_run *r)
{
    const dd_scenario *s = p->scenario;
    size_t n = 0;
    for (size_t g = 0; g < s->n_people; g++)
        n += s->people[g].site == site;
    int32_t *all = malloc((n ? n : 1) * sizeof *all);
    int32_t *ns = malloc((n ? n : 1) * sizeof *ns);
    int32_t *sc = malloc((n ? n : 1) * sizeof *sc);
    int32_t *au = malloc((n ? n : 1) * sizeof *au);
    grp_key *keys = malloc((n ? n : 1) * sizeof *keys);
    size_t k = 0;
    for (size_t g = 0; keys && g < s->n_people; g++)
        if (s->people[g].site == site)
            keys[k++] = (grp_key){p->released[g], (int32_t)g};
    if (!all || !ns || !sc || !au || !keys || !dd__sort(keys, k, sizeof *keys, by_release)) {
        free(all);
        free(ns);
        free(sc);
        free(au);
        free(keys);
        return DD_ENOMEM;
    }
    r->n_grp = r->n_nonsec = r->n_sec = r->n_aug = 0;
    for (size_t i = 0; i < k; i++) {
        int32_t g = keys[i].g;
        all[r->n_grp++] = g;
        if (s->people[g].role == DD_ROLE_SECURITY)
            sc[r->n_sec++] = g;
        else
            ns[r->n_nonsec++] = g;
        if (r->arrive[g] != DD_TIME_NONE)
            au[r->n_aug++] = g;
    }
    free(keys);
    r->grp = all;
    r->nonsec = ns;
    r->sec = sc;
    r->aug = au;
    return DD_OK;
}

static void site_groups_free(site_run *r)
{
    free((void *)(uintptr_t)r->grp);
    free(r->nonsec);
    free(r->sec);
    free(r->aug);
}

/* Sites in an order where each comes after those it closes after
 * (Kahn's algorithm; ties by index, so the order is the file's where no
 * order is given). */
static dd_status site_order(const dd_scenario *s, int32_t *out)
{
    size_t n = s->n_sites, k = 0;
    bool *done = calloc(n ? n : 1, sizeof *done);
    if (!done)
        return DD_ENOMEM;
    while (k < n) {
        size_t before = k;
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            bool ready = true;
            for (size_t a = 0; a < s->sites[i].n_after; a++)
                ready = ready && done[s->sites[i].after[a]];
            if (ready) {
                done[i] = true;
                out[k++] = (int32_t)i;
            }
        }
        if (k == before) /* a cycle (refused by the loader): the rest as is */
            for (size_t i = 0; i < n; i++)
                if (!done[i]) {
                    done[i] = true;
                    out[k++] = (int32_t)i;
                }
    }
    free(done);
    return DD_OK;
}

/* A site's last departure as placed so far: its sorties and its people's
 * commercial flights; DD_TIME_NONE when nothing leaves. */
static dd_time last_departure(const dd_plan *p, const dd__state *st, int32_t site)
{
    const dd_scenario *s = p->scenario;
    dd_time t = DD_TIME_NONE;
    for (size_t i = 0; i < st->n_sorties; i++)
        if (st->sorties[i].site == site && (t == DD_TIME_NONE || st->sorties[i].departure > t))
            t = st->sorties[i].departure;
    for (size_t m = 0; m < p->n_movements; m++)
        if (s->people[p->movements[m].people].site == site &&
            (t == DD_TIME_NONE || p->movements[m].departure > t))
            t = p->movements[m].departure;
    return t;
}

/* The earliest a site's last departure may be: after the last departure
 * of each site it closes after, and for a via site its last onward
 * sortie (its security stays until then; its own people do not board
 * it); DD_TIME_NONE: no bound. */
static dd_time not_before(const dd_plan *p, const dd__state *st, int32_t site)
{
    const dd_site *x = &p->scenario->sites[site];
    dd_time nb = DD_TIME_NONE;
    for (size_t k = 0; k < x->n_after; k++) {
        dd_time t = last_departure(p, st, x->after[k]);
        if (t != DD_TIME_NONE && (nb == DD_TIME_NONE || t > nb))
            nb = t;
    }
    for (size_t i = 0; i < st->n_sorties; i++) {
        const dd_sortie *so = &st->sorties[i];
        if (so->kind == DD_SORTIE_ONWARD && so->site == site &&
            (nb == DD_TIME_NONE || so->departure > nb))
            nb = so->departure;
    }
    return nb;
}

typedef struct wave_key {
    dd_time free_at;
    int32_t count;
} wave_key;

static const dd__key by_free_at[] = {DD__KEY(wave_key, free_at), DD__KEY_END};

/* For the people still at a site (rem), not security: sorted by when each
 * is free to leave (release, arrival), out[k] = when the people who fill
 * the k-th sortie of `seats` are all free; DD_TIME_NONE past them. */
static dd_status wave_times(const dd_plan *p, const int32_t *rem, const dd_time *arrive,
                            int32_t site, int32_t seats, dd_time *out, int64_t n_out)
{
    const dd_scenario *s = p->scenario;
    size_t n = 0;
    for (size_t g = 0; g < s->n_people; g++)
        n += s->people[g].site == site && rem[g] > 0 && s->people[g].role != DD_ROLE_SECURITY;
    wave_key *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return DD_ENOMEM;
    size_t m = 0;
    for (size_t g = 0; g < s->n_people; g++) {
        if (s->people[g].site != site || rem[g] <= 0 || s->people[g].role == DD_ROLE_SECURITY)
            continue;
        dd_time t = p->released[g];
        if (arrive[g] != DD_TIME_NONE && arrive[g] > t)
            t = arrive[g];
        k[m++] = (wave_key){t, rem[g]};
    }
    if (!dd__sort(k, m, sizeof *k, by_free_at)) {
        free(k);
        return DD_ENOMEM;
    }
    int64_t filled = 0;
    size_t gi = 0;
    for (int64_t w = 0; w < n_out; w++) {
        int64_t want = (w + 1) * (int64_t)seats; /* people through this sortie */
        while (gi < m && filled + k[gi].count < want) {
            filled += k[gi].count;
            gi++;
        }
        out[w] = gi < m ? k[gi].free_at : (m ? k[m - 1].free_at : DD_TIME_NONE);
        if (gi >= m)
            out[w] = DD_TIME_NONE;
    }
    free(k);
    return DD_OK;
}

/* How many aircraft of `seats` the site's last security element needs
 * (its floor, or the security left when fewer): more than one must leave
 * at the same minute, or the floor breaks between them. */
static int64_t final_aircraft(const dd_scenario *s, int32_t site, const int32_t *rem,
                              int32_t seats)
{
    int64_t sec = 0;
    for (size_t g = 0; g < s->n_people; g++)
        if (s->people[g].site == site && s->people[g].role == DD_ROLE_SECURITY)
            sec += rem[g];
    const dd_site *x = &s->sites[site];
    int64_t fl = x->security_floor >= 0 ? x->security_floor : s->agreement.security.floor;
    int64_t need = sec < fl ? sec : fl;
    return need > seats ? (need + seats - 1) / seats : 1;
}

/* Book (sign 1) or give back (-1) the seats of the sorties from n0 on at
 * their hubs: while people-only sorties are placed, the ones placed
 * before count as full at their hub that day, so that a hub that takes
 * so many people a day is not chosen for more than it takes; the seating
 * books what they carry. */
static void book_seats(dd__state *st, size_t n0, int32_t sign)
{
    for (size_t i = n0; i < st->n_sorties; i++) {
        const dd_sortie *so = &st->sorties[i];
        /* giving back never allocates; booking that fails only lets a
         * later placement choose the hub: the seating keeps its limit */
        if (so->kind != DD_SORTIE_ONWARD) /* its leg's seats count */
            (void)dd__hub_pax_add(st, hub_of(st, so), hub_day(st, so), sign * so->seats);
    }
}

/* Place one people-only request; its seats count at its hub while the
 * rest of the batch is placed. DD_EINFEASIBLE as dd__place. */
static dd_status place_one(dd_plan *p, dd__state *st, const dd__request *rq, size_t *n_added)
{
    size_t n0 = st->n_sorties; /* one sortie, or a leg and its onward sortie */
    dd_status rc = dd__place(st, rq, p->loads);
    if (rc == DD_OK) {
        book_seats(st, n0, 1);
        (*n_added)++;
    }
    return rc;
}

/* The last n aircraft of type `type`, leaving the site together at the
 * first minute from `ready` they all can: each placed at the minute of
 * the first; when one cannot be, it is placed as early as it can and the
 * rest follow it (the aircraft left earlier take the people the site's
 * next pass gives them). At most 4n placements. */
static dd_status final_group(dd_plan *p, dd__state *st, int32_t site, int32_t type,
                             dd_time ready, int64_t n, size_t *n_added)
{
    dd_time at = DD_TIME_NONE;
    int64_t together = 0;
    for (int64_t tries = 0; together < n && tries < 4 * n; tries++) {
        dd__request rq = {site, type, -1, at == DD_TIME_NONE ? ready : at, 0,
                          at == DD_TIME_NONE ? INT64_MAX : at};
        dd_status rc = place_one(p, st, &rq, n_added);
        if (rc == DD_EINFEASIBLE && at != DD_TIME_NONE) {
            rq.latest = INT64_MAX;
            rc = place_one(p, st, &rq, n_added);
            together = 0;
        }
        if (rc == DD_EINFEASIBLE)
            return DD_OK;
        if (rc != DD_OK)
            return rc;
        const dd_sortie *last = &st->sorties[st->n_sorties - 1];
        at = last->kind == DD_SORTIE_ONWARD ? st->sorties[last->link].departure : last->departure;
        together++;
    }
    return DD_OK;
}

/* People-only sorties for the `still` people a site could not send
 * (placed through the placement, so the site is then seated again): the
 * last, with the security element, after everything else at the site
 * (`late` the latest release among them, `last_used` its last departure,
 * `not_before` the sites it follows); the others in waves as they are
 * released. *n_added: how many were placed. */
static dd_status place_people(dd_plan *p, dd__state *st, int32_t site, const int32_t *rem,
                               const dd_time *arrive, int64_t still, dd_time late,
                               dd_time last_used, dd_time not_before, dd_time **waves,
                               size_t *cap_waves, size_t *n_added)
{
    const dd_scenario *s = p->scenario;
    *n_added = 0;
    int32_t type = pax_type(s, st, site);
    if (type < 0)
        return DD_OK; /* nobody can fetch them: reported as not out */
    /* several types may fetch them: each wave takes the one that can leave
     * first (the waves are cut to the largest type's seats; what a smaller
     * one leaves behind goes with the site's next pass) */
    size_t n_types = 0;
    for (size_t a = 0; a < s->n_aircraft; a++)
        n_types += pax_ok(s, st, site, (int32_t)a);
    bool multi = n_types > 1;
    int32_t seats = s->aircraft[type].seats;
    int32_t stop; /* the most the type carries there, through a fuel stop too */
    int32_t by_w = (int32_t)floor(
        floor(dd_route_acl(s, type, site, st->hub_of_site[site], &stop)) / s->passenger_kg);
    if (by_w < seats)
        seats = by_w;
    if (seats <= 0)
        return DD_OK;
    int64_t n_new = (still + seats - 1) / seats;
    if ((size_t)n_new > *cap_waves) {
        dd_time *v = realloc(*waves, (size_t)n_new * sizeof *v);
        if (!v)
            return DD_ENOMEM;
        *waves = v;
        *cap_waves = (size_t)n_new;
    }
    dd_time ready = late == DD_TIME_NONE ? 0 : late;
    ready += s->agreement.personnel.manifest_lead;
    if (last_used != DD_TIME_NONE && last_used + 1 > ready)
        ready = last_used + 1;
    if (not_before != DD_TIME_NONE && not_before + 1 > ready)
        ready = not_before + 1;
    /* the k-th sortie when the people who fill it are free (evacuees
     * released over days do not all wait for the last of them) */
    dd_status rc = wave_times(p, rem, arrive, site, seats, *waves, n_new);
    if (rc != DD_OK)
        return rc;
    /* a last security element larger than one aircraft: its aircraft
     * leave together, at the end */
    int64_t n_final = final_aircraft(s, site, rem, seats);
    if (n_final > n_new)
        n_final = n_new;
    if (n_final > 1)
        n_new -= n_final;
    for (int64_t k = 0; k < n_new; k++) {
        dd_time w = (*waves)[k];
        dd_time when = k + 1 < n_new && w != DD_TIME_NONE && w < ready
                           ? w + s->agreement.personnel.manifest_lead + 1
                           : ready;
        if (when > ready)
            when = ready;
        /* of the types that may fetch people here, the one that can leave
         * first (ties: the most seats) */
        int32_t use = type;
        dd_time best_t = INT64_MAX;
        for (size_t q = 0; multi && q <= s->n_aircraft; q++) {
            /* the largest first; then each other, only as late as would
             * still beat the best so far (the search stops there) */
            int32_t a = q == 0 ? type : (int32_t)q - 1;
            if ((q > 0 && a == type) || !pax_ok(s, st, site, a))
                continue;
            /* a smaller type only when it leaves well before the largest
             * (each of its sorties carries fewer: more sorties, caps and
             * ramp for the same people) */
            dd_time penalty = (dd_time)(SMALLER_PENALTY_MIN *
                                        (1.0 - (double)s->aircraft[a].seats /
                                                   (double)s->aircraft[type].seats));
            dd_time latest = best_t == INT64_MAX ? INT64_MAX : best_t - penalty - 1;
            if (latest < when)
                continue;
            dd_time t = INT64_MAX;
            dd__request pr = {site, a, -1, when, 0, latest};
            rc = dd__place_probe(st, &pr, p->loads, &t);
            if (rc == DD_EINFEASIBLE)
                continue;
            if (rc != DD_OK)
                return rc;
            if (t + penalty < best_t) {
                best_t = t + penalty;
                use = a;
            }
        }
        dd__request rq = {site, use, -1, when, 0, INT64_MAX};
        rc = place_one(p, st, &rq, n_added);
        if (rc == DD_EINFEASIBLE)
            return DD_OK;
        if (rc != DD_OK)
            return rc;
    }
    return n_final > 1 ? final_group(p, st, site, type, ready, n_final, n_added) : DD_OK;
}

static dd_status people_sorties(dd_plan *p, dd__state *st, int32_t site, const int32_t *rem,
                                const dd_time *arrive, int64_t still, dd_time late,
                                dd_time last_used, dd_time not_before, dd_time **waves,
                                size_t *cap_waves, size_t *n_added)
{
    size_t n0 = st->n_sorties;
    dd_status rc = place_people(p, st, site, rem, arrive, still, late, last_used, not_before,
                                waves, cap_waves, n_added);
    book_seats(st, n0, -1);
    return rc;
}

/* The site's military departures (a leg's, not its onward sortie's:
 * its people board the leg), appended to *deps. */
static dd_status sortie_deps(const dd__state *st, int32_t site, dep **deps, size_t *n_deps,
                             size_t *cap_deps)
{
    for (size_t i = 0; i < st->n_sorties; i++) {
        const dd_sortie *so = &st->sorties[i];
        if (so->site != site || so->kind == DD_SORTIE_ONWARD)
            continue;
        dep *v = dd__grow(*deps, cap_deps, *n_deps, 64, sizeof *v);
        if (!v)
            return DD_ENOMEM;
        *deps = v;
        v[(*n_deps)++] = (dep){so->departure, (int32_t)i, 0, dd_scenario_day(st->s, so->departure),
                               0};
    }
    return DD_OK;
}

dd_status dd__assign_people(dd_plan *p, dd__state *st, const dd__terms *terms)
{
    const dd_scenario *s = p->scenario;
    size_t ng = s->n_people ? s->n_people : 1;
    int32_t *rem = malloc(ng * sizeof *rem);
    dd_time *arrive = malloc(ng * sizeof *arrive);
    bool *dirty = malloc((s->n_sites ? s->n_sites : 1) * sizeof *dirty);
    dep *deps = NULL;
    size_t cap_deps = 0;
    int32_t *topo = NULL;
    dd_time *waves = NULL;
    size_t cap_waves = 0;
    dd_status rc = DD_OK;
    if (!rem || !arrive || !dirty) {
        rc = DD_ENOMEM;
        goto fail_alloc;
    }
    /* augmentees first, on the cargo sorties' ferry legs */
    for (size_t i = 0; i < st->n_sorties; i++) {
        free(st->sorties[i].ferry_pax);
        st->sorties[i].ferry_pax = NULL;
        st->sorties[i].n_ferry_pax = 0;
        free(st->sorties[i].pax);
        st->sorties[i].pax = NULL;
        st->sorties[i].n_pax = 0;
    }
    p->n_movements = 0;
    dd__hub_pax_reset(st);
    rc = fly_augmentees(p, st, arrive);
    if (rc != DD_OK)
        goto fail_alloc;
    for (size_t i = 0; i < s->n_sites; i++)
        dirty[i] = true;
    /* a seat at each escort's hub, held until its site is seated (not
     * again when a site is seated anew: the other sites' escorts are
     * aboard by then) */
    rc = hold_escorts(p, st, -1, 1);
    if (rc != DD_OK)
        goto fail_alloc;
    /* sites in the order they close (a site after those it follows: the
     * loader refused cycles) */
    topo = malloc((s->n_sites ? s->n_sites : 1) * sizeof *topo);
    if (!topo) {
        rc = DD_ENOMEM;
        goto fail_alloc;
    }
    rc = site_order(s, topo);
    if (rc != DD_OK)
        goto fail_alloc;
    size_t cap_mov = 0;
    for (int round = 0; round < 12; round++) {
        bool added = false;
        for (size_t ti = 0; ti < s->n_sites; ti++) {
            size_t site = (size_t)topo[ti];
            if (!dirty[site])
                continue;
            dirty[site] = false;
            clear_site(p, st, (int32_t)site);
            if (round == 0 && (rc = hold_escorts(p, st, (int32_t)site, -1)) != DD_OK)
                goto fail_alloc;
            site_run r;
            memset(&r, 0, sizeof r);
            r.p = p;
            r.st = st;
            r.terms = terms;
            r.site = (int32_t)site;
            r.rem = rem;
            r.arrive = arrive;
            r.not_before = not_before(p, st, (int32_t)site);
            r.per_hour = dd_site_exit_per_hour(s, (int32_t)site);
            rc = site_groups(p, (int32_t)site, &r);
            if (rc != DD_OK)
                goto fail_alloc;
            for (size_t k = 0; k < r.n_grp; k++) {
                int32_t g = r.grp[k];
                rem[g] = s->people[g].count;
                if (s->people[g].role == DD_ROLE_SECURITY)
                    r.sec_rem += rem[g];
                else
                    r.nonsec_rem += rem[g];
                if (s->people[g].role == DD_ROLE_EVACUEE)
                    r.evac_rem += rem[g];
            }
            size_t n_deps = 0;
            rc = sortie_deps(st, (int32_t)site, &deps, &n_deps, &cap_deps);
            if (rc == DD_OK)
                rc = commercial_deps(s, (int32_t)site, &deps, &n_deps, &cap_deps);
            if (rc == DD_OK && !dd__sort(deps, n_deps, sizeof *deps, by_departure))
                rc = DD_ENOMEM;
            if (rc != DD_OK) {
                site_groups_free(&r);
                goto fail_alloc;
            }
            /* movements buffer: keep its capacity across sites */
            r.cap_mov = cap_mov > p->n_movements ? cap_mov : p->n_movements;
            int64_t left = 0;
            dd_time last_used = DD_TIME_NONE, late = DD_TIME_NONE;
            rc = site_pass(&r, deps, n_deps, &left, &last_used, &late);
            bool done = false;
            if (rc == DD_OK)
                rc = final_departure(&r, deps, n_deps, last_used, &done);
            cap_mov = r.cap_mov;
            dd_time r_not_before = r.not_before;
            free(r.exits);
            free(r.hours);
            free(r.esc_t);
            int64_t still = r.nonsec_rem + r.sec_rem;
            site_groups_free(&r);
            if (rc != DD_OK)
                goto fail_alloc;
            if (done)
                continue;
            /* people-only sorties for those left */
            size_t n_added = 0;
            rc = people_sorties(p, st, (int32_t)site, rem, arrive, still, late, last_used,
                                r_not_before, &waves, &cap_waves, &n_added);
            if (rc != DD_OK)
                goto fail_alloc;
            if (n_added) {
                added = true;
                dirty[site] = true;
                /* the via site's last departure may be a new onward sortie:
                 * its security stays until then */
                if (s->sites[site].via >= 0)
                    dirty[s->sites[site].via] = true;
                for (size_t tj = ti + 1; tj < s->n_sites; tj++)
                    if (s->sites[topo[tj]].n_after)
                        dirty[topo[tj]] = true;
            }
        }
        if (!added)
            break;
    }
    for (size_t g = 0; g < s->n_people; g++)
        p->arrived[g] = arrive[g];
fail_alloc:
    free(waves);
    free(topo);
    free(rem);
    free(arrive);
    free(dirty);
    free(deps);
    return rc;
}
