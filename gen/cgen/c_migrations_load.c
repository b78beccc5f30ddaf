/* c_migrations_load.c -- reading DIR for `generate --migrations DIR`. */
#include "cgen.h"
#include "migfile.h"

/* The sink of a diag that gathers its messages into an mcc_buf. */
static void gather(void *ctx, const char *text)
{
    mcc_buf_put(ctx, text);
}

int mcc_load_compiled_migrations(mcc_arena *a, mcc_diag *diag, const char *dir, const mc_migration **out, size_t *n,
                                 mc_engine *engine)
{
    mcc_dialect dialect = mcc_migdir_dialect(dir, MCC_DIALECT_SQLITE);
    mcc_migdir d;
    mcc_buf errors = {0};
    mcc_diag problems;   /* the directory's, under one error of the schema */
    mcc_diag_init(&problems, NULL, gather, &errors);
    *out = NULL;
    *n = 0;
    *engine = dialect == MCC_DIALECT_POSTGRESQL ? MC_ENGINE_POSTGRESQL : MC_ENGINE_SQLITE;
    if (mcc_migdir_read_in(dir, dialect, a, &problems, &d) != 0) {
        mcc_error_plain(diag, "--migrations %s:\n%s", dir, errors.data ? errors.data : "");
        mcc_buf_free(&errors);
        return -1;
    }
    mcc_buf_free(&errors);
    if (d.n == 0) {
        mcc_error_plain(diag, "--migrations %s: no migration files (run `modelc migrate` first)", dir);
        return -1;
    }
    *out = mcc_migdir_list(&d, a);
    *n = d.n;
    return *out ? 0 : -1;
}
