/*
 * txn.c -- nestable transactions: BEGIN at the outermost level, SAVEPOINT
 * mc_sp_N inside it.
 *
 * db->depth mirrors the nesting.  SQLite may end a transaction by itself
 * (it rolls back on some I/O, disk-full and out-of-memory errors); the
 * connection's autocommit flag tells, and commit/rollback consult it
 * before issuing SQL that would fail with "no transaction is active".
 */
#include <stdio.h>

#include "internal.h"

/* Runs one cached, binding-free statement. */
static int run(mc_db *db, const char *sql)
{
    sqlite3_stmt *st = mc_prepare(db, sql);
    int rc;

    if (!st)
        return mc_errcode(db);
    rc = sqlite3_step(st);
    rc = rc == SQLITE_DONE ? MC_OK : mc_status_from_sqlite(db, rc, sql);
    mc_release(db, st);
    return rc;
}

/* Savepoint statements differ per level: built here, not cached. */
static int savepoint(mc_db *db, const char *verb, int level)
{
    char sql[64];

    snprintf(sql, sizeof sql, "%s \"mc_sp_%d\"", verb, level);
    return mci_run_script(db, sql, NULL, NULL);
}

static int begin(mc_db *db, const char *sql, const char *fn)
{
    int rc = mci_usable(db, fn);

    if (rc != MC_OK)
        return rc;
    if (db->depth > 0 && sqlite3_get_autocommit(db->handle))
        db->depth = 0;  /* SQLite rolled back on its own; start afresh */
    rc = db->depth == 0 ? run(db, sql) : savepoint(db, "SAVEPOINT", db->depth);
    if (rc == MC_OK)
        db->depth++;
    return rc;
}

int mc_begin(mc_db *db)
{
    return begin(db, "BEGIN", "mc_begin");
}

int mc_begin_immediate(mc_db *db)
{
    return begin(db, "BEGIN IMMEDIATE", "mc_begin_immediate");
}

int mc_commit(mc_db *db)
{
    int rc = mci_usable(db, "mc_commit");

    if (rc != MC_OK)
        return rc;
    if (db->depth == 0)
        return mc_set_error(db, MC_MISUSE, "mc_commit: no transaction is open (mc_begin first)");
    if (sqlite3_get_autocommit(db->handle)) {
        db->depth--;
        return mc_set_error(db, MC_ERROR,
                            "mc_commit: SQLite already rolled the transaction back "
                            "after an earlier error; its work is lost");
    }
    if (db->depth == 1) {
        rc = run(db, "COMMIT");
        /* A failed COMMIT (busy, deferred foreign key) leaves the
         * transaction open for a retry or a rollback. */
        if (rc == MC_OK || sqlite3_get_autocommit(db->handle))
            db->depth = 0;
        return rc;
    }
    rc = savepoint(db, "RELEASE", db->depth - 1);
    if (rc == MC_OK)
        db->depth--;
    return rc;
}

int mc_rollback(mc_db *db)
{
    int rc = mci_usable(db, "mc_rollback");

    if (rc != MC_OK)
        return rc;
    if (db->depth == 0)
        return mc_set_error(db, MC_MISUSE, "mc_rollback: no transaction is open");
    if (sqlite3_get_autocommit(db->handle)) {
        db->depth--;    /* already undone by SQLite */
        return MC_OK;
    }
    if (db->depth == 1) {
        rc = run(db, "ROLLBACK");
        if (rc == MC_OK || sqlite3_get_autocommit(db->handle)) {
            db->depth = 0;
            return MC_OK;
        }
        return rc;
    }
    rc = savepoint(db, "ROLLBACK TO", db->depth - 1);
    if (rc == MC_OK)
        rc = savepoint(db, "RELEASE", db->depth - 1);
    if (rc == MC_OK)
        db->depth--;
    return rc;
}

int mc_txn_depth(const mc_db *db)
{
    return db ? db->depth : 0;
}
