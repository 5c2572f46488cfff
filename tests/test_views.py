from __future__ import annotations

import hashlib
import io
import json
import logging
import time
import typing as t
import urllib.parse
import uuid

import pytest
from conftest import AppFactory
from flask import Flask, session
from flask.testing import FlaskClient
from helpers import CLIENT_SECRET, STORE_ID, USERS, check_payload
from itsdangerous import URLSafeTimedSerializer

from flask_ecwid_sso import EcwidSSO, WebhookEvent, is_safe_redirect
from flask_ecwid_sso.tokens import user_marker
from flask_ecwid_sso.webhooks import sign_webhook

HOSTILE_TARGETS = [
    "https://evil.test/",
    "http://evil.test/store",
    "//evil.test",
    "///evil.test",
    "/\\evil.test",
    "\\\\evil.test",
    "\\/evil.test",
    "/\t/evil.test",
    "/\n/evil.test",
    "/%09/evil.test",
    "/%2F%2Fevil.test",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://shop.test/",
    "http://shop.test@evil.test/",
    "http://evil.test@shop.test/",
    "http://shop.test.evil.test/",
    "http://evilshop.test/",
    "http://shop.test./",
    "https:evil.test",
    "http:/evil.test",
    " /store",
    "/store ",
    "http://shop.test:8080/",
    "\x00/store",
    "/store\r\nSet-Cookie: x=1",
    "x" * 3000,
]
GOOD_TARGETS = [
    "/store",
    "/store?category=5#!/p/1",
    "http://shop.test/store",
    "https://shop.test/account",
    "/caf%C3%A9",
]


def logged_in(app: Flask, user_id: int = 1) -> FlaskClient:
    client = app.test_client()
    client.get(f"/login-as/{user_id}")
    return client


def is_logged_in(client: FlaskClient) -> bool:
    return bool(client.get("/ecwid-sso/profile").get_json()["profile"])


# -- /profile -----------------------------------------------------------------


def test_profile_for_a_logged_in_shopper(app: Flask) -> None:
    response = logged_in(app).get("/ecwid-sso/profile")
    data = response.get_json()
    assert check_payload(data["profile"])["userId"] == "1"
    # Paths: the browser makes them absolute with its own origin, never from the Host header.
    assert data["signInUrl"] == "/ecwid-sso/sign-in"
    assert data["signOutUrl"].startswith("/ecwid-sso/sign-out?token=")
    assert response.cache_control.no_store
    assert response.cache_control.private
    assert "Cookie" in response.vary


def test_profile_for_nobody(app: Flask) -> None:
    response = app.test_client().get("/ecwid-sso/profile")
    data = response.get_json()
    assert data["profile"] == ""
    assert data["signOutUrl"] is None
    assert data["state"] == "anonymous"
    assert response.cache_control.no_store


def test_login_state_marker_changes_with_the_user_and_hides_the_id(app: Flask) -> None:
    alice = logged_in(app, 1).get("/ecwid-sso/profile").get_json()["state"]
    bob = logged_in(app, 2).get("/ecwid-sso/profile").get_json()["state"]
    assert len({alice, bob, "anonymous"}) == 3
    assert alice == logged_in(app, 1).get("/ecwid-sso/profile").get_json()["state"]
    assert alice != "1"


def test_url_prefix_moves_the_blueprint(make_app: AppFactory) -> None:
    app = make_app(ECWID_URL_PREFIX="/shop/sso")
    assert app.test_client().get("/shop/sso/profile").status_code == 200
    assert app.test_client().get("/ecwid-sso/profile").status_code == 404


# -- /sign-in -----------------------------------------------------------------


def test_sign_in_sends_a_visitor_to_login_with_next(app: Flask) -> None:
    response = app.test_client().get("/ecwid-sso/sign-in?next=/store%3Fcategory%3D5")
    assert response.status_code == 302
    assert response.location == "/login?next=/store?category%3D5"


