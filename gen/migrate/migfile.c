/* migfile.c -- see migfile.h. */
#include "migfile.h"
#include "introspect.h"
#include "snapshot.h"
#include "sqlsplit.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define UP_MARK "-- modelc:upgrade"
#define DOWN_MARK "-- modelc:downgrade"
#define SLUG_MAX 40

/* ---- reading ---------------------------------------------------------------- */

/* The whole file, or NULL with errno set; a FIFO or device (which would
 * block or never end) is refused with EINVAL. */
static char *read_all(mcc_arena *a, const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    FILE *f = flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return NULL;
    }
    mcc_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mcc_buf_putn(&b, chunk, n);
    int bad = ferror(f) || b.failed;
    fclose(f);
    char *out = bad ? NULL : mcc_arena_strndup(a, b.data ? b.data : "", b.len);
    *len = b.len;
    mcc_buf_free(&b);
    return out;
}

/* The start of the line that is exactly `mark` (trailing spaces allowed), or NULL. */
static const char *find_mark(const char *text, const char *mark)
{
    size_t n = strlen(mark);
    for (const char *line = text; line && *line;) {
        if (strncmp(line, mark, n) == 0) {
            const char *e = line + n;
            while (*e == ' ' || *e == '\t' || *e == '\r')
                e++;
            if (*e == '\n' || *e == '\0')
                return line;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return NULL;
}

/* The start of the line after p's. */
static const char *after_line(const char *p)
{
    const char *nl = strchr(p, '\n');
    return nl ? nl + 1 : p + strlen(p);
}

/* Whether the line at p, in the upgrade section that starts at ub, stands
 * between statements: outside every string, quoted name, comment,
 * trigger or dollar-quoted body and parenthesis of the SQL before it.
 * The SQL since the last statement that ended before p, given one more
 * ';', must end at that ';' (split by the rules of split, the file's
 * dialect, as the runner will split it). */
static int between_statements(mcc_arena *a, const char *ub, const char *p, unsigned split)
{
    size_t len = (size_t)(p - ub), pos = 0;
    while (pos < len) {
        size_t n = mci_statement_end(ub + pos, len - pos, split);
        if (pos + n >= len)
            break;
        pos += n;
    }
    size_t rest = len - pos;
    char *probe = mcc_arena_alloc(a, rest + 2);
    if (!probe)
        return 1;
    memcpy(probe, ub + pos, rest);
    probe[rest] = ';';
    probe[rest + 1] = ' ';      /* so that "not complete" (rest + 2) differs from "ends at the ';'" */
    return mci_statement_end(probe, rest + 2, split) == rest + 1;
}

/* The downgrade section's marker: the first DOWN_MARK line after ub (the
 * upgrade section's first line) that stands between statements, so that
 * the same words inside a function body or a string are SQL; or NULL. */
static const char *find_down_mark(mcc_arena *a, const char *ub, unsigned split)
{
    for (const char *p = find_mark(ub, DOWN_MARK); p; p = find_mark(after_line(p), DOWN_MARK))
        if (between_statements(a, ub, p, split))
            return p;
    return NULL;
}

/* Files by version, then by name (so that two of one version sit
 * side by side for check_numbers). */
static int cmp_file(const void *x, const void *y)
{
    const mcc_migfile *a = x, *b = y;
    if (a->version != b->version)
        return a->version < b->version ? -1 : 1;
    return strcmp(a->filename, b->filename);
}

/* "-- Migration 0001: create user post" -> "create user post" */
static const char *header_message(mcc_arena *a, const char *text)
{
    const char *p = strstr(text, "-- Migration ");
    if (!p || (p != text && p[-1] != '\n'))
        return NULL;
    p = strchr(p, ':');
    if (!p)
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    return mcc_arena_strndup(a, p, n);
}

/* The dialect a file's header names ("-- Dialect: postgresql", before
 * the upgrade section); SQLite when there is no such line (files written
 * before modelc wrote it).  Returns -1 for a name modelc does not know. */
static int header_dialect(const char *text, const char *up, mcc_dialect *out)
{
    static const char key[] = "-- Dialect:";
    *out = MCC_DIALECT_SQLITE;
    for (const char *p = text; p && p < up; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, sizeof key - 1) != 0)
            continue;
        p += sizeof key - 1;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t\r\n");
        char name[32];
        if (n == 0 || n >= sizeof name)
            return -1;
        memcpy(name, p, n);
        name[n] = '\0';
        return mcc_dialect_parse(name, out);
    }
    return 0;
}

