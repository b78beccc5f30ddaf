/*
 * query_check.c -- `query` declarations checked against the schema at
 * build time (DSL.md section 5), into the model of query.h.
 *
 * The schema's tables are created, with the DDL `modelc sql` prints, in a
 * private in-memory SQLite; each query's statement is prepared there.
 * SQLite then tells what is wrong (unknown table or column, syntax) and
 * where (sqlite3_error_offset, a byte of the statement, mapped back to the
 * file through the body's place), how many columns the statement returns,
 * where each comes from (table, column, declared type) and which `:name`s
 * it binds.  Those facts are compared with the declaration.  The messages
 * go to the diagnostics like every other error; nothing here writes a
 * file.
 *
 * Steps per query: name, parameters' types, RESULT's form, prepare,
 * parameters against `:name`s, result columns against RESULT.
 */
#include "query.h"
#include "ast.h"
#include "ddl.h"
#include "naming.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct qcheck {
    mcc_arena *arena;
    mcc_diag *diag;
    mcc_schema *schema;
    sqlite3 *db;            /* the schema's tables, in memory */
    const mcc_decl *decl;    /* the query being checked */
    mcc_query *q;
    const char *sql;        /* q->sql: the statement as prepared */
    uint32_t sql_off;       /* its first byte in the source */
    size_t sql_len;
    int errors;
    bool headers_only;      /* the schema has errors: no tables to prepare against */
} qcheck;

static void qerr(qcheck *c, uint32_t off, uint32_t len, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Reports an error at [off, off+len) of the source. */
static void qerr(qcheck *c, uint32_t off, uint32_t len, const char *hint, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mcc_error_at(c->diag, off, len, hint, "%s", msg);
    c->errors++;
}

/* ---- a small SQL scanner, only to find places in a statement ------------ */

typedef enum tk_kind { TK_END, TK_WORD, TK_PARAM, TK_STRING, TK_PUNCT } tk_kind;

typedef struct tok {
    tk_kind kind;
    size_t off, len;
} tok;

static bool is_word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '$' || (unsigned char)ch >= 0x80;
}

/* Skips whitespace and comments from i. */
static size_t skip_space(const char *s, size_t n, size_t i)
{
    for (;;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v'))
            i++;
        if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
            while (i < n && s[i] != '\n')
                i++;
        } else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
            i += 2;
            while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'))
                i++;
            i = i + 2 <= n ? i + 2 : n;
        } else {
            return i;
        }
    }
}

/* The end of the quoted string or name opening at s[i] ('...', "...",
 * `...`, [...]): past its closing quote, a doubled quote being part of
 * it; n when it is not closed. */
static size_t quoted_end(const char *s, size_t n, size_t i)
{
    char close = s[i] == '[' ? ']' : s[i];
    size_t j = i + 1;
    while (j < n) {
        if (s[j] == close) {
            if (close != ']' && j + 1 < n && s[j + 1] == close) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j++;
    }
    return n;
}

/* The token at or after i: a word, a parameter (:x @x $x ?N), a quoted
 * string or name (one token), or one punctuation character. */
static tok next_tok(const char *s, size_t n, size_t i)
{
    tok t = {TK_END, n, 0};
    i = skip_space(s, n, i);
    if (i >= n)
        return t;
    t.off = i;
    char ch = s[i];
    if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
        t.kind = ch == '\'' ? TK_STRING : TK_WORD;
        t.len = quoted_end(s, n, i) - i;
        return t;
    }
    if ((ch == ':' || ch == '@' || ch == '$') && i + 1 < n && is_word_char(s[i + 1])) {
        size_t j = i + 1;
        while (j < n && is_word_char(s[j]))
            j++;
        t.kind = TK_PARAM;
        t.len = j - i;
        return t;
    }
    if (ch == '?') {
        size_t j = i + 1;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        t.kind = TK_PARAM;
        t.len = j - i;
        return t;
    }
    if (is_word_char(ch)) {
        size_t j = i;
        while (j < n && (is_word_char(s[j]) || (s[j] == '.' && j + 1 < n && s[j + 1] >= '0' && s[j + 1] <= '9' &&
                                                  s[i] >= '0' && s[i] <= '9')))
            j++;
        t.kind = TK_WORD;
        t.len = j - i;
        return t;
    }
    t.kind = TK_PUNCT;
    t.len = 1;
    return t;
}

static bool tok_is(const char *s, tok t, const char *word)
{
    return t.kind == TK_WORD && strlen(word) == t.len && strncasecmp(s + t.off, word, t.len) == 0;
}

static bool tok_punct(const char *s, tok t, char ch)
{
    return t.kind == TK_PUNCT && s[t.off] == ch;
}

/* The first occurrence of parameter `name` (with its ':'; NULL: a bare '?')
 * in the statement, as [*off, *off + *len); false when not found. */
static bool find_param(const char *s, size_t n, const char *name, size_t *off, size_t *len)
{
    for (tok t = next_tok(s, n, 0); t.kind != TK_END; t = next_tok(s, n, t.off + t.len)) {
        if (t.kind != TK_PARAM)
            continue;
        if (name ? (strlen(name) == t.len && strncmp(s + t.off, name, t.len) == 0) : t.len == 1) {
            *off = t.off;
            *len = t.len;
            return true;
        }
    }
    return false;
}

