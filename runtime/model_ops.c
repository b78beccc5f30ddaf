/*
 * model_ops.c -- a model's writes and key lookups by its descriptor
 * (generate --compact): X_insert, X_update, X_insert_many, X_get and
 * X_find_by_*, X_delete.
 *
 * Each is what c_crud.c writes out in the default mode, step for step:
 * the same statements (the mc_model's SQL texts, fixed at generation
 * time), bound in the same order with the same calls per kind, the same
 * results and messages.  The key arguments of a lookup or delete arrive
 * as the generated function's own parameters (varargs in the kinds the
 * key's columns say, modelc.h), so that the generated body is one call.
 */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- binding ------------------------------------------------------------ */

/* Binds the value at p (a member of column c's kind; an enum's value as
 * the int ev) at idx: the bind call types.def gives the kind. */
static int bind_value(mc_stmt *st, int idx, const mc_model_col *c, const void *p, int ev)
{
    switch (c->kind) {
    case MC_COL_INT64: return mc_stmt_bind_int64(st, idx, *(const int64_t *)p);
    case MC_COL_INT32: return mc_stmt_bind_int(st, idx, *(const int32_t *)p);
    case MC_COL_DOUBLE: return mc_stmt_bind_double(st, idx, *(const double *)p);
    case MC_COL_BOOL: return mc_stmt_bind_int(st, idx, *(const bool *)p ? 1 : 0);
    case MC_COL_DATETIME:
        return mc_stmt_bind_temporal(st, idx, *(const char *const *)p, MC_TEMPORAL_DATETIME);
    case MC_COL_DATE: return mc_stmt_bind_temporal(st, idx, *(const char *const *)p, MC_TEMPORAL_DATE);
    case MC_COL_TIME: return mc_stmt_bind_temporal(st, idx, *(const char *const *)p, MC_TEMPORAL_TIME);
    case MC_COL_BLOB: {
        const mc_blob *b = (const mc_blob *)p;
        return mc_stmt_bind_bytes(st, idx, b->data, b->len, MC_BIND_STATIC);
    }
    case MC_COL_ENUM: return mc_stmt_bind_text(st, idx, mci_model_enum_text(c, ev));
    default: return mc_stmt_bind_text_keep(st, idx, *(const char *const *)p, MC_BIND_STATIC);
    }
}

/* Binds row's member of column c for a write: NULL when its _null flag
 * says so; on insert (fill), a not_null string, blob or enum left
 * NULL/0 as its default. */
static int bind_member(mc_stmt *st, int idx, const mc_model_col *c, const void *row, bool fill)
{
    const void *p = mci_member(row, c);
    if ((c->flags & MC_COLF_NULL_FLAG) && *(const bool *)mci_member_at(row, c->null_offset))
        return mc_stmt_bind_null(st, idx);
    int ev = c->kind == MC_COL_ENUM ? mci_model_enum_get(c, row) : 0;
    if (fill && (c->flags & MC_COLF_FILL_DEFAULT)) {
        if (c->kind == MC_COL_ENUM && !ev)
            ev = c->def_enum;
        else if (c->kind == MC_COL_BLOB && !((const mc_blob *)p)->data)
            return mc_stmt_bind_bytes(st, idx, c->def, c->def_len, MC_BIND_STATIC);
        else if (c->kind != MC_COL_ENUM && c->kind != MC_COL_BLOB && !*(const char *const *)p)
            p = &c->def;
    }
    return bind_value(st, idx, c, p, ev);
}

/* One key argument, as va_arg reads it in its column's kind. */
typedef struct key_arg {
    union {
        int64_t i64;
        int32_t i32;
        double d;
        bool b;
        const char *s;
        mc_blob blob;
    } v;
    int ev;         /* an enum's value */
    bool null;      /* a blob key given as NULL */
} key_arg;

