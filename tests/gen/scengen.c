/* SPDX-License-Identifier: MIT */
/*
 * scengen: the seeded scenario generator (see scengen.h). Every choice is
 * drawn from one random stream seeded by the scenario's seed, so a seed
 * names a scenario for good: a disagreement found by the soak program is
 * reproduced with `bench/planfuzz --seed K --n 1 --keep DIR`.
 *
 * What it writes stays inside what the loader accepts (pallet limits, the
 * fleet's doors and floors, dates before the deadline): the point is to
 * test the planner on valid scenarios, not the validator.
 */
#include "scengen.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

typedef struct gen {
    dd_rng r;
    dd_rng caps; /* weekly caps and schedules: their own stream, so that the
                  * rest of each scenario stays as it was before them */
    dd_rng crews; /* crews and utilisation: their own stream too */
    dd_rng hubs;  /* hubs' people a day: their own stream too */
    dd_rng legs;  /* sites' via (legs inside the country): their own stream */
    dd_rng stops; /* en-route fuel stops: their own stream */
    dd_rng stopx; /* the stops' hours, chains and onward stops (issue 18,
                   * later): their own stream, so that seeds keep the rest */
    bool lb; /* units: lb and in, else kg and m */
} gen;

static int irange(gen *g, int lo, int hi)
{
    return lo + (int)dd_rng_below(&g->r, (uint64_t)(hi - lo + 1));
}

static double drange(gen *g, double lo, double hi)
{
    return lo + (hi - lo) * dd_rng_double(&g->r);
}

static bool chance(gen *g, double p)
{
    return dd_rng_double(&g->r) < p;
}

/* Civil date of day `d` after 2024-06-01 (Howard Hinnant's algorithm). */
static void date_of(int d, char out[16])
{
    long z = 19875 + d + 719468; /* 2024-06-01 is day 19875 of the Unix epoch */
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    snprintf(out, 16, "%04ld-%02ld-%02ld", y, m, dd);
}

static int crange(gen *g, int lo, int hi)
{
    return lo + (int)dd_rng_below(&g->caps, (uint64_t)(hi - lo + 1));
}

static int wrange(gen *g, int lo, int hi)
{
    return lo + (int)dd_rng_below(&g->crews, (uint64_t)(hi - lo + 1));
}

/* Crews and utilisation of a type, on their own stream: a quarter of the
 * types have crews (now and then a duty day too short for the far sites,
 * or augmented crews), a fifth a utilisation rate (with a window of up to
 * a week). */
static void write_crews(gen *g, FILE *f)
{
    if (wrange(g, 0, 99) < 25) {
        int duty = wrange(g, 0, 9) == 0 ? wrange(g, 4, 8) : wrange(g, 10, 18);
        fprintf(f, "    crews: {count: %d, duty: %dh", wrange(g, 1, 8), duty);
        if (wrange(g, 0, 2) == 0)
            fprintf(f, ", augmented_duty: %dh", duty + wrange(g, 2, 8));
        fprintf(f, ", rest: %dh}\n", wrange(g, 0, 16));
    }
    if (wrange(g, 0, 99) < 20) {
        fprintf(f, "    utilisation: %dh%s\n", wrange(g, 3, 16), wrange(g, 0, 1) ? "30m" : "");
        if (wrange(g, 0, 1))
            fprintf(f, "    utilisation_window: %dd\n", wrange(g, 1, 7));
    }
}

/* Clearance caps where the scenario has a daily cap `v` (or none, v < 0):
 * mostly daily_cap alone as before; else a weekly cap beside it, or a
 * schedule of one to three steps (the first one at day 0 or a little
 * later: nothing flies before it), daily and weekly caps around v. Returns
 * true if it wrote a weekly cap. */
static bool write_caps(gen *g, FILE *f, const char *ind, int v, int days)
{
    int k = crange(g, 0, 99);
    if (v < 0) {
        if (k < 8) {
            fprintf(f, "%sweekly_cap: %d\n", ind, crange(g, 3, 40));
            return true;
        }
        return false;
    }
    if (k < 60) {
        fprintf(f, "%sdaily_cap: %d\n", ind, v);
        return false;
    }
    if (k < 78) {
        fprintf(f, "%sdaily_cap: %d\n%sweekly_cap: %d\n", ind, v, ind, crange(g, v, 7 * v));
        return true;
    }
    bool weekly = false;
    int n = crange(g, 1, 3), day = crange(g, 0, 3) ? 0 : crange(g, 1, days / 4 + 1);
    if (day >= days)
        day = days - 1 > 0 ? days - 1 : 0;
    fprintf(f, "%scaps:\n", ind);
    for (int i = 0; i < n && (i == 0 || day < days); i++) {
        char t[16];
        date_of(day, t);
        int d = crange(g, v > 2 ? v / 2 : 1, v + 2);
        fprintf(f, "%s  - {from: %s", ind, t);
        if (crange(g, 0, 4))
            fprintf(f, ", daily: %d", d);
        if (crange(g, 0, 1)) {
            fprintf(f, ", weekly: %d", crange(g, d, 7 * d));
            weekly = true;
        }
        fprintf(f, "}\n");
        day += crange(g, 1, days / 2 + 1);
    }
    return weekly;
}

