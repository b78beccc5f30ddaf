/*
 * cmd_db.c -- the commands that work on a database through the runtime's
 * migration runner: upgrade, downgrade, current, history, stamp, check.
 */
#include "cli.h"
#include "migfile.h"
#include "modelc.h"
#include "naming.h"
#include "pg_names.h"
#include "pipeline.h"
#include "schema.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A command's messages: to stderr through mcc_diag, each named
 * "modelc CMD" (place holds that name; it outlives the diag). */
static void cmd_diag(mcc_diag *d, char place[64], const char *cmd)
{
    snprintf(place, 64, "modelc %s", cmd);
    mcc_diag_init(d, NULL, NULL, NULL);
    d->place = place;
}

/* Reads DIR as the history of the database at url: a PostgreSQL URL
 * takes a PostgreSQL history, anything else SQLite's, and a file of the
 * other dialect is refused (upgrade would run SQL written for another
 * engine).  Reports the problems and returns -1 when there are any. */
static int read_dir(mcc_diag *d, const char *dir, const char *url, mcc_arena *arena, mcc_migdir *md)
{
    mcc_dialect want = mcc_dialect_of_url(url);
    if (mcc_migdir_read_in(dir, want, arena, d, md) == 0)
        return 0;
    const char *engine = want == MCC_DIALECT_POSTGRESQL ? "PostgreSQL" : "SQLite";
    if (mcc_migdir_dialect(dir, want) != want)
        mcc_error_in(d, NULL, NULL,
                     "%s is a %s database: it takes a %s history (`modelc migrate SCHEMA --dialect %s --dir DIR`)",
                     mcc_cli_shown_db(url), engine, engine, mcc_dialect_name(want));
    else
        mcc_error_in(d, NULL, NULL, "fix the migrations directory first");
    return -1;
}

/* How a command opens its database. */
enum {
    DB_READ,    /* read-only: must exist, nothing is changed (current, check, --sql) */
    DB_WRITE,   /* must exist (downgrade) */
    DB_CREATE   /* created when missing (upgrade, stamp) */
};

/* What a command that writes says when a lock held elsewhere outlasted its wait. */
static const char LOCK_HINT[] = "another connection holds a lock on it; --lock-timeout S waits longer";

/* Opens the database as `mode` says, waiting lock_ms for a lock another
 * connection holds (-1: the runtime's default, 5 s); NULL after reporting
 * why not, with hint (may be NULL) -- the runtime's message names the
 * database once, never with a password. */
static mc_db *open_db(mcc_diag *d, const char *url, int mode, int lock_ms, const char *hint)
{
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    o.readonly = mode == DB_READ;
    o.create = mode == DB_CREATE;
    o.busy_timeout_ms = lock_ms;
    mc_db *db = NULL;
    int rc = mc_open(&db, url, &o);
    if (rc != MC_OK) {
        mcc_error_in(d, NULL, rc == MC_BUSY && mode != DB_READ ? LOCK_HINT : hint, "%s", mc_errmsg(db));
        mc_close(db);
        return NULL;
    }
    return db;
}

/* "3", "0003", "head": 0, or the exit status after a message (2 for a
 * malformed number, 1 for a version that does not exist). */
static int parse_version(mcc_diag *d, const char *s, size_t n, int *out)
{
    if (strcmp(s, "head") == 0 || strcmp(s, "latest") == 0) {
        *out = (int)n;
        return 0;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || v < 0) {
        mcc_error_in(d, NULL, NULL, "'%s' is not a version number", s);
        return MCC_EXIT_USAGE;
    }
    if ((size_t)v > n) {
        mcc_error_in(d, NULL, NULL, "there is no migration %04ld (the last is %04zu)", v, n);
        return MCC_EXIT_ERROR;
    }
    *out = (int)v;
    return 0;
}

/* The longest --lock-timeout, in seconds: its milliseconds fit an int. */
#define LOCK_TIMEOUT_MAX 2000000

/* --lock-timeout SECONDS (NULL: not given) into *ms: -1 (the default),
 * or the milliseconds to wait for a lock another connection holds (0: do
 * not wait).  0, or MCC_EXIT_USAGE after a message. */
