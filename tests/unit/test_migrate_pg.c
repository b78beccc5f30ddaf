/*
 * test_migrate_pg.c -- PostgreSQL migration histories (`modelc migrate
 * --dialect postgresql`): written without a server, run on a real one.
 *
 * Offline: the file names its dialect and carries the schema snapshot,
 * the same refusals as on SQLite (data loss, unresolved renames, a NOT
 * NULL column without a default), goldens.  On the server of
 * tests/pg/with-postgres.sh (MODELC_PG_URL; skipped, or failed under
 * CI=true, without one): a matrix of histories, each in its own
 * database, upgraded from empty one step at a time and downgraded back
 * by the runner (`modelc upgrade --to N`, `downgrade --to N`), the schema
 * after every step compared with what `modelc sql --dialect
 * postgresql` of that version creates in a fresh database (columns,
 * types, defaults, constraints by name and definition, indexes, enum
 * types and their values, sequences), and the rows seeded at the first
 * version checked after the last upgrade and after the downgrades.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#define MC_OK(r, what) ck_assert_msg((r).status == 0, "%s: exit %d\nstdout: %s\nstderr: %s", what, (r).status, \
                                     (r).out, (r).err)

/* The schema of the current database as sorted lines (modelc's own
 * version table aside); two databases with the same lines have the same
 * schema for every purpose of modelc. */
static const char *DUMP_SQL =
    "SELECT x FROM (\n"
    "SELECT 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)\n"
    "    || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END\n"
    "    || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS x\n"
    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid\n"
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n"
    "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0\n"
    "    AND NOT a.attisdropped AND c.relname <> 'modelc_migrations'\n"
    "UNION ALL\n"
    "SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)\n"
    "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conrelid <> 0\n"
    "    AND conrelid::regclass::text <> 'modelc_migrations'\n"
    "UNION ALL\n"
    "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes\n"
    "WHERE schemaname = current_schema() AND tablename <> 'modelc_migrations'\n"
    "UNION ALL\n"
    "SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)\n"
    "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid\n"
    "WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname\n"
    "UNION ALL\n"
    "SELECT 'sequence ' || sequencename FROM pg_sequences\n"
    "WHERE schemaname = current_schema() AND sequencename NOT LIKE 'modelc_migrations%'\n"
    ") s ORDER BY 1;\n";

/* ---- helpers -------------------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
}

/* `modelc migrate DIR/s.model --dialect postgresql --dir DIR/migrations -m MSG [extra]`. */
static tu_result migrate(const char *dir, const char *msg, const char *extra)
{
    char *cmd = tu_fmt("cd '%s' && MODELC_DATE='2026-01-01 00:00:00' '%s' migrate s.model --dialect postgresql "
                       "-m '%s' %s",
                       dir, tu_modelc(), msg, extra ? extra : "");
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    return r;
}

/* The server's URL with the database name `db` (the URL of with-postgres.sh
 * is postgresql://USER@/postgres?host=DIR). */
static char *db_url(const char *url, const char *db)
{
    const char *q = strchr(url, '?');
    const char *slash = strstr(url, "@/");
    ck_assert_ptr_nonnull(slash);
    return tu_fmt("%.*s@/%s%s", (int)(slash - url), url, db, q ? q : "");
}

/* Runs psql on url with the SQL text (in one transaction); returns its result. */
static tu_result psql(const char *url, const char *dir, const char *sql, const char *flags)
{
    char *file = tu_fmt("%s/psql.sql", dir);
    write_text(file, sql);
    char *cmd = tu_fmt("psql '%s' -X -q -At -v ON_ERROR_STOP=1 %s -f '%s'", url, flags ? flags : "-1", file);
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    free(file);
    return r;
}

static void psql_ok(const char *url, const char *dir, const char *sql)
{
    tu_result r = psql(url, dir, sql, NULL);
    MC_OK(r, sql);
    tu_result_free(&r);
}

/* A fresh, empty database `name` on the server; its URL. */
static char *fresh_db(const char *url, const char *dir, const char *name)
{
    char *sql = tu_fmt("DROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;\n", name, name);
    tu_result r = psql(url, dir, sql, "-q");
    MC_OK(r, "create database");
    tu_result_free(&r);
    free(sql);
    return db_url(url, name);
}

static char *dump(const char *url, const char *dir)
{
    tu_result r = psql(url, dir, DUMP_SQL, NULL);
    MC_OK(r, "dump");
    char *s = r.out;
    r.out = NULL;
    tu_result_free(&r);
    return s;
}

