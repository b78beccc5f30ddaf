/*
 * cgen.h -- what the C emitters share: the generator's state (cgen), the
 * names of generated symbols (c_names.c, whose head comment is the one
 * statement of the naming rules), the C side of each column type
 * (cgen.c), schema text as C (c_escape.c), and the emitters themselves
 * (c_types.c, c_crud.c, c_relations.c, c_pages.c, c_eager.c, c_bulk.c,
 * c_queries.c, c_migrations.c), which c_emit.c drives into the header and
 * source templates.
 */
#ifndef MCC_CGEN_H
#define MCC_CGEN_H

#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "modelc.h"
#include "schema.h"

typedef struct cgen {
    const mcc_schema *schema;
    const char *prefix;     /* "" or e.g. "blog_" */
    mcc_arena *arena;
    const char *base;       /* output file base name: "blog" */
    const mc_migration *migrations; /* compiled in (--migrations), or NULL */
    size_t nmigrations;
    struct cg_names *names; /* the generated-names table (c_names.c), or NULL */
    bool split;             /* generate --split: one source per model (mcc_emit_c_files) */
    size_t split_into;      /* --split-into N: N sources of consecutive models instead (0: per model) */
    mc_engine migrations_engine; /* the engine the compiled-in history is written for (0: SQLite) */
    bool compact;           /* generate --compact: bodies call the runtime with a per-model table (c_compact.c) */
} cgen;

/* The generated-names table (c_names.c; its head comment has the rules).
 * Built once per schema before emitting: gives models, enums, fields and
 * relationships their C names, then reports every generated C name that
 * two sources share, or that C, C++, the standard headers, SQLite or
 * libmodelc already take, as a located error naming both.  Returns the
 * number of errors (0: emit). */
typedef struct cg_names cg_names;
int cg_names_build(cgen *g, mcc_schema *s, mcc_diag *diag);
/* True when name is a keyword, a standard name, or any C name the schema
 * generates (so a parameter must not be called that; field names already
 * keep clear of the runtime's prefixes by the member rule). */
bool cg_name_taken(const cgen *g, const char *name);
/* Text too long for a C string literal (C11 promises 4095 bytes; -Wpedantic
 * enforces it) becomes a static char array: returns its name and keeps
 * its definition for the top of the source (cg_long_texts).  Frees with
 * cg_names_free. */
const char *cg_long_text(cgen *g, const char *s);
const char *cg_long_texts(const cgen *g);
/* Forgets the definitions cg_long_texts gives (they went into one source
 * file: the next file starts without them). */
void cg_long_texts_reset(cgen *g);
void cg_names_free(cgen *g);
/* The schema file's stem as the start of C names: "blog", "schema_01_blog". */
const char *cg_base_ident(const cgen *g);
/* The header's include guard: "BLOG_MODELC_H". */
const char *cg_guard(const cgen *g);

/* Names (arena strings). */
const char *cg_type(cgen *g, const mcc_table *t);        /* "User" */
const char *cg_fn(cgen *g, const mcc_table *t);          /* "user" */
const char *cg_col_const(cgen *g, const mcc_table *t, const mcc_column *c); /* USER_COL_ID */
const char *cg_enum_type(cgen *g, const mcc_enum *e);    /* "Format" */
const char *cg_enum_value(cgen *g, const mcc_enum *e, size_t i);  /* FORMAT_EBOOK */
const char *cg_enum_fn(cgen *g, const mcc_enum *e);      /* "format" */
const char *cg_init_macro(cgen *g, const mcc_table *t);  /* "LIBRARY_CARD_INIT" */

/* C side of a column (c_typecalls.c, from types.def's kind column). */
typedef enum cg_kind { CG_INT64, CG_INT32, CG_DOUBLE, CG_BOOL, CG_TEXT, CG_BLOB, CG_ENUM } cg_kind;
cg_kind cg_kind_of(const mcc_column *c);
/* A DateTime, Date or Time column: its member may hold the MC_NOW marker. */
bool cg_holds_now(const mcc_column *c);

