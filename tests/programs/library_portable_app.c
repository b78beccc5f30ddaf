/*
 * library_portable_app.c -- one compiled program over examples/library,
 * run by test_portable.c against a SQLite file and against a PostgreSQL
 * schema: every column type round-trips, every predicate kind filters,
 * relationships, pages, eager loading, constraint violations as
 * MC_CONSTRAINT with their messages, transactions and savepoints,
 * streaming with other statements in between.  What it checks holds on
 * both databases alike.
 *
 *   library_portable_app URL DDL
 */
#include "library.h"

static mc_db *db;

#include "app_check.h"
#include "library_streams.h"
#include "library_lists.h"

static int64_t author_a, author_b, book_full, book_plain;

/* The number of books. */
static int64_t app_count(void)
{
    Book_query *q = book_query(db);
    int64_t n = -1;
    OK(book_query_count(q, &n));
    book_query_free(q);
    return n;
}

/* Every column of Book written and read back. */
static void values(void)
{
    Author a = AUTHOR_INIT, b = AUTHOR_INIT;
    a.name = "Ursula";
    a.born = "1929-10-21";
    b.name = "Terry";
    OK(author_insert(db, &a));
    OK(author_insert(db, &b));
    CHECK_INT(a.id, 1);
    CHECK_INT(b.id, 2);
    author_a = a.id;
    author_b = b.id;

    const unsigned char bytes[] = {0, 1, 0xff, '\\', 'x'};
    Book k = BOOK_INIT;
    k.isbn = "9780000000001";
    k.title = "The Dispossessed";
    k.format = FORMAT_EBOOK;
    k.price = "12.5";
    k.rating = 4.25;
    k.rating_null = false;
    k.in_print = false;
    k.cover.data = (void *)bytes;
    k.cover.len = sizeof bytes;
    k.extra = "{\"awards\": [\"Hugo\", \"Nebula\"]}";
    k.published = "1974-05-01";
    k.added_at = "2021-03-04T05:06:07.5+01:00";
    k.author_id = a.id;
    OK(book_insert(db, &k));
    book_full = k.id;

    Book p = BOOK_INIT;     /* the defaults: paperback, in print, added now */
    p.isbn = "0000000002";
    p.title = "Mort";
    p.author_id = b.id;
    OK(book_insert(db, &p));
    book_plain = p.id;
    CHECK(book_plain == book_full + 1, "ids %lld then %lld", (long long)book_full, (long long)book_plain);

    Book *got = NULL;
    OK(book_get(db, book_full, &got));
    if (!got)
        return;
    CHECK_STR(got->isbn, "9780000000001");
    CHECK_STR(got->title, "The Dispossessed");
    CHECK_INT(got->format, FORMAT_EBOOK);
    CHECK_STR(got->price, "12.50");
    CHECK(!got->rating_null && got->rating == 4.25, "rating %g", got->rating);
    CHECK(!got->in_print, "in_print");
    CHECK(got->cover.len == sizeof bytes && memcmp(got->cover.data, bytes, sizeof bytes) == 0, "cover %zu bytes",
          got->cover.len);
    CHECK(got->extra && strstr(got->extra, "Nebula"), "extra %s", app_show(got->extra));
    CHECK_STR(got->published, "1974-05-01");
    CHECK_STR(got->added_at, "2021-03-04 04:06:07.500000");
    CHECK_INT(got->author_id, a.id);
    book_free(got);

    OK(book_find_by_isbn(db, "0000000002", &got));
    if (got) {
        CHECK_INT(got->format, FORMAT_PAPERBACK);
        CHECK(got->in_print, "a server default of true");
        CHECK(got->rating_null, "rating NULL");
        CHECK(got->price == NULL && got->cover.data == NULL && got->extra == NULL, "NULLs");
        CHECK(got->added_at && strlen(got->added_at) == 26, "added_at %s", app_show(got->added_at));
        book_free(got);
    }
    CHECK_FAIL(book_find_by_isbn(db, "nope", &got), MC_NOTFOUND, "book: no row with isbn 'nope'");
    CHECK(got == NULL, "NULL when not found");

    /* an update writes every field */
    OK(book_get(db, book_plain, &got));
    if (got) {
        OK(book_set_title(got, "Mort (2nd ed.)"));
        got->rating = -1.5;
        got->rating_null = false;
        got->in_print = false;
        OK(book_update(db, got));
        book_free(got);
        OK(book_get(db, book_plain, &got));
        CHECK_STR(got ? got->title : NULL, "Mort (2nd ed.)");
        CHECK(got && got->rating == -1.5 && !got->in_print, "updated");
        book_free(got);
    }
}

