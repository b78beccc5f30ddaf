/*
 * snapshot.h -- what a migration history remembers beyond its SQL.
 *
 * The SQL of the migrations gives tables, columns and their SQL types, but
 * not which model a table belongs to (a custom `table "..."`), which field
 * a column("...") belongs to, or that a VARCHAR(9) column holds the enum
 * Status { draft, posted, published }.  `modelc migrate` therefore writes,
 * in the header of every file, a snapshot of the schema after that file's
 * upgrade, as comment lines:
 *
 *   -- modelc:model BookTag book_tags
 *   -- modelc:field user login_name login
 *   -- modelc:enum Status draft posted published
 *   -- modelc:column post status Status
 *
 * (model name and table; table, column and field where they differ; enum
 * and its values; table, column and enum of every enum column).  A word is
 * written bare when it is an identifier, else in double quotes with \" \\
 * \n \t escapes.
 *
 * Replaying, the newest snapshot among the applied files is laid over the
 * introspected schema: an entry counts only where the database agrees
 * (the table and column exist, an enum column is VARCHAR(longest value)).
 * Histories without any snapshot (files written before it existed, or by
 * hand) keep working as before: the schema stays sql_only.
 */
#ifndef MCC_SNAPSHOT_H
#define MCC_SNAPSHOT_H

#include "arena.h"
#include "buf.h"
#include "schema.h"

/* Appends the snapshot lines of s (a schema from a .model file) to b. */
void mcc_snapshot_render(mcc_buf *b, const mcc_schema *s);

/* Does text (a migration file) carry a snapshot? */
int mcc_snapshot_present(const char *text);

/* Lays the snapshot in text over s (introspected); clears s->sql_only.
 * Returns 0, or -1 when out of memory. */
int mcc_snapshot_apply(const char *text, mcc_arena *arena, mcc_schema *s);

/* The whole schema s as "-- modelc:sql" lines (snapshot_sql.c): what a
 * PostgreSQL history's header carries so that `migrate` needs no server. */
void mcc_snapshot_render_sql(mcc_buf *b, const mcc_schema *s);
/* Does text carry such lines? */
int mcc_snapshot_has_sql(const char *text);

/* The lines' word encoding, for other snapshot kinds (snapshot_sql.c):
 * appends ' ' and w, bare when an identifier, else quoted. */
void mcc_snapshot_put_word(mcc_buf *b, const char *w);

/* Calls fn on every "-- modelc:KIND word..." line of text's header (up to
 * the upgrade marker), the words decoded into arena; stops at the first
 * non-zero return of fn.  Returns 0, or -1 (fn refused, out of memory). */
typedef int (*mcc_snapshot_line_fn)(void *ctx, const char *kind, const char **w, size_t n);
int mcc_snapshot_each(const char *text, mcc_arena *arena, mcc_snapshot_line_fn fn, void *ctx);

#endif
