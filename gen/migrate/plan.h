/*
 * plan.h -- a diff turned into the SQL that performs it on SQLite.
 *
 * SQLite's own ALTER TABLE where it can make the change (RENAME TO,
 * RENAME COLUMN, ADD COLUMN of a nullable or defaulted, non-key column
 * that lands last, DROP COLUMN of a column nothing else uses), CREATE /
 * DROP INDEX; otherwise the table is rebuilt with SQLite's documented
 * 12-step procedure (create _new_x, copy the rows, drop x, rename _new_x
 * to x, recreate the indexes) with foreign key enforcement off, so that
 * other tables' references to x stay intact.
 *
 * Renames run first (natively: SQLite rewrites every reference), then
 * index drops, table drops, creates, per-table changes, index creates.
 * A plan that drops or rebuilds a table starts with PRAGMA
 * foreign_keys=OFF (a DROP TABLE with enforcement on deletes the rows
 * first and fires their ON DELETE actions) and ends with one PRAGMA
 * foreign_key_check.
 *
 * The text is plain SQL, one statement per line, each group after a
 * "-- what it does" comment; a change that loses data is marked
 * "-- DATA LOSS: drops column post.body".
 */
#ifndef MCC_PLAN_H
#define MCC_PLAN_H

#include "diff.h"
#include "dialect.h"

typedef struct mcc_plan {
    const char *sql;        /* the statements, in the arena; "" when nothing to do */
    size_t nrebuilds;       /* tables rebuilt */
} mcc_plan;

/* How mcc_plan_build plans. */
enum {
    MCC_PLAN_UPGRADE = 1u << 0,      /* the way forward: refuse what loses data or cannot be filled */
    MCC_PLAN_ALLOW_LOSS = 1u << 1    /* with MCC_PLAN_UPGRADE: write a change that loses data anyway */
};

/*
 * Plans d (A into B).  With MCC_PLAN_UPGRADE it refuses data loss (unless
 * MCC_PLAN_ALLOW_LOSS) and adding a NOT NULL column with no server
 * default, reporting each refusal into diag as an error about the schema
 * (diag->src names it) with a hint.  The way back (no MCC_PLAN_UPGRADE)
 * refuses nothing: a column that comes back NOT NULL without a default
 * is refilled with its type's zero value ('' or 0), and the file says so.
 * Returns 0, or -1 after reporting (refusals, out of memory); out->sql is
 * then NULL.
 */
/*
 * The refusals of an upgrade (refusals.c), the same on every dialect:
 * each is reported into diag as an error with a hint; flags as for
 * mcc_plan_build (MCC_PLAN_ALLOW_LOSS lets data loss through).  Returns
 * how many were reported.
 */
int mcc_plan_refusals(const mcc_diff *d, mcc_dialect dialect, unsigned flags, mcc_arena *arena, mcc_diag *diag);

int mcc_plan_build(const mcc_diff *d, const mcc_schema *a, const mcc_schema *b, unsigned flags, mcc_arena *arena,
                  mcc_diag *diag, mcc_plan *out);

#endif
