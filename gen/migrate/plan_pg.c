/* plan_pg.c -- see plan_pg.h.  The planner is a list of steps, each
 * writing one group of statements (see the order in plan_pg.h). */
#include "plan_pg.h"
#include "ddl.h"
#include "naming.h"
#include "pg_names.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

typedef struct pgp {
    const mcc_diff *d;
    const mcc_schema *a, *b;
    bool upgrading;
    mcc_arena *arena;
    mcc_buf out;
    mcc_diag *diag;
} pgp;

/* ---- writing ---------------------------------------------------------------- */

/* Appends SQL from fmt: %I a PostgreSQL identifier (quoted as needed),
 * %s text modelc wrote (a type, an expression from the schema), %% '%'. */
static void pgf(pgp *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *c = fmt; *c; c++) {
        if (*c != '%') {
            mcc_buf_putc(&p->out, *c);
            continue;
        }
        switch (*++c) {
        case 'I': mcc_put_ident_in(&p->out, MCC_DIALECT_POSTGRESQL, va_arg(ap, const char *)); break;
        case 's': mcc_buf_put(&p->out, va_arg(ap, const char *)); break;
        case '%': mcc_buf_putc(&p->out, '%'); break;
        default: mcc_buf_putc(&p->out, '%'); c--; break;
        }
    }
    va_end(ap);
}

/* "-- text" on its own line; line breaks in text (a name may hold one)
 * become spaces, so that schema text never leaves the comment. */
static void note(pgp *p, const char *fmt, ...)
{
    mcc_buf text = {0};
    va_list ap;
    va_start(ap, fmt);
    mcc_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    mcc_buf_put(&p->out, "-- ");
    for (const char *c = text.data ? text.data : ""; *c; c++)
        mcc_buf_putc(&p->out, *c == '\n' || *c == '\r' ? ' ' : *c);
    mcc_buf_putc(&p->out, '\n');
    p->out.failed |= text.failed;
    mcc_buf_free(&text);
}

/* A blank line between groups, then "-- text". */
static void group(pgp *p, const char *text)
{
    if (p->out.len)
        mcc_buf_putc(&p->out, '\n');
    note(p, "%s", text);
}

static void loss_note(pgp *p, const mcc_op *o)
{
    if (o->data_loss && o->loss)
        note(p, "DATA LOSS: %s", o->loss);
}

