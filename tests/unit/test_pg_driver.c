/*
 * test_pg_driver.c -- the runtime's PostgreSQL driver on a live server
 * (make check starts one; without it these tests say they skip): opening
 * by URL, the mc_stmt calls for every column type, SQLSTATEs as statuses
 * and messages, transactions and savepoints, streaming with another
 * statement in between, and the placeholder rewrite (no server needed).
 * Each test works in a schema of its own.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelc.h"
#include "pgschema.h"
#include "testutil.h"

char *mci_pg_placeholders(const char *sql, int *nparams);     /* runtime/pg_sql.c */

/* A connection to a fresh schema `name`; NULL when the test skips. */
static mc_db *open_schema(const char *name)
{
    return tu_pg_open_schema("test_pg_driver", name);
}

static void exec_ok(mc_db *db, const char *sql)
{
    ck_assert_msg(mc_exec(db, sql) == MC_OK, "%s: %s", sql, mc_errmsg(db));
}

/* count(*) of a table. */
static int64_t rows(mc_db *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    mc_stmt *st = mc_stmt_prepare_text(db, sql);
    ck_assert_msg(st != NULL, "%s", mc_errmsg(db));
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    int64_t n = mc_stmt_column_int64(st, 0);
    mc_stmt_release(db, st);
    return n;
}

START_TEST(placeholders_skip_literals_and_names)
{
    int n = 0;
    char *s = mci_pg_placeholders("SELECT '?', \"a?\", ? FROM t -- ?\nWHERE x = ? /* ? */ AND y = $$?$$ AND z = ?", &n);
    ck_assert_str_eq(s, "SELECT '?', \"a?\", $1 FROM t -- ?\nWHERE x = $2 /* ? */ AND y = $$?$$ AND z = $3");
    ck_assert_int_eq(n, 3);
    free(s);
    s = mci_pg_placeholders("SELECT ?2, ?1, ?, E'it\\'s ?' ", &n);
    ck_assert_str_eq(s, "SELECT $2, $1, $3, E'it\\'s ?' ");
    ck_assert_int_eq(n, 3);
    free(s);
    s = mci_pg_placeholders("SELECT 'it''s ?' || ?", &n);
    ck_assert_str_eq(s, "SELECT 'it''s ?' || $1");
    ck_assert_int_eq(n, 1);
    free(s);
}
END_TEST

START_TEST(bad_url_never_shows_the_password)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, "postgresql://bob:s3cr3tpw@/nodb?host=/nonexistent/dir", NULL), MC_ERROR);
    ck_assert_msg(!strstr(mc_errmsg(db), "s3cr3tpw"), "%s", mc_errmsg(db));
    ck_assert_msg(strstr(mc_errmsg(db), "bob:***@") && strstr(mc_errmsg(db), "could not connect to PostgreSQL"),
                  "%s", mc_errmsg(db));
    ck_assert_msg(!strstr(mc_db_path(db), "s3cr3tpw"), "%s", mc_db_path(db));
    mc_close(db);
}
END_TEST

START_TEST(opens_by_url_and_reports_its_engine)
{
    const char *base = tu_pg_url("test_pg_driver");
    if (!base)
        return;
    /* postgres:// and a SQLAlchemy driver suffix open the same server. */
    const char *forms[] = {"postgres://", "postgresql+psycopg2://"};
    for (size_t i = 0; i < 2; i++) {
        char url[600];
        snprintf(url, sizeof url, "%s%s", forms[i], strstr(base, "://") + 3);
        mc_db *db = NULL;
        ck_assert_msg(mc_open(&db, url, NULL) == MC_OK, "%s: %s", url, mc_errmsg(db));
        ck_assert_int_eq(mc_db_engine(db), MC_ENGINE_POSTGRESQL);
        ck_assert_ptr_null(mc_sqlite(db));
        /* the sqlite3_stmt API refuses, the mc_stmt one works */
        ck_assert_ptr_null(mc_prepare(db, "SELECT 1"));
        ck_assert_int_eq(mc_errcode(db), MC_MISUSE);
        mc_stmt *st = mc_stmt_prepare(db, "SELECT 1 + ?");
        ck_assert_ptr_nonnull(st);
        ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 41), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_bind_int64(st, 2, 1), SQLITE_RANGE);
        ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
        ck_assert_int_eq(mc_stmt_column_int64(st, 0), 42);
        ck_assert_int_eq(mc_stmt_step(st), MC_RC_DONE);
        mc_stmt_release(db, st);
        mc_close(db);
    }
    mc_db *lite = NULL;
    ck_assert_int_eq(mc_open(&lite, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_db_engine(lite), MC_ENGINE_SQLITE);
    mc_close(lite);
}
END_TEST

