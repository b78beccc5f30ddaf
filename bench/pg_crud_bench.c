/*
 * pg_crud_bench.c -- modelc's generated code on PostgreSQL against
 * hand-written libpq C, in one process, on the seed schema (blog.model),
 * against the same server.
 *
 *   pg_crud_bench SCHEMA.sql    the comparison table
 *
 * The server is $MODELC_PG_URL (bench/run.sh starts a throwaway one with
 * tests/pg/with-postgres.sh; without one the bench says so and exits 0);
 * SCHEMA.sql is `modelc sql --dialect
 * postgresql blog.model` plus an index on post.user_id.  Each side works
 * in its own schema (bench_gen, bench_hand), made fresh for every round.
 * Every op returns a checksum of what it read, and the two sides must
 * agree.
 *
 * How the time is taken.  Every item of every op is a round trip to the
 * server, 20-40 us, and the generated code's own work is a fraction of a
 * microsecond of it, while on a shared 2-core machine one preemption of
 * the client or the server costs milliseconds.  A total per side (or a
 * best of a few runs) therefore moves run to run by more than the
 * overhead measured.  So the two sides are compared in small paired
 * pieces:
 *   - an op's items are cut into slices of SLICE_ITEMS (16) items, at
 *     least 2 * MIN_BLOCKS slices per round;
 *   - slices are taken in ABBA blocks: the first side does range r, the
 *     second side range r, the second side range r + 1, the first side
 *     range r + 1 (which side is first alternates block by block and
 *     round by round), so both sides do the same items in the same
 *     order, and within a block each side has an early and a late slice:
 *     a load that changes steadily over the block's 2 ms, and any cost of
 *     going first or second, weighs on both alike;
 *   - a block's ratio is the generated side's time over the hand-written
 *     side's (two slices each); an op's result is the median of its
 *     blocks' ratios over all rounds (hundreds of blocks), with their
 *     interquartile range.  A preemption spoils the one block it falls
 *     in, and a median does not move with a minority of spoiled blocks,
 *     whichever side they hit.  A BEGIN and COMMIT around an op in one
 *     transaction are the same statement on both sides and are not in
 *     the ratios.
 * When an op's interquartile range is wider than a quarter of its median,
 * the run says the machine was too busy to trust it.  bench/run.sh runs
 * the bench and the server pinned to one CPU (taskset -c, $BENCH_PG_CPU,
 * default 0; "none" does not pin): each round trip then hands the CPU
 * from client to server and back, as a synchronous round trip does,
 * instead of waking a process on the other CPU, which another job may
 * be using: on this shared machine pinned runs had interquartile ranges
 * of +-6-13% and medians that agreed within 2%, where unpinned ranges
 * reached +-20-50% and more when the machine was busy; a client and a
 * server pinned to different CPUs were worse still (docs/postgresql.md
 * has the runs).  Pinned, the server's work and the client's add up on
 * one CPU, so a client-side cost weighs its most on the ratio.
 *
 * The hand-written side is what a competent libpq programmer writes:
 * every statement prepared once per connection with PQprepare (at its
 * first use, as the generated code does), run with PQexecPrepared
 * (text parameters, untyped), ids from INSERT ... RETURNING, rows copied
 * into a struct with malloc'd strings that the caller frees.
 *
 * Environment: BENCH_PG_N (users, default 2000; posts are 5N),
 * BENCH_ROUNDS (default 10).
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "blog.h"
#include "workload.h"







/* ---- the workload (crud_bench.c's, smaller: every op is a round trip) ------- */


/* A fresh schema `name` with the DDL, through a plain libpq connection. */
static void fresh_schema(const char *url, const char *name, const char *ddl)
{
    PGconn *c = PQconnectdb(url);
    char sql[256];
    if (PQstatus(c) != CONNECTION_OK)
        die("%s: %s", url, PQerrorMessage(c));
    snprintf(sql, sizeof sql,
             "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s; "
             "SET search_path = %s;", name, name, name);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    r = PQexec(c, ddl);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("DDL: %s%s", PQerrorMessage(c), "");
    PQclear(r);
    PQfinish(c);
}

