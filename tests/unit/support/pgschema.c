/*
 * pgschema.c -- see pgschema.h.  The schema is made through libmodelc
 * itself (mc_open of the server's URL, mc_exec).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modelc.h"
#include "pgschema.h"
#include "testutil.h"

char *tu_pg_schema_url(const char *test, const char *name)
{
    const char *base = tu_pg_url(test);
    mc_db *db = NULL;
    char sql[256];

    if (!base)
        return NULL;
    ck_assert_msg(mc_open(&db, base, NULL) == MC_OK, "%s: %s", base, mc_errmsg(db));
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%s\" CASCADE; CREATE SCHEMA \"%s\"", name, name);
    ck_assert_msg(mc_exec(db, sql) == MC_OK, "%s", mc_errmsg(db));
    mc_close(db);
    size_t n = strlen(base) + strlen(name) + 64;
    char *url = malloc(n);
    ck_assert_ptr_nonnull(url);
    snprintf(url, n, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?', name);
    return url;
}

mc_db *tu_pg_open_schema(const char *test, const char *name)
{
    char *url = tu_pg_schema_url(test, name);
    mc_db *db = NULL;
    if (!url)
        return NULL;
    ck_assert_msg(mc_open(&db, url, NULL) == MC_OK, "%s", mc_errmsg(db));
    free(url);
    ck_assert_int_eq(mc_db_engine(db), MC_ENGINE_POSTGRESQL);
    return db;
}
