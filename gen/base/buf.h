/*
 * buf.h -- a growing text buffer with println-style helpers that keep
 * indentation (as flatcc's emitters do).  Every emitter writes into one.
 * Out of memory is sticky: `failed` is set and later writes are dropped.
 */
#ifndef MCC_BUF_H
#define MCC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct mcc_buf {
    char *data;         /* NUL-terminated; owned by the buffer */
    size_t len, cap;
    int indent;         /* levels of 4 spaces applied by mcc_buf_line */
    int failed;
} mcc_buf;

void mcc_buf_put(mcc_buf *b, const char *s);
void mcc_buf_putn(mcc_buf *b, const char *s, size_t n);
void mcc_buf_putc(mcc_buf *b, char c);
void mcc_buf_printf(mcc_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mcc_buf_vprintf(mcc_buf *b, const char *fmt, va_list ap);
/* One indented line: indentation, formatted text, '\n'.  An empty fmt
 * gives an empty line with no trailing spaces. */
void mcc_buf_line(mcc_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mcc_buf_reset(mcc_buf *b);
void mcc_buf_free(mcc_buf *b);
/* Takes the text out of the buffer: the caller frees it; b is empty. */
char *mcc_buf_take(mcc_buf *b);

#endif
