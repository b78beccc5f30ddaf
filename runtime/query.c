/*
 * query.c -- the query builder under every generated `X_query`.
 *
 * A query collects predicates, an order and a page.  Each predicate is
 * kept as it was given (the column, the operator's static text, how many
 * values): that record, not the SQL, is the query's shape, which the
 * statement cache looks up by a key made from those records.  The
 * SQL text -- identifiers the generator quoted and `?` placeholders only
 * (values are always bound) -- is written only the first time a shape is
 * seen, so the same shape of query again costs neither a prepare nor any
 * text.  Iteration holds one row at a time: the generated code reads the
 * current row of the statement into its struct.  On PostgreSQL a run
 * streams (single-row mode) unless its caller reads all of it or one row
 * (mc_query_restart with MC_STEP_WHOLE, first, count): then the whole
 * result comes at once.
 *
 * The common loop -- make a query, filter it, take its first row or all
 * of them, free it -- runs on the connection's spare query (the last one
 * freed), which remembers the shape it last ran and the statement chain
 * that shape found (its "memo").  Each predicate added is compared with
 * the one the memo has at its place as it is written, so when the new
 * query turns out to have the same shape, it finds its statement without
 * a key, a hash or a lookup.  Anything else goes through the statement
 * cache's shape lookup and becomes the memo.
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* The builder's hot calls stay small leaves: their rare paths (growth,
 * errors, freeing what was allocated) are calls of their own. */
#if defined(__GNUC__)
#define Q_COLD __attribute__((noinline, cold))
#define Q_INLINE __attribute__((always_inline)) inline
#else
#define Q_COLD
#define Q_INLINE inline
#endif

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
 * and move to the heap only when they outgrow it.  A query kept as the
 * connection's spare is "clean": every array back in the struct, nothing
 * owned (`heap` 0), no statement, so that mc_query_new sets only what a
 * query changes. */
struct mc_query {
    mc_db *db;
    const mc_table_meta *meta;
    mc_stmt *stmt;      /* during an iteration */
    /* What mc_query_new resets, side by side (a few wide stores). */
    size_t npreds, norders, nvals, wlen;
    int64_t limit, offset;  /* -1: none */
    int status;         /* first failure while building (MC_NOMEM) */
    int first;          /* during mc_query_first: LIMIT 1 written into the SQL */
    int where_ok;       /* where holds the text of preds (write_where) */
    int heap;           /* something to free: a value copy, an array or
                         * text moved to the heap, lent values (mc_query_free) */
    unsigned step_flags;    /* MC_STEP_* for the next run (mc_query_restart,
                             * mc_query_first), given to its statement on PostgreSQL */
    qpred *preds;
    size_t pcap;
    qorder *orders;
    size_t ocap;
    qvalue *vals;
    size_t vcap;
    char *where;        /* "a = ? AND ..." without the WHERE, written from */
    size_t wcap;        /* preds when asked for (where_ok) */
    /* The memo: the shape the query last ran (its meta, its first memo_np
     * records and memo_no orders, still in preds_inl and orders_inl, and
     * its paging flags) and the head slot of that shape's statements. */
    const mc_table_meta *memo_meta;
    size_t memo_np, memo_no;
    int memo_flags;
    int memo_head;      /* -1: no memo */
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
        if (buf == &q->where)
            q->heap = 1;
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
        q->heap = 1;
    }
    return *items;
}

/* A new value at the end of q's, V_NULL with nothing owned. */
/* One step of a shape key: the same steps in the same order give the
 * same key (and the same records, which the cache compares as well). */
static uint64_t key_step(uint64_t key, uint64_t v)
{
    return (key ^ v) * 0x100000001b3u + 0x9e3779b97f4a7c15u;
}

/* A record written over the memo's at its place with another: the struct
 * no longer holds the memo's shape, which is forgotten (the query goes
 * through the lookup).  A record past the memo's count needs nothing: the
 * counts then differ when the query runs. */
