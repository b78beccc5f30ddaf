/*
 * lend.c -- column values lent from the current row, for streaming
 * without a copy (the generated X_query_next_borrowed).
 *
 * A lent value points into the row the statement is on: on SQLite the
 * memory sqlite3_column_text/_blob return, on PostgreSQL the PGresult of
 * the row (every execution streams in single-row mode, one result per
 * row).  It is valid until the statement is stepped, reset or released,
 * and belongs to the row: the caller never frees it.  For the query
 * builder that is "until the next call on the query" (next, first, all,
 * page, rewind, free).
 *
 * A value that is not in the row as the struct wants it is written once
 * and kept with the row, freed when the row goes, so the rule stays the
 * same: on PostgreSQL a bytea decoded from hex and a timestamp in
 * modelc's stored form (the statement keeps them, driver_pg.c); on either
 * engine a NUMERIC(p, s) that needs its scale written ("8.5" -> "8.50";
 * the query keeps it, query.c).
 */
#include <stdlib.h>
#include <string.h>

#include "driver.h"

static char empty_text[1];              /* "" for a non-NULL empty value */
static unsigned char empty_bytes[1];

/* SQLite: not SQL NULL but no pointer (out of memory converting, or an
 * empty blob read as text): MC_NOMEM, or MC_OK with *out = "". */
static int lite_no_pointer(mc_db *db, sqlite3_stmt *st, int col, char **out)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return MC_OK;
    if (sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM)
        return mc_set_error(db, MC_NOMEM, "out of memory reading column %d", col);
    *out = empty_text;
    return MC_OK;
}

int mc_stmt_column_text_lent(mc_db *db, mc_stmt *st, int col, char **out)
{
    const char *v;
    size_t n;

    *out = NULL;
    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_stmt_column_text_lent: statement is NULL");
    if (st->lite) {
        /* Text first: a non-NULL pointer is never SQL NULL (one call per column). */
        if ((*out = (char *)sqlite3_column_text(st->lite, col)) != NULL)
            return MC_OK;
        return lite_no_pointer(db, st->lite, col, out);
    }
    if (mci_pg_column_lent(st, col, &v, &n) != MC_OK)
        return mc_set_error(db, MC_NOMEM, "out of memory reading column %d", col);
    *out = (char *)v;
    return MC_OK;
}

int mc_stmt_column_blob_lent(mc_db *db, mc_stmt *st, int col, mc_blob *out)
{
    const char *v;
    size_t n;

    out->data = NULL;
    out->len = 0;
    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_stmt_column_blob_lent: statement is NULL");
    if (!st->lite) {
        if (mci_pg_column_lent(st, col, &v, &n) != MC_OK)
            return mc_set_error(db, MC_NOMEM, "out of memory reading column %d", col);
        out->data = (void *)v;  /* an empty bytea is a non-NULL pointer of len 0 */
        out->len = v ? n : 0;
        return MC_OK;
    }
    /* The bytes first: a pointer is never SQL NULL (as for text). */
    out->data = (void *)sqlite3_column_blob(st->lite, col);
    if (!out->data && sqlite3_column_type(st->lite, col) == SQLITE_NULL)
        return MC_OK;
    out->len = (size_t)sqlite3_column_bytes(st->lite, col);
    if (out->data)
        return MC_OK;
    if (out->len > 0) {     /* bytes, but no pointer to them */
        out->len = 0;
        return mc_set_error(db, MC_NOMEM, "out of memory reading column %d", col);
    }
    out->data = empty_bytes;    /* an empty value stays distinct from NULL */
    return MC_OK;
}

/* Does the NUMERIC text t (or, on SQLite, the stored value) need its
 * scale written?  SQLite keeps such a column as INTEGER or REAL whose
 * text drops the scale; PostgreSQL's NUMERIC(p, s) text has it, but an
 * integer result would not. */
static int needs_scale(mc_stmt *st, int col, const char *t, int scale)
{
    if (st->lite) {
        int type = sqlite3_column_type(st->lite, col);
        return type == SQLITE_INTEGER || type == SQLITE_FLOAT;
    }
    return t && scale > 0 && !strpbrk(t, ".eEaN");
}

int mc_query_numeric_lent(mc_query *q, mc_stmt *st, int col, int scale, char **out)
{
    mc_db *db = mc_query_db(q);
    int rc;

    *out = NULL;
    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_query_numeric_lent: statement is NULL");
    if (!st->lite && (rc = mc_stmt_column_text_lent(db, st, col, out)) != MC_OK)
        return rc;
    if (!needs_scale(st, col, *out, scale))
        return st->lite ? mc_stmt_column_text_lent(db, st, col, out) : MC_OK;
    if ((rc = mc_stmt_column_numeric(db, st, col, scale, out)) != MC_OK)
        return rc;
    if (mci_query_keep(q, *out) != MC_OK) {
        free(*out);
        *out = NULL;
        return mc_set_error(db, MC_NOMEM, "out of memory reading column %d", col);
    }
    return MC_OK;
}
