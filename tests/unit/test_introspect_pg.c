/*
 * test_introspect_pg.c -- a PostgreSQL database read back into the
 * schema language (introspect_pg.c): `modelc inspect` and
 * `modelc check --db` against postgresql:// URLs.
 *
 * Offline: the server's deparsed expressions written back as portable
 * SQL (pg_expr.c).  Live, on make check's throwaway server (each test in
 * a schema of its own, tests/pg/with-postgres.sh): both example schemas
 * made with `modelc sql --dialect postgresql` and inspected give the same
 * DDL again (and the library's golden model); a database SQLAlchemy and
 * Alembic made (tests/interop/sqlalchemy_pg_ddl.py) is adopted with
 * inspect (golden) and its inspected schema loads; what the language
 * cannot write (views, triggers, partial and expression indexes,
 * exclusion constraints, generated columns, odd types) is a note;
 * check --db finds no drift in a database its migrations made, however
 * the server spells its checks and defaults, and reports each change
 * made by hand (a column added, a type changed, an index dropped, a
 * constraint missing, an enum value added or its type renamed, a default
 * dropped); the adopted database's only drift is the primary key inspect
 * gave its link table.  Without a server the live tests say they are
 * skipped (under CI=true they fail).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dbrows.h"
#include "modelc.h"
#include "pg_expr.h"
#include "pgschema.h"
#include "testutil.h"

#define MC_OK(r, what) ck_assert_msg((r).status == 0, "%s: exit %d\nstdout: %s\nstderr: %s", what, (r).status, \
                                     (r).out, (r).err)

/* ---- helpers ------------------------------------------------------------------------ */

