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
    const char *vars[] = {
        "BASE", g->base,
        "VERSION", MODELC_VERSION,
        "SCHEMA", schema_file,
        "GUARD", guard,
        "RUNTIME_MIN", "100",
        "PREFIX", g->prefix,
        "BODY", o.h.data ? o.h.data : "",
        NULL,
    };
    mc_buf h = {0}, c = {0};
    mc_template_render(&h, mc_template_get("header.h"), vars);
    mc_buf body = {0};
    mc_buf_put(&body, cg_long_texts(g));
    mc_buf_put(&body, o.c.data ? o.c.data : "");
    vars[13] = body.data ? body.data : "";
    mc_template_render(&c, mc_template_get("source.c"), vars);
    int failed = h.failed || c.failed || o.h.failed || o.c.failed || body.failed;
    if (!failed && cg_duplicate_definition(g, c.data ? c.data : "")) {
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
