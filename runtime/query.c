/*
 * query.c -- the query builder under every generated `X_query`.
 *
 * A query collects predicates, an order and a page.  Each predicate is
 * kept as it was given (the column, the operator's static text, how many
 * values): that record, not the SQL, is the query's shape, which the
 * statement cache looks up by a key kept while the query was built.  The
 * SQL text -- identifiers the generator quoted and `?` placeholders only
 * (values are always bound) -- is written only the first time a shape is
 * seen, so the same shape of query again costs neither a prepare nor any
 * text.  Iteration holds one row at a time: the generated code reads the
 * current row of the statement into its struct.  On PostgreSQL a run
 * streams (single-row mode) unless its caller reads all of it or one row
 * (mc_query_restart with MC_STEP_WHOLE, first, count): then the whole
 * result comes at once.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

typedef enum { V_NULL, V_INT, V_DOUBLE, V_TEXT, V_BLOB } vkind;

typedef struct qvalue {
    vkind kind;
    int64_t i;
    double d;
    char *p;            /* V_TEXT / V_BLOB: owned copy, NULL when it fits in inl */
    size_t n;
    char inl[24];       /* a short text or blob, NUL-terminated */
} qvalue;

/* One predicate as given.  Three words and no padding: shapes compare
 * the records as bytes. */
typedef struct qpred {
    const char *text;   /* col >= 0: the operator's static tail (" = ?",
                         * " IN (?", " IS NULL" ...); col < 0: the
                         * generator's whole predicate (mc_query_where_sql) */
    ptrdiff_t col;
    size_t in;          /* " IN (?": the number of values (then ", ?" and ")") */
} qpred;

typedef struct qorder {
    ptrdiff_t col;
    ptrdiff_t desc;
} qorder;

/* A query of a few predicates (the common case) allocates nothing but
 * itself: the records, the values and the WHERE text start in the struct
 * and move to the heap only when they outgrow it. */
struct mc_query {
    mc_db *db;
    const mc_table_meta *meta;
    qpred *preds;
    size_t npreds, pcap;
    qorder *orders;
    size_t norders, ocap;
    qvalue *vals;
    size_t nvals, vcap;
    char *where;        /* "a = ? AND ..." without the WHERE, written from */
    size_t wlen, wcap;  /* preds when asked for (where_ok) */
    int where_ok;
    int64_t limit, offset;  /* -1: none */
    int first;          /* during mc_query_first: LIMIT 1 written into the SQL */
    unsigned step_flags;    /* MC_STEP_* for the next run (mc_query_restart,
                             * mc_query_first), given to its statement on PostgreSQL */
    int status;         /* first failure while building (MC_NOMEM) */
    char *sql;          /* built on first use, rebuilt when the query changes */
    mc_stmt *stmt;      /* during an iteration */
    uint64_t wkey, okey;    /* the steps that built preds and orders (mci_shape.key) */
    char **kept;        /* values lent with the current row (lend.c), */
    size_t nkept, ckept;    /* freed when the query leaves the row */
    qpred preds_inl[4];
    qorder orders_inl[2];
    qvalue vals_inl[4];
    char where_inl[96];
};

/* The bytes of a text or blob value. */
static const char *qv_bytes(const qvalue *v)
{
    return v->p ? v->p : v->inl;
}

/* Appends s to the growing text *buf; `inl` is the buffer's storage in
 * the struct (NULL for a heap-only text), never freed or realloc'd. */
static int add_text_in(mc_query *q, char **buf, size_t *len, size_t *cap, char *inl, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap * 2 : 128;
        while (ncap < *len + n + 1)
            ncap *= 2;
        char *p = *buf && *buf == inl ? malloc(ncap) : realloc(*buf, ncap);
        if (!p) {
            q->status = MC_NOMEM;
            return 0;
        }
        if (*buf && *buf == inl)
            memcpy(p, inl, *len + 1);
        *buf = p;
        *cap = ncap;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
    return 1;
}

static int add_text(mc_query *q, char **buf, size_t *len, size_t *cap, const char *s)
{
    return add_text_in(q, buf, len, cap, buf == &q->where ? q->where_inl : NULL, s);
}

/* Room for one more item in *items (count n, capacity *cap, `inl` its
 * storage in the struct): the array, perhaps moved to the heap, or NULL
 * when out of memory (q->status is then MC_NOMEM). */
