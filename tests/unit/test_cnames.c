/*
 * test_cnames.c -- the names of generated C (gen/cgen/c_names.c): a valid
 * schema gives C that compiles, or `modelc generate` exits 1 with a
 * located error naming both sources of a name.
 *
 *   collisions_are_located_errors  tests/cnames/NN_x.model against its
 *                                  golden NN_x.err (`modelc generate`,
 *                                  exit 1, nothing written);
 *                                  MODELC_UPDATE_GOLDEN=1 rewrites them
 *   rules_avoid_collisions         schemas the naming rules make work
 *                                  (models `_4ts`, `int`, `size_t`,
 *                                  `user`, fields `NULL`, `SQLITE_OK`,
 *                                  `User`, parameters named like
 *                                  functions, a file 01_blog.model with
 *                                  compiled-in migrations) compile with
 *                                  -Werror as C11 and C++ and name what
 *                                  the rules say
 *   duplicate_definitions_are_found the last line of defence: a function
 *                                  the generated source would define twice
 *                                  is found (generate then writes nothing)
 */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen.h"
#include "testutil.h"

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

START_TEST(collisions_are_located_errors)
{
    glob_t cases = {0};
    char *pattern = tu_fmt("%s/*.model", tu_path("tests/cnames"));
    ck_assert_int_eq(glob(pattern, 0, NULL, &cases), 0);
    ck_assert_uint_ge(cases.gl_pathc, 10);
    const char *update = getenv("MODELC_UPDATE_GOLDEN");
    for (size_t i = 0; i < cases.gl_pathc; i++) {
        const char *model = strrchr(cases.gl_pathv[i], '/') + 1;
        char *out = tu_mkdtemp();
        char *cmd = tu_fmt("cd %s && %s generate %s -o %s", tu_path("tests/cnames"), tu_modelc(), model, out);
        tu_result r = tu_sh(cmd, 30);
        free(cmd);
        char *errp = tu_fmt("%.*s.err", (int)(strlen(cases.gl_pathv[i]) - strlen(".model")), cases.gl_pathv[i]);
        if (update && strcmp(update, "1") == 0)
            tu_write_file(errp, r.err, strlen(r.err));
        ck_assert_msg(r.status == 1, "%s: exit %d, want 1\n%s", model, r.status, r.err);
        ck_assert_msg(strstr(r.err, ": error: ") && strstr(r.err, "hint: "), "%s: not a located error:\n%s", model,
                      r.err);
        char *want = tu_read_file(errp, NULL);
        ck_assert_msg(want != NULL, "missing golden %s (MODELC_UPDATE_GOLDEN=1 writes it)", errp);
        ck_assert_msg(strcmp(r.err, want) == 0, "%s: stderr differs from %s:\n%s", model, errp, r.err);
        cmd = tu_fmt("test -z \"$(ls -A %s)\"", out);
        sh_ok("nothing written", cmd, 10);
        free(cmd);
        free(want);
        free(errp);
        tu_result_free(&r);
        tu_rmdir(out);
    }
    globfree(&cases);
    free(pattern);
}
END_TEST

/* Generates dir/<file> (text) into dir/gen, compiles the source with
 * -Werror as C11 and as C++, and returns the header (malloc'd). */
static char *generate_and_compile(const char *dir, const char *file, const char *text, const char *extra)
{
    char *path = tu_fmt("%s/%s", dir, file);
    tu_write_file(path, text, strlen(text));
    free(path);
    char *stem = tu_fmt("%.*s", (int)(strlen(file) - strlen(".model")), file);
    char *cmd = tu_fmt("cd %s && %s generate %s -o gen %s", dir, tu_modelc(), file, extra);
    sh_ok("modelc generate", cmd, 60);
    free(cmd);
    cmd = tu_fmt("cd %s && cc -std=c11 -Wall -Wextra -Wpedantic -Werror %s -Igen -I%s -c -o gen/%s.o gen/%s.c", dir,
                 tu_cflags(), tu_path("runtime"), stem, stem);
    sh_ok("compiling as C11", cmd, 120);
    free(cmd);
    if (have("g++")) {
        cmd = tu_fmt("cd %s && g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -Igen -I%s -c -o gen/%s.cxx.o "
                     "gen/%s.c",
                     dir, tu_path("runtime"), stem, stem);
        sh_ok("compiling as C++", cmd, 120);
        free(cmd);
    }
    char *hpath = tu_fmt("%s/gen/%s.h", dir, stem);
    char *h = tu_read_file(hpath, NULL);
    ck_assert_ptr_nonnull(h);
    free(hpath);
    free(stem);
    return h;
}

#define HAS(h, text) ck_assert_msg(strstr((h), (text)) != NULL, "the header does not declare %s", (text))

