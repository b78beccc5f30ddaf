/* diff.c -- see diff.h. */
#include "diff.h"
#include "buf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- renames -------------------------------------------------------------- */

static void push_rename(mc_arena *arena, mc_renames *r, size_t *cap, const char *table, const char *from,
                        const char *to)
{
    if (r->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        mc_rename *v = mc_arena_alloc(arena, nc * sizeof *v);
        if (!v)
            return;
        if (r->n)
            memcpy(v, r->v, r->n * sizeof *v);
        r->v = v;
        *cap = nc;
    }
    r->v[r->n++] = (mc_rename){table, from, to};
}

/* Equal strings, NULL equal only to NULL. */
static int same_name(const char *x, const char *y)
{
    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

static const char *table_renamed_from(const mc_renames *r, const char *b_name)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (!r->v[i].table && strcmp(r->v[i].to, b_name) == 0)
            return r->v[i].from;
    return NULL;
}

static const char *column_renamed_from(const mc_renames *r, const char *b_table, const char *b_col)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (r->v[i].table && strcmp(r->v[i].table, b_table) == 0 && strcmp(r->v[i].to, b_col) == 0)
            return r->v[i].from;
    return NULL;
}

/* Records an unresolved hint: message and hint, both in the arena. */
static void push_error(mc_arena *arena, mc_renames *r, size_t *cap, const char *message, const char *hint)
{
    if (r->nerrors == *cap) {
        size_t nc = *cap ? 2 * *cap : 4;
        const char **e = mc_arena_alloc(arena, nc * sizeof *e);
        const char **h = mc_arena_alloc(arena, nc * sizeof *h);
        if (!e || !h)
            return;
        if (r->nerrors) {
            memcpy(e, r->errors, r->nerrors * sizeof *e);
            memcpy(h, r->hints, r->nerrors * sizeof *h);
        }
        r->errors = e;
        r->hints = h;
        *cap = nc;
    }
    r->errors[r->nerrors] = message;
    r->hints[r->nerrors++] = hint;
}

/* The table of A holding model `model`; only A with a snapshot knows. */
static const mc_table *model_in(const mc_schema *a, const char *model)
{
    for (size_t i = 0; model && !a->sql_only && i < a->ntables; i++)
        if (a->tables[i]->model && strcmp(a->tables[i]->model, model) == 0)
            return a->tables[i];
    return NULL;
}

/* The column of t holding field `field`. */
static const mc_column *field_in(const mc_table *t, const char *field)
{
    for (size_t i = 0; field && i < t->ncolumns; i++)
        if (t->columns[i].field && strcmp(t->columns[i].field, field) == 0)
            return &t->columns[i];
    return NULL;
}

/* Has a rename already taken A's table (columns: of B's table) `from`? */
static int taken(const mc_renames *r, const char *table, const char *from)
{
    for (size_t i = 0; i < r->n; i++)
        if (same_name(r->v[i].table, table) && strcmp(r->v[i].from, from) == 0)
            return 1;
    return 0;
}

/* "A, B, C" (models of A, or its tables when it knows no models). */
static const char *model_list(const mc_schema *a, mc_arena *arena)
{
    mc_buf b = {0};
    for (size_t i = 0; i < a->ntables; i++)
        mc_buf_printf(&b, "%s%s", i ? ", " : "", a->sql_only ? a->tables[i]->name : a->tables[i]->model);
    const char *s = mc_arena_strdup(arena, b.len ? b.data : "none");
    mc_buf_free(&b);
    return s;
}

