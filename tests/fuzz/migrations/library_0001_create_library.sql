-- Migration 0001: create library
--
-- Created: 2024-01-01 00:00:00
-- Schema:  library.model
--
-- Written by `modelc migrate`; plain SQL, edit it as needed before it is
-- applied.  `modelc upgrade` runs the upgrade section, `modelc downgrade`
-- the downgrade section, each in one transaction.

-- modelc:upgrade

-- add table author
CREATE TABLE author (id INTEGER NOT NULL, name VARCHAR(100) NOT NULL, born DATE, bio TEXT, PRIMARY KEY (id));
CREATE INDEX ix_author_name ON author (name);

-- add table member
CREATE TABLE member (id INTEGER NOT NULL, email VARCHAR(120) NOT NULL, full_name VARCHAR(100) NOT NULL, referrer_id INTEGER, PRIMARY KEY (id), UNIQUE (email), FOREIGN KEY(referrer_id) REFERENCES member (id) ON DELETE SET NULL);

-- add table tag
CREATE TABLE tag (id INTEGER NOT NULL, label VARCHAR(40) NOT NULL, PRIMARY KEY (id), UNIQUE (label));

-- add table book
CREATE TABLE book (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, isbn VARCHAR(13) NOT NULL CHECK (length(isbn) IN (10, 13)), title VARCHAR(200) NOT NULL, format VARCHAR(9) NOT NULL, price NUMERIC(8, 2), rating FLOAT, in_print BOOLEAN DEFAULT 1 NOT NULL, cover BLOB, extra JSON, published DATE, added_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, author_id INTEGER NOT NULL, UNIQUE (isbn), FOREIGN KEY(author_id) REFERENCES author (id) ON DELETE CASCADE);
CREATE INDEX ix_book_author_id_published ON book (author_id, published);
CREATE INDEX ix_book_published ON book (published);

-- add table library_card
CREATE TABLE library_card (id INTEGER NOT NULL, number VARCHAR(16) NOT NULL, member_id INTEGER NOT NULL, PRIMARY KEY (id), UNIQUE (number), UNIQUE (member_id), FOREIGN KEY(member_id) REFERENCES member (id) ON DELETE CASCADE);

-- add table book_tags
CREATE TABLE book_tags (book_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, PRIMARY KEY (book_id, tag_id), FOREIGN KEY(book_id) REFERENCES book (id) ON DELETE CASCADE, FOREIGN KEY(tag_id) REFERENCES tag (id) ON DELETE CASCADE);

-- add table loan
CREATE TABLE loan (id INTEGER NOT NULL, book_id INTEGER NOT NULL, member_id INTEGER NOT NULL, due DATE NOT NULL, returned_at DATETIME, PRIMARY KEY (id), CHECK (returned_at IS NULL OR returned_at >= due), UNIQUE (book_id, member_id, due), FOREIGN KEY(book_id) REFERENCES book (id) ON DELETE RESTRICT, FOREIGN KEY(member_id) REFERENCES member (id));

-- modelc:downgrade

-- drop table loan
-- DATA LOSS: drops table loan and all its rows
DROP TABLE loan;

-- drop table book_tags
-- DATA LOSS: drops table book_tags and all its rows
DROP TABLE book_tags;

-- drop table library_card
-- DATA LOSS: drops table library_card and all its rows
DROP TABLE library_card;

-- drop table book
-- DATA LOSS: drops table book and all its rows
DROP TABLE book;

-- drop table tag
-- DATA LOSS: drops table tag and all its rows
DROP TABLE tag;

-- drop table member
-- DATA LOSS: drops table member and all its rows
DROP TABLE member;

-- drop table author
-- DATA LOSS: drops table author and all its rows
DROP TABLE author;