static void *grow(mc_query *q, void **items, size_t n, size_t *cap, void *inl, size_t size)
{
    if (n == *cap) {
        size_t ncap = *cap * 2;
        void *p = *items == inl ? malloc(ncap * size) : realloc(*items, ncap * size);
        if (!p) {
            q->status = MC_NOMEM;
            return NULL;
        }
        if (*items == inl)
            memcpy(p, inl, n * size);
        *items = p;
        *cap = ncap;
    }
    return *items;
}

static qvalue *add_value(mc_query *q)
{
    if (!grow(q, (void **)&q->vals, q->nvals, &q->vcap, q->vals_inl, sizeof *q->vals))
        return NULL;
    qvalue *v = &q->vals[q->nvals++];
    memset(v, 0, sizeof *v);
    return v;
}

/* Frees what was lent with the row the query is leaving. */
static void drop_kept(mc_query *q)
{
    for (size_t i = 0; i < q->nkept; i++)
        free(q->kept[i]);
    q->nkept = 0;
}

int mci_query_keep(mc_query *q, char *p)
{
    if (q->nkept == q->ckept) {
        size_t ncap = q->ckept ? 2 * q->ckept : 8;
        char **v = realloc(q->kept, ncap * sizeof *v);
        if (!v)
            return MC_NOMEM;
        q->kept = v;
        q->ckept = ncap;
    }
    q->kept[q->nkept++] = p;
    return MC_OK;
}

static void changed(mc_query *q)
{
    if (q->sql) {
        free(q->sql);
        q->sql = NULL;
    }
}

/* One step of a shape key: the same steps in the same order give the
 * same key (and the same records, which the cache compares as well). */
static uint64_t key_step(uint64_t key, uint64_t v)
{
    return (key ^ v) * 0x100000001b3u + 0x9e3779b97f4a7c15u;
}

/* The connection's spare query (the last one freed) when it has one,
 * else a new one.  Only the head of the struct is set: the inline arrays
 * are written before they are read (zeroing them would cost more than
 * the query). */
mc_query *mc_query_new(mc_db *db, const mc_table_meta *meta)
{
    mc_query *q = db ? db->spare : NULL;
    if (q)
        db->spare = NULL;
    else if (!(q = malloc(sizeof *q))) {
        mc_set_error(db, MC_NOMEM, "%s: out of memory for a query", meta->name);
        return NULL;
    }
    q->db = db;
    if (db)
        db->live_queries++;
    q->meta = meta;
    q->preds = q->preds_inl;
    q->npreds = 0;
    q->pcap = sizeof q->preds_inl / sizeof q->preds_inl[0];
    q->orders = q->orders_inl;
    q->norders = 0;
    q->ocap = sizeof q->orders_inl / sizeof q->orders_inl[0];
    q->vals = q->vals_inl;
    q->nvals = 0;
    q->vcap = sizeof q->vals_inl / sizeof q->vals_inl[0];
    q->where = q->where_inl;
    q->wlen = 0;
    q->wcap = sizeof q->where_inl;
    q->where_inl[0] = '\0';
    q->where_ok = 1;
    q->limit = -1;
    q->offset = -1;
    q->first = 0;
    q->step_flags = 0;
    q->status = MC_OK;
    q->sql = NULL;
    q->stmt = NULL;
    q->wkey = q->okey = 0;
    q->kept = NULL;
    q->nkept = q->ckept = 0;
    return q;
}

void mc_query_free(mc_query *q)
{
    if (!q)
        return;
    mc_db *db = q->db;
    int closed = db && db->closed;    /* its statement went with the connection */
    if (q->stmt && !closed)
        mc_stmt_release(db, q->stmt);
    if (q->kept) {
        drop_kept(q);
        free(q->kept);
    }
    for (size_t i = 0; i < q->nvals; i++)
        if (q->vals[i].p)
            free(q->vals[i].p);
    if (q->vals != q->vals_inl)
        free(q->vals);
    if (q->preds != q->preds_inl)
        free(q->preds);
    if (q->orders != q->orders_inl)
        free(q->orders);
    if (q->where != q->where_inl)
        free(q->where);
    if (q->sql)
        free(q->sql);
    if (db)
        db->live_queries--;
    if (db && !closed && !db->spare) {
        db->spare = q;      /* for the connection's next query */
        return;
    }
    free(q);
    if (closed && db->live_queries == 0)
        free(db);           /* mc_close left it to the last query */
}

void mci_query_spare_free(mc_db *db)
{
    free(db->spare);
    db->spare = NULL;
}

