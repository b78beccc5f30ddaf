/*
 * migrate.c -- the migration runner behind `modelc upgrade/downgrade/
 * current/stamp` and behind applications that upgrade themselves, on
 * either engine.
 *
 * The database records what it has applied in modelc_migrations, one row
 * per version with the checksum of the file it came from.  Every step is
 * one transaction holding the migration's statements and its bookkeeping
 * row, so a step happens entirely or not at all, and two processes racing
 * to upgrade serialize on the lock the step's transaction takes first
 * (SQLite: BEGIN IMMEDIATE's write lock; PostgreSQL: an advisory lock,
 * migrate_pg.c): the loser re-reads the version once it holds the lock
 * and skips what is done.  Everything here goes through the driver-
 * neutral mc_stmt calls; what differs per engine is in migrate_engine.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driver.h"
#include "migrate_engine.h"

#define CREATE_TABLE                                                      \
    "CREATE TABLE IF NOT EXISTS \"modelc_migrations\" (\n"                \
    "    version INTEGER PRIMARY KEY,\n"                                  \
    "    name TEXT NOT NULL,\n"                                           \
    "    checksum TEXT NOT NULL,\n"                                       \
    "    applied_at TEXT NOT NULL\n"                                      \
    ")"

void mc_migration_checksum(const char *text, size_t len, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t h = mci_fnv1a(text ? text : "", text ? len : 0);
    int i;

    for (i = 15; i >= 0; i--, h >>= 4)
        out[i] = hex[h & 0xf];
    out[16] = '\0';
}

/* ---- the engines ----------------------------------------------------------- */

static const char *const sqlite_begin[] = {"BEGIN IMMEDIATE", NULL};

static const mci_migrate_engine sqlite_engine = {
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'modelc_migrations'",
    sqlite_begin,
    MCI_MIGRATE_FOREIGN_KEY_PRAGMAS | MCI_MIGRATE_ROW_PROGRESS,
};

/* The runner's rules for db's engine; SQLite's for db NULL (mc_migrate_plan
 * of an empty database). */
static const mci_migrate_engine *engine_of(const mc_db *db)
{
    return db && db->pg ? &mci_pg_migrate_engine : &sqlite_engine;
}

/* ---- small steps ---------------------------------------------------------- */

/* Runs one cached statement of the runner's own to its end; prefix names
 * the caller in a failure's message. */
static int run(mc_db *db, const char *sql, const char *prefix)
{
    mc_stmt *st = mc_stmt_prepare(db, sql);
    int rc;

    if (!st)
        return mc_errcode(db);
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW)
        ;
    rc = rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, prefix);
    mc_stmt_release(db, st);
    return rc;
}

/* ROLLBACK after a failure, keeping the failure's status and message. */
static void rollback_quietly(mc_db *db)
{
    int status = db->status, sqlite_rc = db->sqlite_rc;
    char state[sizeof db->sqlstate], msg[sizeof db->msg];

    memcpy(state, db->sqlstate, sizeof state);
    memcpy(msg, db->msg, sizeof msg);
    run(db, "ROLLBACK", "ROLLBACK");
    db->status = status;
    db->sqlite_rc = sqlite_rc;
    memcpy(db->sqlstate, state, sizeof state);
    memcpy(db->msg, msg, sizeof msg);
}

/* Opens a step's transaction as the engine does (begin in
 * migrate_engine.h); what names the step in a failure's message.  On
 * failure no transaction is left open. */
static int begin_locked(mc_db *db, const char *what)
{
    const char *const *sql = engine_of(db)->begin;
    int rc = run(db, *sql, what);

    while (rc == MC_OK && *++sql)
        if ((rc = run(db, *sql, what)) != MC_OK)
            rollback_quietly(db);
    return rc;
}

/*
 * The one way this file reads a single number: the first column of the
 * first row of sql (a constant statement, cached), or dflt when it gives
 * no row -- whether modelc_migrations exists, the version it records,
 * PRAGMA foreign_keys.  what names the query in a failure's message.
 */
