/*
 * c_typecalls.c -- the C a column's type gets in generated code: its
 * kind, and the calls that bind, read and check a value.
 *
 * Everything here is derived from gen/front/types.def (the bind, read, check
 * and kind columns); enum columns, which have no row there, are the one
 * case written out below.  The templates are our own text, never schema
 * text; the schema reaches them only as values substituted for $v ($t and
 * $f arrive already escaped as C literals), so no format string is built
 * from a schema.
 */
#include "cgen.h"

#include <stdio.h>
#include <string.h>

typedef struct type_calls {
    cg_kind kind;
    const char *bind, *read, *check_if, *check, *lent;
    const char *rt;     /* the runtime's mc_col_kind (generate --compact) */
} type_calls;

static const type_calls calls[MCC_T__COUNT] = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) \
    [MCC_T_##ID] = {CG_##kind, bind, read, check_if, check, lent, rt},
#include "types.def"
#undef X
    /* An enum is bound and read as its value's text ($e: the enum's C
     * function prefix); a value outside the enum is caught by the model's
     * check function, which names the enum (c_crud.c). */
    [MCC_T_ENUM] = {CG_ENUM, "mc_stmt_bind_text(st, $i, $e_to_text($v))",
                   "$e_from_text(mc_stmt_column_cstr(st, $i))", "", "", "", "MC_COL_ENUM"},
    /* Type text with no DSL equivalent (introspection only): text. */
    [MCC_T_UNKNOWN] = {CG_TEXT, "mc_stmt_bind_text_keep(st, $i, $v, $k)", "mc_stmt_column_text(db, st, $i, &$v)", "", "",
                       "mc_stmt_column_text_lent(db, st, $i, &$v)", "MC_COL_STRING"},
};

cg_kind cg_kind_of(const mcc_column *c)
{
    return calls[c->type].kind;
}

bool cg_holds_now(const mcc_column *c)
{
    return mcc_types[c->type].fam == MCC_FAM_TIME;
}

/* tmpl with each $x replaced by its value in v (a '$' before any other
 * character stays as it is); the result lives in g's arena. */
static const char *subst(cgen *g, const char *tmpl, const cg_call_vars *v)
{
    mcc_buf b = {0};
    char num[32];
    for (const char *p = tmpl; *p; p++) {
        if (*p != '$' || !p[1]) {
            mcc_buf_putc(&b, *p);
            continue;
        }
        const char *val = NULL;
        switch (p[1]) {
        case 'i': val = v->index; break;
        case 'v': val = v->value; break;
        case 'k': val = v->keep ? v->keep : "MC_BIND_STATIC"; break;
        case 'e': val = v->col->type == MCC_T_ENUM ? cg_enum_fn(g, v->col->enum_type) : ""; break;
        case 't': val = v->table; break;
        case 'f': val = v->field; break;
        case 'n': snprintf(num, sizeof num, "%d", v->col->length); val = num; break;
        case 'p': snprintf(num, sizeof num, "%d", v->col->precision); val = num; break;
        case 's': snprintf(num, sizeof num, "%d", v->col->scale); val = num; break;
        default: break;
        }
        if (!val) {
            mcc_buf_putc(&b, *p);
            continue;
        }
        mcc_buf_put(&b, val);
        p++;
    }
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return r;
}

const char *cg_bind_call(cgen *g, const cg_call_vars *v)
{
    return subst(g, calls[v->col->type].bind, v);
}

const char *cg_read_call(cgen *g, const cg_call_vars *v)
{
    const mcc_column *c = v->col;
    /* A Numeric without a precision has no fixed scale to pad to: its
     * text is read as SQLite gives it (see mc_column_numeric). */
    if (c->type == MCC_T_NUMERIC && c->precision <= 0)
        return subst(g, calls[MCC_T_TEXT].read, v);
    return subst(g, calls[c->type].read, v);
}

const char *cg_lent_read_call(cgen *g, const cg_call_vars *v)
{
    const mcc_column *c = v->col;
    /* As cg_read_call: a Numeric without a precision is plain text. */
    int type = c->type == MCC_T_NUMERIC && c->precision <= 0 ? MCC_T_TEXT : (int)c->type;
    return subst(g, *calls[type].lent ? calls[type].lent : calls[type].read, v);
}

const char *cg_check_call(cgen *g, const cg_call_vars *v)
{
    const char *t = calls[v->col->type].check;
    return *t ? subst(g, t, v) : NULL;
}

bool cg_check_needs_value(const mcc_column *c)
{
    return calls[c->type].check_if[0] != '\0';
}

const char *cg_rt_kind(const mcc_column *c)
{
    return calls[c->type].rt;
}
