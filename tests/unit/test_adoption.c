/*
 * test_adoption.c -- modelc takes over a database that Flask-Migrate made.
 *
 * tests/interop/flask_migrate_app.py is the seed's Flask app: it runs
 * `flask db init`, `flask db migrate -m first` and `flask db upgrade`
 * (Flask-Migrate's Python API) and adds a user and a post.  Then:
 *   modelc migrate blog.model          writes 0001 (the same two tables)
 *   modelc stamp 1                     adopts the database without running 0001
 *   modelc check blog.model            no drift from Alembic's schema
 *   a later migration (a column on user, a new table) and one that rebuilds
 *   user apply on top with modelc upgrade, rows kept, references intact,
 *   and the Python app still reads its user and post.
 * Flask-Migrate's own files share the migrations directory, as they would
 * in a project that moves over.
 *
 * Skipped (passing, with a message) when /usr/bin/python3 cannot import
 * flask_migrate (`apt-get install python3-flask-migrate`).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modelc.h"
#include "testutil.h"

#define PYTHON "/usr/bin/python3"

static const char BLOG2[] =
    "model User {\n"
    "    id            Integer      primary_key\n"
    "    username      String(64)   index unique\n"
    "    email         String(120)  index unique\n"
    "    password_hash String(128)\n"
    "    about_me      String(140)\n"
    "    posts         relationship(Post, backref: author, lazy: dynamic)\n"
    "}\n"
    "\n"
    "model Post {\n"
    "    id      Integer  primary_key\n"
    "    body    String(140)\n"
    "    user_id Integer  foreign_key(User.id)\n"
    "}\n"
    "\n"
    "model Comment {\n"
    "    id      Integer     primary_key\n"
    "    text    String(140) not_null\n"
    "    post_id Integer     not_null foreign_key(Post.id, on_delete: cascade)\n"
    "}\n";

static char *dir;

/* Runs cmd in dir; returns the result (caller frees). */
static tu_result in_dir(const char *cmd)
{
    char *full = tu_fmt("cd '%s' && SQLALCHEMY_SILENCE_UBER_WARNING=1 %s", dir, cmd);
    tu_result r = tu_sh(full, 300);
    free(full);
    return r;
}

/* cmd must exit with status; returns its stdout (malloc'd). */
static char *expect(const char *cmd, int status)
{
    tu_result r = in_dir(cmd);
    ck_assert_msg(r.status == status, "`%s` exited %d, not %d:\n%s%s", cmd, r.status, status, r.out, r.err);
    free(r.err);
    return r.out;
}

static void expect_has(const char *cmd, int status, const char *text)
{
    char *out = expect(cmd, status);
    ck_assert_msg(strstr(out, text) != NULL, "`%s` printed\n%s\nwhich lacks \"%s\"", cmd, out, text);
    free(out);
}

static char *modelc(const char *args)
{
    return tu_fmt("'%s' %s", tu_modelc(), args);
}

/* Runs `modelc ARGS` for each ARGS of the NULL-ended list, each of
 * which must exit 0. */
static void run_ok(const char *const *args)
{
    for (; *args; args++) {
        char *cmd = modelc(*args);
        free(expect(cmd, 0));
        free(cmd);
    }
}

static long long query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void setup(void)
{
    dir = tu_mkdtemp();
}

static void teardown(void)
{
    tu_rmdir(dir);
    dir = NULL;
}

/* A database whose constraints are named (Alembic's naming convention:
 * uq_, ck_, fk_, pk_): inspect writes the schema, whose language names no
 * constraint; after migrate and stamp, check --db finds no difference
 * (the names are all that differ, and SQLite's migrations never use
 * them); a rebuild of the table keeps the rows; a constraint that says
 * something else is still a difference. */
