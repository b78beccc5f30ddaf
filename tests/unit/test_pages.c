/*
 * test_pages.c -- the runtime under X_query_page, X_query_delete and
 * X_list_load_<rel> (runtime/page.c, query_delete.c, eager.c), on tables
 * made by hand, for what the whole programs (tests/programs/blog_app.c,
 * library_app.c) cannot easily reach: every page number against the
 * formula, extreme numbers, a rowid hidden by columns, a cascade undone by
 * a later failure, keys at the ends of int64, growth of lists; and, as a
 * whole program, eager loading over String and SmallInteger keys
 * (tests/programs/teams.model, teams_app.c).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modelc.h"
#include "testutil.h"

#define WARN "-std=c11 -Wall -Wextra -Wpedantic -Werror"

static void sh_ok(const char *what, const char *cmd, int timeout_s)
{
    tu_result r = tu_sh(cmd, timeout_s);
    ck_assert_msg(r.status == 0, "%s failed (exit %d)\n$ %s\n%.2000s%.2000s", what, r.status, cmd, r.out, r.err);
    tu_result_free(&r);
}

static int under_valgrind(void)
{
    const char *v = getenv("MODELC_VALGRIND");
    return v && strcmp(v, "1") == 0;
}

static mc_db *open_memory(void)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    return db;
}

static long long sql_int(mc_db *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    ck_assert_int_eq(sqlite3_prepare_v2(mc_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

#define assert_msg_has(db, text)                                                           \
    ck_assert_msg(strstr(mc_errmsg(db), (text)) != NULL, "message \"%s\" lacks \"%s\"", \
                  mc_errmsg(db), (text))

static const char *const t_cols[] = {"n"};
static const mc_table_meta t_meta = {"t", "t", "n", 1, t_cols, NULL};

/* Rows of one page, read between begin and end as X_query_page does. */
static int64_t page_rows(mc_query *q, int64_t page, int64_t per, mc_page_info *info, int64_t *first)
{
    int64_t rows = 0;
    mc_stmt *row;
    *first = -1;
    ck_assert_int_eq(mc_query_page_begin(q, page, per, info), MC_OK);
    while (info->has_rows && mc_query_step(q, &row) == MC_OK) {
        if (rows++ == 0)
            *first = mc_stmt_column_int64(row, 0);
    }
    ck_assert_int_eq(mc_query_page_end(q, info, MC_OK), MC_OK);
    return rows;
}

/* Every (total, page, per_page) up to 9 against Flask-SQLAlchemy's
 * formulas, with a limit/offset on the query that the page ignores and
 * that the query keeps. */
START_TEST(page_numbers_match_paginate)
{
    mc_db *db = open_memory();
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (n INTEGER)"), MC_OK);
    for (int64_t total = 0; total <= 9; total++) {
        if (total) {
            char *ins = tu_fmt("INSERT INTO t VALUES (%lld)", (long long)total);
            ck_assert_int_eq(mc_exec(db, ins), MC_OK);
            free(ins);
        }
        mc_query *q = mc_query_new(db, &t_meta);
        mc_query_order_by(q, 0, 0);
        mc_query_limit(q, 2);
        mc_query_offset(q, 1);
        for (int64_t per = 1; per <= 9; per++)
            for (int64_t page = 1; page <= 11; page++) {
                mc_page_info info;
                int64_t first;
                int64_t rows = page_rows(q, page, per, &info, &first);
                int64_t pages = (total + per - 1) / per;
                int64_t left = total - (page - 1) * per;
                int64_t want = left <= 0 ? 0 : left < per ? left : per;
                ck_assert_int_eq(info.total, total);
                ck_assert_int_eq(info.pages, pages);
                ck_assert_int_eq(info.has_prev, page > 1);
                ck_assert_int_eq(info.has_next, page < pages);
                ck_assert_msg(rows == want, "total %lld per %lld page %lld: %lld rows, want %lld", (long long)total,
                              (long long)per, (long long)page, (long long)rows, (long long)want);
                if (want)
                    ck_assert_int_eq(first, (page - 1) * per + 1);
                ck_assert_int_eq(mc_txn_depth(db), 0);
            }
        int64_t n;
        ck_assert_int_eq(mc_query_count(q, &n), MC_OK);     /* limit 2 offset 1 kept */
        ck_assert_int_eq(n, total <= 1 ? 0 : total - 1 < 2 ? total - 1 : 2);
        mc_query_free(q);
    }
    mc_close(db);
}
END_TEST

