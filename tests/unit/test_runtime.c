/*
 * test_runtime.c -- libmodelc: opening, errors, the statement cache,
 * transactions, value checks and column copies.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "modelc.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------- */

static char tmpdir[64];

static void make_tmp(void)
{
    strcpy(tmpdir, "/tmp/mc_runtime_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmp(void)
{
    tu_remove_tree(tmpdir);
}

static int file_exists(const char *dir, const char *name)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* First column of the first row of sql as an integer (-999 when no row). */
static long long query_int(mc_db *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -999;

    ck_assert_int_eq(sqlite3_prepare_v2(mc_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* First column of the first row as text, into a static buffer. */
static const char *query_text(mc_db *db, const char *sql)
{
    static char buf[256];
    sqlite3_stmt *st;

    buf[0] = '\0';
    ck_assert_int_eq(sqlite3_prepare_v2(mc_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static mc_db *open_memory(void)
{
    mc_db *db = NULL;

    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    return db;
}

#define assert_msg_has(db, text)                                                   \
    ck_assert_msg(strstr(mc_errmsg(db), (text)) != NULL, "message \"%s\" lacks \"%s\"", \
                  mc_errmsg(db), (text))

/* ---- opening --------------------------------------------------------------- */

/* The query builder: first() is the first row of the ordered, offset query
 * (run as LIMIT 1) and leaves the query's own page alone for later runs. */
/* Queries may be freed after their connection is closed, in any order,
 * one of them in the middle of a run (holding a statement): nothing is
 * touched twice and nothing leaks (ASan and valgrind runs check). */
START_TEST(test_query_outlives_connection)
{
    static const char *const cols[] = {"n"};
    static const mc_table_meta meta = {"t", "t", "n", 1, cols, NULL};
    mc_db *db = NULL;
    mc_stmt *row;

    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)"), MC_OK);
    mc_query *running = mc_query_new(db, &meta), *built = mc_query_new(db, &meta);
    ck_assert_ptr_nonnull(running);
    ck_assert_ptr_nonnull(built);
    mc_query_where_text(built, 0, MC_EQ, "kept until freed");
    ck_assert_int_eq(mc_query_step(running, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int(row, 0), 1);
    /* a third, freed before the close: the connection keeps it as its spare */
    mc_query *spare = mc_query_new(db, &meta);
    mc_query_free(spare);
    mc_close(db);
    mc_query_free(running);
    mc_query_free(built);

    /* the other order still works as before */
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (n INTEGER)"), MC_OK);
    running = mc_query_new(db, &meta);
    ck_assert_int_eq(mc_query_step(running, &row), MC_DONE);
    mc_query_free(running);
    mc_close(db);
}
END_TEST

START_TEST(test_query_first_and_page)
{
    static const char *const cols[] = {"n"};
    static const mc_table_meta meta = {"t", "t", "n", 1, cols, NULL};
    mc_db *db = NULL;
    mc_stmt *row;
    int64_t count;
    int k = 0;

    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (n INTEGER)"), MC_OK);
    ck_assert_int_eq(mc_exec(db, "INSERT INTO t VALUES (1), (2), (3), (4), (5)"), MC_OK);
    mc_query *q = mc_query_new(db, &meta);
    ck_assert_ptr_nonnull(q);
    mc_query_where_int(q, 0, MC_GE, 2);
    mc_query_order_by(q, 0, 1);
    mc_query_offset(q, 1);
    ck_assert_int_eq(mc_query_first(q, &row), MC_OK);
    ck_assert_int_eq(mc_stmt_column_int(row, 0), 4);
    mc_query_rewind(q);
    /* no limit was set: all of 4, 3, 2 */
    while (mc_query_step(q, &row) == MC_OK)
        ck_assert_int_eq(mc_stmt_column_int(row, 0), 4 - k++);
    ck_assert_int_eq(k, 3);
    ck_assert_int_eq(mc_query_count(q, &count), MC_OK);
    ck_assert_int_eq(count, 3);
    /* limit 0 means no rows, for first() too */
    mc_query_limit(q, 0);
    ck_assert_int_eq(mc_query_first(q, &row), MC_DONE);
    ck_assert_ptr_null(row);
    mc_query_free(q);
    mc_close(db);
}
END_TEST

START_TEST(test_version)
{
    ck_assert_str_eq(mc_runtime_version(), MODELC_RUNTIME_VERSION);
    ck_assert_int_eq(MODELC_RUNTIME_VERSION_NUMBER, 100);
    ck_assert_str_eq(mc_status_name(MC_CONSTRAINT), "MC_CONSTRAINT");
    ck_assert_str_eq(mc_status_name(MC_DONE), "MC_DONE");
    ck_assert_str_eq(mc_status_name(42), "MC_UNKNOWN");
}
END_TEST

START_TEST(test_open_memory)
{
    static const char *const urls[] = { ":memory:", "sqlite://", "sqlite:///:memory:" };
    mc_db *a, *b;
    size_t i;

    for (i = 0; i < sizeof urls / sizeof *urls; i++) {
        a = NULL;
        ck_assert_int_eq(mc_open(&a, urls[i], NULL), MC_OK);
        ck_assert_str_eq(mc_db_path(a), ":memory:");
        ck_assert_int_eq(query_int(a, "PRAGMA foreign_keys"), 1);
        ck_assert_str_eq(query_text(a, "PRAGMA journal_mode"), "memory");
        ck_assert_str_eq(mc_errmsg(a), "");
        mc_close(a);
    }
    /* Each in-memory connection is its own database. */
    a = open_memory();
    b = open_memory();
    ck_assert_int_eq(mc_exec(a, "CREATE TABLE only_in_a(x)"), MC_OK);
    ck_assert_int_eq(query_int(a, "SELECT count(*) FROM sqlite_master"), 1);
    ck_assert_int_eq(query_int(b, "SELECT count(*) FROM sqlite_master"), 0);
    mc_close(a);
    mc_close(b);
}
END_TEST

START_TEST(test_open_path_and_urls)
{
    char path[256], url[300], cwd[512];
    mc_db *a = NULL, *b = NULL;

    make_tmp();
    snprintf(path, sizeof path, "%s/plain.db", tmpdir);
    ck_assert_int_eq(mc_open(&a, path, NULL), MC_OK);
    ck_assert(file_exists(tmpdir, "plain.db"));
    ck_assert_str_eq(query_text(a, "PRAGMA journal_mode"), "wal");
    ck_assert_int_eq(query_int(a, "PRAGMA foreign_keys"), 1);
    ck_assert_int_eq(query_int(a, "PRAGMA synchronous"), 1);     /* NORMAL */
    ck_assert_int_eq(query_int(a, "PRAGMA busy_timeout"), 5000);
    ck_assert_int_eq(mc_exec(a, "CREATE TABLE t(x); INSERT INTO t VALUES (42)"), MC_OK);

    /* sqlite:////abs names the same file. */
    snprintf(url, sizeof url, "sqlite:///%s", path);
    ck_assert_int_eq(mc_open(&b, url, NULL), MC_OK);
    ck_assert_str_eq(mc_db_path(b), path);
    ck_assert_int_eq(query_int(b, "SELECT x FROM t"), 42);
    mc_close(b);

    /* sqlite:///relative is relative to the working directory; a
     * SQLAlchemy driver name and a query string are tolerated. */
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(tmpdir), 0);
    b = NULL;
    ck_assert_int_eq(mc_open(&b, "sqlite:///rel.db", NULL), MC_OK);
    ck_assert_str_eq(mc_db_path(b), "rel.db");
    mc_close(b);
    b = NULL;
    ck_assert_int_eq(mc_open(&b, "sqlite+pysqlite:///drv.db?check_same_thread=false", NULL), MC_OK);
    ck_assert_str_eq(mc_db_path(b), "drv.db");
    mc_close(b);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert(file_exists(tmpdir, "rel.db"));
    ck_assert(file_exists(tmpdir, "drv.db"));

    mc_close(a);
    remove_tmp();
}
END_TEST

START_TEST(test_open_default_from_environment)
{
    char cwd[512];
    const char *saved = getenv("DATABASE_URL");
    char *keep = saved ? strdup(saved) : NULL;
    mc_db *db = NULL;

    make_tmp();
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(tmpdir), 0);

    unsetenv("DATABASE_URL");
    ck_assert_int_eq(mc_open(&db, NULL, NULL), MC_OK);
    ck_assert_str_eq(mc_db_path(db), "app.db");
    mc_close(db);
    ck_assert(file_exists(tmpdir, "app.db"));

    setenv("DATABASE_URL", "sqlite:///from_env.db", 1);
    db = NULL;
    ck_assert_int_eq(mc_open(&db, NULL, NULL), MC_OK);
    ck_assert_str_eq(mc_db_path(db), "from_env.db");
    mc_close(db);
    ck_assert(file_exists(tmpdir, "from_env.db"));

    /* An explicit URL wins over the environment. */
    db = NULL;
    ck_assert_int_eq(mc_open(&db, "explicit.db", NULL), MC_OK);
    mc_close(db);
    ck_assert(file_exists(tmpdir, "explicit.db"));

    if (keep)
        setenv("DATABASE_URL", keep, 1);
    else
        unsetenv("DATABASE_URL");
    free(keep);
    ck_assert_int_eq(chdir(cwd), 0);
    remove_tmp();
}
END_TEST

START_TEST(test_open_options_and_failures)
{
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    char path[256];
    mc_db *db = NULL;
    FILE *f;

    make_tmp();
    snprintf(path, sizeof path, "%s/opts.db", tmpdir);
    o.foreign_keys = 0;
    o.wal = 0;
    o.synchronous = "full";
    o.busy_timeout_ms = 250;
    ck_assert_int_eq(mc_open(&db, path, &o), MC_OK);
    ck_assert_int_eq(query_int(db, "PRAGMA foreign_keys"), 0);
    ck_assert_str_eq(query_text(db, "PRAGMA journal_mode"), "delete");
    ck_assert_int_eq(query_int(db, "PRAGMA synchronous"), 2);
    ck_assert_int_eq(query_int(db, "PRAGMA busy_timeout"), 250);
    mc_close(db);

    /* A synchronous value is checked, never pasted into SQL. */
    o = (mc_open_options)MC_OPEN_OPTIONS_DEFAULT;
    o.synchronous = "NORMAL; DROP TABLE x";
    db = NULL;
    ck_assert_int_eq(mc_open(&db, path, &o), MC_INVALID);
    assert_msg_has(db, "synchronous must be");
    mc_close(db);

    /* create = 0: a missing file is an error, and the message is readable. */
    o = (mc_open_options)MC_OPEN_OPTIONS_DEFAULT;
    o.create = 0;
    snprintf(path, sizeof path, "%s/missing.db", tmpdir);
    db = NULL;
    ck_assert_int_eq(mc_open(&db, path, &o), MC_ERROR);
    ck_assert_ptr_nonnull(db);
    assert_msg_has(db, "missing.db");
    assert_msg_has(db, "unable to open");
    ck_assert_ptr_null(mc_sqlite(db));
    ck_assert(!file_exists(tmpdir, "missing.db"));
    ck_assert_int_eq(mc_exec(db, "SELECT 1"), MC_MISUSE);
    ck_assert_ptr_null(mc_prepare(db, "SELECT 1"));
    ck_assert_int_eq(mc_begin(db), MC_MISUSE);
    mc_close(db);

    /* Not a database. */
    snprintf(path, sizeof path, "%s/junk.db", tmpdir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("this is certainly not an SQLite database file, it is just text\n", f);
    fclose(f);
    db = NULL;
    ck_assert_int_eq(mc_open(&db, path, NULL), MC_ERROR);
    assert_msg_has(db, "file is not a database");
    mc_close(db);

    /* A PostgreSQL URL goes to the server (none listens here on 5432's
     * port of a closed host), other databases' URLs are refused, not
     * opened as odd file names. */
    db = NULL;
    ck_assert_int_eq(mc_open(&db, "postgresql://localhost:1/app", NULL), MC_ERROR);
    assert_msg_has(db, "could not connect to PostgreSQL");
    mc_close(db);
    db = NULL;
    ck_assert_int_eq(mc_open(&db, "mysql://localhost/app", NULL), MC_INVALID);
    assert_msg_has(db, "unsupported database URL");
    mc_close(db);
    db = NULL;
    ck_assert_int_eq(mc_open(&db, "sqlite://host/app.db", NULL), MC_INVALID);
    mc_close(db);

    remove_tmp();
}
END_TEST

START_TEST(test_null_is_a_noop)
{
    mc_db *db = open_memory();
    mc_blob b = { NULL, 0 };

    mc_close(NULL);
    mc_release(db, NULL);
    mc_release(NULL, NULL);
    mc_blob_free(NULL);
    mc_blob_free(&b);
    mc_clear_error(NULL);
    ck_assert_ptr_null(mc_sqlite(NULL));
    ck_assert_str_eq(mc_errmsg(NULL), "out of memory");
    ck_assert_int_eq(mc_txn_depth(NULL), 0);
    ck_assert_int_eq(mc_set_error(NULL, MC_INVALID, "x"), MC_INVALID);
    ck_assert_int_eq(mc_open(NULL, ":memory:", NULL), MC_MISUSE);
    mc_close(db);
}
END_TEST

/* ---- errors ---------------------------------------------------------------- */

static int insert(mc_db *db, const char *sql, const char *table, const char *a, const char *b)
{
    sqlite3_stmt *st = mc_prepare(db, sql);
    int rc;

    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(mc_bind_text(db, st, 1, a), MC_OK);
    if (b)
        ck_assert_int_eq(mc_bind_text(db, st, 2, b), MC_OK);
    rc = mc_step(db, st, table);
    mc_release(db, st);
    return rc;
}

START_TEST(test_constraint_messages)
{
    mc_db *db = open_memory();

    ck_assert_int_eq(mc_exec(db,
        "CREATE TABLE user (id INTEGER PRIMARY KEY, username VARCHAR(64) NOT NULL UNIQUE);\n"
        "CREATE TABLE post (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES user(id));\n"
        "CREATE TABLE book (isbn VARCHAR(13) CHECK (length(isbn) IN (10, 13)),\n"
        "                   price NUMERIC CONSTRAINT price_positive CHECK (price > 0));"),
        MC_OK);

    ck_assert_int_eq(insert(db, "INSERT INTO user (username) VALUES (?)", "user", "ann", NULL),
                     MC_DONE);
    ck_assert_int_eq(insert(db, "INSERT INTO user (username) VALUES (?)", "user", "ann", NULL),
                     MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db), "user: UNIQUE constraint failed: user.username");
    ck_assert_int_eq(mc_errcode(db), MC_CONSTRAINT);
    ck_assert_int_eq(mc_sqlite_errcode(db), SQLITE_CONSTRAINT_UNIQUE);

    ck_assert_int_eq(insert(db, "INSERT INTO user (username) VALUES (?)", "user", NULL, NULL),
                     MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db), "user: NOT NULL constraint failed: user.username");

    ck_assert_int_eq(insert(db, "INSERT INTO post (user_id) VALUES (?)", "post", "99", NULL),
                     MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db), "post: FOREIGN KEY constraint failed");
    ck_assert_int_eq(mc_sqlite_errcode(db), SQLITE_CONSTRAINT_FOREIGNKEY);

    ck_assert_int_eq(insert(db, "INSERT INTO book (isbn, price) VALUES (?, ?)", "book",
                            "12345", "1"), MC_CONSTRAINT);
    assert_msg_has(db, "book: CHECK constraint failed: ");
    assert_msg_has(db, "length(isbn)");
    ck_assert_int_eq(mc_sqlite_errcode(db), SQLITE_CONSTRAINT_CHECK);
    ck_assert_int_eq(insert(db, "INSERT INTO book (isbn, price) VALUES (?, ?)", "book",
                            "1234567890", "-5"), MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db), "book: CHECK constraint failed: price_positive");

    /* Success does not clear the message; mc_clear_error does. */
    ck_assert_int_eq(insert(db, "INSERT INTO user (username) VALUES (?)", "user", "bob", NULL),
                     MC_DONE);
    ck_assert_str_eq(mc_errmsg(db), "book: CHECK constraint failed: price_positive");
    mc_clear_error(db);
    ck_assert_str_eq(mc_errmsg(db), "");
    ck_assert_int_eq(mc_errcode(db), MC_OK);
    ck_assert_int_eq(mc_sqlite_errcode(db), 0);
    mc_close(db);
}
END_TEST

START_TEST(test_set_error_and_mapping)
{
    mc_db *db = open_memory();

    ck_assert_int_eq(mc_set_error(db, MC_INVALID, "%s.%s: %d", "user", "age", -1), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "user.age: -1");
    /* The message may be built from itself. */
    mc_set_error(db, MC_ERROR, "while saving: %s", mc_errmsg(db));
    ck_assert_str_eq(mc_errmsg(db), "while saving: user.age: -1");
    ck_assert_int_eq(mc_errcode(db), MC_ERROR);

    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_OK, "x"), MC_OK);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_ROW, "x"), MC_OK);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_DONE, "x"), MC_DONE);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_BUSY, "x"), MC_BUSY);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_LOCKED, "x"), MC_BUSY);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_NOMEM, "x"), MC_NOMEM);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_CONSTRAINT_PRIMARYKEY, "x"), MC_CONSTRAINT);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_MISUSE, "x"), MC_MISUSE);
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_IOERR_READ, "x"), MC_ERROR);
    /* A code that is not the connection's latest gets SQLite's generic text. */
    ck_assert_int_eq(mc_status_from_sqlite(db, SQLITE_BUSY, "orders"), MC_BUSY);
    ck_assert_str_eq(mc_errmsg(db), "orders: database is locked");
    mc_close(db);
}
END_TEST

