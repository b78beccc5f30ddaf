/* load.c -- reading a .model file and running parser and checker on it. */
#include "parse.h"
#include "query.h"
#include "schema.h"
#include "sql_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest schema we read: far above any real one, small enough to be safe. */
#define MCC_MAX_SCHEMA_BYTES (64u * 1024u * 1024u)

static const char *base_name(mcc_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *out = mcc_arena_strndup(a, base, n);
    /* A C identifier: anything else becomes '_'. */
    for (char *p = out; p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            *p = '_';
    return out;
}

/* Opens path for reading when it is a regular file.  A FIFO or a device
 * would block or never end, so it is refused (checked on the open file,
 * opened without blocking, so that no rename can slip in between). */
static FILE *open_regular(const char *path, mcc_diag *diag)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0) {
        mcc_error_plain(diag, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const char *kind = S_ISDIR(st.st_mode)                       ? "a directory"
                           : S_ISFIFO(st.st_mode)                    ? "a FIFO"
                           : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                     : "not a regular file";
        mcc_error_plain(diag, "cannot read: it is %s, not a schema file", kind);
        close(fd);
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    FILE *f = flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        mcc_error_plain(diag, "cannot open: %s", strerror(errno));
        close(fd);
    }
    return f;
}

int mcc_load_schema(const char *path, mcc_arena *arena, mcc_diag *diag, mcc_source *src, mcc_schema *out)
{
    memset(out, 0, sizeof *out);
    src->path = path;
    src->text = "";
    src->len = 0;
    diag->src = src;
    FILE *f = open_regular(path, diag);
    if (!f)
        return 1;
    size_t cap = 64 * 1024, len = 0;
    char *text = mcc_arena_alloc(arena, cap + 1);
    while (text) {
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= MCC_MAX_SCHEMA_BYTES) {
            fclose(f);
            mcc_error_plain(diag, "file is larger than %u MiB; is it a schema?", MCC_MAX_SCHEMA_BYTES >> 20);
            return 1;
        }
        char *bigger = mcc_arena_alloc(arena, cap * 2 + 1);
        if (bigger)
            memcpy(bigger, text, len);
        text = bigger;
        cap *= 2;
    }
    int read_error = ferror(f);
    fclose(f);
    if (!text) {
        mcc_error_plain(diag, "out of memory reading the file");
        return 1;
    }
    if (read_error) {
        mcc_error_plain(diag, "cannot read: %s", strerror(errno));
        return 1;
    }
    text[len] = '\0';
    src->text = text;
    src->len = len;

    mcc_ast ast;
    int nerr = mcc_parse(src, arena, diag, &ast), parsed = nerr == 0;
    if (nerr == 0)
        nerr = mcc_sema(&ast, src, arena, diag, out);
    out->name = base_name(arena, path);
    out->path = path;
    /* SQL written as text (check("...")) is checked by SQLite, and queries
     * against the tables, so both only once the model is sound; a parsed
     * schema with errors still gets its queries' headers checked, so that
     * all the errors of the file come in one run. */
    if (nerr == 0)
        nerr = mcc_check_schema_sql(out, src, diag);
    if (nerr == 0)
        nerr = mcc_check_queries(&ast, arena, diag, out, 0);
    else if (parsed && !mcc_diag_full(diag))
        nerr += mcc_check_queries(&ast, arena, diag, out, MCC_QUERIES_HEADERS_ONLY);
    return nerr;
}