/* Reads the arguments of key k (its columns' values, in order) from ap. */
static void read_key_args(const mc_model *m, const mc_model_key *k, va_list ap, key_arg *args)
{
    for (size_t i = 0; i < k->ncols; i++) {
        const mc_model_col *c = &m->columns[k->cols[i]];
        key_arg *a = &args[i];
        memset(a, 0, sizeof *a);
        switch (c->kind) {
        case MC_COL_INT64: a->v.i64 = va_arg(ap, int64_t); break;
        case MC_COL_INT32: a->v.i32 = (int32_t)va_arg(ap, int); break;
        case MC_COL_DOUBLE: a->v.d = va_arg(ap, double); break;
        case MC_COL_BOOL: a->v.b = va_arg(ap, int) != 0; break;
        case MC_COL_ENUM: a->ev = va_arg(ap, int); break;
        case MC_COL_BLOB: {
            const mc_blob *b = va_arg(ap, const mc_blob *);
            if (b)
                a->v.blob = *b;
            a->null = b == NULL;
            break;
        }
        default: a->v.s = va_arg(ap, const char *); break;
        }
    }
}

/* Binds key k's arguments at 1.. (then the statement's next parameter is
 * k->ncols + 1); the status of the bindings, or-ed as the default mode's. */
static int bind_key(mc_stmt *st, int from, const mc_model *m, const mc_model_key *k, const key_arg *args)
{
    int b = MC_RC_OK;
    for (size_t i = 0; i < k->ncols; i++) {
        const mc_model_col *c = &m->columns[k->cols[i]];
        int idx = from + (int)i;
        b |= args[i].null ? mc_stmt_bind_null(st, idx) : bind_value(st, idx, c, &args[i].v, args[i].ev);
    }
    return b;
}

/* "user: no row with id 5" / "... with email 'a@b'", naming key k's values. */
static int notfound(mc_db *db, const mc_model *m, const mc_model_key *k, const key_arg *args)
{
    char msg[1024];
    size_t n = (size_t)snprintf(msg, sizeof msg, "%s: no row with ", m->table);
    for (size_t i = 0; i < k->ncols && n < sizeof msg; i++) {
        const mc_model_col *c = &m->columns[k->cols[i]];
        const key_arg *a = &args[i];
        char *at = msg + n;
        size_t room = sizeof msg - n;
        int w;
        const char *sep = i ? ", " : "";
        switch (c->kind) {
        case MC_COL_INT64: w = snprintf(at, room, "%s%s %lld", sep, c->field, (long long)a->v.i64); break;
        case MC_COL_INT32: w = snprintf(at, room, "%s%s %d", sep, c->field, (int)a->v.i32); break;
        case MC_COL_BOOL: w = snprintf(at, room, "%s%s %d", sep, c->field, (int)a->v.b); break;
        case MC_COL_DOUBLE: w = snprintf(at, room, "%s%s %g", sep, c->field, a->v.d); break;
        case MC_COL_BLOB: w = snprintf(at, room, "%s%s (bytes)", sep, c->field); break;
        case MC_COL_ENUM: {
            const char *t = mci_model_enum_text(c, a->ev);
            w = snprintf(at, room, "%s%s %s", sep, c->field, t ? t : "NULL");
            break;
        }
        default: w = snprintf(at, room, "%s%s '%s'", sep, c->field, a->v.s ? a->v.s : "NULL"); break;
        }
        n += w > 0 ? (size_t)w : 0;
    }
    return mc_set_error(db, MC_NOTFOUND, "%s", msg);
}

/* Steps a statement that returns no row and releases it: MC_OK, or the
 * status of its failure (b: the bindings' status) with the message. */
static int step_done(mc_db *db, const mc_model *m, mc_stmt *st, int b)
{
    int rc = b == MC_RC_OK ? mc_stmt_step(st) : b;
    mc_stmt_release(db, st);
    return rc == MC_RC_DONE ? MC_OK : mc_status_from_rc(db, rc, m->table);
}

/* ---- the operations ------------------------------------------------------- */

