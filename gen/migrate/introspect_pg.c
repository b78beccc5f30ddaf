/* introspect_pg.c -- see introspect_pg.h.
 *
 * mcc_introspect_pg runs in named steps:
 *   current_schema  the search_path's first schema
 *   list_tables     its tables, in creation order (oid)
 *   load_table      per table: load_columns (types, nullability,
 *                   defaults), load_constraints (primary key, UNIQUE,
 *                   FOREIGN KEY, CHECK, with their columns), serial_keys
 *                   (no default on a SERIAL key), load_indexes
 *   attach_enums    the enum types the columns use, with their labels
 *   list_leftovers  views and triggers, for inspect's notes
 * then the references between the tables and the creation order, as
 * introspect.c does.
 */
#include "introspect_pg.h"
#include "buf.h"
#include "ddl.h"
#include "introspect.h"
#include "pg_expr.h"
#include "pg_names.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One introspection: the connection, where things go, what went wrong. */
typedef struct reader {
    mc_db *db;
    mcc_arena *a;
    mcc_diag *diag;
    mcc_schema *s;
    mcc_pg_leftovers *left;
    size_t leftcap;
    int64_t nsp;            /* the current schema's oid */
    const char *nsp_name;
    int64_t *enum_oid;      /* per table, per column: its enum type's oid, or 0 */
    int64_t **col_enum;
} reader;

/* ---- statements ----------------------------------------------------------- */

/* Prepares sql (a string literal) and binds oid to its one parameter
 * (oid < 0: it has none).  NULL after reporting. */
static mc_stmt *query(reader *r, const char *sql, int64_t oid, const char *what)
{
    mc_stmt *st = mc_stmt_prepare(r->db, sql);
    if (!st) {
        mcc_error_in(r->diag, NULL, NULL, "%s: %s", what, mc_errmsg(r->db));
        return NULL;
    }
    int rc = oid >= 0 ? mc_stmt_bind_int64(st, 1, oid) : MC_RC_OK;
    if (rc != MC_RC_OK) {
        mc_status_from_rc(r->db, rc, what);
        mcc_error_in(r->diag, NULL, NULL, "%s", mc_errmsg(r->db));
        mc_stmt_release(r->db, st);
        return NULL;
    }
    return st;
}

/* After a loop of steps: releases st; 0 when it ran to its end, else -1
 * after reporting (a loop left at a row ran out of memory). */
static int finish(reader *r, mc_stmt *st, int rc, const char *what)
{
    if (rc != MC_RC_DONE && rc != MC_RC_ROW)
        mc_status_from_rc(r->db, rc, what);
    mc_stmt_release(r->db, st);
    if (rc == MC_RC_DONE)
        return 0;
    if (rc == MC_RC_ROW)
        mcc_error_in(r->diag, NULL, NULL, "%s: out of memory", what);
    else
        mcc_error_in(r->diag, NULL, NULL, "%s", mc_errmsg(r->db));
    return -1;
}

/* Column i of the row as arena text; NULL for SQL NULL. */
static char *text(reader *r, mc_stmt *st, int i)
{
    const char *s = mc_stmt_column_cstr(st, i);
    return s ? mcc_arena_strdup(r->a, s) : NULL;
}

/* Reports "<what>: out of memory"; returns -1. */
static int nomem(reader *r, const char *what)
{
    mcc_error_in(r->diag, NULL, NULL, "%s: out of memory", what);
    return -1;
}

/* ---- types and defaults ------------------------------------------------------ */

/* PostgreSQL's own spelling (format_type) of the SQL names types.def's pg
 * column uses. */
static const struct {
    const char *catalog, *sql;
} spellings[] = {
    {"character varying", "VARCHAR"},
    {"double precision", "FLOAT"},
};

/* The type id of format_type's text ("character varying(64)",
 * "numeric(8,2)") by types.def's pg names, with its parameters;
 * MCC_T_UNKNOWN when modelc has no such type. */
static mcc_type_id type_of(const char *fmt, int *length, int *precision, int *scale)
{
    *length = *precision = *scale = 0;
    const char *paren = strchr(fmt, '(');
    size_t n = paren ? (size_t)(paren - fmt) : strlen(fmt);
    const char *name = NULL;
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++)
        if (strlen(spellings[i].catalog) == n && strncmp(spellings[i].catalog, fmt, n) == 0)
            name = spellings[i].sql;
    for (int t = 0; t < MCC_T_ENUM; t++) {
        const char *pg = mcc_types[t].pg;
        if (name ? strcmp(pg, name) != 0 : strlen(pg) != n || strncasecmp(pg, fmt, n) != 0)
            continue;
        if (!paren)
            return (mcc_type_id)t;
        char *end;
        long x = strtol(paren + 1, &end, 10), y = 0;
        if (*end == ',')
            y = strtol(end + 1, &end, 10);
        if (*end != ')' || end[1] != '\0' || mcc_types[t].params == 0)
            return MCC_T_UNKNOWN;
        if (mcc_types[t].params == 1)
            *length = (int)x;
        else {
            *precision = (int)x;
            *scale = (int)y;
        }
        return (mcc_type_id)t;
    }
    return MCC_T_UNKNOWN;
}

