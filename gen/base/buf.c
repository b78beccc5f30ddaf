/* buf.c -- see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(mcc_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void mcc_buf_putn(mcc_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mcc_buf_put(mcc_buf *b, const char *s) { mcc_buf_putn(b, s, strlen(s)); }

void mcc_buf_putc(mcc_buf *b, char c) { mcc_buf_putn(b, &c, 1); }

void mcc_buf_vprintf(mcc_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !grow(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void mcc_buf_printf(mcc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mcc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void mcc_buf_line(mcc_buf *b, const char *fmt, ...)
{
    if (fmt[0]) {
        for (int i = 0; i < b->indent; i++)
            mcc_buf_put(b, "    ");
        va_list ap;
        va_start(ap, fmt);
        mcc_buf_vprintf(b, fmt, ap);
        va_end(ap);
    }
    mcc_buf_putc(b, '\n');
}

void mcc_buf_reset(mcc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void mcc_buf_free(mcc_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

char *mcc_buf_take(mcc_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    memset(b, 0, sizeof *b);
    return p;
}
