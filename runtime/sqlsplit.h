/*
 * sqlsplit.h -- where one SQL statement of a script ends (sqlsplit.c).
 * Shared by the runtime's migration runner and the compiler's reader of
 * migration files (which finds its section markers outside statements);
 * not installed; names start with mci_ as in internal.h.
 */
#ifndef MC_SQLSPLIT_H
#define MC_SQLSPLIT_H

#include <stddef.h>

/* The length of the first statement of s[0..len), its ';' included, where
 * sqlite3_complete() would first say "complete"; len when no ';'
 * completes one.  Linear in what it reads.  With MCI_SQL_POSTGRESQL,
 * where PostgreSQL (psql) would end it instead: dollar quotes
 * ($$..$$, $tag$..$tag$) keep their ';'. */
enum { MCI_SQL_POSTGRESQL = 1 };
size_t mci_statement_end(const char *s, size_t len, unsigned flags);

#endif
