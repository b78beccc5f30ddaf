/*
 * test_hostile.c -- schema text is data: table and column names, check and
 * default SQL, migration files made of quotes, backslashes, printf
 * conversions (%n%s), comment ends, trigraphs (??/), newlines and a
 * crafted `"); system("touch pwned"); ("` reach the generated C only as
 * escaped string literals, safe comments and "%s" arguments.
 *
 *   every_byte_survives_a_literal   cg_cstr on bytes 1..255 (and the
 *                                   nasty sequences), compiled as C11 and
 *                                   C++ and printed back byte for byte
 *   comments_stay_comments          cg_put_comment_text: no comment end or
 *                                   start, splice, trigraph, line break
 *   hostile_schema_runs             tests/programs/hostile.model: migrate,
 *                                   generate --migrations, compile with
 *                                   -Werror as C11 and C++, run
 *                                   hostile_app.c (CRUD, relationships,
 *                                   messages, exact names in the
 *                                   database); no file "pwned" appears
 *   long_texts_compile_and_run      SQL and migrations longer than the 4095
 *                                   bytes a C literal may hold (-Wpedantic):
 *                                   a 120-column table and 40 more models,
 *                                   migrations compiled in, -Werror as C11
 *                                   and C++, insert and get run
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen.h"
#include "testutil.h"

#define WARN "-Wall -Wextra -Wpedantic -Werror"

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

START_TEST(every_byte_survives_a_literal)
{
    static const char *const nasty[] = {
        "\"", "\\", "%n%s", "*/", "/*", "?\?/", "?\?=", "?\?\?", "?\?\?/", "\n", "\\\n",
        "\"); system(\"touch pwned\"); (\"", "\303\251", "\3771", "\0011", "?", "?\?", "a?\?b",
    };
    char all[256];
    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    all[255] = '\0';
    mcc_arena arena = {0};
    cgen g = {0};
    g.arena = &arena;
    mcc_buf prog = {0};
    mcc_buf_put(&prog, "#include <stdio.h>\n#include <string.h>\nstatic const char *const texts[] = {\n");
    mcc_buf want = {0};
    for (size_t i = 0; i <= sizeof nasty / sizeof nasty[0]; i++) {
        const char *t = i < sizeof nasty / sizeof nasty[0] ? nasty[i] : all;
        mcc_buf_printf(&prog, "    %s,\n", cg_cstr(&g, t));
        mcc_buf_put(&want, t);
        mcc_buf_putc(&want, '|');
    }
    mcc_buf_put(&prog, "};\nint main(void)\n{\n    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)\n"
                      "        printf(\"%s|\", texts[i]);\n    return 0;\n}\n");
    char *dir = tu_mkdtemp();
    char *src = tu_fmt("%s/lit.c", dir);
    tu_write_file(src, prog.data, prog.len);
    const char *compilers[] = {"cc -x c -std=c11", "g++ -x c++ -std=c++11"};
    for (int k = 0; k < 2; k++) {
        if (k == 1 && !have("g++"))
            break;
        char *cmd = tu_fmt("%s " WARN " -o %s/lit %s", compilers[k], dir, src);
        sh_ok("compiling the literals", cmd, 60);
        free(cmd);
        char *exe = tu_fmt("%s/lit", dir);
        const char *argv[] = {exe, NULL};
        tu_result r = tu_run(argv, NULL, 30);
        ck_assert_int_eq(r.status, 0);
        ck_assert_msg(strcmp(r.out, want.data) == 0, "%s: the literals printed something else", compilers[k]);
        tu_result_free(&r);
        free(exe);
    }
    free(src);
    tu_rmdir(dir);
    mcc_buf_free(&prog);
    mcc_buf_free(&want);
    mcc_arena_free(&arena);
}
END_TEST

START_TEST(comments_stay_comments)
{
    static const char *const nasty[] = {
        "*/", "/*", "a*/b", "*//*", "?\?/", "?\?\?/\n", "x\\", "x\\\ny", "line\nbreak", "?\?\?/", "\r\t\f",
        "\"); system(\"touch pwned\"); /* (\"", "**/", "*\\\n/",
    };
    mcc_buf prog = {0};
    mcc_buf_put(&prog, "int main(void)\n{\n");
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
        mcc_buf text = {0};
        cg_put_comment_text(&text, nasty[i]);
        ck_assert_msg(!strstr(text.data, "*/") && !strstr(text.data, "/*") && !strstr(text.data, "?\?") &&
                          !strchr(text.data, '\n') && !strchr(text.data, '\r'),
                      "unsafe comment text for case %zu: %s", i, text.data);
        cg_commentf(&prog, "%s", nasty[i]);
        mcc_buf_free(&text);
    }
    mcc_buf_put(&prog, "    return 0;\n}\n");
    char *dir = tu_mkdtemp();
    char *src = tu_fmt("%s/c.c", dir);
    tu_write_file(src, prog.data, prog.len);
    char *cmd = tu_fmt("cc -std=c11 " WARN " -Wcomment -Wtrigraphs -o %s/c %s && %s/c", dir, src, dir);
    sh_ok("compiling the comments", cmd, 60);
    free(cmd);
    free(src);
    tu_rmdir(dir);
    mcc_buf_free(&prog);
}
END_TEST

