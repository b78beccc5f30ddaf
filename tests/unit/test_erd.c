/*
 * test_erd.c -- `modelc erd`: the DOT of both examples byte for byte
 * (tests/golden/erd/, MODELC_UPDATE_GOLDEN=1 rewrites them), Graphviz's
 * `dot` accepts it, every table is a node and every foreign key an edge
 * between the right columns (the list of keys taken from SQLite itself,
 * after running `modelc sql`), schema text is escaped, SVG and PNG are
 * rendered through `dot` (a clear error where it is missing), and the
 * command's usage errors.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static tu_result modelc(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
                        const char *a6)
{
    const char *argv[] = {tu_modelc(), a1, a2, a3, a4, a5, a6, NULL};
    return tu_run(argv, NULL, 60);
}

static int have_dot(void)
{
    tu_result r = tu_sh("command -v dot >/dev/null 2>&1", 10);
    int ok = r.status == 0;
    tu_result_free(&r);
    if (!ok)
        printf("test_erd: Graphviz's dot is not installed (make deps installs it): rendering not checked\n");
    return ok;
}

/* modelc erd examples/<name>.model: its stdout. */
static char *erd_of(const char *name)
{
    char *schema = tu_fmt("examples/%s.model", name);
    tu_result r = modelc("erd", tu_example(schema), NULL, NULL, NULL, NULL);
    ck_assert_msg(r.status == 0, "modelc erd %s: exit %d\n%s", schema, r.status, r.err);
    ck_assert_str_eq(r.err, "");
    char *out = strdup(r.out);
    tu_result_free(&r);
    free(schema);
    return out;
}

static void check_golden(const char *name)
{
    char *got = erd_of(name);
    char *golden = tu_fmt("tests/golden/erd/%s.dot", name);
    const char *update = getenv("MODELC_UPDATE_GOLDEN");
    if (update && strcmp(update, "1") == 0)
        tu_write_file(tu_path(golden), got, strlen(got));
    char *want = tu_read_file(tu_path(golden), NULL);
    ck_assert_msg(want != NULL, "missing %s (MODELC_UPDATE_GOLDEN=1 writes it)", golden);
    ck_assert_msg(strcmp(got, want) == 0, "modelc erd differs from %s: MODELC_UPDATE_GOLDEN=1 rewrites it, then diff",
                  golden);
    free(want);
    free(golden);
    free(got);
}

START_TEST(blog_matches_golden)
{
    check_golden("blog");
}
END_TEST

START_TEST(library_matches_golden)
{
    check_golden("library");
}
END_TEST

/* dot reads text without complaint (exit 0, nothing on stderr). */
static void dot_accepts(const char *dot_text, const char *dir)
{
    char *in = tu_fmt("%s/in.dot", dir);
    tu_write_file(in, dot_text, strlen(dot_text));
    char *cmd = tu_fmt("dot -Tsvg %s -o %s/out.svg", in, dir);
    tu_result r = tu_sh(cmd, 60);
    ck_assert_msg(r.status == 0 && r.err[0] == '\0', "dot: exit %d\n%s\n--- input\n%s", r.status, r.err, dot_text);
    tu_result_free(&r);
    free(cmd);
    free(in);
}

/* Every table of `modelc sql` is a node, and every foreign key SQLite
 * sees is an edge from the referencing column's port (o<cid>) to the
 * referenced column's port (i<cid>). */