static int parse_lock_timeout(mcc_diag *d, const char *s, int *ms)
{
    *ms = -1;
    if (!s)
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || v < 0 || v > LOCK_TIMEOUT_MAX) {
        mcc_error_in(d, NULL, NULL, "--lock-timeout takes whole seconds from 0 to %d, not '%s'", LOCK_TIMEOUT_MAX,
                     s);
        return MCC_EXIT_USAGE;
    }
    *ms = (int)v * 1000;
    return 0;
}

/* ---- --sql ---------------------------------------------------------------- */

typedef struct sql_printer {
    const mc_migration *last;
    int last_up;
} sql_printer;

static void print_statement(void *ctx, const mc_migration *m, int upgrading, const char *sql)
{
    sql_printer *p = ctx;
    if (m != p->last || upgrading != p->last_up) {
        printf("%s-- %s %04d (%s)\n", p->last ? "\n" : "", upgrading ? "upgrade" : "downgrade", m->version,
               m->name);
        p->last = m;
        p->last_up = upgrading;
    }
    printf("%s;\n", sql);
}

static int print_plan(mcc_diag *d, mc_db *db, const mc_migration *list, size_t n, int target)
{
    sql_printer p = {NULL, 0};
    if (mc_migrate_plan(db, list, n, target, print_statement, &p) != MC_OK) {
        mcc_error_in(d, NULL, NULL, "%s", mc_errmsg(db));
        return MCC_EXIT_ERROR;
    }
    if (fflush(stdout) != 0) {
        mcc_error_in(d, NULL, NULL, "cannot write the output");
        return MCC_EXIT_ERROR;
    }
    return MCC_EXIT_OK;
}

/* ---- upgrade / downgrade --------------------------------------------------- */

/* What this process did, as mc_migrate_run reports it. */
/* Tables smaller than this are copied too fast to need a progress line. */
#define MIN_ROWS_SHOWN 5000

typedef struct progress {
    int quiet, tty;
    size_t n;
    unsigned char *done;    /* done[v] = this process ran version v's step */
    struct timespec started;
} progress;

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void on_step(void *ctx, const mc_migration *m, int upgrading, mc_migration_event ev, long long done,
                    long long total)
{
    progress *p = ctx;
    if (ev == MC_MIGRATION_ROWS) {
        /* A rebuild of a big table: a line that counts, on a terminal only. */
        if (p->quiet || !p->tty || total < MIN_ROWS_SHOWN)
            return;
        printf("\r  copying rows: %lld of %lld (%d%%)%s", done, total, (int)(done * 100 / total),
               done == total ? "\n" : "");
        fflush(stdout);
        return;
    }
    if (ev == MC_MIGRATION_STARTED) {
        clock_gettime(CLOCK_MONOTONIC, &p->started);
        if (!p->quiet) {
            printf("%s %04d (%s) ...\n", upgrading ? "Upgrading to" : "Downgrading", m->version, m->name);
            fflush(stdout);
        }
        return;
    }
    if ((size_t)m->version <= p->n)
        p->done[m->version] = 1;
    if (!p->quiet) {
        printf("%s %04d (%s) in %.1f ms\n", upgrading ? "Upgraded to" : "Downgraded", m->version, m->name,
               ms_since(&p->started));
        fflush(stdout);
    }
}

/* What upgrade / downgrade were asked, once the options are read. */
typedef struct move_opts {
    const char *url, *dir, *to, *secure_delete, *lock_timeout, *shown;
    int sql, quiet, verbose, lock_ms;
    bool upgrading;
} move_opts;

/* Step 1 of move: the options.  -1 to go on, or the exit status after
 * --help or a usage error. */
