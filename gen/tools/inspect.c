/* inspect.c -- see inspect.h.
 *
 * mcc_inspect (a SQLite file) and mcc_inspect_pg (a PostgreSQL server's
 * current schema) introspect, then write_schema runs in named steps:
 *   find_leftovers   views, triggers, partial and expression indexes (and
 *                    take those indexes out of the introspected tables);
 *                    on PostgreSQL introspect_pg.c lists them (pg_notes)
 *   name_models      a model name per table, `table "..."` where needed
 *   name_enums       a name per enum type (PostgreSQL's native enums)
 *   name_fields      a field name per column, column("...") where needed
 *   find_links       tables that are only two foreign keys (many-to-many)
 *   infer_relations  relationship lines from the foreign keys
 *   write_model      each table as a model
 */
#include "inspect.h"
#include "ddl.h"
#include "introspect.h"
#include "introspect_pg.h"
#include "naming.h"
#include "schema.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct itable {
    mcc_table *t;
    const char *model;      /* the model's name */
    bool custom_table;      /* snake_case(model) != table: write table "..." */
    const char **field;     /* per column: the field as written (backticked if a keyword) */
    const char **bare;      /* per column: the field's identifier, for Model.field */
    bool *renamed;          /* per column: column("sql name") needed */
    bool link;              /* nothing but two foreign keys: a many-to-many link */
    bool *index_done;       /* per index: written as a column attribute */
    bool *constraint_done;  /* per constraint: written as a column attribute */
    const char **members;   /* every member name taken (fields, relationships) */
    size_t nmembers, capmembers;
    mcc_buf rels;            /* relationship lines */
} itable;

typedef struct inspector {
    sqlite3 *db;
    mcc_arena *a;
    mcc_schema s;
    itable *tabs;
    mcc_buf notes;           /* "# left out: ..." lines for the head of the file */
    const char **enum_name;  /* per s.enums entry: its name in the schema, NULL when it cannot be written */
    int rc;
    const char *err;
} inspector;

/* ---- small helpers ---------------------------------------------------- */

static bool is_ident(const char *s)
{
    if (!s[0] || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return false;
    return true;
}

/* Words the schema language reserves: a field so named needs backticks. */
static bool is_keyword(const char *s)
{
    static const char *const kw[] = {"model", "enum", "table", "query"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strcmp(s, kw[i]) == 0)
            return true;
    return false;
}

/* Does hay contain needle, ignoring ASCII case? */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return true;
    return false;
}

static bool is_type_name(const char *s)
{
    for (int t = 0; t < MCC_T_ENUM; t++)
        if (strcmp(mcc_types[t].dsl, s) == 0)
            return true;
    return false;
}

/* An identifier made of s: other characters become '_', a leading digit
 * gets `prefix` in front. */
static char *identifier(mcc_arena *a, const char *s, const char *prefix)
{
    size_t n = strlen(s);
    char *out = mcc_arena_alloc(a, n + strlen(prefix) + 2);
    if (!out)
        return NULL;
    size_t o = 0;
    if (!s[0] || isdigit((unsigned char)s[0]))
        for (const char *p = prefix; *p; p++)
            out[o++] = *p;
    for (const char *p = s; *p; p++)
        out[o++] = isalnum((unsigned char)*p) || *p == '_' ? *p : '_';
    out[o] = '\0';
    return out;
}

/* Writes s as a schema-language string literal. */
static void put_string(mcc_buf *b, const char *s)
{
    mcc_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '"': mcc_buf_put(b, "\\\""); break;
        case '\\': mcc_buf_put(b, "\\\\"); break;
        case '\n': mcc_buf_put(b, "\\n"); break;
        case '\r': mcc_buf_put(b, "\\r"); break;
        case '\t': mcc_buf_put(b, "\\t"); break;
        default: mcc_buf_putc(b, *p); break;
        }
    }
    mcc_buf_putc(b, '"');
}

/* Writes text as comment lines, each starting with `lead`. */
static void put_comment(mcc_buf *b, const char *lead, const char *text)
{
    mcc_buf_put(b, lead);
    for (const char *p = text; *p; p++) {
        if (*p == '\r')
            continue;
        mcc_buf_putc(b, *p);
        if (*p == '\n')
            mcc_buf_put(b, lead);
    }
    mcc_buf_putc(b, '\n');
}

static bool taken(const itable *it, const char *name)
{
    for (size_t i = 0; i < it->nmembers; i++)
        if (strcmp(it->members[i], name) == 0)
            return true;
    return false;
}

