"""Reading what Ecwid answered: the JSON document, the error, and the log of recent answers.

:func:`read_document` turns a successful answer into its JSON object and
:func:`answer_error` an error answer into the right
:class:`~flask_ecwid_sso.exceptions.EcwidAPIError`, whatever the body holds
(JSON of any depth or shape, or none), with Ecwid's ``errorCode`` and
``errorMessage`` cut to a sane length and the token redacted. :class:`ApiAnswer` records
one request for diagnostics (the doctor's clock check, the debug page), and
:class:`AnswerLog` keeps the latest few. Nothing here imports Flask.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import email.utils
import json
import re
import threading
import typing as t
from collections.abc import Callable, Mapping

from .exceptions import EcwidAPIError, EcwidNotFound
from .numbers import is_whole_number

__all__ = [
    "Answer",
    "AnswerLog",
    "ApiAnswer",
    "answer_error",
    "check_count",
    "parse_http_date",
    "read_as",
    "read_document",
    "retry_after_seconds",
]

_MAX_CODE_LENGTH = 100
_MAX_MESSAGE_LENGTH = 1000
_DELAY_SECONDS = re.compile(r"\s*[0-9]{1,10}\s*")
_T = t.TypeVar("_T")


def parse_http_date(value: str | None) -> datetime.datetime | None:
    """An HTTP date (a ``Date`` header) as an aware datetime; ``None`` when unreadable."""
    if value is None or len(value) > 64:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` value (seconds, or an HTTP date) in seconds; ``None`` when unreadable."""
    if value is None:
        return None
    if _DELAY_SECONDS.fullmatch(value):
        return float(value)
    moment = parse_http_date(value.strip())
    if moment is None:
        return None
    return max(0.0, (moment - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the server answered: status, reason phrase, headers and the whole body."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes | bytearray


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


class AnswerLog:
    """The last ``size`` answers (and failures to answer), safe to share between threads."""

    def __init__(self, size: int) -> None:
        self._answers: collections.deque[ApiAnswer] = collections.deque(maxlen=size)
        self._lock = threading.Lock()

    def record(
        self, method: str, path: str, answer: Answer | None, code: str | None = None
    ) -> None:
        """Remember one request's final answer (``None``: no answer came)."""
        entry = ApiAnswer(
            method=method,
            path=path,
            status=None if answer is None else answer.status,
            received=datetime.datetime.now(datetime.timezone.utc),
            server_date=None if answer is None else parse_http_date(answer.headers.get("Date")),
            error_code=code,
        )
        with self._lock:
            self._answers.append(entry)

    def entries(self) -> tuple[ApiAnswer, ...]:
        """The answers kept, oldest first."""
        with self._lock:
            return tuple(self._answers)


def _document(body: bytes | bytearray) -> object:
    """The JSON in ``body``; ``ValueError`` when there is none, or it nests too deep to read."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("the JSON nests too deep") from None


def read_document(answer: Answer, method: str, url: str) -> dict[str, t.Any]:
    """The JSON object a successful answer carries; :class:`EcwidAPIError` when it has none."""
    try:
        data = _document(answer.body)
    except ValueError:
        raise EcwidAPIError(
            "Ecwid answered with a body that is not JSON (or JSON nested too deep to read)",
            status=answer.status,
            method=method,
            url=url,
        ) from None
    if not isinstance(data, dict):
        raise EcwidAPIError(
            f"Ecwid answered with JSON that is not an object: {type(data).__name__}",
            status=answer.status,
            method=method,
            url=url,
        )
    return data


def _shown(value: object, limit: int, secrets: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    for secret in filter(None, secrets):
        value = value.replace(secret, "[redacted]")
    return value if len(value) <= limit else value[: limit - 3] + "..."


def answer_error(
    answer: Answer,
    method: str,
    url: str,
    *,
    retry_after: float | None,
    secrets: tuple[str, ...] = (),
) -> EcwidAPIError:
    """The error an answer's error status means, with Ecwid's ``errorCode`` and ``errorMessage``.

    Each of ``secrets`` (the client's token) is replaced by ``[redacted]`` in
    what the server sent, before it is kept anywhere.
    """
    try:
        body = _document(answer.body)
    except ValueError:
        body = None
    code = message = None
    if isinstance(body, dict):
        code = _shown(body.get("errorCode"), _MAX_CODE_LENGTH, secrets)
        message = _shown(body.get("errorMessage"), _MAX_MESSAGE_LENGTH, secrets)
    return EcwidAPIError.from_status(
        answer.status,
        code=code,
        message=message,
        reason=_shown(answer.reason, _MAX_CODE_LENGTH, secrets),
        retry_after=retry_after,
        method=method,
        url=url,
    )


def read_as(
    reader: Callable[[dict[str, t.Any]], _T],
    data: dict[str, t.Any],
    what: str,
    *,
    method: str,
    url: str,
) -> _T:
    """``reader(data)``, its ``ValueError`` (naming the field) raised as :class:`EcwidAPIError`."""
    try:
        return reader(data)
    except ValueError as exc:
        raise EcwidAPIError(
            f"Ecwid answered with an unreadable {what}: {exc}", status=200, method=method, url=url
        ) from None


def check_count(data: Mapping[str, t.Any], key: str, *, method: str, url: str) -> None:
    """Refuse an ``updateCount``/``deleteCount`` (``key``) of 0 as :class:`EcwidNotFound`.

    A count that is missing passes; one that is not a whole number is an
    :class:`EcwidAPIError`.
    """
    count = data.get(key)
    if count is not None and not is_whole_number(count):
        raise EcwidAPIError(
            f"Ecwid answered with an unreadable {key} ({type(count).__name__})",
            status=200,
            method=method,
            url=url,
        )
    if count == 0:
        raise EcwidNotFound(
            f"Ecwid changed nothing ({key} 0): there is no such customer, or it was already gone",
            status=200,
            method=method,
            url=url,
        )


def created_id(data: Mapping[str, t.Any], *, url: str) -> int:
    """The new customer's ``id`` from a ``POST`` answer, else an :class:`EcwidAPIError`."""
    customer_id = data.get("id")
    if not is_whole_number(customer_id):
        raise EcwidAPIError(
            "Ecwid answered the creation without the new customer's id (an integer);"
            " look the customer up with find_customer_by_email()",
            status=200,
            method="POST",
            url=url,
        )
    return customer_id
