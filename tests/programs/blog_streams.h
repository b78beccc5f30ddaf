/*
 * blog_streams.h -- streaming with lent strings (X_query_next_borrowed)
 * over examples/blog, shared by blog_app.c (SQLite) and
 * blog_portable_app.c (SQLite and PostgreSQL): users and posts streamed
 * lent and copied side by side agree row by row, and a lent string stays
 * what it was until the next call on its query, even when another
 * statement runs in between.
 *
 * Include after app_check.h, with `db` open.  The apps stream each model
 * themselves (STREAMS_AGREE with the helpers below: test_generated counts
 * the calls an app's own lines make), then call blog_lent_lifetime().
 */
#ifndef BLOG_STREAMS_H
#define BLOG_STREAMS_H

static int same_user(const User *a, const User *b)
{
    return a->id == b->id && app_str_eq(a->username, b->username) && app_str_eq(a->email, b->email) &&
           app_str_eq(a->password_hash, b->password_hash);
}

static int same_post(const Post *a, const Post *b)
{
    return a->id == b->id && app_str_eq(a->body, b->body) && a->user_id_null == b->user_id_null &&
           a->user_id == b->user_id;
}

static void by_user_id(User_query *q) { user_query_order_by(q, USER_COL_ID, false); }
static void by_post_id(Post_query *q) { post_query_order_by(q, POST_COL_ID, false); }

/* users and posts rows streamed, as counted: every row was compared. */
static void blog_streamed_all(int users, int posts)
{
    int64_t nu = -1, np = -1;
    User_query *uq = user_query(db);
    Post_query *pq = post_query(db);
    OK(user_query_count(uq, &nu));
    OK(post_query_count(pq, &np));
    user_query_free(uq);
    post_query_free(pq);
    CHECK_INT(users, nu);
    CHECK_INT(posts, np);
    CHECK(users > 0 && posts > 0, "rows to stream: %d users, %d posts", users, posts);
}

/* A lent body is the row's own until the next step, with a lookup of
     * its author in between (on PostgreSQL the stream is drained then). */
static void blog_lent_lifetime(void)
{
    Post_query *q = post_query(db);
    by_post_id(q);
    Post row;
    memset(&row, 0, sizeof row);
    int rc, n = 0;
    while ((rc = post_query_next_borrowed(q, &row)) == MC_OK) {
        char before[160];
        snprintf(before, sizeof before, "%s", row.body ? row.body : "(NULL)");
        if (!row.user_id_null) {
            User *a = NULL;
            OK(post_author(db, &row, &a));
            user_free(a);
        }
        CHECK_STR(row.body ? row.body : "(NULL)", before);
        n++;
    }
    CHECK_INT(rc, MC_DONE);
    CHECK(n > 0, "posts streamed: %d", n);
    post_query_free(q);
}

#endif
