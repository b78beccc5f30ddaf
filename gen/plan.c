/* plan.c -- see plan.h. */
#include "plan.h"
#include "ddl.h"
#include "naming.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

typedef struct planner {
    const mc_diff *d;
    const mc_schema *a, *b;
    int upgrading, allow_loss;
    mc_arena *arena;
    mc_buf out;
    mc_plan *plan;
    size_t errcap;
    char *rebuild;          /* per pair: rebuilt? */
} planner;

static void refuse(planner *p, const char *message, const char *hint)
{
    mc_plan *pl = p->plan;
    if (pl->nerrors == p->errcap) {
        size_t nc = p->errcap ? 2 * p->errcap : 4;
        mc_plan_error *v = mc_arena_alloc(p->arena, nc * sizeof *v);
        if (!v)
            return;
        if (pl->nerrors)
            memcpy(v, pl->errors, pl->nerrors * sizeof *v);
        pl->errors = v;
        p->errcap = nc;
    }
    pl->errors[pl->nerrors++] = (mc_plan_error){message, hint};
}

/* One "-- text" line: line breaks inside text (a table or column name may
 * hold one) become spaces, so that schema text never leaves the comment. */
static void sql_comment(mc_buf *b, const char *fmt, ...)
{
    mc_buf text = {0};
    va_list ap;
    va_start(ap, fmt);
    mc_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    mc_buf_put(b, "-- ");
    for (const char *c = text.data ? text.data : ""; *c; c++)
        mc_buf_putc(b, *c == '\n' || *c == '\r' ? ' ' : *c);
    mc_buf_putc(b, '\n');
    if (text.failed)
        b->failed = 1;
    mc_buf_free(&text);
}

/* A blank line between groups, then "-- text". */
static void comment(planner *p, const char *text)
{
    if (p->out.len)
        mc_buf_putc(&p->out, '\n');
    sql_comment(&p->out, "%s", text);
}

static void loss_note(planner *p, const mc_op *o)
{
    if (o->data_loss && o->loss)
        sql_comment(&p->out, "DATA LOSS: %s", o->loss);
}

/* ---- what SQLite's ALTER TABLE can do ------------------------------------- */

static int is_constant_default(const char *d)
{
    if (!d)
        return 1;
    if (d[0] == '(')
        return 0;
    return strncasecmp(d, "CURRENT_", 8) != 0;
}

static int addable(const mc_column *c)
{
    if (c->primary_key || c->autoincrement)
        return 0;
    if (!is_constant_default(c->server_default))
        return 0;
    if (!c->nullable && (!c->server_default || strcasecmp(c->server_default, "NULL") == 0))
        return 0;
    return 1;
}

/* Does text use name as a word? */
static int mentions(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = text; s && (s = strstr(s, name)); s++) {
        int before = s == text || !(isalnum((unsigned char)s[-1]) || s[-1] == '_');
        int after = !(isalnum((unsigned char)s[n]) || s[n] == '_');
        if (before && after)
            return 1;
    }
    return 0;
}

static int droppable(const planner *p, const mc_table *t, const mc_column *c)
{
    if (sqlite3_libversion_number() < 3035000)
        return 0;
    if (c->primary_key)
        return 0;
    size_t ci = (size_t)(c - t->columns);
    for (size_t i = 0; i < t->nconstraints; i++) {
        const mc_constraint *k = &t->constraints[i];
        if (k->kind == MC_C_CHECK && mentions(k->check, c->name))
            return 0;
        for (size_t j = 0; j < k->ncols; j++)
            if (k->cols[j] == ci)
                return 0;
    }
    for (size_t i = 0; i < t->ncolumns; i++)
        if (&t->columns[i] != c && t->columns[i].check && mentions(t->columns[i].check, c->name))
            return 0;
    for (size_t i = 0; i < p->a->ntables; i++) {
        const mc_table *o = p->a->tables[i];
        for (size_t k = 0; k < o->nconstraints; k++) {
            const mc_constraint *fk = &o->constraints[k];
            if (fk->kind != MC_C_FOREIGN_KEY || strcmp(fk->ref_table, t->name) != 0)
                continue;
            for (size_t j = 0; j < fk->nref; j++)
                if (strcmp(fk->ref_cols[j], c->name) == 0)
                    return 0;
        }
    }
    return 1;
}

/* Kept columns stay in their order and new ones come last, so that ADD
 * COLUMN gives the table the column order of B. */
static int order_ok(const mc_table_pair *tp)
{
    size_t last = 0;
    int seen_new = 0, first = 1;
    for (size_t j = 0; j < tp->to->ncolumns; j++) {
        if (!tp->source[j]) {
            seen_new = 1;
            continue;
        }
        if (seen_new)
            return 0;
        size_t i = mc_table_column_index(tp->from, tp->source[j]);
        if (!first && i < last)
            return 0;
        last = i;
        first = 0;
    }
    return 1;
}