/* Runs the SQL script on url through libmodelc. */
static void exec_sql(const char *url, const char *sql)
{
    mc_db *db = NULL;
    ck_assert_msg(mc_open(&db, url, NULL) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_msg(mc_exec(db, sql) == MC_OK, "%s\nin: %s", mc_errmsg(db), sql);
    mc_close(db);
}

/* The output of `modelc sql --dialect postgresql path`. */
static char *pg_ddl(const char *path)
{
    tu_result r = tu_modelc_run("sql", "--dialect", "postgresql", path, (const char *)NULL);
    MC_OK(r, path);
    char *out = r.out;
    r.out = NULL;
    tu_result_free(&r);
    return out;
}

/* `modelc inspect --db url -o dir/inspected.model`; returns the file's path. */
static char *inspect_to(const char *dir, const char *url)
{
    char *path = tu_fmt("%s/inspected.model", dir);
    tu_result r = tu_modelc_run("inspect", "--db", url, "-o", path, (const char *)NULL);
    MC_OK(r, "inspect");
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    return path;
}

/* ---- offline: portable expressions ------------------------------------------------------ */

START_TEST(expressions_back_to_portable_sql)
{
    static const struct {
        const char *pg, *want;
    } cases[] = {
        {"CHECK (length(isbn::text) = ANY (ARRAY[10, 13]))", "length(isbn) IN (10, 13)"},
        {"CHECK (returned_at IS NULL OR returned_at >= due)", "returned_at IS NULL OR returned_at >= due"},
        {"CHECK (b::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[]))", "b IN ('a', 'b')"},
        {"CHECK (a <> ALL (ARRAY[4, 5]))", "a NOT IN (4, 5)"},
        {"CHECK (c >= 0::numeric)", "c >= 0"},
        {"CHECK (b::text ~~ 'x%'::text)", "b LIKE 'x%'"},
        {"CHECK (e > '2020-01-01 00:00:00'::timestamp without time zone)", "e > '2020-01-01 00:00:00'"},
        {"CHECK ((length((isbn)::text) = ANY (ARRAY[10, 13]))) NOT VALID", "length(isbn) IN (10, 13)"},
        {"CHECK (x::\"MyType\" = 'a''::b')", "x = 'a''::b'"},
        {"CHECK (n::double precision > 1.5::double precision)", "n > 1.5"},
    };
    mcc_arena a = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = mcc_pg_check_body(&a, cases[i].pg);
        ck_assert_msg(got && strcmp(got, cases[i].want) == 0, "%s\n  gave %s\n  want %s", cases[i].pg,
                      got ? got : "(null)", cases[i].want);
    }
    ck_assert_ptr_null(mcc_pg_check_body(&a, "UNIQUE (a)"));
    ck_assert_str_eq(mcc_pg_expr_portable(&a, "'-1'::integer"), "'-1'");
    ck_assert_str_eq(mcc_pg_expr_portable(&a, "('a'::text || 'b'::text)"), "'a' || 'b'");
    ck_assert_str_eq(mcc_pg_expr_portable(&a, "'x''y'::character varying"), "'x''y'");
    ck_assert_str_eq(mcc_pg_expr_portable(&a, "NULL::character varying"), "NULL");
    /* The same expression, however it is spelt; another one is not. */
    ck_assert(mcc_pg_expr_same(&a, "length(isbn) IN (10, 13)", "LENGTH(isbn)   in (10,13)"));
    ck_assert(mcc_pg_expr_same(&a, "a <> 1", "(\"a\" != 1)"));
    ck_assert(!mcc_pg_expr_same(&a, "length(isbn) IN (10, 13)", "length(isbn) IN (10, 13, 15)"));
    ck_assert(!mcc_pg_expr_same(&a, "b = 'x'", "b = 'X'"));
    /* How PostgreSQL keeps what a schema says otherwise: BETWEEN as a
     * range, grouping parentheses added or dropped. */
    ck_assert(mcc_pg_expr_same(&a, "rank >= 1 AND rank <= 5", "rank BETWEEN 1 AND 5"));
    ck_assert(mcc_pg_expr_same(&a, "a > 0 AND length(b) >= 1 AND length(b) <= 9",
                               "a > 0 AND length(b) BETWEEN 1 AND 9"));
    ck_assert(!mcc_pg_expr_same(&a, "rank >= 1 AND rank <= 6", "rank BETWEEN 1 AND 5"));
    ck_assert(mcc_pg_expr_same(&a, "(a * 2 + 1) > 3", "a * 2 + 1 > 3"));
    ck_assert(mcc_pg_expr_same(&a, "NOT a = 5", "NOT (a = 5)"));
    ck_assert(mcc_pg_expr_same(&a, "a > 0 AND (a < 10 OR a > 20)", "(a > 0) AND (a < 10 OR a > 20)"));
    ck_assert(!mcc_pg_expr_same(&a, "a > 0 AND (a < 10 OR a > 20)", "a > 0 AND a < 10 OR a > 20"));
    ck_assert(!mcc_pg_expr_same(&a, "(a + b) * c", "a + b * c"));
    ck_assert(mcc_pg_expr_same(&a, "a IN (1, 2)", "a in (1,2)"));
    mcc_arena_free(&a);
}
END_TEST

/* ---- live: inspect ------------------------------------------------------------------------ */

/* `modelc sql --dialect postgresql` of the inspected schema of a database
 * made with the example's own DDL is that DDL; the library's inspected
 * schema is the golden one. */
START_TEST(examples_round_trip)
{
    const char *names[] = {"blog", "library"};
    char *name = tu_fmt("inspect_pg_%s", names[_i]);
    char *url = tu_pg_schema_url(name, name);
    if (!url) {
        free(name);
        return;
    }
    char *rel = tu_fmt("examples/%s.model", names[_i]);
    const char *schema = tu_example(rel);
    char *ddl = pg_ddl(schema);
    exec_sql(url, ddl);
    char *dir = tu_mkdtemp();
    char *path = inspect_to(dir, url);
    char *back = pg_ddl(path);
    ck_assert_str_eq(back, ddl);
    if (_i == 1) {
        char *got = tu_read_file(path, NULL);
        char *want = tu_read_file(tu_path("tests/golden/inspect/library.postgresql.model"), NULL);
        ck_assert_ptr_nonnull(want);
        ck_assert_str_eq(got, want);
        free(got);
        free(want);
    }
    free(back);
    free(path);
    tu_rmdir(dir);
    free(ddl);
    free(rel);
    free(url);
    free(name);
}
END_TEST

