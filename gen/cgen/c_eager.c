/*
 * c_eager.c -- eager loading for lists (SQLAlchemy's selectinload):
 *
 *   X_list_load_<rel>(db, &list, &out)   one statement for the whole list
 *
 *   many-to-one, one-to-one   out is a T_refs: refs[i] is list.items[i]'s
 *                             row (NULL when none), each row once in rows
 *   one-to-many, many-to-many out is a T_lists: lists[i] is list.items[i]'s
 *                             rows, in the relationship's order_by
 *
 * Keys must be integers (a foreign key to an Integer key, as every model
 * has by default) or String/Text; a relationship over other keys (dates,
 * decimals, composite keys) gets no loader and a comment in the header
 * saying so.  The statement is
 *   SELECT ... WHERE key IN (SELECT value FROM json_each(?))
 * with the list's distinct keys bound as one JSON array (runtime/eager.c).
 */
#include "cgen.h"
#include "naming.h"

#include <string.h>

/* What a loader of one relationship needs. */
typedef struct eager_rel {
    const mcc_relationship *r;
    bool lists;                 /* a T_lists (to-many), else a T_refs */
    const mcc_column *src_key;   /* the list's rows' key */
    const char *sql;
    size_t key_col, row_at;     /* T_lists: result column of the key; first column of the row */
    const mcc_column *dst_key;   /* T_refs: the field of a result row holding the key */
    bool text;                  /* String/Text keys (else integers) */
} eager_rel;

static bool int_key(const mcc_column *c)
{
    return c && (cg_kind_of(c) == CG_INT64 || cg_kind_of(c) == CG_INT32);
}

static bool text_key(const mcc_column *c)
{
    return c && (c->type == MCC_T_STRING || c->type == MCC_T_TEXT);
}

/* Both sides integers, or both text: e->text says which. */
static bool keys_match(eager_rel *e, const mcc_column *a, const mcc_column *b)
{
    e->text = text_key(a) && text_key(b);
    return e->text || (int_key(a) && int_key(b));
}

#define IN_KEYS " IN (SELECT value FROM json_each(?))"

/* " ORDER BY [alias.]col [DESC]" of the relationship, or "". */
static const char *order_sql(cgen *g, const mcc_relationship *r, const char *alias)
{
    if (!r->order_by)
        return "";
    return cg_sqlf(g, " ORDER BY %s%I%s", alias, r->order_by->name, r->order_desc ? " DESC" : "");
}

/* Fills e for r; false when r cannot be loaded this way. */
static bool describe(cgen *g, const mcc_relationship *r, eager_rel *e)
{
    const mcc_table *t = r->owner, *T = r->target;
    memset(e, 0, sizeof *e);
    e->r = r;
    if (!r->fk || r->fk->ncols != 1)
        return false;
    switch (r->kind) {
    case MCC_REL_MANY_TO_ONE: {
        e->src_key = &t->columns[r->fk->cols[0]];
        e->dst_key = mcc_table_column(T, r->fk->ref_cols[0]);
        e->sql = cg_sqlf(g, "SELECT %s FROM %I WHERE %I" IN_KEYS, cg_column_list(g, T), T->name, e->dst_key->name);
        return keys_match(e, e->src_key, e->dst_key);
    }
    case MCC_REL_ONE_TO_ONE:
    case MCC_REL_ONE_TO_MANY: {
        const mcc_column *fc = &T->columns[r->fk->cols[0]];
        e->lists = r->kind == MCC_REL_ONE_TO_MANY;
        e->src_key = mcc_table_column(t, r->fk->ref_cols[0]);
        e->dst_key = fc;
        e->key_col = r->fk->cols[0];
        e->sql = cg_sqlf(g, "SELECT %s FROM %I WHERE %I" IN_KEYS "%s", cg_column_list(g, T), T->name, fc->name,
                         order_sql(g, r, ""));
        return keys_match(e, e->src_key, fc);
    }
    case MCC_REL_MANY_TO_MANY: {
        const mcc_table *S = r->secondary;
        if (!S || !r->fk2 || r->fk2->ncols != 1)
            return false;
        const mcc_column *sa = &S->columns[r->fk->cols[0]], *sb = &S->columns[r->fk2->cols[0]];
        const mcc_column *r2 = mcc_table_column(T, r->fk2->ref_cols[0]);
        e->lists = true;
        e->src_key = mcc_table_column(t, r->fk->ref_cols[0]);
        e->key_col = 0;
        e->row_at = 1;
        mcc_buf cols = {0};
        for (size_t i = 0; i < T->ncolumns; i++) {
            mcc_buf_put(&cols, ", t.");
            mcc_put_quoted_ident(&cols, T->columns[i].name);
        }
        e->sql = cg_sqlf(g, "SELECT s.%I%s FROM %I AS s JOIN %I AS t ON t.%I = s.%I WHERE s.%I" IN_KEYS "%s",
                         sa->name, cols.data ? cols.data : "", S->name, T->name, r2->name, sb->name, sa->name,
                         order_sql(g, r, "t."));
        mcc_buf_free(&cols);
        return r2 && keys_match(e, e->src_key, sa);
    }
    }
    return false;
}

