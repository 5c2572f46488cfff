"""How the REST helper reaches Ecwid: one ``requests.Session``, retries, and hard bounds.

The only module that touches urllib3. A :class:`Transport` sends a request
within :class:`~flask_ecwid_sso.bounds.Bounds`: retries declared once on an
``HTTPAdapter`` (GET only, honouring ``Retry-After`` up to ``max_wait``, none
past the ``deadline``); each attempt's connection cut by a watchdog when its
``timeout`` is over, however slowly the server trickles; the body read in
chunks up to ``max_response_bytes``; redirects never followed. No ``requests``
or urllib3 exception (the former holds the ``Authorization`` header) is
chained to what it raises. Nothing here imports Flask.
"""

from __future__ import annotations

import functools
import http.client
import logging
import types
import typing as t
from collections.abc import Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import HTTPError, MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as UrllibTimeoutError
from urllib3.response import BaseHTTPResponse, HTTPResponse
from urllib3.util.retry import Retry

from .answers import Answer, retry_after_seconds
from .bounds import Bounds, read_body
from .exceptions import EcwidAPIError, EcwidConnectionError
from .watchdog import (
    Attempts,
    attempt_was_cut,
    attempts_in_progress,
    begin_attempt,
    watch_connection,
)

if t.TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Transport"]

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024


class _HTTPConnection(HTTPConnection):
    def request(self, *args: t.Any, **kwargs: t.Any) -> None:
        watch_connection(self)
        super().request(*args, **kwargs)

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        response = super().getresponse()
        if attempt_was_cut():
            # Headers cut short by the watchdog read as an answer; urllib3 must see a
            # timeout instead, so that a GET is retried while the deadline allows.
            response.close()
            raise TimeoutError("the attempt's timeout passed")
        return response


# HTTPSConnection first: its connect() and TLS, then _HTTPConnection's request().
class _HTTPSConnection(HTTPSConnection, _HTTPConnection):
    def connect(self) -> None:
        watch_connection(self)
        super().connect()


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection

    # urllib3 calls urlopen once per attempt: a retry is a nested call.
    def urlopen(self, *args: t.Any, **kwargs: t.Any) -> BaseHTTPResponse:
        begin_attempt()
        return super().urlopen(*args, **kwargs)


class _HTTPSPool(HTTPSConnectionPool, _HTTPPool):
    ConnectionCls = _HTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections the attempt's watchdog can cut."""

    def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: t.Any) -> t.Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is ProxyManager:
            manager.pool_classes_by_scheme = _POOLS
        return manager


class _EcwidRetry(Retry):
    """urllib3's ``Retry``, kept within ``max_wait`` and the request's deadline.

    A ``Retry-After`` over ``max_wait``, or a wait that would end past the
    deadline, counts as retries exhausted, so (with ``raise_on_status`` off)
    the pool hands the last response back at once. A response about to be
    retried is closed unread, so a huge error body is never drained.
    """

    #: The backoff drawn (with its jitter) when the retry was planned, then slept.
    planned_backoff: float | None = None

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        # An unreadable Retry-After falls back to the exponential backoff.
        return retry_after_seconds(response.headers.get("Retry-After"))

    def get_backoff_time(self) -> float:
        if self.planned_backoff is None:
            self.planned_backoff = super().get_backoff_time()
        return self.planned_backoff

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: types.TracebackType | None = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        asked = None if response is None else self.get_retry_after(response)
        attempts = attempts_in_progress.get()
        if attempts is not None and not attempts.can_wait(asked or retry.get_backoff_time()):
            raise MaxRetryError(t.cast(ConnectionPool, _pool), url, error)
        if response is not None:
            response.close()
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        attempts = attempts_in_progress.get()
        if attempts is not None:
            attempts.pause()
        super().sleep(response)


