/*
 * pg_abi.h -- the few libpq types and constants the PostgreSQL driver
 * uses, for building without libpq's headers.  Internal.
 *
 * libmodelc loads libpq at run time (pg_libpq.c), so it needs libpq's
 * types, never its library, to build.  Where libpq-fe.h is installed
 * (Debian's libpq-dev) it is used and the compiler checks our calls
 * against it; elsewhere these declarations stand in for it, so that
 * `make` needs no PostgreSQL package.  The values are libpq.so.5's ABI,
 * which PostgreSQL keeps stable (enumerators are only ever appended);
 * tests/unit/test_pg_abi.c compares them with the installed header
 * (MCI_FORCE_PG_ABI selects these declarations even where it exists).
 */
#ifndef MODELC_PG_ABI_H
#define MODELC_PG_ABI_H

#if defined(__has_include) && !defined(MCI_FORCE_PG_ABI)
#if __has_include(<libpq-fe.h>)
#define MCI_HAVE_LIBPQ_FE 1
#endif
#endif

#ifdef MCI_HAVE_LIBPQ_FE
#include <libpq-fe.h>
#else
typedef unsigned int Oid;
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef void (*PQnoticeProcessor)(void *arg, const char *message);
typedef enum { CONNECTION_OK = 0, CONNECTION_BAD = 1 } ConnStatusType;
typedef enum {
    PGRES_EMPTY_QUERY = 0, PGRES_COMMAND_OK = 1, PGRES_TUPLES_OK = 2, PGRES_COPY_OUT = 3, PGRES_COPY_IN = 4,
    PGRES_BAD_RESPONSE = 5, PGRES_NONFATAL_ERROR = 6, PGRES_FATAL_ERROR = 7, PGRES_COPY_BOTH = 8,
    PGRES_SINGLE_TUPLE = 9
} ExecStatusType;
typedef enum {
    PQTRANS_IDLE = 0, PQTRANS_ACTIVE = 1, PQTRANS_INTRANS = 2, PQTRANS_INERROR = 3, PQTRANS_UNKNOWN = 4
} PGTransactionStatusType;
#define PG_DIAG_SQLSTATE 'C'
#define PG_DIAG_MESSAGE_PRIMARY 'M'
#define PG_DIAG_MESSAGE_DETAIL 'D'
#define PG_DIAG_TABLE_NAME 't'
#define PG_DIAG_COLUMN_NAME 'c'
#define PG_DIAG_CONSTRAINT_NAME 'n'
#endif

#endif
