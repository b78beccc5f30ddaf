/*
 * followers_app.c -- a self-referential many-to-many whose direction is
 * given by `foreign_key:` (issue 7 §5): User.following walks
 * followers.follower_id -> followed_id, User.followers the other way,
 * whatever the order of the association model's fields.
 * test_many_to_many.c generates tests/programs/followers*.model into
 * social.h / social.c and runs this program against a fresh database.
 */
#include <stdint.h>

#include <modelc.h>

static mc_db *db;
#include "app_check.h"
#include "social.h"

/* The names in list, in id order, joined by ",". */
static const char *names(const User_list *l, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->count && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "", l->items[i].name);
    return buf;
}

static const char *following_of(const User *u, char *buf, size_t size)
{
    User_list l = {0};
    OK(user_following_list(db, u, &l));
    names(&l, buf, size);
    user_list_free(&l);
    return buf;
}

static const char *followers_of(const User *u, char *buf, size_t size)
{
    User_list l = {0};
    OK(user_followers_list(db, u, &l));
    names(&l, buf, size);
    user_list_free(&l);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: followers_app DB SQL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    User ann = {.name = "ann"}, bob = {.name = "bob"}, cy = {.name = "cy"};
    OK(user_insert(db, &ann));
    OK(user_insert(db, &bob));
    OK(user_insert(db, &cy));

    /* ann follows bob and cy; cy follows bob. */
    OK(user_following_add(db, &ann, &bob));
    OK(user_following_add(db, &ann, &cy));
    OK(user_followers_add(db, &bob, &cy));  /* the backref's add: cy becomes a follower of bob */

    char buf[64];
    CHECK_STR(following_of(&ann, buf, sizeof buf), "bob,cy");
    CHECK_STR(following_of(&bob, buf, sizeof buf), "");
    CHECK_STR(following_of(&cy, buf, sizeof buf), "bob");
    CHECK_STR(followers_of(&bob, buf, sizeof buf), "ann,cy");
    CHECK_STR(followers_of(&ann, buf, sizeof buf), "");
    CHECK_STR(followers_of(&cy, buf, sizeof buf), "ann");

    /* The rows say the same: follower_id is the one who follows. */
    Followers *f = NULL;
    OK(followers_get(db, ann.id, bob.id, &f));
    followers_free(f);
    f = SENTINEL(Followers);
    CHECK_RC(followers_get(db, bob.id, ann.id, &f), MC_NOTFOUND);
    CHECK(f == NULL, "followers_get left *out set");
    if (f && f != SENTINEL(Followers))
        followers_free(f);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM followers WHERE follower_id = ?1", ann.id), 2);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM followers WHERE followed_id = ?1", bob.id), 2);

    /* The dynamic query counts the same rows. */
    int64_t n = -1;
    User_query *q = user_followers(db, &bob);
    CHECK(q != NULL, "user_followers returned NULL");
    OK(user_query_count(q, &n));
    user_query_free(q);
    CHECK_INT(n, 2);

    /* Unlinking from either side removes the one row. */
    OK(user_followers_remove(db, &bob, &ann));
    CHECK_STR(following_of(&ann, buf, sizeof buf), "cy");
    CHECK_RC(user_following_remove(db, &ann, &bob), MC_NOTFOUND);
    CHECK_RC(user_following_add(db, &cy, &bob), MC_CONSTRAINT);

    mc_close(db);
    return app_done("followers_app");
}