/* A time: day d, hour h, in the agreement's local time. */
static void time_of(int d, int h, char out[24])
{
    char day[16];
    date_of(d, day);
    snprintf(out, 24, "%sT%02d:00", day, h);
}

static void wt(gen *g, double kg, char *out, size_t n)
{
    if (g->lb)
        snprintf(out, n, "%.0f", kg / 0.45359237);
    else
        snprintf(out, n, "%.1f", kg);
}

static void len(gen *g, double m, char *out, size_t n)
{
    if (g->lb)
        snprintf(out, n, "%.0f", floor(m / 0.0254));
    else
        snprintf(out, n, "%.2f", floor(m * 100) / 100);
}

typedef struct actype {
    const char *id, *cls;
    double acl, floor_l, floor_w, door_w, door_h, ground_h;
    int positions, seats;
    double spp;
    int cruise;
} actype;

static const actype types[] = {
    {"C17A", "C17", 77500, 20.8, 5.5, 5.5, 3.75, 3.25, 18, 102, 2.67, 450},
    {"C130J", "C130", 19950, 16.7, 3.05, 3.05, 2.74, 2.25, 8, 128, 16, 348},
    {"A400M", "A400", 37000, 17.7, 4.0, 4.0, 3.85, 2.5, 9, 116, 12, 420},
};

typedef struct site_info {
    char id[16];
    int sec_floor;     /* the site's override, or -1 */
    double sec_ratio;
    bool cls[3];   /* which classes may use it */
    int n_tasks;
    char res[3][16];
    int res_cap[3];
    int n_res;
} site_info;

typedef struct scen {
    int sec_floor;  /* the agreement's security terms */
    double sec_ratio;
    int days;       /* epoch to deadline, in days */
    int opens;      /* clearance opens, day */
    int n_sites;
    site_info sites[6];
    bool type_on[3];
    int n_tasks;
    char task_id[64][24];
    int task_site[64];
    int n_over; /* overflight countries OA, OB, ... */
    bool any_via; /* a site leaves through S1: no phases (S1 is in the first) */
    int n_stops;  /* en-route fuel stops T1, T2 (and shorter range_payload curves) */
    bool chain;   /* two more stops, T(n+1) near the sites and T(n+2) further
                   * north, and shorter curves still: chains of two stops */
} scen;

static FILE *open_in(const char *dir, const char *name)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return fopen(p, "w");
}

