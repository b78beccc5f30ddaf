/*
 * coerce.c -- a schema's literal values against the columns they are
 * for: default(v) and server_default(v) (DSL.md section 2).
 *
 * Decides whether a literal fits its column's type (a whole number for an
 * Integer, a date for a Date, a declared value for an enum, ...) and
 * within the column's bounds (SmallInteger's range, String(n)'s length,
 * Numeric(p, s)'s digits, a JSON column's syntax), and gives its DDL text.  Like flatcc's
 * coerce.c beside semantics.c, it knows values, not declarations: sema.c
 * decides which literal goes with which column.  Every failure is one
 * located error in the diagnostics; every string is in the arena.
 */
#include "coerce.h"
#include "buf.h"
#include "naming.h"
#include "valuecheck.h"     /* the runtime's checks: one copy of UTF-8 and the calendar */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ERR(d, span, hint, ...) mcc_error_at((d), (span).off, (span).len, (hint), __VA_ARGS__)

/* Index of word in words, or -1. */
static int lookup(const char *word, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0)
            return (int)i;
    return -1;
}

/* One literal being checked: where it goes, as written. */
typedef struct lit {
    mcc_arena *a;
    mcc_diag *d;
    const mcc_column *c;
    const mcc_value *v;
    const char *what;           /* "default" or "server_default" */
    const char *tname;          /* the column's type as the schema names it */
    const char *hint;           /* why it does not fit, for the one error */
} lit;

/* What a step decided: the literal fits, it does not (lit.hint says why;
 * the caller reports it), or the step reported a better message itself. */
typedef enum fit { FIT, NO_FIT, REPORTED } fit;

/* `null` (a nullable column) and `now` (DateTime, Date, Time); any other
 * literal is left to the type's step (*kw = false). */
static fit keyword_literal(lit *l, mcc_literal *out, bool *kw)
{
    const mcc_value *v = l->v;
    const mcc_column *c = l->c;
    *kw = v->kind == MCC_V_IDENT && (strcmp(v->text, "null") == 0 || strcmp(v->text, "now") == 0);
    if (!*kw)
        return FIT;
    if (strcmp(v->text, "null") == 0) {
        if (!c->nullable) {
            ERR(l->d, v->at, c->primary_key ? "a primary key is never NULL: give a value, or no default"
                                             : "remove not_null, or give a value",
                "%s(null) on '%s', which is not nullable", l->what, c->field);
            return REPORTED;
        }
        out->kind = MCC_L_NULL;
        return FIT;
    }
    if (c->type != MCC_T_DATETIME && c->type != MCC_T_DATE && c->type != MCC_T_TIME) {
        ERR(l->d, v->at, "`now` is for DateTime, Date and Time columns", "%s(now) does not fit '%s' of type %s",
            l->what, c->field, l->tname);
        return REPORTED;
    }
    out->kind = MCC_L_NOW;
    return FIT;
}

/* Integer, BigInteger, SmallInteger: a whole number in 64 bits, in
 * -32768..32767 for a SmallInteger. */
static fit integer_literal(lit *l, mcc_literal *out)
{
    const mcc_value *v = l->v;
    out->kind = MCC_L_INT;
    l->hint = mcc_arena_printf(l->a, "write a whole number, e.g. %s(0)", l->what);
    if (v->kind != MCC_V_INT)
        return NO_FIT;
    errno = 0;
    long long x = strtoll(v->text, NULL, 10);
    fit f = FIT;
    if (errno) {
        f = NO_FIT;
        l->hint = "the number does not fit in 64 bits";
    }
    if (l->c->type == MCC_T_SMALLINTEGER && (x < -32768 || x > 32767)) {
        f = NO_FIT;
        l->hint = "a SmallInteger holds -32768 to 32767";
    }
    return f;
}

/* Float: any number.  Numeric(p, s): a number of at most p - s digits
 * before the point and s after. */
