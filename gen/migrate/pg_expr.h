/*
 * pg_expr.h -- PostgreSQL's deparsed expressions written back as the SQL
 * a schema holds.
 *
 * PostgreSQL keeps a CHECK or DEFAULT as a parse tree and prints it back
 * (pg_get_constraintdef, pg_get_expr) with what its parser added: casts
 * ("isbn::text", "0::numeric", "'x'::character varying"), IN lists as
 * "= ANY (ARRAY[10, 13])", LIKE as "~~", parentheses.  The PostgreSQL
 * introspection (introspect_pg.c) turns that text back into the portable
 * form a schema's check("...") or server_default holds, so that
 * `modelc inspect` writes what `modelc sql` prints again, and SQLite can
 * check it when the schema is read: casts dropped, ANY/ALL over an
 * array as IN / NOT IN, ~~ as LIKE, parentheses around a single word or
 * literal and around the whole expression dropped.  Text in string
 * literals and quoted names is never touched.
 */
#ifndef MCC_PG_EXPR_H
#define MCC_PG_EXPR_H

#include <stdbool.h>

#include "arena.h"

/* The portable form of expression text PostgreSQL printed (arena
 * memory; NULL when out of memory). */
char *mcc_pg_expr_portable(mcc_arena *a, const char *pg_text);

/* The expression inside "CHECK (...)" as pg_get_constraintdef prints a
 * check constraint (a trailing NOT VALID or NO INHERIT aside), in its
 * portable form; NULL when def is not a CHECK or out of memory. */
char *mcc_pg_check_body(mcc_arena *a, const char *def);

/* Do a database's expression (portable form) and a schema's say the
 * same, once both are portable and spacing, the case of keywords and
 * names, and quotes around plain names are set aside? */
bool mcc_pg_expr_same(mcc_arena *a, const char *db_text, const char *schema_text);

#endif
