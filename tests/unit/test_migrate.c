/*
 * test_migrate.c -- `modelc migrate / upgrade / downgrade / current /
 * history / stamp / check` end to end, through the real binary.
 *
 * The scenario matrix: for each single change, write schema v1, migrate,
 * upgrade a file database, insert rows, write v2, migrate, upgrade, then
 * assert that the database has exactly the schema a fresh `modelc sql v2`
 * database has (raw PRAGMA fingerprint, column order included, and
 * modelc's own introspection + diff), that the rows of every surviving
 * column are kept (renames followed), that integrity_check and
 * foreign_key_check are clean; then downgrade and assert the v1 schema and
 * the data of every column v1 and v2 share.  Multi-step histories, the
 * golden files, --sql, check, and the directory's errors follow.
 *
 * MODELC_VALGRIND=1 runs a representative subset only.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "introspect.h"
#include "testutil.h"

static int valgrind_mode(void)
{
    const char *v = getenv("MODELC_VALGRIND");
    return v && v[0] && strcmp(v, "0") != 0;
}

/* ---- running modelc -------------------------------------------------------- */

static tu_result mc(const char *a0, ...)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = tu_modelc();
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a && n < 15; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return tu_run(argv, NULL, 60);
}

#define MC_OK(r, what) ck_assert_msg((r).status == 0, "%s: exit %d\nstdout: %s\nstderr: %s", what, (r).status, \
                                     (r).out, (r).err)

/* `modelc init --dir mig`: migrate needs the directory (as flask db migrate). */
static void init_dir(const char *mig)
{
    tu_result r = mc("init", "--dir", mig, NULL);
    MC_OK(r, "init");
    tu_result_free(&r);
}

/* ---- a small string builder --------------------------------------------------- */

typedef struct sb {
    char *s;
    size_t len, cap;
} sb;

static void sb_add(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static char *sb_take(sb *b)
{
    if (!b->s)
        sb_add(b, "%s", "");
    return b->s;
}

/* ---- databases ------------------------------------------------------------------ */

static sqlite3 *db_open(const char *path)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

static void db_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    ck_assert_msg(rc == SQLITE_OK, "%s\n-- in --\n%s", err ? err : "?", sql);
}

/* The rows of a query, "a|b\n" each. */
static char *db_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    sb b = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            sb_add(&b, "%s%s", i ? "|" : "", t ? (const char *)t : "<null>");
        }
        sb_add(&b, "\n");
    }
    sqlite3_finalize(st);
    return sb_take(&b);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define USER_TABLES                                                                                  \
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> " \
    "'modelc_migrations' ORDER BY name"

/* The schema as SQLite's PRAGMAs show it: every table by name with its
 * columns in order, its indexes (by name; constraint indexes by columns)
 * and its foreign keys. */
static char *fingerprint(sqlite3 *db)
{
    sb b = {0};
    char *tables = db_rows(db, USER_TABLES);
    for (char *t = tables, *nl; *t; t = nl + 1) {
        nl = strchr(t, '\n');
        *nl = '\0';
        sb_add(&b, "table %s\n", t);
        char *q = sqlite3_mprintf("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo(%Q)", t);
        char *cols = db_rows(db, q);
        sqlite3_free(q);
        sb_add(&b, "%s", cols);
        free(cols);
        q = sqlite3_mprintf("SELECT name, \"unique\", origin, partial FROM pragma_index_list(%Q)", t);
        char *ixs = db_rows(db, q);
        sqlite3_free(q);
        char *lines[64];
        int n = 0;
        for (char *ix = ixs, *inl; *ix && n < 64; ix = inl + 1) {
            inl = strchr(ix, '\n');
            *inl = '\0';
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(ix, "|"), ix);
            q = sqlite3_mprintf("SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(%Q) "
                                "ORDER BY seqno)",
                                name);
            char *icols = db_rows(db, q);
            sqlite3_free(q);
            icols[strcspn(icols, "\n")] = '\0';
            const char *rest = ix + strlen(name);
            int autoix = strncmp(name, "sqlite_autoindex_", 17) == 0;
            lines[n++] = tu_fmt("  index %s%s (%s)\n", autoix ? "<auto>" : name, rest, icols);
            free(icols);
        }
        qsort(lines, (size_t)n, sizeof *lines, cmp_str);
        for (int i = 0; i < n; i++) {
            sb_add(&b, "%s", lines[i]);
            free(lines[i]);
        }
        free(ixs);
        q = sqlite3_mprintf("SELECT \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(%Q) "
                            "ORDER BY \"from\", \"table\"",
                            t);
        char *fks = db_rows(db, q);
        sqlite3_free(q);
        sb_add(&b, "  fks:\n%s", fks);
        free(fks);
    }
    free(tables);
    return sb_take(&b);
}

/* modelc's own view: introspect both and diff; "" when equal. */
static char *model_diff(sqlite3 *x, sqlite3 *y)
{
    mcc_arena arena = {0};
    mcc_schema a, b;
    mcc_diag diag;   /* what cannot be read goes to stderr */
    mcc_diag_init(&diag, NULL, NULL, NULL);
    ck_assert_int_eq(mcc_introspect(x, &arena, &diag, &a), 0);
    ck_assert_int_eq(mcc_introspect(y, &arena, &diag, &b), 0);
    mcc_diff d;
    ck_assert_int_eq(mcc_diff_schemas(&a, &b, NULL, &arena, &d), 0);
    sb s = {0};
    for (size_t i = 0; i < d.nops; i++)
        sb_add(&s, "%s\n", d.ops[i].text);
    mcc_arena_free(&arena);
    return sb_take(&s);
}

/* A fresh in-memory database made from `modelc sql schema`. */
static sqlite3 *fresh_db(const char *schema)
{
    tu_result r = mc("sql", schema, NULL);
    MC_OK(r, "modelc sql");
    sqlite3 *db = db_open(":memory:");
    db_exec(db, r.out);
    tu_result_free(&r);
    return db;
}

static void assert_same_schema(sqlite3 *got, sqlite3 *want, const char *what)
{
    char *fg = fingerprint(got), *fw = fingerprint(want);
    ck_assert_msg(strcmp(fg, fw) == 0, "%s: schema differs\n--- got ---\n%s--- want ---\n%s", what, fg, fw);
    char *d = model_diff(got, want);
    ck_assert_msg(d[0] == '\0', "%s: modelc sees differences:\n%s", what, d);
    free(d);
    free(fg);
    free(fw);
}

