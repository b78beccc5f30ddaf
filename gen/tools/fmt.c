/*
 * fmt.c -- see fmt.h.  The canonical layout:
 *
 *   - declarations separated by one blank line; a comment before a
 *     declaration keeps at most one blank line between them;
 *   - members on their own lines, indented by four spaces; blank lines
 *     between members kept, at most one; none after '{' or before '}';
 *   - in a model, field names padded to the longest name plus one space,
 *     types padded to the longest type that has attributes after it plus
 *     two (relationships do not widen the type column), attributes
 *     separated by one space;
 *   - calls written `name(a, b, key: value)`;
 *   - an enum on one line `enum E { a, b }` when it was on one line
 *     without comments, else one value per line;
 *   - a comment on the same line as what precedes it stays there, after
 *     one space; other comments get the indentation of their block.
 *
 * Where a comment sits inside a construct the layout would reflow (inside
 * a member's parentheses, inside a declaration's header), or the author
 * broke it over several lines (inside parentheses), that member or
 * declaration is copied as written instead, so that no comment moves and
 * no deliberate line break is undone.  A query's header is written
 * `query name(a Type, b Type?) -> Result {` when it stands on one line
 * without comments (else as written); its SQL body is copied byte for
 * byte, since SQL stays as its author wrote it.
 */
#include "fmt.h"

#include <stdlib.h>
#include <string.h>

/* What the walker needs to know about one file. */
typedef struct fmt {
    const mcc_source *src;
    const mcc_comments *comments;
    size_t next_comment;    /* the first comment not yet written or skipped */
    mcc_buf *out;
} fmt;

/* ---- source text -------------------------------------------------------- */

static void put_span(fmt *f, mcc_span s) { mcc_buf_putn(f->out, f->src->text + s.off, s.len); }

static size_t count_newlines(const fmt *f, uint32_t from, uint32_t to)
{
    size_t n = 0;
    for (uint32_t i = from; i < to && i < f->src->len; i++)
        n += f->src->text[i] == '\n';
    return n;
}

static uint32_t span_end(mcc_span s) { return s.off + s.len; }

/* A comment as written, without the trailing blanks of a line comment. */
static void put_comment(fmt *f, mcc_span c)
{
    const char *t = f->src->text + c.off;
    size_t n = c.len;
    if (n >= 2 && t[0] == '/' && t[1] == '*') {
        mcc_buf_putn(f->out, t, n);
        return;
    }
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r' || t[n - 1] == '\f' ||
                     t[n - 1] == '\v'))
        n--;
    mcc_buf_putn(f->out, t, n);
}

/* Is there a comment starting in [from, to)?  Does not consume it. */
static int comment_within(const fmt *f, uint32_t from, uint32_t to)
{
    for (size_t i = f->next_comment; i < f->comments->n; i++) {
        uint32_t off = f->comments->items[i].off;
        if (off >= to)
            return 0;
        if (off >= from)
            return 1;
    }
    return 0;
}

/* Consumes the comments that start before `to` (they were copied with a
 * construct written as is). */
static void skip_comments_before(fmt *f, uint32_t to)
{
    while (f->next_comment < f->comments->n && f->comments->items[f->next_comment].off < to)
        f->next_comment++;
}

/* The offset of the next byte at or after `from` that is neither blank
 * nor inside a comment. */
static uint32_t next_token(const fmt *f, uint32_t from)
{
    uint32_t i = from;
    size_t c = 0;
    while (i < f->src->len) {
        while (c < f->comments->n && span_end(f->comments->items[c]) <= i)
            c++;
        if (c < f->comments->n && f->comments->items[c].off == i) {
            i = span_end(f->comments->items[c]);
            continue;
        }
        char ch = f->src->text[i];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f' && ch != '\v')
            return i;
        i++;
    }
    return i;
}

/* ---- calls ---------------------------------------------------------------- */

