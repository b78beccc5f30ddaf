/*
 * test_install.c -- packaging as a user or a distribution meets it:
 * `make install` into a temporary prefix with Debian's libdir, then an
 * application outside the tree built against it twice, with CMake
 * (find_package + modelc_generate) and with make + pkg-config (the
 * pattern rule of README.md), found through nothing but PATH and
 * PKG_CONFIG_PATH, and run.  Also: DESTDIR staging and `make uninstall`,
 * the man pages pass man/groff's checks, the bash completion loads and
 * completes, Vim detects and highlights a schema, every command is documented (docs/commands.md, modelc(1),
 * the completion).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* make in the source tree, with the build the suites test, outside the
 * calling make's jobserver. */
static tu_result make_in_tree(const char *args)
{
    char *cmd = tu_fmt("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s -C '%s' BUILD='%s' %s",
                       tu_src(), tu_build(), args);
    tu_result r = tu_sh(cmd, 300);
    free(cmd);
    return r;
}

static int file_contains(const char *path, const char *needle)
{
    char *text = tu_read_file(path, NULL);
    int found = text && strstr(text, needle);
    free(text);
    return found;
}

/* The commands `modelc --help` lists, as "name\n" lines. */
static char *command_names(void)
{
    char *cmd = tu_fmt("'%s' --help | sed -n 's/^  \\([a-z][a-z]*\\) .*/\\1/p'", tu_modelc());
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 0);
    free(r.err);
    return r.out;
}

