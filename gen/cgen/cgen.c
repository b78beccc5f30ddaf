/* cgen.c -- names and C types shared by the C emitters; see cgen.h. */
#include "cgen.h"
#include "naming.h"
#include "templates.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *upper(cgen *g, const char *s)
{
    char *u = mcc_arena_strdup(g->arena, s);
    for (char *p = u; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

const char *cg_type(cgen *g, const mcc_table *t)
{
    return t->c_type ? t->c_type : mcc_arena_printf(g->arena, "%s%s", g->prefix, t->model);
}

/* P<snake_case>, with the leading underscores the snake case drops:
 * `_4ts` -> `_4ts`, never a name starting with a digit. */
static const char *fn_base(cgen *g, const char *name)
{
    size_t u = strspn(name, "_");
    return mcc_arena_printf(g->arena, "%s%.*s%s", g->prefix, (int)u, name, mcc_snake_case(g->arena, name));
}

const char *cg_fn(cgen *g, const mcc_table *t) { return fn_base(g, t->model); }

const char *cg_col_const(cgen *g, const mcc_table *t, const mcc_column *c)
{
    return upper(g, mcc_arena_printf(g->arena, "%s_COL_%s", cg_fn(g, t), c->field));
}

const char *cg_init_macro(cgen *g, const mcc_table *t)
{
    return upper(g, mcc_arena_printf(g->arena, "%s_INIT", cg_fn(g, t)));
}

const char *cg_enum_type(cgen *g, const mcc_enum *e)
{
    return e->c_type ? e->c_type : mcc_arena_printf(g->arena, "%s%s", g->prefix, e->name);
}

const char *cg_enum_fn(cgen *g, const mcc_enum *e) { return fn_base(g, e->name); }

const char *cg_enum_value(cgen *g, const mcc_enum *e, size_t i)
{
    return upper(g, mcc_arena_printf(g->arena, "%s_%s", cg_enum_fn(g, e), e->values[i]));
}

const char *cg_member_type(cgen *g, const mcc_column *c)
{
    if (c->type == MCC_T_ENUM)
        return cg_enum_type(g, c->enum_type);
    return mcc_types[c->type].ctype;
}

const char *cg_param_type(cgen *g, const mcc_column *c)
{
    switch (cg_kind_of(c)) {
    case CG_TEXT: return "const char *";
    case CG_BLOB: return "const mc_blob *";
    case CG_ENUM: return cg_enum_type(g, c->enum_type);
    default: return mcc_types[c->type].ctype;
    }
}

const char *cg_reader_linkage(const cgen *g)
{
    return g->split ? "" : "static ";
}

const mcc_column *cg_rowid(const mcc_table *t)
{
    if (t->npk == 1 && t->columns[t->pk[0]].type == MCC_T_INTEGER)
        return &t->columns[t->pk[0]];
    return NULL;
}

/* Do a and b hold the same columns, in any order? */
static bool same_set(const size_t *a, size_t na, const size_t *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        bool found = false;
        for (size_t j = 0; j < nb; j++)
            found |= a[i] == b[j];
        if (!found)
            return false;
    }
    return true;
}

/* Adds cols to keys unless it is empty, the primary key or already there. */
static void add_key(const mcc_table *t, cg_key *keys, size_t *n, const size_t *cols, size_t ncols)
{
    if (ncols == 0 || *n >= CG_MAX_KEYS || same_set(cols, ncols, t->pk, t->npk))
        return;
    for (size_t k = 0; k < *n; k++)
        if (same_set(cols, ncols, keys[k].cols, keys[k].n))
            return;
    keys[(*n)++] = (cg_key){cols, ncols};
}

size_t cg_unique_keys(const mcc_table *t, cg_key keys[CG_MAX_KEYS])
{
    size_t n = 0;
    for (size_t i = 0; i < t->nindexes; i++)
        if (t->indexes[i].unique)
            add_key(t, keys, &n, t->indexes[i].cols, t->indexes[i].ncols);
    for (size_t i = 0; i < t->nconstraints; i++)
        if (t->constraints[i].kind == MCC_C_UNIQUE)
            add_key(t, keys, &n, t->constraints[i].cols, t->constraints[i].ncols);
    return n;
}

bool cg_null_flag(const mcc_column *c)
{
    cg_kind k = cg_kind_of(c);
    return c->nullable && k != CG_TEXT && k != CG_BLOB && k != CG_ENUM;
}

const char *cg_flag_member(cgen *g, const mcc_column *c)
{
    return cg_null_flag(c) ? mcc_arena_printf(g->arena, "%s_null", c->field) : NULL;
}

const char *cg_sql_ident(cgen *g, const char *name)
{
    mcc_buf b = {0};
    mcc_put_quoted_ident(&b, name);
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return r;
}

/* A doc comment: on one line when it fits in 100 columns, else wrapped
 * at 80 in a block comment; the text made safe by cg_put_comment_text
 * first (wrapping only breaks at spaces, which it leaves alone). */
void cg_doc(mcc_buf *b, const char *doc)
{
    mcc_buf clean = {0};
    cg_put_comment_text(&clean, doc);
    doc = clean.data ? clean.data : "";
    size_t n = strlen(doc);
    if (n + 6 <= 100) {
        mcc_buf_printf(b, "/* %s */\n", doc);
        mcc_buf_free(&clean);
        return;
    }
    mcc_buf_put(b, "/*\n *");
    size_t col = 2;
    for (const char *p = doc; *p;) {
        while (*p == ' ')
            p++;
        const char *end = p;
        while (*end && *end != ' ')
            end++;
        size_t w = (size_t)(end - p);
        if (w == 0)
            break;
        if (col + 1 + w > 80 && col > 2) {
            mcc_buf_put(b, "\n *");
            col = 2;
        }
        mcc_buf_putc(b, ' ');
        mcc_buf_putn(b, p, w);
        col += 1 + w;
        p = end;
    }
    mcc_buf_put(b, "\n */\n");
    mcc_buf_free(&clean);
}

void cg_fn_begin(cg_out *o, const char *doc, const char *proto_fmt, ...)
{
    mcc_buf proto = {0};
    va_list ap;
    va_start(ap, proto_fmt);
    mcc_buf_vprintf(&proto, proto_fmt, ap);
    va_end(ap);
    const char *p = proto.data ? proto.data : "";
    cg_doc(&o->h, doc);
    mcc_buf_printf(&o->h, "%s;\n\n", p);
    mcc_buf_printf(&o->c, "%s\n{\n", p);
    o->c.indent = 1;
    mcc_buf_free(&proto);
}

void cg_snippet(mcc_buf *b, const char *tpl, ...)
{
    const char *vars[2 * 24 + 1];
    size_t n = 0;
    va_list ap;
    va_start(ap, tpl);
    for (const char *name; n + 2 < sizeof vars / sizeof vars[0] && (name = va_arg(ap, const char *));) {
        vars[n++] = name;
        vars[n++] = va_arg(ap, const char *);
    }
    va_end(ap);
    vars[n] = NULL;
    mcc_template_render(b, tpl, vars);
}

void cg_fn_end(cg_out *o)
{
    o->c.indent = 0;
    mcc_buf_put(&o->c, "}\n\n");
}

const char *cg_sqlf(cgen *g, const char *fmt, ...)
{
    mcc_buf b = {0};
    va_list ap;
    /* Generated SQL runs on SQLite and PostgreSQL alike, whose reserved
     * words differ (`user` is reserved on PostgreSQL only): its
     * identifiers are always double-quoted, %I is %Q here. */
    char qfmt[256];
    const char *use = fmt;
    size_t n = strlen(fmt);
    if (n < sizeof qfmt) {
        memcpy(qfmt, fmt, n + 1);
        for (char *p = qfmt; *p; p++)
            if (p[0] == '%' && p[1] == 'I')
                p[1] = 'Q';
            else if (p[0] == '%' && p[1])
                p++;
        use = qfmt;
    }
    va_start(ap, fmt);
    mcc_buf_vsqlf(&b, use, ap);
    va_end(ap);
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return r;
}

const char *cg_column_list(cgen *g, const mcc_table *t)
{
    mcc_buf b = {0};
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            mcc_buf_put(&b, ", ");
        mcc_put_quoted_ident(&b, t->columns[i].name);
    }
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return r;
}

