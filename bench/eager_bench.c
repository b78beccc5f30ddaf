/*
 * eager_bench.c -- listing users with their posts (issue 8 §3), three ways,
 * on one database file, in one process:
 *
 *   JOIN    hand-written sqlite3 C: one LEFT JOIN ordered by user, rows
 *           grouped into users while stepping (the baseline)
 *   eager   user_query_all + user_list_load_posts: 2 statements
 *   N + 1   user_query_all + user_posts_list for each user: 1 + N
 *
 *   eager_bench DIR SCHEMA.sql [join|eager|n+1]
 *
 * The database DIR/eager.db is left for later runs.  With a way named,
 * only that one runs, once (REPS listings, no table), on DIR/eager.db as
 * it is when it exists: what bench/run.sh runs under callgrind
 * (--toggle-collect=hand_join, gen_eager, gen_n_plus_1) to count
 * instructions.
 *
 * Environment: BENCH_EAGER_USERS (users listed, default 2000; the table
 * holds 10 times as many, and 5 posts per user on average, with random
 * authors), BENCH_ROUNDS (default 5).
 *
 * All three build the same thing: an array of users, each with an array of
 * its posts, every string malloc'd, everything freed before the clock
 * stops.  Each measurement lists the users REPS times; the three
 * alternate, their order rotating round by round; the best round counts.
 * Every way returns a checksum of what it read, and they must agree.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "blog.h"

#define REPS 5

/* The three ways stay functions of their own, for callgrind's --toggle-collect. */
#if defined(__GNUC__)
#define MEASURED __attribute__((noinline))
#else
#define MEASURED
#endif

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "eager_bench: %s: %s\n", what, msg);
    exit(1);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long env_long(const char *name, long def)
{
    const char *s = getenv(name);
    char *end;
    long v = s && *s ? strtol(s, &end, 10) : def;
    if (s && *s && (*end || v <= 0))
        die(name, "must be a positive integer");
    return v;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path, "cannot read");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
        die(path, "cannot read");
    s[n] = '\0';
    fclose(f);
    return s;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

/* users * 10 users, users * 50 posts with random authors. */
static void make_db(const char *path, const char *ddl, long users)
{
    mc_db *db;
    if (mc_open(&db, path, NULL) != MC_OK || mc_exec(db, ddl) != MC_OK || mc_begin(db) != MC_OK)
        die(path, mc_errmsg(db));
    long nu = users * 10, np = users * 50;
    for (long i = 0; i < nu; i++) {
        char un[32], em[48];
        snprintf(un, sizeof un, "user%07ld", i);
        snprintf(em, sizeof em, "user%07ld@example.com", i);
        User u = {.username = un, .email = em, .password_hash = (char *)"pbkdf2:sha256$0123456789abcdef"};
        if (user_insert(db, &u) != MC_OK)
            die("user_insert", mc_errmsg(db));
    }
    for (long k = 0; k < np; k++) {
        char body[64];
        snprintf(body, sizeof body, "post %ld: my %uth day, nice weather", k, (unsigned)(rng() % 1000));
        Post po = {.body = body, .user_id = (int64_t)(rng() % (uint64_t)nu) + 1};
        if (post_insert(db, &po) != MC_OK)
            die("post_insert", mc_errmsg(db));
    }
    if (mc_commit(db) != MC_OK)
        die("COMMIT", mc_errmsg(db));
    mc_close(db);
}

static uint64_t sum_user(int64_t id, const char *username, const char *email)
{
    return (uint64_t)id + strlen(username) + strlen(email);
}

static uint64_t sum_post(int64_t id, const char *body, int64_t user_id)
{
    return (uint64_t)id * 3 + strlen(body) + (uint64_t)user_id;
}

/* ---- generated ------------------------------------------------------------ */

static User_query *first_users(mc_db *db, long users)
{
    User_query *q = user_query(db);
    if (!q)
        die("user_query", mc_errmsg(db));
    user_query_where_id_le(q, users);
    user_query_order_by(q, USER_COL_ID, false);
    return q;
}

