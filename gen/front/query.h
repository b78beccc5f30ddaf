/*
 * query.h -- the checked model of `query` declarations (DSL.md section 5).
 *
 * Built by query_check.c once the tables are known: every query has been
 * prepared against the schema's tables in an in-memory SQLite, its
 * parameters matched with the statement's `:name`s and its result columns
 * with RESULT.  The C emitter (c_queries.c) reads only this.  Every node
 * lives in the schema's arena.
 */
#ifndef MC_QUERY_H
#define MC_QUERY_H

#include "schema.h"

typedef enum mc_qkind {
    MC_Q_EXEC,          /* no RESULT: the rows changed */
    MC_Q_MODEL_LIST,    /* Model[] */
    MC_Q_MODEL_ONE,     /* Model? */
    MC_Q_ROW_LIST,      /* (name Type, ...)[] */
    MC_Q_ROW_ONE,       /* (name Type, ...)? */
    MC_Q_SCALAR         /* Type or Type?: the first column of the first row */
} mc_qkind;

/* A parameter: col.field is its C name, col.name the SQL `:name` (without
 * the colon); col.type/enum_type/nullable as declared. */
typedef struct mc_qparam {
    mc_column col;
    int index;          /* sqlite3 bind index, from 1 */
} mc_qparam;

typedef struct mc_query {
    const char *name;           /* as declared; the C functions add the prefix */
    mc_span at;
    mc_qkind kind;
    size_t nparams;
    mc_qparam *params;          /* declaration order */
    const mc_table *model;      /* MC_Q_MODEL_* */
    size_t ncols;
    mc_column *cols;            /* MC_Q_ROW_*: the row's members; MC_Q_SCALAR: one */
    const char *sql;            /* the one statement, trimmed, as written */
} mc_query;

/* Checks every query declaration of ast against the tables of s (which
 * must be free of errors) and fills s->queries.  Each error goes to diag
 * at its place in the source; returns the number of errors. */
int mc_check_queries(const struct mc_ast *ast, mc_arena *arena, mc_diag *diag, mc_schema *s);

#endif
