/*
 * test_compact.c -- the runtime side of generate --compact on its own: a
 * model descriptor written by hand (as c_compact.c writes them) drives
 * insert, find, update, delete and the checks, with the default mode's
 * results and messages; a descriptor of another MC_MODEL_ABI is refused.
 * (The generated code of both examples runs in both modes in
 * test_generated and test_portable.)
 */
#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "modelc.h"
#include "testutil.h"

typedef struct Item {
    int64_t id;
    char *name;
    double weight;
    bool weight_null;
} Item;

static const Item item_init = {0, NULL, 0.0, true};
static const mc_model_col item_cols[] = {
    {"id", MC_COL_INT64, MC_COLF_PK | MC_COLF_ROWID, offsetof(Item, id), 0, sizeof(int64_t), 0, 0, NULL, NULL, 0, 0},
    {"name", MC_COL_STRING, 0, offsetof(Item, name), 0, sizeof(char *), 5, 0, NULL, NULL, 0, 0},
    {"weight", MC_COL_DOUBLE, MC_COLF_NULL_FLAG, offsetof(Item, weight), offsetof(Item, weight_null), sizeof(double), 0,
     0, NULL, NULL, 0, 0},
};
static const int item_keycols[] = {0};
static const mc_model_key item_keys[] = {
    {"SELECT \"id\", \"name\", \"weight\" FROM \"item\" WHERE \"id\" = ?", 1, item_keycols},
};
static const mc_table_meta item_meta = {"item", "\"item\"", "\"id\", \"name\", \"weight\"", 0, NULL, NULL};
static const mc_model item_model = {
    MC_MODEL_ABI, "item", sizeof(Item), &item_init, &item_meta, 3, item_cols, 0,
    "INSERT INTO \"item\" (\"name\", \"weight\") VALUES (?, ?) RETURNING \"id\"",
    "INSERT INTO \"item\" (\"name\", \"weight\", \"id\") VALUES (?, ?, ?)",
    "UPDATE \"item\" SET \"name\" = ?, \"weight\" = ? WHERE \"id\" = ?",
    "DELETE FROM \"item\" WHERE \"id\" = ?",
    1, item_keys, 0, NULL,
};

static mc_db *open_items(void)
{
    mc_db *db = NULL;
    ck_assert_int_eq(mc_open(&db, ":memory:", NULL), MC_OK);
    ck_assert_int_eq(mc_exec(db, "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(5) NOT NULL, weight FLOAT)"),
                     MC_OK);
    return db;
}

/* Updates row 1 from back (freed here) and reads it back anew. */
static Item *update_and_find(mc_db *db, Item *back)
{
    void *got = NULL;
    ck_assert_int_eq(mc_model_update(db, &item_model, back), MC_OK);
    mc_model_clear(&item_model, back);
    free(back);
    ck_assert_int_eq(mc_model_find(db, &item_model, 0, &got, (int64_t)1), MC_OK);
    return (Item *)got;
}

START_TEST(descriptor_drives_the_operations)
{
    mc_db *db = open_items();
    Item *row = (Item *)mc_model_new(&item_model);
    ck_assert_ptr_nonnull(row);
    ck_assert(row->weight_null);    /* as the init row says */
    ck_assert_int_eq(mc_set_text(&row->name, "abc"), MC_OK);
    ck_assert_int_eq(mc_model_insert(db, &item_model, row), MC_OK);
    ck_assert_int_eq(row->id, 1);   /* the rowid written back */

    void *got = NULL;
    ck_assert_int_eq(mc_model_find(db, &item_model, 0, &got, (int64_t)1), MC_OK);
    Item *back = (Item *)got;
    ck_assert_str_eq(back->name, "abc");
    ck_assert(back->weight_null);
    back->weight_null = false;
    back->weight = 2.5;
    back = update_and_find(db, back);
    ck_assert(!back->weight_null);
    ck_assert(back->weight == 2.5);
    /* 0 is a value, not NULL (a NULL reads as 0 too: the reader asks) */
    back->weight = 0.0;
    back = update_and_find(db, back);
    ck_assert(!back->weight_null);
    ck_assert(back->weight == 0.0);
    back->weight = 2.5;

    /* the checks, with the default mode's messages */
    ck_assert_int_eq(mc_set_text(&back->name, "abcdef"), MC_OK);
    ck_assert_int_eq(mc_model_update(db, &item_model, back), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "item.name: 6 characters, at most 5");
    ck_assert_int_eq(mc_set_text(&back->name, "ok"), MC_OK);
    back->weight_null = true;
    ck_assert_int_eq(mc_model_update(db, &item_model, back), MC_INVALID);
    ck_assert_str_eq(mc_errmsg(db), "item.weight: weight_null is set but weight is not 0 (NULL or a value, not both)");
    mc_model_clear(&item_model, back);
    free(back);

    ck_assert_int_eq(mc_model_find(db, &item_model, 0, &got, (int64_t)42), MC_NOTFOUND);
    ck_assert_ptr_null(got);
    ck_assert_str_eq(mc_errmsg(db), "item: no row with id 42");
    ck_assert_int_eq(mc_model_delete(db, &item_model, (int64_t)42), MC_NOTFOUND);
    ck_assert_str_eq(mc_errmsg(db), "item: no row with id 42");
    ck_assert_int_eq(mc_model_delete(db, &item_model, (int64_t)1), MC_OK);
    ck_assert_int_eq(mc_model_find(db, &item_model, 0, &got, (int64_t)1), MC_NOTFOUND);

    /* NOT NULL is the database's: a NULL name fails there, named */
    mc_set_text(&row->name, NULL);
    row->id = 0;
    ck_assert_int_eq(mc_model_insert(db, &item_model, row), MC_CONSTRAINT);
    ck_assert_ptr_nonnull(strstr(mc_errmsg(db), "item: NOT NULL constraint failed"));
    mc_model_clear(&item_model, row);
    free(row);
    mc_close(db);
}
END_TEST

START_TEST(other_abi_is_refused)
{
    mc_db *db = open_items();
    mc_model other = item_model;
    other.abi = MC_MODEL_ABI + 1;
    Item row = item_init;
    ck_assert_int_eq(mc_model_insert(db, &other, &row), MC_MISUSE);
    ck_assert_ptr_nonnull(strstr(mc_errmsg(db), "regenerate"));
    void *got = &row;
    ck_assert_int_eq(mc_model_find(db, &other, 0, &got, (int64_t)1), MC_MISUSE);
    ck_assert_ptr_null(got);
    ck_assert_ptr_null(mc_model_new(&other));
    mc_close(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("compact");
    TCase *tc = tcase_create("descriptors");
    tcase_add_test(tc, descriptor_drives_the_operations);
    tcase_add_test(tc, other_abi_is_refused);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
