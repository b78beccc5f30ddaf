/*
 * c_bulk.c -- per model: X_insert_many, many rows in one transaction.
 *
 * Written over X_insert, so every row goes through the same checks,
 * defaults and write-back as one insert: the statement is prepared once
 * (the cache hands the same one back for every row) and the rows share one
 * transaction, or one savepoint inside the caller's.  The first failure
 * undoes every row of the call.
 */
#include "cgen.h"

void cg_emit_bulk(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    cg_fn_begin(o, mcc_arena_printf(g->arena,
                                   "Inserts rows[0..n) as %s_insert does each (checks, defaults, ids written back), "
                                   "in one transaction, or one savepoint inside the caller's: all or none. "
                                   "On a failure the message names the row (\"row 3: ...\") and nothing is kept "
                                   "(ids already written back into earlier rows are then not in the database). "
                                   "n == 0 is MC_OK.", fn),
                "int %s_insert_many(mc_db *db, %s *rows, size_t n)", fn, type);
    if (g->compact) {
        cg_compact_body(g, c, t, CG_OP_INSERT_MANY, 0);
        cg_fn_end(o);
        return;
    }
    cg_snippet(c,
               "    if (n == 0)\n"
               "        return MC_OK;\n"
               "    int rc = mc_begin(db);\n"
               "    if (rc != MC_OK)\n"
               "        return rc;\n"
               "    for (size_t i = 0; rc == MC_OK && i < n; i++)\n"
               "        if ((rc = {{fn}}_insert(db, &rows[i])) != MC_OK)\n"
               "            mc_set_error(db, rc, \"row %zu: %s\", i, mc_errmsg(db));\n"
               "    if (rc == MC_OK)\n"
               "        rc = mc_commit(db);\n"
               "    if (rc != MC_OK)\n"
               "        mc_rollback(db);    /* all or none: a failed COMMIT keeps nothing either */\n"
               "    return rc;\n",
               "fn", fn, NULL);
    cg_fn_end(o);
}
