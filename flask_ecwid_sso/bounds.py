"""The limits the REST helper keeps, and reading a body within them.

:class:`Bounds` holds :class:`~flask_ecwid_sso.api.EcwidClient`'s limits,
checked once when the client is made. :func:`read_body` gathers an answer's
body chunk by chunk, decompressing gzip or deflate itself in small pieces, so
that ``max_response_bytes`` counts the decompressed bytes and a huge body, or
a small one that inflates to a huge one, is refused before it fills memory.
Nothing here imports Flask or urllib3.
"""

from __future__ import annotations

import dataclasses
import math
import typing as t
import zlib
from collections.abc import Iterable, Iterator

from .exceptions import ConfigError, EcwidAPIError
from .numbers import is_whole_number

__all__ = ["DEFAULT_MAX_PAGES", "DEFAULT_MAX_RESPONSE_BYTES", "Bounds", "read_body"]

#: The default cap on an answer's (decompressed) body: 10 MiB.
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
#: The default cap on the pages one call reads (100 customers each).
DEFAULT_MAX_PAGES = 1000

# Inflated output is taken in pieces this large, so no single step can balloon.
_PIECE = 64 * 1024
# Both gzip and zlib-wrapped deflate, told apart by their header.
_GZIP_OR_ZLIB = zlib.MAX_WBITS | 32


def _number(value: object, key: str, *, positive: bool) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
        or (positive and value == 0)
    ):
        wanted = "a positive number of seconds" if positive else "0 or more seconds"
        raise ConfigError(f"{key} must be {wanted}, not {value!r}", key=key)
    return float(value)


def _count(value: object, key: str, *, minimum: int) -> int:
    if not is_whole_number(value) or value < minimum:
        raise ConfigError(
            f"{key} must be a whole number of at least {minimum}, not {value!r}", key=key
        )
    return value


@dataclasses.dataclass(frozen=True)
class Bounds:
    """How long, how often and how much the client may spend on one call.

    ``timeout`` bounds each attempt as a whole: connecting, the headers and
    the whole body, however slowly it trickles. ``deadline`` bounds a request
    with all its retries and the waits between them. ``max_retries`` is the
    number of retries after the first attempt (GET only), ``max_wait`` the
    longest ``Retry-After`` or backoff slept through. ``max_response_bytes``
    caps a body, counted after decompression. ``max_pages`` caps the pages
    one call of ``iter_customers`` or ``find_customer_by_email`` reads.
    """

    timeout: float
    max_retries: int
    max_wait: float
    deadline: float
    max_response_bytes: int
    max_pages: int

    @classmethod
    def create(
        cls,
        *,
        timeout: object,
        max_retries: object,
        max_wait: object,
        deadline: object = None,
        max_response_bytes: object = DEFAULT_MAX_RESPONSE_BYTES,
        max_pages: object = DEFAULT_MAX_PAGES,
    ) -> Bounds:
        """Check each limit; :class:`ConfigError` naming the first that is wrong.

        Without a ``deadline``, it is ``timeout * (max_retries + 1)`` plus
        ``max_wait`` for each retry: every attempt and every wait the other
        limits allow.
        """
        seconds = _number(timeout, "timeout", positive=True)
        retries = _count(max_retries, "max_retries", minimum=0)
        wait = _number(max_wait, "max_wait", positive=False)
        if deadline is None:
            deadline = seconds * (retries + 1) + wait * retries
        return cls(
            timeout=seconds,
            max_retries=retries,
            max_wait=wait,
            deadline=_number(deadline, "deadline", positive=True),
            max_response_bytes=_count(max_response_bytes, "max_response_bytes", minimum=1),
            max_pages=_count(max_pages, "max_pages", minimum=1),
        )


def _inflated(chunks: Iterable[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj(_GZIP_OR_ZLIB)
    for chunk in chunks:
        data = chunk
        while True:
            piece = inflater.decompress(data, _PIECE)
            yield piece
            data = inflater.unconsumed_tail
            # A full piece may leave output inside the inflater: ask again.
            if not data and len(piece) < _PIECE:
                break
    yield inflater.flush()
    if not inflater.eof:
        raise zlib.error("the compressed data ends early")


def read_body(
    chunks: Iterable[bytes],
    content_encoding: str,
    limit: int,
    *,
    status: int,
    method: str,
    url: str,
) -> bytearray:
    """The body from ``chunks``, decoded as ``content_encoding`` says: at most ``limit`` bytes.

    Raises :class:`EcwidAPIError` when the decoded body would pass ``limit``,
    when the encoding is neither gzip, deflate nor identity, or when the
    compressed data is broken. Reading stops at the first byte over the cap.
    """
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        pieces: Iterable[bytes] = chunks
    elif encoding in ("gzip", "x-gzip", "deflate"):
        pieces = _inflated(chunks)
    else:
        raise EcwidAPIError(
            "Ecwid answered in a Content-Encoding this client does not read"
            f" ({encoding[:40]!r}); it asks for gzip or deflate only",
            status=status,
            method=method,
            url=url,
        )
    body = bytearray()
    try:
        for piece in pieces:
            body += piece
            if len(body) > limit:
                raise EcwidAPIError(
                    f"Ecwid's answer is larger than max_response_bytes ({limit} bytes,"
                    " counted decompressed); it was not read further. Raise"
                    " max_response_bytes if such answers are expected",
                    status=status,
                    method=method,
                    url=url,
                )
    except zlib.error:
        raise EcwidAPIError(
            f"Ecwid's answer says it is {encoding}, but it does not decompress",
            status=status,
            method=method,
            url=url,
        ) from None
    return body


def checked_store_id(store_id: object) -> int:
    """``store_id`` as an ``int``: a positive integer, or a string of digits."""
    readable = is_whole_number(store_id) or isinstance(store_id, str)
    if not readable or not str(store_id).isdigit() or int(str(store_id)) <= 0:
        raise ConfigError(
            "store_id must be a positive integer (the number in your Ecwid admin's URL)",
            key="store_id",
        )
    return int(str(store_id))


def check_token(token: object) -> None:
    """Refuse what cannot be an API token: the client would send it in a header."""
    printable = isinstance(token, str) and token.isascii() and token.isprintable()
    if not printable or not t.cast(str, token).strip() or " " in t.cast(str, token):
        raise ConfigError(
            "token must be the store's API token (secret_...): printable ASCII, no spaces,"
            " and this one is empty or is not",
            key="token",
        )
