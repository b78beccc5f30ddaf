/*
 * test_fmt.c -- `modelc fmt`: golden layouts (tests/golden/fmt/NAME.in ->
 * NAME.out), idempotence over every schema in the repository, `--check`
 * on the example schemas (they are formatted), files with errors
 * refused and left untouched, atomic replacement keeping permissions.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

static tu_result modelc(const char *a1, const char *a2, const char *a3)
{
    const char *argv[] = {tu_modelc(), a1, a2, a3, NULL};
    return tu_run(argv, NULL, 30);
}

/* Copies text to DIR/name and returns the path (malloc'd). */
static char *put(const char *dir, const char *name, const char *text)
{
    char *p = tu_fmt("%s/%s", dir, name);
    ck_assert_int_eq(tu_write_file(p, text, strlen(text)), 0);
    return p;
}

/* fmt on a copy of `in` gives `want`; a second run changes nothing;
 * --check passes on the result and fails on the input (when they differ). */
static void check_layout(const char *in, const char *want)
{
    char *dir = tu_mkdtemp();
    char *path = put(dir, "s.model", in);
    tu_result r = modelc("fmt", "--check", path);
    int differs = strcmp(in, want) != 0;
    ck_assert_msg(r.status == (differs ? 1 : 0), "--check on the input: exit %d\n%s", r.status, r.err);
    if (differs)
        ck_assert_msg(strstr(r.out, path) != NULL, "--check does not list the file: %s", r.out);
    char *after_check = tu_read_file(path, NULL);
    ck_assert_str_eq(after_check, in);
    free(after_check);
    tu_result_free(&r);

    r = modelc("fmt", path, NULL);
    ck_assert_msg(r.status == 0, "fmt: exit %d\n%s", r.status, r.err);
    tu_result_free(&r);
    char *got = tu_read_file(path, NULL);
    ck_assert_str_eq(got, want);

    r = modelc("fmt", path, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    char *again = tu_read_file(path, NULL);
    ck_assert_str_eq(again, want);
    r = modelc("fmt", "--check", path);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    free(again);
    free(got);
    free(path);
    tu_rmdir(dir);
}

START_TEST(golden_layouts)
{
    const char *dirpath = tu_path("tests/golden/fmt");
    DIR *d = opendir(dirpath);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".in") != 0)
            continue;
        char *in_path = tu_fmt("%s/%s", tu_path("tests/golden/fmt"), e->d_name);
        char *out_path = tu_fmt("%.*s.out", (int)(strlen(in_path) - 3), in_path);
        char *in = tu_read_file(in_path, NULL), *out = tu_read_file(out_path, NULL);
        ck_assert_msg(in && out, "%s needs %s", in_path, out_path);
        check_layout(in, out);
        free(in);
        free(out);
        free(in_path);
        free(out_path);
        n++;
    }
    closedir(d);
    ck_assert_int_ge(n, 2);
}
END_TEST

/* The example schemas are formatted; on every other schema of the
 * repository (tests/bad and the fuzzers' bad seeds excepted: they have
 * errors) formatting is
 * idempotent: fmt(fmt(x)) == fmt(x). */
START_TEST(repository_schemas)
{
    char *cmd = tu_fmt("cd '%s' && { git ls-files '*.model' 2>/dev/null || find . -name '*.model' -not -path './build/*'; }",
                       tu_src());
    tu_result list = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(list.status, 0);
    int n = 0, examples = 0;
    char *dir = tu_mkdtemp();
    for (char *line = strtok(list.out, "\n"); line; line = strtok(NULL, "\n")) {
        if (strstr(line, "tests/bad/"))
            continue;
        char *src = tu_fmt("%s/%s", tu_src(), line);
        if (strstr(line, "tests/fuzz/")) {
            /* the fuzzers' seeds include the bad schemas too */
            tu_result ok = modelc("sql", src, NULL);
            int bad = ok.status != 0;
            tu_result_free(&ok);
            if (bad) {
                free(src);
                continue;
            }
        }
        if (strncmp(line, "examples/", 9) == 0 || strstr(line, "/examples/")) {
            tu_result r = modelc("fmt", "--check", src);
            ck_assert_msg(r.status == 0, "%s is not formatted (run modelc fmt on it): exit %d\n%s%s", line,
                          r.status, r.out, r.err);
            tu_result_free(&r);
            examples++;
        }
        char *text = tu_read_file(src, NULL);
        char *copy = put(dir, "copy.model", text);
        tu_result r = modelc("fmt", copy, NULL);
        ck_assert_msg(r.status == 0, "fmt %s: %s", line, r.err);
        tu_result_free(&r);
        char *once = tu_read_file(copy, NULL);
        r = modelc("fmt", "--check", copy);
        ck_assert_msg(r.status == 0, "fmt is not idempotent on %s", line);
        tu_result_free(&r);
        char *twice = tu_read_file(copy, NULL);
        ck_assert_str_eq(once, twice);
        free(twice);
        free(once);
        free(copy);
        free(text);
        free(src);
        n++;
    }
    ck_assert_int_ge(examples, 2);
    ck_assert_int_ge(n, 3);
    tu_rmdir(dir);
    tu_result_free(&list);
}
END_TEST

