/*
 * align_names.h -- constraints a database names and the schema does not.
 *
 * The schema language names no constraint; a database that Alembic with
 * a naming convention, or a person, made names them (uq_user_email,
 * fk_post_user_id_user).  Before `check --db` diffs an introspected
 * schema with a .model's, a named constraint of the database that says
 * what one of the schema's unnamed constraints says is taken as that one,
 * as Alembic compares constraints by what they say.  The names are kept
 * as matches, for what the caller must tell (on PostgreSQL, migrations
 * drop and rename constraints by the names they gave them).
 */
#ifndef MCC_ALIGN_NAMES_H
#define MCC_ALIGN_NAMES_H

#include "arena.h"
#include "schema.h"

#include <stdbool.h>

/* Whether a CHECK's text as the database keeps it says what the schema's
 * text says (mcc_pg_expr_same on PostgreSQL; mcc_same_sql_text on SQLite,
 * which keeps the text as written). */
typedef bool (*mcc_same_check_fn)(mcc_arena *a, const char *db_text, const char *schema_text);

/* A named constraint of the database taken as an unnamed one of the schema. */
typedef struct mcc_named_match {
    const mcc_table *table;         /* the database's table */
    const char *db_name;            /* the database's name for the constraint */
    const mcc_table *want_table;    /* the schema's table */
    const mcc_constraint *want;     /* the schema's unnamed constraint; NULL for
                                     * the primary key (named in table->pk_name) */
} mcc_named_match;

typedef struct mcc_named_matches {
    mcc_named_match *items;         /* arena memory */
    size_t n;
} mcc_named_matches;

/*
 * Takes the name off each constraint of have (introspected) that, but for
 * its name, is one of want's unnamed constraints of the table of the same
 * SQL name (same kind and columns; a CHECK that same_check says is the
 * same takes want's text; a FOREIGN KEY the same referenced columns and
 * actions, NO ACTION being none), and lists each such match in *out,
 * together with each primary key of have that has a name (read from
 * PostgreSQL) and the columns of want's.
 * Returns 0, or -1 when out of memory.
 */
int mcc_align_constraint_names(mcc_schema *have, const mcc_schema *want, mcc_arena *arena,
                               mcc_same_check_fn same_check, mcc_named_matches *out);

/* Do two SQL texts differ only in white space outside quotes? */
bool mcc_same_sql_text(mcc_arena *a, const char *x, const char *y);

#endif