/* The text of column 0 of st's next row (malloc'd), NULL for NULL. */
static char *step_text(mc_db *db, mc_stmt *st)
{
    char *s = NULL;
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 0, &s), MC_OK);
    return s;
}

/* A bind holds until the statement is given back; binding a parameter
 * again replaces it (a copy it made freed); given back and taken again,
 * a parameter not bound is NULL and a text bound after bytes is text. */
START_TEST(binds_are_replaced_and_cleared_by_a_reset)
{
    mc_db *db = open_schema("binds");
    if (!db)
        return;
    const char *sql = "SELECT CAST(? AS TEXT)";
    mc_stmt *st = mc_stmt_prepare(db, sql);
    ck_assert_ptr_nonnull(st);
    /* n bytes of a longer buffer: copied, NUL added */
    ck_assert_int_eq(mc_stmt_bind_text_n(st, 1, "abcdef", 3), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_bind_text_n(st, 1, "xyz!", 2), MC_RC_OK);
    char *s = step_text(db, st);
    ck_assert_str_eq(s, "xy");
    free(s);
    mc_stmt_release(db, st);

    /* bytes (binary format), given back, then text (text format) */
    st = mc_stmt_prepare(db, sql);
    ck_assert_int_eq(mc_stmt_bind_bytes(st, 1, "ab", 2, MC_BIND_STATIC), MC_RC_OK);
    s = step_text(db, st);
    ck_assert_str_eq(s, "ab");
    free(s);
    mc_stmt_release(db, st);
    st = mc_stmt_prepare(db, sql);
    ck_assert_int_eq(mc_stmt_bind_text_n(st, 1, "hello, world", 5), MC_RC_OK);
    s = step_text(db, st);
    ck_assert_str_eq(s, "hello");
    free(s);
    mc_stmt_release(db, st);

    /* given back with a copy bound and taken again without a bind: NULL */
    st = mc_stmt_prepare(db, sql);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    ck_assert(mc_stmt_column_is_null(st, 0));
    mc_stmt_release(db, st);
    mc_close(db);
}
END_TEST

static const char *types_ddl =
    "CREATE TYPE format AS ENUM ('paperback', 'hardcover');"
    "CREATE TABLE \"user\" (id SERIAL PRIMARY KEY, n INTEGER, big BIGINT, small SMALLINT, f FLOAT,"
    " price NUMERIC(8, 2), ok BOOLEAN, name VARCHAR(20) UNIQUE, body TEXT, at TIMESTAMP WITHOUT TIME ZONE,"
    " day DATE, t TIME WITHOUT TIME ZONE, raw BYTEA, doc JSON, fmt format)";

