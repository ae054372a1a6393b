/* SPDX-License-Identifier: MIT */
/*
 * Named parameters and scenario variants (include/drawdown/override.h):
 * the names `drawdown sweep --vary` takes, their values parsed with the
 * scenario's own unit and time readers, and a variant that copies only
 * the arrays a parameter changes. The base stays immutable and may be
 * shared by threads that each build their own variants.
 */
#include <drawdown/override.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/loader.h"
#include "model/units.h"

enum {
    F_DEADLINE,
    F_CAP,
    F_LEAD,
    F_VALIDITY,
    F_EXIT,
    F_SITE_CAP,
    F_SITE_EXIT,
    F_SITE_MOG,
    F_SITE_CLOSE,
    F_AIR_TAILS,
    F_AIR_GROUND,
};

static const struct {
    const char *name; /* after "sites.ID." / "aircraft.ID." for those */
    int field;
    dd_param_type type;
} agreement_params[] = {
    {"deadline", F_DEADLINE, DD_PARAM_TIME},
    {"clearance.daily_cap", F_CAP, DD_PARAM_COUNT},
    {"clearance.lead_time", F_LEAD, DD_PARAM_DURATION},
    {"clearance.validity", F_VALIDITY, DD_PARAM_DURATION},
    {"personnel.exit_per_day", F_EXIT, DD_PARAM_COUNT},
}, site_params[] = {
    {"daily_cap", F_SITE_CAP, DD_PARAM_COUNT},
    {"exit_per_day", F_SITE_EXIT, DD_PARAM_COUNT},
    {"mog_total", F_SITE_MOG, DD_PARAM_COUNT},
    {"close_by", F_SITE_CLOSE, DD_PARAM_TIME},
}, air_params[] = {
    {"tails", F_AIR_TAILS, DD_PARAM_COUNT},
    {"ground_time", F_AIR_GROUND, DD_PARAM_DURATION},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
/* durations and steps: at most a hundred years (no overflow in minutes) */
#define MAX_MINUTES (100.0 * 366 * DD_MINUTES_PER_DAY)

static const char *const all_names[] = {
    "deadline", "clearance.daily_cap", "clearance.lead_time", "clearance.validity",
    "personnel.exit_per_day", "sites", "aircraft", NULL};

const char *dd_param_names(void)
{
    return "deadline, clearance.daily_cap, clearance.lead_time, clearance.validity, "
           "personnel.exit_per_day, sites.ID.daily_cap, sites.ID.exit_per_day, "
           "sites.ID.mog_total, sites.ID.close_by, aircraft.ID.tails, aircraft.ID.ground_time";
}

static void list_ids(char *buf, size_t size, size_t n, const char *(*id)(const dd_scenario *,
                                                                           size_t),
                     const dd_scenario *s)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && used + 1 < size; i++) {
        int k = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", id(s, i));
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static const char *site_id(const dd_scenario *s, size_t i)
{
    return s->sites[i].id;
}

static const char *air_id(const dd_scenario *s, size_t i)
{
    return s->aircraft[i].id;
}

dd_status dd_param_resolve(const dd_scenario *s, const char *name, size_t len, dd_param *out,
                           char *why, size_t why_size, size_t *why_at)
{
    memset(out, 0, sizeof *out);
    *why_at = 0;
    char nm[96];
    if (len == 0 || len >= sizeof nm) {
        snprintf(why, why_size, len ? "parameter name too long" : "a parameter name is missing "
                                                                  "before '='");
        return DD_EINPUT;
    }
    memcpy(nm, name, len);
    nm[len] = 0;
    memcpy(out->name, nm, len + 1);
    out->index = -1;
    for (size_t i = 0; i < N_OF(agreement_params); i++)
        if (!strcmp(nm, agreement_params[i].name)) {
            out->field = agreement_params[i].field;
            out->type = agreement_params[i].type;
            return DD_OK;
        }
    bool site = !strncmp(nm, "sites.", 6), air = !strncmp(nm, "aircraft.", 9);
    if (!site && !air) {
        const char *sug = dd__suggest(nm, all_names);
        if (sug && (!strcmp(sug, "sites") || !strcmp(sug, "aircraft")))
            sug = NULL;
        if (sug)
            snprintf(why, why_size, "unknown parameter '%s' (did you mean '%s'?)", nm, sug);
        else
            snprintf(why, why_size, "unknown parameter '%s' (names: %s)", nm, dd_param_names());
        return DD_EINPUT;
    }
    size_t skip = site ? 6 : 9;
    char *dot = strrchr(nm + skip, '.');
    if (!dot || dot == nm + skip) {
        *why_at = skip;
        snprintf(why, why_size, "expected %s.ID.FIELD, got '%s'", site ? "sites" : "aircraft",
                 nm);
        return DD_EINPUT;
    }
    *dot = 0;
    const char *id = nm + skip, *field = dot + 1;
    size_t n = site ? s->n_sites : s->n_aircraft;
    int32_t idx = -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(site ? s->sites[i].id : s->aircraft[i].id, id))
            idx = (int32_t)i;
    if (idx < 0) {
        char ids[256];
        list_ids(ids, sizeof ids, n, site ? site_id : air_id, s);
        *why_at = skip;
        snprintf(why, why_size, "unknown %s '%s' (%s: %s)", site ? "site" : "aircraft type", id,
                 site ? "sites" : "types", ids);
        return DD_EINPUT;
    }
    size_t np = site ? N_OF(site_params) : N_OF(air_params);
    for (size_t i = 0; i < np; i++) {
        const char *pn = site ? site_params[i].name : air_params[i].name;
        if (!strcmp(field, pn)) {
            out->field = site ? site_params[i].field : air_params[i].field;
            out->type = site ? site_params[i].type : air_params[i].type;
            out->index = idx;
            return DD_OK;
        }
    }
    *why_at = (size_t)(field - nm);
    snprintf(why, why_size, "unknown field '%s' of %s (fields: %s)", field,
             site ? "a site" : "an aircraft type",
             site ? "daily_cap, exit_per_day, mog_total, close_by" : "tails, ground_time");
    return DD_EINPUT;
}

