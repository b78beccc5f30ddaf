/* ddl.c -- see ddl.h.  Mirrors sqlalchemy.dialects.sqlite's DDL compiler. */
#include "ddl.h"
#include "naming.h"

int mc_ddl_inline_autoincrement(const mc_table *t)
{
    return t->npk == 1 && t->columns[t->pk[0]].autoincrement;
}

void mc_ddl_column(mc_buf *b, const mc_table *t, const mc_column *c)
{
    mc_put_ident(b, c->name);
    if (c->sql_type && c->sql_type[0]) {
        mc_buf_putc(b, ' ');
        mc_buf_put(b, c->sql_type);
    }
    if (c->server_default) {
        mc_buf_put(b, " DEFAULT ");
        mc_buf_put(b, c->server_default);
    }
    if (!c->nullable)
        mc_buf_put(b, " NOT NULL");
    if (c->autoincrement && mc_ddl_inline_autoincrement(t))
        mc_buf_put(b, " PRIMARY KEY AUTOINCREMENT");
    if (c->check) {
        mc_buf_put(b, " CHECK (");
        mc_buf_put(b, c->check);
        mc_buf_putc(b, ')');
    }
}

static void column_list(mc_buf *b, const mc_table *t, const size_t *cols, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            mc_buf_put(b, sep);
        mc_put_ident(b, t->columns[cols[i]].name);
    }
}

void mc_ddl_create_table_as(mc_buf *b, const mc_table *t, const char *name)
{
    mc_buf_put(b, "CREATE TABLE ");
    mc_put_ident(b, name ? name : t->name);
    mc_buf_put(b, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            mc_buf_put(b, ", ");
        mc_ddl_column(b, t, &t->columns[i]);
    }
    if (t->npk && !mc_ddl_inline_autoincrement(t)) {
        mc_buf_put(b, ", PRIMARY KEY (");
        column_list(b, t, t->pk, t->npk, ", ");
        mc_buf_putc(b, ')');
    }
    for (size_t i = 0; i < t->nconstraints; i++) {
        const mc_constraint *k = &t->constraints[i];
        mc_buf_put(b, ", ");
        if (k->name) {
            mc_buf_put(b, "CONSTRAINT ");
            mc_put_ident(b, k->name);
            mc_buf_putc(b, ' ');
        }
        switch (k->kind) {
        case MC_C_UNIQUE:
            mc_buf_put(b, "UNIQUE (");
            column_list(b, t, k->cols, k->ncols, ", ");
            mc_buf_putc(b, ')');
            break;
        case MC_C_CHECK:
            mc_buf_put(b, "CHECK (");
            mc_buf_put(b, k->check);
            mc_buf_putc(b, ')');
            break;
        case MC_C_FOREIGN_KEY:
            mc_buf_put(b, "FOREIGN KEY(");
            column_list(b, t, k->cols, k->ncols, ", ");
            mc_buf_put(b, ") REFERENCES ");
            mc_put_ident(b, k->ref_table);
            mc_buf_put(b, " (");
            for (size_t j = 0; j < k->nref; j++) {
                if (j)
                    mc_buf_put(b, ", ");
                mc_put_ident(b, k->ref_cols[j]);
            }
            mc_buf_putc(b, ')');
            if (k->on_delete) {
                mc_buf_put(b, " ON DELETE ");
                mc_buf_put(b, mc_fk_action_sql(k->on_delete));
            }
            if (k->on_update) {
                mc_buf_put(b, " ON UPDATE ");
                mc_buf_put(b, mc_fk_action_sql(k->on_update));
            }
            break;
        }
    }
    mc_buf_put(b, ");");
}

void mc_ddl_create_table(mc_buf *b, const mc_table *t)
{
    mc_ddl_create_table_as(b, t, NULL);
}

void mc_ddl_create_index(mc_buf *b, const mc_table *t, const mc_index *ix)
{
    mc_buf_put(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    mc_put_ident(b, ix->name);
    mc_buf_put(b, " ON ");
    mc_put_ident(b, t->name);
    mc_buf_put(b, " (");
    column_list(b, t, ix->cols, ix->ncols, ", ");
    mc_buf_put(b, ");");
}

void mc_ddl_schema(mc_buf *b, const mc_schema *s)
{
    for (size_t i = 0; i < s->ntables; i++) {
        const mc_table *t = s->create_order ? s->create_order[i] : s->tables[i];
        mc_ddl_create_table(b, t);
        mc_buf_putc(b, '\n');
        for (size_t j = 0; j < t->nindexes; j++) {
            mc_ddl_create_index(b, t, &t->indexes[j]);
            mc_buf_putc(b, '\n');
        }
    }
}
