/*
 * diff.h -- what changed between two schemas (SQL level): the list of
 * operations that turns schema A into schema B.
 *
 * Tables and columns are matched by SQL name, or through a rename map
 * (built from B's renamed_from hints with mc_renames_from_hints; inverted
 * for the way back).  A rename is never a drop plus an add.
 *
 * Compared per column: SQL type (case and spaces ignored), and, when both
 * schemas know their enums (neither is sql_only), enum values; nullability,
 * server default, column CHECK, autoincrement; per table: primary key,
 * UNIQUE / CHECK / FOREIGN KEY constraints (as sets, ON DELETE/UPDATE
 * NO ACTION being the same as none), indexes by name.  Column order is not
 * a difference (ALTER TABLE ADD COLUMN appends, as with Alembic).
 */
#ifndef MC_DIFF_H
#define MC_DIFF_H

#include "arena.h"
#include "schema.h"

typedef enum mc_op_kind {
    MC_OP_DROP_TABLE,
    MC_OP_RENAME_TABLE,
    MC_OP_CREATE_TABLE,
    MC_OP_RENAME_COLUMN,
    MC_OP_ADD_COLUMN,
    MC_OP_DROP_COLUMN,
    MC_OP_ALTER_TYPE,
    MC_OP_ALTER_NULLABLE,
    MC_OP_ALTER_DEFAULT,
    MC_OP_ALTER_CHECK,
    MC_OP_ALTER_AUTOINCREMENT,
    MC_OP_ALTER_PK,
    MC_OP_DROP_INDEX,
    MC_OP_ADD_INDEX,
    MC_OP_DROP_CONSTRAINT,
    MC_OP_ADD_CONSTRAINT,
    MC_OP_RENAME_MODEL,     /* same table, another model name: no SQL, the snapshot records it */
    MC_OP_RENAME_FIELD      /* same column, another field name (column("...")): likewise */
} mc_op_kind;

typedef struct mc_op {
    mc_op_kind kind;
    const mc_table *from, *to;          /* the table in A / in B; NULL where absent */
    const mc_column *col_from, *col_to; /* column ops */
    const mc_index *index;              /* ADD_INDEX: in B; DROP_INDEX: in A */
    const mc_constraint *constraint;    /* ADD_: in B; DROP_: in A */
    bool data_loss;                     /* drops data (table, column) or narrows a type */
    const char *text;                   /* "add column post.title", for people */
    const char *loss;                   /* "drops column post.body", when data_loss */
} mc_op;

/* A table kept from A to B (possibly renamed), with its column mapping. */
typedef struct mc_table_pair {
    const mc_table *from, *to;
    const char **source;                /* per column of `to`: its name in `from`, NULL when new */
    size_t first_op, nops;              /* its ops in mc_diff.ops (column, index, constraint) */
} mc_table_pair;

typedef struct mc_diff {
    size_t nops;
    mc_op *ops;     /* table drops, renames, creates; then per pair (in B's order) */
    size_t npairs;
    mc_table_pair *pairs;
} mc_diff;

typedef struct mc_rename {
    const char *table;      /* tables: NULL; columns: the table's name in B */
    const char *from, *to;
} mc_rename;

typedef struct mc_renames {
    size_t n;
    mc_rename *v;
} mc_renames;

/*
 * Renames from A to B.  A table of B missing from A is the table of A
 * that holds the same model (A knows its models from the migrations'
 * snapshot: a model whose custom `table` changed is renamed), else the
 * one of the model its renamed_from(Old) names (A's model Old, or, when A
 * is sql_only, the table snake_case(Old)); a column missing from A is
 * likewise the one of the same field, else the one its renamed_from
 * names (field or SQL name).  The old name must not be B's too.  A hint
 * on a name A already has is stale and ignored; a hint that resolves to
 * nothing is an error about the schema (never a drop and a create),
 * reported into diag with a hint -- or ignored when diag is NULL (check,
 * the way back: only the upgrade being written refuses it).
 */
void mc_renames_from_hints(const mc_schema *a, const mc_schema *b, mc_arena *arena, mc_diag *diag,
                           mc_renames *out);
/* The same renames the other way (for diffing B back to A). */
void mc_renames_invert(const mc_renames *r, mc_arena *arena, mc_renames *out);

/* Diffs A into B.  renames may be NULL.  Returns 0, or -1 when out of memory. */
int mc_diff_schemas(const mc_schema *a, const mc_schema *b, const mc_renames *renames, mc_arena *arena,
                    mc_diff *out);

/* Is a change of column type from `from` to `to` narrowing (may lose data)?
 * By SQL type only (lengths; an enum's is its longest value). */
bool mc_type_narrows(const mc_column *from, const mc_column *to);

/* Same declared SQL type (case and spaces aside)? */
bool mc_same_sql_type(const mc_column *x, const mc_column *y);

/* The values of enum column `from` that enum column `to` lacks, "'a', 'b'"
 * (arena), or NULL when none is lost.  A column that was not an enum and
 * becomes one loses every value outside the enum: "every value but ...". */
const char *mc_enum_lost(const mc_column *from, const mc_column *to, mc_arena *arena);

#endif