/* The table of A that B's table tb (absent from A by name) comes from, or NULL. */
static const mc_table *table_source(const mc_schema *a, const mc_schema *b, const mc_table *tb, mc_arena *arena,
                                    mc_renames *out, size_t *ecap)
{
    const mc_table *old = model_in(a, tb->model);
    if (old && !mc_schema_table(b, old->name) && !taken(out, NULL, old->name))
        return old;
    if (!tb->renamed_from)
        return NULL;
    const mc_table *cand = model_in(a, tb->renamed_from);
    if (!cand) {
        /* A history without a snapshot: the old model's default table name. */
        cand = mc_schema_table(a, tb->renamed_from_table);
        if (!cand && a->sql_only)
            cand = mc_schema_table(a, tb->renamed_from);  /* ... or the old table's own name */
        if (cand && !a->sql_only && cand->model && strcmp(cand->model, cand->name) != 0 &&
            strcmp(cand->model, tb->renamed_from) != 0)
            cand = NULL;
    }
    if (!cand) {
        push_error(arena, out, ecap,
                   mc_arena_printf(arena, "model %s: renamed_from(%s) names no model of the migrations' schema",
                                   tb->model, tb->renamed_from),
                   a->sql_only
                       ? mc_arena_printf(arena,
                                         "these migrations predate the model names in their headers, so the old "
                                         "model is looked up by table: %s; name the old table, or, if %s is new, "
                                         "remove renamed_from",
                                         model_list(a, arena), tb->model)
                       : mc_arena_printf(arena, "the migrations have the models %s; if %s is new, remove renamed_from",
                                         model_list(a, arena), tb->model));
        return NULL;
    }
    if (mc_schema_table(b, cand->name) || taken(out, NULL, cand->name)) {
        push_error(arena, out, ecap,
                   mc_arena_printf(arena, "model %s: renamed_from(%s), but table %s of model %s is still in the schema",
                                   tb->model, tb->renamed_from, cand->name, cand->model),
                   mc_arena_printf(arena, "a model is renamed once; remove renamed_from(%s) or the other model",
                                   tb->renamed_from));
        return NULL;
    }
    return cand;
}

/* The column of ta that cb of tb (absent from ta by name) comes from, or NULL. */
static const mc_column *column_source(const mc_schema *a, const mc_table *ta, const mc_table *tb,
                                      const mc_column *cb, mc_arena *arena, mc_renames *out, size_t *ecap)
{
    const mc_column *old = a->sql_only ? NULL : field_in(ta, cb->field);
    if (old && !mc_table_column(tb, old->name) && !taken(out, tb->name, old->name))
        return old;
    if (!cb->renamed_from)
        return NULL;
    const mc_column *cand = field_in(ta, cb->renamed_from);
    if (!cand)
        cand = mc_table_column(ta, cb->renamed_from);
    if (!cand) {
        push_error(arena, out, ecap,
                   mc_arena_printf(arena, "%s.%s: renamed_from(%s) names no column of table %s in the migrations' schema",
                                   tb->model, cb->field, cb->renamed_from, ta->name),
                   mc_arena_printf(arena, "if %s is a new field, remove renamed_from", cb->field));
        return NULL;
    }
    if (mc_table_column(tb, cand->name) || taken(out, tb->name, cand->name)) {
        push_error(arena, out, ecap,
                   mc_arena_printf(arena, "%s.%s: renamed_from(%s), but column %s.%s is still in the schema",
                                   tb->model, cb->field, cb->renamed_from, tb->name, cand->name),
                   mc_arena_printf(arena, "remove renamed_from(%s) or the other field", cb->renamed_from));
        return NULL;
    }
    return cand;
}

void mc_renames_from_hints(const mc_schema *a, const mc_schema *b, mc_arena *arena, mc_renames *out)
{
    size_t cap = 0, ecap = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < b->ntables; i++) {
        const mc_table *tb = b->tables[i];
        const mc_table *ta = mc_schema_table(a, tb->name);
        if (!ta && (ta = table_source(a, b, tb, arena, out, &ecap)))
            push_rename(arena, out, &cap, NULL, ta->name, tb->name);
        if (!ta)
            continue;   /* a new table: its columns' hints have nothing to name */
        for (size_t j = 0; j < tb->ncolumns; j++) {
            const mc_column *c = &tb->columns[j];
            if (mc_table_column(ta, c->name))
                continue;   /* kept (a hint here is stale) */
            const mc_column *old = column_source(a, ta, tb, c, arena, out, &ecap);
            if (old)
                push_rename(arena, out, &cap, tb->name, old->name, c->name);
        }
    }
}

void mc_renames_invert(const mc_renames *r, mc_arena *arena, mc_renames *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; r && i < r->n; i++) {
        const mc_rename *x = &r->v[i];
        if (!x->table) {
            push_rename(arena, out, &cap, NULL, x->to, x->from);
        } else {
            const char *old_table = table_renamed_from(r, x->table);
            push_rename(arena, out, &cap, old_table ? old_table : x->table, x->to, x->from);
        }
    }
}

/* ---- types ---------------------------------------------------------------- */

