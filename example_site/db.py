"""The shop's own user accounts, in SQLite."""

from __future__ import annotations

import sqlite3
import typing as t
from dataclasses import dataclass

from flask import Flask, current_app, g
from werkzeug.security import check_password_hash, generate_password_hash

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
)
"""

#: (email, password, name): the demo accounts, listed in the README.
DEMO_USERS = (
    ("alice@example.com", "wonderland", "Alice Liddell"),
    ("bob@example.com", "builder", "Bob Stone"),
)


@dataclass(frozen=True)
class User:
    """A site account; Flask-Login's user object."""

    id: int
    email: str
    name: str
    created_at: int

    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


def connect() -> sqlite3.Connection:
    """This request's connection, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return t.cast(sqlite3.Connection, g.db)


def close(_: BaseException | None = None) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def init_app(app: Flask) -> None:
    """Create the table and the demo users if they are missing."""
    app.teardown_appcontext(close)
    with app.app_context():
        connection = connect()
        connection.execute(SCHEMA)
        for email, password, name in DEMO_USERS:
            if find_by_email(email) is None:
                add_user(email, password, name)
        connection.commit()


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(id=row["id"], email=row["email"], name=row["name"], created_at=row["created_at"])


def get(user_id: int) -> User | None:
    return _user(connect().execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())


def find_by_email(email: str) -> User | None:
    row = connect().execute("SELECT * FROM users WHERE email = ?", (email.strip(),)).fetchone()
    return _user(row)


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or ``None``."""
    row = connect().execute("SELECT * FROM users WHERE email = ?", (email.strip(),)).fetchone()
    if row is None or not check_password_hash(row["password_hash"], password):
        return None
    return _user(row)


def add_user(email: str, password: str, name: str) -> User:
    """Create an account; ``sqlite3.IntegrityError`` when the email is taken."""
    connection = connect()
    cursor = connection.execute(
        "INSERT INTO users (email, name, password_hash) VALUES (?, ?, ?)",
        (email.strip(), name.strip(), generate_password_hash(password)),
    )
    connection.commit()
    user = get(t.cast(int, cursor.lastrowid))
    assert user is not None
    return user
