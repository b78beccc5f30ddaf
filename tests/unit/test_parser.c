/*
 * test_parser.c -- the front end in-process: every construct of DSL.md
 * section 1 lands in the schema model (schema.h) as it should, and
 * diagnostics are located in characters, not bytes.
 *
 * Schemas are parsed from memory with mcc_parse + mcc_sema and a capturing
 * diagnostics sink; the shared examples go through mcc_load_schema.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "schema.h"
#include "testutil.h"

/* ---- harness ------------------------------------------------------------ */

typedef struct captured {
    char *text;     /* every message, concatenated */
    size_t len;
    int count;
} captured;

static void capture(void *ctx, const char *text)
{
    captured *c = ctx;
    size_t n = strlen(text);
    c->text = realloc(c->text, c->len + n + 1);
    ck_assert_ptr_nonnull(c->text);
    memcpy(c->text + c->len, text, n + 1);
    c->len += n;
    c->count++;
}

typedef struct loaded {
    mcc_arena arena;
    mcc_source src;
    mcc_diag diag;
    mcc_ast ast;
    mcc_schema schema;
    captured cap;
    int nerr;
} loaded;

/* Parses and checks `text` (kept by the caller) as "t.model". */
static loaded *load_text(const char *text)
{
    loaded *l = calloc(1, sizeof *l);
    ck_assert_ptr_nonnull(l);
    l->src.path = "t.model";
    l->src.text = text;
    l->src.len = strlen(text);
    mcc_diag_init(&l->diag, &l->src, capture, &l->cap);
    l->nerr = mcc_parse(&l->src, &l->arena, &l->diag, &l->ast);
    if (l->nerr == 0)
        l->nerr = mcc_sema(&l->ast, &l->src, &l->arena, &l->diag, &l->schema);
    return l;
}

/* As load_text, and the schema must be clean. */
static loaded *load_ok(const char *text)
{
    loaded *l = load_text(text);
    ck_assert_msg(l->nerr == 0, "unexpected errors:\n%s", l->cap.text ? l->cap.text : "");
    ck_assert_int_eq(l->cap.count, 0);
    return l;
}

static loaded *load_file(const char *path)
{
    loaded *l = calloc(1, sizeof *l);
    ck_assert_ptr_nonnull(l);
    mcc_diag_init(&l->diag, &l->src, capture, &l->cap);
    l->nerr = mcc_load_schema(path, &l->arena, &l->diag, &l->src, &l->schema);
    ck_assert_msg(l->nerr == 0, "%s:\n%s", path, l->cap.text ? l->cap.text : "");
    return l;
}

static void unload(loaded *l)
{
    mcc_arena_free(&l->arena);
    free(l->cap.text);
    free(l);
}

static mcc_table *model(const loaded *l, const char *name)
{
    mcc_table *t = mcc_schema_model(&l->schema, name);
    ck_assert_msg(t != NULL, "no model %s", name);
    return t;
}

static mcc_column *field(const mcc_table *t, const char *name)
{
    mcc_column *c = mcc_table_field(t, name);
    ck_assert_msg(c != NULL, "no field %s.%s", t->model, name);
    return c;
}

static size_t col_index(const mcc_table *t, const char *name)
{
    return (size_t)(field(t, name) - t->columns);
}

static mcc_relationship *rel(const mcc_table *t, const char *name)
{
    for (size_t i = 0; i < t->nrels; i++)
        if (strcmp(t->rels[i]->name, name) == 0)
            return t->rels[i];
    ck_abort_msg("no relationship %s.%s", t->model, name);
    return NULL;
}

static const mcc_index *index_named(const mcc_table *t, const char *name)
{
    for (size_t i = 0; i < t->nindexes; i++)
        if (strcmp(t->indexes[i].name, name) == 0)
            return &t->indexes[i];
    ck_abort_msg("no index %s on %s", name, t->name);
    return NULL;
}

/* The column name of an FK constraint's (single) column. */
static const char *fk_col(const mcc_table *t, const mcc_constraint *k)
{
    ck_assert_ptr_nonnull(k);
    ck_assert_int_eq(k->kind, MCC_C_FOREIGN_KEY);
    ck_assert_uint_eq(k->ncols, 1);
    return t->columns[k->cols[0]].name;
}

/* ---- types ------------------------------------------------------------- */

static const char *types_src =
    "enum Format { hardcover, paperback, ebook, audiobook }\n"
    "enum Tiny { a, bb }\n"
    "model AllTypes {\n"
    "    id    Integer      primary_key\n"
    "    big   BigInteger\n"
    "    small SmallInteger\n"
    "    f     Float\n"
    "    n     Numeric(8, 2)\n"
    "    n1    Numeric(5)\n"
    "    b     Boolean\n"
    "    s     String\n"
    "    s64   String(64)\n"
    "    t     Text\n"
    "    dt    DateTime\n"
    "    d     Date\n"
    "    tm    Time\n"
    "    bin   LargeBinary\n"
    "    j     JSON\n"
    "    fmt   Format\n"
    "    tiny  Tiny\n"
    "}\n";

