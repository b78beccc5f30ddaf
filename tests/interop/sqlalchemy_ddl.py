"""The shared examples written as SQLAlchemy 1.4 models: prints the DDL that
create_all() runs on SQLite, one statement per line, so tests can compare it
with `modelc sql` (see tests/unit/test_ddl_golden.c)."""
import enum
import sys

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.schema import CreateIndex, CreateTable

Base = declarative_base()


def blog():
    class User(Base):
        __tablename__ = "user"
        id = sa.Column(sa.Integer, primary_key=True)
        username = sa.Column(sa.String(64), index=True, unique=True)
        email = sa.Column(sa.String(120), index=True, unique=True)
        password_hash = sa.Column(sa.String(128))
        posts = relationship("Post", backref="author", lazy="dynamic")

    class Post(Base):
        __tablename__ = "post"
        id = sa.Column(sa.Integer, primary_key=True)
        body = sa.Column(sa.String(140))
        user_id = sa.Column(sa.Integer, sa.ForeignKey("user.id"))


def library():
    class Format(enum.Enum):
        hardcover = 1
        paperback = 2
        ebook = 3
        audiobook = 4

    class Author(Base):
        __tablename__ = "author"
        id = sa.Column(sa.Integer, primary_key=True)
        name = sa.Column(sa.String(100), nullable=False, index=True)
        born = sa.Column(sa.Date)
        bio = sa.Column(sa.Text)

    class Book(Base):
        __tablename__ = "book"
        __table_args__ = (sa.Index("ix_book_author_id_published", "author_id", "published"),
                          {"sqlite_autoincrement": True})
        id = sa.Column(sa.Integer, primary_key=True)
        isbn = sa.Column(sa.String(13), sa.CheckConstraint("length(isbn) IN (10, 13)"),
                         unique=True, nullable=False)
        title = sa.Column(sa.String(200), nullable=False)
        format = sa.Column(sa.Enum(Format), nullable=False, default=Format.paperback)
        price = sa.Column(sa.Numeric(8, 2))
        rating = sa.Column(sa.Float)
        in_print = sa.Column(sa.Boolean, nullable=False, server_default=sa.text("1"))
        cover = sa.Column(sa.LargeBinary)
        extra = sa.Column(sa.JSON)
        published = sa.Column(sa.Date, index=True)
        added_at = sa.Column(sa.DateTime, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP"))
        author_id = sa.Column(sa.Integer, sa.ForeignKey("author.id", ondelete="CASCADE"), nullable=False)

    class Tag(Base):
        __tablename__ = "tag"
        id = sa.Column(sa.Integer, primary_key=True)
        label = sa.Column(sa.String(40), nullable=False, unique=True)

    class BookTag(Base):
        __tablename__ = "book_tags"
        book_id = sa.Column(sa.Integer, sa.ForeignKey("book.id", ondelete="CASCADE"), primary_key=True)
        tag_id = sa.Column(sa.Integer, sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)

    class Member(Base):
        __tablename__ = "member"
        id = sa.Column(sa.Integer, primary_key=True)
        email = sa.Column(sa.String(120), nullable=False, unique=True)
        full_name = sa.Column(sa.String(100), nullable=False)
        referrer_id = sa.Column(sa.Integer, sa.ForeignKey("member.id", ondelete="SET NULL"))

    class LibraryCard(Base):
        __tablename__ = "library_card"
        id = sa.Column(sa.Integer, primary_key=True)
        number = sa.Column(sa.String(16), nullable=False, unique=True)
        member_id = sa.Column(sa.Integer, sa.ForeignKey("member.id", ondelete="CASCADE"),
                              nullable=False, unique=True)

    class Loan(Base):
        __tablename__ = "loan"
        __table_args__ = (sa.CheckConstraint("returned_at IS NULL OR returned_at >= due"),
                          sa.UniqueConstraint("book_id", "member_id", "due"))
        id = sa.Column(sa.Integer, primary_key=True)
        book_id = sa.Column(sa.Integer, sa.ForeignKey("book.id", ondelete="RESTRICT"), nullable=False)
        member_id = sa.Column(sa.Integer, sa.ForeignKey("member.id"), nullable=False)
        due = sa.Column(sa.Date, nullable=False)
        returned_at = sa.Column(sa.DateTime)


def main():
    {"blog": blog, "library": library}[sys.argv[1]]()
    engine = sa.create_engine("sqlite://")
    for table in Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(engine)).strip()
        print(" ".join(line.strip() for line in ddl.splitlines()).replace("( ", "(").replace(" )", ")") + ";")
        for index in sorted(table.indexes, key=lambda i: i.name):
            print(str(CreateIndex(index).compile(engine)).strip() + ";")


main()
