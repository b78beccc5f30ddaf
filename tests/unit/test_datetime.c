/*
 * test_datetime.c -- runtime/datetime.c: the DateTime normalizer (the
 * ISO-8601 forms Python writes -> SQLAlchemy's stored form, in UTC), Unix
 * time and struct tm both ways (checked against the C library's gmtime_r
 * over a wide sample), adding seconds, comparing, now, MC_NOW and
 * mc_bind_temporal, and the generated code's checks accepting what the
 * normalizer accepts.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modelc.h"
#include "testutil.h"
#include "valuecheck.h"

static const struct {
    const char *in, *out;
} normal[] = {
    /* the stored form, and the shorter ones SQLAlchemy also reads */
    {"2019-05-20 12:47:00.000000", "2019-05-20 12:47:00.000000"},
    {"2019-05-20 12:47:00", "2019-05-20 12:47:00.000000"},
    {"2019-05-20 12:47", "2019-05-20 12:47:00.000000"},
    /* isoformat(): 'T', fractions of 1 to 6 digits, offsets */
    {"2019-05-20T12:47:00", "2019-05-20 12:47:00.000000"},
    {"2019-05-20t12:47:00", "2019-05-20 12:47:00.000000"},
    {"2019-05-20T12:47:00.5", "2019-05-20 12:47:00.500000"},
    {"2019-05-20T12:47:00.12", "2019-05-20 12:47:00.120000"},
    {"2019-05-20T12:47:00.123456", "2019-05-20 12:47:00.123456"},
    {"2019-05-20T12:47:00.000001+00:00", "2019-05-20 12:47:00.000001"},
    {"2019-05-20T12:47:00Z", "2019-05-20 12:47:00.000000"},
    {"2019-05-20T12:47:00z", "2019-05-20 12:47:00.000000"},
    {"2019-05-20T12:47:00+02:00", "2019-05-20 10:47:00.000000"},
    {"2019-05-20T12:47:00-0530", "2019-05-20 18:17:00.000000"},
    {"2019-05-20T12:47:00+05", "2019-05-20 07:47:00.000000"},
    {"2019-05-20T12:47:00+05:30:15", "2019-05-20 07:16:45.000000"},
    {"2019-05-20T12:47-07:00", "2019-05-20 19:47:00.000000"},
    /* offsets that cross a day, a month, a year */
    {"2019-05-20T23:30:00-02:00", "2019-05-21 01:30:00.000000"},
    {"2019-05-21T01:30:00+05:00", "2019-05-20 20:30:00.000000"},
    {"2019-12-31T23:30:00-01:00", "2020-01-01 00:30:00.000000"},
    {"2020-01-01T00:30:00+01:00", "2019-12-31 23:30:00.000000"},
    {"2019-04-30T22:00:00.999999-03:00", "2019-05-01 01:00:00.999999"},
    /* leap years: Feb 29 exists in 2024 and 2000, not in 2023 or 1900 */
    {"2024-02-29T23:00:00-01:00", "2024-03-01 00:00:00.000000"},
    {"2024-03-01T00:30:00+01:00", "2024-02-29 23:30:00.000000"},
    {"2023-03-01T00:30:00+01:00", "2023-02-28 23:30:00.000000"},
    {"2000-03-01T00:00:00+00:01", "2000-02-29 23:59:00.000000"},
    {"1900-03-01T00:00:00+01:00", "1900-02-28 23:00:00.000000"},
    {"2100-02-28T23:00:00-02:00", "2100-03-01 01:00:00.000000"},
    /* the edges of years 0001-9999 */
    {"0001-01-01T00:00:00", "0001-01-01 00:00:00.000000"},
    {"0001-01-01T01:00:00+01:00", "0001-01-01 00:00:00.000000"},
    {"9999-12-31T23:59:59.999999", "9999-12-31 23:59:59.999999"},
};

