/*
 * naming.h -- the naming rules of DSL.md, shared by every emitter:
 * table names from model names, index names, SQL identifier quoting.
 */
#ifndef MCC_NAMING_H
#define MCC_NAMING_H

#include <stdarg.h>
#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "dialect.h"

/* Flask-SQLAlchemy's table name for a model: `LibraryCard` -> `library_card`,
 * `HTTPRequest` -> `http_request`. */
char *mcc_snake_case(mcc_arena *a, const char *model);

/* True for a keyword of C11 or C++ (which no generated identifier may be). */
bool mcc_is_c_keyword(const char *name);

/* True when SQLAlchemy would quote this identifier on SQLite: a reserved
 * word, upper-case letters, or characters outside [a-z0-9_$]. */
bool mcc_ident_needs_quotes(const char *name);
/* The same rule with the reserved words of dialect d. */
bool mcc_ident_needs_quotes_in(mcc_dialect d, const char *name);

/* Appends name, double-quoted (with "" escaping) when it needs quotes. */
void mcc_put_ident(mcc_buf *b, const char *name);
/* The same, quoting by the rules of dialect d ("user" is reserved on PostgreSQL). */
void mcc_put_ident_in(mcc_buf *b, mcc_dialect d, const char *name);
/* Appends name always double-quoted (for statements we build ourselves). */
void mcc_put_quoted_ident(mcc_buf *b, const char *name);
/* Appends SQL from a format where %I is an identifier (quoted as needed),
 * %Q one always double-quoted, %s text pasted as it is (SQL modelc wrote, never a value), %% a '%':
 *   mcc_put_sqlf(b, "ALTER TABLE %I RENAME TO %I;\n", from, to);          */
void mcc_put_sqlf(mcc_buf *b, const char *fmt, ...);
void mcc_buf_vsqlf(mcc_buf *b, const char *fmt, va_list ap);
/* Appends a SQL string literal: 'it''s'. */
void mcc_put_sql_string(mcc_buf *b, const char *s);

#endif
