/* pg_expr.c -- see pg_expr.h.
 *
 * The text is cut into tokens (each remembering the blanks before it),
 * and rewritten in named passes that only mark tokens dropped or
 * replaced: drop_casts, unwrap_single, any_array_as_in, like_operators,
 * unwrap_whole.  The result is the kept tokens with their blanks.
 */
#include "pg_expr.h"
#include "buf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

typedef enum { TK_WORD, TK_QUOTED, TK_STRING, TK_NUMBER, TK_OP, TK_PUNCT } tk_kind;

typedef struct tok {
    tk_kind kind;
    size_t ws, start, len;  /* blanks from ws to start, then the token */
    bool drop;
    const char *repl;       /* printed instead of the token, or NULL */
} tok;

typedef struct toks {
    const char *s;
    tok *v;
    size_t n;
} toks;

/* ---- cutting ------------------------------------------------------------- */

/* A byte of an operator, as PostgreSQL's lexer takes them. */
static bool op_char(char c)
{
    return c && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

/* A byte of a word (a name or keyword). */
static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* The end of the literal or name opened by the quote at s[i] (doubled
 * quotes inside; backslash escapes too when `backslash`). */
static size_t quoted_end(const char *s, size_t i, char q, bool backslash)
{
    size_t j = i + 1;
    while (s[j]) {
        if (backslash && s[j] == '\\' && s[j + 1]) {
            j += 2;
            continue;
        }
        if (s[j] == q) {
            if (s[j + 1] == q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j++;
    }
    return j;
}

/* The length of the token at s[i] (not a blank), and its kind. */
static size_t token_at(const char *s, size_t i, tk_kind *kind)
{
    unsigned char c = (unsigned char)s[i];
    if ((c == 'E' || c == 'e') && s[i + 1] == '\'') {
        *kind = TK_STRING;
        return quoted_end(s, i + 1, '\'', true) - i;
    }
    if (c == '\'' || c == '"') {
        *kind = c == '\'' ? TK_STRING : TK_QUOTED;
        return quoted_end(s, i, (char)c, false) - i;
    }
    size_t j = i;
    if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[i + 1]))) {
        *kind = TK_NUMBER;
        while (isalnum((unsigned char)s[j]) || s[j] == '.' ||
               ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E')))
            j++;
        return j - i;
    }
    if (word_char(c)) {
        *kind = TK_WORD;
        while (word_char((unsigned char)s[j]))
            j++;
        return j - i;
    }
    if (c == ':' && s[i + 1] == ':') {
        *kind = TK_PUNCT;
        return 2;
    }
    if (op_char((char)c)) {
        *kind = TK_OP;
        while (op_char(s[j]))
            j++;
        return j - i;
    }
    *kind = TK_PUNCT;
    return 1;
}

/* Cuts s into tokens in arena memory; -1 when out of memory. */
static int cut(mcc_arena *a, const char *s, toks *out)
{
    size_t cap = 0, i = 0;
    out->s = s;
    out->v = NULL;
    out->n = 0;
    for (;;) {
        size_t ws = i;
        while (s[i] && isspace((unsigned char)s[i]))
            i++;
        if (!s[i])
            break;
        tok *t = MCC_ARENA_PUSH(a, out->v, out->n, cap);
        if (!t)
            return -1;
        t->ws = ws;
        t->start = i;
        t->len = token_at(s, i, &t->kind);
        i += t->len;
    }
    return 0;
}

/* ---- looking at tokens ----------------------------------------------------- */

/* Is token i exactly text? */
static bool is(const toks *x, size_t i, const char *text)
{
    const tok *t = &x->v[i];
    return strlen(text) == t->len && strncmp(x->s + t->start, text, t->len) == 0;
}

/* Is token i the keyword kw (case aside)? */
static bool is_kw(const toks *x, size_t i, const char *kw)
{
    const tok *t = &x->v[i];
    return t->kind == TK_WORD && strlen(kw) == t->len && strncasecmp(x->s + t->start, kw, t->len) == 0;
}

/* Is token i a word or a quoted name? */
static bool is_name(const toks *x, size_t i)
{
    return x->v[i].kind == TK_WORD || x->v[i].kind == TK_QUOTED;
}

/* The next kept token after i (x->n: none). */
static size_t next_kept(const toks *x, size_t i)
{
    for (i++; i < x->n && x->v[i].drop; i++)
        ;
    return i;
}

/* The kept token before i ((size_t)-1: none). */
static size_t prev_kept(const toks *x, size_t i)
{
    while (i-- > 0)
        if (!x->v[i].drop)
            return i;
    return (size_t)-1;
}

/* The kept token closing the bracket `open` ("(" or "[") at i; x->n when unbalanced. */
static size_t closing(const toks *x, size_t i, const char *open, const char *close)
{
    int depth = 0;
    for (size_t j = i; j < x->n; j = next_kept(x, j)) {
        if (is(x, j, open))
            depth++;
        else if (is(x, j, close) && --depth == 0)
            return j;
    }
    return x->n;
}

/* ---- the passes ------------------------------------------------------------ */

/* Words that continue a type's name after its first: character varying,
 * double precision, timestamp without time zone. */
static bool type_word(const toks *x, size_t i)
{
    static const char *const more[] = {"varying", "precision", "without", "with", "time", "zone"};
    for (size_t k = 0; k < sizeof more / sizeof more[0]; k++)
        if (is_kw(x, i, more[k]))
            return true;
    return false;
}

/* "::type" after a value: the type's (qualified) name, its words, its
 * modifier "(n[, m])" and any "[]". */
static void drop_casts(toks *x)
{
    for (size_t i = 0; i < x->n; i++) {
        if (!is(x, i, "::") || i + 1 >= x->n || !is_name(x, i + 1))
            continue;
        x->v[i].drop = x->v[i + 1].drop = true;
        size_t j = i + 1;
        while (j + 2 < x->n && is(x, j + 1, ".") && is_name(x, j + 2)) {
            x->v[j + 1].drop = x->v[j + 2].drop = true;
            j += 2;
        }
        while (j + 1 < x->n && type_word(x, j + 1))
            x->v[++j].drop = true;
        if (j + 1 < x->n && is(x, j + 1, "(")) {
            size_t k = j + 2;
            while (k < x->n && (x->v[k].kind == TK_NUMBER || is(x, k, ",")))
                k++;
            if (k < x->n && is(x, k, ")")) {
                for (size_t m = j + 1; m <= k; m++)
                    x->v[m].drop = true;
                j = k;
            }
        }
        while (j + 2 < x->n && is(x, j + 1, "[") && is(x, j + 2, "]")) {
            x->v[j + 1].drop = x->v[j + 2].drop = true;
            j += 2;
        }
        i = j;
    }
}

/* "(x)" around one word, name or literal, where the parenthesis is not
 * a call's or a list's (no name before it): "length((isbn))" is
 * "length(isbn)".  Until nothing changes. */
static void unwrap_single(toks *x)
{
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i < x->n; i++) {
            if (x->v[i].drop || !is(x, i, "("))
                continue;
            size_t p = prev_kept(x, i), k = next_kept(x, i), m = k < x->n ? next_kept(x, k) : x->n;
            if ((p != (size_t)-1 && (is_name(x, p) || is(x, p, "]"))) || m >= x->n || !is(x, m, ")"))
                continue;
            if (x->v[k].kind == TK_OP || x->v[k].kind == TK_PUNCT)
                continue;
            x->v[i].drop = x->v[m].drop = true;
            again = true;
        }
    }
}