static void memo_forget(mc_query *q)
{
    q->memo_head = -1;
    q->memo_np = q->memo_no = 0;
}

static qvalue *add_value(mc_query *q)
{
    if (q->nvals == q->vcap &&
        !grow(q, (void **)&q->vals, q->nvals, &q->vcap, q->vals_inl, sizeof *q->vals))
        return NULL;
    qvalue *v = &q->vals[q->nvals++];
    v->kind = V_NULL;
    v->p = NULL;
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
        q->heap = 1;
    }
    q->kept[q->nkept++] = p;
    return MC_OK;
}

/* Puts q's arrays back in the struct with nothing owned: a new query,
 * or one leaving its last use (the memo stays valid only when its
 * records were in the struct). */
static void make_clean(mc_query *q)
{
    q->preds = q->preds_inl;
    q->pcap = sizeof q->preds_inl / sizeof q->preds_inl[0];
    q->orders = q->orders_inl;
    q->ocap = sizeof q->orders_inl / sizeof q->orders_inl[0];
    q->vals = q->vals_inl;
    q->vcap = sizeof q->vals_inl / sizeof q->vals_inl[0];
    q->where = q->where_inl;
    q->wcap = sizeof q->where_inl;
    q->kept = NULL;
    q->nkept = q->ckept = 0;
    q->stmt = NULL;
    q->heap = 0;
}

/* Sets what a query changes, for a new query or the spare. */
static Q_INLINE void reset(mc_query *q, const mc_table_meta *meta)
{
    q->meta = meta;
    q->npreds = q->norders = q->nvals = q->wlen = 0;
    q->limit = q->offset = -1;
    q->status = MC_OK;
    q->first = 0;
    q->step_flags = 0;
    q->where_ok = 1;
    q->where_inl[0] = '\0';
}

/* mc_query_new without a spare: a new struct, clean, without a memo. */
static Q_COLD mc_query *query_alloc(mc_db *db, const mc_table_meta *meta)
{
    mc_query *q = malloc(sizeof *q);
    if (!q) {
        mc_set_error(db, MC_NOMEM, "%s: out of memory for a query", meta->name);
        return NULL;
    }
    q->preds = q->preds_inl;
    q->orders = q->orders_inl;
    make_clean(q);
    q->memo_head = -1;
    q->memo_meta = NULL;
    q->memo_np = q->memo_no = 0;
    q->memo_flags = 0;
    q->db = db;
    if (db)
        db->live_queries++;
    reset(q, meta);
    return q;
}

/* The connection's spare query (the last one freed, clean, with its
 * memo) when it has one, else a new one.  Only what a query changes is
 * set: the inline arrays are written before they are read (zeroing them
 * would cost more than the query). */
mc_query *mc_query_new(mc_db *db, const mc_table_meta *meta)
{
    mc_query *q;
    if (!db || !(q = db->spare))
        return query_alloc(db, meta);
    db->spare = NULL;
    db->live_queries++;
    reset(q, meta);
    return q;
}

/* What a query owns besides itself: its statement, lent values, value
 * copies and arrays on the heap.  q is clean afterwards. */
static void free_owned(mc_query *q, int closed)
{
    if (q->stmt && !closed)
        mc_stmt_release(q->db, q->stmt);
    if (q->kept) {
        drop_kept(q);
        free(q->kept);
    }
    for (size_t i = 0; q->heap && i < q->nvals; i++)
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
    make_clean(q);
}

/* mc_query_free of a query that owns something, has no connection, or
 * cannot be the spare. */
