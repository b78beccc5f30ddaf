/* ddl.c -- see ddl.h.  Mirrors the DDL compilers of SQLAlchemy 1.4's
 * sqlite and postgresql dialects; every function takes the dialect, the
 * mc_ddl_* names without "_in" are the SQLite ones the planner uses. */
#include "ddl.h"
#include "naming.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int mc_ddl_inline_autoincrement(const mc_table *t)
{
    return t->npk == 1 && t->columns[t->pk[0]].autoincrement;
}

void mc_ddl_type_named(mc_buf *b, const char *name, const mc_column *c)
{
    const mc_type_info *ti = &mc_types[c->type];
    mc_buf_put(b, name);
    if (ti->params == 1 && c->length > 0)
        mc_buf_printf(b, "(%d)", c->length);
    else if (ti->params == 2 && c->precision > 0 && c->scale > 0)
        mc_buf_printf(b, "(%d, %d)", c->precision, c->scale);
    else if (ti->params == 2 && c->precision > 0)
        mc_buf_printf(b, "(%d)", c->precision);
}

/* Is c the table's SERIAL column on PostgreSQL?  SQLAlchemy's rule for
 * its autoincrement column: the lone primary key, of an integer type,
 * that is not a foreign key (unless autoincrement is asked for). */
bool mc_ddl_pg_serial(const mc_table *t, const mc_column *c)
{
    bool integer = c->type == MC_T_INTEGER || c->type == MC_T_BIGINTEGER || c->type == MC_T_SMALLINTEGER;
    return integer && c->primary_key && t->npk == 1 && (!c->fk || c->autoincrement);
}

/* The name of an enum's type on PostgreSQL: as SQLAlchemy names the type
 * of Enum(PythonEnumClass), the class name in lower case. */
void mc_ddl_pg_enum_name(mc_buf *b, const mc_enum *e)
{
    mc_buf name = {0};
    for (const char *p = e->name; *p; p++)
        mc_buf_putc(&name, (char)tolower((unsigned char)*p));
    mc_put_ident_in(b, MC_DIALECT_POSTGRESQL, name.data ? name.data : "");
    mc_buf_free(&name);
}

/* A column's type on PostgreSQL, from the schema model's type facts (an
 * introspected type modelc does not know keeps its text). */
static void pg_type(mc_buf *b, const mc_table *t, const mc_column *c)
{
    if (mc_ddl_pg_serial(t, c)) {
        mc_buf_put(b, c->type == MC_T_BIGINTEGER ? "BIGSERIAL" : c->type == MC_T_SMALLINTEGER ? "SMALLSERIAL" : "SERIAL");
        return;
    }
    mc_ddl_pg_type(b, c);
}

void mc_ddl_pg_type(mc_buf *b, const mc_column *c)
{
    switch (c->type) {
    case MC_T_ENUM: mc_ddl_pg_enum_name(b, c->enum_type); return;
    case MC_T_UNKNOWN: mc_buf_put(b, c->sql_type ? c->sql_type : ""); return;
    default: break;
    }
    mc_ddl_type_named(b, mc_types[c->type].pg, c);
}

/* A server default in the dialect: SQLite stores booleans as 1/0, which
 * PostgreSQL refuses for a BOOLEAN column (SQLAlchemy writes true/false). */
const char *mc_ddl_server_default_in(mc_dialect d, const mc_column *c)
{
    if (d == MC_DIALECT_POSTGRESQL && c->type == MC_T_BOOLEAN) {
        if (strcmp(c->server_default, "1") == 0)
            return "true";
        if (strcmp(c->server_default, "0") == 0)
            return "false";
    }
    return c->server_default;
}

void mc_ddl_column(mc_buf *b, const mc_table *t, const mc_column *c)
{
    mc_ddl_column_in(b, MC_DIALECT_SQLITE, t, c);
}

void mc_ddl_column_in(mc_buf *b, mc_dialect d, const mc_table *t, const mc_column *c)
{
    mc_put_ident_in(b, d, c->name);
    if (d == MC_DIALECT_POSTGRESQL) {
        mc_buf_putc(b, ' ');
        pg_type(b, t, c);
    } else if (c->sql_type && c->sql_type[0]) {
        mc_buf_putc(b, ' ');
        mc_buf_put(b, c->sql_type);
    }
    if (c->server_default) {
        mc_buf_put(b, " DEFAULT ");
        mc_buf_put(b, mc_ddl_server_default_in(d, c));
    }
    if (!c->nullable)
        mc_buf_put(b, " NOT NULL");
    if (d == MC_DIALECT_SQLITE && c->autoincrement && mc_ddl_inline_autoincrement(t))
        mc_buf_put(b, " PRIMARY KEY AUTOINCREMENT");
    if (c->check) {
        mc_buf_put(b, " CHECK (");
        mc_buf_put(b, c->check);
        mc_buf_putc(b, ')');
    }
}

