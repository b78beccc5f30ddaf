/*
 * migrate_pg.c -- the migration runner on a PostgreSQL connection: what
 * migrate.c's steps do there (migrate_engine.h).
 *
 * Decisions (README, "PostgreSQL", says the same for users):
 *   - The version table is the same modelc_migrations as on SQLite (same
 *     columns and types, which PostgreSQL takes as they are), in the
 *     connection's current schema (the first of search_path).
 *   - Each migration runs in one transaction: PostgreSQL's DDL is
 *     transactional, so a failing statement rolls back every statement of
 *     its file and the version row together; the database stays at the
 *     previous version.  BEGIN names READ COMMITTED whatever the
 *     server's default_transaction_isolation, so that the version read
 *     after the lock is the one committed by whoever held it before.
 *   - Concurrent runners are serialized by pg_advisory_xact_lock on one
 *     fixed key, taken first in every step's transaction (and stamp's,
 *     and the one that creates modelc_migrations): a transaction-level
 *     lock ends with COMMIT or ROLLBACK and never outlives a process that
 *     died.  The second runner waits, reads the version the first left,
 *     and runs only what is still missing.  The wait is bounded by the
 *     connection's lock_timeout (the busy timeout, driver_pg.c): past it
 *     the step fails with MC_BUSY and nothing is changed.
 *   - The key is per database, not per schema: runners of two schemas of
 *     one database take turns too, which costs only waiting.
 *   - No foreign key pragmas and no row progress: PostgreSQL checks
 *     foreign keys itself, and ALTER TABLE never copies through a
 *     statement of the file.
 */
#include "migrate_engine.h"

/* The lock's key: "modelc" in ASCII, 0x6d6f64656c63.  The same for every
 * modelc runner, whatever the history: one database, one runner at a time. */
#define LOCK_KEY "120325193165923"

static const char *const pg_begin[] = {
    "BEGIN ISOLATION LEVEL READ COMMITTED",
    "SELECT pg_advisory_xact_lock(" LOCK_KEY ")",
    NULL,
};

const mci_migrate_engine mci_pg_migrate_engine = {
    "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
    "AND tablename = 'modelc_migrations'",
    pg_begin,
    MCI_MIGRATE_CREATE_UNDER_LOCK,
};