/* A column's type for ALTER COLUMN ... TYPE, in the arena. */
static const char *type_text(pgp *p, const mcc_column *c)
{
    mcc_buf b = {0};
    mcc_ddl_pg_type(&b, c);
    const char *s = mcc_arena_strdup(p->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* A column definition for ADD COLUMN (SERIAL where it is the table's). */
static const char *column_text(pgp *p, const mcc_table *t, const mcc_column *c)
{
    mcc_buf b = {0};
    mcc_ddl_column_in(&b, MCC_DIALECT_POSTGRESQL, t, c);
    const char *s = mcc_arena_strdup(p->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* ---- enum types ----------------------------------------------------------------- */

/* An enum's type name on PostgreSQL, unquoted: the name in lower case. */
static const char *enum_name(pgp *p, const mcc_enum *e)
{
    char *s = mcc_arena_strdup(p->arena, e->name);
    for (char *c = s; c && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return s;
}

/* The enum of schema s behind type name `name` that some column uses. */
static const mcc_enum *used_enum(pgp *p, const mcc_schema *s, const char *name)
{
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < s->tables[i]->ncolumns; j++) {
            const mcc_column *c = &s->tables[i]->columns[j];
            if (c->type == MCC_T_ENUM && c->enum_type && strcmp(enum_name(p, c->enum_type), name) == 0)
                return c->enum_type;
        }
    return NULL;
}

static int has_value(const mcc_enum *e, const char *v)
{
    for (size_t i = 0; i < e->nvalues; i++)
        if (strcmp(e->values[i], v) == 0)
            return 1;
    return 0;
}

/* Does B's enum lose values A's has (so that the type must be made anew)? */
static int loses_values(const mcc_enum *ea, const mcc_enum *eb)
{
    for (size_t i = 0; i < ea->nvalues; i++)
        if (!has_value(eb, ea->values[i]))
            return 1;
    return 0;
}

/* Does a server default of a column of B of type `name` use a value of
 * eb that ea lacks?  ALTER TYPE ... ADD VALUE cannot serve then: a new
 * value cannot be used before the transaction that adds it commits. */
static int default_uses_new_value(pgp *p, const mcc_enum *ea, const mcc_enum *eb, const char *name)
{
    for (size_t i = 0; i < p->b->ntables; i++)
        for (size_t j = 0; j < p->b->tables[i]->ncolumns; j++) {
            const mcc_column *c = &p->b->tables[i]->columns[j];
            if (c->type != MCC_T_ENUM || !c->enum_type || !c->server_default ||
                strcmp(enum_name(p, c->enum_type), name) != 0)
                continue;
            for (size_t k = 0; k < eb->nvalues; k++) {
                if (has_value(ea, eb->values[k]))
                    continue;
                mcc_buf lit = {0};
                mcc_put_sql_string(&lit, eb->values[k]);
                int same = lit.data && strcmp(lit.data, c->server_default) == 0;
                mcc_buf_free(&lit);
                if (same)
                    return 1;
            }
        }
    return 0;
}

/* Must enum type `name` be made anew (renamed to <name>_old, created
 * with B's values, its columns cast to it)?  When it loses values
 * (PostgreSQL cannot remove one), or a default uses a new one. */
static int new_type(pgp *p, const char *name)
{
    const mcc_enum *ea = used_enum(p, p->a, name), *eb = used_enum(p, p->b, name);
    return ea && eb && (loses_values(ea, eb) || default_uses_new_value(p, ea, eb, name));
}

/* Is the enum behind column c (of B) one whose type is made anew? */
static int recreated(pgp *p, const mcc_column *c)
{
    return c->type == MCC_T_ENUM && c->enum_type && new_type(p, enum_name(p, c->enum_type));
}

/* Calls fn on each enum type used by a column of s, once per type name. */
static void each_used_enum(pgp *p, const mcc_schema *s, void (*fn)(pgp *, const mcc_enum *))
{
    size_t n = 0;
    const char **seen = NULL;
    for (size_t i = 0; i < s->ntables; i++)
        n += s->tables[i]->ncolumns;
    seen = mcc_arena_alloc(p->arena, (n + 1) * sizeof *seen);
    if (!seen)
        return;
    n = 0;
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < s->tables[i]->ncolumns; j++) {
            const mcc_column *c = &s->tables[i]->columns[j];
            if (c->type != MCC_T_ENUM || !c->enum_type)
                continue;
            const char *name = enum_name(p, c->enum_type);
            int dup = 0;
            for (size_t k = 0; k < n; k++)
                dup |= strcmp(seen[k], name) == 0;
            if (dup)
                continue;
            seen[n++] = name;
            fn(p, c->enum_type);
        }
}

/* Step 1 for one enum of B: CREATE TYPE when A has no such type; ADD
 * VALUE for each new value (placed after the value before it); a type
 * that loses values is renamed to <name>_old and made anew (its columns
 * are cast to it in step 6, the old type dropped in step 8). */
static void enum_before(pgp *p, const mcc_enum *eb)
{
    const char *name = enum_name(p, eb);
    const mcc_enum *ea = used_enum(p, p->a, name);
    if (!ea) {
        group(p, mcc_arena_printf(p->arena, "add enum type %s", name));
        mcc_ddl_create_enum_pg(&p->out, eb);
        mcc_buf_putc(&p->out, '\n');
        return;
    }
    if (new_type(p, name)) {
        group(p, mcc_arena_printf(p->arena,
                                 loses_values(ea, eb) ? "enum %s loses values: a new type, its columns cast to it below"
                                                      : "enum %s gains a value a default uses: a new type (a value "
                                                        "added by ALTER TYPE cannot be used before COMMIT), its "
                                                        "columns cast to it below",
                                 name));
        pgf(p, "ALTER TYPE %I RENAME TO %I;\n", name, mcc_arena_printf(p->arena, "%s_old", name));
        mcc_ddl_create_enum_pg(&p->out, eb);
        mcc_buf_putc(&p->out, '\n');
        return;
    }
    const char *prev = NULL;
    int said = 0;
    for (size_t i = 0; i < eb->nvalues; i++) {
        const char *v = eb->values[i];
        if (has_value(ea, v)) {
            prev = v;
            continue;
        }
        if (!said++)
            group(p, mcc_arena_printf(p->arena, "add values to enum type %s", name));
        pgf(p, "ALTER TYPE %I ADD VALUE ", name);
        mcc_put_sql_string(&p->out, v);
        mcc_buf_put(&p->out, prev ? " AFTER " : " BEFORE ");
        mcc_put_sql_string(&p->out, prev ? prev : ea->values[0]);
        mcc_buf_put(&p->out, ";\n");
        prev = v;
    }
}

/* Step 8 for one enum of A: dropped when B uses no such type; the _old
 * type of one made anew. */
static void enum_after(pgp *p, const mcc_enum *ea)
{
    const char *name = enum_name(p, ea);
    const mcc_enum *eb = used_enum(p, p->b, name);
    if (!eb) {
        group(p, mcc_arena_printf(p->arena, "drop enum type %s (no column uses it)", name));
        pgf(p, "DROP TYPE %I;\n", name);
    } else if (new_type(p, name)) {
        group(p, mcc_arena_printf(p->arena, "drop the old type of enum %s", name));
        pgf(p, "DROP TYPE %I;\n", mcc_arena_printf(p->arena, "%s_old", name));
    }
}

/* ---- drops -------------------------------------------------------------------------- */

static int pair_has(const mcc_diff *d, const mcc_table_pair *tp, mcc_op_kind kind)
{
    for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++)
        if (d->ops[i].kind == kind)
            return 1;
    return 0;
}

/* Step 2: constraints and indexes that go, under A's names (before any
 * rename): foreign keys first (they may need a unique constraint that
 * goes too), then the primary keys, unique and check constraints,
 * columns' checks, indexes. */
static void drop_constraints(pgp *p)
{
    for (int fks = 1; fks >= 0; fks--)
        for (size_t k = 0; k < p->d->npairs; k++) {
            const mcc_table_pair *tp = &p->d->pairs[k];
            const mcc_table *ta = tp->from;
            for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
                const mcc_op *o = &p->d->ops[i];
                if (o->kind == MCC_OP_DROP_CONSTRAINT && (o->constraint->kind == MCC_C_FOREIGN_KEY) == fks) {
                    group(p, o->text);
                    pgf(p, "ALTER TABLE %I DROP CONSTRAINT %I;\n", ta->name,
                        mcc_pg_constraint_name(p->arena, ta, o->constraint));
                } else if (!fks && o->kind == MCC_OP_ALTER_CHECK && o->col_from->check) {
                    group(p, o->text);
                    pgf(p, "ALTER TABLE %I DROP CONSTRAINT %I;\n", ta->name,
                        mcc_pg_column_check_name(p->arena, ta, o->col_from));
                } else if (!fks && o->kind == MCC_OP_ALTER_PK && ta->npk) {
                    group(p, o->text);
                    pgf(p, "ALTER TABLE %I DROP CONSTRAINT %I;\n", ta->name, mcc_pg_pkey_name(p->arena, ta->name));
                } else if (!fks && o->kind == MCC_OP_DROP_INDEX) {
                    group(p, o->text);
                    pgf(p, "DROP INDEX %I;\n", o->index->name);
                }
            }
        }
}

/* Step 3: tables that go, children first (the diff's order). */
static void drop_tables(pgp *p)
{
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind != MCC_OP_DROP_TABLE)
            continue;
        group(p, o->text);
        loss_note(p, o);
        pgf(p, "DROP TABLE %I;\n", o->from->name);
    }
}