START_TEST(types_and_sql_types)
{
    loaded *l = load_ok(types_src);
    const mcc_table *t = model(l, "AllTypes");
    static const struct {
        const char *field;
        mcc_type_id type;
        const char *sql;
    } want[] = {
        {"id", MCC_T_INTEGER, "INTEGER"},      {"big", MCC_T_BIGINTEGER, "BIGINT"},
        {"small", MCC_T_SMALLINTEGER, "SMALLINT"}, {"f", MCC_T_FLOAT, "FLOAT"},
        {"n", MCC_T_NUMERIC, "NUMERIC(8, 2)"}, {"n1", MCC_T_NUMERIC, "NUMERIC(5)"},
        {"b", MCC_T_BOOLEAN, "BOOLEAN"},       {"s", MCC_T_STRING, "VARCHAR"},
        {"s64", MCC_T_STRING, "VARCHAR(64)"},  {"t", MCC_T_TEXT, "TEXT"},
        {"dt", MCC_T_DATETIME, "DATETIME"},    {"d", MCC_T_DATE, "DATE"},
        {"tm", MCC_T_TIME, "TIME"},            {"bin", MCC_T_LARGEBINARY, "BLOB"},
        {"j", MCC_T_JSON, "JSON"},             {"fmt", MCC_T_ENUM, "VARCHAR(9)"},
        {"tiny", MCC_T_ENUM, "VARCHAR(2)"},
    };
    ck_assert_uint_eq(t->ncolumns, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const mcc_column *c = &t->columns[i];
        ck_assert_str_eq(c->field, want[i].field);
        ck_assert_str_eq(c->name, want[i].field);
        ck_assert_msg(c->type == want[i].type, "%s: type %d", c->field, (int)c->type);
        ck_assert_str_eq(c->sql_type, want[i].sql);
        ck_assert_msg(c->nullable == (i != 0), "%s: nullable %d", c->field, c->nullable);
    }
    ck_assert_int_eq(field(t, "s64")->length, 64);
    ck_assert_int_eq(field(t, "s")->length, 0);
    ck_assert_int_eq(field(t, "n")->precision, 8);
    ck_assert_int_eq(field(t, "n")->scale, 2);
    ck_assert_int_eq(field(t, "n1")->precision, 5);
    ck_assert_int_eq(field(t, "n1")->scale, 0);

    ck_assert_uint_eq(l->schema.nenums, 2);
    const mcc_enum *e = &l->schema.enums[0];
    ck_assert_str_eq(e->name, "Format");
    ck_assert_uint_eq(e->nvalues, 4);
    ck_assert_str_eq(e->values[0], "hardcover");
    ck_assert_str_eq(e->values[3], "audiobook");
    ck_assert_uint_eq(e->maxlen, 9);
    ck_assert_ptr_eq(field(t, "fmt")->enum_type, e);
    ck_assert_ptr_eq(field(t, "tiny")->enum_type, &l->schema.enums[1]);
    ck_assert_uint_eq(l->schema.enums[1].maxlen, 2);
    unload(l);
}
END_TEST

/* ---- column attributes --------------------------------------------------- */

static const char *attrs_src =
    "enum Format { hardcover, paperback, ebook }\n"
    "model Owner { id Integer primary_key }\n"
    "model Thing {\n"
    "    id       Integer       primary_key autoincrement\n"
    "    code     String(10)    unique not_null\n"
    "    name     String(64)    index\n"
    "    email    String(120)   index unique\n"
    "    qty      Integer       default(-5) server_default(0)\n"
    "    price    Numeric(8, 2) default(-12.50) server_default(3.5)\n"
    "    ratio    Float         default(0.25)\n"
    "    flag     Boolean       server_default(true) default(false)\n"
    "    note     Text          default(\"say \\\"hi\\\" \\\\ \\n\\t.\")\n"
    "    at       DateTime      server_default(now)\n"
    "    maybe    String        default(null)\n"
    "    fmt      Format        default(ebook) server_default(paperback)\n"
    "    pos      Integer       check(\"pos >= 0\")\n"
    "    newname  Integer       renamed_from(oldname)\n"
    "    fld      Integer       column(\"sql_name\")\n"
    "    owner_id Integer       not_null foreign_key(Owner.id, on_delete: cascade, on_update: set_default)\n"
    "    other_id Integer       foreign_key(Owner.id, on_delete: set_null, on_update: restrict)\n"
    "    third_id Integer       foreign_key(Owner.id, on_delete: no_action)\n"
    "}\n";

