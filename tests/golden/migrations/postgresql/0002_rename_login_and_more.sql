-- Migration 0002: rename login and more
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
-- modelc:enum Mood calm busy
-- modelc:column user mood Mood
-- The schema after this migration as SQLite DDL: the planner's model, read back by
-- `modelc migrate` without a server (never run on PostgreSQL):
-- modelc:sql "CREATE TABLE user (id INTEGER NOT NULL, login VARCHAR(64), email VARCHAR(200), password_hash VARCHAR(128), mood VARCHAR(4) DEFAULT 'calm' NOT NULL, PRIMARY KEY (id));"
-- modelc:sql "CREATE UNIQUE INDEX ix_user_login ON user (login);"
-- modelc:sql "CREATE TABLE post (id INTEGER NOT NULL, body TEXT CHECK (length(body) > 0), user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES user (id) ON DELETE CASCADE);"

-- modelc:upgrade

-- add enum type mood
CREATE TYPE mood AS ENUM ('calm', 'busy');

-- drop foreign key post (user_id) -> user (id)
ALTER TABLE post DROP CONSTRAINT post_user_id_fkey;

-- drop unique index ix_user_email on user (email)
DROP INDEX ix_user_email;

-- drop unique index ix_user_username on user (username)
DROP INDEX ix_user_username;

-- rename column user.username to login
ALTER TABLE "user" RENAME COLUMN username TO login;

-- add column user.mood
ALTER TABLE "user" ADD COLUMN mood mood DEFAULT 'calm' NOT NULL;

-- change type of user.email from VARCHAR(120) to VARCHAR(200)
ALTER TABLE "user" ALTER COLUMN email TYPE VARCHAR(200) USING email::VARCHAR(200);

-- change type of post.body from VARCHAR(140) to TEXT
ALTER TABLE post ALTER COLUMN body TYPE TEXT USING body::TEXT;

-- add unique index ix_user_login on user (login)
CREATE UNIQUE INDEX ix_user_login ON "user" (login);

-- add check on post.body: length(body) > 0
ALTER TABLE post ADD CONSTRAINT post_body_check CHECK (length(body) > 0);

-- add foreign key post (user_id) -> user (id) ON DELETE CASCADE
ALTER TABLE post ADD CONSTRAINT post_user_id_fkey FOREIGN KEY(user_id) REFERENCES "user" (id) ON DELETE CASCADE;

-- modelc:downgrade

-- drop foreign key post (user_id) -> user (id) ON DELETE CASCADE
ALTER TABLE post DROP CONSTRAINT post_user_id_fkey;

-- drop unique index ix_user_login on user (login)
DROP INDEX ix_user_login;

-- drop check on post.body: length(body) > 0
ALTER TABLE post DROP CONSTRAINT post_body_check;

-- rename column user.login to username
ALTER TABLE "user" RENAME COLUMN login TO username;

-- drop column user.mood
-- DATA LOSS: drops column user.mood
ALTER TABLE "user" DROP COLUMN mood;

-- change type of user.email from VARCHAR(200) to VARCHAR(120)
-- DATA LOSS: narrows user.email from VARCHAR(200) to VARCHAR(120)
-- NOTE: fails if a row holds a value the new type cannot: change those rows first
ALTER TABLE "user" ALTER COLUMN email TYPE VARCHAR(120) USING email::VARCHAR(120);

-- change type of post.body from TEXT to VARCHAR(140)
-- DATA LOSS: narrows post.body from TEXT to VARCHAR(140)
-- NOTE: fails if a row holds a value the new type cannot: change those rows first
ALTER TABLE post ALTER COLUMN body TYPE VARCHAR(140) USING body::VARCHAR(140);

-- add unique index ix_user_email on user (email)
CREATE UNIQUE INDEX ix_user_email ON "user" (email);

-- add unique index ix_user_username on user (username)
CREATE UNIQUE INDEX ix_user_username ON "user" (username);

-- add foreign key post (user_id) -> user (id)
ALTER TABLE post ADD CONSTRAINT post_user_id_fkey FOREIGN KEY(user_id) REFERENCES "user" (id);

-- drop enum type mood (no column uses it)
DROP TYPE mood;
