/*
 * library_app.c -- every function `modelc generate library.model` writes,
 * run against a real SQLite file, with the results asserted.
 *
 *   library_app DB SQL      DB: a fresh database file; SQL: the output of
 *                           `modelc sql library.model`, run first.
 *
 * Built and run by tests/unit/test_generated.c, which also checks that
 * every function the generated header declares is called here.  Prints
 * "file:line: check failed: ..." for each failure, exits 1 if any.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "library.h"

static mc_db *db;

#include "app_check.h"
#include "library_streams.h"
#include "library_lists.h"

/* ------------------------------------------------------------------------ */
/* Rows created along the way and used by later sections. */
static Author le_guin, banks;
static Book left_hand, dispossessed;
static Member alice, bob, carol, dave;

static long long count_rows(const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return app_sql_int(db, sql, 0);
}

/* ---- enum Format ------------------------------------------------------- */
static void test_enum(void)
{
    const char *names[] = {NULL, "hardcover", "paperback", "ebook", "audiobook"};
    CHECK_INT(FORMAT_HARDCOVER, 1);
    CHECK_INT(FORMAT_AUDIOBOOK, 4);
    for (int v = 1; v <= 4; v++) {
        CHECK_STR(format_to_text((Format)v), names[v]);
        CHECK_INT(format_from_text(names[v]), v);
    }
    CHECK_STR(format_to_text((Format)0), NULL);
    CHECK_STR(format_to_text((Format)5), NULL);
    CHECK_STR(format_to_text((Format)-1), NULL);
    CHECK_INT(format_from_text(NULL), 0);
    CHECK_INT(format_from_text(""), 0);
    CHECK_INT(format_from_text("Ebook"), 0);
    CHECK_INT(format_from_text("ebook "), 0);
}

/* ---- lifecycle of every struct ------------------------------------------ */
static void test_lifecycle(void)
{
    LIFECYCLE(Author, author);
    LIFECYCLE(Book, book);
    LIFECYCLE(Tag, tag);
    LIFECYCLE(BookTag, book_tag);
    LIFECYCLE(Member, member);
    LIFECYCLE(LibraryCard, library_card);
    LIFECYCLE(Loan, loan);
}

/* ---- Author: CRUD, NULL vs empty, String(n), UTF-8, dates -------------- */
static void test_author(void)
{
    Author *a = author_new();
    OK(author_set_name(a, "Ursula K. Le Guin"));
    OK(author_set_born(a, "1929-10-21"));
    OK(author_set_bio(a, ""));      /* empty, not NULL */
    OK(author_insert(db, a));
    CHECK(a->id > 0, "author_insert assigns the id (got %lld)", (long long)a->id);

    Author *g = NULL;
    OK(author_get(db, a->id, &g));
    CHECK(g != NULL, "author_get");
    if (!g)
        return;
    CHECK_INT(g->id, a->id);
    CHECK_STR(g->name, "Ursula K. Le Guin");
    CHECK_STR(g->born, "1929-10-21");
    CHECK(g->bio != NULL && g->bio[0] == '\0', "empty bio reads back empty, not NULL");
    char buf[256];
    CHECK_STR(app_sql_text(db, "SELECT typeof(bio) FROM author WHERE id = ?", a->id, buf, sizeof buf),
              "text");

    /* update: NULL the nullable columns, change the name */
    OK(author_set_bio(g, NULL));
    OK(author_set_born(g, NULL));
    OK(author_set_name(g, "Ursula Le Guin"));
    OK(author_update(db, g));
    author_free(g);
    OK(author_get(db, a->id, &g));
    CHECK_STR(g->name, "Ursula Le Guin");
    CHECK(g->born == NULL && g->bio == NULL, "NULL date and text read back as NULL pointers");
    CHECK_STR(app_sql_text(db, "SELECT typeof(bio) FROM author WHERE id = ?", a->id, buf, sizeof buf),
              "null");
    author_clear(g);
    CHECK(g->id == 0 && g->name == NULL, "author_clear zeroes the row");
    author_free(g);

    le_guin = (Author){.id = a->id, .name = "Ursula Le Guin"};
    author_free(a);

    /* a struct filled by the caller only lends its strings */
    banks = (Author){.name = "Iain M. Banks", .born = "1954-02-16", .bio = "Scottish"};
    OK(author_insert(db, &banks));
    CHECK(banks.id > le_guin.id, "second author id %lld", (long long)banks.id);

    /* missing rows */
    Author *m = SENTINEL(Author);
    CHECK_FAIL(author_get(db, 999999, &m), MC_NOTFOUND, "999999");
    CHECK(m == NULL, "author_get of a missing id sets *out to NULL");
    Author ghost = {.id = 999999, .name = "Nobody"};
    CHECK_FAIL(author_update(db, &ghost), MC_NOTFOUND, "author");
    CHECK_FAIL(author_delete(db, 999999), MC_NOTFOUND, "author");

    /* NOT NULL */
    Author nn = {.bio = "no name"};
    CHECK_FAIL(author_insert(db, &nn), MC_CONSTRAINT, "author.name");
    CHECK_RC(mc_errcode(db), MC_CONSTRAINT);

    /* String(100): counted in characters, checked before the write */
    char s[512];
    memset(s, 'x', 101);
    s[101] = '\0';
    Author lo = {.name = s};
    long long before = count_rows("author");
    CHECK_FAIL(author_insert(db, &lo), MC_INVALID, "author.name: 101 characters, at most 100");
    s[100] = '\0';
    OK(author_insert(db, &lo));
    OK(author_delete(db, lo.id));
    /* 100 two-byte characters (200 bytes) fit, 101 do not */
    s[0] = '\0';
    for (int i = 0; i < 100; i++)
        strcat(s, "\xc3\xa9");
    Author utf = {.name = s};
    OK(author_insert(db, &utf));
    Author *u = NULL;
    OK(author_get(db, utf.id, &u));
    CHECK(u && strlen(u->name) == 200 && strcmp(u->name, s) == 0, "UTF-8 name reads back byte for byte");
    author_free(u);
    OK(author_delete(db, utf.id));
    strcat(s, "\xc3\xa9");
    CHECK_FAIL(author_insert(db, &utf), MC_INVALID, "author.name: 101 characters, at most 100");
    /* four-byte characters: 100 of them are 400 bytes and fit */
    s[0] = '\0';
    for (int i = 0; i < 100; i++)
        strcat(s, "\xf0\x9f\x98\x80");
    utf.id = 0;
    OK(author_insert(db, &utf));
    OK(author_delete(db, utf.id));
    /* invalid UTF-8 */
    Author bad = {.name = "abc\xff"};
    CHECK_FAIL(author_insert(db, &bad), MC_INVALID, "author.name: not valid UTF-8");
    bad.name = "\xc3\x28";
    CHECK_FAIL(author_insert(db, &bad), MC_INVALID, "not valid UTF-8");
    /* Date */
    Author bd = {.name = "Bad Date", .born = "1929-02-29"};
    CHECK_FAIL(author_insert(db, &bd), MC_INVALID, "author.born");
    bd.born = "1929-10-21 00:00:00";
    CHECK_FAIL(author_insert(db, &bd), MC_INVALID, "author.born");
    bd.born = "2000-02-29";     /* leap year */
    OK(author_insert(db, &bd));
    OK(author_delete(db, bd.id));
    CHECK_INT(count_rows("author"), before);

    /* update checks too */
    Author up = le_guin;
    up.name = s;
    strcat(s, "x");
    CHECK_FAIL(author_update(db, &up), MC_INVALID, "author.name: 101 characters, at most 100");
    up.name = NULL;
    CHECK_FAIL(author_update(db, &up), MC_CONSTRAINT, "author.name");
}

/* ---- Book: defaults, every type, NULL vs zero/empty, constraints ------- */
static unsigned char all_bytes[255];