/* Step 1 of mcc_migdir_read: every NNNN_*.sql name of dir, unread.  A
 * missing dir has none.  0, or -1 after reporting. */
static int list_files(const char *dir, mcc_arena *arena, mcc_diag *diag, mcc_migdir *out)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        if (errno == ENOENT)
            return 0;
        mcc_error_in(diag, dir, NULL, "cannot read the directory: %s", strerror(errno));
        return -1;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        const char *fn = e->d_name;
        size_t len = strlen(fn);
        size_t digits = 0;
        while (isdigit((unsigned char)fn[digits]))
            digits++;
        if (digits == 0 || fn[digits] != '_' || len < digits + 5 || strcmp(fn + len - 4, ".sql") != 0)
            continue;
        mcc_migfile *m = MCC_ARENA_PUSH(arena, out->files, out->n, cap);
        if (!m) {
            closedir(dh);
            mcc_error_in(diag, dir, NULL, "out of memory");
            return -1;
        }
        m->version = digits > 9 ? -1 : atoi(fn);
        m->filename = mcc_arena_strdup(arena, fn);
        m->path = mcc_arena_printf(arena, "%s/%s", dir, fn);
        m->name = mcc_arena_strndup(arena, fn + digits + 1, len - digits - 5);
    }
    closedir(dh);
    return 0;
}

/* Step 2: one file's text, checksum, message, dialect and sections.  A
 * NUL byte is refused (the SQL would silently end there, losing the rest,
 * the downgrade section included), and so is a file of another dialect
 * than the history's.  0, or -1 after reporting. */
static int read_file(mcc_migfile *m, mcc_dialect dialect, mcc_arena *arena, mcc_diag *diag)
{
    char *text = read_all(arena, m->path, &m->len);
    if (!text) {
        mcc_error_in(diag, m->path, NULL, "cannot read: %s", errno == EINVAL ? "not a regular file" : strerror(errno));
        return -1;
    }
    const char *nul = memchr(text, '\0', m->len);
    if (nul) {
        size_t line = 1;
        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        mcc_error_in(diag, mcc_arena_printf(arena, "%s:%zu", m->path, line), NULL,
                    "a NUL byte (at offset %zu): a migration file is text", (size_t)(nul - text));
        return -1;
    }
    m->text = text;
    mc_migration_checksum(text, m->len, m->checksum);
    m->message = header_message(arena, text);
    const char *up = find_mark(text, UP_MARK);
    const char *down = find_mark(text, DOWN_MARK);
    if (!up || (down && down < up)) {
        mcc_error_in(diag, m->path, NULL, "no '%s' line (the upgrade section's start)", UP_MARK);
        return -1;
    }
    if (header_dialect(text, up, &m->dialect) != 0) {
        mcc_error_in(diag, m->path, NULL, "its '-- Dialect:' line names no dialect modelc knows (sqlite, postgresql)");
        return -1;
    }
    if (m->dialect != dialect) {
        mcc_error_in(diag, m->path, NULL,
                    "a %s migration (its '-- Dialect:' line), in a %s history; a directory holds one "
                    "dialect's history",
                    mcc_dialect_name(m->dialect), mcc_dialect_name(dialect));
        return -1;
    }
    const char *ub = after_line(up);
    down = find_down_mark(arena, ub, m->dialect == MCC_DIALECT_POSTGRESQL ? MCI_SQL_POSTGRESQL : 0);
    m->upgrade_sql = down ? mcc_arena_strndup(arena, ub, (size_t)(down - ub)) : ub;
    m->downgrade_sql = down ? after_line(down) : NULL;
    return 0;
}

/* Step 3: the numbers run 1, 2, 3... once each.  Returns the count of
 * problems reported. */
static int check_numbers(const mcc_migdir *d, mcc_diag *diag)
{
    int nerr = 0, want = 1;
    for (size_t i = 0; i < d->n; i++) {
        const mcc_migfile *m = &d->files[i];
        if (i > 0 && m->version == d->files[i - 1].version) {
            mcc_error_in(diag, m->path, NULL, "version %04d is also %s", m->version, d->files[i - 1].filename);
            nerr++;
            continue;
        }
        if (m->version != want) {
            mcc_error_in(diag, m->path, NULL, "expected version %04d here (numbers run 1, 2, 3... without gaps)",
                        want);
            nerr++;
        }
        want = m->version + 1;
    }
    return nerr;
}

/* See migfile.h.  In steps: the names, every file read, the numbers. */
int mcc_migdir_read(const char *dir, mcc_arena *arena, mcc_diag *diag, mcc_migdir *out)
{
    return mcc_migdir_read_in(dir, MCC_DIALECT_SQLITE, arena, diag, out);
}

