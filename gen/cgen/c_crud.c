/*
 * c_crud.c -- per model: new/free/clear, setters, insert, get, find_by,
 * update, delete, and the typed query (predicates per column, order,
 * page, count, first, all, streaming next).
 *
 * The generated code calls libmodelc's mc_stmt functions (inline sqlite3
 * calls on SQLite, the libpq driver on PostgreSQL: one compiled program
 * runs on both), one function a reader can find per operation; SQL texts
 * are string literals (so the runtime's statement cache keys them by
 * address) built here from double-quoted identifiers and `?` placeholders
 * only, SQL both databases read alike.  An insert that lets the database
 * choose the id ends in RETURNING it (mc_stmt_prepare_insert).
 */
#include "cgen.h"
#include "naming.h"

#include <string.h>

/* ---- pieces of C -------------------------------------------------------- */

/* Statement that binds `expr` (a value of column c's C type) at idx:
 * types.def's bind template for the type. */
static const char *bind_value(cgen *g, const mcc_column *c, int idx, const char *expr)
{
    cg_call_vars v = {c, mcc_arena_printf(g->arena, "%d", idx), expr, NULL, NULL, NULL};
    return cg_bind_call(g, &v);
}

/* Same, for a parameter passed by the caller (blobs come as pointers,
 * NULL for SQL NULL). */
static const char *bind_param(cgen *g, const mcc_column *c, int idx, const char *name)
{
    if (cg_kind_of(c) == CG_BLOB)
        return mcc_arena_printf(g->arena, "%s ? %s : mc_stmt_bind_null(st, %d)", name,
                               bind_value(g, c, idx, mcc_arena_printf(g->arena, "*%s", name)), idx);
    return bind_value(g, c, idx, name);
}

/* The C expression of column c's default(...) (see cg_init_value). */
static const char *default_expr(cgen *g, const mcc_column *c)
{
    return cg_init_value(g, c, false);
}

/* Does column c take its default when the struct holds nothing a NOT NULL
 * column could store (a NULL pointer or blob, enum 0)?  Only then is a default
 * applied on insert: a value the caller set is never replaced. */
bool cg_fills_absent(const mcc_column *c)
{
    cg_kind k = cg_kind_of(c);
    return !c->nullable && (k == CG_TEXT || k == CG_BLOB || k == CG_ENUM) && c->def.kind != MCC_L_NONE &&
           c->def.kind != MCC_L_NULL;
}

/* A not_null string, blob or enum with a server default: NULL/0 in the
 * struct is written as coalesce(?, default) on insert and leaves the
 * column as it is on update (NULL is not a value such a column holds). */
static bool server_fills_absent(const mcc_column *c)
{
    cg_kind k = cg_kind_of(c);
    return !c->nullable && c->server_default && (k == CG_TEXT || k == CG_BLOB || k == CG_ENUM);
}

/* Binds row->field for a write; on insert, a not_null string or enum left
 * NULL/0 takes its default(...) (see cg_fills_absent). */
static void emit_bind_field(cgen *g, mcc_buf *c, const mcc_table *t, const mcc_column *col, int idx, bool insert)
{
    const char *f = mcc_arena_printf(g->arena, "row->%s", col->field);
    const char *def = insert && cg_fills_absent(col) ? default_expr(g, col) : NULL;
    (void)t;
    if (cg_null_flag(col)) {
        mcc_buf_line(c, "b |= row->%s_null ? mc_stmt_bind_null(st, %d) : %s;", col->field, idx,
                    bind_value(g, col, idx, f));
    } else if (def && cg_kind_of(col) == CG_BLOB) {
        mcc_buf_line(c, "b |= %s;", bind_value(g, col, idx, mcc_arena_printf(g->arena, "(%s.data ? %s : (mc_blob)%s)", f, f, def)));
    } else if (def) {
        mcc_buf_line(c, "b |= %s;", bind_value(g, col, idx, mcc_arena_printf(g->arena, "(%s ? %s : %s)", f, f, def)));
    } else {
        mcc_buf_line(c, "b |= %s;", bind_value(g, col, idx, f));
    }
}

/* Reads result column at+i into row->field; with CG_READ_LENT, strings
 * and blobs are lent from the current row (runtime/lend.c), not copied. */
void cg_emit_read_field(cgen *g, mcc_buf *c, const mcc_column *col, size_t i, int flags)
{
    const char *at = mcc_arena_printf(g->arena, "at + %zu", i);
    const char *f = col->field;
    cg_call_vars v = {col, at, mcc_arena_printf(g->arena, "row->%s", f), NULL, NULL, NULL};
    const char *get = (flags & CG_READ_LENT) ? cg_lent_read_call(g, &v) : cg_read_call(g, &v);
    switch (cg_kind_of(col)) {
    case CG_ENUM:
        mcc_buf_line(c, "row->%s = %s;", f, get);
        return;
    case CG_TEXT: case CG_BLOB:
        mcc_buf_line(c, "if (rc == MC_OK)");
        mcc_buf_line(c, "    rc = %s;", get);
        return;
    default:
        break;
    }
    if (cg_null_flag(col)) {
        /* SQL NULL reads as 0 on both engines: only a 0 needs the type
         * asked, and a value that is not 0 costs one call into SQLite */
        mcc_buf_line(c, "row->%s = %s;", f, get);
        mcc_buf_line(c, "row->%s_null = row->%s == 0 && mc_stmt_column_is_null(st, %s);", f, f, at);
    } else {
        mcc_buf_line(c, "row->%s = %s;", f, get);
    }
}