MEASURED static uint64_t gen_eager(mc_db *db, long users)
{
    uint64_t sum = 0;
    User_query *q = first_users(db, users);
    User_list ul;
    Post_lists pl;
    if (user_query_all(q, &ul) != MC_OK || user_list_load_posts(db, &ul, &pl) != MC_OK)
        die("eager", mc_errmsg(db));
    for (size_t i = 0; i < ul.count; i++) {
        sum += sum_user(ul.items[i].id, ul.items[i].username, ul.items[i].email);
        for (size_t k = 0; k < pl.lists[i].count; k++) {
            const Post *p = &pl.lists[i].items[k];
            sum += sum_post(p->id, p->body, p->user_id);
        }
    }
    post_lists_free(&pl);
    user_list_free(&ul);
    user_query_free(q);
    return sum;
}

MEASURED static uint64_t gen_n_plus_1(mc_db *db, long users)
{
    uint64_t sum = 0;
    User_query *q = first_users(db, users);
    User_list ul;
    if (user_query_all(q, &ul) != MC_OK)
        die("user_query_all", mc_errmsg(db));
    Post_list *pl = calloc(ul.count ? ul.count : 1, sizeof *pl);
    for (size_t i = 0; i < ul.count; i++)
        if (user_posts_list(db, &ul.items[i], &pl[i]) != MC_OK)
            die("user_posts_list", mc_errmsg(db));
    for (size_t i = 0; i < ul.count; i++) {
        sum += sum_user(ul.items[i].id, ul.items[i].username, ul.items[i].email);
        for (size_t k = 0; k < pl[i].count; k++)
            sum += sum_post(pl[i].items[k].id, pl[i].items[k].body, pl[i].items[k].user_id);
        post_list_free(&pl[i]);
    }
    free(pl);
    user_list_free(&ul);
    user_query_free(q);
    return sum;
}

/* ---- hand-written --------------------------------------------------------- */

typedef struct HPost {
    int64_t id;
    char *body;
    int64_t user_id;
    bool has_user_id;
} HPost;

typedef struct HUser {
    int64_t id;
    char *username, *email, *password_hash;
    HPost *posts;
    size_t nposts, cap;
} HUser;

static char *hdup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    char *s = malloc(n + 1);
    if (!s)
        die("hand-written", "out of memory");
    memcpy(s, t, n + 1);
    return s;
}

static const char JOIN_SQL[] =
    "SELECT u.id, u.username, u.email, u.password_hash, p.id, p.body, p.user_id "
    "FROM user AS u LEFT JOIN post AS p ON p.user_id = u.id WHERE u.id <= ? ORDER BY u.id";

MEASURED static uint64_t hand_join(sqlite3 *h, sqlite3_stmt *st, long users)
{
    HUser *us = NULL;
    size_t n = 0, cap = 0;
    int rc;
    sqlite3_bind_int64(st, 1, users);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (n == 0 || us[n - 1].id != id) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                HUser *t = realloc(us, cap * sizeof *t);
                if (!t)
                    die("hand-written", "out of memory");
                us = t;
            }
            HUser *u = &us[n++];
            memset(u, 0, sizeof *u);
            u->id = id;
            u->username = hdup(st, 1);
            u->email = hdup(st, 2);
            u->password_hash = hdup(st, 3);
        }
        if (sqlite3_column_type(st, 4) == SQLITE_NULL)
            continue;   /* a user without posts */
        HUser *u = &us[n - 1];
        if (u->nposts == u->cap) {
            u->cap = u->cap ? u->cap * 2 : 4;
            HPost *t = realloc(u->posts, u->cap * sizeof *t);
            if (!t)
                die("hand-written", "out of memory");
            u->posts = t;
        }
        HPost *p = &u->posts[u->nposts++];
        p->id = sqlite3_column_int64(st, 4);
        p->body = hdup(st, 5);
        p->has_user_id = sqlite3_column_type(st, 6) != SQLITE_NULL;
        p->user_id = sqlite3_column_int64(st, 6);
    }
    if (rc != SQLITE_DONE)
        die("hand-written JOIN", sqlite3_errmsg(h));
    sqlite3_reset(st);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += sum_user(us[i].id, us[i].username, us[i].email);
        for (size_t k = 0; k < us[i].nposts; k++) {
            sum += sum_post(us[i].posts[k].id, us[i].posts[k].body, us[i].posts[k].user_id);
            free(us[i].posts[k].body);
        }
        free(us[i].posts);
        free(us[i].username);
        free(us[i].email);
        free(us[i].password_hash);
    }
    free(us);
    return sum;
}