mc_db *mc_query_db(const mc_query *q) { return q ? q->db : NULL; }

static const char *op_sql(mc_cmp op)
{
    switch (op) {
    case MC_EQ: return " = ?";
    case MC_NE: return " != ?";
    case MC_LT: return " < ?";
    case MC_LE: return " <= ?";
    case MC_GT: return " > ?";
    case MC_GE: return " >= ?";
    case MC_LIKE: return " LIKE ?";
    }
    return " = ?";
}

/* Records a predicate (col < 0: text is the whole predicate). */
static int push_pred(mc_query *q, ptrdiff_t col, const char *text, size_t in)
{
    if (!grow(q, (void **)&q->preds, q->npreds, &q->pcap, q->preds_inl, sizeof *q->preds))
        return 0;
    qpred *p = &q->preds[q->npreds++];
    p->text = text;
    p->col = col;
    p->in = in;
    q->wkey = key_step(q->wkey, (uint64_t)(uintptr_t)text ^ ((uint64_t)col << 40) ^ ((uint64_t)in << 20));
    q->where_ok = 0;
    changed(q);
    return 1;
}

/* "<column><tail>" ANDed to the predicates; in > 0 for an IN list. */
static int add_pred(mc_query *q, int col, const char *tail, size_t in)
{
    if (!q || q->status)
        return 0;
    if (col < 0 || (size_t)col >= q->meta->ncolumns) {
        q->status = mc_set_error(q->db, MC_MISUSE, "%s: no column %d", q->meta->name, col);
        return 0;
    }
    return push_pred(q, col, tail, in);
}

/* Column col as q's WHERE and ORDER BY write it: on PostgreSQL the
 * generator's pg_columns text when it gave one (a JSON column compared as
 * its text, as SQLite compares it), else columns[col]. */
static const char *column_sql(const mc_query *q, int col)
{
    const mc_table_meta *m = q->meta;
    return q->db->pg && m->pg_columns && m->pg_columns[col] ? m->pg_columns[col] : m->columns[col];
}

/* Writes the WHERE text from the records (once per change). */
static int write_where(mc_query *q)
{
    if (q->where_ok)
        return 1;
    q->wlen = 0;
    q->where[0] = '\0';
    for (size_t i = 0; i < q->npreds; i++) {
        const qpred *p = &q->preds[i];
        if (i && !add_text(q, &q->where, &q->wlen, &q->wcap, " AND "))
            return 0;
        if (p->col >= 0 && !add_text(q, &q->where, &q->wlen, &q->wcap, column_sql(q, p->col)))
            return 0;
        if (!add_text(q, &q->where, &q->wlen, &q->wcap, p->text))
            return 0;
        for (size_t k = 1; k < p->in; k++)
            if (!add_text(q, &q->where, &q->wlen, &q->wcap, ", ?"))
                return 0;
        if (p->in && !add_text(q, &q->where, &q->wlen, &q->wcap, ")"))
            return 0;
    }
    q->where_ok = 1;
    return 1;
}

void mc_query_where_int(mc_query *q, int col, mc_cmp op, int64_t v)
{
    if (add_pred(q, col, op_sql(op), 0)) {
        qvalue *x = add_value(q);
        if (x) {
            x->kind = V_INT;
            x->i = v;
        }
    }
}

void mc_query_where_double(mc_query *q, int col, mc_cmp op, double v)
{
    if (add_pred(q, col, op_sql(op), 0)) {
        qvalue *x = add_value(q);
        if (x) {
            x->kind = V_DOUBLE;
            x->d = v;
        }
    }
}

static int copy_bytes(mc_query *q, qvalue *x, const void *p, size_t n)
{
    char *dst = x->inl;
    if (n >= sizeof x->inl && !(dst = x->p = malloc(n + 1))) {
        q->status = MC_NOMEM;
        return 0;
    }
    if (n)
        memcpy(dst, p, n);
    dst[n] = '\0';
    x->n = n;
    return 1;
}

void mc_query_where_text(mc_query *q, int col, mc_cmp op, const char *v)
{
    if (!v) {
        mc_query_where_null(q, col, op != MC_NE);
        return;
    }
    if (add_pred(q, col, op_sql(op), 0)) {
        qvalue *x = add_value(q);
        if (x && copy_bytes(q, x, v, strlen(v)))
            x->kind = V_TEXT;
    }
}

