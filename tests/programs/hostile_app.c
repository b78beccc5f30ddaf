/*
 * hostile_app.c -- the code generated from hostile.model, whose table and
 * column names, check and default SQL are made of quotes, backslashes,
 * printf conversions, comment ends, trigraphs, newlines and a call to
 * system(): every generated function that puts schema text into SQL or a
 * message runs, and the database must hold exactly the names the schema
 * wrote.
 *
 *   hostile_app DB       DB: a fresh database file, created through the
 *                        compiled-in migrations (hostile_migrate)
 *
 * Built and run by tests/unit/test_hostile.c, in a directory where a
 * file "pwned" must not appear.  Exits 1 if any check failed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile.h"

static mc_db *db;

#include "app_check.h"

/* The names as the schema spells them, decoded. */
#define EVIL "e\"v%n%s\\il*/?\?/\nx\"); system(\"touch pwned\"); (\"\303\251"
#define EVIL_NAME "na\"me%n%s"
#define EVIL_NOTE "*/ /* ?\?/ \\ %s\n\"); system(\"touch pwned\"); (\"\t"
#define EVIL_N "%n%n%n%s"
#define EVIL_MOOD "mo\"od?\?="
#define KID "k\"id\\%s"
#define KID_EVIL "ev\"il%s"
#define TAG "t%sag\""
#define TAG_LABEL "la\"bel%d"
#define EVIL_TAG "evil\"_tag%n"

/* The column names of table, in order, joined by '|'. */
static const char *columns_of(const char *table, char *buf, size_t size)
{
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(mc_sqlite(db), "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &st, NULL) !=
        SQLITE_OK)
        return buf;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? "|" : "", name);
    }
    sqlite3_finalize(st);
    return buf;
}

