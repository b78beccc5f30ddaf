/*
 * values.c -- checks on values before they are written (JSON, decimals;
 * UTF-8 and lengths are utf8.c's, dates datetime.c's) and copies of
 * values read back.
 *
 * The checks do not ask SQLite: they hold the same in any database a
 * schema may later be moved to, and the JSON validator in particular is
 * kept independent of json_valid() (whose rules differ between releases).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"
#include "valuecheck.h"

const char *mci_place(char *buf, size_t cap, const char *table, const char *field)
{
    if (table && field)
        snprintf(buf, cap, "%s.%s", table, field);
    else if (table || field)
        snprintf(buf, cap, "%s", table ? table : field);
    else
        snprintf(buf, cap, "value");
    return buf;
}

/* ---- JSON (RFC 8259) ----------------------------------------------------- */

/* The nesting stack holds one bit per open container (1 = object).  The
 * first 4096 levels live in the caller's frame; deeper documents grow a
 * heap copy, so depth costs memory, never C stack. */
typedef struct bitstack {
    unsigned char local[512];
    unsigned char *bits;
    size_t cap;     /* bits */
    size_t depth;
} bitstack;

static int bs_push(bitstack *b, int obj)
{
    if (b->depth == b->cap) {
        size_t nbytes = b->cap / 8 * 2;
        unsigned char *nb = b->bits == b->local ? malloc(nbytes) : realloc(b->bits, nbytes);
        if (!nb)
            return -1;
        if (b->bits == b->local)
            memcpy(nb, b->local, sizeof b->local);
        b->bits = nb;
        b->cap = nbytes * 8;
    }
    if (obj)
        b->bits[b->depth / 8] |= (unsigned char)(1u << (b->depth % 8));
    else
        b->bits[b->depth / 8] &= (unsigned char)~(1u << (b->depth % 8));
    b->depth++;
    return 0;
}

static int bs_top(const bitstack *b)
{
    size_t i = b->depth - 1;
    return (b->bits[i / 8] >> (i % 8)) & 1;
}

static size_t json_ws(const char *s, size_t i, size_t len)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* String starting at the opening quote s[*i]; *i ends after the closing
 * quote, or at the offending byte (returning 0). */
static int json_string(const char *s, size_t *i, size_t len)
{
    size_t p = *i + 1, n;

    while (p < len) {
        unsigned char c = (unsigned char)s[p];
        if (c == '"') {
            *i = p + 1;
            return 1;
        }
        if (c < 0x20)
            break;
        if (c == '\\') {
            if (p + 1 >= len) {
                p++;
                break;
            }
            switch (s[p + 1]) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                p += 2;
                continue;
            case 'u':
                for (n = 0; n < 4; n++)
                    if (p + 2 + n >= len || !is_hex(s[p + 2 + n]))
                        break;
                if (n < 4) {
                    p += 2 + n;
                    goto fail;
                }
                p += 6;
                continue;
            default:
                p++;
                goto fail;
            }
        }
        if (!(n = mci_utf8_seq((const unsigned char *)s + p, len - p)))
            break;
        p += n;
    }
fail:
    *i = p;
    return 0;
}

static int json_number(const char *s, size_t *i, size_t len)
{
    size_t p = *i;

    if (p < len && s[p] == '-')
        p++;
    if (p < len && s[p] == '0') {
        p++;
    } else if (p < len && s[p] >= '1' && s[p] <= '9') {
        while (p < len && is_digit(s[p]))
            p++;
    } else {
        goto fail;
    }
    if (p < len && s[p] == '.') {
        p++;
        if (p >= len || !is_digit(s[p]))
            goto fail;
        while (p < len && is_digit(s[p]))
            p++;
    }
    if (p < len && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        if (p < len && (s[p] == '+' || s[p] == '-'))
            p++;
        if (p >= len || !is_digit(s[p]))
            goto fail;
        while (p < len && is_digit(s[p]))
            p++;
    }
    *i = p;
    return 1;
fail:
    *i = p;
    return 0;
}

static int json_literal(const char *s, size_t *i, size_t len, const char *word)
{
    size_t n = strlen(word), k;

    for (k = 0; k < n; k++) {
        if (*i + k >= len || s[*i + k] != word[k]) {
            *i += k;
            return 0;
        }
    }
    *i += n;
    return 1;
}