static void test_book(void)
{
    for (int i = 0; i < 255; i++)
        all_bytes[i] = (unsigned char)(i + 1);

    /* defaults: BOOK_INIT gives format (default) and in_print (server
     * default); added_at, a not_null string left NULL, takes the server's */
    Book *nb = book_new();
    CHECK(nb && nb->format == FORMAT_PAPERBACK && nb->in_print && nb->rating_null && nb->rating == 0 &&
              !nb->isbn && !nb->price && !nb->cover.data && nb->added_at == MC_NOW,
          "book_new gives the defaults");
    Book ib;
    memset(&ib, 0xff, sizeof ib);
    book_init(&ib);
    CHECK(ib.format == FORMAT_PAPERBACK && ib.in_print && ib.rating_null && ib.rating == 0 && !ib.isbn &&
              !ib.price && !ib.cover.data && ib.added_at == MC_NOW && ib.id == 0 && ib.author_id == 0,
          "book_init gives the defaults");
    book_free(nb);
    Member im = MEMBER_INIT;
    CHECK(im.referrer_id_null && im.referrer_id == 0, "MEMBER_INIT: referrer_id NULL");
    left_hand = (Book)BOOK_INIT;
    CHECK(left_hand.format == FORMAT_PAPERBACK && left_hand.in_print && left_hand.rating_null,
          "BOOK_INIT holds the defaults");
    left_hand.isbn = "0441478123";
    left_hand.title = "The Left Hand of Darkness";
    book_set_author(&left_hand, &le_guin);
    CHECK_INT(left_hand.author_id, le_guin.id);
    OK(book_insert(db, &left_hand));
    CHECK(left_hand.id > 0, "book id assigned");
    /* after the insert the struct holds what was stored for its numbers,
     * booleans and enums, so it can be written again as it is */
    CHECK_INT(left_hand.format, FORMAT_PAPERBACK);
    CHECK(left_hand.in_print, "in_print from BOOK_INIT");
    CHECK(left_hand.added_at == MC_NOW, "BOOK_INIT: added_at is MC_NOW (server_default(now))");
    OK(book_update(db, &left_hand));
    Book *g = NULL;
    OK(book_get(db, left_hand.id, &g));
    if (!g)
        return;
    CHECK_INT(g->format, FORMAT_PAPERBACK);
    CHECK(g->in_print, "in_print stored true");
    CHECK(g->added_at && mc_check_datetime(NULL, NULL, NULL, g->added_at) == MC_OK &&
              strlen(g->added_at) == 26,
          "added_at: MC_NOW stored as the current time: %s", app_show(g->added_at));
    CHECK(g->price == NULL && g->rating_null && g->rating == 0 && g->cover.data == NULL &&
              g->cover.len == 0 && g->extra == NULL && g->published == NULL,
          "unset nullable columns read back as NULL");
    CHECK_STR(g->isbn, "0441478123");
    CHECK_STR(g->title, "The Left Hand of Darkness");
    CHECK_INT(g->author_id, le_guin.id);
    char buf[256];
    CHECK_STR(app_sql_text(db, "SELECT format FROM book WHERE id = ?", g->id, buf, sizeof buf), "paperback");
    Author *au = NULL;
    OK(book_author(db, g, &au));
    CHECK(au && strcmp(au->name, "Ursula Le Guin") == 0, "book_author");
    author_free(au);
    book_free(g);

    /* every column given, zero and empty values that are not NULL */
    dispossessed = (Book){
        .isbn = "0061054887",
        .title = "The Dispossessed",
        .format = FORMAT_HARDCOVER,
        .price = "8.50",
        .rating = 0.0,
        .in_print = false,
        .cover = {all_bytes, sizeof all_bytes},
        .extra = "{\"awards\": [\"Hugo\", \"Nebula\"], \"pages\": 387, \"note\": \"a \\\"quoted\\\" word\"}",
        .published = "1974-05-01",
        .added_at = "2019-05-20 12:47:00.000000",
        .author_id = le_guin.id,
    };
    OK(book_insert(db, &dispossessed));
    OK(book_get(db, dispossessed.id, &g));
    if (!g)
        return;
    CHECK_INT(g->format, FORMAT_HARDCOVER);
    CHECK_STR(g->price, "8.50");
    CHECK(!g->rating_null && g->rating == 0.0, "rating 0.0 is not NULL");
    CHECK(!g->in_print, "in_print false is kept, not replaced by the default");
    CHECK(g->cover.data && g->cover.len == 255 && memcmp(g->cover.data, all_bytes, 255) == 0,
          "cover: all 255 non-zero byte values read back (len %zu)", g->cover.len);
    CHECK_STR(g->extra, dispossessed.extra);
    CHECK_STR(g->published, "1974-05-01");
    CHECK_STR(g->added_at, "2019-05-20 12:47:00.000000");
    CHECK_STR(app_sql_text(db, "SELECT typeof(cover) || typeof(in_print) || in_print FROM book WHERE id = ?",
                           g->id, buf, sizeof buf),
              "blobinteger0");

    /* setters, update, and NULL again */
    OK(book_set_isbn(g, "0061054880"));
    OK(book_set_title(g, "The Dispossessed: An Ambiguous Utopia"));
    OK(book_set_price(g, "12.00"));
    OK(book_set_cover(g, "", 0));           /* empty blob, not NULL */
    OK(book_set_extra(g, "[]"));
    OK(book_set_published(g, "1974-05-02"));
    OK(book_set_added_at(g, "2020-01-02 03:04:05.678901"));
    g->format = FORMAT_EBOOK;
    g->rating_null = true;
    g->in_print = true;
    OK(book_update(db, g));
    Book *h = NULL;
    OK(book_get(db, g->id, &h));
    if (h) {
        CHECK_STR(h->isbn, "0061054880");
        CHECK_STR(h->title, "The Dispossessed: An Ambiguous Utopia");
        CHECK_STR(h->price, "12.00");
        CHECK(h->cover.data != NULL && h->cover.len == 0, "empty blob reads back empty, not NULL");
        CHECK_STR(h->extra, "[]");
        CHECK_STR(h->published, "1974-05-02");
        CHECK_STR(h->added_at, "2020-01-02 03:04:05.678901");
        CHECK_INT(h->format, FORMAT_EBOOK);
        CHECK(h->rating_null, "rating NULL after update");
        CHECK(h->in_print, "in_print true");
    }
    CHECK_STR(app_sql_text(db, "SELECT typeof(cover) FROM book WHERE id = ?", g->id, buf, sizeof buf), "blob");
    OK(book_set_cover(g, NULL, 0));
    OK(book_set_price(g, NULL));
    OK(book_set_extra(g, NULL));
    OK(book_set_published(g, NULL));
    OK(book_update(db, g));
    book_free(h);
    OK(book_get(db, g->id, &h));
    if (h)
        CHECK(h->cover.data == NULL && h->price == NULL && h->extra == NULL && h->published == NULL,
              "NULL blob, numeric, JSON and date after update");
    CHECK_STR(app_sql_text(db, "SELECT typeof(cover) FROM book WHERE id = ?", g->id, buf, sizeof buf), "null");
    book_free(h);
    /* a not_null string with a server default: NULL on update leaves it */
    OK(book_set_added_at(g, NULL));
    OK(book_update(db, g));
    CHECK_STR(app_sql_text(db, "SELECT added_at FROM book WHERE id = ?", g->id, buf, sizeof buf),
              "2020-01-02 03:04:05.678901");
    OK(book_set_added_at(g, "2020-01-02 03:04:05.678901"));
    /* a value assigned to a row read as NULL, its flag left set: refused */
    g->rating_null = true;
    g->rating = 2.5;
    CHECK_FAIL(book_update(db, g), MC_INVALID, "book.rating: rating_null is set but rating is not 0");
    g->rating_null = false;
    /* the default of format is for insert only: 0 on update is NULL */
    g->format = (Format)0;
    CHECK_FAIL(book_update(db, g), MC_CONSTRAINT, "book.format");
    g->format = FORMAT_HARDCOVER;
    OK(book_set_isbn(g, "0061054887"));
    OK(book_set_title(g, "The Dispossessed"));
    OK(book_update(db, g));
    book_free(g);

    /* find by the unique isbn */
    Book *f = NULL;
    OK(book_find_by_isbn(db, "0441478123", &f));
    CHECK(f && f->id == left_hand.id, "book_find_by_isbn");
    book_free(f);
    f = SENTINEL(Book);
    CHECK_FAIL(book_find_by_isbn(db, "0000000000", &f), MC_NOTFOUND, "book");
    CHECK(f == NULL, "find of a missing isbn sets *out to NULL");

    /* constraint violations and value checks: nothing is written */
    long long before = count_rows("book");
    Book bad = {.isbn = "12345", .title = "Short ISBN", .author_id = le_guin.id};
    CHECK_FAIL(book_insert(db, &bad), MC_CONSTRAINT, "CHECK constraint failed");
    CHECK_ERR("isbn");
    bad.isbn = "0441478123";
    CHECK_FAIL(book_insert(db, &bad), MC_CONSTRAINT, "UNIQUE constraint failed: book.isbn");
    CHECK_INT(mc_sqlite_errcode(db), SQLITE_CONSTRAINT_UNIQUE);
    bad.isbn = "1111111111";
    bad.author_id = 424242;
    CHECK_FAIL(book_insert(db, &bad), MC_CONSTRAINT, "FOREIGN KEY constraint failed");
    CHECK_ERR("book");
    bad.author_id = le_guin.id;
    bad.title = NULL;
    CHECK_FAIL(book_insert(db, &bad), MC_CONSTRAINT, "NOT NULL constraint failed: book.title");
    bad.title = "Bad values";
    bad.isbn = "12345678901234";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.isbn: 14 characters, at most 13");
    bad.isbn = "1111111111";
    bad.extra = "{\"a\": }";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.extra: not valid JSON");
    bad.extra = "{'a': 1}";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.extra");
    bad.extra = "[1, 2,]";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.extra");
    bad.extra = NULL;
    /* 2 GiB claimed (never read) and NaN: refused, not truncated or NULL */
    bad.cover = (mc_blob){all_bytes, (size_t)1 << 31};
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.cover: 2147483648 bytes, at most");
    bad.cover = (mc_blob){NULL, 0};
    bad.rating = NAN;
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.rating: NaN cannot be stored");
    bad.rating = 0;
    bad.price = "8.505";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.price");
    bad.price = "1234567.00";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.price");
    bad.price = "8.5x";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.price");
    bad.price = NULL;
    bad.format = (Format)9;
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.format");
    bad.format = FORMAT_EBOOK;
    bad.published = "2019-13-01";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.published");
    bad.published = NULL;
    bad.added_at = "2019-05-20T12:47:00 UTC";      /* ISO 8601 with 'T' is fine, words after it not */
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.added_at");
    bad.added_at = "2019-05-20 25:00:00";
    CHECK_FAIL(book_insert(db, &bad), MC_INVALID, "book.added_at");
    CHECK_INT(count_rows("book"), before);
    /* the same checks on update (on a row read back: the struct given to
     * insert did not receive the defaults applied in SQL) */
    Book *upd = NULL;
    OK(book_get(db, left_hand.id, &upd));
    if (upd) {
        OK(book_set_extra(upd, "nope"));
        CHECK_FAIL(book_update(db, upd), MC_INVALID, "book.extra: not valid JSON");
        OK(book_set_extra(upd, NULL));
        OK(book_set_isbn(upd, "0061054887"));
        CHECK_FAIL(book_update(db, upd), MC_CONSTRAINT, "UNIQUE constraint failed: book.isbn");
        OK(book_set_isbn(upd, "0441478123"));
        upd->author_id = 424242;
        CHECK_FAIL(book_update(db, upd), MC_CONSTRAINT, "FOREIGN KEY");
        book_free(upd);
    }

    /* book_set_author: to another author, and to none */
    Book *mv = NULL;
    OK(book_get(db, left_hand.id, &mv));
    book_set_author(mv, &banks);
    OK(book_update(db, mv));
    Author *who = NULL;
    OK(book_author(db, mv, &who));
    CHECK(who && who->id == banks.id, "book_author after book_set_author");
    author_free(who);
    book_set_author(mv, &le_guin);
    OK(book_update(db, mv));
    book_set_author(mv, NULL);
    who = SENTINEL(Author);
    CHECK_RC(book_author(db, mv, &who), MC_NOTFOUND);
    CHECK(who == NULL, "book_author with no author sets *out to NULL");
    book_free(mv);

    /* missing ids */
    CHECK_FAIL(book_get(db, 999999, &mv), MC_NOTFOUND, "book");
    Book ghost = left_hand;
    ghost.id = 999999;
    CHECK_FAIL(book_update(db, &ghost), MC_NOTFOUND, "book");
    CHECK_FAIL(book_delete(db, 999999), MC_NOTFOUND, "book");

    /* autoincrement: a deleted id is never given again */
    Book tmp = {.isbn = "2222222222", .title = "Temporary", .author_id = banks.id};
    OK(book_insert(db, &tmp));
    int64_t gone = tmp.id;
    OK(book_delete(db, gone));
    CHECK_RC(book_get(db, gone, &mv), MC_NOTFOUND);
    tmp.id = 0;
    OK(book_insert(db, &tmp));
    CHECK(tmp.id > gone, "AUTOINCREMENT: new id %lld after deleting %lld", (long long)tmp.id,
          (long long)gone);
    CHECK_INT(app_sql_int(db, "SELECT seq FROM sqlite_sequence WHERE name = 'book'", 0), tmp.id);
    OK(book_delete(db, tmp.id));
    /* an explicit id is kept */
    tmp.id = 5000;
    OK(book_insert(db, &tmp));
    CHECK_INT(tmp.id, 5000);
    OK(book_delete(db, 5000));
}

