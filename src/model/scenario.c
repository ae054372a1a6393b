/* SPDX-License-Identifier: MIT */
/*
 * The public face of src/model: load a scenario file and its inventories
 * into one arena, run the stages, and hand back an immutable model; plus
 * the small utilities every later stage needs (days, times, distances,
 * payload by range, tails by date, names).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/loader.h"
#include "read/xlsxread.h"

typedef struct owned_scenario {
    dd_scenario s; /* first: the public pointer is this struct's address */
    dd_arena arena;
} owned_scenario;

static char *dir_of(dd_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return dd__arena_strdup(a, ".");
    if (slash == path)
        return dd__arena_strdup(a, "/");
    return dd__arena_strndup(a, path, (size_t)(slash - path));
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static dd_status load_text(owned_scenario *o, const char *name, const char *text, size_t len,
                           const char *base_dir, dd_diags *diags)
{
    dd_loader L = {.arena = &o->arena, .diags = diags, .s = &o->s, .base_dir = base_dir,
                   .file = name, .text = text, .len = len, .weight_unit = "kg",
                   .length_unit = "m"};
    size_t errors_before = diags->n_errors;
    o->s.path = name;
    uint32_t *apart = dd__arena_array(L.arena, 32, sizeof *apart);
    const char **hz = dd__arena_array(L.arena, 32, sizeof *hz);
    if (!apart || !hz || dd__idmap_init(&L.classes, L.arena, 64) != DD_OK ||
        dd__idmap_init(&L.hazards, L.arena, 32) != DD_OK)
        return DD_ENOMEM;
    L.hazard_apart = apart;
    L.hazard_names = hz;

    bool json = ends_with(name, ".json");
    dd_ynode *root;
    dd_status st = dd__ytree_parse(L.arena, name, text, len, json, diags, &root);
    if (st != DD_OK)
        return st;
    dd__load_sections(&L, root);
    if (L.oom)
        return DD_ENOMEM;
    o->s.classes = L.class_names;
    o->s.n_classes = L.n_class_names;
    dd__load_inventories(&L, root);
    dd__load_acks(&L, root);
    static const char *const known[] = {"drawdown", "name", "units", "passenger_weight",
                                        "agreement", "hazards", "sites", "destinations",
                                        "stops", "aircraft", "commercial", "inventories", "disruptions",
                                        "phases", "briefing", "acknowledge", NULL};
    L.file = name;
    L.text = text;
    L.len = len;
    dd__yunknown(&L, root, "", known);
    if (L.oom)
        return DD_ENOMEM;
    /* cross-checks run even after earlier errors, so one pass reports all;
     * each check skips records whose own fields failed */
    dd__validate(&L);
    dd__acks_unused(&L);
    if (L.oom)
        return DD_ENOMEM;
    o->s.files[0] = base_dir ? name : NULL;
    o->s.files[1] = L.tasks_src.file;
    o->s.files[2] = L.cargo_src.file;
    o->s.files[3] = L.people_src.file;
    o->s.classes = L.class_names;
    o->s.n_classes = L.n_class_names;
    o->s.hazard.classes = L.hazard_names;
    o->s.hazard.n_classes = L.n_hazards;
    o->s.hazard.no_passengers = L.hazard_no_pax;
    o->s.hazard.apart = L.hazard_apart;
    dd__xlsx_diags_sort(diags); /* a sheet's cells row by row */
    if (diags->oom)
        return DD_ENOMEM;
    return diags->n_errors > errors_before ? DD_EINPUT : DD_OK;
}

static owned_scenario *new_owned(void)
{
    owned_scenario *o = calloc(1, sizeof *o);
    if (o)
        dd__arena_init(&o->arena, 1 << 20);
    return o;
}

void dd_scenario_free(dd_scenario *s)
{
    if (!s)
        return;
    owned_scenario *o = (owned_scenario *)s;
    dd__arena_fini(&o->arena);
    free(o);
}

dd_status dd_scenario_load_string(const char *name, const char *text, size_t len,
                                  const char *base_dir, dd_diags *diags, dd_scenario **out)
{
    *out = NULL;
    owned_scenario *o = new_owned();
    if (!o)
        return DD_ENOMEM;
    char *n = dd__arena_strdup(&o->arena, name);
    char *t = dd__arena_strndup(&o->arena, text, len);
    char *d = base_dir ? dd__arena_strdup(&o->arena, base_dir) : NULL;
    if (!n || !t || (base_dir && !d)) {
        dd_scenario_free(&o->s);
        return DD_ENOMEM;
    }
    dd_status st = load_text(o, n, t, len, d, diags);
    if (st != DD_OK) {
        dd_scenario_free(&o->s);
        return st;
    }
    *out = &o->s;
    return DD_OK;
}

dd_status dd_scenario_load(const char *path, dd_diags *diags, dd_scenario **out)
{
    *out = NULL;
    owned_scenario *o = new_owned();
    if (!o)
        return DD_ENOMEM;
    char *text;
    size_t len;
    char *name = dd__arena_strdup(&o->arena, path);
    const char *why = NULL;
    dd_status st = name ? dd__read_file(&o->arena, path, &text, &len, &why) : DD_ENOMEM;
    if (st == DD_EIO)
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "cannot read the scenario file (%s)", why);
    if (st == DD_OK) {
        char *dir = dir_of(&o->arena, path);
        st = dir ? load_text(o, name, text, len, dir, diags) : DD_ENOMEM;
    }
    if (st != DD_OK) {
        dd_scenario_free(&o->s);
        return st;
    }
    *out = &o->s;
    return DD_OK;
}

