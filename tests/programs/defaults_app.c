/*
 * defaults_app.c -- what a struct says is what is stored (issue 7 §2), for
 * every column type of tests/programs/defaults.model: nullable or not,
 * with and without default(...) and server_default(...).
 *
 * Each model is written five ways and read back with raw SQL (quote() of
 * every column, so that NULL, 0, '' and the type of what is stored show):
 *   - a designated initializer with zero/false/empty values: stored as is;
 *   - X_INIT, X_new() and X_init(): the schema's defaults;
 *   - NULL in every nullable column (flag, NULL pointer, enum 0): NULL,
 *     while a not_null column left NULL takes its default.
 * Every row is then read with X_get and written again: the copy is stored
 * the same, so the reader keeps NULL and values apart too.
 *
 * Usage: defaults_app DB SQL (SQL: `modelc sql defaults.model`).
 */
#include "defaults.h"

static mc_db *db;

#include "app_check.h"

/* "v1|v2|v3|v4|v5": quote() of plain, dflt, req, srv, rsrv of a row. */
static const char *stored(const char *table, int64_t id)
{
    static char buf[512];
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT quote(plain) || '|' || quote(dflt) || '|' || quote(req) || '|' || quote(srv) || '|' || "
             "quote(rsrv) FROM %s WHERE id = ?", table);
    return app_sql_text(db, sql, id, buf, sizeof buf);
}