/* "int64_t id" / "int64_t book_id, int64_t tag_id" */
static const char *pk_params(cgen *g, const mcc_table *t)
{
    mcc_buf b = {0};
    for (size_t i = 0; i < t->npk; i++) {
        const mcc_column *c = &t->columns[t->pk[i]];
        const char *pt = cg_param_type(g, c);
        mcc_buf_printf(&b, "%s%s%s%s", i ? ", " : "", pt, pt[strlen(pt) - 1] == '*' ? "" : " ", cg_param(g, c));
    }
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "void");
    mcc_buf_free(&b);
    return r;
}

/* "id = ? AND x = ?" over columns cols[0..n) */
static const char *where_cols(cgen *g, const mcc_table *t, const size_t *cols, size_t n)
{
    mcc_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            mcc_buf_put(&b, " AND ");
        mcc_put_quoted_ident(&b, t->columns[cols[i]].name);
        mcc_buf_put(&b, " = ?");
    }
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return r;
}

const char *cg_select_by_sql(cgen *g, const mcc_table *t, const size_t *cols, size_t n)
{
    return cg_sqlf(g, "SELECT %s FROM %I WHERE %s", cg_column_list(g, t), t->name, where_cols(g, t, cols, n));
}

/* Steps a statement that returns no row; releases it; returns on error. */
static void emit_step_done(mcc_buf *c, const char *table_cstr)
{
    cg_snippet(c,
               "    rc = b == MC_RC_OK ? mc_stmt_step(st) : b;\n"
               "    mc_stmt_release(db, st);\n"
               "    if (rc != MC_RC_DONE)\n"
               "        return mc_status_from_rc(db, rc, {{table}});\n",
               "table", table_cstr, NULL);
}

/* X_fetch, the body every X_get and X_find_by_* share: one row of a
 * bound statement into a new struct; "no row" without a message, so that
 * the caller names its key. */
static const char fetch_tpl[] =
    "/* Steps st (bound; b the bindings' status) for at most one row: *out = a new\n"
    " * {{type}} read from it, or MC_NOTFOUND without a message (the caller names\n"
    " * the key).  st is released either way. */\n"
    "static int {{fn}}_fetch(mc_db *db, mc_stmt *st, int b, {{type}} **out)\n"
    "{\n"
    "    int rc = b == MC_RC_OK ? mc_stmt_step_flags(st, MC_STEP_WHOLE) : b;\n"
    "    if (rc != MC_RC_ROW) {\n"
    "        mc_stmt_release(db, st);\n"
    "        return rc == MC_RC_DONE ? MC_NOTFOUND : mc_status_from_rc(db, rc, {{table}});\n"
    "    }\n"
    "    {{type}} row;   /* read here, then moved to the heap: cheaper than calloc */\n"
    "    memset(&row, 0, sizeof row);\n"
    "    rc = {{fn}}_read(db, st, 0, &row);\n"
    "    mc_stmt_release(db, st);\n"
    "    if (rc == MC_OK && !(*out = ({{type}} *)malloc(sizeof **out)))\n"
    "        rc = {{nomem}};\n"
    "    if (rc != MC_OK) {\n"
    "        {{fn}}_clear(&row);\n"
    "        return rc;\n"
    "    }\n"
    "    **out = row;\n"
    "    return MC_OK;\n"
    "}\n"
    "\n";

static void emit_fetch(cgen *g, cg_out *o, const mcc_table *t)
{
    cg_snippet(&o->c, fetch_tpl, "fn", cg_fn(g, t), "type", cg_type(g, t), "table", cg_cstr(g, t->name),
               "nomem", cg_errf(g, "db", "MC_NOMEM", "%T: out of memory", t->name), NULL);
}

/* The mc_set_error call for "no row" naming the key's values. */
static const char *notfound_msg(cgen *g, const mcc_table *t, const size_t *cols, size_t n)
{
    mcc_buf fmt = {0};
    const char *args[64];
    size_t k = 0;
    mcc_buf_put(&fmt, "%T: no row with ");
    args[k++] = t->name;
    for (size_t i = 0; i < n && k + 2 < 64; i++) {
        const mcc_column *c = &t->columns[cols[i]];
        const char *p = cg_param(g, c);
        mcc_buf_put(&fmt, i ? ", %T " : "%T ");
        args[k++] = c->field;
        switch (cg_kind_of(c)) {
        case CG_INT64: mcc_buf_put(&fmt, "%lld"); args[k++] = mcc_arena_printf(g->arena, "(long long)%s", p); break;
        case CG_INT32: case CG_BOOL: mcc_buf_put(&fmt, "%d"); args[k++] = mcc_arena_printf(g->arena, "(int)%s", p); break;
        case CG_DOUBLE: mcc_buf_put(&fmt, "%g"); args[k++] = p; break;
        case CG_TEXT: mcc_buf_put(&fmt, "'%s'"); args[k++] = mcc_arena_printf(g->arena, "%s ? %s : \"NULL\"", p, p); break;
        case CG_ENUM:
            mcc_buf_put(&fmt, "%s");
            args[k++] = mcc_arena_printf(g->arena, "%s_to_text(%s) ? %s_to_text(%s) : \"NULL\"",
                                        cg_enum_fn(g, c->enum_type), p, cg_enum_fn(g, c->enum_type), p);
            break;
        case CG_BLOB: mcc_buf_put(&fmt, "(bytes)"); break;
        }
    }
    const char *r = cg_erra(g, "db", "MC_NOTFOUND", fmt.data ? fmt.data : "", args);
    mcc_buf_free(&fmt);
    return r;
}

