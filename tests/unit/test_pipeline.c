/*
 * test_pipeline.c -- the migration pipelines as library calls
 * (gen/migrate/pipeline.h), without the command line: what mcc_migration_next
 * writes and reports, what mcc_check_migrations / mcc_check_database find,
 * and that every message arrives through the caller's mcc_diag.  The
 * commands on top are tested end to end in test_migrate.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pipeline.h"
#include "plan.h"
#include "testutil.h"

/* A diag whose messages are gathered in a string. */
typedef struct gathered {
    mcc_diag diag;
    mcc_source src;
    char text[8192];
} gathered;

static void gather(void *ctx, const char *text)
{
    gathered *g = ctx;
    strncat(g->text, text, sizeof g->text - strlen(g->text) - 1);
}

static void gathered_init(gathered *g, const char *place)
{
    memset(g, 0, sizeof *g);
    mcc_diag_init(&g->diag, &g->src, gather, g);
    g->diag.place = place;
}

/* dir/app.model with text, loaded and checked into *out (src in g). */
static void load(const char *dir, const char *text, mcc_arena *arena, gathered *g, mcc_schema *out)
{
    char *path = tu_fmt("%s/app.model", dir);
    const char *kept = mcc_arena_strdup(arena, path);   /* src keeps the path for messages */
    free(path);
    ck_assert_int_eq(tu_write_file(kept, text, strlen(text)), 0);
    ck_assert_msg(mcc_load_schema(kept, arena, &g->diag, &g->src, out) == 0, "%s", g->text);
}

static const char V1[] = "model User {\n"
                         "    id       Integer     primary_key\n"
                         "    username String(64)  unique\n"
                         "}\n";
static const char V2[] = "model User {\n"
                         "    id       Integer     primary_key\n"
                         "    username String(64)  unique\n"
                         "    email    String(120)\n"
                         "}\n";
static const char DROPS[] = "model User {\n"
                            "    id       Integer     primary_key\n"
                            "}\n";

/* A test's directory (dir/app.model, dir/migrations), arena and diag. */
typedef struct fixture {
    char *dir, *mig;
    mcc_arena arena;
    gathered g;
} fixture;

static void fixture_open(fixture *f)
{
    f->dir = tu_mkdtemp();
    f->mig = tu_fmt("%s/migrations", f->dir);
    memset(&f->arena, 0, sizeof f->arena);
    gathered_init(&f->g, "test");
}

static void fixture_close(fixture *f)
{
    free(f->mig);
    mcc_arena_free(&f->arena);
    tu_rmdir(f->dir);
}

/* Writes the next migration of mig for schema text; returns its rc. */
static int next(const char *dir, const char *mig, const char *text, unsigned flags, gathered *g,
                mcc_arena *arena, mcc_next_migration *out)
{
    mcc_schema want;
    load(dir, text, arena, g, &want);
    mcc_next_request rq = {&want, g->src.path, mig, NULL, MCC_DIALECT_SQLITE, flags};
    return mcc_migration_next(&rq, arena, &g->diag, out);
}

START_TEST(next_migration_is_written_and_described)
{
    fixture fx;
    fixture_open(&fx);
    mcc_next_migration m;
    ck_assert_msg(next(fx.dir, fx.mig, V1, 0, &fx.g, &fx.arena, &m) == 0, "%s", fx.g.text);
    ck_assert_str_eq(fx.g.text, "");
    ck_assert_int_eq(m.version, 1);
    ck_assert_int_eq((int)m.up.nops, 1);
    ck_assert_str_eq(m.up.ops[0].text, "add table user");
    char *want_path = tu_fmt("%s/0001_create_user.sql", fx.mig);
    ck_assert_str_eq(m.path, want_path);
    char *file = tu_read_file(m.path, NULL);
    ck_assert_ptr_nonnull(strstr(file, "CREATE TABLE user"));
    ck_assert_ptr_nonnull(strstr(strstr(file, "-- modelc:downgrade\n"), "\nDROP TABLE user;\n"));
    free(file);

    /* The same schema again: nothing to do, nothing written. */
    ck_assert_int_eq(next(fx.dir, fx.mig, V1, 0, &fx.g, &fx.arena, &m), 0);
    ck_assert_int_eq((int)m.up.nops, 0);
    ck_assert_ptr_null(m.path);

    /* The second step is tried on the first and numbered after it. */
    ck_assert_msg(next(fx.dir, fx.mig, V2, 0, &fx.g, &fx.arena, &m) == 0, "%s", fx.g.text);
    ck_assert_int_eq(m.version, 2);
    ck_assert_str_eq(m.up.ops[0].text, "add column user.email");
    ck_assert_int_eq(tu_exists(m.path), 1);
    free(want_path);
    fixture_close(&fx);
}
END_TEST