/* Is s a number as a schema's default writes it ("-1", "0.10")? */
static bool is_number(const char *s)
{
    const char *p = s + (*s == '-');
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    return *p == '\0';
}

/*
 * A column's default as the schema model spells it: the portable form
 * (pg_expr.h); a Boolean's true/false as 1/0 (what server_default(true)
 * is); a number PostgreSQL quotes ('-1'::integer) bare; now() as
 * CURRENT_TIMESTAMP, which it is on PostgreSQL.  NULL for none.
 */
static const char *default_of(reader *r, const mcc_column *c, const char *pg)
{
    if (!pg)
        return NULL;
    char *d = mcc_pg_expr_portable(r->a, pg);
    if (!d)
        return NULL;
    size_t n = strlen(d);
    mcc_type_family f = c->type == MCC_T_ENUM || c->type == MCC_T_UNKNOWN ? MCC_FAM_OTHER : mcc_types[c->type].fam;
    if (c->type == MCC_T_BOOLEAN && strcasecmp(d, "true") == 0)
        return "1";
    if (c->type == MCC_T_BOOLEAN && strcasecmp(d, "false") == 0)
        return "0";
    if ((f == MCC_FAM_INT || f == MCC_FAM_REAL || f == MCC_FAM_NUM) && n > 2 && d[0] == '\'' && d[n - 1] == '\'') {
        char *inner = mcc_arena_strndup(r->a, d + 1, n - 2);
        if (inner && is_number(inner))
            return inner;
    }
    if (f == MCC_FAM_TIME && (strcasecmp(d, "now()") == 0 || strcasecmp(d, "CURRENT_TIMESTAMP") == 0))
        return "CURRENT_TIMESTAMP";
    return d;
}

/* ---- tables ------------------------------------------------------------------- */

/* Step 1: the search_path's first schema, which unqualified names mean. */
static int current_schema(reader *r)
{
    static const char what[] = "current_schema()";
    mc_stmt *st = query(r, "SELECT n.oid::int8, n.nspname, current_database() FROM pg_catalog.pg_namespace n "
                           "WHERE n.nspname = current_schema()", -1, what);
    if (!st)
        return -1;
    int rc = mc_stmt_step(st);
    if (rc == MC_RC_ROW) {
        r->nsp = mc_stmt_column_int64(st, 0);
        r->nsp_name = text(r, st, 1);
        if (r->left) {
            r->left->schema = r->nsp_name;
            r->left->database = text(r, st, 2);
        }
        rc = mc_stmt_step(st);
    } else if (rc == MC_RC_DONE) {
        mc_stmt_release(r->db, st);
        mcc_error_in(r->diag, NULL,
                     "set the search_path (options=-csearch_path%3Dname in the URL) to a schema that exists",
                    "no schema: none of the search_path's schemas exists");
        return -1;
    }
    return finish(r, st, rc, what);
}

/* Step 2: the schema's tables but the version tables, oldest first; the
 * oid of each in *oids. */
static int list_tables(reader *r, int64_t **oids)
{
    static const char what[] = "pg_class";
    mc_stmt *st = query(r, "SELECT c.oid::int8, c.relname FROM pg_catalog.pg_class c "
                           "WHERE c.relnamespace = ?::oid AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                           "ORDER BY c.oid", r->nsp, what);
    if (!st)
        return -1;
    size_t cap = 0, n = 0, ocap = 0;
    int rc;
    *oids = NULL;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW) {
        const char *name = mc_stmt_column_cstr(st, 1);
        if (!name || mcc_introspect_skips(name))
            continue;
        mcc_table *t = mcc_arena_alloc(r->a, sizeof *t);
        mcc_table **slot = t ? MCC_ARENA_PUSH(r->a, r->s->tables, r->s->ntables, cap) : NULL;
        int64_t *o = slot ? MCC_ARENA_PUSH(r->a, *oids, n, ocap) : NULL;
        if (!o)
            break;
        t->name = t->model = text(r, st, 1);
        *o = mc_stmt_column_int64(st, 0);
        *slot = t;
    }
    if (finish(r, st, rc, what))
        return -1;
    if (!r->s->tables && !(r->s->tables = mcc_arena_alloc(r->a, sizeof *r->s->tables)))
        return nomem(r, what);
    return 0;
}

/*
 * Step 3a: the table's columns in their order (generated ones are not
 * its data, as on SQLite): type, nullability, default; an enum column's
 * type oid into enums (attach_enums gives it its enum).  A column of an
 * owned sequence or an identity is marked in *serial for serial_keys.
 */