START_TEST(test_exec)
{
    mc_db *db = open_memory();

    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (x);\n-- a comment; with a semicolon\n"
                                 "INSERT INTO t VALUES ('a;b'); ; INSERT INTO t VALUES (2)"),
                     MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM t"), 2);
    ck_assert_str_eq(query_text(db, "SELECT x FROM t WHERE rowid = 1"), "a;b");
    /* Rows of a PRAGMA are discarded, not an error. */
    ck_assert_int_eq(mc_exec(db, "PRAGMA table_info(t)"), MC_OK);
    ck_assert_int_eq(mc_exec(db, "INSERT INTO t VALUES (3);\nINSERT INTO nope VALUES (1);"),
                     MC_ERROR);
    ck_assert_str_eq(mc_errmsg(db), "INSERT INTO nope VALUES (1): no such table: nope");
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM t"), 3);
    ck_assert_int_eq(mc_exec(db, NULL), MC_MISUSE);
    mc_close(db);
}
END_TEST

/* ---- statement cache --------------------------------------------------------- */

START_TEST(test_prepare_cache)
{
    static const char sql[] = "SELECT ?1";
    char copy[sizeof sql];
    char *heap;
    mc_db *db = open_memory();
    sqlite3_stmt *a, *b, *c;

    a = mc_prepare(db, sql);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(sqlite3_bind_int(a, 1, 7), SQLITE_OK);
    ck_assert_int_eq(mc_step(db, a, "t"), MC_OK);
    ck_assert_int_eq(sqlite3_column_int(a, 0), 7);
    mc_release(db, a);

    /* Same pointer: same statement, reset and with no bindings left. */
    b = mc_prepare(db, sql);
    ck_assert_ptr_eq(b, a);
    ck_assert_int_eq(mc_step(db, b, "t"), MC_OK);
    ck_assert_int_eq(sqlite3_column_type(b, 0), SQLITE_NULL);
    mc_release(db, b);

    /* Equal text at another address: the same statement too. */
    memcpy(copy, sql, sizeof sql);
    ck_assert_ptr_ne(copy, sql);
    c = mc_prepare(db, copy);
    ck_assert_ptr_eq(c, a);
    mc_release(db, c);

    /* Text built at run time: keyed by text, the buffer may go away. */
    heap = strdup(sql);
    c = mc_prepare_text(db, heap);
    free(heap);
    ck_assert_ptr_eq(c, a);
    mc_release(db, c);
    heap = strdup("SELECT 'dynamic'");
    c = mc_prepare_text(db, heap);
    free(heap);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_ne(c, a);
    mc_release(db, c);
    heap = strdup("SELECT 'dynamic'");
    ck_assert_ptr_eq(mc_prepare_text(db, heap), c);
    free(heap);
    mc_release(db, c);

    /* Different text, different statement. */
    b = mc_prepare(db, "SELECT ?1 + 1");
    ck_assert_ptr_ne(b, a);
    mc_release(db, b);
    mc_close(db);
}
END_TEST

