/* introspect.c -- see introspect.h. */
#include "introspect.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* See introspect.h: SQLite's own tables and the migration tools'
 * bookkeeping are not the application's schema. */
int mcc_introspect_skips(const char *table)
{
    return strncmp(table, "sqlite_", 7) == 0 || strcmp(table, "modelc_migrations") == 0 ||
           strcmp(table, "alembic_version") == 0;
}

/* See introspect.h.  Matched by types.def's SQL name (case aside) and
 * its parameter count; anything else (an unknown name, extra words, a
 * parameter a type does not take) is MCC_T_UNKNOWN: the column keeps its
 * SQL type text, and diffing compares that text. */
mcc_type_id mcc_type_from_sql(const char *sql_type, int *length, int *precision, int *scale)
{
    *length = *precision = *scale = 0;
    if (!sql_type)
        return MCC_T_UNKNOWN;
    size_t n = 0;
    while (sql_type[n] && (isalnum((unsigned char)sql_type[n]) || sql_type[n] == '_'))
        n++;
    const char *rest = sql_type + n;
    while (*rest == ' ')
        rest++;
    for (int t = 0; t < MCC_T_ENUM; t++) {
        if (strlen(mcc_types[t].sql) != n || strncasecmp(mcc_types[t].sql, sql_type, n) != 0)
            continue;
        if (*rest == '\0')
            return (mcc_type_id)t;
        if (*rest != '(' || mcc_types[t].params == 0)
            return MCC_T_UNKNOWN;
        char *end;
        long a = strtol(rest + 1, &end, 10);
        while (*end == ' ')
            end++;
        if (mcc_types[t].params == 1 && *end == ')' && end[1] == '\0') {
            *length = (int)a;
            return (mcc_type_id)t;
        }
        if (mcc_types[t].params == 2) {
            *precision = (int)a;
            if (*end == ',') {
                long b = strtol(end + 1, &end, 10);
                while (*end == ' ')
                    end++;
                *scale = (int)b;
            }
            if (*end == ')' && end[1] == '\0')
                return (mcc_type_id)t;
        }
        return MCC_T_UNKNOWN;
    }
    return MCC_T_UNKNOWN;
}

/* ---- a small lexer over CREATE TABLE text ------------------------------- */

typedef enum { TK_END, TK_WORD, TK_QUOTED, TK_STRING, TK_PUNCT } tk_kind;

typedef struct tok {
    tk_kind kind;
    const char *p;          /* start in the text */
    size_t n;               /* length in the text */
} tok;

typedef struct lexer {
    const char *s;
    size_t pos;
} lexer;