/* ---- renames -------------------------------------------------------------------------- */

/* The name in B of column a_col of pair tp's table; NULL when dropped. */
static const char *b_column(const mcc_table_pair *tp, const char *a_col)
{
    for (size_t j = 0; j < tp->to->ncolumns; j++)
        if (tp->source[j] && strcmp(tp->source[j], a_col) == 0)
            return tp->to->columns[j].name;
    return NULL;
}

/* Was constraint k of A's table dropped by this diff? */
static int dropped(const pgp *p, const mcc_table_pair *tp, const mcc_constraint *k)
{
    for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++)
        if (p->d->ops[i].kind == MCC_OP_DROP_CONSTRAINT && p->d->ops[i].constraint == k)
            return 1;
    return 0;
}

static void rename_constraint(pgp *p, const char *table, const char *from, const char *to)
{
    if (from && to && strcmp(from, to) != 0)
        pgf(p, "ALTER TABLE %I RENAME CONSTRAINT %I TO %I;\n", table, from, to);
}

/* After a pair's table or columns were renamed: the names the server
 * derived from the old ones (primary key, unnamed unique and foreign
 * keys, column checks, the SERIAL column's sequence) follow, so that the
 * database has the names a fresh `modelc sql` would give it. */
static void rename_derived(pgp *p, const mcc_table_pair *tp)
{
    const mcc_table *ta = tp->from, *tb = tp->to;
    if (!pair_has(p->d, tp, MCC_OP_ALTER_PK) && ta->npk)
        rename_constraint(p, tb->name, mcc_pg_pkey_name(p->arena, ta->name), mcc_pg_pkey_name(p->arena, tb->name));
    for (size_t i = 0; i < ta->nconstraints; i++) {
        const mcc_constraint *k = &ta->constraints[i];
        if (k->name || k->kind == MCC_C_CHECK || dropped(p, tp, k))
            continue;
        const char **cols = mcc_arena_alloc(p->arena, (k->ncols + 1) * sizeof *cols);
        if (!cols)
            return;
        for (size_t j = 0; j < k->ncols; j++)
            cols[j] = b_column(tp, ta->columns[k->cols[j]].name);
        rename_constraint(p, tb->name, mcc_pg_constraint_name(p->arena, ta, k),
                          mcc_pg_key_name(p->arena, tb->name, cols, k->ncols,
                                         k->kind == MCC_C_UNIQUE ? "key" : "fkey"));
    }
    for (size_t j = 0; j < tb->ncolumns; j++) {
        const mcc_column *cb = &tb->columns[j];
        const mcc_column *ca = tp->source[j] ? mcc_table_column(ta, tp->source[j]) : NULL;
        if (!ca)
            continue;
        if (ca->check && cb->check && strcmp(ca->check, cb->check) == 0)
            rename_constraint(p, tb->name, mcc_pg_column_check_name(p->arena, ta, ca),
                              mcc_pg_column_check_name(p->arena, tb, cb));
        if (mcc_ddl_pg_serial(ta, ca) && mcc_ddl_pg_serial(tb, cb)) {
            const char *from = mcc_pg_sequence_name(p->arena, ta->name, ca->name);
            const char *to = mcc_pg_sequence_name(p->arena, tb->name, cb->name);
            if (strcmp(from, to) != 0)
                pgf(p, "ALTER SEQUENCE %I RENAME TO %I;\n", from, to);
        }
    }
}

