/*
 * test_migrate_runner.c -- the migration runner: upgrade, downgrade,
 * current, stamp, plan, checksums, failures that leave the database as it
 * was, table rebuilds with foreign keys, and two processes at once.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modelc.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------- */

static char tmpdir[64];
static char dbpath[128];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/mc_migrate_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/app.db", tmpdir);
}

static void teardown(void)
{
    tu_remove_tree(tmpdir);
}

static mc_db *open_db(void)
{
    mc_db *db = NULL;

    ck_assert_int_eq(mc_open(&db, dbpath, NULL), MC_OK);
    return db;
}

static long long query_int(mc_db *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -999;

    ck_assert_msg(sqlite3_prepare_v2(mc_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK, "%s: %s",
                  sql, sqlite3_errmsg(mc_sqlite(db)));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* All rows of sql, columns joined by '|', rows by '\n' (malloc'd). */
static char *dump(mc_db *db, const char *sql)
{
    sqlite3_stmt *st;
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    int i;

    out[0] = '\0';
    ck_assert_int_eq(sqlite3_prepare_v2(mc_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (i = 0; i < sqlite3_column_count(st); i++) {
            const char *t = (const char *)sqlite3_column_text(st, i);
            size_t need = len + (t ? strlen(t) : 4) + 3;
            if (need > cap) {
                cap = need * 2;
                out = realloc(out, cap);
            }
            len += (size_t)sprintf(out + len, "%s%s", i ? "|" : "", t ? t : "NULL");
        }
        out[len++] = '\n';
        out[len] = '\0';
    }
    sqlite3_finalize(st);
    return out;
}

#define SCHEMA_SQL "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"

static int current(mc_db *db)
{
    int v = -1;

    ck_assert_int_eq(mc_migrate_current(db, &v), MC_OK);
    return v;
}

#define assert_msg_has(db, text)                                                   \
    ck_assert_msg(strstr(mc_errmsg(db), (text)) != NULL, "message \"%s\" lacks \"%s\"", \
                  mc_errmsg(db), (text))

/* A migration "file": the whole text is what the checksum covers. */
typedef struct file {
    const char *name, *up, *down;
    char sum[17];
} file;

static void fill(mc_migration *out, file *files, size_t n)
{
    char text[8192];
    size_t i;

    for (i = 0; i < n; i++) {
        snprintf(text, sizeof text, "-- %s\n-- upgrade\n%s\n-- downgrade\n%s\n", files[i].name,
                 files[i].up, files[i].down ? files[i].down : "");
        mc_migration_checksum(text, strlen(text), files[i].sum);
        out[i].version = (int)i + 1;
        out[i].name = files[i].name;
        out[i].upgrade_sql = files[i].up;
        out[i].downgrade_sql = files[i].down;
        out[i].checksum = files[i].sum;
    }
}

static file blog[] = {
    { "create_user",
      "CREATE TABLE user (\n    id INTEGER NOT NULL,\n    username VARCHAR(64),\n"
      "    PRIMARY KEY (id)\n);\n"
      "CREATE UNIQUE INDEX ix_user_username ON user (username);\n"
      "INSERT INTO user (id, username) VALUES (1, 'ann'), (2, 'bob');",
      "DROP INDEX ix_user_username;\nDROP TABLE user;", "" },
    { "add_user_email",
      "ALTER TABLE user ADD COLUMN email VARCHAR(120);\n"
      "CREATE INDEX ix_user_email ON user (email);\n"
      "UPDATE user SET email = username || '@example.com';",
      "DROP INDEX ix_user_email;\nALTER TABLE user DROP COLUMN email;", "" },
    { "create_post",
      "CREATE TABLE post (\n    id INTEGER NOT NULL,\n    body VARCHAR(140),\n"
      "    user_id INTEGER,\n    PRIMARY KEY (id),\n    FOREIGN KEY(user_id) REFERENCES user (id)\n);\n"
      "INSERT INTO post (body, user_id) VALUES ('hello; world', 1);",
      "DROP TABLE post;", "" },
};

/* ---- checksum -------------------------------------------------------------- */

START_TEST(test_checksum)
{
    char out[17];

    /* Published FNV-1a 64-bit test vectors. */
    mc_migration_checksum("", 0, out);
    ck_assert_str_eq(out, "cbf29ce484222325");
    mc_migration_checksum("a", 1, out);
    ck_assert_str_eq(out, "af63dc4c8601ec8c");
    mc_migration_checksum("foobar", 6, out);
    ck_assert_str_eq(out, "85944171f73967e8");
    /* The whole length counts, NULs included. */
    mc_migration_checksum("a\0b", 3, out);
    ck_assert_str_ne(out, "af63dc4c8601ec8c");
}
END_TEST

/* ---- upgrade, downgrade, current ------------------------------------------------ */

START_TEST(test_upgrade_downgrade_current)
{
    mc_migration list[3];
    mc_db *db;
    char *rows;

    fill(list, blog, 3);
    db = open_db();
    /* Reading the version creates nothing. */
    ck_assert_int_eq(current(db), 0);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master"), 0);

    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    ck_assert_int_eq(current(db), 3);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM post WHERE body = 'hello; world'"), 1);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM user WHERE email = 'bob@example.com'"), 1);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'ix_user_email'"), 1);
    rows = dump(db, "SELECT version, name, checksum FROM modelc_migrations ORDER BY version");
    {
        char expect[512];
        snprintf(expect, sizeof expect, "1|create_user|%s\n2|add_user_email|%s\n3|create_post|%s\n",
                 list[0].checksum, list[1].checksum, list[2].checksum);
        ck_assert_str_eq(rows, expect);
    }
    free(rows);
    /* applied_at is a SQLAlchemy-style UTC timestamp. */
    rows = dump(db, "SELECT applied_at FROM modelc_migrations WHERE version = 1");
    rows[strlen(rows) - 1] = '\0';
    ck_assert_int_eq(mc_check_datetime(db, "modelc_migrations", "applied_at", rows), MC_OK);
    free(rows);

    /* Nothing to do is not an error and does nothing. */
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM modelc_migrations"), 3);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM user"), 2);
    mc_close(db);

    /* The version lives in the file. */
    db = open_db();
    ck_assert_int_eq(current(db), 3);

    /* Down to 1: post and email gone, users kept. */
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 1), MC_OK);
    ck_assert_int_eq(current(db), 1);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'post'"), 0);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM pragma_table_info('user') WHERE name = 'email'"), 0);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM user"), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM modelc_migrations"), 1);

    /* Up one step, then all the way down, then all the way up. */
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 2), MC_OK);
    ck_assert_int_eq(current(db), 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 0), MC_OK);
    ck_assert_int_eq(current(db), 0);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name <> 'modelc_migrations'"), 0);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    ck_assert_int_eq(current(db), 3);

    /* A target that does not exist. */
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 5), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "no migration 0005: the latest is 0003");
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -2), MC_INVALID);
    mc_close(db);
}
END_TEST