static void assert_healthy(sqlite3 *db, const char *what)
{
    char *ic = db_rows(db, "PRAGMA integrity_check");
    ck_assert_msg(strcmp(ic, "ok\n") == 0, "%s: integrity_check: %s", what, ic);
    free(ic);
    char *fk = db_rows(db, "PRAGMA foreign_key_check");
    ck_assert_msg(fk[0] == '\0', "%s: foreign_key_check: %s", what, fk);
    free(fk);
}

/* ---- data snapshots ------------------------------------------------------------- */

typedef struct coldata {
    char *table, *col, *values;
} coldata;

typedef struct snapshot {
    int n;
    coldata v[128];
} snapshot;

static void snap(sqlite3 *db, snapshot *s)
{
    s->n = 0;
    char *tables = db_rows(db, USER_TABLES);
    for (char *t = tables, *nl; *t; t = nl + 1) {
        nl = strchr(t, '\n');
        *nl = '\0';
        char *q = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q)", t);
        char *cols = db_rows(db, q);
        sqlite3_free(q);
        for (char *c = cols, *cnl; *c && s->n < 128; c = cnl + 1) {
            cnl = strchr(c, '\n');
            *cnl = '\0';
            q = sqlite3_mprintf("SELECT group_concat(v, '|') FROM (SELECT coalesce(CAST(\"%w\" AS TEXT), '<null>') "
                                "AS v FROM \"%w\" ORDER BY rowid)",
                                c, t);
            char *vals = db_rows(db, q);
            sqlite3_free(q);
            s->v[s->n++] = (coldata){strdup(t), strdup(c), vals};
        }
        free(cols);
    }
    free(tables);
}

static void snap_free(snapshot *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->v[i].table);
        free(s->v[i].col);
        free(s->v[i].values);
    }
    s->n = 0;
}

static const coldata *snap_find(const snapshot *s, const char *t, const char *c)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->v[i].table, t) == 0 && strcmp(s->v[i].col, c) == 0)
            return &s->v[i];
    return NULL;
}

/* renames: "old>new" tokens, "table>table" or "table.col>table.col"
 * (the new table's name); maps an old table.col to the new one. */
static void map_name(const char *renames, const char *t, const char *c, char *nt, char *nc)
{
    strcpy(nt, t);
    strcpy(nc, c);
    if (!renames)
        return;
    char buf[512];
    for (const char *p = renames; *p;) {
        size_t n = strcspn(p, " ");
        snprintf(buf, sizeof buf, "%.*s", (int)n, p);
        p += n;
        while (*p == ' ')
            p++;
        char *gt = strchr(buf, '>');
        if (!gt)
            continue;
        *gt = '\0';
        const char *from = buf, *to = gt + 1;
        const char *dot = strchr(from, '.');
        if (!dot && strcmp(from, t) == 0)
            strcpy(nt, to);
        else if (dot && strncmp(from, t, (size_t)(dot - from)) == 0 && strlen(t) == (size_t)(dot - from) &&
                 strcmp(dot + 1, c) == 0) {
            const char *tdot = strchr(to, '.');
            snprintf(nt, 128, "%.*s", (int)(tdot - to), to);
            strcpy(nc, tdot + 1);
        }
    }
    /* A column rename keeps the table's rename too. */
    for (const char *p = renames; *p;) {
        size_t n = strcspn(p, " ");
        snprintf(buf, sizeof buf, "%.*s", (int)n, p);
        p += n;
        while (*p == ' ')
            p++;
        char *gt = strchr(buf, '>');
        if (gt && !strchr(buf, '.')) {
            *gt = '\0';
            if (strcmp(buf, t) == 0)
                strcpy(nt, gt + 1);
        }
    }
}