static void take(inspector *in, itable *it, const char *name)
{
    if (it->nmembers == it->capmembers) {
        size_t cap = it->capmembers ? 2 * it->capmembers : 16;
        const char **v = mcc_arena_alloc(in->a, cap * sizeof *v);
        if (!v)
            return;
        if (it->nmembers)
            memcpy(v, it->members, it->nmembers * sizeof *v);
        it->members = v;
        it->capmembers = cap;
    }
    it->members[it->nmembers++] = name;
}

/* `base`, or base2, base3, ... : the first name no member of it has. */
static const char *free_name(inspector *in, itable *it, const char *base)
{
    if (!taken(it, base) && !is_keyword(base))
        return base;
    for (int n = 2;; n++) {
        const char *c = mcc_arena_printf(in->a, "%s%d", base, n);
        if (!c || !taken(it, c))
            return c ? c : base;
    }
}

static itable *itable_of(inspector *in, const mcc_table *t)
{
    for (size_t i = 0; i < in->s.ntables; i++)
        if (in->tabs[i].t == t)
            return &in->tabs[i];
    return NULL;
}

static size_t column_index(const mcc_table *t, const mcc_column *c)
{
    return (size_t)(c - t->columns);
}

/* ---- find_leftovers ---------------------------------------------------- */

/* Takes the index named `name` out of table t (introspection keeps an
 * expression index with a made-up column). */
static void drop_index(mcc_table *t, const char *name)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        if (strcmp(t->indexes[i].name, name) != 0)
            continue;
        memmove(&t->indexes[i], &t->indexes[i + 1], (t->nindexes - i - 1) * sizeof t->indexes[0]);
        t->nindexes--;
        return;
    }
}

/* Is index `name` of table `tbl` partial (CREATE INDEX ... WHERE)? */
static bool partial_index(sqlite3 *db, const char *tbl, const char *name)
{
    char *q = sqlite3_mprintf("PRAGMA index_list(\"%w\")", tbl);
    sqlite3_stmt *st = NULL;
    bool partial = false;
    if (q && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *ix = (const char *)sqlite3_column_text(st, 1);
            if (ix && strcmp(ix, name) == 0 && sqlite3_column_int(st, 4))
                partial = true;
        }
    sqlite3_finalize(st);
    sqlite3_free(q);
    return partial;
}

/* Is the index on an expression (a key column that is not a column)? */
static bool expression_index(sqlite3 *db, const char *name)
{
    char *q = sqlite3_mprintf("PRAGMA index_xinfo(\"%w\")", name);
    sqlite3_stmt *st = NULL;
    bool expr = false;
    if (q && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            if (sqlite3_column_int(st, 5) && sqlite3_column_int(st, 1) == -2)
                expr = true;
    sqlite3_finalize(st);
    sqlite3_free(q);
    return expr;
}

/* Views, triggers, and the indexes the language cannot write (partial
 * ones, which introspection skips, and those on expressions) become
 * "# left out:" notes with their SQL. */
static void find_leftovers(inspector *in)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(in->db,
                                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                                "WHERE type IN ('view', 'trigger', 'index') AND sql IS NOT NULL ORDER BY rowid",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) {
        in->rc = rc;
        in->err = mcc_arena_printf(in->a, "sqlite_master: %s", sqlite3_errmsg(in->db));
        return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *tbl = (const char *)sqlite3_column_text(st, 2);
        const char *sql = (const char *)sqlite3_column_text(st, 3);
        if (!type || !name || !tbl || !sql || mcc_introspect_skips(tbl))
            continue;
        const char *why = NULL;
        if (strcmp(type, "view") == 0)
            why = "a view";
        else if (strcmp(type, "trigger") == 0)
            why = "a trigger";
        else if (partial_index(in->db, tbl, name))
            why = "a partial index";
        else if (expression_index(in->db, name))
            why = "an index on an expression";
        if (!why)
            continue;
        mcc_table *t = mcc_schema_table(&in->s, tbl);
        if (t && strcmp(type, "index") == 0)
            drop_index(t, name);
        mcc_buf_printf(&in->notes, "# left out: %s %s is %s, which the schema language cannot write:\n", type,
                      name, why);
        put_comment(&in->notes, "#     ", sql);
    }
    sqlite3_finalize(st);
}

/* ---- naming ------------------------------------------------------------ */

/* `post_tag` -> `PostTag`, `user` -> `User`; anything else that would not
 * be an identifier becomes '_'; a leading digit gets a `T`. */
static char *camel_case(mcc_arena *a, const char *table)
{
    size_t n = strlen(table);
    char *out = mcc_arena_alloc(a, n + 2);
    if (!out)
        return NULL;
    size_t o = 0;
    bool up = true;
    if (!isalpha((unsigned char)table[0]))
        out[o++] = 'T';
    for (const char *p = table; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '_' || !isalnum(c)) {
            if (o && out[o - 1] != '_' && !up && p[1] && !isalnum((unsigned char)p[1]))
                out[o++] = '_';
            up = true;
            continue;
        }
        out[o++] = up ? (char)toupper(c) : (char)c;
        up = false;
    }
    out[o] = '\0';
    return out;
}

