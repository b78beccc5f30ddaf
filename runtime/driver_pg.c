/*
 * driver_pg.c -- PostgreSQL behind the driver interface (driver.h),
 * through libpq loaded at run time (pg_libpq.c).
 *
 * Decisions (docs/postgresql.md says the same for users):
 *   - Statements are prepared once per connection with PQprepare under
 *     the names mc_1, mc_2 ... (the cache's chains share their head's
 *     name); `?` placeholders are rewritten to $n then (pg_sql.c).
 *   - Parameters go untyped (type 0) and as text, so the server gives each
 *     the type of what it is compared with or stored into: enum, boolean
 *     ("1"/"0"), timestamp, json, numeric.  Blobs go in binary format (raw
 *     bytes are bytea's binary form).  Results come as text and are read
 *     by type: boolean 't'/'f' as 1/0, bytea's hex form as bytes,
 *     timestamps normalized to modelc's 26-character form.
 *   - An execution streams in single-row mode (a statement holds one row
 *     at a time, however large its result) unless its caller reads the
 *     whole result anyway and says so with MC_STEP_WHOLE (get, find,
 *     first, lists, counts, eager loads): then the first step takes the
 *     whole result in one PGresult, as PQexecPrepared does, and later
 *     steps move along its tuples.  A statement that can have no rows to
 *     stream (an INSERT, UPDATE or DELETE without RETURNING, the
 *     id-returning insert) always runs so.  libpq can stream one result
 *     per connection only, so when another statement must run while one
 *     is streaming (a lookup inside a loop over a query), the rest of the
 *     streaming one is read into memory first ("drained"), and it goes on
 *     from there.  A whole result never holds the connection.
 *   - mc_stmt_prepare_insert's RETURNING row is taken as the new id; its
 *     step reports DONE as SQLite's INSERT does.
 *   - The session is set up for modelc: client_encoding UTF8, DateStyle
 *     ISO, bytea_output hex, lock_timeout = the busy timeout (a lock held
 *     past it is MC_BUSY, like SQLite's busy timeout; 0 as 1 ms, since
 *     lock_timeout 0 would wait for ever), read-only
 *     transactions for opts->readonly.  No notice is ever printed.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "driver.h"
#include "pg_libpq.h"

/* Type oids of pg_type.h (stable across releases). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_OID 26
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184

typedef struct mci_pgconn {
    mci_pq pq;
    PGconn *conn;
    struct mci_stmt *busy;  /* the statement whose rows are streaming, or NULL */
    int64_t changes, last_id;
    int next_name;          /* for the names of prepared statements */
    mci_pgerr err;          /* the last failure the server reported */
    int err_rc;             /* its SQLite code; 0 once reported */
} mci_pgconn;

/* PS_STREAM: single-row results still coming from the connection;
 * PS_DRAINED: they were read into queue; PS_WHOLE: row is the whole
 * result, tup its current tuple. */
enum { PS_IDLE, PS_STREAM, PS_DRAINED, PS_WHOLE, PS_DONE };

/* How a result column's text is read (the statement's, learned from its
 * first row: a prepared statement's result columns never change). */
enum { K_TEXT, K_INT, K_BOOL, K_BYTEA, K_TIMESTAMP };

typedef struct mci_pgstmt {
    char name[24];
    int nparams;
    const char **values;
    int *lengths, *formats;
    char (*num)[32];        /* per parameter: the text of a number or a DateTime */
    char **owned;           /* per parameter: a copy made for unterminated text */
    int state;              /* PS_* */
    int single;             /* may stream: rows to give (see rows_at_once) */
    unsigned next_flags;    /* MC_STEP_* for the next execution (mci_pg_fetch_next) */
    PGresult *row;          /* the current row's result: a single-row one, or
                             * the whole result (PS_WHOLE) */
    int tup, ntup;          /* the current row's tuple in it, and its tuples */
    int ncols;              /* result columns, -1 until the first row */
    unsigned char *kinds;   /* per result column: K_* */
    char **lent;            /* conversions lent with the row (mci_pg_column_lent), */
    size_t nlent, clent;    /* freed when the row goes */
    PGresult **queue;       /* drained rows not yet stepped to */
    size_t qpos, qlen, qcap;
    PGresult *final;        /* a drained statement's closing result */
} mci_pgstmt;

#define PQ(c) (&(c)->pq)

#if defined(__GNUC__)
#define PG_COLD __attribute__((noinline, cold))
#else
#define PG_COLD
#endif

/* ---- numbers as text ------------------------------------------------------------ */

/* v's decimal text into out (room for 21 bytes); its length.  What
 * snprintf("%lld") writes, for a tenth of the instructions: every key
 * bound goes through here. */
static size_t int64_text(char *out, int64_t v)
{
    char digits[20];
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0, k = 0;

    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = digits[--n];
    out[k] = '\0';
    return k;
}

/* The integer a server's int2/int4/int8 text (or a row count) says:
 * [-]digits.  Anything else, or 19 digits and more, as strtoll reads it. */
