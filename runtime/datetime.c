/*
 * datetime.c -- dates and times as SQLAlchemy stores them on SQLite:
 * the checks the generated code makes before a write, the normalizer
 * that turns the ISO-8601 text Python writes into the stored form, and
 * the helpers an application uses (now, Unix time, struct tm, adding
 * seconds, comparing).
 *
 * The stored forms (SQLAlchemy's defaults for SQLite):
 *   DateTime "YYYY-MM-DD HH:MM:SS.ffffff"   always 26 characters, UTC
 *   Date     "YYYY-MM-DD"
 *   Time     "HH:MM:SS[.f]"
 * Fixed-width DateTime text sorts as the instants do, which is why every
 * DateTime is normalized to it before it is written.  The calendar is the
 * proleptic Gregorian one of Python's datetime, years 0001-9999, without
 * leap seconds.  Nothing here allocates or keeps state; the functions
 * that take no mc_db return a status and leave no message.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "driver.h"
#include "valuecheck.h"

const char mc_now_marker[] = "now";

/* ---- the calendar -------------------------------------------------------- */

/* Broken-down UTC time, microseconds included. */
typedef struct dt_parts {
    int y, mo, d, h, mi, s;
    int32_t us;
} dt_parts;

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* n digits at s as a number, -1 if any is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (!is_digit(s[k]))
            return -1;
        v = v * 10 + (s[k] - '0');
    }
    return v;
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* The first and last second that years 0001-9999 hold. */
#define DT_MIN_UNIX (-62135596800LL)    /* 0001-01-01 00:00:00 */
#define DT_MAX_UNIX (253402300799LL)    /* 9999-12-31 23:59:59 */

static int64_t parts_to_unix(const dt_parts *p)
{
    return days_from_civil(p->y, p->mo, p->d) * 86400 + p->h * 3600 + p->mi * 60 + p->s;
}

/* MC_INVALID outside years 0001-9999. */
static int unix_to_parts(int64_t t, int32_t us, dt_parts *p)
{
    if (t < DT_MIN_UNIX || t > DT_MAX_UNIX || us < 0 || us > 999999)
        return MC_INVALID;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400, y;
    civil_from_days(days, &y, &p->mo, &p->d);
    p->y = (int)y;
    p->h = (int)(secs / 3600);
    p->mi = (int)(secs / 60 % 60);
    p->s = (int)(secs % 60);
    p->us = us;
    return MC_OK;
}

static char *put(char *o, long v, int width)
{
    for (int k = width - 1; k >= 0; k--, v /= 10)
        o[k] = (char)('0' + v % 10);
    return o + width;
}

/* "YYYY-MM-DD HH:MM:SS.ffffff" */
static void format_parts(const dt_parts *p, char out[MC_DATETIME_SIZE])
{
    char *o = out;
    o = put(o, p->y, 4);
    *o++ = '-';
    o = put(o, p->mo, 2);
    *o++ = '-';
    o = put(o, p->d, 2);
    *o++ = ' ';
    o = put(o, p->h, 2);
    *o++ = ':';
    o = put(o, p->mi, 2);
    *o++ = ':';
    o = put(o, p->s, 2);
    *o++ = '.';
    o = put(o, p->us, 6);
    *o = '\0';
}

/* ---- parsing ------------------------------------------------------------- */

/* "YYYY-MM-DD" at s into p; the end, or NULL with why filled in. */
static const char *parse_date(const char *s, dt_parts *p, char *why, size_t cap)
{
    int y = digits(s, 4), m = -1, d = -1;
    if (y < 0 || s[4] != '-' || (m = digits(s + 5, 2)) < 0 || s[7] != '-' || (d = digits(s + 8, 2)) < 0) {
        snprintf(why, cap, "expected YYYY-MM-DD");
        return NULL;
    }
    if (y == 0) {
        snprintf(why, cap, "year 0000 does not exist");
        return NULL;
    }
    if (m < 1 || m > 12) {
        snprintf(why, cap, "month %02d is not 01-12", m);
        return NULL;
    }
    if (d < 1 || d > days_in_month(y, m)) {
        snprintf(why, cap, "%04d-%02d has %d days", y, m, days_in_month(y, m));
        return NULL;
    }
    p->y = y, p->mo = m, p->d = d;
    return s + 10;
}