void mc_query_where_blob(mc_query *q, int col, mc_cmp op, const void *v, size_t n)
{
    if (!v) {
        mc_query_where_null(q, col, op != MC_NE);
        return;
    }
    if (add_pred(q, col, op_sql(op), 0)) {
        qvalue *x = add_value(q);
        if (x && copy_bytes(q, x, v, n))
            x->kind = V_BLOB;
    }
}

void mc_query_where_null(mc_query *q, int col, int is_null)
{
    add_pred(q, col, is_null ? " IS NULL" : " IS NOT NULL", 0);
}

/* " IN (?, ?, ?)"; an empty list matches nothing, as in SQLAlchemy. */
static int add_in(mc_query *q, int col, size_t n)
{
    if (n == 0)
        return add_pred(q, col, " IN (SELECT 1 WHERE 0)", 0);
    return add_pred(q, col, " IN (?", n);
}

void mc_query_where_in_int(mc_query *q, int col, const int64_t *v, size_t n)
{
    if (!add_in(q, col, n))
        return;
    for (size_t i = 0; i < n; i++) {
        qvalue *x = add_value(q);
        if (!x)
            return;
        x->kind = V_INT;
        x->i = v[i];
    }
}

void mc_query_where_in_double(mc_query *q, int col, const double *v, size_t n)
{
    if (!add_in(q, col, n))
        return;
    for (size_t i = 0; i < n; i++) {
        qvalue *x = add_value(q);
        if (!x)
            return;
        x->kind = V_DOUBLE;
        x->d = v[i];
    }
}

void mc_query_where_in_text(mc_query *q, int col, const char *const *v, size_t n)
{
    if (!add_in(q, col, n))
        return;
    for (size_t i = 0; i < n; i++) {
        qvalue *x = add_value(q);
        if (!x)
            return;
        if (!v[i])
            continue;   /* NULL never matches IN, as in SQL */
        if (copy_bytes(q, x, v[i], strlen(v[i])))
            x->kind = V_TEXT;
    }
}

void mc_query_where_sql(mc_query *q, const char *sql, int64_t v)
{
    if (!q || q->status || !push_pred(q, -1, sql, 0))
        return;
    qvalue *x = add_value(q);
    if (x) {
        x->kind = V_INT;
        x->i = v;
    }
}

void mc_query_order_by(mc_query *q, int col, int desc)
{
    if (!q || q->status)
        return;
    if (col < 0 || (size_t)col >= q->meta->ncolumns) {
        q->status = mc_set_error(q->db, MC_MISUSE, "%s: no column %d", q->meta->name, col);
        return;
    }
    if (!grow(q, (void **)&q->orders, q->norders, &q->ocap, q->orders_inl, sizeof *q->orders))
        return;
    q->orders[q->norders].col = col;
    q->orders[q->norders].desc = desc != 0;
    q->norders++;
    q->okey = key_step(q->okey, ((uint64_t)col << 1) | (desc != 0));
    changed(q);
}

void mc_query_limit(mc_query *q, int64_t n)
{
    if (q) {
        changed(q);
        q->limit = n < 0 ? -1 : n;
    }
}

void mc_query_offset(mc_query *q, int64_t n)
{
    if (q) {
        changed(q);
        q->offset = n < 0 ? -1 : n;
    }
}

/* Shape flags: what besides WHERE and ORDER BY decides the SQL text. */
enum { SHAPE_PAGED = 1, SHAPE_WINDOW = 2, SHAPE_FIRST = 4, SHAPE_FIRST_OFFSET = 8 };

/* Does the paged SQL end in "LIMIT ? OFFSET ?" (bound from the query)? */
static int windowed(const mc_query *q)
{
    return !q->first && (q->limit >= 0 || q->offset >= 0);
}

/* The shape of q's SQL with `what` (static text) as the result columns:
 * the statement cache finds a statement by it without building the text. */
static mci_shape shape_of(const mc_query *q, const char *what, int paged)
{
    mci_shape k;
    k.meta = q->meta;
    k.what = what;
    k.where = q->preds;
    k.wlen = q->npreds * sizeof *q->preds;
    k.order = q->orders;
    k.olen = paged ? q->norders * sizeof *q->orders : 0;
    k.flags = !paged ? 0
            : SHAPE_PAGED | (windowed(q) ? SHAPE_WINDOW : 0) | (q->first ? SHAPE_FIRST : 0) |
                  (q->first && q->offset >= 0 ? SHAPE_FIRST_OFFSET : 0);
    k.key = key_step(q->wkey, paged ? q->okey : 0);
    return k;
}

