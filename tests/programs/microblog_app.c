/*
 * microblog_app.c -- every named query of examples/microblog/microblog.model
 * run against a real SQLite file with data, each result asserted: joins,
 * outer joins, OR, GROUP BY, subqueries, NULL results and parameters,
 * enums and dates in parameters and results, RETURNING, rows changed,
 * streaming (also nested), and the checks a parameter gets.
 *
 *   microblog_app DB SQL    DB: a fresh database file; SQL: `modelc sql microblog.model`
 *
 * Built and run by tests/unit/test_queries.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "microblog.h"

static mc_db *db;

#include "app_check.h"

/* The data, written with plain SQL so that it does not depend on the
 * model structs.  alice follows bob and carol, bob follows alice; dave
 * has no posts and follows nobody; post 6 has no author. */
static void seed(void)
{
    OK(mc_exec(db,
               "INSERT INTO user (id, username, email, about_me, last_seen) VALUES"
               " (1, 'alice', 'a@x', 'hi, I am alice', '2024-02-01 08:00:00.000000'),"
               " (2, 'bob', 'b@x', NULL, '2024-02-02 08:00:00.000000'),"
               " (3, 'carol', 'c@x', 'carol here', NULL),"
               " (4, 'dave', 'd@x', NULL, NULL);"
               "INSERT INTO followers VALUES (1, 2), (1, 3), (2, 1);"
               "INSERT INTO post (id, body, timestamp, user_id, status) VALUES"
               " (1, 'a1', '2024-01-01 10:00:00.000000', 1, 'published'),"
               " (2, 'b1', '2024-01-02 10:00:00.000000', 2, 'published'),"
               " (3, 'c1', '2024-01-03 10:00:00.000000', 3, 'draft'),"
               " (4, 'b2', '2024-01-04 10:00:00.000000', 2, 'hidden'),"
               " (5, NULL, '2024-01-05 10:00:00.000000', 3, NULL),"
               " (6, 'orphan', '2024-01-06 10:00:00.000000', NULL, 'published');"
               "INSERT INTO notification (name, user_id, timestamp, payload) VALUES"
               " ('msg', 1, 100.5, '{}'), ('msg', 1, 200.25, '{}'), ('other', 1, 50, NULL),"
               " ('msg', 2, 10, NULL);"));
}

/* The ids of a post list, as "5,4,3". */
static const char *ids(const Post_list *l)
{
    static char buf[256];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->count && n + 24 < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? "," : "", (long long)l->items[i].id);
    return buf;
}

/* Model[]: the home timeline (LEFT JOIN + OR, ORDER BY, LIMIT/OFFSET). */
static void model_lists(void)
{
    Post_list l;
    OK(timeline(db, 1, 10, 0, &l));
    CHECK_STR(ids(&l), "5,4,3,2,1");
    if (l.count == 5) {
        CHECK_STR(l.items[0].body, NULL);
        CHECK_INT(l.items[0].status, 0);
        CHECK_STR(l.items[1].body, "b2");
        CHECK_STR(l.items[1].timestamp, "2024-01-04 10:00:00.000000");
        CHECK_INT(l.items[1].user_id, 2);
        CHECK_INT(l.items[1].status, STATUS_HIDDEN);
        CHECK_INT(l.items[2].status, STATUS_DRAFT);
    }
    post_list_free(&l);
    CHECK(l.count == 0 && l.items == NULL, "post_list_free empties the list");

    /* pages of 2 */
    const char *pages[] = {"5,4", "3,2", "1", ""};
    for (int p = 0; p < 4; p++) {
        OK(timeline(db, 1, 2, 2 * p, &l));
        CHECK(strcmp(ids(&l), pages[p]) == 0, "page %d is [%s], want [%s]", p + 1, ids(&l), pages[p]);
        post_list_free(&l);
    }
    OK(timeline(db, 2, 10, 0, &l));
    CHECK_STR(ids(&l), "4,2,1");
    post_list_free(&l);
    OK(timeline(db, 4, 10, 0, &l));     /* nobody followed, no posts: empty, not an error */
    CHECK_INT(l.count, 0);
    post_list_free(&l);

    /* inner JOIN */
    OK(following_posts(db, 1, &l));
    CHECK_STR(ids(&l), "5,4,3,2");
    post_list_free(&l);

    /* a NULL number parameter: user_id IS NULL */
    int64_t bob = 2;
    OK(posts_by(db, &bob, &l));
    CHECK_STR(ids(&l), "2,4");
    post_list_free(&l);
    OK(posts_by(db, NULL, &l));
    CHECK_STR(ids(&l), "6");
    if (l.count == 1)
        CHECK_INT(l.items[0].user_id_null, true);
    post_list_free(&l);
}

/* Model?: the first row, or MC_NOTFOUND. */
static void model_one(void)
{
    Post *p = NULL;
    OK(latest_post(db, 2, &p));
    CHECK(p && p->id == 4 && app_str_eq(p->body, "b2"), "bob's latest post is 4");
    post_free(p);
    p = SENTINEL(Post);
    CHECK_FAIL(latest_post(db, 4, &p), MC_NOTFOUND, "latest_post: no row");
    CHECK(p == NULL, "*out is NULL when there is no row");
}