START_TEST(install_and_build_apps_with_cmake_and_pkg_config)
{
    char *tmp = tu_mkdtemp();
    char *prefix = tu_fmt("%s/usr", tmp);
    char *libdir = tu_fmt("%s/lib/x86_64-linux-gnu", prefix);
    char *args = tu_fmt("install PREFIX='%s' libdir='%s'", prefix, libdir);
    tu_result r = make_in_tree(args);
    ck_assert_msg(r.status == 0, "make install: %d\n%s%s", r.status, r.out, r.err);
    tu_result_free(&r);

    /* Everything where the directory variables say. */
    const char *rel[] = {"bin/modelc", "include/modelc.h", "share/man/man1/modelc.1",
                         "share/man/man5/modelc-schema.5", "share/doc/modelc/language.md",
                         "share/doc/modelc/commands.md", "share/bash-completion/completions/modelc",
                         "share/vim/vimfiles/syntax/modelc.vim", "share/vim/vimfiles/ftdetect/modelc.vim"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char *p = tu_fmt("%s/%s", prefix, rel[i]);
        ck_assert_msg(tu_exists(p), "not installed: %s", p);
        free(p);
    }
    const char *librel[] = {"libmodelc.a", "libmodelc.so", "libmodelc.so.0", "pkgconfig/modelc.pc",
                            "cmake/modelc/modelcConfig.cmake", "cmake/modelc/modelcConfigVersion.cmake"};
    for (size_t i = 0; i < sizeof librel / sizeof librel[0]; i++) {
        char *p = tu_fmt("%s/%s", libdir, librel[i]);
        ck_assert_msg(tu_exists(p), "not installed: %s", p);
        free(p);
    }
    char *pc = tu_fmt("%s/pkgconfig/modelc.pc", libdir);
    char *want = tu_fmt("libdir=%s\n", libdir);
    ck_assert_msg(file_contains(pc, want), "%s does not say %s", pc, want);
    free(want);
    free(pc);

    /* The application, copied out of the tree. */
    char *env = tu_fmt("PATH='%s/bin':/usr/bin:/bin PKG_CONFIG_PATH='%s/pkgconfig' CFLAGS='%s' LDFLAGS='%s' "
                       "ASAN_OPTIONS=detect_leaks=1",
                       prefix, libdir, tu_cflags(), tu_cflags());
    char *cmd = tu_fmt("cp -R '%s' '%s/app' && cd '%s/app' && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL %s "
                       "make -s app 2>&1 && ./app app.db",
                       tu_path("tests/packaging/app"), tmp, tmp, env);
    r = tu_sh(cmd, 120);
    free(cmd);
    ck_assert_msg(r.status == 0, "make + pkg-config app: exit %d\n%s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, "user 1 ada ada@example.com\n") != NULL, "%s", r.out);
    tu_result_free(&r);

    /* CMake finds the package through PATH alone (<prefix>/bin ->
     * <prefix>/lib/<arch>/cmake/modelc). */
    cmd = tu_fmt("cp -R '%s' '%s/capp' && cd '%s/capp' && %s cmake -S . -B build -DCMAKE_C_FLAGS='%s' "
                 "-DCMAKE_EXE_LINKER_FLAGS='%s' >cmake.log 2>&1 && cmake --build build >>cmake.log 2>&1 "
                 "&& ./build/app build/app.db || { cat cmake.log; exit 1; }",
                 tu_path("tests/packaging/app"), tmp, tmp, env, tu_cflags(), tu_cflags());
    r = tu_sh(cmd, 300);
    free(cmd);
    ck_assert_msg(r.status == 0, "cmake app: exit %d\n%s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, "user 1 ada ada@example.com\n") != NULL, "%s", r.out);
    tu_result_free(&r);

    /* A changed schema is generated again by the next build, once its
     * migration is written (generate refuses migrations that do not give
     * the schema). */
    cmd = tu_fmt("cd '%s/capp' && sleep 1 && printf '\\nmodel Extra {\\n    id Integer primary_key\\n}\\n' "
                 ">> blog.model && %s modelc migrate blog.model -m extra >/dev/null && "
                 "%s cmake --build build 2>&1 | grep -c 'modelc generate'",
                 tmp, env, env);
    r = tu_sh(cmd, 300);
    free(cmd);
    ck_assert_msg(r.status == 0 && strcmp(r.out, "1\n") == 0, "no regeneration: %s%s", r.out, r.err);
    tu_result_free(&r);

    free(env);
    free(args);
    free(libdir);
    free(prefix);
    tu_rmdir(tmp);
}
END_TEST

/* A distribution stages with DESTDIR; uninstall takes back every file. */
START_TEST(destdir_staging_and_uninstall)
{
    char *tmp = tu_mkdtemp();
    char *vars = tu_fmt("DESTDIR='%s' PREFIX=/usr libdir=/usr/lib/x86_64-linux-gnu mandir=/usr/share/man", tmp);
    char *args = tu_fmt("install %s", vars);
    tu_result r = make_in_tree(args);
    ck_assert_msg(r.status == 0, "make install: %d\n%s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    char *pc = tu_fmt("%s/usr/lib/x86_64-linux-gnu/pkgconfig/modelc.pc", tmp);
    ck_assert_msg(file_contains(pc, "libdir=/usr/lib/x86_64-linux-gnu\n"), "%s", pc);
    ck_assert_msg(file_contains(pc, "includedir=/usr/include\n"), "%s", pc);
    char *cm = tu_fmt("%s/usr/lib/x86_64-linux-gnu/cmake/modelc/modelcConfig.cmake", tmp);
    ck_assert(file_contains(cm, "\"/usr/lib/x86_64-linux-gnu/libmodelc.so\""));
    ck_assert(file_contains(cm, "HINTS \"/usr/bin\""));
    free(cm);
    free(pc);
    free(args);

    args = tu_fmt("uninstall %s", vars);
    r = make_in_tree(args);
    ck_assert_msg(r.status == 0, "make uninstall: %d\n%s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    char *cmd = tu_fmt("find '%s' ! -type d", tmp);
    r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_msg(r.status == 0 && r.out[0] == '\0', "left behind:\n%s", r.out);
    tu_result_free(&r);
    free(args);
    free(vars);
    tu_rmdir(tmp);
}
END_TEST

/* LDFLAGS reaches every link: the compiler, the shared library, the
 * suites (a dry run into a fresh build directory). */
START_TEST(ldflags_reach_every_link)
{
    char *tmp = tu_mkdtemp();
    char *cmd = tu_fmt("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -n -C '%s' BUILD='%s/b' "
                       "LDFLAGS=-Wl,-z,relro,-z,now all '%s/b/tests/test_fmt'",
                       tu_src(), tmp, tmp);
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_msg(r.status == 0, "%s", r.err);
    const char *links[] = {"-o %s/b/modelc ", "-o %s/b/libmodelc.so ", "-o %s/b/tests/test_fmt "};
    for (size_t i = 0; i < 3; i++) {
        char *want = tu_fmt(links[i], tmp);
        int found = 0;
        for (char *line = r.out; line && *line;) {
            char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            char *l = tu_fmt("%.*s", (int)n, line);
            if (strstr(l, want) && strstr(l, "-Wl,-z,relro,-z,now"))
                found = 1;
            free(l);
            line = nl ? nl + 1 : NULL;
        }
        ck_assert_msg(found, "no link line with LDFLAGS for %s in make -n output:\n%.1500s", want, r.out);
        free(want);
    }
    tu_result_free(&r);
    tu_rmdir(tmp);
}
END_TEST

/* Both man pages format without a warning. */
START_TEST(man_pages_are_clean_roff)
{
    const char *pages[] = {"man/modelc.1", "man/modelc-schema.5"};
    for (size_t i = 0; i < 2; i++) {
        char *cmd = tu_fmt("groff -ww -z -t -man '%s' 2>&1 && { ! command -v man >/dev/null || "
                           "MANWIDTH=80 man --warnings -l '%s' 2>&1 >/dev/null; }",
                           tu_path(pages[i]), tu_path(pages[i]));
        tu_result r = tu_sh(cmd, 60);
        free(cmd);
        ck_assert_msg(r.status == 0 && r.out[0] == '\0', "%s: exit %d\n%s%s", pages[i], r.status, r.out, r.err);
        tu_result_free(&r);
    }
}
END_TEST

static tu_result complete(const char *words, int cword)
{
    char *cmd = tu_fmt("bash --norc --noprofile -c 'set -e; source \"%s\"; COMP_WORDS=(%s); COMP_CWORD=%d; "
                       "_modelc; complete -p modelc >/dev/null; printf \"%%s\\n\" \"${COMPREPLY[@]}\"'",
                       tu_path("dist/bash-completion/modelc"), words, cword);
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    return r;
}

START_TEST(bash_completion_completes_commands_and_options)
{
    tu_result r = complete("modelc up", 1);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_str_eq(r.out, "upgrade\n");
    ck_assert_str_eq(r.err, "");
    tu_result_free(&r);
    r = complete("modelc fmt x.model --ch", 3);
    ck_assert_str_eq(r.out, "--check\n");
    tu_result_free(&r);
    r = complete("modelc erd x.model --format s", 4);
    ck_assert_str_eq(r.out, "svg\n");
    tu_result_free(&r);
    r = complete("modelc generate --pre", 2);
    ck_assert_str_eq(r.out, "--prefix\n");
    tu_result_free(&r);
}
END_TEST

/* Vim loads the syntax file for a *.model file (ftdetect), without an
 * error, and colors keywords, types and a query's parameters. */
START_TEST(vim_syntax_loads_and_highlights)
{
    tu_result have = tu_sh("command -v vim", 10);
    if (have.status != 0) {
        printf("test_install: vim not installed, syntax test skipped\n");
        tu_result_free(&have);
        return;
    }
    tu_result_free(&have);
    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("%s/s.model", dir);
    const char *text = "# c\nmodel A {\n    id Integer primary_key\n}\n\n"
                       "query q(id Integer) -> Integer {\n    SELECT count(*) FROM a WHERE id = :id\n}\n";
    ck_assert_int_eq(tu_write_file(schema, text, strlen(text)), 0);
    char *script = tu_fmt("%s/t.vim", dir);
    char *vim = tu_fmt("set rtp^=%s\nfiletype on\nsyntax on\ne %s\nredir! > %s/out\n"
                       "echo &filetype\n"
                       "for [l, c] in [[1, 1], [2, 1], [3, 8], [7, 40]]\n"
                       "  echo synIDattr(synID(l, c, 1), 'name')\n"
                       "endfor\nredir END\nqa!\n",
                       tu_path("dist/vim"), schema, dir);
    ck_assert_int_eq(tu_write_file(script, vim, strlen(vim)), 0);
    char *cmd = tu_fmt("vim -u NONE -i NONE -N -es -S '%s' </dev/null 2>&1; cat '%s/out'", script, dir);
    tu_result r = tu_sh(cmd, 60);
    ck_assert_msg(strcmp(r.out, "\nmodelc\nmodelcComment\nmodelcDecl\nmodelcType\nmodelcSqlParam") == 0, "got:%s|",
                  r.out);
    tu_result_free(&r);
    free(cmd);
    free(vim);
    free(script);
    free(schema);
    tu_rmdir(dir);
}
END_TEST

/* Every command modelc knows is in the completion, the reference and the
 * man page. */
START_TEST(every_command_is_documented_and_completed)
{
    char *names = command_names();
    char *docs = tu_read_file(tu_path("docs/commands.md"), NULL);
    char *man = tu_read_file(tu_path("man/modelc.1"), NULL);
    ck_assert_ptr_nonnull(docs);
    ck_assert_ptr_nonnull(man);
    int n = 0;
    for (char *line = strtok(names, "\n"); line; line = strtok(NULL, "\n"), n++) {
        char *head = tu_fmt("\n## %s\n", line);
        ck_assert_msg(strstr(docs, head) != NULL, "docs/commands.md has no section for '%s'", line);
        free(head);
        char *plain = tu_fmt("\n.B %s", line), *quoted = tu_fmt("\n.BI \"%s ", line);
        ck_assert_msg(strstr(man, plain) || strstr(man, quoted), "modelc.1 does not describe '%s'", line);
        free(plain);
        free(quoted);
        char *words = tu_fmt("modelc %s", line);
        tu_result r = complete(words, 1);
        ck_assert_msg(strstr(r.out, line) != NULL, "completion does not offer '%s'", line);
        tu_result_free(&r);
        free(words);
    }
    ck_assert_int_ge(n, 9);
    free(man);
    free(docs);
    free(names);
}
END_TEST

/* README links the reference; the reference files are the installed ones. */
START_TEST(readme_links_the_reference)
{
    char *readme = tu_read_file(tu_path("README.md"), NULL);
    ck_assert_ptr_nonnull(readme);
    ck_assert(strstr(readme, "(docs/language.md)") != NULL);
    ck_assert(strstr(readme, "(docs/commands.md)") != NULL);
    free(readme);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("install");
    TCase *tc = tcase_create("install");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, install_and_build_apps_with_cmake_and_pkg_config);
    tcase_add_test(tc, destdir_staging_and_uninstall);
    tcase_add_test(tc, ldflags_reach_every_link);
    tcase_add_test(tc, man_pages_are_clean_roff);
    tcase_add_test(tc, bash_completion_completes_commands_and_options);
    tcase_add_test(tc, vim_syntax_loads_and_highlights);
    tcase_add_test(tc, every_command_is_documented_and_completed);
    tcase_add_test(tc, readme_links_the_reference);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
