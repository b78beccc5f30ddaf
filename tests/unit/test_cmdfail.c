/*
 * test_cmdfail.c -- commands that cannot do what was asked say so, and
 * read-only commands change nothing (DSL.md section 2; issue 7 section 4).
 *
 * Every database a user might point modelc at by mistake -- a missing
 * file, a directory, a FIFO, /dev/zero, a text file, a damaged database,
 * a path under a missing directory, a PostgreSQL URL with a password --
 * must make `current`, `check --db`, `upgrade --sql` and `downgrade --sql`
 * exit 1 with one message naming the database (never its password), and
 * leave the file byte for byte as it was.  `upgrade` creates a missing
 * database and refuses the rest.  Locks end in MC_BUSY / exit 1 within
 * the busy timeout; read-only files and directories are readable and are
 * refused for writing with a message; a full disk never leaves a database
 * unreadable.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "modelc.h"
#include "dbrows.h"
#include "testutil.h"

static const char BASE[] = "model User {\n"
                           "    id       Integer     primary_key\n"
                           "    username String(64)  unique\n"
                           "}\n";

/* ---- running modelc ---------------------------------------------------------- */

static tu_result mcv(const char *const *args)
{
    const char *argv[24];
    int n = 0;
    argv[n++] = tu_modelc();
    for (; *args && n < 23; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    return tu_run(argv, NULL, 60);
}

#define MC(...) mcv((const char *const[]){__VA_ARGS__, NULL})

#define EXPECT_OK(r, what) \
    ck_assert_msg((r).status == 0, "%s: exit %d\nstdout: %s\nstderr: %s", what, (r).status, (r).out, (r).err)

static int count(const char *hay, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = hay; len && (p = strstr(p, needle)); p += len)
        n++;
    return n;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- a workspace: a schema and one migration ---------------------------------- */

typedef struct ws {
    char *dir, *schema, *mig, *db;
    char *mig_pg;   /* the same schema's PostgreSQL history */
} ws;

static ws ws_new(void)
{
    ws w;
    w.dir = tu_mkdtemp();
    w.schema = tu_fmt("%s/app.model", w.dir);
    w.mig = tu_fmt("%s/migrations", w.dir);
    w.db = tu_fmt("%s/app.db", w.dir);
    ck_assert_int_eq(tu_write_file(w.schema, BASE, strlen(BASE)), 0);
    tu_result r = MC("init", "--dir", w.mig);
    EXPECT_OK(r, "init");
    tu_result_free(&r);
    r = MC("migrate", w.schema, "--dir", w.mig, "-m", "create user");
    EXPECT_OK(r, "migrate");
    tu_result_free(&r);
    w.mig_pg = tu_fmt("%s/migrations-pg", w.dir);
    r = MC("init", "--dir", w.mig_pg);
    EXPECT_OK(r, "init");
    tu_result_free(&r);
    r = MC("migrate", w.schema, "--dir", w.mig_pg, "--dialect", "postgresql", "-m", "create user");
    EXPECT_OK(r, "migrate --dialect postgresql");
    tu_result_free(&r);
    return w;
}

/* A database path in dir that does not exist (static buffer). */
static const char *b_missing_db(const char *dir)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/none.db", dir);
    return path;
}

static void ws_free(ws *w)
{
    free(w->schema);
    free(w->mig);
    free(w->mig_pg);
    free(w->db);
    tu_rmdir(w->dir);
}

