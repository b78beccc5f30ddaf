/*
 * blog_app.c -- the seed's Flask-SQLAlchemy walk-through (as in
 * examples/blog/blog.c) with every value asserted, then the rest of what
 * `modelc generate blog.model` writes: every function, error paths,
 * NULL handling, queries.
 *
 *   blog_app DB SQL      DB: a fresh database file; SQL: `modelc sql blog.model`
 *
 * Built and run by tests/unit/test_generated.c.  Prints
 * "file:line: check failed: ..." for each failure, exits 1 if any.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blog.h"

static mc_db *db;

#include "app_check.h"
#include "blog_streams.h"

/* The seed walk-through, step by step. */
static void walkthrough(void)
{
    /* u = User(username='MrBrown', email='brown@example.com'); db.session.add(u); db.session.commit() */
    User u = {.username = "MrBrown", .email = "brown@example.com"};
    OK(user_insert(db, &u));
    CHECK_INT(u.id, 1);

    /* User.query.all() -> [<User MrBrown>] */
    User_list users;
    OK(user_all(db, &users));
    CHECK_INT(users.count, 1);
    if (users.count == 1) {
        CHECK_INT(users.items[0].id, 1);
        CHECK_STR(users.items[0].username, "MrBrown");
        CHECK_STR(users.items[0].email, "brown@example.com");
        CHECK_STR(users.items[0].password_hash, NULL);
    }
    user_list_free(&users);

    /* u = User.query.filter_by(username='MrBrown').first(); u.email */
    User *brown = NULL;
    User_query *q = user_query(db);
    user_query_where_username_eq(q, "MrBrown");
    OK(user_query_first(q, &brown));
    user_query_free(q);
    CHECK(brown != NULL, "filter_by(username='MrBrown').first()");
    if (!brown)
        return;
    CHECK_STR(brown->email, "brown@example.com");

    /* u.username = 'MrsBrown'; db.session.commit() */
    OK(user_set_username(brown, "MrsBrown"));
    OK(user_update(db, brown));
    User *again = NULL;
    OK(user_get(db, brown->id, &again));
    CHECK(again && app_str_eq(again->username, "MrsBrown"), "renamed");
    user_free(again);
    CHECK_RC(user_find_by_username(db, "MrBrown", &again), MC_NOTFOUND);

    /* p = Post(body='my first post!', author=u); db.session.add(p); db.session.commit() */
    Post p = {.body = "my first post!"};
    post_set_author(&p, brown);
    CHECK(!p.user_id_null && p.user_id == brown->id, "post_set_author");
    OK(post_insert(db, &p));
    CHECK_INT(p.id, 1);

    /* for p in Post.query.all(): print(p.id, p.author.username, p.body) -> 1 MrsBrown my first post! */
    Post_list posts;
    OK(post_all(db, &posts));
    CHECK_INT(posts.count, 1);
    for (size_t i = 0; i < posts.count; i++) {
        User *author = NULL;
        OK(post_author(db, &posts.items[i], &author));
        CHECK_INT(posts.items[i].id, 1);
        CHECK(author && app_str_eq(author->username, "MrsBrown"), "p.author.username");
        CHECK_STR(posts.items[i].body, "my first post!");
        user_free(author);
    }
    post_list_free(&posts);

    /* u.posts.all() -> [<Post my first post!>] */
    Post_list mine;
    OK(user_posts_list(db, brown, &mine));
    CHECK(mine.count == 1 && app_str_eq(mine.items[0].body, "my first post!"), "u.posts.all()");
    post_list_free(&mine);
    user_free(brown);
}

static void lifecycle(void)
{
    LIFECYCLE(User, user);
    LIFECYCLE(Post, post);
}