START_TEST(test_adopt_named_constraints)
{
    mc_db *db = NULL;
    char *path = tu_fmt("%s/app.db", dir);
    ck_assert_int_eq(mc_open(&db, path, NULL), MC_OK);
    ck_assert_msg(mc_exec(db, "CREATE TABLE user (id INTEGER NOT NULL, username VARCHAR(64), email VARCHAR(120), "
                              "CONSTRAINT pk_user PRIMARY KEY (id), CONSTRAINT uq_user_email UNIQUE (email), "
                              "CONSTRAINT ck_user_username CHECK (length(username)  >  0));"
                              "CREATE TABLE post (id INTEGER NOT NULL, user_id INTEGER, CONSTRAINT pk_post "
                              "PRIMARY KEY (id), CONSTRAINT fk_post_user_id_user FOREIGN KEY(user_id) "
                              "REFERENCES user (id));"
                              "INSERT INTO user VALUES (1, 'ann', 'ann@example.com');"
                              "INSERT INTO post VALUES (1, 1);") == MC_OK,
                  "%s", mc_errmsg(db));
    mc_close(db);
    char *cmd = modelc("inspect --db app.db -o app.model");
    free(expect(cmd, 0));
    free(cmd);
    /* the schema's CHECK spaced otherwise than the database's */
    char *mpath = tu_fmt("%s/app.model", dir);
    char *text = tu_read_file(mpath, NULL);
    char *at = text ? strstr(text, "length(username)  >  0") : NULL;
    ck_assert_msg(at, "%s", text);
    char *respaced = tu_fmt("%.*slength(username) > 0%s", (int)(at - text), text, at + strlen("length(username)  >  0"));
    ck_assert_int_eq(tu_write_file(mpath, respaced, strlen(respaced)), 0);
    free(text);
    free(respaced);
    run_ok((const char *[]){"init", "migrate app.model -m base", "stamp 1 --db app.db", NULL});
    cmd = modelc("check app.model --db app.db");
    expect_has(cmd, 0, "OK: the migrations and app.db match app.model");
    free(cmd);

    /* username NOT NULL: SQLite rebuilds user, under post's foreign key */
    text = tu_read_file(mpath, NULL);
    at = text ? strstr(text, "String(64)") : NULL;
    ck_assert_msg(at, "%s", text);
    char *edited = tu_fmt("%.*sString(64) not_null%s", (int)(at - text), text, at + strlen("String(64)"));
    ck_assert_int_eq(tu_write_file(mpath, edited, strlen(edited)), 0);
    run_ok((const char *[]){"migrate app.model -m 'username required'", "upgrade --db app.db", NULL});
    cmd = modelc("check app.model --db app.db");
    expect_has(cmd, 0, "OK:");
    free(cmd);
    ck_assert_int_eq(mc_open(&db, path, NULL), MC_OK);
    sqlite3 *h = mc_sqlite(db);
    ck_assert_int_eq(query_int(h, "SELECT count(*) FROM post JOIN user ON user.id = post.user_id "
                                  "WHERE username = 'ann'"), 1);
    mc_close(db);

    /* the database's unique(email) is not the schema's unique(username) */
    char *u = strstr(edited, "unique(email)");
    ck_assert_msg(u, "%s", edited);
    char *other = tu_fmt("%.*sunique(username)%s", (int)(u - edited), edited, u + strlen("unique(email)"));
    ck_assert_int_eq(tu_write_file(mpath, other, strlen(other)), 0);
    cmd = modelc("check app.model --db app.db");
    expect_has(cmd, 1, "database (app.db): drop unique constraint on user (email)");
    free(cmd);
    free(other);
    free(edited);
    free(text);
    free(mpath);
    free(path);
}
END_TEST

