/*
 * diag.h -- diagnostics: "file:line:col: error: message", the source line,
 * a caret under the offending token, and an optional hint.
 *
 * Locations travel through the compiler as byte offsets into the source
 * text; they become line:col only here, when a message is rendered.
 * Rendered messages go to a pluggable sink (stderr by default, a buffer in
 * tests).  After `max_errors` errors further ones are counted, not shown.
 */
#ifndef MC_DIAG_H
#define MC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A place in the source: byte offset and length.  Every node of the
 * syntax tree (ast.h) and of the checked model (schema.h) carries one. */
typedef struct mc_span {
    uint32_t off, len;
} mc_span;

typedef struct mc_source {
    const char *path;   /* as given on the command line */
    const char *text;   /* whole file, NUL-terminated, owned by the caller */
    size_t len;
} mc_source;

/* Receives one fully rendered diagnostic (several lines, '\n'-terminated). */
typedef void (*mc_diag_fn)(void *ctx, const char *text);

typedef struct mc_diag_held mc_diag_held;

typedef struct mc_diag {
    const mc_source *src;
    mc_diag_fn emit;        /* NULL: write to stderr */
    void *ctx;
    int n_errors;
    int max_errors;         /* 0: the default of 20 */
    bool color;             /* ANSI colors (stderr is a terminal, NO_COLOR unset) */
    const char *place;      /* what mc_error_in names by default: "modelc migrate" (NULL: "modelc") */
    mc_diag_held *held;     /* between mc_diag_hold and mc_diag_release, else NULL */
} mc_diag;

/* ANSI sequences of colored diagnostics (as GCC's: bold place and
 * message, red "error:", green caret, cyan "hint:"). */
#define MC_COLOR_BOLD "\033[1m"
#define MC_COLOR_ERROR "\033[1;31m"
#define MC_COLOR_CARET "\033[1;32m"
#define MC_COLOR_HINT "\033[1;36m"
#define MC_COLOR_RESET "\033[0m"

/* Colors for output on fd: it is a terminal, $TERM is set and not "dumb",
 * and $NO_COLOR is unset or empty (https://no-color.org). */
bool mc_color_wanted(int fd);

/* A sink of NULL writes to stderr, in color when mc_color_wanted(2). */
void mc_diag_init(mc_diag *d, const mc_source *src, mc_diag_fn emit, void *ctx);

/* Reports an error at bytes [off, off+len) of the source.  hint may be NULL. */
void mc_error_at(mc_diag *d, uint32_t off, uint32_t len, const char *hint,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* An error with no place in the source ("cannot read x.model"). */
void mc_error_plain(mc_diag *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* An error about something other than a place in the source -- a
 * migration file, a database, the command itself -- as the back half
 * (migrations, introspection, planning, the database commands) reports
 * them: "place: message\n", then "  hint: hint\n" when hint is not NULL.
 * place NULL: d->place.  Not capped: every problem of a directory shows. */
void mc_error_in(mc_diag *d, const char *place, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* mc_error_plain ("path: error: message") with "  hint: hint\n" after it
 * when hint is not NULL: a refusal about the schema as a whole. */
void mc_error_hint(mc_diag *d, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* True once the error cap is reached: callers stop doing work. */
bool mc_diag_full(const mc_diag *d);

/* Holding back (the checker's mode, sema.c): from mc_diag_hold until
 * mc_diag_release every error is counted when it is reported but
 * delivered only at the release, in source order (by place, ties in the
 * order reported), so that a checker making several passes over a file
 * still reports it top to bottom.  Only the earliest errors, as many as
 * the cap lets through, are rendered and kept; a later one is counted
 * without the cost of rendering (which scans the file up to its place).
 * An error with no place (mc_error_plain) is held as if at the file's
 * start.  A caller that holds should not stop at mc_diag_full: a later
 * pass may still find an earlier error.  mc_diag_hold returns false when
 * out of memory (then nothing is held and errors go out as they come). */
bool mc_diag_hold(mc_diag *d);
void mc_diag_release(mc_diag *d);

/* Writes the "N errors" trailer when errors were suppressed. */
void mc_diag_finish(mc_diag *d);

/* 1-based line and column (in characters) of a byte offset. */
void mc_diag_linecol(const mc_source *src, uint32_t off, unsigned *line, unsigned *col);

/* The closest of `n` candidates to `word` by edit distance, or NULL if none
 * is close enough to be worth suggesting. */
const char *mc_closest(const char *word, const char *const *cands, size_t n);

struct mc_arena;

/* mc_hint_closest's flags. */
enum {
    MC_HINT_LIST = 1    /* no close candidate: "expected one of: a, b, c" (a closed set of words) */
};

/* The hint for a misspelt word: "did you mean 'x'?" naming the closest of
 * n candidates, or NULL when none is close (but see MC_HINT_LIST); in
 * arena memory. */
const char *mc_hint_closest(struct mc_arena *a, const char *word, const char *const *cands, size_t n,
                            unsigned flags);

#endif
