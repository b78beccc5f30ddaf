/*
 * dbrows.h -- the rows of a query as text, through libmodelc on either
 * engine, for tests that compare what a database holds.
 */
#ifndef MC_DBROWS_H
#define MC_DBROWS_H

#include "modelc.h"

/* All rows of sql, the first ncols columns joined by '|' (SQL NULL as
 * "NULL"), each row ended by '\n'; malloc'd.  A failing statement fails
 * the test with its message. */
char *tu_db_rows(mc_db *db, const char *sql, int ncols);

/* Fails the test unless tu_db_rows(db, sql, ncols) is want. */
void tu_db_rows_eq(mc_db *db, const char *sql, int ncols, const char *want);

#endif
