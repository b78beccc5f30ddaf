/*
 * test_faults.c -- the runtime and the commands under faults: read-only
 * files and directories, a damaged file, a full disk, two upgraders at
 * once (issue 7 sections 4 and 6).  Locks and bad files are in
 * test_cmdfail.c.
 *
 * Permissions do not stop root, so when the suite runs as root the
 * commands run as nobody (setpriv) and the runtime checks run in a child
 * that drops to nobody.  The full-disk test mounts a small tmpfs, which
 * needs root; where that is impossible it says so and skips, it never
 * passes silently.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "modelc.h"
#include "testutil.h"

static const char V1[] = "model User {\n"
                         "    id       Integer     primary_key\n"
                         "    username String(64)  unique\n"
                         "}\n";
static const char V2[] = "model User {\n"
                         "    id       Integer     primary_key\n"
                         "    username String(64)  unique\n"
                         "}\n"
                         "model Post {\n"
                         "    id      Integer      primary_key\n"
                         "    body    Text\n"
                         "    user_id Integer      foreign_key(User.id)\n"
                         "}\n";

enum { NOBODY = 65534 };

/* ---- running modelc, as nobody when we are root ------------------------------------ */

static tu_result run_as(int nobody, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    if (nobody && geteuid() == 0) {
        argv[n++] = "setpriv";
        argv[n++] = "--reuid=65534";
        argv[n++] = "--regid=65534";
        argv[n++] = "--clear-groups";
        argv[n++] = "--";
    }
    argv[n++] = tu_modelc();
    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    return tu_run(argv, NULL, 60);
}

#define MC(...) run_as(0, (const char *const[]){__VA_ARGS__, NULL})
#define MC_NOBODY(...) run_as(1, (const char *const[]){__VA_ARGS__, NULL})

#define EXPECT_OK(r, what) \
    ck_assert_msg((r).status == 0, "%s: exit %d\nstdout: %s\nstderr: %s", what, (r).status, (r).out, (r).err)

/* Root can drop to nobody only with setpriv at hand. */
static int can_be_nobody(const char *test)
{
    if (geteuid() != 0)
        return 1;
    tu_result r = tu_sh("setpriv --reuid=65534 --regid=65534 --clear-groups -- true", 10);
    int ok = r.status == 0;
    tu_result_free(&r);
    if (!ok)
        printf("test_faults: %s: SKIPPED: running as root without setpriv, so permissions cannot be tested\n",
               test);
    return ok;
}

/* Runs fn(arg) in a child as nobody (when root); its exit status. */
static int child_as_nobody(int (*fn)(const char *), const char *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
            _exit(90);
        _exit(fn(arg));
    }
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- a workspace with two migrations and a database at 0001 ------------------------------ */

typedef struct ws {
    char *dir, *schema, *mig, *db;
} ws;

static void must(tu_result r, const char *what)
{
    EXPECT_OK(r, what);
    tu_result_free(&r);
}

/* dbdir: where the database goes (NULL: the workspace). */
static ws ws_new(const char *dbdir)
{
    ws w;
    w.dir = tu_mkdtemp();
    ck_assert_int_eq(chmod(w.dir, 0755), 0);
    w.schema = tu_fmt("%s/app.model", w.dir);
    w.mig = tu_fmt("%s/migrations", w.dir);
    w.db = tu_fmt("%s/app.db", dbdir ? dbdir : w.dir);
    ck_assert_int_eq(tu_write_file(w.schema, V1, strlen(V1)), 0);
    must(MC("init", "--dir", w.mig), "init");
    must(MC("migrate", w.schema, "--dir", w.mig, "-m", "create user"), "migrate 1");
    ck_assert_int_eq(tu_write_file(w.schema, V2, strlen(V2)), 0);
    must(MC("migrate", w.schema, "--dir", w.mig, "-m", "create post"), "migrate 2");
    return w;
}

static void ws_free(ws *w)
{
    free(w->schema);
    free(w->mig);
    free(w->db);
    tu_rmdir(w->dir);
}

