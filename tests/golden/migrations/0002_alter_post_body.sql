-- Migration 0002: alter post body
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

-- tables are dropped or rebuilt below: foreign keys are off until the check at the end
PRAGMA foreign_keys=OFF;

-- change table post:
--   change type of post.body from VARCHAR(140) to TEXT
-- rebuild table post (SQLite's ALTER TABLE cannot do this): create the new table, copy the rows,
-- drop the old table, rename the new one, recreate its indexes.
CREATE TABLE _new_post (id INTEGER NOT NULL, body TEXT, user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES user (id));
INSERT INTO _new_post (id, body, user_id) SELECT id, body, user_id FROM post;
DROP TABLE post;
ALTER TABLE _new_post RENAME TO post;

-- every reference must hold again
PRAGMA foreign_key_check;

-- modelc:downgrade

-- tables are dropped or rebuilt below: foreign keys are off until the check at the end
PRAGMA foreign_keys=OFF;

-- change table post:
--   change type of post.body from TEXT to VARCHAR(140)
-- DATA LOSS: narrows post.body from TEXT to VARCHAR(140)
-- rebuild table post (SQLite's ALTER TABLE cannot do this): create the new table, copy the rows,
-- drop the old table, rename the new one, recreate its indexes.
CREATE TABLE _new_post (id INTEGER NOT NULL, body VARCHAR(140), user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES user (id));
INSERT INTO _new_post (id, body, user_id) SELECT id, body, user_id FROM post;
DROP TABLE post;
ALTER TABLE _new_post RENAME TO post;

-- every reference must hold again
PRAGMA foreign_key_check;
