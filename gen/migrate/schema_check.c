/*
 * schema_check.c -- "check a schema against the migrations and a
 * database" (pipeline.h): what `modelc check` reports, and what `generate
 * --migrations` requires before it compiles migrations in.
 */
#include "pipeline.h"
#include "introspect.h"
#include "introspect_pg.h"
#include "align_names.h"
#include "pg_expr.h"

#include <string.h>

/* See pipeline.h. */
int mcc_check_migrations(const mcc_schema *want, const char *dir, mcc_dialect dialect, mcc_arena *arena,
                        mcc_diag *diag, mcc_migdir *md, mcc_diff *out)
{
    memset(out, 0, sizeof *out);
    if (mcc_migdir_read_in(dir, dialect, arena, diag, md)) {
        mcc_error_in(diag, NULL, NULL, "fix the migrations directory first");
        return -1;
    }
    /* SQLite's history replayed; PostgreSQL's read from its snapshots. */
    mcc_schema have;
    if (dialect == MCC_DIALECT_POSTGRESQL ? mcc_migdir_schema_snapshot(md, md->n, arena, diag, &have)
                                         : mcc_migdir_schema(md, md->n, arena, diag, &have))
        return -1;
    /* Renames as the next migration would find them; a hint that names
     * nothing is that migration's error, not a difference. */
    mcc_renames ren;
    mcc_renames_from_hints(&have, want, arena, NULL, &ren);
    if (mcc_diff_schemas(&have, want, &ren, arena, out)) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    return 0;
}

/* Reports the database's message, named by shown; returns -1. */
static int db_failed(mcc_diag *diag, const char *shown, mc_db *db)
{
    mcc_error_in(diag, NULL, NULL, "%s: %s", shown, mc_errmsg(db));
    mc_close(db);
    return -1;
}

/* See pipeline.h. */
int mcc_check_database(const char *url, const char *shown, const mcc_migdir *md, const mcc_schema *want,
                      mcc_arena *arena, mcc_diag *diag, mcc_db_check *out)
{
    memset(out, 0, sizeof *out);
    mc_migration *list = mcc_migdir_list(md, arena);
    if (!list) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    /* Only read: the file must exist, nothing is changed. */
    mc_open_options o = MC_OPEN_OPTIONS_DEFAULT;
    o.readonly = 1;
    o.create = 0;
    mc_db *db = NULL;
    if (mc_open(&db, url, &o) != MC_OK) {
        mcc_error_in(diag, NULL, NULL, "%s", mc_errmsg(db));
        mc_close(db);
        return -1;
    }
    if (mc_migrate_current(db, &out->version) != MC_OK)
        return db_failed(diag, shown, db);
    /* An applied file edited since, or missing, as upgrade reports it. */
    if (mc_migrate_verify(db, list, md->n) != MC_OK)
        out->unverified = mcc_arena_strdup(arena, mc_errmsg(db));
    /* Introspection's messages name the database too. */
    const char *place = diag->place;
    diag->place = mcc_arena_printf(arena, "%s: %s", place ? place : "modelc", shown);
    mcc_schema dbs;
    bool pg = mc_db_engine(db) == MC_ENGINE_POSTGRESQL;
    int rc = pg ? mcc_introspect_pg(db, arena, diag, &dbs, NULL) : mcc_introspect(mc_sqlite(db), arena, diag, &dbs);
    diag->place = place;
    mc_close(db);
    if (rc)
        return -1;
    /* What PostgreSQL keeps in one form (a CHECK's place and spelling,
     * SERIAL with or without autoincrement) as the schema says it. */
    if (pg)
        mcc_introspect_pg_align(&dbs, want, arena);
    if (mcc_align_constraint_names(&dbs, want, arena, pg ? mcc_pg_expr_same : mcc_same_sql_text, &out->named)) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    mcc_renames ren;
    mcc_renames_from_hints(&dbs, want, arena, NULL, &ren);
    if (mcc_diff_schemas(&dbs, want, &ren, arena, &out->diff) ||
        (pg && mcc_introspect_pg_enum_types(&dbs, want, arena, &out->diff))) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    return 0;
}