int mc_model_insert(mc_db *db, const mc_model *m, void *row)
{
    int rc = mc_model_check(db, m, row);
    if (rc != MC_OK)
        return rc;
    int64_t *id = m->rowid >= 0 ? (int64_t *)mci_member(row, &m->columns[m->rowid]) : NULL;
    mc_stmt *st = id && *id ? mc_stmt_prepare(db, m->insert_rowid_sql)
                : id ? mc_stmt_prepare_insert(db, m->insert_sql) : mc_stmt_prepare(db, m->insert_sql);
    if (!st)
        return mc_errcode(db);
    int b = MC_RC_OK, idx = 1;
    for (size_t k = 0; k < m->ncolumns; k++)
        if ((int)k != m->rowid)
            b |= bind_member(st, idx++, &m->columns[k], row, true);
    if (id && *id)
        b |= mc_stmt_bind_int64(st, idx, *id);
    if ((rc = step_done(db, m, st, b)) != MC_OK)
        return rc;
    /* An enum that took its default: the struct now says what was stored. */
    for (size_t k = 0; k < m->ncolumns; k++) {
        const mc_model_col *c = &m->columns[k];
        if (c->kind == MC_COL_ENUM && (c->flags & MC_COLF_FILL_DEFAULT) && !mci_model_enum_get(c, row))
            mci_model_enum_set(c, row, c->def_enum);
    }
    if (id && !*id)
        *id = mc_last_insert_id(db);
    return MC_OK;
}

int mc_model_update(mc_db *db, const mc_model *m, const void *row)
{
    int rc = mc_model_check(db, m, row);
    if (rc != MC_OK)
        return rc;
    if (!m->update_sql)
        return mc_set_error(db, MC_MISUSE, "%s: every column is the key: nothing to update", m->table);
    mc_stmt *st = mc_stmt_prepare(db, m->update_sql);
    if (!st)
        return mc_errcode(db);
    int b = MC_RC_OK, idx = 1;
    for (size_t k = 0; k < m->ncolumns; k++)
        if (!(m->columns[k].flags & MC_COLF_PK))
            b |= bind_member(st, idx++, &m->columns[k], row, false);
    const mc_model_key *pk = &m->keys[0];
    for (size_t i = 0; i < pk->ncols; i++)
        b |= bind_member(st, idx++, &m->columns[pk->cols[i]], row, false);
    if ((rc = step_done(db, m, st, b)) != MC_OK)
        return rc;
    if (mc_changes(db) == 0)
        return mc_set_error(db, MC_NOTFOUND, "%s: no row with this primary key", m->table);
    return MC_OK;
}

int mc_model_insert_many(mc_db *db, const mc_model *m, void *rows, size_t n)
{
    if (n == 0)
        return MC_OK;
    int rc = mc_begin(db);
    if (rc != MC_OK)
        return rc;
    for (size_t i = 0; rc == MC_OK && i < n; i++)
        if ((rc = mc_model_insert(db, m, (char *)rows + i * m->size)) != MC_OK)
            mc_set_error(db, rc, "row %zu: %s", i, mc_errmsg(db));
    if (rc == MC_OK)
        rc = mc_commit(db);
    if (rc != MC_OK)
        mc_rollback(db);    /* all or none: a failed COMMIT keeps nothing either */
    return rc;
}

/* Steps st (bound; b the bindings' status) for at most one row: *out = a
 * new row read from it, or MC_NOTFOUND without a message.  st is released
 * either way. */
static int fetch(mc_db *db, const mc_model *m, mc_stmt *st, int b, void **out)
{
    int rc = b == MC_RC_OK ? mc_stmt_step_flags(st, MC_STEP_WHOLE) : b;
    if (rc != MC_RC_ROW) {
        mc_stmt_release(db, st);
        return rc == MC_RC_DONE ? MC_NOTFOUND : mc_status_from_rc(db, rc, m->table);
    }
    void *row = calloc(1, m->size);
    if (!row) {
        mc_stmt_release(db, st);
        return mc_set_error(db, MC_NOMEM, "%s: out of memory", m->table);
    }
    rc = mc_model_read(db, m, st, 0, row);
    mc_stmt_release(db, st);
    if (rc != MC_OK) {
        mc_model_clear(m, row);
        free(row);
        return rc;
    }
    *out = row;
    return MC_OK;
}