/* Errors: unique, String(n) in characters, UTF-8, foreign key, missing rows. */
static void errors(void)
{
    User dup = {.username = "MrsBrown", .email = "other@example.com"};
    CHECK_FAIL(user_insert(db, &dup), MC_CONSTRAINT, "UNIQUE constraint failed: user.username");
    CHECK_ERR("user");
    dup.username = "Other";
    dup.email = "brown@example.com";
    CHECK_FAIL(user_insert(db, &dup), MC_CONSTRAINT, "UNIQUE constraint failed: user.email");

    char name[512];
    memset(name, 'a', 70);
    name[70] = '\0';
    User longname = {.username = name, .email = "long@example.com"};
    CHECK_FAIL(user_insert(db, &longname), MC_INVALID, "user.username: 70 characters, at most 64");
    CHECK_RC(mc_errcode(db), MC_INVALID);
    name[64] = '\0';
    OK(user_insert(db, &longname));
    OK(user_delete(db, longname.id));
    /* 64 three-byte characters fit (192 bytes); 65 do not */
    name[0] = '\0';
    for (int i = 0; i < 64; i++)
        strcat(name, "\xe6\x97\xa5");
    longname.id = 0;
    OK(user_insert(db, &longname));
    User *back = NULL;
    OK(user_get(db, longname.id, &back));
    CHECK(back && strcmp(back->username, name) == 0, "multi-byte username verbatim");
    user_free(back);
    OK(user_delete(db, longname.id));
    strcat(name, "\xe6\x97\xa5");
    CHECK_FAIL(user_insert(db, &longname), MC_INVALID, "user.username: 65 characters, at most 64");
    User badutf = {.username = "bad\xc0\xafname"};
    CHECK_FAIL(user_insert(db, &badutf), MC_INVALID, "user.username: not valid UTF-8");
    char body[200];
    memset(body, 'b', 141);
    body[141] = '\0';
    Post longpost = {.body = body};
    CHECK_FAIL(post_insert(db, &longpost), MC_INVALID, "post.body: 141 characters, at most 140");
    User pw = {.username = "pw", .password_hash = name};
    memset(name, 'h', 129);
    name[129] = '\0';
    CHECK_FAIL(user_insert(db, &pw), MC_INVALID, "user.password_hash: 129 characters, at most 128");

    Post orphan = {.body = "orphan", .user_id = 4242};
    CHECK_FAIL(post_insert(db, &orphan), MC_CONSTRAINT, "FOREIGN KEY constraint failed");
    CHECK_ERR("post");
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM post", 0), 1);

    User *missing = SENTINEL(User);
    CHECK_FAIL(user_get(db, 4242, &missing), MC_NOTFOUND, "4242");
    CHECK(missing == NULL, "*out NULL");
    CHECK_RC(user_find_by_email(db, "nobody@example.com", &missing), MC_NOTFOUND);
    Post *mp = SENTINEL(Post);
    CHECK_RC(post_get(db, 4242, &mp), MC_NOTFOUND);
    CHECK(mp == NULL, "*out NULL");
    User ghost = {.id = 4242, .username = "ghost"};
    CHECK_RC(user_update(db, &ghost), MC_NOTFOUND);
    CHECK_RC(user_delete(db, 4242), MC_NOTFOUND);
    Post pghost = {.id = 4242};
    CHECK_RC(post_update(db, &pghost), MC_NOTFOUND);
    CHECK_RC(post_delete(db, 4242), MC_NOTFOUND);
}

/* NULL vs empty, nullable foreign key, quotes and metacharacters. */
static void values(void)
{
    User empty = {.username = "", .email = NULL, .password_hash = ""};
    OK(user_insert(db, &empty));
    User *g = NULL;
    OK(user_get(db, empty.id, &g));
    CHECK(g && g->username && g->username[0] == '\0' && g->email == NULL && g->password_hash &&
              g->password_hash[0] == '\0',
          "empty strings stay empty, NULL stays NULL");
    OK(user_set_email(g, "'; DROP TABLE user; --"));
    OK(user_set_password_hash(g, "100% \"_\" O'Neil \\"));
    OK(user_set_username(g, NULL));
    OK(user_update(db, g));
    user_free(g);
    OK(user_find_by_email(db, "'; DROP TABLE user; --", &g));
    CHECK(g && g->username == NULL && app_str_eq(g->password_hash, "100% \"_\" O'Neil \\"), "verbatim");
    user_free(g);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'user'", 0), 1);

    Post loose = POST_INIT;     /* body and user_id start NULL */
    OK(post_insert(db, &loose));
    Post *pg = NULL;
    OK(post_get(db, loose.id, &pg));
    CHECK(pg && pg->body == NULL && pg->user_id_null && pg->user_id == 0, "NULL body and user_id");
    User *nobody = SENTINEL(User);
    CHECK_RC(post_author(db, pg, &nobody), MC_NOTFOUND);
    CHECK(nobody == NULL, "no author");
    OK(post_set_body(pg, ""));
    User *brown = NULL;
    OK(user_find_by_username(db, "MrsBrown", &brown));
    post_set_author(pg, brown);
    OK(post_update(db, pg));
    post_set_author(pg, NULL);
    CHECK(pg->user_id_null, "post_set_author(NULL) clears");
    post_free(pg);
    OK(post_get(db, loose.id, &pg));
    CHECK(pg && pg->body && pg->body[0] == '\0' && !pg->user_id_null && brown && pg->user_id == brown->id,
          "post_update");
    post_free(pg);
    user_free(brown);
    OK(post_delete(db, loose.id));
    OK(user_delete(db, empty.id));
}