static int needs_rebuild(const planner *p, const mc_table_pair *tp)
{
    if (!order_ok(tp))
        return 1;
    for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
        const mc_op *o = &p->d->ops[i];
        switch (o->kind) {
        case MC_OP_RENAME_COLUMN: case MC_OP_ADD_INDEX: case MC_OP_DROP_INDEX:
            break;
        case MC_OP_RENAME_MODEL: case MC_OP_RENAME_FIELD:
            break;
        case MC_OP_ALTER_TYPE:
            /* Enum values changed, VARCHAR(n) did not: nothing for SQL to do. */
            if (!mc_same_sql_type(o->col_from, o->col_to))
                return 1;
            break;
        case MC_OP_ADD_COLUMN:
            if (!addable(o->col_to))
                return 1;
            break;
        case MC_OP_DROP_COLUMN:
            if (!droppable(p, tp->from, o->col_from))
                return 1;
            break;
        default:
            return 1;
        }
    }
    return 0;
}

/* ---- statements ----------------------------------------------------------- */

static void stmt_create_indexes(planner *p, const mc_table *t)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        mc_ddl_create_index(&p->out, t, &t->indexes[i]);
        mc_buf_putc(&p->out, '\n');
    }
}

/* A zero value for a column that must come back NOT NULL with no data:
 * types.def's zero column (an enum's is the empty text, as for strings). */
static const char *zero_value(const mc_column *c)
{
    static const char *const zero[MC_T__COUNT] = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero) [MC_T_##ID] = zero,
#include "types.def"
#undef X
        [MC_T_ENUM] = "''", [MC_T_UNKNOWN] = "''",
    };
    return zero[c->type];
}

/* Is column ci of t covered by a UNIQUE constraint or a unique index? */
static int in_unique(const mc_table *t, size_t ci)
{
    for (size_t i = 0; i < t->nconstraints; i++)
        for (size_t j = 0; t->constraints[i].kind == MC_C_UNIQUE && j < t->constraints[i].ncols; j++)
            if (t->constraints[i].cols[j] == ci)
                return 1;
    for (size_t i = 0; i < t->nindexes; i++)
        for (size_t j = 0; t->indexes[i].unique && j < t->indexes[i].ncols; j++)
            if (t->indexes[i].cols[j] == ci)
                return 1;
    return 0;
}

/*
 * A column a downgrade brings back (its data was dropped) that is unique,
 * nullable and has a server default: every row would get the same
 * default and break the uniqueness, so the rows get NULL instead.
 */
static int restore_as_null(const planner *p, const mc_table *t, const mc_column *c)
{
    return !p->upgrading && c->nullable && c->server_default && in_unique(t, (size_t)(c - t->columns));
}

static void rebuild(planner *p, const mc_table_pair *tp)
{
    const mc_table *t = tp->to;
    mc_buf *b = &p->out;
    const char *tmp = mc_arena_printf(p->arena, "_new_%s", t->name);
    mc_buf quoted = {0};
    mc_put_ident(&quoted, t->name);
    sql_comment(b, "rebuild table %s (SQLite's ALTER TABLE cannot do this): create the new table, copy the rows,",
                quoted.data ? quoted.data : "");
    mc_buf_free(&quoted);
    mc_buf_put(b, "-- drop the old table, rename the new one, recreate its indexes.\n");
    for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
        const mc_op *o = &p->d->ops[i];
        if (o->kind == MC_OP_RENAME_COLUMN)
            continue;
        if (o->kind == MC_OP_ALTER_NULLABLE && !o->col_to->nullable && !o->col_to->server_default)
            sql_comment(b, "NOTE: fails if %s.%s holds NULLs; fill them first.", t->name, o->col_to->name);
    }
    mc_ddl_create_table_as(b, t, tmp);
    mc_buf_putc(b, '\n');
    mc_buf names = {0}, exprs = {0};
    int n = 0;
    for (size_t j = 0; j < t->ncolumns; j++) {
        const mc_column *c = &t->columns[j];
        int refill = !tp->source[j] && !c->nullable && !c->server_default;
        int nulls = !tp->source[j] && restore_as_null(p, t, c);
        if (!tp->source[j] && !refill && !nulls)
            continue;
        if (n++) {
            mc_buf_put(&names, ", ");
            mc_buf_put(&exprs, ", ");
        }
        mc_put_ident(&names, c->name);
        if (refill || nulls) {
            mc_buf_put(&exprs, nulls ? "NULL" : zero_value(c));
            continue;
        }
        /* Renames ran first: the old table has the new column names. */
        const mc_column *old = mc_table_column(tp->from, tp->source[j]);
        if (!c->nullable && old && old->nullable && c->server_default) {
            mc_put_sqlf(&exprs, "COALESCE(%I, %s)", c->name, c->server_default);
        } else {
            mc_put_ident(&exprs, c->name);
        }
    }
    if (n == 0) {
        mc_buf_put(b, "-- no column is kept: the rows are not copied\n");
    } else {
        mc_put_sqlf(b, "INSERT INTO %I (%s) SELECT %s FROM %I;\n", tmp, names.data, exprs.data, t->name);
    }
    b->failed |= names.failed | exprs.failed;
    mc_buf_free(&names);
    mc_buf_free(&exprs);
    mc_put_sqlf(b, "DROP TABLE %I;\nALTER TABLE %I RENAME TO %I;\n", t->name, tmp, t->name);
    stmt_create_indexes(p, t);
}