static void norm_type(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; s && *s && o + 1 < cap; s++)
        if (*s != ' ')
            out[o++] = (char)toupper((unsigned char)*s);
    out[o] = '\0';
}

static int same_type(const mc_column *x, const mc_column *y)
{
    char a[256], b[256];
    norm_type(x->sql_type, a, sizeof a);
    norm_type(y->sql_type, b, sizeof b);
    return strcmp(a, b) == 0;
}

/* See diff.h. */
int mc_same_sql_type(const mc_column *x, const mc_column *y)
{
    return same_type(x, y);
}

/* The family a type converts within without loss (types.def's fam
 * column; an enum is text).  A change across families may lose data
 * unless mc_type_narrows lists it as widening. */
static mc_type_family fam(mc_type_id t)
{
    return mc_types[t].fam;
}

/* An integer type's place in the order of widths the C side sees:
 * SmallInteger (int32_t) below Integer and BigInteger (both int64_t, and
 * both 64-bit in SQLite), so only a change down to SmallInteger narrows.
 * PostgreSQL's widths differ (types.def's pgbits). */
static int int_rank(mc_type_id t)
{
    return strcmp(mc_types[t].ctype, "int32_t") == 0 ? 1 : 2;
}

/* Length of a string type: 0 unbounded. */
static int str_len(const mc_column *c)
{
    if (c->type == MC_T_STRING || c->type == MC_T_ENUM)
        return c->length;
    return 0;
}

int mc_type_narrows(const mc_column *from, const mc_column *to)
{
    if (same_type(from, to))
        return 0;
    mc_type_family f = fam(from->type), t = fam(to->type);
    if (t == MC_FAM_STR) {
        if (to->type == MC_T_JSON && from->type != MC_T_JSON)
            return 1;   /* not every text is JSON */
        int n = str_len(to);
        if (n == 0)
            return 0;   /* unbounded text holds anything */
        if (f == MC_FAM_STR)
            return str_len(from) == 0 || str_len(from) > n;
        return 1;
    }
    if (f == t) {
        switch (f) {
        case MC_FAM_INT: return int_rank(to->type) < int_rank(from->type);
        case MC_FAM_NUM:
            return to->precision - to->scale < from->precision - from->scale || to->scale < from->scale;
        case MC_FAM_TIME: return 1;
        default: return 0;
        }
    }
    if (f == MC_FAM_BOOL && (t == MC_FAM_INT || t == MC_FAM_REAL || t == MC_FAM_NUM))
        return 0;
    if (f == MC_FAM_INT && (t == MC_FAM_REAL || t == MC_FAM_NUM))
        return 0;
    return 1;
}

/* Is v one of e's values? */
static int has_value(const mc_enum *e, const char *v)
{
    for (size_t i = 0; i < e->nvalues; i++)
        if (strcmp(e->values[i], v) == 0)
            return 1;
    return 0;
}

const char *mc_enum_lost(const mc_column *from, const mc_column *to, mc_arena *arena)
{
    if (to->type != MC_T_ENUM || !to->enum_type)
        return NULL;
    mc_buf b = {0};
    if (from->type != MC_T_ENUM || !from->enum_type) {
        mc_buf_put(&b, "any value but ");
        for (size_t i = 0; i < to->enum_type->nvalues; i++)
            mc_buf_printf(&b, "%s'%s'", i ? ", " : "", to->enum_type->values[i]);
    } else {
        for (size_t i = 0; i < from->enum_type->nvalues; i++)
            if (!has_value(to->enum_type, from->enum_type->values[i]))
                mc_buf_printf(&b, "%s'%s'", b.len ? ", " : "", from->enum_type->values[i]);
    }
    const char *s = b.len ? mc_arena_strdup(arena, b.data) : NULL;
    mc_buf_free(&b);
    return s;
}

/* Do two enum columns (or an enum and a plain one) differ in their values? */
static int enum_changed(const mc_column *x, const mc_column *y)
{
    int ex = x->type == MC_T_ENUM && x->enum_type, ey = y->type == MC_T_ENUM && y->enum_type;
    if (ex != ey)
        return 1;
    if (!ex)
        return 0;
    if (x->enum_type->nvalues != y->enum_type->nvalues)
        return 1;
    for (size_t i = 0; i < x->enum_type->nvalues; i++)
        if (!has_value(y->enum_type, x->enum_type->values[i]))
            return 1;
    return 0;
}

