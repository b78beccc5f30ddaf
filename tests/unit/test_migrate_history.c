/*
 * test_migrate_history.c -- regression tests for what the migration
 * planner must get right beyond the scenario matrix (issue 13, issue 7
 * section 5): dropping a table whose rows fire their own ON DELETE
 * actions, and the schema snapshot in each file's header (model names
 * behind renamed_from on custom tables, enum values) -- each from the
 * minimal case that failed, through the real binary and a real database.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- a workspace: DIR/app.model, DIR/migrations, DIR/app.db --------------- */

typedef struct ws {
    char *dir, *schema, *mig, *db;
} ws;

static ws ws_new(void)
{
    ws w;
    w.dir = tu_mkdtemp();
    w.schema = tu_fmt("%s/app.model", w.dir);
    w.mig = tu_fmt("%s/migrations", w.dir);
    w.db = tu_fmt("%s/app.db", w.dir);
    char *cmd = tu_fmt("mkdir -p '%s'", w.mig);
    tu_result r = tu_sh(cmd, 10);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    free(cmd);
    return w;
}

static void ws_free(ws *w)
{
    free(w->schema);
    free(w->mig);
    free(w->db);
    tu_rmdir(w->dir);
}

static tu_result mc(const char *a0, ...)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = tu_modelc();
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && n < 15; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return tu_run(argv, NULL, 60);
}

#define MC_OK(r, what) ck_assert_msg((r).status == 0, "%s: exit %d\nstdout: %s\nstderr: %s", what, (r).status, \
                                     (r).out, (r).err)

/* Writes the schema and runs migrate (flags: NULL or "--allow-data-loss"); returns the result. */
static tu_result migrate(const ws *w, const char *schema, const char *flag)
{
    ck_assert_int_eq(tu_write_file(w->schema, schema, strlen(schema)), 0);
    return flag ? mc("migrate", w->schema, "--dir", w->mig, flag, NULL) : mc("migrate", w->schema, "--dir", w->mig, NULL);
}

static void migrate_ok(const ws *w, const char *schema, const char *flag)
{
    tu_result r = migrate(w, schema, flag);
    MC_OK(r, schema);
    tu_result_free(&r);
}

static void run_ok(const ws *w, const char *cmd, const char *to)
{
    tu_result r = to ? mc(cmd, "--db", w->db, "--dir", w->mig, "--to", to, NULL)
                     : mc(cmd, "--db", w->db, "--dir", w->mig, NULL);
    MC_OK(r, cmd);
    tu_result_free(&r);
}

static void sql_ok(const ws *w, const char *sql)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(w->db, &db), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
    sqlite3_close(db);
}

