/*
 * test_queries.c -- named SQL queries (DSL.md section 5), end to end.
 *
 * examples/microblog/microblog.model declares a query of every RESULT
 * form.  Its generated files match tests/golden/generated/microblog.{h,c}
 * byte for byte; they compile warning-free (the header also as C++), and
 * tests/programs/microblog_app.c runs every query against a real SQLite
 * file with data (under valgrind too when MODELC_VALGRIND=1).  Also: a
 * body with braces inside SQL strings and quoted names is accepted and
 * kept whole; --prefix names every query symbol; `modelc sql` and
 * `modelc migrate` ignore queries.  The bad queries are in tests/bad/
 * (test_diagnostics.c).  MODELC_UPDATE_GOLDEN=1 rewrites the goldens.
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
    ck_assert_msg(r.status == 0, "%s failed (exit %d)\n$ %s\n%s%s", what, r.status, cmd, r.out, r.err);
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

static const char *microblog(void) { return tu_example("examples/microblog.model"); }

/* modelc generate SCHEMA -o dir [--prefix p]; must succeed. */
static void generate(const char *schema, const char *dir, const char *prefix)
{
    const char *argv[] = {tu_modelc(), "generate", schema, "-o", dir, prefix ? "--prefix" : NULL, prefix, NULL};
    tu_result r = tu_run(argv, NULL, 60);
    ck_assert_msg(r.status == 0, "modelc generate %s: exit %d\n%s", schema, r.status, r.err);
    tu_result_free(&r);
}