static void write_agreement(gen *g, scen *sc, FILE *f, int n_people_hint)
{
    char t[24];
    static const char *const tz[] = {"\"+01:00\"", "\"+00:00\"", "\"+03:00\"", "\"-05:00\"",
                                     "UTC", "\"+05:30\""};
    fprintf(f, "agreement:\n  name: generated\n");
    if (chance(g, 0.7))
        fprintf(f, "  timezone: %s\n", tz[irange(g, 0, 5)]);
    fprintf(f, "  epoch: 2024-06-01\n");
    date_of(sc->days - 1, t); /* a date alone: the end of that day */
    fprintf(f, "  deadline: %s\n", t);
    if (sc->days >= 2 && chance(g, 0.3)) {
        fprintf(f, "  milestones:\n");
        int n = irange(g, 1, 2);
        for (int i = 0; i < n; i++) {
            date_of(irange(g, 1, sc->days - 1) - 1, t);
            fprintf(f, "    - id: m%d\n      at: %s\n", i + 1, t);
            if (chance(g, 0.3))
                fprintf(f, "      site: %s\n", sc->sites[irange(g, 0, sc->n_sites - 1)].id);
            int k = irange(g, 0, 2);
            if (k != 1)
                fprintf(f, "      personnel: %.2f\n", drange(g, 0.05, 0.9));
            if (k != 0)
                fprintf(f, "      cargo: %.2f\n", drange(g, 0.05, 0.9));
        }
    }
    if (chance(g, 0.85)) {
        fprintf(f, "  clearance:\n");
        fprintf(f, "    lead_time: %dh\n", chance(g, 0.7) ? irange(g, 0, 6) * 12 : 0);
        if (chance(g, 0.5))
            fprintf(f, "    validity: %dh\n", irange(g, 2, 48));
        if (chance(g, 0.3))
            fprintf(f, "    decision_time: %dd\n", irange(g, 0, 3));
        if (chance(g, 0.3)) {
            date_of(sc->opens, t);
            fprintf(f, "    opens: %s\n", t);
        } else {
            sc->opens = 0;
        }
        bool weekly = write_caps(g, f, "    ", chance(g, 0.6) ? irange(g, 1, 12) : -1, sc->days);
        if (weekly && crange(g, 0, 2) == 0)
            fprintf(f, "    week: calendar\n");
        if (chance(g, 0.4)) {
            int a = irange(g, 0, 8), b = irange(g, 14, 24);
            fprintf(f, "    hours: \"%02d:00-%02d:00\"\n", a, b);
        }
        if (chance(g, 0.3)) {
            fprintf(f, "    blackout: [");
            int n = irange(g, 1, 3);
            for (int i = 0; i < n; i++) {
                date_of(irange(g, 0, sc->days - 1), t);
                fprintf(f, "%s%s", i ? ", " : "", t);
            }
            fprintf(f, "]\n");
        }
        /* overflight clearances (the crews' stream) */
        sc->n_over = wrange(g, 0, 99) < 20 ? wrange(g, 1, 2) : 0;
        if (sc->n_over > 0) {
            fprintf(f, "    overflight:\n");
            for (int i = 0; i < sc->n_over; i++) {
                fprintf(f, "      - {country: O%c, lead_time: %dh", 'A' + i, wrange(g, 0, 6) * 12);
                if (wrange(g, 0, 3))
                    fprintf(f, ", daily_cap: %d", wrange(g, 1, 8));
                fprintf(f, "}\n");
            }
        }
    } else {
        sc->opens = 0;
    }
    if (chance(g, 0.7)) {
        sc->sec_floor = irange(g, 0, 12);
        fprintf(f, "  security:\n    floor: %d\n", sc->sec_floor);
        if (chance(g, 0.7)) {
            sc->sec_ratio = floor(drange(g, 0.0, 0.3) * 100) / 100;
            fprintf(f, "    ratio: %.2f\n", sc->sec_ratio);
        }
    }
    if (chance(g, 0.8)) {
        fprintf(f, "  personnel:\n");
        if (chance(g, 0.6))
            fprintf(f, "    exit_per_day: %d\n",
                    irange(g, 5, 40) + n_people_hint / (sc->days > 0 ? sc->days : 1));
        if (wrange(g, 0, 99) < 15) /* the crews' stream */
            fprintf(f, "    exit_per_hour: %d\n", wrange(g, 5, 120));
        if (chance(g, 0.5))
            fprintf(f, "    manifest_lead_time: %dh\n", irange(g, 0, 96));
        if (chance(g, 0.4))
            fprintf(f, "    entry_lead_time: %dd\n", irange(g, 0, 10));
        if (chance(g, 0.3))
            fprintf(f, "    ceiling: %d\n", n_people_hint + irange(g, 0, 20));
        else
            fprintf(f, "    ceiling: %d\n", 10 * n_people_hint + 100);
    }
}

static void write_site(gen *g, scen *sc, int i, FILE *f, double lat, double lon)
{
    site_info *si = &sc->sites[i];
    char t[24];
    snprintf(si->id, sizeof si->id, "S%d", i + 1);
    fprintf(f, "  - id: %s\n    icao: DX%02d\n    position: [%.3f, %.3f]\n", si->id, i + 1,
            lat + drange(g, -4, 4), lon + drange(g, -4, 4));
    /* MOG: one class, a few, or every class; sometimes C-130 only */
    fprintf(f, "    mog: {");
    int written = 0, total_classes = 0;
    bool c130_only = chance(g, 0.2);
    for (int c = 0; c < 3; c++) {
        si->cls[c] = false;
        if (!sc->type_on[c])
            continue;
        bool on = c130_only ? c == 1 : chance(g, 0.8);
        if (!on && !c130_only && c == 0)
            on = true; /* keep the largest type usable at most sites */
        if (!on) {
            if (chance(g, 0.2))
                fprintf(f, "%s%s: 0", written++ ? ", " : "", types[c].cls);
            continue;
        }
        si->cls[c] = true;
        int m = irange(g, 1, 3);
        total_classes += m;
        fprintf(f, "%s%s: %d", written++ ? ", " : "", types[c].cls, m);
    }
    if (!written) {
        fprintf(f, "C130: 1");
        si->cls[1] = true;
        total_classes = 1;
    }
    if (chance(g, 0.4) && total_classes > 1)
        fprintf(f, ", total: %d", irange(g, 1, total_classes));
    fprintf(f, "}\n");
    if (chance(g, 0.3))
        fprintf(f, "    hours: \"%02d:00-%02d:00\"\n", irange(g, 0, 7), irange(g, 17, 24));
    if (chance(g, 0.25)) {
        fprintf(f, "    reservations:\n");
        int a = irange(g, 0, sc->days - 1), b = irange(g, a, sc->days - 1);
        date_of(a, t);
        fprintf(f, "      - from: %s\n", t);
        date_of(b, t);
        fprintf(f, "        to: %s\n        slots: 1\n        note: third party\n", t);
    }
    si->n_res = irange(g, 0, 3);
    static const char *const rn[] = {"load-team", "forklift", "k-loader"};
    if (si->n_res) {
        fprintf(f, "    resources: {");
        for (int k = 0; k < si->n_res; k++) {
            snprintf(si->res[k], sizeof si->res[k], "%s", rn[k]);
            si->res_cap[k] = irange(g, 1, 4);
            fprintf(f, "%s%s: %d", k ? ", " : "", rn[k], si->res_cap[k]);
        }
        fprintf(f, "}\n");
    }
    if (chance(g, 0.3)) {
        date_of(irange(g, sc->days / 3, sc->days + 3), t);
        fprintf(f, "    close_by: %s\n", t);
    }
    (void)write_caps(g, f, "    ", chance(g, 0.3) ? irange(g, 1, 6) : -1, sc->days);
    if (chance(g, 0.2))
        fprintf(f, "    exit_per_day: %d\n", irange(g, 10, 200));
    if (wrange(g, 0, 99) < 10)
        fprintf(f, "    exit_per_hour: %d\n", wrange(g, 5, 120));
    si->sec_floor = -1;
    if (chance(g, 0.2)) {
        si->sec_floor = irange(g, 0, 8);
        si->sec_ratio = floor(drange(g, 0, 0.25) * 100) / 100;
        fprintf(f, "    security: {floor: %d, ratio: %.2f}\n", si->sec_floor, si->sec_ratio);
    }
    if (chance(g, 0.2))
        fprintf(f, "    timezone: \"+02:00\"\n");
    /* legs inside the country (the legs' stream): a site after the first
     * may leave through S1, which never has a via (no chain, no cycle) */
    bool via = i > 0 && dd_rng_below(&g->legs, 100) < 15;
    /* the order of closure: after an earlier site (never a cycle); a site
     * leaving through S1 is after none (it cannot close after S1: the
     * draws are made all the same, so the rest is as without legs) */
    if (i > 0 && chance(g, 0.25)) {
        int a = irange(g, 1, i);
        if (!via)
            fprintf(f, "    after: [S%d]\n", a);
    }
    if (via) {
        sc->any_via = true;
        fprintf(f, "    via: S1\n");
        if (dd_rng_below(&g->legs, 2))
            fprintf(f, "    via_transfer: %dh\n", (int)dd_rng_below(&g->legs, 5));
    }
}