/* ---- quotes, SQL metacharacters, binary ---------------------------------- */
static void test_verbatim(void)
{
    const char *titles[] = {
        "'; DROP TABLE book; --",
        "O'Brien's \"quoted\" title",
        "100% _off_ \\ back\\slash",
        "semi;colon -- and /* comment */",
        "tab\tnew\nline",
    };
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        char isbn[16];
        snprintf(isbn, sizeof isbn, "333333333%d", i);
        Book b = {.isbn = isbn, .title = (char *)titles[i], .author_id = banks.id, .extra = "\"'; DROP TABLE book; --\""};
        OK(book_insert(db, &b));
        ids[i] = b.id;
    }
    for (int i = 0; i < 5; i++) {
        Book *g = NULL;
        OK(book_get(db, ids[i], &g));
        CHECK(g && app_str_eq(g->title, titles[i]), "title %d reads back verbatim: %s", i,
              g ? app_show(g->title) : "-");
        CHECK(g && app_str_eq(g->extra, "\"'; DROP TABLE book; --\""), "JSON string verbatim");
        book_free(g);
        QCOUNT(Book, book, 1, book_query_where_title_eq(q_, titles[i]));
    }
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'book'", 0), 1);
    /* % and _ are LIKE wildcards; as values they are plain characters */
    QCOUNT(Book, book, 1, book_query_where_title_like(q_, "100%"));
    QCOUNT(Book, book, 1, book_query_where_title_like(q_, "%DROP TABLE%"));
    QCOUNT(Book, book, 1, book_query_where_title_like(q_, "o'brien%"));
    QCOUNT(Book, book, 1, book_query_where_title_eq(q_, "100% _off_ \\ back\\slash"));
    QCOUNT(Book, book, 0, book_query_where_title_eq(q_, "100% _off_"));
    const char *in[] = {titles[0], titles[2], "nothing"};
    QCOUNT(Book, book, 2, book_query_where_title_in(q_, in, 3));
    for (int i = 0; i < 5; i++)
        OK(book_delete(db, ids[i]));
    CHECK_INT(count_rows("book"), 2);
}

/* ---- tags: many-to-many, composite primary key ---------------------------- */
static void test_tags(void)
{
    Tag sf = {.label = "sf"}, classic = {.label = "classic"}, hugo = {.label = "award: \"Hugo\""};
    OK(tag_insert(db, &sf));
    OK(tag_insert(db, &classic));
    OK(tag_insert(db, &hugo));
    Tag dup = {.label = "sf"};
    CHECK_FAIL(tag_insert(db, &dup), MC_CONSTRAINT, "UNIQUE constraint failed: tag.label");
    char l41[64];
    memset(l41, 'l', 41);
    l41[41] = '\0';
    dup.label = l41;
    CHECK_FAIL(tag_insert(db, &dup), MC_INVALID, "tag.label: 41 characters, at most 40");

    Tag *t = NULL;
    OK(tag_find_by_label(db, "award: \"Hugo\"", &t));
    CHECK(t && t->id == hugo.id, "tag_find_by_label with quotes");
    OK(tag_set_label(t, "award: Hugo"));
    OK(tag_update(db, t));
    tag_free(t);
    OK(tag_get(db, hugo.id, &t));
    CHECK(t && app_str_eq(t->label, "award: Hugo"), "tag_update");
    tag_free(t);
    CHECK_RC(tag_find_by_label(db, "award: \"Hugo\"", &t), MC_NOTFOUND);
    CHECK_RC(tag_get(db, 999999, &t), MC_NOTFOUND);

    /* links from both sides */
    OK(book_tags_add(db, &dispossessed, &sf));
    OK(book_tags_add(db, &dispossessed, &classic));
    CHECK_FAIL(book_tags_add(db, &dispossessed, &sf), MC_CONSTRAINT, "book_tags");
    OK(tag_books_add(db, &hugo, &dispossessed));
    OK(tag_books_add(db, &sf, &left_hand));
    Tag ghost = {.id = 999999, .label = "ghost"};
    CHECK_FAIL(book_tags_add(db, &dispossessed, &ghost), MC_CONSTRAINT, "FOREIGN KEY");

    Tag_list tl;
    OK(book_tags_list(db, &dispossessed, &tl));
    CHECK_INT(tl.count, 3);
    int seen = 0;
    for (size_t i = 0; i < tl.count; i++)
        seen |= (tl.items[i].id == sf.id) | (tl.items[i].id == classic.id) << 1 | (tl.items[i].id == hugo.id) << 2;
    CHECK_INT(seen, 7);
    tag_list_free(&tl);
    Tag_query *tq = book_tags(db, &dispossessed);
    tag_query_where_label_like(tq, "%s%");      /* sf, classic */
    tag_query_order_by(tq, TAG_COL_LABEL, true);
    int64_t n = -1;
    OK(tag_query_count(tq, &n));
    CHECK_INT(n, 2);
    OK(tag_query_all(tq, &tl));
    CHECK(tl.count == 2 && app_str_eq(tl.items[0].label, "sf") && app_str_eq(tl.items[1].label, "classic"),
          "book.tags filtered and ordered");
    tag_list_free(&tl);
    tag_query_free(tq);

    Book_list bl;
    OK(tag_books_list(db, &sf, &bl));
    CHECK_INT(bl.count, 2);
    book_list_free(&bl);
    Book_query *bq = tag_books(db, &sf);
    book_query_where_format_eq(bq, FORMAT_PAPERBACK);
    OK(book_query_count(bq, &n));
    CHECK_INT(n, 1);
    Book *only = NULL;
    OK(book_query_first(bq, &only));
    CHECK(only && only->id == left_hand.id, "tag.books filtered");
    book_free(only);
    book_query_free(bq);

    OK(book_tags_remove(db, &dispossessed, &classic));
    CHECK_FAIL(book_tags_remove(db, &dispossessed, &classic), MC_NOTFOUND, "book_tags");
    OK(tag_books_remove(db, &hugo, &dispossessed));
    CHECK_RC(tag_books_remove(db, &hugo, &dispossessed), MC_NOTFOUND);
    OK(book_tags_list(db, &dispossessed, &tl));
    CHECK(tl.count == 1 && tl.items[0].id == sf.id, "one tag left");
    tag_list_free(&tl);

    /* BookTag itself: composite primary key */
    BookTag *bt = NULL;
    OK(book_tag_get(db, dispossessed.id, sf.id, &bt));
    CHECK(bt && bt->book_id == dispossessed.id && bt->tag_id == sf.id, "book_tag_get");
    book_tag_free(bt);
    CHECK_FAIL(book_tag_get(db, dispossessed.id, classic.id, &bt), MC_NOTFOUND, "book_tags");
    CHECK(bt == NULL, "*out NULL");
    BookTag link = {.book_id = dispossessed.id, .tag_id = classic.id};
    OK(book_tag_insert(db, &link));
    CHECK_FAIL(book_tag_insert(db, &link), MC_CONSTRAINT, "UNIQUE constraint failed: book_tags.book_id, book_tags.tag_id");
    BookTag badlink = {.book_id = 999999, .tag_id = classic.id};
    CHECK_FAIL(book_tag_insert(db, &badlink), MC_CONSTRAINT, "FOREIGN KEY");
    OK(book_tag_get(db, dispossessed.id, classic.id, &bt));
    book_tag_free(bt);
    OK(book_tag_delete(db, dispossessed.id, classic.id));
    CHECK_FAIL(book_tag_delete(db, dispossessed.id, classic.id), MC_NOTFOUND, "book_tags");
    OK(book_tag_insert(db, &link));
    BookTag_list btl;
    OK(book_tag_all(db, &btl));
    CHECK_INT(btl.count, 3);
    book_tag_list_free(&btl);

    /* DB-level cascade: deleting a tag unlinks it */
    OK(tag_delete(db, classic.id));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book_tags WHERE tag_id = ?", classic.id), 0);
    CHECK_FAIL(tag_delete(db, classic.id), MC_NOTFOUND, "tag");
    Tag upd = {.id = 999999, .label = "x"};
    CHECK_RC(tag_update(db, &upd), MC_NOTFOUND);
    Tag_list all;
    OK(tag_all(db, &all));
    CHECK_INT(all.count, 2);
    tag_list_free(&all);
}

/* ---- members: self-reference, one-to-one card ---------------------------- */
static void test_members(void)
{
    alice = (Member){.email = "alice@example.com", .full_name = "Alice Liddell", .referrer_id_null = true};
    OK(member_insert(db, &alice));
    CHECK(alice.referrer_id_null, "no referrer");
    bob = (Member){.email = "bob@example.com", .full_name = "Bob"};
    member_set_referrer(&bob, &alice);
    CHECK(!bob.referrer_id_null && bob.referrer_id == alice.id, "member_set_referrer");
    OK(member_insert(db, &bob));
    carol = (Member){.email = "carol@example.com", .full_name = "Carol"};
    member_set_referrer(&carol, &alice);
    OK(member_insert(db, &carol));
    dave = (Member){.email = "dave@example.com", .full_name = "Dave", .referrer_id_null = true};
    member_set_referrer(&dave, &carol);
    member_set_referrer(&dave, NULL);
    CHECK(dave.referrer_id_null, "member_set_referrer(NULL) clears the reference");
    OK(member_insert(db, &dave));
    Member dup = {.email = "bob@example.com", .full_name = "Bob 2", .referrer_id_null = true};
    CHECK_FAIL(member_insert(db, &dup), MC_CONSTRAINT, "UNIQUE constraint failed: member.email");
    dup.email = "x@example.com";
    dup.referrer_id = 999999;
    dup.referrer_id_null = false;
    CHECK_FAIL(member_insert(db, &dup), MC_CONSTRAINT, "FOREIGN KEY");

    Member *r = NULL;
    OK(member_referrer(db, &bob, &r));
    CHECK(r && r->id == alice.id, "member_referrer");
    member_free(r);
    r = SENTINEL(Member);
    CHECK_RC(member_referrer(db, &alice, &r), MC_NOTFOUND);
    CHECK(r == NULL, "no referrer: *out NULL");
    Member_list ml;
    OK(member_referrals_list(db, &alice, &ml));
    CHECK_INT(ml.count, 2);
    member_list_free(&ml);
    OK(member_referrals_list(db, &dave, &ml));
    CHECK_INT(ml.count, 0);
    member_list_free(&ml);
    Member_query *mq = member_referrals(db, &alice);
    member_query_where_full_name_eq(mq, "Carol");
    int64_t n = -1;
    OK(member_query_count(mq, &n));
    CHECK_INT(n, 1);
    member_query_free(mq);

    Member *m = NULL;
    OK(member_find_by_email(db, "carol@example.com", &m));
    CHECK(m && m->id == carol.id && !m->referrer_id_null && m->referrer_id == alice.id, "member_find_by_email");
    OK(member_set_email(m, "carol@example.org"));
    OK(member_set_full_name(m, "Carol O'Hara"));
    OK(member_update(db, m));
    member_free(m);
    OK(member_get(db, carol.id, &m));
    CHECK(m && app_str_eq(m->email, "carol@example.org") && app_str_eq(m->full_name, "Carol O'Hara"),
          "member_update");
    member_free(m);
    CHECK_RC(member_find_by_email(db, "carol@example.com", &m), MC_NOTFOUND);
    CHECK_RC(member_get(db, 999999, &m), MC_NOTFOUND);
    Member ghost = {.id = 999999, .email = "g@x", .full_name = "G", .referrer_id_null = true};
    CHECK_RC(member_update(db, &ghost), MC_NOTFOUND);
    CHECK_RC(member_delete(db, 999999), MC_NOTFOUND);

    /* one-to-one card */
    LibraryCard card = {.number = "C-0001"};
    library_card_set_member(&card, &bob);
    CHECK_INT(card.member_id, bob.id);
    OK(library_card_insert(db, &card));
    LibraryCard *c = NULL;
    OK(member_card(db, &bob, &c));
    CHECK(c && c->id == card.id && app_str_eq(c->number, "C-0001"), "member_card");
    library_card_free(c);
    c = SENTINEL(LibraryCard);
    CHECK_RC(member_card(db, &dave, &c), MC_NOTFOUND);
    CHECK(c == NULL, "no card: *out NULL");
    LibraryCard_query *cq = member_card_query(db, &bob);
    OK(library_card_query_count(cq, &n));
    CHECK_INT(n, 1);
    library_card_query_free(cq);
    Member *holder = NULL;
    OK(library_card_member(db, &card, &holder));
    CHECK(holder && holder->id == bob.id, "library_card_member");
    member_free(holder);
    LibraryCard second = {.number = "C-0002", .member_id = bob.id};
    CHECK_FAIL(library_card_insert(db, &second), MC_CONSTRAINT, "UNIQUE constraint failed: library_card.member_id");
    second.member_id = carol.id;
    second.number = "C-0001";
    CHECK_FAIL(library_card_insert(db, &second), MC_CONSTRAINT, "UNIQUE constraint failed: library_card.number");
    second.number = "C-000000000000003";   /* 17 characters */
    CHECK_FAIL(library_card_insert(db, &second), MC_INVALID, "library_card.number: 17 characters, at most 16");
    second.number = "C-0002";
    second.member_id = 999999;
    CHECK_FAIL(library_card_insert(db, &second), MC_CONSTRAINT, "FOREIGN KEY");
    library_card_set_member(&second, &carol);
    OK(library_card_insert(db, &second));
    OK(library_card_find_by_number(db, "C-0002", &c));
    CHECK(c && c->member_id == carol.id, "library_card_find_by_number");
    OK(library_card_set_number(c, "C-0003"));
    OK(library_card_update(db, c));
    library_card_free(c);
    OK(library_card_find_by_member_id(db, carol.id, &c));
    CHECK(c && app_str_eq(c->number, "C-0003"), "library_card_find_by_member_id");
    library_card_free(c);
    CHECK_RC(library_card_find_by_member_id(db, dave.id, &c), MC_NOTFOUND);
    CHECK_RC(library_card_find_by_number(db, "C-0002", &c), MC_NOTFOUND);
    OK(library_card_get(db, second.id, &c));
    CHECK(c && c->id == second.id, "library_card_get");
    library_card_free(c);
    CHECK_RC(library_card_get(db, 999999, &c), MC_NOTFOUND);
    LibraryCard cg = {.id = 999999, .number = "X", .member_id = bob.id};
    CHECK_RC(library_card_update(db, &cg), MC_NOTFOUND);
    CHECK_RC(library_card_delete(db, 999999), MC_NOTFOUND);
    LibraryCard_list cl;
    OK(library_card_all(db, &cl));
    CHECK_INT(cl.count, 2);
    library_card_list_free(&cl);
}