enum { MAX_ITEMS = 256 };

/* The keyword the result list follows: the top-level RETURNING, else the
 * first top-level SELECT; TK_END when there is neither. */
static tok result_list_start(const char *s, size_t n)
{
    tok t, start = {TK_END, n, 0};
    int depth = 0;
    for (t = next_tok(s, n, 0); t.kind != TK_END; t = next_tok(s, n, t.off + t.len)) {
        if (tok_punct(s, t, '('))
            depth++;
        else if (tok_punct(s, t, ')'))
            depth--;
        else if (depth == 0 && tok_is(s, t, "RETURNING"))
            return t;
        else if (depth == 0 && start.kind == TK_END && tok_is(s, t, "SELECT"))
            start = t;
    }
    return start;
}

/* The result columns as written: the items of the statement's top-level
 * RETURNING list, else of its first top-level SELECT.  Fills spans and
 * star[] (the item is `*` or `t.*`); returns their number (0: none found). */
static size_t result_items(const char *s, size_t n, mcc_span *items, int *star)
{
    tok t, start = result_list_start(s, n);
    int depth;
    if (start.kind == TK_END)
        return 0;
    static const char *const ends[] = {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW",
                                       "UNION", "INTERSECT", "EXCEPT"};
    size_t count = 0;
    t = next_tok(s, n, start.off + start.len);
    if (tok_is(s, t, "DISTINCT") || tok_is(s, t, "ALL"))
        t = next_tok(s, n, t.off + t.len);
    depth = 0;
    size_t item_off = t.off, item_end = t.off, ntoks = 0;
    int prev_dot = 0, item_star = 0;
    for (;;) {
        int end = t.kind == TK_END || (depth == 0 && (tok_punct(s, t, ';') || tok_punct(s, t, ')')));
        for (size_t k = 0; !end && depth == 0 && k < sizeof ends / sizeof ends[0]; k++)
            end = tok_is(s, t, ends[k]);
        if (end || (depth == 0 && tok_punct(s, t, ','))) {
            if (ntoks && count < MAX_ITEMS) {
                items[count].off = (uint32_t)item_off;
                items[count].len = (uint32_t)(item_end - item_off);
                star[count] = item_star;
                count++;
            }
            if (end)
                return count;
            t = next_tok(s, n, t.off + t.len);
            item_off = item_end = t.off;
            ntoks = 0;
            prev_dot = item_star = 0;
            continue;
        }
        if (tok_punct(s, t, '('))
            depth++;
        else if (tok_punct(s, t, ')'))
            depth--;
        item_star = tok_punct(s, t, '*') && (ntoks == 0 || prev_dot);
        prev_dot = tok_punct(s, t, '.');
        ntoks++;
        item_end = t.off + t.len;
        t = next_tok(s, n, t.off + t.len);
    }
}

/* Where result column i is written: its own item when no `*` comes before
 * it, else the whole list; the statement's start when there is no list. */
static mcc_span result_place(qcheck *c, size_t i)
{
    mcc_span items[MAX_ITEMS];
    int star[MAX_ITEMS];
    size_t n = result_items(c->sql, c->sql_len, items, star);
    mcc_span at = {c->sql_off, 0};
    if (n == 0) {
        tok t = next_tok(c->sql, c->sql_len, 0);
        at.len = (uint32_t)t.len;
        return at;
    }
    int before = 0;
    for (size_t k = 0; k < i && k < n; k++)
        before |= star[k];
    if (!before && i < n) {
        at.off += items[i].off;
        at.len = items[i].len;
        return at;
    }
    at.off += items[0].off;
    at.len = items[n - 1].off + items[n - 1].len - items[0].off;
    return at;
}

/* ---- types ---------------------------------------------------------------- */

/* "String", "Integer", "Format": the type as a schema writes it. */
static const char *type_text(qcheck *c, const mcc_column *col)
{
    if (col->type == MCC_T_ENUM)
        return col->enum_type->name;
    if (col->type == MCC_T_STRING && col->length)
        return mcc_arena_printf(c->arena, "String(%d)", col->length);
    if (col->type == MCC_T_NUMERIC && col->precision)
        return mcc_arena_printf(c->arena, "Numeric(%d, %d)", col->precision, col->scale);
    if (col->type >= MCC_T_ENUM)
        return "?";
    return mcc_types[col->type].dsl;
}

/* The arguments of a parameter's or result column's type: String(n) and
 * Numeric(p, s) as in a model (any integer in range; a length says
 * nothing to a query, a scale is how a decimal reads).  Returns 0, or -1
 * after reporting. */
static int type_arguments(qcheck *c, const mcc_call *type, mcc_column *col)
{
    int want = col->type == MCC_T_ENUM ? 0 : mcc_types[col->type].params;
    long v[2] = {0, 0};
    int n = 0, bad = 0;
    for (const mcc_arg *a = type->args; a; a = a->next, n++) {
        char *end = NULL;
        long x = a->val.kind == MCC_V_INT && !a->key ? strtol(a->val.text, &end, 10) : -1;
        bad |= x < 0 || (end && *end) || x > 1000000000L;
        if (n < 2)
            v[n] = x;
    }
    if (want == 0 || bad || n < 1 || n > want || (want == 1 && v[0] == 0) || (want == 2 && v[1] > v[0])) {
        qerr(c, type->paren_at.off, type->paren_at.len,
             want == 0 ? mcc_arena_printf(c->arena, "write just '%s'", type->name)
             : want == 1 ? "String(n) gives the longest value in characters"
                         : "write Numeric(precision, scale), e.g. Numeric(8, 2)",
             want == 0 ? "type '%s' takes no arguments" : "invalid arguments for type '%s'", type->name);
        return -1;
    }
    if (want == 1) {
        col->length = (int)v[0];
    } else {
        col->precision = (int)v[0];
        col->scale = (int)v[1];
    }
    return 0;
}

