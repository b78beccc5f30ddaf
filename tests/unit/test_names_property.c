/*
 * test_names_property.c -- a property of `modelc generate` over many
 * random schemas: it either exits 1 with a located error
 * ("file:line:col: error: ...") and writes nothing, or exits 0 and its
 * output compiles with -Werror as C11 and as C++ (g++).
 *
 * The schemas draw every name (file stem, models, enums and their values,
 * fields, relationships, backrefs, --prefix) from a pool that mixes plain
 * identifiers with C/C++ keywords, standard typedefs and macros, names
 * ending in _list/_query/Query, leading underscores and digits, the
 * runtime's and SQLite's prefixes, the generated functions' own locals and
 * near-collisions (id/ID, x/x_null, User/UserQuery).
 *
 * Fixed seeds: the same cases on every run.  MODELC_PROPERTY_CASES=N runs
 * N cases (default 24, a few seconds: the compilers run -fsyntax-only),
 * MODELC_PROPERTY_SEED=S starts from another seed.  A failure prints the
 * case's seed and schema.
 */
#include <check.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    r->s = r->s * 6364136223846793005u + 1442695040888963407u;
    uint64_t x = r->s;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    return x;
}

static size_t rbelow(rng *r, size_t n) { return (size_t)(rnext(r) % n); }
static int chance(rng *r, int percent) { return (int)rbelow(r, 100) < percent; }

#define PICK(r, pool) (pool)[rbelow((r), sizeof(pool) / sizeof(pool)[0])]

/* Names of models and enums (types). */
static const char *const type_pool[] = {
    "User", "Post", "Tag", "Note", "LibraryCard", "HTTPRequest", "User_list", "User_query", "UserQuery",
    "UserList", "User_column", "Post_list", "PostQuery", "int", "class", "struct", "auto", "register", "bool",
    "size_t", "int64_t", "uint8_t", "ptrdiff_t", "free", "malloc", "main", "NULL", "_4ts", "_x", "__y", "_Bool",
    "Mc", "Sqlite3", "mc_thing", "MODELC_X", "row", "item", "out", "db", "user", "post", "note", "Item", "Size",
    "Int8", "Mood", "MoodHappy", "SQLITE", "Sqlite", "List", "Query", "x", "X", "linux",
};

/* Names of fields, relationships, backrefs and enum values. */
static const char *const member_pool[] = {
    "id", "ID", "name", "title", "body", "x", "has_x", "x_null", "y", "y_null", "col_id", "user_id", "post_id", "int",
    "class", "new", "delete", "default", "enum", "struct", "template", "this", "size_t", "NULL", "bool", "true",
    "SQLITE_OK", "MC_OK", "mc_db", "sqlite3_stmt", "User", "Post", "row", "out", "db", "st", "rc", "b", "q", "s",
    "i", "n", "value", "values", "item", "items", "count", "list", "query", "all", "free", "insert", "get", "_x",
    "__z", "ok", "error", "max", "min", "c", "happy", "happy_x", "INT8_MAX", "EXIT_SUCCESS", "errno", "user_free",
    "user_query", "kids", "posts", "author", "owner", "tags", "next", "first", "order_by", "limit", "where",
    "find_by_name", "set_name", "name_eq", "1x", "linux", "unix", "main",
};

static const char *const stem_pool[] = {"blog", "01_blog", "int", "_x", "app", "size_t", "Mc", "user", "9", "x"};
static const char *const prefix_pool[] = {"", "", "", "", "p_", "app", "Mc_", "mc_", "_", "int"};
static const char *const type_of_field[] = {"Integer", "String(20)", "Text", "Boolean", "Float", "LargeBinary",
                                            "BigInteger", "SmallInteger", "Numeric(8, 2)", "Date", "JSON"};

typedef struct model {
    const char *name, *pk;
    int parent;                 /* index of the model it has a foreign key to, or -1 */
    const char *fk, *rel, *backref, *lazy;
} model;

/* A random schema (malloc'd); *stem and *prefix for the command line.
 * Model i > 0 may hold a foreign key to an earlier model, which then
 * declares a relationship to it (with a backref, maybe lazy: joined). */
