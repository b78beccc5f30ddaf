/*
 * inspect.h -- an existing database's schema written in modelc's schema
 * language (`modelc inspect`), as sqlacodegen, Django's inspectdb and
 * `prisma db pull` do for their languages.
 *
 * The database is read by introspect.c (SQLite) or introspect_pg.c
 * (PostgreSQL, whose native enum types become enum declarations); this
 * file decides the names (models from tables, fields from columns,
 * enums from types), writes each table as a model
 * with its types, keys, constraints and indexes, and infers relationships
 * from the foreign keys: one-to-many with a backref, one-to-one where the
 * foreign key is unique, many-to-many through a table that is nothing but
 * two foreign keys.  What the language cannot say (views, triggers,
 * partial or expression indexes, unknown column types, constraint names,
 * composite foreign keys, defaults that are expressions) is written as a
 * comment naming what was left out, never dropped silently.
 *
 * For a database that modelc or Flask-SQLAlchemy created, `modelc sql` of
 * the inspected schema prints the DDL the database was made with (with
 * --dialect postgresql for a PostgreSQL one; what that server does not
 * keep, such as autoincrement, is the plain form).  The
 * text is written plainly, one space between parts; `modelc inspect`
 * lays it out with mcc_fmt before printing it.
 */
#ifndef MCC_INSPECT_H
#define MCC_INSPECT_H

#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "modelc.h"

/* Appends the schema of db, in the schema language, to out.  `source`
 * names the database in the header comment (NULL: none).  Scratch memory
 * comes from arena.  Returns 0, or -1 after reporting into diag what
 * could not be read (diag->place names the database). */
int mcc_inspect(sqlite3 *db, const char *source, mcc_arena *arena, mcc_diag *diag, mcc_buf *out);

/* The same for a PostgreSQL connection: its current schema (the
 * search_path's first), read by introspect_pg.c, native enum types
 * written as enums; the header names the database and the schema. */
int mcc_inspect_pg(mc_db *db, mcc_arena *arena, mcc_diag *diag, mcc_buf *out);

#endif