/* mc_stmt_release gives a statement back with a reset only: its next
 * user binds every parameter (the generated code does).  mc_prepare's
 * statements still come back with no bindings, also one released that
 * way; and many literals at once each find their own statement (the
 * first probe is a small direct-mapped table, collisions included). */
START_TEST(test_stmt_release_and_literals)
{
    static const char sql[] = "SELECT ?1, ?2";
    mc_db *db = open_memory();
    mc_stmt *st = mc_stmt_prepare(db, sql);

    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 7), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_bind_text(st, 2, "seven"), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    mc_stmt_release(db, st);

    /* the old API: no bindings left */
    sqlite3_stmt *lite = mc_prepare(db, sql);
    ck_assert_ptr_eq(lite, st->lite);
    ck_assert_int_eq(mc_step(db, lite, "t"), MC_OK);
    ck_assert_int_eq(sqlite3_column_type(lite, 0), SQLITE_NULL);
    ck_assert_int_eq(sqlite3_column_type(lite, 1), SQLITE_NULL);
    mc_release(db, lite);

    /* rebinding every parameter gives the new values */
    st = mc_stmt_prepare(db, sql);
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, 8), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_bind_null(st, 2), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_int64(st, 0), 8);
    ck_assert(mc_stmt_column_is_null(st, 1));
    mc_stmt_release(db, st);

    /* 200 literals, 200 statements, each found again by its address */
    enum { N = 200 };
    static char texts[N][32];
    mc_stmt *first[N];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            if (round == 0)
                snprintf(texts[i], sizeof texts[i], "SELECT %d", i);
            mc_stmt *s = mc_stmt_prepare(db, texts[i]);
            ck_assert_ptr_nonnull(s);
            if (round == 0)
                first[i] = s;
            ck_assert_ptr_eq(s, first[i]);
            ck_assert_int_eq(mc_stmt_step(s), MC_RC_ROW);
            ck_assert_int_eq(mc_stmt_column_int64(s, 0), i);
            mc_stmt_release(db, s);
        }
    }
    mc_close(db);
}
END_TEST

