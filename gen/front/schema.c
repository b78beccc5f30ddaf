/*
 * schema.c -- the checked schema model's own facts and queries: the type
 * table (one row per line of types.def), names of foreign-key actions,
 * lookups by name, and the order tables are created in.
 *
 * Both producers of a schema (sema.c from a .model file, introspect.c from
 * a database) and every consumer (DDL, C, diff/plan) read these; nothing
 * here reports an error or allocates outside the arena it is given.
 */
#include "schema.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const mcc_type_info mcc_types[MCC_T__COUNT] = {
#define X(ID, dsl, sql, pg, params, ctype, kind, fam, pgbits, bind, read, check_if, check, zero, pgzero, qfam, lit, lent, pgcmp, rt) \
    {dsl, sql, pg, params, ctype, MCC_FAM_##fam, pgbits},
#include "types.def"
#undef X
    {"enum", "VARCHAR", "", 0, "int", MCC_FAM_STR, 0},
    {"?", "", "", 0, "", MCC_FAM_OTHER, 0},
};

const char *mcc_fk_action_sql(mcc_fk_action a)
{
    switch (a) {
    case MCC_FK_CASCADE: return "CASCADE";
    case MCC_FK_SET_NULL: return "SET NULL";
    case MCC_FK_SET_DEFAULT: return "SET DEFAULT";
    case MCC_FK_RESTRICT: return "RESTRICT";
    case MCC_FK_NO_ACTION: return "NO ACTION";
    case MCC_FK_NONE: break;
    }
    return NULL;
}

/* ---- lookups ------------------------------------------------------------ */

mcc_table *mcc_schema_table(const mcc_schema *s, const char *sql_name)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (strcmp(s->tables[i]->name, sql_name) == 0)
            return s->tables[i];
    return NULL;
}

mcc_table *mcc_schema_model(const mcc_schema *s, const char *model)
{
    for (size_t i = 0; i < s->ntables; i++)
        if (s->tables[i]->model && strcmp(s->tables[i]->model, model) == 0)
            return s->tables[i];
    return NULL;
}

mcc_column *mcc_table_column(const mcc_table *t, const char *sql_name)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i].name, sql_name) == 0)
            return &t->columns[i];
    return NULL;
}

mcc_column *mcc_table_field(const mcc_table *t, const char *field)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i].field && strcmp(t->columns[i].field, field) == 0)
            return &t->columns[i];
    return NULL;
}

size_t mcc_table_column_index(const mcc_table *t, const char *sql_name)
{
    const mcc_column *c = mcc_table_column(t, sql_name);
    return c ? (size_t)(c - t->columns) : (size_t)-1;
}

mcc_type_id mcc_type_named(const char *dsl)
{
    for (size_t t = 0; t < MCC_T_ENUM; t++)
        if (strcmp(mcc_types[t].dsl, dsl) == 0)
            return (mcc_type_id)t;
    return MCC_T_UNKNOWN;
}

const char *mcc_type_hint(mcc_arena *a, const mcc_schema *s, const char *word)
{
    const char *cands[MCC_T__COUNT + 64];
    size_t n = 0;
    for (size_t t = 0; t < MCC_T_ENUM; t++)
        cands[n++] = mcc_types[t].dsl;
    for (size_t i = 0; i < s->nenums && n < sizeof cands / sizeof cands[0]; i++)
        cands[n++] = s->enums[i].name;
    return mcc_hint_closest(a, word, cands, n, 0);
}

const char *mcc_column_type_name(const mcc_column *c)
{
    return c->type == MCC_T_ENUM && c->enum_type ? c->enum_type->name : mcc_types[c->type].dsl;
}

/* ---- creation order ------------------------------------------------------ */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_table_name(const void *a, const void *b)
{
    return strcmp((*(mcc_table *const *)a)->name, (*(mcc_table *const *)b)->name);
}

/* Calls fn(i, j, ctx) for every reference of table todo[i] to another
 * table todo[j] (j != i; a self-reference or a reference to a table not in
 * the schema does not count). */
static void each_reference(mcc_table *const *todo, size_t n, const mcc_strmap *by_name, const size_t *same,
                           void (*fn)(size_t i, size_t j, void *ctx), void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        const mcc_table *t = todo[i];
        for (size_t k = 0; k < t->nconstraints; k++) {
            const mcc_constraint *c = &t->constraints[k];
            if (c->kind != MCC_C_FOREIGN_KEY || !c->ref_table || strcmp(c->ref_table, t->name) == 0)
                continue;
            for (size_t j1 = (size_t)(uintptr_t)mcc_strmap_get(by_name, c->ref_table); j1; j1 = same[j1 - 1])
                if (j1 - 1 != i)
                    fn(i, j1 - 1, ctx);
        }
    }
}

