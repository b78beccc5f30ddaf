/*
 * driver_sqlite.c -- SQLite behind the driver interface (driver.h).
 *
 * Opening stays in connection.c (paths, URLs, pragmas, WAL); this file is
 * what the rest of the runtime asks of an open SQLite connection.  The
 * hot calls (bind, step, column) never come here: modelc.h's inline
 * mc_stmt_* calls reach sqlite3_* directly.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driver.h"

/* Where an INSERT's trailing "RETURNING ..." starts (the last RETURNING
 * keyword outside quotes), or NULL.  The generated texts of
 * mc_stmt_prepare_insert end with one; SQLite reads the id with
 * sqlite3_last_insert_rowid instead, which costs no extra row. */
static const char *returning_clause(const char *sql)
{
    const char *found = NULL, *p = sql;
    char quote = 0;

    for (; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
            continue;
        }
        if ((p == sql || isspace((unsigned char)p[-1])) && strncasecmp(p, "RETURNING", 9) == 0 &&
            (!p[9] || isspace((unsigned char)p[9])))
            found = p;
    }
    return found;
}

static int lite_prepare(mc_db *db, const char *sql, mci_stmt *st, const mci_stmt *shared)
{
    sqlite3_stmt *s = NULL;
    const char *tail = NULL, *cut = NULL;
    char line[120];
    int rc, len = -1;

    (void)shared;   /* SQLite statements share nothing */
    if (st->flags & MCI_STMT_RETURNS_ID) {
        cut = returning_clause(sql);
        if (!cut) {
            mci_first_line(sql, line, sizeof line);
            return mc_set_error(db, MC_MISUSE, "mc_stmt_prepare_insert: no RETURNING clause in \"%s\"", line);
        }
        while (cut > sql && isspace((unsigned char)cut[-1]))
            cut--;
        len = (int)(cut - sql);
    }
    rc = sqlite3_prepare_v2(db->handle, sql, len, &s, &tail);
    if (rc != SQLITE_OK) {
        mci_first_line(sql, line, sizeof line);
        return mc_status_from_sqlite(db, rc, line);
    }
    if (!s)
        return mc_set_error(db, MC_MISUSE, "mc_prepare: the SQL holds no statement");
    if (!cut) {
        tail = mci_skip_space(tail);
        while (*tail == ';')
            tail = mci_skip_space(tail + 1);
        if (*tail) {
            sqlite3_finalize(s);
            mci_first_line(sql, line, sizeof line);
            return mc_set_error(db, MC_MISUSE, "mc_prepare: more than one statement in \"%s\"; use mc_exec",
                                line);
        }
    }
    st->pub.lite = s;
    return MC_OK;
}

static void lite_finalize(mci_stmt *st)
{
    sqlite3_finalize(st->pub.lite);
    st->pub.lite = NULL;
}

static void lite_reset(mci_stmt *st)
{
    sqlite3_reset(st->pub.lite);
    sqlite3_clear_bindings(st->pub.lite);
}

static int lite_run_script(mc_db *db, const char *sql, const char *prefix, int *count)
{
    return mci_run_script_hooked(db, sql, prefix, count, NULL, NULL);
}

static int64_t lite_changes(mc_db *db)
{
    return (int64_t)sqlite3_changes64(db->handle);
}

static int64_t lite_last_id(mc_db *db)
{
    return (int64_t)sqlite3_last_insert_rowid(db->handle);
}

static int lite_in_txn(mc_db *db)
{
    return !sqlite3_get_autocommit(db->handle);
}

static const char *lite_begin_sql(int immediate)
{
    return immediate ? "BEGIN IMMEDIATE" : "BEGIN";
}

static void lite_close(mc_db *db)
{
    if (db->handle)
        sqlite3_close_v2(db->handle);   /* rolls back an open transaction */
    db->handle = NULL;
}

const mci_driver mci_sqlite_driver = {
    MC_ENGINE_SQLITE, "SQLite",
    lite_prepare, lite_finalize, lite_reset, lite_run_script,
    lite_changes, lite_last_id, lite_in_txn, lite_begin_sql, lite_close,
};