/* Resolves a parameter's or result column's type into col: a built-in
 * type or an enum of the schema (a model is not a column type), then its
 * arguments.  Returns 0, or -1 after reporting. */
static int resolve_type(qcheck *c, const mcc_call *type, mcc_column *col)
{
    const mcc_schema *s = c->schema;
    col->type = mcc_type_named(type->name);
    for (size_t i = 0; col->type == MCC_T_UNKNOWN && i < s->nenums; i++) {
        if (strcmp(s->enums[i].name, type->name) == 0) {
            col->type = MCC_T_ENUM;
            col->enum_type = &s->enums[i];
        }
    }
    if (col->type == MCC_T_UNKNOWN) {
        const char *hint = mcc_type_hint(c->arena, s, type->name);
        if (!hint && mcc_schema_model(s, type->name))
            hint = mcc_arena_printf(c->arena, "a parameter or result column has a column type; for model '%s' "
                                   "pass its key (e.g. Integer)", type->name);
        qerr(c, type->at.off, type->at.len, hint, "unknown type '%s'", type->name);
        return -1;
    }
    col->sql_type = col->type == MCC_T_ENUM ? "VARCHAR" : mcc_types[col->type].sql;
    return type->has_parens ? type_arguments(c, type, col) : 0;
}

typedef enum family { F_INT, F_FLOAT, F_NUM, F_BOOL, F_TEXT, F_DATETIME, F_DATE, F_TIME, F_BLOB, F_ENUM, F_NONE } family;

/* What a result column of type t reads as: types.def's qfam column. */
static family family_of(mcc_type_id t)
{
    static const family of[MCC_T__COUNT] = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) [MCC_T_##ID] = F_##qfam,
#include "types.def"
#undef X
        [MCC_T_ENUM] = F_ENUM, [MCC_T_UNKNOWN] = F_NONE,
    };
    return of[t];
}

/* Can a value of column `from` be read as `want` without losing or
 * inventing anything?  Integers widen to Float, Boolean reads as an
 * integer, and any text-stored type (dates, decimals, enums) as String. */
static bool readable_as(const mcc_column *want, const mcc_column *from)
{
    family fw = family_of(want->type), ff = family_of(from->type);
    if (fw == F_ENUM)
        return ff == F_ENUM && want->enum_type == from->enum_type;
    if (fw == ff)
        return true;
    if (fw == F_FLOAT && ff == F_INT)
        return true;
    if (fw == F_INT && ff == F_BOOL)
        return true;
    if (fw == F_TEXT && (ff == F_DATETIME || ff == F_DATE || ff == F_TIME || ff == F_NUM || ff == F_ENUM))
        return true;
    return false;
}

/* The schema column result column i of st comes from, or NULL (an
 * expression).  *decl_only is set to a column made from the declared type
 * when only that is known. */
static const mcc_column *origin_of(qcheck *c, sqlite3_stmt *st, int i, mcc_column *decl_only, const char **what)
{
    const char *tname = sqlite3_column_table_name(st, i), *cname = sqlite3_column_origin_name(st, i);
    *what = NULL;
    if (tname && cname) {
        mcc_table *t = mcc_schema_table(c->schema, tname);
        mcc_column *col = t ? mcc_table_column(t, cname) : NULL;
        *what = mcc_arena_printf(c->arena, "%s.%s", tname, cname);
        if (col)
            return col;
    }
    const char *decl = sqlite3_column_decltype(st, i);
    if (!decl)
        return NULL;
    memset(decl_only, 0, sizeof *decl_only);
    for (size_t t = 0; t < MCC_T_ENUM; t++) {
        size_t k = strlen(mcc_types[t].sql);
        if (strncasecmp(decl, mcc_types[t].sql, k) == 0 && (decl[k] == '\0' || decl[k] == '(')) {
            decl_only->type = (mcc_type_id)t;
            decl_only->sql_type = decl;
            return decl_only;
        }
    }
    return NULL;
}

/* ---- steps ---------------------------------------------------------------- */

/* Generated names that a query's name must not meet: the functions every
 * model gets (`<model>_<verb>`). */
static const char *const model_verbs[] = {
    "new", "free", "clear", "list_free", "insert", "get", "update", "delete", "all", "query", "read", "check",
    "meta", "query_free", "query_first", "query_all", "query_next", "query_next_borrowed", "read_lent",
    "query_count", "query_limit", "query_offset", "query_order_by", "query_page", "query_delete", "page_free",
};

/* The names a query makes besides its own (q_row, q_open, ...). */
static const char *const query_suffixes[] = {"", "_sql", "_bind", "_iter", "_open", "_next", "_close", "_row",
                                             "_row_list", "_row_clear", "_row_free", "_row_list_free", "_row_read"};