START_TEST(page_extremes_and_refusals)
{
    mc_db *db = open_memory();
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)"), MC_OK);
    mc_query *q = mc_query_new(db, &t_meta);
    mc_page_info info;
    int64_t first;
    ck_assert_int_eq(page_rows(q, INT64_MAX, INT64_MAX, &info, &first), 0);
    ck_assert_int_eq(info.pages, 1);
    ck_assert(info.has_prev && !info.has_next);
    ck_assert_int_eq(page_rows(q, 1, INT64_MAX, &info, &first), 3);
    ck_assert_int_eq(page_rows(q, INT64_MAX, 1, &info, &first), 0);
    ck_assert_int_eq(info.pages, 3);
    ck_assert_int_eq(page_rows(q, 3, 1, &info, &first), 1);
    ck_assert_int_eq(first, 3);

    const int64_t bad[][2] = {{0, 1}, {-1, 1}, {INT64_MIN, 1}, {1, 0}, {1, -1}, {1, INT64_MIN}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(mc_query_page_begin(q, bad[i][0], bad[i][1], &info), MC_INVALID);
        assert_msg_has(db, bad[i][0] < 1 ? "pages count from 1" : "a page holds at least 1 row");
        ck_assert_int_eq(mc_query_page_end(q, &info, MC_INVALID), MC_INVALID);
        ck_assert_int_eq(mc_txn_depth(db), 0);
    }
    /* a failure between begin and end rolls the page's transaction back */
    ck_assert_int_eq(mc_begin(db), MC_OK);
    ck_assert_int_eq(mc_query_page_begin(q, 1, 2, &info), MC_OK);
    ck_assert_int_eq(mc_txn_depth(db), 2);
    ck_assert_int_eq(mc_query_page_end(q, &info, MC_NOMEM), MC_NOMEM);
    ck_assert_int_eq(mc_txn_depth(db), 1);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    mc_query_free(q);
    mc_close(db);
}
END_TEST

/* Columns named rowid, _rowid_ and oid hide the rowid: a limited delete
 * uses the first name left, or refuses when none is. */
START_TEST(delete_through_a_hidden_rowid)
{
    mc_db *db = open_memory();
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE s (\"rowid\" TEXT, n INTEGER);"
                                 "INSERT INTO s VALUES ('x', 1), ('x', 2), ('x', 3), ('x', 4);"
                                 "CREATE TABLE h (rowid TEXT, _rowid_ TEXT, \"OID\" TEXT, n INTEGER);"
                                 "INSERT INTO h VALUES ('a', 'a', 'a', 1), ('b', 'b', 'b', 2)"),
                     MC_OK);
    static const char *const s_cols[] = {"\"rowid\"", "n"};
    static const mc_table_meta s_meta = {"s", "s", "\"rowid\", n", 2, s_cols, NULL};
    mc_query *q = mc_query_new(db, &s_meta);
    mc_query_order_by(q, 1, 1);
    mc_query_limit(q, 2);
    int64_t n = -1;
    ck_assert_int_eq(mc_query_delete(q, NULL, 0, &n), MC_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(sql_int(db, "SELECT sum(n) FROM s"), 3);     /* 4 and 3 went */
    mc_query_free(q);

    static const char *const h_cols[] = {"rowid", "_rowid_", "\"OID\"", "n"};
    static const mc_table_meta h_meta = {"h", "h", "rowid, _rowid_, \"OID\", n", 4, h_cols, NULL};
    q = mc_query_new(db, &h_meta);
    mc_query_offset(q, 1);
    ck_assert_int_eq(mc_query_delete(q, NULL, 0, &n), MC_INVALID);
    assert_msg_has(db, "h: cannot delete through a query with limit, offset or cascades");
    ck_assert_int_eq(n, 0);
    mc_query_free(q);
    q = mc_query_new(db, &h_meta);                          /* no window: no rowid needed */
    mc_query_where_int(q, 3, MC_EQ, 2);
    ck_assert_int_eq(mc_query_delete(q, NULL, 0, &n), MC_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM h"), 1);
    mc_query_free(q);
    mc_close(db);
}
END_TEST

/* The cascade's children are deleted first; when the parents' own DELETE
 * then fails, the children are back. */
START_TEST(delete_cascade_is_all_or_nothing)
{
    mc_db *db = open_memory();
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE p (id INTEGER PRIMARY KEY, n INTEGER);"
                                 "CREATE TABLE c (p_id INTEGER REFERENCES p (id));"
                                 "CREATE TABLE d (p_id INTEGER REFERENCES p (id));"
                                 "INSERT INTO p VALUES (1, 10), (2, 20), (3, 30);"
                                 "INSERT INTO c VALUES (1), (1), (2), (3);"
                                 "INSERT INTO d VALUES (2)"),
                     MC_OK);
    static const char *const p_cols[] = {"id", "n"};
    static const mc_table_meta p_meta = {"p", "p", "id, n", 2, p_cols, NULL};
    static const char *const cascade[] = {"DELETE FROM c WHERE p_id IN "};
    mc_query *q = mc_query_new(db, &p_meta);
    mc_query_where_int(q, 1, MC_LE, 20);
    int64_t n = -1;
    ck_assert_int_eq(mc_query_delete(q, cascade, 1, &n), MC_CONSTRAINT);  /* d refers to 2 */
    assert_msg_has(db, "FOREIGN KEY");
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM c"), 4);
    ck_assert_int_eq(mc_txn_depth(db), 0);
    mc_query_order_by(q, 1, 0);
    mc_query_limit(q, 1);                                   /* only p 1 */
    ck_assert_int_eq(mc_query_delete(q, cascade, 1, &n), MC_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM c"), 2);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM p"), 2);
    mc_query_free(q);
    mc_close(db);
}
END_TEST