/* The SQL of the query with `what` as the result columns. */
static char *build(mc_query *q, const char *what, int paged)
{
    char *s = NULL;
    size_t len = 0, cap = 0;
    int ok = write_where(q) && add_text(q, &s, &len, &cap, "SELECT ") && add_text(q, &s, &len, &cap, what) &&
             add_text(q, &s, &len, &cap, " FROM ") && add_text(q, &s, &len, &cap, q->meta->table);
    if (ok && q->wlen)
        ok = add_text(q, &s, &len, &cap, " WHERE ") && add_text(q, &s, &len, &cap, q->where);
    for (size_t i = 0; ok && paged && i < q->norders; i++)
        ok = add_text(q, &s, &len, &cap, i ? ", " : " ORDER BY ") &&
             add_text(q, &s, &len, &cap, column_sql(q, q->orders[i].col)) &&
             add_text(q, &s, &len, &cap, q->orders[i].desc ? " DESC" : "");
    if (ok && paged && windowed(q))
        ok = add_text(q, &s, &len, &cap, " LIMIT ? OFFSET ?");
    else if (ok && paged && q->first)
        ok = add_text(q, &s, &len, &cap, q->offset >= 0 ? " LIMIT 1 OFFSET ?" : " LIMIT 1");
    if (!ok) {
        free(s);
        return NULL;
    }
    return s;
}

/* Binds the query's values from ?1, then its window when paged.  An
 * offset without a limit is "LIMIT -1" on SQLite and "LIMIT NULL" (no
 * limit) on PostgreSQL, which refuses a negative one. */
static int bind_all(mc_query *q, mc_stmt *st, int paged)
{
    int rc = MC_RC_OK;
    int i = 1;
    for (size_t k = 0; k < q->nvals && rc == MC_RC_OK; k++, i++) {
        const qvalue *v = &q->vals[k];
        switch (v->kind) {
        case V_NULL: rc = mc_stmt_bind_null(st, i); break;
        case V_INT: rc = mc_stmt_bind_int64(st, i, v->i); break;
        case V_DOUBLE: rc = mc_stmt_bind_double(st, i, v->d); break;
        case V_TEXT: rc = mc_stmt_bind_text_n(st, i, qv_bytes(v), (int)v->n); break;
        case V_BLOB: {
            mc_blob b = {(void *)qv_bytes(v), v->n};
            rc = mc_stmt_bind_blob(st, i, &b);
            break;
        }
        }
    }
    if (rc == MC_RC_OK && paged && windowed(q)) {
        rc = q->limit < 0 && !st->lite ? mc_stmt_bind_null(st, i) : mc_stmt_bind_int64(st, i, q->limit);
        if (rc == MC_RC_OK)
            rc = mc_stmt_bind_int64(st, i + 1, q->offset < 0 ? 0 : q->offset);
    } else if (rc == MC_RC_OK && paged && q->first && q->offset >= 0) {
        rc = mc_stmt_bind_int64(st, i, q->offset);
    }
    return rc == MC_RC_OK ? MC_OK : mc_status_from_rc(q->db, rc, q->meta->name);
}

int mc_query_step(mc_query *q, mc_stmt **row)
{
    *row = NULL;
    if (!q)
        return MC_MISUSE;
    if (q->nkept)
        drop_kept(q);
    if (q->status)
        return q->status == MC_NOMEM ? mc_set_error(q->db, MC_NOMEM, "%s: out of memory building a query",
                                                    q->meta->name)
                                     : q->status;
    if (!q->stmt) {
        /* A shape seen before needs no SQL text: only the first query of
         * a shape builds it. */
        mci_shape k = shape_of(q, q->meta->select_list, 1);
        q->stmt = mci_prepare_shape(q->db, &k);
        if (!q->stmt) {
            if (!q->sql && !(q->sql = build(q, q->meta->select_list, 1)))
                return mc_set_error(q->db, MC_NOMEM, "%s: out of memory building a query", q->meta->name);
            q->stmt = mci_prepare_shape_text(q->db, &k, q->sql);
        }
        if (!q->stmt)
            return mc_errcode(q->db);
        int rc = bind_all(q, q->stmt, 1);
        if (rc) {
            mc_stmt_release(q->db, q->stmt);
            q->stmt = NULL;
            return rc;
        }
        if (!q->stmt->lite && q->step_flags) {  /* SQLite has nothing to be told */
            mci_pg_fetch_next(q->stmt, q->step_flags);
            q->step_flags = 0;
        }
    }
    int rc = mc_stmt_step(q->stmt);
    if (rc == MC_RC_ROW) {
        *row = q->stmt;
        return MC_OK;
    }
    mc_stmt_release(q->db, q->stmt);
    q->stmt = NULL;
    if (rc == MC_RC_DONE)
        return MC_DONE;
    return mc_status_from_rc(q->db, rc, q->meta->name);
}


