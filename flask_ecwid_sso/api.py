"""The REST helper: :class:`EcwidClient`, Ecwid's REST API v3 for one store.

The client turns calls into requests and answers into typed values. How
requests travel is :mod:`.transport`'s job (within :mod:`.bounds`), reading
answers and errors :mod:`.answers`' (with ``EcwidAPIError.from_status``), the
shapes of customers, pages and bodies :mod:`.customers`' and
:mod:`.customer_params`'. The token travels only in the ``Authorization`` header.
"""

from __future__ import annotations

import functools
import typing as t
from collections.abc import Iterator, Mapping

import requests

from .answers import (
    AnswerLog,
    ApiAnswer,
    answer_error,
    check_count,
    created_id,
    read_as,
    read_document,
    retry_after_seconds,
)
from .bounds import (
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RESPONSE_BYTES,
    Bounds,
    check_token,
    checked_store_id,
)
from .customer_params import CustomerFields, CustomerFilters, customer_body, customer_params
from .customers import Customer, CustomerPage
from .emails import same_email
from .exceptions import EcwidAPIError
from .transport import Transport

if t.TYPE_CHECKING:
    from typing_extensions import Self, Unpack

__all__ = ["ApiAnswer", "EcwidClient"]

DEFAULT_BASE_URL = "https://app.ecwid.com/api/v3"
MAX_PAGE_SIZE = 100