int mcc_migdir_read_in(const char *dir, mcc_dialect dialect, mcc_arena *arena, mcc_diag *diag, mcc_migdir *out)
{
    out->n = 0;
    out->files = NULL;
    if (list_files(dir, arena, diag, out))
        return -1;
    if (out->n > 1)
        qsort(out->files, out->n, sizeof *out->files, cmp_file);
    int nerr = 0;
    for (size_t i = 0; i < out->n; i++)
        nerr += read_file(&out->files[i], dialect, arena, diag) != 0;
    nerr += check_numbers(out, diag);
    return nerr ? -1 : 0;
}

/* See migfile.h. */
mcc_dialect mcc_migdir_dialect(const char *dir, mcc_dialect fallback)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return fallback;
    char first[512] = "";
    long lowest = -1;
    struct dirent *e;
    while ((e = readdir(dh))) {
        const char *fn = e->d_name;
        size_t len = strlen(fn), digits = 0;
        while (isdigit((unsigned char)fn[digits]))
            digits++;
        if (digits == 0 || digits > 9 || fn[digits] != '_' || len < digits + 5 || strcmp(fn + len - 4, ".sql") != 0 ||
            len >= sizeof first)
            continue;
        long v = atol(fn);
        if (lowest < 0 || v < lowest) {
            lowest = v;
            memcpy(first, fn, len + 1);
        }
    }
    closedir(dh);
    if (lowest < 0)
        return fallback;
    mcc_arena a = {0};
    size_t len = 0;
    const char *path = mcc_arena_printf(&a, "%s/%s", dir, first);
    char *text = path ? read_all(&a, path, &len) : NULL;
    const char *up = text ? find_mark(text, UP_MARK) : NULL;
    mcc_dialect d = fallback;
    if (!up || header_dialect(text, up, &d) != 0)
        d = fallback;
    mcc_arena_free(&a);
    return d;
}

/* See migfile.h.  A missing upgrade section runs as nothing. */
mc_migration *mcc_migdir_list(const mcc_migdir *d, mcc_arena *arena)
{
    mc_migration *v = mcc_arena_alloc(arena, (d->n + 1) * sizeof *v);
    for (size_t i = 0; v && i < d->n; i++) {
        const mcc_migfile *m = &d->files[i];
        v[i].version = m->version;
        v[i].name = m->name;
        v[i].upgrade_sql = m->upgrade_sql ? m->upgrade_sql : "";
        v[i].downgrade_sql = m->downgrade_sql;
        v[i].checksum = m->checksum;
    }
    return v;
}

/* ---- naming ----------------------------------------------------------------- */

char *mcc_slug(mcc_arena *arena, const char *message)
{
    size_t n = strlen(message);
    char *s = mcc_arena_alloc(arena, n + 2);
    if (!s)
        return NULL;
    size_t o = 0;
    for (const char *p = message; *p; p++) {
        char c = (char)tolower((unsigned char)*p);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            s[o++] = c;
        else if (o && s[o - 1] != '_')
            s[o++] = '_';
    }
    while (o && s[o - 1] == '_')
        o--;
    s[o] = '\0';
    if (o > SLUG_MAX) {
        size_t cut = SLUG_MAX;
        while (cut > SLUG_MAX / 2 && s[cut] != '_')
            cut--;
        if (s[cut] != '_')
            cut = SLUG_MAX;
        s[cut] = '\0';
        while (cut && s[cut - 1] == '_')
            s[--cut] = '\0';
    }
    if (!s[0])
        return mcc_arena_strdup(arena, "migration");
    return s;
}

/* A constraint kind in a slug. */
static const char *kind_word(mcc_constraint_kind k)
{
    return k == MCC_C_UNIQUE ? "unique" : k == MCC_C_CHECK ? "check" : "fk";
}

/* The verb and object an op contributes to a slug ("add", "post_title");
 * both NULL for none. */
