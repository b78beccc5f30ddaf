/*
 * modelc.h -- libmodelc, the runtime that modelc-generated code links with.
 *
 * This is the ONE public header of the runtime.  It wraps one SQLite
 * connection (mc_db) with what generated code and the `modelc` command line
 * need: opening by path or URL with sane pragmas, a statement cache,
 * nestable transactions, value checks done before a write, column copies,
 * and the migration runner.
 *
 * Conventions, true of every function below:
 *
 *   - Nothing here prints and nothing exits.  A function that can fail
 *     returns an mc_status (as int) and leaves a message on the connection:
 *     mc_errmsg(db).  The message describes the most recent failure; a
 *     successful call does not clear it (like errno), mc_clear_error does.
 *   - Functions that free or release are no-ops on NULL.
 *   - "Owned by X" means X frees it; every malloc'd result says who frees it.
 *   - An mc_db is not thread-safe: use one connection per thread.
 *   - SQL is always prepared and bound, never pasted together from values;
 *     identifiers the runtime writes itself are quoted.
 *
 * Names of generated symbols (`modelc generate`, with P the --prefix,
 * empty by default; `model LibraryCard` gives library_card):
 *
 *   P<Model>                    the struct of a row            LibraryCard
 *   P<Model>_list, _query       a list of rows, a query        LibraryCard_list
 *   P<model>_<verb>             functions: new, free, clear, insert, get,
 *                               find_by_<field>, update, delete, all, query_*,
 *                               set_<field>, <relationship>[_list|_add|_remove]
 *   <P><MODEL>_COL_<FIELD>      column constants for order_by  LIBRARY_CARD_COL_NUMBER
 *   P<Enum>, <P><ENUM>_<VALUE>  an enum and its values (from 1; 0 is NULL)
 *   P<schema>_migrate           compiled-in migrations (--migrations)
 *
 * A name that would be a keyword or a standard name gets '_' appended
 * (`model int` -> int_); one that two parts of a schema would share is
 * an error of `modelc generate` (README.md, "Names in the generated C").
 *
 * Generated structs follow one ownership rule: a struct modelc allocated
 * (get, find_by, query first/all/next, new) owns its strings and blobs and
 * is released with P<model>_free; a struct the caller fills only lends
 * them, and modelc never frees what it did not allocate.
 */
#ifndef MODELC_H
#define MODELC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MODELC_RUNTIME_VERSION "0.1.0"
/* major * 10000 + minor * 100 + patch.  Generated code guards with
 *   #if MODELC_RUNTIME_VERSION_NUMBER < 100
 *   #error ...                                                              */
#define MODELC_RUNTIME_VERSION_NUMBER 100

#if defined(MC_BUILDING_SHARED) && defined(__GNUC__)
#define MC_API __attribute__((visibility("default")))
#else
#define MC_API
#endif

#if defined(__GNUC__)
#define MC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MC_PRINTF(f, a)
#endif

/* The version of the library actually linked ("0.1.0"); compare with
 * MODELC_RUNTIME_VERSION to detect a header/library mismatch. */
MC_API const char *mc_runtime_version(void);

/* ---- status ----------------------------------------------------------- */

typedef enum {
    MC_OK = 0,
    MC_NOTFOUND,    /* no such row */
    MC_CONSTRAINT,  /* UNIQUE, NOT NULL, CHECK, FOREIGN KEY violated */
    MC_INVALID,     /* a value or an argument failed a check */
    MC_BUSY,        /* the database stayed locked past the busy timeout */
    MC_NOMEM,
    MC_MISUSE,      /* the API was called wrongly (no transaction, NULL db...) */
    MC_ERROR,       /* anything else SQLite reports (I/O, corruption...) */
    MC_DONE         /* an iterator has no more rows; not an error */
} mc_status;

/* "MC_CONSTRAINT"; "MC_UNKNOWN" for a value outside the enum.  Static. */
MC_API const char *mc_status_name(int status);

/* ---- values owned by the structs that hold them ------------------------ */

/* Bytes of a LargeBinary column.  data == NULL means SQL NULL; an empty
 * non-NULL value has len 0 and a non-NULL data.  data is owned by the
 * struct holding the mc_blob and freed with free() (or mc_blob_free). */
typedef struct mc_blob {
    void *data;
    size_t len;
} mc_blob;

/* ---- connection -------------------------------------------------------- */

typedef struct mc_db mc_db;     /* opaque */

/* Every field: -1 (or NULL) means "the default".  Zero-initialising the
 * struct is NOT the same as the defaults: use MC_OPEN_OPTIONS_DEFAULT. */
typedef struct mc_open_options {
    int foreign_keys;       /* PRAGMA foreign_keys; default 1 */
    int wal;                /* journal_mode=WAL (never for :memory:); default 1 */
    int busy_timeout_ms;    /* wait for a lock held elsewhere; 0: do not wait (on PostgreSQL too); default 5000 */
    const char *synchronous;/* OFF, NORMAL, FULL or EXTRA; default "NORMAL" */
    int create;             /* create the file when missing; default 1 */
    int readonly;           /* open read-only: nothing is written, not even the
                             * journal mode; the file must exist; default 0 */
    int single_thread;      /* 1: SQLITE_OPEN_NOMUTEX, no mutex around each
                             * SQLite call (they cost about a fifth of a
                             * streamed row); the connection, its statements
                             * and its queries must then be used by one
                             * thread at a time.  Default 0 (SQLite's own
                             * threading mode) */
} mc_open_options;

#define MC_OPEN_OPTIONS_DEFAULT { -1, -1, -1, NULL, -1, -1, -1 }

/*
 * Opens a connection.
 *
 * url: NULL or "" -> $DATABASE_URL, and when that is unset or empty "app.db".
 * Accepted forms:
 *   "app.db", "/abs/path.db"            a plain path
 *   "sqlite:///relative.db"             relative to the working directory
 *   "sqlite:////abs/path.db"            absolute
 *   "sqlite+pysqlite:///x.db"           a SQLAlchemy driver suffix is ignored
 *   "sqlite://", "sqlite:///:memory:", ":memory:"   a private in-memory db
 *   "postgresql://user:password@host:port/dbname", "postgres://...",
 *   "postgresql+psycopg2://..."         a PostgreSQL server (libpq's URI
 *                                       form, "?host=/socket/dir" included)
 * A "?query" after a sqlite:// URL is ignored.  Other schemes
 * ("mysql://...") are refused with MC_INVALID.
 *
 * PostgreSQL: libpq.so.5 is loaded on the first such open (a program
 * links only -lmodelc -lsqlite3; without libpq the open is MC_ERROR
 * saying so).  A server that cannot be reached is MC_ERROR with libpq's
 * reason.  Of opts only busy_timeout_ms (the session's lock_timeout: a
 * lock waited for longer is MC_BUSY) and readonly (read-only
 * transactions) apply; the rest are SQLite's.  mc_sqlite() is NULL and
 * the sqlite3_stmt calls refuse: use the mc_stmt calls.
 *
 * Applied on open, each overridable through opts (NULL = all defaults):
 * busy_timeout=5000, journal_mode=WAL (not for in-memory databases),
 * foreign_keys=ON, synchronous=NORMAL.
 *
 * The path must name a regular file (or be missing, when it may be
 * created): a directory, FIFO or device is refused with MC_ERROR.  The
 * schema is read on open, so "file is not a database" (MC_ERROR) and a
 * lock held past the busy timeout (MC_BUSY) are reported here.  WAL is
 * set only on a database opened for writing, and only when it is safe:
 * a read-only file or directory, a database another process is using at
 * that moment, or a disk too full for the -shm and -wal files keep the
 * journal mode they have (the switch is an optimisation, never a
 * failure).  opts->readonly opens with SQLITE_OPEN_READONLY and changes
 * nothing at all.
 *
 * *out is set even on failure so that mc_errmsg(*out) can be read; it is
 * NULL only when memory for the connection itself could not be had (then
 * the result is MC_NOMEM).  The caller always mc_close()s *out.
 */
MC_API int mc_open(mc_db **out, const char *url, const mc_open_options *opts);

