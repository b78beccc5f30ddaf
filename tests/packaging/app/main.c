/*
 * main.c -- an application outside the source tree, built against an
 * installed modelc (tests/unit/test_install.c): it upgrades its database
 * from the migrations compiled in, stores a user and reads it back.
 */
#include <stdio.h>

#include "blog.h"

int main(int argc, char **argv)
{
    mc_db *db = NULL;
    int rc = mc_open(&db, argc > 1 ? argv[1] : ":memory:", NULL);
    if (rc == MC_OK)
        rc = blog_migrate(db);
    User u = {.username = "ada", .email = "ada@example.com"};
    if (rc == MC_OK)
        rc = user_insert(db, &u);
    User *back = NULL;
    if (rc == MC_OK)
        rc = user_find_by_username(db, "ada", &back);
    if (rc != MC_OK) {
        fprintf(stderr, "app: %s\n", db ? mc_errmsg(db) : "cannot open");
        mc_close(db);
        return 1;
    }
    printf("user %lld %s %s\n", (long long)back->id, back->username, back->email);
    user_free(back);
    mc_close(db);
    return 0;
}
