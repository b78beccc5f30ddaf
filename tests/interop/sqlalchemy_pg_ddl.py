"""A Flask-Migrate app's models on PostgreSQL, as SQLAlchemy 1.4 creates them
(the input of tests/unit/test_introspect_pg.c's adoption test).

    python3 sqlalchemy_pg_ddl.py > tests/golden/inspect/sqlalchemy.postgresql.sql

prints what create_all() and Alembic's version table run on PostgreSQL, one
statement a line, compiled with SQLAlchemy's PostgreSQL dialect (no server
needed): the microblog's user, post and followers with every column type,
a native enum, server defaults (false, now(), '0'), named and unnamed
CHECK and UNIQUE constraints, ON DELETE CASCADE, single and composite
indexes.
"""
import enum, datetime
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable, CreateIndex

md = sa.MetaData()

class PostStatus(enum.Enum):
    draft = 1
    published = 2
    archived = 3

followers = sa.Table("followers", md,
    sa.Column("follower_id", sa.Integer, sa.ForeignKey("user.id")),
    sa.Column("followed_id", sa.Integer, sa.ForeignKey("user.id")))

user = sa.Table("user", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), index=True, unique=True),
    sa.Column("email", sa.String(120), index=True, unique=True),
    sa.Column("password_hash", sa.String(128)),
    sa.Column("about_me", sa.String(140)),
    sa.Column("last_seen", sa.DateTime, default=datetime.datetime.utcnow),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()))

post = sa.Table("post", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.String(140)),
    sa.Column("timestamp", sa.DateTime, index=True, default=datetime.datetime.utcnow),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
    sa.Column("status", sa.Enum(PostStatus), nullable=False, server_default="draft"),
    sa.Column("score", sa.Numeric(10, 2), server_default="0"),
    sa.Column("views", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("rank", sa.SmallInteger),
    sa.Column("weight", sa.Float),
    sa.Column("meta", sa.JSON),
    sa.Column("attachment", sa.LargeBinary),
    sa.Column("published_on", sa.Date),
    sa.Column("reminder", sa.Time),
    sa.Column("notes", sa.Text),
    sa.CheckConstraint("score >= 0", name="ck_post_score_positive"),
    sa.CheckConstraint("rank BETWEEN 1 AND 5"),
    sa.UniqueConstraint("user_id", "body", name="uq_post_user_body"))
sa.Index("ix_post_user_id_timestamp", post.c.user_id, post.c.timestamp)

alembic = sa.Table("alembic_version", md,
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))

d = postgresql.dialect()
print("CREATE TYPE poststatus AS ENUM ('draft', 'published', 'archived');")
for t in md.sorted_tables:
    s = str(CreateTable(t).compile(dialect=d)).strip()
    s = " ".join(x.strip() for x in s.split("\n"))
    print(s.replace("( ", "(").replace(" )", ")") + ";")
    for ix in sorted(t.indexes, key=lambda i: i.name):
        print(str(CreateIndex(ix).compile(dialect=d)) + ";")
