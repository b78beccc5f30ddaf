/*
 * migrate_next.c -- "make the next migration" (pipeline.h), in named
 * steps: read the history, replay it, diff, plan, name, try, write.
 */
#include "pipeline.h"
#include "introspect.h"
#include "plan.h"
#include "plan_pg.h"

#include <string.h>

/* Everything one run builds, for the steps to share. */
typedef struct next_run {
    const mcc_next_request *rq;
    mcc_arena *arena;
    mcc_diag *diag;
    mcc_next_migration *out;
    mcc_migdir md;               /* the history */
    mc_db *db;                  /* the history replayed, in memory */
    mcc_schema have;             /* its schema */
    mcc_diff down;               /* the new migration's downgrade */
    mcc_plan pu, pd;             /* its SQL, both ways */
    const char *name, *message; /* the file's slug and header message */
    const char *text;           /* the whole file */
    bool unresolved;            /* a renamed_from named nothing (reported) */
} next_run;

/* The file name of path, without its directories. */
static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Reports out of memory; returns -1. */
static int oom(next_run *r)
{
    mcc_error_in(r->diag, NULL, NULL, "out of memory");
    return -1;
}

/* Step 1: the history, replayed through the runner and introspected
 * (with the newest snapshot's model names laid over it).  A PostgreSQL
 * history is not replayed (that would need a server): the newest file's
 * header holds its whole schema (snapshot_sql.c). */
static int load_history(next_run *r)
{
    if (mcc_migdir_read_in(r->rq->dir, r->rq->dialect, r->arena, r->diag, &r->md)) {
        mcc_error_in(r->diag, NULL, NULL, "fix the migrations directory first; nothing written");
        return -1;
    }
    if (r->rq->dialect == MCC_DIALECT_POSTGRESQL)
        return mcc_migdir_schema_snapshot(&r->md, r->md.n, r->arena, r->diag, &r->have);
    if (mcc_migdir_replay(&r->md, r->md.n, r->arena, r->diag, &r->db)) {
        mcc_error_in(r->diag, NULL, NULL, "the existing migrations do not replay; nothing written");
        return -1;
    }
    if (mcc_introspect(mc_sqlite(r->db), r->arena, r->diag, &r->have) ||
        mcc_migdir_annotate(&r->md, r->md.n, r->arena, r->diag, &r->have))
        return -1;
    return 0;
}

/* Step 2: the changes both ways.  A renamed_from that names nothing is
 * an error of the upgrade, reported here and refused with the planner's
 * refusals; the way back inverts the renames found.  On PostgreSQL some
 * type changes lose data that do not on SQLite (mcc_diff_for_postgresql). */
static int diff_both_ways(next_run *r)
{
    mcc_renames ren, inv;
    int before = r->diag->n_errors;
    mcc_renames_from_hints(&r->have, r->rq->want, r->arena, r->diag, &ren);
    r->unresolved = r->diag->n_errors != before;
    mcc_renames_invert(&ren, r->arena, &inv);
    if (mcc_diff_schemas(&r->have, r->rq->want, &ren, r->arena, &r->out->up) ||
        mcc_diff_schemas(r->rq->want, &r->have, &inv, r->arena, &r->down))
        return oom(r);
    if (r->rq->dialect == MCC_DIALECT_POSTGRESQL) {
        mcc_diff_for_postgresql(&r->out->up, r->arena);
        mcc_diff_for_postgresql(&r->down, r->arena);
    }
    return 0;
}

/* Step 3: the SQL both ways, by the dialect's planner.  The upgrade
 * refuses what loses data (unless allowed); the way back refuses
 * nothing. */
static int plan_both_ways(next_run *r)
{
    const mcc_next_request *rq = r->rq;
    int (*plan)(const mcc_diff *, const mcc_schema *, const mcc_schema *, unsigned, mcc_arena *, mcc_diag *, mcc_plan *) =
        rq->dialect == MCC_DIALECT_POSTGRESQL ? mcc_plan_pg_build : mcc_plan_build;
    int up = plan(&r->out->up, &r->have, rq->want, MCC_PLAN_UPGRADE | (rq->flags & MCC_PLAN_ALLOW_LOSS), r->arena,
                  r->diag, &r->pu);
    if (up || r->unresolved || plan(&r->down, rq->want, &r->have, 0, r->arena, r->diag, &r->pd)) {
        mcc_error_in(r->diag, NULL, NULL, "nothing written");
        return -1;
    }
    return 0;
}

/* Step 4: number, slug (from -m, else from the changes), header message
 * (the slug's words when there is no -m) and the file's text. */