static int load_columns(reader *r, mcc_table *t, int64_t oid, int64_t **enums, bool **serial)
{
    static const char what[] = "pg_attribute";
    mc_stmt *st = query(
        r,
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typtype::text, t.oid::int8, "
        "a.attnotnull::int, pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
        "(a.attidentity <> '' OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep "
        "JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S' "
        "WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid "
        "AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i')))::int "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
        "ORDER BY a.attnum",
        oid, what);
    if (!st)
        return -1;
    size_t cap = 0, ecap = 0, scap = 0, ne = 0, ns = 0;
    int rc;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW) {
        mcc_column *c = MCC_ARENA_PUSH(r->a, t->columns, t->ncolumns, cap);
        int64_t *e = c ? MCC_ARENA_PUSH(r->a, *enums, ne, ecap) : NULL;
        bool *sr = e ? MCC_ARENA_PUSH(r->a, *serial, ns, scap) : NULL;
        char *fmt = sr ? text(r, st, 1) : NULL;
        if (!fmt)
            break;
        c->name = c->field = text(r, st, 0);
        const char *typtype = mc_stmt_column_cstr(st, 2);
        if (typtype && strcmp(typtype, "e") == 0) {
            c->type = MCC_T_ENUM;
            *e = mc_stmt_column_int64(st, 3);
            c->sql_type = fmt;  /* until attach_enums knows its labels */
        } else {
            c->type = type_of(fmt, &c->length, &c->precision, &c->scale);
            mcc_buf b = {0};
            if (c->type == MCC_T_UNKNOWN)
                for (const char *p = fmt; *p; p++)
                    mcc_buf_putc(&b, (char)toupper((unsigned char)*p));
            else
                mcc_ddl_type_named(&b, mcc_types[c->type].sql, c);
            c->sql_type = b.failed ? NULL : mcc_arena_strdup(r->a, b.data ? b.data : "");
            mcc_buf_free(&b);
            if (!c->sql_type)
                break;
        }
        c->nullable = mc_stmt_column_int64(st, 4) == 0;
        const char *def = mc_stmt_column_cstr(st, 5);
        c->server_default = default_of(r, c, def);
        if (def && !c->server_default)
            break;
        *sr = mc_stmt_column_int64(st, 6) != 0;
    }
    if (finish(r, st, rc, what))
        return -1;
    if (!t->columns && !(t->columns = mcc_arena_alloc(r->a, sizeof *t->columns)))
        return nomem(r, what);
    return 0;
}

/* A constraint's column (and the referenced one's name), as the catalog lists it. */
typedef struct kcol {
    int64_t con;
    const char *col, *ref;
} kcol;

/* Step 3b, first half: every constraint column of the table, in key order. */
static int load_constraint_columns(reader *r, int64_t oid, kcol **out, size_t *n)
{
    static const char what[] = "pg_constraint";
    mc_stmt *st = query(r,
                        "SELECT con.oid::int8, a.attname, fa.attname FROM pg_catalog.pg_constraint con "
                        "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, fcol, n) "
                        "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col "
                        "LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fcol "
                        "WHERE con.conrelid = ?::oid ORDER BY con.oid, k.n",
                        oid, what);
    if (!st)
        return -1;
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW) {
        kcol *k = MCC_ARENA_PUSH(r->a, *out, *n, cap);
        if (!k || !(k->col = text(r, st, 1)))
            break;
        k->con = mc_stmt_column_int64(st, 0);
        k->ref = text(r, st, 2);
    }
    return finish(r, st, rc, what);
}

/* The columns of constraint con among ks, as column indexes of t (and
 * the referenced names into *refs when refs is not NULL); their count,
 * -1 when out of memory, -2 when one is not a column of t's model (a
 * generated one). */
static int key_columns(reader *r, const mcc_table *t, const kcol *ks, size_t nk, int64_t con, size_t **cols,
                       const char ***refs)
{
    size_t n = 0;
    for (size_t i = 0; i < nk; i++)
        n += ks[i].con == con;
    *cols = mcc_arena_alloc(r->a, (n + 1) * sizeof **cols);
    if (refs)
        *refs = mcc_arena_alloc(r->a, (n + 1) * sizeof **refs);
    if (!*cols || (refs && !*refs))
        return -1;
    size_t j = 0;
    for (size_t i = 0; i < nk; i++) {
        if (ks[i].con != con)
            continue;
        size_t ci = mcc_table_column_index(t, ks[i].col);
        if (ci == (size_t)-1)
            return -2;  /* a generated column, which load_columns skipped */
        (*cols)[j] = ci;
        if (refs)
            (*refs)[j] = ks[i].ref ? ks[i].ref : "";
        j++;
    }
    return (int)n;
}

/* ON DELETE / ON UPDATE from confdeltype / confupdtype; "a" (NO ACTION,
 * the default) is no clause, as the DDL had none. */