/* generate's modes (loop index _i): the default, and --compact, whose
 * tables hold the schema's texts as literals too. */
static const char *const modes[] = {"", " --compact"};

START_TEST(hostile_schema_runs)
{
    char *dir = tu_mkdtemp();
    char *cmd = tu_fmt("cp %s %s/hostile.model", tu_path("tests/programs/hostile.model"), dir);
    sh_ok("copying the schema", cmd, 10);
    free(cmd);

    /* migrations (modelc init where it exists), then generate with them compiled in */
    cmd = tu_fmt("cd %s && { %s init >/dev/null 2>&1 || mkdir -p migrations; } && %s migrate hostile.model -m create",
                 dir, tu_modelc(), tu_modelc());
    sh_ok("modelc migrate", cmd, 60);
    free(cmd);
    cmd = tu_fmt("cd %s && %s generate hostile.model --migrations migrations -o gen%s", dir, tu_modelc(), modes[_i]);
    sh_ok("modelc generate", cmd, 60);
    free(cmd);

    cmd = tu_fmt("cd %s && cc -std=c11 " WARN " %s -Igen -I%s -c -o gen/hostile.o gen/hostile.c", dir, tu_cflags(),
                 tu_path("runtime"));
    sh_ok("compiling the generated source as C11", cmd, 120);
    free(cmd);
    if (have("g++")) {
        cmd = tu_fmt("cd %s && g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -Igen -I%s -c -o gen/hostile_cxx.o "
                     "gen/hostile.c",
                     dir, tu_path("runtime"));
        sh_ok("compiling the generated source as C++", cmd, 120);
        free(cmd);
    }
    cmd = tu_fmt("cd %s && cc -std=c11 " WARN " %s -Igen -I%s -I%s -o app %s gen/hostile.o %s/libmodelc.a -lsqlite3",
                 dir, tu_cflags(), tu_path("runtime"), tu_path("tests/programs"),
                 tu_path("tests/programs/hostile_app.c"), tu_build());
    sh_ok("building hostile_app", cmd, 120);
    free(cmd);

    cmd = tu_fmt("cd %s && ./app test.db", dir);
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_msg(r.status == 0 && strstr(r.out, "checks passed"), "hostile_app exited %d:\n%s%s", r.status, r.out,
                  r.err);
    tu_result_free(&r);

    /* The command line agrees with what the compiled-in migrations built. */
    cmd = tu_fmt("cd %s && %s check hostile.model --db test.db", dir, tu_modelc());
    sh_ok("modelc check on the app's database", cmd, 60);
    free(cmd);

    char *pwned = tu_fmt("%s/pwned", dir);
    ck_assert_msg(!tu_exists(pwned), "a generated program ran system()");
    ck_assert_msg(!tu_exists("pwned"), "a generated program ran system()");
    free(pwned);
    tu_rmdir(dir);
}
END_TEST

