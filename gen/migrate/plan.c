/* plan.c -- see plan.h. */
#include "plan.h"
#include "ddl.h"
#include "naming.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

/* One plan being written: the diff, both schemas, and the SQL so far. */
typedef struct planner {
    const mcc_diff *d;
    const mcc_schema *a, *b;
    bool upgrading;
    mcc_arena *arena;
    mcc_diag *diag;          /* refusals go here */
    mcc_buf out;
    mcc_plan *plan;
    bool *rebuild;          /* per pair: rebuilt? */
} planner;

/* One "-- text" line: line breaks inside text (a table or column name may
 * hold one) become spaces, so that schema text never leaves the comment. */
static void sql_comment(mcc_buf *b, const char *fmt, ...)
{
    mcc_buf text = {0};
    va_list ap;
    va_start(ap, fmt);
    mcc_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    mcc_buf_put(b, "-- ");
    for (const char *c = text.data ? text.data : ""; *c; c++)
        mcc_buf_putc(b, *c == '\n' || *c == '\r' ? ' ' : *c);
    mcc_buf_putc(b, '\n');
    if (text.failed)
        b->failed = 1;
    mcc_buf_free(&text);
}

/* A blank line between groups, then "-- text". */
static void comment(planner *p, const char *text)
{
    if (p->out.len)
        mcc_buf_putc(&p->out, '\n');
    sql_comment(&p->out, "%s", text);
}

/* "-- DATA LOSS: ..." under an op that loses data, so that whoever
 * reviews the file sees it at the statement. */
static void loss_note(planner *p, const mcc_op *o)
{
    if (o->data_loss && o->loss)
        sql_comment(&p->out, "DATA LOSS: %s", o->loss);
}

/* ---- what SQLite's ALTER TABLE can do ------------------------------------- */

/* Is server default d (SQL text, NULL: none) a constant?  SQLite's ADD
 * COLUMN refuses an expression in parentheses and CURRENT_TIME / _DATE /
 * _TIMESTAMP ("Cannot add a column with non-constant default"); those
 * columns need a rebuild. */
static bool is_constant_default(const char *d)
{
    if (!d)
        return true;
    if (d[0] == '(')
        return false;
    return strncasecmp(d, "CURRENT_", 8) != 0;
}

/*
 * Can ALTER TABLE ADD COLUMN add c?  SQLite's own rules: not a key (no
 * PRIMARY KEY or AUTOINCREMENT), a constant default, and a NOT NULL
 * column needs a non-NULL default for the rows already there.  false: the
 * table is rebuilt instead (which also refuses a NOT NULL column without
 * a default on upgrade: see refusals).
 */
static bool addable(const mcc_column *c)
{
    if (c->primary_key || c->autoincrement)
        return false;
    if (!is_constant_default(c->server_default))
        return false;
    if (!c->nullable && (!c->server_default || strcasecmp(c->server_default, "NULL") == 0))
        return false;
    return true;
}

/* Does text use name as a word (not inside a longer identifier)?  A
 * textual test, so it may answer yes for a name in a string literal:
 * that only costs a rebuild, never a broken table. */
static bool mentions(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = text; s && (s = strstr(s, name)); s++) {
        int before = s == text || !(isalnum((unsigned char)s[-1]) || s[-1] == '_');
        int after = !(isalnum((unsigned char)s[n]) || s[n] == '_');
        if (before && after)
            return true;
    }
    return false;
}

/*
 * Can ALTER TABLE DROP COLUMN drop column c of t (as it is in A)?  SQLite
 * (3.35 and later) refuses to drop a column that is in the primary key,
 * in a UNIQUE or FOREIGN KEY constraint, named by a CHECK (the table's or
 * another column's), or referenced by another table's foreign key -- it
 * fails at run time with "cannot drop ... column", which would leave the
 * user a migration that does not apply.  So any such use, and an older
 * SQLite, answers false and the table is rebuilt instead.  (An index on
 * c is dropped before: only indexes on tables altered in place are, and
 * the diff drops every index on a dropped column.)
 */
