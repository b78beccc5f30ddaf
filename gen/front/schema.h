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
 * Every node is allocated in one mcc_arena and freed with it.
 */
#ifndef MCC_SCHEMA_H
#define MCC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

struct mcc_ast;          /* ast.h: only mcc_sema reads the syntax tree */

typedef enum mcc_type_id {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) MCC_T_##ID,
#include "types.def"
#undef X
    MCC_T_ENUM,      /* a declared enum: VARCHAR(longest value), C enum */
    MCC_T_UNKNOWN,   /* introspected type text with no DSL equivalent */
    MCC_T__COUNT
} mcc_type_id;

/* The families of types.def's fam column: a type converts without loss
 * only within its family (diff.c decides which members narrow). */
typedef enum mcc_type_family {
    MCC_FAM_INT, MCC_FAM_REAL, MCC_FAM_NUM, MCC_FAM_BOOL, MCC_FAM_STR, MCC_FAM_TIME, MCC_FAM_BLOB, MCC_FAM_OTHER
} mcc_type_family;

typedef struct mcc_type_info {
    const char *dsl, *sql, *pg;  /* pg: the type on PostgreSQL */
    int params;                 /* 0 none, 1 optional length, 2 precision+scale */
    const char *ctype;          /* the C type of a struct member */
    mcc_type_family fam;
    int pgbits;                 /* an integer's width on PostgreSQL, else 0 */
} mcc_type_info;

/* The columns of types.def every consumer shares, indexed by mcc_type_id;
 * the others (C calls, planner families) are read by their one consumer
 * straight from types.def. */
extern const mcc_type_info mcc_types[MCC_T__COUNT];

typedef enum mcc_fk_action {
    MCC_FK_NONE = 0,             /* not given: no clause in the DDL */
    MCC_FK_CASCADE,
    MCC_FK_SET_NULL,
    MCC_FK_SET_DEFAULT,
    MCC_FK_RESTRICT,
    MCC_FK_NO_ACTION
} mcc_fk_action;

/* "CASCADE", "SET NULL", ...; NULL for MCC_FK_NONE. */
const char *mcc_fk_action_sql(mcc_fk_action a);

typedef enum mcc_lit_kind {
    MCC_L_NONE = 0, MCC_L_INT, MCC_L_DEC, MCC_L_STR, MCC_L_TRUE, MCC_L_FALSE,
    MCC_L_NULL, MCC_L_ENUM, MCC_L_NOW
} mcc_lit_kind;

typedef struct mcc_literal {
    mcc_lit_kind kind;
    const char *text;           /* number text, decoded string, enum value */
} mcc_literal;

typedef struct mcc_enum {
    const char *name;
    size_t nvalues;
    const char **values;
    size_t maxlen;              /* longest value, in characters */
    mcc_span at;
    const char *c_type;         /* its C type (c_names.c), or NULL: the name */
} mcc_enum;

struct mcc_table;
struct mcc_constraint;

typedef struct mcc_column {
    const char *field;          /* name in the schema and in C */
    const char *name;           /* name in SQL */
    mcc_type_id type;
    const mcc_enum *enum_type;   /* MCC_T_ENUM only */
    int length;                 /* String(n): n; 0 when unbounded; an enum: its longest value */
    int precision, scale;       /* Numeric(p, s) */
    const char *sql_type;       /* as emitted: "VARCHAR(64)", "NUMERIC(8, 2)" */
    bool primary_key;           /* member of the table's primary key */
    bool autoincrement;
    bool nullable;
    bool index, unique;         /* the column attributes as written */
    mcc_literal def;             /* default(v) for generated code */
    const char *server_default; /* DDL text after DEFAULT, or NULL */
    mcc_literal server_def;      /* the same as a literal (X_INIT starts with it) */
    const char *check;          /* column CHECK expression, or NULL */
    mcc_span check_at;           /* its string literal in the schema (0, 0: introspected) */
    const char *renamed_from;   /* migration hint, or NULL */
    mcc_span renamed_from_at;    /* its old name in the schema (0, 0: none) */
    struct mcc_constraint *fk;   /* the FOREIGN KEY declared on this column */
    mcc_span at;
} mcc_column;

typedef enum mcc_constraint_kind {
    MCC_C_UNIQUE, MCC_C_CHECK, MCC_C_FOREIGN_KEY
} mcc_constraint_kind;

/* A table constraint other than the primary key, in DDL order. */
typedef struct mcc_constraint {
    mcc_constraint_kind kind;
    const char *name;           /* CONSTRAINT name, or NULL */
    size_t ncols;
    size_t *cols;               /* UNIQUE / FOREIGN KEY: column indexes */
    const char *check;          /* CHECK expression */
    mcc_span check_at;           /* its string literal in the schema (0, 0: introspected) */
    const char *ref_table;      /* FOREIGN KEY: referenced table (SQL name) */
    size_t nref;
    const char **ref_cols;      /* FOREIGN KEY: referenced columns (SQL names) */
    mcc_fk_action on_delete, on_update;
    struct mcc_table *ref;       /* FOREIGN KEY: resolved model; NULL when introspected */
    mcc_span at;
} mcc_constraint;