START_TEST(column_attributes)
{
    loaded *l = load_ok(attrs_src);
    const mcc_table *t = model(l, "Thing");
    const mcc_table *owner = model(l, "Owner");
    ck_assert_str_eq(t->name, "thing");

    const mcc_column *id = field(t, "id");
    ck_assert(id->primary_key && id->autoincrement && !id->nullable);
    ck_assert_uint_eq(t->npk, 1);
    ck_assert_uint_eq(t->pk[0], 0);

    const mcc_column *code = field(t, "code");
    ck_assert(code->unique && !code->index && !code->nullable && !code->primary_key);
    bool code_unique = false;
    for (size_t i = 0; i < t->nconstraints; i++)
        if (t->constraints[i].kind == MCC_C_UNIQUE && t->constraints[i].ncols == 1 &&
            t->constraints[i].cols[0] == col_index(t, "code"))
            code_unique = true;
    ck_assert_msg(code_unique, "no UNIQUE (code)");

    ck_assert(field(t, "name")->index && field(t, "name")->nullable);
    const mcc_index *ix = index_named(t, "ix_thing_name");
    ck_assert(!ix->unique);
    ck_assert_uint_eq(ix->ncols, 1);
    ck_assert_uint_eq(ix->cols[0], col_index(t, "name"));
    ix = index_named(t, "ix_thing_email");
    ck_assert(ix->unique);
    /* index + unique is a UNIQUE INDEX, not also a UNIQUE constraint */
    for (size_t i = 0; i < t->nconstraints; i++)
        if (t->constraints[i].kind == MCC_C_UNIQUE)
            ck_assert_uint_ne(t->constraints[i].cols[0], col_index(t, "email"));
    ck_assert_uint_eq(t->nindexes, 2);

    const mcc_column *c = field(t, "qty");
    ck_assert_int_eq(c->def.kind, MCC_L_INT);
    ck_assert_str_eq(c->def.text, "-5");
    ck_assert_str_eq(c->server_default, "0");
    c = field(t, "price");
    ck_assert_int_eq(c->def.kind, MCC_L_DEC);
    ck_assert_str_eq(c->def.text, "-12.50");
    ck_assert_str_eq(c->server_default, "3.5");
    c = field(t, "ratio");
    ck_assert_int_eq(c->def.kind, MCC_L_DEC);
    ck_assert_str_eq(c->def.text, "0.25");
    ck_assert_ptr_null(c->server_default);
    c = field(t, "flag");
    ck_assert_int_eq(c->def.kind, MCC_L_FALSE);
    ck_assert_str_eq(c->server_default, "1");
    c = field(t, "note");
    ck_assert_int_eq(c->def.kind, MCC_L_STR);
    ck_assert_str_eq(c->def.text, "say \"hi\" \\ \n\t.");
    ck_assert_str_eq(field(t, "at")->server_default, "CURRENT_TIMESTAMP");
    ck_assert_int_eq(field(t, "maybe")->def.kind, MCC_L_NULL);
    c = field(t, "fmt");
    ck_assert_int_eq(c->def.kind, MCC_L_ENUM);
    ck_assert_str_eq(c->def.text, "ebook");
    ck_assert_str_eq(c->server_default, "'paperback'");
    ck_assert_str_eq(field(t, "pos")->check, "pos >= 0");
    ck_assert_str_eq(field(t, "newname")->renamed_from, "oldname");
    ck_assert_ptr_null(field(t, "pos")->renamed_from);
    c = field(t, "fld");
    ck_assert_str_eq(c->field, "fld");
    ck_assert_str_eq(c->name, "sql_name");
    ck_assert_ptr_eq(mcc_table_column(t, "sql_name"), c);

    c = field(t, "owner_id");
    ck_assert(!c->nullable);
    const mcc_constraint *k = c->fk;
    ck_assert_str_eq(fk_col(t, k), "owner_id");
    ck_assert_ptr_eq(k->ref, owner);
    ck_assert_str_eq(k->ref_table, "owner");
    ck_assert_uint_eq(k->nref, 1);
    ck_assert_str_eq(k->ref_cols[0], "id");
    ck_assert_int_eq(k->on_delete, MCC_FK_CASCADE);
    ck_assert_int_eq(k->on_update, MCC_FK_SET_DEFAULT);
    k = field(t, "other_id")->fk;
    ck_assert_int_eq(k->on_delete, MCC_FK_SET_NULL);
    ck_assert_int_eq(k->on_update, MCC_FK_RESTRICT);
    k = field(t, "third_id")->fk;
    ck_assert_int_eq(k->on_delete, MCC_FK_NO_ACTION);
    ck_assert_int_eq(k->on_update, MCC_FK_NONE);
    ck_assert_ptr_null(field(t, "qty")->fk);
    ck_assert_str_eq(mcc_fk_action_sql(MCC_FK_SET_NULL), "SET NULL");
    unload(l);
}
END_TEST

/* ---- model-level members ----------------------------------------------- */