/* ---- the comparison ------------------------------------------------------- */

static const char *const NAMES[3] = {"hand-written LEFT JOIN", "eager: user_list_load_posts",
                                     "N + 1: user_posts_list"};

static void report(long users, long rounds, const double *best)
{
    printf("%ld users with their posts (of %ld users, %ld posts), best of %ld rounds, %d listings each\n", users,
           users * 10, users * 50, rounds, REPS);
    printf("%-30s %10s %10s\n", "way", "ms", "vs JOIN");
    for (int way = 0; way < 3; way++)
        printf("%-30s %10.2f %10.3f%s\n", NAMES[way], best[way], best[way] / best[0],
               way == 1 && best[1] / best[0] > 1.10 ? "  (> 1.10 target)" : "");
    double vs_n1 = best[2] / best[1];
    printf("targets: eager <= 1.10x the JOIN (%.3f), faster than N + 1 (%.2fx faster): %s\n", best[1] / best[0],
           vs_n1, best[1] / best[0] <= 1.10 && vs_n1 > 1.0 ? "met" : "NOT met");
}

static void remove_db(char *path)
{
    size_t n = strlen(path);
    remove(path);
    strcpy(path + n, "-wal");
    remove(path);
    strcpy(path + n, "-shm");
    remove(path);
    path[n] = '\0';
}

int main(int argc, char **argv)
{
    int only = -1;
    if (argc == 4)
        only = !strcmp(argv[3], "join") ? 0 : !strcmp(argv[3], "eager") ? 1 : !strcmp(argv[3], "n+1") ? 2 : -2;
    if ((argc != 3 && argc != 4) || only == -2) {
        fprintf(stderr, "usage: eager_bench DIR SCHEMA.sql [join|eager|n+1]\n");
        return 2;
    }
    long users = env_long("BENCH_EAGER_USERS", 2000), rounds = only >= 0 ? 1 : env_long("BENCH_ROUNDS", 5);
    char path[1024];
    snprintf(path, sizeof path - 8, "%s/eager.db", argv[1]);
    char *ddl = slurp(argv[2]);
    FILE *exists = only >= 0 ? fopen(path, "rb") : NULL;
    if (exists) {
        fclose(exists);
    } else {
        remove_db(path);
        make_db(path, ddl, users);
    }
    free(ddl);

    mc_db *g;
    if (mc_open(&g, path, NULL) != MC_OK)
        die(path, mc_errmsg(g));
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(h));
    sqlite3_busy_timeout(h, 5000);
    const char *pragmas[] = {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"};
    for (int i = 0; i < 3; i++)
        if (sqlite3_exec(h, pragmas[i], NULL, NULL, NULL) != SQLITE_OK)
            die(pragmas[i], sqlite3_errmsg(h));
    sqlite3_stmt *join;
    if (sqlite3_prepare_v3(h, JOIN_SQL, -1, SQLITE_PREPARE_PERSISTENT, &join, NULL) != SQLITE_OK)
        die("JOIN", sqlite3_errmsg(h));

    double best[3] = {-1, -1, -1};
    uint64_t sums[3] = {0, 0, 0};
    for (long r = 0; r < rounds; r++)
        for (int k = 0; k < 3; k++) {
            int way = (int)((k + r) % 3);
            if (only >= 0 && way != only)
                continue;
            double t0 = now_ms();
            for (int rep = 0; rep < REPS; rep++)
                sums[way] = way == 0 ? hand_join(h, join, users) : way == 1 ? gen_eager(g, users) : gen_n_plus_1(g, users);
            double ms = (now_ms() - t0) / REPS;
            if (best[way] < 0 || ms < best[way])
                best[way] = ms;
        }
    int rc = 0;
    if (only >= 0) {
        printf("%s: %.2f ms a listing\n", NAMES[only], best[only]);
    } else if (sums[0] != sums[1] || sums[0] != sums[2]) {
        fprintf(stderr, "eager_bench: the three ways disagree (%" PRIu64 ", %" PRIu64 ", %" PRIu64 ")\n", sums[0],
                sums[1], sums[2]);
        rc = 1;
    } else {
        report(users, rounds, best);
    }
    sqlite3_finalize(join);
    sqlite3_close(h);
    mc_close(g);
    return rc;
}
