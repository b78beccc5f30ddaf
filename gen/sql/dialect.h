/*
 * dialect.h -- the SQL dialects modelc writes: SQLite (the default) and
 * PostgreSQL.  A dialect decides identifier quoting (each has its own
 * reserved words), column type names and DDL details; the schema model
 * itself is the same for both.
 */
#ifndef MCC_DIALECT_H
#define MCC_DIALECT_H

typedef enum mcc_dialect {
    MCC_DIALECT_SQLITE = 0,
    MCC_DIALECT_POSTGRESQL
} mcc_dialect;

/* "sqlite" / "postgresql" (also "postgres") -> *out; returns 0, or -1 for
 * any other name. */
int mcc_dialect_parse(const char *name, mcc_dialect *out);

/* The dialect of a database URL as DSL.md section 2 spells them:
 * postgresql://, postgres:// and SQLAlchemy's postgresql+driver:// are
 * PostgreSQL, anything else (a path, sqlite:///path) SQLite. */
mcc_dialect mcc_dialect_of_url(const char *url);

/* "sqlite" or "postgresql". */
const char *mcc_dialect_name(mcc_dialect d);

#endif
