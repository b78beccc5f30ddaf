/*
 * app_check.h -- the small assertion kit of the test programs in this
 * directory (library_app.c, blog_app.c, the interop programs).  Plain C11,
 * no test framework: each failed check prints "file:line: ..." on stderr
 * and counts; a program ends with app_done(), which exits 1 if any failed.
 *
 * A program defines `static mc_db *db;` before including this header
 * (messages show mc_errmsg(db)).
 */
#ifndef APP_CHECK_H
#define APP_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modelc.h>

static int app_failures, app_checks;

#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        app_checks++;                                                                     \
        if (!(cond)) {                                                                    \
            app_failures++;                                                               \
            fprintf(stderr, "%s:%d: check failed: ", __FILE__, __LINE__);                 \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fprintf(stderr, " [mc_errmsg: %s]\n", mc_errmsg(db));                         \
        }                                                                                 \
    } while (0)

/* expr returns the status want. */
#define CHECK_RC(expr, want)                                                              \
    do {                                                                                  \
        int rc_ = (expr);                                                                 \
        CHECK(rc_ == (want), "%s returned %s, want %s", #expr, mc_status_name(rc_),       \
              mc_status_name(want));                                                      \
    } while (0)

#define OK(expr) CHECK_RC(expr, MC_OK)

/* The last error message contains text. */
#define CHECK_ERR(text)                                                                   \
    CHECK(strstr(mc_errmsg(db), (text)) != NULL, "message \"%s\" does not contain \"%s\"", \
          mc_errmsg(db), (text))

/* expr fails with status want and a message containing text. */
#define CHECK_FAIL(expr, want, text)                                                      \
    do {                                                                                  \
        CHECK_RC(expr, want);                                                             \
        CHECK_ERR(text);                                                                  \
    } while (0)

/* A non-NULL pointer that must be overwritten (with NULL on failure). */
static inline void *app_sentinel(void)
{
    static long double storage[32];
    return storage;
}
#define SENTINEL(T) ((T *)app_sentinel())

static inline int app_str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static inline const char *app_show(const char *s) { return s ? s : "(NULL)"; }

/* Two strings (either may be NULL) are equal. */
#define CHECK_STR(got, want)                                                              \
    do {                                                                                  \
        const char *g_ = (got), *w_ = (want);                                             \
        CHECK(app_str_eq(g_, w_), "%s is \"%s\", want \"%s\"", #got, app_show(g_),        \
              app_show(w_));                                                              \
    } while (0)

#define CHECK_INT(got, want)                                                              \
    do {                                                                                  \
        long long g_ = (long long)(got), w_ = (long long)(want);                          \
        CHECK(g_ == w_, "%s is %lld, want %lld", #got, g_, w_);                           \
    } while (0)

/* ---- raw SQL, to see what is really in the database ---------------------- */

/* The first column of the first row of sql (with ?1 bound to arg) as an
 * integer; -1 when the statement fails or gives no row. */
static inline long long app_sql_int(mc_db *d, const char *sql, long long arg)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(mc_sqlite(d), sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, arg);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The same as text, into buf ("" when none, "(NULL)" for SQL NULL). */
static inline const char *app_sql_text(mc_db *d, const char *sql, long long arg, char *buf,
                                       size_t size)
{
    sqlite3_stmt *st = NULL;
    snprintf(buf, size, "%s", "");
    if (sqlite3_prepare_v2(mc_sqlite(d), sql, -1, &st, NULL) != SQLITE_OK)
        return buf;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, arg);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(buf, size, "%s", t ? (const char *)t : "(NULL)");
    }
    sqlite3_finalize(st);
    return buf;
}