/* Step 4: tables, then columns, renamed in place (the server keeps every
 * reference to them), then the names derived from them. */
static void renames(pgp *p)
{
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind == MCC_OP_RENAME_TABLE) {
            group(p, o->text);
            pgf(p, "ALTER TABLE %I RENAME TO %I;\n", o->from->name, o->to->name);
        }
    }
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind == MCC_OP_RENAME_COLUMN) {
            group(p, o->text);
            pgf(p, "ALTER TABLE %I RENAME COLUMN %I TO %I;\n", o->to->name, o->col_from->name, o->col_to->name);
        }
    }
    for (size_t k = 0; k < p->d->npairs; k++) {
        const mcc_table_pair *tp = &p->d->pairs[k];
        if (strcmp(tp->from->name, tp->to->name) == 0 && !pair_has(p->d, tp, MCC_OP_RENAME_COLUMN))
            continue;
        /* Written aside first: a pair with nothing to rename gets no group. */
        mcc_buf main = p->out;
        p->out = (mcc_buf){0};
        rename_derived(p, tp);
        mcc_buf derived = p->out;
        p->out = main;
        if (derived.len) {
            group(p, mcc_arena_printf(p->arena, "the names the server derived for table %s follow its renames",
                                     tp->to->name));
            mcc_buf_put(&p->out, derived.data);
        }
        p->out.failed |= derived.failed;
        mcc_buf_free(&derived);
    }
}

/* ---- creates ---------------------------------------------------------------------------- */

