/*
 * c_predicates.c -- per model, in the header only: the typed query's
 * one-line wrappers over the runtime, as `static inline` functions.
 *
 *   X_query_where_<field>_eq/ne/lt/le/gt/ge(q, value)   (eq/ne only for
 *       booleans, blobs and enums), _like(q, pattern) for strings,
 *       _in(q, values, n) for integers, floats and strings,
 *       _is_null / _is_not_null for nullable columns
 *   X_query_free, X_query_order_by, X_query_limit, X_query_offset,
 *   X_query_count, and the setters X_set_<field> of strings and blobs
 *
 * Each is one call of libmodelc with the column's constant, so it costs a
 * line in the header instead of a prototype, a doc comment and a body in
 * the source (issue 11: build cost).  A column's family shares one doc
 * comment; every function is still written out under its own name, so a
 * reader (and grep) finds it.  No macro makes a name.
 */
#include "cgen.h"

#include <string.h>

static const struct { const char *name, *op; } cmp_ops[] = {
    {"eq", "MC_EQ"}, {"ne", "MC_NE"}, {"lt", "MC_LT"}, {"le", "MC_LE"}, {"gt", "MC_GT"}, {"ge", "MC_GE"},
};

/* "static inline PROTO { BODY }" on one line of the header. */
static void one_liner(cg_out *o, const char *proto, const char *body)
{
    mcc_buf_printf(&o->h, "static inline %s { %s }\n", proto, body);
}

/* The runtime call behind X_query_where_<field>_<op>(q, value): the value
 * converted to what the runtime compares (booleans 0/1, enums their text). */
static const char *compare_call(cgen *g, const mcc_column *col, const char *cc, const char *op)
{
    switch (cg_kind_of(col)) {
    case CG_INT64: case CG_INT32:
        return mcc_arena_printf(g->arena, "mc_query_where_int((mc_query *)q, %s, %s, value);", cc, op);
    case CG_BOOL:
        return mcc_arena_printf(g->arena, "mc_query_where_int((mc_query *)q, %s, %s, value ? 1 : 0);", cc, op);
    case CG_DOUBLE:
        return mcc_arena_printf(g->arena, "mc_query_where_double((mc_query *)q, %s, %s, value);", cc, op);
    case CG_TEXT:
        return mcc_arena_printf(g->arena, "mc_query_where_text((mc_query *)q, %s, %s, value);", cc, op);
    case CG_ENUM:
        return mcc_arena_printf(g->arena, "mc_query_where_text((mc_query *)q, %s, %s, %s_to_text(value));", cc, op,
                               cg_enum_fn(g, col->enum_type));
    case CG_BLOB:
        return mcc_arena_printf(g->arena, "mc_query_where_blob((mc_query *)q, %s, %s, value ? value->data : NULL, "
                               "value ? value->len : 0);", cc, op);
    }
    return "";
}

