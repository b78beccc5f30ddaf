/*
 * test_robust.c -- no input makes the front end crash, hang or fail
 * silently.  Every prefix of both shared examples, deterministic random
 * mutations of them, binary garbage, bad encodings, huge and deeply
 * nested files: each ends with success or with located errors.
 *
 * The many small cases run in-process (mcc_parse + mcc_sema on a buffer;
 * Check forks each test, so a crash is reported as such); a handful of
 * each kind, and all the special inputs, go through the real binary,
 * which must exit 0 or 1 -- never a signal, never a timeout -- and on 1
 * print a "file:line:col: error:" or "file: error:" line.
 *
 * MODELC_VALGRIND=1 (tests/valgrind.sh) divides the in-process counts by
 * about 20 so that the suite stays quick under valgrind.
 */
#include <check.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "schema.h"
#include "testutil.h"

enum { MUTATIONS = 300, SUBPROCESS_SAMPLES = 6 };

static int slow;    /* under valgrind: fewer in-process iterations */

static int scaled(int n)
{
    return slow ? (n + 19) / 20 : n;
}

/* xorshift64*: deterministic across runs and platforms. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ull;
}

static size_t rbelow(rng *r, size_t n)
{
    return n ? (size_t)(rnext(r) % n) : 0;
}

/* ---- in-process checking ---------------------------------------------- */

typedef struct sink {
    int count;
    int bad;            /* messages without a proper header */
    unsigned max_line;  /* lines in the source + 1 */
    char first_bad[256];
} sink;

static int digits_then(const char **p, char stop)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s != stop)
        return 0;
    *p = s + 1;
    return 1;
}

/* "t.model:L:C: error: ...", "t.model: error: ..." or the cap's trailer. */
static int good_header(const char *text, unsigned max_line)
{
    const char *p = text;
    if (strncmp(p, "t.model:", 8) != 0)
        return 0;
    p += 8;
    if (strncmp(p, " error: ", 8) == 0 || strncmp(p, " too many errors (", 18) == 0)
        return 1;
    unsigned line = (unsigned)strtoul(p, NULL, 10);
    if (!digits_then(&p, ':'))
        return 0;
    unsigned col = (unsigned)strtoul(p, NULL, 10);
    if (!digits_then(&p, ':'))
        return 0;
    return line >= 1 && line <= max_line && col >= 1 && strncmp(p, " error: ", 8) == 0;
}

static void on_message(void *ctx, const char *text)
{
    sink *s = ctx;
    s->count++;
    if (!good_header(text, s->max_line)) {
        if (!s->bad)
            snprintf(s->first_bad, sizeof s->first_bad, "%s", text);
        s->bad++;
    }
}

/* Runs the front end over text[0..len) (a private, NUL-terminated copy);
 * returns the number of errors. */
static int front_end(const char *text, size_t len, const char *what)
{
    char *copy = malloc(len + 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    mcc_source src = {"t.model", copy, len};
    sink sk = {0};
    sk.max_line = 1;
    for (size_t i = 0; i < len; i++)
        sk.max_line += copy[i] == '\n';
    mcc_diag d;
    mcc_diag_init(&d, &src, on_message, &sk);
    mcc_arena arena = {0};
    mcc_ast ast;
    int nerr = mcc_parse(&src, &arena, &d, &ast);
    if (nerr == 0) {
        mcc_schema schema;
        nerr = mcc_sema(&ast, &src, &arena, &d, &schema);
    }
    mcc_diag_finish(&d);
    mcc_arena_free(&arena);
    free(copy);
    ck_assert_msg(nerr >= 0, "%s: negative error count", what);
    ck_assert_msg(sk.bad == 0, "%s: malformed message:\n%s", what, sk.first_bad);
    ck_assert_msg((nerr == 0) == (sk.count == 0), "%s: %d errors but %d messages", what, nerr, sk.count);
    ck_assert_msg(d.n_errors == nerr, "%s: diag counted %d, returned %d", what, d.n_errors, nerr);
    return nerr;
}

static char *example(const char *name, size_t *len)
{
    char *text = tu_read_file(tu_example(name), len);
    ck_assert_msg(text != NULL, "cannot read %s", tu_example(name));
    return text;
}

/* Applies 1-3 random edits: replace, insert or delete a byte.  Half the
 * new bytes are ones the grammar cares about. */
static char *mutate(rng *r, const char *text, size_t len, size_t *out_len)
{
    static const char interesting[] = "{}()\"\n;:,.`#/*\\-0 \t\xc3\xff";
    char *buf = malloc(len + 8);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, text, len);
    size_t n = len;
    int edits = 1 + (int)rbelow(r, 3);
    for (int e = 0; e < edits; e++) {
        size_t at = rbelow(r, n + 1);
        char c = rbelow(r, 2) ? interesting[rbelow(r, sizeof interesting)]  /* includes the NUL */
                              : (char)rbelow(r, 256);
        switch (rbelow(r, 3)) {
        case 0:
            if (at < n)
                buf[at] = c;
            break;
        case 1:
            memmove(buf + at + 1, buf + at, n - at);
            buf[at] = c;
            n++;
            break;
        default:
            if (at < n) {
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
            }
            break;
        }
    }
    *out_len = n;
    return buf;
}

