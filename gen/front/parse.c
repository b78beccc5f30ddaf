/* parse.c -- runs the reentrant scanner and parser over one source. */
#include "parse.h"
#include "parser.h"
#include "lexer.h"

#include <stdlib.h>

void mcc_parse_note_comment(mcc_parse_ctx *ctx, mcc_span at)
{
    mcc_comments *c = ctx->comments;
    if (!c || c->failed)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        mcc_span *items = realloc(c->items, cap * sizeof *items);
        if (!items) {
            c->failed = true;
            return;
        }
        c->items = items;
        c->cap = cap;
    }
    c->items[c->n++] = at;
}

void mcc_comments_free(mcc_comments *c)
{
    free(c->items);
    c->items = NULL;
    c->n = c->cap = 0;
}

int mcc_parse(const mcc_source *src, mcc_arena *arena, mcc_diag *diag, mcc_ast *ast)
{
    return mcc_parse_with_comments(src, arena, diag, ast, NULL);
}

/* Runs scanner and parser over src; comments (may be NULL) collects the
 * comments' spans for a caller that keeps them. */
int mcc_parse_with_comments(const mcc_source *src, mcc_arena *arena, mcc_diag *diag, mcc_ast *ast,
                           mcc_comments *comments)
{
    int before = diag->n_errors;
    mcc_parse_ctx ctx = {0};
    ctx.comments = comments;
    ctx.arena = arena;
    ctx.diag = diag;
    ctx.src = src;
    ctx.ast = ast;
    ast->decls = NULL;
    ctx.decl_tail = &ast->decls;

    yyscan_t scanner;
    if (yylex_init_extra(&ctx, &scanner) != 0) {
        mcc_error_plain(diag, "out of memory");
        return diag->n_errors - before;
    }
    YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
    int rc = yyparse(scanner, &ctx);
    yy_delete_buffer(buf, scanner);
    yylex_destroy(scanner);
    if (rc == 2)
        mcc_error_plain(diag, "out of memory while parsing");
    else if (rc != 0 && diag->n_errors == before)
        mcc_error_plain(diag, "syntax error");
    return diag->n_errors - before;
}
