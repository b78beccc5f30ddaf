/*
 * parse.h -- turning a .model file into an AST.
 */
#ifndef MC_PARSE_H
#define MC_PARSE_H

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* State shared by the scanner and the parser for one file; no globals. */
typedef struct mc_parse_ctx {
    mc_arena *arena;
    mc_diag *diag;
    const mc_source *src;
    mc_ast *ast;
    mc_decl **decl_tail;
    /* scanner state */
    uint32_t offset;        /* byte offset of the next token */
    int paren_depth;        /* newlines inside ( ) are not separators */
} mc_parse_ctx;

/* Parses src into *ast (nodes in arena).  Errors go to diag; returns the
 * number of errors found (0 on success). */
int mc_parse(const mc_source *src, mc_arena *arena, mc_diag *diag, mc_ast *ast);

#endif
