/*
 * test_column_text.c -- the copies of text columns that every row read
 * makes (mc_stmt_column_text, mc_column_text, mc_column_strdup, and the
 * generated X_read through them) on SQLite: the copy reads as the stored
 * text for every length, on both sides of where the runtime stops
 * scanning for the end itself and asks SQLite for the length instead;
 * text with a NUL inside reads up to the NUL; numbers, blobs, empty
 * values and NULL read as before.  Blob reads (copied and lent) keep an
 * empty value apart from NULL.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "modelc.h"
#include "testutil.h"

/* A text of n bytes "abc...", malloc'd, with a NUL at nul_at (< n) when
 * nul_at >= 0 (then it is n bytes of SQLite text with a NUL inside). */
static char *make_text(size_t n, long nul_at)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n] = '\0';
    if (nul_at >= 0)
        s[nul_at] = '\0';
    return s;
}

/* Reads column 0 of "SELECT v FROM t WHERE k = k" through the three
 * copying calls and checks each against want (NULL: SQL NULL). */
static void check_reads(mc_db *db, int k, const char *want)
{
    mc_stmt *st = mc_stmt_prepare(db, "SELECT v FROM t WHERE k = ?");
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, k), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    char *got = (char *)1;
    ck_assert_int_eq(mc_stmt_column_text(db, st, 0, &got), MC_OK);
    if (want) {
        ck_assert_ptr_nonnull(got);
        ck_assert_uint_eq(strlen(got), strlen(want));
        ck_assert_str_eq(got, want);
    } else {
        ck_assert_ptr_null(got);
    }
    free(got);
    got = mc_stmt_column_strdup(st, 0);
    if (want)
        ck_assert_str_eq(got, want);
    else
        ck_assert_ptr_null(got);
    free(got);
    got = (char *)1;
    ck_assert_int_eq(mc_column_text(db, st->lite, 0, &got), MC_OK);
    if (want)
        ck_assert_str_eq(got, want);
    else
        ck_assert_ptr_null(got);
    free(got);
    got = mc_column_strdup(st->lite, 0);
    if (want)
        ck_assert_str_eq(got, want);
    else
        ck_assert_ptr_null(got);
    free(got);
    mc_stmt_release(db, st);
}

/* Row (k, the len bytes of s as TEXT) into t. */
static void insert_text(mc_db *db, int64_t k, const char *s, size_t len)
{
    mc_stmt *st = mc_stmt_prepare(db, "INSERT INTO t (k, v) VALUES (?, ?)");
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, k), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_bind_text_n(st, 2, s, (int)len), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_DONE);
    mc_stmt_release(db, st);
}

START_TEST(text_copies_read_as_stored_at_every_length)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"), MC_OK);
    /* Lengths around the runtime's own scan (a few hundred bytes) and far past it. */
    static const size_t lengths[] = {0, 1, 7, 8, 31, 32, 63, 64, 254, 255, 256, 257, 511, 512, 4096, 100000};
    size_t n = sizeof lengths / sizeof lengths[0];
    for (size_t i = 0; i < n; i++) {
        char *s = make_text(lengths[i], -1);
        insert_text(db, (int64_t)i, s, lengths[i]);
        check_reads(db, (int)i, s);
        free(s);
    }
    mc_close(db);
}
END_TEST

START_TEST(text_with_a_nul_inside_reads_up_to_the_nul)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"), MC_OK);
    /* (length, where the NUL is): inside the scan, at its edge, past it. */
    static const long cases[][2] = {{10, 0}, {10, 4}, {300, 5}, {300, 255}, {300, 256}, {300, 299}, {5000, 4000}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = make_text((size_t)cases[i][0], cases[i][1]);
        insert_text(db, (int64_t)i, s, (size_t)cases[i][0]);
        mc_stmt *st;
        /* stored with every byte... */
        st = mc_stmt_prepare(db, "SELECT length(CAST(v AS BLOB)) FROM t WHERE k = ?");
        ck_assert_int_eq(mc_stmt_bind_int64(st, 1, (int64_t)i), MC_RC_OK);
        ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
        ck_assert_int_eq(mc_stmt_column_int64(st, 0), cases[i][0]);
        mc_stmt_release(db, st);
        /* ...and read as the C string it is: up to the NUL */
        check_reads(db, (int)i, s);
        free(s);
    }
    mc_close(db);
}
END_TEST

START_TEST(other_values_read_as_text_as_before)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v);"
                                 "INSERT INTO t VALUES (1, 42), (2, 2.5), (3, x'6162'), (4, x''), (5, NULL),"
                                 " (6, ''), (7, 'h\xc3\xa9llo')"),
                     MC_OK);
    check_reads(db, 1, "42");
    check_reads(db, 2, "2.5");
    check_reads(db, 3, "ab");
    check_reads(db, 4, "");     /* an empty blob: "", not NULL */
    check_reads(db, 5, NULL);
    check_reads(db, 6, "");
    check_reads(db, 7, "h\xc3\xa9llo");
    mc_close(db);
}
END_TEST

/* Column 0 of row k read as a blob, copied and lent: want_null for SQL
 * NULL (data NULL, len 0), else n bytes equal to want (data non-NULL
 * even when n is 0: an empty value is not NULL). */
static void check_blob(mc_db *db, int k, int want_null, const void *want, size_t n)
{
    mc_stmt *st = mc_stmt_prepare(db, "SELECT v FROM t WHERE k = ?");
    ck_assert_int_eq(mc_stmt_bind_int64(st, 1, k), MC_RC_OK);
    ck_assert_int_eq(mc_stmt_step(st), MC_RC_ROW);
    mc_blob b = {(void *)1, 7};
    for (int lent = 0; lent < 2; lent++) {
        ck_assert_int_eq(lent ? mc_stmt_column_blob_lent(db, st, 0, &b) : mc_stmt_column_blob(db, st, 0, &b), MC_OK);
        if (want_null) {
            ck_assert(b.data == NULL && b.len == 0);
        } else {
            ck_assert_ptr_nonnull(b.data);
            ck_assert_uint_eq(b.len, n);
            ck_assert(n == 0 || memcmp(b.data, want, n) == 0);
        }
        if (!lent)
            free(b.data);
    }
    ck_assert_int_eq(mc_column_blob(db, st->lite, 0, &b), MC_OK);
    ck_assert(want_null ? b.data == NULL : (b.data != NULL && b.len == n && (n == 0 || memcmp(b.data, want, n) == 0)));
    free(b.data);
    mc_stmt_release(db, st);
}

START_TEST(blob_reads_tell_null_from_empty)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v);"
                                 "INSERT INTO t VALUES (1, x'00ff01'), (2, x''), (3, NULL), (4, 'ab'), (5, ''),"
                                 " (6, 42)"),
                     MC_OK);
    check_blob(db, 1, 0, "\0\xff\1", 3);
    check_blob(db, 2, 0, "", 0);
    check_blob(db, 3, 1, NULL, 0);
    check_blob(db, 4, 0, "ab", 2);
    check_blob(db, 5, 0, "", 0);
    check_blob(db, 6, 0, "42", 2);
    mc_close(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("column_text");
    TCase *tc = tcase_create("copies");
    tcase_add_test(tc, text_copies_read_as_stored_at_every_length);
    tcase_add_test(tc, text_with_a_nul_inside_reads_up_to_the_nul);
    tcase_add_test(tc, other_values_read_as_text_as_before);
    tcase_add_test(tc, blob_reads_tell_null_from_empty);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