static const char *const examples[] = {"examples/blog.model", "examples/library.model"};

START_TEST(every_prefix_in_process)
{
    size_t len;
    char *text = example(examples[_i], &len);
    ck_assert_int_eq(front_end(text, len, "whole file"), 0);
    size_t step = slow ? 20 : 1;
    for (size_t n = 0; n < len; n += step) {
        char what[64];
        snprintf(what, sizeof what, "%s, first %zu bytes", examples[_i], n);
        front_end(text, n, what);
    }
    free(text);
}
END_TEST

START_TEST(random_mutations_in_process)
{
    size_t len;
    char *text = example(examples[_i], &len);
    rng r = {0x9E3779B97F4A7C15ull + (uint64_t)_i};
    int n = scaled(MUTATIONS);
    for (int k = 0; k < n; k++) {
        size_t mlen;
        char *m = mutate(&r, text, len, &mlen);
        char what[64];
        snprintf(what, sizeof what, "%s, mutation %d", examples[_i], k);
        front_end(m, mlen, what);
        free(m);
    }
    free(text);
}
END_TEST

/* Byte soups that exercise the scanner's error paths. */
START_TEST(garbage_in_process)
{
    rng r = {42};
    int rounds = scaled(200);
    for (int k = 0; k < rounds; k++) {
        size_t n = 1 + rbelow(&r, 400);
        char *buf = malloc(n);
        ck_assert_ptr_nonnull(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)rbelow(&r, 256);
        front_end(buf, n, "random bytes");
        /* and a soup of the language's own tokens */
        static const char *const toks[] = {"model", "enum", "table", "User", "id", "Integer", "String",
                                           "(", ")", "{", "}", ",", ":", ";", ".", "\n", "\"s\"", "-1",
                                           "2.5", "`x`", "primary_key", "relationship", "foreign_key",
                                           "/*", "*/", "#", "\"", "\\"};
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            const char *t = toks[rbelow(&r, sizeof toks / sizeof toks[0])];
            size_t tl = strlen(t);
            if (o + tl + 1 > n)
                break;
            memcpy(buf + o, t, tl);
            o += tl;
            buf[o++] = ' ';
        }
        front_end(buf, o, "token soup");
        free(buf);
    }
}
END_TEST

START_TEST(deep_nesting_in_process)
{
    size_t n = 10000;
    char *buf = malloc(3 * n + 64);
    ck_assert_ptr_nonnull(buf);
    const char *open[] = {"(", "{", "model M {"};
    for (int kind = 0; kind < 3; kind++) {
        size_t o = 0;
        o += (size_t)sprintf(buf, "model M { id Integer primary_key ");
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(open[kind]);
            memcpy(buf + o, open[kind], l);
            o += l;
            if (o > 2 * n)
                break;
        }
        front_end(buf, o, "deep nesting");
    }
    free(buf);
}
END_TEST

/* ---- through the binary -------------------------------------------------- */

static regex_t located, plain;

