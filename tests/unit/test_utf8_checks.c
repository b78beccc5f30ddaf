/*
 * test_utf8_checks.c -- the UTF-8 and length checks of every String and
 * Text write (mc_check_string, mc_check_text, mc_text_plain,
 * mc_utf8_length in runtime/utf8.c) give exactly the answers of a
 * byte-at-a-time decoder written here from the Unicode table of
 * well-formed sequences (Unicode 15, table 3-7): the same status, the
 * same message, the same count.  The runtime reads ASCII 8 bytes at a
 * time with the last word overlapping, so the cases put every kind of
 * byte at every offset of strings of every length around the word
 * boundaries, at every alignment of the string's address, with bytes
 * that are not ASCII right after the terminating NUL (a read past it
 * would count them) and, for ASan, in blocks of exactly the string's size.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelc.h"
#include "testutil.h"

/* ---- the reference: one byte at a time, from the table ------------------------ */

/* Length of the well-formed sequence at p (terminated by NUL), 0 if none:
 * the lead byte's row of table 3-7 gives the range of the second byte;
 * the bytes after it are 80..BF. */
static size_t ref_seq(const unsigned char *p)
{
    unsigned c = p[0], lo = 0x80, hi = 0xbf;
    size_t n;

    if (c <= 0x7f)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c == 0xe0)
        n = 3, lo = 0xa0;
    else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
        n = 3;
    else if (c == 0xed)
        n = 3, hi = 0x9f;
    else if (c == 0xf0)
        n = 4, lo = 0x90;
    else if (c >= 0xf1 && c <= 0xf3)
        n = 4;
    else if (c == 0xf4)
        n = 4, hi = 0x8f;
    else
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

typedef struct ref {
    size_t chars;   /* of the valid prefix */
    long bad;       /* offset of the first byte of no valid sequence, or -1 */
} ref;

static ref ref_scan(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    ref r = { 0, -1 };
    size_t i = 0, n;

    while (p[i]) {
        if (!(n = ref_seq(p + i))) {
            r.bad = (long)i;
            break;
        }
        i += n;
        r.chars++;
    }
    return r;
}

/* ---- comparing ----------------------------------------------------------------- */

/* ck_assert_msg, but silent when it holds (Check reports every passing
 * assertion to the parent process: millions here). */
#define EXPECT(cond, ...)              \
    do {                               \
        if (!(cond))                   \
            ck_abort_msg(__VA_ARGS__); \
    } while (0)

static mc_db *db;

static void setup(void)
{
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
}

static void teardown(void)
{
    mc_close(db);
    db = NULL;
}

/* The runtime's answers on s (at this address) against the reference's,
 * for the limit max; what names the case in a failure. */
static void same_at(const char *s, int max, const char *what)
{
    ref r = ref_scan(s);
    size_t len = strlen(s);
    int ascii = 1, valid = -1;
    char want[160];
    int want_rc = MC_OK;

    for (size_t i = 0; i < len; i++)
        ascii &= (unsigned char)s[i] < 0x80;
    if (r.bad >= 0) {
        snprintf(want, sizeof want, "user.name: not valid UTF-8 (at byte %ld)", r.bad);
        want_rc = MC_INVALID;
    } else if (max > 0 && r.chars > (size_t)max) {
        snprintf(want, sizeof want, "user.name: %zu characters, at most %d", r.chars, max);
        want_rc = MC_INVALID;
    }

    int rc = mc_check_string(db, "user", "name", s, max);
    EXPECT(rc == want_rc, "%s, limit %d: mc_check_string %d, want %d", what, max, rc, want_rc);
    if (want_rc != MC_OK)
        EXPECT(strcmp(mc_errmsg(db), want) == 0, "%s, limit %d: \"%s\", want \"%s\"", what, max,
                      mc_errmsg(db), want);
    rc = mc_check_text(db, "user", "name", s, max);
    EXPECT(rc == want_rc, "%s, limit %d: mc_check_text %d, want %d", what, max, rc, want_rc);
    if (want_rc != MC_OK)
        EXPECT(strcmp(mc_errmsg(db), want) == 0, "%s, limit %d: mc_check_text \"%s\", want \"%s\"", what,
                      max, mc_errmsg(db), want);
    /* mc_text_plain is exactly "ASCII and no longer in bytes than the limit" */
    int plain = mc_text_plain(s, max);
    EXPECT(plain == (ascii && (max <= 0 || len <= (size_t)max)), "%s, limit %d: mc_text_plain %d", what,
                  max, plain);
    size_t chars = mc_utf8_length(s, &valid);
    EXPECT(chars == r.chars, "%s: mc_utf8_length %zu, want %zu", what, chars, r.chars);
    EXPECT(valid == (r.bad < 0), "%s: valid %d", what, valid);
}