/* A database SQLAlchemy's create_all and Alembic made on PostgreSQL
 * (tests/interop/sqlalchemy_pg_ddl.py, with a version row): inspect
 * writes the golden schema (alembic_version left out, the enum, the
 * defaults, the checks, the link table), and that schema loads. */
START_TEST(adopts_a_sqlalchemy_database)
{
    char *url = tu_pg_schema_url("adopts_a_sqlalchemy_database", "inspect_pg_sqlalchemy");
    if (!url)
        return;
    char *ddl = tu_read_file(tu_path("tests/golden/inspect/sqlalchemy.postgresql.sql"), NULL);
    ck_assert_ptr_nonnull(ddl);
    exec_sql(url, ddl);
    exec_sql(url, "INSERT INTO alembic_version VALUES ('4f2c0e1a9b3d')");
    char *dir = tu_mkdtemp();
    char *path = inspect_to(dir, url);
    char *got = tu_read_file(path, NULL);
    char *want = tu_read_file(tu_path("tests/golden/inspect/sqlalchemy.postgresql.model"), NULL);
    ck_assert_ptr_nonnull(want);
    ck_assert_str_eq(got, want);
    tu_result r = tu_modelc_run("sql", "--dialect", "postgresql", path, (const char *)NULL);
    MC_OK(r, "sql of the inspected schema");
    ck_assert_ptr_nonnull(strstr(r.out, "CREATE TYPE poststatus AS ENUM ('draft', 'published', 'archived');"));
    tu_result_free(&r);
    free(want);
    free(got);
    free(path);
    tu_rmdir(dir);
    free(ddl);
    free(url);
}
END_TEST

/* Views, triggers, partial and expression indexes, exclusion
 * constraints, generated columns, a type modelc does not have and an enum
 * whose labels are not identifiers are written down as notes; the rest of their tables is kept, and the result loads. */
