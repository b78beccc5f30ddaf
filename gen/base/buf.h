/*
 * buf.h -- a growing text buffer with println-style helpers that keep
 * indentation (as flatcc's emitters do).  Every emitter writes into one.
 * Out of memory is sticky: `failed` is set and later writes are dropped.
 */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct mc_buf {
    char *data;         /* NUL-terminated; owned by the buffer */
    size_t len, cap;
    int indent;         /* levels of 4 spaces applied by mc_buf_line */
    int failed;
} mc_buf;

void mc_buf_put(mc_buf *b, const char *s);
void mc_buf_putn(mc_buf *b, const char *s, size_t n);
void mc_buf_putc(mc_buf *b, char c);
void mc_buf_printf(mc_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mc_buf_vprintf(mc_buf *b, const char *fmt, va_list ap);
/* One indented line: indentation, formatted text, '\n'.  An empty fmt
 * gives an empty line with no trailing spaces. */
void mc_buf_line(mc_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void mc_buf_reset(mc_buf *b);
void mc_buf_free(mc_buf *b);
/* Takes the text out of the buffer: the caller frees it; b is empty. */
char *mc_buf_take(mc_buf *b);

#endif