/* Does generated name `name` belong to a model or an enum of the schema? */
static const char *model_symbol(qcheck *c, const char *name)
{
    const mcc_schema *s = c->schema;
    for (size_t i = 0; i < s->ntables; i++) {
        const char *fn = mcc_snake_case(c->arena, s->tables[i]->model);
        size_t k = strlen(fn);
        if (strncmp(name, fn, k) != 0 || name[k] != '_')
            continue;
        const char *verb = name + k + 1;
        for (size_t v = 0; v < sizeof model_verbs / sizeof model_verbs[0]; v++)
            if (strcmp(verb, model_verbs[v]) == 0)
                return s->tables[i]->model;
        if (strncmp(verb, "query_where_", 12) == 0 || strncmp(verb, "find_by_", 8) == 0 ||
            strncmp(verb, "set_", 4) == 0 || strncmp(verb, "get_with_", 9) == 0)
            return s->tables[i]->model;
        for (size_t r = 0; r < s->tables[i]->nrels; r++) {
            size_t rk = strlen(s->tables[i]->rels[r]->name);
            if (strncmp(verb, s->tables[i]->rels[r]->name, rk) == 0 &&
                (verb[rk] == '\0' || strcmp(verb + rk, "_list") == 0 || strcmp(verb + rk, "_add") == 0 ||
                 strcmp(verb + rk, "_remove") == 0))
                return s->tables[i]->model;
        }
    }
    for (size_t i = 0; i < s->nenums; i++) {
        const char *fn = mcc_snake_case(c->arena, s->enums[i].name);
        if (strcmp(name, mcc_arena_printf(c->arena, "%s_to_text", fn)) == 0 ||
            strcmp(name, mcc_arena_printf(c->arena, "%s_from_text", fn)) == 0)
            return s->enums[i].name;
    }
    if (strcmp(name, mcc_arena_printf(c->arena, "%s_migrate", s->name ? s->name : "")) == 0)
        return "the compiled-in migrations";
    return NULL;
}

/* The query's name is a C identifier no other generated symbol has. */
static void check_name(qcheck *c, const mcc_query *done, size_t ndone)
{
    const mcc_decl *d = c->decl;
    if (mcc_is_c_keyword(d->name)) {
        qerr(c, d->at.off, d->at.len, "pick another name", "query name '%s' is a C keyword", d->name);
        return;
    }
    for (size_t i = 0; i < ndone; i++) {
        for (size_t a = 0; a < sizeof query_suffixes / sizeof query_suffixes[0]; a++) {
            for (size_t b = 0; b < sizeof query_suffixes / sizeof query_suffixes[0]; b++) {
                const char *mine = mcc_arena_printf(c->arena, "%s%s", d->name, query_suffixes[a]);
                const char *theirs = mcc_arena_printf(c->arena, "%s%s", done[i].name, query_suffixes[b]);
                if (strcmp(mine, theirs) != 0)
                    continue;
                unsigned line, col;
                mcc_diag_linecol(c->diag->src, done[i].at.off, &line, &col);
                if (a == 0 && b == 0)
                    qerr(c, d->at.off, d->at.len,
                         mcc_arena_printf(c->arena, "'%s' is first declared at line %u", d->name, line),
                         "duplicate query name '%s'", d->name);
                else
                    qerr(c, d->at.off, d->at.len,
                         mcc_arena_printf(c->arena, "query '%s' (line %u) generates '%s' too; rename one",
                                         done[i].name, line, mine),
                         "query '%s' generates '%s', which is already taken", d->name, mine);
                return;
            }
        }
    }
    for (size_t a = 0; a < sizeof query_suffixes / sizeof query_suffixes[0]; a++) {
        const char *mine = mcc_arena_printf(c->arena, "%s%s", d->name, query_suffixes[a]);
        const char *owner = model_symbol(c, mine);
        if (owner) {
            qerr(c, d->at.off, d->at.len, "pick another name",
                 "query '%s' generates '%s', which %s already has", d->name, mine, owner);
            return;
        }
    }
}

/* Fills col from a `name Type[?]`; the C name gets a '_' when it is a
 * keyword.  Returns 0 when the type is known. */
static int qfield_column(qcheck *c, const mcc_qfield *f, mcc_column *col)
{
    col->name = f->name;
    col->field = mcc_is_c_keyword(f->name) ? mcc_arena_printf(c->arena, "%s_", f->name) : f->name;
    col->nullable = f->nullable;
    col->at = f->at;
    return resolve_type(c, f->type, col);
}

/* Each field of a list once; returns the number of fields. */
static size_t unique_fields(qcheck *c, const mcc_qfield *list, const char *what)
{
    size_t n = 0;
    for (const mcc_qfield *f = list; f; f = f->next, n++)
        for (const mcc_qfield *g = list; g != f; g = g->next)
            if (strcmp(g->name, f->name) == 0) {
                qerr(c, f->at.off, f->at.len, NULL, "duplicate %s '%s'", what, f->name);
                break;
            }
    return n;
}