static void compile_patterns(void)
{
    static int done;
    if (done)
        return;
    ck_assert_int_eq(regcomp(&located, "^[^\n]*:[0-9]+:[0-9]+: error: ", REG_EXTENDED | REG_NEWLINE), 0);
    ck_assert_int_eq(regcomp(&plain, "^[^\n:]*: error: ", REG_EXTENDED | REG_NEWLINE), 0);
    done = 1;
}

/* Writes text to DIR/name, runs `modelc sql` on it; the exit must be 0 or
 * 1, and 1 must come with an error line naming the file.  Returns the
 * exit status. */
static int run_binary(const char *dir, const char *name, const char *text, size_t len, int timeout)
{
    compile_patterns();
    char *path = tu_fmt("%s/%s", dir, name);
    ck_assert_int_eq(tu_write_file(path, text, len), 0);
    const char *argv[] = {tu_modelc(), "sql", path, NULL};
    tu_result r = tu_run(argv, NULL, timeout);
    ck_assert_msg(r.status == 0 || r.status == 1, "%s: exit %d (a signal or a timeout is 128+n)\n%.2000s", name,
                  r.status, r.err);
    if (r.status == 1) {
        ck_assert_msg(r.out[0] == '\0', "%s: output despite errors", name);
        ck_assert_msg(regexec(&located, r.err, 0, NULL, 0) == 0 || regexec(&plain, r.err, 0, NULL, 0) == 0,
                      "%s: exit 1 without an error line:\n%.2000s", name, r.err);
        ck_assert_msg(strncmp(r.err, path, strlen(path)) == 0, "%s: message does not name the file:\n%.500s",
                      name, r.err);
    } else {
        ck_assert_msg(r.err[0] == '\0', "%s: exit 0 with messages:\n%.2000s", name, r.err);
    }
    int status = r.status;
    tu_result_free(&r);
    free(path);
    return status;
}

START_TEST(prefixes_and_mutations_through_binary)
{
    char *dir = tu_mkdtemp();
    rng r = {7};
    for (size_t e = 0; e < 2; e++) {
        size_t len;
        char *text = example(examples[e], &len);
        ck_assert_int_eq(run_binary(dir, "whole.model", text, len, 30), 0);
        for (int k = 1; k <= SUBPROCESS_SAMPLES; k++) {
            size_t n = len * (size_t)k / (SUBPROCESS_SAMPLES + 1);
            run_binary(dir, "prefix.model", text, n, 30);
            size_t mlen;
            char *m = mutate(&r, text, len, &mlen);
            run_binary(dir, "mutated.model", m, mlen, 30);
            free(m);
        }
        free(text);
    }
    tu_rmdir(dir);
}
END_TEST

START_TEST(binary_garbage_64k)
{
    char *dir = tu_mkdtemp();
    size_t n = 64 * 1024;
    char *buf = malloc(n);
    ck_assert_ptr_nonnull(buf);
    rng r = {1234567};
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)rbelow(&r, 256);
    ck_assert_int_eq(run_binary(dir, "garbage.model", buf, n, 30), 1);
    free(buf);
    tu_rmdir(dir);
}
END_TEST

