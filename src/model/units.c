/* SPDX-License-Identifier: MIT */
/*
 * Units and times (see units.h). Conversion factors are exact where the
 * unit is defined exactly (1 lb = 0.45359237 kg, 1 in = 0.0254 m,
 * 1 nm = 1852 m, 1 short ton = 2,000 lb).
 */
#include "model/units.h"

#include "base/json.h"

#include <drawdown/scenario.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Case-insensitive compare of ASCII letters, independent of the locale. */
static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ca = tolower((unsigned char)a[i]);
        int cb = tolower((unsigned char)b[i]);
        if (ca != cb || !ca)
            return ca - cb;
    }
    return 0;
}

typedef struct unit_def {
    const char *name;
    double factor;
} unit_def;

static const unit_def weight_units[] = {
    {"kg", 1.0}, {"kgs", 1.0}, {"kilogram", 1.0}, {"kilograms", 1.0},
    {"lb", 0.45359237}, {"lbs", 0.45359237}, {"pound", 0.45359237}, {"pounds", 0.45359237},
    {"t", 1000.0}, {"tonne", 1000.0}, {"tonnes", 1000.0}, {"mt", 1000.0},
    {"short ton", 907.18474}, {"short tons", 907.18474}, {"ston", 907.18474},
    {"stons", 907.18474}, {"tn", 907.18474}, {NULL, 0}};
static const unit_def length_units[] = {
    {"m", 1.0}, {"cm", 0.01}, {"mm", 0.001}, {"in", 0.0254}, {"inch", 0.0254},
    {"inches", 0.0254}, {"ft", 0.3048}, {"feet", 0.3048}, {"foot", 0.3048}, {NULL, 0}};
static const unit_def distance_units[] = {
    {"m", 1.0}, {"km", 1000.0}, {"nm", 1852.0}, {"nmi", 1852.0}, {"mi", 1609.344},
    {NULL, 0}};
static const unit_def speed_units[] = {
    {"kt", 1852.0 / 3600.0}, {"kts", 1852.0 / 3600.0}, {"kn", 1852.0 / 3600.0},
    {"knots", 1852.0 / 3600.0}, {"km/h", 1000.0 / 3600.0}, {"kph", 1000.0 / 3600.0},
    {"mph", 1609.344 / 3600.0}, {"m/s", 1.0}, {NULL, 0}};
static const unit_def duration_units[] = {
    {"min", 1.0}, {"mins", 1.0}, {"minute", 1.0}, {"minutes", 1.0}, {"m", 1.0},
    {"h", 60.0}, {"hr", 60.0}, {"hrs", 60.0}, {"hour", 60.0}, {"hours", 60.0},
    {"d", 1440.0}, {"day", 1440.0}, {"days", 1440.0}, {"w", 10080.0}, {"week", 10080.0},
    {"weeks", 10080.0}, {NULL, 0}};

static const unit_def *units_of(dd_qty q)
{
    switch (q) {
    case DD_Q_WEIGHT: return weight_units;
    case DD_Q_LENGTH: return length_units;
    case DD_Q_DISTANCE: return distance_units;
    case DD_Q_SPEED: return speed_units;
    case DD_Q_DURATION: return duration_units;
    default: return weight_units;
    }
}

const char *dd__qty_units(dd_qty q)
{
    switch (q) {
    case DD_Q_WEIGHT: return "kg, lb, t (tonne), short ton";
    case DD_Q_LENGTH: return "m, cm, mm, in, ft";
    case DD_Q_DISTANCE: return "km, nm, mi, m";
    case DD_Q_SPEED: return "kt, km/h, mph, m/s";
    case DD_Q_DURATION: return "min, h, d, w (e.g. 3h15m)";
    default: return "";
    }
}

static const unit_def *find_unit(dd_qty q, const char *u, size_t n)
{
    for (const unit_def *d = units_of(q); d->name; d++)
        if (strlen(d->name) == n && strncasecmp_ascii(d->name, u, n) == 0)
            return d;
    return NULL;
}

