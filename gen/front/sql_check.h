/*
 * sql_check.h -- the SQL a schema carries as text (check("...")),
 * checked by SQLite when the schema is loaded: see sql_check.c.
 */
#ifndef MCC_SQL_CHECK_H
#define MCC_SQL_CHECK_H

#include "diag.h"
#include "schema.h"

/* Prepares the CREATE TABLE of every table of s that has a check in a scratch in-memory SQLite
 * database and reports each CHECK expression SQLite refuses at its
 * string literal in src (or the table at its model).  Returns the number
 * of errors reported into diag; s is not changed. */
int mcc_check_schema_sql(const mcc_schema *s, const mcc_source *src, mcc_diag *diag);

#endif