/* An up-to-date database needs no write, so an application that upgrades
 * at start-up runs on a read-only connection; a step that must write fails
 * cleanly there and names the migration. */
START_TEST(test_up_to_date_read_only)
{
    mc_migration list[3];
    mc_db *db = open_db();

    fill(list, blog, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    mc_close(db);
    db = NULL;
    ck_assert_int_eq(mc_open(&db, dbpath, NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "PRAGMA query_only=ON"), MC_OK);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    ck_assert_int_eq(current(db), 3);
    /* A step that has to write fails cleanly. */
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 2), MC_ERROR);
    assert_msg_has(db, "downgrade of migration 0003 (create_post)");
    assert_msg_has(db, "readonly");
    ck_assert_int_eq(current(db), 3);
    mc_close(db);
}
END_TEST

START_TEST(test_no_downgrade)
{
    static file files[] = {
        { "one", "CREATE TABLE a (x)", "DROP TABLE a", "" },
        { "irreversible", "CREATE TABLE b (x)", NULL, "" },
    };
    mc_migration list[2];
    mc_db *db = open_db();

    fill(list, files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_OK);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 0), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "migration 0002 (irreversible) has no downgrade: it cannot be undone");
    ck_assert_int_eq(current(db), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')"), 2);
    mc_close(db);
}
END_TEST

/* ---- failures leave the previous version ------------------------------------------- */

START_TEST(test_failing_statement_rolls_back)
{
    static file files[] = {
        { "create_t",
          "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
          "INSERT INTO t VALUES (1, 'one'), (2, 'two; with semicolon'), (3, 'it''s');",
          "DROP TABLE t;", "" },
        { "broken",
          "CREATE TABLE extra (x INTEGER);\n"
          "INSERT INTO t VALUES (10, 'ten');\n"
          "INSERT INTO t VALUES (1, 'duplicate');\n"
          "CREATE TABLE never (x INTEGER);",
          "DROP TABLE never; DROP TABLE extra;", "" },
        { "after", "CREATE TABLE after_broken (x)", "DROP TABLE after_broken", "" },
    };
    mc_migration list[3];
    mc_db *db = open_db();
    char *schema_before, *rows_before, *schema_after, *rows_after;

    fill(list, files, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 1), MC_OK);
    schema_before = dump(db, SCHEMA_SQL);
    rows_before = dump(db, "SELECT * FROM t ORDER BY id");

    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_CONSTRAINT);
    ck_assert_str_eq(mc_errmsg(db),
                     "migration 0002 (broken): statement 3 failed: "
                     "INSERT INTO t VALUES (1, 'duplicate'): UNIQUE constraint failed: t.id");
    ck_assert_int_eq(current(db), 1);
    schema_after = dump(db, SCHEMA_SQL);
    rows_after = dump(db, "SELECT * FROM t ORDER BY id");
    ck_assert_str_eq(schema_after, schema_before);
    ck_assert_str_eq(rows_after, rows_before);
    ck_assert_str_eq(rows_after, "1|one\n2|two; with semicolon\n3|it's\n");
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM modelc_migrations"), 1);
    ck_assert_int_eq(mc_txn_depth(db), 0);
    ck_assert(sqlite3_get_autocommit(mc_sqlite(db)));
    free(schema_after);
    free(rows_after);

    /* A statement SQLite cannot even prepare (here: a table that does not
     * exist) fails the same way. */
    files[1].up = "CREATE TABLE extra (x INTEGER);\nALTER TABLE missing ADD COLUMN y;";
    fill(list, files, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_ERROR);
    ck_assert_str_eq(mc_errmsg(db), "migration 0002 (broken): statement 2 failed: "
                                    "ALTER TABLE missing ADD COLUMN y: no such table: missing");
    ck_assert_int_eq(current(db), 1);
    schema_after = dump(db, SCHEMA_SQL);
    ck_assert_str_eq(schema_after, schema_before);
    free(schema_after);

    /* A migration may not end the transaction it runs in. */
    files[1].up = "CREATE TABLE extra (x INTEGER);\nCOMMIT;\nCREATE TABLE never (x);";
    fill(list, files, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_INVALID);
    assert_msg_has(db, "migration 0002 (broken): statement 2 (COMMIT)");
    ck_assert_int_eq(current(db), 1);
    schema_after = dump(db, SCHEMA_SQL);
    ck_assert_str_eq(schema_after, schema_before);
    free(schema_after);

    free(schema_before);
    free(rows_before);
    mc_close(db);
}
END_TEST

