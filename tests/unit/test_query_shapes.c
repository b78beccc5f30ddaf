/*
 * test_query_shapes.c -- the query builder finds a statement by the shape
 * of a query (table, result columns, WHERE and ORDER BY text, paging)
 * without building its SQL again.  These tests hold that a reused shape
 * never returns another shape's rows, that values are bound afresh each
 * time (texts of every length, copied before the caller's buffer
 * changes), that queries outgrowing the in-struct storage stay right, and
 * that first() with its literal LIMIT 1 keeps the query's own limit and
 * offset.  The memo tests hold the spare query's memory of the last
 * shape it ran to the same: never another shape's statement.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "modelc.h"
#include "testutil.h"

static const char *const cols[] = {"id", "name", "n"};
static const mc_table_meta meta = {"t", "t", "id, name, n", 3, cols, NULL};
static const mc_table_meta other = {"u", "u", "id, name, n", 3, cols, NULL};

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

/* ---- the memo: the spare query remembers the shape it last ran ------------ */

/* ids of a fresh query (the connection's spare, with the memo of the
 * query before) built by `build`, then freed. */
typedef void (*builder_fn)(mc_query *q);

static void run_fresh(mc_db *db, const mc_table_meta *m, builder_fn build, char *out, size_t cap)
{
    mc_query *q = mc_query_new(db, m);
    ck_assert_ptr_nonnull(q);
    build(q);
    ids(q, out, cap);
    mc_query_free(q);
}

/* u: id 1..20, name 'u<id>', n 100 + id; t: n = id % 5. */
static void name_then_n(mc_query *q)
{
    mc_query_where_text(q, 1, MC_EQ, "u3");
    mc_query_where_int(q, 2, MC_GT, 100);
}
static void n_then_name(mc_query *q)
{
    mc_query_where_int(q, 2, MC_GT, 100);
    mc_query_where_text(q, 1, MC_EQ, "u3");
}
static void id_eq_4(mc_query *q) { mc_query_where_int(q, 0, MC_EQ, 4); }
static void n_eq_4(mc_query *q) { mc_query_where_int(q, 2, MC_EQ, 4); }
static void id_ne_4(mc_query *q) { mc_query_where_int(q, 0, MC_NE, 4); mc_query_where_int(q, 0, MC_LT, 7); }
static void id_eq_4_lt_7(mc_query *q) { mc_query_where_int(q, 0, MC_EQ, 4); mc_query_where_int(q, 0, MC_LT, 7); }
static void name_null(mc_query *q) { mc_query_where_text(q, 1, MC_EQ, NULL); }
static void name_u5(mc_query *q) { mc_query_where_text(q, 1, MC_EQ, "u5"); }
static void lt_5_desc(mc_query *q) { mc_query_where_int(q, 0, MC_LT, 5); mc_query_order_by(q, 0, 1); }
static void lt_5_asc(mc_query *q) { mc_query_where_int(q, 0, MC_LT, 5); mc_query_order_by(q, 0, 0); }
static void lt_5_asc_limit_2(mc_query *q) { lt_5_asc(q); mc_query_limit(q, 2); }
static void lt_5_asc_offset_3(mc_query *q) { lt_5_asc(q); mc_query_offset(q, 3); }
static void in_2(mc_query *q) { mc_query_where_in_int(q, 0, (const int64_t[]){2, 3}, 2); }
static void in_3(mc_query *q) { mc_query_where_in_int(q, 0, (const int64_t[]){2, 3, 4}, 3); }
static void in_none(mc_query *q) { mc_query_where_in_int(q, 0, NULL, 0); }

/* Consecutive queries on one connection whose shapes a careless key would
 * confuse (the same records in another order, another column, operator,
 * NULL test, direction, window, IN length, table): each returns its own
 * rows, both ways round and again. */