int mc_json_valid(const char *s, size_t len, size_t *err_offset)
{
    bitstack st;
    size_t i = 0;
    int ok = 0, result;
    enum { VALUE, AFTER_VALUE, KEY } state = VALUE;

    st.bits = st.local;
    st.cap = sizeof st.local * 8;
    st.depth = 0;
    if (!s) {
        s = "";
        len = 0;
    }

    for (;;) {
        i = json_ws(s, i, len);
        if (state == VALUE) {
            if (i >= len)
                break;
            switch (s[i]) {
            case '{':
            case '[':
                if (bs_push(&st, s[i] == '{') < 0) {
                    result = -1;
                    goto out;
                }
                i = json_ws(s, i + 1, len);
                if (i < len && s[i] == (bs_top(&st) ? '}' : ']')) {
                    st.depth--;
                    i++;
                    state = AFTER_VALUE;
                } else {
                    state = bs_top(&st) ? KEY : VALUE;
                }
                continue;
            case '"':
                if (!json_string(s, &i, len))
                    goto done;
                break;
            case 't':
                if (!json_literal(s, &i, len, "true"))
                    goto done;
                break;
            case 'f':
                if (!json_literal(s, &i, len, "false"))
                    goto done;
                break;
            case 'n':
                if (!json_literal(s, &i, len, "null"))
                    goto done;
                break;
            default:
                if (s[i] != '-' && !is_digit(s[i]))
                    goto done;
                if (!json_number(s, &i, len))
                    goto done;
                break;
            }
            state = AFTER_VALUE;
        } else if (state == KEY) {
            if (i >= len || s[i] != '"' || !json_string(s, &i, len))
                goto done;
            i = json_ws(s, i, len);
            if (i >= len || s[i] != ':')
                goto done;
            i++;
            state = VALUE;
        } else {    /* AFTER_VALUE */
            if (st.depth == 0) {
                ok = i == len;
                goto done;
            }
            if (i >= len)
                goto done;
            if (s[i] == ',') {
                i++;
                state = bs_top(&st) ? KEY : VALUE;
            } else if (s[i] == (bs_top(&st) ? '}' : ']')) {
                i++;
                st.depth--;
            } else {
                goto done;
            }
        }
    }
done:
    result = ok;
    if (!ok && err_offset)
        *err_offset = i;
out:
    if (st.bits != st.local)
        free(st.bits);
    return result;
}

int mc_check_json(mc_db *db, const char *table, const char *field, const char *json)
{
    char where[256];
    size_t at = 0;
    int r;

    if (!json)
        return MC_OK;
    r = mc_json_valid(json, strlen(json), &at);
    if (r == 1)
        return MC_OK;
    mci_place(where, sizeof where, table, field);
    if (r < 0)
        return mc_set_error(db, MC_NOMEM, "%s: out of memory validating JSON", where);
    return mc_set_error(db, MC_INVALID, "%s: not valid JSON (at byte %zu)", where, at);
}

/* ---- blobs and doubles ----------------------------------------------------- */

int mc_check_blob(mc_db *db, const char *table, const char *field, const mc_blob *b)
{
    char where[256];
    sqlite3 *h = db ? mc_sqlite(db) : NULL;
    long long limit = h ? sqlite3_limit(h, SQLITE_LIMIT_LENGTH, -1) : INT_MAX;

    if (!b || !b->data)
        return MC_OK;
    if (limit > INT_MAX || limit <= 0)
        limit = INT_MAX;
    if (b->len > (unsigned long long)limit)
        return mc_set_error(db, MC_INVALID, "%s: %zu bytes, at most %lld", mci_place(where, sizeof where, table, field),
                            b->len, limit);
    return MC_OK;
}

int mc_check_double(mc_db *db, const char *table, const char *field, double v)
{
    char where[256];

    if (v != v)
        return mc_set_error(db, MC_INVALID, "%s: NaN cannot be stored (SQLite would make it NULL)",
                            mci_place(where, sizeof where, table, field));
    return MC_OK;
}

/* ---- NUMERIC(p, s) ------------------------------------------------------- */