static const char *wide_app =
    "#include <stdio.h>\n"
    "#include <string.h>\n"
    "#include \"wide.h\"\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    mc_db *db = NULL;\n"
    "    int rc = argc == 2 ? mc_open(&db, argv[1], NULL) : MC_MISUSE;\n"
    "    if (rc == MC_OK)\n"
    "        rc = wide_migrate(db);\n"
    "    Wide w = {.a_rather_long_column_name_number_000 = \"first\", .a_rather_long_column_name_number_119 = \"last\"};\n"
    "    if (rc == MC_OK)\n"
    "        rc = wide_insert(db, &w);\n"
    "    Wide *got = NULL;\n"
    "    if (rc == MC_OK)\n"
    "        rc = wide_get(db, w.id, &got);\n"
    "    if (rc == MC_OK && (strcmp(got->a_rather_long_column_name_number_000, \"first\") != 0 ||\n"
    "                        strcmp(got->a_rather_long_column_name_number_119, \"last\") != 0))\n"
    "        rc = MC_INVALID;\n"
    "    if (rc != MC_OK)\n"
    "        fprintf(stderr, \"%s: %s\\n\", mc_status_name(rc), mc_errmsg(db));\n"
    "    wide_free(got);\n"
    "    mc_close(db);\n"
    "    return rc == MC_OK ? 0 : 1;\n"
    "}\n";

START_TEST(long_texts_compile_and_run)
{
    char *dir = tu_mkdtemp();
    mcc_buf schema = {0};
    mcc_buf_put(&schema, "model Wide {\n    id Integer primary_key\n");
    for (int i = 0; i < 120; i++)
        mcc_buf_printf(&schema, "    a_rather_long_column_name_number_%03d String(40) column(\"a rather long column name, "
                               "number %03d\")\n", i, i);
    mcc_buf_put(&schema, "}\n");
    for (int i = 0; i < 40; i++)
        mcc_buf_printf(&schema, "model Table%d {\n    id Integer primary_key\n    some_descriptive_field_%d Text\n"
                               "    another_descriptive_field_%d Integer\n}\n", i, i, i);
    char *path = tu_fmt("%s/wide.model", dir);
    tu_write_file(path, schema.data, schema.len);
    char *main_c = tu_fmt("%s/main.c", dir);
    tu_write_file(main_c, wide_app, strlen(wide_app));
    char *cmd = tu_fmt("cd %s && { %s init >/dev/null 2>&1 || mkdir -p migrations; } && %s migrate wide.model -m init "
                       "&& %s generate wide.model --migrations migrations -o gen",
                       dir, tu_modelc(), tu_modelc(), tu_modelc());
    sh_ok("migrate and generate", cmd, 60);
    free(cmd);
    cmd = tu_fmt("cd %s && cc -std=c11 " WARN " %s -Igen -I%s -o app main.c gen/wide.c %s/libmodelc.a -lsqlite3 && "
                 "./app test.db",
                 dir, tu_cflags(), tu_path("runtime"), tu_build());
    sh_ok("compiling and running as C11", cmd, 180);
    free(cmd);
    if (have("g++")) {
        cmd = tu_fmt("cd %s && g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -Igen -I%s -fsyntax-only gen/wide.c",
                     dir, tu_path("runtime"));
        sh_ok("compiling as C++", cmd, 120);
        free(cmd);
    }
    mcc_buf_free(&schema);
    free(path);
    free(main_c);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_byte_survives_a_literal);
    tcase_add_test(tc, comments_stay_comments);
    tcase_add_loop_test(tc, hostile_schema_runs, 0, 2);
    tcase_add_test(tc, long_texts_compile_and_run);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
