/*
 * url_redact.c -- keeping the passwords of database URLs out of messages.
 *
 * A PostgreSQL URL carries a password in two places libpq reads: the user
 * information ("postgresql://user:password@host/db") and the query
 * parameter "password=" ("...?host=/run/postgresql&password=x"), either
 * of them percent-encoded.  mc_redact_url writes a URL with both replaced
 * by "***" (how every message names a database); mci_scrub_url_secrets
 * takes them out of text that someone else wrote with the URL in hand
 * (libpq's reasons quote a bad URI, or the bad token, verbatim).
 */
#include <stdbool.h>
#include <string.h>

#include "driver.h"

/* Appends bytes [s, s+n) to out (cap bytes) at *len, truncating; out is
 * kept NUL-terminated. */
static void put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + 1 >= cap)
        return;
    if (n > cap - 1 - *len)
        n = cap - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/* The value of a hex digit, or -1. */
static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes [s, s+n) into out (cap bytes, terminated) as libpq does;
 * a '%' without two hex digits is kept as it is. */
static void decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t len = 0;

    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int hi, lo;
        if (c == '%' && i + 2 < n && (hi = hex_digit((unsigned char)s[i + 1])) >= 0 &&
            (lo = hex_digit((unsigned char)s[i + 2])) >= 0) {
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        put(out, cap, &len, &c, 1);
    }
}

/*
 * The places of a URL's passwords: the user information's (after the
 * first ':' before the authority's last '@') and every query parameter
 * whose name decodes to "password".  Calls fn(ctx, start, length) for
 * each, in order; a URL without "://" has none.
 */
static void each_password(const char *url, void (*fn)(void *, const char *, size_t), void *ctx)
{
    const char *sep = strstr(url, "://"), *auth, *at = NULL, *p;
    size_t end;

    if (!sep)
        return;
    auth = sep + 3;
    end = strcspn(auth, "/?#");
    for (p = auth; p < auth + end; p++)
        if (*p == '@')
            at = p;                       /* the last '@' ends the user information */
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon)
            fn(ctx, colon + 1, (size_t)(at - colon - 1));
    }
    p = auth + strcspn(auth, "?#");
    if (*p != '?')
        return;
    for (p++; *p && *p != '#';) {
        size_t plen = strcspn(p, "&#");
        const char *eq = memchr(p, '=', plen);
        char key[16];
        if (eq && (size_t)(eq - p) < 3 * sizeof key) {
            decode(p, (size_t)(eq - p), key, sizeof key);
            if (strcmp(key, "password") == 0)
                fn(ctx, eq + 1, plen - (size_t)(eq + 1 - p));
        }
        p += plen;
        if (*p == '&')
            p++;
    }
}

typedef struct redaction {
    const char *from;         /* the first byte of the URL not yet copied */
    char *out;
    size_t cap, len;
} redaction;

/* Copies the URL up to a password, then "***" instead of it. */
static void redact_one(void *ctx, const char *start, size_t n)
{
    redaction *r = ctx;
    put(r->out, r->cap, &r->len, r->from, (size_t)(start - r->from));
    put(r->out, r->cap, &r->len, "***", 3);
    r->from = start + n;
}

/* See modelc.h. */
void mc_redact_url(const char *url, char *out, size_t cap)
{
    redaction r = {url, out, cap, 0};

    if (cap == 0)
        return;
    out[0] = '\0';
    each_password(url, redact_one, &r);
    put(out, cap, &r.len, r.from, strlen(r.from));
}

/* The passwords of a URL, as written and percent-decoded (the first few). */
typedef struct secrets {
    size_t n;
    const char *raw[4];
    size_t rawlen[4];
    char plain[4][256];
} secrets;

/* Keeps one password of the URL, as written and decoded. */
static void collect(void *ctx, const char *start, size_t n)
{
    secrets *z = ctx;
    if (z->n == sizeof z->raw / sizeof *z->raw)
        return;
    z->raw[z->n] = start;
    z->rawlen[z->n] = n;
    decode(start, n, z->plain[z->n], sizeof z->plain[z->n]);
    z->n++;
}

/* Is [s, s+n) one of the passwords, as written or decoded? */
static bool is_secret(const secrets *z, const char *s, size_t n)
{
    for (size_t i = 0; i < z->n; i++)
        if ((n == z->rawlen[i] && memcmp(s, z->raw[i], n) == 0) ||
            (n == strlen(z->plain[i]) && memcmp(s, z->plain[i], n) == 0))
            return n > 0;
    return false;
}

/* Shorter than this, a password is replaced only where libpq quotes it
 * whole: "p" must not eat the p of "port". */
#define SCRUB_ANYWHERE_LEN 4

/* Replaces the occurrences of [s, s+n) in text (cap bytes) from byte
 * `from` on by "***"; what no longer fits is cut off. */
static void scrub_text(char *text, size_t cap, size_t from, const char *s, size_t n)
{
    char out[MCI_MSG_MAX];
    size_t len = 0;
    const char *p, *q;

    if (n == 0 || from >= strlen(text) || cap > sizeof out)
        return;
    put(out, cap, &len, text, from);
    for (p = q = text + from; *q;) {
        if (strncmp(q, s, n) == 0) {
            put(out, cap, &len, p, (size_t)(q - p));
            put(out, cap, &len, "***", 3);
            p = q += n;
        } else {
            q++;
        }
    }
    put(out, cap, &len, p, (size_t)(q - p));
    memcpy(text, out, len + 1);
}

/* Rewrites each double-quoted span of text (from `from` on) that is a URL
 * (as mc_redact_url shows it) or one of the passwords ("***"). */
static void scrub_quoted(char *text, size_t cap, size_t from, const secrets *z)
{
    char out[MCI_MSG_MAX], span[MCI_MSG_MAX], shown[MCI_MSG_MAX];
    size_t len = 0;
    const char *p, *open, *close;

    if (from >= strlen(text) || cap > sizeof out)
        return;
    put(out, cap, &len, text, from);
    for (p = text + from; (open = strchr(p, '"')) && (close = strchr(open + 1, '"'));) {
        size_t n = (size_t)(close - open - 1);
        put(out, cap, &len, p, (size_t)(open + 1 - p));
        if (n < sizeof span && (memcpy(span, open + 1, n), span[n] = '\0', strstr(span, "://"))) {
            mc_redact_url(span, shown, sizeof shown);
            put(out, cap, &len, shown, strlen(shown));
        } else if (is_secret(z, open + 1, n)) {
            put(out, cap, &len, "***", 3);
        } else {
            put(out, cap, &len, open + 1, n);
        }
        put(out, cap, &len, "\"", 1);
        p = close + 1;
    }
    put(out, cap, &len, p, strlen(p));
    memcpy(text, out, len + 1);
}

/* See internal.h.  Quoted spans first (the URL, a password token), then
 * any password long enough not to be an ordinary word anywhere else. */
void mci_scrub_url_secrets(char *text, size_t cap, size_t from, const char *url)
{
    secrets z = {0};

    each_password(url, collect, &z);
    if (z.n == 0)
        return;
    scrub_quoted(text, cap, from, &z);
    for (size_t i = 0; i < z.n; i++) {
        if (z.rawlen[i] >= SCRUB_ANYWHERE_LEN)
            scrub_text(text, cap, from, z.raw[i], z.rawlen[i]);
        if (strlen(z.plain[i]) >= SCRUB_ANYWHERE_LEN)
            scrub_text(text, cap, from, z.plain[i], strlen(z.plain[i]));
    }
}