/* Copies url into out (cap bytes, always terminated) with the password of
 * "scheme://user:password@host/..." and the value of a "password=" query
 * parameter replaced by "***", so that a message naming a database never
 * shows a password. */
MC_API void mc_redact_url(const char *url, char *out, size_t cap);

/* Finalizes every cached statement and closes the connection.  A still
 * running transaction is rolled back.  A query made on it and not yet
 * freed may still be freed afterwards (mc_query_free, X_query_free), as
 * SQLite's sqlite3_close_v2 allows for statements.  NULL is a no-op. */
MC_API void mc_close(mc_db *db);

/* The underlying handle, owned by db (do not close it); NULL when the open
 * failed or db is NULL. */
MC_API sqlite3 *mc_sqlite(mc_db *db);

/* The resolved path SQLite was given (":memory:" for in-memory); owned by
 * db.  "" for NULL. */
MC_API const char *mc_db_path(const mc_db *db);

/* ---- errors ------------------------------------------------------------ */

/* The message of the last failure, "" when none.  Owned by db, valid until
 * the next call on db.  mc_errmsg(NULL) is "out of memory" (the only way
 * to hold a NULL connection is a failed mc_open). */
MC_API const char *mc_errmsg(const mc_db *db);

/* The status of the last failure, MC_OK when none (MC_NOMEM for NULL). */
MC_API int mc_errcode(const mc_db *db);

/* The extended SQLite result code behind the last failure (e.g.
 * SQLITE_CONSTRAINT_UNIQUE), 0 when the failure did not come from SQLite. */
MC_API int mc_sqlite_errcode(const mc_db *db);

/* Records `status` with a printf-style message (truncated to about 1 KB)
 * and returns status.  Arguments may point into mc_errmsg(db).  With a
 * NULL db it only returns status. */
MC_API int mc_set_error(mc_db *db, int status, const char *fmt, ...) MC_PRINTF(3, 4);

/* Forgets the last failure: mc_errmsg is "" and mc_errcode MC_OK. */
MC_API void mc_clear_error(mc_db *db);

/*
 * Maps a SQLite result code to an mc_status and, for a failure, records
 * the message "<context>: <sqlite3_errmsg>", e.g.
 *   "user: UNIQUE constraint failed: user.username".
 * SQLITE_OK and SQLITE_ROW -> MC_OK, SQLITE_DONE -> MC_DONE (neither
 * touches the message); CONSTRAINT* -> MC_CONSTRAINT; BUSY, LOCKED ->
 * MC_BUSY; NOMEM -> MC_NOMEM; NOTFOUND -> MC_NOTFOUND; MISUSE, RANGE ->
 * MC_MISUSE; MISMATCH, TOOBIG -> MC_INVALID; anything else -> MC_ERROR.
 * context may be NULL.  Call it before sqlite3_reset(), which may change
 * the connection's message.
 */
MC_API int mc_status_from_sqlite(mc_db *db, int sqlite_rc, const char *context);

/* ---- statements -------------------------------------------------------- */

/*
 * A prepared statement for `sql`, taken from the connection's cache or
 * prepared and added to it.  The cache owns the statement: never finalize
 * it; give it back with mc_release() when done.
 *
 * sql must be ONE statement in storage that outlives db and never changes
 * (a string literal: this is what generated code passes).  The cache keys
 * on the pointer first and falls back to comparing text, so equal text at
 * another address finds the same statement.  For SQL built at run time use
 * mc_prepare_text.
 *
 * The statement comes back reset with no bindings.  Asking again for the
 * same SQL before releasing it (a nested loop over the same query) gives a
 * second statement; more than 64 unreleased ones for one text is MC_MISUSE
 * (a missing mc_release).  Returns NULL with the error set on failure.
 */
MC_API sqlite3_stmt *mc_prepare(mc_db *db, const char *sql);

/* Like mc_prepare, for SQL whose storage is the caller's (built at run
 * time): keyed by text only, the cache keeps its own copy. */
MC_API sqlite3_stmt *mc_prepare_text(mc_db *db, const char *sql);

/* Gives a statement from mc_prepare back to the cache: resets it and
 * clears its bindings (it is not finalized), so no pointer to the caller's
 * bound memory stays behind.  NULL is a no-op; a statement that is not the
 * cache's is reset and cleared the same way and stays the caller's. */
MC_API void mc_release(mc_db *db, sqlite3_stmt *stmt);

/* sqlite3_step with the result mapped: a row -> MC_OK, the end -> MC_DONE,
 * a failure -> its status with "<context>: <sqlite message>" recorded. */
MC_API int mc_step(mc_db *db, sqlite3_stmt *stmt, const char *context);

/*
 * Runs SQL with no bindings, stepping each statement to its end and
 * discarding rows (DDL, PRAGMA).  Several ';'-separated statements are run
 * in order.  Not cached; sql is only read during the call.  On failure the
 * message names the statement's first line.
 */
MC_API int mc_exec(mc_db *db, const char *sql);

/* ---- transactions ------------------------------------------------------ */

/*
 * Nestable transactions.  The outermost mc_begin issues BEGIN
 * (mc_begin_immediate: BEGIN IMMEDIATE, taking the write lock now); nested
 * ones issue SAVEPOINT mc_sp_N.  mc_commit commits the outermost level or
 * releases the innermost savepoint; mc_rollback rolls back the whole
 * transaction at the outermost level, or rolls back to and releases the
 * innermost savepoint (the outer work stays).  Statements outside any
 * transaction autocommit.
 *
 * mc_commit/mc_rollback without a transaction are MC_MISUSE.  When SQLite
 * has already rolled the transaction back by itself (after some I/O,
 * disk-full or out-of-memory errors), mc_rollback succeeds and unwinds one
 * level, and mc_commit unwinds one level and returns MC_ERROR, since the
 * work is gone.  A failed outermost COMMIT (e.g. SQLITE_BUSY) leaves the
 * transaction open: retry mc_commit or mc_rollback.
 */
MC_API int mc_begin(mc_db *db);
MC_API int mc_begin_immediate(mc_db *db);
MC_API int mc_commit(mc_db *db);
MC_API int mc_rollback(mc_db *db);
/* 0 outside a transaction, 1 inside the outermost, 2+ inside savepoints. */
MC_API int mc_txn_depth(const mc_db *db);

/* ---- value checks (before a write) ------------------------------------- */
/*
 * Each check returns MC_OK or MC_INVALID with a message that starts
 * "<table>.<field>: " (either name may be NULL).  A NULL value is always
 * MC_OK: NOT NULL is the database's job.  db may be NULL (no message).
 */

/* Number of characters in UTF-8 text.  *valid (may be NULL) is set to 0
 * when s is not valid UTF-8 (overlong forms, surrogates, > U+10FFFF,
 * truncated sequences); the count then covers the valid prefix.  NULL s
 * is 0 characters and valid. */
MC_API size_t mc_utf8_length(const char *s, int *valid);

/* "user.username: 70 characters, at most 64",
 * "user.username: not valid UTF-8 (at byte 3)".  max_chars 0 = no limit. */
MC_API int mc_check_string(mc_db *db, const char *table, const char *field,
                           const char *s, int max_chars);

/* 1 when s is ASCII and at most max_chars bytes long (max_chars 0: any
 * length): text that mc_check_string passes.  0 says nothing more: ask
 * mc_check_string. */
MC_API int mc_text_plain(const char *s, int max_chars);

/* mc_check_string, its common case decided without the call: what the
 * generated X_check functions call for every String and Text field. */
static inline int mc_check_text(mc_db *db, const char *table, const char *field, const char *s,
                                int max_chars)
{
    if (!s || mc_text_plain(s, max_chars))
        return MC_OK;
    return mc_check_string(db, table, field, s, max_chars);
}

/* Strict RFC 8259 validation (independent of SQLite's json_valid): any
 * value at top level, no trailing commas, no leading zeros, no comments, no
 * BOM, strings of valid UTF-8 without raw control characters.  Nesting
 * depth is limited only by memory.  "book.extra: not valid JSON (at byte 7)"
 * with a 0-based byte offset; MC_NOMEM if the nesting stack cannot grow. */
