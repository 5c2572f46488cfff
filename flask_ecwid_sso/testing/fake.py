"""FakeEcwid: an offline stand-in for Ecwid, served on loopback.

The fake answers like Ecwid where this project touches it: the storefront
script and its SSO check, Bearer auth, the customer endpoints with Ecwid's
shapes and paging, the store profile, and Ecwid's errors. Switches make it
misbehave on purpose: a rate limit with ``Retry-After``, queued failures, a
slow answer, missing scopes, a lapsed plan.

This module holds the store's state and its WSGI face; the routes live in
:mod:`.storefront` and :mod:`.rest`, the API's checks in :mod:`.gate`.
"""

from __future__ import annotations

import contextlib
import threading
import time
import typing as t
from collections.abc import Callable, Iterable, Iterator, Mapping

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from .customers import ecwid_date
from .defaults import (
    ALL_SCOPES,
    DEFAULT_API_TOKEN,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_FEATURES,
    DEFAULT_STORE_ID,
)
from .gate import ApiEndpoint, ApiGate
from .responses import error_response
from .rest import RestApi
from .serving import serving_in_background
from .sso_check import SSOLogEntry
from .storefront import Storefront

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["FakeEcwid", "LoggedRequest"]


class LoggedRequest(t.NamedTuple):
    """One request the fake answered: ``time`` is the fake's clock when it arrived."""

    method: str
    path: str
    status: int
    time: float
    query: str = ""