/* The first column of every row of a query, "a\n" each. */
static char *rows(const ws *w, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_open(w->db, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    size_t cap = 256, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!t)
            t = "<null>";
        size_t n = strlen(t);
        if (len + n + 2 > cap) {
            cap = 2 * (len + n + 2);
            out = realloc(out, cap);
        }
        memcpy(out + len, t, n);
        len += n;
        out[len++] = '\n';
        out[len] = '\0';
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static void rows_eq(const ws *w, const char *sql, const char *want)
{
    char *got = rows(w, sql);
    ck_assert_msg(strcmp(got, want) == 0, "%s\n--- got ---\n%s--- want ---\n%s", sql, got, want);
    free(got);
}

static int nfiles(const ws *w)
{
    char *cmd = tu_fmt("ls '%s' | grep -c '\\.sql$'", w->mig);
    tu_result r = tu_sh(cmd, 10);
    int n = atoi(r.out ? r.out : "0");
    tu_result_free(&r);
    free(cmd);
    return n;
}

/* The text of migration number v. */
static char *file_text(const ws *w, int v)
{
    char *cmd = tu_fmt("ls '%s'/%04d_*.sql", w->mig, v);
    tu_result r = tu_sh(cmd, 10);
    r.out[strcspn(r.out, "\n")] = '\0';
    char *text = tu_read_file(r.out, NULL);
    ck_assert_msg(text != NULL, "no migration %04d", v);
    tu_result_free(&r);
    free(cmd);
    return text;
}

/* ---- 1. DROP TABLE with foreign keys on ------------------------------------- */

#define NODE_RESTRICT "model Node { id Integer primary_key; parent_id Integer foreign_key(Node.id, on_delete: restrict) }\n"
#define NODE_SET_DEFAULT                                                                                      \
    "model Node { id Integer primary_key; parent_id Integer not_null foreign_key(Node.id, on_delete: set_default) }\n"
#define KEEP "model Keep { id Integer primary_key }\n"

/* The case: rows (1, NULL), (2, 1) of a self-reference with
 * on_delete: restrict (and a NOT NULL set_default one), then the model is
 * dropped.  The upgrade that drops it and the downgrade of the migration
 * that created it must both succeed. */
static void drop_self_referencing(const char *node, const char *seed)
{
    ws w = ws_new();
    char *v1 = tu_fmt("%s%s", node, KEEP);
    migrate_ok(&w, v1, NULL);
    free(v1);
    run_ok(&w, "upgrade", NULL);
    sql_ok(&w, seed);
    /* Down to nothing: the downgrade of 0001 drops node. */
    run_ok(&w, "downgrade", "0");
    rows_eq(&w, "SELECT name FROM sqlite_master WHERE name = 'node'", "");
    run_ok(&w, "upgrade", NULL);
    sql_ok(&w, seed);
    /* An upgrade that drops it. */
    migrate_ok(&w, KEEP, "--allow-data-loss");
    run_ok(&w, "upgrade", NULL);
    rows_eq(&w, "SELECT name FROM sqlite_master WHERE name = 'node'", "");
    run_ok(&w, "downgrade", NULL);
    rows_eq(&w, "SELECT count(*) FROM node", "0\n");
    ws_free(&w);
}

START_TEST(drop_table_with_restrict_self_reference)
{
    drop_self_referencing(NODE_RESTRICT, "PRAGMA foreign_keys=ON; INSERT INTO node VALUES (1, NULL), (2, 1);");
}
END_TEST

START_TEST(drop_table_with_set_default_not_null)
{
    drop_self_referencing(NODE_SET_DEFAULT, "PRAGMA foreign_keys=ON; INSERT INTO node VALUES (1, 1), (2, 1);");
}
END_TEST

/* A file written before the planner said "PRAGMA foreign_keys=OFF": the
 * runner still turns enforcement off around a DROP TABLE, and checks. */
START_TEST(old_file_without_pragma_drops_table)
{
    ws w = ws_new();
    migrate_ok(&w, NODE_RESTRICT KEEP, NULL);
    const char *old = "-- Migration 0002: drop node\n-- modelc:upgrade\nDROP TABLE node;\n"
                      "-- modelc:downgrade\n"
                      "CREATE TABLE node (id INTEGER NOT NULL, parent_id INTEGER, PRIMARY KEY (id), "
                      "FOREIGN KEY(parent_id) REFERENCES node (id) ON DELETE RESTRICT);\n";
    char *path = tu_fmt("%s/0002_drop_node.sql", w.mig);
    ck_assert_int_eq(tu_write_file(path, old, strlen(old)), 0);
    free(path);
    run_ok(&w, "upgrade", "1");
    sql_ok(&w, "PRAGMA foreign_keys=ON; INSERT INTO node VALUES (1, NULL), (2, 1);");
    run_ok(&w, "upgrade", NULL);
    rows_eq(&w, "SELECT name FROM sqlite_master WHERE name = 'node'", "");
    ws_free(&w);
}
END_TEST

/* One foreign_key_check per migration, however many tables it rebuilds. */
START_TEST(one_foreign_key_check_per_migration)
{
    ws w = ws_new();
    migrate_ok(&w,
               "model A { id Integer primary_key; x String(10) }\n"
               "model B { id Integer primary_key; y String(10); a_id Integer foreign_key(A.id) }\n" KEEP,
               NULL);
    migrate_ok(&w,
               "model A { id Integer primary_key; x String(20) }\n"
               "model B { id Integer primary_key; y String(20); a_id Integer foreign_key(A.id) }\n",
               "--allow-data-loss");
    char *text = file_text(&w, 2);
    const char *down = strstr(text, "-- modelc:downgrade");
    ck_assert_ptr_nonnull(down);
    for (int half = 0; half < 2; half++) {
        const char *from = half ? down : text, *to = half ? text + strlen(text) : down;
        int offs = 0, checks = 0;
        for (const char *p = from; (p = strstr(p, "PRAGMA foreign_keys=OFF")) && p < to; p++)
            offs++;
        for (const char *p = from; (p = strstr(p, "PRAGMA foreign_key_check")) && p < to; p++)
            checks++;
        ck_assert_msg(offs == 1 && checks == 1, "%s: %d OFF, %d checks:\n%s", half ? "downgrade" : "upgrade", offs,
                      checks, text);
    }
    free(text);
    run_ok(&w, "upgrade", NULL);
    run_ok(&w, "downgrade", "0");
    ck_assert_int_eq(nfiles(&w), 2);
    ws_free(&w);
}
END_TEST

/* ---- 2. the snapshot: model names behind custom tables --------------------- */

#define ARTICLE "model Article table \"articles\" { id Integer primary_key; title String(40) }\n"
#define STORY_HINT "model Story table \"stories\" { renamed_from(Article); id Integer primary_key; title String(40) }\n"

static void refused(const ws *w, const char *schema, const char *flag, const char *want_err, int files)
{
    tu_result r = migrate(w, schema, flag);
    ck_assert_msg(r.status == 1, "should be refused, exit %d\n%s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.err, want_err), "stderr lacks '%s':\n%s", want_err, r.err);
    ck_assert_msg(strstr(r.err, "hint:"), "no hint:\n%s", r.err);
    ck_assert_int_eq(nfiles(w), files);
    tu_result_free(&r);
}

/* The case: the step carries --allow-data-loss for another change;
 * the hint must still rename, never drop and create. */
START_TEST(renamed_from_model_with_custom_table)
{
    ws w = ws_new();
    migrate_ok(&w, ARTICLE KEEP, NULL);
    run_ok(&w, "upgrade", NULL);
    sql_ok(&w, "INSERT INTO articles VALUES (1, 'one'), (2, 'two'); INSERT INTO keep VALUES (7);");
    migrate_ok(&w, STORY_HINT, "--allow-data-loss");
    char *text = file_text(&w, 2);
    ck_assert_msg(strstr(text, "ALTER TABLE articles RENAME TO stories;"), "%s", text);
    ck_assert_msg(!strstr(text, "DROP TABLE articles"), "%s", text);
    free(text);
    run_ok(&w, "upgrade", NULL);
    rows_eq(&w, "SELECT title FROM stories ORDER BY id", "one\ntwo\n");
    /* The hint is now stale: nothing more to do. */
    tu_result r = migrate(&w, STORY_HINT, NULL);
    MC_OK(r, "stale hint");
    ck_assert_msg(strstr(r.out, "No changes"), "%s", r.out);
    tu_result_free(&r);
    run_ok(&w, "downgrade", NULL);
    rows_eq(&w, "SELECT title FROM articles ORDER BY id", "one\ntwo\n");
    ws_free(&w);
}
END_TEST

/* A model whose custom table changes is the same model: a rename. */
START_TEST(custom_table_changed_is_a_rename)
{
    ws w = ws_new();
    migrate_ok(&w, ARTICLE, NULL);
    migrate_ok(&w, "model Article table \"posts\" { id Integer primary_key; title String(40) }\n", NULL);
    char *text = file_text(&w, 2);
    ck_assert_msg(strstr(text, "ALTER TABLE articles RENAME TO posts;"), "%s", text);
    free(text);
    ws_free(&w);
}
END_TEST

/* DSL.md 3: a hint that cannot be resolved is an error, never a drop and create. */
START_TEST(unresolvable_hint_is_an_error)
{
    ws w = ws_new();
    migrate_ok(&w, ARTICLE, NULL);
    /* located as every schema error is (DSL.md 1): file:line:col, the line, a caret under the old name */
    refused(&w, "model Story table \"stories\" { renamed_from(Nope); id Integer primary_key; title String(40) }\n",
            "--allow-data-loss",
            "app.model:1:44: error: model Story: renamed_from(Nope) names no model of the migrations' schema\n"
            "    model Story table \"stories\" { renamed_from(Nope); id Integer primary_key; title String(40) }\n"
            "                                               ^~~~\n",
            1);
    refused(&w, "model Article table \"articles\" { id Integer primary_key; name String(40) renamed_from(nope) }\n",
            "--allow-data-loss",
            "app.model:1:87: error: Article.name: renamed_from(nope) names no column of table articles in the "
            "migrations' schema\n"
            "    model Article table \"articles\" { id Integer primary_key; name String(40) renamed_from(nope) }\n"
            "                                                                                          ^~~~\n",
            1);
    /* The old model still there: not a rename either. */
    refused(&w, ARTICLE "model Story { renamed_from(Article); id Integer primary_key }\n", "--allow-data-loss",
            "app.model:2:28: error: model Story: renamed_from(Article), but table articles of model Article is still "
            "in the schema\n",
            1);
    ws_free(&w);
}
END_TEST

/* A refusal about a field of the schema is located there, as every
 * schema error is (DSL.md 1); a dropped one is no longer in the file,
 * so that refusal names the file. */
START_TEST(refusals_about_a_field_are_located)
{
    ws w = ws_new();
    migrate_ok(&w, ARTICLE, NULL);
    refused(&w,
            "model Article table \"articles\" {\n"
            "    id    Integer     primary_key\n"
            "    title String(20)\n"
            "    n     Integer     not_null\n"
            "}\n",
            NULL,
            "app.model:3:5: error: refusing to change type of articles.title from VARCHAR(40) to VARCHAR(20): it "
            "narrows articles.title from VARCHAR(40) to VARCHAR(20)\n"
            "        title String(20)\n"
            "        ^~~~~\n"
            "    hint: pass --allow-data-loss to write this migration anyway\n",
            1);
    refused(&w,
            "model Article table \"articles\" {\n"
            "    id    Integer     primary_key\n"
            "    title String(40)\n"
            "    n     Integer     not_null\n"
            "}\n",
            NULL,
            "app.model:4:5: error: cannot add NOT NULL column articles.n to the existing table articles: its rows "
            "have no value for it\n"
            "        n     Integer     not_null\n"
            "        ^\n",
            1);
    refused(&w, "model Article table \"articles\" { id Integer primary_key }\n", NULL,
            "app.model: error: refusing to drop column articles.title: it drops column articles.title\n", 1);
    ws_free(&w);
}
END_TEST

/* A history written before the snapshot existed keeps working: hints
 * resolve by snake_case(Old) (or the old table's name), and a custom table
 * they cannot find is an error, not a drop. */
START_TEST(history_without_snapshot)
{
    ws w = ws_new();
    migrate_ok(&w, ARTICLE "model BlogPost { id Integer primary_key }\n", NULL);
    char *cmd = tu_fmt("sed -i '/^-- modelc:\\(model\\|field\\|enum\\|column\\) /d' '%s'/0001_*.sql", w.mig);
    tu_result r = tu_sh(cmd, 10);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    free(cmd);
    char *text = file_text(&w, 1);
    ck_assert_msg(!strstr(text, "modelc:model"), "%s", text);
    free(text);
    refused(&w, STORY_HINT "model BlogPost { id Integer primary_key }\n", "--allow-data-loss",
            "renamed_from(Article) names no model", 1);
    migrate_ok(&w,
               "model Story table \"stories\" { renamed_from(articles); id Integer primary_key; title String(40) }\n"
               "model Entry { renamed_from(BlogPost); id Integer primary_key }\n",
               NULL);
    text = file_text(&w, 2);
    ck_assert_msg(strstr(text, "ALTER TABLE articles RENAME TO stories;") &&
                      strstr(text, "ALTER TABLE blog_post RENAME TO entry;"),
                  "%s", text);
    free(text);
    ws_free(&w);
}
END_TEST

/* A field whose column("...") changes is the same field: a rename. */
START_TEST(column_name_changed_is_a_rename)
{
    ws w = ws_new();
    migrate_ok(&w, "model A { id Integer primary_key; title String(40) column(\"ttl\") }\n", NULL);
    migrate_ok(&w, "model A { id Integer primary_key; title String(40) column(\"heading\") }\n", NULL);
    char *text = file_text(&w, 2);
    ck_assert_msg(strstr(text, "ALTER TABLE a RENAME COLUMN ttl TO heading;"), "%s", text);
    free(text);
    ws_free(&w);
}
END_TEST

/* ---- 2. the snapshot: enum values ---------------------------------------- */

#define ENUM3 "enum Status { draft, posted, published }\n"
#define WITH_STATUS "model Post { id Integer primary_key; status Status }\n"

/* The upgrade section of migration v, and its downgrade. */
static void sections(const ws *w, int v, char **up, char **down)
{
    char *text = file_text(w, v);
    char *d = strstr(text, "-- modelc:downgrade");
    ck_assert_ptr_nonnull(d);
    *down = strdup(d);
    *d = '\0';
    *up = strdup(strstr(text, "-- modelc:upgrade"));
    free(text);
}

static void enum_step(const char *from, const char *to, int lossy_up, int lossy_down)
{
    ws w = ws_new();
    char *v1 = tu_fmt("%s" WITH_STATUS, from), *v2 = tu_fmt("%s" WITH_STATUS, to);
    migrate_ok(&w, v1, NULL);
    run_ok(&w, "upgrade", NULL);
    sql_ok(&w, "INSERT INTO post VALUES (1, 'draft'), (2, NULL);");
    if (lossy_up)
        refused(&w, v2, NULL, "--allow-data-loss", 1);
    migrate_ok(&w, v2, lossy_up ? "--allow-data-loss" : NULL);
    char *up, *down;
    sections(&w, 2, &up, &down);
    ck_assert_msg(!!strstr(up, "-- DATA LOSS: removes") == lossy_up, "upgrade:\n%s", up);
    ck_assert_msg(!!strstr(down, "-- DATA LOSS: removes") == lossy_down, "downgrade:\n%s", down);
    free(up);
    free(down);
    run_ok(&w, "upgrade", NULL);
    tu_result r = migrate(&w, v2, NULL);
    MC_OK(r, "again");
    ck_assert_msg(strstr(r.out, "No changes"), "%s", r.out);
    tu_result_free(&r);
    run_ok(&w, "downgrade", NULL);
    rows_eq(&w, "SELECT status FROM post ORDER BY id", "draft\n<null>\n");
    free(v1);
    free(v2);
    ws_free(&w);
}

/* Issue 7 section 5: the longest value removed is data loss, and its way back is not. */
START_TEST(enum_remove_longest_value)
{
    enum_step(ENUM3, "enum Status { draft, posted }\n", 1, 0);
}
END_TEST

/* Same length (VARCHAR(9) either way): only the snapshot can tell. */
START_TEST(enum_remove_same_length_value)
{
    enum_step(ENUM3, "enum Status { draft, published }\n", 1, 0);
}
END_TEST

START_TEST(enum_add_value)
{
    enum_step(ENUM3, "enum Status { draft, posted, published, archived }\n", 0, 1);
}
END_TEST

START_TEST(enum_rename_value)
{
    enum_step(ENUM3, "enum Status { draft, posted, publishes }\n", 1, 1);
}
END_TEST

/* A String column made an enum: rows with other values are lost. */
START_TEST(string_to_enum_is_data_loss)
{
    ws w = ws_new();
    migrate_ok(&w, ENUM3 "model Post { id Integer primary_key; status String(9) }\n", NULL);
    refused(&w, ENUM3 WITH_STATUS, NULL, "turns post.status into enum Status", 1);
    migrate_ok(&w, ENUM3 WITH_STATUS, "--allow-data-loss");
    char *up, *down;
    sections(&w, 2, &up, &down);
    ck_assert_msg(strstr(up, "-- DATA LOSS: turns post.status into enum Status"), "%s", up);
    ck_assert_msg(!strstr(down, "DATA LOSS"), "%s", down);
    free(up);
    free(down);
    ws_free(&w);
}
END_TEST

/* ---- 3. found by tests/fuzz_migrations.py ----------------------------------- */

/* Seed 5 case 83: a model renamed while its custom table stays had no SQL
 * to write, so nothing was written, the history kept the old model name,
 * and the next rename (renamed_from the new name) named nothing. */
START_TEST(model_rename_with_same_table_is_recorded)
{
    ws w = ws_new();
    migrate_ok(&w, "model Mdy table \"Tbl 12\" { id Integer primary_key; x String }\n", NULL);
    migrate_ok(&w, "model Med table \"Tbl 12\" { renamed_from(Mdy); id Integer primary_key; x String }\n", NULL);
    ck_assert_int_eq(nfiles(&w), 2);
    char *text = file_text(&w, 2);
    ck_assert_msg(strstr(text, "-- modelc:model Med \"Tbl 12\"") && strstr(text, "rename model Mdy to Med"), "%s", text);
    free(text);
    migrate_ok(&w, "model Mgr { renamed_from(Med); id Integer primary_key; x String }\n", NULL);
    text = file_text(&w, 3);
    ck_assert_msg(strstr(text, "ALTER TABLE \"Tbl 12\" RENAME TO mgr;"), "%s", text);
    free(text);
    /* A field renamed while its column("...") stays, likewise. */
    migrate_ok(&w, "model Mgr { id Integer primary_key; y String column(\"x\") }\n", NULL);
    text = file_text(&w, 4);
    ck_assert_msg(strstr(text, "-- modelc:field mgr x y"), "%s", text);
    free(text);
    run_ok(&w, "upgrade", NULL);
    run_ok(&w, "downgrade", "0");
    ws_free(&w);
}
END_TEST

/* Seed 2 case 16: the downgrade of a dropped unique column with a server
 * default filled every row with the same default: UNIQUE failed.  The rows
 * come back NULL. */
START_TEST(restored_unique_column_comes_back_null)
{
    ws w = ws_new();
    migrate_ok(&w, "model M { id Integer primary_key; d String(20) unique server_default(\"x\"); e Text }\n", NULL);
    migrate_ok(&w, "model M { id Integer primary_key; e Text }\n", "--allow-data-loss");
    run_ok(&w, "upgrade", "1");
    sql_ok(&w, "INSERT INTO m VALUES (1, 'a', 'one'), (2, 'b', 'two');");
    run_ok(&w, "upgrade", NULL);
    run_ok(&w, "downgrade", NULL);
    rows_eq(&w, "SELECT coalesce(d, 'null') || ' ' || e FROM m ORDER BY id", "null one\nnull two\n");
    /* Same with a unique index, where the column is added back in place. */
#define M2 "model M { id Integer primary_key; e Text }\n"
    migrate_ok(&w, M2 "model N { id Integer primary_key; e Text; d String(20) index unique server_default(\"x\") }\n",
               NULL);
    run_ok(&w, "upgrade", NULL);
    sql_ok(&w, "INSERT INTO n VALUES (1, 'one', 'a'), (2, 'two', 'b');");
    migrate_ok(&w, M2 "model N { id Integer primary_key; e Text }\n", "--allow-data-loss");
    char *text = file_text(&w, 4);
    ck_assert_msg(strstr(text, "UPDATE n SET d = NULL;"), "%s", text);
    free(text);
    run_ok(&w, "upgrade", NULL);
    run_ok(&w, "downgrade", NULL);
    rows_eq(&w, "SELECT coalesce(d, 'null') FROM n ORDER BY id", "null\nnull\n");
    ws_free(&w);
}
END_TEST

int main(void)
{
    setenv("MODELC_DATE", "2024-01-01 00:00:00", 1);
    unsetenv("DATABASE_URL");
    Suite *s = suite_create("migrate_history");
    TCase *tc = tcase_create("fk_drop");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, drop_table_with_restrict_self_reference);
    tcase_add_test(tc, drop_table_with_set_default_not_null);
    tcase_add_test(tc, old_file_without_pragma_drops_table);
    tcase_add_test(tc, one_foreign_key_check_per_migration);
    suite_add_tcase(s, tc);
    TCase *ts = tcase_create("snapshot");
    tcase_set_timeout(ts, 120);
    tcase_add_test(ts, renamed_from_model_with_custom_table);
    tcase_add_test(ts, custom_table_changed_is_a_rename);
    tcase_add_test(ts, unresolvable_hint_is_an_error);
    tcase_add_test(ts, refusals_about_a_field_are_located);
    tcase_add_test(ts, history_without_snapshot);
    tcase_add_test(ts, column_name_changed_is_a_rename);
    tcase_add_test(ts, enum_remove_longest_value);
    tcase_add_test(ts, enum_remove_same_length_value);
    tcase_add_test(ts, enum_add_value);
    tcase_add_test(ts, enum_rename_value);
    tcase_add_test(ts, string_to_enum_is_data_loss);
    tcase_add_test(ts, model_rename_with_same_table_is_recorded);
    tcase_add_test(ts, restored_unique_column_comes_back_null);
    suite_add_tcase(s, ts);
    return tu_run_suite(s);
}
