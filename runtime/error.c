/*
 * error.c -- statuses and the per-connection message.
 *
 * The message lives in a fixed buffer inside mc_db, so recording an error
 * never allocates and cannot itself fail (out-of-memory reports included).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

const char *mc_runtime_version(void)
{
    return MODELC_RUNTIME_VERSION;
}

const char *mc_status_name(int status)
{
    switch (status) {
    case MC_OK:         return "MC_OK";
    case MC_NOTFOUND:   return "MC_NOTFOUND";
    case MC_CONSTRAINT: return "MC_CONSTRAINT";
    case MC_INVALID:    return "MC_INVALID";
    case MC_BUSY:       return "MC_BUSY";
    case MC_NOMEM:      return "MC_NOMEM";
    case MC_MISUSE:     return "MC_MISUSE";
    case MC_ERROR:      return "MC_ERROR";
    case MC_DONE:       return "MC_DONE";
    default:            return "MC_UNKNOWN";
    }
}

const char *mc_errmsg(const mc_db *db)
{
    if (!db)
        return "out of memory";
    return db->msg;
}

int mc_errcode(const mc_db *db)
{
    return db ? db->status : MC_NOMEM;
}

int mc_sqlite_errcode(const mc_db *db)
{
    return db ? db->sqlite_rc : SQLITE_NOMEM;
}

void mc_clear_error(mc_db *db)
{
    if (!db)
        return;
    db->status = MC_OK;
    db->sqlite_rc = 0;
    db->sqlstate[0] = '\0';
    db->msg[0] = '\0';
}

/* Formats into a scratch buffer first: the arguments may point into
 * db->msg itself ("%s (while ...)", mc_errmsg(db)). */
static void set_message(mc_db *db, int status, int sqlite_rc, const char *fmt, va_list ap)
{
    char tmp[MCI_MSG_MAX];

    if (fmt)
        vsnprintf(tmp, sizeof tmp, fmt, ap);
    else
        snprintf(tmp, sizeof tmp, "%s", mc_status_name(status));
    memcpy(db->msg, tmp, sizeof tmp);
    db->status = status;
    db->sqlite_rc = sqlite_rc;
    db->sqlstate[0] = '\0';
}

int mc_set_error(mc_db *db, int status, const char *fmt, ...)
{
    va_list ap;

    if (!db)
        return status;
    va_start(ap, fmt);
    set_message(db, status, 0, fmt, ap);
    va_end(ap);
    return status;
}

static int set_sqlite_error(mc_db *db, int status, int rc, const char *fmt, ...) MC_PRINTF(4, 5);
static int set_sqlite_error(mc_db *db, int status, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(db, status, rc, fmt, ap);
    va_end(ap);
    return status;
}

static int map_sqlite(int rc);

int mci_set_error_rc(mc_db *db, int status, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    set_message(db, status, rc, fmt, ap);
    va_end(ap);
    return status;
}

int mci_status_of_rc(int rc)
{
    return map_sqlite(rc);
}

static int map_sqlite(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:        return MC_OK;
    case SQLITE_DONE:       return MC_DONE;
    case SQLITE_CONSTRAINT: return MC_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:     return MC_BUSY;
    case SQLITE_NOMEM:      return MC_NOMEM;
    case SQLITE_NOTFOUND:   return MC_NOTFOUND;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:      return MC_MISUSE;
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:     return MC_INVALID;
    default:                return MC_ERROR;
    }
}

int mc_status_from_sqlite(mc_db *db, int rc, const char *context)
{
    int status = map_sqlite(rc);
    const char *text;

    if (status == MC_OK || status == MC_DONE || !db)
        return status;
    /* sqlite3_errmsg describes the connection's latest call; use it only
     * when that call is the one that produced rc. */
    if (db->handle && (sqlite3_errcode(db->handle) & 0xff) == (rc & 0xff)) {
        text = sqlite3_errmsg(db->handle);
        if (rc == (rc & 0xff))
            rc = sqlite3_extended_errcode(db->handle);
    } else {
        text = sqlite3_errstr(rc);
    }
    if (context && *context)
        return set_sqlite_error(db, status, rc, "%s: %s", context, text);
    return set_sqlite_error(db, status, rc, "%s", text);
}

int mc_status_from_rc(mc_db *db, int rc, const char *context)
{
    if (db && db->pg)
        return mci_pg_status(db, rc, context);
    return mc_status_from_sqlite(db, rc, context);
}

const char *mc_sqlstate(const mc_db *db)
{
    return db ? db->sqlstate : "";
}

int mci_usable(mc_db *db, const char *fn)
{
    if (!db)
        return MC_MISUSE;
    if (!db->handle && !db->pg)
        return mc_set_error(db, MC_MISUSE, "%s: the connection is not open", fn);
    return MC_OK;
}