/* ---- loans: composite unique, table CHECK, joined load, restrict -------- */
static void test_loans(void)
{
    Loan l1 = {.due = "2024-01-10"};
    loan_set_book(&l1, &dispossessed);
    loan_set_member(&l1, &bob);
    CHECK(l1.book_id == dispossessed.id && l1.member_id == bob.id, "loan_set_book / loan_set_member");
    OK(loan_insert(db, &l1));
    Loan l2 = {.book_id = left_hand.id, .member_id = bob.id, .due = "2024-02-10",
               .returned_at = "2024-02-11 09:30:00.000000"};
    OK(loan_insert(db, &l2));
    Loan l3 = {.book_id = dispossessed.id, .member_id = bob.id, .due = "2024-03-10"};
    OK(loan_insert(db, &l3));
    Loan l4 = {.book_id = dispossessed.id, .member_id = carol.id, .due = "2024-01-10"};
    OK(loan_insert(db, &l4));

    Loan dup = {.book_id = dispossessed.id, .member_id = bob.id, .due = "2024-01-10"};
    CHECK_FAIL(loan_insert(db, &dup), MC_CONSTRAINT,
               "UNIQUE constraint failed: loan.book_id, loan.member_id, loan.due");
    Loan early = {.book_id = left_hand.id, .member_id = carol.id, .due = "2024-02-10",
                  .returned_at = "2024-02-09 10:00:00.000000"};
    CHECK_FAIL(loan_insert(db, &early), MC_CONSTRAINT, "CHECK constraint failed");
    CHECK_ERR("returned_at");
    early.returned_at = "2024-02-09 10";
    CHECK_FAIL(loan_insert(db, &early), MC_INVALID, "loan.returned_at");
    /* given as Python writes it: stored normalized, so the CHECK compares
     * like with like (2024-02-10 09:30 UTC is after the due date) */
    early.returned_at = "2024-02-10T10:30:00+01:00";
    OK(loan_insert(db, &early));
    char nb[64];
    CHECK_STR(app_sql_text(db, "SELECT returned_at FROM loan WHERE id = ?", early.id, nb, sizeof nb),
              "2024-02-10 09:30:00.000000");
    OK(loan_delete(db, early.id));
    early.id = 0;
    early.returned_at = NULL;
    early.member_id = 999999;
    CHECK_FAIL(loan_insert(db, &early), MC_CONSTRAINT, "FOREIGN KEY");
    early.member_id = carol.id;
    early.due = NULL;
    CHECK_FAIL(loan_insert(db, &early), MC_CONSTRAINT, "NOT NULL constraint failed: loan.due");

    Loan *f = NULL;
    OK(loan_find_by_book_id_member_id_due(db, dispossessed.id, bob.id, "2024-01-10", &f));
    CHECK(f && f->id == l1.id && f->returned_at == NULL, "loan_find_by_book_id_member_id_due");
    OK(loan_set_returned_at(f, "2024-01-09 23:59:59.999999"));
    CHECK_FAIL(loan_update(db, f), MC_CONSTRAINT, "CHECK constraint failed");
    OK(loan_set_returned_at(f, "2024-01-10 08:00:00.000000"));
    OK(loan_set_due(f, "2024-01-09"));
    OK(loan_update(db, f));
    loan_free(f);
    CHECK_RC(loan_find_by_book_id_member_id_due(db, dispossessed.id, bob.id, "2024-01-10", &f), MC_NOTFOUND);
    CHECK(f == NULL, "*out NULL");
    OK(loan_get(db, l1.id, &f));
    CHECK(f && app_str_eq(f->due, "2024-01-09") && app_str_eq(f->returned_at, "2024-01-10 08:00:00.000000"),
          "loan_update");
    Book *lb = NULL;
    OK(loan_book(db, f, &lb));
    CHECK(lb && lb->id == dispossessed.id, "loan_book");
    book_free(lb);
    Member *lm = NULL;
    OK(loan_member(db, f, &lm));
    CHECK(lm && lm->id == bob.id, "loan_member");
    member_free(lm);
    loan_free(f);
    CHECK_RC(loan_get(db, 999999, &f), MC_NOTFOUND);
    Loan lg = {.id = 999999, .book_id = left_hand.id, .member_id = bob.id, .due = "2024-01-01"};
    CHECK_RC(loan_update(db, &lg), MC_NOTFOUND);
    CHECK_RC(loan_delete(db, 999999), MC_NOTFOUND);

    /* lazy: joined -- the member and all its loans in one call */
    Member *m = NULL;
    Loan_list loans;
    OK(member_get_with_loans(db, bob.id, &m, &loans));
    CHECK(m && m->id == bob.id && app_str_eq(m->email, "bob@example.com"), "get_with_loans: the member");
    CHECK_INT(loans.count, 3);
    int seen = 0;
    for (size_t i = 0; i < loans.count; i++) {
        CHECK_INT(loans.items[i].member_id, bob.id);
        seen |= (loans.items[i].id == l1.id) | (loans.items[i].id == l2.id) << 1 | (loans.items[i].id == l3.id) << 2;
        if (loans.items[i].id == l2.id)
            CHECK_STR(loans.items[i].returned_at, "2024-02-11 09:30:00.000000");
    }
    CHECK_INT(seen, 7);
    member_free(m);
    loan_list_free(&loans);
    OK(member_get_with_loans(db, dave.id, &m, &loans));
    CHECK(m && m->id == dave.id && loans.count == 0, "get_with_loans: a member with no loans");
    member_free(m);
    loan_list_free(&loans);
    m = SENTINEL(Member);
    CHECK_FAIL(member_get_with_loans(db, 999999, &m, &loans), MC_NOTFOUND, "member");
    CHECK(m == NULL && loans.count == 0, "get_with_loans of a missing member");

    Loan_list ll;
    OK(member_loans_list(db, &carol, &ll));
    CHECK(ll.count == 1 && ll.items[0].id == l4.id, "member_loans_list");
    loan_list_free(&ll);
    Loan_query *lq = member_loans(db, &bob);
    loan_query_where_returned_at_is_null(lq);
    int64_t n = -1;
    OK(loan_query_count(lq, &n));
    CHECK_INT(n, 1);
    loan_query_free(lq);
    OK(book_loans_list(db, &dispossessed, &ll));
    CHECK_INT(ll.count, 3);
    loan_list_free(&ll);
    lq = book_loans(db, &left_hand);
    OK(loan_query_count(lq, &n));
    CHECK_INT(n, 1);
    loan_query_free(lq);

    /* on_delete: restrict -- a book with loans cannot go, nor its author */
    CHECK_FAIL(book_delete(db, dispossessed.id), MC_CONSTRAINT, "FOREIGN KEY constraint failed");
    long long books = count_rows("book");
    CHECK_FAIL(author_delete(db, le_guin.id), MC_CONSTRAINT, "FOREIGN KEY");
    CHECK_INT(count_rows("book"), books);
    Author *still = NULL;
    OK(author_get(db, le_guin.id, &still));
    author_free(still);
    CHECK_INT(mc_txn_depth(db), 0);

    Loan_list all;
    OK(loan_all(db, &all));
    CHECK_INT(all.count, 4);
    loan_list_free(&all);
}

/* ---- on_delete set_null / cascade at the database level ---------------- */
static void test_db_cascades(void)
{
    /* deleting alice: her referrals keep existing with referrer NULL */
    OK(member_delete(db, alice.id));
    Member *m = NULL;
    OK(member_get(db, bob.id, &m));
    CHECK(m && m->referrer_id_null && m->referrer_id == 0, "on_delete set_null: bob.referrer_id is NULL");
    member_free(m);
    QCOUNT(Member, member, 0, member_query_where_referrer_id_eq(q_, alice.id));
    /* deleting a member deletes its card (on_delete cascade) */
    Member eve = {.email = "eve@example.com", .full_name = "Eve", .referrer_id_null = true};
    OK(member_insert(db, &eve));
    LibraryCard card = {.number = "C-EVE", .member_id = eve.id};
    OK(library_card_insert(db, &card));
    OK(member_delete(db, eve.id));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM library_card WHERE id = ?", card.id), 0);
    member_set_referrer(&bob, NULL);
}

