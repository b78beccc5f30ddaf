/* cmd_sql.c -- `modelc sql SCHEMA [--dialect D]`: the DDL of the whole schema. */
#include "cli.h"
#include "ddl.h"
#include "schema.h"

#include <stdio.h>

int mc_cmd_sql(const mc_cmd *cmd, int argc, char **argv)
{
    const char *pos[1] = {0};
    const char *dialect_name = NULL;
    const mc_opt opts[] = {
        {"--dialect", NULL, 1, &dialect_name, NULL},
        {0},
    };
    int rc = mc_cli_parse(cmd, argc, argv, opts, pos, 1, 1);
    if (rc >= 0)
        return rc;
    mc_dialect dialect;
    if (mc_cli_dialect(cmd, dialect_name, &dialect) != 0)
        return MC_EXIT_USAGE;
    mc_arena arena = {0};
    mc_source src;
    mc_schema schema;
    if (mc_cli_load_schema(pos[0], &arena, &src, &schema) != 0) {
        mc_arena_free(&arena);
        return MC_EXIT_ERROR;
    }
    mc_buf b = {0};
    mc_ddl_schema_in(&b, dialect, &schema);
    int ok = !b.failed && fwrite(b.data ? b.data : "", 1, b.len, stdout) == b.len && fflush(stdout) == 0;
    mc_buf_free(&b);
    mc_arena_free(&arena);
    if (!ok) {
        mc_cli_error("sql", NULL, "cannot write the output");
        return MC_EXIT_ERROR;
    }
    return MC_EXIT_OK;
}
