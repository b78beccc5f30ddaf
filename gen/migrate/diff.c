/* diff.c -- see diff.h. */
#include "diff.h"
#include "buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- renames -------------------------------------------------------------- */

/* Equal strings, NULL equal only to NULL. */
static bool same_name(const char *x, const char *y)
{
    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

/* The name in A of B's table b_name when a rename says so, or NULL. */
static const char *table_renamed_from(const mcc_renames *r, const char *b_name)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (!r->v[i].table && strcmp(r->v[i].to, b_name) == 0)
            return r->v[i].from;
    return NULL;
}

/* The name in A of column b_col of B's table b_table when a rename says
 * so, or NULL. */
static const char *column_renamed_from(const mcc_renames *r, const char *b_table, const char *b_col)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (r->v[i].table && strcmp(r->v[i].table, b_table) == 0 && strcmp(r->v[i].to, b_col) == 0)
            return r->v[i].from;
    return NULL;
}

/* Finding the renames from A to B: both schemas, the list so far, and
 * where an unresolved hint is reported (NULL: nowhere). */
typedef struct renamer {
    const mcc_schema *a, *b;
    mcc_arena *arena;
    mcc_diag *diag;
    mcc_renames *out;
    size_t cap;
} renamer;

/* Appends the rename table.from -> to (tables: table NULL). */
static void push_rename(renamer *r, const char *table, const char *from, const char *to)
{
    mcc_rename *x = MCC_ARENA_PUSH(r->arena, r->out->v, r->out->n, r->cap);
    if (x)
        *x = (mcc_rename){table, from, to};
}

/* A renamed_from that resolves to nothing: an error about the schema,
 * never a drop and a create. */
static void unresolved(renamer *r, mcc_span at, const char *message, const char *hint)
{
    if (r->diag)
        mcc_error_near(r->diag, at, hint, "%s", message ? message : "out of memory");
}

/* The table of A holding model `model`; only A with a snapshot knows. */
static const mcc_table *model_in(const mcc_schema *a, const char *model)
{
    for (size_t i = 0; model && !a->sql_only && i < a->ntables; i++)
        if (a->tables[i]->model && strcmp(a->tables[i]->model, model) == 0)
            return a->tables[i];
    return NULL;
}

/* The column of t holding field `field`. */
static const mcc_column *field_in(const mcc_table *t, const char *field)
{
    for (size_t i = 0; field && i < t->ncolumns; i++)
        if (t->columns[i].field && strcmp(t->columns[i].field, field) == 0)
            return &t->columns[i];
    return NULL;
}

/* Has a rename already taken A's table (columns: of B's table) `from`? */
static bool taken(const mcc_renames *r, const char *table, const char *from)
{
    for (size_t i = 0; i < r->n; i++)
        if (same_name(r->v[i].table, table) && strcmp(r->v[i].from, from) == 0)
            return true;
    return false;
}

/* "A, B, C" (models of A, or its tables when it knows no models). */
static const char *model_list(const mcc_schema *a, mcc_arena *arena)
{
    mcc_buf b = {0};
    for (size_t i = 0; i < a->ntables; i++)
        mcc_buf_printf(&b, "%s%s", i ? ", " : "", a->sql_only ? a->tables[i]->name : a->tables[i]->model);
    const char *s = mcc_arena_strdup(arena, b.len ? b.data : "none");
    mcc_buf_free(&b);
    return s;
}

/*
 * The table of A that B's table tb (absent from A by name) comes from, or
 * NULL (a new table).  First the table holding the same model (A knows
 * models from the snapshot: a changed custom `table` is a rename), then
 * the one renamed_from(Old) names: A's model Old, else (a history without
 * a snapshot) the table of Old's default name, or Old itself when A is
 * sql_only.  A candidate B still has, or another rename took, is refused:
 * a table is renamed once.  A hint that names nothing is reported.
 */
static const mcc_table *table_source(renamer *r, const mcc_table *tb)
{
    const mcc_schema *a = r->a, *b = r->b;
    mcc_arena *arena = r->arena;
    const mcc_table *old = model_in(a, tb->model);
    if (old && !mcc_schema_table(b, old->name) && !taken(r->out, NULL, old->name))
        return old;
    if (!tb->renamed_from)
        return NULL;
    const mcc_table *cand = model_in(a, tb->renamed_from);
    if (!cand) {
        /* A history without a snapshot: the old model's default table name. */
        cand = mcc_schema_table(a, tb->renamed_from_table);
        if (!cand && a->sql_only)
            cand = mcc_schema_table(a, tb->renamed_from);  /* ... or the old table's own name */
        if (cand && !a->sql_only && cand->model && strcmp(cand->model, cand->name) != 0 &&
            strcmp(cand->model, tb->renamed_from) != 0)
            cand = NULL;
    }
    if (!cand) {
        unresolved(r, tb->renamed_from_at,
                   mcc_arena_printf(arena, "model %s: renamed_from(%s) names no model of the migrations' schema",
                                   tb->model, tb->renamed_from),
                   a->sql_only
                       ? mcc_arena_printf(arena,
                                         "these migrations predate the model names in their headers, so the old "
                                         "model is looked up by table: %s; name the old table, or, if %s is new, "
                                         "remove renamed_from",
                                         model_list(a, arena), tb->model)
                       : mcc_arena_printf(arena, "the migrations have the models %s; if %s is new, remove renamed_from",
                                         model_list(a, arena), tb->model));
        return NULL;
    }
    if (mcc_schema_table(b, cand->name) || taken(r->out, NULL, cand->name)) {
        unresolved(r, tb->renamed_from_at,
                   mcc_arena_printf(arena, "model %s: renamed_from(%s), but table %s of model %s is still in the schema",
                                   tb->model, tb->renamed_from, cand->name, cand->model),
                   mcc_arena_printf(arena, "a model is renamed once; remove renamed_from(%s) or the other model",
                                   tb->renamed_from));
        return NULL;
    }
    return cand;
}

