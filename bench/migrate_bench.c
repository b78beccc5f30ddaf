/*
 * migrate_bench.c -- the timing helpers of bench/migrate_bench.sh.
 *
 *   migrate_bench time RUNS DIR CMD [ARG...]
 *       Runs CMD RUNS times (stdout to /dev/null) and prints the best wall
 *       time in ms.  After each run the files CMD created in DIR are
 *       removed, so that `modelc migrate` writes the same migration each
 *       time ("-" for no DIR).
 *   migrate_bench run CMD [ARG...]
 *       Runs CMD once (stdout to /dev/null) and prints its wall time and
 *       its CPU time (user + system, from wait4), both in ms.
 *   migrate_bench fill DB ROWS
 *       Fills table owner (id, name) of DB with 1,000 rows and table item
 *       (id, name, qty, note, owner_id) with ROWS rows, each referencing
 *       an owner.
 *   migrate_bench bare DB PRE SQL
 *       Opens DB as mc_open does (WAL, synchronous=NORMAL, foreign keys
 *       on), runs PRE (may be "": what must happen outside a transaction,
 *       like PRAGMA foreign_keys=OFF), then SQL in one transaction,
 *       closes; prints the ms.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The names in dir, '\n'-separated and '\n'-bracketed (malloc'd). */
static char *listing(const char *dir)
{
    size_t cap = 256, len = 1;
    char *s = malloc(cap);
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!s)
        exit(1);
    strcpy(s, "\n");
    if (!d)
        return s;
    while ((e = readdir(d))) {
        size_t k = strlen(e->d_name);
        if (len + k + 2 > cap) {
            cap = (len + k + 2) * 2;
            if (!(s = realloc(s, cap)))
                exit(1);
        }
        memcpy(s + len, e->d_name, k);
        len += k;
        s[len++] = '\n';
        s[len] = '\0';
    }
    closedir(d);
    return s;
}

/* Removes what is in dir now but not in before; rmdir when dir is new. */
static void undo(const char *dir, const char *before, int existed)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096], key[512];
    if (!d)
        return;
    while ((e = readdir(d))) {
        snprintf(key, sizeof key, "\n%s\n", e->d_name);
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !strstr(before, key)) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    if (!existed)
        rmdir(dir);
}

static int cmd_time(int runs, const char *dir, char **argv)
{
    double best = -1;
    for (int r = 0; r < (runs > 0 ? runs : 1); r++) {
        int existed = 0;
        char *before = NULL;
        if (strcmp(dir, "-") != 0) {
            DIR *d = opendir(dir);
            existed = d != NULL;
            if (d)
                closedir(d);
            before = listing(dir);
        }
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0)
                dup2(fd, 1);
            execvp(argv[0], argv);
            perror(argv[0]);
            _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "migrate_bench: %s failed\n", argv[0]);
            return 1;
        }
        double ms = now_ms() - t0;
        if (best < 0 || ms < best)
            best = ms;
        if (before) {
            undo(dir, before, existed);
            free(before);
        }
    }
    printf("%.2f\n", best);
    return 0;
}

/* CMD once: "wall_ms cpu_ms", the CPU time being the child's user +
 * system (RUSAGE_CHILDREN: this process waits for no other child). */
static int cmd_run(char **argv)
{
    struct rusage ru;
    int st;
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 1);
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    if (waitpid(pid, &st, 0) != pid || getrusage(RUSAGE_CHILDREN, &ru) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "migrate_bench: %s failed\n", argv[0]);
        return 1;
    }
    double wall = now_ms() - t0;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    printf("%.2f %.2f\n", wall, cpu);
    return 0;
}

static int exec_or_die(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "migrate_bench: %s\n", err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        return 1;
    }
    return 0;
}

static sqlite3 *open_like_modelc(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "migrate_bench: %s: %s\n", path, sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_busy_timeout(db, 5000);
    if (exec_or_die(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"))
        exit(1);
    return db;
}

static int cmd_fill(const char *path, long rows)
{
    sqlite3 *db = open_like_modelc(path);
    sqlite3_stmt *st;
    if (exec_or_die(db, "BEGIN") ||
        exec_or_die(db, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1000) "
                        "INSERT INTO owner (id, name) SELECT i, 'owner ' || i FROM k") ||
        sqlite3_prepare_v2(db, "INSERT INTO item (id, name, qty, note, owner_id) VALUES (?1, ?2, ?3, ?4, ?5)", -1,
                           &st, NULL))
        return 1;
    for (long i = 1; i <= rows; i++) {
        char name[64], note[128];
        snprintf(name, sizeof name, "item %ld", i);
        snprintf(note, sizeof note, "note for item %ld, long enough to be a real row", i);
        sqlite3_bind_int64(st, 1, i);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        if (i % 7 == 0)
            sqlite3_bind_null(st, 3);
        else
            sqlite3_bind_int64(st, 3, i % 1000);
        sqlite3_bind_text(st, 4, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, i % 1000 + 1);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "migrate_bench: insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (exec_or_die(db, "COMMIT"))
        return 1;
    sqlite3_close(db);
    return 0;
}

static int cmd_bare(const char *path, const char *pre, const char *sql)
{
    double t0 = now_ms();
    sqlite3 *db = open_like_modelc(path);
    if ((*pre && exec_or_die(db, pre)) || exec_or_die(db, "BEGIN IMMEDIATE") || exec_or_die(db, sql) || exec_or_die(db, "COMMIT"))
        return 1;
    if (sqlite3_close(db) != SQLITE_OK)
        return 1;
    printf("%.2f\n", now_ms() - t0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "time") == 0)
        return cmd_time(atoi(argv[2]), argv[3], argv + 4);
    if (argc == 4 && strcmp(argv[1], "fill") == 0)
        return cmd_fill(argv[2], atol(argv[3]));
    if (argc >= 3 && strcmp(argv[1], "run") == 0)
        return cmd_run(argv + 2);
    if (argc == 5 && strcmp(argv[1], "bare") == 0)
        return cmd_bare(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: migrate_bench time RUNS DIR CMD [ARG...] | run CMD [ARG...] | fill DB ROWS"
                    " | bare DB PRE SQL\n");
    return 2;
}
