/*
 * workload.h -- what both CRUD benchmarks share (crud_bench.c against
 * hand-written sqlite3, pg_crud_bench.c against hand-written libpq): the
 * same deterministic data and the same small utilities.
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

extern const char *bench_prog;      /* the program's name, for die's messages */

/* Prints "<bench_prog>: " fmt (with a and b) and exits 1. */
void die(const char *fmt, const char *a, const char *b);
void *xmalloc(size_t n);            /* malloc or die */
double now_ms(void);                /* a monotonic clock, in milliseconds */
uint64_t rng(void);                 /* xorshift64*: the same sequence for both sides */
long env_long(const char *name, long def);  /* a positive integer from the environment */
char *slurp(const char *path);      /* a whole file, malloc'd, or die */

#define STR 64  /* stride of the precomputed strings */

typedef struct data {
    long n;
    char *username, *email, *password;  /* user i (id i + 1): + i * STR */
    char *new_email, *new_password;     /* the values updates write */
    char *body;                         /* post k: + k * STR */
    int64_t *post_user;                 /* post k's author */
    int64_t *get_ids;                   /* N random user ids */
    long *find_idx;                     /* N random user indexes */
    int64_t *query_users;               /* N/10 random user ids */
    int64_t *update_ids;                /* N random user ids */
    int64_t *delete_ids;                /* N distinct post ids, shuffled */
} data;

static inline const char *S(const char *base, long i) { return base + (size_t)i * STR; }
static inline long nquery(const data *d) { return d->n / 10 > 0 ? d->n / 10 : 1; }

/* N users and 5N posts of the workload, and the ids each op touches. */
void make_data(data *d, long n);

#endif