START_TEST(test_prepare_reset_and_nesting)
{
    static const char rows[] =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
        "SELECT x FROM c";
    mc_db *db = open_memory();
    sqlite3_stmt *outer, *inner, *again;
    int seen = 0;

    /* Released halfway through: the next user starts from the first row. */
    outer = mc_prepare(db, rows);
    ck_assert_int_eq(mc_step(db, outer, "c"), MC_OK);
    ck_assert_int_eq(mc_step(db, outer, "c"), MC_OK);
    ck_assert_int_eq(sqlite3_column_int(outer, 0), 2);
    mc_release(db, outer);
    again = mc_prepare(db, rows);
    ck_assert_ptr_eq(again, outer);
    ck_assert_int_eq(mc_step(db, again, "c"), MC_OK);
    ck_assert_int_eq(sqlite3_column_int(again, 0), 1);

    /* The same query nested inside a loop over itself gets its own
     * statement; the outer iteration is undisturbed. */
    while (mc_step(db, again, "c") == MC_OK) {
        int n = 0;
        ck_assert_int_eq(sqlite3_column_int(again, 0), seen + 2);
        inner = mc_prepare(db, rows);
        ck_assert_ptr_nonnull(inner);
        ck_assert_ptr_ne(inner, again);
        while (mc_step(db, inner, "c") == MC_OK)
            n++;
        ck_assert_int_eq(n, 3);
        mc_release(db, inner);
        seen++;
    }
    ck_assert_int_eq(seen, 2);  /* rows 2 and 3 */
    mc_release(db, again);
    mc_close(db);
}
END_TEST

START_TEST(test_prepare_errors)
{
    mc_db *db = open_memory();
    sqlite3_stmt *held[64];
    int i;

    ck_assert_ptr_null(mc_prepare(db, "SELEC 1"));
    ck_assert_int_eq(mc_errcode(db), MC_ERROR);
    assert_msg_has(db, "SELEC 1: ");
    assert_msg_has(db, "syntax error");

    ck_assert_ptr_null(mc_prepare(db, "SELECT * FROM missing_table"));
    assert_msg_has(db, "no such table: missing_table");

    ck_assert_ptr_null(mc_prepare(db, "SELECT 1; SELECT 2"));
    ck_assert_int_eq(mc_errcode(db), MC_MISUSE);
    assert_msg_has(db, "more than one statement");
    ck_assert_ptr_nonnull(mc_prepare(db, "SELECT 3;"));   /* one statement and its ';' */
    ck_assert_ptr_null(mc_prepare(db, NULL));
    ck_assert_int_eq(mc_errcode(db), MC_MISUSE);

    /* A forgotten mc_release shows up instead of growing forever. */
    for (i = 0; i < 64; i++) {
        held[i] = mc_prepare(db, "SELECT 4");
        ck_assert_ptr_nonnull(held[i]);
    }
    ck_assert_ptr_null(mc_prepare(db, "SELECT 4"));
    ck_assert_int_eq(mc_errcode(db), MC_MISUSE);
    assert_msg_has(db, "mc_release");
    for (i = 0; i < 64; i++)
        mc_release(db, held[i]);
    ck_assert_ptr_nonnull(mc_prepare(db, "SELECT 4"));
    mc_close(db);   /* finalizes even statements never released */
}
END_TEST

START_TEST(test_many_statements)
{
    mc_db *db = open_memory();
    char (*sql)[32] = malloc(500 * sizeof *sql);
    sqlite3_stmt *first[500];
    int i;

    /* Grows the tables well past their first size; each text keeps its
     * statement. */
    for (i = 0; i < 500; i++) {
        snprintf(sql[i], sizeof sql[i], "SELECT %d", i);
        first[i] = mc_prepare(db, sql[i]);
        ck_assert_ptr_nonnull(first[i]);
        mc_release(db, first[i]);
    }
    for (i = 0; i < 500; i++) {
        sqlite3_stmt *st = mc_prepare(db, sql[i]);
        ck_assert_ptr_eq(st, first[i]);
        ck_assert_int_eq(mc_step(db, st, "n"), MC_OK);
        ck_assert_int_eq(sqlite3_column_int(st, 0), i);
        mc_release(db, st);
    }
    free(sql);
    mc_close(db);
}
END_TEST

/* ---- transactions -------------------------------------------------------------- */

static void put(mc_db *db, int v)
{
    sqlite3_stmt *st = mc_prepare(db, "INSERT INTO t (v) VALUES (?)");

    ck_assert_ptr_nonnull(st);
    sqlite3_bind_int(st, 1, v);
    ck_assert_int_eq(mc_step(db, st, "t"), MC_DONE);
    mc_release(db, st);
}

static long long sum(mc_db *db)
{
    return query_int(db, "SELECT coalesce(sum(v), 0) * 1000 + count(*) FROM t");
}

START_TEST(test_nested_transactions)
{
    mc_db *db = open_memory();

    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (v INTEGER)"), MC_OK);
    ck_assert_int_eq(mc_txn_depth(db), 0);

    /* Rolling back the inner level keeps the outer work. */
    ck_assert_int_eq(mc_begin(db), MC_OK);
    put(db, 1);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    ck_assert_int_eq(mc_txn_depth(db), 2);
    put(db, 2);
    ck_assert_int_eq(mc_rollback(db), MC_OK);
    ck_assert_int_eq(mc_txn_depth(db), 1);
    put(db, 4);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    ck_assert_int_eq(mc_txn_depth(db), 0);
    ck_assert_int_eq(sum(db), 5 * 1000 + 2);

    /* Rolling back the outer level undoes committed inner levels too. */
    ck_assert_int_eq(mc_begin(db), MC_OK);
    put(db, 10);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    put(db, 20);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    put(db, 40);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    ck_assert_int_eq(sum(db), 75 * 1000 + 5);   /* visible inside */
    ck_assert_int_eq(mc_rollback(db), MC_OK);
    ck_assert_int_eq(sum(db), 5 * 1000 + 2);

    /* Three levels, the middle one rolled back with its child. */
    ck_assert_int_eq(mc_begin(db), MC_OK);
    put(db, 100);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    put(db, 200);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    put(db, 400);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    ck_assert_int_eq(mc_rollback(db), MC_OK);
    ck_assert_int_eq(mc_begin(db), MC_OK);   /* reusing the level works */
    put(db, 800);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    ck_assert_int_eq(mc_commit(db), MC_OK);
    ck_assert_int_eq(sum(db), 905 * 1000 + 4);

    /* Without a transaction. */
    ck_assert_int_eq(mc_commit(db), MC_MISUSE);
    assert_msg_has(db, "no transaction");
    ck_assert_int_eq(mc_rollback(db), MC_MISUSE);
    mc_close(db);
}
END_TEST