static mcc_fk_action action_of(const char *code)
{
    switch (code ? code[0] : 'a') {
    case 'c': return MCC_FK_CASCADE;
    case 'n': return MCC_FK_SET_NULL;
    case 'd': return MCC_FK_SET_DEFAULT;
    case 'r': return MCC_FK_RESTRICT;
    default: return MCC_FK_NONE;
    }
}

/* Is name label's default name over the column names cols: <table>_<cols>_<label>,
 * or with a number after the label (PostgreSQL's next free one)? */
static bool default_name(reader *r, const mcc_table *t, const char *name, const char *const *cols, size_t n,
                         const char *label)
{
    const char *base = n ? mcc_pg_key_name(r->a, t->name, cols, n, label)
                         : mcc_pg_object_name(r->a, t->name, NULL, label);
    if (!base || strncmp(name, base, strlen(base)) != 0)
        return false;
    const char *p = name + strlen(base);
    while (isdigit((unsigned char)*p))
        p++;
    return *p == '\0';
}

/* One CHECK: a column's own when it uses one column that has no check
 * yet and carries that column's default name, else the table's (named
 * unless the name is the one PostgreSQL gives). */
static int add_check(reader *r, mcc_table *t, size_t *kcap, const char *name, const char *def, const size_t *cols,
                     int ncols)
{
    const char *body = mcc_pg_check_body(r->a, def);
    if (!body)
        return -1;
    if (ncols == 1) {
        mcc_column *c = &t->columns[cols[0]];
        if (!c->check && default_name(r, t, name, &c->name, 1, "check")) {
            c->check = body;
            return 0;
        }
    }
    mcc_constraint *k = MCC_ARENA_PUSH(r->a, t->constraints, t->nconstraints, *kcap);
    if (!k)
        return -1;
    k->kind = MCC_C_CHECK;
    k->check = body;
    const char *col = NULL;
    if (ncols == 1)
        col = t->columns[cols[0]].name;
    if (!default_name(r, t, name, &col, col ? 1 : 0, "check"))
        k->name = name;
    return 0;
}

/* Adds a leftover for inspect's notes (when they are wanted). */
static int leftover(reader *r, const char *kind, const char *name, const char *why, const char *sql)
{
    if (!r->left)
        return 0;
    mcc_pg_leftover *l = MCC_ARENA_PUSH(r->a, r->left->v, r->left->n, r->leftcap);
    if (!l)
        return -1;
    l->kind = kind;
    l->name = name;
    l->why = why;
    l->sql = sql;
    return 0;
}

/* One PRIMARY KEY, UNIQUE or FOREIGN KEY constraint of the catalog row. */
static int add_key(reader *r, mcc_table *t, size_t *kcap, mc_stmt *st, const kcol *ks, size_t nk)
{
    int64_t con = mc_stmt_column_int64(st, 0);
    const char *name = text(r, st, 1), *type = mc_stmt_column_cstr(st, 2);
    size_t *cols;
    const char **refs = NULL;
    int n = key_columns(r, t, ks, nk, con, &cols, type && type[0] == 'f' ? &refs : NULL);
    if (n == -2 && name && type)
        return leftover(r, "constraint", name, "on a generated column", text(r, st, 7));
    if (!name || !type || n < 0)
        return -1;
    if (type[0] == 'p') {
        t->pk = cols;
        t->npk = (size_t)n;
        t->pk_name = name;
        for (int i = 0; i < n; i++)
            t->columns[cols[i]].primary_key = true;
        return 0;
    }
    if (type[0] == 'c')
        return add_check(r, t, kcap, name, mc_stmt_column_cstr(st, 7), cols, n);
    const char **names = mcc_arena_alloc(r->a, ((size_t)n + 1) * sizeof *names);
    mcc_constraint *k = names ? MCC_ARENA_PUSH(r->a, t->constraints, t->nconstraints, *kcap) : NULL;
    if (!k)
        return -1;
    for (int i = 0; i < n; i++)
        names[i] = t->columns[cols[i]].name;
    k->cols = cols;
    k->ncols = (size_t)n;
    if (type[0] == 'u') {
        k->kind = MCC_C_UNIQUE;
        if (!default_name(r, t, name, names, (size_t)n, "key"))
            k->name = name;
        return 0;
    }
    k->kind = MCC_C_FOREIGN_KEY;
    const char *rel = text(r, st, 3), *nsp = mc_stmt_column_cstr(st, 4);
    /* A table of another schema keeps its schema: it is not one of ours. */
    bool ours = !nsp || !r->nsp_name || strcmp(nsp, r->nsp_name) == 0;
    k->ref_table = ours ? rel : mcc_arena_printf(r->a, "%s.%s", nsp, rel);
    k->ref_cols = refs;
    k->nref = (size_t)n;
    k->on_delete = action_of(mc_stmt_column_cstr(st, 5));
    k->on_update = action_of(mc_stmt_column_cstr(st, 6));
    if (!default_name(r, t, name, names, (size_t)n, "fkey"))
        k->name = name;
    return k->ref_table ? 0 : -1;
}

