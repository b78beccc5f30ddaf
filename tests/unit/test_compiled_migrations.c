/*
 * test_compiled_migrations.c -- `modelc generate --migrations DIR`: an
 * application upgrades its own database at start-up, without the files,
 * and ends exactly where `modelc upgrade` would (same schema, same
 * recorded versions and checksums, so the CLI and the app agree).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *v1 =
    "model User {\n"
    "    id       Integer     primary_key\n"
    "    username String(64)  index unique\n"
    "}\n";
static const char *v2 =
    "model User {\n"
    "    id       Integer     primary_key\n"
    "    username String(64)  index unique\n"
    "    email    String(120)\n"
    "    posts    relationship(Post, backref: author)\n"
    "}\n"
    "model Post {\n"
    "    id      Integer primary_key\n"
    "    user_id Integer foreign_key(User.id)\n"
    "}\n";

static const char *app =
    "#include <stdio.h>\n"
    "#include \"app.h\"\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    mc_db *db = NULL;\n"
    "    int rc = mc_open(&db, argv[1], NULL);\n"
    "    if (rc == MC_OK)\n"
    "        rc = app_migrate(db);\n"
    "    if (rc == MC_OK) {\n"
    "        User u = {.username = \"ada\", .email = \"ada@example.com\"};\n"
    "        rc = user_insert(db, &u);\n"
    "    }\n"
    "    if (rc != MC_OK)\n"
    "        fprintf(stderr, \"%s: %s\\n\", mc_status_name(rc), mc_errmsg(db));\n"
    "    (void)argc;\n"
    "    mc_close(db);\n"
    "    return rc == MC_OK ? 0 : 1;\n"
    "}\n";

static void must(tu_result r, const char *what)
{
    ck_assert_msg(r.status == 0, "%s: exit %d\n%s%s", what, r.status, r.out, r.err);
    tu_result_free(&r);
}

START_TEST(app_upgrades_itself)
{
    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("%s/app.model", dir);
    char *cmd;

    tu_write_file(schema, v1, strlen(v1));
    cmd = tu_fmt("cd %s && %s init && %s migrate app.model -m 'create user'", dir, tu_modelc(), tu_modelc());
    must(tu_sh(cmd, 30), "migrate v1");
    free(cmd);
    tu_write_file(schema, v2, strlen(v2));
    cmd = tu_fmt("cd %s && %s migrate app.model -m 'add email and posts'", dir, tu_modelc());
    must(tu_sh(cmd, 30), "migrate v2");
    free(cmd);

    cmd = tu_fmt("cd %s && %s generate app.model --migrations migrations -o gen", dir, tu_modelc());
    must(tu_sh(cmd, 30), "generate");
    free(cmd);
    char *main_c = tu_fmt("%s/main.c", dir);
    tu_write_file(main_c, app, strlen(app));
    cmd = tu_fmt("cd %s && cc -std=c11 -Wall -Wextra -Wpedantic -Werror %s -Igen -I%s/runtime -o app main.c gen/app.c "
                 "%s/libmodelc.a -lsqlite3",
                 dir, tu_cflags(), tu_src(), tu_build());
    must(tu_sh(cmd, 120), "compile");
    free(cmd);

    /* The app upgrades an empty database through both migrations. */
    cmd = tu_fmt("cd %s && ./app app.db", dir);
    must(tu_sh(cmd, 60), "run app");
    free(cmd);

    /* The command line agrees: at 0002, nothing to do, no drift. */
    cmd = tu_fmt("cd %s && %s current --db app.db", dir, tu_modelc());
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "0002"), "current: %s", r.out);
    tu_result_free(&r);
    cmd = tu_fmt("cd %s && %s upgrade --db app.db", dir, tu_modelc());
    must(tu_sh(cmd, 30), "upgrade after the app");
    free(cmd);
    cmd = tu_fmt("cd %s && %s check app.model --db app.db", dir, tu_modelc());
    must(tu_sh(cmd, 30), "check");
    free(cmd);

    /* Running the app again is a no-op upgrade plus one more insert. */
    cmd = tu_fmt("cd %s && sqlite3 app.db 'SELECT count(*) FROM modelc_migrations' && ./app app.db 2>&1; "
                 "sqlite3 app.db 'SELECT count(*) FROM user'",
                 dir);
    r = tu_sh(cmd, 30);
    free(cmd);
    /* second insert of the same unique username fails: the app reports it */
    ck_assert_msg(strstr(r.out, "2\n") && strstr(r.out, "MC_CONSTRAINT") && strstr(r.out, "\n1\n"),
                  "rerun: %s", r.out);
    tu_result_free(&r);

    /* An edited migration file after the app applied it: the CLI refuses. */
    cmd = tu_fmt("cd %s && printf '\\n-- edited\\n' >> migrations/0001_create_user.sql && %s upgrade --db app.db",
                 dir, tu_modelc());
    r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "0001"), "edited: %s", r.err);
    tu_result_free(&r);

    free(main_c);
    free(schema);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("compiled_migrations");
    TCase *tc = tcase_create("app");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, app_upgrades_itself);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