class Transport:
    """One session to one API, sending each request within ``bounds``.

    GET is retried on ``retry_statuses`` and when no answer comes, after a
    backoff of ``backoff_factor`` (doubling) plus up to ``backoff_jitter``
    seconds, or the ``Retry-After``. A ``session`` passed in stays open.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        bounds: Bounds,
        *,
        backoff_factor: float,
        backoff_jitter: float,
        retry_statuses: frozenset[int],
        session: requests.Session | None = None,
    ) -> None:
        self.bounds = bounds
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
        }
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session
        self._retry = _EcwidRetry(
            total=bounds.max_retries,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=retry_statuses,
            backoff_factor=backoff_factor,
            backoff_jitter=backoff_jitter,
            backoff_max=bounds.max_wait,
            respect_retry_after_header=True,
            raise_on_status=False,
            raise_on_redirect=False,
        )
        self._session.mount(base_url.rstrip("/") + "/", _Adapter(max_retries=self._retry))

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

        Raises :class:`EcwidConnectionError` when no whole answer came in time
        (refused, reset, cut at the timeout or the deadline, not HTTP) and
        :class:`EcwidAPIError` for a body over the cap or any other failure.
        """
        attempts = Attempts(self.bounds)
        context = attempts_in_progress.set(attempts)
        try:
            outcome = self._exchange(method, url, params, json, attempts)
        finally:
            attempts.pause()
            attempts_in_progress.reset(context)
        if isinstance(outcome, EcwidAPIError):
            raise outcome
        logger.debug("%s %s -> %s", method, url, outcome.status)
        return outcome

    def _exchange(
        self,
        method: str,
        url: str,
        params: Mapping[str, str | int] | None,
        json: Mapping[str, t.Any] | None,
        attempts: Attempts,
    ) -> Answer | EcwidAPIError:
        # Errors are returned, not raised, so that none is raised while a requests
        # exception is being handled: it would ride along as __context__.
        timeout = min(self.bounds.timeout, self.bounds.deadline)
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                json=json,
                headers=self._headers,
                timeout=(timeout, timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            return self._no_answer(exc, attempts, method, url)
        failure: EcwidAPIError | None = None
        body: bytes | bytearray = b""
        try:
            chunks = iter(functools.partial(response.raw.read, _CHUNK, decode_content=False), b"")
            body = read_body(
                chunks,
                response.headers.get("Content-Encoding", ""),
                self.bounds.max_response_bytes,
                status=response.status_code,
                method=method,
                url=url,
            )
        except EcwidAPIError as error:
            # An error status says what went wrong; its unreadable body is dropped.
            failure = error if response.status_code < 300 else None
        except (HTTPError, http.client.HTTPException, OSError):
            failure = self._unanswered("the answer was cut off", method, url)
        finally:
            response.close()
        if attempts.timed_out:
            return self._unanswered(self._too_slow(), method, url)
        return failure or Answer(
            response.status_code, response.reason or "", response.headers, body
        )

    def _too_slow(self) -> str:
        return (
            f"no whole answer within the timeout of {self.bounds.timeout:g}s per attempt"
            f" (deadline {self.bounds.deadline:g}s)"
        )

    def _unanswered(self, what: str, method: str, url: str) -> EcwidAPIError:
        return EcwidConnectionError(
            f"Ecwid did not answer: {what}; check the network, the API URL and the timeout",
            method=method,
            url=url,
        )

    def _no_answer(
        self, exc: requests.RequestException, attempts: Attempts, method: str, url: str
    ) -> EcwidAPIError:
        cause = exc.args[0] if exc.args else None
        reason = cause.reason if isinstance(cause, MaxRetryError) else cause
        timed_out = isinstance(exc, requests.Timeout) or isinstance(reason, UrllibTimeoutError)
        if attempts.timed_out or (timed_out and not isinstance(reason, NewConnectionError)):
            what = self._too_slow()
        elif isinstance(reason, NewConnectionError):
            what = "could not connect"
        elif isinstance(exc, requests.ConnectionError):
            what = "the connection failed, or the answer was not HTTP"
        else:
            return EcwidAPIError(
                f"the request to Ecwid failed ({type(exc).__name__})", method=method, url=url
            )
        return self._unanswered(what, method, url)
