/*
 * test_migrate_pg_runner.c -- the migration runner on PostgreSQL, on the
 * server of tests/pg/with-postgres.sh (MODELC_PG_URL; each test skips
 * without one, and fails under CI=true).  Each test works in a schema of
 * its own (pgschema.h).
 *
 * Through the runtime: upgrade and downgrade with the data kept, the
 * version table as on SQLite, a failing statement that leaves the
 * previous version and the catalog as they were (and prints nothing),
 * edited and missing files refused, stamp, the --sql plan, the advisory
 * lock held by someone else (MC_BUSY, nothing changed), and two
 * processes upgrading one database at once (each step applied once).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "modelc.h"
#include "pgschema.h"
#include "dbrows.h"
#include "testutil.h"

/* The runner's lock, as migrate_pg.c takes it. */
#define LOCK_SQL "SELECT pg_advisory_xact_lock(120325193165923)"

/* ---- helpers ------------------------------------------------------------------------- */

static char *schema_url(const char *name)
{
    return tu_pg_schema_url("test_migrate_pg_runner", name);
}

static mc_db *open_url(const char *url, int busy_ms)
{
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    mc_db *db = NULL;
    if (busy_ms >= 0)
        o.busy_timeout_ms = busy_ms;
    ck_assert_msg(mc_open(&db, url, &o) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(mc_db_engine(db), MC_ENGINE_POSTGRESQL);
    return db;
}

static void exec_ok(mc_db *db, const char *sql)
{
    ck_assert_msg(mc_exec(db, sql) == MC_OK, "%s: %s", sql, mc_errmsg(db));
}

static int current(mc_db *db)
{
    int v = -1;
    ck_assert_msg(mc_migrate_current(db, &v) == MC_OK, "%s", mc_errmsg(db));
    return v;
}

/* The tables, columns and constraints of the connection's schema, one per
 * line (modelc_migrations included): what a failed step must not change. */
static char *catalog(mc_db *db)
{
    return tu_db_rows(db,
                "SELECT x FROM (\n"
                "SELECT 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) AS x\n"
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid\n"
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 'S')\n"
                "    AND a.attnum > 0 AND NOT a.attisdropped\n"
                "UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint\n"
                "WHERE connamespace = current_schema()::regnamespace\n"
                "UNION ALL SELECT 'type ' || typname FROM pg_type\n"
                "WHERE typnamespace = current_schema()::regnamespace AND typtype = 'e'\n"
                ") s ORDER BY 1",
                1);
}

#define assert_msg_has(db, text) \
    ck_assert_msg(strstr(mc_errmsg(db), (text)) != NULL, "message \"%s\" lacks \"%s\"", mc_errmsg(db), (text))

/* A migration "file": the whole text is what the checksum covers. */
typedef struct file {
    const char *name, *up, *down;
    char sum[17];
} file;

static void fill(mc_migration *out, file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *text = tu_fmt("-- Dialect: postgresql\n-- %s\n-- modelc:upgrade\n%s\n-- modelc:downgrade\n%s\n",
                            files[i].name, files[i].up, files[i].down ? files[i].down : "");
        mc_migration_checksum(text, strlen(text), files[i].sum);
        free(text);
        out[i].version = (int)i + 1;
        out[i].name = files[i].name;
        out[i].upgrade_sql = files[i].up;
        out[i].downgrade_sql = files[i].down;
        out[i].checksum = files[i].sum;
    }
}

/* What modelc migrate --dialect postgresql writes, in three steps. */
static file blog[] = {
    {"create_user",
     "CREATE TABLE \"user\" (\n    id SERIAL NOT NULL,\n    username VARCHAR(64),\n    PRIMARY KEY (id)\n);\n"
     "CREATE UNIQUE INDEX ix_user_username ON \"user\" (username);",
     "DROP INDEX ix_user_username;\nDROP TABLE \"user\";", ""},
    {"add_user_email",
     "ALTER TABLE \"user\" ADD COLUMN email VARCHAR(120);\n"
     "CREATE INDEX ix_user_email ON \"user\" (email);\n"
     "UPDATE \"user\" SET email = username || '@example.com';",
     "DROP INDEX ix_user_email;\nALTER TABLE \"user\" DROP COLUMN email;", ""},
    {"create_post",
     "CREATE TYPE mood AS ENUM ('happy', 'sad');\n"
     "CREATE TABLE post (\n    id SERIAL NOT NULL,\n    body VARCHAR(140),\n    mood mood,\n"
     "    user_id INTEGER,\n    PRIMARY KEY (id),\n    FOREIGN KEY(user_id) REFERENCES \"user\" (id)\n);\n"
     "INSERT INTO post (body, mood, user_id) VALUES ('hello; world', 'happy', 1);",
     "DROP TABLE post;\nDROP TYPE mood;", ""},
};

/* ---- upgrade, downgrade, current ------------------------------------------------------ */

/* Upgrade one step, add rows, upgrade to the latest, downgrade back: the
 * versions, the version table's rows and the data of every column that
 * stays are as on SQLite. */
