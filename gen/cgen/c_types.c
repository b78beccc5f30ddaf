/* c_types.c -- the type section of the generated header: enums, one struct
 * per model, lists, queries, column constants; and each table's metadata
 * (quoted names) in the source. */
#include "cgen.h"
#include "naming.h"

#include <string.h>

static void emit_enum(cgen *g, cg_out *o, const mcc_enum *e)
{
    const char *type = cg_enum_type(g, e), *fn = cg_enum_fn(g, e);
    mcc_buf *h = &o->h;
    cg_commentf(h, "enum %s: stored as its value's name (VARCHAR(%zu)); 0 means NULL / not set.", e->name, e->maxlen);
    mcc_buf_printf(h, "typedef enum %s {\n", type);
    for (size_t i = 0; i < e->nvalues; i++)
        mcc_buf_printf(h, "    %s = %zu%s\n", cg_enum_value(g, e, i), i + 1, i + 1 < e->nvalues ? "," : "");
    mcc_buf_printf(h, "} %s;\n\n", type);

    mcc_buf_printf(&o->c, "static const char *const %s_names[] = {NULL", fn);
    for (size_t i = 0; i < e->nvalues; i++)
        mcc_buf_printf(&o->c, ", %s", cg_cstr(g, e->values[i]));
    mcc_buf_put(&o->c, "};\n\n");

    cg_fn_begin(o, mcc_arena_printf(g->arena, "The stored text of a %s value; NULL for 0 or a value out of range.", type),
                "const char *%s_to_text(%s value)", fn, type);
    mcc_buf_line(&o->c, "if ((int)value < 1 || (int)value > %zu)", e->nvalues);
    mcc_buf_line(&o->c, "    return NULL;");
    mcc_buf_line(&o->c, "return %s_names[value];", fn);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena, "The %s value stored as text; 0 for NULL or an unknown text.", type),
                "%s %s_from_text(const char *text)", type, fn);
    mcc_buf_line(&o->c, "if (!text)");
    mcc_buf_line(&o->c, "    return (%s)0;", type);
    mcc_buf_line(&o->c, "for (int i = 1; i <= %zu; i++)", e->nvalues);
    mcc_buf_line(&o->c, "    if (strcmp(text, %s_names[i]) == 0)", fn);
    mcc_buf_line(&o->c, "        return (%s)i;", type);
    mcc_buf_line(&o->c, "return (%s)0;", type);
    cg_fn_end(o);
}

static const char *member_comment(cgen *g, const mcc_table *t, const mcc_column *c)
{
    mcc_buf b = {0};
    mcc_buf_put(&b, c->sql_type);
    if (c->primary_key)
        mcc_buf_put(&b, ", primary key");
    if (c == cg_rowid(t))
        mcc_buf_put(&b, " (0 on insert: assigned)");
    if (!c->nullable)
        mcc_buf_put(&b, ", not null");
    else if (cg_kind_of(c) == CG_TEXT || cg_kind_of(c) == CG_BLOB)
        mcc_buf_put(&b, ", NULL when absent");
    if (c->def.kind != MCC_L_NONE)
        mcc_buf_printf(&b, ", default %s", c->def.text ? c->def.text : (c->def.kind == MCC_L_TRUE ? "true" :
                                                                         c->def.kind == MCC_L_FALSE ? "false" : "null"));
    if (c->server_default)
        mcc_buf_printf(&b, ", server default %s", c->server_default);
    if (c->fk)
        mcc_buf_printf(&b, ", references %s.%s", c->fk->ref_table, c->fk->ref_cols[0]);
    mcc_buf safe = {0};
    cg_put_comment_text(&safe, b.data ? b.data : "");
    const char *r = mcc_arena_strdup(g->arena, safe.data ? safe.data : "");
    mcc_buf_free(&b);
    mcc_buf_free(&safe);
    return r;
}

/* X_INIT: every member in struct order (positional, so that it is valid
 * C and C++), starting from the schema's defaults. */
