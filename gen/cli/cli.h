/*
 * cli.h -- the command line: a table of commands, a small option parser,
 * and the commands themselves (one file each: cmd_*.c).
 *
 * Exit status (DSL.md section 2): 0 success, 1 user error, 2 usage error.
 */
#ifndef MCC_CLI_H
#define MCC_CLI_H

#include "dialect.h"

enum { MCC_EXIT_OK = 0, MCC_EXIT_ERROR = 1, MCC_EXIT_USAGE = 2 };

typedef struct mcc_cmd {
    const char *name;
    const char *usage;      /* "SCHEMA [-o DIR] [--prefix P]" */
    const char *summary;    /* one line for `modelc --help` */
    const char *help;       /* the rest of `modelc CMD --help` */
    int (*run)(const struct mcc_cmd *cmd, int argc, char **argv);
} mcc_cmd;

typedef struct mcc_opt {
    const char *name;       /* "--dir" */
    const char *alias;      /* "-o" or NULL */
    int takes_value;
    const char **value;     /* where the value goes (takes_value) */
    int *flag;              /* set to 1 when present (!takes_value) */
} mcc_opt;

/* Parses argv (argv[0] is the command name) against opts; positionals go
 * to pos[0..max_pos).  Returns -1 to go on, or an exit status: 0 after
 * printing --help, 2 after printing a usage error. */
int mcc_cli_parse(const mcc_cmd *cmd, int argc, char **argv, const mcc_opt *opts, const char **pos, int min_pos,
                 int max_pos);

/* A command's own error, through mcc_diag like every other message:
 * "modelc CMD: message", then "  hint: hint" when hint is not NULL. */
void mcc_cli_error(const char *cmd, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prints "usage: modelc CMD USAGE" to stderr. */
void mcc_cli_usage(const mcc_cmd *cmd);

struct mcc_arena;
struct mcc_source;
struct mcc_schema;
/* Reads and checks a schema for a command: diagnostics go to stderr.
 * Returns 0, or 1 (MCC_EXIT_ERROR) after reporting the errors. */
int mcc_cli_load_schema(const char *path, struct mcc_arena *arena, struct mcc_source *src, struct mcc_schema *out);

/* The dialect for `--dialect NAME` (NULL: the dialect of $DATABASE_URL
 * when it is set, else SQLite).  Returns 0, or -1 after printing a usage
 * error for an unknown name. */
int mcc_cli_dialect(const mcc_cmd *cmd, const char *name, mcc_dialect *out);

/* Writes text to path through a temporary file and rename(), so a reader
 * never sees half a file.  Returns 0, or -1 with errno set. */
int mcc_cli_write_atomically(const char *path, const char *text);

/* $DATABASE_URL, else "app.db", when db is NULL. */
const char *mcc_cli_default_db(const char *db);

/* --db for a command: "" is a usage error (returns 2 after the message);
 * NULL becomes the default.  Returns -1 to go on. */
int mcc_cli_db(const mcc_cmd *cmd, const char **db);

/* The database as messages name it: a URL's password is "***".  A static
 * buffer (a ring of 4). */
const char *mcc_cli_shown_db(const char *url);

/* 0 when dir is a directory, else 1 after a message with the hint
 * `modelc init`. */
int mcc_cli_require_dir(const char *cmd, const char *dir);

int mcc_cmd_sql(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_generate(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_migrate(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_upgrade(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_downgrade(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_current(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_history(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_stamp(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_check(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_fmt(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_inspect(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_init(const mcc_cmd *cmd, int argc, char **argv);
int mcc_cmd_erd(const mcc_cmd *cmd, int argc, char **argv);

#endif
