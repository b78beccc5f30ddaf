/*
 * cmd_migrate.c -- `modelc migrate SCHEMA [-m MESSAGE] [--dir DIR]
 * [--allow-data-loss]`: replays the migrations of DIR into an in-memory
 * database, introspects it, diffs it with SCHEMA and writes the next
 * numbered migration.  Before writing, the new migration is tried on that
 * database both ways: its upgrade must give SCHEMA and its downgrade the
 * schema before it.
 */
#include "cli.h"
#include "diff.h"
#include "introspect.h"
#include "migfile.h"
#include "plan.h"
#include "schema.h"

#include <stdio.h>
#include <string.h>

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Prints each op of d as "  prefix text" to f; returns their count. */
static size_t print_ops(FILE *f, const mc_diff *d, const char *prefix)
{
    for (size_t i = 0; i < d->nops; i++)
        fprintf(f, "%s%s\n", prefix, d->ops[i].text);
    return d->nops;
}

/* Does db now hold `want`?  Prints the differences when not. */
static int holds(sqlite3 *db, const mc_schema *want, mc_arena *arena, const char *what)
{
    mc_schema got;
    const char *err = NULL;
    if (mc_introspect(db, arena, &got, &err) != SQLITE_OK) {
        fprintf(stderr, "modelc migrate: %s\n", err ? err : "cannot introspect");
        return 0;
    }
    mc_diff d;
    if (mc_diff_schemas(&got, want, NULL, arena, &d) != 0)
        return 0;
    if (d.nops == 0)
        return 1;
    fprintf(stderr,
            "modelc migrate: internal error: the generated %s does not give the expected schema; "
            "it still needs:\n",
            what);
    print_ops(stderr, &d, "  ");
    return 0;
}

