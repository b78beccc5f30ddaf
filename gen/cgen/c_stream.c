/*
 * c_stream.c -- per model: X_query_next_borrowed, streaming rows whose
 * strings and blobs are lent from the current row (runtime/lend.c).
 *
 * X_query_next copies every string of every row (one malloc each) so
 * that the row outlives the step; a loop that looks at each row once and
 * moves on pays for copies it never keeps.  The borrowed form reads the
 * same columns through a second reader that points into the row the
 * statement is on (SQLite's buffer, or PostgreSQL's single-row result):
 * the values live until the next call on the query, and nothing is freed.
 * It runs on both engines, as the rest of the generated code does.
 */
#include "cgen.h"

/* static int x_read_lent(q, st, at, row): X_read, lending. */
static void emit_lent_reader(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    bool uses_db = false;

    mcc_buf_printf(c, "/* Reads result columns at..at+%zu of st into row, lending strings and blobs "
                      "(%s_query_next_borrowed). */\n", t->ncolumns - 1, fn);
    mcc_buf_printf(c, "static int %s_read_lent(mc_query *q, mc_stmt *st, int at, %s *row)\n{\n", fn, type);
    c->indent = 1;
    mcc_buf_line(c, "mc_db *db = mc_query_db(q);");
    mcc_buf_line(c, "int rc = MC_OK;");
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_column *col = &t->columns[i];
        cg_emit_read_field(g, c, col, i, CG_READ_LENT);
        uses_db |= (cg_kind_of(col) == CG_TEXT && !(col->type == MCC_T_NUMERIC && col->precision > 0)) ||
                   cg_kind_of(col) == CG_BLOB;
    }
    if (!uses_db)
        mcc_buf_line(c, "(void)db;");
    mcc_buf_line(c, "return rc;");
    c->indent = 0;
    mcc_buf_put(c, "}\n\n");
}

void cg_emit_stream(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);

    if (!g->compact)
        emit_lent_reader(g, o, t);
    cg_fn_begin(o, mcc_arena_printf(g->arena,
                                    "Streams the rows as %s_query_next does, but lends them: the strings and blobs of "
                                    "*row point into the current row (no copy, nothing to free). They stay valid until "
                                    "the next call on q (next, first, all, page, rewind, free); copy what you keep "
                                    "(%s_set_<field>, strdup). Never %s_clear or free such a row, and do not pass it "
                                    "to %s_query_next. MC_OK with a row, MC_DONE after the last one (*row zeroed), or "
                                    "an error (*row zeroed).", fn, fn, fn, fn),
                "int %s_query_next_borrowed(%s_query *q, %s *row)", fn, type, type);
    if (g->compact) {
        cg_compact_body(g, &o->c, t, CG_OP_NEXT_LENT, 0);
        cg_fn_end(o);
        return;
    }
    cg_snippet(&o->c,
               "    mc_stmt *st;\n"
               "    int rc = mc_query_step((mc_query *)q, &st);\n"
               "    if (rc == MC_OK && (rc = {{fn}}_read_lent((mc_query *)q, st, 0, row)) != MC_OK)\n"
               "        mc_query_rewind((mc_query *)q);\n"
               "    if (rc != MC_OK)\n"
               "        memset(row, 0, sizeof *row);\n"
               "    return rc;\n",
               "fn", fn, NULL);
    cg_fn_end(o);
}
