/*
 * diag.h -- diagnostics: "file:line:col: error: message", the source line,
 * a caret under the offending token, and an optional hint.
 *
 * Locations travel through the compiler as byte offsets into the source
 * text; they become line:col only here, when a message is rendered.
 * Rendered messages go to a pluggable sink (stderr by default, a buffer in
 * tests).  After `max_errors` errors further ones are counted, not shown.
 */
#ifndef MCC_DIAG_H
#define MCC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A place in the source: byte offset and length.  Every node of the
 * syntax tree (ast.h) and of the checked model (schema.h) carries one. */
typedef struct mcc_span {
    uint32_t off, len;
} mcc_span;

typedef struct mcc_source {
    const char *path;   /* as given on the command line */
    const char *text;   /* whole file, NUL-terminated, owned by the caller */
    size_t len;
} mcc_source;

/* Receives one fully rendered diagnostic (several lines, '\n'-terminated). */
typedef void (*mcc_diag_fn)(void *ctx, const char *text);

typedef struct mcc_diag_held mcc_diag_held;

typedef struct mcc_diag {
    const mcc_source *src;
    mcc_diag_fn emit;        /* NULL: write to stderr */
    void *ctx;
    int n_errors;
    int max_errors;         /* 0: the default of 20 */
    bool color;             /* ANSI colors (stderr is a terminal, NO_COLOR unset) */
    const char *place;      /* what mcc_error_in names by default: "modelc migrate" (NULL: "modelc") */
    mcc_diag_held *held;     /* between mcc_diag_hold and mcc_diag_release, else NULL */
} mcc_diag;

/* ANSI sequences of colored diagnostics (as GCC's: bold place and
 * message, red "error:", green caret, cyan "hint:"). */
#define MCC_COLOR_BOLD "\033[1m"
#define MCC_COLOR_ERROR "\033[1;31m"
#define MCC_COLOR_CARET "\033[1;32m"
#define MCC_COLOR_HINT "\033[1;36m"
#define MCC_COLOR_RESET "\033[0m"

/* Colors for output on fd: it is a terminal, $TERM is set and not "dumb",
 * and $NO_COLOR is unset or empty (https://no-color.org). */
bool mcc_color_wanted(int fd);

/* A sink of NULL writes to stderr, in color when mcc_color_wanted(2). */
void mcc_diag_init(mcc_diag *d, const mcc_source *src, mcc_diag_fn emit, void *ctx);

/* Reports an error at bytes [off, off+len) of the source.  hint may be NULL. */
void mcc_error_at(mcc_diag *d, uint32_t off, uint32_t len, const char *hint,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* An error with no place in the source ("cannot read x.model"). */
void mcc_error_plain(mcc_diag *d, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* An error about something other than a place in the source -- a
 * migration file, a database, the command itself -- as the back half
 * (migrations, introspection, planning, the database commands) reports
 * them: "place: message\n", then "  hint: hint\n" when hint is not NULL.
 * place NULL: d->place.  Not capped: every problem of a directory shows. */
void mcc_error_in(mcc_diag *d, const char *place, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* mcc_error_plain ("path: error: message") with "  hint: hint\n" after it
 * when hint is not NULL: a refusal about the schema as a whole. */
void mcc_error_hint(mcc_diag *d, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* An error about something of the schema that may have a place in d's
 * source (a model or field of the schema file being checked: mcc_error_at
 * there) or not (one read from a database or a migration, span 0, 0: as
 * mcc_error_hint).  The span must be one of d->src's. */
void mcc_error_near(mcc_diag *d, mcc_span at, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* True once the error cap is reached: callers stop doing work. */
bool mcc_diag_full(const mcc_diag *d);

/* Holding back (the checker's mode, sema.c): from mcc_diag_hold until
 * mcc_diag_release every error is counted when it is reported but
 * delivered only at the release, in source order (by place, ties in the
 * order reported), so that a checker making several passes over a file
 * still reports it top to bottom.  Only the earliest errors, as many as
 * the cap lets through, are rendered and kept; a later one is counted
 * without the cost of rendering (which scans the file up to its place).
 * An error with no place (mcc_error_plain) is held as if at the file's
 * start.  A caller that holds should not stop at mcc_diag_full: a later
 * pass may still find an earlier error.  mcc_diag_hold returns false when
 * out of memory (then nothing is held and errors go out as they come). */
bool mcc_diag_hold(mcc_diag *d);
void mcc_diag_release(mcc_diag *d);

/* Writes the "N errors" trailer when errors were suppressed. */
void mcc_diag_finish(mcc_diag *d);

/* 1-based line and column (in characters) of a byte offset. */
void mcc_diag_linecol(const mcc_source *src, uint32_t off, unsigned *line, unsigned *col);

/* The closest of `n` candidates to `word` by edit distance, or NULL if none
 * is close enough to be worth suggesting. */
const char *mcc_closest(const char *word, const char *const *cands, size_t n);

struct mcc_arena;

/* mcc_hint_closest's flags. */
enum {
    MCC_HINT_LIST = 1    /* no close candidate: "expected one of: a, b, c" (a closed set of words) */
};

/* The hint for a misspelt word: "did you mean 'x'?" naming the closest of
 * n candidates, or NULL when none is close (but see MCC_HINT_LIST); in
 * arena memory. */
const char *mcc_hint_closest(struct mcc_arena *a, const char *word, const char *const *cands, size_t n,
                            unsigned flags);

#endif
