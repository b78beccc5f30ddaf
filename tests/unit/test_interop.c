/*
 * test_interop.c -- one database, two programs: Flask-SQLAlchemy (the
 * seed's stack: system python3 with python3-flask-sqlalchemy, i.e.
 * Flask-SQLAlchemy 3.0 on SQLAlchemy 1.4) and the C that modelc generates.
 *
 * For each shared example: tests/interop/flask_app.py creates the database
 * with create_all() and writes rows; tests/interop/<example>_interop.c,
 * compiled with the generated code, reads them back field for field; then
 * writes rows of its own, which flask_app.py reads back and checks (the
 * values, and the text SQLite stores: DateTime "2019-05-20 12:47:00.000000",
 * Date "2019-05-20", Numeric -> Decimal("8.50"), Boolean 0/1, enums by
 * name, JSON).  Without Flask-SQLAlchemy the test says it is skipped and
 * passes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define PYTHON "/usr/bin/python3"

static int flask_available(void)
{
    tu_result r = tu_sh(PYTHON " -c 'import flask_sqlalchemy' >/dev/null 2>&1", 60);
    int ok = r.status == 0;
    tu_result_free(&r);
    return ok;
}

static void sh_ok(const char *what, const char *cmd, int timeout_s)
{
    tu_result r = tu_sh(cmd, timeout_s);
    ck_assert_msg(r.status == 0, "%s failed (exit %d)\n$ %s\n%s%s", what, r.status, cmd, r.out, r.err);
    tu_result_free(&r);
}

/* Runs argv; asserts exit 0 and that the program reported success. */
static void run_ok(const char *what, const char *const *argv, const char *success)
{
    tu_result r = tu_run(argv, NULL, 300);
    ck_assert_msg(r.status == 0, "%s exited %d:\n%s%s", what, r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, success) != NULL, "%s did not say \"%s\":\n%s%s", what, success, r.out, r.err);
    tu_result_free(&r);
}

static void interop(const char *name)
{
    if (!flask_available()) {
        printf("test_interop: skipped: python3-flask-sqlalchemy not installed "
               "(apt-get install python3-flask-sqlalchemy)\n");
        return;
    }
    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("examples/%s.model", name);
    const char *gen[] = {tu_modelc(), "generate", tu_example(schema), "-o", dir, NULL};
    tu_result r = tu_run(gen, NULL, 60);
    ck_assert_msg(r.status == 0, "modelc generate: %s", r.err);
    tu_result_free(&r);

    char *src = tu_fmt("tests/interop/%s_interop.c", name);
    char *cmd = tu_fmt("cc -std=c11 -Wall -Wextra -Wpedantic -Werror %s -I%s -I%s -I%s -o %s/interop %s %s/%s.c "
                       "%s/libmodelc.a -lsqlite3",
                       tu_cflags(), dir, tu_path("runtime"), tu_path("tests/programs"), dir, tu_path(src), dir,
                       name, tu_build());
    sh_ok("building the C side", cmd, 120);
    free(cmd);

    char *db = tu_fmt("%s/app.db", dir), *prog = tu_fmt("%s/interop", dir);
    const char *script = tu_path("tests/interop/flask_app.py");
    const char *vg_env = getenv("MODELC_VALGRIND");
    int valgrind = vg_env && strcmp(vg_env, "1") == 0;

    const char *py_write[] = {PYTHON, script, name, "write", db, NULL};
    run_ok("flask_app.py write", py_write, "ok");

    const char *c_read[] = {prog, "read", db, NULL};
    const char *c_read_vg[] = {"valgrind", "-q", "--leak-check=full", "--error-exitcode=99", prog, "read", db, NULL};
    run_ok("C read", valgrind ? c_read_vg : c_read, "checks passed");

    const char *c_write[] = {prog, "write", db, NULL};
    const char *c_write_vg[] = {"valgrind", "-q", "--leak-check=full", "--error-exitcode=99", prog, "write", db, NULL};
    run_ok("C write", valgrind ? c_write_vg : c_write, "checks passed");

    const char *py_check[] = {PYTHON, script, name, "check", db, NULL};
    run_ok("flask_app.py check", py_check, "ok");

    free(db);
    free(prog);
    free(src);
    free(schema);
    tu_rmdir(dir);
}

START_TEST(blog_python_and_c_share_a_database)
{
    interop("blog");
}
END_TEST

START_TEST(library_python_and_c_share_a_database)
{
    interop("library");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("interop");
    TCase *tc = tcase_create("flask-sqlalchemy");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, blog_python_and_c_share_a_database);
    tcase_add_test(tc, library_python_and_c_share_a_database);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