static void put_value(fmt *f, const mcc_value *v)
{
    put_span(f, v->at);
    if (v->kind == MCC_V_PATH) {
        mcc_buf_putc(f->out, '.');
        put_span(f, v->member_at);
    }
    if (v->modifier) {
        mcc_buf_putc(f->out, ' ');
        put_span(f, v->modifier_at);
    }
}

/* `name` or `name(a, key: v)`. */
static void put_call(fmt *f, const mcc_call *c)
{
    put_span(f, c->at);
    if (!c->has_parens)
        return;
    mcc_buf_putc(f->out, '(');
    for (const mcc_arg *a = c->args; a; a = a->next) {
        if (a->key) {
            put_span(f, a->key_at);
            mcc_buf_put(f->out, ": ");
        }
        put_value(f, &a->val);
        if (a->next)
            mcc_buf_put(f->out, ", ");
    }
    mcc_buf_putc(f->out, ')');
}

static size_t call_width(fmt *f, const mcc_call *c)
{
    size_t before = f->out->len;
    put_call(f, c);
    size_t n = f->out->len - before;
    f->out->len = before;
    if (f->out->data)
        f->out->data[before] = '\0';
    return n;
}

static void pad(fmt *f, size_t n)
{
    while (n-- > 0)
        mcc_buf_putc(f->out, ' ');
}

/* ---- blocks: the members of a model, the values of an enum -------------- */

/* One line of a block: a member, an enum value or a comment. */
typedef struct item {
    mcc_span span;
    const mcc_member *member;    /* NULL for a comment or an enum value */
    int is_comment;
    int verbatim;               /* a comment inside it: copy it as written */
} item;

typedef struct block {
    item *items;
    size_t n;
    size_t name_w, type_w;      /* the aligned columns of a model's fields */
} block;

/* Collects the block's items and the comments between `open` ('{') and
 * `close` ('}'), in source order.  items has room for every member and
 * comment. */
static void collect(fmt *f, block *b, const mcc_span *spans, const mcc_member *const *members, size_t n,
                    uint32_t open, uint32_t close)
{
    size_t k = 0;
    for (size_t i = 0;; i++) {
        uint32_t next = i < n ? spans[i].off : close;
        while (f->next_comment < f->comments->n && f->comments->items[f->next_comment].off < next) {
            mcc_span c = f->comments->items[f->next_comment++];
            if (c.off > open)
                b->items[k++] = (item){.span = c, .is_comment = 1};
        }
        if (i == n)
            break;
        item it = {.span = spans[i], .member = members ? members[i] : NULL};
        it.verbatim = comment_within(f, spans[i].off, span_end(spans[i])) ||
                      count_newlines(f, spans[i].off, span_end(spans[i])) > 0;
        skip_comments_before(f, span_end(spans[i]));
        b->items[k++] = it;
    }
    b->n = k;
}

/* The aligned columns: every field's name; the type of a field followed
 * by attributes (not a relationship, which would push the attributes of
 * every other field far right). */
static void measure(fmt *f, block *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const mcc_member *m = b->items[i].member;
        if (!m || b->items[i].verbatim || m->kind != MCC_M_FIELD)
            continue;
        if (m->at.len > b->name_w)
            b->name_w = m->at.len;
        if (m->attrs && strcmp(m->type->name, "relationship") != 0) {
            size_t w = call_width(f, m->type);
            if (w > b->type_w)
                b->type_w = w;
        }
    }
}

static void put_member(fmt *f, const block *b, const item *it)
{
    const mcc_member *m = it->member;
    if (it->verbatim || !m) {
        put_span(f, it->span);
        return;
    }
    if (m->kind == MCC_M_DIRECTIVE) {
        put_call(f, m->directive);
        return;
    }
    put_span(f, m->at);
    pad(f, b->name_w + 1 - m->at.len);
    size_t w = call_width(f, m->type);
    put_call(f, m->type);
    if (!m->attrs)
        return;
    pad(f, (w < b->type_w ? b->type_w - w : 0) + 2);
    for (const mcc_call *a = m->attrs; a; a = a->next) {
        put_call(f, a);
        if (a->next)
            mcc_buf_putc(f->out, ' ');
    }
}