/* Step 3b: the constraints in creation order; a single-column foreign
 * key is also linked from its column, as the checker links it. */
static int load_constraints(reader *r, mcc_table *t, int64_t oid)
{
    static const char what[] = "pg_constraint";
    kcol *ks;
    size_t nk, kcap = 0;
    if (load_constraint_columns(r, oid, &ks, &nk))
        return -1;
    mc_stmt *st = query(r,
                        "SELECT con.oid::int8, con.conname, con.contype::text, fr.relname, fn.nspname, "
                        "con.confdeltype::text, con.confupdtype::text, "
                        "pg_catalog.pg_get_constraintdef(con.oid, true) "
                        "FROM pg_catalog.pg_constraint con "
                        "LEFT JOIN pg_catalog.pg_class fr ON fr.oid = con.confrelid "
                        "LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fr.relnamespace "
                        "WHERE con.conrelid = ?::oid AND con.contype IN ('p', 'u', 'f', 'c') ORDER BY con.oid",
                        oid, what);
    if (!st)
        return -1;
    int rc;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW)
        if (add_key(r, t, &kcap, st, ks, nk))
            break;
    if (finish(r, st, rc, what))
        return -1;
    if (!t->pk && !(t->pk = mcc_arena_alloc(r->a, sizeof *t->pk)))
        return nomem(r, what);
    if (!t->constraints && !(t->constraints = mcc_arena_alloc(r->a, sizeof *t->constraints)))
        return nomem(r, what);
    for (size_t i = 0; i < t->nconstraints; i++) {
        mcc_constraint *k = &t->constraints[i];
        if (k->kind == MCC_C_FOREIGN_KEY && k->ncols == 1)
            t->columns[k->cols[0]].fk = k;
    }
    return 0;
}

/* Step 3c: the lone integer primary key with its own sequence (SERIAL,
 * or an identity) is what `modelc sql` writes as SERIAL: its nextval()
 * default is the type's, not a server default of the schema. */
static void serial_keys(mcc_table *t, const bool *serial)
{
    if (t->npk != 1)
        return;
    mcc_column *c = &t->columns[t->pk[0]];
    bool integer = c->type == MCC_T_INTEGER || c->type == MCC_T_BIGINTEGER || c->type == MCC_T_SMALLINTEGER;
    if (integer && serial[t->pk[0]] && (!c->server_default || strncasecmp(c->server_default, "nextval(", 8) == 0))
        c->server_default = NULL;
}

/* Indexes by name, as the checker orders a model's. */
static int cmp_index(const void *x, const void *y)
{
    return strcmp(((const mcc_index *)x)->name, ((const mcc_index *)y)->name);
}

/* Step 3d, second half: the key columns of each index in their order
 * (INCLUDE columns are not keys). */
static int load_index_columns(reader *r, mcc_table *t, int64_t oid, const int64_t *ixoids)
{
    static const char what[] = "pg_index";
    mc_stmt *st = query(r,
                        "SELECT i.indexrelid::int8, a.attname FROM pg_catalog.pg_index i "
                        "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(col, n) "
                        "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.col "
                        "WHERE i.indrelid = ?::oid AND k.n <= i.indnkeyatts ORDER BY i.indexrelid, k.n",
                        oid, what);
    if (!st)
        return -1;
    size_t *caps = mcc_arena_alloc(r->a, (t->nindexes + 1) * sizeof *caps);
    int rc = caps ? MC_RC_ROW : MC_RC_DONE;
    while (caps && (rc = mc_stmt_step(st)) == MC_RC_ROW) {
        int64_t ix = mc_stmt_column_int64(st, 0);
        size_t ci = mcc_table_column_index(t, mc_stmt_column_cstr(st, 1) ? mc_stmt_column_cstr(st, 1) : "");
        for (size_t i = 0; i < t->nindexes; i++) {
            if (ixoids[i] != ix || ci == (size_t)-1)
                continue;
            size_t *slot = MCC_ARENA_PUSH(r->a, t->indexes[i].cols, t->indexes[i].ncols, caps[i]);
            if (!slot)
                goto out;
            *slot = ci;
        }
    }
out:
    if (finish(r, st, caps ? rc : MC_RC_ROW, what))
        return -1;
    for (size_t i = 0; i < t->nindexes; i++)
        if (!t->indexes[i].cols && !(t->indexes[i].cols = mcc_arena_alloc(r->a, sizeof(size_t))))
            return nomem(r, what);
    return 0;
}

