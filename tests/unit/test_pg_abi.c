/*
 * test_pg_abi.c -- runtime/pg_abi.h's stand-in declarations of libpq's
 * types and constants (used where libpq-fe.h is not installed) have the
 * values of the installed libpq-fe.h: one program prints every constant
 * the driver uses, built once against the header and once against the
 * stand-ins, and the outputs must be the same.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char program[] =
    "#include <stdio.h>\n"
    "#include \"pg_abi.h\"\n"
    "int main(void)\n"
    "{\n"
    "    printf(\"%d %d\\n\", (int)CONNECTION_OK, (int)CONNECTION_BAD);\n"
    "    printf(\"%d %d %d %d %d %d\\n\", (int)PGRES_EMPTY_QUERY, (int)PGRES_COMMAND_OK, (int)PGRES_TUPLES_OK,\n"
    "           (int)PGRES_FATAL_ERROR, (int)PGRES_SINGLE_TUPLE, (int)PGRES_NONFATAL_ERROR);\n"
    "    printf(\"%d %d %d %d\\n\", (int)PQTRANS_IDLE, (int)PQTRANS_ACTIVE, (int)PQTRANS_INTRANS,\n"
    "           (int)PQTRANS_INERROR);\n"
    "    printf(\"%c %c %c %c %c %c\\n\", PG_DIAG_SQLSTATE, PG_DIAG_MESSAGE_PRIMARY, PG_DIAG_MESSAGE_DETAIL,\n"
    "           PG_DIAG_TABLE_NAME, PG_DIAG_COLUMN_NAME, PG_DIAG_CONSTRAINT_NAME);\n"
    "    printf(\"%zu\\n\", sizeof(Oid));\n"
    "#ifdef MCI_HAVE_LIBPQ_FE\n"
    "    printf(\"header\\n\");\n"
    "#else\n"
    "    printf(\"stand-in\\n\");\n"
    "#endif\n"
    "    return 0;\n"
    "}\n";

/* Writes the program into dir as prog.c. */
static void write_program(const char *dir)
{
    char *path = tu_fmt("%s/prog.c", dir);
    ck_assert(tu_write_file(path, program, strlen(program)) == 0);
    free(path);
}

/* Builds and runs the program in dir with extra compiler flags; returns
 * its output (caller frees) or NULL with the failure shown. */
static char *build_and_run(const char *dir, const char *name, const char *flags)
{
    char *cmd = tu_fmt("cd %s && cc -std=c11 -Wall -Wextra -Wpedantic -Werror %s -I%s/runtime -o %s prog.c && ./%s", dir,
                       flags, tu_src(), name, name);
    tu_result r = tu_sh(cmd, 60);
    free(cmd);
    ck_assert_msg(r.status == 0, "%s: exit %d\n%s%s", name, r.status, r.out, r.err);
    char *out = strdup(r.out);
    tu_result_free(&r);
    return out;
}

START_TEST(stand_ins_match_libpq_fe)
{
    tu_result probe = tu_sh("printf '#include <libpq-fe.h>\\n' | cc -E -I/usr/include/postgresql -x c - >/dev/null 2>&1", 30);
    int have_header = probe.status == 0;
    tu_result_free(&probe);
    if (!have_header) {
        fprintf(stderr, "test_pg_abi: libpq-fe.h is not installed; only the stand-ins are built\n");
        char *dir = tu_mkdtemp();
        write_program(dir);
        char *own = build_and_run(dir, "own", "-DMCI_FORCE_PG_ABI");
        ck_assert_ptr_nonnull(strstr(own, "stand-in"));
        free(own);
        tu_rmdir(dir);
        return;
    }
    char *dir = tu_mkdtemp();
    write_program(dir);
    char *real = build_and_run(dir, "real", "-I/usr/include/postgresql");
    char *own = build_and_run(dir, "own", "-DMCI_FORCE_PG_ABI -I/usr/include/postgresql");
    ck_assert_ptr_nonnull(strstr(real, "header"));
    ck_assert_ptr_nonnull(strstr(own, "stand-in"));
    /* everything but the last line (which says which declarations were used) */
    *strstr(real, "header") = '\0';
    *strstr(own, "stand-in") = '\0';
    ck_assert_str_eq(own, real);
    free(real);
    free(own);
    tu_rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pg_abi");
    TCase *tc = tcase_create("abi");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, stand_ins_match_libpq_fe);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
