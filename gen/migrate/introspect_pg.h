/*
 * introspect_pg.h -- a PostgreSQL database's tables read back into the
 * schema model, the same model introspect.c makes of a SQLite file, so
 * that the diff and `modelc inspect` see one thing whichever engine the
 * schema came from.
 *
 * What is read, from pg_catalog, for the connection's current schema
 * (the first of its search_path, normally `public`): the tables (not
 * views, not partitions) in creation order; their columns with the type
 * mapped back to the schema language's (integer, bigint, smallint,
 * varchar(n), text, boolean, timestamp without time zone, date, time,
 * bytea, json, numeric(p, s), double precision; a native enum type with
 * its labels), nullability and server default; the primary key; UNIQUE,
 * FOREIGN KEY (with ON DELETE / ON UPDATE) and CHECK constraints; the
 * indexes that are not a constraint's, unique or not, in column order.
 *
 * The model holds what `modelc sql` would print for SQLite: sql_type is
 * the SQLite spelling of the type ("VARCHAR(64)", "DATETIME"; an enum
 * column "VARCHAR(longest label)" with its enum), a SERIAL (or identity)
 * primary key has no server default, a Boolean default is 1 or 0, now()
 * is CURRENT_TIMESTAMP, and CHECK expressions and defaults are in the
 * portable form of pg_expr.h.  A constraint named as PostgreSQL names an
 * unnamed one (pg_names.h) is unnamed; a CHECK on one column under that
 * column's default name is the column's check.  A type with no schema
 * language equivalent keeps its text (MCC_T_UNKNOWN: "REAL", "UUID").
 * modelc's and Alembic's version tables are skipped, as on SQLite.
 *
 * Every statement is a fixed text with the object ids bound as
 * parameters.
 */
#ifndef MCC_INTROSPECT_PG_H
#define MCC_INTROSPECT_PG_H

#include "modelc.h"
#include "diff.h"
#include "schema.h"

/* What the schema language cannot write (views, triggers, partial and
 * expression indexes, exclusion constraints, generated columns), for
 * `modelc inspect`'s notes. */
typedef struct mcc_pg_leftover {
    const char *kind;       /* "view", "trigger", "index", "constraint", "column" */
    const char *name;
    const char *why;        /* "a view", "a partial index" ... */
    const char *sql;        /* its definition as the server prints it */
} mcc_pg_leftover;

typedef struct mcc_pg_leftovers {
    size_t n;
    mcc_pg_leftover *v;
    const char *database, *schema;  /* current_database(), the schema read */
} mcc_pg_leftovers;

/*
 * Fills *out (arena memory) from the PostgreSQL connection db, and
 * *left (may be NULL) with what the schema cannot hold.  Returns 0, or
 * -1 after reporting into diag what could not be read ("pg_attribute:
 * <the server's message>"), named by diag->place.
 */
int mcc_introspect_pg(mc_db *db, mcc_arena *arena, mcc_diag *diag, mcc_schema *out, mcc_pg_leftovers *left);

/*
 * What PostgreSQL cannot tell apart, taken as `want` (a .model's schema)
 * says, before have (introspected by mcc_introspect_pg) is diffed with
 * it: a CHECK that says what want's says (mcc_pg_expr_same) takes its
 * text, and its place (column or table) -- PostgreSQL keeps both as one
 * kind of constraint; autoincrement, which is SERIAL
 * either way; no server default where want's is NULL.  Tables and
 * columns are matched by SQL name.
 */
void mcc_introspect_pg_align(mcc_schema *have, const mcc_schema *want, mcc_arena *arena);

/*
 * Appends to d (have diffed into want) an ALTER_TYPE op for each enum
 * column whose type on the server is not named as modelc's PostgreSQL
 * DDL and migrations name want's enum (its name in lower case: a type
 * SQLAlchemy named post_status is not PostStatus's poststatus), which the
 * diff, comparing values, does not see.  Returns 0, or -1 when out of
 * memory.
 */
int mcc_introspect_pg_enum_types(const mcc_schema *have, const mcc_schema *want, mcc_arena *arena, mcc_diff *d);

#endif