/* Past white space, "--" line comments and block comments. */
static void skip_space(lexer *lx)
{
    for (;;) {
        char c = lx->s[lx->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            lx->pos++;
        else if (c == '-' && lx->s[lx->pos + 1] == '-') {
            while (lx->s[lx->pos] && lx->s[lx->pos] != '\n')
                lx->pos++;
        } else if (c == '/' && lx->s[lx->pos + 1] == '*') {
            const char *e = strstr(lx->s + lx->pos + 2, "*/");
            lx->pos = e ? (size_t)(e - lx->s) + 2 : strlen(lx->s);
        } else
            return;
    }
}

/* The next token: a quoted name ("x", `x`, [x]) or string ('x', with
 * doubled quotes), a word, or one punctuation byte; TK_END at the end. */
static tok next(lexer *lx)
{
    skip_space(lx);
    tok t = {TK_END, lx->s + lx->pos, 0};
    const char *s = lx->s;
    size_t i = lx->pos;
    char c = s[i];
    if (!c)
        return t;
    if (c == '"' || c == '`' || c == '\'' || c == '[') {
        char close = c == '[' ? ']' : c;
        size_t j = i + 1;
        while (s[j]) {
            if (s[j] == close) {
                if (close != ']' && s[j + 1] == close) {
                    j += 2;
                    continue;
                }
                break;
            }
            j++;
        }
        if (s[j])
            j++;
        t.kind = c == '\'' ? TK_STRING : TK_QUOTED;
        t.n = j - i;
    } else if (isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80) {
        size_t j = i;
        while (s[j] && (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '$' || (unsigned char)s[j] >= 0x80))
            j++;
        t.kind = TK_WORD;
        t.n = j - i;
    } else {
        t.kind = TK_PUNCT;
        t.n = 1;
    }
    lx->pos = i + t.n;
    return t;
}

/* Is t the keyword kw (case aside)? */
static int is_kw(tok t, const char *kw)
{
    return t.kind == TK_WORD && strlen(kw) == t.n && strncasecmp(t.p, kw, t.n) == 0;
}

/* Is t the punctuation byte c? */
static int is_punct(tok t, char c)
{
    return t.kind == TK_PUNCT && t.p[0] == c;
}

/* An identifier token's name, unquoted. */
static char *ident(mcc_arena *a, tok t)
{
    if (t.kind != TK_QUOTED)
        return mcc_arena_strndup(a, t.p, t.n);
    char close = t.p[0] == '[' ? ']' : t.p[0];
    char *out = mcc_arena_alloc(a, t.n + 1);
    if (!out)
        return NULL;
    size_t o = 0, end = t.n > 1 && t.p[t.n - 1] == close ? t.n - 1 : t.n;
    for (size_t i = 1; i < end; i++) {
        out[o++] = t.p[i];
        if (t.p[i] == close && close != ']' && i + 1 < end && t.p[i + 1] == close)
            i++;
    }
    out[o] = '\0';
    return out;
}

/* After an opening '(' was read: the text up to the matching ')', which is
 * consumed.  NULL when unbalanced. */
static char *balanced(mcc_arena *a, lexer *lx)
{
    size_t start = lx->pos;
    int depth = 1;
    for (;;) {
        tok t = next(lx);
        if (t.kind == TK_END)
            return NULL;
        if (is_punct(t, '('))
            depth++;
        else if (is_punct(t, ')') && --depth == 0) {
            const char *b = lx->s + start, *e = t.p;
            while (b < e && isspace((unsigned char)*b))
                b++;
            while (e > b && isspace((unsigned char)e[-1]))
                e--;
            return mcc_arena_strndup(a, b, (size_t)(e - b));
        }
    }
}

/* "(a, b)" -> names.  Returns the count, or -1 on a syntax error (or
 * when out of memory). */
static int name_list(mcc_arena *a, lexer *lx, const char ***out)
{
    tok t = next(lx);
    if (!is_punct(t, '('))
        return -1;
    size_t cap = 0, n = 0;
    const char **v = NULL;
    for (;;) {
        t = next(lx);
        if (t.kind != TK_WORD && t.kind != TK_QUOTED)
            return -1;
        const char **slot = MCC_ARENA_PUSH(a, v, n, cap);
        if (!slot)
            return -1;
        *slot = ident(a, t);
        t = next(lx);
        /* Skip COLLATE x / ASC / DESC. */
        while (t.kind == TK_WORD)
            t = next(lx);
        if (is_punct(t, ')'))
            break;
        if (!is_punct(t, ','))
            return -1;
    }
    *out = v;
    return (int)n;
}

/* The action after ON DELETE / ON UPDATE; MCC_FK_NONE for one not known. */
static mcc_fk_action action(lexer *lx)
{
    tok t = next(lx);
    if (is_kw(t, "CASCADE"))
        return MCC_FK_CASCADE;
    if (is_kw(t, "RESTRICT"))
        return MCC_FK_RESTRICT;
    if (is_kw(t, "SET")) {
        t = next(lx);
        return is_kw(t, "NULL") ? MCC_FK_SET_NULL : MCC_FK_SET_DEFAULT;
    }
    if (is_kw(t, "NO")) {
        next(lx);
        return MCC_FK_NO_ACTION;
    }
    return MCC_FK_NONE;
}

/* ---- building the table ------------------------------------------------- */

typedef struct tbuild {
    mcc_arena *a;
    mcc_table *t;
    size_t kcap;
} tbuild;

/* Appends a constraint of kind `kind` to the table; NULL when out of memory. */
static mcc_constraint *add_constraint(tbuild *b, mcc_constraint_kind kind)
{
    mcc_constraint *k = MCC_ARENA_PUSH(b->a, b->t->constraints, b->t->nconstraints, b->kcap);
    if (k)
        k->kind = kind;
    return k;
}

/* k's columns are the named columns of the table; -1 for a name the
 * table does not have (or out of memory). */
static int set_cols(tbuild *b, mcc_constraint *k, const char **names, int n)
{
    k->cols = mcc_arena_alloc(b->a, ((size_t)n + 1) * sizeof *k->cols);
    if (!k->cols)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t ci = mcc_table_column_index(b->t, names[i]);
        if (ci == (size_t)-1)
            return -1;
        k->cols[i] = ci;
    }
    k->ncols = (size_t)n;
    return 0;
}

