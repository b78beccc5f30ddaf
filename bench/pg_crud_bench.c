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
 * Within a round each op runs in CHUNKS slices that the two sides take
 * in turn (which goes first alternates slice by slice and round by
 * round): a machine whose load changes during an op slows both sides
 * alike.  A side's time for an op is the sum over its slices (and its
 * BEGIN and COMMIT, for the ops in one transaction) of each slice's best
 * time over the rounds, so that a pause of the machine in one slice of
 * one round is not counted.  Every op returns a checksum of what it read,
 * and the two sides must agree.
 *
 * The hand-written side is what a competent libpq programmer writes:
 * every statement prepared once per connection with PQprepare (at its
 * first use, as the generated code does), run with PQexecPrepared
 * (text parameters, untyped), ids from INSERT ... RETURNING, rows copied
 * into a struct with malloc'd strings that the caller frees.
 *
 * Environment: BENCH_PG_N (users, default 2000; posts are 5N),
 * BENCH_ROUNDS (default 10: the best of each slice needs a few on a busy machine).
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
#define CHUNKS 20
#define SLOTS (CHUNKS + 3)  /* slices (one more when N does not divide), BEGIN, COMMIT */

/* One side's turn: items [lo, hi) of op k, or (lo < 0) its BEGIN (hi 0)
 * or COMMIT (hi 1); keeps its time in *best when it is the best yet, and
 * adds its checksum to *sum. */
static void turn(const op *o, int gen_side, mc_db *g, hand *h, const data *d, long lo, long hi, double *best,
                 uint64_t *sum)
{
    double t0 = now_ms();
    if (lo < 0 && gen_side)
        gcheck(g, hi ? mc_commit(g) : mc_begin(g), hi ? "COMMIT" : "BEGIN");
    else if (lo < 0)
        hexec(h, hi ? "COMMIT" : "BEGIN");
    else if (gen_side)
        *sum += o->gen(g, d, lo, hi);
    else
        *sum += o->hand(h, d, lo, hi);
    double ms = now_ms() - t0;
    if (ms < *best)
        *best = ms;
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
    static double slot_g[NOPS][SLOTS], slot_h[NOPS][SLOTS];    /* best per slice */
    double best_g[NOPS], best_h[NOPS];
    for (size_t k = 0; k < NOPS; k++)
        for (int j = 0; j < SLOTS; j++)
            slot_g[k][j] = slot_h[k][j] = 1e300;

    for (long round = 0; round < rounds; round++) {
        fresh_schema(url, "bench_gen", ddl);
        fresh_schema(url, "bench_hand", ddl);
        mc_db *g;
        if (mc_open(&g, gurl, NULL) != MC_OK)
            die("%s: %s", gurl, mc_errmsg(g));
        hand h;
        hand_open(&h, hurl);
        for (size_t k = 0; k < NOPS; k++) {
            const op *o = &OPS[k];
            uint64_t sg = 0, sh = 0;
            double *bg = slot_g[k], *bh = slot_h[k];
            long items = o->per_n ? o->per_n * n : nquery(&d);
            long step = items / CHUNKS > 0 ? items / CHUNKS : 1;
            int slice = 0;
            if (o->txn)
                for (int side = 0; side < 2; side++)
                    turn(o, side == 0, g, &h, &d, -1, 0, side == 0 ? &bg[SLOTS - 2] : &bh[SLOTS - 2],
                         side == 0 ? &sg : &sh);
            for (long lo = 0; lo < items && slice < SLOTS - 2; lo += step, slice++) {
                long hi = lo + step < items && slice < SLOTS - 3 ? lo + step : items;
                for (int side = 0; side < 2; side++) {
                    int gen_side = (side == 0) == ((round + slice) % 2 == 0);
                    turn(o, gen_side, g, &h, &d, lo, hi, gen_side ? &bg[slice] : &bh[slice], gen_side ? &sg : &sh);
                }
                if (hi == items)
                    break;
            }
            if (o->txn)
                for (int side = 0; side < 2; side++)
                    turn(o, side == 0, g, &h, &d, -1, 1, side == 0 ? &bg[SLOTS - 1] : &bh[SLOTS - 1],
                         side == 0 ? &sg : &sh);
            if (sg != sh)
                die("%s: the two sides disagree%s", o->what, "");
        }
        mc_close(g);
        PQfinish(h.c);
    }

    for (size_t k = 0; k < NOPS; k++) {
        best_g[k] = best_h[k] = 0;
        for (int j = 0; j < SLOTS; j++) {
            best_g[k] += slot_g[k][j] < 1e300 ? slot_g[k][j] : 0;
            best_h[k] += slot_h[k][j] < 1e300 ? slot_h[k][j] : 0;
        }
    }
    printf("N = %ld users, %ld posts; %d slices per op taken in turn, each the best of %ld rounds; one server, "
           "Unix socket\n", n, 5 * n, CHUNKS, rounds);
    printf("%-30s %12s %12s %8s\n", "op", "modelc ms", "libpq ms", "ratio");
    double logsum = 0, worst = 0;
    for (size_t k = 0; k < NOPS; k++) {
        double r = best_g[k] / best_h[k];
        printf("%-30s %12.1f %12.1f %7.3fx%s\n", OPS[k].what, best_g[k], best_h[k], r, r > 1.10 ? "  (> 1.10 target)" : "");
        logsum += log(r);
        if (r > worst)
            worst = r;
    }
    printf("geometric mean %.3fx, worst %.3fx (target <= 1.10x per op)\n", exp(logsum / NOPS), worst);
    free(gurl);
    free(hurl);
    free(ddl);
    return 0;
}
