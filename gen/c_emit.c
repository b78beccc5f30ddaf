/* c_emit.c -- drives the C emitters and fills the header/source templates. */
#include "cgen.h"
#include "templates.h"

#include <ctype.h>
#include <string.h>

int mc_emit_c(cgen *g, char **header, char **source)
{
    cg_out o = {{0}, {0}};
    cg_emit_types(g, &o);
    cg_emit_eager_types(g, &o);
    for (size_t i = 0; i < g->schema->ntables; i++) {
        cg_emit_crud(g, &o, g->schema->tables[i]);
        cg_emit_bulk(g, &o, g->schema->tables[i]);
        cg_emit_relations(g, &o, g->schema->tables[i]);
        cg_emit_pages(g, &o, g->schema->tables[i]);
        cg_emit_eager(g, &o, g->schema->tables[i]);
    }
    cg_emit_queries(g, &o);
    cg_emit_migrations(g, &o);

    const char *guard = cg_guard(g);
    const char *schema_file = strrchr(g->schema->path, '/') ? strrchr(g->schema->path, '/') + 1 : g->schema->path;
    mc_buf file_comment = {0};  /* the file name, as the head comments quote it */
    cg_put_comment_text(&file_comment, schema_file);
    schema_file = mc_arena_strdup(g->arena, file_comment.data ? file_comment.data : "");
    mc_buf_free(&file_comment);
    mc_buf body = {0};   /* the source's: long texts first, then the functions */
    mc_buf_put(&body, cg_long_texts(g));
    mc_buf_put(&body, o.c.data ? o.c.data : "");
    const char *header_vars[] = {
        "BASE", g->base,
        "VERSION", MODELC_VERSION,
        "SCHEMA", schema_file,
        "GUARD", guard,
        "RUNTIME_MIN", "100",
        "PREFIX", g->prefix,
        "BODY", o.h.data ? o.h.data : "",
        NULL,
    };
    const char *source_vars[] = {
        "BASE", g->base,
        "VERSION", MODELC_VERSION,
        "SCHEMA", schema_file,
        "BODY", body.data ? body.data : "",
        NULL,
    };
    mc_buf h = {0}, c = {0};
    mc_template_render(&h, mc_template_get("header.h"), header_vars);
    mc_template_render(&c, mc_template_get("source.c"), source_vars);
    int failed = h.failed || c.failed || o.h.failed || o.c.failed || body.failed;
    mc_buf both = {0};  /* definitions: the header's one-liners and the source's functions */
    mc_buf_put(&both, h.data ? h.data : "");
    mc_buf_put(&both, c.data ? c.data : "");
    failed |= both.failed;
    bool duplicate = !failed && cg_duplicate_definition(g, both.data ? both.data : "");
    mc_buf_free(&both);
    if (duplicate) {
        mc_buf_free(&body);
        mc_buf_free(&o.h);
        mc_buf_free(&o.c);
        mc_buf_free(&h);
        mc_buf_free(&c);
        return -2;
    }
    mc_buf_free(&body);
    mc_buf_free(&o.h);
    mc_buf_free(&o.c);
    if (failed) {
        mc_buf_free(&h);
        mc_buf_free(&c);
        return -1;
    }
    *header = mc_buf_take(&h);
    *source = mc_buf_take(&c);
    return 0;
}
