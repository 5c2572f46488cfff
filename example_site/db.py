"""The shop's own user accounts, in SQLite."""

from __future__ import annotations

import functools
import re
import secrets
import sqlite3
import string
import typing as t
from dataclasses import dataclass

from flask import Flask, current_app, g
from werkzeug.security import check_password_hash, generate_password_hash

# NOCASE folds ASCII letters only, exactly as email_key() does, so rows written
# before emails were stored folded still match their folded key.
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER)),
    session_generation INTEGER NOT NULL DEFAULT 0
)
"""

#: (email, password, name): the demo accounts, listed in the README.
DEMO_USERS = (
    ("alice@example.com", "wonderland", "Alice Liddell"),
    ("bob@example.com", "builder", "Bob Stone"),
)

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_SESSION_ID = re.compile(r"([0-9]+):([0-9]+)")


def email_key(email: str) -> str:
    """The form an email is stored, looked up and rate-limited under.

    Surrounding whitespace goes and ASCII ``A-Z`` become ``a-z``; nothing else
    changes. Unicode case folding would make ``straße@`` and ``strasse@``, or
    ``\\u212aate@`` (Kelvin sign) and ``kate@``, one account.
    """
    return email.strip().translate(_ASCII_LOWER)


@dataclass(frozen=True)
class User:
    """A site account; Flask-Login's user object.

    ``get_id()`` is Flask-Login's alternative id, ``"id:session_generation"``:
    logging out bumps the generation, so every session cookie issued before
    stops naming a user.
    """

    id: int
    email: str
    name: str
    created_at: int
    session_generation: int

    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"


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
    """Create or upgrade the table and add the demo users if they are missing.

    One write transaction holds it all, so workers starting together do not
    both try to add the same column.
    """
    app.teardown_appcontext(close)
    dummy_password_hash()
    with app.app_context():
        connection = connect()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(SCHEMA)
        columns = {row["name"] for row in connection.execute("PRAGMA table_info(users)")}
        if "session_generation" not in columns:
            connection.execute(
                "ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0"
            )
        for email, password, name in DEMO_USERS:
            if find_by_email(email) is None:
                _insert(connection, email, password, name)
        connection.commit()


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        created_at=row["created_at"],
        session_generation=row["session_generation"],
    )


def get(user_id: int) -> User | None:
    return _user(connect().execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())


def get_by_session_id(session_id: str) -> User | None:
    """The user a session's ``get_id()`` value names, or ``None`` once they logged out."""
    match = _SESSION_ID.fullmatch(session_id)
    if match is None:
        return None
    user = get(int(match[1]))
    if user is None or user.session_generation != int(match[2]):
        return None
    return user


def find_by_email(email: str) -> User | None:
    return _user(_row_for_email(email))


def _row_for_email(email: str) -> sqlite3.Row | None:
    query = "SELECT * FROM users WHERE email = ?"
    return t.cast("sqlite3.Row | None", connect().execute(query, (email_key(email),)).fetchone())


def check_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``: the one place a password is checked."""
    return check_password_hash(password_hash, password)


@functools.cache
def dummy_password_hash() -> str:
    """A hash of a random password, made once per process, to check unknown emails against."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or ``None``.

    An unknown email costs one password check too, against
    :func:`dummy_password_hash`, so the time taken does not tell whether an
    account exists.
    """
    row = _row_for_email(email)
    matches = check_password(
        dummy_password_hash() if row is None else row["password_hash"], password
    )
    return _user(row) if matches else None


def add_user(email: str, password: str, name: str) -> User:
    """Create an account; ``sqlite3.IntegrityError`` when the email is taken."""
    connection = connect()
    user_id = _insert(connection, email, password, name)
    connection.commit()
    user = get(user_id)
    assert user is not None
    return user


def _insert(connection: sqlite3.Connection, email: str, password: str, name: str) -> int:
    cursor = connection.execute(
        "INSERT INTO users (email, name, password_hash) VALUES (?, ?, ?)",
        (email_key(email), name.strip(), generate_password_hash(password)),
    )
    return t.cast(int, cursor.lastrowid)


def end_sessions(user_id: int) -> None:
    """Void every session of this user, on every device (their next login starts anew)."""
    connection = connect()
    connection.execute(
        "UPDATE users SET session_generation = session_generation + 1 WHERE id = ?", (user_id,)
    )
    connection.commit()