/* What a bind, read or check template of types.def is filled with:
 * index ($i) the parameter or result column as C text, value ($v) the C
 * expression of the value (for reads and owned kinds: the lvalue stored
 * into), keep ($k) the lifetime of bound text and blobs (NULL:
 * SQLITE_STATIC), table and field ($t, $f) C literals for messages. */
typedef struct cg_call_vars {
    const mcc_column *col;
    const char *index, *value, *keep, *table, *field;
} cg_call_vars;
/* The C expression binding v->value of v->col's type at v->index. */
const char *cg_bind_call(cgen *g, const cg_call_vars *v);
/* The C reading result column v->index: an expression for plain kinds,
 * a status-returning call storing into v->value for TEXT and BLOB. */
const char *cg_read_call(cgen *g, const cg_call_vars *v);
/* The same for X_query_next_borrowed: TEXT and BLOB values lent from the
 * current row (q, the query, in scope), plain kinds as cg_read_call. */
const char *cg_lent_read_call(cgen *g, const cg_call_vars *v);
/* The call checking v->value before a write, or NULL when the type needs
 * none; cg_check_needs_value: it runs only when the value is set. */
const char *cg_check_call(cgen *g, const cg_call_vars *v);
bool cg_check_needs_value(const mcc_column *c);
/* The runtime's mc_col_kind for the column ("MC_COL_STRING"): how
 * generate --compact code's descriptor says to hold, bind, read and
 * check it (types.def's rt column; enums MC_COL_ENUM). */
const char *cg_rt_kind(const mcc_column *c);
/* Member type in the struct: "int64_t", "char *", "Format". */
const char *cg_member_type(cgen *g, const mcc_column *c);
/* Parameter type for passing a value: "int64_t", "const char *", "const mc_blob *". */
const char *cg_param_type(cgen *g, const mcc_column *c);
/* The C parameter name for a key column's value: the field's name, with
 * '_' appended when that would collide with a name the generated
 * functions use themselves (db, out, rc, st, b, ...). */
const char *cg_param(cgen *g, const mcc_column *c);
/* True when the struct has a `bool <field>_null` flag for the column: a
 * nullable number or boolean (strings and blobs are NULL pointers, enums
 * 0).  The flag is false when the member holds a value, so a designated
 * initializer that leaves it out stores the member as written. */
bool cg_null_flag(const mcc_column *c);
/* The C expression a struct member starts with in X_INIT for column c:
 * its default(...), else its server_default literal, else zero (strings
 * NULL, enums 0).  Strings are lent literals.  With null_flag: the value
 * of <field>_null, "true" when the column has no default (or default(null)):
 * X_INIT starts a nullable column NULL, as SQLAlchemy does. */
const char *cg_init_value(cgen *g, const mcc_column *c, bool null_flag);
/* The name of the struct member that says whether the column is NULL
 * ("<field>_null"), or NULL when the struct has none: the one place that
 * names it, so that the collision check sees what the struct declares. */
const char *cg_flag_member(cgen *g, const mcc_column *c);
/* True for a name the generated functions use for their own parameters
 * and locals (db, out, rc, st, row, ...). */
bool cg_is_local_name(const char *name);
/* name, with '_' appended until it is neither a local name nor taken
 * (cg_name_taken): the C parameter for a field or relationship. */
const char *cg_local(cgen *g, const char *name);
/* The single INTEGER primary key that SQLite assigns (rowid), or NULL. */
const mcc_column *cg_rowid(const mcc_table *t);
/* A unique key of a table other than its primary key: the columns of a
 * unique index or UNIQUE constraint, each of which gets a finder. */
typedef struct cg_key {
    const size_t *cols;
    size_t n;
} cg_key;
#define CG_MAX_KEYS 63
/* t's unique keys other than the primary key, each set of columns once,
 * in DDL order (unique indexes, then UNIQUE constraints), at most
 * CG_MAX_KEYS: the finders the emitter writes and the names table
 * registers, decided in one place.  Returns how many it stored in keys. */
