/* c_migrations_load.c -- reading DIR for `generate --migrations DIR`. */
#include "cgen.h"
#include "migfile.h"

int mc_load_compiled_migrations(mc_arena *a, mc_diag *diag, const char *dir, const mc_migration **out, size_t *n)
{
    mc_migdir d;
    mc_buf errors = {0};
    *out = NULL;
    *n = 0;
    if (mc_migdir_read(dir, a, &d, &errors) != 0) {
        mc_error_plain(diag, "--migrations %s:\n%s", dir, errors.data ? errors.data : "");
        mc_buf_free(&errors);
        return -1;
    }
    mc_buf_free(&errors);
    if (d.n == 0) {
        mc_error_plain(diag, "--migrations %s: no migration files (run `modelc migrate` first)", dir);
        return -1;
    }
    *out = mc_migdir_list(&d, a);
    *n = d.n;
    return *out ? 0 : -1;
}
