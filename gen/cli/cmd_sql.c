/* cmd_sql.c -- `modelc sql SCHEMA [--dialect D]`: the DDL of the whole schema. */
#include "cli.h"
#include "ddl.h"
#include "schema.h"

#include <stdio.h>

int mcc_cmd_sql(const mcc_cmd *cmd, int argc, char **argv)
{
    const char *pos[1] = {0};
    const char *dialect_name = NULL;
    const mcc_opt opts[] = {
        {"--dialect", NULL, 1, &dialect_name, NULL},
        {0},
    };
    int rc = mcc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    mcc_dialect dialect;
    if (mcc_cli_dialect(cmd, dialect_name, &dialect) != 0)
        return MCC_EXIT_USAGE;
    mcc_arena arena = {0};
    mcc_source src;
    mcc_schema schema;
    if (mcc_cli_load_schema(pos[0], &arena, &src, &schema) != 0) {
        mcc_arena_free(&arena);
        return MCC_EXIT_ERROR;
    }
    mcc_buf b = {0};
    mcc_ddl_schema_in(&b, dialect, &schema);
    int ok = !b.failed && fwrite(b.data ? b.data : "", 1, b.len, stdout) == b.len && fflush(stdout) == 0;
    mcc_buf_free(&b);
    mcc_arena_free(&arena);
    if (!ok) {
        mcc_cli_error("sql", NULL, "cannot write the output");
        return MCC_EXIT_ERROR;
    }
    return MCC_EXIT_OK;
}