/* REFERENCES t (cols) [ON DELETE a] [ON UPDATE a] ...; "REFERENCES" read. */
static int references(tbuild *b, lexer *lx, mcc_constraint *k)
{
    tok t = next(lx);
    if (t.kind != TK_WORD && t.kind != TK_QUOTED)
        return -1;
    k->ref_table = ident(b->a, t);
    size_t save = lx->pos;
    t = next(lx);
    lx->pos = save;
    if (is_punct(t, '(')) {
        int n = name_list(b->a, lx, &k->ref_cols);
        if (n < 0)
            return -1;
        k->nref = (size_t)n;
    }
    for (;;) {
        save = lx->pos;
        t = next(lx);
        if (is_kw(t, "ON")) {
            tok w = next(lx);
            mcc_fk_action act = action(lx);
            if (is_kw(w, "DELETE"))
                k->on_delete = act;
            else
                k->on_update = act;
        } else if (t.kind == TK_WORD && !is_kw(t, "CONSTRAINT") && !is_kw(t, "NOT") && !is_kw(t, "NULL") &&
                   !is_kw(t, "DEFAULT") && !is_kw(t, "CHECK") && !is_kw(t, "UNIQUE") &&
                   !is_kw(t, "PRIMARY") && !is_kw(t, "REFERENCES") && !is_kw(t, "COLLATE")) {
            continue;   /* MATCH x, DEFERRABLE INITIALLY DEFERRED ... */
        } else {
            lx->pos = save;
            return 0;
        }
    }
}

/* One item of the table body that is a column definition. */
static int column_def(tbuild *b, lexer *lx, tok name_tok)
{
    const char *name = ident(b->a, name_tok);
    mcc_column *c = mcc_table_column(b->t, name);
    size_t ci = mcc_table_column_index(b->t, name);
    if (!c)
        return -1;
    const char *cname = NULL;
    for (;;) {
        size_t save = lx->pos;
        tok t = next(lx);
        if (t.kind == TK_END || is_punct(t, ',') || is_punct(t, ')')) {
            lx->pos = save;
            return 0;
        }
        if (is_punct(t, '(')) {
            if (!balanced(b->a, lx))
                return -1;
        } else if (is_kw(t, "CONSTRAINT")) {
            tok n = next(lx);
            cname = ident(b->a, n);
        } else if (is_kw(t, "CHECK")) {
            if (!is_punct(next(lx), '('))
                return -1;
            c->check = balanced(b->a, lx);
            if (!c->check)
                return -1;
            cname = NULL;
        } else if (is_kw(t, "AUTOINCREMENT")) {
            c->autoincrement = true;
        } else if (is_kw(t, "UNIQUE")) {
            mcc_constraint *k = add_constraint(b, MCC_C_UNIQUE);
            if (!k || set_cols(b, k, &name, 1))
                return -1;
            k->name = cname;
            cname = NULL;
        } else if (is_kw(t, "REFERENCES")) {
            mcc_constraint *k = add_constraint(b, MCC_C_FOREIGN_KEY);
            if (!k || set_cols(b, k, &name, 1) || references(b, lx, k))
                return -1;
            k->name = cname;
            cname = NULL;
            c = &b->t->columns[ci];
        }
    }
}

/* One item of the table body: a table constraint (PRIMARY KEY, read by
 * table_xinfo already; UNIQUE; CHECK; FOREIGN KEY), optionally named by
 * CONSTRAINT x, or a column definition.  0, or -1 on what it cannot read. */
