/*
 * migrate_engine.h -- what the migration runner (migrate.c) does
 * differently on each engine.  Internal, names start with mci_.
 *
 * migrate.c holds the rules that are the same everywhere: the version
 * table modelc_migrations and its rows, the checks of the list and of
 * what was applied (checksums, gaps, missing files), the loop from the
 * current version to the target, one transaction per migration with its
 * version row, and the --sql plan.  An engine adds only how a step's
 * transaction begins and serializes concurrent runners, where the runner
 * looks for its table, and which of SQLite's extras apply.
 */
#ifndef MODELC_MIGRATE_ENGINE_H
#define MODELC_MIGRATE_ENGINE_H

#include "internal.h"

/* mci_migrate_engine.flags */
enum {
    /* PRAGMA foreign_keys is turned off around a rebuild, and the step
     * ends with PRAGMA foreign_key_check (SQLite). */
    MCI_MIGRATE_FOREIGN_KEY_PRAGMAS = 1,
    /* A statement copying a table's rows reports MC_MIGRATION_ROWS
     * (SQLite's progress handler). */
    MCI_MIGRATE_ROW_PROGRESS = 2,
    /* modelc_migrations is created in a transaction of its own opened by
     * `begin` (its lock held), not by a bare CREATE TABLE IF NOT EXISTS,
     * which two concurrent creators can both fail (PostgreSQL). */
    MCI_MIGRATE_CREATE_UNDER_LOCK = 4
};

typedef struct mci_migrate_engine {
    /* A query giving a row (any) when modelc_migrations exists where the
     * runner's unqualified statements create it; no row when not. */
    const char *table_exists_sql;
    /* The statements that open a step's transaction and make the
     * connection the only runner until it ends, in order, NULL-ended.
     * After the last one the version read is the one the step moves. */
    const char *const *begin;
    unsigned flags;             /* MCI_MIGRATE_* */
} mci_migrate_engine;

/* migrate_pg.c: the runner on a PostgreSQL connection. */
extern const mci_migrate_engine mci_pg_migrate_engine;

#endif