/* ---- checksums and missing files ------------------------------------------------------ */

START_TEST(test_edited_migration_refused)
{
    file files[3];
    mc_migration list[3];
    char expect[512], old_sum[17];
    mc_db *db = open_db();

    memcpy(files, blog, sizeof files);
    fill(list, files, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 2), MC_OK);
    strcpy(old_sum, list[1].checksum);

    /* Someone edits 0002 after it was applied. */
    files[1].up = "ALTER TABLE user ADD COLUMN email VARCHAR(255);";
    fill(list, files, 3);
    ck_assert_str_ne(list[1].checksum, old_sum);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_INVALID);
    snprintf(expect, sizeof expect,
             "migration 0002 (add_user_email) was applied with checksum %s but the file now "
             "has %s: it was edited after it was applied", old_sum, list[1].checksum);
    ck_assert_str_eq(mc_errmsg(db), expect);
    /* Nothing ran: 0003 is not applied, and going down is refused too. */
    ck_assert_int_eq(current(db), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'post'"), 0);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 0), MC_INVALID);
    ck_assert_int_eq(current(db), 2);
    mc_close(db);
}
END_TEST

START_TEST(test_missing_migration_refused)
{
    mc_migration list[3];
    mc_db *db = open_db();

    fill(list, blog, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    /* The file of 0003 is gone (an older checkout of the code). */
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_INVALID);
    assert_msg_has(db, "migration 0003 is applied in the database but missing");
    assert_msg_has(db, "create_post");
    ck_assert_int_eq(current(db), 3);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM post"), 1);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_INVALID);
    ck_assert_int_eq(current(db), 3);
    mc_close(db);
}
END_TEST

/* ---- stamp ----------------------------------------------------------------------------- */

/* ---- what is applied ---------------------------------------------------------- */

/* mc_migrate_applied's walk into text: "version|name|checksum" lines,
 * stopping (with 42) at version `stop`. */
typedef struct walked {
    char text[512];
    int stop;
} walked;

static int walk_row(void *ctx, int version, const char *name, const char *checksum)
{
    walked *w = ctx;
    size_t n = strlen(w->text);
    snprintf(w->text + n, sizeof w->text - n, "%d|%s|%s\n", version, name ? name : "NULL",
             checksum ? checksum : "NULL");
    return version == w->stop ? 42 : 0;
}

START_TEST(test_applied_walk)
{
    mc_migration list[3];
    mc_db *db = open_db();
    walked w = {"", 0};
    char expect[512];

    fill(list, blog, 3);
    /* No version table: no rows, and nothing is created. */
    ck_assert_int_eq(mc_migrate_applied(db, walk_row, &w), MC_OK);
    ck_assert_str_eq(w.text, "");
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master"), 0);

    ck_assert_int_eq(mc_migrate_to(db, list, 3, 2), MC_OK);
    ck_assert_int_eq(mc_migrate_applied(db, walk_row, &w), MC_OK);
    snprintf(expect, sizeof expect, "1|create_user|%s\n2|add_user_email|%s\n", list[0].checksum, list[1].checksum);
    ck_assert_str_eq(w.text, expect);

    /* fn's nonzero value stops the walk and is returned. */
    w.text[0] = '\0';
    w.stop = 1;
    ck_assert_int_eq(mc_migrate_applied(db, walk_row, &w), 42);
    snprintf(expect, sizeof expect, "1|create_user|%s\n", list[0].checksum);
    ck_assert_str_eq(w.text, expect);

    ck_assert_int_eq(mc_migrate_applied(db, NULL, &w), MC_MISUSE);
    ck_assert_int_eq(mc_migrate_applied(NULL, walk_row, &w), MC_MISUSE);
    mc_close(db);
}
END_TEST