MC_API int mc_check_json(mc_db *db, const char *table, const char *field, const char *json);

/* The same validator on len bytes: 1 valid, 0 invalid (with *err_offset,
 * which may be NULL, set to the offending byte), -1 out of memory. */
MC_API int mc_json_valid(const char *json, size_t len, size_t *err_offset);


/* A blob longer than this connection's SQLite length limit (1,000,000,000
 * bytes unless changed with sqlite3_limit; never 2 GiB or more) is
 * MC_INVALID: "book.cover: 2147483648 bytes, at most 1000000000".  Only
 * the length is read.  NULL b or b->data is MC_OK (SQL NULL). */
MC_API int mc_check_blob(mc_db *db, const char *table, const char *field, const mc_blob *b);

/* NaN is MC_INVALID ("book.rating: NaN cannot be stored"): SQLite would
 * store it as NULL.  Infinities are stored as they are. */
MC_API int mc_check_double(mc_db *db, const char *table, const char *field, double v);

/* Decimal text "[-+]digits[.digits]" (".5" and "5." allowed, no exponent)
 * for NUMERIC(precision, scale): at most precision - scale digits before
 * the point (leading zeros do not count) and at most scale after it
 * (trailing zeros do not count).  precision <= 0: digits unlimited. */
MC_API int mc_check_numeric(mc_db *db, const char *table, const char *field,
                            const char *s, int precision, int scale);

/* ---- dates and times (datetime.c) ------------------------------------- */

/* Stored as SQLAlchemy stores them on SQLite, UTC:
 *   DateTime "YYYY-MM-DD HH:MM:SS.ffffff"  (26 characters: text order is
 *                                           time order)
 *   Date     "YYYY-MM-DD"
 *   Time     "HH:MM:SS[.f]"  (1 to 6 fraction digits)
 * with real calendar checks (years 0001-9999, Feb 29 only in leap years,
 * 00:00:00-23:59:59, no leap seconds).
 *
 * A DateTime is accepted in the ISO-8601 forms Python writes and stored
 * normalized: "YYYY-MM-DD", then ' ' or 'T', "HH:MM" or "HH:MM:SS", an
 * optional fraction of 1 to 6 digits, an optional offset ("Z", "+HH:MM",
 * "-HH:MM", "+HHMM", "+HH", "+HH:MM:SS"), converted to UTC:
 *   "2019-05-20T23:30:00-02:00" -> "2019-05-21 01:30:00.000000".        */
#define MC_DATETIME_SIZE 27     /* bytes of a stored DateTime with its NUL */

typedef enum mc_temporal { MC_TEMPORAL_DATE, MC_TEMPORAL_TIME, MC_TEMPORAL_DATETIME } mc_temporal;

/* A Date, Time or DateTime member set to MC_NOW is written as the current
 * UTC time in the column's form (default(now) puts it in X_INIT and
 * X_new).  It is a marker, never freed, and reads as "now". */
MC_API extern const char mc_now_marker[];
#define MC_NOW ((char *)mc_now_marker)

/* The checks of the generated code before a write ("loan.due: not a valid
 * date (2023-02 has 28 days; the form is YYYY-MM-DD)").  NULL and MC_NOW
 * are MC_OK.  mc_check_datetime accepts what mc_datetime_normalize does. */
MC_API int mc_check_datetime(mc_db *db, const char *table, const char *field, const char *s);
MC_API int mc_check_date(mc_db *db, const char *table, const char *field, const char *s);
MC_API int mc_check_time(mc_db *db, const char *table, const char *field, const char *s);

/* Binds a Date, Time or DateTime for a write: NULL -> SQL NULL; MC_NOW ->
 * the current UTC time; a DateTime -> its normalized form (copied); else
 * the text as it is (not copied).  Returns an SQLite result code. */
MC_API int mc_bind_temporal(sqlite3_stmt *st, int idx, const char *s, mc_temporal kind);

/* The current UTC time as "2019-05-20 12:47:00.000000" (datetime.utcnow()
 * as SQLAlchemy stores it) into the caller's 27 bytes. */
MC_API void mc_now_datetime(char out[MC_DATETIME_SIZE]);

/* These return MC_OK, or MC_INVALID (no message) for text that is not a
 * DateTime in an accepted form or a result outside years 0001-9999. */

/* s in any accepted form -> the stored form, in UTC. */
MC_API int mc_datetime_normalize(const char *s, char out[MC_DATETIME_SIZE]);
/* Unix time (seconds since 1970-01-01 00:00:00 UTC) and microseconds
 * 0-999999, to and from DateTime text.  micros may be NULL. */
MC_API int mc_datetime_from_unix(int64_t seconds, int32_t micros, char out[MC_DATETIME_SIZE]);
MC_API int mc_datetime_to_unix(const char *s, int64_t *seconds, int32_t *micros);
/* struct tm in UTC (as gmtime_r gives), to and from DateTime text; to_tm
 * also sets tm_wday and tm_yday.  A tm_sec of 60 becomes 59. */
MC_API int mc_datetime_from_tm(const struct tm *tm, int32_t micros, char out[MC_DATETIME_SIZE]);
MC_API int mc_datetime_to_tm(const char *s, struct tm *tm, int32_t *micros);
/* s plus seconds (negative: earlier), normalized into out. */
MC_API int mc_datetime_add_seconds(const char *s, int64_t seconds, char out[MC_DATETIME_SIZE]);
/* *cmp = -1, 0 or 1 as instant a is before, at or after b (offsets and
 * missing fractions accounted for). */
MC_API int mc_datetime_compare(const char *a, const char *b, int *cmp);

/* ---- columns and bindings ---------------------------------------------- */

/* A malloc'd copy of a text column (caller frees), NULL for SQL NULL and
 * also when out of memory: use mc_column_text to tell the two apart. */
MC_API char *mc_column_strdup(sqlite3_stmt *st, int col);

/* *out = malloc'd copy of a text column (caller frees) or NULL for SQL
 * NULL.  MC_NOMEM (and *out NULL) when out of memory. */
MC_API int mc_column_text(mc_db *db, sqlite3_stmt *st, int col, char **out);

/* *out = a copy of a blob column (caller owns out->data): {NULL, 0} for SQL
 * NULL; a zero-length value gets a non-NULL data (malloc(1)) so that NULL
 * and empty stay distinct.  MC_NOMEM (and {NULL, 0}) when out of memory. */
MC_API int mc_column_blob(mc_db *db, sqlite3_stmt *st, int col, mc_blob *out);

/* Binds UTF-8 text, NULL -> SQL NULL.  The text is NOT copied
 * (SQLITE_STATIC): the caller keeps it alive and unchanged until the
 * statement is stepped for the last time or released. */
MC_API int mc_bind_text(mc_db *db, sqlite3_stmt *st, int idx, const char *s);

/* Binds bytes; b == NULL or b->data == NULL -> SQL NULL; len 0 with non-NULL
 * data -> an empty blob.  Not copied, like mc_bind_text. */
MC_API int mc_bind_blob(mc_db *db, sqlite3_stmt *st, int idx, const mc_blob *b);

/* free(b->data) and sets *b to {NULL, 0}.  NULL b is a no-op. */
MC_API void mc_blob_free(mc_blob *b);

/* Replaces *dst (owned, freed here) with a malloc'd copy of src; NULL src
 * leaves *dst NULL.  MC_NOMEM leaves *dst unchanged.  (X_set_<field>) */
MC_API int mc_set_text(char **dst, const char *src);

/* Replaces *dst (owned, freed here) with a copy of len bytes; data NULL is
 * SQL NULL, len 0 with data is an empty value.  MC_NOMEM leaves *dst as it
 * was. */
MC_API int mc_set_blob(mc_blob *dst, const void *data, size_t len);

/* *out = a NUMERIC(p, s) column as decimal text with exactly `scale`
 * digits after the point ("8.50"), as SQLAlchemy's Decimal reads it.
 * SQLite's NUMERIC affinity keeps such values as INTEGER or REAL, whose
 * own text drops the scale ("8.5"); text that is not a number is copied as
 * stored.  *out is malloc'd (caller frees) or NULL for SQL NULL. */
