/*
 * fetch_app.c -- one compiled program over tests/programs/fetch.model,
 * run by test_pg_fetch.c against a SQLite file and a PostgreSQL schema.
 * On PostgreSQL the generated code fetches whole results for get, find,
 * first, lists, pages, counts, eager loads and named queries, and streams
 * X_query_next and a named query's _open/_next: these checks would fail
 * if a whole result were read at the wrong row, lost rows, or left the
 * connection unusable after a failure.
 *
 *   fetch_app URL DDL
 */
#include <stdint.h>

#include "fetch.h"

static mc_db *db;

#include "app_check.h"

#define N1 1500 /* items of crate 1 (n = 1..N1), then N2 of crate 2 */
#define N2 3

static int64_t crate1, crate2, first_item;

static void label_of(char *out, size_t cap, long n)
{
    snprintf(out, cap, "item-%ld", n);
}

/* The item of crate 1 with n, as inserted. */
static void check_item(const Item *it, long n)
{
    char want[32];
    label_of(want, sizeof want, n);
    CHECK_INT(it->id, first_item + n - 1);
    CHECK_INT(it->n, n);
    CHECK_STR(it->label, want);
    CHECK_INT(it->crate_id, crate1);
}

static void fill(void)
{
    Crate a = CRATE_INIT, b = CRATE_INIT;
    a.name = "one";
    b.name = "two";
    OK(crate_insert(db, &a));
    OK(crate_insert(db, &b));
    crate1 = a.id;
    crate2 = b.id;
    OK(mc_begin(db));
    for (long n = 1; n <= N1 + N2; n++) {
        char label[32];
        Item it = ITEM_INIT;
        label_of(label, sizeof label, n <= N1 ? n : n - N1);
        it.n = n <= N1 ? n : n - N1;
        it.n_null = false;
        it.label = label;
        it.crate_id = n <= N1 ? crate1 : crate2;
        it.crate_id_null = false;
        OK(item_insert(db, &it));
        if (n == 1)
            first_item = it.id;
    }
    OK(mc_commit(db));
}

/* Every list path gives every row, each read from its own row. */
static void lists(void)
{
    Item_list all;
    OK(item_all(db, &all));
    CHECK_INT(all.count, N1 + N2);
    int64_t ids = 0, ns = 0;
    for (size_t i = 0; i < all.count; i++) {
        ids += all.items[i].id;
        ns += all.items[i].n;
    }
    CHECK_INT(ids, (N1 + N2) * first_item + (int64_t)(N1 + N2) * (N1 + N2 - 1) / 2);
    CHECK_INT(ns, (int64_t)N1 * (N1 + 1) / 2 + N2 * (N2 + 1) / 2);
    item_list_free(&all);

    Item_query *q = item_query(db);
    item_query_where_crate_id_eq(q, crate1);
    item_query_order_by(q, ITEM_COL_ID, false);
    Item_list list;
    OK(item_query_all(q, &list));
    CHECK_INT(list.count, N1);
    for (size_t i = 0; i < list.count; i++)
        check_item(&list.items[i], (long)i + 1);
    item_list_free(&list);

    /* a page of the same query, and its count */
    Item_page page;
    OK(item_query_page(q, 3, 100, &page));
    CHECK_INT(page.total, N1);
    CHECK_INT(page.pages, N1 / 100);
    CHECK_INT(page.count, 100);
    for (size_t i = 0; i < page.count; i++)
        check_item(&page.items[i], 201 + (long)i);
    item_page_free(&page);
    int64_t count = 0;
    OK(item_query_count(q, &count));
    CHECK_INT(count, N1);
    item_query_free(q);

    /* the relationship's list, and the named query's */
    Crate *c = NULL;
    OK(crate_get(db, crate1, &c));
    if (c) {
        OK(crate_items_list(db, c, &list));
        CHECK_INT(list.count, N1);
        int64_t sum = 0;
        for (size_t i = 0; i < list.count; i++)
            sum += list.items[i].n;
        CHECK_INT(sum, (int64_t)N1 * (N1 + 1) / 2);
        item_list_free(&list);
        crate_free(c);
    }
    OK(items_of(db, crate1, &list));
    CHECK_INT(list.count, N1);
    for (size_t i = 0; i < list.count; i++)
        check_item(&list.items[i], (long)i + 1);
    item_list_free(&list);

    /* eager loading: every item of both crates, in one statement */
    Crate_list crates;
    Item_lists per;
    OK(crate_all(db, &crates));
    CHECK_INT(crates.count, 2);
    OK(crate_list_load_items(db, &crates, &per));
    CHECK_INT(per.count, crates.count);
    for (size_t i = 0; i < per.count && i < crates.count; i++)
        CHECK_INT(per.lists[i].count, crates.items[i].id == crate1 ? N1 : N2);
    item_lists_free(&per);
    crate_list_free(&crates);
}