static int query_int(mc_db *db, const char *sql, const char *what, int dflt, int *out)
{
    mc_stmt *st = mc_stmt_prepare(db, sql);
    int rc;

    *out = dflt;
    if (!st)
        return mc_errcode(db);
    rc = mc_stmt_step(st);
    if (rc == MC_RC_ROW)
        *out = mc_stmt_column_int(st, 0);
    rc = rc == MC_RC_ROW || rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, what);
    mc_stmt_release(db, st);
    return rc;
}

static int table_exists(mc_db *db, int *exists)
{
    return query_int(db, engine_of(db)->table_exists_sql, "modelc_migrations", 0, exists);
}

static int read_current(mc_db *db, int *version)
{
    int rc, exists;

    *version = 0;
    if ((rc = table_exists(db, &exists)) != MC_OK || !exists)
        return rc;
    return query_int(db, "SELECT COALESCE(MAX(version), 0) FROM \"modelc_migrations\"", "modelc_migrations", 0,
                     version);
}

/* Creates modelc_migrations when missing: a bare CREATE TABLE IF NOT
 * EXISTS, or, where two creators at once could both fail, the same in a
 * transaction of its own behind the step's lock (taken only when the
 * table is missing). */
static int create_table(mc_db *db)
{
    int rc, exists;

    if (!(engine_of(db)->flags & MCI_MIGRATE_CREATE_UNDER_LOCK))
        return mc_exec(db, CREATE_TABLE);
    if ((rc = table_exists(db, &exists)) != MC_OK || exists)
        return rc;
    if ((rc = begin_locked(db, "modelc_migrations")) != MC_OK)
        return rc;
    if ((rc = run(db, CREATE_TABLE, "modelc_migrations")) != MC_OK ||
        (rc = run(db, "COMMIT", "modelc_migrations")) != MC_OK) {
        rollback_quietly(db);
        return rc;
    }
    return MC_OK;
}

/* The list is the caller's: versions 1..n in order, every string there. */
static int check_list(mc_db *db, const mc_migration *list, size_t n)
{
    size_t i;

    if (n > 0 && !list)
        return mc_set_error(db, MC_MISUSE, "migrations: the list is NULL");
    for (i = 0; i < n; i++) {
        if (list[i].version != (int)i + 1)
            return mc_set_error(db, MC_MISUSE,
                                "migrations: entry %zu has version %d; versions must run "
                                "1, 2, 3... without gaps", i, list[i].version);
        if (!list[i].name || !list[i].upgrade_sql || !list[i].checksum)
            return mc_set_error(db, MC_MISUSE,
                                "migrations: migration %04d lacks a name, upgrade SQL or checksum",
                                list[i].version);
    }
    return MC_OK;
}

static int resolve_target(mc_db *db, size_t n, int *target)
{
    if (*target == -1)
        *target = (int)n;
    if (*target < 0 || (size_t)*target > n) {
        if (n == 0)
            return mc_set_error(db, MC_INVALID, "no migration %04d: there are no migrations",
                                *target);
        return mc_set_error(db, MC_INVALID, "no migration %04d: the latest is %04zu", *target, n);
    }
    return MC_OK;
}

/* Walks the version table (see mc_migrate_applied); no table, no rows. */
static int each_applied(mc_db *db, mc_migration_applied_fn fn, void *ctx)
{
    mc_stmt *st;
    int rc, exists, stop = 0;

    if ((rc = table_exists(db, &exists)) != MC_OK || !exists)
        return rc;
    st = mc_stmt_prepare(db, "SELECT version, name, checksum FROM \"modelc_migrations\" ORDER BY version");
    if (!st)
        return mc_errcode(db);
    while (!stop && (rc = mc_stmt_step(st)) == MC_RC_ROW)
        stop = fn(ctx, mc_stmt_column_int(st, 0), mc_stmt_column_cstr(st, 1), mc_stmt_column_cstr(st, 2));
    if (stop)
        rc = stop;
    else if (rc == MC_RC_DONE)
        rc = MC_OK;
    else
        rc = mc_status_from_rc(db, rc, "modelc_migrations");
    mc_stmt_release(db, st);
    return rc;
}