static int move_options(const mcc_cmd *cmd, int argc, char **argv, mcc_diag *d, move_opts *o)
{
    const mcc_opt opts[] = {
        {"--db", NULL, 1, &o->url, NULL},
        {"--dir", NULL, 1, &o->dir, NULL},
        {"--to", NULL, 1, &o->to, NULL},
        {"--sql", NULL, 0, NULL, &o->sql},
        {"--secure-delete", NULL, 1, &o->secure_delete, NULL},
        {"--lock-timeout", NULL, 1, &o->lock_timeout, NULL},
        {"--quiet", "-q", 0, NULL, &o->quiet},
        {"--verbose", "-v", 0, NULL, &o->verbose},
        {0},
    };
    const char *pos[1];
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 0, 0);
    if (rc >= 0)
        return rc;
    if ((rc = mcc_cli_db(cmd, &o->url)) >= 0)
        return rc;
    if (o->quiet && o->verbose) {
        mcc_error_in(d, NULL, NULL, "--quiet and --verbose exclude each other");
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    /* PRAGMA secure_delete for this run: "on" zeroes what a rebuild or a
     * drop frees (what Debian's SQLite does by default), "fast" only where
     * it costs no extra I/O, "off" leaves dropped data readable in the
     * file.  Without the option the connection keeps SQLite's setting. */
    const char *sd = o->secure_delete;
    if (sd && strcmp(sd, "on") != 0 && strcmp(sd, "fast") != 0 && strcmp(sd, "off") != 0) {
        mcc_error_in(d, NULL, NULL, "--secure-delete takes on, fast or off, not '%s'", sd);
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    if (sd && mcc_dialect_of_url(o->url) == MCC_DIALECT_POSTGRESQL) {
        mcc_error_in(d, NULL, NULL, "--secure-delete is SQLite's setting; %s is a PostgreSQL database",
                     mcc_cli_shown_db(o->url));
        return MCC_EXIT_USAGE;
    }
    if (parse_lock_timeout(d, o->lock_timeout, &o->lock_ms) != 0) {
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    if (!o->dir)
        o->dir = "migrations";
    o->shown = mcc_cli_shown_db(o->url);
    return -1;
}

/* Step 2: the database, opened as the command needs it (--sql only
 * reads; upgrade creates a missing database, downgrade needs one), with
 * --secure-delete applied, at version *cur, what it applied still there
 * and unedited.  NULL after reporting. */
static mc_db *move_open(const move_opts *o, mcc_diag *d, const mcc_migdir *md, const mc_migration *list, int *cur)
{
    mc_db *db = open_db(d, o->url, o->sql ? DB_READ : o->upgrading ? DB_CREATE : DB_WRITE, o->lock_ms,
                        o->sql ? "`--db :memory:` prints the SQL for an empty database" : NULL);
    if (!db)
        return NULL;
    if (o->secure_delete && !o->sql) {
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA secure_delete=%s", o->secure_delete);
        if (mc_exec(db, pragma) != MC_OK)
            goto fail;
    }
    *cur = 0;
    if (mc_migrate_current(db, cur) != MC_OK || mc_migrate_verify(db, list, md->n) != MC_OK)
        goto fail;
    if (o->verbose && !o->sql) {
        if (strcmp(o->shown, mc_db_path(db)) == 0)
            printf("Database %s, at %04d.\n", o->shown, *cur);
        else
            printf("Database %s (the file %s), at %04d.\n", o->shown, mc_db_path(db), *cur);
        printf("Migrations in %s: %zu; the %d applied match their files (checksums).\n", o->dir, md->n, *cur);
    }
    return db;
fail:
    mcc_error_in(d, NULL, NULL, "%s: %s", o->shown, mc_errmsg(db));
    mc_close(db);
    return NULL;
}

/* Step 3: the version to move to: --to (already read into *target), else
 * the latest for upgrade and one down for downgrade; a target on the
 * wrong side of cur is refused with the command to use.  0, or -1 after
 * reporting. */
static int move_target(const move_opts *o, mcc_diag *d, size_t n, int cur, int *target)
{
    if (o->upgrading) {
        if (*target < 0)
            *target = (int)n;
        if (*target < cur) {
            mcc_error_in(d, NULL, NULL, "%s is at %04d, above --to %04d; use downgrade", o->shown, cur, *target);
            return -1;
        }
    } else {
        if (!o->to)
            *target = cur > 0 ? cur - 1 : 0;
        if (*target > cur) {
            mcc_error_in(d, NULL, NULL, "%s is at %04d, below --to %04d; use upgrade", o->shown, cur, *target);
            return -1;
        }
    }
    return 0;
}

/* Step 4: the steps from cur to target through the runner, each reported
 * as it runs, and then the steps another process made meanwhile (two
 * upgraders at once).  An exit status. */
static int move_run(const move_opts *o, mcc_diag *d, mc_db *db, const mc_migration *list, size_t n, int cur,
                    int target, mcc_arena *arena)
{
    progress p = {o->quiet, isatty(1), n, mcc_arena_alloc(arena, n + 1), {0, 0}};
    if (!p.done) {
        mcc_error_in(d, NULL, NULL, "out of memory");
        return MCC_EXIT_ERROR;
    }
    memset(p.done, 0, n + 1);
    int st = mc_migrate_run(db, list, n, target, on_step, &p);
    if (st != MC_OK) {
        mcc_error_in(d, NULL, st == MC_BUSY ? LOCK_HINT : NULL, "%s: %s", o->shown, mc_errmsg(db));
        int now = cur;
        mc_migrate_current(db, &now);
        if (now != cur)
            mcc_error_in(d, NULL, NULL, "the database stopped at %04d", now);
        return MCC_EXIT_ERROR;
    }
    int lo = o->upgrading ? cur + 1 : target + 1, hi = o->upgrading ? target : cur;
    for (int v = lo; v <= hi; v++)
        if (!p.done[v] && !o->quiet)
            printf("%04d (%s) was %s by another process meanwhile\n", v, list[v - 1].name,
                   o->upgrading ? "applied" : "undone");
    if (!o->quiet)
        printf("%s is at %04d.\n", o->shown, target);
    return MCC_EXIT_OK;
}

/* upgrade and downgrade: options, the directory, the database, the
 * target, then --sql's listing or the steps themselves. */
static int move(const mcc_cmd *cmd, int argc, char **argv, bool upgrading)
{
    char place[64];
    mcc_diag d;
    cmd_diag(&d, place, cmd->name);
    move_opts o = {.upgrading = upgrading};
    int rc = move_options(cmd, argc, argv, &d, &o);
    if (rc >= 0)
        return rc;
    int target = -1;
    /* A malformed --to is a usage error whatever the directory holds. */
    if (o.to && (rc = parse_version(&d, o.to, (size_t)INT_MAX, &target)) != 0)
        return rc;
    if (mcc_cli_require_dir(cmd->name, o.dir))
        return MCC_EXIT_ERROR;
    mcc_arena arena = {0};
    mcc_migdir md;
    mc_migration *list = NULL;
    mc_db *db = NULL;
    int cur = 0;
    rc = MCC_EXIT_ERROR;
    if (read_dir(&d, o.dir, o.url, &arena, &md) || !(list = mcc_migdir_list(&md, &arena)))
        goto out;
    if (o.to && (rc = parse_version(&d, o.to, md.n, &target)) != 0)
        goto out;
    rc = MCC_EXIT_ERROR;
    if (!(db = move_open(&o, &d, &md, list, &cur)) || move_target(&o, &d, md.n, cur, &target))
        goto out;
    if (o.sql) {
        rc = print_plan(&d, db, list, md.n, target);
    } else if (target == cur) {
        if (!o.quiet)
            printf("%s is at %04d; nothing to do.\n", o.shown, cur);
        rc = MCC_EXIT_OK;
    } else {
        rc = move_run(&o, &d, db, list, md.n, cur, target, &arena);
    }
out:
    mc_close(db);
    mcc_arena_free(&arena);
    return rc;
}

int mcc_cmd_upgrade(const mcc_cmd *cmd, int argc, char **argv)
{
    return move(cmd, argc, argv, true);
}

int mcc_cmd_downgrade(const mcc_cmd *cmd, int argc, char **argv)
{
    return move(cmd, argc, argv, false);
}

/* ---- current / history / stamp ---------------------------------------------- */

/* The recorded name of version v, or NULL (either database). */
/* The name version v was applied under (mc_migrate_applied's walk). */
typedef struct named {
    int version;
    char *name;
} named;

static int name_of(void *ctx, int version, const char *name, const char *checksum)
{
    named *w = ctx;
    (void)checksum;
    if (version != w->version)
        return 0;
    w->name = strdup(name ? name : "");
    return 1;
}

/* The name the database recorded for version v, malloc'd; NULL if none. */
static char *applied_name(mc_db *db, int v)
{
    named w = {v, NULL};
    mc_migrate_applied(db, name_of, &w);
    return w.name;
}

int mcc_cmd_current(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *url = NULL;
    const mcc_opt opts[] = {{"--db", NULL, 1, &url, NULL}, {0}};
    const char *pos[1];
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 0, 0);
    if (rc >= 0)
        return rc;
    if ((rc = mcc_cli_db(cmd, &url)) >= 0)
        return rc;
    char place[64];
    mcc_diag d;
    cmd_diag(&d, place, cmd->name);
    mc_db *db = open_db(&d, url, DB_READ, -1, NULL);
    if (!db)
        return MCC_EXIT_ERROR;
    int v = 0;
    if (mc_migrate_current(db, &v) != MC_OK) {
        mcc_error_in(&d, NULL, NULL, "%s", mc_errmsg(db));
        mc_close(db);
        return MCC_EXIT_ERROR;
    }
    if (v == 0) {
        printf("0000 (no migration applied)\n");
    } else {
        char *name = applied_name(db, v);
        printf("%04d %s\n", v, name ? name : "");
        free(name);
    }
    mc_close(db);
    return MCC_EXIT_OK;
}

/* What the database records for history --db: the checksum applied for
 * each version (NULL when not applied), the highest version. */
typedef struct applied {
    int current;
    size_t n;
    char **checksum;    /* [1..n] */
    char *beyond;       /* a recorded version with no file, "0004 name" */
} applied;

/* One applied row into the applied record (mc_migrate_applied's walk). */
typedef struct reading {
    applied *out;
    mcc_arena *arena;
} reading;

static int record_applied(void *ctx, int v, const char *name, const char *sum)
{
    reading *w = ctx;
    if (v >= 1 && (size_t)v <= w->out->n) {
        if (!(w->out->checksum[v] = mcc_arena_strdup(w->arena, sum ? sum : "")))
            return MC_NOMEM;
    } else if (v > 0 && !w->out->beyond) {
        w->out->beyond = mcc_arena_printf(w->arena, "%04d %s", v, name ? name : "");
    }
    return 0;
}

static int read_applied(mc_db *db, size_t n, mcc_arena *arena, applied *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->checksum = mcc_arena_alloc(arena, (n + 1) * sizeof *out->checksum);
    if (!out->checksum)
        return MC_NOMEM;
    memset(out->checksum, 0, (n + 1) * sizeof *out->checksum);
    int rc = mc_migrate_current(db, &out->current);
    if (rc != MC_OK || out->current == 0)
        return rc;
    reading w = {out, arena};
    return mc_migrate_applied(db, record_applied, &w);
}

int mcc_cmd_history(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *dir = NULL, *url = NULL;
    const mcc_opt opts[] = {{"--dir", NULL, 1, &dir, NULL}, {"--db", NULL, 1, &url, NULL}, {0}};
    const char *pos[1];
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 0, 0);
    if (rc >= 0)
        return rc;
    int with_db = url != NULL;
    if (with_db && (rc = mcc_cli_db(cmd, &url)) >= 0)
        return rc;
    if (!dir)
        dir = "migrations";
    if (mcc_cli_require_dir(cmd->name, dir))
        return MCC_EXIT_ERROR;
    mcc_arena arena = {0};
    mcc_migdir md;
    applied ap = {0};
    char place[64];
    mcc_diag d;
    cmd_diag(&d, place, cmd->name);
    rc = MCC_EXIT_ERROR;
    /* Without --db the history is listed in the dialect its files name
     * (a PostgreSQL history too); with --db, in the database's. */
    if (with_db ? read_dir(&d, dir, url, &arena, &md)
                : mcc_migdir_read_in(dir, mcc_migdir_dialect(dir, MCC_DIALECT_SQLITE), &arena, &d, &md) != 0)
        goto out;
    /* --db: mark each migration applied or pending, as showmigrations does. */
    if (with_db) {
        mc_db *db = open_db(&d, url, DB_READ, -1, NULL);
        if (!db)
            goto out;
        if (read_applied(db, md.n, &arena, &ap) != MC_OK) {
            mcc_error_in(&d, NULL, NULL, "%s: %s", mcc_cli_shown_db(url), mc_errmsg(db));
            mc_close(db);
            goto out;
        }
        mc_close(db);
    }
    if (md.n == 0)
        printf("No migrations in %s.\n", dir);
    for (size_t i = 0; i < md.n; i++) {
        const mcc_migfile *m = &md.files[i];
        const char *sum = with_db ? ap.checksum[m->version] : NULL;
        if (with_db)
            printf("[%c] ", sum ? 'X' : ' ');
        printf("%04d %s", m->version, m->name);
        if (m->message)
            printf("  -- %s", m->message);
        printf("%s", m->downgrade_sql ? "" : "  (no downgrade)");
        if (sum && strcmp(sum, m->checksum) != 0)
            printf("  (edited since it was applied)");
        if (with_db && m->version == ap.current)
            printf("  (current)");
        printf("\n");
    }
    if (with_db) {
        if (ap.beyond)
            printf("[X] %s  (applied, but its file is missing)\n", ap.beyond);
        size_t pending = 0;
        for (size_t v = 1; v <= md.n; v++)
            pending += ap.checksum[v] == NULL;
        printf("%s is at %04d; %zu pending.\n", mcc_cli_shown_db(url), ap.current, pending);
    }
    rc = MCC_EXIT_OK;
out:
    mcc_arena_free(&arena);
    return rc;
}

