/*
 * c_queries.c -- one typed C function per `query` declaration (DSL.md
 * section 5), from the checked model of query.h.
 *
 * For query q (P = --prefix):
 *   Model[]        int Pq(mc_db *db, <params>, Model_list *out)
 *                  and streaming: Pq_iter, Pq_open, Pq_next, Pq_close
 *   Model?         int Pq(mc_db *db, <params>, Model **out)    MC_NOTFOUND: no row
 *   (...)[]        struct Pq_row, Pq_row_list; int Pq(..., Pq_row_list *out);
 *                  streaming as for Model[]; Pq_row_clear/_free/_list_free
 *   (...)?         int Pq(..., Pq_row **out)                     MC_NOTFOUND: no row
 *   Type           int Pq(..., T *out)                           MC_NOTFOUND: no row
 *   no RESULT      int Pq(..., int64_t *changed)                 changed may be NULL
 *
 * The statement is one static string (Pq_sql) that every form prepares
 * through the connection's cache, keyed by its address: nothing is built
 * at run time.  Parameters are checked and bound by one static Pq_bind;
 * model rows are read by the model's own reader (X_read), so a query's
 * Post is exactly the Post that post_get gives.
 */
#include "cgen.h"
#include "query.h"

#include <string.h>

typedef struct qgen {
    cgen *g;
    cg_out *o;
    const mcc_query *q;
    const char *fn;         /* Pq */
    const char *ctx;        /* "Pq" as a C string literal, for messages */
} qgen;

/* ---- names and types -------------------------------------------------- */

static const char *row_type(qgen *x) { return mcc_arena_printf(x->g->arena, "%s_row", x->fn); }

/* "int64_t user_id", "const int64_t *since", "const char *name". */
static const char *param_decl(qgen *x, const mcc_qparam *p)
{
    const mcc_column *c = &p->col;
    const char *name = cg_param(x->g, c);
    cg_kind k = cg_kind_of(c);
    if (c->nullable && (k == CG_INT64 || k == CG_INT32 || k == CG_DOUBLE || k == CG_BOOL))
        return mcc_arena_printf(x->g->arena, "const %s *%s", mcc_types[c->type].ctype, name);
    const char *t = cg_param_type(x->g, c);
    return mcc_arena_printf(x->g->arena, "%s%s%s", t, t[strlen(t) - 1] == '*' ? "" : " ", name);
}

/* ", int64_t user_id, const char *name" (empty without parameters). */
static const char *param_decls(qgen *x)
{
    const char *r = "";
    for (size_t i = 0; i < x->q->nparams; i++)
        r = mcc_arena_printf(x->g->arena, "%s, %s", r, param_decl(x, &x->q->params[i]));
    return r;
}

/* ", user_id, name" */
static const char *param_args(qgen *x)
{
    const char *r = "";
    for (size_t i = 0; i < x->q->nparams; i++)
        r = mcc_arena_printf(x->g->arena, "%s, %s", r, cg_param(x->g, &x->q->params[i].col));
    return r;
}

/* "The parameters: user_id Integer, since DateTime? (NULL: SQL NULL)." */
static const char *params_doc(qgen *x)
{
    if (x->q->nparams == 0)
        return "";
    mcc_buf b = {0};
    mcc_buf_put(&b, " Parameters:");
    for (size_t i = 0; i < x->q->nparams; i++) {
        const mcc_column *c = &x->q->params[i].col;
        const char *t = c->type == MCC_T_ENUM ? c->enum_type->name : mcc_types[c->type].dsl;
        mcc_buf_printf(&b, "%s %s %s%s", i ? "," : "", c->name, t, c->nullable ? "? (NULL: SQL NULL)" : "");
    }
    mcc_buf_put(&b, ".");
    const char *r = mcc_arena_strdup(x->g->arena, b.data);
    mcc_buf_free(&b);
    return r;
}

/* A result column's C type in the row struct (and for a lone value). */
static const char *value_type(qgen *x, const mcc_column *c) { return cg_member_type(x->g, c); }

/* A nullable number or boolean: a pointer parameter, a <name>_null flag
 * in a row (as in the model structs: cgen.h). */