START_TEST(bad_encodings_and_nul)
{
#define CASE(name, text) {name, text, sizeof text - 1}
    static const struct {
        const char *name, *text;
        size_t len;
    } cases[] = {
        CASE("latin1_string.model", "model M {\n  id Integer primary_key\n  s String default(\"caf\xe9\")\n}\n"),
        CASE("latin1_ident.model", "model M {\n  id Integer primary_key\n  caf\xe9 String\n}\n"),
        CASE("overlong.model", "model M {\n  id Integer primary_key\n  s String default(\"\xc0\xaf\")\n}\n"),
        CASE("surrogate.model", "model M {\n  id Integer primary_key\n  s String default(\"\xed\xa0\x80\")\n}\n"),
        CASE("truncated_utf8.model", "model M {\n  id Integer primary_key\n  s String default(\"\xe2\x82\")\n}\n"),
        CASE("lone_continuation.model", "model M \x80{\n  id Integer primary_key\n}\n"),
        CASE("nul_in_string.model", "model M {\n  id Integer primary_key\n  s String default(\"a\0b\")\n}\n"),
        CASE("nul_outside.model", "model M {\n  id Integer \0primary_key\n}\n"),
        CASE("nul_only.model", "\0"),
        CASE("crlf.model", "model M {\r\n  id Integer primary_key\r\n  s String(3) default(\"ab\r\")\r\n}\r\n"),
    };
#undef CASE
    char *dir = tu_mkdtemp();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = cases[i].len;
        ck_assert_int_eq(run_binary(dir, cases[i].name, cases[i].text, len, 30), 1);
        front_end(cases[i].text, len, cases[i].name);
    }
    /* valid UTF-8 in strings and comments is fine */
    const char *ok = "# caf\xc3\xa9 \xf0\x9f\x98\x80\nmodel M {\n  id Integer primary_key\n"
                     "  s String(4) default(\"\xc3\xa9t\xc3\xa9!\")  // \xe2\x82\xac\n}\n";
    ck_assert_int_eq(run_binary(dir, "utf8_ok.model", ok, strlen(ok), 30), 0);
    tu_rmdir(dir);
}
END_TEST

START_TEST(empty_and_comment_only_files)
{
    char *dir = tu_mkdtemp();
    ck_assert_int_eq(run_binary(dir, "empty.model", "", 0, 30), 1);
    const char *comments = "# only\n// comments\n/* and a\n   block */\n";
    ck_assert_int_eq(run_binary(dir, "comments.model", comments, strlen(comments), 30), 1);
    front_end("", 0, "empty");
    front_end(comments, strlen(comments), "comments");
    tu_rmdir(dir);
}
END_TEST

START_TEST(deep_nesting_through_binary)
{
    char *dir = tu_mkdtemp();
    size_t n = 10000;
    char *buf = malloc(2 * n + 128);
    ck_assert_ptr_nonnull(buf);
    /* 10,000 nested parentheses inside a member */
    size_t o = (size_t)sprintf(buf, "model M {\n  id Integer primary_key\n  x Integer default");
    memset(buf + o, '(', n);
    o += n;
    buf[o++] = '1';
    memset(buf + o, ')', n);
    o += n;
    o += (size_t)sprintf(buf + o, "\n}\n");
    ck_assert_int_eq(run_binary(dir, "parens.model", buf, o, 30), 1);
    /* 10,000 nested braces */
    o = (size_t)sprintf(buf, "model M ");
    memset(buf + o, '{', n);
    o += n;
    memset(buf + o, '}', n);
    o += n;
    ck_assert_int_eq(run_binary(dir, "braces.model", buf, o, 30), 1);
    free(buf);
    tu_rmdir(dir);
}
END_TEST

/* ~10 MB of valid models: must succeed, and quickly. */
START_TEST(ten_megabytes_of_models)
{
    size_t cap = 10u * 1024 * 1024 + 4096, o = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    int i = 0;
    while (o < 10u * 1024 * 1024) {
        o += (size_t)snprintf(buf + o, cap - o,
                              "model Thing%d {\n"
                              "    id        Integer     primary_key\n"
                              "    name      String(64)  not_null index\n"
                              "    parent_id Integer     foreign_key(Thing%d.id, on_delete: cascade)\n"
                              "    kids      relationship(Thing%d, backref: parent_of_%d)\n"
                              "}\n",
                              i, i > 0 ? i - 1 : 0, i + 1, i);
        i++;
    }
    /* the last model's relationship needs its target */
    o += (size_t)snprintf(buf + o, cap - o,
                          "model Thing%d {\n    id Integer primary_key\n"
                          "    parent_id Integer foreign_key(Thing%d.id)\n}\n",
                          i, i - 1);
    char *dir = tu_mkdtemp();
    char *path = tu_fmt("%s/big.model", dir);
    ck_assert_int_eq(tu_write_file(path, buf, o), 0);
    const char *argv[] = {tu_modelc(), "sql", path, NULL};
    tu_result r = tu_run(argv, NULL, 60);
    ck_assert_msg(r.status == 0, "exit %d\n%.2000s", r.status, r.err);
    ck_assert_str_eq(r.err, "");
    /* (a plain loop: sanitizers make repeated strstr over 10 MB quadratic) */
    size_t tables = 0;
    for (const char *p = r.out; *p;) {
        if (strncmp(p, "CREATE TABLE ", 13) == 0)
            tables++;
        while (*p && *p != '\n')
            p++;
        if (*p)
            p++;
    }
    ck_assert_uint_eq(tables, (size_t)i + 1);
    /* creation order follows the chain of foreign keys */
    ck_assert_msg(strncmp(r.out, "CREATE TABLE thing0 ", 20) == 0, "%.200s", r.out);
    tu_result_free(&r);
    free(path);
    tu_rmdir(dir);
    free(buf);
}
END_TEST