/* Every table name (without the migrations' own), sorted, joined by '|'. */
static const char *tables(char *buf, size_t size)
{
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(mc_sqlite(db),
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'modelc\\_%' "
                           "ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return buf;
    while (sqlite3_step(st) == SQLITE_ROW)
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? "|" : "",
                                (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static void schema_is_exact(void)
{
    char buf[1024];
    CHECK_STR(tables(buf, sizeof buf), EVIL "|" EVIL_TAG "|" KID "|" TAG);
    CHECK_STR(columns_of(EVIL, buf, sizeof buf), "id|" EVIL_NAME "|" EVIL_NOTE "|" EVIL_N "|" EVIL_MOOD);
    CHECK_STR(columns_of(KID, buf, sizeof buf), "id|" KID_EVIL);
    CHECK_STR(columns_of(TAG, buf, sizeof buf), "id|" TAG_LABEL);
    CHECK_STR(columns_of(EVIL_TAG, buf, sizeof buf), "e\"%n|t\"%n");
}

static void crud(void)
{
    char buf[1024];
    Evil e = {.name = "first", .note = "a note", .mood = MOOD_SAD};
    OK(evil_insert(db, &e));
    CHECK_INT(e.id, 1);
    /* the schema's defaults (a default and a server default made of quotes,
     * %, comment ends and trigraphs) through EVIL_INIT, then stored */
    Evil plain = EVIL_INIT;
    CHECK_STR(plain.name, "d\"%n%s*/?\?/\\");
    CHECK_STR(plain.note, "srv\"%s*/?\?/");
    plain.name = "second";
    OK(evil_insert(db, &plain));

    Evil *got = NULL;
    OK(evil_get(db, plain.id, &got));
    CHECK(got != NULL, "evil_get");
    if (got) {
        CHECK_STR(got->name, "second");
        CHECK_STR(got->note, "srv\"%s*/?\?/");
        evil_free(got);
        got = NULL;
    }

    OK(evil_find_by_name(db, "first", &got));
    if (got) {
        CHECK_STR(got->note, "a note");
        CHECK_INT(got->mood, MOOD_SAD);
        OK(evil_set_note(got, "changed"));
        OK(evil_update(db, got));
        evil_free(got);
        got = NULL;
    }
    CHECK_STR(app_sql_text(db, "SELECT \"*/ /* ?\?/ \\ %s\n\"\"); system(\"\"touch pwned\"\"); (\"\"\t\" FROM "
                               "\"e\"\"v%n%s\\il*/?\?/\nx\"\"); system(\"\"touch pwned\"\"); (\"\"\303\251\" "
                               "WHERE id = ?", 1, buf, sizeof buf),
              "changed");

    /* the check constraint, with its quoted hostile column, is in the DDL */
    CHECK(strstr(app_sql_text(db, "SELECT sql FROM sqlite_master WHERE name = '" "e\"v%n%s\\il*/?\?/\nx\"); "
                                  "system(\"touch pwned\"); (\"\303\251'", 0, buf, sizeof buf),
                 "CHECK (length(\"na\"\"me%n%s\") <= 40)") != NULL, "check constraint in %s", buf);

    Evil_query *q = evil_query(db);
    evil_query_where_name_like(q, "%ir%");
    evil_query_order_by(q, EVIL_COL_NAME, true);
    int64_t count = -1;
    OK(evil_query_count(q, &count));
    CHECK_INT(count, 1);
    Evil_list list = {0};
    OK(evil_query_all(q, &list));
    CHECK_INT(list.count, 1);
    evil_list_free(&list);
    evil_query_free(q);

    /* messages carry the names as text, never as a format */
    CHECK_FAIL(evil_get(db, 999, &got), MC_NOTFOUND, EVIL ": no row with id 999");
    CHECK_FAIL(evil_delete(db, 999), MC_NOTFOUND, EVIL ": no row with id 999");
    Evil bad = {.name = "x", .mood = (Mood)7};
    CHECK_FAIL(evil_insert(db, &bad), MC_INVALID, EVIL ".mood: 7 is not a Mood value");
    Evil dup = {.name = "first"};
    CHECK_RC(evil_insert(db, &dup), MC_CONSTRAINT);
    CHECK_ERR(EVIL);

    /* relationships: one-to-many, joined, many-to-one, many-to-many */
    Kid k = {0};
    kid_set_evil(&k, &e);
    OK(kid_insert(db, &k));
    Kid_list kids = {0};
    OK(evil_kids_list(db, &e, &kids));
    CHECK_INT(kids.count, 1);
    kid_list_free(&kids);
    Evil *parent = NULL;
    OK(evil_get_with_kids(db, e.id, &parent, &kids));
    CHECK_INT(kids.count, 1);
    evil_free(parent);
    kid_list_free(&kids);
    OK(kid_evil(db, &k, &parent));
    CHECK(parent && parent->id == e.id, "kid_evil");
    evil_free(parent);

    Tag t = {.label = "tag"};
    OK(tag_insert(db, &t));
    OK(evil_tags_add(db, &e, &t));
    Tag_list tags = {0};
    OK(evil_tags_list(db, &e, &tags));
    CHECK_INT(tags.count, 1);
    tag_list_free(&tags);
    OK(evil_tags_remove(db, &e, &t));
    CHECK_FAIL(evil_tags_remove(db, &e, &t), MC_NOTFOUND, EVIL_TAG ": the two rows were not linked");

    OK(kid_delete(db, k.id));
    OK(evil_delete(db, plain.id));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM \"k\"\"id\\%s\"", 0), 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: hostile_app DB\n");
        return 2;
    }
    int rc = mc_open(&db, argv[1], NULL);
    if (rc == MC_OK)
        rc = hostile_migrate(db);
    if (rc != MC_OK) {
        fprintf(stderr, "hostile_app: %s: %s\n", mc_status_name(rc), mc_errmsg(db));
        mc_close(db);
        return 1;
    }
    schema_is_exact();
    crud();
    mc_close(db);
    return app_done("hostile_app");
}