/* Does some relationship load T as refs (want_lists false) or lists? */
static bool target_of(cgen *g, const mcc_table *T, bool want_lists)
{
    const mcc_schema *s = g->schema;
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < s->tables[i]->nrels; j++) {
            eager_rel e;
            if (s->tables[i]->rels[j]->target == T && describe(g, s->tables[i]->rels[j], &e) && e.lists == want_lists)
                return true;
        }
    return false;
}

/* One member line, "    decl;" and its comment, aligned as in the structs. */
static void member(mcc_buf *h, const char *decl, const char *comment)
{
    size_t w = strlen(decl);
    mcc_buf_printf(h, "    %s;%*s/* %s */\n", decl, (int)(w < 31 ? 31 - w : 1), "", comment);
}

static void emit_lists_type(cgen *g, cg_out *o, const mcc_table *T)
{
    const char *type = cg_type(g, T), *fn = cg_fn(g, T);
    mcc_buf_printf(&o->h, "/* %s rows loaded for every row of a list (X_list_load_<rel>): lists[i] belongs to\n"
                         " * the list's items[i]. Free with %s_lists_free. */\n", type, fn);
    mcc_buf_printf(&o->h, "typedef struct %s_lists {\n", type);
    member(&o->h, mcc_arena_printf(g->arena, "%s_list *lists", type), "lists[0..count), each owned, possibly empty");
    member(&o->h, "size_t count", "the rows of the list they were loaded for");
    mcc_buf_printf(&o->h, "} %s_lists;\n\n", type);
    cg_fn_begin(o, "Frees every list and the array; empty after; NULL is a no-op.", "void %s_lists_free(%s_lists *lists)",
                fn, type);
    if (g->compact)
        mcc_buf_line(&o->c, "mc_model_lists_free(&%s_mc_model, lists);", fn);
    else
        cg_snippet(&o->c,
               "    if (!lists)\n"
               "        return;\n"
               "    for (size_t i = 0; i < lists->count; i++)\n"
               "        {{fn}}_list_free(&lists->lists[i]);\n"
               "    free(lists->lists);\n"
               "    lists->lists = NULL;\n"
               "    lists->count = 0;\n",
               "fn", fn, NULL);
    cg_fn_end(o);
}

static void emit_refs_type(cgen *g, cg_out *o, const mcc_table *T)
{
    const char *type = cg_type(g, T), *fn = cg_fn(g, T);
    mcc_buf_printf(&o->h, "/* The %s each row of a list refers to (X_list_load_<rel>): refs[i] belongs to the\n"
                         " * list's items[i]. Free with %s_refs_free. */\n", type, fn);
    mcc_buf_printf(&o->h, "typedef struct %s_refs {\n", type);
    member(&o->h, mcc_arena_printf(g->arena, "%s **refs", type), "refs[0..count): a row of `rows`, NULL when none");
    member(&o->h, "size_t count", "the rows of the list they were loaded for");
    member(&o->h, mcc_arena_printf(g->arena, "%s_list rows", type), "each row once, owned: refs point into it");
    mcc_buf_printf(&o->h, "} %s_refs;\n\n", type);
    cg_fn_begin(o, "Frees the rows and the array; empty after; NULL is a no-op.", "void %s_refs_free(%s_refs *refs)", fn,
                type);
    if (g->compact)
        mcc_buf_line(&o->c, "mc_model_refs_free(&%s_mc_model, refs);", fn);
    else
        cg_snippet(&o->c,
               "    if (!refs)\n"
               "        return;\n"
               "    {{fn}}_list_free(&refs->rows);\n"
               "    free(refs->refs);\n"
               "    refs->refs = NULL;\n"
               "    refs->count = 0;\n",
               "fn", fn, NULL);
    cg_fn_end(o);
}

void cg_emit_eager_types(cgen *g, cg_out *o)
{
    const mcc_schema *s = g->schema;
    for (size_t i = 0; i < s->ntables; i++) {
        if (target_of(g, s->tables[i], false))
            emit_refs_type(g, o, s->tables[i]);
        if (target_of(g, s->tables[i], true))
            emit_lists_type(g, o, s->tables[i]);
    }
}