/* What verify walks with: the list, and the version expected next. */
typedef struct verifying {
    mc_db *db;
    const mc_migration *list;
    size_t n;
    int expect;
} verifying;

/* One applied row against the list: in it, next in line, unedited. */
static int verify_one(void *ctx, int v, const char *name, const char *sum)
{
    verifying *w = ctx;

    if (v > 0 && (size_t)v > w->n)
        return mc_set_error(w->db, MC_INVALID,
                            "migration %04d is applied in the database but missing "
                            "(it was recorded as %s; the latest here is %04zu)",
                            v, name ? name : "?", w->n);
    if (v != w->expect)
        return v < 1 ? mc_set_error(w->db, MC_INVALID, "modelc_migrations records version %d, which no migration has",
                                    v)
                     : mc_set_error(w->db, MC_INVALID, "migration %04d is applied in the database but %04d is not", v,
                                    w->expect);
    if (!sum || strcmp(sum, w->list[v - 1].checksum) != 0)
        return mc_set_error(w->db, MC_INVALID,
                            "migration %04d (%s) was applied with checksum %s but the file now "
                            "has %s: it was edited after it was applied",
                            v, w->list[v - 1].name, sum ? sum : "NULL", w->list[v - 1].checksum);
    w->expect++;
    return 0;
}

/* Every applied version must be in the list, unedited, with no gaps. */
static int verify(mc_db *db, const mc_migration *list, size_t n)
{
    verifying w = {db, list, n, 1};
    return each_applied(db, verify_one, &w);
}

/* Does keyword kw start at s (not inside a longer word)? */
static int word_at(const char *s, const char *kw)
{
    size_t n = strlen(kw);

    return strncasecmp(s, kw, n) == 0 && !isalnum((unsigned char)s[n]) && s[n] != '_';
}

/*
 * Must this migration run with foreign key enforcement off?  When its
 * text mentions foreign_keys (a planned rebuild or drop says so), and
 * when it has a DROP TABLE (files written before the planner said so):
 * with enforcement on, SQLite deletes a dropped table's rows first and
 * fires their ON DELETE actions (RESTRICT fails, SET DEFAULT may violate
 * NOT NULL).  The step then ends with PRAGMA foreign_key_check.
 */
static int needs_fk_off(const char *sql)
{
    const char *p;

    for (p = sql; *p; p++) {
        if (p != sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue;
        if (word_at(p, "foreign_keys"))
            return 1;
        if (word_at(p, "DROP")) {
            const char *q = mci_skip_space(p + 4);
            if (word_at(q, "TABLE"))
                return 1;
        }
    }
    return 0;
}

static int get_fk(mc_db *db, int *on)
{
    return query_int(db, "PRAGMA foreign_keys", "PRAGMA foreign_keys", 0, on);
}

/* Any row of PRAGMA foreign_key_check fails the migration. */
static int fk_check(mc_db *db, const char *prefix)
{
    sqlite3_stmt *st = mc_prepare(db, "PRAGMA foreign_key_check");
    int rc, rows = 0;
    char table[128] = "", parent[128] = "";
    sqlite3_int64 rowid = 0;

    if (!st)
        return mc_errcode(db);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows++ == 0) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            const char *p = (const char *)sqlite3_column_text(st, 2);
            snprintf(table, sizeof table, "%s", t ? t : "?");
            snprintf(parent, sizeof parent, "%s", p ? p : "?");
            rowid = sqlite3_column_int64(st, 1);
        }
    }
    if (rc != SQLITE_DONE)
        rc = mc_status_from_sqlite(db, rc, prefix);
    else if (rows > 0)
        rc = mc_set_error(db, MC_CONSTRAINT,
                          "%sforeign key violation after the migration: table %s, row %lld "
                          "references a missing row of %s (%d violation%s in all)",
                          prefix, table, (long long)rowid, parent, rows, rows == 1 ? "" : "s");
    else
        rc = MC_OK;
    mc_release(db, st);
    return rc;
}

/* Is the statement at s (its own text, up to its ';') a bare
 * `PRAGMA foreign_key_check`? */
