/*
 * c_emit.c -- drives the C emitters and fills the header/source templates.
 *
 * One header always.  Sources: one <base>.c, or with --split (g->split)
 * <base>.c for what the models share and one <base>_<model>.c per model,
 * or with --split-into N (g->split_into) N sources <base>_part<k>.c of
 * consecutive models.  Each split source reads every model's types but
 * only the header sections of its own models' functions and of their
 * neighbours' (put_part_guard); still, a schema of thousands of models
 * compiles faster in a few parts than in one per model.  Every source
 * starts with its own long texts (cg_long_text: each file defines the
 * ones it uses) and the prototypes of the row readers.
 */
#include "cgen.h"
#include "templates.h"

#include <stdlib.h>
#include <string.h>

/* A model's part: metadata, functions, streaming, relationships, pages, loaders. */
static void emit_model(cgen *g, cg_out *o, const mcc_table *t)
{
    cg_emit_table_meta(g, o, t);
    cg_emit_crud(g, o, t);
    cg_emit_bulk(g, o, t);
    cg_emit_stream(g, o, t);
    cg_emit_relations(g, o, t);
    cg_emit_pages(g, o, t);
    cg_emit_eager(g, o, t);
}

/* Which of nparts parts model i of the schema is in (the parts hold
 * consecutive models, as mcc_emit_c_files cuts them). */
static size_t part_of(size_t i, size_t nmodels, size_t nparts)
{
    size_t k = 0;
    while (k + 1 < nparts && (k + 1) * nmodels / nparts <= i)
        k++;
    return k;
}

/*
 * Opens the header section of model i's functions when the sources are
 * split: the section is read by the application (which defines no
 * <GUARD>_PART), by the model's own source, and by the source of every
 * model with a relationship to it (whose accessors call its functions);
 * every other source skips it, so a source of a large schema parses the
 * types of every model (relationships may name any of them) but only its
 * own models' functions and their neighbours'.  Closed with "#endif".
 */
static void put_part_guard(cgen *g, mcc_buf *h, size_t i, size_t nparts)
{
    const mcc_schema *s = g->schema;
    const char *guard = cg_guard(g);
    size_t own = part_of(i, s->ntables, nparts);
    bool *seen = calloc(nparts, sizeof *seen);
    if (!seen) {
        h->failed = 1;
        return;
    }
    seen[own] = true;
    mcc_buf_printf(h, "#if !defined(%s_PART) || %s_PART == %zu", guard, guard, own + 1);
    for (size_t j = 0; j < s->ntables; j++)
        for (size_t r = 0; r < s->tables[j]->nrels; r++) {
            size_t k = part_of(j, s->ntables, nparts);
            if (s->tables[j]->rels[r]->target == s->tables[i] && !seen[k]) {
                seen[k] = true;
                mcc_buf_printf(h, " || %s_PART == %zu", guard, k + 1);
            }
        }
    mcc_buf_put(h, "\n");
    free(seen);
}

/* The schema file's name as the head comments quote it. */
static const char *schema_file_name(cgen *g)
{
    const char *slash = strrchr(g->schema->path, '/');
    mcc_buf b = {0};
    cg_put_comment_text(&b, slash ? slash + 1 : g->schema->path);
    const char *r = mcc_arena_strdup(g->arena, b.data ? b.data : "");
    mcc_buf_free(&b);
    return r;
}

/* Renders the source template around body (the functions of one file),
 * its long texts and the prototypes of the readers it calls first (those
 * of tables[0..ntables) and of their relationships' targets; every
 * reader when tables is NULL); adds it to files. */
static int add_source(cgen *g, cg_file *files, size_t *n, const char *file, size_t part, mcc_table *const *tables,
                      size_t ntables, const char *texts, const char *body)
{
    mcc_buf text = {0}, out = {0};
    mcc_buf_put(&text, texts);
    mcc_buf_put(&text, cg_long_texts(g));
    cg_long_texts_reset(g);
    cg_emit_reader_decls(g, &text, tables, ntables);
    mcc_buf_put(&text, body);
    const char *prelude = part ? mcc_arena_printf(g->arena, "#define %s_PART %zu   /* this file's models: see %s.h */\n\n",
                                                 cg_guard(g), part, g->base)
                               : "";
    const char *vars[] = {
        "PRELUDE", prelude,
        "FILE", file,
        "BASE", g->base,
        "VERSION", MODELC_VERSION,
        "SCHEMA", schema_file_name(g),
        "BODY", text.data ? text.data : "",
        NULL,
    };
    mcc_template_render(&out, mcc_template_get("source.c"), vars);
    int failed = text.failed || out.failed;
    mcc_buf_free(&text);
    files[*n].name = file;
    files[(*n)++].text = mcc_buf_take(&out);
    return failed ? -1 : 0;
}

