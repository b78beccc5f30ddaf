/*
 * sema.c -- from AST to checked schema model (schema.h).
 *
 * Passes, in order, so that every error of a file is found in one run:
 *   1. declarations: enums and models, duplicate names, table names;
 *   2. per model: fields, types, attributes, model-level members;
 *   3. foreign keys (need every model's columns);
 *   4. relationships and backrefs (need the foreign keys);
 *   5. creation order.
 * Every message is located on the offending token.
 */
#include "schema.h"
#include "ast.h"
#include "buf.h"
#include "coerce.h"
#include "naming.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- context ------------------------------------------------------------ */

typedef struct model_info {
    const mcc_decl *decl;
    mcc_table *table;
    size_t colcap, ccap, icap;
    bool pk_directive;
    mcc_span pk_at;
    /* relationship fields, resolved in pass 4 */
    const mcc_member **relf;
    size_t nrelf, relfcap;
} model_info;

typedef struct sema {
    mcc_arena *arena;
    mcc_diag *diag;          /* holding back (mcc_diag_hold) while the passes run */
    int before;             /* diag->n_errors when the check began */
    mcc_schema *schema;
    model_info *models;
    size_t nmodels;
    mcc_strmap model_by_name;    /* model name -> model_info * */
} sema;

/* Reports an error at a place; the diagnostics hold it back and deliver
 * every error of the passes in source order at the end. */
#define ERR(s, span, hint, ...) mcc_error_at((s)->diag, (span).off, (span).len, (hint), __VA_ARGS__)

/* The model declared under name, or NULL. */
static model_info *find_model(sema *s, const char *name)
{
    return mcc_strmap_get(&s->model_by_name, name);
}

/* The enum declared under name, or NULL. */
static const mcc_enum *find_enum(sema *s, const char *name)
{
    for (size_t i = 0; i < s->schema->nenums; i++)
        if (strcmp(s->schema->enums[i].name, name) == 0)
            return &s->schema->enums[i];
    return NULL;
}

/* "did you mean 'Post'?" for a word meant as a model, or NULL. */
static const char *suggest_model(sema *s, const char *word)
{
    const char **c = mcc_arena_alloc(s->arena, (s->nmodels + 1) * sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < s->nmodels; i++)
        c[i] = s->models[i].decl->name;
    return mcc_hint_closest(s->arena, word, c, s->nmodels, 0);
}

/* "did you mean 'body'?" for a word meant as a field of t, or NULL. */
static const char *suggest_field(sema *s, const mcc_table *t, const char *word)
{
    const char **c = mcc_arena_alloc(s->arena, (t->ncolumns + 1) * sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < t->ncolumns; i++)
        c[i] = t->columns[i].field;
    return mcc_hint_closest(s->arena, word, c, t->ncolumns, 0);
}

/* The hint for a word of a closed set (attributes, options): the closest,
 * else the whole set. */
static const char *suggest_word(sema *s, const char *word, const char *const *words, size_t n)
{
    return mcc_hint_closest(s->arena, word, words, n, MCC_HINT_LIST);
}

/* Index of word in words, or -1. */
static int lookup(const char *word, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0)
            return (int)i;
    return -1;
}

/* ---- pass 1: declarations --------------------------------------------- */

/* A name is a model or an enum, once, and not a built-in type's.  Returns
 * false when the name was taken (the declaration is then skipped). */
static bool declare_name(sema *s, const mcc_decl *d, mcc_strmap *decl_by_name)
{
    const mcc_decl *prev = mcc_strmap_get(decl_by_name, d->name);
    mcc_strmap_put(decl_by_name, d->name, (void *)d);
    if (prev) {
        unsigned line, col;
        mcc_diag_linecol(s->diag->src, prev->at.off, &line, &col);
        const char *kind = d->kind == MCC_D_MODEL ? "model" : "enum";
        if (prev->kind == d->kind)
            ERR(s, d->at, mcc_arena_printf(s->arena, "'%s' is first declared at line %u", d->name, line),
                "duplicate %s name '%s'", kind, d->name);
        else
            ERR(s, d->at, mcc_arena_printf(s->arena, "the %s '%s' is declared at line %u; models and enums "
                                          "share one namespace", prev->kind == MCC_D_MODEL ? "model" : "enum",
                                          d->name, line),
                "%s name '%s' is already taken", kind, d->name);
        return false;
    }
    if (mcc_type_named(d->name) != MCC_T_UNKNOWN)
        ERR(s, d->at, "pick another name", "'%s' is a built-in column type", d->name);
    return true;
}

/* An enum and its values: at least one, each once; its longest value
 * sizes its VARCHAR.  Returns false when out of memory. */
static bool declare_enum(sema *s, const mcc_decl *d)
{
    mcc_enum *e = &s->schema->enums[s->schema->nenums++];
    e->name = d->name;
    e->at = d->at;
    size_t n = 0;
    for (const mcc_enum_value *v = d->values; v; v = v->next)
        n++;
    e->values = mcc_arena_alloc(s->arena, (n + 1) * sizeof *e->values);
    if (!e->values)
        return false;
    if (n == 0)
        ERR(s, d->at, "list its values: enum Format { hardcover, paperback }", "enum '%s' has no values", d->name);
    for (const mcc_enum_value *v = d->values; v; v = v->next) {
        if (lookup(v->name, e->values, e->nvalues) >= 0) {
            ERR(s, v->at, NULL, "duplicate value '%s' in enum '%s'", v->name, d->name);
            continue;
        }
        e->values[e->nvalues++] = v->name;
        size_t len = strlen(v->name);
        if (len > e->maxlen)
            e->maxlen = len;
    }
    return true;
}

/* A model and its table: `table "name"` or the snake_case model name,
 * unique ignoring ASCII case (SQLite folds it: "user" and "useR" are one
 * table).  Returns false when out of memory. */
