/*
 * snapshot_sql.c -- the whole schema in a migration file's header, for
 * histories modelc cannot replay on its own (PostgreSQL's).
 *
 * `modelc migrate` on SQLite learns the schema of a history by running
 * its files in an in-memory database.  A PostgreSQL history would need a
 * server for that, and `migrate` needs none on SQLite; so a PostgreSQL
 * file carries, besides the model/field/enum lines of snapshot.h, the
 * schema after its upgrade as the CREATE statements `modelc sql` prints
 * for SQLite, one per line:
 *
 *   -- modelc:sql "CREATE TABLE post (id INTEGER NOT NULL, ...);"
 *
 * That text is the planner's model of the schema, not SQL for the
 * server: it is run in a private in-memory SQLite database and read back
 * with the introspection the SQLite history uses (introspect.c), which
 * gives exactly the schema model the diff compares.  This is how Django's
 * makemigrations works (the state comes from the migration files, not
 * from a database).  What the files' SQL does by hand after modelc wrote
 * it is not seen here; `modelc check --db` compares a real database.
 */
#include "ddl.h"
#include "introspect.h"
#include "migfile.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#define SQL_PREFIX "-- modelc:sql"

void mcc_snapshot_render_sql(mcc_buf *b, const mcc_schema *s)
{
    mcc_buf ddl = {0};
    mcc_ddl_schema(&ddl, s);
    mcc_buf_put(b, "-- The schema after this migration as SQLite DDL: the planner's model, read back by\n"
                  "-- `modelc migrate` without a server (never run on PostgreSQL):\n");
    const char *p = ddl.data ? ddl.data : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            char *stmt = strndup(p, n);
            if (!stmt) {
                b->failed = 1;
                break;
            }
            mcc_buf_put(b, SQL_PREFIX);
            mcc_snapshot_put_word(b, stmt);
            mcc_buf_putc(b, '\n');
            free(stmt);
        }
        p += n + (nl ? 1 : 0);
    }
    b->failed |= ddl.failed;
    mcc_buf_free(&ddl);
}

typedef struct sql_lines {
    sqlite3 *db;            /* NULL: only count them */
    size_t n;
    const char *error;      /* SQLite's message for the first statement that failed */
    mcc_arena *arena;
} sql_lines;

static int on_line(void *ctx, const char *kind, const char **w, size_t n)
{
    sql_lines *x = ctx;
    if (strcmp(kind, "sql") != 0 || n != 1)
        return 0;
    x->n++;
    if (!x->db)
        return 0;
    char *msg = NULL;
    if (sqlite3_exec(x->db, w[0], NULL, NULL, &msg) != SQLITE_OK) {
        x->error = mcc_arena_printf(x->arena, "%s (in: %s)", msg ? msg : sqlite3_errmsg(x->db), w[0]);
        sqlite3_free(msg);
        return 1;
    }
    return 0;
}

int mcc_snapshot_has_sql(const char *text)
{
    mcc_arena a = {0};
    sql_lines x = {NULL, 0, NULL, &a};
    mcc_snapshot_each(text ? text : "", &a, on_line, &x);
    mcc_arena_free(&a);
    return x.n > 0;
}

int mcc_migdir_schema_snapshot(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mcc_schema *out)
{
    const mcc_migfile *last = upto && upto <= d->n ? &d->files[upto - 1] : NULL;
    if (last && !mcc_snapshot_has_sql(last->text)) {
        mcc_error_in(diag, last->path,
                    "a PostgreSQL history is read from the snapshots `modelc migrate` writes; add the file's "
                    "changes to the schema and let migrate write them",
                    "no schema snapshot in its header (the '-- modelc:sql' lines), so modelc cannot know the "
                    "schema after it");
        return -1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        sqlite3_close(db);
        mcc_error_in(diag, NULL, NULL, "cannot open an in-memory database");
        return -1;
    }
    int rc = -1;
    sql_lines x = {db, 0, NULL, arena};
    if (last && mcc_snapshot_each(last->text, arena, on_line, &x) != 0) {
        mcc_error_in(diag, last->path, NULL, "its schema snapshot does not load: %s",
                    x.error ? x.error : "out of memory");
        goto out;
    }
    if (mcc_introspect(db, arena, diag, out))
        goto out;
    if (last && mcc_snapshot_apply(last->text, arena, out) != 0) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        goto out;
    }
    rc = 0;
out:
    sqlite3_close(db);
    return rc;
}
