/*
 * txn.c -- nestable transactions: BEGIN at the outermost level, SAVEPOINT
 * mc_sp_N inside it.
 *
 * db->depth mirrors the nesting.  SQLite may end a transaction by itself
 * (it rolls back on some I/O, disk-full and out-of-memory errors); the
 * driver's in_txn tells, and commit/rollback consult it before issuing
 * SQL that would fail with "no transaction is active".
 *
 * PostgreSQL differs in one way: a statement that fails inside a
 * transaction aborts all of it (SQLite undoes only that statement), and
 * the server then refuses everything but a rollback.  So on PostgreSQL
 * mc_commit of an aborted outermost transaction rolls it back and says
 * so (MC_ERROR), and mc_commit of an aborted savepoint is refused
 * (MC_ERROR) until mc_rollback undoes the savepoint, which makes the
 * outer transaction usable again.
 */
#include <stdio.h>

#include "driver.h"

/* Runs one binding-free statement: cached on SQLite, through the simple
 * protocol (one round trip, nothing to prepare) on PostgreSQL. */
static int run(mc_db *db, const char *sql)
{
    mc_stmt *st;
    int rc;

    if (db->pg)
        return mci_run_script(db, sql, NULL, NULL);
    if (!(st = mc_stmt_prepare(db, sql)))
        return mc_errcode(db);
    rc = mc_stmt_step(st);
    rc = rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, sql);
    mc_stmt_release(db, st);
    return rc;
}

/* Has the engine ended the transaction by itself? */
static int ended(mc_db *db)
{
    return !db->driver->in_txn(db);
}

/* Savepoint statements differ per level: built here, not cached. */
static int savepoint(mc_db *db, const char *verb, int level)
{
    char sql[64];

    snprintf(sql, sizeof sql, "%s \"mc_sp_%d\"", verb, level);
    return mci_run_script(db, sql, NULL, NULL);
}

static int begin(mc_db *db, int immediate, const char *fn)
{
    int rc = mci_usable(db, fn);

    if (rc != MC_OK)
        return rc;
    if (db->depth > 0 && ended(db))
        db->depth = 0;  /* SQLite rolled back on its own; start afresh */
    rc = db->depth == 0 ? run(db, db->driver->begin_sql(immediate)) : savepoint(db, "SAVEPOINT", db->depth);
    if (rc == MC_OK)
        db->depth++;
    return rc;
}

int mc_begin(mc_db *db)
{
    return begin(db, 0, "mc_begin");
}

int mc_begin_immediate(mc_db *db)
{
    return begin(db, 1, "mc_begin_immediate");
}

int mc_commit(mc_db *db)
{
    int rc = mci_usable(db, "mc_commit");

    if (rc != MC_OK)
        return rc;
    if (db->depth == 0)
        return mc_set_error(db, MC_MISUSE, "mc_commit: no transaction is open (mc_begin first)");
    if (ended(db)) {
        db->depth--;
        return mc_set_error(db, MC_ERROR,
                            "mc_commit: SQLite already rolled the transaction back "
                            "after an earlier error; its work is lost");
    }
    if (db->pg && db->driver->in_txn(db) == 2) {     /* PostgreSQL: aborted by a failed statement */
        if (db->depth > 1)
            return mc_set_error(db, MC_ERROR,
                                "mc_commit: a statement failed inside this savepoint and PostgreSQL "
                                "refuses everything but mc_rollback until it is undone");
        run(db, "ROLLBACK");
        db->depth = 0;
        return mc_set_error(db, MC_ERROR,
                            "mc_commit: a statement failed inside the transaction, so PostgreSQL "
                            "aborted it; it was rolled back and its work is lost");
    }
    if (db->depth == 1) {
        rc = run(db, "COMMIT");
        /* A failed COMMIT (busy, deferred foreign key) leaves the
         * transaction open for a retry or a rollback. */
        if (rc == MC_OK || ended(db))
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
    if (ended(db)) {
        db->depth--;    /* already undone by SQLite */
        return MC_OK;
    }
    if (db->depth == 1) {
        rc = run(db, "ROLLBACK");
        if (rc == MC_OK || ended(db)) {
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
