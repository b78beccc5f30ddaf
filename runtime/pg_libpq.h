/*
 * pg_libpq.h -- the libpq functions the PostgreSQL driver calls, as a
 * table of pointers filled by dlopen/dlsym (pg_libpq.c).  Internal.
 *
 * libmodelc is compiled against libpq-fe.h but does not link with libpq:
 * applications keep linking `-lmodelc -lsqlite3` (DSL.md section 4), also
 * with the static library, and libpq.so.5 is needed only by a program
 * that opens a postgresql:// URL.  Its absence is then a clear MC_ERROR.
 */
#ifndef MODELC_PG_LIBPQ_H
#define MODELC_PG_LIBPQ_H

#include "pg_abi.h"

/* X(return type, name, parameter list) for every function used. */
#define MCI_PQ_FUNCS(X)                                                                                    \
    X(PGconn *, PQconnectdbParams, (const char *const *, const char *const *, int))                        \
    X(ConnStatusType, PQstatus, (const PGconn *))                                                          \
    X(char *, PQerrorMessage, (const PGconn *))                                                            \
    X(void, PQfinish, (PGconn *))                                                                          \
    X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *, PQnoticeProcessor, void *))                      \
    X(PGresult *, PQprepare, (PGconn *, const char *, const char *, int, const Oid *))                     \
    X(int, PQsendQueryPrepared,                                                                            \
      (PGconn *, const char *, int, const char *const *, const int *, const int *, int))                   \
    X(int, PQsetSingleRowMode, (PGconn *))                                                                 \
    X(PGresult *, PQgetResult, (PGconn *))                                                                 \
    X(PGresult *, PQexec, (PGconn *, const char *))                                                        \
    X(ExecStatusType, PQresultStatus, (const PGresult *))                                                  \
    X(char *, PQresultErrorField, (const PGresult *, int))                                                 \
    X(void, PQclear, (PGresult *))                                                                         \
    X(int, PQnfields, (const PGresult *))                                                                  \
    X(int, PQntuples, (const PGresult *))                                                                  \
    X(char *, PQgetvalue, (const PGresult *, int, int))                                                    \
    X(int, PQgetlength, (const PGresult *, int, int))                                                      \
    X(int, PQgetisnull, (const PGresult *, int, int))                                                      \
    X(Oid, PQftype, (const PGresult *, int))                                                               \
    X(char *, PQcmdTuples, (PGresult *))                                                                   \
    X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *))

typedef struct mci_pq {
    void *lib;      /* the dlopen handle */
#define MCI_PQ_MEMBER(ret, name, params) ret (*name) params;
    MCI_PQ_FUNCS(MCI_PQ_MEMBER)
#undef MCI_PQ_MEMBER
} mci_pq;

/* Loads libpq.so.5 into pq.  On failure returns 0 with why in msg
 * (dlerror's text, or the missing symbol). */
int mci_pq_load(mci_pq *pq, char *msg, size_t cap);

/* Unloads what mci_pq_load loaded (a no-op when nothing was). */
void mci_pq_unload(mci_pq *pq);

#endif