static int64_t text_int64(const char *v)
{
    const char *p = v + (*v == '-');
    uint64_t u = 0;
    int i;

    for (i = 0; p[i] >= '0' && p[i] <= '9'; i++) {
        if (i == 18)
            return (int64_t)strtoll(v, NULL, 10);
        u = u * 10 + (uint64_t)(p[i] - '0');
    }
    if (i == 0 || p[i] != '\0')
        return (int64_t)strtoll(v, NULL, 10);
    return *v == '-' ? (int64_t)(0 - u) : (int64_t)u;
}

/* ---- failures ---------------------------------------------------------------- */

static void copy_field(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Records res's failure (or, with res NULL, the connection's) as the
 * pending error; returns its SQLite code. */
static int record_error(mci_pgconn *c, const PGresult *res)
{
    mci_pgerr *e = &c->err;
    const char *state = res ? PQ(c)->PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    memset(e, 0, sizeof *e);
    if (state) {
        copy_field(e->sqlstate, sizeof e->sqlstate, state);
        copy_field(e->primary, sizeof e->primary, PQ(c)->PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
        copy_field(e->detail, sizeof e->detail, PQ(c)->PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
        copy_field(e->table, sizeof e->table, PQ(c)->PQresultErrorField(res, PG_DIAG_TABLE_NAME));
        copy_field(e->column, sizeof e->column, PQ(c)->PQresultErrorField(res, PG_DIAG_COLUMN_NAME));
        copy_field(e->constraint, sizeof e->constraint, PQ(c)->PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME));
        c->err_rc = mci_pg_rc_of_sqlstate(e->sqlstate);
    } else {
        size_t n;
        copy_field(e->primary, sizeof e->primary, PQ(c)->PQerrorMessage(c->conn));
        n = strlen(e->primary);
        while (n > 0 && isspace((unsigned char)e->primary[n - 1]))
            e->primary[--n] = '\0';
        c->err_rc = PQ(c)->PQstatus(c->conn) == CONNECTION_BAD ? SQLITE_IOERR : SQLITE_ERROR;
    }
    return c->err_rc;
}

int mci_pg_status(mc_db *db, int rc, const char *context)
{
    mci_pgconn *c = db->pg;
    int status = mci_status_of_rc(rc);
    char text[MCI_MSG_MAX];
    const char *state = "";

    if (status == MC_OK || status == MC_DONE)
        return status;
    if (c && c->err_rc && c->err_rc == rc) {
        mci_pg_describe(&c->err, text, sizeof text);
        state = c->err.sqlstate;
        c->err_rc = 0;
    } else {
        snprintf(text, sizeof text, "%s", sqlite3_errstr(rc));
    }
    if (context && *context)
        mci_set_error_rc(db, status, rc, "%s: %s", context, text);
    else
        mci_set_error_rc(db, status, rc, "%s", text);
    snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state);
    return status;
}

/* ---- results ------------------------------------------------------------------ */

static mci_pgconn *conn_of(const mci_stmt *h)
{
    return h->db->pg;
}

/* Reads the rest of the results of the command libpq is running and
 * throws them away. */
static void discard_results(mci_pgconn *c)
{
    PGresult *res;
    while ((res = PQ(c)->PQgetResult(c->conn)) != NULL)
        PQ(c)->PQclear(res);
}

/* A statement's closing result: its row count, or its failure.  Frees res. */
static int finish(mci_pgconn *c, PGresult *res)
{
    int rc = MC_RC_DONE;

    if (!res)
        return rc;
    switch (PQ(c)->PQresultStatus(res)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK: {
        const char *n = PQ(c)->PQcmdTuples(res);
        c->changes = n && *n ? text_int64(n) : 0;
        break;
    }
    default:
        rc = record_error(c, res);
        break;
    }
    PQ(c)->PQclear(res);
    return rc;
}

/* Reads every remaining row of the streaming statement h into memory, so
 * that the connection is free for another command. */
static void drain(mci_stmt *h)
{
    mci_pgconn *c = conn_of(h);
    mci_pgstmt *s = h->pg;
    PGresult *res;

    while ((res = PQ(c)->PQgetResult(c->conn)) != NULL) {
        if (PQ(c)->PQresultStatus(res) != PGRES_SINGLE_TUPLE) {
            if (s->final)
                PQ(c)->PQclear(s->final);
            s->final = res;
            continue;
        }
        if (s->qlen == s->qcap) {
            size_t ncap = s->qcap ? 2 * s->qcap : 16;
            PGresult **q = realloc(s->queue, ncap * sizeof *q);
            if (!q) {   /* keep the failure, lose the rows */
                PQ(c)->PQclear(res);
                discard_results(c);
                if (s->final)
                    PQ(c)->PQclear(s->final);
                s->final = NULL;
                s->qlen = s->qpos;
                c->err_rc = SQLITE_NOMEM;
                memset(&c->err, 0, sizeof c->err);
                break;
            }
            s->queue = q;
            s->qcap = ncap;
        }
        s->queue[s->qlen++] = res;
    }
    s->state = PS_DRAINED;
    c->busy = NULL;
}

/* Makes the connection free for a new command. */
static void free_connection(mci_pgconn *c)
{
    if (c->busy)
        drain(c->busy);
}

