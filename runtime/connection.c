/*
 * connection.c -- opening a database by path or URL, closing it, and
 * running plain SQL scripts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

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
static int ends_transaction(const char *sql)
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
        if (rc == SQLITE_OK && prefix && ends_transaction(p)) {
            sqlite3_finalize(st);
            mci_first_line(p, line, sizeof line);
            return mc_set_error(db, MC_INVALID,
                                "%sstatement %d (%s): a migration may not end its transaction; "
                                "each migration already runs in one",
                                prefix, n, line);
        }
        if (rc == SQLITE_OK) {
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                ;
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
 * in-memory database). */
static int resolve_url(mc_db *db, const char *url, char **path, int *memory)
{
    const char *sep, *rest;
    size_t len;

    *path = NULL;
    *memory = 0;
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
        if (!((slen == 6 && strncmp(url, "sqlite", 6) == 0) ||
              (slen > 6 && strncmp(url, "sqlite+", 7) == 0)))
            return mc_set_error(db, MC_INVALID,
                                "%s: unsupported database URL (modelc supports sqlite:/// URLs "
                                "and plain paths)", url);
        rest = sep + 3;
        if (*rest && *rest != '/' && *rest != '?')
            return mc_set_error(db, MC_INVALID,
                                "%s: a sqlite URL has no host: write sqlite:///relative/path "
                                "or sqlite:////absolute/path", url);
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

/*
 * Switching a new file to WAL needs an exclusive lock, and SQLite answers
 * SQLITE_BUSY at once, without the busy handler, when waiting could
 * deadlock, e.g. when several processes open a fresh database together.
 * Retry for as long as the busy timeout allows.
 */
static int set_wal(mc_db *db, int timeout_ms)
{
    const struct timespec pause = { 0, 2 * 1000 * 1000 };
    int waited = 0, rc;

    for (;;) {
        rc = pragma(db, "PRAGMA journal_mode=WAL");
        if (rc != MC_BUSY || waited >= timeout_ms)
            return rc;
        nanosleep(&pause, NULL);
        waited += 2;
    }
}

static int apply_options(mc_db *db, const mc_open_options *o, int memory)
{
    static const char *const sync_modes[] = { "OFF", "NORMAL", "FULL", "EXTRA" };
    const char *sync = o && o->synchronous ? o->synchronous : "NORMAL";
    int timeout = o && o->busy_timeout_ms >= 0 ? o->busy_timeout_ms : 5000;
    int wal = o && o->wal >= 0 ? o->wal : 1;
    int fk = o && o->foreign_keys >= 0 ? o->foreign_keys : 1;
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
    /* Whatever mode the file system allows is accepted: a database that
     * cannot use WAL (a network share) still opens. */
    if (wal && !memory && (rc = set_wal(db, timeout)) != MC_OK)
        return rc;
    if ((rc = pragma(db, fk ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF")) != MC_OK)
        return rc;
    snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", sync_modes[i]);
    return pragma(db, sql);
}

int mc_open(mc_db **out, const char *url, const mc_open_options *opts)
{
    mc_db *db;
    int memory, rc, flags;

    if (!out)
        return MC_MISUSE;
    *out = db = calloc(1, sizeof *db);
    if (!db)
        return MC_NOMEM;
    if ((rc = resolve_url(db, url, &db->path, &memory)) != MC_OK)
        return rc;

    flags = SQLITE_OPEN_READWRITE;
    if (memory || !opts || opts->create != 0)
        flags |= SQLITE_OPEN_CREATE;
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

    if ((rc = apply_options(db, opts, memory)) != MC_OK) {
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

void mc_close(mc_db *db)
{
    if (!db)
        return;
    mci_cache_free(&db->cache);
    if (db->handle)
        sqlite3_close_v2(db->handle);   /* rolls back an open transaction */
    free(db->path);
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