/* What the database refuses, as statuses and messages. */
static void constraints(void)
{
    Book dup = BOOK_INIT;
    dup.isbn = "9780000000001";
    dup.title = "Copy";
    dup.author_id = author_a;
    CHECK_FAIL(book_insert(db, &dup), MC_CONSTRAINT, "book: UNIQUE constraint failed: book.isbn");
    CHECK_INT(dup.id, 0);

    Book bad = BOOK_INIT;
    bad.isbn = "123";
    bad.title = "Short isbn";
    bad.author_id = author_a;
    CHECK_FAIL(book_insert(db, &bad), MC_CONSTRAINT, "CHECK constraint failed");

    Book orphan = BOOK_INIT;
    orphan.isbn = "9780000000099";
    orphan.title = "Orphan";
    orphan.author_id = 999;
    CHECK_FAIL(book_insert(db, &orphan), MC_CONSTRAINT, "FOREIGN KEY constraint failed");

    Tag t = TAG_INIT;
    CHECK_FAIL(tag_insert(db, &t), MC_CONSTRAINT, "tag: NOT NULL constraint failed: tag.label");

    /* a value check before the database: too long for String(40) */
    t.label = "0123456789012345678901234567890123456789x";
    CHECK_FAIL(tag_insert(db, &t), MC_INVALID, "tag.label: 41 characters, at most 40");

    CHECK_FAIL(author_delete(db, 999), MC_NOTFOUND, "author: no row with id 999");
    CHECK_INT(app_count(), 2);
}

/* Every predicate kind of the query builder. */
static int64_t count_where(void (*where)(Book_query *))
{
    Book_query *q = book_query(db);
    int64_t n = -1;
    where(q);
    OK(book_query_count(q, &n));
    book_query_free(q);
    return n;
}

static void w_id_eq(Book_query *q) { book_query_where_id_eq(q, book_full); }
static void w_id_ne(Book_query *q) { book_query_where_id_ne(q, book_full); }
static void w_id_lt(Book_query *q) { book_query_where_id_lt(q, book_plain); }
static void w_id_le(Book_query *q) { book_query_where_id_le(q, book_plain); }
static void w_id_gt(Book_query *q) { book_query_where_id_gt(q, book_full); }
static void w_id_ge(Book_query *q) { book_query_where_id_ge(q, book_full); }
static void w_id_in(Book_query *q) { int64_t v[] = {book_plain, 42}; book_query_where_id_in(q, v, 2); }
static void w_isbn_like(Book_query *q) { book_query_where_isbn_like(q, "978%"); }
static void w_isbn_in(Book_query *q) { const char *v[] = {"0000000002", "9780000000001", "x"}; book_query_where_isbn_in(q, v, 3); }
static void w_title_gt(Book_query *q) { book_query_where_title_gt(q, "N"); }
static void w_rating_lt(Book_query *q) { book_query_where_rating_lt(q, 0.0); }
static void w_rating_in(Book_query *q) { double v[] = {4.25, 7}; book_query_where_rating_in(q, v, 2); }
static void w_price_null(Book_query *q) { book_query_where_price_is_null(q); }
static void w_price_not_null(Book_query *q) { book_query_where_price_is_not_null(q); }
static void w_in_print(Book_query *q) { book_query_where_in_print_eq(q, false); }
static void w_format(Book_query *q) { book_query_where_format_eq(q, FORMAT_EBOOK); }
static void w_format_ne(Book_query *q) { book_query_where_format_ne(q, FORMAT_EBOOK); }
static void w_published(Book_query *q) { book_query_where_published_lt(q, "2000-01-01"); }
static void w_cover(Book_query *q)
{
    static const unsigned char bytes[] = {0, 1, 0xff, '\\', 'x'};
    mc_blob b = {(void *)bytes, sizeof bytes};
    book_query_where_cover_eq(q, &b);
}
static void w_two(Book_query *q) { book_query_where_author_id_eq(q, author_a); book_query_where_in_print_eq(q, false); }
/* JSON compares as its text on both databases (PostgreSQL's json has no =) */
static void w_extra_eq(Book_query *q) { book_query_where_extra_eq(q, "{\"awards\": [\"Hugo\", \"Nebula\"]}"); }
static void w_extra_eq_other(Book_query *q) { book_query_where_extra_eq(q, "{\"awards\":[\"Hugo\",\"Nebula\"]}"); }
static void w_extra_ne(Book_query *q) { book_query_where_extra_ne(q, "{}"); }
static void w_extra_in(Book_query *q) { const char *v[] = {"{}", "{\"awards\": [\"Hugo\", \"Nebula\"]}"}; book_query_where_extra_in(q, v, 2); }