/* One column's predicates under one doc comment. */
static void emit_column_family(cgen *g, cg_out *o, const mcc_table *t, const mcc_column *col)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t), *cc = cg_col_const(g, t, col);
    cg_kind k = cg_kind_of(col);
    const char *pt = cg_param_type(g, col);
    const char *sp = pt[strlen(pt) - 1] == '*' ? "" : " ";
    size_t nops = (k == CG_BOOL || k == CG_BLOB || k == CG_ENUM) ? 2 : 6;
    bool like = k == CG_TEXT, in = k == CG_INT64 || k == CG_TEXT || k == CG_DOUBLE;

    mcc_buf doc = {0};
    mcc_buf_printf(&doc, "Filters on %s: %s", col->field, nops == 2 ? "_eq _ne" : "_eq _ne _lt _le _gt _ge");
    if (like)
        mcc_buf_put(&doc, ", _like");
    if (in)
        mcc_buf_put(&doc, ", _in");
    if (col->nullable)
        mcc_buf_put(&doc, ", _is_null, _is_not_null");
    mcc_buf_put(&doc, ".");
    cg_doc(&o->h, doc.data);
    mcc_buf_free(&doc);

    for (size_t j = 0; j < nops; j++)
        one_liner(o, mcc_arena_printf(g->arena, "void %s_query_where_%s_%s(%s_query *q, %s%svalue)", fn, col->field,
                                        cmp_ops[j].name, type, pt, sp),
                  compare_call(g, col, cc, cmp_ops[j].op));
    if (like)
        one_liner(o, mcc_arena_printf(g->arena, "void %s_query_where_%s_like(%s_query *q, const char *pattern)", fn,
                                        col->field, type),
                  mcc_arena_printf(g->arena, "mc_query_where_text((mc_query *)q, %s, MC_LIKE, pattern);", cc));
    if (in) {
        const char *arr = k == CG_INT64 ? "const int64_t *" : k == CG_DOUBLE ? "const double *" : "const char *const *";
        one_liner(o, mcc_arena_printf(g->arena, "void %s_query_where_%s_in(%s_query *q, %svalues, size_t n)", fn,
                                        col->field, type, arr),
                  mcc_arena_printf(g->arena, "mc_query_where_in_%s((mc_query *)q, %s, values, n);",
                                  k == CG_INT64 ? "int" : k == CG_DOUBLE ? "double" : "text", cc));
    }
    if (col->nullable) {
        one_liner(o, mcc_arena_printf(g->arena, "void %s_query_where_%s_is_null(%s_query *q)", fn, col->field, type),
                  mcc_arena_printf(g->arena, "mc_query_where_null((mc_query *)q, %s, 1);", cc));
        one_liner(o, mcc_arena_printf(g->arena, "void %s_query_where_%s_is_not_null(%s_query *q)", fn, col->field, type),
                  mcc_arena_printf(g->arena, "mc_query_where_null((mc_query *)q, %s, 0);", cc));
    }
    mcc_buf_put(&o->h, "\n");
}

void cg_emit_predicates(cgen *g, cg_out *o, const mcc_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        emit_column_family(g, o, t, &t->columns[i]);
}

void cg_emit_query_wrappers(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    cg_doc(&o->h, "Frees a query; NULL is a no-op.");
    one_liner(o, mcc_arena_printf(g->arena, "void %s_query_free(%s_query *q)", fn, type),
              "mc_query_free((mc_query *)q);");
    mcc_buf_put(&o->h, "\n");
    cg_doc(&o->h, "Shapes the query: _order_by a column, ascending or (desc) descending, calls adding keys in order; "
                  "_limit: at most n rows (n < 0: no limit); _offset: skips the first n rows.");
    one_liner(o, mcc_arena_printf(g->arena, "void %s_query_order_by(%s_query *q, %s_column column, bool desc)", fn,
                                    type, type),
              "mc_query_order_by((mc_query *)q, (int)column, desc);");
    one_liner(o, mcc_arena_printf(g->arena, "void %s_query_limit(%s_query *q, int64_t n)", fn, type),
              "mc_query_limit((mc_query *)q, n);");
    one_liner(o, mcc_arena_printf(g->arena, "void %s_query_offset(%s_query *q, int64_t n)", fn, type),
              "mc_query_offset((mc_query *)q, n);");
    mcc_buf_put(&o->h, "\n");
    cg_doc(&o->h, "*count = the number of rows the query gives.");
    one_liner(o, mcc_arena_printf(g->arena, "int %s_query_count(%s_query *q, int64_t *count)", fn, type),
              "return mc_query_count((mc_query *)q, count);");
    mcc_buf_put(&o->h, "\n");
}

void cg_emit_setters(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    bool any = false;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        cg_kind k = cg_kind_of(col);
        if (k != CG_TEXT && k != CG_BLOB)
            continue;
        if (!any)
            cg_doc(&o->h, mcc_arena_printf(g->arena, "Setters: row->field becomes a copy of the value (NULL: SQL NULL), "
                                          "the old one freed. Only for a %s that owns its strings (one modelc gave you).",
                                          type));
        any = true;
        if (k == CG_TEXT)
            one_liner(o, mcc_arena_printf(g->arena, "int %s_set_%s(%s *row, const char *value)", fn, col->field, type),
                      mcc_arena_printf(g->arena, "return mc_set_text(&row->%s, value);", col->field));
        else
            one_liner(o, mcc_arena_printf(g->arena, "int %s_set_%s(%s *row, const void *data, size_t len)", fn,
                                            col->field, type),
                      mcc_arena_printf(g->arena, "return mc_set_blob(&row->%s, data, len);", col->field));
    }
    if (any)
        mcc_buf_put(&o->h, "\n");
}
