/*
 * c_compact.c -- generate --compact: each model's functions as one call
 * into the runtime, driven by a table of the model (protobuf's
 * optimize_for = CODE_SIZE).
 *
 * The header is the same in both modes; so are the functions' doc
 * comments and prototypes, which c_crud.c, c_bulk.c, c_stream.c and
 * c_pages.c write as always (cg_fn_begin) before asking here for the body
 * (cg_compact_body).  What the default mode spells out per column -- the
 * reader, the checks, the bindings, the defaults, the list growth -- the
 * runtime does by the model's mc_model (runtime/modelc.h, "model
 * descriptors"; runtime/model_read.c, model_ops.c, model_lists.c), which
 * cg_compact_tables writes as static const data before the functions:
 *
 *   <fn>_mc_init      the struct as X_INIT makes it
 *   <fn>_mc_names     the names and values of the model's enum columns
 *   <fn>_mc_cols      one line per column: kind (types.def's rt column),
 *                     flags, offsetof the member and of its _null flag,
 *                     limits for the checks, the insert default
 *   <fn>_mc_keycols   the columns of each key
 *   <fn>_mc_keys      the primary key, then the unique keys (X_find_by_*)
 *   <fn>_mc_cascades  the children X_delete deletes first
 *   <fn>_mc_model     the SQL texts and the rest; external (each source
 *                     declares those it uses with the row readers), so
 *                     that a model's eager loaders read related rows by
 *                     the related model's table, in any source
 *
 * The SQL texts are the default mode's, from the same builders (c_crud.c),
 * fixed at generation time and written as C literals; identifiers quoted.
 * Relationship accessors, eager loaders and named queries stay as the
 * default mode writes them: they call X_read, which here is a one-liner;
 * X_<rel>_list over integer keys is one call (mc_model_list_by) with the
 * default mode's literal statement (c_relations.c).
 */
#include "cgen.h"

#include <string.h>

/* "<fn>_mc_<what>" */
static const char *tname(cgen *g, const mcc_table *t, const char *what)
{
    return mcc_arena_printf(g->arena, "%s_mc_%s", cg_fn(g, t), what);
}

/* The MC_COLF_ flags of column i. */
static const char *col_flags(cgen *g, const mcc_table *t, const mcc_column *c)
{
    mcc_buf b = {0};
    if (c->primary_key)
        mcc_buf_put(&b, " | MC_COLF_PK");
    if (c == cg_rowid(t))
        mcc_buf_put(&b, " | MC_COLF_ROWID");
    if (cg_null_flag(c))
        mcc_buf_put(&b, " | MC_COLF_NULL_FLAG");
    if (cg_fills_absent(c))
        mcc_buf_put(&b, " | MC_COLF_FILL_DEFAULT");
    const char *r = b.data ? mcc_arena_strdup(g->arena, b.data + 3) : "0";
    mcc_buf_free(&b);
    return r;
}

/* One line of <fn>_mc_cols (enum_at: where the column's enum starts in
 * <fn>_mc_names). */
static void emit_col(cgen *g, mcc_buf *c, const mcc_table *t, const mcc_column *col, size_t enum_at)
{
    const char *type = cg_type(g, t);
    int length = 0, scale = 0;
    const char *names = "NULL", *def = "NULL", *def_len = "0", *def_enum = "0";
    if (col->type == MCC_T_STRING || col->type == MCC_T_TEXT) {
        length = col->length;
    } else if (col->type == MCC_T_NUMERIC) {
        length = col->precision;
        scale = col->scale;
    } else if (col->type == MCC_T_ENUM) {
        length = (int)col->enum_type->nvalues;
        names = mcc_arena_printf(g->arena, "%s + %zu", tname(g, t, "names"), enum_at);
    }
    if (cg_fills_absent(col)) {
        if (cg_kind_of(col) == CG_ENUM) {
            def_enum = cg_init_value(g, col, false);
        } else if (cg_kind_of(col) == CG_BLOB) {
            def = cg_cstr(g, col->def.text);
            def_len = mcc_arena_printf(g->arena, "%zu", strlen(col->def.text));
        } else {
            def = cg_init_value(g, col, false);     /* (char *)"text" or MC_NOW */
        }
    }
    const char *flag = cg_flag_member(g, col);
    mcc_buf_printf(c, "    {%s, %s, %s, offsetof(%s, %s), %s, sizeof(%s), %d, %d, %s, %s, %s, %s},\n",
                   cg_cstr(g, col->field), cg_rt_kind(col), col_flags(g, t, col), type, col->field,
                   flag ? mcc_arena_printf(g->arena, "offsetof(%s, %s)", type, flag) : "0",
                   cg_member_type(g, col), length, scale, names, def, def_len, def_enum);
}

