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

void mc_cli_usage(const mc_cmd *cmd)
{
    fprintf(stderr, "usage: modelc %s %s\n", cmd->name, cmd->usage);
    fprintf(stderr, "`modelc %s --help` for more.\n", cmd->name);
}

const char *mc_cli_default_db(const char *db)
{
    if (db)
        return db;
    const char *env = getenv("DATABASE_URL");
    return env && env[0] ? env : "app.db";
}

int mc_cli_dialect(const mc_cmd *cmd, const char *name, mc_dialect *out)
{
    if (!name) {
        *out = mc_dialect_of_url(getenv("DATABASE_URL"));
        return 0;
    }
    if (mc_dialect_parse(name, out) == 0)
        return 0;
    mc_cli_error(cmd->name, NULL, "unknown dialect '%s' (sqlite or postgresql)", name);
    mc_cli_usage(cmd);
    return -1;
}

int mc_cli_db(const mc_cmd *cmd, const char **db)
{
    if (*db && !(*db)[0]) {
        mc_cli_error(cmd->name, NULL, "--db needs a database: a path or sqlite:///path");
        mc_cli_usage(cmd);
        return MC_EXIT_USAGE;
    }
    *db = mc_cli_default_db(*db);
    return -1;
}

const char *mc_cli_shown_db(const char *url)
{
    static char shown[4][512];
    static int next;
    char *out = shown[next++ % 4];
    mc_redact_url(url, out, sizeof shown[0]);
    return out;
}

void mc_cli_error(const char *cmd, const char *hint, const char *fmt, ...)
{
    char place[64], text[1024];
    snprintf(place, sizeof place, "modelc %s", cmd);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    mc_diag d;
    mc_diag_init(&d, NULL, NULL, NULL);
    mc_error_in(&d, place, hint, "%s", text);
}

int mc_cli_require_dir(const char *cmd, const char *dir)
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
    mc_cli_error(cmd, hint, "%s: %s", dir, why);
    return MC_EXIT_ERROR;
}

int mc_cli_parse(const mc_cmd *cmd, int argc, char **argv, const mc_opt *opts, const char **pos, int min_pos,
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
            return MC_EXIT_OK;
        }
        if (!only_pos && a[0] == '-' && a[1] != '\0') {
            const char *eq = strchr(a, '=');
            size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
            const mc_opt *o = NULL;
            for (const mc_opt *p = opts; p && p->name; p++)
                if ((strlen(p->name) == nlen && strncmp(p->name, a, nlen) == 0) ||
                    (p->alias && strlen(p->alias) == nlen && strncmp(p->alias, a, nlen) == 0))
                    o = p;
            if (!o) {
                mc_cli_error(cmd->name, NULL, "unknown option '%.*s'", (int)nlen, a);
                mc_cli_usage(cmd);
                return MC_EXIT_USAGE;
            }
            if (o->takes_value) {
                const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (!v) {
                    mc_cli_error(cmd->name, NULL, "option '%s' needs a value", o->name);
                    mc_cli_usage(cmd);
                    return MC_EXIT_USAGE;
                }
                *o->value = v;
            } else {
                if (eq) {
                    mc_cli_error(cmd->name, NULL, "option '%s' takes no value", o->name);
                    mc_cli_usage(cmd);
                    return MC_EXIT_USAGE;
                }
                *o->flag = 1;
            }
            continue;
        }
        if (npos >= max_pos) {
            mc_cli_error(cmd->name, NULL, "unexpected argument '%s'", a);
            mc_cli_usage(cmd);
            return MC_EXIT_USAGE;
        }
        pos[npos++] = a;
    }
    if (npos < min_pos) {
        mc_cli_error(cmd->name, NULL, "missing argument");
        mc_cli_usage(cmd);
        return MC_EXIT_USAGE;
    }
    return -1;
}

int mc_cli_load_schema(const char *path, mc_arena *arena, mc_source *src, mc_schema *out)
{
    mc_diag diag;
    mc_diag_init(&diag, src, NULL, NULL);
    int nerr = mc_load_schema(path, arena, &diag, src, out);
    mc_diag_finish(&diag);
    return nerr ? MC_EXIT_ERROR : 0;
}

/* Writes text to path through a temporary file and rename(), so a reader
 * never sees half a file.  Returns 0, or -1 with errno set. */
int mc_cli_write_atomically(const char *path, const char *text)
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
