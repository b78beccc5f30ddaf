/*
 * crud_bench.c -- modelc's generated code against hand-written sqlite3 C,
 * in one process, on the seed schema (blog.model).
 *
 *   crud_bench DIR SCHEMA.sql      the comparison table (databases in DIR)
 *   crud_bench --make-stream DB SCHEMA.sql   N users and 5N posts into DB
 *   crud_bench --stream DB         streams every post through post_query_next
 *   crud_bench --stream-hand DB    the same with the hand-written loop
 *   crud_bench --stream-single DB  post_query_next on a single-thread connection
 *   crud_bench --stream-lent DB    post_query_next_borrowed (strings lent, not copied)
 *   crud_bench --stream-lent-single DB  the same on a single-thread connection
 *   crud_bench --insert-many DIR SCHEMA.sql   N/10 users: autocommitted loop, user_insert_many, hand loop
 *
 * Environment: BENCH_N (default 100000), BENCH_ROUNDS (default 5).
 *
 * Both sides run the same operations on the same data, each on its own
 * database file created fresh for every round, opened with the same
 * PRAGMAs (mc_open's defaults: WAL, synchronous=NORMAL, foreign_keys=ON,
 * busy_timeout=5000) and the same DDL (`modelc sql blog.model`, plus an
 * index on post.user_id on both, so that "the posts of a user" is an index
 * lookup rather than a scan of 5N rows).  Within a round the two sides
 * alternate op by op, and which goes first alternates between rounds; the
 * best time of the rounds is kept, and the ratio is best over best.  The
 * range after it is the lowest and highest of the rounds' own ratios
 * (the two sides' times of one round, taken next to each other): how far
 * the machine moved the time, which on a shared machine is often more
 * than the difference measured (bench/callgrind.sh counts instructions,
 * which do not move).  Every op returns a checksum of what it read, and
 * the two sides must agree.
 *
 * The hand-written side is what a competent C programmer would write:
 * every statement prepared once, bound, stepped, reset; rows copied into
 * a struct with malloc'd strings that the caller frees.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "blog.h"
#include "workload.h"

/* ---- utilities ------------------------------------------------------------ */






