/* cmd_generate.c -- `modelc generate SCHEMA [-o DIR] [--prefix P] [--migrations DIR] [--split | --split-into N] [--compact]` */
#include "cgen.h"
#include "cli.h"
#include "pipeline.h"
#include "schema.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int valid_prefix(const char *p)
{
    if (!p[0])
        return 1;
    if (!(isalpha((unsigned char)p[0]) || p[0] == '_'))
        return 0;
    for (; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    return 1;
}

/* With --migrations: do the migrations give SCHEMA?  Code compiled with
 * migrations that do not would fail at run time ("no column named ...");
 * refuse it, printing what is missing as `check` does.  0 when they do. */
static int migrations_match(const char *schema_path, const mcc_schema *want, const char *dir, mcc_arena *arena)
{
    mcc_diag diag;
    mcc_diag_init(&diag, NULL, NULL, NULL);
    diag.place = mcc_arena_printf(arena, "modelc generate: --migrations %s", dir);
    mcc_migdir md;
    mcc_diff d;
    mcc_dialect dialect = mcc_migdir_dialect(dir, MCC_DIALECT_SQLITE);
    if (mcc_check_migrations(want, dir, dialect, arena, &diag, &md, &d))
        return 1;
    if (d.nops == 0)
        return 0;
    mcc_buf b = {0};
    for (size_t i = 0; i < d.nops; i++)
        mcc_buf_printf(&b, "\n  %s", d.ops[i].text);
    diag.place = "modelc generate";
    mcc_error_in(&diag, NULL, NULL,
                "the migrations in %s do not produce %s; nothing written. Missing:%s\n"
                "  hint: run `modelc migrate %s --dir %s%s` to write the missing migration",
                dir, schema_path, b.data ? b.data : "", schema_path, dir,
                dialect == MCC_DIALECT_POSTGRESQL ? " --dialect postgresql" : "");
    mcc_buf_free(&b);
    return 1;
}

/* Writes DIR/<base>.h and every source, each atomically; when one cannot
 * be written, removes the ones already written and says which failed. */
static int write_files(mcc_diag *d, mcc_arena *arena, const char *out_dir, const char *base, const char *header,
                       const cg_file *files, size_t nfiles)
{
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        mcc_error_in(d, NULL, NULL, "cannot create %s: %s", out_dir, strerror(errno));
        return MCC_EXIT_ERROR;
    }
    const char *hpath = mcc_arena_printf(arena, "%s/%s.h", out_dir, base);
    if (mcc_cli_write_atomically(hpath, header) != 0) {
        mcc_error_in(d, NULL, NULL, "cannot write %s: %s", hpath, strerror(errno));
        return MCC_EXIT_ERROR;
    }
    for (size_t i = 0; i < nfiles; i++) {
        const char *cpath = mcc_arena_printf(arena, "%s/%s", out_dir, files[i].name);
        if (mcc_cli_write_atomically(cpath, files[i].text) != 0) {
            mcc_error_in(d, NULL, NULL, "cannot write %s: %s", cpath, strerror(errno));
            remove(hpath);
            for (size_t k = 0; k < i; k++)
                remove(mcc_arena_printf(arena, "%s/%s", out_dir, files[k].name));
            return MCC_EXIT_ERROR;
        }
    }
    return MCC_EXIT_OK;
}

int mcc_cmd_generate(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *out_dir = ".", *prefix = "", *migrations_dir = NULL;
    int split = 0, compact = 0;
    const char *split_into = NULL;
    const mcc_opt opts[] = {
        {"--out", "-o", 1, &out_dir, NULL},
        {"--prefix", NULL, 1, &prefix, NULL},
        {"--migrations", NULL, 1, &migrations_dir, NULL},
        {"--split", NULL, 0, NULL, &split},
        {"--split-into", NULL, 1, &split_into, NULL},
        {"--compact", NULL, 0, NULL, &compact},
        {NULL, NULL, 0, NULL, NULL},
    };
    const char *pos[1] = {0};
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    if (!valid_prefix(prefix)) {
        mcc_cli_error("generate", NULL, "--prefix '%s' is not a C identifier prefix", prefix);
        return MCC_EXIT_USAGE;
    }

    size_t nparts = 0;
    if (split_into) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(split_into, &end, 10);
        if (errno || end == split_into || *end || v < 1 || v > 100000 || split_into[0] == '-') {
            mcc_cli_error("generate", NULL, "--split-into '%s' is not a number of files from 1 to 100000",
                         split_into);
            return MCC_EXIT_USAGE;
        }
        nparts = v;
    }

    mcc_arena arena = {0};
    mcc_source src;
    mcc_schema schema;
    int nerr = mcc_cli_load_schema(pos[0], &arena, &src, &schema);
    cgen g = {&schema, prefix, &arena, schema.name, NULL, 0, NULL, split != 0 || nparts != 0, nparts,
              MC_ENGINE_SQLITE, compact != 0};
    if (!nerr && migrations_dir) {
        mcc_diag diag;
        mcc_diag_init(&diag, &src, NULL, NULL);
        nerr = mcc_cli_require_dir(cmd->name, migrations_dir) ||
               mcc_load_compiled_migrations(&arena, &diag, migrations_dir, &g.migrations, &g.nmigrations,
                                            &g.migrations_engine) != 0 ||
               migrations_match(pos[0], &schema, migrations_dir, &arena);
    }
    if (nerr) {
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }

    char *header = NULL;
    cg_file *files = NULL;
    size_t nfiles = 0;
    mcc_diag diag;
    mcc_diag_init(&diag, &src, NULL, NULL);
    diag.place = "modelc generate";
    int emitted = cg_generate(&g, &schema, &diag, &header, &files, &nfiles);
    mcc_diag_finish(&diag);
    if (emitted == -3) {
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    if (emitted == -2) {
        mcc_error_in(&diag, NULL, NULL,
                    "internal error: the generated C would define '%s' twice (two parts of %s give it; rename one, "
                    "and please report it)",
                    cg_last_duplicate(&g), pos[0]);
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    if (emitted != 0) {
        mcc_error_in(&diag, NULL, NULL, "out of memory");
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    rc = write_files(&diag, &arena, out_dir, schema.name, header, files, nfiles);
    free(header);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i].text);
    free(files);
    mcc_arena_free(&arena);
    return rc;
}
