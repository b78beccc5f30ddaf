/*
 * library_streams.h -- streaming with lent strings (X_query_next_borrowed)
 * over examples/library, shared by library_app.c (SQLite) and
 * library_portable_app.c (SQLite and PostgreSQL): every model streamed
 * lent and copied side by side must agree row by row, and a book whose
 * values take every path -- a decimal written with its scale, an empty
 * and a full blob, JSON, a timestamp, NULLs -- reads lent as it was
 * written, until the next call on its query.
 *
 * Include after app_check.h, with `db` open.  The apps stream every
 * model themselves (STREAMS_AGREE with the helpers below: test_generated
 * counts the calls an app's own lines make).
 */
#ifndef LIBRARY_STREAMS_H
#define LIBRARY_STREAMS_H

static int same_author(const Author *a, const Author *b)
{
    return a->id == b->id && app_str_eq(a->name, b->name) && app_str_eq(a->born, b->born) &&
           app_str_eq(a->bio, b->bio);
}

static int same_book(const Book *a, const Book *b)
{
    return a->id == b->id && app_str_eq(a->isbn, b->isbn) && app_str_eq(a->title, b->title) &&
           a->format == b->format && app_str_eq(a->price, b->price) && a->rating_null == b->rating_null &&
           (a->rating_null || a->rating == b->rating) && a->in_print == b->in_print &&
           app_blob_eq(&a->cover, &b->cover) && app_str_eq(a->extra, b->extra) &&
           app_str_eq(a->published, b->published) && app_str_eq(a->added_at, b->added_at) &&
           a->author_id == b->author_id;
}

static int same_tag(const Tag *a, const Tag *b) { return a->id == b->id && app_str_eq(a->label, b->label); }

static int same_book_tag(const BookTag *a, const BookTag *b)
{
    return a->book_id == b->book_id && a->tag_id == b->tag_id;
}

static int same_member(const Member *a, const Member *b)
{
    return a->id == b->id && app_str_eq(a->email, b->email) && app_str_eq(a->full_name, b->full_name) &&
           a->referrer_id_null == b->referrer_id_null && a->referrer_id == b->referrer_id;
}

static int same_card(const LibraryCard *a, const LibraryCard *b)
{
    return a->id == b->id && app_str_eq(a->number, b->number) && a->member_id == b->member_id;
}

static int same_loan(const Loan *a, const Loan *b)
{
    return a->id == b->id && a->book_id == b->book_id && a->member_id == b->member_id &&
           app_str_eq(a->due, b->due) && app_str_eq(a->returned_at, b->returned_at);
}

/* Both streams in one order (no ORDER BY is no order on PostgreSQL). */
static void by_author_id(Author_query *q) { author_query_order_by(q, AUTHOR_COL_ID, false); }
static void by_book_id(Book_query *q) { book_query_order_by(q, BOOK_COL_ID, false); }
static void by_tag_id(Tag_query *q) { tag_query_order_by(q, TAG_COL_ID, false); }
static void by_book_tag(BookTag_query *q)
{
    book_tag_query_order_by(q, BOOK_TAG_COL_BOOK_ID, false);
    book_tag_query_order_by(q, BOOK_TAG_COL_TAG_ID, false);
}
static void by_member_id(Member_query *q) { member_query_order_by(q, MEMBER_COL_ID, false); }
static void by_card_id(LibraryCard_query *q) { library_card_query_order_by(q, LIBRARY_CARD_COL_ID, false); }
static void by_loan_id(Loan_query *q) { loan_query_order_by(q, LOAN_COL_ID, false); }

/* The lent book: lifetimes and every kind of value; removed after. */
static void library_lent_book(void)
{
    static const unsigned char bytes[] = {0, 1, 2, 0xfe, 0xff, '\\', 'x'};
    Author a = AUTHOR_INIT;
    a.name = "Lent Author";
    a.born = "1950-01-02";
    OK(author_insert(db, &a));
    Book b1 = BOOK_INIT, b2 = BOOK_INIT;
    b1.isbn = "5555555555";
    b1.title = "Lent One";
    b1.format = FORMAT_EBOOK;
    b1.price = "8.5";           /* read back as "8.50" */
    b1.cover.data = (void *)"";
    b1.cover.len = 0;           /* empty, not NULL */
    b1.extra = "[1, 2]";
    b1.added_at = "2020-01-01 00:00:00.000000";
    b1.author_id = a.id;
    b1.rating_null = true;
    b2.isbn = "6666666666";
    b2.title = "Lent Two";
    b2.format = FORMAT_AUDIOBOOK;
    b2.rating = 4.5;
    b2.rating_null = false;
    b2.in_print = true;
    b2.cover.data = (void *)bytes;
    b2.cover.len = sizeof bytes;
    b2.published = "2001-02-03";
    b2.added_at = "2020-01-02 03:04:05.678901";
    b2.author_id = a.id;
    OK(book_insert(db, &b1));
    OK(book_insert(db, &b2));

    Book_query *q = book_query(db);
    book_query_where_author_id_eq(q, a.id);
    book_query_order_by(q, BOOK_COL_ID, false);
    Book row;
    memset(&row, 0, sizeof row);
    OK(book_query_next_borrowed(q, &row));
    CHECK_INT(row.id, b1.id);
    CHECK_STR(row.title, "Lent One");
    CHECK_STR(row.price, "8.50");
    CHECK_INT(row.format, FORMAT_EBOOK);
    CHECK(row.cover.data != NULL && row.cover.len == 0, "an empty blob is lent empty, not NULL");
    CHECK(row.rating_null && row.published == NULL, "NULLs are lent as NULL");
    CHECK_STR(row.extra, "[1, 2]");
    CHECK_STR(row.added_at, "2020-01-01 00:00:00.000000");
    char kept[32];
    snprintf(kept, sizeof kept, "%s", row.title);   /* what a caller keeps, it copies */
    OK(book_query_next_borrowed(q, &row));
    CHECK_INT(row.id, b2.id);
    CHECK(row.price == NULL && !row.rating_null && row.rating == 4.5 && row.in_print, "book two's values");
    CHECK(row.cover.data && row.cover.len == sizeof bytes && memcmp(row.cover.data, bytes, sizeof bytes) == 0,
          "the whole blob is lent (len %zu)", row.cover.len);
    CHECK_STR(row.published, "2001-02-03");
    CHECK_STR(row.added_at, "2020-01-02 03:04:05.678901");
    CHECK_STR(kept, "Lent One");
    CHECK_RC(book_query_next_borrowed(q, &row), MC_DONE);
    CHECK(row.id == 0 && row.title == NULL && row.cover.data == NULL, "after MC_DONE the row is zeroed");
    /* stopped early, with a written decimal kept for the row: freed with the query */
    OK(book_query_next_borrowed(q, &row));
    CHECK_STR(row.price, "8.50");
    book_query_free(q);

    /* both books in the copied and the lent stream alike */
    int n;
    STREAMS_AGREE(Book, book, by_book_id, same_book, n);
    CHECK(n >= 2, "books streamed: %d", n);
    OK(author_delete(db, a.id));    /* its books go with it (cascade) */
}

#endif
