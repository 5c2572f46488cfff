from __future__ import annotations

import logging
import typing as t

import pytest
from conftest import AppFactory
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from helpers import CLIENT_SECRET

from flask_ecwid_sso import EcwidAuthError, EcwidSSO, ProfileError
from flask_ecwid_sso.state import app_state
from flask_ecwid_sso.testing import FakeEcwid


@pytest.fixture
def make_debug_app(make_api_app: AppFactory) -> AppFactory:
    """Apps in debug mode (unless ``debug=False``), on the served FakeEcwid."""

    def factory(*, debug: bool = True, **config: t.Any) -> Flask:
        app = make_api_app(**config)
        app.debug = debug
        return app

    return factory


@pytest.fixture
def app(make_debug_app: AppFactory) -> Flask:
    return make_debug_app()


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


def test_no_debug_page_outside_debug_mode(make_debug_app: AppFactory) -> None:
    app = make_debug_app(debug=False)
    assert logged_in(app).get("/ecwid-sso/debug").status_code == 404


def test_debug_page_inspects_the_shoppers_payload(app: Flask) -> None:
    text = page(logged_in(app))
    assert "Ecwid would accept it" in text
    assert "matches ECWID_CLIENT_SECRET under SHA-256" in text
    assert "alice@example.com" in text


def test_debug_page_shows_secrets_only_as_set_or_missing(client: FlaskClient) -> None:
    text = page(client)
    assert "<tr><th>ECWID_CLIENT_SECRET</th><td><code>set</code></td></tr>" in text
    assert "<tr><th>ECWID_API_TOKEN</th><td><code>set</code></td></tr>" in text
    assert "<tr><th>ECWID_SSO_SECRET</th><td><code>missing</code></td></tr>" in text


def test_debug_page_for_nobody(client: FlaskClient) -> None:
    assert "Nobody is logged in" in page(client)


def test_debug_page_shows_config_problems(make_debug_app: AppFactory) -> None:
    text = page(make_debug_app(ECWID_API_TOKEN="public_0123456789").test_client())
    assert "ECWID_API_TOKEN is a public_ token" in text


def test_debug_page_shows_a_failing_profile_loader(make_debug_app: AppFactory) -> None:
    sso = EcwidSSO()

    @sso.profile_loader
    def broken(user: object) -> None:
        raise ProfileError("no email for this user", field="email")

    app = make_debug_app(sso=sso)
    text = page(logged_in(app))
    assert "ProfileError: no email for this user" in text


def test_debug_page_lists_recent_api_answers(
    make_debug_app: AppFactory, fake_ecwid: FakeEcwid
) -> None:
    app = make_debug_app(ECWID_API_MAX_RETRIES=0)
    fake_ecwid.fail_next(403)
    with app.app_context():
        client = app_state(app).client
        with pytest.raises(EcwidAuthError):
            client.find_customer_by_email("ann@example.com")
    text = page(app.test_client())
    assert "GET customers" in text
    assert "403 INVALID_API_TOKEN" in text
    assert "ann@example.com" not in text


def test_debug_page_without_a_token_says_so(make_debug_app: AppFactory) -> None:
    text = page(make_debug_app(ECWID_API_TOKEN=None).test_client())
    assert "no <code>ECWID_API_TOKEN</code>" in text


def test_a_second_store_widget_is_a_warning_named_on_the_debug_page(
    make_debug_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_debug_app()
    app.add_url_rule(
        "/twice",
        "twice",
        lambda: render_template_string("{{ ecwid_widget('store') }}{{ ecwid_widget('store') }}"),
    )
    client = app.test_client()
    with caplog.at_level(logging.WARNING, "flask_ecwid_sso"):
        client.get("/twice")
        client.get("/store")
    assert caplog.text.count("second widget") == 1
    assert "/twice renders a second widget into #my-store-1003" in caplog.text
    assert "/twice renders a second widget into #my-store-1003" in page(client)


def test_cart_icons_may_repeat(
    make_debug_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_debug_app()
    app.add_url_rule(
        "/carts",
        "carts",
        lambda: render_template_string("{{ ecwid_widget('cart') }}{{ ecwid_widget('cart') }}"),
    )
    with caplog.at_level(logging.WARNING, "flask_ecwid_sso"):
        app.test_client().get("/carts")
    assert "second widget" not in caplog.text
