/*
 * test_pg_dollar_quotes.c -- PostgreSQL migration files with bodies that
 * hold ';': dollar quoting ($$ ... $$, $tag$ ... $tag$), as in a DO block
 * or a plpgsql function.
 *
 * The splitter alone (runtime/sqlsplit.c, no server): PostgreSQL's text
 * is cut where psql would cut it, SQLite's exactly where
 * sqlite3_complete() says (SQLite has no dollar quoting: $x is a
 * parameter there).  Then whole files through `modelc upgrade --db
 * postgresql://...` on the server of tests/pg/with-postgres.sh
 * (MODELC_PG_URL; skipped without one, failing under CI=true): a DO block,
 * a function and its trigger are applied whole, the trigger works on the
 * rows, --sql prints each body as one statement, downgrade undoes it.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "modelc.h"
#include "pgschema.h"
#include "dbrows.h"
#include "testutil.h"

/* runtime/internal.h */
size_t mci_statement_end(const char *s, size_t len, unsigned flags);
enum { MCI_SQL_POSTGRESQL = 1 };

/* The statements of sql as the splitter cuts them, each ended by "|". */
static char *split(const char *sql, unsigned flags)
{
    size_t len = strlen(sql), start = 0;
    char *out = tu_fmt("%s", "");
    while (start < len) {
        size_t n = mci_statement_end(sql + start, len - start, flags);
        char *next = tu_fmt("%s%.*s|", out, (int)n, sql + start);
        free(out);
        out = next;
        start += n;
    }
    return out;
}

static void split_eq(const char *sql, unsigned flags, const char *want)
{
    char *got = split(sql, flags);
    ck_assert_msg(strcmp(got, want) == 0, "%s:\ngot  %s\nwant %s", sql, got, want);
    free(got);
}

/* PostgreSQL: what is inside a dollar quote, an escape string or a nested
 * comment keeps its ';'; $1 and a$b$ are no quotes. */
START_TEST(postgresql_split_like_psql)
{
    const unsigned pg = MCI_SQL_POSTGRESQL;
    split_eq("DO $$ BEGIN x; y; END $$; SELECT 1;", pg, "DO $$ BEGIN x; y; END $$;| SELECT 1;|");
    split_eq("CREATE FUNCTION f() RETURNS int AS $fn$ SELECT '$$;'; SELECT 1; $fn$ LANGUAGE sql;x;", pg,
             "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT '$$;'; SELECT 1; $fn$ LANGUAGE sql;|x;|");
    /* another tag inside is text */
    split_eq("SELECT $a$ $b$; $a$; $b$;x", pg, "SELECT $a$ $b$; $a$;| $b$;x|");
    split_eq("SELECT $_x1$;$_x1$;", pg, "SELECT $_x1$;$_x1$;|");
    /* parameters and identifiers holding '$' */
    split_eq("SELECT $1; SELECT $2$;", pg, "SELECT $1;| SELECT $2$;|");
    split_eq("SELECT a$b$; c$;", pg, "SELECT a$b$;| c$;|");
    split_eq("SELECT 1 $$;$$;", pg, "SELECT 1 $$;$$;|");
    /* strings, identifiers, comments */
    split_eq("SELECT E'it\\'s;', 'a;''b;'; SELECT \"q;\";", pg, "SELECT E'it\\'s;', 'a;''b;';| SELECT \"q;\";|");
    split_eq("/* a /* b; */ c; */ SELECT 1; -- d;\nSELECT 2;", pg, "/* a /* b; */ c; */ SELECT 1;| -- d;\nSELECT 2;|");
    /* no BEGIN ... END trigger body, no [ ] or ` ` quoting */
    split_eq("CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION f(); SELECT 1;", pg,
             "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION f();| SELECT 1;|");
    split_eq("SELECT a[1]; SELECT ';", pg, "SELECT a[1];| SELECT ';|");
    /* an SQL-standard body: BEGIN ATOMIC ... END, CASE ... END inside */
    split_eq("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
             "SELECT CASE WHEN true THEN 2 END; END; SELECT 3;", pg,
             "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
             "SELECT CASE WHEN true THEN 2 END; END;| SELECT 3;|");
    split_eq("CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;x;", pg,
             "CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;|x;|");
    /* elsewhere BEGIN and CASE open nothing */
    split_eq("BEGIN; SELECT CASE WHEN a THEN 1 END; CREATE TABLE begin (x int); END;", pg,
             "BEGIN;| SELECT CASE WHEN a THEN 1 END;| CREATE TABLE begin (x int);| END;|");
    split_eq("SELECT (1; 2); SELECT 3;", pg, "SELECT (1; 2);| SELECT 3;|");
    /* an unclosed quote runs to the end */
    split_eq("DO $$ BEGIN x; y;", pg, "DO $$ BEGIN x; y;|");
}
END_TEST