START_TEST(memo_never_mixes_shapes)
{
    static const struct {
        const mc_table_meta *m;
        builder_fn build;
        const char *want;
    } cases[] = {
        {&other, name_then_n, "3"},       {&other, n_then_name, "3"},
        {&meta, id_eq_4, "4"},            {&meta, n_eq_4, "4,9,14,19"},
        {&other, n_eq_4, ""},
        {&meta, id_ne_4, "1,2,3,5,6"},    {&meta, id_eq_4_lt_7, "4"},
        {&other, name_null, ""},          {&other, name_u5, "5"},
        {&meta, lt_5_desc, "4,3,2,1"},    {&meta, lt_5_asc, "1,2,3,4"},
        {&meta, lt_5_asc_limit_2, "1,2"}, {&meta, lt_5_asc_offset_3, "4"},
        {&meta, in_2, "2,3"},             {&meta, in_3, "2,3,4"},
        {&meta, in_none, ""},
    };
    size_t n = sizeof cases / sizeof cases[0];
    mc_db *db = open_db();
    char got[512];
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < n; i++) {
            /* forwards, backwards, then each case twice in a row */
            size_t k = round == 1 ? n - 1 - i : i;
            for (int again = 0; again < (round == 2 ? 2 : 1); again++) {
                run_fresh(db, cases[k].m, cases[k].build, got, sizeof got);
                ck_assert_msg(strcmp(got, cases[k].want) == 0, "round %d case %zu: got \"%s\", want \"%s\"",
                              round, k, got, cases[k].want);
            }
            /* and right after its neighbour */
            size_t j = (k + 1) % n;
            run_fresh(db, cases[j].m, cases[j].build, got, sizeof got);
            ck_assert_str_eq(got, cases[j].want);
        }
    mc_close(db);
}
END_TEST

/* A query that overwrote the memo's records and was freed without
 * running must not leave the memo behind: the next query with those
 * records is its own shape (n = 3), not the memo's (id = 3). */
START_TEST(memo_after_a_query_never_run)
{
    mc_db *db = open_db();
    char got[512];
    mc_query *q = mc_query_new(db, &meta);
    mc_query_where_int(q, 0, MC_EQ, 3);     /* id = 3: the memo */
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "3");
    mc_query_free(q);

    q = mc_query_new(db, &meta);            /* the spare, never run */
    mc_query_where_int(q, 2, MC_EQ, 3);
    mc_query_free(q);

    q = mc_query_new(db, &meta);
    mc_query_where_int(q, 2, MC_EQ, 3);     /* n = 3 */
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "3,8,13,18");
    mc_query_free(q);

    /* the same with an order: ORDER BY id DESC overwritten by n ASC */
    q = mc_query_new(db, &meta);
    mc_query_where_int(q, 0, MC_LT, 4);
    mc_query_order_by(q, 0, 1);
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "3,2,1");
    mc_query_free(q);
    q = mc_query_new(db, &meta);
    mc_query_where_int(q, 0, MC_LT, 4);
    mc_query_order_by(q, 2, 0);
    mc_query_free(q);
    q = mc_query_new(db, &meta);
    mc_query_where_int(q, 0, MC_LT, 4);
    mc_query_order_by(q, 2, 1);
    mc_query_order_by(q, 0, 0);
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "3,2,1");         /* n DESC: 3, 2, 1 */
    mc_query_free(q);
    q = mc_query_new(db, &meta);
    mc_query_where_int(q, 0, MC_LT, 7);
    mc_query_order_by(q, 2, 0);
    mc_query_order_by(q, 0, 1);
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "5,6,1,2,3,4");   /* n: 0, 1, 1, 2, 3, 4 */
    mc_query_free(q);
    mc_close(db);
}
END_TEST

/* One query run, given more filters, run again, and first() between:
 * each run has the filters it has then.  Two live queries of one shape
 * (the second cannot take the memo's busy statement) interleave. */