static bool declare_model(sema *s, const mcc_decl *d, mcc_strmap *model_by_table)
{
    model_info *m = &s->models[s->nmodels++];
    m->decl = d;
    mcc_table *t = mcc_arena_alloc(s->arena, sizeof *t);
    if (!t)
        return false;
    m->table = t;
    t->model = d->name;
    t->at = d->at;
    if (d->table) {
        if (!d->table[0])
            ERR(s, d->table_at, NULL, "empty table name");
        t->name = d->table;
    } else {
        t->name = mcc_snake_case(s->arena, d->name);
    }
    char *key = mcc_arena_strdup(s->arena, t->name);
    for (char *p = key; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    const model_info *same = key ? mcc_strmap_get(model_by_table, key) : NULL;
    if (same)
        ERR(s, d->table ? d->table_at : d->at,
            mcc_arena_printf(s->arena, "model '%s' already uses table \"%s\"; give one of them `table \"...\"`",
                            same->decl->name, same->table->name),
            "duplicate table name '%s'", t->name);
    else if (key)
        mcc_strmap_put(model_by_table, key, m);
    mcc_strmap_put(&s->model_by_name, d->name, m);
    s->schema->tables[s->schema->ntables++] = t;
    return true;
}

/* Pass 1: every model and enum in declaration order, named once (queries
 * are checked once the tables are known: query_check.c).  Leaves
 * s->models NULL when out of memory. */
static void declare(sema *s, const mcc_ast *ast)
{
    size_t nmodels = 0, nenums = 0;
    for (const mcc_decl *d = ast->decls; d; d = d->next)
        if (d->kind == MCC_D_MODEL)
            nmodels++;
        else if (d->kind == MCC_D_ENUM)
            nenums++;
    s->models = mcc_arena_alloc(s->arena, (nmodels + 1) * sizeof *s->models);
    s->schema->enums = mcc_arena_alloc(s->arena, (nenums + 1) * sizeof *s->schema->enums);
    s->schema->tables = mcc_arena_alloc(s->arena, (nmodels + 1) * sizeof *s->schema->tables);
    if (!s->models || !s->schema->enums || !s->schema->tables)
        return;
    mcc_strmap decl_by_name, model_by_table;
    mcc_strmap_init(&decl_by_name, s->arena, nmodels + nenums);
    mcc_strmap_init(&model_by_table, s->arena, nmodels);
    mcc_strmap_init(&s->model_by_name, s->arena, nmodels);
    for (const mcc_decl *d = ast->decls; d; d = d->next) {
        if (d->kind == MCC_D_QUERY || !declare_name(s, d, &decl_by_name))
            continue;
        if (!(d->kind == MCC_D_ENUM ? declare_enum(s, d) : declare_model(s, d, &model_by_table)))
            return;
    }
}

/* ---- pass 2: fields and model-level members ---------------------------- */

static const char *const attr_names[] = {
    "primary_key", "autoincrement", "index", "unique", "not_null", "default",
    "server_default", "foreign_key", "check", "renamed_from", "column",
};
enum { A_PK, A_AUTOINC, A_INDEX, A_UNIQUE, A_NOT_NULL, A_DEFAULT, A_SERVER_DEFAULT,
       A_FK, A_CHECK, A_RENAMED, A_COLUMN, A__COUNT };
/* 0: no parentheses; 1: exactly one argument; 2: one or more */
static const int attr_args[A__COUNT] = {0, 0, 0, 0, 0, 1, 1, 2, 1, 1, 1};

static const char *const directive_names[] = {
    "index", "unique", "primary_key", "check", "renamed_from",
};
enum { D_INDEX, D_UNIQUE, D_PK, D_CHECK, D_RENAMED };

static const char *const action_names[] = {"cascade", "set_null", "set_default", "restrict", "no_action"};


/* Does `name` name a column type (built-in or enum) or relationship? */
static bool names_type(sema *s, const char *name)
{
    return mcc_type_named(name) != MCC_T_UNKNOWN || strcmp(name, "relationship") == 0 || find_enum(s, name) != NULL;
}

static bool parse_int(const char *text, long *out)
{
    errno = 0;
    char *end;
    long v = strtol(text, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* The type a field's type call names: a built-in one, or a declared enum
 * (VARCHAR of its longest value, no arguments).  An unknown name is
 * reported with the closest type, or how to refer to a model; the column
 * is then MCC_T_UNKNOWN.  Returns true when the arguments are still to be
 * read (a built-in type). */
static bool type_of_name(sema *s, mcc_column *c, const mcc_call *type)
{
    c->type = mcc_type_named(type->name);
    if (c->type != MCC_T_UNKNOWN)
        return true;
    const mcc_enum *e = find_enum(s, type->name);
    if (e) {
        c->type = MCC_T_ENUM;
        c->enum_type = e;
        c->length = (int)e->maxlen;     /* VARCHAR(longest value): what narrowing compares */
        c->sql_type = mcc_arena_printf(s->arena, "VARCHAR(%zu)", e->maxlen);
        if (type->has_parens)
            ERR(s, type->paren_at, NULL, "enum type '%s' takes no arguments", type->name);
        return false;
    }
    const char *hint = mcc_type_hint(s->arena, s->schema, type->name);
    if (!hint && find_model(s, type->name))
        hint = mcc_arena_printf(s->arena,
                               "to refer to model '%s', use an Integer field with foreign_key(%s.id), "
                               "or relationship(%s)",
                               type->name, type->name, type->name);
    ERR(s, type->at, hint, "unknown type '%s'", type->name);
    c->sql_type = "";
    return false;
}

/* String(n): a length of at least one character. */
static void string_length(sema *s, mcc_column *c, const mcc_call *type, const long *vals, int n)
{
    if (n != 1) {
        ERR(s, type->paren_at, "String(n) gives the longest value in characters", "'String' takes one argument, got %d",
            n);
        return;
    }
    if (vals[0] <= 0 || vals[0] > 1000000000L) {
        ERR(s, type->args->val.at, "a string column holds at least one character; write 'String' for no limit",
            "String length must be positive, got %ld", vals[0]);
        return;
    }
    c->length = (int)vals[0];
    c->sql_type = mcc_arena_printf(s->arena, "VARCHAR(%d)", c->length);
}

/* Numeric(p) or Numeric(p, s): 1 to 1000 digits, of which s (<= p) after
 * the point. */
static void numeric_digits(sema *s, mcc_column *c, const mcc_call *type, const long *vals, int n)
{
    if (n < 1 || n > 2) {
        ERR(s, type->paren_at, "write Numeric(precision, scale), e.g. Numeric(8, 2)",
            "'Numeric' takes one or two arguments, got %d", n);
        return;
    }
    if (vals[0] <= 0 || vals[0] > 1000 || vals[1] < 0 || vals[1] > vals[0]) {
        ERR(s, type->paren_at, "precision is the number of digits (> 0), scale those after the point (<= precision)",
            "invalid Numeric(%ld%s%s)", vals[0], n == 2 ? ", " : "",
            n == 2 ? mcc_arena_printf(s->arena, "%ld", vals[1]) : "");
        return;
    }
    c->precision = (int)vals[0];
    c->scale = (int)vals[1];
    c->sql_type = n == 2 ? mcc_arena_printf(s->arena, "NUMERIC(%d, %d)", c->precision, c->scale)
                         : mcc_arena_printf(s->arena, "NUMERIC(%d)", c->precision);
}

/* Resolves the type call of a field into the column: the type's name,
 * then its integer arguments as types.def's params column allows (none,
 * a length, precision and scale); c->sql_type is the DDL's spelling. */
static void resolve_type(sema *s, mcc_column *c, const mcc_call *type)
{
    if (!type_of_name(s, c, type))
        return;
    const mcc_type_info *ti = &mcc_types[c->type];
    c->sql_type = ti->sql;
    if (!type->has_parens)
        return;
    if (ti->params == 0) {
        ERR(s, type->paren_at, mcc_arena_printf(s->arena, "write just '%s'", ti->dsl),
            "type '%s' takes no arguments", ti->dsl);
        return;
    }
    long vals[2] = {0, 0};
    int n = 0;
    for (const mcc_arg *a = type->args; a; a = a->next, n++) {
        if (a->key || a->val.kind != MCC_V_INT || !parse_int(a->val.text, &vals[n < 2 ? n : 1])) {
            ERR(s, a->key ? a->key_at : a->val.at, NULL, "'%s' takes integer arguments", ti->dsl);
            return;
        }
    }
    if (ti->params == 1)
        string_length(s, c, type, vals, n);
    else
        numeric_digits(s, c, type, vals, n);
}

/* Field-level data kept for later passes. */
typedef struct field_extra {
    const mcc_call *fk;              /* foreign_key(...) attribute */
    const mcc_value *def, *server_def;
} field_extra;

static mcc_constraint *add_constraint(sema *s, model_info *m, mcc_constraint_kind kind, mcc_span at)
{
    mcc_table *t = m->table;
    mcc_constraint *k = mcc_arena_push(s->arena, &t->constraints, &t->nconstraints, &m->ccap, sizeof *k);
    if (k) {
        k->kind = kind;
        k->at = at;
    }
    return k;
}

static mcc_index *add_index(sema *s, model_info *m, const char *name, bool unique, mcc_span at)
{
    mcc_table *t = m->table;
    for (size_t i = 0; i < t->nindexes; i++) {
        if (strcmp(t->indexes[i].name, name) == 0) {
            ERR(s, at, "give it another name with name: \"...\"", "duplicate index name '%s'", name);
            return NULL;
        }
    }
    mcc_index *ix = mcc_arena_push(s->arena, &t->indexes, &t->nindexes, &m->icap, sizeof *ix);
    if (ix) {
        ix->name = name;
        ix->unique = unique;
        ix->at = at;
    }
    return ix;
}

/* Resolves a list of field names (directive arguments) to column indexes. */
static bool resolve_fields(sema *s, model_info *m, const mcc_call *d, const mcc_arg *first,
                           size_t **cols, size_t *ncols)
{
    size_t n = 0;
    for (const mcc_arg *a = first; a; a = a->next)
        if (!a->key)
            n++;
    *cols = mcc_arena_alloc(s->arena, (n + 1) * sizeof **cols);
    *ncols = 0;
    if (!*cols)
        return false;
    bool ok = true;
    if (n == 0) {
        ERR(s, d->paren_at, "name the fields, e.g. index(a, b)", "'%s' needs at least one field", d->name);
        return false;
    }
    for (const mcc_arg *a = first; a; a = a->next) {
        if (a->key)
            continue;
        if (a->val.kind != MCC_V_IDENT || a->val.modifier) {
            ERR(s, a->val.at, NULL, "expected a field name in '%s'", d->name);
            ok = false;
            continue;
        }
        mcc_column *c = mcc_table_field(m->table, a->val.text);
        if (!c) {
            ERR(s, a->val.at, suggest_field(s, m->table, a->val.text), "unknown field '%s' in %s(...) of model '%s'",
                a->val.text, d->name, m->decl->name);
            ok = false;
            continue;
        }
        size_t idx = (size_t)(c - m->table->columns);
        for (size_t i = 0; i < *ncols; i++)
            if ((*cols)[i] == idx) {
                ERR(s, a->val.at, NULL, "field '%s' named twice in %s(...)", a->val.text, d->name);
                ok = false;
            }
        (*cols)[(*ncols)++] = idx;
    }
    return ok;
}

/* Fields and relationships share one namespace: the second field of a
 * name is an error (and gets no column, see field_column). */
static void check_field_names(sema *s, const mcc_decl *d)
{
    for (const mcc_member *mem = d->members; mem; mem = mem->next) {
        if (mem->kind != MCC_M_FIELD)
            continue;
        for (const mcc_member *p = d->members; p != mem; p = p->next) {
            if (p->kind == MCC_M_FIELD && strcmp(p->name, mem->name) == 0) {
                unsigned line, col;
                mcc_diag_linecol(s->diag->src, p->at.off, &line, &col);
                ERR(s, mem->at, mcc_arena_printf(s->arena, "'%s' is first declared at line %u", mem->name, line),
                    "duplicate field '%s' in model '%s'", mem->name, d->name);
                break;
            }
        }
    }
}

/* A `relationship(...)` field is resolved in pass 4, once every foreign
 * key is known; here it is remembered, and attributes after it refused. */
static void note_relationship(sema *s, model_info *m, const mcc_member *mem)
{
    const mcc_member **slot = mcc_arena_push(s->arena, &m->relf, &m->nrelf, &m->relfcap, sizeof *slot);
    if (slot)
        *slot = mem;
    for (const mcc_call *a = mem->attrs; a; a = a->next)
        ERR(s, a->at, "relationship options go inside its parentheses",
            "unexpected '%s' after relationship(...)", a->name);
}

/* Which attribute a is (A_*), or -1 after reporting why it is none, is
 * given twice or has the wrong arguments.  seen[] records the attributes
 * of this field so far; -2: a is the start of the next member, the rest of
 * the field's attributes are not looked at. */
static int attribute_kind(sema *s, const mcc_member *mem, const mcc_call *a, const mcc_call **seen)
{
    int k = lookup(a->name, attr_names, A__COUNT);
    if (k < 0 && a->next && !a->has_parens && names_type(s, a->next->name)) {
        /* `id Integer primary_key  name String(64)`: two members. */
        ERR(s, a->at, mcc_arena_printf(s->arena, "members end at a newline or ';': is a ';' missing "
                                      "before '%s'?", a->name),
            "unexpected '%s %s' after the attributes of '%s'", a->name, a->next->name, mem->name);
        return -2;
    }
    if (k < 0) {
        const char *hint = suggest_word(s, a->name, attr_names, A__COUNT);
        if (mcc_closest(a->name, (const char *const[]){"nullable", "notnull", "not_nul"}, 3))
            hint = "columns are nullable by default; write not_null for NOT NULL";
        ERR(s, a->at, hint, "unknown attribute '%s'", a->name);
        return -1;
    }
    if (seen[k]) {
        ERR(s, a->at, NULL, "attribute '%s' given twice", a->name);
        return -1;
    }
    seen[k] = a;
    if (attr_args[k] == 0 && a->has_parens) {
        bool composite = (k == A_INDEX || k == A_UNIQUE || k == A_PK) && a->nargs > 0;
        ERR(s, a->paren_at,
            composite ? mcc_arena_printf(s->arena, "write just '%s'; a composite %s(a, b) is a model "
                                        "member on its own line", a->name, a->name)
                      : mcc_arena_printf(s->arena, "write just '%s'", a->name),
            "attribute '%s' takes no arguments", a->name);
        return -1;
    }
    if (attr_args[k] > 0 && (!a->has_parens || a->nargs == 0)) {
        ERR(s, a->at, mcc_arena_printf(s->arena, "write %s(...)", a->name), "attribute '%s' needs an argument",
            a->name);
        seen[k] = NULL;
        return -1;
    }
    if (attr_args[k] == 1 && a->nargs != 1) {
        ERR(s, a->paren_at, NULL, "attribute '%s' takes one argument, got %d", a->name, a->nargs);
        seen[k] = NULL;
        return -1;
    }
    return k;
}

/* Applies attribute k (checked by attribute_kind) to column c.  The
 * literals and the foreign key are only kept in fx: they are checked once
 * nullability and every model's columns are known. */
static void apply_attribute(sema *s, mcc_column *c, field_extra *fx, int k, const mcc_call *a)
{
    const mcc_value *v = a->args ? &a->args->val : NULL;
    switch (k) {
    case A_PK: c->primary_key = true; c->nullable = false; break;
    case A_AUTOINC: c->autoincrement = true; break;
    case A_INDEX: c->index = true; break;
    case A_UNIQUE: c->unique = true; break;
    case A_NOT_NULL: c->nullable = false; break;
    case A_DEFAULT: fx->def = v; break;
    case A_SERVER_DEFAULT: fx->server_def = v; break;
    case A_FK: fx->fk = a; break;
    case A_CHECK:
        if (v->kind != MCC_V_STR || a->args->key)
            ERR(s, v->at, "write check(\"length(name) > 0\")", "check takes an SQL expression as a string");
        else if (!v->text[0])
            ERR(s, v->at, NULL, "empty check expression");
        else {
            c->check = v->text;
            c->check_at = v->at;
        }
        break;
    case A_RENAMED:
        if (v->kind != MCC_V_IDENT || v->modifier || a->args->key)
            ERR(s, v->at, "write renamed_from(old_name)", "renamed_from takes the old field name");
        else {
            c->renamed_from = v->text;
            c->renamed_from_at = v->at;
        }
        break;
    case A_COLUMN:
        if (v->kind != MCC_V_STR || !v->text[0] || a->args->key)
            ERR(s, v->at, "write column(\"sql_name\")", "column takes the SQL name as a string");
        else
            c->name = v->text;
        break;
    }
}

/* The column of one field: its type, then its attributes in order, then
 * what they say together (autoincrement needs an Integer primary key; a
 * primary key is NOT NULL).  A field whose name came before gets none.
 * Returns false when out of memory. */
static bool field_column(sema *s, model_info *m, const mcc_member *mem, field_extra *extras)
{
    mcc_table *t = m->table;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i].field, mem->name) == 0)
            return true;
    field_extra *fx = &extras[t->ncolumns];
    mcc_column *c = mcc_arena_push(s->arena, &t->columns, &t->ncolumns, &m->colcap, sizeof *c);
    if (!c)
        return false;
    c->field = mem->name;
    c->name = mem->name;
    c->at = mem->at;
    c->nullable = true;
    resolve_type(s, c, mem->type);

    const mcc_call *seen[A__COUNT] = {0};
    for (const mcc_call *a = mem->attrs; a; a = a->next) {
        int k = attribute_kind(s, mem, a, seen);
        if (k == -2)
            break;
        if (k >= 0)
            apply_attribute(s, c, fx, k, a);
    }
    if (c->autoincrement && !c->primary_key)
        ERR(s, seen[A_AUTOINC]->at, "autoincrement goes with primary_key",
            "autoincrement on '%s', which is not a primary key", c->field);
    else if (c->autoincrement && c->type != MCC_T_INTEGER && c->type != MCC_T_UNKNOWN)
        ERR(s, seen[A_AUTOINC]->at, "only an Integer primary key can autoincrement",
            "autoincrement on '%s' of type %s", c->field, mcc_types[c->type].dsl);
    if (c->primary_key && seen[A_NOT_NULL] == NULL)
        c->nullable = false;
    return true;
}