static bool droppable(const planner *p, const mcc_table *t, const mcc_column *c)
{
    if (sqlite3_libversion_number() < 3035000)
        return false;
    if (c->primary_key)
        return false;
    size_t ci = (size_t)(c - t->columns);
    for (size_t i = 0; i < t->nconstraints; i++) {
        const mcc_constraint *k = &t->constraints[i];
        if (k->kind == MCC_C_CHECK && mentions(k->check, c->name))
            return false;
        for (size_t j = 0; j < k->ncols; j++)
            if (k->cols[j] == ci)
                return false;
    }
    for (size_t i = 0; i < t->ncolumns; i++)
        if (&t->columns[i] != c && t->columns[i].check && mentions(t->columns[i].check, c->name))
            return false;
    for (size_t i = 0; i < p->a->ntables; i++) {
        const mcc_table *o = p->a->tables[i];
        for (size_t k = 0; k < o->nconstraints; k++) {
            const mcc_constraint *fk = &o->constraints[k];
            if (fk->kind != MCC_C_FOREIGN_KEY || strcmp(fk->ref_table, t->name) != 0)
                continue;
            for (size_t j = 0; j < fk->nref; j++)
                if (strcmp(fk->ref_cols[j], c->name) == 0)
                    return false;
        }
    }
    return true;
}

/*
 * Does altering in place give the table B's column order?  ALTER TABLE
 * keeps the columns where they are and ADD COLUMN appends, so the kept
 * columns of B must be in A's relative order and every new column must
 * come after all of them.  The order is part of the schema (SELECT *,
 * and `modelc sql` of B creates it so): false means rebuild.
 */
static bool order_ok(const mcc_table_pair *tp)
{
    size_t last = 0;
    bool seen_new = false, first = true;
    for (size_t j = 0; j < tp->to->ncolumns; j++) {
        if (!tp->source[j]) {
            seen_new = true;
            continue;
        }
        if (seen_new)
            return false;
        size_t i = mcc_table_column_index(tp->from, tp->source[j]);
        if (!first && i < last)
            return false;
        last = i;
        first = false;
    }
    return true;
}

/*
 * Must table pair tp be rebuilt (SQLite's 12-step copy) rather than
 * altered in place?  In place only when every op of the pair is one
 * SQLite's ALTER TABLE (or no statement at all) performs: column renames,
 * index changes, model/field renames (header only), an enum change that
 * keeps the SQL type, an addable column, a droppable column -- and the
 * column order comes out as B's.  Anything else (a type, nullability,
 * default, check, key or constraint change) has no ALTER in SQLite:
 * true.
 */
static bool needs_rebuild(const planner *p, const mcc_table_pair *tp)
{
    if (!order_ok(tp))
        return true;
    for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        switch (o->kind) {
        case MCC_OP_RENAME_COLUMN: case MCC_OP_ADD_INDEX: case MCC_OP_DROP_INDEX:
            break;
        case MCC_OP_RENAME_MODEL: case MCC_OP_RENAME_FIELD:
            break;
        case MCC_OP_ALTER_TYPE:
            /* Enum values changed, VARCHAR(n) did not: nothing for SQL to do. */
            if (!mcc_same_sql_type(o->col_from, o->col_to))
                return true;
            break;
        case MCC_OP_ADD_COLUMN:
            if (!addable(o->col_to))
                return true;
            break;
        case MCC_OP_DROP_COLUMN:
            if (!droppable(p, tp->from, o->col_from))
                return true;
            break;
        default:
            return true;
        }
    }
    return false;
}

/* ---- statements ----------------------------------------------------------- */

static void stmt_create_indexes(planner *p, const mcc_table *t)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        mcc_ddl_create_index(&p->out, t, &t->indexes[i]);
        mcc_buf_putc(&p->out, '\n');
    }
}

/* A zero value for a column that must come back NOT NULL with no data:
 * types.def's zero column (an enum's is the empty text, as for strings). */
static const char *zero_value(const mcc_column *c)
{
    static const char *const zero[MCC_T__COUNT] = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) [MCC_T_##ID] = zero,
#include "types.def"
#undef X
        [MCC_T_ENUM] = "''", [MCC_T_UNKNOWN] = "''",
    };
    return zero[c->type];
}

/* Is column ci of t covered by a UNIQUE constraint or a unique index? */
static bool in_unique(const mcc_table *t, size_t ci)
{
    for (size_t i = 0; i < t->nconstraints; i++)
        for (size_t j = 0; t->constraints[i].kind == MCC_C_UNIQUE && j < t->constraints[i].ncols; j++)
            if (t->constraints[i].cols[j] == ci)
                return true;
    for (size_t i = 0; i < t->nindexes; i++)
        for (size_t j = 0; t->indexes[i].unique && j < t->indexes[i].ncols; j++)
            if (t->indexes[i].cols[j] == ci)
                return true;
    return false;
}