START_TEST(every_type_round_trips)
{
    mc_db *db = open_schema("pgd_types");
    if (!db)
        return;
    exec_ok(db, types_ddl);
    static const char ins[] =
        "INSERT INTO \"user\" (\"n\", \"big\", \"small\", \"f\", \"price\", \"ok\", \"name\", \"body\", \"at\","
        " \"day\", \"t\", \"raw\", \"doc\", \"fmt\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING \"id\"";
    const unsigned char bytes[] = {0, 1, 0xff, '\\', 'x', 0};
    for (int k = 0; k < 2; k++) {
        mc_stmt *st = mc_stmt_prepare_insert(db, ins);
        ck_assert_msg(st != NULL, "%s", mc_errmsg(db));
        mc_blob b = {(void *)bytes, sizeof bytes};
        int rc = MC_RC_OK;
        rc |= mc_stmt_bind_int64(st, 1, -7);
        rc |= mc_stmt_bind_int64(st, 2, INT64_C(9007199254740993));
        rc |= mc_stmt_bind_int(st, 3, 300);
        rc |= mc_stmt_bind_double(st, 4, 0.1);
        rc |= mc_stmt_bind_text(st, 5, "8.5");
        rc |= mc_stmt_bind_int(st, 6, k == 0);
        rc |= mc_stmt_bind_text(st, 7, k == 0 ? "ünï" : "second");
        rc |= mc_stmt_bind_text(st, 8, "it's a \"body\"");
        rc |= mc_stmt_bind_temporal(st, 9, "2019-05-20T23:30:00-02:00", MC_TEMPORAL_DATETIME);
        rc |= mc_stmt_bind_temporal(st, 10, "2024-02-29", MC_TEMPORAL_DATE);
        rc |= mc_stmt_bind_temporal(st, 11, "12:34:56.5", MC_TEMPORAL_TIME);
        rc |= mc_stmt_bind_blob(st, 12, &b);
        rc |= mc_stmt_bind_text(st, 13, "{\"a\": [1, 2]}");
        rc |= mc_stmt_bind_text(st, 14, "hardcover");
        ck_assert_int_eq(rc, MC_RC_OK);
        rc = mc_stmt_step(st);
        ck_assert_msg(rc == MC_RC_DONE, "%d: %s", rc, mc_errmsg(db));
        mc_stmt_release(db, st);
        ck_assert_int_eq(mc_last_insert_id(db), k + 1);
        ck_assert_int_eq(mc_changes(db), 1);
    }

    mc_stmt *st = mc_stmt_prepare(db, "SELECT \"id\", \"n\", \"big\", \"small\", \"f\", \"price\", \"ok\", \"name\","
                                      " \"body\", \"at\", \"day\", \"t\", \"raw\", \"doc\", \"fmt\" FROM \"user\""
                                      " WHERE \"id\" = ?");
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 1), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_int64(st, 0), 1);
    ck_assert_int_eq(mc_stmt_column_int64(st, 1), -7);
    ck_assert(mc_stmt_column_int64(st, 2) == INT64_C(9007199254740993));
    ck_assert_int_eq(mc_stmt_column_int(st, 3), 300);
    ck_assert(mc_stmt_column_double(st, 4) == 0.1);
    char *s = NULL;
    ck_assert_int_eq(mc_stmt_column_numeric(db, st, 5, 2, &s), MC_OK);
    ck_assert_str_eq(s, "8.50");
    free(s);
    ck_assert_int_eq(mc_stmt_column_int(st, 6), 1);
    s = mc_stmt_column_strdup(st, 7);
    ck_assert_str_eq(s, "ünï");
    free(s);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 8, &s), MC_OK);
    ck_assert_str_eq(s, "it's a \"body\"");
    free(s);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 9, &s), MC_OK);
    ck_assert_str_eq(s, "2019-05-21 01:30:00.000000");  /* stored in UTC, read in modelc's form */
    free(s);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 10, &s), MC_OK);
    ck_assert_str_eq(s, "2024-02-29");
    free(s);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 11, &s), MC_OK);
    ck_assert_str_eq(s, "12:34:56.5");
    free(s);
    mc_blob b = {0};
    ck_assert_int_eq(mc_stmt_column_blob(db, st, 12, &b), MC_OK);
    ck_assert_uint_eq(b.len, sizeof bytes);
    ck_assert(memcmp(b.data, bytes, sizeof bytes) == 0);
    mc_blob_free(&b);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 13, &s), MC_OK);
    ck_assert_str_eq(s, "{\"a\": [1, 2]}");
    free(s);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 14, &s), MC_OK);
    ck_assert_str_eq(s, "hardcover");
    free(s);
    ck_assert(!mc_stmt_column_is_null(st, 13));
    /* The same row lent (lend.c): text straight from the row's result,
     * what must be converted (timestamp, bytea) kept with the row. */
    char *l = NULL;
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 8, &l), MC_OK);
    ck_assert_ptr_eq(l, mc_stmt_column_cstr(st, 8));
    ck_assert_str_eq(l, "it's a \"body\"");
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 7, &l), MC_OK);
    ck_assert_str_eq(l, "ünï");
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 9, &l), MC_OK);
    ck_assert_str_eq(l, "2019-05-21 01:30:00.000000");
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 6, &l), MC_OK);
    ck_assert_str_eq(l, "1");
    ck_assert_int_eq(mc_stmt_column_blob_lent(db, st, 12, &b), MC_OK);
    ck_assert_uint_eq(b.len, sizeof bytes);
    ck_assert(memcmp(b.data, bytes, sizeof bytes) == 0);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_DONE);
    mc_stmt_release(db, st);

    /* NULLs, an empty blob, a false boolean, a bad enum value */
    exec_ok(db, "INSERT INTO \"user\" (\"name\", \"raw\", \"ok\") VALUES ('nulls', '', false)");
    st = mc_stmt_prepare(db, "SELECT \"n\", \"raw\", \"ok\", \"body\" FROM \"user\" WHERE \"name\" = ?");
    ck_assert_int_eq(mc_stmt_bind_text(st, 1, "nulls"), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    ck_assert(mc_stmt_column_is_null(st, 0));
    ck_assert_int_eq(mc_stmt_column_blob(db, st, 1, &b), MC_OK);
    ck_assert_ptr_nonnull(b.data);
    ck_assert_uint_eq(b.len, 0);
    mc_blob_free(&b);
    ck_assert_int_eq(mc_stmt_column_int(st, 2), 0);
    ck_assert_int_eq(mc_stmt_column_text(db, st, 3, &s), MC_OK);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(mc_stmt_column_blob_lent(db, st, 1, &b), MC_OK);
    ck_assert(b.data != NULL && b.len == 0);        /* empty, not NULL */
    ck_assert_int_eq(mc_stmt_column_blob_lent(db, st, 0, &b), MC_OK);
    ck_assert(b.data == NULL && b.len == 0);        /* SQL NULL */
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 3, &l), MC_OK);
    ck_assert_ptr_null(l);
    mc_stmt_release(db, st);    /* the lent conversion goes with the row (ASan, valgrind) */

    st = mc_stmt_prepare(db, "UPDATE \"user\" SET \"fmt\" = ? WHERE \"id\" = 1");
    ck_assert_int_eq(mc_stmt_bind_text(st, 1, "ebook"), MC_RC_OK);
    int rc = mc_stmt_step(st);
    ck_assert_int_eq(mc_status_from_rc(db, rc, "user"), MC_INVALID);
    ck_assert_str_eq(mc_sqlstate(db), "22P02");
    ck_assert_msg(strstr(mc_errmsg(db), "user: ") == mc_errmsg(db), "%s", mc_errmsg(db));
    mc_stmt_release(db, st);
    mc_close(db);
}
END_TEST