/* Two phases cut at a random site; with a via to S1 (in the first phase)
 * the draws are made and the phases not written. */
static void write_phases(gen *g, const scen *sc, FILE *f)
{
    if (sc->n_sites < 2 || !chance(g, 0.15))
        return;
    int cut = irange(g, 1, sc->n_sites - 1);
    if (sc->any_via)
        return;
    fprintf(f, "phases:\n  - id: first\n    sites: [");
    for (int i = 0; i < cut; i++)
        fprintf(f, "%sS%d", i ? ", " : "", i + 1);
    fprintf(f, "]\n  - id: last\n    sites: [");
    for (int i = cut; i < sc->n_sites; i++)
        fprintf(f, "%sS%d", i > cut ? ", " : "", i + 1);
    fprintf(f, "]\n");
}

/* En-route fuel stops, on their own stream (a quarter of the scenarios,
 * whose types' range_payload curves, when they have one, then fall to
 * nothing before the far hubs): between the sites and the hubs, now and
 * then with a ramp, a ground time of their own, a country that clears
 * the landing. */
static void write_stops(gen *g, scen *sc, FILE *f)
{
    if (sc->n_stops == 0)
        return;
    fprintf(f, "stops:\n");
    for (int i = 0; i < sc->n_stops + (sc->chain ? 2 : 0); i++) {
        if (i >= sc->n_stops) { /* a chain's stops, on the stops' second stream */
            bool near = i == sc->n_stops;
            double lat = (near ? 19 : 27) + 7 * dd_rng_double(&g->stopx);
            double lon = 2 + (near ? 8 : 12) * dd_rng_double(&g->stopx);
            fprintf(f, "  - id: T%d\n    icao: ES%02d\n    position: [%.2f, %.2f]\n", i + 1, i + 1,
                    lat, lon);
            if (dd_rng_below(&g->stopx, 100) < 40)
                fprintf(f, "    mog: %d\n", 1 + (int)dd_rng_below(&g->stopx, 3));
            continue;
        }
        double lat = 20 + 12 * dd_rng_double(&g->stops), lon = 15 * dd_rng_double(&g->stops);
        fprintf(f, "  - id: T%d\n    icao: ES%02d\n    position: [%.2f, %.2f]\n", i + 1, i + 1,
                lat, lon);
        if (dd_rng_below(&g->stops, 100) < 40)
            fprintf(f, "    mog: %d\n", 1 + (int)dd_rng_below(&g->stops, 3));
        if (dd_rng_below(&g->stops, 100) < 50)
            fprintf(f, "    ground_time: %dm\n", 45 + 15 * (int)dd_rng_below(&g->stops, 8));
        if (sc->n_over > 0 && dd_rng_below(&g->stops, 100) < 50)
            fprintf(f, "    country: O%c\n", 'A' + (int)dd_rng_below(&g->stops, (uint64_t)sc->n_over));
        /* a third of them keep hours (opening 04:00-09:00, open 6-17 h),
         * at a time zone of their own now and then */
        if (dd_rng_below(&g->stopx, 100) < 33) {
            int open = 4 + (int)dd_rng_below(&g->stopx, 6);
            int close = (open + 6 + (int)dd_rng_below(&g->stopx, 12)) % 24;
            if (dd_rng_below(&g->stopx, 2))
                fprintf(f, "    timezone: \"+0%d:00\"\n", (int)dd_rng_below(&g->stopx, 4));
            fprintf(f, "    hours: \"%02d:00-%02d:00\"\n", open, close);
        }
    }
}

