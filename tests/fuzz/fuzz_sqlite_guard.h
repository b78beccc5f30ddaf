/*
 * fuzz_sqlite_guard.h -- keeps fuzzed SQL inside the process.
 *
 * Every SQLite connection the process opens (the runtime's, and the
 * private in-memory ones of the migration replay) gets, through
 * sqlite3_auto_extension: no attached databases (so neither ATTACH nor
 * VACUUM INTO can create files), values of at most 1 MiB, and a budget of
 * virtual-machine steps per fuzz input (an endless recursive CTE is then
 * interrupted, not a timeout).  The whole process may use at most 256 MiB
 * of SQLite heap.  fuzz_guard_reset() starts a new input's budget.
 */
#ifndef FUZZ_SQLITE_GUARD_H
#define FUZZ_SQLITE_GUARD_H

#include <sqlite3.h>

static long fuzz_budget;

static int fuzz_progress(void *ctx)
{
    (void)ctx;
    return --fuzz_budget < 0;
}

static int fuzz_guard_connection(sqlite3 *db, char **err, const void *api)
{
    (void)err;
    (void)api;
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
    sqlite3_progress_handler(db, 100, fuzz_progress, 0);
    return SQLITE_OK;
}

static void fuzz_guard_reset(void)
{
    static int installed;
    if (!installed) {
        installed = 1;
        sqlite3_hard_heap_limit64((sqlite3_int64)256 << 20);
        sqlite3_auto_extension((void (*)(void))fuzz_guard_connection);
    }
    fuzz_budget = 20000;    /* x 100 VM steps */
}

#endif