static fit number_literal(lit *l, mcc_literal *out)
{
    const mcc_value *v = l->v;
    const mcc_column *c = l->c;
    bool numeric = c->type == MCC_T_NUMERIC;
    out->kind = v->kind == MCC_V_INT ? MCC_L_INT : MCC_L_DEC;
    if (!numeric)
        l->hint = mcc_arena_printf(l->a, "a Float takes a number, e.g. %s(0.5)", l->what);
    if (v->kind != MCC_V_INT && v->kind != MCC_V_DEC) {
        if (numeric)
            l->hint = mcc_arena_printf(l->a, "a Numeric takes a number, e.g. %s(9.99)", l->what);
        return NO_FIT;
    }
    if (!numeric || !c->precision)
        return FIT;
    const char *p = v->text[0] == '-' ? v->text + 1 : v->text;
    const char *dot = strchr(p, '.');
    int intd = dot ? (int)(dot - p) : (int)strlen(p);
    int frac = dot ? (int)strlen(dot + 1) : 0;
    if (frac <= c->scale && intd <= c->precision - c->scale)
        return FIT;
    l->hint = mcc_arena_printf(l->a, "Numeric(%d, %d) holds %d digits before the point and %d after", c->precision,
                              c->scale, c->precision - c->scale, c->scale);
    return NO_FIT;
}

/* Boolean: true or false. */
static fit boolean_literal(lit *l, mcc_literal *out)
{
    const mcc_value *v = l->v;
    bool ok = v->kind == MCC_V_IDENT && (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0);
    out->kind = ok && v->text[0] == 't' ? MCC_L_TRUE : MCC_L_FALSE;
    l->hint = "a Boolean takes true or false";
    return ok ? FIT : NO_FIT;
}

/* String(n), Text, JSON: a quoted string, of at most n characters (the
 * runtime's count, as the write check counts). */
static fit text_literal(lit *l, mcc_literal *out)
{
    const mcc_value *v = l->v;
    const mcc_column *c = l->c;
    out->kind = MCC_L_STR;
    if (v->kind != MCC_V_STR) {
        l->hint = mcc_arena_printf(l->a, "a %s takes a string in double quotes, e.g. %s(\"%s\")", l->tname, l->what,
                                  c->type == MCC_T_JSON ? "{}" : v->text ? v->text : "");
        return NO_FIT;
    }
    if (c->length && mc_utf8_length(v->text, NULL) > (size_t)c->length) {
        l->hint = mcc_arena_printf(l->a, "'%s' holds at most %d characters", c->field, c->length);
        return NO_FIT;
    }
    return FIT;
}

/* JSON: a quoted string that is JSON, by the runtime's own check
 * (mc_json_valid, what every write of the column runs), so that neither
 * X_INIT nor the DDL's DEFAULT holds a value no write would accept. */
static fit json_literal(lit *l, mcc_literal *out)
{
    size_t at = 0;
    fit f = text_literal(l, out);
    if (f != FIT)
        return f;
    switch (mc_json_valid(l->v->text, strlen(l->v->text), &at)) {
    case 1:
        return FIT;
    case 0:
        l->hint = mcc_arena_printf(l->a, "it is not valid JSON (at byte %zu); write JSON text, e.g. %s(\"{}\")", at,
                                  l->what);
        return NO_FIT;
    default:
        ERR(l->d, l->v->at, NULL, "out of memory checking %s(...) of '%s'", l->what, l->c->field);
        return REPORTED;
    }
}

/* DateTime, Date, Time: a quoted value the runtime's write check accepts,
 * a DateTime in its stored form (a server_default goes into the DDL as
 * written). */
static fit temporal_literal(lit *l, mcc_literal *out)
{
    static const struct { mcc_type_id type; mc_temporal kind; unsigned flags; const char *hint; } forms[] = {
        {MCC_T_DATETIME, MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED, "write it as \"2019-05-20 12:47:00\""},
        {MCC_T_DATE, MC_TEMPORAL_DATE, 0, "write it as \"2019-05-20\""},
        {MCC_T_TIME, MC_TEMPORAL_TIME, 0, "write it as \"12:47:00\""},
    };
    size_t i = 0;
    while (forms[i].type != l->c->type)
        i++;
    out->kind = MCC_L_STR;
    l->hint = forms[i].hint;
    return l->v->kind == MCC_V_STR && mci_temporal_valid(l->v->text, forms[i].kind, forms[i].flags) ? FIT : NO_FIT;
}

