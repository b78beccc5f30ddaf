/*
 * parser.y -- the grammar of the modelc schema language (DSL.md section 1).
 *
 * Pure and reentrant: all state lives in mcc_parse_ctx.  The grammar is
 * generic (see ast.h); names are given meaning in sema.c.  Error rules at
 * member, enum-value and top-level granularity let one run report every
 * syntax error of a file: recovery resumes after the next newline, ';' or
 * '}'.
 */
%require "3.8"
%define api.pure full
%define api.location.type {mcc_span}
%locations
%define parse.error custom
%define parse.lac full
%expect 0
%param {yyscan_t scanner}
%parse-param {mcc_parse_ctx *ctx}

%code requires {
#include "parse.h"
typedef void *yyscan_t;
}

%code provides {
int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
}

%code {
#include <stdio.h>
#include <string.h>

/* Locations are byte spans: a rule spans from its first to its last
 * symbol; an empty rule sits just after the previous symbol. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                          \
    do {                                                                     \
        if (N) {                                                             \
            (Cur).off = YYRHSLOC(Rhs, 1).off;                                \
            (Cur).len = YYRHSLOC(Rhs, N).off + YYRHSLOC(Rhs, N).len          \
                        - YYRHSLOC(Rhs, 1).off;                              \
        } else {                                                             \
            (Cur).off = YYRHSLOC(Rhs, 0).off + YYRHSLOC(Rhs, 0).len;         \
            (Cur).len = 0;                                                   \
        }                                                                    \
    } while (0)

static void yyerror(YYLTYPE *loc, yyscan_t scanner, mcc_parse_ctx *ctx, const char *msg);

#define NEW(T) ((T *)mcc_arena_alloc(ctx->arena, sizeof(T)))
#define CHECK_MEM(p) do { if (!(p)) YYNOMEM; } while (0)

static void add_decl(mcc_parse_ctx *ctx, mcc_decl *d)
{
    *ctx->decl_tail = d;
    ctx->decl_tail = &d->next;
    ctx->last_decl = d;
}

/* Every kind of declaration gets its whole span here, once reduced. */
static void end_decl(mcc_parse_ctx *ctx, mcc_span at)
{
    if (ctx->last_decl)
        ctx->last_decl->span = at;
    ctx->last_decl = NULL;
}
}

%union {
    const char *str;
    mcc_value value;
    mcc_arg *arg;
    mcc_call *call;
    mcc_member *member;
    mcc_decl *decl;
    mcc_enum_value *evalue;
    struct { mcc_arg *head, **tail; int n; } args;
    struct { mcc_call *head, **tail; } calls;
    struct { mcc_member *head, **tail; } members;
    struct { mcc_enum_value *head, **tail; } evalues;
    mcc_qfield *qfield;
    struct { mcc_qfield *head, **tail; } qfields;
    int flag;
    struct { mcc_qresult_form form; mcc_call *type; mcc_qfield *cols; mcc_qshape shape; } qresult;
}

%token MODEL "'model'" ENUM "'enum'" QUERY "'query'" TABLE "'table'"
%token <str> IDENT "name" STRING "string" INT "integer" DEC "decimal"
%token NL "end of line"
%token ARROW "'->'"
%token <str> SQL "query body"

%type <value> value
%type <arg> arg
%type <args> args args_opt
%type <call> call
%type <calls> attrs
%type <member> member
%type <members> mlist
%type <member> mitem
%type <evalues> elist
%type <evalue> eitem
%type <str> table_opt
%type <qfield> qfield
%type <qfields> qfields qfields_opt
%type <flag> qnull qshape
%type <qresult> qresult

%%

file
    : %empty
    | file NL
    | file ';'
    | file decl         { end_decl(ctx, @2); }
    | file error '}'    { yyerrok; }
    | file error SQL    { yyerrok; }
    ;

decl
    : MODEL IDENT table_opt '{' mlist '}' {
          mcc_decl *d = NEW(mcc_decl); CHECK_MEM(d);
          d->kind = MCC_D_MODEL; d->name = $2; d->at = @2;
          d->table = $3; d->table_at = @3;
          d->members = $5.head;
          add_decl(ctx, d);
      }
    | ENUM IDENT '{' elist '}' {
          mcc_decl *d = NEW(mcc_decl); CHECK_MEM(d);
          d->kind = MCC_D_ENUM; d->name = $2; d->at = @2;
          d->values = $4.head;
          add_decl(ctx, d);
      }
    | QUERY IDENT '(' qfields_opt ')' qresult SQL {
          mcc_decl *d = NEW(mcc_decl); CHECK_MEM(d);
          d->kind = MCC_D_QUERY; d->name = $2; d->at = @2;
          d->params = $4.head;
          d->result_form = $6.form; d->result_type = $6.type; d->result_cols = $6.cols;
          d->result_shape = (mcc_qshape)$6.shape; d->result_at = @6;
          d->sql = $7; d->sql_at.off = @7.off + 1; d->sql_at.len = @7.len - 2;
          add_decl(ctx, d);
      }
    ;

