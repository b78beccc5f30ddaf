"""The seed's Flask-SQLAlchemy side of the interop test (tests/unit/test_interop.c).

    python3 flask_app.py blog|library write DB   create_all() and write rows the C program reads
    python3 flask_app.py blog|library check DB   read back, value for value, the rows the C program wrote
    python3 flask_app.py blog|library ddl -      print what create_all() runs, one statement a line
                                                 (tests/golden/blog.sql and library.sql come from it)
    python3 flask_app.py blog|library ddl postgresql
                                                 the same for SQLAlchemy's PostgreSQL dialect, no server
                                                 needed (tests/golden/*.postgresql.sql)

Exit status 0 when every value is as expected, 1 (with the differences on
stderr) otherwise, 77 when Flask-SQLAlchemy is not installed.  The models
are the seed's models.py (blog) and library.model written as
Flask-SQLAlchemy models.
"""
import datetime
import enum
import os
import sys
import warnings
from decimal import Decimal

# SQLAlchemy 1.4's 2.0-migration and Decimal-on-SQLite notices are not ours.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
warnings.simplefilter("ignore")

try:
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy
    import sqlalchemy as sa
except ImportError:
    print("skipped: python3-flask-sqlalchemy not installed")
    sys.exit(77)

app = Flask(__name__)
app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
db = SQLAlchemy()

FAILURES = []

# A Boolean server default written as SQLite stores it; on PostgreSQL
# modelc writes `true`, which is what SQLAlchemy makes of sa.true().
IN_PRINT_DEFAULT = sa.text("1")


def expect(what, got, want):
    """Records a difference: the values and their types must both match."""
    if got != want or type(got) is not type(want):
        FAILURES.append("%s: got %r, want %r" % (what, got, want))
    else:
        print("  %s = %r" % (what, got))


def raw(sql, **params):
    """One row of raw SQL: what is really stored."""
    return db.session.execute(sa.text(sql), params).fetchone()


# ---- blog: the seed's models.py ------------------------------------------------

def blog_models():
    class User(db.Model):
        __tablename__ = "user"
        id = db.Column(db.Integer, primary_key=True)
        username = db.Column(db.String(64), index=True, unique=True)
        email = db.Column(db.String(120), index=True, unique=True)
        password_hash = db.Column(db.String(128))
        posts = db.relationship("Post", backref="author", lazy="dynamic")

        def __repr__(self):
            return "<User {}>".format(self.username)

    class Post(db.Model):
        __tablename__ = "post"
        id = db.Column(db.Integer, primary_key=True)
        body = db.Column(db.String(140))
        user_id = db.Column(db.Integer, db.ForeignKey("user.id"))

        def __repr__(self):
            return "<Post {}>".format(self.body)

    return User, Post


def blog_write():
    User, Post = blog_models()
    db.create_all()
    u = User(username="MrBrown", email="brown@example.com", password_hash="pbkdf2:sha256$x'y\"z")
    db.session.add(u)
    db.session.commit()
    db.session.add(User(username="Nobody"))     # email, password_hash NULL
    db.session.add(Post(body="my first post!", author=u))
    db.session.add(Post(body="100% 'quoted' \"text\"; DROP TABLE post; --", author=u))
    db.session.add(Post(body="\u00e9t\u00e9 \u65e5\u672c \U0001F600", author=u))
    db.session.add(Post(body=None))
    db.session.commit()


def blog_check():
    User, Post = blog_models()
    u = User.query.filter_by(username="MrsGreen").first()
    if u is None:
        FAILURES.append("no user MrsGreen")
        return
    expect("MrsGreen.email", u.email, "green@example.com")
    expect("MrsGreen.password_hash", u.password_hash, None)
    expect("MrsGreen.posts", [p.body for p in u.posts.order_by(Post.id).all()],
           ["written in C", "it's \"quoted\"; DROP TABLE user; --", "\u00fcml\u00e4ut \U0001F600"])
    expect("posts count", u.posts.count(), 3)
    p = Post.query.filter_by(body="written in C").first()
    expect("post.author.username", p.author.username, "MrsGreen")
    # the C program renamed MrBrown, as in the seed
    expect("renamed", User.query.get(1).username, "MrsBrown")
    orphan = Post.query.filter_by(body="no author").first()
    expect("orphan.author", orphan.author, None)
    expect("orphan.user_id", orphan.user_id, None)
    expect("users", [x.username for x in User.query.order_by(User.id).all()], ["MrsBrown", "Nobody", "MrsGreen"])


# ---- library ---------------------------------------------------------------------

class Format(enum.Enum):
    hardcover = 1
    paperback = 2
    ebook = 3
    audiobook = 4


