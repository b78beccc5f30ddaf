/*
 * test_portable.c -- the generated code is the same for SQLite and
 * PostgreSQL and compiled once: for examples/blog and examples/library,
 * one program (tests/programs/<name>_portable_app.c) is generated,
 * compiled and linked once, then run against a fresh SQLite file (DDL of
 * `modelc sql`) and against a fresh schema of make check's PostgreSQL
 * server (DDL of `modelc sql --dialect postgresql`).  Without a server
 * the PostgreSQL half says it skips (fails under CI=true).  Under
 * valgrind (tests/valgrind.sh) the programs run under valgrind too.
 * Loop tests over generate's modes (_i: 0 the default, 1 --compact,
 * whose bodies call the runtime with a table per model).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgschema.h"
#include "testutil.h"

#define WARN "-std=c11 -Wall -Wextra -Wpedantic -Werror"

static void sh_ok(const char *what, const char *cmd, int timeout_s)
{
    tu_result r = tu_sh(cmd, timeout_s);
    ck_assert_msg(r.status == 0, "%s failed (exit %d)\n$ %s\n%s%s", what, r.status, cmd, r.out, r.err);
    tu_result_free(&r);
}

/* Runs dir/app on url with the DDL file ddl and checks it passed. */
static void run_app(const char *name, const char *dir, const char *url, const char *ddl, const char *where)
{
    char *app = tu_fmt("%s/app", dir);
    const char *v = getenv("MODELC_VALGRIND");
    int valgrind = v && strcmp(v, "1") == 0;
    const char *plain[] = {app, url, ddl, NULL};
    const char *vg[] = {"valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
                        "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
                        app, url, ddl, NULL};
    tu_result r = tu_run(valgrind ? vg : plain, NULL, valgrind ? 600 : 120);
    ck_assert_msg(r.status == 0, "%s_portable_app on %s exited %d:\n%s%s", name, where, r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, "checks passed") != NULL, "%s on %s said:\n%s%s", name, where, r.out, r.err);
    ck_assert_msg(r.err[0] == '\0', "%s on %s wrote to stderr:\n%s", name, where, r.err);
    tu_result_free(&r);
    free(app);
}

static const char *const modes[] = {"", " --compact"};
#define NMODES 2

/* name's portable program, its code generated with flags (a mode). */
static void both_databases(const char *name, const char *flags)
{
    char *dir = tu_mkdtemp();
    char *model_rel = tu_fmt("examples/%s.model", name), *app_rel = tu_fmt("tests/programs/%s_portable_app.c", name);
    char *model = tu_fmt("%s", tu_example(model_rel));
    char *cmd = tu_fmt("%s generate %s -o %s%s && %s sql %s > %s/sqlite.sql && %s sql --dialect postgresql %s > "
                       "%s/postgresql.sql",
                       tu_modelc(), model, dir, flags, tu_modelc(), model, dir, tu_modelc(), model, dir);
    sh_ok("modelc generate and sql", cmd, 60);
    free(cmd);
    /* compiled once, linked once: the same binary for both databases */
    cmd = tu_fmt("cc " WARN " %s -I%s -I%s -I%s -o %s/app %s %s/%s.c %s/libmodelc.a -lsqlite3", tu_cflags(), dir,
                 tu_path("runtime"), tu_path("tests/programs"), dir, tu_path(app_rel), dir, name, tu_build());
    sh_ok("building the program", cmd, 180);
    free(cmd);
    free(model_rel);
    free(app_rel);
    free(model);

    char *file = tu_fmt("%s/app.db", dir), *ddl = tu_fmt("%s/sqlite.sql", dir);
    run_app(name, dir, file, ddl, "SQLite");
    free(file);
    free(ddl);

    char *schema = tu_fmt("portable_%s%s", name, *flags ? "_compact" : "");
    char *url = tu_pg_schema_url("test_portable", schema);
    if (url) {
        ddl = tu_fmt("%s/postgresql.sql", dir);
        run_app(name, dir, url, ddl, "PostgreSQL");
        free(ddl);
        free(url);
    }
    free(schema);
    tu_rmdir(dir);
}

START_TEST(blog_runs_on_both_databases)
{
    both_databases("blog", modes[_i]);
}
END_TEST

START_TEST(library_runs_on_both_databases)
{
    both_databases("library", modes[_i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("portable");
    TCase *tc = tcase_create("programs");
    tcase_set_timeout(tc, 900);
    tcase_add_loop_test(tc, blog_runs_on_both_databases, 0, NMODES);
    tcase_add_loop_test(tc, library_runs_on_both_databases, 0, NMODES);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