/* text[0..len) as a string in buf[size]; when it is empty or does not
 * fit, false with `missing` or `too_long` in why. */
static bool word(const char *text, size_t len, char *buf, size_t size, const char *missing,
                 const char *too_long, char *why, size_t why_size)
{
    if (len == 0 || len >= size) {
        snprintf(why, why_size, "%s", len ? too_long : missing);
        return false;
    }
    memcpy(buf, text, len);
    buf[len] = 0;
    return true;
}

dd_status dd_param_parse(const dd_scenario *s, const dd_param *p, const char *text, size_t len,
                         int64_t *out, char *why, size_t why_size)
{
    char buf[80];
    if (!word(text, len, buf, sizeof buf, "a value is missing", "value too long", why, why_size))
        return DD_EINPUT;
    const char *err;
    if (p->type == DD_PARAM_COUNT) {
        int64_t v;
        err = dd__parse_int(buf, &v);
        int64_t min = p->field == F_AIR_TAILS ? 0 : 1;
        if (err || v < min || v > 1000000) {
            snprintf(why, why_size, "expected a whole number%s, got '%s'",
                     min ? " of at least 1" : " of at least 0", buf);
            return DD_EINPUT;
        }
        *out = v;
        return DD_OK;
    }
    if (p->type == DD_PARAM_DURATION) {
        double v;
        err = dd__parse_qty(buf, DD_Q_DURATION, NULL, &v);
        if (err || !(v > 0 && v <= MAX_MINUTES)) {
            snprintf(why, why_size, "expected a positive duration in %s, got '%s'",
                     dd__qty_units(DD_Q_DURATION), buf);
            return DD_EINPUT;
        }
        *out = (int64_t)(v + 0.5);
        return DD_OK;
    }
    int64_t u;
    /* a site's closing date is in the site's time zone, as in the scenario */
    int32_t tz = p->field == F_SITE_CLOSE ? s->sites[p->index].tz_offset : s->agreement.tz_offset;
    err = dd__parse_time(buf, tz, true, &u, NULL);
    if (err) {
        snprintf(why, why_size, "expected a date or time (ISO 8601, e.g. 2024-09-15), got '%s'",
                 buf);
        return DD_EINPUT;
    }
    int64_t d = u - s->epoch_unix;
    *out = d >= 0 ? d / 60 : -((-d + 59) / 60);
    if (*out <= 0) {
        snprintf(why, why_size, "'%s' is not after the scenario's epoch", buf);
        return DD_EINPUT;
    }
    return DD_OK;
}

