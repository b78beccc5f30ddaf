-- Migration 0001: create user post
--
-- Created: 2024-01-01 00:00:00
-- Schema:  blog.model
-- Dialect: sqlite
--
-- Written by `modelc migrate`; plain SQL, edit it as needed before it is
-- applied.  `modelc upgrade` runs the upgrade section, `modelc downgrade`
-- the downgrade section, each in one transaction.

-- Snapshot of the schema after this migration, read back by `modelc migrate`
-- (the models behind the tables, the enums behind the columns):
-- modelc:model User user
-- modelc:model Post post

-- modelc:upgrade

-- add table user
CREATE TABLE user (id INTEGER NOT NULL, username VARCHAR(64), email VARCHAR(120), password_hash VARCHAR(128), PRIMARY KEY (id));
CREATE UNIQUE INDEX ix_user_email ON user (email);
CREATE UNIQUE INDEX ix_user_username ON user (username);

-- add table post
CREATE TABLE post (id INTEGER NOT NULL, body VARCHAR(140), user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES user (id));

-- modelc:downgrade

-- tables are dropped or rebuilt below: foreign keys are off until the check at the end
PRAGMA foreign_keys=OFF;

-- drop table post
-- DATA LOSS: drops table post and all its rows
DROP TABLE post;

-- drop table user
-- DATA LOSS: drops table user and all its rows
DROP TABLE user;

-- every reference must hold again
PRAGMA foreign_key_check;
