/*
 * model_read.c -- one row of a model by its descriptor (generate --compact):
 * read from a result, checked before a write, cleared, made new.
 *
 * What the default mode writes out per column (c_crud.c's X_read, X_check,
 * X_clear, X_new) done here by a loop over the model's mc_model_col table
 * (modelc.h, "model descriptors"): each column's kind says how its member
 * is held, read and checked, its offset where the member is.  The calls
 * per kind are those types.def gives the default mode, so both modes store,
 * read and refuse the same values with the same messages.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* ---- members by descriptor ---------------------------------------------- */

int mci_model_enum_get(const mc_model_col *c, const void *row)
{
    const char *p = mci_member(row, c);
    switch (c->size) {
    case sizeof(signed char): return *(const signed char *)p;
    case sizeof(short): return *(const short *)p;
    case sizeof(long long): return (int)*(const long long *)p;
    default: return *(const int *)p;
    }
}

void mci_model_enum_set(const mc_model_col *c, void *row, int v)
{
    char *p = mci_member(row, c);
    switch (c->size) {
    case sizeof(signed char): *(signed char *)p = (signed char)v; break;
    case sizeof(short): *(short *)p = (short)v; break;
    case sizeof(long long): *(long long *)p = v; break;
    default: *(int *)p = v; break;
    }
}

const char *mci_model_enum_text(const mc_model_col *c, int v)
{
    return v >= 1 && v <= c->length ? c->names[v] : NULL;
}

/* The value of an enum column's text (0 for NULL or a text not among
 * its values), as the generated X_from_text. */
static int enum_from_text(const mc_model_col *c, const char *text)
{
    if (!text)
        return 0;
    for (int i = 1; i <= c->length; i++)
        if (strcmp(text, c->names[i]) == 0)
            return i;
    return 0;
}

/* A char * member that owns its text (every string kind; a temporal
 * column may also hold the MC_NOW marker, never freed). */
static int is_text(int kind)
{
    return kind == MC_COL_STRING || kind == MC_COL_NUMERIC || kind == MC_COL_JSON || kind == MC_COL_DATETIME ||
           kind == MC_COL_DATE || kind == MC_COL_TIME;
}

/* ---- reading ------------------------------------------------------------ */

/* A plain (not owned) value of result column i into column c's member.
 * SQL NULL reads as 0 on both engines, so a nullable number or bool is
 * asked whether it is NULL only when it reads 0, as the default mode's
 * readers do (one call into SQLite for a value that is not 0). */
static void read_plain(const mc_model_col *c, mc_stmt *st, int i, void *row)
{
    char *p = mci_member(row, c);
    int zero = 1;
    switch (c->kind) {
    case MC_COL_INT64: zero = (*(int64_t *)p = mc_stmt_column_int64(st, i)) == 0; break;
    case MC_COL_INT32: zero = (*(int32_t *)p = (int32_t)mc_stmt_column_int(st, i)) == 0; break;
    case MC_COL_DOUBLE: zero = (*(double *)p = mc_stmt_column_double(st, i)) == 0; break;
    case MC_COL_BOOL: zero = !(*(bool *)p = mc_stmt_column_int(st, i) != 0); break;
    case MC_COL_ENUM: mci_model_enum_set(c, row, enum_from_text(c, mc_stmt_column_cstr(st, i))); break;
    default: break;
    }
    if (c->flags & MC_COLF_NULL_FLAG)
        *(bool *)mci_member_at(row, c->null_offset) = zero && mc_stmt_column_is_null(st, i);
}

/* Reads result columns at.. into row; lent (q given): strings and blobs
 * point into the current row (lend.c) instead of being copied.  Owned
 * values are read only while rc is MC_OK, plain ones always, as the
 * default mode's readers do. */