def test_sign_in_falls_back_to_referer_then_store_endpoint_then_root(
    make_app: AppFactory,
) -> None:
    app = make_app()
    client = app.test_client()
    response = client.get("/ecwid-sso/sign-in", headers={"Referer": "http://shop.test/store?c=1"})
    assert response.location == "/login?next=/store?c%3D1"
    # A Referer is the client's word: only its path and query are kept, never its host.
    evil = client.get("/ecwid-sso/sign-in", headers={"Referer": "http://evil.test/store"})
    assert evil.location == "/login?next=/store"
    assert client.get("/ecwid-sso/sign-in").location == "/login?next=/"
    with_store = make_app(ECWID_STORE_ENDPOINT="store").test_client()
    assert with_store.get("/ecwid-sso/sign-in?next=//evil.test").location == ("/login?next=/store")


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_sign_in_never_returns_to_a_hostile_target(app: Flask, target: str) -> None:
    client = app.test_client()
    response = client.get("/ecwid-sso/sign-in", query_string={"next": target})
    assert response.location == "/login?next=/"
    if "\n" not in target:  # HTTP headers cannot carry a newline at all
        response = client.get("/ecwid-sso/sign-in", headers={"Referer": target})
        kept = urllib.parse.parse_qs(urllib.parse.urlsplit(response.location).query)["next"][0]
        # Only the Referer's path and query survive, and only when they are a safe path.
        assert is_safe_redirect(kept)
        assert kept.startswith("/")
        assert not kept.startswith("//")
    bounced = logged_in(app).get("/ecwid-sso/sign-in", query_string={"next": target})
    assert bounced.location == "/"


@pytest.mark.parametrize("target", GOOD_TARGETS)
def test_sign_in_keeps_a_good_target(app: Flask, target: str) -> None:
    response = logged_in(app).get("/ecwid-sso/sign-in", query_string={"next": target})
    assert response.location == target


def test_allowed_hosts_extend_the_site(make_app: AppFactory) -> None:
    app = make_app(ECWID_ALLOWED_HOSTS=["blog.shop.test"])
    response = logged_in(app).get("/ecwid-sso/sign-in?next=https://blog.shop.test/post")
    assert response.location == "https://blog.shop.test/post"


def test_login_endpoint_setting_wins_over_flask_login(make_app: AppFactory) -> None:
    app = make_app(ECWID_LOGIN_ENDPOINT="plain")
    assert app.test_client().get("/ecwid-sso/sign-in").location == "/plain?next=/"


def test_login_view_is_read_at_request_time(make_app: AppFactory) -> None:
    app = make_app()
    app.login_manager.login_view = "plain"  # type: ignore[attr-defined]
    assert app.test_client().get("/ecwid-sso/sign-in").location == "/plain?next=/"


