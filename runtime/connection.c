/*
 * connection.c -- opening a database by path or URL, closing it, and
 * running plain SQL scripts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include "driver.h"

/* ---- SQL text helpers ---------------------------------------------------- */

const char *mci_skip_space(const char *s)
{
    for (;;) {
        while (*s && isspace((unsigned char)*s))
            s++;
        if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
        } else if (s[0] == '/' && s[1] == '*') {
            const char *end = strstr(s + 2, "*/");
            s = end ? end + 2 : s + strlen(s);
        } else {
            return s;
        }
    }
}

void mci_first_line(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    if (cap == 0)
        return;
    s = mci_skip_space(s);
    while (s[n] && s[n] != '\n' && s[n] != '\r')
        n++;
    while (n > 0 && (s[n - 1] == ';' || isspace((unsigned char)s[n - 1])))
        n--;
    if (n >= cap) {
        size_t keep = cap > 4 ? cap - 4 : 0;
        memcpy(out, s, keep);
        memcpy(out + keep, "...", cap - keep - 1);
        out[cap - 1] = '\0';
        return;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* True when s starts with the keyword kw (case-insensitive, whole word);
 * *after receives the text after it. */
static int keyword(const char *s, const char *kw, const char **after)
{
    size_t n = strlen(kw);

    if (strncasecmp(s, kw, n) != 0 || isalnum((unsigned char)s[n]) || s[n] == '_')
        return 0;
    if (after)
        *after = mci_skip_space(s + n);
    return 1;
}

/* COMMIT, END or ROLLBACK (but not ROLLBACK TO a savepoint): a statement
 * that would end the transaction a migration runs in. */
int mci_ends_transaction(const char *sql)
{
    const char *s = mci_skip_space(sql), *rest;

    if (keyword(s, "COMMIT", NULL) || keyword(s, "END", NULL))
        return 1;
    if (keyword(s, "ROLLBACK", &rest)) {
        keyword(rest, "TRANSACTION", &rest);
        return !keyword(rest, "TO", NULL);
    }
    return 0;
}

int mci_run_script(mc_db *db, const char *sql, const char *prefix, int *count)
{
    return db->driver->run_script(db, sql, prefix, count);
}

int mci_run_script_hooked(mc_db *db, const char *sql, const char *prefix, int *count, mci_stmt_hook hook,
                          void *ctx)
{
    const char *p = sql;
    int n = 0, rc = SQLITE_OK;
    char line[120], context[MCI_MSG_MAX];

    if (count)
        *count = 0;
    while (*(p = mci_skip_space(p))) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;

        rc = sqlite3_prepare_v2(db->handle, p, -1, &st, &tail);
        if (rc == SQLITE_OK && !st) {   /* a lone ';' */
            p = tail;
            continue;
        }
        n++;
        if (rc == SQLITE_OK && prefix && mci_ends_transaction(p)) {
            sqlite3_finalize(st);
            mci_first_line(p, line, sizeof line);
            return mc_set_error(db, MC_INVALID,
                                "%sstatement %d (%s): a migration may not end its transaction; "
                                "each migration already runs in one",
                                prefix, n, line);
        }
        if (rc == SQLITE_OK) {
            if (hook)
                hook(ctx, st, 0);
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (hook)
                hook(ctx, st, 1);
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_OK) {
            mci_first_line(p, line, sizeof line);
            if (prefix)
                snprintf(context, sizeof context, "%sstatement %d failed: %s", prefix, n, line);
            else
                snprintf(context, sizeof context, "%s", line);
            rc = mc_status_from_sqlite(db, rc, context);
            sqlite3_finalize(st);
            return rc;
        }
        sqlite3_finalize(st);
        if (count)
            *count = n;
        p = tail;
    }
    return MC_OK;
}

int mc_exec(mc_db *db, const char *sql)
{
    int rc = mci_usable(db, "mc_exec");

    if (rc != MC_OK)
        return rc;
    if (!sql)
        return mc_set_error(db, MC_MISUSE, "mc_exec: sql is NULL");
    return mci_run_script(db, sql, NULL, NULL);
}

/* ---- opening ------------------------------------------------------------- */

/* Sets *path to a malloc'd file name for SQLite (":memory:" for an
 * in-memory database).  Refusals name the URL without its password. */
static int resolve_url(mc_db *db, const char *url, char **path, int *memory, const char **pg_url)
{
    const char *sep, *rest;
    char shown[512];
    size_t len;

    *path = NULL;
    *memory = 0;
    *pg_url = NULL;
    if (!url || !*url) {
        url = getenv("DATABASE_URL");
        if (!url || !*url)
            url = "app.db";
    }
    sep = strstr(url, "://");
    if (!sep) {
        rest = url;
        len = strlen(url);
    } else {
        size_t slen = (size_t)(sep - url);
        mc_redact_url(url, shown, sizeof shown);
        if ((slen == 8 && strncmp(url, "postgres", 8) == 0) ||
            (slen == 10 && strncmp(url, "postgresql", 10) == 0) ||
            (slen > 10 && strncmp(url, "postgresql+", 11) == 0)) {
            *pg_url = url;
            return MC_OK;
        }
        if (!((slen == 6 && strncmp(url, "sqlite", 6) == 0) ||
              (slen > 6 && strncmp(url, "sqlite+", 7) == 0)))
            return mc_set_error(db, MC_INVALID,
                                "%s: unsupported database URL (modelc supports sqlite:/// URLs, "
                                "plain paths and postgresql:// URLs)", shown);
        rest = sep + 3;
        if (*rest && *rest != '/' && *rest != '?')
            return mc_set_error(db, MC_INVALID,
                                "%s: a sqlite URL has no host: write sqlite:///relative/path "
                                "or sqlite:////absolute/path", shown);
        if (*rest == '/')
            rest++;
        len = strcspn(rest, "?");
    }
    if (len == 0 || (len == 8 && strncmp(rest, ":memory:", 8) == 0)) {
        *memory = 1;
        rest = ":memory:";
        len = 8;
    }
    *path = malloc(len + 1);
    if (!*path)
        return mc_set_error(db, MC_NOMEM, "out of memory");
    memcpy(*path, rest, len);
    (*path)[len] = '\0';
    return MC_OK;
}

static int pragma(mc_db *db, const char *sql)
{
    return mci_run_script(db, sql, NULL, NULL);
}

/* What kind of file the path names, for a refusal: "a directory". */
static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/*
 * Decides, before SQLite sees the path, whether it may be opened: it must
 * be a regular file (a directory, FIFO or device would open as an empty
 * database or block), and exist unless it may be created.  *fresh is set
 * when the database starts empty (missing or 0 bytes).
 */
static int check_file(mc_db *db, int may_create, int *fresh)
{
    struct stat st;

    *fresh = 0;
    if (stat(db->path, &st) != 0) {
        if (errno == ENOENT && may_create) {
            const char *slash = strrchr(db->path, '/');
            char dir[4096];
            snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash == db->path ? 1 : slash - db->path) : 1,
                     slash ? db->path : ".");
            if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
                return mc_set_error(db, MC_ERROR,
                                    "%s: unable to open database file: no such directory to create it in",
                                    db->path);
            *fresh = 1;
            return MC_OK;
        }
        return mc_set_error(db, MC_ERROR, "%s: unable to open database file: %s", db->path,
                            errno == ENOENT ? "no such file" : strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return mc_set_error(db, MC_ERROR, "%s: unable to open database file: it is %s, not a database file",
                            db->path, file_kind(st.st_mode));
    *fresh = st.st_size == 0;
    return MC_OK;
}

/* Milliseconds on a clock that never goes back. */
static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads the schema: "file is not a database", corruption and a lock held
 * past the busy timeout show up here rather than at the first query. */
static int probe(mc_db *db)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->handle, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    rc = rc == SQLITE_ROW ? MC_OK : mc_status_from_sqlite(db, rc, NULL);
    sqlite3_finalize(st);
    return rc;
}