static void write_aircraft(gen *g, scen *sc, FILE *f, int n_dest)
{
    char t[24], a[32];
    fprintf(f, "aircraft:\n");
    for (int c = 0; c < 3; c++) {
        if (!sc->type_on[c])
            continue;
        const actype *ty = &types[c];
        fprintf(f, "  - id: %s\n    class: %s\n", ty->id, ty->cls);
        wt(g, ty->acl, a, sizeof a);
        fprintf(f, "    acl: %s\n", a);
        if (chance(g, 0.3) || sc->chain) { /* the draw kept: seeds keep the rest */
            fprintf(f, "    range_payload:\n");
            if (sc->chain) {
                /* chains of two stops: a curve that reaches a stop or two */
                fprintf(f, "      - {range: 600 nm, payload: %.0f kg}\n", ty->acl);
                fprintf(f, "      - {range: 900 nm, payload: %.0f kg}\n", ty->acl * 0.4);
                fprintf(f, "      - {range: 1100 nm, payload: 0 kg}\n");
            } else if (sc->n_stops > 0) {
                /* with fuel stops: a curve that does not reach far hubs */
                fprintf(f, "      - {range: 1000 nm, payload: %.0f kg}\n", ty->acl);
                fprintf(f, "      - {range: 1800 nm, payload: %.0f kg}\n", ty->acl * 0.4);
                fprintf(f, "      - {range: 2200 nm, payload: 0 kg}\n");
            } else {
                fprintf(f, "      - {range: 2000 nm, payload: %.0f kg}\n", ty->acl);
                fprintf(f, "      - {range: 3500 nm, payload: %.0f kg}\n", ty->acl * 0.55);
            }
        }
        fprintf(f, "    pallet_positions: %d\n    seats: %d\n", ty->positions, ty->seats);
        if (chance(g, 0.8))
            fprintf(f, "    seats_per_pallet: %.2f\n", ty->spp);
        fprintf(f, "    floor: {length: %.1f m, width: %.2f m}\n", ty->floor_l, ty->floor_w);
        fprintf(f, "    door: {width: %.2f m, height: %.2f m}\n", ty->door_w, ty->door_h);
        fprintf(f, "    cruise: %d kt\n    ground_time: %.0fm\n", ty->cruise, ty->ground_h * 60);
        if (chance(g, 0.25)) {
            fprintf(f, "    tails:\n");
            int d0 = irange(g, 0, 3);
            date_of(d0, t);
            fprintf(f, "      - {from: %s, count: %d}\n", t, irange(g, 1, 3));
            date_of(d0 + irange(g, 1, 10), t);
            fprintf(f, "      - {from: %s, count: %d}\n", t, irange(g, 1, 6));
        } else {
            fprintf(f, "    tails: %d\n", irange(g, 1, 6));
        }
        fprintf(f, "    home: H%d\n", irange(g, 1, n_dest));
        if (chance(g, 0.5))
            fprintf(f, "    cost_per_hour: %d\n", irange(g, 5, 25) * 1000);
        write_crews(g, f);
    }
}

static const char *const hz[] = {"1.1", "1.4", "3", "9", "2.1"};

