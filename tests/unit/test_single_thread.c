/*
 * test_single_thread.c -- mc_open_options.single_thread: the connection
 * is opened with SQLITE_OPEN_NOMUTEX (SQLite then has no mutex for it:
 * sqlite3_db_mutex is NULL), and everything works on it as usual.  The
 * default keeps SQLite's own threading mode.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "modelc.h"
#include "testutil.h"

START_TEST(single_thread_has_no_connection_mutex)
{
    char *dir = tu_mkdtemp();
    char *path = tu_fmt("%s/t.db", dir);
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, path, &o), MC_OK);
    if (sqlite3_threadsafe() == 0)
        ck_assert_ptr_null(sqlite3_db_mutex(mc_sqlite(db)));
    else
        ck_assert_ptr_nonnull(sqlite3_db_mutex(mc_sqlite(db)));   /* the default: SQLite's mode */
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)"), MC_OK);
    mc_close(db);

    o.single_thread = 1;
    ck_assert_int_eq(mc_open(&db, path, &o), MC_OK);
    ck_assert_ptr_null(sqlite3_db_mutex(mc_sqlite(db)));
    ck_assert_int_eq(mc_begin(db), MC_OK);
    sqlite3_stmt *st = mc_prepare(db, "INSERT INTO t (s) VALUES (?)");
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(mc_bind_text(db, st, 1, "x"), MC_OK);
    ck_assert_int_eq(mc_step(db, st, "t"), MC_DONE);
    mc_release(db, st);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    st = mc_prepare(db, "SELECT count(*) FROM t");
    ck_assert_int_eq(mc_step(db, st, "t"), MC_OK);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
    mc_release(db, st);
    mc_close(db);
    free(path);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("single_thread");
    TCase *tc = tcase_create("open");
    tcase_add_test(tc, single_thread_has_no_connection_mutex);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