/* url with search_path set to schema (malloc'd). */
static char *schema_url(const char *url, const char *schema)
{
    size_t n = strlen(url) + strlen(schema) + 40;
    char *s = xmalloc(n);
    snprintf(s, n, "%s%coptions=-csearch_path%%3D%s", url, strchr(url, '?') ? '&' : '?', schema);
    return s;
}

/* ---- generated side ------------------------------------------------------------ */

static void gcheck(mc_db *db, int rc, const char *what)
{
    if (rc != MC_OK)
        die("generated %s: %s", what, mc_errmsg(db));
}

static uint64_t gen_insert_users(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        User u = { 0, (char *)S(d->username, i), (char *)S(d->email, i), (char *)S(d->password, i) };
        gcheck(db, user_insert(db, &u), "user_insert");
        sum += (uint64_t)u.id;
    }
    return sum;
}

static uint64_t user_sum(const User *u)
{
    return (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
}

static uint64_t gen_get_users(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        User *u;
        gcheck(db, user_get(db, d->get_ids[i], &u), "user_get");
        sum += user_sum(u);
        user_free(u);
    }
    return sum;
}

static uint64_t gen_find_users(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        User *u;
        gcheck(db, user_find_by_username(db, S(d->username, d->find_idx[i]), &u), "user_find_by_username");
        sum += user_sum(u);
        user_free(u);
    }
    return sum;
}

static uint64_t gen_filter_first(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        User *u;
        User_query *q = user_query(db);
        if (!q)
            die("user_query: %s%s", mc_errmsg(db), "");
        user_query_where_username_eq(q, S(d->username, d->find_idx[i]));
        gcheck(db, user_query_first(q, &u), "user_query_first");
        sum += user_sum(u);
        user_free(u);
        user_query_free(q);
    }
    return sum;
}

static uint64_t gen_insert_posts(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long k = lo; k < hi; k++) {
        Post p = { 0, (char *)S(d->body, k), d->post_user[k], false };
        gcheck(db, post_insert(db, &p), "post_insert");
        sum += (uint64_t)p.id;
    }
    return sum;
}

static uint64_t gen_user_posts(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        User u = { d->query_users[i], NULL, NULL, NULL };
        Post_list list;
        gcheck(db, user_posts_list(db, &u, &list), "user_posts_list");
        for (size_t j = 0; j < list.count; j++)
            sum += (uint64_t)list.items[j].id + strlen(list.items[j].body) + (uint64_t)list.items[j].user_id;
        post_list_free(&list);
    }
    return sum;
}

static uint64_t gen_update_users(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        long k = (long)d->update_ids[i] - 1;
        User u = { d->update_ids[i], (char *)S(d->username, k), (char *)S(d->new_email, k),
                   (char *)S(d->new_password, k) };
        gcheck(db, user_update(db, &u), "user_update");
        sum += (uint64_t)u.id;
    }
    return sum;
}

static uint64_t gen_delete_posts(mc_db *db, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        gcheck(db, post_delete(db, d->delete_ids[i]), "post_delete");
        sum += (uint64_t)d->delete_ids[i];
    }
    return sum;
}

/* ---- hand-written side ----------------------------------------------------------- */

/* The hand-written statements, by index into HAND_SQL. */
enum { H_INS_USER, H_GET_USER, H_FIND_USER, H_FIRST_USER, H_INS_POST, H_POSTS_OF, H_UPD_USER, H_DEL_POST, H_NSQL };

typedef struct hand {
    PGconn *c;
    bool prepared[H_NSQL];
} hand;

typedef struct HUser {
    int64_t id;
    char *username, *email, *password_hash;
} HUser;

