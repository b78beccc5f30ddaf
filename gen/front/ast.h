/*
 * ast.h -- the syntax tree of one .model file, as the parser builds it.
 *
 * The grammar is deliberately generic: a field is `name type attr...`,
 * where the type and each attribute are a "call" (`unique`,
 * `String(64)`, `foreign_key(User.id, on_delete: cascade)`); a model-level
 * member is a call too (`index(a, b)`).  What the names mean is decided in
 * sema.c, which can then say "unknown attribute 'uniqe', did you mean
 * 'unique'?" instead of a bare syntax error.  All nodes live in the arena.
 */
#ifndef MCC_AST_H
#define MCC_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"   /* mcc_span */

typedef enum mcc_value_kind {
    MCC_V_INT,    /* -12            text = "-12"            */
    MCC_V_DEC,    /* 3.25           text = "3.25"           */
    MCC_V_STR,    /* "a\"b"         text = decoded `a"b`    */
    MCC_V_IDENT,  /* cascade, true  text = "cascade"        */
    MCC_V_PATH    /* User.id        text = "User", member = "id" */
} mcc_value_kind;

typedef struct mcc_value {
    mcc_value_kind kind;
    const char *text;
    const char *member;     /* MCC_V_PATH only */
    const char *modifier;   /* a trailing word: `published desc` */
    mcc_span at, member_at, modifier_at;
} mcc_value;

/* One argument of a call: positional (key == NULL) or `key: value`. */
typedef struct mcc_arg {
    const char *key;
    mcc_span key_at;
    mcc_value val;
    struct mcc_arg *next;
} mcc_arg;

/* `name` or `name(args)`. */
typedef struct mcc_call {
    const char *name;
    mcc_span at;             /* the name */
    bool has_parens;
    mcc_span paren_at;       /* from '(' to ')' */
    mcc_arg *args;
    int nargs;
    struct mcc_call *next;
} mcc_call;

typedef enum mcc_member_kind {
    MCC_M_FIELD,             /* name type attr... */
    MCC_M_DIRECTIVE          /* index(...), unique(...), check(...), ... */
} mcc_member_kind;

typedef struct mcc_member {
    mcc_member_kind kind;
    const char *name;       /* field name or directive name */
    mcc_span at;
    mcc_span span;           /* the whole member, first token to last */
    mcc_call *type;          /* field: its type (or relationship(...)) */
    mcc_call *attrs;         /* field: attributes in source order */
    mcc_call *directive;     /* directive: the call itself */
    struct mcc_member *next;
} mcc_member;

typedef struct mcc_enum_value {
    const char *name;
    mcc_span at;
    struct mcc_enum_value *next;
} mcc_enum_value;

/* A parameter of a query, or a column of its own result row:
 * `name Type` or `name Type?`. */
typedef struct mcc_qfield {
    const char *name;
    mcc_span at;
    mcc_call *type;
    bool nullable;          /* written `Type?` */
    struct mcc_qfield *next;
} mcc_qfield;

/* What `-> RESULT` of a query says, as written; sema decides whether the
 * name is a model or a column type. */
typedef enum mcc_qresult_form {
    MCC_QF_NONE,             /* no RESULT */
    MCC_QF_NAMED,            /* -> Name, -> Name[], -> Name? (model or type) */
    MCC_QF_ROW               /* -> (name Type, ...)[] or ? */
} mcc_qresult_form;

typedef enum mcc_qshape {
    MCC_QS_ONE,              /* no suffix */
    MCC_QS_LIST,             /* [] */
    MCC_QS_OPT               /* ? */
} mcc_qshape;

typedef enum mcc_decl_kind { MCC_D_MODEL, MCC_D_ENUM, MCC_D_QUERY } mcc_decl_kind;

typedef struct mcc_decl {
    mcc_decl_kind kind;
    const char *name;
    mcc_span at;
    mcc_span span;           /* the whole declaration, keyword to closing '}' */
    const char *table;      /* model: `table "name"`, or NULL */
    mcc_span table_at;
    mcc_member *members;     /* model */
    mcc_enum_value *values;  /* enum */
    /* query NAME(params) [-> RESULT] { SQL } */
    mcc_qfield *params;
    mcc_qresult_form result_form;
    mcc_call *result_type;   /* MCC_QF_NAMED */
    mcc_qfield *result_cols; /* MCC_QF_ROW */
    mcc_qshape result_shape;
    mcc_span result_at;      /* the whole RESULT, after "->" */
    const char *sql;        /* the body between the braces, as written */
    mcc_span sql_at;         /* its bytes in the source */
    struct mcc_decl *next;
} mcc_decl;

typedef struct mcc_ast {
    mcc_decl *decls;
} mcc_ast;

#endif
