/*
 * c_pages.c -- per model: X_page and X_query_page (Flask-SQLAlchemy's
 * paginate()), and X_query_delete (query.filter_by(...).delete()).
 *
 * Both are thin: the runtime (runtime/page.c, runtime/query_delete.c)
 * counts, windows and deletes; the generated code reads the page's rows
 * through X_query_all, so through the model's one row reader.
 */
#include "cgen.h"
#include "naming.h"

#include <string.h>

/* X_page, next to the functions that fill and free it. */
static void emit_page_type(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *h = &o->h;
    mcc_buf_printf(h, "/* One page of a %s query (%s_query_page): items[0..count) owned by the page, freed\n"
                     " * with %s_page_free; the numbers as Flask-SQLAlchemy's Pagination has them. */\n",
                  type, fn, fn);
    mcc_buf_printf(h, "typedef struct %s_page {\n", type);
    mcc_buf_printf(h, "    %s *items;\n", type);
    mcc_buf_put(h, "    size_t count;                   /* rows on this page, <= per_page */\n");
    mcc_buf_put(h, "    int64_t total;                  /* rows of the query, its own limit/offset ignored */\n");
    mcc_buf_put(h, "    int64_t page;                   /* 1-based, as asked */\n");
    mcc_buf_put(h, "    int64_t per_page;\n");
    mcc_buf_put(h, "    int64_t pages;                  /* ceil(total / per_page); 0 when total is 0 */\n");
    mcc_buf_put(h, "    bool has_prev;                  /* page > 1 */\n");
    mcc_buf_put(h, "    bool has_next;                  /* page < pages */\n");
    mcc_buf_printf(h, "} %s_page;\n\n", type);
}

static void emit_page(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    emit_page_type(g, o, t);

    cg_fn_begin(o, "Frees the rows of a page and empties it; NULL is a no-op.", "void %s_page_free(%s_page *page)", fn,
                type);
    if (g->compact)
        cg_compact_body(g, c, t, CG_OP_PAGE_FREE, 0);
    else
    cg_snippet(c,
               "    if (!page)\n"
               "        return;\n"
               "    {{type}}_list list = {page->items, page->count};\n"
               "    {{fn}}_list_free(&list);\n"
               "    memset(page, 0, sizeof *page);\n",
               "fn", fn, "type", type, NULL);
    cg_fn_end(o);

    cg_fn_begin(o, mcc_arena_printf(g->arena,
                                   "*out = page `page` (from 1) of the query, per_page rows a page, in the query's order "
                                   "(paginate()): the query's own limit and offset are ignored and left as they were. "
                                   "A page past the end is empty (MC_OK); page < 1 or per_page < 1 is MC_INVALID. "
                                   "Total and rows come from one transaction. Free with %s_page_free.", fn),
                "int %s_query_page(%s_query *q, int64_t page, int64_t per_page, %s_page *out)", fn, type, type);
    if (g->compact) {
        cg_compact_body(g, c, t, CG_OP_QUERY_PAGE, 0);
        cg_fn_end(o);
        return;
    }
    cg_snippet(c,
               "    mc_page_info info;\n"
               "    {{type}}_list list = {NULL, 0};\n"
               "    memset(out, 0, sizeof *out);\n"
               "    int rc = mc_query_page_begin((mc_query *)q, page, per_page, &info);\n"
               "    if (rc == MC_OK && info.has_rows)\n"
               "        rc = {{fn}}_query_all(q, &list);\n"
               "    rc = mc_query_page_end((mc_query *)q, &info, rc);\n"
               "    if (rc != MC_OK) {\n"
               "        {{fn}}_list_free(&list);\n"
               "        return rc;\n"
               "    }\n"
               "    out->items = list.items;\n"
               "    out->count = list.count;\n"
               "    out->total = info.total;\n"
               "    out->page = info.page;\n"
               "    out->per_page = info.per_page;\n"
               "    out->pages = info.pages;\n"
               "    out->has_prev = info.has_prev != 0;\n"
               "    out->has_next = info.has_next != 0;\n"
               "    return MC_OK;\n",
               "fn", fn, "type", type, NULL);
    cg_fn_end(o);
}

static void emit_delete(cgen *g, cg_out *o, const mcc_table *t)
{
    const char *type = cg_type(g, t), *fn = cg_fn(g, t);
    mcc_buf *c = &o->c;
    const mcc_relationship *cs[32];
    size_t n = cg_delete_cascades(t, cs, 32);   /* the children X_delete deletes first */
    mcc_buf doc = {0};
    mcc_buf_printf(&doc, "Deletes every %s row the query selects (query.delete()); *n (may be NULL) = rows deleted. "
                        "With a limit or offset, exactly the rows the query gives.", t->name);
    for (size_t i = 0; i < n; i++)
        mcc_buf_printf(&doc, " Deletes their %s first (cascade: delete), all in one transaction.", cs[i]->name);
    mcc_buf_put(&doc, " Nothing is deleted when it fails.");
    cg_fn_begin(o, doc.data, "int %s_query_delete(%s_query *q, int64_t *n)", fn, type);
    mcc_buf_free(&doc);
    if (n == 0) {
        mcc_buf_line(c, "return mc_query_delete((mc_query *)q, NULL, 0, n);");
        cg_fn_end(o);
        return;
    }
    mcc_buf_line(c, "static const char *const cascade[] = {");
    for (size_t i = 0; i < n; i++) {
        const mcc_relationship *r = cs[i];
        const char *sql = cg_sqlf(g, "DELETE FROM %I WHERE %I IN ", r->target->name,
                                  r->target->columns[r->fk->cols[0]].name);
        mcc_buf_line(c, "    %s,", cg_cstr(g, sql));
    }
    mcc_buf_line(c, "};");
    mcc_buf_line(c, "return mc_query_delete((mc_query *)q, cascade, %zu, n);", n);
    cg_fn_end(o);
}

void cg_emit_pages(cgen *g, cg_out *o, const mcc_table *t)
{
    emit_page(g, o, t);
    emit_delete(g, o, t);
}