/* Runs sql (one text parameter or none) and returns its status with the
 * context "t". */
static int run_status(mc_db *db, const char *sql, const char *param)
{
    mc_stmt *st = mc_stmt_prepare_text(db, sql);
    ck_assert_msg(st != NULL, "%s", mc_errmsg(db));
    if (param)
        ck_assert_int_eq(mc_stmt_bind_text(st, 1, param), MC_RC_OK);
    int rc = mc_stmt_step(st);
    int status = rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, "t");
    mc_stmt_release(db, st);
    return status;
}

START_TEST(sqlstates_map_to_statuses_and_messages)
{
    mc_db *db = open_schema("pgd_errors");
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE p (id SERIAL PRIMARY KEY);"
                "CREATE TABLE t (id SERIAL PRIMARY KEY, name VARCHAR(10) NOT NULL UNIQUE, n INTEGER CHECK (n > 0),"
                " p_id INTEGER REFERENCES p (id));"
                "INSERT INTO t (name) VALUES ('taken')");
    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "taken"), MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db), "t: UNIQUE constraint failed: t.name");
    ck_assert_str_eq(mc_sqlstate(db), "23505");
    ck_assert_int_eq(mc_sqlite_errcode(db), SQLITE_CONSTRAINT_UNIQUE);
    ck_assert_msg(!strstr(mc_errmsg(db), "taken"), "a value in the message: %s", mc_errmsg(db));

    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", NULL), MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db), "t: NOT NULL constraint failed: t.name");
    ck_assert_str_eq(mc_sqlstate(db), "23502");

    ck_assert_int_eq(run_status(db, "INSERT INTO t (name, p_id) VALUES ('x', 99)", NULL), MC_CONSTRAINT);
    ck_assert_msg(strncmp(mc_errmsg(db), "t: FOREIGN KEY constraint failed: ", 34) == 0, "%s", mc_errmsg(db));
    ck_assert_str_eq(mc_sqlstate(db), "23503");

    ck_assert_int_eq(run_status(db, "INSERT INTO t (name, n) VALUES ('y', -1)", NULL), MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db), "t: CHECK constraint failed: t_n_check");

    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "far too long a name"), MC_INVALID);
    ck_assert_str_eq(mc_sqlstate(db), "22001");

    /* a syntax error at prepare time names the statement */
    ck_assert_ptr_null(mc_stmt_prepare_text(db, "SELEC 1"));
    ck_assert_int_eq(mc_errcode(db), MC_ERROR);
    ck_assert_msg(strstr(mc_errmsg(db), "SELEC 1: syntax error"), "%s", mc_errmsg(db));
    ck_assert_str_eq(mc_sqlstate(db), "42601");

    /* a script names its failing statement */
    ck_assert_int_eq(mc_exec(db, "SELECT 1; SELECT nope FROM t; SELECT 2"), MC_ERROR);
    ck_assert_msg(strstr(mc_errmsg(db), "SELECT nope FROM t: column \"nope\" does not exist"), "%s", mc_errmsg(db));

    /* a lock held past the busy timeout is MC_BUSY */
    const char *base = tu_pg_url("test_pg_driver");
    char url[600];
    snprintf(url, sizeof url, "%s&options=-csearch_path%%3Dpgd_errors", base);
    mc_db *other = NULL;
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    o.busy_timeout_ms = 100;
    ck_assert_int_eq(mc_open(&other, url, &o), MC_OK);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    exec_ok(db, "UPDATE t SET n = 1 WHERE name = 'taken'");  /* holds the row's lock */
    ck_assert_int_eq(run_status(other, "UPDATE t SET n = 2 WHERE name = ?", "taken"), MC_BUSY);
    ck_assert_str_eq(mc_sqlstate(other), "55P03");
    ck_assert_int_eq(mc_rollback(db), MC_OK);
    mc_close(other);
    mc_close(db);
}
END_TEST