static int is_fk_check(const char *s)
{
    s = mci_skip_space(s);
    if (!word_at(s, "PRAGMA"))
        return 0;
    s = mci_skip_space(s + 6);
    if (!word_at(s, "foreign_key_check"))
        return 0;
    s = mci_skip_space(s + 17);
    return *s == ';' || *s == '\0';
}

/*
 * The script of a step whose foreign keys the runner checks itself
 * (fk_check after the last statement, which fails the step on any row):
 * a copy of sql with each bare `PRAGMA foreign_key_check` blanked, since
 * run as a script statement it would only read the same rows and throw
 * them away.  So a migration pays for one check, however its file was
 * written.  NULL (run sql as it is) when it has no such statement or
 * when out of memory, which costs only the second check.
 */
static char *without_fk_checks(const char *sql)
{
    size_t len = strlen(sql), start = 0, n;
    char *copy = NULL;

    for (; start < len; start += n) {
        n = mci_statement_end(sql + start, len - start, 0);   /* SQLite only */
        if (!is_fk_check(sql + start))
            continue;
        if (!copy) {
            if (!(copy = malloc(len + 1)))
                return NULL;
            memcpy(copy, sql, len + 1);
        }
        memset(copy + start, ' ', n);
    }
    return copy;
}

static int record(mc_db *db, const mc_migration *m, int upgrading, const char *prefix)
{
    char now[27];
    mc_stmt *st;
    int rc;

    if (upgrading)
        st = mc_stmt_prepare(db, "INSERT INTO \"modelc_migrations\" (version, name, checksum, applied_at) "
                                 "VALUES (?1, ?2, ?3, ?4)");
    else
        st = mc_stmt_prepare(db, "DELETE FROM \"modelc_migrations\" WHERE version = ?1");
    if (!st)
        return mc_errcode(db);
    mc_now_datetime(now);
    if ((rc = mc_stmt_bind_int(st, 1, m->version)) == MC_RC_OK && upgrading &&
        (rc = mc_stmt_bind_text(st, 2, m->name)) == MC_RC_OK &&
        (rc = mc_stmt_bind_text(st, 3, m->checksum)) == MC_RC_OK)
        rc = mc_stmt_bind_text(st, 4, now);
    if (rc == MC_RC_OK)
        rc = mc_stmt_step(st);
    rc = rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, prefix);
    mc_stmt_release(db, st);
    return rc;
}

/* "migration 0002 (add_x)" / "downgrade of migration 0002 (add_x)" */
static void describe(char *out, size_t cap, const mc_migration *m, int upgrading)
{
    snprintf(out, cap, "%smigration %04d (%.200s)", upgrading ? "" : "downgrade of ",
             m->version, m->name);
}

/* ---- progress of a statement copying rows ---------------------------------- */

/* What the hook around a step's statements needs to report rows. */
typedef struct rows_watch {
    mc_db *db;
    mc_migration_progress fn;
    void *ctx;
    const mc_migration *m;
    int upgrading;
    sqlite3_stmt *st;       /* the INSERT ... SELECT being watched, or NULL */
    long long total, last;
} rows_watch;

/* The table an INSERT ... SELECT ... FROM reads, unquoted, into out;
 * 0 when the statement is no such copy (or names a schema). */
static int copy_source(const char *sql, char *out, size_t cap)
{
    const char *s = mci_skip_space(sql), *from = NULL, *p;
    size_t n = 0;
    char q;

    if (strncasecmp(s, "INSERT", 6) != 0)
        return 0;
    /* the last FROM between blanks: the copy's source */
    for (p = s + 1; *p; p++)
        if (isspace((unsigned char)p[-1]) && strncasecmp(p, "FROM", 4) == 0 && isspace((unsigned char)p[4]))
            from = p;
    if (!from)
        return 0;
    p = mci_skip_space(from + 4);
    q = *p == '"' || *p == '`' ? *p : *p == '[' ? ']' : 0;
    if (q) {
        for (p++; *p && n + 1 < cap; p++) {
            if (*p == q) {
                if (q != ']' && p[1] == q)
                    p++;
                else
                    break;
            }
            out[n++] = *p;
        }
        if (*p != q)
            return 0;
        p++;
    } else {
        while ((isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) && n + 1 < cap)
            out[n++] = *p++;
    }
    out[n] = '\0';
    return n > 0 && *p != '.';
}

