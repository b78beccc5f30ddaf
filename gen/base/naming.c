/* naming.c -- see naming.h. */
#include "naming.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

char *mcc_snake_case(mcc_arena *a, const char *model)
{
    size_t n = strlen(model);
    char *out = mcc_arena_alloc(a, 2 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)model[i];
        if (isupper(c) && i > 0) {
            unsigned char prev = (unsigned char)model[i - 1];
            unsigned char next = (unsigned char)model[i + 1];
            /* Flask-SQLAlchemy: ((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z])) -> _\1 */
            if (islower(prev) || isdigit(prev) || islower(next))
                out[o++] = '_';
        }
        out[o++] = (char)tolower(c);
    }
    out[o] = '\0';
    size_t skip = 0;
    while (out[skip] == '_')
        skip++;
    return out + skip;
}

/* SQLAlchemy's SQLite dialect reserved words (sqlite/base.py). */
static const char *const reserved[] = {
    "add", "after", "all", "alter", "analyze", "and", "as", "asc", "attach",
    "autoincrement", "before", "begin", "between", "by", "cascade", "case",
    "cast", "check", "collate", "column", "commit", "conflict", "constraint",
    "create", "cross", "current_date", "current_time", "current_timestamp",
    "database", "default", "deferrable", "deferred", "delete", "desc",
    "detach", "distinct", "drop", "each", "else", "end", "escape", "except",
    "exclusive", "exists", "explain", "fail", "false", "for", "foreign", "from",
    "full", "glob", "group", "having", "if", "ignore", "immediate", "in",
    "index", "indexed", "initially", "inner", "insert", "instead",
    "intersect", "into", "is", "isnull", "join", "key", "left", "like",
    "limit", "match", "natural", "not", "notnull", "null", "of", "offset",
    "on", "or", "order", "outer", "plan", "pragma", "primary", "query",
    "raise", "references", "reindex", "rename", "replace", "restrict",
    "right", "rollback", "row", "select", "set", "table", "temp",
    "temporary", "then", "to", "transaction", "trigger", "true", "union",
    "unique", "update", "using", "vacuum", "values", "view", "virtual",
    "when", "where",
};

/* SQLAlchemy's PostgreSQL dialect reserved words (postgresql/base.py). */
static const char *const pg_reserved[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization",
    "between", "binary", "both", "case", "cast", "check", "collate", "column", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
    "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having",
    "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "leading", "left",
    "like", "limit", "localtime", "localtimestamp", "natural", "new", "not", "notnull", "null", "of",
    "off", "offset", "old", "on", "only", "or", "order", "outer", "over", "overlaps", "placing",
    "primary", "references", "returning", "right", "select", "session_user", "similar", "some",
    "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using",
    "variadic", "verbose", "when", "where", "window", "with",
};

static int cmp_word(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* C11 and C++ keywords, sorted. */
static const char *const c_keywords[] = {
    "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic", "_Imaginary", "_Noreturn",
    "_Static_assert", "_Thread_local", "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor",
    "bool", "break", "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await",
    "co_return", "co_yield", "compl", "concept", "const", "const_cast", "consteval", "constexpr", "constinit",
    "continue", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit",
    "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable",
    "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private",
    "protected", "public", "register", "reinterpret_cast", "requires", "restrict", "return", "short", "signed",
    "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
    "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
    "volatile", "wchar_t", "while", "xor", "xor_eq",
};

bool mcc_is_c_keyword(const char *name)
{
    return bsearch(name, c_keywords, sizeof c_keywords / sizeof c_keywords[0], sizeof c_keywords[0], cmp_word) !=
           NULL;
}

bool mcc_ident_needs_quotes(const char *name)
{
    return mcc_ident_needs_quotes_in(MCC_DIALECT_SQLITE, name);
}

bool mcc_ident_needs_quotes_in(mcc_dialect d, const char *name)
{
    if (!name[0] || isdigit((unsigned char)name[0]) || name[0] == '$')
        return true;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(islower(c) || isdigit(c) || c == '_' || c == '$'))
            return true;
    }
    if (d == MCC_DIALECT_POSTGRESQL)
        return bsearch(name, pg_reserved, sizeof pg_reserved / sizeof pg_reserved[0], sizeof pg_reserved[0],
                       cmp_word) != NULL;
    return bsearch(name, reserved, sizeof reserved / sizeof reserved[0],
                   sizeof reserved[0], cmp_word) != NULL;
}

void mcc_put_quoted_ident(mcc_buf *b, const char *name)
{
    mcc_buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            mcc_buf_putc(b, '"');
        mcc_buf_putc(b, *p);
    }
    mcc_buf_putc(b, '"');
}

void mcc_put_ident(mcc_buf *b, const char *name)
{
    mcc_put_ident_in(b, MCC_DIALECT_SQLITE, name);
}

void mcc_put_ident_in(mcc_buf *b, mcc_dialect d, const char *name)
{
    if (mcc_ident_needs_quotes_in(d, name))
        mcc_put_quoted_ident(b, name);
    else
        mcc_buf_put(b, name);
}

void mcc_put_sql_string(mcc_buf *b, const char *s)
{
    mcc_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            mcc_buf_putc(b, '\'');
        mcc_buf_putc(b, *p);
    }
    mcc_buf_putc(b, '\'');
}

void mcc_buf_vsqlf(mcc_buf *b, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            mcc_buf_putc(b, *p);
            continue;
        }
        switch (*++p) {
        case 'I': mcc_put_ident(b, va_arg(ap, const char *)); break;
        case 'Q': mcc_put_quoted_ident(b, va_arg(ap, const char *)); break;
        case 's': mcc_buf_put(b, va_arg(ap, const char *)); break;
        case '%': mcc_buf_putc(b, '%'); break;
        default: mcc_buf_putc(b, '%'); p--; break;   /* a lone '%' at the end */
        }
    }
}

void mcc_put_sqlf(mcc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mcc_buf_vsqlf(b, fmt, ap);
    va_end(ap);
}