int mcc_cmd_stamp(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *url = NULL, *dir = NULL, *lock_timeout = NULL;
    const mcc_opt opts[] = {{"--db", NULL, 1, &url, NULL},
                            {"--dir", NULL, 1, &dir, NULL},
                            {"--lock-timeout", NULL, 1, &lock_timeout, NULL},
                            {0}};
    const char *pos[1] = {0};
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    if ((rc = mcc_cli_db(cmd, &url)) >= 0)
        return rc;
    if (!dir)
        dir = "migrations";
    char place[64];
    mcc_diag d;
    cmd_diag(&d, place, cmd->name);
    int v, lock_ms;
    if ((rc = parse_version(&d, pos[0], (size_t)INT_MAX, &v)) != 0)
        return rc;
    if ((rc = parse_lock_timeout(&d, lock_timeout, &lock_ms)) != 0) {
        mcc_cli_usage(cmd);
        return rc;
    }
    if (mcc_cli_require_dir(cmd->name, dir))
        return MCC_EXIT_ERROR;
    mcc_arena arena = {0};
    mcc_migdir md;
    mc_migration *list = NULL;
    rc = MCC_EXIT_ERROR;
    if (read_dir(&d, dir, url, &arena, &md) || !(list = mcc_migdir_list(&md, &arena)))
        goto out;
    if ((rc = parse_version(&d, pos[0], md.n, &v)) != 0)
        goto out;
    rc = MCC_EXIT_ERROR;
    mc_db *db = open_db(&d, url, DB_CREATE, lock_ms, NULL);
    if (!db)
        goto out;
    int st = mc_migrate_stamp(db, list, md.n, v);
    if (st != MC_OK) {
        mcc_error_in(&d, NULL, st == MC_BUSY ? LOCK_HINT : NULL, "%s", mc_errmsg(db));
        mc_close(db);
        goto out;
    }
    mc_close(db);
    printf("Stamped %s at %04d.\n", mcc_cli_shown_db(url), v);
    rc = MCC_EXIT_OK;
out:
    mcc_arena_free(&arena);
    return rc;
}

