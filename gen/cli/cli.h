/*
 * cli.h -- the command line: a table of commands, a small option parser,
 * and the commands themselves (one file each: cmd_*.c).
 *
 * Exit status (DSL.md section 2): 0 success, 1 user error, 2 usage error.
 */
#ifndef MC_CLI_H
#define MC_CLI_H

#include "dialect.h"

enum { MC_EXIT_OK = 0, MC_EXIT_ERROR = 1, MC_EXIT_USAGE = 2 };

typedef struct mc_cmd {
    const char *name;
    const char *usage;      /* "SCHEMA [-o DIR] [--prefix P]" */
    const char *summary;    /* one line for `modelc --help` */
    const char *help;       /* the rest of `modelc CMD --help` */
    int (*run)(const struct mc_cmd *cmd, int argc, char **argv);
} mc_cmd;

typedef struct mc_opt {
    const char *name;       /* "--dir" */
    const char *alias;      /* "-o" or NULL */
    int takes_value;
    const char **value;     /* where the value goes (takes_value) */
    int *flag;              /* set to 1 when present (!takes_value) */
} mc_opt;

/* Parses argv (argv[0] is the command name) against opts; positionals go
 * to pos[0..max_pos).  Returns -1 to go on, or an exit status: 0 after
 * printing --help, 2 after printing a usage error. */
int mc_cli_parse(const mc_cmd *cmd, int argc, char **argv, const mc_opt *opts, const char **pos, int min_pos,
                 int max_pos);

/* A command's own error, through mc_diag like every other message:
 * "modelc CMD: message", then "  hint: hint" when hint is not NULL. */
void mc_cli_error(const char *cmd, const char *hint, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prints "usage: modelc CMD USAGE" to stderr. */
void mc_cli_usage(const mc_cmd *cmd);

struct mc_arena;
struct mc_source;
struct mc_schema;
/* Reads and checks a schema for a command: diagnostics go to stderr.
 * Returns 0, or 1 (MC_EXIT_ERROR) after reporting the errors. */
int mc_cli_load_schema(const char *path, struct mc_arena *arena, struct mc_source *src, struct mc_schema *out);

/* The dialect for `--dialect NAME` (NULL: the dialect of $DATABASE_URL
 * when it is set, else SQLite).  Returns 0, or -1 after printing a usage
 * error for an unknown name. */
int mc_cli_dialect(const mc_cmd *cmd, const char *name, mc_dialect *out);

/* Writes text to path through a temporary file and rename(), so a reader
 * never sees half a file.  Returns 0, or -1 with errno set. */
int mc_cli_write_atomically(const char *path, const char *text);

/* $DATABASE_URL, else "app.db", when db is NULL. */
const char *mc_cli_default_db(const char *db);

/* --db for a command: "" is a usage error (returns 2 after the message);
 * NULL becomes the default.  Returns -1 to go on. */
int mc_cli_db(const mc_cmd *cmd, const char **db);

/* The database as messages name it: a URL's password is "***".  A static
 * buffer (a ring of 4). */
const char *mc_cli_shown_db(const char *url);

/* 0 when dir is a directory, else 1 after a message with the hint
 * `modelc init`. */
int mc_cli_require_dir(const char *cmd, const char *dir);

int mc_cmd_sql(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_generate(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_migrate(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_upgrade(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_downgrade(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_current(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_history(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_stamp(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_check(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_fmt(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_inspect(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_init(const mc_cmd *cmd, int argc, char **argv);
int mc_cmd_erd(const mc_cmd *cmd, int argc, char **argv);

#endif