/* The text of one section of a migration file: "-- modelc:upgrade" or
 * "-- modelc:downgrade" up to the next marker. */
static char *section(const char *file, int up)
{
    char *text = tu_read_file(file, NULL);
    ck_assert_ptr_nonnull(text);
    char *start = strstr(text, up ? "\n-- modelc:upgrade\n" : "\n-- modelc:downgrade\n");
    ck_assert_ptr_nonnull(start);
    start = strchr(start + 1, '\n') + 1;
    char *end = up ? strstr(start, "\n-- modelc:downgrade\n") : NULL;
    char *s = end ? tu_fmt("%.*s", (int)(end - start), start) : tu_fmt("%s", start);
    free(text);
    return s;
}

/* Migration file number n of dir/migrations (its path, malloc'd). */
static char *mig_file(const char *dir, int n)
{
    char *cmd = tu_fmt("ls '%s/migrations'/%04d_*.sql", dir, n);
    tu_result r = tu_sh(cmd, 10);
    free(cmd);
    ck_assert_msg(r.status == 0, "no migration %04d in %s", n, dir);
    char *nl = strchr(r.out, '\n');
    if (nl)
        *nl = '\0';
    char *s = tu_fmt("%s", r.out);
    tu_result_free(&r);
    return s;
}

/* Runs migration n's upgrade (or downgrade) on url with `modelc upgrade
 * --to n` (`downgrade --to n-1`): the runner, one transaction per file. */
static void step(const char *url, const char *dir, int n, int up)
{
    char *cmd = tu_fmt("cd '%s' && '%s' %s --db '%s' --to %d -q", dir, tu_modelc(), up ? "upgrade" : "downgrade",
                       url, up ? n : n - 1);
    tu_result r = tu_sh(cmd, 60);
    if (r.status != 0) {
        char *file = mig_file(dir, n);
        char *sql = section(file, up);
        ck_assert_msg(0, "%s of %s failed:\n%s\n--- the SQL:\n%s", up ? "upgrade" : "downgrade", file, r.err, sql);
    }
    tu_result_free(&r);
    free(cmd);
}

/* The schema `modelc sql --dialect postgresql` of text creates in a fresh database. */
static char *expected_schema(const char *url, const char *dir, const char *name, const char *text)
{
    char *schema = tu_fmt("%s/expect.model", dir);
    write_text(schema, text);
    char *cmd = tu_fmt("'%s' sql --dialect postgresql '%s'", tu_modelc(), schema);
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    MC_OK(r, "modelc sql");
    char *dbname = tu_fmt("%s_fresh", name);
    char *furl = fresh_db(url, dir, dbname);
    psql_ok(furl, dir, r.out);
    char *d = dump(furl, dir);
    tu_result_free(&r);
    free(furl);
    free(dbname);
    free(schema);
    return d;
}

#define USER "model User { id Integer primary_key; name String(64) not_null; email String(120) }\n"

/* ---- without a server ------------------------------------------------------------------- */

/* A directory with migrations/ and s.model holding text. */
static char *project(const char *text)
{
    char *dir = tu_mkdtemp();
    char *mig = tu_fmt("%s/migrations", dir);
    ck_assert_int_eq(mkdir(mig, 0777), 0);
    free(mig);
    char *schema = tu_fmt("%s/s.model", dir);
    write_text(schema, text);
    free(schema);
    return dir;
}

static void set_schema(const char *dir, const char *text)
{
    char *schema = tu_fmt("%s/s.model", dir);
    write_text(schema, text);
    free(schema);
}

static int count_files(const char *dir)
{
    char *cmd = tu_fmt("ls '%s/migrations' | grep -c '\\.sql$'", dir);
    tu_result r = tu_sh(cmd, 10);
    free(cmd);
    int n = atoi(r.out);
    tu_result_free(&r);
    return n;
}

/* The file names its dialect, carries the whole schema for the next
 * migrate, and a second run with the same schema writes nothing. */