/* "HH:MM:SS[.f{1,6}]" at s; with minutes_ok also "HH:MM" (Python's
 * isoformat(timespec='minutes')). */
static const char *parse_time(const char *s, dt_parts *p, int minutes_ok, char *why, size_t cap)
{
    int h = digits(s, 2), m = -1, sec = 0, n = 0;
    if (h < 0 || s[2] != ':' || (m = digits(s + 3, 2)) < 0) {
        snprintf(why, cap, "expected HH:MM:SS");
        return NULL;
    }
    s += 5;
    if (*s == ':' || !minutes_ok) {
        if (*s != ':' || (sec = digits(s + 1, 2)) < 0) {
            snprintf(why, cap, "expected HH:MM:SS");
            return NULL;
        }
        s += 3;
    }
    if (h > 23 || m > 59 || sec > 59) {
        snprintf(why, cap, "%02d:%02d:%02d is not a time of day", h, m, sec);
        return NULL;
    }
    int32_t us = 0;
    if (*s == '.') {
        while (is_digit(s[1 + n]))
            n++;
        if (n < 1 || n > 6) {
            snprintf(why, cap, "1 to 6 digits must follow the '.'");
            return NULL;
        }
        for (int k = 0; k < 6; k++)
            us = us * 10 + (k < n ? s[1 + k] - '0' : 0);
        s += 1 + n;
    }
    p->h = h, p->mi = m, p->s = sec, p->us = us;
    return s;
}

/* "Z", "+HH:MM", "-HH:MM", "+HHMM", "+HH", "+HH:MM:SS[.ffffff]" at s:
 * *offset = seconds east of UTC.  Microseconds of an offset are refused. */
static const char *parse_offset(const char *s, int64_t *offset, char *why, size_t cap)
{
    *offset = 0;
    if (*s == 'Z' || *s == 'z')
        return s + 1;
    int sign = *s == '-' ? -1 : 1;
    int h = digits(s + 1, 2), m = 0, sec = 0;
    const char *p = s + 3;
    if (h < 0) {
        snprintf(why, cap, "expected an offset such as +00:00 or Z");
        return NULL;
    }
    if (*p == ':' && (m = digits(p + 1, 2)) >= 0) {
        p += 3;
        if (*p == ':' && (sec = digits(p + 1, 2)) >= 0)
            p += 3;
    } else if ((m = digits(p, 2)) >= 0) {
        p += 2;
    } else {
        m = 0;
    }
    if (h > 23 || m > 59 || sec > 59) {
        snprintf(why, cap, "offset %.*s is out of range", (int)(p - s), s);
        return NULL;
    }
    *offset = sign * (h * 3600 + m * 60 + sec);
    return p;
}

/* A DateTime in any accepted form into UTC parts; MC_INVALID with why. */
static int parse_datetime(const char *s, dt_parts *p, char *why, size_t cap)
{
    const char *q = parse_date(s, p, why, cap);
    if (!q)
        return MC_INVALID;
    if (*q != ' ' && *q != 'T' && *q != 't') {
        snprintf(why, cap, *q ? "expected a space or 'T' between date and time" : "the time of day is missing");
        return MC_INVALID;
    }
    q = parse_time(q + 1, p, 1, why, cap);
    if (!q)
        return MC_INVALID;
    int64_t offset = 0;
    if (*q == 'Z' || *q == 'z' || *q == '+' || *q == '-') {
        q = parse_offset(q, &offset, why, cap);
        if (!q)
            return MC_INVALID;
    }
    if (*q) {
        snprintf(why, cap, "unexpected text after the datetime");
        return MC_INVALID;
    }
    if (offset && unix_to_parts(parts_to_unix(p) - offset, p->us, p) != MC_OK) {
        snprintf(why, cap, "outside years 0001-9999 in UTC");
        return MC_INVALID;
    }
    return MC_OK;
}

/* ---- checks before a write ---------------------------------------------- */