static int params(qcheck *c)
{
    mcc_query *q = c->q;
    size_t n = unique_fields(c, c->decl->params, "parameter");
    q->params = mcc_arena_alloc(c->arena, (n + 1) * sizeof *q->params);
    if (!q->params)
        return -1;
    int bad = 0;
    for (const mcc_qfield *f = c->decl->params; f; f = f->next)
        bad |= qfield_column(c, f, &q->params[q->nparams++].col) != 0;
    return bad ? -1 : 0;
}

/* `-> (name Type, ...)[]` or `?`: a row type of its own, one member per
 * column, each named once.  Returns 0, or -1 after reporting. */
static int result_row(qcheck *c)
{
    const mcc_decl *d = c->decl;
    mcc_query *q = c->q;
    const mcc_span at = d->result_at;
    if (d->result_shape == MCC_QS_ONE) {
        qerr(c, at.off, at.len, "write (...)[] for every row, or (...)? for at most one",
             "a result row needs '[]' or '?'");
        return -1;
    }
    q->kind = d->result_shape == MCC_QS_LIST ? MCC_Q_ROW_LIST : MCC_Q_ROW_ONE;
    size_t n = unique_fields(c, d->result_cols, "result column");
    if (n == 0) {
        qerr(c, at.off, at.len, "name each column: (username String, posts Integer)[]", "a result row has no columns");
        return -1;
    }
    q->cols = mcc_arena_alloc(c->arena, (n + 1) * sizeof *q->cols);
    if (!q->cols)
        return -1;
    int bad = 0;
    for (const mcc_qfield *f = d->result_cols; f; f = f->next)
        bad |= qfield_column(c, f, &q->cols[q->ncols++]) != 0;
    return bad ? -1 : 0;
}

/* `-> Model[]` or `-> Model?`: rows of a model's own struct. */
static int result_model(qcheck *c, const mcc_table *model)
{
    const mcc_decl *d = c->decl;
    const mcc_call *type = d->result_type;
    mcc_query *q = c->q;
    if (type->has_parens) {
        qerr(c, type->paren_at.off, type->paren_at.len, NULL, "a model takes no arguments");
        return -1;
    }
    if (d->result_shape == MCC_QS_ONE) {
        qerr(c, d->result_at.off, d->result_at.len,
             mcc_arena_printf(c->arena, "write %s[] for every row, or %s? for at most one", type->name, type->name),
             "a model result needs '[]' or '?'");
        return -1;
    }
    q->kind = d->result_shape == MCC_QS_LIST ? MCC_Q_MODEL_LIST : MCC_Q_MODEL_ONE;
    q->model = model;
    return 0;
}

/* `-> Type` or `-> Type?`: one value, the first column of the first row
 * (NULL allowed with '?').  A list of single values is a row of one
 * column, and says so. */
static int result_scalar(qcheck *c)
{
    const mcc_decl *d = c->decl;
    const mcc_call *type = d->result_type;
    mcc_query *q = c->q;
    if (d->result_shape == MCC_QS_LIST) {
        int known = mcc_type_named(type->name) != MCC_T_UNKNOWN;
        for (size_t i = 0; i < c->schema->nenums; i++)
            known |= strcmp(c->schema->enums[i].name, type->name) == 0;
        if (known) {
            qerr(c, d->result_at.off, d->result_at.len,
                 mcc_arena_printf(c->arena, "name the column: -> (value %s)[]", type->name),
                 "a list of single values is a result row of one column");
            return -1;
        }
    }
    q->kind = MCC_Q_SCALAR;
    q->cols = mcc_arena_alloc(c->arena, sizeof *q->cols);
    if (!q->cols)
        return -1;
    q->ncols = 1;
    q->cols[0].name = q->cols[0].field = "value";
    q->cols[0].nullable = d->result_shape == MCC_QS_OPT;
    q->cols[0].at = type->at;
    return resolve_type(c, type, &q->cols[0]) != 0 ? -1 : 0;
}

/* Decides the query's kind from RESULT as written: none (the rows
 * changed), a row of its own, a model (a name that is a model), else one
 * value of a column type.  Returns 0, or -1 after reporting. */
static int result_form(qcheck *c)
{
    const mcc_decl *d = c->decl;
    switch (d->result_form) {
    case MCC_QF_NONE:
        c->q->kind = MCC_Q_EXEC;
        return 0;
    case MCC_QF_ROW:
        return result_row(c);
    case MCC_QF_NAMED:
        break;
    }
    const mcc_table *model = mcc_schema_model(c->schema, d->result_type->name);
    return model ? result_model(c, model) : result_scalar(c);
}

