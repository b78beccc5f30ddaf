/*
 * test_inspect.c -- `modelc inspect`: an existing database's schema
 * written in the schema language.  Golden output for the library example,
 * round trips (`modelc sql` of the inspected schema is the DDL the
 * database was made with, for databases modelc and Flask-SQLAlchemy made),
 * every construct the language cannot write reported as a comment, and
 * the command's failures (the database is only read, never created).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* modelc with up to four arguments (NULLs end the list early). */
#define modelc(a1, a2, a3, a4) tu_modelc_run(a1, a2, a3, a4, (const char *)NULL)

/* dir/name.db created from `modelc sql schema`; returns its path. */
static char *db_from_schema(const char *dir, const char *name, const char *schema)
{
    char *db = tu_fmt("%s/%s.db", dir, name);
    char *cmd = tu_fmt("'%s' sql '%s' | sqlite3 '%s'", tu_modelc(), schema, db);
    tu_result r = tu_sh(cmd, 60);
    ck_assert_msg(r.status == 0, "%s: %s", cmd, r.err);
    tu_result_free(&r);
    free(cmd);
    return db;
}

/* `modelc sql` of the inspected schema of db equals `modelc sql want`. */
static void check_round_trip(const char *dir, const char *db, const char *want)
{
    char *out = tu_fmt("%s/inspected.model", dir);
    tu_result r = modelc("inspect", "--db", db, "-o");
    ck_assert_int_eq(r.status, 2);  /* -o needs a value */
    tu_result_free(&r);
    const char *argv[] = {tu_modelc(), "inspect", "--db", db, "-o", out, NULL};
    r = tu_run(argv, NULL, 60);
    ck_assert_msg(r.status == 0, "inspect %s: %s", db, r.err);
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    tu_result got = modelc("sql", out, NULL, NULL);
    ck_assert_msg(got.status == 0, "the inspected schema does not load:\n%s", got.err);
    tu_result exp = modelc("sql", want, NULL, NULL);
    ck_assert_int_eq(exp.status, 0);
    ck_assert_str_eq(got.out, exp.out);
    tu_result_free(&got);
    tu_result_free(&exp);
    free(out);
}

START_TEST(library_golden)
{
    char *dir = tu_mkdtemp();
    char *db = db_from_schema(dir, "library", tu_example("examples/library.model"));
    tu_result r = modelc("inspect", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    char *want = tu_read_file(tu_path("tests/golden/inspect/library.model"), NULL);
    ck_assert_ptr_nonnull(want);
    ck_assert_str_eq(r.out, want);
    free(want);
    tu_result_free(&r);
    free(db);
    tu_rmdir(dir);
}
END_TEST

START_TEST(round_trips_of_modelc_databases)
{
    const char *schemas[] = {tu_example("examples/blog.model"), tu_example("examples/library.model"),
                             tu_path("tests/programs/followers.model")};
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++) {
        char *dir = tu_mkdtemp();
        char *schema = strdup(schemas[i]);
        char *db = db_from_schema(dir, "x", schema);
        check_round_trip(dir, db, schema);
        free(schema);
        free(db);
        tu_rmdir(dir);
    }
}
END_TEST

/* A database Flask-SQLAlchemy's create_all() made, with rows in it. */
START_TEST(round_trips_of_flask_sqlalchemy_databases)
{
    const char *names[] = {"blog", "library"};
    for (size_t i = 0; i < 2; i++) {
        char *dir = tu_mkdtemp();
        char *db = tu_fmt("%s/flask.db", dir);
        char *cmd = tu_fmt("/usr/bin/python3 %s %s write %s", tu_path("tests/interop/flask_app.py"), names[i], db);
        tu_result py = tu_sh(cmd, 120);
        free(cmd);
        if (py.status == 77 || py.status == 127) {
            printf("test_inspect: skipped the Flask-SQLAlchemy round trip: %s", py.out[0] ? py.out : py.err);
            tu_result_free(&py);
            free(db);
            tu_rmdir(dir);
            return;
        }
        ck_assert_msg(py.status == 0, "%s", py.err);
        tu_result_free(&py);
        char *schema = tu_fmt("examples/%s.model", names[i]);
        check_round_trip(dir, db, tu_example(schema));
        free(schema);
        free(db);
        tu_rmdir(dir);
    }
}
END_TEST

/* What the language cannot say is named in a comment; what it can say of
 * the same tables is kept, and the result loads. */
/* A database's text that holds a carriage return (a CHECK written with
 * CRLF line ends, a default with a CR): inspect writes it as \r, the
 * schema loads, and its DDL has the CRs again. */
