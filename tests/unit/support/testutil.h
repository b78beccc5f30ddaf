/*
 * testutil.h -- helpers shared by the Check suites: running the modelc
 * binary and compilers, temporary directories, files.
 *
 * The Makefile passes, through the environment:
 *   MODELC        absolute path of the modelc binary under test
 *   MODELC_BUILD  the build directory (libmodelc.a lives there)
 *   MODELC_SRC    the source tree (runtime/modelc.h, tests/, examples/)
 *   MODELC_CFLAGS extra compiler flags (sanitizers) for generated code
 */
#ifndef MC_TESTUTIL_H
#define MC_TESTUTIL_H

#include <stddef.h>

typedef struct tu_result {
    int status;         /* exit status, or 128+signal when killed */
    char *out, *err;    /* captured, NUL-terminated, malloc'd */
} tu_result;

/* Runs argv (argv[0] looked up in PATH) with optional stdin text; waits at
 * most timeout_s seconds (then kills it: status 128+SIGKILL). */
tu_result tu_run(const char *const *argv, const char *stdin_text, int timeout_s);
/* Runs the modelc under test with the arguments up to a NULL (at most
 * 15), no standard input, a 60-second limit. */
tu_result tu_modelc_run(const char *arg, ...);
/* Runs a shell command line. */
tu_result tu_sh(const char *cmdline, int timeout_s);
void tu_result_free(tu_result *r);

/* Environment with defaults for running outside make. */
const char *tu_modelc(void);
const char *tu_build(void);
const char *tu_src(void);
const char *tu_cflags(void);
/* Path under the source tree; an example schema "examples/X.model" lives at
 * examples/X/X.model (static buffer ring). */
const char *tu_path(const char *rel);
const char *tu_example(const char *rel);

/* The throwaway PostgreSQL server of tests/pg/with-postgres.sh (make check
 * starts one): its libpq URL, or NULL after printing why the calling test
 * skips.  Under CI=true a missing server fails the test instead: CI must
 * run every PostgreSQL suite. */
const char *tu_pg_url(const char *test);

/* A fresh directory under /tmp, removed by tu_rmdir (which frees dir). */
char *tu_mkdtemp(void);
void tu_rmdir(char *dir);
/* Removes dir and everything below it; the caller keeps the string. */
void tu_remove_tree(const char *dir);

struct Suite;
/* Runs a suite as every test program does (CK_NORMAL, fork mode as the
 * environment says) and returns the process's exit status. */
int tu_run_suite(struct Suite *s);

char *tu_read_file(const char *path, size_t *len);
int tu_write_file(const char *path, const char *text, size_t len);
int tu_exists(const char *path);
/* printf into a malloc'd string. */
char *tu_fmt(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
