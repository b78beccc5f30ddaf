/*
 * schema.h -- the checked schema model.
 *
 * Built from the AST by sema.c (with DSL.md's naming rules applied), and
 * also, for migrations, by introspecting a SQLite database (introspect.c):
 * the SQL-level fields (names, sql_type, nullability, defaults, keys,
 * constraints, indexes) are filled in both cases; the model-level fields
 * (field names, C types, relationships, defaults for generated code) only
 * when the schema comes from a .model file.
 *
 * Every node is allocated in one mc_arena and freed with it.
 */
#ifndef MC_SCHEMA_H
#define MC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

struct mc_ast;          /* ast.h: only mc_sema reads the syntax tree */

typedef enum mc_type_id {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero) MC_T_##ID,
#include "types.def"
#undef X
    MC_T_ENUM,      /* a declared enum: VARCHAR(longest value), C enum */
    MC_T_UNKNOWN,   /* introspected type text with no DSL equivalent */
    MC_T__COUNT
} mc_type_id;

/* The families of types.def's fam column: a type converts without loss
 * only within its family (diff.c decides which members narrow). */
typedef enum mc_type_family {
    MC_FAM_INT, MC_FAM_REAL, MC_FAM_NUM, MC_FAM_BOOL, MC_FAM_STR, MC_FAM_TIME, MC_FAM_BLOB, MC_FAM_OTHER
} mc_type_family;

typedef struct mc_type_info {
    const char *dsl, *sql, *pg;  /* pg: the type on PostgreSQL */
    int params;                 /* 0 none, 1 optional length, 2 precision+scale */
    const char *ctype;          /* the C type of a struct member */
    mc_type_family fam;
    int pgbits;                 /* an integer's width on PostgreSQL, else 0 */
} mc_type_info;

/* The columns of types.def every consumer shares, indexed by mc_type_id;
 * the others (C calls, planner families) are read by their one consumer
 * straight from types.def. */
extern const mc_type_info mc_types[MC_T__COUNT];

typedef enum mc_fk_action {
    MC_FK_NONE = 0,             /* not given: no clause in the DDL */
    MC_FK_CASCADE,
    MC_FK_SET_NULL,
    MC_FK_SET_DEFAULT,
    MC_FK_RESTRICT,
    MC_FK_NO_ACTION
} mc_fk_action;

/* "CASCADE", "SET NULL", ...; NULL for MC_FK_NONE. */
const char *mc_fk_action_sql(mc_fk_action a);

typedef enum mc_lit_kind {
    MC_L_NONE = 0, MC_L_INT, MC_L_DEC, MC_L_STR, MC_L_TRUE, MC_L_FALSE,
    MC_L_NULL, MC_L_ENUM, MC_L_NOW
} mc_lit_kind;

typedef struct mc_literal {
    mc_lit_kind kind;
    const char *text;           /* number text, decoded string, enum value */
} mc_literal;

typedef struct mc_enum {
    const char *name;
    size_t nvalues;
    const char **values;
    size_t maxlen;              /* longest value, in characters */
    mc_span at;
    const char *c_type;         /* its C type (c_names.c), or NULL: the name */
} mc_enum;

struct mc_table;
struct mc_constraint;

typedef struct mc_column {
    const char *field;          /* name in the schema and in C */
    const char *name;           /* name in SQL */
    mc_type_id type;
    const mc_enum *enum_type;   /* MC_T_ENUM only */
    int length;                 /* String(n): n; 0 when unbounded; an enum: its longest value */
    int precision, scale;       /* Numeric(p, s) */
    const char *sql_type;       /* as emitted: "VARCHAR(64)", "NUMERIC(8, 2)" */
    bool primary_key;           /* member of the table's primary key */
    bool autoincrement;
    bool nullable;
    bool index, unique;         /* the column attributes as written */
    mc_literal def;             /* default(v) for generated code */
    const char *server_default; /* DDL text after DEFAULT, or NULL */
    mc_literal server_def;      /* the same as a literal (X_INIT starts with it) */
    const char *check;          /* column CHECK expression, or NULL */
    mc_span check_at;           /* its string literal in the schema (0, 0: introspected) */
    const char *renamed_from;   /* migration hint, or NULL */
    struct mc_constraint *fk;   /* the FOREIGN KEY declared on this column */
    mc_span at;
} mc_column;

typedef enum mc_constraint_kind {
    MC_C_UNIQUE, MC_C_CHECK, MC_C_FOREIGN_KEY
} mc_constraint_kind;

/* A table constraint other than the primary key, in DDL order. */
typedef struct mc_constraint {
    mc_constraint_kind kind;
    const char *name;           /* CONSTRAINT name, or NULL */
    size_t ncols;
    size_t *cols;               /* UNIQUE / FOREIGN KEY: column indexes */
    const char *check;          /* CHECK expression */
    mc_span check_at;           /* its string literal in the schema (0, 0: introspected) */
    const char *ref_table;      /* FOREIGN KEY: referenced table (SQL name) */
    size_t nref;
    const char **ref_cols;      /* FOREIGN KEY: referenced columns (SQL names) */
    mc_fk_action on_delete, on_update;
    struct mc_table *ref;       /* FOREIGN KEY: resolved model; NULL when introspected */
    mc_span at;
} mc_constraint;