dd_status dd_param_parse_step(const dd_param *p, const char *text, size_t len, int64_t *out,
                              char *why, size_t why_size)
{
    char buf[80];
    if (!word(text, len, buf, sizeof buf, "a step is missing after ':'", "step too long", why,
              why_size))
        return DD_EINPUT;
    if (p->type == DD_PARAM_COUNT) {
        int64_t v;
        if (dd__parse_int(buf, &v) || v < 1) {
            snprintf(why, why_size, "expected a step of at least 1, got '%s'", buf);
            return DD_EINPUT;
        }
        *out = v;
        return DD_OK;
    }
    double v;
    if (dd__parse_qty(buf, DD_Q_DURATION, NULL, &v) || !(v >= 1 && v <= MAX_MINUTES)) {
        snprintf(why, why_size, "expected a positive duration step (e.g. 7d, 12h), got '%s'",
                 buf);
        return DD_EINPUT;
    }
    *out = (int64_t)(v + 0.5);
    return DD_OK;
}

int64_t dd_param_get(const dd_scenario *s, const dd_param *p)
{
    const dd_agreement *a = &s->agreement;
    switch (p->field) {
    case F_DEADLINE: return a->deadline;
    case F_CAP: return a->clearance.daily_cap;
    case F_LEAD: return a->clearance.lead_time;
    case F_VALIDITY: return a->clearance.validity;
    case F_EXIT: return a->personnel.exit_per_day;
    case F_SITE_CAP: return s->sites[p->index].daily_cap;
    case F_SITE_EXIT: return s->sites[p->index].exit_per_day;
    case F_SITE_MOG: return s->sites[p->index].mog_total;
    case F_SITE_CLOSE: return s->sites[p->index].close_by;
    case F_AIR_TAILS: return dd_aircraft_tails_max(&s->aircraft[p->index]);
    default: return s->aircraft[p->index].ground_time;
    }
}

void dd_param_format(const dd_scenario *s, const dd_param *p, int64_t v, char *buf, size_t size)
{
    if (p->type == DD_PARAM_COUNT)
        snprintf(buf, size, "%lld", (long long)v);
    else if (p->type == DD_PARAM_DURATION) {
        if (v % DD_MINUTES_PER_DAY == 0)
            snprintf(buf, size, "%lldd", (long long)(v / DD_MINUTES_PER_DAY));
        else if (v % 60 == 0)
            snprintf(buf, size, "%lldh", (long long)(v / 60));
        else
            snprintf(buf, size, "%lldm", (long long)v);
    } else {
        char t[40];
        dd_scenario_format_time(s, v, 0, t, sizeof t);
        snprintf(buf, size, "%s", t);
    }
}

/* ---- ranges: NAME=A..B[:STEP] ------------------------------------------- */

static void axis_err(dd_diags *d, const char *where, uint32_t number, const char *arg,
                     size_t at, const char *msg)
{
    dd_diags_add(d, DD_SEV_ERROR, where, number, (uint32_t)at + 1, "", arg, "%s", msg);
}

