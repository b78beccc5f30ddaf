/*
 * driver.h -- the one interface between the runtime and a database
 * engine.  Internal: not installed, names start with mci_.
 *
 * Two drivers sit behind an mc_db: SQLite (driver_sqlite.c) and
 * PostgreSQL through libpq (driver_pg.c, libpq loaded with dlopen on the
 * first PostgreSQL open).  Everything above this interface -- the
 * statement cache, transactions, queries, pages, eager loading, the
 * messages -- is written once.
 *
 * What goes through the table below is the cold part: opening, preparing,
 * resetting, running scripts, the transaction statements.  The hot part
 * (bind, step, column) does not: modelc.h's inline mc_stmt_* calls test
 * mc_stmt.lite and call SQLite directly, or the driver's mc_pg_* functions
 * otherwise, so that the SQLite path costs one predictable branch.
 */
#ifndef MODELC_DRIVER_H
#define MODELC_DRIVER_H

#include "internal.h"

/* A cached statement.  pub comes first: the public mc_stmt is its head. */
typedef struct mci_stmt {
    mc_stmt pub;            /* pub.lite: the SQLite statement, NULL on PostgreSQL */
    mc_db *db;
    int slot;               /* its slot in the statement cache */
    int flags;              /* MCI_STMT_* */
    struct mci_pgstmt *pg;  /* the PostgreSQL driver's state, NULL on SQLite */
} mci_stmt;

/* mci_stmt.flags */
enum {
    MCI_STMT_RETURNS_ID = 1 /* an INSERT whose RETURNING clause is the new id
                             * (mc_stmt_prepare_insert): on PostgreSQL its row
                             * sets the last id and step reports DONE */
};

/* The engine behind an mc_db. */
typedef struct mci_driver {
    mc_engine engine;
    const char *name;       /* "SQLite", "PostgreSQL": for messages */

    /* Prepares ONE statement of sql into st (st->db, st->flags set; the
     * driver fills pub.lite or pg).  `shared`, when not NULL, is an
     * already prepared statement of the same text whose server-side plan
     * may be reused.  On failure: a status with the message recorded
     * ("<first line>: <engine message>"). */
    int (*prepare)(mc_db *db, const char *sql, mci_stmt *st, const mci_stmt *shared);
    /* Frees what prepare made (not st itself). */
    void (*finalize)(mci_stmt *st);
    /* Ends any execution and forgets the bindings: the statement is as
     * prepared, and holds no pointer into the caller's memory. */
    void (*reset)(mci_stmt *st);
    /* Runs each statement of sql (no parameters), discarding rows.  On
     * failure records "<prefix>statement N failed: <first line>: <msg>"
     * (prefix NULL: "<first line>: <msg>") and returns its status.
     * *count (may be NULL) = statements run. */
    int (*run_script)(mc_db *db, const char *sql, const char *prefix, int *count);
    /* Rows changed by the last INSERT, UPDATE or DELETE; the id the last
     * INSERT made. */
    int64_t (*changes)(mc_db *db);
    int64_t (*last_id)(mc_db *db);
    /* Is a transaction open on the connection (the engine's own view,
     * which an error may have ended)?  PostgreSQL: 2 when it is open but
     * aborted by a failed statement. */
    int (*in_txn)(mc_db *db);
    /* The statement that begins the outermost transaction. */
    const char *(*begin_sql)(int immediate);
    /* Closes the connection (a running transaction is rolled back). */
    void (*close)(mc_db *db);
} mci_driver;

extern const mci_driver mci_sqlite_driver;
extern const mci_driver mci_pg_driver;

/* driver_pg.c: connects db to the server of url (postgresql:// or
 * postgres://, libpq's URI form; a SQLAlchemy "+driver" suffix is
 * ignored).  db->path becomes the URL without its password.  Failures
 * are recorded on db without the password. */
int mci_pg_open(mc_db *db, const char *url, const mc_open_options *opts);

/* driver_pg.c: after a failed mci_stmt step, formats the recorded server
 * error as "<context>: <message>" on db and returns the status. */
int mci_pg_status(mc_db *db, int rc, const char *context);

/* driver_pg.c: column col of st's current row as a malloc'd copy
 * (terminated; *len bytes without the NUL): bytea decoded to its bytes,
 * booleans as "1"/"0", timestamps in modelc's stored form.  *is_null for
 * SQL NULL (then *out is NULL).  MC_NOMEM when out of memory. */
int mci_pg_column_bytes(mc_stmt *st, int col, char **out, size_t *len, int *is_null);

/* driver_pg.c: column col of st's current row lent (lend.c): *out points
 * into the row's PGresult, valid until the statement's next step or
 * reset; *len bytes, then a NUL.  What must be converted to read as
 * modelc reads it (bytea from hex, timestamps to the stored form) is
 * converted once and kept with the row.  *out NULL for SQL NULL (and on
 * MC_NOMEM). */
int mci_pg_column_lent(mc_stmt *st, int col, const char **out, size_t *len);

/* driver_pg.c: the next execution of st (prepared, bound, not started)
 * is stepped with flags (MC_STEP_*), whatever its steps pass: how
 * mc_query_step gives a run the flags of mc_query_restart without passing
 * them on every row. */
void mci_pg_fetch_next(mc_stmt *st, unsigned flags);

/* driver_pg.c: binds a copy of n bytes of text (at most 31: a DateTime's
 * normalized form), kept in the statement. */
int mci_pg_bind_copy(mc_stmt *st, int idx, const char *text, size_t n);

/* pg_sql.c: the text PostgreSQL is given for sql: `?` and `?NNN`
 * placeholders become $1, $2 ... (`?NNN` keeps its number) outside string
 * literals, quoted identifiers and comments; *nparams = the highest
 * number.  malloc'd; NULL when out of memory. */
char *mci_pg_placeholders(const char *sql, int *nparams);

/* A failure PostgreSQL reported, copied out of its PGresult (each field
 * "" when the server did not send it). */
typedef struct mci_pgerr {
    char sqlstate[6];
    char primary[400];
    char detail[400];
    char table[128];
    char column[128];
    char constraint[128];
} mci_pgerr;

/* pg_errors.c: the SQLite result code (extended) that stands for a
 * SQLSTATE, e.g. "23505" -> SQLITE_CONSTRAINT_UNIQUE. */
int mci_pg_rc_of_sqlstate(const char *sqlstate);

/* pg_errors.c: e's message written as SQLite writes the same failure
 * where modelc names tables and fields ("UNIQUE constraint failed:
 * user.username"), else PostgreSQL's own primary message.  Never a value
 * from the row. */
void mci_pg_describe(const mci_pgerr *e, char *out, size_t cap);

/* Gives a checked-out statement back to its slot (mc_stmt_release's
 * body, inline here for the query builder, which gives one back at the
 * end of every run).  On SQLite a reset only: the bindings stay (never
 * read: the next user binds every parameter), and mc_prepare clears them
 * if it lends this one. */
static inline void mci_stmt_give_back(mci_stmt *h)
{
    mci_cache *c = &h->db->cache;
    if (h->pub.lite) {
        sqlite3_reset(h->pub.lite);
        c->slots[h->slot].bound = 1;
    } else {
        h->db->driver->reset(h);
    }
    c->slots[h->slot].out = 0;
    if (c->last_out == h)
        c->last_out = NULL;
}

/* The connection's driver.  Never NULL for an open connection. */
static inline const mci_driver *mci_driver_of(const mc_db *db)
{
    return db->driver;
}

#endif