/* Every predicate, order, paging, streaming, transactions. */
static void queries(void)
{
    User *brown = NULL;
    OK(user_find_by_username(db, "MrsBrown", &brown));
    if (!brown)
        return;
    OK(mc_begin(db));
    for (int i = 0; i < 30; i++) {
        char un[32], em[32], pw[32];
        snprintf(un, sizeof un, "user%02d", i);
        snprintf(em, sizeof em, "user%02d@example.com", i);
        snprintf(pw, sizeof pw, "hash%d", i % 3);
        User x = {.username = un, .email = i % 4 == 3 ? NULL : em, .password_hash = i % 5 == 4 ? NULL : pw};
        OK(user_insert(db, &x));
        for (int k = 0; k < i % 3; k++) {
            char b[32];
            snprintf(b, sizeof b, "post %d.%d", i, k);
            Post p = {.body = k == 1 && i % 2 ? NULL : b};
            post_set_author(&p, &x);
            OK(post_insert(db, &p));
        }
    }
    OK(mc_commit(db));
    Post nouser = {.body = "anonymous", .user_id_null = true};
    OK(post_insert(db, &nouser));

    CMP6(User, user, id, 10, 0, APP_SIGN(r_->id, 10));
    CMP6(User, user, username, "user15", !r_->username, strcmp(r_->username, "user15"));
    CMP6(User, user, email, "user10@example.com", !r_->email, strcmp(r_->email, "user10@example.com"));
    CMP6(User, user, password_hash, "hash1", !r_->password_hash, strcmp(r_->password_hash, "hash1"));
    NULLS(User, user, email, !r_->email);
    NULLS(User, user, password_hash, !r_->password_hash);
    User nou = {.username = NULL, .email = "nousername@example.com"};
    OK(user_insert(db, &nou));
    NULLS(User, user, username, !r_->username);
    OK(user_delete(db, nou.id));
    CMP6(Post, post, id, 10, 0, APP_SIGN(r_->id, 10));
    CMP6(Post, post, body, "post 20.0", !r_->body, strcmp(r_->body, "post 20.0"));
    CMP6(Post, post, user_id, 15, r_->user_id_null, APP_SIGN(r_->user_id, 15));
    NULLS(Post, post, body, !r_->body);
    NULLS(Post, post, user_id, r_->user_id_null);
    QCOUNT(User, user, 10, user_query_where_username_like(q_, "USER1_"));
    QCOUNT(User, user, 1, user_query_where_email_like(q_, "%brown%"));
    QCOUNT(User, user, 8, user_query_where_password_hash_like(q_, "%0"));    /* i % 3 == 0, not 9, 24 */
    int64_t ids[] = {1, 2, 3, 999};
    QCOUNT(User, user, 3, user_query_where_id_in(q_, ids, 4));
    const char *names[] = {"user01", "user02", "MrsBrown"};
    QCOUNT(User, user, 3, user_query_where_username_in(q_, names, 3));
    const char *emails[] = {"user01@example.com", "user03@example.com"};     /* user03 has no email */
    QCOUNT(User, user, 1, user_query_where_email_in(q_, emails, 2));
    const char *hashes[] = {"hash0", "hash2"};
    long long e;
    EXPECT_ROWS(User, user, e, r_->password_hash && (!strcmp(r_->password_hash, "hash0") || !strcmp(r_->password_hash, "hash2")));
    QCOUNT(User, user, e, user_query_where_password_hash_in(q_, hashes, 2));
    QCOUNT(Post, post, 1, post_query_where_body_like(q_, "anon%"));
    const char *bodies[] = {"post 1.0", "post 2.0", "post 2.1"};
    QCOUNT(Post, post, 3, post_query_where_body_in(q_, bodies, 3));
    QCOUNT(Post, post, 2, post_query_where_id_in(q_, ids, 2));
    int64_t uids[] = {brown->id, 3};
    QCOUNT(Post, post, 2, post_query_where_user_id_in(q_, uids, 2));   /* brown's 1 + user01's 1 */
    QCOUNT(Post, post, 0, post_query_where_user_id_in(q_, uids, 0));

    /* the dynamic relationship: filter, order, count, page */
    User *u14 = NULL;
    OK(user_find_by_username(db, "user14", &u14));
    Post_query *pq = user_posts(db, u14);
    int64_t n = -1;
    OK(post_query_count(pq, &n));
    CHECK_INT(n, 2);
    post_query_where_body_is_not_null(pq);
    post_query_order_by(pq, POST_COL_BODY, true);
    Post_list pl;
    OK(post_query_all(pq, &pl));
    CHECK(pl.count == 2 && app_str_eq(pl.items[0].body, "post 14.1") && app_str_eq(pl.items[1].body, "post 14.0"),
          "u.posts ordered desc");
    post_list_free(&pl);
    post_query_limit(pq, 1);
    post_query_offset(pq, 1);
    Post *one = NULL;
    OK(post_query_first(pq, &one));
    CHECK(one && app_str_eq(one->body, "post 14.0"), "paged first");
    post_free(one);
    post_query_free(pq);
    user_free(u14);

    /* order by several keys; streaming with next */
    User_query *uq = user_query(db);
    user_query_where_username_like(uq, "user%");
    user_query_order_by(uq, USER_COL_PASSWORD_HASH, true);
    user_query_order_by(uq, USER_COL_USERNAME, false);
    User row = {0};
    int count = 0, rc;
    char prev_hash[32] = "~", prev_name[32] = "";
    while ((rc = user_query_next(uq, &row)) == MC_OK) {
        const char *h = row.password_hash ? row.password_hash : "";
        int c = strcmp(h, prev_hash);
        CHECK(c < 0 || (c == 0 && strcmp(row.username, prev_name) > 0), "order at %d: %s %s", count, h, row.username);
        snprintf(prev_hash, sizeof prev_hash, "%s", h);
        snprintf(prev_name, sizeof prev_name, "%s", row.username);
        count++;
    }
    CHECK_RC(rc, MC_DONE);
    CHECK_INT(count, 30);
    user_query_limit(uq, 4);
    user_query_offset(uq, 28);
    OK(user_query_count(uq, &n));
    CHECK_INT(n, 2);
    user_query_free(uq);
    uq = user_query(db);
    user_query_where_username_eq(uq, "nobody");
    User *none = SENTINEL(User);
    CHECK_FAIL(user_query_first(uq, &none), MC_NOTFOUND, "user");
    CHECK(none == NULL, "first on empty");
    user_query_free(uq);

    QUERY_SURFACE(User, user, USER_COL_EMAIL);
    QUERY_SURFACE(Post, post, POST_COL_USER_ID);
    QCOUNT(User, user, 31, user_query_order_by(q_, USER_COL_ID, true));
    QCOUNT(Post, post, app_sql_int(db, "SELECT count(*) FROM post", 0), post_query_order_by(q_, POST_COL_ID, false);
           post_query_order_by(q_, POST_COL_BODY, true));

    /* a rollback undoes; a nested one keeps the outer work */
    long long users = app_sql_int(db, "SELECT count(*) FROM user", 0);
    OK(mc_begin(db));
    User t1 = {.username = "txn1"};
    OK(user_insert(db, &t1));
    OK(mc_begin(db));
    User t2 = {.username = "txn2"};
    OK(user_insert(db, &t2));
    OK(mc_rollback(db));
    OK(mc_commit(db));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM user", 0), users + 1);
    QCOUNT(User, user, 0, user_query_where_username_eq(q_, "txn2"));
    OK(mc_begin(db));
    OK(user_delete(db, t1.id));
    OK(mc_rollback(db));
    QCOUNT(User, user, 1, user_query_where_username_eq(q_, "txn1"));
    OK(user_delete(db, t1.id));

    /* a user with posts cannot be deleted (plain foreign key) */
    CHECK_FAIL(user_delete(db, brown->id), MC_CONSTRAINT, "FOREIGN KEY");
    user_free(brown);
}

