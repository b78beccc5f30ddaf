/*
 * c_relations.c -- accessors for relationships and backrefs.
 *
 *   one-to-many   X_rel(db, row) -> a query on the children (filter, order,
 *                 count, page: lazy "dynamic"), X_rel_list(db, row, &list)
 *   one-to-one    X_rel(db, row, &child)
 *   many-to-one   X_rel(db, row, &parent), X_set_rel(row, parent)
 *   many-to-many  X_rel(db, row) -> query, X_rel_list, X_rel_add, X_rel_remove
 *   lazy: joined  X_get_with_rel(db, key, &row, &children): one statement
 */
#include "cgen.h"
#include "naming.h"

#include <string.h>

static const mcc_column *col_named(const mcc_table *t, const char *sql_name)
{
    return mcc_table_column(t, sql_name);
}

/* Can X_rel_list run the SQL of X_rel's query as a literal: an integer
 * key bound as the query binds it (where_int), and no column that
 * PostgreSQL compares or orders as another text (types.def's pgcmp)?
 * With generate --compact the literal goes to one runtime call
 * (mc_model_list_by). */
static bool list_direct(cgen *g, const mcc_relationship *r, const mcc_column *fc, const mcc_column *key)
{
    return cg_kind_of(fc) == CG_INT64 && cg_kind_of(key) == CG_INT64 && !cg_pg_compare_text(g, fc) &&
           (!r->order_by || !cg_pg_compare_text(g, r->order_by));
}

/* X_rel_list as one literal statement: the SQL the builder writes for
 * X_rel's query ("SELECT <every column> FROM T WHERE <where> [ORDER BY
 * ...]", the one parameter bound to row-><key>), stepped to its end into
 * the list.  No query object, no shape: the shape is known here. */
static void emit_list_direct(cgen *g, cg_out *o, const mcc_relationship *r, const char *doc, const char *where,
                             const mcc_column *key)
{
    const mcc_table *T = r->target;
    const char *fn = cg_fn(g, r->owner), *type = cg_type(g, r->owner), *tfn = cg_fn(g, T), *ttype = cg_type(g, T);
    const char *order = r->order_by ? cg_sqlf(g, " ORDER BY %I%s", r->order_by->name, r->order_desc ? " DESC" : "")
                                    : "";
    const char *sql = cg_sqlf(g, "SELECT %s FROM %I WHERE %s%s", cg_column_list(g, T), T->name, where, order);
    cg_fn_begin(o, doc, "int %s_%s_list(mc_db *db, const %s *row, %s_list *out)", fn, r->name, type, ttype);
    if (g->compact) {
        mcc_buf_line(&o->c, "return mc_model_list_by(db, &%s_mc_model, %s, row->%s, out);", tfn, cg_cstr(g, sql),
                     key->field);
        cg_fn_end(o);
        return;
    }
    cg_snippet(&o->c,
               "    out->items = NULL;\n"
               "    out->count = 0;\n"
               "    mc_stmt *st = mc_stmt_prepare(db, {{sql}});\n"
               "    if (!st)\n"
               "        return mc_errcode(db);\n"
               "    int b = mc_stmt_bind_int64(st, 1, row->{{key}});\n"
               "    int s = b == MC_RC_OK ? mc_stmt_step_flags(st, MC_STEP_WHOLE) : b, rc = MC_OK;\n"
               "    for (size_t cap = 0; s == MC_RC_ROW; s = mc_stmt_step(st)) {\n"
               "        if (out->count == cap) {\n"
               "            cap = cap ? 2 * cap : 8;\n"
               "            {{ttype}} *items = ({{ttype}} *)realloc(out->items, cap * sizeof *items);\n"
               "            if (!items) {\n"
               "                rc = {{nomem}};\n"
               "                break;\n"
               "            }\n"
               "            out->items = items;\n"
               "        }\n"
               "        {{ttype}} *item = &out->items[out->count];\n"
               "        memset(item, 0, sizeof *item);\n"
               "        if ((rc = {{tfn}}_read(db, st, 0, item)) != MC_OK) {\n"
               "            {{tfn}}_clear(item);\n"
               "            break;\n"
               "        }\n"
               "        out->count++;\n"
               "    }\n"
               "    if (rc == MC_OK && s != MC_RC_DONE)\n"
               "        rc = mc_status_from_rc(db, s, {{table}});\n"
               "    mc_stmt_release(db, st);\n"
               "    if (rc != MC_OK)\n"
               "        {{tfn}}_list_free(out);\n"
               "    return rc;\n",
               "sql", cg_cstr(g, sql), "key", key->field, "ttype", ttype, "tfn", tfn, "table", cg_cstr(g, T->name),
               "nomem", cg_errf(g, "db", "MC_NOMEM", "%T: out of memory", T->name), NULL);
    cg_fn_end(o);
}

