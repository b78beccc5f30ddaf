/*
 * migfile.h -- migration files: DIR/NNNN_<slug>.sql.
 *
 * A file is plain SQL with a header comment (number, message, date,
 * schema) and two sections, each starting on a line of its own:
 *
 *   -- modelc:upgrade
 *   ...statements...
 *   -- modelc:downgrade
 *   ...statements...
 *
 * Numbers have 4 digits and run 1, 2, 3... without gaps.  The checksum the
 * runner records is that of the whole file text.
 */
#ifndef MCC_MIGFILE_H
#define MCC_MIGFILE_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "dialect.h"
#include "diff.h"
#include "modelc.h"
#include "schema.h"

typedef struct mcc_migfile {
    int version;
    const char *path;           /* DIR/0001_create_user_post.sql */
    const char *filename;       /* 0001_create_user_post.sql */
    const char *name;           /* create_user_post */
    const char *message;        /* from the header, or NULL */
    const char *text;           /* the whole file */
    size_t len;
    const char *upgrade_sql;    /* NULL when the marker is missing */
    const char *downgrade_sql;  /* NULL when the marker is missing */
    mcc_dialect dialect;         /* the header's "-- Dialect:" line; SQLite without one */
    char checksum[17];
} mcc_migfile;

typedef struct mcc_migdir {
    size_t n;
    mcc_migfile *files;          /* by version */
} mcc_migdir;

/* Reads every NNNN_*.sql of dir in version order.  A missing dir is
 * empty.  Every problem (unreadable file, missing upgrade marker,
 * duplicate number, gap, a file of another dialect than SQLite) is
 * reported into diag, named by its file ("migrations/0002_x.sql: ...");
 * returns 0, or -1 when there was any. */
int mcc_migdir_read(const char *dir, mcc_arena *arena, mcc_diag *diag, mcc_migdir *out);
/* The same for a history of dialect d: a file of any other dialect is
 * the error. */
int mcc_migdir_read_in(const char *dir, mcc_dialect d, mcc_arena *arena, mcc_diag *diag, mcc_migdir *out);

/* The dialect dir's history is in: the one its first file's header
 * names (SQLite without a "-- Dialect:" line); fallback when dir has no
 * readable migration.  For commands without --dialect (`check`). */
mcc_dialect mcc_migdir_dialect(const char *dir, mcc_dialect fallback);

/* The runner's view of the files (version i+1 at index i). */
mc_migration *mcc_migdir_list(const mcc_migdir *d, mcc_arena *arena);

/* "Add post title!" -> "add_post_title": lowercase, runs of anything but
 * [a-z0-9] become one '_', at most 40 characters (cut at a '_'). */
char *mcc_slug(mcc_arena *arena, const char *message);
/* A slug describing ops: "create_user_post", "add_post_title". */
char *mcc_slug_from_diff(mcc_arena *arena, const mcc_diff *d);

/* $MODELC_DATE, else the current UTC time "YYYY-MM-DD HH:MM:SS". */
const char *mcc_migfile_date(mcc_arena *arena);

/* The file's whole text; snapshot (may be NULL) is the schema after the
 * upgrade, written into the header (see snapshot.h). */
char *mcc_migfile_render(mcc_arena *arena, int version, const char *message, const char *schema_name,
                        const char *date, const char *upgrade_sql, const char *downgrade_sql,
                        const mcc_schema *snapshot);
/* The same for dialect d: its name in the "-- Dialect:" line; a
 * PostgreSQL file's snapshot also holds the whole schema (snapshot_sql.c). */
char *mcc_migfile_render_in(mcc_arena *arena, mcc_dialect d, int version, const char *message,
                           const char *schema_name, const char *date, const char *upgrade_sql,
                           const char *downgrade_sql, const mcc_schema *snapshot);

/* Creates dir (and its parents) when missing and writes dir/filename,
 * never overwriting.  Returns 0, or -1 after reporting into diag. */
int mcc_migfile_write(const char *dir, const char *filename, const char *text, mcc_arena *arena, mcc_diag *diag);

/* A private in-memory database (foreign keys on, as `upgrade` opens one)
 * with the first `upto` migrations applied by the runtime's runner, as
 * `upgrade` applies them; the caller closes *out.  Returns 0, or -1 after
 * reporting the runner's message into diag. */
int mcc_migdir_replay(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mc_db **out);

/* Lays the newest snapshot among the first `upto` files over s (their
 * introspected schema): model and field names, enum columns.  Without
 * one, s stays sql_only.  Returns 0, or -1 after reporting (out of
 * memory). */
int mcc_migdir_annotate(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mcc_schema *s);

/* The schema the first `upto` migrations produce (replayed, introspected,
 * annotated).  Returns 0, or -1 after reporting into diag. */
int mcc_migdir_schema(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mcc_schema *out);

/* The schema after the first `upto` files of a history whose headers
 * carry the whole schema (PostgreSQL's; snapshot_sql.c): the newest
 * file's snapshot, loaded without a server.  upto 0: the empty schema.
 * Returns 0, or -1 after reporting into diag. */
int mcc_migdir_schema_snapshot(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mcc_schema *out);

#endif