static void emit_init_macro(cgen *g, cg_out *o, const mcc_table *t)
{
    mcc_buf *h = &o->h;
    const char *macro = cg_init_macro(g, t);
    mcc_buf_printf(h, "/* A %s with the schema's defaults: %s x = %s; (then set what you have). */\n",
                  cg_type(g, t), cg_type(g, t), macro);
    mcc_buf vals = {0};
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *c = &t->columns[i];
        mcc_buf_printf(&vals, "%s%s", i ? ", " : "", cg_init_value(g, c, false));
        if (cg_null_flag(c))
            mcc_buf_printf(&vals, ", %s", cg_init_value(g, c, true));
    }
    if (strlen(macro) + vals.len + 14 <= 100) {
        mcc_buf_printf(h, "#define %s { %s }\n\n", macro, vals.data);
        mcc_buf_free(&vals);
        return;
    }
    /* Wrapped at the commas (a value never contains ", " but a blob's {p, n}). */
    mcc_buf_printf(h, "#define %s { \\\n   ", macro);
    size_t col = 3, depth = 0;
    const char *start = vals.data;
    for (const char *p = vals.data;; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}')
            depth--;
        if (*p && !(*p == ',' && depth == 0))
            continue;
        size_t w = (size_t)(p - start) + (*p ? 1 : 0);
        if (col + w + 1 > 96) {
            mcc_buf_put(h, " \\\n   ");
            col = 3;
        }
        mcc_buf_putc(h, ' ');
        mcc_buf_putn(h, start, w);
        col += w + 1;
        if (!*p)
            break;
        start = p + 1;
        while (*start == ' ')
            start++, p++;
    }
    mcc_buf_free(&vals);
    mcc_buf_put(h, " }\n\n");
}

static void emit_struct(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t);
    mcc_buf *h = &o->h;
    cg_commentf(h, "model %s: table %s", t->model, t->name);
    mcc_buf_printf(h, "struct %s {\n", type);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *c = &t->columns[i];
        const char *mt = cg_member_type(g, c);
        size_t n = strlen(mt);
        const char *sp = mt[n - 1] == '*' ? "" : " ";
        size_t w = n + strlen(sp) + strlen(c->field);
        mcc_buf_printf(h, "    %s%s%s;%*s/* %s */\n", mt, sp, c->field, (int)(w < 31 ? 31 - w : 1), "",
                      member_comment(g, t, c));
        if (cg_null_flag(c))
            mcc_buf_printf(h, "    bool %s;%*s/* true: SQL NULL (%s is then 0) */\n", cg_flag_member(g, c),
                          (int)(strlen(c->field) < 21 ? 21 - strlen(c->field) : 1), "", c->field);
    }
    mcc_buf_printf(h, "};\n\n");
    emit_init_macro(g, o, t);
    cg_commentf(h, "Rows of %s: items[0..count), owned by the list; free with %s_list_free.", t->model, cg_fn(g, t));
    mcc_buf_printf(h, "typedef struct %s_list {\n    %s *items;\n    size_t count;\n} %s_list;\n\n", type, type, type);
    cg_commentf(h, "Columns of %s, for %s_query_order_by.", t->model, cg_fn(g, t));
    mcc_buf_printf(h, "typedef enum %s_column {\n", type);
    for (size_t i = 0; i < t->ncolumns; i++)
        mcc_buf_printf(h, "    %s = %zu%s\n", cg_col_const(g, t, &t->columns[i]), i, i + 1 < t->ncolumns ? "," : "");
    mcc_buf_printf(h, "} %s_column;\n\n", type);

}

/* How the query builder writes column c in a predicate or ORDER BY on
 * PostgreSQL when that is not its quoted name (types.def's pgcmp: a JSON
 * column as its text, "extra"::text), or NULL. */
const char *cg_pg_compare_text(cgen *g, const mcc_column *c)
{
    static const char *const tails[MCC_T__COUNT] = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) \
        [MCC_T_##ID] = pgcmp,
#include "types.def"
#undef X
    };
    const char *tail = tails[c->type];
    return tail && *tail ? mcc_arena_printf(g->arena, "%s%s", cg_sql_ident(g, c->name), tail) : NULL;
}

/* The table's metadata (quoted names) for the runtime's query builder, in
 * the source next to the model's functions: X_query hands it over.  The
 * PostgreSQL column texts (X_pg_columns) only for a table that has one;
 * others get NULL. */