START_TEST(upgrade_downgrade_keep_data)
{
    char *url = schema_url("pgr_updown");
    if (!url)
        return;
    mc_db *db = open_url(url, -1);
    mc_migration list[3];
    fill(list, blog, 3);

    ck_assert_int_eq(current(db), 0);
    ck_assert_msg(mc_migrate_to(db, list, 3, 1) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 1);
    exec_ok(db, "INSERT INTO \"user\" (username) VALUES ('ann'), ('bob')");
    ck_assert_msg(mc_migrate_to(db, list, 3, -1) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 3);
    tu_db_rows_eq(db, "SELECT id, username, email FROM \"user\" ORDER BY id", 3,
            "1|ann|ann@example.com\n2|bob|bob@example.com\n");
    tu_db_rows_eq(db, "SELECT body, mood, user_id FROM post", 3, "hello; world|happy|1\n");
    char *want = tu_fmt("1|create_user|%s\n2|add_user_email|%s\n3|create_post|%s\n", list[0].checksum,
                        list[1].checksum, list[2].checksum);
    tu_db_rows_eq(db, "SELECT version, name, checksum FROM modelc_migrations ORDER BY version", 3, want);
    free(want);
    /* the same table, columns and types as SQLite's */
    tu_db_rows_eq(db,
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'modelc_migrations' ORDER BY ordinal_position",
            3, "version|integer|NO\nname|text|NO\nchecksum|text|NO\napplied_at|text|NO\n");
    ck_assert_int_eq(mc_migrate_verify(db, list, 3), MC_OK);

    /* up to date: nothing runs */
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_OK);
    ck_assert_int_eq(current(db), 3);

    ck_assert_msg(mc_migrate_to(db, list, 3, 1) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 1);
    tu_db_rows_eq(db, "SELECT id, username FROM \"user\" ORDER BY id", 2, "1|ann\n2|bob\n");
    tu_db_rows_eq(db, "SELECT count(*) FROM pg_type WHERE typname = 'mood' AND typnamespace = current_schema()::regnamespace",
            1, "0\n");
    ck_assert_msg(mc_migrate_to(db, list, 3, 0) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 0);
    tu_db_rows_eq(db, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", 1, "modelc_migrations\n");
    mc_close(db);
    free(url);
}
END_TEST

/* A migration whose second statement fails: the step is rolled back as a
 * whole (its first statement's table is gone again), the database stays
 * at the previous version with the same catalog, the message names the
 * migration, the statement and the server's reason, nothing is printed,
 * and the connection is usable (no transaction left open). */
START_TEST(failing_statement_leaves_previous_version)
{
    char *url = schema_url("pgr_fail");
    if (!url)
        return;
    mc_db *db = open_url(url, -1);
    file files[3] = {blog[0], blog[1],
                     {"broken",
                      "CREATE TABLE tag (id SERIAL PRIMARY KEY, name TEXT);\n"
                      "ALTER TABLE no_such_table ADD COLUMN x INTEGER;\n"
                      "CREATE TABLE never (id INTEGER);",
                      "DROP TABLE tag;", ""}};
    mc_migration list[3];
    fill(list, files, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 2), MC_OK);
    exec_ok(db, "INSERT INTO \"user\" (username) VALUES ('ann')");
    char *before = catalog(db);

    /* stdout and stderr into a file while the runner fails */
    fflush(stdout);
    fflush(stderr);
    char *out = tu_fmt("/tmp/pgr_fail_%d.out", (int)getpid());
    int fd = open(out, O_CREAT | O_TRUNC | O_WRONLY, 0600), saved1 = dup(1), saved2 = dup(2);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    int rc = mc_migrate_to(db, list, 3, -1);
    fflush(stdout);
    fflush(stderr);
    dup2(saved1, 1);
    dup2(saved2, 2);
    close(fd);
    close(saved1);
    close(saved2);
    size_t printed = 0;
    char *text = tu_read_file(out, &printed);
    ck_assert_msg(printed == 0, "the runtime printed: %s", text);
    free(text);
    unlink(out);
    free(out);

    ck_assert_int_eq(rc, MC_ERROR);
    assert_msg_has(db, "migration 0003 (broken): statement 2 failed: ALTER TABLE no_such_table ADD COLUMN x INTEGER");
    assert_msg_has(db, "no_such_table");
    ck_assert_str_eq(mc_sqlstate(db), "42P01");
    ck_assert_int_eq(mc_txn_depth(db), 0);
    ck_assert_int_eq(current(db), 2);
    char *after = catalog(db);
    ck_assert_str_eq(after, before);
    ck_assert_ptr_null(strstr(after, "tag"));
    tu_db_rows_eq(db, "SELECT username, email FROM \"user\"", 2, "ann|NULL\n");
    free(after);
    free(before);

    /* fixed, it runs */
    files[2].up = "CREATE TABLE tag (id SERIAL PRIMARY KEY, name TEXT);";
    fill(list, files, 3);
    ck_assert_msg(mc_migrate_to(db, list, 3, -1) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 3);
    mc_close(db);
    free(url);
}
END_TEST

/* A migration may not end its transaction; one without a downgrade
 * cannot be undone; both leave the version where it was. */