/* Compares text with a golden under the source tree (or rewrites it). */
static void matches_golden(const char *got, size_t len, const char *golden_rel)
{
    const char *update = getenv("MODELC_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0)
        tu_write_file(tu_path(golden_rel), got, len);
    char *want = tu_read_file(tu_path(golden_rel), NULL);
    ck_assert_msg(want != NULL, "missing %s (MODELC_UPDATE_GOLDEN=1 writes it)", golden_rel);
    ck_assert_msg(strcmp(got, want) == 0, "output differs from %s: diff them, and update the golden if intended",
                  golden_rel);
    free(want);
}

/* Every form, run: generate, compile (C and the header as C++), link the
 * test program, run it on a fresh database file. */
START_TEST(microblog_app_runs)
{
    char *dir = tu_mkdtemp();
    generate(microblog(), dir, NULL);
    char *cmd = tu_fmt("cc " WARN " %s -I%s -I%s -c -o %s/microblog.o %s/microblog.c", tu_cflags(), dir,
                       tu_path("runtime"), dir, dir);
    sh_ok("compiling the generated source", cmd, 120);
    free(cmd);
    if (have("g++")) {
        cmd = tu_fmt("g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -fsyntax-only -I%s -I%s %s/microblog.h",
                     dir, tu_path("runtime"), dir);
        sh_ok("compiling the generated header as C++", cmd, 60);
        free(cmd);
    }
    cmd = tu_fmt("cc " WARN " %s -I%s -I%s -I%s -o %s/app %s %s/microblog.o %s/libmodelc.a -lsqlite3", tu_cflags(),
                 dir, tu_path("runtime"), tu_path("tests/programs"), dir, tu_path("tests/programs/microblog_app.c"),
                 dir, tu_build());
    sh_ok("building microblog_app", cmd, 120);
    free(cmd);
    cmd = tu_fmt("%s sql %s > %s/microblog.sql", tu_modelc(), microblog(), dir);
    sh_ok("modelc sql", cmd, 60);
    free(cmd);

    char *app = tu_fmt("%s/app", dir), *db = tu_fmt("%s/test.db", dir), *sql = tu_fmt("%s/microblog.sql", dir);
    const char *plain[] = {app, db, sql, NULL};
    const char *vg[] = {"valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
                        "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
                        app, db, sql, NULL};
    int valgrind = under_valgrind() && have("valgrind");
    tu_result r = tu_run(valgrind ? vg : plain, NULL, valgrind ? 300 : 60);
    ck_assert_msg(r.status == 0, "microblog_app%s exited %d:\n%s%s", valgrind ? " under valgrind" : "", r.status,
                  r.out, r.err);
    ck_assert_msg(strstr(r.out, "checks passed") != NULL, "microblog_app said:\n%s%s", r.out, r.err);
    ck_assert_msg(r.err[0] == '\0', "microblog_app wrote to stderr:\n%s", r.err);
    tu_result_free(&r);
    free(app);
    free(db);
    free(sql);
    tu_rmdir(dir);
}
END_TEST

/* The generated code of every RESULT form, byte for byte. */
START_TEST(microblog_matches_golden)
{
    char *dir = tu_mkdtemp();
    generate(microblog(), dir, NULL);
    const char *files[] = {"microblog.h", "microblog.c"};
    for (int i = 0; i < 2; i++) {
        char *path = tu_fmt("%s/%s", dir, files[i]);
        size_t len = 0;
        char *got = tu_read_file(path, &len);
        ck_assert_ptr_nonnull(got);
        char *golden = tu_fmt("tests/golden/generated/%s", files[i]);
        matches_golden(got, len, golden);
        free(golden);
        free(got);
        free(path);
    }
    tu_rmdir(dir);
}
END_TEST

/* Braces inside SQL strings, quoted names and comments do not end the
 * body; the statement reaches the generated C whole, escaped. */
START_TEST(brace_in_string_is_accepted)
{
    char *dir = tu_mkdtemp();
    const char *schema = tu_path("tests/queries/brace_in_string.model");
    generate(schema, dir, NULL);
    char *path = tu_fmt("%s/brace_in_string.c", dir);
    char *src = tu_read_file(path, NULL);
    free(path);
    ck_assert_ptr_nonnull(src);
    ck_assert_msg(strstr(src, "\"SELECT '}' || \\\"na}me\\\" || [we{ird] || `x}y` || '{\\\"a\\\": 1}' -- }\\n\"")
                  != NULL, "the statement is not kept whole:\n%s", strstr(src, "braces_sql"));
    /* '??=' stays a string, not a trigraph */
    ck_assert_msg(strstr(src, "\"    FROM item /* } */ WHERE name <> '}}' AND name <> '?\\?='\"") != NULL,
                  "second line missing");
    char *cmd = tu_fmt("cc " WARN " %s -I%s -I%s -c -o %s/b.o %s/brace_in_string.c", tu_cflags(), dir,
                       tu_path("runtime"), dir, dir);
    sh_ok("compiling", cmd, 120);
    free(cmd);
    free(src);
    tu_rmdir(dir);
}
END_TEST

/* --prefix goes in front of every query symbol. */
START_TEST(prefix_names_query_symbols)
{
    char *dir = tu_mkdtemp();
    generate(microblog(), dir, "mb_");
    char *hpath = tu_fmt("%s/microblog.h", dir);
    char *h = tu_read_file(hpath, NULL);
    free(hpath);
    ck_assert_ptr_nonnull(h);
    const char *want[] = {"int mb_timeline(mc_db *db, int64_t user_id, int64_t per_page, int64_t skip, mb_Post_list *out);",
                          "int mb_latest_post(mc_db *db, int64_t user_id, mb_Post **out);",
                          "int mb_follower_count(mc_db *db, int64_t user_id, int64_t *out);",
                          "int mb_post_counts(mc_db *db, mb_post_counts_row_list *out);",
                          "int mb_profile(mc_db *db, const char *username, mb_profile_row **out);",
                          "int mb_posts_since(mc_db *db, const char *since, mb_Status status, mb_posts_since_row_list *out);",
                          "int mb_posts_by(mc_db *db, const int64_t *user_id, mb_Post_list *out);",
                          "int mb_forget_notifications(mc_db *db, int64_t user_id, const char *name, int64_t *changed);",
                          "void mb_post_counts_row_list_free(mb_post_counts_row_list *list);",
                          "int mb_timeline_next(mb_timeline_iter *q, mb_Post *row);"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(h, want[i]) != NULL, "header lacks: %s", want[i]);
    ck_assert_msg(strstr(h, " timeline(") == NULL, "an unprefixed query function remains");
    char *cmd = tu_fmt("cc " WARN " %s -I%s -I%s -c -o %s/m.o %s/microblog.c", tu_cflags(), dir, tu_path("runtime"),
                       dir, dir);
    sh_ok("compiling the prefixed source", cmd, 120);
    free(cmd);
    free(h);
    tu_rmdir(dir);
}
END_TEST

/* `modelc sql` prints the tables only; `modelc migrate` sees no change
 * when only a query is added or edited. */
START_TEST(sql_and_migrate_ignore_queries)
{
    const char *argv[] = {tu_modelc(), "sql", microblog(), NULL};
    tu_result r = tu_run(argv, NULL, 60);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "SELECT") == NULL && strstr(r.out, "timeline") == NULL, "%s", r.out);
    matches_golden(r.out, strlen(r.out), "tests/golden/microblog.sql");
    tu_result_free(&r);

    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("%s/mb.model", dir);
    size_t len = 0;
    char *text = tu_read_file(microblog(), &len);
    ck_assert_ptr_nonnull(text);
    tu_write_file(schema, text, len);
    char *cmd = tu_fmt("cd %s && mkdir -p migrations && %s migrate mb.model -m init", dir, tu_modelc());
    sh_ok("the first migrate", cmd, 60);
    free(cmd);
    char *more = tu_fmt("%s\nquery newest(n Integer) -> Post[] {\n    SELECT * FROM post ORDER BY id DESC LIMIT :n\n}\n",
                        text);
    tu_write_file(schema, more, strlen(more));
    cmd = tu_fmt("cd %s && %s migrate mb.model -m again", dir, tu_modelc());
    r = tu_sh(cmd, 60);
    ck_assert_msg(r.status == 0 && strstr(r.out, "No changes") != NULL, "exit %d\n%s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    char *second = tu_fmt("%s/migrations/0002_again.sql", dir);
    ck_assert(!tu_exists(second));
    free(second);
    char *first_path = tu_fmt("%s/migrations/0001_init.sql", dir);
    char *first = tu_read_file(first_path, NULL);
    free(first_path);
    ck_assert_ptr_nonnull(first);
    ck_assert_msg(strstr(first, "timeline") == NULL && strstr(first, "SELECT post") == NULL, "%s", first);
    free(first);
    free(cmd);
    free(more);
    free(text);
    free(schema);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("queries");
    TCase *tc = tcase_create("queries");
    tcase_set_timeout(tc, under_valgrind() ? 900 : 180);
    tcase_add_test(tc, microblog_app_runs);
    tcase_add_test(tc, microblog_matches_golden);
    tcase_add_test(tc, brace_in_string_is_accepted);
    tcase_add_test(tc, prefix_names_query_symbols);
    tcase_add_test(tc, sql_and_migrate_ignore_queries);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