/* SQLite: the flag-less splitter is unchanged, `$$` and `$x` are words,
 * cut where sqlite3_complete() says a statement is complete. */
START_TEST(sqlite_split_unchanged)
{
    static const char *const scripts[] = {
        "DO $$ BEGIN x; y; END $$; SELECT 1;",
        "SELECT $a$ $b$; $a$; $b$;x",
        "SELECT $1; SELECT $v;",
        "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT $$; END; SELECT 1;",
    };
    split_eq(scripts[0], 0, "DO $$ BEGIN x;| y;| END $$;| SELECT 1;|");
    for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
        const char *sql = scripts[i];
        size_t len = strlen(sql), start = 0;
        while (start < len) {
            size_t n = mci_statement_end(sql + start, len - start, 0), k;
            for (k = 1; k < n; k++) {
                char *part = tu_fmt("%.*s", (int)k, sql + start);
                ck_assert_msg(!sqlite3_complete(part) || part[k - 1] != ';', "%s: complete at %zu", sql, k);
                free(part);
            }
            char *part = tu_fmt("%.*s", (int)n, sql + start);
            ck_assert_msg(start + n == len || sqlite3_complete(part), "%s: '%s' is not complete", sql, part);
            free(part);
            start += n;
        }
    }
}
END_TEST

/* ---- on a server ------------------------------------------------------------------------- */

static void has(const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) != NULL, "\"%s\" lacks \"%s\"", text, part);
}

static void exec_ok(mc_db *db, const char *sql)
{
    ck_assert_msg(mc_exec(db, sql) == MC_OK, "%s: %s", sql, mc_errmsg(db));
}


/* `modelc` with the shell words args in dir, expecting exit status want. */
static tu_result run_in(int want, const char *dir, const char *args)
{
    char *cmd = tu_fmt("cd '%s' && '%s' %s", dir, tu_modelc(), args);
    tu_result r = tu_sh(cmd, 120);
    ck_assert_msg(r.status == want, "modelc %s: exit %d, not %d\nstdout: %s\nstderr: %s", args, r.status, want,
                  r.out, r.err);
    free(cmd);
    return r;
}

#define FUNCTION_SQL                                                                            \
    "CREATE FUNCTION item_upper() RETURNS trigger AS $fn$\n"                                    \
    "BEGIN\n"                                                                                   \
    "    NEW.name_upper := upper(NEW.name);  -- a ';' and a $$ inside\n"                        \
    "-- modelc:downgrade\n"                                                                     \
    "    RETURN NEW;\n"                                                                         \
    "END;\n"                                                                                    \
    "$fn$ LANGUAGE plpgsql"

#define ATOMIC_SQL                                                                              \
    "CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql\n"                                 \
    "BEGIN ATOMIC\n"                                                                            \
    "    SELECT count(*) FROM item;\n"                                                          \
    "END"

#define DO_SQL                                                                                  \
    "DO $$\n"                                                                                   \
    "BEGIN\n"                                                                                   \
    "    INSERT INTO item (name) VALUES ('seeded; with a semicolon');\n"                        \
    "    INSERT INTO item (name) VALUES ('two');\n"                                             \
    "END\n"                                                                                     \
    "$$"