/* Step 5: new tables in dependency order, each with its indexes. */
static void create_tables(pgp *p)
{
    for (size_t i = 0; i < p->d->nops; i++) {
        const mcc_op *o = &p->d->ops[i];
        if (o->kind != MCC_OP_CREATE_TABLE)
            continue;
        group(p, o->text);
        mcc_ddl_create_table_in(&p->out, MCC_DIALECT_POSTGRESQL, o->to, NULL);
        mcc_buf_putc(&p->out, '\n');
        for (size_t j = 0; j < o->to->nindexes; j++) {
            mcc_ddl_create_index_in(&p->out, MCC_DIALECT_POSTGRESQL, o->to, &o->to->indexes[j]);
            mcc_buf_putc(&p->out, '\n');
        }
    }
}

/* ---- columns ------------------------------------------------------------------------------ */

/* A value for a column that comes back NOT NULL with no data (the way
 * back): types.def's pgzero column; an enum's is its first value. */
static const char *zero_value(pgp *p, const mcc_column *c)
{
    static const char *const zero[MCC_T__COUNT] = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) \
        [MCC_T_##ID] = pgzero,
#include "types.def"
#undef X
        [MCC_T_ENUM] = "''", [MCC_T_UNKNOWN] = "''",
    };
    if (c->type == MCC_T_ENUM && c->enum_type && c->enum_type->nvalues) {
        mcc_buf b = {0};
        mcc_put_sql_string(&b, c->enum_type->values[0]);
        const char *s = mcc_arena_strdup(p->arena, b.data ? b.data : "''");
        mcc_buf_free(&b);
        return s;
    }
    return zero[c->type];
}

/* Is column ci of t covered by a UNIQUE constraint or a unique index? */
static int in_unique(const mcc_table *t, size_t ci)
{
    for (size_t i = 0; i < t->nconstraints; i++)
        for (size_t j = 0; t->constraints[i].kind == MCC_C_UNIQUE && j < t->constraints[i].ncols; j++)
            if (t->constraints[i].cols[j] == ci)
                return 1;
    for (size_t i = 0; i < t->nindexes; i++)
        for (size_t j = 0; t->indexes[i].unique && j < t->indexes[i].ncols; j++)
            if (t->indexes[i].cols[j] == ci)
                return 1;
    return 0;
}

/* ADD COLUMN.  On the way back a column comes back without its data: NOT
 * NULL without a default gets its type's zero value in every row; a
 * unique one with a default gets NULLs (one default in every row would
 * break the uniqueness), the default applying to new rows only. */
static void add_column(pgp *p, const mcc_table *t, const mcc_column *c)
{
    int refill = !p->upgrading && !c->nullable && !c->server_default && !mcc_ddl_pg_serial(t, c);
    int nulls = !p->upgrading && c->nullable && c->server_default && in_unique(t, (size_t)(c - t->columns));
    if (refill) {
        mcc_column tmp = *c;
        tmp.server_default = zero_value(p, c);
        note(p, "NOTE: %s.%s comes back as %s in every row: its data was dropped", t->name, c->name,
             tmp.server_default);
        pgf(p, "ALTER TABLE %I ADD COLUMN %s;\n", t->name, column_text(p, t, &tmp));
        pgf(p, "ALTER TABLE %I ALTER COLUMN %I DROP DEFAULT;\n", t->name, c->name);
    } else if (nulls) {
        mcc_column tmp = *c;
        tmp.server_default = NULL;
        note(p, "unique: its rows come back NULL, not all the same default");
        pgf(p, "ALTER TABLE %I ADD COLUMN %s;\n", t->name, column_text(p, t, &tmp));
        pgf(p, "ALTER TABLE %I ALTER COLUMN %I SET DEFAULT %s;\n", t->name, c->name,
            mcc_ddl_server_default_in(MCC_DIALECT_POSTGRESQL, c));
    } else {
        pgf(p, "ALTER TABLE %I ADD COLUMN %s;\n", t->name, column_text(p, t, c));
    }
}

static int is_number(mcc_type_id t)
{
    return t == MCC_T_INTEGER || t == MCC_T_BIGINTEGER || t == MCC_T_SMALLINTEGER || t == MCC_T_FLOAT ||
           t == MCC_T_NUMERIC;
}