/* first() and the one-row forms over results of many rows: the first row. */
static void firsts(void)
{
    Item_query *q = item_query(db);
    item_query_where_crate_id_eq(q, crate1);
    item_query_order_by(q, ITEM_COL_N, true);
    Item *it = NULL;
    OK(item_query_first(q, &it));
    if (it)
        check_item(it, N1);
    item_free(it);
    item_query_offset(q, 10);
    OK(item_query_first(q, &it));
    if (it)
        check_item(it, N1 - 10);
    item_free(it);
    item_query_free(q);

    OK(newest(db, crate1, &it));
    if (it)
        check_item(it, N1);
    item_free(it);
    int64_t top = 0;
    OK(top_n(db, crate1, &top));
    CHECK_INT(top, N1);

    OK(item_get(db, first_item + 699, &it));
    if (it)
        check_item(it, 700);
    item_free(it);
    CHECK_FAIL(item_get(db, first_item + 99999, &it), MC_NOTFOUND, "no row with id");
    CHECK(it == NULL, "item_get left *out set");
    Crate *c = NULL;
    OK(crate_find_by_name(db, "two", &c));
    if (c)
        CHECK_INT(c->id, crate2);
    crate_free(c);
}

/* A stream (one row at a time) with whole-result calls in between on the
 * same connection: the stream goes on where it was, nothing lost. */
static void stream_then_lists(void)
{
    Item_query *q = item_query(db);
    item_query_where_crate_id_eq(q, crate1);
    item_query_order_by(q, ITEM_COL_ID, false);
    Item row = ITEM_INIT;
    row.label = NULL;
    long n = 0;
    int rc;
    while ((rc = item_query_next(q, &row)) == MC_OK) {
        check_item(&row, ++n);
        if (n == 10 || n == 11) {
            Item_query *other = item_query(db);
            item_query_where_crate_id_eq(other, crate2);
            Item_list list;
            OK(item_query_all(other, &list));
            CHECK_INT(list.count, N2);
            item_list_free(&list);
            item_query_free(other);
            OK(items_of(db, crate2, &list));
            CHECK_INT(list.count, N2);
            item_list_free(&list);
            Item *it = NULL;
            OK(item_get(db, first_item + 1000, &it));
            if (it)
                check_item(it, 1001);
            item_free(it);
        }
    }
    CHECK_RC(rc, MC_DONE);
    CHECK_INT(n, N1);

    /* all() of a query, then next() of the same query: it starts over and streams */
    Item_list list;
    OK(item_query_all(q, &list));
    CHECK_INT(list.count, N1);
    item_list_free(&list);
    OK(item_query_next(q, &row));
    check_item(&row, 1);
    OK(item_query_next(q, &row));
    check_item(&row, 2);
    item_clear(&row);
    item_query_free(q);

    /* the named query's streaming form, with its list form in between */
    items_of_iter it;
    OK(items_of_open(db, crate1, &it));
    n = 0;
    while ((rc = items_of_next(&it, &row)) == MC_OK) {
        check_item(&row, ++n);
        if (n == 5) {
            OK(items_of(db, crate1, &list));
            CHECK_INT(list.count, N1);
            item_list_free(&list);
        }
    }
    CHECK_RC(rc, MC_DONE);
    CHECK_INT(n, N1);
    items_of_close(&it);
}

/* A division by zero on a later row of a named query: PostgreSQL fails
 * the statement (SQLite gives NULL).  A status and a message, no rows,
 * and the connection goes on. */
static void failure_mid_result(void)
{
    ratios_row_list out;
    int pg = mc_db_engine(db) == MC_ENGINE_POSTGRESQL;
    if (!pg) {
        OK(ratios(db, 700, &out));
        CHECK_INT(out.count, N1 + N2);
        for (size_t i = 0; i < out.count; i++)
            if (out.items[i].id == first_item + 699)
                CHECK(out.items[i].r_null, "100 / 0 is NULL on SQLite");
        ratios_row_list_free(&out);
        return;
    }
    CHECK_FAIL(ratios(db, 700, &out), MC_INVALID, "division by zero");
    CHECK_STR(mc_sqlstate(db), "22012");
    CHECK_INT(out.count, 0);
    CHECK(out.items == NULL, "a failed list keeps no rows");

    /* the connection is usable: get, find, lists, the same query */
    Item *it = NULL;
    OK(item_get(db, first_item + 10, &it));
    if (it)
        check_item(it, 11);
    item_free(it);
    Crate *c = NULL;
    OK(crate_find_by_name(db, "one", &c));
    crate_free(c);
    OK(ratios(db, -1, &out));
    CHECK_INT(out.count, N1 + N2);
    ratios_row_list_free(&out);

    /* streamed: rows perhaps, then the failure, then the connection again */
    ratios_iter s;
    ratios_row row;
    memset(&row, 0, sizeof row);
    OK(ratios_open(db, 700, &s));
    int rc;
    size_t got = 0;
    while ((rc = ratios_next(&s, &row)) == MC_OK)
        got++;
    CHECK_RC(rc, MC_INVALID);
    CHECK_ERR("division by zero");
    CHECK(got <= 699, "%zu rows before the failing one", got);
    ratios_close(&s);
    OK(item_get(db, first_item, &it));
    if (it)
        check_item(it, 1);
    item_free(it);

    /* the same failure inside a transaction aborts it, as any failure does */
    OK(mc_begin(db));
    CHECK_RC(ratios(db, 700, &out), MC_INVALID);
    mc_rollback(db);
    OK(item_get(db, first_item + 1, &it));
    item_free(it);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fetch_app URL DDL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    fill();
    lists();
    firsts();
    stream_then_lists();
    failure_mid_result();
    mc_close(db);
    return app_done("fetch_app");
}