/* check --db on PostgreSQL: a note for each constraint the database
 * names otherwise than the migrations do (adopted from Alembic with a
 * naming convention, say).  The schemas match, but a later migration that
 * drops or changes the constraint names it as the migrations do and would
 * fail there; the note gives the statement that takes their name. */
static void print_named_notes(const char *shown, const mcc_named_matches *nm, mcc_arena *a)
{
    for (size_t i = 0; i < nm->n; i++) {
        const mcc_named_match *m = &nm->items[i];
        const char *ours = m->want ? mcc_pg_constraint_name(a, m->want_table, m->want)
                                   : mcc_pg_pkey_name(a, m->want_table->name);
        if (!ours || strcmp(ours, m->db_name) == 0)
            continue;
        mcc_buf b = {0};
        mcc_buf_put(&b, "ALTER TABLE ");
        mcc_put_ident_in(&b, MCC_DIALECT_POSTGRESQL, m->table->name);
        mcc_buf_put(&b, " RENAME CONSTRAINT ");
        mcc_put_ident_in(&b, MCC_DIALECT_POSTGRESQL, m->db_name);
        mcc_buf_put(&b, " TO ");
        mcc_put_ident_in(&b, MCC_DIALECT_POSTGRESQL, ours);
        printf("database (%s): note: constraint %s of %s is %s in the migrations, which would name it so to drop "
               "or change it; to take their name:\n  %s;\n",
               shown, m->db_name, m->table->name, ours, b.failed || !b.data ? "(out of memory)" : b.data);
        mcc_buf_free(&b);
    }
}

