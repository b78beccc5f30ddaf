/*
 * test_sql.c -- `modelc sql` and the command line's contract: golden DDL
 * for both shared examples (the goldens were produced by SQLAlchemy 1.4's
 * own DDL compiler from the same models: tests/interop/flask_app.py ddl),
 * the DDL runs on SQLite, usage errors exit 2, bad schemas exit 1.
 */
#include <check.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static tu_result modelc(const char *a1, const char *a2, const char *a3)
{
    const char *argv[] = {tu_modelc(), a1, a2, a3, NULL};
    return tu_run(argv, NULL, 30);
}

static void check_golden(const char *example, const char *golden)
{
    tu_result r = modelc("sql", tu_example(example), NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.err, "");
    char *want = tu_read_file(tu_path(golden), NULL);
    ck_assert_ptr_nonnull(want);
    ck_assert_str_eq(r.out, want);
    free(want);
    tu_result_free(&r);
}

START_TEST(blog_ddl_matches_sqlalchemy)
{
    check_golden("examples/blog.model", "tests/golden/blog.sql");
}
END_TEST

START_TEST(library_ddl_matches_sqlalchemy)
{
    check_golden("examples/library.model", "tests/golden/library.sql");
}
END_TEST

/* The goldens are not trusted alone: where Flask-SQLAlchemy is installed,
 * its create_all() DDL for the same models is asked for now and compared. */
START_TEST(ddl_matches_live_sqlalchemy)
{
    const char *names[] = {"blog", "library"};
    for (size_t i = 0; i < 2; i++) {
        char *cmd = tu_fmt("/usr/bin/python3 %s %s ddl -", tu_path("tests/interop/flask_app.py"), names[i]);
        tu_result py = tu_sh(cmd, 120);
        free(cmd);
        if (py.status == 77 || py.status == 127) {
            printf("test_sql: skipped the live SQLAlchemy comparison: %s", py.out[0] ? py.out : py.err);
            tu_result_free(&py);
            return;
        }
        ck_assert_msg(py.status == 0, "flask_app.py %s ddl: exit %d\n%s", names[i], py.status, py.err);
        char *schema = tu_fmt("examples/%s.model", names[i]);
        tu_result mc = modelc("sql", tu_example(schema), NULL);
        free(schema);
        ck_assert_int_eq(mc.status, 0);
        ck_assert_str_eq(mc.out, py.out);
        tu_result_free(&mc);
        tu_result_free(&py);
    }
}
END_TEST

/* The emitted DDL is valid SQLite and creates every table and index. */
START_TEST(ddl_runs_on_sqlite)
{
    const char *examples[] = {"examples/blog.model", "examples/library.model"};
    for (size_t i = 0; i < 2; i++) {
        tu_result r = modelc("sql", tu_example(examples[i]), NULL);
        ck_assert_int_eq(r.status, 0);
        sqlite3 *db;
        ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
        char *err = NULL;
        int rc = sqlite3_exec(db, r.out, NULL, NULL, &err);
        ck_assert_msg(rc == SQLITE_OK, "%s", err ? err : "");
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type IN ('table','index') "
                               "AND name NOT LIKE 'sqlite_%'", -1, &st, NULL);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        int want = 0;
        for (const char *p = r.out; (p = strstr(p, "CREATE ")); p++)
            want++;
        ck_assert_int_eq(sqlite3_column_int(st, 0), want);
        sqlite3_finalize(st);
        sqlite3_close(db);
        tu_result_free(&r);
    }
}
END_TEST

/* Output is deterministic: two runs, same bytes. */
START_TEST(ddl_is_deterministic)
{
    tu_result a = modelc("sql", tu_example("examples/library.model"), NULL);
    tu_result b = modelc("sql", tu_example("examples/library.model"), NULL);
    ck_assert_str_eq(a.out, b.out);
    tu_result_free(&a);
    tu_result_free(&b);
}
END_TEST

START_TEST(quoting_and_naming)
{
    char *dir = tu_mkdtemp();
    char *path = tu_fmt("%s/q.model", dir);
    const char *text =
        "model HTTPRequest { id Integer primary_key; `order` Integer index; Name String }\n"
        "model Group table \"Group\" { id Integer primary_key; `select` Text server_default(\"it's\") }\n";
    tu_write_file(path, text, strlen(text));
    tu_result r = modelc("sql", path, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_str_eq(r.out,
                     "CREATE TABLE \"Group\" (id INTEGER NOT NULL, \"select\" TEXT DEFAULT 'it''s', "
                     "PRIMARY KEY (id));\n"
                     "CREATE TABLE http_request (id INTEGER NOT NULL, \"order\" INTEGER, \"Name\" VARCHAR, "
                     "PRIMARY KEY (id));\n"
                     "CREATE INDEX ix_http_request_order ON http_request (\"order\");\n");
    tu_result_free(&r);
    free(path);
    tu_rmdir(dir);
}
END_TEST

START_TEST(version_and_help)
{
    tu_result r = modelc("--version", NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strncmp(r.out, "modelc ", 7) == 0, "%s", r.out);
    tu_result_free(&r);
    r = modelc("--help", NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    const char *cmds[] = {"generate", "sql", "migrate", "upgrade", "downgrade", "current", "history", "stamp",
                          "check", "init"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        ck_assert_msg(strstr(r.out, cmds[i]), "--help lacks %s", cmds[i]);
        tu_result h = modelc(cmds[i], "--help", NULL);
        ck_assert_msg(h.status == 0, "%s --help exit %d", cmds[i], h.status);
        ck_assert_msg(strstr(h.out, "usage: modelc"), "%s --help: %s", cmds[i], h.out);
        tu_result_free(&h);
    }
    tu_result_free(&r);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
    tu_result r = modelc("frobnicate", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown command"));
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    r = modelc("sql", "--bogus", tu_example("examples/blog.model"));
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown option '--bogus'"));
    tu_result_free(&r);
    r = modelc("sql", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = modelc(NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    /* a malformed version is a usage error too, in every command taking one */
    r = modelc("upgrade", "--to", "abc");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "'abc' is not a version number"));
    tu_result_free(&r);
    r = modelc("stamp", "x1", NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = modelc("generate", tu_example("examples/blog.model"), "--prefix=9x");
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
}
END_TEST

START_TEST(missing_file_exits_1)
{
    tu_result r = modelc("sql", "/nonexistent/x.model", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "/nonexistent/x.model: error: cannot open"));
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sql");
    TCase *tc = tcase_create("ddl");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, blog_ddl_matches_sqlalchemy);
    tcase_add_test(tc, library_ddl_matches_sqlalchemy);
    tcase_add_test(tc, ddl_matches_live_sqlalchemy);
    tcase_add_test(tc, ddl_runs_on_sqlite);
    tcase_add_test(tc, ddl_is_deterministic);
    tcase_add_test(tc, quoting_and_naming);
    tcase_add_test(tc, version_and_help);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, missing_file_exits_1);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
