CREATE TYPE poststatus AS ENUM ('draft', 'published', 'archived');
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
CREATE TABLE "user" (id SERIAL NOT NULL, username VARCHAR(64), email VARCHAR(120), password_hash VARCHAR(128), about_me VARCHAR(140), last_seen TIMESTAMP WITHOUT TIME ZONE, is_admin BOOLEAN DEFAULT false NOT NULL, created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL, PRIMARY KEY (id));
CREATE UNIQUE INDEX ix_user_email ON "user" (email);
CREATE UNIQUE INDEX ix_user_username ON "user" (username);
CREATE TABLE followers (follower_id INTEGER, followed_id INTEGER, FOREIGN KEY(follower_id) REFERENCES "user" (id), FOREIGN KEY(followed_id) REFERENCES "user" (id));
CREATE TABLE post (id SERIAL NOT NULL, body VARCHAR(140), timestamp TIMESTAMP WITHOUT TIME ZONE, user_id INTEGER NOT NULL, status poststatus DEFAULT 'draft' NOT NULL, score NUMERIC(10, 2) DEFAULT '0', views BIGINT DEFAULT '0' NOT NULL, rank SMALLINT, weight FLOAT, meta JSON, attachment BYTEA, published_on DATE, reminder TIME WITHOUT TIME ZONE, notes TEXT, PRIMARY KEY (id), CONSTRAINT ck_post_score_positive CHECK (score >= 0), CHECK (rank BETWEEN 1 AND 5), CONSTRAINT uq_post_user_body UNIQUE (user_id, body), FOREIGN KEY(user_id) REFERENCES "user" (id) ON DELETE CASCADE);
CREATE INDEX ix_post_timestamp ON post (timestamp);
CREATE INDEX ix_post_user_id_timestamp ON post (user_id, timestamp);
