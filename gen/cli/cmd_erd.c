/*
 * cmd_erd.c -- `modelc erd SCHEMA [-o FILE] [--format dot|svg|png]`: the
 * schema's entity-relationship diagram (erd.c), as Graphviz DOT, or
 * rendered to SVG or PNG by Graphviz's `dot` when it is installed.
 *
 * Without --format the format follows FILE's extension (.svg, .png; else
 * DOT).  Output goes to FILE, replaced atomically (a temporary file, then
 * rename), or to standard output; PNG is not written to a terminal.
 */
#include "cli.h"
#include "erd.h"
#include "schema.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

typedef enum erd_format { ERD_DOT, ERD_SVG, ERD_PNG } erd_format;

/* --format NAME, or the extension of FILE; -1 for an unknown name. */
static int pick_format(const char *name, const char *file)
{
    static const char *const names[] = {"dot", "svg", "png"};
    if (name) {
        for (int i = 0; i < 3; i++)
            if (strcmp(name, names[i]) == 0)
                return i;
        return -1;
    }
    const char *dot = file ? strrchr(file, '.') : NULL;
    if (dot && strcmp(dot, ".svg") == 0)
        return ERD_SVG;
    if (dot && strcmp(dot, ".png") == 0)
        return ERD_PNG;
    return ERD_DOT;
}

/* Is there an executable `prog` on $PATH? */
static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path || !path[0])
        path = "/usr/bin:/bin";
    size_t plen = strlen(prog);
    for (const char *p = path; *p;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *full = malloc(n + plen + 3);
        if (!full)
            return 0;
        snprintf(full, n + plen + 3, "%.*s/%s", (int)n, n ? p : ".", prog);
        int ok = access(full, X_OK) == 0;
        free(full);
        if (ok)
            return 1;
        p += n + (e != NULL);
    }
    return 0;
}

/* A temporary name next to path, for the atomic replace. */
static char *temp_name(const char *path)
{
    size_t n = strlen(path) + 24;
    char *tmp = malloc(n);
    if (tmp)
        snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    return tmp;
}

/* Writes len bytes to f; 0, or -1 with errno. */
static int put_all(FILE *f, const char *text, size_t len)
{
    if (fwrite(text, 1, len, f) != len)
        return -1;
    return fflush(f) == 0 ? 0 : -1;
}

/* Runs `dot -T<fmt> [-o out]` with the DOT text on its standard input.
 * Returns 0, or -1 after printing why. */
static int render(const char *fmt, const char *text, size_t len, const char *out)
{
    int fds[2];
    if (pipe(fds) != 0) {
        mcc_cli_error("erd", NULL, "cannot run dot: %s", strerror(errno));
        return -1;
    }
    char tflag[8];
    snprintf(tflag, sizeof tflag, "-T%s", fmt);
    char *argv[] = {"dot", tflag, out ? "-o" : NULL, (char *)out, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    fflush(stdout);
    int e = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (e != 0) {
        close(fds[1]);
        mcc_cli_error("erd", NULL, "cannot run dot: %s", strerror(e));
        return -1;
    }
    FILE *w = fdopen(fds[1], "w");
    int wrote = w && put_all(w, text, len) == 0;
    if (w)
        fclose(w);
    else
        close(fds[1]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!wrote || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        mcc_cli_error("erd", NULL, "dot failed (%s)",
                     WIFEXITED(status) ? "see its message above" : "killed by a signal");
        return -1;
    }
    return 0;
}

/* The diagram in `format` to `out` (NULL: standard output). */
static int write_diagram(erd_format format, const char *text, size_t len, const char *out)
{
    static const char *const tnames[] = {"dot", "svg", "png"};
    if (format == ERD_DOT && !out) {
        if (put_all(stdout, text, len) == 0)
            return 0;
        mcc_cli_error("erd", NULL, "cannot write the output");
        return -1;
    }
    if (format == ERD_DOT) {
        char *tmp = temp_name(out);
        FILE *f = tmp ? fopen(tmp, "wb") : NULL;
        int ok = f && put_all(f, text, len) == 0;
        ok = f && fclose(f) == 0 && ok;
        if (!ok || rename(tmp, out) != 0) {
            mcc_cli_error("erd", NULL, "cannot write %s: %s", out, strerror(errno));
            if (tmp)
                remove(tmp);
            free(tmp);
            return -1;
        }
        free(tmp);
        return 0;
    }
    if (!out) {
        if (format == ERD_PNG && isatty(STDOUT_FILENO)) {
            mcc_cli_error("erd", NULL, "not writing PNG to a terminal; give -o FILE");
            return -1;
        }
        return render(tnames[format], text, len, NULL);
    }
    char *tmp = temp_name(out);
    if (!tmp || render(tnames[format], text, len, tmp) != 0) {
        if (tmp)
            remove(tmp);
        free(tmp);
        return -1;
    }
    if (rename(tmp, out) != 0) {
        mcc_cli_error("erd", NULL, "cannot write %s: %s", out, strerror(errno));
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int mcc_cmd_erd(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *out = NULL, *format_name = NULL;
    const mcc_opt opts[] = {
        {"--out", "-o", 1, &out, NULL},
        {"--format", "-f", 1, &format_name, NULL},
        {0},
    };
    const char *pos[1] = {0};
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    if (out && !out[0]) {
        mcc_cli_error("erd", NULL, "-o needs a file name");
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    int format = pick_format(format_name, out);
    if (format < 0) {
        mcc_cli_error("erd", NULL, "unknown format '%s' (dot, svg or png)", format_name);
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    if (format != ERD_DOT && !on_path("dot")) {
        mcc_cli_error("erd", NULL,
                     "--format %s needs Graphviz's `dot`, which is not installed\n"
                     "    hint: install Graphviz (apt-get install graphviz), or write DOT with --format dot",
                     format == ERD_SVG ? "svg" : "png");
        return MCC_EXIT_ERROR;
    }

    mcc_arena arena = {0};
    mcc_source src;
    mcc_schema schema;
    if (mcc_cli_load_schema(pos[0], &arena, &src, &schema) != 0) {
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    mcc_buf b = {0};
    mcc_erd_dot(&b, &schema);
    rc = MCC_EXIT_ERROR;
    if (b.failed)
        mcc_cli_error("erd", NULL, "out of memory");
    else if (write_diagram((erd_format)format, b.data ? b.data : "", b.len, out) == 0)
        rc = MCC_EXIT_OK;
    mcc_buf_free(&b);
    mcc_arena_free(&arena);
    return rc;
}
