/*
 * query.c -- the query builder under every generated `X_query`.
 *
 * A query collects predicates, an order and a page; its SQL text is built
 * once, from identifiers the generator quoted and `?` placeholders only
 * (values are always bound), and prepared through the statement cache, so
 * running the same shape of query again costs no new prepare.  Iteration
 * holds one row at a time: the generated code reads the current row of the
 * statement into its struct.
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

/* A query of a few predicates (the common case) allocates nothing but
 * itself: the WHERE and ORDER BY texts and the values start in the
 * struct and move to the heap only when they outgrow it. */
struct mc_query {
    mc_db *db;
    const mc_table_meta *meta;
    char *where;        /* "a = ? AND ..." without the WHERE */
    size_t wlen, wcap;
    char *order;
    size_t olen, ocap;
    qvalue *vals;
    size_t nvals, vcap;
    int64_t limit, offset;  /* -1: none */
    int first;          /* during mc_query_first: LIMIT 1 written into the SQL */
    int status;         /* first failure while building (MC_NOMEM) */
    char *sql;          /* built on first use, rebuilt when the query changes */
    mc_stmt *stmt;      /* during an iteration */
    char where_inl[96], order_inl[48];
    qvalue vals_inl[4];
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
    char *inl = buf == &q->where ? q->where_inl : buf == &q->order ? q->order_inl : NULL;
    return add_text_in(q, buf, len, cap, inl, s);
}

static qvalue *add_value(mc_query *q)
{
    if (q->nvals == q->vcap) {
        size_t ncap = q->vcap * 2;
        qvalue *p = q->vals == q->vals_inl ? malloc(ncap * sizeof *p) : realloc(q->vals, ncap * sizeof *p);
        if (!p) {
            q->status = MC_NOMEM;
            return NULL;
        }
        if (q->vals == q->vals_inl)
            memcpy(p, q->vals_inl, q->nvals * sizeof *p);
        q->vals = p;
        q->vcap = ncap;
    }
    qvalue *v = &q->vals[q->nvals++];
    memset(v, 0, sizeof *v);
    return v;
}

static void changed(mc_query *q)
{
    free(q->sql);
    q->sql = NULL;
}

mc_query *mc_query_new(mc_db *db, const mc_table_meta *meta)
{
    mc_query *q = calloc(1, sizeof *q);
    if (!q) {
        mc_set_error(db, MC_NOMEM, "%s: out of memory for a query", meta->name);
        return NULL;
    }
    q->db = db;
    q->meta = meta;
    q->limit = -1;
    q->offset = -1;
    q->where = q->where_inl;
    q->wcap = sizeof q->where_inl;
    q->order = q->order_inl;
    q->ocap = sizeof q->order_inl;
    q->vals = q->vals_inl;
    q->vcap = sizeof q->vals_inl / sizeof q->vals_inl[0];
    return q;
}