static int read_row(mc_db *db, mc_query *q, const mc_model *m, mc_stmt *st, int at, void *row)
{
    int rc = MC_OK;
    for (size_t k = 0; k < m->ncolumns; k++) {
        const mc_model_col *c = &m->columns[k];
        int i = at + (int)k;
        void *p = mci_member(row, c);
        if (!is_text(c->kind) && c->kind != MC_COL_BLOB) {
            read_plain(c, st, i, row);
            continue;
        }
        if (rc != MC_OK)
            continue;
        if (c->kind == MC_COL_BLOB)
            rc = q ? mc_stmt_column_blob_lent(db, st, i, (mc_blob *)p) : mc_stmt_column_blob(db, st, i, (mc_blob *)p);
        else if (c->kind == MC_COL_NUMERIC && c->length > 0)
            rc = q ? mc_query_numeric_lent(q, st, i, c->scale, (char **)p)
                   : mc_stmt_column_numeric(db, st, i, c->scale, (char **)p);
        else
            rc = q ? mc_stmt_column_text_lent(db, st, i, (char **)p) : mc_stmt_column_text(db, st, i, (char **)p);
    }
    return rc;
}

int mc_model_read(mc_db *db, const mc_model *m, mc_stmt *st, int at, void *row)
{
    if (m->abi != MC_MODEL_ABI)
        return mci_model_abi_error(db, m);
    return read_row(db, NULL, m, st, at, row);
}

int mc_model_read_lent(mc_query *q, const mc_model *m, mc_stmt *st, int at, void *row)
{
    if (m->abi != MC_MODEL_ABI)
        return mci_model_abi_error(mc_query_db(q), m);
    return read_row(mc_query_db(q), q, m, st, at, row);
}

int mci_model_abi_error(mc_db *db, const mc_model *m)
{
    return mc_set_error(db, MC_MISUSE, "%s: generated by a modelc whose model tables (version %d) this libmodelc "
                                       "(version %d) does not read: regenerate the code",
                        m->table, m->abi, MC_MODEL_ABI);
}

/* ---- checks before a write ---------------------------------------------- */

/* The check of one column's value: what types.def's check column calls. */
static int check_value(mc_db *db, const mc_model *m, const mc_model_col *c, const void *row)
{
    const void *p = mci_member(row, c);
    const char *s = is_text(c->kind) ? *(const char *const *)p : NULL;
    switch (c->kind) {
    case MC_COL_ENUM: {
        int v = mci_model_enum_get(c, row);
        if (v && !mci_model_enum_text(c, v))
            return mc_set_error(db, MC_INVALID, "%s.%s: %d is not a %s value", m->table, c->field, v, c->names[0]);
        return MC_OK;
    }
    case MC_COL_DOUBLE:
        if ((c->flags & MC_COLF_NULL_FLAG) && *(const bool *)mci_member_at(row, c->null_offset))
            return MC_OK;
        return mc_check_double(db, m->table, c->field, *(const double *)p);
    case MC_COL_STRING: return mc_check_text(db, m->table, c->field, s, c->length);
    case MC_COL_NUMERIC: return s ? mc_check_numeric(db, m->table, c->field, s, c->length, c->scale) : MC_OK;
    case MC_COL_JSON: return s ? mc_check_json(db, m->table, c->field, s) : MC_OK;
    case MC_COL_DATETIME: return s ? mc_check_datetime(db, m->table, c->field, s) : MC_OK;
    case MC_COL_DATE: return s ? mc_check_date(db, m->table, c->field, s) : MC_OK;
    case MC_COL_TIME: return s ? mc_check_time(db, m->table, c->field, s) : MC_OK;
    case MC_COL_BLOB: return mc_check_blob(db, m->table, c->field, (const mc_blob *)p);
    default: return MC_OK;
    }
}

/* Is a plain member other than 0 (a value besides its _null flag)? */
static bool nonzero(const mc_model_col *c, const void *row)
{
    const void *p = mci_member(row, c);
    switch (c->kind) {
    case MC_COL_INT64: return *(const int64_t *)p != 0;
    case MC_COL_INT32: return *(const int32_t *)p != 0;
    case MC_COL_DOUBLE: return *(const double *)p != 0;     /* NaN too */
    case MC_COL_BOOL: return *(const bool *)p;
    default: return false;
    }
}