/* (...)[] and (...)?: GROUP BY, LEFT JOIN, subqueries, NULL columns. */
static void rows(void)
{
    post_counts_row_list l;
    OK(post_counts(db, &l));
    CHECK_INT(l.count, 4);
    const char *names[] = {"alice", "bob", "carol", "dave"};
    const int64_t counts[] = {1, 2, 2, 0};
    for (size_t i = 0; i < l.count && i < 4; i++) {
        CHECK_STR(l.items[i].username, names[i]);
        CHECK_INT(l.items[i].posts, counts[i]);
    }
    post_counts_row_list_free(&l);
    CHECK(l.count == 0 && l.items == NULL, "row_list_free empties the list");

    profile_row *r = NULL;
    OK(profile(db, "alice", &r));
    CHECK(r != NULL, "alice's profile");
    if (r) {
        CHECK_INT(r->id, 1);
        CHECK_STR(r->about_me, "hi, I am alice");
        CHECK_STR(r->last_seen, "2024-02-01 08:00:00.000000");
        CHECK_INT(r->posts, 1);
        CHECK_STR(r->last_post, "2024-01-01 10:00:00.000000");
    }
    profile_row_free(r);
    OK(profile(db, "dave", &r));
    if (r) {
        CHECK_STR(r->about_me, NULL);
        CHECK_STR(r->last_seen, NULL);
        CHECK_INT(r->posts, 0);
        CHECK_STR(r->last_post, NULL);
    }
    profile_row_free(r);
    r = SENTINEL(profile_row);
    CHECK_FAIL(profile(db, "nobody", &r), MC_NOTFOUND, "profile: no row");
    CHECK(r == NULL, "*out is NULL when there is no row");
    profile_row_free(NULL);

    /* a Numeric(8, 2) result reads with its scale, as a model column does */
    char *avg = NULL;
    OK(average_posts(db, &avg));
    CHECK_STR(avg, "1.50");
    free(avg);

    /* NULL parameters leave a condition out; dates and enums as parameters */
    posts_since_row_list s;
    OK(posts_since(db, NULL, (Status)0, &s));
    CHECK_INT(s.count, 6);
    if (s.count == 6) {
        CHECK_INT(s.items[2].status, STATUS_DRAFT);
        CHECK_INT(s.items[4].status, 0);
        CHECK_STR(s.items[4].body, NULL);
        CHECK_INT(s.items[4].user_id, 3);
        CHECK_INT(s.items[4].user_id_null, false);
        CHECK_INT(s.items[5].user_id, 0);
        CHECK_INT(s.items[5].user_id_null, true);
    }
    posts_since_row_list_free(&s);
    OK(posts_since(db, "2024-01-02 12:00:00.000000", (Status)0, &s));
    CHECK_INT(s.count, 4);
    if (s.count)
        CHECK_INT(s.items[0].id, 3);
    posts_since_row_list_free(&s);
    /* the ISO-8601 forms Python writes, normalized as model columns are */
    OK(posts_since(db, "2024-01-02T14:00:00+02:00", (Status)0, &s));
    CHECK_INT(s.count, 4);
    posts_since_row_list_free(&s);
    OK(posts_since(db, "2024-01-04T10:00:00", (Status)0, &s));
    CHECK_INT(s.count, 2);
    posts_since_row_list_free(&s);
    OK(posts_since(db, NULL, STATUS_PUBLISHED, &s));
    CHECK_INT(s.count, 3);
    posts_since_row_list_free(&s);
    OK(posts_since(db, "2024-01-01 12:00:00", STATUS_PUBLISHED, &s));
    CHECK_INT(s.count, 2);
    posts_since_row_list_free(&s);
    CHECK_FAIL(posts_since(db, "2024-13-01 00:00:00", (Status)0, &s), MC_INVALID, "posts_since.since");
    CHECK(s.count == 0 && s.items == NULL, "a failed query leaves an empty list");
    CHECK_FAIL(posts_since(db, NULL, (Status)42, &s), MC_INVALID, "not a Status value");
}