int mc_query_first(mc_query *q, mc_stmt **row)
{
    *row = NULL;
    if (!q)
        return MC_MISUSE;
    if (q->stmt || q->nkept)
        mc_query_rewind(q);
    if (q->limit == 0)
        return mc_query_step(q, row);  /* LIMIT 0: no row */
    /* "LIMIT 1" in the SQL: SQLite stops at the first row (or keeps a
     * top-1 sort); the query's own limit stays for later runs. */
    q->first = 1;
    q->step_flags = MC_STEP_WHOLE;  /* one row: no streaming */
    changed(q);
    int rc = mc_query_step(q, row);
    q->first = 0;
    changed(q);     /* the running statement keeps its own copy */
    return rc;
}


void mc_query_rewind(mc_query *q)
{
    if (!q)
        return;
    if (q->nkept)
        drop_kept(q);
    if (q->stmt) {
        mc_stmt_release(q->db, q->stmt);
        q->stmt = NULL;
    }
    q->step_flags = 0;
}

void mc_query_restart(mc_query *q, unsigned flags)
{
    if (!q)
        return;
    if (q->nkept)
        drop_kept(q);
    if (q->stmt) {
        mc_stmt_release(q->db, q->stmt);
        q->stmt = NULL;
    }
    q->step_flags = flags;
}

/* One integer from the first row of sql run with q's values (count). */
int mci_query_int(mc_query *q, const char *sql, int paged, int64_t *out)
{
    mc_stmt *st = mc_stmt_prepare_text(q->db, sql);
    if (!st)
        return mc_errcode(q->db);
    int rc = bind_all(q, st, paged);
    if (rc == MC_OK) {
        int s = mc_stmt_step_flags(st, MC_STEP_WHOLE);
        if (s == MC_RC_ROW)
            *out = mc_stmt_column_int64(st, 0);
        else
            rc = mc_status_from_rc(q->db, s, q->meta->name);
    }
    mc_stmt_release(q->db, st);
    return rc;
}

int mc_query_count(mc_query *q, int64_t *out)
{
    *out = 0;
    if (!q)
        return MC_MISUSE;
    if (q->status)
        return q->status;
    /* LIMIT/OFFSET apply to the rows counted, as in SQLAlchemy's count().
     * The subquery is named: PostgreSQL before 16 requires it. */
    char *inner = NULL;
    const char *what = "count(*)";
    char *sql;
    if (q->limit >= 0 || q->offset >= 0) {
        inner = build(q, "1", 1);
        size_t n = inner ? strlen(inner) : 0;
        sql = inner ? malloc(n + 64) : NULL;
        if (sql) {
            memcpy(sql, "SELECT count(*) FROM (", 22);
            memcpy(sql + 22, inner, n);
            memcpy(sql + 22 + n, ") AS mc_rows", 13);
        }
    } else {
        sql = build(q, what, 0);
    }
    free(inner);
    if (!sql)
        return mc_set_error(q->db, MC_NOMEM, "%s: out of memory building a query", q->meta->name);
    int rc = mci_query_int(q, sql, q->limit >= 0 || q->offset >= 0, out);
    free(sql);
    return rc;
}

/* ---- what page.c and query_delete.c read (internal.h) ------------------ */

const mc_table_meta *mci_query_meta(const mc_query *q) { return q->meta; }

const char *mci_query_where(mc_query *q) { return write_where(q) ? q->where : NULL; }

int mci_query_status(const mc_query *q) { return q->status; }

void mci_query_window(const mc_query *q, int64_t *limit, int64_t *offset)
{
    *limit = q->limit;
    *offset = q->offset;
}

char *mci_query_sql(mc_query *q, const char *what, int paged) { return build(q, what, paged); }

int mci_query_bind(mc_query *q, mc_stmt *st, int paged) { return bind_all(q, st, paged); }