static void op_words(mcc_arena *arena, const mcc_op *o, const char **verb_out, const char **obj_out)
{
    const char *verb = NULL, *obj = NULL;
    const char *tname = o->to ? o->to->name : o->from ? o->from->name : "";
    switch (o->kind) {
    case MCC_OP_CREATE_TABLE: verb = "create"; obj = tname; break;
    case MCC_OP_DROP_TABLE: verb = "drop"; obj = tname; break;
    case MCC_OP_RENAME_TABLE:
        verb = "rename";
        obj = mcc_arena_printf(arena, "%s_to_%s", o->from->name, o->to->name);
        break;
    case MCC_OP_ADD_COLUMN: verb = "add"; obj = mcc_arena_printf(arena, "%s_%s", tname, o->col_to->name); break;
    case MCC_OP_DROP_COLUMN:
        verb = "drop";
        obj = mcc_arena_printf(arena, "%s_%s", tname, o->col_from->name);
        break;
    case MCC_OP_RENAME_COLUMN:
        verb = "rename";
        obj = mcc_arena_printf(arena, "%s_%s", tname, o->col_from->name);
        break;
    case MCC_OP_RENAME_MODEL: verb = "rename"; obj = o->to->model; break;
    case MCC_OP_RENAME_FIELD: verb = "rename"; obj = mcc_arena_printf(arena, "%s_%s", tname, o->col_to->field); break;
    case MCC_OP_ALTER_TYPE: case MCC_OP_ALTER_NULLABLE: case MCC_OP_ALTER_DEFAULT: case MCC_OP_ALTER_CHECK:
    case MCC_OP_ALTER_AUTOINCREMENT:
        verb = "alter";
        obj = mcc_arena_printf(arena, "%s_%s", tname, o->col_to->name);
        break;
    case MCC_OP_ALTER_PK: verb = "alter"; obj = mcc_arena_printf(arena, "%s_pk", tname); break;
    case MCC_OP_ADD_INDEX: verb = "add"; obj = o->index->name; break;
    case MCC_OP_DROP_INDEX: verb = "drop"; obj = o->index->name; break;
    case MCC_OP_ADD_CONSTRAINT:
        verb = "add";
        obj = mcc_arena_printf(arena, "%s_%s", tname, kind_word(o->constraint->kind));
        break;
    case MCC_OP_DROP_CONSTRAINT:
        verb = "drop";
        obj = mcc_arena_printf(arena, "%s_%s", tname, kind_word(o->constraint->kind));
        break;
    }
    *verb_out = verb;
    *obj_out = obj;
}

/* See migfile.h.  The verb once per run of ops with the same verb
 * ("add_post_title_user_email"), an op repeating the one before left out,
 * cut when long. */
