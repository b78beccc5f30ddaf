/* cli.c -- option parsing shared by the commands. */
#include "cli.h"
#include "schema.h"

#include "modelc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

void mcc_cli_usage(const mcc_cmd *cmd)
{
    fprintf(stderr, "usage: modelc %s %s\n", cmd->name, cmd->usage);
    fprintf(stderr, "`modelc %s --help` for more.\n", cmd->name);
}

const char *mcc_cli_default_db(const char *db)
{
    if (db)
        return db;
    const char *env = getenv("DATABASE_URL");
    return env && env[0] ? env : "app.db";
}

int mcc_cli_dialect(const mcc_cmd *cmd, const char *name, mcc_dialect *out)
{
    if (!name) {
        *out = mcc_dialect_of_url(getenv("DATABASE_URL"));
        return 0;
    }
    if (mcc_dialect_parse(name, out) == 0)
        return 0;
    mcc_cli_error(cmd->name, NULL, "unknown dialect '%s' (sqlite or postgresql)", name);
    mcc_cli_usage(cmd);
    return -1;
}

int mcc_cli_db(const mcc_cmd *cmd, const char **db)
{
    if (*db && !(*db)[0]) {
        mcc_cli_error(cmd->name, NULL, "--db needs a database: a path or sqlite:///path");
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    *db = mcc_cli_default_db(*db);
    return -1;
}

const char *mcc_cli_shown_db(const char *url)
{
    static char shown[4][512];
    static int next;
    char *out = shown[next++ % 4];
    mc_redact_url(url, out, sizeof shown[0]);
    return out;
}

void mcc_cli_error(const char *cmd, const char *hint, const char *fmt, ...)
{
    char place[64], text[1024];
    snprintf(place, sizeof place, "modelc %s", cmd);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    mcc_diag d;
    mcc_diag_init(&d, NULL, NULL, NULL);
    mcc_error_in(&d, place, hint, "%s", text);
}

int mcc_cli_require_dir(const char *cmd, const char *dir)
{
    struct stat st;
    int found = stat(dir, &st) == 0;
    if (found && S_ISDIR(st.st_mode))
        return 0;
    const char *why = found ? "not a directory" : errno == ENOENT ? "no such directory" : strerror(errno);
    char hint[300];
    if (strcmp(dir, "migrations") == 0)
        snprintf(hint, sizeof hint, "create it with `modelc init`");
    else
        snprintf(hint, sizeof hint, "create it with `modelc init --dir %s`", dir);
    mcc_cli_error(cmd, hint, "%s: %s", dir, why);
    return MCC_EXIT_ERROR;
}

int mcc_cli_parse(const mcc_cmd *cmd, int argc, char **argv, const mcc_opt *opts, const char **pos, int min_pos,
                 int max_pos)
{
    int npos = 0;
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            printf("usage: modelc %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
            if (cmd->help && cmd->help[0])
                printf("\n%s", cmd->help);
            return MCC_EXIT_OK;
        }
        if (!only_pos && a[0] == '-' && a[1] != '\0') {
            const char *eq = strchr(a, '=');
            size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
            const mcc_opt *o = NULL;
            for (const mcc_opt *p = opts; p && p->name; p++)
                if ((strlen(p->name) == nlen && strncmp(p->name, a, nlen) == 0) ||
                    (p->alias && strlen(p->alias) == nlen && strncmp(p->alias, a, nlen) == 0))
                    o = p;
            if (!o) {
                mcc_cli_error(cmd->name, NULL, "unknown option '%.*s'", (int)nlen, a);
                mcc_cli_usage(cmd);
                return MCC_EXIT_USAGE;
            }
            if (o->takes_value) {
                const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (!v) {
                    mcc_cli_error(cmd->name, NULL, "option '%s' needs a value", o->name);
                    mcc_cli_usage(cmd);
                    return MCC_EXIT_USAGE;
                }
                *o->value = v;
            } else {
                if (eq) {
                    mcc_cli_error(cmd->name, NULL, "option '%s' takes no value", o->name);
                    mcc_cli_usage(cmd);
                    return MCC_EXIT_USAGE;
                }
                *o->flag = 1;
            }
            continue;
        }
        if (npos >= max_pos) {
            mcc_cli_error(cmd->name, NULL, "unexpected argument '%s'", a);
            mcc_cli_usage(cmd);
            return MCC_EXIT_USAGE;
        }
        pos[npos++] = a;
    }
    if (npos < min_pos) {
        mcc_cli_error(cmd->name, NULL, "missing argument");
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    return -1;
}

int mcc_cli_load_schema(const char *path, mcc_arena *arena, mcc_source *src, mcc_schema *out)
{
    mcc_diag diag;
    mcc_diag_init(&diag, src, NULL, NULL);
    int nerr = mcc_load_schema(path, arena, &diag, src, out);
    mcc_diag_finish(&diag);
    return nerr ? MCC_EXIT_ERROR : 0;
}

/* Writes text to path through a temporary file and rename(), so a reader
 * never sees half a file.  Returns 0, or -1 with errno set. */
int mcc_cli_write_atomically(const char *path, const char *text)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        free(tmp);
        return -1;
    }
    size_t len = strlen(text);
    int ok = fwrite(text, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    free(tmp);
    return 0;
}
