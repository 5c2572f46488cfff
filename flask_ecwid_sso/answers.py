"""Reading what Ecwid answered: the JSON document, the error, and the log of recent answers.

:func:`read_document` turns a successful answer into its JSON object and
:func:`answer_error` an error answer into the right
:class:`~flask_ecwid_sso.exceptions.EcwidAPIError`. :class:`ApiAnswer` records
one request for diagnostics (the doctor's clock check, the debug page), and
:class:`AnswerLog` keeps the latest few. Nothing here imports Flask.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import json
import threading
import typing as t

from .customers import text_or_none
from .exceptions import EcwidAPIError
from .transport import Answer, parse_http_date

__all__ = ["AnswerLog", "ApiAnswer", "answer_error", "read_document"]


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


def read_document(answer: Answer, method: str, url: str) -> dict[str, t.Any]:
    """The JSON object a successful answer carries; :class:`EcwidAPIError` when it has none."""
    try:
        data = json.loads(answer.body)
    except ValueError as exc:
        raise EcwidAPIError(
            "Ecwid answered with a body that is not JSON",
            status=answer.status,
            method=method,
            url=url,
        ) from exc
    if not isinstance(data, dict):
        raise EcwidAPIError(
            f"Ecwid answered with JSON that is not an object: {type(data).__name__}",
            status=answer.status,
            method=method,
            url=url,
        )
    return data


def answer_error(
    answer: Answer, method: str, url: str, *, retry_after: float | None
) -> EcwidAPIError:
    """The error an answer's error status means, with Ecwid's ``errorCode`` and ``errorMessage``."""
    try:
        body = json.loads(answer.body)
    except ValueError:
        body = None
    code = message = None
    if isinstance(body, dict):
        code = text_or_none(body.get("errorCode"))
        message = text_or_none(body.get("errorMessage"))
    return EcwidAPIError.from_status(
        answer.status,
        code=code,
        message=message,
        reason=answer.reason,
        retry_after=retry_after,
        method=method,
        url=url,
    )