/* A database at version 0001 in rollback-journal mode (as a Flask app's). */
static void make_db(const ws *w, const char *path)
{
    tu_result r = MC("upgrade", "--db", path, "--dir", w->mig);
    EXPECT_OK(r, "upgrade");
    tu_result_free(&r);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=DELETE; INSERT INTO user (username) VALUES ('ann')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

/* ---- the bad databases ------------------------------------------------------------ */

typedef struct bad_db {
    const char *what;
    char *url;      /* what --db gets */
    char *path;     /* the file to compare before/after, or NULL */
    const char *message;    /* a piece of the expected message */
} bad_db;

enum { NBAD = 8 };

/* Builds each bad database of the list in w->dir. */
static void make_bad(const ws *w, bad_db *b)
{
    b[0] = (bad_db){"missing file", tu_fmt("%s/missing.db", w->dir), NULL, "no such file"};
    b[1] = (bad_db){"directory", tu_fmt("%s/adir", w->dir), NULL, "a directory"};
    ck_assert_int_eq(mkdir(b[1].url, 0777), 0);
    b[2] = (bad_db){"FIFO", tu_fmt("%s/fifo", w->dir), NULL, "a FIFO"};
    ck_assert_int_eq(mkfifo(b[2].url, 0666), 0);
    b[3] = (bad_db){"/dev/zero", tu_fmt("/dev/zero"), NULL, "a device"};
    b[4] = (bad_db){"text file", tu_fmt("%s/notes.db", w->dir), NULL, "not a database"};
    b[4].path = tu_fmt("%s", b[4].url);
    const char text[] = "these are my notes, not a database; please keep them\n";
    ck_assert_int_eq(tu_write_file(b[4].path, text, sizeof text - 1), 0);
    /* A real database whose schema page was overwritten. */
    b[5] = (bad_db){"damaged database", tu_fmt("%s/damaged.db", w->dir), NULL, "malformed"};
    b[5].path = tu_fmt("%s", b[5].url);
    make_db(w, b[5].path);
    int fd = open(b[5].path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    char junk[3000];
    memset(junk, 0xA5, sizeof junk);
    ck_assert_int_eq(pwrite(fd, junk, sizeof junk, 100), (ssize_t)sizeof junk);
    close(fd);
    b[6] = (bad_db){"unreachable URL", tu_fmt("sqlite:///%s/no/such/dir/app.db", w->dir), NULL, "no such"};
    b[7] = (bad_db){"PostgreSQL URL", tu_fmt("postgresql://bob:s3cr3tpw@db.example:5432/app"), NULL,
                    "could not connect to PostgreSQL"};
}

/* The history a command on b is given: the one of b's dialect, so that
 * what fails is the database, not a SQLite history on PostgreSQL. */
static const char *history_for(const ws *w, const bad_db *b)
{
    return strncmp(b->url, "postgresql:", 11) == 0 ? w->mig_pg : w->mig;
}

static void free_bad(bad_db *b)
{
    for (int i = 0; i < NBAD; i++) {
        free(b[i].url);
        free(b[i].path);
    }
}

/* The message names the database once, and never the password. */
static void assert_message(const bad_db *b, const char *cmd, const tu_result *r)
{
    ck_assert_msg(r->status == 1, "%s on %s: exit %d (want 1)\nstdout: %s\nstderr: %s", cmd, b->what, r->status,
                  r->out, r->err);
    ck_assert_msg(strstr(r->err, b->message), "%s on %s: message lacks '%s':\n%s", cmd, b->what, b->message,
                  r->err);
    ck_assert_msg(!strstr(r->err, "s3cr3tpw") && !strstr(r->out, "s3cr3tpw"), "%s shows the password:\n%s", cmd,
                  r->err);
    const char *name = strstr(b->url, "postgresql:") ? "bob:***@db.example" : strrchr(b->url, '/') + 1;
    ck_assert_msg(count(r->err, name) == 1, "%s on %s: the database is named %d times:\n%s", cmd, b->what,
                  count(r->err, name), r->err);
    ck_assert_msg(!strstr(r->out, "0000") && !strstr(r->out, "OK"), "%s on %s printed a result:\n%s", cmd, b->what,
                  r->out);
}

START_TEST(read_only_commands_fail_on_bad_databases)
{
    ws w = ws_new();
    bad_db b[NBAD];
    make_bad(&w, b);
    for (int i = 0; i < NBAD; i++) {
        size_t len0 = 0;
        char *before = b[i].path ? tu_read_file(b[i].path, &len0) : NULL;
        const char *mig = history_for(&w, &b[i]);
        tu_result runs[4] = {
            MC("current", "--db", b[i].url),
            MC("check", w.schema, "--dir", mig, "--db", b[i].url),
            MC("upgrade", "--sql", "--dir", mig, "--db", b[i].url),
            MC("downgrade", "--sql", "--dir", mig, "--db", b[i].url),
        };
        const char *names[4] = {"current", "check --db", "upgrade --sql", "downgrade --sql"};
        for (int k = 0; k < 4; k++) {
            assert_message(&b[i], names[k], &runs[k]);
            tu_result_free(&runs[k]);
        }
        if (before) {
            size_t len1 = 0;
            char *after = tu_read_file(b[i].path, &len1);
            ck_assert_msg(after && len0 == len1 && memcmp(before, after, len0) == 0, "%s was changed", b[i].what);
            free(after);
        }
        free(before);
    }
    char *missing = tu_fmt("%s/missing.db", w.dir);
    ck_assert_msg(!tu_exists(missing), "a read-only command created the missing database");
    free(missing);
    free_bad(b);
    ws_free(&w);
}
END_TEST

START_TEST(upgrade_creates_a_missing_database_and_refuses_the_rest)
{
    ws w = ws_new();
    bad_db b[NBAD];
    make_bad(&w, b);
    for (int i = 1; i < NBAD; i++) {
        size_t len0 = 0;
        char *before = b[i].path ? tu_read_file(b[i].path, &len0) : NULL;
        const char *mig = history_for(&w, &b[i]);
        tu_result r = MC("upgrade", "--dir", mig, "--db", b[i].url);
        assert_message(&b[i], "upgrade", &r);
        tu_result_free(&r);
        r = MC("stamp", "1", "--dir", mig, "--db", b[i].url);
        assert_message(&b[i], "stamp", &r);
        tu_result_free(&r);
        if (before) {
            size_t len1 = 0;
            char *after = tu_read_file(b[i].path, &len1);
            ck_assert_msg(after && len0 == len1 && memcmp(before, after, len0) == 0, "%s was changed", b[i].what);
            free(after);
        }
        free(before);
    }
    /* flask db upgrade creates the database: so does modelc upgrade. */
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", b[0].url);
    EXPECT_OK(r, "upgrade of a missing database");
    tu_result_free(&r);
    r = MC("current", "--db", b[0].url);
    EXPECT_OK(r, "current");
    ck_assert_str_eq(r.out, "0001 create_user\n");
    tu_result_free(&r);
    free_bad(b);
    ws_free(&w);
}
END_TEST

/* Header bytes 18 and 19: 1 for rollback journal, 2 for WAL. */
static int header_mode(const char *path)
{
    unsigned char h[20] = {0};
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fread(h, 1, sizeof h, f), sizeof h);
    fclose(f);
    return h[18] * 10 + h[19];
}

START_TEST(read_only_commands_change_nothing)
{
    ws w = ws_new();
    make_db(&w, w.db);
    ck_assert_int_eq(header_mode(w.db), 11);
    struct stat st0, st1;
    ck_assert_int_eq(stat(w.db, &st0), 0);
    size_t len0, len1;
    char *before = tu_read_file(w.db, &len0);
    tu_result runs[4] = {
        MC("current", "--db", w.db),
        MC("check", w.schema, "--dir", w.mig, "--db", w.db),
        MC("upgrade", "--sql", "--dir", w.mig, "--db", w.db),
        MC("downgrade", "--sql", "--dir", w.mig, "--db", w.db),
    };
    for (int k = 0; k < 4; k++) {
        EXPECT_OK(runs[k], "a read-only command");
        tu_result_free(&runs[k]);
    }
    char *after = tu_read_file(w.db, &len1);
    ck_assert_msg(len0 == len1 && memcmp(before, after, len0) == 0, "a read-only command changed the file");
    ck_assert_int_eq(header_mode(w.db), 11);
    ck_assert_int_eq(stat(w.db, &st1), 0);
    ck_assert(st0.st_mtim.tv_sec == st1.st_mtim.tv_sec && st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
    char *wal = tu_fmt("%s-wal", w.db);
    ck_assert_msg(!tu_exists(wal), "a read-only command made a -wal file");
    free(wal);
    free(before);
    free(after);
    ws_free(&w);
}
END_TEST

START_TEST(empty_db_is_a_usage_error)
{
    ws w = ws_new();
    tu_result runs[5] = {
        MC("current", "--db", ""),
        MC("upgrade", "--dir", w.mig, "--db", ""),
        MC("downgrade", "--dir", w.mig, "--db", ""),
        MC("stamp", "1", "--dir", w.mig, "--db", ""),
        MC("check", w.schema, "--dir", w.mig, "--db", ""),
    };
    for (int k = 0; k < 5; k++) {
        ck_assert_msg(runs[k].status == 2 && strstr(runs[k].err, "--db needs a database"), "exit %d: %s",
                      runs[k].status, runs[k].err);
        tu_result_free(&runs[k]);
    }
    char *appdb = tu_fmt("%s/app.db", w.dir);
    ck_assert(!tu_exists(appdb));
    free(appdb);
    ws_free(&w);
}
END_TEST

START_TEST(passwords_are_never_shown)
{
    ws w = ws_new();
    const char *urls[] = {"postgresql://bob:s3cr3tpw@db.example/app", "postgres://bob:s3cr3tpw@db.example/app",
                          "mysql://bob:s3cr3tpw@db.example/app",
                          "postgresql://bob:s3cr3tpw@db.example/app?host=/run/postgresql"};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        setenv("DATABASE_URL", urls[i], 1);
        tu_result runs[4] = {
            MC("current"),
            MC("upgrade", "--dir", w.mig),
            MC("stamp", "1", "--dir", w.mig),
            MC("check", w.schema, "--dir", w.mig),
        };
        unsetenv("DATABASE_URL");
        for (int k = 0; k < 4; k++) {
            ck_assert_msg(runs[k].status == 1, "%s: exit %d", urls[i], runs[k].status);
            ck_assert_msg(!strstr(runs[k].err, "s3cr3tpw") && !strstr(runs[k].out, "s3cr3tpw"),
                          "the password is shown: %s", runs[k].err);
            ck_assert_msg(strstr(runs[k].err, "bob:***@db.example"), "%s", runs[k].err);
            /* the URL once (libpq's own reason may name the host again) */
            ck_assert_msg(count(runs[k].err, "bob:***@db.example") == 1, "named more than once: %s", runs[k].err);
            tu_result_free(&runs[k]);
        }
    }
    /* The runtime's own message, too. */
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, "postgresql://u:pa55@h/d", NULL), MC_ERROR);
    ck_assert_msg(!strstr(mc_errmsg(db), "pa55") && strstr(mc_errmsg(db), "could not connect to PostgreSQL"), "%s",
                  mc_errmsg(db));
    mc_close(db);
    char out[64];
    mc_redact_url("postgresql://u:p@ss@h/d", out, sizeof out);
    ck_assert_str_eq(out, "postgresql://u:***@h/d");
    mc_redact_url("sqlite:///app.db", out, sizeof out);
    ck_assert_str_eq(out, "sqlite:///app.db");
    ws_free(&w);
}
END_TEST