/* SQL column names must be unique too (column("...") can collide), and
 * SQLite folds ASCII case in them: "Dir" and "dir" are one column. */
static void check_column_names(sema *s, const mcc_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        for (size_t j = 0; j < i; j++) {
            const mcc_column *a = &t->columns[i], *b = &t->columns[j];
            if (strcmp(a->field, b->field) == 0 || strcasecmp(a->name, b->name) != 0)
                continue;
            if (strcmp(a->name, b->name) == 0)
                ERR(s, a->at, NULL, "duplicate column name '%s' in table '%s'", a->name, t->name);
            else
                ERR(s, a->at,
                    mcc_arena_printf(s->arena, "SQLite does not tell '%s' from '%s' (field '%s'); rename one, or give "
                                              "it column(\"...\")", a->name, b->name, b->field),
                    "duplicate column name '%s' in table '%s'", a->name, t->name);
            break;
        }
}

/* `index(a, b [, name: "ix", unique: true])`: an index over fields of the
 * model, named ix_<table>_<columns> unless named. */
static void directive_index(sema *s, model_info *m, const mcc_call *dc)
{
    mcc_table *t = m->table;
    size_t *cols, ncols;
    const char *name = NULL;
    bool unique = false, ok = true;
    for (const mcc_arg *a = dc->args; a; a = a->next) {
        if (!a->key)
            continue;
        if (strcmp(a->key, "name") == 0 && a->val.kind == MCC_V_STR && a->val.text[0]) {
            name = a->val.text;
        } else if (strcmp(a->key, "unique") == 0 && a->val.kind == MCC_V_IDENT &&
                   (strcmp(a->val.text, "true") == 0 || strcmp(a->val.text, "false") == 0)) {
            unique = a->val.text[0] == 't';
        } else {
            ERR(s, a->key_at, "index options are name: \"ix_...\" and unique: true|false",
                "invalid index option '%s'", a->key);
            ok = false;
        }
    }
    if (!resolve_fields(s, m, dc, dc->args, &cols, &ncols) || !ok)
        return;
    if (!name) {
        mcc_buf b = {0};
        mcc_buf_printf(&b, "ix_%s", t->name);
        for (size_t i = 0; i < ncols; i++)
            mcc_buf_printf(&b, "_%s", t->columns[cols[i]].name);
        name = b.data ? mcc_arena_strdup(s->arena, b.data) : "";
        mcc_buf_free(&b);
    }
    mcc_index *ix = add_index(s, m, name, unique, dc->at);
    if (ix) {
        ix->cols = cols;
        ix->ncols = ncols;
    }
}

