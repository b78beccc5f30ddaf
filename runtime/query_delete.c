/*
 * query_delete.c -- bulk delete of the rows a query selects, under every
 * generated X_query_delete (SQLAlchemy's query.filter_by(...).delete()).
 *
 * Decisions:
 *   - A query without limit/offset deletes with its own predicates:
 *     DELETE FROM t WHERE <predicates>   (no predicates: every row).
 *   - With a limit or an offset the rows deleted are exactly those the
 *     query would give (SQLAlchemy refuses this; SQLite's DELETE has no
 *     LIMIT in default builds), through the rowid:
 *     DELETE FROM t WHERE rowid IN (SELECT rowid FROM t ... LIMIT ? OFFSET ?)
 *     (ctid on PostgreSQL, whose DELETE has no LIMIT either)
 *   - `cascade: delete` children go first, selected by the same subquery
 *     text, all in one transaction (nested: a savepoint), as X_delete does.
 * The SQL is built from identifiers the generator quoted and `?` only.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* The concatenation of the pieces up to a NULL; malloc'd, NULL when out
 * of memory. */
static char *join(const char *first, ...)
{
    va_list ap;
    size_t n = 0;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *))
        n += strlen(p);
    va_end(ap);
    char *s = malloc(n + 1), *w = s;
    if (!s)
        return NULL;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *)) {
        size_t k = strlen(p);
        memcpy(w, p, k);
        w += k;
    }
    va_end(ap);
    *w = '\0';
    return s;
}

/* Does the table have a column called name (as SQL spells it, quoted or
 * not, any case)? */
static int has_column(const mc_table_meta *m, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < m->ncolumns; i++) {
        const char *c = m->columns[i];
        size_t k = strlen(c);
        if (k == n + 2 && (c[0] == '"' || c[0] == '`' || c[0] == '['))
            c++, k -= 2;
        if (k == n && strncasecmp(c, name, n) == 0)
            return 1;
    }
    return 0;
}

/* A name for the rowid that no column shadows, or NULL.  PostgreSQL's
 * is the row's ctid, a system column no table can shadow. */
static const char *rowid_name(mc_db *db, const mc_table_meta *m)
{
    if (mc_db_engine(db) == MC_ENGINE_POSTGRESQL)
        return "ctid";
    static const char *const names[] = {"rowid", "_rowid_", "oid"};
    for (size_t i = 0; i < 3; i++)
        if (!has_column(m, names[i]))
            return names[i];
    return NULL;
}

/* Runs one DELETE with the query's values bound; *changes = rows deleted. */
static int run(mc_query *q, const char *sql, int paged, const char *context, int64_t *changes)
{
    mc_db *db = mc_query_db(q);
    mc_stmt *st = mc_stmt_prepare_text(db, sql);
    if (!st)
        return mc_errcode(db);
    int rc = mci_query_bind(q, st, paged);
    if (rc == MC_OK) {
        int s = mc_stmt_step(st);
        if (s == MC_RC_DONE)
            *changes = mc_changes(db);
        else
            rc = mc_status_from_rc(db, s, context);
    }
    mc_stmt_release(db, st);
    return rc;
}

/* The statements: each cascade's, then the table's own (sql[ncascade]).
 * A cascade selects the parent's keys: the rowid on SQLite (the integer
 * primary key it aliases), the primary key column itself on PostgreSQL
 * (the table's first column, as the generator writes them). */
static int build_all(mc_query *q, const char *const *cascade, size_t ncascade, int paged, char **sql)
{
    const mc_table_meta *m = mci_query_meta(q);
    mc_db *db = mc_query_db(q);
    const char *rowid = NULL;
    char *sub = NULL, *keys = NULL;
    if (paged || ncascade) {
        if (!(rowid = rowid_name(db, m)))
            return mc_set_error(db, MC_INVALID,
                                "%s: cannot delete through a query with limit, offset or cascades: the columns "
                                "rowid, _rowid_ and oid hide the rowid", m->name);
        if (!(sub = mci_query_sql(q, rowid, paged)))
            return mc_set_error(db, MC_NOMEM, "%s: out of memory building a query", m->name);
    }
    int ok = 1;
    if (ncascade && mc_db_engine(db) == MC_ENGINE_POSTGRESQL && m->ncolumns)
        ok = (keys = mci_query_sql(q, m->columns[0], paged)) != NULL;
    for (size_t i = 0; ok && i < ncascade; i++)
        ok = (sql[i] = join(cascade[i], "(", keys ? keys : sub, ")", (char *)NULL)) != NULL;
    const char *where = ok ? mci_query_where(q) : NULL;
    if (!where)
        ok = 0;
    else if (paged)
        ok = (sql[ncascade] = join("DELETE FROM ", m->table, " WHERE ", rowid, " IN (", sub, ")", (char *)NULL)) != NULL;
    else
        ok = (sql[ncascade] = join("DELETE FROM ", m->table, *where ? " WHERE " : "", where, (char *)NULL)) != NULL;
    free(sub);
    free(keys);
    return ok ? MC_OK : mc_set_error(db, MC_NOMEM, "%s: out of memory building a query", m->name);
}

int mc_query_delete(mc_query *q, const char *const *cascade, size_t ncascade, int64_t *deleted)
{
    if (deleted)
        *deleted = 0;
    if (!q)
        return MC_MISUSE;
    mc_db *db = mc_query_db(q);
    const mc_table_meta *m = mci_query_meta(q);
    int rc = mci_query_status(q);
    if (rc != MC_OK)
        return rc == MC_NOMEM ? mc_set_error(db, MC_NOMEM, "%s: out of memory building a query", m->name) : rc;
    mc_query_rewind(q);
    int64_t limit, offset;
    mci_query_window(q, &limit, &offset);
    int paged = limit >= 0 || offset >= 0;

    char **sql = calloc(ncascade + 1, sizeof *sql);
    if (!sql)
        return mc_set_error(db, MC_NOMEM, "%s: out of memory building a query", m->name);
    rc = build_all(q, cascade, ncascade, paged, sql);
    int txn = 0;
    if (rc == MC_OK && ncascade > 0 && (rc = mc_begin(db)) == MC_OK)
        txn = 1;
    int64_t changes = 0;
    for (size_t i = 0; rc == MC_OK && i <= ncascade; i++)
        rc = run(q, sql[i], paged, m->name, &changes);
    if (txn && rc == MC_OK)
        rc = mc_commit(db);
    else if (txn)
        mc_rollback(db);
    if (rc == MC_OK && deleted)
        *deleted = changes;
    for (size_t i = 0; i <= ncascade; i++)
        free(sql[i]);
    free(sql);
    return rc;
}