START_TEST(savepoints_nest_and_roll_back)
{
    mc_db *db = open_schema("pgd_txn");
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE t (id SERIAL PRIMARY KEY, name TEXT UNIQUE)");
    ck_assert_int_eq(mc_begin(db), MC_OK);
    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "outer"), MC_OK);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    ck_assert_int_eq(mc_txn_depth(db), 2);
    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "inner"), MC_OK);
    ck_assert_int_eq(mc_rollback(db), MC_OK);  /* the savepoint only */
    ck_assert_int_eq(rows(db, "t"), 1);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    /* a failure inside a savepoint: commit refused, rollback makes the outer usable */
    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "outer"), MC_CONSTRAINT);
    ck_assert_int_eq(mc_commit(db), MC_ERROR);
    ck_assert_int_eq(mc_txn_depth(db), 2);
    ck_assert_int_eq(mc_rollback(db), MC_OK);
    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "second"), MC_OK);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    ck_assert_int_eq(mc_txn_depth(db), 0);
    ck_assert_int_eq(rows(db, "t"), 2);

    /* a failure in the outermost transaction: commit rolls all of it back */
    ck_assert_int_eq(mc_begin_immediate(db), MC_OK);
    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "third"), MC_OK);
    ck_assert_int_eq(run_status(db, "INSERT INTO t (name) VALUES (?)", "outer"), MC_CONSTRAINT);
    ck_assert_int_eq(mc_commit(db), MC_ERROR);
    ck_assert_msg(strstr(mc_errmsg(db), "rolled back"), "%s", mc_errmsg(db));
    ck_assert_int_eq(mc_txn_depth(db), 0);
    ck_assert_int_eq(rows(db, "t"), 2);
    ck_assert_int_eq(mc_commit(db), MC_MISUSE);
    mc_close(db);
}
END_TEST