static const char *const HAND_SQL[][2] = {
    { "ins_user", "INSERT INTO \"user\" (username, email, password_hash) VALUES ($1, $2, $3) RETURNING id" },
    { "get_user", "SELECT id, username, email, password_hash FROM \"user\" WHERE id = $1" },
    { "find_user", "SELECT id, username, email, password_hash FROM \"user\" WHERE username = $1" },
    { "first_user", "SELECT id, username, email, password_hash FROM \"user\" WHERE username = $1 LIMIT 1" },
    { "ins_post", "INSERT INTO post (body, user_id) VALUES ($1, $2) RETURNING id" },
    { "posts_of", "SELECT id, body, user_id FROM post WHERE user_id = $1" },
    { "upd_user", "UPDATE \"user\" SET username = $1, email = $2, password_hash = $3 WHERE id = $4" },
    { "del_post", "DELETE FROM post WHERE id = $1" },
};

static void hand_open(hand *h, const char *url)
{
    h->c = PQconnectdb(url);
    if (PQstatus(h->c) != CONNECTION_OK)
        die("%s: %s", url, PQerrorMessage(h->c));
    memset(h->prepared, 0, sizeof h->prepared);
}

/* Runs statement k (PQprepare'd at its first use, as the generated code
 * prepares its statements, so that both sides pay that round trip in the
 * timed op); want: the status it must have. */
static PGresult *hrun(hand *h, int k, int n, const char *const *v, ExecStatusType want)
{
    if (!h->prepared[k]) {
        PGresult *p = PQprepare(h->c, HAND_SQL[k][0], HAND_SQL[k][1], 0, NULL);
        if (PQresultStatus(p) != PGRES_COMMAND_OK)
            die("%s: %s", HAND_SQL[k][1], PQerrorMessage(h->c));
        PQclear(p);
        h->prepared[k] = true;
    }
    PGresult *r = PQexecPrepared(h->c, HAND_SQL[k][0], n, v, NULL, NULL, 0);
    if (PQresultStatus(r) != want)
        die("%s: %s", HAND_SQL[k][0], PQerrorMessage(h->c));
    return r;
}

