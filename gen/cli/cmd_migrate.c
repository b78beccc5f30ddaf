/*
 * cmd_migrate.c -- `modelc migrate SCHEMA [-m MESSAGE] [--dir DIR]
 * [--allow-data-loss]`: the options, then mcc_migration_next (pipeline.h)
 * writes the next numbered migration, and this prints what it does.
 */
#include "cli.h"
#include "pipeline.h"
#include "plan.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mcc_cmd_migrate(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *message = NULL, *dir = NULL, *dialect_name = NULL;
    int allow_loss = 0;
    const mcc_opt opts[] = {
        {"--message", "-m", 1, &message, NULL},
        {"--dir", NULL, 1, &dir, NULL},
        {"--allow-data-loss", NULL, 0, NULL, &allow_loss},
        {"--dialect", NULL, 1, &dialect_name, NULL},
        {0},
    };
    const char *pos[1] = {0};
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    mcc_dialect dialect;
    if (mcc_cli_dialect(cmd, dialect_name, &dialect) != 0)
        return MCC_EXIT_USAGE;
    mcc_diag diag;
    mcc_diag_init(&diag, NULL, NULL, NULL);
    diag.place = "modelc migrate";
    if (!dir)
        dir = "migrations";
    /* Like `flask db migrate`: the history starts with `modelc init`. */
    if (mcc_cli_require_dir(cmd->name, dir))
        return MCC_EXIT_ERROR;
    /* The default dialect ($DATABASE_URL's, else SQLite) is not the one
     * of the history in dir: say which --dialect goes on with it. */
    mcc_dialect has = mcc_migdir_dialect(dir, dialect);
    if (!dialect_name && has != dialect) {
        const char *hint = has == MCC_DIALECT_POSTGRESQL ? "give --dialect postgresql" : "give --dialect sqlite";
        mcc_cli_error(cmd->name, hint, "%s holds %s migrations, and the dialect is %s (%s); nothing written", dir,
                      mcc_dialect_name(has), mcc_dialect_name(dialect),
                      getenv("DATABASE_URL") && getenv("DATABASE_URL")[0] ? "that of $DATABASE_URL"
                                                                           : "the default without $DATABASE_URL");
        return MCC_EXIT_ERROR;
    }

    mcc_arena arena = {0};
    mcc_source src = {0};
    mcc_schema want;
    if (mcc_cli_load_schema(pos[0], &arena, &src, &want) != 0) {
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    /* Refusals of the schema name its file; every one is shown. */
    diag.src = &src;
    diag.max_errors = INT_MAX;
    mcc_next_request rq = {&want, pos[0], dir, message, dialect, allow_loss ? MCC_PLAN_ALLOW_LOSS : 0u};
    mcc_next_migration next;
    if (mcc_migration_next(&rq, &arena, &diag, &next) != 0) {
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    if (!next.path) {
        printf("No changes in schema; nothing written.\n");
    } else {
        for (size_t i = 0; i < next.up.nops; i++)
            printf("  %s\n", next.up.ops[i].text);
        for (size_t i = 0; i < next.up.nops; i++)
            if (next.up.ops[i].data_loss)
                printf("  DATA LOSS: %s\n", next.up.ops[i].loss);
        printf("Wrote %s\n", next.path);
    }
    mcc_arena_free(&arena);
    return MCC_EXIT_OK;
}