START_TEST(test_begin_immediate_locks)
{
    mc_open_options quick = MC_OPEN_OPTIONS_DEFAULT;
    char path[256];
    mc_db *a = NULL, *b = NULL;

    make_tmp();
    snprintf(path, sizeof path, "%s/lock.db", tmpdir);
    quick.busy_timeout_ms = 0;
    ck_assert_int_eq(mc_open(&a, path, &quick), MC_OK);
    ck_assert_int_eq(mc_open(&b, path, &quick), MC_OK);
    ck_assert_int_eq(mc_exec(a, "CREATE TABLE t (v INTEGER)"), MC_OK);

    /* BEGIN (deferred) takes no lock yet. */
    ck_assert_int_eq(mc_begin(a), MC_OK);
    ck_assert_int_eq(mc_begin_immediate(b), MC_OK);
    put(b, 1);
    ck_assert_int_eq(mc_commit(b), MC_OK);
    ck_assert_int_eq(mc_rollback(a), MC_OK);

    /* BEGIN IMMEDIATE holds the write lock until the end. */
    ck_assert_int_eq(mc_begin_immediate(a), MC_OK);
    ck_assert_int_eq(mc_begin_immediate(b), MC_BUSY);
    ck_assert_int_eq(mc_txn_depth(b), 0);
    assert_msg_has(b, "database is locked");
    ck_assert_int_eq(mc_exec(b, "INSERT INTO t VALUES (2)"), MC_BUSY);
    ck_assert_int_eq(query_int(b, "SELECT count(*) FROM t"), 1);  /* WAL: reads go on */
    ck_assert_int_eq(mc_commit(a), MC_OK);
    ck_assert_int_eq(mc_exec(b, "INSERT INTO t VALUES (2)"), MC_OK);

    mc_close(a);
    mc_close(b);
    remove_tmp();
}
END_TEST

/* ---- value checks ---------------------------------------------------------------- */

START_TEST(test_utf8)
{
    static const struct { const char *s; size_t chars; int valid; } cases[] = {
        { "", 0, 1 },
        { "hello", 5, 1 },
        { "h\xc3\xa9llo", 5, 1 },                   /* é */
        { "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 3, 1 },   /* 日本語 */
        { "\xf0\x9f\x98\x80!", 2, 1 },              /* emoji, 4 bytes */
        { "\xef\xbf\xbf", 1, 1 },                   /* U+FFFF */
        { "\xf4\x8f\xbf\xbf", 1, 1 },               /* U+10FFFF */
        { "a\xff", 1, 0 },
        { "\xc0\xaf", 0, 0 },                       /* overlong '/' */
        { "\xe0\x80\xaf", 0, 0 },                   /* overlong */
        { "\xed\xa0\x80", 0, 0 },                   /* surrogate D800 */
        { "\xe6\x97", 0, 0 },                       /* truncated */
        { "\xf4\x90\x80\x80", 0, 0 },               /* > U+10FFFF */
        { "\x80", 0, 0 },                           /* lone continuation */
        { "ab\xc3", 2, 0 },
    };
    size_t i;
    int valid;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        valid = -1;
        ck_assert_msg(mc_utf8_length(cases[i].s, &valid) == cases[i].chars, "case %zu", i);
        ck_assert_msg(valid == cases[i].valid, "case %zu validity", i);
    }
    ck_assert_uint_eq(mc_utf8_length(NULL, &valid), 0);
    ck_assert_int_eq(valid, 1);
    ck_assert_uint_eq(mc_utf8_length("abc", NULL), 3);
}
END_TEST

START_TEST(test_check_string)
{
    mc_db *db = open_memory();
    char s[200];
    int i;

    /* 64 two-byte characters fit in String(64): characters, not bytes. */
    for (i = 0; i < 64; i++)
        memcpy(s + 2 * i, "\xc3\xa9", 2);
    s[128] = '\0';
    ck_assert_int_eq(mc_check_string(db, "user", "username", s, 64), MC_OK);
    memcpy(s + 128, "\xc3\xa9", 3);
    ck_assert_int_eq(mc_check_string(db, "user", "username", s, 64), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "user.username: 65 characters, at most 64");

    memset(s, 'x', 70);
    s[70] = '\0';
    ck_assert_int_eq(mc_check_string(db, "user", "username", s, 64), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "user.username: 70 characters, at most 64");
    ck_assert_int_eq(mc_check_string(db, "user", "username", s, 0), MC_OK);    /* no limit */
    ck_assert_int_eq(mc_check_string(db, "user", "username", NULL, 64), MC_OK);

    ck_assert_int_eq(mc_check_string(db, "user", "username", "ab\xff", 64), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "user.username: not valid UTF-8 (at byte 2)");
    ck_assert_int_eq(mc_check_string(NULL, NULL, NULL, "\xff", 0), MC_INVALID);
    mc_close(db);
}
END_TEST