START_TEST(commit_inside_and_no_downgrade_refused)
{
    char *url = schema_url("pgr_refuse");
    if (!url)
        return;
    mc_db *db = open_url(url, -1);
    file files[2] = {blog[0], {"commits", "CREATE TABLE a (id INTEGER);\nCOMMIT;\nCREATE TABLE b (id INTEGER);", NULL, ""}};
    mc_migration list[2];
    fill(list, files, 2);
    ck_assert_int_eq(mc_migrate_to(db, list, 2, -1), MC_INVALID);
    assert_msg_has(db, "migration 0002 (commits): statement 2 (COMMIT): a migration may not end its transaction");
    ck_assert_int_eq(current(db), 1);
    tu_db_rows_eq(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'a'", 1, "0\n");

    files[1].up = "CREATE TABLE a (id INTEGER);";
    fill(list, files, 2);
    ck_assert_msg(mc_migrate_to(db, list, 2, -1) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(mc_migrate_to(db, list, 2, 1), MC_INVALID);
    assert_msg_has(db, "migration 0002 (commits) has no downgrade: it cannot be undone");
    ck_assert_int_eq(current(db), 2);
    mc_close(db);
    free(url);
}
END_TEST

/* A file edited after it was applied, or missing, is reported, not run. */
START_TEST(edited_and_missing_files_refused)
{
    char *url = schema_url("pgr_edited");
    if (!url)
        return;
    mc_db *db = open_url(url, -1);
    mc_migration list[3];
    fill(list, blog, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 2), MC_OK);

    file edited[3] = {blog[0], blog[1], blog[2]};
    edited[1].up = "ALTER TABLE \"user\" ADD COLUMN email VARCHAR(200);";
    mc_migration changed[3];
    fill(changed, edited, 3);
    ck_assert_int_eq(mc_migrate_to(db, changed, 3, -1), MC_INVALID);
    assert_msg_has(db, "migration 0002 (add_user_email) was applied with checksum");
    assert_msg_has(db, "it was edited after it was applied");
    ck_assert_int_eq(mc_migrate_verify(db, changed, 3), MC_INVALID);
    ck_assert_int_eq(current(db), 2);

    ck_assert_int_eq(mc_migrate_to(db, list, 1, -1), MC_INVALID);
    assert_msg_has(db, "migration 0002 is applied in the database but missing");
    ck_assert_int_eq(current(db), 2);
    mc_close(db);
    free(url);
}
END_TEST

/* stamp records versions without running them, and accepts an edit. */
START_TEST(stamp_records_without_running)
{
    char *url = schema_url("pgr_stamp");
    if (!url)
        return;
    mc_db *db = open_url(url, -1);
    mc_migration list[3];
    fill(list, blog, 3);
    ck_assert_msg(mc_migrate_stamp(db, list, 3, 2) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 2);
    tu_db_rows_eq(db, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()", 1, "modelc_migrations\n");
    ck_assert_msg(mc_migrate_stamp(db, list, 3, 0) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 0);

    ck_assert_int_eq(mc_migrate_to(db, list, 3, 2), MC_OK);
    file edited[3] = {blog[0], blog[1], blog[2]};
    edited[1].up = "ALTER TABLE \"user\" ADD COLUMN email VARCHAR(120); -- reviewed";
    mc_migration changed[3];
    fill(changed, edited, 3);
    ck_assert_int_eq(mc_migrate_verify(db, changed, 3), MC_INVALID);
    ck_assert_msg(mc_migrate_stamp(db, changed, 3, -1) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 3);
    ck_assert_int_eq(mc_migrate_verify(db, changed, 3), MC_OK);
    char *want = tu_fmt("2|%s\n3|%s\n", changed[1].checksum, changed[2].checksum);
    tu_db_rows_eq(db, "SELECT version, checksum FROM modelc_migrations WHERE version > 1 ORDER BY version", 2, want);
    free(want);
    /* stamp did not run 0003 */
    tu_db_rows_eq(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'post'", 1,
            "0\n");
    mc_close(db);
    free(url);
}
END_TEST

/* ---- the plan (--sql) ------------------------------------------------------------------ */

/* What the plan gave: a listing ("+N statement" per statement, - for a
 * downgrade) and the statements as one script. */
typedef struct listing {
    char *lines, *script;
} listing;

static void collect(void *ctx, const mc_migration *m, int upgrading, const char *sql)
{
    listing *l = ctx;
    char *lines = tu_fmt("%s%c%d %s\n", l->lines, upgrading ? '+' : '-', m->version, sql);
    char *script = tu_fmt("%s%s;\n", l->script, sql);
    free(l->lines);
    free(l->script);
    l->lines = lines;
    l->script = script;
}

static listing plan_of(mc_db *db, const mc_migration *list, size_t n, int target)
{
    listing l = {tu_fmt("%s", ""), tu_fmt("%s", "")};
    ck_assert_msg(mc_migrate_plan(db, list, n, target, collect, &l) == MC_OK, "%s", mc_errmsg(db));
    return l;
}

static void listing_free(listing *l)
{
    free(l->lines);
    free(l->script);
}

/* The plan is the runnable script of what the runner does, touching
 * nothing: the version table when missing, then per migration BEGIN, the
 * lock, its statements, its version row, COMMIT. */
START_TEST(plan_shows_the_lock_and_touches_nothing)
{
    char *url = schema_url("pgr_plan");
    if (!url)
        return;
    mc_db *db = open_url(url, -1);
    mc_migration list[3];
    fill(list, blog, 3);
    listing l = plan_of(db, list, 3, 2);
    const char *plan = l.lines;
    tu_db_rows_eq(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", 1, "0\n");
    const char *want_start =
        "+1 CREATE TABLE IF NOT EXISTS \"modelc_migrations\" (\n"
        "    version INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n    checksum TEXT NOT NULL,\n"
        "    applied_at TEXT NOT NULL\n)\n"
        "+1 BEGIN ISOLATION LEVEL READ COMMITTED\n"
        "+1 " LOCK_SQL "\n"
        "+1 CREATE TABLE \"user\" (\n";
    ck_assert_msg(strncmp(plan, want_start, strlen(want_start)) == 0, "plan:\n%s", plan);
    ck_assert_ptr_nonnull(strstr(plan, "\n+1 CREATE UNIQUE INDEX ix_user_username ON \"user\" (username)\n"
                                       "+1 INSERT INTO \"modelc_migrations\" (version, name, checksum, applied_at) "
                                       "VALUES (1, 'create_user', '"));
    ck_assert_ptr_nonnull(strstr(plan, "\n+1 COMMIT\n+2 BEGIN ISOLATION LEVEL READ COMMITTED\n+2 " LOCK_SQL "\n"
                                       "+2 ALTER TABLE \"user\" ADD COLUMN email VARCHAR(120)\n"));
    ck_assert_ptr_null(strstr(plan, "PRAGMA"));
    ck_assert_ptr_null(strstr(plan, "+3"));

    /* run as a script, it does what the runner does */
    exec_ok(db, l.script);
    ck_assert_int_eq(current(db), 2);
    ck_assert_int_eq(mc_migrate_verify(db, list, 3), MC_OK);
    listing_free(&l);

    /* at 2, a downgrade to 1: no CREATE TABLE, the version row deleted */
    l = plan_of(db, list, 3, 1);
    ck_assert_msg(strcmp(l.lines, "-2 BEGIN ISOLATION LEVEL READ COMMITTED\n-2 " LOCK_SQL "\n"
                                  "-2 DROP INDEX ix_user_email\n-2 ALTER TABLE \"user\" DROP COLUMN email\n"
                                  "-2 DELETE FROM \"modelc_migrations\" WHERE version = 2\n-2 COMMIT\n") == 0,
                  "plan:\n%s", l.lines);
    ck_assert_int_eq(current(db), 2);
    listing_free(&l);
    mc_close(db);
    free(url);
}
END_TEST

/* ---- the lock --------------------------------------------------------------------------- */

/* While another session holds the runner's lock, an upgrade waits for it
 * up to the busy timeout, then fails with MC_BUSY and changes nothing; so
 * does a step whose ALTER TABLE waits behind an application's open
 * transaction on the table.  Once the locks are free it runs.  A runner in an open transaction is
 * refused (MC_MISUSE). */
START_TEST(lock_held_elsewhere_is_busy)
{
    char *url = schema_url("pgr_lock");
    if (!url)
        return;
    mc_db *holder = open_url(url, -1), *db = open_url(url, 300);
    mc_migration list[3];
    fill(list, blog, 3);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 1), MC_OK);
    exec_ok(db, "INSERT INTO \"user\" (username) VALUES ('ann')");

    ck_assert_int_eq(mc_begin(holder), MC_OK);
    exec_ok(holder, LOCK_SQL);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_BUSY);
    assert_msg_has(db, "migration 0002 (add_user_email)");
    ck_assert_int_eq(mc_txn_depth(db), 0);
    ck_assert_int_eq(mc_migrate_stamp(db, list, 3, 3), MC_BUSY);
    ck_assert_int_eq(current(db), 1);
    ck_assert_int_eq(mc_commit(holder), MC_OK);

    /* an application's open transaction on "user": 0002's ALTER TABLE
     * waits for it up to the busy timeout, then the step is rolled back */
    ck_assert_int_eq(mc_begin(holder), MC_OK);
    tu_db_rows_eq(holder, "SELECT count(*) FROM \"user\"", 1, "1\n");
    ck_assert_int_eq(mc_migrate_to(db, list, 3, -1), MC_BUSY);
    assert_msg_has(db, "migration 0002 (add_user_email): statement 1 failed: ALTER TABLE \"user\" ADD COLUMN email");
    ck_assert_int_eq(current(db), 1);
    ck_assert_int_eq(mc_commit(holder), MC_OK);

    ck_assert_msg(mc_migrate_to(db, list, 3, -1) == MC_OK, "%s", mc_errmsg(db));
    ck_assert_int_eq(current(db), 3);

    ck_assert_int_eq(mc_begin(db), MC_OK);
    ck_assert_int_eq(mc_migrate_to(db, list, 3, 1), MC_MISUSE);
    assert_msg_has(db, "a transaction is open");
    ck_assert_int_eq(mc_rollback(db), MC_OK);
    mc_close(holder);
    mc_close(db);
    free(url);
}
END_TEST