/* ---- the functions ------------------------------------------------------ */

/* The text of the literal X_INIT gives a string or blob column. */
static const char *init_literal_text(const mcc_column *c)
{
    return c->def.kind != MCC_L_NONE ? c->def.text : c->server_def.text;
}

/* X_new's body: calloc, owned copies of the default strings and blobs
 * (all or nothing), then the other defaults. */
static void emit_new_body(cgen *g, mcc_buf *c, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf_line(c, "%s *row = (%s *)calloc(1, sizeof *row);", type, type);
    mcc_buf_line(c, "if (!row)");
    mcc_buf_line(c, "    return NULL;");
    /* Strings and blobs with a default: owned copies, all or nothing. */
    size_t ncopies = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        cg_kind k = cg_kind_of(col);
        const char *v = cg_init_value(g, col, false);
        if (!((k == CG_TEXT && strcmp(v, "NULL") != 0 && strcmp(v, "MC_NOW") != 0) ||
              (k == CG_BLOB && strcmp(v, "{NULL, 0}") != 0)))
            continue;
        const char *text = init_literal_text(col);
        const char *call = k == CG_TEXT
                               ? mcc_arena_printf(g->arena, "mc_set_text(&row->%s, %s) != MC_OK", col->field, cg_cstr(g, text))
                               : mcc_arena_printf(g->arena, "mc_set_blob(&row->%s, %s, %zu) != MC_OK", col->field,
                                                 cg_cstr(g, text), strlen(text));
        mcc_buf_line(c, "%s%s", ncopies++ ? "    || " : "if (", call);
    }
    if (ncopies) {
        c->len--;   /* the line's newline: the condition closes on it */
        mcc_buf_put(c, ") {\n");
        mcc_buf_line(c, "    %s_free(row);", fn);
        mcc_buf_line(c, "    return NULL;");
        mcc_buf_line(c, "}");
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        cg_kind k = cg_kind_of(col);
        const char *v = cg_init_value(g, col, false);
        if (k == CG_TEXT && strcmp(v, "MC_NOW") == 0)
            mcc_buf_line(c, "row->%s = MC_NOW;", col->field);
        if (k == CG_TEXT || k == CG_BLOB)
            continue;
        if (strcmp(v, "0") && strcmp(v, "0.0") && strcmp(v, "false") && !strstr(v, ")0"))
            mcc_buf_line(c, "row->%s = %s;", col->field, v);
        if (cg_null_flag(col) && strcmp(cg_init_value(g, col, true), "true") == 0)
            mcc_buf_line(c, "row->%s_null = true;", col->field);
    }
    mcc_buf_line(c, "return row;");
}

/* X_clear's body: free what the row owns (never MC_NOW), zero it. */
static void emit_clear_body(cgen *g, mcc_buf *c, const mcc_table *t)
{
    (void)g;
    mcc_buf_line(c, "if (!row)");
    mcc_buf_line(c, "    return;");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        if (cg_holds_now(col)) {
            mcc_buf_line(c, "if (row->%s != MC_NOW)", col->field);
            mcc_buf_line(c, "    free(row->%s);", col->field);
        } else if (cg_kind_of(col) == CG_TEXT)
            mcc_buf_line(c, "free(row->%s);", col->field);
        else if (cg_kind_of(col) == CG_BLOB)
            mcc_buf_line(c, "mc_blob_free(&row->%s);", col->field);
    }
    mcc_buf_line(c, "memset(row, 0, sizeof *row);");
}

static void emit_lifecycle(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;

    cg_fn_begin(o, mcc_arena_printf(g->arena, "Sets *row to %s: the schema's defaults, strings lent (static); for a %s "
                                   "you fill and never pass to %s_free.", cg_init_macro(g, t), type, fn),
                "void %s_init(%s *row)", fn, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_INIT, 0);
    else
        cg_snippet(c,
               "    const {{type}} init = {{INIT}};\n"
               "    *row = init;\n",
               "type", type, "INIT", cg_init_macro(g, t), NULL);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena, "A new %s with the schema's defaults (as %s), owning copies of its strings; "
                                   "free with %s_free. NULL when out of memory.", type, cg_init_macro(g, t), fn),
                "%s *%s_new(void)", type, fn);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_NEW, 0);
    else
        emit_new_body(g, c, t);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena, "Frees the strings and blobs a %s owns and zeroes it; NULL is a no-op.", type),
                "void %s_clear(%s *row)", fn, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_CLEAR, 0);
    else
        emit_clear_body(g, c, t);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena, "Frees a %s that modelc allocated, with what it owns; NULL is a no-op.", type),
                "void %s_free(%s *row)", fn, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_FREE, 0);
    else
        cg_snippet(c,
               "    {{fn}}_clear(row);\n"
               "    free(row);\n",
               "fn", fn, NULL);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena, "Frees every row of a list and the list's array; the list is empty after."),
                "void %s_list_free(%s_list *list)", fn, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_LIST_FREE, 0);
    else
        cg_snippet(c,
               "    if (!list)\n"
               "        return;\n"
               "    for (size_t i = 0; i < list->count; i++)\n"
               "        {{fn}}_clear(&list->items[i]);\n"
               "    free(list->items);\n"
               "    list->items = NULL;\n"
               "    list->count = 0;\n",
               "fn", fn, NULL);
    cg_fn_end(o);

    cg_emit_setters(g, o, t);
}