/* One cargo row; its dimensions fit a type that some site can use. */
static void write_cargo_row(gen *g, scen *sc, FILE *f, int row, int site)
{
    const site_info *si = &sc->sites[site];
    /* the smallest class the site takes bounds rolling stock */
    double door_w = 0, door_h = 0, floor_l = 0, acl = 0;
    for (int c = 0; c < 3; c++)
        if (si->cls[c] && sc->type_on[c] && types[c].door_w > door_w) {
            door_w = types[c].door_w;
            door_h = types[c].door_h;
            floor_l = types[c].floor_l;
            acl = types[c].acl;
        }
    if (door_w == 0) { /* the site has no usable class: anything small */
        door_w = 3.05, door_h = 2.74, floor_l = 16.7, acl = 19950;
    }
    static const char *const kinds[] = {"loose", "pallet", "rolling", "outsize", "drone",
                                        "container"};
    int k = irange(g, 0, 99);
    int kind = k < 45 ? 0 : k < 65 ? 1 : k < 85 ? 2 : k < 90 ? 3 : k < 95 ? 4 : 5;
    double w, l, wd, h;
    int qty = 1;
    switch (kind) {
    case 0:
        l = drange(g, 0.3, 2.6), wd = drange(g, 0.3, 2.1), h = drange(g, 0.2, 2.3);
        w = drange(g, 20, 3000);
        qty = chance(g, 0.5) ? irange(g, 1, 40) : 1;
        break;
    case 1:
        l = 2.64, wd = 2.13, h = drange(g, 0.5, 2.4);
        w = drange(g, 500, 4500);
        qty = irange(g, 1, 12);
        break;
    default:
        l = drange(g, 2.0, fmin(floor_l * 0.6, 9.0));
        wd = drange(g, 1.0, door_w * 0.95);
        h = drange(g, 1.0, door_h * 0.95);
        w = drange(g, 800, fmin(acl * 0.5, 20000));
        qty = irange(g, 1, 4);
        break;
    }
    char sw[32], sl[32], swd[32], sh[32];
    wt(g, w, sw, sizeof sw);
    len(g, l, sl, sizeof sl);
    len(g, wd, swd, sizeof swd);
    len(g, h, sh, sizeof sh);
    const char *hazard = "";
    bool sens = chance(g, 0.1);
    if (chance(g, 0.12))
        hazard = sens ? (chance(g, 0.5) ? "1.4" : "9") : hz[irange(g, 0, 4)];
    char ready[24] = "";
    if (chance(g, 0.2))
        time_of(irange(g, 0, sc->days - 1), irange(g, 0, 23), ready);
    const char *rel = "";
    if (chance(g, 0.3)) {
        for (int tries = 0; tries < 5; tries++) {
            int t = irange(g, 0, sc->n_tasks - 1);
            if (sc->n_tasks && sc->task_site[t] == site) {
                rel = sc->task_id[t];
                break;
            }
        }
    }
    const char *disp = "ship";
    int d = irange(g, 0, 99);
    if (d < 6)
        disp = "handover";
    else if (d < 9)
        disp = "destroy";
    fprintf(f, "C%d,%s,item %d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%s\n", row, si->id, row, qty, sw,
            sl, swd, sh, kinds[kind], hazard, sens ? "yes" : "", ready, rel, irange(g, 1, 9),
            disp);
}

static void write_tasks(gen *g, scen *sc, const char *dir, int per_site)
{
    FILE *f = open_in(dir, "tasks.csv");
    if (!f)
        return;
    fprintf(f, "id,site,duration,predecessors,resources,releases,description\n");
    sc->n_tasks = 0;
    for (int s = 0; s < sc->n_sites && sc->n_tasks < 60; s++) {
        site_info *si = &sc->sites[s];
        int n = irange(g, 0, per_site);
        int first = sc->n_tasks;
        for (int i = 0; i < n && sc->n_tasks < 60; i++) {
            int t = sc->n_tasks++;
            snprintf(sc->task_id[t], sizeof sc->task_id[t], "%s-T%d", si->id, i + 1);
            sc->task_site[t] = s;
            char pred[64] = "";
            if (t > first && chance(g, 0.7)) {
                int p = irange(g, first, t - 1);
                if (chance(g, 0.3))
                    snprintf(pred, sizeof pred, "%s+%dh", sc->task_id[p], irange(g, 1, 24));
                else
                    snprintf(pred, sizeof pred, "%s", sc->task_id[p]);
            }
            char res[64] = "";
            if (si->n_res && chance(g, 0.7)) {
                int r = irange(g, 0, si->n_res - 1);
                snprintf(res, sizeof res, "%s:%d", si->res[r], irange(g, 1, si->res_cap[r]));
            }
            int hours = irange(g, 1, 24 * (sc->days > 20 ? 4 : 1));
            fprintf(f, "%s,%s,%dh,%s,%s,,task %d\n", sc->task_id[t], si->id, hours, pred, res,
                    t);
        }
    }
    fclose(f);
}

/* The destinations (hubs): a ramp now and then, routes over countries
 * (the crews' stream), people a day (the hubs' stream); their number. */
static int write_dests(gen *g, const scen *sc, FILE *f)
{
    int n_dest = irange(g, 1, 2);
    fprintf(f, "destinations:\n");
    for (int i = 0; i < n_dest; i++) {
        fprintf(f, "  - id: H%d\n    icao: EH%02d\n    position: [%.2f, %.2f]\n", i + 1, i + 1,
                drange(g, 25, 50), drange(g, -5, 30));
        /* hubs with a ramp, routes over countries (the crews' stream) */
        if (wrange(g, 0, 99) < 20)
            fprintf(f, "    mog: %d\n", wrange(g, 1, 4));
        if (sc->n_over > 0 && wrange(g, 0, 99) < 70) {
            int first = wrange(g, 0, sc->n_over - 1), both = sc->n_over > 1 && wrange(g, 0, 1);
            fprintf(f, "    overflies: [O%c%s]\n", 'A' + first, both ? (first ? ", OA" : ", OB") : "");
        }
        /* a hub that takes so many people a day, now and then none */
        if (dd_rng_below(&g->hubs, 100) < 20)
            fprintf(f, "    people_per_day: %d\n",
                    dd_rng_below(&g->hubs, 10) == 0 ? 0 : 20 + (int)dd_rng_below(&g->hubs, 400));
    }
    return n_dest;
}

