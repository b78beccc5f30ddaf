/*
 * library_interop.c -- the C half of the library interop test
 * (test_interop.c):
 *
 *   library_interop read DB    the rows flask_app.py wrote, field for field
 *   library_interop write DB   rows for `flask_app.py library check` to read
 *
 * The database is the one Flask-SQLAlchemy's create_all() made: no DDL here.
 * Formats are SQLAlchemy's on SQLite: DateTime "2019-05-20 12:47:00.000000",
 * Date "2019-05-20", Numeric(8, 2) "8.50", Boolean 0/1, enums by name,
 * JSON as json.dumps writes it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "library.h"

static mc_db *db;

#include "app_check.h"

static unsigned char cover[256];

static void print_book(const Book *b)
{
    printf("  Book id=%lld isbn=%s title=%s format=%s price=%s rating=%s%g in_print=%s cover=%s%zu bytes "
           "extra=%s published=%s added_at=%s author_id=%lld\n",
           (long long)b->id, app_show(b->isbn), app_show(b->title), app_show(format_to_text(b->format)),
           app_show(b->price), !b->rating_null ? "" : "NULL/", b->rating,
           b->in_print ? "true" : "false", b->cover.data ? "" : "NULL/",
           b->cover.len, app_show(b->extra), app_show(b->published), app_show(b->added_at),
           (long long)b->author_id);
}

static void read_python_rows(void)
{
    Author_list authors;
    OK(author_all(db, &authors));
    CHECK_INT(authors.count, 1);
    if (authors.count != 1)
        return;
    Author *a = &authors.items[0];
    printf("  Author id=%lld name=%s born=%s bio=%s\n", (long long)a->id, a->name, app_show(a->born),
           app_show(a->bio));
    CHECK_STR(a->name, "Ursula K. Le Guin");
    CHECK_STR(a->born, "1929-10-21");
    CHECK_STR(a->bio, "Earthsea; \"quoted\" 'and' 100%");

    Book_list books;
    OK(author_books_list(db, a, &books));      /* published desc: NULL last */
    CHECK_INT(books.count, 2);
    if (books.count == 2) {
        Book *b = &books.items[0], *d = &books.items[1];
        print_book(b);
        print_book(d);
        CHECK_STR(b->isbn, "0441478123");
        CHECK_STR(b->title, "The Left Hand of Darkness");
        CHECK_INT(b->format, FORMAT_HARDCOVER);
        CHECK_STR(b->price, "8.50");
        CHECK(!b->rating_null && b->rating == 4.5, "rating 4.5");
        CHECK(!b->in_print, "in_print false");
        CHECK(b->cover.data && b->cover.len == 256 && memcmp(b->cover.data, cover, 256) == 0,
              "cover: the 256 byte values (len %zu)", b->cover.len);
        CHECK_STR(b->extra, "{\"awards\": [\"Hugo\", \"Nebula\"], \"pages\": 304, \"note\": \"caf\\u00e9\"}");
        CHECK_STR(b->published, "1969-03-01");
        CHECK_STR(b->added_at, "2019-05-20 12:47:00.000000");
        CHECK_INT(b->author_id, a->id);
        /* the defaults: Python-side format, server-side in_print and added_at */
        CHECK_STR(d->isbn, "0061054887");
        CHECK_INT(d->format, FORMAT_PAPERBACK);
        CHECK(d->in_print, "in_print server default");
        CHECK(d->added_at && mc_check_datetime(NULL, NULL, NULL, d->added_at) == MC_OK,
              "added_at server default: %s", app_show(d->added_at));
        CHECK(d->price == NULL && d->rating_null && d->cover.data == NULL && d->extra == NULL &&
                  d->published == NULL,
              "NULLs");
        Tag_list tags;
        OK(book_tags_list(db, b, &tags));
        CHECK(tags.count == 1 && app_str_eq(tags.items[0].label, "sf"), "book.tags");
        tag_list_free(&tags);
        Author *back = NULL;
        OK(book_author(db, d, &back));
        CHECK(back && back->id == a->id, "book.author");
        author_free(back);
    }
    book_list_free(&books);
    author_list_free(&authors);

    Member *alice = NULL, *bob = NULL, *ref = NULL;
    OK(member_find_by_email(db, "alice@example.com", &alice));
    OK(member_find_by_email(db, "bob@example.com", &bob));
    if (!alice || !bob)
        return;
    CHECK(alice->referrer_id_null, "alice has no referrer");
    OK(member_referrer(db, bob, &ref));
    CHECK(ref && ref->id == alice->id, "bob.referrer");
    member_free(ref);
    LibraryCard *card = NULL;
    OK(member_card(db, bob, &card));
    CHECK(card && app_str_eq(card->number, "C-0001"), "bob.card");
    library_card_free(card);
    Member *m = NULL;
    Loan_list loans;
    OK(member_get_with_loans(db, bob->id, &m, &loans));
    CHECK_INT(loans.count, 2);
    for (size_t i = 0; i < loans.count; i++) {
        Loan *l = &loans.items[i];
        printf("  Loan id=%lld book_id=%lld member_id=%lld due=%s returned_at=%s\n", (long long)l->id,
               (long long)l->book_id, (long long)l->member_id, l->due, app_show(l->returned_at));
        if (app_str_eq(l->due, "2024-01-10"))
            CHECK_STR(l->returned_at, "2024-01-11 09:30:00.123456");
        else
            CHECK(app_str_eq(l->due, "2024-02-01") && l->returned_at == NULL, "second loan");
    }
    loan_list_free(&loans);
    member_free(m);
    member_free(alice);
    member_free(bob);
}