START_TEST(test_json)
{
    static const char *const valid[] = {
        "0", "-0", "1e5", "-1.5E-3", "1E+2", "0.5", "123456789012345678901234567890",
        "true", "false", "null", "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
        "\"\\u00e9\\uD83D\\uDE00\"", "\"h\xc3\xa9llo \xf0\x9f\x98\x80\"",
        "[]", "{}", " [ ] ", "[1, 2, 3]", "{\"a\": 1, \"b\": [true, {\"c\": null}]}",
        "\t\r\n{\"k\" : \"v\"}\n", "[[[[[[[[[[]]]]]]]]]]", "{\"\": {\"\": {}}}",
        "[{\"a\": []}, {}, \"x\", -0.0e0]", "{\"a\": 1, \"a\": 2}",
    };
    static const char *const invalid[] = {
        "", " ", "01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "NaN", "Infinity",
        "tru", "True", "nul", "'single'", "\"unterminated", "\"bad \\x escape\"",
        "\"\\u12\"", "\"\\uXYZW\"", "\"raw\ttab\"", "\"raw\nnewline\"", "\"bad \xff byte\"",
        "[1, 2,]", "{\"a\": 1,}", "[,]", "{,}", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{a: 1}",
        "{1: 2}", "[1]]", "[1}", "{\"a\": 1]", "[", "{", "]", "}", "[1] x", "1 2",
        "/* c */ 1", "// c\n1", "\xef\xbb\xbf{}",
    };
    mc_db *db = open_memory();
    size_t i, at;

    for (i = 0; i < sizeof valid / sizeof *valid; i++)
        ck_assert_msg(mc_check_json(db, "book", "extra", valid[i]) == MC_OK,
                      "valid[%zu] %s refused: %s", i, valid[i], mc_errmsg(db));
    for (i = 0; i < sizeof invalid / sizeof *invalid; i++)
        ck_assert_msg(mc_check_json(db, "book", "extra", invalid[i]) == MC_INVALID,
                      "invalid[%zu] %s accepted", i, invalid[i]);
    ck_assert_int_eq(mc_check_json(db, "book", "extra", NULL), MC_OK);

    /* The offset points at the offending byte. */
    ck_assert_int_eq(mc_check_json(db, "book", "extra", "{\"a\": 1,}"), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "book.extra: not valid JSON (at byte 8)");
    ck_assert_int_eq(mc_json_valid("[1, 2,]", 7, &at), 0);
    ck_assert_uint_eq(at, 6);
    ck_assert_int_eq(mc_json_valid("01", 2, &at), 0);
    ck_assert_uint_eq(at, 1);
    ck_assert_int_eq(mc_json_valid("[1] x", 5, &at), 0);
    ck_assert_uint_eq(at, 4);
    /* Length-bounded: the bytes after len are not looked at. */
    ck_assert_int_eq(mc_json_valid("[1]garbage", 3, NULL), 1);
    mc_close(db);
}
END_TEST

START_TEST(test_json_deep_nesting)
{
    size_t depth = 100000, i;
    char *doc = malloc(2 * depth + 3);
    size_t at = 0;

    /* Deeply nested input costs heap, not C stack: no crash, right answers. */
    for (i = 0; i < depth; i++)
        doc[i] = '[';
    doc[depth] = '\0';
    ck_assert_int_eq(mc_json_valid(doc, depth, &at), 0);
    ck_assert_uint_eq(at, depth);
    ck_assert_int_eq(mc_check_json(NULL, "b", "e", doc), MC_INVALID);
    for (i = 0; i < depth; i++)
        doc[depth + i] = ']';
    doc[2 * depth] = '\0';
    ck_assert_int_eq(mc_json_valid(doc, 2 * depth, NULL), 1);
    /* Objects and arrays interleaved, mismatched at the very bottom. */
    for (i = 0; i < 10000; i++) {
        doc[i * 6 + 0] = '{';
        doc[i * 6 + 1] = '"';
        doc[i * 6 + 2] = 'k';
        doc[i * 6 + 3] = '"';
        doc[i * 6 + 4] = ':';
        doc[i * 6 + 5] = '[';
    }
    memcpy(doc + 60000, "1", 1);
    for (i = 0; i < 10000; i++) {
        doc[60001 + i * 2] = ']';
        doc[60001 + i * 2 + 1] = '}';
    }
    doc[80001] = '\0';
    ck_assert_int_eq(mc_json_valid(doc, 80001, NULL), 1);
    doc[80000] = ']';
    ck_assert_int_eq(mc_json_valid(doc, 80001, &at), 0);
    ck_assert_uint_eq(at, 80000);
    free(doc);
}
END_TEST

START_TEST(test_dates)
{
    static const char *const good_dates[] = { "2019-05-20", "2024-02-29", "2000-02-29",
                                              "0001-01-01", "9999-12-31", "2023-04-30" };
    static const char *const bad_dates[] = { "2023-02-29", "1900-02-29", "2100-02-29",
                                             "2023-04-31", "2023-13-01", "2023-00-10",
                                             "2023-01-00", "0000-01-01", "2023-1-01",
                                             "20230101", "2023-01-01 ", "2023-01-01T00",
                                             "", "abcd-ef-gh" };
    static const char *const good_times[] = { "00:00:00", "23:59:59", "12:47:00.000000",
                                              "12:47:00.5" };
    static const char *const bad_times[] = { "24:00:00", "23:60:00", "23:59:60", "7:00:00",
                                             "12:47", "12:47:00.", "12:47:00.1234567",
                                             "12:47:00Z" };
    static const char *const good_datetimes[] = { "2019-05-20 12:47:00.000000",
                                                  "2019-05-20 12:47:00", "2024-02-29 23:59:59.999999",
                                                  "2019-05-20T12:47:00", "2019-05-20 12:47:00+00:00" };
    static const char *const bad_datetimes[] = { "2019-05-20", "2023-02-29 00:00:00", "2019-05-20 25:00:00",
                                                 "2019-05-20  12:47:00", "2019-05-20 12:47:00 +00:00" };
    mc_db *db = open_memory();
    size_t i;

    for (i = 0; i < sizeof good_dates / sizeof *good_dates; i++)
        ck_assert_msg(mc_check_date(db, "t", "d", good_dates[i]) == MC_OK, "%s", good_dates[i]);
    for (i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++)
        ck_assert_msg(mc_check_date(db, "t", "d", bad_dates[i]) == MC_INVALID, "%s", bad_dates[i]);
    for (i = 0; i < sizeof good_times / sizeof *good_times; i++)
        ck_assert_msg(mc_check_time(db, "t", "d", good_times[i]) == MC_OK, "%s", good_times[i]);
    for (i = 0; i < sizeof bad_times / sizeof *bad_times; i++)
        ck_assert_msg(mc_check_time(db, "t", "d", bad_times[i]) == MC_INVALID, "%s", bad_times[i]);
    for (i = 0; i < sizeof good_datetimes / sizeof *good_datetimes; i++)
        ck_assert_msg(mc_check_datetime(db, "t", "d", good_datetimes[i]) == MC_OK, "%s",
                      good_datetimes[i]);
    for (i = 0; i < sizeof bad_datetimes / sizeof *bad_datetimes; i++)
        ck_assert_msg(mc_check_datetime(db, "t", "d", bad_datetimes[i]) == MC_INVALID, "%s",
                      bad_datetimes[i]);
    ck_assert_int_eq(mc_check_date(db, "t", "d", NULL), MC_OK);

    ck_assert_int_eq(mc_check_date(db, "author", "born", "2023-02-29"), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db),
                     "author.born: not a valid date (2023-02 has 28 days; the form is YYYY-MM-DD)");
    ck_assert_int_eq(mc_check_datetime(db, "loan", "returned_at", "2019-05-20x12:47:00"),
                     MC_INVALID);
    assert_msg_has(db, "loan.returned_at: not a valid datetime");
    mc_close(db);
}
END_TEST

START_TEST(test_now_datetime)
{
    char now[27], year[16];
    time_t t = time(NULL);
    struct tm tm;

    memset(now, 'x', sizeof now);
    mc_now_datetime(now);
    ck_assert_uint_eq(strlen(now), 26);
    ck_assert_int_eq(mc_check_datetime(NULL, "t", "f", now), MC_OK);
    gmtime_r(&t, &tm);
    snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
    ck_assert_int_eq(strncmp(now, year, 4), 0);
    ck_assert(now[10] == ' ' && now[19] == '.');
}
END_TEST

