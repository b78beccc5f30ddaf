/* ddl.c -- see ddl.h.  Mirrors the DDL compilers of SQLAlchemy 1.4's
 * sqlite and postgresql dialects; every function takes the dialect, the
 * mcc_ddl_* names without "_in" are the SQLite ones the planner uses. */
#include "ddl.h"
#include "naming.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int mcc_ddl_inline_autoincrement(const mcc_table *t)
{
    return t->npk == 1 && t->columns[t->pk[0]].autoincrement;
}

void mcc_ddl_type_named(mcc_buf *b, const char *name, const mcc_column *c)
{
    const mcc_type_info *ti = &mcc_types[c->type];
    mcc_buf_put(b, name);
    if (ti->params == 1 && c->length > 0)
        mcc_buf_printf(b, "(%d)", c->length);
    else if (ti->params == 2 && c->precision > 0 && c->scale > 0)
        mcc_buf_printf(b, "(%d, %d)", c->precision, c->scale);
    else if (ti->params == 2 && c->precision > 0)
        mcc_buf_printf(b, "(%d)", c->precision);
}

/* Is c the table's SERIAL column on PostgreSQL?  SQLAlchemy's rule for
 * its autoincrement column: the lone primary key, of an integer type,
 * that is not a foreign key (unless autoincrement is asked for). */
bool mcc_ddl_pg_serial(const mcc_table *t, const mcc_column *c)
{
    bool integer = c->type == MCC_T_INTEGER || c->type == MCC_T_BIGINTEGER || c->type == MCC_T_SMALLINTEGER;
    return integer && c->primary_key && t->npk == 1 && (!c->fk || c->autoincrement);
}

/* The name of an enum's type on PostgreSQL: as SQLAlchemy names the type
 * of Enum(PythonEnumClass), the class name in lower case. */
void mcc_ddl_pg_enum_name(mcc_buf *b, const mcc_enum *e)
{
    mcc_buf name = {0};
    for (const char *p = e->name; *p; p++)
        mcc_buf_putc(&name, (char)tolower((unsigned char)*p));
    mcc_put_ident_in(b, MCC_DIALECT_POSTGRESQL, name.data ? name.data : "");
    mcc_buf_free(&name);
}

/* A column's type on PostgreSQL, from the schema model's type facts (an
 * introspected type modelc does not know keeps its text). */
static void pg_type(mcc_buf *b, const mcc_table *t, const mcc_column *c)
{
    if (mcc_ddl_pg_serial(t, c)) {
        mcc_buf_put(b, c->type == MCC_T_BIGINTEGER ? "BIGSERIAL" : c->type == MCC_T_SMALLINTEGER ? "SMALLSERIAL" : "SERIAL");
        return;
    }
    mcc_ddl_pg_type(b, c);
}

void mcc_ddl_pg_type(mcc_buf *b, const mcc_column *c)
{
    switch (c->type) {
    case MCC_T_ENUM: mcc_ddl_pg_enum_name(b, c->enum_type); return;
    case MCC_T_UNKNOWN: mcc_buf_put(b, c->sql_type ? c->sql_type : ""); return;
    default: break;
    }
    mcc_ddl_type_named(b, mcc_types[c->type].pg, c);
}

/* A server default in the dialect: SQLite stores booleans as 1/0, which
 * PostgreSQL refuses for a BOOLEAN column (SQLAlchemy writes true/false). */
const char *mcc_ddl_server_default_in(mcc_dialect d, const mcc_column *c)
{
    if (d == MCC_DIALECT_POSTGRESQL && c->type == MCC_T_BOOLEAN) {
        if (strcmp(c->server_default, "1") == 0)
            return "true";
        if (strcmp(c->server_default, "0") == 0)
            return "false";
    }
    return c->server_default;
}

void mcc_ddl_column(mcc_buf *b, const mcc_table *t, const mcc_column *c)
{
    mcc_ddl_column_in(b, MCC_DIALECT_SQLITE, t, c);
}

void mcc_ddl_column_in(mcc_buf *b, mcc_dialect d, const mcc_table *t, const mcc_column *c)
{
    mcc_put_ident_in(b, d, c->name);
    if (d == MCC_DIALECT_POSTGRESQL) {
        mcc_buf_putc(b, ' ');
        pg_type(b, t, c);
    } else if (c->sql_type && c->sql_type[0]) {
        mcc_buf_putc(b, ' ');
        mcc_buf_put(b, c->sql_type);
    }
    if (c->server_default) {
        mcc_buf_put(b, " DEFAULT ");
        mcc_buf_put(b, mcc_ddl_server_default_in(d, c));
    }
    if (!c->nullable)
        mcc_buf_put(b, " NOT NULL");
    if (d == MCC_DIALECT_SQLITE && c->autoincrement && mcc_ddl_inline_autoincrement(t))
        mcc_buf_put(b, " PRIMARY KEY AUTOINCREMENT");
    if (c->check) {
        mcc_buf_put(b, " CHECK (");
        mcc_buf_put(b, c->check);
        mcc_buf_putc(b, ')');
    }
}

static void column_list(mcc_buf *b, mcc_dialect d, const mcc_table *t, const size_t *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            mcc_buf_put(b, ", ");
        mcc_put_ident_in(b, d, t->columns[cols[i]].name);
    }
}

void mcc_ddl_create_table_as(mcc_buf *b, const mcc_table *t, const char *name)
{
    mcc_ddl_create_table_in(b, MCC_DIALECT_SQLITE, t, name);
}