static bool has_flag(const mcc_column *c) { return cg_null_flag(c); }

/* The expression reading result column i for a number, bool or enum
 * (types.def's read template); "0" for text and blobs, read by call. */
static const char *column_get(qgen *x, const mcc_column *c, size_t i)
{
    cg_kind k = cg_kind_of(c);
    if (k == CG_TEXT || k == CG_BLOB)
        return "0";
    cg_call_vars v = {c, mcc_arena_printf(x->g->arena, "%zu", i), NULL, NULL, NULL, NULL};
    return cg_read_call(x->g, &v);
}

/* ---- pieces ------------------------------------------------------------- */

/* The statement, one line of the schema per line of C. */
static void emit_sql(qgen *x)
{
    mcc_buf *c = &x->o->c;
    mcc_buf_printf(c, "/* The statement of query %s, checked against the schema by modelc. */\n", x->q->name);
    mcc_buf_printf(c, "static const char %s_sql[] =", x->fn);
    const char *s = x->q->sql;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
        char *line = mcc_arena_strndup(x->g->arena, s, n);
        mcc_buf lit = {0};
        cg_put_cstr(&lit, line);
        mcc_buf_put(c, "\n    \"");
        /* "??x" would be a trigraph (-Wtrigraphs): every '?' after a '?' is "\?" */
        for (size_t k = 0; lit.data && k < lit.len; k++) {
            if (lit.data[k] == '?' && k > 0 && lit.data[k - 1] == '?')
                mcc_buf_putc(c, '\\');
            mcc_buf_putc(c, lit.data[k]);
        }
        mcc_buf_free(&lit);
        mcc_buf_put(c, "\"");
        s += n;
    }
    mcc_buf_put(c, ";\n\n");
}

/* The statement that binds parameter p (C name v) at its index. */
static const char *bind_expr(qgen *x, const mcc_qparam *p)
{
    mcc_arena *a = x->g->arena;
    const mcc_column *c = &p->col;
    const char *v = cg_param(x->g, c);
    int i = p->index;
    const char *val = c->nullable && has_flag(c) ? mcc_arena_printf(a, "*%s", v) : v;
    cg_call_vars cv = {c, mcc_arena_printf(a, "%d", i), val, "keep", NULL, NULL};
    switch (cg_kind_of(c)) {
    case CG_TEXT:
        /* Dates and times as the model columns write them: a DateTime in
         * SQLAlchemy's stored form (copied), MC_NOW as the current time;
         * another Date or Time is bound with `keep` like any text. */
        if (cg_holds_now(c) && c->type != MCC_T_DATETIME) {
            mcc_column as_text = *c;
            as_text.type = MCC_T_TEXT;
            cg_call_vars text = cv;
            text.col = &as_text;
            return mcc_arena_printf(a, "%s == MC_NOW ? %s : %s", v, cg_bind_call(x->g, &cv), cg_bind_call(x->g, &text));
        }
        return cg_bind_call(x->g, &cv);
    case CG_BLOB:
        cv.value = mcc_arena_printf(a, "*%s", v);
        return mcc_arena_printf(a, "%s && %s->data ? %s : mc_stmt_bind_null(st, %d)", v, v, cg_bind_call(x->g, &cv), i);
    case CG_ENUM:
        return mcc_arena_printf(a, "%s ? %s : mc_stmt_bind_null(st, %d)", v, cg_bind_call(x->g, &cv), i);
    default:
        break;
    }
    const char *e = cg_bind_call(x->g, &cv);
    if (c->nullable)
        return mcc_arena_printf(a, "%s ? %s : mc_stmt_bind_null(st, %d)", v, e, i);
    return e;
}

/* Pq_bind: refuses a NULL where the declaration does not allow one,
 * checks text the way model columns are checked, and binds. */