/* "v = ANY (ARRAY[a, b])" is "v IN (a, b)"; "v <> ALL (ARRAY[...])" is
 * "v NOT IN (...)". */
static void any_array_as_in(toks *x)
{
    for (size_t i = 0; i < x->n; i++) {
        if (x->v[i].drop || x->v[i].kind != TK_OP)
            continue;
        bool any = is(x, i, "="), all = is(x, i, "<>");
        if (!any && !all)
            continue;
        size_t q = next_kept(x, i);
        size_t open = q < x->n ? next_kept(x, q) : x->n;
        size_t arr = open < x->n ? next_kept(x, open) : x->n;
        size_t lb = arr < x->n ? next_kept(x, arr) : x->n;
        if (lb >= x->n || !is_kw(x, q, any ? "ANY" : "ALL") || !is(x, open, "(") || !is_kw(x, arr, "ARRAY") ||
            !is(x, lb, "["))
            continue;
        size_t rb = closing(x, lb, "[", "]");
        size_t close = rb < x->n ? next_kept(x, rb) : x->n;
        if (close >= x->n || !is(x, close, ")"))
            continue;
        x->v[i].repl = any ? "IN" : "NOT IN";
        x->v[q].drop = x->v[arr].drop = x->v[lb].drop = x->v[rb].drop = true;
    }
}

/* PostgreSQL's names for LIKE and NOT LIKE. */
static void like_operators(toks *x)
{
    for (size_t i = 0; i < x->n; i++) {
        if (is(x, i, "~~"))
            x->v[i].repl = "LIKE";
        else if (is(x, i, "!~~"))
            x->v[i].repl = "NOT LIKE";
    }
}