/* The column of ta that cb of tb (absent from ta by name) comes from, or
 * NULL (a new column): the column of the same field (A with a snapshot),
 * else the one renamed_from names, by field or by SQL name; as for
 * tables, one B still has or another rename took is refused, and a hint
 * that names nothing is reported. */
static const mcc_column *column_source(renamer *r, const mcc_table *ta, const mcc_table *tb, const mcc_column *cb)
{
    mcc_arena *arena = r->arena;
    const mcc_column *old = r->a->sql_only ? NULL : field_in(ta, cb->field);
    if (old && !mcc_table_column(tb, old->name) && !taken(r->out, tb->name, old->name))
        return old;
    if (!cb->renamed_from)
        return NULL;
    const mcc_column *cand = field_in(ta, cb->renamed_from);
    if (!cand)
        cand = mcc_table_column(ta, cb->renamed_from);
    if (!cand) {
        unresolved(r, cb->renamed_from_at,
                   mcc_arena_printf(arena, "%s.%s: renamed_from(%s) names no column of table %s in the migrations' schema",
                                   tb->model, cb->field, cb->renamed_from, ta->name),
                   mcc_arena_printf(arena, "if %s is a new field, remove renamed_from", cb->field));
        return NULL;
    }
    if (mcc_table_column(tb, cand->name) || taken(r->out, tb->name, cand->name)) {
        unresolved(r, cb->renamed_from_at,
                   mcc_arena_printf(arena, "%s.%s: renamed_from(%s), but column %s.%s is still in the schema",
                                   tb->model, cb->field, cb->renamed_from, tb->name, cand->name),
                   mcc_arena_printf(arena, "remove renamed_from(%s) or the other field", cb->renamed_from));
        return NULL;
    }
    return cand;
}

/* See diff.h.  Per table of B missing from A by name, its source
 * (table_source); then, per column of a kept table missing by name, its
 * source (column_source).  A new table's columns are not looked at. */
void mcc_renames_from_hints(const mcc_schema *a, const mcc_schema *b, mcc_arena *arena, mcc_diag *diag, mcc_renames *out)
{
    memset(out, 0, sizeof *out);
    renamer r = {a, b, arena, diag, out, 0};
    for (size_t i = 0; i < b->ntables; i++) {
        const mcc_table *tb = b->tables[i];
        const mcc_table *ta = mcc_schema_table(a, tb->name);
        if (!ta && (ta = table_source(&r, tb)))
            push_rename(&r, NULL, ta->name, tb->name);
        if (!ta)
            continue;   /* a new table: its columns' hints have nothing to name */
        for (size_t j = 0; j < tb->ncolumns; j++) {
            const mcc_column *c = &tb->columns[j];
            if (mcc_table_column(ta, c->name))
                continue;   /* kept (a hint here is stale) */
            const mcc_column *old = column_source(&r, ta, tb, c);
            if (old)
                push_rename(&r, tb->name, old->name, c->name);
        }
    }
}

/* See diff.h.  A column rename is keyed by its table's name in B: the
 * way back keys it by the table's name in A (the table's own rename
 * inverted). */
void mcc_renames_invert(const mcc_renames *ren, mcc_arena *arena, mcc_renames *out)
{
    memset(out, 0, sizeof *out);
    renamer r = {NULL, NULL, arena, NULL, out, 0};
    for (size_t i = 0; ren && i < ren->n; i++) {
        const mcc_rename *x = &ren->v[i];
        if (!x->table) {
            push_rename(&r, NULL, x->to, x->from);
        } else {
            const char *old_table = table_renamed_from(ren, x->table);
            push_rename(&r, old_table ? old_table : x->table, x->to, x->from);
        }
    }
}

/* ---- types ---------------------------------------------------------------- */

/* A declared SQL type with the spaces dropped and the letters upper
 * case, as SQLite keeps the text it was given: "varchar (64)" and
 * "VARCHAR(64)" are one type.  At most cap-1 bytes. */
static void norm_type(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        if (*s != ' ')
            out[o++] = (char)toupper((unsigned char)*s);
    out[o] = '\0';
}

/* Same declared SQL type?  By the text, not the DSL type: what the
 * database holds is all introspection knows. */
static bool same_type(const mcc_column *x, const mcc_column *y)
{
    char a[256], b[256];
    norm_type(x->sql_type, a, sizeof a);
    norm_type(y->sql_type, b, sizeof b);
    return strcmp(a, b) == 0;
}

/* See diff.h. */
bool mcc_same_sql_type(const mcc_column *x, const mcc_column *y)
{
    return same_type(x, y);
}

/* The family a type converts within without loss (types.def's fam
 * column; an enum is text).  A change across families may lose data
 * unless mcc_type_narrows lists it as widening. */
static mcc_type_family fam(mcc_type_id t)
{
    return mcc_types[t].fam;
}