START_TEST(model_level_members)
{
    loaded *l = load_ok("model Event table \"events\" {\n"
                        "    id  Integer\n"
                        "    seq Integer\n"
                        "    a   String\n"
                        "    b   String\n"
                        "    c   Integer\n"
                        "    primary_key(id, seq)\n"
                        "    index(a, b)\n"
                        "    index(b, c, name: \"ix_custom\", unique: true)\n"
                        "    index(c, unique: false)\n"
                        "    unique(a, c)\n"
                        "    check(\"c > 0\")\n"
                        "    renamed_from(Happening)\n"
                        "}\n");
    const mcc_table *t = model(l, "Event");
    ck_assert_str_eq(t->name, "events");
    ck_assert_str_eq(t->model, "Event");
    ck_assert_uint_eq(t->npk, 2);
    ck_assert_uint_eq(t->pk[0], col_index(t, "id"));
    ck_assert_uint_eq(t->pk[1], col_index(t, "seq"));
    ck_assert(field(t, "id")->primary_key && !field(t, "id")->nullable);
    ck_assert(field(t, "seq")->primary_key && !field(t, "seq")->nullable);
    ck_assert(!field(t, "a")->primary_key && field(t, "a")->nullable);

    /* sorted by name */
    ck_assert_uint_eq(t->nindexes, 3);
    ck_assert_str_eq(t->indexes[0].name, "ix_custom");
    ck_assert_str_eq(t->indexes[1].name, "ix_events_a_b");
    ck_assert_str_eq(t->indexes[2].name, "ix_events_c");
    const mcc_index *ix = index_named(t, "ix_custom");
    ck_assert(ix->unique);
    ck_assert_uint_eq(ix->ncols, 2);
    ck_assert_uint_eq(ix->cols[0], col_index(t, "b"));
    ck_assert_uint_eq(ix->cols[1], col_index(t, "c"));
    ix = index_named(t, "ix_events_a_b");
    ck_assert(!ix->unique);
    ck_assert_uint_eq(ix->cols[0], col_index(t, "a"));
    ck_assert_uint_eq(ix->cols[1], col_index(t, "b"));
    ck_assert(!index_named(t, "ix_events_c")->unique);

    ck_assert_uint_eq(t->nconstraints, 2);
    ck_assert_int_eq(t->constraints[0].kind, MCC_C_UNIQUE);
    ck_assert_uint_eq(t->constraints[0].ncols, 2);
    ck_assert_uint_eq(t->constraints[0].cols[0], col_index(t, "a"));
    ck_assert_uint_eq(t->constraints[0].cols[1], col_index(t, "c"));
    ck_assert_int_eq(t->constraints[1].kind, MCC_C_CHECK);
    ck_assert_str_eq(t->constraints[1].check, "c > 0");
    ck_assert_str_eq(t->renamed_from, "Happening");
    ck_assert_str_eq(t->renamed_from_table, "happening");
    unload(l);
}
END_TEST

/* ---- relationships ------------------------------------------------------ */

START_TEST(library_relationships)
{
    loaded *l = load_file(tu_example("examples/library.model"));
    mcc_table *author = model(l, "Author"), *book = model(l, "Book"), *tag = model(l, "Tag"),
             *book_tag = model(l, "BookTag"), *member = model(l, "Member"), *card = model(l, "LibraryCard"),
             *loan = model(l, "Loan");
    ck_assert_str_eq(l->schema.name, "library");
    ck_assert_str_eq(book_tag->name, "book_tags");
    ck_assert_str_eq(card->name, "library_card");

    /* one-to-many with every list option, and its backref */
    mcc_relationship *r = rel(author, "books");
    ck_assert_int_eq(r->kind, MCC_REL_ONE_TO_MANY);
    ck_assert(!r->is_backref);
    ck_assert_ptr_eq(r->owner, author);
    ck_assert_ptr_eq(r->target, book);
    ck_assert_int_eq(r->lazy, MCC_LAZY_DYNAMIC);
    ck_assert_ptr_eq(r->order_by, field(book, "published"));
    ck_assert(r->order_desc);
    ck_assert(r->cascade_delete);
    ck_assert_str_eq(fk_col(book, r->fk), "author_id");
    mcc_relationship *b = rel(book, "author");
    ck_assert(b->is_backref);
    ck_assert_ptr_eq(b->other, r);
    ck_assert_ptr_eq(r->other, b);
    ck_assert_int_eq(b->kind, MCC_REL_MANY_TO_ONE);
    ck_assert_ptr_eq(b->owner, book);
    ck_assert_ptr_eq(b->target, author);
    ck_assert_ptr_eq(b->fk, r->fk);

    /* many-to-many through the association model */
    r = rel(book, "tags");
    ck_assert_int_eq(r->kind, MCC_REL_MANY_TO_MANY);
    ck_assert_ptr_eq(r->secondary, book_tag);
    ck_assert_str_eq(fk_col(book_tag, r->fk), "book_id");
    ck_assert_str_eq(fk_col(book_tag, r->fk2), "tag_id");
    ck_assert_int_eq(r->lazy, MCC_LAZY_SELECT);
    b = rel(tag, "books");
    ck_assert(b->is_backref);
    ck_assert_int_eq(b->kind, MCC_REL_MANY_TO_MANY);
    ck_assert_ptr_eq(b->secondary, book_tag);
    ck_assert_ptr_eq(b->fk, r->fk2);
    ck_assert_ptr_eq(b->fk2, r->fk);

    r = rel(book, "loans");
    ck_assert_int_eq(r->kind, MCC_REL_ONE_TO_MANY);
    ck_assert_int_eq(r->lazy, MCC_LAZY_SELECT);
    ck_assert(!r->cascade_delete);
    ck_assert_ptr_null(r->order_by);
    ck_assert_int_eq(rel(loan, "book")->kind, MCC_REL_MANY_TO_ONE);

    /* self-referential, FK picked with foreign_key: */
    r = rel(member, "referrals");
    ck_assert_int_eq(r->kind, MCC_REL_ONE_TO_MANY);
    ck_assert_ptr_eq(r->target, member);
    ck_assert_str_eq(fk_col(member, r->fk), "referrer_id");
    b = rel(member, "referrer");
    ck_assert(b->is_backref);
    ck_assert_int_eq(b->kind, MCC_REL_MANY_TO_ONE);
    ck_assert_ptr_eq(b->fk, r->fk);
    ck_assert_ptr_eq(field(member, "referrer_id")->fk->ref, member);

    /* one-to-one */
    r = rel(member, "card");
    ck_assert_int_eq(r->kind, MCC_REL_ONE_TO_ONE);
    ck_assert_str_eq(fk_col(card, r->fk), "member_id");
    ck_assert_int_eq(rel(card, "member")->kind, MCC_REL_MANY_TO_ONE);

    ck_assert_int_eq(rel(member, "loans")->lazy, MCC_LAZY_JOINED);
    ck_assert_int_eq(rel(loan, "member")->kind, MCC_REL_MANY_TO_ONE);

    /* the rest of library.model */
    const mcc_column *c = field(book, "format");
    ck_assert_int_eq(c->type, MCC_T_ENUM);
    ck_assert_str_eq(c->sql_type, "VARCHAR(9)");
    ck_assert_int_eq(c->def.kind, MCC_L_ENUM);
    ck_assert_str_eq(c->def.text, "paperback");
    ck_assert(field(book, "id")->autoincrement);
    ck_assert_str_eq(field(book, "isbn")->check, "length(isbn) IN (10, 13)");
    ck_assert_str_eq(field(book, "in_print")->server_default, "1");
    ck_assert_str_eq(field(book, "added_at")->server_default, "CURRENT_TIMESTAMP");
    ck_assert_int_eq(field(book, "author_id")->fk->on_delete, MCC_FK_CASCADE);
    ck_assert_int_eq(field(loan, "book_id")->fk->on_delete, MCC_FK_RESTRICT);
    ck_assert_int_eq(field(loan, "member_id")->fk->on_delete, MCC_FK_NONE);
    index_named(book, "ix_book_author_id_published");
    index_named(book, "ix_book_published");
    index_named(author, "ix_author_name");
    ck_assert_uint_eq(book_tag->npk, 2);

    /* creation order: FK dependencies first, ties by name */
    static const char *const order[] = {"author", "member", "tag", "book", "library_card", "book_tags", "loan"};
    ck_assert_uint_eq(l->schema.ntables, 7);
    for (size_t i = 0; i < 7; i++)
        ck_assert_str_eq(l->schema.create_order[i]->name, order[i]);
    /* declaration order is kept in tables[] */
    ck_assert_str_eq(l->schema.tables[0]->model, "Author");
    ck_assert_str_eq(l->schema.tables[6]->model, "Loan");
    unload(l);
}
END_TEST