START_TEST(test_stamp)
{
    static file files[] = {
        { "a", "CREATE TABLE a (x)", "DROP TABLE a", "" },
        { "b", "CREATE TABLE b (x)", "DROP TABLE b", "" },
        { "c", "CREATE TABLE c (x)", "DROP TABLE c", "" },
    };
    mc_migration list[3];
    mc_db *db = open_db();

    fill(list, files, 3);
    /* The tables of 0001 and 0002 exist already (made by other means). */
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE a (x); CREATE TABLE b (x);"), MC_OK);
    ck_assert_int_eq(mc_migrate_stamp(db, list, 3, 2), MC_OK);
    ck_assert_int_eq(current(db), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM modelc_migrations"), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'c'"), 0);

    /* Upgrading runs only 0003 (0001 again would fail: a exists). */
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    ck_assert_int_eq(current(db), 3);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'c'"), 1);

    /* Stamping lower removes the rows above, running nothing. */
    ck_assert_int_eq(mc_migrate_stamp(db, list, 3, 1), MC_OK);
    ck_assert_int_eq(current(db), 1);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM modelc_migrations"), 1);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('b', 'c')"), 2);

    /* Stamping accepts an intentional edit of an applied migration. */
    files[0].up = "CREATE TABLE a (x, y)";
    fill(list, files, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 1), MC_INVALID);
    ck_assert_int_eq(mc_migrate_stamp(db, list, 3, 3), MC_OK);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    ck_assert_int_eq(current(db), 3);

    ck_assert_int_eq(mc_migrate_stamp(db, list, 3, 0), MC_OK);
    ck_assert_int_eq(current(db), 0);
    ck_assert_int_eq(mc_migrate_stamp(db, list, 3, 4), MC_INVALID);
    ck_assert_int_eq(current(db), 0);
    mc_close(db);
}
END_TEST

/* ---- statement splitting ------------------------------------------------------------------ */

static file trigger_files[] = {
    { "log_items",
      "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
      "CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT NOT NULL);\n"
      "/* a block comment; with a semicolon */\n"
      "CREATE TRIGGER item_added AFTER INSERT ON item\n"
      "BEGIN\n"
      "    INSERT INTO log (msg) VALUES ('added; ' || NEW.name);\n"
      "    INSERT INTO log (msg) VALUES ('second;statement');\n"
      "END;\n"
      "-- a line comment; with a semicolon\n"
      "INSERT INTO item (name) VALUES ('a;b');\n"
      "INSERT INTO item (name) VALUES ('it''s; \"quoted\"; ok')",
      "DROP TRIGGER item_added;\nDROP TABLE log;\nDROP TABLE item;", "" },
};

