/*
 * test_secure_delete.c -- `upgrade --secure-delete on|fast|off`: the run's
 * PRAGMA secure_delete.  With off, the rows of a dropped table stay
 * readable in the file; with on, they are zeroed; anything else is a
 * usage error.  Without the option the connection keeps SQLite's own
 * setting (Debian builds it on).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Upgrades a fresh database to 0001, fills the table 0002 drops, runs
 * 0002 with `mode` (NULL: no option) and returns how many lines of the
 * database files still hold a secret. */
static int secrets_left(const char *dir, const char *mode)
{
    char *cmd = tu_fmt(
        "cd '%s' && rm -f x.db x.db-wal x.db-shm && '%s' upgrade --db x.db --to 1 -q && "
        "sqlite3 x.db \"INSERT INTO secret (s) SELECT 'TOPSECRET-' || hex(randomblob(8)) FROM "
        "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT x FROM c)\" && "
        "'%s' upgrade --db x.db -q %s %s && sqlite3 x.db 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null && "
        "cat x.db* | grep -a -c TOPSECRET || true",
        dir, tu_modelc(), tu_modelc(), mode ? "--secure-delete" : "", mode ? mode : "");
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_msg(r.status == 0, "%s", r.err);
    int n = atoi(r.out);
    tu_result_free(&r);
    return n;
}

START_TEST(secure_delete_modes)
{
    char *dir = tu_mkdtemp();
    char *cmd = tu_fmt("cd '%s' && printf 'model Keep { id Integer primary_key }\\n"
                       "model Secret { id Integer primary_key; s Text }\\n' > a.model && "
                       "printf 'model Keep { id Integer primary_key }\\n' > b.model && "
                       "'%s' init >/dev/null && "
                       "'%s' migrate a.model -m one && '%s' migrate b.model -m two --allow-data-loss",
                       dir, tu_modelc(), tu_modelc(), tu_modelc());
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);

    ck_assert_int_gt(secrets_left(dir, "off"), 0);
    ck_assert_int_eq(secrets_left(dir, "on"), 0);

    cmd = tu_fmt("cd '%s' && '%s' upgrade --db x.db --secure-delete maybe", dir, tu_modelc());
    r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--secure-delete takes on, fast or off"));
    tu_result_free(&r);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("secure_delete");
    TCase *tc = tcase_create("upgrade");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, secure_delete_modes);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