static int skipped(const char *skip, const char *t, const char *c)
{
    if (!skip)
        return 0;
    char key[300];
    snprintf(key, sizeof key, "%s.%s", t, c);
    for (const char *p = skip; (p = strstr(p, key)); p++) {
        size_t n = strlen(key);
        if ((p == skip || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

/* Every column of `before` that exists (mapped) in `after` kept its values. */
static void assert_data_kept(const snapshot *before, const snapshot *after, const char *renames, const char *skip,
                             int forward, const char *what)
{
    for (int i = 0; i < before->n; i++) {
        const coldata *c = &before->v[i];
        char nt[128], nc[128];
        if (forward)
            map_name(renames, c->table, c->col, nt, nc);
        else {
            strcpy(nt, c->table);
            strcpy(nc, c->col);
        }
        if (skipped(skip, c->table, c->col))
            continue;
        const coldata *d = snap_find(after, nt, nc);
        if (!d)
            continue;
        ck_assert_msg(strcmp(c->values, d->values) == 0, "%s: %s.%s was %s and is now %s.%s = %s", what, c->table,
                      c->col, c->values, nt, nc, d->values);
    }
}

/* ---- the scenario matrix ------------------------------------------------------------ */

typedef struct scenario {
    const char *name;
    const char *v1, *v2;
    const char *seed;       /* rows inserted after upgrading to v1 */
    const char *renames;    /* "old>new" tokens the data follows */
    int allow_loss;         /* v2 is refused without --allow-data-loss */
    const char *refuse;     /* v2 is refused for good; stderr contains this */
    const char *in_file;    /* '|'-separated texts the new migration contains */
    const char *skip;       /* "t.c" columns whose values may change */
} scenario;

#define USER "model User { id Integer primary_key; username String(64) index unique; email String(120) }\n"
#define PCOLS "id Integer primary_key; title String(100) not_null; body Text; views Integer; "
#define PFK "user_id Integer foreign_key(User.id)"
#define POST(extra) "model Post { " PCOLS PFK extra " }\n"
#define BASE USER POST("")
#define SEED                                                                                       \
    "INSERT INTO user (id, username, email) VALUES (1, 'ann', 'ann@x'), (2, 'bob', 'bob@x');\n" \
    "INSERT INTO post (id, title, body, views, user_id) VALUES (1, 'hello', 'b1', 3, 1), (2, 'world', NULL, 5, 2), (3, 'again', " \
    "'b3', 7, 1);\n"
#define TAG "model Tag { id Integer primary_key; label String(40) not_null unique }\n"
#define VOTE1 "model Vote { post_id Integer not_null; user_id Integer not_null; score Integer; primary_key(post_id) }\n"
#define VOTE2 \
    "model Vote { post_id Integer not_null; user_id Integer not_null; score Integer; primary_key(post_id, user_id) }\n"

static const scenario scenarios[] = {
    /* Representative ones first: the valgrind run takes the first four. */
    {"rename_column", BASE,
     USER "model Post { id Integer primary_key; title String(100) not_null; content Text renamed_from(body); "
          "views Integer; " PFK " }\n",
     SEED, "post.body>post.content", 0, NULL, "RENAME COLUMN body TO content", NULL},
    {"rebuild_referenced_table", BASE,
     "model User { id Integer primary_key; username String(80) index unique; email String(120) }\n" POST(""),
     SEED, NULL, 0, NULL, "_new_user|PRAGMA foreign_keys=OFF|PRAGMA foreign_key_check", NULL},
    {"drop_column", BASE, USER "model Post { id Integer primary_key; title String(100) not_null; body Text; " PFK " }\n",
     SEED, NULL, 1, NULL, "DROP COLUMN views|DATA LOSS: drops column post.views", NULL},
    {"add_column_server_default", BASE, USER POST("; status String(10) not_null server_default(\"draft\")"), SEED,
     NULL, 0, NULL, "ADD COLUMN status VARCHAR(10) DEFAULT 'draft' NOT NULL", NULL},

    {"add_table", BASE, BASE TAG, SEED, NULL, 0, NULL, "CREATE TABLE tag", NULL},
    {"drop_table", BASE TAG, BASE, SEED "INSERT INTO tag VALUES (1, 'c');\n", NULL, 1, NULL,
     "DATA LOSS: drops table tag", NULL},
    {"rename_table", BASE,
     USER "model Article { renamed_from(Post); " PCOLS PFK " }\n", SEED, "post>article", 0, NULL,
     "ALTER TABLE post RENAME TO article", NULL},
    {"add_nullable_column", BASE, USER POST("; subtitle String(50)"), SEED, NULL, 0, NULL,
     "ALTER TABLE post ADD COLUMN subtitle VARCHAR(50);", NULL},
    {"add_not_null_column_refused", BASE, USER POST("; rank Integer not_null"), SEED, NULL, 0,
     "server_default", NULL, NULL},
    {"widen_type", BASE,
     USER "model Post { id Integer primary_key; title String(200) not_null; body Text; views Integer; " PFK " }\n",
     SEED, NULL, 0, NULL, "_new_post|change type of post.title from VARCHAR(100) to VARCHAR(200)", NULL},
    {"narrow_type", BASE,
     USER "model Post { id Integer primary_key; title String(50) not_null; body Text; views Integer; " PFK " }\n",
     SEED, NULL, 1, NULL, "DATA LOSS: narrows post.title from VARCHAR(100) to VARCHAR(50)", NULL},
    {"text_to_integer", BASE,
     USER "model Post { id Integer primary_key; title String(100) not_null; body Integer; views Integer; " PFK " }\n",
     SEED, NULL, 1, NULL, "DATA LOSS: narrows post.body from TEXT to INTEGER", NULL},
    {"nullable_to_not_null", BASE,
     "model User { id Integer primary_key; username String(64) index unique; email String(120) not_null }\n" POST(""),
     SEED, NULL, 0, NULL, "make user.email NOT NULL", NULL},
    {"not_null_to_nullable", BASE,
     USER "model Post { id Integer primary_key; title String(100); body Text; views Integer; " PFK " }\n", SEED, NULL,
     0, NULL, "make post.title nullable", NULL},
    {"add_server_default", BASE,
     USER "model Post { " "id Integer primary_key; title String(100) not_null; body Text; "
          "views Integer server_default(0); " PFK " }\n",
     SEED, NULL, 0, NULL, "add server default 0 to post.views", NULL},
    {"drop_server_default",
     USER "model Post { id Integer primary_key; title String(100) not_null; body Text; "
          "views Integer server_default(0); " PFK " }\n",
     BASE, SEED, NULL, 0, NULL, "drop server default 0 of post.views", NULL},
    {"add_index", BASE,
     USER "model Post { id Integer primary_key; title String(100) not_null; body Text; views Integer index; " PFK
          " }\n",
     SEED, NULL, 0, NULL, "CREATE INDEX ix_post_views ON post (views);", NULL},
    {"drop_index",
     USER "model Post { id Integer primary_key; title String(100) not_null; body Text; views Integer index; " PFK
          " }\n",
     BASE, SEED, NULL, 0, NULL, "DROP INDEX ix_post_views;", NULL},
    {"index_to_unique_index",
     "model User { id Integer primary_key; username String(64) index unique; email String(120) index }\n" POST(""),
     "model User { id Integer primary_key; username String(64) index unique; email String(120) index unique }\n"
         POST(""),
     SEED, NULL, 0, NULL, "DROP INDEX ix_user_email;|CREATE UNIQUE INDEX ix_user_email ON user (email);", NULL},
    {"add_unique", BASE,
     "model User { id Integer primary_key; username String(64) index unique; email String(120) unique }\n" POST(""),
     SEED, NULL, 0, NULL, "UNIQUE (email)|add unique constraint on user (email)", NULL},
    {"drop_unique",
     "model User { id Integer primary_key; username String(64) index unique; email String(120) unique }\n" POST(""),
     BASE, SEED, NULL, 0, NULL, "drop unique constraint on user (email)", NULL},
    {"add_column_check", BASE,
     USER "model Post { id Integer primary_key; title String(100) not_null; body Text; "
          "views Integer check(\"views >= 0\"); " PFK " }\n",
     SEED, NULL, 0, NULL, "CHECK (views >= 0)", NULL},
    {"drop_column_check",
     USER "model Post { id Integer primary_key; title String(100) not_null; body Text; "
          "views Integer check(\"views >= 0\"); " PFK " }\n",
     BASE, SEED, NULL, 0, NULL, "drop check on post.views", NULL},
    {"add_table_check", BASE, USER POST("; check(\"length(title) > 0\")"), SEED, NULL, 0, NULL,
     "CHECK (length(title) > 0)", NULL},
    {"add_fk", USER "model Post { " PCOLS "user_id Integer }\n", BASE, SEED, NULL, 0, NULL,
     "add foreign key post (user_id) -> user (id)", NULL},
    {"drop_fk", BASE, USER "model Post { " PCOLS "user_id Integer }\n", SEED, NULL, 0, NULL,
     "drop foreign key post (user_id) -> user (id)", NULL},
    {"change_fk_on_delete", BASE,
     USER "model Post { " PCOLS "user_id Integer foreign_key(User.id, on_delete: cascade) }\n", SEED, NULL, 0, NULL,
     "ON DELETE CASCADE", NULL},
    {"change_pk", BASE VOTE1, BASE VOTE2, SEED "INSERT INTO vote VALUES (1, 1, 5), (2, 1, 3), (3, 2, 1);\n", NULL,
     0, NULL, "change primary key of vote from (post_id) to (post_id, user_id)", NULL},
    {"enum_value_added",
     "enum Status { draft, posted }\n" USER POST("; status Status"),
     "enum Status { draft, posted, published }\n" USER POST("; status Status"),
     SEED "UPDATE post SET status = 'posted' WHERE id = 1;\n", NULL, 0, NULL,
     "change type of post.status from VARCHAR(6) to VARCHAR(9)", NULL},
    {"add_fk_column", BASE, USER POST("; editor_id Integer foreign_key(User.id)"), SEED, NULL, 0, NULL,
     "_new_post|FOREIGN KEY(editor_id) REFERENCES user (id)", NULL},
    {"add_autoincrement", BASE,
     USER "model Post { id Integer primary_key autoincrement; title String(100) not_null; body Text; "
          "views Integer; " PFK " }\n",
     SEED, NULL, 0, NULL, "PRIMARY KEY AUTOINCREMENT", NULL},
    {"add_column_in_the_middle", BASE,
     USER "model Post { id Integer primary_key; title String(100) not_null; subtitle String(50); body Text; "
          "views Integer; " PFK " }\n",
     SEED, NULL, 0, NULL, "_new_post|add column post.subtitle", NULL},
    {"drop_indexed_column",
     USER "model Post { id Integer primary_key; title String(100) not_null; body Text; views Integer index; " PFK
          " }\n",
     USER "model Post { id Integer primary_key; title String(100) not_null; body Text; " PFK " }\n", SEED, NULL, 1,
     NULL, "DROP INDEX ix_post_views;|DROP COLUMN views", NULL},
    {"rename_indexed_column", BASE,
     "model User { id Integer primary_key; login String(64) index unique renamed_from(username); "
     "email String(120) }\n" POST(""),
     SEED, "user.username>user.login", 0, NULL,
     "RENAME COLUMN username TO login|CREATE UNIQUE INDEX ix_user_login ON user (login);", NULL},
    {"add_composite_index", BASE, USER POST("; index(user_id, views)"), SEED, NULL, 0, NULL,
     "CREATE INDEX ix_post_user_id_views ON post (user_id, views);", NULL},
    {"add_column_default_now", BASE, USER POST("; created DateTime not_null server_default(now)"), SEED, NULL, 0,
     NULL, "_new_post|DEFAULT CURRENT_TIMESTAMP NOT NULL", NULL},
    {"rename_table_and_column", BASE,
     USER "model Article { renamed_from(Post); id Integer primary_key; title String(100) not_null; "
          "text Text renamed_from(body); views Integer; " PFK " }\n",
     SEED, "post>article post.body>article.text", 0, NULL,
     "ALTER TABLE post RENAME TO article|RENAME COLUMN body TO text", NULL},
};
enum { NSCENARIOS = sizeof scenarios / sizeof scenarios[0] };

static int count_files(const char *dir)
{
    char *cmd = tu_fmt("ls '%s' 2>/dev/null | grep -c '\\.sql$'", dir);
    tu_result r = tu_sh(cmd, 10);
    free(cmd);
    int n = atoi(r.out ? r.out : "0");
    tu_result_free(&r);
    return n;
}

/* The text of the newest migration in dir. */
static char *newest_file(const char *dir)
{
    char *cmd = tu_fmt("ls '%s' | grep '\\.sql$' | sort | tail -n 1", dir);
    tu_result r = tu_sh(cmd, 10);
    free(cmd);
    r.out[strcspn(r.out, "\n")] = '\0';
    char *path = tu_fmt("%s/%s", dir, r.out);
    char *text = tu_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    free(path);
    tu_result_free(&r);
    return text;
}

static void write_text(const char *path, const char *text)
{
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
}

static void run_scenario(const scenario *sc)
{
    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("%s/app.model", dir);
    char *mig = tu_fmt("%s/migrations", dir);
    init_dir(mig);
    char *dbp = tu_fmt("%s/app.db", dir);

    write_text(schema, sc->v1);
    tu_result r = mc("migrate", schema, "--dir", mig, NULL);
    MC_OK(r, "migrate v1");
    tu_result_free(&r);
    r = mc("upgrade", "--db", dbp, "--dir", mig, NULL);
    MC_OK(r, "upgrade v1");
    tu_result_free(&r);

    sqlite3 *db = db_open(dbp);
    db_exec(db, "PRAGMA foreign_keys=ON");
    db_exec(db, sc->seed);
    snapshot s1;
    snap(db, &s1);
    char *fp1 = fingerprint(db);
    sqlite3_close(db);

    write_text(schema, sc->v2);
    if (sc->refuse || sc->allow_loss) {
        r = mc("migrate", schema, "--dir", mig, NULL);
        ck_assert_msg(r.status == 1, "%s: v2 should be refused, exit %d: %s", sc->name, r.status, r.err);
        const char *want = sc->refuse ? sc->refuse : "--allow-data-loss";
        ck_assert_msg(strstr(r.err, want), "%s: stderr lacks '%s': %s", sc->name, want, r.err);
        ck_assert_msg(strstr(r.err, "hint:"), "%s: no hint: %s", sc->name, r.err);
        ck_assert_int_eq(count_files(mig), 1);
        tu_result_free(&r);
    }
    if (sc->refuse) {
        snap_free(&s1);
        free(fp1);
        goto done;
    }
    if (sc->allow_loss)
        r = mc("migrate", schema, "--dir", mig, "--allow-data-loss", NULL);
    else
        r = mc("migrate", schema, "--dir", mig, NULL);
    MC_OK(r, sc->name);
    tu_result_free(&r);
    ck_assert_int_eq(count_files(mig), 2);
    char *text = newest_file(mig);
    if (sc->in_file) {
        char want[512];
        for (const char *p = sc->in_file; *p;) {
            size_t n = strcspn(p, "|");
            snprintf(want, sizeof want, "%.*s", (int)n, p);
            ck_assert_msg(strstr(text, want), "%s: the migration lacks '%s':\n%s", sc->name, want, text);
            p += n;
            if (*p)
                p++;
        }
    }
    r = mc("upgrade", "--db", dbp, "--dir", mig, NULL);
    ck_assert_msg(r.status == 0, "%s: upgrade v2: %s\n%s", sc->name, r.err, text);
    tu_result_free(&r);

    /* Now: v2's schema, the rows kept, a healthy database. */
    db = db_open(dbp);
    sqlite3 *want2 = fresh_db(schema);
    assert_same_schema(db, want2, sc->name);
    sqlite3_close(want2);
    snapshot s2;
    snap(db, &s2);
    assert_data_kept(&s1, &s2, sc->renames, sc->skip, 1, sc->name);
    assert_healthy(db, sc->name);
    sqlite3_close(db);

    /* No changes now. */
    r = mc("migrate", schema, "--dir", mig, NULL);
    MC_OK(r, "migrate again");
    ck_assert_msg(strstr(r.out, "No changes"), "%s", r.out);
    tu_result_free(&r);

    /* Down one step: v1's schema, the shared columns' rows. */
    r = mc("downgrade", "--db", dbp, "--dir", mig, NULL);
    ck_assert_msg(r.status == 0, "%s: downgrade: %s\n%s", sc->name, r.err, text);
    tu_result_free(&r);
    db = db_open(dbp);
    char *fp = fingerprint(db);
    ck_assert_msg(strcmp(fp, fp1) == 0, "%s: after downgrade\n--- got ---\n%s--- want ---\n%s", sc->name, fp, fp1);
    snapshot s3;
    snap(db, &s3);
    /* Columns of v1 that v2 also had keep v1's values. */
    for (int i = 0; i < s1.n; i++) {
        char nt[128], nc[128];
        map_name(sc->renames, s1.v[i].table, s1.v[i].col, nt, nc);
        if (!snap_find(&s2, nt, nc) || skipped(sc->skip, s1.v[i].table, s1.v[i].col))
            continue;
        const coldata *d = snap_find(&s3, s1.v[i].table, s1.v[i].col);
        ck_assert_msg(d != NULL, "%s: %s.%s is gone after downgrade", sc->name, s1.v[i].table, s1.v[i].col);
        ck_assert_msg(strcmp(d->values, s1.v[i].values) == 0, "%s: after downgrade %s.%s = %s, was %s", sc->name,
                      s1.v[i].table, s1.v[i].col, d->values, s1.v[i].values);
    }
    assert_healthy(db, sc->name);
    sqlite3_close(db);
    free(fp);
    free(text);
    snap_free(&s1);
    snap_free(&s2);
    snap_free(&s3);
    free(fp1);
done:
    free(schema);
    free(mig);
    free(dbp);
    tu_rmdir(dir);
}

START_TEST(scenario_matrix)
{
    run_scenario(&scenarios[_i]);
}
END_TEST

/* ---- multi-step histories ------------------------------------------------------------- */

typedef struct history {
    const char *name;
    const char *steps[6];   /* schemas, NULL-terminated */
    const char *seed;       /* after step 1 */
    int allow_loss;
} history;

static const history histories[] = {
    {"blog_evolves",
     {BASE, USER POST("; subtitle String(50)"),
      USER "model Post { id Integer primary_key; title String(100) not_null; content Text renamed_from(body); "
           "views Integer; " PFK "; subtitle String(50) }\n",
      USER "model Post { id Integer primary_key; title String(100) not_null; content Text; views Integer; " PFK
           "; subtitle String(50) }\n" TAG,
      USER "model Post { id Integer primary_key; title String(100) not_null; content Text; views Integer; " PFK
           "; subtitle String(50) }\n",
      NULL},
     SEED, 1},
    {"rename_then_retype",
     {BASE, USER "model Article { renamed_from(Post); " PCOLS PFK " }\n",
      USER "model Article { id Integer primary_key; headline String(100) not_null renamed_from(title); body Text; "
           "views Integer; " PFK " }\n",
      USER "model Article { id Integer primary_key; headline String(150) not_null; body Text; views Integer; " PFK
           " }\n",
      NULL},
     SEED, 0},
    {"defaults_and_indexes",
     {BASE, USER POST("; status String(10) not_null server_default(\"draft\")"),
      USER POST("; status String(10) server_default(\"draft\")"),
      USER POST("; status String(10) index server_default(\"draft\")"), USER POST("; status String(10)"), NULL},
     SEED, 0},
    {"self_reference",
     {"model Node { id Integer primary_key; name String(20); parent_id Integer foreign_key(Node.id) }\n",
      "model Node { id Integer primary_key; name String(40); parent_id Integer foreign_key(Node.id) }\n",
      "model Node { id Integer primary_key; name String(40); "
      "parent_id Integer foreign_key(Node.id, on_delete: cascade) }\n",
      "model Node { id Integer primary_key; name String(40) not_null server_default(\"?\"); "
      "parent_id Integer foreign_key(Node.id, on_delete: cascade); index(parent_id, name) }\n",
      NULL},
     "INSERT INTO node VALUES (1, 'root', NULL), (2, 'a', 1), (3, 'b', 1), (4, 'c', 2);\n", 0},
    {"library_grows",
     {"model Author { id Integer primary_key; name String(100) not_null index }\n"
      "model Book { id Integer primary_key; title String(200) not_null; "
      "author_id Integer not_null foreign_key(Author.id, on_delete: cascade) }\n",
      "model Author { id Integer primary_key; name String(100) not_null index; born Date }\n"
      "model Book { id Integer primary_key autoincrement; isbn String(13) unique check(\"length(isbn) IN (10, 13)\"); "
      "title String(200) not_null; author_id Integer not_null foreign_key(Author.id, on_delete: cascade) }\n"
      "model Member { id Integer primary_key; email String(120) not_null unique }\n"
      "model Loan { id Integer primary_key; book_id Integer not_null foreign_key(Book.id, on_delete: restrict); "
      "member_id Integer not_null foreign_key(Member.id); unique(book_id, member_id) }\n",
      "model Author { id Integer primary_key; name String(100) not_null index; born Date }\n"
      "model Book { id Integer primary_key autoincrement; isbn String(13) unique check(\"length(isbn) IN (10, 13)\"); "
      "title String(250) not_null; author_id Integer not_null foreign_key(Author.id, on_delete: cascade) }\n"
      "model Member { id Integer primary_key; email String(120) not_null unique }\n"
      "model Loan { id Integer primary_key; book_id Integer not_null foreign_key(Book.id, on_delete: restrict); "
      "member_id Integer not_null foreign_key(Member.id); unique(book_id, member_id) }\n",
      NULL},
     "INSERT INTO author VALUES (1, 'Le Guin'), (2, 'Calvino');\n"
     "INSERT INTO book VALUES (1, 'Earthsea', 1), (2, 'Cosmicomics', 2);\n",
     0},
};
enum { NHISTORIES = sizeof histories / sizeof histories[0] };

static void run_history(const history *h)
{
    char *dir = tu_mkdtemp();
    char *schema = tu_fmt("%s/app.model", dir);
    char *mig = tu_fmt("%s/migrations", dir);
    init_dir(mig);
    char *dbp = tu_fmt("%s/app.db", dir);
    char *fps[8] = {0};
    int n = 0;
    for (; h->steps[n]; n++) {
        write_text(schema, h->steps[n]);
        tu_result r = h->allow_loss ? mc("migrate", schema, "--dir", mig, "--allow-data-loss", NULL)
                                    : mc("migrate", schema, "--dir", mig, NULL);
        ck_assert_msg(r.status == 0, "%s step %d: %s", h->name, n + 1, r.err);
        tu_result_free(&r);
        r = mc("upgrade", "--db", dbp, "--dir", mig, NULL);
        ck_assert_msg(r.status == 0, "%s step %d upgrade: %s", h->name, n + 1, r.err);
        tu_result_free(&r);
        sqlite3 *db = db_open(dbp);
        if (n == 0) {
            db_exec(db, "PRAGMA foreign_keys=ON");
            db_exec(db, h->seed);
        }
        sqlite3 *want = fresh_db(schema);
        assert_same_schema(db, want, h->name);
        fps[n] = fingerprint(want);
        sqlite3_close(want);
        assert_healthy(db, h->name);
        sqlite3_close(db);
    }
    ck_assert_int_eq(count_files(mig), n);

    /* An empty database upgraded through all of them: the last schema. */
    char *fresh = tu_fmt("%s/fresh.db", dir);
    tu_result r = mc("upgrade", "--db", fresh, "--dir", mig, NULL);
    MC_OK(r, "upgrade fresh");
    tu_result_free(&r);
    sqlite3 *db = db_open(fresh);
    char *fp = fingerprint(db);
    ck_assert_str_eq(fp, fps[n - 1]);
    free(fp);
    sqlite3_close(db);
    free(fresh);

    /* Down step by step, each giving the previous schema. */
    for (int i = n - 1; i >= 1; i--) {
        r = mc("downgrade", "--db", dbp, "--dir", mig, NULL);
        ck_assert_msg(r.status == 0, "%s downgrade to %d: %s", h->name, i, r.err);
        tu_result_free(&r);
        db = db_open(dbp);
        fp = fingerprint(db);
        ck_assert_msg(strcmp(fp, fps[i - 1]) == 0, "%s: downgrade to %d\n--- got ---\n%s--- want ---\n%s", h->name,
                      i, fp, fps[i - 1]);
        assert_healthy(db, h->name);
        free(fp);
        sqlite3_close(db);
    }
    db = db_open(dbp);
    char *rows = db_rows(db, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                             "AND name <> 'modelc_migrations' AND type = 'table'");
    ck_assert_str_ne(rows, "0\n");
    free(rows);
    sqlite3_close(db);
    r = mc("downgrade", "--db", dbp, "--dir", mig, "--to", "0", NULL);
    MC_OK(r, "downgrade --to 0");
    tu_result_free(&r);
    db = db_open(dbp);
    fp = fingerprint(db);
    ck_assert_str_eq(fp, "");
    free(fp);
    sqlite3_close(db);
    for (int i = 0; i < n; i++)
        free(fps[i]);
    free(schema);
    free(mig);
    free(dbp);
    tu_rmdir(dir);
}

START_TEST(history_matrix)
{
    run_history(&histories[_i]);
}
END_TEST

/* ---- goldens ------------------------------------------------------------------------------ */

static void check_golden(const char *file, const char *golden)
{
    char *got = tu_read_file(file, NULL);
    ck_assert_msg(got != NULL, "%s was not written", file);
    char *want = tu_read_file(tu_path(golden), NULL);
    if (getenv("MODELC_UPDATE_GOLDEN")) {
        free(want);
        ck_assert_int_eq(tu_write_file(tu_path(golden), got, strlen(got)), 0);
        want = tu_read_file(tu_path(golden), NULL);
    }
    ck_assert_msg(want != NULL, "missing golden %s", golden);
    ck_assert_msg(strcmp(got, want) == 0, "%s differs from %s:\n%s", file, golden, got);
    free(got);
    free(want);
}

START_TEST(golden_blog_first_migration)
{
    char *dir = tu_mkdtemp();
    char *mig = tu_fmt("%s/migrations", dir);
    init_dir(mig);
    tu_result r = mc("migrate", tu_example("examples/blog.model"), "--dir", mig, NULL);
    MC_OK(r, "migrate blog");
    ck_assert_ptr_nonnull(strstr(r.out, "0001_create_user_post.sql"));
    tu_result_free(&r);
    char *file = tu_fmt("%s/0001_create_user_post.sql", mig);
    check_golden(file, "tests/golden/migrations/0001_create_user_post.sql");
    free(file);
    free(mig);
    tu_rmdir(dir);
}
END_TEST

START_TEST(golden_rebuild_migration)
{
    char *dir = tu_mkdtemp();
    char *mig = tu_fmt("%s/migrations", dir);
    init_dir(mig);
    char *schema = tu_fmt("%s/blog.model", dir);
    char *blog = tu_read_file(tu_example("examples/blog.model"), NULL);
    ck_assert_ptr_nonnull(blog);
    write_text(schema, blog);
    tu_result r = mc("migrate", schema, "--dir", mig, NULL);
    MC_OK(r, "migrate blog");
    tu_result_free(&r);
    /* body String(140) -> Text: SQLite cannot ALTER a type, so a rebuild. */
    char *p = strstr(blog, "String(140)");
    ck_assert_ptr_nonnull(p);
    char *v2 = tu_fmt("%.*sText%s", (int)(p - blog), blog, p + strlen("String(140)"));
    write_text(schema, v2);
    r = mc("migrate", schema, "--dir", mig, NULL);
    MC_OK(r, "migrate blog v2");
    ck_assert_ptr_nonnull(strstr(r.out, "0002_alter_post_body.sql"));
    tu_result_free(&r);
    char *file = tu_fmt("%s/0002_alter_post_body.sql", mig);
    check_golden(file, "tests/golden/migrations/0002_alter_post_body.sql");
    free(file);
    free(v2);
    free(blog);
    free(schema);
    free(mig);
    tu_rmdir(dir);
}
END_TEST

/* ---- introspection round trip ------------------------------------------------------------- */

/* Introspecting the DDL of `modelc sql X` gives X back (SQL level). */
static void roundtrip(const char *path)
{
    mcc_arena arena = {0};
    mcc_diag diag;
    mcc_source src = {0};
    mcc_diag_init(&diag, &src, NULL, NULL);
    mcc_schema want, got;
    ck_assert_int_eq(mcc_load_schema(path, &arena, &diag, &src, &want), 0);
    sqlite3 *db = fresh_db(path);
    ck_assert_int_eq(mcc_introspect(db, &arena, &diag, &got), 0);
    mcc_diff d;
    ck_assert_int_eq(mcc_diff_schemas(&got, &want, NULL, &arena, &d), 0);
    sb s = {0};
    for (size_t i = 0; i < d.nops; i++)
        sb_add(&s, "%s\n", d.ops[i].text);
    ck_assert_msg(d.nops == 0, "%s: introspected schema differs:\n%s", path, sb_take(&s));
    free(s.s);
    /* Same tables, columns in order, same creation order. */
    ck_assert_int_eq(got.ntables, want.ntables);
    for (size_t i = 0; i < got.ntables; i++) {
        ck_assert_str_eq(got.create_order[i]->name, want.create_order[i]->name);
        ck_assert_int_eq(got.create_order[i]->ncolumns, want.create_order[i]->ncolumns);
        for (size_t j = 0; j < got.create_order[i]->ncolumns; j++)
            ck_assert_str_eq(got.create_order[i]->columns[j].name, want.create_order[i]->columns[j].name);
    }
    sqlite3_close(db);
    mcc_arena_free(&arena);
}

START_TEST(introspection_round_trip)
{
    roundtrip(tu_example("examples/blog.model"));
    roundtrip(tu_example("examples/library.model"));
    char *dir = tu_mkdtemp();
    char *path = tu_fmt("%s/q.model", dir);
    write_text(path, "model HTTPRequest { id Integer primary_key; `order` Integer index; Name String; "
                     "price Numeric(8, 2) server_default(1.5); note Text check(\"note <> 'a,(b)'\") }\n"
                     "model Group table \"Group\" { id Integer primary_key; `select` Text server_default(\"it's\"); "
                     "req_id Integer foreign_key(HTTPRequest.id, on_delete: set_null, on_update: cascade); "
                     "unique(`select`, req_id); check(\"id > 0\") }\n");
    roundtrip(path);
    free(path);
    tu_rmdir(dir);
}
END_TEST

/* ---- the commands' contract -------------------------------------------------------------- */

typedef struct ws {
    char *dir, *schema, *mig, *db;
} ws;

static ws ws_new(const char *model)
{
    ws w;
    w.dir = tu_mkdtemp();
    w.schema = tu_fmt("%s/app.model", w.dir);
    w.mig = tu_fmt("%s/migrations", w.dir);
    init_dir(w.mig);
    w.db = tu_fmt("%s/app.db", w.dir);
    write_text(w.schema, model);
    return w;
}

static void ws_free(ws *w)
{
    free(w->schema);
    free(w->mig);
    free(w->db);
    tu_rmdir(w->dir);
}

START_TEST(no_changes_writes_nothing)
{
    ws w = ws_new(BASE);
    tu_result r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate again");
    ck_assert_str_eq(r.out, "No changes in schema; nothing written.\n");
    ck_assert_int_eq(count_files(w.mig), 1);
    tu_result_free(&r);
    ws_free(&w);
}
END_TEST

START_TEST(message_names_the_file)
{
    ws w = ws_new(BASE);
    tu_result r = mc("migrate", w.schema, "--dir", w.mig, "-m", "Initial schema: users & posts!", NULL);
    MC_OK(r, "migrate -m");
    tu_result_free(&r);
    char *f = tu_fmt("%s/0001_initial_schema_users_posts.sql", w.mig);
    ck_assert_msg(tu_exists(f), "no %s", f);
    char *text = tu_read_file(f, NULL);
    ck_assert_ptr_nonnull(strstr(text, "-- Migration 0001: Initial schema: users & posts!\n"));
    free(text);
    free(f);
    r = mc("history", "--dir", w.mig, NULL);
    MC_OK(r, "history");
    ck_assert_ptr_nonnull(strstr(r.out, "0001 initial_schema_users_posts"));
    tu_result_free(&r);
    ws_free(&w);
}
END_TEST

START_TEST(sql_touches_nothing)
{
    ws w = ws_new(BASE);
    tu_result r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    /* --sql only reads: a missing database is an error, and stays missing;
     * --db :memory: plans for an empty database. */
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, "--sql", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "no such file") && strstr(r.err, ":memory:"), "exit %d: %s",
                  r.status, r.err);
    ck_assert_msg(!tu_exists(w.db), "--sql created the database");
    tu_result_free(&r);
    r = mc("upgrade", "--db", ":memory:", "--dir", w.mig, "--sql", NULL);
    MC_OK(r, "upgrade --sql");
    ck_assert_ptr_nonnull(strstr(r.out, "CREATE TABLE user"));
    ck_assert_ptr_nonnull(strstr(r.out, "modelc_migrations"));
    tu_result_free(&r);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    MC_OK(r, "upgrade");
    tu_result_free(&r);
    r = mc("downgrade", "--db", w.db, "--dir", w.mig, "--sql", NULL);
    MC_OK(r, "downgrade --sql");
    ck_assert_ptr_nonnull(strstr(r.out, "DROP TABLE post"));
    tu_result_free(&r);
    r = mc("current", "--db", w.db, NULL);
    MC_OK(r, "current");
    ck_assert_str_eq(r.out, "0001 create_user_post\n");
    tu_result_free(&r);
    ws_free(&w);
}
END_TEST

START_TEST(check_exit_codes)
{
    ws w = ws_new(BASE);
    tu_result r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    /* Migrations match; no database given and no app.db here. */
    r = mc("check", w.schema, "--dir", w.mig, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
    /* The database is behind. */
    r = mc("check", w.schema, "--dir", w.mig, "--db", w.db, NULL);
    ck_assert_msg(r.status == 1, "%s", r.out);
    tu_result_free(&r);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    MC_OK(r, "upgrade");
    tu_result_free(&r);
    r = mc("check", w.schema, "--dir", w.mig, "--db", w.db, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
    /* The schema moves on: both differ, each difference printed. */
    write_text(w.schema, USER POST("; subtitle String(50)"));
    r = mc("check", w.schema, "--dir", w.mig, "--db", w.db, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "migrations"));
    ck_assert_ptr_nonnull(strstr(r.out, "database"));
    ck_assert_ptr_nonnull(strstr(r.out, "add column post.subtitle"));
    tu_result_free(&r);
    /* The database changed behind the migrations' back. */
    write_text(w.schema, BASE);
    sqlite3 *db = db_open(w.db);
    db_exec(db, "CREATE INDEX ix_post_views ON post (views)");
    sqlite3_close(db);
    r = mc("check", w.schema, "--dir", w.mig, "--db", w.db, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.out, "drop index ix_post_views"));
    tu_result_free(&r);
    ws_free(&w);
}
END_TEST

START_TEST(database_url_and_stamp)
{
    ws w = ws_new(BASE);
    tu_result r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    char *url = tu_fmt("sqlite:///%s", w.db);
    setenv("DATABASE_URL", url, 1);
    r = mc("upgrade", "--dir", w.mig, NULL);
    unsetenv("DATABASE_URL");
    MC_OK(r, "upgrade via DATABASE_URL");
    tu_result_free(&r);
    ck_assert(tu_exists(w.db));
    r = mc("current", "--db", url, NULL);
    MC_OK(r, "current");
    ck_assert_str_eq(r.out, "0001 create_user_post\n");
    tu_result_free(&r);
    r = mc("stamp", "0", "--db", w.db, "--dir", w.mig, NULL);
    MC_OK(r, "stamp 0");
    tu_result_free(&r);
    r = mc("current", "--db", w.db, NULL);
    ck_assert_str_eq(r.out, "0000 (no migration applied)\n");
    tu_result_free(&r);
    r = mc("stamp", "1", "--db", w.db, "--dir", w.mig, NULL);
    MC_OK(r, "stamp 1");
    tu_result_free(&r);
    r = mc("stamp", "7", "--db", w.db, "--dir", w.mig, NULL);
    ck_assert_int_eq(r.status, 1);
    tu_result_free(&r);
    r = mc("stamp", "--db", w.db, NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    free(url);
    ws_free(&w);
}
END_TEST

START_TEST(directory_problems_are_reported)
{
    ws w = ws_new(BASE);
    tu_result r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    write_text(w.schema, BASE TAG);
    r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate 2");
    tu_result_free(&r);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    MC_OK(r, "upgrade");
    tu_result_free(&r);

    /* An applied migration edited afterwards: reported, nothing runs. */
    char *f2 = tu_fmt("%s/0002_create_tag.sql", w.mig);
    char *text = tu_read_file(f2, NULL);
    ck_assert_ptr_nonnull(text);
    char *edited = tu_fmt("%s-- edited\n", text);
    write_text(f2, edited);
    r = mc("downgrade", "--db", w.db, "--dir", w.mig, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "checksum"));
    tu_result_free(&r);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);   /* at the latest: still verified */
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "checksum"));
    tu_result_free(&r);
    /* An applied migration that is missing. */
    ck_assert_int_eq(unlink(f2), 0);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "missing"), "%s", r.err);
    tu_result_free(&r);
    write_text(f2, text);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    MC_OK(r, "upgrade with the file back");
    tu_result_free(&r);

    /* A gap. */
    char *f1 = tu_fmt("%s/0001_create_user_post.sql", w.mig);
    char *f3 = tu_fmt("%s/0003_create_tag.sql", w.mig);
    ck_assert_int_eq(rename(f2, f3), 0);
    r = mc("history", "--dir", w.mig, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "expected version 0002"));
    tu_result_free(&r);
    r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    ck_assert_int_eq(r.status, 1);
    tu_result_free(&r);
    /* A duplicate. */
    char *dup = tu_fmt("%s/0001_again.sql", w.mig);
    ck_assert_int_eq(rename(f3, dup), 0);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "version 0001 is also"));
    tu_result_free(&r);
    free(f1);
    free(f3);
    free(dup);
    free(text);
    free(edited);
    free(f2);
    ws_free(&w);
}
END_TEST

