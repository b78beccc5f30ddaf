/*
 * fuzz_migrations.c -- libFuzzer target: migration files -> the reader
 * (markers, header, checksum, numbering), the statement splitter of
 * `upgrade --sql`, the replay that `migrate` and `check` introspect, and
 * the runner, upgrading and downgrading an in-memory database.
 *
 * Input: up to four migration files separated by a line "@@@@"; they are
 * written as 0001_a.sql, 0002_b.sql, ... into a private directory (the
 * reader's real path, readdir included).  Besides the sanitizers:
 *   - a step that fails leaves the database exactly as it was (schema
 *     and the rows of modelc_migrations compared before and after);
 *   - a step that succeeds leaves the database at its target version.
 * fuzz_sqlite_guard.h keeps the SQL from touching files or running away.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_sqlite_guard.h"
#include "migfile.h"
#include "modelc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_FILES = 4 };

static char dir[64];

#define MUST(cond)                                                                            \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "fuzz_migrations: %s:%d: %s does not hold\n", __FILE__, __LINE__, #cond); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

static void empty_dir(void)
{
    for (int i = 1; i <= MAX_FILES; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%04d_%c.sql", dir, i, 'a' + i - 1);
        unlink(path);
    }
}

static void remove_dir(void)
{
    empty_dir();
    rmdir(dir);
}

/* The private directory, made once (removed at exit) and emptied for
 * every input. */
static void reset_dir(void)
{
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%.40s/mcfuzz.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
        if (!mkdtemp(dir))
            abort();
        atexit(remove_dir);
    }
    empty_dir();
}

static void write_file(int version, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%04d_%c.sql", dir, version, 'a' + version - 1);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
        abort();
}

/* Splits the input at "\n@@@@\n" into files; returns how many. */
static int write_files(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n@@@@\n";
    int n = 0;
    while (n < MAX_FILES - 1) {
        const uint8_t *hit = NULL;
        for (size_t i = 0; i + 6 <= size; i++)
            if (memcmp(data + i, sep, 6) == 0) {
                hit = data + i;
                break;
            }
        if (!hit)
            break;
        write_file(++n, data, (size_t)(hit - data) + 1);
        size -= (size_t)(hit - data) + 6;
        data = hit + 6;
    }
    write_file(++n, data, size);
    return n;
}

/* The schema and the bookkeeping, as text: what "exactly as it was"
 * compares (a missing modelc_migrations is the same as an empty one). */
/* The sink of a diag that gathers its messages into an mcc_buf. */
static void gather(void *ctx, const char *text)
{
    mcc_buf_put(ctx, text);
}

static char *snapshot(mc_db *db)
{
    mcc_buf b = {0};
    sqlite3_stmt *st = NULL;
    /* The runner creates its (empty) bookkeeping table before the first
     * step, as Alembic does alembic_version: not a change of version. */
    const char *sql = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> 'modelc_migrations' "
                      "ORDER BY type, name";
    for (int pass = 0; pass < 2; pass++) {
        if (sqlite3_prepare_v2(mc_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
            int rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW)
                for (int c = 0; c < sqlite3_column_count(st); c++) {
                    const unsigned char *t = sqlite3_column_text(st, c);
                    mcc_buf_printf(&b, "%s|", t ? (const char *)t : "NULL");
                }
            if (rc != SQLITE_DONE)
                mcc_buf_printf(&b, "error %d\n", rc);
        }
        sqlite3_finalize(st);
        st = NULL;
        sql = "SELECT version, name, checksum FROM modelc_migrations ORDER BY version";
    }
    return mcc_buf_take(&b);
}

static void observe(void *ctx, const mc_migration *m, int upgrading, const char *stmt)
{
    (void)upgrading;
    MUST(m != NULL && stmt != NULL);
    (*(size_t *)ctx)++;
}

/* One step of the runner, with the oracles above. */
static int step(mc_db *db, const mc_migration *list, size_t n, int target)
{
    char *before = snapshot(db);
    int rc = mc_migrate_to(db, list, n, target);
    if (rc == MC_OK) {
        int v = -1;
        MUST(mc_migrate_current(db, &v) == MC_OK);
        MUST(v == target);
    } else if (fuzz_budget >= 0 && rc != MC_NOMEM) {
        /* Interrupted or out of memory, SQLite itself may not roll back. */
        char *after = snapshot(db);
        if (strcmp(before ? before : "", after ? after : "") != 0) {
            fprintf(stderr, "fuzz_migrations: step to %d failed (%s: %s) but changed the database\n--- before\n%s--- after\n%s",
                    target, mc_status_name(rc), mc_errmsg(db), before, after);
            abort();
        }
        free(after);
    }
    free(before);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_guard_reset();
    reset_dir();
    write_files(data, size);

    mcc_arena arena = {0};
    mcc_buf errors = {0};
    mcc_diag diag;   /* what the reader reports, gathered (not shown) */
    mcc_diag_init(&diag, NULL, gather, &errors);
    mcc_migdir d;
    int nerr = mcc_migdir_read(dir, &arena, &diag, &d);
    if (nerr == 0) {
        mc_migration *list = mcc_migdir_list(&d, &arena);
        MUST(list != NULL);
        size_t statements = 0;
        (void)mc_migrate_plan(NULL, list, d.n, -1, observe, &statements);

        mcc_schema schema;
        (void)mcc_migdir_schema(&d, d.n, &arena, &diag, &schema);

        mc_db *db = NULL;
        if (mc_open(&db, ":memory:", NULL) == MC_OK) {
            for (int v = 1; v <= (int)d.n; v++)
                if (step(db, list, d.n, v) != MC_OK)
                    break;
            int cur = 0;
            if (mc_migrate_current(db, &cur) == MC_OK)
                while (cur > 0 && step(db, list, d.n, cur - 1) == MC_OK)
                    cur--;
        }
        mc_close(db);
    }
    mcc_buf_free(&errors);
    mcc_arena_free(&arena);
    return 0;
}