MC_API int mc_column_numeric(mc_db *db, sqlite3_stmt *st, int col, int scale, char **out);

/* ---- statements on either database (what generated code calls) --------- */
/*
 * An mc_db is a SQLite database or a PostgreSQL server (mc_open of a
 * postgresql:// URL).  The generated code speaks to both through the
 * mc_stmt calls below, so one compiled program runs on either; the older
 * sqlite3_stmt calls above (mc_prepare, mc_step, mc_bind_text ...) are
 * for SQLite connections only.
 *
 * The bind and step calls return result codes in SQLite's numbering on
 * both databases: MC_RC_OK, MC_RC_ROW (step: a row is ready), MC_RC_DONE
 * (step: the statement ran to its end), or a failure code (PostgreSQL's
 * SQLSTATEs mapped: 23505 -> SQLITE_CONSTRAINT_UNIQUE, 40001 ->
 * SQLITE_BUSY ...).  mc_status_from_rc turns a failure into an mc_status
 * with the message.  On SQLite each bind and column call compiles to the
 * sqlite3_* call itself behind one test of st->lite.
 *
 * SQL text uses `?` placeholders (or `?NNN`) and double-quoted
 * identifiers; on PostgreSQL the driver rewrites the placeholders to $n
 * once, when it prepares the statement (PQprepare, cached per connection).
 * Text parameters go to PostgreSQL untyped, so the server takes the
 * column's type (enum, timestamp, json, numeric, boolean); blobs go in
 * binary.  Lifetimes are SQLite's: bound text and blobs are not copied and
 * must stay unchanged until the last step or mc_stmt_release; a column
 * value read is valid until the next step or release.
 */
typedef enum mc_engine { MC_ENGINE_SQLITE = 1, MC_ENGINE_POSTGRESQL = 2 } mc_engine;

/* The database behind db: MC_ENGINE_SQLITE (also for NULL) or
 * MC_ENGINE_POSTGRESQL. */
MC_API mc_engine mc_db_engine(const mc_db *db);

/* A statement of the cache.  Only `lite` is public (for the inline calls
 * below): the SQLite statement, NULL on PostgreSQL. */
typedef struct mc_stmt {
    sqlite3_stmt *lite;
} mc_stmt;

#define MC_RC_OK   SQLITE_OK
#define MC_RC_ROW  SQLITE_ROW
#define MC_RC_DONE SQLITE_DONE

/* mc_prepare / mc_prepare_text / mc_release for either database: same
 * cache, same rules (a string literal for mc_stmt_prepare, checked out
 * until released; NULL with the error set on failure), but one: the
 * statement comes back reset with the bindings of its last use still in
 * it, so bind every parameter (the generated code does).  Clearing them
 * would cost each use of a statement more than the lookup that finds it. */
MC_API mc_stmt *mc_stmt_prepare(mc_db *db, const char *sql);
MC_API mc_stmt *mc_stmt_prepare_text(mc_db *db, const char *sql);
MC_API void mc_stmt_release(mc_db *db, mc_stmt *st);

/* An INSERT ending in "RETURNING <the integer primary key>" (a string
 * literal), for an insert that lets the database choose the id.  SQLite
 * is given the text without the clause and reports the id with
 * sqlite3_last_insert_rowid, as before (no extra step); PostgreSQL runs it
 * with the clause and keeps the returned id.  Either way step gives
 * MC_RC_DONE and then mc_last_insert_id(db) is the new id. */
MC_API mc_stmt *mc_stmt_prepare_insert(mc_db *db, const char *sql);

/* Rows changed by the connection's last INSERT, UPDATE or DELETE, and the
 * id its last INSERT made (SQLite: sqlite3_changes64,
 * sqlite3_last_insert_rowid; PostgreSQL: the command's row count and the
 * RETURNING id of mc_stmt_prepare_insert). */
MC_API int64_t mc_changes(mc_db *db);
MC_API int64_t mc_last_insert_id(mc_db *db);

/* Maps a result code of the calls below to an mc_status, recording
 * "<context>: <message>" for a failure as mc_status_from_sqlite does.
 * PostgreSQL's messages are written like SQLite's where modelc names
 * tables and fields: "user: UNIQUE constraint failed: user.username",
 * "post: NOT NULL constraint failed: post.body",
 * "post: FOREIGN KEY constraint failed: ...", "CHECK constraint failed: name". */
MC_API int mc_status_from_rc(mc_db *db, int rc, const char *context);

/* The SQLSTATE of the last failure that came from PostgreSQL ("23505"),
 * "" otherwise. */
MC_API const char *mc_sqlstate(const mc_db *db);

/* The PostgreSQL halves of the inline calls (the runtime's libpq driver). */
MC_API int mc_pg_step(mc_stmt *st);
MC_API int mc_pg_bind_null(mc_stmt *st, int idx);
MC_API int mc_pg_bind_int64(mc_stmt *st, int idx, int64_t v);
MC_API int mc_pg_bind_double(mc_stmt *st, int idx, double v);
MC_API int mc_pg_bind_text(mc_stmt *st, int idx, const char *s, int n);
MC_API int mc_pg_bind_blob(mc_stmt *st, int idx, const void *data, size_t n);
MC_API int mc_pg_column_is_null(mc_stmt *st, int col);
MC_API int64_t mc_pg_column_int64(mc_stmt *st, int col);
MC_API double mc_pg_column_double(mc_stmt *st, int col);

/* Runs st one step: MC_RC_ROW, MC_RC_DONE or a failure code.  After
 * MC_RC_DONE the next step runs the statement again.  On PostgreSQL a
 * statement that can return rows streams them: one row is held at a time
 * (single-row mode), however large the result. */
static inline int mc_stmt_step(mc_stmt *st)
{
    return st->lite ? sqlite3_step(st->lite) : mc_pg_step(st);
}

/* Flags of mc_stmt_step_flags and mc_query_restart: how an execution
 * fetches its rows.  Read at the first step of an execution only.
 *   MC_STEP_WHOLE  the caller reads every row, or only the first (get,
 *                  find, first, lists, counts): PostgreSQL sends the whole
 *                  result at once and the client holds all of it in
 *                  memory (libpq's PGresult) until the last step, release
 *                  or reset -- one round trip and one result instead of
 *                  one result per row.  A server error on any row (a
 *                  division by zero in row 1000) fails the first step and
 *                  no row is given.  A result too large for memory fails
 *                  with the message libpq gives ("out of memory for query
 *                  result"): stream such results (no flag).  SQLite steps
 *                  as always and ignores the flag (it costs nothing). */
#define MC_STEP_WHOLE 1u
MC_API int mc_pg_step_flags(mc_stmt *st, unsigned flags);
/* mc_stmt_step, with flags (MC_STEP_*) for the execution it starts. */
static inline int mc_stmt_step_flags(mc_stmt *st, unsigned flags)
{
    return st->lite ? sqlite3_step(st->lite) : mc_pg_step_flags(st, flags);
}

/* Binds parameter idx (from 1).  Text: NULL -> SQL NULL, not copied. */
static inline int mc_stmt_bind_null(mc_stmt *st, int idx)
{
    return st->lite ? sqlite3_bind_null(st->lite, idx) : mc_pg_bind_null(st, idx);
}
static inline int mc_stmt_bind_int64(mc_stmt *st, int idx, int64_t v)
{
    return st->lite ? sqlite3_bind_int64(st->lite, idx, v) : mc_pg_bind_int64(st, idx, v);
}
static inline int mc_stmt_bind_int(mc_stmt *st, int idx, int v)
{
    return st->lite ? sqlite3_bind_int(st->lite, idx, v) : mc_pg_bind_int64(st, idx, v);
}
static inline int mc_stmt_bind_double(mc_stmt *st, int idx, double v)
{
    return st->lite ? sqlite3_bind_double(st->lite, idx, v) : mc_pg_bind_double(st, idx, v);
}
static inline int mc_stmt_bind_text(mc_stmt *st, int idx, const char *s)
{
    return st->lite ? sqlite3_bind_text(st->lite, idx, s, -1, SQLITE_STATIC) : mc_pg_bind_text(st, idx, s, -1);
}
/* n bytes of text (s need not be terminated). */
static inline int mc_stmt_bind_text_n(mc_stmt *st, int idx, const char *s, int n)
{
    return st->lite ? sqlite3_bind_text(st->lite, idx, s, n, SQLITE_STATIC) : mc_pg_bind_text(st, idx, s, n);
}
/* Whether a bound text or blob is copied: MC_BIND_STATIC (the caller
 * keeps it alive until the last step or release) or MC_BIND_COPY (the
 * statement keeps its own copy: SQLITE_TRANSIENT). */