bool dd__unit_known(dd_qty q, const char *unit)
{
    return find_unit(q, unit, strlen(unit)) != NULL;
}

/* Read a decimal number at *p (sign, digits with optional thousands commas,
 * fraction, exponent); advance *p. */
static bool read_number(const char **p, double *out)
{
    const char *s = *p;
    char buf[64];
    size_t n = 0;
    if (*s == '+' || *s == '-')
        buf[n++] = *s++;
    bool digits = false;
    while (isdigit((unsigned char)*s) ||
           (*s == ',' && digits && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
            isdigit((unsigned char)s[3]) && !isdigit((unsigned char)s[4]))) {
        if (*s != ',') {
            if (n + 1 >= sizeof buf)
                return false;
            buf[n++] = *s;
        }
        digits = true;
        s++;
    }
    if (*s == '.') {
        if (n + 1 >= sizeof buf)
            return false;
        buf[n++] = *s++;
        while (isdigit((unsigned char)*s)) {
            if (n + 1 >= sizeof buf)
                return false;
            buf[n++] = *s++;
            digits = true;
        }
    }
    if (!digits)
        return false;
    if ((*s == 'e' || *s == 'E') &&
        (isdigit((unsigned char)s[1]) ||
         ((s[1] == '-' || s[1] == '+') && isdigit((unsigned char)s[2])))) {
        if (n + 2 >= sizeof buf)
            return false;
        buf[n++] = *s++;
        if (*s == '-' || *s == '+')
            buf[n++] = *s++;
        while (isdigit((unsigned char)*s)) {
            if (n + 1 >= sizeof buf)
                return false;
            buf[n++] = *s++;
        }
    }
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    *p = s;
    return true;
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* A number alone in s, or, with `percent`, one that a '%' may follow (a
 * hundredth then). */
static const char *number(const char *s, bool percent, double *out)
{
    const char *bad = percent ? "expected a number or a percentage" : "expected a number";
    const char *p = skip_ws(s);
    if (!*p)
        return "expected a number, got nothing";
    if (!read_number(&p, out))
        return bad;
    p = skip_ws(p);
    if (percent && *p == '%') {
        *out /= 100;
        p = skip_ws(p + 1);
    }
    return *p ? bad : NULL;
}

const char *dd__parse_number(const char *s, double *out)
{
    return number(s, false, out);
}

const char *dd__parse_fraction(const char *s, double *out)
{
    return number(s, true, out);
}

const char *dd__parse_int(const char *s, int64_t *out)
{
    double v;
    const char *err = dd__parse_number(s, &v);
    if (err)
        return "expected a whole number";
    if (v != floor(v) || fabs(v) > 9.0e15)
        return "expected a whole number";
    *out = (int64_t)v;
    return NULL;
}

const char *dd__parse_qty(const char *s, dd_qty q, const char *default_unit, double *out)
{
    const char *p = skip_ws(s);
    if (!*p)
        return "expected a quantity, got nothing";
    double total = 0;
    int parts = 0;
    /* durations may chain parts: 3h15m, "1 d 6 h" */
    for (;;) {
        double v;
        if (!read_number(&p, &v))
            return parts ? "unexpected text after the quantity" : "expected a number with a unit";
        p = skip_ws(p);
        const char *u = p;
        while (*p && !isdigit((unsigned char)*p) && *p != '+' && *p != '-' && *p != ' ' &&
               *p != '\t')
            p++;
        size_t ul = (size_t)(p - u);
        /* two-word units: "short ton(s)" */
        if (ul == 5 && strncasecmp_ascii(u, "short", 5) == 0 && *p == ' ') {
            const char *q2 = skip_ws(p);
            const char *e2 = q2;
            while (*e2 && *e2 != ' ' && *e2 != '\t')
                e2++;
            if ((e2 - q2 == 3 && strncasecmp_ascii(q2, "ton", 3) == 0) ||
                (e2 - q2 == 4 && strncasecmp_ascii(q2, "tons", 4) == 0)) {
                v *= 907.18474;
                p = e2;
                total += v;
                parts++;
                p = skip_ws(p);
                if (!*p)
                    break;
                continue;
            }
        }
        const unit_def *d;
        if (ul == 0) {
            if (parts)
                return "missing unit";
            if (!default_unit)
                return "missing unit";
            d = find_unit(q, default_unit, strlen(default_unit));
            if (!d)
                return "missing unit";
        } else {
            d = find_unit(q, u, ul);
            if (!d)
                return "unknown unit";
        }
        total += v * d->factor;
        parts++;
        p = skip_ws(p);
        if (!*p)
            break;
        if (q != DD_Q_DURATION)
            return "unexpected text after the quantity";
    }
    if (!isfinite(total))
        return "number out of range";
    *out = total;
    return NULL;
}

/* ---- output ---- */

#define LB_KG 0.45359237

double dd__out_mass(bool us, double kg) { return us ? kg / LB_KG : kg; }
const char *dd__out_mass_unit(bool us) { return us ? "lb" : "kg"; }
double dd__out_bulk(bool us, double kg) { return us ? kg / LB_KG : kg / 1000; }
const char *dd__out_bulk_unit(bool us) { return us ? "lb" : "t"; }
double dd__out_len(bool us, double m) { return us ? m / 0.0254 : m; }
const char *dd__out_len_unit(bool us) { return us ? "in" : "m"; }
double dd__out_floor(bool us, double m) { return us ? m / 0.3048 : m; }
const char *dd__out_floor_unit(bool us) { return us ? "ft" : "m"; }
double dd__out_nm(double m) { return m / 1852.0; }

void dd__out_number(double v, int decimals, char *buf, size_t size)
{
    char d[64];
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    int n = snprintf(d, sizeof d, "%.*f", decimals, fabs(v));
    if (n < 0 || (size_t)n >= sizeof d || size == 0) {
        snprintf(buf, size, "%g", v);
        return;
    }
    /* -0 prints as 0 */
    bool neg = v < 0 && strspn(d, "0.") != (size_t)n;
    size_t whole = strcspn(d, ".");
    size_t o = 0;
    if (neg && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < (size_t)n && o + 1 < size; i++) {
        if (i && i < whole && (whole - i) % 3 == 0) {
            buf[o++] = ',';
            if (o + 1 >= size)
                break;
        }
        buf[o++] = d[i];
    }
    buf[o] = '\0';
}

void dd__out_dtg(int64_t t, char *buf, size_t size)
{
    static const char *const mon[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                      "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    int64_t day = t >= 0 ? t / 1440 : -((-t + 1439) / 1440);
    int64_t mod = t - day * 1440;
    int64_t y;
    unsigned m, d;
    dd__civil_from_days(day, &y, &m, &d);
    snprintf(buf, size, "%02u%02d%02dZ%s%02d", d, (int)(mod / 60), (int)(mod % 60),
             mon[(m - 1) % 12], (int)(((y % 100) + 100) % 100));
}

const char *dd__plural(int64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* ---- the scenario's display (public, scenario.h) ---- */

int dd_units_from_name(const char *name)
{
    if (name && !strcmp(name, "metric"))
        return DD_UNITS_METRIC;
    if (name && !strcmp(name, "us"))
        return DD_UNITS_US;
    return -1;
}

void dd_scenario_set_units(dd_scenario *s, dd_units u)
{
    if (u == DD_UNITS_METRIC) {
        s->display_weight = DD_UNIT_KG;
        s->display_length = DD_UNIT_M;
    } else if (u == DD_UNITS_US) {
        s->display_weight = DD_UNIT_LB;
        s->display_length = DD_UNIT_IN;
    }
}

bool dd_scenario_us(const dd_scenario *s)
{
    /* the weight decides: lengths follow it in every output */
    return s->display_weight == DD_UNIT_LB || s->display_weight == DD_UNIT_STON;
}

void dd_aircraft_tail_name(const dd_aircraft *a, int32_t tail, char *buf, size_t size)
{
    if (tail >= 1 && (size_t)tail <= a->n_tail_numbers)
        snprintf(buf, size, "%s", a->tail_numbers[tail - 1]);
    else
        snprintf(buf, size, "%s-%d", a->id, (int)tail);
}

/* ---- positions --------------------------------------------------------- */

/* A separator inside a coordinate: blanks, degree, minute and second
 * marks in ASCII and in the Unicode forms a publication pastes; its
 * length in bytes, or 0. */
static size_t coord_mark(const char *p)
{
    static const char *const marks[] = {
        "\xC2\xB0",     /* degree sign */
        "\xC2\xBA",     /* masculine ordinal, often typed for a degree */
        "\xCB\x9A",     /* ring above */
        "\xE2\x80\xB2", /* prime */
        "\xE2\x80\xB3", /* double prime */
        "\xE2\x80\x99", /* right single quote */
        "\xE2\x80\x9D", /* right double quote */
        NULL};
    if (*p == ' ' || *p == '\t' || *p == '\'' || *p == '"' || *p == ':')
        return 1;
    for (const char *const *m = marks; *m; m++) {
        size_t n = strlen(*m);
        if (strncmp(p, *m, n) == 0)
            return n;
    }
    return 0;
}

/* One coordinate without its hemisphere letter, in [a, b): decimal
 * degrees (13.4819), degrees and minutes (13°28.9'), degrees, minutes and
 * seconds (13°28'55", 13 28 55, 13-28-55.3) or the compact forms of
 * aeronautical publications (132855, 0021059.5, 1328, 00210). */
static bool parse_coord(const char *a, const char *b, bool allow_sign, double *out)
{
    while (a < b && (*a == ' ' || *a == '\t'))
        a++;
    bool neg = false;
    if (a < b && (*a == '-' || *a == '+') && allow_sign) {
        neg = *a == '-';
        a++;
    }
    double part[3];
    size_t n = 0, int_digits = 0;
    bool fraction = false;
    const char *p = a;
    while (p < b) {
        size_t m = coord_mark(p);
        if (m || (*p == '-' && n > 0)) {
            p += m ? m : 1;
            continue;
        }
        if (!isdigit((unsigned char)*p) || n == 3 || fraction)
            return false;
        char buf[32];
        size_t k = 0, digits = 0;
        while (p < b && (isdigit((unsigned char)*p) || *p == '.') && k + 1 < sizeof buf) {
            if (*p == '.') {
                if (fraction)
                    return false;
                fraction = true;
            } else if (!fraction) {
                digits++;
            }
            buf[k++] = *p++;
        }
        if (p < b && (isdigit((unsigned char)*p) || *p == '.'))
            return false;
        buf[k] = '\0';
        char *end;
        part[n] = strtod(buf, &end);
        if (*end)
            return false;
        if (n == 0)
            int_digits = digits;
        n++;
    }
    if (n == 0)
        return false;
    double deg = part[0], min = n > 1 ? part[1] : 0, sec = n > 2 ? part[2] : 0;
    if (n == 1 && int_digits >= 4) {
        /* compact: DDMM(SS) or DDDMM(SS), the degrees' digits first */
        size_t dd = int_digits >= 6 ? int_digits - 4 : int_digits - 2;
        if (dd < 2 || dd > 3)
            return false;
        double scale_m = int_digits >= 6 ? 1e4 : 1e2;
        double whole = floor(part[0] / scale_m);
        double rest = part[0] - whole * scale_m;
        deg = whole;
        if (int_digits >= 6) {
            min = floor(rest / 100);
            sec = rest - min * 100;
        } else {
            min = rest;
        }
    }
    if (min >= 60 || sec >= 60 || (n > 1 && deg != floor(deg)) || (n > 2 && min != floor(min)))
        return false;
    *out = (neg ? -1 : 1) * (deg + min / 60 + sec / 3600);
    return true;
}

static bool hemisphere(char c) { return strchr("NSEWnsew", c) != NULL && c != '\0'; }

const char *dd__parse_position(const char *s, double *lat, double *lon)
{
    static const char *const bad =
        "expected a position such as '13.4819, 2.1831' (degrees north and east), "
        "13\xC2\xB0" "28'55\"N 002\xC2\xB0" "10'59\"E or 132855N 0021059E";
    size_t len = strlen(s);
    const char *end = s + len;
    const char *letters[3];
    size_t nl = 0;
    for (const char *p = s; *p; p++)
        if (hemisphere(*p)) {
            if (nl == 2)
                return bad;
            letters[nl++] = p;
        }
    double v[2];
    char h[2] = {0, 0};
    if (nl == 0) {
        /* "lat, lon" or "lat lon" in signed degrees */
        const char *cut = strchr(s, ',');
        if (!cut || strchr(cut + 1, ',')) {
            /* no comma: the blank between two numbers, when there is one */
            const char *a = s;
            while (*a == ' ' || *a == '\t')
                a++;
            cut = a + strcspn(a, " \t");
            if (!*cut)
                return bad;
        }
        if (!parse_coord(s, cut, true, &v[0]) || !parse_coord(cut + 1, end, true, &v[1]))
            return bad;
        h[0] = 'N';
        h[1] = 'E';
    } else if (nl == 2) {
        const char *a = s;
        while (*a == ' ' || *a == '\t')
            a++;
        const char *p0, *p1, *q0, *q1;
        if (a == letters[0]) { /* N13°28'55" E002°10'59" */
            p0 = letters[0] + 1, p1 = letters[1];
            q0 = letters[1] + 1, q1 = end;
        } else { /* 13°28'55"N 002°10'59"E */
            p0 = s, p1 = letters[0];
            q0 = letters[0] + 1, q1 = letters[1];
            for (const char *t = letters[1] + 1; t < end; t++)
                if (*t != ' ' && *t != '\t')
                    return bad;
        }
        /* a comma or a slash may separate the two */
        while (p1 > p0 && (p1[-1] == ',' || p1[-1] == '/' || p1[-1] == ' '))
            p1--;
        while (q0 < q1 && (*q0 == ',' || *q0 == '/' || *q0 == ' '))
            q0++;
        while (q1 > q0 && (q1[-1] == ',' || q1[-1] == '/' || q1[-1] == ' '))
            q1--;
        if (!parse_coord(p0, p1, false, &v[0]) || !parse_coord(q0, q1, false, &v[1]))
            return bad;
        h[0] = (char)toupper((unsigned char)*letters[0]);
        h[1] = (char)toupper((unsigned char)*letters[1]);
    } else {
        return bad;
    }
    bool lat_first = h[0] == 'N' || h[0] == 'S';
    char hl = lat_first ? h[0] : h[1], ho = lat_first ? h[1] : h[0];
    if (!(hl == 'N' || hl == 'S') || !(ho == 'E' || ho == 'W'))
        return "a position needs one latitude (N or S) and one longitude (E or W)";
    double la = lat_first ? v[0] : v[1], lo = lat_first ? v[1] : v[0];
    if (hl == 'S')
        la = -la;
    if (ho == 'W')
        lo = -lo;
    if (fabs(la) > 90)
        return "latitude beyond 90 degrees";
    if (fabs(lo) > 180)
        return "longitude beyond 180 degrees";
    *lat = la;
    *lon = lo;
    return NULL;
}

void dd__jw_time(dd_jw *w, const dd_scenario *s, const char *key, dd_time t)
{
    char buf[40];
    if (t != DD_TIME_NONE)
        dd_scenario_format_time(s, t, 0, buf, sizeof buf);
    dd__jw_kstr(w, key, t != DD_TIME_NONE ? buf : NULL);
}
