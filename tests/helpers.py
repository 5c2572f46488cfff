"""Constants, checks and servers shared by the tests; nothing here is a fixture."""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import threading
import typing as t
from collections.abc import Callable, Iterator

import flask_login
from werkzeug.serving import BaseWSGIServer, make_server

from flask_ecwid_sso import EcwidClient
from flask_ecwid_sso.settings import Settings

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

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


def check_payload(
    payload: str, *, secret: str = CLIENT_SECRET, digest: str = "sha256"
) -> dict[str, t.Any]:
    """Verify a payload with an HMAC written here from ECWID.md, sharing no code with ours.

    The message must be ASCII, as PHP's ``json_encode`` writes it.
    """
    message, signature, timestamp = payload.split(" ")
    expected = hmac.new(secret.encode(), f"{message} {timestamp}".encode(), digest)
    assert hmac.compare_digest(signature, expected.hexdigest())
    text = base64.b64decode(message, validate=True)
    assert text.isascii()
    document: dict[str, t.Any] = json.loads(text)
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
    secret: str = CLIENT_SECRET,
    digest: str = "sha256",
    timestamp: int = TS,
) -> str:
    """Sign ``document`` as ECWID.md says, sharing no code with the product or the fake."""
    message = base64.b64encode(json.dumps(document).encode()).decode()
    signature = hmac.new(secret.encode(), f"{message} {timestamp}".encode(), digest).hexdigest()
    return f"{message} {signature} {timestamp}"


#: A REST token of the right shape, for settings; not the fake's.
API_TOKEN = "secret_0123456789abcdef"


def settings(**config: t.Any) -> Settings:
    """This app's settings with a REST token; keyword args are config to add or override."""
    return Settings.from_config(
        {
            "ECWID_STORE_ID": STORE_ID,
            "ECWID_CLIENT_ID": CLIENT_ID,
            "ECWID_CLIENT_SECRET": CLIENT_SECRET,
            "ECWID_API_TOKEN": API_TOKEN,
            **config,
        }
    )


NOW = 1_750_000_000
ANN = "ann@example.com"


class ManualClock:
    """A clock for ``FakeEcwid(clock=...)`` that moves only when told."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def document(
    fake: t.Any, user_id: t.Any = "42", email: t.Any = ANN, **profile: t.Any
) -> dict[str, t.Any]:
    profile = {"email": email, "billingPerson": {"name": "Ann Lee"}, **profile}
    return {"appClientId": fake.client_id, "userId": user_id, "profile": profile}


def payload(fake: t.Any, *, timestamp: int = NOW, **fields: t.Any) -> str:
    return make_payload(document(fake, **fields), secret=fake.client_secret, timestamp=timestamp)


@contextlib.contextmanager
def running(server: BaseWSGIServer) -> Iterator[str]:
    """Run ``server`` on a background thread for a ``with`` block; yields its root URL."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://{server.host}:{server.port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def serving(app: WSGIApplication) -> contextlib.AbstractContextManager[str]:
    """Serve ``app`` on a free loopback port for a ``with`` block; yields its root URL."""
    return running(make_server("127.0.0.1", 0, app, threaded=True))


class FastClient(EcwidClient):
    """An :class:`EcwidClient` whose retries wait hundredths of a second, for tests."""

    backoff_factor = 0.01
    backoff_jitter = 0.01


MakeClient = Callable[..., EcwidClient]


@contextlib.contextmanager
def client_maker(fake: t.Any) -> Iterator[MakeClient]:
    """Make :class:`FastClient` objects for ``fake`` (keyword args override); closes them after."""
    clients: list[EcwidClient] = []

    def make(**kwargs: t.Any) -> EcwidClient:
        kwargs.setdefault("token", fake.api_token)
        kwargs.setdefault("base_url", fake.api_url)
        kwargs.setdefault("timeout", 5)
        client = FastClient(fake.store_id, **kwargs)
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            client.close()


def api_requests(fake: t.Any) -> list[tuple[str, str, int]]:
    """``(method, path, status)`` of each request ``fake`` answered."""
    return [(r.method, r.path, r.status) for r in fake.request_log]