static int table_item(tbuild *b, lexer *lx)
{
    tok t = next(lx);
    const char *cname = NULL;
    if (is_kw(t, "CONSTRAINT")) {
        cname = ident(b->a, next(lx));
        t = next(lx);
    }
    if (is_kw(t, "PRIMARY")) {
        next(lx); /* KEY */
        const char **names;
        if (name_list(b->a, lx, &names) < 0)
            return -1;
    } else if (is_kw(t, "UNIQUE")) {
        const char **names;
        int n = name_list(b->a, lx, &names);
        mcc_constraint *k = n < 0 ? NULL : add_constraint(b, MCC_C_UNIQUE);
        if (!k || set_cols(b, k, names, n))
            return -1;
        k->name = cname;
    } else if (is_kw(t, "CHECK")) {
        if (!is_punct(next(lx), '('))
            return -1;
        mcc_constraint *k = add_constraint(b, MCC_C_CHECK);
        if (!k || !(k->check = balanced(b->a, lx)))
            return -1;
        k->name = cname;
    } else if (is_kw(t, "FOREIGN")) {
        next(lx); /* KEY */
        const char **names;
        int n = name_list(b->a, lx, &names);
        mcc_constraint *k = n < 0 ? NULL : add_constraint(b, MCC_C_FOREIGN_KEY);
        if (!k || set_cols(b, k, names, n) || !is_kw(next(lx), "REFERENCES") || references(b, lx, k))
            return -1;
        k->name = cname;
    } else if (t.kind == TK_WORD || t.kind == TK_QUOTED) {
        return column_def(b, lx, t);
    } else {
        return -1;
    }
    /* Anything else up to the item's end (ON CONFLICT ...). */
    for (;;) {
        size_t save = lx->pos;
        tok u = next(lx);
        if (u.kind == TK_END || is_punct(u, ',') || is_punct(u, ')')) {
            lx->pos = save;
            return 0;
        }
        if (is_punct(u, '(') && !balanced(b->a, lx))
            return -1;
    }
}

/* Parses the CREATE TABLE text for constraints and column CHECKs. */
static int parse_create(tbuild *b, const char *sql)
{
    lexer lx = {sql, 0};
    tok t;
    do
        t = next(&lx);
    while (t.kind != TK_END && !is_punct(t, '('));
    if (t.kind == TK_END)
        return -1;
    for (;;) {
        if (table_item(b, &lx))
            return -1;
        t = next(&lx);
        if (is_punct(t, ')'))
            return 0;
        if (!is_punct(t, ','))
            return -1;
    }
}

/* ---- the database --------------------------------------------------------- */

/* Reports "<what>: <SQLite's message>" (or "out of memory" for rc
 * SQLITE_NOMEM without a message of SQLite's) and returns -1. */
static int fail(sqlite3 *db, mcc_diag *diag, int rc, const char *what)
{
    if (rc == SQLITE_NOMEM && sqlite3_errcode(db) != SQLITE_NOMEM)
        mcc_error_in(diag, NULL, NULL, "%s: out of memory", what);
    else
        mcc_error_in(diag, NULL, NULL, "%s: %s", what, sqlite3_errmsg(db));
    return -1;
}

/* After a loop of sqlite3_step: 0 when it ran to its end, else -1 after
 * reporting (a loop left early at a row ran out of memory). */
static int stepped(sqlite3 *db, mcc_diag *diag, int rc, const char *what)
{
    if (rc == SQLITE_DONE)
        return 0;
    return fail(db, diag, rc == SQLITE_ROW ? SQLITE_NOMEM : rc, what);
}

/* Prepares "PRAGMA pragma("name")", the name quoted; 0, or -1 after reporting. */
static int prepare_pragma(sqlite3 *db, mcc_diag *diag, const char *pragma, const char *name, sqlite3_stmt **st)
{
    char *q = sqlite3_mprintf("PRAGMA %s(\"%w\")", pragma, name);
    int rc = q ? sqlite3_prepare_v2(db, q, -1, st, NULL) : SQLITE_NOMEM;
    sqlite3_free(q);
    return rc == SQLITE_OK ? 0 : fail(db, diag, rc, name);
}

/* Column i of st's row as an arena string; NULL for SQL NULL. */
static char *col_text(mcc_arena *a, sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? mcc_arena_strdup(a, (const char *)s) : NULL;
}

/* Indexes by name, as the checker orders a model's. */
static int cmp_index(const void *x, const void *y)
{
    return strcmp(((const mcc_index *)x)->name, ((const mcc_index *)y)->name);
}

/* A column of PRAGMA table_xinfo with its place in the primary key (0: not in it). */
typedef struct xcol {
    mcc_column c;
    int pkpos;
} xcol;

/*
 * Step 1 of load_table: the visible columns of PRAGMA table_xinfo (hidden
 * and generated ones are not the table's data), with type, nullability,
 * default; then the primary key in its declared order (the pk column of
 * table_xinfo is the 1-based position in the key).  0, or -1 after
 * reporting.
 */
