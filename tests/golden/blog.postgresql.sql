CREATE TABLE "user" (id SERIAL NOT NULL, username VARCHAR(64), email VARCHAR(120), password_hash VARCHAR(128), PRIMARY KEY (id));
CREATE UNIQUE INDEX ix_user_email ON "user" (email);
CREATE UNIQUE INDEX ix_user_username ON "user" (username);
CREATE TABLE post (id SERIAL NOT NULL, body VARCHAR(140), user_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES "user" (id));