/* ---- pages, bulk delete, eager loading (issue 8 §2-4) -------------------- */

static void check_page(const User_page *pg, size_t count, int64_t total, int64_t pages, bool prev, bool next,
                       const char *first, int line)
{
    CHECK(pg->count == count && pg->total == total && pg->pages == pages && pg->has_prev == prev &&
              pg->has_next == next && (count == 0) == (pg->items == NULL),
          "line %d: page %lld: count %zu total %lld pages %lld prev %d next %d", line, (long long)pg->page,
          pg->count, (long long)pg->total, (long long)pg->pages, pg->has_prev, pg->has_next);
    if (first && pg->count)
        CHECK(app_str_eq(pg->items[0].username, first), "line %d: first row %s, want %s", line,
              app_show(pg->items[0].username), first);
}

/* x_query_page: Flask-SQLAlchemy's paginate() on user00..user29. */
static void pages(void)
{
    User_query *q = user_query(db);
    user_query_where_username_like(q, "user%");
    user_query_order_by(q, USER_COL_USERNAME, true);    /* user29 first */
    User_page pg;
    OK(user_query_page(q, 1, 7, &pg));
    check_page(&pg, 7, 30, 5, false, true, "user29", __LINE__);
    CHECK_INT(pg.page, 1);
    CHECK_INT(pg.per_page, 7);
    CHECK(pg.count == 7 && app_str_eq(pg.items[6].username, "user23"), "page 1 ends with user23");
    user_page_free(&pg);
    CHECK(pg.items == NULL && pg.count == 0, "a freed page is empty");
    user_page_free(NULL);
    OK(user_query_page(q, 2, 7, &pg));
    check_page(&pg, 7, 30, 5, true, true, "user22", __LINE__);
    user_page_free(&pg);
    OK(user_query_page(q, 5, 7, &pg));                  /* the last page: 30 = 4 * 7 + 2 */
    check_page(&pg, 2, 30, 5, true, false, "user01", __LINE__);
    CHECK(pg.count == 2 && app_str_eq(pg.items[1].username, "user00"), "last page ends with user00");
    user_page_free(&pg);
    OK(user_query_page(q, 6, 7, &pg));                  /* past the end: empty, not an error */
    check_page(&pg, 0, 30, 5, true, false, NULL, __LINE__);
    CHECK_INT(pg.page, 6);
    user_page_free(&pg);
    OK(user_query_page(q, INT64_MAX, 7, &pg));
    check_page(&pg, 0, 30, 5, true, false, NULL, __LINE__);
    OK(user_query_page(q, 30, 1, &pg));                 /* per_page 1 */
    check_page(&pg, 1, 30, 30, true, false, "user00", __LINE__);
    user_page_free(&pg);
    OK(user_query_page(q, 2, 1, &pg));
    check_page(&pg, 1, 30, 30, true, true, "user28", __LINE__);
    user_page_free(&pg);
    OK(user_query_page(q, 1, INT64_MAX, &pg));
    check_page(&pg, 30, 30, 1, false, false, "user29", __LINE__);
    user_page_free(&pg);
    /* page < 1 and per_page < 1 are refused (Flask-SQLAlchemy 3: 404) */
    CHECK_FAIL(user_query_page(q, 0, 10, &pg), MC_INVALID, "user: page 0: pages count from 1");
    check_page(&pg, 0, 0, 0, false, false, NULL, __LINE__);
    CHECK_FAIL(user_query_page(q, -1, 10, &pg), MC_INVALID, "page -1");
    CHECK_FAIL(user_query_page(q, 1, 0, &pg), MC_INVALID, "user: per_page 0");
    CHECK_FAIL(user_query_page(q, 1, -5, &pg), MC_INVALID, "per_page -5");
    CHECK_INT(mc_txn_depth(db), 0);
    /* the query's own limit and offset: ignored by the page, and kept */
    user_query_limit(q, 3);
    user_query_offset(q, 2);
    OK(user_query_page(q, 2, 10, &pg));
    check_page(&pg, 10, 30, 3, true, true, "user19", __LINE__);
    user_page_free(&pg);
    int64_t n = -1;
    OK(user_query_count(q, &n));                        /* count() of the limited query, as SQLAlchemy's */
    CHECK_INT(n, 3);
    User_list l;
    OK(user_query_all(q, &l));
    CHECK(l.count == 3 && app_str_eq(l.items[0].username, "user27"), "the query keeps its limit and offset");
    user_list_free(&l);
    user_query_free(q);

    /* more filters: a user's posts (the dynamic relationship), and no match at all */
    User *u14 = NULL;
    OK(user_find_by_username(db, "user14", &u14));
    Post_query *pq = user_posts(db, u14);
    post_query_order_by(pq, POST_COL_ID, true);
    Post_page pp;
    OK(post_query_page(pq, 2, 1, &pp));
    CHECK(pp.count == 1 && pp.total == 2 && pp.pages == 2 && pp.has_prev && !pp.has_next &&
              app_str_eq(pp.items[0].body, "post 14.0"),
          "u.posts.paginate(page=2, per_page=1)");
    post_page_free(&pp);
    post_query_where_body_eq(pq, "nothing like this");
    OK(post_query_page(pq, 1, 10, &pp));
    CHECK(pp.count == 0 && pp.items == NULL && pp.total == 0 && pp.pages == 0 && !pp.has_prev && !pp.has_next,
          "no rows: page 1 is empty");
    OK(post_query_page(pq, 3, 10, &pp));
    CHECK(pp.count == 0 && pp.pages == 0 && pp.has_prev && !pp.has_next, "no rows: page 3");
    post_page_free(&pp);
    post_query_free(pq);
    user_free(u14);

    /* inside a transaction the page reads inside it (a savepoint) */
    OK(mc_begin(db));
    User t = {.username = "user_in_txn"};
    OK(user_insert(db, &t));
    q = user_query(db);
    user_query_where_username_like(q, "user%");
    OK(user_query_page(q, 1, 5, &pg));
    CHECK_INT(pg.total, 31);
    CHECK_INT(mc_txn_depth(db), 1);
    user_page_free(&pg);
    user_query_free(q);
    OK(mc_rollback(db));
}

