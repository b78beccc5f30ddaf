/* workload.c -- see workload.h. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "workload.h"

const char *bench_prog = "bench";

void die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "%s: ", bench_prog);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        die("out of memory%s%s", "", "");
    return p;
}

double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

uint64_t rng(void)   /* xorshift64*: deterministic, same for both sides */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return def;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0)
        die("%s must be a positive integer, not '%s'", name, s);
    return v;
}

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    size_t cap = 4096, len = 0, n;
    char *s = xmalloc(cap);
    while ((n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            cap *= 2;
            char *t = realloc(s, cap);
            if (!t)
                die("out of memory%s%s", "", "");
            s = t;
        }
    }
    fclose(f);
    s[len] = '\0';
    return s;
}

void make_data(data *d, long n)
{
    long np = 5 * n, nq = n / 10 > 0 ? n / 10 : 1;
    d->n = n;
    d->username = xmalloc((size_t)n * STR);
    d->email = xmalloc((size_t)n * STR);
    d->password = xmalloc((size_t)n * STR);
    d->new_email = xmalloc((size_t)n * STR);
    d->new_password = xmalloc((size_t)n * STR);
    d->body = xmalloc((size_t)np * STR);
    d->post_user = xmalloc((size_t)np * sizeof *d->post_user);
    d->get_ids = xmalloc((size_t)n * sizeof *d->get_ids);
    d->find_idx = xmalloc((size_t)n * sizeof *d->find_idx);
    d->query_users = xmalloc((size_t)nq * sizeof *d->query_users);
    d->update_ids = xmalloc((size_t)n * sizeof *d->update_ids);
    d->delete_ids = xmalloc((size_t)n * sizeof *d->delete_ids);
    for (long i = 0; i < n; i++) {
        uint64_t h = rng();
        snprintf(d->username + i * STR, STR, "user%07ld", i);
        snprintf(d->email + i * STR, STR, "user%07ld@example.com", i);
        snprintf(d->password + i * STR, STR, "pbkdf2:sha256$%016" PRIx64, h);
        snprintf(d->new_email + i * STR, STR, "u%07ld@mail.example.org", i);
        snprintf(d->new_password + i * STR, STR, "pbkdf2:sha256$%016" PRIx64, h ^ 0xffff);
    }
    for (long k = 0; k < np; k++) {
        d->post_user[k] = (int64_t)(rng() % (uint64_t)n) + 1;
        snprintf(d->body + k * STR, STR, "post %d: my %uth day, nice weather", (int)k,
                 (unsigned)(rng() % 1000));
    }
    for (long i = 0; i < n; i++) {
        d->get_ids[i] = (int64_t)(rng() % (uint64_t)n) + 1;
        d->find_idx[i] = (long)(rng() % (uint64_t)n);
        d->update_ids[i] = (int64_t)(rng() % (uint64_t)n) + 1;
    }
    for (long i = 0; i < nq; i++)
        d->query_users[i] = (int64_t)(rng() % (uint64_t)n) + 1;
    int64_t *perm = xmalloc((size_t)np * sizeof *perm);
    for (long k = 0; k < np; k++)
        perm[k] = k + 1;
    for (long k = np - 1; k > 0; k--) {
        long j = (long)(rng() % (uint64_t)(k + 1));
        int64_t t = perm[k];
        perm[k] = perm[j];
        perm[j] = t;
    }
    memcpy(d->delete_ids, perm, (size_t)n * sizeof *perm);
    free(perm);
}