/* fmt(fmt(x)) == fmt(x) for the golden inputs made worse: every
 * separator doubled (blank lines, spaces), so that layout decisions are
 * taken from scratch. */
START_TEST(idempotent_on_unformatted_input)
{
    const char *in =
        "model A { id Integer primary_key; name String(10) unique # n\n"
        "  parent_id Integer foreign_key(A.id,\n on_delete: set_null)\n"
        "  children relationship(A, backref: parent)}\n"
        "enum E { x; y\n z }\n";
    char *dir = tu_mkdtemp();
    char *path = put(dir, "a.model", in);
    tu_result r = modelc("fmt", path, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    char *once = tu_read_file(path, NULL);
    /* the member broken over two lines stays as written */
    ck_assert_str_eq(once, "model A {\n"
                           "    id       Integer     primary_key\n"
                           "    name     String(10)  unique # n\n"
                           "    parent_id Integer foreign_key(A.id,\n on_delete: set_null)\n"
                           "    children relationship(A, backref: parent)\n"
                           "}\n"
                           "\n"
                           "enum E {\n"
                           "    x\n"
                           "    y\n"
                           "    z\n"
                           "}\n");
    r = modelc("fmt", "--check", path);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    /* the formatted schema means the same: the same DDL */
    char *orig = put(dir, "orig.model", in);
    tu_result a = modelc("sql", orig, NULL), b = modelc("sql", path, NULL);
    ck_assert_int_eq(a.status, 0);
    ck_assert_str_eq(a.out, b.out);
    tu_result_free(&a);
    tu_result_free(&b);
    free(orig);
    free(once);
    free(path);
    tu_rmdir(dir);
}
END_TEST

/* A file with an error gets the usual diagnostics and stays as it was;
 * the other files are still formatted; exit 1. */
START_TEST(file_with_errors_is_refused_and_untouched)
{
    char *dir = tu_mkdtemp();
    const char *bad = "model A {\n  id Integr primary_key\n}\n";
    const char *good = "model B {\n  id Integer primary_key\n}\n";
    char *bp = put(dir, "bad.model", bad), *gp = put(dir, "good.model", good);
    tu_result r = modelc("fmt", bp, gp);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "bad.model:2:6: error: unknown type 'Integr'") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "did you mean 'Integer'?") != NULL, "%s", r.err);
    tu_result_free(&r);
    char *t = tu_read_file(bp, NULL);
    ck_assert_str_eq(t, bad);
    free(t);
    t = tu_read_file(gp, NULL);
    ck_assert_str_eq(t, "model B {\n    id Integer  primary_key\n}\n");
    free(t);
    /* a syntax error too, and nothing else left in the directory */
    const char *syntax = "model C {\n    id Integer primary_key,\n}\n";
    char *sp = put(dir, "syntax.model", syntax);
    r = modelc("fmt", sp, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "syntax.model:2:27: error:") != NULL, "%s", r.err);
    tu_result_free(&r);
    t = tu_read_file(sp, NULL);
    ck_assert_str_eq(t, syntax);
    free(t);
    char *cmd = tu_fmt("ls -A '%s'", dir);
    r = tu_sh(cmd, 10);
    ck_assert_str_eq(r.out, "bad.model\ngood.model\nsyntax.model\n");
    tu_result_free(&r);
    free(cmd);
    free(sp);
    free(bp);
    free(gp);
    tu_rmdir(dir);
}
END_TEST

START_TEST(keeps_permissions_and_follows_symlinks)
{
    char *dir = tu_mkdtemp();
    char *p = put(dir, "real.model", "model A { id Integer primary_key }\n");
    ck_assert_int_eq(chmod(p, 0640), 0);
    char *cmd = tu_fmt("cd '%s' && ln -s real.model link.model", dir);
    tu_result r = tu_sh(cmd, 10);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    free(cmd);
    char *link = tu_fmt("%s/link.model", dir);
    r = modelc("fmt", link, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    char *said = tu_fmt("reformatted %s\n", link);
    ck_assert_str_eq(r.out, said);
    free(said);
    tu_result_free(&r);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    char *t = tu_read_file(p, NULL);
    ck_assert_str_eq(t, "model A {\n    id Integer  primary_key\n}\n");
    free(t);
    free(link);
    free(p);
    tu_rmdir(dir);
}
END_TEST

START_TEST(usage)
{
    tu_result r = modelc("fmt", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = modelc("fmt", "--bogus", "x.model");
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = modelc("fmt", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "--check") != NULL);
    tu_result_free(&r);
    r = modelc("fmt", "/nonexistent/x.model", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "cannot open") != NULL);
    tu_result_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fmt");
    TCase *tc = tcase_create("fmt");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, golden_layouts);
    tcase_add_test(tc, repository_schemas);
    tcase_add_test(tc, idempotent_on_unformatted_input);
    tcase_add_test(tc, file_with_errors_is_refused_and_untouched);
    tcase_add_test(tc, keeps_permissions_and_follows_symlinks);
    tcase_add_test(tc, usage);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