/* ---- two processes at once --------------------------------------------------------------- */

typedef struct counts {
    int started, done;
} counts;

static void count_steps(void *ctx, const mc_migration *m, int upgrading, mc_migration_event ev, long long done,
                        long long total)
{
    counts *c = ctx;
    (void)m, (void)upgrading, (void)done, (void)total;
    if (ev == MC_MIGRATION_STARTED)
        c->started++;
    else if (ev == MC_MIGRATION_DONE)
        c->done++;
}

/* Each step logs itself into a table and sleeps a little, so that the
 * second process is always waiting on the lock while the first runs. */
static file slow[] = {
    {"create_log", "CREATE TABLE applied (m TEXT);\nINSERT INTO applied VALUES ('m1');\nSELECT pg_sleep(0.2);",
     "DROP TABLE applied;", ""},
    {"second", "INSERT INTO applied VALUES ('m2');\nSELECT pg_sleep(0.2);", "DELETE FROM applied WHERE m = 'm2';", ""},
    {"third", "INSERT INTO applied VALUES ('m3');\nCREATE TABLE t3 (id INTEGER);\nSELECT pg_sleep(0.2);",
     "DROP TABLE t3;\nDELETE FROM applied WHERE m = 'm3';", ""},
};

/* Two processes upgrade the same fresh database at the same moment: both
 * succeed, every step runs once (the applied log has each once, the
 * events of both add up to three), and the version is the latest. */
START_TEST(two_processes_upgrade_once)
{
    char *url = schema_url("pgr_race");
    if (!url)
        return;
    enum { PROCS = 2 };
    pid_t pids[PROCS];
    int go[2], res[2];
    ck_assert_int_eq(pipe(go), 0);
    ck_assert_int_eq(pipe(res), 0);
    for (int i = 0; i < PROCS; i++) {
        pids[i] = fork();
        ck_assert_int_ne(pids[i], -1);
        if (pids[i] == 0) {
            mc_migration list[3];
            counts c = {0, 0};
            mc_db *mine = NULL;
            char ch;
            close(go[1]);
            close(res[0]);
            fill(list, slow, 3);
            int rc = mc_open(&mine, url, NULL);
            (void)!read(go[0], &ch, 1);
            if (rc == MC_OK)
                rc = mc_migrate_run(mine, list, 3, -1, count_steps, &c);
            if (rc != MC_OK)
                fprintf(stderr, "process %d: %s\n", i, mc_errmsg(mine));
            mc_close(mine);
            free(url);
            (void)!write(res[1], &c, sizeof c);
            _exit(rc);
        }
    }
    close(go[0]);
    close(res[1]);
    close(go[1]); /* EOF: go */
    counts all = {0, 0};
    for (int i = 0; i < PROCS; i++) {
        counts c;
        int status;
        ck_assert_int_eq(read(res[0], &c, sizeof c), (ssize_t)sizeof c);
        all.started += c.started;
        all.done += c.done;
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), MC_OK);
    }
    close(res[0]);
    ck_assert_int_eq(all.started, 3);
    ck_assert_int_eq(all.done, 3);
    mc_db *db = open_url(url, -1);
    ck_assert_int_eq(current(db), 3);
    tu_db_rows_eq(db, "SELECT m, count(*) FROM applied GROUP BY m ORDER BY m", 2, "m1|1\nm2|1\nm3|1\n");
    tu_db_rows_eq(db, "SELECT count(*) FROM modelc_migrations", 1, "3\n");
    mc_close(db);
    free(url);
}
END_TEST