/* The USING expression that turns ca's values into cb's type. */
static const char *using_expr(pgp *p, const mcc_column *ca, const mcc_column *cb, const char *type)
{
    mcc_buf col = {0};
    mcc_put_ident_in(&col, MCC_DIALECT_POSTGRESQL, cb->name);
    const char *c = mcc_arena_strdup(p->arena, col.data ? col.data : "");
    mcc_buf_free(&col);
    if (cb->type == MCC_T_BOOLEAN && is_number(ca->type))
        return mcc_arena_printf(p->arena, "%s <> 0", c);
    if (ca->type == MCC_T_BOOLEAN && is_number(cb->type))
        return mcc_arena_printf(p->arena, "%s::integer::%s", c, type);
    if (ca->type == MCC_T_ENUM || cb->type == MCC_T_ENUM)
        return mcc_arena_printf(p->arena, "%s::text::%s", c, type);
    return mcc_arena_printf(p->arena, "%s::%s", c, type);
}

static const mcc_op *column_op(const pgp *p, const mcc_table_pair *tp, mcc_op_kind kind, const mcc_column *cb)
{
    for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++)
        if (p->d->ops[i].kind == kind && p->d->ops[i].col_to == cb)
            return &p->d->ops[i];
    return NULL;
}

/* Both enums of the same type name (a change of its values only)? */
static int same_enum_type(pgp *p, const mcc_column *ca, const mcc_column *cb)
{
    return ca->type == MCC_T_ENUM && cb->type == MCC_T_ENUM && ca->enum_type && cb->enum_type &&
           strcmp(enum_name(p, ca->enum_type), enum_name(p, cb->enum_type)) == 0;
}

/* A column that becomes the table's SERIAL one (the lone integer
 * primary key) gets a sequence owned by it, started after its largest
 * value; one that stops being it loses its default and sequence. */
static void serial_change(pgp *p, const mcc_table_pair *tp, const mcc_column *cb)
{
    const mcc_column *ca = mcc_table_column(tp->from, tp->source[(size_t)(cb - tp->to->columns)]);
    int was = ca && mcc_ddl_pg_serial(tp->from, ca), is = mcc_ddl_pg_serial(tp->to, cb);
    const char *t = tp->to->name, *seq = mcc_pg_sequence_name(p->arena, t, cb->name);
    if (was == is)
        return;
    if (was) {
        group(p, mcc_arena_printf(p->arena, "%s.%s is no longer the table's SERIAL column", t, cb->name));
        pgf(p, "ALTER TABLE %I ALTER COLUMN %I DROP DEFAULT;\n", t, cb->name);
        pgf(p, "DROP SEQUENCE %I;\n", seq);
        return;
    }
    group(p, mcc_arena_printf(p->arena, "%s.%s becomes the table's SERIAL column", t, cb->name));
    mcc_buf col = {0}, lit = {0};
    mcc_put_ident_in(&col, MCC_DIALECT_POSTGRESQL, t);
    mcc_buf_putc(&col, '.');
    mcc_put_ident_in(&col, MCC_DIALECT_POSTGRESQL, cb->name);
    mcc_buf seqname = {0};
    mcc_put_ident_in(&seqname, MCC_DIALECT_POSTGRESQL, seq);
    mcc_put_sql_string(&lit, seqname.data ? seqname.data : "");
    pgf(p, "CREATE SEQUENCE %I AS %s OWNED BY %s;\n", seq, type_text(p, cb), col.data ? col.data : "");
    pgf(p, "ALTER TABLE %I ALTER COLUMN %I SET DEFAULT nextval(%s::regclass);\n", t, cb->name,
        lit.data ? lit.data : "");
    pgf(p, "SELECT setval(%s, coalesce(max(%I), 0) + 1, false) FROM %I;\n", lit.data ? lit.data : "", cb->name, t);
    p->out.failed |= col.failed | lit.failed | seqname.failed;
    mcc_buf_free(&col);
    mcc_buf_free(&lit);
    mcc_buf_free(&seqname);
}

/* One kept column's type, default and nullability.  A type change drops
 * the old default first (the server cannot always cast it) and sets B's
 * after; a column made NOT NULL that has a default gets it where it is
 * NULL first. */