static int name_and_render(next_run *r)
{
    const mcc_next_request *rq = r->rq;
    r->out->version = (int)r->md.n + 1;
    r->name = rq->message ? mcc_slug(r->arena, rq->message) : mcc_slug_from_diff(r->arena, &r->out->up);
    if (!r->name)
        return oom(r);
    r->message = rq->message;
    if (!r->message) {
        char *m = mcc_arena_strdup(r->arena, r->name);
        for (char *p = m; p && *p; p++)
            if (*p == '_')
                *p = ' ';
        r->message = m;
    }
    r->text = mcc_migfile_render_in(r->arena, rq->dialect, r->out->version, r->message, base(rq->schema_path),
                                   mcc_migfile_date(r->arena), r->pu.sql, r->pd.sql, rq->want);
    return r->message && r->text ? 0 : oom(r);
}

/* Does the trial database now hold `want`?  Reports what it still needs
 * when not: the planner wrote SQL that does not do what the diff says. */
static int holds(next_run *r, const mcc_schema *want, const char *what)
{
    mcc_schema got;
    mcc_diff d;
    if (mcc_introspect(mc_sqlite(r->db), r->arena, r->diag, &got))
        return -1;
    if (mcc_diff_schemas(&got, want, NULL, r->arena, &d))
        return oom(r);
    if (d.nops == 0)
        return 0;
    mcc_buf b = {0};
    for (size_t i = 0; i < d.nops; i++)
        mcc_buf_printf(&b, "\n  %s", d.ops[i].text);
    mcc_error_in(r->diag, NULL, NULL,
                "internal error: the generated %s does not give the expected schema; it still needs:%s", what,
                b.data ? b.data : "");
    mcc_buf_free(&b);
    return -1;
}

/* Step 5: the new migration, tried on the replayed history through the
 * runner `upgrade` uses: up must give the schema, down the one before.
 * A PostgreSQL migration is not tried (there is no server here; the
 * tests run every plan on one). */
static int try_it(next_run *r)
{
    if (r->rq->dialect != MCC_DIALECT_SQLITE)
        return 0;
    size_t n = r->md.n;
    mc_migration *list = mcc_arena_alloc(r->arena, (n + 2) * sizeof *list);
    const mc_migration *old = mcc_migdir_list(&r->md, r->arena);
    if (!list || !old)
        return oom(r);
    memcpy(list, old, n * sizeof *list);
    char *sum = mcc_arena_alloc(r->arena, 17);
    if (!sum)
        return oom(r);
    mc_migration_checksum(r->text, strlen(r->text), sum);
    list[n] = (mc_migration){.version = r->out->version, .name = r->name, .upgrade_sql = r->pu.sql,
                             .downgrade_sql = r->pd.sql, .checksum = sum};
    if (mc_migrate_to(r->db, list, n + 1, (int)n + 1) != MC_OK) {
        mcc_error_in(r->diag, NULL, NULL, "internal error: the new migration's upgrade: %s", mc_errmsg(r->db));
        return -1;
    }
    if (holds(r, r->rq->want, "upgrade"))
        return -1;
    if (mc_migrate_to(r->db, list, n + 1, (int)n) != MC_OK) {
        mcc_error_in(r->diag, NULL, NULL, "internal error: the new migration's downgrade: %s", mc_errmsg(r->db));
        return -1;
    }
    return holds(r, &r->have, "downgrade");
}

/* Step 6: the file, never over another. */
static int write_it(next_run *r)
{
    const char *filename = mcc_arena_printf(r->arena, "%04d_%s.sql", r->out->version, r->name);
    if (!filename)
        return oom(r);
    if (mcc_migfile_write(r->rq->dir, filename, r->text, r->arena, r->diag))
        return -1;
    r->out->path = mcc_arena_printf(r->arena, "%s/%s", r->rq->dir, filename);
    return r->out->path ? 0 : oom(r);
}

/* See pipeline.h: the steps in turn; nothing more after the first
 * that fails, and nothing written then. */
int mcc_migration_next(const mcc_next_request *rq, mcc_arena *arena, mcc_diag *diag, mcc_next_migration *out)
{
    memset(out, 0, sizeof *out);
    next_run r = {.rq = rq, .arena = arena, .diag = diag, .out = out};
    int rc = load_history(&r);
    if (rc == 0)
        rc = diff_both_ways(&r);
    if (rc == 0 && (out->up.nops > 0 || r.unresolved)) {
        rc = plan_both_ways(&r);
        if (rc == 0)
            rc = name_and_render(&r);
        if (rc == 0)
            rc = try_it(&r);
        if (rc == 0)
            rc = write_it(&r);
    }
    mc_close(r.db);
    return rc;
}