/* A hint for SQLite's "no such table/column: X" messages. */
static const char *sqlite_hint(qcheck *c, const char *msg)
{
    const mcc_schema *s = c->schema;
    const char *cands[512];
    size_t n = 0;
    if (strncmp(msg, "no such table: ", 15) == 0) {
        const char *word = msg + 15;
        const char *dot = strrchr(word, '.');
        word = dot ? dot + 1 : word;
        for (size_t i = 0; i < s->ntables && n < 512; i++)
            cands[n++] = s->tables[i]->name;
        const char *best = mcc_closest(word, cands, n);
        if (best)
            return mcc_arena_printf(c->arena, "did you mean '%s'?", best);
        if (mcc_schema_model(s, word))
            return mcc_arena_printf(c->arena, "SQL names the table, '%s'", mcc_schema_model(s, word)->name);
        return "queries use the tables' SQL names (as `modelc sql` prints them)";
    }
    if (strncmp(msg, "no such column: ", 16) == 0) {
        const char *word = msg + 16;
        const char *dot = strrchr(word, '.');
        const mcc_table *only = NULL;
        if (dot) {
            char *tname = mcc_arena_strndup(c->arena, word, (size_t)(dot - word));
            only = tname ? mcc_schema_table(s, tname) : NULL;
            word = dot + 1;
        }
        for (size_t i = 0; i < s->ntables; i++) {
            if (only && s->tables[i] != only)
                continue;
            for (size_t j = 0; j < s->tables[i]->ncolumns && n < 512; j++)
                cands[n++] = s->tables[i]->columns[j].name;
        }
        const char *best = mcc_closest(word, cands, n);
        if (best)
            return mcc_arena_printf(c->arena, "did you mean '%s'?", best);
    }
    return NULL;
}

/* For "no such table: X" without an offset from SQLite: the first word X
 * of the statement, as [*off += at, *len). */
static bool find_named(const char *s, size_t n, const char *msg, uint32_t *off, uint32_t *len)
{
    const char *prefix = "no such table: ";
    if (strncmp(msg, prefix, strlen(prefix)) != 0)
        return false;
    const char *name = msg + strlen(prefix);
    const char *dot = strrchr(name, '.');
    name = dot ? dot + 1 : name;
    for (tok t = next_tok(s, n, 0); t.kind != TK_END; t = next_tok(s, n, t.off + t.len)) {
        size_t k = strlen(name);
        const char *w = s + t.off;
        size_t wl = t.len;
        if (wl >= 2 && (w[0] == '"' || w[0] == '`' || w[0] == '[')) {
            w++;
            wl -= 2;
        }
        if (t.kind == TK_WORD && wl == k && strncasecmp(w, name, k) == 0) {
            *off += (uint32_t)t.off;
            *len = (uint32_t)t.len;
            return true;
        }
    }
    return false;
}

/* SQLite's message for a statement it cannot prepare, placed where it
 * says (sqlite3_error_offset; all of a "no such column: t.x"), else on the
 * table it names, else on the statement's first word.  stmt/n: the
 * statement from its first non-blank byte. */
static void prepare_error(qcheck *c, const char *stmt, size_t n)
{
    const char *msg = sqlite3_errmsg(c->db);
    int at = sqlite3_error_offset(c->db);
    uint32_t off = c->sql_off, len = 1;
    if (at >= 0 && (size_t)at <= n) {
        off += (uint32_t)at;
        tok t = next_tok(stmt, n, (size_t)at);
        len = t.kind != TK_END && t.off == (size_t)at ? (uint32_t)t.len : 1;
        const char *col = strncmp(msg, "no such column: ", 16) == 0 ? msg + 16 : NULL;
        if (col && strlen(col) <= n - (size_t)at && strncasecmp(stmt + at, col, strlen(col)) == 0)
            len = (uint32_t)strlen(col);
    } else if (!find_named(stmt, n, msg, &off, &len)) {
        tok t = next_tok(stmt, n, 0);
        off += (uint32_t)t.off;
        len = (uint32_t)t.len;
    }
    qerr(c, off, len ? len : 1, sqlite_hint(c, msg), "in query '%s': %s", c->decl->name, msg);
}

/* After the statement (ending at byte `end` of the body) only ';', spaces
 * and comments may follow; returns false after reporting a second
 * statement. */
static bool one_statement(qcheck *c, const char *body, size_t n, size_t end)
{
    size_t rest = end;
    for (;;) {
        rest = skip_space(body, n, rest);
        if (rest < n && body[rest] == ';')
            rest++;
        else
            break;
    }
    if (rest >= n)
        return true;
    tok t = next_tok(body, n, rest);
    qerr(c, c->decl->sql_at.off + (uint32_t)rest, (uint32_t)(t.len ? t.len : 1),
         "a query is one statement; declare another query for the rest",
         "query '%s' has more than one SQL statement", c->decl->name);
    return false;
}

/* Trims the body to its one statement and prepares it in the schema's
 * database: the steps are prepare (or say why not), refuse an empty body
 * and a second statement, keep the text the generated code prepares (the
 * statement without trailing ';' and spaces) in c->sql and q->sql.
 * Returns the statement, or NULL after reporting why not. */
static sqlite3_stmt *prepare(qcheck *c)
{
    const mcc_decl *d = c->decl;
    const char *body = d->sql ? d->sql : "";
    size_t n = strlen(body);
    size_t start = 0;
    while (start < n && (body[start] == ' ' || body[start] == '\t' || body[start] == '\n' || body[start] == '\r'))
        start++;
    c->sql_off = d->sql_at.off + (uint32_t)start;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(c->db, body + start, (int)(n - start), &st, &tail) != SQLITE_OK) {
        prepare_error(c, body + start, n - start);
        return NULL;
    }
    if (!st) {
        qerr(c, d->sql_at.off > 0 ? d->sql_at.off - 1 : 0, 1, "write one SQL statement between the braces",
             "query '%s' has no SQL statement", d->name);
        return NULL;
    }
    size_t end = (size_t)(tail - body);
    if (!one_statement(c, body, n, end)) {
        sqlite3_finalize(st);
        return NULL;
    }
    while (end > start && (body[end - 1] == ';' || body[end - 1] == ' ' || body[end - 1] == '\t' ||
                           body[end - 1] == '\n' || body[end - 1] == '\r'))
        end--;
    c->sql = mcc_arena_strndup(c->arena, body + start, end - start);
    c->sql_len = end - start;
    c->q->sql = c->sql;
    return st;
}