START_TEST(blog_relationships)
{
    loaded *l = load_file(tu_example("examples/blog.model"));
    mcc_table *user = model(l, "User"), *post = model(l, "Post");
    ck_assert_str_eq(l->schema.name, "blog");
    mcc_relationship *r = rel(user, "posts");
    ck_assert_int_eq(r->kind, MCC_REL_ONE_TO_MANY);
    ck_assert_int_eq(r->lazy, MCC_LAZY_DYNAMIC);
    ck_assert_int_eq(rel(post, "author")->kind, MCC_REL_MANY_TO_ONE);
    ck_assert(index_named(user, "ix_user_email")->unique);
    ck_assert(index_named(user, "ix_user_username")->unique);
    ck_assert_str_eq(l->schema.create_order[0]->name, "user");
    ck_assert_str_eq(l->schema.create_order[1]->name, "post");
    unload(l);
}
END_TEST

START_TEST(foreign_key_option_picks_among_two)
{
    loaded *l = load_ok("model User {\n"
                        "    id       Integer primary_key\n"
                        "    sent     relationship(Message, foreign_key: sender_id, backref: sender)\n"
                        "    received relationship(Message, foreign_key: recipient_id, backref: recipient,\n"
                        "                          order_by: sent_at asc, lazy: select)\n"
                        "}\n"
                        "model Message {\n"
                        "    id           Integer primary_key\n"
                        "    sender_id    Integer foreign_key(User.id)\n"
                        "    recipient_id Integer foreign_key(User.id)\n"
                        "    sent_at      DateTime\n"
                        "    from_user    relationship(User, foreign_key: sender_id)\n"
                        "}\n");
    mcc_table *user = model(l, "User"), *msg = model(l, "Message");
    mcc_relationship *r = rel(user, "sent");
    ck_assert_int_eq(r->kind, MCC_REL_ONE_TO_MANY);
    ck_assert_str_eq(fk_col(msg, r->fk), "sender_id");
    r = rel(user, "received");
    ck_assert_str_eq(fk_col(msg, r->fk), "recipient_id");
    ck_assert_ptr_eq(r->order_by, field(msg, "sent_at"));
    ck_assert(!r->order_desc);
    ck_assert_int_eq(r->lazy, MCC_LAZY_SELECT);
    ck_assert_str_eq(fk_col(msg, rel(msg, "sender")->fk), "sender_id");
    ck_assert_str_eq(fk_col(msg, rel(msg, "recipient")->fk), "recipient_id");
    /* declared on the side holding the FK: many-to-one */
    r = rel(msg, "from_user");
    ck_assert_int_eq(r->kind, MCC_REL_MANY_TO_ONE);
    ck_assert(!r->is_backref);
    ck_assert_str_eq(fk_col(msg, r->fk), "sender_id");
    unload(l);
}
END_TEST

