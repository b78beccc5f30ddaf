/*
 * refusals.c -- what an upgrade refuses to write, on every dialect.
 *
 * Both planners (plan.c for SQLite, plan_pg.c for PostgreSQL) refuse the
 * same changes with the same words, so a user moving an app between
 * engines meets the same rules: a change that loses data (a drop, a
 * narrowing) unless MCC_PLAN_ALLOW_LOSS, and a NOT NULL column without a
 * server default added to an existing table (its rows have no value; a
 * rebuild could only invent one).  A key column the engine numbers itself
 * (SQLite's INTEGER PRIMARY KEY, PostgreSQL's SERIAL) is fine.  A refusal
 * about a column of the schema file is located there (file:line:col, the
 * line, a caret); one about something gone from it names the file.
 */
#include "plan.h"
#include "ddl.h"

/* The hint for a refused data loss: a drop may really be a rename. */
static const char *loss_hint(mcc_arena *arena, const mcc_op *o)
{
    if (o->kind == MCC_OP_DROP_COLUMN)
        return mcc_arena_printf(arena,
                               "if it was renamed, say so with renamed_from(%s) on the new field; "
                               "else pass --allow-data-loss",
                               o->col_from->name);
    if (o->kind == MCC_OP_DROP_TABLE)
        return "if it was renamed, say so with renamed_from(...) in the model; else pass --allow-data-loss";
    return "pass --allow-data-loss to write this migration anyway";
}

/* Where the schema being upgraded to says what a refused op does: the
 * column it changes (a narrowing, an enum losing values), else nowhere (a
 * drop: what is dropped is no longer in the schema). */
static mcc_span place_in_schema(const mcc_op *o)
{
    mcc_span none = {0, 0};
    if (o->kind == MCC_OP_DROP_COLUMN || o->kind == MCC_OP_DROP_TABLE)
        return none;
    return o->col_to ? o->col_to->at : o->to ? o->to->at : none;
}

/* Does the engine of `dialect` fill column c of t on its own when it is
 * added to a table with rows? */
static bool fills_itself(mcc_dialect dialect, const mcc_table *t, const mcc_column *c)
{
    if (dialect == MCC_DIALECT_POSTGRESQL)
        return mcc_ddl_pg_serial(t, c);
    return c->primary_key && mcc_ddl_inline_autoincrement(t);
}

int mcc_plan_refusals(const mcc_diff *d, mcc_dialect dialect, unsigned flags, mcc_arena *arena, mcc_diag *diag)
{
    int n = 0;
    for (size_t i = 0; i < d->nops; i++) {
        const mcc_op *o = &d->ops[i];
        if (o->data_loss && !(flags & MCC_PLAN_ALLOW_LOSS)) {
            mcc_error_near(diag, place_in_schema(o), loss_hint(arena, o), "refusing to %s: it %s", o->text, o->loss);
            n++;
        }
        if (o->kind == MCC_OP_ADD_COLUMN && !o->col_to->nullable && !o->col_to->server_default &&
            !fills_itself(dialect, o->to, o->col_to)) {
            mcc_error_near(diag, o->col_to->at,
                          "give it a server_default(...), or make it nullable now, fill it, and "
                          "make it not_null in a later migration",
                          "cannot add NOT NULL column %s.%s to the existing table %s: its rows "
                          "have no value for it",
                          o->to->name, o->col_to->name, o->to->name);
            n++;
        }
    }
    return n;
}