START_TEST(test_trigger_and_semicolons)
{
    mc_migration list[1];
    mc_db *db = open_db();
    char *rows;

    fill(list, trigger_files, 1);
    ck_assert_int_eq(mc_migrate_to(db, list, 1, -1), MC_OK);
    rows = dump(db, "SELECT name FROM item ORDER BY id");
    ck_assert_str_eq(rows, "a;b\nit's; \"quoted\"; ok\n");
    free(rows);
    rows = dump(db, "SELECT msg FROM log ORDER BY id");
    ck_assert_str_eq(rows, "added; a;b\nsecond;statement\nadded; it's; \"quoted\"; ok\n"
                           "second;statement\n");
    free(rows);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), 1);
    /* The trigger keeps working after the migration. */
    ck_assert_int_eq(mc_exec(db, "INSERT INTO item (name) VALUES ('later')"), MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM log"), 6);
    ck_assert_int_eq(mc_migrate_to(db, list, 1, 0), MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name <> 'modelc_migrations'"), 0);
    mc_close(db);
}
END_TEST

/* ---- table rebuild with foreign keys ------------------------------------------------------- */

static file rebuild_files[] = {
    { "create_user_post",
      "CREATE TABLE user (id INTEGER PRIMARY KEY, name TEXT);\n"
      "CREATE TABLE post (id INTEGER PRIMARY KEY, body TEXT,\n"
      "    user_id INTEGER REFERENCES user (id) ON DELETE CASCADE);\n"
      "INSERT INTO user VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');\n"
      "INSERT INTO post (body, user_id) VALUES ('p1', 1), ('p2', 2), ('p3', 2), ('p4', 3);",
      "DROP TABLE post;\nDROP TABLE user;", "" },
    /* SQLite's 12-step procedure: make user.name NOT NULL with a CHECK. */
    { "user_name_not_null",
      "PRAGMA foreign_keys=OFF;\n"
      "CREATE TABLE _user_new (id INTEGER PRIMARY KEY,\n"
      "    name TEXT NOT NULL CHECK (length(name) > 0));\n"
      "INSERT INTO _user_new (id, name) SELECT id, name FROM user;\n"
      "DROP TABLE user;\n"
      "ALTER TABLE _user_new RENAME TO user;\n"
      "PRAGMA foreign_key_check;\n"
      "PRAGMA foreign_keys=ON;",
      "PRAGMA foreign_keys=OFF;\n"
      "CREATE TABLE _user_old (id INTEGER PRIMARY KEY, name TEXT);\n"
      "INSERT INTO _user_old (id, name) SELECT id, name FROM user;\n"
      "DROP TABLE user;\n"
      "ALTER TABLE _user_old RENAME TO user;\n"
      "PRAGMA foreign_keys=ON;", "" },
};

START_TEST(test_table_rebuild_keeps_references)
{
    mc_migration list[2];
    mc_db *db = open_db();
    char *posts_before, *posts_after;

    fill(list, rebuild_files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_OK);
    posts_before = dump(db, "SELECT id, body, user_id FROM post ORDER BY id");
    ck_assert_str_eq(posts_before, "1|p1|1\n2|p2|2\n3|p3|2\n4|p4|3\n");

    /* With foreign keys on, DROP TABLE user would cascade into post. */
    ck_assert_int_eq(query_int(db, "PRAGMA foreign_keys"), 1);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_OK);
    ck_assert_int_eq(current(db), 2);
    posts_after = dump(db, "SELECT id, body, user_id FROM post ORDER BY id");
    ck_assert_str_eq(posts_after, posts_before);
    free(posts_after);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    ck_assert_int_eq(query_int(db, "SELECT \"notnull\" FROM pragma_table_info('user') WHERE name = 'name'"), 1);
    /* Foreign keys are back on and still point at user. */
    ck_assert_int_eq(query_int(db, "PRAGMA foreign_keys"), 1);
    ck_assert_int_eq(mc_exec(db, "INSERT INTO post (body, user_id) VALUES ('orphan', 99)"), MC_CONSTRAINT);
    ck_assert_int_eq(mc_exec(db, "DELETE FROM user WHERE id = 2"), MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM post"), 2);    /* cascaded */

    /* And back down, keeping the rows again. */
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM post"), 2);
    ck_assert_int_eq(query_int(db, "SELECT \"notnull\" FROM pragma_table_info('user') WHERE name = 'name'"), 0);
    ck_assert_int_eq(query_int(db, "PRAGMA foreign_keys"), 1);
    free(posts_before);
    mc_close(db);
}
END_TEST

START_TEST(test_rebuild_violation_rolls_back)
{
    file files[2];
    mc_migration list[2];
    mc_db *db = open_db();
    char *schema_before, *users_before, *after;

    memcpy(files, rebuild_files, sizeof files);
    /* This rebuild loses user 2, whom two posts reference. */
    files[1].up = "PRAGMA foreign_keys=OFF;\n"
                  "CREATE TABLE _user_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                  "INSERT INTO _user_new (id, name) SELECT id, name FROM user WHERE id <> 2;\n"
                  "DROP TABLE user;\n"
                  "ALTER TABLE _user_new RENAME TO user;\n"
                  "PRAGMA foreign_keys=ON;";
    fill(list, files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_OK);
    schema_before = dump(db, SCHEMA_SQL);
    users_before = dump(db, "SELECT * FROM user ORDER BY id");

    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_CONSTRAINT);
    assert_msg_has(db, "migration 0002 (user_name_not_null): foreign key violation");
    assert_msg_has(db, "table post");
    assert_msg_has(db, "of user");
    assert_msg_has(db, "2 violations");
    ck_assert_int_eq(current(db), 1);
    after = dump(db, SCHEMA_SQL);
    ck_assert_str_eq(after, schema_before);
    free(after);
    after = dump(db, "SELECT * FROM user ORDER BY id");
    ck_assert_str_eq(after, users_before);
    free(after);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM post"), 4);
    ck_assert_int_eq(query_int(db, "PRAGMA foreign_keys"), 1);  /* restored after failure */
    free(schema_before);
    free(users_before);
    mc_close(db);
}
END_TEST

/* SQLITE_TRACE_STMT: counts the statements run that check foreign keys. */
static int count_fk_checks(unsigned type, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql((sqlite3_stmt *)p);
    (void)type;
    (void)x;
    if (sql && strstr(sql, "foreign_key_check"))
        ++*(int *)ctx;
    return 0;
}

/* A rebuild whose file ends in PRAGMA foreign_key_check is checked once
 * (the runner's check, which fails the step), not once by the file and
 * again by the runner; a violation still rolls the step back. */
START_TEST(test_one_foreign_key_check_per_step)
{
    file files[2];
    mc_migration list[2];
    mc_db *db = open_db();
    int checks = 0;

    fill(list, rebuild_files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_OK);
    sqlite3_trace_v2(mc_sqlite(db), SQLITE_TRACE_STMT, count_fk_checks, &checks);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_OK);
    ck_assert_int_eq(checks, 1);
    ck_assert_int_eq(current(db), 2);
    sqlite3_trace_v2(mc_sqlite(db), 0, NULL, NULL);
    mc_close(db);

    /* The same file losing user 2, whom two posts reference. */
    unlink(dbpath);
    db = open_db();
    memcpy(files, rebuild_files, sizeof files);
    files[1].up = "PRAGMA foreign_keys=OFF;\n"
                  "CREATE TABLE _user_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                  "INSERT INTO _user_new (id, name) SELECT id, name FROM user WHERE id <> 2;\n"
                  "DROP TABLE user;\n"
                  "ALTER TABLE _user_new RENAME TO user;\n"
                  "PRAGMA foreign_key_check;\n"
                  "PRAGMA foreign_keys=ON;";
    fill(list, files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_OK);
    checks = 0;
    sqlite3_trace_v2(mc_sqlite(db), SQLITE_TRACE_STMT, count_fk_checks, &checks);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_CONSTRAINT);
    assert_msg_has(db, "foreign key violation");
    assert_msg_has(db, "2 violations");
    ck_assert_int_eq(checks, 1);
    ck_assert_int_eq(current(db), 1);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM user"), 3);
    sqlite3_trace_v2(mc_sqlite(db), 0, NULL, NULL);
    mc_close(db);
}
END_TEST