int mc_cmd_migrate(const mc_cmd *cmd, int argc, char **argv)
{
    const char *message = NULL, *dir = NULL, *dialect_name = NULL;
    int allow_loss = 0;
    const mc_opt opts[] = {
        {"--message", "-m", 1, &message, NULL},
        {"--dir", NULL, 1, &dir, NULL},
        {"--allow-data-loss", NULL, 0, NULL, &allow_loss},
        {"--dialect", NULL, 1, &dialect_name, NULL},
        {0},
    };
    const char *pos[1] = {0};
    int rc = mc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    mc_dialect dialect;
    if (mc_cli_dialect(cmd, dialect_name, &dialect) != 0)
        return MC_EXIT_USAGE;
    if (dialect != MC_DIALECT_SQLITE) {
        fprintf(stderr,
                "modelc migrate: migrations for PostgreSQL are not written yet%s; nothing written\n"
                "hint: `modelc sql --dialect postgresql %s` prints the tables' DDL; see docs/postgresql.md\n",
                dialect_name ? "" : " (the dialect of $DATABASE_URL)", pos[0]);
        return MC_EXIT_ERROR;
    }
    if (!dir)
        dir = "migrations";
    /* Like `flask db migrate`: the history starts with `modelc init`. */
    if (mc_cli_require_dir(cmd->name, dir))
        return MC_EXIT_ERROR;

    mc_arena arena = {0};
    mc_source src = {0};
    mc_schema want;
    if (mc_cli_load_schema(pos[0], &arena, &src, &want) != 0) {
        mc_arena_free(&arena);
        return MC_EXIT_ERROR;
    }

    rc = MC_EXIT_ERROR;
    sqlite3 *db = NULL;
    mc_buf errs = {0};
    mc_migdir md;
    const char *err = NULL;
    if (mc_migdir_read(dir, &arena, &md, &errs)) {
        fprintf(stderr, "%s", errs.data ? errs.data : "");
        fprintf(stderr, "modelc migrate: fix the migrations directory first; nothing written\n");
        goto out;
    }
    if (mc_migdir_replay(&md, md.n, &db, &arena, &err)) {
        fprintf(stderr, "modelc migrate: %s\nmodelc migrate: the existing migrations do not replay; nothing written\n",
                err);
        goto out;
    }
    mc_schema have;
    if (mc_introspect(db, &arena, &have, &err) != SQLITE_OK) {
        fprintf(stderr, "modelc migrate: %s\n", err ? err : "cannot introspect the migrations' schema");
        goto out;
    }
    if (mc_migdir_annotate(&md, md.n, &arena, &have) != 0) {
        fprintf(stderr, "modelc migrate: out of memory\n");
        goto out;
    }

    mc_renames ren, inv;
    mc_renames_from_hints(&have, &want, &arena, &ren);
    mc_renames_invert(&ren, &arena, &inv);
    mc_diff up, down;
    if (mc_diff_schemas(&have, &want, &ren, &arena, &up) || mc_diff_schemas(&want, &have, &inv, &arena, &down)) {
        fprintf(stderr, "modelc migrate: out of memory\n");
        goto out;
    }
    if (up.nops == 0) {
        printf("No changes in schema; nothing written.\n");
        rc = MC_EXIT_OK;
        goto out;
    }
    mc_plan pu, pd;
    if (mc_plan_build(&up, &have, &want, 1, allow_loss, &arena, &pu) ||
        mc_plan_build(&down, &want, &have, 0, 1, &arena, &pd)) {
        fprintf(stderr, "modelc migrate: out of memory\n");
        goto out;
    }
    if (pu.nerrors) {
        for (size_t i = 0; i < pu.nerrors; i++) {
            fprintf(stderr, "%s: error: %s\n", pos[0], pu.errors[i].message);
            if (pu.errors[i].hint)
                fprintf(stderr, "  hint: %s\n", pu.errors[i].hint);
        }
        fprintf(stderr, "modelc migrate: nothing written\n");
        goto out;
    }

    /* Try it: up must give SCHEMA, down the schema before. */
    if (mc_exec_sql(db, pu.sql, "the new migration's upgrade", &arena, &err) ||
        mc_exec_sql(db, "PRAGMA foreign_key_check", "foreign_key_check", &arena, &err)) {
        fprintf(stderr, "modelc migrate: internal error: %s\n", err);
        goto out;
    }
    if (!holds(db, &want, &arena, "upgrade"))
        goto out;
    if (mc_exec_sql(db, pd.sql, "the new migration's downgrade", &arena, &err)) {
        fprintf(stderr, "modelc migrate: internal error: %s\n", err);
        goto out;
    }
    if (!holds(db, &have, &arena, "downgrade"))
        goto out;

    int version = (int)md.n + 1;
    const char *slug = message ? mc_slug(&arena, message) : mc_slug_from_diff(&arena, &up);
    const char *msg = message;
    if (!msg) {
        char *m = mc_arena_strdup(&arena, slug);
        for (char *p = m; p && *p; p++)
            if (*p == '_')
                *p = ' ';
        msg = m;
    }
    const char *filename = mc_arena_printf(&arena, "%04d_%s.sql", version, slug);
    const char *text =
        mc_migfile_render(&arena, version, msg, base(pos[0]), mc_migfile_date(&arena), pu.sql, pd.sql, &want);
    if (!text || !filename) {
        fprintf(stderr, "modelc migrate: out of memory\n");
        goto out;
    }
    if (mc_migfile_write(dir, filename, text, &arena, &err)) {
        fprintf(stderr, "modelc migrate: %s\n", err);
        goto out;
    }
    print_ops(stdout, &up, "  ");
    for (size_t i = 0; i < up.nops; i++)
        if (up.ops[i].data_loss)
            printf("  DATA LOSS: %s\n", up.ops[i].loss);
    printf("Wrote %s/%s\n", dir, filename);
    rc = MC_EXIT_OK;
out:
    sqlite3_close(db);
    mc_buf_free(&errs);
    mc_arena_free(&arena);
    return rc;
}