static void check_tables_and_keys(const char *name, const char *dot_text)
{
    char *schema = tu_fmt("examples/%s.model", name);
    tu_result r = modelc("sql", tu_example(schema), NULL, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, r.out, NULL, NULL, NULL), SQLITE_OK);
    tu_result_free(&r);

    sqlite3_stmt *tables;
    const char *list = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' "
                       "ORDER BY name";
    ck_assert_int_eq(sqlite3_prepare_v2(db, list, -1, &tables, NULL), SQLITE_OK);
    int ntables = 0, nkeys = 0;
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(tables, 0);
        char *node = tu_fmt("\n    \"%s\" [label=<", t);
        ck_assert_msg(strstr(dot_text, node) != NULL, "%s: no node for table %s", name, t);
        free(node);
        ntables++;
        /* PRAGMA foreign_key_list: id, seq, table, from, to; the column
         * positions from PRAGMA table_info (cid). */
        const char *sql = "SELECT f.\"table\", (SELECT cid FROM pragma_table_info(?1) WHERE name = f.\"from\"), "
                          "(SELECT cid FROM pragma_table_info(f.\"table\") WHERE name = f.\"to\") "
                          "FROM pragma_foreign_key_list(?1) AS f WHERE f.seq = 0";
        sqlite3_stmt *fks;
        ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &fks, NULL), SQLITE_OK);
        sqlite3_bind_text(fks, 1, t, -1, SQLITE_STATIC);
        while (sqlite3_step(fks) == SQLITE_ROW) {
            char *edge = tu_fmt("\n    \"%s\":o%d -> \"%s\":i%d [", t, sqlite3_column_int(fks, 1),
                                (const char *)sqlite3_column_text(fks, 0), sqlite3_column_int(fks, 2));
            ck_assert_msg(strstr(dot_text, edge) != NULL, "%s: no edge %s", name, edge + 5);
            free(edge);
            nkeys++;
        }
        sqlite3_finalize(fks);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    ck_assert_int_gt(ntables, 1);
    ck_assert_int_gt(nkeys, 0);
    /* No more edges than keys (an edge's head is a quoted node name). */
    int arrows = 0;
    for (const char *p = dot_text; (p = strstr(p, " -> \"")); p++)
        arrows++;
    ck_assert_int_eq(arrows, nkeys);
    free(schema);
}

START_TEST(dot_accepts_it_and_every_table_and_key_appears)
{
    const char *names[] = {"blog", "library"};
    for (int i = 0; i < 2; i++) {
        char *text = erd_of(names[i]);
        check_tables_and_keys(names[i], text);
        if (have_dot()) {
            char *dir = tu_mkdtemp();
            dot_accepts(text, dir);
            tu_rmdir(dir);
        }
        free(text);
    }
}
END_TEST

/* The library: crow's feet and relationship labels where they belong. */
START_TEST(cardinality_and_relationships)
{
    char *t = erd_of("library");
    /* book.author_id NOT NULL, many books per author: crow to exactly one. */
    ck_assert_ptr_nonnull(strstr(t, "\"book\":o11 -> \"author\":i0 [arrowtail=crowodot, arrowhead=teetee"));
    /* library_card.member_id is unique: one-to-one. */
    ck_assert_ptr_nonnull(strstr(t, "\"library_card\":o2 -> \"member\":i0 [arrowtail=teeodot, arrowhead=teetee"));
    /* member.referrer_id is nullable: zero or one referrer. */
    ck_assert_ptr_nonnull(strstr(t, "\"member\":o3 -> \"member\":i0 [arrowtail=crowodot, arrowhead=teeodot"));
    ck_assert_ptr_nonnull(strstr(t, "label=\"Author.books / Book.author\""));
    /* The many-to-many runs through book_tags, whose two keys name it. */
    const char *m2m = "label=\"Book.tags / Tag.books\"";
    const char *first = strstr(t, m2m);
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_nonnull(strstr(first + 1, m2m));
    ck_assert_ptr_nonnull(strstr(t, "<I>association table</I>"));
    /* Marks. */
    ck_assert_ptr_nonnull(strstr(t, "<U>id</U></TD><TD ALIGN=\"LEFT\">INTEGER</TD><TD PORT=\"o0\" ALIGN=\"LEFT\">PK</TD>"));
    ck_assert_ptr_nonnull(strstr(t, ">isbn</TD><TD ALIGN=\"LEFT\">VARCHAR(13)</TD><TD PORT=\"o1\" ALIGN=\"LEFT\">"
                                    "UNIQUE NOT NULL</TD>"));
    ck_assert_ptr_nonnull(strstr(t, ">member_id</TD><TD ALIGN=\"LEFT\">INTEGER</TD><TD PORT=\"o2\" ALIGN=\"LEFT\">"
                                    "FK UNIQUE NOT NULL</TD>"));
    free(t);
}
END_TEST

