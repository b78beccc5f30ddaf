/*
 * test_pg_fetch.c -- whole results and streaming on PostgreSQL
 * (make check's server; without one these tests say they skip).
 *
 * The runtime: mc_stmt_step_flags(MC_STEP_WHOLE) reads every row of one
 * result at its own tuple (numbers, text, booleans, bytea, timestamps,
 * NULLs, lent values), runs again after DONE, fails as a whole on a
 * server error in a later row and leaves the connection usable; a whole
 * result taken while another statement streams leaves the stream intact;
 * a query holding a whole result may be freed after mc_close.
 *
 * The generated code: tests/programs/fetch_app.c over
 * tests/programs/fetch.model, compiled once and run on a SQLite file and
 * on a PostgreSQL schema (lists of many rows by every path, first() and
 * the one-row forms over many rows, streams with lists in between, a
 * division by zero on a later row of a named query).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "modelc.h"
#include "pgschema.h"
#include "testutil.h"

#define WARN "-std=c11 -Wall -Wextra -Wpedantic -Werror"

char *mci_pg_placeholders(const char *sql, int *nparams);     /* runtime/pg_sql.c */

/* Named queries' `:name` parameters, numbered as SQLite numbers them. */
START_TEST(named_parameters_become_numbers)
{
    int n = 0;
    char *s = mci_pg_placeholders("SELECT * FROM post WHERE user_id = :user_id OR user_id IN "
                                  "(SELECT a FROM f WHERE b = :user_id) LIMIT :per_page OFFSET :skip", &n);
    ck_assert_str_eq(s, "SELECT * FROM post WHERE user_id = $1 OR user_id IN (SELECT a FROM f WHERE b = $1) "
                        "LIMIT $2 OFFSET $3");
    ck_assert_int_eq(n, 3);
    free(s);
    s = mci_pg_placeholders("SELECT x::text, ':a', \":b\", a[1:2], :b_2, ?, :c -- :d\n", &n);
    ck_assert_str_eq(s, "SELECT x::text, ':a', \":b\", a[1:2], $1, $2, $3 -- :d\n");
    ck_assert_int_eq(n, 3);
    free(s);
}
END_TEST

/* A connection to a fresh schema `name`; NULL when the test skips. */
static mc_db *open_schema(const char *name)
{
    return tu_pg_open_schema("test_pg_fetch", name);
}

static void exec_ok(mc_db *db, const char *sql)
{
    ck_assert_msg(mc_exec(db, sql) == MC_OK, "%s: %s", sql, mc_errmsg(db));
}