START_TEST(test_foreign_keys_off_stays_off)
{
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    mc_migration list[2];
    mc_db *db = NULL;

    o.foreign_keys = 0;
    ck_assert_int_eq(mc_open(&db, dbpath, &o), MC_OK);
    fill(list, rebuild_files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_OK);
    /* The runner restores what was there, it does not impose ON. */
    ck_assert_int_eq(query_int(db, "PRAGMA foreign_keys"), 0);
    mc_close(db);
}
END_TEST

/* ---- plan (--sql) ------------------------------------------------------------------------- */

typedef struct collected {
    char text[16384];
    int calls;
} collected;

static void observe(void *ctx, const mc_migration *m, int upgrading, const char *sql)
{
    collected *c = ctx;
    size_t len = strlen(c->text);

    snprintf(c->text + len, sizeof c->text - len, "[%d%c] %s;\n", m->version,
             upgrading ? '+' : '-', sql);
    c->calls++;
}

/* Stands for the run-dependent applied_at literal: as long as one. */
#define TS "TIMESTAMP................."

static void scrub_timestamps(char *s)
{
    char *p;

    ck_assert_uint_eq(strlen(TS), 26);
    for (p = strstr(s, "', '"); p; p = strstr(p + 1, "', '"))
        if (strlen(p) > 30 && p[4] >= '0' && p[4] <= '9' && p[8] == '-' && p[30] == '\'')
            memcpy(p + 4, TS, 26);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

START_TEST(test_plan_touches_nothing)
{
    static file files[] = {
        { "log_items", NULL, NULL, "" },
        { "it's", "UPDATE item SET name = upper(name)", "UPDATE item SET name = lower(name)", "" },
    };
    collected *c = calloc(1, sizeof *c);
    mc_migration list[2];
    mc_db *db = open_db();
    char expect[4096];

    files[0].up = trigger_files[0].up;
    files[0].down = trigger_files[0].down;
    fill(list, files, 2);
    ck_assert_int_eq(mc_migrate_plan(db, list, 2, -1, observe, c), MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master"), 0);
    ck_assert_int_eq(current(db), 0);
    scrub_timestamps(c->text);
    snprintf(expect, sizeof expect,
        "[1+] CREATE TABLE IF NOT EXISTS \"modelc_migrations\" (\n"
        "    version INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n"
        "    checksum TEXT NOT NULL,\n    applied_at TEXT NOT NULL\n);\n"
        "[1+] BEGIN IMMEDIATE;\n"
        "[1+] CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
        "[1+] CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT NOT NULL);\n"
        "[1+] /* a block comment; with a semicolon */\n"
        "CREATE TRIGGER item_added AFTER INSERT ON item\n"
        "BEGIN\n"
        "    INSERT INTO log (msg) VALUES ('added; ' || NEW.name);\n"
        "    INSERT INTO log (msg) VALUES ('second;statement');\n"
        "END;\n"
        "[1+] -- a line comment; with a semicolon\n"
        "INSERT INTO item (name) VALUES ('a;b');\n"
        "[1+] INSERT INTO item (name) VALUES ('it''s; \"quoted\"; ok');\n"
        "[1+] INSERT INTO \"modelc_migrations\" (version, name, checksum, applied_at) "
        "VALUES (1, 'log_items', '%s', '" TS "');\n"
        "[1+] COMMIT;\n"
        "[2+] BEGIN IMMEDIATE;\n"
        "[2+] UPDATE item SET name = upper(name);\n"
        "[2+] INSERT INTO \"modelc_migrations\" (version, name, checksum, applied_at) "
        "VALUES (2, 'it''s', '%s', '" TS "');\n"
        "[2+] COMMIT;\n", list[0].checksum, list[1].checksum);
    ck_assert_str_eq(c->text, expect);

    /* The planned script, run by hand, does what the runner does. */
    {
        mc_db *other = NULL;
        char *script = strdup(c->text), *p = script, *q = script;
        char path[256];
        snprintf(path, sizeof path, "%s/by_hand.db", tmpdir);
        /* strip the "[n+] " tags */
        while (*p) {
            if (*p == '[' && (p == script || p[-1] == '\n')) {
                p = strchr(p, ']') + 2;
                continue;
            }
            *q++ = *p++;
        }
        *q = '\0';
        ck_assert_int_eq(mc_open(&other, path, NULL), MC_OK);
        ck_assert_int_eq(mc_exec(other, script), MC_OK);
        ck_assert_int_eq(current(other), 2);
        ck_assert_int_eq(mc_migrate_to(other, list, 2, -1), MC_OK);  /* checksums agree */
        ck_assert_int_eq(query_int(other, "SELECT count(*) FROM item WHERE name = 'A;B'"), 1);
        mc_close(other);
        free(script);
    }

    /* Downgrade plan: newest first, with the bookkeeping deletes. */
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_OK);
    memset(c, 0, sizeof *c);
    ck_assert_int_eq(mc_migrate_plan(db, list, 2, 0, observe, c), MC_OK);
    ck_assert_str_eq(c->text,
        "[2-] BEGIN IMMEDIATE;\n"
        "[2-] UPDATE item SET name = lower(name);\n"
        "[2-] DELETE FROM \"modelc_migrations\" WHERE version = 2;\n"
        "[2-] COMMIT;\n"
        /* a DROP TABLE runs with enforcement off (its rows' ON DELETE actions) */
        "[1-] PRAGMA foreign_keys=OFF;\n"
        "[1-] BEGIN IMMEDIATE;\n"
        "[1-] DROP TRIGGER item_added;\n"
        "[1-] DROP TABLE log;\n"
        "[1-] DROP TABLE item;\n"
        "[1-] DELETE FROM \"modelc_migrations\" WHERE version = 1;\n"
        "[1-] COMMIT;\n"
        "[1-] PRAGMA foreign_keys=ON;\n");
    ck_assert_int_eq(current(db), 2);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM item"), 2);

    /* Nothing to do: no calls. */
    memset(c, 0, sizeof *c);
    ck_assert_int_eq(mc_migrate_plan(db, list, 2, -1, observe, c), MC_OK);
    ck_assert_int_eq(c->calls, 0);
    free(c);
    mc_close(db);
}
END_TEST

START_TEST(test_plan_rebuild_toggles_foreign_keys)
{
    collected *c = calloc(1, sizeof *c);
    mc_migration list[2];
    mc_db *db = open_db();

    fill(list, rebuild_files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_OK);
    ck_assert_int_eq(mc_migrate_plan(db, list, 2, -1, observe, c), MC_OK);
    ck_assert_msg(starts_with(c->text, "[2+] PRAGMA foreign_keys=OFF;\n[2+] BEGIN IMMEDIATE;\n"),
                  "%s", c->text);
    ck_assert_ptr_nonnull(strstr(c->text, "[2+] COMMIT;\n[2+] PRAGMA foreign_keys=ON;\n"));
    ck_assert_int_eq(current(db), 1);

    /* Without a database: everything from version 0. */
    memset(c, 0, sizeof *c);
    ck_assert_int_eq(mc_migrate_plan(NULL, list, 2, -1, observe, c), MC_OK);
    ck_assert(starts_with(c->text, "[1+] CREATE TABLE IF NOT EXISTS"));
    ck_assert_ptr_nonnull(strstr(c->text, "[2+] PRAGMA foreign_keys=OFF;"));
    ck_assert_int_eq(mc_migrate_plan(db, list, 2, -1, NULL, NULL), MC_MISUSE);
    free(c);
    mc_close(db);
}
END_TEST

/* ---- misuse ---------------------------------------------------------------------------- */

START_TEST(test_misuse)
{
    mc_migration list[3];
    mc_db *db = open_db();
    int v;

    fill(list, blog, 3);
    ck_assert_int_eq(mc_begin(db), MC_OK);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_MISUSE);
    assert_msg_has(db, "a transaction is open");
    ck_assert_int_eq(mc_rollback(db), MC_OK);

    list[1].version = 3;
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_MISUSE);
    assert_msg_has(db, "without gaps");
    list[1].version = 2;
    list[2].checksum = NULL;
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_MISUSE);
    ck_assert_int_eq(current(db), 0);
    ck_assert_int_eq(mc_migrate_current(db, NULL), MC_MISUSE);
    ck_assert_int_eq(mc_migrate_current(NULL, &v), MC_MISUSE);
    ck_assert_int_eq(mc_migrate_to(NULL, list, 3, -1), MC_MISUSE);

    /* No migrations at all: version 0 is the latest. */
    ck_assert_int_eq(mc_migrate_to(db, NULL, 0, -1), MC_OK);
    ck_assert_int_eq(current(db), 0);
    mc_close(db);
}
END_TEST

