"""The REST helper: :class:`EcwidClient`, Ecwid's REST API v3 for one store.

The client turns calls into requests and answers into typed values; how the
requests travel (one session, timeouts, retries) is :mod:`.transport`'s job,
what an error status means is
:meth:`EcwidAPIError.from_status <flask_ecwid_sso.exceptions.EcwidAPIError.from_status>`'s,
and the shapes of customers, pages and request bodies live in :mod:`.customers`
and :mod:`.customer_params`. Every failure comes out as an
:class:`~flask_ecwid_sso.exceptions.EcwidAPIError`; the token travels only in
the ``Authorization`` header.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterator, Mapping

import requests

from .answers import AnswerLog, ApiAnswer, answer_error, read_document
from .customer_params import CustomerFields, CustomerFilters, customer_body, customer_params
from .customers import Customer, CustomerPage
from .emails import same_email
from .exceptions import ConfigError, EcwidAPIError
from .numbers import is_whole_number
from .transport import Transport

if t.TYPE_CHECKING:
    from typing_extensions import Self, Unpack

__all__ = ["ApiAnswer", "EcwidClient"]

DEFAULT_BASE_URL = "https://app.ecwid.com/api/v3"
_T = t.TypeVar("_T")
MAX_PAGE_SIZE = 100


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
        readable = is_whole_number(store_id) or isinstance(store_id, str)
        if not readable or not str(store_id).isdigit():
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
        self._transport = Transport(
            self.base_url,
            token,
            timeout=timeout,
            max_retries=max_retries,
            max_wait=max_wait,
            backoff_factor=self.backoff_factor,
            backoff_jitter=self.backoff_jitter,
            retry_statuses=self.retry_statuses,
            session=session,
        )
        self._answers = AnswerLog(self.answer_history)

    def __repr__(self) -> str:
        return f"<EcwidClient store_id={self.store_id} base_url={self.base_url!r}>"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the session, if this client created it."""
        self._transport.close()

    def get_customer(self, customer_id: int) -> Customer:
        """Return the customer with this id; raise :class:`EcwidNotFound` when there is none."""
        path = f"customers/{int(customer_id)}"
        data = self._request("GET", path)
        return self._read(Customer.from_ecwid, data, "GET", path, "customer")

    def find_customer_by_email(self, email: str) -> Customer | None:
        """Return the customer whose email is exactly ``email`` (ignoring ASCII case), or ``None``.

        Ecwid's ``email`` filter is a search term, so a search for
        ``bob@example.com`` also finds ``bob@example.com.au``; this method
        looks through every page of results and keeps only an exact match, by
        :func:`~flask_ecwid_sso.emails.same_email` (never Unicode case folding,
        which makes ``straße@`` and ``strasse@`` one).
        """
        if not email.strip():
            raise ValueError("email must not be empty")
        for customer in self.iter_customers(email=email.strip()):
            if customer.email is not None and same_email(customer.email, email):
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
        params = {**customer_params(filters), "offset": offset, "limit": limit}
        data = self._request("GET", "customers", params=params)
        return self._read(CustomerPage.from_ecwid, data, "GET", "customers", "customer page")

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

    def create_customer(self, email: str, **fields: Unpack[CustomerFields]) -> int:
        """Create a customer and return its id; ``fields`` are :class:`CustomerFields`.

        ``name`` fills ``billingPerson.name`` when ``billing_person`` has none.
        ``extra`` adds other Ecwid fields as they are (camelCase). When a
        customer with this email exists, Ecwid answers 409 and this raises
        :class:`EcwidAPIError` with ``status == 409``: look it up with
        :meth:`find_customer_by_email` instead.
        """
        data = self._request("POST", "customers", body=customer_body(email, fields))
        customer_id = data.get("id")
        if not is_whole_number(customer_id):
            raise EcwidAPIError(
                f"Ecwid created a customer but answered without its id: {data!r}",
                status=200,
                method="POST",
                url=self._url("customers"),
            )
        return customer_id

    def update_customer(
        self, customer_id: int, *, email: str | None = None, **fields: Unpack[CustomerFields]
    ) -> None:
        """Change the given fields of a customer; fields left out or ``None`` stay as they are.

        ``fields`` are :class:`CustomerFields`. ``billing_person`` (or ``name``
        alone) is sent as the whole billing person: pass the full person to
        keep its address. Raises :class:`EcwidNotFound` when there is no such
        customer, and :class:`EcwidAPIError` with ``status == 409`` when
        ``email`` belongs to another customer.
        """
        body = customer_body(email, fields)
        self._request("PUT", f"customers/{int(customer_id)}", body=body)

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
        return self._answers.entries()

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{self.store_id}/{path}"

    def _read(
        self,
        reader: t.Callable[[dict[str, t.Any]], _T],
        data: dict[str, t.Any],
        method: str,
        path: str,
        what: str,
    ) -> _T:
        try:
            return reader(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise EcwidAPIError(
                f"Ecwid answered with an unreadable {what}: {exc}",
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
        body: Mapping[str, t.Any] | None = None,
    ) -> dict[str, t.Any]:
        url = self._url(path)
        try:
            answer = self._transport.send(method, url, params=params, json=body)
        except EcwidAPIError:
            self._answers.record(method, path, None)
            raise
        if answer.status >= 400:
            error = answer_error(
                answer, method, url, retry_after=self._transport.retry_after(answer)
            )
            self._answers.record(method, path, answer, error.code)
            raise error
        self._answers.record(method, path, answer)
        return read_document(answer, method, url)