void mc_query_free(mc_query *q)
{
    if (!q)
        return;
    if (q->stmt)
        mc_stmt_release(q->db, q->stmt);
    for (size_t i = 0; i < q->nvals; i++)
        free(q->vals[i].p);
    if (q->vals != q->vals_inl)
        free(q->vals);
    if (q->where != q->where_inl)
        free(q->where);
    if (q->order != q->order_inl)
        free(q->order);
    free(q->sql);
    free(q);
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

/* Appends "[AND ]<column><tail>" to the WHERE clause. */
static int add_pred(mc_query *q, int col, const char *tail)
{
    if (!q || q->status)
        return 0;
    if (col < 0 || (size_t)col >= q->meta->ncolumns) {
        q->status = mc_set_error(q->db, MC_MISUSE, "%s: no column %d", q->meta->name, col);
        return 0;
    }
    changed(q);
    if (q->wlen && !add_text(q, &q->where, &q->wlen, &q->wcap, " AND "))
        return 0;
    return add_text(q, &q->where, &q->wlen, &q->wcap, q->meta->columns[col]) &&
           add_text(q, &q->where, &q->wlen, &q->wcap, tail);
}

void mc_query_where_int(mc_query *q, int col, mc_cmp op, int64_t v)
{
    if (add_pred(q, col, op_sql(op))) {
        qvalue *x = add_value(q);
        if (x) {
            x->kind = V_INT;
            x->i = v;
        }
    }
}

void mc_query_where_double(mc_query *q, int col, mc_cmp op, double v)
{
    if (add_pred(q, col, op_sql(op))) {
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
    if (add_pred(q, col, op_sql(op))) {
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
    if (add_pred(q, col, op_sql(op))) {
        qvalue *x = add_value(q);
        if (x && copy_bytes(q, x, v, n))
            x->kind = V_BLOB;
    }
}

void mc_query_where_null(mc_query *q, int col, int is_null)
{
    add_pred(q, col, is_null ? " IS NULL" : " IS NOT NULL");
}

/* " IN (?, ?, ?)"; an empty list matches nothing, as in SQLAlchemy. */
static int add_in(mc_query *q, int col, size_t n)
{
    if (n == 0)
        return add_pred(q, col, " IN (SELECT 1 WHERE 0)");
    if (!add_pred(q, col, " IN (?"))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!add_text(q, &q->where, &q->wlen, &q->wcap, ", ?"))
            return 0;
    return add_text(q, &q->where, &q->wlen, &q->wcap, ")");
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
    if (!q || q->status)
        return;
    changed(q);
    if ((q->wlen && !add_text(q, &q->where, &q->wlen, &q->wcap, " AND ")) ||
        !add_text(q, &q->where, &q->wlen, &q->wcap, sql))
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
    changed(q);
    if (q->olen && !add_text(q, &q->order, &q->olen, &q->ocap, ", "))
        return;
    if (add_text(q, &q->order, &q->olen, &q->ocap, q->meta->columns[col]))
        add_text(q, &q->order, &q->olen, &q->ocap, desc ? " DESC" : "");
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
    k.where = q->where ? q->where : "";
    k.wlen = q->wlen;
    k.order = paged && q->order ? q->order : "";
    k.olen = paged ? q->olen : 0;
    k.flags = !paged ? 0
            : SHAPE_PAGED | (windowed(q) ? SHAPE_WINDOW : 0) | (q->first ? SHAPE_FIRST : 0) |
                  (q->first && q->offset >= 0 ? SHAPE_FIRST_OFFSET : 0);
    return k;
}

/* The SQL of the query with `what` as the result columns. */
static char *build(mc_query *q, const char *what, int paged)
{
    char *s = NULL;
    size_t len = 0, cap = 0;
    int ok = add_text(q, &s, &len, &cap, "SELECT ") && add_text(q, &s, &len, &cap, what) &&
             add_text(q, &s, &len, &cap, " FROM ") && add_text(q, &s, &len, &cap, q->meta->table);
    if (ok && q->wlen)
        ok = add_text(q, &s, &len, &cap, " WHERE ") && add_text(q, &s, &len, &cap, q->where);
    if (ok && paged && q->olen)
        ok = add_text(q, &s, &len, &cap, " ORDER BY ") && add_text(q, &s, &len, &cap, q->order);
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
    mc_query_rewind(q);
    if (q->limit == 0)
        return mc_query_step(q, row);  /* LIMIT 0: no row */
    /* "LIMIT 1" in the SQL: SQLite stops at the first row (or keeps a
     * top-1 sort); the query's own limit stays for later runs. */
    q->first = 1;
    changed(q);
    int rc = mc_query_step(q, row);
    q->first = 0;
    changed(q);     /* the running statement keeps its own copy */
    return rc;
}


void mc_query_rewind(mc_query *q)
{
    if (q && q->stmt) {
        mc_stmt_release(q->db, q->stmt);
        q->stmt = NULL;
    }
}

/* One integer from the first row of sql run with q's values (count). */
int mci_query_int(mc_query *q, const char *sql, int paged, int64_t *out)
{
    mc_stmt *st = mc_stmt_prepare_text(q->db, sql);
    if (!st)
        return mc_errcode(q->db);
    int rc = bind_all(q, st, paged);
    if (rc == MC_OK) {
        int s = mc_stmt_step(st);
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

const char *mci_query_where(const mc_query *q) { return q->wlen ? q->where : ""; }

int mci_query_status(const mc_query *q) { return q->status; }

void mci_query_window(const mc_query *q, int64_t *limit, int64_t *offset)
{
    *limit = q->limit;
    *offset = q->offset;
}

char *mci_query_sql(mc_query *q, const char *what, int paged) { return build(q, what, paged); }

int mci_query_bind(mc_query *q, mc_stmt *st, int paged) { return bind_all(q, st, paged); }
