/*
 * dialect.h -- the SQL dialects modelc writes: SQLite (the default) and
 * PostgreSQL.  A dialect decides identifier quoting (each has its own
 * reserved words), column type names and DDL details; the schema model
 * itself is the same for both.
 */
#ifndef MC_DIALECT_H
#define MC_DIALECT_H

typedef enum mc_dialect {
    MC_DIALECT_SQLITE = 0,
    MC_DIALECT_POSTGRESQL
} mc_dialect;

/* "sqlite" / "postgresql" (also "postgres") -> *out; returns 0, or -1 for
 * any other name. */
int mc_dialect_parse(const char *name, mc_dialect *out);

/* The dialect of a database URL as DSL.md section 2 spells them:
 * postgresql:// and postgres:// are PostgreSQL, anything else (a path,
 * sqlite:///path) SQLite. */
mc_dialect mc_dialect_of_url(const char *url);

/* "sqlite" or "postgresql". */
const char *mc_dialect_name(mc_dialect d);

#endif