START_TEST(refusals_arrive_in_the_diag_and_nothing_is_written)
{
    fixture fx;
    fixture_open(&fx);
    mcc_next_migration m;
    ck_assert_msg(next(fx.dir, fx.mig, V1, 0, &fx.g, &fx.arena, &m) == 0, "%s", fx.g.text);
    gathered_init(&fx.g, "test");
    ck_assert_int_eq(next(fx.dir, fx.mig, DROPS, 0, &fx.g, &fx.arena, &m), -1);
    char *want = tu_fmt("%s/app.model: error: refusing to drop column user.username: it drops column user.username\n"
                        "  hint: if it was renamed, say so with renamed_from(username) on the new field; else pass "
                        "--allow-data-loss\n"
                        "test: nothing written\n",
                        fx.dir);
    ck_assert_str_eq(fx.g.text, want);
    ck_assert_ptr_null(m.path);
    char *second = tu_fmt("%s/0002_drop_user_username_user_unique.sql", fx.mig);
    ck_assert_int_eq(tu_exists(second), 0);

    /* Allowed, the loss is written, and said in the file. */
    gathered_init(&fx.g, "test");
    ck_assert_msg(next(fx.dir, fx.mig, DROPS, MCC_PLAN_ALLOW_LOSS, &fx.g, &fx.arena, &m) == 0, "%s", fx.g.text);
    ck_assert_str_eq(m.path, second);
    ck_assert_int_eq(m.up.ops[0].data_loss, 1);
    char *file = tu_read_file(m.path, NULL);
    ck_assert_ptr_nonnull(strstr(file, "-- DATA LOSS: drops column user.username"));
    free(file);
    free(second);
    free(want);
    fixture_close(&fx);
}
END_TEST

START_TEST(a_history_that_does_not_replay_is_reported)
{
    fixture fx;
    fixture_open(&fx);
    char *f = tu_fmt("%s/0001_broken.sql", fx.mig);
    static const char broken[] = "-- modelc:upgrade\nCREATE TABLE x (;\n-- modelc:downgrade\nDROP TABLE x;\n";
    ck_assert_int_eq(mkdir(fx.mig, 0777), 0);
    ck_assert_int_eq(tu_write_file(f, broken, strlen(broken)), 0);
    mcc_next_migration m;
    ck_assert_int_eq(next(fx.dir, fx.mig, V1, 0, &fx.g, &fx.arena, &m), -1);
    ck_assert_msg(strstr(fx.g.text, "test: migration 0001 (broken): ") == fx.g.text, "%s", fx.g.text);
    ck_assert_ptr_nonnull(strstr(fx.g.text, "\ntest: the existing migrations do not replay; nothing written\n"));

    /* check says the same through its own call. */
    mcc_schema want;
    gathered_init(&fx.g, "check");
    load(fx.dir, V1, &fx.arena, &fx.g, &want);
    mcc_migdir md;
    mcc_diff d;
    ck_assert_int_eq(mcc_check_migrations(&want, fx.mig, MCC_DIALECT_SQLITE, &fx.arena, &fx.g.diag, &md, &d), -1);
    ck_assert_msg(strstr(fx.g.text, "check: migration 0001 (broken): ") == fx.g.text, "%s", fx.g.text);
    free(f);
    fixture_close(&fx);
}
END_TEST

START_TEST(check_finds_what_migrations_and_database_lack)
{
    fixture fx;
    fixture_open(&fx);
    mcc_next_migration m;
    ck_assert_msg(next(fx.dir, fx.mig, V1, 0, &fx.g, &fx.arena, &m) == 0, "%s", fx.g.text);

    mcc_schema want;
    load(fx.dir, V2, &fx.arena, &fx.g, &want);
    mcc_migdir md;
    mcc_diff d;
    ck_assert_msg(mcc_check_migrations(&want, fx.mig, MCC_DIALECT_SQLITE, &fx.arena, &fx.g.diag, &md, &d) == 0, "%s",
                  fx.g.text);
    ck_assert_int_eq((int)md.n, 1);
    ck_assert_int_eq((int)d.nops, 1);
    ck_assert_str_eq(d.ops[0].text, "add column user.email");

    /* A database at 0000 with no tables lacks the table and the version. */
    char *db = tu_fmt("%s/app.db", fx.dir);
    ck_assert_int_eq(tu_write_file(db, "", 0), 0);
    mcc_db_check dc;
    ck_assert_msg(mcc_check_database(db, "app.db", &md, &want, &fx.arena, &fx.g.diag, &dc) == 0, "%s", fx.g.text);
    ck_assert_int_eq(dc.version, 0);
    ck_assert_ptr_null(dc.unverified);
    ck_assert_int_eq((int)dc.diff.nops, 1);
    ck_assert_str_eq(dc.diff.ops[0].text, "add table user");

    /* A database that is not there: the runtime's message, via the diag. */
    gathered_init(&fx.g, "check");
    char *missing = tu_fmt("%s/none.db", fx.dir);
    ck_assert_int_eq(mcc_check_database(missing, "none.db", &md, &want, &fx.arena, &fx.g.diag, &dc), -1);
    ck_assert_msg(strncmp(fx.g.text, "check: ", 7) == 0 && strstr(fx.g.text, "none.db"), "%s", fx.g.text);
    ck_assert_int_eq(tu_exists(missing), 0);
    free(missing);
    free(db);
    fixture_close(&fx);
}
END_TEST

START_TEST(arena_push_grows_and_keeps)
{
    mcc_arena a = {0};
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        int *x = MCC_ARENA_PUSH(&a, v, n, cap);
        ck_assert_ptr_nonnull(x);
        ck_assert_int_eq(*x, 0);
        *x = i;
    }
    ck_assert_int_eq((int)n, 1000);
    ck_assert_int_ge((int)cap, 1000);
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(v[i], i);
    mcc_arena_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, next_migration_is_written_and_described);
    tcase_add_test(tc, refusals_arrive_in_the_diag_and_nothing_is_written);
    tcase_add_test(tc, a_history_that_does_not_replay_is_reported);
    tcase_add_test(tc, check_finds_what_migrations_and_database_lack);
    tcase_add_test(tc, arena_push_grows_and_keeps);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