static void emit_bind(qgen *x)
{
    const mcc_query *q = x->q;
    mcc_buf *c = &x->o->c;
    mcc_arena *a = x->g->arena;
    if (q->nparams == 0)
        return;
    mcc_buf_printf(c, "/* Checks and binds the parameters of %s; text and blobs bound with `keep`. */\n", q->name);
    mcc_buf_printf(c, "static int %s_bind(mc_db *db, mc_stmt *st, mc_bind_keep keep%s)\n{\n", x->fn,
                  param_decls(x));
    mcc_buf checks = {0};
    checks.indent = 1;
    bool uses_keep = false;
    for (size_t i = 0; i < q->nparams; i++) {
        const mcc_column *p = &q->params[i].col;
        const char *v = cg_param(x->g, p);
        cg_kind k = cg_kind_of(p);
        const char *t = p->type == MCC_T_ENUM ? p->enum_type->name : mcc_types[p->type].dsl;
        uses_keep |= (k == CG_TEXT && p->type != MCC_T_DATETIME) || k == CG_BLOB;
        if (!p->nullable && (k == CG_TEXT || k == CG_BLOB || k == CG_ENUM)) {
            mcc_buf_line(&checks, "if (!%s)", v);
            mcc_buf_line(&checks, "    return mc_set_error(db, MC_INVALID, %s);",
                        cg_cstr(x->g, mcc_arena_printf(a, "%s: parameter %s is NULL; declare it `%s %s?` to pass NULL",
                                                      x->fn, p->name, p->name, t)));
        }
        if (k == CG_ENUM) {
            mcc_buf_line(&checks, "if (%s && !%s_to_text(%s))", v, cg_enum_fn(x->g, p->enum_type), v);
            mcc_buf_line(&checks, "    return mc_set_error(db, MC_INVALID, %s);",
                        cg_cstr(x->g, mcc_arena_printf(a, "%s: parameter %s is not a %s value", x->fn, p->name, t)));
        }
        /* A parameter is checked as text of its type, with no length,
         * precision or scale: a pattern or bound need not fit the column. */
        mcc_column unsized = *p;
        unsized.length = unsized.precision = unsized.scale = 0;
        cg_call_vars cv = {&unsized, NULL, v, NULL, x->ctx, cg_cstr(x->g, p->name)};
        const char *call = k == CG_TEXT ? cg_check_call(x->g, &cv) : NULL;
        if (call) {
            mcc_buf_line(&checks, "if (%s && (rc = %s) != MC_OK)", v, call);
            mcc_buf_line(&checks, "    return rc;");
        }
    }
    c->indent = 1;
    mcc_buf_line(c, "int %sb = MC_RC_OK;", strstr(checks.data ? checks.data : "", "rc = ") ? "rc, " : "");
    if (!uses_keep)
        mcc_buf_line(c, "(void)keep;");
    if (checks.data)
        mcc_buf_put(c, checks.data);
    mcc_buf_free(&checks);
    for (size_t i = 0; i < q->nparams; i++)
        mcc_buf_line(c, "b |= %s;", bind_expr(x, &q->params[i]));
    mcc_buf_line(c, "return b == MC_RC_OK ? MC_OK : mc_status_from_rc(db, b, %s);", x->ctx);
    c->indent = 0;
    mcc_buf_put(c, "}\n\n");
}

/* Prepares Pq_sql into `st` and binds; after it, rc says how it went
 * and st is released by the caller whatever rc is. */
static void emit_prepare(qgen *x, const char *keep)
{
    mcc_buf *c = &x->o->c;
    mcc_buf_line(c, "mc_stmt *st = mc_stmt_prepare(db, %s_sql);", x->fn);
    mcc_buf_line(c, "if (!st)");
    mcc_buf_line(c, "    return mc_errcode(db);");
    if (x->q->nparams == 0)
        mcc_buf_line(c, "int rc = MC_OK;");
    else
        mcc_buf_line(c, "int rc = %s_bind(db, st, %s%s);", x->fn, keep, param_args(x));
}