void cg_emit_table_meta(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *fn = cg_fn(g, t);
    bool pg_texts = false;
    mcc_buf_printf(&o->c, "static const char *const %s_columns[] = {", fn);
    for (size_t i = 0; i < t->ncolumns; i++) {
        mcc_buf_printf(&o->c, "%s%s", i ? ", " : "", cg_cstr(g, cg_sql_ident(g, t->columns[i].name)));
        pg_texts = pg_texts || cg_pg_compare_text(g, &t->columns[i]) != NULL;
    }
    mcc_buf_put(&o->c, "};\n");
    if (pg_texts) {
        mcc_buf_printf(&o->c, "static const char *const %s_pg_columns[] = {", fn);
        for (size_t i = 0; i < t->ncolumns; i++) {
            const char *text = cg_pg_compare_text(g, &t->columns[i]);
            mcc_buf_printf(&o->c, "%s%s", i ? ", " : "", text ? cg_cstr(g, text) : "NULL");
        }
        mcc_buf_put(&o->c, "};\n");
    }
    mcc_buf_printf(&o->c, "static const mc_table_meta %s_meta = {\n", fn);
    mcc_buf_printf(&o->c, "    %s, %s,\n", cg_cstr(g, t->name), cg_cstr(g, cg_sql_ident(g, t->name)));
    mcc_buf_printf(&o->c, "    %s,\n", cg_cstr(g, cg_column_list(g, t)));
    mcc_buf_printf(&o->c, "    %zu, %s_columns, %s%s\n};\n\n", t->ncolumns, fn, pg_texts ? fn : "NULL",
                   pg_texts ? "_pg_columns" : "");
}

void cg_emit_types(cgen *g, cg_out *o)
{
    const mcc_schema *s = g->schema;
    for (size_t i = 0; i < s->nenums; i++)
        emit_enum(g, o, &s->enums[i]);
    mcc_buf_put(&o->h, "/* Every model, declared first so that relationships can name any of them. */\n");
    for (size_t i = 0; i < s->ntables; i++)
        mcc_buf_printf(&o->h, "typedef struct %s %s;\n", cg_type(g, s->tables[i]), cg_type(g, s->tables[i]));
    mcc_buf_put(&o->h, "\n/* Queries: built with X_query_where_* / order_by / limit / offset, run with\n"
                      " * count, first, all or next; freed with X_query_free.  Filters, all ANDed:\n"
                      " * X_query_where_<field>_eq/_ne/_lt/_le/_gt/_ge(q, value) compare (booleans,\n"
                      " * blobs and enums: _eq and _ne), _like(q, pattern) takes an SQL LIKE pattern\n"
                      " * (% and _), _in(q, values, n) keeps rows equal to one of values[0..n) (none\n"
                      " * when n is 0), _is_null / _is_not_null test nullable columns. */\n");
    for (size_t i = 0; i < s->ntables; i++)
        mcc_buf_printf(&o->h, "typedef struct %s_query %s_query;\n", cg_type(g, s->tables[i]),
                      cg_type(g, s->tables[i]));
    mcc_buf_put(&o->h, "\n");
    for (size_t i = 0; i < s->ntables; i++)
        emit_struct(g, o, s->tables[i]);
}

void cg_emit_reader_decls(cgen *g, mcc_buf *c, mcc_table *const *tables, size_t ntables)
{
    const mcc_schema *s = g->schema;
    mcc_buf_put(c, g->split ? "/* Row readers, defined with each model's functions (in its own file). */\n"
                           : "/* Row readers, defined with each model's functions. */\n");
    for (size_t i = 0; i < s->ntables; i++) {
        const mcc_table *t = s->tables[i];
        bool used = tables == NULL;
        for (size_t k = 0; k < ntables && !used; k++) {
            used = tables[k] == t;
            for (size_t r = 0; r < tables[k]->nrels && !used; r++)
                used = tables[k]->rels[r]->target == t;
        }
        if (used)
            mcc_buf_printf(c, "%sint %s_read(mc_db *db, mc_stmt *st, int at, %s *row);\n", cg_reader_linkage(g),
                          cg_fn(g, t), cg_type(g, t));
        if (used && g->compact)     /* the eager loaders read related rows by it (c_compact.c) */
            mcc_buf_printf(c, "extern const mc_model %s_mc_model;\n", cg_fn(g, t));
    }
    mcc_buf_put(c, "\n");
}