/* ---- transactions ---------------------------------------------------------- */
static void test_transactions(void)
{
    long long before = count_rows("author");
    CHECK_INT(mc_txn_depth(db), 0);
    OK(mc_begin(db));
    CHECK_INT(mc_txn_depth(db), 1);
    Author a1 = {.name = "Rolled Back 1"}, a2 = {.name = "Rolled Back 2"};
    OK(author_insert(db, &a1));
    OK(author_insert(db, &a2));
    CHECK_INT(count_rows("author"), before + 2);
    OK(mc_rollback(db));
    CHECK_INT(mc_txn_depth(db), 0);
    CHECK_INT(count_rows("author"), before);
    Author *g = NULL;
    CHECK_RC(author_get(db, a1.id, &g), MC_NOTFOUND);
    CHECK_RC(author_get(db, a2.id, &g), MC_NOTFOUND);

    /* nested: the inner rollback keeps the outer work */
    Author x = {.name = "Outer"}, y = {.name = "Inner, rolled back"}, z = {.name = "Inner, committed"};
    OK(mc_begin(db));
    OK(author_insert(db, &x));
    OK(mc_begin(db));
    CHECK_INT(mc_txn_depth(db), 2);
    OK(author_insert(db, &y));
    OK(mc_rollback(db));
    CHECK_INT(mc_txn_depth(db), 1);
    OK(mc_begin(db));
    OK(author_insert(db, &z));
    OK(mc_commit(db));
    OK(mc_commit(db));
    CHECK_INT(mc_txn_depth(db), 0);
    OK(author_get(db, x.id, &g));
    author_free(g);
    QCOUNT(Author, author, 0, author_query_where_name_eq(q_, "Inner, rolled back"));
    QCOUNT(Author, author, 1, author_query_where_name_eq(q_, "Inner, committed"));
    OK(author_get(db, z.id, &g));
    author_free(g);
    OK(author_delete(db, x.id));
    OK(author_delete(db, z.id));

    /* a cascading delete inside a transaction is undone by its rollback */
    Author w = {.name = "Cascade Victim"};
    OK(author_insert(db, &w));
    Book wb = {.isbn = "4444444444", .title = "Victim's Book", .author_id = w.id};
    OK(book_insert(db, &wb));
    OK(mc_begin(db));
    OK(author_delete(db, w.id));
    CHECK_INT(mc_txn_depth(db), 1);
    CHECK_RC(book_get(db, wb.id, (Book **)&g), MC_NOTFOUND);
    OK(mc_rollback(db));
    Book *wbg = NULL;
    OK(book_get(db, wb.id, &wbg));
    book_free(wbg);
    OK(author_delete(db, w.id));

    CHECK_RC(mc_commit(db), MC_MISUSE);
    CHECK_RC(mc_rollback(db), MC_MISUSE);
}

/* ---- Author.books (dynamic, order_by published desc) and cascade delete -- */
static void test_author_books(void)
{
    Author a = {.name = "Iain Banks"};
    OK(author_insert(db, &a));
    struct {
        const char *isbn, *title, *published;
        Format format;
    } rows[] = {
        {"5555555551", "Consider Phlebas", "1987-04-23", FORMAT_PAPERBACK},
        {"5555555552", "Unpublished Draft", NULL, FORMAT_EBOOK},
        {"5555555553", "The Wasp Factory", "1984-02-16", FORMAT_EBOOK},
        {"5555555554", "Surface Detail", "2010-10-07", FORMAT_EBOOK},
        {"5555555555", "Excession", "1996-07-01", FORMAT_HARDCOVER},
    };
    Tag t = {.label = "culture"};
    OK(tag_insert(db, &t));
    for (size_t i = 0; i < 5; i++) {
        Book b = {.isbn = (char *)rows[i].isbn, .title = (char *)rows[i].title,
                  .published = (char *)rows[i].published,
                  .format = rows[i].format, .author_id = a.id};
        OK(book_insert(db, &b));
        OK(book_tags_add(db, &b, &t));
    }
    Book_list bl;
    OK(author_books_list(db, &a, &bl));
    const char *want[] = {"Surface Detail", "Excession", "Consider Phlebas", "The Wasp Factory", "Unpublished Draft"};
    CHECK_INT(bl.count, 5);
    for (size_t i = 0; i < bl.count && i < 5; i++)
        CHECK_STR(bl.items[i].title, want[i]);
    book_list_free(&bl);
    Author empty = {.name = "No Books Yet"};
    OK(author_insert(db, &empty));
    OK(author_books_list(db, &empty, &bl));
    CHECK_INT(bl.count, 0);
    book_list_free(&bl);

    /* the dynamic query: extra filter, count, page -- keeps the order */
    Book_query *q = author_books(db, &a);
    book_query_where_format_eq(q, FORMAT_EBOOK);
    int64_t n = -1;
    OK(book_query_count(q, &n));
    CHECK_INT(n, 3);
    book_query_limit(q, 2);
    book_query_offset(q, 1);
    OK(book_query_count(q, &n));
    CHECK_INT(n, 2);
    OK(book_query_all(q, &bl));
    CHECK(bl.count == 2 && app_str_eq(bl.items[0].title, "The Wasp Factory") &&
              app_str_eq(bl.items[1].title, "Unpublished Draft"),
          "author.books filtered and paged in published-desc order");
    book_list_free(&bl);
    book_query_free(q);

    /* cascade: delete -- the books go with the author, and their links */
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book_tags WHERE tag_id = ?", t.id), 5);
    OK(author_delete(db, a.id));
    QCOUNT(Book, book, 0, book_query_where_author_id_eq(q_, a.id));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book_tags WHERE tag_id = ?", t.id), 0);
    CHECK_RC(author_get(db, a.id, (Author **)&q), MC_NOTFOUND);
    OK(author_delete(db, empty.id));
    OK(tag_delete(db, t.id));
}

/* ---- every predicate of every column ------------------------------------- */
#define N_BULK 40
static int64_t bulk_author;

static double num(const char *s) { return s ? strtod(s, NULL) : 0; }

static int blob_cmp(const mc_blob *a, const unsigned char *b, size_t n)
{
    size_t m = a->len < n ? a->len : n;
    int c = m ? memcmp(a->data, b, m) : 0;
    return c ? c : APP_SIGN(a->len, n);
}

static void make_bulk(void)
{
    Author a = {.name = "Bulk Writer", .born = "1950-01-01", .bio = "many books"};
    OK(author_insert(db, &a));
    bulk_author = a.id;
    OK(mc_begin(db));
    for (int i = 0; i < N_BULK; i++) {
        char isbn[16], title[32], price[16], extra[32], pub[16], added[32];
        unsigned char byte = (unsigned char)(i + 1);
        snprintf(isbn, sizeof isbn, "9%09d", i);
        snprintf(title, sizeof title, "T%d", i % 5);
        snprintf(price, sizeof price, "%d.%02d", i, (i * 7) % 100);
        snprintf(extra, sizeof extra, "{\"i\": %d}", i);
        snprintf(pub, sizeof pub, "20%02d-06-15", i % 25);
        snprintf(added, sizeof added, "2021-01-01 00:00:%02d.000000", i);
        static char empty[1];
        Book b = {
            .isbn = isbn, .title = title, .author_id = bulk_author,
            .format = (Format)(i % 4 + 1),
            .price = i % 4 == 3 ? NULL : price,
            .rating = i % 5 != 4 ? i * 0.5 : 0, .rating_null = i % 5 == 4,
            .in_print = i % 3 != 0,
            .cover = i % 6 == 5 ? (mc_blob){NULL, 0} : i % 6 == 0 ? (mc_blob){empty, 0} : (mc_blob){&byte, 1},
            .extra = i % 2 ? NULL : extra,
            .published = i % 7 == 6 ? NULL : pub,
            .added_at = added,
        };
        OK(book_insert(db, &b));
    }
    OK(mc_commit(db));
}

