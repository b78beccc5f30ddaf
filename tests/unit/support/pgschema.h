/*
 * pgschema.h -- a PostgreSQL schema of one's own for a test, so that
 * suites sharing make check's server do not see each other's tables.
 */
#ifndef MC_PGSCHEMA_H
#define MC_PGSCHEMA_H

/* Drops and creates schema `name` on the test server (tu_pg_url) and
 * returns a malloc'd URL whose connections use it (search_path through
 * libpq's options).  NULL when there is no server: the test skips (or
 * fails under CI=true, as tu_pg_url says). */
char *tu_pg_schema_url(const char *test, const char *name);

/* A connection to a fresh schema `name` (tu_pg_schema_url), checked to
 * be PostgreSQL's; NULL when the test skips. */
struct mc_db;
struct mc_db *tu_pg_open_schema(const char *test, const char *name);

#endif