/* ---- check -------------------------------------------------------------------- */

int mcc_cmd_check(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *url = NULL, *dir = NULL;
    const mcc_opt opts[] = {{"--db", NULL, 1, &url, NULL}, {"--dir", NULL, 1, &dir, NULL}, {0}};
    const char *pos[1] = {0};
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    if (!dir)
        dir = "migrations";
    /* The database: --db, else $DATABASE_URL, else app.db when it exists. */
    int explicit_db = url != NULL || (getenv("DATABASE_URL") && getenv("DATABASE_URL")[0]);
    if ((rc = mcc_cli_db(cmd, &url)) >= 0)
        return rc;
    if (!explicit_db && access(url, F_OK) != 0)
        url = NULL;

    mcc_arena arena = {0};
    mcc_source src = {0};
    mcc_schema want;
    if (mcc_cli_load_schema(pos[0], &arena, &src, &want) != 0) {
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    mcc_diag diag;
    mcc_diag_init(&diag, &src, NULL, NULL);
    diag.place = "modelc check";
    rc = MCC_EXIT_ERROR;
    mcc_migdir md;
    mcc_diff d;
    size_t ndiff = 0;
    /* The history's dialect is the one its files name. */
    mcc_dialect dialect = mcc_migdir_dialect(dir, url ? mcc_dialect_of_url(url) : MCC_DIALECT_SQLITE);
    if (mcc_cli_require_dir(cmd->name, dir) || mcc_check_migrations(&want, dir, dialect, &arena, &diag, &md, &d))
        goto out;
    for (size_t i = 0; i < d.nops; i++)
        printf("migrations (%s): %s\n", dir, d.ops[i].text);
    ndiff += d.nops;
    if (d.nops)
        printf("  run `modelc migrate %s --dir %s%s` to write the missing migration\n", pos[0], dir,
               dialect == MCC_DIALECT_POSTGRESQL ? " --dialect postgresql" : "");

    if (url) {
        const char *shown = mcc_cli_shown_db(url);
        mcc_db_check dc;
        if (mcc_check_database(url, shown, &md, &want, &arena, &diag, &dc))
            goto out;
        if (dc.unverified) {
            printf("database (%s): %s\n", shown, dc.unverified);
            ndiff++;
        }
        if ((size_t)dc.version != md.n) {
            printf("database (%s): at version %04d, the migrations go to %04zu\n", shown, dc.version, md.n);
            ndiff++;
        }
        for (size_t i = 0; i < dc.diff.nops; i++)
            printf("database (%s): %s\n", shown, dc.diff.ops[i].text);
        ndiff += dc.diff.nops;
        if (dialect == MCC_DIALECT_POSTGRESQL)
            print_named_notes(shown, &dc.named, &arena);
    }
    if (ndiff) {
        printf("%zu difference%s from %s\n", ndiff, ndiff == 1 ? "" : "s", pos[0]);
        rc = MCC_EXIT_ERROR;
    } else {
        printf("OK: the migrations%s%s match %s\n", url ? " and " : "", url ? mcc_cli_shown_db(url) : "", pos[0]);
        rc = MCC_EXIT_OK;
    }
out:
    mcc_arena_free(&arena);
    return rc;
}
