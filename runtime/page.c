/*
 * page.c -- Flask-SQLAlchemy's paginate() under every generated
 * X_query_page: the total, the page's window, and the numbers a template
 * shows (pages, has_prev, has_next).
 *
 * The rows themselves are read by the generated code (X_query_all on the
 * windowed query), so that they go through the same row reader as every
 * other function.  Total and rows are read inside one transaction, so that
 * a writer in between cannot make them disagree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The number of rows q matches with its order, limit and offset ignored. */
static int count_all(mc_query *q, int64_t *out)
{
    mc_db *db = mc_query_db(q);
    const mc_table_meta *m = mci_query_meta(q);
    char *sql = mci_query_sql(q, "count(*)", 0);
    if (!sql)
        return mc_set_error(db, MC_NOMEM, "%s: out of memory building a query", m->name);
    int rc = mci_query_int(q, sql, 0, out);
    free(sql);
    return rc;
}

/* Refuses what Flask-SQLAlchemy 3 answers with 404. */
static int check_args(mc_query *q, int64_t page, int64_t per_page)
{
    mc_db *db = mc_query_db(q);
    const char *name = mci_query_meta(q)->name;
    if (page < 1)
        return mc_set_error(db, MC_INVALID, "%s: page %lld: pages count from 1", name, (long long)page);
    if (per_page < 1)
        return mc_set_error(db, MC_INVALID, "%s: per_page %lld: a page holds at least 1 row", name,
                            (long long)per_page);
    return MC_OK;
}

/* The page numbers of Flask-SQLAlchemy's Pagination, from the total. */
static void number_pages(mc_page_info *info)
{
    int64_t total = info->total, per = info->per_page, page = info->page;
    info->pages = total == 0 ? 0 : (total - 1) / per + 1;
    info->has_prev = page > 1;
    info->has_next = page < info->pages;
    /* then (page - 1) * per_page < total: the offset fits */
    info->has_rows = page <= info->pages;
}

int mc_query_page_begin(mc_query *q, int64_t page, int64_t per_page, mc_page_info *info)
{
    memset(info, 0, sizeof *info);
    info->saved_limit = info->saved_offset = -1;
    if (!q)
        return MC_MISUSE;
    int rc = mci_query_status(q);
    if (rc == MC_OK)
        rc = check_args(q, page, per_page);
    if (rc != MC_OK)
        return rc;
    mci_query_window(q, &info->saved_limit, &info->saved_offset);
    mc_query_rewind(q);
    if ((rc = mc_begin(mc_query_db(q))) != MC_OK)
        return rc;
    info->in_txn = 1;
    info->page = page;
    info->per_page = per_page;
    if ((rc = count_all(q, &info->total)) != MC_OK)
        return rc;
    number_pages(info);
    if (info->has_rows) {
        mc_query_limit(q, per_page);
        mc_query_offset(q, (page - 1) * per_page);
    }
    return MC_OK;
}

int mc_query_page_end(mc_query *q, mc_page_info *info, int rc)
{
    if (!q)
        return rc;
    mc_query_rewind(q);
    mc_query_limit(q, info->saved_limit);
    mc_query_offset(q, info->saved_offset);
    if (!info->in_txn)
        return rc;
    info->in_txn = 0;
    mc_db *db = mc_query_db(q);
    if (rc != MC_OK) {
        mc_rollback(db);
        return rc;
    }
    return mc_commit(db);
}
