/*
 * c_escape.c -- the one way schema text reaches generated C.
 *
 * Table and column names, check and default SQL, enum values, migration
 * files and the schema's file name are data: in generated code they only
 * ever appear
 *   - as a C string literal written by cg_put_cstr (every byte that could
 *     end the literal, start an escape, form a trigraph or leave the basic
 *     character set is escaped), or
 *   - inside a comment written by cg_put_comment_text (nothing can end the
 *     comment, open a nested one, splice a line or form a trigraph), and
 *   - never in a printf format: messages are built by cg_errf, which passes
 *     schema text as "%s" arguments.
 */
#include "cgen.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

/* Octal escapes have at most three digits, so "\303" followed by a digit
 * cannot swallow it (a hex escape would). */
void cg_put_cstr(mcc_buf *b, const char *s)
{
    unsigned char prev = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; prev = *p, p++) {
        switch (*p) {
        case '"': mcc_buf_put(b, "\\\""); break;
        case '\\': mcc_buf_put(b, "\\\\"); break;
        case '\n': mcc_buf_put(b, "\\n"); break;
        case '\t': mcc_buf_put(b, "\\t"); break;
        case '\r': mcc_buf_put(b, "\\r"); break;
        case '?':   /* "??/" would be a trigraph: the second '?' is escaped */
            mcc_buf_put(b, prev == '?' ? "\\?" : "?");
            break;
        default:
            if (*p < 0x20 || *p >= 0x7f)
                mcc_buf_printf(b, "\\%03o", *p);
            else
                mcc_buf_putc(b, (char)*p);
        }
    }
}

/* C11 5.2.4.1: 4095 characters in a string literal; the escapes of
 * cg_put_cstr never decode to more than the text's own bytes. */
#define MAX_LITERAL 4095

const char *cg_cstr(cgen *g, const char *s)
{
    if (s && g->names && strlen(s) > MAX_LITERAL)
        return cg_long_text(g, s);
    mcc_buf b = {0};
    mcc_buf_putc(&b, '"');
    cg_put_cstr(&b, s ? s : "");
    mcc_buf_putc(&b, '"');
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "\"\"");
    mcc_buf_free(&b);
    return r;
}

/* Inside a block comment: control bytes become spaces (no line ends
 * inside), "*" "/" and "/" "*" get a space between them, a second '?' of
 * "??" becomes '_' (no trigraph), a backslash is followed by a space when
 * the text ends or a line break may follow (no line splice).  Bytes of
 * 0x80 and above (UTF-8) are kept. */
void cg_put_comment_text(mcc_buf *b, const char *s)
{
    unsigned char prev = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char ch = (*p < 0x20 || *p == 0x7f) ? ' ' : *p;
        if ((prev == '*' && ch == '/') || (prev == '/' && ch == '*'))
            mcc_buf_putc(b, ' ');
        if (prev == '?' && ch == '?') {
            mcc_buf_putc(b, '_');
            prev = '_';
            continue;
        }
        mcc_buf_putc(b, (char)ch);
        if (ch == '\\' && (p[1] == '\0' || p[1] <= ' '))
            mcc_buf_putc(b, ' ');
        prev = ch;
    }
}

void cg_commentf(mcc_buf *b, const char *fmt, ...)
{
    mcc_buf text = {0};
    va_list ap;
    va_start(ap, fmt);
    mcc_buf_vprintf(&text, fmt, ap);
    va_end(ap);
    mcc_buf_put(b, "/* ");
    cg_put_comment_text(b, text.data ? text.data : "");
    mcc_buf_put(b, " */\n");
    if (text.failed)
        b->failed = 1;
    mcc_buf_free(&text);
}

/* Length of the printf conversion at p (just after '%'): flags, width,
 * precision, length modifiers and the conversion letter. */
static size_t conversion_len(const char *p)
{
    size_t n = strspn(p, "-+ #0123456789.*hlLzjt");
    return p[n] ? n + 1 : n;
}

/* Text made only of letters, digits and '_' (every C identifier, most
 * table names) is the same as a fixed literal: nothing in it can be read
 * as a conversion or an escape, so it stays in the format, readable. */
static bool inert(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

const char *cg_erra(cgen *g, const char *db, const char *status, const char *fmt, const char *const *args)
{
    mcc_buf f = {0}, list = {0};
    size_t k = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            mcc_buf_putc(&f, *p);
            continue;
        }
        if (p[1] == '%') {
            mcc_buf_put(&f, "%%");
            p++;
        } else if (p[1] == 'T') {
            const char *text = args[k++];
            if (inert(text)) {
                mcc_buf_put(&f, text);
            } else {
                mcc_buf_put(&f, "%s");
                mcc_buf_printf(&list, ", %s", cg_cstr(g, text));
            }
            p++;
        } else {
            size_t n = conversion_len(p + 1);
            mcc_buf_putc(&f, '%');
            mcc_buf_putn(&f, p + 1, n);
            mcc_buf_printf(&list, ", %s", args[k++]);
            p += n;
        }
    }
    const char *r = mcc_arena_printf(g->arena, "mc_set_error(%s, %s, %s%s)", db, status,
                                    cg_cstr(g, f.data ? f.data : ""), list.data ? list.data : "");
    mcc_buf_free(&f);
    mcc_buf_free(&list);
    return r;
}

const char *cg_errf(cgen *g, const char *db, const char *status, const char *fmt, ...)
{
    const char *args[16] = {0};
    size_t n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p && n < 16; p++)
        if (*p == '%' && *++p != '%')
            args[n++] = va_arg(ap, const char *);
    va_end(ap);
    return cg_erra(g, db, status, fmt, args);
}