/* Every declared parameter is bound, every `:name` declared (reported in
 * that order, which is the order in the file). */
static void match_params(qcheck *c, sqlite3_stmt *st)
{
    mcc_query *q = c->q;
    for (size_t k = 0; k < q->nparams; k++) {
        mcc_qparam *p = &q->params[k];
        p->index = sqlite3_bind_parameter_index(st, mcc_arena_printf(c->arena, ":%s", p->col.name));
        if (p->index == 0)
            qerr(c, p->col.at.off, p->col.at.len,
                 mcc_arena_printf(c->arena, "use it in the SQL as :%s, or remove it", p->col.name),
                 "parameter '%s' of query '%s' is not used", p->col.name, q->name);
    }
    int n = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= n; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        size_t off = 0, len = 1;
        find_param(c->sql, c->sql_len, name, &off, &len);
        uint32_t at = c->sql_off + (uint32_t)off;
        if (!name || name[0] != ':') {
            const char *bare = name && name[0] != '?' ? name + 1 : NULL;
            qerr(c, at, (uint32_t)len,
                 bare ? mcc_arena_printf(c->arena, "write :%s", bare)
                      : "name it, e.g. :user_id, and declare it: query q(user_id Integer)",
                 "query '%s': parameters are written :name", q->name);
            continue;
        }
        int declared = 0;
        for (size_t k = 0; k < q->nparams; k++)
            declared |= strcmp(q->params[k].col.name, name + 1) == 0;
        if (declared)
            continue;
        const char **cands = mcc_arena_alloc(c->arena, (q->nparams + 1) * sizeof *cands);
        for (size_t k = 0; cands && k < q->nparams; k++)
            cands[k] = q->params[k].col.name;
        const char *best = cands ? mcc_closest(name + 1, cands, q->nparams) : NULL;
        qerr(c, at, (uint32_t)len,
             best ? mcc_arena_printf(c->arena, "did you mean ':%s'?", best)
                  : mcc_arena_printf(c->arena, "declare it: query %s(..., %s Type)", q->name, name + 1),
             "query '%s' uses parameter '%s', which it does not declare", q->name, name);
    }
}

/* "post.body (String(140))" or "an expression". */
static const char *describe_origin(qcheck *c, const mcc_column *from, const char *where)
{
    const char *t = from ? type_text(c, from) : "";
    const char *an = strchr("AEIOU", t[0]) && t[0] ? "an" : "a";
    if (where && from)
        return mcc_arena_printf(c->arena, "%s, %s %s column", where, an, t);
    if (from)
        return mcc_arena_printf(c->arena, "%s %s value", an, t);
    return where ? where : "an expression";
}

/* Result column i of st has a type `want` can hold. */
static void check_column_type(qcheck *c, sqlite3_stmt *st, int i, const mcc_column *want, const char *label)
{
    mcc_column decl_only;
    const char *where;
    const mcc_column *from = origin_of(c, st, i, &decl_only, &where);
    if (!from || readable_as(want, from))
        return;
    mcc_span at = result_place(c, (size_t)i);
    qerr(c, at.off, at.len,
         mcc_arena_printf(c->arena, "declare %s as %s, or convert it in SQL (CAST(... AS ...))", label,
                         mcc_column_type_name(from)),
         "query '%s': result column %d is %s, but the query declares %s %s", c->q->name, i + 1,
         describe_origin(c, from, where), label, type_text(c, want));
}

/* A model result: the statement gives exactly the model's columns, in
 * order, straight from its table (as SELECT t.* does). */
static void match_model_columns(qcheck *c, sqlite3_stmt *st, int n)
{
    mcc_query *q = c->q;
    const mcc_table *t = q->model;
    const char *hint = mcc_arena_printf(c->arena, "%s%s takes exactly %s's columns in order, as SELECT %s.* gives",
                                       t->model, q->kind == MCC_Q_MODEL_LIST ? "[]" : "?", t->name, t->name);
    if ((size_t)n != t->ncolumns) {
        mcc_span at = result_place(c, (size_t)n > t->ncolumns ? t->ncolumns : 0);
        qerr(c, at.off, at.len, hint, "query '%s' returns %d column%s, but model %s has %zu", q->name, n,
             n == 1 ? "" : "s", t->model, t->ncolumns);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *tname = sqlite3_column_table_name(st, i), *cname = sqlite3_column_origin_name(st, i);
        const mcc_column *want = &t->columns[i];
        if (tname && cname && strcmp(tname, t->name) == 0 && strcmp(cname, want->name) == 0)
            continue;
        mcc_span at = result_place(c, (size_t)i);
        qerr(c, at.off, at.len, hint, "query '%s': result column %d is %s, but %s has %s.%s there", q->name, i + 1,
             tname && cname ? mcc_arena_printf(c->arena, "%s.%s", tname, cname) : "an expression", t->model,
             t->name, want->name);
        return;
    }
}