/* static reader and checker used by everything else */
static void emit_helpers(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    mcc_buf_printf(c, "/* Reads result columns at..at+%zu of st into row (zeroed or cleared). */\n", t->ncolumns - 1);
    mcc_buf_printf(c, "%sint %s_read(mc_db *db, mc_stmt *st, int at, %s *row)\n{\n", cg_reader_linkage(g), fn,
                  type);
    c->indent = 1;
    mcc_buf_line(c, "int rc = MC_OK;");
    bool uses_db = false;
    for (size_t i = 0; i < t->ncolumns; i++) {
        cg_emit_read_field(g, c, &t->columns[i], i, 0);
        uses_db |= cg_kind_of(&t->columns[i]) == CG_TEXT || cg_kind_of(&t->columns[i]) == CG_BLOB;
    }
    if (!uses_db)
        mcc_buf_line(c, "(void)db;");
    mcc_buf_line(c, "return rc;");
    c->indent = 0;
    mcc_buf_put(c, "}\n\n");

    mcc_buf_printf(c, "/* The checks SQLite cannot make: lengths in characters, UTF-8, JSON, dates, decimals. */\n");
    mcc_buf_printf(c, "static int %s_check(mc_db *db, const %s *row)\n{\n", fn, type);
    c->indent = 1;
    mcc_buf_line(c, "int rc = MC_OK;");
    size_t checks_start = c->len;
    const char *tn = cg_cstr(g, t->name);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        const char *fname = cg_cstr(g, col->field);
        if (col->type == MCC_T_ENUM) {
            mcc_buf_line(c, "if (rc == MC_OK && row->%s && !%s_to_text(row->%s))", col->field,
                        cg_enum_fn(g, col->enum_type), col->field);
            mcc_buf_line(c, "    rc = %s;", cg_errf(g, "db", "MC_INVALID", "%T.%T: %d is not a %T value", t->name, col->field,
                                                  mcc_arena_printf(g->arena, "(int)row->%s", col->field),
                                                  col->enum_type->name));
        } else {
            cg_call_vars v = {col, NULL, mcc_arena_printf(g->arena, "row->%s", col->field), NULL, tn, fname};
            const char *check = cg_check_call(g, &v);
            if (check) {
                mcc_buf_line(c, "if (rc == MC_OK%s%s)",
                            cg_check_needs_value(col) ? mcc_arena_printf(g->arena, " && row->%s", col->field) : "",
                            cg_null_flag(col) ? mcc_arena_printf(g->arena, " && !row->%s_null", col->field) : "");
                mcc_buf_line(c, "    rc = %s;", check);
            }
        }
        if (cg_null_flag(col)) {
            /* x_null and a value at once: the struct contradicts itself
             * (typically a value assigned to a row read as NULL). */
            mcc_buf_line(c, "if (rc == MC_OK && row->%s_null && row->%s)", col->field, col->field);
            mcc_buf_line(c, "    rc = mc_set_error(db, MC_INVALID, \"%%s.%%s: %%s_null is set but %%s is not 0 (NULL or "
                           "a value, not both)\", %s, %s, %s, %s);", tn, fname, fname, fname);
        }
    }
    if (c->len == checks_start) {
        mcc_buf_line(c, "(void)db;");
        mcc_buf_line(c, "(void)row;");
    }
    mcc_buf_line(c, "return rc;");
    c->indent = 0;
    mcc_buf_put(c, "}\n\n");
}

/* Start of insert and update: the checks SQLite cannot make, then the
 * statement, ready for its bindings. */
static void emit_write_prologue(cgen *g, mcc_buf *c, const mcc_table *t, const char *sql)
{
    cg_snippet(c,
               "    int rc = {{fn}}_check(db, row);\n"
               "    if (rc != MC_OK)\n"
               "        return rc;\n"
               "    mc_stmt *st = mc_stmt_prepare(db, {{sql}});\n"
               "    if (!st)\n"
               "        return mc_errcode(db);\n"
               "    int b = MC_RC_OK;\n",
               "fn", cg_fn(g, t), "sql", cg_cstr(g, sql), NULL);
}

/* The INSERT of t's columns, the rowid (when given) last, so that the
 * other columns keep their parameter numbers in both of emit_insert's
 * statements.  Without the rowid it ends in RETURNING it (see
 * mc_stmt_prepare_insert); a table of nothing else inserts DEFAULT VALUES. */
