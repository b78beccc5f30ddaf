/* diag.c -- see diag.h. */
#include "diag.h"
#include "arena.h"
#include "buf.h"
#include "valuecheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MCC_DEFAULT_MAX_ERRORS 20
#define MCC_LINE_WINDOW 120   /* longest part of a source line shown */

void mcc_diag_init(mcc_diag *d, const mcc_source *src, mcc_diag_fn emit, void *ctx)
{
    memset(d, 0, sizeof *d);
    d->src = src;
    d->emit = emit;
    d->ctx = ctx;
    d->max_errors = MCC_DEFAULT_MAX_ERRORS;
    d->color = !emit && mcc_color_wanted(2);
}

bool mcc_color_wanted(int fd)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    if (no && no[0])
        return false;
    if (!term || !term[0] || strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}

/* Hands one rendered message to the sink. */
static void deliver(mcc_diag *d, const char *text)
{
    if (d->emit)
        d->emit(d->ctx, text);
    else
        fputs(text, stderr);
}

/* ---- holding back (mcc_diag_hold) ------------------------------------------ */

typedef struct held_msg {
    uint32_t off;       /* place in the source */
    size_t seq;         /* order reported, for ties */
    char *text;         /* rendered, malloc'd */
} held_msg;

struct mcc_diag_held {
    held_msg *v;
    size_t n, cap;
    size_t keep;        /* only the `keep` earliest by place are kept */
    size_t seq;
    int base;           /* n_errors when holding began */
};