/* Keys at the ends of int64, negative, repeated: every distinct key goes
 * into the statement once and comes back to every position that has it. */
START_TEST(eager_keys_round_trip)
{
    mc_db *db = open_memory();
    enum { N = 3000 };
    int64_t *keys = malloc(N * sizeof *keys);
    mc_eager *e = mc_eager_new(db, N, "t");
    ck_assert_ptr_nonnull(e);
    for (size_t i = 0; i < N; i++) {
        keys[i] = i % 3 == 0 ? INT64_MIN + (int64_t)(i % 7) : i % 3 == 1 ? INT64_MAX - (int64_t)(i % 11)
                                                                            : (int64_t)(i % 500) - 250;
        if (i % 13 != 12)   /* some positions have no key (NULL) */
            ck_assert_int_eq(mc_eager_key(e, i, keys[i]), MC_OK);
    }
    mc_stmt *st;
    ck_assert_int_eq(mc_eager_run(e, "SELECT value FROM json_each(?)", &st), MC_OK);
    size_t seen = 0, rows = 0;
    int rc;
    while ((rc = mc_eager_step(e)) == MC_OK) {
        int64_t k = mc_stmt_column_int64(st, 0);
        rows++;
        for (size_t at = mc_eager_first(e, k); at != MC_EAGER_NONE; at = mc_eager_next(e, at)) {
            ck_assert_msg(keys[at] == k && at % 13 != 12, "position %zu came back for key %lld", at, (long long)k);
            seen++;
        }
    }
    ck_assert_int_eq(rc, MC_DONE);
    ck_assert_uint_eq(rows, 7 + 11 + 500);                  /* distinct keys */
    ck_assert_uint_eq(seen, N - N / 13);
    ck_assert_uint_eq(mc_eager_first(e, 12345), MC_EAGER_NONE);
    ck_assert_int_eq(mc_eager_key(e, N, 1), MC_MISUSE);
    mc_eager_free(e);
    mc_eager_free(NULL);

    e = mc_eager_new(db, 0, "t");                           /* no keys: no statement */
    ck_assert_int_eq(mc_eager_run(e, "SELECT value FROM json_each(?)", &st), MC_DONE);
    ck_assert_ptr_null(st);
    mc_eager_free(e);
    free(keys);
    mc_close(db);
}
END_TEST