START_TEST(whole_result_reads_each_row_at_its_own_tuple)
{
    mc_db *db = open_schema("pgf_rows");
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE t (id SERIAL PRIMARY KEY, n INTEGER, s TEXT, b BOOLEAN, y BYTEA, ts TIMESTAMP)");
    exec_ok(db, "INSERT INTO t (n, s, b, y, ts) SELECT g, 'row ' || g, g % 2 = 0, "
                "decode(lpad(to_hex(g), 4, '0'), 'hex'), TIMESTAMP '2020-01-01' + g * INTERVAL '1 minute' "
                "FROM generate_series(1, 300) g");
    exec_ok(db, "UPDATE t SET s = NULL, n = NULL WHERE id = 150");
    mc_stmt *st = mc_stmt_prepare(db, "SELECT \"n\", \"s\", \"b\", \"y\", \"ts\" FROM \"t\" WHERE \"id\" > ? ORDER BY \"id\"");
    ck_assert_ptr_nonnull(st);
    for (int run = 0; run < 2; run++) {     /* again after DONE: the statement runs anew */
        ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 0), MC_RC_OK);
        int rc, k = 0;
        while ((rc = mc_stmt_step_flags(st, MC_STEP_WHOLE)) == MC_RC_ROW) {
            k++;
            char want[32], *text = NULL, *lent = NULL, stamp[32];
            mc_blob blob;
            if (k == 150) {
                ck_assert(mc_stmt_column_is_null(st, 0));
                ck_assert(mc_stmt_column_is_null(st, 1));
                ck_assert_int_eq(mc_stmt_column_text(db, st, 1, &text), MC_OK);
                ck_assert_ptr_null(text);
            } else {
                ck_assert_int_eq(mc_stmt_column_int64(st, 0), k);
                snprintf(want, sizeof want, "row %d", k);
                ck_assert_int_eq(mc_stmt_column_text(db, st, 1, &text), MC_OK);
                ck_assert_str_eq(text, want);
                ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 1, &lent), MC_OK);
                ck_assert_str_eq(lent, want);
                free(text);
            }
            ck_assert_int_eq(mc_stmt_column_int(st, 2), k % 2 == 0);
            ck_assert_int_eq(mc_stmt_column_blob(db, st, 3, &blob), MC_OK);
            ck_assert_uint_eq(blob.len, 2);
            ck_assert_int_eq(((unsigned char *)blob.data)[0] * 256 + ((unsigned char *)blob.data)[1], k);
            free(blob.data);
            ck_assert_int_eq(mc_stmt_column_blob_lent(db, st, 3, &blob), MC_OK);
            ck_assert_int_eq(((unsigned char *)blob.data)[1], k % 256);
            snprintf(stamp, sizeof stamp, "2020-01-01 %02d:%02d:00.000000", k / 60, k % 60);
            ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 4, &lent), MC_OK);
            ck_assert_str_eq(lent, stamp);
        }
        ck_assert_int_eq(rc, MC_RC_DONE);
        ck_assert_int_eq(k, 300);
    }
    /* released in the middle of a whole result: the rest is dropped */
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 290), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step_flags(st, MC_STEP_WHOLE), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_int64(st, 0), 291);
    mc_stmt_release(db, st);
    st = mc_stmt_prepare(db, "SELECT \"n\", \"s\", \"b\", \"y\", \"ts\" FROM \"t\" WHERE \"id\" > ? ORDER BY \"id\"");
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 298), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step_flags(st, MC_STEP_WHOLE), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_int64(st, 0), 299);
    ck_assert_int_eq(mc_stmt_step_flags(st, MC_STEP_WHOLE), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_int64(st, 0), 300);
    ck_assert_int_eq(mc_stmt_step_flags(st, MC_STEP_WHOLE), MC_RC_DONE);
    mc_stmt_release(db, st);
    mc_close(db);
}
END_TEST

/* Integers go out and come back as decimal text without snprintf and
 * strtoll: every digit count, both signs, the extremes, int2/int4/int8,
 * a numeric and a float read as integers, row counts. */
