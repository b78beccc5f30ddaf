/*
 * stmt.c -- the out-of-line mc_stmt calls (modelc.h, "statements on
 * either database"): copies of text, blob and decimal columns, and what
 * the connection knows after a write (changes, last id).
 *
 * On SQLite each one is the sqlite3_stmt function of values.c; on
 * PostgreSQL the driver's text of the cell is converted here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

/* mc_stmt_column_text is in values.c, next to mc_column_text. */

char *mc_stmt_column_strdup(mc_stmt *st, int col)
{
    char *out = NULL;

    if (st)
        mc_stmt_column_text(NULL, st, col, &out);
    return out;
}

int mc_stmt_column_blob(mc_db *db, mc_stmt *st, int col, mc_blob *out)
{
    char *bytes;
    size_t len;
    int is_null;

    out->data = NULL;
    out->len = 0;
    if (!st)
        return mc_set_error(db, MC_MISUSE, "mc_column_blob: statement is NULL");
    if (st->lite)
        return mc_column_blob(db, st->lite, col, out);
    if (mci_pg_column_bytes(st, col, &bytes, &len, &is_null) != MC_OK)
        return mc_set_error(db, MC_NOMEM, "out of memory copying column %d", col);
    out->data = bytes;      /* non-NULL for an empty value: NULL and empty stay distinct */
    out->len = len;
    return MC_OK;
}

/* PostgreSQL's NUMERIC(p, s) text already has the column's scale
 * ("8.50"); an integer or float result gets it as on SQLite. */
int mc_stmt_column_numeric(mc_db *db, mc_stmt *st, int col, int scale, char **out)
{
    int rc;

    if (!st) {
        *out = NULL;
        return mc_set_error(db, MC_MISUSE, "mc_column_numeric: statement is NULL");
    }
    if (st->lite)
        return mc_column_numeric(db, st->lite, col, scale, out);
    rc = mc_stmt_column_text(db, st, col, out);
    if (rc == MC_OK && *out && scale > 0 && !strpbrk(*out, ".eEaN")) {
        size_t n = strlen(*out);
        char *p = realloc(*out, n + (size_t)scale + 2);
        if (!p)
            return mc_set_error(db, MC_NOMEM, "out of memory reading a NUMERIC column");
        p[n] = '.';
        memset(p + n + 1, '0', (size_t)scale);
        p[n + 1 + scale] = '\0';
        *out = p;
    }
    return rc;
}

/* SQLite first, without the driver table: these follow every generated
 * write. */
int64_t mc_changes(mc_db *db)
{
    if (db && db->handle)
        return (int64_t)sqlite3_changes64(db->handle);
    return db && db->pg ? db->driver->changes(db) : 0;
}

int64_t mc_last_insert_id(mc_db *db)
{
    if (db && db->handle)
        return (int64_t)sqlite3_last_insert_rowid(db->handle);
    return db && db->pg ? db->driver->last_id(db) : 0;
}