/* Every name a generated function uses for its own parameters and locals. */
static const char *const taken_names[] = {
    "at", "b", "cap", "changed", "column", "count", "data", "db", "desc", "i", "item", "items", "keep", "len", "list",
    "n", "ncap", "out", "pattern", "q", "rc", "row", "s", "st", "target", "text", "value", "values",
};

bool cg_is_local_name(const char *name)
{
    for (size_t i = 0; i < sizeof taken_names / sizeof taken_names[0]; i++)
        if (strcmp(name, taken_names[i]) == 0)
            return true;
    return false;
}

const char *cg_local(cgen *g, const char *name)
{
    while (cg_is_local_name(name) || (g->names && cg_name_taken(g, name)))
        name = mcc_arena_printf(g->arena, "%s_", name);
    return name;
}

const char *cg_param(cgen *g, const mcc_column *c) { return cg_local(g, c->field); }

int cg_generate(cgen *g, mcc_schema *s, mcc_diag *diag, char **header, cg_file **files, size_t *nfiles)
{
    *header = NULL;
    *files = NULL;
    *nfiles = 0;
    int rc = cg_names_build(g, s, diag) != 0 ? -3 : mcc_emit_c_files(g, header, files, nfiles);
    cg_names_free(g);
    return rc;
}

/* A decimal literal of the schema as a C constant of an integer member:
 * no leading zeros (they would make it octal), INT64_MIN spelled so that
 * it is not an overflowing negation. */