START_TEST(many_to_one_and_self_reference)
{
    loaded *l = load_ok("model Node {\n"
                        "    id        Integer primary_key\n"
                        "    parent_id Integer foreign_key(Node.id, on_delete: cascade)\n"
                        "    children  relationship(Node, backref: parent, cascade: delete)\n"
                        "}\n"
                        "model Leaf {\n"
                        "    id      Integer primary_key\n"
                        "    node_id Integer foreign_key(Node.id)\n"
                        "    node    relationship(Node, backref: leaves, lazy: joined)\n"
                        "}\n");
    mcc_table *node = model(l, "Node"), *leaf = model(l, "Leaf");
    mcc_relationship *r = rel(node, "children");
    ck_assert_int_eq(r->kind, MCC_REL_ONE_TO_MANY);
    ck_assert(r->cascade_delete);
    ck_assert_ptr_eq(r->target, node);
    ck_assert_int_eq(rel(node, "parent")->kind, MCC_REL_MANY_TO_ONE);
    r = rel(leaf, "node");
    ck_assert_int_eq(r->kind, MCC_REL_MANY_TO_ONE);
    ck_assert_int_eq(r->lazy, MCC_LAZY_JOINED);
    mcc_relationship *b = rel(node, "leaves");
    ck_assert(b->is_backref);
    ck_assert_int_eq(b->kind, MCC_REL_ONE_TO_MANY);
    ck_assert_ptr_eq(b->target, leaf);
    /* a self-reference does not hold back the creation order */
    ck_assert_str_eq(l->schema.create_order[0]->name, "node");
    ck_assert_str_eq(l->schema.create_order[1]->name, "leaf");
    unload(l);
}
END_TEST

START_TEST(create_order_chains_and_cycles)
{
    loaded *l = load_ok("model C { id Integer primary_key; b_id Integer foreign_key(B.id) }\n"
                        "model B { id Integer primary_key; a_id Integer foreign_key(A.id) }\n"
                        "model A { id Integer primary_key; me Integer foreign_key(A.id) }\n"
                        "model Y { id Integer primary_key; x_id Integer foreign_key(X.id) }\n"
                        "model X { id Integer primary_key; y_id Integer foreign_key(Y.id) }\n"
                        "model W { id Integer primary_key; z_id Integer foreign_key(Z.id) }\n"
                        "model Z { id Integer primary_key }\n"
                        "model D { id Integer primary_key; c_id Integer foreign_key(C.id); z_id Integer "
                        "foreign_key(Z.id) }\n");
    /* levels: {a, z}, {b, w}, {c}, {d}; then the cycle x <-> y by name */
    static const char *const want[] = {"a", "z", "b", "w", "c", "d", "x", "y"};
    ck_assert_uint_eq(l->schema.ntables, 8);
    for (size_t i = 0; i < 8; i++)
        ck_assert_str_eq(l->schema.create_order[i]->name, want[i]);
    unload(l);
}
END_TEST

/* ---- lexical rules ------------------------------------------------------ */

START_TEST(comments_separators_backticks_numbers)
{
    loaded *l = load_ok("# a hash comment\n"
                        "// a slash comment\n"
                        "/* a block\n"
                        "   comment * with / stars **/ model Lex { /* inline */ id Integer primary_key ;"
                        " a Integer default(-3); b Float default(-0.5)\n"
                        "    c String default(\"q\\\"b\\\\s\\nn\\tt # not a comment\")   # trailing\n"
                        "    d Numeric(10,\n"
                        "              3)   // newline inside parentheses\n"
                        "    e Integer foreign_key(\n"
                        "        Other.id,\n"
                        "        on_delete: cascade\n"
                        "    )\n"
                        "\n"
                        "    `index` Integer index\n"
                        "    `model` String(5); `table` Text; `enum` Integer\n"
                        "    f Float default(12)\n"
                        "    g BigInteger default(-9000000000)\n"
                        "}\n"
                        "model Other { id Integer primary_key };\n"
                        "enum E {\n"
                        "    one\n"
                        "    two; three,\n"
                        "    four,\n"
                        "}\n");
    const mcc_table *t = model(l, "Lex");
    static const char *const names[] = {"id", "a", "b", "c", "d", "e", "index", "model", "table", "enum", "f", "g"};
    ck_assert_uint_eq(t->ncolumns, sizeof names / sizeof names[0]);
    for (size_t i = 0; i < t->ncolumns; i++)
        ck_assert_str_eq(t->columns[i].field, names[i]);
    ck_assert_str_eq(field(t, "a")->def.text, "-3");
    ck_assert_int_eq(field(t, "b")->def.kind, MCC_L_DEC);
    ck_assert_str_eq(field(t, "b")->def.text, "-0.5");
    ck_assert_str_eq(field(t, "c")->def.text, "q\"b\\s\nn\tt # not a comment");
    ck_assert_str_eq(field(t, "d")->sql_type, "NUMERIC(10, 3)");
    ck_assert_int_eq(field(t, "e")->fk->on_delete, MCC_FK_CASCADE);
    ck_assert(field(t, "index")->index);
    index_named(t, "ix_lex_index");
    ck_assert_int_eq(field(t, "model")->length, 5);
    ck_assert_str_eq(field(t, "f")->def.text, "12");
    ck_assert_str_eq(field(t, "g")->def.text, "-9000000000");
    ck_assert_uint_eq(l->schema.nenums, 1);
    ck_assert_uint_eq(l->schema.enums[0].nvalues, 4);
    ck_assert_str_eq(l->schema.enums[0].values[2], "three");
    unload(l);
}
END_TEST