/* The lines that give every list position its key (NULL keys: none). */
static void emit_keys(cgen *g, mcc_buf *c, const mcc_column *key)
{
    mcc_buf_line(c, "for (size_t i = 0; rc == MC_OK && i < list->count; i++)");
    if (cg_kind_of(key) == CG_TEXT) {
        mcc_buf_line(c, "    if (list->items[i].%s)", key->field);
        mcc_buf_line(c, "        rc = mc_eager_key_text(e, i, list->items[i].%s);", key->field);
    } else if (cg_null_flag(key)) {
        mcc_buf_line(c, "    if (!list->items[i].%s_null)", key->field);
        mcc_buf_line(c, "        rc = mc_eager_key(e, i, list->items[i].%s);", key->field);
    } else {
        mcc_buf_line(c, "    rc = mc_eager_key(e, i, list->items[i].%s);", key->field);
    }
    (void)g;
}

/* Starts a loader: out emptied, the keys given, the array of count
 * entries allocated (member `arr` of out, of pointer type ptr). */
static void emit_prologue(cgen *g, mcc_buf *c, const eager_rel *e, const char *arr, const char *ptr)
{
    const mcc_table *T = e->r->target;
    cg_snippet(c,
               "    memset(out, 0, sizeof *out);\n"
               "    mc_eager *e = mc_eager_new(db, list->count, {{table}});\n"
               "    if (!e)\n"
               "        return mc_errcode(db);\n"
               "    int rc = MC_OK;\n",
               "table", cg_cstr(g, T->name), NULL);
    emit_keys(g, c, e->src_key);
    cg_snippet(c,
               "    if (rc == MC_OK && list->count && !(out->{{arr}} = ({{ptr}})calloc(list->count, sizeof *out->{{arr}})))\n"
               "        rc = {{nomem}};\n"
               "    out->count = out->{{arr}} ? list->count : 0;\n"
               "    mc_stmt *st = NULL;\n"
               "    if (rc == MC_OK)\n"
               "        rc = mc_eager_run(e, {{sql}}, &st);\n",
               "arr", arr, "ptr", ptr, "sql", cg_cstr(g, e->sql),
               "nomem", cg_errf(g, "db", "MC_NOMEM", "%T: out of memory loading related rows", T->name), NULL);
}

/* index of column c in t */
static int col_index(const mcc_table *t, const mcc_column *c)
{
    return (int)(c - t->columns);
}

/* generate --compact: the loader's body is one call (runtime/model_load.c)
 * with the relationship as a static mc_model_rel; out is the caller's
 * T_lists or T_refs, which the runtime fills whole. */
static void emit_compact_load(cgen *g, mcc_buf *c, const eager_rel *e)
{
    const mcc_relationship *r = e->r;
    const mcc_table *t = r->owner, *T = r->target;
    mcc_buf_printf(c, "    static const mc_model_rel rel = {&%s_mc_model, %d, %d, %d, %zu, %zu, %d,\n", cg_fn(g, T),
                   e->lists, e->text, col_index(t, e->src_key), e->key_col, e->row_at,
                   e->lists ? 0 : col_index(T, e->dst_key));
    mcc_buf_printf(c, "                                     %s};\n", cg_cstr(g, e->sql));
    mcc_buf_printf(c, "    return mc_model_load(db, &%s_mc_model, &rel, list, out);\n", cg_fn(g, t));
}