/* Is the database in WAL mode already?  (Reads the header only.) */
static int is_wal(mc_db *db)
{
    sqlite3_stmt *st = NULL;
    int wal = 0;

    if (sqlite3_prepare_v2(db->handle, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        wal = strcasecmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    return wal;
}

/* Room for the -shm (32 KiB) and the first frames of the -wal.  A switch
 * to WAL with less succeeds and then leaves the database unreadable until
 * space is freed, so it is not attempted. */
#define WAL_ROOM (256 * 1024)

static int has_room_for_wal(const char *path)
{
    struct statvfs vfs;
    const char *slash = strrchr(path, '/');
    char dir[4096];

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    if (statvfs(dir, &vfs) != 0)
        return 1;   /* cannot tell: let SQLite try */
    return (unsigned long long)vfs.f_bavail * vfs.f_frsize >= WAL_ROOM;
}

/*
 * Switches a writable database to WAL when that is safe, and otherwise
 * leaves its journal mode as it is: the switch is an optimisation, never a
 * reason to fail or to damage a database.
 *
 * It needs an exclusive lock.  A database that another process is using
 * keeps its mode (one try, no waiting: the caller's first write then
 * waits at most the busy timeout, as it would anyway).  A fresh database
 * is retried until the timeout's deadline, because SQLite answers
 * SQLITE_BUSY at once, without the busy handler, when several processes
 * open a new file together.
 */
static int set_wal(mc_db *db, int timeout_ms, int fresh)
{
    const struct timespec pause = { 0, 2 * 1000 * 1000 };
    long long deadline = now_ms() + timeout_ms;
    int rc;

    if (sqlite3_db_readonly(db->handle, "main") == 1 || is_wal(db) || !has_room_for_wal(db->path))
        return MC_OK;
    if (!fresh)
        sqlite3_busy_timeout(db->handle, 0);
    for (;;) {
        rc = pragma(db, "PRAGMA journal_mode=WAL");
        if (rc != MC_BUSY || !fresh || now_ms() >= deadline)
            break;
        nanosleep(&pause, NULL);
    }
    sqlite3_busy_timeout(db->handle, timeout_ms);
    if (rc == MC_BUSY || (rc != MC_OK && db->sqlite_rc != SQLITE_NOMEM)) {
        mc_clear_error(db);
        return MC_OK;
    }
    return rc;
}

static int apply_options(mc_db *db, const mc_open_options *o, int memory, int fresh)
{
    static const char *const sync_modes[] = { "OFF", "NORMAL", "FULL", "EXTRA" };
    const char *sync = o && o->synchronous ? o->synchronous : "NORMAL";
    int timeout = o && o->busy_timeout_ms >= 0 ? o->busy_timeout_ms : 5000;
    int wal = o && o->wal >= 0 ? o->wal : 1;
    int fk = o && o->foreign_keys >= 0 ? o->foreign_keys : 1;
    int readonly = o && o->readonly > 0;
    char sql[64];
    size_t i;
    int rc;

    for (i = 0; i < sizeof sync_modes / sizeof *sync_modes; i++)
        if (strcasecmp(sync, sync_modes[i]) == 0)
            break;
    if (i == sizeof sync_modes / sizeof *sync_modes)
        return mc_set_error(db, MC_INVALID,
                            "synchronous must be OFF, NORMAL, FULL or EXTRA, not '%.40s'", sync);

    sqlite3_busy_timeout(db->handle, timeout);
    if (!memory && (rc = probe(db)) != MC_OK) {
        if (rc == MC_BUSY)
            mc_set_error(db, MC_BUSY, "database is locked (still, after the busy timeout of %d ms)",
                         timeout);
        return rc;
    }
    if (wal && !readonly && !memory && (rc = set_wal(db, timeout, fresh)) != MC_OK)
        return rc;
    if ((rc = pragma(db, fk ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF")) != MC_OK)
        return rc;
    snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", sync_modes[i]);
    return pragma(db, sql);
}

int mc_open(mc_db **out, const char *url, const mc_open_options *opts)
{
    mc_db *db;
    const char *pg_url = NULL;
    int memory, rc, flags, fresh = 0;
    int readonly = opts && opts->readonly > 0;
    int create = !readonly && (!opts || opts->create != 0);

    if (!out)
        return MC_MISUSE;
    *out = db = calloc(1, sizeof *db);
    if (!db)
        return MC_NOMEM;
    db->driver = &mci_sqlite_driver;
    if ((rc = resolve_url(db, url, &db->path, &memory, &pg_url)) != MC_OK)
        return rc;
    if (pg_url) {
        /* libpq's reasons may quote the URL, or a token of it, as given */
        if ((rc = mci_pg_open(db, pg_url, opts)) != MC_OK)
            mci_scrub_url_secrets(db->msg, sizeof db->msg, db->path ? strlen(db->path) : 0, pg_url);
        return rc;
    }
    if (!memory && (rc = check_file(db, create, &fresh)) != MC_OK)
        return rc;

    if (memory)
        flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;   /* private: nothing to protect */
    else if (readonly)
        flags = SQLITE_OPEN_READONLY;
    else
        flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (opts && opts->single_thread > 0)
        flags |= SQLITE_OPEN_NOMUTEX;
    rc = sqlite3_open_v2(db->path, &db->handle, flags, NULL);
    if (rc != SQLITE_OK) {
        if (db->handle) {
            mc_status_from_sqlite(db, rc, db->path);
            sqlite3_close(db->handle);
            db->handle = NULL;
        } else {
            mc_set_error(db, MC_NOMEM, "%s: out of memory", db->path);
        }
        return db->status;
    }
    sqlite3_extended_result_codes(db->handle, 1);

    if ((rc = apply_options(db, opts, memory, fresh)) != MC_OK) {
        /* "file is not a database" and the like show up here. */
        int src = db->sqlite_rc;
        mc_set_error(db, rc, "%s: %s", db->path, mc_errmsg(db));
        db->sqlite_rc = src;
        sqlite3_close(db->handle);
        db->handle = NULL;
        return rc;
    }
    return MC_OK;
}

/* Closes the connection at once.  A query still live (the caller frees
 * it later, as SQLite's sqlite3_close_v2 lets a statement outlive its
 * connection) keeps the mc_db's memory until its mc_query_free, which
 * then touches nothing else of the connection. */
void mc_close(mc_db *db)
{
    if (!db)
        return;
    mci_query_spare_free(db);
    mci_cache_free(db);
    db->driver->close(db);  /* rolls back an open transaction */
    free(db->path);
    db->path = NULL;
    if (db->live_queries) {
        db->closed = 1;
        return;
    }
    free(db);
}

sqlite3 *mc_sqlite(mc_db *db)
{
    return db ? db->handle : NULL;
}

const char *mc_db_path(const mc_db *db)
{
    return db && db->path ? db->path : "";
}

mc_engine mc_db_engine(const mc_db *db)
{
    return db && db->driver ? db->driver->engine : MC_ENGINE_SQLITE;
}
