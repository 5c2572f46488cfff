from __future__ import annotations

import base64

import pytest
from conftest import AppFactory
from Crypto.Cipher import AES
from flask import Flask
from helpers import CLIENT_SECRET

from flask_ecwid_sso import AppPayload, ConfigError, EcwidSSO, PayloadError
from flask_ecwid_sso.app_payload import UNREADABLE, encode_app_payload
from flask_ecwid_sso.state import app_state

N1_PAYLOAD = (
    "MDEyMzQ1Njc4OWFiY2RlZjI6H0h1iq6TOiLlcqot55-ekkK8jNBF3J-IkvNdmLcXunaiOy_5op4rZ2NGflJ-JCmMby"
    "j8maF5cKdQblhrTK6uSqwMEenpR_Z-L6EP5IA8pHG5jQiQfqEJY2DuWXZEtWOJbA2w8KrjHpY_1jCVpsM"
)


def app_payload(app: Flask, query: str) -> AppPayload:
    with app.test_request_context(f"/app?{query}"):
        return app_state(app).extension.app_payload()


def test_vector_n1_through_a_request_carries_the_app_state(app: Flask) -> None:
    decoded = app_payload(app, f"payload={N1_PAYLOAD}&app_state=orders%2F42&cache-killer=1")
    assert decoded == AppPayload(
        store_id=1003,
        lang="en",
        access_token="secret_abc123",
        view_mode="PAGE",
        public_token="public_xyz789",
        app_state="orders/42",
    )


def test_app_state_is_none_when_absent(app: Flask) -> None:
    assert app_payload(app, f"payload={N1_PAYLOAD}").app_state is None


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="missing"),
        pytest.param("payload=", id="empty"),
        pytest.param("payload=not*base64", id="not-base64"),
        pytest.param(f"payload={N1_PAYLOAD[:-8]}", id="cut"),
        pytest.param(
            "payload=" + encode_app_payload({"store_id": 1003}, "another-secret-0123456789"),
            id="other-app",
        ),
    ],
)
def test_bad_payloads_raise_payload_error(app: Flask, query: str) -> None:
    with pytest.raises(PayloadError):
        app_payload(app, query)


def test_without_a_client_secret_it_says_which_key(make_app: AppFactory) -> None:
    app = make_app(
        ECWID_CLIENT_SECRET=None, ECWID_SSO_APP_ID="my_site", ECWID_SSO_SECRET=CLIENT_SECRET
    )
    with pytest.raises(ConfigError) as caught:
        app_payload(app, f"payload={N1_PAYLOAD}")
    assert caught.value.key == "ECWID_CLIENT_SECRET"


def test_a_payload_for_another_store_is_refused(make_app: AppFactory) -> None:
    app = make_app(ECWID_STORE_ID=2000)
    with pytest.raises(PayloadError, match="store 1003, not ECWID_STORE_ID 2000"):
        app_payload(app, f"payload={N1_PAYLOAD}")


def test_a_padding_oracle_attack_on_a_page_that_shows_the_error_learns_nothing(
    make_app: AppFactory,
) -> None:
    sso = EcwidSSO()
    app = make_app(sso=sso)

    @app.get("/app")
    def admin_page() -> tuple[str, int]:
        try:
            sso.app_payload()
        except PayloadError as exc:
            return f"Sorry: {exc}", 400
        return "welcome", 200

    raw = base64.urlsafe_b64decode(N1_PAYLOAD + "=" * (-len(N1_PAYLOAD) % 4))
    blocks = len(raw) // 16
    target = (blocks - 2) * 16 + 15  # the byte that XORs into the last block's padding
    client = app.test_client()
    answers: set[tuple[int, str]] = set()
    padding_was_valid = 0
    for guess in range(256):
        if guess == raw[target]:
            continue
        forged = bytearray(raw)
        forged[target] = guess
        plain = AES.new(CLIENT_SECRET[:16].encode(), AES.MODE_CBC, iv=bytes(forged[:16])).decrypt(
            bytes(forged[16:])
        )
        padding_was_valid += 1 <= plain[-1] <= 16 and plain.endswith(bytes([plain[-1]]) * plain[-1])
        payload = base64.urlsafe_b64encode(bytes(forged)).decode().rstrip("=")
        answer = client.get("/app", query_string={"payload": payload})
        answers.add((answer.status_code, answer.get_data(as_text=True)))
    assert padding_was_valid >= 1  # the attack's one tell is among the guesses
    assert answers == {(400, f"Sorry: {UNREADABLE}")}