/* libpq also takes the password as a query parameter (?password=, its name
 * percent-encoded or not), and its reasons for refusing a URL quote the
 * URL, or the bad token, as written: none of it may show. */
START_TEST(passwords_in_the_query_or_quoted_by_libpq_are_never_shown)
{
    ws w = ws_new();
    const char *urls[] = {
        "postgresql://bob@db.example/app?password=s3cr3tpw",
        "postgresql://bob@db.example/app?host=/nowhere&password=s3cr3tpw&port=5",
        "postgresql://bob@db.example/app?pass%77ord=s3cr3tpw",
        "postgresql://bob@db.example/app?password=s3cr%zz3tpw",      /* bad %: libpq quotes the token */
        "postgresql://bob:s3cr%zz3tpw@db.example/app",
        "postgresql://bob:s3cr3tpw@[::1/app",                        /* libpq quotes the whole URI */
        "postgresql://bob:s3cr%33tpw@[::1/app",                      /* ... written encoded */
    };
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        tu_result runs[3] = {
            MC("current", "--db", urls[i]),
            MC("upgrade", "--dir", w.mig, "--db", urls[i]),
            MC("check", w.schema, "--dir", w.mig, "--db", urls[i]),
        };
        for (int k = 0; k < 3; k++) {
            ck_assert_msg(runs[k].status == 1, "%s: exit %d", urls[i], runs[k].status);
            ck_assert_msg(!strstr(runs[k].err, "s3cr3tpw") && !strstr(runs[k].err, "s3cr%zz3tpw") &&
                              !strstr(runs[k].err, "s3cr%33tpw") && !strstr(runs[k].out, "s3cr"),
                          "the password is shown: %s", runs[k].err);
            ck_assert_msg(strstr(runs[k].err, "***"), "%s", runs[k].err);
            tu_result_free(&runs[k]);
        }
    }
    /* A short password is taken out where libpq quotes it, and only there. */
    tu_result r = MC("current", "--db", "postgresql+psycopg2://bob:p@[::1/app");
    ck_assert_msg(r.status == 1 && strstr(r.err, "\"postgresql://bob:***@[::1/app\"") &&
                      !strstr(r.err, ":p@") && strstr(r.err, "could not connect to PostgreSQL"),
                  "%s", r.err);
    tu_result_free(&r);
    char out[128];
    mc_redact_url("postgresql://u@h/d?host=/s&password=pw&port=1#x", out, sizeof out);
    ck_assert_str_eq(out, "postgresql://u@h/d?host=/s&password=***&port=1#x");
    mc_redact_url("postgresql://u:p1@h/d?password=p2", out, sizeof out);
    ck_assert_str_eq(out, "postgresql://u:***@h/d?password=***");
    mc_redact_url("postgresql://u@h/d?passwords=kept&xpassword=kept", out, sizeof out);
    ck_assert_str_eq(out, "postgresql://u@h/d?passwords=kept&xpassword=kept");
    mc_redact_url("postgresql://h/d?password", out, sizeof out);
    ck_assert_str_eq(out, "postgresql://h/d?password");
    mc_redact_url("postgresql://u:pw@h/d", out, 12);
    ck_assert_str_eq(out, "postgresql:");
    ws_free(&w);
}
END_TEST

/* ---- locks ------------------------------------------------------------------------ */

/* A rollback-journal database with table t, and a connection holding a
 * lock on it: "EXCLUSIVE" (nobody reads) or "IMMEDIATE" (a writer). */
static sqlite3 *hold_lock(const char *path, const char *kind)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=DELETE; CREATE TABLE IF NOT EXISTS t (v INTEGER)", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    char *sql = tu_fmt("BEGIN %s; INSERT INTO t VALUES (1)", kind);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    free(sql);
    return db;
}

