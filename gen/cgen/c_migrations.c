/*
 * c_migrations.c -- migrations compiled into the generated code, so that
 * an application upgrades its own database at start-up without the files:
 *
 *   int blog_migrate(mc_db *db);   // to the latest version
 */
#include "cgen.h"

void cg_emit_migrations(cgen *g, cg_out *o)
{
    const mc_migration *m = g->migrations;
    if (!g->nmigrations)
        return;
    mcc_buf *c = &o->c;
    const char *base = cg_base_ident(g);
    mcc_buf_printf(c, "static const mc_migration %s_migrations[] = {\n", base);
    for (size_t i = 0; i < g->nmigrations; i++) {
        mcc_buf_printf(c, "    {%d, %s,\n", m[i].version, cg_cstr(g, m[i].name));
        mcc_buf_printf(c, "     %s,\n", cg_cstr(g, m[i].upgrade_sql ? m[i].upgrade_sql : ""));
        mcc_buf_printf(c, "     %s,\n", cg_cstr(g, m[i].downgrade_sql ? m[i].downgrade_sql : ""));
        mcc_buf_printf(c, "     %s},\n", cg_cstr(g, m[i].checksum));
    }
    mcc_buf_put(c, "};\n\n");
    bool pg = g->migrations_engine == MC_ENGINE_POSTGRESQL;
    const char *engine = pg ? "PostgreSQL" : "SQLite";
    cg_fn_begin(o, mcc_arena_printf(g->arena,
                                   "Upgrades db to the latest of the %zu migrations compiled in from the migrations "
                                   "directory (as `modelc upgrade` does); each migration in its own transaction. "
                                   "They are a %s history: on another database MC_INVALID, nothing run.",
                                   g->nmigrations, engine),
                "int %s_migrate(mc_db *db)", base);
    mcc_buf_line(c, "if (db && mc_db_engine(db) != %s)", pg ? "MC_ENGINE_POSTGRESQL" : "MC_ENGINE_SQLITE");
    mcc_buf_line(c, "    return mc_set_error(db, MC_INVALID, \"%s_migrate: the migrations compiled in are a %s "
                    "history; this database is not %s\");",
                 base, engine, engine);
    mcc_buf_line(c, "return mc_migrate_to(db, %s_migrations, %zu, -1);", base, g->nmigrations);
    cg_fn_end(o);
    cg_fn_begin(o, "The migrations compiled in, oldest first; *n gets their number.",
                "const mc_migration *%s_migrations_list(size_t *n)", base);
    mcc_buf_line(c, "*n = %zu;", g->nmigrations);
    mcc_buf_line(c, "return %s_migrations;", base);
    cg_fn_end(o);
}