/*
 * Part k of nparts of a split schema: its models' declarations go to the
 * header h in the same place as without --split, each in its section
 * (put_part_guard); their functions into a source of their own, added to
 * files.  Returns nonzero when out of memory.
 */
static int emit_part(cgen *g, mcc_buf *h, cg_file *files, size_t *n, size_t k, size_t nparts)
{
    const mcc_schema *s = g->schema;
    size_t from = k * s->ntables / nparts, to = (k + 1) * s->ntables / nparts;
    mcc_buf c = {0};
    int failed = 0;
    for (size_t i = from; i < to; i++) {
        cg_out model = {{0}, {0}};
        emit_model(g, &model, s->tables[i]);
        put_part_guard(g, h, i, nparts);
        mcc_buf_put(h, model.h.data ? model.h.data : "");
        mcc_buf_put(h, "#endif\n\n");
        mcc_buf_put(&c, model.c.data ? model.c.data : "");
        failed |= model.h.failed || model.c.failed;
        mcc_buf_free(&model.h);
        mcc_buf_free(&model.c);
    }
    const char *file = g->split_into ? mcc_arena_printf(g->arena, "%s_part%zu.c", g->base, k + 1)
                                     : mcc_arena_printf(g->arena, "%s_%s.c", g->base, cg_fn(g, s->tables[from]));
    failed |= c.failed || add_source(g, files, n, file, k + 1, s->tables + from, to - from, "", c.data ? c.data : "");
    mcc_buf_free(&c);
    return failed;
}

static void free_files(cg_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i].text);
    free(files);
}

int mcc_emit_c_files(cgen *g, char **header, cg_file **out_files, size_t *out_n)
{
    const mcc_schema *s = g->schema;
    cg_file *files = calloc(s->ntables + 1, sizeof *files);
    if (!files)
        return -1;
    size_t n = 0;
    int failed = 0;
    cg_out shared = {{0}, {0}};
    cg_emit_types(g, &shared);
    cg_emit_eager_types(g, &shared);
    /* The long texts of the shared part so far: the models' files come next. */
    mcc_buf shared_texts = {0};
    mcc_buf_put(&shared_texts, cg_long_texts(g));
    cg_long_texts_reset(g);
    size_t nparts = !g->split ? 0 : g->split_into && g->split_into < s->ntables ? g->split_into : s->ntables;
    if (!g->split)
        for (size_t i = 0; i < s->ntables; i++)
            emit_model(g, &shared, s->tables[i]);
    for (size_t k = 0; k < nparts; k++)
        failed |= emit_part(g, &shared.h, files, &n, k, nparts);
    cg_emit_queries(g, &shared);
    cg_emit_migrations(g, &shared);
    /* The shared source first: with one file, it is the only one. */
    memmove(files + 1, files, n * sizeof *files);
    size_t last = n;
    n = 0;
    failed |= shared_texts.failed || add_source(g, files, &n, mcc_arena_printf(g->arena, "%s.c", g->base), 0, NULL, 0,
                                                shared_texts.data ? shared_texts.data : "",
                                                shared.c.data ? shared.c.data : "");
    mcc_buf_free(&shared_texts);
    n = last + 1;

    const char *header_vars[] = {
        "BASE", g->base,
        "VERSION", MODELC_VERSION,
        "SCHEMA", schema_file_name(g),
        "GUARD", cg_guard(g),
        "RUNTIME_MIN", "100",
        "PREFIX", g->prefix,
        "BODY", shared.h.data ? shared.h.data : "",
        NULL,
    };
    mcc_buf h = {0};
    mcc_template_render(&h, mcc_template_get("header.h"), header_vars);
    failed |= h.failed || shared.h.failed || shared.c.failed;
    mcc_buf_free(&shared.h);
    mcc_buf_free(&shared.c);

    /* Every definition of every file at once: the header's one-liners and
     * each source's functions. */
    mcc_buf all = {0};
    mcc_buf_put(&all, h.data ? h.data : "");
    for (size_t i = 0; i < n; i++)
        mcc_buf_put(&all, files[i].text ? files[i].text : "");
    failed |= all.failed;
    bool duplicate = !failed && cg_duplicate_definition(g, all.data ? all.data : "");
    mcc_buf_free(&all);
    if (failed || duplicate) {
        mcc_buf_free(&h);
        free_files(files, n);
        return duplicate ? -2 : -1;
    }
    *header = mcc_buf_take(&h);
    *out_files = files;
    *out_n = n;
    return 0;
}

int mcc_emit_c(cgen *g, char **header, char **source)
{
    bool split = g->split;
    g->split = false;
    cg_file *files = NULL;
    size_t n = 0;
    int rc = mcc_emit_c_files(g, header, &files, &n);
    g->split = split;
    if (rc != 0)
        return rc;
    *source = files[0].text;
    free(files);
    return 0;
}