qfields_opt
    : %empty            { $$.head = NULL; $$.tail = &$$.head; }
    | qfields           { $$ = $1; }
    | qfields ','       { $$ = $1; }
    ;

qfields
    : qfield            { $$.head = $1; $$.tail = &$1->next; }
    | qfields ',' qfield { $$ = $1; *$$.tail = $3; $$.tail = &$3->next; }
    ;

qfield
    : IDENT call qnull {
          mcc_qfield *f = NEW(mcc_qfield); CHECK_MEM(f);
          f->name = $1; f->at = @1; f->type = $2; f->nullable = $3;
          $$ = f;
      }
    ;

qnull
    : %empty            { $$ = 0; }
    | '?'               { $$ = 1; }
    ;

qresult
    : %empty            { memset(&$$, 0, sizeof $$); }
    | ARROW call qshape {
          memset(&$$, 0, sizeof $$); $$.form = MCC_QF_NAMED; $$.type = $2; $$.shape = (mcc_qshape)$3;
          @$.off = @2.off; @$.len = @3.off + @3.len > @2.off + @2.len ? @3.off + @3.len - @2.off : @2.len;
      }
    | ARROW '(' qfields_opt ')' qshape {
          memset(&$$, 0, sizeof $$); $$.form = MCC_QF_ROW; $$.cols = $3.head; $$.shape = (mcc_qshape)$5;
          @$.off = @2.off; @$.len = @5.off + @5.len > @4.off + @4.len ? @5.off + @5.len - @2.off : @4.off + @4.len - @2.off;
      }
    ;

qshape
    : %empty            { $$ = MCC_QS_ONE; }
    | '[' ']'           { $$ = MCC_QS_LIST; }
    | '?'               { $$ = MCC_QS_OPT; }
    ;

table_opt
    : %empty            { $$ = NULL; }
    | TABLE STRING      { $$ = $2; @$ = @2; }
    ;

mlist
    : mitem             { $$.head = $1; $$.tail = $1 ? &$1->next : &$$.head; }
    | mlist sep mitem   {
          $$ = $1;
          if ($3) { *$$.tail = $3; $$.tail = &$3->next; }
          if (!$$.head) $$.tail = &$$.head;
      }
    ;

sep : NL | ';' ;

mitem
    : %empty            { $$ = NULL; }
    | member            { $$ = $1; }
    | error             { $$ = NULL; }
    ;

member
    : IDENT call attrs {
          mcc_member *m = NEW(mcc_member); CHECK_MEM(m);
          m->kind = MCC_M_FIELD; m->name = $1; m->at = @1; m->span = @$;
          m->type = $2; m->attrs = $3.head;
          $$ = m;
      }
    | IDENT '(' args_opt ')' {
          mcc_call *c = NEW(mcc_call); CHECK_MEM(c);
          c->name = $1; c->at = @1; c->has_parens = true;
          c->paren_at.off = @2.off; c->paren_at.len = @4.off + @4.len - @2.off;
          c->args = $3.head; c->nargs = $3.n;
          mcc_member *m = NEW(mcc_member); CHECK_MEM(m);
          m->kind = MCC_M_DIRECTIVE; m->name = $1; m->at = @1; m->span = @$; m->directive = c;
          $$ = m;
      }
    ;

attrs
    : %empty            { $$.head = NULL; $$.tail = &$$.head; }
    | attrs call        { $$ = $1; *$$.tail = $2; $$.tail = &$2->next; }
    ;

call
    : IDENT {
          mcc_call *c = NEW(mcc_call); CHECK_MEM(c);
          c->name = $1; c->at = @1;
          $$ = c;
      }
    | IDENT '(' args_opt ')' {
          mcc_call *c = NEW(mcc_call); CHECK_MEM(c);
          c->name = $1; c->at = @1; c->has_parens = true;
          c->paren_at.off = @2.off; c->paren_at.len = @4.off + @4.len - @2.off;
          c->args = $3.head; c->nargs = $3.n;
          $$ = c;
      }
    ;

args_opt
    : %empty            { $$.head = NULL; $$.tail = &$$.head; $$.n = 0; }
    | args              { $$ = $1; }
    | args ','          { $$ = $1; }
    ;

