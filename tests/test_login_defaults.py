"""The callbacks' defaults: what they read from a user, and what they say when they cannot."""

from __future__ import annotations

import types
import urllib.parse

import pytest
from conftest import AppFactory
from flask import Flask

from flask_ecwid_sso import ConfigError, Person, Profile, ProfileError, login_defaults


def test_without_a_login_manager_nobody_is_logged_in() -> None:
    with Flask(__name__).test_request_context():
        assert login_defaults.current_user() is None


def test_the_profile_takes_first_and_last_name_when_there_is_no_name() -> None:
    user = types.SimpleNamespace(email="ann@example.com", first_name="Ann", last_name=None)
    assert login_defaults.profile(user) == Profile(
        email="ann@example.com", billing_person=Person(name="Ann")
    )


def test_a_user_without_a_name_gets_no_billing_person() -> None:
    user = types.SimpleNamespace(email="ann@example.com")
    assert login_defaults.profile(user) == Profile(email="ann@example.com")


def test_a_user_without_an_email_says_to_register_a_profile_loader() -> None:
    with pytest.raises(ProfileError, match=r"@sso\.profile_loader") as caught:
        login_defaults.profile(types.SimpleNamespace(name="Ann"))
    assert caught.value.field == "email"


def test_the_user_id_falls_back_to_get_id() -> None:
    user = types.SimpleNamespace(get_id=lambda: "u-7")
    assert login_defaults.user_id(user) == "u-7"


def test_a_user_without_any_id_says_to_register_a_user_id_loader() -> None:
    with pytest.raises(ProfileError, match=r"@sso\.user_id_loader") as caught:
        login_defaults.user_id(types.SimpleNamespace(get_id=lambda: None))
    assert caught.value.field == "userId"


def test_without_flask_login_the_default_logout_says_what_to_register(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(login_defaults, "flask_login", None)
    with pytest.raises(ConfigError, match=r"@sso\.logout_handler"):
        login_defaults.logout()
    with Flask(__name__).test_request_context():
        assert login_defaults.current_user() is None


def test_without_a_login_endpoint_sign_in_names_the_setting(make_app: AppFactory) -> None:
    app = make_app()
    app.login_manager.login_view = None  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="ECWID_LOGIN_ENDPOINT") as caught:
        app.test_client().get("/ecwid-sso/sign-in")
    assert caught.value.key == "ECWID_LOGIN_ENDPOINT"


def test_webhooks_without_a_client_secret_are_not_served(make_app: AppFactory) -> None:
    app = make_app(ECWID_SSO_ENABLED=False, ECWID_CLIENT_SECRET=None)
    response = app.test_client().post("/ecwid-sso/webhooks", json={})
    assert response.status_code == 404
    assert response.get_json() == {"error": "webhooks need ECWID_CLIENT_SECRET"}


def test_allowed_hosts_may_come_from_the_environment_as_one_string(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASK_ECWID_ALLOWED_HOSTS", "blog.shop.test, help.shop.test")
    environment = Flask(__name__).config
    environment.from_prefixed_env()
    app = make_app(ECWID_ALLOWED_HOSTS=environment["ECWID_ALLOWED_HOSTS"])
    client = app.test_client()
    for host in ("blog.shop.test", "help.shop.test", "evil.test"):
        answer = client.get("/ecwid-sso/sign-in", query_string={"next": f"https://{host}/post"})
        kept = urllib.parse.parse_qs(urllib.parse.urlsplit(answer.headers["Location"]).query)
        expected = "/" if host == "evil.test" else f"https://{host}/post"
        assert kept["next"] == [expected]