/* The row struct of a (...) result and its functions. */
static void emit_row_type(qgen *x)
{
    const mcc_query *q = x->q;
    mcc_buf *h = &x->o->h, *c = &x->o->c;
    const char *rt = row_type(x);
    mcc_buf_printf(h, "/* A result row of query %s. */\n", q->name);
    mcc_buf_printf(h, "typedef struct %s {\n", rt);
    for (size_t i = 0; i < q->ncols; i++) {
        const mcc_column *col = &q->cols[i];
        const char *mt = value_type(x, col);
        const char *sp = mt[strlen(mt) - 1] == '*' ? "" : " ";
        cg_kind k = cg_kind_of(col);
        const char *note = !col->nullable ? "never NULL" :
                           k == CG_TEXT || k == CG_BLOB ? "NULL when NULL" :
                           k == CG_ENUM ? "0 when NULL" : mcc_arena_printf(x->g->arena, "see %s_null", col->field);
        mcc_buf_printf(h, "    %s%s%s;  /* %s, %s */\n", mt, sp, col->field,
                      col->type == MCC_T_ENUM ? col->enum_type->name : mcc_types[col->type].dsl, note);
        if (has_flag(col))
            mcc_buf_printf(h, "    bool %s_null;  /* true: NULL (%s is 0) */\n", col->field, col->field);
    }
    mcc_buf_printf(h, "} %s;\n\n", rt);
    mcc_buf_printf(h, "/* Rows of query %s: items[0..count), owned by the list; free with %s_list_free. */\n",
                  q->name, rt);
    mcc_buf_printf(h, "typedef struct %s_list {\n    %s *items;\n    size_t count;\n} %s_list;\n\n", rt, rt, rt);

    mcc_buf_printf(c, "/* Reads a result row of %s from st into row (zeroed or cleared). */\n", q->name);
    mcc_buf_printf(c, "static int %s_read(mc_db *db, mc_stmt *st, %s *row)\n{\n", rt, rt);
    c->indent = 1;
    mcc_buf_line(c, "int rc = MC_OK;");
    for (size_t i = 0; i < q->ncols; i++) {
        const mcc_column *col = &q->cols[i];
        const char *f = col->field;
        cg_kind k = cg_kind_of(col);
        if (!col->nullable) {
            const char *t = col->type == MCC_T_ENUM ? col->enum_type->name : mcc_types[col->type].dsl;
            mcc_buf_line(c, "if (rc == MC_OK && mc_stmt_column_is_null(st, %zu))", i);
            mcc_buf_line(c, "    rc = mc_set_error(db, MC_INVALID, %s);",
                        cg_cstr(x->g, mcc_arena_printf(x->g->arena, "%s: result column %s is NULL; declare it `%s %s?`",
                                                      x->fn, col->name, col->name, t)));
        }
        if (k == CG_TEXT) {
            mcc_buf_line(c, "if (rc == MC_OK)");
            if (col->type == MCC_T_NUMERIC && col->precision > 0)    /* "8.50", as the model's reader */
                mcc_buf_line(c, "    rc = mc_stmt_column_numeric(db, st, %zu, %d, &row->%s);", i, col->scale, f);
            else
                mcc_buf_line(c, "    rc = mc_stmt_column_text(db, st, %zu, &row->%s);", i, f);
        } else if (k == CG_BLOB) {
            mcc_buf_line(c, "if (rc == MC_OK)");
            mcc_buf_line(c, "    rc = mc_stmt_column_blob(db, st, %zu, &row->%s);", i, f);
        } else if (has_flag(col)) {
            /* NULL reads as 0: only a 0 needs the type asked (cg_emit_read_field) */
            mcc_buf_line(c, "row->%s = %s;", f, column_get(x, col, i));
            mcc_buf_line(c, "row->%s_null = row->%s == 0 && mc_stmt_column_is_null(st, %zu);", f, f, i);
        } else {
            mcc_buf_line(c, "row->%s = %s;", f, column_get(x, col, i));
        }
    }
    mcc_buf_line(c, "return rc;");
    c->indent = 0;
    mcc_buf_put(c, "}\n\n");

    cg_fn_begin(x->o, mcc_arena_printf(x->g->arena, "Frees what a %s owns and zeroes it; NULL is a no-op.", rt),
                "void %s_clear(%s *row)", rt, rt);
    mcc_buf_line(c, "if (!row)");
    mcc_buf_line(c, "    return;");
    for (size_t i = 0; i < q->ncols; i++) {
        if (cg_kind_of(&q->cols[i]) == CG_TEXT)
            mcc_buf_line(c, "free(row->%s);", q->cols[i].field);
        else if (cg_kind_of(&q->cols[i]) == CG_BLOB)
            mcc_buf_line(c, "mc_blob_free(&row->%s);", q->cols[i].field);
    }
    mcc_buf_line(c, "memset(row, 0, sizeof *row);");
    cg_fn_end(x->o);

    cg_fn_begin(x->o, mcc_arena_printf(x->g->arena, "Frees a %s that modelc allocated; NULL is a no-op.", rt),
                "void %s_free(%s *row)", rt, rt);
    mcc_buf_line(c, "%s_clear(row);", rt);
    mcc_buf_line(c, "free(row);");
    cg_fn_end(x->o);

    cg_fn_begin(x->o, "Frees every row of a list and the list's array; the list is empty after.",
                "void %s_list_free(%s_list *list)", rt, rt);
    mcc_buf_line(c, "if (!list)");
    mcc_buf_line(c, "    return;");
    mcc_buf_line(c, "for (size_t i = 0; i < list->count; i++)");
    mcc_buf_line(c, "    %s_clear(&list->items[i]);", rt);
    mcc_buf_line(c, "free(list->items);");
    mcc_buf_line(c, "list->items = NULL;");
    mcc_buf_line(c, "list->count = 0;");
    cg_fn_end(x->o);
}

