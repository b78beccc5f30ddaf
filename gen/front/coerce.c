/*
 * coerce.c -- a schema's literal values against the columns they are
 * for: default(v) and server_default(v) (DSL.md section 2).
 *
 * Decides whether a literal fits its column's type (a whole number for an
 * Integer, a date for a Date, a declared value for an enum, ...) and
 * within the column's bounds (SmallInteger's range, String(n)'s length,
 * Numeric(p, s)'s digits), and gives its DDL text.  Like flatcc's
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

#define ERR(d, span, hint, ...) mc_error_at((d), (span).off, (span).len, (hint), __VA_ARGS__)

/* Index of word in words, or -1. */
static int lookup(const char *word, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0)
            return (int)i;
    return -1;
}

bool mc_coerce_literal(mc_arena *a, mc_diag *d, const mc_column *c, const mc_value *v, const char *what,
                       mc_literal *out)
{
    memset(out, 0, sizeof *out);
    const char *tname = mc_column_type_name(c);
    if (v->kind == MC_V_PATH || v->modifier) {
        ERR(d, v->at, NULL, "%s of '%s' must be a literal", what, c->field);
        return false;
    }
    if (v->kind == MC_V_IDENT) {
        if (strcmp(v->text, "null") == 0) {
            if (!c->nullable) {
                ERR(d, v->at, "remove not_null, or give a value", "%s(null) on '%s', which is not nullable",
                    what, c->field);
                return false;
            }
            out->kind = MC_L_NULL;
            return true;
        }
        if (strcmp(v->text, "now") == 0) {
            if (c->type != MC_T_DATETIME && c->type != MC_T_DATE && c->type != MC_T_TIME) {
                ERR(d, v->at, "`now` is for DateTime, Date and Time columns",
                    "%s(now) does not fit '%s' of type %s", what, c->field, tname);
                return false;
            }
            out->kind = MC_L_NOW;
            return true;
        }
    }
    mc_type_id t = c->type;
    bool ok = false;
    const char *hint = NULL;
    switch (t) {
    case MC_T_INTEGER: case MC_T_BIGINTEGER: case MC_T_SMALLINTEGER:
        ok = v->kind == MC_V_INT;
        hint = mc_arena_printf(a, "write a whole number, e.g. %s(0)", what);
        if (ok) {
            errno = 0;
            long long x = strtoll(v->text, NULL, 10);
            if (errno) {
                ok = false;
                hint = "the number does not fit in 64 bits";
            }
            if (t == MC_T_SMALLINTEGER && (x < -32768 || x > 32767)) {
                ok = false;
                hint = "a SmallInteger holds -32768 to 32767";
            }
        }
        out->kind = MC_L_INT;
        break;
    case MC_T_FLOAT:
        ok = v->kind == MC_V_INT || v->kind == MC_V_DEC;
        hint = mc_arena_printf(a, "a Float takes a number, e.g. %s(0.5)", what);
        out->kind = v->kind == MC_V_INT ? MC_L_INT : MC_L_DEC;
        break;
    case MC_T_NUMERIC:
        ok = v->kind == MC_V_INT || v->kind == MC_V_DEC;
        if (!ok)
            hint = mc_arena_printf(a, "a Numeric takes a number, e.g. %s(9.99)", what);
        if (ok && c->precision) {
            const char *p = v->text[0] == '-' ? v->text + 1 : v->text;
            const char *dot = strchr(p, '.');
            int intd = dot ? (int)(dot - p) : (int)strlen(p);
            int frac = dot ? (int)strlen(dot + 1) : 0;
            if (frac > c->scale || intd > c->precision - c->scale) {
                ok = false;
                hint = mc_arena_printf(a, "Numeric(%d, %d) holds %d digits before the point and %d after",
                                       c->precision, c->scale, c->precision - c->scale, c->scale);
            }
        }
        out->kind = v->kind == MC_V_INT ? MC_L_INT : MC_L_DEC;
        break;
    case MC_T_BOOLEAN:
        ok = v->kind == MC_V_IDENT && (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0);
        out->kind = ok && v->text[0] == 't' ? MC_L_TRUE : MC_L_FALSE;
        hint = "a Boolean takes true or false";
        break;
    case MC_T_STRING: case MC_T_TEXT: case MC_T_JSON:
        ok = v->kind == MC_V_STR;
        if (!ok)
            hint = mc_arena_printf(a, "a %s takes a string in double quotes, e.g. %s(\"%s\")", tname,
                                   what, t == MC_T_JSON ? "{}" : v->text ? v->text : "");
        if (ok && c->length && mc_utf8_length(v->text, NULL) > (size_t)c->length) {
            ok = false;
            hint = mc_arena_printf(a, "'%s' holds at most %d characters", c->field, c->length);
        }
        out->kind = MC_L_STR;
        break;
    case MC_T_DATETIME:
        ok = v->kind == MC_V_STR && mci_temporal_valid(v->text, MC_TEMPORAL_DATETIME, MCI_TEMPORAL_STORED);
        hint = "write it as \"2019-05-20 12:47:00\"";
        out->kind = MC_L_STR;
        break;
    case MC_T_DATE:
        ok = v->kind == MC_V_STR && mci_temporal_valid(v->text, MC_TEMPORAL_DATE, 0);
        hint = "write it as \"2019-05-20\"";
        out->kind = MC_L_STR;
        break;
    case MC_T_TIME:
        ok = v->kind == MC_V_STR && mci_temporal_valid(v->text, MC_TEMPORAL_TIME, 0);
        hint = "write it as \"12:47:00\"";
        out->kind = MC_L_STR;
        break;
    case MC_T_LARGEBINARY:
        ok = v->kind == MC_V_STR;
        hint = "a LargeBinary takes a string of bytes";
        out->kind = MC_L_STR;
        break;
    case MC_T_ENUM:
        ok = v->kind == MC_V_IDENT && lookup(v->text, c->enum_type->values, c->enum_type->nvalues) >= 0;
        if (!ok && v->kind == MC_V_IDENT) {
            ERR(d, v->at, mc_hint_closest(a, v->text, c->enum_type->values, c->enum_type->nvalues, MC_HINT_LIST),
                "%s(%s): enum '%s' has no value '%s'", what, v->text, tname, v->text);
            return false;
        }
        if (!ok)
            hint = mc_arena_printf(a, "an enum value is written bare, e.g. %s(%s)", what,
                                   c->enum_type->nvalues ? c->enum_type->values[0] : "value");
        out->kind = MC_L_ENUM;
        break;
    case MC_T_UNKNOWN: case MC_T__COUNT:
        return false;   /* the type error was reported already */
    }
    if (!ok) {
        ERR(d, v->at, hint, "%s(%s%s%s) does not fit '%s' of type %s", what,
            v->kind == MC_V_STR ? "\"" : "", v->text, v->kind == MC_V_STR ? "\"" : "", c->field, tname);
        return false;
    }
    out->text = v->text;
    return true;
}

const char *mc_literal_sql(mc_arena *a, const mc_literal *l)
{
    mc_buf b = {0};
    switch (l->kind) {
    case MC_L_INT: case MC_L_DEC: mc_buf_put(&b, l->text); break;
    case MC_L_STR: case MC_L_ENUM: mc_put_sql_string(&b, l->text); break;
    case MC_L_TRUE: mc_buf_put(&b, "1"); break;
    case MC_L_FALSE: mc_buf_put(&b, "0"); break;
    case MC_L_NULL: mc_buf_put(&b, "NULL"); break;
    case MC_L_NOW: mc_buf_put(&b, "CURRENT_TIMESTAMP"); break;
    case MC_L_NONE: break;
    }
    const char *r = b.data ? mc_arena_strdup(a, b.data) : NULL;
    mc_buf_free(&b);
    return r;
}