static void test_predicates(void)
{
    make_bulk();
    /* Author */
    CMP6(Author, author, id, le_guin.id + 1, 0, APP_SIGN(r_->id, le_guin.id + 1));
    CMP6(Author, author, name, "Iain M. Banks", 0, strcmp(r_->name, "Iain M. Banks"));
    Author extra_author = {.name = "Zed", .born = "1990-01-01", .bio = "Z"};
    OK(author_insert(db, &extra_author));
    CMP6(Author, author, born, "1954-02-16", !r_->born, strcmp(r_->born, "1954-02-16"));
    CMP6(Author, author, bio, "Z", !r_->bio, strcmp(r_->bio, "Z"));
    NULLS(Author, author, born, !r_->born);
    NULLS(Author, author, bio, !r_->bio);
    long long e;
    EXPECT_ROWS(Author, author, e, app_like(r_->name, "%banks%"));
    CHECK(e > 0, "like probe");
    QCOUNT(Author, author, e, author_query_where_name_like(q_, "%banks%"));
    EXPECT_ROWS(Author, author, e, r_->born && app_like(r_->born, "19__-%"));
    QCOUNT(Author, author, e, author_query_where_born_like(q_, "19__-%"));
    QCOUNT(Author, author, 1, author_query_where_bio_like(q_, "MANY%"));
    int64_t aids[] = {le_guin.id, banks.id, 999999};
    QCOUNT(Author, author, 2, author_query_where_id_in(q_, aids, 3));
    QCOUNT(Author, author, 0, author_query_where_id_in(q_, aids, 0));
    const char *anames[] = {"Zed", "Bulk Writer"};
    QCOUNT(Author, author, 2, author_query_where_name_in(q_, anames, 2));
    const char *aborn[] = {"1990-01-01", "1954-02-16", NULL};
    QCOUNT(Author, author, 2, author_query_where_born_in(q_, aborn, 3));
    const char *abio[] = {"Z"};
    QCOUNT(Author, author, 1, author_query_where_bio_in(q_, abio, 1));

    /* Book (the bulk rows, two others, and one by an author added later) */
    Book late_book = {.isbn = "7777777777", .title = "Late", .author_id = extra_author.id, .price = "1000.00"};
    OK(book_insert(db, &late_book));
    Book *b20 = NULL;
    OK(book_find_by_isbn(db, "9000000020", &b20));
    int64_t id20 = b20 ? b20->id : 0;
    book_free(b20);
    CMP6(Book, book, id, id20, 0, APP_SIGN(r_->id, id20));
    CMP6(Book, book, isbn, "9000000020", 0, strcmp(r_->isbn, "9000000020"));
    CMP6(Book, book, title, "T2", 0, strcmp(r_->title, "T2"));
    CMP6(Book, book, price, "20.40", !r_->price, APP_SIGN(num(r_->price), 20.40));
    CMP6(Book, book, rating, 10.0, r_->rating_null, APP_SIGN(r_->rating, 10.0));
    CMP6(Book, book, extra, "{\"i\": 2}", !r_->extra, strcmp(r_->extra, "{\"i\": 2}"));
    CMP6(Book, book, published, "2010-06-15", !r_->published, strcmp(r_->published, "2010-06-15"));
    CMP6(Book, book, added_at, "2021-01-01 00:00:20.000000", 0, strcmp(r_->added_at, "2021-01-01 00:00:20.000000"));
    CMP6(Book, book, author_id, bulk_author, 0, APP_SIGN(r_->author_id, bulk_author));
    NULLS(Book, book, price, !r_->price);
    NULLS(Book, book, rating, r_->rating_null);
    NULLS(Book, book, cover, !r_->cover.data);
    NULLS(Book, book, extra, !r_->extra);
    NULLS(Book, book, published, !r_->published);
    EXPECT_ROWS(Book, book, e, r_->format == FORMAT_EBOOK);
    CHECK(e == 10, "10 bulk ebooks + 0 (got %lld)", e);
    QCOUNT(Book, book, e, book_query_where_format_eq(q_, FORMAT_EBOOK));
    EXPECT_ROWS(Book, book, e, r_->format != FORMAT_EBOOK);
    QCOUNT(Book, book, e, book_query_where_format_ne(q_, FORMAT_EBOOK));
    EXPECT_ROWS(Book, book, e, r_->in_print);
    QCOUNT(Book, book, e, book_query_where_in_print_eq(q_, true));
    EXPECT_ROWS(Book, book, e, !r_->in_print);
    CHECK(e > 0, "some books out of print");
    QCOUNT(Book, book, e, book_query_where_in_print_eq(q_, false));
    QCOUNT(Book, book, e, book_query_where_in_print_ne(q_, true));
    unsigned char one = 8;
    EXPECT_ROWS(Book, book, e, r_->cover.data && blob_cmp(&r_->cover, &one, 1) == 0);
    CHECK(e == 1, "one cover is the byte 8 (got %lld)", e);
    mc_blob probe = {&one, 1};
    QCOUNT(Book, book, e, book_query_where_cover_eq(q_, &probe));
    EXPECT_ROWS(Book, book, e, r_->cover.data && blob_cmp(&r_->cover, &one, 1) != 0);
    QCOUNT(Book, book, e, book_query_where_cover_ne(q_, &probe));
    static char none[1];
    mc_blob empty = {none, 0};
    EXPECT_ROWS(Book, book, e, r_->cover.data && r_->cover.len == 0);
    CHECK(e == 7, "seven empty covers (got %lld)", e);
    QCOUNT(Book, book, e, book_query_where_cover_eq(q_, &empty));
    /* like */
    QCOUNT(Book, book, 8, book_query_where_title_like(q_, "t1"));
    QCOUNT(Book, book, N_BULK, book_query_where_isbn_like(q_, "9_________"));
    QCOUNT(Book, book, 1, book_query_where_price_like(q_, "20.4%"));
    QCOUNT(Book, book, 5, book_query_where_extra_like(q_, "{\"i\": 1_}"));   /* 10, 12, 14, 16, 18 */
    QCOUNT(Book, book, 2, book_query_where_published_like(q_, "2001-%"));
    QCOUNT(Book, book, N_BULK, book_query_where_added_at_like(q_, "2021-01-01 %"));
    /* in */
    int64_t bids[] = {left_hand.id, dispossessed.id};
    QCOUNT(Book, book, 2, book_query_where_id_in(q_, bids, 2));
    const char *isbns[] = {"9000000001", "9000000002", "0000000000"};
    QCOUNT(Book, book, 2, book_query_where_isbn_in(q_, isbns, 3));
    const char *prices[] = {"1.07", "2.14"};
    QCOUNT(Book, book, 2, book_query_where_price_in(q_, prices, 2));
    double ratings[] = {0.5, 1.0, 2.0};     /* i = 1, 2 (4 is NULL) */
    QCOUNT(Book, book, 2, book_query_where_rating_in(q_, ratings, 3));
    const char *extras[] = {"{\"i\": 0}", "{\"i\": 4}"};
    QCOUNT(Book, book, 2, book_query_where_extra_in(q_, extras, 2));
    const char *pubs[] = {"2000-06-15", "2001-06-15"};
    QCOUNT(Book, book, 4, book_query_where_published_in(q_, pubs, 2));
    const char *added[] = {"2021-01-01 00:00:00.000000"};
    QCOUNT(Book, book, 1, book_query_where_added_at_in(q_, added, 1));
    int64_t auth[] = {bulk_author};
    QCOUNT(Book, book, N_BULK, book_query_where_author_id_in(q_, auth, 1));
    const char *titles[] = {"T0", "T1"};
    QCOUNT(Book, book, 16, book_query_where_title_in(q_, titles, 2));
    /* several predicates are ANDed */
    QCOUNT(Book, book, 1, book_query_where_title_eq(q_, "T0"); book_query_where_format_eq(q_, FORMAT_HARDCOVER);
           book_query_where_published_is_not_null(q_));      /* i = 0 (i = 20 is unpublished) */
    OK(author_delete(db, extra_author.id));

    /* Tag, BookTag */
    for (int i = 0; i < 5; i++) {
        char label[16];
        snprintf(label, sizeof label, "p%d", i);
        Tag t = {.label = label};
        OK(tag_insert(db, &t));
        OK(book_tags_add(db, &left_hand, &t));
    }
    Tag *p2 = NULL;
    OK(tag_find_by_label(db, "p2", &p2));
    CMP6(Tag, tag, id, p2->id, 0, APP_SIGN(r_->id, p2->id));
    CMP6(Tag, tag, label, "p2", 0, strcmp(r_->label, "p2"));
    QCOUNT(Tag, tag, 5, tag_query_where_label_like(q_, "P_"));
    const char *labels[] = {"p1", "p3", "zz"};
    QCOUNT(Tag, tag, 2, tag_query_where_label_in(q_, labels, 3));
    int64_t tids[] = {p2->id};
    QCOUNT(Tag, tag, 1, tag_query_where_id_in(q_, tids, 1));
    CMP6(BookTag, book_tag, tag_id, p2->id, 0, APP_SIGN(r_->tag_id, p2->id));
    OK(book_tags_add(db, &dispossessed, p2));
    Book bulk0 = {.id = id20};
    OK(book_tags_add(db, &bulk0, p2));
    CMP6(BookTag, book_tag, book_id, dispossessed.id, 0, APP_SIGN(r_->book_id, dispossessed.id));
    QCOUNT(BookTag, book_tag, 3, book_tag_query_where_tag_id_in(q_, tids, 1));
    QCOUNT(BookTag, book_tag, 6, book_tag_query_where_book_id_in(q_, bids, 1));
    tag_free(p2);

    /* Member, LibraryCard, Loan */
    Member more[3] = {
        {.email = "m1@example.com", .full_name = "M One"},
        {.email = "m2@example.com", .full_name = "M Two"},
        {.email = "m3@example.com", .full_name = "M Three"},
    };
    for (int i = 0; i < 3; i++) {
        member_set_referrer(&more[i], i ? &carol : &bob);
        OK(member_insert(db, &more[i]));
    }
    CMP6(Member, member, id, carol.id, 0, APP_SIGN(r_->id, carol.id));
    CMP6(Member, member, email, "carol@example.org", 0, strcmp(r_->email, "carol@example.org"));
    CMP6(Member, member, full_name, "Dave", 0, strcmp(r_->full_name, "Dave"));
    Member more4 = {.email = "m4@example.com", .full_name = "M Four", .referrer_id_null = true};
    member_set_referrer(&more4, &dave);
    OK(member_insert(db, &more4));
    CMP6(Member, member, referrer_id, carol.id, r_->referrer_id_null, APP_SIGN(r_->referrer_id, carol.id));
    NULLS(Member, member, referrer_id, r_->referrer_id_null);
    QCOUNT(Member, member, 4, member_query_where_email_like(q_, "m_@%"));
    QCOUNT(Member, member, 2, member_query_where_full_name_like(q_, "m %e%"));   /* One, Three */
    int64_t mids[] = {bob.id, dave.id};
    QCOUNT(Member, member, 2, member_query_where_id_in(q_, mids, 2));
    QCOUNT(Member, member, 2, member_query_where_referrer_id_in(q_, mids, 2));
    const char *emails[] = {"bob@example.com", "nobody@example.com"};
    QCOUNT(Member, member, 1, member_query_where_email_in(q_, emails, 2));
    const char *fnames[] = {"Dave", "Bob"};
    QCOUNT(Member, member, 2, member_query_where_full_name_in(q_, fnames, 2));

    LibraryCard c = {.number = "C-0009", .member_id = dave.id};
    OK(library_card_insert(db, &c));
    CMP6(LibraryCard, library_card, id, c.id - 1, 0, APP_SIGN(r_->id, c.id - 1));
    CMP6(LibraryCard, library_card, number, "C-0003", 0, strcmp(r_->number, "C-0003"));
    CMP6(LibraryCard, library_card, member_id, carol.id, 0, APP_SIGN(r_->member_id, carol.id));
    QCOUNT(LibraryCard, library_card, 3, library_card_query_where_number_like(q_, "c-%"));
    const char *numbers[] = {"C-0001", "C-0009"};
    QCOUNT(LibraryCard, library_card, 2, library_card_query_where_number_in(q_, numbers, 2));
    int64_t cids[] = {c.id};
    QCOUNT(LibraryCard, library_card, 1, library_card_query_where_id_in(q_, cids, 1));
    QCOUNT(LibraryCard, library_card, 2, library_card_query_where_member_id_in(q_, mids, 2));

    Loan mid = {.book_id = left_hand.id, .member_id = carol.id, .due = "2024-02-01",
                .returned_at = "2024-02-05 00:00:00.000000"};
    OK(loan_insert(db, &mid));
    Loan late = {.book_id = left_hand.id, .member_id = dave.id, .due = "2024-05-01",
                 .returned_at = "2024-06-01 00:00:00.000000"};
    OK(loan_insert(db, &late));
    Loan bulk_loan = {.book_id = id20, .member_id = dave.id, .due = "2024-07-01"};
    OK(loan_insert(db, &bulk_loan));
    CMP6(Loan, loan, id, mid.id - 2, 0, APP_SIGN(r_->id, mid.id - 2));
    CMP6(Loan, loan, book_id, dispossessed.id, 0, APP_SIGN(r_->book_id, dispossessed.id));
    CMP6(Loan, loan, member_id, carol.id, 0, APP_SIGN(r_->member_id, carol.id));
    CMP6(Loan, loan, due, "2024-02-01", 0, strcmp(r_->due, "2024-02-01"));
    CMP6(Loan, loan, returned_at, "2024-02-05 00:00:00.000000", !r_->returned_at,
         strcmp(r_->returned_at, "2024-02-05 00:00:00.000000"));
    NULLS(Loan, loan, returned_at, !r_->returned_at);
    QCOUNT(Loan, loan, 3, loan_query_where_due_like(q_, "2024-0_-01"));
    QCOUNT(Loan, loan, 1, loan_query_where_returned_at_like(q_, "2024-06%"));
    const char *dues[] = {"2024-03-10", "2024-05-01"};
    QCOUNT(Loan, loan, 2, loan_query_where_due_in(q_, dues, 2));
    const char *rets[] = {"2024-06-01 00:00:00.000000"};
    QCOUNT(Loan, loan, 1, loan_query_where_returned_at_in(q_, rets, 1));
    int64_t lids[] = {mid.id, late.id};
    QCOUNT(Loan, loan, 2, loan_query_where_id_in(q_, lids, 2));
    QCOUNT(Loan, loan, 3, loan_query_where_book_id_in(q_, &left_hand.id, 1));
    QCOUNT(Loan, loan, 1, loan_query_where_member_id_in(q_, mids + 1, 1) ; loan_query_where_returned_at_is_not_null(q_));
}