/* ---- utilities ---------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int32_t dd_scenario_day(const dd_scenario *s, dd_time t)
{
    /* local minutes since the local midnight before the epoch */
    int64_t epoch_local_min = floor_div(s->epoch_unix, 60) + s->agreement.tz_offset;
    int64_t day0 = floor_div(epoch_local_min, DD_MINUTES_PER_DAY);
    return (int32_t)(floor_div(epoch_local_min + t, DD_MINUTES_PER_DAY) - day0);
}

dd_time dd_scenario_day_start(const dd_scenario *s, int32_t day)
{
    int64_t epoch_local_min = floor_div(s->epoch_unix, 60) + s->agreement.tz_offset;
    int64_t day0 = floor_div(epoch_local_min, DD_MINUTES_PER_DAY);
    return (day0 + day) * DD_MINUTES_PER_DAY - epoch_local_min;
}

void dd_scenario_format_time(const dd_scenario *s, dd_time t, int32_t tz_offset, char *buf,
                             size_t size)
{
    if (t == DD_TIME_NONE) {
        snprintf(buf, size, "-");
        return;
    }
    int64_t m = floor_div(s->epoch_unix, 60) + t + tz_offset;
    int64_t days = floor_div(m, DD_MINUTES_PER_DAY);
    int64_t mod = m - days * DD_MINUTES_PER_DAY;
    int64_t y;
    unsigned mo, d;
    dd__civil_from_days(days, &y, &mo, &d);
    int hh = (int)(mod / 60), mi = (int)(mod % 60);
    if (tz_offset == 0) {
        snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02dZ", (long long)y, mo, d, hh, mi);
    } else {
        int32_t a = tz_offset < 0 ? -tz_offset : tz_offset;
        snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d%c%02d:%02d", (long long)y, mo, d, hh, mi,
                 tz_offset < 0 ? '-' : '+', (int)(a / 60), (int)(a % 60));
    }
}

void dd_scenario_format_end(const dd_scenario *s, dd_time t, int32_t tz_offset, char *buf,
                            size_t size)
{
    int64_t local = floor_div(s->epoch_unix, 60) + t + tz_offset;
    if (t == DD_TIME_NONE || local - floor_div(local, DD_MINUTES_PER_DAY) * DD_MINUTES_PER_DAY) {
        dd_scenario_format_time(s, t, tz_offset, buf, size);
        return;
    }
    /* the minute before, with its 23:59 read as 24:00 */
    dd_scenario_format_time(s, t - 1, tz_offset, buf, size);
    char *hm = strstr(buf, "T23:59");
    if (hm)
        memcpy(hm + 1, "24:00", 5);
}