/* What a row of this query is in C, and how it is read, cleared and freed. */
typedef struct rowkind {
    const char *type;       /* Post / timeline_row */
    const char *read;       /* "post_read(db, st, 0, " / "q_row_read(db, st, " */
    const char *clear, *free_one, *free_list, *list_type;
} rowkind;

static rowkind rowkind_of(qgen *x)
{
    rowkind r;
    mcc_arena *a = x->g->arena;
    if (x->q->model) {
        const char *fn = cg_fn(x->g, x->q->model);
        r.type = cg_type(x->g, x->q->model);
        r.read = mcc_arena_printf(a, "%s_read(db, st, 0, ", fn);
        r.clear = mcc_arena_printf(a, "%s_clear", fn);
        r.free_one = mcc_arena_printf(a, "%s_free", fn);
        r.free_list = mcc_arena_printf(a, "%s_list_free", fn);
    } else {
        const char *rt = row_type(x);
        r.type = rt;
        r.read = mcc_arena_printf(a, "%s_read(db, st, ", rt);
        r.clear = mcc_arena_printf(a, "%s_clear", rt);
        r.free_one = mcc_arena_printf(a, "%s_free", rt);
        r.free_list = mcc_arena_printf(a, "%s_list_free", rt);
    }
    r.list_type = mcc_arena_printf(a, "%s_list", r.type);
    return r;
}