/* s at every alignment 0..7 of its address with bytes >= 0x80 right after
 * its NUL, and alone in a block of its own size; limits around its count
 * of characters and its length in bytes, and none. */
static void same(const char *s, const char *what)
{
    size_t len = strlen(s), chars = ref_scan(s).chars;
    static unsigned char buf[512];
    int limits[] = { 0, (int)chars - 1, (int)chars, (int)chars + 1, (int)len - 1, (int)len, 1 };

    ck_assert(len + 16 < sizeof buf);
    for (size_t off = 0; off < 8; off++) {
        memset(buf, 0xff, sizeof buf);
        memcpy(buf + off, s, len + 1);
        for (size_t k = 0; k < sizeof limits / sizeof *limits; k++)
            if (limits[k] >= 0 && (off == 0 || k == 0 || k == 2))
                same_at((const char *)buf + off, limits[k], what);
    }
    char *exact = malloc(len + 1);
    ck_assert_ptr_nonnull(exact);
    memcpy(exact, s, len + 1);
    for (size_t k = 0; k < 4; k++)
        if (limits[k] >= 0)
            same_at(exact, limits[k], what);
    free(exact);
}

/* An ASCII string of len bytes ("abc...", cycling) with the `n` bytes at
 * `ins` put at offset pos (pos + n <= len + n: the string grows by n). */
static void make(char *out, size_t len, size_t pos, const char *ins, size_t n)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (char)('a' + i % 26);
    memmove(out + pos + n, out + pos, len - pos);
    memcpy(out + pos, ins, n);
    out[len + n] = '\0';
}

/* ---- the cases ------------------------------------------------------------------ */

/* ASCII of every length from 0 to 80: the word loop, the pair of words,
 * the overlapping last word, the half words and the bytes. */
START_TEST(ascii_every_length)
{
    char s[100];
    for (size_t len = 0; len <= 80; len++) {
        make(s, len, 0, "", 0);
        same(s, "ascii");
    }
}
END_TEST

/* One character that is not ASCII (2, 3 and 4 bytes) at every offset of
 * ASCII text of every length to 33: the fast path must see a high bit in
 * any byte of any word, the first, the last and the overlapping one. */
START_TEST(one_multibyte_char_at_every_offset)
{
    static const char *const chars[] = { "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\xc2\x80", "\xdf\xbf",
                                         "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf" };
    char s[100], what[64];
    for (size_t c = 0; c < sizeof chars / sizeof *chars; c++)
        for (size_t len = 0; len <= 33; len++)
            for (size_t pos = 0; pos <= len; pos++) {
                make(s, len, pos, chars[c], strlen(chars[c]));
                snprintf(what, sizeof what, "char %zu at %zu of %zu", c, pos, len);
                same(s, what);
            }
}
END_TEST

/* Bytes that start no valid sequence, at every offset: stray
 * continuation bytes, C0/C1, F5-FF, leads cut short by the end or by
 * an ASCII byte, overlong forms, surrogates, values past U+10FFFF; and
 * the valid neighbours of each boundary. */