/* ---- two processes ----------------------------------------------------------------------- */

static file race_files[] = {
    /* Slow on purpose, so that the processes overlap. */
    { "create_applied",
      "CREATE TABLE applied (m TEXT NOT NULL);\n"
      "CREATE TABLE numbers (n INTEGER);\n"
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)\n"
      "INSERT INTO numbers SELECT x FROM c;\n"
      "INSERT INTO applied VALUES ('m1');",
      "DROP TABLE numbers;\nDROP TABLE applied;", "" },
    { "second",
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)\n"
      "INSERT INTO numbers SELECT -x FROM c;\n"
      "INSERT INTO applied VALUES ('m2');",
      "DELETE FROM numbers WHERE n < 0;\nDELETE FROM applied WHERE m = 'm2';", "" },
    { "third", "INSERT INTO applied VALUES ('m3');", "DELETE FROM applied WHERE m = 'm3';", "" },
};

/* PROCS processes upgrade dbpath at once; each migration must be applied
 * exactly once and every process must succeed.  open_together: the
 * processes also open the database at the same moment. */
static void race(int open_together)
{
    enum { PROCS = 4 };
    mc_migration list[3];
    pid_t pids[PROCS];
    int ready[2], go[2], i, status;
    mc_db *db;
    char *rows, c;

    fill(list, race_files, 3);
    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(go), 0);
    for (i = 0; i < PROCS; i++) {
        pids[i] = fork();
        ck_assert_int_ne(pids[i], -1);
        if (pids[i] == 0) {
            mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
            mc_db *mine = NULL;
            int rc;

            close(ready[0]);
            close(go[1]);
            o.busy_timeout_ms = 120000; /* slow under valgrind */
            if (!open_together)
                rc = mc_open(&mine, dbpath, &o);
            (void)!write(ready[1], "r", 1);
            (void)!read(go[0], &c, 1);  /* all start at once */
            if (open_together)
                rc = mc_open(&mine, dbpath, &o);
            if (rc == MC_OK)
                rc = mc_migrate_to(mine, list, 3, -1);
            if (rc != MC_OK)
                fprintf(stderr, "process %d: %s\n", i, mc_errmsg(mine));
            mc_close(mine);
            _exit(rc);
        }
    }
    close(ready[1]);
    close(go[0]);
    for (i = 0; i < PROCS; i++)
        ck_assert_int_eq(read(ready[0], &c, 1), 1);
    close(ready[0]);
    close(go[1]);   /* EOF: go */
    for (i = 0; i < PROCS; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), MC_OK);
    }

    db = open_db();
    ck_assert_int_eq(current(db), 3);
    rows = dump(db, "SELECT m, count(*) FROM applied GROUP BY m ORDER BY m");
    ck_assert_str_eq(rows, "m1|1\nm2|1\nm3|1\n");
    free(rows);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM numbers"), 200000);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM modelc_migrations"), 3);
    mc_close(db);
}