/* s's current row is res (holding n rows from the first; s owns it now);
 * the first row of s teaches it its columns' kinds.  MC_RC_ROW, or
 * SQLITE_NOMEM when they cannot be kept (the step fails). */
static int set_row(mci_pgconn *c, mci_pgstmt *s, PGresult *res, int n)
{
    s->row = res;
    s->tup = 0;
    s->ntup = n;
    if (s->ncols >= 0)
        return MC_RC_ROW;
    int k = PQ(c)->PQnfields(res);
    unsigned char *kinds = malloc(k > 0 ? (size_t)k : 1);
    if (!kinds)
        return SQLITE_NOMEM;
    for (int i = 0; i < k; i++) {
        Oid t = PQ(c)->PQftype(res, i);
        kinds[i] = t == OID_INT8 || t == OID_INT4 || t == OID_INT2 || t == OID_OID ? K_INT
                 : t == OID_BOOL ? K_BOOL
                 : t == OID_BYTEA ? K_BYTEA
                 : t == OID_TIMESTAMP || t == OID_TIMESTAMPTZ ? K_TIMESTAMP : K_TEXT;
    }
    s->kinds = kinds;
    s->ncols = k;
    return MC_RC_ROW;
}

/* Frees what was lent with the current row. */
static void clear_lent(mci_pgstmt *s)
{
    for (size_t i = 0; i < s->nlent; i++)
        free(s->lent[i]);
    s->nlent = 0;
}

/* Leaves the current row: its result too (a whole result with it). */
static void clear_row(mci_pgconn *c, mci_pgstmt *s)
{
    if (s->row)
        PQ(c)->PQclear(s->row);
    s->row = NULL;
    s->tup = 0;
    clear_lent(s);
}

/* The next result of the streaming statement h. */
static int pull(mci_stmt *h)
{
    mci_pgconn *c = conn_of(h);
    mci_pgstmt *s = h->pg;
    PGresult *res = PQ(c)->PQgetResult(c->conn);
    int rc;

    if (res && PQ(c)->PQresultStatus(res) == PGRES_SINGLE_TUPLE)
        return set_row(c, s, res, 1);
    rc = finish(c, res);
    if (res)
        discard_results(c);
    s->state = PS_DONE;
    c->busy = NULL;
    return rc;
}

/* The first step of a whole-result execution: reads the result (the
 * connection is free afterwards) and stands on its first row, or reports
 * its end or failure.  A server error on any row fails the whole result:
 * libpq drops the rows before it.  The id-returning insert's row is the
 * new id, and its step is DONE. */
static int fetch_whole(mci_stmt *h)
{
    mci_pgconn *c = conn_of(h);
    mci_pgstmt *s = h->pg;
    PGresult *res = PQ(c)->PQgetResult(c->conn);

    if (res)
        discard_results(c);
    c->busy = NULL;
    s->state = PS_DONE;
    if (res && PQ(c)->PQresultStatus(res) == PGRES_TUPLES_OK) {
        /* A command with rows (SELECT, ... RETURNING) counts the rows it
         * returns: its tag's count, without reading the tag. */
        int n = PQ(c)->PQntuples(res);
        c->changes = n;
        if (h->flags & MCI_STMT_RETURNS_ID) {
            if (n > 0)
                c->last_id = text_int64(PQ(c)->PQgetvalue(res, 0, 0));
            PQ(c)->PQclear(res);
            return MC_RC_DONE;
        }
        if (n > 0) {
            if (set_row(c, s, res, n) != MC_RC_ROW) {
                clear_row(c, s);
                return SQLITE_NOMEM;
            }
            s->state = PS_WHOLE;
            return MC_RC_ROW;
        }
    }
    return finish(c, res);
}

/* The next row of a whole result; DONE (and the result freed) after its
 * last. */
static int next_tuple(mci_stmt *h)
{
    mci_pgstmt *s = h->pg;

    clear_lent(s);
    if (++s->tup < s->ntup)
        return MC_RC_ROW;
    clear_row(conn_of(h), s);
    s->state = PS_DONE;
    return MC_RC_DONE;
}

/* The next row of a drained statement. */
static int pop(mci_stmt *h)
{
    mci_pgconn *c = conn_of(h);
    mci_pgstmt *s = h->pg;
    int rc;

    if (s->qpos < s->qlen) {
        PGresult *res = s->queue[s->qpos];
        s->queue[s->qpos++] = NULL;
        return set_row(c, s, res, 1);
    }
    if (!s->final && c->err_rc == SQLITE_NOMEM) {
        s->state = PS_DONE;
        return SQLITE_NOMEM;
    }
    rc = finish(c, s->final);
    s->final = NULL;
    s->qpos = s->qlen = 0;
    s->state = PS_DONE;
    return rc;
}

/* Sends h's execution with its bindings, streaming unless whole. */
static int start(mci_stmt *h, int whole)
{
    mci_pgconn *c = conn_of(h);
    mci_pgstmt *s = h->pg;

    free_connection(c);
    if (!PQ(c)->PQsendQueryPrepared(c->conn, s->name, s->nparams, s->values, s->lengths, s->formats, 0))
        return record_error(c, NULL);
    if (!whole)
        PQ(c)->PQsetSingleRowMode(c->conn);
    s->state = PS_STREAM;
    c->busy = h;
    return MC_OK;
}

