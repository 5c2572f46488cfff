"""The example site's own accounts: login work, rate limit, sessions, email identity."""

from __future__ import annotations

import sqlite3
import typing as t
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import check_payload, payload_in
from servers import RedisServer

from example_site import create_app, db

SiteFactory = Callable[..., Flask]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteFactory:
    """Build the shop on a fresh database; keyword args are config. The limit stays on."""

    def factory(**config: t.Any) -> Flask:
        return create_app(
            {
                "TESTING": True,
                "DATABASE": str(tmp_path / "shop.sqlite3"),
                "WTF_CSRF_ENABLED": False,
                **config,
            }
        )

    return factory


@pytest.fixture
def site(make_site: SiteFactory) -> Flask:
    return make_site()


def log_in(
    client: FlaskClient,
    email: str = "alice@example.com",
    password: str = "wonderland",
    *,
    address: str = "127.0.0.1",
    **form: str,
) -> t.Any:
    return client.post(
        "/login",
        data={"email": email, "password": password, **form},
        environ_base={"REMOTE_ADDR": address},
    )


def register(client: FlaskClient, email: str, password: str = "long-password") -> t.Any:
    return client.post("/register", data={"name": "Some One", "email": email, "password": password})


def csrf_token_in(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def logged_in(client: FlaskClient) -> bool:
    return payload_in(client.get("/store/").get_data(as_text=True)) != ""


def email_in_payload(site: Flask, client: FlaskClient) -> str:
    payload = payload_in(client.get("/store/").get_data(as_text=True))
    email: str = check_payload(payload, secret=site.config["ECWID_CLIENT_SECRET"])["profile"][
        "email"
    ]
    return email


# -- the same work for known and unknown emails --------------------------------


@pytest.fixture
def hashes_checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hash of every password check the site makes, in order."""
    seen: list[str] = []
    real = db.check_password

    def counting(password_hash: str, password: str) -> bool:
        seen.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(db, "check_password", counting)
    return seen


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nobody@example.com", "wonderland"),
        ("alice@example.com", "rabbit-hole"),
        ("alice@example.com", "wonderland"),
    ],
)
def test_every_login_costs_exactly_one_password_check_of_the_same_kind(
    site: Flask, hashes_checked: list[str], email: str, password: str
) -> None:
    log_in(site.test_client(), email, password)
    with site.app_context():
        query = "SELECT password_hash FROM users WHERE email = ?"
        alices = db.connect().execute(query, ("alice@example.com",)).fetchone()[0]
    assert len(hashes_checked) == 1
    # method:parameters$salt$digest: the same method and cost means the same work.
    assert hashes_checked[0].split("$")[0] == alices.split("$")[0]


def test_unknown_emails_are_checked_against_one_dummy_hash_per_process(
    make_site: SiteFactory, hashes_checked: list[str]
) -> None:
    log_in(make_site().test_client(), "nobody@example.com")
    log_in(make_site().test_client(), "nemo@example.com")
    assert len(hashes_checked) == 2
    assert hashes_checked[0] == hashes_checked[1]
    with make_site().app_context():
        stored = {row[0] for row in db.connect().execute("SELECT password_hash FROM users")}
    assert hashes_checked[0] not in stored


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(site: Flask) -> None:
    client = site.test_client()
    unknown = log_in(client, "nobody@example.com", "wonderland")
    wrong = log_in(client, "alice@example.com", "rabbit-hole")
    assert unknown.status_code == wrong.status_code == 200
    # Flask-WTF's token carries a timestamp: the two may straddle a second.
    token = csrf_token_in(unknown.get_data(as_text=True))
    assert unknown.get_data(as_text=True) == wrong.get_data(as_text=True).replace(
        csrf_token_in(wrong.get_data(as_text=True)), token
    )
    assert not logged_in(client)


# -- the rate limit ---------------------------------------------------------------


def test_the_eleventh_attempt_in_a_minute_from_one_address_is_refused(site: Flask) -> None:
    client = site.test_client()
    for n in range(10):
        assert log_in(client, f"guess{n}@example.com", address="203.0.113.7").status_code == 200
    assert log_in(client, "guess10@example.com", address="203.0.113.7").status_code == 429
    assert log_in(client, "guess10@example.com", address="203.0.113.8").status_code == 200


def test_the_eleventh_attempt_in_a_minute_for_one_email_is_refused(site: Flask) -> None:
    client = site.test_client()
    spellings = ["alice@example.com", " ALICE@example.com", "Alice@Example.COM "]
    for n in range(10):
        answer = log_in(client, spellings[n % 3], "wrong", address=f"198.51.100.{n}")
        assert answer.status_code == 200
    assert log_in(client, "alice@example.com", address="198.51.100.99").status_code == 429
    assert log_in(client, "bob@example.com", "builder", address="198.51.100.99").status_code == 302


def test_once_limited_even_the_right_password_is_refused(site: Flask) -> None:
    client = site.test_client()
    for _ in range(10):
        log_in(client, password="wrong")
    assert log_in(client).status_code == 429
    assert not logged_in(client)


def test_the_429_page_is_the_sites_own_and_says_when_to_try_again(site: Flask) -> None:
    client = site.test_client()
    for _ in range(10):
        log_in(client, password="wrong")
    answer = log_in(client, password="wrong")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 429
    assert answer.mimetype == "text/html"
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
    assert f"try again in {answer.headers['Retry-After']} second" in html
    assert "Fern &amp; Fig" in html
    assert "window.ecwid_sso_profile" in html
    assert "Traceback" not in html


def test_showing_the_login_page_is_not_an_attempt(site: Flask) -> None:
    client = site.test_client()
    for _ in range(15):
        assert client.get("/login").status_code == 200
    assert log_in(client).status_code == 302


def test_an_app_can_turn_the_limit_off(make_site: SiteFactory) -> None:
    client = make_site(RATELIMIT_ENABLED=False).test_client()
    for _ in range(15):
        assert log_in(client, password="wrong").status_code == 200


def test_workers_sharing_a_redis_ecwid_cache_share_the_limit(
    make_site: SiteFactory, redis_server: RedisServer
) -> None:
    first, second = (make_site(ECWID_CACHE=redis_server.url).test_client() for _ in range(2))
    for n in range(10):
        assert log_in(first if n % 2 else second, password="wrong").status_code == 200
    assert log_in(first, password="wrong").status_code == 429
    assert log_in(second, password="wrong").status_code == 429


# -- sessions -------------------------------------------------------------------


def test_login_starts_a_new_session(make_site: SiteFactory) -> None:
    client = make_site(WTF_CSRF_ENABLED=True).test_client()
    old_token = csrf_token_in(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as session:
        session["planted"] = "before login"
    assert log_in(client, csrf_token=old_token).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") is None
    assert client.post("/logout", data={"csrf_token": old_token}).status_code == 400
    new_token = csrf_token_in(client.get("/store/").get_data(as_text=True))
    assert new_token != old_token
    assert client.post("/logout", data={"csrf_token": new_token}).status_code == 302


def test_logout_empties_the_session(make_site: SiteFactory) -> None:
    client = make_site(WTF_CSRF_ENABLED=True).test_client()
    log_in(client, csrf_token=csrf_token_in(client.get("/login").get_data(as_text=True)))
    token = csrf_token_in(client.get("/store/").get_data(as_text=True))
    with client.session_transaction() as session:
        session["planted"] = "before logout"
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    with client.session_transaction() as session:
        assert dict(session) == {}
    assert log_in(client, csrf_token=token).status_code == 400


def copied_session(site: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = site.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_logout_is_refused_after_it(site: Flask) -> None:
    client = site.test_client()
    log_in(client)
    thief = copied_session(site, client)
    assert logged_in(thief)
    client.post("/logout")
    assert not logged_in(thief)
    assert thief.get("/account").location.startswith("/login?next=")
    log_in(client)
    assert not logged_in(thief)
    assert logged_in(client)


def test_the_stores_sign_out_link_also_ends_the_session_for_good(site: Flask) -> None:
    client = site.test_client()
    log_in(client)
    thief = copied_session(site, client)
    confirm = client.get("/ecwid-sso/sign-out").get_data(as_text=True)
    token = confirm.split('name="token" value="')[1].split('"')[0]
    assert logged_in(thief)
    assert client.post("/ecwid-sso/sign-out", data={"token": token}).status_code == 302
    assert not logged_in(client)
    assert not logged_in(thief)


def test_the_ecwid_user_id_stays_the_account_id_across_logouts(site: Flask) -> None:
    client = site.test_client()
    ids = []
    for _ in range(2):
        log_in(client)
        payload = payload_in(client.get("/store/").get_data(as_text=True))
        ids.append(check_payload(payload, secret=site.config["ECWID_CLIENT_SECRET"])["userId"])
        client.post("/logout")
    with site.app_context():
        alice = db.find_by_email("alice@example.com")
    assert alice is not None
    assert ids == [str(alice.id)] * 2


def test_a_database_from_before_session_generations_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,"
            " password_hash TEXT NOT NULL, created_at INTEGER NOT NULL DEFAULT 0)"
        )
        connection.execute(
            "INSERT INTO users (email, name, password_hash) VALUES (?, ?, ?)",
            ("Dana@Example.com", "Dana Old", db.generate_password_hash("old-password")),
        )
    connection.close()
    for _ in range(2):
        site = create_app({"DATABASE": str(path), "WTF_CSRF_ENABLED": False})
    client = site.test_client()
    assert log_in(client, "dana@example.com", "old-password").status_code == 302
    assert email_in_payload(site, client) == "Dana@Example.com"
    client.post("/logout")
    assert log_in(client, "alice@example.com", "wonderland").status_code == 302


# -- email identity ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("strasse@example.com", "straße@example.com"),
        ("kate@example.com", "\u212aate@example.com"),
        ("émile@example.com", "Émile@example.com"),
    ],
)
def test_addresses_that_differ_beyond_ascii_case_are_distinct_accounts(
    site: Flask, first: str, second: str
) -> None:
    assert register(site.test_client(), first, "first-password").location == "/store/"
    assert register(site.test_client(), second, "second-password").location == "/store/"
    for email, password in ((first, "first-password"), (second, "second-password")):
        client = site.test_client()
        assert log_in(client, email, password).status_code == 302
        assert email_in_payload(site, client) == email
    assert log_in(site.test_client(), second, "first-password").status_code == 200


def test_ascii_case_and_spaces_do_not_make_a_new_account(site: Flask) -> None:
    assert register(site.test_client(), "Kate@Example.com").location == "/store/"
    again = register(site.test_client(), " KATE@example.COM")
    assert "already an account" in again.get_data(as_text=True)
    client = site.test_client()
    assert log_in(client, "kATE@EXAMPLE.com ", "long-password").status_code == 302
    assert email_in_payload(site, client) == "kate@example.com"


def test_attempts_on_a_look_alike_email_do_not_limit_the_real_one(site: Flask) -> None:
    register(site.test_client(), "kate@example.com")
    client = site.test_client()
    for n in range(11):
        log_in(client, "\u212aate@example.com", "wrong", address=f"192.0.2.{n}")
    answer = log_in(client, "kate@example.com", "long-password", address="192.0.2.99")
    assert answer.status_code == 302


def test_the_email_key_folds_ascii_letters_only() -> None:
    assert db.email_key("  Ünïcode.ABC@Example.COM ") == "Ünïcode.abc@example.com"
    assert db.email_key("STRASSE@x.de") != db.email_key("STRAßE@x.de")
    assert db.email_key("\u212aate@x.de") == "\u212aate@x.de"