/* An integer type's place in the order of widths the C side sees:
 * SmallInteger (int32_t) below Integer and BigInteger (both int64_t, and
 * both 64-bit in SQLite), so only a change down to SmallInteger narrows.
 * PostgreSQL's widths differ (types.def's pgbits). */
static int int_rank(mcc_type_id t)
{
    return strcmp(mcc_types[t].ctype, "int32_t") == 0 ? 1 : 2;
}

/* Length of a string type: 0 unbounded. */
static int str_len(const mcc_column *c)
{
    if (c->type == MCC_T_STRING || c->type == MCC_T_ENUM)
        return c->length;
    return 0;
}

/*
 * See diff.h.  Into a string: narrowing unless the target is unbounded
 * (TEXT) or at least as long (JSON takes only JSON text).  Within a
 * family: integers by rank, numerics by digits before and after the
 * point, dates and times always (their texts do not convert).  Across
 * families only booleans and integers widen into numbers; anything else
 * may lose data.
 */
bool mcc_type_narrows(const mcc_column *from, const mcc_column *to)
{
    if (same_type(from, to))
        return false;
    mcc_type_family f = fam(from->type), t = fam(to->type);
    if (t == MCC_FAM_STR) {
        if (to->type == MCC_T_JSON && from->type != MCC_T_JSON)
            return true;   /* not every text is JSON */
        int n = str_len(to);
        if (n == 0)
            return false;   /* unbounded text holds anything */
        if (f == MCC_FAM_STR)
            return str_len(from) == 0 || str_len(from) > n;
        return true;
    }
    if (f == t) {
        switch (f) {
        case MCC_FAM_INT: return int_rank(to->type) < int_rank(from->type);
        case MCC_FAM_NUM:
            return to->precision - to->scale < from->precision - from->scale || to->scale < from->scale;
        case MCC_FAM_TIME: return true;
        default: return false;
        }
    }
    if (f == MCC_FAM_BOOL && (t == MCC_FAM_INT || t == MCC_FAM_REAL || t == MCC_FAM_NUM))
        return false;
    if (f == MCC_FAM_INT && (t == MCC_FAM_REAL || t == MCC_FAM_NUM))
        return false;
    return true;
}

/* Is v one of e's values? */
static bool has_value(const mcc_enum *e, const char *v)
{
    for (size_t i = 0; i < e->nvalues; i++)
        if (strcmp(e->values[i], v) == 0)
            return true;
    return false;
}

/* See diff.h.  The values of from's enum that to's lacks, in from's
 * order; from not an enum: every value outside to's. */
const char *mcc_enum_lost(const mcc_column *from, const mcc_column *to, mcc_arena *arena)
{
    if (to->type != MCC_T_ENUM || !to->enum_type)
        return NULL;
    mcc_buf b = {0};
    if (from->type != MCC_T_ENUM || !from->enum_type) {
        mcc_buf_put(&b, "any value but ");
        for (size_t i = 0; i < to->enum_type->nvalues; i++)
            mcc_buf_printf(&b, "%s'%s'", i ? ", " : "", to->enum_type->values[i]);
    } else {
        for (size_t i = 0; i < from->enum_type->nvalues; i++)
            if (!has_value(to->enum_type, from->enum_type->values[i]))
                mcc_buf_printf(&b, "%s'%s'", b.len ? ", " : "", from->enum_type->values[i]);
    }
    const char *s = b.len ? mcc_arena_strdup(arena, b.data) : NULL;
    mcc_buf_free(&b);
    return s;
}

/* Do two enum columns (or an enum and a plain one) differ in their
 * values?  As sets: the order of the values is the C enum's, not the
 * database's (VARCHAR holds the text), so a reordering is no change. */
static bool enum_changed(const mcc_column *x, const mcc_column *y)
{
    bool ex = x->type == MCC_T_ENUM && x->enum_type, ey = y->type == MCC_T_ENUM && y->enum_type;
    if (ex != ey)
        return true;
    if (!ex)
        return false;
    if (x->enum_type->nvalues != y->enum_type->nvalues)
        return true;
    for (size_t i = 0; i < x->enum_type->nvalues; i++)
        if (!has_value(y->enum_type, x->enum_type->values[i]))
            return true;
    return false;
}

/* Is y's enum x's under another name, with the same values?  SQLite
 * stores the text either way; PostgreSQL's column has a type named after
 * the enum (in lower case), which the planner must replace.  A name that
 * differs only in case is the same type there too. */
static bool enum_renamed(const mcc_column *x, const mcc_column *y)
{
    return x->type == MCC_T_ENUM && x->enum_type && y->type == MCC_T_ENUM && y->enum_type &&
           !enum_changed(x, y) && strcasecmp(x->enum_type->name, y->enum_type->name) != 0;
}

/* What an enum change does: "adds 'c'; removes 'a'", "now enum Status", "no longer an enum". */
static const char *enum_change_text(mcc_arena *a, const mcc_column *from, const mcc_column *to)
{
    int ef = from->type == MCC_T_ENUM && from->enum_type, et = to->type == MCC_T_ENUM && to->enum_type;
    if (!ef)
        return mcc_arena_printf(a, "now enum %s", to->enum_type->name);
    if (!et)
        return mcc_arena_printf(a, "no longer enum %s", from->enum_type->name);
    const char *added = mcc_enum_lost(to, from, a), *removed = mcc_enum_lost(from, to, a);
    return mcc_arena_printf(a, "enum %s%s%s%s%s", to->enum_type->name, added ? ": adds " : "", added ? added : "",
                           removed ? (added ? "; removes " : ": removes ") : "", removed ? removed : "");
}

