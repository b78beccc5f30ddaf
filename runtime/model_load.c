/*
 * model_load.c -- eager loading by descriptor (generate --compact):
 * X_list_load_<rel>, SQLAlchemy's selectinload, for a list of rows.
 *
 * The steps of c_eager.c's loaders in the default mode: the list's keys
 * go to mc_eager (runtime/eager.c), one statement reads every related
 * row (model_read.c, by the target's mc_model), and each row is put where
 * the keys say: appended to the lists of the rows that have its key, or
 * kept once and pointed at by each row that refers to it.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* Gives e the key of every item (NULL keys: none). */
static int give_keys(mc_eager *e, const mc_model *m, const mc_model_col *c, const char *items, size_t count)
{
    int rc = MC_OK;
    for (size_t i = 0; rc == MC_OK && i < count; i++) {
        const char *row = items + i * m->size;
        const void *p = mci_member(row, c);
        if (c->kind == MC_COL_STRING) {
            if (*(const char *const *)p)
                rc = mc_eager_key_text(e, i, *(const char *const *)p);
        } else if (!(c->flags & MC_COLF_NULL_FLAG) || !*(const bool *)mci_member_at(row, c->null_offset)) {
            rc = mc_eager_key(e, i, c->kind == MC_COL_INT32 ? *(const int32_t *)p : *(const int64_t *)p);
        }
    }
    return rc;
}

/* The first position of e with the key in column c of row (a target row). */
static size_t first_of_row(const mc_eager *e, const mc_model_col *c, const void *row)
{
    const void *p = mci_member(row, c);
    if (c->kind == MC_COL_STRING)
        return mc_eager_first_text(e, *(const char *const *)p);
    return mc_eager_first(e, c->kind == MC_COL_INT32 ? *(const int32_t *)p : *(const int64_t *)p);
}

/* lists: appends each result row to the list of every position with its key. */
static int fill_lists(mc_db *db, mc_eager *e, const mc_model_rel *rel, mc_stmt *st, mc_list *lists)
{
    const mc_model *T = rel->target;
    int rc;
    while ((rc = mc_eager_step(e)) == MC_OK) {
        size_t at = rel->text ? mc_eager_first_text(e, mc_stmt_column_cstr(st, rel->key_at))
                              : mc_eager_first(e, mc_stmt_column_int64(st, rel->key_at));
        for (; rc == MC_OK && at != MC_EAGER_NONE; at = mc_eager_next(e, at)) {
            mc_list *l = &lists[at];
            void *items = mc_list_grow(db, l->items, l->count, T->size);
            if (!items)
                return MC_NOMEM;
            l->items = items;
            rc = mc_model_read(db, T, st, rel->row_at, (char *)l->items + l->count * T->size);
            l->count++;
        }
        if (rc != MC_OK)
            return rc;
    }
    return rc;
}

/* refs: keeps each result row once, then points every position with its key at it. */
static int fill_refs(mc_db *db, mc_eager *e, const mc_model_rel *rel, mc_stmt *st, void **refs, void **rows,
                     size_t *nrows)
{
    const mc_model *T = rel->target;
    int rc;
    while ((rc = mc_eager_step(e)) == MC_OK) {
        void *grown = mc_list_grow(db, *rows, *nrows, T->size);
        if (!grown)
            return MC_NOMEM;
        *rows = grown;
        rc = mc_model_read(db, T, st, 0, (char *)*rows + *nrows * T->size);
        ++*nrows;
        if (rc != MC_OK)
            return rc;
    }
    for (size_t k = 0; rc == MC_DONE && k < *nrows; k++) {
        void *row = (char *)*rows + k * T->size;
        for (size_t at = first_of_row(e, &T->columns[rel->dst_key], row); at != MC_EAGER_NONE; at = mc_eager_next(e, at))
            refs[at] = row;
    }
    return rc;
}

/* Writes the loader's result into out: an X_lists or an X_refs. */
static void put_out(const mc_model_rel *rel, void *out, void *arr, size_t count, void *rows, size_t nrows)
{
    if (rel->lists) {
        mc_model_lists l = {arr, count};
        memcpy(out, &l, sizeof l);
    } else {
        mc_model_refs r = {arr, count, {rows, nrows}};
        memcpy(out, &r, sizeof r);
    }
}

int mc_model_load(mc_db *db, const mc_model *m, const mc_model_rel *rel, const void *list, void *out)
{
    const mc_model *T = rel->target;
    mc_list l = mci_get_list(list);
    size_t count = l.count;
    void *arr = NULL, *got = NULL;
    size_t ngot = 0;
    put_out(rel, out, NULL, 0, NULL, 0);
    if (m->abi != MC_MODEL_ABI || T->abi != MC_MODEL_ABI)
        return mci_model_abi_error(db, m->abi != MC_MODEL_ABI ? m : T);
    mc_eager *e = mc_eager_new(db, count, T->table);
    if (!e)
        return mc_errcode(db);
    int rc = give_keys(e, m, &m->columns[rel->src_key], (const char *)l.items, count);
    if (rc == MC_OK && count && !(arr = calloc(count, rel->lists ? sizeof(mc_list) : sizeof(void *))))
        rc = mc_set_error(db, MC_NOMEM, "%s: out of memory loading related rows", T->table);
    mc_stmt *st = NULL;
    if (rc == MC_OK)
        rc = mc_eager_run(e, rel->sql, &st);
    if (rc == MC_OK)
        rc = rel->lists ? fill_lists(db, e, rel, st, (mc_list *)arr) : fill_refs(db, e, rel, st, (void **)arr, &got, &ngot);
    mc_eager_free(e);
    if (rc != MC_DONE) {
        for (size_t i = 0; rel->lists && arr && i < count; i++)
            mc_model_free_items(T, ((mc_list *)arr)[i].items, ((mc_list *)arr)[i].count);
        mc_model_free_items(T, got, ngot);
        free(arr);
        return rc;
    }
    put_out(rel, out, arr, arr ? count : 0, got, ngot);
    return MC_OK;
}

void mc_model_lists_free(const mc_model *m, void *lists)
{
    if (!lists)
        return;
    mc_model_lists l;
    memcpy(&l, lists, sizeof l);
    for (size_t i = 0; i < l.count; i++)
        mc_model_list_free(m, (mc_list *)l.lists + i);
    free(l.lists);
    memset(lists, 0, sizeof l);
}

void mc_model_refs_free(const mc_model *m, void *refs)
{
    if (!refs)
        return;
    mc_model_refs r;
    memcpy(&r, refs, sizeof r);
    mc_model_free_items(m, r.rows.items, r.rows.count);
    free(r.refs);
    memset(refs, 0, sizeof r);
}