static Q_COLD void free_slow(mc_query *q)
{
    mc_db *db = q->db;
    int closed = db && db->closed;    /* its statement went with the connection */
    free_owned(q, closed);
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

void mc_query_free(mc_query *q)
{
    mc_db *db;
    if (!q)
        return;
    db = q->db;
    if (q->stmt || q->heap || !db || db->closed || db->spare) {
        free_slow(q);
        return;
    }
    db->live_queries--;
    db->spare = q;          /* clean: for the connection's next query */
}

void mci_query_spare_free(mc_db *db)
{
    free(db->spare);
    db->spare = NULL;
}

mc_db *mc_query_db(const mc_query *q) { return q ? q->db : NULL; }

static const char *op_sql(mc_cmp op)
{
    static const char *const texts[] = {" = ?", " != ?", " < ?", " <= ?", " > ?", " >= ?", " LIKE ?"};
    return (unsigned)op < sizeof texts / sizeof texts[0] ? texts[op] : " = ?";
}

/* Records a predicate (col < 0: text is the whole predicate), noting
 * whether it is the memo's at its place.  There is room (q->npreds <
 * q->pcap). */
static Q_INLINE void put_pred(mc_query *q, ptrdiff_t col, const char *text, size_t in)
{
    size_t i = q->npreds;
    qpred *p = &q->preds[i];
    if (i < q->memo_np && (p->text != text || p->col != col || p->in != in))
        memo_forget(q);
    p->text = text;
    p->col = col;
    p->in = in;
    q->npreds = i + 1;
    q->where_ok = 0;
}

/* Room for one more predicate and nvalues more values; 0 (q->status set)
 * when out of memory. */
static Q_COLD int make_room(mc_query *q, size_t nvalues)
{
    if (q->npreds == q->pcap &&
        !grow(q, (void **)&q->preds, q->npreds, &q->pcap, q->preds_inl, sizeof *q->preds))
        return 0;
    /* grow() doubles a full array: fill it to capacity first, in count */
    while (q->vcap - q->nvals < nvalues) {
        size_t n = q->nvals;
        q->nvals = q->vcap;
        int ok = grow(q, (void **)&q->vals, q->nvals, &q->vcap, q->vals_inl, sizeof *q->vals) != NULL;
        q->nvals = n;
        if (!ok)
            return 0;
    }
    return 1;
}

static Q_COLD void no_column(mc_query *q, int col)
{
    q->status = mc_set_error(q->db, MC_MISUSE, "%s: no column %d", q->meta->name, col);
}

/* Can q take a predicate (col >= 0: on that column; -1: the generator's
 * whole predicate) with nvalues values?  Makes the room. */
static Q_INLINE int pred_ok(mc_query *q, int col, size_t nvalues)
{
    if (!q || q->status)
        return 0;
    if (col >= 0 && (size_t)col >= q->meta->ncolumns) {
        no_column(q, col);
        return 0;
    }
    return (q->npreds < q->pcap && q->vcap - q->nvals >= nvalues) || make_room(q, nvalues);
}

/* "<column><tail>" ANDed to the predicates with one value to come: the
 * value's slot (V_NULL), or NULL when the predicate was not added. */
static Q_INLINE qvalue *pred_value(mc_query *q, int col, const char *tail)
{
    if (!pred_ok(q, col, 1))
        return NULL;
    put_pred(q, col, tail, 0);
    qvalue *x = &q->vals[q->nvals++];
    x->p = NULL;
    return x;
}

/* "<column><tail>" ANDed to the predicates; in > 0 for an IN list, whose
 * in values the caller adds (add_value, room made here). */
static int add_pred(mc_query *q, int col, const char *tail, size_t in)
{
    if (col < 0) {
        if (q && !q->status)
            no_column(q, col);
        return 0;
    }
    if (!pred_ok(q, col, in))
        return 0;
    put_pred(q, col, tail, in);
    return 1;
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
    qvalue *x = pred_value(q, col, op_sql(op));
    if (x) {
        x->kind = V_INT;
        x->i = v;
    }
}

void mc_query_where_double(mc_query *q, int col, mc_cmp op, double v)
{
    qvalue *x = pred_value(q, col, op_sql(op));
    if (x) {
        x->kind = V_DOUBLE;
        x->d = v;
    }
}

/* A value's bytes that do not fit in the struct: a copy on the heap. */
static Q_COLD int copy_long(mc_query *q, qvalue *x, const void *p, size_t n)
{
    if (!(x->p = malloc(n + 1))) {
        q->status = MC_NOMEM;
        return 0;
    }
    q->heap = 1;
    memcpy(x->p, p, n);
    x->p[n] = '\0';
    x->n = n;
    return 1;
}

/* x = a copy of the n bytes at p, NUL-terminated; 0 when out of memory. */
static Q_INLINE int copy_bytes(mc_query *q, qvalue *x, const void *p, size_t n)
{
    if (n >= sizeof x->inl)
        return copy_long(q, x, p, n);
    memcpy(x->inl, p, n);
    x->inl[n] = '\0';
    x->n = n;
    return 1;
}

void mc_query_where_text(mc_query *q, int col, mc_cmp op, const char *v)
{
    if (!v) {
        mc_query_where_null(q, col, op != MC_NE);
        return;
    }
    qvalue *x = pred_value(q, col, op_sql(op));
    if (x && copy_bytes(q, x, v, strlen(v)))
        x->kind = V_TEXT;
}

void mc_query_where_blob(mc_query *q, int col, mc_cmp op, const void *v, size_t n)
{
    if (!v) {
        mc_query_where_null(q, col, op != MC_NE);
        return;
    }
    qvalue *x = pred_value(q, col, op_sql(op));
    if (x && copy_bytes(q, x, v, n))
        x->kind = V_BLOB;
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
    if (!pred_ok(q, -1, 1))
        return;
    put_pred(q, -1, sql, 0);
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
    size_t i = q->norders;
    if (i == q->ocap &&
        !grow(q, (void **)&q->orders, q->norders, &q->ocap, q->orders_inl, sizeof *q->orders))
        return;
    qorder *o = &q->orders[i];
    if (i < q->memo_no && (o->col != col || o->desc != (desc != 0)))
        memo_forget(q);
    o->col = col;
    o->desc = desc != 0;
    q->norders = i + 1;
}

void mc_query_limit(mc_query *q, int64_t n)
{
    if (q)
        q->limit = n < 0 ? -1 : n;
}

void mc_query_offset(mc_query *q, int64_t n)
{
    if (q)
        q->offset = n < 0 ? -1 : n;
}

/* Shape flags: what besides WHERE and ORDER BY decides the SQL text. */
enum { SHAPE_PAGED = 1, SHAPE_WINDOW = 2, SHAPE_FIRST = 4, SHAPE_FIRST_OFFSET = 8 };

/* Does the paged SQL end in "LIMIT ? OFFSET ?" (bound from the query)? */
static int windowed(const mc_query *q)
{
    return !q->first && (q->limit >= 0 || q->offset >= 0);
}

static Q_INLINE int shape_flags(const mc_query *q, int paged)
{
    if (!paged)
        return 0;
    if (q->first)
        return SHAPE_PAGED | SHAPE_FIRST | (q->offset >= 0 ? SHAPE_FIRST_OFFSET : 0);
    return SHAPE_PAGED | (q->limit >= 0 || q->offset >= 0 ? SHAPE_WINDOW : 0);
}

/* The shape of q's SQL with `what` (static text) as the result columns:
 * the statement cache finds a statement by it without building the text.
 * Its key is made from the records here, on the path that looks it up
 * (the memo's path needs none). */
static mci_shape shape_of(const mc_query *q, const char *what, int paged)
{
    mci_shape k;
    uint64_t key = 0;
    for (size_t i = 0; i < q->npreds; i++)
        key = key_step(key, (uint64_t)(uintptr_t)q->preds[i].text ^ ((uint64_t)q->preds[i].col << 40) ^
                                ((uint64_t)q->preds[i].in << 20));
    for (size_t i = 0; paged && i < q->norders; i++)
        key = key_step(key, ((uint64_t)q->orders[i].col << 1) | (uint64_t)q->orders[i].desc);
    k.meta = q->meta;
    k.what = what;
    k.where = q->preds;
    k.wlen = q->npreds * sizeof *q->preds;
    k.order = q->orders;
    k.olen = paged ? q->norders * sizeof *q->orders : 0;
    k.flags = shape_flags(q, paged);
    k.key = key;
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

/* Binds the query's window when paged (after its n values).  An offset
 * without a limit is "LIMIT -1" on SQLite and "LIMIT NULL" (no limit) on
 * PostgreSQL, which refuses a negative one. */
static int bind_window(mc_query *q, mc_stmt *st, int i)
{
    int rc = MC_RC_OK;
    if (windowed(q)) {
        rc = q->limit < 0 && !st->lite ? mc_stmt_bind_null(st, i) : mc_stmt_bind_int64(st, i, q->limit);
        if (rc == MC_RC_OK)
            rc = mc_stmt_bind_int64(st, i + 1, q->offset < 0 ? 0 : q->offset);
    } else if (q->first && q->offset >= 0) {
        rc = mc_stmt_bind_int64(st, i, q->offset);
    }
    return rc;
}

/* Binds the query's values from ?1: MC_RC_OK or the engine's code. */
static Q_INLINE int bind_values(const mc_query *q, mc_stmt *st)
{
    int rc = MC_RC_OK;
    for (size_t k = 0; k < q->nvals; k++) {
        const qvalue *v = &q->vals[k];
        int i = (int)k + 1;
        if (v->kind == V_TEXT) {    /* the common filter first: no jump table */
            if ((rc = mc_stmt_bind_text_n(st, i, qv_bytes(v), (int)v->n)) != MC_RC_OK)
                break;
            continue;
        }
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
        if (rc != MC_RC_OK)
            break;
    }
    return rc;
}

/* Binds the query's values from ?1, then its window when paged. */
static int bind_all(mc_query *q, mc_stmt *st, int paged)
{
    int rc = bind_values(q, st);
    if (rc == MC_RC_OK && paged && (q->first ? q->offset >= 0 : (q->limit >= 0 || q->offset >= 0)))
        rc = bind_window(q, st, (int)q->nvals + 1);
    return rc == MC_RC_OK ? MC_OK : mc_status_from_rc(q->db, rc, q->meta->name);
}

/* Makes q's current shape its memo, with head the head slot of its
 * statements; only records in the struct can be a memo (the heap arrays
 * go with the query). */
static void memo_set(mc_query *q, int flags, int head)
{
    if (head < 0 || q->preds != q->preds_inl || q->orders != q->orders_inl) {
        memo_forget(q);
        return;
    }
    q->memo_meta = q->meta;
    q->memo_np = q->npreds;
    q->memo_no = q->norders;
    q->memo_flags = flags;
    q->memo_head = head;
}

/* The statement of q's shape, checked out, through the cache's lookup
 * (the SQL text written only for a shape not seen before); it becomes
 * q's memo.  NULL with the error set. */
static Q_COLD mc_stmt *lookup(mc_query *q, int flags)
{
    int head;
    mci_shape k = shape_of(q, q->meta->select_list, 1);
    mc_stmt *st = mci_prepare_shape(q->db, &k, &head);
    if (!st) {
        char *sql = build(q, q->meta->select_list, 1);
        if (!sql) {
            mc_set_error(q->db, MC_NOMEM, "%s: out of memory building a query", q->meta->name);
            return NULL;
        }
        st = mci_prepare_shape_text(q->db, &k, sql, &head);
        free(sql);
        if (!st)
            return NULL;
    }
    memo_set(q, flags, head);
    return st;
}

/* The memo's statement when q has the memo's shape and the head of its
 * chain is free (the common case: taken as mci_checkout_head would);
 * else NULL. */
static Q_INLINE mc_stmt *memo_stmt(mc_query *q, int flags)
{
    mci_cache *c = &q->db->cache;
    size_t head = (size_t)q->memo_head;     /* -1: past every slot */
    if (head >= c->n || q->npreds != q->memo_np || q->norders != q->memo_no ||
        flags != q->memo_flags || q->meta != q->memo_meta)
        return NULL;
    mci_slot *slot = &c->slots[head];
    if (slot->out)
        return NULL;
    slot->out = 1;
    c->last_out = slot->h;
    c->last_slot = (int)head;
    return &slot->h->pub;
}

/* Checks out the statement of q's shape (flags: shape_flags(q, 1)) and
 * binds q's values to it. */
static Q_INLINE int start(mc_query *q, int flags)
{
    mc_stmt *st = memo_stmt(q, flags);
    if (!st && !(st = lookup(q, flags)))
        return mc_errcode(q->db);
    int rc = bind_values(q, st);
    if (rc == MC_RC_OK && (flags & (SHAPE_WINDOW | SHAPE_FIRST_OFFSET)))
        rc = bind_window(q, st, (int)q->nvals + 1);
    if (rc != MC_RC_OK) {
        rc = mc_status_from_rc(q->db, rc, q->meta->name);
        mc_stmt_release(q->db, st);
        return rc;
    }
    q->stmt = st;
    if (!st->lite && q->step_flags) {   /* SQLite has nothing to be told */
        mci_pg_fetch_next(st, q->step_flags);
        q->step_flags = 0;
    }
    return MC_OK;
}

/* mc_query_step when the query cannot run: what went wrong building it. */
static Q_COLD int built_badly(mc_query *q)
{
    return q->status == MC_NOMEM
               ? mc_set_error(q->db, MC_NOMEM, "%s: out of memory building a query", q->meta->name)
               : q->status;
}

/* After the last row or a failure (rc): the statement goes back. */
static int step_end(mc_query *q, int rc)
{
    mci_stmt_give_back((mci_stmt *)q->stmt);
    q->stmt = NULL;
    if (rc == MC_RC_DONE)
        return MC_DONE;
    return mc_status_from_rc(q->db, rc, q->meta->name);
}

/* mc_query_step's body, for it and mc_query_first. */
static Q_INLINE int step(mc_query *q, mc_stmt **row)
{
    if (q->nkept)
        drop_kept(q);
    if (q->status)
        return built_badly(q);
    if (!q->stmt) {
        int rc = start(q, shape_flags(q, 1));
        if (rc)
            return rc;
    }
    int rc = mc_stmt_step(q->stmt);
    if (rc == MC_RC_ROW) {
        *row = q->stmt;
        return MC_OK;
    }
    return step_end(q, rc);
}

int mc_query_step(mc_query *q, mc_stmt **row)
{
    *row = NULL;
    if (!q)
        return MC_MISUSE;
    return step(q, row);
}

int mc_query_first(mc_query *q, mc_stmt **row)
{
    *row = NULL;
    if (!q)
        return MC_MISUSE;
    if (q->stmt || q->nkept)
        mc_query_rewind(q);
    if (q->limit == 0)
        return step(q, row);  /* LIMIT 0: no row */
    if (q->status)
        return built_badly(q);
    /* "LIMIT 1" in the SQL: SQLite stops at the first row (or keeps a
     * top-1 sort); the query's own limit stays for later runs. */
    q->first = 1;
    q->step_flags = MC_STEP_WHOLE;  /* one row: no streaming */
    int rc = start(q, SHAPE_PAGED | SHAPE_FIRST | (q->offset >= 0 ? SHAPE_FIRST_OFFSET : 0));
    if (rc == MC_OK) {
        rc = mc_stmt_step(q->stmt);
        if (rc == MC_RC_ROW) {
            *row = q->stmt;
            rc = MC_OK;
        } else {
            rc = step_end(q, rc);
        }
    }
    q->first = 0;
    q->step_flags = 0;
    return rc;
}

void mc_query_rewind(mc_query *q)
{
    if (!q)
        return;
    if (q->nkept)
        drop_kept(q);
    if (q->stmt) {
        mci_stmt_give_back((mci_stmt *)q->stmt);
        q->stmt = NULL;
    }
    q->step_flags = 0;
}

void mc_query_restart(mc_query *q, unsigned flags)
{
    if (!q)
        return;
    mc_query_rewind(q);
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