/*
 * A column a downgrade brings back (its data was dropped) that is unique,
 * nullable and has a server default: every row would get the same
 * default and break the uniqueness, so the rows get NULL instead.
 */
static bool restore_as_null(const planner *p, const mcc_table *t, const mcc_column *c)
{
    return !p->upgrading && c->nullable && c->server_default && in_unique(t, (size_t)(c - t->columns));
}

/*
 * The copy of a rebuild: the columns of the new table that get a value
 * (names) and what each gets (exprs), comma-separated; returns their
 * count.  A kept column takes its old value (under its new name: the
 * renames ran first), COALESCEd with its server default when it becomes
 * NOT NULL; a new NOT NULL column without a default (a downgrade bringing
 * back dropped data) its zero value; a unique one with a default that
 * restore_as_null names, NULL.  Other new columns take their defaults.
 */
static int copy_lists(planner *p, const mcc_table_pair *tp, mcc_buf *names, mcc_buf *exprs)
{
    const mcc_table *t = tp->to;
    int n = 0;
    for (size_t j = 0; j < t->ncolumns; j++) {
        const mcc_column *c = &t->columns[j];
        bool refill = !tp->source[j] && !c->nullable && !c->server_default;
        bool nulls = !tp->source[j] && restore_as_null(p, t, c);
        if (!tp->source[j] && !refill && !nulls)
            continue;
        if (n++) {
            mcc_buf_put(names, ", ");
            mcc_buf_put(exprs, ", ");
        }
        mcc_put_ident(names, c->name);
        if (refill || nulls) {
            mcc_buf_put(exprs, nulls ? "NULL" : zero_value(c));
            continue;
        }
        const mcc_column *old = mcc_table_column(tp->from, tp->source[j]);
        if (!c->nullable && old && old->nullable && c->server_default)
            mcc_put_sqlf(exprs, "COALESCE(%I, %s)", c->name, c->server_default);
        else
            mcc_put_ident(exprs, c->name);
    }
    return n;
}

/*
 * SQLite's 12-step rebuild of tp's table as B has it: create _new_x, copy
 * the rows of the columns that stay (renamed ones under their new names:
 * the renames ran first), drop x, rename _new_x to x, recreate the
 * indexes.  A column that comes back NOT NULL without a default (a
 * downgrade restoring a dropped column) is filled with its zero value; a
 * NOT NULL column that was nullable takes its server default where NULL.
 */
static void rebuild(planner *p, const mcc_table_pair *tp)
{
    const mcc_table *t = tp->to;
    mcc_buf *b = &p->out;
    const char *tmp = mcc_arena_printf(p->arena, "_new_%s", t->name);
    mcc_buf quoted = {0};
    mcc_put_ident(&quoted, t->name);
    sql_comment(b, "rebuild table %s (SQLite's ALTER TABLE cannot do this): create the new table, copy the rows,",
                quoted.data ? quoted.data : "");
    mcc_buf_free(&quoted);
    mcc_buf_put(b, "-- drop the old table, rename the new one, recreate its indexes.\n");
    for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind == MCC_OP_RENAME_COLUMN)
            continue;
        if (o->kind == MCC_OP_ALTER_NULLABLE && !o->col_to->nullable && !o->col_to->server_default)
            sql_comment(b, "NOTE: fails if %s.%s holds NULLs; fill them first.", t->name, o->col_to->name);
    }
    mcc_ddl_create_table_as(b, t, tmp);
    mcc_buf_putc(b, '\n');
    mcc_buf names = {0}, exprs = {0};
    int n = copy_lists(p, tp, &names, &exprs);
    if (n == 0) {
        mcc_buf_put(b, "-- no column is kept: the rows are not copied\n");
    } else {
        mcc_put_sqlf(b, "INSERT INTO %I (%s) SELECT %s FROM %I;\n", tmp, names.data, exprs.data, t->name);
    }
    b->failed |= names.failed | exprs.failed;
    mcc_buf_free(&names);
    mcc_buf_free(&exprs);
    mcc_put_sqlf(b, "DROP TABLE %I;\nALTER TABLE %I RENAME TO %I;\n", t->name, tmp, t->name);
    stmt_create_indexes(p, t);
}

