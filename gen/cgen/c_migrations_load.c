/* c_migrations_load.c -- reading DIR for `generate --migrations DIR`. */
#include "cgen.h"
#include "migfile.h"

/* The sink of a diag that gathers its messages into an mc_buf. */
static void gather(void *ctx, const char *text)
{
    mc_buf_put(ctx, text);
}

int mc_load_compiled_migrations(mc_arena *a, mc_diag *diag, const char *dir, const mc_migration **out, size_t *n)
{
    mc_migdir d;
    mc_buf errors = {0};
    mc_diag problems;   /* the directory's, under one error of the schema */
    mc_diag_init(&problems, NULL, gather, &errors);
    *out = NULL;
    *n = 0;
    if (mc_migdir_read(dir, a, &problems, &d) != 0) {
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
