/*
 * ddl.h -- CREATE TABLE / CREATE INDEX text, as SQLAlchemy 1.4 emits it
 * for SQLite or PostgreSQL (one statement per line, ';'-terminated).  Used
 * by `modelc sql` and by the migration planner, from the SQL-level fields
 * of the schema model only, so an introspected table prints the same way.
 * The functions without "_in" write SQLite.
 */
#ifndef MCC_DDL_H
#define MCC_DDL_H

#include "buf.h"
#include "dialect.h"
#include "schema.h"

/* "name TYPE [DEFAULT x] [NOT NULL] [PRIMARY KEY AUTOINCREMENT] [CHECK (..)]" */
void mcc_ddl_column(mcc_buf *b, const mcc_table *t, const mcc_column *c);
/* "CREATE TABLE t (...);" under the name `name` (NULL: t->name). */
void mcc_ddl_create_table_as(mcc_buf *b, const mcc_table *t, const char *name);
void mcc_ddl_create_table(mcc_buf *b, const mcc_table *t);
/* "CREATE [UNIQUE] INDEX ix ON t (cols);" */
void mcc_ddl_create_index(mcc_buf *b, const mcc_table *t, const mcc_index *ix);
/* Every table in creation order, each followed by its indexes by name. */
void mcc_ddl_schema(mcc_buf *b, const mcc_schema *s);

/* The same in dialect d.  PostgreSQL: SERIAL/BIGSERIAL/SMALLSERIAL for
 * the autoincrement column, its own type names (types.def), "user"
 * quoted, Boolean server defaults as true/false, and each enum as a
 * native type created just before the first table that uses it. */
void mcc_ddl_column_in(mcc_buf *b, mcc_dialect d, const mcc_table *t, const mcc_column *c);
void mcc_ddl_create_table_in(mcc_buf *b, mcc_dialect d, const mcc_table *t, const char *name);
void mcc_ddl_create_index_in(mcc_buf *b, mcc_dialect d, const mcc_table *t, const mcc_index *ix);
void mcc_ddl_schema_in(mcc_buf *b, mcc_dialect d, const mcc_schema *s);
/* `name` with c's parameters as its type takes them: "(64)" for a
 * String(64), "(8, 2)" or "(8)" for a Numeric; nothing for the others.
 * The one place a type's parameters are spelled (DDL of each dialect,
 * `modelc inspect`'s schema text). */
void mcc_ddl_type_named(mcc_buf *b, const char *name, const mcc_column *c);
/* "CREATE TYPE format AS ENUM ('a', 'b');" */
void mcc_ddl_create_enum_pg(mcc_buf *b, const mcc_enum *e);
/* PostgreSQL's pieces, for the migration planner (plan_pg.c): is c the
 * table's SERIAL column; c's type as a column of ALTER COLUMN ... TYPE
 * (INTEGER, never SERIAL); an enum's type name ("poststatus"); c's
 * server default as the dialect writes it (Boolean true/false). */
bool mcc_ddl_pg_serial(const mcc_table *t, const mcc_column *c);
void mcc_ddl_pg_type(mcc_buf *b, const mcc_column *c);
void mcc_ddl_pg_enum_name(mcc_buf *b, const mcc_enum *e);
const char *mcc_ddl_server_default_in(mcc_dialect d, const mcc_column *c);
/* Is the table's primary key emitted inline as PRIMARY KEY AUTOINCREMENT? */
int mcc_ddl_inline_autoincrement(const mcc_table *t);

#endif