/* Source order: by place, then by the order reported. */
static int cmp_held(const void *a, const void *b)
{
    const held_msg *x = a, *y = b;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Index of the kept message that comes last in source order (n > 0). */
static size_t last_held(const mcc_diag_held *h)
{
    size_t worst = 0;
    for (size_t i = 1; i < h->n; i++)
        if (cmp_held(&h->v[i], &h->v[worst]) > 0)
            worst = i;
    return worst;
}

/* Would an error at off be kept?  Not when as many as will show are kept
 * already and every one of them comes before it. */
static bool held_wants(const mcc_diag_held *h, uint32_t off)
{
    return h->n < h->keep || h->n == 0 || off < h->v[last_held(h)].off;
}

/* Keeps a rendered message (taking ownership of text), then drops the
 * latest kept one if that makes one too many. */
static void hold_msg(mcc_diag_held *h, uint32_t off, char *text)
{
    if (h->n == h->cap) {
        size_t ncap = h->cap ? h->cap * 2 : 16;
        held_msg *v = realloc(h->v, ncap * sizeof *v);
        if (!v) {
            free(text);
            return;
        }
        h->v = v;
        h->cap = ncap;
    }
    h->v[h->n++] = (held_msg){off, h->seq++, text};
    if (h->n > h->keep) {
        size_t w = last_held(h);
        free(h->v[w].text);
        h->v[w] = h->v[--h->n];
    }
}

bool mcc_diag_hold(mcc_diag *d)
{
    mcc_diag_held *h = calloc(1, sizeof *h);
    if (!h)
        return false;
    int max = d->max_errors > 0 ? d->max_errors : MCC_DEFAULT_MAX_ERRORS;
    h->base = d->n_errors;
    h->keep = d->n_errors < max ? (size_t)(max - d->n_errors) : 1;
    d->held = h;
    return true;
}

/* Delivers the kept messages in source order, as many as the cap lets
 * through counting from where holding began; every error was counted in
 * n_errors when it was reported. */
void mcc_diag_release(mcc_diag *d)
{
    mcc_diag_held *h = d->held;
    if (!h)
        return;
    d->held = NULL;
    int max = d->max_errors > 0 ? d->max_errors : MCC_DEFAULT_MAX_ERRORS;
    if (h->n)
        qsort(h->v, h->n, sizeof *h->v, cmp_held);
    for (size_t i = 0; i < h->n; i++) {
        if (h->base + (long long)i < max)
            deliver(d, h->v[i].text);
        free(h->v[i].text);
    }
    free(h->v);
    free(h);
}

/* The end of every report: a message rendered into b (owned) for place
 * off goes to the sink, or is held back while holding. */
static void take(mcc_diag *d, uint32_t off, mcc_buf *b)
{
    if (!b->data)
        return;
    if (d->held)
        hold_msg(d->held, off, mcc_buf_take(b));
    else
        deliver(d, b->data);
    mcc_buf_free(b);
}

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Length of the valid UTF-8 character at t[i] (i < end), or 0 when the
 * byte there does not start one (the runtime's check, valuecheck.h).  An
 * invalid byte is shown as '?' and counts as one column. */
static size_t glyph(const char *t, size_t i, size_t end)
{
    return mci_utf8_seq((const unsigned char *)t + i, end - i);
}

/* Steps over one column's worth of bytes. */
static size_t next_col(const char *t, size_t i, size_t end)
{
    size_t g = glyph(t, i, end);
    return i + (g ? g : 1);
}

void mcc_diag_linecol(const mcc_source *src, uint32_t off, unsigned *line, unsigned *col)
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

bool mcc_diag_full(const mcc_diag *d)
{
    int max = d->max_errors > 0 ? d->max_errors : MCC_DEFAULT_MAX_ERRORS;
    return d->n_errors >= max;
}

/* Appends the source line holding `off` and a caret line under it. */
static void show_line(mcc_buf *b, const mcc_source *src, uint32_t off, uint32_t len, bool color)
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
    bool cut_left = false, cut_right = false;
    if (end - start > MCC_LINE_WINDOW) {
        if (off - start > MCC_LINE_WINDOW / 2) {
            from = off - MCC_LINE_WINDOW / 2;
            while (from > start && is_cont((unsigned char)src->text[from]))
                from--;
            cut_left = from > start;
        }
        if (end - from > MCC_LINE_WINDOW) {
            to = from + MCC_LINE_WINDOW;
            while (to < end && is_cont((unsigned char)src->text[to]))
                to++;
            cut_right = to < end;
        }
    }

    /* Source line: control bytes and bytes that are not UTF-8 are shown
     * as '?', one column each, as mcc_diag_linecol counts them. */
    mcc_buf_putn(b, cut_left ? "    ..." : "    ", cut_left ? 7 : 4);
    for (size_t i = from; i < to;) {
        unsigned char ch = (unsigned char)src->text[i];
        size_t g = glyph(src->text, i, to);
        if (g > 1) {
            mcc_buf_putn(b, src->text + i, g);
            i += g;
            continue;
        }
        char c = (char)ch;
        if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
            c = '?';
        mcc_buf_putn(b, &c, 1);
        i++;
    }
    if (cut_right)
        mcc_buf_putn(b, "...", 3);
    mcc_buf_putn(b, cut_left ? "\n       " : "\n    ", cut_left ? 8 : 5);
    for (size_t i = from; i < off && i < to; i = next_col(src->text, i, to))
        mcc_buf_putn(b, src->text[i] == '\t' ? "\t" : " ", 1);
    if (color)
        mcc_buf_putn(b, MCC_COLOR_CARET, strlen(MCC_COLOR_CARET));
    mcc_buf_putn(b, "^", 1);
    /* Underline the rest of the token, within the line. */
    size_t tok_end = off + len;
    if (tok_end > to)
        tok_end = to;
    if (off < tok_end)
        for (size_t i = next_col(src->text, off, to); i < tok_end; i = next_col(src->text, i, to))
            mcc_buf_putn(b, "~", 1);
    if (color)
        mcc_buf_putn(b, MCC_COLOR_RESET, strlen(MCC_COLOR_RESET));
    mcc_buf_putn(b, "\n", 1);
}

/* The located error: "path:line:col: error: message", the source line
 * with a caret under [off, off+len), then the hint when there is one. */
static void located(mcc_diag *d, uint32_t off, uint32_t len, const char *hint, const char *fmt, va_list ap)
{
    bool full = d->held ? !held_wants(d->held, off) : mcc_diag_full(d);
    d->n_errors++;
    if (full)
        return;
    mcc_buf b = {0};
    unsigned line, col;
    mcc_diag_linecol(d->src, off, &line, &col);
    const char *on = d->color ? MCC_COLOR_BOLD : "", *err = d->color ? MCC_COLOR_ERROR : "",
               *off_ = d->color ? MCC_COLOR_RESET : "";
    mcc_buf_printf(&b, "%s%s:%u:%u: %serror:%s%s ", on, d->src->path, line, col, err, off_, on);
    mcc_buf_vprintf(&b, fmt, ap);
    mcc_buf_printf(&b, "%s\n", off_);
    show_line(&b, d->src, off, len, d->color);
    if (hint)
        mcc_buf_printf(&b, "    %shint:%s %s\n", d->color ? MCC_COLOR_HINT : "", off_, hint);
    take(d, off, &b);
}

void mcc_error_at(mcc_diag *d, uint32_t off, uint32_t len, const char *hint,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    located(d, off, len, hint, fmt, ap);
    va_end(ap);
}

/* "path: error: message\n" (place and message bold, "error:" red on a
 * terminal), then "  hint: ...\n" when hint is not NULL. */
static void plain(mcc_diag *d, const char *hint, const char *fmt, va_list ap)
{
    bool full = d->held ? !held_wants(d->held, 0) : mcc_diag_full(d);
    d->n_errors++;
    if (full)
        return;
    mcc_buf b = {0};
    const char *on = d->color ? MCC_COLOR_BOLD : "", *off_ = d->color ? MCC_COLOR_RESET : "";
    mcc_buf_printf(&b, "%s%s: %serror:%s%s ", on, d->src && d->src->path ? d->src->path : "modelc",
              d->color ? MCC_COLOR_ERROR : "", off_, on);
    mcc_buf_vprintf(&b, fmt, ap);
    mcc_buf_printf(&b, "%s\n", off_);
    if (hint)
        mcc_buf_printf(&b, "  %shint:%s %s\n", d->color ? MCC_COLOR_HINT : "", off_, hint);
    take(d, 0, &b);
}

void mcc_error_plain(mcc_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    plain(d, NULL, fmt, ap);
    va_end(ap);
}

void mcc_error_hint(mcc_diag *d, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    plain(d, hint, fmt, ap);
    va_end(ap);
}

void mcc_error_near(mcc_diag *d, mcc_span at, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (at.len > 0 && d->src && d->src->text && (size_t)at.off + at.len <= d->src->len)
        located(d, at.off, at.len, hint, fmt, ap);
    else
        plain(d, hint, fmt, ap);
    va_end(ap);
}

void mcc_error_in(mcc_diag *d, const char *place, const char *hint, const char *fmt, ...)
{
    d->n_errors++;
    mcc_buf b = {0};
    mcc_buf_printf(&b, "%s: ", place ? place : d->place ? d->place : "modelc");
    va_list ap;
    va_start(ap, fmt);
    mcc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    mcc_buf_putn(&b, "\n", 1);
    if (hint)
        mcc_buf_printf(&b, "  hint: %s\n", hint);
    take(d, 0, &b);
}

void mcc_diag_finish(mcc_diag *d)
{
    int max = d->max_errors > 0 ? d->max_errors : MCC_DEFAULT_MAX_ERRORS;
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

const char *mcc_closest(const char *word, const char *const *cands, size_t n)
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

const char *mcc_hint_closest(struct mcc_arena *a, const char *word, const char *const *cands, size_t n,
                            unsigned flags)
{
    const char *best = mcc_closest(word, cands, n);
    if (best)
        return mcc_arena_printf(a, "did you mean '%s'?", best);
    if (!(flags & MCC_HINT_LIST))
        return NULL;
    mcc_buf b = {0};
    mcc_buf_put(&b, "expected one of: ");
    for (size_t i = 0; i < n; i++)
        mcc_buf_printf(&b, "%s%s", i ? ", " : "", cands[i]);
    const char *h = b.data ? mcc_arena_strdup(a, b.data) : NULL;
    mcc_buf_free(&b);
    return h;
}
