/*
 * ddl.h -- CREATE TABLE / CREATE INDEX text, as SQLAlchemy 1.4 emits it
 * for SQLite (one statement per line, ';'-terminated).  Used by `modelc
 * sql` and by the migration planner, from the SQL-level fields of the
 * schema model only, so an introspected table prints the same way.
 */
#ifndef MC_DDL_H
#define MC_DDL_H

#include "buf.h"
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
/* Is the table's primary key emitted inline as PRIMARY KEY AUTOINCREMENT? */
int mc_ddl_inline_autoincrement(const mc_table *t);

#endif