args
    : arg               { $$.head = $1; $$.tail = &$1->next; $$.n = 1; }
    | args ',' arg      { $$ = $1; *$$.tail = $3; $$.tail = &$3->next; $$.n++; }
    ;

arg
    : value {
          mcc_arg *a = NEW(mcc_arg); CHECK_MEM(a);
          a->val = $1;
          $$ = a;
      }
    | IDENT ':' value {
          mcc_arg *a = NEW(mcc_arg); CHECK_MEM(a);
          a->key = $1; a->key_at = @1; a->val = $3;
          $$ = a;
      }
    ;

value
    : INT               { memset(&$$, 0, sizeof $$); $$.kind = MCC_V_INT; $$.text = $1; $$.at = @1; }
    | DEC               { memset(&$$, 0, sizeof $$); $$.kind = MCC_V_DEC; $$.text = $1; $$.at = @1; }
    | STRING            { memset(&$$, 0, sizeof $$); $$.kind = MCC_V_STR; $$.text = $1; $$.at = @1; }
    | IDENT             { memset(&$$, 0, sizeof $$); $$.kind = MCC_V_IDENT; $$.text = $1; $$.at = @1; }
    | IDENT IDENT       { memset(&$$, 0, sizeof $$); $$.kind = MCC_V_IDENT; $$.text = $1; $$.at = @1;
                          $$.modifier = $2; $$.modifier_at = @2; }
    | IDENT '.' IDENT   { memset(&$$, 0, sizeof $$); $$.kind = MCC_V_PATH; $$.text = $1; $$.at = @1;
                          $$.member = $3; $$.member_at = @3; }
    ;

elist
    : eitem             { $$.head = $1; $$.tail = $1 ? &$1->next : &$$.head; }
    | elist esep eitem  {
          $$ = $1;
          if ($3) { *$$.tail = $3; $$.tail = &$3->next; }
          if (!$$.head) $$.tail = &$$.head;
      }
    ;

esep : ',' | NL | ';' ;

eitem
    : %empty            { $$ = NULL; }
    | IDENT {
          mcc_enum_value *v = NEW(mcc_enum_value); CHECK_MEM(v);
          v->name = $1; v->at = @1;
          $$ = v;
      }
    | error             { $$ = NULL; }
    ;

%%

static void yyerror(YYLTYPE *loc, yyscan_t scanner, mcc_parse_ctx *ctx, const char *msg)
{
    (void)scanner;
    mcc_error_at(ctx->diag, loc->off, loc->len, NULL, "%s", msg);
}

/* The offending token as the message names it: "name 'emial'", "'}'". */
static void describe_token(char *out, size_t n, yysymbol_kind_t sym, const YYLTYPE *loc, const mcc_parse_ctx *ctx)
{
    if (sym == YYSYMBOL_YYEOF) {
        snprintf(out, n, "end of file");
        return;
    }
    if ((sym == YYSYMBOL_IDENT || sym == YYSYMBOL_INT || sym == YYSYMBOL_DEC) && loc->off < ctx->src->len) {
        size_t len = loc->len;
        if (loc->off + len > ctx->src->len)
            len = ctx->src->len - loc->off;
        int shown = len > 40 ? 40 : (int)len;
        snprintf(out, n, "%s '%.*s%s'", yysymbol_name(sym), shown, ctx->src->text + loc->off,
                 len > 40 ? "..." : "");
        return;
    }
    snprintf(out, n, "%s", yysymbol_name(sym));
}

/* Is sym the single-character token c? */
static int is_char(yysymbol_kind_t sym, char c)
{
    const char *name = yysymbol_name(sym);
    return name[0] == '\'' && name[1] == c && name[2] == '\'' && name[3] == '\0';
}

/* After a keyword at `off`: does `Name {` or `Name table` follow, i.e. does
 * a declaration start here? */
