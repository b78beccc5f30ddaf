/*
 * coerce.h -- a schema's literals against their columns (coerce.c).
 */
#ifndef MCC_COERCE_H
#define MCC_COERCE_H

#include <stdbool.h>

#include "ast.h"
#include "schema.h"

/* Checks that literal v (written as `what`, "default" or
 * "server_default") fits column c, whose type, nullability and bounds are
 * decided; fills *out.  `now` fits DateTime, Date and Time, `null` a
 * nullable column.  Returns false after reporting why not into d (a
 * column of unknown type: false, nothing reported, its type error was). */
bool mcc_coerce_literal(mcc_arena *a, mcc_diag *d, const mcc_column *c, const mcc_value *v, const char *what,
                       mcc_literal *out);

/* The DDL text after DEFAULT for a checked literal: a number as written,
 * a string quoted, true/false as 1/0, now as CURRENT_TIMESTAMP; in a. */
const char *mcc_literal_sql(mcc_arena *a, const mcc_literal *l);

#endif