static int load_columns(sqlite3 *db, mcc_arena *a, mcc_diag *diag, mcc_table *t)
{
    sqlite3_stmt *st;
    if (prepare_pragma(db, diag, "table_xinfo", t->name, &st))
        return -1;
    xcol *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int(st, 6) != 0)
            continue;   /* hidden or generated */
        xcol *x = MCC_ARENA_PUSH(a, v, n, cap);
        if (!x)
            break;
        mcc_column *c = &x->c;
        c->name = c->field = col_text(a, st, 1);
        c->sql_type = col_text(a, st, 2);
        if (!c->sql_type)
            c->sql_type = "";
        c->type = mcc_type_from_sql(c->sql_type, &c->length, &c->precision, &c->scale);
        c->nullable = sqlite3_column_int(st, 3) == 0;
        c->server_default = col_text(a, st, 4);
        x->pkpos = sqlite3_column_int(st, 5);
        c->primary_key = x->pkpos > 0;
    }
    sqlite3_finalize(st);
    if (stepped(db, diag, rc, t->name))
        return -1;
    t->columns = mcc_arena_alloc(a, (n + 1) * sizeof *t->columns);
    t->pk = mcc_arena_alloc(a, (n + 1) * sizeof *t->pk);
    if (!t->columns || !t->pk)
        return fail(db, diag, SQLITE_NOMEM, t->name);
    for (size_t i = 0; i < n; i++)
        t->columns[i] = v[i].c;
    t->ncolumns = n;
    for (int pos = 1; pos <= (int)n; pos++)
        for (size_t i = 0; i < n; i++)
            if (v[i].pkpos == pos)
                t->pk[t->npk++] = i;
    return 0;
}

/*
 * Step 2: CHECK, UNIQUE and FOREIGN KEY constraints, with their names and
 * in their order, from the CREATE TABLE text (no PRAGMA gives names or
 * CHECKs); a single-column foreign key is also linked from its column, as
 * the checker links it.  0, or -1 after reporting.
 */
static int load_constraints(mcc_arena *a, mcc_diag *diag, mcc_table *t, const char *sql)
{
    tbuild b = {a, t, 0};
    if (sql && parse_create(&b, sql) != 0) {
        mcc_error_in(diag, NULL, NULL, "%s: cannot read its CREATE TABLE statement", t->name);
        return -1;
    }
    for (size_t i = 0; i < t->nconstraints; i++) {
        mcc_constraint *k = &t->constraints[i];
        if (k->kind == MCC_C_FOREIGN_KEY && k->ncols == 1)
            t->columns[k->cols[0]].fk = k;
    }
    return 0;
}

/* An index column of PRAGMA index_info with its position (seqno). */
typedef struct xkey {
    size_t col;
    int seq;
} xkey;

/* Index columns by their position in the index. */
static int cmp_key(const void *x, const void *y)
{
    const xkey *a = x, *b = y;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Step 3b: the columns of index ix in seqno order (PRAGMA index_info
 * gives them in that order already; sorted to be sure).  A column the
 * table does not show (an expression) counts as its first.  0, or -1
 * after reporting. */
static int load_index_columns(sqlite3 *db, mcc_arena *a, mcc_diag *diag, const mcc_table *t, mcc_index *ix)
{
    sqlite3_stmt *st;
    if (prepare_pragma(db, diag, "index_info", ix->name, &st))
        return -1;
    xkey *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        xkey *k = MCC_ARENA_PUSH(a, v, n, cap);
        if (!k)
            break;
        const char *cn = (const char *)sqlite3_column_text(st, 2);
        size_t ci = cn ? mcc_table_column_index(t, cn) : (size_t)-1;
        k->seq = sqlite3_column_int(st, 0);
        k->col = ci == (size_t)-1 ? 0 : ci;
    }
    sqlite3_finalize(st);
    if (stepped(db, diag, rc, ix->name))
        return -1;
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_key);
    size_t *cols = mcc_arena_alloc(a, (n + 1) * sizeof *cols);
    if (!cols)
        return fail(db, diag, SQLITE_NOMEM, ix->name);
    for (size_t i = 0; i < n; i++)
        cols[i] = v[i].col;
    ix->cols = cols;
    ix->ncols = n;
    return 0;
}

/*
 * Step 3: the indexes made with CREATE INDEX (origin "c" in PRAGMA
 * index_list; the automatic ones behind UNIQUE and PRIMARY KEY are
 * constraints, and partial indexes have no DSL form), each with its
 * columns, sorted by name as the checker sorts a model's.  0, or -1 after
 * reporting.
 */