/* The first row of `what` FROM table `name` (quoted here) as an
 * integer, or -1. */
static long long table_int(mc_db *db, const char *what, const char *name)
{
    size_t len = strlen(name), i, o;
    char *sql = malloc(2 * len + strlen(what) + 32);
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (!sql)
        return -1;
    o = (size_t)sprintf(sql, "SELECT %s FROM \"", what);
    for (i = 0; i < len; i++) {
        if (name[i] == '"')
            sql[o++] = '"';
        sql[o++] = name[i];
    }
    sql[o++] = '"';
    sql[o] = '\0';
    if (sqlite3_prepare_v2(db->handle, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) == SQLITE_INTEGER)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    free(sql);
    return v;
}

/* About how many rows table `name` has, for the progress of a copy, or
 * -1: its largest rowid, one B-tree descent (count(*) would read every
 * page of a table about to be read anyway, a few percent of a large
 * rebuild); count(*) for a table without rowids. */
static long long estimate_rows(mc_db *db, const char *name)
{
    long long n = table_int(db, "max(rowid)", name);
    return n > 0 ? n : table_int(db, "count(*)", name);
}

/* SQLite's progress handler while a copy runs: the rows read so far are
 * the full-scan steps of the statement. */
static int on_vm_steps(void *arg)
{
    rows_watch *w = arg;
    long long done = sqlite3_stmt_status(w->st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);

    if (done > w->total)
        done = w->total;
    if ((done - w->last) * 100 >= w->total && done < w->total) {
        w->last = done;
        w->fn(w->ctx, w->m, w->upgrading, MC_MIGRATION_ROWS, done, w->total);
    }
    return 0;
}

/* mci_stmt_hook: watches a statement that copies a table's rows. */
static void watch_rows(void *arg, sqlite3_stmt *st, int after)
{
    rows_watch *w = arg;
    char table[256];

    if (after) {
        if (w->st == st) {
            /* The rows read, exact: a scan of n rows steps n - 1 times,
             * and a plain copy inserts each. */
            long long read = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0) + 1;
            long long copied = sqlite3_changes(w->db->handle);
            if (copied > read)
                read = copied;
            sqlite3_progress_handler(w->db->handle, 0, NULL, NULL);
            w->fn(w->ctx, w->m, w->upgrading, MC_MIGRATION_ROWS, read, read);
            w->st = NULL;
        }
        return;
    }
    if (!copy_source(sqlite3_sql(st), table, sizeof table) || (w->total = estimate_rows(w->db, table)) <= 0)
        return;
    w->st = st;
    w->last = 0;
    w->fn(w->ctx, w->m, w->upgrading, MC_MIGRATION_ROWS, 0, w->total);
    sqlite3_progress_handler(w->db->handle, 1000, on_vm_steps, w);
}

/* ---- running -------------------------------------------------------------- */

/*
 * One step from version `cur`, in its own transaction.  Returns MC_OK
 * also when another process moved the version first (nothing is done;
 * the caller looks again).
 */