/* `unique(a, b)`: a table-level UNIQUE constraint. */
static void directive_unique(sema *s, model_info *m, const mcc_call *dc)
{
    size_t *cols, ncols;
    for (const mcc_arg *a = dc->args; a; a = a->next)
        if (a->key)
            ERR(s, a->key_at, NULL, "unique(...) takes field names only");
    if (!resolve_fields(s, m, dc, dc->args, &cols, &ncols))
        return;
    mcc_constraint *k = add_constraint(s, m, MCC_C_UNIQUE, dc->at);
    if (k) {
        k->cols = cols;
        k->ncols = ncols;
    }
}

/* `primary_key(a, b)`: the key in the order given, once per model, and
 * not next to a primary_key attribute on a field. */
static void directive_primary_key(sema *s, model_info *m, const mcc_call *dc)
{
    mcc_table *t = m->table;
    size_t *cols, ncols;
    if (m->pk_directive) {
        ERR(s, dc->at, NULL, "primary_key(...) given twice in model '%s'", m->decl->name);
        return;
    }
    m->pk_directive = true;
    m->pk_at = dc->at;
    if (!resolve_fields(s, m, dc, dc->args, &cols, &ncols))
        return;
    bool col_pk = false;
    for (size_t i = 0; i < t->ncolumns; i++)
        col_pk |= t->columns[i].primary_key;
    if (col_pk) {
        ERR(s, dc->at, "mark the key either on its fields or with primary_key(...), not both",
            "model '%s' has primary_key on a field and primary_key(...)", m->decl->name);
        return;
    }
    t->pk = cols;
    t->npk = ncols;
    for (size_t i = 0; i < ncols; i++) {
        t->columns[cols[i]].primary_key = true;
        t->columns[cols[i]].nullable = false;
    }
}

/* `check("expr")`: a table-level CHECK constraint. */
static void directive_check(sema *s, model_info *m, const mcc_call *dc)
{
    const mcc_arg *a = dc->args;
    if (dc->nargs != 1 || a->key || a->val.kind != MCC_V_STR || !a->val.text[0]) {
        ERR(s, dc->paren_at, "write check(\"returned_at >= due\")", "check takes one SQL expression as a string");
        return;
    }
    mcc_constraint *k = add_constraint(s, m, MCC_C_CHECK, dc->at);
    if (k) {
        k->check = a->val.text;
        k->check_at = a->val.at;
    }
}

/* `renamed_from(OldModel)`: the migration hint for a renamed model and
 * its table. */
static void directive_renamed_from(sema *s, model_info *m, const mcc_call *dc)
{
    mcc_table *t = m->table;
    const mcc_arg *a = dc->args;
    if (dc->nargs != 1 || a->key || a->val.kind != MCC_V_IDENT || a->val.modifier) {
        ERR(s, dc->paren_at, "write renamed_from(OldModelName)", "renamed_from takes the old model name");
        return;
    }
    if (t->renamed_from) {
        ERR(s, dc->at, NULL, "renamed_from given twice in model '%s'", m->decl->name);
        return;
    }
    t->renamed_from = a->val.text;
    t->renamed_from_at = a->val.at;
    t->renamed_from_table = mcc_snake_case(s->arena, a->val.text);
}

/* Every model-level member (`index(...)`, `unique(...)`, ...) in source
 * order, each by its directive_* step; an unknown one is reported with a
 * hint (a field without its name looks like one). */
static void model_directives(sema *s, model_info *m)
{
    static void (*const steps[])(sema *, model_info *, const mcc_call *) = {
        [D_INDEX] = directive_index, [D_UNIQUE] = directive_unique, [D_PK] = directive_primary_key,
        [D_CHECK] = directive_check, [D_RENAMED] = directive_renamed_from,
    };
    size_t ndirectives = sizeof directive_names / sizeof directive_names[0];
    for (const mcc_member *mem = m->decl->members; mem; mem = mem->next) {
        if (mem->kind != MCC_M_DIRECTIVE)
            continue;
        const mcc_call *dc = mem->directive;
        int k = lookup(dc->name, directive_names, ndirectives);
        if (k < 0) {
            const char *hint = suggest_word(s, dc->name, directive_names, ndirectives);
            if (find_enum(s, dc->name) || lookup(dc->name, (const char *const[]){"String", "Numeric"}, 2) >= 0)
                hint = "a field is `name Type`: the field name is missing";
            ERR(s, dc->at, hint, "unknown model member '%s'", dc->name);
            continue;
        }
        steps[k](s, m, dc);
    }
}

