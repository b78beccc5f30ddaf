/* c_migrations_load.c -- placeholder reader until migfile.c lands. */
#include "cgen.h"

int mc_load_compiled_migrations(mc_arena *a, mc_diag *diag, const char *dir, const cg_migration **out, size_t *n)
{
    (void)a;
    (void)out;
    *n = 0;
    mc_error_plain(diag, "--migrations %s: compiled-in migrations are not supported yet", dir);
    return -1;
}