/* X_rel_list: every row of the relationship's query X_rel. */
static void emit_list(cgen *g, cg_out *o, const mcc_relationship *r, const char *doc)
{
    const char *fn = cg_fn(g, r->owner), *type = cg_type(g, r->owner), *ttype = cg_type(g, r->target);
    mcc_buf *c = &o->c;
    cg_fn_begin(o, doc, "int %s_%s_list(mc_db *db, const %s *row, %s_list *out)", fn, r->name, type, ttype);
    cg_emit_list_of_query(g, c, r->target, mcc_arena_printf(g->arena, "%s_%s(db, row)", fn, r->name));
    cg_fn_end(o);
}

static void emit_children_query(cgen *g, cg_out *o, const mcc_relationship *r)
{
    const mcc_table *t = r->owner, *T = r->target;
    const char *fn = cg_fn(g, t), *type = cg_type(g, t), *tfn = cg_fn(g, T), *ttype = cg_type(g, T);
    const mcc_column *fc = &T->columns[r->fk->cols[0]];
    const mcc_column *rc = col_named(t, r->fk->ref_cols[0]);
    mcc_buf *c = &o->c;
    bool one = r->kind == MCC_REL_ONE_TO_ONE;
    const char *order = "";
    if (r->order_by)
        order = mcc_arena_printf(g->arena, " ordered by %s%s", r->order_by->field, r->order_desc ? " descending" : "");

    cg_fn_begin(o, mcc_arena_printf(g->arena, "The %s whose %s is row's %s%s: a query to filter, order, count or page%s. "
                                   "Free with %s_query_free; NULL when out of memory.",
                                   T->name, fc->field, rc->field, order,
                                   r->lazy == MCC_LAZY_DYNAMIC ? " (lazy: dynamic)" : "", tfn),
                "%s_query *%s_%s%s(mc_db *db, const %s *row)", ttype, fn, r->name, one ? "_query" : "", type);
    mcc_buf_line(c, "%s_query *q = %s_query(db);", ttype, tfn);
    mcc_buf_line(c, "if (!q)");
    mcc_buf_line(c, "    return NULL;");
    mcc_buf_line(c, "%s_query_where_%s_eq(q, row->%s);", tfn, fc->field, rc->field);
    if (r->order_by)
        mcc_buf_line(c, "%s_query_order_by(q, %s, %s);", tfn, cg_col_const(g, T, r->order_by),
                    r->order_desc ? "true" : "false");
    mcc_buf_line(c, "return q;");
    cg_fn_end(o);

    if (one) {
        cg_fn_begin(o, mcc_arena_printf(g->arena, "*out = row's %s (uselist: false; free with %s_free), or MC_NOTFOUND.",
                                       r->name, tfn),
                    "int %s_%s(mc_db *db, const %s *row, %s **out)", fn, r->name, type, ttype);
        mcc_buf_line(c, "*out = NULL;");
        mcc_buf_line(c, "%s_query *q = %s_%s_query(db, row);", ttype, fn, r->name);
        mcc_buf_line(c, "if (!q)");
        mcc_buf_line(c, "    return mc_errcode(db);");
        mcc_buf_line(c, "int rc = %s_query_first(q, out);", tfn);
        mcc_buf_line(c, "%s_query_free(q);", tfn);
        mcc_buf_line(c, "return rc;");
        cg_fn_end(o);
        return;
    }
    const char *doc = mcc_arena_printf(g->arena, "*out = every one of row's %s%s (free with %s_list_free).", r->name,
                                       order, tfn);
    if (list_direct(g, r, fc, rc))
        emit_list_direct(g, o, r, doc, cg_sqlf(g, "%I = ?", fc->name), rc);
    else
        emit_list(g, o, r, doc);
}