static int starts_declaration(const mcc_parse_ctx *ctx, size_t off)
{
    const char *t = ctx->src->text;
    size_t n = ctx->src->len, i = off;
    while (i < n && (t[i] == ' ' || t[i] == '\t'))
        i++;
    size_t name = i;
    while (i < n && (t[i] == '_' || (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
                     (t[i] >= '0' && t[i] <= '9')))
        i++;
    if (i == name)
        return 0;
    while (i < n && (t[i] == ' ' || t[i] == '\t'))
        i++;
    return (i < n && t[i] == '{') || (n - i >= 5 && strncmp(t + i, "table", 5) == 0);
}

/* "unexpected name 'x', expected ')' or ','": the LAC-corrected
 * expectations, with a hint for the mistakes people make most. */
static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner, mcc_parse_ctx *ctx)
{
    (void)scanner;
    enum { MAX_EXPECTED = 6 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(yyctx, expected, MAX_EXPECTED);
    yysymbol_kind_t got = yypcontext_token(yyctx);
    const YYLTYPE *loc = yypcontext_location(yyctx);

    char msg[512], what[96];
    describe_token(what, sizeof what, got, loc, ctx);
    size_t len = (size_t)snprintf(msg, sizeof msg, "unexpected %s", what);
    if (n > 0) {
        for (int i = 0; i < n && len < sizeof msg; i++)
            len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s",
                                    i == 0 ? ", expected " : (i == n - 1 ? " or " : ", "),
                                    yysymbol_name(expected[i]));
    }

    int expects_sep = 0, expects_close = 0, expects_paren = 0, expects_name = 0, expects_open = 0;
    int expects_decl = 0, expects_comma = 0, expects_string_only = n == 1 && expected[0] == YYSYMBOL_STRING;
    for (int i = 0; i < n; i++) {
        switch (expected[i]) {
        case YYSYMBOL_NL: expects_sep = 1; break;
        case YYSYMBOL_IDENT: expects_name = 1; break;
        case YYSYMBOL_MODEL: expects_decl = 1; break;
        default: break;
        }
        expects_close |= is_char(expected[i], '}');
        expects_paren |= is_char(expected[i], ')');
        expects_open |= is_char(expected[i], '(');
        expects_comma |= is_char(expected[i], ',');
    }
    char hint_buf[160];
    const char *hint = NULL;
    if (got == YYSYMBOL_YYEOF && expects_close) {
        hint = "the file ends inside a block: is a '}' missing?";
    } else if ((got == YYSYMBOL_MODEL || got == YYSYMBOL_ENUM) && expects_close &&
               starts_declaration(ctx, loc->off + loc->len)) {
        snprintf(hint_buf, sizeof hint_buf, "is the '}' that closes the block above missing?");
        hint = hint_buf;
    } else if (got == YYSYMBOL_MODEL || got == YYSYMBOL_ENUM || got == YYSYMBOL_TABLE || got == YYSYMBOL_QUERY) {
        const char *kw = got == YYSYMBOL_MODEL ? "model" : got == YYSYMBOL_ENUM ? "enum" :
                         got == YYSYMBOL_QUERY ? "query" : "table";
        snprintf(hint_buf, sizeof hint_buf, "'%s' is a keyword; to use it as a name, write `%s`", kw, kw);
        hint = hint_buf;
    } else if (expects_decl && got == YYSYMBOL_IDENT) {
        char word[48];
        snprintf(word, sizeof word, "%.*s", (int)(loc->len < 47 ? loc->len : 47), ctx->src->text + loc->off);
        const char *best = mcc_closest(word, (const char *const[]){"model", "enum", "query"}, 3);
        if (best)
            snprintf(hint_buf, sizeof hint_buf, "did you mean '%s'?", best);
        else
            snprintf(hint_buf, sizeof hint_buf, "a declaration starts with 'model', 'enum' or 'query'");
        hint = hint_buf;
    } else if (expects_string_only && got == YYSYMBOL_IDENT) {
        snprintf(hint_buf, sizeof hint_buf, "write the table name in double quotes: table \"%.*s\"",
                 (int)(loc->len < 64 ? loc->len : 64), ctx->src->text + loc->off);
        hint = hint_buf;
    } else if (expects_paren && is_char(got, '(')) {
        hint = "arguments are plain values: parentheses do not nest";
    } else if (expects_paren && got != YYSYMBOL_YYEOF) {
        hint = "is a ')' missing?";
    } else if (expects_name && expects_open && !expects_sep &&
               (got == YYSYMBOL_NL || got == YYSYMBOL_YYEOF || is_char(got, ';') || is_char(got, '}'))) {
        hint = "a field is written `name Type [attributes]`";
    } else if (expects_sep && is_char(got, ',')) {
        hint = "members end at a newline or ';', not at ','";
    } else if (expects_sep && expects_comma && got == YYSYMBOL_IDENT) {
        hint = "separate enum values with ','";
    } else if (expects_sep && got == YYSYMBOL_IDENT) {
        hint = "members end at a newline or ';'";
    }

    mcc_error_at(ctx->diag, loc->off, loc->len, hint, "%s", msg);
    /* Whatever parenthesis was open is abandoned: let the next newline end
     * the member, so that recovery resumes there and the next line's
     * errors are found too. */
    ctx->paren_depth = 0;
    return 0;
}