/* A hand-written PostgreSQL file with a function, its trigger and a DO
 * block (the function's body holding a "-- modelc:downgrade" line, which
 * is SQL there, not the downgrade section): upgrade applies each whole (the trigger fills name_upper of the
 * rows the DO block and later inserts write), --sql prints each as one
 * statement, downgrade removes table, trigger and function. */
START_TEST(function_trigger_and_do_block_upgrade)
{
    char *url = tu_pg_schema_url("test_pg_dollar_quotes", "pgdollar");
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    tu_result r = run_in(0, dir, "init");
    tu_result_free(&r);
    char *path = tu_fmt("%s/migrations/0001_items.sql", dir);
    const char *text = "-- Migration 0001: items\n-- Dialect: postgresql\n-- modelc:upgrade\n"
                       "CREATE TABLE item (id SERIAL PRIMARY KEY, name TEXT NOT NULL, name_upper TEXT);\n"
                       FUNCTION_SQL ";\n"
                       "CREATE TRIGGER item_upper BEFORE INSERT OR UPDATE ON item\n"
                       "    FOR EACH ROW EXECUTE FUNCTION item_upper();\n"
                       DO_SQL ";\n" ATOMIC_SQL ";\n"
                       "-- modelc:downgrade\n"
                       "DROP FUNCTION item_count();\n"
                       "DROP TRIGGER item_upper ON item;\nDROP FUNCTION item_upper();\nDROP TABLE item;\n";
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
    char *args = tu_fmt("upgrade --db '%s' --sql", url);
    r = run_in(0, dir, args);
    free(args);
    has(r.out, "\n" FUNCTION_SQL ";\nCREATE TRIGGER item_upper BEFORE INSERT OR UPDATE ON item\n"
               "    FOR EACH ROW EXECUTE FUNCTION item_upper();\n" DO_SQL ";\n" ATOMIC_SQL ";\n"
               "INSERT INTO \"modelc_migrations\"");
    tu_result_free(&r);

    args = tu_fmt("upgrade --db '%s'", url);
    r = run_in(0, dir, args);
    free(args);
    has(r.out, "Upgraded to 0001 (items)");
    tu_result_free(&r);
    mc_db *db = NULL;
    ck_assert_msg(mc_open(&db, url, NULL) == MC_OK, "%s", mc_errmsg(db));
    exec_ok(db, "INSERT INTO item (name) VALUES ('later')");
    tu_db_rows_eq(db, "SELECT name, name_upper FROM item ORDER BY id", 2,
            "seeded; with a semicolon|SEEDED; WITH A SEMICOLON\ntwo|TWO\nlater|LATER\n");
    /* mc_exec takes the same text */
    exec_ok(db, "DO $$ BEGIN UPDATE item SET name = 'x;y' WHERE name = 'two'; END $$; "
                "UPDATE item SET name = name || '!' WHERE name = 'later';");
    tu_db_rows_eq(db, "SELECT name_upper FROM item ORDER BY id", 1, "SEEDED; WITH A SEMICOLON\nX;Y\nLATER!\n");
    tu_db_rows_eq(db, "SELECT item_count()", 1, "3\n");

    args = tu_fmt("downgrade --db '%s'", url);
    r = run_in(0, dir, args);
    free(args);
    has(r.out, "Downgraded 0001 (items)");
    tu_result_free(&r);
    tu_db_rows_eq(db,
            "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'item'), "
            "(SELECT count(*) FROM pg_proc WHERE proname IN ('item_upper', 'item_count') "
            "AND pronamespace = current_schema()::regnamespace)",
            2, "0|0\n");
    mc_close(db);
    tu_rmdir(dir);
    free(path);
    free(url);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pg_dollar_quotes");
    TCase *tc = tcase_create("splitter");
    tcase_add_test(tc, postgresql_split_like_psql);
    tcase_add_test(tc, sqlite_split_unchanged);
    suite_add_tcase(s, tc);
    tc = tcase_create("server");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, function_trigger_and_do_block_upgrade);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
