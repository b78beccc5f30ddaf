/* snapshot.c -- see snapshot.h. */
#include "snapshot.h"
#include "modelc.h"     /* mc_utf8_length: the runtime's count of characters */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PREFIX "-- modelc:"
#define UP_MARK "-- modelc:upgrade"

/* ---- writing ---------------------------------------------------------------- */

/* One word: bare when an identifier, else quoted with escapes. */
static void put_word(mcc_buf *b, const char *w)
{
    mcc_snapshot_put_word(b, w);
}

void mcc_snapshot_put_word(mcc_buf *b, const char *w)
{
    int bare = w[0] != '\0';
    for (const char *p = w; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            bare = 0;
    mcc_buf_putc(b, ' ');
    if (bare) {
        mcc_buf_put(b, w);
        return;
    }
    mcc_buf_putc(b, '"');
    for (const char *p = w; *p; p++) {
        switch (*p) {
        case '"': mcc_buf_put(b, "\\\""); break;
        case '\\': mcc_buf_put(b, "\\\\"); break;
        case '\n': mcc_buf_put(b, "\\n"); break;
        case '\t': mcc_buf_put(b, "\\t"); break;
        case '\r': mcc_buf_put(b, "\\r"); break;
        default: mcc_buf_putc(b, *p);
        }
    }
    mcc_buf_putc(b, '"');
}

/* See snapshot.h.  Models (with fields that differ from their column),
 * then enums, then enum columns, so a reader knows every enum by the
 * time a column names it. */
void mcc_snapshot_render(mcc_buf *b, const mcc_schema *s)
{
    mcc_buf_put(b, "-- Snapshot of the schema after this migration, read back by `modelc migrate`\n"
                  "-- (the models behind the tables, the enums behind the columns):\n");
    for (size_t i = 0; i < s->ntables; i++) {
        const mcc_table *t = s->tables[i];
        mcc_buf_put(b, PREFIX "model");
        put_word(b, t->model);
        put_word(b, t->name);
        mcc_buf_putc(b, '\n');
        for (size_t j = 0; j < t->ncolumns; j++) {
            const mcc_column *c = &t->columns[j];
            if (!c->field || strcmp(c->field, c->name) == 0)
                continue;
            mcc_buf_put(b, PREFIX "field");
            put_word(b, t->name);
            put_word(b, c->name);
            put_word(b, c->field);
            mcc_buf_putc(b, '\n');
        }
    }
    for (size_t i = 0; i < s->nenums; i++) {
        const mcc_enum *e = &s->enums[i];
        mcc_buf_put(b, PREFIX "enum");
        put_word(b, e->name);
        for (size_t k = 0; k < e->nvalues; k++)
            put_word(b, e->values[k]);
        mcc_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < s->ntables; i++) {
        const mcc_table *t = s->tables[i];
        for (size_t j = 0; j < t->ncolumns; j++) {
            const mcc_column *c = &t->columns[j];
            if (c->type != MCC_T_ENUM || !c->enum_type)
                continue;
            mcc_buf_put(b, PREFIX "column");
            put_word(b, t->name);
            put_word(b, c->name);
            put_word(b, c->enum_type->name);
            mcc_buf_putc(b, '\n');
        }
    }
}

/* ---- reading ---------------------------------------------------------------- */

/* The words of one line (at most max), decoded into the arena; their count. */
static size_t words(const char *p, const char *end, mcc_arena *a, const char **out, size_t max)
{
    size_t n = 0;
    while (p < end && n < max) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        if (p >= end)
            break;
        mcc_buf w = {0};
        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end) {
                    p++;
                    mcc_buf_putc(&w, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == 'r' ? '\r' : *p);
                } else {
                    mcc_buf_putc(&w, *p);
                }
            }
            p++;
        } else {
            while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
                mcc_buf_putc(&w, *p++);
        }
        out[n] = w.failed ? NULL : mcc_arena_strdup(a, w.data ? w.data : "");
        mcc_buf_free(&w);
        if (!out[n])
            return n;
        n++;
    }
    return n;
}