START_TEST(integers_round_trip_as_text)
{
    mc_db *db = open_schema("pgf_ints");
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE t (a BIGINT, b INTEGER, c SMALLINT, d NUMERIC(12, 2), e DOUBLE PRECISION)");
    static const int64_t big[] = {0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321, INT64_C(999999999999999999),
                                  INT64_C(1000000000000000000), INT64_C(-1000000000000000000), INT64_MAX, INT64_MIN,
                                  INT64_MAX - 1, INT64_MIN + 1};
    mc_stmt *ins = mc_stmt_prepare(db, "INSERT INTO \"t\" (\"a\", \"b\", \"c\", \"d\", \"e\") VALUES (?, ?, ?, ?, ?)");
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        ck_assert_int_eq(mc_stmt_bind_int64(ins, 1, big[i]), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_bind_int64(ins, 2, (int32_t)(big[i] % 2000000000)), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_bind_int64(ins, 3, (int16_t)(big[i] % 30000)), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_bind_int64(ins, 4, big[i] % 1000000000), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_bind_double(ins, 5, (double)(big[i] % 1000000) * 1.5), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_step(ins), MC_RC_DONE);
        ck_assert_int_eq(mc_changes(db), 1);
    }
    mc_stmt_release(db, ins);
    mc_stmt *st = mc_stmt_prepare(db, "SELECT \"a\", \"b\", \"c\", \"d\", \"e\", \"a\" = ? FROM \"t\" WHERE \"a\" = ?");
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        ck_assert_int_eq(mc_stmt_bind_int64(st, 1, big[i]), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_bind_int64(st, 2, big[i]), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_step_flags(st, MC_STEP_WHOLE), MC_RC_ROW);
        ck_assert_int_eq(mc_stmt_column_int64(st, 0), big[i]);
        ck_assert_int_eq(mc_stmt_column_int64(st, 1), (int32_t)(big[i] % 2000000000));
        ck_assert_int_eq(mc_stmt_column_int64(st, 2), (int16_t)(big[i] % 30000));
        ck_assert_int_eq(mc_stmt_column_int64(st, 3), big[i] % 1000000000);     /* "123.00" read as 123 */
        ck_assert_int_eq(mc_stmt_column_int64(st, 4), (int64_t)((double)(big[i] % 1000000) * 1.5));   /* x.5 truncated, as SQLite does */
        ck_assert_int_eq(mc_stmt_column_int64(st, 5), 1);
        ck_assert_int_eq(mc_stmt_step_flags(st, MC_STEP_WHOLE), MC_RC_DONE);
    }
    mc_stmt_release(db, st);
    exec_ok(db, "UPDATE t SET b = b");
    ck_assert_int_eq(mc_changes(db), (int64_t)(sizeof big / sizeof big[0]));
    mc_close(db);
}
END_TEST

START_TEST(whole_result_failing_on_a_later_row)
{
    mc_db *db = open_schema("pgf_fail");
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE t (id SERIAL PRIMARY KEY, n INTEGER)");
    exec_ok(db, "INSERT INTO t (n) SELECT g FROM generate_series(1, 1000) g");
    const char *sql = "SELECT \"id\", 100 / (\"n\" - ?) FROM \"t\"";
    for (int whole = 0; whole < 2; whole++) {
        mc_stmt *st = mc_stmt_prepare(db, sql);
        ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 900), MC_RC_OK);
        int rc, k = 0;
        while ((rc = mc_stmt_step_flags(st, whole ? MC_STEP_WHOLE : 0)) == MC_RC_ROW)
            k++;
        ck_assert_int_ne(rc, MC_RC_DONE);
        ck_assert_int_eq(mc_status_from_rc(db, rc, "t"), MC_INVALID);
        ck_assert_msg(strstr(mc_errmsg(db), "t: division by zero"), "%s", mc_errmsg(db));
        ck_assert_str_eq(mc_sqlstate(db), "22012");
        if (whole)
            ck_assert_int_eq(k, 0);     /* no row of a failed whole result */
        else
            ck_assert_int_le(k, 899);
        mc_stmt_release(db, st);

        /* the connection goes on: the same statement, another one */
        st = mc_stmt_prepare(db, sql);
        ck_assert_int_eq(mc_stmt_bind_int64(st, 1, -5), MC_RC_OK);
        k = 0;
        while ((rc = mc_stmt_step_flags(st, MC_STEP_WHOLE)) == MC_RC_ROW)
            k++;
        ck_assert_int_eq(rc, MC_RC_DONE);
        ck_assert_int_eq(k, 1000);
        mc_stmt_release(db, st);
        exec_ok(db, "UPDATE t SET n = n WHERE id = 1");
        ck_assert_int_eq(mc_changes(db), 1);
    }
    mc_close(db);
}
END_TEST