char *mcc_slug_from_diff(mcc_arena *arena, const mcc_diff *d)
{
    mcc_buf b = {0};
    const char *last_verb = NULL, *last_obj = NULL;
    for (size_t i = 0; i < d->nops; i++) {
        const char *verb = NULL, *obj = NULL;
        op_words(arena, &d->ops[i], &verb, &obj);
        if (!verb || !obj)
            continue;
        if (last_obj && strcmp(obj, last_obj) == 0 && last_verb && strcmp(verb, last_verb) == 0)
            continue;
        if (!last_verb || strcmp(verb, last_verb) != 0)
            mcc_buf_printf(&b, "%s%s", b.len ? "_" : "", verb);
        mcc_buf_printf(&b, "_%s", obj);
        last_verb = verb;
        last_obj = obj;
        if (b.len > 2 * SLUG_MAX)
            break;
    }
    char *s = mcc_slug(arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* ---- writing ------------------------------------------------------------------ */

const char *mcc_migfile_date(mcc_arena *arena)
{
    const char *env = getenv("MODELC_DATE");
    if (env && env[0])
        return env;
    time_t now = time(NULL);
    struct tm tm;
    char buf[32];
    if (!gmtime_r(&now, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm))
        return "unknown";
    return mcc_arena_strdup(arena, buf);
}

/* See migfile.h.  Header, snapshot, then the two sections; line breaks
 * in the message become spaces (it is one comment line). */
char *mcc_migfile_render(mcc_arena *arena, int version, const char *message, const char *schema_name,
                        const char *date, const char *upgrade_sql, const char *downgrade_sql,
                        const mcc_schema *snapshot)
{
    return mcc_migfile_render_in(arena, MCC_DIALECT_SQLITE, version, message, schema_name, date, upgrade_sql,
                                downgrade_sql, snapshot);
}

char *mcc_migfile_render_in(mcc_arena *arena, mcc_dialect dialect, int version, const char *message,
                           const char *schema_name, const char *date, const char *upgrade_sql,
                           const char *downgrade_sql, const mcc_schema *snapshot)
{
    mcc_buf b = {0};
    mcc_buf_printf(&b, "-- Migration %04d: ", version);
    for (const char *p = message; *p; p++)
        mcc_buf_putc(&b, *p == '\n' || *p == '\r' ? ' ' : *p);
    mcc_buf_put(&b, "\n--\n");
    mcc_buf_printf(&b, "-- Created: %s\n", date);
    if (schema_name)
        mcc_buf_printf(&b, "-- Schema:  %s\n", schema_name);
    mcc_buf_printf(&b, "-- Dialect: %s\n", mcc_dialect_name(dialect));
    mcc_buf_put(&b, "--\n"
                   "-- Written by `modelc migrate`; plain SQL, edit it as needed before it is\n"
                   "-- applied.  `modelc upgrade` runs the upgrade section, `modelc downgrade`\n"
                   "-- the downgrade section, each in one transaction.\n\n");
    if (snapshot) {
        mcc_snapshot_render(&b, snapshot);
        if (dialect == MCC_DIALECT_POSTGRESQL)
            mcc_snapshot_render_sql(&b, snapshot);
        mcc_buf_putc(&b, '\n');
    }
    mcc_buf_put(&b, UP_MARK "\n\n");
    mcc_buf_put(&b, upgrade_sql && upgrade_sql[0] ? upgrade_sql : "-- nothing to do\n");
    mcc_buf_put(&b, "\n" DOWN_MARK "\n\n");
    mcc_buf_put(&b, downgrade_sql && downgrade_sql[0] ? downgrade_sql : "-- nothing to undo\n");
    char *s = b.failed ? NULL : mcc_arena_strdup(arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return s;
}

/* mkdir -p; 0, or -1 with errno set. */
static int mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* See migfile.h.  Written to a temporary file, then linked to its name:
 * link() fails on an existing name, so a migration is never overwritten,
 * and a reader never sees half a file. */
int mcc_migfile_write(const char *dir, const char *filename, const char *text, mcc_arena *arena, mcc_diag *diag)
{
    char *d = mcc_arena_strdup(arena, dir);
    if (!d || mkdirs(d) != 0) {
        mcc_error_in(diag, NULL, NULL, "%s: cannot create the directory: %s", dir, strerror(errno));
        return -1;
    }
    const char *path = mcc_arena_printf(arena, "%s/%s", dir, filename);
    const char *tmp = mcc_arena_printf(arena, "%s/.%s.tmp", dir, filename);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) {
        mcc_error_in(diag, NULL, NULL, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        done += (size_t)w;
    }
    int bad = done < len;
    if (close(fd) != 0)
        bad = 1;
    if (bad) {
        mcc_error_in(diag, NULL, NULL, "%s: cannot write: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    /* link() fails when the name exists: never overwrite a migration. */
    if (link(tmp, path) != 0) {
        mcc_error_in(diag, NULL, NULL, "%s: %s", path, errno == EEXIST ? "already exists" : strerror(errno));
        unlink(tmp);
        return -1;
    }
    unlink(tmp);
    return 0;
}

/* ---- replaying ------------------------------------------------------------------ */

int mcc_migdir_replay(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mc_db **out)
{
    *out = NULL;
    mc_db *db = NULL;
    mc_migration *list = mcc_migdir_list(d, arena);
    if (!list) {
        mcc_error_in(diag, NULL, NULL, "out of memory");
        return -1;
    }
    if (mc_open(&db, ":memory:", NULL) != MC_OK ||
        mc_migrate_to(db, list, d->n, (int)(upto < d->n ? upto : d->n)) != MC_OK) {
        mcc_error_in(diag, NULL, NULL, "%s", mc_errmsg(db));
        mc_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

/* See migfile.h.  The newest snapshot alone: each describes the whole
 * schema after its file, and an entry the database no longer agrees with
 * (a later hand-written file changed it) is ignored (snapshot.h). */
int mcc_migdir_annotate(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mcc_schema *s)
{
    for (size_t i = upto < d->n ? upto : d->n; i-- > 0;)
        if (d->files[i].text && mcc_snapshot_present(d->files[i].text)) {
            if (mcc_snapshot_apply(d->files[i].text, arena, s) == 0)
                return 0;
            mcc_error_in(diag, NULL, NULL, "out of memory");
            return -1;
        }
    return 0;
}

/* See migfile.h. */
int mcc_migdir_schema(const mcc_migdir *d, size_t upto, mcc_arena *arena, mcc_diag *diag, mcc_schema *out)
{
    mc_db *db;
    if (mcc_migdir_replay(d, upto, arena, diag, &db))
        return -1;
    int rc = mcc_introspect(mc_sqlite(db), arena, diag, out);
    mc_close(db);
    if (rc == 0)
        rc = mcc_migdir_annotate(d, upto, arena, diag, out);
    return rc;
}