/* A model name per table, unique, never a type's name; `table "..."` when
 * the name's snake_case is not the table's name. */
static void name_models(inspector *in)
{
    for (size_t i = 0; i < in->s.ntables; i++) {
        itable *it = &in->tabs[i];
        const char *base = camel_case(in->a, it->t->name);
        if (!base)
            base = "Table";
        if (is_type_name(base))
            base = mcc_arena_printf(in->a, "%sTable", base);
        const char *name = base;
        for (int n = 2;; n++) {
            bool dup = false;
            for (size_t j = 0; j < i; j++)
                if (strcmp(in->tabs[j].model, name) == 0)
                    dup = true;
            if (!dup)
                break;
            name = mcc_arena_printf(in->a, "%s%d", base, n);
        }
        it->model = name;
        const char *snake = mcc_snake_case(in->a, name);
        it->custom_table = !snake || strcmp(snake, it->t->name) != 0;
    }
}

/* Is name one of the models' names? */
static bool model_named(const inspector *in, const char *name)
{
    for (size_t i = 0; i < in->s.ntables; i++)
        if (in->tabs[i].model && strcmp(in->tabs[i].model, name) == 0)
            return true;
    return false;
}

/* Is name the name of one of the first n enums? */
static bool enum_named(const inspector *in, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (in->enum_name[i] && strcmp(in->enum_name[i], name) == 0)
            return true;
    return false;
}

/* A name per enum type: camel case of the type's ("format" -> Format),
 * never a model's or a built-in type's; NULL for an enum whose labels are
 * not all identifiers (the language writes values bare).  A type whose
 * name is not its enum's in lower case, which is how `modelc sql`
 * names it on PostgreSQL, gets a note. */