static void emit_load_lists(cgen *g, cg_out *o, const eager_rel *e)
{
    const mcc_relationship *r = e->r;
    const mcc_table *t = r->owner, *T = r->target;
    const char *fn = cg_fn(g, t), *type = cg_type(g, t), *tfn = cg_fn(g, T), *ttype = cg_type(g, T);
    mcc_buf *c = &o->c;
    cg_fn_begin(o, mcc_arena_printf(g->arena, "Loads the %s of every row of list in one statement (selectinload): "
                                   "out->lists[i] holds list->items[i]'s, as %s_%s_list gives them. "
                                   "Free with %s_lists_free; on failure out is empty.", r->name, fn, r->name, tfn),
                "int %s_list_load_%s(mc_db *db, const %s_list *list, %s_lists *out)", fn, r->name, type, ttype);
    if (g->compact) {
        emit_compact_load(g, c, e);
        cg_fn_end(o);
        return;
    }
    emit_prologue(g, c, e, "lists", mcc_arena_printf(g->arena, "%s_list *", ttype));
    const char *first = e->text ? mcc_arena_printf(g->arena, "mc_eager_first_text(e, mc_stmt_column_cstr(st, %zu))",
                                                  e->key_col)
                                : mcc_arena_printf(g->arena, "mc_eager_first(e, mc_stmt_column_int64(st, %zu))", e->key_col);
    cg_snippet(c,
               "    while (rc == MC_OK && (rc = mc_eager_step(e)) == MC_OK) {\n"
               "        size_t at = {{first}};\n"
               "        for (; rc == MC_OK && at != MC_EAGER_NONE; at = mc_eager_next(e, at)) {\n"
               "            {{ttype}}_list *l = &out->lists[at];\n"
               "            {{ttype}} *items = ({{ttype}} *)mc_list_grow(db, l->items, l->count, sizeof *items);\n"
               "            if (!items) {\n"
               "                rc = MC_NOMEM;\n"
               "                break;\n"
               "            }\n"
               "            l->items = items;\n"
               "            rc = {{tfn}}_read(db, st, {{row_at}}, &l->items[l->count]);\n"
               "            l->count++;\n"
               "        }\n"
               "    }\n"
               "    mc_eager_free(e);\n"
               "    if (rc != MC_DONE) {\n"
               "        {{tfn}}_lists_free(out);\n"
               "        return rc;\n"
               "    }\n"
               "    return MC_OK;\n",
               "first", first, "ttype", ttype, "tfn", tfn, "row_at", mcc_arena_printf(g->arena, "%zu", e->row_at), NULL);
    cg_fn_end(o);
}

static void emit_load_refs(cgen *g, cg_out *o, const eager_rel *e)
{
    const mcc_relationship *r = e->r;
    const mcc_table *t = r->owner, *T = r->target;
    const char *fn = cg_fn(g, t), *type = cg_type(g, t), *tfn = cg_fn(g, T), *ttype = cg_type(g, T);
    mcc_buf *c = &o->c;
    cg_fn_begin(o, mcc_arena_printf(g->arena, "Loads the %s of every row of list in one statement (selectinload): "
                                   "out->refs[i] is list->items[i]'s (NULL when it has none), each %s once in out->rows. "
                                   "Free with %s_refs_free; on failure out is empty.", r->name, ttype, tfn),
                "int %s_list_load_%s(mc_db *db, const %s_list *list, %s_refs *out)", fn, r->name, type, ttype);
    if (g->compact) {
        emit_compact_load(g, c, e);
        cg_fn_end(o);
        return;
    }
    emit_prologue(g, c, e, "refs", mcc_arena_printf(g->arena, "%s **", ttype));
    cg_snippet(c,
               "    while (rc == MC_OK && (rc = mc_eager_step(e)) == MC_OK) {\n"
               "        {{ttype}} *items = ({{ttype}} *)mc_list_grow(db, out->rows.items, out->rows.count, sizeof *items);\n"
               "        if (!items) {\n"
               "            rc = MC_NOMEM;\n"
               "            break;\n"
               "        }\n"
               "        out->rows.items = items;\n"
               "        rc = {{tfn}}_read(db, st, 0, &out->rows.items[out->rows.count]);\n"
               "        out->rows.count++;\n"
               "    }\n"
               "    for (size_t k = 0; rc == MC_DONE && k < out->rows.count; k++) {\n"
               "        size_t at = mc_eager_first{{text}}(e, out->rows.items[k].{{key}});\n"
               "        for (; at != MC_EAGER_NONE; at = mc_eager_next(e, at))\n"
               "            out->refs[at] = &out->rows.items[k];\n"
               "    }\n"
               "    mc_eager_free(e);\n"
               "    if (rc != MC_DONE) {\n"
               "        {{tfn}}_refs_free(out);\n"
               "        return rc;\n"
               "    }\n"
               "    return MC_OK;\n",
               "ttype", ttype, "tfn", tfn, "text", e->text ? "_text" : "", "key", e->dst_key->field, NULL);
    cg_fn_end(o);
}

void cg_emit_eager(cgen *g, cg_out *o, const mcc_table *t)
{
    for (size_t i = 0; i < t->nrels; i++) {
        eager_rel e;
        if (!describe(g, t->rels[i], &e)) {
            mcc_buf_printf(&o->h, "/* %s.%s: no %s_list_load_%s: eager loading needs integer or String/Text keys. */\n\n", t->model,
                          t->rels[i]->name, cg_fn(g, t), t->rels[i]->name);
            continue;
        }
        if (e.lists)
            emit_load_lists(g, o, &e);
        else
            emit_load_refs(g, o, &e);
    }
}