START_TEST(streaming_survives_a_statement_in_between)
{
    mc_db *db = open_schema("pgd_stream");
    if (!db)
        return;
    exec_ok(db, "CREATE TABLE t (id SERIAL PRIMARY KEY, v INTEGER)");
    exec_ok(db, "INSERT INTO t (v) SELECT g FROM generate_series(1, 5000) g");
    mc_stmt *outer = mc_stmt_prepare(db, "SELECT \"v\" FROM \"t\" WHERE \"v\" <= ? ORDER BY \"v\"");
    ck_assert_int_eq(mc_stmt_bind_int64(outer, 1, 4000), MC_RC_OK);
    int64_t sum = 0, n = 0;
    int rc;
    while ((rc = mc_stmt_step(outer)) == MC_RC_ROW) {
        int64_t v = mc_stmt_column_int64(outer, 0);
        ck_assert_int_eq(v, n + 1);
        sum += v;
        n++;
        if (v == 10) {
            /* the same text again (the cache's second statement) and another write */
            mc_stmt *inner = mc_stmt_prepare(db, "SELECT \"v\" FROM \"t\" WHERE \"v\" <= ? ORDER BY \"v\"");
            ck_assert_ptr_nonnull(inner);
            ck_assert_ptr_ne(inner, outer);
            ck_assert_int_eq(mc_stmt_bind_int64(inner, 1, 3), MC_RC_OK);
            int k = 0;
            while (mc_stmt_step(inner) == MC_RC_ROW)
                k++;
            ck_assert_int_eq(k, 3);
            mc_stmt_release(db, inner);
            ck_assert_int_eq(run_status(db, "UPDATE t SET v = -v WHERE v > 4500", NULL), MC_OK);
            ck_assert_int_eq(mc_changes(db), 500);
        }
    }
    ck_assert_int_eq(rc, MC_RC_DONE);
    ck_assert_int_eq(n, 4000);
    ck_assert_int_eq(sum, (int64_t)4000 * 4001 / 2);
    /* stepping after DONE runs it again; releasing mid-way is fine */
    ck_assert_int_eq(mc_stmt_step(outer), MC_RC_ROW);
    mc_stmt_release(db, outer);
    ck_assert_int_eq(rows(db, "t"), 5000);
    mc_close(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pg_driver");
    TCase *tc = tcase_create("driver");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, placeholders_skip_literals_and_names);
    tcase_add_test(tc, bad_url_never_shows_the_password);
    tcase_add_test(tc, opens_by_url_and_reports_its_engine);
    tcase_add_test(tc, every_type_round_trips);
    tcase_add_test(tc, binds_are_replaced_and_cleared_by_a_reset);
    tcase_add_test(tc, sqlstates_map_to_statuses_and_messages);
    tcase_add_test(tc, savepoints_nest_and_roll_back);
    tcase_add_test(tc, streaming_survives_a_statement_in_between);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