/* ---- the diff ------------------------------------------------------------- */

/* One diff being made: both schemas, the renames, the ops so far. */
typedef struct differ {
    mcc_arena *a;
    const mcc_schema *sa, *sb;
    const mcc_renames *ren;
    mcc_diff *d;
    size_t cap;
} differ;

/* Appends an op of kind `kind` between tables from and to (either may be
 * NULL); the caller fills in the rest.  NULL when out of memory. */
static mcc_op *op(differ *x, mcc_op_kind kind, const mcc_table *from, const mcc_table *to)
{
    mcc_op *o = MCC_ARENA_PUSH(x->a, x->d->ops, x->d->nops, x->cap);
    if (o) {
        o->kind = kind;
        o->from = from;
        o->to = to;
    }
    return o;
}

/* An op on column ca (in A) / cb (in B) of pair p; NULL when out of memory. */
static mcc_op *col_op(differ *x, mcc_op_kind kind, const mcc_table_pair *p, const mcc_column *ca, const mcc_column *cb)
{
    mcc_op *o = op(x, kind, p->from, p->to);
    if (o) {
        o->col_from = ca;
        o->col_to = cb;
    }
    return o;
}

/* The pair a table of A went to; NULL when dropped. */
static const mcc_table_pair *pair_of_a(const mcc_diff *d, const char *a_name)
{
    for (size_t i = 0; i < d->npairs; i++)
        if (strcmp(d->pairs[i].from->name, a_name) == 0)
            return &d->pairs[i];
    return NULL;
}

/* A column name of pair->from in B's naming; NULL when dropped. */
static const char *map_col(const mcc_table_pair *p, const char *a_col)
{
    if (!p)
        return a_col;
    for (size_t i = 0; i < p->to->ncolumns; i++)
        if (p->source[i] && strcmp(p->source[i], a_col) == 0)
            return p->to->columns[i].name;
    return NULL;
}

/* Appends "(a,b)": the columns cols of t, in B's names when p maps them
 * from A ("?dropped" for one B lacks). */
static void col_list_sig(mcc_buf *b, const mcc_table *t, const size_t *cols, size_t n, const mcc_table_pair *p)
{
    mcc_buf_putc(b, '(');
    for (size_t i = 0; i < n; i++) {
        const char *name = t->columns[cols[i]].name;
        if (p)
            name = map_col(p, name);
        mcc_buf_printf(b, "%s%s", i ? "," : "", name ? name : "?dropped");
    }
    mcc_buf_putc(b, ')');
}

/* NO ACTION is what a foreign key without an action does: the same. */
static mcc_fk_action norm_action(mcc_fk_action a)
{
    return a == MCC_FK_NO_ACTION ? MCC_FK_NONE : a;
}

/*
 * A constraint's identity as a string, so that A's and B's constraints
 * compare as multisets of strings: kind, name, then the CHECK text, or
 * the columns -- and for a foreign key the referenced table and columns
 * and both actions.  Everything is spelled in B's names: p maps k's own
 * table from A (NULL: k is in B), and a foreign key of A into a renamed
 * table or column is mapped through that table's pair, so a rename alone
 * changes no constraint.  A column B lacks spells "?dropped", which
 * matches nothing: the constraint is dropped.  Arena string (NULL when
 * out of memory).
 */