/* Model[] and (...)[]: the list form and the streaming form. */
static void emit_list(qgen *x)
{
    const mcc_query *q = x->q;
    mcc_buf *c = &x->o->c, *h = &x->o->h;
    mcc_arena *a = x->g->arena;
    rowkind r = rowkind_of(x);
    const char *it = mcc_arena_printf(a, "%s_iter", x->fn);

    cg_fn_begin(x->o, mcc_arena_printf(a, "Query %s: *out = every row (free with %s); none is MC_OK.%s", q->name,
                                      r.free_list, params_doc(x)),
                "int %s(mc_db *db%s, %s *out)", x->fn, param_decls(x), r.list_type);
    mcc_buf_line(c, "size_t cap = 0;");
    mcc_buf_line(c, "out->items = NULL;");
    mcc_buf_line(c, "out->count = 0;");
    emit_prepare(x, "MC_BIND_STATIC");
    mcc_buf_line(c, "while (rc == MC_OK) {");
    mcc_buf_line(c, "    int s = mc_stmt_step_flags(st, MC_STEP_WHOLE);");
    mcc_buf_line(c, "    if (s == MC_RC_DONE)");
    mcc_buf_line(c, "        break;");
    mcc_buf_line(c, "    if (s != MC_RC_ROW) {");
    mcc_buf_line(c, "        rc = mc_status_from_rc(db, s, %s);", x->ctx);
    mcc_buf_line(c, "        break;");
    mcc_buf_line(c, "    }");
    mcc_buf_line(c, "    if (out->count == cap) {");
    mcc_buf_line(c, "        size_t ncap = cap ? cap * 2 : 16;");
    mcc_buf_line(c, "        %s *items = (%s *)realloc(out->items, ncap * sizeof *items);", r.type, r.type);
    mcc_buf_line(c, "        if (!items) {");
    mcc_buf_line(c, "            rc = mc_set_error(db, MC_NOMEM, \"%s: out of memory\");", x->fn);
    mcc_buf_line(c, "            break;");
    mcc_buf_line(c, "        }");
    mcc_buf_line(c, "        out->items = items;");
    mcc_buf_line(c, "        cap = ncap;");
    mcc_buf_line(c, "    }");
    mcc_buf_line(c, "    memset(&out->items[out->count], 0, sizeof out->items[0]);");
    mcc_buf_line(c, "    rc = %s&out->items[out->count++]);", r.read);
    mcc_buf_line(c, "}");
    mcc_buf_line(c, "mc_stmt_release(db, st);");
    mcc_buf_line(c, "if (rc != MC_OK)");
    mcc_buf_line(c, "    %s(out);", r.free_list);
    mcc_buf_line(c, "return rc;");
    cg_fn_end(x->o);

    mcc_buf_printf(h, "/* A run of query %s, one row at a time: %s_open, %s_next, %s_close. */\n", q->name, x->fn,
                  x->fn, x->fn);
    mcc_buf_printf(h, "typedef struct %s {\n    mc_db *db;\n    mc_stmt *st;\n} %s;\n\n", it, it);

    cg_fn_begin(x->o, "Ends a run early (after MC_DONE or an error it is already ended); NULL is a no-op.",
                "void %s_close(%s *q)", x->fn, it);
    mcc_buf_line(c, "if (!q || !q->st)");
    mcc_buf_line(c, "    return;");
    mcc_buf_line(c, "mc_stmt_release(q->db, q->st);");
    mcc_buf_line(c, "q->st = NULL;");
    cg_fn_end(x->o);

    cg_fn_begin(x->o, mcc_arena_printf(a, "Starts a run of query %s into *out (the parameters are copied); rows come "
                                      "from %s_next.%s", q->name, x->fn, params_doc(x)),
                "int %s_open(mc_db *db%s, %s *out)", x->fn, param_decls(x), it);
    mcc_buf_line(c, "out->db = db;");
    mcc_buf_line(c, "out->st = NULL;");
    emit_prepare(x, "MC_BIND_COPY");
    mcc_buf_line(c, "if (rc != MC_OK) {");
    mcc_buf_line(c, "    mc_stmt_release(db, st);");
    mcc_buf_line(c, "    return rc;");
    mcc_buf_line(c, "}");
    mcc_buf_line(c, "out->st = st;");
    mcc_buf_line(c, "return MC_OK;");
    cg_fn_end(x->o);

    cg_fn_begin(x->o, mcc_arena_printf(a, "The next row into *row (zero it before the first call; each call clears "
                                      "it): MC_OK with a row, MC_DONE after the last one, or an error; the last two "
                                      "end the run. Clear row with %s when you stop early.", r.clear),
                "int %s_next(%s *q, %s *row)", x->fn, it, r.type);
    mcc_buf_line(c, "%s(row);", r.clear);
    mcc_buf_line(c, "if (!q->st)");
    mcc_buf_line(c, "    return MC_DONE;");
    mcc_buf_line(c, "mc_db *db = q->db;");
    mcc_buf_line(c, "mc_stmt *st = q->st;");
    mcc_buf_line(c, "int s = mc_stmt_step(st);");
    mcc_buf_line(c, "int rc = s == MC_RC_ROW ? %srow) : mc_status_from_rc(db, s, %s);", r.read, x->ctx);
    mcc_buf_line(c, "if (rc != MC_OK) {");
    mcc_buf_line(c, "    %s(row);", r.clear);
    mcc_buf_line(c, "    %s_close(q);", x->fn);
    mcc_buf_line(c, "}");
    mcc_buf_line(c, "return rc;");
    cg_fn_end(x->o);
}