const char *cg_insert_sql(cgen *g, const mcc_table *t, const mcc_column *rowid, bool with_rowid)
{
    mcc_buf sql = {0}, cols = {0}, vals = {0};
    size_t n = 0;
    for (size_t i = 0; i <= t->ncolumns; i++) {
        const mcc_column *col = i < t->ncolumns ? &t->columns[i] : rowid;
        if (!col || (col == rowid && (i < t->ncolumns || !with_rowid)))
            continue;
        if (n++) {
            mcc_buf_put(&cols, ", ");
            mcc_buf_put(&vals, ", ");
        }
        mcc_put_quoted_ident(&cols, col->name);
        if (server_fills_absent(col))
            mcc_buf_printf(&vals, "coalesce(?, %s)", col->server_default);
        else
            mcc_buf_put(&vals, "?");
    }
    mcc_buf_put(&sql, cg_sqlf(g, "INSERT INTO %I", t->name));
    if (n)
        mcc_buf_printf(&sql, " (%s) VALUES (%s)", cols.data, vals.data);
    else
        mcc_buf_put(&sql, " DEFAULT VALUES");
    if (rowid && !with_rowid)
        mcc_buf_put(&sql, cg_sqlf(g, " RETURNING %I", rowid->name));
    const char *r = mcc_arena_strdup(g->arena, sql.data);
    mcc_buf_free(&sql);
    mcc_buf_free(&cols);
    mcc_buf_free(&vals);
    return r;
}

/* X_insert.  A table with a rowid (the lone integer primary key) has two
 * statements: one with the id the caller set, one that lets the database
 * choose it (SQLite's rowid, PostgreSQL's SERIAL) and reads it back. */
static void emit_insert(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    const mcc_column *rowid = cg_rowid(t);
    const char *doc = mcc_arena_printf(
        g->arena,
        "Inserts row into %s (session.add + commit outside a transaction) as the struct says: a value is never "
        "replaced by a default (%s gives the defaults). Only a NULL string or a 0 enum in a not_null column takes "
        "its default or server default; such an enum is then set in row.%s The row's strings are only read.",
        t->name, cg_init_macro(g, t),
        rowid ? mcc_arena_printf(g->arena, " row->%s == 0: the database assigns it and it is written back.",
                                rowid->field)
              : "");
    cg_fn_begin(o, doc, "int %s_insert(mc_db *db, %s *row)", fn, type);
    if (g->compact) {
        cg_compact_body(g, c, t, CG_OP_INSERT, 0);
        cg_fn_end(o);
        return;
    }
    if (rowid)
        cg_snippet(c,
                   "    int rc = {{fn}}_check(db, row);\n"
                   "    if (rc != MC_OK)\n"
                   "        return rc;\n"
                   "    mc_stmt *st = row->{{id}} ? mc_stmt_prepare(db, {{sql}})\n"
                   "                     : mc_stmt_prepare_insert(db, {{auto_sql}});\n"
                   "    if (!st)\n"
                   "        return mc_errcode(db);\n"
                   "    int b = MC_RC_OK;\n",
                   "fn", fn, "id", rowid->field, "sql", cg_cstr(g, cg_insert_sql(g, t, rowid, true)), "auto_sql",
                   cg_cstr(g, cg_insert_sql(g, t, rowid, false)), NULL);
    else
        emit_write_prologue(g, c, t, cg_insert_sql(g, t, NULL, false));
    int idx = 1;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (&t->columns[i] != rowid)
            emit_bind_field(g, c, t, &t->columns[i], idx++, true);
    if (rowid) {
        mcc_buf_line(c, "if (row->%s)", rowid->field);
        mcc_buf_line(c, "    b |= %s;", bind_value(g, rowid, idx, mcc_arena_printf(g->arena, "row->%s", rowid->field)));
    }
    emit_step_done(c, cg_cstr(g, t->name));
    /* An enum that took its default: the struct now says what was stored. */
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        if (cg_fills_absent(col) && cg_kind_of(col) == CG_ENUM) {
            mcc_buf_line(c, "if (!row->%s)", col->field);
            mcc_buf_line(c, "    row->%s = %s;", col->field, default_expr(g, col));
        }
    }
    if (rowid) {
        mcc_buf_line(c, "if (!row->%s)", rowid->field);
        mcc_buf_line(c, "    row->%s = mc_last_insert_id(db);", rowid->field);
    }
    mcc_buf_line(c, "return MC_OK;");
    cg_fn_end(o);
}

/* Body of X_get and X_find_by_*: the row whose columns cols[0..n) equal
 * the parameters named like them, into a new struct *out (X_fetch). */
static void emit_lookup_body(cgen *g, cg_out *o, const mcc_table *t, const size_t *cols, size_t n, size_t key)
{
    mcc_buf *c = &o->c;
    if (g->compact) {
        cg_compact_body(g, c, t, CG_OP_FIND, key);
        return;
    }
    cg_snippet(c,
               "    *out = NULL;\n"
               "    mc_stmt *st = mc_stmt_prepare(db, {{sql}});\n"
               "    if (!st)\n"
               "        return mc_errcode(db);\n"
               "    int b = MC_RC_OK;\n",
               "sql", cg_cstr(g, cg_select_by_sql(g, t, cols, n)), NULL);
    for (size_t i = 0; i < n; i++)
        mcc_buf_line(c, "b |= %s;", bind_param(g, &t->columns[cols[i]], (int)i + 1, cg_param(g, &t->columns[cols[i]])));
    cg_snippet(c,
               "    int rc = {{fn}}_fetch(db, st, b, out);\n"
               "    if (rc == MC_NOTFOUND)\n"
               "        rc = {{notfound}};\n"
               "    return rc;\n",
               "fn", cg_fn(g, t), "notfound", notfound_msg(g, t, cols, n), NULL);
}