static void queries(void)
{
    struct { void (*where)(Book_query *); int64_t want; const char *what; } cases[] = {
        {w_id_eq, 1, "id eq"}, {w_id_ne, 1, "id ne"}, {w_id_lt, 1, "id lt"}, {w_id_le, 2, "id le"},
        {w_id_gt, 1, "id gt"}, {w_id_ge, 2, "id ge"}, {w_id_in, 1, "id in"}, {w_isbn_like, 1, "isbn like"},
        {w_isbn_in, 2, "isbn in"}, {w_title_gt, 1, "title gt"}, {w_rating_lt, 1, "rating lt"},
        {w_rating_in, 1, "rating in"}, {w_price_null, 1, "price is null"}, {w_price_not_null, 1, "price not null"},
        {w_in_print, 2, "in_print eq false"}, {w_format, 1, "format eq"}, {w_format_ne, 1, "format ne"},
        {w_published, 1, "published lt"}, {w_cover, 1, "cover eq"}, {w_two, 1, "two predicates"},
        {w_extra_eq, 1, "extra eq"}, {w_extra_eq_other, 0, "extra eq, other spacing"},
        {w_extra_ne, 1, "extra ne"}, {w_extra_in, 1, "extra in"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t n = count_where(cases[i].where);
        CHECK(n == cases[i].want, "%s: %lld rows, want %lld", cases[i].what, (long long)n, (long long)cases[i].want);
    }

    /* order, limit, offset, first, all */
    Book_query *q = book_query(db);
    book_query_order_by(q, BOOK_COL_TITLE, true);
    Book *first = NULL;
    OK(book_query_first(q, &first));
    CHECK_STR(first ? first->title : NULL, "The Dispossessed");
    book_free(first);
    book_query_offset(q, 1);
    Book_list list;
    OK(book_query_all(q, &list));
    CHECK_INT(list.count, 1);
    CHECK_STR(list.count ? list.items[0].title : NULL, "Mort (2nd ed.)");
    book_list_free(&list);
    book_query_limit(q, 0);
    OK(book_query_all(q, &list));
    CHECK_INT(list.count, 0);
    book_list_free(&list);
    book_query_free(q);

    /* ORDER BY a JSON column: its text, on both */
    q = book_query(db);
    book_query_where_extra_is_not_null(q);
    book_query_order_by(q, BOOK_COL_EXTRA, false);
    OK(book_query_all(q, &list));
    CHECK_INT(list.count, 1);
    book_list_free(&list);
    book_query_free(q);

    q = book_query(db);
    book_query_where_isbn_eq(q, "none");
    CHECK_FAIL(book_query_first(q, &first), MC_NOTFOUND, "book: no row matches the query");
    book_query_free(q);
}

/* Relationships, many-to-many, pages, eager loading, bulk delete. */
static void relations(void)
{
    Author *a = NULL;
    OK(author_get(db, author_a, &a));
    if (!a)
        return;
    /* three more books for a, published in different years */
    const char *years[] = {"1969-01-01", "1985-06-01", "2001-01-01"};
    for (int i = 0; i < 3; i++) {
        char isbn[16], title[32];
        snprintf(isbn, sizeof isbn, "97800000001%02d", i);
        snprintf(title, sizeof title, "Book %d", i);
        Book b = BOOK_INIT;
        b.isbn = isbn;
        b.title = title;
        b.published = (char *)years[i];
        b.author_id = a->id;
        OK(book_insert(db, &b));
    }
    Book_list books;
    OK(author_books_list(db, a, &books));      /* order_by: published desc */
    CHECK_INT(books.count, 4);
    if (books.count == 4) {
        CHECK_STR(books.items[0].published, "2001-01-01");
        CHECK_STR(books.items[3].published, "1969-01-01");
        Author *back = NULL;
        OK(book_author(db, &books.items[1], &back));
        CHECK_STR(back ? back->name : NULL, "Ursula");
        author_free(back);
    }

    /* many-to-many through book_tags */
    Tag sf = TAG_INIT, classic = TAG_INIT;
    sf.label = "sf";
    classic.label = "classic";
    OK(tag_insert(db, &sf));
    OK(tag_insert(db, &classic));
    for (size_t i = 0; i < books.count; i++)
        OK(book_tags_add(db, &books.items[i], &sf));
    OK(book_tags_add(db, &books.items[0], &classic));
    CHECK_FAIL(book_tags_add(db, &books.items[0], &classic), MC_CONSTRAINT, "UNIQUE constraint failed");
    Tag_list tags;
    OK(book_tags_list(db, &books.items[0], &tags));
    CHECK_INT(tags.count, 2);
    tag_list_free(&tags);
    Book_list tagged;
    OK(tag_books_list(db, &sf, &tagged));
    CHECK_INT(tagged.count, 4);
    book_list_free(&tagged);
    OK(book_tags_remove(db, &books.items[0], &classic));
    OK(tag_books_list(db, &classic, &tagged));
    CHECK_INT(tagged.count, 0);
    book_list_free(&tagged);

    /* eager loading: authors of a list, books of authors, tags of books */
    Book_list all;
    OK(book_all(db, &all));
    Author_refs refs;
    OK(book_list_load_author(db, &all, &refs));
    CHECK_INT(refs.count, all.count);
    size_t by_a = 0;
    for (size_t i = 0; i < refs.count; i++)
        by_a += refs.refs[i] && refs.refs[i]->id == author_a;
    CHECK_INT(by_a, 4);
    author_refs_free(&refs);
    Tag_lists tl;
    OK(book_list_load_tags(db, &all, &tl));
    size_t ntags = 0;
    for (size_t i = 0; i < tl.count; i++)
        ntags += tl.lists[i].count;
    CHECK_INT(ntags, 4);
    tag_lists_free(&tl);
    book_list_free(&all);
    Author_list authors;
    Author_query *aq = author_query(db);
    author_query_order_by(aq, AUTHOR_COL_ID, false);  /* no order is no order on PostgreSQL */
    OK(author_query_all(aq, &authors));
    author_query_free(aq);
    Book_lists bl;
    OK(author_list_load_books(db, &authors, &bl));
    CHECK_INT(bl.count, 2);
    if (bl.count == 2) {
        CHECK_INT(bl.lists[0].count, 4);
        CHECK_INT(bl.lists[1].count, 1);
        CHECK_STR(bl.lists[0].count ? bl.lists[0].items[0].published : NULL, "2001-01-01");
    }
    book_lists_free(&bl);
    author_list_free(&authors);

    /* pages of 2 */
    Book_query *q = book_query(db);
    book_query_order_by(q, BOOK_COL_ID, false);
    Book_page page;
    OK(book_query_page(q, 2, 2, &page));
    CHECK_INT(page.count, 2);
    CHECK_INT(page.total, 5);
    CHECK_INT(page.pages, 3);
    CHECK(page.has_prev && page.has_next, "page 2 of 3");
    book_page_free(&page);
    OK(book_query_page(q, 9, 2, &page));
    CHECK_INT(page.count, 0);
    book_page_free(&page);
    CHECK_FAIL(book_query_page(q, 0, 2, &page), MC_INVALID, "pages count from 1");
    book_query_free(q);

    /* a bulk delete through a query with a limit */
    q = book_query(db);
    book_query_where_isbn_like(q, "97800000001%");
    book_query_order_by(q, BOOK_COL_PUBLISHED, false);
    book_query_limit(q, 2);
    int64_t n = -1;
    OK(book_query_delete(q, &n));
    CHECK_INT(n, 2);
    book_query_free(q);
    CHECK_INT(app_count(), 3);

    book_list_free(&books);
    author_free(a);
}

/* Transactions, savepoints, all-or-none inserts. */
static void transactions(void)
{
    Tag t = TAG_INIT;
    OK(mc_begin(db));
    t.label = "outer";
    OK(tag_insert(db, &t));
    OK(mc_begin(db));
    t.id = 0;
    t.label = "inner";
    OK(tag_insert(db, &t));
    OK(mc_rollback(db));    /* only the savepoint */
    OK(mc_begin(db));
    t.id = 0;
    t.label = "inner kept";
    OK(tag_insert(db, &t));
    OK(mc_commit(db));
    OK(mc_commit(db));
    Tag *got = NULL;
    OK(tag_find_by_label(db, "outer", &got));
    tag_free(got);
    CHECK_FAIL(tag_find_by_label(db, "inner", &got), MC_NOTFOUND, "no row");
    OK(tag_find_by_label(db, "inner kept", &got));
    tag_free(got);

    OK(mc_begin(db));
    t.id = 0;
    t.label = "rolled back";
    OK(tag_insert(db, &t));
    OK(mc_rollback(db));
    CHECK_FAIL(tag_find_by_label(db, "rolled back", &got), MC_NOTFOUND, "no row");

    Tag rows[3] = {TAG_INIT, TAG_INIT, TAG_INIT};
    rows[0].label = "m1";
    rows[1].label = "m2";
    rows[2].label = "m1";   /* a duplicate: none of the three is kept */
    CHECK_FAIL(tag_insert_many(db, rows, 3), MC_CONSTRAINT, "row 2: ");
    CHECK_FAIL(tag_find_by_label(db, "m2", &got), MC_NOTFOUND, "no row");
    CHECK_INT(mc_txn_depth(db), 0);

    /* an explicit id, then the database's own */
    Tag fixed = TAG_INIT;
    fixed.id = 500;
    fixed.label = "fixed";
    OK(tag_insert(db, &fixed));
    CHECK_INT(fixed.id, 500);
}

/* A loop over a query with other statements inside it. */
static void streaming(void)
{
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof name, "member %03d", i);
        char email[48];
        snprintf(email, sizeof email, "m%03d@example.org", i);
        Member m = MEMBER_INIT;
        m.full_name = name;
        m.email = email;
        OK(member_insert(db, &m));
    }
    Member_query *q = member_query(db);
    member_query_order_by(q, MEMBER_COL_ID, false);
    Member row = MEMBER_INIT;
    int rc, n = 0;
    int64_t prev = 0;
    while ((rc = member_query_next(q, &row)) == MC_OK) {
        CHECK(row.id > prev, "in order");
        prev = row.id;
        if (n % 50 == 0) {
            Member *same = NULL;
            OK(member_get(db, row.id, &same));
            CHECK_STR(same ? same->email : NULL, row.email);
            member_free(same);
            OK(member_set_full_name(&row, "renamed"));
            OK(member_update(db, &row));
        }
        n++;
    }
    CHECK_INT(rc, MC_DONE);
    CHECK_INT(n, 300);
    member_clear(&row);
    member_query_free(q);
    q = member_query(db);
    member_query_where_full_name_eq(q, "renamed");
    int64_t renamed = -1;
    OK(member_query_count(q, &renamed));
    CHECK_INT(renamed, 6);
    member_query_free(q);

    /* cascades: deleting an author deletes their books (and book_tags rows) */
    OK(author_delete(db, author_b));
    CHECK_INT(app_count(), 2);
}

