/*
 * pg_names.h -- the names PostgreSQL gives the constraints of our DDL.
 *
 * `modelc sql --dialect postgresql` (like SQLAlchemy's create_all) leaves
 * PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK constraints unnamed, and the
 * server names them: <table>_pkey, <table>_<cols>_key, <table>_<cols>_fkey,
 * <table>_<col>_check when the expression uses one column, else
 * <table>_check; clipped to 63 bytes (the longer part shortened first, at
 * a character boundary), a number after the label when the table already
 * has the name (<table>_check1).  The migration planner needs these names
 * for DROP CONSTRAINT and RENAME CONSTRAINT, as Alembic's users write them.
 */
#ifndef MCC_PG_NAMES_H
#define MCC_PG_NAMES_H

#include "arena.h"
#include "schema.h"

/* The name of t's constraint k (its own name when it has one). */
const char *mcc_pg_constraint_name(mcc_arena *arena, const mcc_table *t, const mcc_constraint *k);
/* The name of the CHECK of column c of t (column checks are not in
 * t->constraints); NULL when c has none. */
const char *mcc_pg_column_check_name(mcc_arena *arena, const mcc_table *t, const mcc_column *c);
/* The name PostgreSQL gives an unnamed UNIQUE (label "key") or FOREIGN
 * KEY ("fkey") of table over the columns cols. */
const char *mcc_pg_key_name(mcc_arena *arena, const char *table, const char *const *cols, size_t n,
                           const char *label);
/* "<table>_pkey", and the sequence of a SERIAL column "<table>_<col>_seq". */
const char *mcc_pg_pkey_name(mcc_arena *arena, const char *table);
/* PostgreSQL's makeObjectName: "<name1>[_<name2>]_<label>" within 63
 * bytes (name2 may be NULL), as every name above is made. */
const char *mcc_pg_object_name(mcc_arena *arena, const char *name1, const char *name2, const char *label);
const char *mcc_pg_sequence_name(mcc_arena *arena, const char *table, const char *column);

#endif