static void emit_get(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    cg_fn_begin(o, mcc_arena_printf(g->arena, "*out = the %s with this primary key (free with %s_free), or MC_NOTFOUND.",
                                   type, fn),
                "int %s_get(mc_db *db, %s, %s **out)", fn, pk_params(g, t), type);
    emit_lookup_body(g, o, t, t->pk, t->npk, 0);
    cg_fn_end(o);
}

static void emit_find_by(cgen *g, cg_out *o, const mcc_table *t, const size_t *cols, size_t n, size_t key)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf name = {0}, params = {0};
    for (size_t i = 0; i < n; i++) {
        const mcc_column *col = &t->columns[cols[i]];
        const char *pt = cg_param_type(g, col);
        mcc_buf_printf(&name, "%s%s", i ? "_" : "", col->field);
        mcc_buf_printf(&params, ", %s%s%s", pt, pt[strlen(pt) - 1] == '*' ? "" : " ", cg_param(g, col));
    }
    const char *names = name.data ? name.data : "", *plist = params.data ? params.data : "";
    cg_fn_begin(o, mcc_arena_printf(g->arena, "*out = the %s whose %s equals the arguments (unique), or MC_NOTFOUND.", type,
                                   names),
                "int %s_find_by_%s(mc_db *db%s, %s **out)", fn, names, plist, type);
    mcc_buf_free(&name);
    mcc_buf_free(&params);
    emit_lookup_body(g, o, t, cols, n, key);
    cg_fn_end(o);
}

static void emit_finders(cgen *g, cg_out *o, const mcc_table *t)
{
    cg_key keys[CG_MAX_KEYS];
    size_t n = cg_unique_keys(t, keys);
    for (size_t i = 0; i < n; i++)
        emit_find_by(g, o, t, keys[i].cols, keys[i].n, i + 1);
}

const char *cg_update_sql(cgen *g, const mcc_table *t)
{
    if (t->ncolumns == t->npk)
        return NULL;    /* nothing but the key: nothing to update */
    mcc_buf sql = {0};
    mcc_buf_put(&sql, "UPDATE ");
    mcc_put_quoted_ident(&sql, t->name);
    mcc_buf_put(&sql, " SET ");
    int idx = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (t->columns[i].primary_key)
            continue;
        if (idx++)
            mcc_buf_put(&sql, ", ");
        mcc_put_quoted_ident(&sql, t->columns[i].name);
        /* NULL cannot be stored in a not_null column: for one with a
         * server default, NULL/unset means "leave it", so a row inserted
         * without it (and not re-read) can still be updated. */
        if (server_fills_absent(&t->columns[i])) {
            mcc_buf_put(&sql, " = coalesce(?, ");
            mcc_put_quoted_ident(&sql, t->columns[i].name);
            mcc_buf_put(&sql, ")");
        } else {
            mcc_buf_put(&sql, " = ?");
        }
    }
    mcc_buf_printf(&sql, " WHERE %s", where_cols(g, t, t->pk, t->npk));
    const char *r = mcc_arena_strdup(g->arena, sql.data);
    mcc_buf_free(&sql);
    return r;
}

static void emit_update(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    const char *sql = cg_update_sql(g, t);
    if (!sql)
        return;     /* nothing but the key: nothing to update */
    cg_fn_begin(o, mcc_arena_printf(g->arena, "Writes every column of row to the %s with row's primary key, as the struct "
                                   "says (a NULL string or 0 enum in a not_null column with a server default leaves it as it "
                                   "is); MC_NOTFOUND if there is none.", t->name),
                "int %s_update(mc_db *db, const %s *row)", fn, type);
    if (g->compact) {
        cg_compact_body(g, c, t, CG_OP_UPDATE, 0);
        cg_fn_end(o);
        return;
    }
    emit_write_prologue(g, c, t, sql);
    int idx = 0;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (!t->columns[i].primary_key)
            emit_bind_field(g, c, t, &t->columns[i], ++idx, false);
    for (size_t i = 0; i < t->npk; i++)
        emit_bind_field(g, c, t, &t->columns[t->pk[i]], ++idx, false);
    emit_step_done(c, cg_cstr(g, t->name));
    mcc_buf_line(c, "if (mc_changes(db) == 0)");
    mcc_buf_line(c, "    return %s;", cg_errf(g, "db", "MC_NOTFOUND", "%T: no row with this primary key", t->name));
    mcc_buf_line(c, "return MC_OK;");
    cg_fn_end(o);
}

size_t cg_delete_cascades(const mcc_table *t, const mcc_relationship **out, size_t max)
{
    const mcc_column *rowid = cg_rowid(t);
    size_t n = 0;
    for (size_t i = 0; rowid && i < t->nrels && n < max; i++) {
        const mcc_relationship *r = t->rels[i];
        if (r->cascade_delete && (r->kind == MCC_REL_ONE_TO_MANY || r->kind == MCC_REL_ONE_TO_ONE) &&
            strcmp(r->fk->ref_cols[0], rowid->name) == 0)
            out[n++] = r;
    }
    return n;
}