static char *random_schema(rng *r, const char **stem, const char **prefix)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        return NULL;
    *stem = PICK(r, stem_pool);
    *prefix = PICK(r, prefix_pool);
    const char *enums[2];
    size_t nenums = rbelow(r, 3);
    for (size_t i = 0; i < nenums; i++) {
        enums[i] = PICK(r, type_pool);
        fprintf(f, "enum %s { %s, %s }\n", enums[i], PICK(r, member_pool), PICK(r, member_pool));
    }
    model m[4];
    size_t n = 1 + rbelow(r, 4);
    for (size_t i = 0; i < n; i++) {
        m[i].name = PICK(r, type_pool);
        m[i].pk = chance(r, 70) ? "id" : PICK(r, member_pool);
        m[i].parent = i > 0 && chance(r, 60) ? (int)rbelow(r, i) : -1;
        m[i].fk = PICK(r, member_pool);
        m[i].rel = PICK(r, member_pool);
        m[i].backref = PICK(r, member_pool);
        m[i].lazy = chance(r, 30) ? ", lazy: joined" : chance(r, 30) ? ", lazy: dynamic" : "";
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "model %s {\n    `%s` Integer primary_key\n", m[i].name, m[i].pk);
        size_t nfields = rbelow(r, 5);
        for (size_t j = 0; j < nfields; j++) {
            const char *type = nenums && chance(r, 15) ? enums[rbelow(r, nenums)] : PICK(r, type_of_field);
            fprintf(f, "    `%s` %s%s%s\n", PICK(r, member_pool), type, chance(r, 20) ? " unique" : "",
                    chance(r, 15) ? " not_null" : "");
        }
        if (m[i].parent >= 0)
            fprintf(f, "    `%s` Integer foreign_key(%s.%s)\n", m[i].fk, m[m[i].parent].name, m[m[i].parent].pk);
        for (size_t j = i + 1; j < n; j++)
            if (m[j].parent == (int)i)
                fprintf(f, "    `%s` relationship(%s, backref: `%s`%s)\n", m[j].rel, m[j].name, m[j].backref,
                        m[j].lazy);
        fputs("}\n", f);
    }
    fclose(f);
    return text;
}

static regex_t located;

START_TEST(generate_errors_or_compiles)
{
    const char *env = getenv("MODELC_PROPERTY_CASES");
    const char *seed_env = getenv("MODELC_PROPERTY_SEED");
    long cases = env ? strtol(env, NULL, 10) : 24;
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 10) : 20261201;
    tu_result probe = tu_sh("command -v g++ >/dev/null 2>&1", 10);
    int have_cxx = probe.status == 0;
    tu_result_free(&probe);
    ck_assert_int_eq(regcomp(&located, "^[^:\n]+:[0-9]+:[0-9]+: error: ", REG_EXTENDED | REG_NEWLINE), 0);
    long generated = 0, refused = 0;
    for (long c = 0; c < cases; c++) {
        rng r = {seed + (uint64_t)c * 7919u};
        const char *stem, *prefix;
        char *schema = random_schema(&r, &stem, &prefix);
        ck_assert_ptr_nonnull(schema);
        char *dir = tu_mkdtemp();
        char *path = tu_fmt("%s/%s.model", dir, stem);
        tu_write_file(path, schema, strlen(schema));
        char *cmd = tu_fmt("cd %s && %s generate %s.model -o gen%s%s", dir, tu_modelc(), stem,
                           prefix[0] ? " --prefix " : "", prefix);
        tu_result g = tu_sh(cmd, 20);
        const char *what = tu_fmt("case %ld (MODELC_PROPERTY_SEED=%llu, case seed %llu), %s.model, prefix '%s':\n%s", c,
                                  (unsigned long long)seed, (unsigned long long)(seed + (uint64_t)c * 7919u), stem,
                                  prefix, schema);
        if (g.status == 1) {
            ck_assert_msg(regexec(&located, g.err, 0, NULL, 0) == 0, "%s\nexit 1 without a located error:\n%.1500s", what,
                          g.err);
            char *none = tu_fmt("test ! -e %s/gen || test -z \"$(ls -A %s/gen)\"", dir, dir);
            tu_result n = tu_sh(none, 10);
            ck_assert_msg(n.status == 0, "%s\nexit 1 but files were written", what);
            tu_result_free(&n);
            free(none);
            refused++;
        } else {
            ck_assert_msg(g.status == 0, "%s\nexit %d:\n%.1500s", what, g.status, g.err);
            /* the file stem as load.c makes it: non-identifier characters are '_' */
            char *c_cmd = tu_fmt("cd %s && cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -Igen -I%s "
                                 "gen/*.c",
                                 dir, tu_path("runtime"));
            tu_result cc = tu_sh(c_cmd, 60);
            ck_assert_msg(cc.status == 0, "%s\ngenerated C that does not compile as C11:\n%.1500s", what, cc.err);
            tu_result_free(&cc);
            free(c_cmd);
            if (have_cxx) {
                char *x_cmd = tu_fmt("cd %s && g++ -x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -fsyntax-only "
                                     "-Igen -I%s gen/*.c",
                                     dir, tu_path("runtime"));
                tu_result cx = tu_sh(x_cmd, 60);
                ck_assert_msg(cx.status == 0, "%s\ngenerated C that does not compile as C++:\n%.1500s", what, cx.err);
                tu_result_free(&cx);
                free(x_cmd);
            }
            generated++;
        }
        tu_result_free(&g);
        free((char *)what);
        free(cmd);
        free(path);
        free(schema);
        tu_rmdir(dir);
    }
    printf("test_names_property: %ld cases: %ld generated and compiled, %ld refused with a located error\n", cases,
           generated, refused);
    regfree(&located);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("names_property");
    TCase *tc = tcase_create("names_property");
    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, generate_errors_or_compiles);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