typedef enum mc_bind_keep { MC_BIND_STATIC = 0, MC_BIND_COPY = 1 } mc_bind_keep;

MC_API int mc_pg_bind_text_copy(mc_stmt *st, int idx, const char *s);
MC_API int mc_pg_bind_blob_copy(mc_stmt *st, int idx, const void *data, size_t n);

/* Text with its lifetime; NULL -> SQL NULL. */
static inline int mc_stmt_bind_text_keep(mc_stmt *st, int idx, const char *s, mc_bind_keep keep)
{
    if (st->lite)
        return sqlite3_bind_text(st->lite, idx, s, -1, keep == MC_BIND_COPY ? SQLITE_TRANSIENT : SQLITE_STATIC);
    return keep == MC_BIND_COPY ? mc_pg_bind_text_copy(st, idx, s) : mc_pg_bind_text(st, idx, s, -1);
}
/* n bytes with their lifetime; data NULL -> SQL NULL, n 0 with data -> empty. */
static inline int mc_stmt_bind_bytes(mc_stmt *st, int idx, const void *data, size_t n, mc_bind_keep keep)
{
    if (st->lite)
        return sqlite3_bind_blob64(st->lite, idx, data, (sqlite3_uint64)n,
                                   keep == MC_BIND_COPY ? SQLITE_TRANSIENT : SQLITE_STATIC);
    if (!data)
        return mc_pg_bind_null(st, idx);
    return keep == MC_BIND_COPY ? mc_pg_bind_blob_copy(st, idx, data, n) : mc_pg_bind_blob(st, idx, data, n);
}

/* b == NULL or b->data == NULL -> SQL NULL; len 0 with data -> empty. */
static inline int mc_stmt_bind_blob(mc_stmt *st, int idx, const mc_blob *b)
{
    if (!b || !b->data)
        return mc_stmt_bind_null(st, idx);
    return st->lite ? sqlite3_bind_blob64(st->lite, idx, b->data, (sqlite3_uint64)b->len, SQLITE_STATIC)
                    : mc_pg_bind_blob(st, idx, b->data, b->len);
}

/* Column col (from 0) of the current row. */
static inline int mc_stmt_column_is_null(mc_stmt *st, int col)
{
    return st->lite ? sqlite3_column_type(st->lite, col) == SQLITE_NULL : mc_pg_column_is_null(st, col);
}
/* The text of a column as the database gives it, NULL for SQL NULL;
 * valid until the next step or release (enum values, text keys). */
MC_API const char *mc_pg_column_cstr(mc_stmt *st, int col);
static inline const char *mc_stmt_column_cstr(mc_stmt *st, int col)
{
    return st->lite ? (const char *)sqlite3_column_text(st->lite, col) : mc_pg_column_cstr(st, col);
}
static inline int64_t mc_stmt_column_int64(mc_stmt *st, int col)
{
    return st->lite ? (int64_t)sqlite3_column_int64(st->lite, col) : mc_pg_column_int64(st, col);
}
static inline int mc_stmt_column_int(mc_stmt *st, int col)
{
    return st->lite ? sqlite3_column_int(st->lite, col) : (int)mc_pg_column_int64(st, col);
}
static inline double mc_stmt_column_double(mc_stmt *st, int col)
{
    return st->lite ? sqlite3_column_double(st->lite, col) : mc_pg_column_double(st, col);
}

/* mc_column_text, mc_column_strdup, mc_column_blob, mc_column_numeric and
 * mc_bind_temporal for either database (same contracts).  PostgreSQL's
 * timestamps read in modelc's stored form ("2019-05-20 12:47:00.000000"),
 * booleans as 1/0, bytea as its bytes. */
MC_API int mc_stmt_column_text(mc_db *db, mc_stmt *st, int col, char **out);
MC_API char *mc_stmt_column_strdup(mc_stmt *st, int col);
MC_API int mc_stmt_column_blob(mc_db *db, mc_stmt *st, int col, mc_blob *out);
MC_API int mc_stmt_column_numeric(mc_db *db, mc_stmt *st, int col, int scale, char **out);
MC_API int mc_stmt_bind_temporal(mc_stmt *st, int idx, const char *s, mc_temporal kind);

/* Lent values (the generated X_query_next_borrowed; runtime/lend.c):
 * *out points into the current row, no copy -- SQLite's buffer for the
 * row, or PostgreSQL's result of it.  It is valid until the statement is
 * stepped, reset or released, belongs to the row and is never freed by
 * the caller.  NULL for SQL NULL; an empty value is "" (a blob: non-NULL
 * data, len 0).  MC_NOMEM (and NULL) when out of memory.  A PostgreSQL
 * bytea or timestamp, which must be converted, is converted once and
 * kept with the row, freed when it goes. */
MC_API int mc_stmt_column_text_lent(mc_db *db, mc_stmt *st, int col, char **out);
MC_API int mc_stmt_column_blob_lent(mc_db *db, mc_stmt *st, int col, mc_blob *out);

/* ---- migrations -------------------------------------------------------- */

/*
 * One migration.  All strings are owned by the caller and only read.
 * upgrade_sql/downgrade_sql hold any number of ';'-separated statements
 * (triggers and string literals containing ';' are fine).  downgrade_sql
 * NULL means "cannot be downgraded"; "" means "nothing to undo".
 * checksum: mc_migration_checksum of the WHOLE migration file text.
 */
typedef struct mc_migration {
    int version;            /* 1, 2, 3 ... */
    const char *name;       /* slug, e.g. "create_user_post" */
    const char *upgrade_sql;
    const char *downgrade_sql;
    const char *checksum;
} mc_migration;

/* FNV-1a 64-bit of len bytes of text as 16 lowercase hex digits + NUL. */
MC_API void mc_migration_checksum(const char *text, size_t len, char out[17]);

/* The highest applied version; 0 when there is no modelc_migrations table
 * or it is empty.  Reads only. */
MC_API int mc_migrate_current(mc_db *db, int *version);

/* What the database records as applied, in version order: fn(ctx,
 * version, name, checksum) per row (the strings valid during the call
 * only; NULL where the row has none).  fn returns 0 to go on; anything
 * else stops the walk and is returned.  MC_OK after the last row (none
 * without a modelc_migrations table), or an error status.  Reads only. */
typedef int (*mc_migration_applied_fn)(void *ctx, int version, const char *name, const char *checksum);
MC_API int mc_migrate_applied(mc_db *db, mc_migration_applied_fn fn, void *ctx);

/*
 * Brings the database to version `target` (-1 = the latest, list[n-1]).
 *
 * list[i].version must be i + 1.  Creates modelc_migrations(version
 * INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
 * applied_at TEXT NOT NULL) when missing.  Before running anything, and
 * again under the lock before each step, checks that every applied
 * version is in the list with an equal checksum, else MC_INVALID:
 *   "migration 0002 (add_x) was applied with checksum X but the file now
 *    has Y: it was edited after it was applied"
 *   "migration 0003 is applied in the database but missing (...)"
 *
 * Each migration runs in its own transaction together with the
 * insertion (upgrade) or deletion (downgrade) of its version row, so a
 * failure leaves the database exactly at the previous version and two
 * processes never apply the same migration (the second one waits for the
 * lock, re-reads the version and skips what is done).  The lock: SQLite's
 * write lock (BEGIN IMMEDIATE); on PostgreSQL BEGIN ISOLATION LEVEL READ
 * COMMITTED, then pg_advisory_xact_lock(120325193165923), waited for up
 * to the busy timeout (then MC_BUSY).  Statements
 * run one at a time, rows they return are discarded; BEGIN/COMMIT/
 * ROLLBACK/END inside a migration are refused.  On PostgreSQL a file is
 * cut into statements as psql cuts it (dollar-quoted bodies keep their
 * ';'), on SQLite as sqlite3_complete() does.
 *
 * The list's dialect is NOT checked: mc_migration does not say which
 * engine its SQL was written for, and a member cannot be added without
 * changing the struct's size, on which arrays of it in programs already
 * compiled against libmodelc.so.0 rely.  `<schema>_migrate` and the
 * modelc commands refuse the other engine's history; a caller of
 * mc_migrate_to with its own list must check mc_db_engine(db) itself.
 *
 * When a migration's text mentions PRAGMA foreign_keys (a table rebuild)
 * and foreign keys are on, the runner turns them off before BEGIN, runs
 * PRAGMA foreign_key_check before COMMIT (a violation rolls back with
 * MC_CONSTRAINT naming the table) and turns them back on afterwards.
 *
 * A failure's message names the migration, the statement's number and
 * first line, and the database's message.  Must not be called inside an
 * mc_begin transaction (MC_MISUSE).
 */