/* Streaming with lent strings (library_streams.h): every model, lent and copied alike. */
static void streams_borrowed(void)
{
    int n;
    library_lent_book();
    STREAMS_AGREE(Author, author, by_author_id, same_author, n);
    CHECK(n >= 1, "authors streamed: %d", n);
    STREAMS_AGREE(Book, book, by_book_id, same_book, n);
    STREAMS_AGREE(Tag, tag, by_tag_id, same_tag, n);
    STREAMS_AGREE(BookTag, book_tag, by_book_tag, same_book_tag, n);
    STREAMS_AGREE(Member, member, by_member_id, same_member, n);
    STREAMS_AGREE(LibraryCard, library_card, by_card_id, same_card, n);
    STREAMS_AGREE(Loan, loan, by_loan_id, same_loan, n);
}

/* Relationship lists run their SQL as literals (library_lists.h): on
 * either database, the same rows as their queries. */
static void lists_as_queries(void)
{
    size_t n = library_lists_match_queries();
    CHECK(n >= 3, "the relationship lists gave %zu rows", n);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: library_portable_app URL DDL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    values();
    constraints();
    queries();
    relations();
    lists_as_queries();
    transactions();
    streaming();
    streams_borrowed();
    mc_close(db);
    return app_done("library_portable_app");
}