/*
 * Can a statement of this plan fire foreign key actions or checks while
 * it runs?  A DROP TABLE does (SQLite deletes every row first, running the
 * table's own ON DELETE actions and its children's), and so does a
 * rebuild (its copy and its drop).  Such a plan runs with enforcement off
 * and ends with one PRAGMA foreign_key_check.
 */
static int fires_fk_actions(const planner *p)
{
    for (size_t i = 0; i < p->d->nops; i++)
        if (p->d->ops[i].kind == MC_OP_DROP_TABLE)
            return 1;
    for (size_t i = 0; i < p->d->npairs; i++)
        if (p->rebuild[i])
            return 1;
    return 0;
}

static void refusals(planner *p)
{
    for (size_t i = 0; i < p->d->nerrors; i++)
        refuse(p, p->d->errors[i], p->d->hints[i]);
    for (size_t i = 0; i < p->d->nops; i++) {
        const mc_op *o = &p->d->ops[i];
        if (o->data_loss && !p->allow_loss) {
            const char *hint = "pass --allow-data-loss to write this migration anyway";
            if (o->kind == MC_OP_DROP_COLUMN)
                hint = mc_arena_printf(p->arena,
                                       "if it was renamed, say so with renamed_from(%s) on the new field; "
                                       "else pass --allow-data-loss",
                                       o->col_from->name);
            else if (o->kind == MC_OP_DROP_TABLE)
                hint = mc_arena_printf(p->arena,
                                       "if it was renamed, say so with renamed_from(...) in the model; "
                                       "else pass --allow-data-loss");
            refuse(p, mc_arena_printf(p->arena, "refusing to %s: it %s", o->text, o->loss), hint);
        }
        if (o->kind == MC_OP_ADD_COLUMN && !o->col_to->nullable && !o->col_to->server_default &&
            !(o->col_to->primary_key && mc_ddl_inline_autoincrement(o->to)))
            refuse(p,
                   mc_arena_printf(p->arena,
                                   "cannot add NOT NULL column %s.%s to the existing table %s: its rows "
                                   "have no value for it",
                                   o->to->name, o->col_to->name, o->to->name),
                   mc_arena_printf(p->arena,
                                   "give it a server_default(...), or make it nullable now, fill it, and "
                                   "make it not_null in a later migration"));
    }
}