START_TEST(failed_upgrade_leaves_previous_version)
{
    ws w = ws_new(BASE);
    tu_result r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate");
    tu_result_free(&r);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    MC_OK(r, "upgrade");
    tu_result_free(&r);
    /* email NOT NULL, but a row has none: the rebuild fails as a whole. */
    sqlite3 *db = db_open(w.db);
    db_exec(db, "INSERT INTO user VALUES (1, 'ann', NULL)");
    sqlite3_close(db);
    write_text(w.schema,
               "model User { id Integer primary_key; username String(64) index unique; email String(120) not_null }\n"
               POST(""));
    r = mc("migrate", w.schema, "--dir", w.mig, NULL);
    MC_OK(r, "migrate 2");
    tu_result_free(&r);
    r = mc("upgrade", "--db", w.db, "--dir", w.mig, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "NOT NULL"));
    tu_result_free(&r);
    r = mc("current", "--db", w.db, NULL);
    ck_assert_str_eq(r.out, "0001 create_user_post\n");
    tu_result_free(&r);
    db = db_open(w.db);
    char *rows = db_rows(db, "SELECT username FROM user");
    ck_assert_str_eq(rows, "ann\n");
    free(rows);
    char *tabs = db_rows(db, "SELECT name FROM sqlite_master WHERE name LIKE '_new_%'");
    ck_assert_str_eq(tabs, "");
    free(tabs);
    sqlite3_close(db);
    ws_free(&w);
}
END_TEST

