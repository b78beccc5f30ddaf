/*
 * sql_check.c -- the SQL a schema carries as text, checked by SQLite at
 * build time.
 *
 * A check("...") is copied into CREATE TABLE as written.  Without this
 * step a typo in it surfaced only when a migration ran, far from the line
 * that made it.  Here the DDL (what `modelc sql` prints) of every table
 * with a check is prepared in a scratch in-memory database; when SQLite refuses a table,
 * each of its CHECK expressions is prepared on its own in a probe table
 * with the same columns, and the one SQLite refuses is reported at its
 * place in the schema, with the caret on the byte SQLite names
 * (sqlite3_error_offset).  Preparing CREATE TABLE parses and resolves it
 * completely without creating anything, so nothing is left to clean up.
 * The schema is only read.
 */
#include "ddl.h"
#include "naming.h"
#include "sql_check.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* What the step works with: the scratch database and the error channel. */
typedef struct sqlcheck {
    sqlite3 *db;
    const mcc_source *src;
    mcc_diag *diag;
    int errors;
} sqlcheck;

/* Prepares sql (one CREATE TABLE) and finalizes it: SQLITE_OK, or SQLite's
 * code with *msg its message (a copy the caller frees with sqlite3_free)
 * and *offset the byte of sql it names (-1: none). */
static int prepare_only(sqlcheck *k, const char *sql, char **msg, int *offset)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL);
    *msg = NULL;
    *offset = -1;
    if (rc != SQLITE_OK) {
        *msg = sqlite3_mprintf("%s", sqlite3_errmsg(k->db));
        *offset = sqlite3_error_offset(k->db);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The source bytes to underline for byte `at` of the expression written
 * as the string literal `lit`: that byte when the literal holds no escape
 * (its bytes are the expression's, after the opening quote), else the
 * whole literal.  A word there is underlined whole. */
static mcc_span place_in_literal(const sqlcheck *k, mcc_span lit, int at)
{
    if (at < 0 || lit.len < 2 || !k->src || lit.off + lit.len > k->src->len ||
        memchr(k->src->text + lit.off, '\\', lit.len) || (uint32_t)at + 2 > lit.len)
        return lit;
    uint32_t off = lit.off + 1 + (uint32_t)at, end = off;
    while (end < lit.off + lit.len - 1 && (isalnum((unsigned char)k->src->text[end]) || k->src->text[end] == '_'))
        end++;
    return (mcc_span){off, end > off ? end - off : 1};
}

/* Tries one CHECK expression of t alone, in a probe table with t's
 * columns; reports it (at `lit`, the string literal it came from) when
 * SQLite refuses it.  Returns 1 when it was reported. */
static int probe_check(sqlcheck *k, const mcc_table *t, const char *expr, mcc_span lit, const char *where)
{
    mcc_buf b = {0};
    mcc_buf_put(&b, "CREATE TABLE \"modelc probe\" (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        mcc_put_ident(&b, t->columns[i].name);
        mcc_buf_put(&b, ", ");
    }
    mcc_buf_put(&b, "CHECK (");
    size_t start = b.len;
    mcc_buf_put(&b, expr);
    mcc_buf_put(&b, "))");
    if (b.failed) {
        mcc_buf_free(&b);
        mcc_error_plain(k->diag, "out of memory");
        return 1;
    }
    char *msg;
    int off;
    int rc = prepare_only(k, b.data, &msg, &off);
    mcc_buf_free(&b);
    if (rc == SQLITE_OK)
        return 0;
    int at = off >= (int)start && off <= (int)(start + strlen(expr)) ? off - (int)start : -1;
    mcc_span s = place_in_literal(k, lit, at);
    mcc_error_at(k->diag, s.off, s.len,
                "the expression goes into CREATE TABLE as written: SQLite's SQL over this table's columns "
                "(their SQL names), no subqueries",
                "%s: SQLite refuses this check: %s", where, msg ? msg : "out of memory");
    sqlite3_free(msg);
    k->errors++;
    return 1;
}

/* Does t carry SQL written as text (a column's or the table's check)? */
static bool has_checks(const mcc_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].check)
            return true;
    for (size_t i = 0; i < t->nconstraints; i++)
        if (t->constraints[i].kind == MCC_C_CHECK)
            return true;
    return false;
}

/* Prepares t's CREATE TABLE when it has checks (the rest of the DDL is
 * modelc's own); when SQLite refuses it, finds the CHECK at fault
 * (probe_check), or reports SQLite's message at the model. */
static void check_table(sqlcheck *k, const mcc_table *t)
{
    if (!has_checks(t))
        return;
    mcc_buf b = {0};
    mcc_ddl_create_table(&b, t);
    if (b.failed) {
        mcc_buf_free(&b);
        mcc_error_plain(k->diag, "out of memory");
        k->errors++;
        return;
    }
    char *msg;
    int off;
    int rc = prepare_only(k, b.data, &msg, &off);
    mcc_buf_free(&b);
    if (rc == SQLITE_OK)
        return;
    int found = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *c = &t->columns[i];
        if (c->check) {
            char *where = sqlite3_mprintf("field %s.%s", t->model ? t->model : t->name, c->field);
            found += probe_check(k, t, c->check, c->check_at, where ? where : "a field");
            sqlite3_free(where);
        }
    }
    for (size_t i = 0; i < t->nconstraints; i++) {
        const mcc_constraint *ct = &t->constraints[i];
        if (ct->kind == MCC_C_CHECK && ct->check) {
            char *where = sqlite3_mprintf("model %s", t->model ? t->model : t->name);
            found += probe_check(k, t, ct->check, ct->check_at, where ? where : "a model");
            sqlite3_free(where);
        }
    }
    if (!found) {
        mcc_error_at(k->diag, t->at.off, t->at.len, NULL, "SQLite refuses the table of model %s: %s",
                    t->model ? t->model : t->name, msg ? msg : "out of memory");
        k->errors++;
    }
    sqlite3_free(msg);
}

int mcc_check_schema_sql(const mcc_schema *s, const mcc_source *src, mcc_diag *diag)
{
    sqlcheck k = {NULL, src, diag, 0};
    if (sqlite3_open_v2(":memory:", &k.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        sqlite3_close(k.db);
        mcc_error_plain(diag, "cannot open an in-memory SQLite database to check the schema's SQL");
        return 1;
    }
    for (size_t i = 0; i < s->ntables && !mcc_diag_full(diag); i++)
        check_table(&k, s->tables[i]);
    sqlite3_close(k.db);
    return k.errors;
}
