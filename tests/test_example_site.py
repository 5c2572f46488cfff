from __future__ import annotations

import time
import typing as t
import uuid
from pathlib import Path

import pytest
import requests
from conftest import Shop
from flask import Flask
from flask.testing import FlaskClient
from helpers import check_payload, payload_in

from example_site import create_app
from flask_ecwid_sso.webhooks import sign_webhook


@pytest.fixture
def site(tmp_path: Path) -> Flask:
    return create_app({"DATABASE": str(tmp_path / "shop.sqlite3"), "WTF_CSRF_ENABLED": False})


def log_in(
    client: FlaskClient,
    email: str = "alice@example.com",
    password: str = "wonderland",
    next: str = "/store/",
) -> t.Any:
    return client.post("/login", data={"email": email, "password": password, "next": next})


def test_demo_users_can_log_in_and_the_store_carries_their_payload(site: Flask) -> None:
    client = site.test_client()
    assert log_in(client).location == "/store/"
    document = check_payload(
        payload_in(client.get("/store/").get_data(as_text=True)),
        secret=site.config["ECWID_CLIENT_SECRET"],
    )
    assert document["profile"]["email"] == "alice@example.com"
    assert document["profile"]["billingPerson"] == {"name": "Alice Liddell"}


def test_a_wrong_password_is_refused(site: Flask) -> None:
    client = site.test_client()
    response = log_in(client, password="rabbit-hole")
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)
    assert payload_in(client.get("/store/").get_data(as_text=True)) == ""


@pytest.mark.parametrize("target", ["https://evil.test/", "//evil.test", "/\\evil.test"])
def test_login_never_follows_a_hostile_next(site: Flask, target: str) -> None:
    assert log_in(site.test_client(), next=target).location == "/store/"


def test_every_page_carries_the_sso_script(site: Flask) -> None:
    client = site.test_client()
    for path in ("/", "/store/", "/login", "/register"):
        assert "window.ecwid_sso_profile" in client.get(path).get_data(as_text=True), path


def test_register_creates_an_account_and_logs_in(site: Flask) -> None:
    client = site.test_client()
    response = client.post(
        "/register",
        data={"name": "Cara Diaz", "email": "cara@example.com", "password": "s3cret-pw"},
    )
    assert response.location == "/store/"
    payload = payload_in(client.get("/store/").get_data(as_text=True))
    assert (
        check_payload(payload, secret=site.config["ECWID_CLIENT_SECRET"])["profile"]["email"]
        == "cara@example.com"
    )
    again = site.test_client().post(
        "/register", data={"name": "C", "email": "CARA@example.com", "password": "s3cret-pw"}
    )
    assert "already an account" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "X", "email": "not-an-email", "password": "long-enough"}, "email"),
        ({"name": "", "email": "x@example.com", "password": "long-enough"}, "name"),
        ({"name": "X", "email": "x@example.com", "password": "short"}, "8 characters"),
    ],
)
def test_register_explains_what_is_wrong(site: Flask, form: dict[str, str], message: str) -> None:
    response = site.test_client().post("/register", data=form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_logout_is_a_post_protected_by_csrf(tmp_path: Path) -> None:
    site = create_app({"DATABASE": str(tmp_path / "shop.sqlite3")})
    client = site.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post(
        "/login", data={"email": "alice@example.com", "password": "wonderland", "csrf_token": token}
    )
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    store = client.get("/store/").get_data(as_text=True)
    assert payload_in(store) != ""
    # Login renews the session: the logout form carries the new session's token.
    token = store.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert payload_in(client.get("/store/").get_data(as_text=True)) == ""


def test_account_needs_a_login(site: Flask) -> None:
    assert site.test_client().get("/account").location.startswith("/login?next=")


def log_in_over_http(browser: requests.Session, shop: Shop) -> None:
    page = browser.get(f"{shop.url}/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    browser.post(
        f"{shop.url}/login",
        data={"email": "alice@example.com", "password": "wonderland", "csrf_token": token},
    )


def test_account_shows_the_customer_found_through_the_rest_api(shop: Shop) -> None:
    with requests.Session() as browser:
        log_in_over_http(browser, shop)
        before = browser.get(f"{shop.url}/account").text
        assert "no customer record for you yet" in before
        created = shop.fake.add_customer({"email": "alice@example.com", "name": "Alice Liddell"})
        event = {
            "eventId": str(uuid.uuid4()),
            "eventCreated": int(time.time()),
            "storeId": shop.fake.store_id,
            "entityId": created["id"],
            "eventType": "customer.created",
            "data": {"customerEmail": "alice@example.com"},
        }
        signature = sign_webhook(
            event["eventCreated"], event["eventId"], shop.app.config["ECWID_CLIENT_SECRET"]
        )
        answer = browser.post(
            f"{shop.url}/ecwid-sso/webhooks",
            json=event,
            headers={"X-Ecwid-Webhook-Signature": signature},
        )
        assert answer.json() == {"status": "ok", "handlers": 0}
        after = browser.get(f"{shop.url}/account").text
    assert "Customer number" in after
    assert "alice@example.com" in after


def test_account_explains_an_unreachable_store(shop: Shop) -> None:
    shop.fake.fail_next(503, times=5)
    with requests.Session() as browser:
        log_in_over_http(browser, shop)
        response = browser.get(f"{shop.url}/account")
    assert response.status_code == 200
    assert "cannot be reached just now" in response.text
    assert "Traceback" not in response.text
