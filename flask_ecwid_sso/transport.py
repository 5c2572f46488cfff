"""How the REST helper reaches Ecwid: one ``requests.Session``, retries, timeouts.

This is the only module that touches ``requests`` adapters and urllib3. A
:class:`Transport` sends one request with a timeout on every attempt and the
retries declared once, on an ``HTTPAdapter``: only GET is retried, on the
client's retry statuses and on connection errors, honouring ``Retry-After``
up to ``max_wait``. When no answer comes it raises
:class:`~flask_ecwid_sso.exceptions.EcwidConnectionError`; any answer, error
statuses included, comes back as an :class:`Answer`. Nothing here imports Flask.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import logging
import types
import typing as t
from collections.abc import Mapping

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

from .exceptions import EcwidAPIError, EcwidConnectionError

if t.TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Answer", "Transport", "parse_http_date"]

logger = logging.getLogger(__name__)


def parse_http_date(value: str | None) -> datetime.datetime | None:
    """An HTTP date (a ``Date`` header) as an aware datetime; ``None`` when unreadable."""
    if value is None:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the server answered: status, reason phrase, headers and the whole body."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes


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


class Transport:
    """One session to one API, with the retrying adapter mounted for ``base_url``.

    ``timeout`` (seconds) bounds each attempt's connect and each read. GET is
    retried up to ``max_retries`` times on ``retry_statuses`` and when no
    answer comes, with exponential backoff (``backoff_factor``, doubling) plus
    up to ``backoff_jitter`` random seconds, or the server's ``Retry-After``.
    A ``session`` passed in is used, and left open by :meth:`close`.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float,
        max_retries: int,
        max_wait: float,
        backoff_factor: float,
        backoff_jitter: float,
        retry_statuses: frozenset[int],
        session: requests.Session | None = None,
    ) -> None:
        self.timeout = timeout
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session
        self._retry = _EcwidRetry(
            total=max_retries,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=retry_statuses,
            backoff_factor=backoff_factor,
            backoff_jitter=backoff_jitter,
            backoff_max=max_wait,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
            max_wait=max_wait,
        )
        self._session.mount(base_url.rstrip("/") + "/", HTTPAdapter(max_retries=self._retry))

    def close(self) -> None:
        """Close the session, if this transport created it."""
        if self._owns_session:
            self._session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Mapping[str, t.Any] | None = None,
    ) -> Answer:
        """Send one request (retried as declared) and return the final answer, whatever its status.

        Raises :class:`EcwidConnectionError` when no answer came (refused,
        reset, timed out) and :class:`EcwidAPIError` for any other failure to
        send; neither carries the token.
        """
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                json=json,
                headers=self._headers,
                timeout=(self.timeout, self.timeout),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise self._no_answer(exc, method, url) from exc
        logger.debug("%s %s -> %s", method, url, response.status_code)
        return Answer(
            status=response.status_code,
            reason=response.reason or "",
            headers=response.headers,
            body=response.content,
        )

    def retry_after(self, answer: Answer) -> float | None:
        """The answer's ``Retry-After`` in seconds, ``None`` when absent or unreadable."""
        value = answer.headers.get("Retry-After")
        if value is None:
            return None
        try:
            return self._retry.parse_retry_after(value)
        except InvalidHeader:
            return None

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
