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
#ifndef MC_PLAN_H
#define MC_PLAN_H

#include "diff.h"

typedef struct mc_plan {
    const char *sql;        /* the statements, in the arena; "" when nothing to do */
    size_t nrebuilds;       /* tables rebuilt */
} mc_plan;

/* How mc_plan_build plans. */
enum {
    MC_PLAN_UPGRADE = 1u << 0,      /* the way forward: refuse what loses data or cannot be filled */
    MC_PLAN_ALLOW_LOSS = 1u << 1    /* with MC_PLAN_UPGRADE: write a change that loses data anyway */
};

/*
 * Plans d (A into B).  With MC_PLAN_UPGRADE it refuses data loss (unless
 * MC_PLAN_ALLOW_LOSS) and adding a NOT NULL column with no server
 * default, reporting each refusal into diag as an error about the schema
 * (diag->src names it) with a hint.  The way back (no MC_PLAN_UPGRADE)
 * refuses nothing: a column that comes back NOT NULL without a default
 * is refilled with its type's zero value ('' or 0), and the file says so.
 * Returns 0, or -1 after reporting (refusals, out of memory); out->sql is
 * then NULL.
 */
int mc_plan_build(const mc_diff *d, const mc_schema *a, const mc_schema *b, unsigned flags, mc_arena *arena,
                  mc_diag *diag, mc_plan *out);

#endif