/* ---- ordering, paging, counting, streaming -------------------------------- */
static void test_paging(void)
{
    /* multi-key order: title asc, id desc */
    Book_query *q = book_query(db);
    book_query_where_author_id_eq(q, bulk_author);
    book_query_order_by(q, BOOK_COL_TITLE, false);
    book_query_order_by(q, BOOK_COL_ID, true);
    Book_list bl;
    OK(book_query_all(q, &bl));
    CHECK_INT(bl.count, N_BULK);
    for (size_t i = 1; i < bl.count; i++) {
        int c = strcmp(bl.items[i - 1].title, bl.items[i].title);
        CHECK(c < 0 || (c == 0 && bl.items[i - 1].id > bl.items[i].id), "order title asc, id desc at %zu", i);
    }
    book_list_free(&bl);
    book_query_free(q);
    /* rating desc (NULLs last in SQLite's DESC), then id asc */
    q = book_query(db);
    book_query_where_author_id_eq(q, bulk_author);
    book_query_order_by(q, BOOK_COL_RATING, true);
    book_query_order_by(q, BOOK_COL_ID, false);
    OK(book_query_all(q, &bl));
    for (size_t i = 1; i < bl.count; i++) {
        const Book *a = &bl.items[i - 1], *b = &bl.items[i];
        int okay = !a->rating_null ? (b->rating_null || a->rating > b->rating) : (b->rating_null && a->id < b->id);
        CHECK(okay, "order rating desc, id asc at %zu", i);
    }
    book_list_free(&bl);
    book_query_free(q);

    /* paging by 7 visits every row once, in order */
    int64_t last = 0, total = 0, n = -1;
    for (int64_t page = 0;; page++) {
        q = book_query(db);
        book_query_where_author_id_eq(q, bulk_author);
        book_query_order_by(q, BOOK_COL_ID, false);
        book_query_limit(q, 7);
        book_query_offset(q, page * 7);
        OK(book_query_count(q, &n));
        OK(book_query_all(q, &bl));
        CHECK_INT(n, (int64_t)bl.count);
        CHECK(bl.count <= 7, "page size");
        for (size_t i = 0; i < bl.count; i++) {
            CHECK(bl.items[i].id > last, "page %lld row %zu in order", (long long)page, i);
            last = bl.items[i].id;
        }
        total += (int64_t)bl.count;
        size_t got = bl.count;
        book_list_free(&bl);
        book_query_free(q);
        if (got < 7)
            break;
    }
    CHECK_INT(total, N_BULK);
    /* count with and without limit; offset alone; limit -1 */
    q = book_query(db);
    book_query_where_author_id_eq(q, bulk_author);
    OK(book_query_count(q, &n));
    CHECK_INT(n, N_BULK);
    book_query_limit(q, 5);
    OK(book_query_count(q, &n));
    CHECK_INT(n, 5);
    book_query_offset(q, N_BULK - 3);
    OK(book_query_count(q, &n));
    CHECK_INT(n, 3);
    book_query_limit(q, -1);
    OK(book_query_count(q, &n));
    CHECK_INT(n, 3);
    book_query_offset(q, N_BULK + 10);
    OK(book_query_count(q, &n));
    CHECK_INT(n, 0);
    Book *first = SENTINEL(Book);
    CHECK_FAIL(book_query_first(q, &first), MC_NOTFOUND, "book");
    CHECK(first == NULL, "first on empty sets *out NULL");
    book_query_free(q);
    /* first on an empty query, and on a full one */
    Tag_query *tq = tag_query(db);
    tag_query_where_label_eq(tq, "no such tag");
    Tag *t = SENTINEL(Tag);
    CHECK_FAIL(tag_query_first(tq, &t), MC_NOTFOUND, "tag");
    CHECK(t == NULL, "first on empty");
    Tag_list tl;
    OK(tag_query_all(tq, &tl));
    CHECK(tl.count == 0, "all on empty is MC_OK with no rows");
    tag_list_free(&tl);
    Tag row = {0};
    CHECK_RC(tag_query_next(tq, &row), MC_DONE);
    tag_query_free(tq);

    /* streaming next over many rows */
    enum { MANY = 600 };
    OK(mc_begin(db));
    for (int i = 0; i < MANY; i++) {
        char label[32];
        snprintf(label, sizeof label, "many-%04d", i);
        Tag x = {.label = label};
        OK(tag_insert(db, &x));
    }
    OK(mc_commit(db));
    tq = tag_query(db);
    tag_query_where_label_like(tq, "many-%");
    tag_query_order_by(tq, TAG_COL_LABEL, true);
    int i = 0, rc;
    while ((rc = tag_query_next(tq, &row)) == MC_OK) {
        char want[32];
        snprintf(want, sizeof want, "many-%04d", MANY - 1 - i);
        if (!app_str_eq(row.label, want)) {
            CHECK(0, "row %d is %s, want %s", i, app_show(row.label), want);
            break;
        }
        i++;
    }
    CHECK_RC(rc, MC_DONE);
    CHECK_INT(i, MANY);
    CHECK(row.label == NULL, "next clears the row at the end");
    /* stop early, start again */
    for (i = 0; i < 10; i++)
        OK(tag_query_next(tq, &row));
    CHECK_STR(row.label, "many-0590");
    tag_clear(&row);
    tag_query_free(tq);
    tq = tag_query(db);
    tag_query_where_label_like(tq, "many-%");
    OK(tag_query_next(tq, &row));
    tag_clear(&row);
    tag_query_free(tq);
}

/* ---- the remaining query surface of every model ----------------------------- */
static void test_surfaces(void)
{
    QUERY_SURFACE(Author, author, AUTHOR_COL_NAME);
    QUERY_SURFACE(Book, book, BOOK_COL_PUBLISHED);
    QUERY_SURFACE(Tag, tag, TAG_COL_LABEL);
    QUERY_SURFACE(BookTag, book_tag, BOOK_TAG_COL_TAG_ID);
    QUERY_SURFACE(Member, member, MEMBER_COL_EMAIL);
    QUERY_SURFACE(LibraryCard, library_card, LIBRARY_CARD_COL_NUMBER);
    QUERY_SURFACE(Loan, loan, LOAN_COL_DUE);
    /* order by each column enum value works */
    int cols[] = {AUTHOR_COL_ID, AUTHOR_COL_BORN, AUTHOR_COL_BIO};
    for (int i = 0; i < 3; i++)
        QCOUNT(Author, author, count_rows("author"), author_query_order_by(q_, (Author_column)cols[i], i % 2));
    for (int c = BOOK_COL_ID; c <= BOOK_COL_AUTHOR_ID; c++)
        QCOUNT(Book, book, count_rows("book"), book_query_order_by(q_, (Book_column)c, c % 2));
    QCOUNT(Tag, tag, count_rows("tag"), tag_query_order_by(q_, TAG_COL_ID, true));
    QCOUNT(BookTag, book_tag, count_rows("book_tags"), book_tag_query_order_by(q_, BOOK_TAG_COL_BOOK_ID, true));
    QCOUNT(Member, member, count_rows("member"), member_query_order_by(q_, MEMBER_COL_ID, true);
           member_query_order_by(q_, MEMBER_COL_FULL_NAME, false); member_query_order_by(q_, MEMBER_COL_REFERRER_ID, true));
    QCOUNT(LibraryCard, library_card, count_rows("library_card"), library_card_query_order_by(q_, LIBRARY_CARD_COL_ID, true);
           library_card_query_order_by(q_, LIBRARY_CARD_COL_MEMBER_ID, false));
    QCOUNT(Loan, loan, count_rows("loan"), loan_query_order_by(q_, LOAN_COL_ID, true);
           loan_query_order_by(q_, LOAN_COL_BOOK_ID, false); loan_query_order_by(q_, LOAN_COL_MEMBER_ID, false);
           loan_query_order_by(q_, LOAN_COL_RETURNED_AT, true));
    /* the other delete functions, on rows that exist */
    Loan_list ll;
    OK(loan_all(db, &ll));
    for (size_t i = 0; i < ll.count; i++)
        OK(loan_delete(db, ll.items[i].id));
    loan_list_free(&ll);
    OK(book_delete(db, dispossessed.id));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book_tags WHERE book_id = ?", dispossessed.id), 0);
    LibraryCard_list cl;
    OK(library_card_all(db, &cl));
    for (size_t i = 0; i < cl.count; i++)
        OK(library_card_delete(db, cl.items[i].id));
    library_card_list_free(&cl);
    CHECK_INT(count_rows("library_card"), 0);
}

/* ---- pages, bulk delete, eager loading (issue 8 §2-4) -------------------- */

static int statements;

static int count_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx, (void)p, (void)x;
    statements += type == SQLITE_TRACE_STMT;
    return 0;
}