/* Model? and (...)?: the first row, MC_NOTFOUND when there is none. */
static void emit_one(qgen *x)
{
    const mcc_query *q = x->q;
    mcc_buf *c = &x->o->c;
    mcc_arena *a = x->g->arena;
    rowkind r = rowkind_of(x);
    cg_fn_begin(x->o, mcc_arena_printf(a, "Query %s: *out = its first row (free with %s), MC_NOTFOUND when there is "
                                      "none.%s", q->name, r.free_one, params_doc(x)),
                "int %s(mc_db *db%s, %s **out)", x->fn, param_decls(x), r.type);
    mcc_buf_line(c, "*out = NULL;");
    emit_prepare(x, "MC_BIND_STATIC");
    mcc_buf_line(c, "%s *row = NULL;", r.type);
    mcc_buf_line(c, "if (rc == MC_OK) {");
    mcc_buf_line(c, "    int s = mc_stmt_step_flags(st, MC_STEP_WHOLE);");
    mcc_buf_line(c, "    if (s == MC_RC_ROW) {");
    mcc_buf_line(c, "        row = (%s *)calloc(1, sizeof *row);", r.type);
    mcc_buf_line(c, "        rc = row ? %srow) : mc_set_error(db, MC_NOMEM, \"%s: out of memory\");", r.read, x->fn);
    mcc_buf_line(c, "    } else if (s == MC_RC_DONE) {");
    mcc_buf_line(c, "        rc = mc_set_error(db, MC_NOTFOUND, \"%s: no row\");", x->fn);
    mcc_buf_line(c, "    } else {");
    mcc_buf_line(c, "        rc = mc_status_from_rc(db, s, %s);", x->ctx);
    mcc_buf_line(c, "    }");
    mcc_buf_line(c, "}");
    mcc_buf_line(c, "mc_stmt_release(db, st);");
    mcc_buf_line(c, "if (rc != MC_OK) {");
    mcc_buf_line(c, "    %s(row);", r.free_one);
    mcc_buf_line(c, "    return rc;");
    mcc_buf_line(c, "}");
    mcc_buf_line(c, "*out = row;");
    mcc_buf_line(c, "return MC_OK;");
    cg_fn_end(x->o);
}

/* A lone type: the first column of the first row. */
static void emit_scalar(qgen *x)
{
    const mcc_query *q = x->q;
    const mcc_column *col = &q->cols[0];
    mcc_buf *c = &x->o->c;
    mcc_arena *a = x->g->arena;
    cg_kind k = cg_kind_of(col);
    const char *t = col->type == MCC_T_ENUM ? col->enum_type->name : mcc_types[col->type].dsl;
    const char *vt = value_type(x, col);
    const char *null_rule = !col->nullable ? "a NULL is MC_INVALID" :
                            k == CG_TEXT ? "a NULL gives *out = NULL" :
                            k == CG_BLOB ? "a NULL gives out->data = NULL" :
                            k == CG_ENUM ? "a NULL gives *out = 0" : "a NULL is MC_NOTFOUND too";
    cg_fn_begin(x->o, mcc_arena_printf(a, "Query %s: *out = the first column of the first row (%s); MC_NOTFOUND when "
                                      "there is no row, %s.%s", q->name, t, null_rule, params_doc(x)),
                "int %s(mc_db *db%s, %s%s*out)", x->fn, param_decls(x), vt, vt[strlen(vt) - 1] == '*' ? "" : " ");
    if (k == CG_BLOB) {
        mcc_buf_line(c, "out->data = NULL;");
        mcc_buf_line(c, "out->len = 0;");
    } else {
        mcc_buf_line(c, "*out = %s;", k == CG_TEXT ? "NULL" : k == CG_ENUM ? mcc_arena_printf(a, "(%s)0", vt) :
                                          k == CG_BOOL ? "false" : "0");
    }
    emit_prepare(x, "MC_BIND_STATIC");
    mcc_buf_line(c, "if (rc == MC_OK) {");
    mcc_buf_line(c, "    int s = mc_stmt_step_flags(st, MC_STEP_WHOLE);");
    mcc_buf_line(c, "    if (s == MC_RC_DONE)");
    mcc_buf_line(c, "        rc = mc_set_error(db, MC_NOTFOUND, \"%s: no row\");", x->fn);
    mcc_buf_line(c, "    else if (s != MC_RC_ROW)");
    mcc_buf_line(c, "        rc = mc_status_from_rc(db, s, %s);", x->ctx);
    if (!col->nullable) {
        mcc_buf_line(c, "    else if (mc_stmt_column_is_null(st, 0))");
        mcc_buf_line(c, "        rc = mc_set_error(db, MC_INVALID, %s);",
                    cg_cstr(x->g, mcc_arena_printf(a, "%s: the result is NULL; declare it `-> %s?`", x->fn, t)));
    } else if (k != CG_TEXT && k != CG_BLOB && k != CG_ENUM) {
        mcc_buf_line(c, "    else if (mc_stmt_column_is_null(st, 0))");
        mcc_buf_line(c, "        rc = mc_set_error(db, MC_NOTFOUND, \"%s: the result is NULL\");", x->fn);
    }
    if (k == CG_TEXT && col->type == MCC_T_NUMERIC && col->precision > 0)
        mcc_buf_line(c, "    else\n            rc = mc_stmt_column_numeric(db, st, 0, %d, out);", col->scale);
    else if (k == CG_TEXT)
        mcc_buf_line(c, "    else\n            rc = mc_stmt_column_text(db, st, 0, out);");
    else if (k == CG_BLOB)
        mcc_buf_line(c, "    else\n            rc = mc_stmt_column_blob(db, st, 0, out);");
    else
        mcc_buf_line(c, "    else\n            *out = %s;", column_get(x, col, 0));
    mcc_buf_line(c, "}");
    mcc_buf_line(c, "mc_stmt_release(db, st);");
    mcc_buf_line(c, "return rc;");
    cg_fn_end(x->o);
}