double dd_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371008.8; /* mean Earth radius */
    const double rad = 3.14159265358979323846 / 180.0;
    double p1 = lat1 * rad, p2 = lat2 * rad;
    double dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
    double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    return 2 * r * asin(sqrt(h < 1 ? h : 1));
}

double dd_aircraft_acl(const dd_aircraft *a, double range_m)
{
    size_t n = a->n_range_payload;
    if (n == 0)
        return a->acl_kg;
    const dd_payload_point *p = a->range_payload;
    double v;
    if (range_m <= p[0].range_m)
        v = p[0].payload_kg;
    else if (range_m >= p[n - 1].range_m)
        v = p[n - 1].payload_kg;
    else {
        size_t i = 1;
        while (p[i].range_m < range_m)
            i++;
        double f = (range_m - p[i - 1].range_m) / (p[i].range_m - p[i - 1].range_m);
        v = p[i - 1].payload_kg + f * (p[i].payload_kg - p[i - 1].payload_kg);
    }
    return v < a->acl_kg ? v : a->acl_kg;
}

double dd_route_acl(const dd_scenario *s, int32_t a, int32_t site, int32_t hub,
                    int32_t *stop_out)
{
    const dd_aircraft *ac = &s->aircraft[a];
    const dd_site *x = &s->sites[site];
    const dd_hub *h = &s->hubs[hub];
    if (x->via >= 0 && s->n_stops > 0) {
        /* a leg to the via site, then out from there, through stops too */
        const dd_site *v = &s->sites[x->via];
        double leg = dd_aircraft_acl(ac, dd_distance_m(x->lat, x->lon, v->lat, v->lon));
        return fmin(leg, dd_route_acl(s, a, x->via, hub, stop_out));
    }
    double best = dd_aircraft_acl(ac, dd_distance_m(x->lat, x->lon, h->lat, h->lon));
    double best_d = INFINITY;
    *stop_out = -1;
    for (size_t k = 0; x->via < 0 && k < s->n_stops; k++) {
        const dd_stop *p = &s->stops[k];
        double d1 = dd_distance_m(x->lat, x->lon, p->lat, p->lon);
        double d2 = dd_distance_m(p->lat, p->lon, h->lat, h->lon);
        double v = fmin(dd_aircraft_acl(ac, d1), dd_aircraft_acl(ac, d2));
        if (v > best || (*stop_out >= 0 && v == best && d1 + d2 < best_d)) {
            best = v;
            best_d = d1 + d2;
            *stop_out = (int32_t)k;
        }
    }
    /* a chain of two stops, when it carries more than any one */
    bool chain = false;
    for (size_t k = 0; x->via < 0 && k < s->n_stops; k++) {
        const dd_stop *p = &s->stops[k];
        double d1 = dd_distance_m(x->lat, x->lon, p->lat, p->lon), v1 = dd_aircraft_acl(ac, d1);
        if (v1 < best)
            continue;
        for (size_t j = 0; j < s->n_stops; j++) {
            const dd_stop *q = &s->stops[j];
            if (j == k)
                continue;
            double d2 = dd_distance_m(p->lat, p->lon, q->lat, q->lon);
            double d3 = dd_distance_m(q->lat, q->lon, h->lat, h->lon);
            double v = fmin(v1, fmin(dd_aircraft_acl(ac, d2), dd_aircraft_acl(ac, d3)));
            if (v > best || (chain && v == best && d1 + d2 + d3 < best_d)) {
                best = v;
                best_d = d1 + d2 + d3;
                *stop_out = (int32_t)k;
                chain = true;
            }
        }
    }
    return best;
}

dd_time dd_stop_ground(const dd_stop *x, const dd_aircraft *a)
{
    return x->ground_time >= 0 ? x->ground_time : a->ground_time;
}

