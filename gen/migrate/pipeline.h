/*
 * pipeline.h -- the migration pipelines as library calls: "make the next
 * migration" (`modelc migrate`) and "check a schema against the
 * migrations and a database" (`modelc check`, `generate --migrations`).
 * The commands only parse options, call these and print the results; as
 * flatcc's compiler sits behind a thin flatcc_cli.c.
 *
 * Every call reports what goes wrong into an mcc_diag (diag->place names
 * the caller in messages that have no file: "modelc migrate"; diag->src,
 * the schema file, names refusals of the schema) and returns 0 or -1.
 * Results are arena memory.  A dialect parameter chooses the planner and
 * the database behind the pipeline: SQLite's (plan.c, a history replayed
 * in memory) or PostgreSQL's (plan_pg.c, a history read from its files'
 * snapshots, snapshot_sql.c).
 */
#ifndef MCC_PIPELINE_H
#define MCC_PIPELINE_H

#include <stdbool.h>

#include "align_names.h"
#include "arena.h"
#include "diag.h"
#include "dialect.h"
#include "diff.h"
#include "migfile.h"
#include "schema.h"

/* ---- the next migration (migrate_next.c) ------------------------------------ */

typedef struct mcc_next_request {
    const mcc_schema *want;      /* the checked schema the migration must give */
    const char *schema_path;    /* its file; the migration's header names its base name */
    const char *dir;            /* the migrations directory (it exists: `modelc init`) */
    const char *message;        /* the file's message (-m); NULL: made from the changes */
    mcc_dialect dialect;
    unsigned flags;             /* MCC_PLAN_ALLOW_LOSS (plan.h) */
} mcc_next_request;

typedef struct mcc_next_migration {
    mcc_diff up;                 /* what its upgrade does; up.nops == 0: no changes, nothing written */
    int version;                /* its number */
    const char *path;           /* DIR/NNNN_slug.sql, once written; NULL when nothing was */
} mcc_next_migration;

/*
 * Writes the next numbered migration of rq->dir: replays the directory's
 * migrations into a private in-memory database through the runtime's
 * runner (as `upgrade` applies them), introspects it, diffs it with
 * rq->want both ways (renames from the schema's hints), plans both ways,
 * and tries the new file through the same runner: its upgrade must give
 * rq->want and its downgrade the schema before.  Only then is the file
 * written (never over another).  Returns 0 -- written, or nothing to do
 * (out->up.nops == 0) -- or -1 after reporting into diag; nothing is
 * written then.
 */
int mcc_migration_next(const mcc_next_request *rq, mcc_arena *arena, mcc_diag *diag, mcc_next_migration *out);

/* ---- checking (schema_check.c) ------------------------------------------------ */

/*
 * What the migrations of dir lack to give want: reads dir (into *md, for
 * mcc_check_database), replays it as mcc_migration_next does, and diffs the
 * result with want; out->nops == 0 when they give it.  Returns 0, or -1
 * after reporting into diag.
 */
int mcc_check_migrations(const mcc_schema *want, const char *dir, mcc_dialect dialect, mcc_arena *arena,
                        mcc_diag *diag, mcc_migdir *md, mcc_diff *out);

/* A database's view, against the migrations and the schema. */
typedef struct mcc_db_check {
    int version;                /* the version it records */
    const char *unverified;     /* why what it applied does not match md's files (edited, missing), or NULL */
    mcc_diff diff;               /* what its schema lacks to be want */
    mcc_named_matches named;    /* constraints it names that want does not (align_names.h) */
} mcc_db_check;

/*
 * Opens the database url read-only (it must exist) and reads its
 * version, verifies what it applied against md's files as `upgrade`
 * would, and diffs its schema with want (a SQLite file read by
 * introspect.c, a PostgreSQL server's current schema by introspect_pg.c,
 * aligned with want where PostgreSQL cannot tell forms apart, its named
 * constraints taken as want's unnamed ones that say the same).  shown is the database as
 * messages name it (no password).  Returns 0, or -1 after reporting into
 * diag.
 */
int mcc_check_database(const char *url, const char *shown, const mcc_migdir *md, const mcc_schema *want,
                      mcc_arena *arena, mcc_diag *diag, mcc_db_check *out);

#endif
