/*
 * pg_errors.c -- PostgreSQL's failures in modelc's terms: a SQLSTATE
 * becomes the SQLite result code that means the same (so mc_status and
 * mc_sqlite_errcode work alike on both databases), and the message is
 * written the way SQLite writes it where modelc's messages name a table
 * and a field.
 *
 * Decisions:
 *   - Class 23 (integrity) -> SQLITE_CONSTRAINT_* (MC_CONSTRAINT).
 *   - 40001 serialization failure, 40P01 deadlock, 55P03 lock not
 *     available -> SQLITE_BUSY (MC_BUSY: retry the transaction).
 *   - Class 22 (bad data: an enum value the type lacks, bad JSON, a
 *     string too long, a number out of range) -> SQLITE_MISMATCH
 *     (MC_INVALID), as modelc's own value checks answer.
 *   - 53200 out of memory -> SQLITE_NOMEM; 57014 canceled ->
 *     SQLITE_INTERRUPT; classes 08 (connection) and 58 (system) ->
 *     SQLITE_IOERR; everything else SQLITE_ERROR (MC_ERROR).
 *   - Messages never carry DETAIL's values ("Key (email)=(a@b) already
 *     exists"): only the column names are taken from it.
 */
#include <stdio.h>
#include <string.h>

#include "driver.h"

int mci_pg_rc_of_sqlstate(const char *s)
{
    if (strncmp(s, "23", 2) == 0) {
        if (strcmp(s, "23505") == 0)
            return SQLITE_CONSTRAINT_UNIQUE;
        if (strcmp(s, "23503") == 0)
            return SQLITE_CONSTRAINT_FOREIGNKEY;
        if (strcmp(s, "23502") == 0)
            return SQLITE_CONSTRAINT_NOTNULL;
        if (strcmp(s, "23514") == 0)
            return SQLITE_CONSTRAINT_CHECK;
        return SQLITE_CONSTRAINT;
    }
    if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 || strcmp(s, "55P03") == 0)
        return SQLITE_BUSY;
    if (strncmp(s, "22", 2) == 0)
        return SQLITE_MISMATCH;
    if (strcmp(s, "53200") == 0)
        return SQLITE_NOMEM;
    if (strcmp(s, "57014") == 0)
        return SQLITE_INTERRUPT;
    if (strncmp(s, "08", 2) == 0 || strncmp(s, "58", 2) == 0)
        return SQLITE_IOERR;
    return SQLITE_ERROR;
}

/* The column list of a DETAIL "Key (a, b)=(...) ..." into out as
 * "table.a, table.b"; 0 when the detail has none. */
static int key_columns(const mci_pgerr *e, char *out, size_t cap)
{
    const char *p = strstr(e->detail, "Key ("), *end;
    size_t n = 0;

    if (!p || !*e->table)
        return 0;
    p += 5;
    end = strstr(p, ")=(");
    if (!end)
        return 0;
    out[0] = '\0';
    while (p < end && n + 1 < cap) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        n += (size_t)snprintf(out + n, cap - n, "%s%s.%.*s", n ? ", " : "", e->table, (int)(stop - p), p);
        if (n >= cap)
            break;
        p = comma ? comma + 1 : end;
        while (*p == ' ')
            p++;
    }
    return 1;
}

void mci_pg_describe(const mci_pgerr *e, char *out, size_t cap)
{
    char cols[300];

    if (strcmp(e->sqlstate, "23505") == 0 && key_columns(e, cols, sizeof cols))
        snprintf(out, cap, "UNIQUE constraint failed: %s", cols);
    else if (strcmp(e->sqlstate, "23502") == 0 && *e->table && *e->column)
        snprintf(out, cap, "NOT NULL constraint failed: %s.%s", e->table, e->column);
    else if (strcmp(e->sqlstate, "23503") == 0)
        snprintf(out, cap, "FOREIGN KEY constraint failed: %s", e->primary);
    else if (strcmp(e->sqlstate, "23514") == 0 && *e->constraint)
        snprintf(out, cap, "CHECK constraint failed: %s", e->constraint);
    else
        snprintf(out, cap, "%s", *e->primary ? e->primary : "PostgreSQL reported an error");
}