/* Commercial seats at some sites, some for a span of days. */
static void write_commercial(gen *g, const scen *sc, FILE *f)
{
    if (chance(g, 0.35)) {
        fprintf(f, "commercial:\n");
        int n = irange(g, 1, 2);
        for (int i = 0; i < n; i++) {
            char t[24];
            fprintf(f, "  - site: %s\n    seats_per_day: %d\n",
                    sc->sites[irange(g, 0, sc->n_sites - 1)].id, irange(g, 0, 60));
            if (chance(g, 0.5)) {
                int a = irange(g, 0, sc->days - 1);
                date_of(a, t);
                fprintf(f, "    from: %s\n", t);
                if (chance(g, 0.6)) {
                    date_of(irange(g, a, sc->days - 1), t);
                    fprintf(f, "    to: %s\n", t);
                }
            }
        }
    }
}

/* personnel.csv: n_groups groups of group_size people (raised to the
 * security the terms need, in most scenarios). */
static int write_personnel(gen *g, const scen *sc, const char *dir, int n_groups,
                           int *group_size, bool tasks)
{
    /* every site gets some security when the terms ask for it */
    FILE *f = open_in(dir, "personnel.csv");
    if (!f)
        return -1;
    fprintf(f, "id,site,count,role,release,released_by,arrival,unit\n");
    static const char *const roles[] = {"security", "operations", "support", "augmentee",
                                        "evacuee"};
    /* sites and roles first: most scenarios hold the security their terms
     * need (a force short of it breaks the term from the start, which
     * some scenarios keep, to test that the planner says so) */
    int g_site[64], g_role[64];
    int64_t others[6] = {0};
    for (int i = 0; i < n_groups; i++) {
        g_site[i] = i < sc->n_sites ? i : irange(g, 0, sc->n_sites - 1);
        g_role[i] = i < sc->n_sites ? 0 : irange(g, 0, 3);
        /* every third support group evacuees (no draw: the stream, and so
         * the rest of the scenario, stays as before); no escort for them */
        if (g_role[i] == 2 && i % 3 == 0)
            g_role[i] = 4;
        if (g_role[i] != 0 && g_role[i] != 4)
            others[g_site[i]] += group_size[i];
    }
    bool enough = chance(g, 0.85);
    for (int i = 0; i < n_groups && i < sc->n_sites && enough; i++) {
        const site_info *si = &sc->sites[i];
        int fl = si->sec_floor >= 0 ? si->sec_floor : sc->sec_floor;
        double ratio = si->sec_floor >= 0 ? si->sec_ratio : sc->sec_ratio;
        int need = (int)ceil(ratio * (double)others[i]) + fl + irange(g, 0, 3);
        if (group_size[i] < need)
            group_size[i] = need;
    }
    for (int i = 0; i < n_groups; i++) {
        int site = g_site[i];
        int role = g_role[i];
        char rel[24] = "", arr[24] = "";
        const char *relby = "";
        if (chance(g, 0.25))
            time_of(irange(g, 0, sc->days - 1), irange(g, 0, 23), rel);
        if (chance(g, 0.25)) {
            for (int tries = 0; tries < 5; tries++) {
                int t = irange(g, 0, sc->n_tasks - 1);
                if (sc->n_tasks && sc->task_site[t] == site) {
                    relby = sc->task_id[t];
                    break;
                }
            }
        }
        if (role == 3 && chance(g, 0.8))
            time_of(irange(g, 0, sc->days - 1), irange(g, 0, 23), arr);
        fprintf(f, "P%d,%s,%d,%s,%s,%s,%s,U%d\n", i + 1, sc->sites[site].id, group_size[i],
                roles[role], rel, tasks ? relby : "", arr, i % 3);
    }
    fclose(f);
    return 0;
}