/* Step 3d: the indexes that are no constraint's (those are UNIQUE and
 * PRIMARY KEY constraints), sorted by name; partial and expression ones,
 * and those not a plain ascending btree (gin, DESC), have no schema form
 * and become leftovers. */
static int load_indexes(reader *r, mcc_table *t, int64_t oid)
{
    static const char what[] = "pg_index";
    mc_stmt *st = query(r,
                        "SELECT i.indexrelid::int8, ic.relname, i.indisunique::int, "
                        "(i.indpred IS NOT NULL)::int, (i.indexprs IS NOT NULL)::int, "
                        "pg_catalog.pg_get_indexdef(i.indexrelid), "
                        "(am.amname <> 'btree' OR i.indoption::text ~ '[1-9]')::int FROM pg_catalog.pg_index i "
                        "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                        "JOIN pg_catalog.pg_am am ON am.oid = ic.relam WHERE i.indrelid = ?::oid "
                        "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid "
                        "AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY i.indexrelid",
                        oid, what);
    if (!st)
        return -1;
    size_t cap = 0, n = 0, ocap = 0;
    int64_t *ixoids = NULL;
    int rc;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW) {
        const char *name = text(r, st, 1);
        if (!name)
            break;
        if (mc_stmt_column_int64(st, 3) || mc_stmt_column_int64(st, 4) || mc_stmt_column_int64(st, 6)) {
            const char *why = mc_stmt_column_int64(st, 3)   ? "a partial index"
                              : mc_stmt_column_int64(st, 4) ? "an index on an expression"
                                                            : "an index of another kind or order (USING, DESC)";
            if (leftover(r, "index", name, why, text(r, st, 5)))
                break;
            continue;
        }
        mcc_index *ix = MCC_ARENA_PUSH(r->a, t->indexes, t->nindexes, cap);
        int64_t *o = ix ? MCC_ARENA_PUSH(r->a, ixoids, n, ocap) : NULL;
        if (!o)
            break;
        *o = mc_stmt_column_int64(st, 0);
        ix->name = name;
        ix->unique = mc_stmt_column_int64(st, 2) != 0;
    }
    if (finish(r, st, rc, what))
        return -1;
    if (!t->indexes && !(t->indexes = mcc_arena_alloc(r->a, sizeof *t->indexes)))
        return nomem(r, what);
    if (t->nindexes && load_index_columns(r, t, oid, ixoids))
        return -1;
    /* Sorted together with their oids gone: the columns are in place. */
    if (t->nindexes > 1)
        qsort(t->indexes, t->nindexes, sizeof *t->indexes, cmp_index);
    return 0;
}

/* Step 3: one table; enums and serial get its per-column facts. */
static int load_table(reader *r, mcc_table *t, int64_t oid, int64_t **enums)
{
    bool *serial = NULL;
    *enums = NULL;
    if (load_columns(r, t, oid, enums, &serial) || load_constraints(r, t, oid))
        return -1;
    if (serial)
        serial_keys(t, serial);
    return load_indexes(r, t, oid);
}

/* The labels of enum type oid, in their order, into e (with the longest
 * one's length in characters). */
static int load_labels(reader *r, int64_t oid, mcc_enum *e)
{
    static const char what[] = "pg_enum";
    mc_stmt *st = query(r,
                        "SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = ?::oid "
                        "ORDER BY e.enumsortorder",
                        oid, what);
    if (!st)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW) {
        const char **v = MCC_ARENA_PUSH(r->a, e->values, e->nvalues, cap);
        if (!v || !(*v = text(r, st, 0)))
            break;
        size_t len = mc_utf8_length(*v, NULL);
        if (len > e->maxlen)
            e->maxlen = len;
    }
    return finish(r, st, rc, what);
}

/* The name of enum type oid (its pg_type name). */
static const char *enum_name(reader *r, int64_t oid)
{
    mc_stmt *st = query(r, "SELECT t.typname FROM pg_catalog.pg_type t WHERE t.oid = ?::oid", oid, "pg_type");
    if (!st)
        return NULL;
    int rc = mc_stmt_step(st);
    const char *name = rc == MC_RC_ROW ? text(r, st, 0) : NULL;
    if (rc == MC_RC_ROW)
        rc = name ? mc_stmt_step(st) : MC_RC_ROW;
    if (finish(r, st, rc, "pg_type"))
        return NULL;
    return name ? name : "";
}

/*
 * Step 4: the enum types the columns use, in the order of their first
 * column, each with its labels; every enum column gets its enum, the
 * length of its longest label and the sql_type VARCHAR(that length), as
 * the checker gives an enum column.
 */