void mcc_ddl_create_table_in(mcc_buf *b, mcc_dialect d, const mcc_table *t, const char *name)
{
    mcc_buf_put(b, "CREATE TABLE ");
    mcc_put_ident_in(b, d, name ? name : t->name);
    mcc_buf_put(b, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (i)
            mcc_buf_put(b, ", ");
        mcc_ddl_column_in(b, d, t, &t->columns[i]);
    }
    if (t->npk && (d != MCC_DIALECT_SQLITE || !mcc_ddl_inline_autoincrement(t))) {
        mcc_buf_put(b, ", PRIMARY KEY (");
        column_list(b, d, t, t->pk, t->npk);
        mcc_buf_putc(b, ')');
    }
    for (size_t i = 0; i < t->nconstraints; i++) {
        const mcc_constraint *k = &t->constraints[i];
        mcc_buf_put(b, ", ");
        if (k->name) {
            mcc_buf_put(b, "CONSTRAINT ");
            mcc_put_ident_in(b, d, k->name);
            mcc_buf_putc(b, ' ');
        }
        switch (k->kind) {
        case MCC_C_UNIQUE:
            mcc_buf_put(b, "UNIQUE (");
            column_list(b, d, t, k->cols, k->ncols);
            mcc_buf_putc(b, ')');
            break;
        case MCC_C_CHECK:
            mcc_buf_put(b, "CHECK (");
            mcc_buf_put(b, k->check);
            mcc_buf_putc(b, ')');
            break;
        case MCC_C_FOREIGN_KEY:
            mcc_buf_put(b, "FOREIGN KEY(");
            column_list(b, d, t, k->cols, k->ncols);
            mcc_buf_put(b, ") REFERENCES ");
            mcc_put_ident_in(b, d, k->ref_table);
            mcc_buf_put(b, " (");
            for (size_t j = 0; j < k->nref; j++) {
                if (j)
                    mcc_buf_put(b, ", ");
                mcc_put_ident_in(b, d, k->ref_cols[j]);
            }
            mcc_buf_putc(b, ')');
            if (k->on_delete) {
                mcc_buf_put(b, " ON DELETE ");
                mcc_buf_put(b, mcc_fk_action_sql(k->on_delete));
            }
            if (k->on_update) {
                mcc_buf_put(b, " ON UPDATE ");
                mcc_buf_put(b, mcc_fk_action_sql(k->on_update));
            }
            break;
        }
    }
    mcc_buf_put(b, ");");
}

void mcc_ddl_create_table(mcc_buf *b, const mcc_table *t)
{
    mcc_ddl_create_table_as(b, t, NULL);
}

void mcc_ddl_create_index(mcc_buf *b, const mcc_table *t, const mcc_index *ix)
{
    mcc_ddl_create_index_in(b, MCC_DIALECT_SQLITE, t, ix);
}

void mcc_ddl_create_index_in(mcc_buf *b, mcc_dialect d, const mcc_table *t, const mcc_index *ix)
{
    mcc_buf_put(b, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    mcc_put_ident_in(b, d, ix->name);
    mcc_buf_put(b, " ON ");
    mcc_put_ident_in(b, d, t->name);
    mcc_buf_put(b, " (");
    column_list(b, d, t, ix->cols, ix->ncols);
    mcc_buf_put(b, ");");
}

void mcc_ddl_create_enum_pg(mcc_buf *b, const mcc_enum *e)
{
    mcc_buf_put(b, "CREATE TYPE ");
    mcc_ddl_pg_enum_name(b, e);
    mcc_buf_put(b, " AS ENUM (");
    for (size_t i = 0; i < e->nvalues; i++) {
        if (i)
            mcc_buf_put(b, ", ");
        mcc_put_sql_string(b, e->values[i]);
    }
    mcc_buf_put(b, ");");
}

/* PostgreSQL: the enum types a table uses that are not created yet, each
 * just before the table (as SQLAlchemy's create_all does); `made` has one
 * flag per s->enums entry. */
static void pg_enums_for(mcc_buf *b, const mcc_schema *s, const mcc_table *t, bool *made)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const mcc_enum *e = t->columns[i].type == MCC_T_ENUM ? t->columns[i].enum_type : NULL;
        if (!e || e < s->enums || e >= s->enums + s->nenums || made[e - s->enums])
            continue;
        made[e - s->enums] = true;
        mcc_ddl_create_enum_pg(b, e);
        mcc_buf_putc(b, '\n');
    }
}

void mcc_ddl_schema(mcc_buf *b, const mcc_schema *s)
{
    mcc_ddl_schema_in(b, MCC_DIALECT_SQLITE, s);
}

void mcc_ddl_schema_in(mcc_buf *b, mcc_dialect d, const mcc_schema *s)
{
    bool *made = s->nenums ? calloc(s->nenums, sizeof *made) : NULL;
    if (s->nenums && !made) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < s->ntables; i++) {
        const mcc_table *t = s->create_order ? s->create_order[i] : s->tables[i];
        if (d == MCC_DIALECT_POSTGRESQL)
            pg_enums_for(b, s, t, made);
        mcc_ddl_create_table_in(b, d, t, NULL);
        mcc_buf_putc(b, '\n');
        for (size_t j = 0; j < t->nindexes; j++) {
            mcc_ddl_create_index_in(b, d, t, &t->indexes[j]);
            mcc_buf_putc(b, '\n');
        }
    }
    free(made);
}
