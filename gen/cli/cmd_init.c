/*
 * cmd_init.c -- `modelc init [--dir DIR]`: creates the migrations
 * directory, as `flask db init` does.
 *
 * Decided like Alembic's `init`: DIR (and its missing parents) is created;
 * an existing empty directory is accepted and filled; a directory that
 * already holds anything is refused (exit 1), so that init never mixes
 * into a history that exists.  DIR gets a README saying what the files
 * are, which also lets version control keep the directory before its
 * first migration.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char readme[] =
    "Migrations of this project, written by `modelc migrate SCHEMA -m MESSAGE`.\n"
    "\n"
    "Each NNNN_<slug>.sql file is plain SQL with an upgrade and a downgrade\n"
    "section; numbers run 0001, 0002, ... without gaps.  `modelc upgrade`\n"
    "applies them, `modelc downgrade` undoes them, `modelc history` lists them.\n"
    "Commit them with the schema; do not edit one after it was applied.\n";

/* 1 when dir holds anything but "." and "..", 0 when empty, -1 on error. */
static int has_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d)))
        found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return found;
}

/* mkdir -p: 0, or -1 with errno set. */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p)
        return -1;
    int rc = 0;
    for (char *s = p + 1; rc == 0 && *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *s = '/';
    }
    if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = -1;
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

int mcc_cmd_init(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *dir = NULL;
    const mcc_opt opts[] = {{"--dir", NULL, 1, &dir, NULL}, {0}};
    const char *pos[1];
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 0, 0);
    if (rc >= 0)
        return rc;
    if (!dir)
        dir = "migrations";
    if (!dir[0]) {
        mcc_cli_error("init", NULL, "--dir needs a directory");
        mcc_cli_usage(cmd);
        return MCC_EXIT_USAGE;
    }
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            mcc_cli_error("init", NULL, "%s exists and is not a directory", dir);
            return MCC_EXIT_ERROR;
        }
        int full = has_entries(dir);
        if (full != 0) {
            if (full < 0)
                mcc_cli_error("init", NULL, "%s: %s", dir, strerror(errno));
            else
                mcc_cli_error("init", NULL, "%s already exists and is not empty; nothing written", dir);
            return MCC_EXIT_ERROR;
        }
    } else if (make_dirs(dir) != 0) {
        mcc_cli_error("init", NULL, "cannot create %s: %s", dir, strerror(errno));
        return MCC_EXIT_ERROR;
    }
    size_t n = strlen(dir) + 8;
    char *path = malloc(n);
    if (!path) {
        mcc_cli_error("init", NULL, "out of memory");
        return MCC_EXIT_ERROR;
    }
    snprintf(path, n, "%s/README", dir);
    FILE *f = fopen(path, "wx");
    int ok = f && fputs(readme, f) >= 0;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        mcc_cli_error("init", NULL, "cannot write %s: %s", path, strerror(errno));
        if (f)
            remove(path);
        free(path);
        return MCC_EXIT_ERROR;
    }
    free(path);
    printf("Created %s; next: `modelc migrate SCHEMA -m MESSAGE` writes the first migration there.\n", dir);
    return MCC_EXIT_OK;
}
