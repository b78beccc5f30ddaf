/*
 * ddl.h -- CREATE TABLE / CREATE INDEX text, as SQLAlchemy 1.4 emits it
 * for SQLite or PostgreSQL (one statement per line, ';'-terminated).  Used
 * by `modelc sql` and by the migration planner, from the SQL-level fields
 * of the schema model only, so an introspected table prints the same way.
 * The functions without "_in" write SQLite.
 */
#ifndef MC_DDL_H
#define MC_DDL_H

#include "buf.h"
#include "dialect.h"
#include "schema.h"

/* "name TYPE [DEFAULT x] [NOT NULL] [PRIMARY KEY AUTOINCREMENT] [CHECK (..)]" */
void mc_ddl_column(mc_buf *b, const mc_table *t, const mc_column *c);
/* "CREATE TABLE t (...);" under the name `name` (NULL: t->name). */
void mc_ddl_create_table_as(mc_buf *b, const mc_table *t, const char *name);
void mc_ddl_create_table(mc_buf *b, const mc_table *t);
/* "CREATE [UNIQUE] INDEX ix ON t (cols);" */
void mc_ddl_create_index(mc_buf *b, const mc_table *t, const mc_index *ix);
/* Every table in creation order, each followed by its indexes by name. */
void mc_ddl_schema(mc_buf *b, const mc_schema *s);

/* The same in dialect d.  PostgreSQL: SERIAL/BIGSERIAL/SMALLSERIAL for
 * the autoincrement column, its own type names (types.def), "user"
 * quoted, Boolean server defaults as true/false, and each enum as a
 * native type created just before the first table that uses it. */
void mc_ddl_column_in(mc_buf *b, mc_dialect d, const mc_table *t, const mc_column *c);
void mc_ddl_create_table_in(mc_buf *b, mc_dialect d, const mc_table *t, const char *name);
void mc_ddl_create_index_in(mc_buf *b, mc_dialect d, const mc_table *t, const mc_index *ix);
void mc_ddl_schema_in(mc_buf *b, mc_dialect d, const mc_schema *s);
/* `name` with c's parameters as its type takes them: "(64)" for a
 * String(64), "(8, 2)" or "(8)" for a Numeric; nothing for the others.
 * The one place a type's parameters are spelled (DDL of each dialect,
 * `modelc inspect`'s schema text). */
void mc_ddl_type_named(mc_buf *b, const char *name, const mc_column *c);
/* "CREATE TYPE format AS ENUM ('a', 'b');" */
void mc_ddl_create_enum_pg(mc_buf *b, const mc_enum *e);
/* PostgreSQL's pieces, for the migration planner (plan_pg.c): is c the
 * table's SERIAL column; c's type as a column of ALTER COLUMN ... TYPE
 * (INTEGER, never SERIAL); an enum's type name ("poststatus"); c's
 * server default as the dialect writes it (Boolean true/false). */
bool mc_ddl_pg_serial(const mc_table *t, const mc_column *c);
void mc_ddl_pg_type(mc_buf *b, const mc_column *c);
void mc_ddl_pg_enum_name(mc_buf *b, const mc_enum *e);
const char *mc_ddl_server_default_in(mc_dialect d, const mc_column *c);
/* Is the table's primary key emitted inline as PRIMARY KEY AUTOINCREMENT? */
int mc_ddl_inline_autoincrement(const mc_table *t);

#endif