START_TEST(parser_ast_spans)
{
    /* The AST keeps names, args and spans as the grammar reads them. */
    const char *text = "model A table \"a_t\" {\n  id Integer primary_key foreign_key(B.id, on_delete: cascade)\n"
                       "  index(id, name: \"x\")\n}\n";
    mcc_arena arena = {0};
    mcc_source src = {"t.model", text, strlen(text)};
    mcc_diag d;
    captured cap = {0};
    mcc_diag_init(&d, &src, capture, &cap);
    mcc_ast ast;
    ck_assert_int_eq(mcc_parse(&src, &arena, &d, &ast), 0);
    const mcc_decl *decl = ast.decls;
    ck_assert_ptr_nonnull(decl);
    ck_assert_int_eq(decl->kind, MCC_D_MODEL);
    ck_assert_str_eq(decl->name, "A");
    ck_assert_str_eq(decl->table, "a_t");
    ck_assert_uint_eq(decl->at.off, 6);
    const mcc_member *m = decl->members;
    ck_assert_int_eq(m->kind, MCC_M_FIELD);
    ck_assert_str_eq(m->name, "id");
    ck_assert_str_eq(m->type->name, "Integer");
    ck_assert_str_eq(m->attrs->name, "primary_key");
    const mcc_call *fk = m->attrs->next;
    ck_assert_str_eq(fk->name, "foreign_key");
    ck_assert_int_eq(fk->nargs, 2);
    ck_assert_int_eq(fk->args->val.kind, MCC_V_PATH);
    ck_assert_str_eq(fk->args->val.text, "B");
    ck_assert_str_eq(fk->args->val.member, "id");
    ck_assert_str_eq(fk->args->next->key, "on_delete");
    ck_assert_str_eq(fk->args->next->val.text, "cascade");
    ck_assert_uint_eq(fk->args->val.at.off, (uint32_t)(strstr(text, "B.id") - text));
    m = m->next;
    ck_assert_int_eq(m->kind, MCC_M_DIRECTIVE);
    ck_assert_str_eq(m->directive->name, "index");
    ck_assert_int_eq(m->directive->nargs, 2);
    ck_assert_ptr_null(m->next);
    ck_assert_ptr_null(decl->next);
    mcc_arena_free(&arena);
    free(cap.text);
}
END_TEST

START_TEST(snake_case_table_names)
{
    loaded *l = load_ok("model LibraryCard { id Integer primary_key }\n"
                        "model HTTPRequest { id Integer primary_key }\n"
                        "model PostTag { id Integer primary_key }\n"
                        "model User { id Integer primary_key }\n"
                        "model OAuth2Token { id Integer primary_key }\n"
                        "model ABC { id Integer primary_key }\n"
                        "model Named table \"Some Table\" { id Integer primary_key }\n");
    ck_assert_str_eq(model(l, "LibraryCard")->name, "library_card");
    ck_assert_str_eq(model(l, "HTTPRequest")->name, "http_request");
    ck_assert_str_eq(model(l, "PostTag")->name, "post_tag");
    ck_assert_str_eq(model(l, "User")->name, "user");
    ck_assert_str_eq(model(l, "OAuth2Token")->name, "o_auth2_token");
    ck_assert_str_eq(model(l, "ABC")->name, "abc");
    ck_assert_str_eq(model(l, "Named")->name, "Some Table");
    ck_assert_ptr_eq(mcc_schema_table(&l->schema, "http_request"), model(l, "HTTPRequest"));
    unload(l);
}
END_TEST

/* ---- diagnostics -------------------------------------------------------- */