def library_models():
    book_tags = None

    class Author(db.Model):
        __tablename__ = "author"
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(100), nullable=False, index=True)
        born = db.Column(db.Date)
        bio = db.Column(db.Text)
        books = db.relationship("Book", backref="author", lazy="dynamic",
                                order_by="Book.published.desc()", cascade="all, delete")

    class BookTag(db.Model):
        __tablename__ = "book_tags"
        book_id = db.Column(db.Integer, db.ForeignKey("book.id", ondelete="CASCADE"), primary_key=True)
        tag_id = db.Column(db.Integer, db.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)

    book_tags = BookTag.__table__

    class Book(db.Model):
        __tablename__ = "book"
        __table_args__ = (db.Index("ix_book_author_id_published", "author_id", "published"),
                          {"sqlite_autoincrement": True})
        id = db.Column(db.Integer, primary_key=True)
        isbn = db.Column(db.String(13), db.CheckConstraint("length(isbn) IN (10, 13)"),
                         unique=True, nullable=False)
        title = db.Column(db.String(200), nullable=False)
        format = db.Column(db.Enum(Format), nullable=False, default=Format.paperback)
        price = db.Column(db.Numeric(8, 2))
        rating = db.Column(db.Float)
        in_print = db.Column(db.Boolean, nullable=False, server_default=IN_PRINT_DEFAULT)
        cover = db.Column(db.LargeBinary)
        extra = db.Column(db.JSON)
        published = db.Column(db.Date, index=True)
        added_at = db.Column(db.DateTime, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP"))
        author_id = db.Column(db.Integer, db.ForeignKey("author.id", ondelete="CASCADE"), nullable=False)
        tags = db.relationship("Tag", secondary=book_tags, backref="books")
        loans = db.relationship("Loan", backref="book")

    class Tag(db.Model):
        __tablename__ = "tag"
        id = db.Column(db.Integer, primary_key=True)
        label = db.Column(db.String(40), nullable=False, unique=True)

    class Member(db.Model):
        __tablename__ = "member"
        id = db.Column(db.Integer, primary_key=True)
        email = db.Column(db.String(120), nullable=False, unique=True)
        full_name = db.Column(db.String(100), nullable=False)
        referrer_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="SET NULL"))
        referrals = db.relationship("Member", backref=db.backref("referrer", remote_side=[id]),
                                    foreign_keys=[referrer_id])
        card = db.relationship("LibraryCard", uselist=False, backref="member")
        loans = db.relationship("Loan", backref="member", lazy="joined")

    class LibraryCard(db.Model):
        __tablename__ = "library_card"
        id = db.Column(db.Integer, primary_key=True)
        number = db.Column(db.String(16), nullable=False, unique=True)
        member_id = db.Column(db.Integer, db.ForeignKey("member.id", ondelete="CASCADE"),
                              nullable=False, unique=True)

    class Loan(db.Model):
        __tablename__ = "loan"
        __table_args__ = (db.CheckConstraint("returned_at IS NULL OR returned_at >= due"),
                          db.UniqueConstraint("book_id", "member_id", "due"))
        id = db.Column(db.Integer, primary_key=True)
        book_id = db.Column(db.Integer, db.ForeignKey("book.id", ondelete="RESTRICT"), nullable=False)
        member_id = db.Column(db.Integer, db.ForeignKey("member.id"), nullable=False)
        due = db.Column(db.Date, nullable=False)
        returned_at = db.Column(db.DateTime)

    return Author, Book, Tag, Member, LibraryCard, Loan


COVER = bytes(range(256))


def library_write():
    Author, Book, Tag, Member, LibraryCard, Loan = library_models()
    db.create_all()
    a = Author(name="Ursula K. Le Guin", born=datetime.date(1929, 10, 21), bio="Earthsea; \"quoted\" 'and' 100%")
    db.session.add(a)
    sf = Tag(label="sf")
    b = Book(isbn="0441478123", title="The Left Hand of Darkness", format=Format.hardcover,
             price=Decimal("8.50"), rating=4.5, in_print=False, cover=COVER,
             extra={"awards": ["Hugo", "Nebula"], "pages": 304, "note": "caf\u00e9"},
             published=datetime.date(1969, 3, 1), added_at=datetime.datetime(2019, 5, 20, 12, 47, 0),
             author=a, tags=[sf])
    d = Book(isbn="0061054887", title="The Dispossessed", author=a)     # every default
    db.session.add_all([b, d])
    alice = Member(email="alice@example.com", full_name="Alice")
    bob = Member(email="bob@example.com", full_name="Bob", referrer=alice)
    bob.card = LibraryCard(number="C-0001")
    db.session.add_all([alice, bob])
    db.session.add(Loan(book=b, member=bob, due=datetime.date(2024, 1, 10),
                        returned_at=datetime.datetime(2024, 1, 11, 9, 30, 0, 123456)))
    db.session.add(Loan(book=d, member=bob, due=datetime.date(2024, 2, 1)))
    db.session.commit()