/* Without primary_key(...), the key is the fields marked primary_key, in
 * field order; a model needs one, and autoincrement a single-column one.
 * Returns false when out of memory. */
static bool primary_key(sema *s, model_info *m)
{
    mcc_table *t = m->table;
    if (!m->pk_directive) {
        size_t n = 0;
        for (size_t i = 0; i < t->ncolumns; i++)
            n += t->columns[i].primary_key;
        t->pk = mcc_arena_alloc(s->arena, (n + 1) * sizeof *t->pk);
        if (!t->pk)
            return false;
        for (size_t i = 0; i < t->ncolumns; i++)
            if (t->columns[i].primary_key)
                t->pk[t->npk++] = i;
    }
    if (t->npk == 0 && !m->pk_directive)    /* a broken primary_key(...) was reported */
        ERR(s, m->decl->at, "add a key field, e.g. `id Integer primary_key`", "model '%s' has no primary key",
            m->decl->name);
    for (size_t i = 0; i < t->ncolumns; i++) {
        mcc_column *c = &t->columns[i];
        if (c->autoincrement && t->npk > 1)
            ERR(s, c->at, "autoincrement needs a single-column primary key",
                "autoincrement on '%s' in a composite primary key", c->field);
    }
    return true;
}

/* default(v) and server_default(v) against their columns (coerce.c);
 * they need nullability, hence come after the primary key. */
static void column_defaults(sema *s, mcc_table *t, const field_extra *extras)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        mcc_column *c = &t->columns[i];
        const field_extra *fx = &extras[i];
        if (c->type == MCC_T_UNKNOWN)
            continue;
        if (fx->def)
            mcc_coerce_literal(s->arena, s->diag, c, fx->def, "default", &c->def);
        if (fx->server_def) {
            mcc_literal l;
            if (mcc_coerce_literal(s->arena, s->diag, c, fx->server_def, "server_default", &l)) {
                c->server_default = mcc_literal_sql(s->arena, &l);
                c->server_def = l;
            }
        }
    }
}

/* The index of each `index` attribute, ix_<table>_<column>, in field
 * order (UNIQUE with `unique`); a bare `unique` is a constraint, made with
 * the foreign keys (pass 3) to keep SQLAlchemy's order. */
static void column_indexes(sema *s, model_info *m)
{
    mcc_table *t = m->table;
    for (size_t i = 0; i < t->ncolumns; i++) {
        mcc_column *c = &t->columns[i];
        if (!c->index)
            continue;
        const char *name = mcc_arena_printf(s->arena, "ix_%s_%s", t->name, c->name);
        mcc_index *ix = add_index(s, m, name, c->unique, c->at);
        if (ix) {
            ix->cols = mcc_arena_alloc(s->arena, sizeof *ix->cols);
            if (ix->cols) {
                ix->cols[0] = i;
                ix->ncols = 1;
            }
        }
    }
}

/* Pass 2 for one model, in named steps: field names, a column per field
 * (relationships noted for pass 4), SQL column names, model-level members,
 * the primary key, defaults, column indexes.  The order matters: each step
 * needs what the ones before decided.  *extras_out gets what pass 3 needs
 * of each column (its foreign_key attribute). */
static void model_members(sema *s, model_info *m, field_extra **extras_out)
{
    const mcc_decl *d = m->decl;
    size_t nfields = 0;
    for (const mcc_member *mem = d->members; mem; mem = mem->next)
        if (mem->kind == MCC_M_FIELD)
            nfields++;
    field_extra *extras = mcc_arena_alloc(s->arena, (nfields + 1) * sizeof *extras);
    *extras_out = extras;
    if (!extras)
        return;

    check_field_names(s, d);
    for (const mcc_member *mem = d->members; mem; mem = mem->next) {
        if (mem->kind != MCC_M_FIELD)
            continue;
        if (strcmp(mem->type->name, "relationship") == 0)
            note_relationship(s, m, mem);
        else if (!field_column(s, m, mem, extras))
            return;
    }
    check_column_names(s, m->table);
    model_directives(s, m);
    if (!primary_key(s, m))
        return;
    column_defaults(s, m->table, extras);
    column_indexes(s, m);
}

static int cmp_index_name(const void *a, const void *b)
{
    return strcmp(((const mcc_index *)a)->name, ((const mcc_index *)b)->name);
}

/* ---- pass 3: foreign keys --------------------------------------------- */

/* A bare `unique` on column i (not `index unique`, which is a unique
 * index): its one-column UNIQUE constraint. */
static void column_unique(sema *s, model_info *m, size_t i)
{
    mcc_constraint *k = add_constraint(s, m, MCC_C_UNIQUE, m->table->columns[i].at);
    if (k) {
        k->cols = mcc_arena_alloc(s->arena, sizeof *k->cols);
        if (k->cols) {
            k->cols[0] = i;
            k->ncols = 1;
        }
    }
}

/* The `on_delete: A` / `on_update: A` options after the target of
 * foreign_key(...) on column c; set_null needs a nullable column.  Every
 * problem is reported; returns false if there was one. */
static bool fk_actions(sema *s, const mcc_column *c, const mcc_arg *first, mcc_fk_action *on_delete,
                       mcc_fk_action *on_update)
{
    bool ok = true;
    *on_delete = *on_update = MCC_FK_NONE;
    for (const mcc_arg *a = first; a; a = a->next) {
        bool del = a->key && strcmp(a->key, "on_delete") == 0;
        bool upd = a->key && strcmp(a->key, "on_update") == 0;
        if (!del && !upd) {
            ERR(s, a->key ? a->key_at : a->val.at,
                a->key ? suggest_word(s, a->key, (const char *const[]){"on_delete", "on_update"}, 2)
                       : "write on_delete: cascade",
                "invalid foreign_key option%s%s", a->key ? " " : "", a->key ? a->key : "");
            ok = false;
            continue;
        }
        int act = a->val.kind == MCC_V_IDENT && !a->val.modifier ? lookup(a->val.text, action_names, 5) : -1;
        if (act < 0) {
            ERR(s, a->val.at, suggest_word(s, a->val.text ? a->val.text : "", action_names, 5),
                "unknown %s action '%s'", a->key, a->val.text ? a->val.text : "");
            ok = false;
            continue;
        }
        if (del)
            *on_delete = (mcc_fk_action)(act + 1);
        else
            *on_update = (mcc_fk_action)(act + 1);
        if (act + 1 == MCC_FK_SET_NULL && !c->nullable) {
            ERR(s, a->val.at, "make the field nullable, or use cascade or restrict",
                "%s: set_null on '%s', which is not nullable", a->key, c->field);
            ok = false;
        }
    }
    return ok;
}

/* The column `Model.field` names for a foreign key from column c: a
 * known field of a known model, of c's type (an enum: the same enum), and
 * a key there (the single-column primary key, or unique).  NULL after
 * reporting; *rm is its model. */
static mcc_column *fk_referenced(sema *s, const mcc_column *c, const mcc_value *target, model_info **rm)
{
    *rm = find_model(s, target->text);
    if (!*rm) {
        ERR(s, target->at, suggest_model(s, target->text), "foreign key to unknown model '%s'", target->text);
        return NULL;
    }
    mcc_table *rt = (*rm)->table;
    mcc_column *rc = mcc_table_field(rt, target->member);
    if (!rc) {
        ERR(s, target->member_at, suggest_field(s, rt, target->member), "foreign key to unknown field '%s.%s'",
            target->text, target->member);
        return NULL;
    }
    if (rc->type != c->type || (c->type == MCC_T_ENUM && rc->enum_type != c->enum_type)) {
        if (c->type != MCC_T_UNKNOWN && rc->type != MCC_T_UNKNOWN)
            ERR(s, target->at, mcc_arena_printf(s->arena, "declare '%s' as %s", c->field, mcc_column_type_name(rc)),
                "foreign key from '%s' (%s) to '%s.%s' of another type (%s)", c->field, mcc_column_type_name(c),
                target->text, rc->field, mcc_column_type_name(rc));
        return NULL;
    }
    if (!((rt->npk == 1 && rc->primary_key) || rc->unique)) {
        ERR(s, target->member_at, "SQLite needs the referenced column to be the primary key or unique",
            "foreign key to '%s.%s', which is neither the primary key nor unique", target->text, rc->field);
        return NULL;
    }
    return rc;
}