static int check_temporal(mc_db *db, const char *table, const char *field, const char *s, mc_temporal kind)
{
    static const char *const names[] = { "date", "time", "datetime" };
    static const char *const forms[] = { "YYYY-MM-DD", "HH:MM:SS[.ffffff]",
                                         "YYYY-MM-DD HH:MM:SS[.ffffff], or ISO 8601 with 'T' and an offset" };
    char where[256], why[96];
    dt_parts p;
    const char *q = NULL;

    if (!s || s == mc_now_marker)
        return MC_OK;
    why[0] = '\0';
    if (kind == MC_TEMPORAL_DATETIME) {
        if (parse_datetime(s, &p, why, sizeof why) == MC_OK)
            return MC_OK;
    } else {
        q = kind == MC_TEMPORAL_DATE ? parse_date(s, &p, why, sizeof why) : parse_time(s, &p, 0, why, sizeof why);
        if (q && !*q)
            return MC_OK;
        if (q)
            snprintf(why, sizeof why, "unexpected text after the %s", names[kind]);
    }
    return mc_set_error(db, MC_INVALID, "%s: not a valid %s (%s; the form is %s)",
                        mci_place(where, sizeof where, table, field), names[kind], why, forms[kind]);
}

/* The check without a connection, for the compiler's literals: the parse
 * of check_temporal, or, with MCI_TEMPORAL_STORED, the date, a ' ' and a
 * time with seconds, nothing after. */
bool mci_temporal_valid(const char *s, mc_temporal kind, unsigned flags)
{
    dt_parts p;
    char why[96];
    if (!s)
        return false;
    if (kind == MC_TEMPORAL_DATETIME && !(flags & MCI_TEMPORAL_STORED))
        return parse_datetime(s, &p, why, sizeof why) == MC_OK;
    const char *q = kind == MC_TEMPORAL_TIME ? s : parse_date(s, &p, why, sizeof why);
    if (q && kind == MC_TEMPORAL_DATETIME)
        q = *q == ' ' ? q + 1 : NULL;
    if (q && kind != MC_TEMPORAL_DATE)
        q = parse_time(q, &p, 0, why, sizeof why);
    return q && !*q;
}

int mc_check_datetime(mc_db *db, const char *table, const char *field, const char *s)
{
    return check_temporal(db, table, field, s, MC_TEMPORAL_DATETIME);
}

int mc_check_date(mc_db *db, const char *table, const char *field, const char *s)
{
    return check_temporal(db, table, field, s, MC_TEMPORAL_DATE);
}

int mc_check_time(mc_db *db, const char *table, const char *field, const char *s)
{
    return check_temporal(db, table, field, s, MC_TEMPORAL_TIME);
}

/* ---- now, binding ------------------------------------------------------- */

/* The current UTC time; 1970-01-01 when the clock cannot be read. */
static void now_parts(dt_parts *p)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || unix_to_parts((int64_t)ts.tv_sec, (int32_t)(ts.tv_nsec / 1000), p))
        unix_to_parts(0, 0, p);
}

void mc_now_datetime(char out[MC_DATETIME_SIZE])
{
    dt_parts p;
    now_parts(&p);
    format_parts(&p, out);
}

/* What a Date, Time or DateTime parameter binds: *text, *len bytes (-1:
 * up to its NUL); returns 1 when the text is in buf (a copy is needed),
 * 0 when it is s itself. */
static int temporal_text(const char *s, mc_temporal kind, char buf[MC_DATETIME_SIZE], const char **text, int *len)
{
    dt_parts p;
    char why[96];

    if (s == mc_now_marker) {
        now_parts(&p);
        format_parts(&p, buf);
        *text = kind == MC_TEMPORAL_TIME ? buf + 11 : buf;
        *len = kind == MC_TEMPORAL_DATE ? 10 : kind == MC_TEMPORAL_TIME ? 15 : 26;
        return 1;
    }
    if (kind == MC_TEMPORAL_DATETIME && parse_datetime(s, &p, why, sizeof why) == MC_OK) {
        format_parts(&p, buf);
        *text = buf;
        *len = 26;
        return 1;
    }
    *text = s;
    *len = -1;
    return 0;
}

int mc_bind_temporal(sqlite3_stmt *st, int idx, const char *s, mc_temporal kind)
{
    char buf[MC_DATETIME_SIZE];
    const char *text;
    int len;

    if (!s)
        return sqlite3_bind_null(st, idx);
    if (temporal_text(s, kind, buf, &text, &len))
        return sqlite3_bind_text(st, idx, text, len, SQLITE_TRANSIENT);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
}