/* Writes the block's lines after the header's '{' at `open`, then the
 * closing '}' on its own line. */
static void put_block(fmt *f, const block *b, uint32_t open)
{
    uint32_t prev_end = open + 1;
    for (size_t i = 0; i < b->n; i++) {
        const item *it = &b->items[i];
        size_t nl = count_newlines(f, prev_end, it->span.off);
        if (it->is_comment && nl == 0) {
            mcc_buf_putc(f->out, ' ');
        } else {
            mcc_buf_putc(f->out, '\n');
            if (i > 0 && nl >= 2)
                mcc_buf_putc(f->out, '\n');
            mcc_buf_put(f->out, "    ");
        }
        if (it->is_comment)
            put_comment(f, it->span);
        else
            put_member(f, b, it);
        prev_end = span_end(it->span);
    }
    mcc_buf_put(f->out, "\n}");
}

/* ---- declarations --------------------------------------------------------- */

static size_t count_members(const mcc_decl *d)
{
    size_t n = 0;
    if (d->kind == MCC_D_MODEL)
        for (const mcc_member *m = d->members; m; m = m->next)
            n++;
    else
        for (const mcc_enum_value *v = d->values; v; v = v->next)
            n++;
    return n;
}

/* A model or an enum: the header, then its block.  Returns -1 when out of
 * memory. */
static int put_model_or_enum(fmt *f, const mcc_decl *d, uint32_t open)
{
    uint32_t close = span_end(d->span) - 1;
    size_t n = count_members(d);
    size_t ncomments = f->comments->n - f->next_comment;
    mcc_span *spans = calloc(n + 1, sizeof *spans);
    const mcc_member **members = calloc(n + 1, sizeof *members);
    block b = {.items = calloc(n + ncomments + 1, sizeof *b.items)};
    if (!spans || !members || !b.items) {
        free(spans);
        free(members);
        free(b.items);
        f->out->failed = 1;
        return -1;
    }
    size_t i = 0;
    if (d->kind == MCC_D_MODEL) {
        for (const mcc_member *m = d->members; m; m = m->next, i++) {
            spans[i] = m->span;
            members[i] = m;
        }
    } else {
        for (const mcc_enum_value *v = d->values; v; v = v->next, i++)
            spans[i] = v->at;
    }
    int one_line = d->kind == MCC_D_ENUM && count_newlines(f, open, close) == 0 && !comment_within(f, open, close);
    collect(f, &b, spans, d->kind == MCC_D_MODEL ? members : NULL, n, open, close);
    skip_comments_before(f, close);

    mcc_buf_put(f->out, d->kind == MCC_D_MODEL ? "model " : "enum ");
    put_span(f, d->at);
    if (d->table) {
        mcc_buf_put(f->out, " table ");
        put_span(f, d->table_at);
    }
    mcc_buf_put(f->out, " {");
    if (one_line) {
        for (size_t k = 0; k < b.n; k++) {
            mcc_buf_put(f->out, k ? ", " : " ");
            put_span(f, b.items[k].span);
        }
        mcc_buf_put(f->out, b.n ? " }" : "}");
    } else {
        measure(f, &b);
        put_block(f, &b, open);
    }
    free(spans);
    free(members);
    free(b.items);
    return f->out->failed ? -1 : 0;
}

/* ---- queries -------------------------------------------------------------- */

/* `a Type, b Type?`: a query's parameters or its row's columns. */
static void put_qfields(fmt *f, const mcc_qfield *q)
{
    for (; q; q = q->next) {
        put_span(f, q->at);
        mcc_buf_putc(f->out, ' ');
        put_call(f, q->type);
        if (q->nullable)
            mcc_buf_putc(f->out, '?');
        if (q->next)
            mcc_buf_put(f->out, ", ");
    }
}