static void emit_parent(cgen *g, cg_out *o, const mcc_relationship *r)
{
    const mcc_table *t = r->owner, *T = r->target;
    const char *fn = cg_fn(g, t), *type = cg_type(g, t), *tfn = cg_fn(g, T), *ttype = cg_type(g, T);
    const mcc_column *fc = &t->columns[r->fk->cols[0]];
    const mcc_column *rc = col_named(T, r->fk->ref_cols[0]);
    mcc_buf *c = &o->c;
    bool by_pk = T->npk == 1 && &T->columns[T->pk[0]] == rc;

    cg_fn_begin(o, mcc_arena_printf(g->arena, "*out = the %s that row's %s refers to (free with %s_free); MC_NOTFOUND when "
                                   "%s is NULL or dangling.", T->name, fc->field, tfn, fc->field),
                "int %s_%s(mc_db *db, const %s *row, %s **out)", fn, r->name, type, ttype);
    mcc_buf_line(c, "*out = NULL;");
    if (cg_null_flag(fc))
        mcc_buf_line(c, "if (row->%s_null)", fc->field);
    else if (cg_kind_of(fc) == CG_TEXT)
        mcc_buf_line(c, "if (!row->%s)", fc->field);
    if (cg_null_flag(fc) || cg_kind_of(fc) == CG_TEXT)
        mcc_buf_line(c, "    return %s;", cg_errf(g, "db", "MC_NOTFOUND", "%T.%T: %T is NULL", t->name, r->name, fc->field));
    mcc_buf_line(c, "return %s_%s(db, row->%s, out);", tfn,
                by_pk ? "get" : mcc_arena_printf(g->arena, "find_by_%s", rc->field), fc->field);
    cg_fn_end(o);

    cg_kind k = cg_kind_of(fc);
    if (k == CG_TEXT || k == CG_BLOB)
        return;     /* a key the struct would have to own: set the field itself */
    cg_fn_begin(o, mcc_arena_printf(g->arena, "Makes row refer to target (row->%s = target->%s); NULL target: no %s. "
                                   "Write it with %s_insert or %s_update.", fc->field, rc->field, r->name, fn, fn),
                "void %s_set_%s(%s *row, const %s *target)", fn, r->name, type, ttype);
    mcc_buf_line(c, "row->%s = target ? target->%s : 0;", fc->field, rc->field);
    if (cg_null_flag(fc))
        mcc_buf_line(c, "row->%s_null = target == NULL;", fc->field);
    cg_fn_end(o);
}

static void emit_many_to_many(cgen *g, cg_out *o, const mcc_relationship *r)
{
    const mcc_table *t = r->owner, *T = r->target, *S = r->secondary;
    const char *fn = cg_fn(g, t), *type = cg_type(g, t), *tfn = cg_fn(g, T), *ttype = cg_type(g, T);
    const mcc_column *sa = &S->columns[r->fk->cols[0]], *sb = &S->columns[r->fk2->cols[0]];
    const mcc_column *r1 = col_named(t, r->fk->ref_cols[0]), *r2 = col_named(T, r->fk2->ref_cols[0]);
    mcc_buf *c = &o->c;
    if (cg_kind_of(r1) != CG_INT64 || cg_kind_of(r2) != CG_INT64) {
        cg_commentf(&o->h, "%s.%s: many-to-many over non-integer keys has no accessor yet.", t->model, r->name);
        mcc_buf_put(&o->h, "\n");
        return;
    }
    const char *sub = cg_sqlf(g, "%I IN (SELECT %I FROM %I WHERE %I = ?)", r2->name, sb->name, S->name, sa->name);
    const char *order = r->order_by ? mcc_arena_printf(g->arena, ", ordered by %s", r->order_by->field) : "";
    cg_fn_begin(o, mcc_arena_printf(g->arena, "The %s linked to row through %s%s: a query to filter, order, count or page.",
                                   T->name, S->name, order),
                "%s_query *%s_%s(mc_db *db, const %s *row)", ttype, fn, r->name, type);
    mcc_buf_line(c, "%s_query *q = %s_query(db);", ttype, tfn);
    mcc_buf_line(c, "if (!q)");
    mcc_buf_line(c, "    return NULL;");
    mcc_buf_line(c, "mc_query_where_sql((mc_query *)q, %s, row->%s);", cg_cstr(g, sub), r1->field);
    if (r->order_by)
        mcc_buf_line(c, "%s_query_order_by(q, %s, %s);", tfn, cg_col_const(g, T, r->order_by),
                    r->order_desc ? "true" : "false");
    mcc_buf_line(c, "return q;");
    cg_fn_end(o);

    const char *doc = mcc_arena_printf(g->arena, "*out = every %s linked to row (free with %s_list_free).", T->name, tfn);
    if (list_direct(g, r, r1, r2))
        emit_list_direct(g, o, r, doc, sub, r1);     /* integer keys (above) */
    else
        emit_list(g, o, r, doc);

    const char *ins = cg_sqlf(g, "INSERT INTO %I (%I, %I) VALUES (?, ?)", S->name, sa->name, sb->name);
    const char *del = cg_sqlf(g, "DELETE FROM %I WHERE %I = ? AND %I = ?", S->name, sa->name, sb->name);
    for (int remove = 0; remove < 2; remove++) {
        cg_fn_begin(o, remove ? mcc_arena_printf(g->arena, "Unlinks item from row's %s; MC_NOTFOUND if they were not linked.",
                                                r->name)
                              : mcc_arena_printf(g->arena, "Links item to row's %s (a row in %s); MC_CONSTRAINT if already linked.",
                                                r->name, S->name),
                    "int %s_%s_%s(mc_db *db, const %s *row, const %s *item)", fn, r->name, remove ? "remove" : "add",
                    type, ttype);
        cg_snippet(c,
                   "    mc_stmt *st = mc_stmt_prepare(db, {{sql}});\n"
                   "    if (!st)\n"
                   "        return mc_errcode(db);\n"
                   "    int b = mc_stmt_bind_int64(st, 1, row->{{key}});\n"
                   "    b |= mc_stmt_bind_int64(st, 2, item->{{item_key}});\n"
                   "    int rc = b == MC_RC_OK ? mc_stmt_step(st) : b;\n"
                   "    mc_stmt_release(db, st);\n"
                   "    if (rc != MC_RC_DONE)\n"
                   "        return mc_status_from_rc(db, rc, {{link_table}});\n",
                   "sql", cg_cstr(g, remove ? del : ins), "key", r1->field, "item_key", r2->field,
                   "link_table", cg_cstr(g, S->name), NULL);
        if (remove)
            cg_snippet(c,
                       "    if (mc_changes(db) == 0)\n"
                       "        return {{notfound}};\n",
                       "notfound", cg_errf(g, "db", "MC_NOTFOUND", "%T: the two rows were not linked", S->name), NULL);
        mcc_buf_line(c, "return MC_OK;");
        cg_fn_end(o);
    }
}