int mc_plan_build(const mc_diff *d, const mc_schema *a, const mc_schema *b, int upgrading, int allow_data_loss,
                  mc_arena *arena, mc_plan *out)
{
    memset(out, 0, sizeof *out);
    planner p = {d, a, b, upgrading, allow_data_loss, arena, {0}, out, 0, NULL};
    p.rebuild = mc_arena_alloc(arena, d->npairs + 1);
    if (!p.rebuild)
        return -1;
    if (upgrading)
        refusals(&p);
    for (size_t i = 0; i < d->npairs; i++) {
        p.rebuild[i] = (char)needs_rebuild(&p, &d->pairs[i]);
        out->nrebuilds += (size_t)p.rebuild[i];
    }
    int fk_off = fires_fk_actions(&p);

    /* 0. Enforcement off for the whole migration (the runner does it
     * before its transaction, where the pragma takes effect). */
    if (fk_off) {
        comment(&p, "tables are dropped or rebuilt below: foreign keys are off until the check at the end");
        mc_buf_put(&p.out, "PRAGMA foreign_keys=OFF;\n");
    }

    /* 1. Renames, natively: SQLite rewrites every reference to them. */
    for (size_t i = 0; i < d->nops; i++) {
        const mc_op *o = &d->ops[i];
        if (o->kind == MC_OP_RENAME_TABLE) {
            comment(&p, o->text);
            mc_put_sqlf(&p.out, "ALTER TABLE %I RENAME TO %I;\n", o->from->name, o->to->name);
        }
    }
    for (size_t i = 0; i < d->nops; i++) {
        const mc_op *o = &d->ops[i];
        if (o->kind == MC_OP_RENAME_COLUMN) {
            comment(&p, o->text);
            mc_put_sqlf(&p.out, "ALTER TABLE %I RENAME COLUMN %I TO %I;\n", o->to->name, o->col_from->name,
                        o->col_to->name);
        }
    }
    /* 2. Index drops on tables altered in place. */
    for (size_t k = 0; k < d->npairs; k++) {
        const mc_table_pair *tp = &d->pairs[k];
        if (p.rebuild[k])
            continue;
        for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
            const mc_op *o = &d->ops[i];
            if (o->kind != MC_OP_DROP_INDEX)
                continue;
            comment(&p, o->text);
            mc_put_sqlf(&p.out, "DROP INDEX %I;\n", o->index->name);
        }
    }
    /* 3. Table drops (children first). */
    for (size_t i = 0; i < d->nops; i++) {
        const mc_op *o = &d->ops[i];
        if (o->kind != MC_OP_DROP_TABLE)
            continue;
        comment(&p, o->text);
        loss_note(&p, o);
        mc_put_sqlf(&p.out, "DROP TABLE %I;\n", o->from->name);
    }
    /* 4. New tables, in dependency order, with their indexes. */
    for (size_t i = 0; i < d->nops; i++) {
        const mc_op *o = &d->ops[i];
        if (o->kind != MC_OP_CREATE_TABLE)
            continue;
        comment(&p, o->text);
        mc_ddl_create_table(&p.out, o->to);
        mc_buf_putc(&p.out, '\n');
        stmt_create_indexes(&p, o->to);
    }
    /* 5. Changed tables: in place, or rebuilt. */
    for (size_t k = 0; k < d->npairs; k++) {
        const mc_table_pair *tp = &d->pairs[k];
        if (p.rebuild[k]) {
            comment(&p, mc_arena_printf(arena, "change table %s:", tp->to->name));
            for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
                const mc_op *o = &d->ops[i];
                if (o->kind == MC_OP_RENAME_COLUMN)
                    continue;
                sql_comment(&p.out, "  %s", o->text);
            }
            for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
                const mc_op *o = &d->ops[i];
                loss_note(&p, o);
                if (!upgrading && o->kind == MC_OP_ADD_COLUMN && !o->col_to->nullable &&
                    !o->col_to->server_default)
                    sql_comment(&p.out, "NOTE: %s.%s comes back as %s in every row: its data was dropped",
                                  tp->to->name, o->col_to->name, zero_value(o->col_to));
            }
            rebuild(&p, tp);
            continue;
        }
        for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
            const mc_op *o = &d->ops[i];
            if (o->kind == MC_OP_ADD_COLUMN) {
                comment(&p, o->text);
                mc_put_sqlf(&p.out, "ALTER TABLE %I ADD COLUMN ", tp->to->name);
                mc_ddl_column(&p.out, tp->to, o->col_to);
                mc_buf_put(&p.out, ";\n");
                if (restore_as_null(&p, tp->to, o->col_to)) {
                    mc_buf_put(&p.out, "-- unique: its rows come back NULL, not all the same default\n");
                    mc_put_sqlf(&p.out, "UPDATE %I SET %I = NULL;\n", tp->to->name, o->col_to->name);
                }
            } else if (o->kind == MC_OP_DROP_COLUMN) {
                comment(&p, o->text);
                loss_note(&p, o);
                mc_put_sqlf(&p.out, "ALTER TABLE %I DROP COLUMN %I;\n", tp->to->name, o->col_from->name);
            } else if (o->kind == MC_OP_RENAME_MODEL || o->kind == MC_OP_RENAME_FIELD) {
                comment(&p, o->text);
                mc_buf_put(&p.out, "-- (no statement: the file's header records the name)\n");
            } else if (o->kind == MC_OP_ALTER_TYPE) {
                comment(&p, o->text);
                loss_note(&p, o);
                mc_buf_put(&p.out, "-- (the SQL type stays: no statement; the file's header records the enum's values)\n");
            }
        }
    }
    /* 6. New indexes on tables altered in place. */
    for (size_t k = 0; k < d->npairs; k++) {
        const mc_table_pair *tp = &d->pairs[k];
        if (p.rebuild[k])
            continue;
        for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
            const mc_op *o = &d->ops[i];
            if (o->kind != MC_OP_ADD_INDEX)
                continue;
            comment(&p, o->text);
            mc_ddl_create_index(&p.out, tp->to, o->index);
            mc_buf_putc(&p.out, '\n');
        }
    }
    /* 7. Every reference must hold again. */
    if (fk_off) {
        comment(&p, "every reference must hold again");
        mc_buf_put(&p.out, "PRAGMA foreign_key_check;\n");
    }
    if (p.out.failed) {
        mc_buf_free(&p.out);
        return -1;
    }
    out->sql = mc_arena_strdup(arena, p.out.data ? p.out.data : "");
    mc_buf_free(&p.out);
    return out->sql ? 0 : -1;
}