static const char *c_integer(cgen *g, const char *text)
{
    bool neg = text[0] == '-';
    const char *p = neg ? text + 1 : text;
    while (p[0] == '0' && p[1])
        p++;
    if (neg && strcmp(p, "9223372036854775808") == 0)
        return "(-9223372036854775807 - 1)";
    return mcc_arena_printf(g->arena, "%s%s", neg && strcmp(p, "0") ? "-" : "", p);
}

/* The literal X_INIT uses for column c: default(...) wins over
 * server_default (as SQLAlchemy's default= does over server_default=). */
static const mcc_literal *init_literal(const mcc_column *c)
{
    if (c->def.kind != MCC_L_NONE)
        return &c->def;
    return &c->server_def;
}

const char *cg_init_value(cgen *g, const mcc_column *c, bool null_flag)
{
    const mcc_literal *l = init_literal(c);
    if (null_flag)  /* a nullable column without a default starts NULL, as in SQLAlchemy */
        return l->kind == MCC_L_NULL || l->kind == MCC_L_NONE ? "true" : "false";
    bool lit = l->kind == MCC_L_INT || l->kind == MCC_L_DEC || l->kind == MCC_L_STR;
    switch (cg_kind_of(c)) {
    case CG_INT64: case CG_INT32:
        return l->kind == MCC_L_INT ? c_integer(g, l->text) : "0";
    case CG_DOUBLE:
        return l->kind == MCC_L_INT || l->kind == MCC_L_DEC ? l->text : "0.0";
    case CG_BOOL:
        return l->kind == MCC_L_TRUE ? "true" : "false";
    case CG_TEXT:
        if (l->kind == MCC_L_NOW)
            return "MC_NOW";
        return lit ? mcc_arena_printf(g->arena, "(char *)%s", cg_cstr(g, l->text)) : "NULL";
    case CG_BLOB:
        return l->kind == MCC_L_STR ? mcc_arena_printf(g->arena, "{(void *)%s, %zu}", cg_cstr(g, l->text), strlen(l->text))
                                   : "{NULL, 0}";
    case CG_ENUM:
        if (l->kind == MCC_L_ENUM)
            for (size_t i = 0; i < c->enum_type->nvalues; i++)
                if (strcmp(c->enum_type->values[i], l->text) == 0)
                    return cg_enum_value(g, c->enum_type, i);
        return mcc_arena_printf(g->arena, "(%s)0", cg_enum_type(g, c->enum_type));
    }
    return "0";
}