int32_t dd_aircraft_tails_at(const dd_aircraft *a, dd_time t)
{
    int32_t c = 0;
    for (size_t i = 0; i < a->n_tails; i++)
        if (a->tails[i].from <= t)
            c = a->tails[i].count;
    return c;
}

int32_t dd_aircraft_tails_max(const dd_aircraft *a)
{
    int32_t most = 0;
    for (size_t i = 0; i < a->n_tails; i++)
        if (a->tails[i].count > most)
            most = a->tails[i].count;
    return most;
}

int32_t dd_scenario_site_index(const dd_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->n_sites; i++)
        if (!strcmp(s->sites[i].id, id))
            return (int32_t)i;
    return -1;
}

int32_t dd_scenario_aircraft_index(const dd_scenario *s, const char *id)
{
    for (size_t i = 0; i < s->n_aircraft; i++)
        if (!strcmp(s->aircraft[i].id, id))
            return (int32_t)i;
    return -1;
}

int32_t dd_site_mog_total(const dd_site *x)
{
    if (x->mog_total >= 0)
        return x->mog_total;
    int32_t sum = 0;
    for (size_t k = 0; k < x->n_mog; k++)
        sum += x->mog[k].count;
    return sum;
}

int32_t dd_site_reserved_at(const dd_site *x, dd_time t)
{
    int32_t r = 0;
    for (size_t i = 0; i < x->n_reservations; i++)
        if (x->reservations[i].from <= t && t < x->reservations[i].to)
            r += x->reservations[i].slots;
    return r;
}

int64_t dd_scenario_hour(const dd_scenario *s, dd_time t)
{
    int64_t m = s->epoch_unix / 60 + s->agreement.tz_offset; /* local minute of the epoch */
    int64_t a = ((m % 60) + 60) % 60;                         /* minutes into its hour */
    int64_t x = t + a;
    return x >= 0 ? x / 60 : -((-x + 59) / 60);
}

int32_t dd_site_exit_per_hour(const dd_scenario *s, int32_t site)
{
    int32_t v = s->sites[site].exit_per_hour;
    return v >= 0 ? v : s->agreement.personnel.exit_per_hour;
}

int32_t dd_aircraft_crews_for(const dd_aircraft *a, dd_time duty)
{
    if (a->crews < 0 || duty <= a->crew_duty)
        return 1;
    return a->crew_duty_augmented > 0 && duty <= a->crew_duty_augmented && a->crews >= 2 ? 2 : 0;
}

const char *dd_cargo_kind_name(dd_cargo_kind k)
{
    static const char *const n[] = {"loose", "pallet", "rolling", "outsize", "drone",
                                    "container"};
    return (unsigned)k < DD_CARGO_KIND_COUNT ? n[k] : "?";
}

const char *dd_role_name(dd_role r)
{
    static const char *const n[] = {"security", "operations", "support", "augmentee",
                                    "evacuee"};
    return (unsigned)r < DD_ROLE_COUNT ? n[r] : "?";
}

int64_t dd_scenario_role_people(const dd_scenario *s, dd_role r)
{
    int64_t n = 0;
    for (size_t g = 0; g < s->n_people; g++)
        if (s->people[g].role == r)
            n += s->people[g].count;
    return n;
}

const char *dd_disposition_name(dd_disposition d)
{
    static const char *const n[] = {"ship", "handover", "destroy"};
    return (unsigned)d < DD_DISP_COUNT ? n[d] : "?";
}

bool dd_parse_utc_minute(const char *text, int64_t *unix_out)
{
    return dd__parse_utc_minute(text, unix_out);
}

const char *dd_scenario_parse_time(const dd_scenario *s, const char *text, dd_time *out)
{
    int64_t u;
    const char *err = dd__parse_time(text, s->agreement.tz_offset, false, &u, NULL);
    if (err)
        return err;
    int64_t d = u - s->epoch_unix;
    *out = d >= 0 ? d / 60 : -((-d + 59) / 60);
    return NULL;
}