/* ---- the commands ------------------------------------------------------------------------ */

#define CMD_OK(r, what) ck_assert_msg((r).status == 0, "%s: exit %d\nstdout: %s\nstderr: %s", what, (r).status, \
                                      (r).out, (r).err)

/* `modelc ARGS` in dir (a shell line: ARGS may set variables first). */
static tu_result in_dir(const char *dir, const char *args)
{
    char *cmd = tu_fmt("cd '%s' && %s", dir, args);
    tu_result r = tu_sh(cmd, 120);
    free(cmd);
    return r;
}

/* Runs `modelc ARGS` in dir (fmt: what follows "modelc "), expecting exit
 * status `want`; returns the result. */
static tu_result mc_run(int want, const char *dir, const char *fmt, const char *a, const char *b)
{
    char *args = tu_fmt(fmt, a ? a : "", b ? b : "");
    char *line = tu_fmt("'%s' %s", tu_modelc(), args);
    tu_result r = in_dir(dir, line);
    ck_assert_msg(r.status == want, "modelc %s: exit %d, not %d\nstdout: %s\nstderr: %s", args, r.status, want,
                  r.out, r.err);
    free(line);
    free(args);
    return r;
}

static void has(const char *text, const char *part)
{
    ck_assert_msg(strstr(text, part) != NULL, "\"%s\" lacks \"%s\"", text, part);
}

/* url with user:s3cret@ for its user@ (trust authentication ignores it). */
static char *with_password(const char *url)
{
    const char *at = strchr(url, '@');
    ck_assert_ptr_nonnull(at);
    return tu_fmt("%.*s:s3cret%s", (int)(at - url), url, at);
}

static void no_password(const tu_result *r)
{
    ck_assert_msg(!strstr(r->out, "s3cret") && !strstr(r->err, "s3cret"), "the password shows:\n%s%s", r->out,
                  r->err);
}

/* dir/s.model holding text. */
static void set_schema(const char *dir, const char *text)
{
    char *path = tu_fmt("%s/s.model", dir);
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
    free(path);
}

#define USER_MODEL "model User { id Integer primary_key; name String(64) not_null; email String(120) }\n"
#define POST_MODEL "model Post { id Integer primary_key; body Text; user_id Integer foreign_key(User.id) }\n"

/* A project directory with a two-step PostgreSQL history written by
 * `modelc migrate --dialect postgresql` (User, then Post). */
static char *two_step_project(void)
{
    char *dir = tu_mkdtemp();
    tu_result r = mc_run(0, dir, "init", NULL, NULL);
    tu_result_free(&r);
    set_schema(dir, USER_MODEL);
    r = mc_run(0, dir, "migrate s.model --dialect postgresql -m users", NULL, NULL);
    tu_result_free(&r);
    set_schema(dir, USER_MODEL POST_MODEL);
    r = mc_run(0, dir, "migrate s.model --dialect postgresql -m posts", NULL, NULL);
    tu_result_free(&r);
    return dir;
}

/* upgrade (--sql, --to), current, history --db, downgrade, stamp with a
 * postgresql:// URL in --db or $DATABASE_URL: each does what it does on
 * SQLite, the rows are kept, and no output shows the URL's password. */