START_TEST(ten_megabyte_garbage_line)
{
    size_t n = 10u * 1024 * 1024;
    char *buf = malloc(n);
    ck_assert_ptr_nonnull(buf);
    rng r = {99};
    /* Printable soup without newlines, comment or string starters, so the
     * scanner and parser see it all as one line of tokens. */
    static const char alphabet[] = "abcXYZ_019 (){},:;.`-@$%^&|<>?[]=+~!";
    for (size_t i = 0; i < n; i++)
        buf[i] = alphabet[rbelow(&r, sizeof alphabet - 1)];
    char *dir = tu_mkdtemp();
    ck_assert_int_eq(run_binary(dir, "garbage_line.model", buf, n, 60), 1);
    /* and one that is a single unterminated string, and one comment */
    buf[0] = '"';
    ck_assert_int_eq(run_binary(dir, "long_string.model", buf, n, 60), 1);
    buf[0] = '/';
    buf[1] = '*';
    ck_assert_int_eq(run_binary(dir, "long_comment.model", buf, n, 60), 1);
    tu_rmdir(dir);
    free(buf);
}
END_TEST

START_TEST(load_schema_from_file_in_process)
{
    /* mcc_load_schema itself, on awkward files. */
    char *dir = tu_mkdtemp();
    static const struct {
        const char *text;
        size_t len;
    } cases[] = {
        {"", 0},
        {"\0\0\0", 3},
        {"model M { id Integer primary_key }", 34},
        {"model M { id Integer primary_key }\n\0", 36},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = tu_fmt("%s/f%zu.model", dir, i);
        ck_assert_int_eq(tu_write_file(path, cases[i].text, cases[i].len), 0);
        mcc_arena arena = {0};
        mcc_source src = {0};
        mcc_diag d;
        sink sk = {0};
        sk.max_line = 100;
        mcc_diag_init(&d, &src, on_message, &sk);
        mcc_schema schema;
        int nerr = mcc_load_schema(path, &arena, &d, &src, &schema);
        ck_assert_msg((nerr == 0) == (i == 2), "case %zu: %d errors", i, nerr);
        ck_assert_uint_eq(src.len, cases[i].len);
        mcc_arena_free(&arena);
        free(path);
    }
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    const char *vg = getenv("MODELC_VALGRIND");
    slow = vg && vg[0] == '1';
    Suite *s = suite_create("robust");
    TCase *tc = tcase_create("inputs");
    tcase_set_timeout(tc, slow ? 600 : 120);
    tcase_add_loop_test(tc, every_prefix_in_process, 0, 2);
    tcase_add_loop_test(tc, random_mutations_in_process, 0, 2);
    tcase_add_test(tc, garbage_in_process);
    tcase_add_test(tc, deep_nesting_in_process);
    tcase_add_test(tc, load_schema_from_file_in_process);
    tcase_add_test(tc, prefixes_and_mutations_through_binary);
    tcase_add_test(tc, binary_garbage_64k);
    tcase_add_test(tc, bad_encodings_and_nul);
    tcase_add_test(tc, empty_and_comment_only_files);
    tcase_add_test(tc, deep_nesting_through_binary);
    tcase_add_test(tc, ten_megabytes_of_models);
    tcase_add_test(tc, ten_megabyte_garbage_line);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