/* Text keys survive the JSON array byte for byte, whatever they hold. */
START_TEST(eager_text_keys_round_trip)
{
    mc_db *db = open_memory();
    const char *keys[] = {"plain", "q\"uote", "back\\slash", "ctl\001\n\t\037", "\xe6\x97\xa5\xe6\x9c\xac",
                          "", "12", "[1]", "plain", "", "\\u0041"};
    enum { N = sizeof keys / sizeof keys[0] };
    mc_eager *e = mc_eager_new(db, N, "t");
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(mc_eager_key_text(e, i, keys[i]), MC_OK);
    ck_assert_int_eq(mc_eager_key_text(e, 0, NULL), MC_MISUSE);
    mc_stmt *st;
    ck_assert_int_eq(mc_eager_run(e, "SELECT value, typeof(value) FROM json_each(?)", &st), MC_OK);
    size_t rows = 0, seen = 0;
    int rc;
    while ((rc = mc_eager_step(e)) == MC_OK) {
        const char *k = (const char *)sqlite3_column_text(st->lite, 0);
        ck_assert_str_eq((const char *)sqlite3_column_text(st->lite, 1), "text");
        rows++;
        for (size_t at = mc_eager_first_text(e, k); at != MC_EAGER_NONE; at = mc_eager_next(e, at)) {
            ck_assert_str_eq(keys[at], k);
            seen++;
        }
    }
    ck_assert_int_eq(rc, MC_DONE);
    ck_assert_uint_eq(rows, N - 2);
    ck_assert_uint_eq(seen, N);
    ck_assert_uint_eq(mc_eager_first_text(e, "absent"), MC_EAGER_NONE);
    ck_assert_uint_eq(mc_eager_first_text(e, NULL), MC_EAGER_NONE);
    mc_eager_free(e);
    mc_close(db);
}
END_TEST

START_TEST(list_grow_keeps_and_zeroes)
{
    int64_t *items = NULL;
    for (size_t n = 0; n < 1000; n++) {
        int64_t *p = mc_list_grow(NULL, items, n, sizeof *items);
        ck_assert_ptr_nonnull(p);
        items = p;
        ck_assert_int_eq(items[n], 0);
        items[n] = (int64_t)n * 7;
    }
    for (size_t n = 0; n < 1000; n++)
        ck_assert_int_eq(items[n], (int64_t)n * 7);
    free(items);
}
END_TEST

/* teams.model: generated, compiled with -Werror (the header as C++ too),
 * and teams_app.c run on a fresh database (under valgrind with
 * MODELC_VALGRIND=1). */
START_TEST(eager_over_text_and_smallint_keys)
{
    char *dir = tu_mkdtemp();
    const char *schema = tu_path("tests/programs/teams.model");
    char *cmd = tu_fmt("%s generate %s -o %s && %s sql %s > %s/teams.sql", tu_modelc(), schema, dir, tu_modelc(),
                       schema, dir);
    sh_ok("modelc generate / sql", cmd, 60);
    free(cmd);
    cmd = tu_fmt("cc " WARN " %s -I%s -I%s -I%s -o %s/app %s %s/teams.c %s/libmodelc.a -lsqlite3", tu_cflags(), dir,
                 tu_path("runtime"), tu_path("tests/programs"), dir, tu_path("tests/programs/teams_app.c"), dir,
                 tu_build());
    sh_ok("building teams_app", cmd, 120);
    free(cmd);
    cmd = tu_fmt("command -v g++ >/dev/null 2>&1 || exit 0; g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror "
                 "-fsyntax-only -I%s %s/teams.h", tu_path("runtime"), dir);
    sh_ok("compiling teams.h as C++", cmd, 60);
    free(cmd);
    char *app = tu_fmt("%s/app", dir), *db = tu_fmt("%s/test.db", dir), *sql = tu_fmt("%s/teams.sql", dir);
    const char *plain[] = {app, db, sql, NULL};
    const char *vg[] = {"valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
                        "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
                        app, db, sql, NULL};
    tu_result r = tu_run(under_valgrind() ? vg : plain, NULL, under_valgrind() ? 300 : 60);
    ck_assert_msg(r.status == 0 && strstr(r.out, "checks passed") && !r.err[0], "teams_app exited %d:\n%s%s",
                  r.status, r.out, r.err);
    tu_result_free(&r);
    free(app);
    free(db);
    free(sql);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pages");
    TCase *tc = tcase_create("pages");
    tcase_set_timeout(tc, under_valgrind() ? 900 : 180);
    tcase_add_test(tc, page_numbers_match_paginate);
    tcase_add_test(tc, page_extremes_and_refusals);
    tcase_add_test(tc, delete_through_a_hidden_rowid);
    tcase_add_test(tc, delete_cascade_is_all_or_nothing);
    tcase_add_test(tc, eager_keys_round_trip);
    tcase_add_test(tc, eager_text_keys_round_trip);
    tcase_add_test(tc, list_grow_keeps_and_zeroes);
    tcase_add_test(tc, eager_over_text_and_smallint_keys);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