size_t cg_unique_keys(const mcc_table *t, cg_key keys[CG_MAX_KEYS]);

/* Schema text into generated C (c_escape.c): the only ways it gets there.
 * cg_put_cstr appends s as the body of a C string literal (quotes,
 * backslashes, "??" trigraphs, control and non-ASCII bytes escaped);
 * cg_cstr is an arena copy of s as a complete literal, quotes included --
 * or, for text longer than a literal may be, the name of a static array
 * holding it (cg_long_text), which is used the same way. */
void cg_put_cstr(mcc_buf *b, const char *s);
const char *cg_cstr(cgen *g, const char *s);
/* Appends s for the inside of a block comment: no comment end or start,
 * no line break, no line splice, no trigraph. */
void cg_put_comment_text(mcc_buf *b, const char *s);
/* "/" "* text *" "/" and a newline, the formatted text passed through
 * cg_put_comment_text: cg_commentf(h, "model %s: table %s", m, t). */
void cg_commentf(mcc_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The C call that sets an error message without schema text in its
 * format: fmt is the generator's own text where %T takes schema text (a
 * const char *, passed as an escaped "%s" argument -- or, when it is only
 * letters, digits and '_', kept in the format as it is) and any other
 * conversion (%d, %lld, %s, ...) takes the C expression (a const char *)
 * whose value it prints:
 *   cg_errf(g, "db", "MC_NOTFOUND", "%T: no row with id %lld", t->name, "(long long)id")
 *   -> mc_set_error(db, MC_NOTFOUND, "user: no row with id %lld", (long long)id)       table user
 *   -> mc_set_error(db, MC_NOTFOUND, "%s: no row with id %lld", "a%b", (long long)id)  table "a%b" */
const char *cg_errf(cgen *g, const char *db, const char *status, const char *fmt, ...);
/* Same, the arguments in an array (one per conversion, at most 16 for cg_errf). */
const char *cg_erra(cgen *g, const char *db, const char *status, const char *fmt, const char *const *args);
/* Arena string of an identifier quoted for SQL as needed. */
const char *cg_sql_ident(cgen *g, const char *name);
/* SQL text in the arena from a format where %I is an identifier (always
 * double-quoted: generated SQL runs on SQLite and PostgreSQL, whose
 * reserved words differ), %s is text pasted as it is (SQL the generator wrote), %% is %:
 * cg_sqlf(g, "DELETE FROM %I WHERE %I = ?", t->name, c->name). */
const char *cg_sqlf(cgen *g, const char *fmt, ...);
/* "id, username, email": every column of t in struct order, quoted as needed. */
const char *cg_column_list(cgen *g, const mcc_table *t);

/* The two outputs being written.  A generated function is declared once:
 * cg_fn_begin writes its doc comment and prototype to the header and its
 * prototype and opening brace to the source, so the two cannot disagree. */
typedef struct cg_out {
    mcc_buf h, c;
} cg_out;

