"""The REST helper: :class:`EcwidClient`, over one ``requests.Session``.

One ``requests.Session`` per client, a timeout on every attempt, and retries
declared once on an ``HTTPAdapter``: only GET is retried, on 429 and 5xx and on
connection errors, honouring ``Retry-After`` up to ``max_wait``. Every failure
comes out as an :class:`~flask_ecwid_sso.exceptions.EcwidAPIError`; the token
travels only in the ``Authorization`` header.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import email.utils
import logging
import threading
import types
import typing as t
from collections.abc import Iterable, Iterator, Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import (
    InvalidHeader,
    MaxRetryError,
    NewConnectionError,
    ResponseError,
)
from urllib3.exceptions import (
    TimeoutError as UrllibTimeoutError,
)
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from .customers import (
    Customer,
    CustomerFilters,
    CustomerPage,
    customer_params,
    person_json,
    text_or_none,
)
from .exceptions import (
    ConfigError,
    EcwidAPIError,
    EcwidAuthError,
    EcwidConnectionError,
    EcwidNotFound,
    EcwidPlanError,
    EcwidRateLimited,
    EcwidServerError,
)
from .profile import Person

if t.TYPE_CHECKING:
    from typing_extensions import Self, Unpack

__all__ = ["ApiAnswer", "EcwidClient"]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://app.ecwid.com/api/v3"
MAX_PAGE_SIZE = 100


def _parse_http_date(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


@dataclasses.dataclass(frozen=True)
class ApiAnswer:
    """One request the client sent and what came back, kept for diagnostics.

    ``path`` is relative to the store (``"customers"``, ``"profile"``) and has
    no query string, so it carries neither the token nor a searched email.
    ``status`` is ``None`` when no answer came; ``error_code`` is Ecwid's
    ``errorCode`` when it sent one. ``server_date`` is the answer's ``Date``
    header (``None`` when absent or unreadable) and ``received`` the local
    time the answer came, both timezone-aware.
    """

    method: str
    path: str
    status: int | None
    received: datetime.datetime
    server_date: datetime.datetime | None = None
    error_code: str | None = None


class _EcwidRetry(Retry):
    """urllib3's ``Retry`` that refuses to sleep through a ``Retry-After`` over ``max_wait``.

    Such an answer counts as retries exhausted, so (with ``raise_on_status``
    off) the pool hands the response back at once and the client raises
    :class:`EcwidRateLimited` carrying the server's ``retry_after``.
    """

    def __init__(self, *args: t.Any, max_wait: float = 60, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_wait = max_wait

    def new(self, **kw: t.Any) -> Self:
        kw.setdefault("max_wait", self.max_wait)
        return super().new(**kw)

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        # An unreadable Retry-After falls back to the exponential backoff.
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: types.TracebackType | None = None,
    ) -> Self:
        if response is not None and _pool is not None and self.respect_retry_after_header:
            wait = self.get_retry_after(response)
            if wait is not None and wait > self.max_wait:
                reason = ResponseError(f"Retry-After of {wait:g}s exceeds max_wait")
                raise MaxRetryError(_pool, url, reason)
        return super().increment(method, url, response, error, _pool, _stacktrace)


_STATUS_ERRORS: dict[int, tuple[type[EcwidAPIError], str]] = {
    401: (EcwidAuthError, "the API token was refused; check ECWID_API_TOKEN"),
    402: (EcwidPlanError, "the store's plan lacks this feature, or the store is suspended"),
    403: (
        EcwidAuthError,
        "the API token was refused or lacks a scope (read_customers, create_customers, "
        "update_customers); check the token and the app's scopes",
    ),
    404: (EcwidNotFound, "not found; check the store id and the customer id"),
    409: (
        EcwidAPIError,
        "a customer with this email already exists (Ecwid allows one customer per email); "
        "look it up with find_customer_by_email()",
    ),
    429: (EcwidRateLimited, "too many requests; wait for Retry-After and try again"),
}


class EcwidClient:
    """A client of Ecwid's REST API v3 for one store: customers and the store profile.

    ``timeout`` (seconds) bounds each attempt's connect and each read.
    GET requests are retried up to ``max_retries`` times on 429, 500, 502, 503,
    504, and when no answer comes, with exponential backoff and jitter, or the
    server's ``Retry-After`` when it sends one. A ``Retry-After`` longer than
    ``max_wait`` seconds is never slept through: :class:`EcwidRateLimited` is
    raised at once with ``retry_after`` set. POST, PUT and DELETE are never
    retried once sent. 401, 402, 403 and 404 are never retried.

    Use it as a context manager, or call :meth:`close`. A ``session`` passed in
    gets the retrying adapter mounted for ``base_url`` and stays open on
    :meth:`close`: its owner closes it.
    """

    #: Seconds of the exponential backoff between retries (doubling each time).
    backoff_factor: float = 0.5
    #: Up to this many random seconds are added to each backoff.
    backoff_jitter: float = 0.5
    #: Statuses a GET is retried on.
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    #: How many answers :attr:`recent_answers` keeps.
    answer_history: int = 20

    def __init__(
        self,
        store_id: int | str,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 10,
        max_retries: int = 3,
        max_wait: float = 60,
        session: requests.Session | None = None,
    ) -> None:
        if isinstance(store_id, bool) or not str(store_id).isdigit():
            raise ConfigError(
                f"store_id must be a positive integer, not {store_id!r}", key="store_id"
            )
        if not isinstance(token, str) or not token.strip():
            raise ConfigError(
                "token must be the store's API token (secret_...), and it is empty", key="token"
            )
        if timeout <= 0:
            raise ConfigError(f"timeout must be positive, not {timeout!r}", key="timeout")
        if max_retries < 0:
            raise ConfigError(
                f"max_retries must be 0 or more, not {max_retries!r}", key="max_retries"
            )
        if max_wait < 0:
            raise ConfigError(f"max_wait must be 0 or more, not {max_wait!r}", key="max_wait")
        self.store_id = int(store_id)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._token = token
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session
        self._retry = _EcwidRetry(
            total=max_retries,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=self.retry_statuses,
            backoff_factor=self.backoff_factor,
            backoff_jitter=self.backoff_jitter,
            backoff_max=max_wait,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
            max_wait=max_wait,
        )
        self._session.mount(self.base_url + "/", HTTPAdapter(max_retries=self._retry))
        self._answers: collections.deque[ApiAnswer] = collections.deque(maxlen=self.answer_history)
        self._answers_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<EcwidClient store_id={self.store_id} base_url={self.base_url!r}>"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session, if this client created it."""
        if self._owns_session:
            self._session.close()

    def get_customer(self, customer_id: int) -> Customer:
        """Return the customer with this id; raise :class:`EcwidNotFound` when there is none."""
        data = self._request("GET", f"customers/{int(customer_id)}")
        return self._customer(data, "GET", f"customers/{int(customer_id)}")

    def find_customer_by_email(self, email: str) -> Customer | None:
        """Return the customer whose email is exactly ``email`` (ignoring case), or ``None``.

        Ecwid's ``email`` filter is a search term, so a search for
        ``bob@example.com`` also finds ``bob@example.com.au``; this method
        looks through every page of results and keeps only an exact match.
        """
        wanted = email.strip().casefold()
        if not wanted:
            raise ValueError("email must not be empty")
        for customer in self.iter_customers(email=email.strip()):
            if customer.email is not None and customer.email.casefold() == wanted:
                return customer
        return None

    def search_customers(
        self, *, offset: int = 0, limit: int = MAX_PAGE_SIZE, **filters: Unpack[CustomerFilters]
    ) -> CustomerPage:
        """Return one page of customers matching ``filters`` (see :class:`CustomerFilters`).

        ``limit`` is at most 100, Ecwid's maximum page size. Page on with
        ``offset += page.count`` while ``offset < page.total``, or use
        :meth:`iter_customers`.
        """
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}, not {limit!r}")
        if offset < 0:
            raise ValueError(f"offset must be 0 or more, not {offset!r}")
        params: dict[str, str | int] = {
            **customer_params(filters),
            "offset": offset,
            "limit": limit,
        }
        data = self._request("GET", "customers", params=params)
        try:
            return CustomerPage(
                total=_int(data["total"]),
                count=_int(data["count"]),
                offset=_int(data["offset"]),
                limit=_int(data["limit"]),
                items=tuple(Customer.from_ecwid(item) for item in data["items"]),
                all_customer_count=(
                    _int(data["allCustomerCount"]) if "allCustomerCount" in data else None
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise EcwidAPIError(
                f"Ecwid answered with an unexpected customer page: {exc}",
                status=200,
                method="GET",
                url=self._url("customers"),
            ) from exc

    def iter_customers(self, **filters: Unpack[CustomerFilters]) -> Iterator[Customer]:
        """Yield every customer matching ``filters``, fetching pages of 100 lazily.

        Nothing is requested until the first customer is asked for.
        """
        offset = 0
        while True:
            page = self.search_customers(offset=offset, limit=MAX_PAGE_SIZE, **filters)
            yield from page.items
            offset += page.count
            if page.count == 0 or offset >= page.total:
                return

    def create_customer(
        self,
        email: str,
        *,
        name: str | None = None,
        billing_person: Person | Mapping[str, t.Any] | None = None,
        shipping_addresses: Iterable[Person | Mapping[str, t.Any]] | None = None,
        customer_group_id: int | None = None,
        accept_marketing: bool | None = None,
        lang: str | None = None,
        extra: Mapping[str, t.Any] | None = None,
    ) -> int:
        """Create a customer and return its id.

        ``name`` fills ``billingPerson.name`` when ``billing_person`` has none.
        ``extra`` adds other Ecwid fields as they are (camelCase). When a
        customer with this email exists, Ecwid answers 409 and this raises
        :class:`EcwidAPIError` with ``status == 409``: look it up with
        :meth:`find_customer_by_email` instead.
        """
        body = self._customer_body(
            email=email,
            name=name,
            billing_person=billing_person,
            shipping_addresses=shipping_addresses,
            customer_group_id=customer_group_id,
            accept_marketing=accept_marketing,
            lang=lang,
            extra=extra,
        )
        data = self._request("POST", "customers", json=body)
        customer_id = data.get("id")
        if not isinstance(customer_id, int) or isinstance(customer_id, bool):
            raise EcwidAPIError(
                f"Ecwid created a customer but answered without its id: {data!r}",
                status=200,
                method="POST",
                url=self._url("customers"),
            )
        return customer_id

    def update_customer(
        self,
        customer_id: int,
        *,
        email: str | None = None,
        name: str | None = None,
        billing_person: Person | Mapping[str, t.Any] | None = None,
        shipping_addresses: Iterable[Person | Mapping[str, t.Any]] | None = None,
        customer_group_id: int | None = None,
        accept_marketing: bool | None = None,
        lang: str | None = None,
        extra: Mapping[str, t.Any] | None = None,
    ) -> None:
        """Change the given fields of a customer; fields left ``None`` stay as they are.

        ``billing_person`` (or ``name`` alone) is sent as the whole billing
        person: pass the full person to keep its address. Raises
        :class:`EcwidNotFound` when there is no such customer, and
        :class:`EcwidAPIError` with ``status == 409`` when ``email`` belongs
        to another customer.
        """
        body = self._customer_body(
            email=email,
            name=name,
            billing_person=billing_person,
            shipping_addresses=shipping_addresses,
            customer_group_id=customer_group_id,
            accept_marketing=accept_marketing,
            lang=lang,
            extra=extra,
        )
        self._request("PUT", f"customers/{int(customer_id)}", json=body)

    def delete_customer(self, customer_id: int) -> None:
        """Delete a customer; raise :class:`EcwidNotFound` when there is none."""
        self._request("DELETE", f"customers/{int(customer_id)}")

    def store_profile(self) -> dict[str, t.Any]:
        """Return the store profile as Ecwid sent it (``generalInfo``, ``account``, ...)."""
        return self._request("GET", "profile")

    @property
    def recent_answers(self) -> tuple[ApiAnswer, ...]:
        """The last :attr:`answer_history` answers (and failures to answer), oldest first.

        After retries only the final answer of a request is kept. A client
        shared between threads records every thread's requests.
        """
        with self._answers_lock:
            return tuple(self._answers)

    def _record(
        self, method: str, path: str, response: requests.Response | None, code: str | None = None
    ) -> None:
        answer = ApiAnswer(
            method=method,
            path=path,
            status=None if response is None else response.status_code,
            received=datetime.datetime.now(datetime.timezone.utc),
            server_date=None
            if response is None
            else _parse_http_date(response.headers.get("Date")),
            error_code=code,
        )
        with self._answers_lock:
            self._answers.append(answer)

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{self.store_id}/{path}"

    @staticmethod
    def _customer_body(
        *,
        email: str | None,
        name: str | None,
        billing_person: Person | Mapping[str, t.Any] | None,
        shipping_addresses: Iterable[Person | Mapping[str, t.Any]] | None,
        customer_group_id: int | None,
        accept_marketing: bool | None,
        lang: str | None,
        extra: Mapping[str, t.Any] | None,
    ) -> dict[str, t.Any]:
        body: dict[str, t.Any] = dict(extra or {})
        if email is not None:
            body["email"] = email
        person = person_json(billing_person) if billing_person is not None else None
        if name is not None:
            person = {"name": name, **(person or {})}
        if person is not None:
            body["billingPerson"] = person
        if shipping_addresses is not None:
            body["shippingAddresses"] = [person_json(address) for address in shipping_addresses]
        if customer_group_id is not None:
            body["customerGroupId"] = customer_group_id
        if accept_marketing is not None:
            body["acceptMarketing"] = accept_marketing
        if lang is not None:
            body["lang"] = lang
        return body

    def _customer(self, data: dict[str, t.Any], method: str, path: str) -> Customer:
        try:
            return Customer.from_ecwid(data)
        except ValueError as exc:
            raise EcwidAPIError(
                f"Ecwid answered with an unreadable customer: {exc}",
                status=200,
                method=method,
                url=self._url(path),
            ) from exc

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Mapping[str, t.Any] | None = None,
    ) -> dict[str, t.Any]:
        url = self._url(path)
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                json=json,
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
                timeout=(self.timeout, self.timeout),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            self._record(method, path, None)
            raise self._no_answer(exc, method, url) from exc
        logger.debug("%s %s -> %s", method, url, response.status_code)
        if response.status_code >= 400:
            error = self._error(response, method, url)
            self._record(method, path, response, error.code)
            raise error
        self._record(method, path, response)
        try:
            data = response.json()
        except ValueError as exc:
            raise EcwidAPIError(
                "Ecwid answered with a body that is not JSON",
                status=response.status_code,
                method=method,
                url=url,
            ) from exc
        if not isinstance(data, dict):
            raise EcwidAPIError(
                f"Ecwid answered with JSON that is not an object: {type(data).__name__}",
                status=response.status_code,
                method=method,
                url=url,
            )
        return data

    def _no_answer(self, exc: requests.RequestException, method: str, url: str) -> EcwidAPIError:
        cause = exc.args[0] if exc.args else None
        reason = cause.reason if isinstance(cause, MaxRetryError) else cause
        if isinstance(reason, NewConnectionError):
            what = "could not connect"
        elif isinstance(exc, requests.Timeout) or isinstance(reason, UrllibTimeoutError):
            what = f"no answer within the timeout of {self.timeout:g}s"
        elif isinstance(exc, requests.ConnectionError):
            what = "the connection failed"
        else:
            return EcwidAPIError(
                f"the request to Ecwid failed ({type(exc).__name__})", method=method, url=url
            )
        return EcwidConnectionError(
            f"Ecwid did not answer: {what}; check the network, the API URL and the timeout",
            method=method,
            url=url,
        )

    def _error(self, response: requests.Response, method: str, url: str) -> EcwidAPIError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        code = message = None
        if isinstance(body, dict):
            code = text_or_none(body.get("errorCode"))
            message = text_or_none(body.get("errorMessage"))
        error_class, hint = _STATUS_ERRORS.get(
            status,
            (EcwidServerError, "Ecwid failed, and kept failing through every retry; try later")
            if status >= 500
            else (EcwidAPIError, f"Ecwid refused the request ({response.reason})"),
        )
        # Ecwid's wording for a conflict is not documented; ours names the cause.
        text = hint if status == 409 else message or hint
        if error_class is EcwidRateLimited:
            return EcwidRateLimited(
                text,
                retry_after=self._retry_after(response),
                status=status,
                code=code,
                method=method,
                url=url,
            )
        return error_class(text, status=status, code=code, method=method, url=url)

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if value is None:
            return None
        try:
            return self._retry.parse_retry_after(value)
        except InvalidHeader:
            return None


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value