START_TEST(whole_result_while_another_streams)
{
    mc_db *db = open_schema("pgf_mix");
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE t (id SERIAL PRIMARY KEY, n INTEGER)");
    exec_ok(db, "INSERT INTO t (n) SELECT g FROM generate_series(1, 2000) g");
    mc_stmt *outer = mc_stmt_prepare(db, "SELECT \"n\" FROM \"t\" ORDER BY \"id\"");
    int rc, k = 0;
    while ((rc = mc_stmt_step(outer)) == MC_RC_ROW) {
        ck_assert_int_eq(mc_stmt_column_int64(outer, 0), ++k);
        if (k % 500 == 1) {
            mc_stmt *inner = mc_stmt_prepare(db, "SELECT \"n\" FROM \"t\" WHERE \"n\" > ? ORDER BY \"n\"");
            ck_assert_int_eq(mc_stmt_bind_int64(inner, 1, 1990), MC_RC_OK);
            int j = 0;
            while (mc_stmt_step_flags(inner, MC_STEP_WHOLE) == MC_RC_ROW)
                ck_assert_int_eq(mc_stmt_column_int64(inner, 0), 1991 + j++);
            ck_assert_int_eq(j, 10);
            mc_stmt_release(db, inner);
        }
    }
    ck_assert_int_eq(rc, MC_RC_DONE);
    ck_assert_int_eq(k, 2000);
    mc_stmt_release(db, outer);
    mc_close(db);
}
END_TEST

START_TEST(query_holding_a_whole_result_outlives_its_connection)
{
    static const char *const cols[] = {"\"n\""};
    static const mc_table_meta meta = {"t", "\"t\"", "\"n\"", 1, cols, NULL};
    mc_db *db = open_schema("pgf_zombie");
    mc_stmt *row;
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE t (n INTEGER)");
    exec_ok(db, "INSERT INTO t SELECT g FROM generate_series(1, 50) g");
    mc_query *whole = mc_query_new(db, &meta), *streaming = mc_query_new(db, &meta);
    mc_query_order_by(whole, 0, 0);
    mc_query_order_by(streaming, 0, 1);
    mc_query_restart(whole, MC_STEP_WHOLE);
    ck_assert_int_eq(mc_query_step(whole, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 1);
    ck_assert_int_eq(mc_query_step(whole, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 2);
    ck_assert_int_eq(mc_query_step(streaming, &row), MC_OK);     /* drains nothing of `whole` */
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 50);
    ck_assert_int_eq(mc_query_step(whole, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int64(row, 0), 3);
    mc_close(db);
    mc_query_free(whole);
    mc_query_free(streaming);
}
END_TEST

/* The bytes of address space this process has mapped (VmSize), or 0. */
static size_t mapped_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmSize: %lu kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return (size_t)kib * 1024;
}

/* A whole result larger than the memory the client may take fails as
 * docs/postgresql.md says: libpq's "out of memory for query result",
 * MC_ERROR, no row, and the connection goes on.  The client's address
 * space is capped at what it has mapped plus 64 MiB; the result is 256
 * MiB.  Not under valgrind or the sanitizers, whose allocators abort
 * rather than fail when a cap is met (the test says it skips). */
START_TEST(whole_result_larger_than_memory_fails)
{
    const char *vg = getenv("MODELC_VALGRIND");
    if ((vg && strcmp(vg, "1") == 0) || strstr(tu_cflags(), "sanitize")) {
        printf("test_pg_fetch: whole_result_larger_than_memory_fails skipped under valgrind/sanitizers\n");
        return;
    }
    mc_db *db = open_schema("pgf_oom");
    if (!db)
        return;
    struct rlimit was;
    ck_assert_int_eq(getrlimit(RLIMIT_AS, &was), 0);
    size_t cap = mapped_bytes() + ((size_t)64 << 20);
    ck_assert_int_gt(cap, (size_t)64 << 20);
    struct rlimit lim = {(rlim_t)cap, was.rlim_max};
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &lim), 0);
    mc_stmt *st = mc_stmt_prepare(db, "SELECT g, repeat('x', 1048576) FROM generate_series(1, 256) g");
    ck_assert_msg(st, "%s", mc_errmsg(db));
    int rc = mc_stmt_step_flags(st, MC_STEP_WHOLE);
    ck_assert_int_eq(setrlimit(RLIMIT_AS, &was), 0);
    ck_assert_msg(rc != MC_RC_ROW && rc != MC_RC_DONE, "a 256 MiB result within a 64 MiB cap: rc %d", rc);
    ck_assert_int_eq(mc_status_from_rc(db, rc, "t"), MC_ERROR);
    ck_assert_msg(strstr(mc_errmsg(db), "out of memory"), "%s", mc_errmsg(db));
    mc_stmt_release(db, st);

    /* the connection goes on */
    st = mc_stmt_prepare(db, "SELECT count(*) FROM generate_series(1, 256)");
    ck_assert_int_eq(mc_stmt_step_flags(st, MC_STEP_WHOLE), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_int64(st, 0), 256);
    mc_stmt_release(db, st);
    mc_close(db);
}
END_TEST