/*
 * Can a statement of this plan fire foreign key actions or checks while
 * it runs?  A DROP TABLE does (SQLite deletes every row first, running the
 * table's own ON DELETE actions and its children's), and so does a
 * rebuild (its copy and its drop).  Such a plan runs with enforcement off
 * and ends with one PRAGMA foreign_key_check.
 */
static bool fires_fk_actions(const planner *p)
{
    for (size_t i = 0; i < p->d->nops; i++)
        if (p->d->ops[i].kind == MCC_OP_DROP_TABLE)
            return true;
    for (size_t i = 0; i < p->d->npairs; i++)
        if (p->rebuild[i])
            return true;
    return false;
}

/* The ops of pair tp, in turn: for (each op o of tp) ... */
#define EACH_OP(p, tp, o)                                                                   \
    for (const mcc_op *o = &(p)->d->ops[(tp)->first_op]; o < &(p)->d->ops[(tp)->first_op + (tp)->nops]; o++)

/* Step 1 of mcc_plan_build: renames, natively (SQLite rewrites every
 * reference to a renamed table or column), tables first. */
static void plan_renames(planner *p)
{
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind == MCC_OP_RENAME_TABLE) {
            comment(p, o->text);
            mcc_put_sqlf(&p->out, "ALTER TABLE %I RENAME TO %I;\n", o->from->name, o->to->name);
        }
    }
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind == MCC_OP_RENAME_COLUMN) {
            comment(p, o->text);
            mcc_put_sqlf(&p->out, "ALTER TABLE %I RENAME COLUMN %I TO %I;\n", o->to->name, o->col_from->name,
                        o->col_to->name);
        }
    }
}

/* Step 2: index drops on tables altered in place (a rebuild drops them
 * with the table), before a column they cover is dropped. */
static void plan_index_drops(planner *p)
{
    for (size_t k = 0; k < p->d->npairs; k++) {
        const mcc_table_pair *tp = &p->d->pairs[k];
        if (p->rebuild[k])
            continue;
        EACH_OP(p, tp, o) {
            if (o->kind != MCC_OP_DROP_INDEX)
                continue;
            comment(p, o->text);
            mcc_put_sqlf(&p->out, "DROP INDEX %I;\n", o->index->name);
        }
    }
}

/* Step 3: table drops, in the diff's order (children first). */
static void plan_table_drops(planner *p)
{
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind != MCC_OP_DROP_TABLE)
            continue;
        comment(p, o->text);
        loss_note(p, o);
        mcc_put_sqlf(&p->out, "DROP TABLE %I;\n", o->from->name);
    }
}

/* Step 4: new tables, in dependency order, with their indexes. */
static void plan_creates(planner *p)
{
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind != MCC_OP_CREATE_TABLE)
            continue;
        comment(p, o->text);
        mcc_ddl_create_table(&p->out, o->to);
        mcc_buf_putc(&p->out, '\n');
        stmt_create_indexes(p, o->to);
    }
}

/* Step 5a: a rebuilt table: what changes (one comment line per op), the
 * losses and refilled columns, then the rebuild. */
static void plan_rebuilt_table(planner *p, const mcc_table_pair *tp)
{
    comment(p, mcc_arena_printf(p->arena, "change table %s:", tp->to->name));
    EACH_OP(p, tp, o)
        if (o->kind != MCC_OP_RENAME_COLUMN)
            sql_comment(&p->out, "  %s", o->text);
    EACH_OP(p, tp, o) {
        loss_note(p, o);
        if (!p->upgrading && o->kind == MCC_OP_ADD_COLUMN && !o->col_to->nullable && !o->col_to->server_default)
            sql_comment(&p->out, "NOTE: %s.%s comes back as %s in every row: its data was dropped", tp->to->name,
                        o->col_to->name, zero_value(o->col_to));
    }
    rebuild(p, tp);
}

/* Step 5b: a table altered in place: ADD / DROP COLUMN, and a comment
 * for what needs no statement (renamed models and fields, enum values). */