START_TEST(file_names_dialect_and_carries_the_schema)
{
    char *dir = project(USER);
    tu_result r = migrate(dir, "first", NULL);
    MC_OK(r, "migrate");
    ck_assert_ptr_nonnull(strstr(r.out, "Wrote "));
    tu_result_free(&r);
    char *file = mig_file(dir, 1);
    char *text = tu_read_file(file, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\n-- Dialect: postgresql\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n-- modelc:model User user\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n-- modelc:sql \"CREATE TABLE user (id INTEGER NOT NULL, "));
    ck_assert_ptr_nonnull(strstr(text, "\nCREATE TABLE \"user\" (id SERIAL NOT NULL, "));
    r = migrate(dir, "again", NULL);
    MC_OK(r, "migrate again");
    ck_assert_str_eq(r.out, "No changes in schema; nothing written.\n");
    tu_result_free(&r);
    ck_assert_int_eq(count_files(dir), 1);
    free(text);
    free(file);
    tu_rmdir(dir);
}
END_TEST

/* The refusals of SQLite's migrate, all reported in one run, nothing written. */
START_TEST(refusals_as_on_sqlite)
{
    char *dir = project(USER);
    tu_result r = migrate(dir, "first", NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    set_schema(dir, "model User { id Integer primary_key; nick String(64) not_null; score Integer not_null }\n"
                    "model X { renamed_from(Nope); id Integer primary_key }\n");
    r = migrate(dir, "second", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "s.model:2:24: error: model X: renamed_from(Nope) names no model"));
    ck_assert_ptr_nonnull(
        strstr(r.err, "s.model:1:38: error: cannot add NOT NULL column user.nick to the existing table user"));
    ck_assert_ptr_nonnull(strstr(r.err, "refusing to drop column user.name: it drops column user.name"));
    ck_assert_ptr_nonnull(strstr(r.err, "hint: if it was renamed, say so with renamed_from(name) on the new field"));
    ck_assert_ptr_nonnull(strstr(r.err, "modelc migrate: nothing written"));
    tu_result_free(&r);
    ck_assert_int_eq(count_files(dir), 1);
    /* removing an enum value is data loss too */
    set_schema(dir, "enum S { a, b }\n" USER "model T { id Integer primary_key; s S }\n");
    r = migrate(dir, "enum", NULL);
    MC_OK(r, "migrate enum");
    tu_result_free(&r);
    set_schema(dir, "enum S { a }\n" USER "model T { id Integer primary_key; s S }\n");
    r = migrate(dir, "fewer", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "removes 'b' from enum S of t.s"));
    tu_result_free(&r);
    r = migrate(dir, "fewer", "--allow-data-loss");
    MC_OK(r, "migrate --allow-data-loss");
    ck_assert_ptr_nonnull(strstr(r.out, "DATA LOSS: removes 'b' from enum S of t.s"));
    tu_result_free(&r);
    char *file = mig_file(dir, 3);
    char *up = section(file, 1);
    ck_assert_ptr_nonnull(strstr(up, "-- DATA LOSS: removes 'b' from enum S of t.s"));
    ck_assert_ptr_nonnull(strstr(up, "ALTER TYPE s RENAME TO s_old;\nCREATE TYPE s AS ENUM ('a');\n"));
    ck_assert_ptr_nonnull(strstr(up, "ALTER TABLE t ALTER COLUMN s TYPE s USING s::text::s;\n"));
    ck_assert_ptr_nonnull(strstr(up, "DROP TYPE s_old;\n"));
    free(up);
    free(file);
    tu_rmdir(dir);
}
END_TEST

/* On PostgreSQL an Integer is 32 bits and a BigInteger 64 (types.def's
 * pgbits): BigInteger -> Integer narrows there, as Integer ->
 * SmallInteger does everywhere, and is refused unless allowed, then marked;
 * on SQLite both are the same 64-bit INTEGER and nothing is lost. */