START_TEST(test_adopt_flask_migrate_database)
{
    tu_result probe = tu_sh(PYTHON " -c 'import flask_migrate, flask_sqlalchemy' 2>&1", 60);
    if (probe.status != 0) {
        fprintf(stderr,
                "test_adoption: SKIPPED: " PYTHON " cannot import flask_migrate (%s); "
                "install python3-flask-migrate (make deps)\n",
                probe.out);
        tu_result_free(&probe);
        return;
    }
    tu_result_free(&probe);

    /* Flask-Migrate makes the database, as in the seed. */
    char *app = tu_fmt(PYTHON " '%s' . ", tu_path("tests/interop/flask_migrate_app.py"));
    char *create = tu_fmt("%screate", app), *read = tu_fmt("%sread", app);
    expect_has(create, 0, "created user 1, post 1");
    char *path = tu_fmt("%s/migrations/alembic.ini", dir);
    ck_assert_msg(tu_exists(path), "flask db init made no migrations/alembic.ini");
    free(path);

    /* modelc adopts it: 0001 describes the same tables; stamp, not run. */
    char *blog = tu_fmt("cp '%s' blog.model", tu_example("examples/blog.model"));
    free(expect(blog, 0));
    free(blog);
    char *cmd = modelc("migrate blog.model -m 'create user post'");
    expect_has(cmd, 0, "Wrote migrations/0001_create_user_post.sql");
    free(cmd);
    cmd = modelc("current --db app.db");
    expect_has(cmd, 0, "0000");
    free(cmd);
    /* Before the stamp, check says the database is not at 0001 yet. */
    cmd = modelc("check blog.model --db app.db --dir migrations");
    expect_has(cmd, 1, "at version 0000");
    free(cmd);
    cmd = modelc("stamp 1 --db app.db --dir migrations");
    expect_has(cmd, 0, "Stamped app.db at 0001");
    free(cmd);
    cmd = modelc("check blog.model --db app.db --dir migrations");
    expect_has(cmd, 0, "OK: the migrations and app.db match blog.model");
    free(cmd);
    cmd = modelc("upgrade --db app.db --dir migrations");
    expect_has(cmd, 0, "nothing to do");
    free(cmd);

    /* A later migration: a column on user and a new table, natively. */
    char *p2 = tu_fmt("%s/blog.model", dir);
    ck_assert_int_eq(tu_write_file(p2, BLOG2, strlen(BLOG2)), 0);
    cmd = modelc("migrate blog.model -m 'about me and comments'");
    expect_has(cmd, 0, "Wrote migrations/0002_about_me_and_comments.sql");
    free(cmd);
    cmd = modelc("upgrade --db app.db --dir migrations");
    expect_has(cmd, 0, "Upgraded to 0002 (about_me_and_comments)");
    free(cmd);
    cmd = modelc("check blog.model --db app.db --dir migrations");
    expect_has(cmd, 0, "OK:");
    free(cmd);
    expect_has(read, 0, "user susan susan@example.com\npost my first post! by susan\n");

    /* And one that SQLite cannot ALTER: user is rebuilt under post's
     * foreign key (the Alembic-made table, tabs and newlines in its DDL). */
    char *blog3 = strdup(BLOG2);
    char *at = strstr(blog3, "password_hash String(128)");
    ck_assert_ptr_nonnull(at);
    char *blog3b = tu_fmt("%.*spassword_hash String(128) not_null server_default(\"!\")%s", (int)(at - blog3), blog3,
                          at + strlen("password_hash String(128)"));
    ck_assert_int_eq(tu_write_file(p2, blog3b, strlen(blog3b)), 0);
    free(blog3);
    free(blog3b);
    cmd = modelc("migrate blog.model -m 'password required'");
    expect_has(cmd, 0, "Wrote migrations/0003_password_required.sql");
    free(cmd);
    path = tu_fmt("%s/migrations/0003_password_required.sql", dir);
    char *text = tu_read_file(path, NULL);
    ck_assert_msg(text && strstr(text, "CREATE TABLE _new_user"), "0003 does not rebuild user:\n%s", text);
    free(text);
    free(path);
    cmd = modelc("upgrade --db app.db --dir migrations");
    expect_has(cmd, 0, "Upgraded to 0003 (password_required)");
    free(cmd);
    cmd = modelc("check blog.model --db app.db --dir migrations");
    expect_has(cmd, 0, "OK:");
    free(cmd);
    expect_has(read, 0, "user susan susan@example.com\npost my first post! by susan\n");

    /* The rows, the references, Alembic's bookkeeping left alone. */
    path = tu_fmt("%s/app.db", dir);
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, path, NULL), MC_OK);
    sqlite3 *h = mc_sqlite(db);
    ck_assert_int_eq(query_int(h, "SELECT count(*) FROM user WHERE username = 'susan' AND password_hash = '!'"), 1);
    ck_assert_int_eq(query_int(h, "SELECT count(*) FROM post JOIN user ON user.id = post.user_id"), 1);
    ck_assert_int_eq(query_int(h, "SELECT count(*) FROM alembic_version"), 1);
    ck_assert_int_eq(query_int(h, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    ck_assert_int_eq(mc_exec(db, "INSERT INTO comment (text, post_id) VALUES ('nice', 1)"), MC_OK);
    ck_assert_int_eq(mc_exec(db, "INSERT INTO comment (text, post_id) VALUES ('orphan', 99)"), MC_CONSTRAINT);
    mc_close(db);
    free(path);

    /* Back down to where Flask-Migrate left it: the same schema again. */
    cmd = modelc("downgrade --db app.db --dir migrations --to 1");
    expect_has(cmd, 0, "app.db is at 0001");
    free(cmd);
    blog = tu_fmt("cp '%s' blog.model", tu_example("examples/blog.model"));
    free(expect(blog, 0));
    free(blog);
    /* The migrations go further than blog.model: check reports that, and
     * only that (the database matches). */
    cmd = modelc("check blog.model --db app.db --dir migrations");
    char *out = expect(cmd, 1);
    ck_assert_msg(strstr(out, "database (app.db): at version 0001") && !strstr(out, "database (app.db): add") &&
                      !strstr(out, "database (app.db): drop"),
                  "%s", out);
    free(out);
    free(cmd);
    expect_has(read, 0, "user susan susan@example.com\npost my first post! by susan\n");

    free(p2);
    free(app);
    free(create);
    free(read);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("adoption");
    TCase *tc = tcase_create("flask_migrate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_adopt_named_constraints);
    tcase_add_test(tc, test_adopt_flask_migrate_database);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