/* Opens path and runs the DDL in the file ddl_path (`modelc sql` output). */
static inline int app_open(mc_db **out, const char *path, const char *ddl_path)
{
    int rc = mc_open(out, path, NULL);
    if (rc != MC_OK) {
        fprintf(stderr, "open %s: %s\n", path, mc_errmsg(*out));
        return rc;
    }
    if (!ddl_path)
        return MC_OK;
    FILE *f = fopen(ddl_path, "rb");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", ddl_path);
        return MC_ERROR;
    }
    char *sql = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[4096];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *p = (char *)realloc(sql, cap);
            if (!p) {
                free(sql);
                fclose(f);
                return MC_NOMEM;
            }
            sql = p;
        }
        memcpy(sql + len, chunk, n);
        len += n;
    }
    fclose(f);
    if (!sql) {
        fprintf(stderr, "%s is empty\n", ddl_path);
        return MC_ERROR;
    }
    sql[len] = '\0';
    rc = mc_exec(*out, sql);
    if (rc != MC_OK)
        fprintf(stderr, "running %s: %s\n", ddl_path, mc_errmsg(*out));
    free(sql);
    return rc;
}

static inline int app_done(const char *name)
{
    if (app_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", name, app_failures, app_checks);
        return 1;
    }
    printf("%s: all %d checks passed\n", name, app_checks);
    return 0;
}

/* ---- queries --------------------------------------------------------------
 * QCOUNT(T, fn, want, setup...): a query over model T (functions fn_*),
 * built by the statements `setup` (the query is q_), counts want rows.
 */