START_TEST(runtime_locked_database_is_busy_within_the_timeout)
{
    char *dir = tu_mkdtemp();
    char *path = tu_fmt("%s/locked.db", dir);
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    o.busy_timeout_ms = 300;

    /* A writer holds the lock: opening works (reads go on), the insert
     * waits the timeout and is MC_BUSY; the journal mode is left alone. */
    sqlite3 *holder = hold_lock(path, "IMMEDIATE");
    mc_db *db = NULL;
    double t0 = now_s();
    ck_assert_int_eq(mc_open(&db, path, &o), MC_OK);
    int rc = mc_exec(db, "INSERT INTO t VALUES (2)");
    double took = now_s() - t0;
    ck_assert_msg(rc == MC_BUSY, "insert: %s (%s)", mc_status_name(rc), mc_errmsg(db));
    ck_assert_msg(took < 3.0, "MC_BUSY after %.1f s with a 0.3 s busy timeout", took);
    mc_close(db);
    sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(holder);

    /* An exclusive lock: even the open is MC_BUSY, within the timeout. */
    holder = hold_lock(path, "EXCLUSIVE");
    db = NULL;
    t0 = now_s();
    rc = mc_open(&db, path, &o);
    took = now_s() - t0;
    ck_assert_msg(rc == MC_BUSY, "open: %s (%s)", mc_status_name(rc), mc_errmsg(db));
    ck_assert_msg(strstr(mc_errmsg(db), "locked.db") && strstr(mc_errmsg(db), "locked"), "%s", mc_errmsg(db));
    ck_assert_msg(took < 3.0, "MC_BUSY after %.1f s with a 0.3 s busy timeout", took);
    mc_close(db);
    sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(holder);

    /* Free again: the writer's open switches it to WAL. */
    db = NULL;
    ck_assert_int_eq(mc_open(&db, path, &o), MC_OK);
    ck_assert_int_eq(mc_exec(db, "INSERT INTO t VALUES (3)"), MC_OK);
    mc_close(db);
    ck_assert_int_eq(header_mode(path), 22);
    free(path);
    tu_rmdir(dir);
}
END_TEST

START_TEST(commands_on_a_locked_database_fail_within_the_timeout)
{
    ws w = ws_new();
    make_db(&w, w.db);
    sqlite3 *holder = hold_lock(w.db, "EXCLUSIVE");
    const char *const cmds[][9] = {
        {"current", "--db", w.db, NULL},
        {"upgrade", "--dir", w.mig, "--db", w.db, NULL},
    };
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        double t0 = now_s();
        tu_result r = mcv(cmds[k]);
        double took = now_s() - t0;
        ck_assert_msg(r.status == 1 && strstr(r.err, "locked"), "%s: exit %d: %s", cmds[k][0], r.status, r.err);
        /* 5 s busy timeout; before the fix `current` hung past 30 s. */
        ck_assert_msg(took < 20.0, "%s failed after %.1f s", cmds[k][0], took);
        tu_result_free(&r);
    }
    sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(holder);
    ws_free(&w);
}
END_TEST


/* --lock-timeout S is how long upgrade waits for a lock another
 * connection holds: 0 fails at once, 2 after about two seconds (both with
 * the hint), 30 outlasts a writer that commits after a second and then
 * upgrades.  A malformed value is a usage error. */
START_TEST(lock_timeout_sets_how_long_upgrade_waits)
{
    ws w = ws_new();
    make_db(&w, w.db);
    char *file = tu_fmt("%s/0002_more.sql", w.mig);
    const char *text = "-- Migration 0002: more\n-- modelc:upgrade\nCREATE TABLE more (id INTEGER);\n"
                       "-- modelc:downgrade\nDROP TABLE more;\n";
    ck_assert_int_eq(tu_write_file(file, text, strlen(text)), 0);
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db, "--lock-timeout", "soon");
    ck_assert_msg(r.status == 2 && strstr(r.err, "--lock-timeout takes whole seconds"), "exit %d: %s", r.status,
                  r.err);
    tu_result_free(&r);

    sqlite3 *holder = hold_lock(w.db, "EXCLUSIVE");
    const char *waits[] = {"0", "2"};
    for (int k = 0; k < 2; k++) {
        double t0 = now_s();
        r = MC("upgrade", "--dir", w.mig, "--db", w.db, "--lock-timeout", waits[k]);
        double took = now_s() - t0;
        ck_assert_msg(r.status == 1 && strstr(r.err, "locked") && strstr(r.err, "--lock-timeout S waits longer"),
                      "--lock-timeout %s: exit %d: %s", waits[k], r.status, r.err);
        if (k == 0)
            ck_assert_msg(took < 1.5, "--lock-timeout 0 failed after %.1f s", took);
        else
            ck_assert_msg(took > 1.8 && took < 4.5, "--lock-timeout 2 failed after %.1f s", took);
        tu_result_free(&r);
    }

    char *cmd = tu_fmt("'%s' upgrade --dir '%s' --db '%s' --lock-timeout 30 2>&1; echo \"exit $?\"", tu_modelc(),
                       w.mig, w.db);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    sleep(1);
    sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(holder);
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    ck_assert_msg(strstr(out, "Upgraded to 0002 (more)") && strstr(out, "exit 0"), "%s", out);
    free(cmd);
    free(file);
    ws_free(&w);
}
END_TEST

/* ---- the migrations directory ------------------------------------------------------ */