static int attach_enums(reader *r, int64_t **col_enum)
{
    mcc_schema *s = r->s;
    size_t n = 0;
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t j = 0; j < s->tables[i]->ncolumns; j++)
            n += col_enum[i][j] != 0;
    int64_t *oids = mcc_arena_alloc(r->a, (n + 1) * sizeof *oids);
    s->enums = mcc_arena_alloc(r->a, (n + 1) * sizeof *s->enums);
    if (!oids || !s->enums)
        return nomem(r, "pg_enum");
    for (size_t i = 0; i < s->ntables; i++) {
        for (size_t j = 0; j < s->tables[i]->ncolumns; j++) {
            int64_t oid = col_enum[i][j];
            if (!oid)
                continue;
            size_t k = 0;
            while (k < s->nenums && oids[k] != oid)
                k++;
            if (k == s->nenums) {
                mcc_enum *e = &s->enums[k];
                oids[k] = oid;
                s->nenums++;
                if (!(e->name = enum_name(r, oid)) || load_labels(r, oid, e))
                    return -1;
                if (!e->values && !(e->values = mcc_arena_alloc(r->a, sizeof *e->values)))
                    return nomem(r, "pg_enum");
            }
            mcc_column *c = &s->tables[i]->columns[j];
            c->enum_type = &s->enums[k];
            c->length = (int)s->enums[k].maxlen;
            c->sql_type = mcc_arena_printf(r->a, "VARCHAR(%zu)", s->enums[k].maxlen);
            if (!c->sql_type)
                return nomem(r, "pg_enum");
        }
    }
    return 0;
}

/* Step 5 (for inspect): what the schema cannot hold -- views, triggers,
 * exclusion constraints, generated columns (which load_columns skips,
 * as introspect.c does). */
static int list_leftovers(reader *r)
{
    static const char what[] = "pg_class";
    mc_stmt *st = query(r,
                        "SELECT 'view', c.relname, "
                        "CASE c.relkind WHEN 'm' THEN 'a materialized view' ELSE 'a view' END, "
                        "'CREATE ' || CASE c.relkind WHEN 'm' THEN 'MATERIALIZED ' ELSE '' END || 'VIEW ' || "
                        "quote_ident(c.relname) || ' AS' || pg_catalog.pg_get_viewdef(c.oid, true), c.oid::int8 "
                        "FROM pg_catalog.pg_class c "
                        "WHERE c.relnamespace = ?::oid AND c.relkind IN ('v', 'm') "
                        "UNION ALL SELECT 'trigger', t.tgname, 'a trigger', pg_catalog.pg_get_triggerdef(t.oid, true), "
                        "t.oid::int8 FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
                        "WHERE c.relnamespace = ?1::oid AND NOT t.tgisinternal "
                        "UNION ALL SELECT 'constraint', k.conname, 'an exclusion constraint', "
                        "pg_catalog.pg_get_constraintdef(k.oid, true), k.oid::int8 FROM pg_catalog.pg_constraint k "
                        "WHERE k.connamespace = ?1::oid AND k.contype = 'x' "
                        "UNION ALL SELECT 'column', c.relname || '.' || a.attname, 'a generated column', "
                        "a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || "
                        "' GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) || ') STORED', "
                        "c.oid::int8 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                        "JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                        "WHERE c.relnamespace = ?1::oid AND c.relkind IN ('r', 'p') AND a.attgenerated <> '' "
                        "AND NOT a.attisdropped ORDER BY 5, 2",
                        r->nsp, what);
    if (!st)
        return -1;
    int rc;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW)
        if (leftover(r, text(r, st, 0), text(r, st, 1), text(r, st, 2), text(r, st, 3)))
            break;
    return finish(r, st, rc, what);
}

/* Points each foreign key at the table it names, where it is one of ours. */
static void resolve_references(mcc_schema *s)
{
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t k = 0; k < s->tables[i]->nconstraints; k++) {
            mcc_constraint *c = &s->tables[i]->constraints[k];
            if (c->kind == MCC_C_FOREIGN_KEY)
                c->ref = mcc_schema_table(s, c->ref_table);
        }
}

/* See introspect_pg.h.  The steps in turn. */
int mcc_introspect_pg(mc_db *db, mcc_arena *arena, mcc_diag *diag, mcc_schema *out, mcc_pg_leftovers *left)
{
    memset(out, 0, sizeof *out);
    out->name = "database";
    out->sql_only = true;
    out->native_enums = true;
    if (left)
        memset(left, 0, sizeof *left);
    reader r = {db, arena, diag, out, left, 0, 0, NULL, NULL, NULL};
    int64_t *oids;
    if (current_schema(&r) || list_tables(&r, &oids))
        return -1;
    int64_t **col_enum = mcc_arena_alloc(arena, (out->ntables + 1) * sizeof *col_enum);
    if (!col_enum)
        return nomem(&r, "pg_class");
    for (size_t i = 0; i < out->ntables; i++)
        if (load_table(&r, out->tables[i], oids[i], &col_enum[i]))
            return -1;
    if (attach_enums(&r, col_enum) || (left && list_leftovers(&r)))
        return -1;
    resolve_references(out);
    mcc_schema_sort(out, arena);
    return 0;
}

