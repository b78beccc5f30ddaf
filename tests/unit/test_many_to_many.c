/*
 * test_many_to_many.c -- a self-referential many-to-many takes its
 * direction from `foreign_key:` (issue 7 §5), not from the order of the
 * association model's fields.
 *
 * tests/programs/followers.model and followers_swapped.model differ only
 * in the order of Followers' two fields.  Each is generated, compiled and
 * linked with tests/programs/followers_app.c, which asserts who follows
 * whom through the generated accessors and in the rows themselves, and
 * run against a fresh database: both must pass, and the generated code
 * must be the same apart from the order of Followers' members.
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

/* Generates tests/programs/<schema>.model as dir/social.{h,c}, builds
 * followers_app against it and runs it on a fresh database. */
static void run_followers_app(const char *schema)
{
    char *dir = tu_mkdtemp();
    char *src_rel = tu_fmt("tests/programs/%s.model", schema);
    size_t len = 0;
    char *text = tu_read_file(tu_path(src_rel), &len);
    ck_assert_msg(text != NULL, "cannot read %s", src_rel);
    char *model = tu_fmt("%s/social.model", dir);
    ck_assert_int_eq(tu_write_file(model, text, len), 0);

    char *cmd = tu_fmt("%s generate %s -o %s && %s sql %s > %s/social.sql", tu_modelc(), model, dir, tu_modelc(),
                       model, dir);
    sh_ok("modelc generate / sql", cmd, 60);
    free(cmd);
    cmd = tu_fmt("cc " WARN " %s -I%s -I%s -I%s -o %s/app %s %s/social.c %s/libmodelc.a -lsqlite3", tu_cflags(), dir,
                 tu_path("runtime"), tu_path("tests/programs"), dir, tu_path("tests/programs/followers_app.c"), dir,
                 tu_build());
    sh_ok("building followers_app", cmd, 120);
    free(cmd);

    char *app = tu_fmt("%s/app", dir), *db = tu_fmt("%s/test.db", dir), *sql = tu_fmt("%s/social.sql", dir);
    const char *argv[] = {app, db, sql, NULL};
    tu_result r = tu_run(argv, NULL, 60);
    ck_assert_msg(r.status == 0, "followers_app on %s exited %d:\n%s%s", schema, r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, "checks passed") != NULL, "followers_app on %s said:\n%s%s", schema, r.out, r.err);
    tu_result_free(&r);
    free(app);
    free(db);
    free(sql);
    free(model);
    free(text);
    free(src_rel);
    tu_rmdir(dir);
}

START_TEST(follower_field_first)
{
    run_followers_app("followers");
}
END_TEST

START_TEST(followed_field_first)
{
    run_followers_app("followers_swapped");
}
END_TEST

/* Without foreign_key: the direction would come from the field order:
 * refused with a located error and a hint naming both columns. */
START_TEST(self_referential_without_foreign_key_is_ambiguous)
{
    char *dir = tu_mkdtemp();
    char *text = tu_read_file(tu_path("tests/programs/followers_swapped.model"), NULL);
    ck_assert_ptr_nonnull(text);
    char *at = strstr(text, "foreign_key: follower_id, ");
    ck_assert_ptr_nonnull(at);
    memmove(at, at + strlen("foreign_key: follower_id, "), strlen(at + strlen("foreign_key: follower_id, ")) + 1);
    char *model = tu_fmt("%s/social.model", dir);
    ck_assert_int_eq(tu_write_file(model, text, strlen(text)), 0);
    const char *argv[] = {tu_modelc(), "generate", model, "-o", dir, NULL};
    tu_result r = tu_run(argv, NULL, 60);
    ck_assert_msg(r.status == 1, "exit %d\n%s", r.status, r.err);
    ck_assert_msg(strstr(r.err, "social.model:5:") && strstr(r.err, "error: ambiguous association") &&
                      strstr(r.err, "`foreign_key: followed_id` or `foreign_key: follower_id`"),
                  "stderr:\n%s", r.err);
    char *h = tu_fmt("%s/social.h", dir);
    ck_assert_msg(!tu_exists(h), "a header was written for a bad schema");
    free(h);
    tu_result_free(&r);
    free(model);
    free(text);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("many_to_many");
    TCase *tc = tcase_create("many_to_many");
    const char *vg = getenv("MODELC_VALGRIND");
    tcase_set_timeout(tc, vg && strcmp(vg, "1") == 0 ? 900 : 180);
    tcase_add_test(tc, follower_field_first);
    tcase_add_test(tc, followed_field_first);
    tcase_add_test(tc, self_referential_without_foreign_key_is_ambiguous);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