/* x_query_delete: query.filter_by(...).delete(), in and outside transactions. */
static void bulk_delete(void)
{
    const char *count_posts = "SELECT count(*) FROM post";
    long long posts = app_sql_int(db, count_posts, 0), e;
    EXPECT_ROWS(Post, post, e, r_->body && app_like(r_->body, "post 2_.%"));
    CHECK(e > 3, "posts of user20..29: %lld", e);
    Post_query *q = post_query(db);
    post_query_where_body_like(q, "post 2_.%");
    int64_t n = -1;
    OK(mc_begin(db));                                   /* inside: a rollback undoes it */
    OK(post_query_delete(q, &n));
    CHECK_INT(n, e);
    CHECK_INT(app_sql_int(db, count_posts, 0), posts - e);
    OK(mc_rollback(db));
    CHECK_INT(app_sql_int(db, count_posts, 0), posts);
    OK(post_query_delete(q, NULL));                     /* outside: commits on its own */
    CHECK_INT(app_sql_int(db, count_posts, 0), posts - e);
    OK(post_query_delete(q, &n));
    CHECK_INT(n, 0);
    post_query_free(q);

    /* limit/offset/order: exactly the rows the query would give */
    User_query *uq = user_query(db);
    user_query_where_username_like(uq, "user2%");
    user_query_order_by(uq, USER_COL_USERNAME, true);
    user_query_limit(uq, 3);
    user_query_offset(uq, 1);
    User_list gone;
    OK(user_query_all(uq, &gone));
    CHECK(gone.count == 3 && app_str_eq(gone.items[0].username, "user28") && app_str_eq(gone.items[2].username, "user26"),
          "the rows to delete");
    user_list_free(&gone);
    OK(user_query_delete(uq, &n));
    CHECK_INT(n, 3);
    user_query_free(uq);
    QCOUNT(User, user, 7, user_query_where_username_like(q_, "user2%"));
    QCOUNT(User, user, 0, user_query_where_username_ge(q_, "user26"); user_query_where_username_le(q_, "user28"));
    QCOUNT(User, user, 1, user_query_where_username_eq(q_, "user29"));

    /* a plain foreign key refuses: nothing is deleted */
    long long users = app_sql_int(db, "SELECT count(*) FROM user", 0);
    uq = user_query(db);
    CHECK_FAIL(user_query_delete(uq, &n), MC_CONSTRAINT, "FOREIGN KEY");
    CHECK_INT(n, 0);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM user", 0), users);

    /* everything, inside a transaction: then pages and loads of empty tables */
    OK(mc_begin(db));
    q = post_query(db);
    OK(post_query_delete(q, &n));
    CHECK_INT(n, posts - e);
    OK(user_query_delete(uq, &n));
    CHECK_INT(n, users);
    User_page pg;
    OK(user_query_page(uq, 1, 10, &pg));
    CHECK(pg.count == 0 && pg.total == 0 && pg.pages == 0 && !pg.has_prev && !pg.has_next, "empty table, page 1");
    OK(user_query_page(uq, 2, 10, &pg));
    CHECK(pg.count == 0 && pg.total == 0 && pg.has_prev && !pg.has_next, "empty table, page 2");
    User_list none;
    OK(user_query_all(uq, &none));
    Post_lists pl;
    OK(user_list_load_posts(db, &none, &pl));
    CHECK(pl.count == 0 && pl.lists == NULL, "no users, no lists");
    post_lists_free(&pl);
    user_list_free(&none);
    OK(mc_rollback(db));
    post_query_free(q);
    user_query_free(uq);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM user", 0), users);
    CHECK_INT(app_sql_int(db, count_posts, 0), posts - e);
}

