/*
 * model_lists.c -- a model's rows from a query by its descriptor
 * (generate --compact): X_query_next, X_query_next_borrowed,
 * X_query_first, X_query_all, X_all, X_query_page, and X_<rel>_list of a
 * relationship over integer keys.
 *
 * The same steps as the default mode's bodies (c_crud.c, c_stream.c,
 * c_pages.c) over mc_query (query.c), rows read by model_read.c; a list
 * grows with mc_list_grow (eager.c), as the default mode's lists do, and
 * the caller's typed X_list takes the array and count these return.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

int mc_model_query_next(mc_query *q, const mc_model *m, void *row)
{
    mc_stmt *st;
    mc_model_clear(m, row);
    int rc = mc_query_step(q, &st);
    if (rc != MC_OK)
        return rc;
    rc = mc_model_read(mc_query_db(q), m, st, 0, row);
    if (rc != MC_OK) {
        mc_query_rewind(q);
        mc_model_clear(m, row);
    }
    return rc;
}

int mc_model_query_next_lent(mc_query *q, const mc_model *m, void *row)
{
    mc_stmt *st;
    int rc = mc_query_step(q, &st);
    if (rc == MC_OK && (rc = mc_model_read_lent(q, m, st, 0, row)) != MC_OK)
        mc_query_rewind(q);
    if (rc != MC_OK)
        memset(row, 0, m->size);
    return rc;
}

int mc_model_query_first(mc_query *q, const mc_model *m, void *out)
{
    mc_db *db = mc_query_db(q);
    mci_put_ptr(out, NULL);
    void *row = calloc(1, m->size);
    if (!row)
        return mc_set_error(db, MC_NOMEM, "%s: out of memory", m->table);
    mc_stmt *st;
    int rc = mc_query_first(q, &st);
    if (rc == MC_OK)
        rc = mc_model_read(db, m, st, 0, row);
    mc_query_rewind(q);
    if (rc != MC_OK) {
        mc_model_clear(m, row);
        free(row);
        return rc == MC_DONE ? mc_set_error(db, MC_NOTFOUND, "%s: no row matches the query", m->table) : rc;
    }
    mci_put_ptr(out, row);
    return MC_OK;
}

/* X_query_all into *items, *count: every row of q (empty on failure). */
static int query_all(mc_query *q, const mc_model *m, void **items, size_t *count)
{
    mc_db *db = mc_query_db(q);
    *items = NULL;
    *count = 0;
    mc_query_restart(q, MC_STEP_WHOLE);     /* every row: no streaming */
    for (int rc;; ++*count) {
        void *grown = mc_list_grow(db, *items, *count, m->size);
        if (grown)
            *items = grown;
        rc = grown ? mc_model_query_next(q, m, (char *)*items + *count * m->size) : MC_NOMEM;
        if (rc == MC_DONE)
            return MC_OK;
        if (rc != MC_OK) {
            mc_query_rewind(q);
            mc_model_free_items(m, *items, *count);
            *items = NULL;
            *count = 0;
            return rc;
        }
    }
}

int mc_model_query_all(mc_query *q, const mc_model *m, void *list)
{
    void *items;
    size_t count;
    int rc = query_all(q, m, &items, &count);
    mci_put_list(list, items, count);
    return rc;
}

int mc_model_all(mc_db *db, const mc_model *m, void *list)
{
    mci_put_list(list, NULL, 0);
    mc_query *q = mc_query_new(db, m->meta);
    if (!q)
        return mc_errcode(db);
    int rc = mc_model_query_all(q, m, list);
    mc_query_free(q);
    return rc;
}

int mc_model_list_by(mc_db *db, const mc_model *m, const char *sql, int64_t key, void *list)
{
    void *items = NULL;
    size_t count = 0;
    mci_put_list(list, NULL, 0);
    mc_stmt *st = mc_stmt_prepare(db, sql);
    if (!st)
        return mc_errcode(db);
    int b = mc_stmt_bind_int64(st, 1, key);
    int s = b == MC_RC_OK ? mc_stmt_step_flags(st, MC_STEP_WHOLE) : b, rc = MC_OK;
    for (; s == MC_RC_ROW; s = mc_stmt_step(st), count++) {
        void *grown = mc_list_grow(db, items, count, m->size);
        if (!grown) {
            rc = MC_NOMEM;
            break;
        }
        items = grown;
        if ((rc = mc_model_read(db, m, st, 0, (char *)items + count * m->size)) != MC_OK) {
            mc_model_clear(m, (char *)items + count * m->size);
            break;
        }
    }
    if (rc == MC_OK && s != MC_RC_DONE)
        rc = mc_status_from_rc(db, s, m->table);
    mc_stmt_release(db, st);
    if (rc != MC_OK) {
        mc_model_free_items(m, items, count);
        items = NULL;
        count = 0;
    }
    mci_put_list(list, items, count);
    return rc;
}

int mc_model_query_page(mc_query *q, const mc_model *m, int64_t page, int64_t per_page, void *out)
{
    mc_page_info info;
    mc_model_page p;
    memset(&p, 0, sizeof p);
    memcpy(out, &p, sizeof p);
    int rc = mc_query_page_begin(q, page, per_page, &info);
    if (rc == MC_OK && info.has_rows)
        rc = query_all(q, m, &p.items, &p.count);
    rc = mc_query_page_end(q, &info, rc);
    if (rc != MC_OK) {
        mc_model_free_items(m, p.items, p.count);
        return rc;
    }
    p.total = info.total;
    p.page = info.page;
    p.per_page = info.per_page;
    p.pages = info.pages;
    p.has_prev = info.has_prev != 0;
    p.has_next = info.has_next != 0;
    memcpy(out, &p, sizeof p);
    return MC_OK;
}