const char *cg_delete_sql(cgen *g, const mcc_table *t)
{
    return cg_sqlf(g, "DELETE FROM %I WHERE %s", t->name, where_cols(g, t, t->pk, t->npk));
}

const char *cg_cascade_delete_sql(cgen *g, const mcc_relationship *r)
{
    return cg_sqlf(g, "DELETE FROM %I WHERE %I = ?", r->target->name, r->target->columns[r->fk->cols[0]].name);
}

static void emit_delete(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    const mcc_column *rowid = cg_rowid(t);
    /* ORM-level cascade: children first, in one transaction. */
    const mcc_relationship *cascades[32];
    size_t ncascades = cg_delete_cascades(t, cascades, 32);
    const char *sql = cg_delete_sql(g, t);
    mcc_buf doc = {0};
    mcc_buf_printf(&doc, "Deletes the %s with this primary key; MC_NOTFOUND if there is none.", t->name);
    for (size_t i = 0; i < ncascades; i++)
        mcc_buf_printf(&doc, " Deletes its %s first (cascade: delete), all in one transaction.", cascades[i]->name);
    cg_fn_begin(o, doc.data, "int %s_delete(mc_db *db, %s)", fn, pk_params(g, t));
    mcc_buf_free(&doc);
    if (g->compact) {
        cg_compact_body(g, c, t, CG_OP_DELETE, 0);
        cg_fn_end(o);
        return;
    }
    mcc_buf_line(c, "int rc, b = MC_RC_OK;");
    mcc_buf_line(c, "mc_stmt *st;");
    if (ncascades) {
        mcc_buf_line(c, "if ((rc = mc_begin(db)) != MC_OK)");
        mcc_buf_line(c, "    return rc;");
        for (size_t i = 0; i < ncascades; i++) {
            const mcc_relationship *r = cascades[i];
            const char *del = cg_cascade_delete_sql(g, r);
            cg_snippet(c,
                       "    st = mc_stmt_prepare(db, {{sql}});\n"
                       "    if (!st) {\n"
                       "        rc = mc_errcode(db);\n"
                       "        mc_rollback(db);\n"
                       "        return rc;\n"
                       "    }\n"
                       "    b = mc_stmt_bind_int64(st, 1, {{key}});\n"
                       "    rc = b == MC_RC_OK ? mc_stmt_step(st) : b;\n"
                       "    mc_stmt_release(db, st);\n"
                       "    if (rc != MC_RC_DONE) {\n"
                       "        rc = mc_status_from_rc(db, rc, {{child_table}});\n"
                       "        mc_rollback(db);\n"
                       "        return rc;\n"
                       "    }\n",
                       "sql", cg_cstr(g, del), "key", cg_param(g, rowid), "child_table", cg_cstr(g, r->target->name), NULL);
        }
    }
    mcc_buf_line(c, "st = mc_stmt_prepare(db, %s);", cg_cstr(g, sql));
    const char *fail = ncascades ? "{ rc = mc_errcode(db); mc_rollback(db); return rc; }" : "return mc_errcode(db);";
    mcc_buf_line(c, "if (!st)");
    mcc_buf_line(c, "    %s", fail);
    for (size_t i = 0; i < t->npk; i++)
        mcc_buf_line(c, "b |= %s;", bind_param(g, &t->columns[t->pk[i]], (int)i + 1, cg_param(g, &t->columns[t->pk[i]])));
    cg_snippet(c,
               "    rc = b == MC_RC_OK ? mc_stmt_step(st) : b;\n"
               "    mc_stmt_release(db, st);\n"
               "    if (rc != MC_RC_DONE)\n"
               "        rc = mc_status_from_rc(db, rc, {{table}});\n"
               "    else if (mc_changes(db) == 0)\n"
               "        rc = {{notfound}};\n"
               "    else\n"
               "        rc = MC_OK;\n",
               "table", cg_cstr(g, t->name), "notfound", notfound_msg(g, t, t->pk, t->npk), NULL);
    if (ncascades)
        cg_snippet(c,
                   "    if (rc != MC_OK) {\n"
                   "        mc_rollback(db);\n"
                   "        return rc;\n"
                   "    }\n"
                   "    return mc_commit(db);\n", NULL);
    else
        mcc_buf_line(c, "return rc;");
    cg_fn_end(o);
}

