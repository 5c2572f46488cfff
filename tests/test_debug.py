from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterator

import pytest
from conftest import AppFactory
from flask import Flask
from flask.testing import FlaskClient
from helpers import CLIENT_SECRET

from flask_ecwid_sso import EcwidAuthError, EcwidSSO, ProfileError
from flask_ecwid_sso.testing import FakeEcwid

DebugApp = Callable[..., Flask]


@pytest.fixture
def make_debug_app(make_app: AppFactory, fake_ecwid: FakeEcwid) -> Iterator[DebugApp]:
    """Apps in debug mode, on the served FakeEcwid."""
    apps: list[Flask] = []

    def factory(*, debug: bool = True, **config: t.Any) -> Flask:
        app = make_app(
            **{"ECWID_API_URL": fake_ecwid.api_url, "ECWID_API_TOKEN": fake_ecwid.api_token}
            | config
        )
        app.debug = debug
        apps.append(app)
        return app

    yield factory
    for app in apps:
        if EcwidSSO.state(app).settings.api_token:
            EcwidSSO.state(app).client.close()


def page(client: FlaskClient) -> str:
    response = client.get("/ecwid-sso/debug")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    text = response.get_data(as_text=True)
    assert CLIENT_SECRET not in text
    assert "secret_fake" not in text
    return text


def logged_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.get("/login-as/1")
    return client


def test_no_debug_page_outside_debug_mode(make_debug_app: DebugApp) -> None:
    app = make_debug_app(debug=False)
    assert logged_in(app).get("/ecwid-sso/debug").status_code == 404


def test_debug_page_inspects_the_shoppers_payload(make_debug_app: DebugApp) -> None:
    text = page(logged_in(make_debug_app()))
    assert "Ecwid would accept it" in text
    assert "matches ECWID_CLIENT_SECRET under SHA-256" in text
    assert "alice@example.com" in text


def test_debug_page_shows_secrets_only_as_set_or_missing(make_debug_app: DebugApp) -> None:
    text = page(make_debug_app().test_client())
    assert "<tr><th>ECWID_CLIENT_SECRET</th><td><code>set</code></td></tr>" in text
    assert "<tr><th>ECWID_API_TOKEN</th><td><code>set</code></td></tr>" in text
    assert "<tr><th>ECWID_SSO_SECRET</th><td><code>missing</code></td></tr>" in text


def test_debug_page_for_nobody(make_debug_app: DebugApp) -> None:
    assert "Nobody is logged in" in page(make_debug_app().test_client())


def test_debug_page_shows_config_problems(make_debug_app: DebugApp) -> None:
    text = page(
        make_debug_app(ECWID_CLIENT_SECRET="secret_0123456789abcdef0123456789").test_client()
    )
    assert "ECWID_CLIENT_SECRET holds a REST token" in text


def test_debug_page_shows_a_failing_profile_loader(make_debug_app: DebugApp) -> None:
    sso = EcwidSSO()

    @sso.profile_loader
    def broken(user: object) -> None:
        raise ProfileError("no email for this user", field="email")

    app = make_debug_app(sso=sso)
    text = page(logged_in(app))
    assert "ProfileError: no email for this user" in text


def test_debug_page_lists_recent_api_answers(
    make_debug_app: DebugApp, fake_ecwid: FakeEcwid
) -> None:
    app = make_debug_app(ECWID_API_MAX_RETRIES=0)
    fake_ecwid.fail_next(403)
    with app.app_context():
        client = EcwidSSO.state(app).client
        with pytest.raises(EcwidAuthError):
            client.find_customer_by_email("ann@example.com")
    text = page(app.test_client())
    assert "GET customers" in text
    assert "403 INVALID_API_TOKEN" in text
    assert "ann@example.com" not in text


def test_debug_page_without_a_token_says_so(make_debug_app: DebugApp) -> None:
    text = page(make_debug_app(ECWID_API_TOKEN=None).test_client())
    assert "no <code>ECWID_API_TOKEN</code>" in text