static int step(mc_db *db, const mc_migration *list, size_t n, int cur, int upgrading,
                int check_fks, mc_migration_progress fn, void *ctx)
{
    const mc_migration *m = upgrading ? &list[cur] : &list[cur - 1];
    const char *sql = upgrading ? m->upgrade_sql : m->downgrade_sql;
    char what[256], prefix[260];
    int rc, now;

    describe(what, sizeof what, m, upgrading);
    snprintf(prefix, sizeof prefix, "%s: ", what);
    if ((rc = begin_locked(db, what)) != MC_OK)
        return rc;
    /* Holding the lock: the version read now is the one we move. */
    if ((rc = read_current(db, &now)) != MC_OK || (rc = verify(db, list, n)) != MC_OK)
        goto fail;
    if (now != cur) {
        rollback_quietly(db);
        return MC_OK;
    }
    if (fn)
        fn(ctx, m, upgrading, MC_MIGRATION_STARTED, 0, 0);
    if (engine_of(db)->flags & MCI_MIGRATE_ROW_PROGRESS) {
        rows_watch watch = { db, fn, ctx, m, upgrading, NULL, 0, 0 };
        char *script = check_fks ? without_fk_checks(sql) : NULL;
        rc = mci_run_script_hooked(db, script ? script : sql, prefix, NULL, fn ? watch_rows : NULL, &watch);
        free(script);
    } else {
        rc = mci_run_script(db, sql, prefix, NULL);
    }
    if (rc != MC_OK ||
        (rc = record(db, m, upgrading, what)) != MC_OK ||
        (check_fks && (rc = fk_check(db, prefix)) != MC_OK) ||
        (rc = run(db, "COMMIT", what)) != MC_OK)
        goto fail;
    if (fn)
        fn(ctx, m, upgrading, MC_MIGRATION_DONE, 0, 0);
    return MC_OK;
fail:
    rollback_quietly(db);
    return rc;
}

static int prologue(mc_db *db, const mc_migration *list, size_t n, int *target, const char *fn)
{
    int rc = mci_usable(db, fn);

    if (rc != MC_OK)
        return rc;
    if (db->depth > 0 || db->driver->in_txn(db))
        return mc_set_error(db, MC_MISUSE,
                            "%s: a transaction is open; migrations run in their own", fn);
    if ((rc = check_list(db, list, n)) != MC_OK)
        return rc;
    return resolve_target(db, n, target);
}

int mc_migrate_current(mc_db *db, int *version)
{
    int rc = mci_usable(db, "mc_migrate_current");

    if (rc != MC_OK)
        return rc;
    if (!version)
        return mc_set_error(db, MC_MISUSE, "mc_migrate_current: version is NULL");
    return read_current(db, version);
}

int mc_migrate_applied(mc_db *db, mc_migration_applied_fn fn, void *ctx)
{
    int rc = mci_usable(db, "mc_migrate_applied");

    if (rc != MC_OK)
        return rc;
    if (!fn)
        return mc_set_error(db, MC_MISUSE, "mc_migrate_applied: fn is NULL");
    return each_applied(db, fn, ctx);
}

int mc_migrate_verify(mc_db *db, const mc_migration *list, size_t n)
{
    int rc = mci_usable(db, "mc_migrate_verify");

    if (rc != MC_OK || (rc = check_list(db, list, n)) != MC_OK)
        return rc;
    return verify(db, list, n);
}

int mc_migrate_to(mc_db *db, const mc_migration *list, size_t n, int target)
{
    return mc_migrate_run(db, list, n, target, NULL, NULL);
}

int mc_migrate_run(mc_db *db, const mc_migration *list, size_t n, int target,
                   mc_migration_progress fn, void *ctx)
{
    int rc, cur, fk_on;

    if ((rc = prologue(db, list, n, &target, "mc_migrate_run")) != MC_OK ||
        (rc = create_table(db)) != MC_OK ||
        (rc = verify(db, list, n)) != MC_OK)
        return rc;

    for (;;) {
        const mc_migration *m;
        const char *sql;
        int upgrading, fk_off, rc2;

        if ((rc = read_current(db, &cur)) != MC_OK)
            return rc;
        if (cur == target)
            return MC_OK;
        if (cur < 0 || (size_t)cur > n) {   /* another process went past the list */
            if ((rc = verify(db, list, n)) != MC_OK)
                return rc;
            return mc_set_error(db, MC_INVALID, "the database is at version %d", cur);
        }
        upgrading = target > cur;
        m = upgrading ? &list[cur] : &list[cur - 1];
        sql = upgrading ? m->upgrade_sql : m->downgrade_sql;
        if (!sql)
            return mc_set_error(db, MC_INVALID,
                                "migration %04d (%s) has no downgrade: it cannot be undone",
                                m->version, m->name);

        /* PRAGMA foreign_keys is a no-op inside a transaction, so a
         * rebuild's "PRAGMA foreign_keys=OFF" must be done for it here. */
        fk_on = 0;
        if ((engine_of(db)->flags & MCI_MIGRATE_FOREIGN_KEY_PRAGMAS) && (rc = get_fk(db, &fk_on)) != MC_OK)
            return rc;
        fk_off = fk_on && needs_fk_off(sql);
        if (fk_off && (rc = mc_exec(db, "PRAGMA foreign_keys=OFF")) != MC_OK)
            return rc;
        rc = step(db, list, n, cur, upgrading, fk_off, fn, ctx);
        if (fk_off && (rc2 = mc_exec(db, "PRAGMA foreign_keys=ON")) != MC_OK && rc == MC_OK)
            rc = rc2;
        if (rc != MC_OK)
            return rc;
    }
}