static void write_rows(void)
{
    Author a = {.name = "Iain M. Banks", .born = "1954-02-16"};
    OK(author_insert(db, &a));
    Book b = {
        .isbn = "0575043075", .title = "Use of Weapons", .format = FORMAT_EBOOK, .price = "12.30",
        .rating = 3.25, .in_print = true, .cover = {cover, sizeof cover},
        .extra = "{\"culture\": true, \"n\": [1, 2.5], \"s\": \"\xc3\xbc \\\"q\\\"\"}",
        .published = "1990-09-13", .added_at = "2020-01-02 03:04:05.678901",
    };
    book_set_author(&b, &a);
    OK(book_insert(db, &b));
    Book d = BOOK_INIT;     /* every default */
    d.isbn = "0575047093";
    d.title = "Matter";
    d.author_id = a.id;
    OK(book_insert(db, &d));
    static char none[1];
    Book e = {.isbn = "0575050000", .title = "Empty Cover", .author_id = a.id, .cover = {none, 0},
              .rating = 0.0, .in_print = false, .price = "0.00",
              .published = "1987-04-23"};
    OK(book_insert(db, &e));

    Tag culture = {.label = "culture"};
    OK(tag_insert(db, &culture));
    OK(book_tags_add(db, &b, &culture));
    Tag *sf = NULL;
    OK(tag_find_by_label(db, "sf", &sf));
    if (sf)
        OK(tag_books_add(db, sf, &b));
    tag_free(sf);

    Member *alice = NULL;
    OK(member_find_by_email(db, "alice@example.com", &alice));
    Member carol = {.email = "carol@example.com", .full_name = "Carol O'Hara"};
    member_set_referrer(&carol, alice);
    OK(member_insert(db, &carol));
    member_free(alice);
    LibraryCard card = {.number = "C-0002"};
    library_card_set_member(&card, &carol);
    OK(library_card_insert(db, &card));
    Loan l = {.due = "2024-03-01", .returned_at = "2024-03-02 10:00:00.000000"};
    loan_set_book(&l, &b);
    loan_set_member(&l, &carol);
    OK(loan_insert(db, &l));

    /* return the Python loan of the Dispossessed */
    Loan_query *q = loan_query(db);
    loan_query_where_due_eq(q, "2024-02-01");
    Loan *py = NULL;
    OK(loan_query_first(q, &py));
    loan_query_free(q);
    if (py) {
        OK(loan_set_returned_at(py, "2024-02-03 17:00:00.500000"));
        OK(loan_update(db, py));
    }
    loan_free(py);
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "read") != 0 && strcmp(argv[1], "write") != 0)) {
        fprintf(stderr, "usage: library_interop read|write DB\n");
        return 2;
    }
    for (int i = 0; i < 256; i++)
        cover[i] = (unsigned char)i;
    if (app_open(&db, argv[2], NULL) != MC_OK) {
        mc_close(db);
        return 1;
    }
    if (strcmp(argv[1], "read") == 0)
        read_python_rows();
    else
        write_rows();
    mc_close(db);
    return app_done(argv[1][0] == 'r' ? "library_interop read" : "library_interop write");
}