START_TEST(bigint_to_integer_narrows_on_postgresql)
{
    char *dir = project("model T { id Integer primary_key; n BigInteger }\n");
    tu_result r = migrate(dir, "first", NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    set_schema(dir, "model T { id Integer primary_key; n Integer }\n");
    r = migrate(dir, "narrow", NULL);
    ck_assert_msg(r.status == 1, "exit %d\n%s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.err, "refusing to change type of t.n from BIGINT to INTEGER: it narrows t.n from BIGINT "
                                "to INTEGER"),
                  "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "--allow-data-loss"));
    tu_result_free(&r);
    ck_assert_int_eq(count_files(dir), 1);
    r = migrate(dir, "narrow", "--allow-data-loss");
    MC_OK(r, "migrate --allow-data-loss");
    ck_assert_ptr_nonnull(strstr(r.out, "DATA LOSS: narrows t.n from BIGINT to INTEGER"));
    tu_result_free(&r);
    char *file = mig_file(dir, 2);
    char *up = section(file, 1), *down = section(file, 0);
    ck_assert_ptr_nonnull(strstr(up, "-- DATA LOSS: narrows t.n from BIGINT to INTEGER\n"));
    ck_assert_ptr_nonnull(strstr(up, "ALTER TABLE t ALTER COLUMN n TYPE INTEGER USING n::INTEGER;\n"));
    ck_assert_msg(!strstr(down, "DATA LOSS"), "widening back loses nothing:\n%s", down);
    free(up);
    free(down);
    free(file);
    tu_rmdir(dir);

    /* the same change on SQLite: no loss, nothing refused */
    dir = project("model T { id Integer primary_key; n BigInteger }\n");
    char *cmd = tu_fmt("cd '%s' && '%s' migrate s.model -m first && printf 'model T { id Integer primary_key; n "
                       "Integer }\\n' > s.model && '%s' migrate s.model -m narrow",
                       dir, tu_modelc(), tu_modelc());
    r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_msg(r.status == 0 && !strstr(r.out, "DATA LOSS"), "exit %d\n%s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    tu_rmdir(dir);
}
END_TEST

/* A directory holds one dialect's history: migrate for PostgreSQL refuses
 * a SQLite file and the other way round; a PostgreSQL file without the
 * schema snapshot (written by hand) is named, nothing is written. */
START_TEST(one_dialect_per_directory)
{
    char *dir = project(USER);
    char *cmd = tu_fmt("cd '%s' && '%s' migrate s.model -m lite", dir, tu_modelc());
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    MC_OK(r, "migrate sqlite");
    tu_result_free(&r);
    set_schema(dir, USER "model Tag { id Integer primary_key }\n");
    r = migrate(dir, "pg", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "0001_lite.sql: a sqlite migration (its '-- Dialect:' line), in a "
                                        "postgresql history"));
    tu_result_free(&r);
    ck_assert_int_eq(count_files(dir), 1);
    tu_rmdir(dir);

    dir = project(USER);
    r = migrate(dir, "pg", NULL);
    MC_OK(r, "migrate pg");
    tu_result_free(&r);
    set_schema(dir, USER "model Tag { id Integer primary_key }\n");
    cmd = tu_fmt("cd '%s' && '%s' migrate s.model -m lite --dialect sqlite", dir, tu_modelc());
    r = tu_sh(cmd, 30);
    free(cmd);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "0001_pg.sql: a postgresql migration"));
    tu_result_free(&r);
    const char *hand = "-- Migration 0002: by hand\n-- Dialect: postgresql\n-- modelc:upgrade\n"
                       "CREATE TABLE tag (id SERIAL NOT NULL, PRIMARY KEY (id));\n-- modelc:downgrade\nDROP TABLE tag;\n";
    char *path = tu_fmt("%s/migrations/0002_by_hand.sql", dir);
    write_text(path, hand);
    r = migrate(dir, "third", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "0002_by_hand.sql: no schema snapshot in its header"));
    tu_result_free(&r);
    ck_assert_int_eq(count_files(dir), 2);
    free(path);
    tu_rmdir(dir);
}
END_TEST

/* Without --dialect the dialect is $DATABASE_URL's, whose password no
 * message shows. */
