/*
 * test_defaults.c -- the NULL/default convention of the generated structs
 * (issue 7 §2), as a whole program: tests/programs/defaults.model (every
 * column type, nullable and not, with and without default(...) and
 * server_default(...)) is generated, compiled warning-free as C11 (the
 * header also as C++), and tests/programs/defaults_app.c runs against a
 * fresh database (under valgrind too when MODELC_VALGRIND=1).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define WARN "-std=c11 -Wall -Wextra -Wpedantic -Werror"

static void sh_ok(const char *what, const char *cmd, int timeout_s)
{
    tu_result r = tu_sh(cmd, timeout_s);
    ck_assert_msg(r.status == 0, "%s failed (exit %d)\n$ %s\n%.2000s%.2000s", what, r.status, cmd, r.out, r.err);
    tu_result_free(&r);
}

static int have(const char *tool)
{
    char *cmd = tu_fmt("command -v %s >/dev/null 2>&1", tool);
    tu_result r = tu_sh(cmd, 10);
    free(cmd);
    int ok = r.status == 0;
    tu_result_free(&r);
    return ok;
}

static int under_valgrind(void)
{
    const char *v = getenv("MODELC_VALGRIND");
    return v && strcmp(v, "1") == 0;
}

/* Generates tests/programs/<name>.model into dir, compiles it and
 * tests/programs/<name>_app.c into dir/app, and runs it on a new
 * database; the program must say "checks passed" and nothing on stderr. */
static void run_program(const char *name)
{
    char *dir = tu_mkdtemp();
    char *rel = tu_fmt("tests/programs/%s.model", name);
    char *schema = tu_fmt("%s", tu_path(rel));
    free(rel);
    char *cmd = tu_fmt("%s generate %s -o %s && %s sql %s > %s/%s.sql", tu_modelc(), schema, dir, tu_modelc(),
                       schema, dir, name);
    sh_ok("modelc generate / sql", cmd, 60);
    free(cmd);
    cmd = tu_fmt("cc " WARN " %s -I%s -I%s -c -o %s/%s.o %s/%s.c", tu_cflags(), dir, tu_path("runtime"), dir, name,
                 dir, name);
    sh_ok("compiling the generated source", cmd, 120);
    free(cmd);
    if (have("g++")) {
        cmd = tu_fmt("g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -fsyntax-only -I%s -I%s %s/%s.h", dir,
                     tu_path("runtime"), dir, name);
        sh_ok("compiling the generated header as C++", cmd, 60);
        free(cmd);
    }
    rel = tu_fmt("tests/programs/%s_app.c", name);
    char *app_src = tu_fmt("%s", tu_path(rel));
    free(rel);
    cmd = tu_fmt("cc " WARN " %s -I%s -I%s -I%s -o %s/app %s %s/%s.o %s/libmodelc.a -lsqlite3", tu_cflags(), dir,
                 tu_path("runtime"), tu_path("tests/programs"), dir, app_src, dir, name, tu_build());
    sh_ok("building the test program", cmd, 120);
    free(cmd);

    char *app = tu_fmt("%s/app", dir), *db = tu_fmt("%s/test.db", dir), *sql = tu_fmt("%s/%s.sql", dir, name);
    const char *plain[] = {app, db, sql, NULL};
    const char *vg[] = {"valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
                        "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
                        app, db, sql, NULL};
    int valgrind = under_valgrind() && have("valgrind");
    tu_result r = tu_run(valgrind ? vg : plain, NULL, valgrind ? 300 : 60);
    ck_assert_msg(r.status == 0, "%s_app%s exited %d:\n%s%s", name, valgrind ? " under valgrind" : "", r.status,
                  r.out, r.err);
    ck_assert_msg(strstr(r.out, "checks passed") != NULL, "%s_app said:\n%s%s", name, r.out, r.err);
    ck_assert_msg(r.err[0] == '\0', "%s_app wrote to stderr:\n%s", name, r.err);
    tu_result_free(&r);
    free(app);
    free(db);
    free(sql);
    free(app_src);
    free(schema);
    tu_rmdir(dir);
}

/* Designated initializers are stored as written; X_INIT, X_new and X_init
 * give the defaults; NULL is NULL; X_get reads back what was stored. */
START_TEST(every_type_stores_what_the_struct_says)
{
    run_program("defaults");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("defaults");
    TCase *tc = tcase_create("defaults");
    tcase_set_timeout(tc, under_valgrind() ? 900 : 180);
    tcase_add_test(tc, every_type_stores_what_the_struct_says);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
