"""FakeEcwid: an offline stand-in for Ecwid, served on loopback.

The fake answers like Ecwid where this project touches it: the storefront
script and its SSO check, Bearer auth, the customer endpoints with Ecwid's
shapes and paging, the store profile, and Ecwid's errors. Switches make it
misbehave on purpose: a rate limit with ``Retry-After``, queued failures, a
slow answer, missing scopes, a lapsed plan.
"""

from __future__ import annotations

import collections
import contextlib
import datetime
import hmac
import importlib.resources
import json
import math
import threading
import time
import typing as t
from collections.abc import Callable, Iterable, Iterator, Mapping

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .sso_check import SSOLogEntry, read_payload

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["ALL_SCOPES", "FakeEcwid", "LoggedRequest"]

#: The scopes a fresh fake grants; remove one to see Ecwid's 403.
ALL_SCOPES = frozenset(
    {"read_customers", "create_customers", "update_customers", "read_store_profile"}
)

_ECWID_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
_MAX_LIMIT = 100

# Ecwid documents errorCode for these two; the others are our stand-ins.
_ERROR_CODES = {
    400: ("INVALID_PARAMETER", "Invalid request parameter"),
    401: ("INVALID_API_TOKEN", "Unauthorized"),
    402: ("PLAN_FEATURE_UNAVAILABLE", "The store's plan does not include API access"),
    403: ("INVALID_API_TOKEN", "Access denied"),
    404: ("NOT_FOUND", "Not found"),
    409: ("CONFLICT", "Conflict"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json"),
    429: ("TOO_MANY_REQUESTS", "Too many requests"),
    500: ("INTERNAL_SERVER_ERROR", "Internal server error"),
    502: ("BAD_GATEWAY", "Bad gateway"),
    503: ("SERVICE_UNAVAILABLE", "Service temporarily unavailable"),
    504: ("GATEWAY_TIMEOUT", "Gateway timeout"),
}


class LoggedRequest(t.NamedTuple):
    """One request the fake answered: ``time`` is the fake's clock when it arrived."""

    method: str
    path: str
    status: int
    time: float
    query: str = ""


class _ApiEndpoint(t.NamedTuple):
    handler: Callable[..., Response]
    scope: str


def _ecwid_date(moment: datetime.datetime | None = None) -> str:
    return (moment or datetime.datetime.now(datetime.timezone.utc)).strftime(_ECWID_DATE_FORMAT)


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _error(status: int, message: str | None = None, code: str | None = None) -> Response:
    default_code, default_message = _ERROR_CODES.get(status, ("ERROR", "Error"))
    return _json(
        {"errorMessage": message or default_message, "errorCode": code or default_code}, status
    )


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log on stderr: the fake keeps its own ``request_log``."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class FakeEcwid:
    """A WSGI app that behaves like Ecwid for one store: storefront, SSO and REST API.

    ``customers`` holds the store's customers as Ecwid-shaped dicts; the
    constructor's ``customers`` go through :meth:`add_customer`.

    ``GET /script.js`` is a small storefront (see ``storefront.js``) that sends
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
    - ``plan_active``: ``False`` answers 402 to every API call and, like Ecwid
      off a paid plan, ignores every SSO payload.

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
        store_id: int = 1003,
        client_id: str = "fake-app",
        client_secret: str = "fake-client-secret-0123456789abcdef",  # noqa: S107 (a fake)
        api_token: str = "secret_fake",  # noqa: S107 (a fake)
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
        self.plan_active = True
        self._next_id = 100_000_001
        self._failures: collections.deque[tuple[int, int | None]] = collections.deque()
        self._accepted: collections.deque[float] = collections.deque()
        self._seen_signatures: set[str] = set()
        # (app id, userId) -> customer id: how Ecwid keys an SSO customer; never served.
        self._sso_bindings: dict[tuple[str, str], int] = {}
        self._url: str | None = None
        self.url_map = self._build_url_map()
        for customer in customers:
            self.add_customer(customer)

    # Serving

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
        server: BaseWSGIServer = make_server(
            host, port, self, threaded=True, request_handler=_QuietRequestHandler
        )
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeEcwid on port {server.port}",
            daemon=True,
        )
        thread.start()
        self.url = f"http://{host}:{server.port}"
        try:
            yield self
        finally:
            self._url = None
            server.shutdown()
            thread.join()
            server.server_close()

    # Switches and state

    def fail_next(self, status: int, times: int = 1, *, retry_after: int | None = None) -> None:
        """Answer the next ``times`` API requests with ``status`` and an Ecwid-shaped error.

        ``retry_after`` adds a ``Retry-After`` header (seconds) to those answers.
        """
        with self.lock:
            self._failures.extend([(status, retry_after)] * times)

    def add_customer(self, record: Mapping[str, t.Any]) -> dict[str, t.Any]:
        """Store a customer as given, adding ``id``, ``registered`` and ``updated`` if absent.

        Nothing else is filled in, so a record may lack a name like a guest's.
        Returns the stored dict (a copy of ``record``).
        """
        customer = dict(record)
        with self.lock:
            if "id" not in customer:
                customer["id"] = self._next_id
            self._next_id = max(self._next_id, int(customer["id"])) + 1
            now = _ecwid_date()
            customer.setdefault("registered", now)
            customer.setdefault("updated", now)
            self.customers.append(customer)
        return customer

    def find_customer(self, customer_id: int) -> dict[str, t.Any] | None:
        """The stored customer with this id, or ``None``."""
        with self.lock:
            return next((c for c in self.customers if c.get("id") == customer_id), None)

    def _email_taken(self, email: str, *, other_than: int | None = None) -> bool:
        wanted = email.casefold()
        return any(
            str(c.get("email") or "").casefold() == wanted and c.get("id") != other_than
            for c in self.customers
        )

    # Storefront SSO

    def sign_on(self, payload: str, *, store_id: int | None = None) -> SSOLogEntry:
        """Judge one SSO payload as Ecwid's storefront does, and record the verdict.

        A valid payload signs in the customer bound to its (app id, ``userId``):
        created on first sight (``shippingAddresses`` are applied then only),
        merged with the profile afterwards. It is ignored (refused, the shopper
        shown logged out) when its signature was seen before, when another
        customer has its email, when ``plan_active`` is off, or when a new
        customer is due and ``create_customers`` is not in ``scopes``. The empty
        payload logs the shopper out. ``store_id``, when given, must be this
        store's. The entry is appended to ``sso_log`` and returned.
        """
        with self.lock:
            entry = self._judge(payload, store_id, self.clock())
            self.sso_log.append(entry)
            return entry

    def _judge(self, payload: str, store_id: int | None, now: float) -> SSOLogEntry:
        if store_id is not None and store_id != self.store_id:
            return SSOLogEntry(now, None, None, accepted=False, reason="wrong_store")
        if payload == "":
            return SSOLogEntry(now, None, None, accepted=True, reason="logged_out")
        if self.app_id is None:
            app_field, app_id, key = "appClientId", self.client_id, self.client_secret
        else:
            app_field, app_id, key = "appId", self.app_id, self.sso_secret or self.client_secret
        reading = read_payload(
            payload, key=key, app_field=app_field, app_id=app_id, digest=self.digest, now=now
        )

        def verdict(reason: str, customer_id: int | None = None) -> SSOLogEntry:
            return SSOLogEntry(
                now,
                reading.user_id,
                reading.email,
                accepted=reason == "ok",
                reason=reason,
                customer_id=customer_id,
                signature=reading.signature,
            )

        user_id, email, signature = reading.user_id, reading.email, reading.signature
        if reading.reason != "ok" or user_id is None or email is None or signature is None:
            return verdict(reading.reason)
        if signature in self._seen_signatures:
            return verdict("replayed")
        self._seen_signatures.add(signature)
        if not self.plan_active:
            return verdict("plan_inactive")
        binding = (app_id, user_id)
        bound_id = self._sso_bindings.get(binding)
        bound = None if bound_id is None else self.find_customer(bound_id)
        if self._email_taken(email, other_than=None if bound is None else bound["id"]):
            return verdict("email_conflict")
        if bound is None:
            if "create_customers" not in self.scopes:
                return verdict("missing_scope")
            bound = self.add_customer(_customer_from_profile(reading.profile))
            self._sso_bindings[binding] = bound["id"]
        else:
            _merge_profile(bound, reading.profile)
        return verdict("ok", bound["id"])

    # WSGI

    def _build_url_map(self) -> Map:
        return Map(self._rules())

    def _rules(self) -> list[Rule]:
        """Every route the fake answers.

        An endpoint is a callable taking the request and the rule's arguments
        and returning a ``Response``, called with ``lock`` held. Wrapped in an
        ``_ApiEndpoint`` with its scope, it first passes Ecwid's API checks
        (queued failures, token, store id, rate limit, plan, scope).
        """
        api = "/api/v3/<int:store_id>"
        return [
            Rule("/script.js", methods=["GET"], endpoint=self._storefront_script),
            Rule("/storefront/sso", methods=["POST"], endpoint=self._storefront_sso),
            Rule("/storefront/sso", methods=["OPTIONS"], endpoint=self._storefront_preflight),
            Rule(
                f"{api}/customers",
                methods=["GET"],
                endpoint=_ApiEndpoint(self._search_customers, "read_customers"),
            ),
            Rule(
                f"{api}/customers",
                methods=["POST"],
                endpoint=_ApiEndpoint(self._create_customer, "create_customers"),
            ),
            Rule(
                f"{api}/customers/<int:customer_id>",
                methods=["GET"],
                endpoint=_ApiEndpoint(self._get_customer, "read_customers"),
            ),
            Rule(
                f"{api}/customers/<int:customer_id>",
                methods=["PUT"],
                endpoint=_ApiEndpoint(self._update_customer, "update_customers"),
            ),
            Rule(
                f"{api}/customers/<int:customer_id>",
                methods=["DELETE"],
                endpoint=_ApiEndpoint(self._delete_customer, "update_customers"),
            ),
            Rule(
                f"{api}/profile",
                methods=["GET"],
                endpoint=_ApiEndpoint(self._store_profile, "read_store_profile"),
            ),
        ]

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
            if request.path.startswith("/api/"):
                return _error(status, exc.name)
            return Response(exc.name, status=status, mimetype="text/plain")
        with self.lock:
            if isinstance(endpoint, _ApiEndpoint):
                store_id = args["store_id"]
                refusal = self._refuse_api_call(request, store_id, endpoint, arrived)
                if refusal is not None:
                    return refusal
                return endpoint.handler(
                    request, **{key: value for key, value in args.items() if key != "store_id"}
                )
            response: Response = endpoint(request, **args)
            return response

    def _refuse_api_call(
        self, request: Request, store_id: int, endpoint: _ApiEndpoint, arrived: float
    ) -> Response | None:
        """Ecwid's checks before the endpoint runs, or ``None`` when all pass."""
        if self._failures:
            status, retry_after = self._failures.popleft()
            response = _error(status)
            if retry_after is not None:
                response.headers["Retry-After"] = str(retry_after)
            return response
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return _error(
                403,
                "API token is missing: send it as 'Authorization: Bearer <token>' "
                "(the token query parameter is no longer accepted)",
                "INVALID_API_TOKEN",
            )
        if not hmac.compare_digest(token.encode(), self.api_token.encode()):
            return _error(403, "Invalid API token", "INVALID_API_TOKEN")
        if store_id != self.store_id:
            return _error(403, "The API token does not match the store id", "INVALID_API_TOKEN")
        limited = self._rate_limited(arrived)
        if limited is not None:
            return limited
        if not self.plan_active:
            return _error(402)
        if endpoint.scope not in self.scopes:
            return _error(
                403,
                f"The API token lacks the required scope: {endpoint.scope}",
                "INSUFFICIENT_APP_SCOPE",
            )
        return None

    def _rate_limited(self, now: float) -> Response | None:
        # A sliding window over accepted calls: Retry-After is when the oldest leaves it.
        if self.rate_limit is None:
            return None
        while self._accepted and self._accepted[0] <= now - self.rate_window:
            self._accepted.popleft()
        if len(self._accepted) >= self.rate_limit:
            wait = max(1, math.ceil(self._accepted[0] + self.rate_window - now))
            response = _error(429)
            response.headers["Retry-After"] = str(wait)
            return response
        self._accepted.append(now)
        return None

    # Endpoints (called with the lock held)

    def _storefront_script(self, request: Request) -> Response:
        script = importlib.resources.files(__package__).joinpath("storefront.js")
        return Response(
            script.read_text(encoding="utf-8"),
            mimetype="text/javascript",
            headers={"Cache-Control": "no-cache"},
        )

    def _storefront_sso(self, request: Request) -> Response:
        body = _json_body(request)
        if isinstance(body, Response):
            return _cross_origin(body)
        payload, store_id = body.get("payload"), body.get("storeId")
        if not isinstance(payload, str) or not isinstance(store_id, (int, type(None))):
            return _cross_origin(_error(400, "Send {'storeId': number, 'payload': string}"))
        entry = self.sign_on(payload, store_id=store_id)
        customer = None if entry.customer_id is None else self.find_customer(entry.customer_id)
        return _cross_origin(
            _json({"accepted": entry.accepted, "reason": entry.reason, "customer": customer})
        )

    def _storefront_preflight(self, request: Request) -> Response:
        response = _cross_origin(Response(status=204))
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    def _search_customers(self, request: Request) -> Response:
        try:
            offset = int(request.args.get("offset", 0))
            limit = int(request.args.get("limit", _MAX_LIMIT))
        except ValueError:
            return _error(400, "offset and limit must be integers")
        if offset < 0 or not 1 <= limit <= _MAX_LIMIT:
            return _error(400, f"offset must be 0 or more and limit 1 to {_MAX_LIMIT}")
        terms = {
            key: request.args[key].casefold()
            for key in ("email", "keyword", "name")
            if key in request.args
        }
        found = [c for c in self.customers if _matches(c, terms)]
        items = found[offset : offset + limit]
        return _json(
            {
                "total": len(found),
                "count": len(items),
                "offset": offset,
                "limit": limit,
                "items": items,
                "allCustomerCount": len(self.customers),
            }
        )

    def _get_customer(self, request: Request, customer_id: int) -> Response:
        customer = self.find_customer(customer_id)
        if customer is None:
            return _error(404, f"Customer #{customer_id} not found")
        return _json(customer)

    def _create_customer(self, request: Request) -> Response:
        body = _json_body(request)
        if isinstance(body, Response):
            return body
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email:
            return _error(400, "A customer needs an email")
        if self._email_taken(email):
            return _error(409, "A customer with this email already exists", "CUSTOMER_EXISTS")
        record = {
            "customerGroupId": 0,
            "customerGroupName": "General",
            "shippingAddresses": [],
            "acceptMarketing": False,
            **{key: value for key, value in body.items() if key != "id"},
        }
        billing_person = record.get("billingPerson")
        if isinstance(billing_person, dict) and "name" in billing_person:
            record["name"] = billing_person["name"]
        customer = self.add_customer(record)
        return _json({"id": customer["id"]})

    def _update_customer(self, request: Request, customer_id: int) -> Response:
        customer = self.find_customer(customer_id)
        if customer is None:
            return _error(404, f"Customer #{customer_id} not found")
        body = _json_body(request)
        if isinstance(body, Response):
            return body
        email = body.get("email")
        if isinstance(email, str) and self._email_taken(email, other_than=customer_id):
            return _error(409, "A customer with this email already exists", "CUSTOMER_EXISTS")
        customer.update({key: value for key, value in body.items() if key != "id"})
        billing_person = body.get("billingPerson")
        if isinstance(billing_person, dict) and "name" in billing_person:
            customer["name"] = billing_person["name"]
        customer["updated"] = _ecwid_date()
        return _json({"updateCount": 1})

    def _delete_customer(self, request: Request, customer_id: int) -> Response:
        customer = self.find_customer(customer_id)
        if customer is None:
            return _error(404, f"Customer #{customer_id} not found")
        self.customers.remove(customer)
        return _json({"deleteCount": 1})

    def _store_profile(self, request: Request) -> Response:
        return _json(
            {
                "generalInfo": {
                    "storeId": self.store_id,
                    "storeUrl": f"{request.host_url}store",
                    "websitePlatform": "custom",
                },
                "account": {
                    "accountName": "Fake Owner",
                    "accountNickName": "fake",
                    "accountEmail": "owner@example.com",
                    "availableFeatures": ["API", "CUSTOMER_ACCOUNTS", "SSO"],
                },
                "settings": {"storeName": "Fake Ecwid store", "closed": False},
                "company": {"companyName": "Fake Ecwid", "countryCode": "US"},
                "languages": {"enabledLanguages": ["en"], "defaultLanguage": "en"},
            }
        )


def _cross_origin(response: Response) -> Response:
    """Let a store page on any origin read the answer, as Ecwid's storefront can."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _customer_from_profile(profile: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """A new Ecwid customer from a valid SSO ``profile``."""
    email = profile["email"]
    billing_person = dict(profile.get("billingPerson", {}))
    record: dict[str, t.Any] = {
        "email": email,
        "name": billing_person.get("name", ""),
        "customerGroupId": 0,
        "customerGroupName": "General",
        "billingPerson": billing_person,
        "shippingAddresses": [dict(address) for address in profile.get("shippingAddresses", [])],
        "contacts": [{"contact": email, "type": "EMAIL", "default": True}],
        "acceptMarketing": False,
    }
    if "registered" in profile:
        record["registered"] = _ecwid_date(
            datetime.datetime.fromtimestamp(profile["registered"], datetime.timezone.utc)
        )
    return record


def _merge_profile(customer: dict[str, t.Any], profile: Mapping[str, t.Any]) -> None:
    """Ecwid's merge for a returning SSO customer: every field but ``shippingAddresses``."""
    customer["email"] = profile["email"]
    if "billingPerson" in profile:
        customer.setdefault("billingPerson", {}).update(profile["billingPerson"])
        customer["name"] = customer["billingPerson"].get("name", "")
    customer["updated"] = _ecwid_date()


def _matches(customer: Mapping[str, t.Any], terms: Mapping[str, str]) -> bool:
    """Ecwid's search terms: case-insensitive substrings, not exact matches."""
    email = str(customer.get("email") or "").casefold()
    name = str(customer.get("name") or "").casefold()
    person = customer.get("billingPerson")
    person_text = " ".join(str(v) for v in person.values()) if isinstance(person, dict) else ""
    everything = f"{email} {name} {person_text.casefold()}"
    return (
        terms.get("email", "") in email
        and terms.get("name", "") in name
        and terms.get("keyword", "") in everything
    )


def _json_body(request: Request) -> dict[str, t.Any] | Response:
    if request.mimetype != "application/json":
        return _error(415)
    try:
        body = json.loads(request.get_data(as_text=True))
    except ValueError:
        return _error(400, "The request body is not valid JSON")
    if not isinstance(body, dict):
        return _error(400, "The request body must be a JSON object")
    return body