int mc_migrate_stamp(mc_db *db, const mc_migration *list, size_t n, int version)
{
    static const char prefix[] = "stamp";
    mc_stmt *st;
    char now[27];
    int rc, v;

    if ((rc = prologue(db, list, n, &version, "mc_migrate_stamp")) != MC_OK ||
        (rc = create_table(db)) != MC_OK ||
        (rc = begin_locked(db, prefix)) != MC_OK)
        return rc;

    if (!(st = mc_stmt_prepare(db, "DELETE FROM \"modelc_migrations\" WHERE version > ?1"))) {
        rc = mc_errcode(db);
        goto fail;
    }
    rc = mc_stmt_bind_int(st, 1, version);
    if (rc == MC_RC_OK)
        rc = mc_stmt_step(st);
    rc = rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, prefix);
    mc_stmt_release(db, st);
    if (rc != MC_OK)
        goto fail;

    mc_now_datetime(now);
    for (v = 1; v <= version; v++) {
        const mc_migration *m = &list[v - 1];
        st = mc_stmt_prepare(db,
            "INSERT INTO \"modelc_migrations\" (version, name, checksum, applied_at) "
            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (version) DO UPDATE SET "
            "name = excluded.name, checksum = excluded.checksum");
        if (!st) {
            rc = mc_errcode(db);
            goto fail;
        }
        if ((rc = mc_stmt_bind_int(st, 1, v)) == MC_RC_OK &&
            (rc = mc_stmt_bind_text(st, 2, m->name)) == MC_RC_OK &&
            (rc = mc_stmt_bind_text(st, 3, m->checksum)) == MC_RC_OK &&
            (rc = mc_stmt_bind_text(st, 4, now)) == MC_RC_OK)
            rc = mc_stmt_step(st);
        rc = rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, prefix);
        mc_stmt_release(db, st);
        if (rc != MC_OK)
            goto fail;
    }
    if ((rc = run(db, "COMMIT", prefix)) != MC_OK)
        goto fail;
    return MC_OK;
fail:
    rollback_quietly(db);
    return rc;
}

/* ---- planning -------------------------------------------------------------- */

typedef struct plan {
    mc_migration_observer fn;
    void *ctx;
    const mc_migration *m;
    int upgrading;
    unsigned split;             /* mci_statement_end's flags: the files' dialect */
} plan;

static void emit(plan *p, const char *sql)
{
    p->fn(p->ctx, p->m, p->upgrading, sql);
}

/* Hands the statement in text[0..len) to the observer, without the
 * whitespace around it and its ';'; text that is only comments is not a
 * statement. */
static void emit_piece(plan *p, char *buf, const char *text, size_t len)
{
    while (len > 0 && isspace((unsigned char)*text))
        text++, len--;
    memcpy(buf, text, len);
    buf[len] = '\0';
    while (len > 0 && (buf[len - 1] == ';' || isspace((unsigned char)buf[len - 1])))
        buf[--len] = '\0';
    if (*mci_skip_space(buf))
        emit(p, buf);
}

/* Splits sql where the database would: at a ';' that ends a complete
 * statement (strings, comments and trigger bodies keep theirs on SQLite,
 * dollar-quoted bodies on PostgreSQL), in one pass. */