static const char *const not_datetimes[] = {
    "", "2019-05-20", "2019-05-20 ", "2019-05-20T", "2019-05-20T12", "2019-05-20T12:4",
    "2019-05-20  12:47:00", "2019-05-20x12:47:00", "2019-05-20T12:47:00.", "2019-05-20T12:47:00.1234567",
    "2019-05-20T24:00:00", "2019-05-20T23:60:00", "2019-05-20T23:59:60", "2019-02-29T00:00:00",
    "1900-02-29T00:00:00", "2019-13-01T00:00:00", "0000-01-01T00:00:00", "2019-05-20T12:47:00+24:00",
    "2019-05-20T12:47:00+02:60", "2019-05-20T12:47:00 +00:00", "2019-05-20T12:47:00+", "2019-05-20T12:47:00ZZ",
    "2019-05-20T12:47:00+00:00:00.5", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:00-00:01",
    "2019-5-20T12:47:00", "20190520T124700",
};

START_TEST(normalizes_what_python_writes)
{
    char out[MC_DATETIME_SIZE];
    for (size_t i = 0; i < sizeof normal / sizeof normal[0]; i++) {
        memset(out, 'x', sizeof out);
        ck_assert_msg(mc_datetime_normalize(normal[i].in, out) == MC_OK, "%s refused", normal[i].in);
        ck_assert_msg(strcmp(out, normal[i].out) == 0, "%s -> %s, want %s", normal[i].in, out, normal[i].out);
        /* the normal form is a fixed point */
        char again[MC_DATETIME_SIZE];
        ck_assert_int_eq(mc_datetime_normalize(out, again), MC_OK);
        ck_assert_str_eq(again, out);
    }
    for (size_t i = 0; i < sizeof not_datetimes / sizeof not_datetimes[0]; i++)
        ck_assert_msg(mc_datetime_normalize(not_datetimes[i], out) == MC_INVALID, "%s accepted", not_datetimes[i]);
    ck_assert_int_eq(mc_datetime_normalize(NULL, out), MC_INVALID);
}
END_TEST

/* Text order of normalized values is time order (it is not of the raw
 * text: "12:47:00" sorts before "12:47:00.000000" and after "11:47:00+..."). */
START_TEST(normalized_text_order_is_time_order)
{
    size_t n = sizeof normal / sizeof normal[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            char a[MC_DATETIME_SIZE], b[MC_DATETIME_SIZE];
            int cmp = 2;
            ck_assert_int_eq(mc_datetime_normalize(normal[i].in, a), MC_OK);
            ck_assert_int_eq(mc_datetime_normalize(normal[j].in, b), MC_OK);
            ck_assert_int_eq(mc_datetime_compare(normal[i].in, normal[j].in, &cmp), MC_OK);
            int text = strcmp(a, b);
            text = text < 0 ? -1 : text > 0;
            ck_assert_msg(text == cmp, "%s vs %s: text %d, time %d", normal[i].in, normal[j].in, text, cmp);
        }
}
END_TEST

START_TEST(compares_instants)
{
    int cmp = 2;
    ck_assert_int_eq(mc_datetime_compare("2019-05-20 12:47:00", "2019-05-20 12:47:00.000000", &cmp), MC_OK);
    ck_assert_int_eq(cmp, 0);
    ck_assert_int_eq(mc_datetime_compare("2019-05-20T14:47:00+02:00", "2019-05-20 12:47:00", &cmp), MC_OK);
    ck_assert_int_eq(cmp, 0);
    ck_assert_int_eq(mc_datetime_compare("2019-05-20 12:47:00", "2019-05-20 12:47:00.000001", &cmp), MC_OK);
    ck_assert_int_eq(cmp, -1);
    ck_assert_int_eq(mc_datetime_compare("2019-05-21T00:30:00+01:00", "2019-05-20 23:00:00", &cmp), MC_OK);
    ck_assert_int_eq(cmp, 1);
    cmp = 7;
    ck_assert_int_eq(mc_datetime_compare("2019-05-20", "2019-05-20 12:47:00", &cmp), MC_INVALID);
    ck_assert_int_eq(mc_datetime_compare("2019-05-20 12:47:00", "nope", &cmp), MC_INVALID);
    ck_assert_int_eq(cmp, 7);
}
END_TEST

