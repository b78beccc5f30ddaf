/* testutil.c -- see testutil.h. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "testutil.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && v[0] ? v : dflt;
}

const char *tu_modelc(void) { return env_or("MODELC", "build/modelc"); }
const char *tu_build(void) { return env_or("MODELC_BUILD", "build"); }
const char *tu_src(void) { return env_or("MODELC_SRC", "."); }
const char *tu_cflags(void) { return env_or("MODELC_CFLAGS", ""); }

const char *tu_path(const char *rel)
{
    static char ring[8][4096];
    static int next;
    char *p = ring[next++ % 8];
    snprintf(p, sizeof ring[0], "%s/%s", tu_src(), rel);
    return p;
}

const char *tu_example(const char *rel)
{
    static char ring[8][4096];
    static int next;
    char *p = ring[next++ % 8];
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    size_t stem = strcspn(base, ".");
    snprintf(p, sizeof ring[0], "%s/examples/%.*s/%s", tu_src(), (int)stem, base, base);
    return p;
}

const char *tu_pg_url(const char *test)
{
    const char *url = getenv("MODELC_PG_URL");
    if (url && url[0])
        return url;
    const char *ci = getenv("CI");
    ck_assert_msg(!(ci && strcmp(ci, "true") == 0),
                  "%s: no PostgreSQL server (MODELC_PG_URL unset) under CI=true; "
                  "run the suites through tests/pg/with-postgres.sh", test);
    printf("%s: skipped, no PostgreSQL server (make check starts one when PostgreSQL is installed)\n", test);
    return NULL;
}

tu_result tu_modelc_run(const char *arg, ...)
{
    const char *argv[17] = {tu_modelc()};
    int n = 1;
    va_list ap;
    va_start(ap, arg);
    for (const char *a = arg; a && n < 16; a = va_arg(ap, const char *))
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return tu_run(argv, NULL, 60);
}

char *tu_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = malloc((size_t)n + 1);
    if (!p)
        abort();
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

typedef struct growbuf {
    char *p;
    size_t n, cap;
} growbuf;

static void gb_add(growbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

tu_result tu_run(const char *const *argv, const char *stdin_text, int timeout_s)
{
    tu_result r = {0};
    int in[2], out[2], err[2];
    if (pipe(in) || pipe(out) || pipe(err))
        abort();
    pid_t pid = fork();
    if (pid < 0)
        abort();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]); close(err[0]); close(err[1]);
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (stdin_text) {
        size_t len = strlen(stdin_text), done = 0;
        signal(SIGPIPE, SIG_IGN);
        while (done < len) {
            ssize_t w = write(in[1], stdin_text + done, len - done);
            if (w <= 0)
                break;
            done += (size_t)w;
        }
    }
    close(in[1]);
    growbuf ob = {0}, eb = {0};
    gb_add(&ob, "", 0);
    gb_add(&eb, "", 0);
    struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    double deadline = now_s() + timeout_s;
    int killed = 0;
    while (open_fds > 0) {
        int left = (int)((deadline - now_s()) * 1000);
        if (left <= 0) {
            kill(pid, SIGKILL);
            killed = 1;
            break;
        }
        if (poll(fds, 2, left) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[65536];
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else {
                gb_add(i == 0 ? &ob : &eb, chunk, (size_t)n);
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    int st = 0;
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    if (killed)
        r.status = 128 + SIGKILL;
    r.out = ob.p;
    r.err = eb.p;
    return r;
}

tu_result tu_sh(const char *cmdline, int timeout_s)
{
    const char *argv[] = {"/bin/sh", "-c", cmdline, NULL};
    return tu_run(argv, NULL, timeout_s);
}

void tu_result_free(tu_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *tu_mkdtemp(void)
{
    char *p = strdup("/tmp/modelc-test-XXXXXX");
    if (!p || !mkdtemp(p))
        abort();
    return p;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    remove(path);
    return 0;
}

void tu_remove_tree(const char *dir)
{
    if (dir && dir[0])
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_rmdir(char *dir)
{
    tu_remove_tree(dir);
    free(dir);
}

int tu_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    growbuf b = {0};
    gb_add(&b, "", 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gb_add(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.n;
    return b.p;
}

int tu_write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(text, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}

int tu_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}