/* An enum: one of its values, written bare; a misspelt one gets the
 * closest value, or the list. */
static fit enum_literal(lit *l, mcc_literal *out)
{
    const mcc_value *v = l->v;
    const mcc_enum *e = l->c->enum_type;
    out->kind = MCC_L_ENUM;
    if (v->kind == MCC_V_IDENT && lookup(v->text, e->values, e->nvalues) >= 0)
        return FIT;
    if (v->kind == MCC_V_IDENT) {
        ERR(l->d, v->at, mcc_hint_closest(l->a, v->text, e->values, e->nvalues, MCC_HINT_LIST),
            "%s(%s): enum '%s' has no value '%s'", l->what, v->text, l->tname, v->text);
        return REPORTED;
    }
    l->hint = mcc_arena_printf(l->a, "an enum value is written bare, e.g. %s(%s)", l->what,
                              e->nvalues ? e->values[0] : "value");
    return NO_FIT;
}

/* A LargeBinary takes a string of bytes, kept as text. */
static fit bytes_literal(lit *l, mcc_literal *out)
{
    out->kind = MCC_L_STR;
    l->hint = "a LargeBinary takes a string of bytes";
    return l->v->kind == MCC_V_STR ? FIT : NO_FIT;
}

/* The steps: a literal at all (not a path, no modifier), a keyword, else
 * the step of the column's type; one error names the literal, the column
 * and its type, with the step's hint. */
bool mcc_coerce_literal(mcc_arena *a, mcc_diag *d, const mcc_column *c, const mcc_value *v, const char *what,
                       mcc_literal *out)
{
    memset(out, 0, sizeof *out);
    lit l = {a, d, c, v, what, mcc_column_type_name(c), NULL};
    if (v->kind == MCC_V_PATH || v->modifier) {
        ERR(d, v->at, NULL, "%s of '%s' must be a literal", what, c->field);
        return false;
    }
    bool kw;
    fit f = keyword_literal(&l, out, &kw);
    if (kw)
        return f == FIT;
    if (c->type == MCC_T_UNKNOWN || c->type >= MCC_T__COUNT)
        return false;   /* the type error was reported already */
    static fit (*const step[MCC_T__COUNT])(lit *, mcc_literal *) = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) \
        [MCC_T_##ID] = lit##_literal,
#include "types.def"
#undef X
        [MCC_T_ENUM] = enum_literal,
    };
    f = step[c->type](&l, out);
    if (f == NO_FIT)
        ERR(d, v->at, l.hint, "%s(%s%s%s) does not fit '%s' of type %s", what, v->kind == MCC_V_STR ? "\"" : "",
            v->text, v->kind == MCC_V_STR ? "\"" : "", c->field, l.tname);
    if (f != FIT)
        return false;
    out->text = v->text;
    return true;
}

const char *mcc_literal_sql(mcc_arena *a, const mcc_literal *l)
{
    mcc_buf b = {0};
    switch (l->kind) {
    case MCC_L_INT: case MCC_L_DEC: mcc_buf_put(&b, l->text); break;
    case MCC_L_STR: case MCC_L_ENUM: mcc_put_sql_string(&b, l->text); break;
    case MCC_L_TRUE: mcc_buf_put(&b, "1"); break;
    case MCC_L_FALSE: mcc_buf_put(&b, "0"); break;
    case MCC_L_NULL: mcc_buf_put(&b, "NULL"); break;
    case MCC_L_NOW: mcc_buf_put(&b, "CURRENT_TIMESTAMP"); break;
    case MCC_L_NONE: break;
    }
    const char *r = b.data ? mcc_arena_strdup(a, b.data) : NULL;
    mcc_buf_free(&b);
    return r;
}