static void hexec(hand *h, const char *sql)
{
    PGresult *r = PQexec(h->c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("%s: %s", sql, PQerrorMessage(h->c));
    PQclear(r);
}

static char *hdup(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    size_t n = (size_t)PQgetlength(r, row, col);
    char *s = xmalloc(n + 1);
    memcpy(s, PQgetvalue(r, row, col), n + 1);
    return s;
}

static HUser *hread_user(const PGresult *r)
{
    if (PQntuples(r) < 1)
        die("no such user%s%s", "", "");
    HUser *u = xmalloc(sizeof *u);
    u->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    u->username = hdup(r, 0, 1);
    u->email = hdup(r, 0, 2);
    u->password_hash = hdup(r, 0, 3);
    return u;
}

static uint64_t huser_sum_free(HUser *u)
{
    uint64_t s = (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
    free(u->username);
    free(u->email);
    free(u->password_hash);
    free(u);
    return s;
}

static uint64_t hand_insert_users(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++) {
        const char *v[3] = { S(d->username, i), S(d->email, i), S(d->password, i) };
        PGresult *r = hrun(h, H_INS_USER, 3, v, PGRES_TUPLES_OK);
        sum += (uint64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
    return sum;
}

static uint64_t hand_lookup(hand *h, int k, const char *arg)
{
    const char *v[1] = { arg };
    PGresult *r = hrun(h, k, 1, v, PGRES_TUPLES_OK);
    HUser *u = hread_user(r);
    PQclear(r);
    return huser_sum_free(u);
}

static uint64_t hand_get_users(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    char id[24];
    for (long i = lo; i < hi; i++) {
        snprintf(id, sizeof id, "%" PRId64, d->get_ids[i]);
        sum += hand_lookup(h, H_GET_USER, id);
    }
    return sum;
}

static uint64_t hand_find_users(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++)
        sum += hand_lookup(h, H_FIND_USER, S(d->username, d->find_idx[i]));
    return sum;
}

static uint64_t hand_filter_first(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    for (long i = lo; i < hi; i++)
        sum += hand_lookup(h, H_FIRST_USER, S(d->username, d->find_idx[i]));
    return sum;
}

static uint64_t hand_insert_posts(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    char uid[24];
    for (long k = lo; k < hi; k++) {
        snprintf(uid, sizeof uid, "%" PRId64, d->post_user[k]);
        const char *v[2] = { S(d->body, k), uid };
        PGresult *r = hrun(h, H_INS_POST, 2, v, PGRES_TUPLES_OK);
        sum += (uint64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
    return sum;
}

static uint64_t hand_user_posts(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    char uid[24];
    for (long i = lo; i < hi; i++) {
        snprintf(uid, sizeof uid, "%" PRId64, d->query_users[i]);
        const char *v[1] = { uid };
        PGresult *r = hrun(h, H_POSTS_OF, 1, v, PGRES_TUPLES_OK);
        int n = PQntuples(r);
        for (int j = 0; j < n; j++) {
            int64_t id = strtoll(PQgetvalue(r, j, 0), NULL, 10);
            char *body = hdup(r, j, 1);
            int64_t user_id = PQgetisnull(r, j, 2) ? 0 : strtoll(PQgetvalue(r, j, 2), NULL, 10);
            sum += (uint64_t)id + strlen(body) + (uint64_t)user_id;
            free(body);
        }
        PQclear(r);
    }
    return sum;
}

static uint64_t hand_update_users(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    char id[24];
    for (long i = lo; i < hi; i++) {
        long k = (long)d->update_ids[i] - 1;
        snprintf(id, sizeof id, "%" PRId64, d->update_ids[i]);
        const char *v[4] = { S(d->username, k), S(d->new_email, k), S(d->new_password, k), id };
        PGresult *r = hrun(h, H_UPD_USER, 4, v, PGRES_COMMAND_OK);
        if (strcmp(PQcmdTuples(r), "1") != 0)
            die("update: %s rows%s", PQcmdTuples(r), "");
        PQclear(r);
        sum += (uint64_t)d->update_ids[i];
    }
    return sum;
}

static uint64_t hand_delete_posts(hand *h, const data *d, long lo, long hi)
{
    uint64_t sum = 0;
    char id[24];
    for (long i = lo; i < hi; i++) {
        snprintf(id, sizeof id, "%" PRId64, d->delete_ids[i]);
        const char *v[1] = { id };
        PGresult *r = hrun(h, H_DEL_POST, 1, v, PGRES_COMMAND_OK);
        if (strcmp(PQcmdTuples(r), "1") != 0)
            die("delete: %s rows%s", PQcmdTuples(r), "");
        PQclear(r);
        sum += (uint64_t)d->delete_ids[i];
    }
    return sum;
}

/* ---- the comparison ----------------------------------------------------------- */

/* An op: items [lo, hi) of its `per_n` * N (or N/10) items per call. */
typedef struct op {
    const char *key;            /* gen_<key> and hand_<key> (bench/callgrind.sh --pg) */
    const char *what;
    int per_n;                  /* items: per_n * N; 0: N/10 */
    int txn;                    /* all of them in one transaction */
    uint64_t (*gen)(mc_db *, const data *, long, long);
    uint64_t (*hand)(hand *, const data *, long, long);
} op;

static const op OPS[] = {
    { "insert_users", "insert N users (1 txn)", 1, 1, gen_insert_users, hand_insert_users },
    { "get_users", "get N users by id", 1, 0, gen_get_users, hand_get_users },
    { "find_users", "find N users by username", 1, 0, gen_find_users, hand_find_users },
    { "filter_first", "filter_by(username).first()", 1, 0, gen_filter_first, hand_filter_first },
    { "insert_posts", "insert 5N posts (1 txn)", 5, 1, gen_insert_posts, hand_insert_posts },
    { "user_posts", "posts of N/10 users", 0, 0, gen_user_posts, hand_user_posts },
    { "update_users", "update N users (1 txn)", 1, 1, gen_update_users, hand_update_users },
    { "delete_posts", "delete N posts (1 txn)", 1, 1, gen_delete_posts, hand_delete_posts },
};
#define NOPS (sizeof OPS / sizeof *OPS)
#define SLICE_ITEMS 16          /* items per slice (about half a millisecond) */
#define MIN_BLOCKS 10           /* ABBA blocks per op per round, at least */

/* Items of op o: per_n * N, or N/10. */
static long items_of(const op *o, const data *d)
{
    return o->per_n ? o->per_n * d->n : nquery(d);
}

/* ABBA blocks of op o per round (4 slices each, 2 per side): slices of
 * SLICE_ITEMS items, but at least MIN_BLOCKS blocks (smaller slices). */
static long blocks_of(const op *o, const data *d)
{
    long b = items_of(o, d) / (2 * SLICE_ITEMS);
    return b > MIN_BLOCKS ? b : MIN_BLOCKS;
}

/* The two connections and the data one op works on. */
typedef struct sides {
    mc_db *g;
    hand h;
    const data *d;
} sides;

/* One side's slice of op o: items [lo, hi), or (lo < 0) its BEGIN (hi
 * 0) or COMMIT (hi 1); returns its wall time in ms and adds its
 * checksum to *sum. */
static double slice(const op *o, int gen_side, sides *s, long lo, long hi, uint64_t *sum)
{
    double t0 = now_ms();
    if (lo < 0 && gen_side)
        gcheck(s->g, hi ? mc_commit(s->g) : mc_begin(s->g), hi ? "COMMIT" : "BEGIN");
    else if (lo < 0)
        hexec(&s->h, hi ? "COMMIT" : "BEGIN");
    else if (gen_side)
        *sum += o->gen(s->g, s->d, lo, hi);
    else
        *sum += o->hand(&s->h, s->d, lo, hi);
    return now_ms() - t0;
}

/* Op o's round `round`: its items cut into 2 * blocks_of(o) ranges of (nearly)
 * the same size, taken in ABBA blocks: block b is the first side on
 * range 2b, the second side on range 2b, the second on 2b + 1, the first
 * on 2b + 1, where the first side is the generated one when b + round is
 * even.  So both sides do every item, in the same order, and in a block
 * each side has one slice early and one late: a load that rises or falls
 * steadily through the block, or a cost of going first, weighs on both
 * alike.  Stores each block's ratio (generated time of its two slices
 * over the hand-written time of its two) in ratio[b] and each side's
 * time per item in the block in us_g[b] / us_h[b].  The checksums of
 * both sides must agree. */
static void run_op(const op *o, sides *s, long round, double *ratio, double *us_g, double *us_h)
{
    long items = items_of(o, s->d), blocks = blocks_of(o, s->d);
    uint64_t sg = 0, sh = 0;

    if (o->txn) {
        slice(o, 1, s, -1, 0, &sg);
        slice(o, 0, s, -1, 0, &sh);
    }
    for (long b = 0; b < blocks; b++) {
        static const int range_of[4] = { 0, 0, 1, 1 }, first_of[4] = { 1, 0, 0, 1 };
        double tg = 0, th = 0;
        long per_side = 0;
        int gen_first = (b + round) % 2 == 0;
        for (int j = 0; j < 4; j++) {
            long k = 2 * b + range_of[j];
            long lo = items * k / (2 * blocks), hi = items * (k + 1) / (2 * blocks);
            int gen_side = first_of[j] == gen_first;
            double ms = slice(o, gen_side, s, lo, hi, gen_side ? &sg : &sh);
            if (gen_side)
                tg += ms, per_side += hi - lo;
            else
                th += ms;
        }
        ratio[b] = th > 0 ? tg / th : 1;
        us_g[b] = per_side ? 1000 * tg / (double)per_side : 0;
        us_h[b] = per_side ? 1000 * th / (double)per_side : 0;
    }
    if (o->txn) {
        slice(o, 1, s, -1, 1, &sg);
        slice(o, 0, s, -1, 1, &sh);
    }
    if (sg != sh)
        die("%s: the two sides disagree%s", o->what, "");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of the n values at v, sorted in place first;
 * linear between the two nearest ranks. */
static double quantile(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_double);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    return i + 1 < n ? v[i] + (pos - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

int main(int argc, char **argv)
{
    bench_prog = "pg_crud_bench";
    if (argc == 2 && strcmp(argv[1], "--ops") == 0) {
        /* "key<TAB>name" per op, for bench/callgrind.sh --pg. */
        for (size_t k = 0; k < NOPS; k++)
            printf("%s\t%s\n", OPS[k].key, OPS[k].what);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: pg_crud_bench SCHEMA.sql (server: $MODELC_PG_URL)\n");
        return 2;
    }
    const char *url = getenv("MODELC_PG_URL");
    if (!url || !*url) {
        printf("(no PostgreSQL server: MODELC_PG_URL is unset; make deps installs postgresql)\n");
        return 0;
    }
    char *ddl = slurp(argv[1]);
    long n = env_long("BENCH_PG_N", 2000), rounds = env_long("BENCH_ROUNDS", 10);
    data d;
    make_data(&d, n);
    char *gurl = schema_url(url, "bench_gen"), *hurl = schema_url(url, "bench_hand");
    double *ratio[NOPS], *us_g[NOPS], *us_h[NOPS];
    size_t nb[NOPS];
    for (size_t k = 0; k < NOPS; k++) {
        nb[k] = (size_t)(rounds * blocks_of(&OPS[k], &d));
        ratio[k] = xmalloc(nb[k] * sizeof **ratio);
        us_g[k] = xmalloc(nb[k] * sizeof **us_g);
        us_h[k] = xmalloc(nb[k] * sizeof **us_h);
    }

    for (long round = 0; round < rounds; round++) {
        sides s = { NULL, { NULL, { false } }, &d };
        fresh_schema(url, "bench_gen", ddl);
        fresh_schema(url, "bench_hand", ddl);
        if (mc_open(&s.g, gurl, NULL) != MC_OK)
            die("%s: %s", gurl, mc_errmsg(s.g));
        hand_open(&s.h, hurl);
        for (size_t k = 0; k < NOPS; k++) {
            size_t at = (size_t)(round * blocks_of(&OPS[k], &d));
            run_op(&OPS[k], &s, round, ratio[k] + at, us_g[k] + at, us_h[k] + at);
        }
        mc_close(s.g);
        PQfinish(s.h.c);
    }

    printf("N = %ld users, %ld posts; one server, Unix socket; %ld rounds; per op and round, ABBA blocks of\n"
           "4 slices of about %d items; ratio = generated / hand-written time of a block's two slices each:\n"
           "median and interquartile range over the blocks of all rounds\n", n, 5 * n, rounds, SLICE_ITEMS);
    printf("%-30s %7s %10s %10s %8s %17s\n", "op", "blocks", "modelc us", "libpq us", "ratio", "IQR");
    double logsum = 0, worst = 0;
    int noisy = 0;
    for (size_t k = 0; k < NOPS; k++) {
        double med = quantile(ratio[k], nb[k], 0.5), q1 = quantile(ratio[k], nb[k], 0.25),
               q3 = quantile(ratio[k], nb[k], 0.75);
        double g = quantile(us_g[k], nb[k], 0.5), h = quantile(us_h[k], nb[k], 0.5);
        printf("%-30s %7zu %10.1f %10.1f %7.3fx   %6.3f - %6.3f%s\n", OPS[k].what, nb[k], g, h, med, q1, q3,
               med > 1.10 ? "  (> 1.10 target)" : "");
        logsum += log(med);
        if (med > worst)
            worst = med;
        noisy |= q3 - q1 > 0.25 * med;
        free(ratio[k]);
        free(us_g[k]);
        free(us_h[k]);
    }
    printf("geometric mean %.3fx, worst %.3fx (of the medians; target <= 1.10x per op); us: median per item\n",
           exp(logsum / NOPS), worst);
    if (noisy)
        printf("(an interquartile range wider than 25%% of its median: the machine was busy, run it again)\n");
    free(gurl);
    free(hurl);
    free(ddl);
    return 0;
}