dd_status dd_param_range_parse(const dd_scenario *s, const char *arg, const char *where,
                               uint32_t number, dd_diags *diags, dd_param *param,
                               int64_t **values_out, size_t *n_out)
{
    *values_out = NULL;
    *n_out = 0;
    char why[512];
    const char *eq = strchr(arg, '=');
    if (!eq) {
        axis_err(diags, where, number, arg, strlen(arg),
                 "expected NAME=A..B[:STEP] (e.g. clearance.daily_cap=1..4)");
        return DD_EINPUT;
    }
    size_t at = 0;
    if (dd_param_resolve(s, arg, (size_t)(eq - arg), param, why, sizeof why, &at) !=
        DD_OK) {
        axis_err(diags, where, number, arg, at, why);
        return DD_EINPUT;
    }
    const char *a = eq + 1, *dots = strstr(a, ".."), *colon = NULL;
    const char *a_end = dots ? dots : a + strlen(a);
    const char *b = dots ? dots + 2 : NULL, *b_end = NULL;
    if (b) {
        colon = strrchr(b, ':');
        /* a time's own colons (T12:00Z) are not a step: the text after
         * the last colon is the step only when it reads as one */
        if (colon && param->type == DD_PARAM_TIME) {
            size_t sl = strlen(colon + 1);
            char last = sl ? colon[sl] : 0;
            bool unit = (last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Y');
            if (!unit || strchr(colon + 1, 'T'))
                colon = NULL;
        }
        b_end = colon ? colon : b + strlen(b);
    }
    int64_t lo, hi, step = param->type == DD_PARAM_COUNT ? 1 : DD_MINUTES_PER_DAY;
    if (dd_param_parse(s, param, a, (size_t)(a_end - a), &lo, why, sizeof why) != DD_OK) {
        axis_err(diags, where, number, arg, (size_t)(a - arg), why);
        return DD_EINPUT;
    }
    hi = lo;
    if (b && dd_param_parse(s, param, b, (size_t)(b_end - b), &hi, why, sizeof why) !=
                 DD_OK) {
        axis_err(diags, where, number, arg, (size_t)(b - arg), why);
        return DD_EINPUT;
    }
    if (colon && dd_param_parse_step(param, colon + 1, strlen(colon + 1), &step, why,
                                     sizeof why) != DD_OK) {
        axis_err(diags, where, number, arg, (size_t)(colon + 1 - arg), why);
        return DD_EINPUT;
    }
    if (hi < lo) {
        axis_err(diags, where, number, arg, (size_t)(b - arg),
                 "the range ends before it starts (write A..B with A <= B)");
        return DD_EINPUT;
    }
    uint64_t n = (uint64_t)(hi - lo) / (uint64_t)step + 1;
    if (n > DD_PARAM_MAX_VALUES) {
        snprintf(why, sizeof why, "%llu values: at most %d per parameter (use a larger step)",
                 (unsigned long long)n, DD_PARAM_MAX_VALUES);
        axis_err(diags, where, number, arg, (size_t)(a - arg), why);
        return DD_EINPUT;
    }
    int64_t *values = malloc(n * sizeof *values);
    if (!values)
        return DD_ENOMEM;
    for (uint64_t i = 0; i < n; i++)
        values[i] = lo + (int64_t)i * step;
    *values_out = values;
    *n_out = (size_t)n;
    return DD_OK;
}

/* The variant: the scenario struct first, then what it owns. */
typedef struct variant {
    dd_scenario s;
    dd_site *sites;
    dd_aircraft *aircraft;
    dd_tails_step *tails; /* one step per type whose tails are set */
} variant;

dd_status dd_scenario_variant(const dd_scenario *base, const dd_param *param,
                              const int64_t *value, size_t n, dd_scenario **out)
{
    *out = NULL;
    variant *v = calloc(1, sizeof *v);
    if (!v)
        return DD_ENOMEM;
    v->s = *base;
    v->sites = malloc((base->n_sites + 1) * sizeof *v->sites);
    v->aircraft = malloc((base->n_aircraft + 1) * sizeof *v->aircraft);
    v->tails = calloc(base->n_aircraft + 1, sizeof *v->tails);
    if (!v->sites || !v->aircraft || !v->tails) {
        dd_scenario_variant_free(&v->s);
        return DD_ENOMEM;
    }
    if (base->n_sites)
        memcpy(v->sites, base->sites, base->n_sites * sizeof *v->sites);
    if (base->n_aircraft)
        memcpy(v->aircraft, base->aircraft, base->n_aircraft * sizeof *v->aircraft);
    v->s.sites = v->sites;
    v->s.aircraft = v->aircraft;
    dd_agreement *a = &v->s.agreement;
    for (size_t i = 0; i < n; i++) {
        int64_t x = value[i];
        int32_t k = param[i].index;
        switch (param[i].field) {
        case F_DEADLINE: a->deadline = x; break;
        case F_CAP: a->clearance.daily_cap = (int32_t)x; break;
        case F_LEAD: a->clearance.lead_time = x; break;
        case F_VALIDITY: a->clearance.validity = x; break;
        case F_EXIT: a->personnel.exit_per_day = (int32_t)x; break;
        case F_SITE_CAP: v->sites[k].daily_cap = (int32_t)x; break;
        case F_SITE_EXIT: v->sites[k].exit_per_day = (int32_t)x; break;
        case F_SITE_MOG: v->sites[k].mog_total = (int32_t)x; break;
        case F_SITE_CLOSE: v->sites[k].close_by = x; break;
        case F_AIR_TAILS: {
            dd_aircraft *ac = &v->aircraft[k];
            v->tails[k].from = ac->n_tails ? ac->tails[0].from : 0;
            v->tails[k].count = (int32_t)x;
            ac->tails = &v->tails[k];
            ac->n_tails = 1;
            break;
        }
        default: v->aircraft[k].ground_time = x; break;
        }
    }
    *out = &v->s;
    return DD_OK;
}

void dd_scenario_variant_free(dd_scenario *s)
{
    if (!s)
        return;
    variant *v = (variant *)s;
    free(v->sites);
    free(v->aircraft);
    free(v->tails);
    free(v);
}