int mc_pg_step_flags(mc_stmt *st, unsigned flags)
{
    mci_stmt *h = (mci_stmt *)st;
    mci_pgstmt *s;
    int rc;

    if (!h || !h->pg)
        return SQLITE_MISUSE;
    s = h->pg;
    if (s->state == PS_WHOLE)
        return next_tuple(h);
    clear_row(conn_of(h), s);
    switch (s->state) {
    case PS_STREAM:
        return pull(h);
    case PS_DRAINED:
        return pop(h);
    default: {  /* IDLE, or DONE: run again, as SQLite does after DONE */
        int whole = !s->single || ((flags | s->next_flags) & MC_STEP_WHOLE);
        s->next_flags = 0;
        if ((rc = start(h, whole)) != MC_OK)
            return rc;
        return whole ? fetch_whole(h) : pull(h);
    }
    }
}

void mci_pg_fetch_next(mc_stmt *st, unsigned flags)
{
    mci_stmt *h = (mci_stmt *)st;
    if (h && h->pg)
        h->pg->next_flags = flags;
}

int mc_pg_step(mc_stmt *st)
{
    return mc_pg_step_flags(st, 0);
}

/* ---- bindings ----------------------------------------------------------------- */

/* Frees the copy parameter idx holds (bound again before a reset). */
static PG_COLD void drop_owned(mci_pgstmt *s, int idx)
{
    free(s->owned[idx - 1]);
    s->owned[idx - 1] = NULL;
}

/* The pgstmt of st when idx is one of its parameters, else NULL.  Inline
 * in every bind: a bind is a few stores, and its call was most of it. */
static inline mci_pgstmt *param(mc_stmt *st, int idx)
{
    mci_stmt *h = (mci_stmt *)st;
    mci_pgstmt *s;
    if (!h || !(s = h->pg) || idx < 1 || idx > s->nparams)
        return NULL;
    if (s->owned[idx - 1])
        drop_owned(s, idx);
    return s;
}

int mc_pg_bind_null(mc_stmt *st, int idx)
{
    mci_pgstmt *s = param(st, idx);
    if (!s)
        return SQLITE_RANGE;
    s->values[idx - 1] = NULL;
    s->lengths[idx - 1] = 0;
    s->formats[idx - 1] = 0;
    return SQLITE_OK;
}

int mc_pg_bind_int64(mc_stmt *st, int idx, int64_t v)
{
    mci_pgstmt *s = param(st, idx);
    if (!s)
        return SQLITE_RANGE;
    int64_text(s->num[idx - 1], v);
    s->values[idx - 1] = s->num[idx - 1];
    s->formats[idx - 1] = 0;
    return SQLITE_OK;
}

int mc_pg_bind_double(mc_stmt *st, int idx, double v)
{
    mci_pgstmt *s = param(st, idx);
    if (!s)
        return SQLITE_RANGE;
    if (isnan(v))
        snprintf(s->num[idx - 1], sizeof s->num[0], "NaN");
    else if (isinf(v))
        snprintf(s->num[idx - 1], sizeof s->num[0], "%s", v < 0 ? "-Infinity" : "Infinity");
    else
        snprintf(s->num[idx - 1], sizeof s->num[0], "%.17g", v);
    s->values[idx - 1] = s->num[idx - 1];
    s->formats[idx - 1] = 0;
    return SQLITE_OK;
}

/* Parameter idx of s bound to a copy of the n bytes at text, NUL added
 * (libpq reads text parameters up to their NUL). */
static PG_COLD int bind_text_copied(mci_pgstmt *s, int idx, const char *text, int n)
{
    char *copy = malloc((size_t)n + 1);
    if (!copy)
        return SQLITE_NOMEM;
    memcpy(copy, text, (size_t)n);
    copy[n] = '\0';
    s->owned[idx - 1] = copy;
    s->values[idx - 1] = copy;
    return SQLITE_OK;
}

int mc_pg_bind_text(mc_stmt *st, int idx, const char *text, int n)
{
    mci_pgstmt *s = param(st, idx);
    if (!s)
        return SQLITE_RANGE;
    s->formats[idx - 1] = 0;
    if (text && n >= 0 && text[n] != '\0')
        return bind_text_copied(s, idx, text, n);
    s->values[idx - 1] = text;
    return SQLITE_OK;
}

int mc_pg_bind_text_copy(mc_stmt *st, int idx, const char *text)
{
    mci_pgstmt *s = param(st, idx);
    size_t n;
    if (!s)
        return SQLITE_RANGE;
    s->formats[idx - 1] = 0;
    s->values[idx - 1] = NULL;
    if (!text)
        return SQLITE_OK;
    n = strlen(text);
    if (!(s->owned[idx - 1] = malloc(n + 1)))
        return SQLITE_NOMEM;
    memcpy(s->owned[idx - 1], text, n + 1);
    s->values[idx - 1] = s->owned[idx - 1];
    return SQLITE_OK;
}