/* Many processes opening one new file at the same moment all succeed:
 * the switch to WAL waits out the others instead of failing. */
START_TEST(test_processes_open_fresh_file)
{
    enum { PROCS = 8, ROUNDS = 20 };
    pid_t pids[PROCS];
    int go[2], i, round, status, failures = 0;
    char c;

    for (round = 0; round < ROUNDS; round++) {
        snprintf(dbpath, sizeof dbpath, "%s/fresh%d.db", tmpdir, round);
        ck_assert_int_eq(pipe(go), 0);
        for (i = 0; i < PROCS; i++) {
            pids[i] = fork();
            ck_assert_int_ne(pids[i], -1);
            if (pids[i] == 0) {
                mc_db *mine = NULL;
                int rc;

                close(go[1]);
                (void)!read(go[0], &c, 1);
                rc = mc_open(&mine, dbpath, NULL);
                if (rc == MC_OK)
                    rc = mc_exec(mine, "CREATE TABLE IF NOT EXISTS t (x)");
                if (rc != MC_OK)
                    fprintf(stderr, "process %d: %s\n", i, mc_errmsg(mine));
                mc_close(mine);
                _exit(rc);
            }
        }
        close(go[0]);
        close(go[1]);
        for (i = 0; i < PROCS; i++) {
            ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
            failures += !WIFEXITED(status) || WEXITSTATUS(status) != MC_OK;
        }
    }
    ck_assert_int_eq(failures, 0);
}
END_TEST

/* A fresh file: the processes also race to create it and switch it to WAL
 * (where SQLite reports "busy" without waiting). */
START_TEST(test_processes_upgrade_fresh_file)
{
    race(1);
}
END_TEST

/* modelc_migrations exists at version 0, so that every process reads
 * version 0 and all of them contend for 0001 at once: the losers must
 * notice, under the lock, that it was applied meanwhile. */
START_TEST(test_processes_contend_for_one_step)
{
    mc_migration list[3];
    mc_db *db = open_db();

    fill(list, race_files, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 0), MC_OK);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'modelc_migrations'"), 1);
    mc_close(db);
    race(0);
}
END_TEST

static Suite *migrate_suite(void)
{
    Suite *s = suite_create("migrate_runner");
    TCase *tc = tcase_create("runner");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_checksum);
    tcase_add_test(tc, test_applied_walk);
    tcase_add_test(tc, test_upgrade_downgrade_current);
    tcase_add_test(tc, test_up_to_date_read_only);
    tcase_add_test(tc, test_no_downgrade);
    tcase_add_test(tc, test_failing_statement_rolls_back);
    tcase_add_test(tc, test_edited_migration_refused);
    tcase_add_test(tc, test_missing_migration_refused);
    tcase_add_test(tc, test_stamp);
    tcase_add_test(tc, test_trigger_and_semicolons);
    tcase_add_test(tc, test_table_rebuild_keeps_references);
    tcase_add_test(tc, test_rebuild_violation_rolls_back);
    tcase_add_test(tc, test_one_foreign_key_check_per_step);
    tcase_add_test(tc, test_foreign_keys_off_stays_off);
    tcase_add_test(tc, test_plan_touches_nothing);
    tcase_add_test(tc, test_plan_rebuild_toggles_foreign_keys);
    tcase_add_test(tc, test_misuse);
    tcase_add_test(tc, test_processes_open_fresh_file);
    tcase_add_test(tc, test_processes_upgrade_fresh_file);
    tcase_add_test(tc, test_processes_contend_for_one_step);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(migrate_suite());
}