/* "p.a, p.b" with alias a */
static void aliased_cols(mcc_buf *b, const mcc_table *t, const char *alias)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            mcc_buf_put(b, ", ");
        mcc_buf_printf(b, "%s.", alias);
        mcc_put_quoted_ident(b, t->columns[i].name);
    }
}

static void emit_joined(cgen *g, cg_out *o, const mcc_relationship *r)
{
    const mcc_table *t = r->owner, *T = r->target;
    if (t->npk != 1 || T->npk < 1)
        return;
    const char *fn = cg_fn(g, t), *type = cg_type(g, t), *tfn = cg_fn(g, T), *ttype = cg_type(g, T);
    const mcc_column *pk = &t->columns[t->pk[0]];
    const mcc_column *fc = &T->columns[r->fk->cols[0]];
    const mcc_column *rc = col_named(t, r->fk->ref_cols[0]);
    mcc_buf *c = &o->c;
    mcc_buf cols = {0};
    aliased_cols(&cols, t, "p");
    mcc_buf_put(&cols, ", ");
    aliased_cols(&cols, T, "c");
    const char *order = r->order_by ? cg_sqlf(g, " ORDER BY c.%I%s", r->order_by->name, r->order_desc ? " DESC" : "")
                                    : "";
    const char *sql = cg_sqlf(g, "SELECT %s FROM %I AS p LEFT OUTER JOIN %I AS c ON c.%I = p.%I WHERE p.%I = ?%s",
                              cols.data ? cols.data : "", t->name, T->name, fc->name, rc->name, pk->name, order);
    mcc_buf_free(&cols);
    const char *pt = cg_param_type(g, pk);
    const char *kids = cg_local(g, r->name);    /* the parameter: never a local's or a function's name */
    cg_fn_begin(o, mcc_arena_printf(g->arena, "Loads the %s with this key and all its %s in one statement (lazy: joined): "
                                   "*out as %s_get gives it, *%s as %s_%s_list does; MC_NOTFOUND when no such %s.",
                                   t->name, r->name, fn, r->name, fn, r->name, t->name),
                "int %s_get_with_%s(mc_db *db, %s%s%s, %s **out, %s_list *%s)", fn, r->name, pt,
                pt[strlen(pt) - 1] == '*' ? "" : " ", cg_param(g, pk), type, ttype, kids);
    cg_snippet(c,
               "    *out = NULL;\n"
               "    {{kids}}->items = NULL;\n"
               "    {{kids}}->count = 0;\n"
               "    mc_stmt *st = mc_stmt_prepare(db, {{sql}});\n"
               "    if (!st)\n"
               "        return mc_errcode(db);\n"
               "    int rc = MC_OK, s;\n",
               "kids", kids, "sql", cg_cstr(g, sql), NULL);
    mcc_buf_line(c, "int b = %s;", cg_kind_of(pk) == CG_TEXT
                                   ? mcc_arena_printf(g->arena, "mc_stmt_bind_text(st, 1, %s)", cg_param(g, pk))
                                   : mcc_arena_printf(g->arena, "mc_stmt_bind_int64(st, 1, %s)", cg_param(g, pk)));
    cg_snippet(c,
               "    {{type}} *row = NULL;\n"
               "    size_t cap = 0;\n"
               "    while (rc == MC_OK && b == MC_RC_OK && (s = mc_stmt_step_flags(st, MC_STEP_WHOLE)) == MC_RC_ROW) {\n"
               "        if (!row) {\n"
               "            row = ({{type}} *)calloc(1, sizeof *row);\n"
               "            rc = row ? {{fn}}_read(db, st, 0, row) : {{nomem}};\n"
               "        }\n"
               "        if (rc != MC_OK || mc_stmt_column_is_null(st, {{child_pk}}))\n"
               "            continue;   /* no child: the outer join's NULL row */\n"
               "        if ({{kids}}->count == cap) {\n"
               "            size_t ncap = cap ? cap * 2 : 8;\n"
               "            {{ttype}} *items = ({{ttype}} *)realloc({{kids}}->items, ncap * sizeof *items);\n"
               "            if (!items) {\n"
               "                rc = {{child_nomem}};\n"
               "                break;\n"
               "            }\n"
               "            {{kids}}->items = items;\n"
               "            cap = ncap;\n"
               "        }\n"
               "        memset(&{{kids}}->items[{{kids}}->count], 0, sizeof {{kids}}->items[0]);\n"
               "        rc = {{tfn}}_read(db, st, {{child_at}}, &{{kids}}->items[{{kids}}->count]);\n"
               "        {{kids}}->count++;\n"
               "    }\n"
               "    if (rc == MC_OK && b != MC_RC_OK)\n"
               "        rc = mc_status_from_rc(db, b, {{table}});\n"
               "    else if (rc == MC_OK && s != MC_RC_DONE)\n"
               "        rc = mc_status_from_rc(db, s, {{table}});\n"
               "    else if (rc == MC_OK && !row)\n"
               "        rc = {{notfound}};\n"
               "    mc_stmt_release(db, st);\n"
               "    if (rc != MC_OK) {\n"
               "        {{fn}}_free(row);\n"
               "        {{tfn}}_list_free({{kids}});\n"
               "        return rc;\n"
               "    }\n"
               "    *out = row;\n"
               "    return MC_OK;\n",
               "type", cg_type(g, t), "ttype", ttype, "fn", fn, "tfn", tfn, "kids", kids, "table", cg_cstr(g, t->name),
               "child_pk", mcc_arena_printf(g->arena, "%zu", t->ncolumns + T->pk[0]),
               "child_at", mcc_arena_printf(g->arena, "%zu", t->ncolumns),
               "nomem", cg_errf(g, "db", "MC_NOMEM", "%T: out of memory", t->name),
               "child_nomem", cg_errf(g, "db", "MC_NOMEM", "%T: out of memory", T->name),
               "notfound", cg_errf(g, "db", "MC_NOTFOUND", "%T: no row with this %T", t->name, pk->field), NULL);
    cg_fn_end(o);
}

void cg_emit_relations(cgen *g, cg_out *o, const mcc_table *t)
{
    for (size_t i = 0; i < t->nrels; i++) {
        const mcc_relationship *r = t->rels[i];
        switch (r->kind) {
        case MCC_REL_ONE_TO_MANY:
        case MCC_REL_ONE_TO_ONE:
            emit_children_query(g, o, r);
            if (r->lazy == MCC_LAZY_JOINED && r->kind == MCC_REL_ONE_TO_MANY)
                emit_joined(g, o, r);
            break;
        case MCC_REL_MANY_TO_ONE:
            emit_parent(g, o, r);
            break;
        case MCC_REL_MANY_TO_MANY:
            emit_many_to_many(g, o, r);
            break;
        }
    }
}