/* Table and column names with quotes, <, > and & stay text. */
START_TEST(schema_text_is_escaped)
{
    char *dir = tu_mkdtemp();
    const char *text = "model A table \"we\\\"ird <&> \\\\ name\" {\n"
                       "    id Integer primary_key\n"
                       "    b  Integer column(\"x\\\"<y>\") foreign_key(A.id)\n"
                       "}\n";
    char *path = tu_fmt("%s/odd.model", dir);
    tu_write_file(path, text, strlen(text));
    tu_result r = modelc("erd", path, NULL, NULL, NULL, NULL);
    ck_assert_msg(r.status == 0, "exit %d\n%s", r.status, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "\"we\\\"ird <&> \\\\ name\" [label=<"));
    ck_assert_ptr_nonnull(strstr(r.out, "(we&quot;ird &lt;&amp;&gt; \\ name)"));
    ck_assert_ptr_nonnull(strstr(r.out, ">x&quot;&lt;y&gt;</TD>"));
    if (have_dot())
        dot_accepts(r.out, dir);
    tu_result_free(&r);
    free(path);
    tu_rmdir(dir);
}
END_TEST

START_TEST(svg_and_png_through_dot)
{
    if (!have_dot())
        return;
    char *dir = tu_mkdtemp();
    char *svg = tu_fmt("%s/blog.svg", dir), *png = tu_fmt("%s/blog.png", dir), *dotf = tu_fmt("%s/blog.dot", dir);
    tu_result r = modelc("erd", tu_example("examples/blog.model"), "-o", svg, NULL, NULL);
    ck_assert_msg(r.status == 0, "exit %d\n%s", r.status, r.err);
    tu_result_free(&r);
    char *s = tu_read_file(svg, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_nonnull(strstr(s, "<svg"));
    ck_assert_ptr_nonnull(strstr(s, ">password_hash</text>"));
    free(s);
    r = modelc("erd", tu_example("examples/blog.model"), "--format", "png", "-o", png);
    ck_assert_msg(r.status == 0, "exit %d\n%s", r.status, r.err);
    tu_result_free(&r);
    size_t len = 0;
    char *p = tu_read_file(png, &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(len > 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0, "not a PNG");
    free(p);
    /* -o x.dot (and no --format): DOT text, the same as on stdout. */
    r = modelc("erd", tu_example("examples/blog.model"), "-o", dotf, NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "");
    tu_result_free(&r);
    char *d = tu_read_file(dotf, NULL), *want = erd_of("blog");
    ck_assert_str_eq(d, want);
    free(d);
    free(want);
    /* svg on stdout */
    r = modelc("erd", tu_example("examples/blog.model"), "--format", "svg", NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "<svg"));
    tu_result_free(&r);
    free(svg);
    free(png);
    free(dotf);
    tu_rmdir(dir);
}
END_TEST

/* Without dot on PATH: exit 1, a message naming Graphviz, nothing written. */
START_TEST(no_dot_is_a_clear_error)
{
    char *dir = tu_mkdtemp();
    char *cmd = tu_fmt("PATH=%s %s erd %s --format svg -o %s/x.svg", dir, tu_modelc(),
                       tu_example("examples/blog.model"), dir);
    tu_result r = tu_sh(cmd, 30);
    ck_assert_msg(r.status == 1, "exit %d\n%s", r.status, r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "modelc erd: --format svg needs Graphviz's `dot`, which is not installed"));
    ck_assert_ptr_nonnull(strstr(r.err, "hint: "));
    tu_result_free(&r);
    char *x = tu_fmt("%s/x.svg", dir);
    ck_assert(!tu_exists(x));
    free(x);
    free(cmd);
    tu_rmdir(dir);
}
END_TEST

START_TEST(usage_and_bad_schemas)
{
    tu_result r = modelc("erd", tu_example("examples/blog.model"), "--format", "gif", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown format 'gif'"));
    tu_result_free(&r);
    r = modelc("erd", NULL, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = modelc("erd", "--help", NULL, NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: modelc erd SCHEMA [-o FILE] [--format dot|svg|png]"));
    tu_result_free(&r);

    char *dir = tu_mkdtemp();
    char *out = tu_fmt("%s/bad.dot", dir);
    r = modelc("erd", tu_path("tests/bad/01_unknown_type.model"), "-o", out, NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "error: unknown type"));
    ck_assert(!tu_exists(out));
    tu_result_free(&r);
    free(out);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("erd");
    TCase *tc = tcase_create("erd");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, blog_matches_golden);
    tcase_add_test(tc, library_matches_golden);
    tcase_add_test(tc, dot_accepts_it_and_every_table_and_key_appears);
    tcase_add_test(tc, cardinality_and_relationships);
    tcase_add_test(tc, schema_text_is_escaped);
    tcase_add_test(tc, svg_and_png_through_dot);
    tcase_add_test(tc, no_dot_is_a_clear_error);
    tcase_add_test(tc, usage_and_bad_schemas);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