typedef struct mcc_index {
    const char *name;
    bool unique;
    size_t ncols;
    size_t *cols;               /* column indexes */
    mcc_span at;
} mcc_index;

typedef enum mcc_rel_kind {
    MCC_REL_ONE_TO_MANY,         /* the target holds a FK to the owner; a list */
    MCC_REL_ONE_TO_ONE,          /* same, uselist: false; at most one row */
    MCC_REL_MANY_TO_ONE,         /* the owner holds a FK to the target; a scalar */
    MCC_REL_MANY_TO_MANY         /* through a secondary (association) table */
} mcc_rel_kind;

typedef enum mcc_lazy { MCC_LAZY_SELECT, MCC_LAZY_DYNAMIC, MCC_LAZY_JOINED } mcc_lazy;

typedef struct mcc_relationship {
    const char *name;
    mcc_rel_kind kind;
    struct mcc_table *owner, *target;
    /* ONE_TO_MANY/ONE_TO_ONE: FK on target -> owner.  MANY_TO_ONE: FK on
     * owner -> target.  MANY_TO_MANY: FK on secondary -> owner, and fk2 on
     * secondary -> target. */
    struct mcc_constraint *fk, *fk2;
    struct mcc_table *secondary;
    mcc_lazy lazy;
    const mcc_column *order_by;  /* on the target, or NULL */
    bool order_desc;
    bool cascade_delete;
    bool is_backref;            /* made by the other side's `backref:` */
    struct mcc_relationship *other;  /* the backref pair, or NULL */
    mcc_span at;
} mcc_relationship;

typedef struct mcc_table {
    const char *model;          /* model name: the C type's base */
    const char *name;           /* SQL table name */
    const char *renamed_from;   /* old model name, or NULL */
    const char *renamed_from_table; /* its table name */
    mcc_span renamed_from_at;    /* the old name in the schema (0, 0: none) */
    size_t ncolumns;
    mcc_column *columns;
    size_t npk;
    size_t *pk;                 /* column indexes, in key order */
    const char *pk_name;        /* the primary key's name in a database it was
                                 * read from (introspect_pg.c), else NULL */
    size_t nconstraints;
    mcc_constraint *constraints;
    size_t nindexes;
    mcc_index *indexes;          /* sorted by name */
    size_t nrels;
    mcc_relationship **rels;     /* declared ones and backrefs onto this model */
    mcc_span at;
    const char *c_type;         /* its C type (c_names.c), or NULL: the model name */
} mcc_table;

typedef struct mcc_schema {
    const char *name;           /* base name of the file: "blog" */
    const char *path;
    size_t ntables;
    mcc_table **tables;          /* declaration order */
    mcc_table **create_order;    /* FK dependency order, ties by name (as SQLAlchemy) */
    size_t nenums;
    mcc_enum *enums;
    bool sql_only;              /* introspected with no migration snapshot: model and field
                                 * names are the SQL names, enum columns plain VARCHAR */
    bool native_enums;          /* introspected from a database with enum types (PostgreSQL):
                                 * its enum columns have their enums even when sql_only */
    size_t nqueries;
    struct mcc_query *queries;   /* `query` declarations, checked: query.h */
} mcc_schema;

/* Checks the AST and builds the schema model in `arena`.  Every semantic
 * error goes to diag; returns the number of errors (0: *out is complete). */
int mcc_sema(const struct mcc_ast *ast, const mcc_source *src, mcc_arena *arena, mcc_diag *diag,
            mcc_schema *out);

/* Reads, parses and checks a .model file.  Errors (including "cannot
 * read") go to diag.  On success returns 0 and fills *out; the source text
 * is kept in the arena so that later messages can quote it. */
int mcc_load_schema(const char *path, mcc_arena *arena, mcc_diag *diag, mcc_source *src,
                   mcc_schema *out);

/* Lookups by name; NULL when absent. */
mcc_table *mcc_schema_table(const mcc_schema *s, const char *sql_name);
mcc_table *mcc_schema_model(const mcc_schema *s, const char *model);
mcc_column *mcc_table_column(const mcc_table *t, const char *sql_name);
mcc_column *mcc_table_field(const mcc_table *t, const char *field);
/* Index of a column in t->columns, or (size_t)-1. */
size_t mcc_table_column_index(const mcc_table *t, const char *sql_name);
/* The built-in type a schema names `dsl` ("Integer", "String"), or
 * MCC_T_UNKNOWN (an enum's name, a typo). */
mcc_type_id mcc_type_named(const char *dsl);
/* "did you mean 'String'?" for a word meant as a column type (built-in
 * or one of s's enums), in arena memory; NULL when none is close. */
const char *mcc_type_hint(mcc_arena *a, const mcc_schema *s, const char *word);
/* A column's type as a schema names it: "Integer", "String", the enum's
 * name ("Format"); no arguments. */
const char *mcc_column_type_name(const mcc_column *c);

/* Computes s->create_order from the foreign keys (SQLAlchemy's
 * sorted_tables: level by level, each level by name, self-references
 * ignored; a cycle keeps the remaining tables in name order). */
void mcc_schema_sort(mcc_schema *s, mcc_arena *arena);

#endif
