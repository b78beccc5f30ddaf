/*
 * internal.h -- what the runtime's files share and nobody else sees.
 *
 * Not installed.  Names here start with mci_ so that they never meet the
 * compiler's mc_ symbols when both libraries are linked into one program;
 * in libmodelc.so they are hidden (-fvisibility=hidden, no MC_API).
 */
#ifndef MODELC_INTERNAL_H
#define MODELC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "modelc.h"
#include "sqlsplit.h"

#define MCI_MSG_MAX 1024

/* Open-addressing map from a non-zero 64-bit key to an int.  Keys may
 * repeat (mci_map_next walks every value of a key); nothing is removed. */
typedef struct mci_map {
    uint64_t *keys;     /* 0 = empty slot */
    int *vals;
    size_t cap;         /* a power of two, or 0 */
    size_t used;
} mci_map;

/* One cached statement.  Statements for the same text form a chain from
 * the head slot, which alone owns the text copy. */
typedef struct mci_slot {
    struct mci_stmt *h;     /* owned: the statement (driver.h) */
    char *text;         /* head slot only: malloc'd copy of the SQL */
    int next;           /* next slot with the same text, -1 at the end */
    int out;            /* checked out by mc_prepare, not yet released */
    int bound;          /* released by mc_stmt_release, which keeps the
                         * last use's bindings: mc_prepare clears them
                         * before lending the statement again */
} mci_slot;

/* mc_stmt_prepare's first probe: a literal's address -> its head slot,
 * direct-mapped (a miss falls back to the maps). */
#define MCI_HOT 64
typedef struct mci_hot {
    const char *sql;    /* NULL: empty */
    int head;
} mci_hot;

/* What decides a query builder's SQL text (query.c): the table, the
 * result columns, the predicates and order as the builder was given them
 * and how it is paged.  The text itself is built only the first time a
 * shape is seen. */
typedef struct mci_shape {
    const void *meta;       /* the mc_table_meta */
    const char *what;       /* the result columns (static text) */
    const void *where, *order;  /* query.c's records, compared as bytes */
    size_t wlen, olen;          /* their sizes in bytes */
    int flags;              /* query.c's paging bits */
    uint64_t key;           /* a hash of the records in where and order
                             * (query.c): nothing hashes the texts themselves */
} mci_shape;

/* A remembered shape: its own copies of the texts, and its head slot. */
typedef struct mci_shape_entry {
    mci_shape key;
    uint64_t hash;          /* its key in by_shape */
    int head;
} mci_shape_entry;

typedef struct mci_cache {
    mci_slot *slots;
    size_t n, cap;
    mci_map by_ptr;     /* address of the caller's SQL -> head slot */
    mci_map by_text;    /* hash of the SQL text -> head slot */
    mci_map by_stmt;    /* sqlite3_stmt * -> slot (mc_release's lookup) */
    mci_shape_entry *shapes;
    size_t nshapes, capshapes;
    mci_map by_shape;   /* hash of a query shape -> index in shapes */
    struct mci_stmt *last_out; /* the statement checked out last, */
    int last_slot;          /* and its slot: release without a lookup */
    mci_hot hot[MCI_HOT];
    int hot_shape[MCI_HOT]; /* a shape's hash -> 1 + its index in shapes, 0: none */
} mci_cache;

struct mc_db {
    const struct mci_driver *driver;    /* SQLite's or PostgreSQL's (driver.h) */
    sqlite3 *handle;        /* SQLite: NULL when the open failed, and on PostgreSQL */
    struct mci_pgconn *pg;  /* PostgreSQL: the connection, NULL otherwise */
    char *path;             /* what SQLite was given; a PostgreSQL URL without its password */
    int status;             /* last failure, MC_OK when none */
    int sqlite_rc;          /* its extended SQLite code, 0 when not SQLite's */
    char sqlstate[6];       /* its SQLSTATE when PostgreSQL's, else "" */
    int depth;              /* transaction nesting */
    mci_cache cache;
    struct mc_query *spare; /* the last query freed, kept for the next
                             * mc_query_new (query.c), or NULL */
    size_t live_queries;    /* made by mc_query_new, not yet freed */
    int closed;             /* mc_close ran while queries were live: only
                             * their mc_query_free may follow, and the
                             * last one frees the connection (query.c) */
    char msg[MCI_MSG_MAX];
};

/* url_redact.c: replaces url's passwords (as written and percent-decoded)
 * in text (cap bytes) from byte `from` on by "***". */
void mci_scrub_url_secrets(char *text, size_t cap, size_t from, const char *url);

/* stmt_cache.c */
void mci_cache_free(mc_db *db);