START_TEST(utf8_line_and_column_in_characters)
{
    /* 'uniqe' is at byte 43 of line 3 but at character 41. */
    const char *text = "model M {\n"
                       "    id Integer primary_key\n"
                       "    s String(20) default(\"h\xc3\xa9llo w\xc3\xb6rld\") uniqe\n"
                       "}\n";
    loaded *l = load_text(text);
    ck_assert_int_eq(l->nerr, 1);
    ck_assert_str_eq(l->cap.text,
                     "t.model:3:41: error: unknown attribute 'uniqe'\n"
                     "        s String(20) default(\"h\xc3\xa9llo w\xc3\xb6rld\") uniqe\n"
                     "                                            ^~~~~\n"
                     "    hint: did you mean 'unique'?\n");
    unsigned line, col;
    mcc_diag_linecol(&l->src, (uint32_t)(strstr(text, "uniqe") - text), &line, &col);
    ck_assert_uint_eq(line, 3);
    ck_assert_uint_eq(col, 41);
    /* four-byte characters count once too */
    mcc_source s2 = {"x", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80x", 9};
    mcc_diag_linecol(&s2, 8, &line, &col);
    ck_assert_uint_eq(line, 1);
    ck_assert_uint_eq(col, 3);
    unload(l);
}
END_TEST

START_TEST(all_errors_of_a_file_in_source_order)
{
    /* Errors found by different passes come out in the order of the file. */
    loaded *l = load_text("model A {\n"
                          "    id  Integer primary_key\n"
                          "    b_id Integer foreign_key(Bee.id)\n"
                          "    x   Strng\n"
                          "    y   Integer uniqe\n"
                          "}\n"
                          "model A { id Integer primary_key }\n");
    ck_assert_int_eq(l->nerr, 4);
    ck_assert_int_eq(l->cap.count, 4);
    const char *p1 = strstr(l->cap.text, "t.model:3:30: error: foreign key to unknown model 'Bee'");
    const char *p2 = strstr(l->cap.text, "t.model:4:9: error: unknown type 'Strng'");
    const char *p3 = strstr(l->cap.text, "t.model:5:17: error: unknown attribute 'uniqe'");
    const char *p4 = strstr(l->cap.text, "t.model:7:7: error: duplicate model name 'A'");
    ck_assert_msg(p1 && p2 && p3 && p4, "%s", l->cap.text);
    ck_assert_msg(p1 < p2 && p2 < p3 && p3 < p4, "not in source order:\n%s", l->cap.text);
    unload(l);
}
END_TEST

START_TEST(error_cap)
{
    /* 30 unknown types; the sink shows max_errors of them, counts all. */
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "model M {\n    id Integer primary_key\n");
    for (int i = 0; i < 30; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "    f%d Nope%d\n", i, i);
    snprintf(text + n, sizeof text - n, "}\n");
    mcc_arena arena = {0};
    mcc_source src = {"t.model", text, strlen(text)};
    mcc_diag d;
    captured cap = {0};
    mcc_diag_init(&d, &src, capture, &cap);
    d.max_errors = 5;
    mcc_ast ast;
    mcc_schema schema;
    ck_assert_int_eq(mcc_parse(&src, &arena, &d, &ast), 0);
    ck_assert_int_eq(mcc_sema(&ast, &src, &arena, &d, &schema), 30);
    mcc_diag_finish(&d);
    ck_assert_int_eq(cap.count, 6);
    ck_assert_ptr_nonnull(strstr(cap.text, "t.model:3:") );
    ck_assert_ptr_nonnull(strstr(cap.text, "t.model:7:"));
    ck_assert_ptr_null(strstr(cap.text, "t.model:8:"));
    ck_assert_ptr_nonnull(strstr(cap.text, "t.model: too many errors (30), only the first 5 shown\n"));
    mcc_arena_free(&arena);
    free(cap.text);
}
END_TEST

START_TEST(syntax_errors_recover_per_member)
{
    loaded *l = load_text("model A {\n"
                          "    id Integer primary_key,\n"
                          "    x String(10\n"
                          "    y Integer\n"
                          "    z Integer )\n"
                          "}\n"
                          "model B { id Integer primary_key }\n");
    ck_assert_int_eq(l->nerr, 3);
    ck_assert_msg(strstr(l->cap.text, "t.model:2:27: error: unexpected ','"), "%s", l->cap.text);
    ck_assert_msg(strstr(l->cap.text, "t.model:4:5: error: unexpected name 'y'"), "%s", l->cap.text);
    ck_assert_msg(strstr(l->cap.text, "t.model:5:15: error: unexpected ')'"), "%s", l->cap.text);
    unload(l);
}
END_TEST

START_TEST(load_missing_file)
{
    mcc_arena arena = {0};
    mcc_source src = {0};
    mcc_diag d;
    captured cap = {0};
    mcc_diag_init(&d, &src, capture, &cap);
    mcc_schema schema;
    ck_assert_int_eq(mcc_load_schema("/nonexistent/x.model", &arena, &d, &src, &schema), 1);
    ck_assert_ptr_nonnull(strstr(cap.text, "/nonexistent/x.model: error: cannot open"));
    mcc_arena_free(&arena);
    free(cap.text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("model");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, types_and_sql_types);
    tcase_add_test(tc, column_attributes);
    tcase_add_test(tc, model_level_members);
    tcase_add_test(tc, library_relationships);
    tcase_add_test(tc, blog_relationships);
    tcase_add_test(tc, foreign_key_option_picks_among_two);
    tcase_add_test(tc, many_to_one_and_self_reference);
    tcase_add_test(tc, create_order_chains_and_cycles);
    tcase_add_test(tc, comments_separators_backticks_numbers);
    tcase_add_test(tc, parser_ast_spans);
    tcase_add_test(tc, snake_case_table_names);
    tcase_add_test(tc, utf8_line_and_column_in_characters);
    tcase_add_test(tc, all_errors_of_a_file_in_source_order);
    tcase_add_test(tc, error_cap);
    tcase_add_test(tc, syntax_errors_recover_per_member);
    tcase_add_test(tc, load_missing_file);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