/* "YYYY-MM-DD HH:MM:SS.000000" of t from the C library. */
static void libc_text(time_t t, char *out, size_t cap)
{
    struct tm tm;
    ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
    snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d.000000", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

START_TEST(unix_time_both_ways)
{
    static const struct {
        int64_t t;
        int32_t us;
        const char *text;
    } known[] = {
        {0, 0, "1970-01-01 00:00:00.000000"},
        {-1, 999999, "1969-12-31 23:59:59.999999"},
        {951782400, 0, "2000-02-29 00:00:00.000000"},
        {1709251199, 5, "2024-02-29 23:59:59.000005"},
        {1558356420, 0, "2019-05-20 12:47:00.000000"},
        {-62135596800LL, 0, "0001-01-01 00:00:00.000000"},
        {253402300799LL, 999999, "9999-12-31 23:59:59.999999"},
    };
    char out[MC_DATETIME_SIZE];
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        ck_assert_int_eq(mc_datetime_from_unix(known[i].t, known[i].us, out), MC_OK);
        ck_assert_str_eq(out, known[i].text);
        int64_t t = 1;
        int32_t us = -1;
        ck_assert_int_eq(mc_datetime_to_unix(known[i].text, &t, &us), MC_OK);
        ck_assert_int_eq(t, known[i].t);
        ck_assert_int_eq(us, known[i].us);
    }
    ck_assert_int_eq(mc_datetime_from_unix(-62135596801LL, 0, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_from_unix(253402300800LL, 0, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_from_unix(0, 1000000, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_from_unix(0, -1, out), MC_INVALID);
    int64_t t;
    ck_assert_int_eq(mc_datetime_to_unix("2019-05-20T12:47:00+02:00", &t, NULL), MC_OK);
    ck_assert_int_eq(t, 1558356420 - 7200);
    ck_assert_int_eq(mc_datetime_to_unix("2019-02-29 00:00:00", &t, NULL), MC_INVALID);

    /* against gmtime_r, every ~11 days over 1800-2200 and odd seconds */
    char want[64];
    for (int64_t s = -5364662400LL; s < 7258118400LL; s += 949853 + (s & 7)) {
        libc_text((time_t)s, want, sizeof want);
        ck_assert_int_eq(mc_datetime_from_unix(s, 0, out), MC_OK);
        ck_assert_msg(strcmp(out, want) == 0, "%lld: %s, libc %s", (long long)s, out, want);
        ck_assert_int_eq(mc_datetime_to_unix(want, &t, NULL), MC_OK);
        ck_assert_int_eq(t, s);
    }
}
END_TEST

START_TEST(struct_tm_both_ways)
{
    char out[MC_DATETIME_SIZE];
    for (int64_t s = -5364662400LL; s < 7258118400LL; s += 1299827 + (s & 3)) {
        time_t tt = (time_t)s;
        struct tm want, got;
        ck_assert_ptr_nonnull(gmtime_r(&tt, &want));
        ck_assert_int_eq(mc_datetime_from_tm(&want, 250000, out), MC_OK);
        int32_t us = -1;
        memset(&got, 0x55, sizeof got);
        ck_assert_int_eq(mc_datetime_to_tm(out, &got, &us), MC_OK);
        ck_assert_int_eq(us, 250000);
        ck_assert_msg(got.tm_year == want.tm_year && got.tm_mon == want.tm_mon && got.tm_mday == want.tm_mday &&
                          got.tm_hour == want.tm_hour && got.tm_min == want.tm_min && got.tm_sec == want.tm_sec &&
                          got.tm_wday == want.tm_wday && got.tm_yday == want.tm_yday && got.tm_isdst == 0,
                      "%s: fields differ from gmtime_r", out);
    }
    struct tm tm = {0};
    tm.tm_year = 2023 - 1900, tm.tm_mon = 1, tm.tm_mday = 29;
    ck_assert_int_eq(mc_datetime_from_tm(&tm, 0, out), MC_INVALID);   /* 2023-02-29 */
    tm.tm_year = 2024 - 1900;
    ck_assert_int_eq(mc_datetime_from_tm(&tm, 0, out), MC_OK);
    ck_assert_str_eq(out, "2024-02-29 00:00:00.000000");
    tm.tm_sec = 60;     /* a leap second reads as :59 */
    ck_assert_int_eq(mc_datetime_from_tm(&tm, 0, out), MC_OK);
    ck_assert_str_eq(out, "2024-02-29 00:00:59.000000");
    tm.tm_hour = 24;
    ck_assert_int_eq(mc_datetime_from_tm(&tm, 0, out), MC_INVALID);
    tm.tm_hour = 0, tm.tm_year = 10000 - 1900;
    ck_assert_int_eq(mc_datetime_from_tm(&tm, 0, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_to_tm("2024-02-29T23:30:00-01:00", &tm, NULL), MC_OK);
    ck_assert(tm.tm_mon == 2 && tm.tm_mday == 1 && tm.tm_hour == 0 && tm.tm_min == 30 && tm.tm_wday == 5 &&
              tm.tm_yday == 60);
}
END_TEST

START_TEST(adds_seconds)
{
    static const struct {
        const char *in;
        int64_t secs;
        const char *out;
    } cases[] = {
        {"2024-02-28 23:59:59.5", 1, "2024-02-29 00:00:00.500000"},
        {"2024-02-28 12:00:00", 86400, "2024-02-29 12:00:00.000000"},
        {"2023-02-28 12:00:00", 86400, "2023-03-01 12:00:00.000000"},
        {"2024-03-01T00:00:00Z", -1, "2024-02-29 23:59:59.000000"},
        {"2021-01-01 00:00:00", -366 * 86400LL, "2020-01-01 00:00:00.000000"},   /* 2020 is a leap year */
        {"2020-01-01 00:00:00", -365 * 86400LL, "2019-01-01 00:00:00.000000"},
        {"2019-05-20T12:47:00+02:00", 0, "2019-05-20 10:47:00.000000"},
        {"1969-12-31 23:59:59.000001", 1, "1970-01-01 00:00:00.000001"},
    };
    char out[MC_DATETIME_SIZE];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(mc_datetime_add_seconds(cases[i].in, cases[i].secs, out), MC_OK);
        ck_assert_msg(strcmp(out, cases[i].out) == 0, "%s + %lld = %s, want %s", cases[i].in,
                      (long long)cases[i].secs, out, cases[i].out);
    }
    ck_assert_int_eq(mc_datetime_add_seconds("9999-12-31 23:59:59", 1, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_add_seconds("0001-01-01 00:00:00", -1, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_add_seconds("2019-05-20 12:47:00", INT64_MAX, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_add_seconds("2019-05-20 12:47:00", INT64_MIN, out), MC_INVALID);
    ck_assert_int_eq(mc_datetime_add_seconds("yesterday", 1, out), MC_INVALID);
}
END_TEST

START_TEST(now_is_utc_in_the_stored_form)
{
    char now[MC_DATETIME_SIZE];
    time_t before = time(NULL);
    memset(now, 'x', sizeof now);
    mc_now_datetime(now);
    time_t after = time(NULL);
    ck_assert_uint_eq(strlen(now), 26);
    ck_assert(now[10] == ' ' && now[19] == '.');
    int64_t t;
    ck_assert_int_eq(mc_datetime_to_unix(now, &t, NULL), MC_OK);
    ck_assert(t >= (int64_t)before && t <= (int64_t)after);
    ck_assert_str_eq(mc_now_marker, "now");
}
END_TEST

/* What the generated code binds: MC_NOW in each column's form, a DateTime
 * normalized, NULL as NULL, other text as it is. */
START_TEST(binds_temporal_values)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT ?1, typeof(?1)", -1, &st, NULL), SQLITE_OK);
    static const struct {
        const char *in;
        mc_temporal kind;
        size_t len;
        const char *want;   /* NULL: only the length is known */
    } cases[] = {
        {"now", MC_TEMPORAL_DATETIME, 26, NULL},    /* replaced by MC_NOW below */
        {"now", MC_TEMPORAL_DATE, 10, NULL},
        {"now", MC_TEMPORAL_TIME, 15, NULL},
        {"2019-05-20T23:30:00-02:00", MC_TEMPORAL_DATETIME, 26, "2019-05-21 01:30:00.000000"},
        {"2019-05-20 12:47:00", MC_TEMPORAL_DATETIME, 26, "2019-05-20 12:47:00.000000"},
        {"2019-05-20", MC_TEMPORAL_DATE, 10, "2019-05-20"},
        {"12:47:00", MC_TEMPORAL_TIME, 8, "12:47:00"},
        {"not a date", MC_TEMPORAL_DATETIME, 10, "not a date"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = i < 3 ? MC_NOW : cases[i].in;
        ck_assert_int_eq(mc_bind_temporal(st, 1, in, cases[i].kind), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        const char *got = (const char *)sqlite3_column_text(st, 0);
        ck_assert_ptr_nonnull(got);
        ck_assert_msg(strlen(got) == cases[i].len, "case %zu: %s", i, got);
        if (cases[i].want)
            ck_assert_str_eq(got, cases[i].want);
        if (i == 0)
            ck_assert_int_eq(mc_check_datetime(NULL, NULL, NULL, got), MC_OK);
        if (i == 1)
            ck_assert_int_eq(mc_check_date(NULL, NULL, NULL, got), MC_OK);
        if (i == 2)
            ck_assert_int_eq(mc_check_time(NULL, NULL, NULL, got), MC_OK);
        sqlite3_reset(st);
    }
    ck_assert_int_eq(mc_bind_temporal(st, 1, NULL, MC_TEMPORAL_DATETIME), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), "null");
    sqlite3_finalize(st);
    sqlite3_close(db);
}
END_TEST

/* The generated check for DateTime columns accepts what the normalizer
 * accepts, and says why it refuses the rest. */
START_TEST(checks_accept_what_the_normalizer_accepts)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    for (size_t i = 0; i < sizeof normal / sizeof normal[0]; i++)
        ck_assert_msg(mc_check_datetime(db, "t", "f", normal[i].in) == MC_OK, "%s: %s", normal[i].in, mc_errmsg(db));
    for (size_t i = 0; i < sizeof not_datetimes / sizeof not_datetimes[0]; i++)
        ck_assert_msg(mc_check_datetime(db, "t", "f", not_datetimes[i]) == MC_INVALID, "%s", not_datetimes[i]);
    ck_assert_int_eq(mc_check_datetime(db, "event", "at", "2019-05-20T12:47:00+24:00"), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "event.at: not a valid datetime (offset +24:00 is out of range; the form is "
                                    "YYYY-MM-DD HH:MM:SS[.ffffff], or ISO 8601 with 'T' and an offset)");
    ck_assert_int_eq(mc_check_datetime(db, "event", "at", "2023-02-29T00:00:00"), MC_INVALID);
    ck_assert(strstr(mc_errmsg(db), "2023-02 has 28 days") != NULL);
    ck_assert_int_eq(mc_check_datetime(db, "event", "at", MC_NOW), MC_OK);
    ck_assert_int_eq(mc_check_date(db, "event", "on", MC_NOW), MC_OK);
    ck_assert_int_eq(mc_check_time(db, "event", "t", MC_NOW), MC_OK);
    /* Date and Time keep their one form */
    ck_assert_int_eq(mc_check_date(db, "event", "on", "2019-05-20T00:00:00"), MC_INVALID);
    ck_assert_int_eq(mc_check_time(db, "event", "t", "12:47"), MC_INVALID);
    mc_close(db);
}
END_TEST

/* The compiler's check of a schema's literals is the runtime's: the same
 * forms as the write checks, and with MCI_TEMPORAL_STORED a DateTime only
 * in the stored form (a server_default goes into the DDL as written). */
START_TEST(literal_check_is_the_write_check)
{
    for (size_t i = 0; i < sizeof normal / sizeof normal[0]; i++)
        ck_assert_msg(mci_temporal_valid(normal[i].in, MC_TEMPORAL_DATETIME, 0), "%s", normal[i].in);
    for (size_t i = 0; i < sizeof not_datetimes / sizeof not_datetimes[0]; i++) {
        ck_assert_msg(!mci_temporal_valid(not_datetimes[i], MC_TEMPORAL_DATETIME, 0), "%s", not_datetimes[i]);
        ck_assert_msg(!mci_temporal_valid(not_datetimes[i], MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED), "%s",
                      not_datetimes[i]);
    }
    ck_assert(mci_temporal_valid("2019-05-20 12:47:00", MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED));
    ck_assert(mci_temporal_valid("2019-05-20 12:47:00.123456", MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED));
    ck_assert(!mci_temporal_valid("2019-05-20T12:47:00", MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED));
    ck_assert(!mci_temporal_valid("2019-05-20 12:47", MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED));
    ck_assert(!mci_temporal_valid("2019-05-20 12:47:00Z", MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED));
    ck_assert(!mci_temporal_valid("2019-05-20 12:47:00.1234567", MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED));
    ck_assert(mci_temporal_valid("2024-02-29", MC_TEMPORAL_DATE, 0));
    ck_assert(!mci_temporal_valid("2023-02-29", MC_TEMPORAL_DATE, 0));
    ck_assert(!mci_temporal_valid("0000-01-01", MC_TEMPORAL_DATE, 0));
    ck_assert(!mci_temporal_valid("2019-05-20 ", MC_TEMPORAL_DATE, 0));
    ck_assert(mci_temporal_valid("23:59:59.5", MC_TEMPORAL_TIME, 0));
    ck_assert(!mci_temporal_valid("24:00:00", MC_TEMPORAL_TIME, 0));
    ck_assert(!mci_temporal_valid("12:47:00.", MC_TEMPORAL_TIME, 0));
    ck_assert(!mci_temporal_valid(NULL, MC_TEMPORAL_TIME, 0));
}
END_TEST

/* X_set_<field> replaces MC_NOW without freeing it. */
START_TEST(set_text_never_frees_mc_now)
{
    char *s = MC_NOW;
    ck_assert_int_eq(mc_set_text(&s, "2019-05-20 12:47:00"), MC_OK);
    ck_assert_str_eq(s, "2019-05-20 12:47:00");
    free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("datetime");
    TCase *tc = tcase_create("datetime");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, normalizes_what_python_writes);
    tcase_add_test(tc, normalized_text_order_is_time_order);
    tcase_add_test(tc, compares_instants);
    tcase_add_test(tc, unix_time_both_ways);
    tcase_add_test(tc, struct_tm_both_ways);
    tcase_add_test(tc, adds_seconds);
    tcase_add_test(tc, now_is_utc_in_the_stored_form);
    tcase_add_test(tc, binds_temporal_values);
    tcase_add_test(tc, checks_accept_what_the_normalizer_accepts);
    tcase_add_test(tc, set_text_never_frees_mc_now);
    tcase_add_test(tc, literal_check_is_the_write_check);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
