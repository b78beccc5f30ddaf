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
#ifndef MC_AST_H
#define MC_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"   /* mc_span */

typedef enum mc_value_kind {
    MC_V_INT,    /* -12            text = "-12"            */
    MC_V_DEC,    /* 3.25           text = "3.25"           */
    MC_V_STR,    /* "a\"b"         text = decoded `a"b`    */
    MC_V_IDENT,  /* cascade, true  text = "cascade"        */
    MC_V_PATH    /* User.id        text = "User", member = "id" */
} mc_value_kind;

typedef struct mc_value {
    mc_value_kind kind;
    const char *text;
    const char *member;     /* MC_V_PATH only */
    const char *modifier;   /* a trailing word: `published desc` */
    mc_span at, member_at, modifier_at;
} mc_value;

/* One argument of a call: positional (key == NULL) or `key: value`. */
typedef struct mc_arg {
    const char *key;
    mc_span key_at;
    mc_value val;
    struct mc_arg *next;
} mc_arg;

/* `name` or `name(args)`. */
typedef struct mc_call {
    const char *name;
    mc_span at;             /* the name */
    bool has_parens;
    mc_span paren_at;       /* from '(' to ')' */
    mc_arg *args;
    int nargs;
    struct mc_call *next;
} mc_call;

typedef enum mc_member_kind {
    MC_M_FIELD,             /* name type attr... */
    MC_M_DIRECTIVE          /* index(...), unique(...), check(...), ... */
} mc_member_kind;

typedef struct mc_member {
    mc_member_kind kind;
    const char *name;       /* field name or directive name */
    mc_span at;
    mc_span span;           /* the whole member, first token to last */
    mc_call *type;          /* field: its type (or relationship(...)) */
    mc_call *attrs;         /* field: attributes in source order */
    mc_call *directive;     /* directive: the call itself */
    struct mc_member *next;
} mc_member;

typedef struct mc_enum_value {
    const char *name;
    mc_span at;
    struct mc_enum_value *next;
} mc_enum_value;

/* A parameter of a query, or a column of its own result row:
 * `name Type` or `name Type?`. */
typedef struct mc_qfield {
    const char *name;
    mc_span at;
    mc_call *type;
    bool nullable;          /* written `Type?` */
    struct mc_qfield *next;
} mc_qfield;

/* What `-> RESULT` of a query says, as written; sema decides whether the
 * name is a model or a column type. */
typedef enum mc_qresult_form {
    MC_QF_NONE,             /* no RESULT */
    MC_QF_NAMED,            /* -> Name, -> Name[], -> Name? (model or type) */
    MC_QF_ROW               /* -> (name Type, ...)[] or ? */
} mc_qresult_form;

typedef enum mc_qshape {
    MC_QS_ONE,              /* no suffix */
    MC_QS_LIST,             /* [] */
    MC_QS_OPT               /* ? */
} mc_qshape;

typedef enum mc_decl_kind { MC_D_MODEL, MC_D_ENUM, MC_D_QUERY } mc_decl_kind;

typedef struct mc_decl {
    mc_decl_kind kind;
    const char *name;
    mc_span at;
    mc_span span;           /* the whole declaration, keyword to closing '}' */
    const char *table;      /* model: `table "name"`, or NULL */
    mc_span table_at;
    mc_member *members;     /* model */
    mc_enum_value *values;  /* enum */
    /* query NAME(params) [-> RESULT] { SQL } */
    mc_qfield *params;
    mc_qresult_form result_form;
    mc_call *result_type;   /* MC_QF_NAMED */
    mc_qfield *result_cols; /* MC_QF_ROW */
    mc_qshape result_shape;
    mc_span result_at;      /* the whole RESULT, after "->" */
    const char *sql;        /* the body between the braces, as written */
    mc_span sql_at;         /* its bytes in the source */
    struct mc_decl *next;
} mc_decl;

typedef struct mc_ast {
    mc_decl *decls;
} mc_ast;

#endif