static int emit_script(plan *p, const char *sql)
{
    size_t len = strlen(sql), start = 0;
    char *buf = malloc(len + 1);

    if (!buf)
        return MC_NOMEM;
    while (start < len) {
        size_t n = mci_statement_end(sql + start, len - start, p->split);
        emit_piece(p, buf, sql + start, n);
        start += n;
    }
    free(buf);
    return MC_OK;
}

/* The bookkeeping statement with its values written out, quotes doubled. */
static int emit_record(plan *p, const char *now)
{
    const mc_migration *m = p->m;
    size_t cap = 200 + 2 * (strlen(m->name) + strlen(m->checksum));
    char *sql = malloc(cap), *o;
    const char *s;
    int k;

    if (!sql)
        return MC_NOMEM;
    if (!p->upgrading) {
        snprintf(sql, cap, "DELETE FROM \"modelc_migrations\" WHERE version = %d", m->version);
    } else {
        o = sql + snprintf(sql, cap,
                           "INSERT INTO \"modelc_migrations\" (version, name, checksum, "
                           "applied_at) VALUES (%d", m->version);
        for (k = 0; k < 2; k++) {
            *o++ = ',';
            *o++ = ' ';
            *o++ = '\'';
            for (s = k == 0 ? m->name : m->checksum; *s; s++) {
                if (*s == '\'')
                    *o++ = '\'';
                *o++ = *s;
            }
            *o++ = '\'';
        }
        snprintf(o, cap - (size_t)(o - sql), ", '%s')", now);
    }
    emit(p, sql);
    free(sql);
    return MC_OK;
}

int mc_migrate_plan(mc_db *db, const mc_migration *list, size_t n, int target,
                    mc_migration_observer fn, void *ctx)
{
    const mci_migrate_engine *eng = engine_of(db);
    const char *const *begin;
    plan p;
    char now[27];
    int rc, cur = 0, exists = 0, fk_on = 1, first = 1;

    if (!fn)
        return mc_set_error(db, MC_MISUSE, "mc_migrate_plan: the observer is NULL");
    if (db) {
        if ((rc = prologue(db, list, n, &target, "mc_migrate_plan")) != MC_OK ||
            (rc = table_exists(db, &exists)) != MC_OK ||
            (rc = read_current(db, &cur)) != MC_OK ||
            (rc = verify(db, list, n)) != MC_OK)
            return rc;
        fk_on = 0;
        if ((eng->flags & MCI_MIGRATE_FOREIGN_KEY_PRAGMAS) && (rc = get_fk(db, &fk_on)) != MC_OK)
            return rc;
    } else if ((rc = check_list(NULL, list, n)) != MC_OK ||
               (rc = resolve_target(NULL, n, &target)) != MC_OK) {
        return rc;
    }

    p.fn = fn;
    p.ctx = ctx;
    p.split = db && db->pg ? MCI_SQL_POSTGRESQL : 0;
    mc_now_datetime(now);
    while (cur != target) {
        const char *sql;
        int fk_off;

        p.upgrading = target > cur;
        p.m = p.upgrading ? &list[cur] : &list[cur - 1];
        sql = p.upgrading ? p.m->upgrade_sql : p.m->downgrade_sql;
        if (!sql)
            return mc_set_error(db, MC_INVALID,
                                "migration %04d (%s) has no downgrade: it cannot be undone",
                                p.m->version, p.m->name);
        if (first && !exists)
            emit(&p, CREATE_TABLE);
        first = 0;
        fk_off = fk_on && needs_fk_off(sql);
        if (fk_off)
            emit(&p, "PRAGMA foreign_keys=OFF");
        for (begin = eng->begin; *begin; begin++)
            emit(&p, *begin);
        if ((rc = emit_script(&p, sql)) != MC_OK || (rc = emit_record(&p, now)) != MC_OK)
            return mc_set_error(db, rc, "mc_migrate_plan: out of memory");
        emit(&p, "COMMIT");
        if (fk_off)
            emit(&p, "PRAGMA foreign_keys=ON");
        cur += p.upgrading ? 1 : -1;
    }
    return MC_OK;
}
