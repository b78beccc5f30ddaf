/* cmd_fmt.c -- `modelc fmt SCHEMA... [--check]`: the canonical layout,
 * written in place (atomically), or only checked. */
/* realpath() */
#define _XOPEN_SOURCE 700

#include "cli.h"
#include "fmt.h"
#include "schema.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Replaces the file at path (a symbolic link's target, not the link) with
 * text: a temporary file in the same directory, with the old file's
 * permissions, synced, then renamed over it.  Returns 0, or -1 with errno
 * set and the old file untouched. */
static int replace_file(const char *path, const char *text, size_t len)
{
    char *real = realpath(path, NULL);
    if (!real)
        return -1;
    struct stat st;
    if (stat(real, &st) != 0) {
        free(real);
        return -1;
    }
    size_t n = strlen(real) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        free(real);
        errno = ENOMEM;
        return -1;
    }
    snprintf(tmp, n, "%s.fmtXXXXXX", real);
    int fd = mkstemp(tmp);
    int ok = fd >= 0;
    if (ok) {
        ok = fchmod(fd, st.st_mode & 07777) == 0;
        for (size_t done = 0; ok && done < len;) {
            ssize_t w = write(fd, text + done, len - done);
            if (w < 0 && errno == EINTR)
                continue;
            ok = w > 0;
            if (ok)
                done += (size_t)w;
        }
        ok = ok && fsync(fd) == 0;
        int e = errno;
        ok = (close(fd) == 0) && ok;
        errno = ok ? errno : e;
    }
    if (ok && rename(tmp, real) == 0) {
        free(tmp);
        free(real);
        return 0;
    }
    int e = errno;
    if (fd >= 0)
        unlink(tmp);
    free(tmp);
    free(real);
    errno = e;
    return -1;
}

enum { FMT_SAME, FMT_CHANGED, FMT_FAILED };

/* Formats one file: checks it as every command does (diagnostics on
 * stderr, nothing written on an error), then lays it out and, unless
 * only checking, writes it back when it changed. */
static int fmt_file(const char *path, int check_only)
{
    mcc_arena arena = {0};
    mcc_source src;
    mcc_schema schema;
    int result = FMT_FAILED;
    if (mcc_cli_load_schema(path, &arena, &src, &schema) != 0)
        goto out;
    mcc_diag quiet;
    mcc_diag_init(&quiet, &src, NULL, NULL);
    mcc_ast ast;
    mcc_comments comments = {0};
    mcc_buf text = {0};
    if (mcc_parse_with_comments(&src, &arena, &quiet, &ast, &comments) != 0 || comments.failed ||
        mcc_fmt(&src, &ast, &comments, &text) != 0) {
        mcc_cli_error("fmt", NULL, "%s: %s", path,
                     comments.failed || text.failed ? "out of memory" : "cannot lay out");
    } else if (text.len == src.len && memcmp(text.data ? text.data : "", src.text, src.len) == 0) {
        result = FMT_SAME;
    } else if (check_only) {
        result = FMT_CHANGED;
    } else if (replace_file(path, text.data, text.len) != 0) {
        mcc_cli_error("fmt", NULL, "cannot write %s: %s", path, strerror(errno));
    } else {
        result = FMT_CHANGED;
    }
    mcc_buf_free(&text);
    mcc_comments_free(&comments);
out:
    mcc_arena_free(&arena);
    return result;
}

int mcc_cmd_fmt(const mcc_cmd *cmd, int argc, char **argv)
{
    int check = 0;
    const mcc_opt opts[] = {{"--check", NULL, 0, NULL, &check}, {0}};
    const char **pos = calloc((size_t)argc + 1, sizeof *pos);
    if (!pos) {
        mcc_cli_error("fmt", NULL, "out of memory");
        return MCC_EXIT_ERROR;
    }
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 1, argc);
    if (rc >= 0) {
        free(pos);
        return rc;
    }
    int failed = 0, unformatted = 0;
    for (int i = 0; i < argc && pos[i]; i++) {
        int r = fmt_file(pos[i], check);
        if (r == FMT_FAILED)
            failed++;
        else if (r == FMT_CHANGED) {
            unformatted++;
            if (check)
                printf("%s\n", pos[i]);
            else
                printf("reformatted %s\n", pos[i]);
        }
    }
    if (check && unformatted)
        mcc_cli_error("fmt", NULL, "%d file%s not formatted; run `modelc fmt` on %s", unformatted,
                     unformatted == 1 ? "" : "s", unformatted == 1 ? "it" : "them");
    free(pos);
    return failed || (check && unformatted) ? MCC_EXIT_ERROR : MCC_EXIT_OK;
}