/* foreign_key(Model.field [, options]) of column i: its FOREIGN KEY
 * constraint, when target and options are sound (each problem is
 * reported).  Returns false when out of memory. */
static bool column_foreign_key(sema *s, model_info *m, size_t i, const mcc_call *fk)
{
    mcc_column *c = &m->table->columns[i];
    const mcc_arg *target = fk->args;
    if (target->key || target->val.kind != MCC_V_PATH) {
        ERR(s, target->key ? target->key_at : target->val.at, "write foreign_key(Model.field)",
            "foreign_key needs the referenced Model.field first");
        return true;
    }
    mcc_fk_action on_delete, on_update;
    bool ok = fk_actions(s, c, target->next, &on_delete, &on_update);
    model_info *rm;
    mcc_column *rc = fk_referenced(s, c, &target->val, &rm);
    if (!rc || !ok)
        return true;
    mcc_constraint *k = add_constraint(s, m, MCC_C_FOREIGN_KEY, target->val.at);
    if (!k)
        return false;
    k->cols = mcc_arena_alloc(s->arena, sizeof *k->cols);
    k->ref_cols = mcc_arena_alloc(s->arena, sizeof *k->ref_cols);
    if (!k->cols || !k->ref_cols)
        return false;
    k->cols[0] = i;
    k->ncols = 1;
    k->ref = rm->table;
    k->ref_table = rm->table->name;
    k->ref_cols[0] = rc->name;
    k->nref = 1;
    k->on_delete = on_delete;
    k->on_update = on_update;
    return true;
}

/* Pass 3 for one model: per column in order, its UNIQUE constraint then
 * its FOREIGN KEY, as SQLAlchemy creates them (the table-level
 * constraints of pass 2 come first: they are older objects); then each
 * column points at its foreign key (the array may have moved while it
 * grew). */
static void foreign_keys(sema *s, model_info *m, const field_extra *extras)
{
    mcc_table *t = m->table;
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (t->columns[i].unique && !t->columns[i].index)
            column_unique(s, m, i);
        if (extras[i].fk && !column_foreign_key(s, m, i, extras[i].fk))
            return;
    }
    for (size_t i = 0; i < t->nconstraints; i++) {
        mcc_constraint *k = &t->constraints[i];
        if (k->kind == MCC_C_FOREIGN_KEY && k->ncols == 1)
            t->columns[k->cols[0]].fk = k;
    }
}

/* ---- pass 4: relationships -------------------------------------------- */

static const char *const rel_options_names[] = {
    "backref", "lazy", "uselist", "secondary", "foreign_key", "order_by", "cascade",
};
enum { R_BACKREF, R_LAZY, R_USELIST, R_SECONDARY, R_FK, R_ORDER_BY, R_CASCADE, R__COUNT };

static bool name_taken(const mcc_table *t, const char *name, const mcc_relationship **rel)
{
    *rel = NULL;
    if (mcc_table_field(t, name))
        return true;
    for (size_t i = 0; i < t->nrels; i++)
        if (strcmp(t->rels[i]->name, name) == 0) {
            *rel = t->rels[i];
            return true;
        }
    return false;
}

static void add_rel(sema *s, mcc_table *t, mcc_relationship *r)
{
    mcc_relationship **n = mcc_arena_alloc(s->arena, (t->nrels + 1) * sizeof *n);
    if (!n)
        return;
    if (t->nrels)
        memcpy(n, t->rels, t->nrels * sizeof *n);
    n[t->nrels++] = r;
    t->rels = n;
}

/* Foreign keys of `from` that reference `to`. */
static size_t fks_between(const mcc_table *from, const mcc_table *to, mcc_constraint **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < from->nconstraints; i++) {
        mcc_constraint *k = &from->constraints[i];
        if (k->kind == MCC_C_FOREIGN_KEY && k->ref == to) {
            if (n < max)
                out[n] = k;
            n++;
        }
    }
    return n;
}

/* Picks the association's two foreign keys of a many-to-many: r->fk (the
 * association's column pointing at the owner) and r->fk2 (the one pointing
 * at the target).  `fk_opt` (`foreign_key:`, may be NULL) names r->fk's
 * field in the association model; it is required when the choice would
 * otherwise come from the association's field order (a self-referential
 * many-to-many, or several keys to the owner).  Reports every failure and
 * returns false; the keys live in the association table. */
static bool many_to_many_keys(sema *s, mcc_relationship *r, const mcc_arg *sec_opt, const mcc_arg *fk_opt)
{
    const mcc_table *owner = r->owner, *target = r->target, *S = r->secondary;
    mcc_constraint *a[8], *b[8];
    size_t na = fks_between(S, owner, a, 8);
    size_t nb = fks_between(S, target, b, 8);
    bool self = owner == target;
    if (na == 0 || nb == 0 || (self && na < 2)) {
        ERR(s, sec_opt->val.at,
            mcc_arena_printf(s->arena, "give '%s' a foreign_key to %s and one to %s", S->model, owner->model,
                            target->model),
            "association model '%s' has no foreign key to '%s'", S->model, na == 0 ? owner->model : target->model);
        return false;
    }
    if (!fk_opt) {
        if (self || na > 1) {
            const char *f1 = S->columns[a[0]->cols[0]].field, *f2 = S->columns[a[1]->cols[0]].field;
            ERR(s, sec_opt->val.at,
                mcc_arena_printf(s->arena, "say which column of '%s' points at this side: `foreign_key: %s` or "
                                "`foreign_key: %s`", S->model, f1, f2),
                "ambiguous association: '%s' has several foreign keys to '%s' (%s, %s%s)", S->model, owner->model,
                f1, f2, na > 2 ? ", ..." : "");
            return false;
        }
        if (nb > 1) {
            ERR(s, sec_opt->val.at, NULL, "ambiguous association: '%s' has several foreign keys to '%s'", S->model,
                target->model);
            return false;
        }
        r->fk = a[0];
        r->fk2 = b[0];
        return true;
    }
    const mcc_value *v = &fk_opt->val;
    r->fk = NULL;
    for (size_t i = 0; i < na && i < 8; i++)
        if (strcmp(S->columns[a[i]->cols[0]].field, v->text) == 0)
            r->fk = a[i];
    if (!r->fk) {
        mcc_buf keys = {0};
        for (size_t i = 0; i < na && i < 8; i++)
            mcc_buf_printf(&keys, "%s%s", i ? ", " : "", S->columns[a[i]->cols[0]].field);
        const char *hint = mcc_arena_printf(s->arena, "foreign_key: names the column of '%s' that points at '%s' (%s)",
                                           S->model, owner->model, keys.data ? keys.data : "");
        mcc_buf_free(&keys);
        if (!mcc_table_field(S, v->text)) {
            const char *near = suggest_field(s, S, v->text);
            ERR(s, v->at, near ? near : hint, "unknown field '%s' of association model '%s' in foreign_key:", v->text,
                S->model);
        } else {
            ERR(s, v->at, hint, "field '%s' of '%s' is not a foreign key to '%s'", v->text, S->model, owner->model);
        }
        return false;
    }
    /* The other side: the one key to the target that is not r->fk. */
    size_t nother = 0;
    for (size_t i = 0; i < nb && i < 8; i++)
        if (b[i] != r->fk) {
            r->fk2 = b[i];
            nother++;
        }
    if (nother != 1) {
        ERR(s, sec_opt->val.at, NULL, "ambiguous association: '%s' has several foreign keys to '%s'", S->model,
            target->model);
        return false;
    }
    return true;
}