static const char *constraint_sig(differ *x, const mcc_table *t, const mcc_constraint *k, const mcc_table_pair *p)
{
    mcc_buf b = {0};
    mcc_buf_printf(&b, "%d|%s|", (int)k->kind, k->name ? k->name : "");
    if (k->kind == MCC_C_CHECK) {
        mcc_buf_put(&b, k->check ? k->check : "");
    } else {
        col_list_sig(&b, t, k->cols, k->ncols, p);
    }
    if (k->kind == MCC_C_FOREIGN_KEY) {
        const char *rt = k->ref_table;
        const mcc_table_pair *rp = NULL;
        if (p) {
            rp = pair_of_a(x->d, rt);
            if (rp)
                rt = rp->to->name;
        }
        mcc_buf_printf(&b, "->%s(", rt);
        for (size_t i = 0; i < k->nref; i++) {
            const char *c = rp ? map_col(rp, k->ref_cols[i]) : k->ref_cols[i];
            mcc_buf_printf(&b, "%s%s", i ? "," : "", c ? c : "?");
        }
        mcc_buf_printf(&b, ")%d,%d", (int)norm_action(k->on_delete), (int)norm_action(k->on_update));
    }
    const char *s = b.failed ? NULL : mcc_arena_strdup(x->a, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* "a, b": the columns cols of t, for people. */
static const char *cols_text(differ *x, const mcc_table *t, const size_t *cols, size_t n)
{
    mcc_buf b = {0};
    for (size_t i = 0; i < n; i++)
        mcc_buf_printf(&b, "%s%s", i ? ", " : "", t->columns[cols[i]].name);
    const char *s = mcc_arena_strdup(x->a, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* "add unique constraint on user (email)", "drop foreign key ...". */
static const char *constraint_text(differ *x, const char *verb, const mcc_table *t, const mcc_constraint *k)
{
    switch (k->kind) {
    case MCC_C_UNIQUE:
        return mcc_arena_printf(x->a, "%s unique constraint on %s (%s)", verb, t->name,
                               cols_text(x, t, k->cols, k->ncols));
    case MCC_C_CHECK:
        return mcc_arena_printf(x->a, "%s check constraint on %s: %s", verb, t->name, k->check);
    case MCC_C_FOREIGN_KEY: {
        mcc_buf b = {0};
        for (size_t i = 0; i < k->nref; i++)
            mcc_buf_printf(&b, "%s%s", i ? ", " : "", k->ref_cols[i]);
        const char *s = mcc_arena_printf(x->a, "%s foreign key %s (%s) -> %s (%s)%s%s%s%s", verb, t->name,
                                        cols_text(x, t, k->cols, k->ncols), k->ref_table, b.data ? b.data : "",
                                        k->on_delete ? " ON DELETE " : "",
                                        k->on_delete ? mcc_fk_action_sql(k->on_delete) : "",
                                        k->on_update ? " ON UPDATE " : "",
                                        k->on_update ? mcc_fk_action_sql(k->on_update) : "");
        mcc_buf_free(&b);
        return s;
    }
    }
    return verb;
}

/* ---- one table pair, in steps ----------------------------------------------- */

/* Both schemas know model and field names (a snapshot or a .model), so a
 * renamed model or field (same table or column) is an op of its own. */
static bool named(const differ *x)
{
    return !x->sa->sql_only && !x->sb->sql_only;
}

/* Both schemas know which columns are enums, and their values: a
 * snapshot or a .model, or a database with enum types of its own. */
static bool enums_known(const differ *x)
{
    return (!x->sa->sql_only || x->sa->native_enums) && (!x->sb->sql_only || x->sb->native_enums);
}

/* Step 1 of diff_pair: a renamed model; per column of B, an added
 * column, a renamed field, a renamed column. */
static void pair_names(differ *x, const mcc_table_pair *p)
{
    const mcc_table *ta = p->from, *tb = p->to;
    if (named(x) && strcmp(ta->name, tb->name) == 0 && !same_name(ta->model, tb->model)) {
        mcc_op *o = op(x, MCC_OP_RENAME_MODEL, ta, tb);
        if (o)
            o->text = mcc_arena_printf(x->a, "rename model %s to %s (table %s stays)", ta->model, tb->model, tb->name);
    }
    for (size_t j = 0; j < tb->ncolumns; j++) {
        const mcc_column *cb = &tb->columns[j];
        const char *src = p->source[j];
        mcc_op *o;
        if (!src) {
            if ((o = col_op(x, MCC_OP_ADD_COLUMN, p, NULL, cb)))
                o->text = mcc_arena_printf(x->a, "add column %s.%s", tb->name, cb->name);
            continue;
        }
        const mcc_column *ca = mcc_table_column(ta, src);
        if (named(x) && strcmp(src, cb->name) == 0 && !same_name(ca->field, cb->field) &&
            (o = col_op(x, MCC_OP_RENAME_FIELD, p, ca, cb)))
            o->text = mcc_arena_printf(x->a, "rename field %s.%s to %s (column %s stays)", tb->model, ca->field,
                                      cb->field, cb->name);
        if (strcmp(src, cb->name) != 0 && (o = col_op(x, MCC_OP_RENAME_COLUMN, p, ca, cb)))
            o->text = mcc_arena_printf(x->a, "rename column %s.%s to %s", tb->name, src, cb->name);
    }
}

/* Step 2: the columns of A that no column of B comes from. */
static void pair_column_drops(differ *x, const mcc_table_pair *p)
{
    for (size_t i = 0; i < p->from->ncolumns; i++) {
        const mcc_column *ca = &p->from->columns[i];
        mcc_op *o;
        if (map_col(p, ca->name) || !(o = col_op(x, MCC_OP_DROP_COLUMN, p, ca, NULL)))
            continue;
        o->data_loss = true;
        o->text = mcc_arena_printf(x->a, "drop column %s.%s", p->to->name, ca->name);
        o->loss = mcc_arena_printf(x->a, "drops column %s.%s", p->to->name, ca->name);
    }
}

/*
 * Step 3a: a changed type of a kept column ca -> cb: the SQL type, or,
 * where both sides know them, the enum's values or its name (VARCHAR(n)
 * may stay).
 * It loses data when the type narrows or values go (rows holding them
 * are no longer valid), and says which.
 */
static void column_type(differ *x, const mcc_table_pair *p, const mcc_column *ca, const mcc_column *cb)
{
    const mcc_table *tb = p->to;
    bool enums = enums_known(x) && enum_changed(ca, cb), same = same_type(ca, cb);
    bool renamed = enums_known(x) && enum_renamed(ca, cb);
    mcc_op *o;
    if ((!enums && !renamed && same) || !(o = col_op(x, MCC_OP_ALTER_TYPE, p, ca, cb)))
        return;
    if (renamed && same) {
        o->text = mcc_arena_printf(x->a, "change the enum of %s.%s from %s to %s (the same values)", tb->name,
                                  cb->name, ca->enum_type->name, cb->enum_type->name);
        return;
    }
    const char *lost = enums ? mcc_enum_lost(ca, cb, x->a) : NULL;
    o->data_loss = mcc_type_narrows(ca, cb) || lost;
    if (!same)
        o->text = mcc_arena_printf(x->a, "change type of %s.%s from %s to %s%s%s%s", tb->name, cb->name, ca->sql_type,
                                  cb->sql_type, enums ? " (" : "", enums ? enum_change_text(x->a, ca, cb) : "",
                                  enums ? ")" : "");
    else
        o->text = mcc_arena_printf(x->a, "change the values of %s.%s (%s)", tb->name, cb->name,
                                  enum_change_text(x->a, ca, cb));
    if (lost && ca->type == MCC_T_ENUM)
        o->loss = mcc_arena_printf(x->a, "removes %s from enum %s of %s.%s: rows holding %s are no longer valid", lost,
                                  cb->enum_type->name, tb->name, cb->name, strchr(lost, ',') ? "them" : "it");
    else if (lost)
        o->loss = mcc_arena_printf(x->a, "turns %s.%s into enum %s: rows holding %s are no longer valid", tb->name,
                                  cb->name, cb->enum_type->name, lost);
    else if (o->data_loss)
        o->loss = mcc_arena_printf(x->a, "narrows %s.%s from %s to %s", tb->name, cb->name, ca->sql_type,
                                  cb->sql_type);
}

/* See diff.h.  Only integers differ: their widths (types.def's pgbits)
 * are 16, 32 and 64 bits there, where SQLite and the C side have Integer
 * and BigInteger alike (int_rank). */
void mcc_diff_for_postgresql(mcc_diff *d, mcc_arena *arena)
{
    for (size_t i = 0; i < d->nops; i++) {
        mcc_op *o = &d->ops[i];
        if (o->kind != MCC_OP_ALTER_TYPE || o->data_loss || !o->col_from || !o->col_to)
            continue;
        const mcc_column *ca = o->col_from, *cb = o->col_to;
        if (ca->type >= MCC_T__COUNT || cb->type >= MCC_T__COUNT || fam(ca->type) != MCC_FAM_INT ||
            fam(cb->type) != MCC_FAM_INT || mcc_types[cb->type].pgbits >= mcc_types[ca->type].pgbits)
            continue;
        o->data_loss = true;
        o->loss = mcc_arena_printf(arena, "narrows %s.%s from %s to %s", o->to->name, cb->name, ca->sql_type,
                                  cb->sql_type);
    }
}

/* Step 3b: nullability, server default, column CHECK, autoincrement of a
 * kept column ca -> cb. */
static void column_attributes(differ *x, const mcc_table_pair *p, const mcc_column *ca, const mcc_column *cb)
{
    const char *t = p->to->name, *c = cb->name;
    mcc_op *o;
    if (ca->nullable != cb->nullable && (o = col_op(x, MCC_OP_ALTER_NULLABLE, p, ca, cb)))
        o->text = mcc_arena_printf(x->a, "make %s.%s %s", t, c, cb->nullable ? "nullable" : "NOT NULL");
    if (!same_name(ca->server_default, cb->server_default) && (o = col_op(x, MCC_OP_ALTER_DEFAULT, p, ca, cb))) {
        if (!ca->server_default)
            o->text = mcc_arena_printf(x->a, "add server default %s to %s.%s", cb->server_default, t, c);
        else if (!cb->server_default)
            o->text = mcc_arena_printf(x->a, "drop server default %s of %s.%s", ca->server_default, t, c);
        else
            o->text = mcc_arena_printf(x->a, "change server default of %s.%s from %s to %s", t, c, ca->server_default,
                                      cb->server_default);
    }
    if (!same_name(ca->check, cb->check) && (o = col_op(x, MCC_OP_ALTER_CHECK, p, ca, cb)))
        o->text = !ca->check   ? mcc_arena_printf(x->a, "add check on %s.%s: %s", t, c, cb->check)
                  : !cb->check ? mcc_arena_printf(x->a, "drop check on %s.%s: %s", t, c, ca->check)
                               : mcc_arena_printf(x->a, "change check on %s.%s from %s to %s", t, c, ca->check,
                                                 cb->check);
    if (ca->autoincrement != cb->autoincrement && (o = col_op(x, MCC_OP_ALTER_AUTOINCREMENT, p, ca, cb)))
        o->text = mcc_arena_printf(x->a, "%s autoincrement on %s.%s", cb->autoincrement ? "add" : "drop", t, c);
}

/* Step 3: every kept column's changes, in B's column order. */
static void pair_column_changes(differ *x, const mcc_table_pair *p)
{
    for (size_t j = 0; j < p->to->ncolumns; j++) {
        if (!p->source[j])
            continue;
        const mcc_column *ca = mcc_table_column(p->from, p->source[j]), *cb = &p->to->columns[j];
        column_type(x, p, ca, cb);
        column_attributes(x, p, ca, cb);
    }
}

/* Step 4: the primary key, as its column list in B's names. */
static void pair_primary_key(differ *x, const mcc_table_pair *p)
{
    const mcc_table *ta = p->from, *tb = p->to;
    mcc_buf sa = {0}, sb = {0};
    col_list_sig(&sa, ta, ta->pk, ta->npk, p);
    col_list_sig(&sb, tb, tb->pk, tb->npk, NULL);
    mcc_op *o;
    if (!same_name(sa.data, sb.data) && (o = op(x, MCC_OP_ALTER_PK, ta, tb)))
        o->text = mcc_arena_printf(x->a, "change primary key of %s from (%s) to (%s)", tb->name,
                                  cols_text(x, ta, ta->pk, ta->npk), cols_text(x, tb, tb->pk, tb->npk));
    mcc_buf_free(&sa);
    mcc_buf_free(&sb);
}

/* The index of t named name, or NULL. */
static const mcc_index *index_named(const mcc_table *t, const char *name)
{
    const mcc_index *found = NULL;
    for (size_t i = 0; i < t->nindexes; i++)
        if (strcmp(t->indexes[i].name, name) == 0)
            found = &t->indexes[i];
    return found;
}

/* Is index ia of A the same as ib of B: uniqueness and the columns, in
 * order, in B's names? */
static bool same_index(const mcc_table_pair *p, const mcc_index *ia, const mcc_index *ib)
{
    if (!ib || ib->unique != ia->unique || ib->ncols != ia->ncols)
        return false;
    for (size_t c = 0; c < ia->ncols; c++) {
        const char *na = map_col(p, p->from->columns[ia->cols[c]].name);
        if (!na || strcmp(na, p->to->columns[ib->cols[c]].name) != 0)
            return false;
    }
    return true;
}

/* Step 5: indexes, matched by name: one of A that B lacks or has
 * otherwise is dropped; one of B that A lacks, or whose A namesake was
 * just dropped, is added (a change is a drop and an add). */
static void pair_indexes(differ *x, const mcc_table_pair *p)
{
    const mcc_table *ta = p->from, *tb = p->to;
    for (size_t i = 0; i < ta->nindexes; i++) {
        const mcc_index *ia = &ta->indexes[i];
        mcc_op *o;
        if (same_index(p, ia, index_named(tb, ia->name)) || !(o = op(x, MCC_OP_DROP_INDEX, ta, tb)))
            continue;
        o->index = ia;
        o->text = mcc_arena_printf(x->a, "drop %sindex %s on %s (%s)", ia->unique ? "unique " : "", ia->name, tb->name,
                                  cols_text(x, ta, ia->cols, ia->ncols));
    }
    for (size_t j = 0; j < tb->nindexes; j++) {
        const mcc_index *ib = &tb->indexes[j];
        const mcc_index *ia = index_named(ta, ib->name);
        bool kept = ia != NULL;
        for (size_t i = p->first_op; kept && i < x->d->nops; i++)
            if (x->d->ops[i].kind == MCC_OP_DROP_INDEX && x->d->ops[i].index == ia)
                kept = false;
        mcc_op *o;
        if (kept || !(o = op(x, MCC_OP_ADD_INDEX, ta, tb)))
            continue;
        o->index = ib;
        o->text = mcc_arena_printf(x->a, "add %sindex %s on %s (%s)", ib->unique ? "unique " : "", ib->name, tb->name,
                                  cols_text(x, tb, ib->cols, ib->ncols));
    }
}

/* Step 6: UNIQUE, CHECK and FOREIGN KEY constraints as multisets of
 * signatures (constraint_sig): each of A matches at most one equal one of
 * B; the unmatched of A are dropped, the unmatched of B added.  -1 when
 * out of memory. */
static int pair_constraints(differ *x, const mcc_table_pair *p)
{
    const mcc_table *ta = p->from, *tb = p->to;
    const char **sa = mcc_arena_alloc(x->a, (ta->nconstraints + 1) * sizeof *sa);
    const char **sb = mcc_arena_alloc(x->a, (tb->nconstraints + 1) * sizeof *sb);
    bool *used_b = mcc_arena_alloc(x->a, (tb->nconstraints + 1) * sizeof *used_b);
    bool *used_a = mcc_arena_alloc(x->a, (ta->nconstraints + 1) * sizeof *used_a);
    if (!sa || !sb || !used_a || !used_b)
        return -1;
    for (size_t i = 0; i < ta->nconstraints; i++)
        if (!(sa[i] = constraint_sig(x, ta, &ta->constraints[i], p)))
            return -1;
    for (size_t j = 0; j < tb->nconstraints; j++)
        if (!(sb[j] = constraint_sig(x, tb, &tb->constraints[j], NULL)))
            return -1;
    for (size_t i = 0; i < ta->nconstraints; i++)
        for (size_t j = 0; j < tb->nconstraints; j++)
            if (!used_b[j] && strcmp(sa[i], sb[j]) == 0) {
                used_b[j] = used_a[i] = true;
                break;
            }
    for (size_t i = 0; i < ta->nconstraints; i++) {
        mcc_op *o;
        if (used_a[i] || !(o = op(x, MCC_OP_DROP_CONSTRAINT, ta, tb)))
            continue;
        o->constraint = &ta->constraints[i];
        o->text = constraint_text(x, "drop", ta, o->constraint);
    }
    for (size_t j = 0; j < tb->nconstraints; j++) {
        mcc_op *o;
        if (used_b[j] || !(o = op(x, MCC_OP_ADD_CONSTRAINT, ta, tb)))
            continue;
        o->constraint = &tb->constraints[j];
        o->text = constraint_text(x, "add", tb, o->constraint);
    }
    return 0;
}

/* The ops of one kept table, in the order the planner and people read
 * them: names, dropped columns, changed columns, primary key, indexes,
 * constraints.  p->first_op / nops say where they are.  -1 when out of
 * memory. */
static int diff_pair(differ *x, mcc_table_pair *p)
{
    p->first_op = x->d->nops;
    pair_names(x, p);
    pair_column_drops(x, p);
    pair_column_changes(x, p);
    pair_primary_key(x, p);
    pair_indexes(x, p);
    int rc = pair_constraints(x, p);
    p->nops = x->d->nops - p->first_op;
    return rc;
}

/* ---- the schemas, in steps ------------------------------------------------------ */

/* B's table i in creation order (the order CREATE TABLE must run). */
static const mcc_table *created(const mcc_schema *s, size_t i)
{
    return s->create_order ? s->create_order[i] : s->tables[i];
}

/* Step 1 of mcc_diff_schemas: for each table of B, the table of A it
 * keeps -- same name, else an applicable rename -- or NULL (new). */
static const mcc_table **match_tables(differ *x)
{
    const mcc_schema *a = x->sa, *b = x->sb;
    const mcc_table **from_of = mcc_arena_alloc(x->a, (b->ntables + 1) * sizeof *from_of);
    for (size_t i = 0; from_of && i < b->ntables; i++) {
        const mcc_table *tb = b->tables[i];
        const mcc_table *ta = mcc_schema_table(a, tb->name);
        if (!ta) {
            const char *old = table_renamed_from(x->ren, tb->name);
            if (old && !mcc_schema_table(b, old))
                ta = mcc_schema_table(a, old);
        }
        from_of[i] = ta;
    }
    return from_of;
}

/* The table of A that B's table tb keeps, or NULL. */
static const mcc_table *source_of(differ *x, const mcc_table **from_of, const mcc_table *tb)
{
    for (size_t j = 0; j < x->sb->ntables; j++)
        if (x->sb->tables[j] == tb)
            return from_of[j];
    return NULL;
}

/* Step 2: drops, renames and creates of whole tables.  Drops come
 * children first (A's creation order, backwards), creates parents first
 * (B's).  -1 when out of memory. */
static int diff_tables(differ *x, const mcc_table **from_of)
{
    const mcc_schema *a = x->sa, *b = x->sb;
    for (size_t i = a->ntables; i-- > 0;) {
        const mcc_table *ta = created(a, i);
        bool kept = false;
        for (size_t j = 0; j < b->ntables; j++)
            kept |= from_of[j] == ta;
        if (kept)
            continue;
        mcc_op *o = op(x, MCC_OP_DROP_TABLE, ta, NULL);
        if (!o)
            return -1;
        o->data_loss = true;
        o->text = mcc_arena_printf(x->a, "drop table %s", ta->name);
        o->loss = mcc_arena_printf(x->a, "drops table %s and all its rows", ta->name);
    }
    for (size_t i = 0; i < b->ntables; i++) {
        const mcc_table *tb = b->tables[i];
        if (!from_of[i] || strcmp(from_of[i]->name, tb->name) == 0)
            continue;
        mcc_op *o = op(x, MCC_OP_RENAME_TABLE, from_of[i], tb);
        if (!o)
            return -1;
        o->text = mcc_arena_printf(x->a, "rename table %s to %s", from_of[i]->name, tb->name);
    }
    for (size_t i = 0; i < b->ntables; i++) {
        const mcc_table *tb = created(b, i);
        if (mcc_schema_table(a, tb->name) || source_of(x, from_of, tb))
            continue;
        mcc_op *o = op(x, MCC_OP_CREATE_TABLE, NULL, tb);
        if (!o)
            return -1;
        o->text = mcc_arena_printf(x->a, "add table %s", tb->name);
    }
    return 0;
}

/* Step 3: the kept tables as pairs, in B's creation order, each with the
 * column of A every column of B comes from (same name, else an
 * applicable rename).  All pairs exist before any is diffed: a foreign
 * key's signature maps through the pair of the table it references.  -1
 * when out of memory. */
static int match_pairs(differ *x, const mcc_table **from_of)
{
    const mcc_schema *b = x->sb;
    mcc_diff *out = x->d;
    out->pairs = mcc_arena_alloc(x->a, (b->ntables + 1) * sizeof *out->pairs);
    if (!out->pairs)
        return -1;
    for (size_t i = 0; i < b->ntables; i++) {
        const mcc_table *tb = created(b, i);
        const mcc_table *ta = source_of(x, from_of, tb);
        if (!ta)
            continue;
        mcc_table_pair *p = &out->pairs[out->npairs++];
        p->from = ta;
        p->to = tb;
        p->source = mcc_arena_alloc(x->a, (tb->ncolumns + 1) * sizeof *p->source);
        if (!p->source)
            return -1;
        for (size_t j = 0; j < tb->ncolumns; j++) {
            const mcc_column *cb = &tb->columns[j];
            if (mcc_table_column(ta, cb->name)) {
                p->source[j] = cb->name;
                continue;
            }
            const char *old = column_renamed_from(x->ren, tb->name, cb->name);
            if (old && mcc_table_column(ta, old) && !mcc_table_column(tb, old))
                p->source[j] = mcc_table_column(ta, old)->name;
        }
    }
    return 0;
}

/* See diff.h.  In steps: match B's tables to A's, whole-table ops,
 * pairs with their column sources, then each pair's ops. */
int mcc_diff_schemas(const mcc_schema *a, const mcc_schema *b, const mcc_renames *ren, mcc_arena *arena, mcc_diff *out)
{
    memset(out, 0, sizeof *out);
    differ x = {arena, a, b, ren, out, 0};
    const mcc_table **from_of = match_tables(&x);
    if (!from_of || diff_tables(&x, from_of) || match_pairs(&x, from_of))
        return -1;
    for (size_t i = 0; i < out->npairs; i++)
        if (diff_pair(&x, &out->pairs[i]))
            return -1;
    return 0;
}
