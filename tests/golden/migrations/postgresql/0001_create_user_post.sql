-- Migration 0001: create user post
--
-- Created: 2026-01-01 00:00:00
-- Schema:  s.model
-- Dialect: postgresql
--
-- Written by `modelc migrate`; plain SQL, edit it as needed before it is
-- applied.  `modelc upgrade` runs the upgrade section, `modelc downgrade`
-- the downgrade section, each in one transaction.

-- Snapshot of the schema after this migration, read back by `modelc migrate`
-- (the models behind the tables, the enums behind the columns):
-- modelc:model User user
-- modelc:model Post post
-- The schema after this migration as SQLite DDL: the planner's model, read back by
-- `modelc migrate` without a server (never run on PostgreSQL):
-- modelc:sql "CREATE TABLE user (id INTEGER NOT NULL, username VARCHAR(64), email VARCHAR(120), password_hash VARCHAR(128), PRIMARY KEY (id));"
-- modelc:sql "CREATE UNIQUE INDEX ix_user_email ON user (email);"
-- modelc:sql "CREATE UNIQUE INDEX ix_user_username ON user (username);"
-- modelc:sql "CREATE TABLE post (id INTEGER NOT NULL, body VARCHAR(140), user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES user (id));"

-- modelc:upgrade

-- add table user
CREATE TABLE "user" (id SERIAL NOT NULL, username VARCHAR(64), email VARCHAR(120), password_hash VARCHAR(128), PRIMARY KEY (id));
CREATE UNIQUE INDEX ix_user_email ON "user" (email);
CREATE UNIQUE INDEX ix_user_username ON "user" (username);

-- add table post
CREATE TABLE post (id SERIAL NOT NULL, body VARCHAR(140), user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES "user" (id));

-- modelc:downgrade

-- drop table post
-- DATA LOSS: drops table post and all its rows
DROP TABLE post;

-- drop table user
-- DATA LOSS: drops table user and all its rows
DROP TABLE "user";