void cg_fn_begin(cg_out *o, const char *doc, const char *proto_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void cg_fn_end(cg_out *o);
/* A fixed-shape piece of generated C, written as it will read: tpl is
 * the text with {{name}} where a value goes (mcc_template_render), the
 * values as name, value pairs ending with NULL (at most 24 pairs):
 *   cg_snippet(c, "    return {{fn}}_read(db, st, 0, row);\n", "fn", fn, NULL);
 * The text is copied as it is (its indentation included); an emitter
 * keeps line-by-line emission for what varies with the schema. */
void cg_snippet(mcc_buf *b, const char *tpl, ...);
/* A doc comment, as cg_fn_begin writes one: on one line when it fits in
 * 100 columns, else wrapped at 80 in a block comment. */
void cg_doc(mcc_buf *b, const char *doc);

/* Emitters.  c_types.c: enums, structs, lists, column constants, table
 * metadata.  c_crud.c: per-model functions.  c_relations.c: relationship
 * accessors.  c_migrations.c: compiled-in migrations.  c_emit.c drives
 * them and fills the templates. */
void cg_emit_types(cgen *g, cg_out *o);
/* c_types.c: a table's metadata for the query builder (static, beside its
 * functions), and the prototypes of every model's row reader X_read that
 * each source starts with. */
void cg_emit_table_meta(cgen *g, cg_out *o, const mcc_table *t);
/* How the query builder writes column c in a predicate or ORDER BY on
 * PostgreSQL when that is not its quoted name (a JSON column as its
 * text), or NULL: SQL fixed at generation time must then leave it to the
 * builder (c_relations.c). */
const char *cg_pg_compare_text(cgen *g, const mcc_column *c);
void cg_emit_reader_decls(cgen *g, mcc_buf *c, mcc_table *const *tables, size_t ntables);
/* "static " for the row readers X_read, or "" when split: then each
 * model's source defines its reader for the others (and the shared
 * source's named queries) to call. */
const char *cg_reader_linkage(const cgen *g);
void cg_emit_crud(cgen *g, cg_out *o, const mcc_table *t);
/* The body that lists every row of the T_query *make_query gives (a call
 * expression): X_all, X_<rel>_list. */
void cg_emit_list_of_query(cgen *g, mcc_buf *c, const mcc_table *T, const char *make_query);
void cg_emit_relations(cgen *g, cg_out *o, const mcc_table *t);
void cg_emit_migrations(cgen *g, cg_out *o);
/* c_pages.c: X_page, X_query_page, X_query_delete.  c_eager.c: the
 * T_refs / T_lists types (after the structs) and X_list_load_<rel>. */
void cg_emit_pages(cgen *g, cg_out *o, const mcc_table *t);
void cg_emit_eager_types(cgen *g, cg_out *o);
void cg_emit_eager(cgen *g, cg_out *o, const mcc_table *t);
/* c_queries.c: one function per `query` declaration, after every model. */
void cg_emit_queries(cgen *g, cg_out *o);
/* c_predicates.c, header only, `static inline` one-liners: the
 * X_query_where_<field>_<op> family (one doc comment per column), the
 * query's free/order_by/limit/offset/count, the string and blob setters. */
void cg_emit_predicates(cgen *g, cg_out *o, const mcc_table *t);
void cg_emit_query_wrappers(cgen *g, cg_out *o, const mcc_table *t);
void cg_emit_setters(cgen *g, cg_out *o, const mcc_table *t);
/* The SQL texts of c_crud.c's functions, which generate --compact puts
 * in its tables instead (c_compact.c): SELECT every column WHERE cols =
 * ?; the INSERT (rowid: the lone INTEGER key, or NULL; with_rowid: bound
 * last, else RETURNING it); the UPDATE (NULL when every column is the
 * key); the DELETE by primary key; a `cascade: delete` child's DELETE
 * by its foreign key.  Raw SQL in the arena (cg_cstr makes a literal). */
const char *cg_select_by_sql(cgen *g, const mcc_table *t, const size_t *cols, size_t n);
const char *cg_insert_sql(cgen *g, const mcc_table *t, const mcc_column *rowid, bool with_rowid);
const char *cg_update_sql(cgen *g, const mcc_table *t);
const char *cg_delete_sql(cgen *g, const mcc_table *t);
const char *cg_cascade_delete_sql(cgen *g, const mcc_relationship *r);
/* The children X_delete deletes first (cascade: delete), at most max. */
size_t cg_delete_cascades(const mcc_table *t, const mcc_relationship **out, size_t max);
/* A not_null string, blob or enum with a default(...): NULL/0 in the
 * struct takes the default on insert (a value set is never replaced). */
bool cg_fills_absent(const mcc_column *c);

/* c_compact.c (generate --compact): the model's tables for the runtime
 * (mc_model, runtime/modelc.h) and its X_read, at the start of the
 * model's functions; then, inside each function cg_fn_begin opened, the
 * body of operation op (key: which key of X_get / X_find_by_*, 0 the
 * primary key, i + 1 the i-th of cg_unique_keys). */
typedef enum cg_op {
    CG_OP_INIT, CG_OP_NEW, CG_OP_CLEAR, CG_OP_FREE, CG_OP_LIST_FREE, CG_OP_INSERT, CG_OP_FIND, CG_OP_UPDATE, CG_OP_DELETE, CG_OP_QUERY_NEXT,
    CG_OP_QUERY_FIRST, CG_OP_QUERY_ALL, CG_OP_ALL, CG_OP_INSERT_MANY, CG_OP_NEXT_LENT, CG_OP_PAGE_FREE,
    CG_OP_QUERY_PAGE
} cg_op;
void cg_compact_tables(cgen *g, mcc_buf *c, const mcc_table *t);
void cg_compact_body(cgen *g, mcc_buf *c, const mcc_table *t, cg_op op, size_t key);

/* c_bulk.c: X_insert_many. */
void cg_emit_bulk(cgen *g, cg_out *o, const mcc_table *t);
/* c_stream.c: X_query_next_borrowed, streaming with lent strings. */
void cg_emit_stream(cgen *g, cg_out *o, const mcc_table *t);
/* c_crud.c: the line(s) reading result column at+i into row->field of a
 * row reader (st, at, row, rc and db in scope; q too with CG_READ_LENT,
 * which lends strings and blobs from the current row instead of copying). */
enum { CG_READ_LENT = 1 };
void cg_emit_read_field(cgen *g, mcc_buf *c, const mcc_column *col, size_t i, int flags);
/* Reads the migration files of dir for --migrations (migfile.c's reader),
 * a history of the dialect its files name: *out in the arena, *engine the
 * engine it is written for.  Errors go to diag; returns 0 or -1. */
int mcc_load_compiled_migrations(mcc_arena *a, mcc_diag *diag, const char *dir, const mc_migration **out, size_t *n,
                                 mc_engine *engine);

/* One generated source: its file name ("blog.c", "blog_user.c") and text. */
typedef struct cg_file {
    const char *name;       /* in g's arena */
    char *text;             /* malloc'ed: the caller frees it */
} cg_file;
/* Whole files, from the templates (cg_generate calls it after naming):
 * the header and the sources, one
 * (<base>.c) or, with g->split, <base>.c for what the models share (enums,
 * eager-loading types, named queries, migrations) and <base>_<model>.c
 * with each model's functions, so that `make -j` compiles them in
 * parallel.  *files is malloc'ed (free each text, then the array).
 * Returns as mcc_emit_c does. */
int mcc_emit_c_files(cgen *g, char **header, cg_file **files, size_t *nfiles);
/* Whole files, from the templates.  0, -1 when out of memory, -2 when the
 * source would define one function twice (a collision the names table
 * does not know yet: cg_duplicate_definition names it; nothing is
 * returned, so generate writes nothing rather than C that cannot compile). */
int mcc_emit_c(cgen *g, char **header, char **source);
/* The first function that source defines twice (a line "...name(...)"
 * followed by a line "{", as cg_fn_begin writes them, or a header's
 * one-liner "static inline ...name(...) { ... }"), or NULL. */
const char *cg_duplicate_definition(cgen *g, const char *source);
/* What cg_duplicate_definition last found ("?" if nothing). */
const char *cg_last_duplicate(const cgen *g);

/*
 * The C generator's entry point (cgen.c): the naming step and emission in
 * one call, so that no caller can emit a model that has not been given
 * its C names.  Builds the names table for s (g->schema; cg_names_build
 * rewrites the checked model's C names and reports every collision into
 * diag), emits the header and sources as mcc_emit_c_files does, and frees
 * the table.  Returns 0; -3 after naming errors (in diag, nothing
 * emitted); or mcc_emit_c_files's -1 / -2 (cg_last_duplicate stays valid
 * until g's arena is freed).
 */
int cg_generate(cgen *g, mcc_schema *s, mcc_diag *diag, char **header, cg_file **files, size_t *nfiles);

#endif