/* The database at 0001 with a row, in rollback-journal mode (a Flask app's). */
static void make_db(const ws *w)
{
    must(MC("upgrade", "--to", "1", "--dir", w->mig, "--db", w->db), "upgrade --to 1");
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(w->db, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=DELETE; INSERT INTO user (username) VALUES ('ann')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

/* Header bytes 18 and 19: 11 for a rollback journal, 22 for WAL. */
static int header_mode(const char *path)
{
    unsigned char h[20] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    return n == sizeof h ? h[18] * 10 + h[19] : -1;
}

static char *slurp(const char *path, size_t *len)
{
    char *t = tu_read_file(path, len);
    ck_assert_msg(t != NULL, "cannot read %s", path);
    return t;
}

static int same_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    return na == nb && memcmp(a, b, na) == 0;
}

/* In the child: a writer's open of a read-only database works, reads
 * work, the journal mode stays, a write fails with a message. */
static int runtime_on_read_only(const char *path)
{
    mc_db *db = NULL;
    int rc = mc_open(&db, path, NULL);
    if (rc != MC_OK) {
        fprintf(stderr, "mc_open of a read-only database: %s: %s\n", mc_status_name(rc), mc_errmsg(db));
        mc_close(db);
        return 1;
    }
    sqlite3_stmt *st = mc_prepare(db, "SELECT count(*) FROM user");
    int rows = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    mc_release(db, st);
    if (rows != 1) {
        fprintf(stderr, "reading a read-only database: %d rows: %s\n", rows, mc_errmsg(db));
        mc_close(db);
        return 2;
    }
    rc = mc_exec(db, "INSERT INTO user (username) VALUES ('bob')");
    if (rc == MC_OK || !strstr(mc_errmsg(db), "readonly")) {
        fprintf(stderr, "writing a read-only database: %s: %s\n", mc_status_name(rc), mc_errmsg(db));
        mc_close(db);
        return 3;
    }
    mc_close(db);
    return header_mode(path) == 11 ? 0 : 4;
}

/* The commands on a read-only database: current works, upgrade fails
 * with a message, nothing changes. */
static void commands_on_read_only(const ws *w)
{
    size_t n0, n1;
    char *before = slurp(w->db, &n0);
    tu_result r = MC_NOBODY("current", "--db", w->db);
    EXPECT_OK(r, "current on a read-only database");
    ck_assert_str_eq(r.out, "0001 create_user\n");
    tu_result_free(&r);
    r = MC_NOBODY("check", w->schema, "--dir", w->mig, "--db", w->db);
    ck_assert_msg(r.status == 1 && strstr(r.out, "at version 0001"), "check: exit %d\n%s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    r = MC_NOBODY("upgrade", "--dir", w->mig, "--db", w->db);
    ck_assert_msg(r.status == 1 && strstr(r.err, "readonly") && strstr(r.err, "app.db"),
                  "upgrade of a read-only database: exit %d\n%s%s", r.status, r.out, r.err);
    ck_assert_msg(!strstr(r.out, "Upgraded"), "%s", r.out);
    tu_result_free(&r);
    char *after = slurp(w->db, &n1);
    ck_assert_msg(same_bytes(before, n0, after, n1), "the read-only database changed");
    ck_assert_int_eq(header_mode(w->db), 11);
    free(before);
    free(after);
}

START_TEST(read_only_file)
{
    if (!can_be_nobody("read-only file"))
        return;
    ws w = ws_new(NULL);
    make_db(&w);
    ck_assert_int_eq(chmod(w.dir, 0777), 0);
    ck_assert_int_eq(chmod(w.db, 0444), 0);
    commands_on_read_only(&w);
    ck_assert_int_eq(child_as_nobody(runtime_on_read_only, w.db), 0);
    ws_free(&w);
}
END_TEST

START_TEST(read_only_directory)
{
    if (!can_be_nobody("read-only directory"))
        return;
    ws w0 = ws_new(NULL);
    char *dbdir = tu_fmt("%s/data", w0.dir);
    ck_assert_int_eq(mkdir(dbdir, 0777), 0);
    free(w0.db);
    w0.db = tu_fmt("%s/app.db", dbdir);
    make_db(&w0);
    ck_assert_int_eq(chmod(w0.db, 0666), 0);
    ck_assert_int_eq(chmod(dbdir, 0555), 0);
    commands_on_read_only(&w0);
    ck_assert_int_eq(child_as_nobody(runtime_on_read_only, w0.db), 0);
    char *wal = tu_fmt("%s-wal", w0.db);
    ck_assert(!tu_exists(wal));
    free(wal);
    ck_assert_int_eq(chmod(dbdir, 0777), 0);
    free(dbdir);
    ws_free(&w0);
}
END_TEST

START_TEST(damaged_file)
{
    ws w = ws_new(NULL);
    make_db(&w);
    /* The schema page overwritten: every opener reports it. */
    int fd = open(w.db, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    char junk[2048];
    memset(junk, 0x5A, sizeof junk);
    ck_assert_int_eq(pwrite(fd, junk, sizeof junk, 100), (ssize_t)sizeof junk);
    close(fd);
    size_t n0, n1;
    char *before = slurp(w.db, &n0);
    mc_db *db = NULL;
    int rc = mc_open(&db, w.db, NULL);
    ck_assert_msg(rc == MC_ERROR && strstr(mc_errmsg(db), "malformed"), "%s: %s", mc_status_name(rc),
                  mc_errmsg(db));
    mc_close(db);
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    ck_assert_msg(r.status == 1 && strstr(r.err, "malformed"), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    char *after = slurp(w.db, &n1);
    ck_assert_msg(same_bytes(before, n0, after, n1), "the damaged file was changed");
    free(before);
    free(after);
    ws_free(&w);
}
END_TEST

/* ---- a full disk -------------------------------------------------------------------------- */

/* Fills the file system of dir, then frees `keep` bytes. */
static void fill_disk(const char *dir, long keep)
{
    char *path = tu_fmt("%s/filler", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    char block[4096];
    memset(block, 'x', sizeof block);
    off_t size = 0;
    ssize_t w;
    while ((w = write(fd, block, sizeof block)) > 0)
        size += w;
    ck_assert_int_eq(ftruncate(fd, size > keep ? size - keep : 0), 0);
    close(fd);
    free(path);
}

typedef struct outcome {
    int current_status;     /* modelc current on the full disk */
    char current_out[64];
    int upgrade_status;     /* modelc upgrade on the full disk */
    char upgrade_err[512];
    int open_status;        /* mc_open (a writer) with a few pages free */
    int mode_after_open;    /* header: 11 unless the switch to WAL was safe */
    int readable;           /* rows of user read back at the end */
    char integrity[64];
    int version;            /* modelc_migrations' version at the end */
} outcome;

static void read_back(const char *path, outcome *o)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    o->readable = -1;
    o->version = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return;
    }
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM user", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        o->readable = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(o->integrity, sizeof o->integrity, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "SELECT max(version) FROM modelc_migrations", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        o->version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

START_TEST(full_disk)
{
    char *top = tu_mkdtemp();
    char *disk = tu_fmt("%s/disk", top);
    ck_assert_int_eq(mkdir(disk, 0777), 0);
    if (geteuid() != 0 || mount("tmpfs", disk, "tmpfs", 0, "size=512k") != 0) {
        printf("test_faults: full disk: SKIPPED: cannot mount a 512 KiB tmpfs (%s)\n",
               geteuid() != 0 ? "not root" : strerror(errno));
        free(disk);
        tu_rmdir(top);
        return;
    }
    ws w = ws_new(disk);
    make_db(&w);
    outcome o;
    memset(&o, 0, sizeof o);

    /* No space at all: reading works, upgrading fails and changes nothing. */
    fill_disk(disk, 0);
    tu_result r = MC("current", "--db", w.db);
    o.current_status = r.status;
    snprintf(o.current_out, sizeof o.current_out, "%s", r.out);
    tu_result_free(&r);
    r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    o.upgrade_status = r.status;
    snprintf(o.upgrade_err, sizeof o.upgrade_err, "%s", r.err);
    tu_result_free(&r);

    /* A few pages free: SQLite's switch to WAL would succeed and leave the
     * file unreadable (the -shm needs 32 KiB); a writer's open must not. */
    char *filler = tu_fmt("%s/filler", disk);
    unlink(filler);
    fill_disk(disk, 3 * 4096);
    mc_db *db = NULL;
    o.open_status = mc_open(&db, w.db, NULL);
    mc_close(db);
    o.mode_after_open = header_mode(w.db);
    read_back(w.db, &o);

    unlink(filler);
    free(filler);
    int um = umount2(disk, MNT_DETACH);

    ck_assert_int_eq(um, 0);
    ck_assert_msg(o.current_status == 0 && strcmp(o.current_out, "0001 create_user\n") == 0,
                  "current on a full disk: exit %d: %s", o.current_status, o.current_out);
    ck_assert_msg(o.upgrade_status == 1 && strstr(o.upgrade_err, "full"), "upgrade on a full disk: exit %d: %s",
                  o.upgrade_status, o.upgrade_err);
    ck_assert_int_eq(o.open_status, MC_OK);
    ck_assert_msg(o.mode_after_open == 11, "the open switched a nearly full disk's database to WAL (%d)",
                  o.mode_after_open);
    ck_assert_msg(o.readable == 1, "the database is unreadable afterwards (%d rows)", o.readable);
    ck_assert_str_eq(o.integrity, "ok");
    ck_assert_int_eq(o.version, 1);
    ws_free(&w);
    free(disk);
    tu_rmdir(top);
}
END_TEST

/* ---- two upgraders ------------------------------------------------------------------------- */

/* The upgrade section of a migration file. */
static char *upgrade_section(const char *path)
{
    char *text = slurp(path, NULL);
    char *up = strstr(text, "-- modelc:upgrade\n");
    char *down = strstr(text, "-- modelc:downgrade");
    ck_assert(up && down && down > up);
    *down = '\0';
    char *sql = tu_fmt("%s", up);
    free(text);
    return sql;
}

START_TEST(an_upgrader_says_what_it_did_itself)
{
    ws w = ws_new(NULL);
    must(MC("stamp", "0", "--dir", w.mig, "--db", w.db), "stamp 0");
    char *file = tu_fmt("%s/0001_create_user.sql", w.mig);
    size_t len;
    char *text = slurp(file, &len);
    char sum[17];
    mc_migration_checksum(text, len, sum);
    char *sql = upgrade_section(file);

    /* Another process applies 0001 and holds the write lock a while: the
     * command waits for it, then applies only 0002. */
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        sqlite3 *db;
        int ok = sqlite3_open(w.db, &db) == SQLITE_OK && sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) == SQLITE_OK &&
                 sqlite3_exec(db, sql, 0, 0, 0) == SQLITE_OK;
        char *rec = tu_fmt("INSERT INTO modelc_migrations (version, name, checksum, applied_at) "
                           "VALUES (1, 'create_user', '%s', '2026-01-01 00:00:00.000000')",
                           sum);
        ok = ok && sqlite3_exec(db, rec, 0, 0, 0) == SQLITE_OK;
        free(rec);
        ok = ok && write(ready[1], "x", 1) == 1;
        sleep(3);
        ok = ok && sqlite3_exec(db, "COMMIT", 0, 0, 0) == SQLITE_OK;
        sqlite3_close(db);
        /* The parent's strings are this child's too (valgrind checks both). */
        free(sql);
        free(text);
        free(file);
        free(w.schema);
        free(w.mig);
        free(w.db);
        free(w.dir);
        _exit(ok ? 0 : 1);
    }
    char c;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    tu_result r = MC("upgrade", "--dir", w.mig, "--db", w.db);
    int st = 0;
    waitpid(pid, &st, 0);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the other process failed");
    EXPECT_OK(r, "upgrade");
    ck_assert_msg(!strstr(r.out, "Upgraded to 0001"), "it claims 0001:\n%s", r.out);
    ck_assert_msg(strstr(r.out, "0001 (create_user) was applied by another process"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "Upgraded to 0002 (create_post)"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "is at 0002."), "%s", r.out);
    tu_result_free(&r);
    close(ready[0]);
    close(ready[1]);
    free(sql);
    free(text);
    free(file);
    ws_free(&w);
}
END_TEST

Suite *faults_suite(void);
Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, read_only_file);
    tcase_add_test(tc, read_only_directory);
    tcase_add_test(tc, damaged_file);
    tcase_add_test(tc, full_disk);
    tcase_add_test(tc, an_upgrader_says_what_it_did_itself);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run_suite(faults_suite());
}