/* <fn>_mc_names: for each enum column, the enum's name then its values. */
static void emit_enum_names(cgen *g, mcc_buf *c, const mcc_table *t, size_t *at)
{
    size_t n = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        at[i] = n;
        if (col->type != MCC_T_ENUM)
            continue;
        if (n == 0)
            mcc_buf_printf(c, "static const char *const %s[] = {\n", tname(g, t, "names"));
        mcc_buf_printf(c, "    %s,", cg_cstr(g, col->enum_type->name));
        for (size_t v = 0; v < col->enum_type->nvalues; v++)
            mcc_buf_printf(c, " %s,", cg_cstr(g, col->enum_type->values[v]));
        mcc_buf_put(c, "\n");
        n += 1 + col->enum_type->nvalues;
    }
    if (n)
        mcc_buf_put(c, "};\n");
}

/* <fn>_mc_keycols and <fn>_mc_keys: the primary key, then cg_unique_keys. */
static size_t emit_keys(cgen *g, mcc_buf *c, const mcc_table *t)
{
    cg_key keys[CG_MAX_KEYS + 1];
    keys[0] = (cg_key){t->pk, t->npk};
    size_t n = 1 + cg_unique_keys(t, keys + 1);
    mcc_buf_printf(c, "static const int %s[] = {", tname(g, t, "keycols"));
    for (size_t k = 0, i = 0; k < n; k++)
        for (size_t j = 0; j < keys[k].n; j++, i++)
            mcc_buf_printf(c, "%s%zu", i ? ", " : "", keys[k].cols[j]);
    mcc_buf_put(c, "};\n");
    mcc_buf_printf(c, "static const mc_model_key %s[] = {\n", tname(g, t, "keys"));
    for (size_t k = 0, at = 0; k < n; at += keys[k].n, k++)
        mcc_buf_printf(c, "    {%s, %zu, %s + %zu},\n", cg_cstr(g, cg_select_by_sql(g, t, keys[k].cols, keys[k].n)),
                       keys[k].n, tname(g, t, "keycols"), at);
    mcc_buf_put(c, "};\n");
    return n;
}

static size_t emit_cascades(cgen *g, mcc_buf *c, const mcc_table *t)
{
    const mcc_relationship *cs[32];
    size_t n = cg_delete_cascades(t, cs, 32);
    if (n == 0)
        return 0;
    mcc_buf_printf(c, "static const mc_model_cascade %s[] = {\n", tname(g, t, "cascades"));
    for (size_t i = 0; i < n; i++)
        mcc_buf_printf(c, "    {%s, %s},\n", cg_cstr(g, cg_cascade_delete_sql(g, cs[i])), cg_cstr(g, cs[i]->target->name));
    mcc_buf_put(c, "};\n");
    return n;
}

void cg_compact_tables(cgen *g, mcc_buf *c, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    const mcc_column *rowid = cg_rowid(t);
    size_t *enum_at = mcc_arena_alloc(g->arena, (t->ncolumns + 1) * sizeof *enum_at);

    mcc_buf_printf(c, "/* What the runtime runs %s's functions by (generate --compact: modelc.h, \"model descriptors\"). */\n",
                   fn);
    mcc_buf_printf(c, "static const %s %s = %s;\n", type, tname(g, t, "init"), cg_init_macro(g, t));
    emit_enum_names(g, c, t, enum_at);
    mcc_buf_printf(c, "static const mc_model_col %s[] = {\n", tname(g, t, "cols"));
    mcc_buf_put(c, "    /* field, kind, flags, offset, its _null flag, size, length or precision, scale, enum names,\n"
                   "     * insert default, its length, enum default */\n");
    for (size_t i = 0; i < t->ncolumns; i++)
        emit_col(g, c, t, &t->columns[i], enum_at[i]);
    mcc_buf_put(c, "};\n");
    size_t nkeys = emit_keys(g, c, t);
    size_t ncascades = emit_cascades(g, c, t);
    const char *update = cg_update_sql(g, t);
    int rowid_at = -1;
    for (size_t i = 0; rowid && i < t->ncolumns; i++)
        if (&t->columns[i] == rowid)
            rowid_at = (int)i;
    cg_snippet(c,
               "const mc_model {{model}} = {\n"
               "    MC_MODEL_ABI, {{table}}, sizeof({{type}}), &{{init}}, &{{fn}}_meta, {{ncols}}, {{cols}}, {{rowid}},\n"
               "    {{insert}},\n"
               "    {{insert_rowid}},\n"
               "    {{update}},\n"
               "    {{delete}},\n"
               "    {{nkeys}}, {{keys}}, {{ncascades}}, {{cascades}},\n"
               "};\n"
               "\n",
               "model", tname(g, t, "model"), "table", cg_cstr(g, t->name), "type", type, "init", tname(g, t, "init"),
               "fn", fn, "ncols", mcc_arena_printf(g->arena, "%zu", t->ncolumns), "cols", tname(g, t, "cols"),
               "rowid", mcc_arena_printf(g->arena, "%d", rowid_at),
               "insert", cg_cstr(g, cg_insert_sql(g, t, rowid, false)),
               "insert_rowid", rowid ? cg_cstr(g, cg_insert_sql(g, t, rowid, true)) : "NULL",
               "update", update ? cg_cstr(g, update) : "NULL", "delete", cg_cstr(g, cg_delete_sql(g, t)),
               "nkeys", mcc_arena_printf(g->arena, "%zu", nkeys), "keys", tname(g, t, "keys"),
               "ncascades", mcc_arena_printf(g->arena, "%zu", ncascades),
               "cascades", ncascades ? tname(g, t, "cascades") : "NULL", NULL);

    /* Here only relationships, eager loaders and named queries call the
     * reader: inline, so that a model without them has no unused one. */
    mcc_buf_printf(c, "/* Reads result columns at..at+%zu of st into row (zeroed or cleared). */\n", t->ncolumns - 1);
    mcc_buf_printf(c, "%sint %s_read(mc_db *db, mc_stmt *st, int at, %s *row)\n{\n",
                   g->split ? "" : "static inline ", fn, type);
    mcc_buf_printf(c, "    return mc_model_read(db, &%s, st, at, row);\n}\n\n", tname(g, t, "model"));
}

