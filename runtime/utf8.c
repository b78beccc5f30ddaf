/*
 * utf8.c -- text before it is written: valid UTF-8 (RFC 3629), and how
 * many characters it has (a String(n)'s n counts characters, not bytes).
 *
 * mc_check_string runs before every write of every string field, on
 * SQLite and PostgreSQL alike, so its common case costs little: text that
 * is all ASCII and no longer in bytes than its limit.  That case is one
 * strlen (the C library's, which reads whole words without leaving the
 * page) and one pass over the bytes 8 at a time asking only whether one
 * has its high bit set -- ASCII text has as many characters as bytes, so
 * that pass is the count as well -- and nothing else: no frame for a
 * message, no second pass.  The generated checks call it through
 * mc_check_text (modelc.h), which asks mc_text_plain (two arguments, so
 * a smaller frame) and calls mc_check_string only when that says no.
 * Text with a byte >= 0x80, or longer in bytes than its limit, goes on
 * out of line (check_refused_or_counted): sequence by sequence with
 * ASCII runs skipped a word at a time, validating and counting in the
 * same pass, and only there is a message written.  The answers (status,
 * message, count) are exactly those of a byte-at-a-time decoder
 * (tests/unit/test_utf8_checks.c holds one and compares).
 */
#include <stdint.h>
#include <string.h>

#include "driver.h"
#include "valuecheck.h"

#if defined(__GNUC__)
#define U_COLD __attribute__((noinline, cold))
#else
#define U_COLD
#endif

#define HIGH_BITS 0x8080808080808080u

/* Length of the valid UTF-8 sequence at s (at most `avail` bytes), 0 when
 * it is not one: overlong forms, surrogates and values past U+10FFFF are
 * refused (RFC 3629).  The compiler checks a schema's bytes with it too
 * (valuecheck.h). */
size_t mci_utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n, i;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (avail < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* Are the len bytes at p all ASCII (no byte >= 0x80)?  Whole words read
 * with memcpy (any alignment), two a step, their high bits or'ed
 * together and tested once at the end; the last word overlaps the one
 * before it instead of a loop over the bytes left, and text of 4-7
 * bytes is two overlapping half words. */
static inline int all_ascii(const unsigned char *p, size_t len)
{
    uint64_t acc = 0, w, v;
    uint32_t a, b;
    size_t i = 0;

    if (len >= 8) {
        for (; i + 16 <= len; i += 16) {
            memcpy(&w, p + i, 8);
            memcpy(&v, p + i + 8, 8);
            acc |= w | v;
        }
        if (i + 8 <= len) {
            memcpy(&w, p + i, 8);
            acc |= w;
        }
        memcpy(&w, p + len - 8, 8);
        return !((acc | w) & HIGH_BITS);
    }
    if (len >= 4) {
        memcpy(&a, p, 4);
        memcpy(&b, p + len - 4, 4);
        return !((a | b) & 0x80808080u);
    }
    for (; i < len; i++)
        acc |= p[i];
    return !(acc & 0x80);
}

/* Characters of the len bytes at p; *bad = the offset of the first byte
 * that does not start a valid sequence, or SIZE_MAX.  The count then
 * covers the valid prefix. */
static size_t utf8_count(const unsigned char *p, size_t len, size_t *bad)
{
    size_t i = 0, chars = 0, n;
    uint64_t w;

    *bad = SIZE_MAX;
    while (i < len) {
        if (p[i] < 0x80) {      /* an ASCII run: 8 bytes a step */
            while (i + 8 <= len && (memcpy(&w, p + i, 8), !(w & HIGH_BITS)))
                i += 8, chars += 8;
            while (i < len && p[i] < 0x80)
                i++, chars++;
            continue;
        }
        if (!(n = mci_utf8_seq(p + i, len - i))) {
            *bad = i;
            break;
        }
        i += n;
        chars++;
    }
    return chars;
}

size_t mc_utf8_length(const char *s, int *valid)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len, bad, n;

    if (valid)
        *valid = 1;
    if (!s)
        return 0;
    len = strlen(s);
    if (all_ascii(p, len))
        return len;
    n = utf8_count(p, len, &bad);
    if (valid)
        *valid = bad == SIZE_MAX;
    return n;
}

/* mc_check_string's rest, for text of len bytes that is not ASCII or is
 * longer in bytes than max_chars: validates and counts, and refuses with
 * mc_check_string's message. */
static U_COLD int check_refused_or_counted(mc_db *db, const char *table, const char *field,
                                           const unsigned char *p, size_t len, int max_chars)
{
    char where[256];
    size_t bad, n = utf8_count(p, len, &bad);

    if (bad != SIZE_MAX)
        return mc_set_error(db, MC_INVALID, "%s: not valid UTF-8 (at byte %zu)",
                            mci_place(where, sizeof where, table, field), bad);
    if (max_chars > 0 && n > (size_t)max_chars)
        return mc_set_error(db, MC_INVALID, "%s: %zu characters, at most %d",
                            mci_place(where, sizeof where, table, field), n, max_chars);
    return MC_OK;
}

int mc_check_string(mc_db *db, const char *table, const char *field, const char *s,
                    int max_chars)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len;

    if (!s)
        return MC_OK;
    len = strlen(s);
    if ((max_chars <= 0 || len <= (size_t)max_chars) && all_ascii(p, len))
        return MC_OK;
    return check_refused_or_counted(db, table, field, p, len, max_chars);
}

int mc_text_plain(const char *s, int max_chars)
{
    size_t len = strlen(s);
    return (max_chars <= 0 || len <= (size_t)max_chars) && all_ascii((const unsigned char *)s, len);
}