int sg_write(uint64_t seed, const sg_options *o, const char *dir)
{
    gen g0, *g = &g0;
    dd_rng_seed(&g->r, seed, 0x5ce9);
    dd_rng_seed(&g->caps, seed, 0xca95);
    dd_rng_seed(&g->crews, seed, 0xc4e3);
    dd_rng_seed(&g->hubs, seed, 0x4b5d);
    dd_rng_seed(&g->legs, seed, 0x1e95);
    dd_rng_seed(&g->stops, seed, 0x5709);
    dd_rng_seed(&g->stopx, seed, 0x570a);
    sg_size size = o && o->size != SG_ANY ? o->size : SG_ANY;
    if (size == SG_ANY) {
        int k = irange(g, 0, 99);
        size = k < 15 ? SG_TINY : k < 75 ? SG_SMALL : k < 95 ? SG_MEDIUM : SG_LARGE;
    }
    g->lb = chance(g, 0.5);
    scen sc0, *sc = &sc0;
    memset(sc, 0, sizeof *sc);
    sc->n_stops = dd_rng_below(&g->stops, 100) < 25 ? 1 + (int)dd_rng_below(&g->stops, 2) : 0;
    sc->chain = sc->n_stops > 0 && dd_rng_below(&g->stopx, 100) < 35;
    int n_cargo, n_groups, max_group;
    switch (size) {
    case SG_TINY:
        sc->n_sites = 1, n_cargo = irange(g, 0, 2), n_groups = irange(g, 0, 2), max_group = 5;
        break;
    case SG_SMALL:
        sc->n_sites = irange(g, 1, 3), n_cargo = irange(g, 1, 25), n_groups = irange(g, 1, 8);
        max_group = 40;
        break;
    case SG_MEDIUM:
        sc->n_sites = irange(g, 2, 4), n_cargo = irange(g, 20, 150), n_groups = irange(g, 4, 20);
        max_group = 150;
        break;
    default:
        sc->n_sites = irange(g, 3, 6), n_cargo = irange(g, 100, 600);
        n_groups = irange(g, 10, 40), max_group = 300;
        break;
    }
    /* most scenarios have people at every site (a site with nobody and
     * sensitive cargo breaks the escort term, kept in some) */
    if (n_groups < sc->n_sites && chance(g, 0.9))
        n_groups = sc->n_sites;
    if (o && o->max_people > 0 && max_group * n_groups > o->max_people)
        max_group = o->max_people / (n_groups ? n_groups : 1) + 1;
    /* deadlines from impossible to generous */
    int dk = irange(g, 0, 9);
    sc->days = dk < 1 ? irange(g, 1, 3) : dk < 4 ? irange(g, 4, 14) : irange(g, 15, 90);
    sc->opens = irange(g, 0, sc->days / 3);
    sc->type_on[0] = chance(g, 0.8);
    sc->type_on[1] = chance(g, 0.6);
    sc->type_on[2] = chance(g, 0.2);
    if (!sc->type_on[0] && !sc->type_on[1] && !sc->type_on[2])
        sc->type_on[1] = true;
    /* the people first (the agreement's figures scale with them) */
    int group_size[64];
    int people = 0;
    for (int i = 0; i < n_groups; i++) {
        group_size[i] = irange(g, 1, max_group);
        people += group_size[i];
    }
    FILE *f = open_in(dir, "scenario.yaml");
    if (!f)
        return -1;
    fprintf(f, "drawdown: 1\nname: generated %llu\n", (unsigned long long)seed);
    if (g->lb)
        fprintf(f, "units: {weight: lb, length: in}\n");
    else if (chance(g, 0.5))
        fprintf(f, "units: {weight: kg, length: m}\n");
    if (chance(g, 0.3))
        fprintf(f, "passenger_weight: %d kg\n", irange(g, 90, 200));
    /* sites are named before the agreement refers to them */
    for (int i = 0; i < sc->n_sites; i++)
        snprintf(sc->sites[i].id, sizeof sc->sites[i].id, "S%d", i + 1);
    write_agreement(g, sc, f, people);
    if (chance(g, 0.4)) {
        fprintf(f, "hazards:\n  no_passengers: [\"1.1\", \"3\"]\n");
        if (chance(g, 0.6))
            fprintf(f, "  apart:\n    - [\"1.4\", \"3\"]\n    - [\"9\", \"2.1\"]\n");
    }
    fprintf(f, "sites:\n");
    for (int i = 0; i < sc->n_sites; i++)
        write_site(g, sc, i, f, 13.0, 5.0);
    int n_dest = write_dests(g, sc, f);
    write_stops(g, sc, f);
    write_aircraft(g, sc, f, n_dest);
    write_commercial(g, sc, f);
    write_phases(g, sc, f);
    fprintf(f, "inventories:\n  cargo: cargo.csv\n  personnel: personnel.csv\n");
    bool tasks = chance(g, 0.5);
    if (tasks)
        fprintf(f, "  tasks: tasks.csv\n");
    if (fclose(f) != 0)
        return -1;
    if (tasks)
        write_tasks(g, sc, dir, size == SG_TINY ? 2 : 6);
    /* cargo */
    f = open_in(dir, "cargo.csv");
    if (!f)
        return -1;
    fprintf(f, "id,site,description,quantity,weight,length,width,height,kind,hazard,sensitive,"
               "ready,released_by,priority,disposition\n");
    for (int i = 0; i < n_cargo; i++)
        write_cargo_row(g, sc, f, i + 1, irange(g, 0, sc->n_sites - 1));
    fclose(f);
    return write_personnel(g, sc, dir, n_groups, group_size, tasks);
}