def library_check():
    Author, Book, Tag, Member, LibraryCard, Loan = library_models()
    a = Author.query.filter_by(name="Iain M. Banks").first()
    if a is None:
        FAILURES.append("no author Iain M. Banks")
        return
    expect("author.born", a.born, datetime.date(1954, 2, 16))
    expect("author.bio", a.bio, None)
    b = Book.query.filter_by(isbn="0575043075").first()
    expect("book.title", b.title, "Use of Weapons")
    expect("book.format", b.format, Format.ebook)
    expect("book.price", b.price, Decimal("12.30"))
    expect("book.rating", b.rating, 3.25)
    expect("book.in_print", b.in_print, True)
    expect("book.cover", b.cover, COVER)
    expect("book.extra", b.extra, {"culture": True, "n": [1, 2.5], "s": "\u00fc \"q\""})
    expect("book.published", b.published, datetime.date(1990, 9, 13))
    expect("book.added_at", b.added_at, datetime.datetime(2020, 1, 2, 3, 4, 5, 678901))
    expect("book.author", b.author.name, "Iain M. Banks")
    expect("book.tags", sorted(t.label for t in b.tags), ["culture", "sf"])
    row = raw("SELECT format, price, typeof(price), in_print, added_at, published, extra FROM book WHERE id = :id",
              id=b.id)
    expect("stored format", row[0], "ebook")
    expect("stored price", row[1], 12.3)
    expect("stored typeof(price)", row[2], "real")
    expect("stored in_print", row[3], 1)
    expect("stored added_at", row[4], "2020-01-02 03:04:05.678901")
    expect("stored published", row[5], "1990-09-13")
    expect("stored extra", row[6], '{"culture": true, "n": [1, 2.5], "s": "\u00fc \\"q\\""}')
    # the defaults the C program left to the schema
    d = Book.query.filter_by(isbn="0575047093").first()
    expect("default format", d.format, Format.paperback)
    expect("default in_print", d.in_print, True)
    expect("default added_at is a datetime", type(d.added_at), datetime.datetime)
    expect("NULL price", d.price, None)
    expect("NULL rating", d.rating, None)
    expect("NULL cover", d.cover, None)
    expect("NULL extra", d.extra, None)
    expect("NULL published", d.published, None)
    e = Book.query.filter_by(isbn="0575050000").first()
    expect("empty cover", e.cover, b"")
    expect("zero rating", e.rating, 0.0)
    expect("false in_print", e.in_print, False)
    expect("price 0.00", e.price, Decimal("0.00"))
    expect("author.books (published desc)", [x.title for x in a.books.all()],
           ["Use of Weapons", "Empty Cover", "Matter"])
    sf = Tag.query.filter_by(label="sf").first()
    expect("sf.books", sorted(x.title for x in sf.books), ["The Left Hand of Darkness", "Use of Weapons"])
    carol = Member.query.filter_by(email="carol@example.com").first()
    expect("carol.full_name", carol.full_name, "Carol O'Hara")
    expect("carol.referrer", carol.referrer.email, "alice@example.com")
    expect("carol.card", carol.card.number, "C-0002")
    expect("carol.loans", [(l.book.title, l.due, l.returned_at) for l in carol.loans],
           [("Use of Weapons", datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 2, 10, 0))])
    alice = Member.query.filter_by(email="alice@example.com").first()
    expect("alice.referrals", sorted(m.email for m in alice.referrals), ["bob@example.com", "carol@example.com"])
    # the C program returned the Python loan of the Dispossessed
    loan = Loan.query.filter_by(due=datetime.date(2024, 2, 1)).first()
    expect("returned_at written by C", loan.returned_at, datetime.datetime(2024, 2, 3, 17, 0, 0, 500000))


def print_ddl(models, dialect_name):
    """The DDL create_all() runs on SQLite (or PostgreSQL), tables in its
    order, each followed by its indexes by name, one statement per line;
    on PostgreSQL each enum type just before the first table using it."""
    global IN_PRINT_DEFAULT
    from sqlalchemy.schema import CreateIndex, CreateTable
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql
        engine = postgresql.dialect()
        IN_PRINT_DEFAULT = sa.true()
    else:
        engine = sa.create_engine("sqlite://").dialect
    models()
    made = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if dialect_name == "postgresql" and isinstance(column.type, sa.Enum) and column.type.name not in made:
                made.add(column.type.name)
                print(str(postgresql.CreateEnumType(column.type).compile(dialect=engine)) + ";")
        ddl = str(CreateTable(table).compile(dialect=engine)).strip()
        print(" ".join(line.strip() for line in ddl.splitlines()).replace("( ", "(").replace(" )", ")") + ";")
        for index in sorted(table.indexes, key=lambda i: i.name):
            print(str(CreateIndex(index).compile(dialect=engine)).strip() + ";")


def main():
    if len(sys.argv) == 4 and sys.argv[1] in ("blog", "library") and sys.argv[2] == "ddl":
        print_ddl(blog_models if sys.argv[1] == "blog" else library_models, sys.argv[3])
        return 0
    if len(sys.argv) != 4 or sys.argv[1] not in ("blog", "library") or sys.argv[2] not in ("write", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + sys.argv[3]
    db.init_app(app)
    with app.app_context():
        {"blog": {"write": blog_write, "check": blog_check},
         "library": {"write": library_write, "check": library_check}}[sys.argv[1]][sys.argv[2]]()
    if FAILURES:
        for f in FAILURES:
            print("flask_app.py: " + f, file=sys.stderr)
        return 1
    print("flask_app.py %s %s: ok" % (sys.argv[1], sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