int mc_pg_bind_blob_copy(mc_stmt *st, int idx, const void *data, size_t n)
{
    mci_pgstmt *s = param(st, idx);
    if (!s)
        return SQLITE_RANGE;
    if (n > 0x7fffffff)
        return SQLITE_TOOBIG;
    if (!(s->owned[idx - 1] = malloc(n ? n : 1)))
        return SQLITE_NOMEM;
    if (n)
        memcpy(s->owned[idx - 1], data, n);
    s->values[idx - 1] = s->owned[idx - 1];
    s->lengths[idx - 1] = (int)n;
    s->formats[idx - 1] = 1;
    return SQLITE_OK;
}

int mc_pg_bind_blob(mc_stmt *st, int idx, const void *data, size_t n)
{
    mci_pgstmt *s = param(st, idx);
    if (!s)
        return SQLITE_RANGE;
    if (n > 0x7fffffff)
        return SQLITE_TOOBIG;
    s->values[idx - 1] = data ? (const char *)data : "";
    s->lengths[idx - 1] = (int)n;
    s->formats[idx - 1] = 1;    /* binary: bytea's binary form is the bytes */
    return SQLITE_OK;
}

/* A DateTime parameter's normalized text, kept in the statement. */
int mci_pg_bind_copy(mc_stmt *st, int idx, const char *text, size_t n)
{
    mci_pgstmt *s = param(st, idx);
    if (!s)
        return SQLITE_RANGE;
    if (n >= sizeof s->num[0])
        return SQLITE_TOOBIG;
    memcpy(s->num[idx - 1], text, n);
    s->num[idx - 1][n] = '\0';
    s->values[idx - 1] = s->num[idx - 1];
    s->formats[idx - 1] = 0;
    return SQLITE_OK;
}

/* ---- columns ------------------------------------------------------------------ */

/* The current row's result when col is one of its columns, else NULL;
 * *tup = the row's tuple in it, *kind the column's K_*. */
static PGresult *cell(mc_stmt *st, int col, int *tup, int *kind)
{
    mci_stmt *h = (mci_stmt *)st;
    if (!h || !h->pg || !h->pg->row || col < 0 || col >= h->pg->ncols)
        return NULL;
    *tup = h->pg->tup;
    *kind = h->pg->kinds[col];
    return h->pg->row;
}

int mc_pg_column_is_null(mc_stmt *st, int col)
{
    int t, k;
    PGresult *r = cell(st, col, &t, &k);
    return !r || PQ(conn_of((mci_stmt *)st))->PQgetisnull(r, t, col);
}

int64_t mc_pg_column_int64(mc_stmt *st, int col)
{
    int t, k;
    PGresult *r = cell(st, col, &t, &k);
    const char *v;

    if (!r)
        return 0;
    v = PQ(conn_of((mci_stmt *)st))->PQgetvalue(r, t, col);   /* "" for NULL: 0 */
    if (k == K_INT)
        return text_int64(v);
    if (k == K_BOOL)
        return v[0] == 't';
    if (strpbrk(v, ".eE"))
        return (int64_t)strtod(v, NULL);    /* a numeric or a float, as SQLite converts */
    return (int64_t)strtoll(v, NULL, 10);
}

double mc_pg_column_double(mc_stmt *st, int col)
{
    int t, k;
    PGresult *r = cell(st, col, &t, &k);
    const char *v;

    if (!r)
        return 0;
    v = PQ(conn_of((mci_stmt *)st))->PQgetvalue(r, t, col);
    if (k == K_BOOL)
        return v[0] == 't';
    return strtod(v, NULL);
}

const char *mc_pg_column_cstr(mc_stmt *st, int col)
{
    int t, k;
    PGresult *r = cell(st, col, &t, &k);
    const mci_pq *pq;
    const char *v;

    if (!r)
        return NULL;
    pq = PQ(conn_of((mci_stmt *)st));
    v = pq->PQgetvalue(r, t, col);
    return *v || !pq->PQgetisnull(r, t, col) ? v : NULL;   /* NULL's text is "" */
}

static int hexval(int ch)
{
    return isdigit(ch) ? ch - '0' : (tolower(ch) - 'a' + 10);
}

/* Column col of st's current row as modelc reads it: *v (n bytes, then a
 * NUL) points into the row when the server's text is already that, or
 * into *conv, a malloc'd conversion the caller takes over: bytea decoded
 * from hex, a timestamp in modelc's stored form.  Booleans are "1"/"0".
 * *v is NULL for SQL NULL.  MC_NOMEM when a conversion cannot be had. */
