/* cmd_stub.c -- commands whose issue has not landed yet say so honestly. */
#include "cli.h"

#include <stdio.h>

static int not_yet(const mc_cmd *cmd, int argc, char **argv)
{
    const char *pos[2];
    int rc = mc_cli_parse(cmd, argc, argv, NULL, pos, 0, 2);
    if (rc == MC_EXIT_OK)
        return rc;
    fprintf(stderr, "modelc %s: not yet implemented\n", cmd->name);
    return MC_EXIT_USAGE;
}

int mc_cmd_generate(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
int mc_cmd_migrate(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
int mc_cmd_upgrade(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
int mc_cmd_downgrade(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
int mc_cmd_current(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
int mc_cmd_history(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
int mc_cmd_stamp(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
int mc_cmd_check(const mc_cmd *cmd, int argc, char **argv) { return not_yet(cmd, argc, argv); }