int mc_stmt_bind_temporal(mc_stmt *st, int idx, const char *s, mc_temporal kind)
{
    char buf[MC_DATETIME_SIZE];
    const char *text;
    int len;

    if (st->lite)
        return mc_bind_temporal(st->lite, idx, s, kind);
    if (!s)
        return mc_pg_bind_null(st, idx);
    if (temporal_text(s, kind, buf, &text, &len))
        return mci_pg_bind_copy(st, idx, text, (size_t)len);
    return mc_pg_bind_text(st, idx, s, -1);
}

/* ---- the helpers --------------------------------------------------------- */

int mc_datetime_normalize(const char *s, char out[MC_DATETIME_SIZE])
{
    dt_parts p;
    char why[96];
    if (!s || parse_datetime(s, &p, why, sizeof why) != MC_OK)
        return MC_INVALID;
    format_parts(&p, out);
    return MC_OK;
}

int mc_datetime_from_unix(int64_t seconds, int32_t micros, char out[MC_DATETIME_SIZE])
{
    dt_parts p;
    if (unix_to_parts(seconds, micros, &p) != MC_OK)
        return MC_INVALID;
    format_parts(&p, out);
    return MC_OK;
}

int mc_datetime_to_unix(const char *s, int64_t *seconds, int32_t *micros)
{
    dt_parts p;
    char why[96];
    if (!s || parse_datetime(s, &p, why, sizeof why) != MC_OK)
        return MC_INVALID;
    *seconds = parts_to_unix(&p);
    if (micros)
        *micros = p.us;
    return MC_OK;
}

int mc_datetime_from_tm(const struct tm *tm, int32_t micros, char out[MC_DATETIME_SIZE])
{
    dt_parts p;
    long long y = (long long)tm->tm_year + 1900;
    if (y < 1 || y > 9999 || tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 ||
        tm->tm_mday > days_in_month((int)y, tm->tm_mon + 1) || tm->tm_hour < 0 || tm->tm_hour > 23 ||
        tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 || tm->tm_sec > 60 || micros < 0 || micros > 999999)
        return MC_INVALID;
    p.y = (int)y, p.mo = tm->tm_mon + 1, p.d = tm->tm_mday;
    p.h = tm->tm_hour, p.mi = tm->tm_min, p.s = tm->tm_sec > 59 ? 59 : tm->tm_sec, p.us = micros;
    format_parts(&p, out);
    return MC_OK;
}

int mc_datetime_to_tm(const char *s, struct tm *tm, int32_t *micros)
{
    dt_parts p;
    char why[96];
    if (!s || parse_datetime(s, &p, why, sizeof why) != MC_OK)
        return MC_INVALID;
    memset(tm, 0, sizeof *tm);
    tm->tm_year = p.y - 1900;
    tm->tm_mon = p.mo - 1;
    tm->tm_mday = p.d;
    tm->tm_hour = p.h;
    tm->tm_min = p.mi;
    tm->tm_sec = p.s;
    int64_t days = days_from_civil(p.y, p.mo, p.d);
    tm->tm_wday = (int)(((days % 7) + 11) % 7);     /* 1970-01-01 was a Thursday */
    tm->tm_yday = (int)(days - days_from_civil(p.y, 1, 1));
    tm->tm_isdst = 0;
    if (micros)
        *micros = p.us;
    return MC_OK;
}

int mc_datetime_add_seconds(const char *s, int64_t seconds, char out[MC_DATETIME_SIZE])
{
    int64_t t;
    int32_t us;
    if (mc_datetime_to_unix(s, &t, &us) != MC_OK)
        return MC_INVALID;
    if ((seconds > 0 && t > INT64_MAX - seconds) || (seconds < 0 && t < INT64_MIN - seconds))
        return MC_INVALID;
    return mc_datetime_from_unix(t + seconds, us, out);
}

int mc_datetime_compare(const char *a, const char *b, int *cmp)
{
    int64_t ta, tb;
    int32_t ua, ub;
    if (mc_datetime_to_unix(a, &ta, &ua) != MC_OK || mc_datetime_to_unix(b, &tb, &ub) != MC_OK)
        return MC_INVALID;
    *cmp = ta != tb ? (ta < tb ? -1 : 1) : ua != ub ? (ua < ub ? -1 : 1) : 0;
    return MC_OK;
}