static int statements;

static int count_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx, (void)p, (void)x;
    statements += type == SQLITE_TRACE_STMT;
    return 0;
}

/* x_list_load_<rel>: N users with their posts, N posts with their author,
 * in a constant number of statements (2: the list, then the relationship). */
static void eager(void)
{
    OK(mc_begin(db));
    for (int i = 0; i < 50; i++) {
        char un[32];
        snprintf(un, sizeof un, "eager%02d", i);
        User u = {.username = un};
        OK(user_insert(db, &u));
        for (int k = 0; k < i % 4; k++) {
            char b[32];
            snprintf(b, sizeof b, "eager post %d.%d", i, k);
            Post p = {.body = b};
            post_set_author(&p, &u);
            OK(post_insert(db, &p));
        }
    }
    OK(mc_commit(db));
    sqlite3_trace_v2(mc_sqlite(db), SQLITE_TRACE_STMT, count_statement, NULL);
    const int sizes[] = {1, 2, 50};
    for (size_t s = 0; s < 3; s++) {
        User_query *q = user_query(db);
        user_query_where_username_like(q, "eager%");
        user_query_order_by(q, USER_COL_ID, false);
        user_query_limit(q, sizes[s]);
        User_list users;
        Post_lists posts;
        statements = 0;
        OK(user_query_all(q, &users));
        OK(user_list_load_posts(db, &users, &posts));
        CHECK(statements == 2, "N = %d: users with their posts took %d statements, want 2", sizes[s], statements);
        CHECK(users.count == (size_t)sizes[s] && posts.count == users.count, "N = %d", sizes[s]);
        /* the same as the N + 1 way, which takes N + 1 statements */
        statements = 0;
        long long nposts = 0;
        for (size_t i = 0; i < users.count && i < posts.count; i++) {
            Post_list one;
            OK(user_posts_list(db, &users.items[i], &one));
            CHECK(one.count == posts.lists[i].count, "user %zu: %zu posts, eager %zu", i, one.count,
                  posts.lists[i].count);
            for (size_t k = 0; k < one.count && k < posts.lists[i].count; k++)
                CHECK(one.items[k].id == posts.lists[i].items[k].id &&
                          app_str_eq(one.items[k].body, posts.lists[i].items[k].body),
                      "user %zu post %zu", i, k);
            nposts += (long long)one.count;
            post_list_free(&one);
        }
        CHECK(statements == sizes[s], "the N + 1 loop: %d statements", statements);

        /* and back: the posts with their author */
        Post_query *pq = post_query(db);
        post_query_where_body_like(pq, "eager post %");
        post_query_order_by(pq, POST_COL_ID, false);
        post_query_limit(pq, nposts);
        Post_list pl;
        User_refs authors;
        statements = 0;
        OK(post_query_all(pq, &pl));
        OK(post_list_load_author(db, &pl, &authors));
        CHECK(statements == (nposts ? 2 : 1), "N = %d: posts with their author took %d statements", sizes[s], statements);
        CHECK(authors.count == pl.count && (long long)pl.count == nposts, "posts %zu, refs %zu", pl.count,
              authors.count);
        for (size_t i = 0; i < pl.count && i < authors.count; i++)
            CHECK(authors.refs[i] && authors.refs[i]->id == pl.items[i].user_id, "post %zu's author", i);
        if (pl.count >= 2 && pl.items[0].user_id == pl.items[1].user_id)
            CHECK(authors.refs[0] == authors.refs[1], "one author, loaded once");
        CHECK(authors.rows.count <= users.count, "each author once: %zu", authors.rows.count);
        user_refs_free(&authors);
        CHECK(authors.refs == NULL && authors.count == 0 && authors.rows.count == 0, "refs freed");
        post_list_free(&pl);
        post_query_free(pq);
        post_lists_free(&posts);
        CHECK(posts.lists == NULL && posts.count == 0, "lists freed");
        user_list_free(&users);
        user_query_free(q);
    }
    sqlite3_trace_v2(mc_sqlite(db), 0, NULL, NULL);

    /* the same row twice in a list; a post without author; a dangling key */
    User *u = NULL;
    OK(user_find_by_username(db, "eager03", &u));
    if (!u)
        return;
    User twice[2] = {*u, *u};
    User_list two = {twice, 2};
    Post_lists pl2;
    OK(user_list_load_posts(db, &two, &pl2));
    CHECK(pl2.count == 2 && pl2.lists[0].count == 3 && pl2.lists[1].count == 3 &&
              pl2.lists[0].items[0].id == pl2.lists[1].items[0].id &&
              pl2.lists[0].items[0].body != pl2.lists[1].items[0].body,
          "a row twice gets its own copy of the children each time");
    post_lists_free(&pl2);
    Post loose[3] = {{.id = 1, .user_id = u->id}, {.id = 2, .user_id_null = true}, {.id = 3, .user_id = 987654}};
    Post_list three = {loose, 3};
    User_refs refs;
    OK(post_list_load_author(db, &three, &refs));
    CHECK(refs.count == 3 && refs.refs[0] && refs.refs[0]->id == u->id && !refs.refs[1] && !refs.refs[2] &&
              refs.rows.count == 1,
          "no author, a dangling author: NULL");
    user_refs_free(&refs);
    user_refs_free(NULL);
    post_lists_free(NULL);
    user_free(u);
}