/* What an enum change does: "adds 'c'; removes 'a'", "now enum Status", "no longer an enum". */
static const char *enum_change_text(mc_arena *a, const mc_column *from, const mc_column *to)
{
    int ef = from->type == MC_T_ENUM && from->enum_type, et = to->type == MC_T_ENUM && to->enum_type;
    if (!ef)
        return mc_arena_printf(a, "now enum %s", to->enum_type->name);
    if (!et)
        return mc_arena_printf(a, "no longer enum %s", from->enum_type->name);
    const char *added = mc_enum_lost(to, from, a), *removed = mc_enum_lost(from, to, a);
    return mc_arena_printf(a, "enum %s%s%s%s%s", to->enum_type->name, added ? ": adds " : "", added ? added : "",
                           removed ? (added ? "; removes " : ": removes ") : "", removed ? removed : "");
}

/* ---- the diff ------------------------------------------------------------- */

typedef struct differ {
    mc_arena *a;
    const mc_schema *sa, *sb;
    const mc_renames *ren;
    mc_diff *d;
    size_t cap;
} differ;

static mc_op *op(differ *x, mc_op_kind kind, const mc_table *from, const mc_table *to)
{
    mc_diff *d = x->d;
    if (d->nops == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 16;
        mc_op *v = mc_arena_alloc(x->a, nc * sizeof *v);
        if (!v)
            return NULL;
        if (d->nops)
            memcpy(v, d->ops, d->nops * sizeof *v);
        d->ops = v;
        x->cap = nc;
    }
    mc_op *o = &d->ops[d->nops++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->from = from;
    o->to = to;
    return o;
}

/* The pair a table of A went to; NULL when dropped. */
static const mc_table_pair *pair_of_a(const mc_diff *d, const char *a_name)
{
    for (size_t i = 0; i < d->npairs; i++)
        if (strcmp(d->pairs[i].from->name, a_name) == 0)
            return &d->pairs[i];
    return NULL;
}

/* A column name of pair->from in B's naming; NULL when dropped. */
static const char *map_col(const mc_table_pair *p, const char *a_col)
{
    if (!p)
        return a_col;
    for (size_t i = 0; i < p->to->ncolumns; i++)
        if (p->source[i] && strcmp(p->source[i], a_col) == 0)
            return p->to->columns[i].name;
    return NULL;
}

static const char *col_list_sig(mc_buf *b, const mc_table *t, const size_t *cols, size_t n,
                                const mc_table_pair *p)
{
    mc_buf_putc(b, '(');
    for (size_t i = 0; i < n; i++) {
        const char *name = t->columns[cols[i]].name;
        if (p)
            name = map_col(p, name);
        mc_buf_printf(b, "%s%s", i ? "," : "", name ? name : "?dropped");
    }
    mc_buf_putc(b, ')');
    return NULL;
}

static mc_fk_action norm_action(mc_fk_action a)
{
    return a == MC_FK_NO_ACTION ? MC_FK_NONE : a;
}

/* A constraint's identity, in B's names; p maps A names (NULL: k is in B). */
static const char *constraint_sig(differ *x, const mc_table *t, const mc_constraint *k, const mc_table_pair *p)
{
    mc_buf b = {0};
    mc_buf_printf(&b, "%d|%s|", (int)k->kind, k->name ? k->name : "");
    if (k->kind == MC_C_CHECK) {
        mc_buf_put(&b, k->check ? k->check : "");
    } else {
        col_list_sig(&b, t, k->cols, k->ncols, p);
    }
    if (k->kind == MC_C_FOREIGN_KEY) {
        const char *rt = k->ref_table;
        const mc_table_pair *rp = NULL;
        if (p) {
            rp = pair_of_a(x->d, rt);
            if (rp)
                rt = rp->to->name;
        }
        mc_buf_printf(&b, "->%s(", rt);
        for (size_t i = 0; i < k->nref; i++) {
            const char *c = rp ? map_col(rp, k->ref_cols[i]) : k->ref_cols[i];
            mc_buf_printf(&b, "%s%s", i ? "," : "", c ? c : "?");
        }
        mc_buf_printf(&b, ")%d,%d", (int)norm_action(k->on_delete), (int)norm_action(k->on_update));
    }
    const char *s = mc_arena_strdup(x->a, b.data ? b.data : "");
    mc_buf_free(&b);
    return s;
}

static const char *cols_text(differ *x, const mc_table *t, const size_t *cols, size_t n)
{
    mc_buf b = {0};
    for (size_t i = 0; i < n; i++)
        mc_buf_printf(&b, "%s%s", i ? ", " : "", t->columns[cols[i]].name);
    const char *s = mc_arena_strdup(x->a, b.data ? b.data : "");
    mc_buf_free(&b);
    return s;
}

static const char *constraint_text(differ *x, const char *verb, const mc_table *t, const mc_constraint *k)
{
    switch (k->kind) {
    case MC_C_UNIQUE:
        return mc_arena_printf(x->a, "%s unique constraint on %s (%s)", verb, t->name,
                               cols_text(x, t, k->cols, k->ncols));
    case MC_C_CHECK:
        return mc_arena_printf(x->a, "%s check constraint on %s: %s", verb, t->name, k->check);
    case MC_C_FOREIGN_KEY: {
        mc_buf b = {0};
        for (size_t i = 0; i < k->nref; i++)
            mc_buf_printf(&b, "%s%s", i ? ", " : "", k->ref_cols[i]);
        const char *s = mc_arena_printf(x->a, "%s foreign key %s (%s) -> %s (%s)%s%s%s%s", verb, t->name,
                                        cols_text(x, t, k->cols, k->ncols), k->ref_table, b.data ? b.data : "",
                                        k->on_delete ? " ON DELETE " : "",
                                        k->on_delete ? mc_fk_action_sql(k->on_delete) : "",
                                        k->on_update ? " ON UPDATE " : "",
                                        k->on_update ? mc_fk_action_sql(k->on_update) : "");
        mc_buf_free(&b);
        return s;
    }
    }
    return verb;
}

static void diff_pair(differ *x, mc_table_pair *p)
{
    const mc_table *ta = p->from, *tb = p->to;
    int named = !x->sa->sql_only && !x->sb->sql_only;   /* both know model and field names */
    p->first_op = x->d->nops;
    if (named && strcmp(ta->name, tb->name) == 0 && !same_name(ta->model, tb->model)) {
        mc_op *o = op(x, MC_OP_RENAME_MODEL, ta, tb);
        if (o)
            o->text = mc_arena_printf(x->a, "rename model %s to %s (table %s stays)", ta->model, tb->model, tb->name);
    }
    /* Columns. */
    for (size_t j = 0; j < tb->ncolumns; j++) {
        const mc_column *cb = &tb->columns[j];
        const char *src = p->source[j];
        if (!src) {
            mc_op *o = op(x, MC_OP_ADD_COLUMN, ta, tb);
            if (o) {
                o->col_to = cb;
                o->text = mc_arena_printf(x->a, "add column %s.%s", tb->name, cb->name);
            }
            continue;
        }
        const mc_column *ca = mc_table_column(ta, src);
        if (named && strcmp(src, cb->name) == 0 && !same_name(ca->field, cb->field)) {
            mc_op *o = op(x, MC_OP_RENAME_FIELD, ta, tb);
            if (o) {
                o->col_from = ca;
                o->col_to = cb;
                o->text = mc_arena_printf(x->a, "rename field %s.%s to %s (column %s stays)", tb->model, ca->field,
                                          cb->field, cb->name);
            }
        }
        if (strcmp(src, cb->name) != 0) {
            mc_op *o = op(x, MC_OP_RENAME_COLUMN, ta, tb);
            if (o) {
                o->col_from = ca;
                o->col_to = cb;
                o->text = mc_arena_printf(x->a, "rename column %s.%s to %s", tb->name, src, cb->name);
            }
        }
    }
    for (size_t i = 0; i < ta->ncolumns; i++) {
        const mc_column *ca = &ta->columns[i];
        if (map_col(p, ca->name))
            continue;
        mc_op *o = op(x, MC_OP_DROP_COLUMN, ta, tb);
        if (o) {
            o->col_from = ca;
            o->data_loss = 1;
            o->text = mc_arena_printf(x->a, "drop column %s.%s", tb->name, ca->name);
            o->loss = mc_arena_printf(x->a, "drops column %s.%s", tb->name, ca->name);
        }
    }
    for (size_t j = 0; j < tb->ncolumns; j++) {
        const mc_column *cb = &tb->columns[j];
        if (!p->source[j])
            continue;
        const mc_column *ca = mc_table_column(ta, p->source[j]);
        mc_op *o;
        /* Enum values count where both sides know them (a snapshot or a .model). */
        int enums = !x->sa->sql_only && !x->sb->sql_only && enum_changed(ca, cb);
        if ((enums || !same_type(ca, cb)) && (o = op(x, MC_OP_ALTER_TYPE, ta, tb))) {
            const char *lost = enums ? mc_enum_lost(ca, cb, x->a) : NULL;
            o->col_from = ca;
            o->col_to = cb;
            o->data_loss = mc_type_narrows(ca, cb) || lost;
            if (!same_type(ca, cb))
                o->text = mc_arena_printf(x->a, "change type of %s.%s from %s to %s%s%s%s", tb->name, cb->name,
                                          ca->sql_type, cb->sql_type, enums ? " (" : "",
                                          enums ? enum_change_text(x->a, ca, cb) : "", enums ? ")" : "");
            else
                o->text = mc_arena_printf(x->a, "change the values of %s.%s (%s)", tb->name, cb->name,
                                          enum_change_text(x->a, ca, cb));
            if (lost && ca->type == MC_T_ENUM)
                o->loss = mc_arena_printf(x->a, "removes %s from enum %s of %s.%s: rows holding %s are no longer valid",
                                          lost, cb->enum_type->name, tb->name, cb->name,
                                          strchr(lost, ',') ? "them" : "it");
            else if (lost)
                o->loss = mc_arena_printf(x->a, "turns %s.%s into enum %s: rows holding %s are no longer valid",
                                          tb->name, cb->name, cb->enum_type->name, lost);
            else if (o->data_loss)
                o->loss = mc_arena_printf(x->a, "narrows %s.%s from %s to %s", tb->name, cb->name, ca->sql_type,
                                          cb->sql_type);
        }
        if (ca->nullable != cb->nullable && (o = op(x, MC_OP_ALTER_NULLABLE, ta, tb))) {
            o->col_from = ca;
            o->col_to = cb;
            o->text = mc_arena_printf(x->a, "make %s.%s %s", tb->name, cb->name,
                                      cb->nullable ? "nullable" : "NOT NULL");
        }
        if (!same_name(ca->server_default, cb->server_default) && (o = op(x, MC_OP_ALTER_DEFAULT, ta, tb))) {
            o->col_from = ca;
            o->col_to = cb;
            if (!ca->server_default)
                o->text = mc_arena_printf(x->a, "add server default %s to %s.%s", cb->server_default, tb->name,
                                          cb->name);
            else if (!cb->server_default)
                o->text = mc_arena_printf(x->a, "drop server default %s of %s.%s", ca->server_default,
                                          tb->name, cb->name);
            else
                o->text = mc_arena_printf(x->a, "change server default of %s.%s from %s to %s", tb->name,
                                          cb->name, ca->server_default, cb->server_default);
        }
        if (!same_name(ca->check, cb->check) && (o = op(x, MC_OP_ALTER_CHECK, ta, tb))) {
            o->col_from = ca;
            o->col_to = cb;
            o->text = !ca->check   ? mc_arena_printf(x->a, "add check on %s.%s: %s", tb->name, cb->name, cb->check)
                      : !cb->check ? mc_arena_printf(x->a, "drop check on %s.%s: %s", tb->name, cb->name, ca->check)
                                   : mc_arena_printf(x->a, "change check on %s.%s from %s to %s", tb->name,
                                                     cb->name, ca->check, cb->check);
        }
        if (ca->autoincrement != cb->autoincrement && (o = op(x, MC_OP_ALTER_AUTOINCREMENT, ta, tb))) {
            o->col_from = ca;
            o->col_to = cb;
            o->text = mc_arena_printf(x->a, "%s autoincrement on %s.%s", cb->autoincrement ? "add" : "drop",
                                      tb->name, cb->name);
        }
    }
    /* Primary key. */
    {
        mc_buf sa = {0}, sb = {0};
        col_list_sig(&sa, ta, ta->pk, ta->npk, p);
        col_list_sig(&sb, tb, tb->pk, tb->npk, NULL);
        if (!same_name(sa.data, sb.data)) {
            mc_op *o = op(x, MC_OP_ALTER_PK, ta, tb);
            if (o)
                o->text = mc_arena_printf(x->a, "change primary key of %s from (%s) to (%s)", tb->name,
                                          cols_text(x, ta, ta->pk, ta->npk), cols_text(x, tb, tb->pk, tb->npk));
        }
        mc_buf_free(&sa);
        mc_buf_free(&sb);
    }
    /* Indexes, by name. */
    for (size_t i = 0; i < ta->nindexes; i++) {
        const mc_index *ia = &ta->indexes[i];
        const mc_index *ib = NULL;
        for (size_t j = 0; j < tb->nindexes; j++)
            if (strcmp(tb->indexes[j].name, ia->name) == 0)
                ib = &tb->indexes[j];
        int same = 0;
        if (ib && ib->unique == ia->unique && ib->ncols == ia->ncols) {
            same = 1;
            for (size_t c = 0; c < ia->ncols; c++) {
                const char *na = map_col(p, ta->columns[ia->cols[c]].name);
                if (!na || strcmp(na, tb->columns[ib->cols[c]].name) != 0)
                    same = 0;
            }
        }
        if (same)
            continue;
        mc_op *o = op(x, MC_OP_DROP_INDEX, ta, tb);
        if (o) {
            o->index = ia;
            o->text = mc_arena_printf(x->a, "drop %sindex %s on %s (%s)", ia->unique ? "unique " : "", ia->name,
                                      tb->name, cols_text(x, ta, ia->cols, ia->ncols));
        }
    }
    for (size_t j = 0; j < tb->nindexes; j++) {
        const mc_index *ib = &tb->indexes[j];
        int kept = 0;
        const mc_index *ia = NULL;
        for (size_t i = 0; i < ta->nindexes; i++)
            if (strcmp(ta->indexes[i].name, ib->name) == 0)
                ia = &ta->indexes[i];
        if (ia) {
            kept = 1;
            for (size_t i = p->first_op; i < x->d->nops; i++)
                if (x->d->ops[i].kind == MC_OP_DROP_INDEX && x->d->ops[i].index == ia)
                    kept = 0;
        }
        if (kept)
            continue;
        mc_op *o = op(x, MC_OP_ADD_INDEX, ta, tb);
        if (o) {
            o->index = ib;
            o->text = mc_arena_printf(x->a, "add %sindex %s on %s (%s)", ib->unique ? "unique " : "", ib->name,
                                      tb->name, cols_text(x, tb, ib->cols, ib->ncols));
        }
    }
    /* Constraints, as multisets of signatures. */
    const char **sa = mc_arena_alloc(x->a, (ta->nconstraints + 1) * sizeof *sa);
    const char **sb = mc_arena_alloc(x->a, (tb->nconstraints + 1) * sizeof *sb);
    char *used = mc_arena_alloc(x->a, tb->nconstraints + 1);
    if (!sa || !sb || !used)
        return;
    for (size_t i = 0; i < ta->nconstraints; i++)
        sa[i] = constraint_sig(x, ta, &ta->constraints[i], p);
    for (size_t j = 0; j < tb->nconstraints; j++)
        sb[j] = constraint_sig(x, tb, &tb->constraints[j], NULL);
    char *matched_a = mc_arena_alloc(x->a, ta->nconstraints + 1);
    if (!matched_a)
        return;
    for (size_t i = 0; i < ta->nconstraints; i++)
        for (size_t j = 0; j < tb->nconstraints; j++)
            if (!used[j] && strcmp(sa[i], sb[j]) == 0) {
                used[j] = 1;
                matched_a[i] = 1;
                break;
            }
    for (size_t i = 0; i < ta->nconstraints; i++) {
        if (matched_a[i])
            continue;
        mc_op *o = op(x, MC_OP_DROP_CONSTRAINT, ta, tb);
        if (o) {
            o->constraint = &ta->constraints[i];
            o->text = constraint_text(x, "drop", ta, o->constraint);
        }
    }
    for (size_t j = 0; j < tb->nconstraints; j++) {
        if (used[j])
            continue;
        mc_op *o = op(x, MC_OP_ADD_CONSTRAINT, ta, tb);
        if (o) {
            o->constraint = &tb->constraints[j];
            o->text = constraint_text(x, "add", tb, o->constraint);
        }
    }
    p->nops = x->d->nops - p->first_op;
}

int mc_diff_schemas(const mc_schema *a, const mc_schema *b, const mc_renames *ren, mc_arena *arena, mc_diff *out)
{
    memset(out, 0, sizeof *out);
    differ x = {arena, a, b, ren, out, 0};
    if (ren) {
        out->nerrors = ren->nerrors;
        out->errors = ren->errors;
        out->hints = ren->hints;
    }
    out->pairs = mc_arena_alloc(arena, (b->ntables + 1) * sizeof *out->pairs);
    if (!out->pairs)
        return -1;
    /* Match tables: same name, else an applicable rename. */
    const mc_table **from_of = mc_arena_alloc(arena, (b->ntables + 1) * sizeof *from_of);
    if (!from_of)
        return -1;
    for (size_t i = 0; i < b->ntables; i++) {
        const mc_table *tb = b->tables[i];
        const mc_table *ta = mc_schema_table(a, tb->name);
        if (!ta) {
            const char *old = table_renamed_from(ren, tb->name);
            if (old && !mc_schema_table(b, old))
                ta = mc_schema_table(a, old);
        }
        from_of[i] = ta;
    }
    /* Drops: children first (A's creation order, backwards). */
    for (size_t i = a->ntables; i-- > 0;) {
        const mc_table *ta = a->create_order ? a->create_order[i] : a->tables[i];
        int kept = 0;
        for (size_t j = 0; j < b->ntables; j++)
            if (from_of[j] == ta)
                kept = 1;
        if (kept)
            continue;
        mc_op *o = op(&x, MC_OP_DROP_TABLE, ta, NULL);
        if (!o)
            return -1;
        o->data_loss = 1;
        o->text = mc_arena_printf(arena, "drop table %s", ta->name);
        o->loss = mc_arena_printf(arena, "drops table %s and all its rows", ta->name);
    }
    for (size_t i = 0; i < b->ntables; i++) {
        const mc_table *tb = b->tables[i];
        if (from_of[i] && strcmp(from_of[i]->name, tb->name) != 0) {
            mc_op *o = op(&x, MC_OP_RENAME_TABLE, from_of[i], tb);
            if (!o)
                return -1;
            o->text = mc_arena_printf(arena, "rename table %s to %s", from_of[i]->name, tb->name);
        }
    }
    for (size_t i = 0; i < b->ntables; i++) {
        const mc_table *tb = b->create_order ? b->create_order[i] : b->tables[i];
        if (mc_schema_table(a, tb->name))
            continue;
        int renamed = 0;
        for (size_t j = 0; j < b->ntables; j++)
            if (b->tables[j] == tb && from_of[j])
                renamed = 1;
        if (renamed)
            continue;
        mc_op *o = op(&x, MC_OP_CREATE_TABLE, NULL, tb);
        if (!o)
            return -1;
        o->text = mc_arena_printf(arena, "add table %s", tb->name);
    }
    /* Pairs, in B's creation order; first all mappings (FK signatures need
     * every pair's), then the per-pair ops. */
    for (size_t i = 0; i < b->ntables; i++) {
        const mc_table *tb = b->create_order ? b->create_order[i] : b->tables[i];
        const mc_table *ta = NULL;
        for (size_t j = 0; j < b->ntables; j++)
            if (b->tables[j] == tb)
                ta = from_of[j];
        if (!ta)
            continue;
        mc_table_pair *p = &out->pairs[out->npairs++];
        p->from = ta;
        p->to = tb;
        p->source = mc_arena_alloc(arena, (tb->ncolumns + 1) * sizeof *p->source);
        if (!p->source)
            return -1;
        for (size_t j = 0; j < tb->ncolumns; j++) {
            const mc_column *cb = &tb->columns[j];
            if (mc_table_column(ta, cb->name)) {
                p->source[j] = cb->name;
                continue;
            }
            const char *old = column_renamed_from(ren, tb->name, cb->name);
            if (old && mc_table_column(ta, old) && !mc_table_column(tb, old))
                p->source[j] = mc_table_column(ta, old)->name;
        }
    }
    for (size_t i = 0; i < out->npairs; i++)
        diff_pair(&x, &out->pairs[i]);
    return 0;
}