typedef struct ref_graph {
    size_t *waiting;    /* per table: references to tables not yet placed */
    size_t *ustart;     /* per table j: its users are users[ustart[j] .. ustart[j+1]) */
    size_t *fill;
    size_t *users;
} ref_graph;

static void count_ref(size_t i, size_t j, void *ctx)
{
    ref_graph *g = ctx;
    g->waiting[i]++;
    g->ustart[j + 1]++;
}

static void store_ref(size_t i, size_t j, void *ctx)
{
    ref_graph *g = ctx;
    g->users[g->fill[j]++] = i;
}

void mcc_schema_sort(mcc_schema *s, mcc_arena *arena)
{
    /* Kahn's algorithm, level by level: a level is every table whose
     * referenced tables are all in earlier levels, in name order; a cycle
     * puts every remaining table in one last level, by name.  Linear in
     * tables and foreign keys, plus the sorting. */
    size_t n = s->ntables;
    mcc_table **todo = mcc_arena_alloc(arena, (n + 1) * sizeof *todo);
    mcc_table **out = mcc_arena_alloc(arena, (n + 1) * sizeof *out);
    size_t *same = mcc_arena_alloc(arena, (n + 1) * sizeof *same);  /* next index (+1) of the same name */
    size_t *cur = mcc_arena_alloc(arena, (n + 1) * sizeof *cur);
    size_t *nxt = mcc_arena_alloc(arena, (n + 1) * sizeof *nxt);
    bool *done = mcc_arena_alloc(arena, (n + 1) * sizeof *done);
    ref_graph g = {
        mcc_arena_alloc(arena, (n + 1) * sizeof *g.waiting),
        mcc_arena_alloc(arena, (n + 2) * sizeof *g.ustart),
        mcc_arena_alloc(arena, (n + 1) * sizeof *g.fill),
        NULL,
    };
    mcc_strmap by_name;
    mcc_strmap_init(&by_name, arena, n);
    if (!todo || !out || !same || !cur || !nxt || !done || !g.waiting || !g.ustart || !g.fill || !by_name.cap)
        return;
    memcpy(todo, s->tables, n * sizeof *todo);
    qsort(todo, n, sizeof *todo, cmp_table_name);
    /* Equal names (only in a schema with errors) are adjacent now. */
    for (size_t i = 0; i < n; i++) {
        same[i] = i + 1 < n && strcmp(todo[i]->name, todo[i + 1]->name) == 0 ? i + 2 : 0;
        if (!mcc_strmap_get(&by_name, todo[i]->name))
            mcc_strmap_put(&by_name, todo[i]->name, (void *)(uintptr_t)(i + 1));
    }
    each_reference(todo, n, &by_name, same, count_ref, &g);
    for (size_t j = 0; j < n; j++) {
        g.ustart[j + 1] += g.ustart[j];
        g.fill[j] = g.ustart[j];
    }
    g.users = mcc_arena_alloc(arena, (g.ustart[n] + 1) * sizeof *g.users);
    if (!g.users)
        return;
    each_reference(todo, n, &by_name, same, store_ref, &g);

    size_t ncur = 0, nout = 0;
    for (size_t i = 0; i < n; i++)
        if (g.waiting[i] == 0)
            cur[ncur++] = i;
    while (nout < n) {
        if (ncur == 0) {
            /* A cycle: the rest in name order (SQLite does not mind). */
            for (size_t i = 0; i < n; i++)
                if (!done[i])
                    out[nout++] = todo[i];
            break;
        }
        for (size_t a = 0; a < ncur; a++) {
            out[nout++] = todo[cur[a]];
            done[cur[a]] = true;
        }
        size_t nnext = 0;
        for (size_t a = 0; a < ncur; a++)
            for (size_t e = g.ustart[cur[a]]; e < g.ustart[cur[a] + 1]; e++)
                if (!done[g.users[e]] && --g.waiting[g.users[e]] == 0)
                    nxt[nnext++] = g.users[e];
        qsort(nxt, nnext, sizeof *nxt, cmp_size);
        memcpy(cur, nxt, nnext * sizeof *cur);
        ncur = nnext;
    }
    s->create_order = out;
}