typedef struct mc_index {
    const char *name;
    bool unique;
    size_t ncols;
    size_t *cols;               /* column indexes */
    mc_span at;
} mc_index;

typedef enum mc_rel_kind {
    MC_REL_ONE_TO_MANY,         /* the target holds a FK to the owner; a list */
    MC_REL_ONE_TO_ONE,          /* same, uselist: false; at most one row */
    MC_REL_MANY_TO_ONE,         /* the owner holds a FK to the target; a scalar */
    MC_REL_MANY_TO_MANY         /* through a secondary (association) table */
} mc_rel_kind;

typedef enum mc_lazy { MC_LAZY_SELECT, MC_LAZY_DYNAMIC, MC_LAZY_JOINED } mc_lazy;

typedef struct mc_relationship {
    const char *name;
    mc_rel_kind kind;
    struct mc_table *owner, *target;
    /* ONE_TO_MANY/ONE_TO_ONE: FK on target -> owner.  MANY_TO_ONE: FK on
     * owner -> target.  MANY_TO_MANY: FK on secondary -> owner, and fk2 on
     * secondary -> target. */
    struct mc_constraint *fk, *fk2;
    struct mc_table *secondary;
    mc_lazy lazy;
    const mc_column *order_by;  /* on the target, or NULL */
    bool order_desc;
    bool cascade_delete;
    bool is_backref;            /* made by the other side's `backref:` */
    struct mc_relationship *other;  /* the backref pair, or NULL */
    mc_span at;
} mc_relationship;

typedef struct mc_table {
    const char *model;          /* model name: the C type's base */
    const char *name;           /* SQL table name */
    const char *renamed_from;   /* old model name, or NULL */
    const char *renamed_from_table; /* its table name */
    size_t ncolumns;
    mc_column *columns;
    size_t npk;
    size_t *pk;                 /* column indexes, in key order */
    size_t nconstraints;
    mc_constraint *constraints;
    size_t nindexes;
    mc_index *indexes;          /* sorted by name */
    size_t nrels;
    mc_relationship **rels;     /* declared ones and backrefs onto this model */
    mc_span at;
    const char *c_type;         /* its C type (c_names.c), or NULL: the model name */
} mc_table;

typedef struct mc_schema {
    const char *name;           /* base name of the file: "blog" */
    const char *path;
    size_t ntables;
    mc_table **tables;          /* declaration order */
    mc_table **create_order;    /* FK dependency order, ties by name (as SQLAlchemy) */
    size_t nenums;
    mc_enum *enums;
    bool sql_only;              /* introspected with no migration snapshot: model and field
                                 * names are the SQL names, enum columns plain VARCHAR */
    size_t nqueries;
    struct mc_query *queries;   /* `query` declarations, checked: query.h */
} mc_schema;

/* Checks the AST and builds the schema model in `arena`.  Every semantic
 * error goes to diag; returns the number of errors (0: *out is complete). */
int mc_sema(const struct mc_ast *ast, const mc_source *src, mc_arena *arena, mc_diag *diag,
            mc_schema *out);

/* Reads, parses and checks a .model file.  Errors (including "cannot
 * read") go to diag.  On success returns 0 and fills *out; the source text
 * is kept in the arena so that later messages can quote it. */
int mc_load_schema(const char *path, mc_arena *arena, mc_diag *diag, mc_source *src,
                   mc_schema *out);

/* Lookups by name; NULL when absent. */
mc_table *mc_schema_table(const mc_schema *s, const char *sql_name);
mc_table *mc_schema_model(const mc_schema *s, const char *model);
mc_column *mc_table_column(const mc_table *t, const char *sql_name);
mc_column *mc_table_field(const mc_table *t, const char *field);
/* Index of a column in t->columns, or (size_t)-1. */
size_t mc_table_column_index(const mc_table *t, const char *sql_name);
/* The built-in type a schema names `dsl` ("Integer", "String"), or
 * MC_T_UNKNOWN (an enum's name, a typo). */
mc_type_id mc_type_named(const char *dsl);
/* "did you mean 'String'?" for a word meant as a column type (built-in
 * or one of s's enums), in arena memory; NULL when none is close. */
const char *mc_type_hint(mc_arena *a, const mc_schema *s, const char *word);
/* A column's type as a schema names it: "Integer", "String", the enum's
 * name ("Format"); no arguments. */
const char *mc_column_type_name(const mc_column *c);

/* Computes s->create_order from the foreign keys (SQLAlchemy's
 * sorted_tables: level by level, each level by name, self-references
 * ignored; a cycle keeps the remaining tables in name order). */
void mc_schema_sort(mc_schema *s, mc_arena *arena);

#endif