/* A row or a scalar result: as many columns as declared, each of a type
 * its declaration can hold. */
static void match_declared_columns(qcheck *c, sqlite3_stmt *st, int n)
{
    mcc_query *q = c->q;
    if ((size_t)n != q->ncols) {
        const char *decl = q->kind == MCC_Q_SCALAR ? "one value"
                                                  : mcc_arena_printf(c->arena, "%zu column%s", q->ncols,
                                                                    q->ncols == 1 ? "" : "s");
        mcc_span at = (size_t)n > q->ncols ? result_place(c, q->ncols) : c->decl->result_at;
        qerr(c, at.off, at.len,
             (size_t)n > q->ncols ? "remove the extra columns, or declare them in the result"
                                  : "select one column for each declared one",
             "query '%s' returns %d column%s, but its result declares %s", q->name, n, n == 1 ? "" : "s", decl);
        return;
    }
    for (int i = 0; i < n; i++)
        check_column_type(c, st, i, &q->cols[i],
                          q->kind == MCC_Q_SCALAR ? "its result" : mcc_arena_printf(c->arena, "'%s'", q->cols[i].name));
}

/* The statement's result columns against RESULT: none without one, some
 * with one, then the model's or the declared columns. */
static void match_result(qcheck *c, sqlite3_stmt *st)
{
    mcc_query *q = c->q;
    const mcc_decl *d = c->decl;
    int n = sqlite3_column_count(st);
    if (q->kind == MCC_Q_EXEC) {
        if (n > 0) {
            mcc_span at = result_place(c, 0);
            qerr(c, at.off, at.len,
                 mcc_arena_printf(c->arena, "declare what it returns: query %s(...) -> (name Type, ...)[]", q->name),
                 "query '%s' returns %d column%s but declares no result", q->name, n, n == 1 ? "" : "s");
        }
        return;
    }
    if (n == 0) {
        qerr(c, d->result_at.off, d->result_at.len, "remove the result, or add RETURNING to the statement",
             "query '%s' declares a result, but its statement returns no rows", q->name);
        return;
    }
    if (q->kind == MCC_Q_MODEL_LIST || q->kind == MCC_Q_MODEL_ONE)
        match_model_columns(c, st, n);
    else
        match_declared_columns(c, st, n);
}

/* One query, all steps; the query is kept (for generation) only when
 * every step passed. */
static int check_one(qcheck *c, mcc_query *done, size_t ndone)
{
    int before = c->errors;
    check_name(c, done, ndone);
    bool ok = params(c) == 0;
    ok = (result_form(c) == 0) && ok;
    if (c->headers_only)
        return 0;
    sqlite3_stmt *st = prepare(c);
    if (st) {
        if (ok)
            match_params(c, st);
        if (ok)
            match_result(c, st);
        sqlite3_finalize(st);
    }
    return c->errors == before && st && ok;
}

/* The schema's tables in a fresh in-memory database: the DDL of
 * `modelc sql`, so the statements see exactly the real tables. */
static sqlite3 *schema_db(qcheck *c)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        mcc_error_plain(c->diag, "cannot open an in-memory SQLite database to check the queries");
        sqlite3_close(db);
        return NULL;
    }
    mcc_buf b = {0};
    mcc_ddl_schema(&b, c->schema);
    char *err = NULL;
    if (b.failed || sqlite3_exec(db, b.data ? b.data : "", NULL, NULL, &err) != SQLITE_OK) {
        mcc_error_plain(c->diag, "cannot create the schema's tables to check the queries: %s",
                       err ? err : "out of memory");
        sqlite3_free(err);
        sqlite3_close(db);
        db = NULL;
    }
    mcc_buf_free(&b);
    return db;
}

int mcc_check_queries(const mcc_ast *ast, mcc_arena *arena, mcc_diag *diag, mcc_schema *s, unsigned flags)
{
    size_t n = 0;
    for (const mcc_decl *d = ast->decls; d; d = d->next)
        n += d->kind == MCC_D_QUERY;
    s->nqueries = 0;
    s->queries = NULL;
    if (n == 0)
        return 0;
    qcheck c = {0};
    c.arena = arena;
    c.diag = diag;
    c.schema = s;
    c.headers_only = (flags & MCC_QUERIES_HEADERS_ONLY) != 0;
    mcc_query *qs = mcc_arena_alloc(arena, n * sizeof *qs);
    if (!qs) {
        mcc_error_plain(diag, "out of memory");
        return 1;
    }
    if (!c.headers_only && !(c.db = schema_db(&c)))
        return 1;
    size_t nq = 0;
    for (const mcc_decl *d = ast->decls; d && !mcc_diag_full(diag); d = d->next) {
        if (d->kind != MCC_D_QUERY)
            continue;
        mcc_query *q = &qs[nq];
        memset(q, 0, sizeof *q);
        q->name = d->name;
        q->at = d->at;
        c.decl = d;
        c.q = q;
        c.sql = NULL;
        c.sql_len = 0;
        check_one(&c, qs, nq);
        nq++;   /* kept for the name checks of the next ones */
    }
    sqlite3_close(c.db);
    if (c.errors == 0 && !c.headers_only) {
        s->queries = qs;
        s->nqueries = nq;
    }
    return c.errors;
}