/* user_insert_many: one transaction (or savepoint), all or none. */
static void insert_many(void)
{
    int64_t before = 0, after = 0;
    User_query *q = user_query(db);
    OK(user_query_count(q, &before));
    OK(user_insert_many(db, NULL, 0));                      /* nothing to do */
    User rows[3] = {{.username = "bulk-a"}, {.username = "bulk-b", .email = "b@bulk"}, {.username = "bulk-c"}};
    OK(user_insert_many(db, rows, 3));
    CHECK(rows[0].id > 0 && rows[1].id == rows[0].id + 1 && rows[2].id == rows[1].id + 1,
          "ids written back: %lld %lld %lld", (long long)rows[0].id, (long long)rows[1].id, (long long)rows[2].id);
    User *got = NULL;
    OK(user_find_by_username(db, "bulk-b", &got));
    CHECK(got && got->id == rows[1].id && got->email && strcmp(got->email, "b@bulk") == 0, "bulk-b stored");
    user_free(got);
    OK(user_query_count(q, &after));
    CHECK_INT(after, before + 3);

    /* a duplicate in the middle: nothing of the call is kept, the row is named */
    User bad[3] = {{.username = "bulk-d"}, {.username = "bulk-a"}, {.username = "bulk-e"}};
    CHECK_FAIL(user_insert_many(db, bad, 3), MC_CONSTRAINT, "row 1: ");
    CHECK_ERR("UNIQUE");
    CHECK_RC(user_find_by_username(db, "bulk-d", &got), MC_NOTFOUND);
    CHECK_INT(mc_txn_depth(db), 0);
    OK(user_query_count(q, &after));
    CHECK_INT(after, before + 3);

    /* inside the caller's transaction: a savepoint, undone with it */
    OK(mc_begin(db));
    User more[2] = {{.username = "bulk-f"}, {.username = "bulk-g"}};
    OK(user_insert_many(db, more, 2));
    CHECK_INT(mc_txn_depth(db), 1);
    OK(mc_rollback(db));
    CHECK_RC(user_find_by_username(db, "bulk-f", &got), MC_NOTFOUND);
    user_query_free(q);

    Post posts[2] = {{.body = "bulk one", .user_id = rows[0].id}, {.body = "bulk two", .user_id = rows[0].id}};
    OK(post_insert_many(db, posts, 2));
    Post_list list;
    OK(user_posts_list(db, &rows[0], &list));
    CHECK(list.count == 2 && list.items[0].id == posts[0].id && list.items[1].id == posts[1].id,
          "both posts stored for bulk-a (%zu)", list.count);
    post_list_free(&list);
}

/* Streaming with lent strings (blog_streams.h): the same rows as the copying stream. */
static void streams_borrowed(void)
{
    int users, posts;
    STREAMS_AGREE(User, user, by_user_id, same_user, users);
    STREAMS_AGREE(Post, post, by_post_id, same_post, posts);
    blog_streamed_all(users, posts);
    blog_lent_lifetime();
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: blog_app DB SQL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    walkthrough();
    lifecycle();
    errors();
    values();
    queries();
    pages();
    bulk_delete();
    eager();
    insert_many();
    streams_borrowed();
    mc_close(db);
    return app_done("blog_app");
}