START_TEST(test_numeric)
{
    static const char *const good[] = { "123456.78", "-123456.78", "+1", "0", "0.5", ".5",
                                         "5.", "007.50", "1.230", "000000000", "-0.00" };
    static const char *const bad[] = { "1234567.8", "1.234", "abc", "1e5", "", ".", "-",
                                       "1,5", " 1", "1 ", "--1", "1.2.3", "0x10" };
    mc_db *db = open_memory();
    size_t i;

    for (i = 0; i < sizeof good / sizeof *good; i++)
        ck_assert_msg(mc_check_numeric(db, "book", "price", good[i], 8, 2) == MC_OK, "%s: %s",
                      good[i], mc_errmsg(db));
    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(mc_check_numeric(db, "book", "price", bad[i], 8, 2) == MC_INVALID, "%s",
                      bad[i]);
    ck_assert_int_eq(mc_check_numeric(db, "book", "price", "1234567.8", 8, 2), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db),
                     "book.price: 7 digits before the point, at most 6 (NUMERIC(8, 2))");
    ck_assert_int_eq(mc_check_numeric(db, "book", "price", "1.234", 8, 2), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db),
                     "book.price: 3 digits after the point, at most 2 (NUMERIC(8, 2))");
    ck_assert_int_eq(mc_check_numeric(db, "book", "price", "1e5", 8, 2), MC_INVALID);
    assert_msg_has(db, "book.price: not a decimal number");
    /* Scale 0 and a scale equal to the precision. */
    ck_assert_int_eq(mc_check_numeric(db, "t", "n", "99999", 5, 0), MC_OK);
    ck_assert_int_eq(mc_check_numeric(db, "t", "n", "99999.5", 5, 0), MC_INVALID);
    ck_assert_int_eq(mc_check_numeric(db, "t", "n", "0.99", 2, 2), MC_OK);
    ck_assert_int_eq(mc_check_numeric(db, "t", "n", "1.99", 2, 2), MC_INVALID);
    ck_assert_int_eq(mc_check_numeric(db, "t", "n", NULL, 2, 2), MC_OK);
    ck_assert_int_eq(mc_check_numeric(db, "t", "n", "12345678901234567890.123", 0, 0), MC_OK);
    mc_close(db);
}
END_TEST

/* ---- columns and bindings ----------------------------------------------------------- */

/* Blobs of 2 GiB or more (past SQLite's length limit) and NaN are refused
 * with a message, not truncated or stored as NULL.  The huge blob is a
 * small buffer with a claimed length: the check reads only the length. */
START_TEST(test_blob_length_and_nan)
{
    mc_db *db = open_memory();
    static unsigned char small[4] = {1, 2, 3, 4};
    mc_blob huge = {small, (size_t)1 << 31};
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", &huge), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "book.cover: 2147483648 bytes, at most 1000000000");
    huge.len = SIZE_MAX;
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", &huge), MC_INVALID);
    huge.len = (size_t)1 << 32;
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", &huge), MC_INVALID);
    huge.len = 4;
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", &huge), MC_OK);
    /* the connection's limit is the bound */
    sqlite3_limit(mc_sqlite(db), SQLITE_LIMIT_LENGTH, 3);
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", &huge), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "book.cover: 4 bytes, at most 3");
    huge.len = 3;
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", &huge), MC_OK);
    mc_blob null_blob = {NULL, (size_t)1 << 31};
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", &null_blob), MC_OK);
    ck_assert_int_eq(mc_check_blob(db, "book", "cover", NULL), MC_OK);
    huge.len = (size_t)1 << 31;
    ck_assert_int_eq(mc_check_blob(NULL, "book", "cover", &huge), MC_INVALID);

    ck_assert_int_eq(mc_check_double(db, "book", "rating", NAN), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "book.rating: NaN cannot be stored (SQLite would make it NULL)");
    ck_assert_int_eq(mc_check_double(db, "book", "rating", -NAN), MC_INVALID);
    ck_assert_int_eq(mc_check_double(db, "book", "rating", INFINITY), MC_OK);
    ck_assert_int_eq(mc_check_double(db, "book", "rating", -0.0), MC_OK);
    ck_assert_int_eq(mc_check_double(db, "book", "rating", 1e308), MC_OK);
    mc_close(db);
}
END_TEST

START_TEST(test_blob_null_vs_empty)
{
    static const unsigned char bytes[] = { 0, 1, 2, 0, 255, '\'', ';' };
    mc_db *db = open_memory();
    mc_blob empty = { (void *)"", 0 }, some = { (void *)bytes, sizeof bytes }, nul = { NULL, 0 };
    mc_blob out[4];
    sqlite3_stmt *st;
    int i = 0;

    ck_assert_int_eq(mc_exec(db, "CREATE TABLE b (k INTEGER PRIMARY KEY, x BLOB)"), MC_OK);
    st = mc_prepare(db, "INSERT INTO b (k, x) VALUES (?, ?)");
    sqlite3_bind_int(st, 1, 1);
    ck_assert_int_eq(mc_bind_blob(db, st, 2, NULL), MC_OK);
    ck_assert_int_eq(mc_step(db, st, "b"), MC_DONE);
    mc_release(db, st);
    st = mc_prepare(db, "INSERT INTO b (k, x) VALUES (?, ?)");
    sqlite3_bind_int(st, 1, 2);
    ck_assert_int_eq(mc_bind_blob(db, st, 2, &nul), MC_OK);
    ck_assert_int_eq(mc_step(db, st, "b"), MC_DONE);
    mc_release(db, st);
    st = mc_prepare(db, "INSERT INTO b (k, x) VALUES (?, ?)");
    sqlite3_bind_int(st, 1, 3);
    ck_assert_int_eq(mc_bind_blob(db, st, 2, &empty), MC_OK);
    ck_assert_int_eq(mc_step(db, st, "b"), MC_DONE);
    mc_release(db, st);
    st = mc_prepare(db, "INSERT INTO b (k, x) VALUES (?, ?)");
    sqlite3_bind_int(st, 1, 4);
    ck_assert_int_eq(mc_bind_blob(db, st, 2, &some), MC_OK);
    ck_assert_int_eq(mc_step(db, st, "b"), MC_DONE);
    mc_release(db, st);

    ck_assert_str_eq(query_text(db, "SELECT group_concat(typeof(x) || length(x), ',') FROM b "
                                    "WHERE x IS NOT NULL ORDER BY k"), "blob0,blob7");
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM b WHERE x IS NULL"), 2);

    st = mc_prepare(db, "SELECT x FROM b ORDER BY k");
    while (mc_step(db, st, "b") == MC_OK) {
        ck_assert_int_eq(mc_column_blob(db, st, 0, &out[i]), MC_OK);
        i++;
    }
    mc_release(db, st);
    ck_assert_int_eq(i, 4);
    ck_assert_ptr_null(out[0].data);
    ck_assert_uint_eq(out[0].len, 0);
    ck_assert_ptr_null(out[1].data);
    ck_assert_ptr_nonnull(out[2].data);     /* empty, not NULL */
    ck_assert_uint_eq(out[2].len, 0);
    ck_assert_uint_eq(out[3].len, sizeof bytes);
    ck_assert_int_eq(memcmp(out[3].data, bytes, sizeof bytes), 0);
    for (i = 0; i < 4; i++) {
        mc_blob_free(&out[i]);
        ck_assert_ptr_null(out[i].data);
    }
    mc_close(db);
}
END_TEST

