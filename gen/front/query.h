/*
 * query.h -- the checked model of `query` declarations (DSL.md section 5).
 *
 * Built by query_check.c once the tables are known: every query has been
 * prepared against the schema's tables in an in-memory SQLite, its
 * parameters matched with the statement's `:name`s and its result columns
 * with RESULT.  The C emitter (c_queries.c) reads only this.  Every node
 * lives in the schema's arena.
 */
#ifndef MCC_QUERY_H
#define MCC_QUERY_H

#include "schema.h"

typedef enum mcc_qkind {
    MCC_Q_EXEC,          /* no RESULT: the rows changed */
    MCC_Q_MODEL_LIST,    /* Model[] */
    MCC_Q_MODEL_ONE,     /* Model? */
    MCC_Q_ROW_LIST,      /* (name Type, ...)[] */
    MCC_Q_ROW_ONE,       /* (name Type, ...)? */
    MCC_Q_SCALAR         /* Type or Type?: the first column of the first row */
} mcc_qkind;

/* A parameter: col.field is its C name, col.name the SQL `:name` (without
 * the colon); col.type/enum_type/nullable as declared. */
typedef struct mcc_qparam {
    mcc_column col;
    int index;          /* sqlite3 bind index, from 1 */
} mcc_qparam;

typedef struct mcc_query {
    const char *name;           /* as declared; the C functions add the prefix */
    mcc_span at;
    mcc_qkind kind;
    size_t nparams;
    mcc_qparam *params;          /* declaration order */
    const mcc_table *model;      /* MCC_Q_MODEL_* */
    size_t ncols;
    mcc_column *cols;            /* MCC_Q_ROW_*: the row's members; MCC_Q_SCALAR: one */
    const char *sql;            /* the one statement, trimmed, as written */
} mcc_query;

/* mcc_check_queries' flags. */
enum {
    /* s has errors of its own: check what needs no tables (each query's
     * name, its parameters' types, the form of its RESULT), so that those
     * errors come in the same run as the schema's; fills no s->queries. */
    MCC_QUERIES_HEADERS_ONLY = 1
};

/* Checks every query declaration of ast against the tables of s (which
 * must be free of errors, unless MCC_QUERIES_HEADERS_ONLY) and fills
 * s->queries.  Each error goes to diag at its place in the source;
 * returns the number of errors. */
int mcc_check_queries(const struct mcc_ast *ast, mcc_arena *arena, mcc_diag *diag, mcc_schema *s, unsigned flags);

#endif