/* The options of one relationship(...) as written, by R_*. */
typedef struct rel_opts {
    const mcc_arg *opt[R__COUNT];
    bool uselist;               /* uselist: (default true) */
} rel_opts;

/* The target model of relationship(Target, ...), or NULL after reporting
 * that it is missing or unknown. */
static model_info *rel_target(sema *s, const mcc_call *call)
{
    if (!call->has_parens || !call->args || call->args->key || call->args->val.kind != MCC_V_IDENT ||
        call->args->val.modifier) {
        ERR(s, call->has_parens ? call->paren_at : call->at, "write relationship(Target, backref: name)",
            "relationship needs its target model first");
        return NULL;
    }
    const mcc_value *tv = &call->args->val;
    model_info *tm = find_model(s, tv->text);
    if (!tm)
        ERR(s, tv->at, suggest_model(s, tv->text), "relationship to unknown model '%s'", tv->text);
    return tm;
}

/* One option's value (option k, checked to be known and given once):
 * lazy, uselist, secondary and cascade go into r and o at once; backref,
 * foreign_key and order_by are only checked for their form here and
 * resolved by the later steps.  Returns false after reporting. */
static bool rel_option(sema *s, mcc_relationship *r, rel_opts *o, int k, const mcc_arg *a)
{
    const mcc_value *v = &a->val;
    bool ident = v->kind == MCC_V_IDENT;
    switch (k) {
    case R_BACKREF:
        if (!ident || v->modifier) {
            ERR(s, v->at, NULL, "backref takes a name");
            return false;
        }
        return true;
    case R_LAZY: {
        static const char *const lazies[] = {"select", "dynamic", "joined"};
        int l = ident && !v->modifier ? lookup(v->text, lazies, 3) : -1;
        if (l < 0) {
            ERR(s, v->at, suggest_word(s, v->text ? v->text : "", lazies, 3), "unknown lazy mode '%s'",
                v->text ? v->text : "");
            return false;
        }
        r->lazy = (mcc_lazy)l;
        return true;
    }
    case R_USELIST:
        if (!ident || (strcmp(v->text, "true") && strcmp(v->text, "false"))) {
            ERR(s, v->at, NULL, "uselist takes true or false");
            return false;
        }
        o->uselist = v->text[0] == 't';
        return true;
    case R_SECONDARY:
        if (!ident || v->modifier) {
            ERR(s, v->at, NULL, "secondary takes the association model's name");
            return false;
        }
        if (!(r->secondary = find_model(s, v->text) ? find_model(s, v->text)->table : NULL)) {
            ERR(s, v->at, suggest_model(s, v->text), "unknown association model '%s'", v->text);
            return false;
        }
        return true;
    case R_FK:
    case R_ORDER_BY:
        if (!ident || (k == R_FK && v->modifier)) {
            ERR(s, v->at, NULL, "%s takes a field name", a->key);
            return false;
        }
        return true;
    case R_CASCADE:
        if (!ident || strcmp(v->text, "delete") || v->modifier) {
            ERR(s, v->at, "the cascade this language knows is `cascade: delete`", "unknown cascade '%s'",
                v->text ? v->text : "");
            return false;
        }
        r->cascade_delete = true;
        return true;
    }
    return true;
}

/* Every `name: value` after the target, into o (and r, see rel_option).
 * Every problem is reported; returns false if there was one. */
static bool rel_options(sema *s, mcc_relationship *r, rel_opts *o, const mcc_call *call)
{
    bool ok = true;
    o->uselist = true;
    for (const mcc_arg *a = call->args->next; a; a = a->next) {
        if (!a->key) {
            ERR(s, a->val.at, "options are written `name: value`", "unexpected argument in relationship");
            ok = false;
            continue;
        }
        int k = lookup(a->key, rel_options_names, R__COUNT);
        if (k < 0) {
            ERR(s, a->key_at, suggest_word(s, a->key, rel_options_names, R__COUNT),
                "unknown relationship option '%s'", a->key);
            ok = false;
            continue;
        }
        if (o->opt[k]) {
            ERR(s, a->key_at, NULL, "relationship option '%s' given twice", a->key);
            ok = false;
            continue;
        }
        o->opt[k] = a;
        ok = rel_option(s, r, o, k, a) && ok;
    }
    return ok;
}

/* `foreign_key: field` names the key of a direct relationship: a foreign
 * key of the target to the owner (one-to-many) or of the owner to the
 * target (many-to-one).  Sets r->fk and r->kind, or reports and returns
 * false. */
static bool rel_named_key(sema *s, mcc_relationship *r, const mcc_member *mem, const mcc_value *v,
                          mcc_constraint *const *down, size_t ndown, mcc_constraint *const *up, size_t nup)
{
    mcc_table *owner = r->owner, *target = r->target;
    mcc_constraint *pick = NULL;
    bool is_down = false;
    for (size_t i = 0; i < ndown && i < 8; i++)
        if (strcmp(target->columns[down[i]->cols[0]].field, v->text) == 0) {
            pick = down[i];
            is_down = true;
        }
    for (size_t i = 0; !pick && i < nup && i < 8; i++)
        if (strcmp(owner->columns[up[i]->cols[0]].field, v->text) == 0)
            pick = up[i];
    if (!pick) {
        mcc_column *c = mcc_table_field(target, v->text);
        if (!c && owner != target)
            c = mcc_table_field(owner, v->text);
        if (!c)
            ERR(s, v->at, suggest_field(s, target, v->text), "unknown field '%s' in foreign_key: of '%s'", v->text,
                mem->name);
        else
            ERR(s, v->at, NULL, "field '%s' is not a foreign key between '%s' and '%s'", v->text, owner->model,
                target->model);
        return false;
    }
    r->fk = pick;
    r->kind = is_down ? MCC_REL_ONE_TO_MANY : MCC_REL_MANY_TO_ONE;
    return true;
}

/* The key of a direct relationship (no secondary): the one named by
 * `foreign_key:`, else the only foreign key between the two models,
 * either way.  None, or several without a name, is an error at the
 * target.  One-to-many with uselist: false is one-to-one.  Sets r->fk and
 * r->kind; returns false after reporting. */
static bool rel_direct_key(sema *s, mcc_relationship *r, const mcc_member *mem, const rel_opts *o)
{
    mcc_table *owner = r->owner, *target = r->target;
    const mcc_value *tv = &mem->type->args->val;
    mcc_constraint *down[8], *up[8];
    size_t ndown = fks_between(target, owner, down, 8);                  /* one-to-many */
    size_t nup = owner == target ? 0 : fks_between(owner, target, up, 8); /* many-to-one */
    if (o->opt[R_FK]) {
        if (!rel_named_key(s, r, mem, &o->opt[R_FK]->val, down, ndown, up, nup))
            return false;
    } else if (ndown + nup == 0) {
        ERR(s, tv->at,
            mcc_arena_printf(s->arena, "add a field like `%s_id Integer foreign_key(%s.%s)` to %s", owner->name,
                            owner->model, owner->npk ? owner->columns[owner->pk[0]].field : "id", target->model),
            "relationship '%s' has no foreign key path between '%s' and '%s'", mem->name, owner->model,
            target->model);
        return false;
    } else if (ndown + nup > 1) {
        mcc_buf b = {0};
        for (size_t i = 0; i < ndown && i < 8; i++)
            mcc_buf_printf(&b, "%s%s.%s", b.len ? ", " : "", target->model, target->columns[down[i]->cols[0]].field);
        for (size_t i = 0; i < nup && i < 8; i++)
            mcc_buf_printf(&b, "%s%s.%s", b.len ? ", " : "", owner->model, owner->columns[up[i]->cols[0]].field);
        ERR(s, tv->at, "pick one with foreign_key: field",
            "ambiguous relationship '%s': several foreign keys link '%s' and '%s' (%s)", mem->name, owner->model,
            target->model, b.data ? b.data : "");
        mcc_buf_free(&b);
        return false;
    } else if (ndown == 1) {
        r->fk = down[0];
        r->kind = MCC_REL_ONE_TO_MANY;
    } else {
        r->fk = up[0];
        r->kind = MCC_REL_MANY_TO_ONE;
    }
    if (r->kind == MCC_REL_ONE_TO_MANY && !o->uselist)
        r->kind = MCC_REL_ONE_TO_ONE;
    return true;
}