/* A query declaration with its header laid out: `query name(params)`,
 * ` -> Result` when it has one, ` {`, then the body from the brace on as
 * written.  Returns 1 (nothing written) when the header is not on one line
 * or holds a comment: then it is copied as written. */
static int put_query(fmt *f, const mcc_decl *d)
{
    if (d->sql_at.off == 0 || d->sql_at.off <= d->span.off)
        return 1;
    uint32_t open = d->sql_at.off - 1;  /* the '{' before the body */
    if (f->src->text[open] != '{' || comment_within(f, d->span.off, open) ||
        memchr(f->src->text + d->span.off, '\n', open - d->span.off))
        return 1;
    mcc_buf_put(f->out, "query ");
    put_span(f, d->at);
    mcc_buf_putc(f->out, '(');
    put_qfields(f, d->params);
    mcc_buf_putc(f->out, ')');
    if (d->result_form != MCC_QF_NONE) {
        mcc_buf_put(f->out, " -> ");
        if (d->result_form == MCC_QF_NAMED) {
            put_call(f, d->result_type);
        } else {
            mcc_buf_putc(f->out, '(');
            put_qfields(f, d->result_cols);
            mcc_buf_putc(f->out, ')');
        }
        mcc_buf_put(f->out, d->result_shape == MCC_QS_LIST ? "[]" : d->result_shape == MCC_QS_OPT ? "?" : "");
    }
    mcc_buf_put(f->out, " ");
    mcc_buf_putn(f->out, f->src->text + open, span_end(d->span) - open);
    return 0;
}

/* One declaration: laid out, or copied as written when a comment sits in
 * its header (or, for a query, the header spans lines). */
static int put_decl(fmt *f, const mcc_decl *d)
{
    if (d->kind == MCC_D_MODEL || d->kind == MCC_D_ENUM) {
        uint32_t header_end = d->table ? span_end(d->table_at) : span_end(d->at);
        uint32_t open = next_token(f, header_end);
        if (open < f->src->len && f->src->text[open] == '{' && !comment_within(f, d->span.off, open) &&
            d->span.len > 0)
            return put_model_or_enum(f, d, open);
    } else if (d->kind == MCC_D_QUERY && put_query(f, d) == 0) {
        skip_comments_before(f, span_end(d->span));
        return 0;
    }
    put_span(f, d->span);
    skip_comments_before(f, span_end(d->span));
    return 0;
}

/* ---- the file ------------------------------------------------------------- */

int mcc_fmt(const mcc_source *src, const mcc_ast *ast, const mcc_comments *comments, mcc_buf *out)
{
    fmt f = {.src = src, .comments = comments, .out = out};
    enum { NOTHING, DECL, COMMENT } prev = NOTHING;
    uint32_t prev_end = 0;
    if (src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0)
        mcc_buf_putn(out, src->text, 3);
    const mcc_decl *d = ast->decls;
    for (;;) {
        int comment_next = f.next_comment < comments->n &&
                           (!d || comments->items[f.next_comment].off < d->span.off);
        if (!comment_next && !d)
            break;
        mcc_span at = comment_next ? comments->items[f.next_comment] : d->span;
        size_t nl = count_newlines(&f, prev_end, at.off);
        int trailing = comment_next && prev != NOTHING && nl == 0;
        if (trailing) {
            mcc_buf_putc(out, ' ');
        } else if (prev != NOTHING) {
            mcc_buf_putc(out, '\n');
            if (prev == DECL || nl >= 2)
                mcc_buf_putc(out, '\n');
        }
        if (comment_next) {
            put_comment(&f, at);
            f.next_comment++;
            /* a comment after a declaration's '}' belongs to that line */
            if (!trailing)
                prev = COMMENT;
        } else {
            if (put_decl(&f, d) != 0)
                return -1;
            d = d->next;
            prev = DECL;
        }
        prev_end = span_end(at);
    }
    if (prev != NOTHING)
        mcc_buf_putc(out, '\n');
    return out->failed ? -1 : 0;
}
