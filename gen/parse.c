/* parse.c -- runs the reentrant scanner and parser over one source. */
#include "parse.h"
#include "parser.h"
#include "lexer.h"

int mc_parse(const mc_source *src, mc_arena *arena, mc_diag *diag, mc_ast *ast)
{
    int before = diag->n_errors;
    mc_parse_ctx ctx = {0};
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