MC_API int mc_migrate_to(mc_db *db, const mc_migration *list, size_t n, int target);

/* What mc_migrate_run tells its observer about a step it runs itself. */
typedef enum {
    MC_MIGRATION_STARTED = 1,   /* this connection holds the runner's lock and runs it */
    MC_MIGRATION_DONE,          /* committed by this connection */
    MC_MIGRATION_ROWS           /* a statement copying rows (a table rebuild's
                                 * INSERT ... SELECT ... FROM t) has read `done`
                                 * of t's `total` rows (an estimate from t's
                                 * largest rowid until the last event, which has
                                 * done == total == the rows read) */
} mc_migration_event;

/* Observer for mc_migrate_run; m and the event as above, upgrading 1 for
 * an upgrade, 0 for a downgrade; done and total are 0 except for
 * MC_MIGRATION_ROWS, which comes at most every 1% of the rows.  Must not
 * use db. */
typedef void (*mc_migration_progress)(void *ctx, const mc_migration *m, int upgrading,
                                      mc_migration_event event, long long done, long long total);

/*
 * mc_migrate_to, telling fn (may be NULL) when each step this connection
 * runs starts and ends.  A step another process made first (two upgraders
 * at once) is skipped without an event: the versions between the start
 * and target that got no MC_MIGRATION_DONE were applied by someone else.
 */
MC_API int mc_migrate_run(mc_db *db, const mc_migration *list, size_t n, int target,
                          mc_migration_progress fn, void *ctx);

/* The checks mc_migrate_to makes before running anything, alone: every
 * version recorded as applied is in the list, unedited (checksum), with
 * no gaps.  Reads only (a database without modelc_migrations passes). */
MC_API int mc_migrate_verify(mc_db *db, const mc_migration *list, size_t n);

/* Records versions 1..version (-1 = latest) as applied with the list's
 * names and checksums, without running them, and removes the rows above
 * version.  Overwrites a recorded checksum: this is how an intentional
 * edit of an applied migration is accepted.  One transaction. */
MC_API int mc_migrate_stamp(mc_db *db, const mc_migration *list, size_t n, int version);

/*
 * Observer for mc_migrate_plan: called once per statement, in order.  m is
 * never NULL: it is the migration the statement belongs to.  upgrading is
 * 1 for an upgrade, 0 for a downgrade.  sql_statement is one statement
 * without its trailing ';', valid during the call only.
 */
typedef void (*mc_migration_observer)(void *ctx, const mc_migration *m, int upgrading,
                                      const char *sql_statement);

/*
 * Walks what mc_migrate_to(db, list, n, target) would run, touching
 * nothing and printing nothing: fn receives, as one runnable script, the
 * CREATE TABLE of modelc_migrations when it is missing, then for each
 * migration PRAGMA foreign_keys=OFF when the runner would turn it off,
 * the statements that begin a step (BEGIN IMMEDIATE; on PostgreSQL BEGIN
 * ISOLATION LEVEL READ COMMITTED and the advisory lock), its statements (split as SQLite splits them), the
 * INSERT INTO / DELETE FROM modelc_migrations with literal values,
 * COMMIT, and PRAGMA foreign_keys=ON when it was turned off.  Applies the
 * same checks as mc_migrate_to first.  db may be NULL: then the database
 * is taken to be empty (version 0, foreign keys on), and a failure (a bad
 * list or target) is returned without a message.
 */
MC_API int mc_migrate_plan(mc_db *db, const mc_migration *list, size_t n, int target,
                           mc_migration_observer fn, void *ctx);

/* ---- queries (used by the generated X_query functions) ----------------- */

/* What the generated code tells the runtime about one table.  Every
 * identifier is already quoted as SQL needs it. */
typedef struct mc_table_meta {
    const char *name;           /* the table's name, for messages: "user" */
    const char *table;          /* as written in SQL: user, "Group" */
    const char *select_list;    /* "id, username, ..." in struct order */
    size_t ncolumns;
    const char *const *columns; /* each column as written in SQL */
    /* NULL, or per column how a predicate or ORDER BY writes it on
     * PostgreSQL when not as columns[i] (NULL: as columns[i]): a JSON
     * column as its text, "extra"::text, since json has no = there and
     * SQLite compares the text. */
    const char *const *pg_columns;
} mc_table_meta;

typedef enum { MC_EQ, MC_NE, MC_LT, MC_LE, MC_GT, MC_GE, MC_LIKE } mc_cmp;

typedef struct mc_query mc_query;

/* A query over one table; owned by the caller, freed with mc_query_free
 * (the connection keeps the memory of the last query freed for the next
 * one).  After mc_close of its connection, mc_query_free is the one call
 * a query still takes.  NULL when out of memory (the
 * message is on db).  Building functions never fail loudly: a failure is
 * kept and returned by the first step or count.  Text and blob arguments
 * are copied. */
MC_API mc_query *mc_query_new(mc_db *db, const mc_table_meta *meta);
MC_API void mc_query_free(mc_query *q);
MC_API mc_db *mc_query_db(const mc_query *q);
MC_API void mc_query_where_int(mc_query *q, int col, mc_cmp op, int64_t v);
MC_API void mc_query_where_double(mc_query *q, int col, mc_cmp op, double v);
MC_API void mc_query_where_text(mc_query *q, int col, mc_cmp op, const char *v);
MC_API void mc_query_where_blob(mc_query *q, int col, mc_cmp op, const void *v, size_t n);
MC_API void mc_query_where_null(mc_query *q, int col, int is_null);
MC_API void mc_query_where_in_int(mc_query *q, int col, const int64_t *v, size_t n);
MC_API void mc_query_where_in_double(mc_query *q, int col, const double *v, size_t n);
MC_API void mc_query_where_in_text(mc_query *q, int col, const char *const *v, size_t n);
/* A predicate the generator wrote (static storage, one `?` bound to v). */
MC_API void mc_query_where_sql(mc_query *q, const char *sql, int64_t v);
MC_API void mc_query_order_by(mc_query *q, int col, int desc);
MC_API void mc_query_limit(mc_query *q, int64_t n);    /* < 0: no limit */
MC_API void mc_query_offset(mc_query *q, int64_t n);
/* Steps the query: MC_OK with *row on the current row (valid until the
 * next call), MC_DONE after the last row, or an error status. */
MC_API int mc_query_step(mc_query *q, mc_stmt **row);
/* Starts over and steps to the query's first row only, as if with LIMIT 1
 * (the query's own limit stays for later runs): MC_OK with *row, MC_DONE
 * when no row matches.  mc_query_rewind when done with the row. */
MC_API int mc_query_first(mc_query *q, mc_stmt **row);
/* Ends an iteration early; the next step starts over (streaming). */
MC_API void mc_query_rewind(mc_query *q);
/* mc_query_rewind, and the next run of q (up to its end, a failure or the
 * next rewind) is stepped with flags (MC_STEP_WHOLE: X_query_all reads
 * every row).  mc_query_first, mc_query_count, pages and eager loading
 * fetch whole results themselves. */