START_TEST(memo_query_reused_with_more_filters)
{
    mc_db *db = open_db();
    char got[512];
    mc_stmt *row;
    mc_query *q = mc_query_new(db, &meta);
    mc_query_where_int(q, 0, MC_LE, 10);
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "1,2,3,4,5,6,7,8,9,10");
    mc_query_where_int(q, 2, MC_EQ, 2);
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "2,7");
    ck_assert_int_eq(mc_query_first(q, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 2);
    mc_query_order_by(q, 0, 1);
    ck_assert_int_eq(mc_query_first(q, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 7);
    mc_query_rewind(q);
    ids(q, got, sizeof got);
    ck_assert_str_eq(got, "7,2");
    mc_query_free(q);

    mc_query *a = mc_query_new(db, &meta), *b = mc_query_new(db, &meta);
    mc_query_where_int(a, 2, MC_EQ, 1);
    mc_query_where_int(b, 2, MC_EQ, 4);
    mc_stmt *ra, *rb;
    ck_assert_int_eq(mc_query_step(a, &ra), MC_OK);
    ck_assert_int_eq(mc_query_step(b, &rb), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(ra, 0), 1);
    ck_assert_int_eq(mc_stmt_column_int64(rb, 0), 4);
    ck_assert_int_eq(mc_query_step(a, &ra), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(ra, 0), 6);
    mc_query_free(a);
    ck_assert_int_eq(mc_query_step(b, &rb), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(rb, 0), 9);
    mc_query_free(b);
    run_fresh(db, &meta, n_eq_4, got, sizeof got);
    ck_assert_str_eq(got, "4,9,14,19");

    /* c runs the memo's shape and holds its statement; d, a new struct,
     * gets another of the chain and leaves its memo in the spare; e takes
     * that spare: the memo's statement is c's, busy, so e gets its own. */
    mc_query *c = mc_query_new(db, &meta), *d = mc_query_new(db, &meta);
    n_eq_4(c);
    n_eq_4(d);
    mc_stmt *rc_, *rd, *re;
    ck_assert_int_eq(mc_query_step(c, &rc_), MC_OK);
    ck_assert_int_eq(mc_query_step(d, &rd), MC_OK);
    mc_query_free(d);
    mc_query *e = mc_query_new(db, &meta);
    n_eq_4(e);
    ck_assert_int_eq(mc_query_step(e, &re), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(re, 0), 4);
    ck_assert_int_eq(mc_query_step(e, &re), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(re, 0), 9);
    ck_assert_int_eq(mc_query_step(c, &rc_), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(rc_, 0), 9);     /* c's own run, undisturbed */
    mc_query_free(e);
    mc_query_free(c);
    mc_close(db);
}
END_TEST

/* The spare with its memo, and queries that ran with it, outlive the
 * connection: freed after mc_close (ASan/valgrind hold them to it). */
START_TEST(memo_queries_freed_after_close)
{
    mc_db *db = open_db();
    char got[512];
    mc_stmt *row;
    run_fresh(db, &meta, id_eq_4, got, sizeof got);         /* the spare has a memo */
    mc_query *running = mc_query_new(db, &meta);            /* takes the spare */
    id_eq_4(running);
    ck_assert_int_eq(mc_query_step(running, &row), MC_OK);  /* through the memo */
    mc_query *done = mc_query_new(db, &meta);
    id_eq_4(done);
    ids(done, got, sizeof got);
    ck_assert_str_eq(got, "4");
    mc_query *grown = mc_query_new(db, &meta);
    for (int k = 0; k < 9; k++)
        mc_query_where_text(grown, 1, MC_NE, "a text too long for the struct's own copy of it");
    mc_close(db);
    mc_query_free(done);
    mc_query_free(running);
    mc_query_free(grown);
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
    tcase_add_test(tc, memo_never_mixes_shapes);
    tcase_add_test(tc, memo_after_a_query_never_run);
    tcase_add_test(tc, memo_query_reused_with_more_filters);
    tcase_add_test(tc, memo_queries_freed_after_close);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
