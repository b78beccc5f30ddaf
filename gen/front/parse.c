/* parse.c -- runs the reentrant scanner and parser over one source. */
#include "parse.h"
#include "parser.h"
#include "lexer.h"

#include <stdlib.h>

void mc_parse_note_comment(mc_parse_ctx *ctx, mc_span at)
{
    mc_comments *c = ctx->comments;
    if (!c || c->failed)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        mc_span *items = realloc(c->items, cap * sizeof *items);
        if (!items) {
            c->failed = true;
            return;
        }
        c->items = items;
        c->cap = cap;
    }
    c->items[c->n++] = at;
}

void mc_comments_free(mc_comments *c)
{
    free(c->items);
    c->items = NULL;
    c->n = c->cap = 0;
}

int mc_parse(const mc_source *src, mc_arena *arena, mc_diag *diag, mc_ast *ast)
{
    return mc_parse_with_comments(src, arena, diag, ast, NULL);
}

/* Runs scanner and parser over src; comments (may be NULL) collects the
 * comments' spans for a caller that keeps them. */
int mc_parse_with_comments(const mc_source *src, mc_arena *arena, mc_diag *diag, mc_ast *ast,
                           mc_comments *comments)
{
    int before = diag->n_errors;
    mc_parse_ctx ctx = {0};
    ctx.comments = comments;
    ctx.arena = arena;
    ctx.diag = diag;
    ctx.src = src;
    ctx.ast = ast;
    ast->decls = NULL;
    ctx.decl_tail = &ast->decls;

    yyscan_t scanner;
    if (yylex_init_extra(&ctx, &scanner) != 0) {
        mc_error_plain(diag, "out of memory");
        return diag->n_errors - before;
    }
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
    int rc = yyparse(scanner, &ctx);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    if (rc == 2)
        mc_error_plain(diag, "out of memory while parsing");
    else if (rc != 0 && diag->n_errors == before)
        mc_error_plain(diag, "syntax error");
    return diag->n_errors - before;
}
