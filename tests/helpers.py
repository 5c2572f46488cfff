"""Constants and checks shared by the tests; nothing here is a fixture."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import typing as t

import flask_login

STORE_ID = 1003
CLIENT_ID = "my-cool-app"
CLIENT_SECRET = "A1Lu7ANIhKD6A1Lu7ANIhKD6ADsaSdsa"
SECRET_KEY = "test-secret-key"
PAGE = "<html><body>{{ ecwid_widget('store') }}</body></html>"


class User(flask_login.UserMixin):
    def __init__(self, id: int, email: str, name: str) -> None:
        self.id = id
        self.email = email
        self.name = name


USERS = {
    1: User(1, "alice@example.com", "Alice Liddell"),
    2: User(2, "bob@example.com", "Bob Stone"),
}


def check_payload(payload: str, *, secret: str = CLIENT_SECRET) -> dict[str, t.Any]:
    """Verify a payload with an HMAC written here from ECWID.md, sharing no code with ours."""
    message, signature, timestamp = payload.split(" ")
    expected = hmac.new(secret.encode(), f"{message} {timestamp}".encode(), hashlib.sha256)
    assert hmac.compare_digest(signature, expected.hexdigest())
    document: dict[str, t.Any] = json.loads(base64.b64decode(message, validate=True))
    return document


def payload_in(html: str) -> str:
    """The value a page assigns to ``ecwid_sso_profile``."""
    start = html.index("window.ecwid_sso_profile = ") + len("window.ecwid_sso_profile = ")
    value: str = json.loads(html[start : html.index(";\n", start)])
    return value
