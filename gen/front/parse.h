/*
 * parse.h -- turning a .model file into an AST.
 */
#ifndef MCC_PARSE_H
#define MCC_PARSE_H

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* The comments of a file, in source order (for `modelc fmt`, which keeps
 * them); the spans cover the comment markers.  items is malloc'd: the
 * caller frees it with mcc_comments_free. */
typedef struct mcc_comments {
    mcc_span *items;
    size_t n, cap;
    bool failed;            /* out of memory: some are missing */
} mcc_comments;

/* State shared by the scanner and the parser for one file; no globals. */
typedef struct mcc_parse_ctx {
    mcc_arena *arena;
    mcc_diag *diag;
    const mcc_source *src;
    mcc_ast *ast;
    mcc_decl **decl_tail;
    mcc_decl *last_decl;     /* the declaration just added: gets its span */
    mcc_comments *comments;  /* NULL: comments are skipped */
    /* scanner state */
    uint32_t offset;        /* byte offset of the next token */
    int paren_depth;        /* newlines inside ( ) are not separators */
    int brace_depth;        /* 'query' is a keyword at the top level only */
    bool query_header;      /* after 'query', before its '{': newlines are spaces */
    int sql_depth;          /* inside a query body: open braces */
    uint32_t body_open;     /* offset of the body's '{' */
} mcc_parse_ctx;

/* Parses src into *ast (nodes in arena).  Errors go to diag; returns the
 * number of errors found (0 on success). */
int mcc_parse(const mcc_source *src, mcc_arena *arena, mcc_diag *diag, mcc_ast *ast);

/* mcc_parse, also collecting every comment's span into *comments. */
int mcc_parse_with_comments(const mcc_source *src, mcc_arena *arena, mcc_diag *diag, mcc_ast *ast,
                           mcc_comments *comments);
void mcc_comments_free(mcc_comments *c);

/* The scanner's hook: records one comment when the caller asked for them. */
void mcc_parse_note_comment(mcc_parse_ctx *ctx, mcc_span at);

#endif