/* Parentheses around the whole expression. */
static void unwrap_whole(toks *x)
{
    for (;;) {
        size_t first = x->n && !x->v[0].drop ? 0 : next_kept(x, 0), last = prev_kept(x, x->n);
        if (first >= x->n || last == (size_t)-1 || first == last || !is(x, first, "(") ||
            closing(x, first, "(", ")") != last)
            return;
        x->v[first].drop = x->v[last].drop = true;
    }
}

/* The kept tokens with the blanks before them (none before the first). */
static char *render(mcc_arena *a, const toks *x)
{
    mcc_buf b = {0};
    bool first = true;
    for (size_t i = 0; i < x->n; i++) {
        const tok *t = &x->v[i];
        if (t->drop)
            continue;
        if (!first && t->ws < t->start)
            mcc_buf_putn(&b, x->s + t->ws, t->start - t->ws);
        if (t->repl)
            mcc_buf_put(&b, t->repl);
        else
            mcc_buf_putn(&b, x->s + t->start, t->len);
        first = false;
    }
    char *s = b.failed ? NULL : mcc_arena_strdup(a, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* See pg_expr.h: the passes in turn. */
char *mcc_pg_expr_portable(mcc_arena *a, const char *pg_text)
{
    toks x;
    if (cut(a, pg_text, &x))
        return NULL;
    drop_casts(&x);
    unwrap_single(&x);
    any_array_as_in(&x);
    like_operators(&x);
    unwrap_whole(&x);
    return render(a, &x);
}

/* See pg_expr.h. */
char *mcc_pg_check_body(mcc_arena *a, const char *def)
{
    toks x;
    if (cut(a, def, &x) || x.n < 3 || !is_kw(&x, 0, "CHECK") || !is(&x, 1, "("))
        return NULL;
    size_t close = closing(&x, 1, "(", ")");
    if (close >= x.n)
        return NULL;
    char *body = mcc_arena_strndup(a, def + x.v[2].start, x.v[close].ws - x.v[2].start);
    return body ? mcc_pg_expr_portable(a, body) : NULL;
}

/* A plain lower-case name in double quotes, which means the bare name. */
static bool plain_quoted(const toks *x, size_t i)
{
    const tok *t = &x->v[i];
    if (t->kind != TK_QUOTED || t->len < 3)
        return false;
    for (size_t k = 1; k + 1 < t->len; k++) {
        unsigned char c = (unsigned char)x->s[t->start + k];
        if (!(islower(c) || c == '_' || (k > 1 && isdigit(c))))
            return false;
    }
    return true;
}

/* ---- comparing ------------------------------------------------------------- */

/* The first token of the operand that ends at token k: a name (maybe
 * qualified), literal, call or parenthesized group. */
static size_t operand_start(const toks *x, size_t k)
{
    if (is(x, k, ")")) {
        int depth = 0;
        for (size_t m = k + 1; m-- > 0;) {
            if (is(x, m, ")"))
                depth++;
            else if (is(x, m, "(") && --depth == 0)
                return m > 0 && is_name(x, m - 1) ? m - 1 : m;
        }
        return 0;
    }
    while (k >= 2 && is(x, k - 1, ".") && is_name(x, k - 2))
        k -= 2;
    return k;
}

/* The last token of the operand that starts at token k (a unary minus
 * included); x->n when there is none. */
static size_t operand_end(const toks *x, size_t k)
{
    if (k < x->n && is(x, k, "-"))
        k++;
    if (k >= x->n)
        return x->n;
    if (is_name(x, k) && k + 1 < x->n && is(x, k + 1, "("))
        k++;
    if (is(x, k, "("))
        return closing(x, k, "(", ")");
    return k;
}

/* "v BETWEEN a AND b" as "v >= a AND v <= b", which is how PostgreSQL
 * keeps it (one at a time, at most 16). */
static const char *between_as_range(mcc_arena *a, const char *text)
{
    for (int round = 0; text && round < 16; round++) {
        toks x;
        if (cut(a, text, &x))
            return NULL;
        size_t i = 0;
        while (i < x.n && !(is_kw(&x, i, "BETWEEN") && i > 0 && !is_kw(&x, i - 1, "NOT") &&
                            !(i + 1 < x.n && is_kw(&x, i + 1, "SYMMETRIC"))))
            i++;
        if (i >= x.n)
            return text;
        size_t j = i + 1;
        for (int depth = 0; j < x.n && !(depth == 0 && is_kw(&x, j, "AND")); j++)
            depth += is(&x, j, "(") - is(&x, j, ")");
        size_t vs = operand_start(&x, i - 1), he = j + 1 < x.n ? operand_end(&x, j + 1) : x.n;
        if (j >= x.n || j == i + 1 || he >= x.n)
            return text;
        const tok *v0 = &x.v[vs], *v1 = &x.v[i - 1], *l0 = &x.v[i + 1], *l1 = &x.v[j - 1], *h0 = &x.v[j + 1],
                  *h1 = &x.v[he];
        int vn = (int)(v1->start + v1->len - v0->start), ln = (int)(l1->start + l1->len - l0->start);
        text = mcc_arena_printf(a, "%.*s%.*s >= %.*s AND %.*s <= %.*s%s", (int)v0->start, text, vn, text + v0->start,
                                ln, text + l0->start, vn, text + v0->start,
                                (int)(h1->start + h1->len - h0->start), text + h0->start,
                                text + h1->start + h1->len);
    }
    return text;
}

/* How tightly an operator token binds (PostgreSQL's order, loosest
 * first); 0 for a token that is no operator. */
static int precedence(const toks *x, size_t i)
{
    static const struct {
        const char *op;
        int prec;
    } ops[] = {
        {"OR", 1},  {"AND", 2}, {"NOT", 3}, {"IS", 4},   {"ISNULL", 4}, {"NOTNULL", 4}, {"<", 5},
        {">", 5},   {"=", 5},   {"<=", 5},  {">=", 5},   {"<>", 5},     {"!=", 5},      {"==", 5},
        {"IN", 6},  {"LIKE", 6}, {"ILIKE", 6}, {"BETWEEN", 6}, {"+", 8},  {"-", 8},       {"*", 9},
        {"/", 9},   {"%", 9},   {"^", 10},
    };
    const tok *t = &x->v[i];
    if (t->kind != TK_OP && t->kind != TK_WORD)
        return 0;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (t->kind == TK_WORD ? is_kw(x, i, ops[k].op) : is(x, i, ops[k].op))
            return ops[k].prec;
    return t->kind == TK_OP ? 7 : 0;    /* any other operator: ||, ~ ... */
}

/* Parentheses that only group what binds tighter than the operators on
 * either side of them ("(a * 2 + 1) > 3" is "a * 2 + 1 > 3"), which
 * PostgreSQL adds and a person leaves out, or the other way round. */
static void drop_grouping(toks *x)
{
    for (size_t i = 0; i < x->n; i++) {
        size_t p = prev_kept(x, i);
        if (!is(x, i, "(") ||
            (p != (size_t)-1 && ((is_name(x, p) && precedence(x, p) == 0) || is_kw(x, p, "IN") || is(x, p, "]"))))
            continue;   /* a call's or a list's */
        size_t close = closing(x, i, "(", ")");
        if (close >= x->n)
            continue;
        int inner = 100;
        for (size_t k = i + 1, depth = 0; k < close; k++) {
            if (is(x, k, "("))
                depth++;
            else if (is(x, k, ")"))
                depth--;
            else if (depth == 0 && precedence(x, k) && precedence(x, k) < inner)
                inner = precedence(x, k);
        }
        size_t n = next_kept(x, close);
        int left = p != (size_t)-1 ? precedence(x, p) : 0, right = n < x->n ? precedence(x, n) : 0;
        if (inner > left && inner > right)
            x->v[i].drop = x->v[close].drop = true;
    }
}

/* The tokens of portable text, one space apart, BETWEEN as a range,
 * grouping parentheses dropped, words and plain quoted names in upper
 * case, != as <>, == as =. */
static char *normal(mcc_arena *a, const char *text)
{
    toks x;
    if (!text || !(text = between_as_range(a, text)) || cut(a, text, &x))
        return NULL;
    drop_grouping(&x);
    mcc_buf b = {0};
    for (size_t i = 0; i < x.n; i++) {
        const tok *t = &x.v[i];
        if (t->drop)
            continue;
        if (b.len)
            mcc_buf_putc(&b, ' ');
        size_t from = t->start, len = t->len;
        if (plain_quoted(&x, i)) {
            from++;
            len -= 2;
        }
        if (t->kind == TK_WORD || plain_quoted(&x, i)) {
            for (size_t k = 0; k < len; k++)
                mcc_buf_putc(&b, (char)toupper((unsigned char)x.s[from + k]));
        } else if (is(&x, i, "!=")) {
            mcc_buf_put(&b, "<>");
        } else if (is(&x, i, "==")) {
            mcc_buf_put(&b, "=");
        } else {
            mcc_buf_putn(&b, x.s + from, len);
        }
    }
    char *s = b.failed ? NULL : mcc_arena_strdup(a, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* See pg_expr.h. */
bool mcc_pg_expr_same(mcc_arena *a, const char *db_text, const char *schema_text)
{
    const char *x = normal(a, mcc_pg_expr_portable(a, db_text ? db_text : ""));
    const char *y = normal(a, mcc_pg_expr_portable(a, schema_text ? schema_text : ""));
    return x && y && strcmp(x, y) == 0;
}