static int cell_value(mc_stmt *st, int col, const char **v, size_t *n, char **conv)
{
    int t, type;
    PGresult *r = cell(st, col, &t, &type);
    const mci_pq *pq;

    *v = NULL;
    *n = 0;
    *conv = NULL;
    if (!r)
        return MC_OK;
    pq = PQ(conn_of((mci_stmt *)st));
    *n = (size_t)pq->PQgetlength(r, t, col);
    if (*n == 0 && pq->PQgetisnull(r, t, col))    /* NULL's length is 0 */
        return MC_OK;
    *v = pq->PQgetvalue(r, t, col);
    if (type == K_BYTEA && *n >= 2 && (*v)[0] == '\\' && (*v)[1] == 'x') {
        size_t k = (*n - 2) / 2;
        char *p = malloc(k + 1);
        if (!p)
            return MC_NOMEM;
        for (size_t i = 0; i < k; i++)
            p[i] = (char)(hexval((unsigned char)(*v)[2 + 2 * i]) * 16 + hexval((unsigned char)(*v)[3 + 2 * i]));
        p[k] = '\0';
        *v = *conv = p;
        *n = k;
    } else if (type == K_BOOL) {
        *v = (*v)[0] == 't' ? "1" : "0";
        *n = 1;
    } else if (type == K_TIMESTAMP) {
        char stamp[MC_DATETIME_SIZE];
        if (mc_datetime_normalize(*v, stamp) == MC_OK) {
            *n = strlen(stamp);
            if (!(*conv = malloc(*n + 1)))
                return MC_NOMEM;
            memcpy(*conv, stamp, *n + 1);
            *v = *conv;
        }
    }
    return MC_OK;
}

int mci_pg_column_bytes(mc_stmt *st, int col, char **out, size_t *len, int *is_null)
{
    const char *v;
    char *conv;

    *out = NULL;
    *len = 0;
    *is_null = 1;
    if (cell_value(st, col, &v, len, &conv) != MC_OK)
        return MC_NOMEM;
    if (!v)
        return MC_OK;
    *is_null = 0;
    if (conv) {
        *out = conv;
        return MC_OK;
    }
    if (!(*out = malloc(*len + 1)))
        return MC_NOMEM;
    memcpy(*out, v, *len);
    (*out)[*len] = '\0';
    return MC_OK;
}

int mci_pg_column_lent(mc_stmt *st, int col, const char **out, size_t *len)
{
    mci_pgstmt *s = ((mci_stmt *)st)->pg;
    char *conv;

    if (cell_value(st, col, out, len, &conv) != MC_OK) {
        *out = NULL;
        return MC_NOMEM;
    }
    if (!conv)
        return MC_OK;
    if (s->nlent == s->clent) {
        size_t ncap = s->clent ? 2 * s->clent : 4;
        char **p = realloc(s->lent, ncap * sizeof *p);
        if (!p) {
            free(conv);
            *out = NULL;
            return MC_NOMEM;
        }
        s->lent = p;
        s->clent = ncap;
    }
    s->lent[s->nlent++] = conv;
    return MC_OK;
}

/* ---- the driver interface --------------------------------------------------------- */

static void free_pgstmt(mci_pgconn *c, mci_pgstmt *s)
{
    if (!s)
        return;
    clear_row(c, s);
    for (size_t i = s->qpos; i < s->qlen; i++)
        PQ(c)->PQclear(s->queue[i]);
    if (s->final)
        PQ(c)->PQclear(s->final);
    for (int i = 0; s->owned && i < s->nparams; i++)
        free(s->owned[i]);
    free(s->queue);
    free(s->lent);
    free(s->kinds);
    free(s->values);
    free(s->lengths);
    free(s->formats);
    free(s->num);
    free(s->owned);
    free(s);
}

/* Does sql give its rows (none, or the one of mc_stmt_prepare_insert) at
 * once?  An INSERT, UPDATE or DELETE without RETURNING has none to
 * stream, and single-row mode would cost it a second result per run:
 * such a statement always runs as a whole result. */
static int rows_at_once(const char *sql, int flags)
{
    const char *p = mci_skip_space(sql);
    size_t n = 0;

    if (flags & MCI_STMT_RETURNS_ID)
        return 1;
    while (isalpha((unsigned char)p[n]))
        n++;
    if (!((n == 6 && (strncasecmp(p, "INSERT", 6) == 0 || strncasecmp(p, "UPDATE", 6) == 0 ||
                      strncasecmp(p, "DELETE", 6) == 0))))
        return 0;
    for (const char *q = p; *q; q++)
        if ((*q == 'R' || *q == 'r') && strncasecmp(q, "RETURNING", 9) == 0)
            return 0;
    return 1;
}