/* The most columns a key of these functions takes (the default mode has
 * no limit; a key this long is not a key anyone writes). */
#define MAX_KEY 64

int mc_model_find(mc_db *db, const mc_model *m, size_t key, void *out, ...)
{
    mci_put_ptr(out, NULL);
    if (m->abi != MC_MODEL_ABI)
        return mci_model_abi_error(db, m);
    if (key >= m->nkeys || m->keys[key].ncols > MAX_KEY)
        return mc_set_error(db, MC_MISUSE, "%s: no key %zu of at most %d columns", m->table, key, MAX_KEY);
    const mc_model_key *k = &m->keys[key];
    key_arg args[MAX_KEY];
    va_list ap;
    va_start(ap, out);
    read_key_args(m, k, ap, args);
    va_end(ap);
    mc_stmt *st = mc_stmt_prepare(db, k->select_sql);
    if (!st)
        return mc_errcode(db);
    void *row = NULL;
    int rc = fetch(db, m, st, bind_key(st, 1, m, k, args), &row);
    if (rc == MC_NOTFOUND)
        rc = notfound(db, m, k, args);
    mci_put_ptr(out, row);
    return rc;
}

/* Deletes the children of the row whose rowid is id (cascade: delete),
 * inside the caller's transaction; MC_OK or the failure. */
static int delete_children(mc_db *db, const mc_model *m, int64_t id)
{
    for (size_t i = 0; i < m->ncascades; i++) {
        mc_stmt *st = mc_stmt_prepare(db, m->cascades[i].delete_sql);
        if (!st)
            return mc_errcode(db);
        int b = mc_stmt_bind_int64(st, 1, id);
        int rc = b == MC_RC_OK ? mc_stmt_step(st) : b;
        mc_stmt_release(db, st);
        if (rc != MC_RC_DONE)
            return mc_status_from_rc(db, rc, m->cascades[i].table);
    }
    return MC_OK;
}

int mc_model_delete(mc_db *db, const mc_model *m, ...)
{
    if (m->abi != MC_MODEL_ABI)
        return mci_model_abi_error(db, m);
    const mc_model_key *k = &m->keys[0];
    if (k->ncols > MAX_KEY)
        return mc_set_error(db, MC_MISUSE, "%s: a key of more than %d columns", m->table, MAX_KEY);
    key_arg args[MAX_KEY];
    va_list ap;
    va_start(ap, m);
    read_key_args(m, k, ap, args);
    va_end(ap);
    int rc;
    /* ORM-level cascade: children first, in one transaction. */
    if (m->ncascades && (rc = mc_begin(db)) != MC_OK)
        return rc;
    if (m->ncascades && (rc = delete_children(db, m, args[0].v.i64)) != MC_OK) {
        mc_rollback(db);
        return rc;
    }
    mc_stmt *st = mc_stmt_prepare(db, m->delete_sql);
    if (!st) {
        rc = mc_errcode(db);
        if (m->ncascades)
            mc_rollback(db);
        return rc;
    }
    int b = bind_key(st, 1, m, k, args);
    rc = b == MC_RC_OK ? mc_stmt_step(st) : b;
    mc_stmt_release(db, st);
    if (rc != MC_RC_DONE)
        rc = mc_status_from_rc(db, rc, m->table);
    else if (mc_changes(db) == 0)
        rc = notfound(db, m, k, args);
    else
        rc = MC_OK;
    if (!m->ncascades)
        return rc;
    if (rc != MC_OK) {
        mc_rollback(db);
        return rc;
    }
    return mc_commit(db);
}