MC_API void mc_query_restart(mc_query *q, unsigned flags);
/* A NUMERIC(p, s) column of q's current row lent as mc_stmt_column_numeric
 * writes it ("8.50"): a value whose text lacks its scale (SQLite keeps
 * such a column as a number) is written once, kept with the row and freed
 * when q leaves it (next step, rewind, free); text that has it is lent as
 * mc_stmt_column_text_lent lends it. */
MC_API int mc_query_numeric_lent(mc_query *q, mc_stmt *st, int col, int scale, char **out);
/* Rows the query matches (after limit and offset). */
MC_API int mc_query_count(mc_query *q, int64_t *out);

/* ---- pages, bulk delete, eager loading (X_query_page, X_query_delete,
 * X_list_load_<rel>; runtime/page.c, query_delete.c, eager.c) ---------- */

/* What a page knows besides its rows (Flask-SQLAlchemy's Pagination).
 * saved_* and has_rows are mc_query_page_begin's, for mc_query_page_end. */
typedef struct mc_page_info {
    int64_t total;      /* rows the query matches, its own limit/offset ignored */
    int64_t page;       /* 1-based, as asked */
    int64_t per_page;
    int64_t pages;      /* ceil(total / per_page); 0 when total is 0 */
    int has_prev;       /* page > 1 */
    int has_next;       /* page < pages */
    int has_rows;       /* the page overlaps the rows: run the query */
    int64_t saved_limit, saved_offset;
    int in_txn;
} mc_page_info;

/*
 * Starts X_query_page: page < 1 or per_page < 1 is MC_INVALID (Flask-
 * SQLAlchemy 3 answers 404; nothing is clamped).  Otherwise opens a
 * transaction (mc_begin: total and rows come from one snapshot), counts
 * the query's rows ignoring its limit and offset, fills *info and sets the
 * query's window to LIMIT per_page OFFSET (page - 1) * per_page.  Always
 * follow with mc_query_page_end, which puts the query's own limit and
 * offset back.  A page past the end has has_rows 0: it is empty, not an
 * error.
 */
MC_API int mc_query_page_begin(mc_query *q, int64_t page, int64_t per_page, mc_page_info *info);
/* Ends what mc_query_page_begin started, whatever it returned: restores
 * the query's limit and offset and commits (rc == MC_OK) or rolls back the
 * transaction.  Returns rc, or the commit's failure. */
MC_API int mc_query_page_end(mc_query *q, mc_page_info *info, int rc);

/*
 * Deletes every row q selects (query.filter_by(...).delete()); *deleted
 * (may be NULL) = rows deleted from q's table.  Without limit/offset it is
 * one "DELETE FROM t WHERE <q's predicates>"; with them, the rows are
 * those the query would give: "... WHERE rowid IN (SELECT rowid FROM t
 * WHERE ... ORDER BY ... LIMIT ? OFFSET ?)".  cascade[0..ncascade) are
 * "DELETE FROM child WHERE fk IN " texts (static storage, written by the
 * generator for `cascade: delete`): each is run with the selected rowids
 * first, and everything in one transaction (a savepoint inside an outer
 * one).  A failure leaves every row in place.  MC_INVALID when rows must
 * be addressed by rowid and the table has columns named rowid, _rowid_
 * and oid.
 */
MC_API int mc_query_delete(mc_query *q, const char *const *cascade, size_t ncascade, int64_t *deleted);

/*
 * Eager loading: the rows related to every row of a list, in one
 * statement (SQLAlchemy's selectinload).  The generated X_list_load_<rel>
 * gives mc_eager the list's integer keys, runs one statement
 *   SELECT ... WHERE key IN (SELECT value FROM json_each(?1))
 * bound to the distinct keys as a JSON array, and maps each result row's
 * key back to the positions of the list that have it.
 *
 * mc_eager_new: for a list of n rows; table names the result in messages.
 * NULL when out of memory (message on db).  Free with mc_eager_free.
 */
typedef struct mc_eager mc_eager;
#define MC_EAGER_NONE ((size_t)-1)
MC_API mc_eager *mc_eager_new(mc_db *db, size_t n, const char *table);
/* Position pos (0..n) of the list has key (call once per position, in any
 * order; a NULL key is simply not given).  MC_NOMEM on failure. */
MC_API int mc_eager_key(mc_eager *e, size_t pos, int64_t key);
/* The same for a String/Text key: key is the caller's and must stay
 * unchanged until mc_eager_free.  One mc_eager takes integer keys or text
 * keys, never both.  NULL key: MC_MISUSE (do not give NULL keys). */
MC_API int mc_eager_key_text(mc_eager *e, size_t pos, const char *key);
/* Prepares sql (a string literal, cached) and binds the keys: *st is the
 * statement, to step with mc_eager_step.  MC_DONE (and no statement) when
 * no position has a key. */
MC_API int mc_eager_run(mc_eager *e, const char *sql, mc_stmt **st);
/* Steps: MC_OK on a row, MC_DONE at the end, or the failure. */
MC_API int mc_eager_step(mc_eager *e);
/* The first position with key, then the next ones; MC_EAGER_NONE after
 * the last. */
MC_API size_t mc_eager_first(const mc_eager *e, int64_t key);
MC_API size_t mc_eager_first_text(const mc_eager *e, const char *key);  /* NULL key: none */
MC_API size_t mc_eager_next(const mc_eager *e, size_t pos);
/* Releases the statement and frees e.  NULL is a no-op. */
MC_API void mc_eager_free(mc_eager *e);

/* Makes room for item number `count` (zeroed) in items, an array of
 * `size`-byte items that holds `count` now and grows by doubling (its
 * capacity is implied by count: 8, 16, 32 ...; NULL when count is 0).
 * Returns the array, perhaps moved, or NULL when out of memory (message on
 * db; items is then unchanged and still the caller's). */
MC_API void *mc_list_grow(mc_db *db, void *items, size_t count, size_t size);

/* ---- model descriptors: for generated code only (generate --compact) ----
 *
 * `modelc generate --compact` (as protobuf's optimize_for = CODE_SIZE)
 * writes the same header, but each function's body is one call into
 * runtime/model_read.c (read, check, clear, new a row), model_ops.c
 * (insert, update, get and find_by, delete, insert_many) or
 * model_lists.c (query next/first/all, pages, lists), driven by the
 * model's mc_model: static const data the generator writes beside the
 * functions.  The SQL texts in it are the default mode's literals, fixed
 * at generation time.  The layout below is ABI between generated code and
 * libmodelc: every mc_model carries MC_MODEL_ABI, a change of layout bumps
 * it, and the runtime refuses (MC_MISUSE) a table of another version.
 * Initialized positionally (generated code is also read as C++11).
 */
#define MC_MODEL_ABI 1

/* How a member is held, bound, read and checked: types.def's `rt` column
 * names one for each column type. */
typedef enum mc_col_kind {
    MC_COL_INT64 = 1,   /* int64_t */
    MC_COL_INT32,       /* int32_t (SmallInteger) */
    MC_COL_DOUBLE,      /* double; NaN is refused */
    MC_COL_BOOL,        /* bool */
    MC_COL_STRING,      /* char *: UTF-8 of at most `length` characters (0: any) */
    MC_COL_NUMERIC,     /* char *: decimal text of NUMERIC(length, scale) */
    MC_COL_DATETIME,    /* char *, or MC_NOW */
    MC_COL_DATE,        /* char *, or MC_NOW */
    MC_COL_TIME,        /* char *, or MC_NOW */
    MC_COL_JSON,        /* char *: strict JSON */
    MC_COL_BLOB,        /* mc_blob */
    MC_COL_ENUM         /* a C enum, bound as its value's text (names) */
} mc_col_kind;

/* mc_model_col.flags */
enum {
    MC_COLF_PK = 1,             /* part of the primary key */
    MC_COLF_ROWID = 2,          /* the lone INTEGER primary key: 0 on insert lets the database choose it */
    MC_COLF_NULL_FLAG = 4,      /* a nullable number or bool: bool <field>_null at null_offset */
    MC_COLF_FILL_DEFAULT = 8    /* a not_null string, blob or enum: NULL/0 is written as its default */
};