int main(void)
{
    setenv("MODELC_DATE", "2024-01-01 00:00:00", 1);
    unsetenv("DATABASE_URL");
    int vg = valgrind_mode();
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("scenarios");
    tcase_set_timeout(tc, vg ? 600 : 120);
    tcase_add_loop_test(tc, scenario_matrix, 0, vg ? 4 : NSCENARIOS);
    tcase_add_loop_test(tc, history_matrix, 0, vg ? 1 : NHISTORIES);
    suite_add_tcase(s, tc);
    TCase *tg = tcase_create("commands");
    tcase_set_timeout(tg, vg ? 600 : 60);
    tcase_add_test(tg, golden_blog_first_migration);
    tcase_add_test(tg, golden_rebuild_migration);
    tcase_add_test(tg, no_changes_writes_nothing);
    tcase_add_test(tg, introspection_round_trip);
    if (!vg) {
        tcase_add_test(tg, message_names_the_file);
        tcase_add_test(tg, sql_touches_nothing);
        tcase_add_test(tg, check_exit_codes);
        tcase_add_test(tg, database_url_and_stamp);
        tcase_add_test(tg, directory_problems_are_reported);
        tcase_add_test(tg, failed_upgrade_leaves_previous_version);
    }
    suite_add_tcase(s, tg);
    return tu_run_suite(s);
}