static int pg_prepare(mc_db *db, const char *sql, mci_stmt *st, const mci_stmt *shared)
{
    mci_pgconn *c = db->pg;
    mci_pgstmt *s = calloc(1, sizeof *s);
    char line[120];
    char *text = NULL;
    int n = 0;

    if (!s)
        return mc_set_error(db, MC_NOMEM, "out of memory preparing a statement");
    if (shared) {
        memcpy(s->name, shared->pg->name, sizeof s->name);
        n = shared->pg->nparams;
    } else {
        PGresult *res;
        if (!(text = mci_pg_placeholders(sql, &n))) {
            free(s);
            return mc_set_error(db, MC_NOMEM, "out of memory preparing a statement");
        }
        snprintf(s->name, sizeof s->name, "mc_%d", ++c->next_name);
        free_connection(c);
        res = PQ(c)->PQprepare(c->conn, s->name, text, n, NULL);
        free(text);
        if (!res || PQ(c)->PQresultStatus(res) != PGRES_COMMAND_OK) {
            int rc = record_error(c, res);
            if (res)
                PQ(c)->PQclear(res);
            free(s);
            mci_first_line(sql, line, sizeof line);
            return mci_pg_status(db, rc, line);
        }
        PQ(c)->PQclear(res);
    }
    s->nparams = n;
    s->ncols = -1;
    s->single = !rows_at_once(sql, st->flags);
    size_t k = n > 0 ? (size_t)n : 1;
    s->values = calloc(k, sizeof *s->values);
    s->lengths = calloc(k, sizeof *s->lengths);
    s->formats = calloc(k, sizeof *s->formats);
    s->num = calloc(k, sizeof *s->num);
    s->owned = calloc(k, sizeof *s->owned);
    if (!s->values || !s->lengths || !s->formats || !s->num || !s->owned) {
        free_pgstmt(c, s);
        return mc_set_error(db, MC_NOMEM, "out of memory preparing a statement");
    }
    st->pg = s;
    st->pub.lite = NULL;
    return MC_OK;
}

/* Ends h's execution: its unread rows are read and dropped. */
static void end_execution(mci_stmt *h)
{
    mci_pgconn *c = conn_of(h);
    mci_pgstmt *s = h->pg;

    if (s->state == PS_STREAM) {
        discard_results(c);
        c->busy = NULL;
    }
    clear_row(c, s);
    for (size_t i = s->qpos; i < s->qlen; i++)
        PQ(c)->PQclear(s->queue[i]);
    s->qpos = s->qlen = 0;
    if (s->final)
        PQ(c)->PQclear(s->final);
    s->final = NULL;
    s->state = PS_IDLE;
}

static void pg_finalize(mci_stmt *st)
{
    if (!st->pg)
        return;
    end_execution(st);
    free_pgstmt(conn_of(st), st->pg);
    st->pg = NULL;
}

/* Every statement is reset after every use, most of them with nothing
 * of their execution left (an insert's or an update's result is read and
 * cleared by the step): then only the parameters are cleared.  Their
 * values only: every bind sets its parameter's format (and a binary
 * one's length), and libpq reads neither for a NULL. */
static void pg_reset(mci_stmt *st)
{
    mci_pgstmt *s = st->pg;

    if (s->state == PS_STREAM || s->row || s->qlen || s->final || s->nlent)
        end_execution(st);
    s->state = PS_IDLE;
    s->next_flags = 0;
    for (int i = 0; i < s->nparams; i++) {
        s->values[i] = NULL;
        if (s->owned[i])
            drop_owned(s, i + 1);
    }
}

/* Runs one statement of a script (text up to its end, ';' included) with
 * the simple protocol. */
static int exec_one(mci_pgconn *c, const char *text)
{
    PGresult *res = PQ(c)->PQexec(c->conn, text);
    ExecStatusType t = res ? PQ(c)->PQresultStatus(res) : PGRES_FATAL_ERROR;

    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK || t == PGRES_EMPTY_QUERY) {
        const char *n = PQ(c)->PQcmdTuples(res);
        c->changes = n && *n ? text_int64(n) : 0;
        PQ(c)->PQclear(res);
        return MC_OK;
    }
    int rc = record_error(c, res);
    if (res)
        PQ(c)->PQclear(res);
    return rc;
}

static int pg_run_script(mc_db *db, const char *sql, const char *prefix, int *count)
{
    mci_pgconn *c = db->pg;
    const char *p = sql;
    int n = 0;
    char line[120], context[MCI_MSG_MAX];

    if (count)
        *count = 0;
    free_connection(c);
    while (*(p = mci_skip_space(p))) {
        size_t len = mci_statement_end(p, strlen(p), MCI_SQL_POSTGRESQL);
        char *one = malloc(len + 1);
        int rc;

        if (!one)
            return mc_set_error(db, MC_NOMEM, "out of memory running SQL");
        memcpy(one, p, len);
        one[len] = '\0';
        if (*mci_skip_space(one) == ';' || !*mci_skip_space(one)) {   /* a lone ';' */
            free(one);
            p += len;
            continue;
        }
        n++;
        mci_first_line(one, line, sizeof line);
        if (prefix && mci_ends_transaction(one)) {
            free(one);
            return mc_set_error(db, MC_INVALID,
                                "%sstatement %d (%s): a migration may not end its transaction; "
                                "each migration already runs in one",
                                prefix, n, line);
        }
        rc = exec_one(c, one);
        free(one);
        if (rc != MC_OK) {
            if (prefix)
                snprintf(context, sizeof context, "%sstatement %d failed: %s", prefix, n, line);
            else
                snprintf(context, sizeof context, "%s", line);
            return mci_pg_status(db, rc, context);
        }
        if (count)
            *count = n;
        p += len;
    }
    return MC_OK;
}

static int64_t pg_changes(mc_db *db)
{
    return db->pg->changes;
}

static int64_t pg_last_id(mc_db *db)
{
    return db->pg->last_id;
}