/* One column, in struct order (which is the order of every SELECT). */
typedef struct mc_model_col {
    const char *field;          /* the field's name, in messages: "username" */
    int kind;                   /* mc_col_kind */
    unsigned flags;             /* MC_COLF_* */
    size_t offset;              /* offsetof the member */
    size_t null_offset;         /* offsetof <field>_null (MC_COLF_NULL_FLAG), else 0 */
    size_t size;                /* sizeof the member (an enum's is the compiler's choice) */
    int length;                 /* String(n): n (0: any); Numeric: precision (<= 0: plain text); enum: values */
    int scale;                  /* Numeric: scale */
    const char *const *names;   /* enum: names[0] the enum's name, names[1..length] its values; else NULL */
    const char *def;            /* MC_COLF_FILL_DEFAULT, string or blob: the default's bytes */
    size_t def_len;             /* ... a blob default's length */
    int def_enum;               /* MC_COLF_FILL_DEFAULT, enum: the default value */
} mc_model_col;

/* A key: the primary key (keys[0]) or a unique key (X_find_by_*). */
typedef struct mc_model_key {
    const char *select_sql;     /* SELECT <every column> FROM t WHERE <each col> = ? AND ... */
    size_t ncols;
    const int *cols;            /* column indexes, in parameter order */
} mc_model_key;

/* A child X_delete deletes first (cascade: delete), bound to the rowid. */
typedef struct mc_model_cascade {
    const char *delete_sql;     /* DELETE FROM child WHERE fk = ? */
    const char *table;          /* the child's table, in messages */
} mc_model_cascade;

typedef struct mc_model {
    int abi;                    /* MC_MODEL_ABI */
    const char *table;          /* the table's name, in messages: "user" */
    size_t size;                /* sizeof the struct */
    const void *init;           /* the struct as X_INIT makes it (strings lent) */
    const mc_table_meta *meta;  /* for X_all's query */
    size_t ncolumns;
    const mc_model_col *columns;
    int rowid;                  /* the MC_COLF_ROWID column, -1 for none */
    const char *insert_sql;     /* every column but the rowid ("... RETURNING" it when there is one) */
    const char *insert_rowid_sql; /* the rowid as the last parameter; NULL without a rowid */
    const char *update_sql;     /* SET the other columns WHERE keys[0]; NULL when every column is the key */
    const char *delete_sql;     /* WHERE keys[0] */
    size_t nkeys;
    const mc_model_key *keys;   /* [0] the primary key, then the unique keys */
    size_t ncascades;
    const mc_model_cascade *cascades;
} mc_model;

/* The layout of every generated X_list ({X *items; size_t count;}): how
 * the runtime fills the lists of an X_lists (void * and X * share their
 * representation, as POSIX requires). */
typedef struct mc_list {
    void *items;
    size_t count;
} mc_list;

/* A relationship X_list_load_<rel> loads (model_load.c; c_eager.c has
 * the rules): the rows of `target` whose key is among the list's keys. */
typedef struct mc_model_rel {
    const mc_model *target;     /* the related model */
    int lists;                  /* 1: an X_lists (one-to-many, many-to-many); 0: an X_refs */
    int text;                   /* String/Text keys, else integers */
    int src_key;                /* the column of the list's model holding each row's key */
    int key_at;                 /* lists: the result column holding the key */
    int row_at;                 /* lists: the first result column of the row */
    int dst_key;                /* refs: the column of the target holding the key */
    const char *sql;            /* SELECT ... WHERE key IN (SELECT value FROM json_each(?)) [ORDER BY ...] */
} mc_model_rel;

/* The layouts of the generated X_page, X_lists and X_refs (c_pages.c,
 * c_eager.c), by which the runtime fills them (memcpy, as mc_list). */
typedef struct mc_model_page {
    void *items;
    size_t count;
    int64_t total, page, per_page, pages;
    bool has_prev, has_next;
} mc_model_page;
typedef struct mc_model_lists {
    void *lists;                /* mc_list[count] */
    size_t count;
} mc_model_lists;
typedef struct mc_model_refs {
    void *refs;                 /* void *[count], into rows */
    size_t count;
    mc_list rows;
} mc_model_refs;

/*
 * The calls of the generated bodies, one each.  An out parameter is the
 * caller's typed object itself (an X **, an X_list *, an X_page *, an
 * X_lists * or X_refs *), written whole with memcpy in the layouts above
 * (void * and X * share their representation), so that every body is a
 * single call the compiler has nothing to do for.
 *
 * model_read.c: reads result columns at.. of st into row (zeroed or
 * cleared; strings copied, or lent from the current row of q); the checks
 * SQLite cannot make before a write; X_init (the init row, strings lent);
 * X_new (NULL when out of memory); X_clear, X_free, X_list_free,
 * X_page_free (NULL is a no-op); frees count rows of items and items.
 */
MC_API int mc_model_read(mc_db *db, const mc_model *m, mc_stmt *st, int at, void *row);
MC_API int mc_model_read_lent(mc_query *q, const mc_model *m, mc_stmt *st, int at, void *row);
MC_API int mc_model_check(mc_db *db, const mc_model *m, const void *row);
MC_API void mc_model_init(const mc_model *m, void *row);
MC_API void *mc_model_new(const mc_model *m);
MC_API void mc_model_clear(const mc_model *m, void *row);
MC_API void mc_model_free(const mc_model *m, void *row);
MC_API void mc_model_list_free(const mc_model *m, void *list);
MC_API void mc_model_page_free(const mc_model *m, void *page);
MC_API void mc_model_free_items(const mc_model *m, void *items, size_t count);

/* model_ops.c: X_insert, X_update, X_insert_many; X_get and X_find_by_*
 * (*out = the row of keys[key] whose columns equal the arguments, which
 * follow as the generated function's parameters: int64_t, int (int32,
 * bool, enum), double, const char *, const mc_blob *); X_delete (the
 * primary key's values as arguments). */
MC_API int mc_model_insert(mc_db *db, const mc_model *m, void *row);
MC_API int mc_model_update(mc_db *db, const mc_model *m, const void *row);
MC_API int mc_model_insert_many(mc_db *db, const mc_model *m, void *rows, size_t n);
MC_API int mc_model_find(mc_db *db, const mc_model *m, size_t key, void *out, ...);
MC_API int mc_model_delete(mc_db *db, const mc_model *m, ...);

/* model_lists.c: X_query_next, X_query_next_borrowed, X_query_first
 * (out: X **), X_query_all and X_all (list: X_list *), X_query_page (out:
 * X_page *). */
MC_API int mc_model_query_next(mc_query *q, const mc_model *m, void *row);
MC_API int mc_model_query_next_lent(mc_query *q, const mc_model *m, void *row);
MC_API int mc_model_query_first(mc_query *q, const mc_model *m, void *out);
MC_API int mc_model_query_all(mc_query *q, const mc_model *m, void *list);
MC_API int mc_model_all(mc_db *db, const mc_model *m, void *list);
MC_API int mc_model_query_page(mc_query *q, const mc_model *m, int64_t page, int64_t per_page, void *out);
/* X_<rel>_list over integer keys (list: X_list *): every row of m that
 * sql, a literal with one parameter, selects with key bound to it, read
 * as the relationship's query reads them (empty on failure). */
MC_API int mc_model_list_by(mc_db *db, const mc_model *m, const char *sql, int64_t key, void *list);

/* model_load.c: X_list_load_<rel> over list (an X_list of m's rows):
 * out is an X_lists (rel->lists: lists[i] item i's related rows) or an
 * X_refs (refs[i] item i's row or NULL, each related row once in rows).
 * One statement (runtime/eager.c); on failure out is empty. */
MC_API int mc_model_load(mc_db *db, const mc_model *m, const mc_model_rel *rel, const void *list, void *out);
/* X_lists_free and X_refs_free of m's rows (NULL is a no-op; empty after). */
MC_API void mc_model_lists_free(const mc_model *m, void *lists);
MC_API void mc_model_refs_free(const mc_model *m, void *refs);

#ifdef __cplusplus
}
#endif

#endif /* MODELC_H */