static void emit_query(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    cg_fn_begin(o, mcc_arena_printf(g->arena, "A new query over every %s row; NULL when out of memory. Free with %s_query_free.",
                                   t->name, fn),
                "%s_query *%s_query(mc_db *db)", type, fn);
    mcc_buf_line(c, "return (%s_query *)mc_query_new(db, &%s_meta);", type, fn);
    cg_fn_end(o);

    cg_emit_query_wrappers(g, o, t);
    cg_emit_predicates(g, o, t);

    cg_fn_begin(o, mcc_arena_printf(g->arena,
                                   "Streams the rows one at a time into *row (zero it before the first call; each call "
                                   "clears it): MC_OK with a row, MC_DONE after the last one, or an error. Clear row with "
                                   "%s_clear when you stop early.", fn),
                "int %s_query_next(%s_query *q, %s *row)", fn, type, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_QUERY_NEXT, 0);
    else
        cg_snippet(c,
               "    mc_stmt *st;\n"
               "    {{fn}}_clear(row);\n"
               "    int rc = mc_query_step((mc_query *)q, &st);\n"
               "    if (rc != MC_OK)\n"
               "        return rc;\n"
               "    rc = {{fn}}_read(mc_query_db((mc_query *)q), st, 0, row);\n"
               "    if (rc != MC_OK) {\n"
               "        mc_query_rewind((mc_query *)q);\n"
               "        {{fn}}_clear(row);\n"
               "    }\n"
               "    return rc;\n",
               "fn", fn, NULL);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena, "*out = the query's first row (free with %s_free), or MC_NOTFOUND.", fn),
                "int %s_query_first(%s_query *q, %s **out)", fn, type, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_QUERY_FIRST, 0);
    else
        cg_snippet(c,
               "    mc_db *db = mc_query_db((mc_query *)q);\n"
               "    *out = NULL;\n"
               "    {{type}} row;   /* read here, then moved to the heap: cheaper than calloc */\n"
               "    memset(&row, 0, sizeof row);\n"
               "    mc_stmt *st;\n"
               "    int rc = mc_query_first((mc_query *)q, &st);\n"
               "    if (rc == MC_OK)\n"
               "        rc = {{fn}}_read(db, st, 0, &row);\n"
               "    mc_query_rewind((mc_query *)q);\n"
               "    if (rc == MC_OK && !(*out = ({{type}} *)malloc(sizeof **out)))\n"
               "        rc = {{nomem}};\n"
               "    if (rc != MC_OK) {\n"
               "        {{fn}}_clear(&row);\n"
               "        return rc == MC_DONE ? {{notfound}} : rc;\n"
               "    }\n"
               "    **out = row;\n"
               "    return MC_OK;\n",
               "fn", fn, "type", type, "nomem", cg_errf(g, "db", "MC_NOMEM", "%T: out of memory", t->name),
               "notfound", cg_errf(g, "db", "MC_NOTFOUND", "%T: no row matches the query", t->name), NULL);
    cg_fn_end(o);

    /* The list grows in the runtime (mc_list_grow: doubling, each new item zeroed). */
    cg_fn_begin(o, mcc_arena_printf(g->arena, "*out = every row of the query (free with %s_list_free); empty is MC_OK.", fn),
                "int %s_query_all(%s_query *q, %s_list *out)", fn, type, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_QUERY_ALL, 0);
    else
        cg_snippet(c,
               "    mc_db *db = mc_query_db((mc_query *)q);\n"
               "    out->items = NULL;\n"
               "    out->count = 0;\n"
               "    mc_query_restart((mc_query *)q, MC_STEP_WHOLE);    /* every row: no streaming */\n"
               "    for (int rc;; out->count++) {\n"
               "        {{type}} *items = ({{type}} *)mc_list_grow(db, out->items, out->count, sizeof *items);\n"
               "        if (items)\n"
               "            out->items = items;\n"
               "        rc = items ? {{fn}}_query_next(q, &out->items[out->count]) : MC_NOMEM;\n"
               "        if (rc == MC_DONE)\n"
               "            return MC_OK;\n"
               "        if (rc != MC_OK) {\n"
               "            mc_query_rewind((mc_query *)q);\n"
               "            {{fn}}_list_free(out);\n"
               "            return rc;\n"
               "        }\n"
               "    }\n",
               "fn", fn, "type", type, NULL);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena, "*out = every %s row (Model.query.all()); free with %s_list_free.", t->name, fn),
                "int %s_all(mc_db *db, %s_list *out)", fn, type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_ALL, 0);
    else
        cg_emit_list_of_query(g, c, t, mcc_arena_printf(g->arena, "%s_query(db)", fn));
    cg_fn_end(o);
}

/* The body of a function that lists every row of a query `make_query`
 * (a call giving a new T_query *): X_all, X_<rel>_list. */
void cg_emit_list_of_query(cgen *g, mcc_buf *c, const mcc_table *T, const char *make_query)
{
    cg_snippet(c,
               "    out->items = NULL;\n"
               "    out->count = 0;\n"
               "    {{ttype}}_query *q = {{make_query}};\n"
               "    if (!q)\n"
               "        return mc_errcode(db);\n"
               "    int rc = {{tfn}}_query_all(q, out);\n"
               "    {{tfn}}_query_free(q);\n"
               "    return rc;\n",
               "ttype", cg_type(g, T), "tfn", cg_fn(g, T), "make_query", make_query, NULL);
}

void cg_emit_crud(cgen *g, cg_out *o, const mcc_table *t)
{
    cg_commentf(&o->h, "---- %s ----", t->model);
    mcc_buf_put(&o->h, "\n");
    if (g->compact) {
        cg_compact_tables(g, &o->c, t);     /* the model's mc_model and its X_read */
    } else {
        emit_helpers(g, o, t);
        emit_fetch(g, o, t);
    }
    emit_lifecycle(g, o, t);
    emit_insert(g, o, t);
    emit_get(g, o, t);
    emit_finders(g, o, t);
    emit_update(g, o, t);
    emit_delete(g, o, t);
    emit_query(g, o, t);
}