/* ---- against a schema ---------------------------------------------------------- */

/* Moves column c's check of table t into a table CHECK constraint, or
 * the other way, so that it sits where the schema has it. */
static void align_checks(mcc_table *t, const mcc_table *w, mcc_arena *a)
{
    /* A column check of the database that the schema has as a table
     * check (both are one constraint on PostgreSQL). */
    for (size_t j = 0; j < t->ncolumns; j++) {
        mcc_column *c = &t->columns[j];
        const mcc_column *wc = mcc_table_column(w, c->name);
        if (!c->check)
            continue;
        if (wc && wc->check && mcc_pg_expr_same(a, c->check, wc->check)) {
            c->check = wc->check;
            continue;
        }
        for (size_t k = 0; k < w->nconstraints; k++) {
            const mcc_constraint *wk = &w->constraints[k];
            if (wk->kind != MCC_C_CHECK || wk->name || !mcc_pg_expr_same(a, c->check, wk->check))
                continue;
            size_t cap = t->nconstraints;
            mcc_constraint *k2 = MCC_ARENA_PUSH(a, t->constraints, t->nconstraints, cap);
            if (!k2)
                return;
            k2->kind = MCC_C_CHECK;
            k2->check = wk->check;
            c->check = NULL;
            break;
        }
    }
    /* A table check of the database that is the schema's column check, or
     * its table check in other words. */
    for (size_t k = 0; k < t->nconstraints; k++) {
        mcc_constraint *tk = &t->constraints[k];
        if (tk->kind != MCC_C_CHECK)
            continue;
        bool done = false;
        for (size_t m = 0; m < w->nconstraints && !done; m++) {
            const mcc_constraint *wk = &w->constraints[m];
            if (wk->kind == MCC_C_CHECK && mcc_pg_expr_same(a, tk->check, wk->check) &&
                (!tk->name || (wk->name && strcmp(tk->name, wk->name) == 0))) {
                tk->check = wk->check;
                done = true;
            }
        }
        for (size_t j = 0; j < w->ncolumns && !done && !tk->name; j++) {
            mcc_column *c = mcc_table_column(t, w->columns[j].name);
            if (c && !c->check && w->columns[j].check && mcc_pg_expr_same(a, tk->check, w->columns[j].check)) {
                c->check = w->columns[j].check;
                memmove(tk, tk + 1, (t->nconstraints - k - 1) * sizeof *tk);
                t->nconstraints--;
                k--;
                done = true;
            }
        }
    }
}

/* See introspect_pg.h. */
void mcc_introspect_pg_align(mcc_schema *have, const mcc_schema *want, mcc_arena *arena)
{
    for (size_t i = 0; i < have->ntables; i++) {
        mcc_table *t = have->tables[i];
        const mcc_table *w = mcc_schema_table(want, t->name);
        if (!w)
            continue;
        for (size_t j = 0; j < t->ncolumns; j++) {
            mcc_column *c = &t->columns[j];
            const mcc_column *wc = mcc_table_column(w, c->name);
            if (!wc)
                continue;
            c->autoincrement = wc->autoincrement;
            if (wc->server_default && strcasecmp(wc->server_default, "NULL") == 0 && !c->server_default)
                c->server_default = wc->server_default;
        }
        align_checks(t, w, arena);
    }
}

/* See introspect_pg.h. */
int mcc_introspect_pg_enum_types(const mcc_schema *have, const mcc_schema *want, mcc_arena *arena, mcc_diff *d)
{
    size_t cap = d->nops;
    for (size_t i = 0; i < have->ntables; i++) {
        const mcc_table *t = have->tables[i];
        const mcc_table *w = mcc_schema_table(want, t->name);
        for (size_t j = 0; w && j < t->ncolumns; j++) {
            const mcc_column *c = &t->columns[j];
            const mcc_column *wc = mcc_table_column(w, c->name);
            if (c->type != MCC_T_ENUM || !c->enum_type || !wc || wc->type != MCC_T_ENUM || !wc->enum_type)
                continue;
            char *name = mcc_arena_strdup(arena, wc->enum_type->name);
            for (char *p = name; p && *p; p++)
                *p = (char)tolower((unsigned char)*p);
            if (!name)
                return -1;
            if (strcmp(name, c->enum_type->name) == 0)
                continue;
            mcc_op *o = MCC_ARENA_PUSH(arena, d->ops, d->nops, cap);
            if (!o)
                return -1;
            o->kind = MCC_OP_ALTER_TYPE;
            o->from = t;
            o->to = w;
            o->col_from = c;
            o->col_to = wc;
            o->text = mcc_arena_printf(arena, "change type of %s.%s from enum type %s to %s (enum %s)", t->name,
                                       c->name, c->enum_type->name, name, wc->enum_type->name);
            if (!o->text)
                return -1;
        }
    }
    return 0;
}
