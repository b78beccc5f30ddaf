/* dbrows.c -- see dbrows.h. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dbrows.h"
#include "testutil.h"

char *tu_db_rows(mc_db *db, const char *sql, int ncols)
{
    mc_stmt *st = mc_stmt_prepare_text(db, sql);
    ck_assert_msg(st != NULL, "%s: %s", sql, mc_errmsg(db));
    char *out = tu_fmt("%s", "");
    int rc;
    while ((rc = mc_stmt_step(st)) == MC_RC_ROW) {
        for (int i = 0; i < ncols; i++) {
            const char *v = mc_stmt_column_cstr(st, i);
            char *next = tu_fmt("%s%s%s", out, i ? "|" : "", v ? v : "NULL");
            free(out);
            out = next;
        }
        char *next = tu_fmt("%s\n", out);
        free(out);
        out = next;
    }
    ck_assert_msg(rc == MC_RC_DONE, "%s: %s", sql, mc_errmsg(db));
    mc_stmt_release(db, st);
    return out;
}

void tu_db_rows_eq(mc_db *db, const char *sql, int ncols, const char *want)
{
    char *got = tu_db_rows(db, sql, ncols);
    ck_assert_msg(strcmp(got, want) == 0, "%s:\ngot:\n%s\nwant:\n%s", sql, got, want);
    free(got);
}