static void plan_altered_table(planner *p, const mcc_table_pair *tp)
{
    EACH_OP(p, tp, o) {
        if (o->kind == MCC_OP_ADD_COLUMN) {
            comment(p, o->text);
            mcc_put_sqlf(&p->out, "ALTER TABLE %I ADD COLUMN ", tp->to->name);
            mcc_ddl_column(&p->out, tp->to, o->col_to);
            mcc_buf_put(&p->out, ";\n");
            if (restore_as_null(p, tp->to, o->col_to)) {
                mcc_buf_put(&p->out, "-- unique: its rows come back NULL, not all the same default\n");
                mcc_put_sqlf(&p->out, "UPDATE %I SET %I = NULL;\n", tp->to->name, o->col_to->name);
            }
        } else if (o->kind == MCC_OP_DROP_COLUMN) {
            comment(p, o->text);
            loss_note(p, o);
            mcc_put_sqlf(&p->out, "ALTER TABLE %I DROP COLUMN %I;\n", tp->to->name, o->col_from->name);
        } else if (o->kind == MCC_OP_RENAME_MODEL || o->kind == MCC_OP_RENAME_FIELD) {
            comment(p, o->text);
            mcc_buf_put(&p->out, "-- (no statement: the file's header records the name)\n");
        } else if (o->kind == MCC_OP_ALTER_TYPE) {
            comment(p, o->text);
            loss_note(p, o);
            mcc_buf_put(&p->out, "-- (the SQL type stays: no statement; the file's header records the enum's values)\n");
        }
    }
}

/* Step 6: new indexes on tables altered in place (a rebuild made its own). */
static void plan_index_creates(planner *p)
{
    for (size_t k = 0; k < p->d->npairs; k++) {
        const mcc_table_pair *tp = &p->d->pairs[k];
        if (p->rebuild[k])
            continue;
        EACH_OP(p, tp, o) {
            if (o->kind != MCC_OP_ADD_INDEX)
                continue;
            comment(p, o->text);
            mcc_ddl_create_index(&p->out, tp->to, o->index);
            mcc_buf_putc(&p->out, '\n');
        }
    }
}

/* See plan.h.  In steps: refusals (upgrade), which pairs are rebuilt,
 * then the statements in the order plan.h gives -- renames, index drops,
 * table drops, creates, changed tables, index creates -- inside foreign
 * keys off / foreign_key_check when a drop or rebuild could fire them. */
int mcc_plan_build(const mcc_diff *d, const mcc_schema *a, const mcc_schema *b, unsigned flags, mcc_arena *arena,
                  mcc_diag *diag, mcc_plan *out)
{
    memset(out, 0, sizeof *out);
    planner p = {d, a, b, (flags & MCC_PLAN_UPGRADE) != 0, arena, diag, {0}, out, NULL};
    p.rebuild = mcc_arena_alloc(arena, (d->npairs + 1) * sizeof *p.rebuild);
    if (!p.rebuild) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    if (p.upgrading && mcc_plan_refusals(d, MCC_DIALECT_SQLITE, flags, arena, diag))
        return -1;
    for (size_t i = 0; i < d->npairs; i++) {
        p.rebuild[i] = needs_rebuild(&p, &d->pairs[i]);
        out->nrebuilds += p.rebuild[i];
    }
    bool fk_off = fires_fk_actions(&p);

    /* Enforcement off for the whole migration (the runner does it before
     * its transaction, where the pragma takes effect). */
    if (fk_off) {
        comment(&p, "tables are dropped or rebuilt below: foreign keys are off until the check at the end");
        mcc_buf_put(&p.out, "PRAGMA foreign_keys=OFF;\n");
    }
    plan_renames(&p);
    plan_index_drops(&p);
    plan_table_drops(&p);
    plan_creates(&p);
    for (size_t k = 0; k < d->npairs; k++) {
        if (p.rebuild[k])
            plan_rebuilt_table(&p, &d->pairs[k]);
        else
            plan_altered_table(&p, &d->pairs[k]);
    }
    plan_index_creates(&p);
    /* Every reference must hold again. */
    if (fk_off) {
        comment(&p, "every reference must hold again");
        mcc_buf_put(&p.out, "PRAGMA foreign_key_check;\n");
    }
    out->sql = p.out.failed ? NULL : mcc_arena_strdup(arena, p.out.data ? p.out.data : "");
    mcc_buf_free(&p.out);
    if (!out->sql) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    return 0;
}