START_TEST(init_makes_the_directory_and_the_others_need_it)
{
    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("%s/app.model", dir);
    char *mig = tu_fmt("%s/deep/migrations", dir);
    char *db = tu_fmt("%s/app.db", dir);
    ck_assert_int_eq(tu_write_file(schema, BASE, strlen(BASE)), 0);

    /* No directory: every command that needs one says so, with the hint. */
    tu_result runs[6] = {
        MC("migrate", schema, "--dir", mig), MC("upgrade", "--dir", mig, "--db", db),
        MC("downgrade", "--dir", mig, "--db", db), MC("history", "--dir", mig),
        MC("stamp", "0", "--dir", mig, "--db", db), MC("check", schema, "--dir", mig),
    };
    for (int k = 0; k < 6; k++) {
        ck_assert_msg(runs[k].status == 1, "command %d: exit %d\n%s%s", k, runs[k].status, runs[k].out,
                      runs[k].err);
        ck_assert_msg(strstr(runs[k].err, "no such directory") && strstr(runs[k].err, "modelc init --dir"),
                      "command %d: %s", k, runs[k].err);
        tu_result_free(&runs[k]);
    }
    ck_assert_msg(!tu_exists(mig), "a command created the directory");
    ck_assert_msg(!tu_exists(db), "a command created the database");

    /* init makes it (parents too); migrate then writes 0001 there. */
    tu_result r = MC("init", "--dir", mig);
    EXPECT_OK(r, "init");
    ck_assert_ptr_nonnull(strstr(r.out, "Created"));
    tu_result_free(&r);
    char *readme = tu_fmt("%s/README", mig);
    ck_assert(tu_exists(readme));
    free(readme);
    r = MC("history", "--dir", mig);
    EXPECT_OK(r, "history of an empty directory");
    tu_result_free(&r);
    r = MC("upgrade", "--dir", mig, "--db", db);
    EXPECT_OK(r, "upgrade with no migrations yet");
    ck_assert_ptr_nonnull(strstr(r.out, "nothing to do"));
    tu_result_free(&r);
    r = MC("migrate", schema, "--dir", mig);
    EXPECT_OK(r, "migrate after init");
    tu_result_free(&r);

    /* Like alembic init: a directory that holds anything is refused. */
    r = MC("init", "--dir", mig);
    ck_assert_msg(r.status == 1 && strstr(r.err, "not empty"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    char *empty = tu_fmt("%s/empty", dir);
    ck_assert_int_eq(mkdir(empty, 0777), 0);
    r = MC("init", "--dir", empty);
    EXPECT_OK(r, "init of an empty directory");
    tu_result_free(&r);
    r = MC("init", "--dir", schema);
    ck_assert_msg(r.status == 1 && strstr(r.err, "not a directory"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    r = MC("migrate", schema, "--dir", schema);
    ck_assert_msg(r.status == 1 && strstr(r.err, "not a directory"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    free(empty);
    free(schema);
    free(mig);
    free(db);
    tu_rmdir(dir);
}
END_TEST


/* ---- schema and migration files ------------------------------------------------------ */

START_TEST(fifo_or_device_as_schema_is_refused)
{
    char *dir = tu_mkdtemp();
    char *fifo = tu_fmt("%s/app.model", dir);
    char *out = tu_fmt("%s/out", dir);
    ck_assert_int_eq(mkfifo(fifo, 0666), 0);
    const char *paths[] = {fifo, "/dev/zero", dir};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        tu_result runs[3] = {MC("sql", paths[i]), MC("generate", paths[i], "-o", out), MC("check", paths[i])};
        for (int k = 0; k < 3; k++) {
            /* Before the fix a FIFO hung until tu_run killed it (137). */
            ck_assert_msg(runs[k].status == 1 && strstr(runs[k].err, "not a schema file"), "%s: exit %d: %s",
                          paths[i], runs[k].status, runs[k].err);
            tu_result_free(&runs[k]);
        }
    }
    ck_assert(!tu_exists(out));
    free(fifo);
    free(out);
    tu_rmdir(dir);
}
END_TEST

START_TEST(nul_byte_in_a_migration_is_an_error)
{
    ws w = ws_new();
    char *file = tu_fmt("%s/0002_with_nul.sql", w.mig);
    const char text[] = "-- Migration 0002: with nul\n-- modelc:upgrade\nCREATE TABLE a (id INTEGER);\n"
                        "CREATE TABLE b (id INTEGER);\0CREATE TABLE c (id INTEGER);\n"
                        "-- modelc:downgrade\nDROP TABLE b;\nDROP TABLE a;\n";
    ck_assert_int_eq(tu_write_file(file, text, sizeof text - 1), 0);
    char *out = tu_fmt("%s/out", w.dir);
    tu_result runs[5] = {
        MC("upgrade", "--dir", w.mig, "--db", w.db), MC("history", "--dir", w.mig),
        MC("migrate", w.schema, "--dir", w.mig), MC("check", w.schema, "--dir", w.mig),
        MC("generate", w.schema, "--migrations", w.mig, "-o", out),
    };
    for (int k = 0; k < 5; k++) {
        ck_assert_msg(runs[k].status == 1 && strstr(runs[k].err, "0002_with_nul.sql:4: a NUL byte"),
                      "command %d: exit %d: %s", k, runs[k].status, runs[k].err);
        tu_result_free(&runs[k]);
    }
    ck_assert(!tu_exists(w.db));
    ck_assert(!tu_exists(out));
    free(out);
    free(file);
    ws_free(&w);
}
END_TEST

/* A line "-- modelc:downgrade" inside a string or a trigger's body is SQL,
 * not the downgrade section's start: upgrade stores the whole string and
 * creates the whole trigger, and downgrade runs the section after the
 * marker that stands between statements. */
START_TEST(downgrade_marker_inside_sql_is_sql)
{
    ws w = ws_new();
    char *file = tu_fmt("%s/0002_notes.sql", w.mig);
    const char *text = "-- Migration 0002: notes\n-- modelc:upgrade\n"
                       "CREATE TABLE note (body TEXT, copies INTEGER DEFAULT 0);\n"
                       "CREATE TRIGGER note_copy AFTER INSERT ON note BEGIN\n"
                       "-- modelc:downgrade\n"
                       "    UPDATE note SET copies = copies + 1 WHERE rowid = new.rowid;\n"
                       "END;\n"
                       "INSERT INTO note (body) VALUES ('one\n-- modelc:downgrade\ntwo');\n"
                       "-- modelc:downgrade\n"
                       "DROP TRIGGER note_copy;\nDROP TABLE note;\n";
    ck_assert_int_eq(tu_write_file(file, text, strlen(text)), 0);
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "upgrade");
    tu_result_free(&r);
    mc_db *db = NULL;
    ck_assert_msg(mc_open(&db, w.db, NULL) == MC_OK, "%s", mc_errmsg(db));
    tu_db_rows_eq(db, "SELECT body, copies FROM note", 2, "one\n-- modelc:downgrade\ntwo|1\n");
    r = MC("downgrade", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "downgrade");
    tu_result_free(&r);
    tu_db_rows_eq(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('note', 'note_copy')", 1, "0\n");
    mc_close(db);
    free(file);
    ws_free(&w);
}
END_TEST

/* migrate without --dialect in a directory of the other dialect's
 * history: refused, naming both dialects and the option that goes on;
 * nothing written.  With the option it goes on ("No changes"). */
START_TEST(migrate_names_the_dialect_of_the_history)
{
    ws w = ws_new();
    tu_result r = MC("migrate", w.schema, "--dir", w.mig_pg, "-m", "again");
    ck_assert_msg(r.status == 1 && strstr(r.err, "holds postgresql migrations, and the dialect is sqlite") &&
                      strstr(r.err, "hint: give --dialect postgresql"),
                  "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    char *second = tu_fmt("%s/0002_again.sql", w.mig_pg);
    ck_assert(!tu_exists(second));
    r = MC("migrate", w.schema, "--dir", w.mig_pg, "--dialect", "postgresql", "-m", "again");
    ck_assert_msg(r.status == 0 && strstr(r.out, "No changes"), "exit %d: %s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    free(second);
    ws_free(&w);
}
END_TEST

START_TEST(fifo_as_a_migration_file_is_refused)
{
    ws w = ws_new();
    char *file = tu_fmt("%s/0002_fifo.sql", w.mig);
    ck_assert_int_eq(mkfifo(file, 0666), 0);
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    ck_assert_msg(r.status == 1 && strstr(r.err, "0002_fifo.sql: cannot read: not a regular file"), "exit %d: %s",
                  r.status, r.err);
    tu_result_free(&r);
    free(file);
    ws_free(&w);
}
END_TEST

START_TEST(check_reports_an_edited_applied_migration)
{
    ws w = ws_new();
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "upgrade");
    tu_result_free(&r);
    r = MC("check", w.schema, "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "check before the edit");
    tu_result_free(&r);
    /* An edit that changes nothing in the schema: only the checksum shows it. */
    char *file = tu_fmt("%s/0001_create_user.sql", w.mig);
    size_t len;
    char *text = tu_read_file(file, &len);
    ck_assert_ptr_nonnull(text);
    char *edited = tu_fmt("%s-- edited after it was applied\n", text);
    ck_assert_int_eq(tu_write_file(file, edited, strlen(edited)), 0);
    r = MC("check", w.schema, "--dir", w.mig, "--db", w.db);
    ck_assert_msg(r.status == 1 && strstr(r.out, "edited after it was applied") && strstr(r.out, "checksum"),
                  "exit %d\n%s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    ck_assert_msg(r.status == 1 && strstr(r.err, "edited after it was applied"), "%s", r.err);
    tu_result_free(&r);
    free(text);
    free(edited);
    free(file);
    ws_free(&w);
}
END_TEST

START_TEST(generate_refuses_migrations_that_do_not_give_the_schema)
{
    ws w = ws_new();
    static const char more[] = "model User {\n"
                               "    id       Integer     primary_key\n"
                               "    username String(64)  unique\n"
                               "    email    String(120)\n"
                               "}\n";
    ck_assert_int_eq(tu_write_file(w.schema, more, strlen(more)), 0);
    char *out = tu_fmt("%s/out", w.dir);
    tu_result r = MC("generate", w.schema, "--migrations", w.mig, "-o", out);
    ck_assert_msg(r.status == 1 && strstr(r.err, "do not produce") && strstr(r.err, "email") &&
                      strstr(r.err, "modelc migrate"),
                  "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    ck_assert_msg(!tu_exists(out), "generate wrote output");
    /* Once the migration is written, it generates. */
    r = MC("migrate", w.schema, "--dir", w.mig, "-m", "add email");
    EXPECT_OK(r, "migrate");
    tu_result_free(&r);
    r = MC("generate", w.schema, "--migrations", w.mig, "-o", out);
    EXPECT_OK(r, "generate");
    tu_result_free(&r);
    char *missing = tu_fmt("%s/nope", w.dir);
    r = MC("generate", w.schema, "--migrations", missing, "-o", out);
    ck_assert_msg(r.status == 1 && strstr(r.err, "modelc init"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    free(missing);
    free(out);
    ws_free(&w);
}
END_TEST

/* The statements of sql as the old splitter cut them: sqlite3_complete at
 * every ';' (quadratic, fine for small inputs). */
static int old_split(const char *sql, size_t *ends)
{
    size_t len = strlen(sql), start = 0;
    int n = 0;
    char *buf = malloc(len + 1);
    for (size_t i = 0; i < len; i++) {
        if (sql[i] != ';')
            continue;
        memcpy(buf, sql + start, i + 1 - start);
        buf[i + 1 - start] = '\0';
        if (sqlite3_complete(buf)) {
            ends[n++] = i + 1;
            start = i + 1;
        }
    }
    if (start < len)
        ends[n++] = len;
    free(buf);
    return n;
}

size_t mci_statement_end(const char *s, size_t len, unsigned flags);

START_TEST(statement_splitter_agrees_with_sqlite3_complete)
{
    static const char *const bits[] = {
        "SELECT 1", ";", " ", "\n", "'a;b'", "\"x;y\"", "`q;`", "[br;ack]", "-- c;o\n", "/* b;c */",
        "CREATE", "TEMP", "TRIGGER", "tr", "AFTER INSERT ON t BEGIN", "END", "end", "EXPLAIN", "x",
        "'unterminated;", "/* open;", "it''s", "temporary", "createx", "$v", "é",
    };
    enum { NB = sizeof bits / sizeof *bits };
    srand(7);
    for (int round = 0; round < 3000; round++) {
        char sql[2048] = "";
        int parts = 1 + rand() % 24;
        for (int k = 0; k < parts; k++) {
            strcat(sql, bits[rand() % NB]);
            if (rand() % 2)
                strcat(sql, " ");
        }
        size_t want[1024], got[1024];
        int nw = old_split(sql, want), ng = 0;
        size_t len = strlen(sql), start = 0;
        while (start < len && ng < 1024) {
            start += mci_statement_end(sql + start, len - start, 0);
            got[ng++] = start;
        }
        ck_assert_msg(nw == ng, "'%s': %d statements, sqlite3_complete says %d", sql, ng, nw);
        for (int k = 0; k < nw; k++)
            ck_assert_msg(want[k] == got[k], "'%s': statement %d ends at %zu, not %zu", sql, k, got[k], want[k]);
    }
}
END_TEST

static int nstatements;
static void count_statement(void *ctx, const mc_migration *m, int upgrading, const char *sql)
{
    (void)ctx, (void)m, (void)upgrading, (void)sql;
    nstatements++;
}

/* One INSERT of a long string with a ';' every 8 bytes. */
static char *semicolon_statement(size_t bytes)
{
    char *sql = malloc(bytes + 64);
    size_t o = (size_t)sprintf(sql, "INSERT INTO t (v) VALUES ('");
    while (o < bytes)
        o += (size_t)sprintf(sql + o, "abc;def ");
    sprintf(sql + o, "');\n");
    return sql;
}

START_TEST(statement_splitting_is_linear)
{
    /* 4 MB and half a million ';' in one statement: before, every ';' asked
     * sqlite3_complete about the whole prefix (about 10^12 byte steps). */
    char *sql = semicolon_statement(4u << 20);
    mc_migration m = {1, "big", sql, "", "0000000000000000"};
    nstatements = 0;
    double t0 = now_s();
    ck_assert_int_eq(mc_migrate_plan(NULL, &m, 1, 1, count_statement, NULL), MC_OK);
    double took = now_s() - t0;
    /* CREATE TABLE modelc_migrations, BEGIN, the INSERT, the record, COMMIT */
    ck_assert_int_eq(nstatements, 5);
    ck_assert_msg(took < 20.0, "planning 4 MB took %.1f s", took);
    free(sql);

    /* Through the command: the 320 KB file of the report took 53 s. */
    ws w = ws_new();
    char *body = semicolon_statement(1u << 20);
    char *text = tu_fmt("-- Migration 0002: big\n-- modelc:upgrade\nCREATE TABLE t (v TEXT);\n%s"
                        "-- modelc:downgrade\nDROP TABLE t;\n",
                        body);
    char *file = tu_fmt("%s/0002_big.sql", w.mig);
    ck_assert_int_eq(tu_write_file(file, text, strlen(text)), 0);
    t0 = now_s();
    tu_result r = MC("upgrade", "--sql", "--dir", w.mig, "--db", ":memory:");
    took = now_s() - t0;
    EXPECT_OK(r, "upgrade --sql");
    ck_assert_int_eq(count(r.out, "INSERT INTO t (v)"), 1);
    ck_assert_msg(took < 30.0, "upgrade --sql of 1 MB took %.1f s", took);
    tu_result_free(&r);
    free(file);
    free(text);
    free(body);
    ws_free(&w);
}
END_TEST


/* ---- where you stand (issue 12 section 4) --------------------------------------------------- */

START_TEST(history_marks_applied_pending_and_current)
{
    ws w = ws_new();
    static const char more[] = "model User {\n"
                               "    id       Integer     primary_key\n"
                               "    username String(64)  unique\n"
                               "    email    String(120)\n"
                               "}\n";
    ck_assert_int_eq(tu_write_file(w.schema, more, strlen(more)), 0);
    tu_result r = MC("migrate", w.schema, "--dir", w.mig, "-m", "add email");
    EXPECT_OK(r, "migrate");
    tu_result_free(&r);
    r = MC("upgrade", "--to", "1", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "upgrade --to 1");
    tu_result_free(&r);
    r = MC("history", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "history --db");
    ck_assert_msg(strstr(r.out, "[X] 0001 create_user  -- create user  (current)\n") &&
                      strstr(r.out, "[ ] 0002 add_email  -- add email\n") && strstr(r.out, "is at 0001; 1 pending."),
                  "%s", r.out);
    tu_result_free(&r);
    /* Without --db: the files only, no marks. */
    r = MC("history", "--dir", w.mig);
    EXPECT_OK(r, "history");
    ck_assert_msg(!strstr(r.out, "[X]") && strstr(r.out, "0002 add_email"), "%s", r.out);
    tu_result_free(&r);
    /* An applied file edited since is marked; history only reads. */
    char *file = tu_fmt("%s/0001_create_user.sql", w.mig);
    char *text = tu_read_file(file, NULL);
    char *edited = tu_fmt("%s-- edited\n", text);
    ck_assert_int_eq(tu_write_file(file, edited, strlen(edited)), 0);
    r = MC("history", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "history --db after an edit");
    ck_assert_msg(strstr(r.out, "[X] 0001 create_user  -- create user  (edited since it was applied)  (current)"),
                  "%s", r.out);
    tu_result_free(&r);
    r = MC("history", "--dir", w.mig, "--db", b_missing_db(w.dir));
    ck_assert_msg(r.status == 1 && strstr(r.err, "no such file"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    free(file);
    free(text);
    free(edited);
    ws_free(&w);
}
END_TEST

START_TEST(upgrade_prints_each_migration_with_its_time)
{
    ws w = ws_new();
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "upgrade");
    const char *start = strstr(r.out, "Upgrading to 0001 (create_user) ...\n");
    const char *end = strstr(r.out, "Upgraded to 0001 (create_user) in ");
    ck_assert_msg(start && end && start < end && strstr(end, " ms\n"), "%s", r.out);
    tu_result_free(&r);
    r = MC("downgrade", "--quiet", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "downgrade --quiet");
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    r = MC("upgrade", "-v", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "upgrade -v");
    ck_assert_msg(strstr(r.out, "at 0000.") && strstr(r.out, "Migrations in ") && strstr(r.out, "Upgraded to 0001"),
                  "%s", r.out);
    tu_result_free(&r);
    r = MC("upgrade", "-q", "-v", "--dir", w.mig, "--db", w.db);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    ws_free(&w);
}
END_TEST

/* Runs modelc under a pseudo-terminal (script(1)); NULL when there is none. */
static tu_result *on_terminal(const char *env, const char *args, tu_result *r)
{
    tu_result probe = tu_sh("command -v script", 10);
    int have = probe.status == 0;
    tu_result_free(&probe);
    if (!have)
        return NULL;
    char *cmd = tu_fmt("%s TERM=xterm script -qec \"'%s' %s\" /dev/null", env, tu_modelc(), args);
    *r = tu_sh(cmd, 30);
    free(cmd);
    return r;
}

START_TEST(diagnostics_are_colored_only_on_a_terminal)
{
    char *dir = tu_mkdtemp();
    char *bad = tu_fmt("%s/bad.model", dir);
    static const char text[] = "model A {\n    id Intger primary_key\n}\n";
    ck_assert_int_eq(tu_write_file(bad, text, strlen(text)), 0);
    char *args = tu_fmt("sql '%s'", bad);
    tu_result r;
    if (!on_terminal("", args, &r)) {
        printf("test_cmdfail: colored diagnostics: SKIPPED: no script(1) to make a terminal\n");
    } else {
        ck_assert_msg(strstr(r.out, "\033[1;31merror:") && strstr(r.out, "\033[1;36mhint:"), "no colors on a tty:\n%s",
                      r.out);
        tu_result_free(&r);
        ck_assert_ptr_nonnull(on_terminal("NO_COLOR=1", args, &r));
        ck_assert_msg(!strchr(r.out, '\033') && strstr(r.out, "error: unknown type"), "NO_COLOR:\n%s", r.out);
        tu_result_free(&r);
    }
    /* Not a terminal: plain, as the goldens are. */
    r = MC("sql", bad);
    ck_assert_msg(r.status == 1 && !strchr(r.err, '\033') && strstr(r.err, "bad.model:2:8: error: unknown type"),
                  "%s", r.err);
    tu_result_free(&r);
    free(args);
    free(bad);
    tu_rmdir(dir);
}
END_TEST


/* Records the MC_MIGRATION_ROWS events of a run. */
typedef struct rows_seen {
    int events, monotonic;
    long long first_done, last_done, total;
} rows_seen;

static void see_rows(void *ctx, const mc_migration *m, int upgrading, mc_migration_event ev, long long done,
                     long long total)
{
    rows_seen *r = ctx;
    (void)m, (void)upgrading;
    if (ev != MC_MIGRATION_ROWS)
        return;
    if (r->events++ == 0) {
        r->first_done = done;
        r->monotonic = 1;
    } else if (done < r->last_done) {
        r->monotonic = 0;
    }
    r->last_done = done;
    r->total = total;
}

START_TEST(a_big_rebuild_shows_rows_copied_on_a_terminal)
{
    ws w = ws_new();
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "upgrade");
    tu_result_free(&r);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(w.db, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db,
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
                                  "INSERT INTO user (username) SELECT 'u' || i FROM n",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    /* username becomes NOT NULL with a default: a rebuild of 20000 rows. */
    static const char v2[] = "model User {\n"
                             "    id       Integer     primary_key\n"
                             "    username String(64)  unique not_null server_default(\"x\")\n"
                             "}\n";
    ck_assert_int_eq(tu_write_file(w.schema, v2, strlen(v2)), 0);
    r = MC("migrate", w.schema, "--dir", w.mig, "-m", "username required");
    EXPECT_OK(r, "migrate");
    tu_result_free(&r);

    char *args = tu_fmt("upgrade --dir '%s' --db '%s'", w.mig, w.db);
    if (!on_terminal("", args, &r)) {
        printf("test_cmdfail: rows copied: SKIPPED: no script(1) to make a terminal\n");
        r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    }
    EXPECT_OK(r, "upgrade with a rebuild");
    ck_assert_msg(strstr(r.out, "Upgraded to 0002"), "%s", r.out);
    if (strchr(r.out, '\r'))
        ck_assert_msg(strstr(r.out, "copying rows: 20000 of 20000 (100%)"), "%s", r.out);
    tu_result_free(&r);
    /* Not a terminal: no progress line. */
    r = MC("downgrade", "--dir", w.mig, "--db", w.db);
    EXPECT_OK(r, "downgrade");
    ck_assert_msg(!strstr(r.out, "copying rows"), "%s", r.out);
    tu_result_free(&r);

    /* The runtime's events: from 0 to all rows, never backwards. */
    mc_migration list[2];
    char *texts[2];
    const char *names[2] = {"0001_create_user.sql", "0002_username_required.sql"};
    for (int i = 0; i < 2; i++) {
        char *path = tu_fmt("%s/%s", w.mig, names[i]);
        size_t len;
        texts[i] = tu_read_file(path, &len);
        ck_assert_ptr_nonnull(texts[i]);
        free(path);
        static char sums[2][17];
        mc_migration_checksum(texts[i], len, sums[i]);
        char *up = strstr(texts[i], "-- modelc:upgrade\n"), *down = strstr(texts[i], "-- modelc:downgrade\n");
        ck_assert(up && down);
        *down = '\0';
        list[i] = (mc_migration){i + 1, i ? "username_required" : "create_user", up, down + 20, sums[i]};
    }
    mc_db *h = NULL;
    ck_assert_int_eq(mc_open(&h, w.db, NULL), MC_OK);
    rows_seen seen = {0};
    ck_assert_int_eq(mc_migrate_run(h, list, 2, 2, see_rows, &seen), MC_OK);
    mc_close(h);
    ck_assert_msg(seen.events >= 2 && seen.first_done == 0 && seen.last_done == 20000 && seen.total == 20000 &&
                      seen.monotonic,
                  "%d events, %lld .. %lld of %lld", seen.events, seen.first_done, seen.last_done, seen.total);
    free(texts[0]);
    free(texts[1]);
    free(args);
    ws_free(&w);
}
END_TEST

Suite *cmdfail_suite(void);
Suite *cmdfail_suite(void)
{
    Suite *s = suite_create("cmdfail");
    TCase *tc = tcase_create("databases");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, read_only_commands_fail_on_bad_databases);
    tcase_add_test(tc, upgrade_creates_a_missing_database_and_refuses_the_rest);
    tcase_add_test(tc, read_only_commands_change_nothing);
    tcase_add_test(tc, empty_db_is_a_usage_error);
    tcase_add_test(tc, passwords_are_never_shown);
    tcase_add_test(tc, passwords_in_the_query_or_quoted_by_libpq_are_never_shown);
    tcase_add_test(tc, runtime_locked_database_is_busy_within_the_timeout);
    tcase_add_test(tc, commands_on_a_locked_database_fail_within_the_timeout);
    tcase_add_test(tc, lock_timeout_sets_how_long_upgrade_waits);
    suite_add_tcase(s, tc);
    tc = tcase_create("directory");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, init_makes_the_directory_and_the_others_need_it);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, fifo_or_device_as_schema_is_refused);
    tcase_add_test(tc, nul_byte_in_a_migration_is_an_error);
    tcase_add_test(tc, downgrade_marker_inside_sql_is_sql);
    tcase_add_test(tc, migrate_names_the_dialect_of_the_history);
    tcase_add_test(tc, fifo_as_a_migration_file_is_refused);
    tcase_add_test(tc, check_reports_an_edited_applied_migration);
    tcase_add_test(tc, generate_refuses_migrations_that_do_not_give_the_schema);
    tcase_add_test(tc, statement_splitter_agrees_with_sqlite3_complete);
    tcase_add_test(tc, statement_splitting_is_linear);
    suite_add_tcase(s, tc);
    tc = tcase_create("stand");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, history_marks_applied_pending_and_current);
    tcase_add_test(tc, upgrade_prints_each_migration_with_its_time);
    tcase_add_test(tc, diagnostics_are_colored_only_on_a_terminal);
    tcase_add_test(tc, a_big_rebuild_shows_rows_copied_on_a_terminal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(cmdfail_suite());
}