/* The relationship's kind and keys: many-to-many through `secondary:`
 * (a list, never uselist: false), else direct.  Returns false after
 * reporting. */
static bool rel_keys(sema *s, mcc_relationship *r, const mcc_member *mem, const rel_opts *o)
{
    if (!r->secondary)
        return rel_direct_key(s, r, mem, o);
    if (o->opt[R_USELIST] && !o->uselist) {
        ERR(s, o->opt[R_USELIST]->key_at, NULL, "uselist: false with secondary: a many-to-many is a list");
        return false;
    }
    if (!many_to_many_keys(s, r, o->opt[R_SECONDARY], o->opt[R_FK]))
        return false;
    r->kind = MCC_REL_MANY_TO_MANY;
    return true;
}

/* `order_by: field [asc|desc]`: a field of the target, for a relationship
 * that is a list.  Returns false after reporting. */
static bool rel_order_by(sema *s, mcc_relationship *r, const mcc_member *mem, const mcc_arg *a)
{
    if (!a)
        return true;
    const mcc_value *v = &a->val;
    if (r->kind == MCC_REL_MANY_TO_ONE) {
        ERR(s, a->key_at, NULL, "order_by on '%s', which is a single %s", mem->name, r->target->model);
        return false;
    }
    r->order_by = mcc_table_field(r->target, v->text);
    if (!r->order_by) {
        ERR(s, v->at, suggest_field(s, r->target, v->text), "unknown field '%s' of '%s' in order_by", v->text,
            r->target->model);
        return false;
    }
    if (v->modifier) {
        if (strcmp(v->modifier, "desc") == 0) {
            r->order_desc = true;
        } else if (strcmp(v->modifier, "asc") != 0) {
            ERR(s, v->modifier_at, "write asc or desc", "unknown order '%s'", v->modifier);
            return false;
        }
    }
    return true;
}

/* The backref's side, of the opposite kind over the same keys; it goes
 * on the target unless the name is taken there (a field, a relationship,
 * another model's backref). */
static void rel_backref(sema *s, mcc_relationship *r, const mcc_arg *a)
{
    mcc_table *owner = r->owner, *target = r->target;
    const mcc_value *v = &a->val;
    const mcc_relationship *clash;
    if (name_taken(target, v->text, &clash)) {
        ERR(s, v->at,
            clash && clash->is_backref && clash->other
                ? mcc_arena_printf(s->arena, "rename one of them; '%s' already gets '%s' from %s.%s", target->model,
                                  v->text, clash->other->owner->model, clash->other->name)
                : mcc_arena_printf(s->arena, "rename the backref; '%s' already has a %s named '%s'", target->model,
                                  clash ? "relationship" : "field", v->text),
            "backref '%s' conflicts with %s '%s' of '%s'", v->text, clash ? "relationship" : "field", v->text,
            target->model);
        return;
    }
    mcc_relationship *b = mcc_arena_alloc(s->arena, sizeof *b);
    if (!b)
        return;
    b->name = v->text;
    b->owner = target;
    b->target = owner;
    b->at = v->at;
    b->lazy = MCC_LAZY_SELECT;
    b->is_backref = true;
    b->other = r;
    r->other = b;
    switch (r->kind) {
    case MCC_REL_ONE_TO_MANY:
    case MCC_REL_ONE_TO_ONE:
        b->kind = MCC_REL_MANY_TO_ONE;
        b->fk = r->fk;
        break;
    case MCC_REL_MANY_TO_ONE:
        b->kind = MCC_REL_ONE_TO_MANY;
        b->fk = r->fk;
        break;
    case MCC_REL_MANY_TO_MANY:
        b->kind = MCC_REL_MANY_TO_MANY;
        b->secondary = r->secondary;
        b->fk = r->fk2;
        b->fk2 = r->fk;
        break;
    }
    add_rel(s, target, b);
}

/* Pass 4 for one relationship field, in named steps: its target, its
 * options, its kind and keys, order_by; then it joins the owner (unless
 * an earlier backref took the name) and its backref the target.  A step
 * that fails ends the field: the later ones would only repeat it. */
static void relationship(sema *s, model_info *m, const mcc_member *mem)
{
    model_info *tm = rel_target(s, mem->type);
    if (!tm)
        return;
    mcc_relationship *r = mcc_arena_alloc(s->arena, sizeof *r);
    if (!r)
        return;
    r->name = mem->name;
    r->owner = m->table;
    r->target = tm->table;
    r->at = mem->at;
    r->lazy = MCC_LAZY_SELECT;
    rel_opts o = {{0}, true};
    if (!rel_options(s, r, &o, mem->type) || !rel_keys(s, r, mem, &o) || !rel_order_by(s, r, mem, o.opt[R_ORDER_BY]))
        return;
    const mcc_relationship *clash;
    if (name_taken(r->owner, r->name, &clash) && clash) {
        ERR(s, mem->at, NULL, "relationship '%s' conflicts with the backref '%s' of %s.%s", r->name, r->name,
            clash->other ? clash->other->owner->model : "?", clash->other ? clash->other->name : "?");
        return;
    }
    add_rel(s, r->owner, r);
    if (o.opt[R_BACKREF])
        rel_backref(s, r, o.opt[R_BACKREF]);
}

/* ---- driver ------------------------------------------------------------ */

static int sema_run(sema *s, const mcc_ast *ast);

/* The check of one file: the passes run with the diagnostics holding
 * back, so that the errors come out in source order however the passes
 * found them.  Returns the number of errors, plus 1 when out of memory. */
int mcc_sema(const mcc_ast *ast, const mcc_source *src, mcc_arena *arena, mcc_diag *diag, mcc_schema *out)
{
    int before = diag->n_errors;
    memset(out, 0, sizeof *out);
    out->path = src->path;
    bool held = mcc_diag_hold(diag);
    sema s = {arena, diag, before, out, NULL, 0, {0, NULL, NULL}};
    int failed = sema_run(&s, ast);
    if (held)
        mcc_diag_release(diag);
    return diag->n_errors - before + failed;
}

/* The passes; returns 1 when it had to stop for lack of memory.  None
 * stops at the error cap: a later pass may find an earlier error, and
 * only the earliest are shown. */
static int sema_run(sema *s_, const mcc_ast *ast)
{
    sema s = *s_;
    mcc_arena *arena = s.arena;
    mcc_schema *out = s.schema;
    declare(&s, ast);
    if (!s.models)
        return 1;
    field_extra **extras = mcc_arena_alloc(arena, (s.nmodels + 1) * sizeof *extras);
    if (!extras)
        return 1;
    for (size_t i = 0; i < s.nmodels; i++) {
        mcc_table *t = s.models[i].table;
        model_members(&s, &s.models[i], &extras[i]);
        if (t->nindexes)
            qsort(t->indexes, t->nindexes, sizeof *t->indexes, cmp_index_name);
    }
    for (size_t i = 0; i < s.nmodels; i++)
        if (extras[i])
            foreign_keys(&s, &s.models[i], extras[i]);
    for (size_t i = 0; i < s.nmodels; i++)
        for (size_t j = 0; j < s.models[i].nrelf; j++)
            relationship(&s, &s.models[i], s.models[i].relf[j]);
    if (s.nmodels == 0 && s.diag->n_errors == s.before)
        ERR(&s, ((mcc_span){0, 0}), "declare one: model User { id Integer primary_key }", "the schema has no model");
    mcc_schema_sort(out, arena);
    return 0;
}