/* ", id" / ", (int)format, title": the key's parameters as the runtime's
 * varargs read them (enums and booleans as int, the promotion made plain). */
static const char *key_args(cgen *g, const mcc_table *t, size_t key)
{
    cg_key keys[CG_MAX_KEYS + 1];
    keys[0] = (cg_key){t->pk, t->npk};
    cg_unique_keys(t, keys + 1);
    mcc_buf b = {0};
    for (size_t i = 0; i < keys[key].n; i++) {
        const mcc_column *col = &t->columns[keys[key].cols[i]];
        cg_kind k = cg_kind_of(col);
        mcc_buf_printf(&b, ", %s%s", k == CG_ENUM || k == CG_BOOL || k == CG_INT32 ? "(int)" : "", cg_param(g, col));
    }
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return r;
}

/* The body of op: one call, an out parameter passed as the caller's typed
 * object (the runtime writes it whole: modelc.h). */
void cg_compact_body(cgen *g, mcc_buf *c, const mcc_table *t, cg_op op, size_t key)
{
    const char *type = cg_type(g, t), *m = mcc_arena_printf(g->arena, "&%s", tname(g, t, "model"));
    switch (op) {
    case CG_OP_INIT: mcc_buf_line(c, "mc_model_init(%s, row);", m); break;
    case CG_OP_NEW: mcc_buf_line(c, "return (%s *)mc_model_new(%s);", type, m); break;
    case CG_OP_CLEAR: mcc_buf_line(c, "mc_model_clear(%s, row);", m); break;
    case CG_OP_FREE: mcc_buf_line(c, "mc_model_free(%s, row);", m); break;
    case CG_OP_LIST_FREE: mcc_buf_line(c, "mc_model_list_free(%s, list);", m); break;
    case CG_OP_PAGE_FREE: mcc_buf_line(c, "mc_model_page_free(%s, page);", m); break;
    case CG_OP_INSERT: mcc_buf_line(c, "return mc_model_insert(db, %s, row);", m); break;
    case CG_OP_UPDATE: mcc_buf_line(c, "return mc_model_update(db, %s, row);", m); break;
    case CG_OP_INSERT_MANY: mcc_buf_line(c, "return mc_model_insert_many(db, %s, rows, n);", m); break;
    case CG_OP_DELETE: mcc_buf_line(c, "return mc_model_delete(db, %s%s);", m, key_args(g, t, 0)); break;
    case CG_OP_FIND: mcc_buf_line(c, "return mc_model_find(db, %s, %zu, out%s);", m, key, key_args(g, t, key)); break;
    case CG_OP_QUERY_NEXT: mcc_buf_line(c, "return mc_model_query_next((mc_query *)q, %s, row);", m); break;
    case CG_OP_NEXT_LENT: mcc_buf_line(c, "return mc_model_query_next_lent((mc_query *)q, %s, row);", m); break;
    case CG_OP_QUERY_FIRST: mcc_buf_line(c, "return mc_model_query_first((mc_query *)q, %s, out);", m); break;
    case CG_OP_QUERY_ALL: mcc_buf_line(c, "return mc_model_query_all((mc_query *)q, %s, out);", m); break;
    case CG_OP_ALL: mcc_buf_line(c, "return mc_model_all(db, %s, out);", m); break;
    case CG_OP_QUERY_PAGE:
        mcc_buf_line(c, "return mc_model_query_page((mc_query *)q, %s, page, per_page, out);", m);
        break;
    }
}