def test_a_second_sign_in_request_shows_why_instead_of_looping(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = logged_in(app)
    assert client.get("/ecwid-sso/sign-in?next=/store").location == "/store"
    with caplog.at_level(logging.WARNING, "flask_ecwid_sso"):
        response = client.get("/ecwid-sso/sign-in?next=/store")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "did not accept" in page
    assert "flask ecwid doctor" in page
    assert 'href="/store"' in page
    assert "refused" in caplog.text
    assert client.get("/ecwid-sso/sign-in?next=/store").location == "/store"


# -- /sign-out ----------------------------------------------------------------


def sign_out_url(client: FlaskClient) -> str:
    url: str = client.get("/ecwid-sso/profile").get_json()["signOutUrl"]
    return url


def test_sign_out_with_a_valid_token_logs_out_and_returns(app: Flask) -> None:
    client = logged_in(app)
    response = client.get(sign_out_url(client) + "&next=/store")
    assert response.status_code == 302
    assert response.location == "/store"
    assert not is_logged_in(client)


def test_sign_out_runs_the_logout_handler(make_app: AppFactory) -> None:
    sso = EcwidSSO()
    calls: list[str] = []

    @sso.logout_handler
    def log_out() -> None:
        import flask_login

        calls.append(flask_login.current_user.email)
        flask_login.logout_user()

    app = make_app(sso=sso)
    client = logged_in(app)
    client.get(sign_out_url(client))
    assert calls == ["alice@example.com"]


def forged_token() -> str:
    return URLSafeTimedSerializer("another-key", salt="flask-ecwid-sso.sign-out").dumps(["x", "y"])


@pytest.mark.parametrize(
    "query",
    ["", "?token=", "?token=garbage", "?token=" + forged_token(), "?token=a.b.c"],
)
def test_sign_out_without_a_valid_token_logs_nobody_out(app: Flask, query: str) -> None:
    client = logged_in(app)
    response = client.get("/ecwid-sso/sign-out" + query)
    assert response.status_code == 200
    assert "Sign out of the site and the store?" in response.get_data(as_text=True)
    assert response.cache_control.no_store
    assert is_logged_in(client)


def test_another_users_token_logs_nobody_out(app: Flask) -> None:
    bob = logged_in(app, 2)
    bobs_url = sign_out_url(bob)
    alice = logged_in(app, 1)
    assert alice.get(bobs_url).status_code == 200
    assert is_logged_in(alice)
    assert is_logged_in(bob)


def test_a_token_from_an_earlier_session_is_void(app: Flask) -> None:
    client = logged_in(app)
    old = sign_out_url(client)
    client.get(sign_out_url(client))
    client.get("/login-as/1")
    assert client.get(old).status_code == 200
    assert is_logged_in(client)


def test_an_expired_token_logs_nobody_out(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = logged_in(app)
    url = sign_out_url(client)
    later = time.time() + 3 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(url).status_code == 200
    assert is_logged_in(client)


def test_the_sign_out_link_does_not_reveal_the_user_id(app: Flask) -> None:
    token = sign_out_url(logged_in(app)).split("token=")[1]
    _, (_nonce, marker) = URLSafeTimedSerializer("x").loads_unsafe(token)
    assert marker != hashlib.sha256(b"1").hexdigest()[:16]
    other = Flask(__name__)
    other.secret_key = "another-key"
    with app.app_context():
        ours = user_marker("1")
    with other.app_context():
        assert user_marker("1") != ours
    assert marker == ours


def test_the_confirmation_form_logs_out(app: Flask) -> None:
    client = logged_in(app)
    page = client.get("/ecwid-sso/sign-out?next=/store").get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    assert 'name="next" value="/store"' in page
    response = client.post("/ecwid-sso/sign-out", data={"token": token, "next": "/store"})
    assert response.location == "/store"
    assert not is_logged_in(client)


def test_the_form_with_a_bad_token_asks_again(app: Flask) -> None:
    client = logged_in(app)
    response = client.post("/ecwid-sso/sign-out", data={"token": forged_token()})
    assert response.status_code == 400
    assert is_logged_in(client)


def test_sign_out_for_nobody_just_returns(app: Flask) -> None:
    response = app.test_client().get("/ecwid-sso/sign-out?next=/store")
    assert response.location == "/store"


# -- /webhooks ----------------------------------------------------------------


def event_body(event_type: str = "customer.updated", **overrides: t.Any) -> dict[str, t.Any]:
    body = {
        "eventId": str(uuid.uuid4()),
        "eventCreated": int(time.time()),
        "storeId": STORE_ID,
        "entityId": 42,
        "eventType": event_type,
        "data": {"customerEmail": "alice@example.com"},
    }
    body.update(overrides)
    return body


def deliver(
    client: FlaskClient, body: dict[str, t.Any] | bytes, signature: str | None = "auto"
) -> t.Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {}
    if signature == "auto" and isinstance(body, dict):
        signature = sign_webhook(body["eventCreated"], body["eventId"], CLIENT_SECRET)
    if signature is not None:
        headers["X-Ecwid-Webhook-Signature"] = signature
    return client.post(
        "/ecwid-sso/webhooks", data=raw, headers=headers, content_type="application/json"
    )


@pytest.fixture
def received(make_app: AppFactory) -> tuple[Flask, dict[str, list[WebhookEvent]]]:
    sso = EcwidSSO()
    seen: dict[str, list[WebhookEvent]] = {"updated": [], "orders": [], "all": []}
    sso.on_webhook("customer.updated")(seen["updated"].append)
    sso.on_webhook("order.created", "order.updated")(seen["orders"].append)
    sso.on_webhook()(seen["all"].append)
    return make_app(sso=sso), seen


def test_a_signed_webhook_reaches_its_handlers_once(
    received: tuple[Flask, dict[str, list[WebhookEvent]]],
) -> None:
    app, seen = received
    body = event_body()
    response = deliver(app.test_client(), body)
    assert response.status_code == 200
    assert [event.event_id for event in seen["updated"]] == [body["eventId"]]
    assert seen["updated"][0].customer_email == "alice@example.com"
    assert seen["orders"] == []
    assert len(seen["all"]) == 1
    assert deliver(app.test_client(), event_body("order.updated")).status_code == 200
    assert len(seen["orders"]) == 1
    assert len(seen["all"]) == 2


def test_a_repeated_delivery_is_acknowledged_but_not_dispatched(
    received: tuple[Flask, dict[str, list[WebhookEvent]]],
) -> None:
    app, seen = received
    body = event_body()
    assert deliver(app.test_client(), body).status_code == 200
    again = deliver(app.test_client(), body)
    assert again.status_code == 200
    assert again.get_json()["status"] == "duplicate"
    assert len(seen["all"]) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "not base64",
        sign_webhook(1, "other-event", CLIENT_SECRET),
        sign_webhook(1_700_000_000, "x", "wrong-secret"),
    ],
)
def test_unsigned_or_wrongly_signed_webhooks_get_401(
    received: tuple[Flask, dict[str, list[WebhookEvent]]], signature: str | None
) -> None:
    app, seen = received
    response = deliver(app.test_client(), event_body(), signature)
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid or missing signature"}
    assert seen["all"] == []


