/*
 * test_diagnostics.c -- every tests/bad/NN_name.model against its golden
 * tests/bad/NN_name.err: `modelc sql` exits 1, prints nothing on stdout,
 * and its stderr is the .err file byte for byte.
 *
 * modelc runs from the source tree with a relative path
 * (tests/bad/01_x.model), so that the paths in the goldens are stable.
 * To regenerate the goldens after a deliberate change of a message, run
 * the suite with MODELC_UPDATE_GOLDEN=1 -- then read every changed .err.
 *
 * Also: for a bad schema, `modelc generate` writes nothing.
 */
#include <check.h>
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

enum { MIN_CASES = 40 };

static glob_t cases = {0};  /* tests/bad/ *.model, relative to the source tree */

static void enter_src(void)
{
    ck_assert_msg(chdir(tu_src()) == 0, "cannot chdir to %s", tu_src());
}

/* modelc may be given relative to the directory make ran in; after the
 * chdir, it must still be found. */
static const char *modelc_path(void)
{
    static char abs[4096];
    const char *m = tu_modelc();
    if (m[0] == '/' || abs[0])
        return m[0] == '/' ? m : abs;
    char cwd[2048];
    if (!getcwd(cwd, sizeof cwd))
        return m;
    snprintf(abs, sizeof abs, "%s/%s", cwd, m);
    return abs;
}

static char *err_path_of(const char *model)
{
    size_t n = strlen(model);
    char *p = tu_fmt("%.*s.err", (int)(n - strlen(".model")), model);
    return p;
}

START_TEST(bad_schema_matches_golden)
{
    enter_src();
    const char *model = cases.gl_pathv[_i];
    char *errp = err_path_of(model);
    const char *argv[] = {modelc_path(), "sql", model, NULL};
    tu_result r = tu_run(argv, NULL, 30);

    const char *update = getenv("MODELC_UPDATE_GOLDEN");
    if (update && update[0] == '1' && r.status == 1)
        tu_write_file(errp, r.err, strlen(r.err));

    ck_assert_msg(r.status == 1, "%s: exit %d, want 1\nstderr:\n%s", model, r.status, r.err);
    ck_assert_msg(r.out[0] == '\0', "%s: stdout not empty:\n%s", model, r.out);
    size_t want_len = 0;
    char *want = tu_read_file(errp, &want_len);
    ck_assert_msg(want != NULL, "%s: missing golden %s (stderr was:\n%s)", model, errp, r.err);
    ck_assert_msg(strlen(r.err) == want_len && memcmp(r.err, want, want_len) == 0,
                  "%s: stderr differs from %s\n--- want\n%s--- got\n%s---", model, errp, want, r.err);
    /* Every message has the documented shape. */
    ck_assert_msg(strstr(r.err, ": error: ") != NULL, "%s: no ': error: ' in\n%s", model, r.err);
    ck_assert_msg(strncmp(r.err, model, strlen(model)) == 0, "%s: message does not start with the path:\n%s",
                  model, r.err);
    free(want);
    free(errp);
    tu_result_free(&r);
}
END_TEST

START_TEST(enough_cases_and_no_orphans)
{
    enter_src();
    ck_assert_msg(cases.gl_pathc >= MIN_CASES, "only %zu bad schemas in tests/bad, want at least %d",
                  (size_t)cases.gl_pathc, MIN_CASES);
    /* Every .err belongs to a .model (a renamed case leaves none behind). */
    glob_t errs;
    ck_assert_int_eq(glob("tests/bad/*.err", 0, NULL, &errs), 0);
    ck_assert_uint_eq(errs.gl_pathc, cases.gl_pathc);
    for (size_t i = 0; i < errs.gl_pathc; i++) {
        char *errp = err_path_of(cases.gl_pathv[i]);
        ck_assert_str_eq(errs.gl_pathv[i], errp);
        free(errp);
    }
    globfree(&errs);
}
END_TEST

/* Several goldens report three or more errors, and one reaches the cap. */
START_TEST(multi_error_goldens)
{
    enter_src();
    int multi = 0, capped = 0;
    for (size_t i = 0; i < cases.gl_pathc; i++) {
        char *errp = err_path_of(cases.gl_pathv[i]);
        char *text = tu_read_file(errp, NULL);
        ck_assert_ptr_nonnull(text);
        int n = 0;
        for (const char *p = text; (p = strstr(p, ": error: ")); p++)
            n++;
        if (n >= 3)
            multi++;
        if (strstr(text, "too many errors"))
            capped++;
        free(text);
        free(errp);
    }
    ck_assert_msg(multi >= 3, "only %d goldens with 3+ errors", multi);
    ck_assert_msg(capped >= 1, "no golden shows the error cap");
}
END_TEST

static int dir_is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    int empty = 1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

/* `modelc generate` on a bad schema: exit 1 and nothing written.  While
 * generate is not implemented (it exits 2), there is nothing to check. */
START_TEST(generate_writes_nothing_for_bad_schema)
{
    enter_src();
    char *out = tu_mkdtemp();
    char *cwd = getcwd(NULL, 0);
    ck_assert_ptr_nonnull(cwd);
    for (size_t i = 0; i < cases.gl_pathc; i++) {
        char *model = tu_fmt("%s/%s", cwd, cases.gl_pathv[i]);
        /* Run inside the output directory too, so that a stray write to
         * the current directory is caught as well. */
        char *cmd = tu_fmt("cd '%s' && exec '%s' generate '%s' -o '%s'", out, modelc_path(), model, out);
        tu_result r = tu_sh(cmd, 30);
        if (r.status == 2) {
            fprintf(stderr, "test_diagnostics: modelc generate not available (exit 2: %.*s); skipped\n",
                    (int)strcspn(r.err, "\n"), r.err);
            tu_result_free(&r);
            free(cmd);
            free(model);
            break;
        }
        ck_assert_msg(r.status == 1, "%s: generate exit %d, want 1\n%s", model, r.status, r.err);
        ck_assert_msg(dir_is_empty(out), "%s: generate wrote into %s despite errors", model, out);
        ck_assert_msg(r.out[0] == '\0' || strstr(r.out, "error") == NULL, "%s: errors on stdout", model);
        tu_result_free(&r);
        free(cmd);
        free(model);
    }
    free(cwd);
    tu_rmdir(out);
}
END_TEST

int main(void)
{
    (void)modelc_path();    /* resolve a relative MODELC before the chdir */
    if (chdir(tu_src()) != 0) {
        fprintf(stderr, "test_diagnostics: cannot chdir to %s\n", tu_src());
        return EXIT_FAILURE;
    }
    if (glob("tests/bad/*.model", 0, NULL, &cases) != 0)
        cases.gl_pathc = 0;

    Suite *s = suite_create("diagnostics");
    TCase *tc = tcase_create("bad");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, bad_schema_matches_golden, 0, (int)cases.gl_pathc);
    tcase_add_test(tc, enough_cases_and_no_orphans);
    tcase_add_test(tc, multi_error_goldens);
    tcase_add_test(tc, generate_writes_nothing_for_bad_schema);
    suite_add_tcase(s, tc);
    int status = tu_run_suite(s);
    globfree(&cases);
    return status;
}
