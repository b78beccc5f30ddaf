/*
 * blog_portable_app.c -- one compiled program over examples/blog (the
 * seed's schema, whose table `user` is a reserved word on PostgreSQL),
 * run by test_portable.c against a SQLite file and a PostgreSQL schema:
 * the seed's walk-through, unique lookups, constraint messages, pages,
 * bulk delete, eager loading, streaming, transactions.
 *
 *   blog_portable_app URL DDL
 */
#include "blog.h"

static mc_db *db;

#include "app_check.h"
#include "blog_streams.h"

static void walkthrough(void)
{
    /* u = User(username='susan', email='susan@example.com'); db.session.add(u); commit */
    User u = USER_INIT;
    u.username = "susan";
    u.email = "susan@example.com";
    OK(user_insert(db, &u));
    CHECK_INT(u.id, 1);
    User j = USER_INIT;
    j.username = "john";
    j.email = "john@example.com";
    OK(user_insert(db, &j));
    CHECK_INT(j.id, 2);

    /* User.query.all() */
    User_list all;
    OK(user_all(db, &all));
    CHECK_INT(all.count, 2);
    user_list_free(&all);

    /* User.query.filter_by(username='susan').first(); change the email; commit */
    User_query *q = user_query(db);
    user_query_where_username_eq(q, "susan");
    User *s = NULL;
    OK(user_query_first(q, &s));
    user_query_free(q);
    if (!s)
        return;
    OK(user_set_email(s, "susan@example.org"));
    OK(user_update(db, s));

    /* p = Post(body='my first post!', author=u) */
    Post p = POST_INIT;
    p.body = "my first post!";
    post_set_author(&p, s);
    OK(post_insert(db, &p));
    Post p2 = POST_INIT;
    p2.body = "hi from john";
    post_set_author(&p2, &j);
    OK(post_insert(db, &p2));
    Post lone = POST_INIT;
    lone.body = "no author";
    OK(post_insert(db, &lone));

    /* posts with their author's username */
    Post_list posts;
    OK(post_all(db, &posts));
    CHECK_INT(posts.count, 3);
    User_refs authors;
    OK(post_list_load_author(db, &posts, &authors));
    CHECK_INT(authors.count, 3);
    if (authors.count == 3) {
        CHECK_STR(authors.refs[0] ? authors.refs[0]->username : NULL, "susan");
        CHECK_STR(authors.refs[1] ? authors.refs[1]->username : NULL, "john");
        CHECK(authors.refs[2] == NULL, "a post without an author");
    }
    user_refs_free(&authors);
    post_list_free(&posts);

    /* u.posts.all() */
    OK(user_posts_list(db, s, &posts));
    CHECK_INT(posts.count, 1);
    CHECK_STR(posts.count ? posts.items[0].body : NULL, "my first post!");
    post_list_free(&posts);
    User *by_email = NULL;
    OK(user_find_by_email(db, "susan@example.org", &by_email));
    CHECK_INT(by_email ? by_email->id : 0, s->id);
    user_free(by_email);
    user_free(s);
}

static void errors(void)
{
    User dup = USER_INIT;
    dup.username = "susan";
    CHECK_FAIL(user_insert(db, &dup), MC_CONSTRAINT, "user: UNIQUE constraint failed: user.username");
    CHECK_FAIL(user_find_by_username(db, "nobody", &(User *){NULL}), MC_NOTFOUND,
               "user: no row with username 'nobody'");
    Post orphan = POST_INIT;
    orphan.body = "dangling";
    orphan.user_id = 77;
    orphan.user_id_null = false;
    CHECK_FAIL(post_insert(db, &orphan), MC_CONSTRAINT, "post: FOREIGN KEY constraint failed");
    User longname = USER_INIT;
    longname.username = "01234567890123456789012345678901234567890123456789012345678901234";
    CHECK_FAIL(user_insert(db, &longname), MC_INVALID, "user.username: 65 characters, at most 64");
    /* a user with posts cannot go (no cascade in blog.model) */
    CHECK_FAIL(user_delete(db, 1), MC_CONSTRAINT, "FOREIGN KEY constraint failed");
    CHECK_FAIL(post_delete(db, 999), MC_NOTFOUND, "post: no row with id 999");
}