static void name_enums(inspector *in)
{
    in->enum_name = mcc_arena_alloc(in->a, (in->s.nenums + 1) * sizeof *in->enum_name);
    if (!in->enum_name) {
        in->rc = SQLITE_NOMEM;
        return;
    }
    for (size_t i = 0; i < in->s.nenums; i++) {
        const mcc_enum *e = &in->s.enums[i];
        bool ok = e->nvalues > 0;
        for (size_t v = 0; v < e->nvalues; v++)
            ok = ok && is_ident(e->values[v]) && !is_keyword(e->values[v]);
        if (!ok) {
            mcc_buf_printf(&in->notes, "# left out: enum type %s has values the schema language cannot write "
                                       "(its columns are written as String)\n", e->name);
            continue;
        }
        const char *base = camel_case(in->a, e->name[0] ? e->name : "enum");
        if (!base)
            base = "Enum";
        if (is_type_name(base) || model_named(in, base))
            base = mcc_arena_printf(in->a, "%sEnum", base);
        const char *name = base;
        for (int n = 2; name && (model_named(in, name) || enum_named(in, i, name)); n++)
            name = mcc_arena_printf(in->a, "%s%d", base, n);
        in->enum_name[i] = name;
        char *lower = mcc_arena_strdup(in->a, name ? name : "");
        for (char *p = lower; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (lower && strcmp(lower, e->name) != 0)
            mcc_buf_printf(&in->notes, "# enum %s is the database's type %s; `modelc sql --dialect postgresql` "
                                       "names its type %s\n", name, e->name, lower);
    }
}

/* The schema name of enum column c's enum, or NULL when it has none
 * that can be written. */
static const char *enum_of(const inspector *in, const mcc_column *c)
{
    if (c->type != MCC_T_ENUM || !c->enum_type || !in->enum_name)
        return NULL;
    size_t i = (size_t)(c->enum_type - in->s.enums);
    return i < in->s.nenums ? in->enum_name[i] : NULL;
}

/* A field per column: the column's name when it is an identifier
 * (backticked when the language reserves it), else an identifier made of
 * it with column("...") giving the SQL name. */
static void name_fields(inspector *in)
{
    for (size_t i = 0; i < in->s.ntables; i++) {
        itable *it = &in->tabs[i];
        size_t n = it->t->ncolumns;
        it->field = mcc_arena_alloc(in->a, (n + 1) * sizeof *it->field);
        it->bare = mcc_arena_alloc(in->a, (n + 1) * sizeof *it->bare);
        it->renamed = mcc_arena_alloc(in->a, (n + 1) * sizeof *it->renamed);
        it->index_done = mcc_arena_alloc(in->a, (it->t->nindexes + 1) * sizeof *it->index_done);
        it->constraint_done = mcc_arena_alloc(in->a, (it->t->nconstraints + 1) * sizeof *it->constraint_done);
        if (!it->field || !it->bare || !it->renamed || !it->index_done || !it->constraint_done) {
            in->rc = SQLITE_NOMEM;
            return;
        }
        memset(it->index_done, 0, (it->t->nindexes + 1) * sizeof *it->index_done);
        memset(it->constraint_done, 0, (it->t->nconstraints + 1) * sizeof *it->constraint_done);
        for (size_t c = 0; c < n; c++) {
            const char *sql = it->t->columns[c].name;
            const char *bare = is_ident(sql) ? sql : identifier(in->a, sql, "c_");
            it->renamed[c] = bare != sql;
            if (it->renamed[c] && taken(it, bare))
                bare = free_name(in, it, bare);
            it->bare[c] = bare;
            it->field[c] = is_keyword(bare) ? mcc_arena_printf(in->a, "`%s`", bare) : bare;
            take(in, it, bare);
        }
    }
}

/* ---- relationships ----------------------------------------------------- */

/* The single-column foreign key of column c whose target is a table of
 * the schema with the referenced column known; NULL otherwise. */
static const mcc_column *fk_target(const inspector *in, const mcc_column *c, const mcc_table **to)
{
    const mcc_constraint *k = c->fk;
    if (!k || k->ncols != 1 || k->nref != 1)
        return NULL;
    const mcc_table *t = mcc_schema_table(&in->s, k->ref_table);
    const mcc_column *rc = t ? mcc_table_column(t, k->ref_cols[0]) : NULL;
    if (rc)
        *to = t;
    return rc;
}

/* A table that is exactly two columns, each a foreign key into the
 * schema, is a many-to-many link (SQLAlchemy's `secondary`). */
static void find_links(inspector *in)
{
    for (size_t i = 0; i < in->s.ntables; i++) {
        itable *it = &in->tabs[i];
        const mcc_table *t = it->t, *a, *b;
        it->link = t->ncolumns == 2 && fk_target(in, &t->columns[0], &a) && fk_target(in, &t->columns[1], &b);
    }
}

/* "author_id" -> "author"; a column not ending in _id gives the table it
 * points at. */
static const char *reference_name(inspector *in, const mcc_column *c, const mcc_table *to)
{
    size_t n = strlen(c->name);
    if (n > 3 && strcmp(c->name + n - 3, "_id") == 0 && is_ident(c->name))
        return mcc_arena_strndup(in->a, c->name, n - 3);
    return identifier(in->a, to->name, "t_");
}

/* Is column c unique by itself (a one-to-one foreign key)? */
static bool unique_column(const mcc_table *t, const mcc_column *c)
{
    size_t ci = column_index(t, c);
    if (t->npk == 1 && t->pk[0] == ci)
        return true;
    for (size_t k = 0; k < t->nconstraints; k++)
        if (t->constraints[k].kind == MCC_C_UNIQUE && t->constraints[k].ncols == 1 &&
            t->constraints[k].cols[0] == ci)
            return true;
    for (size_t x = 0; x < t->nindexes; x++)
        if (t->indexes[x].unique && t->indexes[x].ncols == 1 && t->indexes[x].cols[0] == ci)
            return true;
    return false;
}

/* How many single-column foreign keys of table t point at table to. */
static int keys_between(const inspector *in, const mcc_table *t, const mcc_table *to)
{
    int n = 0;
    for (size_t c = 0; c < t->ncolumns; c++) {
        const mcc_table *x = NULL;
        if (fk_target(in, &t->columns[c], &x) && x == to)
            n++;
    }
    return n;
}

/* One-to-many (or one-to-one) from the parent's side, with the child's
 * many-to-one accessor as its backref. */
static void relate_one_to_many(inspector *in, itable *child, size_t col, const mcc_table *to)
{
    itable *parent = itable_of(in, to);
    const mcc_column *c = &child->t->columns[col];
    bool one = unique_column(child->t, c);
    bool several = keys_between(in, child->t, to) > 1;
    const char *ref = reference_name(in, c, to);
    const char *child_name = identifier(in->a, child->t->name, "t_");
    const char *base = one ? child_name
                     : several ? mcc_arena_printf(in->a, "%s_%ss", ref, child_name)
                               : mcc_arena_printf(in->a, "%ss", child_name);
    const char *backref = free_name(in, child, ref);
    take(in, child, backref);
    const char *name = free_name(in, parent, base);
    take(in, parent, name);
    mcc_buf_printf(&parent->rels, "    %s relationship(%s, backref: %s", name, child->model, backref);
    if (several || child == parent)
        mcc_buf_printf(&parent->rels, ", foreign_key: %s", child->bare[col]);
    if (one)
        mcc_buf_put(&parent->rels, ", uselist: false");
    mcc_buf_put(&parent->rels, ")\n");
}

/* Many-to-many through link table `link`: on the first column's target,
 * towards the second's, with a backref; self-referential ones name the
 * column that points at this side. */
static void relate_many_to_many(inspector *in, itable *link)
{
    const mcc_table *a = NULL, *b = NULL;
    fk_target(in, &link->t->columns[0], &a);
    fk_target(in, &link->t->columns[1], &b);
    itable *ia = itable_of(in, a), *ib = itable_of(in, b);
    const char *name, *backref;
    if (ia == ib) {
        name = mcc_arena_printf(in->a, "%ss", reference_name(in, &link->t->columns[1], b));
        backref = mcc_arena_printf(in->a, "%ss", reference_name(in, &link->t->columns[0], a));
    } else {
        name = mcc_arena_printf(in->a, "%ss", identifier(in->a, b->name, "t_"));
        backref = mcc_arena_printf(in->a, "%ss", identifier(in->a, a->name, "t_"));
    }
    name = free_name(in, ia, name);
    take(in, ia, name);
    backref = free_name(in, ib, backref);
    take(in, ib, backref);
    mcc_buf_printf(&ia->rels, "    %s relationship(%s, secondary: %s", name, ib->model, link->model);
    if (ia == ib)
        mcc_buf_printf(&ia->rels, ", foreign_key: %s", link->bare[0]);
    mcc_buf_printf(&ia->rels, ", backref: %s)\n", backref);
}

static void infer_relations(inspector *in)
{
    for (size_t i = 0; i < in->s.ntables; i++) {
        itable *it = &in->tabs[i];
        if (it->link) {
            relate_many_to_many(in, it);
            continue;
        }
        for (size_t c = 0; c < it->t->ncolumns; c++) {
            const mcc_table *to = NULL;
            if (fk_target(in, &it->t->columns[c], &to))
                relate_one_to_many(in, it, c, to);
        }
    }
}

/* ---- write_model ------------------------------------------------------- */

/* A column type modelc does not know: TIMESTAMP is SQLAlchemy's other
 * name for DateTime; anything else gets the type of SQLite's affinity
 * rules (section 3.1 of its datatype page).  A note says so. */
static const char *affinity_type(const char *sql)
{
    if (strncasecmp(sql, "TIMESTAMP", 9) == 0)
        return "DateTime";
    if (contains_ci(sql, "INT"))
        return "Integer";
    if (contains_ci(sql, "CHAR") || contains_ci(sql, "CLOB") || contains_ci(sql, "TEXT"))
        return "Text";
    if (!sql[0] || contains_ci(sql, "BLOB"))
        return "LargeBinary";
    if (contains_ci(sql, "REAL") || contains_ci(sql, "FLOA") || contains_ci(sql, "DOUB"))
        return "Float";
    return "Numeric";
}

/* The column's type: its enum's name, the built-in type with its
 * parameters, or the affinity type with a note.  An enum whose values
 * cannot be written is a String of its longest value. */
static void put_type(const inspector *in, mcc_buf *b, const mcc_column *c, mcc_buf *note)
{
    const char *e = enum_of(in, c);
    if (e) {
        mcc_buf_put(b, e);
        return;
    }
    if (c->type == MCC_T_ENUM && c->enum_type && in->s.native_enums) {
        mcc_buf_printf(b, "String(%d)", c->length);
        return;
    }
    if (c->type == MCC_T_UNKNOWN || c->type == MCC_T_ENUM) {
        const char *t = affinity_type(c->sql_type ? c->sql_type : "");
        mcc_buf_put(b, t);
        mcc_buf_printf(note, "  # SQL type '%s' has no modelc equivalent: written as %s", c->sql_type, t);
        return;
    }
    mcc_ddl_type_named(b, mcc_types[c->type].dsl, c);
}

static bool is_number(const char *s)
{
    const char *p = s + (*s == '-');
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

/* server_default(...) from the DDL text of a default, or a note when it
 * is an expression the language cannot write. */
static void put_server_default(const inspector *in, mcc_buf *b, const mcc_column *c, mcc_buf *note)
{
    const char *d = c->server_default;
    size_t n = strlen(d);
    bool date = c->type == MCC_T_DATETIME || c->type == MCC_T_DATE || c->type == MCC_T_TIME;
    /* An enum's value is written bare. */
    for (size_t v = 0; enum_of(in, c) && n >= 2 && d[0] == '\'' && v < c->enum_type->nvalues; v++) {
        const char *val = c->enum_type->values[v];
        if (strlen(val) == n - 2 && strncmp(d + 1, val, n - 2) == 0) {
            mcc_buf_printf(b, " server_default(%s)", val);
            return;
        }
    }
    if (c->type == MCC_T_BOOLEAN && (strcmp(d, "1") == 0 || strcmp(d, "0") == 0)) {
        mcc_buf_printf(b, " server_default(%s)", d[0] == '1' ? "true" : "false");
    } else if (is_number(d)) {
        mcc_buf_printf(b, " server_default(%s)", d);
    } else if (strcasecmp(d, "NULL") == 0) {
        mcc_buf_put(b, " server_default(null)");
    } else if (date && strcasecmp(d, "CURRENT_TIMESTAMP") == 0) {
        mcc_buf_put(b, " server_default(now)");
    } else if (n >= 2 && d[0] == '\'' && d[n - 1] == '\'') {
        mcc_buf text = {0};
        bool ok = true;
        for (size_t i = 1; i + 1 < n; i++) {
            if (d[i] == '\'' && d[i + 1] == '\'' && i + 2 < n)
                i++;
            else if (d[i] == '\'')
                ok = false;
            mcc_buf_putc(&text, d[i]);
        }
        if (ok) {
            mcc_buf_put(b, " server_default(");
            put_string(b, text.data ? text.data : "");
            mcc_buf_putc(b, ')');
        } else {
            mcc_buf_printf(note, "  # left out: server default %s", d);
        }
        mcc_buf_free(&text);
    } else {
        mcc_buf_printf(note, "  # left out: server default %s (an expression)", d);
    }
}

static const char *action_name(mcc_fk_action a)
{
    switch (a) {
    case MCC_FK_CASCADE: return "cascade";
    case MCC_FK_SET_NULL: return "set_null";
    case MCC_FK_SET_DEFAULT: return "set_default";
    case MCC_FK_RESTRICT: return "restrict";
    case MCC_FK_NO_ACTION: return "no_action";
    case MCC_FK_NONE: break;
    }
    return NULL;
}

/* The name modelc gives an index on these columns: ix_<table>_<a>_<b>. */
static bool default_index_name(const mcc_table *t, const mcc_index *ix)
{
    mcc_buf b = {0};
    mcc_buf_printf(&b, "ix_%s", t->name);
    for (size_t i = 0; i < ix->ncols; i++)
        mcc_buf_printf(&b, "_%s", t->columns[ix->cols[i]].name);
    bool same = b.data && strcmp(b.data, ix->name) == 0;
    mcc_buf_free(&b);
    return same;
}

/* `index`, `unique` or `index unique` for column ci.  The attributes
 * together mean a UNIQUE INDEX ix_<table>_<column>, `unique` alone a
 * UNIQUE constraint, `index` alone a plain index of that name; what the
 * attributes cannot say at once (a plain index and a UNIQUE constraint, a
 * unique index and a constraint) is left to write_members. */
static void write_index_attributes(itable *it, size_t ci, mcc_buf *out)
{
    const mcc_table *t = it->t;
    size_t ix = (size_t)-1, uc = (size_t)-1;
    for (size_t x = 0; x < t->nindexes && ix == (size_t)-1; x++)
        if (t->indexes[x].ncols == 1 && t->indexes[x].cols[0] == ci && default_index_name(t, &t->indexes[x]))
            ix = x;
    for (size_t k = 0; k < t->nconstraints && uc == (size_t)-1; k++) {
        const mcc_constraint *u = &t->constraints[k];
        if (u->kind == MCC_C_UNIQUE && u->ncols == 1 && u->cols[0] == ci && !u->name)
            uc = k;
    }
    if (ix != (size_t)-1 && t->indexes[ix].unique) {
        mcc_buf_put(out, " index unique");
        it->index_done[ix] = true;
    } else if (uc != (size_t)-1) {
        mcc_buf_put(out, " unique");
        it->constraint_done[uc] = true;
    } else if (ix != (size_t)-1) {
        mcc_buf_put(out, " index");
        it->index_done[ix] = true;
    }
}

/* One column line: field, type, attributes, and any note as a trailing
 * comment.  The layout is left to mcc_fmt (cmd_inspect.c). */
static void write_column(inspector *in, itable *it, size_t ci, mcc_buf *out)
{
    const mcc_table *t = it->t;
    const mcc_column *c = &t->columns[ci];
    mcc_buf note = {0};
    mcc_buf_printf(out, "    %s ", it->field[ci]);
    put_type(in, out, c, &note);
    if (t->npk == 1 && t->pk[0] == ci)
        mcc_buf_put(out, " primary_key");
    if (c->autoincrement)
        mcc_buf_put(out, " autoincrement");
    write_index_attributes(it, ci, out);
    if (!c->nullable && !c->primary_key)
        mcc_buf_put(out, " not_null");
    if (c->server_default)
        put_server_default(in, out, c, &note);
    const mcc_table *to = NULL;
    const mcc_column *rc = fk_target(in, c, &to);
    if (rc) {
        const itable *target = itable_of(in, to);
        mcc_buf_printf(out, " foreign_key(%s.%s", target->model, target->bare[column_index(to, rc)]);
        if (c->fk->on_delete)
            mcc_buf_printf(out, ", on_delete: %s", action_name(c->fk->on_delete));
        if (c->fk->on_update)
            mcc_buf_printf(out, ", on_update: %s", action_name(c->fk->on_update));
        mcc_buf_putc(out, ')');
        for (size_t k = 0; k < t->nconstraints; k++)
            if (&t->constraints[k] == c->fk)
                it->constraint_done[k] = true;
        if (c->fk->name)
            mcc_buf_printf(&note, "  # left out: the foreign key's name %s", c->fk->name);
    } else if (c->fk) {
        mcc_buf_printf(&note, "  # left out: foreign key to %s, not a table of this database", c->fk->ref_table);
        for (size_t k = 0; k < t->nconstraints; k++)
            if (&t->constraints[k] == c->fk)
                it->constraint_done[k] = true;
    }
    if (c->check) {
        mcc_buf_put(out, " check(");
        put_string(out, c->check);
        mcc_buf_putc(out, ')');
    }
    if (it->renamed[ci]) {
        mcc_buf_put(out, " column(");
        put_string(out, c->name);
        mcc_buf_putc(out, ')');
    }
    if (note.data)
        mcc_buf_put(out, note.data);
    mcc_buf_putc(out, '\n');
    mcc_buf_free(&note);
}

static void put_fields(const itable *it, mcc_buf *out, const size_t *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mcc_buf_printf(out, "%s%s", i ? ", " : "", it->bare[cols[i]]);
}

/* The model-level members: composite primary key, constraints in their
 * order, indexes not written as attributes. */
static void write_members(inspector *in, itable *it, mcc_buf *out)
{
    const mcc_table *t = it->t;
    if (t->npk > 1) {
        mcc_buf_put(out, "    primary_key(");
        put_fields(it, out, t->pk, t->npk);
        mcc_buf_put(out, ")\n");
    } else if (t->npk == 0) {
        size_t *all = mcc_arena_alloc(in->a, (t->ncolumns + 1) * sizeof *all);
        for (size_t i = 0; all && i < t->ncolumns; i++)
            all[i] = i;
        mcc_buf_put(out, "    # the table has no primary key, which a model needs: review this one\n");
        mcc_buf_put(out, "    primary_key(");
        if (all)
            put_fields(it, out, all, t->ncolumns);
        mcc_buf_put(out, ")\n");
    }
    for (size_t k = 0; k < t->nconstraints; k++) {
        const mcc_constraint *u = &t->constraints[k];
        if (it->constraint_done[k])
            continue;
        if (u->name)
            mcc_buf_printf(out, "    # left out: the constraint's name %s\n", u->name);
        switch (u->kind) {
        case MCC_C_UNIQUE:
            mcc_buf_put(out, "    unique(");
            put_fields(it, out, u->cols, u->ncols);
            mcc_buf_put(out, ")\n");
            break;
        case MCC_C_CHECK:
            mcc_buf_put(out, "    check(");
            put_string(out, u->check);
            mcc_buf_put(out, ")\n");
            break;
        case MCC_C_FOREIGN_KEY:
            mcc_buf_printf(out, "    # left out: a foreign key of %zu columns to %s (one column per foreign key here)\n",
                          u->ncols, u->ref_table);
            break;
        }
    }
    for (size_t x = 0; x < t->nindexes; x++) {
        const mcc_index *ix = &t->indexes[x];
        if (it->index_done[x])
            continue;
        mcc_buf_put(out, "    index(");
        put_fields(it, out, ix->cols, ix->ncols);
        if (!default_index_name(t, ix)) {
            mcc_buf_put(out, ", name: ");
            put_string(out, ix->name);
        }
        if (ix->unique)
            mcc_buf_put(out, ", unique: true");
        mcc_buf_put(out, ")\n");
    }
}

static void write_model(inspector *in, itable *it, mcc_buf *out)
{
    mcc_buf_printf(out, "\nmodel %s ", it->model);
    if (it->custom_table) {
        mcc_buf_put(out, "table ");
        put_string(out, it->t->name);
        mcc_buf_putc(out, ' ');
    }
    mcc_buf_put(out, "{\n");
    for (size_t c = 0; c < it->t->ncolumns; c++)
        write_column(in, it, c, out);
    if (it->rels.data)
        mcc_buf_put(out, it->rels.data);
    write_members(in, it, out);
    mcc_buf_put(out, "}\n");
}

/* Writes every enum, with the values in their order. */
static void write_enums(inspector *in, mcc_buf *out)
{
    for (size_t i = 0; i < in->s.nenums; i++) {
        if (!in->enum_name[i])
            continue;
        const mcc_enum *e = &in->s.enums[i];
        mcc_buf_printf(out, "\nenum %s {", in->enum_name[i]);
        for (size_t v = 0; v < e->nvalues; v++)
            mcc_buf_printf(out, "%s %s", v ? "," : "", e->values[v]);
        mcc_buf_put(out, " }\n");
    }
}

/* Allocates the per-table state of in (its schema read); -1 when out of memory. */
static int start(inspector *in, mcc_diag *diag)
{
    in->tabs = mcc_arena_alloc(in->a, (in->s.ntables + 1) * sizeof *in->tabs);
    if (!in->tabs) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    memset(in->tabs, 0, (in->s.ntables + 1) * sizeof *in->tabs);
    for (size_t i = 0; i < in->s.ntables; i++)
        in->tabs[i].t = in->s.tables[i];
    return 0;
}

/* The steps after the leftovers (see the head of the file), then the
 * text: header, notes, enums, models.  Frees in's buffers. */
static int write_schema(inspector *in, const char *source, mcc_diag *diag, mcc_buf *out)
{
    if (in->rc == SQLITE_OK)
        name_models(in);
    if (in->rc == SQLITE_OK)
        name_enums(in);
    if (in->rc == SQLITE_OK)
        name_fields(in);
    if (in->rc == SQLITE_OK) {
        find_links(in);
        infer_relations(in);
    }
    if (in->rc == SQLITE_OK) {
        mcc_buf_put(out, "# The schema of ");
        mcc_buf_put(out, source ? source : "a database");
        mcc_buf_put(out, ", written by `modelc inspect`.\n"
                         "# Relationship names are inferred from the foreign keys: review them.\n");
        if (in->notes.data) {
            mcc_buf_putc(out, '\n');
            mcc_buf_put(out, in->notes.data);
        }
        write_enums(in, out);
        for (size_t i = 0; i < in->s.ntables; i++)
            write_model(in, &in->tabs[i], out);
    }
    for (size_t i = 0; i < in->s.ntables; i++)
        mcc_buf_free(&in->tabs[i].rels);
    mcc_buf_free(&in->notes);
    if (in->rc == SQLITE_OK && !out->failed)
        return 0;
    mcc_error_in(diag, NULL, NULL, "%s", in->rc != SQLITE_OK && in->err ? in->err : "out of memory");
    return -1;
}

/* A database with no table of the application's (none, or only modelc's
 * and Alembic's version tables) has no schema to write: an error, since a
 * .model needs a model, instead of a text that does not check. */
static int no_tables(const inspector *in, mcc_diag *diag)
{
    if (in->s.ntables)
        return 0;
    mcc_error_in(diag, NULL, "inspect the database the application uses, or start a new schema with `modelc init`",
                 "the database has no tables (modelc's and Alembic's version tables aside): no schema to write");
    return -1;
}

int mcc_inspect(sqlite3 *db, const char *source, mcc_arena *arena, mcc_diag *diag, mcc_buf *out)
{
    inspector in = {.db = db, .a = arena};
    if (mcc_introspect(db, arena, diag, &in.s) || no_tables(&in, diag) || start(&in, diag))
        return -1;
    find_leftovers(&in);
    return write_schema(&in, source, diag, out);
}

/* PostgreSQL's leftovers (introspect_pg.c lists them) as the notes
 * find_leftovers writes for SQLite. */
static void pg_notes(inspector *in, const mcc_pg_leftovers *left)
{
    for (size_t i = 0; i < left->n; i++) {
        const mcc_pg_leftover *l = &left->v[i];
        mcc_buf_printf(&in->notes, "# left out: %s %s is %s, which the schema language cannot write:\n", l->kind,
                       l->name ? l->name : "", l->why ? l->why : "");
        put_comment(&in->notes, "#     ", l->sql ? l->sql : "");
    }
}

int mcc_inspect_pg(mc_db *db, mcc_arena *arena, mcc_diag *diag, mcc_buf *out)
{
    inspector in = {.a = arena};
    mcc_pg_leftovers left;
    if (mcc_introspect_pg(db, arena, diag, &in.s, &left) || no_tables(&in, diag) || start(&in, diag))
        return -1;
    pg_notes(&in, &left);
    const char *source = mcc_arena_printf(arena, "PostgreSQL database %s, schema %s",
                                          left.database ? left.database : "?", left.schema ? left.schema : "?");
    return write_schema(&in, source, diag, out);
}
