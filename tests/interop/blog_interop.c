/*
 * blog_interop.c -- the C half of the blog interop test (test_interop.c):
 *
 *   blog_interop read DB    the rows flask_app.py wrote, field for field
 *   blog_interop write DB   rows for `flask_app.py blog check` to read
 *
 * The database is the one Flask-SQLAlchemy's create_all() made: no DDL here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blog.h"

static mc_db *db;

#include "app_check.h"

static void print_user(const User *u)
{
    printf("  User id=%lld username=%s email=%s password_hash=%s\n", (long long)u->id, app_show(u->username),
           app_show(u->email), app_show(u->password_hash));
}

static void print_post(const Post *p)
{
    printf("  Post id=%lld body=%s user_id=%s%lld\n", (long long)p->id, app_show(p->body),
           !p->user_id_null ? "" : "NULL/", (long long)p->user_id);
}

static void read_python_rows(void)
{
    User_list users;
    OK(user_all(db, &users));
    CHECK_INT(users.count, 2);
    for (size_t i = 0; i < users.count; i++)
        print_user(&users.items[i]);
    user_list_free(&users);

    User *brown = NULL;
    OK(user_find_by_username(db, "MrBrown", &brown));
    if (!brown)
        return;
    CHECK_INT(brown->id, 1);
    CHECK_STR(brown->email, "brown@example.com");
    CHECK_STR(brown->password_hash, "pbkdf2:sha256$x'y\"z");
    User *nobody = NULL;
    OK(user_find_by_username(db, "Nobody", &nobody));
    CHECK(nobody && nobody->email == NULL && nobody->password_hash == NULL, "Nobody: NULL email and hash");
    user_free(nobody);

    Post_query *q = user_posts(db, brown);
    post_query_order_by(q, POST_COL_ID, false);
    Post_list posts;
    OK(post_query_all(q, &posts));
    post_query_free(q);
    const char *want[] = {"my first post!", "100% 'quoted' \"text\"; DROP TABLE post; --",
                          "\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"};
    CHECK_INT(posts.count, 3);
    for (size_t i = 0; i < posts.count && i < 3; i++) {
        print_post(&posts.items[i]);
        CHECK_STR(posts.items[i].body, want[i]);
        CHECK(!posts.items[i].user_id_null && posts.items[i].user_id == brown->id, "post %zu user_id", i);
        User *author = NULL;
        OK(post_author(db, &posts.items[i], &author));
        CHECK(author && app_str_eq(author->username, "MrBrown"), "p.author.username");
        user_free(author);
    }
    post_list_free(&posts);
    Post_query *anon = post_query(db);
    post_query_where_user_id_is_null(anon);
    Post *p = NULL;
    OK(post_query_first(anon, &p));
    post_query_free(anon);
    if (p) {
        print_post(p);
        CHECK(p->body == NULL && p->user_id_null, "the NULL post");
    }
    post_free(p);
    user_free(brown);
}

static void write_rows(void)
{
    /* the seed: u.username = 'MrsBrown'; db.session.commit() */
    User *brown = NULL;
    OK(user_get(db, 1, &brown));
    if (brown) {
        OK(user_set_username(brown, "MrsBrown"));
        OK(user_update(db, brown));
    }
    user_free(brown);
    User green = {.username = "MrsGreen", .email = "green@example.com"};
    OK(user_insert(db, &green));
    const char *bodies[] = {"written in C", "it's \"quoted\"; DROP TABLE user; --",
                            "\xc3\xbc" "ml\xc3\xa4ut \xf0\x9f\x98\x80"};
    for (int i = 0; i < 3; i++) {
        Post p = {.body = (char *)bodies[i]};
        post_set_author(&p, &green);
        OK(post_insert(db, &p));
    }
    Post orphan = {.body = "no author", .user_id_null = true};
    OK(post_insert(db, &orphan));
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "read") != 0 && strcmp(argv[1], "write") != 0)) {
        fprintf(stderr, "usage: blog_interop read|write DB\n");
        return 2;
    }
    if (app_open(&db, argv[2], NULL) != MC_OK) {
        mc_close(db);
        return 1;
    }
    if (strcmp(argv[1], "read") == 0)
        read_python_rows();
    else
        write_rows();
    mc_close(db);
    return app_done(argv[1][0] == 'r' ? "blog_interop read" : "blog_interop write");
}