static void pages_and_streaming(void)
{
    Post rows[40];
    char bodies[40][32];
    for (int i = 0; i < 40; i++) {
        Post p = POST_INIT;
        snprintf(bodies[i], sizeof bodies[i], "bulk %02d", i);
        p.body = bodies[i];
        p.user_id = 2;
        p.user_id_null = false;
        rows[i] = p;
    }
    OK(post_insert_many(db, rows, 40));
    CHECK(rows[39].id == rows[0].id + 39, "ids written back");

    Post_query *q = post_query(db);
    post_query_where_body_like(q, "bulk %");
    post_query_order_by(q, POST_COL_ID, true);
    Post_page page;
    OK(post_query_page(q, 3, 15, &page));
    CHECK_INT(page.total, 40);
    CHECK_INT(page.pages, 3);
    CHECK_INT(page.count, 10);
    CHECK(page.has_prev && !page.has_next, "the last page");
    CHECK_STR(page.count ? page.items[0].body : NULL, "bulk 09");
    post_page_free(&page);

    /* streaming every bulk post while looking up its author */
    Post row = POST_INIT;
    int rc, n = 0;
    while ((rc = post_query_next(q, &row)) == MC_OK) {
        User *a = NULL;
        OK(post_author(db, &row, &a));
        CHECK_STR(a ? a->username : NULL, "john");
        user_free(a);
        n++;
    }
    CHECK_INT(rc, MC_DONE);
    CHECK_INT(n, 40);
    post_clear(&row);

    /* delete the 5 newest through the query */
    post_query_limit(q, 5);
    int64_t deleted = -1;
    OK(post_query_delete(q, &deleted));
    CHECK_INT(deleted, 5);
    post_query_limit(q, -1);
    int64_t left = -1;
    OK(post_query_count(q, &left));
    CHECK_INT(left, 35);
    post_query_free(q);

    /* an eager load of the users' posts */
    User_list users;
    User_query *uq = user_query(db);
    user_query_order_by(uq, USER_COL_ID, false);    /* no order is no order on PostgreSQL */
    OK(user_query_all(uq, &users));
    user_query_free(uq);
    Post_lists lists;
    OK(user_list_load_posts(db, &users, &lists));
    CHECK_INT(lists.count, 2);
    if (lists.count == 2) {
        CHECK_INT(lists.lists[0].count, 1);
        CHECK_INT(lists.lists[1].count, 36);
    }
    post_lists_free(&lists);
    user_list_free(&users);
}

static void transactions(void)
{
    User a = USER_INIT;
    OK(mc_begin(db));
    a.username = "kept";
    OK(user_insert(db, &a));
    OK(mc_begin(db));
    User b = USER_INIT;
    b.username = "dropped";
    OK(user_insert(db, &b));
    OK(mc_rollback(db));
    OK(mc_commit(db));
    User *got = NULL;
    OK(user_find_by_username(db, "kept", &got));
    user_free(got);
    CHECK_FAIL(user_find_by_username(db, "dropped", &got), MC_NOTFOUND, "no row");
    User batch[2] = {USER_INIT, USER_INIT};
    batch[0].username = "fresh";
    batch[1].username = "kept";
    CHECK_FAIL(user_insert_many(db, batch, 2), MC_CONSTRAINT, "row 1: user: UNIQUE constraint failed: user.username");
    CHECK_FAIL(user_find_by_username(db, "fresh", &got), MC_NOTFOUND, "no row");
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
        fprintf(stderr, "usage: blog_portable_app URL DDL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    walkthrough();
    errors();
    pages_and_streaming();
    transactions();
    streams_borrowed();
    mc_close(db);
    return app_done("blog_portable_app");
}
