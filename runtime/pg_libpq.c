/*
 * pg_libpq.c -- loading libpq at run time (see pg_libpq.h for why).
 *
 * Each PostgreSQL connection loads its own table: dlopen counts
 * references, so this costs one lookup per symbol at connect time and
 * needs no process-wide state or lock.  RTLD_NODELETE: the last close
 * keeps the library (and what it loaded) mapped, since unmapping
 * libraries with thread-local storage mid-process leaves LeakSanitizer's
 * exit-time scan reading stale TLS (a crash at exit under ASan, seen
 * with `modelc current --db postgresql://...?options=...`); a program
 * that connected once is likely to connect again anyway.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "pg_libpq.h"

#ifndef RTLD_NODELETE
#define RTLD_NODELETE 0     /* unloaded on the last dlclose, then */
#endif

int mci_pq_load(mci_pq *pq, char *msg, size_t cap)
{
    memset(pq, 0, sizeof *pq);
    pq->lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!pq->lib) {
        const char *why = dlerror();
        snprintf(msg, cap, "%s", why ? why : "libpq.so.5 could not be loaded");
        return 0;
    }
    /* memcpy: ISO C has no cast from dlsym's void * to a function pointer. */
#define MCI_PQ_LOAD(ret, name, params)                                                                      \
    {                                                                                                      \
        void *sym = dlsym(pq->lib, #name);                                                                 \
        if (!sym) {                                                                                        \
            snprintf(msg, cap, "libpq.so.5 has no %s (too old a libpq)", #name);                           \
            mci_pq_unload(pq);                                                                             \
            return 0;                                                                                      \
        }                                                                                                  \
        memcpy(&pq->name, &sym, sizeof sym);                                                               \
    }
    MCI_PQ_FUNCS(MCI_PQ_LOAD)
#undef MCI_PQ_LOAD
    return 1;
}

void mci_pq_unload(mci_pq *pq)
{
    if (pq->lib)
        dlclose(pq->lib);
    memset(pq, 0, sizeof *pq);
}