int mc_model_check(mc_db *db, const mc_model *m, const void *row)
{
    if (m->abi != MC_MODEL_ABI)
        return mci_model_abi_error(db, m);
    for (size_t k = 0; k < m->ncolumns; k++) {
        const mc_model_col *c = &m->columns[k];
        int rc = check_value(db, m, c, row);
        if (rc != MC_OK)
            return rc;
        /* x_null and a value at once: the struct contradicts itself. */
        if ((c->flags & MC_COLF_NULL_FLAG) && *(const bool *)mci_member_at(row, c->null_offset) && nonzero(c, row))
            return mc_set_error(db, MC_INVALID, "%s.%s: %s_null is set but %s is not 0 (NULL or a value, not both)",
                                m->table, c->field, c->field, c->field);
    }
    return MC_OK;
}

/* ---- lifecycle ------------------------------------------------------------ */

void mc_model_clear(const mc_model *m, void *row)
{
    if (!row)
        return;
    for (size_t k = 0; k < m->ncolumns; k++) {
        const mc_model_col *c = &m->columns[k];
        void *p = mci_member(row, c);
        if (c->kind == MC_COL_BLOB)
            mc_blob_free((mc_blob *)p);
        else if (is_text(c->kind) && *(char **)p != MC_NOW)
            free(*(char **)p);
    }
    memset(row, 0, m->size);
}

void *mc_model_new(const mc_model *m)
{
    if (m->abi != MC_MODEL_ABI)
        return NULL;
    char *row = (char *)malloc(m->size);
    if (!row)
        return NULL;
    memcpy(row, m->init, m->size);
    /* The strings and blobs of X_INIT are lent literals: none is owned
     * until copied, so a failure frees only the copies made. */
    for (size_t k = 0; k < m->ncolumns; k++) {
        const mc_model_col *c = &m->columns[k];
        void *p = mci_member(row, c);
        if (c->kind == MC_COL_BLOB)
            memset(p, 0, sizeof(mc_blob));
        else if (is_text(c->kind) && *(char **)p != MC_NOW)
            *(char **)p = NULL;
    }
    for (size_t k = 0; k < m->ncolumns; k++) {
        const mc_model_col *c = &m->columns[k];
        const void *from = mci_member(m->init, c);
        void *p = mci_member(row, c);
        int rc = MC_OK;
        if (c->kind == MC_COL_BLOB && ((const mc_blob *)from)->data)
            rc = mc_set_blob((mc_blob *)p, ((const mc_blob *)from)->data, ((const mc_blob *)from)->len);
        else if (is_text(c->kind) && *(char *const *)from && *(char *const *)from != MC_NOW)
            rc = mc_set_text((char **)p, *(char *const *)from);
        if (rc != MC_OK) {
            mc_model_clear(m, row);
            free(row);
            return NULL;
        }
    }
    return row;
}

void mc_model_init(const mc_model *m, void *row)
{
    memcpy(row, m->init, m->size);
}

void mc_model_free(const mc_model *m, void *row)
{
    mc_model_clear(m, row);
    free(row);
}

void mc_model_list_free(const mc_model *m, void *list)
{
    if (!list)
        return;
    mc_list l = mci_get_list(list);
    mc_model_free_items(m, l.items, l.count);
    mci_put_list(list, NULL, 0);
}

void mc_model_page_free(const mc_model *m, void *page)
{
    if (!page)
        return;
    mc_model_page p;
    memcpy(&p, page, sizeof p);
    mc_model_free_items(m, p.items, p.count);
    memset(page, 0, sizeof p);
}

void mc_model_free_items(const mc_model *m, void *items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        mc_model_clear(m, (char *)items + i * m->size);
    free(items);
}