/* Row rid read with X_get, inserted again as a new row: stored as want. */
#define ROUND_TRIP(T, fn, table, rid, want)                                                \
    do {                                                                                  \
        T *t_ = NULL;                                                                     \
        OK(fn##_get(db, (rid), &t_));                                                      \
        if (t_) {                                                                         \
            t_->id = 0;                                                                   \
            OK(fn##_insert(db, t_));                                                      \
            CHECK_STR(stored(table, t_->id), want);                                       \
            fn##_free(t_);                                                                \
        }                                                                                 \
    } while (0)

/* The five ways (MACRO: INTS for INTS_INIT); z, u are the caller's zero and NULL structs; the NULL
 * row read and written again is stored as null_again. */
#define FIVE(T, fn, MACRO, table, z, u, zero_want, init_want, null_want)                  \
    FIVE_AGAIN(T, fn, MACRO, table, z, u, zero_want, init_want, null_want, null_want)
#define FIVE_AGAIN(T, fn, MACRO, table, z, u, zero_want, init_want, null_want, null_again) \
    do {                                                                                  \
        OK(fn##_insert(db, &(z)));                                                        \
        CHECK_STR(stored(table, (z).id), zero_want);                                      \
        ROUND_TRIP(T, fn, table, (z).id, zero_want);                                      \
        T i_ = MACRO##_INIT;                                                              \
        OK(fn##_insert(db, &i_));                                                         \
        CHECK_STR(stored(table, i_.id), init_want);                                       \
        ROUND_TRIP(T, fn, table, i_.id, init_want);                                       \
        T *n_ = fn##_new();                                                               \
        CHECK(n_ != NULL, #fn "_new");                                                    \
        if (n_) {                                                                         \
            OK(fn##_insert(db, n_));                                                      \
            CHECK_STR(stored(table, n_->id), init_want);                                  \
            fn##_free(n_);                                                                \
        }                                                                                 \
        T j_;                                                                             \
        memset(&j_, 0xff, sizeof j_);                                                     \
        fn##_init(&j_);                                                                   \
        OK(fn##_insert(db, &j_));                                                         \
        CHECK_STR(stored(table, j_.id), init_want);                                       \
        OK(fn##_insert(db, &(u)));                                                        \
        CHECK_STR(stored(table, (u).id), null_want);                                      \
        ROUND_TRIP(T, fn, table, (u).id, null_again);                                     \
    } while (0)

/* X_get(rid) gives r_ with cond true. */
#define READ(T, fn, rid, cond)                                                             \
    do {                                                                                  \
        T *r_ = NULL;                                                                     \
        OK(fn##_get(db, (rid), &r_));                                                      \
        CHECK(r_ && (cond), "%s", #cond);                                                 \
        fn##_free(r_);                                                                    \
    } while (0)

/* The case of the issue: default(10) and default(true) do not replace 5
 * and false. */
static void item(void)
{
    char buf[64];
    Item it = {.stock = 5, .in_stock = false, .name = "x"};
    OK(item_insert(db, &it));
    CHECK_STR(app_sql_text(db, "SELECT name || '|' || stock || '|' || in_stock FROM item WHERE id = ?", it.id,
                           buf, sizeof buf),
              "x|5|0");
    CHECK(it.stock == 5 && !it.in_stock, "insert leaves the caller's values");
    READ(Item, item, it.id, r_->stock == 5 && !r_->stock_null && !r_->in_stock && !r_->in_stock_null);
    Item d = ITEM_INIT;
    d.name = "y";
    CHECK(d.stock == 10 && d.in_stock && !d.stock_null && !d.in_stock_null, "ITEM_INIT");
    OK(item_insert(db, &d));
    CHECK_STR(app_sql_text(db, "SELECT name || '|' || stock || '|' || in_stock FROM item WHERE id = ?", d.id,
                           buf, sizeof buf),
              "y|10|1");
    Item n = {.stock_null = true, .in_stock_null = true};
    OK(item_insert(db, &n));
    CHECK_STR(app_sql_text(db, "SELECT quote(name) || quote(stock) || quote(in_stock) FROM item WHERE id = ?",
                           n.id, buf, sizeof buf),
              "NULLNULLNULL");
    READ(Item, item, n.id, !r_->name && r_->stock_null && r_->stock == 0 && r_->in_stock_null && !r_->in_stock);
}

static void numbers(void)
{
    Ints zi = {.plain = 0, .dflt = 0, .req = 0, .srv = 0, .rsrv = 0};
    Ints ui = {.plain_null = true, .dflt_null = true, .srv_null = true};
    FIVE(Ints, ints, INTS, "ints", zi, ui, "0|0|0|0|0", "NULL|10|7|5|6", "NULL|NULL|0|NULL|0");
    READ(Ints, ints, zi.id, !r_->plain_null && !r_->dflt_null && !r_->srv_null && r_->dflt == 0 && r_->req == 0);
    READ(Ints, ints, ui.id, r_->plain_null && r_->dflt_null && r_->srv_null && r_->dflt == 0);

    Bigs zb = {.plain = 0};
    Bigs ub = {.plain_null = true, .dflt_null = true, .srv_null = true, .req = INT64_MIN, .rsrv = INT64_MAX};
    FIVE(Bigs, bigs, BIGS, "bigs", zb, ub, "0|0|0|0|0", "NULL|9000000000|-9223372036854775808|-3|4",
         "NULL|NULL|-9223372036854775808|NULL|9223372036854775807");
    READ(Bigs, bigs, ub.id, r_->req == INT64_MIN && r_->rsrv == INT64_MAX && r_->plain_null);

    Smalls zs = {.dflt = 0};
    Smalls us = {.plain_null = true, .dflt_null = true, .srv_null = true};
    FIVE(Smalls, smalls, SMALLS, "smalls", zs, us, "0|0|0|0|0", "NULL|-32768|32767|2|3", "NULL|NULL|0|NULL|0");

    Floats zf = {.plain = 0.0, .dflt = 0.0, .req = 0.0, .srv = 0.0, .rsrv = 0.0};
    Floats uf = {.plain_null = true, .dflt_null = true, .srv_null = true, .req = -1.5};
    FIVE(Floats, floats, FLOATS, "floats", zf, uf, "0.0|0.0|0.0|0.0|0.0", "NULL|2.5|-0.5|1.25|8.0",
         "NULL|NULL|-1.5|NULL|0.0");
    READ(Floats, floats, zf.id, !r_->plain_null && r_->dflt == 0.0 && !r_->dflt_null);

    Bools zo = {.plain = false, .dflt = false, .req = false, .srv = false, .rsrv = false};
    Bools uo = {.plain_null = true, .dflt_null = true, .srv_null = true};
    FIVE(Bools, bools, BOOLS, "bools", zo, uo, "0|0|0|0|0", "NULL|1|1|1|1", "NULL|NULL|0|NULL|0");
    READ(Bools, bools, zo.id, !r_->dflt && !r_->dflt_null && !r_->req && !r_->rsrv);
    READ(Bools, bools, uo.id, r_->dflt_null && r_->srv_null && !r_->req);

    Decimals zd = {.plain = (char *)"0", .dflt = (char *)"0", .req = (char *)"0", .srv = (char *)"0", .rsrv = (char *)"0"};
    Decimals ud = {0};
    FIVE(Decimals, decimals, DECIMALS, "decimals", zd, ud, "0|0|0|0|0", "NULL|9.99|0.5|1.5|2",
         "NULL|NULL|0.5|NULL|2");
    READ(Decimals, decimals, zd.id, app_str_eq(r_->dflt, "0.00") && app_str_eq(r_->req, "0.00"));
    READ(Decimals, decimals, ud.id, !r_->plain && !r_->dflt && app_str_eq(r_->req, "0.50") && !r_->srv);
}

static void texts(void)
{
    char e[] = "";
    Strings zs = {.plain = e, .dflt = e, .req = e, .srv = e, .rsrv = e};
    Strings us = {0};
    FIVE(Strings, strings, STRINGS, "strings", zs, us, "''|''|''|''|''", "NULL|'d'|'r \"q\"'|'s'|'it''s'",
         "NULL|NULL|'r \"q\"'|NULL|'it''s'");
    READ(Strings, strings, zs.id, r_->dflt && !r_->dflt[0] && r_->srv && !r_->srv[0]);
    READ(Strings, strings, us.id, !r_->plain && !r_->dflt && app_str_eq(r_->req, "r \"q\"") && !r_->srv);

    Texts zt = {.plain = e, .dflt = e, .req = e, .srv = e, .rsrv = e};
    Texts ut = {0};
    FIVE(Texts, texts, TEXTS, "texts", zt, ut, "''|''|''|''|''", "NULL|'d'|'r'|'s'|'rs'", "NULL|NULL|'r'|NULL|'rs'");

    char j[] = "null";
    Jsons zj = {.plain = j, .dflt = j, .req = j, .srv = j, .rsrv = j};
    Jsons uj = {0};
    FIVE(Jsons, jsons, JSONS, "jsons", zj, uj, "'null'|'null'|'null'|'null'|'null'",
         "NULL|'{}'|'[1]'|'true'|'{\"a\": null}'", "NULL|NULL|'[1]'|NULL|'{\"a\": null}'");

    static char none[1];
    Blobs zb = {.plain = {none, 0}, .dflt = {none, 0}, .req = {none, 0}, .srv = {none, 0}, .rsrv = {none, 0}};
    Blobs ub = {.plain = {NULL, 0}};
    /* rsrv's server default is the SQL text 'rs' (what the DDL says); read
     * back, it is the bytes "rs" */
    FIVE_AGAIN(Blobs, blobs, BLOBS, "blobs", zb, ub, "X''|X''|X''|X''|X''", "NULL|X'64'|X'72'|X'73'|X'7273'",
               "NULL|NULL|X'72'|NULL|'rs'", "NULL|NULL|X'72'|NULL|X'7273'");
    READ(Blobs, blobs, zb.id, r_->dflt.data && r_->dflt.len == 0 && r_->req.data && r_->req.len == 0);
    READ(Blobs, blobs, ub.id, !r_->plain.data && !r_->dflt.data && r_->req.len == 1 && !r_->srv.data);
}

static void times(void)
{
    char t[] = "1999-12-31 23:59:59.999999";
    Stamps zt = {.plain = t, .dflt = t, .req = t, .srv = t, .rsrv = t};
    Stamps ut = {0};
    FIVE(Stamps, stamps, STAMPS, "stamps", zt, ut,
         "'1999-12-31 23:59:59.999999'|'1999-12-31 23:59:59.999999'|'1999-12-31 23:59:59.999999'|"
         "'1999-12-31 23:59:59.999999'|'1999-12-31 23:59:59.999999'",
         "NULL|'2019-05-20 12:47:00.000000'|'2000-01-01 00:00:00.000000'|'2001-02-03 04:05:06.000007'|"
         "'2002-01-01 00:00:00.000000'",
         "NULL|NULL|'2000-01-01 00:00:00.000000'|NULL|'2002-01-01 00:00:00.000000'");

    char d[] = "1999-12-31";
    Days zd = {.plain = d, .dflt = d, .req = d, .srv = d, .rsrv = d};
    Days ud = {0};
    FIVE(Days, days, DAYS, "days", zd, ud, "'1999-12-31'|'1999-12-31'|'1999-12-31'|'1999-12-31'|'1999-12-31'",
         "NULL|'2019-05-20'|'2000-02-29'|'2001-02-03'|'2002-01-01'", "NULL|NULL|'2000-02-29'|NULL|'2002-01-01'");

    char c[] = "00:00:00";
    Clocks zc = {.plain = c, .dflt = c, .req = c, .srv = c, .rsrv = c};
    Clocks uc = {0};
    FIVE(Clocks, clocks, CLOCKS, "clocks", zc, uc, "'00:00:00'|'00:00:00'|'00:00:00'|'00:00:00'|'00:00:00'",
         "NULL|'12:47:00'|'00:00:00.5'|'23:59:59'|'01:02:03'", "NULL|NULL|'00:00:00.5'|NULL|'01:02:03'");
}

static void enums(void)
{
    Colors zc = {.plain = COLOR_RED, .dflt = COLOR_RED, .req = COLOR_RED, .srv = COLOR_BLUE, .rsrv = COLOR_RED};
    Colors uc = {.plain = (Color)0};
    FIVE(Colors, colors, COLORS, "colors", zc, uc, "'red'|'red'|'red'|'blue'|'red'",
         "NULL|'green'|'blue'|'red'|'green'", "NULL|NULL|'blue'|NULL|'green'");
    CHECK(uc.req == COLOR_BLUE, "an enum that took its default is set in the struct");
    READ(Colors, colors, uc.id, r_->plain == 0 && r_->dflt == 0 && r_->req == COLOR_BLUE && r_->srv == 0 &&
                                    r_->rsrv == COLOR_GREEN);
}

/* A DateTime written as "now" between lo and hi (from mc_now_datetime). */
static int is_now(const char *s, const char *lo, const char *hi)
{
    return s && strlen(s) == 26 && mc_check_datetime(NULL, NULL, NULL, s) == MC_OK && strcmp(s, lo) >= 0 &&
           strcmp(s, hi) <= 0;
}

/* A Date of today between lo and hi, a Time of the clock. */
static int is_today(const char *s, const char *lo, const char *hi)
{
    return s && strlen(s) == 10 && strncmp(s, lo, 10) >= 0 && strncmp(s, hi, 10) <= 0;
}

static int is_clock(const char *s)
{
    return s && strlen(s) == 15 && mc_check_time(NULL, NULL, NULL, s) == MC_OK;
}

static const char *stored_events(int64_t id)
{
    static char buf[512];
    return app_sql_text(db, "SELECT quote(at) || '|' || quote(day) || '|' || quote(clock) || '|' || quote(srv) || "
                            "'|' || quote(rsrv) FROM events WHERE id = ?", id, buf, sizeof buf);
}

/* default(now), server_default(now), and DateTime text as Python writes it. */
static void events(void)
{
    char lo[MC_DATETIME_SIZE], hi[MC_DATETIME_SIZE];
    mc_now_datetime(lo);
    Events e = EVENTS_INIT;
    CHECK(e.at == MC_NOW && e.day == MC_NOW && e.clock == MC_NOW && e.srv == MC_NOW && e.rsrv == MC_NOW,
          "EVENTS_INIT: MC_NOW for every now column");
    OK(events_insert(db, &e));
    CHECK(e.at == MC_NOW, "insert leaves the lent struct as it is");
    Events *n = events_new();
    CHECK(n && n->at == MC_NOW && n->day == MC_NOW, "events_new: MC_NOW");
    if (!n)
        return;
    OK(events_insert(db, n));
    Events j;
    events_init(&j);
    OK(events_insert(db, &j));
    mc_now_datetime(hi);
    int64_t ids[] = {e.id, n->id, j.id};
    for (int i = 0; i < 3; i++)
        READ(Events, events, ids[i], is_now(r_->at, lo, hi) && is_today(r_->day, lo, hi) && is_clock(r_->clock) &&
                                         is_now(r_->srv, lo, hi) && is_now(r_->rsrv, lo, hi));
    /* MC_NOW is replaced, never freed */
    OK(events_set_at(n, "2001-02-03 04:05:06.000007"));
    OK(events_update(db, n));
    READ(Events, events, n->id, app_str_eq(r_->at, "2001-02-03 04:05:06.000007"));
    events_free(n);

    /* values the caller sets are kept */
    Events v = {.at = (char *)"2001-01-01 00:00:00.000000", .day = (char *)"2001-01-01", .clock = (char *)"01:00:00",
                .srv = (char *)"2002-01-01 00:00:00.000000", .rsrv = (char *)"2003-01-01 00:00:00.000000"};
    OK(events_insert(db, &v));
    CHECK_STR(stored_events(v.id), "'2001-01-01 00:00:00.000000'|'2001-01-01'|'01:00:00'|"
                                   "'2002-01-01 00:00:00.000000'|'2003-01-01 00:00:00.000000'");
    /* nothing set: NULL where nullable; not_null day takes now (its
     * default), rsrv the server's CURRENT_TIMESTAMP */
    Events z = {0};
    OK(events_insert(db, &z));
    READ(Events, events, z.id, !r_->at && is_today(r_->day, lo, hi) && !r_->clock && !r_->srv && r_->rsrv &&
                                   strlen(r_->rsrv) == 19);

    /* ISO 8601 as Python's isoformat() writes it: stored normalized, in UTC */
    Events iso = {.at = (char *)"2019-05-20T23:30:00-02:00", .day = (char *)"2019-05-20",
                  .srv = (char *)"2019-05-20T12:47:00.5Z", .rsrv = (char *)"2020-03-01T00:15:00+01:00"};
    OK(events_insert(db, &iso));
    CHECK_STR(stored_events(iso.id), "'2019-05-21 01:30:00.000000'|'2019-05-20'|NULL|"
                                     "'2019-05-20 12:47:00.500000'|'2020-02-29 23:15:00.000000'");
    Events bad = {.at = (char *)"2019-05-20T12:47:00+24:00", .day = (char *)"2019-05-20"};
    CHECK_FAIL(events_insert(db, &bad), MC_INVALID, "events.at: not a valid datetime");
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: defaults_app DB SQL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    item();
    numbers();
    texts();
    times();
    enums();
    events();
    mc_close(db);
    return app_done("defaults_app");
}