class EcwidClient:
    """A client of Ecwid's REST API v3 for one store: customers and the store profile.

    Every failure of a call is an :class:`EcwidAPIError` subclass (no answer:
    :class:`EcwidConnectionError`), whatever the server sends. The bounds
    (see :class:`~flask_ecwid_sso.bounds.Bounds`), each a keyword argument:

    - ``timeout`` (seconds, default 10) bounds each attempt as a whole:
      connecting, the headers and the whole body, however slowly it trickles
      (a GET cut before its answer starts is retried; one cut mid-body is not).
    - ``max_retries`` (default 3): GET is retried that many times on 408,
      429, 500, 502, 503, 504 and when no answer comes, with exponential
      backoff and jitter, or the server's ``Retry-After``. POST, PUT and
      DELETE are never retried once sent; 401, 402, 403 and 404 never are.
    - ``max_wait`` (seconds, default 60): a ``Retry-After`` longer than this
      is never slept through; :class:`EcwidRateLimited` is raised at once with
      ``retry_after`` set.
    - ``deadline`` (seconds) bounds one request with all its retries and
      waits; by default ``timeout * (max_retries + 1) + max_wait * max_retries``.
    - ``max_response_bytes`` (default 10 MiB) caps a body, counted after
      decompression while it streams in. The parsed JSON may take a few times
      that in memory.
    - ``max_pages`` (default 1000, i.e. 100,000 customers) caps the pages one
      call of :meth:`iter_customers` or :meth:`find_customer_by_email` reads.

    The limits in force are on :attr:`bounds` (a frozen
    :class:`~flask_ecwid_sso.bounds.Bounds`); a wrong one is a
    :class:`ConfigError` naming it.

    Redirects are never followed (the token stays with ``base_url``): a 3xx
    is an :class:`EcwidAPIError`. Use the client as a context manager, or call
    :meth:`close`. A ``session`` passed in gets the client's adapter mounted
    for ``base_url`` and stays open on :meth:`close`: its owner closes it.
    """

    #: Seconds of the exponential backoff between retries (doubling each time).
    backoff_factor: float = 0.5
    #: Up to this many random seconds are added to each backoff.
    backoff_jitter: float = 0.5
    #: Statuses a GET is retried on.
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504})
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
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_pages: int = DEFAULT_MAX_PAGES,
        session: requests.Session | None = None,
    ) -> None:
        self.store_id = checked_store_id(store_id)
        check_token(token)
        self.bounds = Bounds.create(
            timeout=timeout,
            max_retries=max_retries,
            max_wait=max_wait,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            max_pages=max_pages,
        )
        self.base_url = base_url.rstrip("/")
        self.timeout = self.bounds.timeout
        self.max_retries = self.bounds.max_retries
        self.max_wait = self.bounds.max_wait
        self._token = token
        self._transport = Transport(
            self.base_url,
            token,
            self.bounds,
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
        return read_as(Customer.from_ecwid, data, "customer", method="GET", url=self._url(path))

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
        read = functools.partial(CustomerPage.from_ecwid, offset=offset, limit=limit)
        return read_as(read, data, "customer page", method="GET", url=self._url("customers"))

    def iter_customers(self, **filters: Unpack[CustomerFilters]) -> Iterator[Customer]:
        """Yield every customer matching ``filters`` once, fetching pages of 100 lazily.

        Nothing is requested until the first customer is asked for. Paging
        ends when the offset reaches the page's ``total``. A page that brings
        no customer not seen before while ``total`` promises more, or more
        than ``max_pages`` pages, raises :class:`EcwidAPIError` rather than
        ending early or looping on.
        """
        seen: set[int] = set()
        offset = 0
        for _ in range(self.bounds.max_pages):
            page = self.search_customers(offset=offset, limit=MAX_PAGE_SIZE, **filters)
            fresh = [customer for customer in page.items if customer.id not in seen]
            seen.update(customer.id for customer in fresh)
            yield from fresh
            offset += page.count
            if offset >= page.total:
                return
            if not fresh:
                raise self._paging_error(
                    f"the page at offset {offset - page.count} brought no new customer, though"
                    f" total says {page.total}: Ecwid's paging does not advance"
                )
        raise self._paging_error(
            f"the search has more than max_pages ({self.bounds.max_pages}) pages: narrow"
            " the filters, or raise max_pages"
        )

    def create_customer(self, email: str, **fields: Unpack[CustomerFields]) -> int:
        """Create a customer and return its id; ``fields`` are :class:`CustomerFields`.

        ``name`` fills ``billingPerson.name`` when ``billing_person`` has none.
        ``extra`` adds other Ecwid fields as they are (camelCase). When a
        customer with this email exists, Ecwid answers 409 and this raises
        :class:`EcwidAPIError` with ``status == 409``: look it up with
        :meth:`find_customer_by_email` instead.
        """
        data = self._request("POST", "customers", body=customer_body(email, fields))
        return created_id(data, url=self._url("customers"))

    def update_customer(
        self, customer_id: int, *, email: str | None = None, **fields: Unpack[CustomerFields]
    ) -> None:
        """Change the given fields of a customer; fields left out or ``None`` stay as they are.

        ``fields`` are :class:`CustomerFields`. ``billing_person`` (or ``name``
        alone) is sent as the whole billing person: pass the full person to
        keep its address. Raises :class:`EcwidNotFound` when there is no such
        customer (or Ecwid answers ``{"updateCount": 0}``: nothing updated),
        and :class:`EcwidAPIError` with ``status == 409`` when ``email``
        belongs to another customer.
        """
        path = f"customers/{int(customer_id)}"
        data = self._request("PUT", path, body=customer_body(email, fields))
        check_count(data, "updateCount", method="PUT", url=self._url(path))

    def delete_customer(self, customer_id: int) -> None:
        """Delete a customer; raise :class:`EcwidNotFound` when there is none.

        An answer of ``{"deleteCount": 0}`` (nothing deleted) raises
        :class:`EcwidNotFound` too.
        """
        path = f"customers/{int(customer_id)}"
        data = self._request("DELETE", path)
        check_count(data, "deleteCount", method="DELETE", url=self._url(path))

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

    def _paging_error(self, what: str) -> EcwidAPIError:
        return EcwidAPIError(f"stopped paging: {what}", method="GET", url=self._url("customers"))

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
        if not 200 <= answer.status < 300:
            error = answer_error(
                answer,
                method,
                url,
                retry_after=retry_after_seconds(answer.headers.get("Retry-After")),
                secrets=(self._token,),
            )
            self._answers.record(method, path, answer, error.code)
            raise error
        self._answers.record(method, path, answer)
        return read_document(answer, method, url)