static void column_list(mc_buf *b, mc_dialect d, const mc_table *t, const size_t *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            mc_buf_put(b, ", ");
        mc_put_ident_in(b, d, t->columns[cols[i]].name);
    }
}

void mc_ddl_create_table_as(mc_buf *b, const mc_table *t, const char *name)
{
    mc_ddl_create_table_in(b, MC_DIALECT_SQLITE, t, name);
}

void mc_ddl_create_table_in(mc_buf *b, mc_dialect d, const mc_table *t, const char *name)
{
    mc_buf_put(b, "CREATE TABLE ");
    mc_put_ident_in(b, d, name ? name : t->name);
    mc_buf_put(b, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            mc_buf_put(b, ", ");
        mc_ddl_column_in(b, d, t, &t->columns[i]);
    }
    if (t->npk && (d != MC_DIALECT_SQLITE || !mc_ddl_inline_autoincrement(t))) {
        mc_buf_put(b, ", PRIMARY KEY (");
        column_list(b, d, t, t->pk, t->npk);
        mc_buf_putc(b, ')');
    }
    for (size_t i = 0; i < t->nconstraints; i++) {
        const mc_constraint *k = &t->constraints[i];
        mc_buf_put(b, ", ");
        if (k->name) {
            mc_buf_put(b, "CONSTRAINT ");
            mc_put_ident_in(b, d, k->name);
            mc_buf_putc(b, ' ');
        }
        switch (k->kind) {
        case MC_C_UNIQUE:
            mc_buf_put(b, "UNIQUE (");
            column_list(b, d, t, k->cols, k->ncols);
            mc_buf_putc(b, ')');
            break;
        case MC_C_CHECK:
            mc_buf_put(b, "CHECK (");
            mc_buf_put(b, k->check);
            mc_buf_putc(b, ')');
            break;
        case MC_C_FOREIGN_KEY:
            mc_buf_put(b, "FOREIGN KEY(");
            column_list(b, d, t, k->cols, k->ncols);
            mc_buf_put(b, ") REFERENCES ");
            mc_put_ident_in(b, d, k->ref_table);
            mc_buf_put(b, " (");
            for (size_t j = 0; j < k->nref; j++) {
                if (j)
                    mc_buf_put(b, ", ");
                mc_put_ident_in(b, d, k->ref_cols[j]);
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
    mc_ddl_create_index_in(b, MC_DIALECT_SQLITE, t, ix);
}

void mc_ddl_create_index_in(mc_buf *b, mc_dialect d, const mc_table *t, const mc_index *ix)
{
    mc_buf_put(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    mc_put_ident_in(b, d, ix->name);
    mc_buf_put(b, " ON ");
    mc_put_ident_in(b, d, t->name);
    mc_buf_put(b, " (");
    column_list(b, d, t, ix->cols, ix->ncols);
    mc_buf_put(b, ");");
}

void mc_ddl_create_enum_pg(mc_buf *b, const mc_enum *e)
{
    mc_buf_put(b, "CREATE TYPE ");
    mc_ddl_pg_enum_name(b, e);
    mc_buf_put(b, " AS ENUM (");
    for (size_t i = 0; i < e->nvalues; i++) {
        if (i)
            mc_buf_put(b, ", ");
        mc_put_sql_string(b, e->values[i]);
    }
    mc_buf_put(b, ");");
}

/* PostgreSQL: the enum types a table uses that are not created yet, each
 * just before the table (as SQLAlchemy's create_all does); `made` has one
 * flag per s->enums entry. */
static void pg_enums_for(mc_buf *b, const mc_schema *s, const mc_table *t, bool *made)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mc_enum *e = t->columns[i].type == MC_T_ENUM ? t->columns[i].enum_type : NULL;
        if (!e || e < s->enums || e >= s->enums + s->nenums || made[e - s->enums])
            continue;
        made[e - s->enums] = true;
        mc_ddl_create_enum_pg(b, e);
        mc_buf_putc(b, '\n');
    }
}

void mc_ddl_schema(mc_buf *b, const mc_schema *s)
{
    mc_ddl_schema_in(b, MC_DIALECT_SQLITE, s);
}

void mc_ddl_schema_in(mc_buf *b, mc_dialect d, const mc_schema *s)
{
    bool *made = s->nenums ? calloc(s->nenums, sizeof *made) : NULL;
    if (s->nenums && !made) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < s->ntables; i++) {
        const mc_table *t = s->create_order ? s->create_order[i] : s->tables[i];
        if (d == MC_DIALECT_POSTGRESQL)
            pg_enums_for(b, s, t, made);
        mc_ddl_create_table_in(b, d, t, NULL);
        mc_buf_putc(b, '\n');
        for (size_t j = 0; j < t->nindexes; j++) {
            mc_ddl_create_index_in(b, d, t, &t->indexes[j]);
            mc_buf_putc(b, '\n');
        }
    }
    free(made);
}
