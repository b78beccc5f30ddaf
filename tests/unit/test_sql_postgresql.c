/*
 * test_sql_postgresql.c -- `modelc sql --dialect postgresql`: the DDL that
 * SQLAlchemy 1.4's PostgreSQL dialect compiles for the same models (no
 * server needed).  The goldens come from tests/interop/flask_app.py
 * `ddl postgresql`, and where SQLAlchemy is installed it is asked again.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* modelc with up to four arguments (NULLs end the list early). */
#define modelc(a1, a2, a3, a4) tu_modelc_run(a1, a2, a3, a4, (const char *)NULL)

static void check_golden(const char *example, const char *golden)
{
    tu_result r = modelc("sql", tu_example(example), "--dialect", "postgresql");
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.err, "");
    char *want = tu_read_file(tu_path(golden), NULL);
    ck_assert_ptr_nonnull(want);
    ck_assert_str_eq(r.out, want);
    free(want);
    tu_result_free(&r);
}

START_TEST(blog_matches_sqlalchemy_postgresql)
{
    check_golden("examples/blog.model", "tests/golden/blog.postgresql.sql");
}
END_TEST

START_TEST(library_matches_sqlalchemy_postgresql)
{
    check_golden("examples/library.model", "tests/golden/library.postgresql.sql");
}
END_TEST

START_TEST(matches_live_sqlalchemy_postgresql)
{
    const char *names[] = {"blog", "library"};
    for (size_t i = 0; i < 2; i++) {
        char *cmd = tu_fmt("/usr/bin/python3 %s %s ddl postgresql", tu_path("tests/interop/flask_app.py"), names[i]);
        tu_result py = tu_sh(cmd, 120);
        free(cmd);
        if (py.status == 77 || py.status == 127) {
            printf("test_sql_postgresql: skipped the live SQLAlchemy comparison: %s", py.out[0] ? py.out : py.err);
            tu_result_free(&py);
            return;
        }
        ck_assert_msg(py.status == 0, "flask_app.py %s ddl postgresql: exit %d\n%s", names[i], py.status, py.err);
        char *schema = tu_fmt("examples/%s.model", names[i]);
        tu_result mc = modelc("sql", tu_example(schema), "--dialect=postgresql", NULL);
        free(schema);
        ck_assert_int_eq(mc.status, 0);
        ck_assert_str_eq(mc.out, py.out);
        tu_result_free(&mc);
        tu_result_free(&py);
    }
}
END_TEST

/* SERIAL only for SQLAlchemy's autoincrement column (BIGSERIAL and
 * SMALLSERIAL by type; a primary key that is a foreign key is not one),
 * PostgreSQL's reserved words quoted ("user", "window"), its own type
 * names, enum types named in lower case and created before their table,
 * Boolean server defaults as false/true.  Checked against SQLAlchemy by
 * hand once; the strings below are what it printed. */
START_TEST(types_keys_and_quoting)
{
    char *dir = tu_mkdtemp();
    char *path = tu_fmt("%s/t.model", dir);
    const char *text =
        "enum PostStatus { draft, published }\n"
        "model Account table \"user\" { id BigInteger primary_key; user String; at Time; amount Numeric(5);"
        " status PostStatus not_null; active Boolean not_null server_default(false); data LargeBinary }\n"
        "model Profile { account_id BigInteger primary_key foreign_key(Account.id); `window` SmallInteger }\n"
        "model Counter { id SmallInteger primary_key }\n";
    tu_write_file(path, text, strlen(text));
    tu_result r = modelc("sql", path, "--dialect", "postgresql");
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_str_eq(r.out,
                     "CREATE TABLE counter (id SMALLSERIAL NOT NULL, PRIMARY KEY (id));\n"
                     "CREATE TYPE poststatus AS ENUM ('draft', 'published');\n"
                     "CREATE TABLE \"user\" (id BIGSERIAL NOT NULL, \"user\" VARCHAR, at TIME WITHOUT TIME ZONE, "
                     "amount NUMERIC(5), status poststatus NOT NULL, active BOOLEAN DEFAULT false NOT NULL, "
                     "data BYTEA, PRIMARY KEY (id));\n"
                     "CREATE TABLE profile (account_id BIGINT NOT NULL, \"window\" SMALLINT, "
                     "PRIMARY KEY (account_id), FOREIGN KEY(account_id) REFERENCES \"user\" (id));\n");
    tu_result_free(&r);
    /* the same schema on SQLite is untouched by the dialect work */
    r = modelc("sql", path, "--dialect", "sqlite");
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "CREATE TABLE user (id BIGINT NOT NULL, user VARCHAR, at TIME"));
    ck_assert_ptr_nonnull(strstr(r.out, "status VARCHAR(9) NOT NULL, active BOOLEAN DEFAULT 0 NOT NULL"));
    tu_result_free(&r);
    free(path);
    tu_rmdir(dir);
}
END_TEST

