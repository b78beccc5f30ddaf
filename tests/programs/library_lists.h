/*
 * library_lists.h -- X_<rel>_list over examples/library, shared by
 * library_app.c (SQLite) and library_portable_app.c (SQLite and
 * PostgreSQL).  A relationship list runs the SQL of its query as a
 * literal fixed at generation time (gen/cgen/c_relations.c), not through
 * the query builder: for every row of every owner it must give exactly
 * the rows of X_<rel>(db, row) + X_query_all, value for value -- one to
 * many with and without order_by, a nullable self-reference, many to
 * many through the link table.
 *
 * Include after library_streams.h (the same_* comparisons), with `db`
 * open.
 */
#ifndef LIBRARY_LISTS_H
#define LIBRARY_LISTS_H

/* OWNER_rel_list(db, row) against OWNER_rel(db, row) + T_query_all: the
 * same rows (compared by id; no ORDER BY is no order on PostgreSQL),
 * each equal by SAME.  *n += the rows. */
#define LIST_MATCHES_QUERY(T, tfn, rel, row, same, n)                                          \
    do {                                                                                       \
        T##_list got_, want_;                                                                  \
        OK(rel##_list(db, (row), &got_));                                                      \
        T##_query *q_ = rel(db, (row));                                                        \
        CHECK(q_ != NULL, #rel ": %s", mc_errmsg(db));                                        \
        if (q_) {                                                                              \
            OK(tfn##_query_all(q_, &want_));                                                   \
            tfn##_query_free(q_);                                                              \
            CHECK(got_.count == want_.count, #rel "_list: %zu rows, the query %zu", got_.count,  \
                  want_.count);                                                                \
            for (size_t i_ = 0; i_ < got_.count; i_++) {                                       \
                size_t j_ = 0;                                                                 \
                while (j_ < want_.count && want_.items[j_].id != got_.items[i_].id)            \
                    j_++;                                                                      \
                CHECK(j_ < want_.count && same(&got_.items[i_], &want_.items[j_]),             \
                      #rel "_list: row %lld is not the query's", (long long)got_.items[i_].id); \
            }                                                                                  \
            (n) += got_.count;                                                                 \
            tfn##_list_free(&want_);                                                           \
        }                                                                                      \
        tfn##_list_free(&got_);                                                                \
    } while (0)

/* Every relationship list of every row in the database against its query;
 * the number of rows the lists gave (the caller checks it is not 0). */
static size_t library_lists_match_queries(void)
{
    size_t n = 0;
    Author_list authors;
    Book_list books;
    Tag_list tags;
    Member_list members;
    OK(author_all(db, &authors));
    OK(book_all(db, &books));
    OK(tag_all(db, &tags));
    OK(member_all(db, &members));
    for (size_t i = 0; i < authors.count; i++)
        LIST_MATCHES_QUERY(Book, book, author_books, &authors.items[i], same_book, n);
    for (size_t i = 0; i < books.count; i++) {
        LIST_MATCHES_QUERY(Tag, tag, book_tags, &books.items[i], same_tag, n);
        LIST_MATCHES_QUERY(Loan, loan, book_loans, &books.items[i], same_loan, n);
    }
    for (size_t i = 0; i < tags.count; i++)
        LIST_MATCHES_QUERY(Book, book, tag_books, &tags.items[i], same_book, n);
    for (size_t i = 0; i < members.count; i++) {
        LIST_MATCHES_QUERY(Member, member, member_referrals, &members.items[i], same_member, n);
        LIST_MATCHES_QUERY(Loan, loan, member_loans, &members.items[i], same_loan, n);
    }
    author_list_free(&authors);
    book_list_free(&books);
    tag_list_free(&tags);
    member_list_free(&members);
    return n;
}

#endif
