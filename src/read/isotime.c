/* SPDX-License-Identifier: MIT */
/* ISO 8601 times, UTC offsets and opening hours as text (civil.h). */
#include "read/civil.h"

#include <ctype.h>
#include <string.h>

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Does s start with the ASCII letters of up (upper case), in any case? */
static bool prefix_ci(const char *s, const char *up)
{
    for (; *up; s++, up++)
        if (toupper((unsigned char)*s) != *up)
            return false;
    return true;
}

static bool read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static const char *read_offset(const char **pp, int32_t *out)
{
    const char *p = *pp;
    if (*p == 'Z' || *p == 'z') {
        *out = 0;
        *pp = p + 1;
        return NULL;
    }
    if (*p != '+' && *p != '-')
        return "expected a UTC offset such as +01:00 or Z";
    int sign = *p == '-' ? -1 : 1;
    p++;
    int hh, mm = 0;
    if (!read_digits(&p, 2, &hh)) {
        if (!read_digits(&p, 1, &hh))
            return "expected a UTC offset such as +01:00 or Z";
    }
    if (*p == ':') {
        p++;
        if (!read_digits(&p, 2, &mm))
            return "expected a UTC offset such as +01:00 or Z";
    } else if (isdigit((unsigned char)*p)) {
        if (!read_digits(&p, 2, &mm))
            return "expected a UTC offset such as +01:00 or Z";
    }
    if (hh > 14 || mm > 59)
        return "UTC offset out of range";
    *out = sign * (hh * 60 + mm);
    *pp = p;
    return NULL;
}

const char *dd__parse_tz(const char *s, int32_t *out)
{
    const char *p = skip_ws(s);
    if (prefix_ci(p, "UTC") || prefix_ci(p, "GMT")) {
        p += 3;
        if (!*p) {
            *out = 0;
            return NULL;
        }
    }
    const char *err = read_offset(&p, out);
    if (err)
        return "expected a UTC offset such as +01:00, UTC+1 or Z (time zone names are not "
               "supported)";
    p = skip_ws(p);
    if (*p)
        return "unexpected text after the UTC offset";
    return NULL;
}

const char *dd__parse_time(const char *s, int32_t default_offset, bool end_of_day,
                           int64_t *unix_out, bool *date_only_out)
{
    const char *p = skip_ws(s);
    int y, mo, d;
    if (!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-' ||
        !read_digits(&p, 2, &d))
        return "expected an ISO 8601 date or time such as 2024-09-15 or 2024-09-15T23:00Z";
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return "no such date";
    int64_t days = dd__days_from_civil(y, (unsigned)mo, (unsigned)d);
    int hh = 0, mi = 0, ss = 0;
    int32_t off = default_offset;
    bool date_only = true;
    if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        date_only = false;
        if (!read_digits(&p, 2, &hh) || *p++ != ':' || !read_digits(&p, 2, &mi))
            return "expected a time of day as HH:MM after the date";
        if (*p == ':') {
            p++;
            if (!read_digits(&p, 2, &ss))
                return "expected seconds as SS";
            if (*p == '.') {
                p++;
                while (isdigit((unsigned char)*p))
                    p++;
            }
        }
        if (hh > 24 || mi > 59 || ss > 60 || (hh == 24 && (mi || ss)))
            return "no such time of day";
        if (*p && *p != ' ') {
            const char *err = read_offset(&p, &off);
            if (err)
                return err;
        }
    }
    p = skip_ws(p);
    if (*p)
        return "unexpected text after the time";
    int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - (int64_t)off * 60;
    if (date_only && end_of_day)
        secs += 86400;
    *unix_out = secs;
    if (date_only_out)
        *date_only_out = date_only;
    return NULL;
}

const char *dd__parse_hours(const char *s, int32_t *open, int32_t *close)
{
    const char *p = skip_ws(s);
    if (strcmp(p, "24h") == 0 || strcmp(p, "H24") == 0 || strcmp(p, "always") == 0) {
        *open = 0;
        *close = 1440;
        return NULL;
    }
    int h1, m1, h2, m2;
    if (!read_digits(&p, 2, &h1) || *p++ != ':' || !read_digits(&p, 2, &m1))
        return "expected hours as HH:MM-HH:MM (local time) or 24h";
    p = skip_ws(p);
    if (*p++ != '-')
        return "expected hours as HH:MM-HH:MM (local time) or 24h";
    p = skip_ws(p);
    if (!read_digits(&p, 2, &h2) || *p++ != ':' || !read_digits(&p, 2, &m2))
        return "expected hours as HH:MM-HH:MM (local time) or 24h";
    if (*skip_ws(p))
        return "unexpected text after the hours";
    if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 == 24 && m2))
        return "no such time of day";
    *open = h1 * 60 + m1;
    *close = h2 * 60 + m2;
    if (*open == *close)
        return "opening and closing times are the same";
    return NULL;
}

bool dd__parse_utc_minute(const char *s, int64_t *unix_out)
{
    /* exactly the plan file's form; the general reader checks the fields */
    if (strlen(s) != 17 || s[10] != 'T' || s[16] != 'Z' || !strncmp(s + 11, "24", 2))
        return false;
    return dd__parse_time(s, 0, false, unix_out, NULL) == NULL;
}

bool dd__parse_date(const char *s, int64_t *days_out)
{
    int64_t u;
    bool date_only;
    if (strlen(s) != 10 || dd__parse_time(s, 0, false, &u, &date_only) || !date_only)
        return false;
    *days_out = u / 86400;
    return true;
}