START_TEST(carriage_returns_round_trip)
{
    char *dir = tu_mkdtemp();
    char *db = tu_fmt("%s/cr.db", dir);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE t (id INTEGER NOT NULL, a INTEGER CHECK (a > 0 OR\r\n    a < -5), "
                                     "s VARCHAR(9) DEFAULT 'x\ry', PRIMARY KEY (id))",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    char *out = tu_fmt("%s/cr.model", dir);
    tu_result r = modelc("inspect", "--db", db, "-o");
    tu_result_free(&r);
    const char *argv[] = {tu_modelc(), "inspect", "--db", db, "-o", out, NULL};
    r = tu_run(argv, NULL, 60);
    ck_assert_msg(r.status == 0, "inspect: %s", r.err);
    tu_result_free(&r);
    char *text = tu_read_file(out, NULL);
    ck_assert_msg(text && strstr(text, "check(\"a > 0 OR\\r\\n    a < -5\")") &&
                      strstr(text, "server_default(\"x\\ry\")"),
                  "%s", text);
    r = modelc("sql", out, NULL, NULL);
    ck_assert_msg(r.status == 0, "the inspected schema does not load:\n%s", r.err);
    ck_assert_msg(strstr(r.out, "CHECK (a > 0 OR\r\n    a < -5)") && strstr(r.out, "DEFAULT 'x\ry'"), "%s", r.out);
    tu_result_free(&r);
    free(text);
    free(out);
    free(db);
    tu_rmdir(dir);
}
END_TEST

START_TEST(left_out_is_written_down)
{
    char *dir = tu_mkdtemp();
    char *db = tu_fmt("%s/odd.db", dir);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(
        h,
        "CREATE TABLE \"Group\" (id INTEGER PRIMARY KEY, \"first name\" TEXT, model INTEGER, geom GEOMETRY,"
        " created TEXT DEFAULT (datetime('now')), CONSTRAINT positive CHECK (model > 0));"
        "CREATE TABLE tblItems (gid INTEGER, code TEXT, qty INTEGER DEFAULT 1, label VARCHAR(10) DEFAULT 'it''s',"
        " PRIMARY KEY (gid, code));"
        "CREATE TABLE item_ref (id INTEGER PRIMARY KEY, gid INTEGER, code TEXT,"
        " FOREIGN KEY (gid, code) REFERENCES tblItems (gid, code), FOREIGN KEY (id) REFERENCES missing (id));"
        "CREATE TABLE log (msg TEXT, at TIMESTAMP);"
        "CREATE VIEW v_items AS SELECT * FROM tblItems;"
        "CREATE TRIGGER trg AFTER INSERT ON log BEGIN SELECT 1; END;"
        "CREATE INDEX ix_partial ON tblItems (qty) WHERE qty > 0;"
        "CREATE INDEX ix_expr ON tblItems (lower(code));"
        "CREATE INDEX my_ix ON log (msg);",
        NULL, NULL, &err);
    ck_assert_msg(rc == SQLITE_OK, "%s", err ? err : "");
    sqlite3_close(h);
    tu_result r = modelc("inspect", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    const char *want[] = {
        "# left out: view v_items is a view",
        "#     CREATE VIEW v_items AS SELECT * FROM tblItems\n",
        "# left out: trigger trg is a trigger",
        "# left out: index ix_partial is a partial index",
        "#     CREATE INDEX ix_partial ON tblItems (qty) WHERE qty > 0\n",
        "# left out: index ix_expr is an index on an expression",
        "model Group table \"Group\" {",
        "first_name Text     column(\"first name\")",
        "`model`    Integer\n",
        "# SQL type 'GEOMETRY' has no modelc equivalent: written as Numeric",
        "# left out: server default datetime('now') (an expression)",
        "# left out: the constraint's name positive",
        "check(\"model > 0\")",
        "model TblItems table \"tblItems\" {",
        "server_default(1)",
        "server_default(\"it's\")",
        "primary_key(gid, code)",
        "# left out: foreign key to missing, not a table of this database",
        "# left out: a foreign key of 2 columns to tblItems",
        "at  DateTime # SQL type 'TIMESTAMP' has no modelc equivalent: written as DateTime",
        "# the table has no primary key, which a model needs: review this one",
        "index(msg, name: \"my_ix\")",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(r.out, want[i]), "missing %s in:\n%s", want[i], r.out);
    /* each foreign key is reported once */
    const char *p = strstr(r.out, "missing");
    ck_assert_ptr_null(strstr(p + 1, "to missing"));
    char *path = tu_fmt("%s/odd.model", dir);
    tu_write_file(path, r.out, strlen(r.out));
    tu_result s = modelc("sql", path, NULL, NULL);
    ck_assert_msg(s.status == 0, "%s", s.err);
    ck_assert_ptr_nonnull(strstr(s.out, "CREATE INDEX my_ix ON log (msg);"));
    tu_result_free(&s);
    /* the output is in `modelc fmt`'s layout */
    tu_result f = modelc("fmt", "--check", path, NULL);
    ck_assert_msg(f.status == 0, "%s%s", f.out, f.err);
    tu_result_free(&f);
    tu_result_free(&r);
    free(path);
    free(db);
    tu_rmdir(dir);
}
END_TEST

static char *journal_mode(const char *db)
{
    char *cmd = tu_fmt("sqlite3 '%s' 'PRAGMA journal_mode'", db);
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    char *mode = strdup(r.out);
    tu_result_free(&r);
    return mode;
}

/* inspect only reads: a missing database is an error and is not created,
 * the journal mode stays, a file that is not a database fails, and with
 * -o nothing is written when it fails. */
START_TEST(only_reads_and_fails_loudly)
{
    char *dir = tu_mkdtemp();
    char *missing = tu_fmt("%s/missing.db", dir);
    char *out = tu_fmt("%s/out.model", dir);
    const char *argv[] = {tu_modelc(), "inspect", "--db", missing, "-o", out, NULL};
    tu_result r = tu_run(argv, NULL, 30);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "modelc inspect:"));
    ck_assert(!tu_exists(missing));
    ck_assert(!tu_exists(out));
    tu_result_free(&r);

    char *junk = tu_fmt("%s/junk.db", dir);
    tu_write_file(junk, "this is not a database, it is text that goes on for a while..........\n", 70);
    const char *argv2[] = {tu_modelc(), "inspect", "--db", junk, "-o", out, NULL};
    r = tu_run(argv2, NULL, 30);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "not a database"));
    ck_assert(!tu_exists(out));
    tu_result_free(&r);

    /* a database with only the version tables: no schema, nothing written */
    char *empty = tu_fmt("%s/empty.db", dir);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(empty, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE modelc_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
                                     "NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL);"
                                     "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    const char *argv3[] = {tu_modelc(), "inspect", "--db", empty, "-o", out, NULL};
    r = tu_run(argv3, NULL, 30);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "modelc inspect: ") && strstr(r.err, ": the database has no tables") &&
                      strstr(r.err, "modelc init") && !strstr(r.err, "<inspected>"),
                  "%s", r.err);
    ck_assert(!tu_exists(out));
    tu_result_free(&r);
    free(empty);

    char *db = db_from_schema(dir, "blog", tu_example("examples/blog.model"));
    char *before = journal_mode(db);
    ck_assert_str_eq(before, "delete\n");
    r = modelc("inspect", "--db", db, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    char *after = journal_mode(db);
    ck_assert_str_eq(after, before);

    r = modelc("inspect", "--db", "", NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = modelc("inspect", "extra", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = modelc("inspect", "--help", NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: modelc inspect"));
    tu_result_free(&r);
    free(before);
    free(after);
    free(db);
    free(junk);
    free(out);
    free(missing);
    tu_rmdir(dir);
}
END_TEST

/* $DATABASE_URL (sqlite:///path) is the default database, as for the
 * other commands. */
START_TEST(database_url_is_the_default)
{
    char *dir = tu_mkdtemp();
    char *db = db_from_schema(dir, "blog", tu_example("examples/blog.model"));
    char *cmd = tu_fmt("DATABASE_URL='sqlite:///%s' '%s' inspect", db, tu_modelc());
    tu_result r = tu_sh(cmd, 30);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "model User {"));
    ck_assert_ptr_nonnull(strstr(r.out, "posts         relationship(Post, backref: user)"));
    tu_result_free(&r);
    free(cmd);
    free(db);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("inspect");
    TCase *tc = tcase_create("inspect");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, library_golden);
    tcase_add_test(tc, round_trips_of_modelc_databases);
    tcase_add_test(tc, round_trips_of_flask_sqlalchemy_databases);
    tcase_add_test(tc, carriage_returns_round_trip);
    tcase_add_test(tc, left_out_is_written_down);
    tcase_add_test(tc, only_reads_and_fails_loudly);
    tcase_add_test(tc, database_url_is_the_default);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
