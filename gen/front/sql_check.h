/*
 * sql_check.h -- the SQL a schema carries as text (check("...")),
 * checked by SQLite when the schema is loaded: see sql_check.c.
 */
#ifndef MC_SQL_CHECK_H
#define MC_SQL_CHECK_H

#include "diag.h"
#include "schema.h"

/* Prepares the CREATE TABLE of every table of s that has a check in a scratch in-memory SQLite
 * database and reports each CHECK expression SQLite refuses at its
 * string literal in src (or the table at its model).  Returns the number
 * of errors reported into diag; s is not changed. */
int mc_check_schema_sql(const mc_schema *s, const mc_source *src, mc_diag *diag);

#endif
