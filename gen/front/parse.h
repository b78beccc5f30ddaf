/*
 * parse.h -- turning a .model file into an AST.
 */
#ifndef MC_PARSE_H
#define MC_PARSE_H

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* The comments of a file, in source order (for `modelc fmt`, which keeps
 * them); the spans cover the comment markers.  items is malloc'd: the
 * caller frees it with mc_comments_free. */
typedef struct mc_comments {
    mc_span *items;
    size_t n, cap;
    bool failed;            /* out of memory: some are missing */
} mc_comments;

/* State shared by the scanner and the parser for one file; no globals. */
typedef struct mc_parse_ctx {
    mc_arena *arena;
    mc_diag *diag;
    const mc_source *src;
    mc_ast *ast;
    mc_decl **decl_tail;
    mc_decl *last_decl;     /* the declaration just added: gets its span */
    mc_comments *comments;  /* NULL: comments are skipped */
    /* scanner state */
    uint32_t offset;        /* byte offset of the next token */
    int paren_depth;        /* newlines inside ( ) are not separators */
    int brace_depth;        /* 'query' is a keyword at the top level only */
    bool query_header;      /* after 'query', before its '{': newlines are spaces */
    int sql_depth;          /* inside a query body: open braces */
    uint32_t body_open;     /* offset of the body's '{' */
} mc_parse_ctx;

/* Parses src into *ast (nodes in arena).  Errors go to diag; returns the
 * number of errors found (0 on success). */
int mc_parse(const mc_source *src, mc_arena *arena, mc_diag *diag, mc_ast *ast);

/* mc_parse, also collecting every comment's span into *comments. */
int mc_parse_with_comments(const mc_source *src, mc_arena *arena, mc_diag *diag, mc_ast *ast,
                           mc_comments *comments);
void mc_comments_free(mc_comments *c);

/* The scanner's hook: records one comment when the caller asked for them. */
void mc_parse_note_comment(mc_parse_ctx *ctx, mc_span at);

#endif