START_TEST(left_out_is_written_down)
{
    char *url = tu_pg_schema_url("left_out_is_written_down", "inspect_pg_odd");
    if (!url)
        return;
    exec_sql(url, "CREATE TYPE mood AS ENUM ('very happy', 'sad');"
                  "CREATE TABLE item (id SERIAL PRIMARY KEY, name VARCHAR(20) NOT NULL, "
                  "weight REAL, price MONEY, feeling mood, tags TEXT[], "
                  "double_weight REAL GENERATED ALWAYS AS (weight * 2) STORED, "
                  "CONSTRAINT item_double_check CHECK (double_weight < 100));"
                  "CREATE TABLE slot (id SERIAL PRIMARY KEY, room INTEGER, "
                  "CONSTRAINT slot_room_excl EXCLUDE USING btree (room WITH =));"
                  "CREATE INDEX ix_item_lower ON item (lower(name));"
                  "CREATE INDEX ix_item_heavy ON item (weight) WHERE weight > 10;"
                  "CREATE INDEX ix_item_tags ON item USING gin (tags);"
                  "CREATE INDEX ix_item_name_desc ON item (name DESC);"
                  "CREATE INDEX ix_item_name ON item (name);"
                  "CREATE VIEW heavy AS SELECT id, name FROM item WHERE weight > 10;"
                  "CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
                  "CREATE TRIGGER item_touch BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION noop();");
    char *dir = tu_mkdtemp();
    char *path = inspect_to(dir, url);
    char *got = tu_read_file(path, NULL);
    const char *want[] = {
        "# left out: view heavy is a view, which the schema language cannot write:",
        "# left out: trigger item_touch is a trigger",
        "# left out: index ix_item_heavy is a partial index",
        "# left out: index ix_item_lower is an index on an expression",
        "# left out: index ix_item_tags is an index of another kind or order (USING, DESC)",
        "# left out: index ix_item_name_desc is an index of another kind or order (USING, DESC)",
        "name    String(20)  index not_null\n",
        "# left out: enum type mood has values the schema language cannot write",
        "# left out: column item.double_weight is a generated column, which the schema language cannot write:",
        "#     double_weight real GENERATED ALWAYS AS ((weight * 2::double precision)) STORED",
        "# left out: constraint slot_room_excl is an exclusion constraint",
        "# left out: constraint item_double_check is on a generated column, which the schema language cannot write:",
        "#     CHECK (double_weight < 100::double precision)",
        "#     EXCLUDE USING btree (room WITH =)",
        "SQL type 'REAL' has no modelc equivalent: written as Float",
        "SQL type 'MONEY' has no modelc equivalent",
        "SQL type 'TEXT[]' has no modelc equivalent",
        "feeling String(10)",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(got, want[i]), "no \"%s\" in\n%s", want[i], got);
    tu_result r = tu_modelc_run("sql", path, (const char *)NULL);
    MC_OK(r, "sql of the inspected schema");
    tu_result_free(&r);
    free(got);
    free(path);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* Without --db, $DATABASE_URL names the server, as for every command. */
START_TEST(database_url_is_the_default)
{
    char *url = tu_pg_schema_url("database_url_is_the_default", "inspect_pg_env");
    if (!url)
        return;
    exec_sql(url, "CREATE TABLE note (id SERIAL PRIMARY KEY, body TEXT NOT NULL)");
    char *cmd = tu_fmt("DATABASE_URL='%s' '%s' inspect", url, tu_modelc());
    tu_result r = tu_sh(cmd, 60);
    MC_OK(r, cmd);
    ck_assert_msg(strstr(r.out, "schema inspect_pg_env, written by `modelc inspect`"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "model Note {\n    id   Integer  primary_key\n    body Text     not_null\n}\n"), "%s",
                  r.out);
    tu_result_free(&r);
    free(cmd);
    free(url);
}
END_TEST

/* Nothing is read from a server that is not there, and no password is
 * shown.  (Under make check-asan with LeakSanitizer on: the runtime keeps
 * libpq mapped after a failed connection, whose thread-local storage the
 * exit scan reads.) */
START_TEST(fails_loudly_without_showing_a_password)
{
    char *cmd = tu_fmt("'%s' inspect --db "
                       "'postgresql://who:s3cret@/nodb?host=/nonexistent/dir'", tu_modelc());
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_msg(strstr(r.err, "s3cret") == NULL, "%s", r.err);
    ck_assert_msg(r.err[0] != '\0', "no message");
    tu_result_free(&r);
}
END_TEST

/* ---- live: check --db ------------------------------------------------------------------ */

/* `modelc CMD...` run in dir; its result. */
static tu_result in_dir(const char *dir, const char *cmd)
{
    char *full = tu_fmt("cd '%s' && MODELC_DATE='2026-01-01 00:00:00' %s", dir, cmd);
    tu_result r = tu_sh(full, 120);
    free(full);
    return r;
}

/* in_dir, which must succeed; frees cmd. */
static void in_dir_ok(const char *dir, char *cmd)
{
    tu_result r = in_dir(dir, cmd);
    MC_OK(r, cmd);
    tu_result_free(&r);
    free(cmd);
}

/* dir/migrations with one PostgreSQL migration that makes `schema`. */
static void first_migration(const char *dir, const char *schema)
{
    char *cmd = tu_fmt("'%s' init --dir migrations && '%s' migrate '%s' --dialect postgresql -m first", tu_modelc(),
                       tu_modelc(), schema);
    in_dir_ok(dir, cmd);
}

/* Adopts the database at url as README says: inspect into
 * dir/inspected.model (whose path it returns), the first migration from
 * it, `stamp 1`. */
static char *adopt(const char *dir, const char *url)
{
    char *path = inspect_to(dir, url);
    first_migration(dir, path);
    char *cmd = tu_fmt("'%s' stamp 1 --db '%s'", tu_modelc(), url);
    in_dir_ok(dir, cmd);
    return path;
}

/* `modelc check schema --db url` in dir, with the exit status wanted. */
static char *check_db(const char *dir, const char *schema, const char *url, int status)
{
    char *cmd = tu_fmt("'%s' check '%s' --db '%s'", tu_modelc(), schema, url);
    tu_result r = in_dir(dir, cmd);
    ck_assert_msg(r.status == status, "%s: exit %d, not %d\nstdout: %s\nstderr: %s", cmd, r.status, status, r.out,
                  r.err);
    char *out = r.out;
    r.out = NULL;
    tu_result_free(&r);
    free(cmd);
    return out;
}

/* A database its migrations made has no drift; every change made by
 * hand afterwards is reported, in the words check uses on SQLite (and an
 * enum type renamed, which only PostgreSQL has). */
START_TEST(check_reports_drift)
{
    char *url = tu_pg_schema_url("check_reports_drift", "introspect_pg_drift");
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    const char *schema = tu_example("examples/library.model");
    first_migration(dir, schema);
    char *cmd = tu_fmt("'%s' upgrade --db '%s'", tu_modelc(), url);
    in_dir_ok(dir, cmd);
    char *out = check_db(dir, schema, url, 0);
    ck_assert_msg(strstr(out, "OK: the migrations and "), "%s", out);
    free(out);

    static const struct {
        const char *sql, *reported;
    } drift[] = {
        {"ALTER TABLE author ADD COLUMN nickname VARCHAR(20)", "drop column author.nickname"},
        {"ALTER TABLE tag ALTER COLUMN label TYPE VARCHAR(80)",
         "change type of tag.label from VARCHAR(80) to VARCHAR(40)"},
        {"ALTER TABLE book ALTER COLUMN title DROP NOT NULL", "make book.title NOT NULL"},
        {"ALTER TABLE book ALTER COLUMN in_print DROP DEFAULT", "add server default 1 to book.in_print"},
        {"DROP INDEX ix_book_published", "add index ix_book_published on book (published)"},
        {"ALTER TABLE loan DROP CONSTRAINT loan_check",
         "add check constraint on loan: returned_at IS NULL OR returned_at >= due"},
        {"ALTER TABLE member DROP CONSTRAINT member_email_key", "add unique constraint on member (email)"},
        {"ALTER TABLE library_card DROP CONSTRAINT library_card_member_id_fkey",
         "add foreign key library_card (member_id) -> member (id) ON DELETE CASCADE"},
        {"ALTER TABLE book DROP CONSTRAINT book_isbn_check; "
         "ALTER TABLE book ADD CONSTRAINT book_isbn_check CHECK (length(isbn) IN (10, 13, 15))",
         "change check on book.isbn from length(isbn) IN (10, 13, 15) to length(isbn) IN (10, 13)"},
        {"ALTER TYPE format ADD VALUE 'scroll'", "change the values of book.format (enum Format: removes 'scroll')"},
        {"ALTER TYPE format RENAME TO book_format",
         "change type of book.format from enum type book_format to format (enum Format)"},
    };
    size_t n = sizeof drift / sizeof drift[0];
    for (size_t i = 0; i < n; i++)
        exec_sql(url, drift[i].sql);
    out = check_db(dir, schema, url, 1);
    for (size_t i = 0; i < n; i++) {
        char *line = tu_fmt("): %s\n", drift[i].reported);
        ck_assert_msg(strstr(out, line), "no \"%s\" in\n%s", drift[i].reported, out);
        free(line);
    }
    char *count = tu_fmt("%zu differences from", n);
    ck_assert_msg(strstr(out, count), "%s", out);
    free(count);
    free(out);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* What the server keeps in its own words is no drift: BETWEEN (kept as a
 * range), an IN list (= ANY (ARRAY[...])), casts, parentheses, a model
 * check on one column (the server cannot tell it from the column's),
 * autoincrement (SERIAL either way), enums, Boolean and date defaults. */
START_TEST(check_takes_the_servers_spelling)
{
    char *url = tu_pg_schema_url("check_takes_the_servers_spelling", "introspect_pg_spelling");
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("%s/s.model", dir);
    const char *text = "enum Level { low, high }\n"
                       "model T {\n"
                       "    id    Integer primary_key autoincrement\n"
                       "    rank  SmallInteger check(\"rank BETWEEN 1 AND 5\")\n"
                       "    n     Integer not_null server_default(-1)\n"
                       "    s     String(10) check(\"s IN ('a', 'b')\")\n"
                       "    price Numeric(8, 2) check(\"price >= 0\")\n"
                       "    level Level not_null server_default(low)\n"
                       "    ok    Boolean not_null server_default(true)\n"
                       "    at    DateTime not_null server_default(now)\n"
                       "    check(\"n * 2 + 1 > (3)\")\n"
                       "    check(\"NOT (s = 'c' AND rank = 1)\")\n"
                       "}\n";
    ck_assert_int_eq(tu_write_file(schema, text, strlen(text)), 0);
    first_migration(dir, schema);
    char *cmd = tu_fmt("'%s' upgrade --db '%s'", tu_modelc(), url);
    in_dir_ok(dir, cmd);
    char *out = check_db(dir, schema, url, 0);
    ck_assert_msg(strstr(out, "OK: the migrations and "), "%s", out);
    free(out);
    /* ... while a change of the words is one. */
    exec_sql(url, "ALTER TABLE t DROP CONSTRAINT t_rank_check; ALTER TABLE t ADD CHECK (rank BETWEEN 1 AND 6)");
    out = check_db(dir, schema, url, 1);
    ck_assert_msg(strstr(out, "): change check on t.rank from rank >= 1 AND rank <= 6 to rank BETWEEN 1 AND 5\n"),
                  "%s", out);
    free(out);
    free(schema);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* Adopting the SQLAlchemy/Alembic database: its inspected schema gives
 * the first migration, `stamp 1` records it as applied, and check finds
 * the database as the schema says -- the server's spellings of defaults
 * and checks, and the names Alembic gave constraints, are no drift --
 * but for the primary key inspect gave the link table, which has none
 * (its note says to review it). */
START_TEST(check_adopted_database)
{
    char *url = tu_pg_schema_url("check_adopted_database", "introspect_pg_adopted");
    if (!url)
        return;
    char *ddl = tu_read_file(tu_path("tests/golden/inspect/sqlalchemy.postgresql.sql"), NULL);
    ck_assert_ptr_nonnull(ddl);
    exec_sql(url, ddl);
    char *dir = tu_mkdtemp();
    char *path = adopt(dir, url);
    char *out = check_db(dir, path, url, 1);
    const char *want[] = {"): make followers.follower_id NOT NULL\n", "): make followers.followed_id NOT NULL\n",
                          "): change primary key of followers from () to (follower_id, followed_id)\n",
                          "\n3 differences from "};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(out, want[i]), "no \"%s\" in\n%s", want[i], out);
    free(out);
    free(path);
    tu_rmdir(dir);
    free(ddl);
    free(url);
}
END_TEST

/* Runs cmd (an upgrade; freed here) in dir, which must succeed; then
 * check --db of schema must find url matching, with no note left. */
static void upgrade_leaves_no_notes(const char *dir, char *cmd, const char *schema, const char *url)
{
    in_dir_ok(dir, cmd);
    char *out = check_db(dir, schema, url, 0);
    ck_assert_msg(strstr(out, "OK: ") && !strstr(out, "note:"), "%s", out);
    free(out);
}

/* A primary key named by a naming convention (pk_%(table_name)s): check
 * notes the name the migrations give it (<table>_pkey).  Renaming the
 * table renames that constraint too, so the migration fails on the
 * database as adopted, leaving it at 0001; after the noted statement it
 * runs, and check has nothing left to note. */
START_TEST(named_primary_key_gets_a_rename_note)
{
    char *url = tu_pg_schema_url("named_primary_key_gets_a_rename_note", "introspect_pg_pkname");
    if (!url)
        return;
    exec_sql(url, "CREATE TABLE author (id SERIAL NOT NULL, name VARCHAR(40), CONSTRAINT pk_author PRIMARY KEY (id));"
                  "INSERT INTO author (name) VALUES ('ann');");
    char *dir = tu_mkdtemp();
    char *path = adopt(dir, url);
    char *out = check_db(dir, path, url, 0);
    const char *note = "\n  ALTER TABLE author RENAME CONSTRAINT pk_author TO author_pkey;\n";
    ck_assert_msg(strstr(out, "note: constraint pk_author of author is author_pkey in the migrations") &&
                      strstr(out, note),
                  "%s", out);

    /* the model renamed: 0002 renames the table and author_pkey */
    char *text = tu_read_file(path, NULL);
    char *at = text ? strstr(text, "model Author {") : NULL;
    ck_assert_msg(at, "%s", text);
    char *renamed = tu_fmt("%.*smodel Writer { renamed_from(Author);%s", (int)(at - text), text,
                           at + strlen("model Author {"));
    ck_assert_int_eq(tu_write_file(path, renamed, strlen(renamed)), 0);
    char *cmd = tu_fmt("'%s' migrate '%s' --dialect postgresql -m 'writer'", tu_modelc(), path);
    in_dir_ok(dir, cmd);
    cmd = tu_fmt("'%s' upgrade --db '%s'", tu_modelc(), url);
    tu_result r = in_dir(dir, cmd);
    ck_assert_msg(r.status == 1 && strstr(r.err, "author_pkey"), "%s: exit %d\n%s%s", cmd, r.status, r.out, r.err);
    tu_result_free(&r);

    /* the noted statement, then the upgrade; the row is kept */
    mc_db *db = NULL;
    ck_assert_msg(mc_open(&db, url, NULL) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_msg(mc_exec(db, "ALTER TABLE author RENAME CONSTRAINT pk_author TO author_pkey") == MC_OK, "%s",
                  mc_errmsg(db));
    mc_close(db);
    upgrade_leaves_no_notes(dir, cmd, path, url);
    ck_assert_msg(mc_open(&db, url, NULL) == MC_OK, "%s", mc_errmsg(db));
    tu_db_rows_eq(db, "SELECT id, name FROM writer", 2, "1|ann\n");
    mc_close(db);
    free(out);
    free(renamed);
    free(text);
    free(path);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* A database whose constraints have names of their own (Alembic's naming
 * convention): check --db finds no difference but notes, for each, the
 * name the migrations give it and the statement that takes that name.
 * A later migration that drops the unique constraint names it as the
 * migrations do, so it fails on the database as adopted (and leaves it at
 * 0001); after the noted statements it runs, and check has no notes left. */
START_TEST(named_constraints_get_a_rename_note)
{
    char *url = tu_pg_schema_url("named_constraints_get_a_rename_note", "introspect_pg_named");
    if (!url)
        return;
    exec_sql(url, "CREATE TABLE \"user\" (id SERIAL NOT NULL, email VARCHAR(120), PRIMARY KEY (id), "
                  "CONSTRAINT uq_user_email UNIQUE (email), CONSTRAINT ck_user_email CHECK (length(email) > 3));"
                  "CREATE TABLE post (id SERIAL NOT NULL, user_id INTEGER, PRIMARY KEY (id), "
                  "CONSTRAINT fk_post_user_id_user FOREIGN KEY (user_id) REFERENCES \"user\" (id));"
                  "INSERT INTO \"user\" (email) VALUES ('ann@example.com');");
    char *dir = tu_mkdtemp();
    char *path = adopt(dir, url);
    char *out = check_db(dir, path, url, 0);
    char *cmd;
    tu_result r;
    const char *want[] = {
        "note: constraint uq_user_email of user is user_email_key in the migrations",
        "\n  ALTER TABLE \"user\" RENAME CONSTRAINT uq_user_email TO user_email_key;\n",
        "\n  ALTER TABLE post RENAME CONSTRAINT fk_post_user_id_user TO post_user_id_fkey;\n",
        "RENAME CONSTRAINT ck_user_email TO ",
        "OK: the migrations and ",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(out, want[i]), "no \"%s\" in\n%s", want[i], out);

    /* email no longer unique: 0002 drops user_email_key */
    char *text = tu_read_file(path, NULL);
    char *at = text ? strstr(text, "    unique(email)\n") : NULL;
    ck_assert_msg(at, "%s", text);
    memmove(at, at + strlen("    unique(email)\n"), strlen(at + strlen("    unique(email)\n")) + 1);
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
    cmd = tu_fmt("'%s' migrate '%s' --dialect postgresql -m 'email not unique'", tu_modelc(), path);
    in_dir_ok(dir, cmd);
    cmd = tu_fmt("'%s' upgrade --db '%s'", tu_modelc(), url);
    r = in_dir(dir, cmd);
    ck_assert_msg(r.status == 1 && strstr(r.err, "user_email_key"), "%s: exit %d\n%s%s", cmd, r.status, r.out,
                  r.err);
    tu_result_free(&r);

    /* the noted statements, then the upgrade */
    mc_db *db = NULL;
    ck_assert_msg(mc_open(&db, url, NULL) == MC_OK, "%s", mc_errmsg(db));
    for (char *line = strstr(out, "\n  ALTER TABLE "); line; line = strstr(line + 1, "\n  ALTER TABLE ")) {
        char *end = strchr(line + 1, '\n');
        char *sql = tu_fmt("%.*s", (int)(end - line - 3), line + 3);
        ck_assert_msg(mc_exec(db, sql) == MC_OK, "%s: %s", sql, mc_errmsg(db));
        free(sql);
    }
    mc_close(db);
    upgrade_leaves_no_notes(dir, cmd, path, url);
    free(out);
    free(text);
    free(path);
    tu_rmdir(dir);
    free(url);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("introspect_pg");
    TCase *off = tcase_create("offline");
    tcase_add_test(off, expressions_back_to_portable_sql);
    tcase_add_test(off, fails_loudly_without_showing_a_password);
    suite_add_tcase(s, off);
    TCase *live = tcase_create("live");
    tcase_set_timeout(live, 120);
    tcase_add_loop_test(live, examples_round_trip, 0, 2);
    tcase_add_test(live, adopts_a_sqlalchemy_database);
    tcase_add_test(live, left_out_is_written_down);
    tcase_add_test(live, database_url_is_the_default);
    suite_add_tcase(s, live);
    TCase *check = tcase_create("check");
    tcase_set_timeout(check, 180);
    tcase_add_test(check, check_reports_drift);
    tcase_add_test(check, check_adopted_database);
    tcase_add_test(check, named_constraints_get_a_rename_note);
    tcase_add_test(check, named_primary_key_gets_a_rename_note);
    tcase_add_test(check, check_takes_the_servers_spelling);
    suite_add_tcase(s, check);
    return tu_run_suite(s);
}