static void alter_column(pgp *p, const mcc_table_pair *tp, const mcc_column *cb)
{
    const mcc_table *t = tp->to;
    const mcc_op *ty = column_op(p, tp, MCC_OP_ALTER_TYPE, cb);
    const mcc_op *df = column_op(p, tp, MCC_OP_ALTER_DEFAULT, cb);
    const mcc_op *nu = column_op(p, tp, MCC_OP_ALTER_NULLABLE, cb);
    const mcc_op *ai = column_op(p, tp, MCC_OP_ALTER_AUTOINCREMENT, cb);
    int default_done = 0;
    if (ty) {
        const mcc_column *ca = ty->col_from;
        group(p, ty->text);
        loss_note(p, ty);
        if (same_enum_type(p, ca, cb) && !recreated(p, cb)) {
            note(p, "(the column keeps its type: enum type %s changed above)", enum_name(p, cb->enum_type));
        } else {
            const char *type = type_text(p, cb);
            if (ty->data_loss)
                note(p, "NOTE: fails if a row holds a value the new type cannot: change those rows first");
            if (ca->server_default)
                pgf(p, "ALTER TABLE %I ALTER COLUMN %I DROP DEFAULT;\n", t->name, cb->name);
            pgf(p, "ALTER TABLE %I ALTER COLUMN %I TYPE %s USING %s;\n", t->name, cb->name, type,
                using_expr(p, ca, cb, type));
            if (cb->server_default)
                pgf(p, "ALTER TABLE %I ALTER COLUMN %I SET DEFAULT %s;\n", t->name, cb->name,
                    mcc_ddl_server_default_in(MCC_DIALECT_POSTGRESQL, cb));
            default_done = 1;
        }
    }
    if (df && !default_done) {
        group(p, df->text);
        if (cb->server_default)
            pgf(p, "ALTER TABLE %I ALTER COLUMN %I SET DEFAULT %s;\n", t->name, cb->name,
                mcc_ddl_server_default_in(MCC_DIALECT_POSTGRESQL, cb));
        else
            pgf(p, "ALTER TABLE %I ALTER COLUMN %I DROP DEFAULT;\n", t->name, cb->name);
    }
    if (nu) {
        group(p, nu->text);
        if (cb->nullable) {
            pgf(p, "ALTER TABLE %I ALTER COLUMN %I DROP NOT NULL;\n", t->name, cb->name);
        } else {
            if (cb->server_default)
                pgf(p, "UPDATE %I SET %I = %s WHERE %I IS NULL;\n", t->name, cb->name,
                    mcc_ddl_server_default_in(MCC_DIALECT_POSTGRESQL, cb), cb->name);
            else
                note(p, "NOTE: fails if %s.%s holds NULLs; fill them first.", t->name, cb->name);
            pgf(p, "ALTER TABLE %I ALTER COLUMN %I SET NOT NULL;\n", t->name, cb->name);
        }
    }
    if (ai) {
        group(p, ai->text);
        note(p, "(no statement on PostgreSQL: a sequence never hands out an id twice)");
    }
    serial_change(p, tp, cb);
}

/* Step 6: per kept table, columns dropped, added, then altered. */
static void alter_tables(pgp *p)
{
    for (size_t k = 0; k < p->d->npairs; k++) {
        const mcc_table_pair *tp = &p->d->pairs[k];
        for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
            const mcc_op *o = &p->d->ops[i];
            if (o->kind == MCC_OP_RENAME_MODEL || o->kind == MCC_OP_RENAME_FIELD) {
                group(p, o->text);
                note(p, "(no statement: the file's header records the name)");
            } else if (o->kind == MCC_OP_DROP_COLUMN) {
                group(p, o->text);
                loss_note(p, o);
                pgf(p, "ALTER TABLE %I DROP COLUMN %I;\n", tp->to->name, o->col_from->name);
            }
        }
        for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
            const mcc_op *o = &p->d->ops[i];
            if (o->kind == MCC_OP_ADD_COLUMN) {
                group(p, o->text);
                add_column(p, tp->to, o->col_to);
            }
        }
        for (size_t j = 0; j < tp->to->ncolumns; j++)
            if (tp->source[j])
                alter_column(p, tp, &tp->to->columns[j]);
    }
}

/* ---- adds ----------------------------------------------------------------------------------- */