/* Lent values are the row's own memory (no copy): NULL stays NULL, an
 * empty blob is non-NULL with len 0, and a NUMERIC stored as a number is
 * written with its scale and kept with the query's row. */
START_TEST(test_lent_values)
{
    mc_db *db = open_memory();
    mc_stmt *st = mc_stmt_prepare(db, "SELECT 'abc', NULL, x'', x'0102', ''");
    char *t;
    mc_blob b;

    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 0, &t), MC_OK);
    ck_assert_ptr_eq(t, (const char *)sqlite3_column_text(st->lite, 0));
    ck_assert_str_eq(t, "abc");
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 1, &t), MC_OK);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(mc_stmt_column_blob_lent(db, st, 1, &b), MC_OK);
    ck_assert(b.data == NULL && b.len == 0);
    ck_assert_int_eq(mc_stmt_column_blob_lent(db, st, 2, &b), MC_OK);
    ck_assert(b.data != NULL && b.len == 0);
    ck_assert_int_eq(mc_stmt_column_blob_lent(db, st, 3, &b), MC_OK);
    ck_assert_ptr_eq(b.data, sqlite3_column_blob(st->lite, 3));
    ck_assert(b.len == 2 && memcmp(b.data, "\1\2", 2) == 0);
    ck_assert_int_eq(mc_stmt_column_text_lent(db, st, 4, &t), MC_OK);
    ck_assert(t != NULL && t[0] == '\0');
    ck_assert_int_eq(mc_stmt_column_text_lent(db, NULL, 0, &t), MC_MISUSE);
    ck_assert_ptr_null(t);
    mc_stmt_release(db, st);

    static const char *const cols[] = {"id", "price"};
    static const mc_table_meta meta = {"item", "item", "id, price", 2, cols, NULL};
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE item (id INTEGER PRIMARY KEY, price NUMERIC(8, 2));"
                                 "INSERT INTO item (price) VALUES ('8.50'), ('abc'), (NULL), (3)"), MC_OK);
    mc_query *q = mc_query_new(db, &meta);
    mc_query_order_by(q, 0, 0);
    const char *want[] = {"8.50", "abc", NULL, "3.00"};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(mc_query_step(q, &st), MC_OK);
        ck_assert_int_eq(mc_query_numeric_lent(q, st, 1, 2, &t), MC_OK);
        if (want[i])
            ck_assert_str_eq(t, want[i]);
        else
            ck_assert_ptr_null(t);
        if (i == 1)
            ck_assert_ptr_eq(t, (const char *)sqlite3_column_text(st->lite, 1));  /* stored text: lent */
    }
    /* The last written value goes with the query (ASan, valgrind: no leak). */
    mc_query_free(q);
    mc_close(db);
}
END_TEST

START_TEST(test_text_round_trip)
{
    static const char *const values[] = {
        "it's", "\"quoted\"", "a;b", "Robert'); DROP TABLE students;--", "-- not a comment",
        "/* nor this */", "back\\slash", "%s%n%d", "?1 ?2 :name @x $y", "", "tab\there",
        "line\nbreak", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80",
    };
    size_t n = sizeof values / sizeof *values, i;
    mc_db *db = open_memory();
    sqlite3_stmt *st;
    char *got;

    ck_assert_int_eq(mc_exec(db, "CREATE TABLE students (k INTEGER PRIMARY KEY, s TEXT)"), MC_OK);
    for (i = 0; i <= n; i++) {
        st = mc_prepare(db, "INSERT INTO students (k, s) VALUES (?, ?)");
        sqlite3_bind_int(st, 1, (int)i);
        ck_assert_int_eq(mc_bind_text(db, st, 2, i < n ? values[i] : NULL), MC_OK);
        ck_assert_int_eq(mc_step(db, st, "students"), MC_DONE);
        mc_release(db, st);
    }
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM students"), (long long)n + 1);

    for (i = 0; i <= n; i++) {
        st = mc_prepare(db, "SELECT s FROM students WHERE k = ?");
        sqlite3_bind_int(st, 1, (int)i);
        ck_assert_int_eq(mc_step(db, st, "students"), MC_OK);
        ck_assert_int_eq(mc_column_text(db, st, 0, &got), MC_OK);
        if (i < n) {
            ck_assert_ptr_nonnull(got);
            ck_assert_str_eq(got, values[i]);
        } else {
            ck_assert_ptr_null(got);    /* SQL NULL */
        }
        free(got);
        got = mc_column_strdup(st, 0);
        if (i < n)
            ck_assert_str_eq(got, values[i]);
        else
            ck_assert_ptr_null(got);
        free(got);
        mc_release(db, st);
    }

    /* Binding out of range is reported, not ignored. */
    st = mc_prepare(db, "SELECT s FROM students WHERE k = ?");
    ck_assert_int_eq(mc_bind_text(db, st, 5, "x"), MC_MISUSE);
    assert_msg_has(db, "bind");
    mc_release(db, st);
    mc_close(db);
}
END_TEST

static Suite *runtime_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *open = tcase_create("open");
    TCase *err = tcase_create("errors");
    TCase *cache = tcase_create("stmt_cache");
    TCase *txn = tcase_create("txn");
    TCase *values = tcase_create("values");

    tcase_add_test(open, test_version);
    tcase_add_test(open, test_open_memory);
    tcase_add_test(open, test_open_path_and_urls);
    tcase_add_test(open, test_open_default_from_environment);
    tcase_add_test(open, test_open_options_and_failures);
    tcase_add_test(open, test_null_is_a_noop);
    tcase_add_test(err, test_constraint_messages);
    tcase_add_test(err, test_set_error_and_mapping);
    tcase_add_test(err, test_exec);
    tcase_add_test(cache, test_prepare_cache);
    tcase_add_test(cache, test_prepare_reset_and_nesting);
    tcase_add_test(cache, test_stmt_release_and_literals);
    tcase_add_test(cache, test_prepare_errors);
    tcase_add_test(cache, test_many_statements);
    tcase_add_test(txn, test_nested_transactions);
    tcase_add_test(txn, test_begin_immediate_locks);
    tcase_add_test(values, test_utf8);
    tcase_add_test(values, test_check_string);
    tcase_add_test(values, test_json);
    tcase_add_test(values, test_json_deep_nesting);
    tcase_add_test(values, test_dates);
    tcase_add_test(values, test_now_datetime);
    tcase_add_test(values, test_numeric);
    tcase_add_test(values, test_blob_length_and_nan);
    tcase_add_test(values, test_blob_null_vs_empty);
    tcase_add_test(values, test_text_round_trip);
    tcase_add_test(values, test_lent_values);
    tcase_add_test(values, test_query_first_and_page);
    tcase_add_test(values, test_query_outlives_connection);
    tcase_set_timeout(open, 60);
    tcase_set_timeout(txn, 60);
    tcase_set_timeout(values, 60);
    suite_add_tcase(s, open);
    suite_add_tcase(s, err);
    suite_add_tcase(s, cache);
    suite_add_tcase(s, txn);
    suite_add_tcase(s, values);
    return s;
}

int main(void)
{
    return tu_run_suite(runtime_suite());
}