START_TEST(rules_avoid_collisions)
{
    char *dir = tu_mkdtemp();
    /* models named like keywords, standard typedefs and locals; snake-case model names */
    char *h = generate_and_compile(dir, "odd.model",
                                   "model _4ts {\n    id Integer primary_key\n}\n"
                                   "model int {\n    id Integer primary_key\n}\n"
                                   "model size_t {\n    id Integer primary_key\n}\n"
                                   "model row {\n    id Integer primary_key\n}\n"
                                   "model note {\n    id Integer primary_key\n    name Text unique\n}\n"
                                   "model User {\n    id Integer primary_key\n"
                                   "    `NULL` Integer\n    SQLITE_OK Integer\n    User Integer\n    user_free Text unique\n"
                                   "    mc_blob LargeBinary\n"
                                   "    kids relationship(Kid, backref: row, lazy: joined)\n}\n"
                                   "model Kid {\n    id Integer primary_key\n    out Integer foreign_key(User.id)\n}\n"
                                   "enum free { a, b }\n",
                                   "");
    HAS(h, "typedef struct _4ts_row _4ts_row;");
    HAS(h, "int _4ts_insert(mc_db *db, _4ts_row *row);");
    HAS(h, "typedef struct int_ int_;");
    HAS(h, "typedef struct size_t_ size_t_;");
    HAS(h, "typedef struct row_ row_;");
    HAS(h, "typedef struct note_row_query note_row_query;");
    HAS(h, "int64_t NULL_;");
    HAS(h, "int64_t SQLITE_OK_;");
    HAS(h, "int64_t User_;");
    HAS(h, "int user_find_by_user_free(mc_db *db, const char *user_free_, User **out);");
    HAS(h, "typedef enum free_ {");
    free(h);
    tu_rmdir(dir);

    /* a schema file whose name starts with a digit, with compiled-in migrations */
    dir = tu_mkdtemp();
    char *cmd = tu_fmt("cd %s && printf 'model User {\\n    id Integer primary_key\\n}\\n' > 01_blog.model && "
                       "{ %s init >/dev/null 2>&1 || mkdir -p migrations; } && %s migrate 01_blog.model -m start",
                       dir, tu_modelc(), tu_modelc());
    sh_ok("migrate 01_blog", cmd, 60);
    free(cmd);
    h = generate_and_compile(dir, "01_blog.model", "model User {\n    id Integer primary_key\n}\n",
                             "--migrations migrations");
    HAS(h, "#ifndef SCHEMA_01_BLOG_MODELC_H");
    HAS(h, "int schema_01_blog_migrate(mc_db *db);");
    free(h);
    /* with a prefix the stem needs nothing in front */
    h = generate_and_compile(dir, "01_blog.model", "model User {\n    id Integer primary_key\n}\n",
                             "--migrations migrations --prefix app_");
    HAS(h, "#ifndef APP_01_BLOG_MODELC_H");
    HAS(h, "int app_01_blog_migrate(mc_db *db);");
    HAS(h, "int app_user_insert(mc_db *db, app_User *row);");
    free(h);
    tu_rmdir(dir);
}
END_TEST

START_TEST(duplicate_definitions_are_found)
{
    mcc_arena arena = {0};
    cgen g = {0};
    g.arena = &arena;
    ck_assert_str_eq(cg_duplicate_definition(&g, "int a(void)\n{\n}\nint b(int x)\n{\n}\nint a(void)\n{\n}\n"), "a");
    ck_assert_ptr_null(cg_duplicate_definition(&g, "int a(void);\nint a(void);\nint a(void)\n{\n}\n"));

    /* a real generated source: no duplicate; with one function pasted twice: that one */
    char *dir = tu_mkdtemp();
    char *cmd = tu_fmt("%s generate %s -o %s", tu_modelc(), tu_example("examples/blog.model"), dir);
    sh_ok("generate blog", cmd, 60);
    free(cmd);
    char *path = tu_fmt("%s/blog.c", dir);
    char *src = tu_read_file(path, NULL);
    ck_assert_ptr_nonnull(src);
    ck_assert_ptr_null(cg_duplicate_definition(&g, src));
    const char *def = strstr(src, "\nint user_insert(");
    ck_assert_ptr_nonnull(def);
    char *twice = tu_fmt("%s%.200s\n", src, def + 1);
    ck_assert_str_eq(cg_duplicate_definition(&g, twice), "user_insert");
    free(twice);
    free(src);
    free(path);
    tu_rmdir(dir);
    mcc_arena_free(&arena);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cnames");
    TCase *tc = tcase_create("cnames");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, collisions_are_located_errors);
    tcase_add_test(tc, rules_avoid_collisions);
    tcase_add_test(tc, duplicate_definitions_are_found);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