/* Without --dialect the dialect is $DATABASE_URL's (DSL.md section 2). */
START_TEST(dialect_follows_database_url)
{
    /* SQLAlchemy's postgresql+driver:// is PostgreSQL too, as mc_open reads it */
    const char *urls[] = {"postgresql://app:secret@db.example/app", "postgres:///app?host=/tmp",
                          "postgresql+psycopg2://app:secret@db.example/app"};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        char *cmd = tu_fmt("DATABASE_URL='%s' '%s' sql '%s'", urls[i], tu_modelc(), tu_example("examples/blog.model"));
        tu_result r = tu_sh(cmd, 30);
        free(cmd);
        ck_assert_msg(r.status == 0, "%s", r.err);
        ck_assert_ptr_nonnull(strstr(r.out, "CREATE TABLE \"user\" (id SERIAL NOT NULL"));
        tu_result_free(&r);
    }
    char *cmd = tu_fmt("DATABASE_URL=sqlite:///x.db '%s' sql '%s'", tu_modelc(), tu_example("examples/blog.model"));
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "CREATE TABLE user (id INTEGER NOT NULL"));
    tu_result_free(&r);
    /* an explicit --dialect wins over the URL */
    cmd = tu_fmt("DATABASE_URL=postgresql://h/db '%s' sql --dialect sqlite '%s'", tu_modelc(),
                 tu_example("examples/blog.model"));
    r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "CREATE TABLE user (id INTEGER NOT NULL"));
    tu_result_free(&r);
}
END_TEST

/* The DDL runs on a real server and creates every table, index and enum
 * type it names. */
START_TEST(ddl_runs_on_postgresql)
{
    const char *url = tu_pg_url("ddl_runs_on_postgresql");
    if (!url)
        return;
    const char *names[] = {"blog", "library"};
    char *dir = tu_mkdtemp();
    for (size_t i = 0; i < 2; i++) {
        char *db = tu_fmt("modelc_ddl_%s", names[i]);
        char *cmd = tu_fmt("psql '%s' -q -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS %s' -c 'CREATE DATABASE %s'",
                           url, db, db);
        tu_result r = tu_sh(cmd, 60);
        free(cmd);
        ck_assert_msg(r.status == 0, "%s", r.err);
        tu_result_free(&r);
        /* the same server, the new database: swap the path of the URL */
        const char *q = strchr(url, '?');
        const char *slash = strstr(url, "@/");
        ck_assert_ptr_nonnull(slash);
        char *dburl = tu_fmt("%.*s@/%s%s", (int)(slash - url), url, db, q ? q : "");
        char *schema = tu_fmt("examples/%s.model", names[i]);
        cmd = tu_fmt("cd '%s' && '%s' sql --dialect postgresql '%s' > ddl.sql"
                     " && psql '%s' -q -v ON_ERROR_STOP=1 -f ddl.sql && grep -c '^CREATE ' ddl.sql"
                     " && psql '%s' -At -c \"SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')"
                     " + (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'ix_%%')"
                     " + (SELECT count(*) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
                     "    WHERE e.enumsortorder = 1)\"",
                     dir, tu_modelc(), tu_example(schema), dburl, dburl);
        r = tu_sh(cmd, 60);
        free(cmd);
        ck_assert_msg(r.status == 0, "%s: %s", names[i], r.err);
        /* two numbers: CREATE statements written, objects the server has */
        long written = 0, made = -1;
        ck_assert_int_eq(sscanf(r.out, "%ld\n%ld", &written, &made), 2);
        ck_assert_int_gt(written, 1);
        ck_assert_int_eq(made, written);
        tu_result_free(&r);
        free(schema);
        free(dburl);
        free(db);
    }
    tu_rmdir(dir);
}
END_TEST

/* A migration file names its dialect ("-- Dialect: sqlite", written by
 * migrate); upgrade refuses another dialect's file, and runs nothing. */
START_TEST(upgrade_refuses_another_dialects_file)
{
    char *dir = tu_mkdtemp();
    char *cmd = tu_fmt("cd '%s' && mkdir migrations && '%s' migrate '%s' -m first && "
                       "grep -c '^-- Dialect: sqlite$' migrations/0001_first.sql",
                       dir, tu_modelc(), tu_example("examples/blog.model"));
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "1\n"));
    tu_result_free(&r);
    const char *pg = "-- Migration 0002: pg\n-- Dialect: postgresql\n-- modelc:upgrade\n"
                     "CREATE TABLE x (id SERIAL NOT NULL, PRIMARY KEY (id));\n-- modelc:downgrade\nDROP TABLE x;\n";
    char *path = tu_fmt("%s/migrations/0002_pg.sql", dir);
    tu_write_file(path, pg, strlen(pg));
    cmd = tu_fmt("cd '%s' && '%s' upgrade --db app.db", dir, tu_modelc());
    r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "0002_pg.sql: a postgresql migration"));
    char *db = tu_fmt("%s/app.db", dir);
    ck_assert(!tu_exists(db));      /* nothing ran, not even the first one */
    tu_result_free(&r);
    const char *odd = "-- Migration 0002: pg\n-- Dialect: oracle\n-- modelc:upgrade\nSELECT 1;\n";
    tu_write_file(path, odd, strlen(odd));
    cmd = tu_fmt("cd '%s' && '%s' history", dir, tu_modelc());
    r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "names no dialect modelc knows"));
    tu_result_free(&r);
    free(db);
    free(path);
    tu_rmdir(dir);
}
END_TEST

START_TEST(unknown_dialect_is_a_usage_error)
{
    tu_result r = modelc("sql", tu_example("examples/blog.model"), "--dialect", "mysql");
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown dialect 'mysql'"));
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sql_postgresql");
    TCase *tc = tcase_create("ddl");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, blog_matches_sqlalchemy_postgresql);
    tcase_add_test(tc, library_matches_sqlalchemy_postgresql);
    tcase_add_test(tc, matches_live_sqlalchemy_postgresql);
    tcase_add_test(tc, types_keys_and_quoting);
    tcase_add_test(tc, dialect_follows_database_url);
    tcase_add_test(tc, unknown_dialect_is_a_usage_error);
    tcase_add_test(tc, ddl_runs_on_postgresql);
    tcase_add_test(tc, upgrade_refuses_another_dialects_file);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
