/*
 * test_query_shapes.c -- the query builder finds a statement by the shape
 * of a query (table, result columns, WHERE and ORDER BY text, paging)
 * without building its SQL again.  These tests hold that a reused shape
 * never returns another shape's rows, that values are bound afresh each
 * time (texts of every length, copied before the caller's buffer
 * changes), that queries outgrowing the in-struct storage stay right, and
 * that first() with its literal LIMIT 1 keeps the query's own limit and
 * offset.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "modelc.h"
#include "testutil.h"

static const char *const cols[] = {"id", "name", "n"};
static const mc_table_meta meta = {"t", "t", "id, name, n", 3, cols};
static const mc_table_meta other = {"u", "u", "id, name, n", 3, cols};

static mc_db *open_db(void)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER);"
                                 "CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT, n INTEGER);"),
                     MC_OK);
    for (int i = 1; i <= 20; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO t VALUES (%d, 'name-%02d-a-rather-long-name-past-the-inline-buffer', %d);"
                 "INSERT INTO u VALUES (%d, 'u%d', %d)",
                 i, i, i % 5, i, i, 100 + i);
        ck_assert_int_eq(mc_exec(db, sql), MC_OK);
    }
    return db;
}

/* The ids the query returns, as "1,2,3". */
static void ids(mc_query *q, char *out, size_t cap)
{
    mc_stmt *row;
    size_t len = 0;
    out[0] = '\0';
    while (mc_query_step(q, &row) == MC_OK)
        len += (size_t)snprintf(out + len, cap - len, "%s%lld", len ? "," : "", (long long)mc_stmt_column_int64(row, 0));
}

START_TEST(same_shape_new_values)
{
    mc_db *db = open_db();
    char got[512];
    for (int k = 0; k < 5; k++) {
        mc_query *q = mc_query_new(db, &meta);
        mc_query_where_int(q, 2, MC_EQ, k);
        mc_query_order_by(q, 0, 1);
        ids(q, got, sizeof got);
        char want[512] = "";
        size_t len = 0;
        for (int i = 20; i >= 1; i--)
            if (i % 5 == k)
                len += (size_t)snprintf(want + len, sizeof want - len, "%s%d", len ? "," : "", i);
        ck_assert_str_eq(got, want);
        mc_query_free(q);
    }
    mc_close(db);
}
END_TEST

/* Shapes that differ only in table, operator, order direction or paging
 * each get their own statement. */
START_TEST(shapes_never_mix)
{
    mc_db *db = open_db();
    char got[512];
    mc_query *a = mc_query_new(db, &meta), *b = mc_query_new(db, &other);
    mc_query_where_int(a, 0, MC_LE, 3);
    mc_query_where_int(b, 0, MC_LE, 3);
    ids(a, got, sizeof got);
    ck_assert_str_eq(got, "1,2,3");
    mc_stmt *row;
    ck_assert_int_eq(mc_query_step(b, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 2), 101);     /* u's row, not t's */
    mc_query_free(a);
    mc_query_free(b);

    a = mc_query_new(db, &meta);
    mc_query_where_int(a, 0, MC_LT, 3);
    ids(a, got, sizeof got);
    ck_assert_str_eq(got, "1,2");
    mc_query_free(a);

    a = mc_query_new(db, &meta);
    mc_query_where_int(a, 0, MC_LT, 4);
    mc_query_order_by(a, 0, 1);
    ids(a, got, sizeof got);
    ck_assert_str_eq(got, "3,2,1");
    mc_query_free(a);

    a = mc_query_new(db, &meta);
    mc_query_where_int(a, 0, MC_LT, 4);
    mc_query_order_by(a, 0, 0);
    mc_query_limit(a, 2);
    ids(a, got, sizeof got);
    ck_assert_str_eq(got, "1,2");
    mc_query_offset(a, 1);
    ids(a, got, sizeof got);
    ck_assert_str_eq(got, "2,3");
    int64_t n;
    ck_assert_int_eq(mc_query_count(a, &n), MC_OK);
    ck_assert_int_eq(n, 2);
    mc_query_free(a);
    mc_close(db);
}
END_TEST

/* Texts shorter and longer than the in-struct copy; the caller's buffer
 * may change right after the call. */
START_TEST(text_values_are_copied)
{
    mc_db *db = open_db();
    char buf[128], got[512];
    for (int i = 1; i <= 20; i += 7) {
        snprintf(buf, sizeof buf, "name-%02d-a-rather-long-name-past-the-inline-buffer", i);
        mc_query *q = mc_query_new(db, &meta);
        mc_query_where_text(q, 1, MC_EQ, buf);
        memset(buf, 'x', sizeof buf - 1);
        ids(q, got, sizeof got);
        char want[16];
        snprintf(want, sizeof want, "%d", i);
        ck_assert_str_eq(got, want);
        mc_query_free(q);
    }
    mc_query *q = mc_query_new(db, &other);
    snprintf(buf, sizeof buf, "u7");
    mc_query_where_text(q, 1, MC_EQ, buf);
    buf[1] = '8';
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "7");
    mc_query_free(q);
    mc_close(db);
}
END_TEST

/* Many predicates and a long ORDER BY: the texts and values move to the
 * heap, and the shape is still found again. */
START_TEST(queries_that_outgrow_the_struct)
{
    mc_db *db = open_db();
    char got[512];
    for (int round = 0; round < 2; round++) {
        mc_query *q = mc_query_new(db, &meta);
        for (int k = 0; k < 12; k++)
            mc_query_where_int(q, 0, MC_NE, 2 * k + 1);        /* no odd id up to 23 */
        const char *const names[] = {"name-02-a-rather-long-name-past-the-inline-buffer", "nope", "u3"};
        mc_query_where_in_text(q, 1, names, 3);
        mc_query_where_in_int(q, 2, (const int64_t[]){0, 1, 2, 3, 4, 5, 6}, 7);
        for (int k = 0; k < 6; k++)
            mc_query_order_by(q, k % 3, k % 2);
        ids(q, got, sizeof got);
        ck_assert_str_eq(got, "2");
        mc_query_free(q);
    }
    mc_close(db);
}
END_TEST

START_TEST(first_keeps_limit_and_offset)
{
    mc_db *db = open_db();
    mc_stmt *row;
    char got[512];
    mc_query *q = mc_query_new(db, &meta);
    mc_query_order_by(q, 0, 0);
    mc_query_offset(q, 5);
    mc_query_limit(q, 3);
    ck_assert_int_eq(mc_query_first(q, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 6);      /* first after the offset */
    mc_query_rewind(q);
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "6,7,8");                         /* the query's own limit again */
    mc_query_limit(q, 0);
    ck_assert_int_eq(mc_query_first(q, &row), MC_DONE);     /* LIMIT 0: nothing */
    mc_query_limit(q, -1);
    mc_query_offset(q, -1);
    ck_assert_int_eq(mc_query_first(q, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 1);
    mc_query_rewind(q);
    mc_query_free(q);
    mc_close(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("query_shapes");
    TCase *tc = tcase_create("shapes");
    tcase_add_test(tc, same_shape_new_values);
    tcase_add_test(tc, shapes_never_mix);
    tcase_add_test(tc, text_values_are_copied);
    tcase_add_test(tc, queries_that_outgrow_the_struct);
    tcase_add_test(tc, first_keeps_limit_and_offset);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