#define QCOUNT(T, fn, want, ...)                                                          \
    do {                                                                                  \
        T##_query *q_ = fn##_query(db);                                                   \
        CHECK(q_ != NULL, "%s_query", #fn);                                               \
        __VA_ARGS__;                                                                      \
        int64_t n_ = -1;                                                                  \
        long long w_ = (long long)(want);                                                 \
        int rc_ = fn##_query_count(q_, &n_);                                              \
        CHECK(rc_ == MC_OK && n_ == w_, "%s: count %s %lld, want %lld", #__VA_ARGS__,     \
              mc_status_name(rc_), (long long)n_, w_);                                    \
        fn##_query_free(q_);                                                              \
    } while (0)

/* Minimal SQL LIKE (ASCII case-insensitive, % and _, no escape). */
static inline int app_like(const char *s, const char *p)
{
    for (; *p; p++, s++) {
        if (*p == '%') {
            for (;; s++) {
                if (app_like(s, p + 1))
                    return 1;
                if (!*s)
                    return 0;
            }
        }
        if (!*s)
            return 0;
        if (*p != '_') {
            int a = (unsigned char)*s, b = (unsigned char)*p;
            if (a >= 'A' && a <= 'Z')
                a += 32;
            if (b >= 'A' && b <= 'Z')
                b += 32;
            if (a != b)
                return 0;
        }
    }
    return *s == '\0';
}

/*
 * The comparison predicates of one column, checked against what the rows
 * say: every row is loaded with fn_all, the expected counts are computed
 * here in C from the row values (NULL rows match no comparison, as in
 * SQL), and each fn_query_where_<col>_<op> must count as many.  r_ is the
 * row (T *), NULLCOND says when it holds NULL, CMP(r_) gives <0, 0, >0
 * against the probe v.  The probe must have rows below, at and above it.
 */
#define CMP6(T, fn, col, v, NULLCOND, CMP)                                                \
    do {                                                                                  \
        T##_list all_;                                                                    \
        long long e_[6] = {0};                                                            \
        OK(fn##_all(db, &all_));                                                          \
        for (size_t k_ = 0; k_ < all_.count; k_++) {                                      \
            const T *r_ = &all_.items[k_];                                                \
            if (NULLCOND)                                                                 \
                continue;                                                                 \
            int c_ = (CMP);                                                               \
            e_[0] += c_ == 0;                                                             \
            e_[1] += c_ != 0;                                                             \
            e_[2] += c_ < 0;                                                              \
            e_[3] += c_ <= 0;                                                             \
            e_[4] += c_ > 0;                                                              \
            e_[5] += c_ >= 0;                                                             \
        }                                                                                 \
        fn##_list_free(&all_);                                                            \
        CHECK(e_[0] > 0 && e_[2] > 0 && e_[4] > 0, "%s.%s: the probe %s should split the rows", \
              #fn, #col, #v);                                                             \
        QCOUNT(T, fn, e_[0], fn##_query_where_##col##_eq(q_, v));                         \
        QCOUNT(T, fn, e_[1], fn##_query_where_##col##_ne(q_, v));                         \
        QCOUNT(T, fn, e_[2], fn##_query_where_##col##_lt(q_, v));                         \
        QCOUNT(T, fn, e_[3], fn##_query_where_##col##_le(q_, v));                         \
        QCOUNT(T, fn, e_[4], fn##_query_where_##col##_gt(q_, v));                         \
        QCOUNT(T, fn, e_[5], fn##_query_where_##col##_ge(q_, v));                         \
    } while (0)

/* How many rows of fn_all satisfy COND (r_ is the row). */
#define EXPECT_ROWS(T, fn, out, COND)                                                     \
    do {                                                                                  \
        T##_list all_;                                                                    \
        (out) = 0;                                                                        \
        OK(fn##_all(db, &all_));                                                          \
        for (size_t k_ = 0; k_ < all_.count; k_++) {                                      \
            const T *r_ = &all_.items[k_];                                                \
            (void)r_;                                                                     \
            (out) += (COND) ? 1 : 0;                                                      \
        }                                                                                 \
        fn##_list_free(&all_);                                                            \
    } while (0)

#define APP_SIGN(a, b) ((a) < (b) ? -1 : (a) > (b) ? 1 : 0)

/* is_null / is_not_null of a nullable column, against the rows. */
#define NULLS(T, fn, col, NULLCOND)                                                       \
    do {                                                                                  \
        long long nul_, tot_;                                                             \
        EXPECT_ROWS(T, fn, nul_, NULLCOND);                                               \
        EXPECT_ROWS(T, fn, tot_, 1);                                                      \
        CHECK(nul_ > 0 && nul_ < tot_, "%s.%s: want both NULL and non-NULL rows", #fn, #col); \
        QCOUNT(T, fn, nul_, fn##_query_where_##col##_is_null(q_));                        \
        QCOUNT(T, fn, tot_ - nul_, fn##_query_where_##col##_is_not_null(q_));             \
    } while (0)

/* The whole surface of one model's query on its full table: order_by
 * (desc on col), limit/offset, count, first, next, all, and fn_all. */
#define QUERY_SURFACE(T, fn, col)                                                         \
    do {                                                                                  \
        T##_list all_, got_;                                                              \
        OK(fn##_all(db, &all_));                                                          \
        T##_query *q_ = fn##_query(db);                                                   \
        fn##_query_order_by(q_, col, true);                                               \
        int64_t n_ = -1;                                                                  \
        OK(fn##_query_count(q_, &n_));                                                    \
        CHECK(n_ == (int64_t)all_.count && n_ > 1, "%s: count %lld, all %zu", #fn,        \
              (long long)n_, all_.count);                                                 \
        OK(fn##_query_all(q_, &got_));                                                    \
        CHECK(got_.count == all_.count, "%s: query_all %zu rows", #fn, got_.count);       \
        fn##_list_free(&got_);                                                            \
        T r_ = {0};                                                                       \
        size_t seen_ = 0;                                                                 \
        int rc_;                                                                          \
        while ((rc_ = fn##_query_next(q_, &r_)) == MC_OK)                                 \
            seen_++;                                                                      \
        CHECK(rc_ == MC_DONE && seen_ == all_.count, "%s: next gave %zu rows, then %s",  \
              #fn, seen_, mc_status_name(rc_));                                           \
        fn##_clear(&r_);                                                                  \
        fn##_query_limit(q_, 1);                                                          \
        fn##_query_offset(q_, 1);                                                         \
        OK(fn##_query_count(q_, &n_));                                                    \
        CHECK(n_ == 1, "%s: count with limit 1 offset 1 is %lld", #fn, (long long)n_);    \
        T *first_ = NULL;                                                                 \
        OK(fn##_query_first(q_, &first_));                                                \
        CHECK(first_ != NULL, "%s: first", #fn);                                          \
        fn##_free(first_);                                                                \
        fn##_query_free(q_);                                                              \
        fn##_list_free(&all_);                                                            \
        CHECK(all_.count == 0 && all_.items == NULL, "%s_list_free empties the list", #fn);\
    } while (0)

/* X_new / X_clear / X_free / X_list_free on NULL and empty values. */
#define LIFECYCLE(T, fn)                                                                  \
    do {                                                                                  \
        T *p_ = fn##_new();                                                               \
        CHECK(p_ != NULL, "%s_new", #fn);                                                 \
        T init_;                                                                          \
        memset(&init_, 0xff, sizeof init_);                                               \
        fn##_init(&init_);          /* defaults: checked per model where there are any */ \
        T zero_;                                                                          \
        memset(&zero_, 0, sizeof zero_);                                                  \
        fn##_clear(&zero_);                                                               \
        fn##_clear(p_);                                                                   \
        fn##_free(p_);                                                                    \
        fn##_free(NULL);                                                                  \
        fn##_clear(NULL);                                                                 \
        T##_list l_ = {NULL, 0};                                                          \
        fn##_list_free(&l_);                                                              \
        fn##_list_free(NULL);                                                             \
    } while (0)

/* Two blobs are equal: both NULL, or the same bytes (an empty one is not NULL). */
static inline int app_blob_eq(const mc_blob *a, const mc_blob *b)
{
    return (!a->data && !b->data) ||
           (a->data && b->data && a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0));
}

/* Streams every row of model T twice side by side, copied (fn_query_next)
 * and lent (fn_query_next_borrowed), both queries ordered by ORDER(q),
 * and checks SAME(&copied, &lent) for each row and that both streams end
 * together; `rows` (an int) gets the count.  Then the lent stream starts
 * over, stops after its first row and is freed: a lent row is never
 * cleared, and nothing of it is left to free (valgrind and ASan see to
 * that). */
#define STREAMS_AGREE(T, fn, ORDER, SAME, rows)                                           \
    do {                                                                                  \
        T##_query *qc_ = fn##_query(db), *ql_ = fn##_query(db);                           \
        T c_, l_;                                                                         \
        int sc_, sl_ = MC_OK;                                                             \
        ORDER(qc_);                                                                       \
        ORDER(ql_);                                                                       \
        memset(&c_, 0, sizeof c_);                                                        \
        memset(&l_, 0, sizeof l_);                                                        \
        (rows) = 0;                                                                       \
        while ((sc_ = fn##_query_next(qc_, &c_)) == MC_OK) {                              \
            if ((sl_ = fn##_query_next_borrowed(ql_, &l_)) != MC_OK)                      \
                break;                                                                    \
            CHECK(SAME(&c_, &l_), "%s row %d: the lent row differs from the copy", #fn, (rows)); \
            (rows)++;                                                                     \
        }                                                                                 \
        CHECK(sc_ == MC_DONE && sl_ == MC_OK, "%s streams: copied %s, lent %s", #fn,      \
              mc_status_name(sc_), mc_status_name(sl_));                                  \
        CHECK_RC(fn##_query_next_borrowed(ql_, &l_), MC_DONE);                            \
        /* after MC_DONE the query starts over: one row, then stop early */               \
        CHECK_RC(fn##_query_next_borrowed(ql_, &l_), (rows) ? MC_OK : MC_DONE);           \
        fn##_clear(&c_);                                                                  \
        fn##_query_free(qc_);                                                             \
        fn##_query_free(ql_);                                                             \
    } while (0)

#endif