static int load_indexes(sqlite3 *db, mcc_arena *a, mcc_diag *diag, mcc_table *t)
{
    sqlite3_stmt *st;
    if (prepare_pragma(db, diag, "index_list", t->name, &st))
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *origin = (const char *)sqlite3_column_text(st, 3);
        if (!origin || strcmp(origin, "c") != 0 || sqlite3_column_int(st, 4))
            continue;   /* constraint-made, or partial */
        mcc_index *ix = MCC_ARENA_PUSH(a, t->indexes, t->nindexes, cap);
        if (!ix)
            break;
        ix->name = col_text(a, st, 1);
        ix->unique = sqlite3_column_int(st, 2) != 0;
    }
    sqlite3_finalize(st);
    if (stepped(db, diag, rc, t->name))
        return -1;
    if (!t->indexes && !(t->indexes = mcc_arena_alloc(a, sizeof *t->indexes)))
        return fail(db, diag, SQLITE_NOMEM, t->name);
    for (size_t i = 0; i < t->nindexes; i++)
        if (load_index_columns(db, a, diag, t, &t->indexes[i]))
            return -1;
    if (t->nindexes > 1)
        qsort(t->indexes, t->nindexes, sizeof *t->indexes, cmp_index);
    return 0;
}

/* One table: columns and primary key, constraints, indexes, in turn.
 * sql is its CREATE TABLE text (NULL: no constraints read).  0, or -1
 * after reporting. */
static int load_table(sqlite3 *db, mcc_arena *a, mcc_diag *diag, mcc_table *t, const char *sql)
{
    if (load_columns(db, a, diag, t) || load_constraints(a, diag, t, sql) || load_indexes(db, a, diag, t))
        return -1;
    return 0;
}

/* The tables of sqlite_master in creation order (rowid), but those
 * introspection skips, each with its CREATE TABLE text in *sqls.  0, or
 * -1 after reporting. */
static int list_tables(sqlite3 *db, mcc_arena *arena, mcc_diag *diag, mcc_schema *out, const char ***sqls)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return fail(db, diag, rc, "sqlite_master");
    size_t cap = 0, nsql = 0, sqlcap = 0;
    *sqls = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name || mcc_introspect_skips(name))
            continue;
        mcc_table *t = mcc_arena_alloc(arena, sizeof *t);
        mcc_table **slot = t ? MCC_ARENA_PUSH(arena, out->tables, out->ntables, cap) : NULL;
        const char **sql = slot ? MCC_ARENA_PUSH(arena, *sqls, nsql, sqlcap) : NULL;
        if (!sql)
            break;
        t->name = t->model = mcc_arena_strdup(arena, name);
        *sql = col_text(arena, st, 1);
        *slot = t;
    }
    sqlite3_finalize(st);
    if (stepped(db, diag, rc, "sqlite_master"))
        return -1;
    /* No table is an empty array, not none (callers copy and sort it). */
    if (!out->tables && !(out->tables = mcc_arena_alloc(arena, sizeof *out->tables)))
        return fail(db, diag, SQLITE_NOMEM, "sqlite_master");
    return 0;
}

/* Points each foreign key at the table it names, where present; a bare
 * REFERENCES t (no columns) gets t's primary key as its columns, as
 * SQLite reads it. */
static void resolve_references(mcc_schema *out, mcc_arena *arena)
{
    for (size_t i = 0; i < out->ntables; i++) {
        mcc_table *t = out->tables[i];
        for (size_t k = 0; k < t->nconstraints; k++) {
            mcc_constraint *c = &t->constraints[k];
            if (c->kind != MCC_C_FOREIGN_KEY)
                continue;
            c->ref = mcc_schema_table(out, c->ref_table);
            if (c->nref == 0 && c->ref && c->ref->npk == c->ncols) {
                c->ref_cols = mcc_arena_alloc(arena, (c->ncols + 1) * sizeof *c->ref_cols);
                for (size_t j = 0; c->ref_cols && j < c->ncols; j++)
                    c->ref_cols[j] = c->ref->columns[c->ref->pk[j]].name;
                c->nref = c->ref_cols ? c->ncols : 0;
            }
        }
    }
}

/* See introspect.h.  In steps: the tables, each table (load_table),
 * the references between them, the creation order. */
int mcc_introspect(sqlite3 *db, mcc_arena *arena, mcc_diag *diag, mcc_schema *out)
{
    memset(out, 0, sizeof *out);
    out->name = "database";
    out->sql_only = true;
    const char **sqls;
    if (list_tables(db, arena, diag, out, &sqls))
        return -1;
    for (size_t i = 0; i < out->ntables; i++)
        if (load_table(db, arena, diag, out->tables[i], sqls[i]))
            return -1;
    resolve_references(out, arena);
    mcc_schema_sort(out, arena);
    return 0;
}