START_TEST(invalid_sequences_at_every_offset)
{
    static const char *const bad[] = {
        "\x80", "\xbf", "\xc0", "\xc1", "\xf5", "\xf8", "\xfe", "\xff",   /* never valid */
        "\xc3", "\xe6\x97", "\xf0\x9f\x98", "\xe6", "\xf0", "\xf0\x9f",   /* cut short */
        "\xc3" "a", "\xe6" "a\x97", "\xe6\x97" "a", "\xf0\x9f\x98" "a",    /* cut by ASCII */
        "\xc3\xc3\xa9", "\xe6\x97\xe6\x97\xa5",                           /* cut by a lead */
        "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf",           /* overlong */
        "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
        "\xed\xa0\x80", "\xed\xaf\xbf", "\xed\xb0\x80", "\xed\xbf\xbf",   /* surrogates */
        "\xf4\x90\x80\x80", "\xf7\xbf\xbf\xbf",                           /* > U+10FFFF */
        "\xed\x9f\xbf", "\xee\x80\x80", "\xe0\xa0\x80", "\xf0\x90\x80\x80", /* valid edges */
        "\xc2\x80", "\xf4\x8f\xbf\xbf", "\xe1\x80\x80", "\xec\xbf\xbf", "\xf1\x80\x80\x80", "\xf3\xbf\xbf\xbf",
        "\xe0\xa0", "\xed\x9f", "\xf4\x8f\xbf",                           /* edges cut short */
    };
    char s[100], what[64];
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
        for (size_t len = 0; len <= 25; len++)
            for (size_t pos = 0; pos <= len; pos++) {
                make(s, len, pos, bad[b], strlen(bad[b]));
                snprintf(what, sizeof what, "sequence %zu at %zu of %zu", b, pos, len);
                same(s, what);
            }
}
END_TEST

/* Text of k characters of 1, 2, 3 and 4 bytes, and mixed: exactly at
 * its limit passes, one over is refused with the count in characters,
 * and a limit below the length in bytes but not in characters passes. */
START_TEST(exactly_at_the_limit)
{
    static const char *const chars[] = { "x", "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80" };
    char s[400];
    for (size_t c = 0; c < 4; c++)
        for (int k = 1; k <= 70; k++) {
            size_t n = 0, w = strlen(chars[c]);
            for (int i = 0; i < k; i++, n += w)
                memcpy(s + n, chars[c], w);
            s[n] = '\0';
            ck_assert_int_eq(mc_check_text(db, "user", "name", s, k), MC_OK);
            ck_assert_int_eq(mc_check_string(db, "user", "name", s, k), MC_OK);
            ck_assert_int_eq(mc_check_text(db, "user", "name", s, k - 1 > 0 ? k - 1 : -1),
                             k - 1 > 0 ? MC_INVALID : MC_OK);
            if (k > 1) {
                char want[64];
                snprintf(want, sizeof want, "user.name: %d characters, at most %d", k, k - 1);
                ck_assert_str_eq(mc_errmsg(db), want);
            }
            same(s, "k characters");
        }
    /* mixed: "é" + 63 ASCII = 64 characters in 65 bytes, within String(64) */
    make(s, 63, 10, "\xc3\xa9", 2);
    ck_assert_int_eq(mc_check_text(db, "user", "name", s, 64), MC_OK);
    make(s, 64, 10, "\xc3\xa9", 2);
    ck_assert_int_eq(mc_check_text(db, "user", "name", s, 64), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "user.name: 65 characters, at most 64");
    /* ASCII one byte over: refused by the count, not by UTF-8 */
    make(s, 65, 0, "", 0);
    ck_assert_int_eq(mc_check_text(db, "user", "name", s, 64), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "user.name: 65 characters, at most 64");
    /* NULL is no value: nothing to check, on every entry point */
    ck_assert_int_eq(mc_check_text(db, "user", "name", NULL, 1), MC_OK);
    ck_assert_int_eq(mc_check_string(db, "user", "name", NULL, 1), MC_OK);
    /* no connection: the status alone */
    ck_assert_int_eq(mc_check_text(NULL, "user", "name", "\xff", 0), MC_INVALID);
}
END_TEST