/* A lone type: numbers, booleans, enums, dates, NULLs. */
static void scalars(void)
{
    int64_t n = -1;
    OK(follower_count(db, 1, &n));
    CHECK_INT(n, 1);
    OK(follower_count(db, 4, &n));
    CHECK_INT(n, 0);

    bool yes = false;
    OK(is_following(db, 1, 3, &yes));
    CHECK(yes, "alice follows carol");
    OK(is_following(db, 3, 1, &yes));
    CHECK(!yes, "carol does not follow alice");

    Status st = (Status)0;
    OK(newest_status(db, 2, &st));
    CHECK_INT(st, STATUS_HIDDEN);
    OK(newest_status(db, 3, &st));          /* carol's newest post has no status */
    CHECK_INT(st, 0);
    CHECK_FAIL(newest_status(db, 4, &st), MC_NOTFOUND, "newest_status: no row");

    double t = 0;
    OK(last_notified(db, 1, &t));
    CHECK(t == 200.25, "last_notified is %g", t);
    CHECK_FAIL(last_notified(db, 4, &t), MC_NOTFOUND, "the result is NULL");

    char *seen = SENTINEL(char);
    OK(last_seen_of(db, "alice", &seen));
    CHECK_STR(seen, "2024-02-01 08:00:00.000000");
    free(seen);
    seen = SENTINEL(char);
    OK(last_seen_of(db, "carol", &seen));  /* a NULL DateTime? is a NULL pointer */
    CHECK_STR(seen, NULL);
    seen = SENTINEL(char);
    CHECK_FAIL(last_seen_of(db, "zed", &seen), MC_NOTFOUND, "last_seen_of: no row");
    CHECK(seen == NULL, "*out is NULL when there is no row");
    CHECK_FAIL(last_seen_of(db, NULL, &seen), MC_INVALID, "parameter username is NULL");

    /* INSERT ... RETURNING */
    int64_t id = 0;
    OK(add_post(db, "new", 4, "2024-03-01 09:00:00.000000", STATUS_DRAFT, &id));
    CHECK_INT(id, 7);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM post WHERE user_id = 4 AND status = 'draft'", 0), 1);
    Post *p = NULL;
    OK(latest_post(db, 4, &p));
    CHECK(p && p->id == 7 && p->status == STATUS_DRAFT, "dave's new post reads back");
    post_free(p);
    CHECK_FAIL(add_post(db, "bad", 4, "yesterday", STATUS_DRAFT, &id), MC_INVALID, "add_post.posted_at");
    CHECK_FAIL(add_post(db, "bad", 4, "2024-03-01 09:00:00", (Status)0, &id), MC_INVALID,
               "parameter status is NULL");
}

/* No RESULT: rows changed. */
static void execs(void)
{
    int64_t changed = -1;
    OK(follow(db, 4, 1, &changed));
    CHECK_INT(changed, 1);
    OK(follow(db, 4, 1, &changed));     /* INSERT OR IGNORE: already there */
    CHECK_INT(changed, 0);
    OK(follow(db, 3, 1, NULL));
    int64_t n = 0;
    OK(follower_count(db, 1, &n));
    CHECK_INT(n, 3);

    OK(forget_notifications(db, 1, "msg", &changed));
    CHECK_INT(changed, 2);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM notification", 0), 2);
    CHECK_FAIL(forget_notifications(db, 1, NULL, &changed), MC_INVALID, "parameter name is NULL");
    CHECK_INT(changed, 0);

    /* inside a transaction, rolled back */
    OK(mc_begin(db));
    OK(forget_notifications(db, 2, "msg", &changed));
    CHECK_INT(changed, 1);
    OK(mc_rollback(db));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM notification", 0), 2);

    /* a constraint failure is reported, not swallowed */
    CHECK_FAIL(add_post(db, "x", 99, "2024-03-01 09:00:00", STATUS_DRAFT, &n), MC_CONSTRAINT, "FOREIGN KEY");
}

/* Streaming: one row at a time, stopping early, nested in itself. */
static void streaming(void)
{
    timeline_iter it;
    Post row = {0};
    size_t seen = 0;
    int rc;
    OK(timeline_open(db, 1, 100, 0, &it));
    while ((rc = timeline_next(&it, &row)) == MC_OK) {
        seen++;
        /* the same query again while the outer run holds its statement */
        Post_list inner;
        OK(timeline(db, 2, 100, 0, &inner));
        CHECK_STR(ids(&inner), "4,2,1");
        post_list_free(&inner);
    }
    CHECK_RC(rc, MC_DONE);
    CHECK_INT(seen, 5);
    CHECK_RC(timeline_next(&it, &row), MC_DONE);
    timeline_close(&it);
    timeline_close(&it);
    timeline_close(NULL);

    OK(timeline_open(db, 1, 100, 0, &it));
    OK(timeline_next(&it, &row));
    CHECK_INT(row.id, 5);
    timeline_close(&it);
    post_clear(&row);

    /* parameters are copied by _open: a buffer reused before _next */
    char name[16];
    snprintf(name, sizeof name, "alice");
    posts_since_iter ps;
    OK(posts_since_open(db, NULL, STATUS_PUBLISHED, &ps));
    posts_since_row r = {0};
    seen = 0;
    while ((rc = posts_since_next(&ps, &r)) == MC_OK)
        seen++;
    CHECK_RC(rc, MC_DONE);
    CHECK_INT(seen, 3);
    posts_since_close(&ps);

    post_counts_iter pc;
    post_counts_row c = {0};
    OK(post_counts_open(db, &pc));
    OK(post_counts_next(&pc, &c));
    CHECK_STR(c.username, name);
    post_counts_close(&pc);
    post_counts_row_clear(&c);
    post_counts_row_clear(NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: microblog_app DB SQL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK)
        return 1;
    seed();
    model_lists();
    model_one();
    rows();
    scalars();
    execs();
    streaming();
    mc_close(db);
    return app_done("microblog_app");
}
