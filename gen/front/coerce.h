/*
 * coerce.h -- a schema's literals against their columns (coerce.c).
 */
#ifndef MC_COERCE_H
#define MC_COERCE_H

#include <stdbool.h>

#include "ast.h"
#include "schema.h"

/* Checks that literal v (written as `what`, "default" or
 * "server_default") fits column c, whose type, nullability and bounds are
 * decided; fills *out.  `now` fits DateTime, Date and Time, `null` a
 * nullable column.  Returns false after reporting why not into d (a
 * column of unknown type: false, nothing reported, its type error was). */
bool mc_coerce_literal(mc_arena *a, mc_diag *d, const mc_column *c, const mc_value *v, const char *what,
                       mc_literal *out);

/* The DDL text after DEFAULT for a checked literal: a number as written,
 * a string quoted, true/false as 1/0, now as CURRENT_TIMESTAMP; in a. */
const char *mc_literal_sql(mc_arena *a, const mc_literal *l);

#endif
