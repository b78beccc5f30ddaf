/* diag.c -- see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    d->color = !emit && mc_color_wanted(2);
}

int mc_color_wanted(int fd)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    if (no && no[0])
        return 0;
    if (!term || !term[0] || strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fd);
}

static void deliver(mc_diag *d, const char *text)
{
    if (d->emit)
        d->emit(d->ctx, text);
    else
        fputs(text, stderr);
}

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Length of the valid UTF-8 character at t[i] (i < end), or 0 when the
 * byte there does not start one.  An invalid byte is shown as '?' and
 * counts as one column. */
static size_t glyph(const char *t, size_t i, size_t end)
{
    const unsigned char *s = (const unsigned char *)t;
    unsigned char c = s[i];
    if (c < 0x80)
        return 1;
    size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > end)
        return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;
    else if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (!is_cont(s[i + k]))
            return 0;
    return n;
}

/* Steps over one column's worth of bytes. */
static size_t next_col(const char *t, size_t i, size_t end)
{
    size_t g = glyph(t, i, end);
    return i + (g ? g : 1);
}

void mc_diag_linecol(const mc_source *src, uint32_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    if (off > src->len)
        off = (uint32_t)src->len;
    for (size_t i = 0; i < off;) {
        if (src->text[i] == '\n') {
            l++;
            c = 1;
            i++;
        } else {
            c++;
            i = next_col(src->text, i, src->len);
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
static void show_line(sbuf *b, const mc_source *src, uint32_t off, uint32_t len, int color)
{
    if (off > src->len)
        off = (uint32_t)src->len;
    size_t start = off, end = off;
    while (start > 0 && src->text[start - 1] != '\n')
        start--;
    while (end < src->len && src->text[end] != '\n' && src->text[end] != '\r')
        end++;
    /* Window a line too long to show whole around the offending token;
     * "..." marks what is left out. */
    size_t from = start, to = end;
    int cut_left = 0, cut_right = 0;
    if (end - start > MC_LINE_WINDOW) {
        if (off - start > MC_LINE_WINDOW / 2) {
            from = off - MC_LINE_WINDOW / 2;
            while (from > start && is_cont((unsigned char)src->text[from]))
                from--;
            cut_left = from > start;
        }
        if (end - from > MC_LINE_WINDOW) {
            to = from + MC_LINE_WINDOW;
            while (to < end && is_cont((unsigned char)src->text[to]))
                to++;
            cut_right = to < end;
        }
    }

    /* Source line: control bytes and bytes that are not UTF-8 are shown
     * as '?', one column each, as mc_diag_linecol counts them. */
    sb_put(b, cut_left ? "    ..." : "    ", cut_left ? 7 : 4);
    for (size_t i = from; i < to;) {
        unsigned char ch = (unsigned char)src->text[i];
        size_t g = glyph(src->text, i, to);
        if (g > 1) {
            sb_put(b, src->text + i, g);
            i += g;
            continue;
        }
        char c = (char)ch;
        if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
            c = '?';
        sb_put(b, &c, 1);
        i++;
    }
    if (cut_right)
        sb_put(b, "...", 3);
    sb_put(b, cut_left ? "\n       " : "\n    ", cut_left ? 8 : 5);
    for (size_t i = from; i < off && i < to; i = next_col(src->text, i, to))
        sb_put(b, src->text[i] == '\t' ? "\t" : " ", 1);
    if (color)
        sb_put(b, MC_COLOR_CARET, strlen(MC_COLOR_CARET));
    sb_put(b, "^", 1);
    /* Underline the rest of the token, within the line. */
    size_t tok_end = off + len;
    if (tok_end > to)
        tok_end = to;
    if (off < tok_end)
        for (size_t i = next_col(src->text, off, to); i < tok_end; i = next_col(src->text, i, to))
            sb_put(b, "~", 1);
    if (color)
        sb_put(b, MC_COLOR_RESET, strlen(MC_COLOR_RESET));
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
    const char *on = d->color ? MC_COLOR_BOLD : "", *err = d->color ? MC_COLOR_ERROR : "",
               *off_ = d->color ? MC_COLOR_RESET : "";
    sb_printf(&b, "%s%s:%u:%u: %serror:%s%s ", on, d->src->path, line, col, err, off_, on);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    sb_printf(&b, "%s\n", off_);
    show_line(&b, d->src, off, len, d->color);
    if (hint)
        sb_printf(&b, "    %shint:%s %s\n", d->color ? MC_COLOR_HINT : "", off_, hint);
    if (b.p)
        deliver(d, b.p);
    free(b.p);
}

/* "path: error: message\n" (place and message bold, "error:" red on a
 * terminal), then "  hint: ...\n" when hint is not NULL. */
static void plain(mc_diag *d, const char *hint, const char *fmt, va_list ap)
{
    int full = mc_diag_full(d);
    d->n_errors++;
    if (full)
        return;
    sbuf b = {0};
    const char *on = d->color ? MC_COLOR_BOLD : "", *off_ = d->color ? MC_COLOR_RESET : "";
    sb_printf(&b, "%s%s: %serror:%s%s ", on, d->src && d->src->path ? d->src->path : "modelc",
              d->color ? MC_COLOR_ERROR : "", off_, on);
    sb_vprintf(&b, fmt, ap);
    sb_printf(&b, "%s\n", off_);
    if (hint)
        sb_printf(&b, "  %shint:%s %s\n", d->color ? MC_COLOR_HINT : "", off_, hint);
    if (b.p)
        deliver(d, b.p);
    free(b.p);
}

void mc_error_plain(mc_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    plain(d, NULL, fmt, ap);
    va_end(ap);
}

void mc_error_hint(mc_diag *d, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    plain(d, hint, fmt, ap);
    va_end(ap);
}

void mc_error_in(mc_diag *d, const char *place, const char *hint, const char *fmt, ...)
{
    d->n_errors++;
    sbuf b = {0};
    sb_printf(&b, "%s: ", place ? place : d->place ? d->place : "modelc");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    sb_put(&b, "\n", 1);
    if (hint)
        sb_printf(&b, "  hint: %s\n", hint);
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

/* Edit distance counting an adjacent transposition as one edit ("Jsno"
 * is one step from "JSON"), ignoring ASCII case. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    static const size_t W = 65;
    size_t d[65 * 65];
    for (size_t i = 0; i <= la; i++)
        d[i * W] = i;
    for (size_t j = 0; j <= lb; j++)
        d[j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
            size_t best = d[(i - 1) * W + j - 1] + cost;
            if (d[(i - 1) * W + j] + 1 < best)
                best = d[(i - 1) * W + j] + 1;
            if (d[i * W + j - 1] + 1 < best)
                best = d[i * W + j - 1] + 1;
            if (i > 1 && j > 1 && (a[i - 1] | 0x20) == (b[j - 2] | 0x20) &&
                (a[i - 2] | 0x20) == (b[j - 1] | 0x20) && d[(i - 2) * W + j - 2] + 1 < best)
                best = d[(i - 2) * W + j - 2] + 1;
            d[i * W + j] = best;
        }
    }
    return d[la * W + lb];
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
