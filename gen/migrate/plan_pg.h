/*
 * plan_pg.h -- a diff (diff.h) turned into the SQL that performs it on
 * PostgreSQL: ALTER TABLE only, never a table rebuild.
 *
 * Every change is PostgreSQL's own statement: ADD/DROP COLUMN, ALTER
 * COLUMN ... TYPE ... USING, SET/DROP NOT NULL, SET/DROP DEFAULT,
 * ADD/DROP CONSTRAINT under the names the server gave our DDL's unnamed
 * constraints (pg_names.h), CREATE/DROP INDEX, RENAME TO / RENAME COLUMN
 * (and the auto-named constraints and sequences after them, so that the
 * database keeps the names a fresh `modelc sql` would give it), and the
 * native enum types: CREATE TYPE, ALTER TYPE ... ADD VALUE, a removed
 * value by a new type the columns are cast to.
 *
 * The statements run in this order: enum types made or extended; foreign
 * keys, then other constraints and indexes dropped (under the old names);
 * tables dropped (children first); tables and columns renamed; tables
 * created (dependency order); per kept table: columns dropped, added,
 * altered; primary keys, unique and check constraints, indexes, then
 * foreign keys added; enum types no longer used dropped.  PostgreSQL's
 * DDL is transactional, so the runner runs the whole file in one
 * transaction and a failing statement leaves nothing behind.
 *
 * Refusals (upgrade only) are SQLite's (plan.h): the diff's unresolved
 * rename hints, data loss without allow_data_loss, a NOT NULL column with
 * no server default added to a table that has rows.
 */
#ifndef MCC_PLAN_PG_H
#define MCC_PLAN_PG_H

#include "plan.h"

/* Plans d (A into B) for PostgreSQL, with mcc_plan_build's flags and
 * its contract: with MCC_PLAN_UPGRADE each refusal is reported into diag
 * (unless MCC_PLAN_ALLOW_LOSS for data loss); the way back refuses
 * nothing, and refills a column that comes back NOT NULL with its type's
 * zero value (said in the file).  Returns 0, or -1 after reporting
 * (refusals, out of memory); out->nrebuilds is always 0. */
int mcc_plan_pg_build(const mcc_diff *d, const mcc_schema *a, const mcc_schema *b, unsigned flags, mcc_arena *arena,
                     mcc_diag *diag, mcc_plan *out);

#endif