static void sh_ok(const char *what, const char *cmd, int timeout_s)
{
    tu_result r = tu_sh(cmd, timeout_s);
    ck_assert_msg(r.status == 0, "%s failed (exit %d)\n$ %s\n%s%s", what, r.status, cmd, r.out, r.err);
    tu_result_free(&r);
}

/* Runs dir/app on url with the DDL file ddl and checks it passed. */
static void run_app(const char *dir, const char *url, const char *ddl, const char *where)
{
    char *app = tu_fmt("%s/app", dir);
    const char *v = getenv("MODELC_VALGRIND");
    int valgrind = v && strcmp(v, "1") == 0;
    const char *plain[] = {app, url, ddl, NULL};
    const char *vg[] = {"valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
                        "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
                        app, url, ddl, NULL};
    tu_result r = tu_run(valgrind ? vg : plain, NULL, valgrind ? 600 : 120);
    ck_assert_msg(r.status == 0, "fetch_app on %s exited %d:\n%.1500s%.1500s", where, r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, "checks passed") != NULL, "fetch_app on %s said:\n%s%s", where, r.out, r.err);
    ck_assert_msg(r.err[0] == '\0', "fetch_app on %s wrote to stderr:\n%.1500s", where, r.err);
    tu_result_free(&r);
    free(app);
}

START_TEST(generated_code_fetches_whole_and_streams_on_both_databases)
{
    char *dir = tu_mkdtemp();
    const char *model = tu_path("tests/programs/fetch.model");
    char *cmd = tu_fmt("%s generate %s -o %s && %s sql %s > %s/sqlite.sql && %s sql --dialect postgresql %s > "
                       "%s/postgresql.sql",
                       tu_modelc(), model, dir, tu_modelc(), model, dir, tu_modelc(), model, dir);
    sh_ok("modelc generate and sql", cmd, 60);
    free(cmd);
    cmd = tu_fmt("cc " WARN " %s -I%s -I%s -I%s -o %s/app %s %s/fetch.c %s/libmodelc.a -lsqlite3", tu_cflags(), dir,
                 tu_path("runtime"), tu_path("tests/programs"), dir, tu_path("tests/programs/fetch_app.c"), dir,
                 tu_build());
    sh_ok("building the program", cmd, 180);
    free(cmd);

    char *file = tu_fmt("%s/app.db", dir), *ddl = tu_fmt("%s/sqlite.sql", dir);
    run_app(dir, file, ddl, "SQLite");
    free(file);
    free(ddl);
    char *url = tu_pg_schema_url("test_pg_fetch", "pgf_app");
    if (url) {
        ddl = tu_fmt("%s/postgresql.sql", dir);
        run_app(dir, url, ddl, "PostgreSQL");
        free(ddl);
        free(url);
    }
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pg_fetch");
    TCase *tc = tcase_create("fetch");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, named_parameters_become_numbers);
    tcase_add_test(tc, whole_result_reads_each_row_at_its_own_tuple);
    tcase_add_test(tc, integers_round_trip_as_text);
    tcase_add_test(tc, whole_result_failing_on_a_later_row);
    tcase_add_test(tc, whole_result_while_another_streams);
    tcase_add_test(tc, query_holding_a_whole_result_outlives_its_connection);
    tcase_add_test(tc, whole_result_larger_than_memory_fails);
    tcase_add_test(tc, generated_code_fetches_whole_and_streams_on_both_databases);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
