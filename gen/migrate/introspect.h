/*
 * introspect.h -- a SQLite database's tables read back into the schema
 * model (the SQL-level fields only), so that migrations can compare what a
 * database holds with what a .model file declares.
 *
 * Columns, their types, nullability, defaults and the primary key come from
 * PRAGMA table_xinfo; indexes from PRAGMA index_list / index_xinfo (those
 * created with CREATE INDEX; the automatic ones behind UNIQUE and PRIMARY
 * KEY are constraints); CHECK, UNIQUE and FOREIGN KEY constraints, with
 * their names and in their order, from the CREATE TABLE text in
 * sqlite_master, which is the form `modelc sql` prints (and SQLAlchemy's
 * create_all creates).  Introspecting the DDL of `modelc sql X` gives a
 * schema that mcc_diff finds equal to X.
 *
 * SQLite's own tables (sqlite_*), modelc's bookkeeping (modelc_migrations)
 * and Alembic's (alembic_version) are skipped.
 */
#ifndef MCC_INTROSPECT_H
#define MCC_INTROSPECT_H

#include <sqlite3.h>

#include "schema.h"

/* Fills *out (allocated in arena) from db.  Returns 0, or -1 after
 * reporting into diag what could not be read ("user: <SQLite's message>",
 * "user: cannot read its CREATE TABLE statement"), named by diag->place. */
int mcc_introspect(sqlite3 *db, mcc_arena *arena, mcc_diag *diag, mcc_schema *out);

/* True for the tables introspection skips. */
int mcc_introspect_skips(const char *table);

/* The type id and parameters of declared SQL type text ("VARCHAR(64)",
 * "NUMERIC(8, 2)"); MCC_T_UNKNOWN when there is no DSL equivalent. */
mcc_type_id mcc_type_from_sql(const char *sql_type, int *length, int *precision, int *scale);

#endif