/* The end of the header: the upgrade marker's line, or the end. */
static const char *header_end(const char *text)
{
    for (const char *line = text; *line;) {
        if (strncmp(line, UP_MARK, sizeof UP_MARK - 1) == 0)
            return line;
        const char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    return text + strlen(text);
}

/* Calls fn on every snapshot line of the header: kind, words. */
typedef mcc_snapshot_line_fn line_fn;
static int each_line(const char *text, mcc_arena *a, line_fn fn, void *ctx);

int mcc_snapshot_each(const char *text, mcc_arena *a, mcc_snapshot_line_fn fn, void *ctx)
{
    return each_line(text, a, fn, ctx);
}

/* Each "-- modelc:KIND words" line of the header, in order; stops at
 * the first fn that fails (-1). */
static int each_line(const char *text, mcc_arena *a, line_fn fn, void *ctx)
{
    const char *end = header_end(text);
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *le = nl ? nl : end;
        if ((size_t)(le - line) > sizeof PREFIX - 1 && strncmp(line, PREFIX, sizeof PREFIX - 1) == 0) {
            const char *w[260];
            const char *p = line + sizeof PREFIX - 1, *k = p;
            while (k < le && *k != ' ')
                k++;
            const char *kind = mcc_arena_strndup(a, p, (size_t)(k - p));
            size_t n = words(k, le, a, w, sizeof w / sizeof w[0]);
            if (!kind || fn(ctx, kind, w, n) != 0)
                return -1;
        }
        line = nl ? nl + 1 : end;
    }
    return 0;
}

/* line_fn: a model line means a snapshot. */
static int note_present(void *ctx, const char *kind, const char **w, size_t n)
{
    (void)w;
    (void)n;
    if (strcmp(kind, "model") == 0)
        *(int *)ctx = 1;
    return 0;
}

/* See snapshot.h. */
int mcc_snapshot_present(const char *text)
{
    mcc_arena a = {0};
    int found = 0;
    each_line(text ? text : "", &a, note_present, &found);
    mcc_arena_free(&a);
    return found;
}

typedef struct applier {
    mcc_arena *a;
    mcc_schema *s;
    size_t cap;
} applier;

/* The enum of s named name, or NULL. */
static const mcc_enum *find_enum(const mcc_schema *s, const char *name)
{
    for (size_t i = 0; i < s->nenums; i++)
        if (strcmp(s->enums[i].name, name) == 0)
            return &s->enums[i];
    return NULL;
}

/* Is the declared type VARCHAR(n), spaces and case aside? */
static int is_varchar(const char *sql_type, size_t n)
{
    char want[40], got[64];
    size_t o = 0;
    snprintf(want, sizeof want, "VARCHAR(%zu)", n);
    for (const char *p = sql_type ? sql_type : ""; *p && o + 1 < sizeof got; p++)
        if (*p != ' ')
            got[o++] = (char)toupper((unsigned char)*p);
    got[o] = '\0';
    return strcmp(got, want) == 0;
}

/* line_fn: one snapshot line laid over the schema where the database
 * agrees (snapshot.h); a line that does not is ignored.  -1 only when
 * out of memory. */
static int apply_line(void *ctx, const char *kind, const char **w, size_t n)
{
    applier *x = ctx;
    mcc_schema *s = x->s;
    if (strcmp(kind, "model") == 0 && n == 2) {
        mcc_table *t = mcc_schema_table(s, w[1]);
        if (t)
            t->model = w[0];
    } else if (strcmp(kind, "field") == 0 && n == 3) {
        mcc_table *t = mcc_schema_table(s, w[0]);
        mcc_column *c = t ? mcc_table_column(t, w[1]) : NULL;
        if (c)
            c->field = w[2];
    } else if (strcmp(kind, "enum") == 0 && n >= 2) {
        mcc_enum *e = MCC_ARENA_PUSH(x->a, s->enums, s->nenums, x->cap);
        if (!e)
            return -1;
        e->name = w[0];
        e->nvalues = n - 1;
        e->values = mcc_arena_alloc(x->a, n * sizeof *e->values);
        if (!e->values)
            return -1;
        for (size_t i = 1; i < n; i++) {
            e->values[i - 1] = w[i];
            if (mc_utf8_length(w[i], NULL) > e->maxlen)
                e->maxlen = mc_utf8_length(w[i], NULL);
        }
    } else if (strcmp(kind, "column") == 0 && n == 3) {
        mcc_table *t = mcc_schema_table(s, w[0]);
        mcc_column *c = t ? mcc_table_column(t, w[1]) : NULL;
        const mcc_enum *e = find_enum(s, w[2]);
        if (c && e && is_varchar(c->sql_type, e->maxlen)) {
            c->type = MCC_T_ENUM;
            c->enum_type = e;
            c->length = (int)e->maxlen;
        }
    }
    return 0;
}

/* See snapshot.h.  The snapshot's enums replace the schema's. */
int mcc_snapshot_apply(const char *text, mcc_arena *arena, mcc_schema *s)
{
    applier x = {arena, s, 0};
    s->nenums = 0;
    s->enums = NULL;
    if (each_line(text, arena, apply_line, &x) != 0)
        return -1;
    s->sql_only = false;
    return 0;
}
