/*
 * blog.c -- the seed's Flask-SQLAlchemy walk-through, step by step, with
 * the C that `modelc generate blog.model` writes.  Each step prints the
 * Python it stands for, then its result.
 *
 * Database: argv[1], else $DATABASE_URL, else app.db (as the seed's config).
 */
#include <stdio.h>
#include <stdlib.h>

#include "blog.h"

static int fail(mc_db *db, const char *what, int rc)
{
    fprintf(stderr, "blog: %s: %s (%s)\n", what, mc_errmsg(db), mc_status_name(rc));
    mc_close(db);
    return 1;
}

int main(int argc, char **argv)
{
    mc_db *db = NULL;
    int rc = mc_open(&db, argc > 1 ? argv[1] : NULL, NULL);
    if (rc != MC_OK)
        return db ? fail(db, "open", rc) : 1;
    /* flask db upgrade, from the migrations compiled into this program
     * (a no-op when `modelc upgrade` already ran). */
    if ((rc = blog_migrate(db)) != MC_OK)
        return fail(db, "migrate", rc);

    /* u = User(username='MrBrown', email='brown@example.com'); db.session.add(u); db.session.commit() */
    printf(">>> u = User(username='MrBrown', email='brown@example.com'); db.session.add(u); db.session.commit()\n");
    User u = {.username = "MrBrown", .email = "brown@example.com"};
    if ((rc = user_insert(db, &u)) != MC_OK)
        return fail(db, "insert user", rc);
    printf("<User MrBrown> id=%lld\n", (long long)u.id);

    /* User.query.all() */
    printf(">>> User.query.all()\n");
    User_list users;
    if ((rc = user_all(db, &users)) != MC_OK)
        return fail(db, "all users", rc);
    printf("[");
    for (size_t i = 0; i < users.count; i++)
        printf("%s<User %s>", i ? ", " : "", users.items[i].username);
    printf("]\n");
    user_list_free(&users);

    /* u = User.query.filter_by(username='MrBrown').first() */
    printf(">>> u = User.query.filter_by(username='MrBrown').first(); u.email\n");
    User *brown = NULL;
    User_query *q = user_query(db);
    user_query_where_username_eq(q, "MrBrown");
    rc = user_query_first(q, &brown);
    user_query_free(q);
    if (rc != MC_OK)
        return fail(db, "filter_by", rc);
    printf("'%s'\n", brown->email);

    /* u.username = 'MrsBrown'; db.session.commit() */
    printf(">>> u.username = 'MrsBrown'; db.session.commit()\n");
    if ((rc = user_set_username(brown, "MrsBrown")) != MC_OK || (rc = user_update(db, brown)) != MC_OK)
        return fail(db, "rename", rc);
    User *again = NULL;
    if ((rc = user_get(db, brown->id, &again)) != MC_OK)
        return fail(db, "get", rc);
    printf("<User %s>\n", again->username);
    user_free(again);

    /* p = Post(body='my first post!', author=u); db.session.add(p); db.session.commit() */
    printf(">>> p = Post(body='my first post!', author=u); db.session.add(p); db.session.commit()\n");
    Post p = {.body = "my first post!"};
    post_set_author(&p, brown);
    if ((rc = post_insert(db, &p)) != MC_OK)
        return fail(db, "insert post", rc);
    printf("<Post my first post!> id=%lld\n", (long long)p.id);

    /* for p in Post.query.all(): print(p.id, p.author.username, p.body) */
    printf(">>> for p in Post.query.all(): print(p.id, p.author.username, p.body)\n");
    Post_list posts;
    if ((rc = post_all(db, &posts)) != MC_OK)
        return fail(db, "all posts", rc);
    for (size_t i = 0; i < posts.count; i++) {
        User *author = NULL;
        if ((rc = post_author(db, &posts.items[i], &author)) != MC_OK)
            return fail(db, "post.author", rc);
        printf("%lld %s %s\n", (long long)posts.items[i].id, author->username, posts.items[i].body);
        user_free(author);
    }
    post_list_free(&posts);

    /* u.posts.all() */
    printf(">>> u.posts.all()\n");
    Post_list mine;
    if ((rc = user_posts_list(db, brown, &mine)) != MC_OK)
        return fail(db, "u.posts", rc);
    printf("[");
    for (size_t i = 0; i < mine.count; i++)
        printf("%s<Post %s>", i ? ", " : "", mine.items[i].body);
    printf("]\n");
    post_list_free(&mine);

    user_free(brown);
    mc_close(db);
    return 0;
}