/* The statement cached for query shape k, checked out as mc_prepare does;
 * NULL when the shape has not been seen (no error is set then).  *head =
 * the head slot of its chain (-1 when NULL), for mci_checkout_head. */
mc_stmt *mci_prepare_shape(mc_db *db, const mci_shape *k, int *head);

/* Prepares sql (built from shape k) as mc_prepare_text does and
 * remembers it under k, so that the next mci_prepare_shape finds it
 * without the text.  NULL with the error set on failure; failing to
 * remember costs only the shortcut.  *head as for mci_prepare_shape. */
mc_stmt *mci_prepare_shape_text(mc_db *db, const mci_shape *k, const char *sql, int *head);

/* A statement of the chain whose head slot is head (from the two calls
 * above), checked out: the query that remembers its head (query.c) needs
 * no lookup.  Slots live as long as the connection.  NULL, with no error
 * set, when the connection is unusable (prepare then says why); NULL with
 * an error when every statement of the chain is in use and no new one
 * can be made. */
mc_stmt *mci_checkout_head(mc_db *db, int head);

/* error.c: records status with a message and the SQLite result code rc
 * that stands for the failure (mc_sqlite_errcode). */
int mci_set_error_rc(mc_db *db, int status, int rc, const char *fmt, ...) MC_PRINTF(4, 5);

/* error.c: the mc_status of a SQLite result code (see mc_status_from_sqlite). */
int mci_status_of_rc(int rc);

/* error.c: checks db and its handle; MC_MISUSE with a message naming
 * `fn` when unusable. */
int mci_usable(mc_db *db, const char *fn);

/* connection.c helpers shared by exec, the cache and the migration runner */

/* Skips whitespace and SQL comments (-- to end of line, C-style block). */
const char *mci_skip_space(const char *s);

/* Copies the first line of the SQL statement at s (after whitespace and
 * comments) into out, at most cap - 1 bytes; "..." marks a cut. */
void mci_first_line(const char *s, char *out, size_t cap);

/* Prepares and runs each statement in sql to its end, discarding rows.
 * On failure records "<prefix>statement N failed: <first line>: <msg>"
 * (prefix may be NULL) and returns the status.  *count, when not NULL,
 * receives the number of statements run. */
int mci_run_script(mc_db *db, const char *sql, const char *prefix, int *count);

/* COMMIT, END or ROLLBACK (not ROLLBACK TO): a statement that would end
 * the transaction a migration runs in. */
int mci_ends_transaction(const char *sql);

/* Called with each prepared statement of a script before its first step
 * (after = 0) and after its last (after = 1). */
typedef void (*mci_stmt_hook)(void *ctx, sqlite3_stmt *st, int after);

/* mci_run_script, calling hook (may be NULL) around each statement. */
int mci_run_script_hooked(mc_db *db, const char *sql, const char *prefix, int *count, mci_stmt_hook hook,
                          void *ctx);

/* sqlsplit.h: mci_statement_end, where one statement of a script ends. */

/* values.c: "table.field" (or the one name given, or "value") into buf,
 * for the messages of value checks; returns buf. */
const char *mci_place(char *buf, size_t cap, const char *table, const char *field);

/* 64-bit FNV-1a. */
uint64_t mci_fnv1a(const void *data, size_t len);

/* query.c: frees the connection's spare query (mc_close). */
void mci_query_spare_free(mc_db *db);

/* query.c: a query's parts, for page.c and query_delete.c.  The SQL of
 * mci_query_sql is "SELECT <what> FROM <table>[ WHERE ...]" and, when
 * paged, its ORDER BY and "LIMIT ? OFFSET ?" (only when the query has a
 * limit or an offset); malloc'd, NULL when out of memory.  mci_query_bind
 * binds the query's values from ?1 (and the window when paged).
 * mci_query_where is the WHERE clause without "WHERE", "" for none,
 * written into q on first use; NULL when out of memory. */
const mc_table_meta *mci_query_meta(const mc_query *q);
const char *mci_query_where(mc_query *q);
int mci_query_status(const mc_query *q);
void mci_query_window(const mc_query *q, int64_t *limit, int64_t *offset);
char *mci_query_sql(mc_query *q, const char *what, int paged);
int mci_query_bind(mc_query *q, mc_stmt *st, int paged);
/* The integer in the first column of the first row of sql, run with q's
 * values (and window when paged); for counts. */
int mci_query_int(mc_query *q, const char *sql, int paged, int64_t *out);
/* Keeps malloc'd p with q's current row: freed at q's next step, rewind
 * or free (lend.c's values that are not in the row as read).  MC_NOMEM
 * when it cannot, and then p is still the caller's. */
int mci_query_keep(mc_query *q, char *p);

#endif