int mc_check_numeric(mc_db *db, const char *table, const char *field, const char *s,
                     int precision, int scale)
{
    char where[256];
    const char *p = s, *int_start, *frac_start = NULL;
    size_t int_digits = 0, frac_digits = 0, n;

    if (!s)
        return MC_OK;
    if (*p == '-' || *p == '+')
        p++;
    int_start = p;
    while (is_digit(*p))
        p++;
    n = (size_t)(p - int_start);
    if (*p == '.') {
        frac_start = ++p;
        while (is_digit(*p))
            p++;
        frac_digits = (size_t)(p - frac_start);
    }
    if (*p || n + frac_digits == 0)
        return mc_set_error(db, MC_INVALID,
                            "%s: not a decimal number (the form is [-]digits[.digits])",
                            mci_place(where, sizeof where, table, field));
    if (precision <= 0)
        return MC_OK;
    if (scale < 0)
        scale = 0;
    /* Leading zeros of the integer part and trailing zeros of the
     * fraction change nothing about the value. */
    while (n > 0 && *int_start == '0')
        int_start++, n--;
    int_digits = n;
    while (frac_digits > 0 && frac_start[frac_digits - 1] == '0')
        frac_digits--;
    if (frac_digits > (size_t)scale)
        return mc_set_error(db, MC_INVALID, "%s: %zu digits after the point, at most %d (NUMERIC(%d, %d))",
                            mci_place(where, sizeof where, table, field), frac_digits, scale,
                            precision, scale);
    if (int_digits > (size_t)(precision > scale ? precision - scale : 0))
        return mc_set_error(db, MC_INVALID,
                            "%s: %zu digits before the point, at most %d (NUMERIC(%d, %d))",
                            mci_place(where, sizeof where, table, field), int_digits,
                            precision > scale ? precision - scale : 0, precision, scale);
    return MC_OK;
}

/* ---- columns and bindings ------------------------------------------------ */

/* The bytes to copy of column col's text (SQLite's pointer to it): up to
 * its first NUL when that comes within SHORT_TEXT bytes, else every byte
 * SQLite has.  A C string reads the same either way (a NUL inside text
 * ends it for the reader), and a short text costs a scan of a few words
 * instead of sqlite3_column_bytes, which takes the connection's mutex
 * again (a third of a short column's read on a thread-safe SQLite).
 * memchr stops at the first match (C11 7.24.5.1), so it never reads past
 * the text's terminating NUL. */
#define SHORT_TEXT 256
static inline size_t text_length(sqlite3_stmt *st, int col, const unsigned char *text)
{
    const unsigned char *end = memchr(text, '\0', SHORT_TEXT);
    return end ? (size_t)(end - text) : (size_t)sqlite3_column_bytes(st, col);
}

/* mc_column_text's body, shared with mc_stmt_column_text (inlined into
 * both: the generated code's text reads make no extra call). */
static inline int column_text(mc_db *db, sqlite3_stmt *st, int col, char **out)
{
    const unsigned char *text;
    size_t n;

    if (!st) {
        *out = NULL;
        return mc_set_error(db, MC_MISUSE, "mc_column_text: statement is NULL");
    }
    /* Text first: a non-NULL pointer is never SQL NULL, so the type is
     * asked only when there is no text (one call less per column).
     * SQLite's text ends in a NUL: it is copied with the bytes. */
    text = sqlite3_column_text(st, col);
    if (text) {
        n = text_length(st, col, text);
        if (!(*out = malloc(n + 1)))
            return mc_set_error(db, MC_NOMEM, "out of memory copying column %d", col);
        memcpy(*out, text, n + 1);
        return MC_OK;
    }
    *out = NULL;
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return MC_OK;
    /* not SQL NULL: out of memory converting, or an empty blob */
    if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
        return mc_set_error(db, MC_NOMEM, "out of memory reading column %d", col);
    if (!(*out = malloc(1)))
        return mc_set_error(db, MC_NOMEM, "out of memory copying column %d", col);
    (*out)[0] = '\0';
    return MC_OK;
}

int mc_column_text(mc_db *db, sqlite3_stmt *st, int col, char **out)
{
    return column_text(db, st, col, out);
}

int mc_stmt_column_text(mc_db *db, mc_stmt *st, int col, char **out)
{
    size_t len;
    int is_null;

    if (st && st->lite)
        return column_text(db, st->lite, col, out);
    *out = NULL;
    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_column_text: statement is NULL");
    if (mci_pg_column_bytes(st, col, out, &len, &is_null) != MC_OK)
        return mc_set_error(db, MC_NOMEM, "out of memory copying column %d", col);
    return MC_OK;
}