/* Every byte that is not ASCII followed by every byte (an ASCII byte
 * by a few kinds), and every lead of 3 and 4 bytes with every second
 * byte and a few third and fourth ones, after ASCII prefixes of 0-9 bytes (every
 * position in a word and across into the next). */
START_TEST(every_two_and_three_byte_sequence)
{
    static const unsigned char tails[] = { 0x80, 0xbf, 0x41, 0xc3 };
    char s[32];
    for (unsigned a = 1; a < 256; a++)
        for (unsigned b = 1; b < 256; b++)
            for (size_t pre = 0; pre < 10; pre++) {
                if (a < 0x80 && b != 1 && b != 0x41 && b != 0x7f && b != 0x80 && b != 0xbf && b != 0xc3 && b != 0xff)
                    break;  /* after an ASCII byte, a few kinds of byte stand for all */
                char ins[4] = { (char)a, (char)b, 0, 0 };
                make(s, pre, pre, ins, 2);
                same_at(s, 0, "pair");
                if (pre < 2)
                    same_at(s, (int)pre + 1, "pair");
                if (pre < 2 && a >= 0xe0)
                    for (size_t t = 0; t < sizeof tails; t++)
                        for (size_t u = 0; u < sizeof tails; u++) {
                            ins[2] = (char)tails[t];
                            ins[3] = (char)tails[u];
                            make(s, pre, pre, ins, 4);
                            same_at(s, 0, "quad");
                        }
            }
}
END_TEST

/* Random text from pieces of every kind (fixed seed), lengths 0-120. */
START_TEST(random_text)
{
    static const char *const pieces[] = { "a", "Z", "0", " ", "~", "\x7f", "\xc3\xa9", "\xe6\x97\xa5",
                                          "\xf0\x9f\x98\x80", "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe6\x97",
                                          "\xf4\x90\x80\x80", "\xff", "abcdefgh", "ABCDEFGHIJKLMNOP" };
    uint64_t x = 0x9e3779b97f4a7c15u;
    char s[200];
    for (int i = 0; i < 20000; i++) {
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t want = (size_t)(x % 121);
        while (n < want) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly ASCII, as text is */
            size_t k = x % 16 < 11 ? x % 6 + (x % 5 == 0 ? 10 : 0) : x % (sizeof pieces / sizeof *pieces);
            if (k >= sizeof pieces / sizeof *pieces)
                k = 0;
            size_t w = strlen(pieces[k]);
            if (n + w >= sizeof s)
                break;
            memcpy(s + n, pieces[k], w);
            n += w;
        }
        s[n] = '\0';
        same_at(s, 0, "random");
        same_at(s, (int)(x % 130), "random");
    }
}
END_TEST

/* The reference itself on the cases of test_runtime's test_utf8, so that
 * agreeing with it means something. */
START_TEST(reference_knows_the_table)
{
    ck_assert_uint_eq(ref_scan("h\xc3\xa9llo").chars, 5);
    ck_assert_int_eq(ref_scan("\xed\xa0\x80").bad, 0);
    ck_assert_int_eq(ref_scan("ab\xc3").bad, 2);
    ck_assert_int_eq(ref_scan("\xf4\x90\x80\x80").bad, 0);
    ck_assert_int_eq(ref_scan("\xe0\x80\xaf").bad, 0);
    ck_assert_int_eq(ref_scan("\xf4\x8f\xbf\xbf").bad, -1);
    ck_assert_int_eq(ref_scan("\xef\xbf\xbf").bad, -1);
}
END_TEST

static Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8_checks");
    TCase *t = tcase_create("utf8");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, reference_knows_the_table);
    tcase_add_test(t, ascii_every_length);
    tcase_add_test(t, one_multibyte_char_at_every_offset);
    tcase_add_test(t, invalid_sequences_at_every_offset);
    tcase_add_test(t, exactly_at_the_limit);
    tcase_add_test(t, every_two_and_three_byte_sequence);
    tcase_add_test(t, random_text);
    tcase_set_timeout(t, 300);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return tu_run_suite(utf8_suite());
}
