/*
 * fuzz_schema.c -- libFuzzer target: schema text -> parse, check, DDL,
 * C generation and the ER diagram, everything `modelc sql`, `generate`
 * and `erd` do short of writing files.
 *
 * The input is the whole .model file.  Diagnostics go to a sink that only
 * checks their shape; an accepted schema is turned into its CREATE
 * statements and into the generated header and source.  Every byte of
 * memory comes from the arena or is freed here, so a leak is a finding.
 *
 * An accepted schema must also survive what `modelc sql`, `migrate` and
 * `check` do with it (else abort, which libFuzzer reports as a crash):
 *   - its CREATE statements run on SQLite, and introspecting the result
 *     gives a schema mcc_diff finds equal to it (introspect.h's promise);
 *   - the first migration (the plan from an empty schema) gives the same,
 *     and its downgrade gives an empty database back.
 * The compilers are not run inside the loop: tests/fuzz/compile_sample.sh
 * compiles the generated C of a sample of accepted corpus inputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen.h"
#include "ddl.h"
#include "diag.h"
#include "diff.h"
#include "erd.h"
#include "fuzz_sqlite_guard.h"
#include "introspect.h"
#include "parse.h"
#include "plan.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each rendered diagnostic starts with the path and ends with a newline. */
static void check_diag(void *ctx, const char *text)
{
    (void)ctx;
    if (strncmp(text, "fuzz.model", 10) != 0 || !text[0] || text[strlen(text) - 1] != '\n')
        abort();
}

static void fail(const char *what, const char *detail, const char *sql)
{
    fprintf(stderr, "fuzz_schema: %s: %s\n--- SQL\n%s\n", what, detail ? detail : "", sql ? sql : "");
    abort();
}

/* A diag that keeps the last message it got. */
static void keep_last(void *ctx, const char *text)
{
    mcc_buf *b = ctx;
    b->len = 0;
    mcc_buf_put(b, text);
}

/* db (where `sql` ran) holds exactly `want`; NULL: no table at all. */
static void holds(sqlite3 *db, const mcc_schema *want, mcc_arena *arena, const char *what, const char *sql)
{
    mcc_schema got;
    mcc_buf msg = {0};
    mcc_diag diag;
    mcc_diag_init(&diag, NULL, keep_last, &msg);
    if (mcc_introspect(db, arena, &diag, &got) != 0)
        fail(what, msg.data ? msg.data : "cannot introspect", sql);
    mcc_buf_free(&msg);
    if (!want) {
        if (got.ntables)
            fail(what, "tables are left", sql);
        return;
    }
    mcc_diff d;
    if (mcc_diff_schemas(&got, want, NULL, arena, &d) != 0)
        abort();
    if (d.nops) {
        mcc_buf b = {0};
        for (size_t i = 0; i < d.nops; i++)
            mcc_buf_printf(&b, "%s\n", d.ops[i].text ? d.ops[i].text : "?");
        fail(what, b.data, sql);
    }
}

static void exec_or_fail(sqlite3 *db, const char *sql, const char *what)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail(what, err, sql);
}

/* check("sql") is the one piece of a schema passed to SQLite as written. */
static int has_raw_sql(const mcc_schema *s)
{
    for (size_t i = 0; i < s->ntables; i++) {
        const mcc_table *t = s->tables[i];
        for (size_t c = 0; c < t->ncolumns; c++)
            if (t->columns[c].check)
                return 1;
        for (size_t k = 0; k < t->nconstraints; k++)
            if (t->constraints[k].kind == MCC_C_CHECK)
                return 1;
    }
    return 0;
}

static void round_trips(const mcc_schema *s, mcc_arena *arena)
{
    fuzz_guard_reset();
    mcc_buf ddl = {0};
    mcc_ddl_schema(&ddl, s);
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        abort();
    char *err = NULL;
    if (sqlite3_exec(db, ddl.data ? ddl.data : "", NULL, NULL, &err) != SQLITE_OK) {
        /* A check expression SQLite does not take fails here, as it would
         * in SQLAlchemy's create_all: not what this target looks for. */
        if (!has_raw_sql(s))
            fail("the CREATE statements do not run", err, ddl.data);
        sqlite3_free(err);
        sqlite3_close(db);
        mcc_buf_free(&ddl);
        return;
    }
    holds(db, s, arena, "the CREATE statements do not give the schema", ddl.data);
    sqlite3_close(db);
    mcc_buf_free(&ddl);

    mcc_schema empty;
    memset(&empty, 0, sizeof empty);
    empty.name = "fuzz";
    mcc_diff up, down;
    mcc_plan pu, pd;
    mcc_buf refused = {0};
    mcc_diag diag;
    mcc_diag_init(&diag, NULL, keep_last, &refused);
    if (mcc_diff_schemas(&empty, s, NULL, arena, &up) || mcc_diff_schemas(s, &empty, NULL, arena, &down))
        abort();
    if (mcc_plan_build(&up, &empty, s, MCC_PLAN_UPGRADE, arena, &diag, &pu) != 0)
        fail("the first migration is refused", refused.data, NULL);
    if (mcc_plan_build(&down, s, &empty, 0, arena, &diag, &pd) != 0)
        abort();
    mcc_buf_free(&refused);
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        abort();
    exec_or_fail(db, pu.sql, "the first migration does not run");
    holds(db, s, arena, "the first migration does not give the schema", pu.sql);
    exec_or_fail(db, pd.sql, "the first migration's downgrade does not run");
    holds(db, NULL, arena, "the first migration's downgrade leaves tables", pd.sql);
    sqlite3_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The text as load.c hands it over: NUL-terminated, exactly size bytes. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    mcc_source src = {"fuzz.model", text, size};
    mcc_diag diag;
    mcc_diag_init(&diag, &src, check_diag, NULL);
    mcc_arena arena = {0};
    mcc_ast ast;
    mcc_schema schema;
    memset(&schema, 0, sizeof schema);
    int nerr = mcc_parse(&src, &arena, &diag, &ast);
    if (nerr == 0)
        nerr = mcc_sema(&ast, &src, &arena, &diag, &schema);
    mcc_diag_finish(&diag);
    if (nerr == 0) {
        schema.name = "fuzz";
        schema.path = "fuzz.model";
        round_trips(&schema, &arena);
        mcc_buf erd = {0};
        mcc_erd_dot(&erd, &schema);
        mcc_buf_free(&erd);
        cgen g = {&schema, "", &arena, schema.name, NULL, 0, NULL, false};
        mcc_diag names;
        mcc_diag_init(&names, &src, check_diag, NULL);
        char *header = NULL;
        cg_file *files = NULL;
        size_t nfiles = 0;
        /* As generate: names, then emission if they are sound. */
        if (cg_generate(&g, &schema, &names, &header, &files, &nfiles) == 0 && (!header || nfiles != 1))
            abort();
        free(header);
        for (size_t i = 0; i < nfiles; i++)
            free(files[i].text);
        free(files);
    }
    mcc_arena_free(&arena);
    free(text);
    return 0;
}
