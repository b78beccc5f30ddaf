/* diag.c -- see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MC_DEFAULT_MAX_ERRORS 20
#define MC_LINE_WINDOW 120   /* longest part of a source line shown */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_vprintf(sbuf *b, const char *fmt, va_list ap)
{
    char tmp[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof tmp) {
        sb_put(b, tmp, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            sb_put(b, big, (size_t)n);
            free(big);
        }
    }
    va_end(ap2);
}

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

void mc_diag_init(mc_diag *d, const mc_source *src, mc_diag_fn emit, void *ctx)
{
    memset(d, 0, sizeof *d);
    d->src = src;
    d->emit = emit;
    d->ctx = ctx;
    d->max_errors = MC_DEFAULT_MAX_ERRORS;
}

static void deliver(mc_diag *d, const char *text)
{
    if (d->emit)
        d->emit(d->ctx, text);
    else
        fputs(text, stderr);
}

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

void mc_diag_linecol(const mc_source *src, uint32_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    if (off > src->len)
        off = (uint32_t)src->len;
    for (uint32_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)src->text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if (!is_cont(ch)) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

int mc_diag_full(const mc_diag *d)
{
    int max = d->max_errors > 0 ? d->max_errors : MC_DEFAULT_MAX_ERRORS;
    return d->n_errors >= max;
}

/* Appends the source line holding `off` and a caret line under it. */
static void show_line(sbuf *b, const mc_source *src, uint32_t off, uint32_t len)
{
    if (off > src->len)
        off = (uint32_t)src->len;
    size_t start = off, end = off;
    while (start > 0 && src->text[start - 1] != '\n')
        start--;
    while (end < src->len && src->text[end] != '\n' && src->text[end] != '\r')
        end++;
    /* Window very long lines around the offending token. */
    size_t from = start, to = end;
    if (off - from > MC_LINE_WINDOW / 2)
        from = off - MC_LINE_WINDOW / 2;
    while (from > start && from < src->len && is_cont((unsigned char)src->text[from]))
        from--;
    if (to - from > MC_LINE_WINDOW)
        to = from + MC_LINE_WINDOW;
    while (to < end && is_cont((unsigned char)src->text[to]))
        to++;

    /* Source line: control and stray bytes are shown as '?'. */
    sb_put(b, "    ", 4);
    for (size_t i = from; i < to; i++) {
        unsigned char ch = (unsigned char)src->text[i];
        char c = (char)ch;
        if (ch < 0x20 && ch != '\t')
            c = '?';
        else if (ch == 0x7f)
            c = '?';
        sb_put(b, &c, 1);
    }
    sb_put(b, "\n    ", 5);
    for (size_t i = from; i < off && i < to; i++) {
        unsigned char ch = (unsigned char)src->text[i];
        if (is_cont(ch))
            continue;
        sb_put(b, ch == '\t' ? "\t" : " ", 1);
    }
    sb_put(b, "^", 1);
    /* Underline the rest of the token, within the line. */
    size_t tok_end = off + len;
    if (tok_end > to)
        tok_end = to;
    for (size_t i = off + 1; i < tok_end; i++)
        if (!is_cont((unsigned char)src->text[i]))
            sb_put(b, "~", 1);
    sb_put(b, "\n", 1);
}

void mc_error_at(mc_diag *d, uint32_t off, uint32_t len, const char *hint,
                 const char *fmt, ...)
{
    int full = mc_diag_full(d);
    d->n_errors++;
    if (full)
        return;
    sbuf b = {0};
    unsigned line, col;
    mc_diag_linecol(d->src, off, &line, &col);
    sb_printf(&b, "%s:%u:%u: error: ", d->src->path, line, col);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    sb_put(&b, "\n", 1);
    show_line(&b, d->src, off, len);
    if (hint)
        sb_printf(&b, "    hint: %s\n", hint);
    if (b.p)
        deliver(d, b.p);
    free(b.p);
}

void mc_error_plain(mc_diag *d, const char *fmt, ...)
{
    int full = mc_diag_full(d);
    d->n_errors++;
    if (full)
        return;
    sbuf b = {0};
    sb_printf(&b, "%s: error: ", d->src && d->src->path ? d->src->path : "modelc");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    sb_put(&b, "\n", 1);
    if (b.p)
        deliver(d, b.p);
    free(b.p);
}

void mc_diag_finish(mc_diag *d)
{
    int max = d->max_errors > 0 ? d->max_errors : MC_DEFAULT_MAX_ERRORS;
    if (d->n_errors > max) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: too many errors (%d), only the first %d shown\n",
                 d->src && d->src->path ? d->src->path : "modelc", d->n_errors, max);
        deliver(d, msg);
    }
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *mc_closest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    size_t wl = strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t dist = edit_distance(word, cands[i]);
        if (dist < best_d) {
            best_d = dist;
            best = cands[i];
        }
    }
    /* Close enough: at most a third of the word's length, at least 1. */
    size_t limit = wl / 3 > 0 ? wl / 3 : 1;
    if (limit > 3)
        limit = 3;
    return best && best_d <= limit ? best : NULL;
}