class FakeEcwid:
    """A WSGI app that behaves like Ecwid for one store: storefront, SSO and REST API.

    The credentials default to the fixed ``DEFAULT_*`` demo values.
    ``customers`` holds the store's customers as Ecwid-shaped dicts; the
    constructor's ``customers`` go through :meth:`add_customer`.

    ``GET /script.js`` is a small storefront (see :mod:`.storefront`) that sends
    each SSO payload to ``POST /storefront/sso``, where :meth:`sign_on` judges
    it with Ecwid's rules and records the verdict in ``sso_log``. Payloads
    carry ``appClientId`` = ``client_id`` signed with ``client_secret``; give
    ``app_id`` for the legacy variant (``appId`` = ``app_id``, signed with
    ``sso_secret``, else ``client_secret``). ``digest`` is the one the store
    accepts: with ``"sha256"`` (Ecwid since 2025-03-20) a SHA-1 payload is
    refused.

    Switches, all changeable at any time:

    - ``rate_limit``: requests per ``rate_window`` seconds (60, a minute)
      before API calls get 429 with an integer ``Retry-After``; ``None`` is off.
    - :meth:`fail_next`: the next API requests answer a given status.
    - ``delay``: seconds slept before each answer.
    - ``scopes``: the token's scopes (``ALL_SCOPES`` at first).
    - ``features``: the plan's features (``DEFAULT_FEATURES`` at first).
      Without ``"PREMIUM"`` the storefront ignores every SSO payload, as on
      Ecwid's free plan, while the API keeps answering.
    - ``plan_active``: ``False`` is a lapsed store: 402
      ``NOT_AVAILABLE_ON_CURRENT_PLAN`` to every API call, and every SSO
      payload ignored.
    - ``suspended``: ``True`` is a suspended store: 402 ``STORE_IS_SUSPENDED``
      to every API call but the store profile (``account.suspended``), and
      every SSO payload ignored.

    ``request_log`` records each request as a :class:`LoggedRequest`. Times
    come from ``clock``, UNIX time in seconds (``time.time`` unless given); it
    also decides whether an SSO payload has expired. Auth is
    ``Authorization: Bearer <api_token>`` only; a ``token`` query parameter is
    ignored, as Ecwid ignores it since 2025. A token is bound to its store, so
    another store id in the URL gets 403 ``INVALID_API_TOKEN``.

    Serve it with :meth:`serve`. The state sits behind ``lock``, since the
    server answers on several threads.
    """

    def __init__(
        self,
        store_id: int = DEFAULT_STORE_ID,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        api_token: str = DEFAULT_API_TOKEN,
        digest: str = "sha256",
        customers: Iterable[Mapping[str, t.Any]] = (),
        *,
        app_id: str | None = None,
        sso_secret: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if digest not in ("sha256", "sha1"):
            raise ValueError(f"digest must be 'sha256' or 'sha1', not {digest!r}")
        self.store_id = store_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_token = api_token
        self.digest = digest
        self.app_id = app_id
        self.sso_secret = sso_secret
        self.clock = clock
        self.lock = threading.RLock()
        self.customers: list[dict[str, t.Any]] = []
        self.sso_log: list[SSOLogEntry] = []
        self.request_log: list[LoggedRequest] = []
        self.rate_limit: int | None = None
        self.rate_window: float = 60.0
        self.delay: float = 0.0
        self.scopes: set[str] = set(ALL_SCOPES)
        self.features: set[str] = set(DEFAULT_FEATURES)
        self.plan_active = True
        self.suspended = False
        self._next_id = 100_000_001
        self._url: str | None = None
        self._gate = ApiGate(self)
        self._storefront = Storefront(self)
        #: Every route the fake answers. An endpoint takes the request and the
        #: rule's arguments and returns a ``Response``; it runs with ``lock``
        #: held, and an :class:`ApiEndpoint` first passes the gate's checks.
        self.url_map = Map([*self._storefront.rules(), *RestApi(self).rules()])
        for customer in customers:
            self.add_customer(customer)

    # Where it is served

    @property
    def url(self) -> str:
        """The server root, while served (or as set by whoever mounts the fake)."""
        if self._url is None:
            raise RuntimeError("FakeEcwid is not served; use `with fake.serve():`")
        return self._url

    @url.setter
    def url(self, value: str) -> None:
        self._url = value.rstrip("/")

    @property
    def api_url(self) -> str:
        """The REST base URL to give ``EcwidClient(base_url=...)``."""
        return self.url + "/api/v3"

    @property
    def script_url(self) -> str:
        """Where the storefront script is served (add ``?STORE_ID`` when embedding it)."""
        return self.url + "/script.js"

    @property
    def sso_url(self) -> str:
        """Where the storefront posts SSO payloads: ``{"storeId": ..., "payload": ...}``."""
        return self.url + "/storefront/sso"

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[FakeEcwid]:
        """Serve the fake on a free loopback port in a background thread, for a ``with`` block.

        ``url`` is set while the block runs; on exit the server stops and its
        socket is closed.
        """
        if self._url is not None:
            raise RuntimeError(f"FakeEcwid is already served at {self._url}")
        with serving_in_background(self, host, port) as url:
            self.url = url
            try:
                yield self
            finally:
                self._url = None

    # Switches and state

    def fail_next(
        self,
        status: int,
        times: int = 1,
        *,
        retry_after: int | None = None,
        code: str | None = None,
    ) -> None:
        """Answer the next ``times`` API requests with ``status`` and an Ecwid-shaped error.

        ``code`` replaces the status's usual ``errorCode`` (e.g. 402
        ``"STORE_IS_SUSPENDED"``); ``retry_after`` adds a ``Retry-After``
        header (seconds) to those answers.
        """
        with self.lock:
            self._gate.queue_failures(status, times, retry_after, code)

    def add_customer(self, record: Mapping[str, t.Any]) -> dict[str, t.Any]:
        """Store a customer as given, adding ``id``, ``registered`` and ``updated`` if absent.

        The dates are the fake's ``clock``. Nothing else is filled in, so a
        record may lack a name like a guest's (``POST /customers`` and SSO
        sign-ons add Ecwid's documented defaults). Returns the stored dict (a
        copy of ``record``).
        """
        customer = dict(record)
        with self.lock:
            if "id" not in customer:
                customer["id"] = self._next_id
            self._next_id = max(self._next_id, int(customer["id"])) + 1
            now = ecwid_date(self.clock())
            customer.setdefault("registered", now)
            customer.setdefault("updated", now)
            self.customers.append(customer)
        return customer

    def find_customer(self, customer_id: int) -> dict[str, t.Any] | None:
        """The stored customer with this id, or ``None``."""
        with self.lock:
            return next((c for c in self.customers if c.get("id") == customer_id), None)

    def sign_on(self, payload: str, *, store_id: int | None = None) -> SSOLogEntry:
        """Judge one SSO payload as Ecwid's storefront does, and record the verdict.

        A valid payload signs in the customer bound to its (app id, ``userId``):
        created on first sight (``shippingAddresses`` are applied then only),
        merged with the profile afterwards. It is ignored (refused, the shopper
        shown logged out) when its signature was seen before, when another
        customer has its email, when the store is ``suspended``, off its plan
        (``plan_active``) or without ``"PREMIUM"`` in ``features``, or when a
        new customer is due and ``create_customers`` is not in ``scopes``. The empty
        payload logs the shopper out. ``store_id``, when given, must be this
        store's. The entry is appended to ``sso_log`` and returned.
        """
        with self.lock:
            entry = self._storefront.judge(payload, store_id, self.clock())
            self.sso_log.append(entry)
            return entry

    # WSGI

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        arrived = self.clock()
        if self.delay > 0:
            time.sleep(self.delay)
        response = self._dispatch(request, arrived)
        with self.lock:
            self.request_log.append(
                LoggedRequest(
                    request.method,
                    request.path,
                    response.status_code,
                    arrived,
                    request.query_string.decode("latin-1"),
                )
            )
        return response(environ, start_response)

    def _dispatch(self, request: Request, arrived: float) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException as exc:
            status = exc.code or 404
            unmatched = (
                error_response(status)
                if request.path.startswith("/api/")
                else Response(exc.name, status=status, mimetype="text/plain")
            )
            if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
                unmatched.headers["Allow"] = ", ".join(exc.valid_methods)
            return unmatched
        with self.lock:
            if isinstance(endpoint, ApiEndpoint):
                rest = {key: value for key, value in args.items() if key != "store_id"}
                refusal = self._gate.refusal(request, args["store_id"], endpoint.scope, arrived)
                if refusal is not None:
                    return refusal
                return endpoint.handler(request, **rest)
            response: Response = endpoint(request, **args)
            return response
