/*
 * diff.h -- what changed between two schemas (SQL level): the list of
 * operations that turns schema A into schema B.
 *
 * Tables and columns are matched by SQL name, or through a rename map
 * (built from B's renamed_from hints with mcc_renames_from_hints; inverted
 * for the way back).  A rename is never a drop plus an add.
 *
 * Compared per column: SQL type (case and spaces ignored), and, when both
 * schemas know their enums (neither is sql_only, or it has native_enums),
 * enum values; nullability,
 * server default, column CHECK, autoincrement; per table: primary key,
 * UNIQUE / CHECK / FOREIGN KEY constraints (as sets, ON DELETE/UPDATE
 * NO ACTION being the same as none), indexes by name.  Column order is not
 * a difference (ALTER TABLE ADD COLUMN appends, as with Alembic).
 */
#ifndef MCC_DIFF_H
#define MCC_DIFF_H

#include "arena.h"
#include "schema.h"

typedef enum mcc_op_kind {
    MCC_OP_DROP_TABLE,
    MCC_OP_RENAME_TABLE,
    MCC_OP_CREATE_TABLE,
    MCC_OP_RENAME_COLUMN,
    MCC_OP_ADD_COLUMN,
    MCC_OP_DROP_COLUMN,
    MCC_OP_ALTER_TYPE,
    MCC_OP_ALTER_NULLABLE,
    MCC_OP_ALTER_DEFAULT,
    MCC_OP_ALTER_CHECK,
    MCC_OP_ALTER_AUTOINCREMENT,
    MCC_OP_ALTER_PK,
    MCC_OP_DROP_INDEX,
    MCC_OP_ADD_INDEX,
    MCC_OP_DROP_CONSTRAINT,
    MCC_OP_ADD_CONSTRAINT,
    MCC_OP_RENAME_MODEL,     /* same table, another model name: no SQL, the snapshot records it */
    MCC_OP_RENAME_FIELD      /* same column, another field name (column("...")): likewise */
} mcc_op_kind;

typedef struct mcc_op {
    mcc_op_kind kind;
    const mcc_table *from, *to;          /* the table in A / in B; NULL where absent */
    const mcc_column *col_from, *col_to; /* column ops */
    const mcc_index *index;              /* ADD_INDEX: in B; DROP_INDEX: in A */
    const mcc_constraint *constraint;    /* ADD_: in B; DROP_: in A */
    bool data_loss;                     /* drops data (table, column) or narrows a type */
    const char *text;                   /* "add column post.title", for people */
    const char *loss;                   /* "drops column post.body", when data_loss */
} mcc_op;

/* A table kept from A to B (possibly renamed), with its column mapping. */
typedef struct mcc_table_pair {
    const mcc_table *from, *to;
    const char **source;                /* per column of `to`: its name in `from`, NULL when new */
    size_t first_op, nops;              /* its ops in mcc_diff.ops (column, index, constraint) */
} mcc_table_pair;

typedef struct mcc_diff {
    size_t nops;
    mcc_op *ops;     /* table drops, renames, creates; then per pair (in B's order) */
    size_t npairs;
    mcc_table_pair *pairs;
} mcc_diff;

typedef struct mcc_rename {
    const char *table;      /* tables: NULL; columns: the table's name in B */
    const char *from, *to;
} mcc_rename;

typedef struct mcc_renames {
    size_t n;
    mcc_rename *v;
} mcc_renames;

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
void mcc_renames_from_hints(const mcc_schema *a, const mcc_schema *b, mcc_arena *arena, mcc_diag *diag,
                           mcc_renames *out);
/* The same renames the other way (for diffing B back to A). */
void mcc_renames_invert(const mcc_renames *r, mcc_arena *arena, mcc_renames *out);

/* Diffs A into B.  renames may be NULL.  Returns 0, or -1 when out of memory. */
int mcc_diff_schemas(const mcc_schema *a, const mcc_schema *b, const mcc_renames *renames, mcc_arena *arena,
                    mcc_diff *out);

/* A diff for a PostgreSQL migration: marks as data loss the type changes
 * that narrow only there (BigInteger -> Integer: 64 -> 32 bits), which a
 * dialect-free diff does not (SQLite stores both alike). */
void mcc_diff_for_postgresql(mcc_diff *d, mcc_arena *arena);

/* Is a change of column type from `from` to `to` narrowing (may lose data)?
 * By SQL type only (lengths; an enum's is its longest value). */
bool mcc_type_narrows(const mcc_column *from, const mcc_column *to);

/* Same declared SQL type (case and spaces aside)? */
bool mcc_same_sql_type(const mcc_column *x, const mcc_column *y);

/* The values of enum column `from` that enum column `to` lacks, "'a', 'b'"
 * (arena), or NULL when none is lost.  A column that was not an enum and
 * becomes one loses every value outside the enum: "every value but ...". */
const char *mcc_enum_lost(const mcc_column *from, const mcc_column *to, mcc_arena *arena);

#endif