static void add_constraint(pgp *p, const mcc_table *t, const mcc_constraint *k)
{
    pgf(p, "ALTER TABLE %I ADD CONSTRAINT %I ", t->name, mcc_pg_constraint_name(p->arena, t, k));
    /* The clause as CREATE TABLE writes it: the DDL of a one-constraint table. */
    switch (k->kind) {
    case MCC_C_UNIQUE: mcc_buf_put(&p->out, "UNIQUE ("); break;
    case MCC_C_CHECK: pgf(p, "CHECK (%s);\n", k->check); return;
    case MCC_C_FOREIGN_KEY: mcc_buf_put(&p->out, "FOREIGN KEY("); break;
    }
    for (size_t i = 0; i < k->ncols; i++)
        pgf(p, "%s%I", i ? ", " : "", t->columns[k->cols[i]].name);
    mcc_buf_putc(&p->out, ')');
    if (k->kind == MCC_C_FOREIGN_KEY) {
        pgf(p, " REFERENCES %I (", k->ref_table);
        for (size_t i = 0; i < k->nref; i++)
            pgf(p, "%s%I", i ? ", " : "", k->ref_cols[i]);
        mcc_buf_putc(&p->out, ')');
        if (k->on_delete)
            pgf(p, " ON DELETE %s", mcc_fk_action_sql(k->on_delete));
        if (k->on_update)
            pgf(p, " ON UPDATE %s", mcc_fk_action_sql(k->on_update));
    }
    mcc_buf_put(&p->out, ";\n");
}

/* Step 7: primary keys, unique and check constraints, columns' checks and
 * indexes of kept tables, then foreign keys (the keys they need exist by
 * then). */
static void add_constraints(pgp *p)
{
    for (int fks = 0; fks <= 1; fks++)
        for (size_t k = 0; k < p->d->npairs; k++) {
            const mcc_table_pair *tp = &p->d->pairs[k];
            const mcc_table *tb = tp->to;
            for (size_t i = tp->first_op; i < tp->first_op + tp->nops; i++) {
                const mcc_op *o = &p->d->ops[i];
                if (o->kind == MCC_OP_ADD_CONSTRAINT && (o->constraint->kind == MCC_C_FOREIGN_KEY) == fks) {
                    group(p, o->text);
                    add_constraint(p, tb, o->constraint);
                } else if (!fks && o->kind == MCC_OP_ALTER_CHECK && o->col_to->check) {
                    group(p, o->text);
                    pgf(p, "ALTER TABLE %I ADD CONSTRAINT %I CHECK (%s);\n", tb->name,
                        mcc_pg_column_check_name(p->arena, tb, o->col_to), o->col_to->check);
                } else if (!fks && o->kind == MCC_OP_ALTER_PK && tb->npk) {
                    group(p, o->text);
                    pgf(p, "ALTER TABLE %I ADD PRIMARY KEY (", tb->name);
                    for (size_t c = 0; c < tb->npk; c++)
                        pgf(p, "%s%I", c ? ", " : "", tb->columns[tb->pk[c]].name);
                    mcc_buf_put(&p->out, ");\n");
                } else if (!fks && o->kind == MCC_OP_ADD_INDEX) {
                    group(p, o->text);
                    mcc_ddl_create_index_in(&p->out, MCC_DIALECT_POSTGRESQL, tb, o->index);
                    mcc_buf_putc(&p->out, '\n');
                }
            }
        }
}

int mcc_plan_pg_build(const mcc_diff *d, const mcc_schema *a, const mcc_schema *b, unsigned flags, mcc_arena *arena,
                     mcc_diag *diag, mcc_plan *out)
{
    memset(out, 0, sizeof *out);
    bool upgrading = (flags & MCC_PLAN_UPGRADE) != 0;
    pgp p = {d, a, b, upgrading, arena, {0}, diag};
    if (upgrading && mcc_plan_refusals(d, MCC_DIALECT_POSTGRESQL, flags, arena, diag))
        return -1;
    each_used_enum(&p, b, enum_before);     /* 1 */
    drop_constraints(&p);                   /* 2 */
    drop_tables(&p);                        /* 3 */
    renames(&p);                            /* 4 */
    create_tables(&p);                      /* 5 */
    alter_tables(&p);                       /* 6 */
    add_constraints(&p);                    /* 7 */
    each_used_enum(&p, a, enum_after);      /* 8 */
    if (!p.out.failed)
        out->sql = mcc_arena_strdup(arena, p.out.data ? p.out.data : "");
    mcc_buf_free(&p.out);
    if (!out->sql) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    return 0;
}
