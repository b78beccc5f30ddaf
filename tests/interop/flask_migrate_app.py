"""The seed's Flask app (models.py of the Flask-SQLAlchemy + Flask-Migrate
demo), used by tests/unit/test_adoption.c to make a database the way the
seed does and to read it back after modelc has taken it over.

    flask_migrate_app.py DIR create   flask db init / migrate -m first / upgrade,
                                      then add a user and a post
    flask_migrate_app.py DIR read     print the user and the post, through the models

The database is DIR/app.db, Flask-Migrate's directory DIR/migrations.
Exit status 3 when flask_migrate cannot be imported (the test then skips).
"""
import os
import sys

try:
    from flask import Flask
    from flask_migrate import Migrate, init, migrate, upgrade
    from flask_sqlalchemy import SQLAlchemy
except ImportError as e:  # pragma: no cover - depends on the machine
    print("flask_migrate_app.py: cannot import Flask-Migrate: %s" % e, file=sys.stderr)
    sys.exit(3)

if len(sys.argv) != 3 or sys.argv[2] not in ("create", "read"):
    print(__doc__, file=sys.stderr)
    sys.exit(2)

basedir = os.path.abspath(sys.argv[1])
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(basedir, "app.db")
app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False
db = SQLAlchemy(app)
Migrate(app, db, directory=os.path.join(basedir, "migrations"))


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), index=True, unique=True)
    email = db.Column(db.String(120), index=True, unique=True)
    password_hash = db.Column(db.String(128))
    posts = db.relationship("Post", backref="author", lazy="dynamic")

    def __repr__(self):
        return "<User {}>".format(self.username)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(140))
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    def __repr__(self):
        return "<Post {}>".format(self.body)


with app.app_context():
    if sys.argv[2] == "create":
        d = os.path.join(basedir, "migrations")
        init(directory=d)                       # flask db init
        migrate(directory=d, message="first")   # flask db migrate -m first
        upgrade(directory=d)                    # flask db upgrade
        u = User(username="susan", email="susan@example.com")
        db.session.add(u)
        db.session.commit()
        db.session.add(Post(body="my first post!", author=u))
        db.session.commit()
        print("created user %d, post %d" % (u.id, u.posts.first().id))
    else:
        u = User.query.filter_by(username="susan").first()
        print("user %s %s" % (u.username, u.email))
        for p in u.posts.all():
            print("post %s by %s" % (p.body, p.author.username))