char *mc_column_strdup(sqlite3_stmt *st, int col)
{
    char *out;

    mc_column_text(NULL, st, col, &out);
    return out;
}

int mc_column_blob(mc_db *db, sqlite3_stmt *st, int col, mc_blob *out)
{
    const void *data;
    size_t n;

    out->data = NULL;
    out->len = 0;
    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_column_blob: statement is NULL");
    /* The bytes first: a pointer is never SQL NULL, so the type is asked
     * only when there is none (NULL, an empty value, out of memory). */
    data = sqlite3_column_blob(st, col);
    if (!data && sqlite3_column_type(st, col) == SQLITE_NULL)
        return MC_OK;
    n = (size_t)sqlite3_column_bytes(st, col);
    if (!data && n > 0)
        return mc_set_error(db, MC_NOMEM, "out of memory reading column %d", col);
    if (!(out->data = malloc(n ? n : 1)))
        return mc_set_error(db, MC_NOMEM, "out of memory copying column %d", col);
    if (n)
        memcpy(out->data, data, n);
    out->len = n;
    return MC_OK;
}

int mc_bind_text(mc_db *db, sqlite3_stmt *st, int idx, const char *s)
{
    int rc;

    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_bind_text: statement is NULL");
    rc = s ? sqlite3_bind_text64(st, idx, s, strlen(s), SQLITE_STATIC, SQLITE_UTF8)
           : sqlite3_bind_null(st, idx);
    return rc == SQLITE_OK ? MC_OK : mc_status_from_sqlite(db, rc, "bind");
}

int mc_bind_blob(mc_db *db, sqlite3_stmt *st, int idx, const mc_blob *b)
{
    int rc;

    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_bind_blob: statement is NULL");
    rc = b && b->data ? sqlite3_bind_blob64(st, idx, b->data, b->len, SQLITE_STATIC)
                      : sqlite3_bind_null(st, idx);
    return rc == SQLITE_OK ? MC_OK : mc_status_from_sqlite(db, rc, "bind");
}

void mc_blob_free(mc_blob *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

int mc_set_text(char **dst, const char *src)
{
    char *copy = NULL;
    if (src) {
        size_t n = strlen(src) + 1;
        copy = malloc(n);
        if (!copy)
            return MC_NOMEM;
        memcpy(copy, src, n);
    }
    if (*dst != mc_now_marker)   /* MC_NOW is not allocated */
        free(*dst);
    *dst = copy;
    return MC_OK;
}

int mc_set_blob(mc_blob *dst, const void *data, size_t len)
{
    void *copy = NULL;
    if (data) {
        copy = malloc(len ? len : 1);
        if (!copy)
            return MC_NOMEM;
        if (len)
            memcpy(copy, data, len);
    }
    free(dst->data);
    dst->data = copy;
    dst->len = data ? len : 0;
    return MC_OK;
}

int mc_column_numeric(mc_db *db, sqlite3_stmt *st, int col, int scale, char **out)
{
    int type = sqlite3_column_type(st, col);
    if (type != SQLITE_INTEGER && type != SQLITE_FLOAT)
        return mc_column_text(db, st, col, out);
    long long i = (long long)sqlite3_column_int64(st, col);
    double d = sqlite3_column_double(st, col);
    if (scale < 0)
        scale = 0;
    int n = type == SQLITE_INTEGER ? snprintf(NULL, 0, "%lld", i) : snprintf(NULL, 0, "%.*f", scale, d);
    size_t size = (n < 0 ? 0 : (size_t)n) + (type == SQLITE_INTEGER && scale > 0 ? (size_t)scale + 1 : 0) + 1;
    char *text = n < 0 ? NULL : malloc(size);
    *out = NULL;
    if (!text)
        return mc_set_error(db, MC_NOMEM, "out of memory reading a NUMERIC column");
    if (type == SQLITE_FLOAT) {
        snprintf(text, size, "%.*f", scale, d);
    } else {
        snprintf(text, size, "%lld", i);
        if (scale > 0) {
            text[n] = '.';
            memset(text + n + 1, '0', (size_t)scale);
            text[n + 1 + scale] = '\0';
        }
    }
    *out = text;
    return MC_OK;
}
