"""One identity per request: every part of the extension reads it, under one error rule."""

from __future__ import annotations

import logging
import typing as t

import pytest
from conftest import AppFactory
from flask import Flask, render_template_string
from helpers import CLIENT_SECRET, SECRET_KEY, USERS, check_payload, payload_in

from flask_ecwid_sso import EcwidSSO, Profile
from flask_ecwid_sso.signals import payload_failed


class LoaderBroke(Exception):
    pass


def _raise(*args: object) -> t.NoReturn:
    raise LoaderBroke("the user table is locked")


def _broken_sso(which: str) -> EcwidSSO:
    sso = EcwidSSO()
    {
        "current_user": sso.current_user_loader,
        "user_id": sso.user_id_loader,
        "profile": sso.profile_loader,
    }[which](_raise)
    return sso


LOADERS = ["current_user", "user_id", "profile"]


def _logged_in_client(app: Flask) -> t.Any:
    client = app.test_client()
    client.get("/login-as/1")
    return client


@pytest.mark.parametrize("which", LOADERS)
def test_a_raising_loader_gives_an_anonymous_store_page(
    make_app: AppFactory, which: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(sso=_broken_sso(which), PROPAGATE_EXCEPTIONS=False)
    failures: list[Exception] = []
    payload_failed.connect(lambda sender, error: failures.append(error), app, weak=False)
    with caplog.at_level(logging.ERROR, "flask_ecwid_sso"):
        response = _logged_in_client(app).get("/store")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert payload_in(html) == ""
    assert '"state":"anonymous"' in html
    assert '"signOutUrl":null' in html
    assert caplog.text.count("treating the shopper as logged out") == 1
    assert [type(error) for error in failures] == [LoaderBroke]


@pytest.mark.parametrize("which", LOADERS)
def test_a_raising_loader_gives_an_empty_profile_answer(make_app: AppFactory, which: str) -> None:
    app = make_app(sso=_broken_sso(which), PROPAGATE_EXCEPTIONS=False)
    response = _logged_in_client(app).get("/ecwid-sso/profile")
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["profile"] == ""
    assert response.json["signOutUrl"] is None


@pytest.mark.parametrize("which", LOADERS)
def test_a_raising_loader_does_not_crash_sign_out_or_sign_in(
    make_app: AppFactory, which: str
) -> None:
    app = make_app(sso=_broken_sso(which), PROPAGATE_EXCEPTIONS=False)
    client = _logged_in_client(app)
    sign_out = client.get("/ecwid-sso/sign-out?token=anything&next=/store")
    assert sign_out.status_code == 302
    assert sign_out.headers["Location"].endswith("/store")
    sign_in = client.get("/ecwid-sso/sign-in?next=/store")
    assert sign_in.status_code == 302
    assert "/login" in sign_in.headers["Location"]


@pytest.mark.parametrize("which", LOADERS)
@pytest.mark.parametrize("path", ["/store", "/ecwid-sso/profile", "/ecwid-sso/sign-out"])
def test_a_raising_loader_surfaces_when_exceptions_propagate(
    make_app: AppFactory, which: str, path: str
) -> None:
    app = make_app(sso=_broken_sso(which), PROPAGATE_EXCEPTIONS=True)
    with pytest.raises(LoaderBroke):
        _logged_in_client(app).get(path)


def test_loaders_run_once_per_request_however_many_parts_read_them(
    make_app: AppFactory,
) -> None:
    calls = {"current_user": 0, "user_id": 0, "profile": 0}
    sso = EcwidSSO()

    @sso.current_user_loader
    def current_user() -> t.Any:
        calls["current_user"] += 1
        return USERS[1]

    @sso.user_id_loader
    def user_id(user: t.Any) -> str:
        calls["user_id"] += 1
        return f"site-{user.id}"

    @sso.profile_loader
    def profile(user: t.Any) -> Profile:
        calls["profile"] += 1
        return Profile(email=user.email)

    app = make_app(sso=sso)
    app.add_url_rule(
        "/everything",
        "everything",
        lambda: render_template_string(
            "{{ ecwid_sso_script() }}{{ ecwid_widget('store') }}{{ ecwid_widget('cart') }}"
        ),
    )
    html = app.test_client().get("/everything").get_data(as_text=True)
    assert check_payload(payload_in(html))["userId"] == "site-1"
    assert '"signOutUrl":"/ecwid-sso/sign-out?token=' in html
    assert calls == {"current_user": 1, "user_id": 1, "profile": 1}


def test_a_site_user_kept_out_of_the_store_still_gets_a_sign_out_link(
    make_app: AppFactory,
) -> None:
    sso = EcwidSSO()
    sso.profile_loader(lambda user: None)
    app = make_app(sso=sso)
    answer = _logged_in_client(app).get("/ecwid-sso/profile").json
    assert answer is not None
    assert answer["profile"] == ""
    assert answer["state"] == "anonymous"
    assert answer["signOutUrl"] is not None
    assert CLIENT_SECRET not in str(answer)


def test_a_loader_error_quoting_a_secret_is_logged_redacted(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sso = EcwidSSO()

    @sso.profile_loader
    def leaky(user: t.Any) -> Profile:
        raise RuntimeError(f"cannot use {CLIENT_SECRET} or {SECRET_KEY}")

    app = make_app(sso=sso, PROPAGATE_EXCEPTIONS=False)
    with caplog.at_level(logging.ERROR, "flask_ecwid_sso"):
        _logged_in_client(app).get("/store")
    assert "treating the shopper as logged out" in caplog.text
    assert CLIENT_SECRET not in caplog.text
    assert SECRET_KEY not in caplog.text


def test_the_host_header_reaches_no_url_of_an_anonymous_page(make_app: AppFactory) -> None:
    app = make_app(SERVER_NAME=None)
    html = app.test_client().get("/store", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in html
    assert '"signInUrl":"/ecwid-sso/sign-in"' in html