@pytest.mark.parametrize(
    "overrides",
    [{"eventType": 5}, {"storeId": "abc"}, {"data": [1, 2]}, {"entityId": None}],
)
def test_signed_but_malformed_webhooks_get_400(
    received: tuple[Flask, dict[str, list[WebhookEvent]]], overrides: dict[str, t.Any]
) -> None:
    app, seen = received
    response = deliver(app.test_client(), event_body(**overrides))
    assert response.status_code == 400
    assert seen["all"] == []


def test_a_failing_handler_is_logged_and_still_answers_200(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sso = EcwidSSO()
    later: list[WebhookEvent] = []

    @sso.on_webhook("customer.updated")
    def explode(event: WebhookEvent) -> None:
        raise RuntimeError("handler bug")

    sso.on_webhook("customer.updated")(later.append)
    app = make_app(sso=sso)
    with caplog.at_level(logging.ERROR, "flask_ecwid_sso"):
        response = deliver(app.test_client(), event_body())
    assert response.status_code == 200
    assert "handler bug" in caplog.text
    assert len(later) == 1


def test_webhooks_for_another_store_are_not_dispatched(
    received: tuple[Flask, dict[str, list[WebhookEvent]]],
) -> None:
    app, seen = received
    response = deliver(app.test_client(), event_body(storeId=STORE_ID + 1))
    assert response.status_code == 200
    assert seen["all"] == []


def test_an_oversized_webhook_is_refused_unread_even_when_chunked(
    received: tuple[Flask, dict[str, list[WebhookEvent]]],
) -> None:
    app, seen = received
    body = event_body()
    body["data"] = {"padding": "x" * 100_000}
    signature = sign_webhook(body["eventCreated"], body["eventId"], CLIENT_SECRET)
    response = app.test_client().post(
        "/ecwid-sso/webhooks",
        input_stream=io.BytesIO(json.dumps(body).encode()),
        headers={"X-Ecwid-Webhook-Signature": signature, "Transfer-Encoding": "chunked"},
        content_type="application/json",
        # What a server sets for a chunked body: no Content-Length, read to the end.
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert seen["all"] == []


def test_the_webhook_route_is_exempt_from_flask_wtf_csrf(make_app: AppFactory) -> None:
    from flask_wtf import CSRFProtect

    app = make_app(WTF_CSRF_ENABLED=True)
    CSRFProtect(app)
    app.config["TESTING"] = False

    @app.post("/form")
    def form() -> str:
        return "posted"

    client = app.test_client()
    assert client.post("/form").status_code == 400
    assert deliver(client, event_body()).status_code == 200


@pytest.mark.parametrize(
    ("created", "reason"),
    [(-400 * 86400, "hours ago"), (-25 * 3600 - 60, "hours ago"), (+600, "in the future")],
)
def test_an_event_outside_ecwids_retry_window_is_refused(
    received: tuple[Flask, dict[str, list[WebhookEvent]]], created: int, reason: str
) -> None:
    app, seen = received
    response = deliver(app.test_client(), event_body(eventCreated=int(time.time()) + created))
    assert response.status_code == 400
    assert reason in response.get_json()["error"]
    assert seen["all"] == []


def test_a_retry_a_day_later_is_still_accepted(
    received: tuple[Flask, dict[str, list[WebhookEvent]]],
) -> None:
    app, seen = received
    response = deliver(app.test_client(), event_body(eventCreated=int(time.time()) - 23 * 3600))
    assert response.get_json()["status"] == "ok"
    assert len(seen["all"]) == 1


def test_a_captured_signature_with_a_rewritten_body_is_not_dispatched_again(
    received: tuple[Flask, dict[str, list[WebhookEvent]]],
) -> None:
    app, seen = received
    original = event_body()
    assert deliver(app.test_client(), original).get_json()["status"] == "ok"
    rewritten = {
        **original,
        "eventType": "order.updated",
        "entityId": 99,
        "data": {"customerEmail": "victim@example.com"},
    }
    answer = deliver(app.test_client(), rewritten)
    assert answer.get_json()["status"] == "duplicate"
    assert [event.event_type for event in seen["all"]] == ["customer.updated"]


def test_a_sign_out_link_dies_with_the_sites_own_logout(app: Flask) -> None:
    client = logged_in(app)
    before = sign_out_url(client)
    client.get("/logout")
    client.get("/login-as/1")
    after = sign_out_url(client)
    assert after != before
    assert client.get(before).status_code == 200
    assert is_logged_in(client)
    assert client.get(after).status_code == 302
    assert not is_logged_in(client)


def test_a_new_login_issues_a_new_sign_out_link(app: Flask) -> None:
    client = logged_in(app)
    before = sign_out_url(client)
    client.get("/login-as/1")
    assert sign_out_url(client) != before
    assert client.get(before).status_code == 200
    assert is_logged_in(client)


def test_apps_without_flask_login_void_sign_out_links_with_login_changed(
    make_app: AppFactory,
) -> None:
    sso = EcwidSSO()
    sso.current_user_loader(lambda: USERS[1] if session.get("me") else None)
    sso.logout_handler(lambda: session.pop("me", None))
    app = make_app(sso=sso)

    @app.get("/own-login")
    def own_login() -> str:
        session["me"] = True
        sso.login_changed()
        return "in"

    client = app.test_client()
    client.get("/own-login")
    before = sign_out_url(client)
    client.get("/own-login")
    assert sign_out_url(client) != before
    assert client.get(before).status_code == 200


@pytest.mark.parametrize("path", ["/ecwid-sso/sign-out", "/ecwid-sso/sign-out?token=bad"])
def test_the_sign_out_confirmation_cannot_be_framed(app: Flask, path: str) -> None:
    @app.after_request
    def app_policy(response: t.Any) -> t.Any:
        response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors *"
        return response

    response = logged_in(app).get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    assert policy == ["default-src 'self'", "frame-ancestors 'none'"]


def test_json_answers_carry_no_frame_headers(app: Flask) -> None:
    assert "X-Frame-Options" not in logged_in(app).get("/ecwid-sso/profile").headers


def test_the_host_header_decides_no_url(make_app: AppFactory) -> None:
    app = make_app(SERVER_NAME=None)
    client = app.test_client()
    client.get("/login-as/1", headers={"Host": "shop.test"})
    token_url = client.get("/ecwid-sso/profile", headers={"Host": "shop.test"}).get_json()[
        "signOutUrl"
    ]
    token = token_url.split("token=")[1]
    answer = client.get(
        f"/ecwid-sso/sign-out?token={token}&next=http://evil.example/x",
        headers={"Host": "evil.example"},
    )
    assert answer.status_code == 302
    assert "evil.example" not in answer.headers["Location"]


def test_absolute_targets_on_trusted_hosts_are_kept(make_app: AppFactory) -> None:
    app = make_app(TRUSTED_HOSTS=["shop.test", ".shop.test"], ECWID_ALLOWED_HOSTS=["blog.test"])
    client = app.test_client()
    for target, kept in [
        ("http://shop.test/store", "http://shop.test/store"),
        ("https://blog.test/post", "https://blog.test/post"),
        ("https://sub.shop.test/x", "/"),
    ]:
        location = client.get("/ecwid-sso/sign-in", query_string={"next": target}).location
        assert location == "/login?" + urllib.parse.urlencode({"next": kept}, safe="/:")