START_TEST(dialect_from_database_url)
{
    char *dir = project(USER);
    char *cmd = tu_fmt("cd '%s' && DATABASE_URL=postgresql://app:s3cret@db.example/app '%s' migrate s.model -m one",
                       dir, tu_modelc());
    tu_result r = tu_sh(cmd, 30);
    free(cmd);
    MC_OK(r, "migrate");
    ck_assert_ptr_null(strstr(r.out, "s3cret"));
    ck_assert_ptr_null(strstr(r.err, "s3cret"));
    tu_result_free(&r);
    char *file = mig_file(dir, 1);
    char *text = tu_read_file(file, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\n-- Dialect: postgresql\n"));
    ck_assert_ptr_null(strstr(text, "s3cret"));
    free(text);
    free(file);
    tu_rmdir(dir);
    /* --dialect sqlite wins over the URL */
    dir = project(USER);
    cmd = tu_fmt("cd '%s' && DATABASE_URL=postgresql://h/db '%s' migrate s.model -m one --dialect sqlite", dir,
                 tu_modelc());
    r = tu_sh(cmd, 30);
    free(cmd);
    MC_OK(r, "migrate --dialect sqlite");
    tu_result_free(&r);
    file = mig_file(dir, 1);
    text = tu_read_file(file, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\n-- Dialect: sqlite\n"));
    free(text);
    free(file);
    tu_rmdir(dir);
}
END_TEST

/* `modelc check SCHEMA --dir DIR` of a PostgreSQL history: its snapshot
 * against the schema, no server needed. */
START_TEST(check_reads_the_snapshot)
{
    char *dir = project(USER);
    tu_result r = migrate(dir, "first", NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    char *cmd = tu_fmt("cd '%s' && '%s' check s.model", dir, tu_modelc());
    r = tu_sh(cmd, 30);
    MC_OK(r, "check");
    ck_assert_str_eq(r.out, "OK: the migrations match s.model\n");
    tu_result_free(&r);
    set_schema(dir, "model User { id Integer primary_key; name String(80) not_null; email String(120) }\n");
    r = tu_sh(cmd, 30);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "migrations (migrations): change type of user.name from VARCHAR(64) to "
                                        "VARCHAR(80)\n  run `modelc migrate s.model --dir migrations --dialect "
                                        "postgresql`"));
    tu_result_free(&r);
    free(cmd);
    tu_rmdir(dir);
}
END_TEST

/* `modelc history --dir DIR` lists a PostgreSQL history as it lists a
 * SQLite one (no server needed). */
START_TEST(history_lists_a_postgresql_history)
{
    char *dir = project(USER);
    tu_result r = migrate(dir, "first", NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    char *cmd = tu_fmt("cd '%s' && '%s' history --dir migrations", dir, tu_modelc());
    r = tu_sh(cmd, 30);
    MC_OK(r, "history");
    ck_assert_ptr_nonnull(strstr(r.out, "0001 first"));
    tu_result_free(&r);
    free(cmd);
    tu_rmdir(dir);
}
END_TEST

static void check_golden(const char *file, const char *golden)
{
    char *got = tu_read_file(file, NULL);
    ck_assert_msg(got != NULL, "%s was not written", file);
    char *want = tu_read_file(tu_path(golden), NULL);
    if (getenv("MODELC_UPDATE_GOLDEN")) {
        free(want);
        ck_assert_int_eq(tu_write_file(tu_path(golden), got, strlen(got)), 0);
        want = tu_read_file(tu_path(golden), NULL);
    }
    ck_assert_msg(want != NULL, "missing golden %s", golden);
    ck_assert_msg(strcmp(got, want) == 0, "%s differs from %s:\n%s", file, golden, got);
    free(got);
    free(want);
}

/* The blog's first PostgreSQL migration, and a second one with a rename,
 * a type change, an enum, a default, a check and a dropped unique. */
START_TEST(goldens)
{
    char *blog = tu_read_file(tu_example("examples/blog.model"), NULL);
    ck_assert_ptr_nonnull(blog);
    char *dir = project(blog);
    tu_result r = migrate(dir, "create user post", NULL);
    MC_OK(r, "migrate blog");
    tu_result_free(&r);
    set_schema(dir, "enum Mood { calm, busy }\n"
                    "model User {\n    id Integer primary_key\n    login String(64) index unique renamed_from(username)\n"
                    "    email String(200)\n    password_hash String(128)\n"
                    "    mood Mood not_null server_default(calm)\n"
                    "    posts relationship(Post, backref: author, lazy: dynamic)\n}\n"
                    "model Post {\n    id Integer primary_key\n    body Text check(\"length(body) > 0\")\n"
                    "    user_id Integer foreign_key(User.id, on_delete: cascade)\n}\n");
    r = migrate(dir, "rename login and more", "--allow-data-loss");
    MC_OK(r, "migrate blog v2");
    tu_result_free(&r);
    char *f1 = mig_file(dir, 1), *f2 = mig_file(dir, 2);
    check_golden(f1, "tests/golden/migrations/postgresql/0001_create_user_post.sql");
    check_golden(f2, "tests/golden/migrations/postgresql/0002_rename_login_and_more.sql");
    free(f1);
    free(f2);
    free(blog);
    tu_rmdir(dir);
}
END_TEST

/* ---- the history matrix ------------------------------------------------------------------ */

typedef struct history {
    const char *name;           /* also the database's name: mcpg_<name> */
    const char *versions[6];    /* schema texts, NULL-terminated */
    const char *seed;           /* SQL run after the first upgrade */
    const char *after_up;       /* a query after the last upgrade ... */
    const char *want_up;        /* ... and its psql -At output */
    const char *after_down;     /* a query after downgrading to the first version ... */
    const char *want_down;
    int allow_loss;             /* migrate with --allow-data-loss */
} history;

static const history histories[] = {
    {"add_drop_table",
     {USER, USER "model Post { id Integer primary_key; body Text; user_id Integer foreign_key(User.id) }\n", USER, NULL},
     "INSERT INTO \"user\" (name, email) VALUES ('ann', 'a@x'), ('bob', NULL);",
     "SELECT name || ':' || coalesce(email, '-') FROM \"user\" ORDER BY id", "ann:a@x\nbob:-\n",
     "SELECT count(*) FROM \"user\"", "2\n", 1},
    {"rename_table_and_column",
     {USER,
      "model Account { renamed_from(User); id Integer primary_key; login String(64) not_null renamed_from(name); "
      "email String(120) unique }\n",
      NULL},
     "INSERT INTO \"user\" (name, email) VALUES ('ann', 'a@x');",
     "SELECT id || ':' || login FROM account; SELECT nextval('account_id_seq')", "1:ann\n2\n",
     "SELECT name FROM \"user\"", "ann\n", 0},
    {"add_and_drop_columns",
     {USER, "model User { id Integer primary_key; name String(64) not_null; "
            "score Integer not_null server_default(7); bio Text }\n",
      NULL},
     "INSERT INTO \"user\" (name, email) VALUES ('ann', 'a@x');",
     "SELECT name || ':' || score || ':' || coalesce(bio, '-') FROM \"user\"", "ann:7:-\n",
     "SELECT name || ':' || coalesce(email, '-') FROM \"user\"", "ann:-\n", 1},
    {"type_changes",
     {"model T { id Integer primary_key; n Integer; s String(20); f Boolean; r Integer }\n",
      "model T { id Integer primary_key; n BigInteger; s Text; f Integer; r Float }\n",
      "model T { id Integer primary_key; n BigInteger; s String(40); f Integer; r Numeric(10, 2) }\n", NULL},
     "INSERT INTO t (n, s, f, r) VALUES (5000000, 'short', true, 3);",
     "SELECT n || ':' || s || ':' || f || ':' || r FROM t", "5000000:short:1:3.00\n",
     "SELECT n || ':' || s || ':' || f || ':' || r FROM t", "5000000:short:true:3\n", 1},
    {"nullability_and_defaults",
     {"model T { id Integer primary_key; a String(10); b Integer server_default(1); c Integer not_null }\n",
      "model T { id Integer primary_key; a String(10) not_null server_default(\"none\"); b Integer; "
      "c Integer server_default(3) }\n",
      NULL},
     "INSERT INTO t (a, b, c) VALUES (NULL, 5, 1), ('x', NULL, 2);",
     "INSERT INTO t DEFAULT VALUES; SELECT a || ':' || coalesce(b::text, '-') || ':' || c FROM t ORDER BY id",
     "none:5:1\nx:-:2\nnone:-:3\n",
     "SELECT a || ':' || coalesce(b::text, '-') || ':' || c FROM t ORDER BY id", "none:5:1\nx:-:2\nnone:-:3\n", 0},
    {"indexes_and_unique",
     {"model T { id Integer primary_key; a String(10) index; b String(10) unique; c Integer; d Integer }\n",
      "model T { id Integer primary_key; a String(10); b String(10); c Integer index unique; d Integer\n"
      "  index(c, d, name: \"ix_cd\"); unique(a, d) }\n",
      "model T { id Integer primary_key; a String(10) index; b String(10) unique renamed_from(x); "
      "cc Integer index unique renamed_from(c); d Integer\n  unique(a, d) }\n",
      NULL},
     "INSERT INTO t (a, b, c, d) VALUES ('a', 'b', 1, 2);", "SELECT a || b || cc || d FROM t", "ab12\n",
     "SELECT a || b || c || d FROM t", "ab12\n", 0},
    {"foreign_keys",
     {"model P { id Integer primary_key }\nmodel C { id Integer primary_key; p_id Integer }\n",
      "model P { id Integer primary_key }\nmodel C { id Integer primary_key; p_id Integer foreign_key(P.id) }\n",
      "model P { id Integer primary_key }\n"
      "model C { id Integer primary_key; p_id Integer foreign_key(P.id, on_delete: cascade) }\n",
      NULL},
     "INSERT INTO p VALUES (1), (2); INSERT INTO c (p_id) VALUES (1), (2);",
     "DELETE FROM p WHERE id = 1; SELECT count(*) FROM c", "1\n", "SELECT count(*) FROM c", "1\n", 0},
    {"checks",
     {"model T { id Integer primary_key; a Integer; b Integer }\n",
      "model T { id Integer primary_key; a Integer check(\"a > 0\"); b Integer\n  check(\"a < b\") }\n",
      "model T { id Integer primary_key; a Integer check(\"a > -1\"); b Integer check(\"b <> 5\")\n"
      "  check(\"a < b\"); check(\"a + b < 100\") }\n",
      NULL},
     "INSERT INTO t (a, b) VALUES (1, 2);", "SELECT a || ':' || b FROM t", "1:2\n", "SELECT a || ':' || b FROM t",
     "1:2\n", 0},
    {"enum_values",
     {"enum S { draft, posted }\nmodel T { id Integer primary_key; s S not_null }\n",
      "enum S { draft, review, posted }\nmodel T { id Integer primary_key; s S not_null }\n",
      "enum S { draft, review, posted, gone }\n"
      "model T { id Integer primary_key; s S not_null server_default(gone) }\n",
      "enum S { draft, posted, gone }\nmodel T { id Integer primary_key; s S not_null server_default(gone) }\n",
      NULL},
     "INSERT INTO t (s) VALUES ('draft'), ('posted');", "SELECT string_agg(s::text, ',' ORDER BY id) FROM t",
     "draft,posted\n", "SELECT string_agg(s::text, ',' ORDER BY id) FROM t", "draft,posted\n", 1},
    {"enum_and_string",
     {"model T { id Integer primary_key; s String(10) }\n",
      "enum Kind { small, large }\nmodel T { id Integer primary_key; s Kind }\n",
      "enum Kind { small, large }\nmodel T { id Integer primary_key; s Kind; k Kind }\nmodel U { id Integer "
      "primary_key; k Kind }\n",
      /* the enum renamed, same values: SQLite keeps VARCHAR, PostgreSQL's type is renamed */
      "enum Size { small, large }\nmodel T { id Integer primary_key; s Size; k Size }\nmodel U { id Integer "
      "primary_key; k Size }\n",
      "model T { id Integer primary_key; s String(10) }\n", NULL},
     "INSERT INTO t (s) VALUES ('small'), (NULL);", "SELECT coalesce(s, '-') FROM t ORDER BY id", "small\n-\n",
     "SELECT coalesce(s::text, '-') FROM t ORDER BY id", "small\n-\n", 1},
    {"primary_key",
     {"model T { a Integer not_null; b Integer not_null; id Integer primary_key }\n",
      "model T { a Integer not_null; b Integer not_null; id Integer\n  primary_key(a, b) }\n", NULL},
     "INSERT INTO t (a, b) VALUES (1, 2);", "SELECT a || ':' || b FROM t", "1:2\n", "SELECT a || ':' || b FROM t",
     "1:2\n", 0},
};

static void run_history(const history *h)
{
    const char *url = tu_pg_url(h->name);
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    char *mig = tu_fmt("%s/migrations", dir);
    char *schema = tu_fmt("%s/s.model", dir);
    ck_assert_int_eq(mkdir(mig, 0777), 0);
    size_t n = 0;
    for (; h->versions[n]; n++) {
        write_text(schema, h->versions[n]);
        char *msg = tu_fmt("v%zu", n + 1);
        tu_result r = migrate(dir, msg, h->allow_loss ? "--allow-data-loss" : NULL);
        ck_assert_msg(r.status == 0, "%s: migrate v%zu: %s", h->name, n + 1, r.err);
        ck_assert_ptr_nonnull(strstr(r.out, "Wrote "));
        tu_result_free(&r);
        free(msg);
    }
    char *dbname = tu_fmt("mcpg_%s", h->name);
    char *db = fresh_db(url, dir, dbname);
    char **want = calloc(n + 1, sizeof *want);
    want[0] = dump(db, dir);    /* empty */
    for (size_t v = 1; v <= n; v++) {
        step(db, dir, (int)v, 1);
        if (v == 1 && h->seed)
            psql_ok(db, dir, h->seed);
        want[v] = expected_schema(url, dir, dbname, h->versions[v - 1]);
        char *got = dump(db, dir);
        ck_assert_msg(strcmp(got, want[v]) == 0, "%s: after upgrade %zu:\n%s\nwanted (modelc sql):\n%s", h->name, v,
                      got, want[v]);
        free(got);
    }
    if (h->after_up) {
        tu_result r = psql(db, dir, h->after_up, NULL);
        MC_OK(r, h->after_up);
        ck_assert_str_eq(r.out, h->want_up);
        tu_result_free(&r);
    }
    for (size_t v = n; v > 1; v--) {
        step(db, dir, (int)v, 0);
        char *got = dump(db, dir);
        ck_assert_msg(strcmp(got, want[v - 1]) == 0, "%s: after downgrade %zu:\n%s\nwanted:\n%s", h->name, v, got,
                      want[v - 1]);
        free(got);
    }
    if (h->after_down) {
        tu_result r = psql(db, dir, h->after_down, NULL);
        MC_OK(r, h->after_down);
        ck_assert_str_eq(r.out, h->want_down);
        tu_result_free(&r);
    }
    step(db, dir, 1, 0);
    char *got = dump(db, dir);
    ck_assert_str_eq(got, want[0]);
    free(got);
    for (size_t v = 0; v <= n; v++)
        free(want[v]);
    free(want);
    free(db);
    free(dbname);
    free(schema);
    free(mig);
    tu_rmdir(dir);
}

START_TEST(history_matrix)
{
    run_history(&histories[_i]);
}
END_TEST

/* The example schemas grown from a smaller first version: blog (the
 * seed's models) and library (every construct of the language). */
static const char *BLOG_V1 = "model User { id Integer primary_key; username String(64) index unique; "
                             "email String(120) }\n";
static const char *LIBRARY_V1 =
    "enum Format { hardcover, paperback }\n"
    "model Author { id Integer primary_key; name String(50) not_null; born Date }\n"
    "model Book { id Integer primary_key autoincrement; isbn String(13) unique not_null; "
    "title String(100) not_null; format Format not_null; author_id Integer not_null foreign_key(Author.id) }\n"
    "model Member { id Integer primary_key; email String(120) not_null; full_name String(100) not_null }\n";

START_TEST(example_histories)
{
    const char *names[] = {"blog", "library"};
    const char *firsts[] = {BLOG_V1, LIBRARY_V1};
    const char *seeds[] = {"INSERT INTO \"user\" (username, email) VALUES ('susan', 'susan@example.com');",
                           "INSERT INTO author (name) VALUES ('Le Guin'); INSERT INTO book (isbn, title, format, "
                           "author_id) VALUES ('0441478123', 'The Left Hand of Darkness', 'paperback', 1);"};
    const char *ups[] = {"SELECT username || ':' || email FROM \"user\"",
                         "SELECT title || ':' || format || ':' || in_print || ':' || (added_at IS NOT NULL) FROM book"};
    const char *want_ups[] = {"susan:susan@example.com\n", "The Left Hand of Darkness:paperback:true:true\n"};
    const char *downs[] = {"SELECT username || ':' || email FROM \"user\"", "SELECT title || ':' || format FROM book"};
    const char *want_downs[] = {"susan:susan@example.com\n", "The Left Hand of Darkness:paperback\n"};
    char *path = tu_fmt("examples/%s.model", names[_i]);
    char *full = tu_read_file(tu_example(path), NULL);
    ck_assert_ptr_nonnull(full);
    char *name = tu_fmt("example_%s", names[_i]);
    history h = {name, {firsts[_i], full, NULL}, seeds[_i], ups[_i], want_ups[_i], downs[_i], want_downs[_i], 1};
    run_history(&h);
    free(name);
    free(full);
    free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_pg");
    TCase *off = tcase_create("offline");
    tcase_set_timeout(off, 60);
    tcase_add_test(off, file_names_dialect_and_carries_the_schema);
    tcase_add_test(off, refusals_as_on_sqlite);
    tcase_add_test(off, bigint_to_integer_narrows_on_postgresql);
    tcase_add_test(off, one_dialect_per_directory);
    tcase_add_test(off, history_lists_a_postgresql_history);
    tcase_add_test(off, dialect_from_database_url);
    tcase_add_test(off, goldens);
    tcase_add_test(off, check_reads_the_snapshot);
    suite_add_tcase(s, off);
    TCase *live = tcase_create("live");
    tcase_set_timeout(live, 180);
    tcase_add_loop_test(live, history_matrix, 0, (int)(sizeof histories / sizeof histories[0]));
    tcase_add_loop_test(live, example_histories, 0, 2);
    suite_add_tcase(s, live);
    return tu_run_suite(s);
}