START_TEST(commands_on_a_postgresql_url)
{
    char *url = schema_url("pgr_cli");
    if (!url)
        return;
    char *pw = with_password(url);
    char *dir = two_step_project();

    tu_result r = mc_run(0, dir, "upgrade --db '%s' --sql", pw, NULL);
    has(r.out, "-- upgrade 0001 (users)\nCREATE TABLE IF NOT EXISTS \"modelc_migrations\" (");
    has(r.out, "BEGIN ISOLATION LEVEL READ COMMITTED;\n" LOCK_SQL ";\n");
    has(r.out, "-- upgrade 0002 (posts)\n");
    no_password(&r);
    tu_result_free(&r);
    r = mc_run(0, dir, "current --db '%s'", pw, NULL);
    ck_assert_str_eq(r.out, "0000 (no migration applied)\n");
    tu_result_free(&r);
    mc_db *db = open_url(url, -1);
    tu_db_rows_eq(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", 1, "0\n");

    r = mc_run(0, dir, "upgrade --db '%s' --to 1", pw, NULL);
    has(r.out, "Upgraded to 0001 (users)");
    has(r.out, "is at 0001.");
    has(r.out, "postgresql://nobody:***@");
    no_password(&r);
    tu_result_free(&r);
    exec_ok(db, "INSERT INTO \"user\" (name, email) VALUES ('ann', 'ann@example.com')");

    char *line = tu_fmt("DATABASE_URL='%s' '%s' current", pw, tu_modelc());
    r = in_dir(dir, line);
    free(line);
    CMD_OK(r, "current");
    ck_assert_str_eq(r.out, "0001 users\n");
    tu_result_free(&r);

    r = mc_run(0, dir, "history --db '%s'", pw, NULL);
    has(r.out, "[X] 0001 users");
    has(r.out, "(current)");
    has(r.out, "[ ] 0002 posts");
    has(r.out, "is at 0001; 1 pending.");
    no_password(&r);
    tu_result_free(&r);

    line = tu_fmt("DATABASE_URL='%s' '%s' upgrade", pw, tu_modelc());
    r = in_dir(dir, line);
    free(line);
    CMD_OK(r, "upgrade");
    has(r.out, "Upgraded to 0002 (posts)");
    no_password(&r);
    tu_result_free(&r);
    ck_assert_int_eq(current(db), 2);
    exec_ok(db, "INSERT INTO post (body, user_id) VALUES ('hello', 1)");

    r = mc_run(0, dir, "downgrade --db '%s' --sql", pw, NULL);
    has(r.out, "-- downgrade 0002 (posts)\nBEGIN ISOLATION LEVEL READ COMMITTED;\n");
    has(r.out, "DELETE FROM \"modelc_migrations\" WHERE version = 2;\nCOMMIT;\n");
    tu_result_free(&r);
    ck_assert_int_eq(current(db), 2);

    r = mc_run(0, dir, "downgrade --db '%s'", pw, NULL);
    has(r.out, "Downgraded 0002 (posts)");
    no_password(&r);
    tu_result_free(&r);
    ck_assert_int_eq(current(db), 1);
    tu_db_rows_eq(db, "SELECT id, name, email FROM \"user\"", 3, "1|ann|ann@example.com\n");
    tu_db_rows_eq(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'post'", 1,
            "0\n");

    r = mc_run(0, dir, "stamp 2 --db '%s'", pw, NULL);
    has(r.out, "Stamped postgresql://nobody:***@");
    no_password(&r);
    tu_result_free(&r);
    ck_assert_int_eq(current(db), 2);
    r = mc_run(0, dir, "upgrade --db '%s'", pw, NULL);
    has(r.out, "is at 0002; nothing to do.");
    tu_result_free(&r);

    /* --secure-delete is SQLite's */
    r = mc_run(2, dir, "upgrade --db '%s' --secure-delete on", pw, NULL);
    has(r.err, "--secure-delete is SQLite's setting");
    no_password(&r);
    tu_result_free(&r);
    mc_close(db);
    tu_rmdir(dir);
    free(pw);
    free(url);
}
END_TEST

/* A URL as Flask-SQLAlchemy configs write it, postgresql+psycopg2://, is
 * the PostgreSQL database mc_open connects to for every command: upgrade
 * takes the PostgreSQL history, check compares it, the default dialect of
 * migrate is PostgreSQL's. */
START_TEST(sqlalchemy_driver_url_is_postgresql)
{
    char *url = schema_url("pgr_driver");
    if (!url)
        return;
    ck_assert(strncmp(url, "postgresql://", 13) == 0);
    char *driver = tu_fmt("postgresql+psycopg2://%s", url + 13);
    char *dir = two_step_project();
    tu_result r = mc_run(0, dir, "upgrade --db '%s'", driver, NULL);
    has(r.out, "Upgraded to 0002 (posts)");
    tu_result_free(&r);
    mc_db *db = open_url(url, -1);
    ck_assert_int_eq(current(db), 2);
    mc_close(db);
    r = mc_run(0, dir, "check s.model --db '%s'", driver, NULL);
    has(r.out, "OK: the migrations and postgresql+psycopg2://");
    tu_result_free(&r);
    set_schema(dir, USER_MODEL POST_MODEL "model Tag { id Integer primary_key }\n");
    char *line = tu_fmt("DATABASE_URL='%s' '%s' migrate s.model -m tags", driver, tu_modelc());
    r = in_dir(dir, line);
    free(line);
    CMD_OK(r, "migrate");
    tu_result_free(&r);
    char *cmd = tu_fmt("grep -l '^-- Dialect: postgresql$' '%s'/migrations/0003_tags.sql", dir);
    r = tu_sh(cmd, 10);
    free(cmd);
    ck_assert_msg(r.status == 0, "0003 is not a PostgreSQL migration");
    tu_result_free(&r);
    tu_rmdir(dir);
    free(driver);
    free(url);
}
END_TEST

/* A SQLite history is refused on a PostgreSQL database before anything
 * runs (as a PostgreSQL history is on SQLite), naming the file. */
START_TEST(another_dialects_history_refused)
{
    char *url = schema_url("pgr_dialect");
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    tu_result r = mc_run(0, dir, "init", NULL, NULL);
    tu_result_free(&r);
    set_schema(dir, USER_MODEL);
    r = mc_run(0, dir, "migrate s.model --dialect sqlite -m users", NULL, NULL);
    tu_result_free(&r);
    r = mc_run(1, dir, "upgrade --db '%s'", url, NULL);
    has(r.err, "0001_users.sql: a sqlite migration (its '-- Dialect:' line), in a postgresql history");
    has(r.err, "is a PostgreSQL database: it takes a PostgreSQL history (`modelc migrate SCHEMA --dialect "
               "postgresql --dir DIR`)");
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    r = mc_run(1, dir, "stamp 1 --db '%s'", url, NULL);
    tu_result_free(&r);
    mc_db *db = open_url(url, -1);
    tu_db_rows_eq(db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", 1, "0\n");
    mc_close(db);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* dir/migrations/NNNN_name.sql, a hand-written PostgreSQL migration. */
static void hand_file(const char *dir, int n, const char *name, const char *up, const char *down)
{
    char *path = tu_fmt("%s/migrations/%04d_%s.sql", dir, n, name);
    char *text = tu_fmt("-- Migration %04d: %s\n-- Dialect: postgresql\n-- modelc:upgrade\n%s\n"
                        "-- modelc:downgrade\n%s\n",
                        n, name, up, down);
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
    free(text);
    free(path);
}

/* `modelc upgrade` through a file whose second statement fails: exit 1,
 * the message names the file's migration, the statement and the reason,
 * the database stays at the version before it with its catalog. */
START_TEST(failing_file_leaves_previous_version)
{
    char *url = schema_url("pgr_cli_fail");
    if (!url)
        return;
    char *dir = two_step_project();
    hand_file(dir, 3, "broken",
              "CREATE TABLE tag (id SERIAL PRIMARY KEY);\nALTER TABLE post ADD COLUMN user_id INTEGER;\n"
              "CREATE TABLE never (id INTEGER);",
              "DROP TABLE tag;");
    tu_result r = mc_run(0, dir, "upgrade --db '%s' --to 2", url, NULL);
    tu_result_free(&r);
    mc_db *db = open_url(url, -1);
    char *before = catalog(db);
    r = mc_run(1, dir, "upgrade --db '%s'", url, NULL);
    has(r.err, "migration 0003 (broken): statement 2 failed: ALTER TABLE post ADD COLUMN user_id INTEGER: ");
    has(r.err, "user_id");
    has(r.out, "Upgrading to 0003 (broken) ...");
    ck_assert_ptr_null(strstr(r.out, "Upgraded to 0003"));
    tu_result_free(&r);
    ck_assert_int_eq(current(db), 2);
    char *after = catalog(db);
    ck_assert_str_eq(after, before);
    r = mc_run(0, dir, "current --db '%s'", url, NULL);
    ck_assert_str_eq(r.out, "0002 posts\n");
    tu_result_free(&r);
    free(after);
    free(before);
    mc_close(db);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* Two `modelc upgrade` processes at once on one database: both exit 0,
 * each step runs once (in one process or the other, which says so), the
 * database ends at the latest version. */
START_TEST(two_upgrade_commands_at_once)
{
    char *url = schema_url("pgr_cli_race");
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    tu_result r = mc_run(0, dir, "init", NULL, NULL);
    tu_result_free(&r);
    hand_file(dir, 1, "log", "CREATE TABLE applied (m TEXT);\nINSERT INTO applied VALUES ('m1');\nSELECT pg_sleep(0.3);",
              "DROP TABLE applied;");
    hand_file(dir, 2, "two", "INSERT INTO applied VALUES ('m2');\nSELECT pg_sleep(0.3);",
              "DELETE FROM applied WHERE m = 'm2';");
    hand_file(dir, 3, "three", "INSERT INTO applied VALUES ('m3');\nSELECT pg_sleep(0.3);",
              "DELETE FROM applied WHERE m = 'm3';");
    char *line = tu_fmt("{ ('%s' upgrade --db '%s' > a.out 2>&1; echo $? > a.rc) & "
                        "('%s' upgrade --db '%s' > b.out 2>&1; echo $? > b.rc) & wait; "
                        "cat a.rc b.rc; cat a.out b.out; }",
                        tu_modelc(), url, tu_modelc(), url);
    r = in_dir(dir, line);
    free(line);
    CMD_OK(r, "two upgrades");
    ck_assert_msg(strncmp(r.out, "0\n0\n", 4) == 0, "%s", r.out);
    /* each step "Upgraded to" once, and "applied by another process" for the rest */
    for (int v = 1; v <= 3; v++) {
        char *done = tu_fmt("Upgraded to %04d", v);
        const char *first = strstr(r.out, done);
        ck_assert_msg(first && !strstr(first + 1, done), "%s once:\n%s", done, r.out);
        free(done);
    }
    tu_result_free(&r);
    mc_db *db = open_url(url, -1);
    ck_assert_int_eq(current(db), 3);
    tu_db_rows_eq(db, "SELECT m, count(*) FROM applied GROUP BY m ORDER BY m", 2, "m1|1\nm2|1\nm3|1\n");
    mc_close(db);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* `modelc upgrade --lock-timeout S` while another session holds the
 * runner's advisory lock: 0 fails at once and 1 after about a second,
 * with the hint, leaving the version; 30 waits for the holder, which commits after a
 * second, and then applies the step. */
START_TEST(lock_timeout_sets_how_long_upgrade_waits)
{
    char *url = schema_url("pgr_lock_timeout");
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    tu_result r = mc_run(0, dir, "init", NULL, NULL);
    tu_result_free(&r);
    hand_file(dir, 1, "one", "CREATE TABLE one (id INTEGER);", "DROP TABLE one;");
    mc_db *holder = open_url(url, -1);
    ck_assert_int_eq(mc_begin(holder), MC_OK);
    exec_ok(holder, LOCK_SQL);

    /* 0 does not wait (PostgreSQL's own lock_timeout 0 would wait for ever) */
    const char *waits[] = {"0", "1"};
    for (int k = 0; k < 2; k++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        r = mc_run(1, dir, "upgrade --db '%s' --lock-timeout %s", url, waits[k]);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        has(r.err, "--lock-timeout S waits longer");
        if (k == 0)
            ck_assert_msg(took < 0.8, "--lock-timeout 0 failed after %.1f s", took);
        else
            ck_assert_msg(took > 0.8 && took < 4.5, "--lock-timeout 1 failed after %.1f s", took);
        tu_result_free(&r);
    }
    mc_db *db = open_url(url, -1);
    ck_assert_int_eq(current(db), 0);

    char *cmd = tu_fmt("cd '%s' && '%s' upgrade --db '%s' --lock-timeout 30 2>&1; echo \"exit $?\"", dir,
                       tu_modelc(), url);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    sleep(1);
    ck_assert_int_eq(mc_commit(holder), MC_OK);
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    has(out, "Upgraded to 0001 (one)");
    has(out, "exit 0");
    ck_assert_int_eq(current(db), 1);
    mc_close(db);
    mc_close(holder);
    free(cmd);
    tu_rmdir(dir);
    free(url);
}
END_TEST

/* ---- the seed walk-through ------------------------------------------------------------------ */

/* make demo's steps (examples/blog/Makefile `run`) with DATABASE_URL a
 * postgresql:// URL: init, migrate (the dialect follows the URL), check,
 * upgrade, current, check of the upgraded database (no drift), generate
 * with the history compiled in, then the
 * walk-through program, whose output is the one it prints on SQLite; on
 * an empty database the program applies its compiled-in history itself.
 * A program compiled with the SQLite history refuses the PostgreSQL
 * database. */
START_TEST(seed_walkthrough_on_postgresql)
{
    char *url = schema_url("pgr_walk");
    if (!url)
        return;
    char *dir = tu_mkdtemp();
    const char *modelc = tu_modelc();
    char *line = tu_fmt(
        "cp '%s' blog.model && cp '%s' blog.c && export DATABASE_URL='%s' && "
        "'%s' init && '%s' migrate blog.model -m 'create user post' && grep -c '^-- Dialect: postgresql$' "
        "migrations/0001_create_user_post.sql && "
        /* before the upgrade, as make demo does: the history alone */
        "DATABASE_URL= '%s' check blog.model --dir migrations && "
        "'%s' upgrade && '%s' current && '%s' check blog.model",
        tu_example("examples/blog.model"), tu_path("examples/blog/blog.c"), url, modelc, modelc, modelc, modelc,
        modelc, modelc);
    tu_result r = in_dir(dir, line);
    free(line);
    CMD_OK(r, "the walk-through's commands");
    has(r.out, "Wrote migrations/0001_create_user_post.sql\n1\n");
    has(r.out, "Upgraded to 0001 (create_user_post)");
    has(r.out, "0001 create_user_post\nOK: the migrations and postgresql://");
    tu_result_free(&r);

    /* the program, with the PostgreSQL history compiled in, and once with SQLite's */
    line = tu_fmt("'%s' generate blog.model -o pg --migrations migrations && "
                  "'%s' generate blog.model -o lite --migrations '%s' && "
                  "cc -std=c11 -Wall -Wextra -Wpedantic -Werror %s -Ipg -I'%s' -o blog_pg blog.c pg/blog.c "
                  "'%s/libmodelc.a' -lsqlite3 && "
                  "cc -std=c11 -Wall -Wextra -Wpedantic -Werror %s -Ilite -I'%s' -o blog_lite blog.c lite/blog.c "
                  "'%s/libmodelc.a' -lsqlite3",
                  modelc, modelc, tu_path("examples/blog/migrations"), tu_cflags(), tu_path("runtime"), tu_build(),
                  tu_cflags(), tu_path("runtime"), tu_build());
    r = in_dir(dir, line);
    free(line);
    CMD_OK(r, "building the walk-through");
    tu_result_free(&r);

    line = tu_fmt("DATABASE_URL='%s' ./blog_pg", url);
    tu_result pg = in_dir(dir, line);
    free(line);
    CMD_OK(pg, "blog on PostgreSQL");
    line = tu_fmt("'%s' upgrade --db app.db --dir '%s' > /dev/null && DATABASE_URL= ./blog_lite app.db", modelc,
                  tu_path("examples/blog/migrations"));
    tu_result lite = in_dir(dir, line);
    free(line);
    CMD_OK(lite, "blog on SQLite");
    ck_assert_str_eq(pg.out, lite.out);
    has(pg.out, "1 MrsBrown my first post!\n");
    ck_assert_str_eq(pg.err, "");
    tu_result_free(&pg);
    tu_result_free(&lite);

    line = tu_fmt("DATABASE_URL='%s' ./blog_lite", url);
    r = in_dir(dir, line);
    free(line);
    ck_assert_int_eq(r.status, 1);
    has(r.err, "blog_migrate: the migrations compiled in are a SQLite history; this database is not SQLite");
    tu_result_free(&r);

    /* on an empty database the program upgrades it itself (blog_migrate) */
    char *fresh = schema_url("pgr_walk_self");
    line = tu_fmt("DATABASE_URL='%s' ./blog_pg && '%s' current --db '%s'", fresh, modelc, fresh);
    r = in_dir(dir, line);
    free(line);
    CMD_OK(r, "blog on an empty PostgreSQL schema");
    has(r.out, "1 MrsBrown my first post!\n");
    has(r.out, "]\n0001 create_user_post\n");
    tu_result_free(&r);
    free(fresh);
    tu_rmdir(dir);
    free(url);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("migrate_pg_runner");
    TCase *tc = tcase_create("runtime");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, upgrade_downgrade_keep_data);
    tcase_add_test(tc, failing_statement_leaves_previous_version);
    tcase_add_test(tc, commit_inside_and_no_downgrade_refused);
    tcase_add_test(tc, edited_and_missing_files_refused);
    tcase_add_test(tc, stamp_records_without_running);
    tcase_add_test(tc, plan_shows_the_lock_and_touches_nothing);
    tcase_add_test(tc, lock_held_elsewhere_is_busy);
    tcase_add_test(tc, two_processes_upgrade_once);
    suite_add_tcase(s, tc);
    tc = tcase_create("commands");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, commands_on_a_postgresql_url);
    tcase_add_test(tc, another_dialects_history_refused);
    tcase_add_test(tc, sqlalchemy_driver_url_is_postgresql);
    tcase_add_test(tc, failing_file_leaves_previous_version);
    tcase_add_test(tc, two_upgrade_commands_at_once);
    tcase_add_test(tc, lock_timeout_sets_how_long_upgrade_waits);
    tcase_add_test(tc, seed_walkthrough_on_postgresql);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