static int pg_in_txn(mc_db *db)
{
    mci_pgconn *c = db->pg;

    free_connection(c);
    switch (PQ(c)->PQtransactionStatus(c->conn)) {
    case PQTRANS_INTRANS:
    case PQTRANS_ACTIVE:
        return 1;
    case PQTRANS_INERROR:
        return 2;
    default:
        return 0;
    }
}

static const char *pg_begin_sql(int immediate)
{
    (void)immediate;    /* PostgreSQL locks rows as it writes them */
    return "BEGIN";
}

static void pg_close(mc_db *db)
{
    mci_pgconn *c = db->pg;

    if (!c)
        return;
    if (c->conn)
        PQ(c)->PQfinish(c->conn);   /* the server rolls back an open transaction */
    mci_pq_unload(&c->pq);
    free(c);
    db->pg = NULL;
}

const mci_driver mci_pg_driver = {
    MC_ENGINE_POSTGRESQL, "PostgreSQL",
    pg_prepare, pg_finalize, pg_reset, pg_run_script,
    pg_changes, pg_last_id, pg_in_txn, pg_begin_sql, pg_close,
};

/* ---- opening ------------------------------------------------------------------ */

/* libpq's notices (NOTICE, WARNING) go nowhere: the runtime never prints. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* url with a SQLAlchemy "+driver" suffix of its scheme removed, malloc'd. */
static char *libpq_url(const char *url)
{
    const char *plus = strchr(url, '+'), *sep = strstr(url, "://");
    size_t n = strlen(url);
    char *out = malloc(n + 1);

    if (!out)
        return NULL;
    if (plus && sep && plus < sep) {
        size_t head = (size_t)(plus - url);
        memcpy(out, url, head);
        memcpy(out + head, sep, n - (size_t)(sep - url) + 1);
    } else {
        memcpy(out, url, n + 1);
    }
    return out;
}

/* The session settings modelc relies on (see the head comment). */
static int setup_session(mc_db *db, const mc_open_options *opts)
{
    int timeout = opts && opts->busy_timeout_ms >= 0 ? opts->busy_timeout_ms : 5000;
    /* 0 is "do not wait", as SQLite's busy timeout reads it; PostgreSQL's
     * lock_timeout reads 0 as "wait for ever", so the least wait it has. */
    if (timeout == 0)
        timeout = 1;
    int readonly = opts && opts->readonly > 0;
    char sql[256];

    snprintf(sql, sizeof sql,
             "SET DateStyle = 'ISO, YMD'; SET bytea_output = 'hex'; SET lock_timeout = %d;%s", timeout,
             readonly ? " SET default_transaction_read_only = on;" : "");
    return pg_run_script(db, sql, NULL, NULL);
}

int mci_pg_open(mc_db *db, const char *url, const mc_open_options *opts)
{
    char shown[512], why[300];
    /* the URL's own settings win over the defaults listed before it */
    const char *keys[] = {"connect_timeout", "fallback_application_name", "dbname", "client_encoding", NULL};
    const char *vals[] = {"10", "modelc", NULL, "UTF8", NULL};
    mci_pgconn *c;
    char *conninfo;
    int rc;

    mc_redact_url(url, shown, sizeof shown);
    free(db->path);
    if (!(db->path = strdup(shown)))
        return mc_set_error(db, MC_NOMEM, "out of memory");
    if (!(c = calloc(1, sizeof *c)))
        return mc_set_error(db, MC_NOMEM, "%s: out of memory", shown);
    if (!mci_pq_load(&c->pq, why, sizeof why)) {
        free(c);
        return mc_set_error(db, MC_ERROR,
                            "%s: PostgreSQL needs libpq, which could not be loaded (%s); install it "
                            "(Debian: apt-get install libpq5)", shown, why);
    }
    if (!(conninfo = libpq_url(url))) {
        mci_pq_unload(&c->pq);
        free(c);
        return mc_set_error(db, MC_NOMEM, "%s: out of memory", shown);
    }
    vals[2] = conninfo;
    c->conn = PQ(c)->PQconnectdbParams(keys, vals, 1);
    free(conninfo);
    if (!c->conn || PQ(c)->PQstatus(c->conn) != CONNECTION_OK) {
        char msg[400] = "out of memory";
        if (c->conn) {
            size_t n;
            copy_field(msg, sizeof msg, PQ(c)->PQerrorMessage(c->conn));
            n = strlen(msg);
            while (n > 0 && isspace((unsigned char)msg[n - 1]))
                msg[--n] = '\0';
            PQ(c)->PQfinish(c->conn);
        }
        mci_pq_unload(&c->pq);
        free(c);
        return mc_set_error(db, MC_ERROR, "%s: could not connect to PostgreSQL: %s", shown, msg);
    }
    PQ(c)->PQsetNoticeProcessor(c->conn, quiet, NULL);
    db->pg = c;
    db->driver = &mci_pg_driver;
    if ((rc = setup_session(db, opts)) != MC_OK) {
        mc_set_error(db, rc, "%s: %s", shown, mc_errmsg(db));
        pg_close(db);
        db->driver = &mci_sqlite_driver;
        return rc;
    }
    return MC_OK;
}