/* Page 1 of every row of model T, 2 a page: the total is the table's. */
#define PAGE_ALL(T, fn, table)                                                             \
    do {                                                                                   \
        T##_query *q_ = fn##_query(db);                                                    \
        T##_page pg_;                                                                      \
        long long total_ = app_sql_int(db, "SELECT count(*) FROM " table, 0);              \
        OK(fn##_query_page(q_, 1, 2, &pg_));                                               \
        CHECK(pg_.total == total_ && (long long)pg_.count == (total_ < 2 ? total_ : 2) &&   \
                  pg_.pages == (total_ + 1) / 2 && !pg_.has_prev && pg_.has_next == (total_ > 2), \
              "%s: page 1 of %lld rows: count %zu total %lld", table, total_, pg_.count,   \
              (long long)pg_.total);                                                       \
        fn##_page_free(&pg_);                                                              \
        fn##_query_free(q_);                                                               \
    } while (0)

/* A load of one relationship for a list takes exactly one statement. */
#define ONE_STATEMENT(call)                                                                \
    do {                                                                                   \
        statements = 0;                                                                    \
        OK(call);                                                                          \
        CHECK(statements == 1, "%s took %d statements", #call, statements);                \
    } while (0)

static void test_pages_delete_eager(void)
{
    Author a[3] = {{.name = "Eager One"}, {.name = "Eager Two"}, {.name = "Eager Three"}};
    Book b[5] = {
        {.isbn = "7000000001", .title = "E1", .published = "2001-01-01"},
        {.isbn = "7000000002", .title = "E2", .published = "2003-01-01"},
        {.isbn = "7000000003", .title = "E3", .published = "2002-01-01"},
        {.isbn = "7000000004", .title = "E4", .published = "2004-01-01"},
        {.isbn = "7000000005", .title = "E5", .published = "2005-01-01"},
    };
    Tag t[2] = {{.label = "eg-a"}, {.label = "eg-b"}};
    Member m[3] = {{.email = "eager1@example.com", .full_name = "E One", .referrer_id_null = true},
                   {.email = "eager2@example.com", .full_name = "E Two"},
                   {.email = "eager3@example.com", .full_name = "E Three"}};
    LibraryCard cards[2] = {{.number = "EAGER-1"}, {.number = "EAGER-3"}};
    OK(mc_begin(db));
    for (int i = 0; i < 3; i++)
        OK(author_insert(db, &a[i]));
    for (int i = 0; i < 5; i++) {
        b[i].author_id = a[i < 3 ? 0 : 1].id;
        OK(book_insert(db, &b[i]));
    }
    for (int i = 0; i < 2; i++)
        OK(tag_insert(db, &t[i]));
    OK(book_tags_add(db, &b[0], &t[0]));
    OK(book_tags_add(db, &b[0], &t[1]));
    OK(book_tags_add(db, &b[1], &t[0]));
    OK(book_tags_add(db, &b[3], &t[1]));
    OK(member_insert(db, &m[0]));
    for (int i = 1; i < 3; i++) {
        member_set_referrer(&m[i], &m[0]);
        OK(member_insert(db, &m[i]));
    }
    cards[0].member_id = m[0].id;
    cards[1].member_id = m[2].id;
    OK(library_card_insert(db, &cards[0]));
    OK(library_card_insert(db, &cards[1]));
    Loan loans[3] = {{.book_id = b[0].id, .member_id = m[1].id, .due = "2030-01-01"},
                     {.book_id = b[1].id, .member_id = m[1].id, .due = "2030-01-01"},
                     {.book_id = b[3].id, .member_id = m[2].id, .due = "2030-01-01"}};
    for (int i = 0; i < 3; i++)
        OK(loan_insert(db, &loans[i]));
    OK(mc_commit(db));

    /* every model pages */
    PAGE_ALL(Author, author, "author");
    PAGE_ALL(Book, book, "book");
    PAGE_ALL(Tag, tag, "tag");
    PAGE_ALL(BookTag, book_tag, "book_tags");
    PAGE_ALL(Member, member, "member");
    PAGE_ALL(LibraryCard, library_card, "library_card");
    PAGE_ALL(Loan, loan, "loan");

    /* eager loading, every relationship, one statement each */
    Author_list al = {a, 3};
    Book_list bl = {b, 5};
    Tag_list tl = {t, 2};
    Member_list ml = {m, 3};
    LibraryCard_list cl = {cards, 2};
    Loan_list ll = {loans, 3};
    sqlite3_trace_v2(mc_sqlite(db), SQLITE_TRACE_STMT, count_statement, NULL);
    Book_lists books;
    ONE_STATEMENT(author_list_load_books(db, &al, &books));
    CHECK(books.count == 3 && books.lists[0].count == 3 && books.lists[1].count == 2 && books.lists[2].count == 0,
          "authors' books");
    if (books.count == 3 && books.lists[0].count == 3)  /* order_by: published desc */
        CHECK(app_str_eq(books.lists[0].items[0].title, "E2") && app_str_eq(books.lists[0].items[2].title, "E1"),
              "author.books in published-desc order");
    book_lists_free(&books);
    Author_refs authors;
    ONE_STATEMENT(book_list_load_author(db, &bl, &authors));
    CHECK(authors.count == 5 && authors.rows.count == 2 && authors.refs[0] == authors.refs[2] &&
              authors.refs[3] && app_str_eq(authors.refs[3]->name, "Eager Two"),
          "books' authors");
    author_refs_free(&authors);
    Tag_lists tags;
    ONE_STATEMENT(book_list_load_tags(db, &bl, &tags));
    CHECK(tags.count == 5 && tags.lists[0].count == 2 && tags.lists[1].count == 1 && tags.lists[2].count == 0 &&
              tags.lists[3].count == 1 && app_str_eq(tags.lists[3].items[0].label, "eg-b"),
          "books' tags (many-to-many)");
    tag_lists_free(&tags);
    ONE_STATEMENT(tag_list_load_books(db, &tl, &books));
    CHECK(books.count == 2 && books.lists[0].count == 2 && books.lists[1].count == 2, "tags' books (the backref)");
    book_lists_free(&books);
    Loan_lists ls;
    ONE_STATEMENT(book_list_load_loans(db, &bl, &ls));
    CHECK(ls.count == 5 && ls.lists[0].count == 1 && ls.lists[2].count == 0 && ls.lists[3].count == 1, "books' loans");
    loan_lists_free(&ls);
    ONE_STATEMENT(member_list_load_loans(db, &ml, &ls));
    CHECK(ls.count == 3 && ls.lists[0].count == 0 && ls.lists[1].count == 2 && ls.lists[2].count == 1,
          "members' loans");
    loan_lists_free(&ls);
    Book_refs lb;
    ONE_STATEMENT(loan_list_load_book(db, &ll, &lb));
    CHECK(lb.count == 3 && lb.refs[2] && app_str_eq(lb.refs[2]->title, "E4"), "loans' books");
    book_refs_free(&lb);
    Member_refs mr;
    ONE_STATEMENT(loan_list_load_member(db, &ll, &mr));
    CHECK(mr.count == 3 && mr.rows.count == 2 && mr.refs[0] == mr.refs[1] && mr.refs[2]->id == m[2].id,
          "loans' members");
    member_refs_free(&mr);
    Member_lists referrals;
    ONE_STATEMENT(member_list_load_referrals(db, &ml, &referrals));
    CHECK(referrals.count == 3 && referrals.lists[0].count == 2 && referrals.lists[1].count == 0,
          "members' referrals (self-referential)");
    member_lists_free(&referrals);
    ONE_STATEMENT(member_list_load_referrer(db, &ml, &mr));
    CHECK(mr.count == 3 && !mr.refs[0] && mr.refs[1] && mr.refs[1] == mr.refs[2] && mr.refs[1]->id == m[0].id,
          "members' referrer");
    member_refs_free(&mr);
    LibraryCard_refs cr;
    ONE_STATEMENT(member_list_load_card(db, &ml, &cr));
    CHECK(cr.count == 3 && cr.refs[0] && app_str_eq(cr.refs[0]->number, "EAGER-1") && !cr.refs[1] && cr.refs[2] &&
              app_str_eq(cr.refs[2]->number, "EAGER-3"),
          "members' card (one-to-one)");
    library_card_refs_free(&cr);
    ONE_STATEMENT(library_card_list_load_member(db, &cl, &mr));
    CHECK(mr.count == 2 && mr.refs[1] && mr.refs[1]->id == m[2].id, "cards' member");
    member_refs_free(&mr);
    sqlite3_trace_v2(mc_sqlite(db), 0, NULL, NULL);

    /* bulk delete with cascade: delete -- a restricting loan stops it all */
    Author_query *aq = author_query(db);
    author_query_where_name_like(aq, "Eager T%");
    int64_t n = -1;
    long long books_before = app_sql_int(db, "SELECT count(*) FROM book", 0);
    CHECK_FAIL(author_query_delete(aq, &n), MC_CONSTRAINT, "FOREIGN KEY");
    CHECK_INT(n, 0);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book", 0), books_before);
    CHECK_INT(mc_txn_depth(db), 0);
    Loan_query *lq = loan_query(db);
    loan_query_where_book_id_eq(lq, b[3].id);
    OK(loan_query_delete(lq, &n));
    CHECK_INT(n, 1);
    loan_query_free(lq);
    OK(author_query_delete(aq, &n));                   /* Eager Two (E4, E5) and Eager Three */
    CHECK_INT(n, 2);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book", 0), books_before - 2);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book_tags WHERE book_id = ?", b[3].id), 0);
    author_query_free(aq);

    /* inside a transaction, with a limit: then rolled back */
    OK(mc_begin(db));
    lq = loan_query(db);
    loan_query_where_member_id_eq(lq, m[1].id);
    OK(loan_query_delete(lq, &n));
    CHECK_INT(n, 2);
    loan_query_free(lq);
    aq = author_query(db);
    author_query_where_name_like(aq, "Eager%");
    author_query_order_by(aq, AUTHOR_COL_NAME, false);
    author_query_limit(aq, 1);
    OK(author_query_delete(aq, &n));
    CHECK_INT(n, 1);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book WHERE author_id = ?", a[0].id), 0);
    author_query_free(aq);
    OK(mc_rollback(db));
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM book WHERE author_id = ?", a[0].id), 3);
    CHECK_INT(app_sql_int(db, "SELECT count(*) FROM loan WHERE member_id = ?", m[1].id), 2);

    /* a composite primary key, through the rowid with a limit */
    BookTag_query *btq = book_tag_query(db);
    book_tag_query_where_book_id_eq(btq, b[0].id);
    book_tag_query_order_by(btq, BOOK_TAG_COL_TAG_ID, true);
    book_tag_query_limit(btq, 1);
    OK(book_tag_query_delete(btq, &n));
    CHECK_INT(n, 1);
    CHECK_INT(app_sql_int(db, "SELECT tag_id FROM book_tags WHERE book_id = ?", b[0].id), t[0].id);
    book_tag_query_free(btq);

    /* the rest, every model's delete */
    lq = loan_query(db);
    loan_query_where_member_id_eq(lq, m[1].id);
    OK(loan_query_delete(lq, NULL));
    loan_query_free(lq);
    LibraryCard_query *cq = library_card_query(db);
    library_card_query_where_number_like(cq, "EAGER-%");
    OK(library_card_query_delete(cq, &n));
    CHECK_INT(n, 2);
    library_card_query_free(cq);
    Tag_query *tq = tag_query(db);
    tag_query_where_label_like(tq, "eg-%");
    OK(tag_query_delete(tq, &n));
    CHECK_INT(n, 2);
    tag_query_free(tq);
    Book_query *bq = book_query(db);
    book_query_where_isbn_like(bq, "700000000%");
    OK(book_query_delete(bq, &n));
    CHECK_INT(n, 3);
    book_query_free(bq);
    Member_query *mq = member_query(db);
    member_query_where_email_like(mq, "eager%");
    member_query_order_by(mq, MEMBER_COL_ID, true);
    OK(member_query_delete(mq, &n));                   /* referrer_id: on_delete set_null */
    CHECK_INT(n, 3);
    member_query_free(mq);
    OK(author_delete(db, a[0].id));
}

/* X_insert_many of every model with no rows: nothing to do (the rows
 * themselves are exercised in blog_app.c). */
static void insert_many_empty(void)
{
    OK(author_insert_many(db, NULL, 0));
    OK(book_insert_many(db, NULL, 0));
    OK(tag_insert_many(db, NULL, 0));
    OK(book_tag_insert_many(db, NULL, 0));
    OK(member_insert_many(db, NULL, 0));
    OK(library_card_insert_many(db, NULL, 0));
    OK(loan_insert_many(db, NULL, 0));
    CHECK_INT(mc_txn_depth(db), 0);
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

/* Relationship lists run their SQL as literals (library_lists.h): the
 * same rows as their queries; one that fails (its table gone, inside a
 * transaction rolled back after) returns the failure and an empty list,
 * and works again after. */
static void lists_as_queries(void)
{
    size_t n = library_lists_match_queries();
    CHECK(n >= 5, "the relationship lists gave %zu rows", n);

    Member m = MEMBER_INIT;
    m.email = "lists@example.com";
    m.full_name = "List Reader";
    OK(member_insert(db, &m));
    OK(mc_begin(db));
    OK(mc_exec(db, "DROP TABLE loan"));
    Loan_list ll = {SENTINEL(Loan), 7};
    CHECK_FAIL(member_loans_list(db, &m, &ll), MC_ERROR, "no such table");
    CHECK(ll.items == NULL && ll.count == 0, "a failed list is empty (%zu rows)", ll.count);
    OK(mc_rollback(db));
    OK(member_loans_list(db, &m, &ll));
    CHECK_INT(ll.count, 0);
    loan_list_free(&ll);
    OK(member_delete(db, m.id));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: library_app DB SQL\n");
        return 2;
    }
    if (app_open(&db, argv[1], argv[2]) != MC_OK) {
        mc_close(db);
        return 1;
    }
    test_enum();
    test_lifecycle();
    test_author();
    test_book();
    test_verbatim();
    test_tags();
    test_members();
    test_loans();
    test_db_cascades();
    test_transactions();
    test_author_books();
    lists_as_queries();
    test_predicates();
    test_paging();
    test_surfaces();
    test_pages_delete_eager();
    insert_many_empty();
    streams_borrowed();
    mc_close(db);
    return app_done("library_app");
}
