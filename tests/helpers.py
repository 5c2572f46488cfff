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


#: The timestamp of ECWID.md's known-answer vectors, and vector C1 itself.
TS = 1421317550
C1 = (
    "eyJhcHBDbGllbnRJZCI6Im15LWNvb2wtYXBwIiwidXNlcklkIjoiMjM0IiwicHJvZmlsZSI6eyJlbWFpbCI6InRl"
    "c3RAZXhhbXBsZS5jb20iLCJiaWxsaW5nUGVyc29uIjp7Im5hbWUiOiJKb2huIERvZSJ9fX0="
    " c5d9581bfd0f9264e012953e7f57add6fd4861743724345460b4c5009a387954 1421317550"
)
#: A minimal valid SSO document for this app.
GOOD: dict[str, t.Any] = {
    "appClientId": CLIENT_ID,
    "userId": "234",
    "profile": {"email": "test@example.com"},
}


def make_payload(
    document: object,
    *,
    key: str = CLIENT_SECRET,
    digest: str = "sha256",
    timestamp: int = TS,
) -> str:
    """Sign ``document`` as ECWID.md says (with any key and digest), sharing no code with ours."""
    message = base64.b64encode(json.dumps(document).encode()).decode()
    algorithm = hashlib.sha256 if digest == "sha256" else hashlib.sha1
    signature = hmac.new(key.encode(), f"{message} {timestamp}".encode(), algorithm).hexdigest()
    return f"{message} {signature} {timestamp}"


NOW = 1_750_000_000
ANN = "ann@example.com"


def sign(
    document: t.Mapping[str, t.Any], secret: str, timestamp: int, digest: str = "sha256"
) -> str:
    """A payload built here from ECWID.md, sharing no code with the product or the fake."""
    message = base64.b64encode(json.dumps(document).encode()).decode()
    signature = hmac.new(secret.encode(), f"{message} {timestamp}".encode(), digest).hexdigest()
    return f"{message} {signature} {timestamp}"


def document(
    fake: t.Any, user_id: t.Any = "42", email: t.Any = ANN, **profile: t.Any
) -> dict[str, t.Any]:
    profile = {"email": email, "billingPerson": {"name": "Ann Lee"}, **profile}
    return {"appClientId": fake.client_id, "userId": user_id, "profile": profile}


def payload(fake: t.Any, *, timestamp: int = NOW, **fields: t.Any) -> str:
    return sign(document(fake, **fields), fake.client_secret, timestamp)