/* A value of "VmRSS:" or "VmHWM:" from /proc/self/status, in KiB; -1 if absent. */
static long proc_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t klen = strlen(key);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0) {
            kb = strtol(line + klen, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

/* Resets VmHWM to the current RSS (Linux >= 4.0); 0 when it could. */
static int reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}


static void remove_db(const char *path)
{
    char p[1024];
    remove(path);
    snprintf(p, sizeof p, "%s-wal", path);
    remove(p);
    snprintf(p, sizeof p, "%s-shm", path);
    remove(p);
}

/* ---- the workload ------------------------------------------------------------ */



/* ---- generated side ---------------------------------------------------------- */

static void gcheck(mc_db *db, int rc, const char *what)
{
    if (rc != MC_OK)
        die("generated %s: %s", what, mc_errmsg(db));
}

static mc_db *gen_open(const char *path, const char *ddl)
{
    mc_db *db;
    remove_db(path);
    if (mc_open(&db, path, NULL) != MC_OK)
        die("%s: %s", path, mc_errmsg(db));
    gcheck(db, mc_exec(db, ddl), "DDL");
    return db;
}

static uint64_t gen_insert_users(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    gcheck(db, mc_begin(db), "BEGIN");
    for (long i = 0; i < d->n; i++) {
        User u = { 0, (char *)S(d->username, i), (char *)S(d->email, i), (char *)S(d->password, i) };
        gcheck(db, user_insert(db, &u), "user_insert");
        sum += (uint64_t)u.id;
    }
    gcheck(db, mc_commit(db), "COMMIT");
    return sum;
}

static uint64_t gen_get_users(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    for (long i = 0; i < d->n; i++) {
        User *u;
        gcheck(db, user_get(db, d->get_ids[i], &u), "user_get");
        sum += (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
        user_free(u);
    }
    return sum;
}

static uint64_t gen_find_users(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    for (long i = 0; i < d->n; i++) {
        User *u;
        gcheck(db, user_find_by_username(db, S(d->username, d->find_idx[i]), &u), "user_find_by_username");
        sum += (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
        user_free(u);
    }
    return sum;
}

/* User.query.filter_by(username=...).first(), the way README maps it:
 * through the query builder, not find_by. */
static uint64_t gen_filter_first(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    for (long i = 0; i < d->n; i++) {
        User *u;
        User_query *q = user_query(db);
        if (!q)
            die("user_query: %s%s", mc_errmsg(db), "");
        user_query_where_username_eq(q, S(d->username, d->find_idx[i]));
        gcheck(db, user_query_first(q, &u), "user_query_first");
        sum += (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
        user_free(u);
        user_query_free(q);
    }
    return sum;
}

static uint64_t gen_insert_posts(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    gcheck(db, mc_begin(db), "BEGIN");
    for (long k = 0; k < 5 * d->n; k++) {
        Post p = { 0, (char *)S(d->body, k), d->post_user[k], false };
        gcheck(db, post_insert(db, &p), "post_insert");
        sum += (uint64_t)p.id;
    }
    gcheck(db, mc_commit(db), "COMMIT");
    return sum;
}

static uint64_t gen_user_posts(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    for (long i = 0; i < nquery(d); i++) {
        User u = { d->query_users[i], NULL, NULL, NULL };
        Post_list list;
        gcheck(db, user_posts_list(db, &u, &list), "user_posts_list");
        for (size_t j = 0; j < list.count; j++)
            sum += (uint64_t)list.items[j].id + strlen(list.items[j].body) + (uint64_t)list.items[j].user_id;
        post_list_free(&list);
    }
    return sum;
}

static uint64_t gen_update_users(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    gcheck(db, mc_begin(db), "BEGIN");
    for (long i = 0; i < d->n; i++) {
        long k = (long)d->update_ids[i] - 1;
        User u = { d->update_ids[i], (char *)S(d->username, k), (char *)S(d->new_email, k),
                   (char *)S(d->new_password, k) };
        gcheck(db, user_update(db, &u), "user_update");
        sum += (uint64_t)u.id;
    }
    gcheck(db, mc_commit(db), "COMMIT");
    return sum;
}

static uint64_t gen_delete_posts(mc_db *db, const data *d)
{
    uint64_t sum = 0;
    gcheck(db, mc_begin(db), "BEGIN");
    for (long i = 0; i < d->n; i++) {
        gcheck(db, post_delete(db, d->delete_ids[i]), "post_delete");
        sum += (uint64_t)d->delete_ids[i];
    }
    gcheck(db, mc_commit(db), "COMMIT");
    return sum;
}

/* ---- hand-written side ---------------------------------------------------------- */

typedef struct HUser {
    int64_t id;
    char *username, *email, *password_hash;
} HUser;

typedef struct HPost {
    int64_t id;
    char *body;
    int64_t user_id;
    bool has_user_id;
} HPost;

typedef struct hand {
    sqlite3 *db;
    sqlite3_stmt *begin, *commit;
    sqlite3_stmt *ins_user, *get_user, *find_user, *first_user, *upd_user;
    sqlite3_stmt *ins_post, *posts_of, *del_post, *all_posts;
} hand;

static void hcheck(hand *h, int rc, int want, const char *what)
{
    if (rc != want)
        die("hand-written %s: %s", what, sqlite3_errmsg(h->db));
}

static sqlite3_stmt *hprep(hand *h, const char *sql)
{
    sqlite3_stmt *st;
    hcheck(h, sqlite3_prepare_v3(h->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL), SQLITE_OK, sql);
    return st;
}

static void hexec(hand *h, const char *sql)
{
    hcheck(h, sqlite3_exec(h->db, sql, NULL, NULL, NULL), SQLITE_OK, sql);
}

static void hand_open(hand *h, const char *path, const char *ddl)
{
    remove_db(path);
    memset(h, 0, sizeof *h);
    if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        die("%s: %s", path, sqlite3_errmsg(h->db));
    sqlite3_extended_result_codes(h->db, 1);
    sqlite3_busy_timeout(h->db, 5000);
    hexec(h, "PRAGMA journal_mode=WAL");
    hexec(h, "PRAGMA foreign_keys=ON");
    hexec(h, "PRAGMA synchronous=NORMAL");
    hexec(h, ddl);
    h->begin = hprep(h, "BEGIN");
    h->commit = hprep(h, "COMMIT");
    h->ins_user = hprep(h, "INSERT INTO user (username, email, password_hash) VALUES (?, ?, ?)");
    h->get_user = hprep(h, "SELECT id, username, email, password_hash FROM user WHERE id = ?");
    h->find_user = hprep(h, "SELECT id, username, email, password_hash FROM user WHERE username = ?");
    h->first_user = hprep(h, "SELECT id, username, email, password_hash FROM user WHERE username = ? LIMIT 1");
    h->upd_user = hprep(h, "UPDATE user SET username = ?, email = ?, password_hash = ? WHERE id = ?");
    h->ins_post = hprep(h, "INSERT INTO post (body, user_id) VALUES (?, ?)");
    h->posts_of = hprep(h, "SELECT id, body, user_id FROM post WHERE user_id = ?");
    h->del_post = hprep(h, "DELETE FROM post WHERE id = ?");
    h->all_posts = hprep(h, "SELECT id, body, user_id FROM post");
}

static void hand_close(hand *h)
{
    sqlite3_stmt *all[] = { h->begin, h->commit, h->ins_user, h->get_user, h->find_user, h->first_user,
                            h->upd_user, h->ins_post, h->posts_of, h->del_post, h->all_posts };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        sqlite3_finalize(all[i]);
    sqlite3_close(h->db);
}

static void hrun(hand *h, sqlite3_stmt *st)
{
    hcheck(h, sqlite3_step(st), SQLITE_DONE, sqlite3_sql(st));
    sqlite3_reset(st);
}

/* A malloc'd copy of a text column, NULL for SQL NULL. */
static char *hdup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    char *s = xmalloc(n + 1);
    memcpy(s, t, n + 1);
    return s;
}

static HUser *hread_user(sqlite3_stmt *st)
{
    HUser *u = xmalloc(sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    u->username = hdup(st, 1);
    u->email = hdup(st, 2);
    u->password_hash = hdup(st, 3);
    return u;
}

static void huser_free(HUser *u)
{
    if (!u)
        return;
    free(u->username);
    free(u->email);
    free(u->password_hash);
    free(u);
}

static void hread_post(sqlite3_stmt *st, HPost *p)
{
    p->id = sqlite3_column_int64(st, 0);
    p->body = hdup(st, 1);
    p->has_user_id = sqlite3_column_type(st, 2) != SQLITE_NULL;
    p->user_id = sqlite3_column_int64(st, 2);
}

static HUser *hand_user_get(hand *h, int64_t id)
{
    sqlite3_stmt *st = h->get_user;
    HUser *u = NULL;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        u = hread_user(st);
    else
        hcheck(h, rc, SQLITE_DONE, "user get");
    sqlite3_reset(st);
    return u;
}

static HUser *hand_user_find(hand *h, const char *username)
{
    sqlite3_stmt *st = h->find_user;
    HUser *u = NULL;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        u = hread_user(st);
    else
        hcheck(h, rc, SQLITE_DONE, "user find");
    sqlite3_reset(st);
    return u;
}

static uint64_t hand_insert_users(hand *h, const data *d)
{
    uint64_t sum = 0;
    sqlite3_stmt *st = h->ins_user;
    hrun(h, h->begin);
    for (long i = 0; i < d->n; i++) {
        sqlite3_bind_text(st, 1, S(d->username, i), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, S(d->email, i), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, S(d->password, i), -1, SQLITE_STATIC);
        hrun(h, st);
        sum += (uint64_t)sqlite3_last_insert_rowid(h->db);
    }
    hrun(h, h->commit);
    return sum;
}

static uint64_t hand_get_users(hand *h, const data *d)
{
    uint64_t sum = 0;
    for (long i = 0; i < d->n; i++) {
        HUser *u = hand_user_get(h, d->get_ids[i]);
        if (!u)
            die("hand-written user get: no row%s%s", "", "");
        sum += (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
        huser_free(u);
    }
    return sum;
}

static uint64_t hand_find_users(hand *h, const data *d)
{
    uint64_t sum = 0;
    for (long i = 0; i < d->n; i++) {
        HUser *u = hand_user_find(h, S(d->username, d->find_idx[i]));
        if (!u)
            die("hand-written user find: no row%s%s", "", "");
        sum += (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
        huser_free(u);
    }
    return sum;
}

static uint64_t hand_filter_first(hand *h, const data *d)
{
    uint64_t sum = 0;
    sqlite3_stmt *st = h->first_user;
    for (long i = 0; i < d->n; i++) {
        sqlite3_bind_text(st, 1, S(d->username, d->find_idx[i]), -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            die("hand-written first: %s%s", sqlite3_errmsg(h->db), "");
        HUser *u = hread_user(st);
        sqlite3_reset(st);
        sum += (uint64_t)u->id + strlen(u->username) + strlen(u->email) + strlen(u->password_hash);
        huser_free(u);
    }
    return sum;
}

static uint64_t hand_insert_posts(hand *h, const data *d)
{
    uint64_t sum = 0;
    sqlite3_stmt *st = h->ins_post;
    hrun(h, h->begin);
    for (long k = 0; k < 5 * d->n; k++) {
        sqlite3_bind_text(st, 1, S(d->body, k), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, d->post_user[k]);
        hrun(h, st);
        sum += (uint64_t)sqlite3_last_insert_rowid(h->db);
    }
    hrun(h, h->commit);
    return sum;
}

/* A user's posts as an array the caller frees (each body, then the array). */
static HPost *hand_posts_of(hand *h, int64_t user_id, size_t *count)
{
    sqlite3_stmt *st = h->posts_of;
    HPost *items = NULL;
    size_t n = 0, cap = 0;
    int rc;
    sqlite3_bind_int64(st, 1, user_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            HPost *t = realloc(items, cap * sizeof *t);
            if (!t)
                die("out of memory%s%s", "", "");
            items = t;
        }
        hread_post(st, &items[n++]);
    }
    hcheck(h, rc, SQLITE_DONE, "posts of a user");
    sqlite3_reset(st);
    *count = n;
    return items;
}

static uint64_t hand_user_posts(hand *h, const data *d)
{
    uint64_t sum = 0;
    for (long i = 0; i < nquery(d); i++) {
        size_t n;
        HPost *items = hand_posts_of(h, d->query_users[i], &n);
        for (size_t j = 0; j < n; j++) {
            sum += (uint64_t)items[j].id + strlen(items[j].body) + (uint64_t)items[j].user_id;
            free(items[j].body);
        }
        free(items);
    }
    return sum;
}

static uint64_t hand_update_users(hand *h, const data *d)
{
    uint64_t sum = 0;
    sqlite3_stmt *st = h->upd_user;
    hrun(h, h->begin);
    for (long i = 0; i < d->n; i++) {
        long k = (long)d->update_ids[i] - 1;
        sqlite3_bind_text(st, 1, S(d->username, k), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, S(d->new_email, k), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, S(d->new_password, k), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, d->update_ids[i]);
        hrun(h, st);
        if (sqlite3_changes(h->db) != 1)
            die("hand-written update: no row%s%s", "", "");
        sum += (uint64_t)d->update_ids[i];
    }
    hrun(h, h->commit);
    return sum;
}

static uint64_t hand_delete_posts(hand *h, const data *d)
{
    uint64_t sum = 0;
    sqlite3_stmt *st = h->del_post;
    hrun(h, h->begin);
    for (long i = 0; i < d->n; i++) {
        sqlite3_bind_int64(st, 1, d->delete_ids[i]);
        hrun(h, st);
        if (sqlite3_changes(h->db) != 1)
            die("hand-written delete: no row%s%s", "", "");
        sum += (uint64_t)d->delete_ids[i];
    }
    hrun(h, h->commit);
    return sum;
}

/* ---- the comparison ------------------------------------------------------------ */

typedef struct op {
    const char *key;    /* gen_<key> and hand_<key>: what bench/callgrind.sh counts */
    const char *name;
    uint64_t (*gen)(mc_db *, const data *);
    uint64_t (*hand)(hand *, const data *);
} op;

static const op OPS[] = {
    { "insert_users", "insert N users (1 txn)", gen_insert_users, hand_insert_users },
    { "get_users", "get N users by id", gen_get_users, hand_get_users },
    { "find_users", "find N users by username", gen_find_users, hand_find_users },
    { "filter_first", "filter_by(username).first()", gen_filter_first, hand_filter_first },
    { "insert_posts", "insert 5N posts (1 txn)", gen_insert_posts, hand_insert_posts },
    { "user_posts", "x_posts_list of N/10 users", gen_user_posts, hand_user_posts },
    { "update_users", "update N users (1 txn)", gen_update_users, hand_update_users },
    { "delete_posts", "delete N posts (1 txn)", gen_delete_posts, hand_delete_posts },
};
#define NOPS (sizeof OPS / sizeof *OPS)

/* --ops: "key<TAB>name" per op, for bench/callgrind.sh. */
static int list_ops(void)
{
    for (size_t i = 0; i < NOPS; i++)
        printf("%s\t%s\n", OPS[i].key, OPS[i].name);
    return 0;
}

static int compare(const char *dir, const char *ddl_path)
{
    long n = env_long("BENCH_N", 100000);
    long rounds = env_long("BENCH_ROUNDS", 5);
    char *ddl = slurp(ddl_path);
    char gpath[1024], hpath[1024];
    double best_g[NOPS], best_h[NOPS], low[NOPS], high[NOPS];     /* low, high: of the rounds' ratios */
    data d;

    snprintf(gpath, sizeof gpath, "%s/crud_generated.db", dir);
    snprintf(hpath, sizeof hpath, "%s/crud_hand.db", dir);
    make_data(&d, n);
    for (size_t i = 0; i < NOPS; i++)
        best_g[i] = best_h[i] = low[i] = high[i] = -1;

    printf("N = %ld (BENCH_N), best of %ld rounds (BENCH_ROUNDS); fresh database files every round\n",
           n, rounds);
    for (long r = 0; r < rounds; r++) {
        mc_db *g = gen_open(gpath, ddl);
        hand h;
        hand_open(&h, hpath, ddl);
        for (size_t i = 0; i < NOPS; i++) {
            uint64_t sg = 0, sh = 0;
            double t0, tg = 0, th = 0;
            for (int side = 0; side < 2; side++) {
                /* Alternate who goes first, op by op and round by round. */
                if ((side + (int)i + (int)r) % 2 == 0) {
                    t0 = now_ms();
                    sg = OPS[i].gen(g, &d);
                    tg = now_ms() - t0;
                } else {
                    t0 = now_ms();
                    sh = OPS[i].hand(&h, &d);
                    th = now_ms() - t0;
                }
            }
            if (sg != sh) {
                fprintf(stderr, "crud_bench: %s: generated and hand-written disagree (%" PRIu64
                        " vs %" PRIu64 ")\n", OPS[i].name, sg, sh);
                return 1;
            }
            if (best_g[i] < 0 || tg / th < low[i])
                low[i] = tg / th;
            if (best_g[i] < 0 || tg / th > high[i])
                high[i] = tg / th;
            if (best_g[i] < 0 || tg < best_g[i])
                best_g[i] = tg;
            if (best_h[i] < 0 || th < best_h[i])
                best_h[i] = th;
        }
        mc_close(g);
        hand_close(&h);
    }
    remove_db(gpath);
    remove_db(hpath);

    double logsum = 0, worst = 0;
    printf("\n%-28s %12s %12s %8s %16s\n", "op", "generated ms", "hand ms", "ratio", "rounds' range");
    for (size_t i = 0; i < NOPS; i++) {
        double ratio = best_g[i] / best_h[i];
        logsum += log(ratio);
        if (ratio > worst)
            worst = ratio;
        printf("%-28s %12.1f %12.1f %8.3f %7.3f - %6.3f%s\n", OPS[i].name, best_g[i], best_h[i], ratio, low[i],
               high[i], ratio > 1.10 ? "  (> 1.10 target)" : "");
    }
    double geo = exp(logsum / (double)NOPS);
    printf("%-28s %12s %12s %8.3f%s\n", "geometric mean", "", "", geo,
           geo > 1.05 ? "  (> 1.05 target)" : "");
    printf("targets: each ratio <= 1.10 (worst %.3f), geomean <= 1.05: %s\n", worst,
           worst <= 1.10 && geo <= 1.05 ? "met" : "NOT met");
    free(ddl);
    return 0;
}

/* --insert-many DIR SCHEMA.sql: N users three ways, each on a fresh
 * database: a loop of user_insert, each committing on its own (what a
 * program without mc_begin does); user_insert_many (one transaction, one
 * statement); the hand-written loop inside one transaction. */
static int insert_many(const char *dir, const char *ddl_path)
{
    char *ddl = slurp(ddl_path);
    char path[1024];
    data d;
    long n = env_long("BENCH_N", 100000) / 10;
    if (n < 1)
        n = 1;
    make_data(&d, n);
    snprintf(path, sizeof path, "%s/insert_many.db", dir);

    mc_db *db = gen_open(path, ddl);
    double t0 = now_ms();
    for (long i = 0; i < n; i++) {
        User u = { 0, (char *)S(d.username, i), (char *)S(d.email, i), (char *)S(d.password, i) };
        gcheck(db, user_insert(db, &u), "user_insert");
    }
    double loop = now_ms() - t0;
    mc_close(db);

    User *rows = xmalloc((size_t)n * sizeof *rows);
    for (long i = 0; i < n; i++) {
        User u = { 0, (char *)S(d.username, i), (char *)S(d.email, i), (char *)S(d.password, i) };
        rows[i] = u;
    }
    db = gen_open(path, ddl);
    t0 = now_ms();
    gcheck(db, user_insert_many(db, rows, (size_t)n), "user_insert_many");
    double many = now_ms() - t0;
    mc_close(db);

    hand h;
    hand_open(&h, path, ddl);
    data one = d;
    t0 = now_ms();
    hand_insert_users(&h, &one);
    double hand_ms = now_ms() - t0;
    hand_close(&h);
    remove_db(path);

    printf("%ld users: user_insert loop (autocommit) %.1f ms, user_insert_many %.1f ms (%.1fx faster), "
           "hand-written loop in one transaction %.1f ms (insert_many %.3fx of it)\n",
           n, loop, many, loop / many, hand_ms, many / hand_ms);
    free(rows);
    free(ddl);
    return 0;
}

/* The database the streaming runs read: N users, 5N posts. */
static int make_stream_db(const char *path, const char *ddl_path)
{
    char *ddl = slurp(ddl_path);
    data d;
    make_data(&d, env_long("BENCH_N", 100000));
    mc_db *s = gen_open(path, ddl);
    gen_insert_users(s, &d);
    gen_insert_posts(s, &d);
    mc_close(s);
    free(ddl);
    return 0;
}

/* ---- streaming ------------------------------------------------------------------ */

/* Streams every post of DB in this (fresh) process and reports the peak
 * RSS above the baseline taken before the database was opened.
 * generated: 0 the hand-written loop, 1 post_query_next, 2 the same on a
 * single-thread connection (mc_open_options.single_thread), 3
 * post_query_next_borrowed, 4 that on a single-thread connection. */
static int stream(const char *path, int generated)
{
    long base = proc_status_kb("VmRSS:");
    int reset = reset_peak_rss() == 0;
    long peak_sampled = base;
    long rows = 0;
    uint64_t sum = 0;
    double t0 = now_ms();

    if (generated) {
        mc_db *db;
        mc_open_options opts = MC_OPEN_OPTIONS_DEFAULT;
        opts.create = 0;
        int lent = generated >= 3;
        opts.single_thread = generated == 2 || generated == 4;
        if (mc_open(&db, path, &opts) != MC_OK)
            die("%s: %s", path, mc_errmsg(db));
        Post_query *q = post_query(db);
        Post row = { 0, NULL, 0, false };
        int rc;
        if (!q)
            die("post_query: %s%s", mc_errmsg(db), "");
        while ((rc = lent ? post_query_next_borrowed(q, &row) : post_query_next(q, &row)) == MC_OK) {
            sum += (uint64_t)row.id + strlen(row.body);
            if (++rows % 8192 == 0) {
                long kb = proc_status_kb("VmRSS:");
                if (kb > peak_sampled)
                    peak_sampled = kb;
            }
        }
        if (rc != MC_DONE)
            die("post_query_next: %s%s", mc_errmsg(db), "");
        if (!lent)
            post_clear(&row);
        post_query_free(q);
        mc_close(db);
    } else {
        hand h = { 0 };
        if (sqlite3_open_v2(path, &h.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
            die("%s: %s", path, sqlite3_errmsg(h.db));
        sqlite3_busy_timeout(h.db, 5000);
        hexec(&h, "PRAGMA journal_mode=WAL");
        hexec(&h, "PRAGMA foreign_keys=ON");
        hexec(&h, "PRAGMA synchronous=NORMAL");
        sqlite3_stmt *st = hprep(&h, "SELECT id, body, user_id FROM post");
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            HPost p;
            hread_post(st, &p);
            sum += (uint64_t)p.id + strlen(p.body);
            free(p.body);
            if (++rows % 8192 == 0) {
                long kb = proc_status_kb("VmRSS:");
                if (kb > peak_sampled)
                    peak_sampled = kb;
            }
        }
        hcheck(&h, rc, SQLITE_DONE, "stream");
        sqlite3_finalize(st);
        sqlite3_close(h.db);
    }
    double ms = now_ms() - t0;
    long hwm = reset ? proc_status_kb("VmHWM:") : -1;
    long peak = hwm > peak_sampled ? hwm : peak_sampled;
    double mib = (double)(peak - base) / 1024.0;
    printf("%-28s %9ld rows %9.1f ms   peak RSS +%.2f MiB over a %.1f MiB baseline (%s)%s\n",
           generated == 4   ? "post_query_next_borrowed, 1 thr"
           : generated == 3 ? "post_query_next_borrowed"
           : generated == 2 ? "post_query_next, 1 thread"
           : generated      ? "post_query_next"
                            : "hand-written sqlite3_step",
           rows, ms, mib,
           (double)base / 1024.0, reset ? "VmHWM reset via clear_refs" : "sampled VmRSS",
           generated && mib >= 8.0 ? "  (>= 8 MiB target)" : "");
    (void)sum;
    return 0;
}

int main(int argc, char **argv)
{
    bench_prog = "crud_bench";
    if (argc == 3 && strcmp(argv[1], "--stream") == 0)
        return stream(argv[2], 1);
    if (argc == 3 && strcmp(argv[1], "--stream-hand") == 0)
        return stream(argv[2], 0);
    if (argc == 3 && strcmp(argv[1], "--stream-single") == 0)
        return stream(argv[2], 2);
    if (argc == 3 && strcmp(argv[1], "--stream-lent") == 0)
        return stream(argv[2], 3);
    if (argc == 3 && strcmp(argv[1], "--stream-lent-single") == 0)
        return stream(argv[2], 4);
    if (argc == 4 && strcmp(argv[1], "--make-stream") == 0)
        return make_stream_db(argv[2], argv[3]);
    if (argc == 2 && strcmp(argv[1], "--ops") == 0)
        return list_ops();
    if (argc == 4 && strcmp(argv[1], "--insert-many") == 0)
        return insert_many(argv[2], argv[3]);
    if (argc == 3 && argv[1][0] != '-')
        return compare(argv[1], argv[2]);
    fprintf(stderr, "usage: crud_bench DIR SCHEMA.sql | --make-stream DB SCHEMA.sql | --stream DB"
                    " | --stream-hand DB | --stream-single DB | --stream-lent DB | --stream-lent-single DB | --insert-many DIR SCHEMA.sql | --ops\n");
    return 2;
}