/* No RESULT: runs the statement; *changed = the rows it changed. */
static void emit_exec(qgen *x)
{
    const mcc_query *q = x->q;
    mcc_buf *c = &x->o->c;
    cg_fn_begin(x->o, mcc_arena_printf(x->g->arena, "Query %s: runs the statement; *changed (may be NULL) = the rows "
                                      "it inserted, updated or deleted.%s", q->name, params_doc(x)),
                "int %s(mc_db *db%s, int64_t *changed)", x->fn, param_decls(x));
    mcc_buf_line(c, "if (changed)");
    mcc_buf_line(c, "    *changed = 0;");
    emit_prepare(x, "MC_BIND_STATIC");
    mcc_buf_line(c, "if (rc == MC_OK) {");
    mcc_buf_line(c, "    int s = mc_stmt_step_flags(st, MC_STEP_WHOLE);");
    mcc_buf_line(c, "    if (s != MC_RC_DONE && s != MC_RC_ROW)");
    mcc_buf_line(c, "        rc = mc_status_from_rc(db, s, %s);", x->ctx);
    mcc_buf_line(c, "    else if (changed)");
    mcc_buf_line(c, "        *changed = mc_changes(db);");
    mcc_buf_line(c, "}");
    mcc_buf_line(c, "mc_stmt_release(db, st);");
    mcc_buf_line(c, "return rc;");
    cg_fn_end(x->o);
}

void cg_emit_queries(cgen *g, cg_out *o)
{
    const mcc_schema *s = g->schema;
    if (s->nqueries == 0)
        return;
    mcc_buf_put(&o->h, "/* ---- queries ---- */\n\n");
    for (size_t i = 0; i < s->nqueries; i++) {
        qgen x = {g, o, &s->queries[i], NULL, NULL};
        x.fn = mcc_arena_printf(g->arena, "%s%s", g->prefix, x.q->name);
        x.ctx = cg_cstr(g, x.fn);
        emit_sql(&x);
        emit_bind(&x);
        if (x.q->kind == MCC_Q_ROW_LIST || x.q->kind == MCC_Q_ROW_ONE)
            emit_row_type(&x);
        switch (x.q->kind) {
        case MCC_Q_MODEL_LIST: case MCC_Q_ROW_LIST: emit_list(&x); break;
        case MCC_Q_MODEL_ONE: case MCC_Q_ROW_ONE: emit_one(&x); break;
        case MCC_Q_SCALAR: emit_scalar(&x); break;
        case MCC_Q_EXEC: emit_exec(&x); break;
        }
    }
}
